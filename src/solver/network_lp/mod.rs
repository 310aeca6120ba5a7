//! A linear programme over a network with side columns, solved by the primal simplex with
//! basis partitioning: the network part of each basis is a spanning forest, pivoted on as a
//! network simplex pivots on its tree, and only the side columns in the basis pass through a
//! small sparse working matrix.
//!
//! Holds: [`NetworkLp`], the model and its basis kept across solves (columns added, costs and
//! bounds changed in place, each solve warm from the last basis).
//!
//! Why: the pattern master of `side/master.rs` is a network (students, needs and mentors as
//! nodes; a single pair or a one-mentor pattern as an arc) plus the patterns over two or more
//! mentors, which are not arcs. At its optimum those side columns are 6–10 % of the rows (123
//! of 1,159 at the school, 286 of 5,023 at 4,000×1,000, 2,596 of 25,466 at the district;
//! performance log, fifth session). A general LP code factors every row at every iteration;
//! here a pivot whose cycle stays inside one tree costs what a network simplex pivot costs
//! (a path walk and a subtree update, ~1 µs at the master's size in the eleventh session's
//! spike), and only pivots that cross trees or move side columns touch the working matrix,
//! whose order is the number of basic side columns.
//!
//! The method (Kennington & Helgason, "Algorithms for network programming", 1980, ch. 8;
//! Dantzig & Van Slyke's generalized upper bounding is the same partitioning for convexity
//! rows): a basis of `n` columns over the `n` node rows is `n − k` tree arcs, which form a
//! forest of `k + 1` trees (one of them holds the root, whose row is dropped), and `k` side
//! columns. Potentials are a tree's own (zero at its root) plus one shift per tree; the `k`
//! shifts solve `W δ = d`, where `W[r][t]` is side column `r`'s coefficients summed over tree
//! `t`. A column's representation in the basis routes its coefficients: per-tree sums fix
//! the side columns' part through `Wᵀ`, and what is left flows up each tree.
//!
//! Floats: the master needs only good duals from this, since every bound is evaluated in
//! exact integers by the caller; tolerances decide optimality, and the result is checked by
//! recomputing the primal from scratch at the end of each solve.
//!
//! **Where it runs:** the pattern master's coverage tiers (`side/network_tiers.rs`, since
//! the thirteenth session). There its pivots are mostly cheap: its first basis is the rows'
//! slack arcs (no big M), a pivot within a tree that moves nodes a basic side column
//! touches re-solves only those rows' blocks of `W` from their factors, and a pivot that
//! changes the trees or the side columns refactors only the blocks it touches (`W` is block
//! diagonal: see `working.rs`; thirtieth session). Measured in the master (performance log,
//! thirteenth and thirtieth sessions): the coverage tiers at 4,000×1,000 ~0.2 s of LP against
//! HiGHS's ~0.9 s, at the district ~1.2 s against ~8.8 s.
//! **Where it does not:** the fit tier. There the primal simplex takes 4–8× the dual
//! simplex's iterations (62 k pivots at 4,000×1,000 on the master's final LP, against HiGHS's
//! ~14 k), and most of its pivots change the trees or the basic side columns (74 % at the
//! school, 92 % at 4,000×1,000); even with `W` refactored by blocks its first fit solve at
//! 4,000×1,000 took 1.37 s against HiGHS's 0.28 s (thirtieth session). HiGHS's dual simplex
//! keeps that tier, started from this engine's basis, which the engine first polishes for fit
//! with pivots within its trees only ([`NetworkLp::polish_within_trees`]: none refactors
//! `W`). Nor do the fit tier's re-solves after a pricing round suit the primal simplex (9–38
//! pivots per new column against HiGHS's 1.2–3.6 iterations; performance log, fourteenth
//! session). What is left to try: a dual simplex on this partitioning, with steepest-edge or
//! Devex pricing.

mod forest;
mod working;

#[cfg(test)]
mod tests;

use forest::{Forest, NONE};
use working::Working;

/// Rates (entries of a column's representation) below this are zero in the ratio test.
const PIVOT_TOLERANCE: f64 = 1e-9;

/// Where a column sits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum State {
    Basic,
    Lower,
    Upper,
}

/// A column of the LP: an arc (artificial arcs first, one per node, then the caller's) or a
/// side column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Col {
    Arc(u32),
    Side(u32),
}

/// A basic variable the ratio test can drive out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Basic {
    /// The tree arc above this node.
    Edge(u32),
    /// The basic side column in this row of the working matrix.
    Side(u32),
}

/// How a solve ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum LpEnd {
    Optimal,
    /// No flow meets every node's supply within the bounds.
    Infeasible,
    /// A cycle of negative cost and no bound.
    Unbounded,
    /// The pivot limit struck first.
    PivotLimit,
    /// The working matrix became singular beyond the tolerance (numerical trouble).
    Numerical,
}

/// One change a pivot makes to a basic variable, per unit of the entering column.
#[derive(Clone, Copy, Debug)]
struct Step {
    var: Basic,
    /// Change per unit increase of the entering column.
    rate: f64,
}

/// The LP `min cᵀx` subject to one row per node, `Σ out − Σ in + Σ side = supply`, and
/// `0 ≤ x ≤ upper`; the root node (index `supply.len()`) has no row. Kept across solves (see module
/// doc).
pub(crate) struct NetworkLp {
    nodes: usize,
    supply: Vec<f64>,
    // Arcs: `0..nodes` are artificial (node i to or from the root), then the caller's.
    tail: Vec<u32>,
    head: Vec<u32>,
    cost: Vec<f64>,
    upper: Vec<f64>,
    flow: Vec<f64>,
    state: Vec<State>,
    // Side columns, their entries in one array (`side_start[s]..side_start[s + 1]`).
    side_start: Vec<usize>,
    side_node: Vec<u32>,
    side_coef: Vec<f64>,
    side_cost: Vec<f64>,
    side_upper: Vec<f64>,
    side_value: Vec<f64>,
    side_state: Vec<State>,
    /// Columns held where they are (out of pricing): off a finished tier's optimal face.
    arc_locked: Vec<bool>,
    side_locked: Vec<bool>,
    forest: Forest,
    working: Working,
    /// The artificial arcs are the caller's slack arcs ([`NetworkLp::with_slacks`]): flow on
    /// them is no infeasibility.
    slack_start: bool,
    /// Reduced costs within this are zero.
    cost_tolerance: f64,
    /// Values within this of a bound are at it.
    value_tolerance: f64,
    /// Where the next pricing block starts.
    next_column: usize,
    pivots: u64,
    /// Pivots by kind: within a tree and clear of side columns, within a tree but moving
    /// nodes a basic side column touches, changing the trees or the side columns, and
    /// changing the trees only where no basic side column looks (see
    /// [`NetworkLp::change_basis`]: the working matrix is kept as it is).
    pub(crate) kinds: [u64; 4],
    /// Pivots that moved nothing (a step of zero).
    pub(crate) degenerate: u64,
    /// A column's bound changed since the last solve: its basic values are recomputed first.
    bounds_moved: bool,
}

impl NetworkLp {
    /// An LP over `supply.len()` nodes plus the root, with no columns yet: the basis is one
    /// artificial arc per node, between it and the root, carrying its supply at
    /// `artificial_cost` a unit (a big M: above any path's cost in the caller's units).
    pub(crate) fn new(supply: Vec<f64>, artificial_cost: f64) -> NetworkLp {
        let nodes = supply.len();
        let root = nodes as u32;
        let mut lp = NetworkLp {
            nodes,
            supply,
            tail: Vec::with_capacity(nodes),
            head: Vec::with_capacity(nodes),
            cost: Vec::with_capacity(nodes),
            upper: Vec::with_capacity(nodes),
            flow: Vec::with_capacity(nodes),
            state: Vec::with_capacity(nodes),
            side_start: vec![0],
            side_node: Vec::new(),
            side_coef: Vec::new(),
            side_cost: Vec::new(),
            side_upper: Vec::new(),
            side_value: Vec::new(),
            side_state: Vec::new(),
            arc_locked: Vec::new(),
            side_locked: Vec::new(),
            forest: Forest::new(nodes + 1),
            working: Working::default(),
            slack_start: false,
            cost_tolerance: 1e-9,
            value_tolerance: 1e-9,
            next_column: 0,
            pivots: 0,
            kinds: [0; 4],
            degenerate: 0,
            bounds_moved: false,
        };
        for i in 0..nodes {
            let b = lp.supply[i];
            let (t, h) = if b >= 0.0 {
                (i as u32, root)
            } else {
                (root, i as u32)
            };
            lp.tail.push(t);
            lp.head.push(h);
            lp.cost.push(artificial_cost);
            lp.upper.push(f64::INFINITY);
            lp.flow.push(b.abs());
            lp.state.push(State::Basic);
            lp.arc_locked.push(false);
            lp.forest.link(i as u32, root, i as u32);
        }
        lp.forest.refresh_subtree(root, &lp.tail, &lp.cost);
        lp
    }

    /// An LP whose node rows each have a slack arc between the node and the root (out of a
    /// node of supply `≥ 0`, into one of negative supply), at cost 0 and bound `slack_upper`,
    /// which carries the node's supply in the first basis: a feasible start with no big M.
    /// Slack `i` is addressed as node `i`'s ([`NetworkLp::set_slack_upper`]).
    pub(crate) fn with_slacks(supply: Vec<f64>, slack_upper: &[f64]) -> NetworkLp {
        let mut lp = NetworkLp::new(supply, 0.0);
        lp.slack_start = true;
        for (i, &u) in slack_upper.iter().enumerate().take(lp.nodes) {
            lp.upper[i] = u;
        }
        lp
    }

    /// Sets node `node`'s slack arc's upper bound (an LP made [`NetworkLp::with_slacks`]; see
    /// [`NetworkLp::set_upper`]).
    pub(crate) fn set_slack_upper(&mut self, node: usize, upper: f64) {
        self.set_upper(Col::Arc(node as u32), upper);
    }

    /// Where node `node`'s slack (or artificial) arc sits.
    pub(crate) fn slack_state(&self, node: usize) -> State {
        self.state[node]
    }

    /// Adds an arc `tail → head` (either may be the root) at its lower bound 0; returns its
    /// index among the caller's arcs.
    pub(crate) fn add_arc(&mut self, tail: u32, head: u32, cost: f64, upper: f64) -> usize {
        self.tail.push(tail);
        self.head.push(head);
        self.cost.push(cost);
        self.upper.push(upper);
        self.flow.push(0.0);
        self.state.push(State::Lower);
        self.arc_locked.push(false);
        self.tail.len() - 1 - self.nodes
    }

    /// Adds a side column with `entries` (node, coefficient; the root's are dropped) at its
    /// lower bound 0; returns its index.
    pub(crate) fn add_side(&mut self, entries: &[(u32, f64)], cost: f64, upper: f64) -> usize {
        let root = self.nodes as u32;
        for &(node, coef) in entries {
            if node != root && coef != 0.0 {
                self.side_node.push(node);
                self.side_coef.push(coef);
            }
        }
        self.side_start.push(self.side_node.len());
        self.side_cost.push(cost);
        self.side_upper.push(upper);
        self.side_value.push(0.0);
        self.side_state.push(State::Lower);
        self.side_locked.push(false);
        self.side_cost.len() - 1
    }

    /// Sets a caller's arc's cost (the basis stays; the next solve starts from it).
    pub(crate) fn set_arc_cost(&mut self, arc: usize, cost: f64) {
        self.cost[self.nodes + arc] = cost;
    }

    /// Sets a side column's cost.
    pub(crate) fn set_side_cost(&mut self, side: usize, cost: f64) {
        self.side_cost[side] = cost;
    }

    /// Sets a caller's arc's upper bound (see [`NetworkLp::set_upper`]).
    pub(crate) fn set_arc_upper(&mut self, arc: usize, upper: f64) {
        self.set_upper(Col::Arc((self.nodes + arc) as u32), upper);
    }

    /// Sets a side column's upper bound (see [`NetworkLp::set_upper`]).
    pub(crate) fn set_side_upper(&mut self, side: usize, upper: f64) {
        self.set_upper(Col::Side(side as u32), upper);
    }

    /// A column's new upper bound, for the next solve: a nonbasic column at its upper bound
    /// follows it (to its lower bound when the bound is 0), and the basic values are then
    /// recomputed. The basis must stay feasible (the caller fixes at 0 only columns whose value
    /// is 0, as an optimal face's are); the next solve ends `Numerical` where it is not.
    fn set_upper(&mut self, col: Col, upper: f64) {
        match col {
            Col::Arc(a) => self.upper[a as usize] = upper,
            Col::Side(s) => self.side_upper[s as usize] = upper,
        }
        if self.state_of(col) == State::Upper && upper <= 0.0 {
            self.set_state(col, State::Lower);
        }
        self.bounds_moved = true;
    }

    /// Whether every basic value is within its bounds (to a tolerance scaled for the
    /// recomputation's drift).
    fn basis_feasible(&self) -> bool {
        let tol = 1e-7 * (1.0 + self.supply_scale());
        let arcs_ok = (0..self.tail.len())
            .filter(|&a| self.state[a] == State::Basic)
            .all(|a| self.flow[a] >= -tol && self.flow[a] <= self.upper[a] + tol);
        let sides_ok = self.working.sides().iter().all(|&s| {
            let (x, u) = (self.side_value[s as usize], self.side_upper[s as usize]);
            x >= -tol && x <= u + tol
        });
        arcs_ok && sides_ok
    }

    /// The working matrix's refactorisations' work so far (see `Working::work`).
    pub(crate) fn work(&self) -> u64 {
        self.working.work()
    }

    /// The working matrix's order (basic side columns) and its dense core's, as last
    /// factored.
    pub(crate) fn working_order(&self) -> (usize, usize) {
        (self.working.sides().len(), self.working.core_order())
    }

    /// Where a caller's arc sits.
    pub(crate) fn arc_state(&self, arc: usize) -> State {
        self.state[self.nodes + arc]
    }

    /// Where a side column sits.
    pub(crate) fn side_column_state(&self, side: usize) -> State {
        self.side_state[side]
    }

    /// Holds every nonbasic column whose reduced cost is not zero where it is, for the
    /// solves after this one: what is left is the optimal face of the objective just solved,
    /// on which the next objective is optimised (a lexicographic LP, tier by tier). Call
    /// after an optimal solve. Returns how many columns it held.
    #[cfg(test)]
    pub(crate) fn hold_face(&mut self) -> usize {
        let tol = self.cost_tolerance;
        let mut held = 0;
        for j in 0..self.column_count() {
            let col = self.column(j);
            if self.wrong_way(col).is_some_and(|w| w < -tol) {
                match col {
                    Col::Arc(a) => self.arc_locked[a as usize] = true,
                    Col::Side(s) => self.side_locked[s as usize] = true,
                }
                held += 1;
            }
        }
        held
    }

    /// The largest bound violation of the current values and the largest reduced cost of
    /// the wrong sign among the columns free to move (duals recomputed from scratch): both
    /// within the tolerances at an optimum.
    #[cfg(test)]
    pub(crate) fn violations(&mut self) -> (f64, f64) {
        self.refresh_duals();
        let mut primal = 0.0f64;
        let mut dual = 0.0f64;
        for j in 0..self.column_count() {
            let col = self.column(j);
            let (x, upper) = (self.value_of(col), self.upper_of(col));
            primal = primal.max(-x).max(x - upper);
            if let Some(w) = self.wrong_way(col) {
                dual = dual.max(w);
            }
        }
        (primal, dual)
    }

    /// The caller's arcs' flows.
    pub(crate) fn arc_flows(&self) -> &[f64] {
        &self.flow[self.nodes..]
    }

    /// The side columns' values.
    pub(crate) fn side_values(&self) -> &[f64] {
        &self.side_value
    }

    /// Pivots made over every solve so far.
    pub(crate) fn pivots(&self) -> u64 {
        self.pivots
    }

    /// The node potentials (duals of the node rows; the root's is 0), in the convention
    /// `reduced cost = cost − π(tail) + π(head)` for an arc and `cost − Σ coef·π` for a side
    /// column.
    pub(crate) fn potentials(&self) -> Vec<f64> {
        (0..self.nodes).map(|i| self.potential(i as u32)).collect()
    }

    /// The objective at the current values.
    #[cfg(test)]
    pub(crate) fn objective(&self) -> f64 {
        let arcs: f64 = self.cost.iter().zip(&self.flow).map(|(c, x)| c * x).sum();
        let sides: f64 = self
            .side_cost
            .iter()
            .zip(&self.side_value)
            .map(|(c, x)| c * x)
            .sum();
        arcs + sides
    }

    /// A caller's arc's reduced cost at the current potentials.
    #[cfg(test)]
    pub(crate) fn arc_reduced_cost(&self, arc: usize) -> f64 {
        self.arc_rc(self.nodes + arc)
    }

    /// A side column's reduced cost at the current potentials.
    #[cfg(test)]
    pub(crate) fn side_reduced_cost(&self, side: usize) -> f64 {
        self.side_rc(side)
    }

    /// Whether `col` is an arc between two nodes of one tree: its pivot moves no side
    /// column and changes no tree's node set (no refactoring).
    fn within_one_tree(&self, col: Col) -> bool {
        match col {
            Col::Arc(a) => {
                let a = a as usize;
                self.forest.comp[self.tail[a] as usize] == self.forest.comp[self.head[a] as usize]
            }
            Col::Side(_) => false,
        }
    }

    /// Improves the current basis by pivots on arcs within one tree only, at most
    /// `max_pivots`: each costs a tree walk and no refactoring. Returns the pivots made. How
    /// it ended does not matter to the caller: any basis it leaves is feasible, and a
    /// numerical failure shows again at the next solve, which drops the copy.
    pub(crate) fn polish_within_trees(&mut self, max_pivots: u64) -> u64 {
        let before = self.pivots;
        let _ = self.run(max_pivots, true);
        self.pivots - before
    }

    /// Solves from the current basis to optimality or `max_pivots` more pivots.
    pub(crate) fn solve(&mut self, max_pivots: u64) -> LpEnd {
        self.run(max_pivots, false)
    }

    /// [`NetworkLp::solve`], pricing only arcs within one tree when `within_trees`.
    fn run(&mut self, max_pivots: u64, within_trees: bool) -> LpEnd {
        let scale = self.cost[self.nodes..]
            .iter()
            .chain(&self.side_cost)
            .fold(1.0f64, |m, c| m.max(c.abs()));
        self.cost_tolerance = 1e-9 * scale;
        if !self.refresh_duals() {
            return LpEnd::Numerical;
        }
        if self.bounds_moved {
            self.bounds_moved = false;
            if !self.recompute_primal() || !self.basis_feasible() {
                return LpEnd::Numerical;
            }
        }
        let limit = self.pivots + max_pivots;
        loop {
            if self.pivots >= limit {
                return LpEnd::PivotLimit;
            }
            let Some((entering, sigma)) = self.choose_entering(within_trees) else {
                break;
            };
            match self.pivot(entering, sigma) {
                Ok(()) => {}
                Err(end) => return end,
            }
            self.pivots += 1;
        }
        if !self.recompute_primal() {
            return LpEnd::Numerical;
        }
        let infeasible = !self.slack_start
            && (0..self.nodes)
                .any(|a| self.flow[a] > self.value_tolerance * (1.0 + self.supply_scale()));
        if infeasible {
            LpEnd::Infeasible
        } else {
            LpEnd::Optimal
        }
    }

    fn supply_scale(&self) -> f64 {
        self.supply.iter().fold(0.0f64, |m, b| m.max(b.abs()))
    }

    /// The full potential of a node: its tree's own plus its tree's shift.
    fn potential(&self, node: u32) -> f64 {
        self.forest.pot[node as usize] + self.working.shift(self.forest.comp[node as usize])
    }

    fn arc_rc(&self, a: usize) -> f64 {
        self.cost[a] - self.potential(self.tail[a]) + self.potential(self.head[a])
    }

    fn side_rc(&self, s: usize) -> f64 {
        let mut rc = self.side_cost[s];
        for e in self.side_start[s]..self.side_start[s + 1] {
            rc -= self.side_coef[e] * self.potential(self.side_node[e]);
        }
        rc
    }

    /// Column `j` of the pricing order: the arcs (artificial ones first), then the side
    /// columns.
    fn column(&self, j: usize) -> Col {
        let arcs = self.tail.len();
        if j < arcs {
            Col::Arc(j as u32)
        } else {
            Col::Side((j - arcs) as u32)
        }
    }

    fn column_count(&self) -> usize {
        self.tail.len() + self.side_cost.len()
    }

    fn state_of(&self, col: Col) -> State {
        match col {
            Col::Arc(a) => self.state[a as usize],
            Col::Side(s) => self.side_state[s as usize],
        }
    }

    fn set_state(&mut self, col: Col, to: State) {
        match col {
            Col::Arc(a) => self.state[a as usize] = to,
            Col::Side(s) => self.side_state[s as usize] = to,
        }
    }

    fn upper_of(&self, col: Col) -> f64 {
        match col {
            Col::Arc(a) => self.upper[a as usize],
            Col::Side(s) => self.side_upper[s as usize],
        }
    }

    fn value_of(&self, col: Col) -> f64 {
        match col {
            Col::Arc(a) => self.flow[a as usize],
            Col::Side(s) => self.side_value[s as usize],
        }
    }

    fn value_mut(&mut self, col: Col) -> &mut f64 {
        match col {
            Col::Arc(a) => &mut self.flow[a as usize],
            Col::Side(s) => &mut self.side_value[s as usize],
        }
    }

    fn locked(&self, col: Col) -> bool {
        match col {
            Col::Arc(a) => self.arc_locked[a as usize],
            Col::Side(s) => self.side_locked[s as usize],
        }
    }

    /// How far a nonbasic column's reduced cost is on the side that pays to move it off its
    /// bound (`−rc` at the lower, `rc` at the upper); None for basic and held columns.
    fn wrong_way(&self, col: Col) -> Option<f64> {
        let state = self.state_of(col);
        if state == State::Basic || self.locked(col) {
            return None;
        }
        let rc = match col {
            Col::Arc(a) => self.arc_rc(a as usize),
            Col::Side(s) => self.side_rc(s as usize),
        };
        Some(if state == State::Lower { -rc } else { rc })
    }

    fn side_entries(&self, s: usize) -> impl Iterator<Item = (u32, f64)> + '_ {
        (self.side_start[s]..self.side_start[s + 1]).map(|e| (self.side_node[e], self.side_coef[e]))
    }

    /// Rebuilds the working matrix from the forest's trees and the basic side columns, and
    /// the trees' shifts from it. False when the matrix is singular.
    fn refresh_duals(&mut self) -> bool {
        let root = self.nodes as u32;
        self.forest.refresh_subtree(root, &self.tail, &self.cost);
        for t in self.forest.tree_roots() {
            self.forest.refresh_subtree(t, &self.tail, &self.cost);
        }
        self.refresh_working()
    }

    /// Basic side column `s`'s entry of the shifts' right-hand side `d`: its cost less its
    /// entries at the trees' own potentials (what the shifts must make up).
    fn side_rhs(&self, s: usize) -> f64 {
        self.side_rhs_with(s, |_, _| {})
    }

    /// [`NetworkLp::side_rhs`], handing each of the column's `(node, coefficient)` entries to
    /// `each` on the way, so that one pass also gathers the column's row of `W`.
    fn side_rhs_with(&self, s: usize, mut each: impl FnMut(usize, f64)) -> f64 {
        let mut own = -0.0;
        for e in self.side_start[s]..self.side_start[s + 1] {
            let (node, coef) = (self.side_node[e] as usize, self.side_coef[e]);
            each(node, coef);
            own += coef * self.forest.pot[node];
        }
        self.side_cost[s] - own
    }

    /// The working matrix and the shifts, from the current trees (their own potentials are
    /// already right).
    fn refresh_working(&mut self) -> bool {
        let rows: Vec<working::RowData> = (0..self.working.sides().len() as u32)
            .map(|r| self.row_data(r))
            .collect();
        let change = working::Change {
            rows,
            trees: Vec::new(),
        };
        self.working.rebuild(self.forest.live_trees(), change)
    }

    /// Row `r` of the working matrix as the current trees make it: its side column's entries
    /// as `(tree, coefficient)` per node, and its right-hand side.
    fn row_data(&self, r: u32) -> working::RowData {
        let s = self.working.sides()[r as usize] as usize;
        let comp = &self.forest.comp;
        let mut entries = Vec::with_capacity(self.side_start[s + 1] - self.side_start[s]);
        let d = self.side_rhs_with(s, |node, coef| entries.push((comp[node], coef)));
        working::RowData { row: r, entries, d }
    }

    /// After a pivot that changed the trees or the basic side columns: the rows on `nodes`
    /// (whose trees or own potentials moved) and `extra` (a row that took a new side column)
    /// are read again, and only the blocks of `W` they or `trees` (tree ids made, freed or
    /// resized) touch are refactored.
    fn update_working(
        &mut self,
        nodes: &[u32],
        extra: Option<u32>,
        trees: Vec<u32>,
    ) -> Result<(), LpEnd> {
        self.kinds[2] += 1;
        let mut rows = self.working.rows_on(nodes);
        if let Some(r) = extra {
            if let Err(at) = rows.binary_search(&r) {
                rows.insert(at, r);
            }
        }
        let rows = rows.into_iter().map(|r| self.row_data(r)).collect();
        let forest = &self.forest;
        if self
            .working
            .update(working::Change { rows, trees }, |t| forest.is_live(t))
        {
            #[cfg(test)]
            self.assert_rebuild_changes_nothing();
            Ok(())
        } else {
            Err(LpEnd::Numerical)
        }
    }

    /// Block search (Grigoriadis's rule, as LEMON's network simplex): the most violated column
    /// of the first block that has one.
    fn choose_entering(&mut self, within_trees: bool) -> Option<(Col, f64)> {
        let total = self.column_count();
        if total == 0 {
            return None;
        }
        // Measured on the master's final LPs: the whole scan (Dantzig's rule) halves the
        // pivots at the school but costs more per pivot, and at 4,000×1,000 takes as many
        // pivots in the fit tier (68 k against 62 k) at 13× the time.
        let block = ((total as f64).sqrt() as usize).max(10);
        let mut best: Option<(Col, f64)> = None;
        let mut best_violation = self.cost_tolerance;
        let mut in_block = 0;
        let mut j = self.next_column % total;
        for _ in 0..total {
            let col = self.column(j);
            // A column fixed at zero (upper bound 0) cannot move up.
            let movable = (self.state_of(col) != State::Lower || self.upper_of(col) > 0.0)
                && (!within_trees || self.within_one_tree(col));
            // (A column that cannot move is not priced at all.)
            let violation = if movable {
                self.wrong_way(col).unwrap_or(0.0)
            } else {
                0.0
            };
            if violation > best_violation {
                best_violation = violation;
                let sigma = if self.state_of(col) == State::Lower {
                    1.0
                } else {
                    -1.0
                };
                best = Some((col, sigma));
            }
            j += 1;
            if j == total {
                j = 0;
            }
            in_block += 1;
            if in_block == block {
                if best.is_some() {
                    break;
                }
                in_block = 0;
            }
        }
        self.next_column = j;
        best
    }

    /// The column a basic variable is.
    fn basic_column(&self, var: Basic) -> Col {
        match var {
            Basic::Edge(v) => Col::Arc(self.forest.pred[v as usize]),
            Basic::Side(r) => Col::Side(self.working.sides()[r as usize]),
        }
    }

    fn value(&self, var: Basic) -> f64 {
        self.value_of(self.basic_column(var))
    }

    fn bound(&self, var: Basic) -> f64 {
        self.upper_of(self.basic_column(var))
    }

    fn add_value(&mut self, var: Basic, delta: f64) {
        *self.value_mut(self.basic_column(var)) += delta;
    }

    /// The column's entries over the node rows (the root's dropped).
    fn entries(&self, col: Col) -> Vec<(u32, f64)> {
        let root = self.nodes as u32;
        match col {
            Col::Arc(a) => {
                let a = a as usize;
                let mut out = Vec::with_capacity(2);
                if self.tail[a] != root {
                    out.push((self.tail[a], 1.0));
                }
                if self.head[a] != root {
                    out.push((self.head[a], -1.0));
                }
                out
            }
            Col::Side(s) => self.side_entries(s as usize).collect(),
        }
    }

    /// How each basic variable changes per unit increase of `col`: `−B⁻¹a`.
    fn direction(&mut self, col: Col) -> Vec<Step> {
        let a = self.entries(col);
        // The side columns' part: Wᵀ y = per-tree sums of the column.
        let side_rates = self.working.solve_transposed(
            a.iter()
                .map(|&(node, coef)| (self.forest.comp[node as usize], coef)),
        );
        let mut steps = Vec::new();
        let mut residual: Vec<(u32, f64)> = a;
        for (r, y) in side_rates {
            steps.push(Step {
                var: Basic::Side(r),
                rate: -y,
            });
            let s = self.working.sides()[r as usize] as usize;
            for (node, coef) in self.side_entries(s) {
                residual.push((node, -y * coef));
            }
        }
        // What is left flows up each tree.
        for (v, amount) in self.forest.route_up(&residual) {
            // The edge above `v` carries `amount` out of `v`'s subtree: +amount if it points
            // up (its tail is v), −amount if down.
            let a = self.forest.pred[v as usize] as usize;
            let y = if self.tail[a] == v { amount } else { -amount };
            steps.push(Step {
                var: Basic::Edge(v),
                rate: -y,
            });
        }
        steps
    }

    /// One pivot on `entering`, moving up (`sigma` 1) or down (−1).
    fn pivot(&mut self, entering: Col, sigma: f64) -> Result<(), LpEnd> {
        let steps = self.direction(entering);
        let own_bound = self.upper_of(entering);
        // Ratio test (Harris's two passes): the largest step no basic variable overshoots
        // by more than the tolerance, then among the variables that block within it the one
        // with the largest rate, so that the new basis is far from singular. Rates below
        // `PIVOT_TOLERANCE` are taken as zero. Per blocking variable: its rate, its room
        // with the tolerance, its room, and the bound it meets.
        let tol = self.value_tolerance;
        let mut blocking: Vec<(Basic, f64, f64, f64, State)> = Vec::new();
        for step in &steps {
            let rate = sigma * step.rate;
            if rate.abs() <= PIVOT_TOLERANCE {
                continue;
            }
            let value = self.value(step.var);
            if rate < 0.0 {
                let (relaxed, room) = ((value + tol) / -rate, value.max(0.0) / -rate);
                blocking.push((step.var, rate, relaxed, room, State::Lower));
            } else {
                let bound = self.bound(step.var);
                if bound == f64::INFINITY {
                    continue;
                }
                let relaxed = (bound - value + tol) / rate;
                let room = (bound - value).max(0.0) / rate;
                blocking.push((step.var, rate, relaxed, room, State::Upper));
            }
        }
        let relaxed = blocking
            .iter()
            .fold(own_bound, |m, &(_, _, relaxed, _, _)| m.min(relaxed));
        let mut theta = if own_bound > relaxed {
            f64::INFINITY
        } else {
            own_bound
        };
        let mut leaving: Option<(Basic, State)> = None;
        let mut best_rate = 0.0;
        for &(var, rate, _, room, to) in &blocking {
            if room <= relaxed && rate.abs() > best_rate {
                best_rate = rate.abs();
                theta = room;
                leaving = Some((var, to));
            }
        }
        if theta == f64::INFINITY {
            return Err(LpEnd::Unbounded);
        }
        if theta <= self.value_tolerance {
            self.degenerate += 1;
        }
        // Move.
        if theta > 0.0 {
            *self.value_mut(entering) += sigma * theta;
            for step in &steps {
                self.add_value(step.var, sigma * theta * step.rate);
            }
        }
        let Some((out, to)) = leaving else {
            // A bound flip of the entering column.
            let (to, at) = if sigma > 0.0 {
                (State::Upper, self.upper_of(entering))
            } else {
                (State::Lower, 0.0)
            };
            self.set_state(entering, to);
            *self.value_mut(entering) = at;
            return Ok(());
        };
        // Snap the leaving variable onto its bound.
        let snapped = if to == State::Lower {
            0.0
        } else {
            self.bound(out)
        };
        let now = self.value(out);
        self.add_value(out, snapped - now);
        self.change_basis(entering, out, to)
    }

    /// Makes `entering` basic and `out` nonbasic at `to`, and brings the forest, the working
    /// matrix and the potentials up to date.
    fn change_basis(&mut self, entering: Col, out: Basic, to: State) -> Result<(), LpEnd> {
        // The leaving variable goes to its bound.
        self.set_state(self.basic_column(out), to);
        self.set_state(entering, State::Basic);
        match (entering, out) {
            (Col::Arc(a), Basic::Edge(v)) => {
                let (u, w) = (self.tail[a as usize], self.head[a as usize]);
                let same_tree = self.forest.comp[u as usize] == self.forest.comp[w as usize];
                if same_tree {
                    // The classic pivot: the subtree below `v` rehangs on the entering arc; its
                    // tree is unchanged as a set of nodes.
                    let inside = if self.forest.is_below(u, v) { u } else { w };
                    let outside = if inside == u { w } else { u };
                    let touched = self
                        .forest
                        .rehang(v, inside, outside, a, &self.tail, &self.cost);
                    if touched.iter().any(|&n| self.working.touches(n)) {
                        return self.shifts_after_move(&touched);
                    }
                    self.kinds[0] += 1;
                    Ok(())
                } else {
                    // The subtree below `v` leaves its tree for the other end's. Where no
                    // basic side column has an entry in it and it is the part that moves
                    // (the join keeps the other tree's id and potentials), every tree's sum
                    // of side entries, every side column's right-hand side and the trees'
                    // order are as before: `W`, its factors and the shifts stand, bit for
                    // bit what a rebuild would give. At the district this is about a third
                    // of the coverage tiers' cross-tree pivots (5.9 k of 17.6 k).
                    let before = [self.forest.comp[u as usize], self.forest.comp[w as usize]];
                    let mut cut = self.forest.split(v, &self.tail, &self.cost);
                    let split_off = self.forest.comp[v as usize];
                    let (moved, mut nodes) = self.join(a)?;
                    if moved == split_off && !cut.iter().any(|&n| self.working.touches(n)) {
                        self.kinds[3] += 1;
                        #[cfg(test)]
                        self.assert_rebuild_changes_nothing();
                        return Ok(());
                    }
                    nodes.append(&mut cut);
                    self.update_working(&nodes, None, vec![before[0], before[1], split_off, moved])
                }
            }
            (Col::Arc(a), Basic::Side(r)) => {
                let trees = {
                    let (u, w) = (self.tail[a as usize], self.head[a as usize]);
                    vec![self.forest.comp[u as usize], self.forest.comp[w as usize]]
                };
                self.working
                    .remove_side(r as usize, &self.side_node, &self.side_start);
                let (_, nodes) = self.join(a)?;
                self.update_working(&nodes, None, trees)
            }
            (Col::Side(s), Basic::Side(r)) => {
                self.working
                    .replace_side(r as usize, s, &self.side_node, &self.side_start);
                self.update_working(&[], Some(r), Vec::new())
            }
            (Col::Side(s), Basic::Edge(v)) => {
                let old = self.forest.comp[v as usize];
                let cut = self.forest.split(v, &self.tail, &self.cost);
                let made = self.forest.comp[v as usize];
                let row = self.working.add_side(s, &self.side_node, &self.side_start);
                self.update_working(&cut, Some(row), vec![old, made])
            }
        }
    }

    /// Links the trees of arc `a`'s two ends by it; returns the id of the tree that moved
    /// into the other (now free) and its nodes.
    fn join(&mut self, a: u32) -> Result<(u32, Vec<u32>), LpEnd> {
        let (u, w) = (self.tail[a as usize], self.head[a as usize]);
        if self.forest.comp[u as usize] == self.forest.comp[w as usize] {
            return Err(LpEnd::Numerical);
        }
        Ok(self.forest.join(u, w, a, &self.tail, &self.cost))
    }

    /// For the unit tests, at every pivot whose rebuild of `W` is skipped: a rebuild gives
    /// the same shifts, bit for bit.
    #[cfg(test)]
    fn assert_rebuild_changes_nothing(&mut self) {
        let trees = self.forest.live_trees().to_vec();
        let kept: Vec<u64> = trees
            .iter()
            .map(|&t| self.working.shift(t).to_bits())
            .collect();
        assert!(
            self.refresh_working(),
            "the kept working matrix is singular"
        );
        let rebuilt: Vec<u64> = trees
            .iter()
            .map(|&t| self.working.shift(t).to_bits())
            .collect();
        assert_eq!(
            kept, rebuilt,
            "a skipped rebuild would have moved the shifts"
        );
    }

    /// After a pivot within a tree that moved nodes a basic side column touches (`moved`):
    /// the trees are the same sets of nodes, so `W` and its factors are unchanged, but the
    /// right-hand sides of the rows on those nodes moved: their blocks' shifts are solved
    /// again from the same factors.
    fn shifts_after_move(&mut self, moved: &[u32]) -> Result<(), LpEnd> {
        self.kinds[1] += 1;
        let rows_d: Vec<(u32, f64)> = self
            .working
            .rows_on(moved)
            .into_iter()
            .map(|r| (r, self.side_rhs(self.working.sides()[r as usize] as usize)))
            .collect();
        if self.working.reshift(&rows_d) {
            #[cfg(test)]
            self.assert_rebuild_changes_nothing();
            Ok(())
        } else {
            self.refactor()
        }
    }

    fn refactor(&mut self) -> Result<(), LpEnd> {
        if self.refresh_working() {
            Ok(())
        } else {
            Err(LpEnd::Numerical)
        }
    }

    /// Recomputes every basic variable from the nonbasic ones (drift from the pivots' steps
    /// is dropped). False when the working matrix is singular.
    fn recompute_primal(&mut self) -> bool {
        let root = self.nodes as u32;
        let mut residual: Vec<(u32, f64)> = Vec::with_capacity(self.nodes);
        for i in 0..self.nodes {
            if self.supply[i] != 0.0 {
                residual.push((i as u32, self.supply[i]));
            }
        }
        for a in 0..self.tail.len() {
            if self.state[a] == State::Upper {
                let x = self.upper[a];
                self.flow[a] = x;
                if self.tail[a] != root {
                    residual.push((self.tail[a], -x));
                }
                if self.head[a] != root {
                    residual.push((self.head[a], x));
                }
            } else if self.state[a] == State::Lower {
                self.flow[a] = 0.0;
            }
        }
        for s in 0..self.side_cost.len() {
            if self.side_state[s] == State::Upper {
                let x = self.side_upper[s];
                self.side_value[s] = x;
                for (node, coef) in self.side_entries(s) {
                    residual.push((node, -coef * x));
                }
            } else if self.side_state[s] == State::Lower {
                self.side_value[s] = 0.0;
            }
        }
        let side_values = self.working.solve_transposed(
            residual
                .iter()
                .map(|&(node, x)| (self.forest.comp[node as usize], x)),
        );
        let sides: Vec<u32> = self.working.sides().to_vec();
        for &s in &sides {
            self.side_value[s as usize] = 0.0;
        }
        for (r, y) in side_values {
            let s = sides[r as usize] as usize;
            self.side_value[s] = y;
            for (node, coef) in self.side_entries(s) {
                residual.push((node, -coef * y));
            }
        }
        for v in 0..self.nodes as u32 {
            if self.forest.parent[v as usize] != NONE {
                let a = self.forest.pred[v as usize] as usize;
                self.flow[a] = 0.0;
            }
        }
        for (v, amount) in self.forest.route_up(&residual) {
            let a = self.forest.pred[v as usize] as usize;
            self.flow[a] = if self.tail[a] == v { amount } else { -amount };
        }
        true
    }
}
