//! The answer when scoring every pair took (nearly) the whole limit (a dense district's 30.8 M
//! pairs take 1.6–2.6 s): a method stopped at once would still spend its set-up passes over
//! every pair (the interchangeable mentors, the pairs' values, the network's selection: ~0.5 s
//! there) to answer with its locks and a greedy fill, past the answer's margin.
//! Here the greedy fill is the whole answer, in one pass: it proves nothing, and says so
//! (`TIME_LIMIT`, its gap against the trivial bound).
//!
//! Imports the domain, the rules and the solver's plan checks; must not import HiGHS or any
//! method.

use std::time::Instant;

use super::{verify, Method, SideStats, SolveOptions};
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::domain::Priority;
use crate::rules::Candidates;

/// What a method stopped at once still needs per pair before its answer is due: its set-up
/// passes (~15 ns a pair at the dense district) and its stopped plan's bound (the network's
/// scan 7–22 ns, the seat-sharing bound's with its shared seats ~60 ns), with room for a
/// slower hour. Where less time is left, the greedy answers; a small request given no time
/// keeps its method and its bound (a 300 × 70 school: under a millisecond).
const STOPPED_METHOD_NS_PER_PAIR: u64 = 60;

/// The greedy answer where even a method stopped at once would not answer before the answer
/// is due (`due`, see `solver::answer_by`); None otherwise, and for the
/// requests whose rows the greedy does not model (a rematch's bound on changes, stability
/// rows, seat costs), or where the locks break a rule (a method then decides, as before).
pub(super) fn answer(
    problem: &Problem,
    all: &Candidates,
    options: &SolveOptions,
    due: Instant,
) -> Option<(Vec<usize>, Method)> {
    let needed = options.per_pair(all.len() as u64, STOPPED_METHOD_NS_PER_PAIR);
    if Instant::now() + needed <= due
        || problem.min_kept().is_some()
        || problem.stable_only()
        || problem.policy.has_seat_costs()
    {
        return None;
    }
    let plan = feasible_greedy(problem, all)?;
    let mut chosen: Vec<usize> = plan.iter().filter_map(|&(n, m)| all.find(n, m)).collect();
    chosen.sort_unstable();
    tracing::debug!(
        pairs = chosen.len(),
        "no time for a method: the greedy plan answers"
    );
    Some((chosen, method_of(problem)))
}

/// A stopped network's plan (`chosen`, positions in `candidates`) or the greedy plan over every
/// pair, whichever is better by coverage from the most urgent level, then fit; the greedy
/// pass only where it fits before the answer is due (~4 ns a pair). A flow stopped early has
/// placed the most urgent needs best and no others: at the flat 20,000-student district
/// stopped at 2 s it left 7,892 needs open, where the greedy plan (answering at 1 s) left
/// 3,853. The greedy plan's pairs join `candidates` where it wins.
pub(super) fn better_stopped_plan(
    problem: &Problem,
    all: &Candidates,
    candidates: &mut Candidates,
    chosen: Vec<usize>,
    options: &SolveOptions,
    due: Instant,
) -> Vec<usize> {
    let Some(greedy) = greedy_in_time(problem, all, options, due) else {
        return chosen;
    };
    let flow: Vec<(NeedIx, f64)> = verify::pairs(candidates, &chosen)
        .into_iter()
        .zip(&chosen)
        .map(|((n, _), &c)| (n, candidates.scores[c]))
        .collect();
    let greedy_scored: Vec<(NeedIx, f64)> = greedy
        .iter()
        .filter_map(|&(n, m)| all.find(n, m).map(|c| (n, all.scores[c])))
        .collect();
    if worth(problem, &greedy_scored) > worth(problem, &flow) {
        tracing::debug!(
            pairs = greedy.len(),
            "network: stopped; the greedy plan covers more"
        );
        let mut held = candidates.hold_plan(all, &greedy);
        held.sort_unstable();
        held
    } else {
        chosen
    }
}

/// The greedy plan over every pair, for a stopped method to weigh against its own: where its
/// pass fits before the answer is due ([`GREEDY_NS_PER_PAIR`]), for the requests whose rows it
/// models (no rematch bound on changes, no seat costs), and where its locks break no rule.
pub(super) fn greedy_in_time(
    problem: &Problem,
    all: &Candidates,
    options: &SolveOptions,
    due: Instant,
) -> Option<Vec<(NeedIx, MentorIx)>> {
    let needed = options.per_pair(all.len() as u64, GREEDY_NS_PER_PAIR);
    if problem.min_kept().is_some()
        || problem.policy.has_seat_costs()
        || Instant::now() + needed > due
    {
        return None;
    }
    feasible_greedy(problem, all)
}

/// The greedy plan, where it breaks no rule (its locks may: a method then decides).
fn feasible_greedy(problem: &Problem, all: &Candidates) -> Option<Vec<(NeedIx, MentorIx)>> {
    let greedy = greedy_plan(problem, all);
    verify::verify(problem, &greedy).ok()?;
    Some(greedy)
}

/// A plan's worth in the objective's order: needs covered per level from the most urgent,
/// then the fit.
fn worth(problem: &Problem, pairs: &[(NeedIx, f64)]) -> ([u32; 4], f64) {
    let mut by_priority = [0u32; 4];
    let mut fit = 0.0;
    for &(n, score) in pairs {
        by_priority[problem.needs[n as usize].priority as usize] += 1;
        fit += score;
    }
    (Priority::DESCENDING.map(|p| by_priority[p as usize]), fit)
}

/// The greedy plan's pass over every pair, per pair: measured ~4 ns at the dense 30.8 M-pair
/// district (115 ms), with room for a slower hour.
const GREEDY_NS_PER_PAIR: u64 = 10;

/// The method the request's shape would have run, without the pass over every student's
/// candidates that tells a network set apart: one need a student, or one mentor a student,
/// is the network's; the rest the seat-sharing method's.
fn method_of(problem: &Problem) -> Method {
    let one_need = problem.students.iter().all(|s| s.need_count < 2);
    if one_need || problem.policy.max_mentors_per_student == 1 {
        Method::Network { rounds: 0 }
    } else {
        Method::NetworkSide(SideStats {
            rounds: 0,
            residual_pairs: 0,
            floored_levels: 0,
            loose_students: 0,
            split_rows: false,
        })
    }
}

/// A feasible plan in one pass over every feasible pair (`all`), sorting none: every lock
/// first (as `verify::feasible_subset` makes them), then the needs from most to least urgent
/// (in need order within a level), each to its best-scoring candidate (ties: the lower
/// mentor) whose mentor already holds the student, or has a seat left while the student may
/// take one more mentor.
pub(super) fn greedy_plan(problem: &Problem, all: &Candidates) -> Vec<(NeedIx, MentorIx)> {
    let mut plan = verify::feasible_subset(problem, &[]);
    let mut seats = Seats {
        load: vec![0; problem.mentors.len()],
        capacity: problem.mentors.iter().map(|m| m.capacity).collect(),
        mentors_of: vec![Vec::new(); problem.students.len()],
    };
    let mut covered = vec![false; problem.needs.len()];
    for &(n, m) in &plan {
        covered[n as usize] = true;
        seats.sit(problem.needs[n as usize].student, m);
    }
    let mut order: Vec<NeedIx> = (0..problem.needs.len() as NeedIx)
        .filter(|&n| !covered[n as usize] && !all.of_need(n).is_empty())
        .collect();
    order.sort_by_key(|&n| (std::cmp::Reverse(problem.needs[n as usize].priority), n));
    let limit = problem.policy.max_mentors_per_student as usize;
    for n in order {
        let s = problem.needs[n as usize].student;
        let held = &seats.mentors_of[s as usize];
        let may_add = held.len() < limit;
        let mut best: Option<usize> = None;
        for c in all.of_need(n) {
            let m = all.mentors[c];
            let free = may_add && seats.load[m as usize] < seats.capacity[m as usize];
            // Ties keep the first met, the lower mentor (a row is in mentor order).
            if (free || held.contains(&m)) && best.is_none_or(|b| all.scores[c] > all.scores[b]) {
                best = Some(c);
            }
        }
        if let Some(c) = best {
            plan.push((n, all.mentors[c]));
            seats.sit(s, all.mentors[c]);
        }
    }
    plan.sort_unstable();
    plan
}

/// Who sits with whom in a plan being built: each mentor's students counted (in an array the
/// scan of a row reads at every candidate), each student's mentors listed.
struct Seats {
    load: Vec<u32>,
    capacity: Vec<u32>,
    mentors_of: Vec<Vec<MentorIx>>,
}

impl Seats {
    /// Student `s` sits with mentor `m` (once, however many needs it brings).
    fn sit(&mut self, s: StudentIx, m: MentorIx) {
        if !self.mentors_of[s as usize].contains(&m) {
            self.mentors_of[s as usize].push(m);
            self.load[m as usize] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::{solve_problem, SolveOptions, SolveStatus};

    fn school(students: usize, mentors: usize, seed: u64) -> crate::domain::model::Validated {
        crate::admit::validate(crate::generate::generate_with(
            students, mentors, seed, false,
        ))
        .expect("valid")
    }

    /// The greedy plan breaks no rule and leaves no need open that it could still have
    /// given a seat: each open need's every candidate is full, or would be the student's
    /// mentor past its limit.
    #[test]
    fn the_greedy_plan_is_feasible_and_leaves_no_free_seat_unused() {
        let mut contested = 0;
        for (students, mentors, seed) in [(300, 70, 1), (400, 40, 3), (120, 24, 5)] {
            let problem = school(students, mentors, seed);
            let all = Candidates::of_problem(&problem);
            let plan = greedy_plan(&problem, &all);
            assert_eq!(verify::verify(&problem, &plan), Ok(()), "seed {seed}");
            let mut load = vec![0u32; problem.mentors.len()];
            let mut mentors_of = vec![Vec::new(); problem.students.len()];
            let mut covered = vec![false; problem.needs.len()];
            for &(n, m) in &plan {
                covered[n as usize] = true;
                let s = problem.needs[n as usize].student as usize;
                if !mentors_of[s].contains(&m) {
                    mentors_of[s].push(m);
                    load[m as usize] += 1;
                }
            }
            let limit = problem.policy.max_mentors_per_student as usize;
            for n in (0..problem.needs.len() as NeedIx).filter(|&n| !covered[n as usize]) {
                let s = problem.needs[n as usize].student as usize;
                for c in all.of_need(n) {
                    let m = all.mentors[c];
                    assert!(
                        !mentors_of[s].contains(&m),
                        "seed {seed}: need {n} could ride"
                    );
                    assert!(
                        mentors_of[s].len() >= limit
                            || load[m as usize] >= problem.mentors[m as usize].capacity,
                        "seed {seed}: need {n} left open beside a free seat"
                    );
                }
                contested += usize::from(!all.of_need(n).is_empty());
            }
        }
        assert!(contested > 0, "some need with candidates is left open");
    }

    /// A seat-sharing solve stopped at once (no time, on an idle pace: its method runs and
    /// stops) answers a plan at least as good as the greedy one, level by level from the
    /// most urgent.
    #[test]
    fn a_stopped_method_answers_no_worse_than_the_greedy_plan() {
        // Coverage only: the fit is not compared.
        let covered = |problem: &Problem, pairs: &[(NeedIx, MentorIx)]| {
            let unscored: Vec<(NeedIx, f64)> = pairs.iter().map(|&(n, _)| (n, 0.0)).collect();
            worth(problem, &unscored).0
        };
        for seed in 1..=4 {
            let problem = school(300, 70, seed);
            let options = SolveOptions {
                time_limit: std::time::Duration::ZERO,
                ..SolveOptions::from_policy(&problem)
            };
            let solved = solve_problem(&problem, options).expect("answers");
            assert_eq!(solved.method.kind(), crate::solver::MethodKind::NetworkSide);
            let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
            let greedy = greedy_plan(&problem, &Candidates::of_problem(&problem));
            assert!(
                covered(&problem, &pairs) >= covered(&problem, &greedy),
                "seed {seed}: {:?} against the greedy {:?}",
                covered(&problem, &pairs),
                covered(&problem, &greedy)
            );
        }
    }

    /// The same for the network method (one need a student): its flow stopped at once has
    /// placed few needs, and the greedy plan answers where it covers more.
    #[test]
    fn a_stopped_network_answers_no_worse_than_the_greedy_plan() {
        for seed in 1..=3 {
            let raw = crate::generate::generate_with(300, 70, seed, true);
            let problem = crate::admit::validate(raw).expect("valid");
            let options = SolveOptions {
                time_limit: std::time::Duration::ZERO,
                ..SolveOptions::from_policy(&problem)
            };
            let solved = solve_problem(&problem, options).expect("answers");
            assert_eq!(solved.method.kind(), crate::solver::MethodKind::Network);
            let all = Candidates::of_problem(&problem);
            let scored = |pairs: &[(NeedIx, MentorIx)]| -> Vec<(NeedIx, f64)> {
                pairs
                    .iter()
                    .map(|&(n, m)| (n, all.find(n, m).map_or(0.0, |c| all.scores[c])))
                    .collect()
            };
            let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
            assert_eq!(verify::verify(&problem, &pairs), Ok(()));
            let greedy = greedy_plan(&problem, &all);
            assert!(
                worth(&problem, &scored(&pairs)) >= worth(&problem, &scored(&greedy)),
                "seed {seed}"
            );
        }
    }

    /// Past the deadline, with no time for a stopped method (a machine made to look a million
    /// times slower), the solve answers with the greedy plan, as the method the request's
    /// shape would have run, its status `TIME_LIMIT`.
    #[test]
    fn past_the_deadline_the_greedy_plan_answers() {
        let problem = school(300, 70, 2);
        let options = SolveOptions {
            time_limit: std::time::Duration::ZERO,
            slowdown: 1e6,
            ..SolveOptions::from_policy(&problem)
        };
        let solved = solve_problem(&problem, options).expect("answers");
        assert_eq!(solved.solution.status, SolveStatus::TimeLimit);
        assert_eq!(solved.method.kind(), crate::solver::MethodKind::NetworkSide);
        let all = Candidates::of_problem(&problem);
        let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
        assert_eq!(pairs, greedy_plan(&problem, &all));
        assert!(!pairs.is_empty());
        assert!(solved.solution.best_bound >= solved.solution.objective);
    }
}
