//! The hard rules in words: why a mentor does not qualify, why a pair is not a candidate.
//!
//! Holds the two sentences the explanations and validation share, so that a lock refused at
//! validation reads exactly as the report's reason would. Imports the domain, the rules'
//! failure types and [`Words`]; must not import the explanations, the engine or anything
//! above them (validation, in `crate::admit`, sits below those and quotes this).

use super::Words;
use crate::domain::model::{Problem, Sym};
use crate::rules::{Blocker, RuleFailure};

fn name(problem: &Problem, sym: Sym) -> &str {
    problem.text.name(sym)
}

/// Why the mentor does not qualify, for the failure's rule.
pub fn rule_failure(w: Words, problem: &Problem, failure: RuleFailure) -> String {
    match failure {
        RuleFailure::DoesNotTeach { subject } => w.f(
            "explain.rule.does_not_teach",
            &[("subject", &name(problem, subject))],
        ),
        RuleFailure::TooFewYears {
            subject,
            years,
            min,
        } => w.f(
            "explain.rule.too_few_years",
            &[
                ("subject", &name(problem, subject)),
                ("years", &years),
                ("min", &min),
            ],
        ),
        RuleFailure::NoCounsellingCredential => w.t("explain.rule.no_credential").into(),
        RuleFailure::CertificateRequired => w.t("explain.rule.certificate_required").into(),
        RuleFailure::DoesNotCoach { domain } => w.f(
            "explain.rule.does_not_coach",
            &[("domain", &name(problem, domain))],
        ),
        RuleFailure::TooFewCompetitions {
            domain,
            competitions,
            min,
        } => w.f(
            "explain.rule.too_few_competitions",
            &[
                ("competitions", &competitions),
                ("domain", &name(problem, domain)),
                ("min", &min),
            ],
        ),
        RuleFailure::RiskReferral => w.t("explain.rule.risk_referral").into(),
        RuleFailure::RiskCertificateRequired => {
            w.t("explain.rule.risk_certificate_required").into()
        }
        RuleFailure::PeerGradeNotLower => match problem.policy.rules.roles.peer_min_grade_gap {
            1 => w.t("explain.rule.peer_grade_lower").into(),
            gap => w.f("explain.rule.peer_grade_gap", &[("gap", &gap)]),
        },
        RuleFailure::PeerNotPsychological => w.t("explain.rule.peer_not_psychological").into(),
        RuleFailure::CounsellorPsychologicalOnly => {
            w.t("explain.rule.counsellor_psychological_only").into()
        }
    }
}

/// Why a pair is not a candidate: every risk failure reads the same, so no message
/// reveals a risk level.
pub fn blocker(w: Words, problem: &Problem, blocker: Blocker) -> String {
    match blocker {
        Blocker::NotQualified(f) if f.is_risk() => w.t("explain.blocker.risk_rules").into(),
        Blocker::NotQualified(f) => rule_failure(w, problem, f),
        Blocker::NotVolunteered => w.t("explain.blocker.not_volunteered").into(),
        Blocker::NoCommonSlot { common } => w.f(
            "explain.blocker.no_common_slot",
            &[
                ("common", &common),
                ("min", &problem.policy.min_common_slots),
            ],
        ),
        Blocker::Forbidden => w.t("explain.forbidden").into(),
    }
}
