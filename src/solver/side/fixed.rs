//! The residual program without the pairs every plan within its gap makes: those pairs are
//! taken out of the program before HiGHS sees it, their seats out of their mentors'
//! capacities, and put back into its answer.
//!
//! Must not import HiGHS directly (the integer program is `mip`'s).
//!
//! Why: about half a residual program's pairs are held (`residual::forced_pairs`: the only
//! pair of a need every better plan covers, made by the incumbent). As locks they cost
//! nothing to state, but HiGHS's presolve then removes them and what they imply over several
//! passes: at the 900-student school 1,378 × 1,459 to 246 × 296 in 10.6 of the program's
//! 24.4 ms, at the district 335 of 514 ms (HiGHS alone, on the dumped models). Taken out
//! here, in one pass over the pairs, the program HiGHS presolves is half the size. HiGHS's
//! time drops by less (the school's presolve 10.6 → 9.9 ms: those removals were not its dear
//! part): the school's residual 23 → 21 ms, the district's 579 → 494 ms.
//!
//! Exact: a held pair whose seat holds no other pair of the program (its student has no other
//! candidate with that mentor) is a column fixed at one. Fixing it takes one seat of its
//! mentor, covers its need (whose only pair it is), and leaves the rest of the program as it
//! was with that mentor's capacity one less. A student's limit on mentors is global, so a
//! student whose pairs in the program reach more mentors than the limit allows keeps its held
//! pairs as locks (its limit row must count them); so does every held pair sharing its seat.
//! Mentor-level objective terms (`Policy::has_seat_costs`) read a mentor's whole load, so with
//! them nothing is taken out.

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::rules::Candidates;
use crate::solver::{verify, Solution, SolveStatus};

/// The residual program with its fixed pairs taken out.
pub(super) struct Reduced {
    /// The problem with each fixed pair's seat out of its mentor's capacity, the locks those
    /// pairs meet dropped, and the held pairs not taken out added as locks.
    pub problem: Problem,
    /// The program's pairs but the fixed ones.
    pub candidates: Candidates,
    /// The fixed pairs, as positions in the program's candidates.
    fixed: Vec<usize>,
}

/// The residual program over `restricted` with the held pairs `held` (student, mentor), or
/// None where nothing can be taken out (then the held pairs are locks, as before).
pub(super) fn reduce(
    problem: &Problem,
    restricted: &Candidates,
    held: &[(StudentIx, MentorIx)],
) -> Option<Reduced> {
    if held.is_empty() || problem.policy.has_seat_costs() {
        return None;
    }
    // The program's seats: each (student, mentor) with the pairs that would use it, as the
    // integer program groups them.
    let seats = crate::solver::mip::Structure::new(problem, restricted);
    let mut mentors_of = vec![0u32; problem.students.len()];
    for group in &seats.groups {
        mentors_of[group.student as usize] += 1;
    }
    let limit = problem.policy.max_mentors_per_student;
    let mut fixed = Vec::new();
    let mut kept_locks = Vec::new();
    for &(s, m) in held {
        let alone = seats
            .group(s, m)
            .map(|g| seats.groups[g].members.as_slice())
            .filter(|members| members.len() == 1 && mentors_of[s as usize] <= limit);
        match alone {
            Some(members) => fixed.push((members[0], s, m)),
            None => kept_locks.push((s, m)),
        }
    }
    if fixed.is_empty() {
        return None;
    }
    let mut reduced = problem.clone();
    let mut taken: Vec<(StudentIx, MentorIx)> = Vec::with_capacity(fixed.len());
    for &(_, s, m) in &fixed {
        let mentor = &mut reduced.mentors[m as usize];
        // The incumbent makes the pair, so the mentor has that seat.
        mentor.capacity = mentor.capacity.saturating_sub(1);
        taken.push((s, m));
    }
    taken.sort_unstable();
    let mut fixed: Vec<usize> = fixed.into_iter().map(|(c, _, _)| c).collect();
    fixed.sort_unstable();
    fixed.dedup();
    reduced
        .locked
        .retain(|pair| taken.binary_search(pair).is_err());
    reduced.add_locks(&kept_locks);
    let mut pairs: Vec<(NeedIx, MentorIx, f64)> = Vec::with_capacity(restricted.len());
    for n in 0..problem.needs.len() as NeedIx {
        for c in restricted.of_need(n) {
            if fixed.binary_search(&c).is_err() {
                pairs.push((n, restricted.mentors[c], restricted.scores[c]));
            }
        }
    }
    Some(Reduced {
        problem: reduced,
        candidates: Candidates::of_pairs(problem.needs.len(), pairs),
        fixed,
    })
}

impl Reduced {
    /// How many pairs were taken out.
    pub(super) fn fixed_len(&self) -> usize {
        self.fixed.len()
    }

    /// The reduced program's answer as the whole program's: its pairs and the fixed ones, as
    /// positions in `restricted`, read as the integer program reads its answers; a stopped
    /// answer's bound moves by the fixed pairs' scores.
    pub(super) fn answer(
        &self,
        problem: &Problem,
        restricted: &Candidates,
        solution: Solution,
    ) -> Solution {
        let mut chosen: Vec<usize> = verify::pairs(&self.candidates, &solution.chosen)
            .into_iter()
            .filter_map(|(n, m)| restricted.find(n, m))
            .chain(self.fixed.iter().copied())
            .collect();
        chosen.sort_unstable();
        chosen.dedup();
        let fixed_score: f64 = self.fixed.iter().map(|&c| restricted.scores[c]).sum();
        let fit_bound =
            (solution.status != SolveStatus::Optimal).then_some(solution.best_bound + fixed_score);
        crate::solver::plan_solution(problem, restricted, chosen, solution.status, fit_bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::{level_coverage, mip, solve_problem, SolveOptions, Until};

    /// On generated schools (several needs a student, so seats are shared), a program whose
    /// held pairs are taken out answers with the optimum of the same program holding them as
    /// locks: the same objective and coverage, every held pair made, every hard rule met. The
    /// held pairs are an optimal plan's, on every third need, whose only pair in the program
    /// each is; students past the mentor limit (1 on odd seeds) keep theirs as locks.
    #[test]
    fn taking_held_pairs_out_leaves_the_programs_optimum() {
        let mut taken_out = 0;
        let mut kept_as_locks = 0;
        for seed in 1..=8 {
            let mut problem: Problem =
                (*crate::admit::validate(crate::generate::generate_with(120, 30, seed, false))
                    .expect("valid"))
                .clone();
            // One mentor a student on odd seeds: there students keep held pairs as locks.
            if seed % 2 == 1 {
                problem.policy.max_mentors_per_student = 1;
            }
            let options = SolveOptions::from_policy(&problem);
            let solved = solve_problem(&problem, options).expect("solves");
            let plan = verify::pairs(&solved.candidates, &solved.solution.chosen);
            let all = Candidates::of_problem(&problem);
            let made: std::collections::HashMap<NeedIx, MentorIx> = plan.iter().copied().collect();
            let mut pairs = Vec::new();
            let mut held = Vec::new();
            for n in 0..problem.needs.len() as NeedIx {
                let only = made.get(&n).filter(|_| n % 3 == 0);
                for c in all.of_need(n) {
                    let m = all.mentors[c];
                    if only.is_none_or(|&o| o == m) {
                        pairs.push((n, m, all.scores[c]));
                    }
                }
                if let Some(&m) = only {
                    held.push((problem.needs[n as usize].student, m));
                }
            }
            held.sort_unstable();
            held.dedup();
            let restricted = Candidates::of_pairs(problem.needs.len(), pairs);
            let known = mip::Known::Residual {
                coverage_proven: seed % 2 == 0,
                lp_first: false,
            };
            let mut locked = problem.clone();
            locked.add_locks(&held);
            let start_in = |candidates: &Candidates| -> Vec<usize> {
                plan.iter()
                    .filter_map(|&(n, m)| candidates.find(n, m))
                    .collect()
            };
            let with_locks = mip::solve(
                &locked,
                &restricted,
                options,
                Until::far(),
                Some(&start_in(&restricted)),
                known,
            )
            .expect("the program with locks answers");

            let reduced = reduce(&problem, &restricted, &held).expect("pairs taken out");
            taken_out += reduced.fixed_len();
            kept_as_locks += reduced.problem.locked.len() - problem.locked.len();
            let answer = mip::solve(
                &reduced.problem,
                &reduced.candidates,
                options,
                Until::far(),
                Some(&start_in(&reduced.candidates)),
                known,
            )
            .expect("the reduced program answers");
            let answer = reduced.answer(&problem, &restricted, answer);

            assert_eq!(answer.status, SolveStatus::Optimal, "seed {seed}");
            assert!(
                (answer.objective - with_locks.objective).abs() < 1e-6,
                "seed {seed}: {} against {} with locks",
                answer.objective,
                with_locks.objective
            );
            let made_pairs = verify::pairs(&restricted, &answer.chosen);
            assert_eq!(
                level_coverage(&problem, &made_pairs),
                with_locks.coverage,
                "seed {seed}"
            );
            verify::verify(&locked, &made_pairs).expect("every hard rule and held pair");
        }
        assert!(taken_out > 150, "{taken_out} pairs taken out");
        assert!(kept_as_locks > 0, "no held pair was kept as a lock");
    }
}
