//! The tonic server: configuration, optional TLS and bearer token, health checking, server
//! reflection (v1 and v1alpha, so grpcurl's older protocol works too), request size limit and
//! graceful shutdown (health turns NOT_SERVING, new solves are refused, in-flight ones finish
//! within the grace period).
//!
//! Imports the service and the protobuf types. Must not import the solver, the engine, the
//! explanations, the spreadsheets or the CLI: requests are the service's business.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_stream::StreamExt;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic::{Request, Status};

use crate::proto::pb;
use crate::proto::pb::mentor_match_server::MentorMatchServer;
use crate::service::{MentorMatchService, ServiceConfig};

mod linger;

/// Default listening address: loopback, so an unprotected service is not reachable from
/// other machines.
pub const DEFAULT_ADDR: &str = "127.0.0.1:50051";
/// Default largest request accepted (64 MiB); a larger one is refused with OUT_OF_RANGE.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;
/// Default time in-flight solves get to finish after a shutdown signal.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(30);
/// Environment variable holding the bearer token (preferred over a file in the config).
pub const TOKEN_ENV: &str = "MENTOR_MATCH_TOKEN";

/// The config file (TOML); every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub addr: Option<SocketAddr>,
    pub max_concurrent_solves: Option<usize>,
    pub queue_depth: Option<usize>,
    pub max_request_bytes: Option<usize>,
    pub deadline_margin_ms: Option<u64>,
    pub shutdown_grace_seconds: Option<u64>,
    pub token_file: Option<PathBuf>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// PEM certificate(s) of the authority that signs client certificates: with it, only
    /// clients presenting such a certificate are served (mutual TLS, on top of the token).
    pub tls_client_ca: Option<PathBuf>,
    /// Feasible (need, mentor) pairs one request may imply (default 60,000,000).
    pub max_candidate_pairs: Option<u64>,
    /// Memory one solve may plan for, in MiB (default 16,384).
    pub max_memory_mb: Option<u64>,
    /// Whether `/metrics` needs the bearer token too (default false: scrapers usually sit
    /// inside the cluster; the metrics carry no request content).
    pub protect_metrics: Option<bool>,
}

/// Effective settings of a server.
#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    pub service: ServiceConfig,
    pub max_request_bytes: usize,
    pub grace: Duration,
    pub token: Option<String>,
    /// PEM certificate chain and key.
    pub tls: Option<(Vec<u8>, Vec<u8>)>,
    /// PEM authority for client certificates (mutual TLS); needs `tls`.
    pub tls_client_ca: Option<Vec<u8>>,
    /// Whether `/metrics` needs the token.
    pub protect_metrics: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: DEFAULT_ADDR
                .parse()
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 50051))),
            service: ServiceConfig::default(),
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            grace: DEFAULT_GRACE,
            token: None,
            tls: None,
            tls_client_ca: None,
            protect_metrics: false,
        }
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config {path}: {source}")]
    Config {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("config: {0}")]
    Invalid(String),
    #[error("token file {0} is empty: it would accept an empty bearer token; write a token into it or remove token_file")]
    EmptyTokenFile(PathBuf),
    #[error("refusing to listen on {0} without a token: set {TOKEN_ENV} or token_file, or listen on loopback")]
    UnprotectedPublicAddress(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

fn read(path: &Path) -> Result<Vec<u8>, ServerError> {
    std::fs::read(path).map_err(|source| ServerError::Read {
        path: path.to_path_buf(),
        source,
    })
}

impl Settings {
    /// Reads the config file (if any), the token from the environment or token file, and
    /// applies `addr` from the command line over both.
    pub fn load(config: Option<&Path>, addr: Option<SocketAddr>) -> Result<Self, ServerError> {
        let file = match config {
            None => ConfigFile::default(),
            Some(path) => {
                let text = String::from_utf8_lossy(&read(path)?).to_string();
                toml::from_str(&text).map_err(|source| ServerError::Config {
                    path: path.to_path_buf(),
                    source: Box::new(source),
                })?
            }
        };
        let mut s = Settings::default();
        if let Some(a) = file.addr {
            s.addr = a;
        }
        if let Some(a) = addr {
            s.addr = a;
        }
        if let Some(n) = file.max_concurrent_solves {
            if n == 0 {
                return Err(ServerError::Invalid(
                    "max_concurrent_solves must be at least 1".into(),
                ));
            }
            s.service.max_concurrent_solves = n;
        }
        if let Some(n) = file.queue_depth {
            s.service.queue_depth = n;
        }
        if let Some(n) = file.max_request_bytes {
            s.max_request_bytes = n;
        }
        if let Some(ms) = file.deadline_margin_ms {
            s.service.deadline_margin = Duration::from_millis(ms);
        }
        if let Some(n) = file.max_candidate_pairs {
            s.service.budget.max_candidate_pairs = n;
        }
        if let Some(mb) = file.max_memory_mb {
            s.service.budget.max_memory_bytes = mb.saturating_mul(1 << 20);
        }
        s.protect_metrics = file.protect_metrics.unwrap_or(false);
        if let Some(secs) = file.shutdown_grace_seconds {
            s.grace = Duration::from_secs(secs);
        }
        s.token = match std::env::var(TOKEN_ENV) {
            Ok(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => match &file.token_file {
                Some(path) => {
                    let token = String::from_utf8_lossy(&read(path)?).trim().to_string();
                    if token.is_empty() {
                        return Err(ServerError::EmptyTokenFile(path.clone()));
                    }
                    Some(token)
                }
                None => None,
            },
        };
        s.tls = match (&file.tls_cert, &file.tls_key) {
            (Some(cert), Some(key)) => Some((read(cert)?, read(key)?)),
            (None, None) => None,
            _ => {
                return Err(ServerError::Invalid(
                    "tls_cert and tls_key go together".into(),
                ))
            }
        };
        s.tls_client_ca = match &file.tls_client_ca {
            Some(_) if s.tls.is_none() => {
                return Err(ServerError::Invalid(
                    "tls_client_ca needs tls_cert and tls_key".into(),
                ))
            }
            Some(path) => Some(read(path)?),
            None => None,
        };
        Ok(s)
    }
}

/// Checks `authorization: Bearer <token>` when a token is configured.
#[derive(Clone)]
pub struct BearerToken {
    expected: Option<Arc<str>>,
    /// Counts refusals (the method is not known here: tonic calls interceptors before routing
    /// reaches the handler).
    metrics: crate::service::metrics::Metrics,
}

impl tonic::service::Interceptor for BearerToken {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        let given = request
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if crate::service::auth::bearer_accepted(self.expected.as_deref(), given) {
            Ok(request)
        } else {
            self.metrics
                .refused(crate::service::metrics::Refusal::Unauthenticated);
            Err(Status::unauthenticated("missing or wrong bearer token"))
        }
    }
}

/// Binds the configured address, refusing a non-loopback one without a token.
pub async fn bind(settings: &Settings) -> Result<TcpListener, ServerError> {
    if settings.token.is_none() && !settings.addr.ip().is_loopback() {
        return Err(ServerError::UnprotectedPublicAddress(settings.addr));
    }
    TcpListener::bind(settings.addr)
        .await
        .map_err(|source| ServerError::Bind {
            addr: settings.addr,
            source,
        })
}

/// Serves on `listener` until `shutdown` resolves, then drains in-flight calls for at most the
/// grace period.
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let local = listener.local_addr().ok();
    let service = MentorMatchService::new(settings.service.clone());
    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_serving::<MentorMatchServer<MentorMatchService>>()
        .await;
    let reflection_v1 = reflection().build_v1()?;
    let reflection_v1alpha = reflection().build_v1alpha()?;
    let http = crate::service::http::router(
        service.clone(),
        crate::service::http::HttpSettings {
            token: settings.token.as_deref().map(Arc::from),
            max_request_bytes: settings.max_request_bytes,
            protect_metrics: settings.protect_metrics,
        },
    );
    let token_check = BearerToken {
        expected: settings.token.as_deref().map(Arc::from),
        metrics: service.metrics().clone(),
    };
    let draining = service.clone();
    let api = InterceptedService::new(
        MentorMatchServer::new(service)
            .max_decoding_message_size(settings.max_request_bytes)
            .max_encoding_message_size(usize::MAX),
        token_check,
    );
    let mut builder = transport(&settings)?;
    log_start(&settings, local);

    let (fired_tx, fired_rx) = tokio::sync::oneshot::channel::<tokio::time::Instant>();
    let signal = drain(shutdown, draining, health.clone(), settings.grace, fired_tx);
    // gRPC and HTTP/JSON on one port: tonic's routes are an axum router, the HTTP routes are
    // merged into it (gRPC paths are `/package.Service/Method`, so they never collide).
    let routes = tonic::service::Routes::new(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(api)
        .into_axum_router()
        .merge(http)
        .fallback(crate::service::http::not_found);
    let server = builder
        .add_routes(tonic::service::Routes::from(routes))
        .serve_with_incoming_shutdown(
            TcpListenerStream::new(listener).map(|accepted| accepted.map(linger::Lingering::new)),
            signal,
        );
    tokio::select! {
        result = server => {
            result?;
            tracing::info!("drained; stopped");
        }
        () = async move {
            // Once tonic closes down, connections have until the hard deadline (fixed when the
            // signal came) to send their last answers: time a stopped solve did not need for
            // its explanations goes to sending them (a 4,000-student answer is megabytes).
            match fired_rx.await {
                Ok(deadline) => tokio::time::sleep_until(deadline).await,
                Err(_) => std::future::pending::<()>().await,
            }
        } => {
            tracing::warn!("connections still open after the grace; stopping");
        }
    }
    Ok(())
}

/// Server reflection over this API's and the health service's descriptors (built twice: v1
/// and v1alpha).
fn reflection() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
}

/// The transport: HTTP/2 and HTTP/1.1, with TLS (and client certificates) when configured.
fn transport(settings: &Settings) -> Result<Server, ServerError> {
    // HTTP/1.1 too, for the HTTP/JSON routes (PHP's and Java's plain clients).
    let mut builder = Server::builder().accept_http1(true);
    if let Some((cert, key)) = &settings.tls {
        builder = builder.tls_config({
            let tls = ServerTlsConfig::new().identity(Identity::from_pem(cert, key));
            match &settings.tls_client_ca {
                Some(ca) => tls.client_ca_root(Certificate::from_pem(ca)),
                None => tls,
            }
        })?;
    }
    Ok(builder)
}

/// The start line in the log (and a warning without a token).
fn log_start(settings: &Settings, local: Option<SocketAddr>) {
    tracing::info!(
        addr = ?local,
        tls = settings.tls.is_some(),
        mutual_tls = settings.tls_client_ca.is_some(),
        token = settings.token.is_some(),
        max_concurrent_solves = settings.service.max_concurrent_solves,
        queue_depth = settings.service.queue_depth,
        max_request_bytes = settings.max_request_bytes,
        "mentor-match serving"
    );
    if settings.token.is_none() {
        tracing::warn!("no bearer token configured: listening on loopback only");
    }
}

/// Resolves when tonic may close down: after `shutdown`, health turns NOT_SERVING and new
/// solves are refused, but the listener stays open (health checks see NOT_SERVING, in-flight
/// calls keep their connections) until the running solves are done or the grace is over
/// (then they are told to stop and answer with their best plan). Sends on `fired` at the end,
/// with the instant by which the process must be gone: the signal's time + grace +
/// [`STOPPED_ANSWER_TIME`] + [`CLOSE_TIME`].
async fn drain(
    shutdown: impl Future<Output = ()>,
    service: MentorMatchService,
    health: tonic_health::server::HealthReporter,
    grace: Duration,
    fired: tokio::sync::oneshot::Sender<tokio::time::Instant>,
) {
    let admission = service.admission();
    let stop = service.stop_flag();
    shutdown.await;
    let hard_stop = tokio::time::Instant::now() + grace + STOPPED_ANSWER_TIME + CLOSE_TIME;
    tracing::info!("shutting down: refusing new solves, draining in-flight ones");
    health
        .set_not_serving::<MentorMatchServer<MentorMatchService>>()
        .await;
    health
        .set_service_status("", tonic_health::ServingStatus::NotServing)
        .await;
    admission.close();
    let drained_in_grace = tokio::select! {
        () = admission.idle() => true,
        () = tokio::time::sleep(grace) => false,
    };
    if drained_in_grace {
        tracing::info!("in-flight solves done");
    } else {
        // Tell the running solves to stop: they answer with their best plan, as at a
        // time limit (an integer-program stage cannot be interrupted and is cut off).
        tracing::warn!(
            grace_seconds = grace.as_secs(),
            running = admission.running(),
            "grace period over; stopping the solves in flight"
        );
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = tokio::time::timeout(STOPPED_ANSWER_TIME, admission.idle()).await;
    }
    let _ = fired.send(hard_stop);
}

/// Time stopped solves get to explain their best plan after the grace period (300 ms was too
/// short for a 2,000-student school's explanations on a loaded machine, 700 ms for a
/// 4,000-student school's in a debug build: the connection was reset one run in three).
const STOPPED_ANSWER_TIME: Duration = Duration::from_millis(1500);

/// Time added to [`STOPPED_ANSWER_TIME`] for sending the answers and closing connections. The
/// two are one budget: the admission turns idle when a handler returns, before its answer is
/// encoded and sent, so a solve that stops quickly leaves the rest of the budget to its
/// sending (a fixed 300 ms after idle cut a 4,000-student answer mid-body under load in CI).
/// With the runtime's own 300 ms, the process is gone within grace + 2.1 s.
const CLOSE_TIME: Duration = Duration::from_millis(300);

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
