//! The diff of a rematch's plan against the current pairs: one [`PairChange`] per current pair,
//! in the order sent (kept, moved or ended, with the reason and its evidence), then one per
//! pair that did not exist before and is not the far end of a move.
//!
//! Holds [`diff`] and its passes: the plan indexed once ([`Plan`]), a current pair's change
//! by its evaluation, the reason a working pair lost its seat, and the new pairs. Imports the
//! validated model, the plan's types (`crate::outcome`) and this module's outcome types; must
//! not import the solver, the engine, `crate::explain` or anything that renders.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::model::Forced;
use super::outcome::{
    CapacityShrank, ChangeDetail, ChangeKind, ChangeReason, PairChange, SeatNeed,
};
use super::request::{Current, Evaluation};
use crate::domain::model::{MentorIx, Problem, StudentIx};
use crate::outcome::{Assignment, Outcome};

/// What the diff compares the plan with: the current pairs, why each must move whatever the
/// plan, and the students before ended needs were dropped.
pub(super) struct Before<'a> {
    pub current: &'a [Current],
    pub forced: &'a [Option<Forced>],
    pub students_before: &'a HashSet<String>,
}

/// The plan, indexed once for the questions each changed pair asks (not a scan per pair).
struct Plan<'a> {
    problem: &'a Problem,
    /// Each student's mentors now, in plan order.
    mentors_of: BTreeMap<StudentIx, Vec<MentorIx>>,
    /// The pairs now on each mentor's seats.
    at_mentor: Vec<Vec<&'a Assignment>>,
    /// Working pairs each mentor had, by mentor id.
    working_before: HashMap<&'a str, u32>,
}

impl<'a> Plan<'a> {
    fn new(problem: &'a Problem, outcome: &'a Outcome, current: &'a [Current]) -> Self {
        let mut mentors_of: BTreeMap<StudentIx, Vec<MentorIx>> = BTreeMap::new();
        let mut at_mentor: Vec<Vec<&Assignment>> = vec![Vec::new(); problem.mentors.len()];
        for a in &outcome.assignments {
            mentors_of.entry(a.student).or_default().push(a.mentor);
            at_mentor[a.mentor as usize].push(a);
        }
        let mut working_before: HashMap<&str, u32> = HashMap::new();
        for o in current
            .iter()
            .filter(|o| o.evaluation == Evaluation::Working)
        {
            *working_before.entry(o.mentor_id.as_str()).or_default() += 1;
        }
        Plan {
            problem,
            mentors_of,
            at_mentor,
            working_before,
        }
    }

    /// Whether the plan pairs `s` with `m`.
    fn pairs(&self, s: StudentIx, m: MentorIx) -> bool {
        self.mentors_of.get(&s).is_some_and(|l| l.contains(&m))
    }

    /// Where the student's needs went instead: their mentors now other than `except`.
    fn elsewhere(&self, s: Option<StudentIx>, except: Option<MentorIx>) -> Vec<String> {
        let Some(mentors) = s.and_then(|s| self.mentors_of.get(&s)) else {
            return Vec::new();
        };
        mentors
            .iter()
            .filter(|&&m| Some(m) != except)
            .map(|&m| self.problem.mentors[m as usize].id.clone())
            .collect()
    }

    /// The needs now holding the mentor's seats.
    fn seat_holders(&self, m: MentorIx) -> Vec<SeatNeed> {
        let problem = self.problem;
        self.at_mentor[m as usize]
            .iter()
            .flat_map(|a| {
                a.needs.iter().map(move |cn| {
                    let n = &problem.needs[cn.need as usize];
                    SeatNeed {
                        student_id: problem.students[a.student as usize].id.clone(),
                        need_id: n.id.clone(),
                        priority: n.priority,
                    }
                })
            })
            .collect()
    }
}

/// The diff: each current pair's change in the order sent, then the new pairs. `change_penalty`
/// is the penalty the caller sent (a working pair moved for fit says what it outweighed).
pub(super) fn diff(
    problem: &Problem,
    outcome: &Outcome,
    before: &Before,
    change_penalty: Option<f64>,
) -> Vec<PairChange> {
    let plan = Plan::new(problem, outcome, before.current);
    let ids = problem.id_index();
    let mut matched: HashSet<(StudentIx, MentorIx)> = HashSet::new();
    let mut changes = Vec::new();
    for (i, c) in before.current.iter().enumerate() {
        let s = ids.student(&c.student_id);
        let m = ids.mentor(&c.mentor_id);
        let kept = s.zip(m).is_some_and(|(s, m)| plan.pairs(s, m));
        if let (true, Some(pair)) = (kept, s.zip(m)) {
            matched.insert(pair);
        }
        let mut change = PairChange {
            kind: ChangeKind::Moved,
            reason: ChangeReason::Working,
            student_id: c.student_id.clone(),
            from_mentor_id: c.mentor_id.clone(),
            to_mentor_ids: Vec::new(),
            need_ids: c.need_ids.clone(),
            forced_by: Vec::new(),
            capacity_shrank: None,
            detail: ChangeDetail::Kept,
        };
        let to_other = || plan.elsewhere(s, m);
        match c.evaluation {
            Evaluation::Ended => {
                change.kind = ChangeKind::Ended;
                let left = before.students_before.contains(&c.student_id) && s.is_none();
                change.reason = if left {
                    ChangeReason::StudentLeft
                } else {
                    ChangeReason::NeedsEnded
                };
                change.detail = ChangeDetail::NeedsEnded;
            }
            Evaluation::NotWorking => {
                change.reason = ChangeReason::NotWorking;
                change.to_mentor_ids = to_other();
                change.detail = if change.to_mentor_ids.is_empty() {
                    ChangeDetail::NotWorkingUnpaired
                } else {
                    ChangeDetail::NotWorkingPaired
                };
            }
            Evaluation::Working if kept => {
                change.kind = ChangeKind::Kept;
                change.to_mentor_ids = vec![c.mentor_id.clone()];
            }
            Evaluation::Working => {
                change.to_mentor_ids = to_other();
                match (before.forced[i], m) {
                    (Some(forced), _) => forced_move(&mut change, forced),
                    (None, Some(m)) => lost_seat(&plan, &mut change, m, change_penalty),
                    // Not reached: a working pair not forced to move has its mentor.
                    (None, None) => continue,
                }
            }
        }
        changes.push(change);
    }
    let new = new_pairs(problem, outcome, before.current, &matched, &changes);
    changes.extend(new);
    changes
}

/// A working pair that had to move whatever the plan: the student or the mentor left, or a
/// hard rule no longer holds.
fn forced_move(change: &mut PairChange, forced: Forced) {
    (change.reason, change.detail) = match forced {
        Forced::StudentLeft => {
            change.kind = ChangeKind::Ended;
            (ChangeReason::StudentLeft, ChangeDetail::StudentLeft)
        }
        Forced::MentorLeft => (ChangeReason::MentorLeft, ChangeDetail::MentorLeft),
        Forced::RuleNoLongerHolds => (
            ChangeReason::RuleNoLongerHolds,
            ChangeDetail::RuleNoLongerHolds,
        ),
    };
}

/// A working pair that could have been kept but was not: its mentor's seats are full (the
/// capacity shrank below its working pairs, or the seats cover more needs now), a better fit
/// outweighed the penalty the caller sent, or the move let more needs be covered.
fn lost_seat(plan: &Plan, change: &mut PairChange, m: MentorIx, change_penalty: Option<f64>) {
    let mentor = &plan.problem.mentors[m as usize];
    let seats_taken = plan.at_mentor[m as usize].len() as u32;
    if seats_taken >= mentor.capacity {
        let before = plan
            .working_before
            .get(change.from_mentor_id.as_str())
            .copied()
            .unwrap_or(0);
        if before > mentor.capacity {
            change.reason = ChangeReason::CapacityShrank;
            change.capacity_shrank = Some(CapacityShrank {
                capacity: mentor.capacity,
                working_pairs_before: before,
            });
            change.detail = ChangeDetail::CapacityShrank {
                capacity: mentor.capacity,
                before,
            };
        } else {
            change.reason = ChangeReason::Coverage;
            change.detail = ChangeDetail::SeatNeeded;
        }
        change.forced_by = plan.seat_holders(m);
    } else if let Some(penalty) = change_penalty {
        change.reason = ChangeReason::BetterFit;
        change.detail = ChangeDetail::BetterFit { penalty };
    } else {
        change.reason = ChangeReason::Coverage;
        change.detail = ChangeDetail::MovedForCoverage;
        change.forced_by = plan.seat_holders(m);
    }
}

/// Pairs of the plan that did not exist before and are not the far end of a move already
/// reported, in plan order.
fn new_pairs(
    problem: &Problem,
    outcome: &Outcome,
    current: &[Current],
    matched: &HashSet<(StudentIx, MentorIx)>,
    changes: &[PairChange],
) -> Vec<PairChange> {
    let moved_to: HashSet<(&str, &str)> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Moved)
        .flat_map(|c| {
            c.to_mentor_ids
                .iter()
                .map(|m| (c.student_id.as_str(), m.as_str()))
        })
        .collect();
    let before: HashSet<(&str, &str)> = current
        .iter()
        .map(|c| (c.student_id.as_str(), c.mentor_id.as_str()))
        .collect();
    outcome
        .assignments
        .iter()
        .filter(|a| !matched.contains(&(a.student, a.mentor)))
        .filter_map(|a| {
            let sid = problem.students[a.student as usize].id.as_str();
            let mid = problem.mentors[a.mentor as usize].id.as_str();
            if before.contains(&(sid, mid)) || moved_to.contains(&(sid, mid)) {
                return None;
            }
            Some(PairChange {
                kind: ChangeKind::New,
                reason: ChangeReason::NewNeed,
                student_id: sid.to_string(),
                from_mentor_id: String::new(),
                to_mentor_ids: vec![mid.to_string()],
                need_ids: a
                    .needs
                    .iter()
                    .map(|c| problem.needs[c.need as usize].id.clone())
                    .collect(),
                forced_by: Vec::new(),
                capacity_shrank: None,
                detail: ChangeDetail::NewPair,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_school;

    fn current(s: &str, m: &str, evaluation: Evaluation) -> Current {
        Current {
            student_id: s.into(),
            mentor_id: m.into(),
            need_ids: Vec::new(),
            evaluation,
        }
    }

    /// The diff of the test school's plan (S1 with T1 for both needs, S2 with T2: the only
    /// plan covering all three) against `current`.
    fn diff_of(current: &[Current], forced: &[Option<Forced>]) -> Vec<PairChange> {
        let problem = test_school::problem(test_school::json());
        let outcome = crate::engine::solve(&problem).expect("the test school solves");
        let students_before = ["S1", "S2"].map(String::from).into_iter().collect();
        let before = Before {
            current,
            forced,
            students_before: &students_before,
        };
        diff(&problem, &outcome, &before, None)
    }

    fn line(c: &PairChange) -> (ChangeKind, ChangeReason, &str, &str, Vec<&str>) {
        let to = c.to_mentor_ids.iter().map(String::as_str).collect();
        (c.kind, c.reason, &c.student_id, &c.from_mentor_id, to)
    }

    #[test]
    fn a_failing_pair_moves_and_its_far_end_is_not_a_new_pair() {
        let changes = diff_of(
            &[
                current("S1", "T1", Evaluation::Working),
                current("S2", "T1", Evaluation::NotWorking),
            ],
            &[None, None],
        );
        let lines: Vec<_> = changes.iter().map(line).collect();
        assert_eq!(
            lines,
            [
                (
                    ChangeKind::Kept,
                    ChangeReason::Working,
                    "S1",
                    "T1",
                    vec!["T1"]
                ),
                (
                    ChangeKind::Moved,
                    ChangeReason::NotWorking,
                    "S2",
                    "T1",
                    vec!["T2"]
                ),
            ]
        );
        assert_eq!(changes[1].detail, ChangeDetail::NotWorkingPaired);
    }

    #[test]
    fn a_working_pair_whose_seat_is_needed_names_the_needs_holding_it() {
        let changes = diff_of(&[current("S2", "T1", Evaluation::Working)], &[None]);
        let lines: Vec<_> = changes.iter().map(line).collect();
        assert_eq!(
            lines,
            [
                (
                    ChangeKind::Moved,
                    ChangeReason::Coverage,
                    "S2",
                    "T1",
                    vec!["T2"]
                ),
                (ChangeKind::New, ChangeReason::NewNeed, "S1", "", vec!["T1"]),
            ]
        );
        assert_eq!(changes[0].detail, ChangeDetail::SeatNeeded);
        let held: Vec<(&str, &str)> = changes[0]
            .forced_by
            .iter()
            .map(|h| (h.student_id.as_str(), h.need_id.as_str()))
            .collect();
        assert_eq!(held, [("S1", "N1"), ("S1", "N2")]);
    }

    #[test]
    fn a_mentor_with_more_working_pairs_than_seats_shrank() {
        let changes = diff_of(
            &[
                current("S1", "T1", Evaluation::Working),
                current("S2", "T1", Evaluation::Working),
            ],
            &[None, None],
        );
        assert_eq!(changes[1].reason, ChangeReason::CapacityShrank);
        assert_eq!(
            changes[1].capacity_shrank,
            Some(CapacityShrank {
                capacity: 1,
                working_pairs_before: 2
            })
        );
    }

    #[test]
    fn a_working_pair_of_a_student_who_left_ends() {
        let changes = diff_of(
            &[current("S9", "T1", Evaluation::Working)],
            &[Some(Forced::StudentLeft)],
        );
        let first = line(&changes[0]);
        assert_eq!(
            first,
            (
                ChangeKind::Ended,
                ChangeReason::StudentLeft,
                "S9",
                "T1",
                vec![]
            )
        );
    }
}
