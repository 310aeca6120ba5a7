//! The fast exact path: when no mentor can cover two needs of one student (so a seat is a
//! need), the pairing is a bipartite b-matching, i.e. a min-cost flow
//!
//! `source → student (cap max_mentors) → need (cap 1) → mentor (cap 1) → mentor (cap capacity) → sink`
//!
//! whose linear program has integral optima. When the per-student limit cannot bind, the
//! student layer is dropped and each need gets its own "stay unassigned" arc of cost 0 to the
//! sink, so every need sends exactly one unit ([`ByNeeds`]). It is solved by successive shortest paths with
//! Dijkstra and node potentials, on **lexicographic costs** `(urgent, high, normal, low, fit)`
//! packed exactly into one `i128` (signed digits in radix 2^20, fit in the low 44 bits), so
//! "coverage by priority first, then fit" is exact without a big-M weight. Fit is quantised
//! (at most 1e-9 per pair, coarser only when weights are huge). Locked pairs are made first and
//! their seats taken out. Each augmenting path is a shortest one, so the flow is optimal for its
//! value at every step; augmenting stops at the first path that would not improve the cost,
//! which makes the result a maximum-weight b-matching. Dijkstra stops once the sink is settled;
//! potentials of settled nodes move by `d(v) - d(sink)` (the others by 0), which keeps every
//! reduced cost non-negative and never touches the rest of the graph.
//!
//! Imports the domain, the rules and `parallel`; must not import HiGHS (`highs.rs`), the
//! integer program, or anything above the solver (outcome, explanations, engine, proto,
//! service).

use crate::domain::model::{MentorIx, NeedIx, Problem, Student, StudentIx};
use crate::domain::Priority;
use crate::rules::Candidates;

mod by_needs;
mod by_students;
mod radix;
use by_needs::ByNeeds;
use by_students::ByStudents;

/// A lexicographic cost packed into one integer: `Σ level_i · 2^(44 + 20·i) + fit`.
pub(super) type Cost = i128;
/// Radix of one coverage digit: |digit| stays below 2^19 for up to 200,000 needs.
const LEVEL_BITS: u32 = 20;
/// Bits for the fit digit (kept below 2^43 in absolute value).
pub(super) const FIT_BITS: u32 = 44;
/// Finest fit quantum: scores are compared to 1e-9.
const FIT_SCALE_MAX: f64 = 1e9;

/// Marks a node no search has reached yet.
const UNSEEN: u32 = u32::MAX - 1;

/// Residual graph in arrays: arc `a` and its reverse `a ^ 1`.
///
/// A node's forward arcs (even indices) are a linked list; its reverse arcs are listed only
/// while they have room (`open`), because a search expands only arcs with room, and a mentor
/// has one reverse arc per candidate pair but room on at most its seats' worth: scanning every
/// one (the linked list held them all) made each settled mentor cost its hundreds of
/// candidate arcs (2 µs a settled node at 10,000 students). Capacities therefore change only
/// through [`Graph::set_cap`] and [`Graph::push`].
struct Graph {
    head: Vec<u32>,
    cap: Vec<i32>,
    /// Cost of each arc; a reverse arc costs the negation of its forward arc.
    cost: Vec<Cost>,
    /// Candidate position for need→mentor arcs, `u32::MAX` for structural arcs.
    cand: Vec<u32>,
    /// First forward arc out of each node (`u32::MAX`: none), then `next`.
    first: Vec<u32>,
    next: Vec<u32>,
    /// The reverse arcs with room, by tail node.
    open: Vec<Vec<u32>>,
    /// Where each reverse arc sits in its tail's `open` list (`u32::MAX`: not there).
    open_at: Vec<u32>,
}

impl Graph {
    fn new(nodes: usize, arcs: usize) -> Self {
        Graph {
            head: Vec::with_capacity(2 * arcs),
            cap: Vec::with_capacity(2 * arcs),
            cost: Vec::with_capacity(2 * arcs),
            cand: Vec::with_capacity(2 * arcs),
            first: vec![u32::MAX; nodes],
            next: Vec::with_capacity(arcs),
            open: vec![Vec::new(); nodes],
            open_at: Vec::with_capacity(arcs),
        }
    }

    /// Adds an arc with room `cap` and its reverse (no room); returns the forward arc's
    /// index.
    fn add_arc(&mut self, from: usize, to: usize, cap: i32, cand: u32, cost: Cost) -> usize {
        let forward = self.head.len();
        self.head.extend([to as u32, from as u32]);
        self.cap.extend([cap, 0]);
        self.cost.extend([cost, -cost]);
        self.cand.extend([cand, cand]);
        self.next.push(self.first[from]);
        self.first[from] = forward as u32;
        self.open_at.push(u32::MAX);
        forward
    }

    /// The arc's tail.
    fn tail(&self, a: usize) -> usize {
        self.head[a ^ 1] as usize
    }

    /// Sets arc `a`'s room, keeping the reverse arcs' `open` lists.
    fn set_cap(&mut self, a: usize, cap: i32) {
        let was = self.cap[a];
        self.cap[a] = cap;
        if a.is_multiple_of(2) || (was > 0) == (cap > 0) {
            return;
        }
        let u = self.tail(a);
        if cap > 0 {
            self.open_at[a / 2] = self.open[u].len() as u32;
            self.open[u].push(a as u32);
        } else {
            let at = self.open_at[a / 2] as usize;
            self.open_at[a / 2] = u32::MAX;
            let list = &mut self.open[u];
            list.swap_remove(at);
            if let Some(&moved) = list.get(at) {
                self.open_at[moved as usize / 2] = at as u32;
            }
        }
    }

    /// Takes forward arc `a` out of the network with any flow it carries: no room either way,
    /// and no longer a pair (its candidate mark cleared, so a plan read off the saturated arcs
    /// skips it).
    fn close(&mut self, a: usize) {
        self.set_cap(a, 0);
        self.set_cap(a ^ 1, 0);
        self.cand[a] = u32::MAX;
        self.cand[a ^ 1] = u32::MAX;
    }

    /// Pushes `units` along arc `a` (room moves to its reverse).
    fn push(&mut self, a: usize, units: i32) {
        self.set_cap(a, self.cap[a] - units);
        self.set_cap(a ^ 1, self.cap[a ^ 1] + units);
    }

    /// The arcs out of `u` a search may take: its forward arcs, then its reverse arcs with
    /// room (the caller still checks the forward arcs' room).
    fn arcs_out(&self, u: usize) -> impl Iterator<Item = usize> + '_ {
        let mut a = self.first[u];
        std::iter::from_fn(move || {
            (a != u32::MAX).then(|| {
                let ai = a as usize;
                a = self.next[ai / 2];
                ai
            })
        })
        .chain(self.open[u].iter().map(|&a| a as usize))
    }
}

/// Dijkstra state reused across searches; only the nodes a search touched are reset.
struct Search {
    dist: Vec<Cost>,
    parent: Vec<u32>,
    done: Vec<bool>,
    touched: Vec<usize>,
    heap: radix::RadixHeap,
    /// Nodes settled by every search so far: the work done, independent of machine noise.
    settled: u64,
}

impl Search {
    fn new(nodes: usize) -> Self {
        Search {
            dist: vec![0; nodes],
            parent: vec![UNSEEN; nodes],
            done: vec![false; nodes],
            touched: Vec::new(),
            heap: radix::RadixHeap::new(),
            settled: 0,
        }
    }

    /// Shortest path by reduced cost `cost + π(u) − π(v)` over arcs with residual capacity,
    /// from `from` until `sink` is settled. Returns whether the sink was reached.
    fn run(&mut self, g: &Graph, pi: &[Cost], from: usize, sink: usize) -> bool {
        self.run_below(g, pi, from, sink, Cost::MAX, None)
    }

    /// [`Search::run`] that gives up once every node left is at least `limit` away: true when
    /// the sink is settled closer than that. When false, the settled nodes are exactly those
    /// closer than `limit` and [`Search::update_potentials_to`] with `limit` keeps every
    /// reduced cost non-negative. A caller that only wants a path shorter than `limit` (a
    /// negative cycle, say) need not settle the rest of the network to learn there is none.
    ///
    /// With `narrow = Some((u, a))`, node `u` is expanded only along its arc `a`: for a
    /// caller that knows no shortest path to the sink leaves `u` by another arc, and that the
    /// arc's head is then as close as `u` (a zero reduced cost), so every node left unreached
    /// through `u` is at least as far as the sink and the potentials stay valid. The other
    /// arcs of `u` are not even read: `u` is the source of the student layer, with an arc to
    /// every student, and scanning them to skip them was most of a search.
    fn run_below(
        &mut self,
        g: &Graph,
        pi: &[Cost],
        from: usize,
        sink: usize,
        limit: Cost,
        narrow: Option<(usize, usize)>,
    ) -> bool {
        for &v in &self.touched {
            self.parent[v] = UNSEEN;
            self.done[v] = false;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[from] = 0;
        self.parent[from] = u32::MAX;
        self.touched.push(from);
        // Heap order among equal distances: the sink first (key 0), then the others by index.
        // The search ends when the sink is settled, so where a plateau of nodes lies as close
        // as the sink (students a zero-priced arc from the source, say) it stops at once
        // instead of settling the plateau first.
        let key = |v: usize| if v == sink { 0 } else { v as u32 + 1 };
        self.heap.push(0, key(from));
        while let Some((d, k)) = self.heap.pop() {
            let u = if k == 0 { sink } else { k as usize - 1 };
            if self.done[u] || d > self.dist[u] {
                continue;
            }
            if d >= limit {
                return false;
            }
            self.done[u] = true;
            self.settled += 1;
            if u == sink {
                return true;
            }
            match narrow {
                Some((only_from, arc)) if only_from == u => self.relax(g, pi, (u, d), arc, key),
                _ => {
                    for ai in g.arcs_out(u) {
                        self.relax(g, pi, (u, d), ai, key);
                    }
                }
            }
        }
        false
    }

    /// Relaxes arc `ai` out of `u`, settled at distance `d`: its head is queued at the
    /// distance through it when that is shorter than its own.
    #[inline(always)]
    fn relax(
        &mut self,
        g: &Graph,
        pi: &[Cost],
        (u, d): (usize, Cost),
        ai: usize,
        key: impl Fn(usize) -> u32,
    ) {
        if g.cap[ai] <= 0 {
            return;
        }
        let v = g.head[ai] as usize;
        if self.done[v] {
            return;
        }
        let nd = d + g.cost[ai] + pi[u] - pi[v];
        if self.parent[v] == UNSEEN || nd < self.dist[v] {
            if self.parent[v] == UNSEEN {
                self.touched.push(v);
            }
            self.dist[v] = nd;
            self.parent[v] = ai as u32;
            self.heap.push(nd, key(v));
        }
    }

    /// Settled nodes move by d(v) − d(sink) ≤ 0, all others by 0 (a uniform shift by d(sink)
    /// is left out: reduced costs only see differences). Keeps every reduced cost ≥ 0.
    fn update_potentials(&self, pi: &mut [Cost], sink: usize) {
        self.update_potentials_to(pi, self.dist[sink]);
    }

    /// Settled nodes move by d(v) − `dt` (`dt` at least every settled node's distance, and at
    /// most every unsettled node's), all others by 0: every reduced cost stays ≥ 0.
    fn update_potentials_to(&self, pi: &mut [Cost], dt: Cost) {
        for &v in &self.touched {
            if self.done[v] {
                pi[v] += self.dist[v] - dt;
            }
        }
    }

    /// Pushes one unit along the path found back from `sink` to `from`.
    fn augment(&self, g: &mut Graph, from: usize, sink: usize) {
        let mut v = sink;
        while v != from {
            let a = self.parent[v] as usize;
            g.push(a, 1);
            v = g.tail(a);
        }
    }
}

/// The cost of making a (need, mentor) pair, negated because the flow minimises.
pub(super) fn pair_cost(priority: Priority, score: f64, fit_scale: f64) -> Cost {
    level_cost(priority) - Cost::from(quantised_fit(score, fit_scale))
}

/// The packed cost of a plan given as (coverage digit of the pair's need, score, mentor):
/// each pair's digit less its quantised fit, plus each mentor's seat costs for its load (on
/// the network every pair is a seat of its own).
pub(super) fn plan_cost(
    pairs: impl IntoIterator<Item = (Cost, f64, MentorIx)>,
    fit_scale: f64,
    seat_costs: &SeatCosts,
) -> Cost {
    // Loads are counted only where seats carry costs.
    let counting = seat_costs.active();
    let mut load: std::collections::BTreeMap<MentorIx, i32> = Default::default();
    let mut cost: Cost = 0;
    for (level, score, m) in pairs {
        cost += level - Cost::from(quantised_fit(score, fit_scale));
        if counting {
            *load.entry(m).or_default() += 1;
        }
    }
    cost + load.values().map(|&l| seat_costs.total(l)).sum::<Cost>()
}

/// The coverage digit of a pair's cost: the same for every pair of a need.
pub(super) fn level_cost(priority: Priority) -> Cost {
    let level: u32 = match priority {
        Priority::Urgent => 3,
        Priority::High => 2,
        Priority::Normal => 1,
        Priority::Low => 0,
    };
    -(1i128 << (FIT_BITS + LEVEL_BITS * level))
}

/// The fit digit of a pair's cost (before negation).
pub(super) fn quantised_fit(score: f64, fit_scale: f64) -> i64 {
    round_half_away(score * fit_scale)
}

/// `x.round()` as an integer, for |x| < 2^52 (fit values stay below 2^43). Pricing converts
/// every feasible pair each round; this avoids the libm call and the float → i128 routine
/// (together 6% of a district solve) and gives the same integer: `x − trunc(x)` is exact.
/// The two comparisons are added as 0 or 1 rather than branched on: the fraction's side of
/// one half is a coin toss from pair to pair, and the mispredicted branches were most of
/// the flow's pricing scan over every pair.
fn round_half_away(x: f64) -> i64 {
    let t = x as i64;
    let frac = x - t as f64;
    t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5)
}

/// An optimal plan of the network model with the node potentials that prove it: every residual
/// arc has non-negative reduced cost `cost + π(tail) − π(head)`.
pub(super) struct NetworkSolution {
    pub chosen: Vec<usize>,
    need_pi: Vec<Cost>,
    mentor_pi: Vec<Cost>,
    sink_pi: Cost,
    need_done: Vec<bool>,
    pub(super) fit_scale: f64,
    level: Vec<Cost>,
    seat_costs: SeatCosts,
}

impl NetworkSolution {
    /// The plan's packed cost (lower is better): coverage by priority, then fit.
    pub(super) fn cost(&self, candidates: &Candidates) -> Cost {
        let scored: Vec<(NeedIx, MentorIx, f64)> = super::verify::pairs(candidates, &self.chosen)
            .into_iter()
            .zip(&self.chosen)
            .map(|((n, m), &c)| (n, m, candidates.scores[c]))
            .collect();
        self.cost_of(&scored)
    }

    /// The packed cost of any plan of (need, mentor, score) in this solution's units (its fit
    /// quantum and seat costs): equal to [`NetworkSolution::cost`] for a plan as good as this
    /// one, so a plan found elsewhere can be checked against this proven optimum exactly.
    pub(super) fn cost_of(&self, plan: &[(NeedIx, MentorIx, f64)]) -> Cost {
        plan_cost(
            plan.iter()
                .map(|&(n, m, score)| (self.level[n as usize], score, m)),
            self.fit_scale,
            &self.seat_costs,
        )
    }

    /// The reduced cost of the pair (need, mentor) at `score` against this solution's
    /// potentials, in packed units: 0 or below for the pairs of every plan as good as this one
    /// (when the seats are not priced), and a plan costing `e` more than this optimum uses only
    /// pairs of reduced cost at most `e`. Needs made up front (locks) are outside the flow: 0.
    pub(super) fn reduced(&self, n: NeedIx, m: MentorIx, score: f64) -> Cost {
        let n = n as usize;
        if self.need_done[n] {
            return 0;
        }
        self.level[n] - Cost::from(quantised_fit(score, self.fit_scale)) + self.need_pi[n]
            - self.mentor_pi[m as usize]
    }

    /// True when the seats carry costs (involvement, load spread).
    pub(super) fn prices_seats(&self) -> bool {
        self.seat_costs.active()
    }

    /// The potentials of needs, mentors and the sink (the proof of optimality), for the
    /// analyses after the solve (`gain.rs` starts from them).
    pub(super) fn potentials(&self) -> super::gain::Potentials {
        super::gain::Potentials {
            needs: self.need_pi.clone(),
            mentors: self.mentor_pi.clone(),
            sink: self.sink_pi,
        }
    }

    /// The price of one seat of each mentor read off the potentials, `max(0, π(sink) − π(m))`:
    /// what a need gives up to take that seat. Any non-negative prices give a valid
    /// Lagrangian bound (see `side/`); these make it tight wherever the model is a network.
    pub(super) fn seat_prices(&self) -> Vec<Cost> {
        self.mentor_pi
            .iter()
            .map(|&p| (self.sink_pi - p).max(0))
            .collect()
    }
}

/// Pairs of the full set `all` outside the kept `candidates` whose reduced cost is negative:
/// the plan could improve by using them. None means the plan is optimal for the full problem,
/// not just the kept set.
pub(super) fn price(
    problem: &Problem,
    all: &Candidates,
    candidates: &Candidates,
    solution: &NetworkSolution,
) -> Vec<(NeedIx, u32, f64)> {
    // Needs are priced independently: split them over the cores, then concatenate in need
    // order so the result does not depend on the split.
    let parts = crate::parallel::over_ranges(problem.needs.len(), |range| {
        price_range(all, candidates, solution, range)
    });
    parts.into_iter().flatten().collect()
}

fn price_range(
    all: &Candidates,
    candidates: &Candidates,
    solution: &NetworkSolution,
    needs: std::ops::Range<usize>,
) -> Vec<(NeedIx, u32, f64)> {
    let mut out = Vec::new();
    let mut row_out: Vec<(Cost, u32, f64)> = Vec::new();
    // The need's kept mentors, marked for the scan of its pairs and unmarked after it: one
    // look per pair instead of a walk of the two rows in step (this scan runs over every
    // pair at every pricing round, ~70 ms a round at the district).
    let mut kept_mark = vec![false; solution.mentor_pi.len()];
    for n in needs {
        if solution.need_done[n] {
            continue;
        }
        let kept = &candidates.mentors[candidates.of_need(n as NeedIx)];
        for &m in kept {
            kept_mark[m as usize] = true;
        }
        // reduced = level − fit + π(need) − π(mentor) < 0, with the need's part summed once.
        let own = solution.level[n] + solution.need_pi[n];
        row_out.clear();
        let pairs = all.of_need(n as NeedIx);
        for (&m, &score) in all.mentors[pairs.clone()].iter().zip(&all.scores[pairs]) {
            if kept_mark[m as usize] {
                continue;
            }
            let reduced = own
                - Cost::from(quantised_fit(score, solution.fit_scale))
                - solution.mentor_pi[m as usize];
            if reduced < 0 {
                row_out.push((reduced, m, score));
            }
        }
        for &m in kept {
            kept_mark[m as usize] = false;
        }
        // Only the most improving few per need join: the set stays small, and any pair still
        // improving is found again in the next round (optimality is only declared when none is).
        if row_out.len() > PRICE_PER_NEED {
            row_out.sort_by_key(|&(r, m, _)| (r, crate::rules::tie_key(n as NeedIx, m), m));
            row_out.truncate(PRICE_PER_NEED);
        }
        out.extend(row_out.iter().map(|&(_, m, score)| (n as NeedIx, m, score)));
    }
    out
}

/// How many needs (or students) are placed between two looks at the clock. A look costs
/// ~25 ns and a placement is a shortest-path search (microseconds to milliseconds); at 256 a
/// 4,000 x 1,000 school whose students have two or more needs each overran a 1 s limit by
/// ~190 ms inside one network solve, past the `max(100 ms, 2 %)` a caller may be kept waiting.
const DEADLINE_CHECK_EVERY: usize = 8;

/// Share of the needs left unassigned (1 in this many) from which priced pairs are added in
/// place however many they are. Where seats are scarce, a fresh solve repeats the searches of
/// the needs that stay unassigned, each exploring the whole full region, while withdrawing and
/// placing again a need with a better arc stays near it. Measured (release build, the first
/// pricing round's flow, in place against afresh, with the searches settling the sink first
/// among equals): the flat district (19 % left; every need has a better arc) 0.85 s against
/// 4.6 s; the 4,000 × 1,000 school's first network (9 % left, 86 % of needs improve) 64 ms
/// against 538 ms; the single-need district (1.3 % left, 41 % improve) 3.1 s against 1.1 s,
/// where each withdrawal's backward search through mentors with plenty of seats settles ~300
/// nodes, three times what a fresh placement does. A property of the flow, not of time: the
/// same choice on every run. (It replaced a rule on nodes settled per need, which the
/// tie-break above moved across its line: flat 1,448 → 237 per need.)
const SCARCE_ONE_IN: usize = 32;

/// With the student layer, priced pairs go in place only while there are at least this many
/// needs per pair. Each in-place pair is settled by a search from its mentor back to its need,
/// which reaches the need through its student, and often only through the source, whose arcs
/// lead to every student with a free slot: measured at 4,000 × 1,000 with one mentor per
/// student, 3,623 pairs in place took 8.5 s against 0.54 s for a fresh solve, while 47 and
/// 3 pairs took 44 ms and under 1 ms (a fresh solve ~0.6 s). Past the line a fresh solve.
const STUDENTS_IN_PLACE_PER_PAIR: usize = 16;

/// Pairs a pricing round may add per need. At district size 16 needs one fresh re-solve fewer
/// than 4 (nodes settled over all rounds: 6.4 M against 11 M); 64 adds nothing more.
const PRICE_PER_NEED: usize = 16;

/// A seat given out before the flow runs: `student` sits with `mentor`, who covers `needs`
/// (all of them on that one seat). Locks are seats; so are the bundles the seat-sharing
/// method commits (`side.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Seat {
    pub student: StudentIx,
    pub mentor: MentorIx,
    pub needs: Vec<NeedIx>,
}

/// Seats made up front and the fit quantum, shared by both network solvers.
struct Prepared {
    /// (need, mentor) pairs of the seats made up front.
    locked: Vec<(NeedIx, u32)>,
    seat_used: Vec<i32>,
    mentors_used: Vec<i32>,
    need_done: Vec<bool>,
    fit_scale: f64,
    /// Coverage part of the cost of each need node (its priority level, negated; the sum of
    /// its needs' levels for a bundle of needs, see `side.rs`).
    level: Vec<Cost>,
    /// Costs of the seats (involvement, load spread); the seats made up front are each
    /// mentor's first `seat_used[m]`.
    seat_costs: SeatCosts,
}

/// The coverage digit of each need's cost, from its priority.
pub(super) fn need_levels(problem: &Problem) -> Vec<Cost> {
    problem
        .needs
        .iter()
        .map(|need| level_cost(need.priority))
        .collect()
}

/// The node of a network in which the needs of `student` in `mask` (bit i: its i-th need)
/// travel together: those needs, the first at the highest of their priorities, and its
/// coverage digit, the sum of theirs (`base_level`: [`need_levels`]). Used where seats are
/// shared (`side/derived.rs`, `one_seat.rs`).
pub(super) fn joint_need(
    problem: &Problem,
    student: &crate::domain::model::Student,
    mask: u16,
    base_level: &[Cost],
) -> (Vec<NeedIx>, crate::domain::model::Need, Cost) {
    let members: Vec<NeedIx> = student
        .needs()
        .enumerate()
        .filter(|(i, _)| mask & 1 << i != 0)
        .map(|(_, n)| n)
        .collect();
    let mut need = problem.needs[members[0] as usize].clone();
    need.priority = members
        .iter()
        .map(|&n| problem.needs[n as usize].priority)
        .max()
        .unwrap_or(need.priority);
    let level = members.iter().map(|&n| base_level[n as usize]).sum();
    (members, need, level)
}

/// Solves the network model exactly over the given candidate set. Returns the chosen candidate
/// positions, ascending, with the potentials that prove optimality.
pub(super) fn solve(problem: &Problem, candidates: &Candidates) -> NetworkSolution {
    Network::new(problem, candidates, None).solution(candidates)
}

/// Seats of the locked pairs: in a network problem each lock has exactly one candidate arc.
fn lock_seats(problem: &Problem, candidates: &Candidates) -> Vec<Seat> {
    let masks = lock_needs(problem, |n, m| candidates.find(n, m).is_some());
    problem
        .locked
        .iter()
        .zip(masks)
        .filter_map(|(&(s, m), own)| {
            own.first_need(&problem.students[s as usize]).map(|n| Seat {
                student: s,
                mentor: m,
                needs: vec![n],
            })
        })
        .collect()
}

/// The needs a lock's seat covers, as masks over its student's needs (bit `i`: the student's
/// `i`-th need), one per lock of `problem.locked` in its order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct LockNeeds {
    /// One need the mentor qualifies for (`has`), none of the student's other locks' `first`:
    /// every lock can be made at once with these. 0 where the mentor qualifies for none, or
    /// (not met after validation) where no such choice exists for every lock of the student.
    pub first: u16,
    /// `first` and every other need of the student the mentor qualifies for that no other
    /// lock's `first` is and no earlier lock of the student took here: what the locked seat
    /// can carry at no cost in seats.
    pub all: u16,
}

impl LockNeeds {
    /// The need `first` stands for, of the lock's `student`; None where `first` is 0.
    pub fn first_need(self, student: &Student) -> Option<NeedIx> {
        (self.first != 0).then(|| student.first_need + self.first.trailing_zeros())
    }
}

/// [`LockNeeds`] of every lock. A student with two locks whose mentors both qualify for one
/// need, and one of them for another too, must not give that need to both seats: the seat
/// that took it first left the other lock unmade, and the plan broke the lock (a student
/// locked with two chemistry teachers, one of whom also coaches calligraphy, on a 10,000
/// student school: the network's plan failed its check and the whole request went to the
/// integer program over 3.9 M pairs). The `first` needs are a matching of the student's
/// locks into its needs (augmenting paths; a student has a handful of locks).
pub(super) fn lock_needs(problem: &Problem, has: impl Fn(NeedIx, u32) -> bool) -> Vec<LockNeeds> {
    let locked = &problem.locked;
    let qualified: Vec<u16> = locked
        .iter()
        .map(|&(s, m)| {
            problem.students[s as usize]
                .needs()
                .enumerate()
                .filter(|&(i, n)| i < 16 && has(n, m))
                .fold(0u16, |mask, (i, _)| mask | 1 << i)
        })
        .collect();
    let mut out = vec![LockNeeds::default(); locked.len()];
    // Each student's locks, in the order of `locked`.
    let mut of_student: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for (j, &(s, _)) in locked.iter().enumerate() {
        of_student.entry(s).or_default().push(j);
    }
    for locks in of_student.values() {
        // need bit -> the lock holding it.
        let mut holder: [Option<usize>; 16] = [None; 16];
        for &j in locks.iter().filter(|&&j| qualified[j] != 0) {
            let mut seen = 0u16;
            if !augment(j, &qualified, &mut holder, &mut seen) {
                // No matching for every lock: each keeps its first qualified need.
                for &k in locks {
                    let first = qualified[k] & qualified[k].wrapping_neg();
                    out[k] = LockNeeds { first, all: first };
                }
                holder = [None; 16];
                break;
            }
        }
        let matched: u16 = (0..16)
            .filter(|&i| holder[i].is_some())
            .fold(0, |mask, i| mask | 1 << i);
        for (i, h) in holder.iter().enumerate() {
            if let Some(j) = *h {
                out[j].first = 1 << i;
                out[j].all = 1 << i;
            }
        }
        if matched == 0 {
            continue;
        }
        let mut taken = matched;
        for &j in locks {
            let rest = qualified[j] & !taken;
            out[j].all |= rest;
            taken |= rest;
        }
    }
    out
}

/// One augmenting path from lock `j` (Kuhn's algorithm) over the needs its mentor qualifies
/// for; true when `j` now holds a need.
fn augment(j: usize, qualified: &[u16], holder: &mut [Option<usize>; 16], seen: &mut u16) -> bool {
    for i in 0..16 {
        let bit = 1u16 << i;
        if qualified[j] & bit == 0 || *seen & bit != 0 {
            continue;
        }
        *seen |= bit;
        let free = match holder[i] {
            None => true,
            Some(k) => augment(k, qualified, holder, seen),
        };
        if free {
            holder[i] = Some(j);
            return true;
        }
    }
    false
}

/// The fit quantum for a candidate set: the largest plan's fit (and its load costs) stays
/// within the fit digit — or, with `involveEveryMentor`, within the part of it below the
/// involvement digit (see [`SeatCosts`]).
pub(super) fn fit_scale_for(problem: &Problem, candidates: &Candidates) -> f64 {
    fit_scale_with(problem, candidates, 0.0)
}

/// [`fit_scale_for`] with room for a bonus of up to `bonus` score points on any pair (a
/// rematch's continuity bonus on its kept row, `side/`).
pub(super) fn fit_scale_with(problem: &Problem, candidates: &Candidates, bonus: f64) -> f64 {
    let n_count = problem.needs.len();
    let max_score = candidates.largest_score() + bonus;
    let policy = &problem.policy;
    // A mentor's load cost is at most load_spread · (0 + 1 + … + 4).
    let load_total = policy.load_spread * 10.0 * problem.mentors.len() as f64;
    let range = max_score * (n_count.max(1) as f64) + load_total;
    let bits = FIT_BITS - 1 - SeatCosts::involvement_bits(problem);
    if range > 0.0 {
        ((1u64 << bits) as f64 / (range * 4.0)).min(FIT_SCALE_MAX)
    } else {
        FIT_SCALE_MAX
    }
}

/// The mentor-level terms of the objective as costs of a mentor's k-th seat: the first seat of
/// each mentor earns the involvement bonus (`involveEveryMentor`), the k-th costs
/// `load_spread · (k − 1)` (`loadSpread`). Both make the seat costs convex (rising in k), so
/// they are parallel seat arcs of rising cost and the model stays a network, solved exactly.
///
/// The bonus is a digit of its own between coverage and fit: with `b` bits for up to
/// `2^b / 2` mentors, it is `2^(43 − b)`, all mentors together stay below one need at the
/// lowest priority (`2^44`), and the fit quantum is chosen so that the whole fit range stays
/// below one bonus ([`fit_scale_for`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct SeatCosts {
    bonus: Cost,
    step: Cost,
}

impl SeatCosts {
    /// Bits the involvement digit takes from the top of the fit digit (0 when off).
    fn involvement_bits(problem: &Problem) -> u32 {
        if problem.policy.involve_every_mentor {
            let mentors = problem.mentors.len() as u64 + 1;
            64 - (2 * mentors).leading_zeros()
        } else {
            0
        }
    }

    pub(super) fn new(problem: &Problem, fit_scale: f64) -> Self {
        let bits = Self::involvement_bits(problem);
        SeatCosts {
            bonus: if bits > 0 {
                1 << (FIT_BITS - 1 - bits)
            } else {
                0
            },
            step: Cost::from(quantised_fit(problem.policy.load_spread, fit_scale)),
        }
    }

    /// True when seats cost anything (otherwise every seat arc costs 0).
    pub(super) fn active(&self) -> bool {
        self.bonus != 0 || self.step != 0
    }

    /// The cost of a mentor's k-th seat (k ≥ 1).
    pub(super) fn seat(&self, k: i32) -> Cost {
        let bonus = if k == 1 { self.bonus } else { 0 };
        self.step * Cost::from((k - 1).max(0)) - bonus
    }

    /// The cost of a mentor holding `load` students.
    pub(super) fn total(&self, load: i32) -> Cost {
        if load <= 0 {
            return 0;
        }
        let k = Cost::from(load);
        self.step * k * (k - 1) / 2 - self.bonus
    }
}

fn prepare(
    problem: &Problem,
    candidates: &Candidates,
    seats: &[Seat],
    fit_scale: Option<f64>,
    level: Option<Vec<Cost>>,
) -> Prepared {
    let s_count = problem.students.len();
    let n_count = problem.needs.len();
    let m_count = problem.mentors.len();

    // Seats made up front: their needs leave the flow, their mentor has one seat fewer and
    // their student one mentor slot fewer.
    let mut locked: Vec<(NeedIx, u32)> = Vec::new();
    let mut seat_used = vec![0i32; m_count];
    let mut mentors_used = vec![0i32; s_count];
    let mut need_done = vec![false; n_count];
    for seat in seats {
        for &n in &seat.needs {
            if !need_done[n as usize] && candidates.find(n, seat.mentor).is_some() {
                need_done[n as usize] = true;
                locked.push((n, seat.mentor));
            }
        }
        seat_used[seat.mentor as usize] += 1;
        mentors_used[seat.student as usize] += 1;
    }
    let fit_scale = fit_scale.unwrap_or_else(|| fit_scale_for(problem, candidates));
    let level = level.unwrap_or_else(|| need_levels(problem));
    Prepared {
        seat_costs: SeatCosts::new(problem, fit_scale),
        level,
        locked,
        seat_used,
        mentors_used,
        need_done,
        fit_scale,
    }
}

/// Where each node of the network with a student layer sits.
#[derive(Clone, Copy)]
struct Layout {
    s_count: usize,
    n_count: usize,
}

impl Layout {
    const SOURCE: usize = 0;
    const SINK: usize = 1;

    fn student(self, s: usize) -> usize {
        2 + s
    }

    fn need(self, n: usize) -> usize {
        2 + self.s_count + n
    }

    fn mentor(self, m: usize) -> usize {
        2 + self.s_count + self.n_count + m
    }
}

/// The network with a student layer, before any flow:
/// `source → student (open mentor slots) → need (1) → mentor (1, the pair's cost) → sink
/// (the mentor's free seats)`.
struct SourceNetwork {
    g: Graph,
    at: Layout,
    /// The arc source → student of each student.
    source_arc: Vec<usize>,
}

/// Builds [`SourceNetwork`] over the kept candidates, the seats made up front taken out.
fn source_network(
    problem: &Problem,
    candidates: &Candidates,
    prepared: &Prepared,
) -> SourceNetwork {
    let Prepared {
        seat_used,
        mentors_used,
        need_done,
        fit_scale,
        ..
    } = prepared;
    let at = Layout {
        s_count: problem.students.len(),
        n_count: problem.needs.len(),
    };
    let m_count = problem.mentors.len();
    let nodes = at.mentor(m_count);
    let arcs = at.s_count + at.n_count + candidates.len() + m_count + 1;
    let mut g = Graph::new(nodes, arcs);
    let k = problem.policy.max_mentors_per_student as i32;
    let mut source_arc = Vec::with_capacity(at.s_count);
    for (s, student) in problem.students.iter().enumerate() {
        let open = (k - mentors_used[s]).min(student.need_count as i32);
        source_arc.push(g.add_arc(Layout::SOURCE, at.student(s), open.max(0), u32::MAX, 0));
        for n in student.needs() {
            if !need_done[n as usize] {
                g.add_arc(at.student(s), at.need(n as usize), 1, u32::MAX, 0);
            }
        }
    }
    for (n, _) in need_done.iter().enumerate().filter(|(_, &done)| !done) {
        for c in candidates.of_need(n as NeedIx) {
            let cost =
                prepared.level[n] - Cost::from(quantised_fit(candidates.scores[c], *fit_scale));
            g.add_arc(
                at.need(n),
                at.mentor(candidates.mentors[c] as usize),
                1,
                c as u32,
                cost,
            );
        }
    }
    let seat_costs = prepared.seat_costs;
    for (m, mentor) in problem.mentors.iter().enumerate() {
        let free = (mentor.capacity as i32 - seat_used[m]).max(0);
        if seat_costs.active() {
            // One arc per seat, costs rising: the flow fills a mentor's seats in order.
            for j in 1..=free {
                g.add_arc(
                    at.mentor(m),
                    Layout::SINK,
                    1,
                    u32::MAX,
                    seat_costs.seat(seat_used[m] + j),
                );
            }
        } else {
            g.add_arc(at.mentor(m), Layout::SINK, free, u32::MAX, 0);
        }
    }
    SourceNetwork { g, at, source_arc }
}

/// Successive shortest paths from a super source through per-student slots: the textbook
/// algorithm, every search from the source. The reference `by_students.rs` (which the solver
/// uses) is tested against; returns the candidate positions of the pairs made.
#[cfg(test)]
fn solve_from_source(
    problem: &Problem,
    candidates: &Candidates,
    prepared: &Prepared,
) -> Vec<usize> {
    let SourceNetwork { mut g, at, .. } = source_network(problem, candidates, prepared);
    let (source, sink) = (Layout::SOURCE, Layout::SINK);
    let nodes = g.first.len();
    let m_count = problem.mentors.len();
    let seat_costs = prepared.seat_costs;
    // Initial potentials: shortest distances in the acyclic starting graph.
    let mut pi: Vec<Cost> = vec![0; nodes];
    for a in (0..g.head.len()).step_by(2) {
        if g.cand[a] != u32::MAX {
            let v = g.head[a] as usize;
            pi[v] = pi[v].min(g.cost[a]);
        }
    }
    // Every seat arc out of a mentor costs at least its next seat's cost.
    pi[sink] = (0..m_count)
        .map(|m| pi[at.mentor(m)] + seat_costs.seat(prepared.seat_used[m] + 1))
        .min()
        .unwrap_or(0)
        .min(0);

    let mut search = Search::new(nodes);
    loop {
        if !search.run(&g, &pi, source, sink) {
            let top = search
                .touched
                .iter()
                .map(|&v| search.dist[v])
                .max()
                .unwrap_or(0)
                + 1;
            let lift = (pi[source] + search.dist[source] - top - pi[sink]).max(0);
            for &v in &search.touched {
                pi[v] += search.dist[v] - top - lift;
            }
            break;
        }
        let path_cost = search.dist[sink] + pi[sink] - pi[source];
        search.update_potentials(&mut pi, sink);
        if path_cost >= 0 {
            break;
        }
        search.augment(&mut g, source, sink);
    }

    used_arcs(&g)
}

/// Candidate positions of the saturated need→mentor arcs.
#[cfg(test)]
fn used_arcs(g: &Graph) -> Vec<usize> {
    (0..g.head.len())
        .step_by(2)
        .filter(|&a| g.cand[a] != u32::MAX && g.cap[a] == 0)
        .map(|a| g.cand[a] as usize)
        .collect()
}

/// The network solver as it stands between pricing rounds: warm (needs placed one at a time;
/// priced pairs added in place by withdrawing and re-placing their needs, see
/// [`ByNeeds::add`]) when the per-student limit cannot bind, otherwise solved afresh student by
/// student each round (`by_students.rs`).
pub(super) struct Network {
    prepared: Prepared,
    /// Seats made before the flow (locks, committed bundles), kept for fresh re-solves.
    seats: Vec<Seat>,
    fit_scale: Option<f64>,
    level: Option<Vec<Cost>>,
    /// Fresh re-solves stop placing needs here too (the plan stays feasible).
    deadline: Option<super::Until>,
    state: State,
}

enum State {
    Warm(Box<ByNeeds>),
    Students(Box<ByStudents>),
}

impl Network {
    /// Solves the network model exactly over the given candidate set, locks made first.
    pub(super) fn new(
        problem: &Problem,
        candidates: &Candidates,
        deadline: Option<super::Until>,
    ) -> Self {
        let seats = lock_seats(problem, candidates);
        Self::with_seats(problem, candidates, deadline, seats, None, None)
    }

    /// Solves the network model with `seats` made up front and, when given, a fixed fit
    /// quantum (so that costs compare across candidate sets) and coverage digits per need node.
    pub(super) fn with_seats(
        problem: &Problem,
        candidates: &Candidates,
        deadline: Option<super::Until>,
        seats: Vec<Seat>,
        fit_scale: Option<f64>,
        level: Option<Vec<Cost>>,
    ) -> Self {
        let prepared = prepare(problem, candidates, &seats, fit_scale, level.clone());
        let k = problem.policy.max_mentors_per_student as i32;
        // When no student has more open needs than open mentor slots, the per-student limit
        // cannot bind and needs can be added one at a time; otherwise the search starts at a
        // source that meters each student's slots.
        let limit_binds = problem.students.iter().enumerate().any(|(s, st)| {
            let open = st
                .needs()
                .filter(|&n| !prepared.need_done[n as usize])
                .count() as i32;
            open > k - prepared.mentors_used[s]
        });
        let state = if limit_binds {
            State::Students(Box::new(by_students::solve(
                problem, candidates, &prepared, deadline,
            )))
        } else {
            State::Warm(Box::new(ByNeeds::new(
                problem, candidates, &prepared, deadline,
            )))
        };
        Network {
            prepared,
            seats,
            fit_scale,
            level,
            deadline,
            state,
        }
    }

    /// Adds priced pairs (already merged into `candidates`) and restores optimality.
    pub(super) fn add(
        &mut self,
        problem: &Problem,
        candidates: &Candidates,
        extra: &[(NeedIx, u32, f64)],
        warm_ratio: usize,
    ) {
        let in_place = match &mut self.state {
            State::Warm(warm)
                if extra.len().saturating_mul(warm_ratio) <= problem.needs.len()
                    || (warm_ratio != usize::MAX
                        && warm.unassigned().saturating_mul(SCARCE_ONE_IN)
                            >= problem.needs.len()) =>
            {
                // It gives up where repairing would cost more than starting over.
                warm.add(self.prepared.fit_scale, extra, self.deadline)
            }
            State::Students(students)
                if extra
                    .len()
                    .saturating_mul(warm_ratio)
                    .saturating_mul(STUDENTS_IN_PLACE_PER_PAIR)
                    <= problem.needs.len() =>
            {
                students.add(&self.prepared, extra, self.deadline);
                true
            }
            _ => false,
        };
        if !in_place {
            let seats = std::mem::take(&mut self.seats);
            let level = self.level.take();
            *self = Network::with_seats(
                problem,
                candidates,
                self.deadline,
                seats,
                self.fit_scale,
                level,
            )
        }
    }

    /// Nodes settled by the network's searches so far: a measure of work that, unlike time,
    /// does not depend on how busy the machine is.
    pub(super) fn settled(&self) -> u64 {
        match &self.state {
            State::Warm(w) => w.settled(),
            State::Students(s) => s.settled(),
        }
    }

    /// False when the deadline cut the solve short (the plan is feasible, not proven).
    pub(super) fn complete(&self) -> bool {
        match &self.state {
            State::Warm(w) => w.complete,
            State::Students(s) => s.complete,
        }
    }

    /// The plan (candidate positions in `candidates`, ascending) with its proving potentials.
    pub(super) fn solution(&self, candidates: &Candidates) -> NetworkSolution {
        let mut chosen: Vec<usize> = self
            .prepared
            .locked
            .iter()
            .filter_map(|&(n, m)| candidates.find(n, m))
            .collect();
        let (need_pi, mentor_pi, sink_pi) = match &self.state {
            State::Warm(warm) => {
                chosen.extend(
                    warm.pairs()
                        .into_iter()
                        .filter_map(|(n, m)| candidates.find(n, m)),
                );
                warm.potentials()
            }
            State::Students(students) => {
                chosen.extend(
                    students
                        .pairs()
                        .into_iter()
                        .filter_map(|(n, m)| candidates.find(n, m)),
                );
                students.potentials()
            }
        };
        chosen.sort_unstable();
        chosen.dedup();
        NetworkSolution {
            chosen,
            need_pi,
            mentor_pi,
            sink_pi,
            need_done: self.prepared.need_done.clone(),
            fit_scale: self.prepared.fit_scale,
            level: self.prepared.level.clone(),
            seat_costs: self.prepared.seat_costs,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounding_matches_f64_round() {
        let samples = [
            0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            0.499_999_999_999_999_94,
            -0.499_999_999_999_999_94,
            1e12 + 0.5,
            -1e12 - 0.5,
            123_456.789,
            -98_765.432_1,
            4_398_046_511_103.5,
        ];
        for x in samples {
            assert_eq!(super::round_half_away(x), x.round() as i64, "{x}");
        }
        let mut x = -1000.0;
        while x < 1000.0 {
            assert_eq!(super::round_half_away(x), x.round() as i64, "{x}");
            x += 0.125 / 3.0;
        }
    }
}
