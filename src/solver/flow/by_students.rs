//! The network with its student layer, solved by opening its arcs one at a time: the solver
//! when the per-student mentor limit can bind (`maxMentorsPerStudent` below a student's open
//! needs).
//!
//! Proves: after each step, the flow is a min-cost circulation of the network made of the
//! arcs opened so far (source → student, capacity its open mentor slots; student → need; need
//! → mentor, the pair's cost; mentor → sink, its seats; sink → source, cost 0, the return arc
//! that makes the flow value free). A step opens one need's arc student → need, most urgent
//! needs first ([`insert_need`]), or, for a student with one open slot and more needs, the
//! student's arc from the source with all its needs at once ([`add_student`]). A new negative
//! cycle must use the arc just opened, so each is found as one shortest path (Dijkstra with
//! potentials) from the arc's head back to its tail, augmented while its cost is negative;
//! the search gives up once every node left is as far as the arc's gain. The potentials then
//! price every residual arc non-negative, the opened arcs included, which is the proof
//! pricing extends to the pairs outside the set.
//!
//! Why not from the source: the textbook loop (`solve_from_source`, kept as the reference the
//! tests compare against) starts every search at the super source, whose arcs reach every
//! student with a free slot, so each augmentation scans the whole school: ~110 ms a solve at
//! school size, 3–4.5 s at 4,000 students, and a pricing round solves again. Here a search
//! starts at one need (or student) and stops at the first way back (a free seat, or a
//! student who gives up one of its pairs), so it stays near it, as in `by_needs.rs`.
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

/// Inserts the needs one at a time, by level (the most urgent first), then by position: the
/// order only changes the work, never the optimum. Past `deadline` the needs not yet inserted
/// stay unpaired: the plan is valid, `complete` is false.
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

    // Every arc student → need starts closed; inserting a need opens it.
    let mut need_arc = vec![usize::MAX; at.n_count];
    for s in 0..at.s_count {
        for a in out_arcs(&g, at.student(s)).filter(|&a| a % 2 == 0) {
            need_arc[g.head[a] as usize - at.need(0)] = a;
        }
    }
    for &a in &need_arc {
        if a != usize::MAX {
            g.set_cap(a, 0);
        }
    }

    // Potentials: only what a search can reach must price non-negative. Before any need is
    // inserted that is the mentors, the sink, the source and the students (each through its
    // arc from the source, priced 0 with π(student) = π(source) = 0): every seat arc mentor →
    // sink non-negative, π(sink) = π(source) = 0.
    let mut pi: Vec<Cost> = vec![0; nodes];
    for m in 0..problem.mentors.len() {
        let v = at.mentor(m);
        pi[v] = out_arcs(&g, v)
            .filter(|&a| g.cap[a] > 0)
            .map(|a| -g.cost[a])
            .max()
            .unwrap_or(0);
    }

    let mut order: Vec<usize> = (0..at.n_count)
        .filter(|&n| {
            need_arc[n] != usize::MAX && g.cap[source_arc[problem.needs[n].student as usize]] > 0
        })
        .collect();
    // Most urgent first (a lower level cost is more urgent), then by position. Placing the
    // urgent needs first leaves the later ones little to displace: adding every student
    // whole instead, each with its low needs, settled 4x the nodes on a 4,000-student school
    // short of seats (`benches/shapes/homeroom.py`, three mentors each: flow 1.06 s ->
    // 0.35 s; at 10,000 students 13 s -> 3.8 s). A student with one open slot and more
    // needs is still added whole, at its most urgent need (see `add_student`).
    order.sort_by_key(|&n| (prepared.level[n], n));
    let whole: Vec<bool> = (0..at.s_count)
        .map(|s| g.cap[source_arc[s]] == 1 && student_needs(&g, at, s).len() > 1)
        .collect();
    let mut inserted = vec![false; at.n_count];
    let mut search = Search::new(nodes);
    let mut complete = true;
    for (k, &n) in order.iter().enumerate() {
        if k % DEADLINE_CHECK_EVERY == 0 && deadline.is_some_and(|d| d.passed()) {
            complete = false;
            break;
        }
        if inserted[n] {
            continue;
        }
        let student = problem.needs[n].student as usize;
        let (s, slot) = (at.student(student), source_arc[student]);
        if whole[student] {
            for v in student_needs(&g, at, student) {
                g.set_cap(need_arc[v], 1);
                inserted[v] = true;
            }
            add_student(&mut g, &mut pi, &mut search, s, source, slot);
        } else {
            insert_need(
                &mut g,
                &mut pi,
                &mut search,
                (s, slot),
                at.need(n),
                need_arc[n],
            );
            inserted[n] = true;
        }
    }

    // Needs never inserted (no open slot, or past the deadline) cannot be reached: they sit
    // far above everything, so no pair of theirs prices as improving (none can be made while
    // their arc from the student is closed).
    for (n, &done) in inserted.iter().enumerate() {
        if !done {
            pi[at.need(n)] = UNREACHABLE;
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

    /// Nodes settled by the searches so far (for logs comparing work across versions).
    pub(super) fn settled(&self) -> u64 {
        self.search.settled
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
    ///
    /// Past `deadline` the pairs not yet settled are taken back out where they still carry
    /// their own unit (pushed back, their room closed): the flow is then a min-cost flow over
    /// the other arcs, a valid plan, and `complete` turns false. Each settling is a shortest path over the whole network:
    /// 540 of them took 1.3 s at a 10,000-student school (`homeroom.py 10000 4`, 5.6 M pairs),
    /// 1 s past a 3 s limit.
    pub(super) fn add(
        &mut self,
        prepared: &Prepared,
        extra: &[(NeedIx, MentorIx, f64)],
        deadline: Option<crate::solver::Until>,
    ) {
        let at = self.at;
        let mut open: Vec<(usize, usize, usize)> = Vec::new();
        for &(n, m, score) in extra {
            if prepared.need_done[n as usize] || self.pi[at.need(n as usize)] == UNREACHABLE {
                continue;
            }
            let (u, v) = (at.need(n as usize), at.mentor(m as usize));
            let cost =
                prepared.level[n as usize] - Cost::from(quantised_fit(score, prepared.fit_scale));
            let a = self.g.add_arc(u, v, 1, 0, cost);
            if cost + self.pi[u] - self.pi[v] < 0 {
                self.g.push(a, 1);
                open.push((a, v, u));
            }
        }
        let mut past = false;
        for (k, &(a, from, to)) in open.iter().enumerate() {
            past = past || (k % DEADLINE_CHECK_EVERY == 0 && deadline.is_some_and(|d| d.passed()));
            // Past the deadline, a pair carrying a unit leaves the network with it (which
            // settles its mentor's extra unit and its need's missing one; no residual arc is
            // left either way, so the searches' reduced costs stay non-negative). One whose
            // unit an earlier path rerouted is settled as before, by its search.
            if past && self.g.cap[a ^ 1] > 0 {
                self.g.close(a);
                self.complete = false;
                continue;
            }
            // The reverse arc to → from is a path: the search always reaches `to`.
            if self.search.run(&self.g, &self.pi, from, to) {
                self.search.update_potentials(&mut self.pi, to);
                self.search.augment(&mut self.g, from, to);
            }
        }
    }
}

/// Forward arcs out of `v` (even indices; the reverse arcs with room are not listed).
fn out_arcs(g: &Graph, v: usize) -> impl Iterator<Item = usize> + '_ {
    let mut a = g.first[v];
    std::iter::from_fn(move || {
        (a != u32::MAX).then(|| {
            let ai = a as usize;
            a = g.next[ai / 2];
            ai
        })
    })
}

/// The needs (by index) whose arc from student `s` is in the network: its open needs.
fn student_needs(g: &Graph, at: Layout, s: usize) -> Vec<usize> {
    out_arcs(g, at.student(s))
        .filter(|&a| a % 2 == 0)
        .map(|a| g.head[a] as usize - at.need(0))
        .collect()
}

/// Opens the arc `arc`, student `s` → need `n` (one unit, cost 0; `n` was unreachable
/// until now), and augments the negative cycle through it, if any. `slot` is the arc source →
/// `s`.
///
/// Before, the circulation had no negative cycle; a new one must use the new arc, so it is
/// the arc plus a shortest path from `n` back to `s`: through a free seat and the source
/// (while `s` has an open slot), or through another student's or `s`'s own need giving up its
/// seat. One search settles it, and it stops once every node left is as far as the arc's
/// gain: a need that cannot be placed costs only the nodes closer than that.
///
/// While `s` has an open slot the search leaves the source only by that slot. A way back
/// through the source and another student `t` costs no less: its part from `t` to `s` ends
/// by `s` giving up a need, and with the arc `s` → source (`s` holds a seat) it closed a cycle
/// that was there before, so it costs at least zero. The slot is priced zero first (a student
/// holding no seat has no arc into it but the slot, so its potential may rise to the
/// source's; one holding a seat and a free slot has both directions, so it is zero already),
/// which keeps every student not reached at least as far as `s`. Without this the source
/// expanded to every student with a free slot on each search: 15 M heap entries for a
/// 4,000-student school short of seats.
fn insert_need(
    g: &mut Graph,
    pi: &mut [Cost],
    search: &mut Search,
    (s, slot): (usize, usize),
    n: usize,
    arc: usize,
) {
    let source = Layout::SOURCE;
    let narrow = if g.cap[slot] > 0 {
        if g.cap[slot ^ 1] == 0 {
            pi[s] = pi[source];
        }
        Some((source, slot))
    } else {
        None
    };
    // The need's potential from its arcs, `c + π(n) − π(m) ≥ 0` for each (a need with none
    // takes the student's: nothing to search).
    pi[n] = out_arcs(g, n)
        .filter(|&a| a % 2 == 0 && g.cap[a] > 0)
        .map(|a| pi[g.head[a] as usize] - g.cost[a])
        .max()
        .unwrap_or(pi[s]);
    g.set_cap(arc, 1);
    // The new arc's reduced cost is π(s) − π(n): the cycle is negative only when the way
    // back from n to s is shorter than its negation.
    let limit = pi[n] - pi[s];
    if !search.run_below(g, pi, n, s, limit, narrow) {
        // No way back shorter than `limit`: the settled nodes move down to it, which leaves
        // every arc into them and the new arc non-negative.
        search.update_potentials_to(pi, limit);
        return;
    }
    search.update_potentials(pi, s);
    search.augment(g, n, s);
    g.push(arc, 1);
}

/// Adds student node `s` whole, every need's arc opened at once (reached only through
/// `source_arc`, source → s, until now), and augments the negative cycles through it: for a
/// student with one open slot and more needs, whose needs one at a time would, once the slot
/// is taken, each search through the source to every student with a free slot (see
/// [`insert_need`]; with one mentor per student, `generate --students 4000 --mentors 1000`
/// took 751 ms that way against 329 ms, and the homeroom school 6.7 s against 1.2 s). The
/// caller opens the arcs to its needs.
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
        // Reduced cost of the arc source → s, negated: a cycle through it is negative only
        // when its way back from s to the source is shorter than this.
        let limit = pi[s] - pi[source];
        if !search.run_below(g, pi, s, source, limit, None) {
            // No way back shorter than `limit` (or none at all: no need of the student has an
            // arc), so no improving cycle: the settled nodes move down to `limit`, which
            // leaves every arc into them and the arc source → s non-negative. Stopping there
            // instead of settling everything up to the source keeps a student that cannot be
            // placed cheap where seats are scarce (every seat held by a need worth as much).
            search.update_potentials_to(pi, limit);
            return;
        }
        // The path is shorter than `limit`: the cycle source → s → … → source is negative.
        search.update_potentials(pi, source);
        search.augment(g, s, source);
        g.push(source_arc, 1);
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
    fn needs_inserted_one_at_a_time_reach_the_optimum_from_a_source() {
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

    /// Students with more needs than mentors allowed, on schools short of seats (the shape
    /// where needs inserted in the wrong order, or a search fanning out at the source, cost
    /// the most): the same optimum as the textbook solver, for limits 1 to 3, capacities 1 to
    /// 3, mixed priorities, with and without seat costs.
    #[test]
    fn needs_of_students_past_their_limit_reach_the_optimum_from_a_source() {
        use crate::domain::raw::{Coded, RawNeed};
        use crate::domain::{Priority, Track};
        const SUBJECTS: [&str; 6] = [
            "math",
            "physics",
            "chinese",
            "english",
            "chemistry",
            "biology",
        ];
        let priorities = [
            Priority::Urgent,
            Priority::High,
            Priority::Normal,
            Priority::Low,
        ];
        for seed in 1..=40u64 {
            let mut raw = crate::generate::generate_with(48, 10 + (seed % 5) as usize, seed, false);
            for (i, mentor) in raw.mentors.iter_mut().enumerate() {
                mentor.capacity = 1 + ((i as u64 + seed) % 3) as u32;
            }
            for (i, student) in raw.students.iter_mut().enumerate() {
                let extra = (i as u64 * 7 + seed) % 4;
                for subject in SUBJECTS.iter().cycle().skip(i % 6).take(6) {
                    if student.needs.len() >= 2 + extra as usize {
                        break;
                    }
                    if student.needs.iter().any(|n| n.subject == *subject) {
                        continue;
                    }
                    let k = student.needs.len();
                    student.needs.push(RawNeed {
                        id: format!("X{k}"),
                        track: Coded::Set(Track::Academic),
                        subject: (*subject).to_string(),
                        priority: Coded::Set(priorities[(i + k + seed as usize) % 4]),
                        weak_points: Vec::new(),
                        risk_level: Coded::Unset,
                    });
                }
            }
            let limit = 1 + (seed % 3) as u32;
            raw.policy.max_mentors_per_student = Some(limit);
            if seed % 4 == 0 {
                raw.policy.involve_every_mentor = Some(true);
                raw.policy.load_spread = Some(0.5);
            }
            let problem = crate::admit::validate(raw).expect("valid: generated, needs added");
            let candidates = crate::engine::candidates(&problem);
            let prepared = prepare(&problem, &candidates, &[], None, None);
            let added = solve(&problem, &candidates, &prepared, None);
            assert!(added.complete);
            let chosen = positions(&candidates, &added);
            let reference = solve_from_source(&problem, &candidates, &prepared);
            assert_eq!(
                cost(&problem, &candidates, &chosen, &prepared),
                cost(&problem, &candidates, &reference, &prepared),
                "seed {seed}, limit {limit}"
            );
            assert_every_residual_arc_prices_non_negative(&added, &format!("seed {seed}"));
        }
    }

    /// The invariant every search relies on: each arc with room left, between nodes a search
    /// can reach, has a non-negative reduced cost at the potentials.
    fn assert_every_residual_arc_prices_non_negative(added: &ByStudents, case: &str) {
        let g = &added.g;
        for a in 0..g.head.len() {
            let (u, v) = (g.head[a ^ 1] as usize, g.head[a] as usize);
            if g.cap[a] <= 0 || added.pi[u] == UNREACHABLE || added.pi[v] == UNREACHABLE {
                continue;
            }
            let reduced = g.cost[a] + added.pi[u] - added.pi[v];
            assert!(
                reduced >= 0,
                "{case}: arc {u} -> {v} reduced cost {reduced}"
            );
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

    /// Pairs priced in after the deadline: those not settled give their units back, the
    /// network says it is not complete, and its plan breaks no rule.
    #[test]
    fn pairs_added_past_the_deadline_give_back_their_units_and_the_plan_holds() {
        use crate::solver::flow::{price, Network};
        let mut stopped = 0;
        for seed in 1..=6u64 {
            let mut raw = crate::generate::generate_with(120, 24, seed, false);
            raw.policy.max_mentors_per_student = Some(1 + (seed % 2) as u32);
            let problem = crate::admit::validate(raw).expect("generated requests are valid");
            let all = crate::engine::candidates(&problem);
            let fit = Some(super::super::fit_scale_for(&problem, &all));
            let mut kept = all.select(&problem, 2);
            let mut net = Network::with_seats(&problem, &kept, None, Vec::new(), fit, None);
            if !matches!(net.state, super::super::State::Students(_)) {
                continue;
            }
            let extra = price(&problem, &all, &kept, &net.solution(&kept));
            if extra.is_empty() {
                continue;
            }
            kept.extend(extra.clone());
            net.deadline = Some(crate::solver::Until {
                at: std::time::Instant::now(),
                stop: None,
            });
            net.add(&problem, &kept, &extra, 0);
            assert!(!net.complete(), "seed {seed}: stopped by the deadline");
            let pairs = crate::solver::verify::pairs(&kept, &net.solution(&kept).chosen);
            assert_eq!(
                crate::solver::verify::verify(&problem, &pairs),
                Ok(()),
                "seed {seed}"
            );
            stopped += 1;
        }
        assert!(stopped > 0, "no seed priced pairs in");
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
