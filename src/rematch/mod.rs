//! Mid-year rematch on top of the same model: pairs that do not work are forbidden, ended
//! needs are dropped, working pairs are kept (locked, or worth a change penalty per need they
//! cover), and the result is reported as a diff — kept, moved, new, ended — each with a reason.
//!
//! With no `change_penalty` the penalty defaults to more than any plan's total fit, so among
//! plans with the best coverage the engine changes as few working pairs as it can, and only then
//! looks at fit. `max_changes` bounds the working pairs changed although they could have been
//! kept (forced moves do not count); it is a side constraint, so such a rematch runs on the
//! integer program.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::domain::model::{MentorIx, MinKept, Problem, StudentIx};
use crate::domain::raw::{Coded, RawPair, RawRequest};
use crate::domain::validate::{lock_matching, validate, InvalidRequest, Violation, ViolationCode};
use crate::engine;
use crate::explain::Outcome;
use crate::rules::check_pair;
use crate::solver::{SolveError, SolveOptions};

/// The school's evaluation of a current pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evaluation {
    Working,
    NotWorking,
    Ended,
}

/// How working pairs are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeepMode {
    Lock,
    #[default]
    Penalty,
}

/// A current pair as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct RawCurrentPair {
    pub student_id: String,
    pub mentor_id: String,
    pub need_ids: Vec<String>,
    pub evaluation: Coded<Evaluation>,
}

/// A rematch request as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct RawRematch {
    /// The school as it is now; `None` when the caller sent none (a validation error: a
    /// rematch without the school would end every pair).
    pub request: Option<RawRequest>,
    pub current: Vec<RawCurrentPair>,
    pub keep_mode: Coded<KeepMode>,
    pub change_penalty: Option<f64>,
    pub max_changes: Option<u32>,
}

/// What happened to a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Kept,
    Moved,
    New,
    Ended,
}

/// Why it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeReason {
    Working,
    NotWorking,
    NeedsEnded,
    StudentLeft,
    MentorLeft,
    RuleNoLongerHolds,
    CapacityShrank,
    Coverage,
    BetterFit,
    NewNeed,
}

/// One line of the diff. Ids, not indices: students and mentors may have left.
#[derive(Clone, Debug, PartialEq)]
pub struct PairChange {
    pub kind: ChangeKind,
    pub reason: ChangeReason,
    pub student_id: String,
    pub from_mentor_id: String,
    pub to_mentor_id: String,
    pub need_ids: Vec<String>,
    /// `COVERAGE` and `CAPACITY_SHRANK`: the needs that now hold the old mentor's seats.
    pub forced_by: Vec<SeatNeed>,
    /// `CAPACITY_SHRANK`: the mentor's capacity now and the working pairs it had.
    pub capacity_shrank: Option<CapacityShrank>,
    /// What the sentence for people says (rendered in `crate::explain::changes`).
    pub detail: ChangeDetail,
}

/// The case a change's sentence describes: the reason, refined by what the evaluation said.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ChangeDetail {
    /// Evaluated as ended: the needs the pair covered have ended.
    NeedsEnded,
    /// Evaluated as not working, paired anew.
    NotWorkingPaired,
    /// Evaluated as not working; no other mentor could take the student.
    NotWorkingUnpaired,
    /// A working pair kept.
    Kept,
    /// The student is no longer in the programme.
    StudentLeft,
    /// The mentor left the programme.
    MentorLeft,
    /// The pair no longer meets a hard rule.
    RuleNoLongerHolds,
    /// The mentor's capacity is now below its working pairs.
    CapacityShrank { capacity: u32, before: u32 },
    /// The seat was needed to cover more needs.
    SeatNeeded,
    /// Moving the student let more needs be covered.
    MovedForCoverage,
    /// A better fit outweighed the change penalty.
    BetterFit { penalty: f64 },
    /// A pair that did not exist before.
    NewPair,
}

/// A need holding a seat of a mentor a working pair had to leave: typed evidence, not text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatNeed {
    pub student_id: String,
    pub need_id: String,
    pub priority: crate::domain::Priority,
}

/// Why a working pair could not stay with a mentor whose capacity was cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityShrank {
    pub capacity: u32,
    pub working_pairs_before: u32,
}

/// The rematch result: the full explained plan and the diff against the current pairs.
#[derive(Clone, Debug)]
pub struct RematchOutcome {
    pub problem: Problem,
    pub outcome: Outcome,
    pub changes: Vec<PairChange>,
    pub voluntary_changes: u32,
}

impl RematchOutcome {
    /// Number of changes of a kind.
    pub fn count(&self, kind: ChangeKind) -> u32 {
        self.changes.iter().filter(|c| c.kind == kind).count() as u32
    }
}

/// Why a current pair cannot simply be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Forced {
    StudentLeft,
    MentorLeft,
    RuleNoLongerHolds,
}

struct Current {
    student_id: String,
    mentor_id: String,
    need_ids: Vec<String>,
    evaluation: Evaluation,
}

fn violation(path: String, code: ViolationCode, message: String) -> Violation {
    Violation {
        path,
        code,
        message,
    }
}

/// Checks the rematch-specific fields, then validates and solves the updated school, within
/// the policy's time limit.
pub fn rematch(raw: RawRematch) -> Result<RematchOutcome, RematchError> {
    rematch_within(raw, None, crate::solver::Budget::default(), None)
}

/// As [`rematch`], with the solve's time limit capped (the service passes what is left of the
/// call's deadline).
pub fn rematch_within(
    raw: RawRematch,
    time_cap: Option<std::time::Duration>,
    budget: crate::solver::Budget,
    stop: Option<&'static std::sync::atomic::AtomicBool>,
) -> Result<RematchOutcome, RematchError> {
    rematch_as(raw, time_cap, budget, stop, true)
}

/// As [`rematch_within`]; `shortage_gains` false leaves the gains of single supply changes
/// out of the answer (a what-if scenario: its question is the diff).
pub fn rematch_as(
    mut raw: RawRematch,
    time_cap: Option<std::time::Duration>,
    budget: crate::solver::Budget,
    stop: Option<&'static std::sync::atomic::AtomicBool>,
    shortage_gains: bool,
) -> Result<RematchOutcome, RematchError> {
    let started = std::time::Instant::now();
    let mut violations = Vec::new();
    let Some(request) = raw.request.take() else {
        return Err(RematchError::Invalid(InvalidRequest {
            violations: vec![violation(
                "request".into(),
                ViolationCode::MissingValue,
                "the rematch needs the school as it is now (request)".into(),
            )],
        }));
    };
    let mut current = Vec::with_capacity(raw.current.len());
    let mut seen = HashSet::new();
    for (i, c) in raw.current.iter().enumerate() {
        let p = format!("current_pairs[{i}]");
        for (field, id) in [("student_id", &c.student_id), ("mentor_id", &c.mentor_id)] {
            if id.len() > crate::domain::limits::MAX_ID_LEN {
                violations.push(violation(
                    format!("{p}.{field}"),
                    ViolationCode::TooLong,
                    format!(
                        "id is {} bytes, at most {} allowed",
                        id.len(),
                        crate::domain::limits::MAX_ID_LEN
                    ),
                ));
            }
        }
        if c.student_id.trim().is_empty() {
            violations.push(violation(
                format!("{p}.student_id"),
                ViolationCode::EmptyId,
                "id must not be empty".into(),
            ));
        }
        if c.mentor_id.trim().is_empty() {
            violations.push(violation(
                format!("{p}.mentor_id"),
                ViolationCode::EmptyId,
                "id must not be empty".into(),
            ));
        }
        if !seen.insert((c.student_id.clone(), c.mentor_id.clone())) {
            violations.push(violation(
                p.clone(),
                ViolationCode::DuplicateEntry,
                format!(
                    "pair ({:?}, {:?}) is listed twice",
                    c.student_id, c.mentor_id
                ),
            ));
        }
        let evaluation = match c.evaluation {
            Coded::Set(e) => e,
            Coded::Unset => {
                violations.push(violation(
                    format!("{p}.evaluation"),
                    ViolationCode::MissingValue,
                    "evaluation is required: EVALUATION_WORKING, EVALUATION_NOT_WORKING or EVALUATION_ENDED".into(),
                ));
                continue;
            }
            Coded::Invalid(n) => {
                violations.push(violation(
                    format!("{p}.evaluation"),
                    ViolationCode::InvalidEnum,
                    format!("unknown value {n}"),
                ));
                continue;
            }
        };
        current.push(Current {
            student_id: c.student_id.clone(),
            mentor_id: c.mentor_id.clone(),
            need_ids: c.need_ids.clone(),
            evaluation,
        });
    }
    let keep_mode = match raw.keep_mode {
        Coded::Set(k) => k,
        Coded::Unset => KeepMode::Penalty,
        Coded::Invalid(n) => {
            violations.push(violation(
                "rematch.keep_mode".into(),
                ViolationCode::InvalidEnum,
                format!("unknown value {n}"),
            ));
            KeepMode::Penalty
        }
    };
    if let Some(p) = raw.change_penalty {
        let max = crate::domain::limits::MAX_CHANGE_PENALTY;
        if !p.is_finite() || !(0.0..=max).contains(&p) {
            violations.push(violation(
                "rematch.change_penalty".into(),
                ViolationCode::InvalidWeight,
                format!("penalty {p} must be a finite number in [0, {max}]"),
            ));
        }
    }
    // Need ids of students still present must exist.
    let needs_of: HashMap<&str, HashSet<&str>> = request
        .students
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.needs.iter().map(|n| n.id.as_str()).collect(),
            )
        })
        .collect();
    for (i, c) in raw.current.iter().enumerate() {
        if let Some(ids) = needs_of.get(c.student_id.as_str()) {
            for (k, n) in c.need_ids.iter().enumerate() {
                if !ids.contains(n.as_str()) && c.evaluation != Coded::Set(Evaluation::Ended) {
                    violations.push(violation(
                        format!("current_pairs[{i}].need_ids[{k}]"),
                        ViolationCode::UnknownReference,
                        format!("student {:?} has no need {n:?}", c.student_id),
                    ));
                }
            }
        }
    }
    // The school itself must be valid as sent (paths then match the caller's file).
    let base = validate(request.clone());
    if let Err(e) = &base {
        violations.extend(e.violations.iter().map(|v| Violation {
            path: format!("request.{}", v.path),
            ..v.clone()
        }));
    }
    if !violations.is_empty() {
        return Err(RematchError::Invalid(InvalidRequest { violations }));
    }

    // Drop ended needs (students left without needs leave the programme) and forbid pairs that
    // do not work.
    let mut request = request;
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
    let students_before: HashSet<String> = request.students.iter().map(|s| s.id.clone()).collect();
    request.students.retain(|s| !s.needs.is_empty());
    // Students whose every need ended leave the programme: drop what refers to them.
    let remaining: HashSet<&str> = request.students.iter().map(|s| s.id.as_str()).collect();
    let left: HashSet<String> = students_before
        .iter()
        .filter(|id| !remaining.contains(id.as_str()))
        .cloned()
        .collect();
    drop(remaining);
    if !left.is_empty() {
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
    let mentor_ids: HashSet<&str> = request.mentors.iter().map(|m| m.id.as_str()).collect();
    let student_ids: HashSet<&str> = request.students.iter().map(|s| s.id.as_str()).collect();
    for c in current
        .iter()
        .filter(|c| c.evaluation == Evaluation::NotWorking)
    {
        if student_ids.contains(c.student_id.as_str()) && mentor_ids.contains(c.mentor_id.as_str())
        {
            request.forbidden_pairs.push(RawPair {
                student_id: c.student_id.clone(),
                mentor_id: c.mentor_id.clone(),
            });
        }
    }
    let problem = validate(request.clone()).map_err(RematchError::Invalid)?;

    // Which working pairs can still be kept, and which must move regardless.
    let mut forced: Vec<Option<Forced>> = Vec::with_capacity(current.len());
    let mut keepable: Vec<(usize, StudentIx, MentorIx)> = Vec::new();
    let ids = problem.id_index();
    for (i, c) in current.iter().enumerate() {
        if c.evaluation != Evaluation::Working {
            forced.push(None);
            continue;
        }
        let (Some(s), Some(m)) = (ids.student(&c.student_id), ids.mentor(&c.mentor_id)) else {
            forced.push(Some(if ids.student(&c.student_id).is_none() {
                Forced::StudentLeft
            } else {
                Forced::MentorLeft
            }));
            continue;
        };
        let any_ok = pair_needs(&problem, s, &c.need_ids)
            .into_iter()
            .any(|n| check_pair(&problem, n, m).is_ok());
        if any_ok {
            forced.push(None);
            keepable.push((i, s, m));
        } else {
            forced.push(Some(Forced::RuleNoLongerHolds));
        }
    }

    // Lock mode: lock working pairs within the mentor's (possibly shrunk) capacity, the
    // student's mentor limit, and only while the student's locked mentors can still cover
    // distinct needs (two working pairs for one need cannot both be kept); the rest fall back
    // to the penalty.
    let mut locked_ix: HashSet<usize> = HashSet::new();
    if keep_mode == KeepMode::Lock {
        let mut per_mentor: HashMap<MentorIx, u32> = HashMap::new();
        let mut per_student: HashMap<StudentIx, Vec<MentorIx>> = HashMap::new();
        for &(i, s, m) in &keepable {
            let used = per_mentor.entry(m).or_default();
            let mine = per_student.entry(s).or_default();
            let fits = *used < problem.mentors[m as usize].capacity
                && (mine.len() as u32) < problem.policy.max_mentors_per_student
                && !mine.contains(&m)
                && {
                    mine.push(m);
                    let distinct = lock_matching(&problem, s, mine) == mine.len();
                    mine.pop();
                    distinct
                };
            if fits {
                *used += 1;
                mine.push(m);
                locked_ix.insert(i);
                request.locked_pairs.push(RawPair {
                    student_id: current[i].student_id.clone(),
                    mentor_id: current[i].mentor_id.clone(),
                });
            }
        }
    }
    let mut problem = if locked_ix.is_empty() {
        problem
    } else {
        match validate(request) {
            Ok(p) => p,
            Err(e) => return Err(RematchError::Invalid(e)),
        }
    };

    // Penalty: each kept need of a working pair earns the penalty avoided.
    let weights = &problem.policy.weights;
    let max_pair_score = weights.student_preference
        + weights.mentor_preference
        + weights.specialty
        + weights.time_overlap
        + weights.personality
        + weights.affinity
        + weights.own_class;
    let penalty = raw
        .change_penalty
        .unwrap_or(max_pair_score * problem.needs.len() as f64 + 1.0);
    for &(i, s, m) in &keepable {
        if locked_ix.contains(&i) {
            continue;
        }
        problem.pair_facts.entry((s, m)).or_default().continuity = penalty;
    }
    // Working pairs still possible now, and a largest set of them that fits at once: it gives
    // the bound on changes and, after the solve, how many changes were by choice.
    // A student's kept mentors must cover distinct needs: of two working pairs for one need
    // only the first listed counts as keepable (as lock mode locks only the first), or the
    // bound would ask for more kept pairs than any plan has.
    let mut kept_mentors: HashMap<StudentIx, Vec<MentorIx>> = HashMap::new();
    for &(s, m) in &problem.locked {
        kept_mentors.entry(s).or_default().push(m);
    }
    let keepable_now: Vec<(StudentIx, MentorIx)> = keepable
        .iter()
        .filter(|(i, _, _)| !locked_ix.contains(i))
        .filter(|&&(_, s, m)| {
            let mine = kept_mentors.entry(s).or_default();
            if mine.contains(&m) {
                return false;
            }
            mine.push(m);
            let distinct = lock_matching(&problem, s, mine) == mine.len();
            if !distinct {
                mine.pop();
            }
            distinct
        })
        .map(|&(_, s, m)| (s, m))
        .collect();
    let held = most_keepable_set(&problem, &keepable_now);
    let most_keepable = held.iter().filter(|&&h| h).count() as u32;
    if let Some(max) = raw.max_changes {
        let at_least = most_keepable.saturating_sub(max);
        // The pairs that can all be kept together come first: the solver's fallback plan
        // takes them in this order, so it meets the bound too.
        let (mut pairs, rest): (Vec<_>, Vec<_>) = keepable_now
            .iter()
            .copied()
            .zip(held)
            .partition(|&(_, h)| h);
        pairs.extend(rest);
        let pairs = pairs.into_iter().map(|(p, _)| p).collect();
        problem.min_kept = Some(MinKept { pairs, at_least });
    }

    let mut options = SolveOptions::from_policy(&problem);
    options.budget = budget;
    options.stop = stop;
    options.shortage_gains = shortage_gains;
    if let Some(cap) = time_cap {
        options.time_limit = options.time_limit.min(cap);
    }
    // The limit covers the whole rematch: what its own phases took is not the solver's.
    options.time_limit = options.time_limit.saturating_sub(started.elapsed());
    // Warm: the working pairs that can still be kept, as a feasible plan (the solver starts
    // from it; the continuity bonus is what makes it keep them).
    let wishes: Vec<(crate::domain::model::NeedIx, MentorIx)> = keepable
        .iter()
        .flat_map(|&(i, s, m)| {
            pair_needs(&problem, s, &current[i].need_ids)
                .into_iter()
                .map(move |n| (n, m))
        })
        .collect();
    let warm = crate::solver::verify::feasible_subset(&problem, &wishes);
    let outcome = engine::solve_from(&problem, options, Some(&warm))?;
    let changes = diff(
        &problem,
        &outcome,
        &current,
        &forced,
        &students_before,
        penalty,
        raw.change_penalty.is_some(),
    );
    // Changes by choice: how many fewer keepable pairs were kept than could have been at once.
    let made: HashSet<(StudentIx, MentorIx)> = outcome
        .assignments
        .iter()
        .map(|a| (a.student, a.mentor))
        .collect();
    let kept_now = keepable_now.iter().filter(|p| made.contains(p)).count() as u32;
    let voluntary_changes = most_keepable.saturating_sub(kept_now);
    Ok(RematchOutcome {
        problem,
        outcome,
        changes,
        voluntary_changes,
    })
}

/// A largest set of the given pairs that can all be kept at once, as a flag per pair: a
/// maximum b-matching under mentor capacities and the per-student limit (augmenting paths;
/// rematch lists are small).
fn most_keepable_set(problem: &Problem, pairs: &[(StudentIx, MentorIx)]) -> Vec<bool> {
    let students: Vec<StudentIx> = {
        let mut v: Vec<StudentIx> = pairs.iter().map(|p| p.0).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut load: HashMap<MentorIx, Vec<usize>> = HashMap::new(); // mentor -> pair indices held
    let mut held = vec![false; pairs.len()];
    let k = problem.policy.max_mentors_per_student as usize;
    // Pair indices by student, so a search never scans every pair.
    let mut of_student: HashMap<StudentIx, Vec<usize>> = HashMap::new();
    for (p, &(s, _)) in pairs.iter().enumerate() {
        of_student.entry(s).or_default().push(p);
    }
    fn augment(
        problem: &Problem,
        pairs: &[(StudentIx, MentorIx)],
        of_student: &HashMap<StudentIx, Vec<usize>>,
        p: usize,
        held: &mut [bool],
        load: &mut HashMap<MentorIx, Vec<usize>>,
        seen: &mut HashSet<MentorIx>,
    ) -> bool {
        let m = pairs[p].1;
        if !seen.insert(m) {
            return false;
        }
        let cap = problem.mentors[m as usize].capacity as usize;
        let holders = load.entry(m).or_default().clone();
        if holders.len() < cap {
            load.entry(m).or_default().push(p);
            held[p] = true;
            return true;
        }
        // Try to move one holder to another mentor of the same student.
        for q in holders {
            let s = pairs[q].0;
            for &r in of_student.get(&s).map_or(&[][..], Vec::as_slice) {
                if r != q && !held[r] && augment(problem, pairs, of_student, r, held, load, seen) {
                    held[q] = false;
                    if let Some(list) = load.get_mut(&m) {
                        list.retain(|&x| x != q);
                        list.push(p);
                    }
                    held[p] = true;
                    return true;
                }
            }
        }
        false
    }
    // Mentors a failed search visited cannot lead to a free seat until the matching changes:
    // they stay marked until the next success (Kuhn's usual pruning), so failed searches cost
    // at most one visit per mentor between two successes, not one per pair.
    let mut seen = HashSet::new();
    for s in students {
        let mut taken = 0;
        for &p in of_student.get(&s).map_or(&[][..], Vec::as_slice) {
            if taken < k
                && augment(
                    problem,
                    pairs,
                    &of_student,
                    p,
                    &mut held,
                    &mut load,
                    &mut seen,
                )
            {
                taken += 1;
                seen.clear();
            }
        }
    }
    held
}

/// The needs a current pair covered, as indices (all the student's needs when none are named).
fn pair_needs(problem: &Problem, s: StudentIx, need_ids: &[String]) -> Vec<u32> {
    problem.students[s as usize]
        .needs()
        .filter(|&n| need_ids.is_empty() || need_ids.contains(&problem.needs[n as usize].id))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn diff(
    problem: &Problem,
    outcome: &Outcome,
    current: &[Current],
    forced: &[Option<Forced>],
    students_before: &HashSet<String>,
    penalty: f64,
    explicit_penalty: bool,
) -> Vec<PairChange> {
    let mut now: BTreeMap<StudentIx, Vec<(MentorIx, Vec<String>)>> = BTreeMap::new();
    for a in &outcome.assignments {
        now.entry(a.student).or_default().push((
            a.mentor,
            a.needs
                .iter()
                .map(|c| problem.needs[c.need as usize].id.clone())
                .collect(),
        ));
    }
    // Indexes for the reasons below (each changed pair asks who holds its mentor's seats and
    // how many working pairs the mentor had): built once, not a scan per changed pair.
    let mut at_mentor: Vec<Vec<&crate::explain::Assignment>> =
        vec![Vec::new(); problem.mentors.len()];
    for a in &outcome.assignments {
        at_mentor[a.mentor as usize].push(a);
    }
    let mut working_before: HashMap<&str, u32> = HashMap::new();
    for o in current
        .iter()
        .filter(|o| o.evaluation == Evaluation::Working)
    {
        *working_before.entry(o.mentor_id.as_str()).or_default() += 1;
    }
    let mut matched: HashSet<(StudentIx, MentorIx)> = HashSet::new();
    let mut changes = Vec::new();
    let ids = problem.id_index();
    for (i, c) in current.iter().enumerate() {
        let s = ids.student(&c.student_id);
        let m = ids.mentor(&c.mentor_id);
        let mut change = PairChange {
            kind: ChangeKind::Moved,
            reason: ChangeReason::Working,
            student_id: c.student_id.clone(),
            from_mentor_id: c.mentor_id.clone(),
            to_mentor_id: String::new(),
            need_ids: c.need_ids.clone(),
            forced_by: Vec::new(),
            capacity_shrank: None,
            detail: ChangeDetail::Kept,
        };
        let kept = matches!((s, m), (Some(s), Some(m)) if now.get(&s).is_some_and(|l| l.iter().any(|(mm, _)| *mm == m)));
        if let (Some(s), Some(m)) = (s, m) {
            if kept {
                matched.insert((s, m));
            }
        }
        // Where the student's needs went instead.
        let elsewhere = |s: StudentIx| -> String {
            now.get(&s)
                .map(|l| {
                    l.iter()
                        .filter(|(mm, _)| Some(*mm) != m)
                        .map(|(mm, _)| problem.mentors[*mm as usize].id.clone())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default()
        };
        match c.evaluation {
            Evaluation::Ended => {
                change.kind = ChangeKind::Ended;
                change.reason = if students_before.contains(&c.student_id) && s.is_none() {
                    ChangeReason::StudentLeft
                } else {
                    ChangeReason::NeedsEnded
                };
                change.detail = ChangeDetail::NeedsEnded;
            }
            Evaluation::NotWorking => {
                change.reason = ChangeReason::NotWorking;
                change.to_mentor_id = s.map(elsewhere).unwrap_or_default();
                change.detail = if change.to_mentor_id.is_empty() {
                    ChangeDetail::NotWorkingUnpaired
                } else {
                    ChangeDetail::NotWorkingPaired
                };
            }
            Evaluation::Working if kept => {
                change.kind = ChangeKind::Kept;
                change.to_mentor_id = c.mentor_id.clone();
                change.detail = ChangeDetail::Kept;
            }
            Evaluation::Working => {
                change.to_mentor_id = s.map(elsewhere).unwrap_or_default();
                match forced[i] {
                    Some(Forced::StudentLeft) => {
                        change.kind = ChangeKind::Ended;
                        change.reason = ChangeReason::StudentLeft;
                        change.detail = ChangeDetail::StudentLeft;
                    }
                    Some(Forced::MentorLeft) => {
                        change.reason = ChangeReason::MentorLeft;
                        change.detail = ChangeDetail::MentorLeft;
                    }
                    Some(Forced::RuleNoLongerHolds) => {
                        change.reason = ChangeReason::RuleNoLongerHolds;
                        change.detail = ChangeDetail::RuleNoLongerHolds;
                    }
                    None => {
                        let Some(m) = m else { continue };
                        let mentor = &problem.mentors[m as usize];
                        let holders: Vec<SeatNeed> = at_mentor[m as usize]
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
                            .collect();
                        let seats_taken = at_mentor[m as usize].len() as u32;
                        if seats_taken >= mentor.capacity {
                            let before = working_before
                                .get(c.mentor_id.as_str())
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
                            change.forced_by = holders;
                        } else if explicit_penalty {
                            change.reason = ChangeReason::BetterFit;
                            change.detail = ChangeDetail::BetterFit { penalty };
                        } else {
                            change.reason = ChangeReason::Coverage;
                            change.detail = ChangeDetail::MovedForCoverage;
                            change.forced_by = holders;
                        }
                    }
                }
            }
        }
        changes.push(change);
    }
    // Pairs that did not exist before (and are not the far end of a move).
    let moved_to: HashSet<(String, String)> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Moved)
        .flat_map(|c| {
            c.to_mentor_id
                .split(',')
                .filter(|m| !m.is_empty())
                .map(|m| (c.student_id.clone(), m.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    let before: HashSet<(&str, &str)> = current
        .iter()
        .map(|c| (c.student_id.as_str(), c.mentor_id.as_str()))
        .collect();
    for a in &outcome.assignments {
        let sid = problem.students[a.student as usize].id.as_str();
        let mid = problem.mentors[a.mentor as usize].id.as_str();
        if matched.contains(&(a.student, a.mentor)) || before.contains(&(sid, mid)) {
            continue;
        }
        if moved_to.contains(&(sid.to_string(), mid.to_string())) {
            // Already reported as the "to" side of a move.
            continue;
        }
        changes.push(PairChange {
            kind: ChangeKind::New,
            reason: ChangeReason::NewNeed,
            student_id: sid.to_string(),
            from_mentor_id: String::new(),
            to_mentor_id: mid.to_string(),
            need_ids: a
                .needs
                .iter()
                .map(|c| problem.needs[c.need as usize].id.clone())
                .collect(),
            forced_by: Vec::new(),
            capacity_shrank: None,
            detail: ChangeDetail::NewPair,
        });
    }
    changes
}

/// Rematch failures: invalid input, or the solver.
#[derive(Debug, thiserror::Error)]
pub enum RematchError {
    #[error(transparent)]
    Invalid(#[from] InvalidRequest),
    #[error(transparent)]
    Solve(#[from] SolveError),
}
