//! Domain → proto for a solve: an explained [`Outcome`] into a [`pb::SolveResponse`] (the
//! solver's report, the pairs with their evidence and score, the needs left unpaired, the
//! summary), and a validation problem into a [`pb::Violation`]. The sections with their own
//! subject are in `misses`, `stability` and `shortage`.
//!
//! Imports the domain, the rules' evidence, the score's parts, the solver's status and the
//! explanation's data and renderer; must not import tonic, the engine, the service or the CLI.

use super::enums::{pb_priority, pb_track};
use super::misses::preference_miss;
use super::pb;
use super::shortage::shortage;
use super::stability::stability;
use crate::domain::model::{MentorIx, Problem, StudentIx};
use crate::domain::validate::Violation;
use crate::domain::Priority;
use crate::explain::{self, Outcome, SeatHolder, UnassignedReason};
use crate::i18n::Lang;
use crate::render::text::Renderer;
use crate::rules::Evidence;
use crate::score::Part;
use crate::solver::{MethodKind, SolveStatus};

/// A validation problem as a response entry.
pub fn violation(v: &Violation) -> pb::Violation {
    pb::Violation {
        field: v.path.clone(),
        code: v.code.code().to_string(),
        description: v.message.clone(),
    }
}

fn load_spread(s: &crate::explain::mentors::LoadSpread) -> pb::LoadSpread {
    pb::LoadSpread {
        min: s.min,
        median: s.median,
        max: s.max,
        gini: s.gini,
    }
}

fn idle_reason(r: crate::explain::mentors::IdleReason) -> i32 {
    use crate::explain::mentors::IdleReason;
    (match r {
        IdleReason::NoQualifiedNeed => pb::IdleReason::NoQualifiedNeed,
        IdleReason::NotVolunteered => pb::IdleReason::NotVolunteered,
        IdleReason::NoCommonSlot => pb::IdleReason::NoCommonSlot,
        IdleReason::Forbidden => pb::IdleReason::Forbidden,
        IdleReason::Displaced => pb::IdleReason::Displaced,
    }) as i32
}

fn status(s: SolveStatus) -> i32 {
    (match s {
        SolveStatus::Optimal => pb::SolveStatus::Optimal,
        SolveStatus::GapLimit => pb::SolveStatus::GapLimit,
        SolveStatus::TimeLimit => pb::SolveStatus::TimeLimit,
        SolveStatus::Infeasible => pb::SolveStatus::Infeasible,
    }) as i32
}

fn qualification(problem: &Problem, e: Evidence) -> pb::Qualification {
    use pb::QualificationRule as R;
    let t = |s| problem.text.name(s).to_string();
    match e {
        Evidence::TeachesSubject { subject, years } => pb::Qualification {
            rule: R::TeachesSubject as i32,
            subject: t(subject),
            years,
            competitions: 0,
        },
        Evidence::CounsellorCertificate { years } => pb::Qualification {
            rule: R::CounsellorCertificate as i32,
            subject: String::new(),
            years,
            competitions: 0,
        },
        Evidence::PsychologicalTraining { years } => pb::Qualification {
            rule: R::PsychologicalTraining as i32,
            subject: String::new(),
            years,
            competitions: 0,
        },
        Evidence::CoachesDomain {
            domain,
            competitions,
        } => pb::Qualification {
            rule: R::CoachesDomain as i32,
            subject: t(domain),
            years: 0,
            competitions,
        },
    }
}

pub(super) fn holder(problem: &Problem, h: &SeatHolder) -> pb::SeatHolder {
    pb::SeatHolder {
        student_id: problem.students[h.student as usize].id.clone(),
        priority: pb_priority(h.priority),
        student_rank: h.student_rank,
        mentor_rank: h.mentor_rank,
    }
}

fn unassigned_reason(r: UnassignedReason) -> i32 {
    use pb::UnassignedReason as U;
    (match r {
        UnassignedReason::NoQualifiedMentor => U::NoQualifiedMentor,
        UnassignedReason::NotVolunteered => U::NotVolunteered,
        UnassignedReason::NoCommonSlot => U::NoCommonSlot,
        UnassignedReason::Forbidden => U::Forbidden,
        UnassignedReason::CandidatesFull => U::CandidatesFull,
        UnassignedReason::StudentMentorLimit => U::StudentMentorLimit,
        UnassignedReason::SolverLimit => U::SolverLimit,
        UnassignedReason::Referral => U::Referral,
    }) as i32
}

/// Converts an explained outcome into the response message.
pub fn response(problem: &Problem, outcome: &Outcome) -> pb::SolveResponse {
    response_in(problem, outcome, Lang::En)
}

/// As [`response`], with the texts for people (failed rules, notes, change details) in `lang`.
pub fn response_in(problem: &Problem, outcome: &Outcome, lang: Lang) -> pb::SolveResponse {
    let text = Renderer::new(problem, lang);
    pb::SolveResponse {
        solver: Some(solver_report(&outcome.solver)),
        assignments: outcome
            .assignments
            .iter()
            .map(|a| assignment(problem, a))
            .collect(),
        unassigned: outcome
            .unassigned
            .iter()
            .map(|u| unassigned_need(problem, u))
            .collect(),
        preference_misses: outcome
            .misses
            .iter()
            .map(|miss| preference_miss(&text, miss))
            .collect(),
        summary: Some(summary(problem, &outcome.summary)),
        stability: Some(stability(
            &text,
            &outcome.blocking,
            &outcome.price_of_stability,
        )),
        shortage: outcome.shortage.as_ref().map(|sh| shortage(&text, sh)),
    }
}

fn sid(problem: &Problem, s: StudentIx) -> String {
    problem.students[s as usize].id.clone()
}

fn mid(problem: &Problem, m: MentorIx) -> String {
    problem.mentors[m as usize].id.clone()
}

fn solver_report(r: &explain::SolverReport) -> pb::SolverReport {
    pb::SolverReport {
        status: status(r.status),
        objective: r.objective,
        best_bound: r.best_bound,
        gap: r.gap,
        coverage: r
            .coverage
            .iter()
            .map(|c| pb::PriorityCoverage {
                priority: pb_priority(c.priority),
                needs: c.needs,
                covered: c.covered,
                at_most: c.at_most,
            })
            .collect(),
        candidate_pairs: r.candidate_pairs,
        method: match r.method {
            None => pb::SolveMethod::Unspecified,
            Some(MethodKind::Network) => pb::SolveMethod::Network,
            Some(MethodKind::NetworkSide) => pb::SolveMethod::NetworkSide,
            Some(MethodKind::IntegerProgram) => pb::SolveMethod::IntegerProgram,
        } as i32,
    }
}

fn assignment(problem: &Problem, a: &explain::Assignment) -> pb::Assignment {
    pb::Assignment {
        student_id: sid(problem, a.student),
        mentor_id: mid(problem, a.mentor),
        needs: a
            .needs
            .iter()
            .map(|c| {
                let n = &problem.needs[c.need as usize];
                let k = &c.components;
                pb::CoveredNeed {
                    need_id: n.id.clone(),
                    track: pb_track(n.track),
                    subject: problem.text.name(n.subject).to_string(),
                    priority: pb_priority(n.priority),
                    qualification: Some(qualification(problem, c.evidence)),
                    matched_weak_points: c
                        .matched_weak_points
                        .iter()
                        .map(|&w| problem.text.name(w).to_string())
                        .collect(),
                    score: Some(pb::ScoreBreakdown {
                        student_preference: k[Part::StudentPreference],
                        mentor_preference: k[Part::MentorPreference],
                        specialty: k[Part::Specialty],
                        time_overlap: k[Part::TimeOverlap],
                        personality: k[Part::Personality],
                        affinity: k[Part::Affinity],
                        own_class: k[Part::OwnClass],
                        total: c.total,
                        continuity: k.continuity,
                    }),
                }
            })
            .collect(),
        student_rank: a.student_rank,
        mentor_rank: a.mentor_rank,
        common_slots: a.common.names(),
        locked: a.locked,
        own_class: a.own_class,
        shared_traits: a
            .shared_traits
            .iter()
            .map(|&t| problem.text.name(t).to_string())
            .collect(),
    }
}

fn unassigned_need(problem: &Problem, u: &explain::Unassigned) -> pb::UnassignedNeed {
    let n = &problem.needs[u.need as usize];
    pb::UnassignedNeed {
        student_id: sid(problem, n.student),
        need_id: n.id.clone(),
        track: pb_track(n.track),
        subject: problem.text.name(n.subject).to_string(),
        priority: pb_priority(n.priority),
        reason: unassigned_reason(u.reason),
        qualified_mentor_ids: u.qualified.iter().map(|&m| mid(problem, m)).collect(),
        qualified_mentor_count: u.qualified_count,
        full_mentor_count: u.full_count,
        full_mentors: u
            .full
            .iter()
            .map(|f| pb::MentorSeats {
                mentor_id: mid(problem, f.mentor),
                capacity: f.capacity,
                holders: f.holders.iter().map(|h| holder(problem, h)).collect(),
            })
            .collect(),
    }
}

fn summary(problem: &Problem, s: &explain::Summary) -> pb::Summary {
    pb::Summary {
        students: s.students,
        mentors: s.mentors,
        needs: s.needs,
        needs_covered: s.needs_covered,
        coverage: s.coverage,
        students_fully_covered: s.students_fully_covered,
        students_without_mentor: s.students_without_mentor,
        first_choice_share: s.first_choice_share,
        top3_share: s.top3_share,
        tracks: s
            .tracks
            .iter()
            .map(|t| pb::TrackSummary {
                track: pb_track(t.track),
                needs: t.needs,
                covered: t.covered,
                first_choice_share: t.first_choice_share,
                top3_share: t.top3_share,
                mentors: s.mentor_side.tracks[t.track.index()].0,
                load_spread: Some(load_spread(&s.mentor_side.tracks[t.track.index()].1)),
            })
            .collect(),
        mentors_involved: s.mentor_side.involved,
        idle_mentors: s
            .mentor_side
            .idle
            .iter()
            .map(|i| pb::IdleMentor {
                mentor_id: mid(problem, i.mentor),
                reason: idle_reason(i.reason),
            })
            .collect(),
        load_spread: Some(load_spread(&s.mentor_side.spread)),
        load_histogram: s.load_histogram.clone(),
        mentor_loads: s
            .loads
            .iter()
            .map(|&(m, students)| pb::MentorLoad {
                mentor_id: mid(problem, m),
                students,
                capacity: problem.mentors[m as usize].capacity,
            })
            .collect(),
        why_not_priced: s.why_not_priced,
        why_not_unpriced: s.why_not_unpriced,
    }
}

/// A change per priority (index `Priority as usize`), urgent first, as the proto lists it.
pub(super) fn level_counts(change: &[i32; 4]) -> Vec<pb::LevelCount> {
    Priority::DESCENDING
        .iter()
        .map(|&p| pb::LevelCount {
            priority: pb_priority(p),
            count: change[p as usize],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::ViolationCode;
    use crate::test_school;

    #[test]
    fn a_violation_keeps_its_path_code_and_message() {
        let v = violation(&Violation {
            path: "mentors[0].capacity".into(),
            code: ViolationCode::CapacityOutOfRange,
            message: "capacity 9 is outside 1..=5".into(),
        });
        assert_eq!(v.field, "mentors[0].capacity");
        assert_eq!(v.code, ViolationCode::CapacityOutOfRange.code());
        assert_eq!(v.description, "capacity 9 is outside 1..=5");
    }

    #[test]
    fn the_response_names_pairs_by_id_with_their_evidence_and_summary() {
        let problem = test_school::problem(test_school::json());
        let outcome = crate::engine::solve(&problem).expect("the test school solves");
        let r = response(&problem, &outcome);
        let pairs: Vec<(&str, &str)> = r
            .assignments
            .iter()
            .map(|a| (a.student_id.as_str(), a.mentor_id.as_str()))
            .collect();
        assert_eq!(pairs.len(), outcome.assignments.len());
        for (a, out) in outcome.assignments.iter().zip(&r.assignments) {
            assert_eq!(out.student_id, problem.students[a.student as usize].id);
            assert_eq!(out.needs.len(), a.needs.len());
            let q = out.needs[0].qualification.as_ref().expect("evidence");
            assert_eq!(q.rule, pb::QualificationRule::TeachesSubject as i32);
            assert_eq!(q.subject, "math");
        }
        let summary = r.summary.expect("a summary");
        assert_eq!(summary.students, 2);
        assert_eq!(summary.mentor_loads.len(), outcome.summary.loads.len());
        let solver = r.solver.expect("the solver's report");
        assert_eq!(solver.status, pb::SolveStatus::Optimal as i32);
        assert_ne!(solver.method, pb::SolveMethod::Unspecified as i32);
    }
}
