//! The policy pass: every weight, rule and solver setting of the request's policy against its
//! range, each unset one taking its default. The list of students to explain is resolved with
//! the other references (`references::why_not_students`).
//!
//! Imports only the domain; never `rules` or an outer layer.

use std::time::Duration;

use super::report::{enum_value, Report};
use super::violation::ViolationCode;
use crate::domain::limits;
use crate::domain::policy::{Policy, RiskCredential, RiskRules, RoleRules, Rules, Weights, WhyNot};
use crate::domain::raw::{Coded, RawPolicy};

/// Largest `policy.rules.peer_min_grade_gap`: twelve school grades.
const MAX_GRADE_GAP: u32 = 12;

/// The policy, every value checked; a refused value is reported and replaced by its default
/// so that the other passes still run.
pub(super) fn policy(report: &mut Report, raw: &RawPolicy) -> Policy {
    let defaults = Policy::default();
    let weights = weights(report, raw);
    let rules = rules(report, raw);
    let min_common_slots = raw.min_common_slots.unwrap_or(defaults.min_common_slots);
    if !(1..=84).contains(&min_common_slots) {
        report.add(
            "policy.min_common_slots",
            ViolationCode::OutOfRange,
            format!(
                "{min_common_slots} is outside 1..=84 (a pair must share at least one weekly slot)"
            ),
        );
    }
    let max_mentors = raw
        .max_mentors_per_student
        .unwrap_or(defaults.max_mentors_per_student);
    if !(1..=limits::MAX_NEEDS_PER_STUDENT as u32).contains(&max_mentors) {
        report.add(
            "policy.max_mentors_per_student",
            ViolationCode::OutOfRange,
            format!(
                "{max_mentors} is outside 1..={}",
                limits::MAX_NEEDS_PER_STUDENT
            ),
        );
    }
    let (time_limit, relative_gap, load_spread) = solver_settings(report, raw, &defaults);
    Policy {
        weights,
        rules,
        min_common_slots,
        max_mentors_per_student: max_mentors,
        time_limit,
        relative_gap,
        hardship_raises_priority: raw
            .hardship_raises_priority
            .unwrap_or(defaults.hardship_raises_priority),
        risk_raises_priority: raw
            .risk_raises_priority
            .unwrap_or(defaults.risk_raises_priority),
        // The student list is resolved with the other ids (`references::why_not_students`).
        why_not: match raw.why_not_costs {
            Some(false) => WhyNot::Off,
            Some(true) => WhyNot::All,
            None => WhyNot::Auto,
        },
        involve_every_mentor: raw
            .involve_every_mentor
            .unwrap_or(defaults.involve_every_mentor),
        load_spread,
    }
}

/// `value` when it is set and `ok` accepts it; a violation at `path` when it is set and
/// refused; `None` otherwise (the caller takes the default).
fn accepted<T: Copy>(
    report: &mut Report,
    path: &str,
    value: Option<T>,
    ok: impl Fn(T) -> bool,
    code: ViolationCode,
    message: impl Fn(T) -> String,
) -> Option<T> {
    let v = value?;
    if ok(v) {
        Some(v)
    } else {
        report.add(path, code, message(v));
        None
    }
}

/// A number in `[0, MAX_WEIGHT]`: what every weight and the load spread must be.
fn weight_range(v: f64) -> bool {
    v.is_finite() && (0.0..=limits::MAX_WEIGHT).contains(&v)
}

fn weights(report: &mut Report, raw: &RawPolicy) -> Weights {
    let dw = Weights::default();
    let mut weight = |name: &str, value: Option<f64>, default: f64| -> f64 {
        accepted(
            report,
            &format!("policy.weights.{name}"),
            value,
            weight_range,
            ViolationCode::InvalidWeight,
            |v| {
                format!(
                    "weight {v} must be a finite number in [0, {}]",
                    limits::MAX_WEIGHT
                )
            },
        )
        .unwrap_or(default)
    };
    Weights {
        student_preference: weight(
            "student_preference",
            raw.student_preference,
            dw.student_preference,
        ),
        mentor_preference: weight(
            "mentor_preference",
            raw.mentor_preference,
            dw.mentor_preference,
        ),
        specialty: weight("specialty", raw.specialty, dw.specialty),
        time_overlap: weight("time_overlap", raw.time_overlap, dw.time_overlap),
        personality: weight("personality", raw.personality, dw.personality),
        affinity: weight("affinity", raw.affinity, dw.affinity),
        own_class: weight("own_class", raw.own_class, dw.own_class),
    }
}

fn rules(report: &mut Report, raw: &RawPolicy) -> Rules {
    let dr = Rules::default();
    let mut credential = |name: &str, value: Coded<RiskCredential>, default: RiskCredential| {
        enum_value(
            report,
            &format_args!("policy.rules.{name}"),
            value,
            "a RISK_CREDENTIAL_* value",
        )
        .unwrap_or(default)
    };
    let risk = RiskRules {
        low: credential("low_risk_requires", raw.low_risk_requires, dr.risk.low),
        medium: credential(
            "medium_risk_requires",
            raw.medium_risk_requires,
            dr.risk.medium,
        ),
        high: credential("high_risk_requires", raw.high_risk_requires, dr.risk.high),
        crisis: credential(
            "crisis_risk_requires",
            raw.crisis_risk_requires,
            dr.risk.crisis,
        ),
    };
    let peer_min_grade_gap = raw
        .peer_min_grade_gap
        .unwrap_or(dr.roles.peer_min_grade_gap);
    if peer_min_grade_gap > MAX_GRADE_GAP {
        report.add(
            "policy.rules.peer_min_grade_gap",
            ViolationCode::OutOfRange,
            format!("{peer_min_grade_gap} is outside 0..={MAX_GRADE_GAP}"),
        );
    }
    Rules {
        academic_min_years: raw.academic_min_years.unwrap_or(dr.academic_min_years),
        psychological_requires_certificate: raw
            .psychological_requires_certificate
            .unwrap_or(dr.psychological_requires_certificate),
        talent_min_competitions: raw
            .talent_min_competitions
            .unwrap_or(dr.talent_min_competitions),
        risk,
        roles: RoleRules {
            peer_min_grade_gap,
            peer_psychological: raw
                .peer_psychological
                .unwrap_or(dr.roles.peer_psychological),
            external_counsellor_any_track: raw
                .external_counsellor_any_track
                .unwrap_or(dr.roles.external_counsellor_any_track),
        },
    }
}

/// The time limit, the relative gap and the load spread, in that order.
fn solver_settings(
    report: &mut Report,
    raw: &RawPolicy,
    defaults: &Policy,
) -> (Duration, f64, f64) {
    let time_limit = accepted(
        report,
        "policy.time_limit_seconds",
        raw.time_limit_seconds,
        |t| t.is_finite() && t > 0.0 && t <= limits::MAX_TIME_LIMIT_SECONDS,
        ViolationCode::OutOfRange,
        |t| {
            format!(
                "{t} is outside (0, {}] seconds",
                limits::MAX_TIME_LIMIT_SECONDS
            )
        },
    )
    .map_or(defaults.time_limit, Duration::from_secs_f64);
    let relative_gap = accepted(
        report,
        "policy.relative_gap",
        raw.relative_gap,
        |g| g.is_finite() && (0.0..1.0).contains(&g),
        ViolationCode::OutOfRange,
        |g| format!("{g} is outside [0, 1)"),
    )
    .unwrap_or(defaults.relative_gap);
    let load_spread = accepted(
        report,
        "policy.load_spread",
        raw.load_spread,
        weight_range,
        ViolationCode::OutOfRange,
        |w| format!("{w} is outside [0, {}]", limits::MAX_WEIGHT),
    )
    .unwrap_or(defaults.load_spread);
    (time_limit, relative_gap, load_spread)
}
