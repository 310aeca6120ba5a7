//! The fast exact path: when no mentor can cover two needs of one student (so a seat is a
//! need), the pairing is a bipartite b-matching, i.e. a min-cost flow
//!
//! `source → student (cap max_mentors) → need (cap 1) → mentor (cap 1) → mentor (cap capacity) → sink`
//!
//! whose linear program has integral optima. It is solved by successive shortest paths with
//! Dijkstra and node potentials, on **lexicographic cost vectors**
//! `[locks, urgent, high, normal, low, fit]`, so "locks first, then coverage by priority, then
//! fit" is exact without any big-M weight. Fit is quantised to 1e-9 per pair. Each augmenting
//! path is a shortest one, so the flow is optimal for its value at every step; augmenting stops
//! at the first path that would not improve the cost, which makes the result a maximum-weight
//! b-matching. Dijkstra stops once the sink is settled; potentials are updated with
//! `min(d(v), d(sink))`, which keeps every reduced cost non-negative.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::domain::model::{NeedIx, Problem};
use crate::domain::Priority;
use crate::rules::Candidates;

/// Components of a cost vector, compared lexicographically.
const DIM: usize = 6;
type Cost = [i64; DIM];
const ZERO: Cost = [0; DIM];
/// Fit quantum: scores are compared to 1e-9.
const FIT_SCALE: f64 = 1e9;

fn add(a: Cost, b: Cost) -> Cost {
    let mut out = a;
    for (o, x) in out.iter_mut().zip(b) {
        *o += x;
    }
    out
}

fn sub(a: Cost, b: Cost) -> Cost {
    let mut out = a;
    for (o, x) in out.iter_mut().zip(b) {
        *o -= x;
    }
    out
}

fn neg(a: Cost) -> Cost {
    sub(ZERO, a)
}

/// Residual graph in arrays: arc `a` and its reverse `a ^ 1`.
struct Graph {
    head: Vec<u32>,
    cap: Vec<i32>,
    /// Candidate position for need→mentor arcs, `u32::MAX` for structural arcs.
    cand: Vec<u32>,
    first: Vec<u32>,
    next: Vec<u32>,
}

impl Graph {
    fn new(nodes: usize, arcs: usize) -> Self {
        Graph {
            head: Vec::with_capacity(2 * arcs),
            cap: Vec::with_capacity(2 * arcs),
            cand: Vec::with_capacity(2 * arcs),
            first: vec![u32::MAX; nodes],
            next: Vec::with_capacity(2 * arcs),
        }
    }

    fn add_arc(&mut self, from: usize, to: usize, cap: i32, cand: u32) {
        for (u, v, c) in [(from, to, cap), (to, from, 0)] {
            let a = self.head.len() as u32;
            self.head.push(v as u32);
            self.cap.push(c);
            self.cand.push(cand);
            self.next.push(self.first[u]);
            self.first[u] = a;
        }
    }
}

/// Whether the fast path is exact for this problem: no (student, mentor) pair has two candidate
/// needs (seat sharing would break the network structure).
pub(super) fn is_network(problem: &Problem, candidates: &Candidates) -> bool {
    for s in &problem.students {
        let needs: Vec<NeedIx> = s.needs().collect();
        if needs.len() < 2 {
            continue;
        }
        let mut mentors: Vec<u32> = needs
            .iter()
            .flat_map(|&n| candidates.mentors[candidates.of_need(n)].iter().copied())
            .collect();
        let before = mentors.len();
        mentors.sort_unstable();
        mentors.dedup();
        if mentors.len() != before {
            return false;
        }
    }
    true
}

/// Solves the network model exactly. Returns the chosen candidate positions, ascending.
pub(super) fn solve(problem: &Problem, candidates: &Candidates) -> Vec<usize> {
    let s_count = problem.students.len();
    let n_count = problem.needs.len();
    let m_count = problem.mentors.len();
    let source = 0usize;
    let sink = 1usize;
    let student_node = |s: usize| 2 + s;
    let need_node = |n: usize| 2 + s_count + n;
    let mentor_node = |m: usize| 2 + s_count + n_count + m;
    let nodes = 2 + s_count + n_count + m_count;

    // Per-candidate cost vectors, negated (we minimise).
    let mut costs: Vec<Cost> = Vec::with_capacity(candidates.len());
    let mut cand_need: Vec<u32> = Vec::with_capacity(candidates.len());
    for (n, need) in problem.needs.iter().enumerate() {
        for c in candidates.of_need(n as NeedIx) {
            let m = candidates.mentors[c];
            let mut cost = ZERO;
            if problem.facts(need.student, m).locked {
                cost[0] = -1;
            }
            let level = match need.priority {
                Priority::Urgent => 1,
                Priority::High => 2,
                Priority::Normal => 3,
                Priority::Low => 4,
            };
            cost[level] = -1;
            cost[5] = -((candidates.scores[c] * FIT_SCALE).round() as i64);
            costs.push(cost);
            cand_need.push(n as u32);
        }
    }

    let arcs = s_count + n_count + candidates.len() + m_count;
    let mut g = Graph::new(nodes, arcs);
    let k = problem.policy.max_mentors_per_student as i32;
    for (s, student) in problem.students.iter().enumerate() {
        g.add_arc(source, student_node(s), k.min(student.need_count as i32), u32::MAX);
        for n in student.needs() {
            g.add_arc(student_node(s), need_node(n as usize), 1, u32::MAX);
        }
    }
    for c in 0..candidates.len() {
        g.add_arc(
            need_node(cand_need[c] as usize),
            mentor_node(candidates.mentors[c] as usize),
            1,
            c as u32,
        );
    }
    for (m, mentor) in problem.mentors.iter().enumerate() {
        g.add_arc(mentor_node(m), sink, mentor.capacity as i32, u32::MAX);
    }
    let arc_cost = |a: usize| -> Cost {
        let c = g.cand[a];
        if c == u32::MAX {
            ZERO
        } else if a & 1 == 0 {
            costs[c as usize]
        } else {
            neg(costs[c as usize])
        }
    };

    // Initial potentials: shortest distances in the acyclic starting graph.
    let mut pi: Vec<Cost> = vec![ZERO; nodes];
    let mut best_sink = ZERO;
    for m in 0..m_count {
        pi[mentor_node(m)] = ZERO;
    }
    for a in (0..g.head.len()).step_by(2) {
        if g.cand[a] != u32::MAX {
            let v = g.head[a] as usize;
            let cost = costs[g.cand[a] as usize];
            if cost < pi[v] {
                pi[v] = cost;
            }
        }
    }
    for m in 0..m_count {
        if pi[mentor_node(m)] < best_sink {
            best_sink = pi[mentor_node(m)];
        }
    }
    pi[sink] = best_sink;

    let mut dist: Vec<Cost> = vec![ZERO; nodes];
    let mut parent: Vec<u32> = vec![u32::MAX; nodes];
    let mut done: Vec<bool> = vec![false; nodes];
    let mut touched: Vec<usize> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(Cost, u32)>> = BinaryHeap::new();
    const UNSEEN: u32 = u32::MAX - 1;
    for p in parent.iter_mut() {
        *p = UNSEEN;
    }
    loop {
        for &v in &touched {
            parent[v] = UNSEEN;
            done[v] = false;
        }
        touched.clear();
        heap.clear();
        dist[source] = ZERO;
        parent[source] = u32::MAX;
        touched.push(source);
        heap.push(Reverse((ZERO, source as u32)));
        let mut reached = false;
        while let Some(Reverse((d, u))) = heap.pop() {
            let u = u as usize;
            if done[u] || d > dist[u] {
                continue;
            }
            done[u] = true;
            if u == sink {
                reached = true;
                break;
            }
            let mut a = g.first[u];
            while a != u32::MAX {
                let ai = a as usize;
                if g.cap[ai] > 0 {
                    let v = g.head[ai] as usize;
                    if !done[v] {
                        let reduced = sub(add(arc_cost(ai), pi[u]), pi[v]);
                        let nd = add(d, reduced);
                        if parent[v] == UNSEEN || nd < dist[v] {
                            if parent[v] == UNSEEN {
                                touched.push(v);
                            }
                            dist[v] = nd;
                            parent[v] = a;
                            heap.push(Reverse((nd, v as u32)));
                        }
                    }
                }
                a = g.next[ai];
            }
        }
        if !reached {
            break;
        }
        // Real cost of the path: reduced distance plus potential difference.
        let path_cost = sub(add(dist[sink], pi[sink]), pi[source]);
        if path_cost >= ZERO {
            break;
        }
        let dt = dist[sink];
        for &v in &touched {
            let dv = if done[v] { dist[v] } else { dt };
            let dv = if dv < dt { dv } else { dt };
            pi[v] = add(pi[v], dv);
        }
        // Nodes never touched had d ≥ d(sink): they get d(sink) too.
        // (Applied lazily: track a global offset would be faster; nodes untouched stay valid
        // because every arc into them from a settled node had reduced cost ≥ d(sink) - d(u).)
        for v in 0..nodes {
            if parent[v] == UNSEEN {
                pi[v] = add(pi[v], dt);
            }
        }
        let mut v = sink;
        while v != source {
            let a = parent[v] as usize;
            g.cap[a] -= 1;
            g.cap[a ^ 1] += 1;
            v = g.head[a ^ 1] as usize;
        }
    }

    let mut chosen: Vec<usize> = (0..g.head.len())
        .step_by(2)
        .filter(|&a| g.cand[a] != u32::MAX && g.cap[a] == 0)
        .map(|a| g.cand[a] as usize)
        .collect();
    chosen.sort_unstable();
    chosen
}
