//! Domain → proto for a solve request: a [`RawRequest`] written back as a
//! [`pb::SolveRequest`] (an imported workbook saved as JSON, the template's example). Unknown
//! enum values are written as they came.
//!
//! Imports the domain's raw input and the generated types; must not import tonic, the
//! solver, the explanation or anything above.

use super::enums::{pb_coded, pb_priority, pb_risk_credential, pb_risk_level, pb_role, pb_track};
use super::pb;
use crate::domain::raw::{RawCounselling, RawMentor, RawPair, RawPolicy, RawRequest, RawStudent};

impl From<RawRequest> for pb::SolveRequest {
    fn from(raw: RawRequest) -> Self {
        let policy = policy(raw.policy);
        pb::SolveRequest {
            students: raw.students.into_iter().map(student).collect(),
            mentors: raw.mentors.into_iter().map(mentor).collect(),
            locked_pairs: raw.locked_pairs.into_iter().map(pb_pair).collect(),
            forbidden_pairs: raw.forbidden_pairs.into_iter().map(pb_pair).collect(),
            affinities: raw
                .affinities
                .into_iter()
                .map(|a| pb::Affinity {
                    student_id: a.student_id,
                    mentor_id: a.mentor_id,
                    score: a.score,
                })
                .collect(),
            policy: (policy != pb::Policy::default()).then_some(policy),
            // The language of a response is the caller's, not the school's.
            locale: String::new(),
        }
    }
}

fn student(s: RawStudent) -> pb::Student {
    pb::Student {
        id: s.id,
        grade: s.grade,
        class_id: s.class_id,
        gender: s.gender,
        needs: s
            .needs
            .into_iter()
            .map(|n| pb::Need {
                id: n.id,
                track: pb_coded(n.track, pb_track),
                subject: n.subject,
                priority: pb_coded(n.priority, pb_priority),
                weak_points: n.weak_points,
                risk_level: pb_coded(n.risk_level, pb_risk_level),
            })
            .collect(),
        availability: s.availability,
        preferences: s
            .preferences
            .into_iter()
            .map(|c| pb::MentorChoice {
                mentor_id: c.id,
                rank: c.rank,
            })
            .collect(),
        traits: s.traits,
        family_hardship: s.family_hardship,
    }
}

fn mentor(m: RawMentor) -> pb::Mentor {
    pb::Mentor {
        id: m.id,
        role: pb_coded(m.role, pb_role),
        subjects: m
            .subjects
            .into_iter()
            .map(|s| pb::SubjectExperience {
                subject: s.subject,
                years: s.years,
                topics: s.topics,
            })
            .collect(),
        counselling: (m.counselling != RawCounselling::default()).then_some(pb::Counselling {
            certificate: m.counselling.certificate,
            trained: m.counselling.trained,
            years: m.counselling.years,
            topics: m.counselling.topics,
        }),
        coaching: m
            .coaching
            .into_iter()
            .map(|c| pb::CoachingExperience {
                domain: c.domain,
                competitions: c.competitions,
                topics: c.topics,
            })
            .collect(),
        tracks: m
            .tracks
            .into_iter()
            .map(|t| pb_coded(t, pb_track))
            .collect(),
        capacity: m.capacity,
        availability: m.availability,
        preferences: m
            .preferences
            .into_iter()
            .map(|c| pb::StudentChoice {
                student_id: c.id,
                rank: c.rank,
            })
            .collect(),
        head_of_classes: m.head_of_classes,
        traits: m.traits,
        grade: m.grade,
    }
}

fn policy(p: RawPolicy) -> pb::Policy {
    let weights = pb::Weights {
        student_preference: p.student_preference,
        mentor_preference: p.mentor_preference,
        specialty: p.specialty,
        time_overlap: p.time_overlap,
        personality: p.personality,
        affinity: p.affinity,
        own_class: p.own_class,
    };
    let rules = pb::Rules {
        academic_min_years: p.academic_min_years,
        psychological_requires_certificate: p.psychological_requires_certificate,
        talent_min_competitions: p.talent_min_competitions,
        low_risk_requires: pb_coded(p.low_risk_requires, pb_risk_credential),
        medium_risk_requires: pb_coded(p.medium_risk_requires, pb_risk_credential),
        high_risk_requires: pb_coded(p.high_risk_requires, pb_risk_credential),
        crisis_risk_requires: pb_coded(p.crisis_risk_requires, pb_risk_credential),
        peer_min_grade_gap: p.peer_min_grade_gap,
        peer_psychological: p.peer_psychological,
        external_counsellor_any_track: p.external_counsellor_any_track,
    };
    pb::Policy {
        weights: (weights != pb::Weights::default()).then_some(weights),
        rules: (rules != pb::Rules::default()).then_some(rules),
        min_common_slots: p.min_common_slots,
        max_mentors_per_student: p.max_mentors_per_student,
        time_limit_seconds: p.time_limit_seconds,
        relative_gap: p.relative_gap,
        hardship_raises_priority: p.hardship_raises_priority,
        risk_raises_priority: p.risk_raises_priority,
        why_not_costs: p.why_not_costs,
        why_not_students: p.why_not_students,
        involve_every_mentor: p.involve_every_mentor,
        load_spread: p.load_spread,
    }
}

fn pb_pair(p: RawPair) -> pb::PairRef {
    pb::PairRef {
        student_id: p.student_id,
        mentor_id: p.mentor_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_school;

    #[test]
    fn a_request_written_back_reads_as_the_same_request() {
        let mut json = test_school::json();
        json["policy"] = serde_json::json!({
            "weights": {"specialty": 2.0},
            "rules": {"highRiskRequires": "RISK_CREDENTIAL_REFERRAL"},
            "maxMentorsPerStudent": 2
        });
        json["forbiddenPairs"] = serde_json::json!([{"studentId": "S2", "mentorId": "T2"}]);
        let raw = test_school::raw(json);
        let written = pb::SolveRequest::from(raw.clone());
        assert_eq!(RawRequest::from(written.clone()), raw);
        assert_eq!(written.forbidden_pairs.len(), 1);
        assert!(written.locale.is_empty(), "the language is the caller's");
    }

    #[test]
    fn default_sections_are_left_out_and_unknown_values_kept() {
        let mut raw = test_school::raw(test_school::json());
        raw.students[0].needs[0].track = crate::domain::raw::Coded::Invalid(42);
        let written = pb::SolveRequest::from(raw);
        assert_eq!(written.policy, None, "a default policy is not written");
        assert_eq!(written.mentors[0].counselling, None);
        assert_eq!(written.students[0].needs[0].track, 42);
    }
}
