//! Method **network+side**: the full model, where one mentor may cover several needs of a
//! student on one seat, solved with network flows and an exact Lagrangian certificate.
//!
//! What it proves: the lexicographic optimum (coverage by priority, then fit) of the full model
//! — capacity in distinct students, per-student mentor limit, locks, forbidden pairs — over
//! every feasible pair, with a certificate computed in exact integer arithmetic.
//!
//! Seat sharing is a fixed charge (the first need of a student takes the seat, the others ride
//! on it), so the model is not a network and its linear relaxation has a real gap (the
//! nine-need instance in the tests: 7.5 against 7). The method:
//!
//! 1. **Primal**: the network with some seats made up front (`flow::Seat`: locks, and bundles
//!    of needs committed to one mentor), solved exactly by the flow with pricing. Any such plan
//!    is feasible. The first solve makes no bundle: every need takes its own seat.
//! 2. **Bound**: relax the mentors' capacities with seat prices `μ`: the flow's potentials,
//!    then (below district size) the optimal duals of the pattern master LP ([`master`]). The
//!    relaxed problem splits by student: each picks the pattern (needs covered,
//!    by which mentors, at most `max_mentors_per_student` of them) that maximises its value
//!    minus the prices of the seats it takes — a small exact dynamic programme over its needs
//!    (one mentor's seat may cover a subset of them). `L(μ) = Σ_m cap_m·μ_m + Σ_s best_s(μ)`
//!    bounds every plan, for any `μ ≥ 0`. All values are the flow's packed lexicographic costs
//!    (`i128`), so the bound is exact, not a float.
//! 3. **Equilibrium**: where the plan's value equals the bound, it is optimal. Otherwise the
//!    students whose best pattern at these prices shares a seat have that bundle committed and
//!    the network is solved again (a few rounds).
//! 4. **Residual**: if a gap `G` remains, every plan better than the incumbent gives each
//!    student a pattern within `G` of its best at the prices (the terms of `L − value` are all
//!    non-negative). Pairs in no such pattern are dropped; the integer program (`mip/`)
//!    solves what is left, first over the pairs within a fraction of a point, widened when
//!    that is not enough. Its optimum is the optimum.

use std::time::Instant;

mod master;

use super::flow::{self, fit_scale_for, pair_cost, Cost, Seat};
use super::{
    level_coverage, mip, network, verify, Solution, SolveError, SolveOptions, SolveStatus, Until,
};
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::rules::Candidates;

/// Rounds of "commit best bundles, solve the network again" before the residual program.
const MAX_ROUNDS: u32 = 3;

/// Largest residual handed to the integer program. HiGHS cannot be interrupted, and on large
/// models it overruns its own time limit by minutes in the root LP (4000x1000 multi-need,
/// 634 k pairs: still in the root LP 8 minutes after an 18 s limit), so past this the network's
/// plan and the certified bound are the answer, on time. The school (33.6 k pairs) stays
/// under it.
const MAX_RESIDUAL_PAIRS: u64 = 150_000;

/// Past this many pairs the pattern master is skipped (its LP would have tens of thousands of
/// rows and far more columns; not measured) and the first flows keep more candidates (see
/// where it is used). Below it the master's prices make the committed bundles and the bound
/// good enough to prove 4,000x1,000 (620 k pairs) optimal.
const DISTRICT_PAIRS: u64 = 4_000_000;

/// One covered need at the lowest priority in the packed cost (the fit digit is below it).
const ONE_NEED: Cost = 1 << flow::FIT_BITS;

/// First width of the residual, in score points.
const INITIAL_DELTA_POINTS: f64 = 0.05;

/// Students with more needs than this get a looser bound (needs priced independently) instead
/// of the exact dynamic programme over subsets of needs (3^k steps).
const DP_MAX_NEEDS: u32 = 8;

/// How the method ended, for the response and the logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SideStats {
    /// Network solves (one per round).
    pub rounds: u32,
    /// Candidate pairs left to the integer program after the bound (0: none was needed).
    pub residual_pairs: usize,
}

/// The answer of the method.
pub(super) struct SideOutcome {
    pub candidates: Candidates,
    pub solution: Solution,
    pub stats: SideStats,
}

/// A mentor that qualifies for two or more needs of one student: a seat that may be shared.
#[derive(Clone, Copy, Debug)]
struct SharedSeat {
    mentor: MentorIx,
    /// Needs of the student (bit i = the student's i-th need) the mentor may cover.
    mask: u16,
}

/// Shared seats per student, with the candidate position of each need they cover.
struct Sharing {
    /// Shared seats of student s: `seats[seat_start[s]..seat_start[s + 1]]`.
    seat_start: Vec<u32>,
    seats: Vec<SharedSeat>,
    /// Candidate positions (in the full set) of seat j's needs, in need order:
    /// `members[member_start[j]..member_start[j + 1]]`.
    member_start: Vec<u32>,
    members: Vec<u32>,
    /// Locked mentors per student (rare): (mentor, mask, candidate positions in need order).
    locks: Vec<Vec<(MentorIx, u16, Vec<u32>)>>,
}

impl Sharing {
    fn build(problem: &Problem, all: &Candidates) -> Self {
        let s_count = problem.students.len();
        let parts = crate::parallel::over_ranges(s_count, |range| {
            let mut seats = Vec::new();
            let mut members = Vec::new();
            let mut counts = Vec::with_capacity(range.len());
            let mut row: Vec<(MentorIx, u8, u32)> = Vec::new();
            for s in range {
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
            (seats, members, counts)
        });
        let mut out = Sharing {
            seat_start: Vec::with_capacity(s_count + 1),
            seats: Vec::new(),
            member_start: vec![0],
            members: Vec::new(),
            locks: vec![Vec::new(); s_count],
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
        }
        out
    }

    fn of_student(&self, s: usize) -> std::ops::Range<usize> {
        self.seat_start[s] as usize..self.seat_start[s + 1] as usize
    }

    fn members(&self, j: usize) -> &[u32] {
        &self.members[self.member_start[j] as usize..self.member_start[j + 1] as usize]
    }

    /// How the bound finds this student's best pattern.
    fn shape(&self, problem: &Problem, s: usize) -> Shape {
        let student = &problem.students[s];
        if self.of_student(s).is_empty()
            && self.locks[s].is_empty()
            && student.need_count <= problem.policy.max_mentors_per_student
        {
            Shape::Simple
        } else if student.need_count > DP_MAX_NEEDS {
            Shape::Loose
        } else {
            Shape::Exact
        }
    }
}

/// How the bound treats one student.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// No shared or locked seat and no binding mentor limit: each need at its best single.
    Simple,
    /// The dynamic programme over subsets of needs ([`StudentTable`]).
    Exact,
    /// Too many needs for the programme: the relaxation of [`loose_best`].
    Loose,
}

/// Candidate values and prices for one evaluation of the bound.
struct Pricing<'a> {
    problem: &'a Problem,
    all: &'a Candidates,
    need_of: &'a [NeedIx],
    fit_scale: f64,
    mu: &'a [Cost],
}

impl Pricing<'_> {
    /// Value of making candidate pair `c` (the flow's cost, negated): coverage digits, then fit.
    /// It does not read the prices.
    fn value(&self, c: usize) -> Cost {
        let n = self.need_of[c] as usize;
        -pair_cost(
            self.problem.needs[n].priority,
            self.all.scores[c],
            self.fit_scale,
        )
    }

    /// The student's needs other than its `i`-th that mentor `m` could cover on the same seat,
    /// as (need offset, value of the pair).
    fn others_at(&self, s: usize, i: usize, m: MentorIx) -> Vec<(usize, Cost)> {
        self.problem.students[s]
            .needs()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .filter_map(|(j, other)| self.all.find(other, m).map(|c| (j, self.value(c))))
            .collect()
    }

    /// Per need, the best value of one mentor's seat minus its price (0: stay unassigned), and
    /// that mentor.
    fn singles(&self) -> Vec<(Cost, MentorIx)> {
        let parts = crate::parallel::over_ranges(self.problem.needs.len(), |range| {
            range
                .map(|n| {
                    let mut best: (Cost, MentorIx) = (0, MentorIx::MAX);
                    for c in self.all.of_need(n as NeedIx) {
                        let m = self.all.mentors[c];
                        let v = self.value(c) - self.mu[m as usize];
                        if v > best.0 {
                            best = (v, m);
                        }
                    }
                    best
                })
                .collect::<Vec<_>>()
        });
        parts.into_iter().flatten().collect()
    }
}

/// A block of a student's pattern: needs (mask) covered by one mentor's seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Block {
    mentor: MentorIx,
    mask: u16,
}

/// The exact best pattern of one student at given prices, by dynamic programming over subsets
/// of its needs: `g[mask][j]` is the best value from the needs in `mask` with at most `j` paid
/// seats. Blocks are a single need at its best mentor, a subset (two or more) of needs at one
/// shared mentor, or any subset at a locked mentor (already paid for).
struct StudentTable {
    k: usize,
    slots: usize,
    /// Value of the locked seats' prices, paid whatever the pattern.
    base: Cost,
    paid: Vec<Option<(Cost, MentorIx)>>,
    free: Vec<Option<(Cost, MentorIx)>>,
    g: Vec<Cost>,
}

impl StudentTable {
    /// The table of student `s` at the prices of `pricing`, with each need's best single
    /// from `singles`.
    fn build(
        pricing: &Pricing<'_>,
        sharing: &Sharing,
        singles: &[(Cost, MentorIx)],
        s: usize,
    ) -> Self {
        let problem = pricing.problem;
        let student = &problem.students[s];
        let k = student.need_count as usize;
        let locks = &sharing.locks[s];
        let limit = problem.policy.max_mentors_per_student as usize;
        let slots = limit.saturating_sub(locks.len()).min(k);
        let size = 1usize << k;
        let mut paid: Vec<Option<(Cost, MentorIx)>> = vec![None; size];
        let mut free: Vec<Option<(Cost, MentorIx)>> = vec![None; size];
        let better = |slot: &mut Option<(Cost, MentorIx)>, v: Cost, m: MentorIx| {
            if slot.is_none_or(|(b, bm)| v > b || (v == b && m < bm)) {
                *slot = Some((v, m));
            }
        };
        for (i, n) in student.needs().enumerate() {
            let (v, m) = singles[n as usize];
            if v > 0 {
                better(&mut paid[1 << i], v, m);
            }
        }
        let mut base: Cost = 0;
        for (m, mask, positions) in locks {
            base -= pricing.mu[*m as usize];
            let values: Vec<Cost> = positions
                .iter()
                .map(|&c| pricing.value(c as usize))
                .collect();
            for_each_subset(*mask, |sub| {
                better(&mut free[sub as usize], sum_in(*mask, sub, &values), *m);
            });
        }
        for j in sharing.of_student(s) {
            let seat = sharing.seats[j];
            if locks.iter().any(|l| l.0 == seat.mentor) {
                continue;
            }
            let values: Vec<Cost> = sharing
                .members(j)
                .iter()
                .map(|&c| pricing.value(c as usize))
                .collect();
            let price = pricing.mu[seat.mentor as usize];
            for_each_subset(seat.mask, |sub| {
                if sub.count_ones() >= 2 {
                    better(
                        &mut paid[sub as usize],
                        sum_in(seat.mask, sub, &values) - price,
                        seat.mentor,
                    );
                }
            });
        }
        let mut table = StudentTable {
            k,
            slots,
            base,
            paid,
            free,
            g: vec![0; size * (slots + 1)],
        };
        table.fill();
        table
    }

    fn at(&self, mask: usize, j: usize) -> Cost {
        self.g[mask * (self.slots + 1) + j]
    }

    fn fill(&mut self) {
        let w = self.slots + 1;
        for mask in 1..1usize << self.k {
            let i = mask.trailing_zeros();
            let low = 1usize << i;
            let rest = mask ^ low;
            for j in 0..w {
                let mut best = self.g[rest * w + j];
                let mut sub = rest;
                loop {
                    let blk = sub | low;
                    if j >= 1 {
                        if let Some((v, _)) = self.paid[blk] {
                            best = best.max(v + self.g[(mask ^ blk) * w + j - 1]);
                        }
                    }
                    if let Some((v, _)) = self.free[blk] {
                        best = best.max(v + self.g[(mask ^ blk) * w + j]);
                    }
                    if sub == 0 {
                        break;
                    }
                    sub = (sub - 1) & rest;
                }
                self.g[mask * w + j] = best;
            }
        }
    }

    /// The student's best value at these prices.
    fn best(&self) -> Cost {
        self.base + self.at((1 << self.k) - 1, self.slots)
    }

    /// The blocks of one best pattern (ties: the first block found, shared seats first).
    fn pattern(&self) -> Vec<Block> {
        let mut out = Vec::new();
        let mut mask = (1usize << self.k) - 1;
        let mut j = self.slots;
        'outer: while mask != 0 {
            let target = self.at(mask, j);
            let low = 1usize << mask.trailing_zeros();
            let rest = mask ^ low;
            let mut sub = rest;
            loop {
                let blk = sub | low;
                if j >= 1 {
                    if let Some((v, m)) = self.paid[blk] {
                        if v + self.at(mask ^ blk, j - 1) == target {
                            out.push(Block {
                                mentor: m,
                                mask: blk as u16,
                            });
                            mask ^= blk;
                            j -= 1;
                            continue 'outer;
                        }
                    }
                }
                if let Some((v, m)) = self.free[blk] {
                    if v + self.at(mask ^ blk, j) == target {
                        out.push(Block {
                            mentor: m,
                            mask: blk as u16,
                        });
                        mask ^= blk;
                        continue 'outer;
                    }
                }
                if sub == 0 {
                    break;
                }
                sub = (sub - 1) & rest;
            }
            // Left unassigned.
            mask = rest;
        }
        out
    }

    /// The best value of a pattern in which need `i` sits with mentor `m` (value `v`, the
    /// pair's value), or None when no pattern has it. `shared` lists the student's other needs
    /// `m` could cover on the same seat, with their values.
    fn forced(
        &self,
        i: usize,
        v: Cost,
        price: Cost,
        shared: &[(usize, Cost)],
        locked: bool,
    ) -> Option<Cost> {
        let full = (1usize << self.k) - 1;
        let w = self.slots + 1;
        let others: u16 = shared.iter().fold(0, |a, &(k, _)| a | 1 << k);
        let mut best: Option<Cost> = None;
        let mut sub = others as usize;
        loop {
            let blk = sub | 1 << i;
            let mut value = v;
            for &(k, vk) in shared {
                if sub & 1 << k != 0 {
                    value += vk;
                }
            }
            let candidate = if locked {
                Some(value + self.g[(full ^ blk) * w + self.slots])
            } else if self.slots >= 1 {
                Some(value - price + self.g[(full ^ blk) * w + self.slots - 1])
            } else {
                None
            };
            if let Some(c) = candidate {
                best = Some(best.map_or(c, |b| b.max(c)));
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & others as usize;
        }
        best.map(|b| b + self.base)
    }
}

/// Calls `f` on every non-empty subset of `mask`.
fn for_each_subset(mask: u16, mut f: impl FnMut(u16)) {
    let mut sub = mask;
    while sub != 0 {
        f(sub);
        sub = (sub - 1) & mask;
    }
}

/// Sum of `values` (one per set bit of `mask`, in bit order) over the bits of `sub`.
fn sum_in(mask: u16, sub: u16, values: &[Cost]) -> Cost {
    let mut total = 0;
    let mut k = 0;
    for bit in 0..16 {
        if mask & 1 << bit != 0 {
            if sub & 1 << bit != 0 {
                total += values[k];
            }
            k += 1;
        }
    }
    total
}

/// One evaluation of the Lagrangian bound.
#[derive(Clone)]
struct Bound {
    value: Cost,
    mu: Vec<Cost>,
    /// Best pattern of every student of [`Shape::Exact`] (for committing bundles).
    patterns: Vec<(StudentIx, Cost, Vec<Block>)>,
    /// Each need's best single at these prices (the residual reads them again).
    singles: Vec<(Cost, MentorIx)>,
}

/// A student's best value bound when its needs are too many for the exact programme: each need
/// at its best single, or free at any shared or locked mentor (a relaxation, so still a bound).
fn loose_best(
    pricing: &Pricing<'_>,
    sharing: &Sharing,
    singles: &[(Cost, MentorIx)],
    s: usize,
) -> Cost {
    let student = &pricing.problem.students[s];
    let mut best: Vec<Cost> = student.needs().map(|n| singles[n as usize].0).collect();
    let mut base = 0;
    for (m, _, positions) in &sharing.locks[s] {
        base -= pricing.mu[*m as usize];
        for &c in positions {
            let i = (pricing.need_of[c as usize] - student.first_need) as usize;
            best[i] = best[i].max(pricing.value(c as usize));
        }
    }
    for j in sharing.of_student(s) {
        for &c in sharing.members(j) {
            let i = (pricing.need_of[c as usize] - student.first_need) as usize;
            best[i] = best[i].max(pricing.value(c as usize));
        }
    }
    base + best.iter().sum::<Cost>()
}

fn lagrangian(pricing: &Pricing<'_>, sharing: &Sharing) -> Bound {
    let problem = pricing.problem;
    let singles = pricing.singles();
    let seats: Cost = problem
        .mentors
        .iter()
        .zip(pricing.mu)
        .map(|(m, &p)| Cost::from(m.capacity) * p)
        .sum();
    let parts = crate::parallel::over_ranges(problem.students.len(), |range| {
        let mut total: Cost = 0;
        let mut patterns = Vec::new();
        for s in range {
            match sharing.shape(problem, s) {
                Shape::Simple => {
                    total += problem.students[s]
                        .needs()
                        .map(|n| singles[n as usize].0)
                        .sum::<Cost>();
                }
                Shape::Loose => total += loose_best(pricing, sharing, &singles, s),
                Shape::Exact => {
                    let table = StudentTable::build(pricing, sharing, &singles, s);
                    let best = table.best();
                    total += best;
                    patterns.push((s as StudentIx, best, table.pattern()));
                }
            }
        }
        (total, patterns)
    });
    let mut value = seats;
    let mut patterns = Vec::new();
    for (t, p) in parts {
        value += t;
        patterns.extend(p);
    }
    Bound {
        value,
        mu: pricing.mu.to_vec(),
        patterns,
        singles,
    }
}

/// A feasible plan with its exact value.
struct Incumbent {
    value: Cost,
    pairs: Vec<(NeedIx, MentorIx)>,
}

/// Needs of one student that the next network treats as one: they go to one mentor's seat
/// together or stay unassigned together.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Bundle {
    student: StudentIx,
    /// The student's needs (bit i = its i-th need), two or more.
    mask: u16,
}

/// The network in which some needs travel as bundles: one node per bundle (the sum of its
/// needs' costs, towards the mentors qualified for all of them) and one per other need. It is
/// a plain network again, so the flow solves it exactly and its potentials price every seat
/// with the bundles competing for them.
struct Derived {
    problem: Problem,
    all: Candidates,
    level: Vec<Cost>,
    /// The original needs of each node.
    needs: Vec<Vec<NeedIx>>,
}

impl Derived {
    fn build(problem: &Problem, all: &Candidates, bundles: &[Bundle], fit_scale: f64) -> Self {
        let base_level = flow::need_levels(problem);
        let _ = fit_scale;
        let mut derived = problem.clone();
        derived.needs = Vec::with_capacity(problem.needs.len());
        let mut level = Vec::with_capacity(problem.needs.len());
        let mut needs_of: Vec<Vec<NeedIx>> = Vec::with_capacity(problem.needs.len());
        let mut out = Candidates {
            starts: vec![0],
            ..Candidates::default()
        };
        let mut b = 0;
        for (s, student) in problem.students.iter().enumerate() {
            let first = derived.needs.len() as NeedIx;
            let mut covered = 0u16;
            while b < bundles.len() && (bundles[b].student as usize) < s {
                b += 1;
            }
            while b < bundles.len() && bundles[b].student as usize == s {
                let mask = bundles[b].mask;
                b += 1;
                if mask & covered != 0 || mask.count_ones() < 2 {
                    continue;
                }
                covered |= mask;
                let members: Vec<NeedIx> = student
                    .needs()
                    .enumerate()
                    .filter(|(i, _)| mask & 1 << i != 0)
                    .map(|(_, n)| n)
                    .collect();
                // Mentors qualified for every need of the bundle, with the summed score.
                let mut row: Vec<(MentorIx, f64)> = all
                    .of_need(members[0])
                    .map(|c| (all.mentors[c], all.scores[c]))
                    .collect();
                for &n in &members[1..] {
                    row.retain_mut(|(m, score)| match all.find(n, *m) {
                        Some(c) => {
                            *score += all.scores[c];
                            true
                        }
                        None => false,
                    });
                }
                let mut need = problem.needs[members[0] as usize].clone();
                need.priority = members
                    .iter()
                    .map(|&n| problem.needs[n as usize].priority)
                    .max()
                    .unwrap_or(need.priority);
                derived.needs.push(need);
                level.push(members.iter().map(|&n| base_level[n as usize]).sum());
                for (m, score) in row {
                    out.mentors.push(m);
                    out.scores.push(score);
                }
                out.starts.push(out.mentors.len() as u32);
                needs_of.push(members);
            }
            for (i, n) in student.needs().enumerate() {
                if covered & 1 << i != 0 {
                    continue;
                }
                derived.needs.push(problem.needs[n as usize].clone());
                level.push(base_level[n as usize]);
                for c in all.of_need(n) {
                    out.mentors.push(all.mentors[c]);
                    out.scores.push(all.scores[c]);
                }
                out.starts.push(out.mentors.len() as u32);
                needs_of.push(vec![n]);
            }
            let st = &mut derived.students[s];
            st.first_need = first;
            st.need_count = derived.needs.len() as u32 - first;
        }
        Derived {
            problem: derived,
            all: out,
            level,
            needs: needs_of,
        }
    }

    /// The node of a lock's seat: the bundle or need of the student holding `need`.
    fn node_of(&self, student: StudentIx, need: NeedIx) -> Option<NeedIx> {
        self.problem.students[student as usize]
            .needs()
            .find(|&k| self.needs[k as usize].contains(&need))
    }
}

/// Solves the seat-sharing model (see the module header).
pub(super) fn solve(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    warm: Option<&[(NeedIx, MentorIx)]>,
) -> Result<SideOutcome, SolveError> {
    let fit_scale = fit_scale_for(problem, all);
    let need_of: Vec<NeedIx> = (0..problem.needs.len() as NeedIx)
        .flat_map(|n| all.of_need(n).map(move |_| n))
        .collect();
    let sharing = Sharing::build(problem, all);
    // A plan's exact value (`Pricing::value` does not read the prices).
    let values = Pricing {
        problem,
        all,
        need_of: &need_of,
        fit_scale,
        mu: &[],
    };
    let value_of = |pairs: &[(NeedIx, MentorIx)]| -> Cost {
        pairs
            .iter()
            .filter_map(|&(n, m)| all.find(n, m))
            .map(|c| values.value(c))
            .sum()
    };
    tracing::debug!(
        shared_seats = sharing.seats.len(),
        "seat sharing: shared seats found"
    );

    // A lock's seat covers every need of the student its mentor qualifies for.
    let lock_bundles: Vec<(Bundle, MentorIx)> = problem
        .locked
        .iter()
        .map(|&(s, m)| {
            let mask = problem.students[s as usize]
                .needs()
                .enumerate()
                .filter(|&(_, n)| all.find(n, m).is_some())
                .fold(0u16, |a, (i, _)| a | 1 << i);
            (Bundle { student: s, mask }, m)
        })
        .collect();
    let mut bundles: Vec<Bundle> = Vec::new();
    // A caller's feasible plan (checked by the entry point) is the first incumbent.
    let mut incumbent: Option<Incumbent> = warm.map(|w| {
        let mut pairs = w.to_vec();
        pairs.sort_unstable();
        Incumbent {
            value: value_of(&pairs),
            pairs,
        }
    });
    let mut bound: Option<Bound> = None;
    let mut rounds = 0;
    let mut timed_out = false;
    let mut network_failed = false;
    let started = Instant::now();
    let mut tried: Vec<Vec<Bundle>> = vec![bundles.clone()];
    let mut master_lp: Option<master::MasterLp<'_>> = None;
    // Too many pairs for the residual program: the bound only reports the gap, so the time
    // goes to the rounds (no descent: at district size one sweep takes 9 s and bought nothing)
    // and the first flows keep twice the candidates (fewer pricing rounds: the district's
    // first multi-need flow 24 s -> 19 s).
    let big = all.len() as u64 > DISTRICT_PAIRS;
    let mut round_options = options;
    if big {
        round_options.sparse_keep = options.sparse_keep.max(1) * 2;
    }
    // The rounds may use a quarter of the time, the rest being the residual program's; all of
    // it when the pairs are too many for the program to be run at all.
    let rounds_until = if all.len() as u64 > MAX_RESIDUAL_PAIRS {
        deadline
    } else {
        deadline.earlier(started + options.time_limit / 4)
    };
    while rounds < MAX_ROUNDS {
        rounds += 1;
        let mut with_locks: Vec<Bundle> = lock_bundles
            .iter()
            .filter(|(b, _)| b.mask.count_ones() >= 2)
            .map(|(b, _)| b.clone())
            .collect();
        with_locks.extend(
            bundles
                .iter()
                .filter(|b| {
                    !lock_bundles
                        .iter()
                        .any(|(l, _)| l.student == b.student && l.mask & b.mask != 0)
                })
                .cloned(),
        );
        with_locks.sort();
        let derived = Derived::build(problem, all, &with_locks, fit_scale);
        let seats: Vec<Seat> = lock_bundles
            .iter()
            .filter_map(|(b, m)| {
                let first =
                    problem.students[b.student as usize].first_need + b.mask.trailing_zeros();
                (b.mask != 0).then_some(())?;
                derived.node_of(b.student, first).map(|node| Seat {
                    student: b.student,
                    mentor: *m,
                    needs: vec![node],
                })
            })
            .collect();
        let run = network::run(
            &derived.problem,
            &derived.all,
            round_options,
            deadline,
            Some(seats),
            Some(fit_scale),
            Some(derived.level.clone()),
        );
        let mut pairs: Vec<(NeedIx, MentorIx)> =
            verify::pairs(&run.candidates, &run.solution.chosen)
                .into_iter()
                .flat_map(|(node, m)| derived.needs[node as usize].iter().map(move |&n| (n, m)))
                .collect();
        pairs.sort_unstable();
        add_rides(problem, all, &values, &mut pairs);
        fill_free_seats(problem, all, &values, &mut pairs);
        add_rides(problem, all, &values, &mut pairs);
        if verify::verify(problem, &pairs).is_err() {
            // Seats made up front that cannot all hold in this form (locks beyond what the
            // flow can honour): the integer program decides.
            network_failed = true;
            break;
        }
        let value = value_of(&pairs);
        if incumbent.as_ref().is_none_or(|inc| value > inc.value) {
            incumbent = Some(Incumbent {
                value,
                pairs: pairs.clone(),
            });
        }
        if !run.complete || deadline.passed() {
            timed_out = true;
            break;
        }
        // Prices: the flow's potentials, then (below district size) the optimal duals of the
        // pattern master, which make the bound as tight as the LP allows.
        let mu = run.solution.seat_prices();
        let pricing = Pricing {
            problem,
            all,
            need_of: &need_of,
            fit_scale,
            mu: &mu,
        };
        let mut evaluated = lagrangian(&pricing, &sharing);
        let best_value = incumbent.as_ref().map_or(Cost::MIN, |i| i.value);
        if !big {
            let t_master = Instant::now();
            let inc_pairs = incumbent.as_ref().map_or(&[][..], |i| &i.pairs[..]);
            let before = evaluated.value;
            let lp =
                master_lp.get_or_insert_with(|| master::MasterLp::new(&values, &sharing, deadline));
            if let Some(p) = lp.prices(
                evaluated.clone(),
                inc_pairs,
                best_value,
                master::TIERS,
                // At most half of the time left, so that a short limit still sees the round
                // its prices are for.
                rounds_until.earlier(Instant::now() + rounds_until.left() / 2),
            ) {
                tracing::debug!(
                    iterations = p.iterations,
                    columns = p.columns,
                    flow_prices_gap_points = (before - best_value) as f64 / fit_scale,
                    gap_points = (p.bound.value - best_value) as f64 / fit_scale,
                    ms = t_master.elapsed().as_millis() as u64,
                    "seat sharing: master prices"
                );
                evaluated = p.bound;
            }
        }
        tracing::debug!(
            round = rounds,
            coverage = ?level_coverage(problem, &pairs).iter().map(|l| l.covered).collect::<Vec<_>>(),
            bound_gap_points = (evaluated.value - best_value) as f64 / fit_scale,
            bundles = with_locks.len(),
            "seat sharing: bound evaluated"
        );
        let mut next: Vec<Bundle> = evaluated
            .patterns
            .iter()
            .flat_map(|(s, _, blocks)| {
                blocks
                    .iter()
                    .filter(|b| b.mask.count_ones() >= 2)
                    .map(move |b| Bundle {
                        student: *s,
                        mask: b.mask,
                    })
            })
            .collect();
        next.sort();
        if bound.as_ref().is_none_or(|b| evaluated.value < b.value) {
            bound = Some(evaluated);
        }
        // Once the bound is within one need of the plan, coverage is proven and what is left
        // is fit, which the residual programme settles faster than another round.
        if bound
            .as_ref()
            .is_some_and(|b| b.value - best_value < ONE_NEED)
            || tried.contains(&next)
            || rounds_until.passed()
        {
            break;
        }
        tried.push(next.clone());
        bundles = next;
    }

    let Some(inc) = incumbent.filter(|_| !network_failed || rounds > 1) else {
        // No plan from the network: the integer program over every pair.
        let solution = mip::solve(problem, all, options, deadline, None)?;
        return Ok(SideOutcome {
            candidates: all.clone(),
            solution,
            stats: SideStats {
                rounds,
                residual_pairs: all.len(),
            },
        });
    };
    let proven = bound.as_ref().is_some_and(|b| b.value <= inc.value);
    let bound = match bound {
        // Past the deadline the residual is not even computed: the plan and bound are the answer.
        Some(b) if !proven && !timed_out && !deadline.passed() => b,
        other => {
            let status = if proven {
                SolveStatus::Optimal
            } else {
                SolveStatus::TimeLimit
            };
            let kept = all.select(problem, options.sparse_keep.max(1));
            return Ok(finish(
                problem,
                all,
                kept,
                inc,
                status,
                other.as_ref(),
                fit_scale,
                rounds,
                0,
            ));
        }
    };
    // The residual. Any plan better than the incumbent gives every student a pattern within
    // `bound − incumbent` of its best at the prices; the pairs of such patterns are few when
    // that gap is small. Solve the integer program over the pairs within a smaller `delta`
    // first: if its optimum comes within `delta` of the bound, no better plan lies outside.
    // Otherwise widen `delta` to the gap now known and solve again.
    let pricing = Pricing {
        problem,
        all,
        need_of: &need_of,
        fit_scale,
        mu: &bound.mu,
    };
    let mut best = inc;
    let mut best_solution: Option<(Candidates, Solution)> = None;
    // The master's bound is the LP's, so a gap of a whole need or more usually means the plan,
    // not the bound, is short: the pairs within a fraction of a point still hold the better
    // plan, and the widening below covers the rest.
    let mut delta = (bound.value - best.value).min((INITIAL_DELTA_POINTS * fit_scale) as Cost);
    let mut residual_len = 0;
    loop {
        let residual = residual_pairs(&pricing, &sharing, &bound.singles, delta, &best.pairs);
        let restricted = if residual.len() * 2 > all.len() {
            // Most pairs are open: the whole set costs the same.
            all.clone()
        } else {
            let mut restricted = Candidates {
                starts: vec![0; problem.needs.len() + 1],
                ..Candidates::default()
            };
            restricted.extend(residual);
            restricted
        };
        let whole = restricted.len() == all.len();
        if restricted.len() as u64 > options.budget.integer_program_cap().min(MAX_RESIDUAL_PAIRS) {
            // The integer program would not fit in memory: answer with the network's plan and
            // its certified bound, not proven optimal.
            tracing::warn!(
                residual = restricted.len(),
                "seat sharing: residual too large for the integer program, plan not proven"
            );
            let kept = all.select(problem, options.sparse_keep.max(1));
            return Ok(finish(
                problem,
                all,
                kept,
                best,
                SolveStatus::TimeLimit,
                Some(&bound),
                fit_scale,
                rounds,
                restricted.len(),
            ));
        }
        residual_len = residual_len.max(restricted.len());
        tracing::debug!(
            residual = restricted.len(),
            pairs = all.len(),
            delta_points = delta as f64 / fit_scale,
            "seat sharing: residual integer program"
        );
        // No start: the program never hands one to HiGHS (see `mip/mod.rs`), and this method keeps
        // its own incumbent.
        let solution = mip::solve(problem, &restricted, options, deadline, None)?;
        let pairs = verify::pairs(&restricted, &solution.chosen);
        let value = value_of(&pairs);
        let optimal_here = solution.status == SolveStatus::Optimal;
        tracing::debug!(
            bound_minus_plan_points = (bound.value - value) as f64 / fit_scale,
            fit_scale,
            "seat sharing: residual solved"
        );
        if value > best.value && verify::verify(problem, &pairs).is_ok() {
            best = Incumbent { value, pairs };
            best_solution = Some((restricted, solution));
        }
        let gap = bound.value - best.value;
        if !optimal_here || gap <= delta || whole {
            let status = if optimal_here {
                SolveStatus::Optimal
            } else {
                SolveStatus::TimeLimit
            };
            return Ok(match best_solution {
                Some((candidates, mut solution))
                    if status == SolveStatus::Optimal
                        || solution.status != SolveStatus::Optimal =>
                {
                    solution.status = status;
                    if status == SolveStatus::Optimal {
                        solution.best_bound = solution.objective;
                        solution.gap = 0.0;
                    }
                    SideOutcome {
                        candidates,
                        solution,
                        stats: SideStats {
                            rounds,
                            residual_pairs: residual_len,
                        },
                    }
                }
                _ => {
                    let kept = all.select(problem, options.sparse_keep.max(1));
                    finish(
                        problem,
                        all,
                        kept,
                        best,
                        status,
                        Some(&bound),
                        fit_scale,
                        rounds,
                        residual_len,
                    )
                }
            });
        }
        delta = gap;
    }
}

/// Every pair that some pattern within `gap` of its student's best could use, plus the
/// incumbent's pairs: any plan better than the incumbent uses only these.
fn residual_pairs(
    pricing: &Pricing<'_>,
    sharing: &Sharing,
    singles: &[(Cost, MentorIx)],
    gap: Cost,
    incumbent: &[(NeedIx, MentorIx)],
) -> Vec<(NeedIx, MentorIx, f64)> {
    let problem = pricing.problem;
    let all = pricing.all;
    let parts = crate::parallel::over_ranges(problem.students.len(), |range| {
        let mut out = Vec::new();
        for s in range {
            let student = &problem.students[s];
            match sharing.shape(problem, s) {
                Shape::Simple => {
                    for n in student.needs() {
                        let a = singles[n as usize].0;
                        for c in all.of_need(n) {
                            let m = all.mentors[c];
                            let loss = a - (pricing.value(c) - pricing.mu[m as usize]);
                            if loss <= gap {
                                out.push((n, m, all.scores[c]));
                            }
                        }
                    }
                }
                Shape::Loose => {
                    for n in student.needs() {
                        for c in all.of_need(n) {
                            out.push((n, all.mentors[c], all.scores[c]));
                        }
                    }
                }
                Shape::Exact => {
                    let table = StudentTable::build(pricing, sharing, singles, s);
                    let best = table.best();
                    for (i, n) in student.needs().enumerate() {
                        for c in all.of_need(n) {
                            let m = all.mentors[c];
                            let locked = sharing.locks[s].iter().any(|l| l.0 == m);
                            let shared = pricing.others_at(s, i, m);
                            let keep = table
                                .forced(
                                    i,
                                    pricing.value(c),
                                    pricing.mu[m as usize],
                                    &shared,
                                    locked,
                                )
                                .is_some_and(|v| best - v <= gap);
                            if keep {
                                out.push((n, m, all.scores[c]));
                            }
                        }
                    }
                }
            }
        }
        out
    });
    let mut out: Vec<(NeedIx, MentorIx, f64)> = parts.into_iter().flatten().collect();
    for &(n, m) in incumbent {
        if let Some(c) = all.find(n, m) {
            out.push((n, m, all.scores[c]));
        }
    }
    out.sort_by_key(|e| (e.0, e.1));
    out.dedup_by_key(|e| (e.0, e.1));
    out
}

/// The answer from the incumbent plan: its pairs within `kept` (extended to hold them).
#[allow(clippy::too_many_arguments)]
fn finish(
    problem: &Problem,
    all: &Candidates,
    mut kept: Candidates,
    inc: Incumbent,
    status: SolveStatus,
    bound: Option<&Bound>,
    fit_scale: f64,
    rounds: u32,
    residual_pairs: usize,
) -> SideOutcome {
    kept.extend(
        inc.pairs
            .iter()
            .filter_map(|&(n, m)| all.find(n, m).map(|c| (n, m, all.scores[c])))
            .collect(),
    );
    let candidates = kept;
    let chosen: Vec<usize> = inc
        .pairs
        .iter()
        .filter_map(|&(n, m)| candidates.find(n, m))
        .collect();
    let objective: f64 = chosen.iter().map(|&c| candidates.scores[c]).sum();
    let best_bound = match (status, bound) {
        (SolveStatus::Optimal, _) => objective,
        (_, Some(b)) => {
            let gap = b.value - inc.value;
            // The same coverage and a gap in the fit digit only: the bound on fit is exact.
            if gap < 1 << 42 {
                objective + gap as f64 / fit_scale
            } else {
                super::trivial_bound(problem, &candidates).max(objective)
            }
        }
        _ => super::trivial_bound(problem, &candidates).max(objective),
    };
    let pairs = verify::pairs(&candidates, &chosen);
    SideOutcome {
        solution: Solution {
            status,
            objective,
            best_bound,
            gap: super::relative_gap(objective, best_bound),
            coverage: level_coverage(problem, &pairs),
            chosen,
        },
        candidates,
        stats: SideStats {
            rounds,
            residual_pairs,
        },
    }
}

/// Needs left uncovered whose student already sits with a mentor qualified for them ride on
/// that seat: no capacity is taken and no mentor added, so the plan stays feasible and only
/// gains. Where several of the student's mentors qualify, the best-valued pair wins.
fn add_rides(
    problem: &Problem,
    all: &Candidates,
    values: &Pricing<'_>,
    pairs: &mut Vec<(NeedIx, MentorIx)>,
) {
    let mut covered = vec![false; problem.needs.len()];
    let mut mentors_of: Vec<Vec<MentorIx>> = vec![Vec::new(); problem.students.len()];
    for &(n, m) in pairs.iter() {
        covered[n as usize] = true;
        let s = problem.needs[n as usize].student as usize;
        if !mentors_of[s].contains(&m) {
            mentors_of[s].push(m);
        }
    }
    let mut added = Vec::new();
    for (s, mentors) in mentors_of.iter().enumerate() {
        if mentors.is_empty() {
            continue;
        }
        for n in problem.students[s].needs() {
            if covered[n as usize] {
                continue;
            }
            let best = mentors
                .iter()
                .filter_map(|&m| {
                    all.find(n, m)
                        .map(|c| (values.value(c), std::cmp::Reverse(m)))
                })
                .max();
            if let Some((_, std::cmp::Reverse(m))) = best {
                added.push((n, m));
            }
        }
    }
    if !added.is_empty() {
        pairs.extend(added);
        pairs.sort_unstable();
    }
}

/// Seats the flow counted as taken but which are free: the flow charges a seat per need, so a
/// mentor holding two needs of one student (after rides) has room for another student. An
/// uncovered need (most urgent first) takes such a seat directly, or — when its student sits
/// with a mentor `m'` for one need only and a mentor `m` with room is qualified for both —
/// both needs move to `m`, freeing the seat at `m'` for the next need. Every step keeps the
/// plan feasible and covers one more need, so the plan only gains.
fn fill_free_seats(
    problem: &Problem,
    all: &Candidates,
    values: &Pricing<'_>,
    pairs: &mut Vec<(NeedIx, MentorIx)>,
) {
    let limit = problem.policy.max_mentors_per_student as usize;
    let mut mentor_of: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
    // Needs of each student at each of its mentors.
    let mut seats_of: Vec<Vec<(MentorIx, u32)>> = vec![Vec::new(); problem.students.len()];
    let mut load = vec![0u32; problem.mentors.len()];
    for &(n, m) in pairs.iter() {
        mentor_of[n as usize] = Some(m);
        let s = problem.needs[n as usize].student as usize;
        match seats_of[s].iter_mut().find(|e| e.0 == m) {
            Some(e) => e.1 += 1,
            None => {
                seats_of[s].push((m, 1));
                load[m as usize] += 1;
            }
        }
    }
    let room = |load: &[u32], m: MentorIx| load[m as usize] < problem.mentors[m as usize].capacity;
    let mut open: Vec<NeedIx> = (0..problem.needs.len() as NeedIx)
        .filter(|&n| mentor_of[n as usize].is_none() && !all.of_need(n).is_empty())
        .collect();
    open.sort_by_key(|&n| (std::cmp::Reverse(problem.needs[n as usize].priority), n));
    let mut changed = false;
    for n in open {
        let s = problem.needs[n as usize].student as usize;
        // Direct: a qualified mentor with room, if the student may take one more mentor.
        let direct = (seats_of[s].len() < limit)
            .then(|| {
                all.of_need(n)
                    .filter(|&c| room(&load, all.mentors[c]))
                    .max_by_key(|&c| (values.value(c), std::cmp::Reverse(all.mentors[c])))
            })
            .flatten();
        if let Some(c) = direct {
            let m = all.mentors[c];
            mentor_of[n as usize] = Some(m);
            seats_of[s].push((m, 1));
            load[m as usize] += 1;
            changed = true;
            continue;
        }
        // Move: another need `k` of the student, alone at `from`, joins `n` at a mentor with room.
        let mut best: Option<(Cost, NeedIx, MentorIx, MentorIx)> = None;
        for k in problem.students[s].needs() {
            let Some(from) = mentor_of[k as usize] else {
                continue;
            };
            if seats_of[s].iter().any(|e| e.0 == from && e.1 > 1) {
                continue;
            }
            let Some(old) = all.find(k, from) else {
                continue;
            };
            for c in all.of_need(n) {
                let m = all.mentors[c];
                if m == from || !room(&load, m) || seats_of[s].iter().any(|e| e.0 == m) {
                    continue;
                }
                let Some(moved) = all.find(k, m) else {
                    continue;
                };
                let gain = values.value(c) + values.value(moved) - values.value(old);
                if gain > 0
                    && best.is_none_or(|b| {
                        (gain, std::cmp::Reverse(m)) > (b.0, std::cmp::Reverse(b.3))
                    })
                {
                    best = Some((gain, k, from, m));
                }
            }
        }
        if let Some((_, k, from, m)) = best {
            mentor_of[n as usize] = Some(m);
            mentor_of[k as usize] = Some(m);
            seats_of[s].retain(|e| e.0 != from);
            seats_of[s].push((m, 2));
            load[from as usize] -= 1;
            load[m as usize] += 1;
            changed = true;
        }
    }
    if changed {
        *pairs = mentor_of
            .iter()
            .enumerate()
            .filter_map(|(n, m)| m.map(|m| (n as NeedIx, m)))
            .collect();
    }
}
