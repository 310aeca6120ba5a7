//! Proto → domain for a solve request: [`pb::SolveRequest`] into the [`RawRequest`] that
//! validation reads, and the `locale` field into a [`Lang`]. No check here beyond the wire's
//! own: unknown enum values travel as `Coded::Invalid` for validation to report.
//!
//! Imports the domain's raw input and the generated types; must not import tonic, the
//! solver, the explanation or anything above.

use super::enums::{priority, risk_credential, risk_level, role, track};
use super::pb;
use crate::domain::raw::{
    RawAffinity, RawChoice, RawCoaching, RawCounselling, RawMentor, RawNeed, RawPair, RawPolicy,
    RawRequest, RawStudent, RawSubject,
};
use crate::domain::validate::Violation;
use crate::i18n::Lang;

fn choices(items: Vec<(String, u32)>) -> Vec<RawChoice> {
    items
        .into_iter()
        .map(|(id, rank)| RawChoice { id, rank })
        .collect()
}

impl From<pb::SolveRequest> for RawRequest {
    fn from(req: pb::SolveRequest) -> Self {
        RawRequest {
            students: req.students.into_iter().map(student).collect(),
            mentors: req.mentors.into_iter().map(mentor).collect(),
            locked_pairs: req.locked_pairs.into_iter().map(pair).collect(),
            forbidden_pairs: req.forbidden_pairs.into_iter().map(pair).collect(),
            affinities: req
                .affinities
                .into_iter()
                .map(|a| RawAffinity {
                    student_id: a.student_id,
                    mentor_id: a.mentor_id,
                    score: a.score,
                })
                .collect(),
            policy: policy(req.policy.unwrap_or_default()),
        }
    }
}

fn student(s: pb::Student) -> RawStudent {
    RawStudent {
        id: s.id,
        grade: s.grade,
        class_id: s.class_id,
        gender: s.gender,
        needs: s
            .needs
            .into_iter()
            .map(|n| RawNeed {
                id: n.id,
                track: track(n.track),
                subject: n.subject,
                priority: priority(n.priority),
                weak_points: n.weak_points,
                risk_level: risk_level(n.risk_level),
            })
            .collect(),
        availability: s.availability,
        preferences: choices(
            s.preferences
                .into_iter()
                .map(|c| (c.mentor_id, c.rank))
                .collect(),
        ),
        traits: s.traits,
        family_hardship: s.family_hardship,
    }
}

fn mentor(m: pb::Mentor) -> RawMentor {
    let c = m.counselling.unwrap_or_default();
    RawMentor {
        id: m.id,
        role: role(m.role),
        grade: m.grade,
        subjects: m
            .subjects
            .into_iter()
            .map(|s| RawSubject {
                subject: s.subject,
                years: s.years,
                topics: s.topics,
            })
            .collect(),
        counselling: RawCounselling {
            certificate: c.certificate,
            trained: c.trained,
            years: c.years,
            topics: c.topics,
        },
        coaching: m
            .coaching
            .into_iter()
            .map(|c| RawCoaching {
                domain: c.domain,
                competitions: c.competitions,
                topics: c.topics,
            })
            .collect(),
        tracks: m.tracks.into_iter().map(track).collect(),
        capacity: m.capacity,
        availability: m.availability,
        preferences: choices(
            m.preferences
                .into_iter()
                .map(|c| (c.student_id, c.rank))
                .collect(),
        ),
        head_of_classes: m.head_of_classes,
        traits: m.traits,
    }
}

fn policy(policy: pb::Policy) -> RawPolicy {
    let w = policy.weights.unwrap_or_default();
    let rules = policy.rules.unwrap_or_default();
    RawPolicy {
        student_preference: w.student_preference,
        mentor_preference: w.mentor_preference,
        specialty: w.specialty,
        time_overlap: w.time_overlap,
        personality: w.personality,
        affinity: w.affinity,
        own_class: w.own_class,
        academic_min_years: rules.academic_min_years,
        psychological_requires_certificate: rules.psychological_requires_certificate,
        talent_min_competitions: rules.talent_min_competitions,
        low_risk_requires: risk_credential(rules.low_risk_requires),
        medium_risk_requires: risk_credential(rules.medium_risk_requires),
        high_risk_requires: risk_credential(rules.high_risk_requires),
        crisis_risk_requires: risk_credential(rules.crisis_risk_requires),
        peer_min_grade_gap: rules.peer_min_grade_gap,
        peer_psychological: rules.peer_psychological,
        external_counsellor_any_track: rules.external_counsellor_any_track,
        min_common_slots: policy.min_common_slots,
        max_mentors_per_student: policy.max_mentors_per_student,
        time_limit_seconds: policy.time_limit_seconds,
        relative_gap: policy.relative_gap,
        hardship_raises_priority: policy.hardship_raises_priority,
        risk_raises_priority: policy.risk_raises_priority,
        why_not_costs: policy.why_not_costs,
        why_not_students: policy.why_not_students,
        involve_every_mentor: policy.involve_every_mentor,
        load_spread: policy.load_spread,
    }
}

fn pair(p: pb::PairRef) -> RawPair {
    RawPair {
        student_id: p.student_id,
        mentor_id: p.mentor_id,
    }
}

/// The language a request's `locale` field asks for (empty: English), or the violation naming
/// the field and the tag (clipped).
pub fn locale(tag: &str, path: &str) -> Result<Lang, crate::domain::validate::InvalidRequest> {
    use crate::domain::validate::{InvalidRequest, ViolationCode};
    tag.parse::<Lang>().map_err(|_| InvalidRequest {
        violations: vec![Violation {
            path: path.to_string(),
            code: ViolationCode::UnknownLocale,
            message: format!(
                "locale {:?} is not supported (supported: {})",
                crate::domain::clip(tag),
                Lang::ALL.map(Lang::tag).join(", ")
            ),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::raw::Coded;
    use crate::domain::validate::ViolationCode;
    use crate::domain::{Priority, Track};

    #[test]
    fn a_request_reads_into_the_raw_input_with_ranks_and_enums() {
        let raw = RawRequest::from(
            serde_json::from_value::<pb::SolveRequest>(crate::test_school::json())
                .expect("proto3 JSON"),
        );
        let s1 = &raw.students[0];
        assert_eq!(s1.needs[0].track, Coded::Set(Track::Academic));
        assert_eq!(s1.needs[0].priority, Coded::Set(Priority::High));
        assert_eq!(s1.needs[1].priority, Coded::Unset, "no priority sent");
        let prefs: Vec<(&str, u32)> = s1
            .preferences
            .iter()
            .map(|c| (c.id.as_str(), c.rank))
            .collect();
        assert_eq!(prefs, [("T2", 1), ("T1", 2)]);
        assert_eq!(raw.mentors[1].subjects[0].subject, "math");
        assert_eq!(raw.policy, RawPolicy::default(), "no policy sent");
    }

    #[test]
    fn an_unknown_locale_names_the_field_and_the_languages() {
        assert_eq!(locale("", "locale").ok(), Some(Lang::En));
        assert_eq!(locale("zh-CN", "locale").ok(), Some(Lang::ZhCn));
        let e = locale("fr", "request.locale").expect_err("French is not supported");
        let v = &e.violations[0];
        assert_eq!(v.path, "request.locale");
        assert_eq!(v.code, ViolationCode::UnknownLocale);
        assert!(
            v.message.contains("\"fr\"") && v.message.contains("zh-CN"),
            "{}",
            v.message
        );
    }
}
