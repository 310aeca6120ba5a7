//! Which seats may be shared: for each student, the mentors qualified for two or more of its
//! needs (a seat that may cover several needs), with the candidate positions of those needs,
//! and its locked mentors. Read by the bound, the master and the residual.
//!
//! Must not import the network solver (`flow`) or HiGHS: it is the model's shape only.

use crate::domain::model::{MentorIx, Problem};
use crate::rules::Candidates;
use crate::solver::flow::Cost;

/// A mentor that qualifies for two or more needs of one student: a seat that may be shared.
#[derive(Clone, Copy, Debug)]
pub(super) struct SharedSeat {
    pub(super) mentor: MentorIx,
    /// Needs of the student (bit i = the student's i-th need) the mentor may cover.
    pub(super) mask: u16,
}

/// Shared seats per student, with the candidate position of each need they cover.
pub(super) struct Sharing {
    /// Shared seats of student s: `seats[seat_start[s]..seat_start[s + 1]]`.
    pub(super) seat_start: Vec<u32>,
    pub(super) seats: Vec<SharedSeat>,
    /// Candidate positions (in the full set) of seat j's needs, in need order:
    /// `members[member_start[j]..member_start[j + 1]]`.
    pub(super) member_start: Vec<u32>,
    pub(super) members: Vec<u32>,
    /// Locked mentors per student (rare): (mentor, mask, candidate positions in need order).
    pub(super) locks: Vec<Vec<(MentorIx, u16, Vec<u32>)>>,
    /// Each mentor's seats left beside its locks: its capacity less its locked students.
    pub(super) free_seats: Vec<u32>,
    /// How the bound treats each student (see [`Sharing::shape`]).
    shapes: Vec<Shape>,
    /// The exact programme's work granted to the students past eight needs, per evaluation.
    pub(super) granted_work: u64,
}

/// The price of a seat at a mentor whose every seat is locked (no [`Sharing::free_seats`]):
/// more than any pattern's value (sixteen urgent needs; a student has at most twelve), so the
/// bound's patterns take such a mentor only where it is locked, and free. Any price is exact
/// there: the mentor's capacity and its locks charge it alike (`(capacity − locks)·μ = 0` in
/// `L(μ)`), so the bound can only tighten. The master's LP prices such a row (`Σ x ≤ 0`) only as
/// high as the columns it holds make it, and pricing then offered one pattern through the
/// mentor after another, each pricing the last out by a hair: a 4,000-student rematch in lock
/// mode with some capacities cut spent its urgent tier's hundred iterations so, its bound three
/// urgent needs above the LP's optimum, and ended `TIME_LIMIT` after 19 s (0.28 s proven now).
/// `2^108` times 50,000 mentors of five seats stays within `i128`.
pub(super) const FULL_SEAT_PRICE: Cost = 1 << 108;

/// Students of up to this many needs always get the exact programme (at most 3,280 block
/// tries per slot, at eight needs: one per subset of the rest of each subset of needs), which
/// tries every subset of the rest there (`StudentTable::fill`), as it always has.
pub(super) const ALWAYS_EXACT_NEEDS: u32 = 8;

/// Most work (table cells times blocks tried, see [`exact_work`]) the exact programme may take
/// in all, per evaluation of the bound, for the students of more needs than
/// [`ALWAYS_EXACT_NEEDS`] (a request may hold twelve): they get it cheapest first, and those
/// past the budget get the loose bound (`loose_best`), which lets a student ride every shared
/// seat free and gives the master no pattern of it. 2^24 block tries are what ~570 students
/// of eight needs at their worst (one mentor for all eight, nine slots) already cost. Measured
/// on the 900-student school with more needs (`manyneeds.py`): with up to six more
/// (`gen900s1_k6`, one student of nine needs) the loose bound left the master's bound a need
/// above the plan and the answer `TIME_LIMIT` after 27 s, proven in 12 s with it exact; with
/// up to nine more (194 students of 9–12 needs, 12.0 M block tries), `TIME_LIMIT` after
/// 16–26 s with 64 of them loose, proven in 4.3 s with none, the bound's evaluations 20 ms
/// on average on two cores (34 ms at most).
pub(crate) const EXACT_WORK_BUDGET: u64 = 1 << 24;

/// The students (of `past`: work, student) that get the exact programme within `budget`,
/// with their work: the cheapest first, ties by student, so the choice is the same on every
/// run.
fn within_budget(mut past: Vec<(u64, usize)>, budget: u64) -> Vec<(u64, usize)> {
    past.sort_unstable();
    let mut spent: u64 = 0;
    past.into_iter()
        .take_while(|&(work, _)| {
            spent = spent.saturating_add(work);
            spent <= budget
        })
        .collect()
}

/// The exact programme's work for a student of `k` needs with `slots` paid mentors, at most:
/// per subset of its needs, the blocks that hold its lowest need (the need on its own; each
/// subset of two or more of a shared seat's needs; each subset of a locked seat's) or the
/// subsets of the rest, whichever is fewer (`StudentTable::fill` tries the fewer), times the
/// slots. `masks` are the shared seats' (false) and the locked seats' (true) needs. Counts
/// `2^k` subsets and the blocks' subsets: for the students past [`ALWAYS_EXACT_NEEDS`] only.
pub(super) fn exact_work(k: usize, slots: usize, masks: impl Iterator<Item = (u16, bool)>) -> u64 {
    if k > 16 {
        return u64::MAX;
    }
    let mut block = vec![false; 1 << k];
    for i in 0..k {
        block[1 << i] = true;
    }
    for (mask, locked) in masks {
        let mut sub = mask;
        while sub != 0 {
            if locked || sub.count_ones() >= 2 {
                block[usize::from(sub)] = true;
            }
            sub = (sub - 1) & mask;
        }
    }
    let mut listed = vec![0u64; k];
    for (b, _) in block.iter().enumerate().filter(|(_, &on)| on) {
        listed[b.trailing_zeros() as usize] += 1;
    }
    (1usize..1 << k)
        .map(|mask| listed[mask.trailing_zeros() as usize].min(1 << (mask.count_ones() - 1)))
        .sum::<u64>()
        .saturating_mul(slots as u64 + 1)
}

/// One range of students' part of the scan: its shared seats with their member counts, the
/// members (candidate positions), and each student's number of seats.
type Part = (Vec<(SharedSeat, usize)>, Vec<u32>, Vec<usize>);

/// Students between two looks at a build's stop (see [`Sharing::build_until`]).
const STOP_POLL_STUDENTS: usize = 256;

impl Sharing {
    /// The shared seats of every student; the students past eight needs get the exact
    /// programme within `exact_work` block tries (see [`EXACT_WORK_BUDGET`]).
    pub(super) fn build(problem: &Problem, all: &Candidates, exact_work: u64) -> Self {
        let never = || false;
        let parts = Self::scan(problem, all, &never);
        Self::assemble(problem, all, exact_work, parts.into_iter().flatten())
    }

    /// [`Sharing::build`], given up (None) once `stop` says so. A solve builds them on the
    /// other core while its first flow runs; past the deadline nothing reads them any more,
    /// and a build still running holds the answer (its thread is joined before the method
    /// returns): 1 s at the dense 30.8 M-pair district, whose scoring alone can outlast a
    /// short limit.
    pub(super) fn build_until(
        problem: &Problem,
        all: &Candidates,
        exact_work: u64,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Self> {
        let parts: Option<Vec<_>> = Self::scan(problem, all, stop).into_iter().collect();
        Some(Self::assemble(problem, all, exact_work, parts?.into_iter()))
    }

    /// Each range of students' shared seats, their members and counts; None for a range
    /// `stop` cut short.
    fn scan(
        problem: &Problem,
        all: &Candidates,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Vec<Option<Part>> {
        let s_count = problem.students.len();
        crate::parallel::over_ranges(s_count, |range| {
            let mut seats = Vec::new();
            let mut members = Vec::new();
            let mut counts = Vec::with_capacity(range.len());
            let mut row: Vec<(MentorIx, u8, u32)> = Vec::new();
            for s in range {
                if s.is_multiple_of(STOP_POLL_STUDENTS) && stop() {
                    return None;
                }
                let student = &problem.students[s];
                let before = seats.len();
                if student.need_count >= 2 {
                    row.clear();
                    for (i, n) in student.needs().enumerate() {
                        row.extend(all.of_need(n).map(|c| (all.mentors[c], i as u8, c as u32)));
                    }
                    row.sort_unstable();
                    let mut k = 0;
                    while k < row.len() {
                        let mut end = k + 1;
                        while end < row.len() && row[end].0 == row[k].0 {
                            end += 1;
                        }
                        if end - k >= 2 {
                            let mask = row[k..end].iter().fold(0u16, |a, r| a | 1 << r.1);
                            seats.push((
                                SharedSeat {
                                    mentor: row[k].0,
                                    mask,
                                },
                                end - k,
                            ));
                            members.extend(row[k..end].iter().map(|r| r.2));
                        }
                        k = end;
                    }
                }
                counts.push(seats.len() - before);
            }
            Some((seats, members, counts))
        })
    }

    /// The shared seats from the scan's parts (in student order), with the locks' seats and
    /// each student's shape.
    fn assemble(
        problem: &Problem,
        all: &Candidates,
        exact_work: u64,
        parts: impl Iterator<Item = Part>,
    ) -> Self {
        let s_count = problem.students.len();
        let mut out = Sharing {
            seat_start: Vec::with_capacity(s_count + 1),
            seats: Vec::new(),
            member_start: vec![0],
            members: Vec::new(),
            locks: vec![Vec::new(); s_count],
            free_seats: problem.mentors.iter().map(|m| m.capacity).collect(),
            shapes: Vec::new(),
            granted_work: 0,
        };
        out.seat_start.push(0);
        for (seats, members, counts) in parts {
            for (seat, len) in seats {
                out.seats.push(seat);
                let last = *out.member_start.last().unwrap_or(&0);
                out.member_start.push(last + len as u32);
            }
            out.members.extend(members);
            for c in counts {
                let last = *out.seat_start.last().unwrap_or(&0);
                out.seat_start.push(last + c as u32);
            }
        }
        for &(s, m) in &problem.locked {
            let student = &problem.students[s as usize];
            let mut mask = 0u16;
            let mut positions = Vec::new();
            for (i, n) in student.needs().enumerate() {
                if let Some(c) = all.find(n, m) {
                    mask |= 1 << i;
                    positions.push(c as u32);
                }
            }
            out.locks[s as usize].push((m, mask, positions));
            let free = &mut out.free_seats[m as usize];
            *free = free.saturating_sub(1);
        }
        let mut past = Vec::new();
        out.shapes = (0..s_count)
            .map(|s| match out.shape_of(problem, s) {
                Ok(shape) => shape,
                Err(work) => {
                    past.push((work, s));
                    Shape::Loose
                }
            })
            .collect();
        for (work, s) in within_budget(past, exact_work) {
            out.shapes[s] = Shape::Exact;
            out.granted_work += work;
        }
        out
    }

    /// `mu` with every mentor whose seats are all locked priced at [`FULL_SEAT_PRICE`]; None
    /// where no mentor is (most requests), or every such mentor is priced so already.
    pub(super) fn full_seats_priced(&self, mu: &[Cost]) -> Option<Vec<Cost>> {
        let full = |m: usize| self.free_seats[m] == 0 && mu[m] < FULL_SEAT_PRICE;
        if !(0..mu.len()).any(full) {
            return None;
        }
        Some(
            (0..mu.len())
                .map(|m| if full(m) { FULL_SEAT_PRICE } else { mu[m] })
                .collect(),
        )
    }

    pub(super) fn of_student(&self, s: usize) -> std::ops::Range<usize> {
        self.seat_start[s] as usize..self.seat_start[s + 1] as usize
    }

    pub(super) fn members(&self, j: usize) -> &[u32] {
        &self.members[self.member_start[j] as usize..self.member_start[j + 1] as usize]
    }

    /// Seat `j`'s members with their needs' bits in the student's mask: `(i, c)` for the
    /// student's `i`-th need and its pair `c` with the seat's mentor (members are in need
    /// order, one per bit of the mask).
    pub(super) fn member_bits(&self, j: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        let mut bits = self.seats[j].mask;
        self.members(j).iter().map_while(move |&c| {
            (bits != 0).then(|| {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                (i, c)
            })
        })
    }

    /// How the bound finds this student's best pattern.
    pub(super) fn shape(&self, s: usize) -> Shape {
        self.shapes[s]
    }

    /// The student's shape, or, past [`ALWAYS_EXACT_NEEDS`], the exact programme's work for it
    /// (see [`EXACT_WORK_BUDGET`]).
    fn shape_of(&self, problem: &Problem, s: usize) -> Result<Shape, u64> {
        let student = &problem.students[s];
        let limit = problem.policy.max_mentors_per_student;
        if self.of_student(s).is_empty() && self.locks[s].is_empty() && student.need_count <= limit
        {
            return Ok(Shape::Simple);
        }
        if student.need_count <= ALWAYS_EXACT_NEEDS {
            return Ok(Shape::Exact);
        }
        let k = student.need_count as usize;
        let slots = (limit as usize).saturating_sub(self.locks[s].len()).min(k);
        // Mentors of the same needs give the table the same blocks (it keeps the best of each).
        let mut masks: Vec<(u16, bool)> = self.seats[self.of_student(s)]
            .iter()
            .map(|seat| (seat.mask, false))
            .chain(self.locks[s].iter().map(|l| (l.1, true)))
            .collect();
        masks.sort_unstable();
        masks.dedup();
        Err(exact_work(k, slots, masks.into_iter()))
    }

    /// Students the bound treats loosely (for the logs).
    pub(super) fn loose_students(&self) -> usize {
        self.shapes.iter().filter(|&&s| s == Shape::Loose).count()
    }
}

/// How the bound treats one student.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// No shared or locked seat and no binding mentor limit: each need at its best single.
    Simple,
    /// The dynamic programme over subsets of needs ([`StudentTable`]).
    Exact,
    /// Too much work for the programme (many needs, large shared seats: see
    /// [`EXACT_WORK_BUDGET`]): the relaxation of [`loose_best`].
    Loose,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The work counted is the old programme's at its worst for eight needs (one mentor for
    /// all of them, nine slots); twelve needs shared in pairs cost about as much, twelve under
    /// one mentor for all of them (and as many slots) a hundred times that.
    #[test]
    fn the_work_counted_is_the_programmes() {
        assert_eq!(exact_work(8, 8, [(0xff, false)].into_iter()), 29_520);
        let chain12 = exact_work(12, 3, (0..11).map(|i| (0b11u16 << i, false)));
        assert_eq!(chain12, 32_712);
        assert_eq!(exact_work(9, 3, [(0x1ff, false)].into_iter()), 39_364);
        assert_eq!(exact_work(12, 3, [(0xfff, false)].into_iter()), 1_062_880);
        assert_eq!(exact_work(12, 12, [(0xfff, false)].into_iter()), 3_454_360);
        // A locked seat's blocks include its single needs, already counted.
        let locked = exact_work(9, 3, [(0b11, true)].into_iter());
        assert_eq!(locked, exact_work(9, 3, [(0b11, false)].into_iter()));
        assert_eq!(exact_work(17, 1, std::iter::empty()), u64::MAX);
    }

    /// The budget goes to the cheapest students first, ties to the first student, and stops
    /// at the first that does not fit, whatever the order given.
    #[test]
    fn the_budget_goes_to_the_cheapest_students_first() {
        let past = vec![(50, 7), (10, 3), (30, 1), (10, 2), (40, 9)];
        let students = |budget: u64| -> Vec<usize> {
            within_budget(past.clone(), budget)
                .into_iter()
                .map(|(_, s)| s)
                .collect()
        };
        assert_eq!(students(100), vec![2, 3, 1, 9]);
        assert_eq!(students(49), vec![2, 3]);
        assert_eq!(students(9), Vec::<usize>::new());
        assert_eq!(students(u64::MAX), vec![2, 3, 1, 9, 7]);
        assert_eq!(within_budget(past.clone(), 49), vec![(10, 2), (10, 3)]);
    }
}
