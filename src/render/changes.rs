//! The rematch and what-if answers for people, in the reader's language: the diff (kept,
//! moved, new, ended, each with its reason) and, per scenario, the change in coverage and fit.
//!
//! Holds: [`change_detail`], [`render_rematch`], [`render_changes`] and [`render_whatif`].
//! Reads `crate::rematch` and `crate::whatif` results only; must not import the solver or the
//! service.

use super::text::Renderer;
use crate::i18n::Lang;
use crate::rematch::{ChangeDetail, ChangeKind, PairChange, RematchOutcome};
use crate::whatif::WhatIfOutcome;
use crate::words::{pad_right, Words};

/// A need holding a seat a working pair had to leave: "S0012/N1 (high)".
pub fn seat_need(h: &crate::rematch::SeatNeed, lang: Lang) -> String {
    let w = Words::new(lang);
    w.f(
        "report.rematch.seat_need",
        &[
            ("student", &h.student_id),
            ("need", &h.need_id),
            ("priority", &w.priority(h.priority)),
        ],
    )
}

/// What happened to a pair and why, as a sentence: "working pair kept".
pub fn change_detail(c: &PairChange, lang: Lang) -> String {
    let w = Words::new(lang);
    match c.detail {
        ChangeDetail::NeedsEnded => w.t("report.rematch.detail.needs_ended").into(),
        ChangeDetail::NotWorkingPaired => w.t("report.rematch.detail.not_working_paired").into(),
        ChangeDetail::NotWorkingUnpaired => {
            w.t("report.rematch.detail.not_working_unpaired").into()
        }
        ChangeDetail::Kept => w.t("report.rematch.detail.kept").into(),
        ChangeDetail::StudentLeft => w.t("report.rematch.detail.student_left").into(),
        ChangeDetail::MentorLeft => w.t("report.rematch.detail.mentor_left").into(),
        ChangeDetail::RuleNoLongerHolds => w.t("report.rematch.detail.rule_no_longer").into(),
        ChangeDetail::CapacityShrank { capacity, before } => w.f(
            "report.rematch.detail.capacity_shrank",
            &[("capacity", &capacity), ("before", &before)],
        ),
        ChangeDetail::SeatNeeded => w.t("report.rematch.detail.seat_needed").into(),
        ChangeDetail::MovedForCoverage => w.t("report.rematch.detail.moved_for_coverage").into(),
        ChangeDetail::BetterFit { penalty } => {
            w.f("report.rematch.detail.better_fit", &[("penalty", &penalty)])
        }
        ChangeDetail::NewPair => w.t("report.rematch.detail.new_pair").into(),
    }
}

/// The name of a kind of change ("moved", 调整).
pub fn kind_name(kind: ChangeKind, lang: Lang) -> &'static str {
    Words::new(lang).t(match kind {
        ChangeKind::Kept => "report.rematch.kind.kept",
        ChangeKind::Moved => "report.rematch.kind.moved",
        ChangeKind::New => "report.rematch.kind.new",
        ChangeKind::Ended => "report.rematch.kind.ended",
    })
}

/// The order every report lists a rematch's changes in: moves first, then new pairs, ended
/// pairs and kept ones (the text report, the HTML page and the workbook agree).
pub const REPORT_ORDER: [ChangeKind; 4] = [
    ChangeKind::Moved,
    ChangeKind::New,
    ChangeKind::Ended,
    ChangeKind::Kept,
];

/// A rematch's changes of each kind in [`REPORT_ORDER`].
pub fn in_report_order(r: &RematchOutcome) -> impl Iterator<Item = &PairChange> {
    REPORT_ORDER
        .into_iter()
        .flat_map(move |kind| r.changes.iter().filter(move |c| c.kind == kind))
}

/// The one-line count of a rematch's changes: "12 kept, 3 moved, …".
pub fn heading(r: &RematchOutcome, lang: Lang) -> String {
    Words::new(lang).f(
        "report.rematch.heading",
        &[
            ("kept", &r.count(ChangeKind::Kept)),
            ("moved", &r.count(ChangeKind::Moved)),
            ("new", &r.count(ChangeKind::New)),
            ("ended", &r.count(ChangeKind::Ended)),
            ("voluntary", &r.voluntary_changes),
        ],
    )
}

/// The readable report of a rematch: the changes first, then the full plan.
pub fn render_rematch(r: &RematchOutcome, lang: Lang) -> String {
    let mut out = heading(r, lang);
    out.push('\n');
    out.push_str(&render_changes(r, true, lang));
    out.push('\n');
    out.push_str(&Renderer::new(&r.problem, lang).report(&r.outcome));
    out
}

/// One line per change (moved, new, ended, then kept when `with_kept`), with its reason.
pub fn render_changes(r: &RematchOutcome, with_kept: bool, lang: Lang) -> String {
    let w = Words::new(lang);
    let mut out = String::new();
    let kinds: &[ChangeKind] = if with_kept {
        &REPORT_ORDER
    } else {
        &REPORT_ORDER[..3]
    };
    let or_dash = |id: &str| {
        if id.is_empty() {
            "-".to_string()
        } else {
            id.to_string()
        }
    };
    for &kind in kinds {
        for c in r.changes.iter().filter(|c| c.kind == kind) {
            out.push_str(&w.f(
                "report.rematch.change",
                &[
                    ("kind", &pad_right(kind_name(kind, lang), 6)),
                    ("student", &c.student_id),
                    ("from", &or_dash(&c.from_mentor_id)),
                    ("to", &or_dash(&c.to_mentors_joined())),
                    ("detail", &change_detail(c, lang)),
                ],
            ));
            if !c.forced_by.is_empty() {
                let held: Vec<String> = c.forced_by.iter().map(|h| seat_need(h, lang)).collect();
                out.push_str(&w.f("report.rematch.held_by", &[("held", &w.list(&held))]));
            }
            out.push('\n');
        }
    }
    out
}

/// The what-if answer for people: per scenario, the change in coverage and fit, then the
/// diff.
pub fn render_whatif(o: &WhatIfOutcome, lang: Lang) -> String {
    let w = Words::new(lang);
    let text = Renderer::new(&o.problem, lang);
    let mut out = String::new();
    let covered: u32 = o.base.solver.coverage.iter().map(|c| c.covered).sum();
    out.push_str(&w.f(
        "report.whatif.base",
        &[
            ("pairs", &o.base.assignments.len()),
            ("covered", &covered),
            ("fit", &format!("{:.2}", o.base.solver.objective)),
        ],
    ));
    out.push('\n');
    for s in &o.scenarios {
        out.push('\n');
        out.push_str(&w.f("report.whatif.scenario", &[("name", &s.name)]));
        out.push('\n');
        let mut parts = text.coverage_changes(&s.coverage_change);
        if parts.is_empty() {
            parts.push(w.t("report.whatif.unchanged").into());
        }
        parts.push(text.fit(s.fit_change));
        out.push_str(&w.f(
            "report.whatif.figures",
            &[
                ("parts", &w.list(&parts)),
                ("kept", &s.rematch.count(ChangeKind::Kept)),
                ("moved", &s.rematch.count(ChangeKind::Moved)),
                ("new", &s.rematch.count(ChangeKind::New)),
                ("ended", &s.rematch.count(ChangeKind::Ended)),
            ],
        ));
        out.push('\n');
        out.push_str(&render_changes(&s.rematch, false, lang));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Priority;
    use crate::rematch::{ChangeReason, SeatNeed};
    use crate::test_school;

    fn change(kind: ChangeKind, student: &str, from: &str, to: &[&str]) -> PairChange {
        PairChange {
            kind,
            reason: ChangeReason::Working,
            student_id: student.into(),
            from_mentor_id: from.into(),
            to_mentor_ids: to.iter().map(|m| m.to_string()).collect(),
            need_ids: Vec::new(),
            forced_by: Vec::new(),
            capacity_shrank: None,
            detail: ChangeDetail::Kept,
        }
    }

    /// A rematch answer with these changes (the plan is the test school's).
    fn outcome(changes: Vec<PairChange>) -> RematchOutcome {
        let problem = test_school::problem(test_school::json());
        let outcome = crate::engine::solve(&problem).expect("the test school solves");
        RematchOutcome {
            problem,
            outcome,
            changes,
            voluntary_changes: 1,
        }
    }

    #[test]
    fn changes_are_listed_moves_first_and_kept_last_with_dashes_for_none() {
        let mut moved = change(ChangeKind::Moved, "S1", "T1", &["T2", "T3"]);
        moved.detail = ChangeDetail::CapacityShrank {
            capacity: 1,
            before: 3,
        };
        moved.forced_by = vec![SeatNeed {
            student_id: "S2".into(),
            need_id: "N1".into(),
            priority: Priority::High,
        }];
        let mut new = change(ChangeKind::New, "S2", "", &["T1"]);
        new.detail = ChangeDetail::NewPair;
        let mut ended = change(ChangeKind::Ended, "S3", "T2", &[]);
        ended.detail = ChangeDetail::NeedsEnded;
        let kept = change(ChangeKind::Kept, "S4", "T4", &["T4"]);
        let r = outcome(vec![kept, ended, new, moved]);
        assert_eq!(
            render_changes(&r, true, Lang::En),
            "- moved  S1 T1 -> T2,T3: the mentor's capacity is now 1, below the 3 working pairs \
             (seats now held by S2/N1 (high))\n\
             - new    S2 - -> T1: new pair\n\
             - ended  S3 T2 -> -: the needs this pair covered have ended\n\
             - kept   S4 T4 -> T4: working pair kept\n"
        );
        assert!(!render_changes(&r, false, Lang::En).contains("kept"));
        assert_eq!(
            heading(&r, Lang::En),
            "REMATCH: 1 kept, 1 moved, 1 new, 1 ended; 1 working pair(s) changed by choice"
        );
    }

    #[test]
    fn the_penalty_a_better_fit_outweighed_is_in_the_sentence() {
        let mut c = change(ChangeKind::Moved, "S1", "T1", &["T2"]);
        c.detail = ChangeDetail::BetterFit { penalty: 2.5 };
        assert_eq!(
            change_detail(&c, Lang::En),
            "a better fit outweighed the change penalty 2.5"
        );
        assert_ne!(
            change_detail(&c, Lang::ZhCn),
            change_detail(&c, Lang::En),
            "the Chinese catalogue has its own sentence"
        );
    }

    #[test]
    fn in_report_order_follows_report_order() {
        let r = outcome(vec![
            change(ChangeKind::Kept, "S1", "T1", &["T1"]),
            change(ChangeKind::New, "S2", "", &["T2"]),
            change(ChangeKind::Moved, "S3", "T1", &[]),
        ]);
        let kinds: Vec<ChangeKind> = in_report_order(&r).map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [ChangeKind::Moved, ChangeKind::New, ChangeKind::Kept]
        );
    }
}
