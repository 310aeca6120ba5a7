//! A forced plan moves only the students the forced pair moves: every change the forced solve
//! made that is not linked to the forced pair, and that costs nothing to undo, is undone.
//!
//! Why: a forced solve returns *an* optimum of the school with the pair locked, and where
//! plans tie it may be one that also swaps two students nowhere near the forced pair. The
//! parent's question is "what would giving my child this mentor change?"; a swap elsewhere at
//! no gain is not part of the answer, yet it would be listed among the students who move.
//!
//! How: the students whose mentors differ between the base plan and the forced plan fall into
//! groups joined by the mentors they came to or left. A group without the forced student
//! changes only its own mentors' loads, so putting its students back on their base mentors
//! gives those mentors their base loads again: the plan stays within every hard rule (seats
//! are counted at every step all the same, and the whole plan is checked at the end by
//! `solver::verify`). It is undone when the plan is then no worse, level by level:
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

use super::mentors_held;

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
    let tolerance = solver::fit_tolerance(problem, all);
    let start = Worth::of(problem, all, &forced);
    let mut plan = Plan::new(problem, all, &forced);
    let mut undone = 0usize;
    // Whole groups first; then single students of what is left (a student who took a free
    // seat at no gain, beside the chain the pair set off); each undo may split a group, so
    // again until nothing more can be undone (at most once per moved student).
    loop {
        let mut tries = unlinked_groups(problem, base, &plan.mentor, student);
        tries.extend(
            moved_students(problem, base, &plan.mentor)
                .into_iter()
                .filter(|&t| t != student)
                .map(|t| vec![t]),
        );
        let before_round = undone;
        for group in tries {
            // A student an earlier try of this round put back is not tried again.
            if group
                .iter()
                .any(|&t| !has_moved(problem, base, &plan.mentor, t))
            {
                continue;
            }
            let now = plan.worth();
            let undo = plan.put_back(base, &group);
            let then = plan.worth();
            if plan.seats_held()
                && [&start, &now]
                    .iter()
                    .all(|w| then.no_worse_than(w, tolerance))
            {
                undone += group.len();
            } else {
                plan.restore(&undo);
            }
        }
        if undone == before_round {
            break;
        }
    }
    if undone == 0 {
        return (forced, 0.0);
    }
    // The sums above were kept step by step; the answer is read afresh, and checked whole.
    let pairs = pairs_of(&plan.mentor);
    let end = Worth::of(problem, all, &pairs);
    if solver::verify::verify(problem, &pairs).is_err() || !end.no_worse_than(&start, tolerance) {
        return (forced, 0.0);
    }
    tracing::debug!(
        students = undone,
        "why-not: moves the forced pair does not need undone"
    );
    (pairs, end.fit - start.fit)
}

/// A plan's pairs from each need's mentor.
fn pairs_of(plan: &[Option<MentorIx>]) -> Vec<(NeedIx, MentorIx)> {
    plan.iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|m| (n as NeedIx, m)))
        .collect()
}

/// A plan that students can be put back in, with what it is worth kept up to date: each
/// step touches only the students moved and their mentors, not the whole plan.
struct Plan<'a> {
    problem: &'a Problem,
    all: &'a Candidates,
    /// Each need's mentor.
    mentor: Vec<Option<MentorIx>>,
    /// Each mentor's distinct students.
    load: Vec<u32>,
    /// Needs covered per priority (`Priority as usize`), mentors with a student, pair scores.
    covered: [i32; 4],
    involved: u32,
    scores: f64,
    /// Mentors a step put over capacity (0: none).
    over: usize,
}

impl<'a> Plan<'a> {
    fn new(problem: &'a Problem, all: &'a Candidates, pairs: &[(NeedIx, MentorIx)]) -> Self {
        let mut plan = Plan {
            problem,
            all,
            mentor: vec![None; problem.needs.len()],
            load: solver::mentor_loads(problem, pairs),
            covered: [0; 4],
            involved: 0,
            scores: 0.0,
            over: 0,
        };
        plan.involved = plan.load.iter().filter(|&&l| l > 0).count() as u32;
        plan.over = (plan.load.iter().zip(&problem.mentors))
            .filter(|(&l, mentor)| l > mentor.capacity)
            .count();
        for &(n, m) in pairs {
            plan.mentor[n as usize] = Some(m);
            plan.count(n, m, 1.0);
        }
        plan
    }

    /// Counts (or, with `sign` -1, uncounts) need `n` covered by `m`.
    fn count(&mut self, n: NeedIx, m: MentorIx, sign: f64) {
        self.covered[self.problem.needs[n as usize].priority as usize] += sign as i32;
        self.scores += sign * self.all.find(n, m).map_or(0.0, |c| self.all.scores[c]);
    }

    /// What the plan is worth now.
    fn worth(&self) -> Worth {
        let loads: f64 = if self.problem.policy.load_spread > 0.0 {
            self.load
                .iter()
                .map(|&l| self.problem.policy.load_cost(l))
                .sum()
        } else {
            0.0
        };
        Worth {
            coverage: Priority::DESCENDING.map(|p| self.covered[p as usize]),
            involved: if self.problem.policy.involve_every_mentor {
                self.involved
            } else {
                0
            },
            fit: self.scores - loads,
        }
    }

    /// Whether every mentor is within capacity.
    fn seats_held(&self) -> bool {
        self.over == 0
    }

    /// Puts `group`'s students on their mentors in `base`; returns what undoes it.
    fn put_back(
        &mut self,
        base: &[Option<MentorIx>],
        group: &[StudentIx],
    ) -> Vec<(StudentIx, Vec<Option<MentorIx>>)> {
        let mut undo = Vec::with_capacity(group.len());
        for &t in group {
            let needs = self.problem.students[t as usize].needs();
            let was: Vec<Option<MentorIx>> =
                needs.clone().map(|n| self.mentor[n as usize]).collect();
            let to: Vec<Option<MentorIx>> = needs.map(|n| base[n as usize]).collect();
            self.set(t, &to);
            undo.push((t, was));
        }
        undo
    }

    /// Undoes a [`Plan::put_back`].
    fn restore(&mut self, undo: &[(StudentIx, Vec<Option<MentorIx>>)]) {
        for (t, was) in undo.iter().rev() {
            self.set(*t, was);
        }
    }

    /// Gives student `t`'s needs (in order) the mentors `to`.
    fn set(&mut self, t: StudentIx, to: &[Option<MentorIx>]) {
        let before = mentors_held(self.problem, &self.mentor, t);
        for (n, &m) in self.problem.students[t as usize].needs().zip(to) {
            if let Some(old) = self.mentor[n as usize] {
                self.count(n, old, -1.0);
            }
            if let Some(new) = m {
                self.count(n, new, 1.0);
            }
            self.mentor[n as usize] = m;
        }
        let after = mentors_held(self.problem, &self.mentor, t);
        for &m in before.difference(&after) {
            self.seat(m, -1);
        }
        for &m in after.difference(&before) {
            self.seat(m, 1);
        }
    }

    /// One student more (`+1`) or fewer (`-1`) at mentor `m`.
    fn seat(&mut self, m: MentorIx, change: i32) {
        let capacity = self.problem.mentors[m as usize].capacity;
        let was = self.load[m as usize];
        let now = was.saturating_add_signed(change);
        self.load[m as usize] = now;
        self.over = self.over + usize::from(now > capacity) - usize::from(was > capacity);
        self.involved = self.involved + u32::from(now > 0) - u32::from(was > 0);
    }
}

/// The students whose mentors differ between `base` and `plan`, in order.
fn moved_students(
    problem: &Problem,
    base: &[Option<MentorIx>],
    plan: &[Option<MentorIx>],
) -> Vec<StudentIx> {
    (0..problem.students.len() as StudentIx)
        .filter(|&t| has_moved(problem, base, plan, t))
        .collect()
}

/// Whether any of student `t`'s needs has another mentor (or none) in `plan` than in `base`.
fn has_moved(
    problem: &Problem,
    base: &[Option<MentorIx>],
    plan: &[Option<MentorIx>],
    t: StudentIx,
) -> bool {
    problem.students[t as usize]
        .needs()
        .any(|n| base[n as usize] != plan[n as usize])
}

/// The groups of students whose mentors differ between `base` and `forced`, joined by the
/// mentors they came to or left (a mentor a student holds in both plans has that student in
/// its load either way), but for the group of `student`; each group's students in order, the
/// groups in order of their first student.
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
        let (was, now) = (
            mentors_held(problem, base, t),
            mentors_held(problem, forced, t),
        );
        // Only where the student came or went: a mentor it holds in both plans keeps its load.
        for &m in was.symmetric_difference(&now) {
            let first = *holder_of.entry(m).or_insert(i);
            let (a, b) = (root(&mut parent, first), root(&mut parent, i));
            if a != b {
                parent[a.max(b)] = a.min(b);
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
    use super::{moved_students, undo_unneeded_moves, unlinked_groups, Plan, Worth};
    use crate::domain::model::{MentorIx, Problem};
    use crate::outcome::MissReason;
    use crate::rules::Candidates;
    use crate::solver::{self, SolveOptions, SolveStatus};

    /// On generated schools with several needs a student (seat sharing: each forced plan is a
    /// solve; every third with mentors involved ranked above fit and the load spread), every
    /// "why not" forced plan after the pass keeps every hard rule and its lock,
    /// is worth what the solve's plan is (coverage equal, fit within the quantum), moves only
    /// students linked to the forced pair, and none of them could go back alone. The solves'
    /// own plans moved unlinked students often enough that the pass is tested: a pass that
    /// undoes nothing, or undoes a group it should not, fails here.
    #[test]
    fn forced_plans_move_only_students_linked_to_the_pair() {
        let (mut priced, mut undone) = (0, 0);
        for seed in 1..=24 {
            // Every third school ranks mentors involved above fit and spreads the load (a
            // smaller one: those solves are the integer program's).
            let spread = seed % 6 == 0;
            let (students, mentors) = if spread { (60, 16) } else { (300, 80) };
            let mut raw = crate::generate::generate_with(students, mentors, seed, false);
            if spread {
                raw.policy.involve_every_mentor = Some(true);
                raw.policy.load_spread = Some(0.5);
            }
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
                            let mut trial = Plan::new(&problem, &all, &after);
                            let now = trial.worth();
                            trial.put_back(&base, &[t]);
                            let then = checked_worth(&problem, &all, &trial);
                            let back = trial.seats_held() && then.no_worse_than(&now, tolerance);
                            assert!(!back, "student {t} could go back");
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

    /// What `plan` is worth, after checking that the sums it keeps step by step are the ones
    /// its pairs give afresh, and its count of mentors over capacity too.
    fn checked_worth(problem: &Problem, all: &Candidates, plan: &Plan) -> Worth {
        let kept = plan.worth();
        let pairs = super::pairs_of(&plan.mentor);
        let fresh = Worth::of(problem, all, &pairs);
        assert_eq!(
            (kept.coverage, kept.involved),
            (fresh.coverage, fresh.involved)
        );
        assert!((kept.fit - fresh.fit).abs() < 1e-6);
        let over = solver::mentor_loads(problem, &pairs)
            .iter()
            .zip(&problem.mentors)
            .any(|(&l, m)| l > m.capacity);
        assert_eq!(plan.seats_held(), !over);
        kept
    }

    /// The sums a [`Plan`] keeps step by step (coverage, mentors involved, fit with the load
    /// spread, seats over capacity) are what the plan it holds is worth, after every step and
    /// every undo.
    #[test]
    fn a_plans_kept_sums_are_its_own_after_every_step() {
        let raw = crate::generate::generate_with(12, 4, 3, true);
        let mut problem = crate::admit::validate(raw).expect("valid").to_problem();
        problem.policy.involve_every_mentor = true;
        problem.policy.load_spread = 0.5;
        let all = crate::rules::Candidates::of_problem(&problem);
        let first = |s: usize| problem.students[s].needs().start;
        // The forced plan puts student s on mentor s % 4; the base on (s + 1) % 4 or nowhere.
        let forced: Vec<(u32, MentorIx)> = (0..12).map(|s| (first(s), (s % 4) as u32)).collect();
        let mut base: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
        for s in 0..12 {
            base[first(s) as usize] = (s % 3 != 0).then_some(((s + 1) % 4) as u32);
        }
        let check = |plan: &Plan| {
            checked_worth(&problem, &all, plan);
        };
        let mut plan = Plan::new(&problem, &all, &forced);
        check(&plan);
        for t in 0..12u32 {
            let undo = plan.put_back(&base, &[t]);
            check(&plan);
            if t % 2 == 0 {
                plan.restore(&undo);
                check(&plan);
            }
        }
        assert!(
            plan.involved < 4,
            "the steps left a mentor without students"
        );
    }

    /// A mentor a student holds in both plans links nothing: student x keeps mentor 0 for its
    /// first need and moves its second from mentor 1 to 2; student y moves from mentor 3 to 0.
    /// Mentor 0 has x in its load either way, so y's move is a group of its own.
    #[test]
    fn a_mentor_held_in_both_plans_links_no_one() {
        let raw = crate::generate::generate_with(40, 6, 5, false);
        let problem = crate::admit::validate(raw).expect("valid");
        let with = |k: usize| {
            (0..problem.students.len())
                .find(|&s| problem.students[s].needs().len() == k)
                .expect("a student with that many needs")
        };
        let (x, y) = (with(2), with(1));
        let first = |s: usize| problem.students[s].needs().start as usize;
        let mut base: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
        let mut forced = base.clone();
        (base[first(x)], forced[first(x)]) = (Some(0), Some(0));
        (base[first(x) + 1], forced[first(x) + 1]) = (Some(1), Some(2));
        (base[first(y)], forced[first(y)]) = (Some(3), Some(0));
        let groups = unlinked_groups(&problem, &base, &forced, x as u32);
        assert_eq!(groups, vec![vec![y as u32]]);
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
