//! Method **network+side**: the full model, where one mentor may cover several needs of a
//! student on one seat, solved with network flows and an exact Lagrangian certificate.
//!
//! What it proves: the lexicographic optimum (coverage by priority, then fit) of the full model
//! — capacity in distinct students, per-student mentor limit, locks, forbidden pairs — over
//! every feasible pair, with a certificate computed in exact integer arithmetic.
//!
//! Seat sharing is a fixed charge (the first need of a student takes the seat, the others ride
//! on it), so the model is not a network and its linear relaxation has a real gap (the
//! nine-need instance in the tests: 7.5 against 7). The method:
//!
//! 1. **Primal**: the network with some seats made up front (`flow::Seat`: locks, and bundles
//!    of needs committed to one mentor), solved exactly by the flow with pricing. Any such plan
//!    is feasible. The first solve makes no bundle: every need takes its own seat.
//! 2. **Bound**: relax the mentors' capacities with seat prices `μ`: the flow's potentials,
//!    then the optimal duals of the pattern master LP ([`master`]), at every size. The
//!    relaxed problem splits by student: each picks the pattern (needs covered,
//!    by which mentors, at most `max_mentors_per_student` of them) that maximises its value
//!    minus the prices of the seats it takes — a small exact dynamic programme over its needs
//!    (one mentor's seat may cover a subset of them). `L(μ) = Σ_m cap_m·μ_m + Σ_s best_s(μ)`
//!    bounds every plan, for any `μ ≥ 0`. All values are the flow's packed lexicographic costs
//!    (`i128`), so the bound is exact, not a float.
//! 3. **Equilibrium**: where the plan's value equals the bound, it is optimal. Otherwise the
//!    students whose best pattern at these prices shares a seat have that bundle committed and
//!    the network is solved again (a few rounds). The first such round uses the flow's own
//!    prices, before the master is built: where its network settles the bound (every seat
//!    tied), the master never runs. Where the master's LP optimum, rounded to a plan, has
//!    its coverage proven (at 4,000 x 1,000 it is integral: the plan is the LP's own), that
//!    plan is the incumbent and the round after the master is not run. Where the LP splits a
//!    few rows between columns, those rows are settled in integers within the seats the
//!    columns it takes whole leave (`MasterLp::split_rows_plan`): at the school that plan has
//!    the optimum's coverage where the rounded one was a low need short, and at the district
//!    it is 0.011 points from the bound where the rounded one was 12, so the residual below
//!    starts narrower.
//! 4. **Residual**: if a gap `G` remains, every plan better than the incumbent gives each
//!    student a pattern within `G` of its best at the prices (the terms of `L − value` are all
//!    non-negative). Pairs in no such pattern are dropped, and a pair every such pattern
//!    makes is held fixed (`residual::forced_pairs`; where its seat holds nothing else, taken
//!    out of the program with its seat, `fixed`); the integer program (`mip/`) solves
//!    what is left, first over the pairs within a fraction of a point, widened when
//!    that is not enough. Its optimum is the optimum. Before widening, where the bound is
//!    less than one lowest need above the plan's coverage digits (that coverage is then
//!    optimal), the bound becomes the floored one (`bound::Floors`): fit among plans of that
//!    coverage, which a need the LP covers by halves does not inflate by half a need's worth.
//!
//! A rematch's bound on changes (`maxChanges`: keep at least `K` of the row's working pairs),
//! where the unbounded optimum keeps too few ([`solve_bounded`]): the row is one more row of the
//! master, and its price `λ` a bonus per kept seat in the bound (`bound::KeptRow`), so that
//! `L(μ, λ) − λK` bounds every plan that keeps enough; the rounds' networks carry the bonus on
//! the row's pairs, only plans that keep enough are incumbents, and the residual program holds
//! the row. Exact by the same argument; the row's own integrality gap (a few points on a
//! 900-student rematch) can leave a wide residual.
//!
//! Imports the domain, the rules, the flow and the integer program (HiGHS only through `mip/`
//! and, for the master, `solver::highs`); must not import anything above the solver.

use std::borrow::Cow;
use std::time::{Duration, Instant};

mod bound;
mod derived;
mod fixed;
mod master;
mod network_tiers;
mod repair;
mod residual;
mod sharing;

use self::bound::{lagrangian, Block, Bound, Floors, KeptRow, Pricing};
use self::derived::{Bundle, Derived};
use self::repair::repair;
use self::residual::{finish, forced_pairs, residual_pairs};
pub(super) use self::sharing::EXACT_WORK_BUDGET;
use self::sharing::{Shape, Sharing};
use crate::parallel::Later;

use super::flow::{self, Cost, Seat};
use super::{
    level_coverage, mip, network, verify, SeatPrices, Solution, SolveError, SolveOptions,
    SolveStatus, Start, Until, DISTRICT_PAIRS,
};
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::rules::Candidates;

/// The time a bound for a plan stopped in the first round needs, per pair, before it is
/// evaluated: measured ~22 ns a pair at the 20,000 x 5,400 district (16.2 M pairs, 399 k
/// shared seats, ~360 ms on a slow hour), where the network's own scan (`stopped.rs`) takes
/// 7; with room for a slower hour. At district size it is then skipped within the finishing
/// reserve (a 5 s limit answered 159 ms past it with the bound), at school size it runs.
const STOP_BOUND_NS_PER_PAIR: u64 = 40;

/// What building the shared seats costs per pair, where the deadline stopped their build on
/// the other core and a stopped plan's bound wants them: measured ~1 s for the dense
/// 30.8 M-pair district on two threads (~32 ns a pair), with room for a slower hour.
const SHARING_NS_PER_PAIR: u64 = 40;

/// Rounds of "commit best bundles, solve the network again" before the residual program.
const MAX_ROUNDS: u32 = 3;

/// Largest residual handed to the integer program. HiGHS cannot be interrupted, and on large
/// models it overruns its own time limit by minutes in the root LP (4000x1000 multi-need,
/// 634 k pairs: still in the root LP 8 minutes after an 18 s limit), so past this the network's
/// plan and the certified bound are the answer, on time. The school (33.6 k pairs) stays
/// under it.
const MAX_RESIDUAL_PAIRS: u64 = 150_000;

/// Largest gap (score points) the bound at a nearby answer's prices may leave for the residual
/// to start at once (see [`Start`]). On generated 900-student schools, the forced solves of
/// `why_not` met 0.27 to 1.73 points at the base plan's prices, each exactly the bound their
/// own master then reached in 60–100 ms; a wider gap may be the prices' slack, which the master
/// closes sooner than a wider residual.
const START_GAP_POINTS: f64 = 2.0;

/// One covered need at the lowest priority in the packed cost (the fit digit is below it).
const ONE_NEED: Cost = 1 << flow::FIT_BITS;

/// First width of the residual, in score points. The residual's optimum sits within a
/// hundredth of a point of the master's bound on the generated schools (the bound is the LP's,
/// and the optimal plan uses pairs of zero reduced cost), so the pairs within 0.02 points
/// hold it; HiGHS then settles the program sooner than over the pairs within 0.05 (which
/// are barely more, ~5 %): 4,000x1,000 residual 284 -> 153 ms and 435 -> 239 ms on two seeds,
/// the same optima on nine instances. A wider gap is met by widening, as before.
const INITIAL_DELTA_POINTS: f64 = 0.02;

/// How many times wider each widening of the residual is than the last, until the gap is
/// within twice that: then the gap itself. Widening straight to the gap opened a program over
/// every pair within it when the narrow residual's plan, not the bound, was what fell short:
/// `gen4000s21_locks` (a tenth of the optimum's pairs locked) met a plan 0.78 points under the
/// bound over the pairs within 0.02, widened to those within 0.78 (53 k pairs, 11 s in HiGHS,
/// most of it its heuristics looking for the plan), where the optimum lay 0.33 under the bound
/// and the pairs within 0.05 already held it.
const WIDENING_FACTOR: Cost = 4;

/// The residual's next width after one of `delta` left `gap` (> `delta`) between the bound
/// and the plan: [`WIDENING_FACTOR`] times wider, or the gap itself once within twice that.
fn widened(delta: Cost, gap: Cost) -> Cost {
    let wider = delta.max(1).saturating_mul(WIDENING_FACTOR);
    if gap <= wider.saturating_mul(2) {
        gap
    } else {
        wider
    }
}

/// Whether LP coverage `lp` (needs per level, urgent first) equals `floors`' counts at every
/// floored level, to within HiGHS's primal tolerance.
fn meets_exactly(lp: &[f64; 4], floors: &Floors) -> bool {
    lp.iter()
        .zip(&floors.counts)
        .take(floors.fixed)
        .all(|(&covered, &count)| (covered - f64::from(count)).abs() <= COVERAGE_TOLERANCE)
}

/// How far an LP's coverage of a level may be from a whole count and count as it (HiGHS's
/// primal feasibility tolerance is 1e-7 per column).
const COVERAGE_TOLERANCE: f64 = 1e-6;

/// A floored bound ([`Method::floored`]) is taken only where it closes at least this share
/// (one part in this many) of the gap between the bound and the plan.
const FLOORED_MIN_GAIN_SHARE: Cost = 64;

/// Largest gap (score points) between the rounds' bound and their plan at which the master's
/// prices are read exactly before the residual program (`MasterLp::proves`). The gaps that
/// reading closes were 1.5e-8 to 8e-7 points on the measured schools (a few dozen packed
/// units); a gap of a point or more is the plan's (the school's: 0.76), which only the
/// residual closes.
const EXACT_READ_GAP_POINTS: f64 = 1e-5;

/// LP solves of the floored bound's column generation at most (see `bound::Floors`).
const FLOORED_ITERATIONS: u32 = 30;

/// How the method ended, for the response and the logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SideStats {
    /// Network solves (one per round, the round of the flow's own bundles included; 0 where
    /// the bound at a caller's prices settled a caller's plan before any: see `Start`).
    pub rounds: u32,
    /// Candidate pairs left to the integer program after the bound (0: none was needed).
    pub residual_pairs: usize,
    /// Levels (urgent first) whose coverage the residual's last bound held by floors
    /// (`bound::Floors`), 0 to 4: below them it bounded coverage as well as fit. A stopped
    /// answer's claims (`LevelCoverage::at_most`) read the bound's digits unless all four are
    /// ([`SideStats::floored`]).
    pub floored_levels: usize,
    /// Students the bound priced loosely: past eight needs, beyond the exact programme's
    /// budget (`sharing::EXACT_WORK_BUDGET`). Their seat sharing is only bounded, not priced,
    /// so the bound is weaker around them.
    pub loose_students: usize,
    /// The master's LP optimum, rounded, fell short of its bound and its split rows were
    /// settled (`MasterLp::split_rows_met`): the residual program went to branch and cut
    /// without trying its LP relaxation first, and a forced solve of `why_not` on this plan
    /// does the same ([`SolveOptions::residual_lp_first`]).
    pub split_rows: bool,
}

impl SideStats {
    /// The residual's last bound was the floored one on every level: the plan's coverage was
    /// proven, and the fit bounded among plans of that coverage.
    pub fn floored(&self) -> bool {
        self.floored_levels == 4
    }
}

/// The answer of the method.
pub(super) struct SideOutcome {
    pub candidates: Candidates,
    pub solution: Solution,
    pub stats: SideStats,
    /// The seat prices of the rounds' tightest bound (without a kept row, whose bonus they
    /// leave out): a start for a nearby problem's solve ([`SeatPrices`]).
    pub prices: Option<SeatPrices>,
}

/// A feasible plan with its exact value.
struct Incumbent {
    value: Cost,
    pairs: Vec<(NeedIx, MentorIx)>,
}

/// Solves the seat-sharing model (see the module header): rounds of network flows and
/// bounds, then the residual integer program when a gap is left.
pub(super) fn solve(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    start: Start<'_>,
) -> Result<SideOutcome, SolveError> {
    with_method(problem, all, options, deadline, |method| {
        // A caller's feasible plan (checked by the entry point) is the first incumbent.
        let warm = start.plan.map(|w| {
            let mut pairs = w.to_vec();
            pairs.sort_unstable();
            Incumbent {
                value: method.value_of(&pairs),
                pairs,
            }
        });
        let mut ended = method.rounds(warm, start.prices);
        let Some(inc) = ended
            .incumbent
            .filter(|_| !ended.network_failed || ended.rounds > 1)
        else {
            // No plan from the network: the integer program over every pair.
            let solution = mip::solve(problem, all, options, deadline, None, mip::Known::Nothing)?;
            return Ok(SideOutcome {
                candidates: all.clone(),
                solution,
                stats: SideStats {
                    rounds: ended.rounds,
                    residual_pairs: all.len(),
                    floored_levels: 0,
                    loose_students: method.loose_students(),
                    split_rows: false,
                },
                prices: None,
            });
        };
        let master = ended.master.as_mut();
        let prices = ended
            .bound
            .as_ref()
            .filter(|_| method.values.row.is_none())
            .map(|b| SeatPrices {
                mu: b.mu.clone(),
                fit_scale: method.values.fit_scale,
            });
        let mut outcome =
            method.conclude(inc, ended.bound, ended.timed_out, ended.rounds, master)?;
        outcome.prices = prices;
        Ok(outcome)
    })
}

/// The seat-sharing model with a rematch's bound on changes (`maxChanges`: at least `K` of the
/// row's working pairs kept), exactly. The row is one more row of the pattern master, whose
/// price is the row's Lagrangian multiplier: a bonus per kept seat in the bound (see
/// [`KeptRow`]), and a continuity bonus on the row's pairs in the rounds' networks. The bound
/// covers every plan that keeps enough, so the residual argument holds as before; only plans
/// that keep enough are incumbents, and the residual integer program carries the row. `starts`
/// are plans met before (the caller's current pairs); the first incumbent is the best of them
/// that keeps enough. None when no plan met keeps enough: the caller runs the integer program
/// over every pair.
pub(super) fn solve_bounded(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    starts: &[Vec<(NeedIx, MentorIx)>],
) -> Result<Option<SideOutcome>, SolveError> {
    with_method(problem, all, options, deadline, |method| {
        let mut ended = method.rounds(method.best_keeping(starts.iter()), None);
        match ended.incumbent {
            Some(inc) if ended.bound.is_some() => {
                let master = ended.master.as_mut();
                method
                    .conclude(inc, ended.bound, ended.timed_out, ended.rounds, master)
                    .map(Some)
            }
            _ => Ok(None),
        }
    })
}

/// Runs `f` with the method over `all`. With a rematch's bound on changes, the fit scale
/// leaves room for the rounds' continuity bonus (at most [`bonus_cap`]).
fn with_method<R>(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    f: impl FnOnce(&Method<'_>) -> R,
) -> R {
    let row = KeptRow::of(problem, all);
    let bonus_cap = row.as_ref().map_or(0.0, |_| bonus_cap(problem, all));
    let fit_scale = flow::fit_scale_with(problem, all, bonus_cap);
    std::thread::scope(|scope| {
        // The shared seats are first needed by the bound after the first round's flow, which
        // runs on one core: they are found on the other meanwhile (0.23 s at the district).
        // Past the deadline nothing reads them: the build stops there (see
        // `Sharing::build_until`), and a phase that still wants them builds them itself.
        let sharing = crate::parallel::later(scope, || {
            let budget = options.budget.max_exact_work;
            let sharing = Sharing::build_until(problem, all, budget, &|| deadline.passed());
            match &sharing {
                Some(sharing) => tracing::debug!(
                    shared_seats = sharing.seats.len(),
                    loose_students = sharing.loose_students(),
                    exact_work_past_eight_needs = sharing.granted_work,
                    "seat sharing: shared seats found"
                ),
                None => tracing::debug!("seat sharing: past the deadline, shared seats not built"),
            }
            sharing
        });
        let built_here = std::sync::OnceLock::new();
        let need_of = bound::need_of(problem, all);
        let fits = bound::quantised_fits(all, fit_scale);
        let values = Pricing::of_values(problem, all, &need_of, fit_scale, &fits, row.as_ref());
        let method = Method {
            problem,
            all,
            options,
            deadline,
            sharing: &sharing,
            built_here: &built_here,
            values: &values,
            lock_bundles: lock_bundles(problem, all),
            bonus_cap,
        };
        f(&method)
    })
}

/// The largest continuity bonus (score points) the rounds' networks put on the row's pairs: past
/// the widest spread of one need's scores, a kept seat outbids any other mentor for its needs,
/// and a larger one only costs the fit scale its precision.
fn bonus_cap(problem: &Problem, all: &Candidates) -> f64 {
    let widest = (0..problem.needs.len() as NeedIx)
        .map(|n| all.spread(n))
        .fold(0.0, f64::max);
    widest + 1.0
}

/// A lock's seat covers every need of the student its mentor qualifies for, but those the
/// student's other locks need to be made at all ([`flow::lock_needs`]).
fn lock_bundles(problem: &Problem, all: &Candidates) -> Vec<(Bundle, MentorIx)> {
    let masks = flow::lock_needs(problem, |n, m| all.find(n, m).is_some());
    problem
        .locked
        .iter()
        .zip(masks)
        .map(|(&(s, m), own)| {
            (
                Bundle {
                    student: s,
                    mask: own.all,
                },
                m,
            )
        })
        .collect()
}

/// What the method works from, shared by its phases.
struct Method<'a> {
    problem: &'a Problem,
    all: &'a Candidates,
    options: SolveOptions,
    deadline: Until,
    /// The shared seats, found on another thread while the first round's flow runs (None
    /// where the deadline stopped it): read them through [`Method::sharing`].
    sharing: &'a Later<Option<Sharing>>,
    /// The shared seats built on this thread, where the other's build was stopped.
    built_here: &'a std::sync::OnceLock<Sharing>,
    /// Values of pairs (no prices, no bonus); at other prices, the same with `mu` and `bonus`
    /// replaced. Carries a rematch's kept row, if any.
    values: &'a Pricing<'a>,
    /// Seats made by locks, with the needs each covers.
    lock_bundles: Vec<(Bundle, MentorIx)>,
    /// The largest continuity bonus the rounds' networks put on a kept row's pairs.
    bonus_cap: f64,
}

/// How the rounds ended.
struct RoundsEnd<'a> {
    /// The best plan met (the caller's, or a round's).
    incumbent: Option<Incumbent>,
    /// The tightest bound met.
    bound: Option<Bound>,
    rounds: u32,
    /// The deadline stopped a round's network.
    timed_out: bool,
    /// Seats made up front could not all hold in the network's form.
    network_failed: bool,
    /// The pattern master, when it ran: its columns can still make a plan (see
    /// [`Method::columns_plan`]).
    master: Option<master::MasterLp<'a>>,
}

impl RoundsEnd<'_> {
    /// The best plan's value (the lowest cost when there is none yet).
    fn best_value(&self) -> Cost {
        self.incumbent.as_ref().map_or(Cost::MIN, |i| i.value)
    }

    /// Keeps `pairs` as the incumbent when they are better.
    fn offer(&mut self, value: Cost, pairs: &[(NeedIx, MentorIx)]) {
        if self.incumbent.as_ref().is_none_or(|inc| value > inc.value) {
            self.incumbent = Some(Incumbent {
                value,
                pairs: pairs.to_vec(),
            });
        }
    }

    /// Keeps `bound` when it is tighter.
    fn tighten(&mut self, bound: Bound) {
        if self.bound.as_ref().is_none_or(|b| bound.value < b.value) {
            self.bound = Some(bound);
        }
    }

    /// The bound is within one need of the best plan: no plan covers more.
    fn coverage_proven(&self) -> bool {
        self.bound
            .as_ref()
            .is_some_and(|b| b.value.saturating_sub(self.best_value()) < ONE_NEED)
    }
}

/// The rounds' options and time ([`Method::round_budget`]).
struct Budget {
    options: SolveOptions,
    /// No round starts after this.
    rounds: Until,
    /// The master stops here (less its reserve, [`Method::master_until`]). Later than the
    /// rounds': the master's LP is warm from its last round and costs far less per step than
    /// the residual program, whose LP relaxation starts afresh over more pairs. Stopped at the
    /// rounds' quarter, a tied 900-student school's master (65 ms) at a 0.3 s limit ended one
    /// iteration short in half the runs, and the residual then spent the rest of the time
    /// without closing 1.3 points.
    master: Until,
}

/// One round's network solve, its plan repaired to gain what the flow could not see.
struct RoundPlan {
    pairs: Vec<(NeedIx, MentorIx)>,
    /// The flow's seat prices (its potentials), a first guess for the bound's.
    seat_prices: Vec<Cost>,
    /// The network proved its plan optimal for its own model (not stopped by the deadline).
    complete: bool,
    /// The bonus (packed) its network put on a kept row's pairs, at which its prices are read.
    bonus: Cost,
}

impl<'a> Method<'a> {
    /// The shared seats: at the first call, waits for the thread finding them; where the
    /// deadline stopped it, builds them here.
    fn sharing(&self) -> &'a Sharing {
        match self.sharing_found() {
            Some(sharing) => sharing,
            None => self.built_here.get_or_init(|| self.build_sharing()),
        }
    }

    /// The shared seats where they were built (waiting for the other thread's build, which
    /// stops at the deadline), without building them: None once the deadline stopped it.
    fn sharing_found(&self) -> Option<&'a Sharing> {
        let found = self.sharing.get_or(|| Some(self.build_sharing()));
        found.as_ref().or_else(|| self.built_here.get())
    }

    /// The shared seats, built on this thread to the end.
    fn build_sharing(&self) -> Sharing {
        Sharing::build(self.problem, self.all, self.options.budget.max_exact_work)
    }

    /// Students the bound prices loosely (a statistic of the answer): 0 where the shared
    /// seats were never built, the deadline having passed first.
    fn loose_students(&self) -> usize {
        self.sharing_found().map_or(0, Sharing::loose_students)
    }

    /// A plan's exact value in the packed costs.
    fn value_of(&self, pairs: &[(NeedIx, MentorIx)]) -> Cost {
        self.values.plan_value(pairs)
    }

    /// The master's LP plan (`MasterLp::lp_plan`) repaired, where it breaks no rule, keeps
    /// enough of a kept row and its coverage is proven by `bound` (within one need of it).
    fn lp_plan_at(
        &self,
        master: Option<&master::MasterLp<'_>>,
        bound: &Bound,
    ) -> Option<Incumbent> {
        let mut pairs = master?.lp_plan();
        repair(self.problem, self.all, self.values, &mut pairs);
        let value = self.value_of(&pairs);
        let gap = bound.value.saturating_sub(value);
        let proven = gap < ONE_NEED;
        tracing::debug!(
            gap_low_needs = gap as f64 / ONE_NEED as f64,
            proven,
            "seat sharing: the master's LP optimum rounded to a plan"
        );
        (proven && self.keeps_enough(&pairs) && verify::verify(self.problem, &pairs).is_ok())
            .then_some(Incumbent { value, pairs })
    }

    /// The seats of a kept row that may be shared (`Sharing`'s seats: two or more of their
    /// student's needs), as bundles of those needs (none without a row).
    fn row_bundles(&self) -> Vec<Bundle> {
        let Some(row) = self.values.row else {
            return Vec::new();
        };
        let sharing = self.sharing();
        let mut bundles: Vec<Bundle> = Vec::new();
        for &(s, m) in &row.seats {
            let seats = &sharing.seats[sharing.of_student(s as usize)];
            let Some(mask) = seats
                .iter()
                .find(|seat| seat.mentor == m)
                .map(|seat| seat.mask)
            else {
                continue;
            };
            if !bundles.iter().any(|b| b.student == s && b.mask & mask != 0) {
                bundles.push(Bundle { student: s, mask });
            }
        }
        bundles.sort();
        bundles
    }

    /// Whether `pairs` keep enough of a rematch's row (true without one).
    fn keeps_enough(&self, pairs: &[(NeedIx, MentorIx)]) -> bool {
        self.problem
            .min_kept()
            .is_none_or(|row| super::kept_of(self.problem, pairs, row) >= row.at_least)
    }

    /// The best of `plans` that keep enough of a rematch's row (and break no rule), by
    /// value; None without a row or such a plan.
    fn best_keeping<'p>(
        &self,
        plans: impl Iterator<Item = &'p Vec<(NeedIx, MentorIx)>>,
    ) -> Option<Incumbent> {
        self.problem.min_kept()?;
        let mut best: Option<Incumbent> = None;
        for pairs in plans {
            if !self.keeps_enough(pairs) || verify::verify(self.problem, pairs).is_err() {
                continue;
            }
            let value = self.value_of(pairs);
            if best.as_ref().is_none_or(|b| value > b.value) {
                let mut pairs = pairs.clone();
                pairs.sort_unstable();
                best = Some(Incumbent { value, pairs });
            }
        }
        best
    }

    /// Rounds of "commit the bound's best bundles, solve the network again" until the bound
    /// is within one need of the plan, the bundles repeat, or the rounds' time is up.
    fn rounds(&self, warm: Option<Incumbent>, prices: Option<&SeatPrices>) -> RoundsEnd<'a> {
        let mut ended = RoundsEnd {
            incumbent: warm,
            bound: None,
            rounds: 0,
            timed_out: false,
            network_failed: false,
            master: None,
        };
        let started = Instant::now();
        // Without a plan that keeps enough of a kept row, the first network keeps the row's
        // shared seats whole (each of its own needs on a seat would leave too few seats).
        let mut bundles: Vec<Bundle> = if ended.incumbent.is_none() {
            self.row_bundles()
        } else {
            Vec::new()
        };
        let mut tried: Vec<Vec<Bundle>> = vec![bundles.clone()];
        let mut master_lp: Option<master::MasterLp<'_>> = None;
        let mut flow_bundles_tried = false;
        // A nearby answer's prices (a forced solve of `why_not`, from the plan repaired to
        // hold the pair): where their bound leaves little to settle above the best plan, it is
        // the LP's own in practice, and the residual starts at once, without the master or,
        // from a caller's plan that good, any network. Otherwise the rounds go on as without
        // it (measured on a 400 × 100 school: a master started from such prices left a
        // residual of 6,144 pairs, against 546 from the flow's).
        let start_bound = prices.and_then(|p| self.bound_at(p));
        if self.settled_at_start(&mut ended, start_bound.as_ref()) {
            return ended;
        }
        let Budget {
            options: round_options,
            rounds: rounds_until,
            master: master_share,
        } = self.round_budget(started);
        // The last evaluated bound's seat prices: the next round's network keeps each node's
        // best pairs at them (see `network::Fixed::prices`).
        let mut select_prices: Option<Vec<Cost>> = None;
        // The round of the flow's bundles (below) comes on top of the master's rounds.
        while ended.rounds < MAX_ROUNDS + u32::from(flow_bundles_tried) {
            ended.rounds += 1;
            let round_started = Instant::now();
            // With a kept row: the bound's bonus; before any plan that keeps enough, the cap
            // (the plan then keeps as many as it can).
            let bonus = match (&ended.bound, &ended.incumbent) {
                (Some(b), _) => b.bonus,
                (None, None) if self.values.row.is_some() => {
                    (self.bonus_cap * self.values.fit_scale) as Cost
                }
                _ => 0,
            };
            let Some(plan) =
                self.round_plan(&bundles, round_options, bonus, select_prices.as_deref())
            else {
                // Seats made up front that cannot all hold in this form (locks beyond what
                // the flow can honour): the integer program decides.
                ended.network_failed = true;
                break;
            };
            if self.keeps_enough(&plan.pairs) {
                ended.offer(self.value_of(&plan.pairs), &plan.pairs);
            }
            if !plan.complete || self.deadline.passed() {
                ended.timed_out = true;
                self.offer_greedy(&mut ended);
                // Stopped before any bound (in the first round): the bound at the seat prices
                // of the last flow that finished, where its scan fits before the answer is
                // due, says what is proven of the plan (as `stopped.rs` does for the network).
                if ended.bound.is_none() && ended.incumbent.is_some() && self.time_to_bound() {
                    ended.tighten(self.flow_bound(&plan));
                }
                break;
            }
            if master_lp.is_none() && self.settled_at_start(&mut ended, start_bound.as_ref()) {
                break;
            }
            // Before the master's first run: the bundles best at the flow's own prices, one
            // network solve. Where they settle it (every seat tied: 200 identical mentors),
            // that round's flow prices prove its plan and the master is never built;
            // otherwise the master starts from a plan at least as good.
            if !flow_bundles_tried {
                flow_bundles_tried = true;
                let at_flow = self.flow_bound(&plan);
                let next = next_bundles(&at_flow);
                self.log_bound(
                    "seat sharing: bound at the flow's prices",
                    &ended,
                    &plan,
                    &at_flow,
                    next.len(),
                );
                let open = at_flow.value.saturating_sub(ended.best_value()) >= ONE_NEED;
                ended.tighten(at_flow);
                if open && !tried.contains(&next) && !rounds_until.passed() {
                    tried.push(next.clone());
                    bundles = next;
                    continue;
                }
            }
            // Once the master has reached its LP's optimum no later round prices tighter; past
            // its time, a call would only pay for its setup (at district size 1.7 s of pricing
            // and bookkeeping over 170 k columns, with no LP solve, at the end of the limit).
            let converged = master_lp.as_ref().is_some_and(|m| m.converged());
            let master_until = self.master_until(master_share, round_started.elapsed());
            let master_runs = !converged && !master_until.passed();
            let master = if master_runs {
                Some(&mut master_lp)
            } else {
                None
            };
            let evaluated = self.round_bound(
                &plan,
                ended.incumbent.as_ref(),
                ended.bound.as_ref(),
                master,
                master_until,
            );
            // The master's LP optimum rounded to a plan: where that plan's coverage is proven
            // (the bound within one need of it), it is the incumbent and the rounds end. The
            // next round's network over the LP's bundles would find much the same plan (at
            // 4,000x1,000, whose LP optimum is integral, that plan itself: ~85 ms; at the
            // district, the same coverage 0.1 points nearer the bound: ~2.5 s), and what fit
            // is left the exact reading or the residual program settles either way.
            if let Some(own) = self.lp_plan_at(master_lp.as_ref(), &evaluated) {
                ended.offer(own.value, &own.pairs);
            }
            // Where the LP optimum splits a few rows, those rows settled in integers: a plan
            // worth the bound, or at least with its coverage, saves the next round (and at
            // the district narrows the residual programme). Once per LP optimum: a round
            // whose master did not run has the same one.
            let open = master_runs
                && evaluated.value.saturating_sub(ended.best_value()) as f64
                    > EXACT_READ_GAP_POINTS * self.values.fit_scale;
            if let Some(lp) = master_lp.as_ref().filter(|_| open) {
                if let Some(split) = self.split_rows_plan(lp, ended.best_value()) {
                    ended.offer(split.value, &split.pairs);
                }
            }
            // The bundles of the master's own LP plan first: one consistent (fractional) plan,
            // where the bound's best patterns break the LP's ties each student on its own and
            // can crowd the same seats. Those come next if the LP's were tried.
            let next = match master_lp.as_ref().map(|lp| lp.lp_bundles()) {
                Some(from_lp) if !tried.contains(&from_lp) => from_lp,
                _ => next_bundles(&evaluated),
            };
            self.log_bound(
                "seat sharing: bound evaluated",
                &ended,
                &plan,
                &evaluated,
                next.len(),
            );
            select_prices = Some(evaluated.mu.clone());
            ended.tighten(evaluated);
            // Once the bound is within one need of the plan, coverage is proven and what is
            // left is fit, which the residual programme settles faster than another round.
            if ended.coverage_proven() || tried.contains(&next) || rounds_until.passed() {
                break;
            }
            tried.push(next.clone());
            bundles = next;
        }
        ended.master = master_lp;
        ended
    }

    /// Whether the bound at a nearby answer's prices (`at_start`) leaves the best plan's
    /// coverage proven and its fit within [`START_GAP_POINTS`]; if so it becomes the rounds'
    /// bound.
    fn settled_at_start(&self, ended: &mut RoundsEnd<'_>, at_start: Option<&Bound>) -> bool {
        let Some(at_start) = at_start.filter(|_| ended.incumbent.is_some()) else {
            return false;
        };
        let gap = at_start.value.saturating_sub(ended.best_value());
        let settled = gap < ONE_NEED && (gap as f64) <= START_GAP_POINTS * self.values.fit_scale;
        if settled {
            tracing::debug!(
                round = ended.rounds,
                bound_gap_points = gap as f64 / self.values.fit_scale,
                "seat sharing: bound at the start's prices"
            );
            ended.tighten(at_start.clone());
        }
        settled
    }

    /// The debug line of a round's bound: its gap to the best plan, the plan's coverage and
    /// how many bundles the bound's best patterns make.
    fn log_bound(
        &self,
        what: &'static str,
        ended: &RoundsEnd,
        plan: &RoundPlan,
        bound: &Bound,
        next_bundles: usize,
    ) {
        if !tracing::enabled!(tracing::Level::DEBUG) {
            return;
        }
        let covered: Vec<u32> = level_coverage(self.problem, &plan.pairs)
            .iter()
            .map(|l| l.covered)
            .collect();
        tracing::debug!(
            round = ended.rounds,
            coverage = ?covered,
            bound_gap_points = bound.value.saturating_sub(ended.best_value()) as f64 / self.values.fit_scale,
            next_bundles,
            "{what}"
        );
    }

    /// The answer from the rounds' best plan and bound: proven where the bound reaches the
    /// plan, otherwise the residual program, unless the deadline has passed (then the plan and
    /// the bound are the answer).
    fn conclude(
        &self,
        mut inc: Incumbent,
        bound: Option<Bound>,
        timed_out: bool,
        rounds: u32,
        mut master: Option<&mut master::MasterLp<'_>>,
    ) -> Result<SideOutcome, SolveError> {
        let gap = bound.as_ref().map(|b| b.value.saturating_sub(inc.value));
        let mut proven = gap.is_some_and(|g| g <= 0);
        let mut bound = bound;
        // A gap of a few packed units, as the master's LP tolerance and the rounding of its
        // fractional prices leave (see `MasterLp::proves`): where the plan is worth the bound
        // read exactly, the bound is the plan's value.
        let tiny = gap.is_some_and(|g| (g as f64) <= EXACT_READ_GAP_POINTS * self.values.fit_scale);
        if !proven && tiny && !timed_out && !self.deadline.passed() {
            if let Some(lp) = master.as_deref_mut() {
                if let Some(proof) = lp.proves(&inc.pairs, self.deadline) {
                    if let master::Proof::Own(pairs) = proof {
                        inc = Incumbent {
                            value: self.value_of(&pairs),
                            pairs,
                        };
                    }
                    proven = true;
                    bound = bound.map(|b| Bound {
                        value: inc.value,
                        ..b
                    });
                }
            }
        }
        let master = master.map(|m| &*m);
        match bound {
            Some(b) if !proven && !timed_out && !self.deadline.passed() => {
                self.residual(inc, b, rounds, master)
            }
            other => {
                let status = if proven {
                    SolveStatus::Optimal
                } else {
                    SolveStatus::TimeLimit
                };
                let stats = SideStats {
                    rounds,
                    residual_pairs: 0,
                    floored_levels: 0,
                    loose_students: self.loose_students(),
                    split_rows: master.is_some_and(|lp| lp.split_rows_met()),
                };
                Ok(self.answer(inc, status, other.as_ref(), stats))
            }
        }
    }

    /// The rounds' options and time. Past district size the rounds' flows keep twice the
    /// candidates (fewer pricing rounds: the district's first multi-need flow 24 s -> 19 s,
    /// before the auction), all but one started from the auction's guess (see
    /// `network::Fixed::guess`).
    /// The rounds may start until a quarter of the time is gone, the rest being the residual
    /// program's; the master may run in them until half is gone ([`Budget::master`]). All of
    /// it when the pairs are too many for the program to be run at all (the bound then only
    /// reports the gap).
    fn round_budget(&self, started: Instant) -> Budget {
        let (all, options) = (self.all, self.options);
        let mut round_options = options;
        if all.len() as u64 > DISTRICT_PAIRS {
            round_options.sparse_keep = options.sparse_keep.max(1) * 2;
        }
        let share = |parts: u32| {
            if all.len() as u64 > MAX_RESIDUAL_PAIRS {
                self.deadline
            } else {
                self.deadline.earlier(started + options.time_limit / parts)
            }
        };
        Budget {
            options: round_options,
            rounds: share(4),
            master: share(2),
        }
    }

    /// The master may use its share of the time but what one more round and the residual
    /// need: three times this round's network (`round`), and a tenth of the limit.
    fn master_until(&self, master: Until, round: Duration) -> Until {
        let reserve = (round * 3).max(self.options.time_limit / 10);
        match self.deadline.at.checked_sub(reserve) {
            Some(at) => master.earlier(at),
            None => master,
        }
    }

    /// A stopped solve's answer is the best plan met: the greedy plan over every pair is one
    /// more, where its pass fits before the answer is due (`past_deadline::greedy_in_time`). A
    /// flow stopped early has placed the most urgent needs best, but its repairs fill the rest
    /// around them; the greedy fills every level in turn, and covered more at the dense
    /// 30.8 M-pair district stopped at 5 s (8,290 needs open against 8,505).
    fn offer_greedy(&self, ended: &mut RoundsEnd<'_>) {
        let (problem, all, options) = (self.problem, self.all, &self.options);
        let due = crate::solver::answer_by(self.deadline, all.len(), options);
        if let Some(greedy) =
            crate::solver::past_deadline::greedy_in_time(problem, all, options, due)
        {
            ended.offer(self.value_of(&greedy), &greedy);
        }
    }

    /// Past the deadline before the round's flow starts, the plan that flow would answer: it
    /// would be set up and stopped before it settled a need, leaving its locks' seats, which
    /// the repairs then fill greedily. Here the locks are made directly and the same repairs
    /// run, without the flow's set-up: a scan and a selection over every pair, 0.8 s at the
    /// dense 30.8 M-pair district, whose scoring alone can outlast a short limit. None before
    /// the deadline, or where those locks break a rule (the flow then decides, as before).
    fn past_the_deadline(&self, bonus: Cost) -> Option<RoundPlan> {
        let (problem, all) = (self.problem, self.all);
        if !self.deadline.passed() {
            return None;
        }
        let mut pairs = verify::feasible_subset(problem, &[]);
        repair(problem, all, self.values, &mut pairs);
        verify::verify(problem, &pairs).ok()?;
        tracing::debug!(
            pairs = pairs.len(),
            "seat sharing: past the deadline before the flow; the locks and the repairs answer"
        );
        Some(RoundPlan {
            pairs,
            seat_prices: vec![0; problem.mentors.len()],
            complete: false,
            bonus,
        })
    }

    /// The network with the locks' seats and `bundles` made up front, its plan repaired (rides,
    /// free seats). None when the plan breaks a rule (locks the flow could not honour).
    fn round_plan(
        &self,
        bundles: &[Bundle],
        round_options: SolveOptions,
        bonus: Cost,
        prices: Option<&[Cost]>,
    ) -> Option<RoundPlan> {
        let (problem, all) = (self.problem, self.all);
        if let Some(plan) = self.past_the_deadline(bonus) {
            return Some(plan);
        }
        // With a kept row priced, its pairs carry the bonus in the network (in score points,
        // at most the cap the fit scale leaves room for).
        let fit_scale = self.values.fit_scale;
        let points = (bonus as f64 / fit_scale).min(self.bonus_cap);
        let raised = self.values.row.filter(|_| points > 0.0).map(|row| {
            let mut raised = all.clone();
            for (score, _) in raised.scores.iter_mut().zip(&row.on).filter(|(_, on)| **on) {
                *score += points;
            }
            raised
        });
        let mut with_locks: Vec<Bundle> = self
            .lock_bundles
            .iter()
            .filter(|(b, _)| b.mask.count_ones() >= 2)
            .map(|(b, _)| b.clone())
            .collect();
        with_locks.extend(
            bundles
                .iter()
                .filter(|b| {
                    !self
                        .lock_bundles
                        .iter()
                        .any(|(l, _)| l.student == b.student && l.mask & b.mask != 0)
                })
                .cloned(),
        );
        with_locks.sort();
        let derived = Derived::build(problem, raised.as_ref().unwrap_or(all), &with_locks);
        let seats: Vec<Seat> = self
            .lock_bundles
            .iter()
            .filter_map(|(b, m)| {
                let first =
                    problem.students[b.student as usize].first_need + b.mask.trailing_zeros();
                (b.mask != 0).then_some(())?;
                derived.node_of(b.student, first).map(|node| Seat {
                    student: b.student,
                    mentor: *m,
                    needs: vec![node],
                })
            })
            .collect();
        let run = network::run(
            &derived.problem,
            &derived.all,
            round_options,
            self.deadline,
            Some(network::Fixed {
                seats,
                fit_scale,
                level: derived.level.clone(),
                prices: prices.map(<[Cost]>::to_vec),
                // The default keep where the auction ranks the pairs (see `Fixed::guess`).
                guess: bundles.is_empty().then_some(self.options.sparse_keep),
            }),
        );
        let mut pairs: Vec<(NeedIx, MentorIx)> =
            verify::pairs(&run.candidates, &run.solution.chosen)
                .into_iter()
                .flat_map(|(node, m)| derived.needs[node as usize].iter().map(move |&n| (n, m)))
                .collect();
        pairs.sort_unstable();
        repair(problem, all, self.values, &mut pairs);
        if let Err(broken) = verify::verify(problem, &pairs) {
            // Never met since locks share their student's needs out (`flow::lock_needs`);
            // the integer program decides, and the log says why.
            tracing::warn!(%broken, "seat sharing: a round's plan broke a rule");
            return None;
        }
        // A stopped network's own potentials are those of a flow cut short: its last finished
        // flow's prices (none: zero) bound what it answers (`network::NetworkRun::prices`).
        let seat_prices = if run.complete {
            run.solution.seat_prices()
        } else {
            run.prices.unwrap_or_else(|| vec![0; problem.mentors.len()])
        };
        Some(RoundPlan {
            pairs,
            seat_prices,
            complete: run.complete,
            bonus: if raised.is_some() {
                (points * fit_scale) as Cost
            } else {
                0
            },
        })
    }

    /// The bound at the flow's seat prices, then (`master` given) at the
    /// optimal duals of the pattern master, which make it as tight as the LP allows. The
    /// master's work is bounded by count (iterations per tier), not by a share of the time:
    /// a share made the answer depend on how busy the machine was (a 4,000 x 1,000 school
    /// came back proven optimal or at a 36 % gap from run to run while other builds ran).
    /// `until` only stops it when the limit itself is near.
    fn round_bound(
        &self,
        plan: &RoundPlan,
        incumbent: Option<&Incumbent>,
        tightest: Option<&Bound>,
        master: Option<&mut Option<master::MasterLp<'a>>>,
        until: Until,
    ) -> Bound {
        let mut evaluated = self.flow_bound(plan);
        // The master starts from the tightest prices met (the flow's of an earlier round can
        // be far tighter than a bundled round's: 1e13 against 3e17 points on the school, and
        // the master took 188 against 438 ms from them).
        if let Some(b) = tightest.filter(|b| b.value < evaluated.value) {
            evaluated = b.clone();
        }
        let best_value = incumbent.map_or(Cost::MIN, |i| i.value);
        // Within the residual's first width of the plan, the residual proves it at once: no
        // master (a dense 6,000 x 1,600 school, 10.9 M pairs, whose flow's own bundles come
        // within 1e-5 points: 11.2 s with a master of 6.9 s, 4.4 s without).
        let first_width = (INITIAL_DELTA_POINTS * self.values.fit_scale) as Cost;
        let open = evaluated.value.saturating_sub(best_value) > first_width;
        let Some(slot) = master.filter(|_| open) else {
            return evaluated;
        };
        let inc_pairs = incumbent.map_or(&[][..], |i| &i.pairs[..]);
        let t_master = Instant::now();
        let before = evaluated.value;
        // Without a plan that keeps enough of a kept row, the row's slack keeps the LP feasible.
        let with_slack = incumbent.is_none();
        let lp = slot.get_or_insert_with(|| {
            master::MasterLp::new(self.values, self.sharing(), self.deadline, with_slack)
        });
        // The round's own plan too, when it is not the incumbent (see `offer_plan`).
        if self.keeps_enough(&plan.pairs) {
            lp.offer_plan(&plan.pairs);
        }
        match lp.prices(
            evaluated.clone(),
            inc_pairs,
            best_value,
            master::TIERS,
            until,
        ) {
            Some(p) => {
                tracing::debug!(
                    iterations = p.iterations,
                    columns = p.columns,
                    flow_prices_gap_points =
                        before.saturating_sub(best_value) as f64 / self.values.fit_scale,
                    gap_points =
                        p.bound.value.saturating_sub(best_value) as f64 / self.values.fit_scale,
                    ms = t_master.elapsed().as_millis() as u64,
                    "seat sharing: master prices"
                );
                p.bound
            }
            None => evaluated,
        }
    }

    /// The bound at a nearby answer's seat prices, where they were packed at this problem's fit
    /// scale for as many mentors and there is no kept row (whose bonus they leave out). Valid
    /// whatever they are (negative ones are read as 0: the bound needs `μ ≥ 0`).
    fn bound_at(&self, prices: &SeatPrices) -> Option<Bound> {
        let values = self.values;
        let applies = prices.mu.len() == self.problem.mentors.len()
            && prices.fit_scale == values.fit_scale
            && values.row.is_none();
        if !applies {
            return None;
        }
        let mu: Vec<Cost> = prices.mu.iter().map(|&p| p.max(0)).collect();
        let pricing = Pricing {
            mu: &mu,
            bonus: 0,
            ..*values
        };
        Some(lagrangian(&pricing, self.sharing()))
    }

    /// Whether one evaluation of the bound (a scan of every pair, each student's patterns
    /// where seats can be shared) fits before the answer is due (`solver::answer_by`, at
    /// [`STOP_BOUND_NS_PER_PAIR`]).
    ///
    /// Where the deadline stopped the build of the shared seats, building them here must fit
    /// too ([`SHARING_NS_PER_PAIR`]): a small school given no time still gets its bound, a
    /// dense district past its limit does not wait a second for it.
    fn time_to_bound(&self) -> bool {
        let pairs = self.all.len();
        let due = crate::solver::answer_by(self.deadline, pairs, &self.options);
        let per_pair = match self.sharing_found() {
            Some(_) => STOP_BOUND_NS_PER_PAIR,
            None => STOP_BOUND_NS_PER_PAIR + SHARING_NS_PER_PAIR,
        };
        let needed = self.options.per_pair(pairs as u64, per_pair);
        Instant::now() + needed <= due
    }

    /// The bound at the round's flow potentials as seat prices.
    fn flow_bound(&self, plan: &RoundPlan) -> Bound {
        let pricing = Pricing {
            mu: &plan.seat_prices,
            bonus: plan.bonus,
            ..*self.values
        };
        lagrangian(&pricing, self.sharing())
    }

    /// The answer from the incumbent plan, over its own pairs: what comes after the solve
    /// reads every other pair from `all` (the explanation, why-not, what it would take), so a
    /// selection of each need's best candidates here was a pass over every pair for nothing
    /// (~0.35 s at the dense 30.8 M-pair district, at the end of a stopped solve).
    fn answer(
        &self,
        inc: Incumbent,
        status: SolveStatus,
        bound: Option<&Bound>,
        stats: SideStats,
    ) -> SideOutcome {
        let none = Candidates::of_pairs(self.problem.needs.len(), Vec::new());
        finish(
            self.problem,
            self.all,
            none,
            inc,
            status,
            bound,
            self.values.fit_scale,
            stats,
            self.values.row.is_none(),
        )
    }

    /// The residual. Any plan better than the incumbent gives every student a pattern within
    /// `bound − incumbent` of its best at the prices (the terms of `L − value` are all
    /// non-negative); the pairs of such patterns are few when that gap is small. The integer
    /// program solves over the pairs within a smaller `delta` first: if its optimum comes
    /// within `delta` of the bound, no better plan lies outside. Otherwise `delta` widens to
    /// the gap now known and it solves again.
    fn residual(
        &self,
        inc: Incumbent,
        mut bound: Bound,
        rounds: u32,
        mut master: Option<&master::MasterLp<'_>>,
    ) -> Result<SideOutcome, SolveError> {
        let (problem, all, options) = (self.problem, self.all, self.options);
        let (sharing, fit_scale) = (self.sharing(), self.values.fit_scale);
        let floored_from = master;
        let split_rows = master.is_some_and(|lp| lp.split_rows_met());
        let lp_first = options.residual_lp_first && !split_rows;
        // The floors' level prices once the bound is the floored one (`Floors`), and the levels
        // floored.
        let mut levels: Option<[Cost; 4]> = None;
        let mut fixed = 0;
        // The floors whose bound was tried and was no tighter: not tried again at the same
        // coverage as the residual widens (1.6 s of LP solves on `gen4000s21_locks`).
        let mut declined: Option<Floors> = None;
        let loose_students = sharing.loose_students();
        let stats = |residual_pairs: usize, floored_levels: usize| SideStats {
            rounds,
            residual_pairs,
            floored_levels,
            loose_students,
            split_rows,
        };
        let mut best = inc;
        let mut best_solution: Option<(Candidates, Solution)> = None;
        // The master's bound is the LP's, so a gap of a whole need or more usually means the plan,
        // not the bound, is short: the pairs within a fraction of a point still hold the better
        // plan, and the widening below covers the rest.
        let mut delta = (bound.value - best.value).min((INITIAL_DELTA_POINTS * fit_scale) as Cost);
        let mut residual_len = 0;
        loop {
            let pricing = Pricing {
                mu: &bound.mu,
                bonus: bound.bonus,
                levels,
                ..*self.values
            };
            let residual = residual_pairs(&pricing, sharing, &bound.singles, delta, &best.pairs);
            let restricted = self.restricted(residual.pairs);
            let whole = restricted.len() == all.len();
            let memory_cap = options.budget.integer_program_cap().min(MAX_RESIDUAL_PAIRS);
            let cap = memory_cap.min(options.max_residual_pairs.unwrap_or(u64::MAX));
            if restricted.len() as u64 > cap {
                // The integer program would not fit in memory (or past the caller's cap): answer
                // with the best plan and its certified bound, not proven optimal.
                if restricted.len() as u64 > memory_cap {
                    tracing::warn!(
                        residual = restricted.len(),
                        "seat sharing: residual too large for the integer program, plan not proven"
                    );
                } else {
                    tracing::debug!(
                        residual = restricted.len(),
                        cap,
                        "seat sharing: residual past the caller's cap, plan not proven"
                    );
                }
                let stats = stats(restricted.len(), fixed);
                return Ok(self.answer(best, SolveStatus::TimeLimit, Some(&bound), stats));
            }
            residual_len = residual_len.max(restricted.len());
            // Held pairs restrict the program to plans within `delta`, so not when the program
            // over every pair is the proof (`whole`), nor with side rows the bound ignores.
            let forced = if self.without_side_rows() && !whole {
                forced_pairs(problem, &residual.must_cover, &restricted, &best.pairs)
            } else {
                Vec::new()
            };
            tracing::debug!(
                residual = restricted.len(),
                held = forced.len(),
                pairs = all.len(),
                delta_points = delta as f64 / fit_scale,
                "seat sharing: residual integer program"
            );
            let solution = self.residual_program(&restricted, &best, &bound, &forced, lp_first)?;
            let pairs = verify::pairs(&restricted, &solution.chosen);
            let value = self.value_of(&pairs);
            let optimal_here = solution.status == SolveStatus::Optimal;
            tracing::debug!(
                bound_minus_plan_points = (bound.value - value) as f64 / fit_scale,
                fit_scale,
                "seat sharing: residual solved"
            );
            if value > best.value && verify::verify(problem, &pairs).is_ok() {
                best = Incumbent { value, pairs };
                best_solution = Some((restricted, solution));
            }
            // Still a need or more short of the bound: the widening below would open the program
            // to (nearly) every pair. The plan, not the bound, is usually what is short there,
            // so first the plan from the master's columns, once; with it as the incumbent the
            // narrow residual runs again before any widening.
            if optimal_here && bound.value - best.value >= ONE_NEED && !whole {
                if let Some(lp) = master.take() {
                    if let Some(plan) = self.columns_plan(lp, &best, &bound) {
                        best = plan;
                        best_solution = None;
                        continue;
                    }
                }
            }
            let gap = bound.value - best.value;
            // The plan's coverage proven at the upper levels (or all), the gap left below them:
            // before widening, the bound on the rest among plans of that coverage, which no
            // fractional need inflates.
            if optimal_here && gap > delta && !whole && fixed < 4 {
                if let Some((floored, nu, levels_fixed)) = floored_from
                    .and_then(|lp| self.floored(lp, &best, &bound, fixed, &mut declined))
                {
                    tracing::debug!(
                        before_points = gap as f64 / fit_scale,
                        after_points = (floored.value - best.value) as f64 / fit_scale,
                        levels_fixed,
                        "seat sharing: floored bound at the plan's coverage"
                    );
                    bound = floored;
                    levels = Some(nu);
                    fixed = levels_fixed;
                    if bound.value <= best.value {
                        let (status, stats) = (SolveStatus::Optimal, stats(residual_len, fixed));
                        return Ok(self.settle(best, best_solution, status, &bound, stats));
                    }
                    delta =
                        (bound.value - best.value).min((INITIAL_DELTA_POINTS * fit_scale) as Cost);
                    continue;
                }
            }
            if !optimal_here || gap <= delta || whole {
                let status = if optimal_here {
                    SolveStatus::Optimal
                } else {
                    SolveStatus::TimeLimit
                };
                let stats = stats(residual_len, fixed);
                return Ok(self.settle(best, best_solution, status, &bound, stats));
            }
            delta = widened(delta, gap);
        }
    }

    /// The floored bound (`bound::Floors`) at `best`'s coverage on the levels where `bound`
    /// proves it optimal (`Floors::proven_levels`), when they are more than the `after` levels
    /// a bound already floored. Every better plan then has `best`'s coverage there, so the
    /// returned bound (its `value`: those levels' coverage digits plus the floored bound on
    /// the rest; its prices, with the level prices returned beside it, and the levels
    /// floored) holds for it, and the residual argument holds at those prices. Where every
    /// level is proven, the rest is the fit alone; where the lower levels are not, their
    /// coverage, which the next call may then prove in turn (the many-needs school
    /// `gen900s1_k6`: its master's bound half a normal need above the plan, so no level below
    /// was proven and the residual widened to 24 k pairs). None with side rows the floors do
    /// not know, negative scores, no new level proven, or no tighter bound. Floors met before
    /// in `declined` (their bound was no tighter) are not tried again; floors tried now and
    /// declined are left there.
    fn floored(
        &self,
        lp: &master::MasterLp<'_>,
        best: &Incumbent,
        bound: &Bound,
        after: usize,
        declined: &mut Option<Floors>,
    ) -> Option<(Bound, [Cost; 4], usize)> {
        let problem = self.problem;
        if !self.without_side_rows() || self.all.has_negative_score() {
            return None;
        }
        let mut floors = Floors::of_plan(problem, &best.pairs, 4);
        let fixed = floors.proven_levels(bound.value);
        if fixed <= after {
            return None;
        }
        floors.fixed = fixed;
        if *declined == Some(floors) {
            return None;
        }
        let found = self.floored_at(lp, floors, best, bound);
        if found.is_none() {
            *declined = Some(floors);
        }
        found.map(|(floored, nu)| (floored, nu, fixed))
    }

    /// [`Method::floored`]'s bound at `floors` (levels fixed), with its level prices, where it
    /// is tighter than `bound` by a share of the gap to `best`.
    fn floored_at(
        &self,
        lp: &master::MasterLp<'_>,
        floors: Floors,
        best: &Incumbent,
        bound: &Bound,
    ) -> Option<(Bound, [Cost; 4])> {
        // The master's LP optimum already covering exactly the floors at every floored level
        // meets them: nothing covers more at one of them without less at another, so the
        // floored LP's optimum is that one, and a converged master's bound is its value. No
        // tighter bound is there to find (`gen4000s21_locks`, `gen4000s21_urgent`,
        // `g900s103_k3`: 1.1 / 1.1 / 0.46 s of LP solves to the same bound); where it covers
        // a level in part (`gen900s1_k6`: 419.5 normal needs against the plan's 419), it is.
        if lp.converged() && meets_exactly(&lp.lp_coverage(), &floors) {
            tracing::debug!(
                fixed = floors.fixed,
                "seat sharing: the master's LP optimum meets the floors; no floored bound"
            );
            return None;
        }
        let coverage = floors.coverage();
        let until = self
            .deadline
            .earlier(Instant::now() + self.deadline.left() / 4);
        let (mut floored, nu) = lp.floored_bound(floors, &best.pairs, FLOORED_ITERATIONS, until)?;
        floored.value = coverage + floored.value - floors.charge(&nu);
        // Tighter by a share of the gap at least: one a hair tighter (`gen4000s21_urgent`, by
        // 1e-7 of its 0.035 points) only sends the narrow residual round again at new prices,
        // to find the same plan (~1 s there) before the widening it would have come to anyway.
        let gap = bound.value.saturating_sub(best.value);
        (floored.value < bound.value - gap / FLOORED_MIN_GAIN_SHARE).then_some((floored, nu))
    }

    /// The plan from the master's columns ([`master::MasterLp::integer_plan`]), made to fit the
    /// rules where the master relaxes them (students without a convexity row may get more
    /// mentors than allowed there), and repaired as every round's plan is; None unless it beats
    /// `best`'s value. Half the time left at most: the residual program needs the rest. The
    /// levels `bound` proves for `best` (`Floors::proven_levels`; none with a negative score)
    /// are not solved again, only held at `best`'s coverage.
    fn columns_plan(
        &self,
        lp: &master::MasterLp<'_>,
        best: &Incumbent,
        bound: &Bound,
    ) -> Option<Incumbent> {
        let started = Instant::now();
        let best_value = best.value;
        let until = self.deadline.earlier(started + self.deadline.left() / 2);
        let floors = Floors::of_plan(self.problem, &best.pairs, 4);
        // With a negative score a plan's fit may take back part of a need, so a bound a need
        // short of the next count proves nothing there (as for `Method::floored`).
        let proven = if self.all.has_negative_score() {
            0
        } else {
            floors.proven_levels(bound.value)
        };
        let wishes = lp.integer_plan(until, &floors.counts[..proven])?;
        let (fits, plan) = self.plan_of_wishes(&wishes);
        tracing::debug!(
            fits,
            wished = wishes.len(),
            made = plan.pairs.len(),
            gain_needs = plan.value.saturating_sub(best_value) as f64 / ONE_NEED as f64,
            ms = started.elapsed().as_millis() as u64,
            "seat sharing: plan from the master's columns"
        );
        (fits && plan.value > best_value).then_some(plan)
    }

    /// The plan from the master's LP optimum with its split rows settled in integers
    /// ([`master::MasterLp::split_rows_plan`]), made to fit the rules and repaired as
    /// [`Method::columns_plan`]'s; None unless it beats `best_value`. A quarter of the time
    /// left at most.
    fn split_rows_plan(&self, lp: &master::MasterLp<'_>, best_value: Cost) -> Option<Incumbent> {
        let started = Instant::now();
        let until = self.deadline.earlier(started + self.deadline.left() / 4);
        let wishes = lp.split_rows_plan(until)?;
        let (fits, plan) = self.plan_of_wishes(&wishes);
        tracing::debug!(
            fits,
            made = plan.pairs.len(),
            gain_points = plan.value.saturating_sub(best_value) as f64 / self.values.fit_scale,
            ms = started.elapsed().as_secs_f64() * 1e3,
            "seat sharing: the LP optimum's split rows settled in integers"
        );
        (fits && plan.value > best_value).then_some(plan)
    }

    /// `wishes` (pairs from the master's columns, which may break a rule the master relaxes)
    /// as a plan: the best-valued first as far as the rules allow, then repaired as every
    /// round's plan is. Also whether that plan meets every rule and keeps enough of a kept row.
    fn plan_of_wishes(&self, wishes: &[(NeedIx, MentorIx)]) -> (bool, Incumbent) {
        let (problem, all, values) = (self.problem, self.all, self.values);
        let mut ranked: Vec<(Cost, NeedIx, MentorIx)> = wishes
            .iter()
            .filter_map(|&(n, m)| all.find(n, m).map(|c| (values.value(c), n, m)))
            .collect();
        ranked.sort_unstable_by_key(|&(v, n, m)| (std::cmp::Reverse(v), n, m));
        let ranked: Vec<(NeedIx, MentorIx)> = ranked.iter().map(|&(_, n, m)| (n, m)).collect();
        let mut pairs = verify::feasible_subset(problem, &ranked);
        pairs.sort_unstable();
        repair(problem, all, values, &mut pairs);
        let fits = verify::verify(problem, &pairs).is_ok() && self.keeps_enough(&pairs);
        let value = self.value_of(&pairs);
        (fits, Incumbent { value, pairs })
    }

    /// The integer program over the residual pairs `restricted`. The incumbent (its pairs are
    /// in the residual) is the program's answer of last resort; when the bound leaves less
    /// than half a need above it, no plan covers more at any level (the fit digit spans less
    /// than half a need), so the program skips its coverage stage. Only without side rows the
    /// network does not model (a rematch's bound on changes, stability): the incumbent and the
    /// bound ignore them.
    ///
    /// `forced` pairs (`residual::forced_pairs`, all made by the incumbent, which stays a
    /// feasible answer) are held as locks.
    fn residual_program(
        &self,
        restricted: &Candidates,
        best: &Incumbent,
        bound: &Bound,
        forced: &[(StudentIx, MentorIx)],
        lp_first: bool,
    ) -> Result<Solution, SolveError> {
        let plain = self.without_side_rows();
        // Held pairs whose seats hold nothing else are taken out of the program (`fixed`);
        // the rest are locks.
        let reduced = if plain {
            fixed::reduce(self.problem, restricted, forced)
        } else {
            None
        };
        let (problem, candidates): (Cow<'_, Problem>, &Candidates) = match &reduced {
            Some(r) => (Cow::Borrowed(&r.problem), &r.candidates),
            None if forced.is_empty() => (Cow::Borrowed(self.problem), restricted),
            None => {
                let mut held = self.problem.clone();
                held.add_locks(forced);
                (Cow::Owned(held), restricted)
            }
        };
        let taken_out = reduced.as_ref().map_or(0, fixed::Reduced::fixed_len);
        let start: Vec<usize> = best
            .pairs
            .iter()
            .filter_map(|&(n, m)| candidates.find(n, m))
            .collect();
        let coverage_proven = plain
            && start.len() + taken_out == best.pairs.len()
            && bound.value - best.value < ONE_NEED / 2;
        let solution = mip::solve(
            &problem,
            candidates,
            self.options,
            self.deadline,
            plain.then_some(&start[..]),
            mip::Known::Residual {
                coverage_proven,
                lp_first,
            },
        )?;
        Ok(match &reduced {
            Some(r) => r.answer(self.problem, restricted, solution),
            None => solution,
        })
    }

    /// No side rows the network does not model (a rematch's bound on changes, stability): only
    /// then do the incumbent and the bound speak for the residual program.
    fn without_side_rows(&self) -> bool {
        self.problem.min_kept().is_none() && !self.problem.stable_only()
    }

    /// The candidate set of the residual program: these pairs, or every pair when most are
    /// open anyway (the whole set costs the same).
    fn restricted(&self, residual: Vec<(NeedIx, MentorIx, f64)>) -> Candidates {
        if residual.len() * 2 > self.all.len() {
            return self.all.clone();
        }
        Candidates::of_pairs(self.problem.needs.len(), residual)
    }

    /// The residual's answer: the integer program's plan when it is the best met (and its
    /// status says no less than `status`), otherwise the incumbent over the kept candidates.
    fn settle(
        &self,
        best: Incumbent,
        best_solution: Option<(Candidates, Solution)>,
        status: SolveStatus,
        bound: &Bound,
        stats: SideStats,
    ) -> SideOutcome {
        match best_solution {
            Some((candidates, mut solution))
                if status == SolveStatus::Optimal || solution.status != SolveStatus::Optimal =>
            {
                solution.status = status;
                if status == SolveStatus::Optimal {
                    solution.best_bound = solution.objective;
                    solution.gap = 0.0;
                } else {
                    // The residual's program proves nothing of the problem's coverage; the
                    // bound does.
                    let pairs = verify::pairs(&candidates, &solution.chosen);
                    let value = self.value_of(&pairs);
                    let proof = residual::CoverageProof {
                        bound,
                        floored: stats.floored(),
                        digits_are_coverage: self.values.row.is_none(),
                    };
                    proof.apply(
                        self.problem,
                        self.all,
                        self.values.fit_scale,
                        value,
                        &mut solution.coverage,
                    );
                    // Nor of its fit: HiGHS's bound there holds over the residual's pairs only
                    // (a 95-student school stopped at 50 ms answered 809 where the optimum's
                    // fit is 813.9, mid-size seed 40,159 under load).
                    solution.best_bound = residual::fit_bound(
                        self.problem,
                        self.all,
                        &solution.coverage,
                        solution.objective,
                        value,
                        Some(bound),
                        self.values.fit_scale,
                    );
                    solution.gap =
                        crate::solver::relative_gap(solution.objective, solution.best_bound);
                }
                SideOutcome {
                    candidates,
                    solution,
                    stats,
                    prices: None,
                }
            }
            _ => self.answer(best, status, Some(bound), stats),
        }
    }
}

/// The bundles the bound's best patterns make: every block of two or more needs.
fn next_bundles(bound: &Bound) -> Vec<Bundle> {
    let mut next: Vec<Bundle> = bound
        .patterns
        .iter()
        .flat_map(|(s, _, blocks)| Bundle::of_pattern(*s, blocks))
        .collect();
    next.sort();
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The master's LP coverage meets the floors exactly only where it equals the counts at
    /// every floored level: a level covered in part, or another count, does not.
    #[test]
    fn an_lp_covering_a_floored_level_in_part_does_not_meet_the_floors() {
        let floors = Floors {
            counts: [701, 582, 419, 53],
            fixed: 3,
        };
        assert!(meets_exactly(&[701.0, 582.0, 419.0 + 1e-9, 51.0], &floors));
        assert!(!meets_exactly(&[701.0, 582.0, 419.5, 51.0], &floors));
        assert!(!meets_exactly(&[700.0, 582.0, 419.0, 53.0], &floors));
        let every = Floors { fixed: 4, ..floors };
        assert!(!meets_exactly(&[701.0, 582.0, 419.0, 51.0], &every));
        assert!(meets_exactly(&[701.0, 582.0, 419.0, 53.0], &every));
    }

    /// The residual widens by a factor at a time, never past the gap, and always widens: a
    /// plan just outside the narrow residual is met without opening every pair within the
    /// whole gap, and the last width is the gap, which proves the plan.
    #[test]
    fn the_residual_widens_by_a_factor_and_ends_at_the_gap() {
        let point = 1_000_000;
        let (narrow, gap) = (point / 50, point * 78 / 100);
        let first = widened(narrow, gap);
        assert_eq!(first, narrow * WIDENING_FACTOR);
        assert_eq!(widened(first, point * 33 / 100), point * 33 / 100);
        for delta in [0, 1, 7, narrow, point, Cost::MAX / 2] {
            for gap in [
                delta + 1,
                delta.saturating_mul(3),
                delta.saturating_mul(100),
                Cost::MAX,
            ] {
                if gap <= delta {
                    continue;
                }
                let next = widened(delta, gap);
                assert!(
                    next > delta && next <= gap,
                    "{delta} -> {next} within {gap}"
                );
            }
        }
    }
}
