//! Mid-year rematch on top of the same model: pairs that do not work are forbidden, ended
//! needs are dropped, working pairs are kept (locked, or worth a change penalty per need they
//! cover), and the result is reported as a diff — kept, moved, new, ended — each with a reason.
//!
//! With no `change_penalty` the penalty defaults to more than any plan's total fit, so among
//! plans with the best coverage the engine changes as few working pairs as it can, and only then
//! looks at fit. `max_changes` bounds the working pairs changed although they could have been
//! kept (forced moves do not count); it is a side constraint, priced in where it binds
//! (`solver::changes`): into the network as a continuity bonus found by Newton steps where no
//! mentor can cover two needs of a student, into the seat-sharing method's master and bound
//! where one can, and decided by the integer program where neither settles it.
//!
//! Validation: the school as sent is validated once by the checks (its problems are reported
//! under `request.`; its model is where current pairs are classified and lock mode's locks
//! chosen, over the needs that have not ended), and the updated request — locks included — is
//! validated once more: that model is the one solved. The solver's terms computed from it —
//! the change penalty (as the pairs' `continuity`) and the bound on changes (`min_kept`) — are
//! attached by value (`Problem::with_terms`), never written into a model already made.
//!
//! Holds the entry points ([`rematch`], [`rematch_within`], [`rematch_as`]) and the order of
//! the passes; the subjects are in their own files: [`request`] (the input and its checks),
//! `model` (the modified model), `keepable` (the most pairs kept at once), `diff` (the
//! diff) and [`outcome`] (the answer's types). Imports the domain, the engine, the solver's
//! options and the plan's types (`crate::outcome`); must not import `crate::explain` (which
//! reads this module's answers: the rematch sits below it, beside the engine), anything that
//! renders or the service.

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
use crate::domain::model::{MentorIx, SolveTerms, StudentIx, Validated};
use crate::domain::raw::{RawPair, RawRequest};
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
    let request::Checked {
        current,
        keep_mode,
        school,
    } = request::check(&raw, &request)?;
    let students_before = model::updated_request(&mut request, &current);
    let remaining = model::Remaining::of(&request);
    let (forced, keepable) = model::classify(&school, &remaining, &current);
    let locked_ix = match keep_mode {
        KeepMode::Lock => model::lock_working(&school, &remaining, &keepable),
        KeepMode::Penalty => HashSet::new(),
    };
    let locks = model::lock_pairs(&keepable, &locked_ix, &current);
    drop(school); // the school as sent is not solved: free it before the solve
    let problem = validate_updated(request, locks)?;
    let keepable = model::reindex(&problem, &keepable, &current);
    // The solver's terms (continuity per pair, and the bound on changes), computed from the
    // validated model and attached to it by value: nothing writes into it afterwards.
    let continuity = model::continuity(&problem, &keepable, &locked_ix, raw.change_penalty);
    let keepable_now = model::keepable_now(&problem, &keepable, &locked_ix);
    let (most_keepable, min_kept) = model::bound_changes(&problem, &keepable_now, raw.max_changes);
    let warm = model::warm_start(&problem, &keepable, &current, min_kept.as_ref());
    let problem = problem.with_terms(SolveTerms {
        continuity,
        min_kept,
        stable_only: false,
    });

    let mut options = SolveOptions::from_policy(&problem);
    options.budget = budget;
    options.stop = stop;
    options.shortage_gains = shortage_gains;
    if let Some(cap) = time_cap {
        options.time_limit = options.time_limit.min(cap);
    }
    // The limit covers the whole rematch: what its own phases took is not the solver's.
    options.time_limit = options.time_limit.saturating_sub(started.elapsed());
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

/// Validates the updated school with lock mode's locks added: the one validation of the
/// request the rematch solves. When it fails with locks added, the problems reported are those
/// of the updated school alone if it has any (its own problems come first, as they did when
/// the locks were only chosen on a valid updated school), else those the locks bring.
fn validate_updated(
    mut request: RawRequest,
    locks: Vec<RawPair>,
) -> Result<Validated, InvalidRequest> {
    if locks.is_empty() {
        return validate(request);
    }
    let unlocked = request.locked_pairs.len();
    request.locked_pairs.extend(locks);
    let mut without_locks = request.clone();
    without_locks.locked_pairs.truncate(unlocked);
    validate(request).map_err(|with_locks| match validate(without_locks) {
        Err(own) => own,
        Ok(_) => with_locks,
    })
}

/// Changes by choice: how many fewer keepable pairs were kept than could have been at once.
fn voluntary_changes(
    outcome: &crate::outcome::Outcome,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_school;

    fn pair(s: &str, m: &str) -> RawPair {
        RawPair {
            student_id: s.into(),
            mentor_id: m.into(),
        }
    }

    fn paths(e: InvalidRequest) -> Vec<String> {
        e.violations.into_iter().map(|v| v.path).collect()
    }

    #[test]
    fn the_updated_school_with_its_locks_is_the_model_solved() {
        let request = test_school::raw(test_school::json());
        let problem = validate_updated(request, vec![pair("S2", "T1")]).expect("valid");
        assert_eq!(problem.locked, [(1, 0)]);
    }

    #[test]
    fn an_invalid_updated_school_reports_its_own_problems_not_the_locks() {
        let mut request = test_school::raw(test_school::json());
        request.forbidden_pairs.push(pair("S1", "T2"));
        request.locked_pairs.push(pair("S1", "T2"));
        let own = paths(validate(request.clone()).expect_err("locked and forbidden"));
        // The lock added overfills T1 (one seat) with S1's lock on T2: not reported here.
        let reported = validate_updated(request, vec![pair("S2", "T2")]).expect_err("invalid");
        assert_eq!(paths(reported), own);
    }

    #[test]
    fn a_valid_updated_school_reports_what_the_locks_bring() {
        let request = test_school::raw(test_school::json());
        let e = validate_updated(request, vec![pair("S1", "T1"), pair("S2", "T1")])
            .expect_err("T1 has one seat");
        let codes: Vec<_> = e.violations.iter().map(|v| v.code).collect();
        assert_eq!(
            codes,
            [crate::domain::validate::ViolationCode::LockedOverCapacity]
        );
    }
}
