//! Student data never reaches a log or an error message: a request whose attributes are unique
//! canary strings goes through every path of the real binary (CLI and `serve`), with logging at
//! its most verbose, and no canary may appear on stderr or in an error. Psychological risk
//! levels (the bundled school carries every one) are held to the same: no level name or word
//! reaches a log, a metric or an error, not even for a request whose levels are misplaced,
//! misspelled or break a lock.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use mentor_match::proto::pb;

use crate::common::{client_when_up, free_port, terminate};

const CANARIES: [&str; 6] = [
    "CANARYTRAIT7f3a",
    "CANARYGENDER91bc",
    "CANARYWEAK55de",
    "CANARYCLASS0a1b",
    "CANARYFOCUS3c4d",
    "CANARYTOPIC8e9f",
];

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mentor-match"))
}

/// The bundled school with every free-text attribute of a student replaced by canaries.
fn canary_request() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/school.json");
    let mut req: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for s in req["students"].as_array_mut().unwrap() {
        s["traits"] = serde_json::json!([CANARIES[0], "calm"]);
        s["gender"] = serde_json::json!(CANARIES[1]);
        s["classId"] = serde_json::json!(CANARIES[3]);
        for n in s["needs"].as_array_mut().unwrap() {
            n["weakPoints"] = serde_json::json!([CANARIES[2]]);
            if n["track"] == "TRACK_PSYCHOLOGICAL" {
                n["subject"] = serde_json::json!(CANARIES[4]);
            }
        }
    }
    for m in req["mentors"].as_array_mut().unwrap() {
        if let Some(subjects) = m.get_mut("subjects").and_then(|v| v.as_array_mut()) {
            for s in subjects {
                s["topics"] = serde_json::json!([CANARIES[5], CANARIES[2]]);
            }
        }
    }
    req
}

/// How a risk level could show in text (checked case-insensitively).
const RISK_WORDS: [&str; 8] = [
    "risk_level_low",
    "risk_level_medium",
    "risk_level_high",
    "risk_level_crisis",
    "crisis",
    "low risk",
    "medium risk",
    "high risk",
];

fn assert_clean(what: &str, text: &str) {
    for c in CANARIES {
        assert!(
            !text.contains(c),
            "{what} leaks {c}:\n{}",
            &text[..text.len().min(2000)]
        );
    }
    let lower = text.to_lowercase();
    for w in RISK_WORDS {
        assert!(
            !lower.contains(w),
            "{what} leaks a risk level ({w}):\n{}",
            &text[..text.len().min(2000)]
        );
    }
}

/// The canary school with each risk level on an academic need (risk_level_off_track).
fn risky_bad_request() -> serde_json::Value {
    let mut req = canary_request();
    let levels = [
        "RISK_LEVEL_LOW",
        "RISK_LEVEL_MEDIUM",
        "RISK_LEVEL_HIGH",
        "RISK_LEVEL_CRISIS",
    ];
    let mut next = 0;
    for s in req["students"].as_array_mut().unwrap() {
        for n in s["needs"].as_array_mut().unwrap() {
            if next < levels.len() && n["track"] == "TRACK_ACADEMIC" {
                n["riskLevel"] = serde_json::json!(levels[next]);
                next += 1;
            }
        }
    }
    assert_eq!(next, levels.len());
    req
}

/// The canary school with locks that the high-risk and the crisis rules refuse (reported once
/// the request is otherwise valid).
fn risky_locks_request() -> serde_json::Value {
    let mut req = canary_request();
    let locks = req["lockedPairs"].as_array_mut().unwrap();
    // S00068's need is at crisis (referred), S00057's is high and T0009 has training only.
    locks.push(serde_json::json!({"studentId": "S00068", "mentorId": "T0030"}));
    locks.push(serde_json::json!({"studentId": "S00057", "mentorId": "T0009"}));
    req
}

/// A risk level the JSON mapping cannot read (lowercase), so decoding fails.
fn misspelled_risk_request() -> String {
    let text = canary_request().to_string();
    assert!(text.contains("\"RISK_LEVEL_CRISIS\""));
    text.replace("\"RISK_LEVEL_CRISIS\"", "\"crisis\"")
}

#[test]
fn the_canary_school_carries_every_risk_level() {
    let text = canary_request().to_string();
    for level in [
        "RISK_LEVEL_LOW",
        "RISK_LEVEL_MEDIUM",
        "RISK_LEVEL_HIGH",
        "RISK_LEVEL_CRISIS",
    ] {
        assert!(text.contains(level), "{level}");
    }
    // The misplaced levels and the broken locks are each reported, without the level.
    for (request, code) in [
        (risky_bad_request(), "RISK_LEVEL_OFF_TRACK"),
        (risky_locks_request(), "LOCKED_BREAKS_RULE"),
    ] {
        let bad: pb::SolveRequest = serde_json::from_value(request).unwrap();
        let err = mentor_match::admit::validate(bad.into()).expect_err("invalid");
        let codes: Vec<&str> = err.violations.iter().map(|v| v.code.code()).collect();
        let expected = if code == "LOCKED_BREAKS_RULE" { 2 } else { 4 };
        assert_eq!(
            codes.iter().filter(|c| **c == code).count(),
            expected,
            "{codes:?}"
        );
        for v in &err.violations {
            assert_clean("violation", &v.message);
        }
    }
}

#[test]
fn no_canary_reaches_the_cli_logs_or_errors() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, canary_request().to_string()).unwrap();
    let mut bad_req = canary_request();
    bad_req["mentors"][0]["capacity"] = serde_json::json!(9);
    bad_req["students"][0]["traits"] = serde_json::json!([format!("{}\u{1b}[31m", CANARIES[0])]);
    bad_req["students"][1]["gender"] =
        serde_json::json!(format!("{}{}", CANARIES[1], "x".repeat(200)));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, bad_req.to_string()).unwrap();
    let risky_bad = dir.path().join("risky_bad.json");
    std::fs::write(&risky_bad, risky_bad_request().to_string()).unwrap();
    let locks_bad = dir.path().join("locks_bad.json");
    std::fs::write(&locks_bad, risky_locks_request().to_string()).unwrap();
    let misspelled_bad = dir.path().join("misspelled_bad.json");
    std::fs::write(&misspelled_bad, misspelled_risk_request()).unwrap();
    let rematch = dir.path().join("rematch.json");
    std::fs::write(
        &rematch,
        serde_json::json!({"request": canary_request(), "currentPairs": []}).to_string(),
    )
    .unwrap();
    let out_file = dir.path().join("plan.txt");
    let good_for_whatif = good.clone();
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec![
            "solve".into(),
            good.clone().into(),
            "--output".into(),
            out_file.into(),
        ],
        vec![
            "solve".into(),
            good.clone().into(),
            "--format".into(),
            "json".into(),
            "--output".into(),
            dir.path().join("plan.json").into(),
        ],
        vec!["validate".into(), good.into()],
        vec!["validate".into(), bad.clone().into()],
        vec!["solve".into(), bad.into()],
        vec!["validate".into(), risky_bad.clone().into()],
        vec!["solve".into(), risky_bad.into()],
        vec!["validate".into(), locks_bad.clone().into()],
        vec!["solve".into(), locks_bad.into()],
        vec!["validate".into(), misspelled_bad.clone().into()],
        vec!["solve".into(), misspelled_bad.into()],
        vec![
            "rematch".into(),
            rematch.into(),
            "--output".into(),
            dir.path().join("r.txt").into(),
        ],
        vec![
            "whatif".into(),
            good_for_whatif.into(),
            "--remove-mentor".into(),
            "T0009".into(),
            "--output".into(),
            dir.path().join("w.txt").into(),
        ],
    ];
    for args in runs {
        assert_run_clean(&args);
    }
}

/// The CLI run with `args` (at trace level, with text and then JSON logs) ends as it should
/// (2 for a request named `*bad.json`, else 0) and its stderr names no canary.
fn assert_run_clean(args: &[std::ffi::OsString]) {
    for json in [false, true] {
        let mut cmd = bin();
        cmd.env("RUST_LOG", "trace").args(args);
        if json {
            cmd.arg("--log-json");
        }
        let out = cmd.output().expect("runs");
        let invalid = args
            .iter()
            .any(|a| a.to_string_lossy().ends_with("bad.json"));
        assert_eq!(
            out.status.code(),
            Some(if invalid { 2 } else { 0 }),
            "{args:?}"
        );
        assert_clean(
            &format!("stderr of {args:?}"),
            &String::from_utf8_lossy(&out.stderr),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_canary_reaches_the_server_log_or_its_errors() {
    let port = free_port();
    let mut server = bin()
        .env("RUST_LOG", "trace")
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("server starts");
    // Drain its log as it comes: a full pipe would block the server.
    let mut stderr = server.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut log = String::new();
        let _ = stderr.read_to_string(&mut log);
        log
    });
    let base = format!("http://127.0.0.1:{port}");
    grpc_answers_are_clean(&base).await;
    http_answers_are_clean(&base).await;
    // Stop it and read everything it logged.
    terminate(server.id());
    let _ = server.wait();
    let log = reader.join().expect("log read");
    assert!(log.contains("solve"), "the server logged its calls: {log}");
    assert_clean("server log", &log);
}

type Client = pb::mentor_match_client::MentorMatchClient<tonic::transport::Channel>;

/// The server at `base` over gRPC: every call answers, and no error names a canary.
async fn grpc_answers_are_clean(base: &str) {
    let mut client = client_when_up(base).await;
    let good: pb::SolveRequest = serde_json::from_value(canary_request()).unwrap();
    let answer = client
        .solve(good.clone())
        .await
        .expect("solves")
        .into_inner();
    assert!(!answer.assignments.is_empty());
    client.validate(good.clone()).await.expect("validates");
    let mut bad = good.clone();
    bad.mentors[0].capacity = 9;
    bad.students[0].traits = vec![format!("{}\u{1b}[31m", CANARIES[0])];
    refused_cleanly(&mut client, bad).await;
    for (request, code) in [
        (risky_bad_request(), "RISK_LEVEL_OFF_TRACK"),
        (risky_locks_request(), "LOCKED_BREAKS_RULE"),
    ] {
        let risky: pb::SolveRequest = serde_json::from_value(request).unwrap();
        let violations = refused_cleanly(&mut client, risky).await;
        assert!(violations.iter().any(|v| v.code == code));
    }
    let rematch_school = Some(good.clone());
    let rematch = pb::RematchRequest {
        request: Some(good),
        ..Default::default()
    };
    client.rematch(rematch).await.expect("rematch answers");
    let what_if = pb::WhatIfRequest {
        request: rematch_school,
        scenarios: vec![pb::Scenario {
            name: "leaves".into(),
            changes: vec![pb::ScenarioChange {
                change: Some(pb::scenario_change::Change::RemoveMentor("T0009".into())),
            }],
        }],
        locale: String::new(),
    };
    client.what_if(what_if).await.expect("what-if answers");
}

/// An invalid request over gRPC: the solve's error and the validation's violations are clean.
async fn refused_cleanly(client: &mut Client, request: pb::SolveRequest) -> Vec<pb::Violation> {
    let status = client.solve(request.clone()).await.expect_err("invalid");
    assert_clean("error message", status.message());
    assert_clean("error details", &String::from_utf8_lossy(status.details()));
    let validated = client
        .validate(request)
        .await
        .expect("validate answers")
        .into_inner();
    for v in &validated.violations {
        assert_clean("violation", &v.description);
    }
    validated.violations
}

/// The server at `base` over HTTP: answers, error bodies and the metrics are clean.
async fn http_answers_are_clean(base: &str) {
    let http = reqwest::Client::new();
    let good_json = serde_json::to_vec(&canary_request()).unwrap();
    let answer = http
        .post(format!("{base}/v1/solve"))
        .body(good_json)
        .send()
        .await
        .expect("http solve");
    assert!(answer.status().is_success());
    let mut bad_json = canary_request();
    bad_json["mentors"][0]["capacity"] = serde_json::json!(9);
    bad_json["students"][0]["traits"] = serde_json::json!([format!("{}\u{1b}[31m", CANARIES[0])]);
    let refused = http
        .post(format!("{base}/v1/solve"))
        .body(serde_json::to_vec(&bad_json).unwrap())
        .send()
        .await
        .expect("http answers");
    assert_eq!(refused.status().as_u16(), 400);
    assert_clean("HTTP error body", &refused.text().await.unwrap());
    for body in [
        risky_bad_request().to_string(),
        risky_locks_request().to_string(),
        misspelled_risk_request(),
    ] {
        for route in ["/v1/solve", "/v1/validate"] {
            let answer = http
                .post(format!("{base}{route}"))
                .body(body.clone())
                .send()
                .await
                .expect("http answers");
            let text = answer.text().await.unwrap();
            assert_clean(&format!("HTTP answer of {route}"), &text);
        }
    }
    let metrics = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("mentor_match_calls_total"), "{metrics}");
    assert_clean("metrics", &metrics);
}
