//! HTTP/JSON beside gRPC, on the same port, for platforms that cannot speak gRPC comfortably
//! (PHP and Java web applications). A thin adapter like the gRPC one: the body is the proto3
//! JSON mapping of the same request message (what the CLI reads), the answer the same response
//! message, and every call goes through the same transport-neutral methods of
//! [`MentorMatchService`] — the same admission gate, token, deadline and limits.
//!
//! | route | body | answer |
//! | --- | --- | --- |
//! | `POST /v1/solve` | `SolveRequest` | `SolveResponse` |
//! | `POST /v1/validate` | `SolveRequest` | `ValidateResponse` |
//! | `POST /v1/rematch` | `RematchRequest` | `RematchResponse` |
//! | `POST /v1/whatif` | `WhatIfRequest` | `WhatIfResponse` |
//! | `GET /healthz` | | 200 while the process serves |
//! | `GET /readyz` | | 200 when accepting solves, 503 while draining |
//! | `GET /metrics` | | Prometheus text format |
//! | `GET /openapi.json` | | the OpenAPI 3.1 document of these routes |
//!
//! Errors are JSON ([`ErrorBody`]): 400 with the violation list, 401, 413 (body over
//! `max_request_bytes`, or a model over the work budget), 429 with `Retry-After` when every solve
//! slot and queue place is taken, 503 while draining, 504 when the deadline leaves no time.
//!
//! Must not import the engine, the solver or the domain: every call goes through
//! [`MentorMatchService`] as the gRPC one does (and `server` only for the token check).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tonic::Code;

use super::metrics::{Refusal, Transport};
use super::{code_name, deadline, Call, MentorMatchService, ServiceError};
use crate::proto::{self, pb};

/// The `/v1/` routes and the gRPC method each one mirrors (the OpenAPI document reads its
/// request and answer types off the proto by this name).
pub const ROUTES: &[(&str, &str)] = &[
    ("/v1/solve", "Solve"),
    ("/v1/validate", "Validate"),
    ("/v1/rematch", "Rematch"),
    ("/v1/whatif", "WhatIf"),
];

/// What the HTTP side needs beside the service.
#[derive(Clone)]
pub struct HttpSettings {
    /// Bearer token every `/v1/` call must carry (when set).
    pub token: Option<Arc<str>>,
    /// Largest body accepted; past it, 413.
    pub max_request_bytes: usize,
    /// Whether `/metrics` needs the token too.
    pub protect_metrics: bool,
}

struct HttpState {
    service: MentorMatchService,
    settings: HttpSettings,
}

/// Seconds a refused client is told to wait before trying again.
const RETRY_AFTER_SECONDS: &str = "1";

/// The JSON body of every error answer.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct ErrorBody {
    /// The gRPC code name of the same failure (`INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, ...),
    /// so both transports report it alike.
    pub code: String,
    pub message: String,
    /// Every problem of an invalid request (400), as `Validate` lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<pb::Violation>,
}

/// The HTTP routes, to be merged with the gRPC ones on one port.
pub fn router(service: MentorMatchService, settings: HttpSettings) -> Router {
    let state = Arc::new(HttpState { service, settings });
    let [solve_path, validate_path, rematch_path, whatif_path] =
        [ROUTES[0].0, ROUTES[1].0, ROUTES[2].0, ROUTES[3].0];
    Router::new()
        .route(solve_path, post(solve))
        .route(validate_path, post(validate))
        .route(rematch_path, post(rematch))
        .route(whatif_path, post(what_if))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .with_state(state)
}

/// Anything unrouted: gRPC's UNIMPLEMENTED for gRPC calls, a JSON 404 for everyone else.
pub async fn not_found(headers: HeaderMap) -> Response {
    let grpc = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/grpc"));
    if grpc {
        return tonic::Status::unimplemented("no such method")
            .into_http::<Body>()
            .into_response();
    }
    error_response(
        StatusCode::NOT_FOUND,
        ErrorBody {
            code: code_name(Code::NotFound).into(),
            message: "no such route: see /openapi.json".into(),
            violations: Vec::new(),
        },
    )
}

/// A `/v1/` handler: the request type is the one the service method takes.
macro_rules! v1_handler {
    ($name:ident, $method:literal, $call:ident) => {
        async fn $name(
            State(st): State<Arc<HttpState>>,
            headers: HeaderMap,
            RawQuery(query): RawQuery,
            body: Body,
        ) -> Response {
            handle(
                &st,
                $method,
                &headers,
                query,
                body,
                |svc, call, req| async move { svc.$call(call, req).await },
            )
            .await
        }
    };
}

v1_handler!(solve, "solve", solve_call);
v1_handler!(validate, "validate", validate_call);
v1_handler!(rematch, "rematch", rematch_call);
v1_handler!(what_if, "what_if", what_if_call);

async fn healthz() -> Response {
    (StatusCode::OK, "ok\n").into_response()
}

async fn readyz(State(st): State<Arc<HttpState>>) -> Response {
    if st.service.admission().is_closed() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response()
    } else {
        (StatusCode::OK, "ready\n").into_response()
    }
}

async fn metrics(State(st): State<Arc<HttpState>>, headers: HeaderMap) -> Response {
    if st.settings.protect_metrics && !authorized(&st.settings, &headers) {
        return unauthenticated();
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        st.service.metrics().render(),
    )
        .into_response()
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, super::openapi::document_text())
}

/// True when no token is configured or the `Authorization: Bearer` header carries it.
fn authorized(settings: &HttpSettings, headers: &HeaderMap) -> bool {
    super::auth::bearer_accepted(
        settings.token.as_deref(),
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    )
}

fn unauthenticated() -> Response {
    let mut response = error_response(
        StatusCode::UNAUTHORIZED,
        ErrorBody {
            code: code_name(Code::Unauthenticated).into(),
            message: "missing or wrong bearer token".into(),
            violations: Vec::new(),
        },
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// One `/v1/` call: token, deadline, body (bounded), JSON, the service, the answer.
async fn handle<Req, Resp, F, Fut>(
    st: &HttpState,
    method: &'static str,
    headers: &HeaderMap,
    query: Option<String>,
    body: Body,
    call_service: F,
) -> Response
where
    Req: DeserializeOwned,
    Resp: Serialize,
    F: FnOnce(MentorMatchService, Call, Req) -> Fut,
    Fut: Future<Output = Result<Resp, ServiceError>>,
{
    match read_call(st, method, headers, query, body).await {
        Ok((call, request)) => answer(call_service(st.service.clone(), call, request).await),
        Err(refused) => refused,
    }
}

/// A `/v1/` call up to the service: token, deadline, body (bounded) and JSON, or the answer
/// that refuses it (counted in the metrics).
async fn read_call<Req: DeserializeOwned>(
    st: &HttpState,
    method: &'static str,
    headers: &HeaderMap,
    query: Option<String>,
    body: Body,
) -> Result<(Call, Req), Response> {
    let metrics = st.service.metrics();
    let refuse = |code: Code, reason: Option<Refusal>| {
        metrics.call(method, Transport::Http, code_name(code));
        if let Some(reason) = reason {
            metrics.refused(reason);
        }
    };
    if !authorized(&st.settings, headers) {
        refuse(Code::Unauthenticated, Some(Refusal::Unauthenticated));
        return Err(unauthenticated());
    }
    let timeout = match requested_timeout(headers, query.as_deref()) {
        Ok(t) => t,
        Err(value) => {
            refuse(Code::InvalidArgument, None);
            return Err(bad_request(
                "timeout",
                "INVALID_TIMEOUT",
                format!(
                    "timeout {value:?} is not a duration (write e.g. 500ms, 10s, 2m, or \
                     gRPC's 10S)"
                ),
            ));
        }
    };
    // The deadline runs from the moment the call arrived, as gRPC's does.
    let deadline = timeout.map(|t| Instant::now() + t);
    let bytes = match axum::body::to_bytes(body, st.settings.max_request_bytes).await {
        Ok(b) => b,
        Err(_) => {
            refuse(Code::OutOfRange, Some(Refusal::TooLarge));
            return Err(too_large(st.settings.max_request_bytes));
        }
    };
    let request: Req = match serde_json::from_slice(&bytes) {
        Ok(r) => r,
        Err(e) => {
            refuse(Code::InvalidArgument, None);
            // serde's message quotes only what the caller sent, and goes back only to it;
            // never a risk level, though (`DecodeError`).
            let e = crate::proto::DecodeError::from(e);
            return Err(bad_request(
                "",
                "INVALID_JSON",
                format!("the body is not a valid {method} request in the proto3 JSON mapping: {e}"),
            ));
        }
    };
    let call = Call {
        request_id: headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        deadline,
        transport: Transport::Http,
        bytes: bytes.len(),
    };
    Ok((call, request))
}

/// 413: the body is over `max_request_bytes`.
fn too_large(max_request_bytes: usize) -> Response {
    error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorBody {
            code: code_name(Code::OutOfRange).into(),
            message: format!(
                "the request body is larger than the server accepts ({max_request_bytes} bytes)"
            ),
            violations: Vec::new(),
        },
    )
}

/// The service's reply as the HTTP answer.
fn answer<Resp: Serialize>(reply: Result<Resp, ServiceError>) -> Response {
    match reply {
        // The same bytes as `solve --format json` and a gRPC client's JSON of the reply.
        Ok(reply) => match serde_json::to_string_pretty(&reply) {
            Ok(text) => json_response(StatusCode::OK, text + "\n"),
            Err(_) => error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorBody {
                    code: code_name(Code::Internal).into(),
                    message: "the answer could not be encoded".into(),
                    violations: Vec::new(),
                },
            ),
        },
        Err(e) => service_error(e),
    }
}

/// The HTTP answer of a service failure: the status for its code, the same message as gRPC,
/// every violation of an invalid request.
fn service_error(e: ServiceError) -> Response {
    let code = e.code();
    let status = match (&e, code) {
        (_, Code::InvalidArgument) => StatusCode::BAD_REQUEST,
        // Busy: try again soon. Over the work budget: the request itself is too big.
        (ServiceError::Refused(_), Code::ResourceExhausted) => StatusCode::TOO_MANY_REQUESTS,
        (_, Code::ResourceExhausted) => StatusCode::PAYLOAD_TOO_LARGE,
        (_, Code::Unavailable) => StatusCode::SERVICE_UNAVAILABLE,
        (_, Code::DeadlineExceeded) => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let violations = match &e {
        ServiceError::Invalid(invalid) => invalid.violations.iter().map(proto::violation).collect(),
        _ => Vec::new(),
    };
    let mut response = error_response(
        status,
        ErrorBody {
            code: code_name(code).into(),
            message: e.client_message(),
            violations,
        },
    );
    if matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    ) {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
    response
}

fn bad_request(field: &str, code: &str, description: String) -> Response {
    error_response(
        StatusCode::BAD_REQUEST,
        ErrorBody {
            code: code_name(Code::InvalidArgument).into(),
            message: "the request has 1 problem(s)".into(),
            violations: vec![pb::Violation {
                field: field.into(),
                code: code.into(),
                description,
            }],
        },
    )
}

fn error_response(status: StatusCode, body: ErrorBody) -> Response {
    let text = serde_json::to_string_pretty(&body).unwrap_or_else(|_| "{}".into()) + "\n";
    json_response(status, text)
}

fn json_response(status: StatusCode, text: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        text,
    )
        .into_response()
}

/// The client's time budget: the `timeout` header, else the `timeout` query parameter.
/// `Err` carries the unreadable value.
fn requested_timeout(headers: &HeaderMap, query: Option<&str>) -> Result<Option<Duration>, String> {
    let from_header = headers
        .get("timeout")
        .map(|v| v.to_str().map(str::to_string).unwrap_or_default());
    let from_query = query.and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "timeout")
            .map(|(_, v)| v.to_string())
    });
    match from_header.or(from_query) {
        None => Ok(None),
        Some(value) => deadline::parse_http_timeout(&value).map(Some).ok_or(value),
    }
}
