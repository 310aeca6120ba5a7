//! The gRPC service: a thin adapter. Each handler converts the request into domain values,
//! runs the engine on the blocking pool behind the admission gate, and converts the result or
//! the error back. All error → status mapping is in [`ServiceError`]'s one `match`.

pub mod admission;
pub mod deadline;

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};
use tracing::Instrument;

use crate::domain::raw::RawRequest;
use crate::domain::validate::{validate, InvalidRequest};
use crate::engine;
use crate::proto::{self, pb};
use crate::solver::{SolveError, SolveOptions};
use admission::{Admission, Refused};

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
        match e {
            ServiceError::Invalid(invalid) => {
                let total = invalid.violations.len();
                let violations = trailer_violations(&invalid.violations);
                Status::with_error_details(
                    Code::InvalidArgument,
                    format!("the request has {total} problem(s)"),
                    ErrorDetails::with_bad_request(violations),
                )
            }
            ServiceError::Refused(r @ Refused::Busy { .. }) => {
                Status::resource_exhausted(r.to_string())
            }
            ServiceError::Refused(r @ Refused::Closed) => Status::unavailable(r.to_string()),
            ServiceError::NoTime => {
                Status::deadline_exceeded("the deadline leaves no time to solve")
            }
            // Solver text stays in the log; the client learns only that it failed.
            ServiceError::Solve(e @ SolveError::OverBudget { .. }) => {
                Status::resource_exhausted(e.to_string())
            }
            ServiceError::Solve(e @ SolveError::NoPlan { .. }) => {
                Status::deadline_exceeded(e.to_string())
            }
            ServiceError::Solve(_) | ServiceError::Panicked => {
                Status::internal("the solve failed; see the service log")
            }
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
        let reason = v.code.as_str().to_uppercase();
        let size = v.path.len() + v.message.len() + reason.len() + 16;
        if used + size > TRAILER_BUDGET_BYTES {
            out.push(FieldViolation {
                field: String::new(),
                description: format!(
                    "and {} more problem(s): call Validate for the full list",
                    all.len() - i
                ),
                reason: "TOO_MANY_VIOLATIONS".into(),
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
    config: ServiceConfig,
    next_id: Arc<AtomicU64>,
    /// Raised at the end of the shutdown grace: running solves stop as at their time limit
    /// and answer with their best plan. Leaked once per service (a few bytes a server).
    stop: &'static std::sync::atomic::AtomicBool,
}

impl MentorMatchService {
    pub fn new(config: ServiceConfig) -> Self {
        MentorMatchService {
            admission: Arc::new(Admission::new(
                config.max_concurrent_solves,
                config.queue_depth,
            )),
            config,
            next_id: Arc::new(AtomicU64::new(1)),
            stop: Box::leak(Box::new(std::sync::atomic::AtomicBool::new(false))),
        }
    }

    /// The flag that stops running solves (raised by the server at the end of the grace).
    pub fn stop_flag(&self) -> &'static std::sync::atomic::AtomicBool {
        self.stop
    }

    /// The admission gate, so shutdown can close it.
    pub fn admission(&self) -> Arc<Admission> {
        self.admission.clone()
    }

    fn request_id<T>(&self, request: &Request<T>) -> String {
        // A caller-supplied id is echoed only if it is short and plain; never anything else.
        request
            .metadata()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                v.len() <= 64
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

#[tonic::async_trait]
impl pb::mentor_match_server::MentorMatch for MentorMatchService {
    async fn solve(
        &self,
        request: Request<pb::SolveRequest>,
    ) -> Result<Response<pb::SolveResponse>, Status> {
        let started = Instant::now();
        let id = self.request_id(&request);
        let deadline = deadline::from_metadata(request.metadata());
        let req = request.into_inner();
        let (students, mentors, needs) = counts(&req);
        let span = tracing::info_span!(
            "solve",
            request_id = %id,
            students,
            mentors,
            needs,
            solve_ms = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        let margin = self.config.deadline_margin;
        let budget = self.config.budget;
        let stop = self.stop;
        let result = async {
            let raw = RawRequest::from(req);
            self.run_blocking(move || {
                let problem = validate(raw)?;
                let mut options = SolveOptions::from_policy(&problem);
                options.budget = budget;
                options.stop = Some(stop);
                if let Some(left) = time_left(deadline, margin)? {
                    options.time_limit = options.time_limit.min(left);
                }
                let outcome = engine::solve_with(&problem, options)?;
                Ok((outcome.solver.status, proto::response(&problem, &outcome)))
            })
            .await
        }
        .instrument(span.clone())
        .await;
        span.record("solve_ms", started.elapsed().as_millis() as u64);
        match result {
            Ok((status, response)) => {
                span.record("status", tracing::field::debug(status));
                let _enter = span.enter();
                tracing::info!("solve answered");
                Ok(Response::new(response))
            }
            Err(e) => {
                let _enter = span.enter();
                e.log("solve failed");
                Err(e.into())
            }
        }
    }

    async fn rematch(
        &self,
        request: Request<pb::RematchRequest>,
    ) -> Result<Response<pb::RematchResponse>, Status> {
        let started = Instant::now();
        let id = self.request_id(&request);
        let deadline = deadline::from_metadata(request.metadata());
        let margin = self.config.deadline_margin;
        let budget = self.config.budget;
        let stop = self.stop;
        let req = request.into_inner();
        let (students, mentors, needs) = req.request.as_ref().map_or((0, 0, 0), counts);
        let pairs = req.current_pairs.len();
        let span = tracing::info_span!(
            "rematch",
            request_id = %id,
            students,
            mentors,
            needs,
            current_pairs = pairs,
        );
        let result = self
            .run_blocking(move || {
                let raw = crate::rematch::RawRematch::from(req);
                let cap = time_left(deadline, margin)?;
                let outcome = crate::rematch::rematch_within(raw, cap, budget, Some(stop))?;
                Ok(proto::rematch_response(&outcome))
            })
            .instrument(span.clone())
            .await;
        let _enter = span.enter();
        match result {
            Ok(reply) => {
                tracing::info!(
                    solve_ms = started.elapsed().as_millis() as u64,
                    kept = reply.kept,
                    moved = reply.moved,
                    "rematch answered"
                );
                Ok(Response::new(reply))
            }
            Err(e) => {
                e.log("rematch failed");
                Err(e.into())
            }
        }
    }

    async fn what_if(
        &self,
        request: Request<pb::WhatIfRequest>,
    ) -> Result<Response<pb::WhatIfResponse>, Status> {
        let started = Instant::now();
        let id = self.request_id(&request);
        let deadline = deadline::from_metadata(request.metadata());
        let margin = self.config.deadline_margin;
        let budget = self.config.budget;
        let stop = self.stop;
        let req = request.into_inner();
        let (students, mentors, needs) = req.request.as_ref().map_or((0, 0, 0), counts);
        let span = tracing::info_span!(
            "what_if",
            request_id = %id,
            students,
            mentors,
            needs,
            scenarios = req.scenarios.len(),
        );
        let result = self
            .run_blocking(move || {
                let cap = time_left(deadline, margin)?;
                let raw = RawRequest::from(req.request.unwrap_or_default());
                let scenarios: Vec<crate::whatif::Scenario> =
                    req.scenarios.into_iter().map(Into::into).collect();
                let outcome = crate::whatif::what_if(raw, &scenarios, cap, budget, Some(stop))?;
                Ok(proto::whatif_response(&outcome))
            })
            .instrument(span.clone())
            .await;
        let _enter = span.enter();
        match result {
            Ok(reply) => {
                tracing::info!(
                    solve_ms = started.elapsed().as_millis() as u64,
                    scenarios = reply.scenarios.len(),
                    "what-if answered"
                );
                Ok(Response::new(reply))
            }
            Err(e) => {
                e.log("what-if failed");
                Err(e.into())
            }
        }
    }

    async fn validate(
        &self,
        request: Request<pb::SolveRequest>,
    ) -> Result<Response<pb::ValidateResponse>, Status> {
        let id = self.request_id(&request);
        let req = request.into_inner();
        let (students, mentors, needs) = counts(&req);
        let span = tracing::info_span!("validate", request_id = %id, students, mentors, needs);
        let budget = self.config.budget;
        let result = self
            .run_blocking(move || {
                let raw = RawRequest::from(req);
                Ok(match validate(raw) {
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
            .instrument(span)
            .await;
        result.map(Response::new).map_err(Status::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
