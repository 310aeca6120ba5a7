//! The printable page: head with inline CSS (A4 print rules, a CJK font stack), then one
//! section per figure, then one section per class, each starting a new printed page.
//!
//! Holds: [`Page`], which writes sections into one string. Every word comes from the
//! catalogue (`report.html.*`, and the explanation sentences of `crate::render::text`);
//! every data string goes through [`esc`]. Must not import the solver or the service, and
//! links nothing outside the page (no `src=`/`href=` to a network address).

use std::fmt::Write as _;

use super::escape::esc;
use super::figures::{self, Coverage};
use super::svg::{hbars, vbars, Bar};
use crate::domain::{Priority, Track};
use crate::explain::words::Words;
use crate::explain::{Outcome, UnassignedReason};
use crate::render::text::Renderer;

/// The page's style: screen and A4 print. Deliberately plain: black text, two accent colours.
const CSS: &str = r#"
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
:root { --ink: #1f2933; --muted: #616e7c; --line: #cbd2d9; --a: #2f6f9f; --b: #9cc3e0; --warn: #b44d12; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 190mm; padding: 8mm 0; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 19pt; margin: 0 0 2mm; }
h2 { font-size: 13.5pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 2px solid var(--a); }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; }
p.lead { color: var(--muted); margin: 0 0 4mm; }
.cards { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0 4mm; }
.card { border: 1px solid var(--line); border-radius: 2mm; padding: 2mm 2.5mm; flex: 1 1 0; min-width: 22mm; }
.card .v { font-size: 15pt; font-weight: 700; }
.card .k { color: var(--muted); font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; font-size: 9.5pt; }
th, td { border-bottom: 1px solid var(--line); padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; white-space: nowrap; }
td.nw { white-space: nowrap; }
td.n, th.n { text-align: right; white-space: nowrap; }
td.id { white-space: nowrap; font-variant-numeric: tabular-nums; }
.chart { display: block; margin: 1mm 0 3mm; max-width: 100%; height: auto; font-size: 12px; }
.chart text { fill: var(--ink); }
.chart .track { fill: #eef2f6; }
.chart .fill-a { fill: var(--a); }
.chart .fill-b { fill: var(--b); }
.chart .fill-w { fill: var(--warn); }
.chart .axis { stroke: var(--muted); stroke-width: 1; }
.two { display: flex; flex-wrap: wrap; gap: 6mm; }
.two > div { flex: 1 1 80mm; }
.note { color: var(--muted); font-size: 8.5pt; }
.reason { color: var(--muted); }
section.class { break-before: page; page-break-before: always; }
.sign { margin-top: 10mm; display: flex; gap: 20mm; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, .chart { break-inside: avoid; page-break-inside: avoid; }
}
"#;

/// A page being written.
pub struct Page<'a> {
    pub text: Renderer<'a>,
    out: String,
}

/// One group's line of the choices figures: its label, how many it counts (needs covered or
/// students ranking), and the shares given their first and a top-three choice.
struct ChoiceRow {
    label: String,
    count: u32,
    first: f64,
    top3: f64,
}

/// Two bars per group: the first-choice share and the top-three share.
fn choice_bars(w: Words, rows: &[ChoiceRow]) -> Vec<Bar> {
    rows.iter()
        .flat_map(|r| {
            [
                Bar {
                    label: format!("{} · {}", r.label, w.t("report.html.choices.first")),
                    share: r.first,
                    text: format!("{:.1}%", r.first * 100.0),
                    class: "fill-a",
                },
                Bar {
                    label: format!("{} · {}", r.label, w.t("report.html.choices.top3")),
                    share: r.top3,
                    text: format!("{:.1}%", r.top3 * 100.0),
                    class: "fill-b",
                },
            ]
        })
        .collect()
}

fn pct(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}

impl<'a> Page<'a> {
    /// Starts the page: doctype, head with the style, the title.
    pub fn new(text: Renderer<'a>, title: &str) -> Self {
        let mut out = String::with_capacity(64 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
            text.w.lang.tag(),
            esc(title)
        );
        Page { text, out }
    }

    fn w(&self) -> Words {
        self.text.w
    }

    /// Closes the page.
    pub fn finish(mut self) -> String {
        self.out.push_str("</body>\n</html>\n");
        self.out
    }

    /// Raw markup the caller built (escaped already).
    pub fn push(&mut self, html: &str) {
        self.out.push_str(html);
    }

    /// The title block and the headline figures.
    pub fn header(&mut self, title: &str, outcome: &Outcome) {
        let w = self.w();
        let s = &outcome.summary;
        let _ = write!(
            self.out,
            "<header>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n<div class=\"cards\">",
            esc(title),
            esc(&w.f(
                "report.html.lead",
                &[("status", &self.text.status(outcome.solver.status))]
            ))
        );
        let cards = [
            (s.students.to_string(), "report.html.card.students"),
            (s.mentors.to_string(), "report.html.card.mentors"),
            (
                format!("{}/{}", s.needs_covered, s.needs),
                "report.html.card.needs_covered",
            ),
            (
                format!("{:.1}%", s.coverage * 100.0),
                "report.html.card.coverage",
            ),
            (
                format!("{:.1}%", s.first_choice_share * 100.0),
                "report.html.card.first",
            ),
            (
                format!("{:.1}%", s.top3_share * 100.0),
                "report.html.card.top3",
            ),
            (
                s.students_without_mentor.to_string(),
                "report.html.card.without",
            ),
        ];
        for (value, key) in cards {
            let _ = write!(
                self.out,
                "<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
                esc(&value),
                esc(w.t(key))
            );
        }
        self.out.push_str("</div>\n</header>\n");
    }

    /// Coverage per track and per priority: two charts and the track × priority table.
    pub fn coverage(&mut self, outcome: &Outcome) {
        let w = self.w();
        let c = Coverage::of(self.text.problem, outcome);
        let bar = |label: &str, (covered, needs): (u32, u32), class| Bar {
            label: label.to_string(),
            share: pct(covered, needs),
            text: format!("{covered}/{needs} ({:.1}%)", pct(covered, needs) * 100.0),
            class,
        };
        let tracks: Vec<Bar> = Track::ALL
            .iter()
            .map(|&t| bar(w.track_group(t), c.track(t), "fill-a"))
            .collect();
        let priorities: Vec<Bar> = Priority::DESCENDING
            .iter()
            .map(|&p| bar(w.priority(p), c.priority(p), "fill-b"))
            .collect();
        let _ = write!(
            self.out,
            "<section id=\"coverage\">\n<h2>{}</h2>\n<h3>{}</h3>\n{}\n<h3>{}</h3>\n{}\n",
            esc(w.t("report.html.coverage.heading")),
            esc(w.t("report.html.coverage.by_track")),
            hbars(w.t("report.html.coverage.by_track"), &tracks),
            esc(w.t("report.html.coverage.by_priority")),
            hbars(w.t("report.html.coverage.by_priority"), &priorities),
        );
        let _ = write!(
            self.out,
            "<table>\n<thead><tr><th>{}</th>",
            esc(w.t("report.html.col.track"))
        );
        for p in Priority::DESCENDING {
            let _ = write!(self.out, "<th class=\"n\">{}</th>", esc(w.priority(p)));
        }
        let _ = writeln!(
            self.out,
            "<th class=\"n\">{}</th></tr></thead>\n<tbody>",
            esc(w.t("report.html.coverage.all"))
        );
        let cell = |covered: u32, needs: u32| {
            if needs == 0 {
                "<td class=\"n\">–</td>".to_string()
            } else {
                format!(
                    "<td class=\"n\">{covered}/{needs} ({:.0}%)</td>",
                    pct(covered, needs) * 100.0
                )
            }
        };
        for t in Track::ALL {
            let _ = write!(self.out, "<tr><td>{}</td>", esc(w.track_group(t)));
            for p in Priority::DESCENDING {
                let (i, j) = (t.index(), p as usize);
                self.out.push_str(&cell(c.covered[i][j], c.needs[i][j]));
            }
            let (covered, needs) = c.track(t);
            self.out.push_str(&cell(covered, needs));
            self.out.push_str("</tr>\n");
        }
        let _ = write!(
            self.out,
            "<tr><td>{}</td>",
            esc(w.t("report.html.coverage.all"))
        );
        for p in Priority::DESCENDING {
            let (covered, needs) = c.priority(p);
            self.out.push_str(&cell(covered, needs));
        }
        let s = &outcome.summary;
        self.out.push_str(&cell(s.needs_covered, s.needs));
        self.out.push_str("</tr>\n</tbody>\n</table>\n</section>\n");
    }

    /// The mentor-load histogram.
    pub fn load(&mut self, outcome: &Outcome) {
        let w = self.w();
        let s = &outcome.summary;
        let most = s.load_histogram.iter().copied().max().unwrap_or(0).max(1);
        let bars: Vec<Bar> = s
            .load_histogram
            .iter()
            .enumerate()
            .map(|(k, &n)| Bar {
                label: w.f("report.html.load.students", &[("count", &k)]),
                share: pct(n, most),
                text: n.to_string(),
                class: if k == 0 { "fill-w" } else { "fill-a" },
            })
            .collect();
        let _ = write!(
            self.out,
            "<section id=\"load\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n{}\n<p>{}</p>\n</section>\n",
            esc(w.t("report.html.load.heading")),
            esc(w.t("report.html.load.caption")),
            vbars(w.t("report.html.load.heading"), &bars),
            esc(&w.f(
                "report.summary.involved",
                &[
                    ("involved", &s.mentor_side.involved),
                    ("mentors", &s.mentors),
                    ("spread", &self.text.spread(&s.mentor_side.spread)),
                ]
            )),
        );
    }

    /// First and top-three choices per track and per grade: charts and tables.
    pub fn choices(&mut self, outcome: &Outcome) {
        let w = self.w();
        let tracks: Vec<ChoiceRow> = outcome
            .summary
            .tracks
            .iter()
            .map(|t| ChoiceRow {
                label: w.track_group(t.track).to_string(),
                count: t.covered,
                first: t.first_choice_share,
                top3: t.top3_share,
            })
            .collect();
        let grades: Vec<ChoiceRow> = figures::choices_by_grade(self.text.problem, outcome)
            .iter()
            .map(|g| ChoiceRow {
                label: w.f("report.html.choices.grade", &[("grade", &g.grade)]),
                count: g.ranked,
                first: pct(g.first, g.ranked),
                top3: pct(g.top3, g.ranked),
            })
            .collect();
        let _ =
            write!(
            self.out,
            "<section id=\"choices\">\n<h2>{}</h2>\n<h3>{}</h3>\n{}\n<p class=\"note\">{}</p>\n\
             <h3>{}</h3>\n{}\n<p class=\"note\">{}</p>\n",
            esc(w.t("report.html.choices.heading")),
            esc(w.t("report.html.choices.by_track")),
            hbars(w.t("report.html.choices.by_track"), &choice_bars(w, &tracks)),
            esc(w.t("report.html.choices.track_note")),
            esc(w.t("report.html.choices.by_grade")),
            hbars(w.t("report.html.choices.by_grade"), &choice_bars(w, &grades)),
            esc(w.t("report.html.choices.grade_note")),
        );
        self.out.push_str("<div class=\"two\"><div>");
        self.choice_table(
            w.t("report.html.col.track"),
            w.t("report.html.choices.covered"),
            &tracks,
        );
        self.out.push_str("</div><div>");
        self.choice_table(
            w.t("report.html.col.grade"),
            w.t("report.html.choices.students"),
            &grades,
        );
        self.out.push_str("</div></div>\n</section>\n");
    }

    /// A table's start: its header row, each column's label (plain text, escaped here) and
    /// whether it holds numbers (right-aligned), then the opening of the body.
    fn table_head(&mut self, cols: &[(&str, bool)]) {
        self.out.push_str("<table>\n<thead><tr>");
        for &(label, number) in cols {
            let class = if number { " class=\"n\"" } else { "" };
            let _ = write!(self.out, "<th{class}>{}</th>", esc(label));
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
    }

    /// A table of first and top-three choices, one row per group (track or grade).
    fn choice_table(&mut self, first_col: &str, count_col: &str, rows: &[ChoiceRow]) {
        let w = self.w();
        self.table_head(&[
            (first_col, false),
            (count_col, true),
            (w.t("report.html.choices.first"), true),
            (w.t("report.html.choices.top3"), true),
        ]);
        for r in rows {
            let _ = writeln!(
                self.out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td class=\"n\">{:.1}%</td></tr>",
                esc(&r.label),
                r.count,
                r.first * 100.0,
                r.top3 * 100.0
            );
        }
        self.out.push_str("</tbody>\n</table>\n");
    }

    fn reason_name(&self, reason: UnassignedReason) -> &'static str {
        self.w().t(match reason {
            UnassignedReason::Referral => "report.html.reason.referral",
            UnassignedReason::NoQualifiedMentor => "report.html.reason.no_qualified",
            UnassignedReason::NotVolunteered => "report.html.reason.not_volunteered",
            UnassignedReason::NoCommonSlot => "report.html.reason.no_common_slot",
            UnassignedReason::Forbidden => "report.html.reason.forbidden",
            UnassignedReason::CandidatesFull => "report.html.reason.candidates_full",
            UnassignedReason::StudentMentorLimit => "report.html.reason.student_limit",
            UnassignedReason::SolverLimit => "report.html.reason.solver_limit",
        })
    }

    fn unassigned_table(&mut self, list: &[&crate::explain::Unassigned]) {
        let w = self.w();
        let problem = self.text.problem;
        self.table_head(&[
            (w.t("report.html.col.student"), false),
            (w.t("report.html.col.need"), false),
            (w.t("report.html.col.track_subject"), false),
            (w.t("report.html.col.priority"), false),
            (w.t("report.html.col.reason"), false),
        ]);
        for u in list {
            let n = &problem.needs[u.need as usize];
            let _ = writeln!(
                self.out,
                "<tr><td class=\"id\">{}</td><td class=\"id\">{}</td><td class=\"nw\">{}</td><td class=\"nw\">{}</td><td class=\"reason\">{}</td></tr>",
                esc(&problem.students[n.student as usize].id),
                esc(&n.id),
                esc(&self.text.need_label(u.need)),
                esc(w.priority(n.priority)),
                esc(&self.text.unassigned(u)),
            );
        }
        self.out.push_str("</tbody>\n</table>\n");
    }

    /// The needs without a mentor, one table per reason.
    pub fn unassigned(&mut self, outcome: &Outcome) {
        let w = self.w();
        let _ = writeln!(
            self.out,
            "<section id=\"unassigned\">\n<h2>{}</h2>",
            esc(&w.f(
                "report.html.unassigned.heading",
                &[("count", &outcome.unassigned.len())]
            ))
        );
        if outcome.unassigned.is_empty() {
            let _ = writeln!(
                self.out,
                "<p>{}</p>",
                esc(w.t("report.html.unassigned.none"))
            );
        }
        for (reason, list) in figures::unassigned_by_reason(outcome) {
            let _ = writeln!(
                self.out,
                "<h3>{} ({})</h3>",
                esc(self.reason_name(reason)),
                list.len()
            );
            self.unassigned_table(&list);
        }
        self.out.push_str("</section>\n");
    }

    /// One section per class, each on its own printed page: its pairs with the reasons, its
    /// needs without a mentor, and a line for the head teacher's signature.
    pub fn classes(&mut self, outcome: &Outcome) {
        let w = self.w();
        let problem = self.text.problem;
        for class in figures::pairs_by_class(problem, outcome) {
            let _ = writeln!(
                self.out,
                "<section class=\"class\">\n<h2>{}</h2>\n<p class=\"lead\">{}</p>",
                esc(&w.f("report.html.class.heading", &[("class", &class.class)])),
                esc(&w.f(
                    "report.html.class.lead",
                    &[
                        ("pairs", &class.pairs.len()),
                        ("unassigned", &class.unassigned.len())
                    ]
                )),
            );
            if !class.pairs.is_empty() {
                self.table_head(&[
                    (w.t("report.html.col.student"), false),
                    (w.t("report.html.col.mentor"), false),
                    (w.t("report.html.col.needs"), false),
                    (w.t("report.html.col.choice"), true),
                    (w.t("report.html.col.why"), false),
                ]);
                for a in &class.pairs {
                    let needs: Vec<String> = a
                        .needs
                        .iter()
                        .map(|c| {
                            let n = &problem.needs[c.need as usize];
                            format!("{} {}", n.id, self.text.need_label(c.need))
                        })
                        .collect();
                    let choice = a
                        .student_rank
                        .map_or_else(|| "–".to_string(), |r| format!("#{r}"));
                    let _ = writeln!(
                        self.out,
                        "<tr><td class=\"id\">{}</td><td class=\"id\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"reason\">{}</td></tr>",
                        esc(&problem.students[a.student as usize].id),
                        esc(&problem.mentors[a.mentor as usize].id),
                        esc(&w.list(&needs)),
                        esc(&choice),
                        esc(&w.clauses(&self.text.pair_why(a))),
                    );
                }
                self.out.push_str("</tbody>\n</table>\n");
            }
            if !class.unassigned.is_empty() {
                let _ = writeln!(
                    self.out,
                    "<h3>{}</h3>",
                    esc(w.t("report.html.class.unassigned"))
                );
                self.unassigned_table(&class.unassigned);
            }
            let _ = writeln!(
                self.out,
                "<div class=\"sign\"><span>{}</span><span>{}</span></div>\n</section>",
                esc(w.t("report.html.class.sign_head_teacher")),
                esc(w.t("report.html.class.sign_date")),
            );
        }
    }
}
