//! Which seats may be shared: for each student, the mentors qualified for two or more of its
//! needs (a seat that may cover several needs), with the candidate positions of those needs,
//! and its locked mentors. Read by the bound, the master and the residual.
//!
//! Must not import the network solver (`flow`) or HiGHS: it is the model's shape only.

use super::DP_MAX_NEEDS;
use crate::domain::model::{MentorIx, Problem};
use crate::rules::Candidates;

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
}

impl Sharing {
    pub(super) fn build(problem: &Problem, all: &Candidates) -> Self {
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

    pub(super) fn of_student(&self, s: usize) -> std::ops::Range<usize> {
        self.seat_start[s] as usize..self.seat_start[s + 1] as usize
    }

    pub(super) fn members(&self, j: usize) -> &[u32] {
        &self.members[self.member_start[j] as usize..self.member_start[j + 1] as usize]
    }

    /// How the bound finds this student's best pattern.
    pub(super) fn shape(&self, problem: &Problem, s: usize) -> Shape {
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
pub(super) enum Shape {
    /// No shared or locked seat and no binding mentor limit: each need at its best single.
    Simple,
    /// The dynamic programme over subsets of needs ([`StudentTable`]).
    Exact,
    /// Too many needs for the programme: the relaxation of [`loose_best`].
    Loose,
}
