//! Seat prices for the seat-sharing bound, by lexicographic column generation on the pattern
//! master LP.
//!
//! Holds: the restricted master linear programme (floats; HiGHS, and a network copy for the
//! coverage tiers) over student patterns, solved one coverage tier at a time, and its pricing,
//! which is the exact bound's own dynamic programme; the same columns as an integer
//! programme, a source of plans where the rounds' network falls short
//! ([`MasterLp::integer_plan`]); and an LP over them with coverage floors, for the floored
//! bound on fit ([`MasterLp::floored_bound`]). Must not import anything outside `solver`.
//!
//! Why: the Lagrangian bound `L(μ)` of the parent module is exact for any prices `μ ≥ 0`, but
//! only as tight as `μ`. The tightest prices are the optimal duals of the Dantzig–Wolfe master
//! (one convexity row per student with a shareable seat, whose columns are that student's
//! patterns; one row per need of every other student, whose columns are single pairs; one
//! capacity row per mentor): `min_μ L(μ)` equals that LP's optimum. Coordinate descent on the
//! piecewise-linear `L` stalls far from it (the 900-student school stayed ~170 low-priority
//! needs above the plan), so the proof fell to the integer program over every pair. Here the
//! LP's duals are the prices; each round the exact programme finds, for the current prices,
//! every student's best pattern and every need's best single, which are the columns that can
//! improve the master (Desrosiers & Lübbecke, "A primer in column generation", 2005).
//!
//! The objective is lexicographic (an urgent need outweighs every high one, and so on), and
//! one weighted LP cannot hold it: with the packed ratio of 2^20 per level the coefficients span
//! 2^60 and a simplex code loses the lower levels, and compressed weights make the LP trade one
//! urgent need for a few normal ones, whose prices then mean nothing in the packed costs. So
//! the master is solved as a preemptive (lexicographic) LP in [`TIERS`] tiers: urgent
//! coverage, then high coverage on the urgent tier's optimal face, then normal, then low, then
//! fit, each on the face of the one before (normal and low, or low and fit, in one tier at
//! their packed ratio stalled HiGHS: see "Tried and dropped" in docs/performance-log.md). A
//! tier's optimal face is the columns whose reduced cost is zero, with every row of positive
//! price held tight; the combined price `Σ_t y_t · unit_t` is then an optimal dual of the
//! weighted LP at the packed ratios (Isermann, "Linear lexicographic optimization", 1982).
//!
//! A rematch's bound on changes adds one row, `Σ kept seats ≥ K` (a column counts each seat of
//! the row it takes), whose price is the bound's bonus per kept seat (`bound::KeptRow`); until
//! a plan that keeps enough is met, a slack column keeps that row feasible at a cost past any
//! tier's gain. Once a call has reached the whole master's optimum, later rounds skip it: the
//! LP does not change between rounds.
//!
//! The coverage tiers run on a copy of the LP as a network with side columns
//! ([`NetworkTiers`]: 4–7× less LP time than HiGHS's dual simplex on them), HiGHS's copy
//! following every change; HiGHS solves the fit tier from the network's basis, and every tier
//! from the first the network gives up (a pivot budget per tier, a cap on its working
//! matrix's dense core: see `network_tiers.rs`). Without the copy (a rematch's kept row,
//! which is no network row) HiGHS solves every tier, breaking the high, normal and low
//! tiers' ties by fit ([`TIE_BROKEN_TIERS`]).
//!
//! Floats only *choose* the prices: every bound this returns is evaluated in the packed
//! `i128` costs by [`lagrangian`], so an LP tolerance can loosen a bound but never make a
//! proof wrong.

use std::collections::HashSet;

use super::bound::{lagrangian_and_best, level_index, Best, Floors, MAX_BONUS};
use super::derived::Bundle;
use super::network_tiers::NetworkTiers;
use super::{lagrangian, Block, Bound, Pricing, Shape, Sharing, ONE_NEED};
use crate::domain::model::{MentorIx, NeedIx, StudentIx};
use crate::domain::Priority;
use crate::rules::splitmix64;
use crate::solver::flow::{self, Cost};
use crate::solver::highs::{Lp, LpEnd, LpRun, DEFAULT_DUAL_TOLERANCE};
use crate::solver::{verify, Until};

/// LP solves (each followed by one exact evaluation of the bound) per tier at most; the
/// deadline's reserve stops a tier sooner. The generated schools converge in under 25. A dense
/// school scored by caller affinities with seats scarce (`benches/shapes/affinity.py 4000 1000
/// 2 0.3 1-5 multi`: 2.29 M pairs, ~3,000 seats for 6,994 needs) needs ~56 in its normal tier:
/// at the old cap of 25 the tier ended unconverged, its bound was no better than the flow's
/// prices, and the answer was `TIME_LIMIT` at a 94 % gap after 25 s, covering 665 normal
/// needs; at 100 it is proven optimal in 12.8 s with 1,986 (the same shape at 2,000 × 500,
/// seed 3: 4.3 -> 2.7 s).
const MAX_ITERATIONS_PER_TIER: u32 = 100;

/// Tiers whose LP breaks its ties by fit: high, normal and low coverage. Their 0/1 objectives
/// are massively dual degenerate, and HiGHS's own remedy, a random cost perturbation drawn afresh
/// at every solve, put thousands of nonbasic columns on the wrong side of their reduced costs
/// at the start of each re-solve: at 4,000x1,000 every re-solve took 5-13 k dual simplex
/// iterations even after a pricing round that added 3 columns. A fixed tie-break by fit
/// (the next tier's objective, so the basis it leaves is a good start there too) with
/// HiGHS's perturbation off keeps the last basis dual feasible for every column it had; only
/// the new columns need work. The tier ends with one solve at its own costs, from that basis,
/// whose duals are the tier's exact prices; those solves run with HiGHS's perturbation on
/// again (without it, a 4,000x1,000 rematch's last normal-tier solve stalled for 2 s on the
/// degenerate 0/1 costs after 261 columns joined). The urgent tier is cheap without it.
///
/// With a rematch's kept row too, since its coverage duals are read as fractions
/// ([`simplest_fraction`]): before that, the float noise in the row's price, multiplied by a
/// coverage digit's packed units, left the bound a point loose and the 900-student rematch
/// with `maxChanges: 10` fell to the integer program over every pair. Measured now on
/// rematches of generated schools whose current plan gives each student one mentor (changes
/// penalised 0.5), against the master without it: the same bounds and optima, and 900x240
/// `maxChanges: 10` 2.29 -> 1.92 s, 4,000x1,000 `maxChanges: 20` 4.92 -> 4.38 s and `200`
/// 5.59 -> 3.70 s (one run each, the whole CLI).
///
/// The high tier too (twenty-fourth session), when HiGHS solves it: on the generated schools
/// the network copy does, but where the network gives the high tier up (homeroom classes,
/// whose high needs are many and seats few) or there is no network copy (a rematch's kept
/// row), its perturbed re-solves cost thousands of iterations each as well. Measured:
/// `homeroom10000s4` (`homeroom.py 10000 4`) the high tier 111.3 k iterations and 9.0 s of
/// LP in 10 solves against 43.6 k and 3.2 s in 14, and its normal tier 15.9 k against 3.4 k;
/// the 4,000x1,000 rematch with `maxChanges: 20` 0.85x (paired, median of 4: 4.24 against
/// 5.09 s), the same optima; `homeroom4000s2` 2.67 -> 2.32 s (one run each). The urgent tier
/// stays untied: tying it too (the whole shapes set, one run each) gained nowhere and cost
/// `homeroom10000s4` 3 s of what the high tier's tie-break saves.
const TIE_BROKEN_TIERS: std::ops::Range<usize> = 1..TIERS - 1;

/// The tie-break's weight: fit per score point, as a share of one need per the largest pair
/// score. Measured at 4,000x1,000: 1e-2 and 3e-2 alike (master ~2.5 s against ~4.5 s
/// unbroken); 1e-4 is too small to break the ties (4.0 s); 1e-1 trades more coverage in the
/// perturbed LP, which the exact solve then undoes.
const TIE_BREAK_SHARE: f64 = 1e-2;

/// Where fits tie too (every score equal: no preferences, one slot, the same years), fit alone
/// breaks no tie and the tier stalls without HiGHS's perturbation; a fixed pseudo-random
/// jitter of up to half a point per column breaks them. Measured on a school whose scores all
/// tie but whose teachers teach different pairs of subjects (`benches/shapes/tiedmix.py`):
/// master 4.4 -> 0.67 s at 900x240 and 13.9 -> 4.3 s at 2,000x500; the generated schools
/// are unchanged within noise (2 points of jitter: no better).
const TIE_BREAK_JITTER_POINTS: f64 = 0.5;

/// The fit tier's re-solves (after a pricing round added columns) run without HiGHS's cost
/// perturbation, which HiGHS draws afresh at every solve: re-drawn over the whole LP, it put
/// every column's reduced cost in question, and at the district (115 k columns, 25 k rows) each
/// of the tier's last re-solves took ~1,200 dual simplex iterations to take in 3–17 new
/// columns, 12–15 of them in a row. Unperturbed, the last basis stays dual feasible for every
/// column it had; only the new ones need work (the same tail: 112–457 iterations, 11 solves
/// instead of 16). The first solve of the tier, from the low tier's basis at new costs, keeps
/// the perturbation.
///
/// Fit costs are real numbers, far less degenerate than the coverage tiers' 0/1 costs, but
/// where fits tie (`benches/shapes/tiedmix.py 4000 1000 1 3`: 10 distinct fits among 12 k
/// columns) the unperturbed dual simplex wanders: 4,862 iterations to take in 96 columns,
/// against 1,722 perturbed (the 2,000x500 tied school 1.17x slower in all). So only a tier
/// whose fits are varied ([`FIT_COLUMNS_PER_DISTINCT`]) re-solves unperturbed, and even there
/// a re-solve is capped at this many iterations per column just added, plus
/// [`FIT_RESOLVE_CAP_BASE`] (the generated schools and the district need at most ~11 per
/// column past a hundred columns, and 117–457 for a handful), but never below the iterations
/// of the tier's first solve, which is perturbed: an unperturbed re-solve that costs less than
/// a perturbed one is not wandering (on `homeroom10000s4` the tail's unperturbed re-solves
/// took 1,100–1,900 iterations for 28–128 new columns, against 4,100–5,200 perturbed and a
/// first solve of ~5,000; with the high tier tie-broken, its fit tier 87.0 k iterations and
/// 7.6 s of LP in 29 solves with six caps met, against 44.2 k and 4.2 s in 21 with none, the
/// whole run 20.4 -> 18.3 s). One that meets the cap goes on perturbed from where it stopped.
/// The next re-solve tries unperturbed again; only after [`CAPPED_RESOLVES_IN_A_ROW`] capped
/// re-solves in a row is every later re-solve of that master perturbed, so at worst that many
/// caps' iterations are spent for nothing. Measured when the cap came in: the district 0.85x
/// (paired, median of 3: 26.1 against 30.6 s), the schools of the 15-instance set within
/// noise, the same optima.
const FIT_RESOLVE_CAP_PER_COLUMN: i32 = 15;
/// See [`FIT_RESOLVE_CAP_PER_COLUMN`].
const FIT_RESOLVE_CAP_BASE: i32 = 500;

/// Capped fit-tier re-solves in a row after which the master's later re-solves all run
/// perturbed. One cap met now and then is no sign that the tier wanders: a perturbed re-solve
/// costs thousands of iterations however few columns joined (HiGHS draws its perturbation
/// afresh), so giving up on unperturbed re-solves at the first cap, as before, cost more
/// than the cap it saved. On `homeroom10000s4` (`homeroom.py 10000 4`, the only instance of
/// the shapes set that meets a cap) the unperturbed re-solves of the fit tier's tail took
/// 1,600–1,900 iterations for 64–128 new columns, just over the cap once; perturbed from
/// there on, each took 4,100–5,200 for 25–118: the fit tier 92.5 k iterations and 8.7 s of
/// LP in 25 solves, against 33.2 k and 2.7 s in 14 solves trying unperturbed again (two caps,
/// not in a row), and the whole run 27.7 -> 21.3 s, the same optimum (twenty-fourth
/// session). Where no cap is met (every other instance of the set, the generated schools
/// and the district) nothing changes.
const CAPPED_RESOLVES_IN_A_ROW: u32 = 2;

/// Columns per distinct fit value above which the fit tier counts as tied and keeps HiGHS's
/// perturbation: the tied schools have one distinct fit per ~700–1,200 columns, the generated
/// ones one per 6–27 (the 4,000x1,000 school 1,177 among 16 k), a dense school one per 27.
const FIT_COLUMNS_PER_DISTINCT: usize = 100;

/// The iteration cap of a fit-tier re-solve after `added` new columns.
fn fit_resolve_cap(added: usize) -> i32 {
    i32::try_from(added)
        .unwrap_or(i32::MAX)
        .saturating_mul(FIT_RESOLVE_CAP_PER_COLUMN)
        .saturating_add(FIT_RESOLVE_CAP_BASE)
}

/// The fit tier ends, short of its LP's optimum, once this many solves in a row have each
/// tightened the best bound by less than [`FIT_STALL_POINTS`]: column generation's tail, where
/// each pricing round adds a few dozen columns that move the LP's objective but not the exact
/// bound at its prices. Exact either way: every bound is evaluated exactly, the tightest met
/// is kept, and the residual programme closes whatever gap is left. Measured on
/// `homeroom10000s4` before the rule: 36 fit solves, the last 27 tightening the bound by
/// 0.67 points in all (24 of them by nothing), ~250 ms of LP each.
///
/// Only the tail counts: the solves before the first that tightens the bound at all are the
/// tier's head, its LP still far from the fit optimum. A 10,000-student rematch (penalty
/// mode, each kept need worth more than any plan's fit) made 11 k, 7.5 k, 5.4 k and 5.7 k
/// columns in its first four fit solves, none tightening the bound, and the rule ended the
/// tier there: `TIME_LIMIT` after 11 s, the residual past its cap. Its seventh solve tightened
/// the bound by 29.8 M points, and the tier converged at its thirteenth: proven.
const FIT_STALL_SOLVES: u32 = 4;
/// See [`FIT_STALL_SOLVES`]: in points of fit (the packed units are `fit_scale` a point).
const FIT_STALL_POINTS: f64 = 1e-3;

/// Tiers of the lexicographic master: urgent, high, normal and low coverage, then fit.
pub(super) const TIERS: usize = 5;

/// Reduced costs and prices below this (in the tier's LP units: needs, then score points)
/// count as zero.
const TOLERANCE: f64 = 1e-9;

/// A column's positive reduced cost below this is HiGHS's dual tolerance (1e-7), not the price
/// of its upper bound, and is left where it is (see [`unbox_prices`]).
const LIFT_TOLERANCE: f64 = 1e-6;

/// A pattern the LP takes at least this much gives its bundles to the next round
/// ([`MasterLp::lp_bundles`]): one half, less HiGHS's primal tolerance. Where the LP splits a
/// student evenly between two patterns, both qualify and the first bundle of each need wins;
/// a strict half dropped those students' bundles, and the generated school's next plan fell a
/// need short (the residual then took two stages: 120 against 58 ms).
const HALF: f64 = 0.5 - 1e-6;

/// How far from 0 or 1 a column's LP value may be and still count as taken not at all or
/// wholly (`Master::integral_plan`): HiGHS's primal feasibility tolerance is 1e-7.
const INTEGRAL_TOLERANCE: f64 = 1e-6;

/// Singles offered per need: at the start, and per pricing round.
const SINGLES_AT_START: usize = 4;
const SINGLES_PER_ROUND: usize = 2;

/// The dual tolerance of [`MasterLp::proves`]'s solves, in score points: at 4,000x1,000 one
/// packed unit is ~1.7e-8 points, so HiGHS's default (1e-7) lets a reduced cost sit ~6 units
/// on the wrong side. 1e-10 closed no more bounds than this on the measured schools.
const SHARP_DUAL_TOLERANCE: f64 = 1e-9;

/// LP solves [`MasterLp::proves`] makes at most.
const SHARP_ROUNDS: usize = 3;

/// The largest denominator of the fit tier's prices (in packed units) that
/// [`MasterLp::proves`] reads exactly, by counting each fit this many times: a plan's fit is
/// at most 2^41 units (`flow::fit_scale_with`), so four times it stays below one need's
/// 2^44 and the lexicographic order is kept. The measured prices were halves.
const MAX_PRICE_DENOMINATOR: i64 = 4;

/// How near a multiple of `1/d` (in packed units) a fit price must be to be read as one: far
/// above the float error of prices of up to ~1e10 units, far below the 1/12 that separates
/// the candidate fractions.
const DENOMINATOR_TOLERANCE: f64 = 1e-3;

/// What the master learnt: the tightest exact bound it met and how it got there.
pub(super) struct Prices {
    pub bound: Bound,
    pub iterations: u32,
    pub columns: usize,
}

/// What [`MasterLp::proves`] proved optimal.
#[derive(Debug)]
pub(super) enum Proof {
    /// The plan it was given.
    Given,
    /// The LP's own optimum, a plan (see `Master::integral_plan`), worth the bound read
    /// exactly, where the plan given fell a few units short of it.
    Own(Vec<(NeedIx, MentorIx)>),
}

/// One exact reading of the fit tier's prices ([`MasterLp::read_exactly`]).
struct ExactRead {
    /// The exact bound less the plan given, in packed units (a fraction where the prices'
    /// denominator is).
    gap: f64,
    /// Columns the bound's best patterns and singles made (none once something is proven).
    made: usize,
    /// The LP's own plan, where it is integral, breaks no rule and is worth the bound.
    own: Option<Vec<(NeedIx, MentorIx)>>,
}

/// A column of the master.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    /// Candidate pair `c` of a need that has a row of its own.
    Single(u32),
    /// A pattern of a student with a convexity row: its pairs (candidate positions), sorted.
    Pattern(StudentIx, Vec<u32>),
}

impl Key {
    /// The candidate positions (in the full set) of the pairs it stands for.
    fn positions(&self) -> &[u32] {
        match self {
            Key::Single(c) => std::slice::from_ref(c),
            Key::Pattern(_, pairs) => pairs,
        }
    }
}

/// A column as the LP holds it.
struct Column {
    /// Objective in each tier's units.
    tier_value: [f64; TIERS],
    /// Rows it takes one unit of (mentor capacities, then its need or student row).
    rows: Vec<usize>,
    /// Its exact value (packed).
    value: Cost,
    /// Its upper bound in the LP: 1 (a single or a pattern is taken at most once; its own row
    /// says so too), `K` for the kept row's slack. A finite bound lets HiGHS's dual simplex
    /// flip a new column to its bound instead of starting from a dual-infeasible basis
    /// (measured at 4,000x1,000: the master 3.7 s against 5.4 s); the prices are then
    /// cleared of the bounds' own ([`unbox_prices`]).
    upper: f64,
    /// The pairs it stands for (None: the kept row's slack).
    key: Option<Key>,
}

impl Column {
    /// Its objective in the LP in `tier` as column `j`: the tier's value, plus `tie_break`
    /// per score point of fit and of a fixed jitter (see [`TIE_BREAK_JITTER_POINTS`]).
    fn cost(&self, tier: usize, tie_break: f64, j: usize) -> f64 {
        if tie_break == 0.0 {
            return self.tier_value[tier];
        }
        let points = self.tier_value[TIERS - 1] + TIE_BREAK_JITTER_POINTS * spread(j);
        self.tier_value[tier] + tie_break * points
    }

    /// Its entries for HiGHS: `(row, units)`, rows in order, a repeated row (the kept row, one
    /// unit per kept seat) as one entry.
    fn entries(&self) -> Vec<(usize, f64)> {
        let mut out: Vec<(usize, f64)> = Vec::with_capacity(self.rows.len());
        for &r in &self.rows {
            match out.last_mut() {
                Some((last, units)) if *last == r => *units += 1.0,
                _ => out.push((r, 1.0)),
            }
        }
        out
    }

    /// Its reduced cost in `tier` at row prices `y` (a repeated row counts once per unit).
    fn reduced(&self, tier: usize, y: &[f64]) -> f64 {
        self.tier_value[tier] - self.rows.iter().map(|&r| y[r]).sum::<f64>()
    }
}

struct Master<'a> {
    pricing: &'a Pricing<'a>,
    sharing: &'a Sharing,
    /// Row of each need that has one (needs of students without a shareable seat).
    need_row: Vec<Option<usize>>,
    /// Row of each student that has one (students with a shareable seat).
    student_row: Vec<Option<usize>>,
    /// Whether each need has a row of its own (`need_row`): the needs offered as singles.
    has_row: Vec<bool>,
    /// Each row's bounds (rows are addressed by position, in this order): `(−∞, capacity or 1]`, and `[K, ∞)` for a rematch's kept row.
    bounds: Vec<(f64, f64)>,
    /// The row of a rematch's bound on changes (`KeptRow`): one unit per kept seat of the row.
    kept_row: Option<usize>,
    seen: HashSet<Key>,
    columns: Vec<Column>,
    /// Columns made but not yet in the LP.
    pending: usize,
    /// Fit per score point in the LP's objective now (see [`TIE_BROKEN_TIERS`]; 0: none).
    tie_break: f64,
}

impl<'a> Master<'a> {
    /// A pair's objective in each tier: one need in its level's tier, its fit (in score
    /// points) in the last.
    fn tier_value(&self, c: usize) -> [f64; TIERS] {
        let n = self.pricing.need_of[c] as usize;
        let priority = self.pricing.problem.needs[n].priority;
        let fit_q = self.pricing.value(c) + flow::level_cost(priority);
        let mut out = [0.0; TIERS];
        out[level_index(priority)] = 1.0;
        out[TIERS - 1] = fit_q as f64 / self.pricing.fit_scale;
        out
    }

    /// The mentors' rows a column for `key` takes, each once (its pairs' mentors but its
    /// student's locked ones, sorted), and its own row (the need's, or the student's
    /// convexity row); None when it has no row of its own (a need of a student with a
    /// convexity row offered as a single, or the reverse). A locked seat is charged up front,
    /// in its mentor's row bound (`Sharing::free_seats`), not by the patterns.
    fn seat_rows(&self, key: &Key) -> Option<(Vec<usize>, usize)> {
        let all = self.pricing.all;
        let (own_row, locks): (usize, &[_]) = match key {
            Key::Single(c) => (
                self.need_row[self.pricing.need_of[*c as usize] as usize]?,
                &[],
            ),
            Key::Pattern(s, _) => (
                self.student_row[*s as usize]?,
                &self.sharing.locks[*s as usize][..],
            ),
        };
        let mut rows: Vec<usize> = key
            .positions()
            .iter()
            .map(|&c| all.mentors[c as usize])
            .filter(|&m| locks.iter().all(|l| l.0 != m))
            .map(|m| m as usize)
            .collect();
        rows.sort_unstable();
        rows.dedup();
        Some((rows, own_row))
    }

    /// The column for `key` (None when it has no row: see [`Master::seat_rows`]).
    fn column(&self, key: &Key) -> Option<Column> {
        let (mut rows, own_row) = self.seat_rows(key)?;
        // One unit of the kept row per seat of the row the column takes.
        if let (Some(kept), Some(row)) = (self.kept_row, self.pricing.row) {
            let s = match key {
                Key::Single(c) => {
                    self.pricing.problem.needs[self.pricing.need_of[*c as usize] as usize].student
                }
                Key::Pattern(s, _) => *s,
            } as usize;
            let taken = rows
                .iter()
                .filter(|&&r| r < self.pricing.problem.mentors.len() && row.has(s, r as MentorIx))
                .count();
            rows.extend(std::iter::repeat_n(kept, taken));
        }
        rows.push(own_row);
        let mut tier_value = [0.0; TIERS];
        let mut value: Cost = 0;
        for &c in key.positions() {
            let c = c as usize;
            for (t, v) in self.tier_value(c).iter().enumerate() {
                tier_value[t] += v;
            }
            value += self.pricing.value(c);
        }
        Some(Column {
            tier_value,
            rows,
            value,
            upper: 1.0,
            key: Some(key.clone()),
        })
    }

    /// The reduced value of the column for `key` at row `prices` (packed, every row), as
    /// [`Master::offer`] reads it off the column, without making the column; None where the
    /// column would have a row this does not price (a rematch's kept row) or no row of its
    /// own.
    ///
    /// Why: a pricing round offers every need's best singles and every student's best pattern
    /// at the bound's prices, and most price out (at the district ~45 k offered a round for a
    /// few hundred to thirteen thousand made); making each column first to read its reduced
    /// value cost 10-23 ms a round there, on one core.
    fn reduced(&self, key: &Key, prices: &[Cost]) -> Option<Cost> {
        if self.kept_row.is_some() {
            return None;
        }
        let (rows, own_row) = self.seat_rows(key)?;
        let value: Cost = key
            .positions()
            .iter()
            .map(|&c| self.pricing.value(c as usize))
            .sum();
        let paid: Cost = rows.iter().map(|&r| prices[r]).sum();
        Some(value - paid - prices[own_row])
    }

    /// Make the column for `key` unless it exists or cannot improve at these row prices
    /// (`prices`: packed, every row); true when made.
    fn offer(&mut self, key: Key, prices: Option<&[Cost]>, threshold: Cost) -> bool {
        if self.seen.contains(&key) {
            return false;
        }
        if let Some(prices) = prices {
            if self.reduced(&key, prices).is_some_and(|r| r <= threshold) {
                return false;
            }
        }
        let Some(column) = self.column(&key) else {
            return false;
        };
        if let Some(prices) = prices {
            let reduced = column.value - column.rows.iter().map(|&r| prices[r]).sum::<Cost>();
            if reduced <= threshold {
                return false;
            }
        }
        self.seen.insert(key);
        self.columns.push(column);
        self.pending += 1;
        true
    }

    /// The columns of plan `pairs`: each student with a convexity row takes its pairs as one
    /// pattern, every other pair is a single; singles first, in the plan's order, then the
    /// patterns by student.
    fn plan_keys(&self, pairs: &[(NeedIx, MentorIx)]) -> Vec<Key> {
        let (problem, all) = (self.pricing.problem, self.pricing.all);
        let mut keys: Vec<Key> = Vec::new();
        let mut by_student: Vec<Vec<u32>> = vec![Vec::new(); problem.students.len()];
        for &(n, m) in pairs {
            let Some(c) = all.find(n, m) else { continue };
            let s = problem.needs[n as usize].student as usize;
            if self.student_row[s].is_some() {
                by_student[s].push(c as u32);
            } else {
                keys.push(Key::Single(c as u32));
            }
        }
        for (s, mut pairs) in by_student.into_iter().enumerate() {
            if !pairs.is_empty() {
                pairs.sort_unstable();
                keys.push(Key::Pattern(s as StudentIx, pairs));
            }
        }
        keys
    }

    /// The (need, mentor) pairs column `key` stands for.
    fn pairs_of<'k>(&'k self, key: &'k Key) -> impl Iterator<Item = (NeedIx, MentorIx)> + 'k {
        let (all, need_of) = (self.pricing.all, self.pricing.need_of);
        key.positions()
            .iter()
            .map(move |&c| (need_of[c as usize], all.mentors[c as usize]))
    }

    /// The pairs of the columns LP solution `primal` takes, where it takes each wholly or not
    /// at all (within HiGHS's primal tolerance); None where it takes some in part. Not
    /// checked against the rules here: the caller verifies.
    fn integral_plan(&self, primal: &[f64]) -> Option<Vec<(NeedIx, MentorIx)>> {
        let mut pairs: Vec<(NeedIx, MentorIx)> = Vec::new();
        for (column, &x) in self.columns.iter().zip(primal) {
            let Some(key) = column.key.as_ref() else {
                continue;
            };
            if x <= INTEGRAL_TOLERANCE {
                continue;
            }
            if x < 1.0 - INTEGRAL_TOLERANCE {
                return None;
            }
            pairs.extend(self.pairs_of(key));
        }
        pairs.sort_unstable();
        Some(pairs)
    }

    /// The blocks of student `s`'s pattern `pairs` (candidate positions): its needs by mentor,
    /// the inverse of [`Master::pattern`]. Patterns are only of students with a convexity row
    /// (`Shape::Exact`: at most `MAX_NEEDS_PER_STUDENT`, 12, needs), so a need's bit fits the
    /// mask.
    fn blocks(&self, s: StudentIx, pairs: &[u32]) -> Vec<Block> {
        let (all, need_of) = (self.pricing.all, self.pricing.need_of);
        let first = self.pricing.problem.students[s as usize].first_need;
        let mut blocks: Vec<Block> = Vec::new();
        for &c in pairs {
            let (mentor, bit) = (
                all.mentors[c as usize],
                1u16 << (need_of[c as usize] - first),
            );
            match blocks.iter_mut().find(|b| b.mentor == mentor) {
                Some(block) => block.mask |= bit,
                None => blocks.push(Block { mentor, mask: bit }),
            }
        }
        blocks
    }

    /// The pattern key of student `s` made of `blocks`.
    fn pattern(&self, s: StudentIx, blocks: &[Block]) -> Key {
        let student = &self.pricing.problem.students[s as usize];
        let mut pairs: Vec<u32> = blocks
            .iter()
            .flat_map(|b| {
                student
                    .needs()
                    .enumerate()
                    .filter(move |(i, _)| b.mask & (1 << i) != 0)
                    .filter_map(move |(_, n)| self.pricing.all.find(n, b.mentor))
                    .map(|c| c as u32)
            })
            .collect();
        pairs.sort_unstable();
        Key::Pattern(s, pairs)
    }

    /// Offer each need's `k` best singles and every student's best pattern at the prices of
    /// `evaluated` (the master's start: its later rounds take the singles from the bound's own
    /// scan, [`lagrangian_and_best`]).
    fn offer_best(&mut self, evaluated: &Bound, k: usize) -> usize {
        // The prices the bound was evaluated at (a kept row's bonus included).
        let at = Pricing {
            mu: &evaluated.mu,
            bonus: evaluated.bonus,
            ..*self.pricing
        };
        let (_, best) = at.singles_and_best(&Best {
            k,
            needs: &self.has_row,
        });
        self.offer_found(evaluated, best, None, 0)
    }

    /// Offer the singles `best` (candidate positions) and every student's best pattern at the
    /// prices of `evaluated`; with row `prices`, only columns that improve.
    fn offer_found(
        &mut self,
        evaluated: &Bound,
        best: impl IntoIterator<Item = u32>,
        prices: Option<&[Cost]>,
        threshold: Cost,
    ) -> usize {
        let mut made = 0;
        for c in best {
            made += usize::from(self.offer(Key::Single(c), prices, threshold));
        }
        for (s, _, blocks) in &evaluated.patterns {
            if !blocks.is_empty() {
                let key = self.pattern(*s, blocks);
                made += usize::from(self.offer(key, prices, threshold));
            }
        }
        made
    }

    /// Whether the fits of the columns are varied enough for the fit tier's re-solves to run
    /// unperturbed: at least one distinct fit per [`FIT_COLUMNS_PER_DISTINCT`] columns (see
    /// [`FIT_RESOLVE_CAP_PER_COLUMN`]).
    fn fits_varied(&self) -> bool {
        let mut fits: Vec<u64> = self
            .columns
            .iter()
            .map(|c| c.tier_value[TIERS - 1].to_bits())
            .collect();
        fits.sort_unstable();
        fits.dedup();
        fits.len().saturating_mul(FIT_COLUMNS_PER_DISTINCT) >= self.columns.len()
    }

    /// Columns already in the LP: the first ones, before the pending.
    fn in_lp(&self) -> usize {
        self.columns.len() - self.pending
    }

    /// Move the pending columns into the LP with their objective in `tier`, in one call.
    fn flush(
        &mut self,
        lp: &mut Lp,
        network: Option<&mut NetworkTiers>,
        tier: usize,
    ) -> Option<()> {
        let start = self.in_lp();
        let new = &self.columns[start..];
        let mut starts: Vec<usize> = Vec::with_capacity(new.len() + 1);
        let mut rows: Vec<usize> = Vec::new();
        let mut values: Vec<f64> = Vec::new();
        for column in new {
            starts.push(rows.len());
            for (r, units) in column.entries() {
                rows.push(r);
                values.push(units);
            }
        }
        starts.push(rows.len());
        let costs: Vec<f64> = new
            .iter()
            .enumerate()
            .map(|(i, c)| c.cost(tier, self.tie_break, start + i))
            .collect();
        let uppers: Vec<f64> = new.iter().map(|c| c.upper).collect();
        lp.add_columns(&costs, &uppers, &starts, &rows, &values)
            .then_some(())?;
        if let Some(network) = network {
            for ((column, &cost), &upper) in new.iter().zip(&costs).zip(&uppers) {
                network.add_column(&column.rows, cost, upper);
            }
        }
        self.pending = 0;
        Some(())
    }
}

/// HiGHS's next solve starts from the network copy's basis (a refusal leaves HiGHS's own, and
/// costs only time).
fn start_from_network(lp: &mut Lp, network: &NetworkTiers) {
    let (columns, rows) = network.basis();
    if !lp.set_basis(&columns, &rows) {
        tracing::debug!("seat sharing: HiGHS refused the network's basis");
    }
}

/// Whether the coverage tiers go to the network copy of the master ([`NetworkTiers`]);
/// `MENTOR_MATCH_MASTER_ENGINE=highs` keeps them on HiGHS, for measuring one against the
/// other.
fn network_engine_wanted() -> bool {
    std::env::var("MENTOR_MATCH_MASTER_ENGINE").map_or(true, |v| v != "highs")
}

/// Row prices that need no column bound. A column at its upper bound may have a positive
/// reduced cost in the LP's answer (the price of that bound, which the exact bound and the
/// tiers' faces do not know); moving the largest such on each own row (a need's or a
/// student's, `≤ 1`, so at most one of its columns sits at 1) into that row's price leaves the
/// dual objective where it was and every reduced cost `≤ 0`. Columns held at zero by a finished
/// tier (`dropped`) are left out (their bound is not 1), and so is the kept row's slack.
fn unbox_prices(
    columns: &[Column],
    dropped: &[bool],
    kept_row: Option<usize>,
    tier: usize,
    y: &mut [f64],
) {
    let mut lift = vec![0.0f64; y.len()];
    for (column, _) in columns.iter().zip(dropped).filter(|(_, &d)| !d) {
        let Some(&own) = column.rows.last() else {
            continue;
        };
        if Some(own) == kept_row {
            continue;
        }
        let reduced = column.reduced(tier, y);
        if reduced > LIFT_TOLERANCE && reduced > lift[own] {
            lift[own] = reduced;
        }
    }
    for (p, l) in y.iter_mut().zip(lift) {
        *p += l;
    }
}

/// The kept row's slack: it meets the row alone at a cost past anything a tier can gain (one
/// need more than all of them; in the fit tier, more than every need's best score), so the
/// LP is feasible before any column keeps enough and its price then asks for columns that keep
/// seats; at the optimum it is zero unless no plan keeps enough.
fn slack(pricing: &Pricing<'_>, kept_row: usize) -> Column {
    let needs = pricing.problem.needs.len() as f64;
    let best = pricing.all.largest_score();
    let mut tier_value = [-(needs + 1.0); TIERS];
    tier_value[TIERS - 1] = -(needs * best + 1.0);
    Column {
        tier_value,
        rows: vec![kept_row],
        value: 0,
        upper: pricing.row.map_or(0.0, |row| f64::from(row.at_least)),
        key: None,
    }
}

/// The tie-break's share ([`Column::cost`]) for the coverage tiers of the integer programme
/// over the master's `chosen` columns: a tiny bonus by fit (and the fixed jitter), so that
/// the tier's 0/1 objective is not massively dual degenerate (as [`TIE_BROKEN_TIERS`] does for
/// the LP). Its sum over any plan stays under a fifth of a need: each column's own row (its
/// need's or student's, the last of its rows) takes at most one unit, so no plan collects more
/// than each own row's largest bonus. 0 where that argument does not hold (a row that takes
/// more than one unit, a column without an own row such as the kept row's slack).
///
/// Measured on the many-needs school `gen900s1_k6`, whose low tier this programme solves
/// after the residual falls a need short: HiGHS's root LP took 14,953 dual simplex iterations
/// and 2.8 s on the 0/1 costs, 0.95 s with this bonus (the same count, 53, and the same
/// answer, byte for byte; the share there 1.9e-5 a point). Smaller bonuses gain less: a
/// tenth of it 1.65 s, a fiftieth 3.1 s.
fn coverage_tie_share(columns: &[Column], chosen: &[usize], bounds: &[(f64, f64)]) -> f64 {
    let mut largest: Vec<f64> = vec![0.0; bounds.len()];
    for &j in chosen {
        let column = &columns[j];
        let (Some(_), Some(&own)) = (&column.key, column.rows.last()) else {
            return 0.0;
        };
        if bounds[own].1 > 1.0
            || column.upper > 1.0
            || column.rows[..column.rows.len() - 1].contains(&own)
        {
            return 0.0;
        }
        let bonus = column.tier_value[TIERS - 1].abs() + TIE_BREAK_JITTER_POINTS;
        largest[own] = largest[own].max(bonus);
    }
    let most: f64 = largest.iter().sum();
    if most > 0.0 && most.is_finite() {
        0.2 / most
    } else {
        0.0
    }
}

/// A fixed number in [0, 1) for column `j` (splitmix64): the tie-break's share where fits tie.
fn spread(j: usize) -> f64 {
    (splitmix64(j as u64) >> 11) as f64 / (1u64 << 53) as f64
}

/// Coverage tiers' duals are read as the simplest fraction within HiGHS's tolerance
/// ([`SNAP_TOLERANCE`]) whose denominator is at most this, where there is one. Their units are
/// a need's packed digit (2^44 to 2^104), so a dual off by HiGHS's ~1e-9 carried ~0.1 point of
/// fit per row, or far more, into the composed prices, and the bound came out points or whole
/// low needs loose where the LP itself is tight: dense 900x240 seed 7, 1.1 points -> 9e-8
/// after the same rounds; many-needs K 4 at 900x240, "~10 low needs" -> 1e-7 points, proven
/// in 1.3 s instead of 26.5. The vertices of these 0/1 LPs have duals of small denominators
/// (1/2, 44/109 at K 6); a dual with none is taken as it is. Prices only choose the bound: any
/// `μ ≥ 0` gives one, evaluated exactly.
const MAX_DENOMINATOR: i64 = 1_000;

/// How far from its fraction a dual may be to be read as it (HiGHS's dual tolerance).
const SNAP_TOLERANCE: f64 = 1e-7;

/// The simplest fraction `p / q` (`q ≤ MAX_DENOMINATOR`) within [`SNAP_TOLERANCE`] of `y`: the
/// first convergent of its continued fraction that is close enough. None when no convergent
/// with such a denominator is.
fn simplest_fraction(y: f64) -> Option<(i64, i64)> {
    if !y.is_finite() || y.abs() > 1e6 {
        return None;
    }
    let (mut h_prev, mut h) = (0i64, 1i64);
    let (mut k_prev, mut k) = (1i64, 0i64);
    let mut x = y;
    for _ in 0..40 {
        let a = x.floor();
        let digit = a as i64;
        let (h_next, k_next) = (digit * h + h_prev, digit * k + k_prev);
        if k_next > MAX_DENOMINATOR {
            return None;
        }
        if (y - h_next as f64 / k_next as f64).abs() <= SNAP_TOLERANCE {
            return Some((h_next, k_next));
        }
        let rest = x - a;
        if rest <= 0.0 {
            return None;
        }
        x = 1.0 / rest;
        (h_prev, h) = (h, h_next);
        (k_prev, k) = (k, k_next);
    }
    None
}

/// The least `q ≤ MAX_PRICE_DENOMINATOR` that makes every one of `units` a whole number
/// (within [`DENOMINATOR_TOLERANCE`]); None when there is none.
fn common_denominator(units: &[f64]) -> Option<i64> {
    let mut q: i64 = 1;
    for &x in units {
        if !x.is_finite() {
            return None;
        }
        let whole_at = |d: i64| {
            let scaled = x * d as f64;
            (scaled - scaled.round()).abs() <= DENOMINATOR_TOLERANCE
        };
        if whole_at(q) {
            continue;
        }
        let d = (2..=MAX_PRICE_DENOMINATOR).find(|&d| whole_at(d))?;
        q = lcm(q, d);
        if q > MAX_PRICE_DENOMINATOR {
            return None;
        }
    }
    Some(q)
}

fn lcm(a: i64, b: i64) -> i64 {
    let (mut x, mut y) = (a, b);
    while y != 0 {
        (x, y) = (y, x % y);
    }
    a / x * b
}

/// Units above this (a need's digit, not the fit tier's point) are read as fractions (see
/// [`MAX_DENOMINATOR`]).
const SNAP_ABOVE: f64 = (1u64 << 43) as f64;

/// Packed cost of one LP unit of each tier: one covered need of the tier's level (the flow's
/// own coverage digit), or (last tier) one score point.
fn tier_units(fit_scale: f64) -> [f64; TIERS] {
    let need = |p: Priority| -flow::level_cost(p) as f64;
    let [urgent, high, normal, low] = Priority::DESCENDING;
    [need(urgent), need(high), need(normal), need(low), fit_scale]
}

/// Packed price of `y` LP units worth `unit` each (exact for the coverage tiers, whose units
/// are powers of two), a coverage tier's `y` read as a fraction where it is one (see
/// [`MAX_DENOMINATOR`]).
fn packed(y: f64, unit: f64) -> Cost {
    if !y.is_finite() {
        return 0;
    }
    if unit > SNAP_ABOVE {
        // The unit is a power of two, exact in `i128`; the division's remainder is below one
        // packed unit (the fit's finest quantum).
        let exact = simplest_fraction(y)
            .and_then(|(p, q)| Some(Cost::from(p).checked_mul(unit as Cost)? / Cost::from(q)));
        if let Some(price) = exact {
            return price;
        }
    }
    (y * unit).round() as Cost
}

/// The master kept across the rounds of one solve: its columns stay, so each round starts
/// from every pattern and single the earlier rounds priced (only its rows' and columns'
/// bounds, reset to the model's, and the objective change).
pub(super) struct MasterLp<'a> {
    master: Master<'a>,
    /// The LP (HiGHS, through `solver::highs`), kept across the calls; it holds the current
    /// call's deadline.
    lp: Lp,
    /// Columns held at zero by a finished tier of the last call.
    dropped: Vec<bool>,
    /// [`MasterLp::split_rows_plan`] met rows the LP optimum splits (see
    /// [`MasterLp::split_rows_met`]).
    split_rows_met: std::cell::Cell<bool>,
    /// Rows held tight by a finished tier of the last call.
    tight: Vec<usize>,
    /// The last call reached the whole master's optimum in every tier: its bound is the LP's,
    /// and no later call can price tighter (the LP does not change between rounds).
    converged: bool,
    /// Fit per score point a tie-broken tier adds to its objective: [`TIE_BREAK_SHARE`] per
    /// the largest pair score (see [`TIE_BROKEN_TIERS`]; a test sets 0 to compare).
    tie_break_weight: f64,
    /// [`MAX_ITERATIONS_PER_TIER`] (a test sets fewer, to end tiers on the count).
    max_iterations: u32,
    /// [`FIT_STALL_SOLVES`], and [`FIT_STALL_POINTS`] in packed units: what ends the fit
    /// tier's tail (a test sets a threshold no solve meets, to end the tier on the count).
    fit_stall: (u32, Cost),
    /// The iteration cap of the fit tier's unperturbed re-solves, when not
    /// [`fit_resolve_cap`]'s (a test sets 0, to stop the first such re-solve at its cap).
    fit_resolve_cap: Option<i32>,
    /// Fit-tier re-solves stopped at their cap and finished perturbed, in all.
    capped_resolves: u32,
    /// The same, since the last re-solve that finished unperturbed within its cap: at
    /// [`CAPPED_RESOLVES_IN_A_ROW`] every later re-solve of this master is perturbed (see
    /// [`FIT_RESOLVE_CAP_PER_COLUMN`]).
    capped_in_a_row: u32,
    /// Whether a coverage tier HiGHS solves ends where the columns a round made leave its
    /// optimum as it was, without a re-solve's pivots (see [`MasterLp::solve_tier`]; a test
    /// clears it, to compare).
    end_unimproving: bool,
    /// Tiers that ended so, in all.
    unimproving_ends: u32,
    /// The columns' values at the last optimal LP solve (see [`MasterLp::lp_bundles`]).
    primal: Vec<f64>,
    /// The coverage tiers' settled prices (packed) of the mentors' rows under the fit tier,
    /// where the last call reached it (see [`MasterLp::proves`]).
    fit_settled: Option<Vec<Cost>>,
    /// The same LP as a network, which solves the coverage tiers (see [`NetworkTiers`]);
    /// None with a rematch's kept row (not a network row), and from the first solve it
    /// could not finish on: HiGHS then solves every tier.
    network: Option<NetworkTiers>,
}

impl<'a> MasterLp<'a> {
    /// The rows of the master for this problem (no columns yet; with a kept row and
    /// `with_slack`, the row's slack, for when no plan met keeps enough).
    pub(super) fn new(
        base: &'a Pricing<'a>,
        sharing: &'a Sharing,
        deadline: Until,
        with_slack: bool,
    ) -> Self {
        let problem = base.problem;
        let mut need_row = vec![None; problem.needs.len()];
        let mut student_row = vec![None; problem.students.len()];
        // A locked seat is taken whatever its student's pattern: charged up front here, as
        // the bound charges it (`StudentTable::base`), not in the patterns' rows. In the rows, a
        // locked student taking no pattern left its seat to others: an LP looser than the bound
        // by whole needs (the 900-student school with 86 % of its plan locked and the rest
        // forbidden: ten normal needs, the residual widened twenty times before its proof).
        let mut bounds: Vec<(f64, f64)> = sharing
            .free_seats
            .iter()
            .map(|&seats| (f64::NEG_INFINITY, f64::from(seats)))
            .collect();
        for (s, row) in student_row.iter_mut().enumerate() {
            match sharing.shape(s) {
                Shape::Exact => {
                    *row = Some(bounds.len());
                    bounds.push((f64::NEG_INFINITY, 1.0));
                }
                Shape::Simple | Shape::Loose => {
                    for n in problem.students[s].needs() {
                        need_row[n as usize] = Some(bounds.len());
                        bounds.push((f64::NEG_INFINITY, 1.0));
                    }
                }
            }
        }
        let kept_row = base.row.map(|row| {
            bounds.push((f64::from(row.at_least), f64::INFINITY));
            bounds.len() - 1
        });
        let slack_row = kept_row.filter(|_| with_slack);
        let network = (kept_row.is_none() && network_engine_wanted()).then(|| {
            let capacities: Vec<f64> = bounds[..problem.mentors.len()]
                .iter()
                .map(|&(_, hi)| hi)
                .collect();
            NetworkTiers::new(&capacities, bounds.len() - capacities.len())
        });
        // The master's rows are `(−∞, hi]`, and `[lo, ∞)` for a kept row.
        let lp = Lp::maximise(&bounds, deadline);
        MasterLp {
            master: Master {
                pricing: base,
                sharing,
                has_row: need_row.iter().map(Option::is_some).collect(),
                need_row,
                student_row,
                bounds,
                kept_row,
                seen: HashSet::new(),
                columns: slack_row.map(|r| slack(base, r)).into_iter().collect(),
                pending: usize::from(slack_row.is_some()),
                tie_break: 0.0,
            },
            lp,
            dropped: Vec::new(),
            split_rows_met: std::cell::Cell::new(false),
            tight: Vec::new(),
            converged: false,
            tie_break_weight: TIE_BREAK_SHARE / base.all.largest_score().max(1.0),
            max_iterations: MAX_ITERATIONS_PER_TIER,
            fit_stall: (
                FIT_STALL_SOLVES,
                (FIT_STALL_POINTS * base.fit_scale) as Cost,
            ),
            fit_resolve_cap: None,
            capped_resolves: 0,
            capped_in_a_row: 0,
            end_unimproving: true,
            unimproving_ends: 0,
            fit_settled: None,
            primal: Vec::new(),
            network,
        }
    }

    /// The columns of another plan than the incumbent, into the LP at the next call's start.
    /// The rounds pass their own plan: the incumbent is the lexicographically best plan met,
    /// which is often the first round's (at 4,000x1,000 two more high needs than the round of
    /// the flow's bundles, 395 fewer normal ones, 442 fewer than the optimum), while the
    /// round's plan, made with the bundles, is far nearer the LP's optimum in the later tiers.
    /// Measured: the 4,000x1,000 school's master 1.91 -> 1.15 s, the district's 36.5 -> 21 s,
    /// the same optima on every instance of the set.
    pub(super) fn offer_plan(&mut self, pairs: &[(NeedIx, MentorIx)]) {
        for key in self.master.plan_keys(pairs) {
            self.master.offer(key, None, 0);
        }
    }

    /// Lexicographic column generation from the plan `incumbent` and the evaluation `start`
    /// (at the flow's prices), over the first `tiers` tiers (measured: stopping the first
    /// round's master before the fit tier saves there but costs a round more later). Returns
    /// the tightest exact bound met (never looser than `start`), or None when the LP could not
    /// be solved.
    pub(super) fn prices(
        &mut self,
        start: Bound,
        incumbent: &[(NeedIx, MentorIx)],
        incumbent_value: Cost,
        tiers: usize,
        deadline: Until,
    ) -> Option<Prices> {
        self.lp.set_deadline(deadline);
        self.reset_faces()?;
        self.offer_start(&start, incumbent)?;
        let row_count = self.master.bounds.len();
        // Prices of the finished tiers, packed, per row.
        let mut settled: Vec<Cost> = vec![0; row_count];
        let units = tier_units(self.master.pricing.fit_scale);
        let mut run = Prices {
            bound: start,
            iterations: 0,
            columns: 0,
        };
        self.converged = false;
        self.fit_settled = None;
        for (tier, &unit) in units.iter().enumerate().take(tiers) {
            let on_network = self.network.is_some() && tier + 1 < TIERS;
            self.master.tie_break = if TIE_BROKEN_TIERS.contains(&tier) && !on_network {
                self.tie_break_weight
            } else {
                0.0
            };
            if tier > 0 {
                self.set_costs(tier)?;
            }
            if let Some(network) = self.network.as_mut() {
                network.start_tier();
            }
            if tier + 1 == TIERS {
                let m_count = self.master.pricing.problem.mentors.len();
                self.fit_settled = Some(settled[..m_count].to_vec());
            }
            let TierEnd::Solved(y, priced_out) =
                self.solve_tier(tier, unit, &settled, incumbent_value, &mut run)?
            else {
                break;
            };
            if tier + 1 == tiers {
                self.converged = priced_out && tiers == TIERS;
                break;
            }
            self.hold_face(tier, &y, unit, &mut settled)?;
        }
        run.columns = self.master.columns.len();
        if let Ok(path) = std::env::var("MENTOR_MATCH_DUMP_MASTER") {
            self.dump(&path);
        }
        Some(run)
    }

    /// Writes the master's rows and columns as JSON to `path` (for measuring another LP
    /// engine on the same LP; `MENTOR_MATCH_DUMP_MASTER`). Only counts and numbers: no ids.
    fn dump(&self, path: &str) {
        let columns: Vec<serde_json::Value> = self
            .master
            .columns
            .iter()
            .map(|c| {
                serde_json::json!({
                    "rows": c.rows,
                    "tier_value": c.tier_value,
                    "upper": c.upper,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "mentors": self.master.pricing.problem.mentors.len(),
            "bounds": self.master.bounds.iter().map(|&(lo, hi)| [lo, hi]).collect::<Vec<_>>(),
            "columns": columns,
        });
        if std::fs::write(path, doc.to_string()).is_err() {
            tracing::warn!("seat sharing: the master's dump could not be written");
        }
    }

    /// A plan from the master's columns as an integer programme: each column (a student's
    /// pattern, or a single pair) taken whole or not at all, under the master's rows, solved
    /// tier by tier (the coverage of each level held at its optimum by a floor row before the
    /// next: the lexicographic order, as in the LP). This is the restricted master in integers
    /// ("price and branch", Desrosiers & Lübbecke 2005, §4): its optimum is a feasible plan over
    /// the columns column generation found, which the rounds' network cannot always reach: a
    /// committed bundle there goes to one seat whole or not at all, and where students have
    /// more needs than mentors allowed, the network without bundles takes one need per seat.
    /// A heuristic for the incumbent only: nothing is proven from it. Its LP relaxation is the
    /// master's own, so HiGHS closes it fast where that LP is nearly integral.
    ///
    /// Returns the pairs of the columns taken in the last tier solved (None when HiGHS found
    /// no plan before `until`).
    ///
    /// `settled` holds the counts of the first coverage tiers that an exact bound already
    /// proves for a plan at hand (urgent first): those tiers are not solved, their floor rows
    /// are set at those counts. A plan short of them there is worse than that plan, so nothing
    /// useful is lost; at the many-needs school `gen900s1_k6` the urgent and high tiers took
    /// 2.4 s to confirm the plan's own 701 and 582.
    pub(super) fn integer_plan(
        &self,
        until: Until,
        settled: &[u32],
    ) -> Option<Vec<(NeedIx, MentorIx)>> {
        let every: Vec<usize> = (0..self.master.columns.len()).collect();
        self.integer_programme(
            self.master.bounds.clone(),
            &every,
            until,
            true,
            true,
            settled,
        )
    }

    /// A plan from the LP optimum's split rows: every column the LP takes whole stays, and
    /// the rows it splits between columns (a student's convexity row, or a need's own row) are
    /// settled by the integer programme over those rows' columns ([`MasterLp::integer_plan`]'s,
    /// tier by tier) within the seats the whole columns leave. At the district the LP optimum
    /// splits 121 of its 18,644 rows (240 columns over 149 mentors), and the plan this finds
    /// is 0.011 points from the bound where the rounded one was 12, so the residual programme
    /// starts narrower (0.49 against 1.11 s); at the school it splits 16 rows, and the plan
    /// has the optimum's coverage where the rounded LP plan was a low need short. A
    /// heuristic: nothing is proven from it.
    ///
    /// None where the LP took no fraction (its plan is [`MasterLp::lp_plan`]), with a kept row
    /// (its seats are counted across students), or when HiGHS found no plan before `until`.
    /// The pairs may break a rule the master relaxes (see [`MasterLp::integer_plan`]).
    pub(super) fn split_rows_plan(&self, until: Until) -> Option<Vec<(NeedIx, MentorIx)>> {
        let columns = &self.master.columns;
        if self.master.kept_row.is_some() || self.primal.len() != columns.len() {
            return None;
        }
        let mut split = vec![false; self.master.bounds.len()];
        let mut any = false;
        for (column, &x) in columns.iter().zip(&self.primal) {
            if x > INTEGRAL_TOLERANCE && x < 1.0 - INTEGRAL_TOLERANCE {
                if let (Some(_), Some(&own)) = (&column.key, column.rows.last()) {
                    split[own] = true;
                    any = true;
                }
            }
        }
        if !any {
            return None;
        }
        self.split_rows_met.set(true);
        let mut rows = self.master.bounds.clone();
        let mut whole: Vec<(NeedIx, MentorIx)> = Vec::new();
        let mut free: Vec<usize> = Vec::new();
        for (j, (column, &x)) in columns.iter().zip(&self.primal).enumerate() {
            let (Some(key), Some(&own)) = (&column.key, column.rows.last()) else {
                continue;
            };
            if split[own] {
                free.push(j);
            } else if x >= 1.0 - INTEGRAL_TOLERANCE {
                for (r, units) in column.entries() {
                    let (lo, hi) = &mut rows[r];
                    *lo -= units;
                    *hi -= units;
                }
                whole.extend(self.master.pairs_of(key));
            }
        }
        let mut pairs = self.integer_programme(rows, &free, until, false, false, &[])?;
        pairs.extend(whole);
        pairs.sort_unstable();
        pairs.dedup();
        Some(pairs)
    }

    /// The integer programme over the master's columns `chosen` (positions) under `rows`
    /// (each row's bounds), solved tier by tier: see [`MasterLp::integer_plan`]. `jump`:
    /// HiGHS's feasibility jump heuristic on ([`Lp::set_feasibility_jump`]). `tie_break`: the
    /// coverage tiers' ties broken by fit ([`coverage_tie_share`]).
    fn integer_programme(
        &self,
        bounds: Vec<(f64, f64)>,
        chosen: &[usize],
        until: Until,
        jump: bool,
        tie_break: bool,
        settled: &[u32],
    ) -> Option<Vec<(NeedIx, MentorIx)>> {
        let columns = &self.master.columns;
        let share = if tie_break {
            coverage_tie_share(columns, chosen, &bounds)
        } else {
            0.0
        };
        // Only the rows the columns touch, renumbered in order: a few split rows' columns
        // under the master's thousands of rows left HiGHS's presolve most of the work.
        let mut touched = vec![false; bounds.len()];
        for &j in chosen {
            for &r in &columns[j].rows {
                touched[r] = true;
            }
        }
        let mut at = vec![usize::MAX; bounds.len()];
        let mut rows: Vec<(f64, f64)> = Vec::new();
        for (r, &b) in bounds.iter().enumerate() {
            if touched[r] {
                at[r] = rows.len();
                rows.push(b);
            }
        }
        let first_floor = rows.len();
        // One floor row per coverage tier, free until its tier is solved.
        rows.extend((0..TIERS - 1).map(|_| (f64::NEG_INFINITY, f64::INFINITY)));
        let entries = chosen.iter().map(|&j| {
            let column = &columns[j];
            let mut entries: Vec<(usize, f64)> = column
                .entries()
                .into_iter()
                .map(|(r, units)| (at[r], units))
                .collect();
            for t in 0..TIERS - 1 {
                if column.tier_value[t] != 0.0 {
                    entries.push((first_floor + t, column.tier_value[t]));
                }
            }
            (entries, column.upper)
        });
        let mut lp = Lp::maximise_integer(&rows, entries, until);
        if !jump {
            lp.set_feasibility_jump(false);
        }
        let mut taken: Option<Vec<f64>> = None;
        for tier in 0..TIERS {
            let in_tier = chosen.iter().any(|&j| columns[j].tier_value[tier] > 0.0);
            if !in_tier {
                continue;
            }
            if let Some(&count) = settled.get(tier).filter(|_| tier + 1 < TIERS) {
                lp.change_row_bounds(first_floor + tier, f64::from(count) - 0.5, f64::INFINITY);
                continue;
            }
            if until.passed() {
                break;
            }
            let coverage_tier = tier + 1 < TIERS;
            let tier_share = if coverage_tier { share } else { 0.0 };
            let costs: Vec<f64> = chosen
                .iter()
                .map(|&j| columns[j].cost(tier, tier_share, j))
                .collect();
            lp.change_all_col_costs(&costs);
            // Coverage tiers count needs: an integral objective, closed to within half a need.
            // With the tie-break, whose sum is less than a fifth of a need either way, a gap of
            // half a need still proves the count: a plan one need more would be worth at least
            // 1 - 2/5 more than the incumbent.
            let (abs_gap, rel_gap) = if coverage_tier {
                (0.5, 0.0)
            } else {
                (1e-6, 1e-4)
            };
            lp.set_mip_gaps(abs_gap, rel_gap);
            let tier_started = std::time::Instant::now();
            let solved = lp.solve()?;
            let found = solved.feasible;
            let optimal = solved.end == LpEnd::Optimal;
            // The tier's own objective at the plan found (the tie-break left out).
            let objective = if tier_share != 0.0 {
                chosen
                    .iter()
                    .zip(&solved.columns)
                    .map(|(&j, &x)| columns[j].tier_value[tier] * x)
                    .sum()
            } else {
                solved.objective
            };
            tracing::trace!(
                tier,
                found,
                optimal,
                objective,
                tie_share = share,
                ms = tier_started.elapsed().as_secs_f64() * 1e3,
                "seat sharing: columns' integer programme, tier"
            );
            if found {
                taken = Some(solved.columns);
            }
            if !(found && optimal) {
                break;
            }
            if tier + 1 < TIERS {
                lp.change_row_bounds(first_floor + tier, objective.round() - 0.5, f64::INFINITY);
            }
        }
        let taken = taken?;
        let mut pairs: Vec<(NeedIx, MentorIx)> = chosen
            .iter()
            .zip(&taken)
            .filter(|(_, &x)| x > 0.5)
            .filter_map(|(&j, _)| columns[j].key.as_ref())
            .flat_map(|key| self.master.pairs_of(key))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        Some(pairs)
    }

    /// The tightest floored bound (see [`Floors`]) column generation finds in `iterations`
    /// LP solves at most: the LP over the master's columns and the incumbent's maximises fit
    /// (where every level is floored) or the coverage of the first level not floored, with at
    /// least `floors.counts[l]` needs covered at each floored level; its duals are the seat
    /// prices `μ` and the floors' prices `ν`, at which the exact bound is evaluated (the levels
    /// not floored at their packed digits), and every
    /// student's best pattern and every need's best single there join the LP, until none is
    /// new (the LP's optimum over every column) or the deadline. Returns the evaluation with
    /// the least `F = L − Σ ν·counts` (its `value` is `L`) and its `ν`; None when the LP could
    /// not be solved. A separate LP: the master's own keeps its rows and faces for the rounds.
    pub(super) fn floored_bound(
        &self,
        floors: Floors,
        incumbent: &[(NeedIx, MentorIx)],
        iterations: u32,
        until: Until,
    ) -> Option<(Bound, [Cost; 4])> {
        let master = &self.master;
        let base = master.pricing;
        let (problem, all) = (base.problem, base.all);
        let m_count = problem.mentors.len();
        let first_floor = master.bounds.len();
        let mut rows = master.bounds.clone();
        rows.extend(
            floors.counts[..floors.fixed]
                .iter()
                .map(|&count| (f64::from(count), f64::INFINITY)),
        );
        // The LP's objective: fit in score points, or needs at the first level not floored.
        let (objective, unit) = match Priority::DESCENDING.get(floors.fixed) {
            None => (TIERS - 1, base.fit_scale),
            Some(&p) => (floors.fixed, -flow::level_cost(p) as f64),
        };
        let mut lp = Lp::maximise(&rows, until);
        // Of the master's columns, those its last LP plan uses: a start the simplex settles
        // fast (all of them, from no basis, took seconds); pricing brings the rest it needs.
        let kept: Vec<&Column> = master
            .columns
            .iter()
            .zip(&self.primal)
            .filter(|(c, &x)| c.key.is_some() && x > TOLERANCE)
            .map(|(c, _)| c)
            .collect();
        // The keys in this LP.
        let mut seen: HashSet<Key> = kept.iter().filter_map(|c| c.key.clone()).collect();
        add_floored(
            &mut lp,
            kept.into_iter(),
            first_floor,
            floors.fixed,
            objective,
        )?;
        // The incumbent's columns: the LP is feasible from the start.
        let mut fresh: Vec<Column> = master
            .plan_keys(incumbent)
            .into_iter()
            .filter_map(|key| new_column(master, &mut seen, key))
            .collect();
        let mut best: Option<(Cost, Bound, [Cost; 4])> = None;
        for _ in 0..iterations {
            add_floored(&mut lp, fresh.iter(), first_floor, floors.fixed, objective)?;
            fresh.clear();
            if until.passed() {
                break;
            }
            let solved = lp.solve()?;
            if solved.end != LpEnd::Optimal {
                break;
            }
            let y = solved.duals;
            let price = |v: f64| packed(v.max(0.0), unit);
            let mu: Vec<Cost> = y[..m_count].iter().map(|&v| price(v)).collect();
            // A floor is a `≥` row of a maximisation: HiGHS prices it at or below zero.
            let levels: [Cost; 4] = std::array::from_fn(|l| {
                if l < floors.fixed {
                    price(-y[first_floor + l])
                } else {
                    -flow::level_cost(Priority::DESCENDING[l])
                }
            });
            let pricing = Pricing {
                mu: &mu,
                levels: Some(levels),
                ..*base
            };
            let evaluated = lagrangian(&pricing, master.sharing);
            let fit_bound = evaluated.value - floors.charge(&levels);
            for (n, &(v, m)) in evaluated.singles.iter().enumerate() {
                if v > 0 && master.need_row[n].is_some() {
                    if let Some(c) = all.find(n as NeedIx, m) {
                        fresh.extend(new_column(master, &mut seen, Key::Single(c as u32)));
                    }
                }
            }
            for (s, _, blocks) in &evaluated.patterns {
                if !blocks.is_empty() {
                    let key = master.pattern(*s, blocks);
                    fresh.extend(new_column(master, &mut seen, key));
                }
            }
            tracing::trace!(
                made = fresh.len(),
                fit_bound_points = fit_bound as f64 / base.fit_scale,
                "seat sharing: floored master iteration"
            );
            if best.as_ref().is_none_or(|b| fit_bound < b.0) {
                best = Some((fit_bound, evaluated, levels));
            }
            if fresh.is_empty() {
                break;
            }
        }
        best.map(|(_, bound, levels)| (bound, levels))
    }

    /// The bundles of the LP's own plan: every block of two or more needs on one mentor in a
    /// pattern the last optimal solve took at one half or more ([`HALF`]). Unlike the bound's
    /// best patterns at the prices, which break the LP's many ties each student on its own,
    /// these come from one plan that meets every seat's capacity (fractionally), so they
    /// compete less for the same seats.
    pub(super) fn lp_bundles(&self) -> Vec<Bundle> {
        let mut out: Vec<Bundle> = Vec::new();
        for (column, &x) in self.master.columns.iter().zip(&self.primal) {
            let Some(Key::Pattern(s, pairs)) = &column.key else {
                continue;
            };
            if x < HALF {
                continue;
            }
            out.extend(Bundle::of_pattern(*s, &self.master.blocks(*s, pairs)));
        }
        out.sort();
        out
    }

    /// The last optimal LP solution rounded to a plan: its columns taken greedily, the most
    /// taken first (then the most valuable, then the first made), each where its own row is
    /// still free and every mentor it seats has room. Where the LP's optimum is integral this
    /// is that optimum's plan (`Master::integral_plan`); where it takes a few patterns in
    /// part (the district: 240 of ~20 k), the rest of the plan is the LP's. Not checked
    /// against every rule (a locked student whose pattern found no room goes without it):
    /// the caller repairs and verifies it.
    pub(super) fn lp_plan(&self) -> Vec<(NeedIx, MentorIx)> {
        let problem = self.master.pricing.problem;
        let m_count = problem.mentors.len();
        let columns = &self.master.columns;
        let mut order: Vec<(usize, f64)> = columns
            .iter()
            .zip(&self.primal)
            .enumerate()
            .filter(|(_, (column, &x))| x > INTEGRAL_TOLERANCE && column.key.is_some())
            .map(|(j, (_, &x))| (j, x))
            .collect();
        order.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(columns[b.0].value.cmp(&columns[a.0].value))
                .then(a.0.cmp(&b.0))
        });
        let mut row_taken = vec![false; self.master.bounds.len()];
        let mut seats: Vec<u32> = self.master.sharing.free_seats.clone();
        let mut pairs: Vec<(NeedIx, MentorIx)> = Vec::new();
        for (j, _) in order {
            let column = &columns[j];
            let Some(&own) = column.rows.last() else {
                continue;
            };
            let mentors = || column.rows.iter().filter(|&&r| r < m_count);
            if row_taken[own] || mentors().any(|&r| seats[r] == 0) {
                continue;
            }
            row_taken[own] = true;
            for &r in mentors() {
                seats[r] -= 1;
            }
            if let Some(key) = &column.key {
                pairs.extend(self.master.pairs_of(key));
            }
        }
        pairs.sort_unstable();
        pairs
    }

    /// Whether an LP optimum, rounded, fell short of the bound and its split rows had to be
    /// settled ([`MasterLp::split_rows_plan`]): then the residual program's own LP relaxation
    /// (weaker than the master's: a shared seat is a row, not a pattern) is fractional too,
    /// and HiGHS's branch and cut is the way to its optimum (see `mip::Known::Residual`). An
    /// LP optimum that takes a few columns in part but whose rounding meets the bound (the
    /// district's) leaves a residual whose relaxation is integral.
    pub(super) fn split_rows_met(&self) -> bool {
        self.split_rows_met.get()
    }

    /// Whether the last call reached the whole master's optimum (see the field).
    pub(super) fn converged(&self) -> bool {
        self.converged
    }

    /// Needs the last optimal LP solution covers at each level, urgent first (in part where
    /// it takes columns in part).
    pub(super) fn lp_coverage(&self) -> [f64; 4] {
        let mut out = [0.0; 4];
        for (column, &x) in self.master.columns.iter().zip(&self.primal) {
            if column.key.is_some() && x > 0.0 {
                for (level, &units) in out.iter_mut().zip(&column.tier_value) {
                    *level += x * units;
                }
            }
        }
        out
    }

    /// Undoes the last call's optimal faces; every column gets its first tier's objective.
    fn reset_faces(&mut self) -> Option<()> {
        self.lp.alive().then_some(())?;
        for (j, d) in self.dropped.iter_mut().enumerate() {
            if *d {
                let upper = self.master.columns[j].upper;
                self.lp.change_col_bounds(j, 0.0, upper);
                if let Some(network) = self.network.as_mut() {
                    network.set_column_upper(j, upper);
                }
                *d = false;
            }
        }
        for &r in &self.tight {
            let (lo, hi) = self.master.bounds[r];
            self.lp.change_row_bounds(r, lo, hi);
            if let Some(network) = self.network.as_mut() {
                network.hold_row(r, false);
            }
        }
        self.tight.clear();
        self.master.tie_break = 0.0;
        self.set_costs(0)
    }

    /// Every column's objective in `tier`'s units: the columns in the LP, not the pending
    /// ones (they get theirs when flushed). HiGHS refuses the whole call when the range runs
    /// past its last column, so passing the pending too left a later call's first tier at the
    /// last call's fit costs.
    fn set_costs(&mut self, tier: usize) -> Option<()> {
        let tie_break = self.master.tie_break;
        let in_lp = &self.master.columns[..self.master.in_lp()];
        let costs: Vec<f64> = in_lp
            .iter()
            .enumerate()
            .map(|(j, column)| column.cost(tier, tie_break, j))
            .collect();
        if let Some(network) = self.network.as_mut() {
            for (j, &cost) in costs.iter().enumerate() {
                network.set_cost(j, cost);
            }
        }
        self.lp.change_all_col_costs(&costs).then_some(())
    }

    /// New columns: the plan (the LP starts at least as good as it) and the best choices at
    /// the starting prices.
    fn offer_start(&mut self, start: &Bound, incumbent: &[(NeedIx, MentorIx)]) -> Option<()> {
        self.offer_plan(incumbent);
        let master = &mut self.master;
        master.offer_best(start, SINGLES_AT_START);
        master.flush(&mut self.lp, self.network.as_mut(), 0)?;
        self.dropped.resize(master.columns.len(), false);
        Some(())
    }

    /// Column generation within one tier: solve the LP, evaluate the exact bound at its
    /// duals (keeping the tightest in `run`), add the columns that price out, until none does.
    /// A tie-broken tier then solves once more at its own costs (and prices again from
    /// there). Returns the tier's duals, or `Stopped` when the LP did not reach its optimum
    /// at the tier's own costs.
    fn solve_tier(
        &mut self,
        tier: usize,
        unit: f64,
        settled: &[Cost],
        incumbent_value: Cost,
        run: &mut Prices,
    ) -> Option<TierEnd> {
        let until: Until = self.lp.deadline();
        let base = self.master.pricing;
        let m_count = base.problem.mentors.len();
        let threshold = (TOLERANCE * unit) as Cost;
        let mut y: Vec<f64> = vec![0.0; settled.len()];
        let mut solves = 0;
        let varied_fits = tier == TIERS - 1 && self.master.fits_varied();
        // Columns the last pricing round added (the next re-solve's cap).
        let mut added = 0;
        // The iterations of this tier's first (perturbed) solve: what a perturbed re-solve
        // costs, and so the least an unperturbed one may take before it is stopped.
        let mut perturbed_cost: i32 = 0;
        // The row prices the last evaluation of the bound was made at (see below).
        let mut evaluated_at: Option<Vec<Cost>> = None;
        // The fit tier's solves in a row that left the bound where it was (see
        // [`FIT_STALL_SOLVES`]), counted once a solve has tightened it at all (the tail).
        let mut stalled: u32 = 0;
        let mut tail = false;
        let (stall_solves, stall_units) = self.fit_stall;
        loop {
            if until.passed() {
                // Duals at the tie-broken costs are not the tier's prices.
                if self.master.tie_break > 0.0 && solves > 0 {
                    return Some(TierEnd::Stopped);
                }
                break;
            }
            let enough = solves >= self.max_iterations || run.bound.value <= incumbent_value;
            if enough {
                if self.master.tie_break == 0.0 || solves == 0 {
                    break;
                }
                self.untie(tier)?;
            }
            solves += 1;
            run.iterations += 1;
            let lp_started = std::time::Instant::now();
            // The fit tier's re-solves run unperturbed, under a cap on their iterations (see
            // [`FIT_RESOLVE_CAP_PER_COLUMN`]); a re-solve stopped by the cap goes on perturbed,
            // and after [`CAPPED_RESOLVES_IN_A_ROW`] such in a row every later one is.
            let capped =
                varied_fits && solves > 1 && self.capped_in_a_row < CAPPED_RESOLVES_IN_A_ROW;
            let cap = if capped {
                self.fit_resolve_cap
                    .unwrap_or_else(|| fit_resolve_cap(added).max(perturbed_cost))
            } else {
                i32::MAX
            };
            let mut capped_iterations = 0;
            if tier + 1 == TIERS && solves == 1 {
                self.start_fit_from_network();
            }
            let mut solved = match self.solve_on_network(tier, until) {
                Some(run) => run,
                None => {
                    // (After the network copy is dropped mid-tier, the tie-break may be on.)
                    let perturbed = self.master.tie_break == 0.0 && !capped;
                    self.lp.set_perturbation(perturbed);
                    self.lp.set_iteration_limit(cap);
                    self.lp.solve()?
                }
            };
            if capped && solved.end != LpEnd::IterationLimit {
                self.capped_in_a_row = 0;
            }
            if capped && solved.end == LpEnd::IterationLimit {
                capped_iterations = solved.iterations;
                self.capped_resolves += 1;
                self.capped_in_a_row += 1;
                tracing::debug!(
                    tier,
                    iterations = capped_iterations,
                    "seat sharing: the fit tier's unperturbed re-solve met its cap; finished perturbed"
                );
                self.lp.set_perturbation(true);
                self.lp.set_iteration_limit(i32::MAX);
                solved = self.lp.solve()?;
            }
            let optimal = solved.end == LpEnd::Optimal;
            if optimal {
                y.copy_from_slice(&solved.duals);
                self.primal = solved.columns;
                unbox_prices(
                    &self.master.columns,
                    &self.dropped,
                    self.master.kept_row,
                    tier,
                    &mut y,
                );
            } else {
                tracing::debug!(status = %solved.status, tier, "seat sharing: master LP stopped");
            }
            let lp_iterations = capped_iterations + solved.iterations;
            if solves == 1 {
                perturbed_cost = i32::try_from(lp_iterations).unwrap_or(i32::MAX);
            }
            if !optimal {
                return Some(TierEnd::Stopped);
            }
            let lp_ms = lp_started.elapsed().as_secs_f64() * 1e3;
            let bound_started = std::time::Instant::now();
            let prices: Vec<Cost> = (0..settled.len())
                .map(|r| settled[r] + packed(y[r], unit))
                .collect();
            // A re-solve that left every row's price where the last evaluation found it (the
            // columns that round made took no pivot: they price out at the LP's optimum) would
            // evaluate the same bound and offer the same columns, all made already: the tier
            // is priced out. Skipping that scan of every pair is exact (at 4,000x1,000 three
            // of the master's sixteen evaluations were such repeats).
            if self.master.tie_break == 0.0 && evaluated_at.as_deref() == Some(prices.as_slice()) {
                tracing::trace!(
                    tier,
                    lp_ms,
                    lp_iterations,
                    "seat sharing: master re-solve left the prices as they were"
                );
                return Some(TierEnd::Solved(y, true));
            }
            let mu: Vec<Cost> = prices[..m_count].iter().map(|&p| p.max(0)).collect();
            // The kept row is a lower bound: its price is the bonus, negated.
            let bonus = self
                .master
                .kept_row
                .map_or(0, |r| (-prices[r]).clamp(0, MAX_BONUS));
            let pricing = Pricing {
                mu: &mu,
                bonus,
                ..*base
            };
            // The bound, and the singles to offer at its prices, in one scan of the pairs.
            let wanted = Best {
                k: SINGLES_PER_ROUND,
                needs: &self.master.has_row,
            };
            let (evaluated, best) = lagrangian_and_best(&pricing, self.master.sharing, &wanted);
            let before = self.master.columns.len();
            let made = self
                .master
                .offer_found(&evaluated, best, Some(&prices), threshold);
            tracing::trace!(
                tier,
                made,
                lp_ms,
                lp_iterations,
                bound_ms = bound_started.elapsed().as_secs_f64() * 1e3,
                gap_needs =
                    evaluated.value.saturating_sub(incumbent_value) as f64 / ONE_NEED as f64,
                tightened_points =
                    run.bound.value.saturating_sub(evaluated.value).max(0) as f64 / base.fit_scale,
                "seat sharing: master iteration"
            );
            added = made;
            evaluated_at = Some(prices);
            if tier + 1 == TIERS {
                let tightened = run.bound.value.saturating_sub(evaluated.value);
                tail |= tightened > 0;
                stalled = if !tail {
                    0
                } else if tightened < stall_units {
                    stalled + 1
                } else {
                    0
                };
            }
            if evaluated.value < run.bound.value {
                run.bound = evaluated;
            }
            if made == 0 {
                if self.master.tie_break > 0.0 {
                    self.untie(tier)?;
                    continue;
                }
                return Some(TierEnd::Solved(y, true));
            }
            // Whether this coverage tier, on HiGHS and untied, may end here: no column made
            // improves the LP as it stands (at the tier's own costs), only the packed value's
            // later digits (see below).
            let unimproving = self.master.tie_break == 0.0
                && self.network.is_none()
                && tier + 1 < TIERS
                && self.end_unimproving
                && !self.master.columns[before..]
                    .iter()
                    .any(|column| column.reduced(tier, &y) > TOLERANCE);
            // The columns made go into the LP even when this was the tier's last solve: the
            // next tier's face reads every column.
            self.master
                .flush(&mut self.lp, self.network.as_mut(), tier)?;
            self.dropped.resize(self.master.columns.len(), false);
            if unimproving {
                // Each column made prices at most zero at these prices in this coverage tier
                // (it was made for its fit, a later tier's digit), so the LP's optimum (its
                // values, with the new columns at zero) and these prices stay optimal with
                // them: a re-solve would leave the prices as they were. HiGHS, whose own
                // prices are not lifted off the columns' bounds (see [`unbox_prices`]), may
                // still pivot through them, perturbed: 14 k iterations (1.8 s of an 8.5 s
                // master) in the low tier of a many-needs school (`generate --students 2500
                // --mentors 650 --seed 81`, `manyneeds.py … 2 84`). The re-solve runs with no
                // pivot allowed, so that HiGHS's state (its factor and edge weights with the
                // new columns) is what a re-solve without a pivot leaves, and the tiers after
                // take the same path where it took none; its end is not read. Not in the fit
                // tier: there the re-solve's other vertex of the same optimum is what the
                // rounding reads (`generate --students 6000 --mentors 1600 --seed 82`: an
                // integral vertex, proven at once, against a residual program's 0.3 s).
                self.lp.set_perturbation(true);
                self.lp.set_iteration_limit(0);
                let _ = self.lp.solve();
                self.lp.set_iteration_limit(i32::MAX);
                self.primal.resize(self.master.columns.len(), 0.0);
                self.unimproving_ends += 1;
                tracing::trace!(
                    tier,
                    made,
                    "seat sharing: the columns made leave the tier's optimum as it was"
                );
                return Some(TierEnd::Solved(y, true));
            }
            if enough {
                break;
            }
            if stalled >= stall_solves {
                tracing::debug!(
                    tier,
                    solves,
                    "seat sharing: the fit tier's bound stalled; the tier ends short of its LP optimum"
                );
                // The last solve's optimum, with this round's columns at zero, is a plan of the
                // LP as it now stands: what the rounding and the split rows read.
                self.primal.resize(self.master.columns.len(), 0.0);
                break;
            }
        }
        Some(TierEnd::Solved(y, false))
    }

    /// Whether plan `pairs`, a few packed units short of the master's bound, or the LP's own
    /// optimum, is optimal (which one: [`Proof`]): the fit tier is solved again at
    /// [`SHARP_DUAL_TOLERANCE`] (by `until`) and its prices read exactly.
    /// Only after a call that reached the fit tier (the LP then still holds the fit tier's
    /// costs, on the coverage tiers' faces).
    ///
    /// Why: on the generated schools the next round's plan is often optimal while the bound
    /// stays a few dozen packed units above it, and the residual integer program ran only to
    /// close that (at 4,000x1,000: 47 units, 5,982 pairs, ~0.1 s). Two things leave those
    /// units, neither the plan's fault:
    /// - HiGHS calls a basis optimal while reduced costs sit up to its dual tolerance (1e-7
    ///   points, ~6 units there) on the wrong side, and the exact bound counts each such
    ///   column's student at that slack. From the optimal basis a tighter solve takes a few
    ///   dozen iterations.
    /// - The LP's optimal prices are fractions of a unit where side columns are basic (there a
    ///   third to a half of the rows at an odd number of halves), and the exact bound rounds
    ///   each. With every fit counted `q` times (`q` the prices' common denominator, at most
    ///   [`MAX_PRICE_DENOMINATOR`]) they are whole units, and that problem's exact bound is
    ///   evaluated as every bound is. Its plans are this problem's: the coverage digits are
    ///   the same, and `q` times any plan's fit stays below one need. So a plan worth that
    ///   bound is optimal here.
    ///
    /// Exact whatever the floats are (every bound is valid at any prices; a misread
    /// denominator only leaves it loose). Where the bound at the exact prices finds patterns
    /// the LP lacks, they join it and the LP is solved again, [`SHARP_ROUNDS`] times at most.
    /// Where the sharper solve ends on another vertex that is itself a plan (integral) worth
    /// that bound, that plan is proven instead ([`Proof::Own`]): the plan given was a few
    /// units short of the LP's own optimum. None where nothing is proven, and with a kept
    /// row; with a negative score (outside the argument above) the prices are rounded to
    /// whole units, and only the tighter tolerance can close the gap.
    pub(super) fn proves(&mut self, pairs: &[(NeedIx, MentorIx)], until: Until) -> Option<Proof> {
        let base = self.master.pricing;
        if base.row.is_some() || self.fit_settled.is_none() {
            return None;
        }
        // Fits counted more than once only where none is negative (see above).
        let max_q = if base.all.has_negative_score() {
            1
        } else {
            MAX_PRICE_DENOMINATOR
        };
        let started = std::time::Instant::now();
        self.lp.set_deadline(until);
        self.lp.set_dual_tolerance(SHARP_DUAL_TOLERANCE);
        // From the optimal basis: unperturbed (a perturbation is drawn afresh over the whole
        // LP), under the fit tier's re-solve cap, which a stalled solve ends at.
        self.lp.set_perturbation(false);
        let mut made = 0;
        let mut proven = None;
        for round in 0..SHARP_ROUNDS {
            if until.passed() {
                break;
            }
            self.lp.set_iteration_limit(fit_resolve_cap(made));
            let Some(read) = self.read_exactly(pairs, max_q) else {
                break;
            };
            let made_now = read.made;
            tracing::debug!(
                round,
                gap_units = read.gap,
                own_plan = read.own.is_some(),
                made = made_now,
                ms = started.elapsed().as_secs_f64() * 1e3,
                "seat sharing: the fit tier's prices read exactly"
            );
            if read.gap <= 0.0 {
                proven = Some(Proof::Given);
                break;
            }
            if let Some(own) = read.own {
                proven = Some(Proof::Own(own));
                break;
            }
            let flushed = self
                .master
                .flush(&mut self.lp, self.network.as_mut(), TIERS - 1);
            if made_now == 0 || flushed.is_none() {
                break;
            }
            made = made_now;
            self.dropped.resize(self.master.columns.len(), false);
        }
        self.lp.set_dual_tolerance(DEFAULT_DUAL_TOLERANCE);
        self.lp.set_iteration_limit(i32::MAX);
        proven
    }

    /// One solve of [`MasterLp::proves`]; None when the LP did not reach its optimum.
    fn read_exactly(&mut self, pairs: &[(NeedIx, MentorIx)], max_q: i64) -> Option<ExactRead> {
        let base = self.master.pricing;
        let settled = self.fit_settled.as_ref()?;
        let solved = self.lp.solve().filter(|s| s.end == LpEnd::Optimal)?;
        // Only the mentors' rows are the bound's prices (the first rows; the students' and
        // needs' rows, which `unbox_prices` would lift, it works out itself), so only their
        // denominator counts.
        let units: Vec<f64> = solved.duals[..settled.len()]
            .iter()
            .map(|&v| v * base.fit_scale)
            .collect();
        // Prices beyond the denominators read exactly are rounded: still a bound.
        let q = common_denominator(&units)
            .filter(|&q| q <= max_q)
            .unwrap_or(1);
        let mu: Vec<Cost> = settled
            .iter()
            .zip(&units)
            .map(|(&s, &u)| (s + (u * q as f64).round() as Cost).max(0))
            .collect();
        let pricing = Pricing {
            mu: &mu,
            fit_times: q,
            bonus: 0,
            ..*base
        };
        let wanted = Best {
            k: SINGLES_PER_ROUND,
            needs: &self.master.has_row,
        };
        let (evaluated, best) = lagrangian_and_best(&pricing, self.master.sharing, &wanted);
        let gap = evaluated.value.saturating_sub(pricing.plan_value(pairs)) as f64 / q as f64;
        // The LP's own plan, where its optimum here is one (integral) and worth the bound:
        // the sharper solve can end on another vertex than the plan given, worth a few units
        // more.
        let own = (gap > 0.0)
            .then(|| self.master.integral_plan(&solved.columns))
            .flatten()
            .filter(|own| {
                pricing.plan_value(own) >= evaluated.value
                    && verify::verify(base.problem, own).is_ok()
            });
        // The exact best patterns: those the LP lacks (rounded prices can hide them).
        let made = if gap > 0.0 && own.is_none() {
            self.master.offer_found(&evaluated, best, None, 0)
        } else {
            0
        };
        Some(ExactRead { gap, made, own })
    }

    /// HiGHS starts the fit tier from the network's last basis (the low tier's optimum, on
    /// the faces HiGHS holds too), not from its own: it has not solved this call's coverage
    /// tiers. The network first polishes that basis for fit with its cheap pivots
    /// ([`NetworkTiers::polish`]); the costs are already the fit tier's.
    fn start_fit_from_network(&mut self) {
        if let Some(network) = self.network.as_mut() {
            network.polish();
            start_from_network(&mut self.lp, network);
        }
    }

    /// The network copy is dropped mid-tier: HiGHS goes on from its basis (feasible, and
    /// nearer this tier's optimum than anything HiGHS has: it has solved no tier of this
    /// call), with this tier's tie-break as HiGHS's own path has it. From a slack basis and
    /// without the tie-break, the normal tier of a school scored by caller affinities took
    /// 98 k iterations, 4.4 s, against 15 k on HiGHS's own path.
    fn hand_over_to_highs(&mut self, tier: usize) {
        let Some(network) = self.network.take() else {
            return;
        };
        start_from_network(&mut self.lp, &network);
        if TIE_BROKEN_TIERS.contains(&tier) {
            self.master.tie_break = self.tie_break_weight;
            // Only a gone model fails here; its next solve says so.
            let _ = self.set_costs(tier);
        }
    }

    /// A coverage tier's solve on the network copy of the LP, as HiGHS would report it; None
    /// for the fit tier, without a network copy, or when the network could not finish (the
    /// copy is then dropped, and HiGHS solves from here on).
    fn solve_on_network(&mut self, tier: usize, until: Until) -> Option<LpRun> {
        if tier + 1 == TIERS {
            return None;
        }
        let network = self.network.as_mut()?;
        let Some(run) = network.solve(until) else {
            if until.passed() {
                return Some(LpRun {
                    end: LpEnd::Stopped,
                    status: "network: time limit".to_string(),
                    feasible: false,
                    objective: 0.0,
                    iterations: 0,
                    duals: Vec::new(),
                    columns: Vec::new(),
                });
            }
            tracing::debug!(
                tier,
                "seat sharing: the network copy of the master dropped; HiGHS goes on"
            );
            self.hand_over_to_highs(tier);
            return None;
        };
        Some(LpRun {
            end: LpEnd::Optimal,
            status: "network: optimal".to_string(),
            feasible: true,
            objective: 0.0,
            iterations: i64::try_from(run.pivots).unwrap_or(i64::MAX),
            duals: run.duals,
            columns: run.columns,
        })
    }

    /// The tier's own costs, without the tie-break, for its last solves.
    fn untie(&mut self, tier: usize) -> Option<()> {
        self.master.tie_break = 0.0;
        self.set_costs(tier)
    }

    /// The tier's optimal face for the tiers after it: columns of negative reduced cost out,
    /// rows with a price held tight; the tier's prices join `settled`.
    fn hold_face(&mut self, tier: usize, y: &[f64], unit: f64, settled: &mut [Cost]) -> Option<()> {
        self.lp.alive().then_some(())?;
        for (j, column) in self.master.columns.iter().enumerate() {
            let reduced = column.reduced(tier, y);
            if !self.dropped[j] && reduced < -TOLERANCE {
                self.dropped[j] = true;
                self.lp.change_col_bounds(j, 0.0, 0.0);
                if let Some(network) = self.network.as_mut() {
                    network.set_column_upper(j, 0.0);
                }
            }
        }
        for (r, price) in settled.iter_mut().enumerate() {
            if y[r].abs() > TOLERANCE {
                // Tight at its finite bound (the kept row's price is negative).
                let (lo, hi) = self.master.bounds[r];
                let at = if lo.is_finite() { lo } else { hi };
                self.lp.change_row_bounds(r, at, at);
                if let Some(network) = self.network.as_mut() {
                    network.hold_row(r, true);
                }
                self.tight.push(r);
            }
            *price += packed(y[r], unit);
        }
        tracing::trace!(
            tier,
            dropped = self.dropped.iter().filter(|d| **d).count(),
            columns = self.dropped.len(),
            tight = self.tight.len(),
            "seat sharing: face held"
        );
        Some(())
    }
}

/// The column for `key` unless `seen` has it (then it has).
fn new_column(master: &Master<'_>, seen: &mut HashSet<Key>, key: Key) -> Option<Column> {
    if !seen.insert(key.clone()) {
        return None;
    }
    master.column(&key)
}

/// `columns` into the floored LP (see [`MasterLp::floored_bound`]): tier `objective`'s value
/// (fit, or a level's coverage) as the objective, each of the first `fixed` levels' coverage on
/// its floor row (from `first_floor`), no upper bound (its own row holds it at one, and keeps
/// every price on a row).
fn add_floored<'c>(
    lp: &mut Lp,
    columns: impl Iterator<Item = &'c Column>,
    first_floor: usize,
    fixed: usize,
    objective: usize,
) -> Option<()> {
    let (mut costs, mut starts, mut rows, mut values) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for column in columns {
        costs.push(column.tier_value[objective]);
        starts.push(rows.len());
        for (r, units) in column.entries() {
            rows.push(r);
            values.push(units);
        }
        for (l, &units) in column.tier_value[..fixed].iter().enumerate() {
            if units != 0.0 {
                rows.push(first_floor + l);
                values.push(units);
            }
        }
    }
    starts.push(rows.len());
    let uppers = vec![f64::INFINITY; costs.len()];
    lp.add_columns(&costs, &uppers, &starts, &rows, &values)
        .then_some(())
}

/// How a tier's column generation ended.
enum TierEnd {
    /// The tier's row duals at its LP optimum over the columns it has; true when no column
    /// prices out (the optimum of the whole master's tier), false when the iterations ran out
    /// or the bound already met the plan.
    Solved(Vec<f64>, bool),
    /// The LP stopped short (the deadline): no more tiers.
    Stopped,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Problem;
    use crate::solver::side::KeptRow;

    #[test]
    fn highs_prices_a_maximisations_rows_non_negative() {
        // max 2x + 3y, x + y <= 1: the row's price is 3.
        let mut lp = Lp::maximise(&[(f64::NEG_INFINITY, 1.0)], Until::far());
        let unbounded = [f64::INFINITY; 2];
        assert!(lp.add_columns(&[2.0, 3.0], &unbounded, &[0, 1, 2], &[0, 0], &[1.0, 1.0]));
        let solved = lp.solve().expect("HiGHS solves it");
        assert_eq!(solved.end, LpEnd::Optimal);
        let y = solved.duals[0];
        assert!((y - 3.0).abs() < 1e-9, "row dual {y}");
    }

    /// Columns bounded at 1 let HiGHS put a bound's price on the column instead of on its
    /// row; the prices read back must be the row's own, with every reduced cost `≤ 0` and the
    /// dual objective at the LP's optimum.
    #[test]
    fn prices_of_bounded_columns_are_moved_onto_their_rows() {
        // max 2a + 3b + c + 5d: a and b on need row 0, c on need row 1, d alone on need row 3;
        // a, b and c take mentor row 2 (capacity 2). Optimum 9 (b, c, d). The simplex leaves d
        // at its bound of 1 with row 3 slack-basic: its price sits on the column.
        let column = |value: f64, rows: Vec<usize>| Column {
            tier_value: [value; TIERS],
            rows,
            value: 0,
            upper: 1.0,
            key: None,
        };
        let columns = [
            column(2.0, vec![2, 0]),
            column(3.0, vec![2, 0]),
            column(1.0, vec![2, 1]),
            column(5.0, vec![3]),
        ];
        let open = f64::NEG_INFINITY;
        let mut lp = Lp::maximise(
            &[(open, 1.0), (open, 1.0), (open, 2.0), (open, 1.0)],
            Until::far(),
        );
        let costs: Vec<f64> = columns.iter().map(|c| c.tier_value[0]).collect();
        let uppers: Vec<f64> = columns.iter().map(|c| c.upper).collect();
        let mut starts = vec![0];
        let mut rows: Vec<usize> = Vec::new();
        for c in &columns {
            rows.extend(&c.rows);
            starts.push(rows.len());
        }
        let values = vec![1.0; rows.len()];
        assert!(lp.add_columns(&costs, &uppers, &starts, &rows, &values));
        let solved = lp.solve().expect("HiGHS solves it");
        assert_eq!(solved.end, LpEnd::Optimal);
        let mut y = solved.duals;
        let reduced = |y: &[f64], c: &Column| c.reduced(0, y);
        let dual = |y: &[f64]| y[0] + y[1] + 2.0 * y[2] + y[3];
        // As HiGHS answers, some column's bound holds a price (else this test shows nothing).
        assert!(columns.iter().any(|c| reduced(&y, c) > 1e-6), "{y:?}");
        unbox_prices(&columns, &[false; 4], None, 0, &mut y);
        for c in &columns {
            assert!(
                reduced(&y, c) <= 1e-9,
                "reduced cost {} at {y:?}",
                reduced(&y, c)
            );
        }
        assert!(y.iter().all(|&p| p >= -1e-9), "{y:?}");
        assert!(
            (dual(&y) - 9.0).abs() < 1e-9,
            "dual objective {} at {y:?}",
            dual(&y)
        );
    }

    /// The test school (`test_school`) with S1's English need urgent and S2 locked to T1, the
    /// one teacher of English: T1's one seat is S2's whatever S2's pattern, so no plan covers
    /// the urgent need; the optimum is S1's math with T2 and S2's with T1.
    fn school_with_t1_locked() -> (crate::domain::model::Validated, Vec<(NeedIx, MentorIx)>) {
        let mut json = crate::test_school::json();
        json["students"][0]["needs"][1]["priority"] = "PRIORITY_URGENT".into();
        json["lockedPairs"] = serde_json::json!([{"studentId": "S2", "mentorId": "T1"}]);
        let problem = crate::test_school::problem(json);
        let t = |id: &str| problem.mentor_ix(id).expect("mentor");
        let need = |student: usize, id: &str| {
            (0..problem.needs.len())
                .find(|&n| {
                    problem.needs[n].student as usize == student && problem.needs[n].id == id
                })
                .expect("need") as NeedIx
        };
        let optimum = vec![(need(0, "N1"), t("T2")), (need(1, "N1"), t("T1"))];
        (problem, optimum)
    }

    /// Runs `f` with the master's inputs for `problem` (as [`with_school_master`] does).
    fn with_master_of(problem: &Problem, f: impl FnOnce(&Pricing<'_>, &Sharing, &Bound, Until)) {
        use crate::rules::Candidates;
        let all = Candidates::of_problem(problem);
        let need_of = super::super::bound::need_of(problem, &all);
        let sharing = Sharing::build(problem, &all, crate::solver::side::EXACT_WORK_BUDGET);
        let fit_scale = flow::fit_scale_for(problem, &all);
        let fits = super::super::bound::quantised_fits(&all, fit_scale);
        let base = Pricing::of_values(problem, &all, &need_of, fit_scale, &fits, None);
        let zero = vec![0; problem.mentors.len()];
        let start = lagrangian(&Pricing { mu: &zero, ..base }, &sharing);
        f(&base, &sharing, &start, Until::far());
    }

    /// A locked student's seat is charged in its mentor's row, not by its patterns. T1 (English
    /// and math) has two seats, one locked to S2; S1 and S3 each have an urgent English need,
    /// so one of them at most is covered. In the patterns' rows, S2 taking no pattern at all
    /// left its seat to the other: an LP optimum an urgent need above every plan.
    #[test]
    fn a_locked_seat_is_taken_whatever_its_students_pattern() {
        let mut json = crate::test_school::json();
        json["students"][0]["needs"][1]["priority"] = "PRIORITY_URGENT".into();
        let mut s3 = json["students"][0].clone();
        s3["id"] = "S3".into();
        json["students"].as_array_mut().expect("students").push(s3);
        json["mentors"][0]["capacity"] = 2.into();
        json["lockedPairs"] = serde_json::json!([{"studentId": "S2", "mentorId": "T1"}]);
        let problem = crate::test_school::problem(json);
        let t1 = problem.mentor_ix("T1").expect("T1");
        let s2_math = (0..problem.needs.len())
            .find(|&n| problem.needs[n].student == 1)
            .expect("S2's need") as NeedIx;
        let locked = vec![(s2_math, t1)];
        with_master_of(&problem, |base, sharing, start, deadline| {
            let mut lp = MasterLp::new(base, sharing, deadline, false);
            lp.prices(
                start.clone(),
                &locked,
                base.plan_value(&locked),
                TIERS,
                deadline,
            )
            .expect("the master solves");
            let urgent = lp.lp_coverage()[0];
            assert!(urgent <= 1.0 + 1e-9, "{urgent} urgent needs covered");
        });
    }

    /// A mentor whose every seat is locked is priced out of the bound at any prices: at zero
    /// prices T1 was free to S1's urgent English, a bound an urgent need above the optimum.
    #[test]
    fn a_mentor_whose_every_seat_is_locked_is_priced_out_of_the_bound() {
        let (problem, optimum) = school_with_t1_locked();
        with_master_of(&problem, |base, _, start, _| {
            let t1 = problem.mentor_ix("T1").expect("T1") as usize;
            assert_eq!(start.mu[t1], super::super::sharing::FULL_SEAT_PRICE);
            assert_eq!(
                start.value,
                base.plan_value(&optimum),
                "the bound is the optimum"
            );
        });
    }

    /// Runs `f` with the master's inputs for a generated 300x70 school: the pairs' values,
    /// the shared seats, the bound at zero prices as the start, and a distant deadline.
    fn with_school_master(f: impl FnOnce(&Pricing<'_>, &Sharing, &Bound, Until)) {
        with_school_master_and_row(|_, _, _| None, f);
    }

    /// [`with_school_master`] with the kept row `row` makes from the problem, its candidates
    /// and each candidate's need (the fit scale then leaves room for the row's bonus).
    fn with_school_master_and_row(
        row: impl FnOnce(&Problem, &crate::rules::Candidates, &[NeedIx]) -> Option<KeptRow>,
        f: impl FnOnce(&Pricing<'_>, &Sharing, &Bound, Until),
    ) {
        use crate::rules::Candidates;
        use crate::solver::side::{bonus_cap, lagrangian};
        use std::time::{Duration, Instant};
        let problem = crate::admit::validate(crate::generate::generate_with(300, 70, 1, false))
            .expect("valid");
        let all = Candidates::of_problem(&problem);
        let need_of = super::super::bound::need_of(&problem, &all);
        let row = row(&problem, &all, &need_of);
        let cap = row.as_ref().map_or(0.0, |_| bonus_cap(&problem, &all));
        let sharing = Sharing::build(&problem, &all, crate::solver::side::EXACT_WORK_BUDGET);
        let fit_scale = flow::fit_scale_with(&problem, &all, cap);
        let fits = super::super::bound::quantised_fits(&all, fit_scale);
        let base = Pricing::of_values(&problem, &all, &need_of, fit_scale, &fits, row.as_ref());
        let zero = vec![0; problem.mentors.len()];
        let start = lagrangian(&Pricing { mu: &zero, ..base }, &sharing);
        let deadline = Until {
            at: Instant::now() + Duration::from_secs(120),
            stop: None,
        };
        f(&base, &sharing, &start, deadline);
    }

    /// The master of [`with_school_master`]'s school after one call over every tier from
    /// `start`, with what the call returned.
    fn solved_master<'a>(
        base: &'a Pricing<'a>,
        sharing: &'a Sharing,
        start: &Bound,
        deadline: Until,
    ) -> (MasterLp<'a>, Prices) {
        let mut lp = MasterLp::new(base, sharing, deadline, false);
        let run = lp
            .prices(start.clone(), &[], Cost::MIN, TIERS, deadline)
            .expect("the master solves");
        (lp, run)
    }

    #[test]
    fn a_shared_seat_holds_what_searching_the_other_needs_finds() {
        with_school_master(|pricing, sharing, _, _| {
            let (problem, all) = (pricing.problem, pricing.all);
            let mut seats_seen = 0;
            for (s, student) in problem.students.iter().enumerate() {
                for (i, n) in student.needs().enumerate() {
                    for c in all.of_need(n) {
                        let m = all.mentors[c];
                        let seat = sharing
                            .of_student(s)
                            .find(|&j| sharing.seats[j].mentor == m);
                        let read = seat.map_or_else(Vec::new, |j| {
                            seats_seen += 1;
                            super::super::residual::others_on_seat(pricing, sharing, j, i)
                        });
                        assert_eq!(read, pricing.others_at(s, i, m), "student {s}, need {i}");
                    }
                }
            }
            assert!(
                seats_seen > 100,
                "the school has shared seats: {seats_seen}"
            );
        });
    }

    #[test]
    fn one_scan_finds_each_needs_best_singles_and_the_bound() {
        with_school_master(|base, sharing, start, deadline| {
            // Realistic prices: the converged master's, many seats priced.
            let (_, run) = solved_master(base, sharing, start, deadline);
            let mu = run.bound.mu;
            assert!(
                mu.iter().filter(|&&p| p > 0).count() > 10,
                "seats are priced"
            );
            let at = Pricing { mu: &mu, ..*base };
            let marked: Vec<bool> = (0..base.problem.needs.len()).map(|n| n % 3 != 0).collect();
            let k = 3;
            let (bound, best) = lagrangian_and_best(&at, sharing, &Best { k, needs: &marked });
            // Collecting them leaves the bound as it is without them.
            let (alone, none) = lagrangian_and_best(&at, sharing, &Best::NONE);
            assert!(none.is_empty());
            assert_eq!((bound.value, &bound.singles), (alone.value, &alone.singles));
            // Each need's pairs, best first, ties in mentor order, worth more than staying out.
            let mut expected: Vec<u32> = Vec::new();
            for (n, &on) in marked.iter().enumerate() {
                let mut ranked: Vec<(Cost, usize)> = base
                    .all
                    .of_need(n as NeedIx)
                    .map(|c| (at.value(c) - mu[base.all.mentors[c] as usize], c))
                    .filter(|&(v, _)| v > 0)
                    .collect();
                ranked.sort_by_key(|&(v, c)| (std::cmp::Reverse(v), c));
                let single = ranked
                    .first()
                    .map_or((0, MentorIx::MAX), |&(v, c)| (v, base.all.mentors[c]));
                assert_eq!(bound.singles[n], single, "need {n}'s best single");
                if on {
                    expected.extend(ranked.iter().take(k).map(|&(_, c)| c as u32));
                }
            }
            assert!(expected.len() > marked.len(), "several singles per need");
            assert_eq!(best, expected);
        });
    }

    /// The master's bound with the tie-break and without it, each converged to the LP's
    /// optimum and tighter than the start (with a kept row, the row binding), in score points
    /// apart.
    fn tie_break_bounds_apart(
        base: &Pricing<'_>,
        sharing: &Sharing,
        start: &Bound,
        deadline: Until,
    ) -> f64 {
        let bound = |broken: bool| {
            let mut lp = MasterLp::new(base, sharing, deadline, base.row.is_some());
            // The tie-break is HiGHS's, for the tiers it solves.
            lp.network = None;
            assert!(lp.tie_break_weight > 0.0, "the tie-break is on");
            if !broken {
                lp.tie_break_weight = 0.0;
            }
            let run = lp
                .prices(start.clone(), &[], Cost::MIN, TIERS, deadline)
                .expect("the master solves");
            assert!(
                lp.converged(),
                "tie-break {broken}: the LP's optimum is reached"
            );
            assert!(
                run.bound.value < start.value,
                "tie-break {broken}: tighter than the start"
            );
            if base.row.is_some() {
                assert!(run.bound.bonus > 0, "tie-break {broken}: the row binds");
            }
            run.bound.value
        };
        let (with, without) = (bound(true), bound(false));
        (with - without).abs() as f64 / base.fit_scale
    }

    /// The tie-break changes how HiGHS reaches each tier's optimum, not the optimum: on a
    /// generated school the master reaches its LP's optimum with and without it, and the exact
    /// bound at its prices is the same (the LP's optimum, to float noise far below a point).
    #[test]
    fn the_tie_break_leaves_the_masters_bound_where_it_was() {
        with_school_master(|base, sharing, start, deadline| {
            let points = tie_break_bounds_apart(base, sharing, start, deadline);
            assert!(points < 1e-3, "bounds {points} points apart");
        });
    }

    /// The master's converged bound from each way of solving its coverage tiers: on the
    /// network copy (as solves run), on HiGHS (the copy dropped up front), and on the copy
    /// that gives up on its first solve (the master goes on with HiGHS). Each must reach the
    /// LP's optimum. Returns the bounds and whether the copy was still there at the end.
    fn bounds_by_engine(
        base: &Pricing<'_>,
        sharing: &Sharing,
        start: &Bound,
        deadline: Until,
    ) -> Vec<(Cost, bool)> {
        ["network", "highs", "network giving up", "network too dear"]
            .iter()
            .map(|&engine| {
                let mut lp = MasterLp::new(base, sharing, deadline, false);
                match engine {
                    "highs" => lp.network = None,
                    "network giving up" => lp.network.as_mut().expect("a copy").give_up_at_once(),
                    "network too dear" => lp
                        .network
                        .as_mut()
                        .expect("a copy")
                        .judge_every_work_too_dear(),
                    _ => {}
                }
                let run = lp
                    .prices(start.clone(), &[], Cost::MIN, TIERS, deadline)
                    .expect("the master solves");
                assert!(lp.converged(), "{engine}: the LP's optimum is reached");
                assert!(
                    run.bound.value < start.value,
                    "{engine}: tighter than the start"
                );
                (run.bound.value, lp.network.is_some())
            })
            .collect()
    }

    /// The coverage tiers on the network copy of the master give the bound HiGHS's give (the
    /// LP's optimum, to float noise far below a point), and so does a copy that fails, or
    /// whose pivots are judged too dear once it has refactored its working matrix, the master
    /// going on with HiGHS from the copy's last optimum; the copy stays in use when neither.
    #[test]
    fn the_network_tiers_give_the_bound_highs_gives() {
        with_school_master(|base, sharing, start, deadline| {
            let found = bounds_by_engine(base, sharing, start, deadline);
            assert!(found[0].1, "the network copy solved every coverage tier");
            assert!(
                !found[1].1 && !found[2].1 && !found[3].1,
                "no copy where dropped, given up or too dear"
            );
            for (engine, &(value, _)) in ["network", "network giving up", "network too dear"]
                .iter()
                .zip([&found[0], &found[2], &found[3]])
            {
                let points = (value - found[1].0).abs() as f64 / base.fit_scale;
                assert!(
                    points < 1e-3,
                    "{engine}: {points} points from HiGHS's bound"
                );
            }
        });
    }

    /// With a rematch's kept row too (its price, a bonus per kept seat, is read from the
    /// coverage tiers' duals, whose float noise once loosened the bound by a point): on a
    /// generated school whose row asks to keep 150 of 200 seats (each of the first 200
    /// students at the mentor of its first need's best pair), the master converges with and
    /// without the tie-break, at the same exact bound.
    #[test]
    fn the_tie_break_leaves_the_bound_with_a_kept_row_where_it_was() {
        let row = |problem: &Problem, all: &crate::rules::Candidates, need_of: &[NeedIx]| {
            let mut seats: Vec<(StudentIx, MentorIx)> = (0..200)
                .filter_map(|s| {
                    let n = problem.students[s].needs().next()?;
                    let best = all
                        .of_need(n)
                        .max_by(|&a, &b| all.scores[a].total_cmp(&all.scores[b]))?;
                    Some((s as StudentIx, all.mentors[best]))
                })
                .collect();
            seats.sort_unstable();
            seats.dedup();
            let on: Vec<bool> = (0..all.len())
                .map(|c| {
                    let s = problem.needs[need_of[c] as usize].student;
                    seats.binary_search(&(s, all.mentors[c])).is_ok()
                })
                .collect();
            Some(KeptRow {
                seats,
                on,
                at_least: 150,
            })
        };
        with_school_master_and_row(row, |base, sharing, start, deadline| {
            let points = tie_break_bounds_apart(base, sharing, start, deadline);
            assert!(points < 1e-3, "bounds {points} points apart");
        });
    }

    /// A tier that ends on its count of solves, its last solve (at its own costs, after the
    /// tie-break) still pricing columns out, leaves every column it made in the LP: the next
    /// tier's face reads them all (a 2,000-student school whose scores all tie panicked here,
    /// a column made but never added).
    #[test]
    fn a_tier_ended_by_its_count_leaves_the_master_whole() {
        with_school_master(|base, sharing, start, deadline| {
            for max_iterations in 1..=3 {
                let mut lp = MasterLp::new(base, sharing, deadline, false);
                lp.max_iterations = max_iterations;
                let run = lp
                    .prices(start.clone(), &[], Cost::MIN, TIERS, deadline)
                    .expect("the master solves");
                assert!(
                    !lp.converged(),
                    "{max_iterations} solves a tier: not converged"
                );
                assert!(
                    run.bound.value <= start.value,
                    "never looser than the start"
                );
                assert_eq!(lp.master.pending, 0, "every column made is in the LP");
                assert_eq!(lp.dropped.len(), lp.master.columns.len());
            }
        });
    }

    /// A fit tier ended by its stalled bound (here every solve counts as stalled) leaves the
    /// master whole, its last optimum read with the new columns at zero, and a bound never
    /// looser than the start. On this school it is no tighter than the converged master's:
    /// the LP's optimal duals give the tightest bound any prices give, up to the rounding of
    /// prices to packed units, so a bound tighter than that would be a wrong one.
    #[test]
    fn a_fit_tier_ended_by_its_stalled_bound_leaves_a_valid_bound_and_plan() {
        with_school_master(|base, sharing, start, deadline| {
            let (converged, full) = solved_master(base, sharing, start, deadline);
            assert!(converged.converged());
            for solves in 1..=2 {
                let mut lp = MasterLp::new(base, sharing, deadline, false);
                lp.fit_stall = (solves, Cost::MAX);
                let run = lp
                    .prices(start.clone(), &[], Cost::MIN, TIERS, deadline)
                    .expect("the master solves");
                assert!(!lp.converged(), "{solves}: the tier ended short");
                assert!(
                    run.bound.value <= start.value,
                    "never looser than the start"
                );
                assert!(
                    run.bound.value >= full.bound.value,
                    "{solves}: tighter than the LP optimum's bound"
                );
                assert_eq!(lp.master.pending, 0, "every column made is in the LP");
                assert_eq!(lp.primal.len(), lp.master.columns.len());
                assert_eq!(lp.dropped.len(), lp.master.columns.len());
                assert!(!lp.lp_plan().is_empty(), "{solves}: the LP's plan is read");
            }
        });
    }

    /// Solves before the first that tightens the bound are the fit tier's head, not its stalled
    /// tail: started from the converged master's own bound, which no solve tightens, the tier
    /// still runs to its LP's optimum, where a rule that counted every solve ended it at once.
    #[test]
    fn a_fit_tier_that_has_not_yet_tightened_the_bound_is_not_stalled() {
        with_school_master(|base, sharing, start, deadline| {
            let (converged, full) = solved_master(base, sharing, start, deadline);
            assert!(converged.converged());
            let mut lp = MasterLp::new(base, sharing, deadline, false);
            // Every solve of the tail would count as stalled, and one would end the tier.
            lp.fit_stall = (1, Cost::MAX);
            let run = lp
                .prices(full.bound.clone(), &[], Cost::MIN, TIERS, deadline)
                .expect("the master solves");
            assert!(lp.converged(), "the fit tier ran to its optimum");
            assert_eq!(run.bound.value, full.bound.value, "no solve tightened it");
        });
    }

    /// A fit-tier re-solve stopped at its iteration cap (here 0, so every unperturbed one
    /// stops) goes on perturbed from where it stopped; the next tries unperturbed again, and
    /// after two capped in a row every later one is perturbed. The master converges to the
    /// same exact bound as uncapped.
    #[test]
    fn a_fit_resolve_stopped_at_its_cap_goes_on_to_the_same_bound() {
        with_school_master(|base, sharing, start, deadline| {
            let bound = |cap: Option<i32>| {
                let mut lp = MasterLp::new(base, sharing, deadline, false);
                lp.fit_resolve_cap = cap;
                let run = lp
                    .prices(start.clone(), &[], Cost::MIN, TIERS, deadline)
                    .expect("the master solves");
                assert!(lp.converged(), "cap {cap:?}: the LP's optimum is reached");
                (run.bound.value, lp.capped_resolves)
            };
            let ((capped, stops), (free, none)) = (bound(Some(0)), bound(None));
            assert_eq!(
                stops, CAPPED_RESOLVES_IN_A_ROW,
                "two re-solves in a row met the cap; the later ones ran perturbed"
            );
            assert_eq!(none, 0, "the default cap is never met here");
            let points = (capped - free).abs() as f64 / base.fit_scale;
            assert!(points < 1e-3, "bounds {points} points apart");
        });
    }

    /// A coverage tier HiGHS solves ends without a re-solve's pivots where the columns its
    /// last round made price at most zero in the LP (they were made for their fit, a later
    /// digit of the packed value): the same exact bound and the same faces as with every such
    /// re-solve run, and the end is met. Every tier on HiGHS and none tie-broken here, so
    /// that rounds whose columns do improve come before it: the test fails both where the
    /// end is never taken and where it is taken after every round.
    #[test]
    fn a_tier_whose_new_columns_leave_its_optimum_ends_at_the_same_bound() {
        with_school_master(|base, sharing, start, deadline| {
            let bound = |end_unimproving: bool| {
                let mut lp = MasterLp::new(base, sharing, deadline, false);
                lp.network = None;
                lp.tie_break_weight = 0.0;
                lp.end_unimproving = end_unimproving;
                let run = lp
                    .prices(start.clone(), &[], Cost::MIN, TIERS, deadline)
                    .expect("the master solves");
                assert!(lp.converged(), "the LP's optimum is reached");
                (run.bound.value, lp.unimproving_ends, lp.dropped.clone())
            };
            let (ended, ends, ended_faces) = bound(true);
            let (resolved, none, resolved_faces) = bound(false);
            assert!(ends > 0, "a tier ended without its re-solve");
            assert_eq!(none, 0);
            assert_eq!(ended, resolved, "the same bound");
            assert_eq!(
                ended_faces, resolved_faces,
                "the same columns held out by the faces"
            );
        });
    }

    /// A later call starts every column already in the LP at its first tier's costs, also
    /// when another plan's columns wait to join: passing HiGHS the waiting ones' costs too
    /// made it refuse the whole change, and the call's first tier ran at the last call's fit
    /// costs.
    #[test]
    fn a_later_call_starts_every_column_at_the_first_tiers_costs() {
        with_school_master(|base, sharing, start, deadline| {
            let (mut lp, _) = solved_master(base, sharing, start, deadline);
            let in_lp = lp.master.columns.len();
            // Another plan: each need's last candidate, columns the first call did not make.
            let all = base.all;
            let plan: Vec<(NeedIx, MentorIx)> = (0..base.problem.needs.len() as NeedIx)
                .filter_map(|n| all.of_need(n).last().map(|c| (n, all.mentors[c])))
                .collect();
            lp.offer_plan(&plan);
            assert!(lp.master.pending > 0, "the plan brings columns to add");
            lp.prices(start.clone(), &[], Cost::MIN, 1, deadline)
                .expect("the master solves its first tier");
            assert!(lp.lp.alive(), "the LP is kept");
            let costs = lp.lp.col_costs();
            assert_eq!(costs.len(), lp.master.columns.len());
            assert!(costs.len() > in_lp);
            for (j, column) in lp.master.columns.iter().enumerate() {
                assert_eq!(costs[j], column.cost(0, 0.0, j), "column {j}");
            }
        });
    }

    /// The integer programme over the master's columns makes a plan that keeps every rule and
    /// meets the LP's bound in coverage on a generated school (its LP is nearly integral
    /// there), and never beats the bound: the plan the residual falls back on where the rounds'
    /// bundles stay short.
    #[test]
    fn the_columns_integer_plan_is_valid_and_meets_the_bound_in_coverage() {
        with_school_master(|base, sharing, start, deadline| {
            let (lp, run) = solved_master(base, sharing, start, deadline);
            assert!(lp.converged(), "the LP's optimum is reached");
            let pairs = lp.integer_plan(deadline, &[]).expect("a plan");
            assert!(!pairs.is_empty());
            assert_eq!(crate::solver::verify::verify(base.problem, &pairs), Ok(()));
            let value: Cost = pairs
                .iter()
                .map(|&(n, m)| base.value(base.all.find(n, m).expect("a feasible pair")))
                .sum();
            assert!(value <= run.bound.value, "no plan beats the bound");
            assert!(
                run.bound.value - value < ONE_NEED,
                "coverage meets the bound: {} needs short",
                (run.bound.value - value) as f64 / ONE_NEED as f64
            );
        });
    }

    /// The coverage tiers' tie-break in the programme over every column ([`coverage_tie_share`])
    /// is on, and its plan has the same coverage at every level as the programme on the bare
    /// 0/1 costs: the bonus is too small to trade a need for fit.
    #[test]
    fn the_tie_break_by_fit_leaves_the_columns_plan_coverage_as_it_was() {
        with_school_master(|base, sharing, start, deadline| {
            let (lp, _) = solved_master(base, sharing, start, deadline);
            let coverage = |pairs: &[(NeedIx, MentorIx)]| {
                super::Floors::of_plan(base.problem, pairs, 4).counts
            };
            let every: Vec<usize> = (0..lp.master.columns.len()).collect();
            let share = coverage_tie_share(&lp.master.columns, &every, &lp.master.bounds);
            assert!(share > 0.0, "the tie-break applies to the school's columns");
            let bare = lp
                .integer_programme(lp.master.bounds.clone(), &every, deadline, true, false, &[])
                .expect("a plan on the 0/1 costs");
            let broken = lp
                .integer_plan(deadline, &[])
                .expect("a plan with the tie-break");
            assert_eq!(crate::solver::verify::verify(base.problem, &broken), Ok(()));
            assert_eq!(coverage(&broken), coverage(&bare));
        });
    }

    /// Coverage tiers held at counts a plan already reaches (as `Method::columns_plan` holds
    /// the levels the bound proves) are not solved, and the plan from the rest keeps those
    /// counts and reaches the same coverage below them as solving every tier; counts past
    /// what the columns can reach leave no plan.
    #[test]
    fn tiers_held_at_a_plans_counts_keep_its_coverage_without_being_solved() {
        with_school_master(|base, sharing, start, deadline| {
            let (lp, _) = solved_master(base, sharing, start, deadline);
            let coverage = |pairs: &[(NeedIx, MentorIx)]| {
                super::Floors::of_plan(base.problem, pairs, 4).counts
            };
            let solved = coverage(&lp.integer_plan(deadline, &[]).expect("a plan"));
            for held in 1..=3 {
                let pairs = lp
                    .integer_plan(deadline, &solved[..held])
                    .expect("a plan with the held counts");
                assert_eq!(crate::solver::verify::verify(base.problem, &pairs), Ok(()));
                assert_eq!(coverage(&pairs), solved, "{held} tiers held");
            }
            let mut past = solved;
            past[0] += 1_000;
            assert_eq!(lp.integer_plan(deadline, &past[..1]), None);
        });
    }

    /// The floored bound at a plan's coverage holds for that plan and is tight: on a generated
    /// 300x70 school, the plan from the master's columns is worth no more than its coverage
    /// digits plus the floored bound on fit, and no less than a point below.
    #[test]
    fn the_floored_bound_holds_for_a_plan_of_its_coverage() {
        with_school_master(|base, sharing, start, deadline| {
            let (lp, _) = solved_master(base, sharing, start, deadline);
            let pairs = lp.integer_plan(deadline, &[]).expect("a plan");
            let floors = Floors::of_plan(base.problem, &pairs, 4);
            let coverage = floors.coverage();
            let value: Cost = pairs
                .iter()
                .map(|&(n, m)| base.value(base.all.find(n, m).expect("a feasible pair")))
                .sum();
            let (bound, levels) = lp
                .floored_bound(floors, &pairs, 30, deadline)
                .expect("the floored LP solves");
            assert!(levels.iter().all(|&v| v >= 0), "{levels:?}");
            let fit_bound = bound.value - floors.charge(&levels);
            assert!(
                coverage + fit_bound >= value,
                "the plan beats its own floored bound by {} points",
                (value - coverage - fit_bound) as f64 / base.fit_scale
            );
            // Here the plan is the best of its coverage, and the floors' prices close the gap:
            // unpriced (ν = 0) the same bound is ~400 points above it.
            let gap_points = (coverage + fit_bound - value) as f64 / base.fit_scale;
            assert!(gap_points < 1.0, "{gap_points} points above the plan");
        });
    }

    /// The LP's bundles are real seat sharing: two or more needs of one student, all
    /// qualified with one mentor, and taken by the LP's plan.
    #[test]
    fn the_lps_bundles_are_needs_one_mentor_covers_together() {
        with_school_master(|base, sharing, start, deadline| {
            let (lp, _) = solved_master(base, sharing, start, deadline);
            let bundles = lp.lp_bundles();
            assert!(!bundles.is_empty(), "the school's LP shares seats");
            assert!(bundles.windows(2).all(|w| w[0] <= w[1]), "sorted");
            let (problem, all) = (base.problem, base.all);
            for b in &bundles {
                assert!(b.mask.count_ones() >= 2, "{b:?}");
                let student = &problem.students[b.student as usize];
                let needs: Vec<NeedIx> = student
                    .needs()
                    .enumerate()
                    .filter(|(i, _)| b.mask & (1 << i) != 0)
                    .map(|(_, n)| n)
                    .collect();
                assert_eq!(
                    needs.len() as u32,
                    b.mask.count_ones(),
                    "{b:?}: needs in range"
                );
                let shared = (0..problem.mentors.len() as MentorIx)
                    .any(|m| needs.iter().all(|&n| all.find(n, m).is_some()));
                assert!(shared, "{b:?}: one mentor qualifies for every need");
            }
        });
    }

    /// The LP's optimum reads as a plan where it takes every column wholly or not at all: a
    /// plan that breaks no rule, worth what its columns are worth, which rounding leaves as it
    /// is; not where it takes one in part, which rounding still takes where its row and
    /// seats are free.
    #[test]
    fn an_integral_lp_optimum_reads_as_a_plan_and_rounds_to_itself() {
        with_school_master(|base, sharing, start, deadline| {
            let (mut lp, _) = solved_master(base, sharing, start, deadline);
            let pairs = lp
                .master
                .integral_plan(&lp.primal)
                .expect("this school's LP optimum is integral");
            assert_eq!(verify::verify(base.problem, &pairs), Ok(()));
            assert_eq!(lp.lp_plan(), pairs, "rounding an integral optimum keeps it");
            let taken: Cost = lp
                .master
                .columns
                .iter()
                .zip(&lp.primal)
                .filter(|(_, &x)| x > 0.5)
                .map(|(column, _)| column.value)
                .sum();
            assert_eq!(base.plan_value(&pairs), taken);
            let mut halved = lp.primal.clone();
            let j = halved
                .iter()
                .position(|&x| x > 0.5)
                .expect("a column taken");
            halved[j] = 0.5;
            assert_eq!(lp.master.integral_plan(&halved), None);
            // Rounded, the part-taken column still comes first among its row's.
            lp.primal = halved;
            assert_eq!(
                lp.lp_plan(),
                pairs,
                "a lone half-taken column is still taken"
            );
        });
    }

    /// The split rows' integer programme: None where the LP optimum splits no row; where it
    /// splits one (a column taken in half, beside another of the same row where there is
    /// one), a plan that keeps every other column the LP takes whole and settles the split
    /// row at least as well as the LP's own integral optimum did, so it is worth that optimum
    /// (nothing beats it) and breaks no rule.
    #[test]
    fn the_split_rows_plan_keeps_the_whole_columns_and_settles_the_rest() {
        with_school_master(|base, sharing, start, deadline| {
            let (mut lp, _) = solved_master(base, sharing, start, deadline);
            assert_eq!(lp.split_rows_plan(deadline), None, "nothing split");
            let whole = lp
                .master
                .integral_plan(&lp.primal)
                .expect("this school's LP optimum is integral");
            let columns = &lp.master.columns;
            // A taken column whose row has another column, so the split is a real choice.
            let (j, other) = (0..columns.len())
                .filter(|&j| lp.primal[j] > 0.5 && columns[j].key.is_some())
                .find_map(|j| {
                    let own = columns[j].rows.last();
                    (0..columns.len())
                        .find(|&k| {
                            k != j && columns[k].key.is_some() && columns[k].rows.last() == own
                        })
                        .map(|k| (j, k))
                })
                .expect("a row with two columns");
            let own = *columns[j].rows.last().expect("an own row");
            let mut halved = lp.primal.clone();
            halved[j] = 0.5;
            halved[other] = 0.5;
            lp.primal = halved;
            let pairs = lp.split_rows_plan(deadline).expect("a plan");
            assert_eq!(verify::verify(base.problem, &pairs), Ok(()));
            let kept: Vec<(NeedIx, MentorIx)> = lp
                .master
                .columns
                .iter()
                .zip(&lp.primal)
                .filter(|(c, &x)| x > 0.5 && c.rows.last() != Some(&own))
                .filter_map(|(c, _)| c.key.as_ref())
                .flat_map(|key| lp.master.pairs_of(key))
                .collect();
            assert!(!kept.is_empty());
            assert!(kept.iter().all(|p| pairs.contains(p)), "whole columns stay");
            assert_eq!(
                base.plan_value(&pairs),
                base.plan_value(&whole),
                "the split row settled at its best"
            );
        });
    }

    /// Duals are read as the fractions they are within HiGHS's tolerance, and left alone where
    /// no fraction of a small denominator is that close.
    #[test]
    fn duals_are_read_as_their_simplest_fractions() {
        assert_eq!(simplest_fraction(0.5 + 3e-9), Some((1, 2)));
        assert_eq!(simplest_fraction(44.0 / 109.0 - 2e-9), Some((44, 109)));
        assert_eq!(simplest_fraction(-1.0 / 3.0), Some((-1, 3)));
        assert_eq!(simplest_fraction(2.0), Some((2, 1)));
        assert_eq!(simplest_fraction(0.0), Some((0, 1)));
        assert_eq!(simplest_fraction(std::f64::consts::PI * 1e-3), None);
        assert_eq!(simplest_fraction(f64::NAN), None);
        let [urgent, .., low, _] = tier_units(1.0);
        // One third of an urgent need, exactly, whatever HiGHS's last digits.
        assert_eq!(packed(1.0 / 3.0 + 1e-9, urgent), (1 << 104) / 3);
        assert_eq!(packed(0.5 - 1e-9, low), ONE_NEED / 2);
    }

    #[test]
    fn fit_prices_share_the_least_denominator_that_makes_them_whole() {
        assert_eq!(common_denominator(&[]), Some(1));
        assert_eq!(common_denominator(&[3.0, -7.0 + 2e-7, 1e10]), Some(1));
        assert_eq!(common_denominator(&[3.0, 2.5 + 1e-6, -3.5]), Some(2));
        assert_eq!(common_denominator(&[1.0 / 3.0, 12.0, 4.0 / 3.0]), Some(3));
        assert_eq!(common_denominator(&[0.25, 0.5, 7.75]), Some(4));
        // A half and a third need six, past what the fit digit holds four times over.
        assert_eq!(common_denominator(&[0.5, 1.0 / 3.0]), None);
        assert_eq!(common_denominator(&[0.1]), None);
        assert_eq!(common_denominator(&[f64::NAN]), None);
    }

    #[test]
    fn tier_prices_pack_exactly() {
        let units = tier_units(1e6);
        assert_eq!(packed(1.0, units[3]), ONE_NEED);
        assert_eq!(packed(0.5, units[0]), ONE_NEED << 59);
        assert_eq!(packed(1.0, units[2]), ONE_NEED << 20);
        assert_eq!(packed(-0.25, units[1]), -(ONE_NEED << 38));
        assert_eq!(packed(f64::NAN, units[1]), 0);
        assert_eq!(packed(2.5, units[4]), 2_500_000);
    }
}
