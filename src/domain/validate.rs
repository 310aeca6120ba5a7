//! Turns a [`RawRequest`] into a [`Problem`], or into the full list of what is wrong with it.
//! Every problem is collected (up to [`limits::MAX_VIOLATIONS`]), each naming the field path and
//! the offending value, so a coordinator can fix a file in one pass. Nothing here panics on
//! input.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::Duration;

use super::limits;
use super::model::{
    CoachingExperience, Counselling, Interner, Mentor, MentorIx, Need, PairFacts, Problem,
    Student, StudentIx, SubjectExperience,
};
use super::policy::{Policy, Rules, Weights};
use super::raw::{Coded, RawChoice, RawPolicy, RawRequest};
use super::slots::SlotSet;
use super::{MentorRole, Priority, Track};
use crate::explain::text::blocker_sentence;
use crate::rules::{check_pair, Blocker};

/// A stable, machine-readable kind of problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViolationCode {
    EmptyId,
    DuplicateId,
    UnknownReference,
    CapacityOutOfRange,
    MalformedSlot,
    EmptyNeeds,
    InvalidRank,
    DuplicateRank,
    DuplicateChoice,
    MissingValue,
    InvalidEnum,
    InvalidWeight,
    OutOfRange,
    DuplicateEntry,
    LockedAndForbidden,
    LockedBreaksRule,
    LockedOverCapacity,
    TooLarge,
    TooLong,
    TooManyViolations,
}

impl ViolationCode {
    /// The code as it appears in responses, e.g. `unknown_reference`.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationCode::EmptyId => "empty_id",
            ViolationCode::DuplicateId => "duplicate_id",
            ViolationCode::UnknownReference => "unknown_reference",
            ViolationCode::CapacityOutOfRange => "capacity_out_of_range",
            ViolationCode::MalformedSlot => "malformed_slot",
            ViolationCode::EmptyNeeds => "empty_needs",
            ViolationCode::InvalidRank => "invalid_rank",
            ViolationCode::DuplicateRank => "duplicate_rank",
            ViolationCode::DuplicateChoice => "duplicate_choice",
            ViolationCode::MissingValue => "missing_value",
            ViolationCode::InvalidEnum => "invalid_enum",
            ViolationCode::InvalidWeight => "invalid_weight",
            ViolationCode::OutOfRange => "out_of_range",
            ViolationCode::DuplicateEntry => "duplicate_entry",
            ViolationCode::LockedAndForbidden => "locked_and_forbidden",
            ViolationCode::LockedBreaksRule => "locked_breaks_rule",
            ViolationCode::LockedOverCapacity => "locked_over_capacity",
            ViolationCode::TooLarge => "too_large",
            ViolationCode::TooLong => "too_long",
            ViolationCode::TooManyViolations => "too_many_violations",
        }
    }
}

/// One problem with a request: where, what kind, and a sentence naming the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Path in the request, e.g. `students[12].preferences[1].mentor_id`.
    pub path: String,
    pub code: ViolationCode,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A request that cannot be solved as sent, with every problem found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid request: {} problem(s), first: {}", .violations.len(), .violations.first().map(ToString::to_string).unwrap_or_default())]
pub struct InvalidRequest {
    pub violations: Vec<Violation>,
}

/// Collects violations, capping the list so a garbage file cannot produce millions.
#[derive(Default)]
struct Report {
    violations: Vec<Violation>,
    dropped: usize,
}

impl Report {
    fn add(&mut self, path: impl Into<String>, code: ViolationCode, message: impl Into<String>) {
        if self.violations.len() < limits::MAX_VIOLATIONS {
            self.violations.push(Violation {
                path: path.into(),
                code,
                message: message.into(),
            });
        } else {
            self.dropped += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    fn into_error(mut self) -> InvalidRequest {
        if self.dropped > 0 {
            self.violations.push(Violation {
                path: String::new(),
                code: ViolationCode::TooManyViolations,
                message: format!("{} more problem(s) not listed", self.dropped),
            });
        }
        InvalidRequest {
            violations: self.violations,
        }
    }

    fn id(&mut self, path: &str, id: &str) {
        if id.trim().is_empty() {
            self.add(path, ViolationCode::EmptyId, "id must not be empty");
        } else if id.len() > limits::MAX_ID_LEN {
            self.add(
                path,
                ViolationCode::TooLong,
                format!(
                    "id is {} bytes, longer than {}",
                    id.len(),
                    limits::MAX_ID_LEN
                ),
            );
        }
    }

    fn text(&mut self, path: &str, text: &str) {
        if text.len() > limits::MAX_TEXT_LEN {
            self.add(
                path,
                ViolationCode::TooLong,
                format!(
                    "value is {} bytes, longer than {}",
                    text.len(),
                    limits::MAX_TEXT_LEN
                ),
            );
        }
    }

    fn list_len(&mut self, path: &str, len: usize, max: usize) -> bool {
        if len > max {
            self.add(
                path,
                ViolationCode::TooLarge,
                format!("{len} entries, more than the limit of {max}"),
            );
            return false;
        }
        true
    }

    fn texts(&mut self, path: &str, items: &[String]) {
        if self.list_len(path, items.len(), limits::MAX_LIST_ITEMS) {
            for (i, t) in items.iter().enumerate() {
                self.text(&format!("{path}[{i}]"), t);
            }
        }
    }

    fn slots(&mut self, path: &str, items: &[String]) -> SlotSet {
        let mut set = SlotSet::EMPTY;
        if self.list_len(path, items.len(), limits::MAX_SLOTS) {
            for (i, s) in items.iter().enumerate() {
                match SlotSet::parse_one(s) {
                    Ok(bit) => set.insert(bit),
                    Err(e) => self.add(
                        format!("{path}[{i}]"),
                        ViolationCode::MalformedSlot,
                        e.to_string(),
                    ),
                }
            }
        }
        set
    }
}

fn enum_value<T: Copy>(
    report: &mut Report,
    path: &str,
    value: Coded<T>,
    allowed: &str,
) -> Option<T> {
    match value {
        Coded::Set(v) => Some(v),
        Coded::Unset => None,
        Coded::Invalid(n) => {
            report.add(
                path,
                ViolationCode::InvalidEnum,
                format!("unknown value {n}; expected one of {allowed}"),
            );
            None
        }
    }
}

const TRACKS: &str = "TRACK_ACADEMIC, TRACK_PSYCHOLOGICAL, TRACK_TALENT";

/// Validates a request and builds the indexed problem.
pub fn validate(raw: RawRequest) -> Result<Problem, InvalidRequest> {
    let mut report = Report::default();
    let sizes_ok = [
        report.list_len("students", raw.students.len(), limits::MAX_STUDENTS),
        report.list_len("mentors", raw.mentors.len(), limits::MAX_MENTORS),
        report.list_len(
            "locked_pairs",
            raw.locked_pairs.len(),
            limits::MAX_PAIR_ENTRIES,
        ),
        report.list_len(
            "forbidden_pairs",
            raw.forbidden_pairs.len(),
            limits::MAX_PAIR_ENTRIES,
        ),
        report.list_len("affinities", raw.affinities.len(), limits::MAX_PAIR_ENTRIES),
    ];
    if sizes_ok.contains(&false) {
        return Err(report.into_error());
    }

    let policy = validate_policy(&mut report, &raw.policy);
    let mut text = Interner::default();
    // Reserve symbol 0 for "no subject" so psychological needs without a focus share it.
    text.intern("");

    // Mentors first: students' preferences refer to them.
    let mut mentor_ix: HashMap<&str, MentorIx> = HashMap::with_capacity(raw.mentors.len());
    let mut mentors = Vec::with_capacity(raw.mentors.len());
    for (i, m) in raw.mentors.iter().enumerate() {
        let p = format!("mentors[{i}]");
        report.id(&format!("{p}.id"), &m.id);
        if mentor_ix.insert(m.id.as_str(), i as MentorIx).is_some() {
            report.add(
                format!("{p}.id"),
                ViolationCode::DuplicateId,
                format!("mentor id {:?} appears more than once", m.id),
            );
        }
        if !(1..=limits::MAX_CAPACITY).contains(&m.capacity) {
            report.add(
                format!("{p}.capacity"),
                ViolationCode::CapacityOutOfRange,
                format!(
                    "capacity {} is outside 1..={}",
                    m.capacity,
                    limits::MAX_CAPACITY
                ),
            );
        }
        let role = enum_value(
            &mut report,
            &format!("{p}.role"),
            m.role,
            "a MENTOR_ROLE_* value",
        )
        .unwrap_or(MentorRole::Unspecified);
        let mut volunteers = [false; 3];
        for (t, track) in m.tracks.iter().enumerate() {
            let tp = format!("{p}.tracks[{t}]");
            match enum_value(&mut report, &tp, *track, TRACKS) {
                Some(track) => volunteers[track.index()] = true,
                None if *track == Coded::Unset => report.add(
                    tp,
                    ViolationCode::MissingValue,
                    format!("TRACK_UNSPECIFIED is not a track; expected one of {TRACKS}"),
                ),
                None => {}
            }
        }
        if m.tracks.is_empty() {
            volunteers = [true; 3];
        }
        let mut subjects = Vec::new();
        if report.list_len(&format!("{p}.subjects"), m.subjects.len(), limits::MAX_LIST_ITEMS) {
            for (k, s) in m.subjects.iter().enumerate() {
                let sp = format!("{p}.subjects[{k}]");
                if s.subject.trim().is_empty() {
                    report.add(
                        format!("{sp}.subject"),
                        ViolationCode::MissingValue,
                        "subject must not be empty",
                    );
                }
                report.text(&format!("{sp}.subject"), &s.subject);
                report.texts(&format!("{sp}.topics"), &s.topics);
                subjects.push(SubjectExperience {
                    subject: text.intern(&s.subject),
                    years: s.years,
                    topics: text.intern_set(&s.topics),
                });
            }
        }
        let mut coaching = Vec::new();
        if report.list_len(&format!("{p}.coaching"), m.coaching.len(), limits::MAX_LIST_ITEMS) {
            for (k, c) in m.coaching.iter().enumerate() {
                let cp = format!("{p}.coaching[{k}]");
                if c.domain.trim().is_empty() {
                    report.add(
                        format!("{cp}.domain"),
                        ViolationCode::MissingValue,
                        "domain must not be empty",
                    );
                }
                report.text(&format!("{cp}.domain"), &c.domain);
                report.texts(&format!("{cp}.topics"), &c.topics);
                coaching.push(CoachingExperience {
                    domain: text.intern(&c.domain),
                    competitions: c.competitions,
                    topics: text.intern_set(&c.topics),
                });
            }
        }
        report.texts(&format!("{p}.counselling.topics"), &m.counselling.topics);
        report.texts(&format!("{p}.head_of_classes"), &m.head_of_classes);
        report.texts(&format!("{p}.traits"), &m.traits);
        report.list_len(
            &format!("{p}.preferences"),
            m.preferences.len(),
            limits::MAX_MENTOR_PREFERENCES,
        );
        mentors.push(Mentor {
            id: m.id.clone(),
            role,
            subjects,
            counselling: Counselling {
                certificate: m.counselling.certificate,
                trained: m.counselling.trained,
                years: m.counselling.years,
                topics: text.intern_set(&m.counselling.topics),
            },
            coaching,
            volunteers,
            capacity: m.capacity,
            slots: report.slots(&format!("{p}.availability"), &m.availability),
            head_of_classes: text.intern_set(&m.head_of_classes),
            traits: text.intern_set(&m.traits),
        });
    }

    let mut student_ix: HashMap<&str, StudentIx> = HashMap::with_capacity(raw.students.len());
    let mut students = Vec::with_capacity(raw.students.len());
    let mut needs = Vec::new();
    for (i, s) in raw.students.iter().enumerate() {
        let p = format!("students[{i}]");
        report.id(&format!("{p}.id"), &s.id);
        if student_ix.insert(s.id.as_str(), i as StudentIx).is_some() {
            report.add(
                format!("{p}.id"),
                ViolationCode::DuplicateId,
                format!("student id {:?} appears more than once", s.id),
            );
        }
        report.text(&format!("{p}.class_id"), &s.class_id);
        report.texts(&format!("{p}.traits"), &s.traits);
        if s.needs.is_empty() {
            report.add(
                format!("{p}.needs"),
                ViolationCode::EmptyNeeds,
                format!("student {:?} has no needs; list only students in need", s.id),
            );
        }
        let first_need = needs.len() as u32;
        if report.list_len(&format!("{p}.needs"), s.needs.len(), limits::MAX_NEEDS_PER_STUDENT) {
            let mut need_ids = HashSet::new();
            for (k, n) in s.needs.iter().enumerate() {
                let np = format!("{p}.needs[{k}]");
                report.id(&format!("{np}.id"), &n.id);
                if !need_ids.insert(n.id.as_str()) {
                    report.add(
                        format!("{np}.id"),
                        ViolationCode::DuplicateId,
                        format!("need id {:?} appears more than once for this student", n.id),
                    );
                }
                let track = match n.track {
                    Coded::Unset => {
                        report.add(
                            format!("{np}.track"),
                            ViolationCode::MissingValue,
                            format!("track is required; expected one of {TRACKS}"),
                        );
                        None
                    }
                    other => enum_value(&mut report, &format!("{np}.track"), other, TRACKS),
                };
                if matches!(track, Some(Track::Academic | Track::Talent))
                    && n.subject.trim().is_empty()
                {
                    report.add(
                        format!("{np}.subject"),
                        ViolationCode::MissingValue,
                        format!(
                            "a {} need must name its {}",
                            track.map_or("", Track::name),
                            if track == Some(Track::Talent) {
                                "domain"
                            } else {
                                "subject"
                            }
                        ),
                    );
                }
                report.text(&format!("{np}.subject"), &n.subject);
                report.texts(&format!("{np}.weak_points"), &n.weak_points);
                let declared = enum_value(
                    &mut report,
                    &format!("{np}.priority"),
                    n.priority,
                    "a PRIORITY_* value",
                )
                .unwrap_or(Priority::Normal);
                let priority = if s.family_hardship && policy.hardship_raises_priority {
                    declared.raised()
                } else {
                    declared
                };
                let mut weak_points = text.intern_set(&n.weak_points);
                let subject = text.intern(&n.subject);
                if track == Some(Track::Psychological) && subject != 0 {
                    // A psychological focus ("anxiety") is matched like a weak point.
                    weak_points.push(subject);
                    weak_points.sort_unstable();
                    weak_points.dedup();
                }
                needs.push(Need {
                    id: n.id.clone(),
                    student: i as StudentIx,
                    track: track.unwrap_or(Track::Academic),
                    subject,
                    declared_priority: declared,
                    priority,
                    weak_points,
                });
            }
        }
        let mut preferences = Vec::new();
        if report.list_len(
            &format!("{p}.preferences"),
            s.preferences.len(),
            limits::MAX_STUDENT_PREFERENCES,
        ) {
            preferences = choices(&mut report, &p, &s.preferences, &mentor_ix, "mentor");
        }
        students.push(Student {
            id: s.id.clone(),
            grade: s.grade,
            class: text.intern(&s.class_id),
            first_need,
            need_count: needs.len() as u32 - first_need,
            slots: report.slots(&format!("{p}.availability"), &s.availability),
            preferences,
            traits: text.intern_set(&s.traits),
            family_hardship: s.family_hardship,
        });
    }

    let mut pair_facts: HashMap<(StudentIx, MentorIx), PairFacts> = HashMap::new();
    for (i, m) in raw.mentors.iter().enumerate() {
        if m.preferences.len() > limits::MAX_MENTOR_PREFERENCES {
            continue;
        }
        let p = format!("mentors[{i}]");
        for (s, rank) in choices(&mut report, &p, &m.preferences, &student_ix, "student") {
            pair_facts
                .entry((s, i as MentorIx))
                .or_default()
                .mentor_rank_of_student = Some(rank);
        }
    }

    let resolve = |report: &mut Report, path: &str, sid: &str, mid: &str| {
        let s = student_ix.get(sid).copied();
        let m = mentor_ix.get(mid).copied();
        if s.is_none() {
            report.add(
                format!("{path}.student_id"),
                ViolationCode::UnknownReference,
                format!("unknown student {sid:?}"),
            );
        }
        if m.is_none() {
            report.add(
                format!("{path}.mentor_id"),
                ViolationCode::UnknownReference,
                format!("unknown mentor {mid:?}"),
            );
        }
        s.zip(m)
    };
    for (i, pair) in raw.forbidden_pairs.iter().enumerate() {
        let path = format!("forbidden_pairs[{i}]");
        if let Some(key) = resolve(&mut report, &path, &pair.student_id, &pair.mentor_id) {
            pair_facts.entry(key).or_default().forbidden = true;
        }
    }
    let mut locked = Vec::new();
    for (i, pair) in raw.locked_pairs.iter().enumerate() {
        let path = format!("locked_pairs[{i}]");
        if let Some(key) = resolve(&mut report, &path, &pair.student_id, &pair.mentor_id) {
            let facts = pair_facts.entry(key).or_default();
            if facts.forbidden {
                report.add(
                    path,
                    ViolationCode::LockedAndForbidden,
                    format!(
                        "pair ({:?}, {:?}) is both locked and forbidden",
                        pair.student_id, pair.mentor_id
                    ),
                );
            } else if !facts.locked {
                facts.locked = true;
                locked.push((key, i));
            }
        }
    }
    let mut affinity_seen = HashSet::new();
    for (i, a) in raw.affinities.iter().enumerate() {
        let path = format!("affinities[{i}]");
        if !a.score.is_finite() || !(-1.0..=1.0).contains(&a.score) {
            report.add(
                format!("{path}.score"),
                ViolationCode::OutOfRange,
                format!("affinity {} is outside [-1, 1]", a.score),
            );
        }
        if let Some(key) = resolve(&mut report, &path, &a.student_id, &a.mentor_id) {
            if !affinity_seen.insert(key) {
                report.add(
                    path,
                    ViolationCode::DuplicateEntry,
                    format!(
                        "a second affinity for pair ({:?}, {:?})",
                        a.student_id, a.mentor_id
                    ),
                );
            } else if a.score.is_finite() {
                pair_facts.entry(key).or_default().affinity = a.score;
            }
        }
    }

    if !report.is_empty() {
        return Err(report.into_error());
    }

    locked.sort_unstable();
    let lock_paths: Vec<usize> = locked.iter().map(|&(_, i)| i).collect();
    let problem = Problem {
        students,
        mentors,
        needs,
        locked: locked.into_iter().map(|(k, _)| k).collect(),
        pair_facts,
        policy,
        text,
    };
    check_locks(&mut report, &problem, &lock_paths);
    if report.is_empty() {
        Ok(problem)
    } else {
        Err(report.into_error())
    }
}

/// Ranked choices: known ids, ranks ≥ 1, no rank or id twice. Returns (index, rank) sorted by
/// rank.
fn choices(
    report: &mut Report,
    owner: &str,
    items: &[RawChoice],
    ids: &HashMap<&str, u32>,
    kind: &str,
) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(items.len());
    let mut ranks = HashSet::new();
    let mut seen = HashSet::new();
    for (k, c) in items.iter().enumerate() {
        let p = format!("{owner}.preferences[{k}]");
        match ids.get(c.id.as_str()) {
            None => report.add(
                format!("{p}.{kind}_id"),
                ViolationCode::UnknownReference,
                format!("unknown {kind} {:?}", c.id),
            ),
            Some(&ix) => {
                if !seen.insert(ix) {
                    report.add(
                        format!("{p}.{kind}_id"),
                        ViolationCode::DuplicateChoice,
                        format!("{kind} {:?} is ranked more than once", c.id),
                    );
                } else if c.rank >= 1 {
                    out.push((ix, c.rank));
                }
            }
        }
        if c.rank == 0 {
            report.add(
                format!("{p}.rank"),
                ViolationCode::InvalidRank,
                "rank must be 1 or more (1 = first choice)",
            );
        } else if !ranks.insert(c.rank) {
            report.add(
                format!("{p}.rank"),
                ViolationCode::DuplicateRank,
                format!("rank {} is used more than once", c.rank),
            );
        }
    }
    out.sort_by_key(|&(ix, rank)| (rank, ix));
    out
}

fn validate_policy(report: &mut Report, raw: &RawPolicy) -> Policy {
    let defaults = Policy::default();
    let dw = Weights::default();
    let mut weight = |name: &str, value: Option<f64>, default: f64| -> f64 {
        match value {
            None => default,
            Some(v) if v.is_finite() && v >= 0.0 => v,
            Some(v) => {
                report.add(
                    format!("policy.weights.{name}"),
                    ViolationCode::InvalidWeight,
                    format!("weight {v} must be a finite number ≥ 0"),
                );
                default
            }
        }
    };
    let weights = Weights {
        student_preference: weight(
            "student_preference",
            raw.student_preference,
            dw.student_preference,
        ),
        mentor_preference: weight(
            "mentor_preference",
            raw.mentor_preference,
            dw.mentor_preference,
        ),
        specialty: weight("specialty", raw.specialty, dw.specialty),
        time_overlap: weight("time_overlap", raw.time_overlap, dw.time_overlap),
        personality: weight("personality", raw.personality, dw.personality),
        affinity: weight("affinity", raw.affinity, dw.affinity),
        own_class: weight("own_class", raw.own_class, dw.own_class),
    };
    let dr = Rules::default();
    let rules = Rules {
        academic_min_years: raw.academic_min_years.unwrap_or(dr.academic_min_years),
        psychological_requires_certificate: raw
            .psychological_requires_certificate
            .unwrap_or(dr.psychological_requires_certificate),
        talent_min_competitions: raw
            .talent_min_competitions
            .unwrap_or(dr.talent_min_competitions),
    };
    let min_common_slots = raw.min_common_slots.unwrap_or(defaults.min_common_slots);
    if !(1..=84).contains(&min_common_slots) {
        report.add(
            "policy.min_common_slots",
            ViolationCode::OutOfRange,
            format!(
                "{min_common_slots} is outside 1..=84 (a pair must share at least one weekly slot)"
            ),
        );
    }
    let max_mentors = raw
        .max_mentors_per_student
        .unwrap_or(defaults.max_mentors_per_student);
    if !(1..=limits::MAX_NEEDS_PER_STUDENT as u32).contains(&max_mentors) {
        report.add(
            "policy.max_mentors_per_student",
            ViolationCode::OutOfRange,
            format!(
                "{max_mentors} is outside 1..={}",
                limits::MAX_NEEDS_PER_STUDENT
            ),
        );
    }
    let mut time_limit = defaults.time_limit;
    if let Some(t) = raw.time_limit_seconds {
        if t.is_finite() && t > 0.0 && t <= limits::MAX_TIME_LIMIT_SECONDS {
            time_limit = Duration::from_secs_f64(t);
        } else {
            report.add(
                "policy.time_limit_seconds",
                ViolationCode::OutOfRange,
                format!(
                    "{t} is outside (0, {}] seconds",
                    limits::MAX_TIME_LIMIT_SECONDS
                ),
            );
        }
    }
    let relative_gap = match raw.relative_gap {
        None => defaults.relative_gap,
        Some(g) if g.is_finite() && (0.0..1.0).contains(&g) => g,
        Some(g) => {
            report.add(
                "policy.relative_gap",
                ViolationCode::OutOfRange,
                format!("{g} is outside [0, 1)"),
            );
            defaults.relative_gap
        }
    };
    Policy {
        weights,
        rules,
        min_common_slots,
        max_mentors_per_student: max_mentors,
        time_limit,
        relative_gap,
        hardship_raises_priority: raw
            .hardship_raises_priority
            .unwrap_or(defaults.hardship_raises_priority),
    }
}

/// A locked pair must be makeable: the mentor passes every hard rule for at least one of the
/// student's needs, and locks fit within capacities and the per-student limit.
fn check_locks(report: &mut Report, problem: &Problem, lock_paths: &[usize]) {
    let mut per_mentor = vec![0u32; problem.mentors.len()];
    let mut per_student = vec![0u32; problem.students.len()];
    for (&(s, m), &path_ix) in problem.locked.iter().zip(lock_paths) {
        let path = format!("locked_pairs[{path_ix}]");
        let student = &problem.students[s as usize];
        let mentor = &problem.mentors[m as usize];
        let mut best: Option<Blocker> = None;
        let mut ok = false;
        for n in student.needs() {
            match check_pair(problem, n, m) {
                Ok(_) => ok = true,
                Err(b) => {
                    if best.is_none_or(|cur| b.progress() > cur.progress()) {
                        best = Some(b);
                    }
                }
            }
        }
        if !ok {
            let why = best.map_or_else(
                || "the student has no needs".to_string(),
                |b| blocker_sentence(problem, b),
            );
            report.add(
                path,
                ViolationCode::LockedBreaksRule,
                format!(
                    "locked pair ({:?}, {:?}) breaks a hard rule: {why}",
                    student.id, mentor.id
                ),
            );
        }
        per_mentor[m as usize] += 1;
        per_student[s as usize] += 1;
    }
    for (m, &count) in per_mentor.iter().enumerate() {
        let mentor = &problem.mentors[m];
        if count > mentor.capacity {
            report.add(
                format!("mentors[{m}].capacity"),
                ViolationCode::LockedOverCapacity,
                format!(
                    "mentor {:?} has {count} locked students but capacity {}",
                    mentor.id, mentor.capacity
                ),
            );
        }
    }
    for (s, &count) in per_student.iter().enumerate() {
        if count > problem.policy.max_mentors_per_student {
            report.add(
                format!("students[{s}]"),
                ViolationCode::LockedOverCapacity,
                format!(
                    "student {:?} has {count} locked mentors but policy.max_mentors_per_student is {}",
                    problem.students[s].id, problem.policy.max_mentors_per_student
                ),
            );
        }
    }
}
