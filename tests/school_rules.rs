//! The school's own rules of issue 11: psychological risk levels (what each level asks of a
//! mentor, referral of crises, priority) and mentor roles (peer students, external
//! counsellors). The candidate set is checked pair by pair against a rule table written again
//! here, independently of `rules.rs`, on random schools with random policies; plans are checked
//! for what the rules promise; the bundled school shows each rule in its report.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::admit::validate;
use mentor_match::cli::{read_request, solve_to_string, Format};
use mentor_match::domain::model::Problem;
use mentor_match::domain::policy::RiskCredential;
use mentor_match::domain::raw::{
    Coded, RawChoice, RawCounselling, RawMentor, RawNeed, RawPolicy, RawRequest, RawStudent,
    RawSubject,
};
use mentor_match::domain::validate::ViolationCode;
use mentor_match::domain::{MentorRole, Priority, RiskLevel, Track};
use mentor_match::engine;
use mentor_match::explain::{self, MissReason, UnassignedReason};
use mentor_match::generate::Rng;
use mentor_match::proto::{self, pb};
use mentor_match::rules::{count_pairs, Evidence, QualificationIndex, RuleFailure};
use mentor_match::solver::{self, verify, SolveOptions, SolveStatus};

use crate::common::{
    assert_the_brute_force_optimum, maybe_one_track, plain_mentor, plain_student, random_coaching,
    random_counselling, random_pair, random_preferences, random_subjects, request_of, some_slots,
    SLOTS, TRACKS,
};

const ROLES: [MentorRole; 7] = [
    MentorRole::Unspecified,
    MentorRole::HeadTeacher,
    MentorRole::SubjectTeacher,
    MentorRole::Administrator,
    MentorRole::TeachingAssistant,
    MentorRole::ExternalCounsellor,
    MentorRole::PeerStudent,
];
const LEVELS: [RiskLevel; 5] = [
    RiskLevel::None,
    RiskLevel::Low,
    RiskLevel::Medium,
    RiskLevel::High,
    RiskLevel::Crisis,
];
const CREDENTIALS: [RiskCredential; 3] = [
    RiskCredential::TrackRule,
    RiskCredential::Certificate,
    RiskCredential::Referral,
];

/// A random credential setting: mostly left unset (the level's default).
fn credential(rng: &mut Rng) -> Coded<RiskCredential> {
    if rng.chance(0.6) {
        Coded::Unset
    } else {
        Coded::Set(CREDENTIALS[rng.below(3)])
    }
}

/// A tiny random school exercising every role, grade and risk level, under a random policy.
fn school(seed: u64, students: usize, mentors: usize) -> RawRequest {
    let mut rng = Rng::new(seed);
    let mentors_raw: Vec<RawMentor> = (0..mentors).map(|i| any_mentor(&mut rng, i)).collect();
    let students_raw: Vec<RawStudent> = (0..students)
        .map(|i| any_student(&mut rng, i, mentors))
        .collect();
    let mut raw = request_of(students_raw, mentors_raw);
    random_policy(&mut rng, &mut raw.policy);
    if students > 0 && mentors > 0 && rng.chance(0.3) {
        raw.forbidden_pairs
            .push(random_pair(&mut rng, students, mentors));
    }
    raw
}

/// Mentor `T{i}` of any role (peers and external counsellors half the time), with a grade.
fn any_mentor(rng: &mut Rng, i: usize) -> RawMentor {
    // Peers and external counsellors often, so their rules are exercised.
    let role = if rng.chance(0.5) {
        [MentorRole::PeerStudent, MentorRole::ExternalCounsellor][rng.below(2)]
    } else {
        ROLES[rng.below(ROLES.len())]
    };
    let grade = if role == MentorRole::PeerStudent {
        Some(6 + rng.below(5) as u32)
    } else if rng.chance(0.2) {
        Some(rng.below(12) as u32) // ignored for other roles, even 0
    } else {
        None
    };
    RawMentor {
        id: format!("T{i}"),
        role: Coded::Set(role),
        grade,
        subjects: random_subjects(rng, &["math", "English "], 4, false),
        counselling: random_counselling(rng, 0.35, 0.5),
        coaching: random_coaching(rng, "Art", 0),
        tracks: maybe_one_track(rng, 0.7),
        capacity: 1 + rng.below(2) as u32,
        availability: some_slots(rng, &SLOTS, 0.6),
        preferences: vec![],
        head_of_classes: vec![],
        traits: vec![],
    }
}

/// Student `S{i}` with one or two needs (psychological ones with a risk level), preferences
/// among `mentors` mentors and a grade (0 now and then).
fn any_student(rng: &mut Rng, i: usize, mentors: usize) -> RawStudent {
    let needs = (0..1 + usize::from(rng.chance(0.4)))
        .map(|k| {
            let track = TRACKS[rng.below(3)];
            RawNeed {
                id: format!("N{k}"),
                track: Coded::Set(track),
                subject: match track {
                    Track::Academic => [" Math", "english"][rng.below(2)].to_string(),
                    Track::Talent => "art".to_string(),
                    Track::Psychological => String::new(),
                },
                priority: Coded::Set(
                    [
                        Priority::Low,
                        Priority::Normal,
                        Priority::High,
                        Priority::Urgent,
                    ][rng.below(4)],
                ),
                weak_points: vec![],
                risk_level: if track == Track::Psychological {
                    match LEVELS[rng.below(LEVELS.len())] {
                        RiskLevel::None => Coded::Unset,
                        level => Coded::Set(level),
                    }
                } else {
                    Coded::Unset
                },
            }
        })
        .collect();
    let preferences = random_preferences(rng, mentors, 0.4);
    RawStudent {
        id: format!("S{i}"),
        // 0 now and then: a grade not given, which no peer may take.
        grade: if rng.chance(0.1) {
            0
        } else {
            6 + rng.below(4) as u32
        },
        class_id: "C1".into(),
        gender: None,
        needs,
        availability: some_slots(rng, &SLOTS, 0.6),
        preferences,
        traits: vec![],
        family_hardship: rng.chance(0.2),
    }
}

/// The school rules' policy fields, each set at random or left to its default.
fn random_policy(rng: &mut Rng, p: &mut RawPolicy) {
    p.low_risk_requires = credential(rng);
    p.medium_risk_requires = credential(rng);
    p.high_risk_requires = credential(rng);
    p.crisis_risk_requires = credential(rng);
    if rng.chance(0.4) {
        p.peer_min_grade_gap = Some(rng.below(3) as u32);
    }
    if rng.chance(0.3) {
        p.peer_psychological = Some(rng.chance(0.5));
    }
    if rng.chance(0.3) {
        p.external_counsellor_any_track = Some(rng.chance(0.5));
    }
    if rng.chance(0.3) {
        p.psychological_requires_certificate = Some(true);
    }
    if rng.chance(0.3) {
        p.academic_min_years = Some(rng.below(3) as u32);
    }
    if rng.chance(0.3) {
        p.risk_raises_priority = Some(rng.chance(0.5));
    }
}

fn norm(text: &str) -> String {
    text.trim().to_lowercase()
}

/// The rule table of README "Rules", written again from the request as sent: whether mentor
/// `m` may take need `k` of student `s`. Independent of `rules.rs` on purpose.
fn allowed(raw: &RawRequest, s: usize, k: usize, m: usize) -> bool {
    let student = &raw.students[s];
    let need = &student.needs[k];
    let mentor = &raw.mentors[m];
    let p = &raw.policy;
    let Coded::Set(track) = need.track else {
        unreachable!("the school sets every track")
    };
    let psychological = track == Track::Psychological;
    let or = |c: Coded<RiskCredential>, default| match c {
        Coded::Set(c) => c,
        _ => default,
    };
    let asked = match need.risk_level {
        Coded::Set(RiskLevel::Low) => or(p.low_risk_requires, RiskCredential::TrackRule),
        Coded::Set(RiskLevel::Medium) => or(p.medium_risk_requires, RiskCredential::TrackRule),
        Coded::Set(RiskLevel::High) => or(p.high_risk_requires, RiskCredential::Certificate),
        Coded::Set(RiskLevel::Crisis) => or(p.crisis_risk_requires, RiskCredential::Referral),
        _ => RiskCredential::TrackRule,
    };
    if psychological && asked == RiskCredential::Referral {
        return false;
    }
    match mentor.role {
        Coded::Set(MentorRole::PeerStudent) => {
            if psychological && !p.peer_psychological.unwrap_or(false) {
                return false;
            }
            let gap = p.peer_min_grade_gap.unwrap_or(1);
            let mentor_grade = mentor.grade.expect("peers have grades");
            if gap > 0 && (student.grade == 0 || mentor_grade < student.grade + gap) {
                return false;
            }
        }
        Coded::Set(MentorRole::ExternalCounsellor)
            if !psychological && !p.external_counsellor_any_track.unwrap_or(false) =>
        {
            return false;
        }
        _ => {}
    }
    let qualified = match track {
        Track::Academic => mentor.subjects.iter().any(|x| {
            norm(&x.subject) == norm(&need.subject) && x.years >= p.academic_min_years.unwrap_or(0)
        }),
        Track::Talent => mentor.coaching.iter().any(|c| {
            norm(&c.domain) == norm(&need.subject)
                && c.competitions >= p.talent_min_competitions.unwrap_or(1)
        }),
        Track::Psychological => {
            let c = &mentor.counselling;
            let training_enough = !p.psychological_requires_certificate.unwrap_or(false)
                && asked != RiskCredential::Certificate;
            c.certificate || (c.trained && training_enough)
        }
    };
    let volunteered = mentor.tracks.is_empty() || mentor.tracks.contains(&Coded::Set(track));
    let common = student
        .availability
        .iter()
        .filter(|a| mentor.availability.contains(a))
        .count();
    let forbidden = raw
        .forbidden_pairs
        .iter()
        .any(|f| f.student_id == student.id && f.mentor_id == mentor.id);
    qualified && volunteered && common >= 1 && !forbidden
}

/// The position of need `k` of student `s` in the problem.
fn need_ix(problem: &Problem, s: usize, k: usize) -> u32 {
    problem.students[s].first_need + k as u32
}

#[test]
fn every_pair_is_a_candidate_exactly_when_the_independent_rule_table_allows_it() {
    let mut checked = 0;
    let mut allowed_pairs = 0;
    for seed in 0..600u64 {
        let raw = school(seed, 1 + (seed % 7) as usize, 1 + (seed % 5) as usize);
        let problem = validate(raw.clone()).expect("the random school is valid");
        let candidates = engine::candidates(&problem);
        // Validate's count (needs alike share one count: risk level and grade make them
        // differ) agrees with the set.
        let index = QualificationIndex::build(&problem);
        assert_eq!(
            count_pairs(&problem, &index, u64::MAX, true),
            candidates.len() as u64,
            "seed {seed}"
        );
        for (s, student) in raw.students.iter().enumerate() {
            for k in 0..student.needs.len() {
                for m in 0..raw.mentors.len() {
                    let n = need_ix(&problem, s, k);
                    let expected = allowed(&raw, s, k, m);
                    assert_eq!(
                        candidates.find(n, m as u32).is_some(),
                        expected,
                        "seed {seed}: need {k} of S{s} with T{m}"
                    );
                    checked += 1;
                    allowed_pairs += usize::from(expected);
                }
            }
        }
    }
    // The instances are neither empty nor trivially full.
    assert!(allowed_pairs > checked / 10 && allowed_pairs < checked / 2);
}

#[test]
fn plans_respect_the_risk_and_role_rules_and_stay_optimal() {
    let mut referrals = 0;
    let mut peers_paired = 0;
    let mut high_paired = 0;
    for seed in 0..300u64 {
        let raw = school(seed, 1 + (seed % 6) as usize, 1 + (seed % 4) as usize);
        let problem = validate(raw.clone()).expect("valid");
        let candidates = engine::candidates(&problem);
        let solution =
            solver::solve(&problem, &candidates, SolveOptions::from_policy(&problem)).unwrap();
        assert_eq!(solution.status, SolveStatus::Optimal);
        let pairs = verify::pairs(&candidates, &solution.chosen);
        assert_eq!(verify::verify(&problem, &pairs), Ok(()));
        if problem.needs.len() <= 7 {
            assert_the_brute_force_optimum(
                &problem,
                &candidates,
                &pairs,
                solution.objective,
                &format!("seed {seed}"),
            );
        }
        for &(n, m) in &pairs {
            let need = &problem.needs[n as usize];
            let student = &problem.students[need.student as usize];
            let k = (n - student.first_need) as usize;
            assert!(
                allowed(&raw, need.student as usize, k, m as usize),
                "seed {seed}"
            );
            let mentor = &problem.mentors[m as usize];
            if mentor.role == MentorRole::PeerStudent {
                peers_paired += 1;
                let gap = problem.policy.rules.roles.peer_min_grade_gap;
                assert!(gap == 0 || mentor.grade.unwrap() >= student.grade + gap);
                assert!(
                    need.track != Track::Psychological
                        || problem.policy.rules.roles.peer_psychological
                );
            }
            if need.risk == RiskLevel::High && raw.policy.high_risk_requires == Coded::Unset {
                high_paired += 1;
                assert!(mentor.counselling.certificate, "seed {seed}");
            }
        }
        let outcome = explain::explain(&problem, &candidates, &candidates, &solution);
        let referred: Vec<u32> = (0..problem.needs.len() as u32)
            .filter(|&n| {
                mentor_match::rules::is_referral(&problem.policy.rules, &problem.needs[n as usize])
            })
            .collect();
        referrals += referred.len();
        assert!(pairs.iter().all(|(n, _)| !referred.contains(n)));
        // Referrals first, each group in input order.
        let listed: Vec<u32> = outcome.unassigned.iter().map(|u| u.need).collect();
        let mut expected = referred.clone();
        expected.extend(listed.iter().filter(|n| !referred.contains(n)));
        let mut rest: Vec<u32> = listed[referred.len()..].to_vec();
        rest.sort_unstable();
        assert_eq!(listed, expected, "seed {seed}");
        assert_eq!(&listed[referred.len()..], rest.as_slice());
        for u in &outcome.unassigned {
            assert_eq!(
                u.reason == UnassignedReason::Referral,
                referred.contains(&u.need)
            );
        }
    }
    assert!(referrals > 20 && peers_paired > 20 && high_paired > 5);
}

/// One mentor with one seat and training only, two students with a psychological need each.
fn contest(risk: RiskLevel, risk_raises_priority: Option<bool>) -> RawRequest {
    let need = |risk: Coded<RiskLevel>| RawNeed {
        id: "N1".into(),
        track: Coded::Set(Track::Psychological),
        subject: String::new(),
        priority: Coded::Set(Priority::Normal),
        weak_points: vec![],
        risk_level: risk,
    };
    let student = |id: &str, risk, preferences| RawStudent {
        preferences,
        ..plain_student(id, vec![need(risk)])
    };
    let mut raw = RawRequest {
        students: vec![
            // S1 ranks the mentor first: the better fit.
            student(
                "S1",
                Coded::Unset,
                vec![RawChoice {
                    id: "T1".into(),
                    rank: 1,
                }],
            ),
            student("S2", Coded::Set(risk), vec![]),
        ],
        mentors: vec![RawMentor {
            counselling: RawCounselling {
                certificate: true,
                trained: true,
                years: 3,
                topics: vec![],
            },
            ..plain_mentor("T1")
        }],
        ..RawRequest::default()
    };
    raw.policy.risk_raises_priority = risk_raises_priority;
    raw
}

fn paired_student(raw: RawRequest) -> String {
    let problem = validate(raw).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    assert_eq!(outcome.assignments.len(), 1);
    problem.students[outcome.assignments[0].student as usize]
        .id
        .clone()
}

#[test]
fn risk_raises_priority_as_configured_and_not_when_switched_off() {
    // Medium raises one level and high to urgent: the seat goes to the student at risk,
    // although the other ranked the mentor first.
    for risk in [RiskLevel::Medium, RiskLevel::High] {
        assert_eq!(paired_student(contest(risk, None)), "S2", "{risk:?}");
        assert_eq!(paired_student(contest(risk, Some(true))), "S2", "{risk:?}");
        // Switched off: same priority, so the better fit wins.
        assert_eq!(paired_student(contest(risk, Some(false))), "S1", "{risk:?}");
    }
    // Low risk does not raise.
    assert_eq!(paired_student(contest(RiskLevel::Low, None)), "S1");
    let priorities = |raw: RawRequest| -> Vec<Priority> {
        validate(raw)
            .expect("valid")
            .needs
            .iter()
            .map(|n| n.priority)
            .collect()
    };
    assert_eq!(
        priorities(contest(RiskLevel::High, None)),
        [Priority::Normal, Priority::Urgent]
    );
    assert_eq!(
        priorities(contest(RiskLevel::Crisis, None)),
        [Priority::Normal, Priority::Urgent]
    );
    assert_eq!(
        priorities(contest(RiskLevel::Medium, None)),
        [Priority::Normal, Priority::High]
    );
    assert_eq!(
        priorities(contest(RiskLevel::Crisis, Some(false))),
        [Priority::Normal, Priority::Normal]
    );
}

#[test]
fn a_crisis_is_referred_never_paired_and_listed_first() {
    let mut raw = contest(RiskLevel::Crisis, None);
    // A need with no mentor at all, listed before the crisis in input order.
    raw.students[0].needs.push(RawNeed {
        id: "N2".into(),
        track: Coded::Set(Track::Talent),
        subject: "astronomy".into(),
        priority: Coded::Set(Priority::Urgent),
        weak_points: vec![],
        risk_level: Coded::Unset,
    });
    let problem = validate(raw.clone()).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    // The certificate holder has room (S1 has it), but the crisis is never paired.
    let reasons: Vec<(String, UnassignedReason)> = outcome
        .unassigned
        .iter()
        .map(|u| {
            let n = &problem.needs[u.need as usize];
            (problem.students[n.student as usize].id.clone(), u.reason)
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("S2".to_string(), UnassignedReason::Referral),
            ("S1".to_string(), UnassignedReason::NoQualifiedMentor)
        ]
    );
    assert!(outcome.assignments.iter().all(|a| a.student == 0));
    // The same order in JSON and text.
    let response = proto::response(&problem, &outcome);
    assert_eq!(
        response.unassigned[0].reason,
        pb::UnassignedReason::Referral as i32
    );
    assert!(response.unassigned[0].qualified_mentor_ids.is_empty());
    let text = mentor_match::render::text::render(&problem, &outcome);
    let s2 = text.find("- S2 need N1").expect("listed");
    let s1 = text.find("- S1 need N2").expect("listed");
    assert!(s2 < s1, "{text}");
    assert!(text.contains("referred to the school counsellor"), "{text}");
    // A policy that sends crises to certificate holders pairs it.
    raw.policy.crisis_risk_requires = Coded::Set(RiskCredential::Certificate);
    raw.students[0].needs.truncate(1);
    raw.students[0].preferences.clear();
    let problem = validate(raw).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    assert_eq!(outcome.assignments.len(), 1);
    assert_eq!(
        problem.students[outcome.assignments[0].student as usize].id,
        "S2"
    );
}

#[test]
fn high_risk_takes_a_certificate_holder_only() {
    let mut raw = contest(RiskLevel::High, None);
    raw.mentors[0].counselling.certificate = false;
    let problem = validate(raw.clone()).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    // The trained mentor takes S1; S2's high-risk need has no certificate holder.
    assert_eq!(outcome.assignments.len(), 1);
    assert_eq!(outcome.assignments[0].student, 0);
    let u = &outcome.unassigned[0];
    assert_eq!(u.reason, UnassignedReason::NoQualifiedMentor);
    let text = mentor_match::render::text::render(&problem, &outcome);
    assert!(
        text.contains("its risk level calls for a counsellor certificate"),
        "{text}"
    );
    // Even when the track's rule accepts training everywhere else.
    raw.policy.psychological_requires_certificate = Some(false);
    raw.students[1].preferences = vec![RawChoice {
        id: "T1".into(),
        rank: 1,
    }];
    let problem = validate(raw).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    let miss = outcome
        .misses
        .iter()
        .find(|m| m.student == 1)
        .expect("S2 missed its first choice");
    assert_eq!(
        miss.higher[0].reason,
        MissReason::NotQualified(vec![(1, RuleFailure::RiskCertificateRequired)])
    );
    // With a certificate, the pair is made on that evidence.
    let mut raw = contest(RiskLevel::High, Some(false));
    raw.students.remove(0);
    let problem = validate(raw).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    assert!(matches!(
        outcome.assignments[0].needs[0].evidence,
        Evidence::CounsellorCertificate { .. }
    ));
}

#[test]
fn peers_never_take_their_own_grade_or_above_nor_psychological_needs() {
    let peer = |grade| RawMentor {
        id: format!("P{grade}"),
        role: Coded::Set(MentorRole::PeerStudent),
        grade: Some(grade),
        subjects: vec![RawSubject {
            subject: "math".into(),
            years: 1,
            topics: vec![],
        }],
        counselling: RawCounselling {
            certificate: true,
            trained: true,
            years: 1,
            topics: vec![],
        },
        coaching: vec![],
        tracks: vec![],
        capacity: 5,
        availability: vec!["MON-1".into()],
        preferences: vec![],
        head_of_classes: vec![],
        traits: vec![],
    };
    let student = |id: &str, grade, track| RawStudent {
        id: id.into(),
        grade,
        class_id: "C1".into(),
        gender: None,
        needs: vec![RawNeed {
            id: "N1".into(),
            track: Coded::Set(track),
            subject: if track == Track::Academic {
                "math".into()
            } else {
                String::new()
            },
            priority: Coded::Unset,
            weak_points: vec![],
            risk_level: Coded::Unset,
        }],
        availability: vec!["MON-1".into()],
        preferences: vec![],
        traits: vec![],
        family_hardship: false,
    };
    let raw = RawRequest {
        students: vec![
            student("S7", 7, Track::Academic),
            student("S8", 8, Track::Academic),
            student("S9", 9, Track::Academic),
            student("S0", 0, Track::Academic),
            student("S7p", 7, Track::Psychological),
        ],
        mentors: vec![peer(8)],
        ..RawRequest::default()
    };
    let problem = validate(raw.clone()).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    let paired: Vec<&str> = outcome
        .assignments
        .iter()
        .map(|a| problem.students[a.student as usize].id.as_str())
        .collect();
    assert_eq!(paired, ["S7"]);
    let response = proto::response(&problem, &outcome);
    let json = serde_json::to_string(&response).unwrap();
    assert!(!json.contains("\"grade\""), "grades are never echoed");
    // The policy can widen the gap or let peers take psychological needs.
    let mut wide = raw.clone();
    wide.policy.peer_min_grade_gap = Some(2);
    wide.mentors = vec![peer(9)];
    let problem = validate(wide).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    assert_eq!(outcome.assignments.len(), 1);
    let mut open = raw;
    open.policy.peer_psychological = Some(true);
    let problem = validate(open).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    assert_eq!(outcome.assignments.len(), 2);
}

#[test]
fn validation_errors_for_the_new_fields_name_the_field_path() {
    let request = serde_json::json!({
        "students": [{
            "id": "S1", "grade": 8,
            "needs": [
                {"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math", "riskLevel": "RISK_LEVEL_HIGH"},
                {"id": "N2", "track": "TRACK_PSYCHOLOGICAL"}
            ],
            "availability": ["MON-1"]
        }],
        "mentors": [
            {"id": "T1", "role": "MENTOR_ROLE_PEER_STUDENT", "capacity": 2, "availability": ["MON-1"]},
            {"id": "T2", "role": "MENTOR_ROLE_PEER_STUDENT", "grade": 0, "capacity": 2, "availability": ["MON-1"]},
            {"id": "T3", "role": "MENTOR_ROLE_HEAD_TEACHER", "grade": 0, "capacity": 2, "availability": ["MON-1"]}
        ],
        "policy": {"rules": {"peerMinGradeGap": 20}}
    });
    let mut request: pb::SolveRequest = serde_json::from_value(request).expect("decodes");
    // Numbers no enum value has: only the binary wire can carry them (JSON refuses them).
    request.students[0].needs[1].risk_level = 9;
    if let Some(rules) = request.policy.as_mut().and_then(|p| p.rules.as_mut()) {
        rules.crisis_risk_requires = 11;
    }
    let err = validate(RawRequest::from(request)).expect_err("invalid");
    let found: Vec<(&str, ViolationCode)> = err
        .violations
        .iter()
        .map(|v| (v.path.as_str(), v.code))
        .collect();
    for expected in [
        (
            "students[0].needs[0].risk_level",
            ViolationCode::RiskLevelOffTrack,
        ),
        (
            "students[0].needs[1].risk_level",
            ViolationCode::InvalidEnum,
        ),
        ("mentors[0].grade", ViolationCode::MissingValue),
        ("mentors[1].grade", ViolationCode::OutOfRange),
        ("policy.rules.peer_min_grade_gap", ViolationCode::OutOfRange),
        (
            "policy.rules.crisis_risk_requires",
            ViolationCode::InvalidEnum,
        ),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    // A head teacher's grade is ignored, whatever it is.
    assert!(!found.iter().any(|(p, _)| p.starts_with("mentors[2]")));
    assert_eq!(
        ViolationCode::RiskLevelOffTrack.code(),
        "RISK_LEVEL_OFF_TRACK"
    );
    // A risk level the JSON mapping cannot read is refused without quoting it.
    for sent in ["\"high\"", "\"RISK_LEVEL_HIHG\"", "4242"] {
        let body = format!(
            r#"{{"students": [{{"id": "S1", "needs": [{{"id": "N1",
                "track": "TRACK_PSYCHOLOGICAL", "riskLevel": {sent}}}]}}]}}"#
        );
        let err = serde_json::from_str::<pb::SolveRequest>(&body).expect_err("not a level");
        let message = proto::DecodeError::from(err).to_string();
        assert!(!message.contains(sent.trim_matches('"')), "{message}");
        assert!(message.contains("line 2"), "{message}");
    }
}

/// The bundled school shows every rule: a referral listed first, a high-risk need with a
/// trained first choice, two peer mentors, an external counsellor ranked for other tracks, an
/// over-subscribed subject.
#[test]
fn the_bundled_school_reports_every_school_rule() {
    let request = read_request(&crate::common::example_path()).expect("example");
    let json = solve_to_string(request.clone(), Format::Json).expect("solves");
    let response: pb::SolveResponse = serde_json::from_str(&json).expect("parses");
    let first = &response.unassigned[0];
    assert_eq!(first.reason, pb::UnassignedReason::Referral as i32);
    assert_eq!(
        response
            .unassigned
            .iter()
            .filter(|u| u.reason == pb::UnassignedReason::Referral as i32)
            .count(),
        1
    );
    // The referred student is paired with nobody for that need.
    assert!(!response
        .assignments
        .iter()
        .any(|a| a.student_id == first.student_id
            && a.needs.iter().any(|n| n.need_id == first.need_id)));
    assert_qualification_failures(&response, &first.student_id);
    assert_peers_take_lower_grades(&request, &response);
    assert_a_subject_short_of_seats(&request, &response);
    // Risk levels on psychological needs: one high and one crisis among them.
    let levels: Vec<i32> = request
        .students
        .iter()
        .flat_map(|s| &s.needs)
        .filter(|n| n.risk_level != 0)
        .map(|n| n.risk_level)
        .collect();
    assert!(levels.contains(&(pb::RiskLevel::High as i32)));
    assert!(levels.contains(&(pb::RiskLevel::Crisis as i32)));
    // The text report lists the referral first too.
    let text = solve_to_string(request, Format::Table).expect("solves");
    let unassigned = text.split("UNASSIGNED NEEDS").nth(1).expect("section");
    let first_line = unassigned.lines().nth(1).expect("a line");
    assert!(
        first_line.contains("referred to the school counsellor"),
        "{first_line}"
    );
}

/// The bundled school's passed-over choices name each school rule that failed (the referred
/// student's with `referred`), and the text and the code of each failure agree.
fn assert_qualification_failures(response: &pb::SolveResponse, referred: &str) {
    let failures: Vec<(String, String, i32)> = response
        .preference_misses
        .iter()
        .flat_map(|m| {
            m.higher_choices.iter().flat_map(move |h| {
                h.failed_qualifications
                    .iter()
                    .map(move |f| (m.student_id.clone(), h.mentor_id.clone(), f.reason))
            })
        })
        .collect();
    use pb::QualificationFailure as Q;
    for (student, mentor, reason) in [
        ("S00057", "T0009", Q::RiskCertificateRequired),
        (referred, "T0009", Q::RiskReferral),
        ("S00086", "T0011", Q::PeerNotPsychological),
        ("S00017", "T0020", Q::PeerGradeNotLower),
        ("S00018", "T0003", Q::CounsellorPsychologicalOnly),
    ] {
        assert!(
            failures.contains(&(student.to_string(), mentor.to_string(), reason as i32)),
            "{student} {mentor} {reason:?}"
        );
    }
    // failed_rules and failed_qualifications say the same, entry by entry.
    for m in &response.preference_misses {
        for h in &m.higher_choices {
            assert_eq!(h.failed_rules.len(), h.failed_qualifications.len());
            for (text, code) in h.failed_rules.iter().zip(&h.failed_qualifications) {
                assert!(text.ends_with(&code.detail), "{text} / {}", code.detail);
            }
        }
    }
}

/// Both peer mentors of the bundled school have a grade, and they take only younger students.
fn assert_peers_take_lower_grades(request: &pb::SolveRequest, response: &pb::SolveResponse) {
    // Both peer mentors have a grade and at least one of them a student of a lower grade.
    let grades: std::collections::HashMap<&str, u32> = request
        .students
        .iter()
        .map(|s| (s.id.as_str(), s.grade))
        .collect();
    let peers: Vec<&pb::Mentor> = request
        .mentors
        .iter()
        .filter(|m| m.role == pb::MentorRole::PeerStudent as i32)
        .collect();
    assert_eq!(peers.len(), 2);
    let mut peer_pairs = 0;
    for a in &response.assignments {
        if let Some(peer) = peers.iter().find(|p| p.id == a.mentor_id) {
            peer_pairs += 1;
            assert!(grades[a.student_id.as_str()] < peer.grade.expect("a grade"));
        }
    }
    assert!(peer_pairs >= 2, "{peer_pairs}");
}

/// One academic subject has more needs than seats: some stay unassigned, every candidate full.
fn assert_a_subject_short_of_seats(request: &pb::SolveRequest, response: &pb::SolveResponse) {
    // One academic subject has more needs than qualified seats: some stay unassigned with
    // every candidate full.
    let needs = request
        .students
        .iter()
        .flat_map(|s| &s.needs)
        .filter(|n| n.subject == "chinese")
        .count();
    let seats: u32 = request
        .mentors
        .iter()
        .filter(|m| m.subjects.iter().any(|s| s.subject == "chinese"))
        .map(|m| m.capacity)
        .sum();
    assert!(needs as u32 > seats, "{needs} needs, {seats} seats");
    assert!(
        response
            .unassigned
            .iter()
            .any(|u| u.subject == "chinese"
                && u.reason == pb::UnassignedReason::CandidatesFull as i32)
    );
}
