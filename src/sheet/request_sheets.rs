//! A request as the input sheets (students, needs, mentors, teaching, coaching, preferences,
//! pair rules, policy) in the chosen language: what the template, the plan workbook (the next
//! round's input) and `examples/school.xlsx` hold. Reading them back gives the same request
//! (tested). Imports the layout, the book model and the protobuf types.
//!
//! Must not import the domain, the solver or the explanations: it writes the request's fields
//! as they are.

use std::collections::HashMap;

use super::book::{Out, Sheet};
use super::columns::{Kind, Labels, SheetKind, SETTINGS};
use crate::i18n::Lang;
use crate::proto::pb;

/// Data rows a template's dropdowns cover.
pub const DROPDOWN_ROWS: u32 = 2000;

/// An empty sheet of `kind`: header in `lang`, dropdowns on its enumeration columns.
pub fn empty_sheet(kind: SheetKind, lang: Lang) -> Sheet {
    let columns = kind.columns();
    let mut dropdowns = Vec::new();
    for (c, col) in columns.iter().enumerate() {
        match col.kind {
            Kind::Label(labels) => dropdowns.push((c as u16, labels.labels(lang))),
            Kind::Bool => dropdowns.push((c as u16, Labels::Bool.labels(lang))),
            _ => {}
        }
    }
    Sheet {
        name: kind.name(lang),
        header: columns.iter().map(|c| kind.header(c.key, lang)).collect(),
        dropdowns,
        dropdown_rows: DROPDOWN_ROWS,
        ..Sheet::default()
    }
}

fn list(items: &[String]) -> Out {
    Out::text(items.join(", "))
}

fn yes_no(b: bool, lang: Lang) -> Out {
    Out::text(Labels::Bool.label(i32::from(b), lang))
}

fn label(labels: Labels, value: i32, lang: Lang) -> Out {
    Out::text(labels.label(value, lang))
}

/// The input sheets of `request`.
pub fn request_sheets(request: &pb::SolveRequest, lang: Lang) -> Vec<Sheet> {
    let [students, needs] = student_sheets(request, lang);
    let [mentors, teaching, coaching] = mentor_sheets(request, lang);
    vec![
        students,
        needs,
        mentors,
        teaching,
        coaching,
        preferences_sheet(request, lang),
        pair_rules_sheet(request, lang),
        policy_sheet(request.policy.as_ref(), None, lang),
    ]
}

/// The students sheet and the needs sheet (a student's needs follow its row's order).
fn student_sheets(request: &pb::SolveRequest, lang: Lang) -> [Sheet; 2] {
    let mut students = empty_sheet(SheetKind::Students, lang);
    let mut needs = empty_sheet(SheetKind::Needs, lang);
    for s in &request.students {
        students.rows.push(vec![
            Out::text(&s.id),
            if s.grade == 0 {
                Out::Empty
            } else {
                s.grade.into()
            },
            Out::text(&s.class_id),
            Out::text(s.gender.clone().unwrap_or_default()),
            yes_no(s.family_hardship, lang),
            list(&s.availability),
            list(&s.traits),
        ]);
        for n in &s.needs {
            needs.rows.push(vec![
                Out::text(&s.id),
                Out::text(&n.id),
                label(Labels::Track, n.track, lang),
                Out::text(&n.subject),
                label(Labels::Priority, n.priority, lang),
                list(&n.weak_points),
                label(Labels::Risk, n.risk_level, lang),
            ]);
        }
    }
    [students, needs]
}

/// The mentors sheet and their teaching and coaching experience, one row each.
fn mentor_sheets(request: &pb::SolveRequest, lang: Lang) -> [Sheet; 3] {
    let mut mentors = empty_sheet(SheetKind::Mentors, lang);
    let mut teaching = empty_sheet(SheetKind::Teaching, lang);
    let mut coaching = empty_sheet(SheetKind::Coaching, lang);
    for m in &request.mentors {
        mentors.rows.push(mentor_row(m, lang));
        for s in &m.subjects {
            teaching
                .rows
                .push(experience_row(&m.id, &s.subject, s.years, &s.topics));
        }
        for c in &m.coaching {
            coaching
                .rows
                .push(experience_row(&m.id, &c.domain, c.competitions, &c.topics));
        }
    }
    [mentors, teaching, coaching]
}

/// A row of the teaching or coaching sheet: the mentor, the subject or domain, the years or
/// competitions, the topics.
fn experience_row(mentor_id: &str, name: &str, amount: u32, topics: &[String]) -> Vec<Out> {
    vec![
        Out::text(mentor_id),
        Out::text(name),
        amount.into(),
        list(topics),
    ]
}

/// One mentor's row of the mentors sheet (counselling columns empty without counselling).
fn mentor_row(m: &pb::Mentor, lang: Lang) -> Vec<Out> {
    let tracks: Vec<String> = m
        .tracks
        .iter()
        .map(|&t| Labels::Track.label(t, lang))
        .collect();
    let mut row = vec![
        Out::text(&m.id),
        label(Labels::Role, m.role, lang),
        m.grade.map_or(Out::Empty, Out::from),
        m.capacity.into(),
        list(&tracks),
        list(&m.availability),
        list(&m.head_of_classes),
        list(&m.traits),
    ];
    match &m.counselling {
        Some(c) => row.extend([
            yes_no(c.certificate, lang),
            yes_no(c.trained, lang),
            c.years.into(),
            list(&c.topics),
        ]),
        None => row.extend([Out::Empty, Out::Empty, Out::Empty, Out::Empty]),
    }
    row
}

/// The preferences sheet: the students' choices, then the mentors' (a mentor's rank goes on
/// the student's row for the same pair when it has none yet).
fn preferences_sheet(request: &pb::SolveRequest, lang: Lang) -> Sheet {
    let mut preferences = empty_sheet(SheetKind::Preferences, lang);
    let mut row_of: HashMap<(String, String), usize> = HashMap::new();
    for s in &request.students {
        for c in &s.preferences {
            row_of.insert((s.id.clone(), c.mentor_id.clone()), preferences.rows.len());
            preferences.rows.push(vec![
                Out::text(&s.id),
                Out::text(&c.mentor_id),
                c.rank.into(),
                Out::Empty,
            ]);
        }
    }
    for m in &request.mentors {
        for c in &m.preferences {
            match row_of.get(&(c.student_id.clone(), m.id.clone())) {
                Some(&r) if preferences.rows[r][3] == Out::Empty => {
                    preferences.rows[r][3] = c.rank.into();
                }
                _ => preferences.rows.push(vec![
                    Out::text(&c.student_id),
                    Out::text(&m.id),
                    Out::Empty,
                    c.rank.into(),
                ]),
            }
        }
    }
    preferences
}

/// The pair rules sheet: locked pairs, forbidden pairs, then affinities with their score.
fn pair_rules_sheet(request: &pb::SolveRequest, lang: Lang) -> Sheet {
    let mut rules = empty_sheet(SheetKind::PairRules, lang);
    for (pairs, rule) in [(&request.locked_pairs, 1), (&request.forbidden_pairs, 2)] {
        for p in pairs {
            rules.rows.push(vec![
                Out::text(&p.student_id),
                Out::text(&p.mentor_id),
                label(Labels::Rule, rule, lang),
                Out::Empty,
            ]);
        }
    }
    for a in &request.affinities {
        rules.rows.push(vec![
            Out::text(&a.student_id),
            Out::text(&a.mentor_id),
            label(Labels::Rule, 3, lang),
            Out::Number(a.score),
        ]);
    }
    rules
}

/// The policy sheet: every setting, one a row, with its value (empty = the default).
pub fn policy_sheet(
    policy: Option<&pb::Policy>,
    rematch: Option<&pb::RematchPolicy>,
    lang: Lang,
) -> Sheet {
    let mut sheet = empty_sheet(SheetKind::Policy, lang);
    let default_policy = pb::Policy::default();
    let p = policy.unwrap_or(&default_policy);
    let w = p.weights.unwrap_or_default();
    let r = p.rules.unwrap_or_default();
    let default_rematch = pb::RematchPolicy::default();
    let rm = rematch.unwrap_or(&default_rematch);
    let num = |v: Option<f64>| v.map_or(Out::Empty, Out::Number);
    let whole = |v: Option<u32>| v.map_or(Out::Empty, Out::from);
    let flag = |v: Option<bool>| v.map_or(Out::Empty, |b| yes_no(b, lang));
    let cred = |v: i32| label(Labels::Credential, v, lang);
    for setting in SETTINGS {
        let value = match setting.key {
            "student_preference" => num(w.student_preference),
            "mentor_preference" => num(w.mentor_preference),
            "specialty" => num(w.specialty),
            "time_overlap" => num(w.time_overlap),
            "personality" => num(w.personality),
            "affinity" => num(w.affinity),
            "own_class" => num(w.own_class),
            "academic_min_years" => whole(r.academic_min_years),
            "psychological_requires_certificate" => flag(r.psychological_requires_certificate),
            "talent_min_competitions" => whole(r.talent_min_competitions),
            "low_risk_requires" => cred(r.low_risk_requires),
            "medium_risk_requires" => cred(r.medium_risk_requires),
            "high_risk_requires" => cred(r.high_risk_requires),
            "crisis_risk_requires" => cred(r.crisis_risk_requires),
            "peer_min_grade_gap" => whole(r.peer_min_grade_gap),
            "peer_psychological" => flag(r.peer_psychological),
            "external_counsellor_any_track" => flag(r.external_counsellor_any_track),
            "min_common_slots" => whole(p.min_common_slots),
            "max_mentors_per_student" => whole(p.max_mentors_per_student),
            "time_limit_seconds" => num(p.time_limit_seconds),
            "relative_gap" => num(p.relative_gap),
            "hardship_raises_priority" => flag(p.hardship_raises_priority),
            "risk_raises_priority" => flag(p.risk_raises_priority),
            "why_not_costs" => flag(p.why_not_costs),
            "why_not_students" => list(&p.why_not_students),
            "involve_every_mentor" => flag(p.involve_every_mentor),
            "load_spread" => num(p.load_spread),
            "keep_mode" => label(Labels::Keep, rm.keep_mode, lang),
            "change_penalty" => num(rm.change_penalty),
            "max_changes" => whole(rm.max_changes),
            _ => Out::Empty,
        };
        sheet.rows.push(vec![Out::text(setting.label(lang)), value]);
    }
    // The value column holds many kinds: no single dropdown fits it.
    sheet.dropdowns.clear();
    sheet
}
