//! The printable report (`--format html`): one self-contained HTML page — inline CSS and SVG
//! charts, no script, no font or image fetched — in the reader's language, the same bytes on
//! every run. A4 print rules put each class on its own page for the head teacher.
//!
//! Holds: [`solve_page`] and [`rematch_page`], which put the sections of `page::Page` in
//! order. Submodules: `escape` (HTML escaping), `svg` (bar charts), `figures` (the numbers,
//! no text), `page` (the layout and words). Like `crate::render::text`, this tree reads
//! explained plans only: it must not import the solver or the service, and the domain core
//! never imports it.

mod escape;
mod figures;
mod page;
mod svg;

pub use escape::esc;

use crate::domain::model::Problem;
use crate::explain::Outcome;
use crate::i18n::Lang;
use crate::rematch::RematchOutcome;
use crate::render::changes::{change_detail, kind_name};
use crate::render::text::Renderer;
use page::Page;

fn plan_sections(page: &mut Page, outcome: &Outcome) {
    page.coverage(outcome);
    page.load(outcome);
    page.choices(outcome);
    page.unassigned(outcome);
    page.classes(outcome);
}

/// The report of a solve.
pub fn solve_page(problem: &Problem, outcome: &Outcome, lang: Lang) -> String {
    let text = Renderer::new(problem, lang);
    let title = text.w.t("report.html.title");
    let mut page = Page::new(text, title);
    page.header(title, outcome);
    plan_sections(&mut page, outcome);
    page.finish()
}

/// The report of a rematch: the changes (moved, new, ended, kept, each with its reason), then
/// the new plan as [`solve_page`] shows it.
pub fn rematch_page(r: &RematchOutcome, lang: Lang) -> String {
    let text = Renderer::new(&r.problem, lang);
    let w = text.w;
    let title = w.t("report.html.rematch.title");
    let mut page = Page::new(text, title);
    page.header(title, &r.outcome);
    let mut html = format!(
        "<section id=\"changes\">\n<h2>{}</h2>\n<p class=\"lead\">{}</p>\n<table>\n<thead><tr>",
        esc(w.t("report.html.rematch.heading")),
        esc(&crate::render::changes::heading(r, lang)),
    );
    for key in [
        "report.html.col.change",
        "report.html.col.student",
        "report.html.col.from",
        "report.html.col.to",
        "report.html.col.reason",
    ] {
        html.push_str(&format!("<th>{}</th>", esc(w.t(key))));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let or_dash = |id: &str| {
        if id.is_empty() {
            "–".to_string()
        } else {
            esc(id)
        }
    };
    for c in crate::render::changes::in_report_order(r) {
        html.push_str(&format!(
            "<tr><td>{}</td><td class=\"id\">{}</td><td class=\"id\">{}</td><td class=\"id\">{}</td><td class=\"reason\">{}</td></tr>\n",
            esc(kind_name(c.kind, lang)),
            esc(&c.student_id),
            or_dash(&c.from_mentor_id),
            or_dash(&c.to_mentors_joined()),
            esc(&change_detail(c, lang)),
        ));
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    page.push(&html);
    plan_sections(&mut page, &r.outcome);
    page.finish()
}
