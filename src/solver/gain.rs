//! The exact gain of one supply change — one more seat at a mentor, a mentor volunteering for
//! a track, a mentor adding a weekly slot — on a proven-optimal network plan, from the
//! residual network of the optimum, without a re-solve.
//!
//! The plan is a min-cost circulation (source → need → mentor → sink → source; the costs are
//! the packed lexicographic `i128`s of `flow.rs`: coverage per priority, then fit). Its
//! residual network has no negative cycle, so node potentials `π` with every reduced cost
//! `c + π(u) − π(v) ≥ 0` exist: the solver's own are checked (and repaired if need be) once
//! by a label-correcting search bounded like `forced.rs`'s, and every later search is a
//! Dijkstra on reduced costs.
//!
//! - **One more seat** at mentor `X` adds one unit of capacity to the arc `X → sink`. Adding a
//!   unit to one arc changes the optimum by exactly the cheapest cycle through it: the new
//!   unit plus the shortest path `sink ⇝ X` in the residual network (any better plan differs
//!   from the optimum by cycles of which only one can use the new unit; the others were
//!   already there and are not negative). One Dijkstra from the sink prices every mentor.
//! - **Volunteering** or **a new slot** at mentor `Z` adds pairs `need → Z` (and, for a slot,
//!   raises the time fit of `Z`'s pairs with students who have it). Model the new pairs as
//!   entering a new node `V` joined to `Z` by an arc `V → Z` whose capacity is raised one unit
//!   at a time from 0: with capacity 0 the optimum is unchanged (a better score on a pair the
//!   plan already makes only lowers the plan's cost and keeps every reduced cost non-negative;
//!   a pair the plan does not make is routed through `V`). Each unit is then the single-arc
//!   case above, the cheapest cycle `Z ⇝ n → V → Z`, on the residual the previous units left,
//!   exactly. The optimum is convex in an arc's capacity, so the first unit that does not
//!   improve ends it; the flow through `Z` bounds the units by `Z`'s capacity. `V` is not
//!   built: a search from `Z` prices each new pair `n → Z` by its exit `cost(n, Z) + π(n)`
//!   and stops as soon as no unsettled tail can close a cheaper cycle
//!   (`Residual::search_tails`).
//!
//! A cycle covers more exactly when its packed cost is below `−2^(FIT_BITS−1)` (a cycle's fit
//! stays within that, see [`Residual::fits`]); every such cycle enters a need from the source.
//! So a change can cover more only if `d(Z ⇝ source) + d(source ⇝ n) + cost(n, Z)` is below
//! that for one of its new pairs: two searches price every mentor and need at once
//! ([`Residual::screen`]) and rule most changes out; the others get their cycles. Every
//! search is bounded (Dijkstra settles a node once), and all of them together by the caller's
//! [`Limits`] (arcs scanned, a time; [`Exhausted`]).
//!
//! Where it applies ([`applies`]): the plan is a network over the full candidate set (no
//! mentor can cover two needs of one student), the per-student limit cannot bind, no
//! maxChanges row. Locked pairs stay where they are (their needs leave the network). A change
//! must keep the network ([`Residual::keeps_network`]) and the fit digit ([`Residual::fits`]);
//! the caller evaluates others another way.
//!
//! Imports the domain, the rules and the flow's types; must not import HiGHS or anything above
//! the solver.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::sync::Arc;

use super::flow::{fit_scale_for, level_cost, pair_cost, quantised_fit, Cost, FIT_BITS};
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;

const SOURCE: usize = 0;
const SINK: usize = 1;

/// A cycle whose packed cost is below this covers more needs (lexicographically); a cycle
/// whose coverage does not change costs more than this. Fit digits of a cycle stay within
/// `±2^(FIT_BITS−1)` (see [`Residual::fits`]).
const COVERS_MORE: Cost = -(1 << (FIT_BITS - 1));

/// Largest candidate set whose fit digits are computed once up front (8 bytes a pair): the
/// searches read every arc's cost many times, and rounding it each time was a third of their
/// work. Larger sets compute them on the fly.
const PRECOMPUTED_FITS: usize = 8_000_000;

/// Relaxations per node and arc the potentials' label-correcting search may make (as in
/// `forced.rs`): past it the request is pathological and the gains are left unevaluated.
const POTENTIAL_WORK_PER_ARC: u64 = 64;

/// Bounds on the searches: arcs scanned (by the searches every change shares, and by each
/// change's own), and a time past which they give up (checked every `CLOCK_EVERY` nodes
/// settled). Arc counts are deterministic; the time is not.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub work: u64,
    pub per_change: u64,
    pub until: Option<std::time::Instant>,
    pub stop: Option<&'static std::sync::atomic::AtomicBool>,
}

impl Limits {
    fn passed(&self) -> bool {
        self.until.is_some_and(|t| std::time::Instant::now() >= t)
            || self
                .stop
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// Nodes settled between two looks at the clock.
const CLOCK_EVERY: u64 = 1024;

/// Whether residual gains apply to this problem (see the module header).
pub fn applies(problem: &Problem, all: &Candidates) -> bool {
    // Involvement and load spread cost a mentor's seats differently (see `flow::SeatCosts`);
    // the residual here prices every seat at 0, so those plans are evaluated another way.
    !problem.policy.has_seat_costs() && super::is_plain_network(problem, all)
}

/// Node potentials of a network optimum as the solver proved it (`flow.rs`, the model where
/// each need either takes a mentor or stays unassigned on an arc to the sink): the source and
/// the sink of the circulation here both take the sink's. A start for [`Residual::new`], which
/// checks them.
#[derive(Clone, Debug, PartialEq)]
pub struct Potentials {
    pub(super) needs: Vec<Cost>,
    pub(super) mentors: Vec<Cost>,
    pub(super) sink: Cost,
}

/// The work cap or the time limit was reached: the change was not evaluated.
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
/// change being evaluated has put on it (undone after each change). Cloned, it evaluates
/// changes on another thread from the same state (each change starts from the plan, so the
/// answers do not depend on which thread evaluates which).
#[derive(Clone)]
pub struct Residual<'a> {
    problem: &'a Problem,
    all: &'a Candidates,
    fit_scale: f64,
    /// The plan as solved (shared by the copies for other cores, like every read-only part).
    base: Arc<[Option<MentorIx>]>,
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
    /// `work` past which the current searches give up.
    work_cap: u64,
    /// Nodes settled by all searches (the clock is read every [`CLOCK_EVERY`]).
    settled: u64,
    limits: Limits,
    /// Candidate pairs by mentor, for searches that walk arcs backwards: mentor m's pairs are
    /// `into[into_start[m]..into_start[m + 1]]` (built by [`Residual::screen`]; 8 bytes a
    /// pair).
    into_start: Vec<u32>,
    /// (need, position in `all`).
    into: Vec<(NeedIx, u32)>,
    /// Fit digit of every candidate pair, by position in `all` (empty past
    /// [`PRECOMPUTED_FITS`]).
    fits: Arc<[i64]>,
    /// Coverage digit of every need.
    levels: Arc<[Cost]>,
    /// Per node, the exit of a new pair from it while [`Residual::search_tails`] runs
    /// ([`UNREACHED`] otherwise).
    exit: Vec<Cost>,
    /// Reduced distances to and from the source (see [`Residual::screen`]); `Cost::MAX` when
    /// unreachable.
    screen: Option<Arc<(Vec<Cost>, Vec<Cost>)>>,
}

/// A label no path reaches.
const UNREACHED: Cost = Cost::MAX;

impl<'a> Residual<'a> {
    /// The residual network of `plan` (a mentor or none per need, optimal over `all`), its
    /// potentials found by a bounded label-correcting search. `None` when that search passes
    /// its bound or the time limit. `limits` bound all later searches together.
    ///
    /// Long (~90 lines) on purpose: the residual arcs of the plan and the label-correcting
    /// search that prices them are built over the same arrays in one pass each.
    pub fn new(
        problem: &'a Problem,
        all: &'a Candidates,
        plan: &[Option<MentorIx>],
        start: Option<&Potentials>,
        limits: Limits,
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
        let nodes = 2 + needs + mentors;
        let fit_scale = fit_scale_for(problem, all);
        let fits = if all.len() <= PRECOMPUTED_FITS {
            all.scores
                .iter()
                .map(|&score| quantised_fit(score, fit_scale))
                .collect()
        } else {
            Vec::new()
        };
        let mut residual = Residual {
            problem,
            all,
            fit_scale,
            fits: fits.into(),
            levels: problem
                .needs
                .iter()
                .map(|n| level_cost(n.priority))
                .collect(),
            base: plan.into(),
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
            work_cap: limits.work,
            settled: 0,
            limits,
            into_start: Vec::new(),
            into: Vec::new(),
            exit: vec![UNREACHED; nodes],
            screen: None,
        };
        let start: Vec<Cost> = match start {
            Some(p) if p.needs.len() == needs && p.mentors.len() == mentors => [p.sink, p.sink]
                .into_iter()
                .chain(p.needs.iter().copied())
                .chain(p.mentors.iter().copied())
                .collect(),
            _ => vec![0; nodes],
        };
        residual.potentials(start)?;
        Some(residual)
    }

    /// Arcs scanned by the searches so far: a measure of work that, unlike time, does not
    /// depend on how busy the machine is.
    pub fn work(&self) -> u64 {
        self.work
    }

    /// Counts the arcs just generated (and a node settled) against the limits.
    fn count_work(&mut self) -> Result<(), Exhausted> {
        self.work += self.out.len() as u64;
        self.settled += 1;
        if self.work > self.work_cap
            || (self.settled.is_multiple_of(CLOCK_EVERY) && self.limits.passed())
        {
            return Err(Exhausted);
        }
        Ok(())
    }

    fn need_node(&self, n: NeedIx) -> usize {
        2 + n as usize
    }

    fn mentor_node(&self, m: MentorIx) -> usize {
        2 + self.problem.needs.len() + m as usize
    }

    /// Arc cost of a pair with this score.
    fn cost(&self, n: NeedIx, score: f64) -> Cost {
        pair_cost(
            self.problem.needs[n as usize].priority,
            score,
            self.fit_scale,
        )
    }

    /// Arc cost of candidate pair `c` (a position in `all`) of need `n`.
    fn arc_cost(&self, n: NeedIx, c: usize) -> Cost {
        let fit = match self.fits.get(c) {
            Some(&fit) => fit,
            None => quantised_fit(self.all.scores[c], self.fit_scale),
        };
        self.levels[n as usize] - Cost::from(fit)
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
                // A pair the change re-scores is left to the search's exits (see
                // `search_tails`): its old arc is gone.
                let changed = self.overlay_score(n);
                for c in self.all.of_need(n) {
                    let m = self.all.mentors[c];
                    if held == Some(m) || changed.is_some_and(|(z, _)| z == m) {
                        continue;
                    }
                    out.push((self.mentor_node(m), self.arc_cost(n, c), Step::Take(n, m)));
                }
            }
        } else if u < 2 + needs + mentors {
            let m = (u - 2 - needs) as MentorIx;
            if (self.holders[m as usize].len() as u32) < self.problem.mentors[m as usize].capacity {
                out.push((SINK, 0, Step::None));
            }
            for &n in &self.holders[m as usize] {
                if !self.frozen[n as usize] {
                    let cost = match self.overlay_score(n) {
                        Some((z, score)) if z == m => self.cost(n, score),
                        _ => self
                            .all
                            .find(n, m)
                            .map_or_else(|| self.cost(n, 0.0), |c| self.arc_cost(n, c)),
                    };
                    out.push((self.need_node(n), -cost, Step::Leave(n, m)));
                }
            }
        }
        self.out = out;
    }

    /// Residual arcs into node `v` into `self.out`, as (tail, cost, _): the arcs of
    /// [`Residual::arcs`] read backwards (no change under evaluation).
    fn in_arcs(&mut self, v: usize) {
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let needs = self.problem.needs.len();
        let mentors = self.problem.mentors.len();
        if v == SOURCE {
            out.push((SINK, 0, Step::None));
            for n in 0..needs {
                if self.plan[n].is_some() && !self.frozen[n] {
                    out.push((self.need_node(n as NeedIx), 0, Step::None));
                }
            }
        } else if v == SINK {
            if self.flow > 0 {
                out.push((SOURCE, 0, Step::None));
            }
            for m in 0..mentors {
                if (self.holders[m].len() as u32) < self.problem.mentors[m].capacity {
                    out.push((self.mentor_node(m as MentorIx), 0, Step::None));
                }
            }
        } else if v < 2 + needs {
            let n = (v - 2) as NeedIx;
            if !self.frozen[n as usize] {
                match self.plan[n as usize] {
                    None => out.push((SOURCE, 0, Step::None)),
                    Some(m) => out.push((
                        self.mentor_node(m),
                        -self.cost(n, self.score(n, m)),
                        Step::None,
                    )),
                }
            }
        } else if v < 2 + needs + mentors {
            let m = (v - 2 - needs) as MentorIx;
            if self.moving[m as usize] > 0 {
                out.push((SINK, 0, Step::None));
            }
            let range =
                self.into_start[m as usize] as usize..self.into_start[m as usize + 1] as usize;
            for &(n, c) in &self.into[range] {
                if self.plan[n as usize] != Some(m) && !self.frozen[n as usize] {
                    out.push((self.need_node(n), self.arc_cost(n, c as usize), Step::None));
                }
            }
        }
        self.out = out;
    }

    /// Reduced distances from `root` to every node (`reverse`: from every node to `root`), by
    /// a full Dijkstra; [`UNREACHED`] where no path goes.
    fn distances(&mut self, root: usize, reverse: bool) -> Result<Vec<Cost>, Exhausted> {
        let mut dist = vec![UNREACHED; self.pi.len()];
        let mut done = vec![false; self.pi.len()];
        self.heap.clear();
        dist[root] = 0;
        self.heap.push(Reverse((0, root as u32)));
        while let Some(Reverse((d, x))) = self.heap.pop() {
            let x = x as usize;
            if done[x] || d > dist[x] {
                continue;
            }
            done[x] = true;
            if reverse {
                self.in_arcs(x);
            } else {
                self.arcs(x);
            }
            self.count_work()?;
            for i in 0..self.out.len() {
                let (y, cost, _) = self.out[i];
                let reduced = if reverse {
                    cost + self.pi[y] - self.pi[x]
                } else {
                    cost + self.pi[x] - self.pi[y]
                };
                if reduced < 0 {
                    return Err(Exhausted);
                }
                if !done[y] && d + reduced < dist[y] {
                    dist[y] = d + reduced;
                    self.heap.push(Reverse((d + reduced, y as u32)));
                }
            }
        }
        Ok(dist)
    }

    /// Prepares [`Residual::may_cover_more`]: every cycle that covers more enters a need from
    /// the source, so it is a path `z ⇝ source` and a path `source ⇝ n` closed by a new pair
    /// `n → z`. Two searches (to the source, backwards; from the source) price those paths for
    /// every mentor and need at once.
    pub fn screen(&mut self) -> Result<(), Exhausted> {
        let mentors = self.problem.mentors.len();
        let mut start = vec![0u32; mentors + 1];
        for &m in &self.all.mentors {
            start[m as usize + 1] += 1;
        }
        for m in 0..mentors {
            start[m + 1] += start[m];
        }
        let mut fill = start.clone();
        let mut into = vec![(0, 0); self.all.len()];
        for n in 0..self.problem.needs.len() as NeedIx {
            for c in self.all.of_need(n) {
                let m = self.all.mentors[c] as usize;
                into[fill[m] as usize] = (n, c as u32);
                fill[m] += 1;
            }
        }
        self.into_start = start;
        self.into = into;
        let distances = self
            .distances(SOURCE, true)
            .and_then(|to| Ok((to, self.distances(SOURCE, false)?)));
        // Only the screen walks arcs backwards: the index goes (8 bytes a pair).
        self.into_start = Vec::new();
        self.into = Vec::new();
        self.screen = Some(Arc::new(distances?));
        Ok(())
    }

    /// False only when giving mentor `z` the pairs `arcs` cannot cover more: the cheapest
    /// cycle through a new pair that enters at the source costs at least `d(z ⇝ source) +
    /// d(source ⇝ n) + cost(n, z)` in the plan's residual network (the change only removes
    /// pairs `z` does not make and makes the ones it makes dearer to leave, which never
    /// shortens a path), and every cycle that covers more enters at the source. True when
    /// that bound does not rule it out (or no screen was prepared): evaluate it.
    ///
    /// Returns that bound (the smallest over the new pairs; lower is a bigger first gain),
    /// `None` when it rules the change out; `Some(COVERS_MORE - 1)` without a screen.
    pub fn may_cover_more(&self, z: MentorIx, arcs: &[(NeedIx, f64)]) -> Option<Cost> {
        let Some(screen) = &self.screen else {
            return Some(COVERS_MORE - 1);
        };
        let (to_source, from_source) = &**screen;
        let zn = self.mentor_node(z);
        if to_source[zn] == UNREACHED {
            return None;
        }
        arcs.iter()
            .filter(|&&(n, _)| {
                self.plan[n as usize] != Some(z)
                    && !self.frozen[n as usize]
                    && from_source[self.need_node(n)] != UNREACHED
            })
            .map(|&(n, score)| {
                let nn = self.need_node(n);
                to_source[zn] + from_source[nn] - self.pi[zn] + self.pi[nn] + self.cost(n, score)
            })
            .min()
            .filter(|&bound| bound < COVERS_MORE)
    }

    /// Potentials: shortest distances from a virtual root joined to every node at the cost
    /// `start` gives it, by a label-correcting search (the residual of an optimum has no
    /// negative cycle). Started from the solver's own potentials, which already prove the
    /// plan, it checks them in one pass; from zeros it takes several. Bounded at
    /// [`POTENTIAL_WORK_PER_ARC`] relaxations per node and arc, and by the time limit.
    fn potentials(&mut self, start: Vec<Cost>) -> Option<()> {
        let nodes = self.pi.len();
        let limit = POTENTIAL_WORK_PER_ARC * (self.all.len() as u64 + nodes as u64);
        let mut relaxations = 0u64;
        let mut dist: Vec<Cost> = start;
        let mut queued = vec![true; nodes];
        let mut queue: std::collections::VecDeque<usize> = (0..nodes).collect();
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            self.arcs(u);
            for i in 0..self.out.len() {
                let (v, cost, _) = self.out[i];
                relaxations += 1;
                if relaxations > limit
                    || (relaxations.is_multiple_of(CLOCK_EVERY * 64) && self.limits.passed())
                {
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

    /// Forgets the last search (only the nodes it touched) and roots a new one at `from`.
    fn begin(&mut self, from: usize) {
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
    }

    /// Relaxes the residual arc `u → v` (real cost `cost`) from `u` settled at reduced
    /// distance `d`. A negative reduced cost cannot happen with valid potentials: the search
    /// refuses to answer rather than answer wrongly.
    fn relax(
        &mut self,
        u: usize,
        d: Cost,
        v: usize,
        cost: Cost,
        step: Step,
    ) -> Result<(), Exhausted> {
        if self.done[v] {
            return Ok(());
        }
        let reduced = cost + self.pi[u] - self.pi[v];
        if reduced < 0 {
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
        Ok(())
    }

    /// Dijkstra on reduced costs from `from` until `target` is settled or the smallest label
    /// left reaches `bound`. Labels are reduced distances.
    fn search(&mut self, from: usize, target: Option<usize>, bound: Cost) -> Result<(), Exhausted> {
        self.begin(from);
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
            self.count_work()?;
            for i in 0..self.out.len() {
                let (v, cost, step) = self.out[i];
                self.relax(u, d, v, cost, step)?;
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
            (Step::Return, false) | (Step::Unreturn, true) => {
                self.flow = self.flow.saturating_sub(1)
            }
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
                self.moving[m as usize] = self.moving[m as usize].saturating_sub(1);
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
        self.work_cap = self.work.saturating_add(self.limits.per_change);
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
            let mut moved: Vec<NeedIx> = self
                .applied
                .iter()
                .filter_map(|&step| match step {
                    Step::Cover(n) | Step::Uncover(n) => Some(n),
                    _ => None,
                })
                .collect();
            moved.sort_unstable();
            moved.dedup();
            for n in moved {
                match (
                    self.base[n as usize].is_some(),
                    self.plan[n as usize].is_some(),
                ) {
                    (false, true) => gain.covered.push(n),
                    (true, false) => gain.uncovered.push(n),
                    _ => {}
                }
            }
        }
        self.undo();
        result.map(|()| gain)
    }

    fn cycles_through(&mut self, z: MentorIx, gain: &mut Gain) -> Result<(), Exhausted> {
        let zn = self.mentor_node(z);
        let capacity = self.problem.mentors[z as usize].capacity;
        for unit in 0..=capacity {
            // The new pairs z does not make, by their exit `cost(n, z) + π(n)`: the cycle
            // through one of them costs `d(n) + exit(n) − π(z)` (d: reduced label from z).
            let Some((_, arcs)) = &self.overlay else {
                return Ok(());
            };
            let mut tails: Vec<(Cost, NeedIx)> = arcs
                .iter()
                .filter(|&&(n, _)| self.plan[n as usize] != Some(z) && !self.frozen[n as usize])
                .map(|&(n, score)| (self.cost(n, score) + self.pi[self.need_node(n)], n))
                .collect();
            if tails.is_empty() {
                return Ok(());
            }
            tails.sort_unstable();
            // Only a change whose first cycle covers more is followed; the later ones are
            // taken while they improve at all (the fit, exactly).
            let threshold = if unit == 0 { COVERS_MORE } else { 0 };
            let Some((n, t)) = self.search_tails(zn, &tails, threshold)? else {
                return Ok(());
            };
            let mut steps = self.path(self.need_node(n));
            steps.push(Step::Take(n, z));
            self.effect(&steps, gain);
            for &step in &steps {
                self.apply(step, false);
                self.applied.push(step);
            }
            // Settled nodes move by min(d(v), t) − t: every reduced cost stays non-negative,
            // the reversed path's arcs at 0 (the closing pair's reverse, z → n, at minus the
            // cycle's cost).
            for i in 0..self.touched.len() {
                let node = self.touched[i];
                if self.done[node] {
                    self.pi_undo.push((node, self.pi[node]));
                    self.pi[node] += self.dist[node].min(t) - t;
                }
            }
        }
        Ok(())
    }

    /// Dijkstra on reduced costs from `from` for the cheapest cycle closed by a new pair
    /// `n → z` (`tails`: (exit, n), ascending): the need and its label when that cycle costs
    /// less than `threshold`. It stops as soon as no tail left can close a cheaper cycle: the
    /// label popped plus the smallest exit of a tail not yet settled.
    fn search_tails(
        &mut self,
        from: usize,
        tails: &[(Cost, NeedIx)],
        threshold: Cost,
    ) -> Result<Option<(NeedIx, Cost)>, Exhausted> {
        self.begin(from);
        for &(exit, n) in tails {
            let node = self.need_node(n);
            self.exit[node] = exit;
        }
        let pz = self.pi[from];
        let mut best: Option<(NeedIx, Cost)> = None;
        let mut best_cost = threshold;
        let mut next_tail = 0;
        let result = 'search: loop {
            let Some(Reverse((d, u))) = self.heap.pop() else {
                break Ok(());
            };
            let u = u as usize;
            if self.done[u] || d > self.dist[u] {
                continue;
            }
            while next_tail < tails.len() && self.done[self.need_node(tails[next_tail].1)] {
                next_tail += 1;
            }
            match tails.get(next_tail) {
                Some(&(exit, _)) if d + exit - pz < best_cost => {}
                _ => break Ok(()),
            }
            self.done[u] = true;
            if self.exit[u] != UNREACHED {
                let cycle = d + self.exit[u] - pz;
                if cycle < best_cost {
                    best_cost = cycle;
                    best = Some(((u - 2) as NeedIx, d));
                }
            }
            self.arcs(u);
            if let Err(e) = self.count_work() {
                break Err(e);
            }
            for i in 0..self.out.len() {
                let (v, cost, step) = self.out[i];
                if let Err(e) = self.relax(u, d, v, cost, step) {
                    break 'search Err(e);
                }
            }
        };
        for &(_, n) in tails {
            let node = self.need_node(n);
            self.exit[node] = UNREACHED;
        }
        result.map(|()| best)
    }
}
