//! Exact gains by re-solving the changed problem, warm from the plan ([`by_resolve`]): for
//! changes the residual cannot take and plans of other methods, within the count, size and
//! time bounds.
//!
//! Reaches the solver only through `solver::solve_problem_from` and what it answers
//! (`covered_by_priority`, `verify::pairs`, `gain::Gain` as the shared result type): no HiGHS
//! directly, no rendering.
//!
//! Imports the domain and the solver's entry point; must not import the engine or any renderer
//! (see `shortage.rs`).

use std::time::Instant;

use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::solver::gain::Gain;
use crate::solver::{self, SolveStatus, Solved};

use super::{change, max_resolves, Candidate, Change, ChangeKind, Context, GainMethod, Shortage};

/// Gains by solving the changed problem again, warm from the plan (still feasible: every
/// change only relaxes a rule), within the time and count bounds.
pub(super) fn by_resolve(
    ctx: &Context<'_>,
    candidates: &[Candidate],
    shortage: &mut Shortage,
    found: &mut Vec<Change>,
) {
    let base_pairs: Vec<(NeedIx, MentorIx)> = ctx
        .plan
        .iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|m| (n as NeedIx, m)))
        .collect();
    let allowed = max_resolves(ctx.all.len());
    let stopping = || {
        ctx.options
            .stop
            .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
    };
    for (i, c) in candidates.iter().enumerate() {
        let left = ctx.deadline.saturating_duration_since(Instant::now());
        if i >= allowed || left < ctx.solve || left.is_zero() || stopping() {
            shortage.not_evaluated += 1;
            continue;
        }
        let changed = with_change(ctx.problem, c);
        let mut options = ctx.options;
        options.time_limit = left;
        let solved =
            match solver::solve_problem_from(&changed, options, solver::Start::plan(&base_pairs)) {
                Ok(solved) if solved.solution.status == SolveStatus::Optimal => solved,
                _ => {
                    shortage.not_evaluated += 1;
                    continue;
                }
            };
        shortage.evaluated += 1;
        found.push(change(c, gain_over_plan(ctx, &solved), GainMethod::ReSolve));
    }
}

/// The problem with the change made (every change only relaxes a rule).
fn with_change(problem: &Problem, c: &Candidate) -> Problem {
    let mut changed = problem.clone();
    let mentor = &mut changed.mentors[c.mentor as usize];
    match c.kind {
        ChangeKind::AddSeat => mentor.capacity += 1,
        ChangeKind::Volunteer(track) => mentor.volunteers[track.index()] = true,
        ChangeKind::AddSlot(bit) => mentor.slots.insert(bit),
    }
    changed
}

/// The changed problem's optimum against the plan: coverage and fit minus the plan's, the
/// needs it covers that the plan leaves and those it leaves that the plan covers.
fn gain_over_plan(ctx: &Context<'_>, solved: &Solved) -> Gain {
    let now = solver::covered_by_priority(&solved.solution.coverage);
    let mut after: Vec<Option<MentorIx>> = vec![None; ctx.plan.len()];
    for (n, m) in solver::verify::pairs(&solved.candidates, &solved.solution.chosen) {
        after[n as usize] = Some(m);
    }
    let mut gain = Gain {
        coverage: std::array::from_fn(|k| now[k] - ctx.base_coverage[k]),
        fit: solved.solution.objective - ctx.base_fit,
        ..Gain::default()
    };
    for (n, (before, now)) in ctx.plan.iter().zip(&after).enumerate() {
        match (before.is_some(), now.is_some()) {
            (false, true) => gain.covered.push(n as NeedIx),
            (true, false) => gain.uncovered.push(n as NeedIx),
            _ => {}
        }
    }
    gain
}
