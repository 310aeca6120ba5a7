//! The one place the spreadsheets take their sentences from (qualification evidence, reasons
//! for unassigned needs and missed choices, what forcing a choice would cost, a need's label).
//! The explanation functions live in `crate::explain::text`; they take no language yet, so the
//! `lang` argument is passed on here once they do, and nowhere else changes.

use crate::domain::model::Problem;
use crate::explain::{self, text};
use crate::i18n::Lang;
use crate::rules::Evidence;

pub fn evidence(problem: &Problem, evidence: Evidence, _lang: Lang) -> String {
    text::evidence_sentence(problem, evidence)
}

pub fn unassigned(problem: &Problem, u: &explain::Unassigned, _lang: Lang) -> String {
    text::unassigned_sentence(problem, u)
}

pub fn miss(problem: &Problem, reason: &explain::MissReason, _lang: Lang) -> String {
    text::miss_sentence(problem, reason)
}

pub fn forced(problem: &Problem, cost: &explain::ForcedCost, _lang: Lang) -> String {
    text::forced_sentence(problem, cost)
}

pub fn need(problem: &Problem, need: u32, _lang: Lang) -> String {
    text::need_label(problem, need)
}

/// A rematch change's explanation (the rematch writes it as it decides).
pub fn change_detail(detail: &str, _lang: Lang) -> String {
    detail.to_string()
}
