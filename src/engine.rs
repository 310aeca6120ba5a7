//! The engine's one entry point: candidates, solve, explain (then why-not costs, the price of
//! stability and what it would take to cover the rest). Transport-free; the CLI and the
//! gRPC service both call it.
//!
//! Imports the domain, the rules, the solver, the explanation's data and the analyses it runs
//! (`why_not`, `stability`, `shortage`); must not import `proto`, the CLI, the service or any
//! renderer.

use std::time::Instant;

use crate::domain::model::Problem;
use crate::explain::{self, Outcome};
use crate::rules::Candidates;
use crate::solver::{self, SolveError, SolveOptions};

/// Every candidate pair of a problem with its score.
pub fn candidates(problem: &Problem) -> Candidates {
    Candidates::of_problem(problem)
}

/// Solves with the limits of the problem's own policy.
pub fn solve(problem: &Problem) -> Result<Outcome, SolveError> {
    solve_with(problem, SolveOptions::from_policy(problem))
}

/// Solves with explicit limits (the service caps the time limit by the call's deadline).
pub fn solve_with(problem: &Problem, options: SolveOptions) -> Result<Outcome, SolveError> {
    solve_from(problem, options, None)
}

/// [`solve_with`] warm-started from a feasible plan (see `solver::solve_problem_from`): a
/// rematch starts from the working pairs that still hold.
pub fn solve_from(
    problem: &Problem,
    options: SolveOptions,
    warm: Option<&[(crate::domain::model::NeedIx, crate::domain::model::MentorIx)]>,
) -> Result<Outcome, SolveError> {
    let started = Instant::now();
    let solver::Solved {
        candidates,
        solution,
        total_pairs,
        method,
        all,
        potentials,
        seat_prices,
        slowdown,
    } = solver::solve_problem_from(
        problem,
        options,
        solver::Start {
            plan: warm,
            prices: None,
        },
    )?;
    let solved = started.elapsed();
    // The analyses below estimate their work per pair at the pace the solve measured.
    let options = SolveOptions {
        slowdown,
        ..options
    };
    let all = all.as_ref().unwrap_or(&candidates);
    let mut outcome = explain::explain(problem, &candidates, all, &solution);
    outcome.solver.candidate_pairs = total_pairs;
    outcome.solver.method = Some(method.kind());
    // A server stopping at the end of its grace wants the plan now: the answers that cost
    // more solving (why-not costs, price of stability, what it would take) are left out.
    let stopping = options
        .stop
        .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed));
    if !stopping {
        let side = match &method {
            solver::Method::NetworkSide(stats) => Some(stats),
            _ => None,
        };
        let base = crate::why_not::Base {
            all: Some(all),
            prices: seat_prices.as_ref(),
            started,
            took: solved,
            residual_pairs: side.map(|stats| stats.residual_pairs),
            split_rows: side.is_some_and(|stats| stats.split_rows),
        };
        crate::why_not::price(problem, &mut outcome, base, options);
        crate::stability::price(problem, &mut outcome, options, started, solved);
        crate::shortage::analyse(
            problem,
            &mut outcome,
            crate::shortage::Solve {
                all: Some(all),
                potentials: potentials.as_ref(),
                started,
                took: solved,
            },
            options,
        );
    }
    // Counts and timings only: never names or attributes of students.
    tracing::info!(
        students = problem.students.len(),
        mentors = problem.mentors.len(),
        needs = problem.needs.len(),
        candidate_pairs = total_pairs,
        kept_pairs = candidates.len(),
        method = method.kind().name(),
        method_detail = ?method,
        pairs = outcome.assignments.len(),
        unassigned = outcome.unassigned.len(),
        status = ?solution.status,
        solve_ms = solved.as_millis() as u64,
        total_ms = started.elapsed().as_millis() as u64,
        "solved"
    );
    Ok(outcome)
}
