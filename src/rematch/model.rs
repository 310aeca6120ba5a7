//! The modified model a rematch solves, built in named passes over the checked current pairs:
//! the school without ended needs, students who left or pairs that do not work
//! ([`updated_request`]); which working pairs must move and which can be kept ([`classify`],
//! on the school as sent, with [`Remaining`] saying what is still there); the locks of lock
//! mode ([`lock_working`], [`lock_pairs`]) — all on raw input and the school as sent, so the
//! updated request is validated once, locks included; then, on the model solved, the change
//! penalty on keepable pairs ([`apply_penalty`]), the bound on changes ([`bound_changes`]) and
//! the warm start ([`warm_start`]).
//!
//! Imports the domain (raw input, model, validation's cover matching — fed the hard rules
//! over the needs still open — and admit's lock matching), the rules' pair check, the score's
//! weight sum and the solver's feasible subset (for the warm start); must not import the
//! engine, the plan's types or anything that renders.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::keepable::most_keepable_set;
use super::request::{Current, Evaluation};
use crate::admit::lock_matching;
use crate::domain::model::{MentorIx, MinKept, NeedIx, Problem, StudentIx};
use crate::domain::raw::{RawPair, RawRequest};
use crate::domain::validate::{cover_matching, HardRules};
use crate::rules::check_pair;

/// Why a current pair cannot simply be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Forced {
    StudentLeft,
    MentorLeft,
    RuleNoLongerHolds,
}

/// A working pair that still meets every hard rule: its position in the current pairs, its
/// student and its mentor.
pub(super) type Keepable = (usize, StudentIx, MentorIx);

/// Turns the school as sent into the school the rematch solves: ended needs dropped (students
/// left without needs leave the programme, with everything that referred to them), pairs that
/// do not work forbidden. Returns the ids of every student before the drop.
pub(super) fn updated_request(request: &mut RawRequest, current: &[Current]) -> HashSet<String> {
    drop_ended_needs(request, current);
    let students_before: HashSet<String> = request.students.iter().map(|s| s.id.clone()).collect();
    request.students.retain(|s| !s.needs.is_empty());
    drop_students_left(request, &students_before);
    forbid_not_working(request, current);
    students_before
}

/// Drops the needs of ended pairs (all the student's needs when the pair names none).
fn drop_ended_needs(request: &mut RawRequest, current: &[Current]) {
    let mut ended: HashMap<&str, HashSet<&str>> = HashMap::new();
    for c in current.iter().filter(|c| c.evaluation == Evaluation::Ended) {
        let entry = ended.entry(c.student_id.as_str()).or_default();
        if c.need_ids.is_empty() {
            entry.insert("*");
        }
        entry.extend(c.need_ids.iter().map(String::as_str));
    }
    for s in &mut request.students {
        if let Some(gone) = ended.get(s.id.as_str()) {
            if gone.contains("*") {
                s.needs.clear();
            } else {
                s.needs.retain(|n| !gone.contains(n.id.as_str()));
            }
        }
    }
}

/// Removes what refers to students no longer in the request: mentors' preferences, locked
/// and forbidden pairs, affinities.
fn drop_students_left(request: &mut RawRequest, students_before: &HashSet<String>) {
    let remaining: HashSet<&str> = request.students.iter().map(|s| s.id.as_str()).collect();
    let left: HashSet<String> = students_before
        .iter()
        .filter(|id| !remaining.contains(id.as_str()))
        .cloned()
        .collect();
    if left.is_empty() {
        return;
    }
    for m in &mut request.mentors {
        m.preferences.retain(|c| !left.contains(&c.id));
    }
    request
        .locked_pairs
        .retain(|p| !left.contains(&p.student_id));
    request
        .forbidden_pairs
        .retain(|p| !left.contains(&p.student_id));
    request.affinities.retain(|a| !left.contains(&a.student_id));
}

/// Forbids every pair evaluated as not working whose student and mentor are still present.
fn forbid_not_working(request: &mut RawRequest, current: &[Current]) {
    let mentor_ids: HashSet<&str> = request.mentors.iter().map(|m| m.id.as_str()).collect();
    let student_ids: HashSet<&str> = request.students.iter().map(|s| s.id.as_str()).collect();
    let forbidden: Vec<RawPair> = current
        .iter()
        .filter(|c| c.evaluation == Evaluation::NotWorking)
        .filter(|c| {
            student_ids.contains(c.student_id.as_str()) && mentor_ids.contains(c.mentor_id.as_str())
        })
        .map(|c| RawPair {
            student_id: c.student_id.clone(),
            mentor_id: c.mentor_id.clone(),
        })
        .collect();
    request.forbidden_pairs.extend(forbidden);
}

/// The needs each student still has once ended needs are dropped, by id: read from the
/// updated request, so the passes that run on the school as sent see the updated school.
pub(super) struct Remaining<'a>(HashMap<&'a str, HashSet<&'a str>>);

impl<'a> Remaining<'a> {
    pub(super) fn of(updated: &'a RawRequest) -> Self {
        Remaining(
            updated
                .students
                .iter()
                .map(|s| {
                    (
                        s.id.as_str(),
                        s.needs.iter().map(|n| n.id.as_str()).collect(),
                    )
                })
                .collect(),
        )
    }

    /// Whether the student is still in the programme.
    fn stays(&self, student_id: &str) -> bool {
        self.0.contains_key(student_id)
    }

    /// Whether the student's need is still open.
    fn has(&self, student_id: &str, need_id: &str) -> bool {
        self.0
            .get(student_id)
            .is_some_and(|ids| ids.contains(need_id))
    }

    /// The student's needs in `school` that have not ended.
    fn needs(&self, school: &Problem, s: StudentIx) -> Vec<NeedIx> {
        let student = &school.students[s as usize];
        student
            .needs()
            .filter(|&n| self.has(&student.id, &school.needs[n as usize].id))
            .collect()
    }
}

/// The hard rules as lock mode asks them on the school as sent: a mentor covers a need that
/// has not ended and whose every hard rule it passes.
struct OpenNeeds<'a>(&'a Remaining<'a>);

impl HardRules for OpenNeeds<'_> {
    fn covers(&self, school: &Problem, need: NeedIx, mentor: MentorIx) -> bool {
        let n = &school.needs[need as usize];
        self.0.has(&school.students[n.student as usize].id, &n.id)
            && check_pair(school, need, mentor).is_ok()
    }

    /// Never asked: the matching asks `covers` only (the lock passes of validation, which
    /// quote a refusal, run on the updated request with the school's own rules).
    fn refusal(&self, _: &Problem, _: StudentIx, _: MentorIx) -> Option<String> {
        None
    }
}

/// For each current pair, why it must move whatever the plan (`None`: it need not, or it is
/// not working); and the working pairs that can still be kept, by their indices in `school`
/// (the school as sent; `remaining` says which students and needs are still there).
pub(super) fn classify(
    school: &Problem,
    remaining: &Remaining,
    current: &[Current],
) -> (Vec<Option<Forced>>, Vec<Keepable>) {
    let mut forced: Vec<Option<Forced>> = Vec::with_capacity(current.len());
    let mut keepable: Vec<Keepable> = Vec::new();
    let ids = school.id_index();
    for (i, c) in current.iter().enumerate() {
        if c.evaluation != Evaluation::Working {
            forced.push(None);
            continue;
        }
        let student = ids
            .student(&c.student_id)
            .filter(|_| remaining.stays(&c.student_id));
        let (Some(s), Some(m)) = (student, ids.mentor(&c.mentor_id)) else {
            forced.push(Some(if student.is_none() {
                Forced::StudentLeft
            } else {
                Forced::MentorLeft
            }));
            continue;
        };
        let any_ok = pair_needs(school, &remaining.needs(school, s), &c.need_ids)
            .into_iter()
            .any(|n| check_pair(school, n, m).is_ok());
        if any_ok {
            forced.push(None);
            keepable.push((i, s, m));
        } else {
            forced.push(Some(Forced::RuleNoLongerHolds));
        }
    }
    (forced, keepable)
}

/// Lock mode: chooses the working pairs to lock, within the mentor's (possibly shrunk)
/// capacity, the student's mentor limit, and only while the student's locked mentors can
/// still cover distinct needs that have not ended (two working pairs for one need cannot both
/// be kept); the rest fall back to the penalty. Reads the school as sent (`keepable` indexes
/// it). Returns the positions of the locked pairs in `current`.
pub(super) fn lock_working(
    school: &Problem,
    remaining: &Remaining,
    keepable: &[Keepable],
) -> HashSet<usize> {
    let mut locked_ix: HashSet<usize> = HashSet::new();
    let mut per_mentor: HashMap<MentorIx, u32> = HashMap::new();
    let mut per_student: HashMap<StudentIx, Vec<MentorIx>> = HashMap::new();
    for &(i, s, m) in keepable {
        let used = per_mentor.entry(m).or_default();
        let mine = per_student.entry(s).or_default();
        let fits = *used < school.mentors[m as usize].capacity
            && (mine.len() as u32) < school.policy.max_mentors_per_student
            && !mine.contains(&m)
            && {
                mine.push(m);
                let distinct = cover_matching(school, s, mine, &OpenNeeds(remaining)) == mine.len();
                mine.pop();
                distinct
            };
        if fits {
            *used += 1;
            mine.push(m);
            locked_ix.insert(i);
        }
    }
    locked_ix
}

/// The locks lock mode adds to the updated request, in the order of the current pairs.
pub(super) fn lock_pairs(
    keepable: &[Keepable],
    locked_ix: &HashSet<usize>,
    current: &[Current],
) -> Vec<RawPair> {
    keepable
        .iter()
        .filter(|(i, _, _)| locked_ix.contains(i))
        .map(|&(i, _, _)| RawPair {
            student_id: current[i].student_id.clone(),
            mentor_id: current[i].mentor_id.clone(),
        })
        .collect()
}

/// The keepable pairs with their indices in `problem` (the updated school solved) instead of
/// the school as sent. Every keepable pair's student and mentor are in the updated school.
pub(super) fn reindex(
    problem: &Problem,
    keepable: &[Keepable],
    current: &[Current],
) -> Vec<Keepable> {
    let ids = problem.id_index();
    keepable
        .iter()
        .filter_map(|&(i, _, _)| {
            let c = &current[i];
            Some((i, ids.student(&c.student_id)?, ids.mentor(&c.mentor_id)?))
        })
        .collect()
}

/// Penalty mode (and lock mode's leftovers): each kept need of a keepable, unlocked pair earns
/// the penalty avoided, as the pair's continuity: the penalty sent, else more than any plan's
/// total fit.
pub(super) fn continuity(
    problem: &Problem,
    keepable: &[Keepable],
    locked_ix: &HashSet<usize>,
    change_penalty: Option<f64>,
) -> BTreeMap<(StudentIx, MentorIx), f64> {
    let max_pair_score = crate::score::weight_sum(&problem.policy.weights);
    let penalty = change_penalty.unwrap_or(max_pair_score * problem.needs.len() as f64 + 1.0);
    keepable
        .iter()
        .filter(|(i, _, _)| !locked_ix.contains(i))
        .map(|&(_, s, m)| ((s, m), penalty))
        .collect()
}

/// The working pairs still possible now (keepable and not locked). A student's kept mentors
/// must cover distinct needs: of two working pairs for one need only the first listed counts
/// (as lock mode locks only the first), or the bound would ask for more kept pairs than any
/// plan has.
pub(super) fn keepable_now(
    problem: &Problem,
    keepable: &[Keepable],
    locked_ix: &HashSet<usize>,
) -> Vec<(StudentIx, MentorIx)> {
    let mut kept_mentors: HashMap<StudentIx, Vec<MentorIx>> = HashMap::new();
    for &(s, m) in &problem.locked {
        kept_mentors.entry(s).or_default().push(m);
    }
    keepable
        .iter()
        .filter(|(i, _, _)| !locked_ix.contains(i))
        .filter(|&&(_, s, m)| {
            let mine = kept_mentors.entry(s).or_default();
            if mine.contains(&m) {
                return false;
            }
            mine.push(m);
            let distinct = lock_matching(problem, s, mine) == mine.len();
            if !distinct {
                mine.pop();
            }
            distinct
        })
        .map(|&(_, s, m)| (s, m))
        .collect()
}

/// A largest set of the pairs still possible that fits at once gives the bound on changes:
/// with `max_changes`, at least that many fewer than its size must be kept. Returns the size,
/// and the bound when `max_changes` is given.
pub(super) fn bound_changes(
    problem: &Problem,
    keepable_now: &[(StudentIx, MentorIx)],
    max_changes: Option<u32>,
) -> (u32, Option<MinKept>) {
    let held = most_keepable_set(problem, keepable_now);
    let most_keepable = held.iter().filter(|&&h| h).count() as u32;
    let Some(max) = max_changes else {
        return (most_keepable, None);
    };
    let at_least = most_keepable.saturating_sub(max);
    // The pairs that can all be kept together come first: the solver's fallback plan takes
    // them in this order, so it meets the bound too.
    let (mut pairs, rest): (Vec<_>, Vec<_>) = keepable_now
        .iter()
        .copied()
        .zip(held)
        .partition(|&(_, h)| h);
    pairs.extend(rest);
    let pairs = pairs.into_iter().map(|(p, _)| p).collect();
    (most_keepable, Some(MinKept { pairs, at_least }))
}

/// The working pairs that can still be kept, as a feasible plan the solver starts from (the
/// continuity bonus is what makes it keep them). With a bound on changes, the pairs of its
/// largest set that fits at once (`MinKept::pairs`' order) go first, so the start keeps enough
/// and is a plan the bounded solve may answer with: taken in the request's order, a 10,000-
/// student rematch's start kept too few for `maxChanges: 50`, and the answer at the limit was
/// the residual programme's, 700 high needs short of the pairs as they stood.
pub(super) fn warm_start(
    problem: &Problem,
    keepable: &[Keepable],
    current: &[Current],
    bound: Option<&MinKept>,
) -> Vec<(NeedIx, MentorIx)> {
    let mut order: Vec<Keepable> = keepable.to_vec();
    if let Some(bound) = bound {
        let rank: HashMap<(StudentIx, MentorIx), usize> = bound
            .pairs
            .iter()
            .enumerate()
            .map(|(i, &p)| (p, i))
            .collect();
        // Stable: the request's order among pairs of the same rank (those not in the bound).
        order.sort_by_key(|&(_, s, m)| rank.get(&(s, m)).copied().unwrap_or(usize::MAX));
    }
    let wishes: Vec<(NeedIx, MentorIx)> = order
        .iter()
        .flat_map(|&(i, s, m)| {
            pair_needs(problem, &all_needs(problem, s), &current[i].need_ids)
                .into_iter()
                .map(move |n| (n, m))
        })
        .collect();
    crate::solver::verify::feasible_subset(problem, &wishes)
}

/// The needs among `needs` a current pair covered (all of them when it names none).
fn pair_needs(problem: &Problem, needs: &[NeedIx], need_ids: &[String]) -> Vec<NeedIx> {
    needs
        .iter()
        .copied()
        .filter(|&n| need_ids.is_empty() || need_ids.contains(&problem.needs[n as usize].id))
        .collect()
}

/// Every need of a student.
fn all_needs(problem: &Problem, s: StudentIx) -> Vec<NeedIx> {
    problem.students[s as usize].needs().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::SolveTerms;
    use crate::test_school;

    fn current(s: &str, m: &str, evaluation: Evaluation, needs: &[&str]) -> Current {
        Current {
            student_id: s.into(),
            mentor_id: m.into(),
            need_ids: needs.iter().map(|n| n.to_string()).collect(),
            evaluation,
        }
    }

    #[test]
    fn a_student_whose_needs_all_ended_leaves_with_what_referred_to_them() {
        let mut json = test_school::json();
        json["mentors"][0]["preferences"] = serde_json::json!([{"studentId": "S2", "rank": 1}]);
        json["forbiddenPairs"] = serde_json::json!([{"studentId": "S2", "mentorId": "T2"}]);
        let mut request = test_school::raw(json);
        let before = updated_request(
            &mut request,
            &[
                current("S2", "T1", Evaluation::Ended, &[]),
                current("S1", "T2", Evaluation::NotWorking, &[]),
                current("S1", "T1", Evaluation::Ended, &["N2"]),
            ],
        );
        assert_eq!(before.len(), 2, "both students were there before");
        let ids: Vec<&str> = request.students.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["S1"]);
        let needs: Vec<&str> = request.students[0]
            .needs
            .iter()
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(needs, ["N1"], "S1's ended need dropped, the other kept");
        assert!(request.mentors[0].preferences.is_empty());
        let forbidden: Vec<(&str, &str)> = request
            .forbidden_pairs
            .iter()
            .map(|p| (p.student_id.as_str(), p.mentor_id.as_str()))
            .collect();
        assert_eq!(
            forbidden,
            [("S1", "T2")],
            "S2's pair gone, the failing one forbidden"
        );
    }

    #[test]
    fn working_pairs_are_kept_or_forced_to_move_with_the_reason() {
        let problem = test_school::problem(test_school::json());
        let request = test_school::raw(test_school::json());
        let (forced, keepable) = classify(
            &problem,
            &Remaining::of(&request),
            &[
                current("S1", "T1", Evaluation::Working, &[]),
                current("S2", "T9", Evaluation::Working, &[]),
                current("S9", "T1", Evaluation::Working, &[]),
                current("S1", "T2", Evaluation::Working, &["N2"]),
                current("S2", "T2", Evaluation::NotWorking, &[]),
            ],
        );
        assert_eq!(
            forced,
            [
                None,
                Some(Forced::MentorLeft),
                Some(Forced::StudentLeft),
                Some(Forced::RuleNoLongerHolds),
                None,
            ]
        );
        assert_eq!(keepable, [(0, 0, 0)], "only S1 with T1 can be kept");
    }

    /// The updated test school (ended pairs' needs dropped) and what remains of it.
    fn updated(json: serde_json::Value, ended: &[Current]) -> RawRequest {
        let mut request = test_school::raw(json);
        updated_request(&mut request, ended);
        request
    }

    #[test]
    fn on_the_school_as_sent_ended_needs_and_students_count_as_gone() {
        let school = test_school::problem(test_school::json());
        // S2's only need ended (S2 leaves); S1's math ended, leaving English, which T2 does
        // not teach.
        let request = updated(
            test_school::json(),
            &[
                current("S2", "T9", Evaluation::Ended, &[]),
                current("S1", "T9", Evaluation::Ended, &["N1"]),
            ],
        );
        let (forced, keepable) = classify(
            &school,
            &Remaining::of(&request),
            &[
                current("S2", "T1", Evaluation::Working, &[]),
                current("S1", "T2", Evaluation::Working, &[]),
                current("S1", "T1", Evaluation::Working, &[]),
            ],
        );
        assert_eq!(
            forced,
            [
                Some(Forced::StudentLeft),
                Some(Forced::RuleNoLongerHolds),
                None
            ]
        );
        assert_eq!(keepable, [(2, 0, 0)]);
    }

    #[test]
    fn lock_mode_locks_only_mentors_with_distinct_needs_that_remain() {
        let mut json = test_school::json();
        json["policy"] = serde_json::json!({"maxMentorsPerStudent": 2});
        let school = test_school::problem(json.clone());
        let working = [
            current("S1", "T1", Evaluation::Working, &[]),
            current("S1", "T2", Evaluation::Working, &[]),
        ];
        let keepable = [(0, 0, 0), (1, 0, 1)];
        // With both needs, T1 takes English and T2 math: both locked.
        let all = test_school::raw(json.clone());
        let locked = lock_working(&school, &Remaining::of(&all), &keepable);
        assert_eq!(locked, HashSet::from([0, 1]));
        // English ended: T1 and T2 could only both keep math, so only the first is locked.
        let request = updated(json, &[current("S1", "T9", Evaluation::Ended, &["N2"])]);
        let locked = lock_working(&school, &Remaining::of(&request), &keepable);
        assert_eq!(locked, HashSet::from([0]));
        let pairs = lock_pairs(&keepable, &locked, &working);
        assert_eq!(
            pairs,
            [RawPair {
                student_id: "S1".into(),
                mentor_id: "T1".into()
            }]
        );
    }

    #[test]
    fn keepable_pairs_are_reindexed_by_id_in_the_updated_school() {
        // S1 leaves (both needs ended): S2 is the first student of the updated school.
        let request = updated(
            test_school::json(),
            &[current("S1", "T9", Evaluation::Ended, &[])],
        );
        let problem = crate::admit::validate(request).expect("valid");
        let working = [
            current("S1", "T1", Evaluation::Working, &[]),
            current("S2", "T2", Evaluation::Working, &[]),
        ];
        let school_ix = [(1, 1, 1)];
        assert_eq!(reindex(&problem, &school_ix, &working), [(1, 0, 1)]);
    }

    #[test]
    fn the_default_penalty_outweighs_any_plans_fit_and_locked_pairs_earn_none() {
        let problem = test_school::problem(test_school::json());
        let keepable = [(0, 0, 0), (1, 1, 1)];
        // A plan gives each need at most its best-fitting mentor (fit before any penalty).
        let weights = problem.policy.weights.clone();
        let most_fit: f64 = (0..problem.needs.len() as NeedIx)
            .map(|n| {
                (0..problem.mentors.len() as MentorIx)
                    .filter_map(|m| {
                        let (evidence, common) = check_pair(&problem, n, m).ok()?;
                        let c = crate::score::components(&problem, n, m, evidence, common);
                        Some(c.total(&weights))
                    })
                    .fold(0.0, f64::max)
            })
            .sum();
        let bonus = continuity(&problem, &keepable, &HashSet::from([1]), None);
        let penalty = bonus[&(0, 0)];
        assert!(penalty > most_fit, "{penalty} <= {most_fit}");
        assert!(!bonus.contains_key(&(1, 1)), "a locked pair");
        let bonus = continuity(&problem, &keepable, &HashSet::new(), Some(2.5));
        assert_eq!(bonus[&(1, 1)], 2.5, "the penalty sent");
        let problem = problem.with_terms(SolveTerms {
            continuity: bonus,
            ..SolveTerms::default()
        });
        assert_eq!(problem.continuity(1, 1), 2.5, "read back by the score");
        assert_eq!(problem.continuity(1, 0), 0.0, "not a working pair");
    }

    #[test]
    fn of_two_working_pairs_for_one_need_only_the_first_counts() {
        let mut json = test_school::json();
        json["policy"] = serde_json::json!({"maxMentorsPerStudent": 2});
        let problem = test_school::problem(json);
        // S2 has one need, and working pairs with both T1 and T2.
        let now = keepable_now(&problem, &[(0, 1, 0), (1, 1, 1)], &HashSet::new());
        assert_eq!(now, [(1, 0)]);
    }

    /// With one mentor a student, S1's working pairs with T2 (math) and T1 (English) cannot
    /// both stay, and T2 has one seat for S1's math and S2's. Taken in the request's order the
    /// start keeps S1–T2 alone; the bound's largest set (S1–T1, S2–T2) goes first and is kept
    /// whole, so the start keeps what `maxChanges: 0` asks.
    #[test]
    fn the_warm_start_keeps_what_the_bound_on_changes_asks() {
        let mut json = test_school::json();
        json["policy"] = serde_json::json!({"maxMentorsPerStudent": 1});
        let problem = test_school::problem(json);
        let working = Evaluation::Working;
        let current = [
            current("S1", "T2", working, &["N1"]),
            current("S1", "T1", working, &["N2"]),
            current("S2", "T2", working, &["N1"]),
        ];
        let keepable: Vec<Keepable> = vec![(0, 0, 1), (1, 0, 0), (2, 1, 1)];
        let now = keepable_now(&problem, &keepable, &HashSet::new());
        let (most, bound) = bound_changes(&problem, &now, Some(0));
        assert_eq!(most, 2);
        let kept = |plan: &[(NeedIx, MentorIx)]| {
            let mut seats: Vec<(StudentIx, MentorIx)> = plan
                .iter()
                .map(|&(n, m)| (problem.needs[n as usize].student, m))
                .collect();
            seats.sort_unstable();
            seats.dedup();
            seats
        };
        let unbounded = warm_start(&problem, &keepable, &current, None);
        assert_eq!(kept(&unbounded), [(0, 1)], "the request's order");
        let bounded = warm_start(&problem, &keepable, &current, bound.as_ref());
        assert_eq!(kept(&bounded), [(0, 0), (1, 1)], "the bound's largest set");
    }

    #[test]
    fn the_bound_asks_for_all_but_max_changes_of_the_most_keepable() {
        let problem = test_school::problem(test_school::json());
        let (most, bound) = bound_changes(&problem, &[(0, 0), (1, 1)], Some(1));
        assert_eq!(most, 2);
        let bound = bound.expect("a bound");
        assert_eq!(bound.at_least, 1);
        assert_eq!(bound.pairs, [(0, 0), (1, 1)]);
    }
}
