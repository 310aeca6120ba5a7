//! The gRPC service: a thin adapter. Each handler converts the request into domain values,
//! runs the engine on the blocking pool behind the admission gate, and converts the result or
//! the error back. All error → status mapping is in [`ServiceError`]'s one `match`.
//!
//! An outer layer: validates through `crate::admit`, solves through the engine, converts with
//! `proto`; only `server` and the CLI import it. Must not import the CLI or the renderers
//! (`report/`, `sheet/`): answers are proto messages built by `proto`.

pub mod admission;
pub mod auth;
pub mod deadline;
pub mod http;
pub mod metrics;
pub mod openapi;

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};
use tracing::Instrument;

use crate::admit::validate;
use crate::domain::raw::RawRequest;
use crate::domain::validate::{InvalidRequest, ViolationCode};
use crate::engine;
use crate::proto::{self, pb};
use crate::solver::{SolveError, SolveOptions};
use admission::{Admission, Refused};
use metrics::{Metrics, Refusal, Transport};

/// Everything a call can fail with, mapped to a gRPC code in exactly one place.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Invalid(#[from] InvalidRequest),
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error("the deadline leaves no time to solve")]
    NoTime,
    #[error(transparent)]
    Solve(#[from] SolveError),
    #[error("the solve failed unexpectedly")]
    Panicked,
}

impl From<crate::rematch::RematchError> for ServiceError {
    fn from(e: crate::rematch::RematchError) -> Self {
        match e {
            crate::rematch::RematchError::Invalid(i) => ServiceError::Invalid(i),
            crate::rematch::RematchError::Solve(s) => ServiceError::Solve(s),
        }
    }
}

impl From<crate::whatif::WhatIfError> for ServiceError {
    fn from(e: crate::whatif::WhatIfError) -> Self {
        match e {
            crate::whatif::WhatIfError::Invalid(i) => ServiceError::Invalid(i),
            crate::whatif::WhatIfError::Solve(s) => ServiceError::Solve(s),
        }
    }
}

impl From<ServiceError> for Status {
    fn from(e: ServiceError) -> Self {
        let (code, message) = (e.code(), e.client_message());
        match e {
            ServiceError::Invalid(invalid) => Status::with_error_details(
                code,
                message,
                ErrorDetails::with_bad_request(trailer_violations(&invalid.violations)),
            ),
            _ => Status::new(code, message),
        }
    }
}

/// Bytes of violation text an error trailer may carry. Clients cap response metadata (Python's
/// grpc at 16 KiB, and the details travel base64-encoded, a third larger): past this the list is
/// cut and its last entry points to `Validate`, which returns every problem in its body.
const TRAILER_BUDGET_BYTES: usize = 8 * 1024;

/// The violations that fit the trailer budget, then one entry counting the rest.
fn trailer_violations(all: &[crate::domain::validate::Violation]) -> Vec<FieldViolation> {
    let mut out = Vec::new();
    let mut used = 0;
    for (i, v) in all.iter().enumerate() {
        let reason = v.code.code().to_string();
        let size = v.path.len() + v.message.len() + reason.len() + 16;
        if used + size > TRAILER_BUDGET_BYTES {
            out.push(FieldViolation {
                field: String::new(),
                description: format!(
                    "and {} more problem(s): call Validate for the full list",
                    all.len() - i
                ),
                reason: ViolationCode::TooManyViolations.code().into(),
                localized_message: None,
            });
            break;
        }
        used += size;
        out.push(FieldViolation {
            field: v.path.clone(),
            description: v.message.clone(),
            reason,
            localized_message: None,
        });
    }
    out
}

impl ServiceError {
    /// The gRPC code of the failure; the HTTP side maps the same code to its status.
    pub fn code(&self) -> Code {
        match self {
            ServiceError::Invalid(_) => Code::InvalidArgument,
            ServiceError::Refused(Refused::Busy { .. }) => Code::ResourceExhausted,
            ServiceError::Refused(Refused::Closed) => Code::Unavailable,
            ServiceError::NoTime | ServiceError::Solve(SolveError::NoPlan { .. }) => {
                Code::DeadlineExceeded
            }
            ServiceError::Solve(SolveError::OverBudget { .. }) => Code::ResourceExhausted,
            ServiceError::Solve(_) | ServiceError::Panicked => Code::Internal,
        }
    }

    /// The refusal reason for the metrics, when the call was refused rather than failed.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            ServiceError::Refused(Refused::Busy { .. }) => Some(Refusal::Busy),
            ServiceError::Refused(Refused::Closed) => Some(Refusal::Draining),
            ServiceError::NoTime => Some(Refusal::NoTime),
            ServiceError::Solve(SolveError::OverBudget { .. }) => Some(Refusal::OverBudget),
            _ => None,
        }
    }

    /// The message a client sees: solver internals stay in the log.
    pub fn client_message(&self) -> String {
        match self {
            ServiceError::Invalid(invalid) => {
                format!("the request has {} problem(s)", invalid.violations.len())
            }
            ServiceError::Solve(SolveError::OverBudget { .. } | SolveError::NoPlan { .. })
            | ServiceError::Refused(_)
            | ServiceError::NoTime => self.to_string(),
            ServiceError::Solve(_) | ServiceError::Panicked => {
                "the solve failed; see the service log".into()
            }
        }
    }

    /// Logs the failure without request content: an invalid request is logged by its count of
    /// problems only (messages may quote values from the file); solver errors keep their
    /// source, which never holds student data.
    fn log(&self, what: &str) {
        match self {
            ServiceError::Invalid(invalid) => {
                tracing::info!(
                    problems = invalid.violations.len(),
                    "{what}: invalid request"
                )
            }
            // Summarised by the admission gate, one line a second at most.
            ServiceError::Refused(Refused::Busy { .. }) => {}
            other => tracing::warn!(
                error = %other,
                source = ?std::error::Error::source(other),
                "{what}"
            ),
        }
    }
}

/// Tunables of the service.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    pub max_concurrent_solves: usize,
    pub queue_depth: usize,
    /// Time kept back from the client's deadline to explain and encode the answer.
    pub deadline_margin: Duration,
    /// Work one request may imply (feasible pairs, memory), checked before anything is built.
    pub budget: crate::solver::Budget,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            max_concurrent_solves: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue_depth: 16,
            deadline_margin: Duration::from_millis(200),
            budget: crate::solver::Budget::default(),
        }
    }
}

/// The `mentormatch.v1.MentorMatch` service.
#[derive(Clone)]
pub struct MentorMatchService {
    admission: Arc<Admission>,
    metrics: Metrics,
    config: ServiceConfig,
    next_id: Arc<AtomicU64>,
    /// Raised at the end of the shutdown grace: running solves stop as at their time limit
    /// and answer with their best plan. Leaked once per service (a few bytes a server).
    stop: &'static std::sync::atomic::AtomicBool,
}

impl MentorMatchService {
    pub fn new(config: ServiceConfig) -> Self {
        let admission = Arc::new(Admission::new(
            config.max_concurrent_solves,
            config.queue_depth,
        ));
        MentorMatchService {
            metrics: Metrics::new(admission.clone()),
            admission,
            config,
            next_id: Arc::new(AtomicU64::new(1)),
            stop: Box::leak(Box::new(std::sync::atomic::AtomicBool::new(false))),
        }
    }

    /// The flag that stops running solves (raised by the server at the end of the grace).
    pub fn stop_flag(&self) -> &'static std::sync::atomic::AtomicBool {
        self.stop
    }

    /// The service's metrics (served at `/metrics`).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The admission gate, so shutdown can close it.
    pub fn admission(&self) -> Arc<Admission> {
        self.admission.clone()
    }

    /// The id the logs carry for a call: the caller's `x-request-id` if it is short and plain,
    /// never anything else; otherwise a counter.
    fn request_id(&self, given: Option<&str>) -> String {
        given
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
            .map_or_else(
                || format!("r{}", self.next_id.fetch_add(1, Ordering::Relaxed)),
                str::to_string,
            )
    }

    /// Runs `job` on the blocking pool once admitted; a panic fails only this call.
    async fn run_blocking<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
    ) -> Result<T, ServiceError> {
        let permit = self.admission.admit().await?;
        let span = tracing::Span::current();
        let handle = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _enter = span.enter();
            std::panic::catch_unwind(AssertUnwindSafe(job)).unwrap_or(Err(ServiceError::Panicked))
        });
        handle.await.unwrap_or(Err(ServiceError::Panicked))
    }
}

fn counts(req: &pb::SolveRequest) -> (usize, usize, usize) {
    (
        req.students.len(),
        req.mentors.len(),
        req.students.iter().map(|s| s.needs.len()).sum(),
    )
}

/// Time kept from a call's deadline per need of the request, where that is more than the
/// configured margin: explaining the answer (every open need checked against its relevant
/// mentors) and encoding it grow with the request. A 20,000-student district (25,751 needs)
/// stopped at its limit took ~0.3 s to explain and ~0.2 s more to answer over HTTP, past the
/// fixed 200 ms; 25 µs a need keeps ~0.64 s there and the 200 ms below 8,000 needs.
const MARGIN_PER_NEED: Duration = Duration::from_micros(25);

/// What the solver may spend of a call's deadline: the rest, less a margin (at least a tenth
/// of the rest) kept to explain and encode the answer. None without a deadline; an error when
/// nothing is left.
fn time_left(
    deadline: Option<Instant>,
    margin: Duration,
) -> Result<Option<Duration>, ServiceError> {
    let Some(deadline) = deadline else {
        return Ok(None);
    };
    deadline
        .checked_duration_since(Instant::now())
        .and_then(|d| d.checked_sub(margin.max(d / 10)))
        .map(Some)
        .ok_or(ServiceError::NoTime)
}

/// What one call's blocking work may use: its deadline less the margin, the work budget and
/// the server's stop flag (copied into the blocking closure).
#[derive(Clone, Copy)]
struct Limits {
    deadline: Option<Instant>,
    margin: Duration,
    budget: crate::solver::Budget,
    stop: &'static std::sync::atomic::AtomicBool,
}

impl Limits {
    /// [`time_left`] of the call's deadline.
    fn time_left(&self) -> Result<Option<Duration>, ServiceError> {
        time_left(self.deadline, self.margin)
    }
}

/// What a transport knows of a call besides its body.
#[derive(Clone, Debug)]
pub struct Call {
    /// The caller's `x-request-id`, echoed in the logs if short and plain (see
    /// `MentorMatchService::request_id`).
    pub request_id: Option<String>,
    /// When the client gives up (gRPC `grpc-timeout`, HTTP `timeout`).
    pub deadline: Option<Instant>,
    pub transport: Transport,
    /// Size of the request as received, for the metrics.
    pub bytes: usize,
}

impl Call {
    /// The call as gRPC delivers it.
    fn grpc<T: prost::Message>(request: &Request<T>) -> Self {
        Call {
            request_id: request
                .metadata()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            deadline: deadline::from_metadata(request.metadata()),
            transport: Transport::Grpc,
            bytes: request.get_ref().encoded_len(),
        }
    }
}

/// The calls of the service, transport-neutral: gRPC ([`pb::mentor_match_server::MentorMatch`])
/// and HTTP/JSON ([`http`]) both come here, so admission, deadlines, budgets, logs and metrics
/// are the same whichever way a request arrives.
impl MentorMatchService {
    /// Counts the call's outcome and refusal reason, and logs a failure.
    fn finish<T>(&self, method: &str, call: &Call, result: &Result<T, ServiceError>, what: &str) {
        match result {
            Ok(_) => self.metrics.call(method, call.transport, "OK"),
            Err(e) => {
                self.metrics
                    .call(method, call.transport, code_name(e.code()));
                if let Some(reason) = e.refusal() {
                    self.metrics.refused(reason);
                }
                e.log(what);
            }
        }
    }

    /// The limits of one call's blocking work on a request of `needs` needs whose answer holds
    /// `plans` explained plans (a what-if's base and each scenario's): the margin kept from
    /// its deadline grows with both (see [`MARGIN_PER_NEED`]).
    fn limits(&self, call: &Call, needs: usize, plans: usize) -> Limits {
        let weight = u32::try_from(needs.saturating_mul(plans)).unwrap_or(u32::MAX);
        let per_needs = MARGIN_PER_NEED.saturating_mul(weight);
        Limits {
            deadline: call.deadline,
            margin: self.config.deadline_margin.max(per_needs),
            budget: self.config.budget,
            stop: self.stop,
        }
    }

    /// Solve: validate, solve within the deadline, explain.
    pub async fn solve_call(
        &self,
        call: Call,
        req: pb::SolveRequest,
    ) -> Result<pb::SolveResponse, ServiceError> {
        let started = Instant::now();
        self.metrics.request_size(call.transport, call.bytes);
        let (students, mentors, needs) = counts(&req);
        let span = tracing::info_span!(
            "solve",
            request_id = %self.request_id(call.request_id.as_deref()),
            transport = call.transport.as_str(),
            students,
            mentors,
            needs,
            solve_ms = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let limits = self.limits(&call, needs, 1);
        let result = async {
            let lang = proto::locale(&req.locale, "locale");
            let raw = RawRequest::from(req);
            self.run_blocking(move || {
                // Every problem at once: the locale's beside the request's.
                let (problem, lang) = match (validate(raw), lang) {
                    (Ok(problem), Ok(lang)) => (problem, lang),
                    (Err(mut invalid), Err(bad)) => {
                        invalid.violations.splice(0..0, bad.violations);
                        return Err(invalid.into());
                    }
                    (Err(invalid), Ok(_)) | (Ok(_), Err(invalid)) => return Err(invalid.into()),
                };
                let mut options = SolveOptions::from_policy(&problem);
                options.budget = limits.budget;
                options.stop = Some(limits.stop);
                if let Some(left) = limits.time_left()? {
                    options.time_limit = options.time_limit.min(left);
                }
                let outcome = engine::solve_with(&problem, options)?;
                Ok((
                    outcome.solver.status,
                    outcome.solver.method,
                    outcome.solver.candidate_pairs,
                    proto::response_in(&problem, &outcome, lang),
                ))
            })
            .await
        }
        .instrument(span.clone())
        .await;
        span.record("solve_ms", started.elapsed().as_millis() as u64);
        let _enter = span.enter();
        if let Ok((status, method, pairs, _)) = &result {
            span.record("status", tracing::field::debug(status));
            self.metrics.solved(
                method_label(*method),
                started.elapsed().as_secs_f64(),
                *pairs,
            );
            tracing::info!("solve answered");
        }
        self.finish("solve", &call, &result, "solve failed");
        result.map(|(_, _, _, response)| response)
    }

    /// Rematch: keep what works, replace what fails, report the difference.
    pub async fn rematch_call(
        &self,
        call: Call,
        req: pb::RematchRequest,
    ) -> Result<pb::RematchResponse, ServiceError> {
        let started = Instant::now();
        self.metrics.request_size(call.transport, call.bytes);
        let (students, mentors, needs) = req.request.as_ref().map_or((0, 0, 0), counts);
        let limits = self.limits(&call, needs, 1);
        let span = tracing::info_span!(
            "rematch",
            request_id = %self.request_id(call.request_id.as_deref()),
            transport = call.transport.as_str(),
            students,
            mentors,
            needs,
            current_pairs = req.current_pairs.len(),
        );
        let result = self
            .run_blocking(move || {
                // The locale is checked first: a bad one is reported alone.
                let lang = proto::locale(&req.locale, "locale")?;
                let raw = crate::rematch::RawRematch::from(req);
                let cap = limits.time_left()?;
                let outcome =
                    crate::rematch::rematch_within(raw, cap, limits.budget, Some(limits.stop))?;
                Ok((
                    outcome.outcome.solver.method,
                    outcome.outcome.solver.candidate_pairs,
                    proto::rematch_response_in(&outcome, lang),
                ))
            })
            .instrument(span.clone())
            .await;
        let _enter = span.enter();
        if let Ok((method, pairs, reply)) = &result {
            self.metrics.solved(
                method_label(*method),
                started.elapsed().as_secs_f64(),
                *pairs,
            );
            tracing::info!(
                solve_ms = started.elapsed().as_millis() as u64,
                kept = reply.kept,
                moved = reply.moved,
                "rematch answered"
            );
        }
        self.finish("rematch", &call, &result, "rematch failed");
        result.map(|(_, _, reply)| reply)
    }

    /// What-if: the plan, then each scenario as a rematch of it.
    pub async fn what_if_call(
        &self,
        call: Call,
        req: pb::WhatIfRequest,
    ) -> Result<pb::WhatIfResponse, ServiceError> {
        let started = Instant::now();
        self.metrics.request_size(call.transport, call.bytes);
        let (students, mentors, needs) = req.request.as_ref().map_or((0, 0, 0), counts);
        // The base plan and each scenario's are explained and encoded: the margin per need
        // counts each of them.
        let plans = req.scenarios.len().saturating_add(1);
        let limits = self.limits(&call, needs, plans);
        let span = tracing::info_span!(
            "what_if",
            request_id = %self.request_id(call.request_id.as_deref()),
            transport = call.transport.as_str(),
            students,
            mentors,
            needs,
            scenarios = req.scenarios.len(),
        );
        let result = self
            .run_blocking(move || {
                // The locale is checked first: a bad one is reported alone.
                let lang = proto::locale(&req.locale, "locale")?;
                let cap = limits.time_left()?;
                let raw = RawRequest::from(req.request.unwrap_or_default());
                let scenarios: Vec<crate::whatif::Scenario> =
                    req.scenarios.into_iter().map(Into::into).collect();
                let outcome =
                    crate::whatif::what_if(raw, &scenarios, cap, limits.budget, Some(limits.stop))?;
                Ok(proto::whatif_response_in(&outcome, lang))
            })
            .instrument(span.clone())
            .await;
        let _enter = span.enter();
        if let Ok(reply) = &result {
            tracing::info!(
                solve_ms = started.elapsed().as_millis() as u64,
                scenarios = reply.scenarios.len(),
                "what-if answered"
            );
        }
        self.finish("what_if", &call, &result, "what-if failed");
        result
    }

    /// Validate: every problem of the request, and the size of its model, without solving.
    pub async fn validate_call(
        &self,
        call: Call,
        req: pb::SolveRequest,
    ) -> Result<pb::ValidateResponse, ServiceError> {
        self.metrics.request_size(call.transport, call.bytes);
        let (students, mentors, needs) = counts(&req);
        let span = tracing::info_span!(
            "validate",
            request_id = %self.request_id(call.request_id.as_deref()),
            transport = call.transport.as_str(),
            students,
            mentors,
            needs
        );
        let budget = self.config.budget;
        let result = self
            .run_blocking(move || {
                let locale = proto::locale(&req.locale, "locale").err();
                let raw = RawRequest::from(req);
                let checked = match (validate(raw), locale) {
                    (Ok(_), Some(bad)) => Err(bad),
                    (Err(mut invalid), Some(bad)) => {
                        invalid.violations.splice(0..0, bad.violations);
                        Err(invalid)
                    }
                    (checked, None) => checked,
                };
                Ok(match checked {
                    Ok(problem) => pb::ValidateResponse {
                        valid: true,
                        violations: Vec::new(),
                        students: problem.students.len() as u32,
                        mentors: problem.mentors.len() as u32,
                        needs: problem.needs.len() as u32,
                        // Counted, never built: Validate must stay cheap whatever it is sent.
                        candidate_pairs: budget
                            .count(&problem, &crate::rules::QualificationIndex::build(&problem))?,
                    },
                    Err(invalid) => pb::ValidateResponse {
                        valid: false,
                        violations: invalid.violations.iter().map(proto::violation).collect(),
                        students: students as u32,
                        mentors: mentors as u32,
                        needs: needs as u32,
                        candidate_pairs: 0,
                    },
                })
            })
            .instrument(span.clone())
            .await;
        let _enter = span.enter();
        self.finish("validate", &call, &result, "validate failed");
        result
    }
}

/// The metrics label of a solver method.
fn method_label(method: Option<crate::solver::MethodKind>) -> &'static str {
    use crate::solver::MethodKind;
    match method {
        Some(MethodKind::Network) => "network",
        Some(MethodKind::NetworkSide) => "network_side",
        Some(MethodKind::IntegerProgram) => "integer_program",
        None => "none",
    }
}

/// The gRPC code's canonical name (`INVALID_ARGUMENT`), used by both transports.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// One gRPC call through its transport-neutral method: the call's facts from the request's
/// metadata, the message, the answer or the error as a `Status`.
async fn grpc<Req, Resp, F, Fut>(request: Request<Req>, method: F) -> Result<Response<Resp>, Status>
where
    Req: prost::Message,
    F: FnOnce(Call, Req) -> Fut,
    Fut: std::future::Future<Output = Result<Resp, ServiceError>>,
{
    let call = Call::grpc(&request);
    method(call, request.into_inner())
        .await
        .map(Response::new)
        .map_err(Status::from)
}

#[tonic::async_trait]
impl pb::mentor_match_server::MentorMatch for MentorMatchService {
    async fn solve(
        &self,
        request: Request<pb::SolveRequest>,
    ) -> Result<Response<pb::SolveResponse>, Status> {
        grpc(request, |call, r| self.solve_call(call, r)).await
    }

    async fn rematch(
        &self,
        request: Request<pb::RematchRequest>,
    ) -> Result<Response<pb::RematchResponse>, Status> {
        grpc(request, |call, r| self.rematch_call(call, r)).await
    }

    async fn what_if(
        &self,
        request: Request<pb::WhatIfRequest>,
    ) -> Result<Response<pb::WhatIfResponse>, Status> {
        grpc(request, |call, r| self.what_if_call(call, r)).await
    }

    async fn validate(
        &self,
        request: Request<pb::SolveRequest>,
    ) -> Result<Response<pb::ValidateResponse>, Status> {
        grpc(request, |call, r| self.validate_call(call, r)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The margin kept from a deadline is the configured one for a school and grows with the
    /// needs of a district and with the plans a what-if explains (explaining and encoding grow
    /// with them).
    #[test]
    fn the_deadline_margin_grows_with_the_needs() {
        let service = MentorMatchService::new(ServiceConfig::default());
        let call = Call {
            request_id: None,
            deadline: Some(Instant::now() + Duration::from_secs(60)),
            transport: Transport::Http,
            bytes: 0,
        };
        assert_eq!(
            service.limits(&call, 1_158, 1).margin,
            Duration::from_millis(200)
        );
        assert_eq!(
            service.limits(&call, 25_751, 1).margin,
            Duration::from_micros(25 * 25_751)
        );
        // A what-if with five scenarios explains six plans.
        assert_eq!(
            service.limits(&call, 9_179, 6).margin,
            Duration::from_micros(25 * 9_179 * 6)
        );
        let left = service
            .limits(&call, 25_751, 1)
            .time_left()
            .unwrap()
            .unwrap();
        assert!(
            left < Duration::from_secs(60) - Duration::from_millis(640),
            "{left:?}"
        );
    }

    #[tokio::test]
    async fn a_panicking_solve_fails_that_call_with_internal_and_the_service_keeps_serving() {
        let service = MentorMatchService::new(ServiceConfig {
            max_concurrent_solves: 1,
            queue_depth: 0,
            deadline_margin: Duration::from_millis(10),
            budget: crate::solver::Budget::default(),
        });
        let failed: Result<(), ServiceError> =
            service.run_blocking(|| panic!("boom inside a solve")).await;
        assert!(matches!(failed, Err(ServiceError::Panicked)));
        let status = Status::from(failed.unwrap_err());
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("boom"));
        // The permit was released: the next call runs.
        assert_eq!(service.run_blocking(|| Ok(7)).await.ok(), Some(7));
    }

    #[tokio::test]
    async fn a_call_cancelled_while_queued_never_starts_its_solve() {
        use std::sync::atomic::AtomicBool;
        let service = MentorMatchService::new(ServiceConfig {
            max_concurrent_solves: 1,
            queue_depth: 4,
            deadline_margin: Duration::from_millis(10),
            budget: crate::solver::Budget::default(),
        });
        let busy = service
            .admission()
            .admit()
            .await
            .expect("slot taken by another solve");
        let started = Arc::new(AtomicBool::new(false));
        let flag = started.clone();
        let svc = service.clone();
        let queued = tokio::spawn(async move {
            svc.run_blocking(move || {
                flag.store(true, Ordering::SeqCst);
                Ok(())
            })
            .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // The client goes away: tonic drops the handler future, which is what abort does.
        queued.abort();
        let _ = queued.await;
        drop(busy);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!started.load(Ordering::SeqCst));
        // The queue is empty again: a new call runs at once.
        assert_eq!(service.run_blocking(|| Ok(1)).await.ok(), Some(1));
    }
}
