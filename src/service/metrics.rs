//! Prometheus metrics for operators, served at `/metrics`. One registry per server (not the
//! process-wide default), so tests that start several servers read each one's own counts.
//!
//! Labels are closed sets chosen here (method, transport, status code, refusal reason, solve
//! method): no request content, no student or mentor id, ever reaches a label.
//!
//! Reads only the admission gate (`super::admission`); must not import the engine, `proto` or
//! any request type, so no request content can reach a metric.

use std::sync::Arc;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

use super::admission::Admission;

/// How a call reached the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Grpc,
    Http,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Grpc => "grpc",
            Transport::Http => "http",
        }
    }
}

/// Why a call was refused before any solving: the reasons an operator acts on differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Every solve slot and queue place taken (scale out, or raise `queue_depth`).
    Busy,
    /// Shutting down.
    Draining,
    /// The request implies more work than the budget allows.
    OverBudget,
    /// The body is larger than `max_request_bytes`.
    TooLarge,
    /// The client's deadline left no time to solve.
    NoTime,
    /// Missing or wrong bearer token.
    Unauthenticated,
}

impl Refusal {
    fn as_str(self) -> &'static str {
        match self {
            Refusal::Busy => "busy",
            Refusal::Draining => "draining",
            Refusal::OverBudget => "over_budget",
            Refusal::TooLarge => "too_large",
            Refusal::NoTime => "no_time",
            Refusal::Unauthenticated => "unauthenticated",
        }
    }
}

/// The service's metrics. Cheap to clone (shared handles).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    calls: IntCounterVec,
    solve_seconds: HistogramVec,
    refusals: IntCounterVec,
    request_bytes: HistogramVec,
    candidate_pairs: HistogramVec,
    queued: IntGauge,
    in_flight: IntGauge,
    admission: Arc<Admission>,
}

/// Builds a metric and registers it, or panics at startup: the names are constants, so a
/// failure is a programming error caught by every test that starts a server.
fn registered<M: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    metric: prometheus::Result<M>,
) -> M {
    let metric = metric.expect("metric definitions are constant and valid");
    registry
        .register(Box::new(metric.clone()))
        .expect("each metric is registered once");
    metric
}

impl Metrics {
    /// Metrics for one server, reading queue depth and in-flight solves off its admission gate.
    ///
    /// Over 80 lines on purpose: it is the table of every metric the server exports (name,
    /// help, buckets, labels), one `registered` call each, read top to bottom; split up, the
    /// table would be in several places.
    pub fn new(admission: Arc<Admission>) -> Self {
        let registry = Registry::new_custom(Some("mentor_match".into()), None)
            .unwrap_or_else(|_| Registry::new());
        let calls = registered(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "calls_total",
                    "Calls answered, by method, transport and status code (gRPC code names).",
                ),
                &["method", "transport", "code"],
            ),
        );
        let solve_seconds = registered(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "solve_seconds",
                    "Wall time of answered solves (validation, solving, explanations), by the \
                     solver method that produced the plan.",
                )
                .buckets(vec![
                    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
                    120.0,
                ]),
                &["method"],
            ),
        );
        let refusals = registered(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "refusals_total",
                    "Calls refused before solving, by reason (busy, draining, over_budget, \
                     too_large, no_time, unauthenticated).",
                ),
                &["reason"],
            ),
        );
        let request_bytes = registered(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "request_bytes",
                    "Size of decoded requests in bytes (protobuf encoding for gRPC, JSON body \
                     for HTTP).",
                )
                .buckets(prometheus::exponential_buckets(1024.0, 4.0, 10).unwrap_or_default()),
                &["transport"],
            ),
        );
        let candidate_pairs = registered(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "candidate_pairs",
                    "Feasible (need, mentor) pairs of answered solves: the size of the model.",
                )
                .buckets(prometheus::exponential_buckets(100.0, 4.0, 12).unwrap_or_default()),
                &["method"],
            ),
        );
        let queued = registered(
            &registry,
            IntGauge::new("queued_calls", "Calls waiting for a solve slot."),
        );
        let in_flight = registered(
            &registry,
            IntGauge::new("in_flight_solves", "Solves running now."),
        );
        Metrics {
            registry,
            calls,
            solve_seconds,
            refusals,
            request_bytes,
            candidate_pairs,
            queued,
            in_flight,
            admission,
        }
    }

    /// Counts one answered call; `code` is the gRPC code name (`OK`, `INVALID_ARGUMENT`, ...).
    pub fn call(&self, method: &str, transport: Transport, code: &str) {
        self.calls
            .with_label_values(&[method, transport.as_str(), code])
            .inc();
    }

    pub fn refused(&self, reason: Refusal) {
        self.refusals.with_label_values(&[reason.as_str()]).inc();
    }

    pub fn request_size(&self, transport: Transport, bytes: usize) {
        self.request_bytes
            .with_label_values(&[transport.as_str()])
            .observe(bytes as f64);
    }

    /// Records an answered solve: its duration and model size under the method that solved it.
    pub fn solved(&self, method: &str, seconds: f64, candidate_pairs: u64) {
        self.solve_seconds
            .with_label_values(&[method])
            .observe(seconds);
        self.candidate_pairs
            .with_label_values(&[method])
            .observe(candidate_pairs as f64);
    }

    /// The text exposition format, with the gauges read at this moment.
    pub fn render(&self) -> String {
        self.queued.set(self.admission.queued() as i64);
        self.in_flight.set(self.admission.running() as i64);
        let mut out = Vec::new();
        // Encoding into a Vec cannot fail for well-formed metrics; an error leaves what was
        // written.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}
