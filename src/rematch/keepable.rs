//! The most working pairs that can be kept at once: a maximum b-matching of current pairs
//! under the mentors' capacities and the per-student mentor limit. It gives the bound on
//! changes (`max_changes`) and, after the solve, how many changes were made by choice.
//!
//! Holds [`most_keepable_set`]. Imports the validated model only; must not import the solver,
//! the engine or anything that renders.

use std::collections::{HashMap, HashSet};

use crate::domain::model::{MentorIx, Problem, StudentIx};

/// A largest set of the given pairs that can all be kept at once, as a flag per pair: a
/// maximum b-matching under mentor capacities and the per-student limit (augmenting paths;
/// rematch lists are small).
pub(super) fn most_keepable_set(problem: &Problem, pairs: &[(StudentIx, MentorIx)]) -> Vec<bool> {
    let students: Vec<StudentIx> = {
        let mut v: Vec<StudentIx> = pairs.iter().map(|p| p.0).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut load: HashMap<MentorIx, Vec<usize>> = HashMap::new(); // mentor -> pair indices held
    let mut held = vec![false; pairs.len()];
    let k = problem.policy.max_mentors_per_student as usize;
    // Pair indices by student, so a search never scans every pair.
    let mut of_student: HashMap<StudentIx, Vec<usize>> = HashMap::new();
    for (p, &(s, _)) in pairs.iter().enumerate() {
        of_student.entry(s).or_default().push(p);
    }
    // Mentors a failed search visited cannot lead to a free seat until the matching changes:
    // they stay marked until the next success (Kuhn's usual pruning), so failed searches cost
    // at most one visit per mentor between two successes, not one per pair.
    let mut seen = HashSet::new();
    for s in students {
        let mut taken = 0;
        for &p in of_student.get(&s).map_or(&[][..], Vec::as_slice) {
            if taken < k
                && augment(
                    problem,
                    pairs,
                    &of_student,
                    p,
                    &mut held,
                    &mut load,
                    &mut seen,
                )
            {
                taken += 1;
                seen.clear();
            }
        }
    }
    held
}

/// One augmenting search from pair `p` (Kuhn's): takes a free seat of its mentor, or moves a
/// holder of that mentor to another mentor of the holder's student; `seen` marks the mentors
/// visited.
fn augment(
    problem: &Problem,
    pairs: &[(StudentIx, MentorIx)],
    of_student: &HashMap<StudentIx, Vec<usize>>,
    p: usize,
    held: &mut [bool],
    load: &mut HashMap<MentorIx, Vec<usize>>,
    seen: &mut HashSet<MentorIx>,
) -> bool {
    let m = pairs[p].1;
    if !seen.insert(m) {
        return false;
    }
    let cap = problem.mentors[m as usize].capacity as usize;
    let holders = load.entry(m).or_default().clone();
    if holders.len() < cap {
        load.entry(m).or_default().push(p);
        held[p] = true;
        return true;
    }
    // Try to move one holder to another mentor of the same student.
    for q in holders {
        let s = pairs[q].0;
        for &r in of_student.get(&s).map_or(&[][..], Vec::as_slice) {
            if r != q && !held[r] && augment(problem, pairs, of_student, r, held, load, seen) {
                held[q] = false;
                if let Some(list) = load.get_mut(&m) {
                    list.retain(|&x| x != q);
                    list.push(p);
                }
                held[p] = true;
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_school;

    #[test]
    fn a_holder_moves_to_its_other_mentor_to_make_room() {
        // One mentor per student, one seat each: S1 could take T1 or T2, S2 only T1. Taking
        // pairs in order keeps one; moving S1 to T2 keeps two.
        let mut json = test_school::json();
        json["policy"] = serde_json::json!({"maxMentorsPerStudent": 1});
        let problem = test_school::problem(json);
        let held = most_keepable_set(&problem, &[(0, 0), (0, 1), (1, 0)]);
        assert_eq!(held, [false, true, true]);
    }

    #[test]
    fn a_mentors_capacity_is_never_exceeded() {
        let problem = test_school::problem(test_school::json());
        let held = most_keepable_set(&problem, &[(0, 0), (1, 0)]);
        assert_eq!(held.iter().filter(|&&h| h).count(), 1, "T1 has one seat");
    }
}
