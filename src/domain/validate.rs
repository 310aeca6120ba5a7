//! Turns a [`RawRequest`] into a [`Problem`], or into the full list of what is wrong with it.
//! Every problem is collected (up to [`limits::MAX_VIOLATIONS`]), each naming the field path and
//! the offending value, so a coordinator can fix a file in one pass. Nothing here panics on
//! input.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::Duration;

use super::limits;
use super::model::{
    CoachingExperience, Counselling, Interner, Mentor, MentorIx, Need, PairFactsMap, Problem,
    Student, StudentIx, SubjectExperience,
};
use super::policy::{
    risk_priority, Policy, RiskCredential, RiskRules, RoleRules, Rules, Weights, WhyNot,
};
use super::raw::{Coded, RawChoice, RawPolicy, RawRequest};
use super::slots::SlotSet;
use super::{clip, MentorRole, Priority, RiskLevel, Track};
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
    ControlCharacter,
    RiskLevelOffTrack,
    /// A `locale` the catalogue has no language for.
    UnknownLocale,
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
            ViolationCode::ControlCharacter => "control_character",
            ViolationCode::RiskLevelOffTrack => "risk_level_off_track",
            ViolationCode::UnknownLocale => "unknown_locale",
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

    /// Ids and texts are printed in reports and on terminals: a newline or an escape code in
    /// one would forge lines or colours there, so they are refused.
    fn printable(&mut self, path: &dyn std::fmt::Display, value: &str) {
        // The value is not quoted: texts are student attributes, which error messages never
        // carry.
        if let Some(at) = value.find(char::is_control) {
            self.add(
                path.to_string(),
                ViolationCode::ControlCharacter,
                format!("contains a control character (newline, tab, escape…) at byte {at}"),
            );
        }
    }

    fn id(&mut self, path: &dyn std::fmt::Display, id: &str) {
        self.printable(path, id);
        if id.trim().is_empty() {
            self.add(
                path.to_string(),
                ViolationCode::EmptyId,
                "id must not be empty",
            );
        } else if id.len() > limits::MAX_ID_LEN {
            self.add(
                path.to_string(),
                ViolationCode::TooLong,
                format!(
                    "id is {} bytes, longer than {}",
                    id.len(),
                    limits::MAX_ID_LEN
                ),
            );
        }
    }

    fn text(&mut self, path: &dyn std::fmt::Display, text: &str) {
        self.printable(path, text);
        if text.len() > limits::MAX_TEXT_LEN {
            self.add(
                path.to_string(),
                ViolationCode::TooLong,
                format!(
                    "value is {} bytes, longer than {}",
                    text.len(),
                    limits::MAX_TEXT_LEN
                ),
            );
        }
    }

    fn list_len(&mut self, path: &dyn std::fmt::Display, len: usize, max: usize) -> bool {
        if len > max {
            self.add(
                path.to_string(),
                ViolationCode::TooLarge,
                format!("{len} entries, more than the limit of {max}"),
            );
            return false;
        }
        true
    }

    fn texts(&mut self, path: &dyn std::fmt::Display, items: &[String]) {
        if self.list_len(path, items.len(), limits::MAX_LIST_ITEMS) {
            for (i, t) in items.iter().enumerate() {
                self.text(&format_args!("{path}[{i}]"), t);
            }
        }
    }

    fn slots(&mut self, path: &dyn std::fmt::Display, items: &[String]) -> SlotSet {
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
    path: &dyn std::fmt::Display,
    value: Coded<T>,
    allowed: &str,
) -> Option<T> {
    match value {
        Coded::Set(v) => Some(v),
        Coded::Unset => None,
        Coded::Invalid(n) => {
            report.add(
                path.to_string(),
                ViolationCode::InvalidEnum,
                format!("unknown value {n}; expected one of {allowed}"),
            );
            None
        }
    }
}

const TRACKS: &str = "TRACK_ACADEMIC, TRACK_PSYCHOLOGICAL, TRACK_TALENT";

/// Largest `policy.rules.peer_min_grade_gap`: twelve school grades.
const MAX_GRADE_GAP: u32 = 12;

/// Validates a request and builds the indexed problem.
pub fn validate(raw: RawRequest) -> Result<Problem, InvalidRequest> {
    let mut report = Report::default();
    let sizes_ok = [
        report.list_len(&"students", raw.students.len(), limits::MAX_STUDENTS),
        report.list_len(&"mentors", raw.mentors.len(), limits::MAX_MENTORS),
        report.list_len(
            &"locked_pairs",
            raw.locked_pairs.len(),
            limits::MAX_PAIR_ENTRIES,
        ),
        report.list_len(
            &"forbidden_pairs",
            raw.forbidden_pairs.len(),
            limits::MAX_PAIR_ENTRIES,
        ),
        report.list_len(
            &"affinities",
            raw.affinities.len(),
            limits::MAX_PAIR_ENTRIES,
        ),
    ];
    if sizes_ok.contains(&false) {
        return Err(report.into_error());
    }

    let mut policy = validate_policy(&mut report, &raw.policy);
    let mut text = Interner::default();
    // Reserve symbol 0 for "no subject" so psychological needs without a focus share it.
    text.intern("");

    // Mentors first: students' preferences refer to them.
    let mut mentor_ix: HashMap<&str, MentorIx> = HashMap::with_capacity(raw.mentors.len());
    let mut mentors = Vec::with_capacity(raw.mentors.len());
    for (i, m) in raw.mentors.iter().enumerate() {
        let p = format!("mentors[{i}]");
        report.id(&format_args!("{p}.id"), &m.id);
        if mentor_ix.insert(m.id.as_str(), i as MentorIx).is_some() {
            report.add(
                format!("{p}.id"),
                ViolationCode::DuplicateId,
                format!("mentor id {:?} appears more than once", clip(&m.id)),
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
            &format_args!("{p}.role"),
            m.role,
            "a MENTOR_ROLE_* value",
        )
        .unwrap_or(MentorRole::Unspecified);
        // The peer rule compares grades, so a peer needs one; other roles' grades are ignored.
        // The grade is never quoted: a peer mentor is a student too.
        if role == MentorRole::PeerStudent {
            match m.grade {
                None => report.add(
                    format!("{p}.grade"),
                    ViolationCode::MissingValue,
                    "a peer student mentor (MENTOR_ROLE_PEER_STUDENT) needs a grade: the peer \
                     rule takes only students of a lower grade",
                ),
                Some(0) => report.add(
                    format!("{p}.grade"),
                    ViolationCode::OutOfRange,
                    "0 is not a school grade; grades start at 1",
                ),
                Some(_) => {}
            }
        }
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
        if report.list_len(
            &format_args!("{p}.subjects"),
            m.subjects.len(),
            limits::MAX_LIST_ITEMS,
        ) {
            for (k, s) in m.subjects.iter().enumerate() {
                let sp = format!("{p}.subjects[{k}]");
                if s.subject.trim().is_empty() {
                    report.add(
                        format!("{sp}.subject"),
                        ViolationCode::MissingValue,
                        "subject must not be empty",
                    );
                }
                report.text(&format_args!("{sp}.subject"), &s.subject);
                report.texts(&format_args!("{sp}.topics"), &s.topics);
                subjects.push(SubjectExperience {
                    subject: text.intern(&s.subject),
                    years: s.years,
                    topics: text.intern_set(&s.topics),
                });
            }
        }
        let mut coaching = Vec::new();
        if report.list_len(
            &format_args!("{p}.coaching"),
            m.coaching.len(),
            limits::MAX_LIST_ITEMS,
        ) {
            for (k, c) in m.coaching.iter().enumerate() {
                let cp = format!("{p}.coaching[{k}]");
                if c.domain.trim().is_empty() {
                    report.add(
                        format!("{cp}.domain"),
                        ViolationCode::MissingValue,
                        "domain must not be empty",
                    );
                }
                report.text(&format_args!("{cp}.domain"), &c.domain);
                report.texts(&format_args!("{cp}.topics"), &c.topics);
                coaching.push(CoachingExperience {
                    domain: text.intern(&c.domain),
                    competitions: c.competitions,
                    topics: text.intern_set(&c.topics),
                });
            }
        }
        report.texts(
            &format_args!("{p}.counselling.topics"),
            &m.counselling.topics,
        );
        report.texts(&format_args!("{p}.head_of_classes"), &m.head_of_classes);
        report.texts(&format_args!("{p}.traits"), &m.traits);
        report.list_len(
            &format_args!("{p}.preferences"),
            m.preferences.len(),
            limits::MAX_MENTOR_PREFERENCES,
        );
        mentors.push(Mentor {
            id: m.id.clone(),
            role,
            grade: m.grade,
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
            slots: report.slots(&format_args!("{p}.availability"), &m.availability),
            head_of_classes: text.intern_set(&m.head_of_classes),
            traits: text.intern_set(&m.traits),
        });
    }

    let mut student_ix: HashMap<&str, StudentIx> = HashMap::with_capacity(raw.students.len());
    let mut students = Vec::with_capacity(raw.students.len());
    let mut needs = Vec::new();
    for (i, s) in raw.students.iter().enumerate() {
        let p = format!("students[{i}]");
        report.id(&format_args!("{p}.id"), &s.id);
        if student_ix.insert(s.id.as_str(), i as StudentIx).is_some() {
            report.add(
                format!("{p}.id"),
                ViolationCode::DuplicateId,
                format!("student id {:?} appears more than once", clip(&s.id)),
            );
        }
        report.text(&format_args!("{p}.class_id"), &s.class_id);
        if let Some(gender) = &s.gender {
            report.text(&format_args!("{p}.gender"), gender);
        }
        report.texts(&format_args!("{p}.traits"), &s.traits);
        if s.needs.is_empty() {
            report.add(
                format!("{p}.needs"),
                ViolationCode::EmptyNeeds,
                format!(
                    "student {:?} has no needs; list only students in need",
                    s.id
                ),
            );
        }
        let first_need = needs.len() as u32;
        if report.list_len(
            &format_args!("{p}.needs"),
            s.needs.len(),
            limits::MAX_NEEDS_PER_STUDENT,
        ) {
            let mut need_ids = HashSet::new();
            for (k, n) in s.needs.iter().enumerate() {
                let np = format!("{p}.needs[{k}]");
                report.id(&format_args!("{np}.id"), &n.id);
                if !need_ids.insert(n.id.as_str()) {
                    report.add(
                        format!("{np}.id"),
                        ViolationCode::DuplicateId,
                        format!(
                            "need id {:?} appears more than once for this student",
                            clip(&n.id)
                        ),
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
                    other => enum_value(&mut report, &format_args!("{np}.track"), other, TRACKS),
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
                report.text(&format_args!("{np}.subject"), &n.subject);
                report.texts(&format_args!("{np}.weak_points"), &n.weak_points);
                let declared = enum_value(
                    &mut report,
                    &format_args!("{np}.priority"),
                    n.priority,
                    "a PRIORITY_* value",
                )
                .unwrap_or(Priority::Normal);
                // The level is never quoted, not even an invalid one's meaning: only the field.
                let risk = enum_value(
                    &mut report,
                    &format_args!("{np}.risk_level"),
                    n.risk_level,
                    "a RISK_LEVEL_* value",
                )
                .unwrap_or_default();
                if risk != RiskLevel::None && matches!(track, Some(Track::Academic | Track::Talent))
                {
                    report.add(
                        format!("{np}.risk_level"),
                        ViolationCode::RiskLevelOffTrack,
                        "a risk level belongs on a TRACK_PSYCHOLOGICAL need only (SCL-90 \
                         screening): remove it from this need or correct the track",
                    );
                }
                let risk = if track == Some(Track::Psychological) {
                    risk
                } else {
                    RiskLevel::None
                };
                let mut priority = declared;
                if s.family_hardship && policy.hardship_raises_priority {
                    priority = priority.raised();
                }
                if policy.risk_raises_priority {
                    priority = risk_priority(risk, priority);
                }
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
                    risk,
                });
            }
        }
        let mut preferences = Vec::new();
        if report.list_len(
            &format_args!("{p}.preferences"),
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
            slots: report.slots(&format_args!("{p}.availability"), &s.availability),
            preferences,
            traits: text.intern_set(&s.traits),
            family_hardship: s.family_hardship,
        });
    }

    let mut pair_facts = PairFactsMap::default();
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
                format!("unknown student {:?}", clip(sid)),
            );
        }
        if m.is_none() {
            report.add(
                format!("{path}.mentor_id"),
                ViolationCode::UnknownReference,
                format!("unknown mentor {:?}", clip(mid)),
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

    if !raw.policy.why_not_students.is_empty() && raw.policy.why_not_costs != Some(false) {
        let mut chosen = Vec::new();
        if report.list_len(
            &"policy.why_not_students",
            raw.policy.why_not_students.len(),
            limits::MAX_STUDENTS,
        ) {
            for (i, id) in raw.policy.why_not_students.iter().enumerate() {
                match student_ix.get(id.as_str()) {
                    Some(&s) => chosen.push(s),
                    None => report.add(
                        format!("policy.why_not_students[{i}]"),
                        ViolationCode::UnknownReference,
                        format!("unknown student {:?}", clip(id)),
                    ),
                }
            }
        }
        chosen.sort_unstable();
        chosen.dedup();
        policy.why_not = WhyNot::Students(chosen);
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
        min_kept: None,
        stable_only: false,
    };
    check_locks(&mut report, &problem, &lock_paths);
    check_level_sizes(&mut report, &problem);
    if report.is_empty() {
        Ok(problem)
    } else {
        Err(report.into_error())
    }
}

/// The exact objective packs the count of covered needs per priority level into a 20-bit
/// signed digit of an `i128` (see `solver/flow.rs`): more needs at one level than it holds
/// would carry into the next digit and break "coverage by priority first". The size limits
/// allow 2.4 M needs, so this is checked here, with the count and the bound in the message.
fn check_level_sizes(report: &mut Report, problem: &Problem) {
    let mut counts = [0usize; 4];
    for n in &problem.needs {
        counts[n.priority as usize] += 1;
    }
    for p in Priority::DESCENDING {
        let count = counts[p as usize];
        if count > limits::MAX_NEEDS_PER_LEVEL {
            report.add(
                "students",
                ViolationCode::TooLarge,
                format!(
                    "{count} needs at priority {} (after family hardship and risk); at most {} per \
                     priority level can be solved exactly: split the request",
                    p.name(),
                    limits::MAX_NEEDS_PER_LEVEL
                ),
            );
        }
    }
}

/// Size of a maximum matching of locked mentors to distinct needs they may cover (Kuhn's
/// augmenting paths; a student has at most a dozen needs).
pub(crate) fn lock_matching(problem: &Problem, s: StudentIx, mentors: &[MentorIx]) -> usize {
    let needs: Vec<u32> = problem.students[s as usize].needs().collect();
    let edges: Vec<Vec<usize>> = mentors
        .iter()
        .map(|&m| {
            (0..needs.len())
                .filter(|&k| check_pair(problem, needs[k], m).is_ok())
                .collect()
        })
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; needs.len()];
    fn augment(
        u: usize,
        edges: &[Vec<usize>],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for &k in &edges[u] {
            if !seen[k] {
                seen[k] = true;
                if owner[k].is_none_or(|v| augment(v, edges, owner, seen)) {
                    owner[k] = Some(u);
                    return true;
                }
            }
        }
        false
    }
    (0..mentors.len())
        .filter(|&u| augment(u, &edges, &mut owner, &mut vec![false; needs.len()]))
        .count()
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
                format!("unknown {kind} {:?}", clip(&c.id)),
            ),
            Some(&ix) => {
                if !seen.insert(ix) {
                    report.add(
                        format!("{p}.{kind}_id"),
                        ViolationCode::DuplicateChoice,
                        format!("{kind} {:?} is ranked more than once", clip(&c.id)),
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
            Some(v) if v.is_finite() && (0.0..=limits::MAX_WEIGHT).contains(&v) => v,
            Some(v) => {
                report.add(
                    format!("policy.weights.{name}"),
                    ViolationCode::InvalidWeight,
                    format!(
                        "weight {v} must be a finite number in [0, {}]",
                        limits::MAX_WEIGHT
                    ),
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
    let mut credential = |name: &str, value, default: RiskCredential| {
        enum_value(
            report,
            &format_args!("policy.rules.{name}"),
            value,
            "a RISK_CREDENTIAL_* value",
        )
        .unwrap_or(default)
    };
    let risk = RiskRules {
        low: credential("low_risk_requires", raw.low_risk_requires, dr.risk.low),
        medium: credential(
            "medium_risk_requires",
            raw.medium_risk_requires,
            dr.risk.medium,
        ),
        high: credential("high_risk_requires", raw.high_risk_requires, dr.risk.high),
        crisis: credential(
            "crisis_risk_requires",
            raw.crisis_risk_requires,
            dr.risk.crisis,
        ),
    };
    let peer_min_grade_gap = raw
        .peer_min_grade_gap
        .unwrap_or(dr.roles.peer_min_grade_gap);
    if peer_min_grade_gap > MAX_GRADE_GAP {
        report.add(
            "policy.rules.peer_min_grade_gap",
            ViolationCode::OutOfRange,
            format!("{peer_min_grade_gap} is outside 0..={MAX_GRADE_GAP}"),
        );
    }
    let rules = Rules {
        academic_min_years: raw.academic_min_years.unwrap_or(dr.academic_min_years),
        psychological_requires_certificate: raw
            .psychological_requires_certificate
            .unwrap_or(dr.psychological_requires_certificate),
        talent_min_competitions: raw
            .talent_min_competitions
            .unwrap_or(dr.talent_min_competitions),
        risk,
        roles: RoleRules {
            peer_min_grade_gap,
            peer_psychological: raw
                .peer_psychological
                .unwrap_or(dr.roles.peer_psychological),
            external_counsellor_any_track: raw
                .external_counsellor_any_track
                .unwrap_or(dr.roles.external_counsellor_any_track),
        },
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
    let load_spread = match raw.load_spread {
        None => defaults.load_spread,
        Some(w) if w.is_finite() && (0.0..=limits::MAX_WEIGHT).contains(&w) => w,
        Some(w) => {
            report.add(
                "policy.load_spread",
                ViolationCode::OutOfRange,
                format!("{w} is outside [0, {}]", limits::MAX_WEIGHT),
            );
            defaults.load_spread
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
        risk_raises_priority: raw
            .risk_raises_priority
            .unwrap_or(defaults.risk_raises_priority),
        // The student list is resolved with the other ids (see `validate`).
        why_not: match raw.why_not_costs {
            Some(false) => WhyNot::Off,
            Some(true) => WhyNot::All,
            None => WhyNot::Auto,
        },
        involve_every_mentor: raw
            .involve_every_mentor
            .unwrap_or(defaults.involve_every_mentor),
        load_spread,
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
    // Each need has one mentor, so a student's locked mentors need distinct needs to cover:
    // a small bipartite matching per student with two or more locks.
    let mut i = 0;
    while i < problem.locked.len() {
        let s = problem.locked[i].0;
        let mut j = i;
        while j < problem.locked.len() && problem.locked[j].0 == s {
            j += 1;
        }
        if j - i >= 2 {
            let mentors: Vec<MentorIx> = problem.locked[i..j].iter().map(|&(_, m)| m).collect();
            let matched = lock_matching(problem, s, &mentors);
            if matched < mentors.len() {
                report.add(
                    format!("students[{s}]"),
                    ViolationCode::LockedOverCapacity,
                    format!(
                        "student {:?} has {} locked mentors but only {matched} of them can cover distinct needs",
                        problem.students[s as usize].id,
                        mentors.len()
                    ),
                );
            }
        }
        i = j;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::raw::{RawAffinity, RawMentor, RawNeed, RawPair, RawStudent, RawSubject};
    use crate::domain::RiskLevel;

    fn student(id: &str) -> RawStudent {
        RawStudent {
            id: id.to_string(),
            grade: 8,
            class_id: "G8-1".to_string(),
            gender: None,
            needs: vec![RawNeed {
                id: "N1".to_string(),
                track: Coded::Set(Track::Academic),
                subject: "math".to_string(),
                priority: Coded::Unset,
                weak_points: vec![],
                risk_level: Coded::Unset,
            }],
            availability: vec!["MON-8".to_string()],
            preferences: vec![],
            traits: vec![],
            family_hardship: false,
        }
    }

    fn mentor(id: &str) -> RawMentor {
        RawMentor {
            id: id.to_string(),
            role: Coded::Set(MentorRole::SubjectTeacher),
            grade: None,
            subjects: vec![RawSubject {
                subject: "Math".to_string(),
                years: 6,
                topics: vec![],
            }],
            counselling: Default::default(),
            coaching: vec![],
            tracks: vec![],
            capacity: 5,
            availability: vec!["MON-8".to_string()],
            preferences: vec![],
            head_of_classes: vec![],
            traits: vec![],
        }
    }

    fn base() -> RawRequest {
        RawRequest {
            students: vec![student("S1"), student("S2")],
            mentors: vec![mentor("T1"), mentor("T2")],
            ..RawRequest::default()
        }
    }

    fn pair(s: &str, m: &str) -> RawPair {
        RawPair {
            student_id: s.to_string(),
            mentor_id: m.to_string(),
        }
    }

    /// Asserts that validation fails with a violation at `path` of kind `code`.
    fn assert_violation(req: RawRequest, path: &str, code: ViolationCode) -> Violation {
        let err = validate(req).expect_err("request should be invalid");
        err.violations
            .iter()
            .find(|v| v.path == path && v.code == code)
            .cloned()
            .unwrap_or_else(|| panic!("no {code:?} at {path}: {:?}", err.violations))
    }

    #[test]
    fn base_request_is_valid_and_subjects_match_case_insensitively() {
        let p = validate(base()).expect("valid");
        assert_eq!(p.students.len(), 2);
        assert_eq!(p.needs.len(), 2);
        assert_eq!(p.mentors[0].subjects[0].subject, p.needs[0].subject);
        assert_eq!(p.policy, Policy::default());
    }

    #[test]
    fn empty_id() {
        let mut r = base();
        r.students[1].id = " ".into();
        assert_violation(r, "students[1].id", ViolationCode::EmptyId);
    }

    #[test]
    fn duplicate_ids() {
        let mut r = base();
        r.mentors[1].id = "T1".into();
        assert_violation(r, "mentors[1].id", ViolationCode::DuplicateId);
        let mut r = base();
        let need = r.students[0].needs[0].clone();
        r.students[0].needs.push(need);
        assert_violation(r, "students[0].needs[1].id", ViolationCode::DuplicateId);
    }

    #[test]
    fn unknown_reference_names_the_value() {
        let mut r = base();
        r.students[1].preferences = vec![
            RawChoice {
                id: "T1".into(),
                rank: 1,
            },
            RawChoice {
                id: "T-99".into(),
                rank: 2,
            },
        ];
        let v = assert_violation(
            r,
            "students[1].preferences[1].mentor_id",
            ViolationCode::UnknownReference,
        );
        assert!(v.message.contains("\"T-99\""), "{}", v.message);
        let mut r = base();
        r.mentors[0].preferences = vec![RawChoice {
            id: "S9".into(),
            rank: 1,
        }];
        assert_violation(
            r,
            "mentors[0].preferences[0].student_id",
            ViolationCode::UnknownReference,
        );
        let mut r = base();
        r.forbidden_pairs = vec![pair("S1", "T7")];
        assert_violation(
            r,
            "forbidden_pairs[0].mentor_id",
            ViolationCode::UnknownReference,
        );
    }

    #[test]
    fn capacity_outside_one_to_five() {
        for cap in [0, 6, 100] {
            let mut r = base();
            r.mentors[0].capacity = cap;
            let v = assert_violation(r, "mentors[0].capacity", ViolationCode::CapacityOutOfRange);
            assert!(v.message.contains(&cap.to_string()));
        }
    }

    #[test]
    fn malformed_slots() {
        let mut r = base();
        r.students[0].availability = vec!["MON-8".into(), "Monday 8".into()];
        assert_violation(
            r,
            "students[0].availability[1]",
            ViolationCode::MalformedSlot,
        );
        let mut r = base();
        r.mentors[1].availability = vec!["FRI-13".into()];
        assert_violation(
            r,
            "mentors[1].availability[0]",
            ViolationCode::MalformedSlot,
        );
    }

    #[test]
    fn empty_needs() {
        let mut r = base();
        r.students[0].needs.clear();
        assert_violation(r, "students[0].needs", ViolationCode::EmptyNeeds);
    }

    #[test]
    fn missing_track_and_subject() {
        let mut r = base();
        r.students[0].needs[0].track = Coded::Unset;
        assert_violation(r, "students[0].needs[0].track", ViolationCode::MissingValue);
        let mut r = base();
        r.students[0].needs[0].subject = String::new();
        assert_violation(
            r,
            "students[0].needs[0].subject",
            ViolationCode::MissingValue,
        );
        let mut r = base();
        r.students[0].needs[0].track = Coded::Invalid(9);
        assert_violation(r, "students[0].needs[0].track", ViolationCode::InvalidEnum);
    }

    #[test]
    fn ranks_duplicate_zero_and_repeated_choices() {
        let mut r = base();
        r.students[0].preferences = vec![
            RawChoice {
                id: "T1".into(),
                rank: 1,
            },
            RawChoice {
                id: "T2".into(),
                rank: 1,
            },
        ];
        assert_violation(
            r,
            "students[0].preferences[1].rank",
            ViolationCode::DuplicateRank,
        );
        let mut r = base();
        r.students[0].preferences = vec![RawChoice {
            id: "T1".into(),
            rank: 0,
        }];
        assert_violation(
            r,
            "students[0].preferences[0].rank",
            ViolationCode::InvalidRank,
        );
        let mut r = base();
        r.students[0].preferences = vec![
            RawChoice {
                id: "T1".into(),
                rank: 1,
            },
            RawChoice {
                id: "T1".into(),
                rank: 2,
            },
        ];
        assert_violation(
            r,
            "students[0].preferences[1].mentor_id",
            ViolationCode::DuplicateChoice,
        );
    }

    #[test]
    fn weights_must_be_finite_and_non_negative() {
        for w in [f64::NAN, f64::INFINITY, -1.0] {
            let mut r = base();
            r.policy.specialty = Some(w);
            assert_violation(r, "policy.weights.specialty", ViolationCode::InvalidWeight);
        }
    }

    #[test]
    fn policy_ranges() {
        let mut r = base();
        r.policy.min_common_slots = Some(0);
        assert_violation(r, "policy.min_common_slots", ViolationCode::OutOfRange);
        let mut r = base();
        r.policy.time_limit_seconds = Some(-3.0);
        assert_violation(r, "policy.time_limit_seconds", ViolationCode::OutOfRange);
        let mut r = base();
        r.policy.relative_gap = Some(1.5);
        assert_violation(r, "policy.relative_gap", ViolationCode::OutOfRange);
        let mut r = base();
        r.policy.max_mentors_per_student = Some(0);
        assert_violation(
            r,
            "policy.max_mentors_per_student",
            ViolationCode::OutOfRange,
        );
    }

    #[test]
    fn affinity_range_and_duplicates() {
        let mut r = base();
        r.affinities = vec![RawAffinity {
            student_id: "S1".into(),
            mentor_id: "T1".into(),
            score: 2.0,
        }];
        assert_violation(r, "affinities[0].score", ViolationCode::OutOfRange);
        let mut r = base();
        let a = RawAffinity {
            student_id: "S1".into(),
            mentor_id: "T1".into(),
            score: 0.5,
        };
        r.affinities = vec![a.clone(), a];
        assert_violation(r, "affinities[1]", ViolationCode::DuplicateEntry);
    }

    #[test]
    fn locked_and_forbidden() {
        let mut r = base();
        r.locked_pairs = vec![pair("S1", "T1")];
        r.forbidden_pairs = vec![pair("S1", "T1")];
        assert_violation(r, "locked_pairs[0]", ViolationCode::LockedAndForbidden);
    }

    #[test]
    fn locked_pair_that_breaks_a_hard_rule_names_the_rule() {
        let mut r = base();
        r.mentors[1].subjects[0].subject = "english".into();
        r.locked_pairs = vec![pair("S1", "T2")];
        let v = assert_violation(r, "locked_pairs[0]", ViolationCode::LockedBreaksRule);
        assert!(v.message.contains("does not teach math"), "{}", v.message);
        let mut r = base();
        r.mentors[1].availability = vec!["TUE-1".into()];
        r.locked_pairs = vec![pair("S1", "T2")];
        let v = assert_violation(r, "locked_pairs[0]", ViolationCode::LockedBreaksRule);
        assert!(v.message.contains("weekly slot"), "{}", v.message);
    }

    #[test]
    fn locks_beyond_capacity_or_needs() {
        let mut r = base();
        r.mentors[0].capacity = 1;
        r.locked_pairs = vec![pair("S1", "T1"), pair("S2", "T1")];
        assert_violation(r, "mentors[0].capacity", ViolationCode::LockedOverCapacity);
        // One need cannot be covered by two locked mentors.
        let mut r = base();
        r.locked_pairs = vec![pair("S1", "T1"), pair("S1", "T2")];
        assert_violation(r, "students[0]", ViolationCode::LockedOverCapacity);
    }

    #[test]
    fn sizes_past_limits() {
        let mut r = base();
        r.students[0].traits = vec!["x".to_string(); limits::MAX_LIST_ITEMS + 1];
        assert_violation(r, "students[0].traits", ViolationCode::TooLarge);
        let mut r = base();
        r.students[0].id = "x".repeat(limits::MAX_ID_LEN + 1);
        assert_violation(r, "students[0].id", ViolationCode::TooLong);
        let mut r = base();
        let s = r.students[0].clone();
        r.students = vec![s; limits::MAX_STUDENTS + 1];
        let err = validate(r).expect_err("too many students");
        assert_eq!(err.violations.len(), 1);
        assert_eq!(err.violations[0].code, ViolationCode::TooLarge);
    }

    #[test]
    fn every_problem_is_collected_not_just_the_first() {
        let mut r = base();
        r.mentors[0].capacity = 0;
        r.students[0].availability = vec!["bad".into()];
        r.students[1].needs.clear();
        r.policy.affinity = Some(-2.0);
        let err = validate(r).expect_err("invalid");
        assert!(err.violations.len() >= 4, "{:?}", err.violations);
    }

    #[test]
    fn garbage_is_capped_with_a_count() {
        let mut r = base();
        r.students[0].availability = vec!["bad".to_string(); limits::MAX_SLOTS];
        r.mentors[0].availability = vec!["bad".to_string(); limits::MAX_SLOTS];
        r.mentors[1].availability = vec!["bad".to_string(); limits::MAX_SLOTS];
        r.students[1].availability = vec!["bad".to_string(); limits::MAX_SLOTS];
        r.students.push(RawStudent {
            id: "S3".into(),
            availability: vec!["bad".to_string(); limits::MAX_SLOTS],
            ..student("S3")
        });
        r.students.push(RawStudent {
            id: "S4".into(),
            availability: vec!["bad".to_string(); limits::MAX_SLOTS],
            ..student("S4")
        });
        r.students.push(RawStudent {
            id: "S5".into(),
            availability: vec!["bad".to_string(); limits::MAX_SLOTS],
            ..student("S5")
        });
        let err = validate(r).expect_err("invalid");
        assert_eq!(err.violations.len(), limits::MAX_VIOLATIONS + 1);
        assert_eq!(
            err.violations.last().map(|v| v.code),
            Some(ViolationCode::TooManyViolations)
        );
    }

    #[test]
    fn hardship_raises_priority_unless_policy_says_no() {
        let mut r = base();
        r.students[0].family_hardship = true;
        let p = validate(r.clone()).expect("valid");
        assert_eq!(p.needs[0].priority, Priority::High);
        assert_eq!(p.needs[0].declared_priority, Priority::Normal);
        r.policy.hardship_raises_priority = Some(false);
        let p = validate(r).expect("valid");
        assert_eq!(p.needs[0].priority, Priority::Normal);
    }

    fn psychological(risk: Coded<RiskLevel>) -> RawNeed {
        RawNeed {
            id: "N1".into(),
            track: Coded::Set(Track::Psychological),
            subject: String::new(),
            priority: Coded::Unset,
            weak_points: vec![],
            risk_level: risk,
        }
    }

    #[test]
    fn a_risk_level_off_the_psychological_track_is_refused_without_naming_it() {
        let levels = [
            RiskLevel::Low,
            RiskLevel::Medium,
            RiskLevel::High,
            RiskLevel::Crisis,
        ];
        let messages: Vec<String> = levels
            .iter()
            .map(|&level| {
                let mut r = base();
                r.students[1].needs[0].risk_level = Coded::Set(level);
                assert_violation(
                    r,
                    "students[1].needs[0].risk_level",
                    ViolationCode::RiskLevelOffTrack,
                )
                .message
            })
            .collect();
        assert!(messages.iter().all(|m| *m == messages[0]), "{messages:?}");
        for word in [
            "low", "medium", "high", "crisis", "LOW", "MEDIUM", "HIGH", "CRISIS",
        ] {
            assert!(!messages[0].contains(word), "{}", messages[0]);
        }
        let mut r = base();
        r.students[0].needs[0] = psychological(Coded::Invalid(9));
        assert_violation(
            r,
            "students[0].needs[0].risk_level",
            ViolationCode::InvalidEnum,
        );
    }

    #[test]
    fn a_peer_mentor_needs_a_grade_and_other_roles_grades_are_ignored() {
        let mut r = base();
        r.mentors[1].role = Coded::Set(MentorRole::PeerStudent);
        let v = assert_violation(r.clone(), "mentors[1].grade", ViolationCode::MissingValue);
        assert!(
            v.message.contains("MENTOR_ROLE_PEER_STUDENT"),
            "{}",
            v.message
        );
        r.mentors[1].grade = Some(0);
        assert_violation(r.clone(), "mentors[1].grade", ViolationCode::OutOfRange);
        r.mentors[1].grade = Some(9);
        assert_eq!(validate(r).expect("valid").mentors[1].grade, Some(9));
        let mut r = base();
        r.mentors[0].grade = Some(0);
        validate(r).expect("a teacher's grade is ignored");
    }

    #[test]
    fn risk_raises_priority_unless_policy_says_no() {
        let cases = [
            (RiskLevel::None, Priority::Normal),
            (RiskLevel::Low, Priority::Normal),
            (RiskLevel::Medium, Priority::High),
            (RiskLevel::High, Priority::Urgent),
            (RiskLevel::Crisis, Priority::Urgent),
        ];
        for (level, expected) in cases {
            let mut r = base();
            r.students[0].needs[0] = psychological(Coded::Set(level));
            if level == RiskLevel::None {
                r.students[0].needs[0].risk_level = Coded::Unset;
            }
            let p = validate(r.clone()).expect("valid");
            assert_eq!(p.needs[0].priority, expected, "{level:?}");
            assert_eq!(p.needs[0].declared_priority, Priority::Normal);
            assert_eq!(p.needs[0].risk, level);
            r.policy.risk_raises_priority = Some(false);
            assert_eq!(
                validate(r).expect("valid").needs[0].priority,
                Priority::Normal
            );
        }
        // Hardship and medium risk each raise one level.
        let mut r = base();
        r.students[0].needs[0] = psychological(Coded::Set(RiskLevel::Medium));
        r.students[0].family_hardship = true;
        assert_eq!(
            validate(r).expect("valid").needs[0].priority,
            Priority::Urgent
        );
    }

    #[test]
    fn risk_and_role_policy_fields_are_checked() {
        let mut r = base();
        r.policy.peer_min_grade_gap = Some(13);
        assert_violation(
            r,
            "policy.rules.peer_min_grade_gap",
            ViolationCode::OutOfRange,
        );
        let mut r = base();
        r.policy.high_risk_requires = Coded::Invalid(7);
        assert_violation(
            r,
            "policy.rules.high_risk_requires",
            ViolationCode::InvalidEnum,
        );
        let mut r = base();
        r.policy.crisis_risk_requires = Coded::Set(RiskCredential::Certificate);
        r.policy.peer_psychological = Some(true);
        let p = validate(r).expect("valid");
        assert_eq!(p.policy.rules.risk.crisis, RiskCredential::Certificate);
        assert!(p.policy.rules.roles.peer_psychological);
        assert_eq!(p.policy.rules.risk.high, RiskCredential::Certificate);
    }

    #[test]
    fn a_lock_broken_by_a_risk_rule_reads_the_same_for_every_level() {
        let messages: Vec<String> = [RiskLevel::High, RiskLevel::Crisis]
            .iter()
            .map(|&level| {
                let mut r = base();
                r.students[0].needs[0] = psychological(Coded::Set(level));
                r.mentors[0].counselling.trained = true;
                r.locked_pairs = vec![pair("S1", "T1")];
                assert_violation(r, "locked_pairs[0]", ViolationCode::LockedBreaksRule).message
            })
            .collect();
        assert_eq!(messages[0], messages[1]);
        assert!(messages[0].contains("risk rules"), "{}", messages[0]);
    }
}
