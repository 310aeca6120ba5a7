//! The price of stability: the best plan with no blocking pair (see
//! `explain::BlockingPair`), solved by the integer program with a stability row per mutually
//! ranked pair, against the plan — needs covered per priority and fit. It says what "being
//! fair to every choice" would cost the school, in its own terms.
//!
//! It is one more integer program, so it is computed only where that is quick: the plan has
//! blocking pairs, the candidate set is at most [`MAX_PAIRS`] pairs, and the policy's time
//! limit is not used up; otherwise the answer says why it was not computed.
//!
//! Imports the domain, the solver and the plan's types (`outcome`); must not import the engine
//! that calls it, `proto` or any renderer.

use std::time::Instant;

use crate::domain::model::{Problem, SolveTerms};
use crate::outcome::{Outcome, PriceOfStability};
use crate::solver::{self, SolveOptions, SolveStatus};

/// Largest candidate set priced (the school's integer programs stay under a second here).
pub const MAX_PAIRS: u64 = 20_000;

/// Sets `outcome.price_of_stability`. `started` is when the whole solve began; the stable
/// solve starts only if the time left covers one as long as the plan's own (`solve`).
pub fn price(
    problem: &Problem,
    outcome: &mut Outcome,
    options: SolveOptions,
    started: Instant,
    solve: std::time::Duration,
) {
    if outcome.blocking.is_empty() {
        outcome.price_of_stability = PriceOfStability::Stable;
        return;
    }
    if problem.min_kept().is_some() {
        outcome.price_of_stability =
            PriceOfStability::NotComputed("not for a rematch bounded by maxChanges");
        return;
    }
    if outcome.solver.candidate_pairs > MAX_PAIRS {
        outcome.price_of_stability =
            PriceOfStability::NotComputed("more candidate pairs than priced quickly (20,000)");
        return;
    }
    let left = options.time_limit.saturating_sub(started.elapsed());
    if left.is_zero() || left < solve {
        outcome.price_of_stability = PriceOfStability::NotComputed("time limit reached");
        return;
    }
    let stable = problem.clone().with_terms(SolveTerms {
        stable_only: true,
        ..problem.terms().clone()
    });
    let mut stable_options = options;
    stable_options.time_limit = left;
    outcome.price_of_stability = match solver::solve_problem(&stable, stable_options) {
        Ok(solved) => match solved.solution.status {
            SolveStatus::Optimal => {
                let stable = solver::covered_by_priority(&solved.solution.coverage);
                let plan = solver::covered_by_priority(&outcome.solver.coverage);
                let coverage_change: [i32; 4] = std::array::from_fn(|k| stable[k] - plan[k]);
                PriceOfStability::Priced {
                    coverage_change,
                    fit_change: solved.solution.objective - outcome.solver.objective,
                }
            }
            SolveStatus::Infeasible => PriceOfStability::NoStablePlan,
            _ => PriceOfStability::NotComputed("time limit reached"),
        },
        Err(_) => PriceOfStability::NotComputed("the solve failed"),
    };
}
