//! Solves the pairing exactly and lexicographically: first the most needs covered, level by
//! level from urgent to low, then the best fit among plans with that coverage. Two algorithms
//! share the candidate set and the objective (see [`solve_problem`]): a min-cost flow with
//! pricing (`flow.rs`) when the problem is a network, and the integer program (`mip/`,
//! good_lp building the model, HiGHS solving it; HiGHS is touched only in `highs.rs`) otherwise. Property tests check that they
//! agree.
//!
//! The integer program:
//!
//! The model, with `x[c]` = 1 when candidate pair c = (need n, mentor m) is made and
//! `y[s,m]` = 1 when student s takes a seat of mentor m:
//! - each need has at most one mentor: `Σ_m x[n,m] ≤ 1`;
//! - a mentor covering several needs of one student uses one seat: `x[n,m] ≤ y[s(n),m]`;
//! - capacity counts distinct students: `Σ_s y[s,m] ≤ capacity(m)`;
//! - a student has at most `max_mentors_per_student` mentors: `Σ_m y[s,m] ≤ max`;
//! - a locked pair is made and covers at least one need: `Σ_{n of s} x[n,m] ≥ 1`.
//!
//! Stage 1 maximises `Σ_c W(p(c)) x[c]` with integer weights chosen so that one need of a
//! higher priority outweighs every need below it (mixed radix, see [`coverage_weights`]).
//! Stage 2 maximises `Σ_c (B·2^level + score[c]) x[c]` and certifies the result by checking its
//! coverage against stage 1's (details in `mip/mod.rs`). Two solves rather than one big-M
//! objective keep every coefficient small and the optimum exact.
//!
//! Imports the domain and the rules; must not import the outcome, the explanations, the engine,
//! `proto`, the service or any renderer.

mod auction;
mod changes;
mod flow;
pub mod forced;
pub mod gain;
mod highs;
mod interchangeable;
mod mip;
mod network;
mod network_lp;
mod one_seat;
mod past_deadline;
mod side;
mod stopped;
pub mod verify;

pub use side::SideStats;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::domain::model::{MentorIx, MinKept, NeedIx, Problem, SolveTerms, StudentIx};
use crate::domain::Priority;
use crate::rules::{Candidates, QualificationIndex};

/// How the solve ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolveStatus {
    /// Every stage proven optimal.
    Optimal,
    /// The fit stage stopped at the requested relative gap.
    GapLimit,
    /// A stage stopped at the time limit; the best plan found is returned.
    TimeLimit,
    /// No plan satisfies the hard rules (locks that cannot all hold).
    Infeasible,
}

/// The largest fit difference two plans can have when the network methods' packed costs rank
/// them equal: every need's pair rounded to the fit quantum of this candidate set (see
/// `flow.rs`). Two exact answers to one question (a gain from the residual network and a
/// fresh solve of the changed school) agree on fit within twice this.
pub fn fit_tolerance(problem: &Problem, candidates: &Candidates) -> f64 {
    problem.needs.len().max(1) as f64 / flow::fit_scale_for(problem, candidates)
}

/// Needs covered per priority (index `Priority as usize`): the shape the "what it would
/// cost" answers (why-not, what-if, stability) subtract.
pub fn covered_by_priority(levels: &[LevelCoverage]) -> [i32; 4] {
    let mut out = [0i32; 4];
    for level in levels {
        out[level.priority as usize] += level.covered as i32;
    }
    out
}

/// Coverage reached at one priority level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelCoverage {
    pub priority: Priority,
    pub needs: u32,
    pub covered: u32,
    /// The most needs of this level any plan covers while covering as many as this one at
    /// every level above, as far as the solver proved it: `covered` where the plan's coverage
    /// here is proven maximal, more where a bound leaves room, `None` where nothing is proven
    /// (below the first level with room, or an answer stopped before any bound). Set by the
    /// methods on stopped answers only; [`Solution::reported_coverage`] fills in the proven
    /// ones (so two proven answers' coverages compare equal whichever method gave them). A plan
    /// stopped at its time limit is then still told apart from a proven one level by level,
    /// which its fit gap cannot do (a fit gap says nothing about coverage).
    pub at_most: Option<u32>,
}

/// The solver's answer: which candidate pairs are made, and how good the plan is proven to be.
#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    pub status: SolveStatus,
    /// Fit objective `Σ score[c] x[c]` of the returned plan.
    pub objective: f64,
    /// Best proven upper bound on the fit objective (given the coverage reached).
    pub best_bound: f64,
    /// Relative gap between objective and bound; 0 when proven optimal.
    pub gap: f64,
    /// Coverage per priority level present, most urgent first.
    pub coverage: Vec<LevelCoverage>,
    /// Positions in the candidate set of the pairs made, ascending.
    pub chosen: Vec<usize>,
}

impl Solution {
    /// The coverage per level as answered: a plan proven optimal (or stopped at the requested
    /// gap in the fit stage, after every coverage stage was proven) covers the most any plan
    /// reaches at every level, lexicographically, so each level's `at_most` is its `covered`;
    /// otherwise what the method proved (see [`LevelCoverage::at_most`]).
    pub fn reported_coverage(&self) -> Vec<LevelCoverage> {
        // The fit stage alone stops at a gap: every coverage stage before it was proven.
        let proven = matches!(self.status, SolveStatus::Optimal | SolveStatus::GapLimit);
        self.coverage
            .iter()
            .map(|&level| LevelCoverage {
                at_most: if proven {
                    Some(level.covered)
                } else {
                    level.at_most
                },
                ..level
            })
            .collect()
    }
}

/// Errors of the solver backend. Solver text is kept as a source for logs, never shown to
/// clients.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("the solver backend failed during {stage}")]
    Backend {
        stage: &'static str,
        #[source]
        source: good_lp::ResolutionError,
    },
    #[error("the solver rejected option {option}")]
    Option { option: &'static str },
    /// The time limit passed (or a stop was asked for) before any plan existed: there is no
    /// best-so-far to return.
    #[error("the time limit passed while {phase}, before any plan existed")]
    NoPlan { phase: &'static str },
    /// The work the request implies is over the budget: refused before anything is built.
    #[error(
        "the request implies more than {pairs} feasible (student need, mentor) pairs, about {need_mib} MiB \
         to solve; the budget is {max_pairs} pairs and {max_mib} MiB (raise max_candidate_pairs or \
         max_memory_mb in the server config, or --max-pairs / --max-memory-mb on the command line)"
    )]
    OverBudget {
        pairs: u64,
        need_mib: u64,
        max_pairs: u64,
        max_mib: u64,
    },
}

/// How much work a request may imply, checked before any pair is built: a request inside every
/// documented size limit can still imply billions of pairs (every mentor qualified for every
/// need), which would exhaust memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub max_candidate_pairs: u64,
    pub max_memory_bytes: u64,
    /// Block tries the seat-sharing bound's exact programme may take per evaluation for the
    /// students past eight needs (the cheapest first); the rest are bounded loosely, which
    /// keeps an evaluation of the bound from growing with the need count (see
    /// `side::sharing::EXACT_WORK_BUDGET`, the default).
    pub max_exact_work: u64,
}

impl Default for Budget {
    /// Sized for a 24 GiB machine: 60 M pairs (the district multi-need school has 16.6 M) and
    /// 16 GiB.
    fn default() -> Self {
        Budget {
            max_candidate_pairs: 60_000_000,
            max_memory_bytes: 16 << 30,
            max_exact_work: side::EXACT_WORK_BUDGET,
        }
    }
}

/// Memory one feasible pair costs on the network paths (the scored pair, kept sets, flow and
/// by-mentor indexes; measured at district size with room to spare).
pub const BYTES_PER_PAIR: u64 = 64;
/// Memory one pair costs in the integer program (good_lp + HiGHS: 11.3 GiB for 13.4 M pairs).
pub const BYTES_PER_PAIR_INTEGER_PROGRAM: u64 = 1024;

impl Budget {
    /// Pairs the network paths may hold.
    pub fn pair_cap(self) -> u64 {
        self.max_candidate_pairs
            .min(self.max_memory_bytes / BYTES_PER_PAIR)
    }

    /// Pairs the integer program may hold.
    pub fn integer_program_cap(self) -> u64 {
        self.max_memory_bytes / BYTES_PER_PAIR_INTEGER_PROGRAM
    }

    fn refuse(self, pairs: u64, bytes_per_pair: u64) -> SolveError {
        SolveError::OverBudget {
            pairs,
            need_mib: pairs.saturating_mul(bytes_per_pair) >> 20,
            max_pairs: self.max_candidate_pairs,
            max_mib: self.max_memory_bytes >> 20,
        }
    }

    /// Refuses the problem when its feasible pairs are over budget, without building them.
    /// Returns an upper bound on the pairs (cheap: from the qualification index).
    pub fn check(self, problem: &Problem, index: &QualificationIndex) -> Result<u64, SolveError> {
        self.check_counting(problem, index, false)
    }

    /// As [`Budget::check`], returning the exact count of feasible pairs (what `Validate`
    /// reports; it costs a check of every pair within the budget).
    pub fn count(self, problem: &Problem, index: &QualificationIndex) -> Result<u64, SolveError> {
        self.check_counting(problem, index, true)
    }

    fn check_counting(
        self,
        problem: &Problem,
        index: &QualificationIndex,
        exact: bool,
    ) -> Result<u64, SolveError> {
        let cap = self.pair_cap();
        let pairs = crate::rules::count_pairs(problem, index, cap, exact);
        if pairs > cap {
            return Err(self.refuse(pairs, BYTES_PER_PAIR));
        }
        Ok(pairs)
    }
}

/// When a solve must stop: its time limit, or earlier when the server raises `stop` (shutdown
/// after the grace period). Every place that looks at the clock asks this instead, so a stop
/// ends a solve as a time limit would: with its best plan.
#[derive(Clone, Copy, Debug)]
pub struct Until {
    pub at: Instant,
    pub stop: Option<&'static AtomicBool>,
}

impl Until {
    /// A deadline no test reaches (an hour away, no stop flag).
    #[cfg(test)]
    pub(crate) fn far() -> Until {
        Until {
            at: Instant::now() + Duration::from_secs(3600),
            stop: None,
        }
    }

    /// True once the time is up or a stop was asked for.
    pub fn passed(self) -> bool {
        Instant::now() >= self.at || self.stopped()
    }

    /// True when a stop was asked for.
    pub fn stopped(self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::Relaxed))
    }

    /// Time left (none once stopped).
    pub fn left(self) -> Duration {
        if self.stopped() {
            Duration::ZERO
        } else {
            self.at.saturating_duration_since(Instant::now())
        }
    }

    /// The same stop flag with an earlier time.
    pub fn earlier(self, at: Instant) -> Until {
        Until {
            at: at.min(self.at),
            stop: self.stop,
        }
    }
}

/// Limits of one solve.
#[derive(Clone, Copy, Debug)]
pub struct SolveOptions {
    /// Wall-clock budget for all stages together.
    pub time_limit: Duration,
    /// Relative gap at which the fit stage may stop.
    pub relative_gap: f64,
    /// Network path: candidates kept per need before pricing (see [`solve_problem`]).
    pub sparse_keep: usize,
    /// Network path: extra candidates per need among under-demanded mentors.
    pub sparse_slack: usize,
    /// Network path: priced pairs are added to the running flow (instead of solving afresh)
    /// while `pairs × warm_ratio ≤ needs`, or whatever their number when seats are scarce
    /// (see `flow::SCARCE_ONE_IN`); 0 means always, `usize::MAX` never.
    pub warm_ratio: usize,
    /// Past this many feasible pairs, a first network without seat prices keeps each need's
    /// best pairs at the prices of a bounded auction (`auction.rs`); 0 means always,
    /// `u64::MAX` never (for every method). Default: district size. The one-seat network
    /// guesses at every size unless never (`one_seat.rs` says why).
    pub guess_above_pairs: u64,
    /// Work the request may imply.
    pub budget: Budget,
    /// Raised by the server at shutdown: the solve stops as at its time limit.
    pub stop: Option<&'static AtomicBool>,
    /// Whether the engine prices single supply changes after the solve (`crate::shortage`);
    /// what-if scenarios leave it off (the supply per track is given anyway).
    pub shortage_gains: bool,
    /// Seat-sharing path: the most pairs the residual integer program may take (None: only
    /// memory bounds it). Past it the plan found and its certified bound are the answer,
    /// `TIME_LIMIT`, not proven. For solves whose answer is a by-product of the plan's own:
    /// `why_not`'s forced solves, which a lock can leave with a wider LP gap, and so a far
    /// wider residual, than the plan's own solve had (see `why_not::forced_residual_cap`). A
    /// count, not a clock: the same request gets the same answer on any machine.
    pub max_residual_pairs: Option<u64>,
    /// Seat-sharing path: whether a residual integer program may solve its LP relaxation
    /// first and take that optimum where it is integral (`mip::Known::Residual`). On by
    /// default; off for `why_not`'s forced solves on a plan whose own residual went to branch
    /// and cut at once (`SideStats::split_rows`): a forced solve runs no master of its own to
    /// tell, and its residual's relaxation was fractional where its plan's was (4,000x1,000
    /// seed 3).
    pub residual_lp_first: bool,
    /// How many times slower than an idle machine this one runs now (at least 1; 1 by
    /// default). Every time the engine estimates per pair — the finishing reserve kept back
    /// from the limit (`FINISH_NS_PER_PAIR`, 45 ns), whether a bound's scan of every pair fits
    /// before the answer is due, whether the integer program can be set up in time — is
    /// multiplied by it. The solve raises it from how long scoring the pairs took
    /// ([`SolveOptions::paced_by_scoring`]); it never lowers it.
    pub slowdown: f64,
}

/// A warm addition withdraws and re-places each need with new pairs (two local searches); past
/// one priced pair per need a fresh solve is cheaper (district size: 66k pairs warm settled 2.3 M
/// nodes against 2.5 M for a fresh solve; 13k pairs warm settled 0.6 M) — unless seats
/// are scarce (`flow::SCARCE_ONE_IN`), where a fresh solve repeats every failing search.
pub const DEFAULT_WARM_RATIO: usize = 1;

/// Under-demanded mentors added per need to the first kept set (measured: district 11 s -> 8.5 s,
/// the first flow finds short augmenting paths and fewer pricing rounds are needed).
pub const SLACK_PER_NEED: usize = 2;

/// Candidates kept per need on the network path (measured best at school and district size).
pub const DEFAULT_SPARSE_KEEP: usize = 8;

/// Past this many feasible pairs a problem is district-sized: the seat-sharing method's first
/// flows keep twice the candidates (`side::round_budget`), and a first network starts at a
/// bounded auction's seat prices (`SolveOptions::guess_above_pairs`; `auction.rs`). Below it
/// the guess was worth nothing or less: 4,000x1,000 multi-need 1.12x (its flows are ~0.3 s of
/// 1.5 s, and the master then started from another of the equal-valued plans, whose path
/// through the LP happened to be longer), single-need 1.0x, the 900-student single-need
/// school's CLI 1.29x (its shortage analysis then scanned more arcs from the other plan).
const DISTRICT_PAIRS: u64 = 4_000_000;

impl SolveOptions {
    /// The limits the problem's policy asks for.
    pub fn from_policy(problem: &Problem) -> Self {
        SolveOptions {
            time_limit: problem.policy.time_limit,
            relative_gap: problem.policy.relative_gap,
            sparse_keep: DEFAULT_SPARSE_KEEP,
            sparse_slack: SLACK_PER_NEED,
            warm_ratio: DEFAULT_WARM_RATIO,
            guess_above_pairs: DISTRICT_PAIRS,
            budget: Budget::default(),
            stop: None,
            shortage_gains: true,
            max_residual_pairs: None,
            residual_lp_first: true,
            slowdown: 1.0,
        }
    }

    /// These options with [`SolveOptions::slowdown`] raised to what scoring `pairs` in `scored`
    /// says of the machine now: scoring's time per pair against `IDLE_SCORING_NS_PER_PAIR` (60 ns).
    /// The engine's estimates per pair are passes over the same pairs, so they slow down with
    /// scoring: at the 16.2 M-pair district scoring took ~60 ns a pair on an idle machine and
    /// 95–115 ns while two other processes kept both cores busy, where the unscaled finishing
    /// reserve left the answer at a 5 s limit 81–201 ms past the `max(100 ms, 2 %)` allowed. A
    /// clock, so on a loaded machine a solve stopped by its limit stops sooner; one that ends
    /// before its limit is the same on every machine.
    pub fn paced_by_scoring(self, pairs: usize, scored: Duration) -> Self {
        let per_pair = scored.as_nanos() as f64 / pairs.max(1) as f64;
        SolveOptions {
            slowdown: self.slowdown.max(per_pair / IDLE_SCORING_NS_PER_PAIR),
            ..self
        }
    }

    /// `ns` a pair over `pairs` pairs, at this machine's [`SolveOptions::slowdown`].
    pub fn per_pair(&self, pairs: u64, ns: u64) -> Duration {
        // `as` saturates (and a NaN slowdown counts as none at all).
        Duration::from_nanos((pairs as f64 * ns as f64 * self.slowdown.max(1.0)) as u64)
    }
}

/// Scoring's time per pair on an idle machine, at its slowest shape: ~60 ns at the 16.2 M-pair
/// district (the generated schools 30–45 ns, the tied and dense shapes 20–27 ns, all measured
/// 2026-12-05 on this 2-core machine). Scoring slower than this raises
/// [`SolveOptions::slowdown`].
const IDLE_SCORING_NS_PER_PAIR: f64 = 60.0;

/// The seat prices of the bound that proved (or bounded) a network+side plan: packed per
/// mentor, with the fit scale they were packed at. Any prices `μ ≥ 0` give a valid bound on any
/// problem over the same mentors and scores (`side/bound.rs`), so a solve of a nearby problem
/// (the same request with one pair locked: `why_not`) may start from them. Measured on
/// generated 900-student schools, the bound at the base plan's prices was exactly the one each
/// forced solve's own master reached, after 60–100 ms of LP.
#[derive(Clone, Debug, PartialEq)]
pub struct SeatPrices {
    mu: Vec<flow::Cost>,
    fit_scale: f64,
}

/// What a solve may start from, taken from a nearby problem's answer: a plan (the first
/// incumbent where it is feasible here) and the seat prices that proved it (a first bound,
/// where they were packed at this problem's fit scale for as many mentors). Neither changes
/// the optimum, only how soon it is found and proven.
#[derive(Clone, Copy, Debug, Default)]
pub struct Start<'a> {
    pub plan: Option<&'a [(NeedIx, MentorIx)]>,
    pub prices: Option<&'a SeatPrices>,
}

impl<'a> Start<'a> {
    /// A start from a plan alone.
    pub fn plan(plan: &'a [(NeedIx, MentorIx)]) -> Self {
        Start {
            plan: Some(plan),
            prices: None,
        }
    }
}

/// A solution with the candidate set it refers to.
#[derive(Clone, Debug)]
pub struct Solved {
    pub candidates: Candidates,
    pub solution: Solution,
    /// Candidate pairs of the full problem (the set above may hold only some of them).
    pub total_pairs: u64,
    /// Which algorithm answered.
    pub method: Method,
    /// Every candidate pair of the problem when `candidates` holds only some of them (the
    /// network methods' kept set), for the analyses after the solve (`crate::shortage`);
    /// `None` when `candidates` is already the full set.
    pub all: Option<Candidates>,
    /// Network method, proven optimal: the node potentials that prove it (a start for the
    /// residual searches of `gain.rs`).
    pub potentials: Option<gain::Potentials>,
    /// Network+side method over the request's own mentors: the seat prices of its bound (a
    /// start for re-solves of nearby problems, see [`Start`]).
    pub seat_prices: Option<SeatPrices>,
    /// The pace the solve measured ([`SolveOptions::slowdown`]), for the analyses after it,
    /// whose own estimates per pair slow down alike (`crate::shortage`).
    pub slowdown: f64,
}

/// The algorithm that answered, without its statistics: what the response and logs report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Network,
    NetworkSide,
    IntegerProgram,
}

impl MethodKind {
    /// The name used in logs and the text report.
    pub fn name(self) -> &'static str {
        match self {
            MethodKind::Network => "network",
            MethodKind::NetworkSide => "network+side",
            MethodKind::IntegerProgram => "integer program",
        }
    }
}

impl Method {
    /// The algorithm, without its statistics.
    pub fn kind(self) -> MethodKind {
        match self {
            Method::Network { .. } => MethodKind::Network,
            Method::NetworkSide(_) => MethodKind::NetworkSide,
            Method::IntegerProgram => MethodKind::IntegerProgram,
        }
    }
}

/// The algorithm that produced a solution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Exact min-cost flow on a sparse candidate set, proven optimal for the full set by
    /// pricing every excluded pair (`rounds` solves).
    Network { rounds: u32 },
    /// Seat sharing: network flows with seats made up front, an exact Lagrangian certificate,
    /// and the integer program on the pairs the certificate leaves open.
    NetworkSide(SideStats),
    /// The integer program over every candidate pair.
    IntegerProgram,
}

/// Solves a problem end to end: the one entry point. The method is chosen by structure and
/// reported in [`Solved::method`]:
///
/// - **network** (`network.rs`) when no mentor can cover two needs of one student: min-cost
///   flow over a sparse set, proven optimal for every pair by pricing;
/// - **network** also when seats can be shared but each student takes one mentor
///   (`one_seat.rs`: a node per set of a student's needs one mentor covers);
/// - **network+side** (`side/`) when seats can be shared: network flows with seats made up
///   front, an exact Lagrangian certificate, and the integer program on what the certificate
///   leaves open (often nothing); mentors alike in every pair are solved as one first
///   (`interchangeable.rs`, the same optimum);
/// - **integer program** (`mip/`) for a rematch bounded by `maxChanges`, a side row the other
///   methods do not model.
pub fn solve_problem(problem: &Problem, options: SolveOptions) -> Result<Solved, SolveError> {
    solve_problem_from(problem, options, Start::default())
}

/// [`solve_problem`] warm-started from a nearby problem's answer ([`Start`]): a feasible plan
/// of (need, mentor) pairs — e.g. a plan of a nearby problem repaired to fit this one — and
/// the seat prices that proved it. The seat-sharing method and the integer program keep the
/// plan as their incumbent (HiGHS itself is never given a start, see `mip/mod.rs`); the
/// network methods need no start. A plan that is not feasible here is ignored. The
/// seat-sharing method bounds the problem at the prices first. The answer is the same
/// optimum: only the search is shorter.
pub fn solve_problem_from(
    problem: &Problem,
    options: SolveOptions,
    start: Start<'_>,
) -> Result<Solved, SolveError> {
    let warm = start.plan.filter(|w| verify::verify(problem, w).is_ok());
    let deadline = Until {
        at: Instant::now() + options.time_limit,
        stop: options.stop,
    };
    let started = Instant::now();
    let index = QualificationIndex::build(problem);
    options.budget.check(problem, &index)?;
    // Scoring gives up only at the point past which no answer is on time any more (the limit
    // plus max(100 ms, 2 %)): a small request given no time still gets its fallback plan, a
    // huge one stops instead of holding a worker for seconds.
    let tolerance = overrun_tolerance(options.time_limit);
    let hard = Until {
        at: deadline.at + tolerance,
        stop: deadline.stop,
    };
    let all =
        Candidates::build_until(problem, &index, &|| hard.passed()).ok_or(SolveError::NoPlan {
            phase: "scoring the candidate pairs",
        })?;
    let scored = started.elapsed();
    let options = options.paced_by_scoring(all.len(), scored);
    tracing::debug!(
        pairs = all.len(),
        build_ms = scored.as_millis() as u64,
        slowdown = options.slowdown,
        "every feasible pair scored"
    );
    let start = Start {
        plan: warm,
        prices: start.prices,
    };
    let mut solved = solve_scored(problem, all, options, deadline, start)?;
    keep_the_rules(problem, &mut solved);
    Ok(Solved {
        slowdown: options.slowdown,
        ..solved
    })
}

/// The last line of defence: a plan that breaks a hard rule is never answered. Every method
/// makes valid plans (debug builds assert it in `plan_solution`); where one did not (the
/// forty-eighth session found a greedy plan leaving a student's second lock unmade), the
/// answer becomes the valid part of it, the locks first (`verify::feasible_subset`), not
/// proven, and the log says which rule broke (indices only). Where even that part cannot be
/// had from the answer's candidates, the plan stays, and the log says so.
fn keep_the_rules(problem: &Problem, solved: &mut Solved) {
    if solved.solution.status == SolveStatus::Infeasible {
        return;
    }
    let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
    let Err(broken) = verify::verify(problem, &pairs) else {
        return;
    };
    let kept = verify::feasible_subset(problem, &pairs);
    let chosen: Option<Vec<usize>> = kept
        .iter()
        .map(|&(n, m)| solved.candidates.find(n, m))
        .collect();
    match chosen {
        Some(mut chosen) if verify::verify(problem, &kept).is_ok() => {
            tracing::error!(
                %broken,
                method = ?solved.method.kind(),
                pairs = pairs.len(),
                kept = kept.len(),
                "the solver's plan broke a rule; answered with its valid part, not proven"
            );
            chosen.sort_unstable();
            let candidates = &solved.candidates;
            solved.solution =
                plan_solution(problem, candidates, chosen, SolveStatus::TimeLimit, None);
            solved.potentials = None;
            solved.seat_prices = None;
        }
        _ => tracing::error!(
            %broken,
            method = ?solved.method.kind(),
            "the solver's plan broke a rule, and no valid part of it could be had"
        ),
    }
}

/// [`solve_problem_from`] once every feasible pair is scored (`all`), at `options`' pace, by
/// `deadline` (the limit), from `start` (its plan, when any, feasible here).
fn solve_scored(
    problem: &Problem,
    all: Candidates,
    options: SolveOptions,
    deadline: Until,
    start: Start<'_>,
) -> Result<Solved, SolveError> {
    let warm = start.plan;
    let deadline = deadline.earlier(
        deadline
            .at
            .checked_sub(finish_reserve(all.len(), &options))
            .unwrap_or(deadline.at),
    );
    // Scoring took (nearly) the limit, and a method stopped at once would still outlast the
    // answer's margin: a greedy plan answers (`past_deadline.rs`).
    let due = answer_by(deadline, all.len(), &options);
    if let Some((chosen, method)) = past_deadline::answer(problem, &all, &options, due) {
        let solution = plan_solution(problem, &all, chosen, SolveStatus::TimeLimit, None);
        return Ok(Solved {
            total_pairs: all.len() as u64,
            candidates: all,
            solution,
            method,
            all: None,
            potentials: None,
            seat_prices: None,
            slowdown: 1.0,
        });
    }
    // A rematch's maxChanges row is the one constraint the network methods do not model.
    // They solve without it first (given half the time): a plan that keeps enough working
    // pairs anyway is optimal for the bounded problem too, since the bound only removes
    // plans. When the row binds, it is priced in (`changes.rs`: a continuity bonus on the
    // network, a row of the seat-sharing master); the integer program runs, with the rest of
    // the time, only where that cannot answer.
    let mut relaxed_options = options;
    let mut relaxed_deadline = deadline;
    if problem.min_kept().is_some() {
        relaxed_options.time_limit = options.time_limit / 2;
        relaxed_deadline = deadline.earlier(Instant::now() + relaxed_options.time_limit);
    }
    let relaxed = if problem.stable_only() {
        // Stability rows are for the integer program only.
        None
    } else {
        solve_relaxed(problem, &all, relaxed_options, relaxed_deadline, start)?
    };
    if let Some(mut solved) = relaxed {
        match problem.min_kept() {
            None => {
                solved.all = Some(all);
                return Ok(solved);
            }
            Some(bound) => {
                let kept = kept_pairs(problem, &solved.candidates, &solved.solution.chosen, bound);
                if kept >= bound.at_least {
                    solved.all = Some(all);
                    return Ok(solved);
                }
                tracing::debug!(
                    kept,
                    at_least = bound.at_least,
                    "maxChanges binds: the parametric continuity bonus"
                );
                // Half of what is left, so that the integer program keeps its time when the
                // bonus cannot land on the bound.
                let left = deadline.left() / 2;
                let until = deadline.earlier(Instant::now() + left);
                if let Some(mut exact) =
                    changes::solve(problem, &all, options, until, bound, &solved, warm)
                {
                    exact.all = Some(all);
                    return Ok(exact);
                }
            }
        }
    }
    let coverage_plan = match warm {
        None => seat_cost_start(problem, &all, options, deadline)?,
        Some(_) => None,
    };
    integer_program(
        problem,
        all,
        options,
        deadline,
        coverage_plan.as_deref().or(warm),
    )
}

/// Time kept back from the limit for what a method does after it stops: its plan read out of
/// the flow, bounded and given a candidate set, each a pass over every pair. Measured at the
/// 20,000 x 5,400 district (16.2 M pairs) stopped at 5 s: 156 ms from the network's stop to
/// the answer, ~10 ns a pair, which put the answer past the limit's `max(100 ms, 2 %)`. Kept
/// back at 10 ns a pair, the answer still came 64–162 ms past the limit on a slower hour
/// (2026-12-02: 226–324 ms after the stop, 14–20 ns a pair), so it was 30 ns, at most a
/// tenth of the limit. The caller's answer also holds the plan's explanation, which the engine
/// builds after the solve: at the district 140–250 ms more. Measured on the twenty-fourth
/// session's code at a 5 s limit (six runs): the method took 370–405 ms from the network's stop
/// to its answer, and the whole answer came at 4.91–5.23 s, two of six runs past the
/// `max(100 ms, 2 %)` the issue allows. So it is 45 ns a pair (the district: 728 ms), at most
/// a fifth of the limit.
///
/// On a loaded machine it grows with [`SolveOptions::slowdown`].
fn finish_reserve(pairs: usize, options: &SolveOptions) -> Duration {
    options
        .per_pair(pairs as u64, FINISH_NS_PER_PAIR)
        .min(options.time_limit / 5)
}

/// See [`finish_reserve`].
const FINISH_NS_PER_PAIR: u64 = 45;

/// A start for the integer program where seats can be shared and the policy prices seats
/// (`involveEveryMentor`, `loadSpread`): the seat-sharing method's plan for the same school
/// without those terms. Only when the program could not even be set up in half the limit
/// (its setup grows as pairs^1.5: 620 k pairs, ~98 s), where its answer of last resort would
/// otherwise be the greedy plan (a 4,000 × 1,000 school: 2,031 normal needs covered instead of
/// 2,609). Coverage comes first in both models and seat terms never make a plan infeasible,
/// so this plan's coverage is the optimum's; what it leaves unproven is involvement, load and
/// fit, and the answer says so (`TIME_LIMIT`). None where the program runs, for a rematch's
/// bound on changes or a stability solve (rows this plan ignores).
fn seat_cost_start(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
) -> Result<Option<Vec<(NeedIx, MentorIx)>>, SolveError> {
    let runs = mip::setup_seconds(all.len()) < options.time_limit.as_secs_f64() / 2.0;
    if !problem.policy.has_seat_costs()
        || runs
        || problem.min_kept().is_some()
        || problem.stable_only()
        || is_network_set(problem, all)
    {
        return Ok(None);
    }
    // The same school without the seat terms (pair scores do not hold them, so `all` serves).
    let mut plain = problem.clone();
    plain.policy.involve_every_mentor = false;
    plain.policy.load_spread = 0.0;
    let outcome = side_solve(&plain, all, options, deadline, Start::default())?;
    let pairs = verify::pairs(&outcome.candidates, &outcome.solution.chosen);
    tracing::debug!(
        pairs = pairs.len(),
        status = ?outcome.solution.status,
        "seat terms: the seat-sharing plan without them starts the integer program"
    );
    Ok(verify::verify(problem, &pairs).is_ok().then_some(pairs))
}

/// The integer program over every pair (a binding maxChanges row, or locks the network could
/// not honour), the caller's plan as its answer of last resort.
fn integer_program(
    problem: &Problem,
    candidates: Candidates,
    options: SolveOptions,
    deadline: Until,
    warm: Option<&[(NeedIx, MentorIx)]>,
) -> Result<Solved, SolveError> {
    let total_pairs = candidates.len() as u64;
    if problem.min_kept().is_some() && total_pairs > options.budget.integer_program_cap() {
        return Err(options
            .budget
            .refuse(total_pairs, BYTES_PER_PAIR_INTEGER_PROGRAM));
    }
    let start: Option<Vec<usize>> = warm.map(|w| {
        let mut at: Vec<usize> = w
            .iter()
            .filter_map(|&(n, m)| candidates.find(n, m))
            .collect();
        at.sort_unstable();
        at.dedup();
        at
    });
    // Setting the program up over every pair costs ~180 ns a pair before HiGHS is asked
    // anything (3 s at the 16 M-pair district). With a plan at hand and less time than that
    // left, the plan is the answer: the program would answer it too, late (a district
    // rematch with `maxChanges`, whose bonus path had used its half of a 5 s limit, answered
    // 1.3 s past it).
    let entry = options.per_pair(total_pairs, IP_ENTRY_NS_PER_PAIR);
    let solution = match start {
        Some(chosen) if deadline.left() < entry => {
            tracing::debug!(
                pairs = total_pairs,
                left_ms = deadline.left().as_millis() as u64,
                "integer program: no time to set it up; the plan at hand is the answer"
            );
            plan_solution(problem, &candidates, chosen, SolveStatus::TimeLimit, None)
        }
        start => mip::solve(
            problem,
            &candidates,
            options,
            deadline,
            start.as_deref(),
            mip::Known::Nothing,
        )?,
    };
    Ok(Solved {
        candidates,
        solution,
        total_pairs,
        method: Method::IntegerProgram,
        all: None,
        potentials: None,
        seat_prices: None,
        slowdown: 1.0,
    })
}

/// The network methods on the problem without its maxChanges row (if any): `None` when they
/// cannot answer (locks the network could not honour jointly), leaving it to the integer
/// program, which proves them infeasible or finds the plan.
fn solve_relaxed(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    start: Start<'_>,
) -> Result<Option<Solved>, SolveError> {
    let warm = start.plan;
    let total_pairs = all.len() as u64;
    if is_network_set(problem, all) {
        let run = network::run(problem, all, options, deadline, None);
        let network::NetworkRun {
            mut candidates,
            solution: mut solved,
            rounds,
            complete,
            prices,
        } = run;
        if !complete {
            let due = answer_by(deadline, all.len(), &options);
            let chosen = std::mem::take(&mut solved.chosen);
            solved.chosen = past_deadline::better_stopped_plan(
                problem,
                all,
                &mut candidates,
                chosen,
                &options,
                due,
            );
        }
        let pairs = verify::pairs(&candidates, &solved.chosen);
        if verify::verify(problem, &pairs).is_err() {
            return Ok(None);
        }
        let potentials = complete.then(|| solved.potentials());
        let stop = (!complete)
            .then(|| StopBound {
                all,
                prices: prices.unwrap_or_default(),
                fit_scale: solved.fit_scale,
                answer_by: answer_by(deadline, all.len(), &options),
                pace: options,
            })
            .filter(|_| !problem.policy.has_seat_costs() && problem.min_kept().is_none());
        let mut answer = Solved::by_network(
            problem,
            candidates,
            solved.chosen,
            (complete, rounds),
            total_pairs,
            potentials,
        );
        if let Some(stop) = stop {
            answer.prove_stopped(problem, &stop);
        }
        return Ok(Some(answer));
    }
    // The seat-sharing method's certificate prices each seat alike; mentor-level terms
    // (involvement, load spread) make seats differ, so those requests go to the integer
    // program, which models them exactly.
    if problem.policy.has_seat_costs() {
        return Ok(None);
    }
    // The seat-sharing method solves without a rematch's bound on changes, which the caller
    // prices in (`changes.rs`) when this plan does not keep enough.
    let unbounded;
    let relaxed = match problem.min_kept() {
        None => problem,
        Some(_) => {
            unbounded = problem.clone().with_terms(SolveTerms {
                min_kept: None,
                ..problem.terms().clone()
            });
            &unbounded
        }
    };
    if let Some(network) = one_seat::OneSeat::build(relaxed, all) {
        return Ok(one_seat_answer(
            relaxed, all, options, deadline, network, warm,
        ));
    }
    let outcome = side_solve(relaxed, all, options, deadline, start)?;
    Ok(Some(Solved::by_side(outcome, total_pairs)))
}

/// The seat-sharing method, with interchangeable mentors solved as one where there are any
/// (`interchangeable.rs`: same optimum, far less symmetry for the master and the residual
/// program to wade through). The answer is over the original mentors; seat prices, which are
/// the merged mentors' there, go neither in nor out.
fn side_solve(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    start: Start<'_>,
) -> Result<side::SideOutcome, SolveError> {
    let started = Instant::now();
    let warm = start.plan;
    let Some(classes) = interchangeable::Classes::find(problem, all) else {
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            "interchangeable mentors: too few to merge"
        );
        return side::solve(problem, all, options, deadline, start);
    };
    let reduced = classes.reduce(problem);
    let reduced_all = classes.reduce_candidates(all);
    tracing::debug!(
        mentors = problem.mentors.len(),
        classes = classes.len(),
        pairs = reduced_all.len(),
        ms = started.elapsed().as_millis() as u64,
        "interchangeable mentors solved as one"
    );
    let reduced_warm = warm.map(|w| classes.reduce_plan(w));
    let reduced_start = Start {
        plan: reduced_warm.as_deref(),
        prices: None,
    };
    let outcome = side::solve(&reduced, &reduced_all, options, deadline, reduced_start)?;
    let reduced_pairs = verify::pairs(&outcome.candidates, &outcome.solution.chosen);
    let pairs = classes.expand_plan(problem, &reduced_pairs);
    if verify::verify(problem, &pairs).is_err() {
        // Cannot happen (see the module's proof); if it did, the plain method answers.
        tracing::warn!(
            "interchangeable mentors: the dealt-out plan broke a rule; solving without merging"
        );
        return side::solve(problem, all, options, deadline, start);
    }
    let (candidates, chosen) = classes.expand_candidates(&outcome.candidates, &pairs);
    Ok(side::SideOutcome {
        candidates,
        solution: Solution {
            chosen,
            ..outcome.solution
        },
        stats: outcome.stats,
        prices: None,
    })
}

/// The answer of the one-seat network (`one_seat.rs`): proven optimal when its pricing
/// finished; at the deadline its plan, or the caller's `warm` plan where that is better. None
/// when the plan breaks a rule (locks the flow could not honour jointly): the integer program
/// decides.
fn one_seat_answer(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    network: one_seat::OneSeat,
    warm: Option<&[(NeedIx, MentorIx)]>,
) -> Option<Solved> {
    let run = network.run(options, deadline);
    let mut pairs = run.pairs;
    verify::verify(problem, &pairs).ok()?;
    if let Some(warm) = warm.filter(|_| !run.complete) {
        let fit_scale = run.fit_scale;
        let value = |pairs: &[(NeedIx, MentorIx)]| -> flow::Cost {
            pairs
                .iter()
                .filter_map(|&(n, m)| all.find(n, m).map(|c| (n, c)))
                .map(|(n, c)| {
                    let priority = problem.needs[n as usize].priority;
                    -flow::pair_cost(priority, all.scores[c], fit_scale)
                })
                .sum()
        };
        if value(warm) > value(&pairs) {
            pairs = warm.to_vec();
        }
    }
    let mut candidates = all.select(problem, options.sparse_keep.max(1));
    let chosen = candidates.hold_plan(all, &pairs);
    let mut answer = Solved::by_network(
        problem,
        candidates,
        chosen,
        (run.complete, run.rounds),
        all.len() as u64,
        None,
    );
    if !run.complete {
        let stop = StopBound {
            all,
            prices: run.prices.unwrap_or_default(),
            fit_scale: run.fit_scale,
            answer_by: answer_by(deadline, all.len(), &options),
            pace: options,
        };
        answer.prove_stopped(problem, &stop);
    }
    Some(answer)
}

/// What a stopped network run's bound needs: every feasible pair, the seat prices of its
/// last flow solved to the optimum (empty: none finished; the bound is then the trivial one
/// in lexicographic form, `L(0)`), and when the answer is due (the time limit: the run
/// stopped a finishing reserve before it).
struct StopBound<'a> {
    all: &'a Candidates,
    prices: Vec<flow::Cost>,
    fit_scale: f64,
    answer_by: Instant,
    /// The options the solve ran with: their [`SolveOptions::slowdown`] scales the scan's
    /// estimate.
    pace: SolveOptions,
}

/// When a stopped network's answer is due, from the deadline it stopped at: the time limit
/// (that deadline less the finishing reserve), plus half of what an answer may run past it
/// (`max(100 ms, 2 %)`, see [`solve_problem`]), which a proof of the plan's coverage is worth
/// (a 4,000 x 1,000 school's scan is ~5 ms; its flow stops at the limit, the reserve spent).
pub(super) fn answer_by(deadline: Until, pairs: usize, options: &SolveOptions) -> Instant {
    deadline.at + finish_reserve(pairs, options) + overrun_tolerance(options.time_limit) / 2
}

/// How far past its time limit an answer may come: `max(100 ms, 2 %)` of the limit.
fn overrun_tolerance(limit: Duration) -> Duration {
    (limit / 50).max(Duration::from_millis(100))
}

/// The bound's scan of every pair is skipped unless this much time per pair is left before
/// the answer is due: measured 7.6 ns a pair over the two cores (the 20,000 x 5,400 district,
/// 13.1 M pairs, 100 ms), before the scan kept its prices in 64 bits; with room for a slow
/// hour. With one mentor per student the scan sums each student's pairs by mentor (a sort a
/// student): ~20 ns a pair at 4,000 x 1,000 (620 k pairs, 10-14 ms). A run stopped late (its
/// first flow still running at the limit) answers without it, as before, rather than later.
const STOP_BOUND_NS_PER_PAIR: u64 = 12;

/// [`STOP_BOUND_NS_PER_PAIR`] with one mentor per student.
const STOP_BOUND_ONE_SEAT_NS_PER_PAIR: u64 = 40;

impl Solved {
    /// A network method's answer (plan `chosen` over `candidates`, `(complete, rounds)` of its
    /// pricing): proven optimal when the pricing finished, else the plan at the limit against
    /// the trivial bound.
    fn by_network(
        problem: &Problem,
        candidates: Candidates,
        chosen: Vec<usize>,
        (complete, rounds): (bool, u32),
        total_pairs: u64,
        potentials: Option<gain::Potentials>,
    ) -> Solved {
        let objective = chosen_objective(problem, &candidates, &chosen);
        let (status, best_bound) = if complete {
            (SolveStatus::Optimal, objective)
        } else {
            (
                SolveStatus::TimeLimit,
                trivial_bound(problem, &candidates).max(objective),
            )
        };
        let pairs = verify::pairs(&candidates, &chosen);
        Solved {
            solution: Solution {
                status,
                objective,
                best_bound,
                gap: relative_gap(objective, best_bound),
                coverage: level_coverage(problem, &pairs),
                chosen,
            },
            candidates,
            total_pairs,
            method: Method::Network { rounds },
            all: None,
            potentials,
            seat_prices: None,
            slowdown: 1.0,
        }
    }

    /// What the network's exact bound at `stop`'s prices proves of this answer, stopped at its
    /// limit (see `stopped.rs`): each level's `at_most`, the fit bound where the coverage is
    /// proven, and optimality where the bound meets the plan. The bound is one scan of every
    /// pair, run only where it fits before the answer is due ([`STOP_BOUND_NS_PER_PAIR`],
    /// [`answer_by`]).
    fn prove_stopped(&mut self, problem: &Problem, stop: &StopBound<'_>) {
        let started = Instant::now();
        let per_pair = if problem.policy.max_mentors_per_student == 1 {
            STOP_BOUND_ONE_SEAT_NS_PER_PAIR
        } else {
            STOP_BOUND_NS_PER_PAIR
        };
        let needed = stop.pace.per_pair(stop.all.len() as u64, per_pair);
        if started + needed > stop.answer_by {
            tracing::debug!(
                left_ms = stop
                    .answer_by
                    .saturating_duration_since(started)
                    .as_millis() as u64,
                "network: stopped plan not bounded (no time left for the scan)"
            );
            return;
        }
        let fit_scale = stop.fit_scale;
        let bound = stopped::network_bound(problem, stop.all, &stop.prices, fit_scale);
        let candidates = &self.candidates;
        let solution = &mut self.solution;
        let plan = verify::pairs(candidates, &solution.chosen)
            .into_iter()
            .zip(&solution.chosen)
            .map(|((n, _), &c)| (n, candidates.scores[c]));
        let value = stopped::plan_value(problem, plan, fit_scale);
        let proof = stopped::Proof::read(
            bound.value,
            value,
            solution.objective,
            fit_scale,
            bound.fit_floor,
            &mut solution.coverage,
        );
        if proof.optimal {
            solution.status = SolveStatus::Optimal;
        }
        let capped = capped_bound(problem, candidates, &solution.coverage);
        solution.best_bound = proof
            .fit_bound
            .map_or(capped, |fit| fit.min(capped))
            .max(solution.objective)
            .min(solution.best_bound);
        solution.gap = relative_gap(solution.objective, solution.best_bound);
        tracing::debug!(
            gap_points = (bound.value - value) as f64 / fit_scale,
            optimal = proof.optimal,
            ms = started.elapsed().as_millis() as u64,
            "network: stopped plan bounded"
        );
    }

    /// The seat-sharing method's answer, over `total_pairs` feasible pairs.
    fn by_side(outcome: side::SideOutcome, total_pairs: u64) -> Solved {
        Solved {
            candidates: outcome.candidates,
            solution: outcome.solution,
            total_pairs,
            method: Method::NetworkSide(outcome.stats),
            all: None,
            potentials: None,
            seat_prices: outcome.prices,
            slowdown: 1.0,
        }
    }
}

/// How many of the maxChanges row's pairs a plan (candidate positions `chosen`) keeps.
fn kept_pairs(
    problem: &Problem,
    candidates: &Candidates,
    chosen: &[usize],
    bound: &MinKept,
) -> u32 {
    kept_of(problem, &verify::pairs(candidates, chosen), bound)
}

/// How many of the bound's (student, mentor) pairs the plan `pairs` makes.
fn kept_of(problem: &Problem, pairs: &[(NeedIx, MentorIx)], bound: &MinKept) -> u32 {
    let made: std::collections::HashSet<(StudentIx, MentorIx)> = pairs
        .iter()
        .map(|&(n, m)| (problem.needs[n as usize].student, m))
        .collect();
    bound.pairs.iter().filter(|p| made.contains(p)).count() as u32
}

/// Integer weight per priority level such that covering one more need at a level is worth
/// more than covering every need of all lower levels: `W(low) = 1`,
/// `W(next) = W(prev) · (needs at prev + 1)`. Returns `None` when the weights would grow past
/// what a double represents exactly with room to spare; the solver then solves level by level.
pub fn coverage_weights(problem: &Problem, candidates: &Candidates) -> Option<[f64; 4]> {
    let mut counts = [0u64; 4];
    for (n, need) in problem.needs.iter().enumerate() {
        if !candidates.of_need(n as NeedIx).is_empty() {
            counts[need.priority as usize] += 1;
        }
    }
    let mut weights = [0f64; 4];
    let mut w: u64 = 1;
    let mut total: u64 = 0;
    for level in 0..4 {
        weights[level] = w as f64;
        total = total.checked_add(w.checked_mul(counts[level])?)?;
        w = w.checked_mul(counts[level] + 1)?;
    }
    // Keep the largest objective far below 2^53 so integrality of sums is never in doubt.
    (total < 1 << 40).then_some(weights)
}

/// Solves the problem over its candidate set: by the exact network algorithm when no mentor can
/// cover two needs of one student (see `flow.rs`), otherwise by the integer program.
pub fn solve(
    problem: &Problem,
    candidates: &Candidates,
    options: SolveOptions,
) -> Result<Solution, SolveError> {
    let deadline = Until {
        at: Instant::now() + options.time_limit,
        stop: options.stop,
    };
    if problem.min_kept().is_none() && is_network_set(problem, candidates) {
        let chosen = flow::solve(problem, candidates).chosen;
        let pairs = verify::pairs(candidates, &chosen);
        // Locks that the network could not honour jointly are left to the integer program,
        // which proves them infeasible or finds the plan.
        if verify::verify(problem, &pairs).is_ok() {
            let objective = chosen_objective(problem, candidates, &chosen);
            return Ok(Solution {
                status: SolveStatus::Optimal,
                objective,
                best_bound: objective,
                gap: 0.0,
                coverage: level_coverage(problem, &pairs),
                chosen,
            });
        }
    }
    mip::solve(
        problem,
        candidates,
        options,
        deadline,
        None,
        mip::Known::Nothing,
    )
}

/// Solves with the general integer program only, whatever the structure: the reference the
/// fast path is checked against.
pub fn solve_integer_program(
    problem: &Problem,
    candidates: &Candidates,
    options: SolveOptions,
) -> Result<Solution, SolveError> {
    integer_program_within_limit(problem, candidates, options, None)
}

/// [`solve_integer_program`] given a feasible plan (candidate positions) as its start: what a
/// `maxChanges` rematch and the seat-sharing residual hand the program. The answer must be the
/// same optimum as without the start (test `a_start_never_changes_the_integer_programs_optimum`).
pub fn solve_integer_program_from(
    problem: &Problem,
    candidates: &Candidates,
    options: SolveOptions,
    start: &[usize],
) -> Result<Solution, SolveError> {
    integer_program_within_limit(problem, candidates, options, Some(start))
}

fn integer_program_within_limit(
    problem: &Problem,
    candidates: &Candidates,
    options: SolveOptions,
    start: Option<&[usize]>,
) -> Result<Solution, SolveError> {
    let deadline = Until {
        at: Instant::now() + options.time_limit,
        stop: options.stop,
    };
    mip::solve(
        problem,
        candidates,
        options,
        deadline,
        start,
        mip::Known::Nothing,
    )
}

/// True when the proven plan is a min-cost circulation over the full candidate set that the
/// residual searches (`forced.rs`, `gain.rs`) can walk: a network set, no maxChanges row, no
/// stability rows, and no student with more needs than its mentor limit (the limit cannot
/// bind, so the flow has no student layer).
pub(crate) fn is_plain_network(problem: &Problem, all: &Candidates) -> bool {
    problem.min_kept().is_none()
        && !problem.stable_only()
        && problem
            .students
            .iter()
            .all(|s| s.need_count <= problem.policy.max_mentors_per_student)
        && is_network_set(problem, all)
}

/// True when, within this candidate set, no mentor can cover two needs of one student.
pub fn is_network_set(problem: &Problem, candidates: &Candidates) -> bool {
    let mut mentors: Vec<u32> = Vec::new();
    for s in &problem.students {
        if s.need_count < 2 {
            continue;
        }
        mentors.clear();
        for n in s.needs() {
            mentors.extend_from_slice(&candidates.mentors[candidates.of_need(n)]);
        }
        if crate::rules::has_repeats(&mut mentors) {
            return false;
        }
    }
    true
}

/// The fit a plan scores, as the objective counts it: the pairs' scores less each mentor's
/// load cost (`loadSpread`, counted in distinct students). Every method reports this.
pub fn plan_objective(problem: &Problem, pairs: &[(NeedIx, MentorIx)], scores: f64) -> f64 {
    if problem.policy.load_spread <= 0.0 {
        return scores;
    }
    scores
        - mentor_loads(problem, pairs)
            .into_iter()
            .map(|l| problem.policy.load_cost(l))
            .sum::<f64>()
}

/// Distinct students of each mentor in a plan.
pub fn mentor_loads(problem: &Problem, pairs: &[(NeedIx, MentorIx)]) -> Vec<u32> {
    let mut seats: Vec<(MentorIx, StudentIx)> = pairs
        .iter()
        .map(|&(n, m)| (m, problem.needs[n as usize].student))
        .collect();
    seats.sort_unstable();
    seats.dedup();
    let mut load = vec![0u32; problem.mentors.len()];
    for (m, _) in seats {
        load[m as usize] += 1;
    }
    load
}

/// Mentors with at least one student in a plan (the `involveEveryMentor` level).
pub fn mentors_involved(problem: &Problem, pairs: &[(NeedIx, MentorIx)]) -> u32 {
    mentor_loads(problem, pairs)
        .iter()
        .filter(|&&l| l > 0)
        .count() as u32
}

/// The objective of chosen candidate positions (see [`plan_objective`]).
fn chosen_objective(problem: &Problem, candidates: &Candidates, chosen: &[usize]) -> f64 {
    let scores: f64 = chosen.iter().map(|&c| candidates.scores[c]).sum();
    plan_objective(problem, &verify::pairs(candidates, chosen), scores)
}

/// See [`integer_program`]: what entering the integer program costs per pair before HiGHS
/// runs (its structures, the plan as a column vector, the answer read back), measured at the
/// district (16.2 M pairs, 2.96 s) with a margin.
const IP_ENTRY_NS_PER_PAIR: u64 = 200;

/// A plan (`chosen`: ascending positions in `candidates`) as an answer of `status`: proven
/// optimal, or with its gap against `fit_bound` where that bounds anything, else against the
/// trivial bound (every need at its best-scoring candidate). The integer program's answers
/// and the plan at hand when there is no time to set it up are both read this way.
pub(super) fn plan_solution(
    problem: &Problem,
    candidates: &Candidates,
    chosen: Vec<usize>,
    status: SolveStatus,
    fit_bound: Option<f64>,
) -> Solution {
    let objective = chosen_objective(problem, candidates, &chosen);
    let (best_bound, gap) = match (fit_bound, status) {
        (_, SolveStatus::Optimal) => (objective, 0.0),
        (Some(bound), _) if bound.is_finite() => {
            let bound = bound.max(objective);
            (bound, relative_gap(objective, bound))
        }
        // The fit stage never ran or proved nothing: fall back to the trivial bound.
        _ => {
            let bound = trivial_bound(problem, candidates).max(objective);
            (bound, relative_gap(objective, bound))
        }
    };
    let pairs = verify::pairs(candidates, &chosen);
    #[cfg(debug_assertions)]
    if status != SolveStatus::Infeasible {
        if let Err(e) = verify::verify(problem, &pairs) {
            debug_assert!(false, "solver produced an invalid plan: {e}");
        }
    }
    Solution {
        status,
        objective,
        best_bound,
        gap,
        coverage: level_coverage(problem, &pairs),
        chosen,
    }
}

/// Relative gap between a plan's objective and a bound on it.
fn relative_gap(objective: f64, bound: f64) -> f64 {
    (bound - objective).abs() / objective.abs().max(1e-9)
}

/// A bound no plan's fit can exceed: every need at its best-scoring candidate in the set (a
/// sparse set always holds each need's best candidate).
fn trivial_bound(problem: &Problem, candidates: &Candidates) -> f64 {
    capped_bound(problem, candidates, &[])
}

/// [`trivial_bound`] where the coverage proves more: a level whose `at_most` is known counts
/// only that many of its needs, the best-scoring first. A plan that covers `k` needs of a level
/// scores at most the `k` largest of their best pairs there, and the optimum (like any plan
/// with this plan's coverage) covers no more than `at_most`; so a plan stopped at its limit
/// with its coverage proven is measured against the fit its covered needs could reach, not
/// against every need covered (`gen4000s1_k2` at its 30 s limit: a gap of 0.42 against 0.89
/// with the trivial bound). Levels without `at_most` count every need, as the trivial bound.
fn capped_bound(problem: &Problem, candidates: &Candidates, coverage: &[LevelCoverage]) -> f64 {
    let mut best: [Vec<f64>; 4] = Default::default();
    for n in 0..problem.needs.len() as NeedIx {
        let score = candidates
            .of_need(n)
            .map(|c| candidates.scores[c])
            .fold(0.0, f64::max);
        best[problem.needs[n as usize].priority as usize].push(score);
    }
    let mut bound = 0.0;
    for (level, scores) in best.iter_mut().enumerate() {
        let cap = coverage
            .iter()
            .find(|l| l.priority as usize == level)
            .and_then(|l| l.at_most)
            .map_or(scores.len(), |k| k as usize);
        // The `cap` largest first, in linear time (a district's millions of needs are not
        // sorted while the answer is due).
        if cap > 0 && cap < scores.len() {
            scores.select_nth_unstable_by(cap - 1, |a, b| b.total_cmp(a));
        }
        bound += scores.iter().take(cap).sum::<f64>();
    }
    bound
}

/// Needs and covered needs per priority level present, most urgent first.
pub fn level_coverage(
    problem: &Problem,
    pairs: &[(NeedIx, crate::domain::model::MentorIx)],
) -> Vec<LevelCoverage> {
    let mut needs = [0u32; 4];
    let mut covered = [0u32; 4];
    for need in &problem.needs {
        needs[need.priority as usize] += 1;
    }
    for &(n, _) in pairs {
        covered[problem.needs[n as usize].priority as usize] += 1;
    }
    Priority::DESCENDING
        .iter()
        .filter(|p| needs[**p as usize] > 0)
        .map(|&p| LevelCoverage {
            priority: p,
            needs: needs[p as usize],
            covered: covered[p as usize],
            at_most: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan that breaks a rule (here a lock left unmade) is answered as its valid part, the
    /// lock made, not proven; a valid plan is left as it is.
    #[test]
    fn a_plan_that_breaks_a_rule_is_answered_as_its_valid_part() {
        let mut raw = crate::test_school::raw(crate::test_school::json());
        raw.locked_pairs.push(crate::domain::raw::RawPair {
            student_id: "S2".into(),
            mentor_id: "T2".into(),
        });
        let problem = crate::admit::validate(raw).expect("the lock can hold");
        let mut solved = solve_problem(&problem, SolveOptions::from_policy(&problem)).unwrap();
        assert_eq!(solved.solution.status, SolveStatus::Optimal);
        let valid = solved.solution.clone();
        keep_the_rules(&problem, &mut solved);
        assert_eq!(solved.solution, valid, "a valid plan is left as it is");
        // The locked pair taken out of the answer.
        let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
        let (s2, t2) = problem.locked[0];
        let at = pairs
            .iter()
            .position(|&(n, m)| m == t2 && problem.needs[n as usize].student == s2)
            .expect("the lock is made");
        solved.solution.chosen.remove(at);
        assert!(verify::verify(
            &problem,
            &verify::pairs(&solved.candidates, &solved.solution.chosen)
        )
        .is_err());
        keep_the_rules(&problem, &mut solved);
        let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
        assert_eq!(verify::verify(&problem, &pairs), Ok(()));
        assert_eq!(solved.solution.status, SolveStatus::TimeLimit);
        assert!(pairs
            .iter()
            .any(|&(n, m)| m == t2 && problem.needs[n as usize].student == s2));
    }

    /// A generated 300-student school, its optimal plan, every pair of it, and the plan's
    /// positions among those pairs (sorted): a plan at hand for the integer program.
    fn school_with_its_plan() -> (
        crate::domain::model::Validated,
        Vec<(NeedIx, MentorIx)>,
        Candidates,
        Vec<usize>,
    ) {
        let problem = crate::admit::validate(crate::generate::generate_with(300, 70, 1, false))
            .expect("valid");
        let solved = solve_problem(&problem, SolveOptions::from_policy(&problem)).expect("solves");
        let plan = verify::pairs(&solved.candidates, &solved.solution.chosen);
        let all = Candidates::of_problem(&problem);
        let mut start: Vec<usize> = plan.iter().filter_map(|&(n, m)| all.find(n, m)).collect();
        start.sort_unstable();
        (problem, plan, all, start)
    }

    /// The fit bound capped by the coverage: no cap is the trivial bound; a cap counts that
    /// many of a level's needs, the best first; and with every level at the optimum's coverage
    /// it still bounds the optimum's fit (the school's optimum against its own coverage).
    #[test]
    fn the_capped_fit_bound_counts_the_best_needs_of_each_level_and_bounds_the_optimum() {
        let (problem, plan, all, _) = school_with_its_plan();
        let optimum: f64 = plan
            .iter()
            .filter_map(|&(n, m)| all.find(n, m))
            .map(|c| all.scores[c])
            .sum();
        let mut coverage = level_coverage(&problem, &plan);
        assert_eq!(
            capped_bound(&problem, &all, &coverage),
            trivial_bound(&problem, &all)
        );
        for level in &mut coverage {
            level.at_most = Some(level.covered);
        }
        let capped = capped_bound(&problem, &all, &coverage);
        assert!(
            capped >= optimum - 1e-9,
            "{capped} below the optimum {optimum}"
        );
        assert!(
            capped < trivial_bound(&problem, &all),
            "no level capped anything"
        );
        // By hand: each level's best pairs, the largest `covered` of them.
        let mut by_hand = 0.0;
        for level in &coverage {
            let mut best: Vec<f64> = (0..problem.needs.len() as NeedIx)
                .filter(|&n| problem.needs[n as usize].priority == level.priority)
                .map(|n| all.of_need(n).map(|c| all.scores[c]).fold(0.0, f64::max))
                .collect();
            best.sort_by(|a, b| b.total_cmp(a));
            by_hand += best.iter().take(level.covered as usize).sum::<f64>();
        }
        assert!(
            (capped - by_hand).abs() < 1e-6,
            "{capped} against {by_hand}"
        );
    }

    /// With a plan at hand and no time left to set the integer program up, the plan is the
    /// answer: the same answer the program gives when the limit strikes before HiGHS runs
    /// (same pairs, status, objective, bound and coverage), without building it.
    #[test]
    fn with_no_time_to_set_the_program_up_the_plan_at_hand_is_the_programs_answer() {
        let (problem, plan, all, start) = school_with_its_plan();
        let passed = Until {
            at: Instant::now(),
            stop: None,
        };
        let options = SolveOptions::from_policy(&problem);
        let program = mip::solve(
            &problem,
            &all,
            options,
            passed,
            Some(&start),
            mip::Known::Nothing,
        )
        .expect("the program answers");
        let answer = integer_program(&problem, all, options, passed, Some(&plan)).expect("answer");
        let at_hand = &answer.solution;
        assert_eq!(at_hand.status, SolveStatus::TimeLimit);
        assert_eq!(at_hand.status, program.status);
        assert_eq!(at_hand.chosen, program.chosen);
        assert_eq!(verify::pairs(&answer.candidates, &at_hand.chosen), plan);
        assert_eq!(at_hand.objective, program.objective);
        assert_eq!(at_hand.best_bound, program.best_bound);
        assert_eq!(at_hand.gap, program.gap);
        assert_eq!(at_hand.coverage, program.coverage);
    }

    /// HiGHS failing a stage, and failing it again without presolve, leaves the stage its
    /// start: the plan at hand is the answer, unproven (`TIME_LIMIT`), never an error that
    /// loses it. Before, the second failure ended the whole solve in `SolveError::Backend`.
    #[test]
    fn a_stage_highs_fails_twice_answers_with_its_start_unproven() {
        let (problem, plan, all, start) = school_with_its_plan();
        let options = SolveOptions::from_policy(&problem);
        let (answer, left) = super::highs::faults::with_failures(2, || {
            mip::solve(
                &problem,
                &all,
                options,
                Until::far(),
                Some(&start),
                mip::Known::Nothing,
            )
        });
        let answer = answer.expect("a failed stage keeps its start");
        assert_eq!(left, 0, "both injected failures were met");
        assert_eq!(answer.status, SolveStatus::TimeLimit);
        assert_eq!(answer.chosen, start);
        assert_eq!(verify::verify(&problem, &plan), Ok(()));
    }

    /// One failure is met by the solve without presolve, which HiGHS then finishes: the same
    /// optimum as with no failure.
    #[test]
    fn a_stage_highs_fails_once_is_solved_again_to_the_same_optimum() {
        let problem = crate::admit::validate(crate::generate::generate_with(40, 10, 3, false))
            .expect("valid");
        let all = Candidates::of_problem(&problem);
        let options = SolveOptions::from_policy(&problem);
        let solve = || {
            mip::solve(
                &problem,
                &all,
                options,
                Until::far(),
                None,
                mip::Known::Nothing,
            )
        };
        let clean = solve().expect("solves");
        let (retried, left) = super::highs::faults::with_failures(1, solve);
        let retried = retried.expect("solved again without presolve");
        assert_eq!(left, 0);
        assert_eq!(clean.status, SolveStatus::Optimal);
        assert_eq!(retried.status, SolveStatus::Optimal);
        assert_eq!(retried.coverage, clean.coverage);
        assert!((retried.objective - clean.objective).abs() < 1e-6);
    }

    /// The seat-sharing method's residual program failed by HiGHS twice: the method answers
    /// with its best plan and certified bound, `TIME_LIMIT`, as when the residual is too large
    /// for the program, instead of an error.
    #[test]
    fn a_residual_program_highs_fails_on_answers_with_the_best_plan() {
        // A school whose proof takes the residual program (the 300-student one's does not).
        let problem = crate::admit::validate(crate::generate::generate_with(200, 50, 1, false))
            .expect("valid");
        let clean = solve_problem(&problem, SolveOptions::from_policy(&problem)).expect("solves");
        assert_eq!(clean.solution.status, SolveStatus::Optimal);
        // Every stage of every program this solve runs fails, as often as it is retried.
        let (failed, left) = super::highs::faults::with_failures(u32::MAX, || {
            solve_problem(&problem, SolveOptions::from_policy(&problem))
        });
        let failed = failed.expect("the best plan, not an error");
        assert!(left < u32::MAX, "the solve met the integer program");
        assert_eq!(failed.solution.status, SolveStatus::TimeLimit);
        let pairs = verify::pairs(&failed.candidates, &failed.solution.chosen);
        assert_eq!(verify::verify(&problem, &pairs), Ok(()));
        assert!(failed.solution.objective <= clean.solution.objective + 1e-6);
        assert!(failed.solution.best_bound >= clean.solution.objective - 1e-6);
    }

    /// The options of a small generated school's policy (the defaults).
    fn default_options() -> SolveOptions {
        let problem =
            crate::admit::validate(crate::generate::generate_with(10, 3, 1, false)).expect("valid");
        SolveOptions::from_policy(&problem)
    }

    /// The time kept back for finishing grows with the pairs (45 ns each on an idle machine:
    /// 728 ms at the 16.2 M-pair district) and never takes more than a fifth of the limit.
    #[test]
    fn the_finishing_reserve_grows_with_the_pairs_up_to_a_fifth_of_the_limit() {
        let at = |limit: Duration| SolveOptions {
            time_limit: limit,
            ..default_options()
        };
        let limit = Duration::from_secs(5);
        assert_eq!(finish_reserve(0, &at(limit)), Duration::ZERO);
        assert_eq!(
            finish_reserve(16_173_408, &at(limit)),
            Duration::from_nanos(727_803_360)
        );
        assert_eq!(
            finish_reserve(16_173_408, &at(Duration::from_secs(1))),
            Duration::from_millis(200)
        );
        assert!(finish_reserve(620_697, &at(limit)) < Duration::from_millis(30));
    }

    /// Scoring slower than an idle machine's (a loaded one) slows every estimate per pair by
    /// the same factor; quicker scoring never speeds them up.
    #[test]
    fn slow_scoring_raises_the_estimates_per_pair_and_quick_scoring_keeps_them() {
        let base = SolveOptions {
            time_limit: Duration::from_secs(30),
            ..default_options()
        };
        let pairs = 16_000_000;
        // 60 ns a pair, an idle machine: no slowdown.
        let idle = base.paced_by_scoring(pairs, Duration::from_millis(960));
        assert_eq!(idle.slowdown, 1.0);
        assert_eq!(finish_reserve(pairs, &idle), Duration::from_millis(720));
        // Quicker still: none either.
        let quick = base.paced_by_scoring(pairs, Duration::from_millis(100));
        assert_eq!(quick.slowdown, 1.0);
        // 105 ns a pair: 1.75 times slower, 1.26 s kept back at these pairs.
        let loaded = base.paced_by_scoring(pairs, Duration::from_millis(1_680));
        assert!(
            (loaded.slowdown - 1.75).abs() < 1e-12,
            "{}",
            loaded.slowdown
        );
        assert_eq!(finish_reserve(pairs, &loaded), Duration::from_millis(1_260));
        assert_eq!(loaded.per_pair(1_000, 40), Duration::from_micros(70));
        // Raised once, never lowered by a later quicker measure.
        let again = loaded.paced_by_scoring(pairs, Duration::from_millis(100));
        assert_eq!(again.slowdown, loaded.slowdown);
        // No pairs: no division by zero, and nothing kept back.
        let empty = base.paced_by_scoring(0, Duration::from_millis(5));
        assert_eq!(finish_reserve(0, &empty), Duration::ZERO);
        // A slowdown set to nonsense by a caller counts as none.
        let nonsense = SolveOptions {
            slowdown: f64::NAN,
            ..base
        };
        assert_eq!(nonsense.per_pair(1_000, 40), Duration::from_micros(40));
        // Only the pace changes.
        assert_eq!(loaded.time_limit, base.time_limit);
        assert_eq!(loaded.sparse_keep, base.sparse_keep);
    }

    /// Where the integer program cannot be set up in half the limit, a request with seat terms
    /// and seat sharing gets the seat-sharing plan without those terms as the program's start,
    /// and that plan has the optimum's coverage (the same as the school without seat terms).
    /// The limit that makes the program too slow and the deadline the plan is solved within
    /// are separate, so the check does not depend on how fast this build is.
    #[test]
    fn seat_terms_start_from_the_seat_sharing_plan_when_the_program_cannot_be_set_up() {
        let raw = crate::generate::generate_with(300, 70, 1, false);
        let plain = crate::admit::validate(raw.clone()).expect("valid");
        let plain_plan = solve_problem(&plain, SolveOptions::from_policy(&plain)).unwrap();
        let mut raw = raw;
        raw.policy.involve_every_mentor = Some(true);
        raw.policy.load_spread = Some(0.5);
        let problem = crate::admit::validate(raw).expect("valid");
        let all = Candidates::of_problem(&problem);
        let mut options = SolveOptions::from_policy(&problem);
        let deadline = Until {
            at: Instant::now() + Duration::from_secs(60),
            stop: None,
        };
        assert!(
            seat_cost_start(&problem, &all, options, deadline)
                .unwrap()
                .is_none(),
            "the program fits in the default limit: no start"
        );
        options.time_limit = Duration::from_secs_f64(mip::setup_seconds(all.len()));
        let start = seat_cost_start(&problem, &all, options, deadline)
            .unwrap()
            .expect("a start where the program cannot be set up");
        assert_eq!(verify::verify(&problem, &start), Ok(()));
        assert_eq!(
            level_coverage(&problem, &start),
            plain_plan.solution.coverage
        );
    }

    fn single_need_school(seed: u64) -> crate::domain::model::Validated {
        crate::admit::validate(crate::generate::generate_with(300, 70, seed, true))
            .expect("a generated school is valid")
    }

    /// A generated 300x70 school whose students have several needs, one mentor each.
    fn one_seat_school(seed: u64) -> crate::domain::model::Validated {
        let mut raw = crate::generate::generate_with(300, 70, seed, false);
        raw.policy.max_mentors_per_student = Some(1);
        crate::admit::validate(raw).expect("a generated school is valid")
    }

    /// The network's exact bound (`stopped.rs`) is the network's optimum at the seat prices of
    /// its optimal flow (so it proves what the flow proves), and bounds the optimum at any
    /// other prices, drawn at random: it cannot claim less than the optimum reaches. Both of
    /// the network method's models: one need per student, and one mentor per student.
    #[test]
    fn the_networks_bound_meets_its_optimum_at_its_prices_and_bounds_it_at_any() {
        for (seed, one_seat) in [(1, false), (2, false), (3, false), (1, true), (2, true)] {
            let problem = if one_seat {
                one_seat_school(seed)
            } else {
                single_need_school(seed)
            };
            let all = Candidates::of_problem(&problem);
            let options = SolveOptions::from_policy(&problem);
            let (pairs, fit_scale, prices) = if one_seat {
                let run = one_seat::OneSeat::build(&problem, &all)
                    .expect("one mentor a student")
                    .run(options, Until::far());
                assert!(run.complete, "seed {seed}");
                (run.pairs, run.fit_scale, run.prices)
            } else {
                assert!(is_network_set(&problem, &all));
                let run = network::run(&problem, &all, options, Until::far(), None);
                assert!(run.complete, "seed {seed}");
                let pairs = verify::pairs(&run.candidates, &run.solution.chosen);
                (pairs, run.solution.fit_scale, run.prices)
            };
            let scored = pairs.iter().map(|&(n, m)| {
                let c = all.find(n, m).expect("a candidate");
                (n, all.scores[c])
            });
            let value = stopped::plan_value(&problem, scored, fit_scale);
            let prices = prices.expect("a finished flow has prices");
            let at_prices = stopped::network_bound(&problem, &all, &prices, fit_scale);
            assert_eq!(at_prices.value, value, "seed {seed}, one seat {one_seat}");
            let highest = prices.iter().copied().max().unwrap_or(0).max(1 << 40);
            let mut key = seed;
            for _ in 0..20 {
                let drawn: Vec<flow::Cost> = (0..problem.mentors.len())
                    .map(|_| {
                        key = crate::rules::splitmix64(key);
                        if key % 3 == 0 {
                            flow::Cost::from(key >> 8) % (2 * highest)
                        } else {
                            0
                        }
                    })
                    .collect();
                let bound = stopped::network_bound(&problem, &all, &drawn, fit_scale);
                assert!(bound.value >= value, "seed {seed}, one seat {one_seat}");
            }
        }
    }

    /// A network stopped after its first flow over a sparse set (pricing not run): the answer
    /// is the plan with what the bound at that flow's prices proves, and every claim holds
    /// against the optimum: a level proven (`at_most` = covered) has the optimum's coverage,
    /// the first level with room has no more than its `at_most` there, a fit bound (given only
    /// with every level proven) is at least the optimum's fit, and "optimal" is the optimum.
    #[test]
    fn a_network_stopped_before_pricing_claims_only_what_its_bound_proves() {
        let mut proven_some = false;
        for (seed, keep) in [(1, 1), (2, 1), (3, 2), (4, 1), (5, 3)] {
            let problem = single_need_school(seed);
            let all = Candidates::of_problem(&problem);
            let optimum = solve_problem(&problem, SolveOptions::from_policy(&problem))
                .expect("solves")
                .solution;
            assert_eq!(optimum.status, SolveStatus::Optimal);
            let sparse = all.select(&problem, keep);
            let network = flow::Network::new(&problem, &sparse, None);
            assert!(network.complete());
            let solution = network.solution(&sparse);
            let stop = StopBound {
                all: &all,
                prices: solution.seat_prices(),
                fit_scale: solution.fit_scale,
                answer_by: Until::far().at,
                pace: SolveOptions::from_policy(&problem),
            };
            let mut answer =
                Solved::by_network(&problem, sparse, solution.chosen, (false, 1), 0, None);
            answer.prove_stopped(&problem, &stop);
            let got = &answer.solution;
            let label = format!("seed {seed}, {keep} kept a need: {got:?}");
            let levels = got.reported_coverage();
            let best = optimum.reported_coverage();
            let mut open = false;
            for (level, optimal) in levels.iter().zip(&best) {
                match level.at_most {
                    None => open = true,
                    Some(most) => {
                        assert!(!open, "{label}");
                        assert!(most >= level.covered && most <= level.needs, "{label}");
                        if most == level.covered {
                            assert_eq!(level.covered, optimal.covered, "{label}");
                        } else {
                            assert!(most >= optimal.covered, "{label}");
                            open = true;
                        }
                    }
                }
            }
            if got.status == SolveStatus::Optimal {
                assert!((got.objective - optimum.objective).abs() < 1e-6, "{label}");
            }
            // The fit bound (or the trivial one, where the coverage is not proven).
            assert!(got.best_bound >= optimum.objective - 1e-6, "{label}");
            proven_some |= levels.iter().any(|l| l.at_most == Some(l.covered));
        }
        assert!(proven_some, "no stopped plan had a level proven");
    }
}
