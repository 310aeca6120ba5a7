//! The student passes: each student's id and texts, their needs (id, track, subject, risk
//! level, and the priority the solver uses), their ranked mentor choices and their slots, in
//! the order the violations are listed.
//!
//! Imports only the domain; never `rules` or an outer layer.

use std::collections::{HashMap, HashSet};

use super::references::choices;
use super::report::{enum_value, Report};
use super::violation::ViolationCode;
use super::TRACKS;
use crate::domain::limits;
use crate::domain::model::{Interner, MentorIx, Need, Student, StudentIx};
use crate::domain::policy::{risk_priority, Policy};
use crate::domain::raw::{Coded, RawNeed, RawStudent};
use crate::domain::{Priority, RiskLevel, Track};

/// Every student and every need, checked and built, and the index of each student id (the
/// last of a repeated id). Preferences are resolved against `mentor_ix`.
pub(super) fn students<'r>(
    report: &mut Report,
    text: &mut Interner,
    raw: &'r [RawStudent],
    mentor_ix: &HashMap<&str, MentorIx>,
    policy: &Policy,
) -> (Vec<Student>, Vec<Need>, HashMap<&'r str, StudentIx>) {
    let mut ix: HashMap<&str, StudentIx> = HashMap::with_capacity(raw.len());
    let mut students = Vec::with_capacity(raw.len());
    let mut needs = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let p = format!("students[{i}]");
        let fresh = ix.insert(s.id.as_str(), i as StudentIx).is_none();
        report.unique_id(&format!("{p}.id"), &s.id, fresh, "student id", "");
        report.text(&format_args!("{p}.class_id"), &s.class_id);
        if let Some(gender) = &s.gender {
            report.text(&format_args!("{p}.gender"), gender);
        }
        report.texts(&format_args!("{p}.traits"), &s.traits);
        let first_need = needs.len() as u32;
        student_needs(report, text, &p, (i as StudentIx, s), policy, &mut needs);
        let mut preferences = Vec::new();
        if report.list_len(
            &format_args!("{p}.preferences"),
            s.preferences.len(),
            limits::MAX_STUDENT_PREFERENCES,
        ) {
            preferences = choices(report, &p, &s.preferences, mentor_ix, "mentor");
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
    (students, needs, ix)
}

/// A student's needs: at least one, at most [`limits::MAX_NEEDS_PER_STUDENT`], each id once;
/// each built need is pushed onto `needs`.
fn student_needs(
    report: &mut Report,
    text: &mut Interner,
    p: &str,
    (i, s): (StudentIx, &RawStudent),
    policy: &Policy,
    needs: &mut Vec<Need>,
) {
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
    if !report.list_len(
        &format_args!("{p}.needs"),
        s.needs.len(),
        limits::MAX_NEEDS_PER_STUDENT,
    ) {
        return;
    }
    let mut need_ids = HashSet::new();
    for (k, n) in s.needs.iter().enumerate() {
        let np = format!("{p}.needs[{k}]");
        let fresh = need_ids.insert(n.id.as_str());
        report.unique_id(
            &format!("{np}.id"),
            &n.id,
            fresh,
            "need id",
            " for this student",
        );
        let track = need_track(report, &np, n);
        report.text(&format_args!("{np}.subject"), &n.subject);
        report.texts(&format_args!("{np}.weak_points"), &n.weak_points);
        let declared = enum_value(
            report,
            &format_args!("{np}.priority"),
            n.priority,
            "a PRIORITY_* value",
        )
        .unwrap_or(Priority::Normal);
        let risk = need_risk(report, &np, n, track);
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
            student: i,
            track: track.unwrap_or(Track::Academic),
            subject,
            priority,
            weak_points,
            risk,
        });
    }
}

/// The need's track (required), and the subject or domain an academic or talent need names.
fn need_track(report: &mut Report, np: &str, n: &RawNeed) -> Option<Track> {
    let track = match n.track {
        Coded::Unset => {
            report.add(
                format!("{np}.track"),
                ViolationCode::MissingValue,
                format!("track is required; expected one of {TRACKS}"),
            );
            None
        }
        other => enum_value(report, &format_args!("{np}.track"), other, TRACKS),
    };
    if matches!(track, Some(Track::Academic | Track::Talent)) && n.subject.trim().is_empty() {
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
    track
}

/// The need's risk level: psychological needs only (refused elsewhere, without naming the
/// level), `None` off that track.
fn need_risk(report: &mut Report, np: &str, n: &RawNeed, track: Option<Track>) -> RiskLevel {
    // The level is never quoted, not even an invalid one's meaning: only the field.
    let risk = enum_value(
        report,
        &format_args!("{np}.risk_level"),
        n.risk_level,
        "a RISK_LEVEL_* value",
    )
    .unwrap_or_default();
    if risk != RiskLevel::None && matches!(track, Some(Track::Academic | Track::Talent)) {
        report.add(
            format!("{np}.risk_level"),
            ViolationCode::RiskLevelOffTrack,
            "a risk level belongs on a TRACK_PSYCHOLOGICAL need only (SCL-90 \
             screening): remove it from this need or correct the track",
        );
    }
    if track == Some(Track::Psychological) {
        risk
    } else {
        RiskLevel::None
    }
}
