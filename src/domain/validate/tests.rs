//! Each validation pass, through its violations: path, code and the words of the message.
//! The request builders are shared with the tests of `crate::admit`. Like the passes, these
//! tests import only the domain: the hard rules are stubbed by [`AnyPair`].
//!
//! Imports only the domain (the hard rules come through `HardRules`); must not import `admit`,
//! `rules` or anything above them.

use super::{validate_with, HardRules, InvalidRequest, Violation, ViolationCode};
use crate::domain::limits;
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx, Validated};
use crate::domain::policy::{Policy, RiskCredential};
use crate::domain::raw::{
    Coded, RawAffinity, RawChoice, RawMentor, RawNeed, RawPair, RawRequest, RawStudent, RawSubject,
};
use crate::domain::{MentorRole, Priority, RiskLevel, Track};

/// Every pair meets the hard rules: the domain's passes alone. The rules' own verdicts and
/// sentences are tested with `crate::admit`, which plugs them in.
struct AnyPair;

impl HardRules for AnyPair {
    fn covers(&self, _: &Problem, _: NeedIx, _: MentorIx) -> bool {
        true
    }

    fn refusal(&self, _: &Problem, _: StudentIx, _: MentorIx) -> Option<String> {
        None
    }
}

fn validate(raw: RawRequest) -> Result<Validated, InvalidRequest> {
    validate_with(raw, &AnyPair)
}

pub(crate) fn student(id: &str) -> RawStudent {
    RawStudent {
        id: id.to_string(),
        grade: 8,
        class_id: "G8-1".to_string(),
        gender: None,
        needs: vec![RawNeed {
            id: "N1".to_string(),
            track: Coded::Set(Track::Academic),
            subject: "math".to_string(),
            priority: Coded::Unset,
            weak_points: vec![],
            risk_level: Coded::Unset,
        }],
        availability: vec!["MON-8".to_string()],
        preferences: vec![],
        traits: vec![],
        family_hardship: false,
    }
}

pub(crate) fn mentor(id: &str) -> RawMentor {
    RawMentor {
        id: id.to_string(),
        role: Coded::Set(MentorRole::SubjectTeacher),
        grade: None,
        subjects: vec![RawSubject {
            subject: "Math".to_string(),
            years: 6,
            topics: vec![],
        }],
        counselling: Default::default(),
        coaching: vec![],
        tracks: vec![],
        capacity: 5,
        availability: vec!["MON-8".to_string()],
        preferences: vec![],
        head_of_classes: vec![],
        traits: vec![],
    }
}

pub(crate) fn base() -> RawRequest {
    RawRequest {
        students: vec![student("S1"), student("S2")],
        mentors: vec![mentor("T1"), mentor("T2")],
        ..RawRequest::default()
    }
}

fn choice(id: &str, rank: u32) -> RawChoice {
    RawChoice {
        id: id.into(),
        rank,
    }
}

pub(crate) fn pair(s: &str, m: &str) -> RawPair {
    RawPair {
        student_id: s.to_string(),
        mentor_id: m.to_string(),
    }
}

/// Asserts that validation fails with a violation at `path` of kind `code`.
pub(crate) fn assert_violation_with(
    validate: fn(RawRequest) -> Result<Validated, InvalidRequest>,
    req: RawRequest,
    path: &str,
    code: ViolationCode,
) -> Violation {
    let err = validate(req).expect_err("request should be invalid");
    err.violations
        .iter()
        .find(|v| v.path == path && v.code == code)
        .cloned()
        .unwrap_or_else(|| panic!("no {code:?} at {path}: {:?}", err.violations))
}

fn assert_violation(req: RawRequest, path: &str, code: ViolationCode) -> Violation {
    assert_violation_with(validate, req, path, code)
}

#[test]
fn base_request_is_valid_and_subjects_match_case_insensitively() {
    let p = validate(base()).expect("valid");
    assert_eq!(p.students.len(), 2);
    assert_eq!(p.needs.len(), 2);
    assert_eq!(p.mentors[0].subjects[0].subject, p.needs[0].subject);
    assert_eq!(p.policy, Policy::default());
}

#[test]
fn empty_id() {
    let mut r = base();
    r.students[1].id = " ".into();
    assert_violation(r, "students[1].id", ViolationCode::EmptyId);
}

#[test]
fn duplicate_ids() {
    let mut r = base();
    r.mentors[1].id = "T1".into();
    assert_violation(r, "mentors[1].id", ViolationCode::DuplicateId);
    let mut r = base();
    let need = r.students[0].needs[0].clone();
    r.students[0].needs.push(need);
    assert_violation(r, "students[0].needs[1].id", ViolationCode::DuplicateId);
}

#[test]
fn unknown_reference_names_the_value() {
    let mut r = base();
    r.students[1].preferences = vec![choice("T1", 1), choice("T-99", 2)];
    let v = assert_violation(
        r,
        "students[1].preferences[1].mentor_id",
        ViolationCode::UnknownReference,
    );
    assert!(v.message.contains("\"T-99\""), "{}", v.message);
    let mut r = base();
    r.mentors[0].preferences = vec![choice("S9", 1)];
    assert_violation(
        r,
        "mentors[0].preferences[0].student_id",
        ViolationCode::UnknownReference,
    );
    let mut r = base();
    r.forbidden_pairs = vec![pair("S1", "T7")];
    assert_violation(
        r,
        "forbidden_pairs[0].mentor_id",
        ViolationCode::UnknownReference,
    );
}

#[test]
fn capacity_outside_one_to_five() {
    for cap in [0, 6, 100] {
        let mut r = base();
        r.mentors[0].capacity = cap;
        let v = assert_violation(r, "mentors[0].capacity", ViolationCode::CapacityOutOfRange);
        assert!(v.message.contains(&cap.to_string()));
    }
}

#[test]
fn malformed_slots() {
    let mut r = base();
    r.students[0].availability = vec!["MON-8".into(), "Monday 8".into()];
    assert_violation(
        r,
        "students[0].availability[1]",
        ViolationCode::MalformedSlot,
    );
    let mut r = base();
    r.mentors[1].availability = vec!["FRI-13".into()];
    assert_violation(
        r,
        "mentors[1].availability[0]",
        ViolationCode::MalformedSlot,
    );
}

#[test]
fn empty_needs() {
    let mut r = base();
    r.students[0].needs.clear();
    assert_violation(r, "students[0].needs", ViolationCode::EmptyNeeds);
}

#[test]
fn missing_track_and_subject() {
    let mut r = base();
    r.students[0].needs[0].track = Coded::Unset;
    assert_violation(r, "students[0].needs[0].track", ViolationCode::MissingValue);
    let mut r = base();
    r.students[0].needs[0].subject = String::new();
    assert_violation(
        r,
        "students[0].needs[0].subject",
        ViolationCode::MissingValue,
    );
    let mut r = base();
    r.students[0].needs[0].track = Coded::Invalid(9);
    assert_violation(r, "students[0].needs[0].track", ViolationCode::InvalidEnum);
}

#[test]
fn ranks_duplicate_zero_and_repeated_choices() {
    let mut r = base();
    r.students[0].preferences = vec![choice("T1", 1), choice("T2", 1)];
    assert_violation(
        r,
        "students[0].preferences[1].rank",
        ViolationCode::DuplicateRank,
    );
    let mut r = base();
    r.students[0].preferences = vec![choice("T1", 0)];
    assert_violation(
        r,
        "students[0].preferences[0].rank",
        ViolationCode::InvalidRank,
    );
    let mut r = base();
    r.students[0].preferences = vec![choice("T1", 1), choice("T1", 2)];
    assert_violation(
        r,
        "students[0].preferences[1].mentor_id",
        ViolationCode::DuplicateChoice,
    );
}

#[test]
fn weights_must_be_finite_and_non_negative() {
    for w in [f64::NAN, f64::INFINITY, -1.0] {
        let mut r = base();
        r.policy.specialty = Some(w);
        assert_violation(r, "policy.weights.specialty", ViolationCode::InvalidWeight);
    }
}

#[test]
fn policy_ranges() {
    let mut r = base();
    r.policy.min_common_slots = Some(0);
    assert_violation(r, "policy.min_common_slots", ViolationCode::OutOfRange);
    let mut r = base();
    r.policy.time_limit_seconds = Some(-3.0);
    assert_violation(r, "policy.time_limit_seconds", ViolationCode::OutOfRange);
    let mut r = base();
    r.policy.relative_gap = Some(1.5);
    assert_violation(r, "policy.relative_gap", ViolationCode::OutOfRange);
    let mut r = base();
    r.policy.max_mentors_per_student = Some(0);
    assert_violation(
        r,
        "policy.max_mentors_per_student",
        ViolationCode::OutOfRange,
    );
}

#[test]
fn affinity_range_and_duplicates() {
    let mut r = base();
    r.affinities = vec![RawAffinity {
        student_id: "S1".into(),
        mentor_id: "T1".into(),
        score: 2.0,
    }];
    assert_violation(r, "affinities[0].score", ViolationCode::OutOfRange);
    let mut r = base();
    let a = RawAffinity {
        student_id: "S1".into(),
        mentor_id: "T1".into(),
        score: 0.5,
    };
    r.affinities = vec![a.clone(), a];
    assert_violation(r, "affinities[1]", ViolationCode::DuplicateEntry);
}

#[test]
fn locked_and_forbidden() {
    let mut r = base();
    r.locked_pairs = vec![pair("S1", "T1")];
    r.forbidden_pairs = vec![pair("S1", "T1")];
    assert_violation(r, "locked_pairs[0]", ViolationCode::LockedAndForbidden);
}

#[test]
fn locks_beyond_capacity_or_needs() {
    let mut r = base();
    r.mentors[0].capacity = 1;
    r.locked_pairs = vec![pair("S1", "T1"), pair("S2", "T1")];
    assert_violation(r, "mentors[0].capacity", ViolationCode::LockedOverCapacity);
    // One need cannot be covered by two locked mentors.
    let mut r = base();
    r.locked_pairs = vec![pair("S1", "T1"), pair("S1", "T2")];
    assert_violation(r, "students[0]", ViolationCode::LockedOverCapacity);
}

#[test]
fn sizes_past_limits() {
    let mut r = base();
    r.students[0].traits = vec!["x".to_string(); limits::MAX_LIST_ITEMS + 1];
    assert_violation(r, "students[0].traits", ViolationCode::TooLarge);
    let mut r = base();
    r.students[0].id = "x".repeat(limits::MAX_ID_LEN + 1);
    assert_violation(r, "students[0].id", ViolationCode::TooLong);
    let mut r = base();
    let s = r.students[0].clone();
    r.students = vec![s; limits::MAX_STUDENTS + 1];
    let err = validate(r).expect_err("too many students");
    assert_eq!(err.violations.len(), 1);
    assert_eq!(err.violations[0].code, ViolationCode::TooLarge);
}

#[test]
fn every_problem_is_collected_not_just_the_first() {
    let mut r = base();
    r.mentors[0].capacity = 0;
    r.students[0].availability = vec!["bad".into()];
    r.students[1].needs.clear();
    r.policy.affinity = Some(-2.0);
    let err = validate(r).expect_err("invalid");
    assert!(err.violations.len() >= 4, "{:?}", err.violations);
}

#[test]
fn garbage_is_capped_with_a_count() {
    let mut r = base();
    r.students[0].availability = vec!["bad".to_string(); limits::MAX_SLOTS];
    r.mentors[0].availability = vec!["bad".to_string(); limits::MAX_SLOTS];
    r.mentors[1].availability = vec!["bad".to_string(); limits::MAX_SLOTS];
    r.students[1].availability = vec!["bad".to_string(); limits::MAX_SLOTS];
    r.students.push(RawStudent {
        id: "S3".into(),
        availability: vec!["bad".to_string(); limits::MAX_SLOTS],
        ..student("S3")
    });
    r.students.push(RawStudent {
        id: "S4".into(),
        availability: vec!["bad".to_string(); limits::MAX_SLOTS],
        ..student("S4")
    });
    r.students.push(RawStudent {
        id: "S5".into(),
        availability: vec!["bad".to_string(); limits::MAX_SLOTS],
        ..student("S5")
    });
    let err = validate(r).expect_err("invalid");
    assert_eq!(err.violations.len(), limits::MAX_VIOLATIONS + 1);
    assert_eq!(
        err.violations.last().map(|v| v.code),
        Some(ViolationCode::TooManyViolations)
    );
}

#[test]
fn hardship_raises_priority_unless_policy_says_no() {
    let mut r = base();
    r.students[0].family_hardship = true;
    let p = validate(r.clone()).expect("valid");
    assert_eq!(p.needs[0].priority, Priority::High);
    r.policy.hardship_raises_priority = Some(false);
    let p = validate(r).expect("valid");
    assert_eq!(p.needs[0].priority, Priority::Normal);
}

pub(crate) fn psychological(risk: Coded<RiskLevel>) -> RawNeed {
    RawNeed {
        id: "N1".into(),
        track: Coded::Set(Track::Psychological),
        subject: String::new(),
        priority: Coded::Unset,
        weak_points: vec![],
        risk_level: risk,
    }
}

#[test]
fn a_risk_level_off_the_psychological_track_is_refused_without_naming_it() {
    let levels = [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::Crisis,
    ];
    let messages: Vec<String> = levels
        .iter()
        .map(|&level| {
            let mut r = base();
            r.students[1].needs[0].risk_level = Coded::Set(level);
            assert_violation(
                r,
                "students[1].needs[0].risk_level",
                ViolationCode::RiskLevelOffTrack,
            )
            .message
        })
        .collect();
    assert!(messages.iter().all(|m| *m == messages[0]), "{messages:?}");
    for word in [
        "low", "medium", "high", "crisis", "LOW", "MEDIUM", "HIGH", "CRISIS",
    ] {
        assert!(!messages[0].contains(word), "{}", messages[0]);
    }
    let mut r = base();
    r.students[0].needs[0] = psychological(Coded::Invalid(9));
    assert_violation(
        r,
        "students[0].needs[0].risk_level",
        ViolationCode::InvalidEnum,
    );
}

#[test]
fn a_peer_mentor_needs_a_grade_and_other_roles_grades_are_ignored() {
    let mut r = base();
    r.mentors[1].role = Coded::Set(MentorRole::PeerStudent);
    let v = assert_violation(r.clone(), "mentors[1].grade", ViolationCode::MissingValue);
    assert!(
        v.message.contains("MENTOR_ROLE_PEER_STUDENT"),
        "{}",
        v.message
    );
    r.mentors[1].grade = Some(0);
    assert_violation(r.clone(), "mentors[1].grade", ViolationCode::OutOfRange);
    r.mentors[1].grade = Some(9);
    assert_eq!(validate(r).expect("valid").mentors[1].grade, Some(9));
    let mut r = base();
    r.mentors[0].grade = Some(0);
    validate(r).expect("a teacher's grade is ignored");
}

#[test]
fn risk_raises_priority_unless_policy_says_no() {
    let cases = [
        (RiskLevel::None, Priority::Normal),
        (RiskLevel::Low, Priority::Normal),
        (RiskLevel::Medium, Priority::High),
        (RiskLevel::High, Priority::Urgent),
        (RiskLevel::Crisis, Priority::Urgent),
    ];
    for (level, expected) in cases {
        let mut r = base();
        r.students[0].needs[0] = psychological(Coded::Set(level));
        if level == RiskLevel::None {
            r.students[0].needs[0].risk_level = Coded::Unset;
        }
        let p = validate(r.clone()).expect("valid");
        assert_eq!(p.needs[0].priority, expected, "{level:?}");
        assert_eq!(p.needs[0].risk, level);
        r.policy.risk_raises_priority = Some(false);
        assert_eq!(
            validate(r).expect("valid").needs[0].priority,
            Priority::Normal
        );
    }
    // Hardship and medium risk each raise one level.
    let mut r = base();
    r.students[0].needs[0] = psychological(Coded::Set(RiskLevel::Medium));
    r.students[0].family_hardship = true;
    assert_eq!(
        validate(r).expect("valid").needs[0].priority,
        Priority::Urgent
    );
}

#[test]
fn risk_and_role_policy_fields_are_checked() {
    let mut r = base();
    r.policy.peer_min_grade_gap = Some(13);
    assert_violation(
        r,
        "policy.rules.peer_min_grade_gap",
        ViolationCode::OutOfRange,
    );
    let mut r = base();
    r.policy.high_risk_requires = Coded::Invalid(7);
    assert_violation(
        r,
        "policy.rules.high_risk_requires",
        ViolationCode::InvalidEnum,
    );
    let mut r = base();
    r.policy.crisis_risk_requires = Coded::Set(RiskCredential::Certificate);
    r.policy.peer_psychological = Some(true);
    let p = validate(r).expect("valid");
    assert_eq!(p.policy.rules.risk.crisis, RiskCredential::Certificate);
    assert!(p.policy.rules.roles.peer_psychological);
    assert_eq!(p.policy.rules.risk.high, RiskCredential::Certificate);
}
