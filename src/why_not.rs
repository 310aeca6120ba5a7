//! The exact price of "why not my first choice": for each student who did not get a mentor
//! they ranked higher and who had room (`BETTER_OVERALL`), the plan is solved again with that
//! pair locked, and the two plans are compared — coverage per priority, fit, and which other
//! students would change mentor. It answers the parent's question with a figure instead of
//! "the plan scores higher overall".
//!
//! On a proven network plan each price is a shortest path in the plan's residual network
//! (`solver::forced`), with no re-solve; elsewhere each priced pair is one more solve through
//! the same entry point (exact on every method, proven when that solve is), started from the
//! plan repaired to hold the pair and from the seat prices that proved the plan
//! (`solver::Start`), which on a seat-sharing school spare it the pattern master. They are few
//! in practice (a mentor with room the optimum passed over), but each costs a solve, so by
//! default they are priced up to 5,000 students; `policy.why_not_students` selects students at
//! any size. How many forced solves run is a count fixed by the request
//! ([`forced_solves_allowed`]: the time limit and the number of feasible pairs), not by the
//! clock, so the same request prices the same choices on a busy machine as on an idle one. The
//! clock is only the last guard: a forced solve gets what is left of the time limit and is
//! started only when that covers a solve as long as the plan's own. The rest are counted as
//! unpriced. The forced solves run over the cores (`parallel`), their answers taken back in
//! order. A forced solve's plan then loses the moves the forced pair does not need (ties it
//! broke elsewhere: `fewest_moves`), so the students it lists are the ones the pair moves.
//!
//! Called by the engine after a plan is explained (it reads `engine::candidates` and the
//! solver's one entry point); must not import `proto`, the CLI, the service or any renderer.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::outcome::{ForcedCost, MissReason, Outcome};
use crate::solver::{self, SolveOptions, SolveStatus};

mod fewest_moves;

/// What the plan's own solve leaves for the pricing.
pub struct Base<'a> {
    /// Every candidate pair when the caller still has it (built again otherwise).
    pub all: Option<&'a crate::rules::Candidates>,
    /// The seat prices of the plan's bound (network+side): each forced solve starts from them
    /// (`solver::Start`), which on a 900-student school spares it the pattern master.
    pub prices: Option<&'a solver::SeatPrices>,
    /// When the whole solve began.
    pub started: Instant,
    /// How long the plan's own solve took.
    pub took: std::time::Duration,
    /// The pairs of the plan's own residual integer program (network+side; 0: none ran), the
    /// yardstick of a forced solve's (see [`forced_residual_cap`]); None for other methods.
    pub residual_pairs: Option<usize>,
    /// The plan's own residual went to branch and cut without its LP relaxation first
    /// (network+side's `SideStats::split_rows`): so do the forced solves' residuals.
    pub split_rows: bool,
}

/// Fills `forced` on every `BETTER_OVERALL` choice the policy selects. The forced solves share
/// what is left of `options.time_limit` after `base.started`, and one is started only while
/// what is left covers another solve as long as the plan's own (`base.took`), so pricing never
/// pushes the answer past the limit.
pub fn price(problem: &Problem, outcome: &mut Outcome, base: Base<'_>, options: SolveOptions) {
    let Base {
        all,
        prices,
        started,
        took: solve,
        residual_pairs,
        split_rows,
    } = base;
    let students = problem.students.len();
    // By default only a proven-optimal plan is priced: against a plan cut by the time limit
    // the figure would not be the exact price, and such plans are the large ones where each
    // forced solve costs as much again. Students named in the request are priced anyway.
    let auto_ok = outcome.solver.status == SolveStatus::Optimal;
    let selected = |s: StudentIx| match problem.policy.why_not {
        crate::domain::policy::WhyNot::Auto => {
            auto_ok && problem.policy.why_not.prices(s, students)
        }
        ref other => other.prices(s, students),
    };
    let wanted = outcome.misses.iter().any(|m| {
        selected(m.student)
            && m.higher
                .iter()
                .any(|h| h.reason == MissReason::BetterOverall)
    });
    if !wanted {
        // Nothing to price: the candidate set is not rebuilt (on a district, 13 M pairs).
        outcome.summary.why_not_unpriced = better_overall_count(outcome);
        return;
    }
    // A proven network plan is priced by shortest paths in its residual network (no re-solve,
    // `solver::forced`); anything else by a forced solve each.
    let built;
    let all = match all {
        Some(all) => all,
        None => {
            built = crate::rules::Candidates::of_problem(problem);
            &built
        }
    };
    let by_path = outcome.solver.status == SolveStatus::Optimal
        && outcome.solver.method == Some(solver::MethodKind::Network)
        && solver::forced::applies(problem, all);
    let base_plan = mentor_of_need(problem, outcome);
    let base_mentors = mentors_by_student(problem, outcome);
    let base_coverage = solver::covered_by_priority(&outcome.solver.coverage);
    let base_objective = outcome.solver.objective;
    let (mut priced, mut unpriced) = (0u32, 0u32);
    let mut solves_left = if by_path {
        usize::MAX
    } else {
        forced_solves_allowed(options.time_limit, all.len())
    };
    // The choices to price, in order (miss, choice), up to the count the request allows.
    let mut jobs: Vec<(usize, usize)> = Vec::new();
    for (i, miss) in outcome.misses.iter().enumerate() {
        for (j, choice) in miss.higher.iter().enumerate() {
            if choice.reason != MissReason::BetterOverall {
                continue;
            }
            if !selected(miss.student) || solves_left == 0 {
                unpriced += 1;
                continue;
            }
            solves_left -= 1;
            jobs.push((i, j));
        }
    }
    // Each forced plan is its own solve, deterministic on its own: they run over the cores
    // (one thread each HiGHS instance, as the service's concurrent solves), each core taking
    // the next job when it is free (their times differ by 2-3x on a school), and the answers
    // come back in order, so the output does not depend on the number of cores. Each starts
    // only while what is left of the limit covers a solve as long as the plan's own.
    let forcing = if by_path {
        Forcing::ByPath
    } else {
        Forcing::BySolve(prices)
    };
    let misses = &outcome.misses;
    let residual_cap = residual_pairs.map(forced_residual_cap);
    let costs: Vec<Option<ForcedCost>> = crate::parallel::pulled(jobs.len(), |k| {
        let (i, j) = jobs[k];
        let (s, mentor) = (misses[i].student, misses[i].higher[j].mentor);
        let left = options.time_limit.saturating_sub(started.elapsed());
        if left < solve {
            return None;
        }
        let mut forced_options = options;
        forced_options.time_limit = left;
        forced_options.max_residual_pairs = residual_cap;
        forced_options.residual_lp_first = !split_rows;
        forced_plan(
            problem,
            all,
            &base_plan,
            forcing,
            (s, mentor),
            forced_options,
        )
        .map(|f| f.cost(s, &base_mentors, &base_coverage, base_objective))
    });
    for (&(i, j), cost) in jobs.iter().zip(costs) {
        match cost {
            Some(cost) => {
                outcome.misses[i].higher[j].forced = Some(cost);
                priced += 1;
            }
            None => unpriced += 1,
        }
    }
    outcome.summary.why_not_priced = priced;
    outcome.summary.why_not_unpriced = unpriced;
    if priced + unpriced > 0 {
        tracing::debug!(priced, unpriced, "why-not costs");
    }
}

/// Feasible pairs a forced solve is expected to get through per second of the time limit, and
/// the share of the limit the forced solves may plan on. Measured (release CLI, this 2-core
/// machine): 90–135 k pairs a second for a whole solve (the 900 × 240 school with one mentor
/// per student, 32.7 k pairs, 0.28 s; the 4,000 × 1,000 school, 620.7 k pairs, 4.6 s with one
/// mentor per student and 7 s with seat sharing). Half of that rate on half of the limit leaves
/// room for a machine twice as busy and for the plan's own solve.
const PAIRS_PER_SECOND: u64 = 50_000;
const LIMIT_SHARE: (u64, u64) = (1, 2);

/// Forced re-solves a request may run: the pairs they may go through (a share of the time limit
/// at `PAIRS_PER_SECOND`) over the pairs one solve goes through. A count fixed by the request,
/// so which choices are priced does not depend on how busy the machine is: at the default 30 s
/// limit, 22 on the 900-student school (32.7 k pairs), one on a 4,000-student school
/// (620.7 k), none at district size.
pub fn forced_solves_allowed(time_limit: std::time::Duration, pairs: usize) -> usize {
    let millis = u64::try_from(time_limit.as_millis()).unwrap_or(u64::MAX);
    let budget = millis.saturating_mul(PAIRS_PER_SECOND / 1_000) / LIMIT_SHARE.1 * LIMIT_SHARE.0;
    usize::try_from(budget / (pairs as u64).max(1)).unwrap_or(usize::MAX)
}

/// A forced solve's residual integer program may take this many times the plan's own pairs
/// ([`FORCED_RESIDUAL_FLOOR`] at least); past that it stops with the forced plan it found, its
/// price marked not proven. A lock can leave the forced LP a real integrality gap the plan's
/// own did not have, and the residual that closes it then spans far more pairs: on
/// `generate --students 4000 --mentors 1000 --seed 3` (one `BETTER_OVERALL` choice, its forced
/// solve's bound 1.14 points above the repaired plan at the plan's prices, the same as its own
/// master then found) the first residual (6.0 k pairs, 0.26 s) left a plan 0.66 points short,
/// and the residual widened to 0.66 points took 41.6 k pairs and 6.4 s of HiGHS to prove that
/// plan optimal: 7.5 s of CLI for a 1.3 s solve. HiGHS's time on these programs grows faster
/// than their size, so the cap is on size, relative to what the plan's own solve needed.
const FORCED_RESIDUAL_FACTOR: usize = 4;
/// See [`FORCED_RESIDUAL_FACTOR`]: a residual this small is cheap whatever the plan's own was.
const FORCED_RESIDUAL_FLOOR: usize = 10_000;

/// The residual cap of a forced solve, from the plan's own residual's pairs.
pub fn forced_residual_cap(own_residual_pairs: usize) -> u64 {
    own_residual_pairs
        .saturating_mul(FORCED_RESIDUAL_FACTOR)
        .max(FORCED_RESIDUAL_FLOOR) as u64
}

/// How many passed-over choices had room (`BETTER_OVERALL`): each is one a price was asked of.
fn better_overall_count(outcome: &Outcome) -> u32 {
    outcome
        .misses
        .iter()
        .flat_map(|m| &m.higher)
        .filter(|h| h.reason == MissReason::BetterOverall)
        .count() as u32
}

/// The plan's mentor of each need (`None` when uncovered).
fn mentor_of_need(problem: &Problem, outcome: &Outcome) -> Vec<Option<MentorIx>> {
    let mut plan: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
    for a in &outcome.assignments {
        for n in &a.needs {
            plan[n.need as usize] = Some(a.mentor);
        }
    }
    plan
}

/// How the forced plans are found.
#[derive(Clone, Copy)]
enum Forcing<'a> {
    /// By shortest paths in a proven network plan's residual network.
    ByPath,
    /// By forced solves, started from the base plan's seat prices where it has them.
    BySolve(Option<&'a solver::SeatPrices>),
}

/// The plan with (student, mentor) forced: by a shortest path, or by a forced solve (within
/// `options`) started from the repaired base plan and the base's prices.
fn forced_plan(
    problem: &Problem,
    all: &crate::rules::Candidates,
    base_plan: &[Option<MentorIx>],
    forcing: Forcing<'_>,
    (s, m): (StudentIx, MentorIx),
    options: SolveOptions,
) -> Option<Forced> {
    match forcing {
        Forcing::ByPath => by_shortest_path(problem, all, base_plan, s, m),
        Forcing::BySolve(prices) => {
            let warm = repaired(problem, all, base_plan, s, m);
            let start = solver::Start {
                plan: Some(&warm),
                prices,
            };
            let solved = forced(problem, s, m, options, start)?;
            // Where plans tie, the solve may have moved students the pair does not move.
            let (pairs, undone) =
                fewest_moves::undo_unneeded_moves(problem, all, base_plan, s, solved.pairs);
            Some(Forced::new(
                problem,
                &pairs,
                solved.objective + undone,
                solved.proven,
            ))
        }
    }
}

/// A plan re-solved with one pair forced.
struct Forced {
    mentors: Vec<BTreeSet<MentorIx>>,
    coverage: [i32; 4],
    objective: f64,
    proven: bool,
}

impl Forced {
    /// The forced plan's mentors per student and coverage per priority, from its pairs.
    fn new(problem: &Problem, pairs: &[(NeedIx, MentorIx)], objective: f64, proven: bool) -> Self {
        let mut mentors = vec![BTreeSet::new(); problem.students.len()];
        let mut coverage = [0i32; 4];
        for &(n, m) in pairs {
            let need = &problem.needs[n as usize];
            mentors[need.student as usize].insert(m);
            coverage[need.priority as usize] += 1;
        }
        Forced {
            mentors,
            coverage,
            objective,
            proven,
        }
    }

    fn cost(
        &self,
        student: StudentIx,
        base_mentors: &[BTreeSet<MentorIx>],
        base_coverage: &[i32; 4],
        base_objective: f64,
    ) -> ForcedCost {
        let mut coverage_change = [0i32; 4];
        for (k, change) in coverage_change.iter_mut().enumerate() {
            *change = self.coverage[k] - base_coverage[k];
        }
        let changed_students = (0..base_mentors.len())
            .filter(|&t| t != student as usize && base_mentors[t] != self.mentors[t])
            .map(|t| t as StudentIx)
            .collect();
        ForcedCost {
            coverage_change,
            fit_change: self.objective - base_objective,
            changed_students,
            proven: self.proven,
        }
    }
}

/// The forced plan from the residual network of a proven network plan (see
/// `solver::forced`): exact, without a re-solve.
fn by_shortest_path(
    problem: &Problem,
    all: &crate::rules::Candidates,
    base_plan: &[Option<MentorIx>],
    student: StudentIx,
    mentor: MentorIx,
) -> Option<Forced> {
    let need = problem.students[student as usize]
        .needs()
        .find(|&n| all.find(n, mentor).is_some())?;
    let next = solver::forced::forced_plan(problem, all, base_plan, need, mentor)?;
    let pairs: Vec<(NeedIx, MentorIx)> = next
        .iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|m| (n as NeedIx, m)))
        .collect();
    let scores = pairs
        .iter()
        .filter_map(|&(n, m)| all.find(n, m))
        .map(|c| all.scores[c])
        .sum();
    let objective = solver::plan_objective(problem, &pairs, scores);
    Some(Forced::new(problem, &pairs, objective, true))
}

/// What a forced solve returned, before `fewest_moves` reads it.
struct ForcedSolve {
    pairs: Vec<(NeedIx, MentorIx)>,
    objective: f64,
    proven: bool,
}

/// Solves `problem` with (student, mentor) locked; `None` when the lock cannot be added (the
/// student's locks would then exceed a limit) or the solve fails.
fn forced(
    problem: &Problem,
    student: StudentIx,
    mentor: MentorIx,
    options: SolveOptions,
    start: solver::Start<'_>,
) -> Option<ForcedSolve> {
    let locks_of_student = problem.locked.iter().filter(|l| l.0 == student).count() as u32;
    if locks_of_student >= problem.policy.max_mentors_per_student {
        return None;
    }
    let mut with_lock = problem.clone();
    with_lock.add_locks(&[(student, mentor)]);
    // Warm: the plan repaired to hold the pair (ignored by the solver if it is not feasible),
    // and the base's prices (a valid bound whatever they are).
    let solved = solver::solve_problem_from(&with_lock, options, start).ok()?;
    if solved.solution.status == SolveStatus::Infeasible {
        return None;
    }
    let pairs = solver::verify::pairs(&solved.candidates, &solved.solution.chosen);
    Some(ForcedSolve {
        pairs,
        objective: solved.solution.objective,
        proven: solved.solution.status == SolveStatus::Optimal,
    })
}

/// The plan changed as little as it takes to hold (student, mentor): the student's needs the
/// mentor qualifies for move to it; if the mentor is then over capacity the other student it
/// holds for the least (lowest priority, then fit) leaves it; if the student is then over its
/// mentor limit it leaves its least valuable other mentor. A start for the forced solve.
fn repaired(
    problem: &Problem,
    all: &crate::rules::Candidates,
    base: &[Option<MentorIx>],
    student: StudentIx,
    mentor: MentorIx,
) -> Vec<(NeedIx, MentorIx)> {
    let mut plan = base.to_vec();
    for n in problem.students[student as usize].needs() {
        if all.find(n, mentor).is_some() {
            plan[n as usize] = Some(mentor);
        }
    }
    // Worth of what a student holds at a mentor: its best priority, then its fit.
    let worth = |plan: &[Option<MentorIx>], s: StudentIx, m: MentorIx| {
        problem.students[s as usize]
            .needs()
            .filter(|&n| plan[n as usize] == Some(m))
            .fold((crate::domain::Priority::Low, 0.0f64), |(p, f), n| {
                let score = all.find(n, m).map_or(0.0, |c| all.scores[c]);
                (p.max(problem.needs[n as usize].priority), f + score)
            })
    };
    let holders: BTreeSet<StudentIx> = (0..problem.needs.len())
        .filter(|&n| plan[n] == Some(mentor))
        .map(|n| problem.needs[n].student)
        .collect();
    if holders.len() as u32 > problem.mentors[mentor as usize].capacity {
        let others = holders
            .iter()
            .filter(|&&t| t != student)
            .map(|&t| (t, mentor));
        drop_weakest(problem, &mut plan, others, worth);
    }
    let mine = mentors_held(problem, &plan, student);
    if mine.len() as u32 > problem.policy.max_mentors_per_student {
        let others = mine.iter().filter(|&&m| m != mentor).map(|&m| (student, m));
        drop_weakest(problem, &mut plan, others, worth);
    }
    plan.iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|m| (n as NeedIx, m)))
        .collect()
}

/// Of the (student, mentor) pairs given, the one worth least (`worth`: best priority, then fit;
/// ties to the lower index) loses every need it holds in the plan.
fn drop_weakest(
    problem: &Problem,
    plan: &mut [Option<MentorIx>],
    pairs: impl Iterator<Item = (StudentIx, MentorIx)>,
    worth: impl Fn(&[Option<MentorIx>], StudentIx, MentorIx) -> (crate::domain::Priority, f64),
) {
    let weakest = pairs.min_by(|&(sa, ma), &(sb, mb)| {
        let (wa, wb) = (worth(plan, sa, ma), worth(plan, sb, mb));
        wa.0.cmp(&wb.0)
            .then(wa.1.total_cmp(&wb.1))
            .then((sa, ma).cmp(&(sb, mb)))
    });
    if let Some((t, m)) = weakest {
        for n in problem.students[t as usize].needs() {
            if plan[n as usize] == Some(m) {
                plan[n as usize] = None;
            }
        }
    }
}

/// The mentors `student` holds in `plan` (each need's mentor, `None` where uncovered).
fn mentors_held(
    problem: &Problem,
    plan: &[Option<MentorIx>],
    student: StudentIx,
) -> BTreeSet<MentorIx> {
    problem.students[student as usize]
        .needs()
        .filter_map(|n| plan[n as usize])
        .collect()
}

fn mentors_by_student(problem: &Problem, outcome: &Outcome) -> Vec<BTreeSet<MentorIx>> {
    let mut out = vec![BTreeSet::new(); problem.students.len()];
    for a in &outcome.assignments {
        out[a.student as usize].insert(a.mentor);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::forced_solves_allowed;
    use std::time::Duration;

    /// The count of forced re-solves follows the request alone: the time limit and the pairs.
    /// At the default 30 s limit the 900-student school (32.7 k pairs) may run 22 (all 17 of its
    /// choices with one mentor per student are priced),
    /// the 4,000-student one (620.7 k) one, a district none; a shorter limit allows fewer.
    #[test]
    fn forced_re_solves_are_a_count_fixed_by_the_request() {
        let limit = Duration::from_secs(30);
        assert_eq!(forced_solves_allowed(limit, 32_677), 22);
        assert_eq!(forced_solves_allowed(limit, 620_697), 1);
        assert_eq!(forced_solves_allowed(limit, 13_099_737), 0);
        assert_eq!(forced_solves_allowed(Duration::from_secs(3), 32_677), 2);
        assert_eq!(forced_solves_allowed(Duration::ZERO, 10), 0);
        assert!(
            forced_solves_allowed(Duration::MAX, 0) > 1 << 40,
            "no overflow"
        );
    }
}
