//! Solves the pairing as an integer program over the sparse candidate set (good_lp building
//! the model, HiGHS solving it), lexicographically: first the most needs covered, level by
//! level from urgent to low, then the best fit among plans with that coverage.
//!
//! The model, with `x[c]` = 1 when candidate pair c = (need n, mentor m) is made and
//! `y[s,m]` = 1 when student s takes a seat of mentor m:
//! - each need has at most one mentor: `Σ_m x[n,m] ≤ 1`;
//! - a mentor covering several needs of one student uses one seat: `x[n,m] ≤ y[s(n),m]`;
//! - capacity counts distinct students: `Σ_s y[s,m] ≤ capacity(m)`;
//! - a student has at most `max_mentors_per_student` mentors: `Σ_m y[s,m] ≤ max`;
//! - a locked pair is made and covers at least one need: `Σ_{n of s} x[n,m] ≥ 1`.
//!
//! Stage 1 maximises `Σ_c W(p(c)) x[c]` with integer weights chosen so that one need of a
//! higher priority outweighs every need below it (mixed radix, see [`coverage_weights`]).
//! Stage 2 keeps that optimum as a constraint and maximises `Σ_c score[c] x[c]`. Two solves
//! rather than one big-M objective keep every coefficient small and the optimum exact.

mod flow;
mod mip;
pub mod verify;

use std::time::{Duration, Instant};

use crate::domain::model::{NeedIx, Problem};
use crate::domain::Priority;
use crate::rules::Candidates;

/// How the solve ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolveStatus {
    /// Every stage proven optimal.
    Optimal,
    /// The fit stage stopped at the requested relative gap.
    GapLimit,
    /// A stage stopped at the time limit; the best plan found is returned.
    TimeLimit,
    /// No plan satisfies the hard rules (locks that cannot all hold).
    Infeasible,
}

/// Coverage reached at one priority level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelCoverage {
    pub priority: Priority,
    pub needs: u32,
    pub covered: u32,
}

/// The solver's answer: which candidate pairs are made, and how good the plan is proven to be.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    pub status: SolveStatus,
    /// Fit objective `Σ score[c] x[c]` of the returned plan.
    pub objective: f64,
    /// Best proven upper bound on the fit objective (given the coverage reached).
    pub best_bound: f64,
    /// Relative gap between objective and bound; 0 when proven optimal.
    pub gap: f64,
    /// Coverage per priority level present, most urgent first.
    pub coverage: Vec<LevelCoverage>,
    /// Positions in the candidate set of the pairs made, ascending.
    pub chosen: Vec<usize>,
}

/// Errors of the solver backend. Solver text is kept as a source for logs, never shown to
/// clients.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("the solver backend failed during {stage}")]
    Backend {
        stage: &'static str,
        #[source]
        source: good_lp::ResolutionError,
    },
    #[error("the solver rejected option {option}")]
    Option { option: &'static str },
    #[error("the solver was cancelled before it started")]
    Cancelled,
}

/// Limits of one solve.
#[derive(Clone, Copy, Debug)]
pub struct SolveOptions {
    /// Wall-clock budget for all stages together.
    pub time_limit: Duration,
    /// Relative gap at which the fit stage may stop.
    pub relative_gap: f64,
}

impl SolveOptions {
    /// The limits the problem's policy asks for.
    pub fn from_policy(problem: &Problem) -> Self {
        SolveOptions {
            time_limit: problem.policy.time_limit,
            relative_gap: problem.policy.relative_gap,
        }
    }
}

/// Integer weight per priority level such that covering one more need at a level is worth
/// more than covering every need of all lower levels: `W(low) = 1`,
/// `W(next) = W(prev) · (needs at prev + 1)`. Returns `None` when the weights would grow past
/// what a double represents exactly with room to spare; the solver then solves level by level.
pub fn coverage_weights(problem: &Problem, candidates: &Candidates) -> Option<[f64; 4]> {
    let mut counts = [0u64; 4];
    for (n, need) in problem.needs.iter().enumerate() {
        if !candidates.of_need(n as NeedIx).is_empty() {
            counts[need.priority as usize] += 1;
        }
    }
    let mut weights = [0f64; 4];
    let mut w: u64 = 1;
    let mut total: u64 = 0;
    for level in 0..4 {
        weights[level] = w as f64;
        total = total.checked_add(w.checked_mul(counts[level])?)?;
        w = w.checked_mul(counts[level] + 1)?;
    }
    // Keep the largest objective far below 2^53 so integrality of sums is never in doubt.
    (total < 1 << 40).then_some(weights)
}

/// Solves the problem over its candidate set: by the exact network algorithm when no mentor can
/// cover two needs of one student (see `flow.rs`), otherwise by the integer program.
pub fn solve(
    problem: &Problem,
    candidates: &Candidates,
    options: SolveOptions,
) -> Result<Solution, SolveError> {
    let deadline = Instant::now() + options.time_limit;
    if flow::is_network(problem, candidates) {
        let chosen = flow::solve(problem, candidates);
        let pairs = verify::pairs(candidates, &chosen);
        // Locks that the network could not honour jointly are left to the integer program,
        // which proves them infeasible or finds the plan.
        if verify::verify(problem, &pairs).is_ok() {
            let objective = chosen.iter().map(|&c| candidates.scores[c]).sum();
            return Ok(Solution {
                status: SolveStatus::Optimal,
                objective,
                best_bound: objective,
                gap: 0.0,
                coverage: level_coverage(problem, &pairs),
                chosen,
            });
        }
    }
    mip::solve(problem, candidates, options, deadline)
}

/// Solves with the general integer program only, whatever the structure: the reference the
/// fast path is checked against.
pub fn solve_integer_program(
    problem: &Problem,
    candidates: &Candidates,
    options: SolveOptions,
) -> Result<Solution, SolveError> {
    mip::solve(
        problem,
        candidates,
        options,
        Instant::now() + options.time_limit,
    )
}

/// True when the exact network algorithm applies (no mentor can cover two needs of one
/// student).
pub fn is_network(problem: &Problem, candidates: &Candidates) -> bool {
    flow::is_network(problem, candidates)
}

/// Needs and covered needs per priority level present, most urgent first.
pub fn level_coverage(
    problem: &Problem,
    pairs: &[(NeedIx, crate::domain::model::MentorIx)],
) -> Vec<LevelCoverage> {
    let mut needs = [0u32; 4];
    let mut covered = [0u32; 4];
    for need in &problem.needs {
        needs[need.priority as usize] += 1;
    }
    for &(n, _) in pairs {
        covered[problem.needs[n as usize].priority as usize] += 1;
    }
    Priority::DESCENDING
        .iter()
        .filter(|p| needs[**p as usize] > 0)
        .map(|&p| LevelCoverage {
            priority: p,
            needs: needs[p as usize],
            covered: covered[p as usize],
        })
        .collect()
}
