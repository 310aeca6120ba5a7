//! The command line: `solve`, `validate` and `generate`. Reads and writes the proto3 JSON
//! mapping of the service's messages, so one request file serves the CLI and gRPC clients.
//!
//! Exit codes: 0 success; 1 the run failed (I/O, solver backend); 2 the request is invalid
//! (unreadable JSON, or validation problems — each printed with its field path).
//!
//! The outermost layer: may import any module (requests are validated through
//! `crate::admit`); no module of the library imports it.
//!
//! Must not be imported by any module of the library, and must not import a solver's internals
//! (of `crate::solver` only `Budget`, `SolveOptions` and `SolveError`): solving goes through
//! `crate::engine`, rematches and what-ifs through their own modules.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::admit::validate;
use crate::domain::raw::RawRequest;
use crate::domain::validate::InvalidRequest;
use crate::i18n::Lang;
use crate::proto::{self, pb};
use crate::{engine, generate, solver};

#[derive(Parser, Debug)]
#[command(
    name = "mentor-match",
    version,
    about = "Pairs students in need with mentors (结对帮扶), exactly, with reasons."
)]
pub struct Args {
    /// Log as JSON lines on stderr (logs carry ids and counts only, never student attributes).
    #[arg(long, global = true)]
    pub log_json: bool,
    /// Feasible (need, mentor) pairs a request may imply before it is refused.
    #[arg(long, global = true, default_value_t = solver::Budget::default().max_candidate_pairs)]
    pub max_pairs: u64,
    /// Memory a solve may plan for, in MiB, before the request is refused.
    #[arg(long, global = true, default_value_t = solver::Budget::default().max_memory_bytes >> 20)]
    pub max_memory_mb: u64,
    /// Language of everything written for people: report, reasons, errors, spreadsheet
    /// headers (`en`, `zh-CN`). JSON field names and codes never change with it.
    #[arg(long, global = true, default_value = "en", value_parser = parse_lang)]
    pub lang: crate::i18n::Lang,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Solve a request and print every pair with its reasons.
    Solve {
        /// Request file (proto3 JSON of mentormatch.v1.SolveRequest), or a workbook (XLSX, a
        /// folder or zip of CSV files).
        request: PathBuf,
        #[command(flatten)]
        written: Written,
        /// Send the request to a running service (e.g. http://127.0.0.1:50051) instead of
        /// solving locally; the reply is printed as JSON. A token is read from MENTOR_MATCH_TOKEN.
        #[arg(long)]
        server: Option<String>,
    },
    /// Mid-year rematch: keep working pairs, replace failing ones, report the diff.
    #[command(mut_arg("output", |a| a.help("Write the result here instead of stdout")))]
    Rematch {
        /// Rematch request (proto3 JSON of mentormatch.v1.RematchRequest), or a plan workbook
        /// (plan.xlsx, its evaluation column filled in).
        request: PathBuf,
        #[command(flatten)]
        written: Written,
    },
    /// Write an empty school workbook (input sheets, an example row, dropdowns, notes) in
    /// the --lang language.
    Template {
        #[arg(long)]
        output: PathBuf,
        /// Fill the sheets with this request (proto3 JSON) instead of the example rows.
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// Read a workbook (XLSX, or a folder or zip of CSV files) and write the request as
    /// proto3 JSON; every problem is listed by cell, and nothing is written on a problem.
    Import {
        file: PathBuf,
        /// Write here instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
        /// When the workbook has problems, write a copy with the bad cells marked here.
        #[arg(long)]
        errors_out: Option<PathBuf>,
    },
    /// What-if: solve the request, then a scenario of changes as a rematch of that plan;
    /// print the change in coverage and fit and every pair that changes, with its reason.
    Whatif {
        /// Request file (proto3 JSON of mentormatch.v1.SolveRequest).
        request: PathBuf,
        /// Force a pair: STUDENT:MENTOR (repeatable).
        #[arg(long, value_parser = parse_pair)]
        force: Vec<(String, String)>,
        /// Forbid a pair: STUDENT:MENTOR (repeatable).
        #[arg(long, value_parser = parse_pair)]
        forbid: Vec<(String, String)>,
        /// Remove a mentor (repeatable).
        #[arg(long)]
        remove_mentor: Vec<String>,
        /// Set a mentor's capacity: MENTOR=N (repeatable).
        #[arg(long, value_parser = parse_capacity)]
        capacity: Vec<(String, u32)>,
        /// Add a weekly slot to a mentor: MENTOR=DAY-PERIOD, e.g. T0005=TUE-9 (repeatable).
        #[arg(long, value_parser = parse_slot)]
        add_slot: Vec<(String, String)>,
        /// The scenario's name in the answer.
        #[arg(long, default_value = "what-if")]
        name: String,
        /// More scenarios, each solved on its own: a JSON file with `{"scenarios": [...]}` in
        /// the proto3 JSON of mentormatch.v1.WhatIfRequest (the flags above add one more).
        #[arg(long)]
        scenarios: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write the result here instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Write the model the solver sees (needs, capacities, every candidate pair with its score)
    /// as JSON, for the peer comparison in benches/peers/.
    ExportModel { request: PathBuf },
    /// Serve the gRPC API (mentormatch.v1.MentorMatch, health, reflection).
    Serve {
        /// Listening address; defaults to 127.0.0.1:50051 (or the config's addr).
        #[arg(long)]
        addr: Option<std::net::SocketAddr>,
        /// TOML config file (see README).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Check a request and list every problem, without solving.
    Validate { request: PathBuf },
    /// Write the OpenAPI 3.1 document of the HTTP/JSON API (generated from the proto; the
    /// checked-in copy is proto/openapi.json).
    Openapi {
        /// Write here instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Ask a running server whether it serves (grpc.health.v1 Check): exit 0 when SERVING,
    /// 1 otherwise. For container health checks.
    Health {
        /// The server's address.
        #[arg(long, default_value = "http://127.0.0.1:50051")]
        url: String,
        /// Seconds to wait for the answer.
        #[arg(long, default_value_t = 3)]
        timeout: u64,
    },
    /// Write a realistic synthetic request.
    Generate {
        #[arg(long)]
        students: usize,
        #[arg(long)]
        mentors: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// One need per student (the model of the performance reference figures).
        #[arg(long)]
        single_need: bool,
        /// Another shape: one normal-priority need each, a sixth of the mentors qualified for
        /// every student, nearly flat scores (see `generate::generate_flat`).
        #[arg(long, conflicts_with = "single_need")]
        flat: bool,
        /// Write here instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

// What `solve` and `rematch` write and where (the rematch says `--output` in its own words).
// No doc comment: clap would take it for the subcommands' description.
#[derive(clap::Args, Debug)]
pub struct Written {
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the result here instead of stdout (a folder for --format csv).
    #[arg(long)]
    output: Option<PathBuf>,
    /// When a workbook has problems, write a copy with the bad cells marked here.
    #[arg(long)]
    errors_out: Option<PathBuf>,
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once(':') {
        Some((s, m)) if !s.is_empty() && !m.is_empty() => Ok((s.to_string(), m.to_string())),
        _ => Err(format!(
            "expected STUDENT:MENTOR, got {:?}",
            crate::domain::clip(text)
        )),
    }
}

fn parse_capacity(text: &str) -> Result<(String, u32), String> {
    let bad = || format!("expected MENTOR=N, got {:?}", crate::domain::clip(text));
    let (m, n) = text.split_once('=').ok_or_else(bad)?;
    let n: u32 = n.trim().parse().map_err(|_| bad())?;
    if m.is_empty() {
        return Err(bad());
    }
    Ok((m.to_string(), n))
}

fn parse_slot(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((m, slot)) if !m.is_empty() && !slot.is_empty() => {
            Ok((m.to_string(), slot.to_string()))
        }
        _ => Err(format!(
            "expected MENTOR=DAY-PERIOD, got {:?}",
            crate::domain::clip(text)
        )),
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Readable report with sentences.
    Table,
    /// proto3 JSON of mentormatch.v1.SolveResponse.
    Json,
    /// One self-contained printable page (charts, one class per A4 page): solve and rematch.
    Html,
    /// A workbook (needs --output FILE.xlsx): the plan's sheets and the input sheets.
    Xlsx,
    /// The workbook's sheets as CSV files, UTF-8 with a byte-order mark (needs --output DIR).
    Csv,
}

fn parse_lang(s: &str) -> Result<crate::i18n::Lang, String> {
    s.parse()
        .map_err(|e: crate::i18n::UnknownLang| e.to_string())
}

/// Everything that can stop a CLI run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid request: {source}")]
    Parse {
        path: PathBuf,
        source: proto::DecodeError,
    },
    #[error(transparent)]
    Invalid(#[from] InvalidRequest),
    #[error(transparent)]
    Solve(#[from] solver::SolveError),
    #[error("{path} is not a valid rematch request: {source}")]
    ParseRematch {
        path: PathBuf,
        source: proto::DecodeError,
    },
    #[error("cannot encode the result: {0}")]
    Encode(serde_json::Error),
    #[error("--{flag} must be at most {max}")]
    TooLarge { flag: &'static str, max: usize },
    #[error("{path} is not UTF-8 text: invalid byte at offset {offset}")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error(transparent)]
    Server(#[from] crate::server::ServerError),
    #[error("cannot reach {url}: {source}")]
    Connect {
        url: String,
        source: tonic::transport::Error,
    },
    #[error("the service answered {code:?}: {message}")]
    Remote {
        code: tonic::Code,
        message: String,
        violations: Vec<String>,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("{url} is not serving: {state}")]
    NotServing { url: String, state: String },
    #[error("--format {format} is not available for {command} (use table or json)")]
    FormatNotSupported {
        format: &'static str,
        command: &'static str,
    },
    #[error(transparent)]
    Sheet(#[from] crate::sheet::Rejected),
    #[error(transparent)]
    SheetWrite(#[from] crate::sheet::book::WriteError),
    #[error("--format {format} writes files: give --output")]
    NeedsOutput { format: &'static str },
}

impl From<crate::rematch::RematchError> for CliError {
    fn from(e: crate::rematch::RematchError) -> Self {
        match e {
            crate::rematch::RematchError::Invalid(i) => CliError::Invalid(i),
            crate::rematch::RematchError::Solve(s) => CliError::Solve(s),
        }
    }
}

impl From<crate::whatif::WhatIfError> for CliError {
    fn from(e: crate::whatif::WhatIfError) -> Self {
        match e {
            crate::whatif::WhatIfError::Invalid(i) => CliError::Invalid(i),
            crate::whatif::WhatIfError::Solve(s) => CliError::Solve(s),
        }
    }
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Parse { .. }
            | CliError::ParseRematch { .. }
            | CliError::Invalid(_)
            | CliError::TooLarge { .. }
            | CliError::NotUtf8 { .. }
            | CliError::FormatNotSupported { .. }
            | CliError::Sheet(_)
            | CliError::NeedsOutput { .. }
            | CliError::Solve(solver::SolveError::OverBudget { .. }) => 2,
            CliError::Remote {
                code: tonic::Code::InvalidArgument,
                ..
            } => 2,
            _ => 1,
        }
    }
}

/// Sets up logging on stderr; `RUST_LOG` overrides the default `warn` level.
pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}

/// Runs a parsed command and maps the result to an exit code, printing errors on stderr.
pub fn run(args: Args) -> ExitCode {
    let budget = solver::Budget {
        max_candidate_pairs: args.max_pairs,
        max_memory_bytes: args.max_memory_mb.saturating_mul(1 << 20),
        ..solver::Budget::default()
    };
    let lang = args.lang;
    match dispatch(args.command, budget, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Invalid(invalid)) => {
            eprintln!(
                "error: the request has {} problem(s):",
                invalid.violations.len()
            );
            for v in &invalid.violations {
                let field = crate::sheet::errors::field_label(&v.path, lang);
                let message = crate::sheet::errors::render_violation(lang, v, &field);
                eprintln!("  {}: {} [{}]", v.path, message, v.code.code());
            }
            ExitCode::from(2)
        }
        Err(CliError::Sheet(rejected)) => {
            eprintln!("error: {rejected}:");
            for p in &rejected.problems {
                eprintln!("  {p}");
            }
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            if let CliError::Remote { violations, .. } = &e {
                for v in violations {
                    eprintln!("  {v}");
                }
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Reads a text file as UTF-8, accepting (and dropping) a byte-order mark, which editors on
/// Windows write; any other invalid byte is named by its offset.
fn read_text(path: &Path) -> Result<String, CliError> {
    let mut bytes = std::fs::read(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| CliError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Reads a request file (proto3 JSON).
pub fn read_request(path: &Path) -> Result<pb::SolveRequest, CliError> {
    read_json(path, |path, source| CliError::Parse { path, source })
}

/// Reads a proto3 JSON file; `invalid` makes the error for text that is not the message.
fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    invalid: fn(PathBuf, proto::DecodeError) -> CliError,
) -> Result<T, CliError> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|source| invalid(path.to_path_buf(), source.into()))
}

/// Writes the result to `output` atomically (a temporary file in the same folder, then a
/// rename), so a run killed half-way never leaves a truncated file; or to stdout.
fn write_out(output: Option<&Path>, text: &str) -> Result<(), CliError> {
    match output {
        Some(path) => write_bytes(path, text.as_bytes()),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|source| CliError::Write {
                    path: PathBuf::from("<stdout>"),
                    source,
                })
        }
    }
}

/// Writes `bytes` to `path` atomically (a temporary file in the same folder, then a rename).
fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let err = |source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(err)
}

/// Writes a workbook as XLSX, or as CSV files into the folder `path` (`--format csv`).
fn write_book(
    path: &Path,
    book: &crate::sheet::book::Book,
    format: Format,
) -> Result<(), CliError> {
    if format == Format::Csv {
        std::fs::create_dir_all(path).map_err(|source| CliError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        for (name, bytes) in book.to_csv() {
            write_bytes(&path.join(name), &bytes)?;
        }
        Ok(())
    } else {
        write_bytes(path, &book.to_xlsx()?)
    }
}

/// Reads a request from JSON or from a workbook (XLSX, a folder or zip of CSV files); a
/// workbook's problems are listed by cell, and copied with the cells marked to `errors_out`.
fn load_request(
    path: &Path,
    lang: crate::i18n::Lang,
    errors_out: Option<&Path>,
) -> Result<pb::SolveRequest, CliError> {
    if !crate::sheet::is_sheet_input(path) {
        return read_request(path);
    }
    load_sheet(path, lang, crate::sheet::Purpose::Request, errors_out).map(|i| i.request)
}

fn load_sheet(
    path: &Path,
    lang: crate::i18n::Lang,
    purpose: crate::sheet::Purpose,
    errors_out: Option<&Path>,
) -> Result<crate::sheet::Imported, CliError> {
    crate::sheet::load(path, lang, purpose).or_else(|(rejected, grid)| {
        if let (Some(out), Some(grid)) = (errors_out, grid) {
            let copy = crate::sheet::errors_out::marked_copy(&grid, &rejected.problems);
            write_book(out, &copy, Format::Xlsx)?;
        }
        Err(CliError::Sheet(rejected))
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)
}

/// Sends a request to a running service and returns its JSON reply.
pub async fn solve_remote(url: String, request: pb::SolveRequest) -> Result<String, CliError> {
    use tonic_types::StatusExt;
    let mut client = pb::mentor_match_client::MentorMatchClient::connect(url.clone())
        .await
        .map_err(|source| CliError::Connect { url, source })?
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX);
    let mut call = tonic::Request::new(request);
    if let Ok(token) = std::env::var(crate::server::TOKEN_ENV) {
        if let Ok(value) = format!("Bearer {}", token.trim()).parse() {
            call.metadata_mut().insert("authorization", value);
        }
    }
    match client.solve(call).await {
        Ok(reply) => {
            let mut text =
                serde_json::to_string_pretty(&reply.into_inner()).map_err(CliError::Encode)?;
            text.push('\n');
            Ok(text)
        }
        Err(status) => Err(CliError::Remote {
            code: status.code(),
            message: status.message().to_string(),
            violations: status
                .get_details_bad_request()
                .map(|b| {
                    b.field_violations
                        .iter()
                        .map(|v| format!("{}: {}", v.field, v.description))
                        .collect()
                })
                .unwrap_or_default(),
        }),
    }
}

/// Asks a server's health service whether it serves.
async fn health(url: String, timeout: u64) -> Result<(), CliError> {
    use tonic_health::pb::health_check_response::ServingStatus;
    let wait = std::time::Duration::from_secs(timeout.max(1));
    let not_serving = |state: String| CliError::NotServing {
        url: url.clone(),
        state,
    };
    let check = async {
        let channel = tonic::transport::Endpoint::from_shared(url.clone())
            .map_err(|e| not_serving(e.to_string()))?
            .connect()
            .await
            .map_err(|e| not_serving(format!("cannot connect: {e}")))?;
        tonic_health::pb::health_client::HealthClient::new(channel)
            .check(tonic_health::pb::HealthCheckRequest {
                service: String::new(),
            })
            .await
            .map_err(|s| not_serving(format!("{:?}: {}", s.code(), s.message())))
    };
    let reply = tokio::time::timeout(wait, check)
        .await
        .map_err(|_| not_serving(format!("no answer within {}s", wait.as_secs())))??;
    match reply.into_inner().status() {
        ServingStatus::Serving => write_out(None, "SERVING\n"),
        other => Err(not_serving(other.as_str_name().to_string())),
    }
}

/// Solves a request and renders it in the chosen format.
pub fn solve_to_string(request: pb::SolveRequest, format: Format) -> Result<String, CliError> {
    solve_to_string_within(request, format, solver::Budget::default(), Lang::En)
}

/// As [`solve_to_string`], with everything written for people in `lang`.
pub fn solve_to_string_in(
    request: pb::SolveRequest,
    format: Format,
    lang: Lang,
) -> Result<String, CliError> {
    solve_to_string_within(request, format, solver::Budget::default(), lang)
}

/// As [`solve_to_string`], refusing requests over `budget`.
pub fn solve_to_string_within(
    request: pb::SolveRequest,
    format: Format,
    budget: solver::Budget,
    lang: Lang,
) -> Result<String, CliError> {
    let problem = validate(RawRequest::from(request))?;
    let mut options = solver::SolveOptions::from_policy(&problem);
    options.budget = budget;
    let outcome = engine::solve_with(&problem, options)?;
    Ok(match format {
        Format::Table => crate::render::text::render_in(&problem, &outcome, lang),
        Format::Html => crate::report::solve_page(&problem, &outcome, lang),
        Format::Xlsx | Format::Csv => return Err(needs_output(format)),
        Format::Json => pretty(&proto::response_in(&problem, &outcome, lang))?,
    })
}

/// One subcommand, handed to the function that runs it.
fn dispatch(command: Command, budget: solver::Budget, lang: Lang) -> Result<(), CliError> {
    match command {
        Command::Solve {
            request,
            written,
            server,
        } => solve(&request, written, server, budget, lang),
        Command::Rematch { request, written } => rematch(&request, written, budget, lang),
        Command::Whatif {
            request,
            force,
            forbid,
            remove_mentor,
            capacity,
            add_slot,
            name,
            scenarios,
            format,
            output,
        } => {
            let changes = whatif_changes(force, forbid, remove_mentor, capacity, add_slot);
            let flags = (!changes.is_empty()).then_some(crate::whatif::Scenario { name, changes });
            let files = (request.as_path(), scenarios.as_deref(), output.as_deref());
            whatif(files, flags, format, budget, lang)
        }
        Command::ExportModel { request } => export_model(&request),
        Command::Serve { addr, config } => serve(config.as_deref(), addr),
        Command::Openapi { output } => {
            write_out(output.as_deref(), &crate::service::openapi::document_text())
        }
        Command::Health { url, timeout } => runtime()?.block_on(health(url, timeout)),
        Command::Template { output, from } => template(&output, from.as_deref(), lang),
        Command::Import {
            file,
            output,
            errors_out,
        } => {
            let purpose = crate::sheet::Purpose::Request;
            let imported = load_sheet(&file, lang, purpose, errors_out.as_deref())?;
            write_out(output.as_deref(), &pretty(&imported.request)?)
        }
        Command::Validate { request } => check(&request, budget, lang),
        Command::Generate {
            students,
            mentors,
            seed,
            single_need,
            flat,
            output,
        } => {
            let request = generated(students, mentors, seed, single_need, flat)?;
            write_out(output.as_deref(), &pretty(&request)?)
        }
    }
}

/// `template`: the empty workbook, or one filled with the request `from`.
fn template(output: &Path, from: Option<&Path>, lang: Lang) -> Result<(), CliError> {
    let book = match from {
        None => crate::sheet::template::template(lang),
        Some(path) => crate::sheet::template::filled(&read_request(path)?, lang),
    };
    write_book(output, &book, Format::Xlsx)
}

/// `value` as pretty proto3 JSON with a final new line.
fn pretty<T: serde::Serialize>(value: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(value).map_err(CliError::Encode)?;
    s.push('\n');
    Ok(s)
}

/// The error for a workbook format without `--output`.
fn needs_output(format: Format) -> CliError {
    CliError::NeedsOutput {
        format: if format == Format::Csv { "csv" } else { "xlsx" },
    }
}

/// `solve`: a report, JSON or a page on stdout (or `--output`), a workbook into `--output`,
/// or the JSON answer of a running service (`--server`).
fn solve(
    request: &Path,
    written: Written,
    server: Option<String>,
    budget: solver::Budget,
    lang: Lang,
) -> Result<(), CliError> {
    let (format, output, errors_out) = (written.format, written.output, written.errors_out);
    let errors_out = errors_out.as_deref();
    let request = load_request(request, lang, errors_out)?;
    if matches!(format, Format::Xlsx | Format::Csv) {
        let output = output.ok_or_else(|| needs_output(format))?;
        let problem = validate(RawRequest::from(request.clone()))?;
        let mut options = solver::SolveOptions::from_policy(&problem);
        options.budget = budget;
        let outcome = engine::solve_with(&problem, options)?;
        let book = crate::sheet::export::plan_book(&problem, &outcome, &request, lang);
        return write_book(&output, &book, format);
    }
    let text = match server {
        None => solve_to_string_within(request, format, budget, lang)?,
        Some(url) => runtime()?.block_on(solve_remote(url, request))?,
    };
    write_out(output.as_deref(), &text)
}

/// `rematch`: the diff and the new plan, from a rematch request or a plan workbook.
fn rematch(
    request: &Path,
    written: Written,
    budget: solver::Budget,
    lang: Lang,
) -> Result<(), CliError> {
    let (format, output, errors_out) = (written.format, written.output, written.errors_out);
    let errors_out = errors_out.as_deref();
    let (req, origin) = if crate::sheet::is_sheet_input(request) {
        let purpose = crate::sheet::Purpose::Rematch;
        let imported = load_sheet(request, lang, purpose, errors_out)?;
        (imported.rematch_request(), Some(imported.origin))
    } else {
        let invalid = |path, source| CliError::ParseRematch { path, source };
        let req: pb::RematchRequest = read_json(request, invalid)?;
        (req, None)
    };
    let outcome = match crate::rematch::rematch_within(req.clone().into(), None, budget, None) {
        // A workbook's problems are named by cell, like the import's.
        Err(crate::rematch::RematchError::Invalid(invalid)) if origin.is_some() => {
            let problems = origin.map(|o| o.problems(&invalid)).unwrap_or_default();
            return Err(rejected_workbook(request, problems, errors_out, lang));
        }
        other => other?,
    };
    if matches!(format, Format::Xlsx | Format::Csv) {
        let output = output.ok_or_else(|| needs_output(format))?;
        let book = crate::sheet::export::rematch_book(&outcome, &req, lang);
        return write_book(&output, &book, format);
    }
    let text = match format {
        Format::Table | Format::Xlsx | Format::Csv => {
            crate::render::changes::render_rematch(&outcome, lang)
        }
        Format::Html => crate::report::rematch_page(&outcome, lang),
        Format::Json => pretty(&proto::rematch_response_in(&outcome, lang))?,
    };
    write_out(output.as_deref(), &text)
}

/// A plan workbook whose rematch request is invalid: its problems by cell, and with
/// `--errors-out` a copy with the bad cells marked (or the error writing it).
fn rejected_workbook(
    request: &Path,
    problems: Vec<crate::sheet::SheetProblem>,
    errors_out: Option<&Path>,
    lang: Lang,
) -> CliError {
    if let Some(out) = errors_out {
        if let Ok((grid, _)) = crate::sheet::read::read_grid(request, lang) {
            let copy = crate::sheet::errors_out::marked_copy(&grid, &problems);
            if let Err(e) = write_book(out, &copy, Format::Xlsx) {
                return e;
            }
        }
    }
    let file = request.display().to_string();
    CliError::Sheet(crate::sheet::Rejected { file, problems })
}

/// The scenario the what-if flags describe, in the order forced, forbidden, removed,
/// capacities, added slots.
fn whatif_changes(
    force: Vec<(String, String)>,
    forbid: Vec<(String, String)>,
    remove_mentor: Vec<String>,
    capacity: Vec<(String, u32)>,
    add_slot: Vec<(String, String)>,
) -> Vec<crate::whatif::Change> {
    use crate::whatif::Change;
    let mut changes: Vec<Change> = Vec::new();
    changes.extend(force.into_iter().map(|(s, m)| Change::Force {
        student_id: s,
        mentor_id: m,
    }));
    changes.extend(forbid.into_iter().map(|(s, m)| Change::Forbid {
        student_id: s,
        mentor_id: m,
    }));
    changes.extend(
        remove_mentor
            .into_iter()
            .map(|m| Change::RemoveMentor { mentor_id: m }),
    );
    changes.extend(capacity.into_iter().map(|(m, c)| Change::Capacity {
        mentor_id: m,
        capacity: c,
    }));
    changes.extend(
        add_slot
            .into_iter()
            .map(|(m, slot)| Change::AddSlot { mentor_id: m, slot }),
    );
    changes
}

/// `whatif`: `files` is (the request, the scenarios file, the output); the scenarios of the
/// file come first, then the one of the flags (if any).
fn whatif(
    files: (&Path, Option<&Path>, Option<&Path>),
    flags: Option<crate::whatif::Scenario>,
    format: Format,
    budget: solver::Budget,
    lang: Lang,
) -> Result<(), CliError> {
    let (request, scenarios, output) = files;
    if format == Format::Html {
        return Err(CliError::FormatNotSupported {
            format: "html",
            command: "whatif",
        });
    }
    let raw = RawRequest::from(read_request(request)?);
    let mut all: Vec<crate::whatif::Scenario> = match scenarios {
        None => Vec::new(),
        Some(path) => {
            let invalid = |path, source| CliError::Parse { path, source };
            let req: pb::WhatIfRequest = read_json(path, invalid)?;
            req.scenarios.into_iter().map(Into::into).collect()
        }
    };
    all.extend(flags);
    let outcome = crate::whatif::what_if(raw, &all, None, budget, None)?;
    let text = match format {
        // Html was refused above, before solving; workbooks are for solve and rematch.
        Format::Table | Format::Html | Format::Xlsx | Format::Csv => {
            crate::render::changes::render_whatif(&outcome, lang)
        }
        Format::Json => pretty(&proto::whatif_response_in(&outcome, lang))?,
    };
    write_out(output, &text)
}

/// `export-model`: the needs, capacities and every candidate pair with its score, as JSON.
fn export_model(request: &Path) -> Result<(), CliError> {
    let problem = validate(RawRequest::from(read_request(request)?))?;
    let candidates = engine::candidates(&problem);
    let mut text = String::with_capacity(candidates.len() * 24 + 1024);
    text.push_str("{\"max_mentors_per_student\":");
    text.push_str(&problem.policy.max_mentors_per_student.to_string());
    text.push_str(",\"capacities\":");
    let caps: Vec<u32> = problem.mentors.iter().map(|m| m.capacity).collect();
    text.push_str(&serde_json::to_string(&caps).map_err(CliError::Encode)?);
    text.push_str(",\"needs\":");
    let needs: Vec<(u32, u8)> = problem
        .needs
        .iter()
        .map(|n| (n.student, n.priority as u8))
        .collect();
    text.push_str(&serde_json::to_string(&needs).map_err(CliError::Encode)?);
    text.push_str(",\"pairs\":[");
    let mut first = true;
    for n in 0..problem.needs.len() as u32 {
        for c in candidates.of_need(n) {
            if !first {
                text.push(',');
            }
            first = false;
            text.push_str(&format!(
                "[{n},{},{}]",
                candidates.mentors[c], candidates.scores[c]
            ));
        }
    }
    text.push_str("]}\n");
    write_out(None, &text)
}

/// `serve`: runs the server until a shutdown signal.
fn serve(config: Option<&Path>, addr: Option<std::net::SocketAddr>) -> Result<(), CliError> {
    let settings = crate::server::Settings::load(config, addr)?;
    let rt = runtime()?;
    let served = rt.block_on(async move {
        let listener = crate::server::bind(&settings).await?;
        crate::server::serve(settings, listener, crate::server::shutdown_signal()).await
    });
    // A solve still running after the grace (the integer program cannot be
    // interrupted) must not hold the process: exit within a second.
    rt.shutdown_timeout(std::time::Duration::from_millis(300));
    served?;
    Ok(())
}

/// `validate`: the request's problems, or its size (pairs counted, never built).
fn check(request: &Path, budget: solver::Budget, lang: Lang) -> Result<(), CliError> {
    let problem = validate(RawRequest::from(load_request(request, lang, None)?))?;
    // Counted, never built.
    let pairs = budget.count(&problem, &crate::rules::QualificationIndex::build(&problem))?;
    let mut text = crate::i18n::trf(
        lang,
        "report.validate.valid",
        &[
            ("students", &problem.students.len()),
            ("mentors", &problem.mentors.len()),
            ("needs", &problem.needs.len()),
            ("pairs", &pairs),
        ],
    );
    text.push('\n');
    write_out(None, &text)
}

/// `generate`: a synthetic request within the size limits.
fn generated(
    students: usize,
    mentors: usize,
    seed: u64,
    single_need: bool,
    flat: bool,
) -> Result<pb::SolveRequest, CliError> {
    use crate::domain::limits::{MAX_MENTORS, MAX_STUDENTS};
    for (flag, n, max) in [
        ("students", students, MAX_STUDENTS),
        ("mentors", mentors, MAX_MENTORS),
    ] {
        if n > max {
            return Err(CliError::TooLarge { flag, max });
        }
    }
    Ok(pb::SolveRequest::from(if flat {
        generate::generate_flat(students, mentors, seed)
    } else {
        generate::generate_with(students, mentors, seed, single_need)
    }))
}
