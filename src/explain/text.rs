//! Renders explanations as sentences for people. Only ids appear, never names or student
//! attributes beyond what the coordinator sent about the need itself.

use std::fmt::Write as _;

use super::{MissReason, Outcome, SeatHolder, UnassignedReason};
use crate::domain::model::Problem;
use crate::domain::policy::RiskCredential;
use crate::rules::{Blocker, Evidence, RuleFailure};
use crate::solver::SolveStatus;

/// "teaches math, 6 years" and the like.
pub fn evidence_sentence(problem: &Problem, evidence: Evidence) -> String {
    match evidence {
        Evidence::TeachesSubject { subject, years } => {
            format!("teaches {}, {years} years", problem.text.name(subject))
        }
        Evidence::CounsellorCertificate { years } => {
            format!("holds a counsellor certificate, {years} years counselling")
        }
        Evidence::PsychologicalTraining { years } => {
            format!("has psychological support training, {years} years counselling")
        }
        Evidence::CoachesDomain {
            domain,
            competitions,
        } => format!(
            "coached {competitions} outside competition(s) in {}",
            problem.text.name(domain)
        ),
    }
}

/// Which qualification rule failed, as a sentence for the report. A risk failure names the
/// rule (referral, certificate), never the level; grades are never quoted (a peer mentor is a
/// student too).
pub fn rule_failure_sentence(problem: &Problem, failure: RuleFailure) -> String {
    let t = |s| problem.text.name(s).to_string();
    match failure {
        RuleFailure::DoesNotTeach { subject } => format!("does not teach {}", t(subject)),
        RuleFailure::TooFewYears {
            subject,
            years,
            min,
        } => {
            format!(
                "teaches {} for {years} years, the rule asks {min}",
                t(subject)
            )
        }
        RuleFailure::NoCounsellingCredential => {
            "has neither a counsellor certificate nor related training".to_string()
        }
        RuleFailure::CertificateRequired => {
            "has training but the policy requires a counsellor certificate".to_string()
        }
        RuleFailure::DoesNotCoach { domain } => {
            format!("has not coached competitions in {}", t(domain))
        }
        RuleFailure::TooFewCompetitions {
            domain,
            competitions,
            min,
        } => format!(
            "coached {competitions} competition(s) in {}, the rule asks {min}",
            t(domain)
        ),
        RuleFailure::RiskReferral => {
            "the need's risk level is referred to the school counsellor, not paired with a mentor"
                .to_string()
        }
        RuleFailure::RiskCertificateRequired => {
            "has training but the need's risk level calls for a counsellor certificate".to_string()
        }
        RuleFailure::PeerGradeNotLower => match problem.policy.rules.roles.peer_min_grade_gap {
            1 => "a peer student mentor takes only students of a lower grade".to_string(),
            gap => format!("a peer student mentor takes only students {gap} or more grades lower"),
        },
        RuleFailure::PeerNotPsychological => {
            "a peer student mentor takes no psychological needs".to_string()
        }
        RuleFailure::CounsellorPsychologicalOnly => {
            "an external counsellor takes psychological needs only".to_string()
        }
    }
}

/// The one sentence error messages use for every risk failure, so that an error (which may be
/// logged by a caller) cannot tell one risk level from another.
const RISK_RULES_EXCLUDE: &str = "the policy's psychological risk rules exclude this mentor";

/// Why a pair is not a candidate, as a sentence for an error message (a lock that breaks a
/// rule): every risk failure reads the same, so no error reveals a risk level.
pub fn blocker_sentence(problem: &Problem, blocker: Blocker) -> String {
    match blocker {
        Blocker::NotQualified(f) if f.is_risk() => RISK_RULES_EXCLUDE.to_string(),
        Blocker::NotQualified(f) => rule_failure_sentence(problem, f),
        Blocker::NotVolunteered => "did not volunteer for this track".to_string(),
        Blocker::NoCommonSlot { common } => format!(
            "shares {common} weekly slot(s), the policy asks {}",
            problem.policy.min_common_slots
        ),
        Blocker::Forbidden => "the pair is forbidden".to_string(),
    }
}

/// "academic math", "psychological anxiety", or just the track when no subject is given.
pub fn need_label(problem: &Problem, need: u32) -> String {
    let n = &problem.needs[need as usize];
    let subject = problem.text.name(n.subject);
    if subject.is_empty() {
        n.track.to_string()
    } else {
        format!("{} {subject}", n.track)
    }
}

fn rank(r: Option<u32>) -> String {
    r.map_or_else(|| "-".to_string(), |r| format!("#{r}"))
}

fn holders_sentence(problem: &Problem, holders: &[SeatHolder]) -> String {
    holders
        .iter()
        .map(|h| {
            let mut parts = vec![h.priority.name().to_string()];
            if let Some(r) = h.student_rank {
                parts.push(format!("ranks mentor #{r}"));
            }
            if let Some(r) = h.mentor_rank {
                parts.push(format!("mentor's #{r}"));
            }
            format!(
                "{} ({})",
                problem.students[h.student as usize].id,
                parts.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Blocking pairs printed in the text report (all are in the JSON, up to its own cap).
const BLOCKING_PAIRS_PRINTED: usize = 50;

/// Each non-zero change in needs covered per priority (index `Priority as usize`), urgent
/// first: "-1 urgent covered".
pub fn coverage_changes(change: &[i32; 4]) -> Vec<String> {
    crate::domain::Priority::DESCENDING
        .iter()
        .filter(|&&p| change[p as usize] != 0)
        .map(|&p| format!("{:+} {} covered", change[p as usize], p.name()))
        .collect()
}

/// The price of stability as a sentence.
fn price_sentence(price: &super::PriceOfStability) -> String {
    use super::PriceOfStability as P;
    match price {
        P::Stable => "none (no blocking pair)".to_string(),
        P::Priced {
            coverage_change,
            fit_change,
        } => {
            let mut parts = coverage_changes(coverage_change);
            parts.push(format!("fit {fit_change:+.2}"));
            format!(
                "the best plan with no blocking pair: {} (proven optimal)",
                parts.join(", ")
            )
        }
        P::NoStablePlan => "no plan meets the hard rules without a blocking pair".to_string(),
        P::NotComputed(why) => format!("not computed ({why})"),
    }
}

/// Why a higher choice was not given, as a sentence.
pub fn miss_sentence(problem: &Problem, reason: &MissReason) -> String {
    match reason {
        MissReason::NotQualified(failures) => {
            let parts: Vec<String> = failures
                .iter()
                .map(|&(n, f)| {
                    let need = &problem.needs[n as usize];
                    format!("{} need {}: {}", need.track, need.id, rule_failure_sentence(problem, f))
                })
                .collect();
            format!("not qualified ({})", parts.join("; "))
        }
        MissReason::NotVolunteered => "did not volunteer for the needed track".to_string(),
        MissReason::NoCommonSlot { common } => format!(
            "only {common} common weekly slot(s), the policy asks {}",
            problem.policy.min_common_slots
        ),
        MissReason::Forbidden => "the pair is forbidden".to_string(),
        MissReason::Full(holders) => {
            format!("full, seats held by {}", holders_sentence(problem, holders))
        }
        MissReason::BetterOverall => {
            "had room, but the proven-optimal plan covers more needs or fits better with another mentor"
                .to_string()
        }
    }
}

/// What forcing a passed-over choice would cost, as a sentence: "forcing it: 1 normal need
/// fewer covered, fit -2.40; 2 other students change mentor (S00012, S00040)".
pub fn forced_sentence(problem: &Problem, f: &super::ForcedCost) -> String {
    let mut parts: Vec<String> = crate::domain::Priority::DESCENDING
        .iter()
        .filter_map(|&p| {
            let change = f.coverage_change[p as usize];
            (change != 0).then(|| {
                let what = if change < 0 { "fewer" } else { "more" };
                let needs = if change.abs() == 1 { "need" } else { "needs" };
                format!("{} {} {needs} {what} covered", change.abs(), p.name())
            })
        })
        .collect();
    parts.push(format!("fit {:+.2}", f.fit_change));
    let mut text = format!("forcing it: {}", parts.join(", "));
    match f.changed_students.len() {
        0 => text.push_str("; no other student changes mentor"),
        n => {
            let named: Vec<&str> = f
                .changed_students
                .iter()
                .take(super::FORCED_COST_NAMED)
                .map(|&s| problem.students[s as usize].id.as_str())
                .collect();
            let more = if n > named.len() { ", …" } else { "" };
            text.push_str(&format!(
                "; {n} other student(s) change mentor ({}{more})",
                named.join(", ")
            ));
        }
    }
    if !f.proven {
        text.push_str(" (the forced plan is not proven optimal: time limit)");
    }
    text
}

/// Why a need has no mentor, as a sentence.
pub fn unassigned_sentence(problem: &Problem, u: &super::Unassigned) -> String {
    let ids = |list: &[u32]| {
        let mut text = list
            .iter()
            .map(|&m| problem.mentors[m as usize].id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if (list.len() as u32) < u.qualified_count {
            text.push_str(&format!(
                " and {} more",
                u.qualified_count - list.len() as u32
            ));
        }
        text
    };
    match u.reason {
        UnassignedReason::NoQualifiedMentor => {
            let n = &problem.needs[u.need as usize];
            let rules = &problem.policy.rules;
            if n.track == crate::domain::Track::Psychological
                && rules.risk.credential(n.risk) == RiskCredential::Certificate
                && !rules.psychological_requires_certificate
            {
                "no mentor meets the qualification rule: its risk level calls for a counsellor \
                 certificate"
                    .to_string()
            } else {
                "no mentor meets the qualification rule for this track and subject".to_string()
            }
        }
        UnassignedReason::Referral => {
            "referred to the school counsellor: the policy pairs no mentor with its risk level"
                .to_string()
        }
        UnassignedReason::NotVolunteered => format!(
            "qualified mentors ({}) did not volunteer for this track",
            ids(&u.qualified)
        ),
        UnassignedReason::NoCommonSlot => format!(
            "qualified volunteers ({}) share too few weekly slots with the student",
            ids(&u.qualified)
        ),
        UnassignedReason::Forbidden => format!(
            "every possible mentor ({}) is forbidden for this student",
            ids(&u.qualified)
        ),
        UnassignedReason::CandidatesFull => {
            let parts: Vec<String> = u
                .full
                .iter()
                .map(|f| {
                    format!(
                        "{} (capacity {}: {})",
                        problem.mentors[f.mentor as usize].id,
                        f.capacity,
                        holders_sentence(problem, &f.holders)
                    )
                })
                .collect();
            let more = u.full_count.saturating_sub(u.full.len() as u32);
            if more > 0 {
                format!(
                    "every possible mentor is full ({} in all; the best-fitting {}): {}",
                    u.full_count,
                    u.full.len(),
                    parts.join("; ")
                )
            } else {
                format!("every possible mentor is full: {}", parts.join("; "))
            }
        }
        UnassignedReason::StudentMentorLimit => format!(
            "the student already has {} mentors, the policy maximum",
            problem.policy.max_mentors_per_student
        ),
        UnassignedReason::SolverLimit => format!(
            "the solver stopped at its limit before placing it (possible mentors: {})",
            ids(&u.qualified)
        ),
    }
}

/// Needs named after a change's figures; all are counted.
pub const CHANGE_NEEDS_NAMED: usize = 5;

/// What a change is, for people: "one more seat for T0003 (capacity 4 → 5)".
pub fn change_label(problem: &Problem, c: &crate::shortage::Change) -> String {
    use crate::shortage::ChangeKind;
    let mentor = &problem.mentors[c.mentor as usize];
    match c.kind {
        ChangeKind::AddSeat => format!(
            "one more seat for {} (capacity {} → {})",
            mentor.id,
            mentor.capacity,
            mentor.capacity + 1
        ),
        ChangeKind::Volunteer(track) => format!("{} volunteers for {track} too", mentor.id),
        ChangeKind::AddSlot(bit) => format!(
            "{} adds weekly slot {}",
            mentor.id,
            crate::domain::slots::slot_name(bit)
        ),
    }
}

/// A change's exact gain as a sentence: "covers 1 more urgent need and 1 fewer low need
/// (S00012/N1, …); fit +0.53".
pub fn change_sentence(problem: &Problem, c: &crate::shortage::Change) -> String {
    let needs = |list: &[u32]| {
        let mut text: Vec<String> = list
            .iter()
            .take(CHANGE_NEEDS_NAMED)
            .map(|&n| {
                let need = &problem.needs[n as usize];
                format!("{}/{}", problem.students[need.student as usize].id, need.id)
            })
            .collect();
        if list.len() > CHANGE_NEEDS_NAMED {
            text.push(format!("… {} in all", list.len()));
        }
        text.join(", ")
    };
    let parts: Vec<String> = crate::domain::Priority::DESCENDING
        .iter()
        .filter_map(|&p| {
            let change = c.coverage_gain[p as usize];
            (change != 0).then(|| {
                let what = if change < 0 { "fewer" } else { "more" };
                let noun = if change.abs() == 1 { "need" } else { "needs" };
                format!("{} {what} {} {noun}", change.abs(), p.name())
            })
        })
        .collect();
    let mut text = format!("covers {}", parts.join(" and "));
    if !c.covered.is_empty() {
        text.push_str(&format!(" ({})", needs(&c.covered)));
    }
    if !c.uncovered.is_empty() {
        text.push_str(&format!("; gives up {}", needs(&c.uncovered)));
    }
    text.push_str(&format!("; fit {:+.2}", c.fit_change));
    if c.method == crate::shortage::GainMethod::ReSolve {
        text.push_str(" (by a re-solve)");
    }
    text
}

/// The "to cover everyone" section: supply per track and subject, then the changes.
fn shortage_section(out: &mut String, problem: &Problem, sh: &crate::shortage::Shortage) {
    let _ = writeln!(out, "\nTO COVER EVERYONE (what it would take)");
    let _ = writeln!(out, "supply per track and subject with needs left:");
    for g in &sh.gaps {
        let subject = problem.text.name(g.subject);
        let label = if subject.is_empty() {
            g.track.to_string()
        } else {
            format!("{} {subject}", g.track)
        };
        let levels: Vec<String> = crate::domain::Priority::DESCENDING
            .iter()
            .filter(|&&p| g.unassigned[p as usize] > 0)
            .map(|&p| format!("{} {}", g.unassigned[p as usize], p.name()))
            .collect();
        let mut text = format!(
            "- {label}: {} of {} left ({}); ",
            g.unassigned_total(),
            g.needs.iter().sum::<u32>(),
            levels.join(", ")
        );
        if g.qualified_volunteers == 0 {
            text.push_str("no qualified volunteer");
            if g.qualified_not_volunteering == 0 {
                text.push_str(": nobody meets the qualification rule, recruit");
            }
        } else {
            text.push_str(&format!(
                "{} qualified volunteer(s), {} full",
                g.qualified_volunteers, g.full_volunteers
            ));
        }
        if g.qualified_not_volunteering > 0 {
            text.push_str(&format!(
                "; {} qualified but not volunteering",
                g.qualified_not_volunteering
            ));
        }
        // With no volunteer every slot is unshared: the list would say nothing.
        if !g.unshared_slots.is_empty() && g.qualified_volunteers > 0 {
            text.push_str(&format!(
                "; slots no qualified volunteer has: {}",
                g.unshared_slots.names().join(", ")
            ));
        }
        let _ = writeln!(out, "{text}");
    }
    match &sh.gains {
        crate::shortage::Gains::NotComputed(why) => {
            let _ = writeln!(out, "single changes: gains not computed ({why})");
        }
        crate::shortage::Gains::Computed => {
            let _ = writeln!(
                out,
                "single changes that cover more, exact gain, best first ({} evaluated, {} not evaluated):",
                sh.evaluated, sh.not_evaluated
            );
            if sh.changes.is_empty() {
                let _ = writeln!(
                    out,
                    "  none: no one more seat, volunteer or slot covers more"
                );
            }
            for (i, c) in sh.changes.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{:>3}. {}: {}",
                    i + 1,
                    change_label(problem, c),
                    change_sentence(problem, c)
                );
            }
            if sh.with_gain as usize > sh.changes.len() {
                let _ = writeln!(
                    out,
                    "  … {} more change(s) cover more (the best {} are listed)",
                    sh.with_gain as usize - sh.changes.len(),
                    sh.changes.len()
                );
            }
        }
    }
}

fn status_name(status: SolveStatus) -> &'static str {
    match status {
        SolveStatus::Optimal => "optimal (proven)",
        SolveStatus::GapLimit => "stopped at the requested gap",
        SolveStatus::TimeLimit => "stopped at the time limit (best plan found)",
        SolveStatus::Infeasible => "infeasible",
    }
}

/// The human-readable report of a run: status, pairs with reasons, unassigned needs, missed
/// first choices and summary figures.
pub fn render(problem: &Problem, outcome: &Outcome) -> String {
    let mut out = String::new();
    let r = &outcome.solver;
    let _ = writeln!(out, "mentor-match: {}", status_name(r.status));
    if let Some(method) = r.method {
        let _ = writeln!(out, "method {}", method.name());
    }
    let _ = writeln!(
        out,
        "objective {:.4}, best bound {:.4}, gap {:.4}%, {} candidate pairs",
        r.objective,
        r.best_bound,
        r.gap * 100.0,
        r.candidate_pairs
    );
    for level in &r.coverage {
        let _ = writeln!(
            out,
            "  {:<7} needs covered {}/{}",
            level.priority.name(),
            level.covered,
            level.needs
        );
    }

    let _ = writeln!(out, "\nPAIRS ({})", outcome.assignments.len());
    let _ = writeln!(
        out,
        "{:<12} {:<10} {:<28} {:>5} {:>5} {:>7}  why",
        "student", "mentor", "needs", "s.rk", "m.rk", "score"
    );
    for a in &outcome.assignments {
        let needs: Vec<String> = a
            .needs
            .iter()
            .map(|c| {
                let n = &problem.needs[c.need as usize];
                let subject = problem.text.name(n.subject);
                if subject.is_empty() {
                    format!("{}:{}", n.id, n.track)
                } else {
                    format!("{}:{}/{}", n.id, n.track, subject)
                }
            })
            .collect();
        let total: f64 = a.needs.iter().map(|c| c.total).sum();
        let mut why: Vec<String> = a
            .needs
            .iter()
            .map(|c| evidence_sentence(problem, c.evidence))
            .collect();
        why.push(format!("common {}", a.common));
        let weak: Vec<&str> = a
            .needs
            .iter()
            .flat_map(|c| c.matched_weak_points.iter())
            .map(|&w| problem.text.name(w))
            .collect();
        if !weak.is_empty() {
            why.push(format!("strong in {}", weak.join(", ")));
        }
        if a.own_class {
            why.push("head teacher of the student's class".to_string());
        }
        if a.locked {
            why.push("locked".to_string());
        }
        let _ = writeln!(
            out,
            "{:<12} {:<10} {:<28} {:>5} {:>5} {:>7.3}  {}",
            problem.students[a.student as usize].id,
            problem.mentors[a.mentor as usize].id,
            needs.join(" "),
            rank(a.student_rank),
            rank(a.mentor_rank),
            total,
            why.join("; ")
        );
    }

    let _ = writeln!(out, "\nUNASSIGNED NEEDS ({})", outcome.unassigned.len());
    for u in &outcome.unassigned {
        let n = &problem.needs[u.need as usize];
        let _ = writeln!(
            out,
            "- {} need {} ({}, {} priority): {}",
            problem.students[n.student as usize].id,
            n.id,
            need_label(problem, u.need),
            n.priority.name(),
            unassigned_sentence(problem, u)
        );
    }

    if let Some(sh) = &outcome.shortage {
        shortage_section(&mut out, problem, sh);
    }

    let _ = writeln!(out, "\nWHY NOT MY FIRST CHOICE ({})", outcome.misses.len());
    for miss in &outcome.misses {
        let got = miss.best_rank_given.map_or_else(
            || "no ranked mentor".to_string(),
            |r| format!("choice #{r}"),
        );
        let _ = writeln!(
            out,
            "- {} got {got}:",
            problem.students[miss.student as usize].id
        );
        for h in &miss.higher {
            let _ = writeln!(
                out,
                "    #{} {}: {}",
                h.rank,
                problem.mentors[h.mentor as usize].id,
                miss_sentence(problem, &h.reason)
            );
            if let Some(f) = &h.forced {
                let _ = writeln!(out, "      {}", forced_sentence(problem, f));
            }
        }
    }

    if !outcome.blocking.is_empty() {
        let _ = writeln!(
            out,
            "\nSTABILITY ({} blocking pair(s): both would rather have each other)",
            outcome.blocking.len()
        );
        for b in outcome.blocking.iter().take(BLOCKING_PAIRS_PRINTED) {
            let given = b
                .student_best_given
                .map_or("no ranked mentor".to_string(), |r| format!("got #{r}"));
            let room = match b.displaces {
                None => "has room".to_string(),
                Some(t) => format!("would replace {}", problem.students[t as usize].id),
            };
            let _ = writeln!(
                out,
                "- {} ranks {} #{} ({given}); {} ranks {} #{} and {room}",
                problem.students[b.student as usize].id,
                problem.mentors[b.mentor as usize].id,
                b.student_rank,
                problem.mentors[b.mentor as usize].id,
                problem.students[b.student as usize].id,
                b.mentor_rank,
            );
        }
        if outcome.blocking.len() > BLOCKING_PAIRS_PRINTED {
            let _ = writeln!(
                out,
                "  … and {} more (all in --format json)",
                outcome.blocking.len() - BLOCKING_PAIRS_PRINTED
            );
        }
        let _ = writeln!(
            out,
            "price of stability: {}",
            price_sentence(&outcome.price_of_stability)
        );
    }

    let s = &outcome.summary;
    let _ = writeln!(out, "\nSUMMARY");
    let _ = writeln!(
        out,
        "students {}, mentors {}, needs covered {}/{} ({:.1}%), students fully covered {}, without mentor {}",
        s.students,
        s.mentors,
        s.needs_covered,
        s.needs,
        s.coverage * 100.0,
        s.students_fully_covered,
        s.students_without_mentor
    );
    let _ = writeln!(
        out,
        "first choice {:.1}%, top three {:.1}% (students who ranked mentors and got one)",
        s.first_choice_share * 100.0,
        s.top3_share * 100.0
    );
    if s.why_not_priced + s.why_not_unpriced > 0 {
        let _ = writeln!(
            out,
            "passed-over choices with room: {} priced by a forced re-solve, {} not priced",
            s.why_not_priced, s.why_not_unpriced
        );
    }
    for t in &s.tracks {
        let _ = writeln!(
            out,
            "  {:<13} {}/{} covered, first choice {:.1}%, top three {:.1}%",
            t.track.name(),
            t.covered,
            t.needs,
            t.first_choice_share * 100.0,
            t.top3_share * 100.0
        );
    }
    let hist: Vec<String> = s
        .load_histogram
        .iter()
        .enumerate()
        .map(|(k, n)| format!("{k}:{n}"))
        .collect();
    let _ = writeln!(out, "mentor load (students:mentors) {}", hist.join(" "));
    let side = &s.mentor_side;
    let spread = |l: &crate::explain::mentors::LoadSpread| {
        format!(
            "min {} / median {} / max {}, Gini {:.2}",
            l.min, l.median, l.max, l.gini
        )
    };
    let _ = writeln!(
        out,
        "mentors involved {}/{}; load {}",
        side.involved,
        s.mentors,
        spread(&side.spread)
    );
    for track in crate::domain::Track::ALL {
        let (mentors, l) = &side.tracks[track.index()];
        if *mentors > 0 {
            let _ = writeln!(
                out,
                "  {:<13} {} volunteering, students per mentor {}",
                track.name(),
                mentors,
                spread(l)
            );
        }
    }
    if !side.idle.is_empty() {
        use crate::explain::mentors::IdleReason;
        let mut by_reason: Vec<(IdleReason, Vec<&str>)> = Vec::new();
        for i in &side.idle {
            let id = problem.mentors[i.mentor as usize].id.as_str();
            match by_reason.iter_mut().find(|(r, _)| *r == i.reason) {
                Some((_, ids)) => ids.push(id),
                None => by_reason.push((i.reason, vec![id])),
            }
        }
        by_reason.sort_by_key(|(r, _)| std::cmp::Reverse(*r));
        let _ = writeln!(out, "mentors with no student:");
        for (reason, ids) in by_reason {
            let why = match reason {
                IdleReason::Displaced => "could have taken one; the optimum used others",
                IdleReason::Forbidden => "every possible pair is forbidden",
                IdleReason::NoCommonSlot => "no qualified student shares a weekly slot",
                IdleReason::NotVolunteered => "qualified only on tracks not volunteered for",
                IdleReason::NoQualifiedNeed => "qualified for no need",
            };
            let shown: Vec<&str> = ids.iter().take(IDLE_NAMED).copied().collect();
            let more = if ids.len() > IDLE_NAMED {
                format!(" … and {} more", ids.len() - IDLE_NAMED)
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {why}: {}{more}", shown.join(", "));
        }
    }
    out
}

/// Idle mentors named per reason in the text report (all of them are in the JSON).
const IDLE_NAMED: usize = 12;
