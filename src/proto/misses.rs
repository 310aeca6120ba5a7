//! Domain → proto for the preference misses of a solve response: each higher choice a student
//! did not get, why (not qualified — with every failed rule —, not volunteered, no common
//! slot, forbidden, full, or a better plan overall) and what forcing it would cost.
//!
//! Imports the domain, the rules' failures and the explanation's data and renderer; must not
//! import tonic, the engine, the service or the CLI.

use super::pb;
use super::response::{holder, level_counts};
use crate::domain::model::Problem;
use crate::explain::{self, MissReason};
use crate::render::text::Renderer;
use crate::rules::RuleFailure;

/// A student who did not get a higher choice, with each choice above the best given.
pub(super) fn preference_miss(
    text: &Renderer,
    miss: &explain::PreferenceMiss,
) -> pb::PreferenceMiss {
    let problem = text.problem;
    pb::PreferenceMiss {
        student_id: problem.students[miss.student as usize].id.clone(),
        best_rank_given: miss.best_rank_given,
        higher_choices: miss.higher.iter().map(|h| higher_choice(text, h)).collect(),
    }
}

fn higher_choice(text: &Renderer, h: &explain::HigherChoice) -> pb::HigherChoice {
    let problem = text.problem;
    use pb::MissReason as M;
    let mut out = pb::HigherChoice {
        mentor_id: problem.mentors[h.mentor as usize].id.clone(),
        rank: h.rank,
        reason: 0,
        failed_rules: Vec::new(),
        failed_qualifications: Vec::new(),
        common_slots: 0,
        holders: Vec::new(),
        forced_cost: h.forced.as_ref().map(|f| forced_cost(problem, f)),
    };
    out.reason = match &h.reason {
        MissReason::NotQualified(failures) => {
            for &(n, f) in failures {
                let need = &problem.needs[n as usize];
                let detail = text.rule_failure(f);
                out.failed_rules.push(text.failed_rule(n, f));
                out.failed_qualifications.push(pb::FailedQualification {
                    need_id: need.id.clone(),
                    reason: qualification_failure(f),
                    detail,
                });
            }
            M::NotQualified
        }
        MissReason::NotVolunteered => M::NotVolunteered,
        MissReason::NoCommonSlot { common } => {
            out.common_slots = *common;
            M::NoCommonSlot
        }
        MissReason::Forbidden => M::Forbidden,
        MissReason::Full(holders) => {
            out.holders = holders.iter().map(|x| holder(problem, x)).collect();
            M::Full
        }
        MissReason::BetterOverall => M::BetterOverall,
    } as i32;
    out
}

fn qualification_failure(f: RuleFailure) -> i32 {
    use pb::QualificationFailure as Q;
    (match f {
        RuleFailure::DoesNotTeach { .. } => Q::DoesNotTeach,
        RuleFailure::TooFewYears { .. } => Q::TooFewYears,
        RuleFailure::NoCounsellingCredential => Q::NoCounsellingCredential,
        RuleFailure::CertificateRequired => Q::CertificateRequired,
        RuleFailure::DoesNotCoach { .. } => Q::DoesNotCoach,
        RuleFailure::TooFewCompetitions { .. } => Q::TooFewCompetitions,
        RuleFailure::RiskReferral => Q::RiskReferral,
        RuleFailure::RiskCertificateRequired => Q::RiskCertificateRequired,
        RuleFailure::PeerGradeNotLower => Q::PeerGradeNotLower,
        RuleFailure::PeerNotPsychological => Q::PeerNotPsychological,
        RuleFailure::CounsellorPsychologicalOnly => Q::CounsellorPsychologicalOnly,
    }) as i32
}

fn forced_cost(problem: &Problem, f: &explain::ForcedCost) -> pb::ForcedCost {
    pb::ForcedCost {
        coverage_change: level_counts(&f.coverage_change),
        fit_change: f.fit_change,
        changed_student_ids: f
            .changed_students
            .iter()
            .take(explain::FORCED_COST_NAMED)
            .map(|&s| problem.students[s as usize].id.clone())
            .collect(),
        changed_students: f.changed_students.len() as u32,
        proven: f.proven,
    }
}
