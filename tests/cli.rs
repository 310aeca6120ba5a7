//! The binary on good and bad files: output and exit codes.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::path::PathBuf;

use mentor_match::proto::pb;

use crate::common::{bin, example_path as example, run};

#[test]
fn solve_prints_the_table_for_the_bundled_school() {
    let (out, stdout, _) = run(bin().arg("solve").arg(example()));
    assert!(out.status.success());
    assert!(stdout.contains("optimal (proven)"), "{stdout}");
    assert!(stdout.contains("PAIRS ("));
    assert!(stdout.contains("UNASSIGNED NEEDS ("));
    assert!(stdout.contains("WHY NOT MY FIRST CHOICE ("));
    assert!(stdout.contains("teaches "));
}

#[test]
fn solve_writes_json_that_parses_as_a_response() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let (out, stdout, _) = run(bin()
        .arg("solve")
        .arg(example())
        .args(["--format", "json", "--output"])
        .arg(&path));
    assert!(out.status.success());
    assert!(stdout.is_empty());
    let text = std::fs::read_to_string(&path).unwrap();
    let response: pb::SolveResponse = serde_json::from_str(&text).unwrap();
    assert!(!response.assignments.is_empty());
    // Same request, same bytes.
    let (_, again, _) = run(bin().arg("solve").arg(example()).args(["--format", "json"]));
    assert_eq!(again, text);
}

#[test]
fn validate_accepts_the_bundled_school() {
    let (out, stdout, _) = run(bin().arg("validate").arg(example()));
    assert!(out.status.success());
    assert!(
        stdout.starts_with("valid: 120 students, 30 mentors"),
        "{stdout}"
    );
}

#[test]
fn invalid_request_lists_every_problem_with_its_path_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{
          "students": [{"id": "S1", "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math"}],
                        "availability": ["MON-8"], "preferences": [{"mentorId": "T-99", "rank": 1}]}],
          "mentors": [{"id": "T1", "capacity": 9, "availability": ["Monday"]}]
        }"#,
    )
    .unwrap();
    for cmd in ["validate", "solve"] {
        let (out, stdout, stderr) = run(bin().arg(cmd).arg(&path));
        assert_eq!(out.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains("students[0].preferences[0].mentor_id: unknown mentor \"T-99\""),
            "{stderr}"
        );
        assert!(
            stderr.contains("mentors[0].capacity: capacity 9 is outside 1..=5"),
            "{stderr}"
        );
        assert!(stderr.contains("mentors[0].availability[0]"), "{stderr}");
    }
}

#[test]
fn malformed_json_and_unknown_fields_exit_2_with_the_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(&path, "{\"students\": [").unwrap();
    let (out, _, stderr) = run(bin().arg("solve").arg(&path));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("is not a valid request"), "{stderr}");
    assert!(stderr.contains("line"), "{stderr}");
    std::fs::write(&path, r#"{"studnets": []}"#).unwrap();
    let (out, _, stderr) = run(bin().arg("validate").arg(&path));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("studnets"), "{stderr}");
}

#[test]
fn missing_file_exits_1() {
    let (out, _, stderr) = run(bin().arg("solve").arg("/nonexistent/request.json"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("cannot read /nonexistent/request.json"),
        "{stderr}"
    );
}

#[test]
fn generate_is_deterministic_and_solvable() {
    let args = |seed| {
        [
            "generate",
            "--students",
            "40",
            "--mentors",
            "10",
            "--seed",
            seed,
        ]
    };
    let (out, a, _) = run(bin().args(args("3")));
    assert!(out.status.success());
    let (_, b, _) = run(bin().args(args("3")));
    assert_eq!(a, b);
    let (_, c, _) = run(bin().args(args("4")));
    assert_ne!(a, c);
    let request: pb::SolveRequest = serde_json::from_str(&a).unwrap();
    assert_eq!(request.students.len(), 40);
    assert_eq!(request.mentors.len(), 10);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gen.json");
    std::fs::write(&path, &a).unwrap();
    let (out, stdout, _) = run(bin().arg("solve").arg(&path));
    assert!(out.status.success());
    assert!(stdout.contains("optimal (proven)"));
}

#[test]
fn rematch_reports_the_diff_for_the_bundled_midyear_example() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/midyear.json");
    let (out, stdout, stderr) = run(bin().arg("rematch").arg(&path));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("REMATCH: "), "{stdout}");
    assert!(stdout.contains("the mentor left the programme"));
    assert!(stdout.contains("evaluated as not working"));
    let (out, json_out, _) = run(bin().arg("rematch").arg(&path).args(["--format", "json"]));
    assert!(out.status.success());
    let reply: pb::RematchResponse = serde_json::from_str(&json_out).unwrap();
    assert!(reply.kept > 0);
    assert!(reply.changes.iter().all(|c| c.kind != 0 && c.reason != 0));
}

/// The same request gives the same bytes whatever the number of threads the per-need work is
/// split over (`MENTOR_MATCH_THREADS`): a multi-need school (network+side), a single-need
/// one (network) and the multi-need one with one mentor per student (network over
/// student-level nodes).
#[test]
fn output_is_byte_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    for (name, shape, method) in [
        ("multi", None, "SOLVE_METHOD_NETWORK_SIDE"),
        ("single", Some("--single-need"), "SOLVE_METHOD_NETWORK"),
        ("one-mentor", None, "SOLVE_METHOD_NETWORK"),
    ] {
        let path = dir.path().join(format!("{name}.json"));
        let mut generate = bin();
        generate.args([
            "generate",
            "--students",
            "300",
            "--mentors",
            "80",
            "--seed",
            "5",
        ]);
        if let Some(flag) = shape {
            generate.arg(flag);
        }
        let (out, _, stderr) = run(generate.arg("--output").arg(&path));
        assert!(out.status.success(), "{stderr}");
        if name == "one-mentor" {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut request: serde_json::Value = serde_json::from_str(&text).unwrap();
            request["policy"]["maxMentorsPerStudent"] = serde_json::json!(1);
            std::fs::write(&path, request.to_string()).unwrap();
        }
        let answers: Vec<String> = ["1", "2", "5"]
            .iter()
            .map(|threads| {
                let (out, stdout, stderr) = run(bin()
                    .env("MENTOR_MATCH_THREADS", threads)
                    .args(["solve", "--format", "json"])
                    .arg(&path));
                assert!(out.status.success(), "{stderr}");
                stdout
            })
            .collect();
        assert!(answers[0].contains("SOLVE_STATUS_OPTIMAL"), "{name}");
        assert!(answers[0].contains(&format!("\"{method}\"")), "{name}");
        assert_eq!(answers[0], answers[1], "{name}: 1 vs 2 threads");
        assert_eq!(answers[0], answers[2], "{name}: 1 vs 5 threads");
    }
}
