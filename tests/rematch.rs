//! Mid-year rematch: what changes, what stays, and why.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::cli::{read_request, solve_to_string, Format};
use mentor_match::proto::pb;
use mentor_match::rematch::{rematch, ChangeKind, ChangeReason, RawRematch, RematchOutcome};
use mentor_match::solver::verify;
use proptest::prelude::*;
use serde_json::json;

fn run(request: serde_json::Value) -> RematchOutcome {
    let req: pb::RematchRequest = serde_json::from_value(request).expect("rematch request parses");
    rematch(RawRematch::from(req)).expect("rematch solves")
}

fn math_teacher(id: &str, capacity: u32) -> serde_json::Value {
    json!({"id": id, "capacity": capacity, "availability": ["MON-8"],
           "subjects": [{"subject": "math", "years": 5}]})
}

fn math_student(id: &str, prefs: &[&str]) -> serde_json::Value {
    let prefs = crate::common::ranked_json("mentorId", prefs);
    json!({"id": id, "availability": ["MON-8"], "preferences": prefs,
           "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math"}]})
}

fn pair(s: &str, m: &str, evaluation: &str) -> serde_json::Value {
    json!({"studentId": s, "mentorId": m, "evaluation": evaluation})
}

fn change<'a>(r: &'a RematchOutcome, student: &str) -> &'a mentor_match::rematch::PairChange {
    r.changes
        .iter()
        .find(|c| c.student_id == student)
        .unwrap_or_else(|| panic!("no change for {student}"))
}

#[test]
fn nothing_changed_means_zero_changes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/school.json");
    let school = read_request(&path).unwrap();
    let solved: pb::SolveResponse =
        serde_json::from_str(&solve_to_string(school.clone(), Format::Json).unwrap()).unwrap();
    let current: Vec<pb::CurrentPair> = solved
        .assignments
        .iter()
        .map(|a| pb::CurrentPair {
            student_id: a.student_id.clone(),
            mentor_id: a.mentor_id.clone(),
            need_ids: a.needs.iter().map(|n| n.need_id.clone()).collect(),
            evaluation: pb::Evaluation::Working as i32,
        })
        .collect();
    let req = pb::RematchRequest {
        request: Some(school),
        current_pairs: current.clone(),
        rematch: None,
        locale: String::new(),
    };
    let r = rematch(RawRematch::from(req)).unwrap();
    assert_eq!(r.count(ChangeKind::Kept) as usize, current.len());
    assert_eq!(r.count(ChangeKind::Moved), 0);
    assert_eq!(r.count(ChangeKind::New), 0);
    assert_eq!(r.count(ChangeKind::Ended), 0);
    assert_eq!(r.voluntary_changes, 0);
}

#[test]
fn one_not_working_pair_moves_only_that_student_to_a_free_mentor() {
    let r = run(json!({
        "request": {
            "students": [math_student("S1", &[]), math_student("S2", &[])],
            "mentors": [math_teacher("T1", 1), math_teacher("T2", 1), math_teacher("T3", 1)]
        },
        "currentPairs": [pair("S1", "T1", "EVALUATION_NOT_WORKING"), pair("S2", "T2", "EVALUATION_WORKING")]
    }));
    let s1 = change(&r, "S1");
    assert_eq!(s1.kind, ChangeKind::Moved);
    assert_eq!(s1.reason, ChangeReason::NotWorking);
    assert_eq!(
        s1.to_mentor_ids,
        ["T3"],
        "never back to T1, and T2 stays with S2"
    );
    let s2 = change(&r, "S2");
    assert_eq!(s2.kind, ChangeKind::Kept);
    assert_eq!(r.count(ChangeKind::Moved), 1);
    assert_eq!(r.voluntary_changes, 0);
}

#[test]
fn a_leaving_mentor_frees_exactly_their_students() {
    let r = run(json!({
        "request": {
            "students": [math_student("S1", &[]), math_student("S2", &[]), math_student("S3", &[]), math_student("S4", &[])],
            // T2 has left: it is no longer in the request.
            "mentors": [math_teacher("T1", 2), math_teacher("T3", 5)]
        },
        "currentPairs": [pair("S1", "T1", "EVALUATION_WORKING"), pair("S2", "T1", "EVALUATION_WORKING"),
                          pair("S3", "T2", "EVALUATION_WORKING"), pair("S4", "T2", "EVALUATION_WORKING")]
    }));
    for s in ["S1", "S2"] {
        assert_eq!(change(&r, s).kind, ChangeKind::Kept, "{s} untouched");
    }
    for s in ["S3", "S4"] {
        let c = change(&r, s);
        assert_eq!(c.kind, ChangeKind::Moved);
        assert_eq!(c.reason, ChangeReason::MentorLeft);
        assert_eq!(c.to_mentor_ids, ["T3"]);
    }
    assert_eq!(r.voluntary_changes, 0);
}

#[test]
fn change_penalty_trades_off_against_fit_as_documented() {
    // S1 works with T1 but ranks T2 first: moving gains 3·(1 − 0) = 3 in student preference.
    let request = |penalty: f64| {
        json!({
            "request": {
                "students": [math_student("S1", &["T2"])],
                "mentors": [math_teacher("T1", 1), math_teacher("T2", 1)]
            },
            "currentPairs": [pair("S1", "T1", "EVALUATION_WORKING")],
            "rematch": {"changePenalty": penalty}
        })
    };
    let cheap = run(request(0.5));
    assert_eq!(change(&cheap, "S1").kind, ChangeKind::Moved);
    assert_eq!(change(&cheap, "S1").reason, ChangeReason::BetterFit);
    assert_eq!(cheap.voluntary_changes, 1);
    let dear = run(request(5.0));
    assert_eq!(change(&dear, "S1").kind, ChangeKind::Kept);
    // With no penalty given, changes come right after coverage: kept.
    let default = run(json!({
        "request": {"students": [math_student("S1", &["T2"])],
                    "mentors": [math_teacher("T1", 1), math_teacher("T2", 1)]},
        "currentPairs": [pair("S1", "T1", "EVALUATION_WORKING")]
    }));
    assert_eq!(change(&default, "S1").kind, ChangeKind::Kept);
}

/// Three working pairs S1–T1, S2–T2, S3–T3 whose students all rank T9 (5 free seats) first;
/// a small change penalty and at most one change.
fn all_prefer_t9_at_most_one_change() -> serde_json::Value {
    let students: Vec<_> = (1..=3)
        .map(|i| math_student(&format!("S{i}"), &["T9"]))
        .collect();
    let mut mentors: Vec<_> = (1..=3).map(|i| math_teacher(&format!("T{i}"), 1)).collect();
    mentors.push(math_teacher("T9", 5));
    let current: Vec<_> = (1..=3)
        .map(|i| pair(&format!("S{i}"), &format!("T{i}"), "EVALUATION_WORKING"))
        .collect();
    json!({
        "request": {"students": students, "mentors": mentors},
        "currentPairs": current,
        "rematch": {"changePenalty": 0.1, "maxChanges": 1}
    })
}

#[test]
fn max_changes_holds_even_against_better_fit() {
    let r = run(all_prefer_t9_at_most_one_change());
    assert_eq!(r.voluntary_changes, 1, "{:?}", r.changes);
    assert_eq!(r.count(ChangeKind::Kept), 2);
}

#[test]
fn ended_needs_are_dropped_and_lock_mode_keeps_working_pairs() {
    let r = run(json!({
        "request": {
            "students": [math_student("S1", &["T2"]), math_student("S2", &[])],
            "mentors": [math_teacher("T1", 1), math_teacher("T2", 1)]
        },
        "currentPairs": [pair("S1", "T1", "EVALUATION_WORKING"), pair("S2", "T2", "EVALUATION_ENDED")],
        "rematch": {"keepMode": "KEEP_MODE_LOCK", "changePenalty": 0.0}
    }));
    assert_eq!(
        change(&r, "S1").kind,
        ChangeKind::Kept,
        "locked despite S1 preferring T2"
    );
    assert_eq!(change(&r, "S2").kind, ChangeKind::Ended);
    assert!(r
        .outcome
        .assignments
        .iter()
        .all(|a| r.problem.students[a.student as usize].id != "S2"));
}

#[test]
fn shrunk_capacity_says_which_pair_moved_and_why() {
    let r = run(json!({
        "request": {
            "students": [math_student("S1", &[]), math_student("S2", &[])],
            "mentors": [math_teacher("T1", 1), math_teacher("T3", 1)]
        },
        "currentPairs": [pair("S1", "T1", "EVALUATION_WORKING"), pair("S2", "T1", "EVALUATION_WORKING")]
    }));
    let moved: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Moved)
        .collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].reason, ChangeReason::CapacityShrank);
    assert_eq!(moved[0].to_mentor_ids, ["T3"]);
    // Typed evidence: who holds T1's one seat now, and the capacity against the pairs before.
    let held = &moved[0].forced_by;
    assert_eq!(held.len(), 1);
    assert_ne!(held[0].student_id, moved[0].student_id);
    assert_eq!(held[0].need_id, "N1");
    assert_eq!(
        moved[0].capacity_shrank,
        Some(mentor_match::rematch::CapacityShrank {
            capacity: 1,
            working_pairs_before: 2
        })
    );
    // The same facts in the proto, typed.
    let response = mentor_match::proto::rematch_response(&r);
    let change = response
        .changes
        .iter()
        .find(|c| c.kind == pb::ChangeKind::Moved as i32)
        .expect("moved");
    assert_eq!(change.seat_holders.len(), 1);
    assert_eq!(change.seat_holders[0].need_id, "N1");
    assert_eq!(change.capacity_now, Some(1));
    assert_eq!(change.working_pairs_before, Some(2));
}

#[test]
fn a_bad_current_pair_is_a_clear_error() {
    let req: pb::RematchRequest = serde_json::from_value(json!({
        "request": {"students": [math_student("S1", &[])], "mentors": [math_teacher("T1", 1)]},
        "currentPairs": [{"studentId": "S1", "mentorId": "T1", "needIds": ["N7"]}]
    }))
    .unwrap();
    let err = match rematch(RawRematch::from(req)) {
        Err(mentor_match::rematch::RematchError::Invalid(e)) => e,
        other => panic!("expected invalid, got {:?}", other.map(|r| r.changes)),
    };
    let paths: Vec<&str> = err.violations.iter().map(|v| v.path.as_str()).collect();
    assert!(paths.contains(&"current_pairs[0].evaluation"), "{paths:?}");
    assert!(paths.contains(&"current_pairs[0].need_ids[0]"), "{paths:?}");
}

proptest! {
    #![proptest_config(crate::common::proptest_config(48))]

    /// Kept pairs satisfy every hard rule, max_changes is never exceeded, and every working
    /// pair that moved has a reason (with the needs that took its seat when coverage forced it).
    #[test]
    fn rematch_invariants(seed in any::<u64>(), caps in proptest::collection::vec(1u32..3, 3),
                          evals in proptest::collection::vec(0u8..3, 6), max in 0u32..3) {
        let mut rng = mentor_match::generate::Rng::new(seed);
        let students: Vec<_> = (0..6).map(|i| math_student(&format!("S{i}"), &[["T0", "T1", "T2"][rng.below(3)]])).collect();
        let mentors: Vec<_> = caps.iter().enumerate().map(|(i, &c)| math_teacher(&format!("T{i}"), c)).collect();
        let current: Vec<_> = (0..6).map(|i| {
            let e = ["EVALUATION_WORKING", "EVALUATION_NOT_WORKING", "EVALUATION_ENDED"][evals[i] as usize];
            pair(&format!("S{i}"), &format!("T{}", i % 3), e)
        }).collect();
        let r = run(json!({
            "request": {"students": students, "mentors": mentors},
            "currentPairs": current,
            "rematch": {"changePenalty": 0.5, "maxChanges": max}
        }));
        let pairs: Vec<_> = r.outcome.assignments.iter()
            .flat_map(|a| a.needs.iter().map(move |n| (n.need, a.mentor)))
            .collect();
        prop_assert_eq!(verify::verify(&r.problem, &pairs), Ok(()));
        prop_assert!(r.voluntary_changes <= max);
        for c in &r.changes {
            if c.kind == ChangeKind::Moved && c.reason == ChangeReason::CapacityShrank {
                prop_assert!(!c.forced_by.is_empty());
            }
            if c.reason == ChangeReason::NotWorking {
                prop_assert!(!c.to_mentor_ids.contains(&c.from_mentor_id));
            }
        }
    }
}

/// With no time to solve, the rematch still returns a valid plan within `max_changes`: the
/// fallback plan takes the working pairs (those that can all be kept together first) before
/// anything else. The students all prefer another mentor, so a plan built by fit alone would
/// move every one of them.
#[test]
fn out_of_time_the_fallback_plan_still_honours_max_changes() {
    let req: pb::RematchRequest =
        serde_json::from_value(all_prefer_t9_at_most_one_change()).expect("parses");
    let r = mentor_match::rematch::rematch_within(
        RawRematch::from(req),
        Some(std::time::Duration::ZERO),
        mentor_match::solver::Budget::default(),
        None,
    )
    .expect("answers");
    assert_eq!(
        r.outcome.solver.status,
        mentor_match::solver::SolveStatus::TimeLimit
    );
    assert!(r.voluntary_changes <= 1, "{:?}", r.changes);
    let pairs: Vec<_> = r
        .outcome
        .assignments
        .iter()
        .flat_map(|a| a.needs.iter().map(move |n| (n.need, a.mentor)))
        .collect();
    assert_eq!(verify::verify(&r.problem, &pairs), Ok(()));
}

#[test]
fn lock_mode_keeps_one_of_two_working_pairs_for_a_single_need() {
    // Two working pairs for S1's one need cannot both be kept: lock mode locked both and the
    // rematch failed validation with locked_over_capacity, a request the school never wrote.
    // Now the first is locked and the other falls back to the penalty.
    let r = run(json!({
        "request": {
            "students": [math_student("S1", &[]), math_student("S2", &[])],
            "mentors": [math_teacher("T1", 1), math_teacher("T2", 1)]
        },
        "currentPairs": [pair("S1", "T1", "EVALUATION_WORKING"), pair("S1", "T2", "EVALUATION_WORKING"),
                          pair("S2", "T2", "EVALUATION_WORKING")],
        "rematch": {"keepMode": "KEEP_MODE_LOCK"}
    }));
    let pairs: Vec<(&str, &str)> = r
        .outcome
        .assignments
        .iter()
        .map(|a| {
            (
                r.problem.students[a.student as usize].id.as_str(),
                r.problem.mentors[a.mentor as usize].id.as_str(),
            )
        })
        .collect();
    assert!(pairs.contains(&("S1", "T1")), "{pairs:?}");
    assert!(pairs.contains(&("S2", "T2")), "{pairs:?}");
}

/// Hardening defect 4 (rematch with many current pairs per student): two working pairs for
/// one need were both counted as keepable, so `maxChanges: 0` asked for five kept pairs where
/// at most four exist, an unreachable bound. Now the first listed counts and the plan keeps
/// every pair that can be kept.
#[test]
fn two_working_pairs_for_one_need_do_not_make_max_changes_unreachable() {
    let r = run(json!({
        "request": {
            "students": [math_student("S1", &[]), math_student("S2", &[]), math_student("S3", &[]), math_student("S4", &[])],
            "mentors": [math_teacher("T1", 1), math_teacher("T2", 2), math_teacher("T3", 1), math_teacher("T4", 1)]
        },
        "currentPairs": [pair("S1", "T1", "EVALUATION_WORKING"), pair("S1", "T2", "EVALUATION_WORKING"),
                          pair("S2", "T2", "EVALUATION_WORKING"), pair("S3", "T3", "EVALUATION_WORKING"),
                          pair("S4", "T4", "EVALUATION_WORKING")],
        "rematch": {"maxChanges": 0}
    }));
    assert_eq!(
        r.outcome.solver.status,
        mentor_match::solver::SolveStatus::Optimal
    );
    assert_eq!(r.voluntary_changes, 0);
    for (s, m) in [("S1", "T1"), ("S2", "T2"), ("S3", "T3"), ("S4", "T4")] {
        assert!(
            r.outcome.assignments.iter().any(|a| {
                r.problem.students[a.student as usize].id == s
                    && r.problem.mentors[a.mentor as usize].id == m
            }),
            "{s}-{m} kept"
        );
    }
}
