//! A rematch's bound on changes (`maxChanges`: at least `K` of some working (student, mentor)
//! pairs kept) when the unbounded optimum keeps too few. Where seats can be shared, the
//! seat-sharing method prices the row in its master (`side::solve_bounded`); the rest of this
//! file is method **network**, where no mentor can cover two needs of one student.
//!
//! The bound is one knapsack row over the working pairs. Its Lagrangian is a continuity bonus:
//! raise the score of every pair of the row by `λ ≥ 0` and solve the network as usual. The
//! network's value is piecewise linear and convex in `λ`; its pieces are the plans, each a line
//! `fit(x) + λ·kept(x)`. Newton steps on the breakpoints (the `λ` where the lines of a plan
//! keeping too few and a plan keeping enough cross) find the plan that keeps exactly `K`.
//!
//! What it proves: every plan compared has the best coverage (a score never outweighs a
//! covered need, and the bonus at its largest only ranks plans of equal coverage by the pairs
//! they keep, which is checked to reach `K`). A plan `x` optimal at `λ ≥ 0` that keeps exactly
//! `K` is optimal for the bounded problem: any plan `y` keeping at least `K` has
//! `fit(y) ≤ fit(y) + λ·(kept(y) − K) ≤ fit(x) + λ·(kept(x) − K) = fit(x)` (Fisher, "The
//! Lagrangian relaxation method for solving integer programming problems", 1981). Each network
//! solve is exact and proven by pricing, so the answer is proven too.
//!
//! Ties make the plans jump over `K` at a breakpoint (the school's many equal scores: 871 kept
//! on one side, 877 on the other, `K` = 876), and there the Lagrangian has a gap. The step
//! then finishes near that breakpoint's optimal face: the integer program, with the bound's
//! row, over the pairs of zero reduced cost at the breakpoint's potentials (about a thousand on
//! a 900-student school), then once more over the pairs within the gap its plan leaves, which
//! must hold the bounded optimum (see [`on_the_face`]: every plan costing `e` above the proven
//! optimum uses only pairs of reduced cost at most `e`, the residual argument of the
//! seat-sharing method). Exact in the flow's packed units. When the face is still not enough,
//! or coverage must give way to the bound, this returns nothing and the integer program over
//! every pair decides, as before.
//!
//! Imports the domain, the rules, the network and seat-sharing methods and the integer program
//! (`mip`, for the face); must not touch HiGHS itself or anything above the solver.

use super::flow::{Cost, NetworkSolution};
use super::network::{self, NetworkRun};
use super::side;
use super::{verify, Method, Solution, SolveOptions, SolveStatus, Solved, Until};
use std::collections::HashSet;

use crate::domain::model::{MentorIx, MinKept, NeedIx, Problem, StudentIx};
use crate::rules::Candidates;

/// The window (score points of reduced cost) of the second program near a breakpoint's face,
/// when the first one's plan calls for a wider one (see [`on_the_face`]).
const FIRST_WINDOW_POINTS: f64 = 0.25;

/// Network solves at most (the first, at the largest bonus, included).
const MAX_STEPS: u32 = 24;

/// A plan of the Lagrangian: its line `fit + λ·kept`.
#[derive(Clone, Copy, Debug)]
struct Line {
    fit: f64,
    kept: u32,
}

impl Line {
    fn at(self, lambda: f64) -> f64 {
        self.fit + lambda * f64::from(self.kept)
    }
}

/// The bounded problem's optimum from the unbounded optimum `relaxed` (which keeps fewer than
/// `bound.at_least`): by the seat-sharing method where `relaxed` came from it, else by the
/// parametric continuity bonus. None when neither can answer (a solve was cut by the deadline,
/// coverage must give way, no bonus lands on the bound, or no plan met keeps enough): the
/// caller runs the integer program.
pub(super) fn solve(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    bound: &MinKept,
    relaxed: &Solved,
    warm: Option<&[(NeedIx, MentorIx)]>,
) -> Option<Solved> {
    if let Method::NetworkSide(_) = relaxed.method {
        return on_shared_seats(problem, all, options, deadline, relaxed, warm);
    }
    if !super::is_network_set(problem, all) {
        return None;
    }
    let arcs = row_arcs(problem, all, bound);
    let target = bound.at_least;
    let mut low = Line {
        fit: relaxed.solution.objective,
        kept: super::kept_pairs(
            problem,
            &relaxed.candidates,
            &relaxed.solution.chosen,
            bound,
        ),
    };
    if low.kept >= target {
        return None;
    }
    let mut steps = 1;
    // Past every fit difference two plans can have: the plan keeps the most pairs its
    // coverage allows.
    let top = largest_fit_difference(problem, all) + 1.0;
    let (mut best, mut high, _) = at(problem, all, options, deadline, &arcs, bound, top)?;
    if high.kept < target {
        tracing::debug!(
            kept = high.kept,
            at_least = target,
            "maxChanges: coverage must give way, integer program"
        );
        return None;
    }
    while high.kept != target {
        if steps >= MAX_STEPS {
            return None;
        }
        steps += 1;
        // Where the two lines cross: a plan better there than both is a new line.
        let lambda = (low.fit - high.fit) / f64::from(high.kept - low.kept);
        let (solved, line, proof) = at(problem, all, options, deadline, &arcs, bound, lambda)?;
        tracing::debug!(
            lambda,
            kept = line.kept,
            at_least = target,
            "maxChanges: Newton step"
        );
        if line.kept == target {
            return Some(finish(solved, steps));
        }
        let above = line.at(lambda) - low.at(lambda);
        if above <= 1e-9 * line.at(lambda).abs().max(1.0) {
            // λ is the breakpoint and the bound lies in its jump: finish on its optimal face.
            let here = verify::pairs(&solved.candidates, &solved.solution.chosen);
            let breakpoint = Breakpoint {
                arcs: &arcs,
                lambda,
                optimum: &here,
                proof: &proof,
            };
            return on_the_face(problem, all, options, deadline, bound, breakpoint, steps);
        }
        if line.kept > target {
            (best, high) = (solved, line);
        } else {
            low = line;
        }
    }
    Some(finish(best, steps))
}

/// The bounded optimum where seats can be shared: the seat-sharing method with the bound's row
/// priced in its master (`side::solve_bounded`), from the caller's plan (a rematch's current
/// pairs) and the relaxed optimum's. None when neither keeps enough and the method meets no plan
/// that does, or it cannot answer: the caller runs the integer program.
fn on_shared_seats(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    relaxed: &Solved,
    warm: Option<&[(NeedIx, MentorIx)]>,
) -> Option<Solved> {
    let mut starts: Vec<Vec<(NeedIx, MentorIx)>> = warm.map(|w| w.to_vec()).into_iter().collect();
    starts.push(verify::pairs(&relaxed.candidates, &relaxed.solution.chosen));
    let outcome = side::solve_bounded(problem, all, options, deadline, &starts).ok()??;
    Some(Solved::by_side(outcome, all.len() as u64))
}

/// A breakpoint of the search: the bonus, the row's pair positions it raises, and the plan the
/// network proved optimal there with its proof.
struct Breakpoint<'a> {
    arcs: &'a [usize],
    lambda: f64,
    optimum: &'a [(NeedIx, MentorIx)],
    proof: &'a NetworkSolution,
}

/// The bounded optimum near the breakpoint's optimal face: the integer program, with the
/// bound's row, over the pairs whose reduced cost at the breakpoint is at most `threshold`
/// (first 0: the face). A plan `y` it returns bounds the answer: the bounded optimum `y*` fits
/// at least as well and keeps at least `K`, so at the bonus it costs at most
/// `excess(y) + λ·(kept(y) − K)` above the proven optimum, and every pair it uses has a reduced
/// cost no larger. When the pairs given already hold every such pair, `y` is `y*`; otherwise
/// the window grows: first to at most [`FIRST_WINDOW_POINTS`] (a plan found there often proves
/// itself: the single-need district's face plan called for a 5.6-point window, the 0.25-point
/// one held 22.5 k pairs and a plan needing 0.003), then to what the last plan calls for, whose
/// program is `y*` by the same argument. Exact in the flow's packed units (a slack of two units
/// per need covers rounding of the scores).
fn on_the_face(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    bound: &MinKept,
    at: Breakpoint<'_>,
    steps: u32,
) -> Option<Solved> {
    let Breakpoint {
        arcs,
        lambda,
        optimum,
        proof,
    } = at;
    if proof.prices_seats() {
        return None;
    }
    let bonus = |c: usize| f64::from(u8::from(arcs.binary_search(&c).is_ok())) * lambda;
    let raised = |c: usize| all.scores[c] + bonus(c);
    // A plan's packed cost at the bonus, in the proof's units.
    let cost = |plan: &[(NeedIx, MentorIx)]| -> Option<Cost> {
        let scored: Option<Vec<(NeedIx, MentorIx, f64)>> = plan
            .iter()
            .map(|&(n, m)| all.find(n, m).map(|c| (n, m, raised(c))))
            .collect();
        Some(proof.cost_of(&scored?))
    };
    let best = cost(optimum)?;
    let slack = 2 * problem.needs.len() as Cost + 2;
    let per_kept = (lambda * proof.fit_scale).ceil() as Cost + slack;
    let mut threshold: Cost = 0;
    // A small window first: the face's own plan often keeps more than asked, and the window
    // its bound calls for (λ per pair kept too many) can hold a district's worth of pairs,
    // while a plan keeping exactly `K` usually sits a fraction of a point from the face.
    let first_window = (FIRST_WINDOW_POINTS * proof.fit_scale) as Cost;
    for round in 0..3 {
        let restricted = within(problem, all, &|n, c| {
            proof.reduced(n, all.mentors[c], raised(c)) <= threshold
        });
        let solution = super::mip::solve(
            problem,
            &restricted,
            options,
            deadline,
            None,
            super::mip::Known::Nothing,
        )
        .ok()?;
        let pairs = verify::pairs(&restricted, &solution.chosen);
        let kept_here = super::kept_pairs(problem, &restricted, &solution.chosen, bound);
        if solution.status != SolveStatus::Optimal
            || kept_here < bound.at_least
            || verify::verify(problem, &pairs).is_err()
        {
            return None;
        }
        let needed =
            (cost(&pairs)? - best) + per_kept * Cost::from(kept_here - bound.at_least) + slack;
        tracing::debug!(
            pairs = restricted.len(),
            kept = kept_here,
            threshold_points = threshold as f64 / proof.fit_scale,
            needed_points = needed as f64 / proof.fit_scale,
            "maxChanges: integer program near the breakpoint's optimal face"
        );
        if needed <= threshold {
            return Some(Solved {
                solution: Solution {
                    status: SolveStatus::Optimal,
                    best_bound: solution.objective,
                    gap: 0.0,
                    ..solution
                },
                candidates: restricted,
                total_pairs: all.len() as u64,
                method: Method::Network { rounds: steps },
                all: None,
                potentials: None,
                seat_prices: None,
                slowdown: 1.0,
            });
        }
        threshold = if round == 0 {
            needed.min(first_window.max(threshold))
        } else {
            needed
        };
    }
    None
}

/// The pairs of `all` that `keep` accepts (by need and position), with their scores.
fn within(problem: &Problem, all: &Candidates, keep: &dyn Fn(NeedIx, usize) -> bool) -> Candidates {
    let pairs: Vec<(NeedIx, MentorIx, f64)> = (0..problem.needs.len() as NeedIx)
        .flat_map(|n| all.of_need(n).map(move |c| (n, c)))
        .filter(|&(n, c)| keep(n, c))
        .map(|(n, c)| (n, all.mentors[c], all.scores[c]))
        .collect();
    Candidates::of_pairs(problem.needs.len(), pairs)
}

/// The network's plan with every pair of the row raised by `lambda`, its scores read back from
/// `all` (the bonus is the method's, not the pair's): the plan and its line.
fn at(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    arcs: &[usize],
    bound: &MinKept,
    lambda: f64,
) -> Option<(Solved, Line, NetworkSolution)> {
    let mut raised = all.clone();
    for &c in arcs {
        raised.scores[c] += lambda;
    }
    let NetworkRun {
        mut candidates,
        solution,
        rounds,
        complete,
        ..
    } = network::run(problem, &raised, options, deadline, None);
    if !complete {
        return None;
    }
    drop(raised);
    for n in 0..problem.needs.len() as NeedIx {
        for c in candidates.of_need(n) {
            let m = candidates.mentors[c];
            if let Some(a) = all.find(n, m) {
                candidates.scores[c] = all.scores[a];
            }
        }
    }
    let chosen = solution.chosen.clone();
    let pairs = verify::pairs(&candidates, &chosen);
    if verify::verify(problem, &pairs).is_err() {
        return None;
    }
    let objective = super::chosen_objective(problem, &candidates, &chosen);
    let line = Line {
        fit: objective,
        kept: super::kept_pairs(problem, &candidates, &chosen, bound),
    };
    let solved = Solved {
        solution: Solution {
            status: SolveStatus::Optimal,
            objective,
            best_bound: objective,
            gap: 0.0,
            coverage: super::level_coverage(problem, &pairs),
            chosen,
        },
        candidates,
        total_pairs: all.len() as u64,
        method: Method::Network { rounds },
        all: None,
        potentials: None,
        seat_prices: None,
        slowdown: 1.0,
    };
    Some((solved, line, solution))
}

/// The answer, with every network solve of the search counted as a round.
fn finish(mut solved: Solved, steps: u32) -> Solved {
    if let Method::Network { rounds } = &mut solved.method {
        *rounds = (*rounds).max(steps);
    }
    solved
}

/// Positions in `all` of the row's pairs: on a network set, one need of the student per mentor.
fn row_arcs(problem: &Problem, all: &Candidates, bound: &MinKept) -> Vec<usize> {
    let row: HashSet<(StudentIx, MentorIx)> = bound.pairs.iter().copied().collect();
    (0..problem.needs.len() as NeedIx)
        .flat_map(|n| all.of_need(n).map(move |c| (n, c)))
        .filter(|&(n, c)| row.contains(&(problem.needs[n as usize].student, all.mentors[c])))
        .map(|(_, c)| c)
        .collect()
}

/// More than the fit of any two plans can differ: each need's widest spread of scores.
fn largest_fit_difference(problem: &Problem, all: &Candidates) -> f64 {
    (0..problem.needs.len() as NeedIx)
        .map(|n| all.spread(n))
        .sum()
}
