//! A plan as a workbook: the pairs (with an empty evaluation column, a dropdown, for the
//! mid-year review), the unassigned needs with reason and evidence, why students missed their
//! first choice, the mentors' loads and a summary — followed by the input sheets, so the file
//! is the next round's input. A rematch adds the changes sheet (kept, moved from whom to whom,
//! ended, new, each with its reason) in front of its new plan.
//!
//! Sentences come through [`super::sentences`] only. Imports the engine's outcome types (read
//! only), the layout and the book model.
//!
//! Must not import the solver, the service or the CLI: a plan reaches it solved and explained,
//! and it never solves.

use super::book::{Book, Out, Sheet};
use super::columns::{Labels, SheetKind};
use super::request_sheets::{policy_sheet, request_sheets, DROPDOWN_ROWS};
use super::sentences;
use crate::domain::model::Problem;
use crate::explain::Outcome;
use crate::i18n::{tr, trf, Lang};
use crate::proto::pb;
use crate::rematch::{ChangeKind, ChangeReason, RematchOutcome};

/// `CandidatesFull` → `CANDIDATES_FULL`: the reason codes as the JSON names them.
fn code<T: std::fmt::Debug>(value: &T) -> String {
    let debug = format!("{value:?}");
    let name = debug.split(['(', ' ', '{']).next().unwrap_or("");
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

fn sheet(kind: SheetKind, lang: Lang) -> Sheet {
    Sheet {
        name: kind.name(lang),
        header: kind
            .columns()
            .iter()
            .map(|c| kind.header(c.key, lang))
            .collect(),
        ..Sheet::default()
    }
}

fn rank(r: Option<u32>) -> Out {
    r.map_or(Out::Empty, Out::from)
}

fn word(area: &str, key: &str, lang: Lang) -> String {
    tr(lang, &format!("sheet.{area}.{key}")).to_string()
}

/// Student `s`'s id.
fn student_id(problem: &Problem, s: u32) -> &str {
    &problem.students[s as usize].id
}

/// Student `s`'s class, as a cell.
fn class(problem: &Problem, s: u32) -> Out {
    Out::text(problem.text.name(problem.students[s as usize].class))
}

/// Mentor `m`'s id.
fn mentor_id(problem: &Problem, m: u32) -> String {
    problem.mentors[m as usize].id.clone()
}

/// The plan's sheets (pairs, unassigned, why not, loads, summary) of `outcome`.
fn plan_sheets(
    problem: &Problem,
    outcome: &Outcome,
    request: &pb::SolveRequest,
    lang: Lang,
) -> Vec<Sheet> {
    vec![
        pairs_sheet(problem, outcome, lang),
        unassigned_sheet(problem, outcome, lang),
        why_not_sheet(problem, outcome, lang),
        loads_sheet(problem, outcome, request, lang),
        summary_sheet(outcome, lang),
    ]
}

/// Every pair with its needs, evidence, ranks, common slots and score, and an empty
/// evaluation column (a dropdown) for the mid-year review.
fn pairs_sheet(problem: &Problem, outcome: &Outcome, lang: Lang) -> Sheet {
    let mut pairs = sheet(SheetKind::Pairs, lang);
    for a in &outcome.assignments {
        let need_ids: Vec<&str> = a
            .needs
            .iter()
            .map(|c| problem.needs[c.need as usize].id.as_str())
            .collect();
        let labels: Vec<String> = a
            .needs
            .iter()
            .map(|c| sentences::need(problem, c.need, lang))
            .collect();
        let evidence: Vec<String> = a
            .needs
            .iter()
            .map(|c| sentences::evidence(problem, c.evidence, lang))
            .collect();
        let score: f64 = a.needs.iter().map(|c| c.total).sum();
        pairs.rows.push(vec![
            Out::text(student_id(problem, a.student)),
            class(problem, a.student),
            Out::text(mentor_id(problem, a.mentor)),
            Out::text(need_ids.join(", ")),
            Out::text(labels.join("; ")),
            Out::text(evidence.join("; ")),
            rank(a.student_rank),
            rank(a.mentor_rank),
            Out::text(a.common.names().join(", ")),
            Out::Number((score * 100.0).round() / 100.0),
            Out::text(if a.locked {
                Labels::Bool.label(1, lang)
            } else {
                String::new()
            }),
            Out::Empty,
        ]);
    }
    let evaluation_col = (SheetKind::Pairs.columns().len() - 1) as u16;
    pairs.dropdowns = vec![(evaluation_col, Labels::Evaluation.labels(lang))];
    pairs.dropdown_rows = DROPDOWN_ROWS;
    pairs
}

/// Every unassigned need with its reason, the sentence and the mentors that were close.
fn unassigned_sheet(problem: &Problem, outcome: &Outcome, lang: Lang) -> Sheet {
    let mut unassigned = sheet(SheetKind::Unassigned, lang);
    for u in &outcome.unassigned {
        let need = &problem.needs[u.need as usize];
        let mut mentors: Vec<String> = u.qualified.iter().map(|&m| mentor_id(problem, m)).collect();
        mentors.extend(u.full.iter().map(|f| mentor_id(problem, f.mentor)));
        unassigned.rows.push(vec![
            Out::text(student_id(problem, need.student)),
            class(problem, need.student),
            Out::text(&need.id),
            Out::text(sentences::need(problem, u.need, lang)),
            Out::text(word("priority", need.priority.name(), lang)),
            Out::text(code(&u.reason)),
            Out::text(sentences::unassigned(problem, u, lang)),
            Out::text(mentors.join(", ")),
        ]);
    }
    unassigned
}

/// One row per mentor a student ranked above the one they got: why not, and what forcing it
/// would cost.
fn why_not_sheet(problem: &Problem, outcome: &Outcome, lang: Lang) -> Sheet {
    let mut why_not = sheet(SheetKind::WhyNot, lang);
    for miss in &outcome.misses {
        for h in &miss.higher {
            why_not.rows.push(vec![
                Out::text(student_id(problem, miss.student)),
                rank(miss.best_rank_given),
                Out::text(mentor_id(problem, h.mentor)),
                h.rank.into(),
                Out::text(code(&h.reason)),
                Out::text(sentences::miss(problem, &h.reason, lang)),
                Out::text(
                    h.forced
                        .as_ref()
                        .map(|f| sentences::forced(problem, f, lang))
                        .unwrap_or_default(),
                ),
            ]);
        }
    }
    why_not
}

/// Every mentor's role, capacity, the students held and, when idle, why.
fn loads_sheet(
    problem: &Problem,
    outcome: &Outcome,
    request: &pb::SolveRequest,
    lang: Lang,
) -> Sheet {
    let mut loads = sheet(SheetKind::Loads, lang);
    let mut held: Vec<Vec<&str>> = vec![Vec::new(); problem.mentors.len()];
    for a in &outcome.assignments {
        let list = &mut held[a.mentor as usize];
        let id = student_id(problem, a.student);
        if !list.contains(&id) {
            list.push(id);
        }
    }
    for (m, mentor) in problem.mentors.iter().enumerate() {
        let idle = outcome
            .summary
            .mentor_side
            .idle
            .iter()
            .find(|i| i.mentor as usize == m)
            .map(|i| code(&i.reason))
            .unwrap_or_default();
        let role = request.mentors.get(m).map_or(0, |r| r.role);
        loads.rows.push(vec![
            Out::text(&mentor.id),
            Out::text(Labels::Role.label(role, lang)),
            mentor.capacity.into(),
            (held[m].len() as u32).into(),
            Out::text(held[m].join(", ")),
            Out::text(idle),
        ]);
    }
    loads
}

/// The plan's figures, one per row, then the coverage of each track.
fn summary_sheet(outcome: &Outcome, lang: Lang) -> Sheet {
    let s = &outcome.summary;
    let mut summary = sheet(SheetKind::Summary, lang);
    let pct = |x: f64| Out::text(format!("{:.1}%", x * 100.0));
    let mut item = |key: &str, value: Out| {
        summary
            .rows
            .push(vec![Out::text(word("summary", key, lang)), value]);
    };
    item("status", Out::text(code(&outcome.solver.status)));
    item("students", s.students.into());
    item("mentors", s.mentors.into());
    item("needs", s.needs.into());
    item("needs_covered", s.needs_covered.into());
    item("coverage", pct(s.coverage));
    item("students_without_mentor", s.students_without_mentor.into());
    item("first_choice", pct(s.first_choice_share));
    item("top3", pct(s.top3_share));
    item("mentors_involved", s.mentor_side.involved.into());
    for t in &s.tracks {
        let track = word("track", t.track.name(), lang);
        summary.rows.push(vec![
            Out::text(trf(
                lang,
                "sheet.summary.track_coverage",
                &[("track", &track)],
            )),
            Out::text(format!("{} / {}", t.covered, t.needs)),
        ]);
    }
    summary
}

/// The plan workbook of a solve: plan sheets, then the request's input sheets.
pub fn plan_book(
    problem: &Problem,
    outcome: &Outcome,
    request: &pb::SolveRequest,
    lang: Lang,
) -> Book {
    let mut sheets = plan_sheets(problem, outcome, request, lang);
    sheets.extend(request_sheets(request, lang));
    Book { sheets }
}

fn change_kind(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Kept => "kept",
        ChangeKind::Moved => "moved",
        ChangeKind::New => "new",
        ChangeKind::Ended => "ended",
    }
}

fn change_reason(reason: ChangeReason) -> String {
    code(&reason)
}

/// The rematch workbook: the changes, the new plan, and the updated school's input sheets
/// (with the rematch settings on the policy sheet) — the next round's input.
pub fn rematch_book(r: &RematchOutcome, request: &pb::RematchRequest, lang: Lang) -> Book {
    let school = request.request.clone().unwrap_or_default();
    let mut changes = sheet(SheetKind::Changes, lang);
    for c in crate::render::changes::in_report_order(r) {
        let seats: Vec<String> = c
            .forced_by
            .iter()
            .map(|h| sentences::seat_need(h, lang))
            .collect();
        changes.rows.push(vec![
            Out::text(word("change", change_kind(c.kind), lang)),
            Out::text(change_reason(c.reason)),
            Out::text(&c.student_id),
            Out::text(&c.from_mentor_id),
            Out::text(c.to_mentors_joined()),
            Out::text(c.need_ids.join(", ")),
            Out::text(sentences::change_detail(c, lang)),
            Out::text(seats.join(", ")),
        ]);
    }
    let mut sheets = vec![changes];
    let mut plan = plan_sheets(&r.problem, &r.outcome, &school, lang);
    if let Some(summary) = plan.last_mut() {
        for kind in [
            ChangeKind::Kept,
            ChangeKind::Moved,
            ChangeKind::New,
            ChangeKind::Ended,
        ] {
            summary.rows.push(vec![
                Out::text(word("summary", change_kind(kind), lang)),
                r.count(kind).into(),
            ]);
        }
    }
    sheets.extend(plan);
    let mut inputs = request_sheets(&school, lang);
    if let Some(policy) = inputs.last_mut() {
        *policy = policy_sheet(school.policy.as_ref(), request.rematch.as_ref(), lang);
    }
    sheets.extend(inputs);
    Book { sheets }
}
