//! The need → mentor network without the student layer, solved by adding needs one at a time.
//!
//! Nodes: every need (supply 1), every mentor, the sink. Arcs: need → mentor for each kept
//! candidate (capacity 1, the pair's cost), need → sink for "stay unassigned" (cost 0),
//! mentor → sink for the seats (capacity = free seats, cost 0). Each need sends exactly one
//! unit. After need k is placed by a shortest augmenting path, the flow is a min-cost flow for
//! needs 1..k; the search only visits what is cheaper than the answer, so it stays local.
//!
//! The residual network is held in the shape the searches need rather than as a general arc
//! list: a need's candidate arcs are contiguous (one slice to scan), and a mentor's only
//! outgoing residual arcs are its free seats and the needs it currently holds (at most its
//! capacity), so expanding a mentor costs O(capacity) instead of O(candidates of the mentor).
//! That makes a search several times cheaper at district size, where mentors have dozens of
//! candidate arcs and searches pass through mentors more than through needs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use super::{pair_cost, Cost, Prepared, DEADLINE_CHECK_EVERY, UNSEEN};
use crate::domain::model::{NeedIx, Problem};
use crate::rules::Candidates;

/// No mentor in an `out` slot.
const NONE: u32 = u32::MAX;

/// Cost of an arc that exists but may not be used yet: far above any path through real arcs
/// (those stay below 2^110), far below overflow.
const HIDDEN: Cost = 1 << 120;

/// Flow state of the network: who holds which unit.
struct Residual {
    n_count: usize,
    /// Candidate arcs of need n: `arc_start[n]..arc_start[n + 1]` into the two arrays below.
    arc_start: Vec<u32>,
    arc_mentor: Vec<u32>,
    arc_cost: Vec<Cost>,
    /// Seats each mentor offers (after locks).
    seats: Vec<i32>,
    /// Units each mentor passes to the sink (seats taken).
    to_sink: Vec<i32>,
    /// Needs whose unit sits on need → mentor, with that arc's cost. Longer than `to_sink`
    /// only for a moment, while a repair moves a unit through (see [`ByNeeds::add`]).
    held: Vec<Vec<(u32, Cost)>>,
    /// Mentors a need sends its unit to: one between operations, two while a priced arc is
    /// being repaired in.
    out: Vec<[u32; 2]>,
    /// The need's unit is on its "stay unassigned" arc.
    unassigned: Vec<bool>,
}

impl Residual {
    fn sink(&self) -> usize {
        self.n_count + self.seats.len()
    }

    fn sends_to(&self, n: usize, m: u32) -> bool {
        self.out[n][0] == m || self.out[n][1] == m
    }

    fn take_unit(&mut self, n: usize, m: u32, cost: Cost) {
        self.held[m as usize].push((n as u32, cost));
        let slot = if self.out[n][0] == NONE { 0 } else { 1 };
        self.out[n][slot] = m;
    }

    fn drop_unit(&mut self, n: usize, m: u32) {
        let held = &mut self.held[m as usize];
        if let Some(i) = held.iter().position(|&(k, _)| k as usize == n) {
            held.swap_remove(i);
        }
        let out = &mut self.out[n];
        if out[0] == m {
            out[0] = out[1];
        }
        out[1] = NONE;
    }

    /// Position of the candidate arc n → m, if kept.
    fn arc_index(&self, n: usize, m: u32) -> Option<usize> {
        let range = self.arc_start[n] as usize..self.arc_start[n + 1] as usize;
        self.arc_mentor[range.clone()]
            .binary_search(&m)
            .ok()
            .map(|i| range.start + i)
    }
}

/// Dijkstra state reused across searches; only the nodes a search touched are reset.
struct Search {
    dist: Vec<Cost>,
    parent: Vec<u32>,
    /// For a mentor reached from a need, the cost of that candidate arc.
    via_cost: Vec<Cost>,
    done: Vec<bool>,
    touched: Vec<usize>,
    heap: BinaryHeap<Reverse<(Cost, u32)>>,
    /// Nodes settled by every search so far: the work done, independent of machine noise.
    settled: u64,
}

impl Search {
    fn new(nodes: usize) -> Self {
        Search {
            dist: vec![0; nodes],
            parent: vec![UNSEEN; nodes],
            via_cost: vec![0; nodes],
            done: vec![false; nodes],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            settled: 0,
        }
    }

    /// Shortest path by reduced cost `cost + π(u) − π(v)` over residual arcs, from `from`
    /// until a target node is settled; returns it.
    fn run(
        &mut self,
        r: &Residual,
        pi: &[Cost],
        from: usize,
        is_target: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        for &v in &self.touched {
            self.parent[v] = UNSEEN;
            self.done[v] = false;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[from] = 0;
        self.parent[from] = u32::MAX;
        self.touched.push(from);
        self.heap.push(Reverse((0, from as u32)));
        let n_count = r.n_count;
        let sink = r.sink();
        while let Some(Reverse((d, u))) = self.heap.pop() {
            let u = u as usize;
            if self.done[u] || d > self.dist[u] {
                continue;
            }
            self.done[u] = true;
            self.settled += 1;
            if is_target(u) {
                return Some(u);
            }
            let base = d + pi[u];
            if u < n_count {
                let arcs = r.arc_start[u] as usize..r.arc_start[u + 1] as usize;
                for (&m, &cost) in r.arc_mentor[arcs.clone()].iter().zip(&r.arc_cost[arcs]) {
                    if !r.sends_to(u, m) {
                        let v = n_count + m as usize;
                        if self.relax(u, v, base + cost - pi[v]) {
                            self.via_cost[v] = cost;
                        }
                    }
                }
                if !r.unassigned[u] {
                    self.relax(u, sink, base - pi[sink]);
                }
            } else if u < sink {
                let m = u - n_count;
                if r.to_sink[m] < r.seats[m] {
                    self.relax(u, sink, base - pi[sink]);
                }
                for &(n, cost) in &r.held[m] {
                    self.relax(u, n as usize, base - cost - pi[n as usize]);
                }
            } else {
                // Only repairs expand the sink: back to any mentor passing it a unit and to
                // any need whose unit stays unassigned.
                for (m, &units) in r.to_sink.iter().enumerate() {
                    if units > 0 {
                        self.relax(u, n_count + m, base - pi[n_count + m]);
                    }
                }
                for (n, &un) in r.unassigned.iter().enumerate() {
                    if un {
                        self.relax(u, n, base - pi[n]);
                    }
                }
            }
        }
        None
    }

    /// Records a tentative distance; true when it improved.
    fn relax(&mut self, u: usize, v: usize, nd: Cost) -> bool {
        if self.done[v] {
            return false;
        }
        let fresh = self.parent[v] == UNSEEN;
        if fresh || nd < self.dist[v] {
            if fresh {
                self.touched.push(v);
            }
            self.dist[v] = nd;
            self.parent[v] = u as u32;
            self.heap.push(Reverse((nd, v as u32)));
            true
        } else {
            false
        }
    }

    /// Settled nodes move by d(v) − d(target) ≤ 0, all others by 0. Keeps every reduced
    /// cost ≥ 0.
    fn update_potentials(&self, pi: &mut [Cost], target: usize) {
        let dt = self.dist[target];
        for &v in &self.touched {
            if self.done[v] {
                pi[v] += self.dist[v] - dt;
            }
        }
    }

    /// Moves one unit along the path found, from `from` to `to`.
    fn augment(&self, r: &mut Residual, from: usize, to: usize) {
        let n_count = r.n_count;
        let sink = r.sink();
        let mut v = to;
        while v != from {
            let u = self.parent[v] as usize;
            match (u < n_count, u < sink, v < n_count, v < sink) {
                // need → mentor: the need's unit goes to the mentor.
                (true, _, false, true) => {
                    r.take_unit(u, (v - n_count) as u32, self.via_cost[v]);
                }
                // mentor → need: the need's unit leaves the mentor.
                (false, true, true, _) => r.drop_unit(v, (u - n_count) as u32),
                // need → sink: the need stays unassigned.
                (true, _, false, false) => r.unassigned[u] = true,
                // mentor → sink: a seat is taken.
                (false, true, false, false) => r.to_sink[u - n_count] += 1,
                // sink → mentor: a seat is given back.
                (false, false, false, true) => r.to_sink[v - n_count] -= 1,
                // sink → need: the need leaves "unassigned".
                (false, false, true, _) => r.unassigned[v] = false,
                _ => debug_assert!(false, "no arc joins two needs or two mentors"),
            }
            v = u;
        }
    }
}

/// The network, warm between pricing rounds.
pub(super) struct ByNeeds {
    r: Residual,
    pub(super) pi: Vec<Cost>,
    search: Search,
    /// False when the deadline stopped the placing of needs: the plan is valid, not optimal.
    pub(super) complete: bool,
}

impl ByNeeds {
    pub(super) fn new(
        problem: &Problem,
        candidates: &Candidates,
        prepared: &Prepared,
        deadline: Option<Instant>,
    ) -> Self {
        let Prepared {
            seat_used,
            need_done,
            costs,
            ..
        } = prepared;
        let n_count = problem.needs.len();
        let m_count = problem.mentors.len();
        let mut arc_start = Vec::with_capacity(n_count + 1);
        let mut arc_mentor = Vec::with_capacity(candidates.len());
        let mut arc_cost = Vec::with_capacity(candidates.len());
        arc_start.push(0u32);
        for (n, &done) in need_done.iter().enumerate() {
            if !done {
                for c in candidates.of_need(n as NeedIx) {
                    arc_mentor.push(candidates.mentors[c]);
                    arc_cost.push(costs[c]);
                }
            }
            arc_start.push(arc_mentor.len() as u32);
        }
        let r = Residual {
            n_count,
            arc_start,
            arc_mentor,
            arc_cost,
            seats: problem
                .mentors
                .iter()
                .zip(seat_used)
                .map(|(mentor, &used)| (mentor.capacity as i32 - used).max(0))
                .collect(),
            to_sink: vec![0; m_count],
            held: vec![Vec::new(); m_count],
            out: vec![[NONE; 2]; n_count],
            unassigned: vec![false; n_count],
        };
        let nodes = n_count + m_count + 1;
        let mut net = ByNeeds {
            r,
            pi: vec![0; nodes],
            search: Search::new(nodes),
            complete: true,
        };
        let sink = net.r.sink();
        for (k, need) in (0..n_count).filter(|&n| !need_done[n]).enumerate() {
            // Past the deadline the needs placed so far form a min-cost flow of their own: a
            // valid plan, reported as time-limited by the caller.
            if k % DEADLINE_CHECK_EVERY == 0 && deadline.is_some_and(|d| Instant::now() >= d) {
                net.complete = false;
                break;
            }
            // Nothing flows into a need not yet placed, so any potential works; pick the one
            // that makes its outgoing reduced costs non-negative.
            let arcs = net.r.arc_start[need] as usize..net.r.arc_start[need + 1] as usize;
            let p = net.r.arc_mentor[arcs.clone()]
                .iter()
                .zip(&net.r.arc_cost[arcs])
                .fold(net.pi[sink], |p, (&m, &cost)| {
                    p.max(net.pi[n_count + m as usize] - cost)
                });
            net.pi[need] = p;
            // The sink is always reachable through the need's own "unassigned" arc.
            if net
                .search
                .run(&net.r, &net.pi, need, |v| v == sink)
                .is_some()
            {
                net.search.update_potentials(&mut net.pi, sink);
                net.search.augment(&mut net.r, need, sink);
            }
        }
        net
    }

    /// Adds priced pairs without starting over, one at a time. A new arc with non-negative
    /// reduced cost keeps the flow optimal as it is. One with negative reduced cost is
    /// saturated, which keeps every reduced cost non-negative but leaves its mentor with a unit
    /// too many and its need sending one too many; a shortest path from the mentor back to the
    /// need moves that unit on (freeing a seat elsewhere, or sending the need's old unit
    /// somewhere else) and restores a min-cost flow.
    pub(super) fn add(&mut self, problem: &Problem, fit_scale: f64, extra: &[(NeedIx, u32, f64)]) {
        // Merge the new arcs into each need's slice (rows stay sorted by mentor).
        let r = &mut self.r;
        let mut by_need: Vec<(NeedIx, u32, Cost)> = extra
            .iter()
            .map(|&(n, m, score)| {
                (
                    n,
                    m,
                    pair_cost(problem.needs[n as usize].priority, score, fit_scale),
                )
            })
            .collect();
        by_need.sort_unstable_by_key(|&(n, m, _)| (n, m));
        let total = r.arc_mentor.len() + by_need.len();
        let mut start = Vec::with_capacity(r.n_count + 1);
        let mut mentor = Vec::with_capacity(total);
        let mut cost = Vec::with_capacity(total);
        start.push(0u32);
        let mut next = by_need.iter().peekable();
        for n in 0..r.n_count {
            let old = r.arc_start[n] as usize..r.arc_start[n + 1] as usize;
            let mut row: Vec<(u32, Cost)> = r.arc_mentor[old.clone()]
                .iter()
                .copied()
                .zip(r.arc_cost[old].iter().copied())
                .collect();
            while let Some(&&(k, m, _)) = next.peek() {
                if k as usize != n {
                    break;
                }
                // Hidden until its turn below: an arc with negative reduced cost must not be
                // seen by the searches that repair the arcs before it.
                row.push((m, HIDDEN));
                next.next();
            }
            row.sort_unstable_by_key(|&(m, _)| m);
            row.dedup_by_key(|&mut (m, _)| m);
            for (m, c) in row {
                mentor.push(m);
                cost.push(c);
            }
            start.push(mentor.len() as u32);
        }
        r.arc_start = start;
        r.arc_mentor = mentor;
        r.arc_cost = cost;

        let n_count = r.n_count;
        for &(n, m, c) in &by_need {
            let (u, v) = (n as usize, n_count + m as usize);
            // A need placed up front by a lock has no arcs in this network.
            let Some(a) = self.r.arc_index(u, m) else {
                continue;
            };
            self.r.arc_cost[a] = c;
            if self.r.sends_to(u, m) || c + self.pi[u] - self.pi[v] >= 0 {
                continue;
            }
            self.r.take_unit(u, m, c);
            let found = self.search.run(&self.r, &self.pi, v, |t| t == u);
            match found {
                Some(t) => {
                    self.search.update_potentials(&mut self.pi, t);
                    self.search.augment(&mut self.r, v, t);
                }
                // Cannot happen: the reverse of the saturated arc always leads back.
                None => self.r.drop_unit(u, m),
            }
        }
    }

    /// The (need, mentor) pairs carrying flow.
    pub(super) fn pairs(&self) -> Vec<(NeedIx, u32)> {
        let mut out: Vec<(NeedIx, u32)> = self
            .r
            .held
            .iter()
            .enumerate()
            .flat_map(|(m, held)| held.iter().map(move |&(n, _)| (n, m as u32)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Nodes settled by all searches so far (for logs comparing work across versions).
    pub(super) fn settled(&self) -> u64 {
        self.search.settled
    }

    pub(super) fn n_count(&self) -> usize {
        self.r.n_count
    }

    pub(super) fn sink(&self) -> usize {
        self.r.sink()
    }
}
