//! Renders explanations as sentences for people, in the reader's language (`crate::i18n`).
//! Only ids appear, never names or student attributes beyond what the coordinator sent about
//! the need itself.
//!
//! Holds: [`Renderer`] (a problem and a language) with one method per sentence, and the text
//! report ([`Renderer::report`]). Every word comes from the catalogue (`locales/<lang>/
//! explain.toml` for sentences, `report.toml` for the report's headings and lines), so the
//! English output is what it always was and adding a language touches no code here. Must not
//! import the solver's internals or the service: it reads [`Outcome`] only.

use std::fmt::Write as _;

use crate::domain::model::Problem;
use crate::domain::policy::RiskCredential;
use crate::domain::Priority;
use crate::explain::{MissReason, Outcome, SeatHolder, UnassignedReason};
use crate::i18n::Lang;
use crate::rules::{Blocker, Evidence, RuleFailure};
use crate::solver::SolveStatus;
use crate::words::{pad_left, pad_right, Words};

/// The catalogue keys of a change in one priority level's count: fewer one, fewer many, more
/// one, more many.
type LevelKeys = [&'static str; 4];

/// A forced choice's cost per level ("1 normal need fewer covered").
const FORCED_LEVELS: LevelKeys = [
    "explain.forced.fewer_one",
    "explain.forced.fewer_many",
    "explain.forced.more_one",
    "explain.forced.more_many",
];

/// A shortage change's gain per level ("covers 1 more high need").
const CHANGE_LEVELS: LevelKeys = [
    "explain.change.fewer_one",
    "explain.change.fewer_many",
    "explain.change.more_one",
    "explain.change.more_many",
];

/// The reasons a figure was not computed, as the core writes them (English), with their
/// catalogue keys: the renderer reads them in the reader's language. A reason missing here is
/// shown as written (English); the test `every_not_computed_reason_is_translated` lists the
/// sources' reasons.
pub const NOT_COMPUTED: &[(&str, &str)] = &[
    ("not asked for", "explain.not_computed.not_asked"),
    (
        "not for a rematch bounded by maxChanges",
        "explain.not_computed.max_changes",
    ),
    (
        "more candidate pairs than priced quickly (20,000)",
        "explain.not_computed.too_many_pairs",
    ),
    ("time limit reached", "explain.not_computed.time_limit"),
    ("the solve failed", "explain.not_computed.solve_failed"),
    (
        "the time limit was reached before the changes were generated",
        "explain.not_computed.time_before_changes",
    ),
    (
        "too little of the time limit was left to generate the changes",
        "explain.not_computed.time_for_changes",
    ),
    (
        "not for a what-if scenario: solve the changed school as a request for them",
        "explain.not_computed.what_if",
    ),
    (
        "the plan is not proven optimal (time or gap limit), so no gain would be exact",
        "explain.not_computed.not_proven",
    ),
    (
        "not above 5,000 students (the supply per track and subject is given)",
        "explain.not_computed.too_many_students",
    ),
    (
        "the plan is not a network (seat sharing) and the school has more than 20,000 \
         candidate pairs: gains are computed by re-solving only for smaller schools",
        "explain.not_computed.not_network",
    ),
];

/// Blocking pairs printed in the text report (all are in the JSON, up to its own cap).
const BLOCKING_PAIRS_PRINTED: usize = 50;

/// Needs named after a change's figures; all are counted.
pub const CHANGE_NEEDS_NAMED: usize = 5;

/// Idle mentors named per reason in the text report (all of them are in the JSON).
const IDLE_NAMED: usize = 12;

/// Sentences about one problem, in one language.
#[derive(Clone, Copy)]
pub struct Renderer<'a> {
    pub problem: &'a Problem,
    pub w: Words,
}

impl<'a> Renderer<'a> {
    pub fn new(problem: &'a Problem, lang: Lang) -> Self {
        Renderer {
            problem,
            w: Words::new(lang),
        }
    }

    fn name(&self, sym: crate::domain::model::Sym) -> &'a str {
        self.problem.text.name(sym)
    }

    fn student_id(&self, s: u32) -> &'a str {
        &self.problem.students[s as usize].id
    }

    fn mentor_id(&self, m: u32) -> &'a str {
        &self.problem.mentors[m as usize].id
    }

    /// A reason a figure was not computed, in the reader's language.
    pub fn not_computed(&self, why: &str) -> String {
        match NOT_COMPUTED.iter().find(|(en, _)| *en == why) {
            Some((_, key)) => self.w.t(key).to_string(),
            None => why.to_string(),
        }
    }

    /// "teaches math, 6 years" and the like.
    pub fn evidence(&self, evidence: Evidence) -> String {
        let w = self.w;
        match evidence {
            Evidence::TeachesSubject { subject, years } => w.f(
                "explain.evidence.teaches",
                &[("subject", &self.name(subject)), ("years", &years)],
            ),
            Evidence::CounsellorCertificate { years } => {
                w.f("explain.evidence.certificate", &[("years", &years)])
            }
            Evidence::PsychologicalTraining { years } => {
                w.f("explain.evidence.training", &[("years", &years)])
            }
            Evidence::CoachesDomain {
                domain,
                competitions,
            } => w.f(
                "explain.evidence.coaches",
                &[
                    ("competitions", &competitions),
                    ("domain", &self.name(domain)),
                ],
            ),
        }
    }

    /// Which qualification rule failed. A risk failure names the rule (referral,
    /// certificate), never the level; grades are never quoted (a peer mentor is a student
    /// too).
    pub fn rule_failure(&self, failure: RuleFailure) -> String {
        crate::words::rules::rule_failure(self.w, self.problem, failure)
    }

    /// Why a pair is not a candidate: every risk failure reads the same, so no message
    /// reveals a risk level.
    pub fn blocker(&self, blocker: Blocker) -> String {
        crate::words::rules::blocker(self.w, self.problem, blocker)
    }

    /// "academic math", "psychological anxiety", or just the track when no subject is given.
    pub fn need_label(&self, need: u32) -> String {
        let n = &self.problem.needs[need as usize];
        let subject = self.name(n.subject);
        if subject.is_empty() {
            self.w.track(n.track).to_string()
        } else {
            self.w.f(
                "explain.need_label",
                &[("track", &self.w.track(n.track)), ("subject", &subject)],
            )
        }
    }

    fn holders(&self, holders: &[SeatHolder]) -> String {
        let w = self.w;
        let list: Vec<String> = holders
            .iter()
            .map(|h| {
                let mut parts = vec![w.priority(h.priority).to_string()];
                if let Some(r) = h.student_rank {
                    parts.push(w.f("explain.holder.student_rank", &[("rank", &r)]));
                }
                if let Some(r) = h.mentor_rank {
                    parts.push(w.f("explain.holder.mentor_rank", &[("rank", &r)]));
                }
                w.f(
                    "explain.holder.one",
                    &[
                        ("student", &self.student_id(h.student)),
                        ("parts", &parts.join(w.t("explain.sep.inner"))),
                    ],
                )
            })
            .collect();
        w.list(&list)
    }

    /// Each non-zero change in needs covered per priority (index `Priority as usize`),
    /// urgent first: "-1 urgent covered".
    pub fn coverage_changes(&self, change: &[i32; 4]) -> Vec<String> {
        Priority::DESCENDING
            .iter()
            .filter(|&&p| change[p as usize] != 0)
            .map(|&p| {
                self.w.f(
                    "explain.coverage_change",
                    &[
                        ("change", &format!("{:+}", change[p as usize])),
                        ("priority", &self.w.priority(p)),
                    ],
                )
            })
            .collect()
    }

    /// "fit +0.53".
    pub fn fit(&self, change: f64) -> String {
        self.w
            .f("explain.fit", &[("fit", &format!("{change:+.2}"))])
    }

    /// The price of stability as a sentence.
    pub fn price(&self, price: &crate::explain::PriceOfStability) -> String {
        use crate::explain::PriceOfStability as P;
        let w = self.w;
        match price {
            P::Stable => w.t("explain.price.stable").into(),
            P::Priced {
                coverage_change,
                fit_change,
            } => {
                let mut parts = self.coverage_changes(coverage_change);
                parts.push(self.fit(*fit_change));
                w.f("explain.price.priced", &[("parts", &w.list(&parts))])
            }
            P::NoStablePlan => w.t("explain.price.no_stable_plan").into(),
            P::NotComputed(why) => w.f(
                "explain.price.not_computed",
                &[("why", &self.not_computed(why))],
            ),
        }
    }

    /// "academic need N1: does not teach math".
    pub fn failed_rule(&self, need: u32, failure: RuleFailure) -> String {
        let n = &self.problem.needs[need as usize];
        self.w.f(
            "explain.miss.failed_rule",
            &[
                ("track", &self.w.track(n.track)),
                ("need", &n.id),
                ("failure", &self.rule_failure(failure)),
            ],
        )
    }

    /// Why a higher choice was not given.
    pub fn miss(&self, reason: &MissReason) -> String {
        let w = self.w;
        match reason {
            MissReason::NotQualified(failures) => {
                let parts: Vec<String> = failures
                    .iter()
                    .map(|&(n, f)| self.failed_rule(n, f))
                    .collect();
                w.f(
                    "explain.miss.not_qualified",
                    &[("parts", &w.clauses(&parts))],
                )
            }
            MissReason::NotVolunteered => w.t("explain.miss.not_volunteered").into(),
            MissReason::NoCommonSlot { common } => w.f(
                "explain.miss.no_common_slot",
                &[
                    ("common", common),
                    ("min", &self.problem.policy.min_common_slots),
                ],
            ),
            MissReason::Forbidden => w.t("explain.forbidden").into(),
            MissReason::Full(holders) => {
                w.f("explain.miss.full", &[("holders", &self.holders(holders))])
            }
            MissReason::BetterOverall => w.t("explain.miss.better_overall").into(),
        }
    }

    /// One phrase per priority level whose count changes, highest first ("1 normal need fewer
    /// covered"), in the words of `keys` (fewer one, fewer many, more one, more many).
    fn level_changes(&self, keys: &LevelKeys, changes: &[i32; 4]) -> Vec<String> {
        let w = self.w;
        Priority::DESCENDING
            .iter()
            .filter_map(|&p| {
                let change = changes[p as usize];
                (change != 0).then(|| {
                    let key = match (change < 0, change.abs() == 1) {
                        (true, true) => keys[0],
                        (true, false) => keys[1],
                        (false, true) => keys[2],
                        (false, false) => keys[3],
                    };
                    w.f(
                        key,
                        &[("count", &change.abs()), ("priority", &w.priority(p))],
                    )
                })
            })
            .collect()
    }

    /// What forcing a passed-over choice would cost: "forcing it: 1 normal need fewer
    /// covered, fit -2.40; 2 other student(s) change mentor (S00012, S00040)".
    pub fn forced(&self, f: &crate::explain::ForcedCost) -> String {
        let w = self.w;
        let mut parts = self.level_changes(&FORCED_LEVELS, &f.coverage_change);
        parts.push(self.fit(f.fit_change));
        let mut text = w.f("explain.forced.cost", &[("parts", &w.list(&parts))]);
        match f.changed_students.len() {
            0 => text.push_str(w.t("explain.forced.no_other")),
            n => {
                let named: Vec<&str> = f
                    .changed_students
                    .iter()
                    .take(crate::explain::FORCED_COST_NAMED)
                    .map(|&s| self.student_id(s))
                    .collect();
                let more = if n > named.len() {
                    w.t("explain.forced.more_ids")
                } else {
                    ""
                };
                text.push_str(&w.f(
                    "explain.forced.others",
                    &[("count", &n), ("ids", &w.list(&named)), ("more", &more)],
                ));
            }
        }
        if !f.proven {
            text.push_str(w.t("explain.forced.not_proven"));
        }
        text
    }

    /// Why a need has no mentor.
    pub fn unassigned(&self, u: &crate::explain::Unassigned) -> String {
        let w = self.w;
        let ids = |list: &[u32]| {
            let named: Vec<&str> = list.iter().map(|&m| self.mentor_id(m)).collect();
            let mut text = w.list(&named);
            if (list.len() as u32) < u.qualified_count {
                text.push_str(&w.f(
                    "explain.unassigned.and_more",
                    &[("count", &(u.qualified_count - list.len() as u32))],
                ));
            }
            text
        };
        match u.reason {
            UnassignedReason::NoQualifiedMentor => {
                let n = &self.problem.needs[u.need as usize];
                let rules = &self.problem.policy.rules;
                if n.track == crate::domain::Track::Psychological
                    && rules.risk.credential(n.risk) == RiskCredential::Certificate
                    && !rules.psychological_requires_certificate
                {
                    w.t("explain.unassigned.no_qualified_certificate").into()
                } else {
                    w.t("explain.unassigned.no_qualified").into()
                }
            }
            UnassignedReason::Referral => w.t("explain.unassigned.referral").into(),
            UnassignedReason::NotVolunteered => w.f(
                "explain.unassigned.not_volunteered",
                &[("ids", &ids(&u.qualified))],
            ),
            UnassignedReason::NoCommonSlot => w.f(
                "explain.unassigned.no_common_slot",
                &[("ids", &ids(&u.qualified))],
            ),
            UnassignedReason::Forbidden => w.f(
                "explain.unassigned.forbidden",
                &[("ids", &ids(&u.qualified))],
            ),
            UnassignedReason::CandidatesFull => {
                let parts: Vec<String> = u
                    .full
                    .iter()
                    .map(|f| {
                        w.f(
                            "explain.unassigned.full_mentor",
                            &[
                                ("mentor", &self.mentor_id(f.mentor)),
                                ("capacity", &f.capacity),
                                ("holders", &self.holders(&f.holders)),
                            ],
                        )
                    })
                    .collect();
                let more = u.full_count.saturating_sub(u.full.len() as u32);
                if more > 0 {
                    w.f(
                        "explain.unassigned.full_some",
                        &[
                            ("all", &u.full_count),
                            ("shown", &u.full.len()),
                            ("parts", &w.clauses(&parts)),
                        ],
                    )
                } else {
                    w.f("explain.unassigned.full", &[("parts", &w.clauses(&parts))])
                }
            }
            UnassignedReason::StudentMentorLimit => w.f(
                "explain.unassigned.student_limit",
                &[("max", &self.problem.policy.max_mentors_per_student)],
            ),
            UnassignedReason::SolverLimit => w.f(
                "explain.unassigned.solver_limit",
                &[("ids", &ids(&u.qualified))],
            ),
        }
    }

    /// What a change is: "one more seat for T0003 (capacity 4 → 5)".
    pub fn change_label(&self, c: &crate::shortage::Change) -> String {
        use crate::shortage::ChangeKind;
        let w = self.w;
        let mentor = &self.problem.mentors[c.mentor as usize];
        match c.kind {
            ChangeKind::AddSeat => w.f(
                "explain.change.add_seat",
                &[
                    ("mentor", &mentor.id),
                    ("from", &mentor.capacity),
                    ("to", &(mentor.capacity + 1)),
                ],
            ),
            ChangeKind::Volunteer(track) => w.f(
                "explain.change.volunteer",
                &[("mentor", &mentor.id), ("track", &w.track_group(track))],
            ),
            ChangeKind::AddSlot(bit) => w.f(
                "explain.change.add_slot",
                &[("mentor", &mentor.id), ("slot", &w.slot(bit))],
            ),
        }
    }

    /// A change's exact gain: "covers 1 more urgent need and 1 fewer low need (S00012/N1,
    /// …); fit +0.53".
    pub fn change_gain(&self, c: &crate::shortage::Change) -> String {
        let w = self.w;
        let needs = |list: &[u32]| {
            let mut text: Vec<String> = list
                .iter()
                .take(CHANGE_NEEDS_NAMED)
                .map(|&n| {
                    let need = &self.problem.needs[n as usize];
                    format!("{}/{}", self.student_id(need.student), need.id)
                })
                .collect();
            if list.len() > CHANGE_NEEDS_NAMED {
                text.push(w.f("explain.change.in_all", &[("count", &list.len())]));
            }
            w.list(&text)
        };
        let parts = self.level_changes(&CHANGE_LEVELS, &c.coverage_gain);
        let mut text = w.f(
            "explain.change.covers",
            &[("parts", &parts.join(w.t("explain.sep.and")))],
        );
        if !c.covered.is_empty() {
            text.push_str(&w.f("explain.change.covered", &[("needs", &needs(&c.covered))]));
        }
        if !c.uncovered.is_empty() {
            text.push_str(&w.f(
                "explain.change.gives_up",
                &[("needs", &needs(&c.uncovered))],
            ));
        }
        text.push_str(w.t("explain.sep.clause"));
        text.push_str(&self.fit(c.fit_change));
        if c.method == crate::shortage::GainMethod::ReSolve {
            text.push_str(w.t("explain.change.by_resolve"));
        }
        text
    }

    /// A change and its gain in one sentence ("label: gain").
    pub fn change(&self, c: &crate::shortage::Change) -> String {
        self.w.f(
            "explain.change.line",
            &[
                ("label", &self.change_label(c)),
                ("gain", &self.change_gain(c)),
            ],
        )
    }

    /// The solver's status.
    pub fn status(&self, status: SolveStatus) -> &'static str {
        self.w.t(match status {
            SolveStatus::Optimal => "report.status.optimal",
            SolveStatus::GapLimit => "report.status.gap_limit",
            SolveStatus::TimeLimit => "report.status.time_limit",
            SolveStatus::Infeasible => "report.status.infeasible",
        })
    }

    /// The algorithm that answered.
    pub fn method(&self, method: crate::solver::MethodKind) -> &'static str {
        use crate::solver::MethodKind as M;
        self.w.t(match method {
            M::Network => "report.method.network",
            M::NetworkSide => "report.method.network_side",
            M::IntegerProgram => "report.method.integer_program",
        })
    }

    /// Why a mentor has no student.
    pub fn idle(&self, reason: crate::explain::mentors::IdleReason) -> &'static str {
        use crate::explain::mentors::IdleReason;
        self.w.t(match reason {
            IdleReason::Displaced => "explain.idle.displaced",
            IdleReason::Forbidden => "explain.idle.forbidden",
            IdleReason::NoCommonSlot => "explain.idle.no_common_slot",
            IdleReason::NotVolunteered => "explain.idle.not_volunteered",
            IdleReason::NoQualifiedNeed => "explain.idle.no_qualified_need",
        })
    }

    /// "min 0 / median 2 / max 5, Gini 0.31".
    pub fn spread(&self, l: &crate::explain::mentors::LoadSpread) -> String {
        self.w.f(
            "report.summary.spread",
            &[
                ("min", &l.min),
                ("median", &l.median),
                ("max", &l.max),
                ("gini", &format!("{:.2}", l.gini)),
            ],
        )
    }

    /// The needs one pair covers, for the pairs table: "N1:academic/math N2:talent".
    pub fn pair_needs(&self, a: &crate::explain::Assignment) -> String {
        let needs: Vec<String> = a
            .needs
            .iter()
            .map(|c| {
                let n = &self.problem.needs[c.need as usize];
                let subject = self.name(n.subject);
                if subject.is_empty() {
                    format!("{}:{}", n.id, self.w.track(n.track))
                } else {
                    format!("{}:{}/{}", n.id, self.w.track(n.track), subject)
                }
            })
            .collect();
        needs.join(" ")
    }

    /// Why this pair, clause by clause: qualification per need, common slots, matched weak
    /// points, own class, locked.
    pub fn pair_why(&self, a: &crate::explain::Assignment) -> Vec<String> {
        let w = self.w;
        let mut why: Vec<String> = a.needs.iter().map(|c| self.evidence(c.evidence)).collect();
        why.push(w.f("report.pairs.common", &[("slots", &w.slots(a.common))]));
        let weak: Vec<&str> = a
            .needs
            .iter()
            .flat_map(|c| c.matched_weak_points.iter())
            .map(|&s| self.name(s))
            .collect();
        if !weak.is_empty() {
            why.push(w.f("report.pairs.strong_in", &[("topics", &w.list(&weak))]));
        }
        if a.own_class {
            why.push(w.t("report.pairs.own_class").into());
        }
        if a.locked {
            why.push(w.t("report.pairs.locked").into());
        }
        why
    }

    /// The "to cover everyone" section: supply per track and subject, then the changes.
    fn shortage_section(&self, out: &mut String, sh: &crate::shortage::Shortage) {
        let w = self.w;
        let _ = writeln!(out, "\n{}", w.t("report.shortage.heading"));
        let _ = writeln!(out, "{}", w.t("report.shortage.supply"));
        for g in &sh.gaps {
            let _ = writeln!(out, "{}", self.gap_line(g));
        }
        self.gains_lines(out, sh);
    }

    /// One track and subject's supply: needs left per level, volunteers and who could.
    fn gap_line(&self, g: &crate::shortage::SupplyGap) -> String {
        let w = self.w;
        let subject = self.name(g.subject);
        let label = if subject.is_empty() {
            w.track(g.track).to_string()
        } else {
            w.f(
                "explain.need_label",
                &[("track", &w.track(g.track)), ("subject", &subject)],
            )
        };
        let levels: Vec<String> = Priority::DESCENDING
            .iter()
            .filter(|&&p| g.unassigned[p as usize] > 0)
            .map(|&p| {
                w.f(
                    "report.shortage.level",
                    &[
                        ("count", &g.unassigned[p as usize]),
                        ("priority", &w.priority(p)),
                    ],
                )
            })
            .collect();
        let mut text = w.f(
            "report.shortage.gap",
            &[
                ("label", &label),
                ("left", &g.unassigned_total()),
                ("total", &g.needs.iter().sum::<u32>()),
                ("levels", &w.list(&levels)),
            ],
        );
        if g.qualified_volunteers == 0 {
            text.push_str(w.t("report.shortage.no_volunteer"));
            if g.qualified_not_volunteering == 0 {
                text.push_str(w.t("report.shortage.recruit"));
            }
        } else {
            text.push_str(&w.f(
                "report.shortage.volunteers",
                &[
                    ("count", &g.qualified_volunteers),
                    ("full", &g.full_volunteers),
                ],
            ));
        }
        if g.qualified_not_volunteering > 0 {
            text.push_str(&w.f(
                "report.shortage.not_volunteering",
                &[("count", &g.qualified_not_volunteering)],
            ));
        }
        // With no volunteer every slot is unshared: the list would say nothing.
        if !g.unshared_slots.is_empty() && g.qualified_volunteers > 0 {
            let slots: Vec<String> = g.unshared_slots.bits().map(|b| w.slot(b)).collect();
            text.push_str(&w.f(
                "report.shortage.unshared_slots",
                &[("slots", &w.list(&slots))],
            ));
        }
        text
    }

    /// The changes that would cover more, or why they were not computed.
    fn gains_lines(&self, out: &mut String, sh: &crate::shortage::Shortage) {
        let w = self.w;
        match &sh.gains {
            crate::shortage::Gains::NotComputed(why) => {
                let _ = writeln!(
                    out,
                    "{}",
                    w.f(
                        "report.shortage.gains_not_computed",
                        &[("why", &self.not_computed(why))]
                    )
                );
            }
            crate::shortage::Gains::Computed => {
                let _ = writeln!(
                    out,
                    "{}",
                    w.f(
                        "report.shortage.changes",
                        &[
                            ("evaluated", &sh.evaluated),
                            ("not_evaluated", &sh.not_evaluated)
                        ]
                    )
                );
                if sh.changes.is_empty() {
                    let _ = writeln!(out, "{}", w.t("report.shortage.none"));
                }
                for (i, c) in sh.changes.iter().enumerate() {
                    let _ = writeln!(out, "{:>3}. {}", i + 1, self.change(c));
                }
                if sh.with_gain as usize > sh.changes.len() {
                    let _ = writeln!(
                        out,
                        "{}",
                        w.f(
                            "report.shortage.more",
                            &[
                                ("count", &(sh.with_gain as usize - sh.changes.len())),
                                ("shown", &sh.changes.len())
                            ]
                        )
                    );
                }
            }
        }
    }

    /// The human-readable report of a run: status, pairs with reasons, unassigned needs,
    /// missed first choices and summary figures, one section after another.
    pub fn report(&self, outcome: &Outcome) -> String {
        let mut out = String::new();
        self.status_section(&mut out, outcome);
        self.pairs_section(&mut out, outcome);
        self.unassigned_section(&mut out, outcome);
        if let Some(sh) = &outcome.shortage {
            self.shortage_section(&mut out, sh);
        }
        self.misses_section(&mut out, outcome);
        if !outcome.blocking.is_empty() {
            self.stability_section(&mut out, outcome);
        }
        self.summary_section(&mut out, &outcome.summary);
        self.mentor_side_section(&mut out, &outcome.summary);
        out
    }

    /// The report's head: status, method, objective and coverage per level.
    fn status_section(&self, out: &mut String, outcome: &Outcome) {
        let w = self.w;
        let r = &outcome.solver;
        line(
            out,
            w.f("report.status_line", &[("status", &self.status(r.status))]),
        );
        if let Some(method) = r.method {
            line(
                out,
                w.f("report.method_line", &[("method", &self.method(method))]),
            );
        }
        line(
            out,
            w.f(
                "report.objective_line",
                &[
                    ("objective", &format!("{:.4}", r.objective)),
                    ("bound", &format!("{:.4}", r.best_bound)),
                    ("gap", &format!("{:.4}", r.gap * 100.0)),
                    ("pairs", &r.candidate_pairs),
                ],
            ),
        );
        for level in &r.coverage {
            // A proven level reads as before; a stopped answer says what is known of the rest.
            let key = match level.at_most {
                Some(most) if most == level.covered => "report.coverage_line",
                Some(_) => "report.coverage_line_room",
                None => "report.coverage_line_unproven",
            };
            line(
                out,
                w.f(
                    key,
                    &[
                        ("priority", &pad_right(w.priority(level.priority), 7)),
                        ("covered", &level.covered),
                        ("needs", &level.needs),
                        ("at_most", &level.at_most.unwrap_or(level.covered)),
                    ],
                ),
            );
        }
    }

    /// The table of pairs, one row each with its reasons.
    fn pairs_section(&self, out: &mut String, outcome: &Outcome) {
        let w = self.w;
        out.push('\n');
        line(
            out,
            w.f(
                "report.pairs.heading",
                &[("count", &outcome.assignments.len())],
            ),
        );
        let _ = writeln!(
            out,
            "{} {} {} {} {} {}  {}",
            pad_right(w.t("report.pairs.student"), 12),
            pad_right(w.t("report.pairs.mentor"), 10),
            pad_right(w.t("report.pairs.needs"), 28),
            pad_left(w.t("report.pairs.student_rank"), 5),
            pad_left(w.t("report.pairs.mentor_rank"), 5),
            pad_left(w.t("report.pairs.score"), 7),
            w.t("report.pairs.why"),
        );
        for a in &outcome.assignments {
            let total: f64 = a.needs.iter().map(|c| c.total).sum();
            let _ = writeln!(
                out,
                "{} {} {} {} {} {}  {}",
                pad_right(self.student_id(a.student), 12),
                pad_right(self.mentor_id(a.mentor), 10),
                pad_right(&self.pair_needs(a), 28),
                pad_left(&rank(a.student_rank), 5),
                pad_left(&rank(a.mentor_rank), 5),
                pad_left(&format!("{total:.3}"), 7),
                w.clauses(&self.pair_why(a))
            );
        }
    }

    /// The needs left without a mentor, each with its reason.
    fn unassigned_section(&self, out: &mut String, outcome: &Outcome) {
        let w = self.w;
        out.push('\n');
        line(
            out,
            w.f(
                "report.unassigned.heading",
                &[("count", &outcome.unassigned.len())],
            ),
        );
        for u in &outcome.unassigned {
            let n = &self.problem.needs[u.need as usize];
            line(
                out,
                w.f(
                    "report.unassigned.line",
                    &[
                        ("student", &self.student_id(n.student)),
                        ("need", &n.id),
                        ("label", &self.need_label(u.need)),
                        ("priority", &w.priority(n.priority)),
                        ("reason", &self.unassigned(u)),
                    ],
                ),
            );
        }
    }

    /// Students who did not get their first choice: each higher choice, why not, and what
    /// forcing it would cost.
    fn misses_section(&self, out: &mut String, outcome: &Outcome) {
        let w = self.w;
        out.push('\n');
        line(
            out,
            w.f("report.misses.heading", &[("count", &outcome.misses.len())]),
        );
        for miss in &outcome.misses {
            let got = miss.best_rank_given.map_or_else(
                || w.t("report.misses.no_ranked").to_string(),
                |r| w.f("report.misses.choice", &[("rank", &r)]),
            );
            line(
                out,
                w.f(
                    "report.misses.student",
                    &[("student", &self.student_id(miss.student)), ("got", &got)],
                ),
            );
            for h in &miss.higher {
                line(
                    out,
                    w.f(
                        "report.misses.higher",
                        &[
                            ("rank", &h.rank),
                            ("mentor", &self.mentor_id(h.mentor)),
                            ("reason", &self.miss(&h.reason)),
                        ],
                    ),
                );
                if let Some(f) = &h.forced {
                    let _ = writeln!(out, "      {}", self.forced(f));
                }
            }
        }
    }

    /// The blocking pairs (the first [`BLOCKING_PAIRS_PRINTED`]) and the price of stability;
    /// called only when there are some.
    fn stability_section(&self, out: &mut String, outcome: &Outcome) {
        let w = self.w;
        out.push('\n');
        line(
            out,
            w.f(
                "report.stability.heading",
                &[("count", &outcome.blocking.len())],
            ),
        );
        for b in outcome.blocking.iter().take(BLOCKING_PAIRS_PRINTED) {
            let given = b.student_best_given.map_or_else(
                || w.t("report.stability.no_ranked").to_string(),
                |r| w.f("report.stability.got", &[("rank", &r)]),
            );
            let room = match b.displaces {
                None => w.t("report.stability.has_room").to_string(),
                Some(t) => w.f(
                    "report.stability.would_replace",
                    &[("student", &self.student_id(t))],
                ),
            };
            line(
                out,
                w.f(
                    "report.stability.line",
                    &[
                        ("student", &self.student_id(b.student)),
                        ("mentor", &self.mentor_id(b.mentor)),
                        ("student_rank", &b.student_rank),
                        ("given", &given),
                        ("mentor_rank", &b.mentor_rank),
                        ("room", &room),
                    ],
                ),
            );
        }
        if outcome.blocking.len() > BLOCKING_PAIRS_PRINTED {
            line(
                out,
                w.f(
                    "report.stability.more",
                    &[("count", &(outcome.blocking.len() - BLOCKING_PAIRS_PRINTED))],
                ),
            );
        }
        line(
            out,
            w.f(
                "report.stability.price",
                &[("price", &self.price(&outcome.price_of_stability))],
            ),
        );
    }

    /// The summary's student side: counts, choice shares, priced why-nots, per track.
    fn summary_section(&self, out: &mut String, s: &crate::explain::Summary) {
        let w = self.w;
        out.push('\n');
        line(out, w.t("report.summary.heading").to_string());
        line(
            out,
            w.f(
                "report.summary.counts",
                &[
                    ("students", &s.students),
                    ("mentors", &s.mentors),
                    ("covered", &s.needs_covered),
                    ("needs", &s.needs),
                    ("coverage", &format!("{:.1}", s.coverage * 100.0)),
                    ("full", &s.students_fully_covered),
                    ("none", &s.students_without_mentor),
                ],
            ),
        );
        line(
            out,
            w.f(
                "report.summary.choices",
                &[
                    ("first", &format!("{:.1}", s.first_choice_share * 100.0)),
                    ("top3", &format!("{:.1}", s.top3_share * 100.0)),
                ],
            ),
        );
        if s.why_not_priced + s.why_not_unpriced > 0 {
            line(
                out,
                w.f(
                    "report.summary.priced",
                    &[
                        ("priced", &s.why_not_priced),
                        ("unpriced", &s.why_not_unpriced),
                    ],
                ),
            );
        }
        for t in &s.tracks {
            line(
                out,
                w.f(
                    "report.summary.track",
                    &[
                        ("track", &pad_right(w.track_group(t.track), 13)),
                        ("covered", &t.covered),
                        ("needs", &t.needs),
                        ("first", &format!("{:.1}", t.first_choice_share * 100.0)),
                        ("top3", &format!("{:.1}", t.top3_share * 100.0)),
                    ],
                ),
            );
        }
    }

    /// The summary's mentor side: load histogram, involvement and spread (overall and per
    /// track), then the idle mentors by reason.
    fn mentor_side_section(&self, out: &mut String, s: &crate::explain::Summary) {
        let w = self.w;
        let hist: Vec<String> = s
            .load_histogram
            .iter()
            .enumerate()
            .map(|(k, n)| format!("{k}:{n}"))
            .collect();
        line(
            out,
            w.f("report.summary.histogram", &[("hist", &hist.join(" "))]),
        );
        let side = &s.mentor_side;
        line(
            out,
            w.f(
                "report.summary.involved",
                &[
                    ("involved", &side.involved),
                    ("mentors", &s.mentors),
                    ("spread", &self.spread(&side.spread)),
                ],
            ),
        );
        for track in crate::domain::Track::ALL {
            let (mentors, l) = &side.tracks[track.index()];
            if *mentors > 0 {
                line(
                    out,
                    w.f(
                        "report.summary.track_mentors",
                        &[
                            ("track", &pad_right(w.track_group(track), 13)),
                            ("mentors", mentors),
                            ("spread", &self.spread(l)),
                        ],
                    ),
                );
            }
        }
        if !side.idle.is_empty() {
            self.idle_lines(out, side);
        }
    }

    /// The idle mentors, one line per reason naming the first [`IDLE_NAMED`].
    fn idle_lines(&self, out: &mut String, side: &crate::explain::mentors::MentorSide) {
        let w = self.w;
        line(out, w.t("report.summary.idle_heading").to_string());
        for (reason, ids) in idle_by_reason(self.problem, side) {
            let shown: Vec<&str> = ids.iter().take(IDLE_NAMED).copied().collect();
            let more = if ids.len() > IDLE_NAMED {
                w.f(
                    "report.summary.idle_more",
                    &[("count", &(ids.len() - IDLE_NAMED))],
                )
            } else {
                String::new()
            };
            line(
                out,
                w.f(
                    "report.summary.idle_line",
                    &[
                        ("why", &self.idle(reason)),
                        ("ids", &w.list(&shown)),
                        ("more", &more),
                    ],
                ),
            );
        }
    }
}

/// Appends one line of the report.
fn line(out: &mut String, text: String) {
    out.push_str(&text);
    out.push('\n');
}

/// Idle mentors grouped by reason, the reason closest to a pair first; ids in input order.
pub fn idle_by_reason<'p>(
    problem: &'p Problem,
    side: &crate::explain::mentors::MentorSide,
) -> Vec<(crate::explain::mentors::IdleReason, Vec<&'p str>)> {
    let mut by_reason: Vec<(crate::explain::mentors::IdleReason, Vec<&str>)> = Vec::new();
    for i in &side.idle {
        let id = problem.mentors[i.mentor as usize].id.as_str();
        match by_reason.iter_mut().find(|(r, _)| *r == i.reason) {
            Some((_, ids)) => ids.push(id),
            None => by_reason.push((i.reason, vec![id])),
        }
    }
    by_reason.sort_by_key(|(r, _)| std::cmp::Reverse(*r));
    by_reason
}

fn rank(r: Option<u32>) -> String {
    r.map_or_else(|| "-".to_string(), |r| format!("#{r}"))
}

/// The English report (see [`Renderer::report`]).
pub fn render(problem: &Problem, outcome: &Outcome) -> String {
    Renderer::new(problem, Lang::En).report(outcome)
}

/// The report in `lang`.
pub fn render_in(problem: &Problem, outcome: &Outcome, lang: Lang) -> String {
    Renderer::new(problem, lang).report(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_not_computed_reason_is_translated() {
        for (en, key) in NOT_COMPUTED {
            assert_eq!(crate::i18n::tr(Lang::En, key), *en, "{key}");
            assert_ne!(crate::i18n::tr(Lang::ZhCn, key), *en, "{key}");
        }
        // Every reason the core writes is in the table.
        let sources = [
            include_str!("../stability.rs"),
            include_str!("../shortage.rs"),
            include_str!("../explain/mod.rs"),
        ];
        for text in sources {
            // As `Gains::NotComputed("…")`, or returned as `Some("…")` by a reason's function.
            let pieces = text
                .split("NotComputed(")
                .skip(1)
                .chain(text.split("Some(").skip(1));
            for piece in pieces {
                let Some(rest) = piece.trim_start().strip_prefix('"') else {
                    continue;
                };
                let Some(end) = rest.find('"') else { continue };
                let literal = rest[..end].replace("\\\n", "");
                let literal: String = literal.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    NOT_COMPUTED.iter().any(|(en, _)| *en == literal),
                    "not translated: {literal:?}"
                );
            }
        }
    }
}
