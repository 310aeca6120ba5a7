//! What-if: "what if we move Wang to Li's group?" answered as a diff, not a second report read
//! by eye. The base plan is solved; each scenario applies its changes to the request (force or
//! forbid a pair, remove a mentor, set a capacity, add a slot) and is solved as a rematch of
//! the base plan — every base pair working, so the scenario keeps what it can and changes only
//! what its changes force or what covers more needs. The answer per scenario is the rematch
//! diff (kept, moved, new, ended, each with its reason) and the change in coverage per
//! priority and in fit. Scenarios are independent of one another.
//!
//! Sits above the engine and `rematch` (validates through `crate::admit`); must not import
//! `proto`, the service or the CLI, which call it.

use std::time::{Duration, Instant};

use crate::admit::validate;
use crate::domain::model::{Problem, Validated};
use crate::domain::raw::{Coded, RawPair, RawRequest};
use crate::domain::validate::{InvalidRequest, Violation, ViolationCode};
use crate::engine;
use crate::outcome::Outcome;
use crate::rematch::{self, Evaluation, KeepMode, RawCurrentPair, RawRematch, RematchOutcome};
use crate::solver::{Budget, SolveError, SolveOptions};

/// One change to the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The pair must be made (a lock).
    Force {
        student_id: String,
        mentor_id: String,
    },
    /// The pair must never be made.
    Forbid {
        student_id: String,
        mentor_id: String,
    },
    /// The mentor leaves: removed with every reference to them.
    RemoveMentor { mentor_id: String },
    /// The mentor's capacity becomes this.
    Capacity { mentor_id: String, capacity: u32 },
    /// The mentor becomes available in this slot too ("TUE-9").
    AddSlot { mentor_id: String, slot: String },
    /// A change sent with nothing in it (an error naming it).
    Missing,
}

/// A named set of changes, solved on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub name: String,
    pub changes: Vec<Change>,
}

/// One scenario's answer.
#[derive(Clone, Debug)]
pub struct ScenarioOutcome {
    pub name: String,
    /// The scenario solved as a rematch of the base plan: its plan and the diff.
    pub rematch: RematchOutcome,
    /// Needs covered per priority (index `Priority as usize`), scenario minus base.
    pub coverage_change: [i32; 4],
    /// Fit of the scenario's plan (without the continuity bonus) minus the base plan's.
    pub fit_change: f64,
}

/// The base plan and every scenario.
#[derive(Clone, Debug)]
pub struct WhatIfOutcome {
    pub problem: Validated,
    pub base: Outcome,
    pub scenarios: Vec<ScenarioOutcome>,
}

#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    #[error(transparent)]
    Invalid(#[from] InvalidRequest),
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// Most scenarios in one call: each is a full solve.
pub const MAX_SCENARIOS: usize = 20;
/// Most changes in one scenario.
pub const MAX_CHANGES: usize = 1_000;

/// Solves the base request and every scenario within `time_cap` (if any) overall: each solve
/// gets an equal share of what is left when it starts.
pub fn what_if(
    raw: RawRequest,
    scenarios: &[Scenario],
    time_cap: Option<Duration>,
    budget: Budget,
    stop: Option<&'static std::sync::atomic::AtomicBool>,
) -> Result<WhatIfOutcome, WhatIfError> {
    let started = Instant::now();
    check_sizes(scenarios)?;
    let problem = validate(raw.clone())?;
    let total = time_cap.map_or(problem.policy.time_limit, |c| {
        c.min(problem.policy.time_limit)
    });
    let share = |done: usize| {
        let left = total.saturating_sub(started.elapsed());
        left / (scenarios.len() + 1 - done) as u32
    };
    let mut options = SolveOptions::from_policy(&problem);
    options.budget = budget;
    options.stop = stop;
    options.time_limit = share(0);
    let base = engine::solve_with(&problem, options)?;
    let current = base_pairs(&problem, &base);
    let mut out = Vec::with_capacity(scenarios.len());
    for (i, scenario) in scenarios.iter().enumerate() {
        let (request, renames) = apply(&raw, i, scenario)?;
        // A scenario's question is the diff: what it would take is priced for the base plan
        // only (each scenario's supply per track is still given).
        let rematch = rematch::rematch_as(
            RawRematch {
                request: Some(request),
                current: current.clone(),
                keep_mode: Coded::Set(KeepMode::Penalty),
                change_penalty: None,
                max_changes: None,
            },
            Some(share(i + 1)),
            budget,
            stop,
            false,
        )
        .map_err(|e| scenario_error(e, i, &renames))?;
        out.push(scenario_outcome(scenario, &base, rematch));
    }
    Ok(WhatIfOutcome {
        problem,
        base,
        scenarios: out,
    })
}

/// The base plan's pairs as a rematch's current pairs, every one working.
fn base_pairs(problem: &Problem, base: &Outcome) -> Vec<RawCurrentPair> {
    base.assignments
        .iter()
        .map(|a| RawCurrentPair {
            student_id: problem.students[a.student as usize].id.clone(),
            mentor_id: problem.mentors[a.mentor as usize].id.clone(),
            need_ids: a
                .needs
                .iter()
                .map(|n| problem.needs[n.need as usize].id.clone())
                .collect(),
            evaluation: Coded::Set(Evaluation::Working),
        })
        .collect()
}

/// A scenario's rematch error, its paths named as the caller wrote them: a lock a `Force`
/// added names the change (`renames`), anything else sits under `scenarios[i]`.
fn scenario_error(e: rematch::RematchError, i: usize, renames: &[(String, String)]) -> WhatIfError {
    match e {
        rematch::RematchError::Invalid(mut invalid) => {
            for v in &mut invalid.violations {
                v.path = match renames
                    .iter()
                    .find(|(from, _)| v.path.starts_with(from.as_str()))
                {
                    Some((from, to)) => format!("{to}{}", &v.path[from.len()..]),
                    None => format!("scenarios[{i}].{}", v.path),
                };
            }
            WhatIfError::Invalid(invalid)
        }
        rematch::RematchError::Solve(s) => WhatIfError::Solve(s),
    }
}

/// A scenario's answer: its rematch and the change in coverage per priority and in fit
/// (continuity left out) against the base plan.
fn scenario_outcome(
    scenario: &Scenario,
    base: &Outcome,
    rematch: RematchOutcome,
) -> ScenarioOutcome {
    let base_fit = base.solver.objective;
    let base_coverage = crate::solver::covered_by_priority(&base.solver.coverage);
    let fit: f64 = rematch
        .outcome
        .assignments
        .iter()
        .flat_map(|a| &a.needs)
        .map(|n| n.total - n.components.continuity)
        .sum();
    let scenario_coverage = crate::solver::covered_by_priority(&rematch.outcome.solver.coverage);
    let mut coverage_change = [0i32; 4];
    for (k, change) in coverage_change.iter_mut().enumerate() {
        *change = scenario_coverage[k] - base_coverage[k];
    }
    ScenarioOutcome {
        name: scenario.name.clone(),
        rematch,
        coverage_change,
        fit_change: fit - base_fit,
    }
}

fn check_sizes(scenarios: &[Scenario]) -> Result<(), InvalidRequest> {
    let mut violations = Vec::new();
    if scenarios.len() > MAX_SCENARIOS {
        violations.push(Violation {
            path: "scenarios".into(),
            code: ViolationCode::TooLarge,
            message: format!(
                "{} scenarios, more than the limit of {MAX_SCENARIOS}",
                scenarios.len()
            ),
        });
    }
    for (i, s) in scenarios.iter().enumerate() {
        if s.changes.len() > MAX_CHANGES {
            violations.push(Violation {
                path: format!("scenarios[{i}].changes"),
                code: ViolationCode::TooLarge,
                message: format!(
                    "{} changes, more than the limit of {MAX_CHANGES}",
                    s.changes.len()
                ),
            });
        }
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(InvalidRequest { violations })
    }
}

/// The request with one scenario's changes applied. An id the request does not have is an
/// error naming the change (the request's own ids are checked again when it is validated).
/// Also returns, for each lock a `Force` change added, its path in the changed request and the
/// change's path, so an error about that lock names the change the caller wrote.
fn apply(
    raw: &RawRequest,
    i: usize,
    scenario: &Scenario,
) -> Result<(RawRequest, Vec<(String, String)>), InvalidRequest> {
    let mut request = raw.clone();
    let mut violations = Vec::new();
    let mut missing = Vec::new();
    for (j, change) in scenario.changes.iter().enumerate() {
        let path = format!("scenarios[{i}].changes[{j}]");
        if matches!(change, Change::Missing) {
            missing.push(path);
        } else {
            apply_change(&mut request, &path, change, &mut violations);
        }
    }
    violations.extend(missing.into_iter().map(|path| Violation {
        path,
        code: ViolationCode::MissingValue,
        message: "the change names none of force, forbid, remove_mentor, capacity, add_slot".into(),
    }));
    let renames = force_renames(&request, i, scenario);
    if violations.is_empty() {
        Ok((request, renames))
    } else {
        Err(InvalidRequest { violations })
    }
}

/// Applies one change (at `path`) to the request, or adds a violation for each id it names
/// that the request does not have. `Change::Missing` is the caller's to report.
fn apply_change(
    request: &mut RawRequest,
    path: &str,
    change: &Change,
    violations: &mut Vec<Violation>,
) {
    let mut unknown = |field: &str, what: &str, id: &str| {
        violations.push(Violation {
            path: format!("{path}.{field}"),
            code: ViolationCode::UnknownReference,
            message: format!("unknown {what} {:?}", crate::domain::clip(id)),
        });
    };
    let mentor_of =
        |request: &RawRequest, id: &str| request.mentors.iter().position(|m| m.id == id);
    match change {
        Change::Force {
            student_id,
            mentor_id,
        }
        | Change::Forbid {
            student_id,
            mentor_id,
        } => {
            let known_s = request.students.iter().any(|s| &s.id == student_id);
            let known_m = mentor_of(request, mentor_id).is_some();
            if !known_s {
                unknown("student_id", "student", student_id);
            }
            if !known_m {
                unknown("mentor_id", "mentor", mentor_id);
            }
            if known_s && known_m {
                let pair = RawPair {
                    student_id: student_id.clone(),
                    mentor_id: mentor_id.clone(),
                };
                if matches!(change, Change::Force { .. }) {
                    request.forbidden_pairs.retain(|p| p != &pair);
                    request.locked_pairs.push(pair);
                } else {
                    request.locked_pairs.retain(|p| p != &pair);
                    request.forbidden_pairs.push(pair);
                }
            }
        }
        Change::RemoveMentor { mentor_id } => match mentor_of(request, mentor_id) {
            None => unknown("mentor_id", "mentor", mentor_id),
            Some(k) => remove_mentor(request, k, mentor_id),
        },
        Change::Capacity {
            mentor_id,
            capacity,
        } => match mentor_of(request, mentor_id) {
            None => unknown("mentor_id", "mentor", mentor_id),
            Some(k) => request.mentors[k].capacity = *capacity,
        },
        Change::Missing => {}
        Change::AddSlot { mentor_id, slot } => match mentor_of(request, mentor_id) {
            None => unknown("mentor_id", "mentor", mentor_id),
            Some(k) => {
                if !request.mentors[k].availability.contains(slot) {
                    request.mentors[k].availability.push(slot.clone());
                }
            }
        },
    }
}

/// Removes mentor `k` (`mentor_id`) and every preference, lock, ban and affinity naming them.
fn remove_mentor(request: &mut RawRequest, k: usize, mentor_id: &str) {
    request.mentors.remove(k);
    for s in &mut request.students {
        s.preferences.retain(|c| c.id != mentor_id);
    }
    request.locked_pairs.retain(|p| p.mentor_id != mentor_id);
    request.forbidden_pairs.retain(|p| p.mentor_id != mentor_id);
    request.affinities.retain(|a| a.mentor_id != mentor_id);
}

/// For each `Force` change whose lock is in the changed request: the lock's path there and
/// the change's path.
fn force_renames(request: &RawRequest, i: usize, scenario: &Scenario) -> Vec<(String, String)> {
    let mut renames = Vec::new();
    for (j, change) in scenario.changes.iter().enumerate() {
        if let Change::Force {
            student_id,
            mentor_id,
        } = change
        {
            if let Some(k) = request
                .locked_pairs
                .iter()
                .position(|p| &p.student_id == student_id && &p.mentor_id == mentor_id)
            {
                renames.push((
                    format!("request.locked_pairs[{k}]"),
                    format!("scenarios[{i}].changes[{j}]"),
                ));
            }
        }
    }
    renames
}
