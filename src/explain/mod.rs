//! Why every decision was made, as data first (this module) and as sentences second
//! (`crate::render::text`). Every pair carries the rule that qualified the mentor, both
//! preference ranks,
//! the common slots and each objective component; every unassigned need carries a reason code
//! with its evidence; every student who missed their first choice learns why, mentor by mentor.
//! Lists are ordered by input position so output is stable (unassigned needs: referrals first).
//!
//! The data's types are `crate::outcome`'s (re-exported here), so the engine's analyses, the
//! rematch and the what-if can read a plan without importing this module, which reads theirs.
//!
//! Sits above the solver, `rules` and `score` (which it reads; `parallel` splits the open
//! needs' reasons over the cores) and below the renderers: must
//! not import the engine, `proto`, the CLI, the service or any renderer (`report/`, `sheet/`),
//! which all read an [`Outcome`]. The figures other passes add (why-not costs, stability,
//! shortage) arrive as plain fields set by those passes.

pub mod mentors;
/// The shared words moved below the explanations (validation quotes the rules' sentences);
/// re-exported so `explain::words` keeps its path.
pub use crate::words;

use std::collections::BTreeMap;

pub use crate::outcome::{
    Assignment, BlockingPair, CoveredNeed, ForcedCost, HigherChoice, MentorSeats, MissReason,
    Outcome, PreferenceMiss, PriceOfStability, SeatHolder, SolverReport, Summary, TrackSummary,
    Unassigned, UnassignedReason,
};

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::domain::{Priority, Track};
use crate::rules::{check_pair, Blocker, Candidates, QualificationIndex};
use crate::score;
use crate::solver::{verify, Solution, SolveStatus};

/// Mentors listed as evidence for one unassigned need. A need with 900 full candidates used to
/// list them all, with every holder (1.6 GB of JSON on a dense district); the first ten, by
/// fit, and the count say the same to a coordinator.
pub const EVIDENCE_LIMIT: usize = 10;

/// Keeps the `EVIDENCE_LIMIT` mentors that fit the need best (ties: mentor position);
/// `fit(i)` is the fit of the `i`-th mentor listed (0 for one that is not a candidate).
fn best_for(mentors: &mut Vec<MentorIx>, fit: impl Fn(usize) -> f64) {
    if mentors.len() <= EVIDENCE_LIMIT {
        return;
    }
    let mut keyed: Vec<(f64, MentorIx)> = mentors
        .iter()
        .enumerate()
        .map(|(i, &m)| (fit(i), m))
        .collect();
    // Mentors are distinct, so the order is total and the ten best are the same whichever
    // way they are found: selected in linear time, then sorted (a dense school's open need
    // has ~1,500 candidates, and a stopped district thousands of open needs).
    let order = |a: &(f64, MentorIx), b: &(f64, MentorIx)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    keyed.select_nth_unstable_by(EVIDENCE_LIMIT - 1, order);
    keyed.truncate(EVIDENCE_LIMIT);
    keyed.sort_unstable_by(order);
    *mentors = keyed.into_iter().map(|(_, m)| m).collect();
}

/// Other students a forced cost names (the first few, in student order); all are counted.
pub const FORCED_COST_NAMED: usize = 5;

/// The plan as seen from both sides, for the explanations.
struct Plan {
    mentor_of_need: Vec<Option<MentorIx>>,
    /// Students per mentor, ascending.
    seats: Vec<Vec<StudentIx>>,
    /// Mentors per student, ascending.
    mentors_of: Vec<Vec<MentorIx>>,
    /// Who holds each mentor's seats, read once: the same full mentors are named in many open
    /// needs' evidence (thousands at a district stopped at its limit).
    holders: Vec<Vec<SeatHolder>>,
}

impl Plan {
    fn new(problem: &Problem, pairs: &[(NeedIx, MentorIx)]) -> Self {
        let mut plan = Plan {
            mentor_of_need: vec![None; problem.needs.len()],
            seats: vec![Vec::new(); problem.mentors.len()],
            mentors_of: vec![Vec::new(); problem.students.len()],
            holders: Vec::new(),
        };
        for &(n, m) in pairs {
            plan.mentor_of_need[n as usize] = Some(m);
            let s = problem.needs[n as usize].student;
            plan.seats[m as usize].push(s);
            plan.mentors_of[s as usize].push(m);
        }
        for list in plan.seats.iter_mut().chain(plan.mentors_of.iter_mut()) {
            list.sort_unstable();
            list.dedup();
        }
        plan.holders = (0..problem.mentors.len() as MentorIx)
            .map(|m| plan.holders_of(problem, m))
            .collect();
        plan
    }

    fn is_full(&self, problem: &Problem, m: MentorIx) -> bool {
        self.seats[m as usize].len() as u32 >= problem.mentors[m as usize].capacity
    }

    /// Who holds mentor `m`'s seats (read once, in [`Plan::new`]).
    fn holders(&self, m: MentorIx) -> Vec<SeatHolder> {
        self.holders[m as usize].clone()
    }

    fn holders_of(&self, problem: &Problem, m: MentorIx) -> Vec<SeatHolder> {
        self.seats[m as usize]
            .iter()
            .map(|&s| {
                let priority = problem.students[s as usize]
                    .needs()
                    .filter(|&n| self.mentor_of_need[n as usize] == Some(m))
                    .map(|n| problem.needs[n as usize].priority)
                    .max()
                    .unwrap_or(Priority::Normal);
                SeatHolder {
                    student: s,
                    priority,
                    student_rank: problem.students[s as usize].rank_of(m),
                    mentor_rank: problem.facts(s, m).mentor_rank_of_student,
                }
            })
            .collect()
    }
}

/// Builds the full explanation of a solution, whose `chosen` positions are in `candidates`.
/// `every_pair` is every feasible pair of the problem with its score, as the solve scored them
/// ([`Candidates::of_problem`]): an open need's candidates are read off its row there instead
/// of being checked and scored again. Only a need without any candidate has its mentors
/// checked against the rules, to name the rule that stops them (with an empty set every
/// need's are: the tests' reference).
pub fn explain(
    problem: &Problem,
    candidates: &Candidates,
    every_pair: &Candidates,
    solution: &Solution,
) -> Outcome {
    let pairs = verify::pairs(candidates, &solution.chosen);
    let plan = Plan::new(problem, &pairs);
    let index = QualificationIndex::build(problem);
    let assignments = assignments(problem, &pairs);
    // Each open need's reason: over the cores (in need order whatever their number). A
    // district stopped at its limit leaves thousands open: 563 ms on one core at 20,000 x
    // 5,400 with every relevant pair checked and scored again, past what a caller's deadline
    // keeps back for explaining.
    let open: Vec<NeedIx> = (0..problem.needs.len() as NeedIx)
        .filter(|&n| plan.mentor_of_need[n as usize].is_none())
        .collect();
    let mut unassigned: Vec<Unassigned> = crate::parallel::over_ranges(open.len(), |range| {
        open[range]
            .iter()
            .map(|&n| unassigned(problem, &index, every_pair, &plan, solution.status, n))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    // Referrals first (someone must act on them today), then the rest; a stable sort keeps
    // input order within each group.
    unassigned.sort_by_key(|u| u.reason != UnassignedReason::Referral);
    let misses = (0..problem.students.len() as StudentIx)
        .filter_map(|s| preference_miss(problem, &plan, s))
        .collect();
    let summary = summary(problem, &plan);
    let blocking = blocking_pairs(problem, &plan);
    Outcome {
        solver: SolverReport {
            status: solution.status,
            objective: solution.objective,
            best_bound: solution.best_bound,
            gap: solution.gap,
            coverage: solution.reported_coverage(),
            candidate_pairs: candidates.len() as u64,
            method: None,
        },
        assignments,
        unassigned,
        misses,
        price_of_stability: if blocking.is_empty() {
            PriceOfStability::Stable
        } else {
            PriceOfStability::NotComputed("not asked for")
        },
        blocking,
        summary,
        shortage: None,
    }
}

/// Every blocking pair of the plan: the student ranks the mentor above the best mentor it got
/// (or got no ranked mentor), the mentor ranks the student and has room or holds a student it
/// ranks lower (or not at all), and the pair meets every hard rule for one of the student's
/// needs. Linear in the preferences listed.
fn blocking_pairs(problem: &Problem, plan: &Plan) -> Vec<BlockingPair> {
    let mut out = Vec::new();
    for (s, student) in problem.students.iter().enumerate() {
        let s = s as StudentIx;
        let given = &plan.mentors_of[s as usize];
        let best_given = given.iter().filter_map(|&m| student.rank_of(m)).min();
        for &(m, rank) in &student.preferences {
            if best_given.is_some_and(|b| rank >= b) || given.contains(&m) {
                continue;
            }
            let Some(mentor_rank) = problem.facts(s, m).mentor_rank_of_student else {
                continue;
            };
            let displaces = if plan.is_full(problem, m) {
                // The holder the mentor likes least; unranked holders first, then by rank.
                let least = plan.seats[m as usize]
                    .iter()
                    .map(|&t| (problem.facts(t, m).mentor_rank_of_student, t))
                    .max_by_key(|&(r, t)| (r.map_or(u32::MAX, |r| r), std::cmp::Reverse(t)));
                match least {
                    Some((r, t)) if r.is_none_or(|r| r > mentor_rank) => Some(t),
                    _ => continue,
                }
            } else {
                None
            };
            if !student.needs().any(|n| check_pair(problem, n, m).is_ok()) {
                continue;
            }
            out.push(BlockingPair {
                student: s,
                mentor: m,
                student_rank: rank,
                student_best_given: best_given,
                mentor_rank,
                displaces,
            });
        }
    }
    out
}

fn assignments(problem: &Problem, pairs: &[(NeedIx, MentorIx)]) -> Vec<Assignment> {
    let mut by_pair: BTreeMap<(StudentIx, MentorIx), Vec<NeedIx>> = BTreeMap::new();
    for &(n, m) in pairs {
        by_pair
            .entry((problem.needs[n as usize].student, m))
            .or_default()
            .push(n);
    }
    by_pair
        .into_iter()
        .map(|((s, m), needs)| {
            let student = &problem.students[s as usize];
            let mentor = &problem.mentors[m as usize];
            let common = student.slots.common(mentor.slots);
            let needs = needs
                .into_iter()
                .filter_map(|n| {
                    let (evidence, common) = check_pair(problem, n, m).ok()?;
                    let components = score::components(problem, n, m, evidence, common);
                    let topics = score::topics(problem, m, evidence);
                    Some(CoveredNeed {
                        need: n,
                        evidence,
                        matched_weak_points: problem.needs[n as usize]
                            .weak_points
                            .iter()
                            .copied()
                            .filter(|w| topics.binary_search(w).is_ok())
                            .collect(),
                        total: components.total(&problem.policy.weights),
                        components,
                    })
                })
                .collect();
            let facts = problem.facts(s, m);
            Assignment {
                student: s,
                mentor: m,
                needs,
                student_rank: student.rank_of(m),
                mentor_rank: facts.mentor_rank_of_student,
                common,
                locked: facts.locked,
                own_class: mentor.heads(student.class),
                shared_traits: student
                    .traits
                    .iter()
                    .copied()
                    .filter(|t| mentor.traits.binary_search(t).is_ok())
                    .collect(),
            }
        })
        .collect()
}

/// Why one need was left without a mentor, with the mentors that came closest (best first).
fn unassigned(
    problem: &Problem,
    index: &QualificationIndex,
    every_pair: &Candidates,
    plan: &Plan,
    status: SolveStatus,
    n: NeedIx,
) -> Unassigned {
    let need = &problem.needs[n as usize];
    if crate::rules::is_referral(&problem.policy.rules, need) {
        return Unassigned {
            need: n,
            reason: UnassignedReason::Referral,
            qualified: Vec::new(),
            qualified_count: 0,
            full: Vec::new(),
            full_count: 0,
        };
    }
    let tiers = Tiers::of(problem, index, every_pair, n);
    let reason = unassigned_reason(problem, plan, status, n, &tiers);
    // Past the candidates, no mentor listed passes every rule (the first empty tier names
    // the reason), so all fit alike and position decides.
    let (mut listed, fits) = match reason {
        UnassignedReason::NotVolunteered => (tiers.qualified, None),
        UnassignedReason::NoCommonSlot => (tiers.volunteers, None),
        UnassignedReason::Forbidden => (tiers.with_slot, None),
        _ => (tiers.candidates, Some(tiers.fits)),
    };
    let qualified_count = listed.len() as u32;
    let full_count = if reason == UnassignedReason::CandidatesFull {
        qualified_count
    } else {
        0
    };
    best_for(&mut listed, |i| fits.as_ref().map_or(0.0, |f| f[i]));
    // Full seats: the mentors listed, each with who holds its seats.
    let full = if reason == UnassignedReason::CandidatesFull {
        listed
            .iter()
            .map(|&m| MentorSeats {
                mentor: m,
                capacity: problem.mentors[m as usize].capacity,
                holders: plan.holders(m),
            })
            .collect()
    } else {
        Vec::new()
    };
    Unassigned {
        need: n,
        reason,
        qualified: listed,
        qualified_count,
        full,
        full_count,
    }
}

/// The mentors relevant to one need, by how far each got through the hard rules (each tier
/// holds the next one): qualified, also volunteering, also sharing a slot, also not forbidden.
/// A need with candidates has only those filled in: the reason and the evidence then come
/// from the candidates alone.
struct Tiers {
    qualified: Vec<MentorIx>,
    volunteers: Vec<MentorIx>,
    with_slot: Vec<MentorIx>,
    candidates: Vec<MentorIx>,
    /// Each candidate's fit (its pair's score), in `candidates`' order: read once here, where
    /// the rules are checked, instead of checking them again to rank the evidence.
    fits: Vec<f64>,
}

impl Tiers {
    /// The tiers of need `n`. A need with a row in `every_pair` has those candidates, at their
    /// scores, and no rule is checked: only the candidates are listed then, whatever the
    /// reason (see [`unassigned_reason`]). A need without one has every relevant mentor
    /// checked, each placed in the tiers it passes. At a dense district stopped at its limit
    /// (30.8 M pairs, 8,500 needs open with ~1,500 candidates each) checking and scoring them
    /// all again took 1.2 s of the answer.
    fn of(
        problem: &Problem,
        index: &QualificationIndex,
        every_pair: &Candidates,
        n: NeedIx,
    ) -> Tiers {
        let row = every_pair.of_need(n);
        if !row.is_empty() {
            return Tiers {
                qualified: Vec::new(),
                volunteers: Vec::new(),
                with_slot: Vec::new(),
                candidates: every_pair.mentors[row.clone()].to_vec(),
                fits: every_pair.scores[row].to_vec(),
            };
        }
        let mut t = Tiers {
            qualified: Vec::new(),
            volunteers: Vec::new(),
            with_slot: Vec::new(),
            candidates: Vec::new(),
            fits: Vec::new(),
        };
        for &m in index.relevant(&problem.needs[n as usize]) {
            match check_pair(problem, n, m) {
                Err(Blocker::NotQualified(_)) => continue,
                Err(Blocker::NotVolunteered) => t.qualified.push(m),
                Err(Blocker::NoCommonSlot { .. }) => {
                    t.qualified.push(m);
                    t.volunteers.push(m);
                }
                Err(Blocker::Forbidden) => {
                    t.qualified.push(m);
                    t.volunteers.push(m);
                    t.with_slot.push(m);
                }
                Ok((evidence, common)) => {
                    t.qualified.push(m);
                    t.volunteers.push(m);
                    t.with_slot.push(m);
                    t.candidates.push(m);
                    let components = score::components(problem, n, m, evidence, common);
                    t.fits.push(components.total(&problem.policy.weights));
                }
            }
        }
        t
    }
}

/// With candidates, the student's mentor limit, full seats or an early stop of the solver;
/// without, the first tier that is empty names the reason (each tier holds the next, so
/// candidates mean none is empty).
fn unassigned_reason(
    problem: &Problem,
    plan: &Plan,
    status: SolveStatus,
    n: NeedIx,
    tiers: &Tiers,
) -> UnassignedReason {
    let s = problem.needs[n as usize].student;
    let candidates = &tiers.candidates;
    if candidates.is_empty() {
        if tiers.qualified.is_empty() {
            UnassignedReason::NoQualifiedMentor
        } else if tiers.volunteers.is_empty() {
            UnassignedReason::NotVolunteered
        } else if tiers.with_slot.is_empty() {
            UnassignedReason::NoCommonSlot
        } else {
            UnassignedReason::Forbidden
        }
    } else if plan.mentors_of[s as usize].len() as u32 >= problem.policy.max_mentors_per_student
        && candidates
            .iter()
            .all(|m| !plan.mentors_of[s as usize].contains(m))
    {
        UnassignedReason::StudentMentorLimit
    } else if candidates.iter().all(|&m| plan.is_full(problem, m)) {
        UnassignedReason::CandidatesFull
    } else {
        // A free candidate seat with an uncovered need only survives when the solver stopped
        // early; a proven-optimal plan would have used it.
        debug_assert!(status != SolveStatus::Optimal);
        UnassignedReason::SolverLimit
    }
}

fn preference_miss(problem: &Problem, plan: &Plan, s: StudentIx) -> Option<PreferenceMiss> {
    let student = &problem.students[s as usize];
    if student.preferences.is_empty() {
        return None;
    }
    let given = &plan.mentors_of[s as usize];
    let best_rank_given = given.iter().filter_map(|&m| student.rank_of(m)).min();
    let first = student.preferences.first().map(|&(_, r)| r);
    if best_rank_given.is_some() && best_rank_given == first {
        return None;
    }
    let higher = student
        .preferences
        .iter()
        .filter(|&&(_, rank)| best_rank_given.is_none_or(|b| rank < b))
        .map(|&(m, rank)| HigherChoice {
            mentor: m,
            rank,
            reason: miss_reason(problem, plan, s, m),
            forced: None,
        })
        .collect();
    Some(PreferenceMiss {
        student: s,
        best_rank_given,
        higher,
    })
}

fn miss_reason(problem: &Problem, plan: &Plan, s: StudentIx, m: MentorIx) -> MissReason {
    let mut failures = Vec::new();
    let mut best: Option<Blocker> = None;
    let mut candidate = false;
    for n in problem.students[s as usize].needs() {
        match check_pair(problem, n, m) {
            Ok(_) => candidate = true,
            Err(Blocker::NotQualified(f)) => failures.push((n, f)),
            Err(b) => {
                if best.is_none_or(|cur| b.progress() > cur.progress()) {
                    best = Some(b);
                }
            }
        }
    }
    if candidate {
        if plan.is_full(problem, m) {
            MissReason::Full(plan.holders(m))
        } else {
            MissReason::BetterOverall
        }
    } else {
        match best {
            Some(Blocker::Forbidden) => MissReason::Forbidden,
            Some(Blocker::NoCommonSlot { common }) => MissReason::NoCommonSlot { common },
            Some(Blocker::NotVolunteered) => MissReason::NotVolunteered,
            _ => MissReason::NotQualified(failures),
        }
    }
}

fn share(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}

fn summary(problem: &Problem, plan: &Plan) -> Summary {
    let mut tracks: Vec<(u32, u32, u32, u32)> = vec![(0, 0, 0, 0); 3];
    for (n, need) in problem.needs.iter().enumerate() {
        let t = &mut tracks[need.track.index()];
        t.0 += 1;
        if let Some(m) = plan.mentor_of_need[n] {
            t.1 += 1;
            let rank = problem.students[need.student as usize].rank_of(m);
            t.2 += u32::from(rank == Some(1));
            t.3 += u32::from(rank.is_some_and(|r| r <= 3));
        }
    }
    let (mut ranked, mut first, mut top3, mut full, mut none) = (0, 0, 0, 0, 0);
    for (s, student) in problem.students.iter().enumerate() {
        let given = &plan.mentors_of[s];
        if given.is_empty() {
            none += 1;
        }
        if student
            .needs()
            .all(|n| plan.mentor_of_need[n as usize].is_some())
        {
            full += 1;
        }
        if !student.preferences.is_empty() && !given.is_empty() {
            ranked += 1;
            let best = given.iter().filter_map(|&m| student.rank_of(m)).min();
            first += u32::from(best == Some(1));
            top3 += u32::from(best.is_some_and(|r| r <= 3));
        }
    }
    let covered = plan.mentor_of_need.iter().filter(|m| m.is_some()).count() as u32;
    let mut histogram = vec![0u32; crate::domain::limits::MAX_CAPACITY as usize + 1];
    let loads: Vec<(MentorIx, u32)> = plan
        .seats
        .iter()
        .enumerate()
        .map(|(m, seats)| (m as MentorIx, seats.len() as u32))
        .collect();
    for &(_, load) in &loads {
        histogram[load as usize] += 1;
    }
    Summary {
        students: problem.students.len() as u32,
        mentors: problem.mentors.len() as u32,
        needs: problem.needs.len() as u32,
        needs_covered: covered,
        coverage: share(covered, problem.needs.len() as u32),
        students_fully_covered: full,
        students_without_mentor: none,
        first_choice_share: share(first, ranked),
        top3_share: share(top3, ranked),
        tracks: Track::ALL
            .iter()
            .map(|&track| {
                let (needs, covered, first, top3) = tracks[track.index()];
                TrackSummary {
                    track,
                    needs,
                    covered,
                    first_choice_share: share(first, covered),
                    top3_share: share(top3, covered),
                }
            })
            .collect(),
        load_histogram: histogram,
        loads,
        why_not_priced: 0,
        why_not_unpriced: 0,
        mentor_side: mentors::mentor_side(problem, &plan.mentor_of_need, &plan.seats),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_school;

    /// The test school, and S1's needs with T1 and S2's need with T2 as the plan.
    fn planned() -> (crate::domain::model::Validated, Vec<(NeedIx, MentorIx)>) {
        let problem = test_school::problem(test_school::json());
        let ids = problem.id_index();
        let (s1, s2) = (ids.student("S1").unwrap(), ids.student("S2").unwrap());
        let (t1, t2) = (ids.mentor("T1").unwrap(), ids.mentor("T2").unwrap());
        let mut pairs: Vec<(NeedIx, MentorIx)> = problem.students[s1 as usize]
            .needs()
            .map(|n| (n, t1))
            .collect();
        pairs.extend(problem.students[s2 as usize].needs().map(|n| (n, t2)));
        (problem, pairs)
    }

    #[test]
    fn a_student_takes_one_seat_whatever_the_needs_the_mentor_covers() {
        let (problem, pairs) = planned();
        let plan = Plan::new(&problem, &pairs);
        assert_eq!(plan.seats[0], vec![0], "S1 once on T1's seats");
        assert!(plan.is_full(&problem, 0), "T1 has one seat");
        let assignments = assignments(&problem, &pairs);
        assert_eq!(assignments.len(), 2, "one assignment per (student, mentor)");
        assert_eq!(
            assignments[0].needs.len(),
            2,
            "both of S1's needs on one pair"
        );
        assert_eq!(assignments[0].student_rank, Some(2));
        assert!(assignments[0].needs.iter().all(|c| c.total > 0.0));
    }

    #[test]
    fn summary_counts_coverage_choices_and_load() {
        let (problem, pairs) = planned();
        let s = summary(&problem, &Plan::new(&problem, &pairs));
        assert_eq!(
            (s.needs, s.needs_covered, s.students_fully_covered),
            (3, 3, 2)
        );
        assert_eq!(s.students_without_mentor, 0);
        // S1 got its second choice, S2 a mentor it did not rank: no first choice, one top three.
        assert_eq!(s.first_choice_share, 0.0);
        assert_eq!(s.top3_share, 0.5);
        assert_eq!(s.load_histogram[1], 2);
        assert_eq!(s.load_histogram[0], 0);
        let academic = &s.tracks[Track::Academic.index()];
        assert_eq!((academic.needs, academic.covered), (3, 3));
        assert!((academic.top3_share - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn a_missed_first_choice_names_who_holds_the_full_mentors_seat() {
        let (problem, pairs) = planned();
        let plan = Plan::new(&problem, &pairs);
        let miss = preference_miss(&problem, &plan, 0).expect("S1 missed T2");
        assert_eq!(miss.best_rank_given, Some(2));
        assert_eq!(miss.higher.len(), 1);
        assert_eq!((miss.higher[0].mentor, miss.higher[0].rank), (1, 1));
        let MissReason::Full(holders) = &miss.higher[0].reason else {
            panic!("T2 is full: {:?}", miss.higher[0].reason);
        };
        assert_eq!(holders.len(), 1);
        assert_eq!(holders[0].student, 1, "S2 holds T2's seat");
        // S2 missed T1, whose seat S1 holds for its high-priority need.
        let miss = preference_miss(&problem, &plan, 1).expect("S2 missed T1");
        let MissReason::Full(holders) = &miss.higher[0].reason else {
            panic!("T1 is full: {:?}", miss.higher[0].reason);
        };
        assert_eq!(holders[0].priority, Priority::High);
        assert_eq!(holders[0].student_rank, Some(2));
    }

    #[test]
    fn a_student_with_the_first_choice_has_no_miss() {
        let (problem, pairs) = planned();
        // Swap: S1's math need to T2 and S2 to T1.
        let swapped: Vec<(NeedIx, MentorIx)> = pairs
            .iter()
            .filter(|&&(n, _)| problem.needs[n as usize].student == 1 || n == 0)
            .map(|&(n, m)| (n, 1 - m))
            .collect();
        let plan = Plan::new(&problem, &swapped);
        assert!(preference_miss(&problem, &plan, 0).is_none());
        assert!(preference_miss(&problem, &plan, 1).is_none());
    }

    /// The ten best by fit, ties by mentor position: what sorting them all and keeping the
    /// first ten gives, on lists with many ties, short and long.
    #[test]
    fn the_best_listed_are_the_first_ten_of_the_full_order() {
        let mut state = 7u64;
        for len in [0, 3, 10, 11, 40, 1500] {
            let mentors: Vec<MentorIx> = (0..len as MentorIx).rev().collect();
            let fits: Vec<f64> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((state >> 33) % 5) as f64
                })
                .collect();
            let mut reference: Vec<(f64, MentorIx)> = mentors
                .iter()
                .enumerate()
                .map(|(i, &m)| (fits[i], m))
                .collect();
            reference.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut expected: Vec<MentorIx> = reference.iter().map(|&(_, m)| m).collect();
            if len > EVIDENCE_LIMIT {
                expected.truncate(EVIDENCE_LIMIT);
            } else {
                expected = mentors.clone();
            }
            let mut listed = mentors.clone();
            best_for(&mut listed, |i| fits[i]);
            assert_eq!(listed, expected, "{len} mentors");
        }
    }

    /// The open needs' evidence read off every feasible pair is the evidence the rules give
    /// when every relevant mentor is checked and scored again (an empty set of pairs). Schools
    /// with more needs than seats, so that many needs stay open, some with more candidates
    /// than are listed.
    #[test]
    fn open_needs_read_off_the_scored_pairs_match_the_rules_checked_again() {
        let mut long_lists = 0;
        let mut reasons = std::collections::BTreeSet::new();
        // A multi-need school, and a flat one (every mentor qualified for every need).
        let schools = [
            crate::generate::generate_with(400, 40, 3, false),
            crate::generate::generate_flat(400, 60, 11),
        ];
        for (i, raw) in schools.into_iter().enumerate() {
            let problem = crate::admit::validate(raw).expect("valid");
            let solved = crate::solver::solve_problem(
                &problem,
                crate::solver::SolveOptions::from_policy(&problem),
            )
            .expect("solves");
            let all = Candidates::of_problem(&problem);
            let none = Candidates::of_pairs(problem.needs.len(), Vec::new());
            let (kept, solution) = (&solved.candidates, &solved.solution);
            let checked = explain(&problem, kept, &none, solution).unassigned;
            assert!(!checked.is_empty(), "school {i} leaves needs open");
            long_lists += checked
                .iter()
                .filter(|u| u.qualified_count as usize > EVIDENCE_LIMIT)
                .count();
            reasons.extend(checked.iter().map(|u| format!("{:?}", u.reason)));
            assert_eq!(explain(&problem, kept, &all, solution).unassigned, checked);
        }
        assert!(
            long_lists > 0,
            "some open need lists only the best of its candidates"
        );
        // Needs with candidates (full) and needs without (a rule stops every mentor).
        assert!(reasons.len() >= 3, "reasons met: {reasons:?}");
    }
}
