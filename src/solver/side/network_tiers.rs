//! The pattern master's coverage tiers on the network simplex (`solver::network_lp`), HiGHS
//! keeping the fit tier.
//!
//! Holds: [`NetworkTiers`], a copy of the master LP as a network with side columns, changed
//! in step with HiGHS's copy (columns added, costs, faces), which solves the coverage tiers
//! and hands the master the same things a HiGHS solve does: row prices in HiGHS's signs, the
//! columns' values, its pivots. It proves nothing itself: the master reads its duals as it
//! reads HiGHS's, and every bound is evaluated exactly by the caller.
//!
//! Why: the master's rows are each need's (or each student's convexity row) and each
//! mentor's, and a single pair or a pattern on one mentor takes one of each: an arc. Only the
//! patterns over two or more mentors are side columns (6–10 % of the rows at the optimum). The
//! coverage tiers' 0/1 objectives make HiGHS's dual simplex walk a degenerate transportation
//! polytope, pivot by factored pivot; the network simplex takes the same walk with tree pivots
//! (measured on the master's own LPs, twelfth session: school 18 ms against ~85 ms, 4,000×1,000
//! 0.33 s against ~0.6 s). The fit tier stays with HiGHS: there the primal simplex needs 4–8×
//! the dual simplex's iterations (performance log, twelfth session).
//!
//! The network: one node per master row. A need's or student's row has supply 1, which leaves
//! by a column (to a mentor) or by its slack arc to the root (left uncovered). A mentor's row
//! has demand `capacity`, met by the columns that take its seats and by its slack arc from the
//! root (seats left empty). A row held tight by a finished tier is its slack arc fixed at 0.
//! Costs are the master's, negated (this engine minimises). Potentials `π` give HiGHS's
//! maximisation duals: `y = −π` on a need's or student's row, `y = π` on a mentor's.

use crate::solver::highs::BasisPlace;
use crate::solver::network_lp::{LpEnd, NetworkLp, State};
use crate::solver::Until;

/// Pivots between two looks at the deadline.
const PIVOTS_PER_LOOK: u64 = 2_000;

/// [`PIVOTS_PER_LOOK`] in the masters [`DEAR_WORK_ROWS_DIVISOR`]'s rule judges (at most
/// [`DEAR_RULE_MAX_ROWS`] rows): a tier whose pivots are dear is then left a quarter as many
/// pivots sooner (the K 2 school 0.917× paired, 10 pairs; the same path wherever nothing
/// stops a tier, since the pivots do not depend on where the looks fall).
const PIVOTS_PER_LOOK_SMALL: u64 = 500;

/// A tier whose solves take more pivots than this many per row goes on with HiGHS, and so does
/// the rest of the master. Where the network pays, a tier takes under 1.4 per row (the
/// generated school 0.9, 4,000×1,000 1.39, the district 1.37); where it does not, it takes
/// several times HiGHS's iterations, at no cheaper pivots: 9–13 per row on a school scored by
/// caller affinities (`affinity.py 3000 800 13 0.3 1-5 multi`: 47.7 k pivots in its normal
/// tier, 2.2 s against HiGHS's 15 k iterations, 1.1 s) and on homeroom classes
/// (`homeroom.py 4000 2`: 105 k pivots in its high tier, 18 s, whose working matrix reached
/// order ~650 with a dense core of ~100; HiGHS proves the whole in 5 s). A count, not a
/// clock, so that the path is the same on every run.
const PIVOTS_PER_ROW_IN_TIER: u64 = 3;

/// A solve whose working matrix's dense core grows past this order goes on with HiGHS too:
/// each pivot that changes the trees or the side columns refactors the cores of the blocks
/// it touches (cubic in their order; the order counted here is the blocks' summed, what one
/// factorisation of the whole matrix would leave dense). On the master's LPs it stays small
/// where the network pays (the district ≤ 8 with a working matrix of order ~1,280,
/// 4,000×1,000 ≤ 33), and grew to ~100–200 on the homeroom classes above, where a pivot cost
/// ~180 µs against HiGHS's ~60 µs an iteration.
const MAX_CORE_ORDER: usize = 64;

/// In a master of at most [`DEAR_RULE_MAX_ROWS`] rows, a tier whose pivots have cost more
/// working-matrix work each, on average, than half the master's rows (`NetworkLp::work`: the
/// entries of the blocks refactored, and `c³/3` for each dense core of order `c`) goes on
/// with HiGHS, and so does the rest of the master: its pivots then refactor large blocks and
/// cost more than HiGHS's iterations. Measured per tier (the average work a pivot over the
/// rows, forty-fifth and forty-sixth sessions): where the network pays, the tiers stay under
/// 0.17 (the generated 900 / 4,000 schools ≤ 0.03, schools scored by caller affinities ≤
/// 0.17, the district ~0.01); on students with many needs, whose side columns join the trees
/// into large blocks, the tiers reach 0.55–1.74 at 29–130 µs a pivot: the K 2 school's
/// normal tier (1.74 at 1,244 rows; its CLI 0.52 → 0.34 s), `g1200s91_k3` (0.74 at 1,605
/// rows; 1.22 → 0.78 s), the homeroom schools (1.34, 0.55), `g2500s81_k1` / `_k2` (0.89 /
/// 0.65 at 3,300 rows; 2.37 → 1.96 s, 6.24 → 5.48 s). A count, not a clock: the same path on
/// every run.
const DEAR_WORK_ROWS_DIVISOR: u64 = 2;

/// The largest master [`DEAR_WORK_ROWS_DIVISOR`]'s rule judges. HiGHS's iteration is cheap on
/// small masters (~18 µs at the school's 1,159 rows) and dearer with the rows (150–300 µs at
/// the many-needs 4,000-student school's 5,247), while the network's pivot costs its work
/// alone: on `gen8000s55_k1` (10,465 rows) the low tier reached 0.55 after 14,000 pivots and
/// still paid (the master 10.8 s on the network against 14.2 s with that tier on HiGHS; the
/// run then ended at its limit instead of proven).
const DEAR_RULE_MAX_ROWS: usize = 4_096;

/// The tier's pivots before its average work is judged ([`DEAR_WORK_ROWS_DIVISOR`]): its
/// first blocks are formed at once, and a few pivots say little of the rest.
const PIVOTS_BEFORE_JUDGING_WORK: u64 = 500;

/// The fit tier's start: before HiGHS takes the network's last basis (the low tier's
/// optimum, good for coverage only), the network moves it towards the fit optimum by pivots on
/// arcs within one tree, which move no side column and change no tree, so none refactors the
/// working matrix (8–15 µs a pivot, against HiGHS's 40–90 µs an iteration). Measured (one
/// traced run each, fourteenth session): HiGHS's first fit solve 10.7 k → 7.7 k iterations at
/// 4,000×1,000 after 4.4 k such pivots (30–40 ms), 51.6 k → 27.2 k at the district after 48 k
/// (0.74 s; the master 20.2 → 17.3 s). At most this many a row, the tiers' own budget
/// ([`PIVOTS_PER_ROW_IN_TIER`]); both instances converge under it (0.9 and 1.9 a row), and
/// one a row left the district's first solve at 34 k iterations.
const POLISH_PIVOTS_PER_ROW: u64 = 3;

/// Where a master column lives in the network.
#[derive(Clone, Copy)]
enum Place {
    Arc(usize),
    Side(usize),
}

/// What a solve found, in the master's terms (HiGHS's signs).
pub(super) struct NetworkRun {
    pub duals: Vec<f64>,
    pub columns: Vec<f64>,
    pub pivots: u64,
}

/// The master's LP as a network (see the module doc).
pub(super) struct NetworkTiers {
    lp: NetworkLp,
    mentors: usize,
    /// Each row's slack arc's bound when not held tight.
    slack_upper: Vec<f64>,
    /// Rows held tight by a finished tier.
    held: Vec<bool>,
    /// Pivots between two looks at the deadline and the tier's budget
    /// ([`PIVOTS_PER_LOOK`]; a test sets 1).
    pivots_per_look: u64,
    /// [`PIVOTS_PER_ROW_IN_TIER`] (a test sets 0, to make the master go on with HiGHS).
    pivots_per_row_in_tier: u64,
    /// Pivots taken in the current tier (see [`NetworkTiers::start_tier`]).
    tier_pivots: u64,
    /// The working matrix's work in the current tier ([`DEAR_WORK_ROWS_DIVISOR`]).
    tier_work: u64,
    /// 1 (a test sets 0, to make the copy too dear at its first refactorisation): the rows
    /// counted in [`DEAR_WORK_ROWS_DIVISOR`]'s rule.
    dear_rows: u64,
    /// [`PIVOTS_BEFORE_JUDGING_WORK`] (a test sets 0).
    pivots_before_judging_work: u64,
    places: Vec<Place>,
}

impl NetworkTiers {
    /// The rows of the master: `capacities` of the mentors' rows (the first rows), then
    /// `own` rows (a need's or a student's, each `≤ 1`).
    pub(super) fn new(capacities: &[f64], own: usize) -> Self {
        let mentors = capacities.len();
        let rows = mentors + own;
        let supply: Vec<f64> = capacities
            .iter()
            .map(|&c| -c)
            .chain(std::iter::repeat_n(1.0, own))
            .collect();
        // A node's slack is unbounded above: the columns' own bounds keep it within the
        // row's (a seat count is never negative), so a nonbasic slack is at 0 and its row at
        // its bound, as in HiGHS's basis. A mentor with no seat has its slack fixed at 0.
        let slack_upper: Vec<f64> = supply
            .iter()
            .map(|&b| if b == 0.0 { 0.0 } else { f64::INFINITY })
            .collect();
        let lp = NetworkLp::with_slacks(supply, &slack_upper);
        NetworkTiers {
            lp,
            mentors,
            slack_upper,
            held: vec![false; rows],
            pivots_per_look: if rows <= DEAR_RULE_MAX_ROWS {
                PIVOTS_PER_LOOK_SMALL
            } else {
                PIVOTS_PER_LOOK
            },
            pivots_per_row_in_tier: PIVOTS_PER_ROW_IN_TIER,
            tier_pivots: 0,
            tier_work: 0,
            dear_rows: 1,
            pivots_before_judging_work: PIVOTS_BEFORE_JUDGING_WORK,
            places: Vec::new(),
        }
    }

    /// A master column: the mentor rows it takes a seat of, then its own row last (as the
    /// master's columns list them), at `cost` (the master's, maximised) and bound `upper`.
    pub(super) fn add_column(&mut self, rows: &[usize], cost: f64, upper: f64) {
        let Some((&own, seats)) = rows.split_last() else {
            // Every master column takes its own row; a column without one has no place here.
            self.places
                .push(Place::Side(self.lp.add_side(&[], -cost, 0.0)));
            return;
        };
        let place = if let [m] = seats {
            Place::Arc(self.lp.add_arc(own as u32, *m as u32, -cost, upper))
        } else {
            let mut entries = Vec::with_capacity(rows.len());
            entries.push((own as u32, 1.0));
            entries.extend(seats.iter().map(|&m| (m as u32, -1.0)));
            Place::Side(self.lp.add_side(&entries, -cost, upper))
        };
        self.places.push(place);
    }

    /// Column `j`'s cost (the master's, maximised).
    pub(super) fn set_cost(&mut self, j: usize, cost: f64) {
        match self.places[j] {
            Place::Arc(a) => self.lp.set_arc_cost(a, -cost),
            Place::Side(s) => self.lp.set_side_cost(s, -cost),
        }
    }

    /// Column `j`'s upper bound (its lower is always 0).
    pub(super) fn set_column_upper(&mut self, j: usize, upper: f64) {
        match self.places[j] {
            Place::Arc(a) => self.lp.set_arc_upper(a, upper),
            Place::Side(s) => self.lp.set_side_upper(s, upper),
        }
    }

    /// Row `r` held at its bound (a finished tier priced it), or released.
    pub(super) fn hold_row(&mut self, r: usize, tight: bool) {
        self.held[r] = tight;
        let upper = if tight { 0.0 } else { self.slack_upper[r] };
        self.lp.set_slack_upper(r, upper);
    }

    /// The last basis, as HiGHS's: a row is basic where its slack arc is, otherwise at its
    /// bound.
    pub(super) fn basis(&self) -> (Vec<BasisPlace>, Vec<BasisPlace>) {
        let place = |state: State| match state {
            State::Basic => BasisPlace::Basic,
            State::Lower => BasisPlace::Lower,
            State::Upper => BasisPlace::Upper,
        };
        let columns = self
            .places
            .iter()
            .map(|p| match *p {
                Place::Arc(a) => place(self.lp.arc_state(a)),
                Place::Side(s) => place(self.lp.side_column_state(s)),
            })
            .collect();
        // A nonbasic slack is at 0 (it has no finite bound above but a held row's 0), so its
        // row's activity is at the row's bound.
        let rows = (0..self.slack_upper.len())
            .map(|r| match self.lp.slack_state(r) {
                State::Basic => BasisPlace::Basic,
                State::Lower | State::Upper => BasisPlace::Upper,
            })
            .collect();
        (columns, rows)
    }

    /// Moves the last basis towards the current costs' optimum by pivots on arcs within one
    /// tree only (see [`NetworkLp::polish_within_trees`]), at most
    /// [`POLISH_PIVOTS_PER_ROW`] a row. The bounds stay as they are, so the basis stays on
    /// the finished tiers' faces.
    pub(super) fn polish(&mut self) {
        let started = std::time::Instant::now();
        let budget = POLISH_PIVOTS_PER_ROW * self.slack_upper.len() as u64;
        let pivots = self.lp.polish_within_trees(budget);
        tracing::trace!(
            pivots,
            ms = started.elapsed().as_secs_f64() * 1e3,
            "seat sharing: the network's basis polished for the fit tier within its trees"
        );
    }

    /// A new tier starts: its pivot budget is whole again.
    pub(super) fn start_tier(&mut self) {
        self.tier_pivots = 0;
        self.tier_work = 0;
    }

    /// Whether `pivots` in the tier that did `work` cost more than the network pays for
    /// ([`DEAR_WORK_ROWS_DIVISOR`]).
    fn too_dear(&self, pivots: u64, work: u64) -> bool {
        let rows = self.dear_rows * self.slack_upper.len() as u64;
        self.slack_upper.len() <= DEAR_RULE_MAX_ROWS
            && pivots >= self.pivots_before_judging_work
            && work.saturating_mul(DEAR_WORK_ROWS_DIVISOR) > pivots.saturating_mul(rows)
    }

    /// Solves from the last basis. None when it did not reach the optimum: the deadline
    /// (`until`), the tier's pivot budget spent (see [`PIVOTS_PER_ROW_IN_TIER`]), its pivots
    /// too dear ([`DEAR_WORK_ROWS_DIVISOR`]; judged again before each solve) or numerical
    /// trouble; the caller then goes on with HiGHS.
    pub(super) fn solve(&mut self, until: Until) -> Option<NetworkRun> {
        if self.too_dear(self.tier_pivots, self.tier_work) {
            tracing::debug!(
                tier_pivots = self.tier_pivots,
                tier_work = self.tier_work,
                rows = self.slack_upper.len(),
                "seat sharing: network master's pivots too dear"
            );
            return None;
        }
        let (before, work_before) = (self.lp.pivots(), self.lp.work());
        let budget = self.pivots_per_row_in_tier * self.slack_upper.len() as u64;
        let end = loop {
            let end = self.lp.solve(self.pivots_per_look);
            if end != LpEnd::PivotLimit {
                break end;
            }
            let spent = self.tier_pivots + (self.lp.pivots() - before);
            let work = self.tier_work + (self.lp.work() - work_before);
            if until.passed()
                || spent > budget
                || self.lp.working_order().1 > MAX_CORE_ORDER
                || self.too_dear(spent, work)
            {
                break end;
            }
        };
        let (pivots, work) = (self.lp.pivots() - before, self.lp.work() - work_before);
        self.tier_pivots += pivots;
        self.tier_work += work;
        let (order, core) = self.lp.working_order();
        tracing::trace!(
            pivots,
            work,
            tier_pivots = self.tier_pivots,
            tier_work = self.tier_work,
            rows = self.slack_upper.len(),
            order,
            core,
            kinds = ?self.lp.kinds,
            "seat sharing: network master solved"
        );
        if end != LpEnd::Optimal {
            tracing::debug!(
                ?end,
                pivots,
                tier_pivots = self.tier_pivots,
                tier_work = self.tier_work,
                rows = self.slack_upper.len(),
                "seat sharing: network master stopped"
            );
            return None;
        }
        // A free row's price is never below 0 in HiGHS's signs. Where the network's is (a
        // mentor with no seat taken, a need left wholly uncovered), 0 is as optimal: raising
        // it to 0 only raises the reduced costs of columns that are at 0. A row held tight is
        // an equality, priced either way.
        let potentials = self.lp.potentials();
        let duals = potentials
            .iter()
            .enumerate()
            .map(|(r, &p)| {
                let y = if r < self.mentors { p } else { -p };
                if self.held[r] {
                    y
                } else {
                    y.max(0.0)
                }
            })
            .collect();
        let (flows, sides) = (self.lp.arc_flows(), self.lp.side_values());
        let columns = self
            .places
            .iter()
            .map(|place| match *place {
                Place::Arc(a) => flows[a],
                Place::Side(s) => sides[s],
            })
            .collect();
        Some(NetworkRun {
            duals,
            columns,
            pivots,
        })
    }

    /// Any work on the working matrix makes the tier's pivots too dear from here on: the next
    /// solve after one that refactored a block gives up before its first pivot.
    #[cfg(test)]
    pub(super) fn judge_every_work_too_dear(&mut self) {
        self.dear_rows = 0;
        self.pivots_before_judging_work = 0;
    }

    /// Every solve from here on gives up after its first pivot unless optimal by then.
    #[cfg(test)]
    pub(super) fn give_up_at_once(&mut self) {
        self.pivots_per_look = 1;
        self.pivots_per_row_in_tier = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dear-pivot rule judges small masters only, and only past the tier's first pivots:
    /// the work a pivot that leaves a 1,000-row master's tier leaves a 10,000-row master's to
    /// its pivot budget (where the network still paid, on `gen8000s55_k1`), and only the small
    /// master looks at its tiers every [`PIVOTS_PER_LOOK_SMALL`] pivots.
    #[test]
    fn only_small_masters_leave_a_tier_for_dear_pivots() {
        let small = NetworkTiers::new(&[1.0; 200], 800);
        let large = NetworkTiers::new(&[1.0; 2_000], 8_000);
        assert!(
            small.too_dear(1_000, 1_000 * 600),
            "0.6 of the rows a pivot"
        );
        assert!(
            !small.too_dear(1_000, 1_000 * 400),
            "0.4 of the rows a pivot"
        );
        assert!(
            !small.too_dear(PIVOTS_BEFORE_JUDGING_WORK - 1, u64::MAX / 2),
            "judged before its first pivots"
        );
        assert!(
            !large.too_dear(1_000, 1_000 * 6_000),
            "a large master judged"
        );
        assert_eq!(small.pivots_per_look, PIVOTS_PER_LOOK_SMALL);
        assert_eq!(large.pivots_per_look, PIVOTS_PER_LOOK);
    }
}
