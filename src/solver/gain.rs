//! The exact gain of one supply change — one more seat at a mentor, a mentor volunteering for
//! a track, a mentor adding a weekly slot — on a proven-optimal network plan, from the
//! residual network of the optimum, without a re-solve.
//!
//! The plan is a min-cost circulation (source → need → mentor → sink → source; the costs are
//! the packed lexicographic `i128`s of `flow.rs`: coverage per priority, then fit). Its
//! residual network has no negative cycle, so node potentials `π` with every reduced cost
//! `c + π(u) − π(v) ≥ 0` exist; they are found once, by a label-correcting search bounded
//! like `forced.rs`'s, and every later search is a Dijkstra on reduced costs.
//!
//! - **One more seat** at mentor `X` adds one unit of capacity to the arc `X → sink`. Adding a
//!   unit to one arc changes the optimum by exactly the cheapest cycle through it: the new
//!   unit plus the shortest path `sink ⇝ X` in the residual network (any better plan differs
//!   from the optimum by cycles of which only one can use the new unit; the others were
//!   already there and are not negative). One Dijkstra from the sink prices every mentor.
//! - **Volunteering** or **a new slot** at mentor `Z` adds arcs `need → Z` (and, for a slot,
//!   raises the time fit of `Z`'s pairs with students who have it). Model the new arcs as
//!   entering a new node `V` joined to `Z` by an arc `V → Z` whose capacity is raised one unit
//!   at a time from 0: with capacity 0 the optimum is unchanged (a cheaper cost on a pair the
//!   plan already makes only lowers the plan's cost and keeps every reduced cost
//!   non-negative; a pair the plan does not make is routed through `V`). Each unit is then the
//!   single-arc case above, the cheapest cycle `Z ⇝ V → Z`, on the residual updated by the
//!   previous units, exactly. The optimum is convex in an arc's capacity, so the first unit
//!   that does not improve ends it; the flow through `Z` bounds the units by `Z`'s capacity.
//!
//! Only changes whose first unit covers more (packed cost below `−2^(FIT_BITS−1)`: a cycle's
//! fit stays within that, see [`Residual::fits`]) are followed further; searches stop as soon
//! as no such cycle can be found any more (pruning on the reduced distance), so they stay near
//! the changed mentor. Every search is bounded (Dijkstra settles a node once), and the total
//! work is capped by the caller ([`Exhausted`]).
//!
//! Where it applies ([`applies`]): the plan is a network over the full candidate set (no
//! mentor can cover two needs of one student), the per-student limit cannot bind, no
//! maxChanges row. Locked pairs stay where they are (their needs leave the network). A change
//! must keep the network ([`Residual::keeps_network`]) and the fit digit ([`Residual::fits`]);
//! the caller evaluates others another way.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use super::flow::{fit_scale_for, pair_cost, Cost, FIT_BITS};
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;

const SOURCE: usize = 0;
const SINK: usize = 1;

/// A cycle whose packed cost is below this covers more needs (lexicographically); a cycle
/// whose coverage does not change costs more than this. Fit digits of a cycle stay within
/// `±2^(FIT_BITS−1)` (see [`Residual::fits`]).
const COVERS_MORE: Cost = -(1 << (FIT_BITS - 1));

/// Relaxations per node and arc the potentials' label-correcting search may make (as in
/// `forced.rs`): past it the request is pathological and the gains are left unevaluated.
const POTENTIAL_WORK_PER_ARC: u64 = 64;

/// Whether residual gains apply to this problem (see the module header).
pub fn applies(problem: &Problem, all: &Candidates) -> bool {
    problem.min_kept.is_none()
        && !problem.stable_only
        && problem
            .students
            .iter()
            .all(|s| s.need_count <= problem.policy.max_mentors_per_student)
        && super::is_network_set(problem, all)
}

/// The work cap was reached: the change was not evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhausted;

/// What a change does to the optimum: needs covered per priority (index `Priority as usize`),
/// fit, and which needs gain or lose their mentor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gain {
    pub coverage: [i32; 4],
    pub fit: f64,
    /// Needs without a mentor in the plan that get one, ascending.
    pub covered: Vec<NeedIx>,
    /// Needs with a mentor in the plan that lose it, ascending.
    pub uncovered: Vec<NeedIx>,
}

/// What a residual arc does to the plan when flow is pushed along it.
#[derive(Clone, Copy, Debug)]
enum Step {
    None,
    /// sink → source: one more need in the flow.
    Return,
    /// source → sink: one need fewer in the flow.
    Unreturn,
    /// source → need: the need gets covered.
    Cover(NeedIx),
    /// need → source: the need loses its coverage.
    Uncover(NeedIx),
    /// need → mentor: the need takes the mentor.
    Take(NeedIx, MentorIx),
    /// mentor → need: the need leaves the mentor.
    Leave(NeedIx, MentorIx),
}

/// The residual network of a proven-optimal network plan, with potentials, and the state the
/// change being evaluated has put on it (undone after each change).
pub struct Residual<'a> {
    problem: &'a Problem,
    all: &'a Candidates,
    fit_scale: f64,
    base: Vec<Option<MentorIx>>,
    plan: Vec<Option<MentorIx>>,
    /// Needs held by a locked pair: outside the network.
    frozen: Vec<bool>,
    /// Needs each mentor holds, ascending (locked ones included: they take seats).
    holders: Vec<Vec<NeedIx>>,
    /// Needs held in the flow (not locked), per mentor.
    moving: Vec<u32>,
    /// Needs without a mentor that are not locked.
    uncovered: BTreeSet<NeedIx>,
    /// Units of flow (covered needs that are not locked).
    flow: u32,
    pi: Vec<Cost>,
    /// The mentor a change adds arcs to, and those arcs (need, new score), by need.
    overlay: Option<(MentorIx, Vec<(NeedIx, f64)>)>,
    applied: Vec<Step>,
    pi_undo: Vec<(usize, Cost)>,
    dist: Vec<Cost>,
    parent: Vec<(u32, Step)>,
    seen: Vec<bool>,
    done: Vec<bool>,
    touched: Vec<usize>,
    heap: BinaryHeap<Reverse<(Cost, u32)>>,
    out: Vec<(usize, Cost, Step)>,
    work: u64,
    work_limit: u64,
}

impl<'a> Residual<'a> {
    /// The residual network of `plan` (a mentor or none per need, optimal over `all`), its
    /// potentials found by a bounded label-correcting search. `None` when that search passes
    /// its bound. `work_limit` caps the arcs all later searches may scan together.
    pub fn new(
        problem: &'a Problem,
        all: &'a Candidates,
        plan: &[Option<MentorIx>],
        work_limit: u64,
    ) -> Option<Self> {
        let needs = problem.needs.len();
        let mentors = problem.mentors.len();
        let mut frozen = vec![false; needs];
        for &(s, m) in &problem.locked {
            for n in problem.students[s as usize].needs() {
                if plan[n as usize] == Some(m) {
                    frozen[n as usize] = true;
                }
            }
        }
        let mut holders = vec![Vec::new(); mentors];
        let mut moving = vec![0u32; mentors];
        let mut uncovered = BTreeSet::new();
        let mut flow = 0;
        for (n, m) in plan.iter().enumerate() {
            match m {
                Some(m) => {
                    holders[*m as usize].push(n as NeedIx);
                    if !frozen[n] {
                        moving[*m as usize] += 1;
                        flow += 1;
                    }
                }
                None => {
                    uncovered.insert(n as NeedIx);
                }
            }
        }
        let nodes = 3 + needs + mentors;
        let mut residual = Residual {
            problem,
            all,
            fit_scale: fit_scale_for(problem, all),
            base: plan.to_vec(),
            plan: plan.to_vec(),
            frozen,
            holders,
            moving,
            uncovered,
            flow,
            pi: vec![0; nodes],
            overlay: None,
            applied: Vec::new(),
            pi_undo: Vec::new(),
            dist: vec![0; nodes],
            parent: vec![(u32::MAX, Step::None); nodes],
            seen: vec![false; nodes],
            done: vec![false; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            out: Vec::new(),
            work: 0,
            work_limit,
        };
        residual.potentials()?;
        Some(residual)
    }

    fn need_node(&self, n: NeedIx) -> usize {
        2 + n as usize
    }

    fn mentor_node(&self, m: MentorIx) -> usize {
        2 + self.problem.needs.len() + m as usize
    }

    /// The node the arcs a change adds enter (see the module header).
    fn v_node(&self) -> usize {
        2 + self.problem.needs.len() + self.problem.mentors.len()
    }

    /// Arc cost of a pair with this score.
    fn cost(&self, n: NeedIx, score: f64) -> Cost {
        pair_cost(
            self.problem.needs[n as usize].priority,
            score,
            self.fit_scale,
        )
    }

    /// The score of pair (n, m) as the change being evaluated has it.
    fn score(&self, n: NeedIx, m: MentorIx) -> f64 {
        if let Some((z, arcs)) = &self.overlay {
            if *z == m {
                if let Ok(i) = arcs.binary_search_by_key(&n, |a| a.0) {
                    return arcs[i].1;
                }
            }
        }
        self.all.find(n, m).map_or(0.0, |c| self.all.scores[c])
    }

    fn overlay_score(&self, n: NeedIx) -> Option<(MentorIx, f64)> {
        let (z, arcs) = self.overlay.as_ref()?;
        arcs.binary_search_by_key(&n, |a| a.0)
            .ok()
            .map(|i| (*z, arcs[i].1))
    }

    /// True when a pair with this score keeps every cycle's fit digit below
    /// `2^(FIT_BITS−1)` at this fit quantum (a cycle holds at most two pairs per need), so
    /// packed costs still compare lexicographically. The plan's own pairs always do (the
    /// quantum leaves a factor 4 of room); a change whose new scores do not is evaluated
    /// another way.
    pub fn fits(&self, score: f64) -> bool {
        let pairs = 2.0 * self.problem.needs.len().max(1) as f64;
        score.abs() * self.fit_scale * pairs < (1u64 << (FIT_BITS - 1)) as f64
    }

    /// True when adding `arcs` to mentor `z` keeps the problem a network: no student would
    /// then have two needs `z` can cover (one seat could then cover both, which the flow does
    /// not model).
    pub fn keeps_network(&self, z: MentorIx, arcs: &[(NeedIx, f64)]) -> bool {
        arcs.iter().all(|&(n, _)| {
            let s = self.problem.needs[n as usize].student;
            self.problem.students[s as usize].needs().all(|other| {
                other == n
                    || (self.all.find(other, z).is_none()
                        && arcs.binary_search_by_key(&other, |a| a.0).is_err())
            })
        })
    }

    /// Residual arcs out of node `u` into `self.out`, as (head, cost, step).
    fn arcs(&mut self, u: usize) {
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let needs = self.problem.needs.len();
        let mentors = self.problem.mentors.len();
        if u == SOURCE {
            for &n in &self.uncovered {
                out.push((self.need_node(n), 0, Step::Cover(n)));
            }
            if self.flow > 0 {
                out.push((SINK, 0, Step::Unreturn));
            }
        } else if u == SINK {
            out.push((SOURCE, 0, Step::Return));
            for m in 0..mentors {
                if self.moving[m] > 0 {
                    out.push((self.mentor_node(m as MentorIx), 0, Step::None));
                }
            }
        } else if u < 2 + needs {
            let n = (u - 2) as NeedIx;
            if !self.frozen[n as usize] {
                let held = self.plan[n as usize];
                if held.is_some() {
                    out.push((SOURCE, 0, Step::Uncover(n)));
                }
                let changed = self.overlay_score(n);
                for c in self.all.of_need(n) {
                    let m = self.all.mentors[c];
                    if held == Some(m) || changed.is_some_and(|(z, _)| z == m) {
                        continue;
                    }
                    out.push((
                        self.mentor_node(m),
                        self.cost(n, self.all.scores[c]),
                        Step::Take(n, m),
                    ));
                }
                if let Some((z, score)) = changed {
                    if held != Some(z) {
                        out.push((self.v_node(), self.cost(n, score), Step::Take(n, z)));
                    }
                }
            }
        } else if u < 2 + needs + mentors {
            let m = (u - 2 - needs) as MentorIx;
            if (self.holders[m as usize].len() as u32) < self.problem.mentors[m as usize].capacity {
                out.push((SINK, 0, Step::None));
            }
            for &n in &self.holders[m as usize] {
                if !self.frozen[n as usize] {
                    out.push((
                        self.need_node(n),
                        -self.cost(n, self.score(n, m)),
                        Step::Leave(n, m),
                    ));
                }
            }
        }
        self.out = out;
    }

    /// Potentials: shortest distances from a virtual root joined to every node at cost 0, by
    /// a label-correcting search (the residual of an optimum has no negative cycle). Bounded at
    /// [`POTENTIAL_WORK_PER_ARC`] relaxations per node and arc.
    fn potentials(&mut self) -> Option<()> {
        let nodes = self.pi.len();
        let limit = POTENTIAL_WORK_PER_ARC * (self.all.len() as u64 + nodes as u64);
        let mut relaxations = 0u64;
        let mut dist: Vec<Cost> = vec![0; nodes];
        let mut queued = vec![true; nodes];
        let mut queue: std::collections::VecDeque<usize> = (0..nodes).collect();
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            self.arcs(u);
            for i in 0..self.out.len() {
                let (v, cost, _) = self.out[i];
                relaxations += 1;
                if relaxations > limit {
                    return None;
                }
                let dv = dist[u] + cost;
                if dv < dist[v] {
                    dist[v] = dv;
                    if !queued[v] {
                        queued[v] = true;
                        queue.push_back(v);
                    }
                }
            }
        }
        self.pi = dist;
        Some(())
    }

    /// Dijkstra on reduced costs from `from` until `target` is settled or the smallest label
    /// left reaches `bound`. Labels are reduced distances.
    fn search(&mut self, from: usize, target: Option<usize>, bound: Cost) -> Result<(), Exhausted> {
        for &v in &self.touched {
            self.seen[v] = false;
            self.done[v] = false;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[from] = 0;
        self.seen[from] = true;
        self.parent[from] = (u32::MAX, Step::None);
        self.touched.push(from);
        self.heap.push(Reverse((0, from as u32)));
        while let Some(Reverse((d, u))) = self.heap.pop() {
            let u = u as usize;
            if self.done[u] || d > self.dist[u] {
                continue;
            }
            if d >= bound {
                return Ok(());
            }
            self.done[u] = true;
            if Some(u) == target {
                return Ok(());
            }
            self.arcs(u);
            self.work += self.out.len() as u64;
            if self.work > self.work_limit {
                return Err(Exhausted);
            }
            for i in 0..self.out.len() {
                let (v, cost, step) = self.out[i];
                if self.done[v] {
                    continue;
                }
                let reduced = cost + self.pi[u] - self.pi[v];
                if reduced < 0 {
                    // Cannot happen with valid potentials; refuse to answer rather than answer
                    // wrongly.
                    return Err(Exhausted);
                }
                let nd = d + reduced;
                if !self.seen[v] || nd < self.dist[v] {
                    if !self.seen[v] {
                        self.seen[v] = true;
                        self.touched.push(v);
                    }
                    self.dist[v] = nd;
                    self.parent[v] = (u as u32, step);
                    self.heap.push(Reverse((nd, v as u32)));
                }
            }
        }
        Ok(())
    }

    /// The steps of the search tree's path from its root to `to`, in path order.
    fn path(&self, to: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut v = to;
        while self.parent[v].0 != u32::MAX {
            let (u, step) = self.parent[v];
            steps.push(step);
            v = u as usize;
            if steps.len() > self.pi.len() {
                break;
            }
        }
        steps.reverse();
        steps
    }

    /// Coverage and fit change of pushing one unit along `steps` (scores as the change has them).
    fn effect(&self, steps: &[Step], gain: &mut Gain) {
        for &step in steps {
            match step {
                Step::Cover(n) => {
                    gain.coverage[self.problem.needs[n as usize].priority as usize] += 1
                }
                Step::Uncover(n) => {
                    gain.coverage[self.problem.needs[n as usize].priority as usize] -= 1
                }
                Step::Take(n, m) => gain.fit += self.score(n, m),
                Step::Leave(n, m) => gain.fit -= self.score(n, m),
                Step::None | Step::Return | Step::Unreturn => {}
            }
        }
    }

    fn apply(&mut self, step: Step, undo: bool) {
        let forward = !undo;
        match (step, forward) {
            (Step::Return, true) | (Step::Unreturn, false) => self.flow += 1,
            (Step::Return, false) | (Step::Unreturn, true) => self.flow -= 1,
            (Step::Cover(n), true) | (Step::Uncover(n), false) => {
                self.uncovered.remove(&n);
            }
            (Step::Cover(n), false) | (Step::Uncover(n), true) => {
                self.uncovered.insert(n);
            }
            (Step::Take(n, m), true) | (Step::Leave(n, m), false) => {
                self.plan[n as usize] = Some(m);
                let held = &mut self.holders[m as usize];
                if let Err(i) = held.binary_search(&n) {
                    held.insert(i, n);
                }
                self.moving[m as usize] += 1;
            }
            (Step::Take(n, m), false) | (Step::Leave(n, m), true) => {
                self.plan[n as usize] = None;
                let held = &mut self.holders[m as usize];
                if let Ok(i) = held.binary_search(&n) {
                    held.remove(i);
                }
                self.moving[m as usize] -= 1;
            }
            (Step::None, _) => {}
        }
    }

    /// Puts the residual back as it was before the change being evaluated.
    fn undo(&mut self) {
        while let Some(step) = self.applied.pop() {
            self.apply(step, true);
        }
        while let Some((v, p)) = self.pi_undo.pop() {
            self.pi[v] = p;
        }
        self.overlay = None;
    }

    /// The gain of one more seat at each of `mentors` (each on its own), by one search from the
    /// sink: the cheapest cycle through `X → sink` is the new unit plus the shortest path
    /// `sink ⇝ X`. Mentors with room gain nothing (their spare unit was already there).
    pub fn seat_gains(&mut self, mentors: &[MentorIx]) -> Result<Vec<Gain>, Exhausted> {
        // Reduced label below which X's cycle covers more: d(X) < COVERS_MORE + π(sink) − π(X).
        let bound_of = |r: &Self, x: MentorIx| COVERS_MORE + r.pi[SINK] - r.pi[r.mentor_node(x)];
        let bound = mentors.iter().map(|&x| bound_of(self, x)).max();
        let mut out = vec![Gain::default(); mentors.len()];
        let Some(bound) = bound.filter(|&b| b > 0) else {
            // Labels are never negative: no seat can cover more.
            return Ok(out);
        };
        self.search(SINK, None, bound)?;
        for (i, &x) in mentors.iter().enumerate() {
            let node = self.mentor_node(x);
            let full =
                self.holders[x as usize].len() as u32 >= self.problem.mentors[x as usize].capacity;
            if full && self.done[node] && self.dist[node] < bound_of(self, x) {
                let steps = self.path(node);
                let mut gain = Gain::default();
                self.effect(&steps, &mut gain);
                for step in steps {
                    match step {
                        Step::Cover(n) => gain.covered.push(n),
                        Step::Uncover(n) => gain.uncovered.push(n),
                        _ => {}
                    }
                }
                gain.covered.sort_unstable();
                gain.uncovered.sort_unstable();
                out[i] = gain;
            }
        }
        Ok(out)
    }

    /// The gain of giving mentor `z` the pairs `arcs` (need, score; sorted by need, unique): new
    /// pairs, or pairs that score differently. Successive cheapest cycles through `z`, each on
    /// the residual the previous ones left (see the module header); followed only when the
    /// first covers more. The residual is restored afterwards.
    pub fn arcs_gain(&mut self, z: MentorIx, arcs: Vec<(NeedIx, f64)>) -> Result<Gain, Exhausted> {
        let mut gain = Gain::default();
        // Pairs the plan already makes take their new score at once.
        for &(n, score) in &arcs {
            if self.plan[n as usize] == Some(z) {
                gain.fit += score - self.score(n, z);
            }
        }
        self.overlay = Some((z, arcs));
        let result = self.cycles_through(z, &mut gain);
        if result.is_ok() {
            for n in 0..self.plan.len() {
                match (self.base[n].is_some(), self.plan[n].is_some()) {
                    (false, true) => gain.covered.push(n as NeedIx),
                    (true, false) => gain.uncovered.push(n as NeedIx),
                    _ => {}
                }
            }
        }
        self.undo();
        result.map(|()| gain)
    }

    fn cycles_through(&mut self, z: MentorIx, gain: &mut Gain) -> Result<(), Exhausted> {
        let v = self.v_node();
        let zn = self.mentor_node(z);
        let capacity = self.problem.mentors[z as usize].capacity;
        for unit in 0..=capacity {
            // π(V): low enough that every arc into V has a non-negative reduced cost (V has no
            // arc out).
            let Some((_, arcs)) = &self.overlay else {
                return Ok(());
            };
            let pv = arcs
                .iter()
                .filter(|&&(n, _)| self.plan[n as usize] != Some(z) && !self.frozen[n as usize])
                .map(|&(n, score)| self.cost(n, score) + self.pi[self.need_node(n)])
                .min();
            let Some(pv) = pv else {
                return Ok(());
            };
            self.pi_undo.push((v, self.pi[v]));
            self.pi[v] = pv;
            let threshold = if unit == 0 { COVERS_MORE } else { 0 };
            // The cycle's cost is d(V) − π(z) + π(V); it must be below the threshold.
            let bound = threshold + self.pi[zn] - self.pi[v];
            if bound <= 0 {
                return Ok(());
            }
            self.search(zn, Some(v), bound)?;
            if !self.done[v] {
                return Ok(());
            }
            let steps = self.path(v);
            self.effect(&steps, gain);
            for &step in &steps {
                self.apply(step, false);
                self.applied.push(step);
            }
            // Settled nodes move by d(v) − d(V): every reduced cost stays non-negative.
            let dv = self.dist[v];
            for i in 0..self.touched.len() {
                let node = self.touched[i];
                if self.done[node] {
                    self.pi_undo.push((node, self.pi[node]));
                    self.pi[node] += self.dist[node] - dv;
                }
            }
        }
        Ok(())
    }
}
