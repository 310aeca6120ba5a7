//! Method **network**, one mentor per student: where `maxMentorsPerStudent` is 1, seat
//! sharing is a network again, solved exactly by the flow with no master and no integer
//! program.
//!
//! What it proves: the lexicographic optimum (coverage by priority, then fit) of the full model
//! when every student takes at most one mentor — capacity in distinct students, locks,
//! forbidden pairs — over every feasible pair.
//!
//! Why it is a network: a student with one mentor `m` gets every need `m` is qualified for on
//! that one seat (each covered need adds a coverage digit, which outweighs any fit, so covering
//! fewer is never better). So the choice is only *which* mentor, and its value is the sum of the
//! pairs' values over that mentor's set of the student's needs. Each distinct set becomes one
//! node of the student, whose candidates are the mentors with exactly that set; the student
//! layer lets one unit through per student. That is a bipartite b-matching between students
//! and mentors, whose linear programme has integral optima: the flow with pricing proves it
//! (`network.rs`). The seat-sharing method's LP gap (the nine-need instance: 7.5 against 7)
//! needs a student with two seats; with one seat per student there is none.
//!
//! Costs are exact: a node's fit is the sum of its pairs' quantised fits (not the quantised sum
//! of their scores), so the flow's packed cost of a plan is the plan's own.
//!
//! Imports the domain, the rules and the flow; must not import HiGHS or anything above the
//! solver.

use std::collections::BTreeMap;

use super::flow::{self, Cost, Seat};
use super::network::{self, Fixed};
use super::{SolveOptions, Until};
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;

/// The problem as a network of student-level nodes, and what each node stands for.
pub(super) struct OneSeat {
    problem: Problem,
    all: Candidates,
    level: Vec<Cost>,
    /// The original needs of each node.
    needs: Vec<Vec<NeedIx>>,
    seats: Vec<Seat>,
    fit_scale: f64,
}

/// A plan of the original problem from the network over student-level nodes.
pub(super) struct OneSeatRun {
    pub pairs: Vec<(NeedIx, MentorIx)>,
    pub rounds: u32,
    /// False when the deadline struck: the plan is feasible, not proven.
    pub complete: bool,
    /// The fit quantum the costs were packed at (`flow::fit_scale_for` of the problem).
    pub fit_scale: f64,
    /// The seat prices of the last flow solved to its optimum (`network::NetworkRun::prices`),
    /// for the bound of a stopped run.
    pub prices: Option<Vec<Cost>>,
}

impl OneSeat {
    /// The network for `problem` over `all`, or None where the method does not apply: more
    /// than one mentor per student, a rematch's bound on changes, mentor-level terms (seats
    /// then differ in cost by load), stability rows, or a lock that covers none of its
    /// student's needs or shares its student with another lock (the integer program decides
    /// those).
    pub(super) fn build(problem: &Problem, all: &Candidates) -> Option<OneSeat> {
        let policy = &problem.policy;
        if policy.max_mentors_per_student != 1
            || policy.has_seat_costs()
            || problem.min_kept().is_some()
            || problem.stable_only()
        {
            return None;
        }
        let fit_scale = flow::fit_scale_for(problem, all);
        let base_level = flow::need_levels(problem);
        let mut derived = problem.clone();
        derived.needs = Vec::with_capacity(problem.needs.len());
        let mut level: Vec<Cost> = Vec::with_capacity(problem.needs.len());
        let mut needs: Vec<Vec<NeedIx>> = Vec::with_capacity(problem.needs.len());
        let mut out = Candidates {
            starts: vec![0],
            ..Candidates::default()
        };
        let mut seats: Vec<Seat> = Vec::with_capacity(problem.locked.len());
        let mut locks = problem.locked.clone();
        locks.sort_unstable();
        for (s, student) in problem.students.iter().enumerate() {
            // Per mentor: the student's needs it is qualified for (bit i: the i-th need) and
            // the sum of those pairs' quantised fits.
            let mut by_mentor: BTreeMap<MentorIx, (u16, i64)> = BTreeMap::new();
            for (i, n) in student.needs().enumerate() {
                for c in all.of_need(n) {
                    let entry = by_mentor.entry(all.mentors[c]).or_insert((0, 0));
                    entry.0 |= 1 << i;
                    entry.1 += flow::quantised_fit(all.scores[c], fit_scale);
                }
            }
            // One node per distinct set, in the order of the sets; its mentors ascending.
            let mut by_set: BTreeMap<u16, Vec<(MentorIx, i64)>> = BTreeMap::new();
            for (&m, &(mask, fit)) in &by_mentor {
                by_set.entry(mask).or_default().push((m, fit));
            }
            let first = derived.needs.len() as NeedIx;
            let mut node_of_set: BTreeMap<u16, NeedIx> = BTreeMap::new();
            for (&mask, mentors) in &by_set {
                let (members, need, node_level) =
                    flow::joint_need(problem, student, mask, &base_level);
                node_of_set.insert(mask, derived.needs.len() as NeedIx);
                derived.needs.push(need);
                level.push(node_level);
                for &(m, fit) in mentors {
                    out.mentors.push(m);
                    // The flow quantises `score · fit_scale` again: this gives back `fit`
                    // exactly (|fit| < 2^43, far inside a double's exact integers).
                    out.scores.push(fit as f64 / fit_scale);
                }
                out.starts.push(out.mentors.len() as u32);
                needs.push(members);
            }
            let st = &mut derived.students[s];
            st.first_need = first;
            st.need_count = derived.needs.len() as u32 - first;
            let from = locks.partition_point(|l| (l.0 as usize) < s);
            let to = locks.partition_point(|l| (l.0 as usize) <= s);
            match locks[from..to] {
                [] => {}
                [(_, m)] => {
                    let mask = by_mentor.get(&m)?.0;
                    seats.push(Seat {
                        student: s as _,
                        mentor: m,
                        needs: vec![*node_of_set.get(&mask)?],
                    });
                }
                _ => return None,
            }
        }
        Some(OneSeat {
            problem: derived,
            all: out,
            level,
            needs,
            seats,
            fit_scale,
        })
    }

    /// Solves the network by pricing (`network::run`) and maps its plan back to the original
    /// (need, mentor) pairs, sorted.
    pub(super) fn run(self, options: SolveOptions, deadline: Until) -> OneSeatRun {
        // The first network starts at an auction's seat prices at every size (unless the
        // caller says never): here every pricing round of many pairs is a fresh solve of the
        // student layer (`flow::STUDENTS_IN_PLACE_PER_PAIR`). Measured: 4,000x1,000 with one
        // mentor per student, pricing added 1.2 k pairs instead of 17.6 k + 215, the solve
        // 1.16 -> 0.78 s (CLI 0.78x and 0.80x in two paired runs); the district 0.32x.
        let mut options = options;
        if options.guess_above_pairs != u64::MAX {
            options.guess_above_pairs = 0;
        }
        let run = network::run(
            &self.problem,
            &self.all,
            options,
            deadline,
            Some(Fixed {
                seats: self.seats,
                fit_scale: self.fit_scale,
                level: self.level,
                prices: None,
                guess: Some(options.sparse_keep),
            }),
        );
        let mut pairs: Vec<(NeedIx, MentorIx)> =
            super::verify::pairs(&run.candidates, &run.solution.chosen)
                .into_iter()
                .flat_map(|(node, m)| self.needs[node as usize].iter().map(move |&n| (n, m)))
                .collect();
        pairs.sort_unstable();
        OneSeatRun {
            pairs,
            rounds: run.rounds,
            complete: run.complete,
            fit_scale: self.fit_scale,
            prices: run.prices,
        }
    }
}
