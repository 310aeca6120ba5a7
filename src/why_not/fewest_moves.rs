//! A forced plan moves only the students the forced pair moves: every change the forced solve
//! made that is not linked to the forced pair, and that costs nothing to undo, is undone.
//!
//! Why: a forced solve returns *an* optimum of the school with the pair locked, and where
//! plans tie it may be one that also swaps two students nowhere near the forced pair. The
//! parent's question is "what would giving my child this mentor change?"; a swap elsewhere at
//! no gain is not part of the answer, yet it would be listed among the students who move.
//!
//! How: the students whose mentors differ between the base plan and the forced plan fall into
//! groups joined by the mentors they hold in either plan. A group without the forced student
//! touches only its own mentors, so putting its students back on their base mentors gives
//! those mentors their base loads again: the plan stays within every hard rule (checked all
//! the same, by `solver::verify`). It is undone when the plan is then no worse, level by level:
//! coverage from urgent down, mentors involved where the policy counts them, then fit (within
//! the fit quantum, `solver::fit_tolerance`, in all). Where both plans are optimal every such
//! group is a tie (each plan could take the other's group), so after this pass every student
//! listed as moved is linked to the forced pair through mentors that changed hands. Then each
//! moved student alone is put back where that is valid and no worse (one who took a free seat
//! beside the chain the pair set off), and the groups are read again, until nothing more can
//! be undone. Not a search for the fewest moves over every optimal plan: the chain the forced
//! solve chose is kept.
//!
//! Must not import `proto`, the CLI, the service or any renderer.

use std::collections::BTreeMap;

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::domain::Priority;
use crate::rules::Candidates;
use crate::solver;

/// What a plan is worth, in the order the objective ranks plans.
struct Worth {
    /// Needs covered per priority, urgent first.
    coverage: [i32; 4],
    /// Mentors with a student, where the policy ranks that above fit (else 0).
    involved: u32,
    /// The plan's fit as the solver reports it (`solver::plan_objective`).
    fit: f64,
}

impl Worth {
    fn of(problem: &Problem, all: &Candidates, pairs: &[(NeedIx, MentorIx)]) -> Self {
        let mut by_priority = [0i32; 4];
        let mut scores = 0.0;
        for &(n, m) in pairs {
            by_priority[problem.needs[n as usize].priority as usize] += 1;
            scores += all.find(n, m).map_or(0.0, |c| all.scores[c]);
        }
        let coverage = Priority::DESCENDING.map(|p| by_priority[p as usize]);
        let involved = if problem.policy.involve_every_mentor {
            solver::mentors_involved(problem, pairs)
        } else {
            0
        };
        Worth {
            coverage,
            involved,
            fit: solver::plan_objective(problem, pairs, scores),
        }
    }

    /// Whether `self` is at least as good as `other`, fit compared within `tolerance`.
    fn no_worse_than(&self, other: &Worth, tolerance: f64) -> bool {
        match (self.coverage, self.involved).cmp(&(other.coverage, other.involved)) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => self.fit >= other.fit - tolerance,
        }
    }
}

/// `forced` (the forced solve's pairs, with `student` holding the forced pair) with every group
/// of changes not linked to `student`, and then every other student, put back as in `base`
/// (each need's mentor in the base plan) wherever that leaves the plan valid and no worse.
/// Returns the pairs and the change in fit that undoing made (0 where nothing was undone;
/// never below minus the fit quantum).
pub(super) fn undo_unneeded_moves(
    problem: &Problem,
    all: &Candidates,
    base: &[Option<MentorIx>],
    student: StudentIx,
    forced: Vec<(NeedIx, MentorIx)>,
) -> (Vec<(NeedIx, MentorIx)>, f64) {
    // A plan that must be stable or keep working pairs is left as the solver made it: undoing
    // a group could make a blocking pair or drop a kept one.
    if problem.stable_only() || problem.min_kept().is_some() {
        return (forced, 0.0);
    }
    let mut plan: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
    for &(n, m) in &forced {
        plan[n as usize] = Some(m);
    }
    let tolerance = solver::fit_tolerance(problem, all);
    let start = Worth::of(problem, all, &forced);
    let mut worth = Worth::of(problem, all, &forced);
    let mut undone = 0usize;
    // Whole groups first; then single students of what is left (a student who took a free
    // seat at no gain, beside the chain the pair set off); each undo may split a group, so
    // again until nothing more can be undone (at most once per moved student).
    loop {
        let mut tries = unlinked_groups(problem, base, &plan, student);
        tries.extend(
            moved_students(problem, base, &plan)
                .into_iter()
                .filter(|&t| t != student)
                .map(|t| vec![t]),
        );
        let before_round = undone;
        for group in tries {
            let floor = [&start, &worth];
            if let Some(then) =
                undo_if_no_worse(problem, all, base, &mut plan, &group, floor, tolerance)
            {
                worth = then;
                undone += group.len();
            }
        }
        if undone == before_round {
            break;
        }
    }
    if undone == 0 {
        return (forced, 0.0);
    }
    tracing::debug!(
        students = undone,
        "why-not: moves the forced pair does not need undone"
    );
    (pairs_of(&plan), worth.fit - start.fit)
}

/// A plan's pairs from each need's mentor.
fn pairs_of(plan: &[Option<MentorIx>]) -> Vec<(NeedIx, MentorIx)> {
    plan.iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|m| (n as NeedIx, m)))
        .collect()
}

/// Puts `group`'s students back on their base mentors where the plan then keeps every hard
/// rule and is no worse than either of `floor` (the forced plan's worth, so that undoing
/// loses at most `tolerance` of fit in all, and the current one): the plan's new worth;
/// otherwise `plan` is left as it was.
fn undo_if_no_worse(
    problem: &Problem,
    all: &Candidates,
    base: &[Option<MentorIx>],
    plan: &mut [Option<MentorIx>],
    group: &[StudentIx],
    floor: [&Worth; 2],
    tolerance: f64,
) -> Option<Worth> {
    let before: Vec<(NeedIx, Option<MentorIx>)> = group
        .iter()
        .flat_map(|&t| problem.students[t as usize].needs())
        .map(|n| (n, plan[n as usize]))
        .collect();
    if before.iter().all(|&(n, m)| base[n as usize] == m) {
        return None;
    }
    for &(n, _) in &before {
        plan[n as usize] = base[n as usize];
    }
    let pairs = pairs_of(plan);
    let then = Worth::of(problem, all, &pairs);
    let no_worse = floor.iter().all(|w| then.no_worse_than(w, tolerance));
    if no_worse && solver::verify::verify(problem, &pairs).is_ok() {
        return Some(then);
    }
    for (n, m) in before {
        plan[n as usize] = m;
    }
    None
}

/// The students whose mentors differ between `base` and `plan`, in order.
fn moved_students(
    problem: &Problem,
    base: &[Option<MentorIx>],
    plan: &[Option<MentorIx>],
) -> Vec<StudentIx> {
    (0..problem.students.len() as StudentIx)
        .filter(|&t| {
            problem.students[t as usize]
                .needs()
                .any(|n| base[n as usize] != plan[n as usize])
        })
        .collect()
}

/// The groups of students whose mentors differ between `base` and `forced`, joined by the
/// mentors they hold in either plan, but for the group of `student`; each group's students in
/// order, the groups in order of their first student.
fn unlinked_groups(
    problem: &Problem,
    base: &[Option<MentorIx>],
    forced: &[Option<MentorIx>],
    student: StudentIx,
) -> Vec<Vec<StudentIx>> {
    let moved = moved_students(problem, base, forced);
    // Union-find over the moved students (by position in `moved`), joined through mentors.
    let mut parent: Vec<usize> = (0..moved.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut holder_of: BTreeMap<MentorIx, usize> = BTreeMap::new();
    for (i, &t) in moved.iter().enumerate() {
        for n in problem.students[t as usize].needs() {
            for m in [base[n as usize], forced[n as usize]].into_iter().flatten() {
                let first = *holder_of.entry(m).or_insert(i);
                let (a, b) = (root(&mut parent, first), root(&mut parent, i));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let linked = moved
        .iter()
        .position(|&t| t == student)
        .map(|i| root(&mut parent, i));
    let mut groups: BTreeMap<usize, Vec<StudentIx>> = BTreeMap::new();
    for (i, &t) in moved.iter().enumerate() {
        let r = root(&mut parent, i);
        if Some(r) != linked {
            groups.entry(r).or_default().push(t);
        }
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::{moved_students, undo_if_no_worse, undo_unneeded_moves, unlinked_groups, Worth};
    use crate::domain::model::MentorIx;
    use crate::outcome::MissReason;
    use crate::solver::{self, SolveOptions, SolveStatus};

    /// On generated schools with several needs a student (seat sharing: each forced plan is a
    /// solve), every "why not" forced plan after the pass keeps every hard rule and its lock,
    /// is worth what the solve's plan is (coverage equal, fit within the quantum), moves only
    /// students linked to the forced pair, and none of them could go back alone. The solves'
    /// own plans moved unlinked students often enough that the pass is tested: a pass that
    /// undoes nothing, or undoes a group it should not, fails here.
    #[test]
    fn forced_plans_move_only_students_linked_to_the_pair() {
        let (mut priced, mut undone) = (0, 0);
        for seed in 1..=24 {
            let raw = crate::generate::generate_with(300, 80, seed, false);
            let problem = crate::admit::validate(raw).expect("valid");
            let outcome = crate::engine::solve(&problem).expect("solves");
            if outcome.solver.status != SolveStatus::Optimal {
                continue;
            }
            let all = crate::rules::Candidates::of_problem(&problem);
            let base = super::super::mentor_of_need(&problem, &outcome);
            let tolerance = solver::fit_tolerance(&problem, &all);
            for miss in &outcome.misses {
                for choice in &miss.higher {
                    if choice.reason != MissReason::BetterOverall {
                        continue;
                    }
                    let (s, m) = (miss.student, choice.mentor);
                    let start = solver::Start {
                        plan: None,
                        prices: None,
                    };
                    let options = SolveOptions::from_policy(&problem);
                    let solved = super::super::forced(&problem, s, m, options, start);
                    let Some(super::super::ForcedSolve {
                        pairs,
                        proven: true,
                        ..
                    }) = solved
                    else {
                        continue;
                    };
                    priced += 1;
                    let (after, change) =
                        undo_unneeded_moves(&problem, &all, &base, s, pairs.clone());
                    assert!(solver::verify::verify(&problem, &after).is_ok());
                    let holds = |(n, k): &(u32, MentorIx)| {
                        *k == m && problem.needs[*n as usize].student == s
                    };
                    assert!(after.iter().any(holds), "the forced pair was undone");
                    let (was, now) = (
                        Worth::of(&problem, &all, &pairs),
                        Worth::of(&problem, &all, &after),
                    );
                    assert_eq!((was.coverage, was.involved), (now.coverage, now.involved));
                    assert!((now.fit - was.fit - change).abs() < 1e-9);
                    assert!(change >= -tolerance, "undoing cost {change} of fit");
                    let mut plan: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
                    for &(n, k) in &after {
                        plan[n as usize] = Some(k);
                    }
                    assert!(unlinked_groups(&problem, &base, &plan, s).is_empty());
                    for t in moved_students(&problem, &base, &plan) {
                        if t != s {
                            let mut trial = plan.clone();
                            let floor = [&now, &now];
                            let back = undo_if_no_worse(
                                &problem,
                                &all,
                                &base,
                                &mut trial,
                                &[t],
                                floor,
                                tolerance,
                            );
                            assert!(back.is_none(), "student {t} could go back");
                        }
                    }
                    if after != pairs {
                        undone += 1;
                    }
                }
            }
        }
        assert!(priced >= 10, "only {priced} choices priced");
        assert!(
            undone >= 3,
            "the pass undid moves in only {undone} of {priced} plans"
        );
    }

    /// Students 0 and 1 trade mentors 0 and 1 (one group); student 2 moves from mentor 2 to
    /// mentor 3 (a group of its own); student 3 moves onto mentor 1, which links it to the
    /// first group. With student 0 forced, only student 2's group is unlinked.
    #[test]
    fn groups_are_joined_through_the_mentors_either_plan_gives() {
        let problem = crate::generate::generate_with(4, 4, 7, true);
        let problem = crate::admit::validate(problem).expect("valid");
        assert!(problem.students.iter().all(|s| s.needs().len() == 1));
        let need = |s: usize| problem.students[s].needs().start as usize;
        let mut base: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
        let mut forced = base.clone();
        for (s, b, f) in [
            (0, Some(0), Some(1)),
            (1, Some(1), Some(0)),
            (2, Some(2), Some(3)),
        ] {
            base[need(s)] = b;
            forced[need(s)] = f;
        }
        forced[need(3)] = Some(1);
        let groups = unlinked_groups(&problem, &base, &forced, 0);
        assert_eq!(groups, vec![vec![2]]);
        let groups = unlinked_groups(&problem, &base, &forced, 2);
        assert_eq!(groups, vec![vec![0, 1, 3]]);
    }
}
