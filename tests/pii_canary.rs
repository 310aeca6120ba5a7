//! Student data never reaches a log or an error message: a request whose attributes are unique
//! canary strings goes through every path of the real binary (CLI and `serve`), with logging at
//! its most verbose, and no canary may appear on stderr or in an error.

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

fn assert_clean(what: &str, text: &str) {
    for c in CANARIES {
        assert!(
            !text.contains(c),
            "{what} leaks {c}:\n{}",
            &text[..text.len().min(2000)]
        );
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
        for json in [false, true] {
            let mut cmd = bin();
            cmd.env("RUST_LOG", "trace").args(&args);
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
    let mut client = client_when_up(&format!("http://127.0.0.1:{port}")).await;
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
    let status = client.solve(bad.clone()).await.expect_err("invalid");
    assert_clean("error message", status.message());
    assert_clean("error details", &String::from_utf8_lossy(status.details()));
    let validated = client
        .validate(bad)
        .await
        .expect("validate answers")
        .into_inner();
    for v in &validated.violations {
        assert_clean("violation", &v.description);
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
    };
    client.what_if(what_if).await.expect("what-if answers");
    drop(client);
    // The HTTP side: answers, error bodies and the metrics.
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
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
    // Stop it and read everything it logged.
    terminate(server.id());
    let _ = server.wait();
    let log = reader.join().expect("log read");
    assert!(log.contains("solve"), "the server logged its calls: {log}");
    assert_clean("server log", &log);
}
