//! The real server on an ephemeral loopback port, spoken to by real tonic clients.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::time::{Duration, Instant};

use mentor_match::admit::validate;
use mentor_match::cli::{read_request, solve_to_string, Format};
use mentor_match::generate;
use mentor_match::proto::pb;
use mentor_match::proto::pb::mentor_match_client::MentorMatchClient;
use mentor_match::server::Settings;
use tonic::transport::Channel;
use tonic::Code;
use tonic_types::StatusExt;

use crate::common::TestServer;

fn example() -> pb::SolveRequest {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/school.json");
    read_request(&path).expect("example")
}

/// A request the integer program needs seconds for (multi-need school of 900), with a
/// solver time limit so tests stay bounded.
fn slow_request(time_limit: f64) -> pb::SolveRequest {
    let mut req = pb::SolveRequest::from(generate::generate(900, 240, 1));
    req.policy = Some(pb::Policy {
        time_limit_seconds: Some(time_limit),
        ..pb::Policy::default()
    });
    req
}

/// A client on `channel` is served: the bundled school validates (`what` names the channel).
async fn assert_validates(channel: Channel, what: &str) {
    let mut client = MentorMatchClient::new(channel);
    assert!(
        client
            .validate(example())
            .await
            .expect(what)
            .into_inner()
            .valid
    );
}

/// The call was refused as over the budget of `max` candidate pairs.
fn assert_over_pair_budget(status: &tonic::Status, max: u64) {
    assert_eq!(
        status.code(),
        Code::ResourceExhausted,
        "{}",
        status.message()
    );
    assert!(
        status.message().contains(&format!("{max} pairs")),
        "{}",
        status.message()
    );
}

/// The answer carries a plan: cut by the time limit, or proven optimal.
fn assert_a_plan(solver: &pb::SolverReport) {
    assert!(
        solver.status == pb::SolveStatus::TimeLimit as i32
            || solver.status == pb::SolveStatus::Optimal as i32,
        "{solver:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_serving_and_reflection_lists_the_service() {
    let server = TestServer::start(Settings::default()).await;
    let _ = server.client().await;
    let channel = Channel::from_shared(server.url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    for service in ["", "mentormatch.v1.MentorMatch"] {
        let reply = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.to_string(),
            })
            .await
            .expect("health answers")
            .into_inner();
        assert_eq!(
            reply.status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32
        );
    }

    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    let mut reflection = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = reflection
        .server_reflection_info(tokio_stream::iter(vec![request]))
        .await
        .expect("reflection answers")
        .into_inner();
    let reply = stream.message().await.unwrap().expect("one reply");
    let Some(MessageResponse::ListServicesResponse(list)) = reply.message_response else {
        panic!("unexpected reflection reply");
    };
    let names: Vec<&str> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"mentormatch.v1.MentorMatch"), "{names:?}");
    assert!(names.contains(&"grpc.health.v1.Health"), "{names:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solve_over_grpc_returns_the_same_pairs_as_the_cli() {
    let server = TestServer::start(Settings::default()).await;
    let mut client = server.client().await;
    let reply = client.solve(example()).await.expect("solves").into_inner();
    let local = solve_to_string(example(), Format::Json).expect("local solve");
    let remote = serde_json::to_string_pretty(&reply).unwrap() + "\n";
    assert_eq!(remote, local);
    assert!(!reply.assignments.is_empty());
    let validated = client
        .validate(example())
        .await
        .expect("validates")
        .into_inner();
    assert!(validated.valid);
    assert_eq!(validated.students, 120);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_request_returns_every_field_violation() {
    let server = TestServer::start(Settings::default()).await;
    let mut client = server.client().await;
    let mut req = example();
    req.mentors[0].capacity = 9;
    req.students[1].availability.push("Monday".into());
    req.students[2].preferences.push(pb::MentorChoice {
        mentor_id: "T-99".into(),
        rank: 40,
    });
    // The same problems the CLI reports.
    let expected = validate(mentor_match::domain::raw::RawRequest::from(req.clone()))
        .expect_err("invalid")
        .violations;
    let status = client.solve(req.clone()).await.expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    let bad = status
        .get_details_bad_request()
        .expect("BadRequest details");
    assert_eq!(bad.field_violations.len(), expected.len());
    for (got, want) in bad.field_violations.iter().zip(&expected) {
        assert_eq!(got.field, want.path);
        assert_eq!(got.description, want.message);
    }
    let fields: Vec<&str> = bad
        .field_violations
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    assert!(fields.contains(&"mentors[0].capacity"), "{fields:?}");
    assert!(
        fields.contains(&"students[1].availability[3]")
            || fields
                .iter()
                .any(|f| f.starts_with("students[1].availability[")),
        "{fields:?}"
    );
    assert!(
        fields
            .iter()
            .any(|f| f.starts_with("students[2].preferences[")),
        "{fields:?}"
    );
    let validated = client
        .validate(req)
        .await
        .expect("validate answers")
        .into_inner();
    assert!(!validated.valid);
    assert_eq!(validated.violations.len(), expected.len());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_deadline_gets_a_time_limited_plan_or_deadline_never_a_hang() {
    let server = TestServer::start(Settings::default()).await;
    let mut client = server.client().await;
    let mut call = tonic::Request::new(slow_request(30.0));
    call.set_timeout(Duration::from_millis(1500));
    let started = Instant::now();
    let result = client.solve(call).await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    match result {
        Ok(reply) => {
            let solver = reply.into_inner().solver.expect("report");
            assert_a_plan(&solver);
        }
        // tonic reports its own expired deadline as CANCELLED ("Timeout expired").
        Err(status) => assert!(
            matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled),
            "{status:?}"
        ),
    }
    server.stop().await;
}

/// Defect 3 of the hardening issue: on a 4,000 x 1,000 multi-need school (634 k pairs) a
/// client deadline ended in `DEADLINE_EXCEEDED`, the integer program overrunning it. Now the
/// caller gets a plan (time-limited or optimal) inside its deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_multi_need_school_answers_with_a_plan_inside_the_deadline() {
    let server = TestServer::start(Settings::default()).await;
    let mut client = server.client().await;
    // The school is 4,000 x 1,000; half of it keeps the same shape (network+side, a
    // plan cut by the deadline) while explaining the plan fits the margin in a debug build.
    let mut req = pb::SolveRequest::from(generate::generate(2_000, 500, 1));
    req.policy = Some(pb::Policy {
        time_limit_seconds: Some(30.0),
        ..pb::Policy::default()
    });
    let mut call = tonic::Request::new(req);
    // Eight seconds leave the service's margin (a tenth) for explaining the plan in a debug
    // build with other tests running; the release build holds 0.5 s and 5 s deadlines on the
    // full size (README, Performance).
    call.set_timeout(Duration::from_secs(8));
    let reply = client
        .solve(call)
        .await
        .expect("a plan inside the deadline, not DEADLINE_EXCEEDED")
        .into_inner();
    let solver = reply.solver.expect("report");
    assert_a_plan(&solver);
    assert!(
        reply.assignments.len() > 1_500,
        "{}",
        reply.assignments.len()
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn calls_past_the_limit_are_refused_at_once_while_admitted_ones_succeed() {
    let mut settings = Settings::default();
    settings.service.max_concurrent_solves = 1;
    settings.service.queue_depth = 0;
    let server = TestServer::start(settings).await;
    let client = server.client().await;
    let mut calls = Vec::new();
    for _ in 0..3 {
        let mut c = client.clone();
        calls.push(tokio::spawn(async move {
            let started = Instant::now();
            (c.solve(slow_request(2.0)).await, started.elapsed())
        }));
    }
    let (mut ok, mut refused) = (0, 0);
    for call in calls {
        let (result, elapsed) = call.await.unwrap();
        match result {
            Ok(reply) => {
                assert!(!reply.into_inner().assignments.is_empty());
                ok += 1;
            }
            Err(status) => {
                assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
                assert!(elapsed < Duration::from_secs(1), "refusal took {elapsed:?}");
                refused += 1;
            }
        }
    }
    assert!(ok >= 1, "at least one call is admitted");
    assert!(refused >= 1, "calls past the limit are refused");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_calls_without_it_are_unauthenticated() {
    let settings = Settings {
        token: Some("s3cret-token".into()),
        ..Settings::default()
    };
    let server = TestServer::start(settings).await;
    let mut client = server.client().await;
    let status = client.validate(example()).await.expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated);
    let mut wrong = tonic::Request::new(example());
    wrong
        .metadata_mut()
        .insert("authorization", "Bearer nope".parse().unwrap());
    assert_eq!(
        client.validate(wrong).await.expect_err("refused").code(),
        Code::Unauthenticated
    );
    let mut right = tonic::Request::new(example());
    right
        .metadata_mut()
        .insert("authorization", "Bearer s3cret-token".parse().unwrap());
    assert!(
        client
            .validate(right)
            .await
            .expect("accepted")
            .into_inner()
            .valid
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_drains_in_flight_solves_and_refuses_new_ones() {
    let server = TestServer::start(Settings::default()).await;
    let client = server.client().await;
    let mut c = client.clone();
    let in_flight = tokio::spawn(async move { c.solve(slow_request(1.5)).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let addr = server.addr;
    server.stop().await;
    let reply = in_flight
        .await
        .unwrap()
        .expect("the in-flight solve finished");
    assert!(reply.into_inner().solver.is_some());
    // The listener is gone: a new connection cannot be made.
    let fresh = MentorMatchClient::connect(format!("http://{addr}")).await;
    assert!(fresh.is_err());
}

/// The rematch RPC caps its solve by the call's deadline too: a school the integer program
/// needs over 6 s for, under a policy limit of 30 s, answers with a time-limited plan before
/// the client gives up (without the cap the client would see CANCELLED). A 2 s margin leaves
/// room for the work around the solve even when other tests load the machine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rematch_answers_within_the_call_deadline() {
    let mut settings = Settings::default();
    settings.service.deadline_margin = Duration::from_secs(2);
    let server = TestServer::start(settings).await;
    let mut client = server.client().await;
    let mut call = tonic::Request::new(pb::RematchRequest {
        request: Some(slow_request(30.0)),
        ..pb::RematchRequest::default()
    });
    call.set_timeout(Duration::from_secs(4));
    let started = Instant::now();
    let reply = client
        .rematch(call)
        .await
        .expect("answered within the deadline");
    assert!(started.elapsed() < Duration::from_secs(4));
    let solver = reply
        .into_inner()
        .result
        .and_then(|r| r.solver)
        .expect("report");
    assert_a_plan(&solver);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rematch_over_grpc_matches_the_cli() {
    let server = TestServer::start(Settings::default()).await;
    let mut client = server.client().await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/midyear.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let req: pb::RematchRequest = serde_json::from_str(&text).unwrap();
    let reply = client
        .rematch(req.clone())
        .await
        .expect("rematch")
        .into_inner();
    let local = mentor_match::proto::rematch_response(
        &mentor_match::rematch::rematch(req.into()).expect("local rematch"),
    );
    assert_eq!(
        serde_json::to_string(&reply).unwrap(),
        serde_json::to_string(&local).unwrap()
    );
    assert!(reply.kept > 0 && reply.moved > 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_past_the_size_limit_are_refused_with_a_clear_error() {
    let settings = Settings {
        max_request_bytes: 4 * 1024,
        ..Settings::default()
    };
    let server = TestServer::start(settings).await;
    let mut client = server.client().await;
    let status = client.solve(example()).await.expect_err("too large");
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
    assert!(
        status.message().contains("too large"),
        "{}",
        status.message()
    );
    // A small request still goes through.
    let mut small = example();
    small.students.truncate(2);
    small.mentors.truncate(3);
    small.locked_pairs.clear();
    small.forbidden_pairs.clear();
    for s in &mut small.students {
        s.preferences.clear();
    }
    for m in &mut small.mentors {
        m.preferences.clear();
    }
    assert!(client.validate(small).await.is_ok());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_serves_clients_that_trust_the_certificate_and_only_them() {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let cert_pem = key.cert.pem();
    let key_pem = key.signing_key.serialize_pem();
    let settings = Settings {
        tls: Some((cert_pem.clone().into_bytes(), key_pem.into_bytes())),
        ..Settings::default()
    };
    let server = TestServer::start(settings).await;
    let tls = tonic::transport::ClientTlsConfig::new()
        .ca_certificate(tonic::transport::Certificate::from_pem(&cert_pem))
        .domain_name("localhost");
    let channel = Channel::from_shared(format!("https://{}", server.addr))
        .unwrap()
        .tls_config(tls)
        .unwrap()
        .connect()
        .await
        .expect("TLS handshake with a trusting client");
    assert_validates(channel, "over TLS").await;
    // A plaintext client cannot talk to it.
    let mut plain = MentorMatchClient::connect(server.url())
        .await
        .expect("tcp connects");
    assert!(plain.validate(example()).await.is_err());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_bad_slots_fit_the_trailer_and_validate_lists_them_all() {
    let server = TestServer::start(Settings::default()).await;
    let mut client = server.client().await;
    let mut req = example();
    for s in 0..5 {
        req.students[s].availability = (0..100)
            .map(|i| format!("BAD-{i}-{}", "x".repeat(100)))
            .collect();
    }
    let status = client.solve(req.clone()).await.expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    // Under the 16 KiB metadata limit of common clients, with a pointer to Validate.
    let details = status.details().len();
    assert!(details < 12 * 1024, "{details} bytes of details");
    let bad = status
        .get_details_bad_request()
        .expect("BadRequest details");
    let last = bad.field_violations.last().expect("some violations");
    assert!(
        last.description.contains("call Validate"),
        "{}",
        last.description
    );
    assert!(bad.field_violations.len() < 500);
    let validated = client
        .validate(req)
        .await
        .expect("validate answers")
        .into_inner();
    assert_eq!(validated.violations.len(), 500);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_pair_budget_is_refused_and_others_still_served() {
    let mut settings = Settings::default();
    settings.service.budget.max_candidate_pairs = 10_000;
    let server = TestServer::start(settings).await;
    let mut client = server.client().await;
    let big = pb::SolveRequest::from(generate::generate(900, 240, 1));
    let started = Instant::now();
    let status = client.solve(big.clone()).await.expect_err("over budget");
    assert_over_pair_budget(&status, 10_000);
    assert!(started.elapsed() < Duration::from_secs(5));
    let status = client.validate(big).await.expect_err("over budget");
    assert_eq!(status.code(), Code::ResourceExhausted);
    // The bundled school (442 pairs) is inside the budget and still answered.
    let ok = client.solve(example()).await.expect("served").into_inner();
    assert!(!ok.assignments.is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn during_the_grace_health_is_not_serving_and_in_flight_calls_finish() {
    let server = TestServer::start(Settings::default()).await;
    let mut c = server.client().await;
    // With involveEveryMentor the 900 x 240 school goes to the integer program, still solving
    // at the health check in a release build too (the network+side method proves it in under
    // 0.4 s there, before the check); the 2 s limit bounds it in a debug build.
    let mut slow = slow_request(2.0);
    if let Some(policy) = slow.policy.as_mut() {
        policy.involve_every_mentor = Some(true);
    }
    let in_flight = tokio::spawn(async move { c.solve(slow).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let addr = server.addr;
    let stopping = tokio::spawn(server.stop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The listener stays open during the grace, and says the service is going away.
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .expect("listener open during the grace");
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "mentormatch.v1.MentorMatch".into(),
        })
        .await
        .expect("health answers")
        .into_inner()
        .status;
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::NotServing as i32
    );
    let reply = in_flight
        .await
        .unwrap()
        .expect("the in-flight solve kept its connection");
    assert!(reply.into_inner().solver.is_some());
    stopping.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_process_exits_within_the_grace_even_with_a_solve_running() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("server.toml");
    std::fs::write(&config, "shutdown_grace_seconds = 1\n").unwrap();
    let port = crate::common::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mentor-match"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut client = crate::common::client_when_up(&format!("http://127.0.0.1:{port}")).await;
    // A solve the integer program cannot finish soon (a 4000 x 1000 multi-need school).
    let mut req = pb::SolveRequest::from(generate::generate(4000, 1000, 1));
    req.policy = Some(pb::Policy {
        time_limit_seconds: Some(60.0),
        ..pb::Policy::default()
    });
    let in_flight = tokio::spawn(async move { client.solve(req).await });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    crate::common::terminate(child.id());
    let signalled = Instant::now();
    let exited = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if signalled.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exited.is_some(), "still running 10 s after SIGTERM");
    // The server's own bound (`server.rs`, `CLOSE_TIME`): gone within grace + 2.1 s (the
    // stopped solve's 1.5 s to answer, 0.3 s to send, the runtime's 0.3 s), here 3.1 s, plus
    // 0.4 s for the process to be reaped under a loaded CI machine. The test used to allow
    // 2.5 s, tighter than that bound, and failed at 2.62 s in a debug CI run.
    assert!(
        signalled.elapsed() < Duration::from_millis(3_500),
        "exited {:?} after SIGTERM",
        signalled.elapsed()
    );
    let _ = in_flight.await;
}

/// A certificate authority and a certificate it signs for `name`, as PEM (cert, key).
fn signed_by_ca(issuer: &rcgen::Issuer<'static, rcgen::KeyPair>, name: &str) -> (String, String) {
    let params = rcgen::CertificateParams::new(vec![name.to_string()]).expect("params");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = params.signed_by(&key, issuer).expect("signed");
    (cert.pem(), key.serialize_pem())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_serves_only_clients_with_a_certificate_from_the_ca() {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let ca_pem = ca_params.self_signed(&ca_key).expect("ca").pem();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let (server_cert, server_key) = signed_by_ca(&issuer, "localhost");
    let (client_cert, client_key) = signed_by_ca(&issuer, "school-platform");
    let settings = Settings {
        tls: Some((server_cert.into_bytes(), server_key.into_bytes())),
        tls_client_ca: Some(ca_pem.clone().into_bytes()),
        ..Settings::default()
    };
    let server = TestServer::start(settings).await;
    let url = format!("https://{}", server.addr);
    let trust = || {
        tonic::transport::ClientTlsConfig::new()
            .ca_certificate(tonic::transport::Certificate::from_pem(&ca_pem))
            .domain_name("localhost")
    };
    // With the client certificate: served.
    let channel = Channel::from_shared(url.clone())
        .unwrap()
        .tls_config(trust().identity(tonic::transport::Identity::from_pem(
            &client_cert,
            &client_key,
        )))
        .unwrap()
        .connect()
        .await
        .expect("mutual TLS handshake");
    assert_validates(channel, "served").await;
    // Without one: the handshake or the first call fails.
    let refused = match Channel::from_shared(url)
        .unwrap()
        .tls_config(trust())
        .unwrap()
        .connect()
        .await
    {
        Err(_) => true,
        Ok(channel) => MentorMatchClient::new(channel)
            .validate(example())
            .await
            .is_err(),
    };
    assert!(refused, "a client without a certificate was served");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn at_the_grace_a_running_solve_stops_and_answers_with_its_best_plan() {
    // An 8,000 x 2,000 multi-need school outlasts the sleep and the grace here (its solve
    // takes ~4.6 s in release and ~14 s in the test build); its rounds look at the stop flag
    // as they look at the clock. Before the first plan exists (reading and scoring: ~2 s in
    // the test build, more on a slow machine) a stop can only be answered with
    // DEADLINE_EXCEEDED, which is right but not what this test protects; so if the stop came
    // that early, the test stops a fresh server later in the solve, up to three times.
    //
    // The TIME_LIMIT status is what proves the stop landed: a solve left to run ends OPTIMAL.
    // The time bound only rules out a hang. After the flag the test build still finishes the
    // round, explains 8,000 students, converts and encodes the answer, and the client decodes
    // it: 1.5-2.2 s after the stop on this machine (12 stops, 1-10 s into the solve), 3.0 s on
    // CI with the other tests running beside it. Hence 8 s, still far below the ~12 s the
    // solve would have run on. The release build's promptness is README's deadlines row.
    let mut req = pb::SolveRequest::from(generate::generate(8000, 2000, 3));
    req.policy = Some(pb::Policy {
        time_limit_seconds: Some(120.0),
        ..pb::Policy::default()
    });
    for wait_ms in [1500, 3500, 6000] {
        let settings = Settings {
            grace: Duration::from_millis(500),
            ..Settings::default()
        };
        let server = TestServer::start(settings).await;
        let mut c = server.client().await;
        let sent = req.clone();
        let in_flight = tokio::spawn(async move { c.solve(sent).await });
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        let stopping = Instant::now();
        server.stop().await;
        let reply = in_flight.await.unwrap();
        let stopped_after = stopping.elapsed();
        assert!(stopped_after < Duration::from_secs(8), "{stopped_after:?}");
        eprintln!("stopped {wait_ms} ms in; answered {stopped_after:?} after the stop");
        match reply {
            Ok(reply) => {
                let solver = reply.into_inner().solver.expect("a solver report");
                assert_eq!(solver.status, pb::SolveStatus::TimeLimit as i32);
                return;
            }
            Err(status)
                if status.code() == Code::DeadlineExceeded
                    && status.message().contains("before any plan existed") =>
            {
                eprintln!("stopped {wait_ms} ms in, before the first plan; stopping later");
            }
            Err(status) => panic!("the stopped solve answered with {status:?}"),
        }
    }
    panic!("no stop landed after the first plan existed");
}

/// Defect 1 of the hardening issue at full size: 200,000 students x 50,000 mentors, every
/// mentor qualified for every need (10 billion pairs, inside every size limit) aborted the
/// process. Now it is refused up front with RESOURCE_EXHAUSTED by the default budget, while
/// another client's solve is answered. (Refusal time in release: README, Hardening.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dense_district_request_is_refused_by_default_while_others_are_served() {
    let server = TestServer::start(Settings::default()).await;
    let students: Vec<pb::Student> = (0..200_000)
        .map(|i| pb::Student {
            id: format!("S{i}"),
            grade: 8,
            class_id: "C1".into(),
            needs: vec![pb::Need {
                id: "N1".into(),
                track: pb::Track::Academic as i32,
                subject: "math".into(),
                priority: pb::Priority::Normal as i32,
                ..pb::Need::default()
            }],
            availability: vec!["MON-1".into()],
            ..pb::Student::default()
        })
        .collect();
    let mentors: Vec<pb::Mentor> = (0..50_000)
        .map(|i| pb::Mentor {
            id: format!("T{i}"),
            role: pb::MentorRole::SubjectTeacher as i32,
            capacity: 5,
            subjects: vec![pb::SubjectExperience {
                subject: "math".into(),
                years: 3,
                topics: vec![],
            }],
            availability: vec!["MON-1".into()],
            ..pb::Mentor::default()
        })
        .collect();
    let dense = pb::SolveRequest {
        students,
        mentors,
        ..pb::SolveRequest::default()
    };
    let mut big = server.client().await.max_encoding_message_size(usize::MAX);
    let mut small = server.client().await;
    let refused = tokio::spawn(async move {
        let started = Instant::now();
        let status = big.solve(dense).await.expect_err("over the default budget");
        (status, started.elapsed())
    });
    let served = small.solve(example()).await.expect("served meanwhile");
    assert!(!served.into_inner().assignments.is_empty());
    let (status, elapsed) = refused.await.expect("task");
    assert_over_pair_budget(&status, 60_000_000);
    eprintln!("dense 200k x 50k refused after {elapsed:?}");
    // Still serving after the refusal.
    let again = small.solve(example()).await.expect("still served");
    assert!(!again.into_inner().assignments.is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_if_over_grpc_matches_the_cli() {
    let server = TestServer::start(Settings::default()).await;
    let mut client = server.client().await;
    let reply = client
        .what_if(pb::WhatIfRequest {
            request: Some(example()),
            scenarios: vec![pb::Scenario {
                name: "what-if".into(),
                changes: vec![
                    pb::ScenarioChange {
                        change: Some(pb::scenario_change::Change::RemoveMentor("T0009".into())),
                    },
                    pb::ScenarioChange {
                        change: Some(pb::scenario_change::Change::Capacity(pb::CapacityChange {
                            mentor_id: "T0013".into(),
                            capacity: 1,
                        })),
                    },
                ],
            }],
            locale: String::new(),
        })
        .await
        .expect("what-if answers")
        .into_inner();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/school.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mentor-match"))
        .args([
            "whatif",
            "--remove-mentor",
            "T0009",
            "--capacity",
            "T0013=1",
        ])
        .args(["--format", "json"])
        .arg(&path)
        .output()
        .expect("cli runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let grpc = serde_json::to_string_pretty(&reply).expect("json") + "\n";
    let cli = String::from_utf8(out.stdout).expect("utf-8");
    let first = grpc
        .bytes()
        .zip(cli.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(grpc.len().min(cli.len()));
    assert!(
        grpc == cli,
        "differ at byte {first}: grpc {:?} / cli {:?}",
        &grpc[first.saturating_sub(200)..(first + 100).min(grpc.len())],
        &cli[first.saturating_sub(200)..(first + 100).min(cli.len())]
    );
    let moved = reply.scenarios[0].result.as_ref().expect("result").moved;
    assert!(moved > 0);
    // A change naming nobody is a clear INVALID_ARGUMENT naming the change.
    let status = client
        .what_if(pb::WhatIfRequest {
            request: Some(example()),
            scenarios: vec![pb::Scenario {
                name: "bad".into(),
                changes: vec![pb::ScenarioChange { change: None }],
            }],
            locale: String::new(),
        })
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    let details = status.get_details_bad_request().expect("details");
    assert_eq!(details.field_violations[0].field, "scenarios[0].changes[0]");
    server.stop().await;
}
