//! HTTP/JSON beside gRPC: the real server on an ephemeral port, spoken to by a real HTTP client
//! (reqwest) and by tonic on the same port.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::time::Duration;

use mentor_match::cli::{read_request, solve_to_string, Format};
use mentor_match::generate;
use mentor_match::proto::pb;
use mentor_match::server::Settings;
use mentor_match::service::http::ErrorBody;
use reqwest::StatusCode;

use crate::common::TestServer;

fn example_json() -> Vec<u8> {
    std::fs::read(crate::common::example_path()).expect("example")
}

fn example() -> pb::SolveRequest {
    read_request(&crate::common::example_path()).expect("example")
}

/// A multi-need school the solver needs seconds for, limited to `seconds`.
fn slow_request(seconds: f64) -> pb::SolveRequest {
    let mut req = pb::SolveRequest::from(generate::generate(900, 240, 1));
    req.policy = Some(pb::Policy {
        time_limit_seconds: Some(seconds),
        ..pb::Policy::default()
    });
    req
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client")
}

async fn post(
    server: &TestServer,
    path: &str,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = http()
        .post(format!("{}{path}", server.url()))
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.send().await.expect("the server answers")
}

async fn error_of(response: reqwest::Response) -> ErrorBody {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("error body is JSON ({e}): {text}"))
}

async fn metrics(server: &TestServer) -> String {
    http()
        .get(format!("{}/metrics", server.url()))
        .send()
        .await
        .expect("metrics answer")
        .text()
        .await
        .expect("metrics text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_solve_over_http_grpc_and_the_cli_gives_byte_identical_json() {
    let server = TestServer::start(Settings::default()).await;
    let mut grpc = server.client().await;
    let over_grpc = grpc.solve(example()).await.expect("solves").into_inner();
    let over_grpc = serde_json::to_string_pretty(&over_grpc).expect("json") + "\n";
    let response = post(&server, "/v1/solve", example_json(), &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "JSON answers say so"
    );
    let over_http = response.text().await.expect("body");
    assert_eq!(over_http, over_grpc, "HTTP and gRPC answer the same bytes");
    let cli = solve_to_string(example(), Format::Json).expect("cli solves");
    assert_eq!(over_http, cli, "and the CLI writes them too");

    // Rematch too.
    let midyear = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/midyear.json"),
    )
    .expect("midyear example");
    let rematch: pb::RematchRequest = serde_json::from_slice(&midyear).expect("rematch json");
    let over_grpc = grpc.rematch(rematch).await.expect("rematches").into_inner();
    let response = post(&server, "/v1/rematch", midyear, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.text().await.expect("body"),
        serde_json::to_string_pretty(&over_grpc).expect("json") + "\n"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_request_gets_400_with_every_violation_as_validate_lists_them() {
    let server = TestServer::start(Settings::default()).await;
    let mut bad = example();
    bad.mentors[0].capacity = 7;
    bad.students[1].needs.clear();
    let body = serde_json::to_vec(&bad).expect("json");
    let response = post(&server, "/v1/solve", body.clone(), &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = error_of(response).await;
    assert_eq!(error.code, "INVALID_ARGUMENT");
    let validated = server
        .client()
        .await
        .validate(bad)
        .await
        .expect("validate answers")
        .into_inner();
    assert!(!validated.valid);
    assert_eq!(error.violations, validated.violations, "the same list");
    assert!(error
        .violations
        .iter()
        .any(|v| v.field == "mentors[0].capacity" && v.code == "CAPACITY_OUT_OF_RANGE"));

    // Validate over HTTP answers 200 with the list in its body, as over gRPC.
    let response = post(&server, "/v1/validate", body, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let over_http: pb::ValidateResponse =
        serde_json::from_str(&response.text().await.expect("body")).expect("json");
    assert_eq!(over_http, validated);

    // A body that is not the request message: 400 naming the problem, nothing solved.
    let response = post(&server, "/v1/solve", b"{\"students\": 3}".to_vec(), &[]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = error_of(response).await;
    assert_eq!(error.violations.len(), 1);
    assert_eq!(error.violations[0].code, "INVALID_JSON");
    assert!(
        error.violations[0].description.contains("line 1"),
        "{error:?}"
    );

    // An unknown route: a JSON 404, and gRPC on the same port still works.
    let response = http()
        .get(format!("{}/v2/solve", server.url()))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_of(response).await.code, "NOT_FOUND");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_guards_http_as_it_guards_grpc_and_metrics_only_when_asked() {
    let settings = Settings {
        token: Some("s3cret-token".into()),
        protect_metrics: true,
        ..Settings::default()
    };
    let server = TestServer::start(settings).await;
    for headers in [&[][..], &[("authorization", "Bearer nope")][..]] {
        let response = post(&server, "/v1/validate", example_json(), headers).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(error_of(response).await.code, "UNAUTHENTICATED");
    }
    let response = post(
        &server,
        "/v1/validate",
        example_json(),
        &[("authorization", "Bearer s3cret-token")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    // Probes need no token; /metrics does when protect_metrics is set.
    for path in ["/healthz", "/readyz", "/openapi.json"] {
        let status = http()
            .get(format!("{}{path}", server.url()))
            .send()
            .await
            .expect("answer")
            .status();
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let metrics_status = |token: Option<&'static str>| {
        let url = format!("{}/metrics", server.url());
        async move {
            let mut request = http().get(url);
            if let Some(t) = token {
                request = request.bearer_auth(t);
            }
            request.send().await.expect("answer").status()
        }
    };
    // A gRPC call without the token is counted with the HTTP ones: three refusals so far
    // (two HTTP calls, one gRPC call) — read once the token is shown.
    let status = server
        .client()
        .await
        .validate(example())
        .await
        .expect_err("refused");
    assert_eq!(status.code(), tonic::Code::Unauthenticated);
    assert_eq!(metrics_status(None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(metrics_status(Some("s3cret-token")).await, StatusCode::OK);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_413_and_a_deadline_without_time_is_504() {
    let settings = Settings {
        max_request_bytes: 4096,
        ..Settings::default()
    };
    let server = TestServer::start(settings).await;
    let response = post(&server, "/v1/solve", example_json(), &[]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let error = error_of(response).await;
    assert_eq!(error.code, "OUT_OF_RANGE");
    assert!(error.message.contains("4096"), "{error:?}");
    server.stop().await;

    let server = TestServer::start(Settings::default()).await;
    // 1 ms cannot hold the 200 ms margin kept to explain and encode the answer.
    let response = post(&server, "/v1/solve", example_json(), &[("timeout", "1ms")]).await;
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(error_of(response).await.code, "DEADLINE_EXCEEDED");
    // The same through the query parameter, and an unreadable timeout is a 400 naming it.
    let response = post(&server, "/v1/solve?timeout=1ms", example_json(), &[]).await;
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    let response = post(&server, "/v1/solve", example_json(), &[("timeout", "soon")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = error_of(response).await;
    assert_eq!(error.violations[0].field, "timeout");
    assert!(error.violations[0].description.contains("soon"));
    // A deadline with time in it gets a plan.
    let response = post(&server, "/v1/solve", example_json(), &[("timeout", "60s")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn past_the_queue_http_gets_429_with_retry_after_and_draining_gets_503() {
    let mut settings = Settings::default();
    settings.service.max_concurrent_solves = 1;
    settings.service.queue_depth = 0;
    let mut server = TestServer::start(settings).await;
    let mut grpc = server.client().await;
    let busy = tokio::spawn(async move { grpc.solve(slow_request(2.0)).await });
    // Wait until the slow solve holds the only slot.
    let mut admitted = false;
    for _ in 0..100 {
        if metrics(&server)
            .await
            .contains("mentor_match_in_flight_solves 1")
        {
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(admitted, "the slow solve started");
    let response = post(&server, "/v1/solve", example_json(), &[]).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(error_of(response).await.code, "RESOURCE_EXHAUSTED");
    let text = metrics(&server).await;
    assert!(
        text.contains("mentor_match_refusals_total{reason=\"busy\"} 1"),
        "{text}"
    );
    assert!(text.contains(
        "mentor_match_calls_total{code=\"RESOURCE_EXHAUSTED\",method=\"solve\",transport=\"http\"} 1"
    ));

    // Shutdown while the solve runs: ready turns 503, new calls get 503, the solve finishes.
    server.begin_stop();
    let mut draining = false;
    for _ in 0..100 {
        let ready = http()
            .get(format!("{}/readyz", server.url()))
            .send()
            .await
            .expect("answer")
            .status();
        if ready == StatusCode::SERVICE_UNAVAILABLE {
            draining = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(draining, "/readyz turns 503 while draining");
    let response = post(&server, "/v1/solve", example_json(), &[]).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(error_of(response).await.code, "UNAVAILABLE");
    let reply = busy
        .await
        .expect("task")
        .expect("the in-flight solve finished");
    assert!(reply.into_inner().solver.is_some());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_calls_by_method_transport_and_code_and_solves_by_method() {
    let server = TestServer::start(Settings::default()).await;
    let before = metrics(&server).await;
    assert!(
        before.contains("mentor_match_in_flight_solves 0"),
        "{before}"
    );
    assert!(!before.contains("mentor_match_calls_total{"));
    post(&server, "/v1/solve", example_json(), &[]).await;
    post(&server, "/v1/solve", example_json(), &[]).await;
    server
        .client()
        .await
        .validate(example())
        .await
        .expect("validates");
    let text = metrics(&server).await;
    for line in [
        "mentor_match_calls_total{code=\"OK\",method=\"solve\",transport=\"http\"} 2",
        "mentor_match_calls_total{code=\"OK\",method=\"validate\",transport=\"grpc\"} 1",
        "mentor_match_request_bytes_count{transport=\"http\"} 2",
        "mentor_match_request_bytes_count{transport=\"grpc\"} 1",
    ] {
        assert!(text.contains(line), "missing {line}:\n{text}");
    }
    // The bundled school (students with several needs) is solved by the seat-sharing method.
    assert!(
        text.contains("mentor_match_solve_seconds_count{method=\"network_side\"} 2"),
        "{text}"
    );
    assert!(text.contains("mentor_match_candidate_pairs_count{method=\"network_side\"} 2"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checked_in_openapi_document_is_current_and_served() {
    let generated = mentor_match::service::openapi::document_text();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(mentor_match::service::openapi::CHECKED_IN_PATH);
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} is stale: run `cargo run -- openapi --output {}` and commit it",
        path.display(),
        mentor_match::service::openapi::CHECKED_IN_PATH
    );
    let server = TestServer::start(Settings::default()).await;
    let served = http()
        .get(format!("{}/openapi.json", server.url()))
        .send()
        .await
        .expect("answer")
        .text()
        .await
        .expect("text");
    assert_eq!(served, generated);
    let doc: serde_json::Value = serde_json::from_str(&served).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    // Every schema a route names exists, and every field of the request has a description.
    let schemas = &doc["components"]["schemas"];
    for (path, _) in mentor_match::service::http::ROUTES {
        let op = &doc["paths"][path]["post"];
        for r in [
            &op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            &op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        ] {
            let name = r
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("#/components/schemas/");
            assert!(schemas[name].is_object(), "{path}: {name} missing");
        }
    }
    for (name, schema) in schemas.as_object().expect("schemas") {
        for (field, s) in schema["properties"].as_object().into_iter().flatten() {
            assert!(
                s["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{name}.{field} has no description"
            );
        }
    }
    server.stop().await;
}
