//! The lock passes, on the built problem: a locked pair must be makeable — the mentor passes
//! every hard rule for at least one of the student's needs — and the locks must fit within
//! the mentors' capacities, the student's needs (one mentor per need) and the per-student
//! limit.
//!
//! The hard rules belong to `crate::rules`, a layer above the domain: this module asks them
//! through [`HardRules`], which the caller supplies (`crate::admit` plugs in the rules and
//! their sentences). Imports only the domain; never `rules`, `explain` or an outer layer.

use super::report::Report;
use super::violation::ViolationCode;
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};

/// The hard rules, as the lock passes need them.
pub trait HardRules {
    /// Whether `mentor` passes every hard rule for `need`.
    fn covers(&self, problem: &Problem, need: NeedIx, mentor: MentorIx) -> bool;

    /// Why `mentor` may take none of `student`'s needs, as the sentence the violation quotes;
    /// `None` when the mentor passes every hard rule for at least one of them.
    fn refusal(&self, problem: &Problem, student: StudentIx, mentor: MentorIx) -> Option<String>;
}

/// Every lock check, in the order the violations are listed. `lock_paths[k]` is the index in
/// `locked_pairs` of `problem.locked[k]`.
pub(super) fn check(
    report: &mut Report,
    problem: &Problem,
    lock_paths: &[usize],
    rules: &dyn HardRules,
) {
    rules_hold(report, problem, lock_paths, rules);
    mentor_capacities(report, problem);
    distinct_needs(report, problem, rules);
    student_limit(report, problem);
}

fn rules_hold(report: &mut Report, problem: &Problem, lock_paths: &[usize], rules: &dyn HardRules) {
    for (&(s, m), &path_ix) in problem.locked.iter().zip(lock_paths) {
        if let Some(why) = rules.refusal(problem, s, m) {
            report.add(
                format!("locked_pairs[{path_ix}]"),
                ViolationCode::LockedBreaksRule,
                format!(
                    "locked pair ({:?}, {:?}) breaks a hard rule: {why}",
                    problem.students[s as usize].id, problem.mentors[m as usize].id
                ),
            );
        }
    }
}

fn mentor_capacities(report: &mut Report, problem: &Problem) {
    let mut per_mentor = vec![0u32; problem.mentors.len()];
    for &(_, m) in &problem.locked {
        per_mentor[m as usize] += 1;
    }
    for (m, &count) in per_mentor.iter().enumerate() {
        let mentor = &problem.mentors[m];
        if count > mentor.capacity {
            report.add(
                format!("mentors[{m}].capacity"),
                ViolationCode::LockedOverCapacity,
                format!(
                    "mentor {:?} has {count} locked students but capacity {}",
                    mentor.id, mentor.capacity
                ),
            );
        }
    }
}

/// Each need has one mentor, so a student's locked mentors need distinct needs to cover:
/// a small bipartite matching per student with two or more locks (`problem.locked` is sorted
/// by student).
fn distinct_needs(report: &mut Report, problem: &Problem, rules: &dyn HardRules) {
    for group in problem.locked.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 {
            continue;
        }
        let s = group[0].0;
        let mentors: Vec<MentorIx> = group.iter().map(|&(_, m)| m).collect();
        let matched = cover_matching(problem, s, &mentors, rules);
        if matched < mentors.len() {
            report.add(
                format!("students[{s}]"),
                ViolationCode::LockedOverCapacity,
                format!(
                    "student {:?} has {} locked mentors but only {matched} of them can cover distinct needs",
                    problem.students[s as usize].id,
                    mentors.len()
                ),
            );
        }
    }
}

fn student_limit(report: &mut Report, problem: &Problem) {
    let mut per_student = vec![0u32; problem.students.len()];
    for &(s, _) in &problem.locked {
        per_student[s as usize] += 1;
    }
    for (s, &count) in per_student.iter().enumerate() {
        if count > problem.policy.max_mentors_per_student {
            report.add(
                format!("students[{s}]"),
                ViolationCode::LockedOverCapacity,
                format!(
                    "student {:?} has {count} locked mentors but policy.max_mentors_per_student is {}",
                    problem.students[s].id, problem.policy.max_mentors_per_student
                ),
            );
        }
    }
}

/// Size of a maximum matching of `mentors` to distinct needs of student `s` that each may
/// cover under `rules` (Kuhn's augmenting paths; a student has at most a dozen needs).
pub fn cover_matching(
    problem: &Problem,
    s: StudentIx,
    mentors: &[MentorIx],
    rules: &dyn HardRules,
) -> usize {
    let needs: Vec<u32> = problem.students[s as usize].needs().collect();
    let edges: Vec<Vec<usize>> = mentors
        .iter()
        .map(|&m| {
            (0..needs.len())
                .filter(|&k| rules.covers(problem, needs[k], m))
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; needs.len()];
    fn augment(
        u: usize,
        edges: &[Vec<usize>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for &k in &edges[u] {
            if !seen[k] {
                seen[k] = true;
                if owner[k].is_none_or(|v| augment(v, edges, owner, seen)) {
                    owner[k] = Some(u);
                    return true;
                }
            }
        }
        false
    }
    (0..mentors.len())
        .filter(|&u| augment(u, &edges, &mut owner, &mut vec![false; needs.len()]))
        .count()
}
