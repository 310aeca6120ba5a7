//! Checks a plan against every hard rule, independently of how it was found. The solver runs
//! it on its own output in debug builds and the tests run it on every random instance.
//!
//! Imports the domain and the rules; must not import anything above the solver.

use std::collections::{BTreeMap, BTreeSet};

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::rules::{check_pair, Candidates};

/// The pairs of a plan as (need, mentor), from candidate positions.
pub fn pairs(candidates: &Candidates, chosen: &[usize]) -> Vec<(NeedIx, MentorIx)> {
    let mut out = Vec::with_capacity(chosen.len());
    let mut need = 0usize;
    for &c in chosen {
        while candidates.starts[need + 1] as usize <= c {
            need += 1;
        }
        out.push((need as NeedIx, candidates.mentors[c]));
    }
    out
}

/// Returns a description of the first broken rule, or `Ok` when the plan is valid.
pub fn verify(problem: &Problem, pairs: &[(NeedIx, MentorIx)]) -> Result<(), String> {
    let mut needs_seen = BTreeSet::new();
    let mut seats: BTreeMap<MentorIx, BTreeSet<StudentIx>> = BTreeMap::new();
    let mut mentors_of: BTreeMap<StudentIx, BTreeSet<MentorIx>> = BTreeMap::new();
    for &(n, m) in pairs {
        if !needs_seen.insert(n) {
            return Err(format!("need {n} has more than one mentor"));
        }
        if let Err(b) = check_pair(problem, n, m) {
            return Err(format!("pair (need {n}, mentor {m}) breaks a rule: {b:?}"));
        }
        let s = problem.needs[n as usize].student;
        seats.entry(m).or_default().insert(s);
        mentors_of.entry(s).or_default().insert(m);
    }
    for (m, students) in &seats {
        let cap = problem.mentors[*m as usize].capacity;
        if students.len() as u32 > cap {
            return Err(format!(
                "mentor {m} has {} students, capacity {cap}",
                students.len()
            ));
        }
    }
    for (s, mentors) in &mentors_of {
        if mentors.len() as u32 > problem.policy.max_mentors_per_student {
            return Err(format!("student {s} has {} mentors", mentors.len()));
        }
    }
    for &(s, m) in &problem.locked {
        if !mentors_of.get(&s).is_some_and(|ms| ms.contains(&m)) {
            return Err(format!("locked pair (student {s}, mentor {m}) not made"));
        }
    }
    Ok(())
}

/// A feasible plan from a wish list of pairs, greedily: every lock first (on a need its mentor
/// may cover), then the pairs in the order given, each kept when it is feasible, its need not
/// yet covered, its mentor has a seat (or already holds the student) and the student may take
/// one more mentor. A start for a warm solve (`solve_problem_from`), not an optimum.
pub fn feasible_subset(
    problem: &Problem,
    wishes: &[(NeedIx, MentorIx)],
) -> Vec<(NeedIx, MentorIx)> {
    let mut covered = vec![false; problem.needs.len()];
    let mut seats: Vec<BTreeSet<StudentIx>> = vec![BTreeSet::new(); problem.mentors.len()];
    let mut mentors_of: Vec<BTreeSet<MentorIx>> = vec![BTreeSet::new(); problem.students.len()];
    let mut out = Vec::new();
    let mut take = |n: NeedIx, m: MentorIx, out: &mut Vec<(NeedIx, MentorIx)>| -> bool {
        let s = problem.needs[n as usize].student;
        let sits = seats[m as usize].contains(&s);
        if covered[n as usize]
            || check_pair(problem, n, m).is_err()
            || (!sits
                && (seats[m as usize].len() as u32 >= problem.mentors[m as usize].capacity
                    || mentors_of[s as usize].len() as u32
                        >= problem.policy.max_mentors_per_student))
        {
            return false;
        }
        covered[n as usize] = true;
        seats[m as usize].insert(s);
        mentors_of[s as usize].insert(m);
        out.push((n, m));
        true
    };
    // Each lock's own need first (`flow::lock_needs`): a student's two locks whose mentors
    // share a need must not both reach for it.
    let own = super::flow::lock_needs(problem, |n, m| check_pair(problem, n, m).is_ok());
    for (&(s, m), own) in problem.locked.iter().zip(&own) {
        let student = &problem.students[s as usize];
        for n in own.first_need(student).into_iter().chain(student.needs()) {
            if take(n, m, &mut out) {
                break;
            }
        }
    }
    for &(n, m) in wishes {
        take(n, m, &mut out);
    }
    out.sort_unstable();
    out
}
