//! The exact price of forcing one pair into a proven-optimal network plan, without a re-solve.
//!
//! On the network path the plan is a min-cost circulation (source → need → mentor → sink →
//! source, costs the packed lexicographic `i128`s of `flow.rs`). Forcing one more unit on the
//! arc need → mentor changes the optimum by exactly the cheapest cycle through that arc in the
//! residual network of the optimum: the arc's cost plus the shortest path back from the mentor
//! to the need. The optimum has no negative cycle, so a label-correcting search finds that path
//! exactly; walking it gives the forced plan, and the plans compared give the coverage per
//! priority, the fit and who else moves. Of the cheapest cycles it takes one that moves the
//! fewest needs (ties in the packed costs broken by the count of needs moved), so the students
//! a "why not" lists are no more than the pair needs.
//!
//! What it proves: the forced plan's value is the optimum with the pair forced, over every
//! feasible pair. It applies where the plan is a network over the full candidate set: no
//! mentor may cover two needs of one student, the per-student limit cannot bind, no locks.
//!
//! Imports the domain, the rules and the flow; must not import HiGHS or anything above the
//! solver.

use std::collections::VecDeque;

use super::flow::{fit_scale_for, pair_cost, Cost, SeatCosts};
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;

/// Whether [`forced_plan`] applies to this problem (see the module header).
pub fn applies(problem: &Problem, all: &Candidates) -> bool {
    problem.locked.is_empty() && super::is_plain_network(problem, all)
}

/// The optimal plan with `need` → `mentor` forced, from the optimal `plan` (one mentor or none
/// per need, over `all`): the new mentor of every need. `None` when no plan can hold the pair.
///
/// Long (~140 lines) on purpose: it is one shortest-path search over one residual graph, built
/// and walked in place; its steps share the graph's arrays, the labels and the heap, and split
/// apart they would pass a dozen of them between each other without making a step readable on
/// its own. Its comments mark the steps.
pub fn forced_plan(
    problem: &Problem,
    all: &Candidates,
    plan: &[Option<MentorIx>],
    need: NeedIx,
    mentor: MentorIx,
) -> Option<Vec<Option<MentorIx>>> {
    all.find(need, mentor)?;
    let fit_scale = fit_scale_for(problem, all);
    // Involvement and load spread are costs on the seat arcs (no locks here: the k-th seat
    // of the flow is the mentor's k-th).
    let seat_costs = SeatCosts::new(problem, fit_scale);
    let needs = problem.needs.len();
    let mentors = problem.mentors.len();
    let weight =
        |n: usize, c: usize| pair_cost(problem.needs[n].priority, all.scores[c], fit_scale);
    // Nodes: source, sink, needs, mentors.
    const SOURCE: usize = 0;
    const SINK: usize = 1;
    let need_node = |n: usize| 2 + n;
    let mentor_node = |m: usize| 2 + needs + m;
    let nodes = 2 + needs + mentors;
    let mut holders: Vec<Vec<NeedIx>> = vec![Vec::new(); mentors];
    for (n, m) in plan.iter().enumerate() {
        if let Some(m) = m {
            holders[*m as usize].push(n as NeedIx);
        }
    }
    let flow_total = plan.iter().filter(|m| m.is_some()).count();
    // Residual arcs out of a node, as (head, cost, pair or need it changes).
    let arcs = |u: usize, out: &mut Vec<(usize, Cost, Step)>| {
        out.clear();
        if u == SOURCE {
            for (n, m) in plan.iter().enumerate() {
                if m.is_none() {
                    out.push((need_node(n), 0, Step::Cover));
                }
            }
            if flow_total > 0 {
                out.push((SINK, 0, Step::None));
            }
        } else if u == SINK {
            out.push((SOURCE, 0, Step::None));
            for (m, held) in holders.iter().enumerate() {
                if !held.is_empty() {
                    let last = -seat_costs.seat(held.len() as i32);
                    out.push((mentor_node(m), last, Step::None));
                }
            }
        } else if u < 2 + needs {
            let n = u - 2;
            if plan[n].is_some() {
                out.push((SOURCE, 0, Step::Uncover(n as NeedIx)));
            }
            for c in all.of_need(n as NeedIx) {
                let m = all.mentors[c];
                if plan[n] != Some(m) && !(n as NeedIx == need && m == mentor) {
                    out.push((
                        mentor_node(m as usize),
                        weight(n, c),
                        Step::Take(n as NeedIx, m),
                    ));
                }
            }
        } else {
            let m = u - 2 - needs;
            if (holders[m].len() as u32) < problem.mentors[m].capacity {
                let next = seat_costs.seat(holders[m].len() as i32 + 1);
                out.push((SINK, next, Step::None));
            }
            for &n in &holders[m] {
                if let Some(c) = all.find(n, m as MentorIx) {
                    out.push((
                        need_node(n as usize),
                        -weight(n as usize, c),
                        Step::Leave(n),
                    ));
                }
            }
        }
    };
    // Label-correcting shortest paths from the mentor (no negative cycle at an optimum), by
    // cost and then by the needs the path moves: of the cheapest cycles, one that moves
    // fewest needs. Exact on both keys: a cycle of cost 0 moves at least no need, so the pair
    // of them has no negative cycle either.
    let start = mentor_node(mentor as usize);
    let target = need_node(need as usize);
    let mut dist: Vec<Option<(Cost, u32)>> = vec![None; nodes];
    let mut pred: Vec<Option<(usize, Step)>> = vec![None; nodes];
    let mut queued = vec![false; nodes];
    let mut queue = VecDeque::new();
    dist[start] = Some((0, 0));
    queue.push_back(start);
    queued[start] = true;
    let mut out = Vec::new();
    let mut relaxations: u64 = 0;
    // Label-correcting search visits a node a few times in practice; past this bound (a
    // pathological request) the choice is left unpriced rather than hold the caller.
    let limit = 64 * (all.len() as u64 + nodes as u64);
    while let Some(u) = queue.pop_front() {
        queued[u] = false;
        let du = dist[u]?;
        arcs(u, &mut out);
        for &(v, cost, step) in &out {
            relaxations += 1;
            if relaxations > limit {
                return None;
            }
            let dv = (du.0 + cost, du.1 + u32::from(step.moves()));
            if dist[v].is_none_or(|d| dv < d) {
                dist[v] = Some(dv);
                pred[v] = Some((u, step));
                if !queued[v] {
                    queued[v] = true;
                    queue.push_back(v);
                }
            }
        }
    }
    dist[target]?;
    // The path back from the need to the mentor, then the forced arc: applied in path order.
    let mut steps = Vec::new();
    let mut v = target;
    while v != start {
        let (u, step) = pred[v]?;
        steps.push(step);
        v = u;
        if steps.len() > nodes {
            return None;
        }
    }
    steps.reverse();
    let mut next = plan.to_vec();
    for step in steps {
        match step {
            Step::Take(n, m) => next[n as usize] = Some(m),
            Step::Leave(n) | Step::Uncover(n) => next[n as usize] = None,
            Step::Cover | Step::None => {}
        }
    }
    next[need as usize] = Some(mentor);
    Some(next)
}

impl Step {
    /// Whether the step gives a need another mentor or none (each moved need is one such
    /// step on the path: it leaves, then takes or gives up its coverage).
    fn moves(self) -> bool {
        matches!(self, Step::Take(..) | Step::Uncover(_))
    }
}

/// What a residual arc does to the plan.
#[derive(Clone, Copy, Debug)]
enum Step {
    None,
    /// A need without a mentor is covered from the source.
    Cover,
    /// The need gives up its coverage.
    Uncover(NeedIx),
    /// The need takes this mentor.
    Take(NeedIx, MentorIx),
    /// The need leaves its mentor.
    Leave(NeedIx),
}
