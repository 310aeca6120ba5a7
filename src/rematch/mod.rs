//! Mid-year rematch on top of the same model: pairs that do not work are forbidden, ended
//! needs are dropped, working pairs are kept (locked, or worth a change penalty per need they
//! cover), and the result is reported as a diff — kept, moved, new, ended — each with a reason.
//!
//! With no `change_penalty` the penalty defaults to more than any plan's total fit, so among
//! plans with the best coverage the engine changes as few working pairs as it can, and only then
//! looks at fit. `max_changes` bounds the working pairs changed although they could have been
//! kept (forced moves do not count); it is a side constraint, so such a rematch runs on the
//! integer program.
//!
//! Holds the entry points ([`rematch`], [`rematch_within`], [`rematch_as`]) and the order of
//! the passes; the subjects are in their own files: [`request`] (the input and its checks),
//! `model` (the modified model), `keepable` (the most pairs kept at once), `diff` (the
//! diff) and [`outcome`] (the answer's types). Imports the domain, the engine, the solver's
//! options and the explained plan's type; must not import anything that renders or the
//! service.

mod diff;
mod keepable;
mod model;
pub mod outcome;
pub mod request;

use std::collections::HashSet;

pub use outcome::{
    CapacityShrank, ChangeDetail, ChangeKind, ChangeReason, PairChange, RematchOutcome, SeatNeed,
};
pub use request::{Evaluation, KeepMode, RawCurrentPair, RawRematch};

use crate::admit::validate;
use crate::domain::model::{MentorIx, StudentIx};
use crate::domain::validate::InvalidRequest;
use crate::engine;
use crate::solver::{SolveError, SolveOptions};

/// Checks the rematch-specific fields, then validates and solves the updated school, within
/// the policy's time limit.
pub fn rematch(raw: RawRematch) -> Result<RematchOutcome, RematchError> {
    rematch_within(raw, None, crate::solver::Budget::default(), None)
}

/// As [`rematch`], with the solve's time limit capped (the service passes what is left of the
/// call's deadline).
pub fn rematch_within(
    raw: RawRematch,
    time_cap: Option<std::time::Duration>,
    budget: crate::solver::Budget,
    stop: Option<&'static std::sync::atomic::AtomicBool>,
) -> Result<RematchOutcome, RematchError> {
    rematch_as(raw, time_cap, budget, stop, true)
}

/// As [`rematch_within`]; `shortage_gains` false leaves the gains of single supply changes
/// out of the answer (a what-if scenario: its question is the diff).
pub fn rematch_as(
    mut raw: RawRematch,
    time_cap: Option<std::time::Duration>,
    budget: crate::solver::Budget,
    stop: Option<&'static std::sync::atomic::AtomicBool>,
    shortage_gains: bool,
) -> Result<RematchOutcome, RematchError> {
    let started = std::time::Instant::now();
    let Some(mut request) = raw.request.take() else {
        return Err(request::missing_school().into());
    };
    let (current, keep_mode) = request::check(&raw, &request)?;
    let students_before = model::updated_request(&mut request, &current);
    let problem = validate(request.clone())?;
    let (forced, keepable) = model::classify(&problem, &current);
    let locked_ix = match keep_mode {
        KeepMode::Lock => model::lock_working(&problem, &keepable, &current, &mut request),
        KeepMode::Penalty => HashSet::new(),
    };
    let mut problem = if locked_ix.is_empty() {
        problem
    } else {
        validate(request)?
    };
    model::apply_penalty(&mut problem, &keepable, &locked_ix, raw.change_penalty);
    let keepable_now = model::keepable_now(&problem, &keepable, &locked_ix);
    let most_keepable = model::bound_changes(&mut problem, &keepable_now, raw.max_changes);

    let mut options = SolveOptions::from_policy(&problem);
    options.budget = budget;
    options.stop = stop;
    options.shortage_gains = shortage_gains;
    if let Some(cap) = time_cap {
        options.time_limit = options.time_limit.min(cap);
    }
    // The limit covers the whole rematch: what its own phases took is not the solver's.
    options.time_limit = options.time_limit.saturating_sub(started.elapsed());
    let warm = model::warm_start(&problem, &keepable, &current);
    let outcome = engine::solve_from(&problem, options, Some(&warm))?;
    let before = diff::Before {
        current: &current,
        forced: &forced,
        students_before: &students_before,
    };
    let changes = diff::diff(&problem, &outcome, &before, raw.change_penalty);
    let voluntary_changes = voluntary_changes(&outcome, &keepable_now, most_keepable);
    Ok(RematchOutcome {
        problem,
        outcome,
        changes,
        voluntary_changes,
    })
}

/// Changes by choice: how many fewer keepable pairs were kept than could have been at once.
fn voluntary_changes(
    outcome: &crate::explain::Outcome,
    keepable_now: &[(StudentIx, MentorIx)],
    most_keepable: u32,
) -> u32 {
    let made: HashSet<(StudentIx, MentorIx)> = outcome
        .assignments
        .iter()
        .map(|a| (a.student, a.mentor))
        .collect();
    let kept_now = keepable_now.iter().filter(|p| made.contains(p)).count() as u32;
    most_keepable.saturating_sub(kept_now)
}

/// Rematch failures: invalid input, or the solver.
#[derive(Debug, thiserror::Error)]
pub enum RematchError {
    #[error(transparent)]
    Invalid(#[from] InvalidRequest),
    #[error(transparent)]
    Solve(#[from] SolveError),
}
