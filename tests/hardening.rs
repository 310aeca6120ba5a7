//! Regression tests for the defects an attack on the release build found (issue "Hardening"),
//! each named for what it guards.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::admit::validate;
use mentor_match::domain::validate::ViolationCode;
use mentor_match::server::{ServerError, Settings};

use crate::common::{bin, example_path as example, run};

fn example_request() -> mentor_match::domain::raw::RawRequest {
    let text = std::fs::read_to_string(example()).unwrap();
    let pb: mentor_match::proto::pb::SolveRequest = serde_json::from_str(&text).unwrap();
    pb.into()
}

#[test]
fn an_empty_token_file_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, " \n\t ").unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(
        &config,
        format!("token_file = {:?}\n", token.display().to_string()),
    )
    .unwrap();
    match Settings::load(Some(&config), None) {
        Err(ServerError::EmptyTokenFile(path)) => assert_eq!(path, token),
        other => panic!("expected EmptyTokenFile, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn huge_weights_are_refused_with_the_bound_named() {
    let mut raw = example_request();
    raw.policy.student_preference = Some(1e20);
    let err = validate(raw).expect_err("1e20 is over the bound");
    let v = err
        .violations
        .iter()
        .find(|v| v.path == "policy.weights.student_preference")
        .expect("names the field");
    assert_eq!(v.code, ViolationCode::InvalidWeight);
    assert!(v.message.contains("1000"), "{}", v.message);
}

#[test]
fn signed_slot_periods_are_malformed() {
    let mut raw = example_request();
    raw.students[0].availability = vec!["MON-+1".into()];
    let err = validate(raw).expect_err("a sign is not a period");
    assert!(
        err.violations
            .iter()
            .any(|v| v.code == ViolationCode::MalformedSlot
                && v.path == "students[0].availability[0]")
    );
}

#[test]
fn a_huge_value_is_quoted_short_in_its_error() {
    let mut raw = example_request();
    raw.students[0].availability = vec!["X".repeat(10_000_000)];
    let err = validate(raw).expect_err("not a slot");
    let v = err
        .violations
        .iter()
        .find(|v| v.path == "students[0].availability[0]")
        .unwrap();
    assert!(v.message.len() < 200, "{} bytes", v.message.len());
    assert!(v.message.contains('…'));
}

#[test]
fn ids_with_control_characters_are_refused() {
    let mut raw = example_request();
    raw.students[0].id = "S1\n\u{1b}[31mFAKE".into();
    let err = validate(raw).expect_err("control characters");
    assert!(err
        .violations
        .iter()
        .any(|v| v.code == ViolationCode::ControlCharacter && v.path == "students[0].id"));
}

#[test]
fn gender_text_is_bounded_like_other_texts() {
    let mut raw = example_request();
    raw.students[0].gender = Some("x".repeat(1000));
    let err = validate(raw).expect_err("too long");
    assert!(err
        .violations
        .iter()
        .any(|v| v.code == ViolationCode::TooLong && v.path == "students[0].gender"));
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.json");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(std::fs::read(example()).unwrap());
    std::fs::write(&path, bytes).unwrap();
    let (out, _, stderr) = run(bin().arg("validate").arg(&path));
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn a_non_utf8_file_exits_2_naming_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.json");
    std::fs::write(&path, b"{\"students\": [\xff]}").unwrap();
    let (out, _, stderr) = run(bin().arg("solve").arg(&path));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("offset 14"), "{stderr}");
}

#[test]
fn a_rematch_without_the_school_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rematch.json");
    std::fs::write(&path, "{\"currentPairs\": []}").unwrap();
    let (out, _, stderr) = run(bin().arg("rematch").arg(&path));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("request"), "{stderr}");
}

#[test]
fn current_pair_ids_are_length_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rematch.json");
    let school: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    let req = serde_json::json!({
        "request": school,
        "currentPairs": [{"studentId": "S".repeat(100), "mentorId": "T0001",
                          "evaluation": "EVALUATION_WORKING"}],
    });
    std::fs::write(&path, req.to_string()).unwrap();
    let (out, _, stderr) = run(bin().arg("rematch").arg(&path));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("current_pairs[0].student_id"), "{stderr}");
    assert!(stderr.contains("TOO_LONG"), "{stderr}");
}

#[test]
fn generate_names_the_mentor_limit_for_mentors() {
    let (out, _, stderr) = run(bin().args(["generate", "--students", "10", "--mentors", "60000"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("--mentors must be at most 50000"),
        "{stderr}"
    );
}

#[test]
fn output_is_written_whole_through_a_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    std::fs::write(&path, "old").unwrap();
    let (out, _, stderr) = run(bin()
        .arg("solve")
        .arg(example())
        .args(["--format", "json", "--output"])
        .arg(&path));
    assert!(out.status.success(), "{stderr}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["plan.json".to_string()],
        "no temporary file left behind"
    );
    // A write that cannot land (the target is a directory) leaves no partial file.
    let target = dir.path().join("sub");
    std::fs::create_dir(&target).unwrap();
    let (out, _, _) = run(bin()
        .arg("solve")
        .arg(example())
        .args(["--format", "json", "--output"])
        .arg(&target));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// Every mentor qualified for every need: a request inside every size limit that implies
/// `students × mentors` feasible pairs.
fn dense_request(students: usize, mentors: usize) -> serde_json::Value {
    let students: Vec<_> = (0..students)
        .map(|i| {
            serde_json::json!({"id": format!("S{i}"), "grade": 8, "classId": "C1",
                "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math",
                           "priority": "PRIORITY_NORMAL"}],
                "availability": ["MON-1"]})
        })
        .collect();
    let mentors: Vec<_> = (0..mentors)
        .map(|i| {
            serde_json::json!({"id": format!("T{i}"), "role": "MENTOR_ROLE_SUBJECT_TEACHER",
                "capacity": 5, "subjects": [{"subject": "math", "years": 3}],
                "availability": ["MON-1"]})
        })
        .collect();
    serde_json::json!({"students": students, "mentors": mentors})
}

#[test]
fn a_dense_request_over_the_pair_budget_is_refused_before_building() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dense.json");
    std::fs::write(&path, dense_request(4_000, 1_000).to_string()).unwrap();
    for command in ["solve", "validate"] {
        let (out, _, stderr) = run(bin().args([command, "--max-pairs", "100000"]).arg(&path));
        assert_eq!(out.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains("more than"), "{stderr}");
        assert!(stderr.contains("100000 pairs"), "{stderr}");
        assert!(stderr.contains("max_candidate_pairs"), "{stderr}");
    }
    // Inside the budget the same request is solved.
    let (out, _, stderr) = run(bin()
        .args(["validate", "--max-pairs", "5000000"])
        .arg(&path));
    assert!(out.status.success(), "{stderr}");
}

#[test]
fn a_dense_request_is_refused_by_memory_too() {
    let raw: mentor_match::proto::pb::SolveRequest =
        serde_json::from_value(dense_request(2_000, 500)).unwrap();
    let problem = validate(raw.into()).unwrap();
    let budget = mentor_match::solver::Budget {
        max_candidate_pairs: u64::MAX,
        max_memory_bytes: 1 << 20,
        ..Default::default()
    };
    let index = mentor_match::rules::QualificationIndex::build(&problem);
    match budget.check(&problem, &index) {
        Err(mentor_match::solver::SolveError::OverBudget { max_mib, .. }) => assert_eq!(max_mib, 1),
        other => panic!("expected OverBudget, got {other:?}"),
    }
    let roomy = mentor_match::solver::Budget::default();
    assert_eq!(roomy.count(&problem, &index).unwrap(), 1_000_000);
}

/// `needs` needs at one priority, 12 per student, and one mentor.
fn needs_at_one_level(needs: usize) -> mentor_match::domain::raw::RawRequest {
    let mut raw = example_request();
    raw.students = (0..needs.div_ceil(12))
        .map(|i| {
            let needs = (0..12.min(needs - 12 * i))
                .map(|k| crate::common::plain_need(format!("N{k}"), "math"))
                .collect();
            crate::common::plain_student(&format!("S{i}"), needs)
        })
        .collect();
    raw.locked_pairs.clear();
    raw.forbidden_pairs.clear();
    raw.affinities.clear();
    raw.mentors.truncate(1);
    raw.mentors[0].preferences.clear();
    raw
}

#[test]
fn the_packed_objective_holds_at_the_level_boundary_and_refuses_past_it() {
    let max = mentor_match::domain::limits::MAX_NEEDS_PER_LEVEL;
    let at = validate(needs_at_one_level(max)).expect("exactly the bound is solvable");
    assert_eq!(at.needs.len(), max);
    let err = validate(needs_at_one_level(max + 1)).expect_err("one more is refused");
    let v = err
        .violations
        .iter()
        .find(|v| v.path == "students" && v.code == ViolationCode::TooLarge)
        .expect("names the level");
    assert!(v.message.contains(&format!("{}", max + 1)), "{}", v.message);
    assert!(v.message.contains(&format!("{max}")), "{}", v.message);
}

#[test]
fn evidence_for_an_unassigned_need_is_bounded_with_a_count() {
    let mut req = dense_request(40, 25);
    for m in req["mentors"].as_array_mut().unwrap() {
        m["capacity"] = serde_json::json!(1);
    }
    let raw: mentor_match::proto::pb::SolveRequest = serde_json::from_value(req).unwrap();
    let problem = validate(raw.into()).unwrap();
    let outcome = mentor_match::engine::solve(&problem).unwrap();
    assert_eq!(outcome.unassigned.len(), 15);
    for u in &outcome.unassigned {
        assert_eq!(u.full_count, 25, "every candidate is counted");
        assert_eq!(u.full.len(), mentor_match::explain::EVIDENCE_LIMIT);
        assert_eq!(u.qualified.len(), mentor_match::explain::EVIDENCE_LIMIT);
    }
    let text = mentor_match::render::text::render(&problem, &outcome);
    assert!(
        text.contains("25 in all"),
        "{}",
        &text[..text.len().min(3000)]
    );
}

#[test]
fn scoring_the_candidates_hears_the_deadline() {
    // Forty million pairs take longer to score than the limit's tolerance (100 ms) in any build
    // (eight million were scored within it in a release build, 4 runs in 5): the build gives up
    // there instead of finishing first.
    let raw: mentor_match::proto::pb::SolveRequest =
        serde_json::from_value(dense_request(8_000, 5_000)).unwrap();
    let problem = validate(raw.into()).unwrap();
    let mut options = mentor_match::solver::SolveOptions::from_policy(&problem);
    options.time_limit = std::time::Duration::from_millis(1);
    match mentor_match::solver::solve_problem(&problem, options) {
        Err(e @ mentor_match::solver::SolveError::NoPlan { .. }) => {
            assert!(e.to_string().contains("scoring the candidate pairs"), "{e}");
        }
        Err(other) => panic!("expected NoPlan, got {other}"),
        Ok(solved) => panic!("expected NoPlan, got a plan: {:?}", solved.solution.status),
    }
    // A stop asked for (a shutdown at its grace) is heard the same way.
    static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
    let mut options = mentor_match::solver::SolveOptions::from_policy(&problem);
    options.stop = Some(&STOP);
    assert!(matches!(
        mentor_match::solver::solve_problem(&problem, options),
        Err(mentor_match::solver::SolveError::NoPlan { .. })
    ));
}
