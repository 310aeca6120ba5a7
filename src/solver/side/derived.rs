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

/// Mentors qualified for every need of a bundle, with the summed score. Rows are sorted by
/// mentor, so each further need's row is merged in one pass (a binary search per mentor took
/// ~50 ms for the district's 5,016 bundles).
fn bundle_row(all: &Candidates, members: &[NeedIx]) -> Vec<(MentorIx, f64)> {
    let mut row: Vec<(MentorIx, f64)> = all
        .of_need(members[0])
        .map(|c| (all.mentors[c], all.scores[c]))
        .collect();
    for &n in &members[1..] {
        let range = all.of_need(n);
        let (mentors, scores) = (&all.mentors[range.clone()], &all.scores[range]);
        let mut j = 0;
        row.retain_mut(|(m, score)| {
            while j < mentors.len() && mentors[j] < *m {
                j += 1;
            }
            let found = j < mentors.len() && mentors[j] == *m;
            if found {
                *score += scores[j];
            }
            found
        });
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::splitmix64;

    /// The merged row is what looking each mentor up in the other needs' rows gives: the same
    /// mentors in the same order, the same sums bit for bit (added in the members' order).
    #[test]
    fn a_bundles_row_is_the_mentors_qualified_for_every_member_with_summed_scores() {
        let needs = 6;
        let mut pairs = Vec::new();
        for n in 0..needs as NeedIx {
            for m in 0..40 as MentorIx {
                let draw = splitmix64(u64::from(n) << 32 | u64::from(m));
                // Rows of different densities, some empty-ish, some full.
                if draw % 7 < u64::from(n) + 1 {
                    pairs.push((n, m, (draw >> 20) as f64 / (1u64 << 44) as f64));
                }
            }
        }
        let all = Candidates::of_pairs(needs, pairs);
        let memberships: [&[NeedIx]; 5] = [&[0, 1], &[5, 2], &[1, 3, 5], &[4, 0, 2], &[5, 4, 3]];
        let mut nonempty = 0;
        for members in memberships {
            let expected: Vec<(MentorIx, f64)> = all
                .of_need(members[0])
                .filter_map(|c| {
                    let m = all.mentors[c];
                    let mut score = all.scores[c];
                    for &n in &members[1..] {
                        score += all.scores[all.find(n, m)?];
                    }
                    Some((m, score))
                })
                .collect();
            let merged = bundle_row(&all, members);
            assert_eq!(merged.len(), expected.len(), "{members:?}");
            for (a, b) in merged.iter().zip(&expected) {
                assert_eq!(a.0, b.0);
                assert_eq!(a.1.to_bits(), b.1.to_bits());
            }
            nonempty += usize::from(!expected.is_empty());
        }
        assert!(nonempty >= 3, "the draw leaves most bundles a mentor");
    }
}
