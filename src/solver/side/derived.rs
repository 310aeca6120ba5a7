//! The network in which bundles of a student's needs travel as one node: a plain network
//! again, so the flow solves it exactly with the bundles competing for seats.
//!
//! Must not import HiGHS or the integer program.

use std::borrow::Cow;

use super::bound::Block;
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::rules::Candidates;
use crate::solver::flow::{self, Cost};

/// Needs of one student that the next network treats as one: they go to one mentor's seat
/// together or stay unassigned together.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Bundle {
    pub(super) student: StudentIx,
    /// The student's needs (bit i = its i-th need), two or more.
    pub(super) mask: u16,
}

impl Bundle {
    /// The bundles a pattern of `student` makes: its blocks of two or more needs.
    pub(super) fn of_pattern(
        student: StudentIx,
        blocks: &[Block],
    ) -> impl Iterator<Item = Bundle> + '_ {
        blocks
            .iter()
            .filter(|b| b.mask.count_ones() >= 2)
            .map(move |b| Bundle {
                student,
                mask: b.mask,
            })
    }
}

/// The network in which some needs travel as bundles: one node per bundle (the sum of its
/// needs' costs, towards the mentors qualified for all of them) and one per other need. It is
/// a plain network again, so the flow solves it exactly and its potentials price every seat
/// with the bundles competing for them.
///
/// Without bundles it is the problem itself, borrowed: the first round's network has none, and
/// copying the district's 16 M pairs for it took ~120 ms.
pub(super) struct Derived<'a> {
    pub(super) problem: Cow<'a, Problem>,
    pub(super) all: Cow<'a, Candidates>,
    pub(super) level: Vec<Cost>,
    /// The original needs of each node.
    pub(super) needs: Vec<Vec<NeedIx>>,
}

impl<'a> Derived<'a> {
    pub(super) fn build(problem: &'a Problem, all: &'a Candidates, bundles: &[Bundle]) -> Self {
        let base_level = flow::need_levels(problem);
        if bundles.iter().all(|b| b.mask.count_ones() < 2) {
            return Derived {
                problem: Cow::Borrowed(problem),
                all: Cow::Borrowed(all),
                level: base_level,
                needs: (0..problem.needs.len() as NeedIx)
                    .map(|n| vec![n])
                    .collect(),
            };
        }
        let mut derived = problem.clone();
        derived.needs = Vec::with_capacity(problem.needs.len());
        let mut level = Vec::with_capacity(problem.needs.len());
        let mut needs_of: Vec<Vec<NeedIx>> = Vec::with_capacity(problem.needs.len());
        // A bundle's row is never longer than its first need's, so the pairs fit in `all`'s.
        let mut out = Candidates {
            starts: Vec::with_capacity(problem.needs.len() + 1),
            mentors: Vec::with_capacity(all.len()),
            scores: Vec::with_capacity(all.len()),
        };
        out.starts.push(0);
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
                let (members, need, node_level) =
                    flow::joint_need(problem, student, mask, &base_level);
                let row = bundle_row(all, &members);
                derived.needs.push(need);
                level.push(node_level);
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
                let range = all.of_need(n);
                out.mentors.extend_from_slice(&all.mentors[range.clone()]);
                out.scores.extend_from_slice(&all.scores[range]);
                out.starts.push(out.mentors.len() as u32);
                needs_of.push(vec![n]);
            }
            let st = &mut derived.students[s];
            st.first_need = first;
            st.need_count = derived.needs.len() as u32 - first;
        }
        Derived {
            problem: Cow::Owned(derived),
            all: Cow::Owned(out),
            level,
            needs: needs_of,
        }
    }

    /// The node of a lock's seat: the bundle or need of the student holding `need`.
    pub(super) fn node_of(&self, student: StudentIx, need: NeedIx) -> Option<NeedIx> {
        self.problem.students[student as usize]
            .needs()
            .find(|&k| self.needs[k as usize].contains(&need))
    }
}

/// Mentors qualified for every need of a bundle, with the summed score.
fn bundle_row(all: &Candidates, members: &[NeedIx]) -> Vec<(MentorIx, f64)> {
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
    row
}
