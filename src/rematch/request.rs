//! A rematch request as sent, and its checks: the current pairs (ids, evaluation, need ids),
//! the keep mode, the change penalty, and the school itself, each problem with its path in the
//! caller's file. What passes is a list of `Current` pairs the later passes trust, with the
//! school as sent, validated (`Checked`).
//!
//! Holds [`RawRematch`], [`RawCurrentPair`], [`Evaluation`], [`KeepMode`], `Current`,
//! `Checked` and `check`. Imports the domain only (raw input, validation, limits); must not
//! import the solver, the engine or anything that renders.

use std::collections::{HashMap, HashSet};

use crate::admit::validate;
use crate::domain::limits;
use crate::domain::model::Validated;
use crate::domain::raw::{Coded, RawRequest};
use crate::domain::validate::{InvalidRequest, Violation, ViolationCode};

/// The school's evaluation of a current pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evaluation {
    Working,
    NotWorking,
    Ended,
}

/// How working pairs are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeepMode {
    Lock,
    #[default]
    Penalty,
}

/// A current pair as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct RawCurrentPair {
    pub student_id: String,
    pub mentor_id: String,
    pub need_ids: Vec<String>,
    pub evaluation: Coded<Evaluation>,
}

/// A rematch request as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct RawRematch {
    /// The school as it is now; `None` when the caller sent none (a validation error: a
    /// rematch without the school would end every pair).
    pub request: Option<RawRequest>,
    pub current: Vec<RawCurrentPair>,
    pub keep_mode: Coded<KeepMode>,
    pub change_penalty: Option<f64>,
    pub max_changes: Option<u32>,
}

/// A current pair that passed the checks: its evaluation is known.
pub(super) struct Current {
    pub student_id: String,
    pub mentor_id: String,
    pub need_ids: Vec<String>,
    pub evaluation: Evaluation,
}

/// What passed the checks: the current pairs, the keep mode, and the school as sent,
/// validated (the model the passes classify the current pairs on; it is not the one solved).
pub(super) struct Checked {
    pub current: Vec<Current>,
    pub keep_mode: KeepMode,
    pub school: Validated,
}

fn violation(path: String, code: ViolationCode, message: String) -> Violation {
    Violation {
        path,
        code,
        message,
    }
}

/// The violation of a rematch sent without the school.
pub(super) fn missing_school() -> InvalidRequest {
    InvalidRequest {
        violations: vec![violation(
            "request".into(),
            ViolationCode::MissingValue,
            "the rematch needs the school as it is now (request)".into(),
        )],
    }
}

/// Checks the rematch's own fields and the school as sent; every problem is listed, the
/// school's with `request.` before its path (paths then match the caller's file).
pub(super) fn check(raw: &RawRematch, request: &RawRequest) -> Result<Checked, InvalidRequest> {
    let mut violations = Vec::new();
    let mut current = Vec::with_capacity(raw.current.len());
    let mut seen = HashSet::new();
    for (i, c) in raw.current.iter().enumerate() {
        if let Some(checked) = check_pair(i, c, &mut seen, &mut violations) {
            current.push(checked);
        }
    }
    let keep_mode = check_keep_mode(raw.keep_mode, &mut violations);
    check_penalty(raw.change_penalty, &mut violations);
    check_need_ids(raw, request, &mut violations);
    let school = match validate(request.clone()) {
        Ok(school) => Some(school),
        Err(e) => {
            violations.extend(e.violations.iter().map(|v| Violation {
                path: format!("request.{}", v.path),
                ..v.clone()
            }));
            None
        }
    };
    match school {
        Some(school) if violations.is_empty() => Ok(Checked {
            current,
            keep_mode,
            school,
        }),
        _ => Err(InvalidRequest { violations }),
    }
}

/// One current pair's ids and evaluation; `None` when its evaluation is unusable.
fn check_pair(
    i: usize,
    c: &RawCurrentPair,
    seen: &mut HashSet<(String, String)>,
    violations: &mut Vec<Violation>,
) -> Option<Current> {
    let p = format!("current_pairs[{i}]");
    for (field, id) in [("student_id", &c.student_id), ("mentor_id", &c.mentor_id)] {
        if id.len() > limits::MAX_ID_LEN {
            violations.push(violation(
                format!("{p}.{field}"),
                ViolationCode::TooLong,
                format!(
                    "id is {} bytes, at most {} allowed",
                    id.len(),
                    limits::MAX_ID_LEN
                ),
            ));
        }
    }
    for (field, id) in [("student_id", &c.student_id), ("mentor_id", &c.mentor_id)] {
        if id.trim().is_empty() {
            violations.push(violation(
                format!("{p}.{field}"),
                ViolationCode::EmptyId,
                "id must not be empty".into(),
            ));
        }
    }
    if !seen.insert((c.student_id.clone(), c.mentor_id.clone())) {
        violations.push(violation(
            p.clone(),
            ViolationCode::DuplicateEntry,
            format!(
                "pair ({:?}, {:?}) is listed twice",
                c.student_id, c.mentor_id
            ),
        ));
    }
    let evaluation = match c.evaluation {
        Coded::Set(e) => e,
        Coded::Unset => {
            violations.push(violation(
                format!("{p}.evaluation"),
                ViolationCode::MissingValue,
                "evaluation is required: EVALUATION_WORKING, EVALUATION_NOT_WORKING or EVALUATION_ENDED".into(),
            ));
            return None;
        }
        Coded::Invalid(n) => {
            violations.push(violation(
                format!("{p}.evaluation"),
                ViolationCode::InvalidEnum,
                format!("unknown value {n}"),
            ));
            return None;
        }
    };
    Some(Current {
        student_id: c.student_id.clone(),
        mentor_id: c.mentor_id.clone(),
        need_ids: c.need_ids.clone(),
        evaluation,
    })
}

/// The keep mode, penalty when unset (or invalid, which is reported).
fn check_keep_mode(keep_mode: Coded<KeepMode>, violations: &mut Vec<Violation>) -> KeepMode {
    match keep_mode {
        Coded::Set(k) => k,
        Coded::Unset => KeepMode::Penalty,
        Coded::Invalid(n) => {
            violations.push(violation(
                "rematch.keep_mode".into(),
                ViolationCode::InvalidEnum,
                format!("unknown value {n}"),
            ));
            KeepMode::Penalty
        }
    }
}

fn check_penalty(change_penalty: Option<f64>, violations: &mut Vec<Violation>) {
    if let Some(p) = change_penalty {
        let max = limits::MAX_CHANGE_PENALTY;
        if !p.is_finite() || !(0.0..=max).contains(&p) {
            violations.push(violation(
                "rematch.change_penalty".into(),
                ViolationCode::InvalidWeight,
                format!("penalty {p} must be a finite number in [0, {max}]"),
            ));
        }
    }
}

/// The need ids of students still present must exist (an ended pair may name needs that are
/// gone).
fn check_need_ids(raw: &RawRematch, request: &RawRequest, violations: &mut Vec<Violation>) {
    let needs_of: HashMap<&str, HashSet<&str>> = request
        .students
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.needs.iter().map(|n| n.id.as_str()).collect(),
            )
        })
        .collect();
    for (i, c) in raw.current.iter().enumerate() {
        if let Some(ids) = needs_of.get(c.student_id.as_str()) {
            for (k, n) in c.need_ids.iter().enumerate() {
                if !ids.contains(n.as_str()) && c.evaluation != Coded::Set(Evaluation::Ended) {
                    violations.push(violation(
                        format!("current_pairs[{i}].need_ids[{k}]"),
                        ViolationCode::UnknownReference,
                        format!("student {:?} has no need {n:?}", c.student_id),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_school;

    fn pair(s: &str, m: &str, evaluation: Coded<Evaluation>, needs: &[&str]) -> RawCurrentPair {
        RawCurrentPair {
            student_id: s.into(),
            mentor_id: m.into(),
            need_ids: needs.iter().map(|n| n.to_string()).collect(),
            evaluation,
        }
    }

    fn rematch(current: Vec<RawCurrentPair>) -> RawRematch {
        RawRematch {
            request: None,
            current,
            keep_mode: Coded::Unset,
            change_penalty: None,
            max_changes: None,
        }
    }

    fn problems(raw: &RawRematch, request: &RawRequest) -> Vec<(String, ViolationCode)> {
        match check(raw, request) {
            Ok(_) => Vec::new(),
            Err(e) => e.violations.into_iter().map(|v| (v.path, v.code)).collect(),
        }
    }

    #[test]
    fn every_problem_is_listed_with_its_path_in_order() {
        let working = Coded::Set(Evaluation::Working);
        let mut raw = rematch(vec![
            pair("S1", "T1", working, &[]),
            pair("S1", "T1", working, &[]),
            pair(" ", "T2", Coded::Unset, &[]),
            pair("S2", "T2", working, &["N9"]),
        ]);
        raw.keep_mode = Coded::Invalid(7);
        raw.change_penalty = Some(f64::NAN);
        let request = test_school::raw(test_school::json());
        let at = |p: &str, c| (p.to_string(), c);
        assert_eq!(
            problems(&raw, &request),
            [
                at("current_pairs[1]", ViolationCode::DuplicateEntry),
                at("current_pairs[2].student_id", ViolationCode::EmptyId),
                at("current_pairs[2].evaluation", ViolationCode::MissingValue),
                at("rematch.keep_mode", ViolationCode::InvalidEnum),
                at("rematch.change_penalty", ViolationCode::InvalidWeight),
                at(
                    "current_pairs[3].need_ids[0]",
                    ViolationCode::UnknownReference
                ),
            ]
        );
    }

    #[test]
    fn an_ended_pair_may_name_needs_that_are_gone() {
        let raw = rematch(vec![pair(
            "S1",
            "T1",
            Coded::Set(Evaluation::Ended),
            &["N9"],
        )]);
        let request = test_school::raw(test_school::json());
        let Ok(checked) = check(&raw, &request) else {
            panic!("{:?}", problems(&raw, &request));
        };
        assert_eq!(checked.current.len(), 1);
        assert_eq!(checked.current[0].evaluation, Evaluation::Ended);
        assert_eq!(checked.keep_mode, KeepMode::Penalty);
        assert_eq!(
            checked.school.needs.len(),
            3,
            "the school as sent, before any need ended"
        );
    }

    #[test]
    fn the_schools_own_problems_keep_their_path_under_request() {
        let mut json = test_school::json();
        json["mentors"][0]["capacity"] = 9.into();
        let raw = rematch(Vec::new());
        assert_eq!(
            problems(&raw, &test_school::raw(json)),
            [(
                "request.mentors[0].capacity".to_string(),
                ViolationCode::CapacityOutOfRange
            )]
        );
    }
}
