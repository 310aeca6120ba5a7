//! `mentor-match template`: an empty school workbook in the chosen language — every input
//! sheet with its header, one example row and dropdowns on the enumeration columns — and a
//! notes sheet that explains each column. Imports the layout, the book model and the input
//! sheets' writer.
//!
//! Must not import the domain, the solver or the explanations.

use super::book::{Book, Out, Sheet};
use super::columns::SheetKind;
use super::request_sheets::request_sheets;
use crate::i18n::{tr, Lang};
use crate::proto::pb;

/// The example row of each sheet, as a one-student, one-mentor request.
fn example() -> pb::SolveRequest {
    pb::SolveRequest {
        students: vec![pb::Student {
            id: "S0001".into(),
            grade: 7,
            class_id: "G7-1".into(),
            needs: vec![pb::Need {
                id: "N1".into(),
                track: 1,
                subject: "math".into(),
                priority: 3,
                weak_points: vec!["fractions".into()],
                risk_level: 0,
            }],
            availability: vec!["MON-8".into(), "WED-9".into()],
            preferences: vec![pb::MentorChoice {
                mentor_id: "T001".into(),
                rank: 1,
            }],
            traits: vec!["quiet".into()],
            ..pb::Student::default()
        }],
        mentors: vec![pb::Mentor {
            id: "T001".into(),
            role: 2,
            subjects: vec![pb::SubjectExperience {
                subject: "math".into(),
                years: 6,
                topics: vec!["fractions".into()],
            }],
            coaching: vec![pb::CoachingExperience {
                domain: "robotics".into(),
                competitions: 2,
                topics: Vec::new(),
            }],
            counselling: Some(pb::Counselling {
                certificate: false,
                trained: true,
                years: 1,
                topics: vec!["anxiety".into()],
            }),
            tracks: vec![1],
            capacity: 5,
            availability: vec!["MON-8".into(), "TUE-10".into()],
            head_of_classes: vec!["G7-1".into()],
            traits: vec!["patient".into()],
            ..pb::Mentor::default()
        }],
        affinities: vec![pb::Affinity {
            student_id: "S0001".into(),
            mentor_id: "T001".into(),
            score: 0.5,
        }],
        policy: Some(pb::Policy {
            time_limit_seconds: Some(30.0),
            ..pb::Policy::default()
        }),
        ..pb::SolveRequest::default()
    }
}

/// The notes sheet: the general rules, then one row per column of every input sheet.
fn notes(lang: Lang) -> Sheet {
    let kind = SheetKind::Notes;
    let mut sheet = Sheet {
        name: kind.name(lang),
        header: ["sheet", "column", "meaning"]
            .iter()
            .map(|k| tr(lang, &format!("sheet.notes.{k}")).to_string())
            .collect(),
        ..Sheet::default()
    };
    sheet.rows.push(vec![
        Out::Empty,
        Out::Empty,
        Out::text(tr(lang, "sheet.notes.intro")),
    ]);
    for kind in SheetKind::INPUT {
        for col in kind.columns() {
            sheet.rows.push(vec![
                Out::text(kind.name(lang)),
                Out::text(kind.header(col.key, lang)),
                Out::text(tr(lang, &format!("sheet.notes.{}.{}", kind.key(), col.key))),
            ]);
        }
    }
    sheet
}

/// The template workbook in `lang`.
pub fn template(lang: Lang) -> Book {
    let mut sheets = request_sheets(&example(), lang);
    sheets.push(notes(lang));
    Book { sheets }
}

/// The template's sheets filled with `request` (how `examples/school.xlsx` is made).
pub fn filled(request: &pb::SolveRequest, lang: Lang) -> Book {
    let mut sheets = request_sheets(request, lang);
    sheets.push(notes(lang));
    Book { sheets }
}
