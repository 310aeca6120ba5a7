//! The integer program's plan of last resort: a feasible plan built greedily, the answer when
//! the time limit strikes before HiGHS finds one.
//!
//! Imports the domain and the rules; must not import HiGHS (this plan is what answers when
//! HiGHS cannot) or anything above the solver.

use super::model::Structure;
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::rules::Candidates;

/// A feasible plan built greedily: locks first, then (in a rematch with a bound on changes) the
/// working pairs to keep, then needs from most to least urgent, each to its best-scoring
/// candidate with a free seat.
pub(super) fn greedy(
    problem: &Problem,
    candidates: &Candidates,
    structure: &Structure,
) -> Vec<f64> {
    let mut x = vec![0.0; candidates.len()];
    let mut load = vec![0u32; problem.mentors.len()];
    let mut covered = vec![false; problem.needs.len()];
    let mut seats: std::collections::HashSet<(StudentIx, MentorIx)> = Default::default();
    let mut mentors_of = vec![0u32; problem.students.len()];
    let max = problem.policy.max_mentors_per_student;
    let mut take = |c: usize, x: &mut Vec<f64>| -> bool {
        let n = structure.need_of[c];
        let s = problem.needs[n as usize].student;
        let m = candidates.mentors[c];
        if covered[n as usize] {
            return false;
        }
        let has_seat = seats.contains(&(s, m));
        if !has_seat
            && (load[m as usize] >= problem.mentors[m as usize].capacity
                || mentors_of[s as usize] >= max)
        {
            return false;
        }
        if !has_seat {
            seats.insert((s, m));
            load[m as usize] += 1;
            mentors_of[s as usize] += 1;
        }
        covered[n as usize] = true;
        x[c] = 1.0;
        true
    };
    // Each lock's own need first (`flow::lock_needs`): a student's two locks whose mentors
    // share a need must not both reach for it.
    let own = crate::solver::flow::lock_needs(problem, |n, m| candidates.find(n, m).is_some());
    for (&(s, m), own) in problem.locked.iter().zip(&own) {
        let student = &problem.students[s as usize];
        for n in own.first_need(student).into_iter().chain(student.needs()) {
            if let Some(c) = candidates.find(n, m) {
                if take(c, &mut x) {
                    break;
                }
            }
        }
    }
    // A rematch bound on changes: keep working pairs first (listed keepable-together first).
    if let Some(min_kept) = problem.min_kept() {
        for &(s, m) in &min_kept.pairs {
            for n in problem.students[s as usize].needs() {
                if let Some(c) = candidates.find(n, m) {
                    if take(c, &mut x) {
                        break;
                    }
                }
            }
        }
    }
    let mut order: Vec<NeedIx> = (0..problem.needs.len() as NeedIx).collect();
    order.sort_by_key(|&n| std::cmp::Reverse(problem.needs[n as usize].priority));
    for n in order {
        let mut ranked: Vec<usize> = candidates.of_need(n).collect();
        ranked.sort_by(|&a, &b| candidates.scores[b].total_cmp(&candidates.scores[a]));
        for c in ranked {
            if take(c, &mut x) {
                break;
            }
        }
    }
    x
}
