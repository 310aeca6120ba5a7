//! The mentor passes: each mentor's id, capacity, role and grade, tracks, experience (subjects
//! and coaching), texts and slots, in the order the violations are listed. Mentors are read
//! first: students' preferences refer to them.
//!
//! Imports only the domain; never `rules` or an outer layer.

use std::collections::HashMap;

use super::report::{enum_value, Report};
use super::violation::ViolationCode;
use super::TRACKS;
use crate::domain::limits;
use crate::domain::model::{
    CoachingExperience, Counselling, Interner, Mentor, MentorIx, SubjectExperience, Sym,
};
use crate::domain::raw::{Coded, RawMentor};
use crate::domain::{MentorRole, Track};

/// Every mentor, checked and built, and the index of each id (the last of a repeated id).
pub(super) fn mentors<'r>(
    report: &mut Report,
    text: &mut Interner,
    raw: &'r [RawMentor],
) -> (Vec<Mentor>, HashMap<&'r str, MentorIx>) {
    let mut ix: HashMap<&str, MentorIx> = HashMap::with_capacity(raw.len());
    let mut mentors = Vec::with_capacity(raw.len());
    for (i, m) in raw.iter().enumerate() {
        let p = format!("mentors[{i}]");
        let fresh = ix.insert(m.id.as_str(), i as MentorIx).is_none();
        report.unique_id(&format!("{p}.id"), &m.id, fresh, "mentor id", "");
        mentors.push(mentor(report, text, &p, m));
    }
    (mentors, ix)
}

/// One mentor after its id: the checks in order, then the built mentor (its texts interned in
/// the order symbols have always been numbered).
fn mentor(report: &mut Report, text: &mut Interner, p: &str, m: &RawMentor) -> Mentor {
    capacity(report, p, m.capacity);
    let role = role_and_grade(report, p, m);
    let volunteers = tracks(report, p, &m.tracks);
    let subjects = experience(
        report,
        text,
        &format!("{p}.subjects"),
        ("subject", &m.subjects),
        |s| (&s.subject, &s.topics),
        |s, subject, topics| SubjectExperience {
            subject,
            years: s.years,
            topics,
        },
    );
    let coaching = experience(
        report,
        text,
        &format!("{p}.coaching"),
        ("domain", &m.coaching),
        |c| (&c.domain, &c.topics),
        |c, domain, topics| CoachingExperience {
            domain,
            competitions: c.competitions,
            topics,
        },
    );
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
    Mentor {
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
    }
}

fn capacity(report: &mut Report, p: &str, capacity: u32) {
    if !(1..=limits::MAX_CAPACITY).contains(&capacity) {
        report.add(
            format!("{p}.capacity"),
            ViolationCode::CapacityOutOfRange,
            format!(
                "capacity {} is outside 1..={}",
                capacity,
                limits::MAX_CAPACITY
            ),
        );
    }
}

/// The role (unspecified when unset or invalid) and, for a peer student, the grade it needs.
fn role_and_grade(report: &mut Report, p: &str, m: &RawMentor) -> MentorRole {
    let role = enum_value(
        report,
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
    role
}

/// The volunteered tracks, indexed by [`Track::index`]; an empty list volunteers for all.
fn tracks(report: &mut Report, p: &str, tracks: &[Coded<Track>]) -> [bool; 3] {
    let mut volunteers = [false; 3];
    for (t, track) in tracks.iter().enumerate() {
        let tp = format!("{p}.tracks[{t}]");
        match enum_value(report, &tp, *track, TRACKS) {
            Some(track) => volunteers[track.index()] = true,
            None if *track == Coded::Unset => report.add(
                tp,
                ViolationCode::MissingValue,
                format!("TRACK_UNSPECIFIED is not a track; expected one of {TRACKS}"),
            ),
            None => {}
        }
    }
    if tracks.is_empty() {
        volunteers = [true; 3];
    }
    volunteers
}

/// A list of experiences (subjects taught, domains coached) at `list`: each names a `field`
/// that must not be empty and lists topics. `parts` reads an item's name and topics, `build`
/// makes the experience from the item and its interned name and topics.
fn experience<T, E>(
    report: &mut Report,
    text: &mut Interner,
    list: &str,
    (field, items): (&str, &[T]),
    parts: impl Fn(&T) -> (&String, &Vec<String>),
    build: impl Fn(&T, Sym, Vec<Sym>) -> E,
) -> Vec<E> {
    let mut out = Vec::new();
    if !report.list_len(&list, items.len(), limits::MAX_LIST_ITEMS) {
        return out;
    }
    for (k, item) in items.iter().enumerate() {
        let (name, topics) = parts(item);
        let ip = format!("{list}[{k}]");
        if name.trim().is_empty() {
            report.add(
                format!("{ip}.{field}"),
                ViolationCode::MissingValue,
                format!("{field} must not be empty"),
            );
        }
        report.text(&format_args!("{ip}.{field}"), name);
        report.texts(&format_args!("{ip}.topics"), topics);
        let name = text.intern(name);
        let topics = text.intern_set(topics);
        out.push(build(item, name, topics));
    }
    out
}
