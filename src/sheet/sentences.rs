//! The one place the spreadsheets take their sentences from (qualification evidence, reasons
//! for unassigned needs and missed choices, what forcing a choice would cost, a need's label,
//! a rematch change), in the workbook's language: thin calls into `crate::explain`'s
//! renderers, so a sheet reads exactly what the text report and the service say.
//!
//! Imports the explanations' renderers and the types they take. Must not import the solver or
//! the service, and writes no sentence of its own.

use crate::domain::model::Problem;
use crate::explain;
use crate::i18n::Lang;
use crate::rematch::PairChange;
use crate::render::text::Renderer;
use crate::rules::Evidence;

pub fn evidence(problem: &Problem, evidence: Evidence, lang: Lang) -> String {
    Renderer::new(problem, lang).evidence(evidence)
}

pub fn unassigned(problem: &Problem, u: &explain::Unassigned, lang: Lang) -> String {
    Renderer::new(problem, lang).unassigned(u)
}

pub fn miss(problem: &Problem, reason: &explain::MissReason, lang: Lang) -> String {
    Renderer::new(problem, lang).miss(reason)
}

pub fn forced(problem: &Problem, cost: &explain::ForcedCost, lang: Lang) -> String {
    Renderer::new(problem, lang).forced(cost)
}

pub fn need(problem: &Problem, need: u32, lang: Lang) -> String {
    Renderer::new(problem, lang).need_label(need)
}

/// A rematch change's explanation.
pub fn change_detail(change: &PairChange, lang: Lang) -> String {
    crate::render::changes::change_detail(change, lang)
}

/// A need holding a seat a working pair had to leave.
pub fn seat_need(h: &crate::rematch::SeatNeed, lang: Lang) -> String {
    crate::render::changes::seat_need(h, lang)
}
