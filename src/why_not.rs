//! The exact price of "why not my first choice": for each student who did not get a mentor
//! they ranked higher and who had room (`BETTER_OVERALL`), the plan is solved again with that
//! pair locked, and the two plans are compared — coverage per priority, fit, and which other
//! students would change mentor. It answers the parent's question with a figure instead of
//! "the plan scores higher overall".
//!
//! Each priced pair is one more solve through the same entry point (so it is exact on every
//! method and proven when that solve is). They are few in practice (a mentor with room the
//! optimum passed over), but each costs a solve, so by default they are priced up to 5,000
//! students; `policy.why_not_students` selects students at any size. Every forced solve gets
//! what is left of the policy's time limit, and is started only when that covers a solve as
//! long as the plan's own; the rest are counted as unpriced.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::domain::model::{MentorIx, Problem, StudentIx};
use crate::explain::{ForcedCost, MissReason, Outcome};
use crate::solver::{self, SolveOptions, SolveStatus};

/// Fills `forced` on every `BETTER_OVERALL` choice the policy selects. `started` is when the
/// whole solve began: the forced solves share what is left of `options.time_limit`, and one is
/// started only while what is left covers another solve as long as the plan's own (`solve`),
/// so pricing never pushes the answer past the limit.
pub fn price(
    problem: &Problem,
    outcome: &mut Outcome,
    options: SolveOptions,
    started: Instant,
    solve: std::time::Duration,
) {
    let base_mentors = mentors_by_student(problem, outcome);
    let base_coverage = coverage(outcome);
    let base_objective = outcome.solver.objective;
    let students = problem.students.len();
    // By default only a proven-optimal plan is priced: against a plan cut by the time limit
    // the figure would not be the exact price, and such plans are the large ones where each
    // forced solve costs as much again. Students named in the request are priced anyway.
    let auto_ok = outcome.solver.status == SolveStatus::Optimal;
    let (mut priced, mut unpriced) = (0u32, 0u32);
    for miss in &mut outcome.misses {
        let s = miss.student;
        for choice in &mut miss.higher {
            if choice.reason != MissReason::BetterOverall {
                continue;
            }
            let left = options.time_limit.saturating_sub(started.elapsed());
            let selected = match problem.policy.why_not {
                crate::domain::policy::WhyNot::Auto => {
                    auto_ok && problem.policy.why_not.prices(s, students)
                }
                ref other => other.prices(s, students),
            };
            if !selected || left < solve {
                unpriced += 1;
                continue;
            }
            let mut forced_options = options;
            forced_options.time_limit = left;
            match forced(problem, s, choice.mentor, forced_options) {
                Some(f) => {
                    choice.forced = Some(f.cost(s, &base_mentors, &base_coverage, base_objective));
                    priced += 1;
                }
                None => unpriced += 1,
            }
        }
    }
    outcome.summary.why_not_priced = priced;
    outcome.summary.why_not_unpriced = unpriced;
    if priced + unpriced > 0 {
        tracing::debug!(priced, unpriced, "why-not costs");
    }
}

/// A plan re-solved with one pair forced.
struct Forced {
    mentors: Vec<BTreeSet<MentorIx>>,
    coverage: [i32; 4],
    objective: f64,
    proven: bool,
}

impl Forced {
    fn cost(
        &self,
        student: StudentIx,
        base_mentors: &[BTreeSet<MentorIx>],
        base_coverage: &[i32; 4],
        base_objective: f64,
    ) -> ForcedCost {
        let mut coverage_change = [0i32; 4];
        for (k, change) in coverage_change.iter_mut().enumerate() {
            *change = self.coverage[k] - base_coverage[k];
        }
        let changed_students = (0..base_mentors.len())
            .filter(|&t| t != student as usize && base_mentors[t] != self.mentors[t])
            .map(|t| t as StudentIx)
            .collect();
        ForcedCost {
            coverage_change,
            fit_change: self.objective - base_objective,
            changed_students,
            proven: self.proven,
        }
    }
}

/// Solves `problem` with (student, mentor) locked; `None` when the lock cannot be added (the
/// student's locks would then exceed a limit) or the solve fails.
fn forced(
    problem: &Problem,
    student: StudentIx,
    mentor: MentorIx,
    options: SolveOptions,
) -> Option<Forced> {
    let locks_of_student = problem.locked.iter().filter(|l| l.0 == student).count() as u32;
    if locks_of_student >= problem.policy.max_mentors_per_student {
        return None;
    }
    let mut with_lock = problem.clone();
    with_lock.locked.push((student, mentor));
    with_lock.locked.sort_unstable();
    with_lock.locked.dedup();
    let solved = solver::solve_problem(&with_lock, options).ok()?;
    if solved.solution.status == SolveStatus::Infeasible {
        return None;
    }
    let pairs = solver::verify::pairs(&solved.candidates, &solved.solution.chosen);
    let mut mentors = vec![BTreeSet::new(); problem.students.len()];
    let mut coverage = [0i32; 4];
    let mut covered = vec![false; problem.needs.len()];
    for &(n, m) in &pairs {
        let need = &problem.needs[n as usize];
        mentors[need.student as usize].insert(m);
        if !covered[n as usize] {
            covered[n as usize] = true;
            coverage[need.priority as usize] += 1;
        }
    }
    Some(Forced {
        mentors,
        coverage,
        objective: solved.solution.objective,
        proven: solved.solution.status == SolveStatus::Optimal,
    })
}

fn mentors_by_student(problem: &Problem, outcome: &Outcome) -> Vec<BTreeSet<MentorIx>> {
    let mut out = vec![BTreeSet::new(); problem.students.len()];
    for a in &outcome.assignments {
        out[a.student as usize].insert(a.mentor);
    }
    out
}

fn coverage(outcome: &Outcome) -> [i32; 4] {
    let mut out = [0i32; 4];
    for level in &outcome.solver.coverage {
        out[level.priority as usize] = level.covered as i32;
    }
    out
}
