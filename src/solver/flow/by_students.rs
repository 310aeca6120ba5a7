//! The network with its student layer, solved by adding students one at a time: the solver
//! when the per-student mentor limit can bind (`maxMentorsPerStudent` below a student's open
//! needs).
//!
//! Proves: after student k is added, the flow is a min-cost circulation of the network made of
//! students 1..k (source → student, capacity its open mentor slots; student → need; need →
//! mentor, the pair's cost; mentor → sink, its seats; sink → source, cost 0, the return arc
//! that makes the flow value free). A new student can only close negative cycles through its
//! own arc source → student, so each is found as a shortest path from the student back to the
//! source (Dijkstra with potentials), augmented while its cost is negative, at most its open
//! slots times. The potentials then price every residual arc non-negative, the arc into the
//! student included, which is the proof pricing extends to the pairs outside the set.
//!
//! Why not from the source: the textbook loop (`solve_from_source`, kept as the reference the
//! tests compare against) starts every search at the super source, whose arcs reach every
//! student with a free slot, so each augmentation scans the whole school: ~110 ms a solve at
//! school size, 3–4.5 s at 4,000 students, and a pricing round solves again. Here a search
//! starts at one student and stops at the first way back to the source (a free seat, or a
//! student who gives up one of its pairs), so it stays near the student, as in `by_needs.rs`.
//!
//! Imports its parent `flow`, the domain and the rules; must not import HiGHS or anything
//! above the solver.

use super::{
    quantised_fit, source_network, Cost, Graph, Layout, Prepared, Search, SourceNetwork,
    DEADLINE_CHECK_EVERY,
};
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;

/// The solved network with its student layer, kept between pricing rounds so that priced
/// pairs go in place ([`ByStudents::add`]).
pub(super) struct ByStudents {
    g: Graph,
    pi: Vec<Cost>,
    search: Search,
    at: Layout,
    /// False when the deadline stopped the adding of students: the plan is valid, not optimal.
    pub(super) complete: bool,
}

/// Adds the students one at a time (the most urgent need first, then by position: the
/// order only changes the work, never the optimum). Past `deadline` the students not yet
/// added stay unpaired: the plan is valid, `complete` is false.
pub(super) fn solve(
    problem: &Problem,
    candidates: &Candidates,
    prepared: &Prepared,
    deadline: Option<crate::solver::Until>,
) -> ByStudents {
    let SourceNetwork {
        mut g,
        at,
        source_arc,
    } = source_network(problem, candidates, prepared);
    let (source, sink) = (Layout::SOURCE, Layout::SINK);
    let nodes = g.first.len();
    // The return arc: the flow value is free, so the potentials must also price it.
    g.add_arc(sink, source, i32::MAX / 2, u32::MAX, 0);

    // Potentials: only what a search can reach must price non-negative. Before any student
    // is added that is the mentors, the sink and the source: every seat arc mentor → sink
    // non-negative, π(sink) = π(source) = 0.
    let mut pi: Vec<Cost> = vec![0; nodes];
    for m in 0..problem.mentors.len() {
        let v = at.mentor(m);
        pi[v] = out_arcs(&g, v)
            .filter(|&a| g.cap[a] > 0)
            .map(|a| -g.cost[a])
            .max()
            .unwrap_or(0);
    }

    let mut order: Vec<usize> = (0..problem.students.len())
        .filter(|&s| g.cap[source_arc[s]] > 0)
        .collect();
    // Most urgent first (a lower level cost is more urgent), then by position.
    order.sort_by_key(|&s| {
        let most_urgent = problem.students[s]
            .needs()
            .map(|n| prepared.level[n as usize])
            .min()
            .unwrap_or(0);
        (most_urgent, s)
    });
    let mut added = vec![false; problem.students.len()];
    let mut search = Search::new(nodes);
    let mut complete = true;
    for (k, &s) in order.iter().enumerate() {
        if k % DEADLINE_CHECK_EVERY == 0 && deadline.is_some_and(|d| d.passed()) {
            complete = false;
            break;
        }
        add_student(
            &mut g,
            &mut pi,
            &mut search,
            at.student(s),
            source,
            source_arc[s],
        );
        added[s] = true;
    }

    // Students never added (no open slot, or past the deadline) cannot be reached: their nodes
    // and needs sit far above everything, so no pair of theirs prices as improving (none can
    // be made while their slots are full) and the arc student → need prices non-negative.
    for (s, student) in problem.students.iter().enumerate() {
        if !added[s] {
            pi[at.student(s)] = UNREACHABLE;
            for n in student.needs() {
                pi[at.need(n as usize)] = UNREACHABLE;
            }
        }
    }
    ByStudents {
        g,
        pi,
        search,
        at,
        complete,
    }
}

/// Potential of the nodes no search can reach.
const UNREACHABLE: Cost = 1 << 120;

impl ByStudents {
    /// The (need, mentor) pairs made.
    pub(super) fn pairs(&self) -> Vec<(NeedIx, MentorIx)> {
        let g = &self.g;
        (0..g.head.len())
            .step_by(2)
            .filter(|&a| g.cand[a] != u32::MAX && g.cap[a] == 0)
            .map(|a| {
                let need = g.head[a ^ 1] as usize - self.at.need(0);
                let mentor = g.head[a] as usize - self.at.mentor(0);
                (need as NeedIx, mentor as MentorIx)
            })
            .collect()
    }

    /// Potentials of the needs, the mentors and the sink (the proof pricing extends).
    pub(super) fn potentials(&self) -> (Vec<Cost>, Vec<Cost>, Cost) {
        let at = self.at;
        let m_count = self.pi.len() - at.mentor(0);
        (
            (0..at.n_count).map(|n| self.pi[at.need(n)]).collect(),
            (0..m_count).map(|m| self.pi[at.mentor(m)]).collect(),
            self.pi[Layout::SINK],
        )
    }

    /// Adds priced pairs `(need, mentor, score)` in place. A pair whose reduced cost is
    /// negative is saturated at once, which leaves its mentor a unit too many and its need one
    /// too few; each such pair is then settled by a shortest path from the mentor back to the
    /// need (its own reverse arc is one), after which every residual arc prices non-negative
    /// again and the circulation is optimal over the larger set (successive shortest paths
    /// from a pseudoflow). Pairs of needs already done (seats made up front) are skipped.
    pub(super) fn add(&mut self, prepared: &Prepared, extra: &[(NeedIx, MentorIx, f64)]) {
        let at = self.at;
        let mut open: Vec<(usize, usize)> = Vec::new();
        for &(n, m, score) in extra {
            if prepared.need_done[n as usize] || self.pi[at.need(n as usize)] == UNREACHABLE {
                continue;
            }
            let (u, v) = (at.need(n as usize), at.mentor(m as usize));
            let cost =
                prepared.level[n as usize] - Cost::from(quantised_fit(score, prepared.fit_scale));
            let a = self.g.add_arc(u, v, 1, 0, cost);
            if cost + self.pi[u] - self.pi[v] < 0 {
                self.g.cap[a] = 0;
                self.g.cap[a ^ 1] = 1;
                open.push((v, u));
            }
        }
        for (from, to) in open {
            // The reverse arc to → from is a path: the search always reaches `to`.
            if self.search.run(&self.g, &self.pi, from, to) {
                self.search.update_potentials(&mut self.pi, to);
                self.search.augment(&mut self.g, from, to);
            }
        }
    }
}

/// Residual arcs out of `v`.
fn out_arcs(g: &Graph, v: usize) -> impl Iterator<Item = usize> + '_ {
    let mut a = g.first[v];
    std::iter::from_fn(move || {
        (a != u32::MAX).then(|| {
            let ai = a as usize;
            a = g.next[ai];
            ai
        })
    })
}

/// Adds student node `s` (reached only through `source_arc`, source → s) and augments the
/// negative cycles through it.
fn add_student(
    g: &mut Graph,
    pi: &mut [Cost],
    search: &mut Search,
    s: usize,
    source: usize,
    source_arc: usize,
) {
    // Potentials for the new nodes, from the arcs out of them: each need as high as its
    // cheapest arc needs (`c + π(n) − π(m) ≥ 0`), the student as high as its needs. A need
    // with no arc takes the student's potential.
    let needs: Vec<usize> = out_arcs(g, s)
        .filter(|&a| a % 2 == 0 && g.cap[a] > 0)
        .map(|a| g.head[a] as usize)
        .collect();
    let need_pis: Vec<Option<Cost>> = needs
        .iter()
        .map(|&n| {
            out_arcs(g, n)
                .filter(|&a| a % 2 == 0 && g.cap[a] > 0)
                .map(|a| pi[g.head[a] as usize] - g.cost[a])
                .max()
        })
        .collect();
    let student_pi = need_pis
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(pi[source]);
    pi[s] = student_pi;
    for (&n, need_pi) in needs.iter().zip(&need_pis) {
        pi[n] = need_pi.unwrap_or(student_pi);
    }

    while g.cap[source_arc] > 0 {
        if !search.run(g, pi, s, source) {
            // No way back to the source (no need of the student has an arc): lower the
            // reached nodes together, far enough that every arc into them and the arc
            // source → s price non-negative. No arc leaves them with capacity.
            let reached = search.touched.iter().filter(|&&v| search.done[v]);
            let far = reached.clone().map(|&v| search.dist[v]).max().unwrap_or(0);
            let shift = far.max(pi[s] - pi[source]);
            for &v in reached {
                pi[v] += search.dist[v] - shift;
            }
            return;
        }
        // Real cost of the cycle source → s → … → source: the path's reduced length plus the
        // potential difference (the arc source → s costs 0).
        let cycle = search.dist[source] + pi[source] - pi[s];
        // Updating with a non-improving search too leaves the arc source → s non-negative.
        search.update_potentials(pi, source);
        if cycle >= 0 {
            return;
        }
        search.augment(g, s, source);
        g.cap[source_arc] -= 1;
        g.cap[source_arc ^ 1] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::flow::{prepare, solve_from_source};

    /// Candidate positions of the pairs made.
    fn positions(candidates: &Candidates, added: &ByStudents) -> Vec<usize> {
        let mut out: Vec<usize> = added
            .pairs()
            .into_iter()
            .map(|(n, m)| candidates.find(n, m).expect("a kept pair"))
            .collect();
        out.sort_unstable();
        out
    }

    /// The packed cost of the chosen candidate positions, seat costs included: what both
    /// solvers minimise.
    fn cost(problem: &Problem, candidates: &Candidates, chosen: &[usize], p: &Prepared) -> Cost {
        let mut load = vec![0i32; problem.mentors.len()];
        let mut total: Cost = 0;
        for &c in chosen {
            let (n, m) = crate::solver::verify::pairs(candidates, &[c])[0];
            total += p.level[n as usize]
                - Cost::from(super::super::quantised_fit(
                    candidates.scores[c],
                    p.fit_scale,
                ));
            load[m as usize] += 1;
        }
        total + load.iter().map(|&l| p.seat_costs.total(l)).sum::<Cost>()
    }

    /// Adding students one at a time, each search starting at the student, reaches the
    /// optimum of the textbook solver from a super source: on generated multi-need schools
    /// short of seats, with one and two mentors per student, with and without seat costs; and
    /// the plan keeps every limit.
    #[test]
    fn students_added_one_at_a_time_reach_the_optimum_from_a_source() {
        for seed in 1..=6u64 {
            for limit in [1u32, 2] {
                let mut raw = crate::generate::generate_with(90, 20, seed, false);
                for mentor in &mut raw.mentors {
                    mentor.capacity = mentor.capacity.min(2);
                }
                raw.policy.max_mentors_per_student = Some(limit);
                if seed % 3 == 0 {
                    raw.policy.involve_every_mentor = Some(true);
                    raw.policy.load_spread = Some(0.5);
                }
                let problem = crate::admit::validate(raw).expect("generated requests are valid");
                let candidates = crate::engine::candidates(&problem);
                let prepared = prepare(&problem, &candidates, &[], None, None);
                let added = solve(&problem, &candidates, &prepared, None);
                assert!(added.complete);
                let chosen = positions(&candidates, &added);
                let reference = solve_from_source(&problem, &candidates, &prepared);
                let case = format!("seed {seed}, limit {limit}");
                assert_eq!(
                    cost(&problem, &candidates, &chosen, &prepared),
                    cost(&problem, &candidates, &reference, &prepared),
                    "{case}"
                );
                assert!(!chosen.is_empty(), "{case}");
                let pairs = added.pairs();
                let mut load = vec![0u32; problem.mentors.len()];
                let mut mentors_of = vec![0u32; problem.students.len()];
                for &(n, m) in &pairs {
                    load[m as usize] += 1;
                    mentors_of[problem.needs[n as usize].student as usize] += 1;
                }
                for (m, mentor) in problem.mentors.iter().enumerate() {
                    assert!(
                        load[m] <= mentor.capacity,
                        "{case}: mentor {m} over capacity"
                    );
                }
                assert!(
                    mentors_of.iter().all(|&k| k <= limit),
                    "{case}: a limit broken"
                );
            }
        }
    }

    /// The potentials prove the plan: every kept pair not made prices non-negative (or its
    /// student has no slot left to give it), so pricing adds nothing the flow could use.
    #[test]
    fn the_potentials_price_every_unmade_pair_non_negative() {
        let mut raw = crate::generate::generate_with(120, 24, 5, false);
        raw.policy.max_mentors_per_student = Some(1);
        let problem = crate::admit::validate(raw).expect("generated requests are valid");
        let candidates = crate::engine::candidates(&problem);
        let prepared = prepare(&problem, &candidates, &[], None, None);
        let added = solve(&problem, &candidates, &prepared, None);
        let made: std::collections::HashSet<usize> =
            positions(&candidates, &added).into_iter().collect();
        let (need_pi, mentor_pi, _) = added.potentials();
        for (n, &pi_n) in need_pi.iter().enumerate() {
            for c in candidates.of_need(n as crate::domain::model::NeedIx) {
                if made.contains(&c) {
                    continue;
                }
                let m = candidates.mentors[c] as usize;
                let reduced = prepared.level[n]
                    - Cost::from(super::super::quantised_fit(
                        candidates.scores[c],
                        prepared.fit_scale,
                    ))
                    + pi_n
                    - mentor_pi[m];
                assert!(reduced >= 0, "need {n}, mentor {m}: reduced cost {reduced}");
            }
        }
    }

    /// The potentials prove the plan for every pair, not only the kept ones: pricing from a
    /// small kept set (each need's two best) until no pair prices negative ends at the optimum
    /// of one solve over every pair.
    #[test]
    fn pricing_from_a_small_set_ends_at_the_optimum_over_every_pair() {
        use crate::solver::flow::{price, Network};
        // Ratio 0: every round in place; the largest: every round afresh.
        for (seed, warm_ratio) in (1..=6u64).flat_map(|s| [(s, 0), (s, usize::MAX)]) {
            let mut raw = crate::generate::generate_with(120, 24, seed, false);
            raw.policy.max_mentors_per_student = Some(1 + (seed % 2) as u32);
            let problem = crate::admit::validate(raw).expect("generated requests are valid");
            let all = crate::engine::candidates(&problem);
            let fit = Some(super::super::fit_scale_for(&problem, &all));
            let full = Network::with_seats(&problem, &all, None, Vec::new(), fit, None);
            let mut kept = all.select(&problem, 2);
            let mut net = Network::with_seats(&problem, &kept, None, Vec::new(), fit, None);
            let mut rounds = 0;
            loop {
                let extra = price(&problem, &all, &kept, &net.solution(&kept));
                if extra.is_empty() {
                    break;
                }
                kept.extend(extra.clone());
                net.add(&problem, &kept, &extra, warm_ratio);
                rounds += 1;
                assert!(rounds < 100, "seed {seed}: pricing does not end");
            }
            assert_eq!(
                net.solution(&kept).cost(&kept),
                full.solution(&all).cost(&all),
                "seed {seed}, ratio {warm_ratio}, after {rounds} rounds"
            );
        }
    }
}
