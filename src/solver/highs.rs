//! The one file that touches HiGHS: the rest of the solver sees plain numbers and the two
//! interfaces here, so that another backend would replace this file alone.
//!
//! - **The integer program** ([`solve_mip`]): `mip/model.rs` builds each stage with good_lp,
//!   generic over its solver; this file picks HiGHS for it ([`mip_solver`]), sets its options
//!   (one thread, a fixed seed, the time limit, the gaps, the heuristics), hears the deadline,
//!   and maps what HiGHS answers to ours ([`MipRun`], [`mip_status`]).
//! - **The live LP** ([`Lp`]): the pattern master of `side/master.rs` and its integer and
//!   floored variants, a model kept across many solves, to which columns are added and whose
//!   costs and bounds change in place (raw calls: the `highs` crate has no such edits). A
//!   large one runs HiGHS's parallel dual simplex ([`PARALLEL_DUAL_ROWS`]); every other model
//!   runs on one thread, and [`ready_threads`] keeps HiGHS's per-thread scheduler the width of
//!   each run.
//!
//! Both hear the caller's deadline through HiGHS's interrupt callbacks. Every `unsafe` block of
//! the solver is here. It must not import the domain: callers pass plain numbers.

use std::os::raw::c_int;

use good_lp::solvers::highs::HighsProblem;
use good_lp::ResolutionError;
use highs::{ColProblem, HighsModelStatus, HighsSolutionStatus, Sense};

use super::{SolveError, SolveStatus, Until};

/// The callback HiGHS calls in its loops: asks it to stop once the deadline passed.
unsafe extern "C" fn on_interrupt_check(
    _kind: std::os::raw::c_int,
    _message: *const std::os::raw::c_char,
    _out: *const highs_sys::HighsCallbackDataOut,
    data_in: *mut highs_sys::HighsCallbackDataIn,
    user: *mut std::os::raw::c_void,
) {
    // SAFETY: `user` is the `Until` given to `interrupt_at`, which outlives the solve (the
    // solve is synchronous and the value lives on the caller's stack until it returns);
    // `data_in` is HiGHS's own, valid during the call, and may be null for some kinds.
    let until = unsafe { &*(user as *const Until) };
    if !data_in.is_null() && until.passed() {
        unsafe { (*data_in).user_interrupt = 1 };
    }
}

/// Installs [`on_interrupt_check`] for the simplex, interior-point and MIP loops. `until`
/// must stay where it is until the model is solved.
fn interrupt_at(model: &mut highs::Model, until: &mut Until) {
    let ptr = model.as_mut_ptr();
    // SAFETY: `ptr` is the live HiGHS instance owned by `model`; the callback's data pointer
    // stays valid for the solve (see `on_interrupt_check`). Failures only mean no interrupt.
    unsafe {
        highs_sys::Highs_setCallback(
            ptr,
            Some(on_interrupt_check),
            until as *mut Until as *mut std::os::raw::c_void,
        );
        for kind in [
            highs_sys::kHighsCallbackSimplexInterrupt,
            highs_sys::kHighsCallbackIpmInterrupt,
            highs_sys::kHighsCallbackMipInterrupt,
        ] {
            highs_sys::Highs_startCallback(ptr, kind);
        }
    }
}

/// Whether HiGHS should write its log (`MENTOR_MATCH_HIGHS_LOG` set: for diagnosing a slow
/// model). Read by the integer program's stages and the pattern master alike.
pub(super) fn log_requested() -> bool {
    std::env::var_os("MENTOR_MATCH_HIGHS_LOG").is_some()
}

/// Sets a HiGHS option; a rejected one is an error naming it.
fn set_option<V: highs::HighsOptionValue>(
    model: &mut highs::Model,
    option: &'static str,
    value: V,
) -> Result<(), SolveError> {
    model
        .try_set_option(option, value)
        .map_err(|_| SolveError::Option { option })
}

/// The options every HiGHS model here runs with: one thread and a fixed seed (the same request
/// gives the same plans and prices), quiet unless [`log_requested`] (then to the console).
fn base_options(model: &mut highs::Model) -> Result<(), SolveError> {
    let verbose = log_requested();
    set_option(model, "output_flag", verbose)?;
    set_option(model, "log_to_console", verbose)?;
    set_option(model, "threads", 1)?;
    set_option(model, "random_seed", 0)
}

/// The pattern master's LPs from this many rows up run HiGHS's parallel dual simplex (SIP,
/// `simplex_strategy` 2), on two threads where two are free (see [`TwoThreads`]).
///
/// Why: SIP splits each iteration's PRICE and its updates into slices whose number HiGHS fixes
/// whatever the threads ("code with multiple concurrency can be run in serial",
/// `HEkk::chooseSimplexStrategyThreads`), so one thread or two take the same pivots to the same
/// bits (a unit test holds it), and on every instance measured they were the serial dual
/// simplex's too (the same bytes on the school, 4,000x1,000, the district, a rematch and the
/// twenty shapes of `benches/shapes/run-set.sh`). Two threads share each iteration's work where
/// the second core is free: in the twenty-sixth session the district's fit tier took 5.25
/// against 6.68 s of LP (the same 70.4 k iterations), 4,000x1,000 0.95x of the whole CLI
/// (paired, median of 10); on a busy hour of the machine the district gained nothing (0.99x).
/// Below the threshold it loses: 1,500x400 1.14x, 2,000x500 1.05x, 3,000x800 1.00x, the
/// 900-student school (~1,200 rows) 1.08x: the threads' hand-offs cost more than a small
/// LP's iterations.
///
/// SIP runs with its least concurrency (`simplex_max_concurrency` 3, one PRICE slice), not
/// HiGHS's default 8 (six slices, for eight threads). Its parallelism is then that of
/// `HEkkDual::iterateTasks`: the dual steepest-edge weights' FTRAN (a third of an iteration
/// at the district, measured in the twenty-third session) beside PRICE, CHUZC and the
/// pivotal column's FTRAN. On this two-core machine: the same bytes, 4,000x1,000 0.95x and
/// the district 0.98x of the default's wall time (paired), with less CPU.
const PARALLEL_DUAL_ROWS: usize = 3_000;

/// Parallel dual simplex runs on two threads in this process right now (0 or 1).
static TWO_THREAD_RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The right to run one parallel dual simplex on two threads: held for one solve, where this
/// thread has two free (see [`crate::parallel::threads_free_here`]: one inside a split over
/// the cores) and no other solve of the process holds it (concurrent requests on the server
/// each run their own master: two threads each would be more threads than cores). Otherwise
/// the solve runs on one thread, to the same pivots.
struct TwoThreads(bool);

impl TwoThreads {
    fn take() -> TwoThreads {
        use std::sync::atomic::Ordering;
        let free = crate::parallel::threads_free_here() >= 2;
        TwoThreads(
            free && TWO_THREAD_RUNS
                .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire)
                .is_ok(),
        )
    }

    fn threads(&self) -> i32 {
        if self.0 {
            2
        } else {
            1
        }
    }
}

impl Drop for TwoThreads {
    fn drop(&mut self) {
        if self.0 {
            TWO_THREAD_RUNS.store(0, std::sync::atomic::Ordering::Release);
        }
    }
}

thread_local! {
    /// The width of this thread's HiGHS scheduler; 0 before HiGHS first ran here. HiGHS keeps
    /// one scheduler per calling thread, made at that thread's first run with the run's
    /// `threads`, and refuses a later run whose `threads` differs.
    static SCHEDULER_THREADS: std::cell::Cell<i32> = const { std::cell::Cell::new(0) };
}

/// Readies this thread's HiGHS scheduler for a run of `model` on `threads` threads: where the
/// scheduler HiGHS keeps for this thread is of another width (a parallel master LP ran here,
/// and now an integer program does, or the other way), it is shut down first, so that the run
/// makes one of the right width. Every run of HiGHS here goes through this.
fn ready_threads(model: &mut highs::Model, threads: i32) {
    let was = SCHEDULER_THREADS.with(|s| s.replace(threads));
    if was != 0 && was != threads {
        // SAFETY: called on the thread whose scheduler it shuts down (HiGHS keeps one per
        // calling thread), between runs: no run of HiGHS is in progress on this thread, as
        // `Highs_resetThreadScheduler` requires.
        unsafe { highs_sys::Highs_resetThreadScheduler(1) };
    }
    if model.try_set_option("threads", threads).is_err() {
        tracing::debug!(threads, "HiGHS refused its threads option");
    }
}

/// Simplex iterations of the model's last solve, for the master's trace (where a slow
/// re-solve's time goes: iterations, or the factor and edge weights HiGHS rebuilds).
/// (`Highs_getSimplexIterationCount` is deprecated and says so in HiGHS's log.)
fn simplex_iterations(model: &highs::Model) -> i64 {
    const NAME: &std::ffi::CStr = c"simplex_iteration_count";
    let mut count: highs_sys::HighsInt = 0;
    // SAFETY: `model` owns a live HiGHS instance; `NAME` and `count` outlive the call, which
    // only reads its info.
    unsafe { highs_sys::Highs_getIntInfoValue(model.as_ptr(), NAME.as_ptr(), &mut count) };
    i64::from(count)
}

/// Sets HiGHS's `time_limit` to `left` from now. HiGHS compares that option with its run
/// clock, which adds up every solve of the instance since it was made (`Highs::run` starts the
/// clock and never resets it), so a model solved again and again (the pattern master's column
/// generation, the columns' programme's tiers) is given its run time so far plus what is left:
/// `left` alone stopped the district's master after 10 s of a budget of 23.
fn set_time_left(model: &mut highs::Model, left: std::time::Duration) {
    // SAFETY: `model` owns a live HiGHS instance; the call only reads its timer.
    let run_so_far = unsafe { highs_sys::Highs_getRunTime(model.as_ptr()) };
    let limit = run_so_far.max(0.0) + left.as_secs_f64().max(0.001);
    model.set_option("time_limit", limit);
}

/// The solver `mip/model.rs` builds each stage's model for (good_lp's HiGHS backend).
pub(super) fn mip_solver() -> impl good_lp::Solver<Model = HighsProblem> {
    good_lp::solvers::highs::highs
}

/// HiGHS's settings for one stage of the integer program.
#[derive(Clone, Copy, Debug)]
pub(super) struct MipSettings {
    /// HiGHS's own time limit, in seconds (the deadline is heard as well, see [`interrupt_at`]).
    pub time_limit: f64,
    /// The relative gap at which HiGHS may stop (0: proven optimal only).
    pub relative_gap: f64,
    /// The absolute gap at which HiGHS may stop (below the objective's finest step).
    pub absolute_gap: f64,
    /// Whether HiGHS runs its feasibility-jump heuristic (a search for a first plan).
    pub feasibility_jump: bool,
    /// HiGHS's cut pool held to this many rows (None: HiGHS's default).
    pub cut_pool: Option<i32>,
    /// Whether HiGHS's mod-k (zero-half) cut separator runs (the vendored HiGHS's
    /// `mip_allow_modk_separation`; HiGHS's default: it does).
    pub modk_cuts: bool,
    /// Whether HiGHS presolves the model (off only to retry a stage its presolve got wrong:
    /// see `mip::Model::run`).
    pub presolve: bool,
    /// Whether the LP relaxation is solved first, its optimum taken as the program's where
    /// it is integral (see [`solve_mip`]).
    pub lp_first: bool,
    /// HiGHS's expected setup for the program, in seconds (`mip::setup_seconds`): after the
    /// relaxation, the program is started only where the time left covers it (see
    /// [`solve_mip`]).
    pub setup: f64,
    /// Plans worth no more than this are not searched for (HiGHS's `objective_bound`, given
    /// in its minimising sense: every model here is maximised): a caller holding a plan of
    /// that value needs only a better one, and where there is none HiGHS ends `Infeasible`.
    pub cutoff: Option<f64>,
}

/// What one solve of the integer program found.
#[derive(Debug)]
pub(super) struct MipRun {
    /// Our status for the plan; None: the model is infeasible.
    pub status: Option<SolveStatus>,
    /// HiGHS holds a feasible plan (`columns` is it).
    pub feasible: bool,
    /// The value of every column of the model, in the order good_lp made them.
    pub columns: Vec<f64>,
    /// The objective HiGHS reports for that plan.
    pub objective: f64,
    /// HiGHS's dual bound (infinite when it has none).
    pub dual_bound: f64,
}

/// Failures of the integer program's solves, injected by tests on their own thread: HiGHS
/// fails a stage only now and then (its presolve's "untransformed violations", once in
/// thousands of random schools), too rarely for a test to meet on purpose, and what the solver
/// does then (keep its best plan) must be tested all the same.
#[cfg(test)]
pub(super) mod faults {
    use std::cell::Cell;

    thread_local! {
        static FAIL_NEXT: Cell<u32> = const { Cell::new(0) };
    }

    /// Runs `f` with its next `count` integer-program solves failing as HiGHS's would (on
    /// this thread); returns what it returned and how many injected failures it left unmet.
    /// None are left pending afterwards.
    pub(crate) fn with_failures<R>(count: u32, f: impl FnOnce() -> R) -> (R, u32) {
        FAIL_NEXT.with(|c| c.set(count));
        let out = f();
        let left = FAIL_NEXT.with(|c| c.replace(0));
        (out, left)
    }

    /// Whether this solve is one of them (and counts it).
    pub(super) fn take() -> bool {
        FAIL_NEXT.with(|f| {
            let left = f.get();
            f.set(left.saturating_sub(1));
            left > 0
        })
    }
}

/// Solves one stage's model (built by `mip/model.rs` for [`mip_solver`]) with `settings`,
/// stopping at `deadline` (HiGHS's interrupt callbacks) or at its own time limit.
pub(super) fn solve_mip(
    problem: HighsProblem,
    settings: &MipSettings,
    deadline: Until,
) -> Result<MipRun, SolveError> {
    let mut model = problem
        .try_into_inner()
        .map_err(|source| SolveError::Backend {
            stage: "model build",
            source,
        })?;
    base_options(&mut model)?;
    set_option(&mut model, "time_limit", settings.time_limit)?;
    set_option(&mut model, "mip_rel_gap", settings.relative_gap)?;
    set_option(&mut model, "mip_abs_gap", settings.absolute_gap)?;
    set_option(
        &mut model,
        "mip_heuristic_run_feasibility_jump",
        settings.feasibility_jump,
    )?;
    if let Some(rows) = settings.cut_pool {
        set_option(&mut model, "mip_pool_soft_limit", rows)?;
    }
    set_option(&mut model, "mip_allow_modk_separation", settings.modk_cuts)?;
    if !settings.presolve {
        set_option(&mut model, "presolve", "off")?;
    }
    // HiGHS checks its own time limit only between pieces of work and overran it by minutes
    // in the root LP of large models (a 4,000 x 1,000 maxChanges rematch: 30 s limit, still
    // solving after 90 s). Its interrupt callbacks run every simplex / interior-point
    // iteration and MIP node: there it hears the deadline and the stop flag.
    let mut hear = deadline;
    interrupt_at(&mut model, &mut hear);
    ready_threads(&mut model, 1);
    #[cfg(test)]
    if faults::take() {
        return Err(SolveError::Backend {
            stage: "solve",
            source: ResolutionError::Str("a failure injected by a test".into()),
        });
    }
    if settings.lp_first {
        set_option(&mut model, "solve_relaxation", true)?;
        let relaxing = std::time::Instant::now();
        let relaxed = try_run(model)?;
        if let Some(run) = integral_optimum(&relaxed) {
            return Ok(run);
        }
        if let Some(stopped) = program_out_of_time(&relaxed, relaxing.elapsed(), settings, deadline)
        {
            return Ok(stopped);
        }
        model = relaxed.into();
        // The relaxation's point must not stay behind as a start for the program: HiGHS
        // would take it as a user's solution and try to complete it (a sub-MIP per run),
        // and its presolve then misread that start's objective (the 900-student school's
        // residual ended with a plan 33 points short, called optimal).
        // SAFETY: `model` owns a live HiGHS instance; clearing its solver state keeps the
        // model itself.
        unsafe { highs_sys::Highs_clearSolver(model.as_mut_ptr()) };
        set_option(&mut model, "solve_relaxation", false)?;
    }
    // The program's only: in an LP the same option ends the dual simplex early.
    if let Some(cutoff) = settings.cutoff {
        set_option(&mut model, "objective_bound", -cutoff)?;
    }
    let solved = try_run(model)?;
    let status = mip_status(solved.status(), settings.relative_gap, solved.mip_gap())?;
    let feasible = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    let columns = if status.is_some() && feasible {
        solved.get_solution().columns().to_vec()
    } else {
        Vec::new()
    };
    let dual_bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite())
        .unwrap_or(f64::INFINITY);
    Ok(MipRun {
        status,
        feasible,
        columns,
        objective: solved.objective_value(),
        dual_bound,
    })
}

/// Where the relaxation (solved first, fractional) leaves the program no time, the stage's
/// run as stopped: no plan (the caller keeps its start; a residual's bound is its caller's).
/// The program's setup (presolve, clique table, probing) does not hear the deadline,
/// and its root solves an LP like the relaxation's afresh, so it is not started where the time
/// left covers less than both: a tied 900-student school's residual at a 0.3 s limit, started
/// with 80 ms left after a 140 ms relaxation, spent 80 ms in presolve and ended past the
/// deadline with nothing. Nor where the deadline stopped the relaxation itself.
fn program_out_of_time(
    relaxed: &highs::SolvedModel,
    relaxing: std::time::Duration,
    settings: &MipSettings,
    deadline: Until,
) -> Option<MipRun> {
    let needs = relaxing.as_secs_f64() + settings.setup;
    let stopped = match relaxed.status() {
        HighsModelStatus::Optimal => deadline.left().as_secs_f64() < needs,
        HighsModelStatus::ReachedTimeLimit | HighsModelStatus::ReachedInterrupt => true,
        _ => false,
    };
    if !stopped {
        return None;
    }
    tracing::debug!(
        relaxation_ms = relaxing.as_millis() as u64,
        left_ms = deadline.left().as_millis() as u64,
        "integer program: no time for the program after its relaxation"
    );
    Some(MipRun {
        status: Some(SolveStatus::TimeLimit),
        feasible: false,
        columns: Vec::new(),
        objective: f64::NAN,
        dual_bound: f64::INFINITY,
    })
}

/// One run of HiGHS on `model` (the relaxation or the program); a refusal is a backend error.
fn try_run(model: highs::Model) -> Result<highs::SolvedModel, SolveError> {
    model.try_solve().map_err(|e| SolveError::Backend {
        stage: "solve",
        source: ResolutionError::Str(format!("{e:?}")),
    })
}

/// Largest distance from an integer at which an LP optimum's integer column counts as
/// integral (HiGHS's own `mip_feasibility_tolerance` is 1e-6).
const INTEGRAL_TOLERANCE: f64 = 1e-6;

/// The LP relaxation's optimum as the program's, where HiGHS found it optimal and every
/// integer column of it is integral: then no integer plan is better (the relaxation bounds
/// them all), and that vertex is one.
fn integral_optimum(relaxed: &highs::SolvedModel) -> Option<MipRun> {
    if relaxed.status() != HighsModelStatus::Optimal
        || relaxed.primal_solution_status() != HighsSolutionStatus::Feasible
    {
        return None;
    }
    let columns = relaxed.get_solution().columns().to_vec();
    let integral = columns.iter().enumerate().all(|(j, v)| {
        let mut integrality: highs_sys::HighsInt = 0;
        // SAFETY: `relaxed` owns a live HiGHS instance and `j` is one of its columns; the
        // call only reads the column's integrality.
        let read = unsafe {
            highs_sys::Highs_getColIntegrality(
                relaxed.as_ptr(),
                j as highs_sys::HighsInt,
                &mut integrality,
            )
        };
        let continuous = read == highs_sys::kHighsStatusOk as highs_sys::HighsInt
            && integrality == highs_sys::kHighsVarTypeContinuous as highs_sys::HighsInt;
        continuous || (v - v.round()).abs() <= INTEGRAL_TOLERANCE
    });
    if !integral {
        return None;
    }
    let objective = relaxed.objective_value();
    Some(MipRun {
        status: Some(SolveStatus::Optimal),
        feasible: true,
        columns,
        objective,
        dual_bound: objective,
    })
}

/// How a solve of an [`Lp`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LpEnd {
    /// At the optimum (of the LP, or of the integer programme within its gaps).
    Optimal,
    /// At the limit set with [`Lp::set_iteration_limit`].
    IterationLimit,
    /// Anything else: the deadline, or a model HiGHS could not solve.
    Stopped,
}

/// Where a column or a row sits in a basis given to [`Lp::set_basis`]: a row "at its upper
/// bound" has its activity there (its slack nonbasic).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum BasisPlace {
    Lower,
    Basic,
    Upper,
}

/// HiGHS's default dual feasibility tolerance.
pub(super) const DEFAULT_DUAL_TOLERANCE: f64 = 1e-7;

/// What a solve of an [`Lp`] found.
#[derive(Debug)]
pub(super) struct LpRun {
    pub end: LpEnd,
    /// HiGHS's own status, for the logs.
    pub status: String,
    /// HiGHS holds a feasible point (`columns` is it).
    pub feasible: bool,
    pub objective: f64,
    /// Simplex iterations of this solve.
    pub iterations: i64,
    /// Row duals (HiGHS's signs: a maximisation's `≤` row is priced at or above zero) and
    /// column values, where the solve ended optimal or feasible; empty otherwise.
    pub duals: Vec<f64>,
    pub columns: Vec<f64>,
}

/// A maximisation kept across many solves: rows made up front, columns added as column
/// generation finds them, costs and bounds changed in place between solves. Rows and columns
/// are addressed by position, in the order they were made. The model moves out for each solve
/// and back (the `highs` crate's `try_solve` takes it by value): after a solve HiGHS refused,
/// it is gone and every later call does nothing (a solve then returns None).
pub(super) struct Lp {
    model: Option<highs::Model>,
    /// Where HiGHS's interrupt callback reads the deadline: boxed so that its address stays
    /// put while the model lives.
    until: Box<Until>,
    /// Whether its solves run HiGHS's parallel dual simplex (see [`PARALLEL_DUAL_ROWS`]).
    parallel_dual: bool,
}

impl Lp {
    /// An LP over `rows` (`(lo, hi)`, infinite where open), no columns yet.
    ///
    /// Its dual simplex prices row-wise at every iteration (`simplex_price_strategy` 1),
    /// without HiGHS's default switch to a column-wise PRICE when the pivotal row looks dense:
    /// on the pattern master the same iterations and the same optimum, and less LP time,
    /// measured in the twenty-fifth session (one binary, the option alternated): the
    /// district's master 8.97-9.12 s of LP against 9.38-9.89 s, the 4,000x1,000 school's fit
    /// tier 504-508 against 521-527 ms; the whole CLI of four shapes of the shapes set 0.90-0.99x
    /// (dense, homeroom, affinity, many needs; one run each), the 900-student school 1.00x
    /// (paired, 20 runs). `gen4000s1_k2`'s coverage tiers, whose LP is denser, were mixed
    /// (normal 0.97x, low 1.08x of LP time, one run each).
    pub(super) fn maximise(rows: &[(f64, f64)], deadline: Until) -> Lp {
        Lp::maximise_as(rows, deadline, rows.len() >= PARALLEL_DUAL_ROWS)
    }

    /// [`Lp::maximise`], with HiGHS's parallel dual simplex or its serial one as asked.
    fn maximise_as(rows: &[(f64, f64)], deadline: Until, parallel_dual: bool) -> Lp {
        let mut pb = ColProblem::default();
        add_rows(&mut pb, rows);
        let mut lp = Lp::of(pb, deadline);
        if let Some(model) = lp.model.as_mut() {
            if set_option(model, "simplex_price_strategy", 1).is_err() {
                // Refused: HiGHS's default PRICE gives the same optimum, only slower.
                tracing::debug!("HiGHS refused simplex_price_strategy; its default kept");
            }
            if parallel_dual {
                // The fewest slices SIP takes (its least concurrency, 3): one, see
                // [`PARALLEL_DUAL_ROWS`].
                let sip = set_option(model, "simplex_strategy", 2)
                    .and_then(|()| set_option(model, "simplex_max_concurrency", 3));
                if sip.is_ok() {
                    lp.parallel_dual = true;
                } else {
                    tracing::debug!("HiGHS refused simplex_strategy; its serial dual kept");
                }
            }
        }
        lp
    }

    /// An integer programme over `rows` whose columns, `(entries, upper)` with `entries` as
    /// `(row, units)`, are integers in `[0, upper]` at cost 0 (set the costs with
    /// [`Lp::change_all_col_costs`]).
    pub(super) fn maximise_integer(
        rows: &[(f64, f64)],
        columns: impl Iterator<Item = (Vec<(usize, f64)>, f64)>,
        deadline: Until,
    ) -> Lp {
        let mut pb = ColProblem::default();
        let made = add_rows(&mut pb, rows);
        for (entries, upper) in columns {
            let entries: Vec<(highs::Row, f64)> = entries
                .into_iter()
                .map(|(r, units)| (made[r], units))
                .collect();
            pb.add_integer_column(0.0, 0.0..=upper, entries);
        }
        Lp::of(pb, deadline)
    }

    /// The [`base_options`] of every model, and with the log HiGHS's developer log and
    /// consistency checks where asked for. An LP whose options HiGHS refused is born gone (see
    /// [`Lp`]): its solves return None.
    fn of(pb: ColProblem, deadline: Until) -> Lp {
        let mut model = pb.optimise(Sense::Maximise);
        let configured = base_options(&mut model).is_ok();
        if log_requested() {
            if let Ok(level) = std::env::var("MENTOR_MATCH_HIGHS_DEV") {
                model.set_option("log_dev_level", level.parse::<i32>().unwrap_or(1));
            }
            // HiGHS's time per simplex operation at every solve (8: its solver-time analysis).
            if let Ok(level) = std::env::var("MENTOR_MATCH_HIGHS_ANALYSIS") {
                model.set_option("highs_analysis_level", level.parse::<i32>().unwrap_or(8));
            }
            // HiGHS's own consistency checks (factor, edge weights, basis) at every solve: for
            // checking a change to the vendored HiGHS (vendor/highs-sys/MENTOR-MATCH.md).
            if let Ok(level) = std::env::var("MENTOR_MATCH_HIGHS_DEBUG") {
                model.set_option("highs_debug_level", level.parse::<i32>().unwrap_or(1));
            }
        }
        let mut until = Box::new(deadline);
        interrupt_at(&mut model, &mut until);
        Lp {
            model: configured.then_some(model),
            until,
            parallel_dual: false,
        }
    }

    /// Whether the model is still there (see [`Lp`]).
    pub(super) fn alive(&self) -> bool {
        self.model.is_some()
    }

    /// The deadline the next solves hear.
    pub(super) fn set_deadline(&mut self, deadline: Until) {
        *self.until = deadline;
    }

    /// The deadline set last (see [`Lp::set_deadline`]).
    pub(super) fn deadline(&self) -> Until {
        *self.until
    }

    /// Solves from the last basis, until the optimum, the deadline or the iteration limit.
    /// None when HiGHS refused the model (it is then gone).
    pub(super) fn solve(&mut self) -> Option<LpRun> {
        let two = self.parallel_dual.then(TwoThreads::take);
        let run = self.solve_on(two.as_ref().map_or(1, TwoThreads::threads));
        drop(two);
        run
    }

    /// [`Lp::solve`] on `threads` of HiGHS's threads.
    fn solve_on(&mut self, threads: i32) -> Option<LpRun> {
        let mut model = self.model.take()?;
        set_time_left(&mut model, self.until.left());
        ready_threads(&mut model, threads);
        let solved = model.try_solve().ok()?;
        let status = solved.status();
        let end = match status {
            HighsModelStatus::Optimal => LpEnd::Optimal,
            HighsModelStatus::ReachedIterationLimit => LpEnd::IterationLimit,
            _ => LpEnd::Stopped,
        };
        let feasible = solved.primal_solution_status() == HighsSolutionStatus::Feasible;
        let objective = solved.objective_value();
        let (duals, columns) = if end == LpEnd::Optimal || feasible {
            let solution = solved.get_solution();
            (solution.dual_rows().to_vec(), solution.columns().to_vec())
        } else {
            (Vec::new(), Vec::new())
        };
        let model: highs::Model = solved.into();
        let iterations = simplex_iterations(&model);
        self.model = Some(model);
        Some(LpRun {
            end,
            status: format!("{status:?}"),
            feasible,
            objective,
            iterations,
            duals,
            columns,
        })
    }

    /// HiGHS's random cost perturbation of the dual simplex on (its default) or off.
    pub(super) fn set_perturbation(&mut self, on: bool) {
        if let Some(model) = self.model.as_mut() {
            model.set_option(
                "dual_simplex_cost_perturbation_multiplier",
                if on { 1.0 } else { 0.0 },
            );
        }
    }

    /// HiGHS's dual feasibility tolerance (its default: [`DEFAULT_DUAL_TOLERANCE`]): how far
    /// a reduced cost may sit on the wrong side of zero in an answer called optimal.
    pub(super) fn set_dual_tolerance(&mut self, tolerance: f64) {
        if let Some(model) = self.model.as_mut() {
            model.set_option("dual_feasibility_tolerance", tolerance);
        }
    }

    /// Simplex iterations a solve may take (`i32::MAX`: no limit).
    pub(super) fn set_iteration_limit(&mut self, limit: i32) {
        if let Some(model) = self.model.as_mut() {
            model.set_option("simplex_iteration_limit", limit);
        }
    }

    /// A starting basis for the next solve: each column's and each row's place, in order.
    /// False when HiGHS refuses it (it then keeps the basis it had).
    pub(super) fn set_basis(&mut self, columns: &[BasisPlace], rows: &[BasisPlace]) -> bool {
        let Some(model) = self.model.as_mut() else {
            return false;
        };
        let code = |p: &BasisPlace| match p {
            BasisPlace::Lower => highs_sys::kHighsBasisStatusLower,
            BasisPlace::Basic => highs_sys::kHighsBasisStatusBasic,
            BasisPlace::Upper => highs_sys::kHighsBasisStatusUpper,
        };
        let columns: Vec<highs_sys::HighsInt> = columns.iter().map(code).collect();
        let rows: Vec<highs_sys::HighsInt> = rows.iter().map(code).collect();
        // SAFETY: `model` owns a live HiGHS instance; HiGHS reads one status per column and
        // one per row, and the lengths are checked against its own counts first.
        unsafe {
            let ptr = model.as_mut_ptr();
            if highs_sys::Highs_getNumCol(ptr) as usize != columns.len()
                || highs_sys::Highs_getNumRow(ptr) as usize != rows.len()
            {
                return false;
            }
            highs_sys::Highs_setBasis(ptr, columns.as_ptr(), rows.as_ptr())
                != highs_sys::STATUS_ERROR
        }
    }

    /// HiGHS's feasibility jump heuristic at the start of an integer programme's solve on
    /// (its default) or off. It spends a fixed effort (~4 ms a solve, measured on programmes
    /// of 25 columns) where a tiny programme's first plan comes from its root LP anyway.
    pub(super) fn set_feasibility_jump(&mut self, on: bool) {
        if let Some(model) = self.model.as_mut() {
            model.set_option("mip_heuristic_run_feasibility_jump", on);
        }
    }

    /// The gaps at which an integer programme's solve may stop.
    pub(super) fn set_mip_gaps(&mut self, absolute: f64, relative: f64) {
        if let Some(model) = self.model.as_mut() {
            model.set_option("mip_abs_gap", absolute);
            model.set_option("mip_rel_gap", relative);
        }
    }

    /// Columns added in one call (one call per column re-sized HiGHS's model each time: ~27 ms
    /// of the 4,000x1,000 school's master). Column `j` has cost `costs[j]`, bounds
    /// `[0, uppers[j]]` and the entries `(rows[k], values[k])` for `k` in
    /// `starts[j]..starts[j+1]` (`starts` has one more element than `costs`). False when HiGHS
    /// refuses them or the model is gone.
    pub(super) fn add_columns(
        &mut self,
        costs: &[f64],
        uppers: &[f64],
        starts: &[usize],
        rows: &[usize],
        values: &[f64],
    ) -> bool {
        let Some(model) = self.model.as_mut() else {
            return false;
        };
        let count = costs.len();
        if count == 0 {
            return true;
        }
        assert!(uppers.len() == count && starts.len() == count + 1 && rows.len() == values.len());
        let lowers = vec![0.0; count];
        let starts: Vec<c_int> = starts[..count].iter().map(|&x| x as c_int).collect();
        let index: Vec<c_int> = rows.iter().map(|&r| r as c_int).collect();
        // SAFETY: `model` owns a live HiGHS instance; every array holds `count` columns' data
        // (or `values.len()` entries) and outlives the call, which copies them.
        let status = unsafe {
            highs_sys::Highs_addCols(
                model.as_mut_ptr(),
                count as c_int,
                costs.as_ptr(),
                lowers.as_ptr(),
                uppers.as_ptr(),
                index.len() as c_int,
                starts.as_ptr(),
                index.as_ptr(),
                values.as_ptr(),
            )
        };
        status != highs_sys::STATUS_ERROR
    }

    /// Every column's cost at once (`costs[j]` for column `j`): one call instead of one per
    /// column, whose fixed cost in HiGHS was ~4 % of the school's pattern master. False when
    /// HiGHS refuses the call (a range past its last column: then no cost changed) or the
    /// model is gone.
    pub(super) fn change_all_col_costs(&mut self, costs: &[f64]) -> bool {
        let Some(model) = self.model.as_mut() else {
            return false;
        };
        let Some(last) = costs.len().checked_sub(1) else {
            return true;
        };
        // SAFETY: `model` owns a live HiGHS instance with at least `costs.len()` columns (the
        // caller passes one cost per column it added), and HiGHS reads `costs.len()` values
        // from the pointer during the call only.
        let status = unsafe {
            highs_sys::Highs_changeColsCostByRange(
                model.as_mut_ptr(),
                0,
                last as c_int,
                costs.as_ptr(),
            )
        };
        status != highs_sys::STATUS_ERROR
    }

    /// Column `col` held in `[lower, upper]`.
    pub(super) fn change_col_bounds(&mut self, col: usize, lower: f64, upper: f64) {
        if let Some(model) = self.model.as_mut() {
            // SAFETY: `model` owns a live HiGHS instance and `col` is one of its columns
            // (callers only ever add columns, and address them in the order they were added).
            unsafe {
                highs_sys::Highs_changeColBounds(model.as_mut_ptr(), col as c_int, lower, upper);
            }
        }
    }

    /// Row `row` held in `[lower, upper]`.
    pub(super) fn change_row_bounds(&mut self, row: usize, lower: f64, upper: f64) {
        if let Some(model) = self.model.as_mut() {
            // SAFETY: `row` indexes a row made with the LP (callers never add rows later).
            unsafe {
                highs_sys::Highs_changeRowBounds(model.as_mut_ptr(), row as c_int, lower, upper);
            }
        }
    }

    /// The cost of every column, in order (for tests of the in-place edits).
    #[cfg(test)]
    pub(super) fn col_costs(&self) -> Vec<f64> {
        let Some(model) = self.model.as_ref() else {
            return Vec::new();
        };
        // SAFETY: `model` owns a live HiGHS instance; `costs` holds one value per column and
        // the matrix pointers are null, which HiGHS skips.
        unsafe {
            let count = highs_sys::Highs_getNumCol(model.as_ptr());
            let mut costs = vec![0.0; count.max(0) as usize];
            if count > 0 {
                let (mut num_col, mut num_nz) = (0, 0);
                highs_sys::Highs_getColsByRange(
                    model.as_ptr(),
                    0,
                    count - 1,
                    &mut num_col,
                    costs.as_mut_ptr(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    &mut num_nz,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                );
            }
            costs
        }
    }
}

/// `rows` (`(lo, hi)`) in `pb`, in order: `[lo, ∞)` where `lo` is finite and `hi` is not,
/// `(−∞, hi]` where `lo` is not, `[lo, hi]` otherwise.
fn add_rows(pb: &mut ColProblem, rows: &[(f64, f64)]) -> Vec<highs::Row> {
    rows.iter()
        .map(|&(lo, hi)| match (lo.is_finite(), hi.is_finite()) {
            (true, false) => pb.add_row(lo..),
            (false, _) => pb.add_row(..=hi),
            (true, true) => pb.add_row(lo..=hi),
        })
        .collect()
}

/// What a MIP solve's model status means for the plan: `Ok(None)` for an infeasible model.
/// `relative_gap` is the gap the caller allowed and `mip_gap` the one HiGHS reached: a solve
/// stopped at a positive allowed gap is not proven optimal.
fn mip_status(
    status: HighsModelStatus,
    relative_gap: f64,
    mip_gap: f64,
) -> Result<Option<SolveStatus>, SolveError> {
    Ok(Some(match status {
        HighsModelStatus::Optimal => {
            if relative_gap > 0.0 && mip_gap.is_finite() && mip_gap > 1e-9 {
                SolveStatus::GapLimit
            } else {
                SolveStatus::Optimal
            }
        }
        HighsModelStatus::ObjectiveBound | HighsModelStatus::ObjectiveTarget => {
            SolveStatus::GapLimit
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedMemoryLimit => SolveStatus::TimeLimit,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => return Ok(None),
        other => {
            return Err(SolveError::Backend {
                stage: "solve",
                source: ResolutionError::Str(format!("unexpected HiGHS status {other:?}")),
            })
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_allowed_and_reached_is_not_called_optimal() {
        let optimal = mip_status(HighsModelStatus::Optimal, 0.0, 0.3).unwrap();
        assert_eq!(optimal, Some(SolveStatus::Optimal));
        let gapped = mip_status(HighsModelStatus::Optimal, 0.01, 0.005).unwrap();
        assert_eq!(gapped, Some(SolveStatus::GapLimit));
        let stopped = mip_status(HighsModelStatus::ReachedInterrupt, 0.0, 0.0).unwrap();
        assert_eq!(stopped, Some(SolveStatus::TimeLimit));
        assert_eq!(
            mip_status(HighsModelStatus::Infeasible, 0.0, 0.0).unwrap(),
            None
        );
        assert!(mip_status(HighsModelStatus::ModelEmpty, 0.0, 0.0).is_err());
    }

    /// Rows' `(lo, hi)`, as [`Lp::maximise`] takes them.
    type RowBounds = Vec<(f64, f64)>;

    /// A transportation LP: `capacity.len()` mentor rows after `needs` need rows (needs `<= 1`,
    /// mentors `<= capacity`), and a function adding `pairs[from..to]` (need, mentor, cost)
    /// as columns in `[0, 1]`.
    fn transportation(
        needs: usize,
        capacity: &[f64],
        pairs: Vec<(usize, usize, f64)>,
    ) -> (RowBounds, impl Fn(&mut Lp, usize, usize)) {
        let mut rows: Vec<(f64, f64)> = vec![(f64::NEG_INFINITY, 1.0); needs];
        rows.extend(capacity.iter().map(|&c| (f64::NEG_INFINITY, c)));
        let add = move |lp: &mut Lp, from: usize, to: usize| {
            let new = &pairs[from..to];
            let costs: Vec<f64> = new.iter().map(|p| p.2).collect();
            let starts: Vec<usize> = (0..=new.len()).map(|j| 2 * j).collect();
            let rows: Vec<usize> = new.iter().flat_map(|&(n, m, _)| [n, needs + m]).collect();
            let values = vec![1.0; rows.len()];
            let uppers = vec![1.0; new.len()];
            assert!(lp.add_columns(&costs, &uppers, &starts, &rows, &values));
        };
        (rows, add)
    }

    /// A random [`transportation`] LP of `needs` needs and `mentors` mentors (capacities 1-5),
    /// five candidate mentors a need, and its number of pairs.
    fn random_transportation(
        needs: usize,
        mentors: usize,
        seed: u64,
    ) -> (RowBounds, usize, impl Fn(&mut Lp, usize, usize)) {
        let mut state = seed;
        let mut next = move || {
            state = crate::rules::splitmix64(state);
            state
        };
        let capacity: Vec<f64> = (0..mentors).map(|_| (1 + next() % 5) as f64).collect();
        let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
        for n in 0..needs {
            for k in 0..5 {
                let m = (n * 7 + k * 131 + (next() % 17) as usize) % mentors;
                pairs.push((n, m, 1.0 + (next() % 1_000) as f64 / 100.0));
            }
        }
        let count = pairs.len();
        let (rows, add) = transportation(needs, &capacity, pairs);
        (rows, count, add)
    }

    /// The parallel dual simplex on one thread and on two, and the serial one, from the same
    /// LP through the same column additions: the two parallel runs take the same pivots to the
    /// same bits (the answer does not depend on the threads HiGHS had), and all three reach
    /// the same optimum. Run on a thread of its own, so that its runs on two threads are not
    /// refused for another test's (see [`TwoThreads`]).
    #[test]
    fn the_parallel_dual_simplex_gives_the_same_answer_on_one_thread_or_two() {
        std::thread::spawn(|| {
            let (rows, count, add) = random_transportation(2_400, 700, 0x9e37_79b9_7f4a_7c15);
            assert!(
                rows.len() >= PARALLEL_DUAL_ROWS,
                "the size the master runs it at"
            );
            let mut serial = Lp::maximise_as(&rows, Until::far(), false);
            let mut one = Lp::maximise_as(&rows, Until::far(), true);
            let mut two = Lp::maximise_as(&rows, Until::far(), true);
            assert!(one.parallel_dual && !serial.parallel_dual);
            let mut upto = 0;
            for end in [count / 2, count / 2 + 40, count] {
                for lp in [&mut serial, &mut one, &mut two] {
                    add(lp, upto, end);
                }
                upto = end;
                let s = serial.solve_on(1).expect("serial solves");
                let a = one.solve_on(1).expect("one thread solves");
                let b = two.solve_on(2).expect("two threads solve");
                for run in [&s, &a, &b] {
                    assert_eq!(run.end, LpEnd::Optimal, "{upto} columns");
                }
                assert_eq!(a.iterations, b.iterations, "{upto} columns");
                assert_eq!(
                    a.objective.to_bits(),
                    b.objective.to_bits(),
                    "{upto} columns"
                );
                assert_eq!(a.duals, b.duals, "{upto} columns");
                assert_eq!(a.columns, b.columns, "{upto} columns");
                assert!(
                    (a.objective - s.objective).abs() < 1e-6,
                    "{upto} columns: {} against the serial {}",
                    a.objective,
                    s.objective
                );
            }
        })
        .join()
        .expect("the runs' thread");
    }

    /// One thread runs HiGHS on two threads, then on one (an integer programme after a
    /// parallel master LP), then on two again: HiGHS keeps one scheduler per thread and
    /// refuses a run of another width, so [`ready_threads`] must shut the old one down.
    #[test]
    fn highs_runs_at_one_width_and_then_another_on_the_same_thread() {
        std::thread::spawn(|| {
            let (rows, count, add) = random_transportation(60, 12, 7);
            let mut lp = Lp::maximise_as(&rows, Until::far(), true);
            add(&mut lp, 0, count);
            let first = lp.solve_on(2).expect("solves on two threads");
            assert_eq!(first.end, LpEnd::Optimal);
            let columns = (0..count).map(|j| (vec![(j % 60, 1.0)], 1.0));
            let mut ip = Lp::maximise_integer(&rows, columns, Until::far());
            assert!(ip.change_all_col_costs(&vec![1.0; count]));
            let integer = ip.solve_on(1).expect("then on one: HiGHS took it");
            assert_eq!(integer.end, LpEnd::Optimal);
            assert!(
                (integer.objective - 60.0).abs() < 1e-9,
                "every need row once"
            );
            add(&mut lp, 0, 0);
            lp.change_col_bounds(0, 0.0, 0.0);
            let again = lp.solve_on(2).expect("and on two again");
            assert_eq!(again.end, LpEnd::Optimal);
            assert!(again.objective <= first.objective + 1e-9);
            assert_eq!(SCHEDULER_THREADS.with(std::cell::Cell::get), 2);
        })
        .join()
        .expect("the runs' thread");
    }

    /// Columns longer than any the LP had when HiGHS first factored its basis, added later
    /// and then taken into the basis. HiGHS sizes the basis matrix's arrays by the longest
    /// columns at its first solve; with the factorization kept across `addCols` (the vendored
    /// change), a basis of the new, longer columns wrote past them (heap corruption: the
    /// floored bound's LP, which starts from a few short columns and prices in patterns with
    /// floor entries, aborted the process on a 107-student school,
    /// `tests/mid_size.rs` seed 750). The vendored `HFactor::setupMatrix` now grows them. A
    /// dense square LP after a one-entry start: every re-solve must reach the fresh LP's
    /// optimum, and the process must live.
    #[test]
    fn columns_longer_than_the_first_ones_can_enter_the_basis() {
        let size = 40usize;
        const LONG: usize = 8;
        let rows: Vec<(f64, f64)> = vec![(f64::NEG_INFINITY, 1.0); size];
        let far = Until::far();
        // Column `j` of the dense block: every row, with a varied positive coefficient, so
        // that the optimal basis takes many of them.
        let dense = |j: usize| -> (f64, Vec<usize>, Vec<f64>) {
            let mut rows: Vec<usize> = (0..LONG).map(|k| (j * 3 + k * 5) % size).collect();
            rows.sort_unstable();
            rows.dedup();
            let values: Vec<f64> = rows
                .iter()
                .map(|r| 1.0 + ((r * 7 + j * 13) % 11) as f64 / 10.0)
                .collect();
            (10.0 + (j % 5) as f64, rows, values)
        };
        let add = |lp: &mut Lp, columns: &[(f64, Vec<usize>, Vec<f64>)]| {
            let costs: Vec<f64> = columns.iter().map(|c| c.0).collect();
            let mut starts = vec![0];
            let (mut index, mut values) = (Vec::new(), Vec::new());
            for c in columns {
                index.extend_from_slice(&c.1);
                values.extend_from_slice(&c.2);
                starts.push(index.len());
            }
            let uppers = vec![f64::INFINITY; columns.len()];
            assert!(lp.add_columns(&costs, &uppers, &starts, &index, &values));
        };
        // A first LP HiGHS factors: a cycle of two-entry columns.
        let short: Vec<_> = (0..size * 3 / 2)
            .map(|j| {
                let rows = [j % size, (j + 1 + j / size) % size];
                let (a, b) = (rows[0].min(rows[1]), rows[0].max(rows[1]));
                (0.5 + (j % 7) as f64 / 10.0, vec![a, b], vec![1.0, 1.0])
            })
            .filter(|c| c.1[0] != c.1[1])
            .collect();
        let long: Vec<_> = (0..size).map(dense).collect();
        let mut grown = Lp::maximise(&rows, far);
        add(&mut grown, &short);
        assert_eq!(grown.solve().expect("solves").end, LpEnd::Optimal);
        for batch in long.chunks(10) {
            add(&mut grown, batch);
            assert_eq!(grown.solve().expect("re-solves").end, LpEnd::Optimal);
        }
        let solved = grown.solve().expect("re-solves");
        let mut fresh = Lp::maximise(&rows, far);
        add(&mut fresh, &short);
        add(&mut fresh, &long);
        let fresh = fresh.solve().expect("solves");
        assert!(
            (solved.objective - fresh.objective).abs() < 1e-6,
            "{} against {}",
            solved.objective,
            fresh.objective
        );
    }

    /// The vendored HiGHS keeps its factorization and edge weights when columns are added to a
    /// solved LP (vendor/highs-sys/MENTOR-MATCH.md). Whatever it keeps, every re-solve must
    /// reach the optimum of the same LP built afresh: a transportation LP (needs `<= 1`,
    /// mentors `<= capacity`, pairs in `[0, 1]`) grown in batches, with varied and with
    /// heavily tied (degenerate) costs.
    #[test]
    fn columns_added_to_a_solved_lp_reach_the_fresh_lps_optimum() {
        for tied in [false, true] {
            let (needs, mentors) = (60usize, 12usize);
            let mut state = 0x2545_f491_4f6c_dd1du64 ^ u64::from(tied);
            let mut next = move || {
                state = crate::rules::splitmix64(state);
                state
            };
            let capacity: Vec<f64> = (0..mentors).map(|_| (2 + next() % 3) as f64).collect();
            // (need, mentor, cost) pairs, each need with five candidate mentors.
            let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
            for n in 0..needs {
                for k in 0..5 {
                    let m = (n * 7 + k * 5 + (next() % 3) as usize) % mentors;
                    let cost = if tied {
                        (1 + next() % 3) as f64
                    } else {
                        1.0 + (next() % 10_000) as f64 / 100.0
                    };
                    pairs.push((n, m, cost));
                }
            }
            let count = pairs.len();
            let (rows, add) = transportation(needs, &capacity, pairs);
            let far = Until::far();
            let fresh = |upto: usize| {
                let mut lp = Lp::maximise(&rows, far);
                add(&mut lp, 0, upto);
                lp.solve().expect("solves")
            };
            let first = count / 4;
            let mut grown = Lp::maximise(&rows, far);
            add(&mut grown, 0, first);
            assert_eq!(grown.solve().expect("solves").end, LpEnd::Optimal);
            let mut upto = first;
            for batch in [7, 40, 3, 90, 1, count] {
                let end = (upto + batch).min(count);
                add(&mut grown, upto, end);
                upto = end;
                let solved = grown.solve().expect("re-solves");
                let fresh = fresh(upto);
                assert_eq!(solved.end, LpEnd::Optimal, "tied {tied}");
                assert_eq!(fresh.end, LpEnd::Optimal, "tied {tied}");
                let (a, b) = (solved.objective, fresh.objective);
                assert!(
                    (a - b).abs() < 1e-6,
                    "tied {tied}, {upto} columns: {a} against {b}"
                );
            }
            assert_eq!(upto, count);
        }
    }

    /// The vendored cap on HiGHS's clique partition of the objective
    /// (`HighsCliqueTable::cliquePartition`, see `vendor/highs-sys/MENTOR-MATCH.md`): past a
    /// million neighbourhood queries the partition is given up. A program of 6,000 binaries in
    /// cliques of four (each of 1,500 items to at most one of four bins, the bins 300 short of
    /// the items) asks several million, so it takes the given-up path, and must still reach
    /// its optimum: its matrix is a transportation problem's, so the optimum is its LP
    /// relaxation's.
    #[test]
    fn a_program_past_the_clique_partitions_cap_still_reaches_its_optimum() {
        const ITEMS: usize = 1_500;
        const BINS: usize = 4;
        let solve = |integer: bool| {
            let mut pb = highs::RowProblem::default();
            let weight = |i: usize, j: usize| {
                1.0 + (crate::rules::splitmix64((i * BINS + j) as u64) % 100) as f64
            };
            let x: Vec<Vec<highs::Col>> = (0..ITEMS)
                .map(|i| {
                    (0..BINS)
                        .map(|j| pb.add_column_with_integrality(weight(i, j), 0.0..=1.0, integer))
                        .collect()
                })
                .collect();
            for row in &x {
                pb.add_row(..=1.0, row.iter().map(|&c| (c, 1.0)));
            }
            for j in 0..BINS {
                pb.add_row(..=300.0, x.iter().map(|row| (row[j], 1.0)));
            }
            let mut model = pb.optimise(highs::Sense::Maximise);
            base_options(&mut model).expect("options");
            model.set_option("mip_rel_gap", 0.0);
            let solved = model.try_solve().expect("solves");
            assert_eq!(solved.status(), HighsModelStatus::Optimal);
            solved.objective_value()
        };
        let (program, relaxation) = (solve(true), solve(false));
        assert!(
            (program - relaxation).abs() < 1e-6,
            "integer {program} against LP {relaxation}"
        );
    }

    /// The vendored option that leaves HiGHS's mod-k cut separator out
    /// (`mip_allow_modk_separation`, see `vendor/highs-sys/MENTOR-MATCH.md`): HiGHS knows it,
    /// holds what it is set to, and a program whose LP relaxation is loose in the way zero-half
    /// cuts close (a matching on odd cycles: 40 triangles, each edge a binary, each node in at
    /// most one edge; the LP takes every edge at a half, 60, and the optimum is one edge a
    /// triangle, 40) reaches its optimum without it, as with it.
    #[test]
    fn a_program_without_mod_k_cuts_still_reaches_its_optimum() {
        const TRIANGLES: usize = 40;
        let solve = |modk: bool| {
            let (program, _, _) = cycles_program(TRIANGLES, 3);
            let mut model = program.try_into_inner().expect("a model");
            base_options(&mut model).expect("options");
            model.set_option("mip_rel_gap", 0.0);
            set_option(&mut model, "mip_allow_modk_separation", modk).expect("a known option");
            const NAME: &std::ffi::CStr = c"mip_allow_modk_separation";
            let mut held = -1;
            // SAFETY: `model` owns a live HiGHS instance; `NAME` and `held` outlive the call.
            unsafe {
                highs_sys::Highs_getBoolOptionValue(model.as_ptr(), NAME.as_ptr(), &mut held)
            };
            assert_eq!(held, i32::from(modk), "the option holds what it was set to");
            let solved = model.try_solve().expect("solves");
            assert_eq!(solved.status(), HighsModelStatus::Optimal);
            solved.objective_value()
        };
        let (_, optimum, _) = cycles_program(TRIANGLES, 3);
        for modk in [false, true] {
            let got = solve(modk);
            assert!(
                (got - optimum).abs() < 1e-6,
                "mod-k {modk}: {got} against {optimum}"
            );
        }
    }

    /// A program over `cycles` cycles of `length` nodes: each edge a binary worth 1 (plus a
    /// little per cycle, so that no two cycles tie), each node in at most one edge. On even
    /// cycles the LP relaxation's optimum is integral (a bipartite matching); on odd ones it
    /// takes every edge at a half and is loose (a triangle: 1.5 against 1).
    fn cycles_program(cycles: usize, length: usize) -> (HighsProblem, f64, f64) {
        use good_lp::{variable, Expression, ProblemVariables, SolverModel};
        let weight = |c: usize| 1.0 + (c % 3) as f64 * 1e-3;
        let mut vars = ProblemVariables::new();
        let edges: Vec<Vec<good_lp::Variable>> = (0..cycles)
            .map(|_| vars.add_vector(variable().binary(), length))
            .collect();
        let objective: Expression = edges
            .iter()
            .enumerate()
            .flat_map(|(c, e)| e.iter().map(move |&x| weight(c) * x))
            .sum();
        let mut model = vars.maximise(objective).using(mip_solver());
        for e in &edges {
            for k in 0..length {
                model.add_constraint((e[k] + e[(k + 1) % length]).leq(1.0));
            }
        }
        let per_cycle = |c: usize| weight(c) * (length / 2) as f64;
        let optimum = (0..cycles).map(per_cycle).sum();
        let relaxation = (0..cycles).map(|c| weight(c) * length as f64 / 2.0).sum();
        (model, optimum, relaxation)
    }

    /// Settings that solve a test's program to its proven optimum (a minute's limit, no gap,
    /// HiGHS's own cuts and presolve), the relaxation first or not, with `setup` as the
    /// program's setup estimate.
    fn exact_settings(lp_first: bool, setup: f64) -> MipSettings {
        MipSettings {
            time_limit: 60.0,
            relative_gap: 0.0,
            absolute_gap: 1e-7,
            feasibility_jump: false,
            cut_pool: None,
            modk_cuts: true,
            presolve: true,
            lp_first,
            setup,
            cutoff: None,
        }
    }

    /// The LP relaxation taken first changes no answer: where its optimum is integral (even
    /// cycles) that optimum is the program's, with its value as the bound; where it is not
    /// (odd cycles; on 40 triangles the relaxation is 60 and the optimum 40) the program goes
    /// on to its own optimum, not the relaxation's value, and its relaxation's point does not
    /// stay behind as a start (HiGHS's presolve misread such a start's objective, and a
    /// 900-student school's residual ended 33 points short, called optimal).
    #[test]
    fn the_lp_relaxation_first_is_taken_only_where_it_is_integral() {
        let settings = |lp_first: bool| exact_settings(lp_first, 0.0);
        let deadline = Until::far();
        for (length, integral) in [(4, true), (6, true), (3, false), (5, false)] {
            let (_, optimum, relaxation) = cycles_program(40, length);
            assert_eq!(
                (optimum - relaxation).abs() < 1e-9,
                integral,
                "length {length}"
            );
            for lp_first in [false, true] {
                let (program, _, _) = cycles_program(40, length);
                let run = solve_mip(program, &settings(lp_first), deadline).expect("solves");
                assert_eq!(run.status, Some(SolveStatus::Optimal), "length {length}");
                assert!(run.feasible);
                let taken: f64 = run.columns.iter().sum();
                assert!(
                    (run.objective - optimum).abs() < 1e-6,
                    "length {length}, lp first {lp_first}: {} against {optimum}",
                    run.objective
                );
                assert_eq!(taken.round() as usize, 40 * (length / 2), "length {length}");
                assert!(
                    run.columns.iter().all(|v| (v - v.round()).abs() < 1e-6),
                    "length {length}, lp first {lp_first}: a fractional plan"
                );
                assert!((run.dual_bound - optimum).abs() < 1e-6, "length {length}");
            }
        }
    }

    /// After a fractional relaxation, the program is not started where the time left cannot
    /// cover its setup and a root LP like the relaxation's: the run comes back stopped, with no
    /// plan, at once (the caller keeps its start). With the time, the same program is solved.
    /// An integral relaxation is the answer whatever the time left.
    #[test]
    fn no_program_is_started_after_its_relaxation_without_the_time_for_it() {
        let settings = |setup: f64| exact_settings(true, setup);
        // The deadline an hour away; a setup estimated at two hours never fits in it.
        let (far, hours) = (Until::far(), 7200.0);
        let (triangles, _, _) = cycles_program(40, 3);
        let stopped = solve_mip(triangles, &settings(hours), far).expect("runs");
        assert_eq!(stopped.status, Some(SolveStatus::TimeLimit));
        assert!(!stopped.feasible && stopped.columns.is_empty());
        let (triangles, optimum, _) = cycles_program(40, 3);
        let solved = solve_mip(triangles, &settings(0.0), far).expect("runs");
        assert_eq!(solved.status, Some(SolveStatus::Optimal));
        assert!((solved.objective - optimum).abs() < 1e-6);
        let (squares, optimum, _) = cycles_program(40, 4);
        let integral = solve_mip(squares, &settings(hours), far).expect("runs");
        assert_eq!(integral.status, Some(SolveStatus::Optimal));
        assert!((integral.objective - optimum).abs() < 1e-6);
    }

    /// The limit set for a model solved before is its run time so far plus what is left, not
    /// what is left alone (HiGHS's clock adds up every solve of the instance).
    #[test]
    fn the_time_left_is_counted_from_the_models_run_time() {
        let mut pb = highs::RowProblem::default();
        let x = pb.add_column(1.0, 0.0..10.0);
        let y = pb.add_column(2.0, 0.0..10.0);
        pb.add_row(..=12.0, [(x, 1.0), (y, 1.0)]);
        let mut model = pb.optimise(highs::Sense::Maximise);
        base_options(&mut model).expect("options");
        let mut model: highs::Model = model.try_solve().expect("solves").into();
        let limit = |model: &highs::Model| {
            let name = std::ffi::CString::new("time_limit").expect("no NUL");
            let mut value = 0.0f64;
            // SAFETY: `model` owns a live HiGHS instance; `name` and `value` outlive the call.
            unsafe {
                highs_sys::Highs_getDoubleOptionValue(model.as_ptr(), name.as_ptr(), &mut value)
            };
            value
        };
        // SAFETY: as in `set_time_left`.
        let run = unsafe { highs_sys::Highs_getRunTime(model.as_ptr()) };
        assert!(run > 0.0, "the solve ran HiGHS's clock");
        set_time_left(&mut model, std::time::Duration::from_secs(5));
        let set = limit(&model);
        assert!(
            set >= 5.0 + run,
            "limit {set} for 5 s left after {run} s run"
        );
        assert!(set < 5.0 + run + 1.0, "limit {set}");
    }
}
