//! The edge between protobuf and the domain: the generated types, and the one place that
//! converts requests into [`RawRequest`] and [`Outcome`]s back into responses. Nothing else in
//! the crate touches generated code.
//!
//! Reads the inner layers (domain, rules, score, solver, explain) and `whatif`'s scenario types;
//! must not import the engine, the service or the CLI, which call it.

use crate::domain::model::Problem;
use crate::domain::policy::RiskCredential;
use crate::domain::raw::{
    Coded, RawAffinity, RawChoice, RawCoaching, RawCounselling, RawMentor, RawNeed, RawPair,
    RawPolicy, RawRequest, RawStudent, RawSubject,
};
use crate::domain::validate::Violation;
use crate::domain::{MentorRole, Priority, RiskLevel, Track};
use crate::explain::text::Renderer;
use crate::explain::{self, MissReason, Outcome, SeatHolder, UnassignedReason};
use crate::i18n::Lang;
use crate::rules::{Evidence, RuleFailure};
use crate::score::Part;
use crate::solver::{MethodKind, SolveStatus};

/// Generated protobuf types with proto3-JSON serde impls.
#[allow(clippy::all, missing_docs)]
pub mod pb {
    tonic::include_proto!("mentormatch.v1");
    include!(concat!(env!("OUT_DIR"), "/mentormatch.v1.serde.rs"));

    /// Encoded descriptor set, for server reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/mentormatch_descriptor.bin"));
}

/// A body or file that is not a valid message in the proto3 JSON mapping, with serde's message
/// and position — except where the message would quote a value sent for a risk level (an
/// unknown `riskLevel` such as `"high"`, or a `RISK_LEVEL_*` name in another field): risk is
/// never echoed in an error (callers log errors), so that value is left out.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    message: String,
}

impl From<serde_json::Error> for DecodeError {
    fn from(e: serde_json::Error) -> Self {
        let text = e.to_string();
        let message = if text.contains("RISK_LEVEL_") {
            format!(
                "a value that is not valid there, at line {} column {} (not quoted: it may be a \
                 risk level, which is never echoed); riskLevel takes a RISK_LEVEL_* name of the \
                 RiskLevel enum",
                e.line(),
                e.column()
            )
        } else {
            text
        };
        DecodeError { message }
    }
}

fn coded<P, T>(value: i32, map: impl Fn(P) -> Option<T>) -> Coded<T>
where
    P: TryFrom<i32>,
{
    match P::try_from(value) {
        Ok(p) => map(p).map_or(Coded::Unset, Coded::Set),
        Err(_) => Coded::Invalid(value),
    }
}

fn track(value: i32) -> Coded<Track> {
    coded(value, |t: pb::Track| match t {
        pb::Track::Unspecified => None,
        pb::Track::Academic => Some(Track::Academic),
        pb::Track::Psychological => Some(Track::Psychological),
        pb::Track::Talent => Some(Track::Talent),
    })
}

fn priority(value: i32) -> Coded<Priority> {
    coded(value, |p: pb::Priority| match p {
        pb::Priority::Unspecified => None,
        pb::Priority::Low => Some(Priority::Low),
        pb::Priority::Normal => Some(Priority::Normal),
        pb::Priority::High => Some(Priority::High),
        pb::Priority::Urgent => Some(Priority::Urgent),
    })
}

fn role(value: i32) -> Coded<MentorRole> {
    coded(value, |r: pb::MentorRole| {
        Some(match r {
            pb::MentorRole::Unspecified => MentorRole::Unspecified,
            pb::MentorRole::HeadTeacher => MentorRole::HeadTeacher,
            pb::MentorRole::SubjectTeacher => MentorRole::SubjectTeacher,
            pb::MentorRole::Administrator => MentorRole::Administrator,
            pb::MentorRole::TeachingAssistant => MentorRole::TeachingAssistant,
            pb::MentorRole::ExternalCounsellor => MentorRole::ExternalCounsellor,
            pb::MentorRole::PeerStudent => MentorRole::PeerStudent,
        })
    })
}

fn risk_level(value: i32) -> Coded<RiskLevel> {
    coded(value, |r: pb::RiskLevel| match r {
        pb::RiskLevel::Unspecified => None,
        pb::RiskLevel::Low => Some(RiskLevel::Low),
        pb::RiskLevel::Medium => Some(RiskLevel::Medium),
        pb::RiskLevel::High => Some(RiskLevel::High),
        pb::RiskLevel::Crisis => Some(RiskLevel::Crisis),
    })
}

fn risk_credential(value: i32) -> Coded<RiskCredential> {
    coded(value, |c: pb::RiskCredential| match c {
        pb::RiskCredential::Unspecified => None,
        pb::RiskCredential::TrackRule => Some(RiskCredential::TrackRule),
        pb::RiskCredential::Certificate => Some(RiskCredential::Certificate),
        pb::RiskCredential::Referral => Some(RiskCredential::Referral),
    })
}

fn choices(items: Vec<(String, u32)>) -> Vec<RawChoice> {
    items
        .into_iter()
        .map(|(id, rank)| RawChoice { id, rank })
        .collect()
}

impl From<pb::SolveRequest> for RawRequest {
    fn from(req: pb::SolveRequest) -> Self {
        let policy = req.policy.unwrap_or_default();
        let w = policy.weights.unwrap_or_default();
        let rules = policy.rules.unwrap_or_default();
        RawRequest {
            students: req
                .students
                .into_iter()
                .map(|s| RawStudent {
                    id: s.id,
                    grade: s.grade,
                    class_id: s.class_id,
                    gender: s.gender,
                    needs: s
                        .needs
                        .into_iter()
                        .map(|n| RawNeed {
                            id: n.id,
                            track: track(n.track),
                            subject: n.subject,
                            priority: priority(n.priority),
                            weak_points: n.weak_points,
                            risk_level: risk_level(n.risk_level),
                        })
                        .collect(),
                    availability: s.availability,
                    preferences: choices(
                        s.preferences
                            .into_iter()
                            .map(|c| (c.mentor_id, c.rank))
                            .collect(),
                    ),
                    traits: s.traits,
                    family_hardship: s.family_hardship,
                })
                .collect(),
            mentors: req
                .mentors
                .into_iter()
                .map(|m| {
                    let c = m.counselling.unwrap_or_default();
                    RawMentor {
                        id: m.id,
                        role: role(m.role),
                        grade: m.grade,
                        subjects: m
                            .subjects
                            .into_iter()
                            .map(|s| RawSubject {
                                subject: s.subject,
                                years: s.years,
                                topics: s.topics,
                            })
                            .collect(),
                        counselling: RawCounselling {
                            certificate: c.certificate,
                            trained: c.trained,
                            years: c.years,
                            topics: c.topics,
                        },
                        coaching: m
                            .coaching
                            .into_iter()
                            .map(|c| RawCoaching {
                                domain: c.domain,
                                competitions: c.competitions,
                                topics: c.topics,
                            })
                            .collect(),
                        tracks: m.tracks.into_iter().map(track).collect(),
                        capacity: m.capacity,
                        availability: m.availability,
                        preferences: choices(
                            m.preferences
                                .into_iter()
                                .map(|c| (c.student_id, c.rank))
                                .collect(),
                        ),
                        head_of_classes: m.head_of_classes,
                        traits: m.traits,
                    }
                })
                .collect(),
            locked_pairs: req.locked_pairs.into_iter().map(pair).collect(),
            forbidden_pairs: req.forbidden_pairs.into_iter().map(pair).collect(),
            affinities: req
                .affinities
                .into_iter()
                .map(|a| RawAffinity {
                    student_id: a.student_id,
                    mentor_id: a.mentor_id,
                    score: a.score,
                })
                .collect(),
            policy: RawPolicy {
                student_preference: w.student_preference,
                mentor_preference: w.mentor_preference,
                specialty: w.specialty,
                time_overlap: w.time_overlap,
                personality: w.personality,
                affinity: w.affinity,
                own_class: w.own_class,
                academic_min_years: rules.academic_min_years,
                psychological_requires_certificate: rules.psychological_requires_certificate,
                talent_min_competitions: rules.talent_min_competitions,
                low_risk_requires: risk_credential(rules.low_risk_requires),
                medium_risk_requires: risk_credential(rules.medium_risk_requires),
                high_risk_requires: risk_credential(rules.high_risk_requires),
                crisis_risk_requires: risk_credential(rules.crisis_risk_requires),
                peer_min_grade_gap: rules.peer_min_grade_gap,
                peer_psychological: rules.peer_psychological,
                external_counsellor_any_track: rules.external_counsellor_any_track,
                min_common_slots: policy.min_common_slots,
                max_mentors_per_student: policy.max_mentors_per_student,
                time_limit_seconds: policy.time_limit_seconds,
                relative_gap: policy.relative_gap,
                hardship_raises_priority: policy.hardship_raises_priority,
                risk_raises_priority: policy.risk_raises_priority,
                why_not_costs: policy.why_not_costs,
                why_not_students: policy.why_not_students,
                involve_every_mentor: policy.involve_every_mentor,
                load_spread: policy.load_spread,
            },
        }
    }
}

fn pair(p: pb::PairRef) -> RawPair {
    RawPair {
        student_id: p.student_id,
        mentor_id: p.mentor_id,
    }
}

fn pb_track(t: Track) -> i32 {
    (match t {
        Track::Academic => pb::Track::Academic,
        Track::Psychological => pb::Track::Psychological,
        Track::Talent => pb::Track::Talent,
    }) as i32
}

fn pb_priority(p: Priority) -> i32 {
    (match p {
        Priority::Low => pb::Priority::Low,
        Priority::Normal => pb::Priority::Normal,
        Priority::High => pb::Priority::High,
        Priority::Urgent => pb::Priority::Urgent,
    }) as i32
}

fn pb_role(r: MentorRole) -> i32 {
    (match r {
        MentorRole::Unspecified => pb::MentorRole::Unspecified,
        MentorRole::HeadTeacher => pb::MentorRole::HeadTeacher,
        MentorRole::SubjectTeacher => pb::MentorRole::SubjectTeacher,
        MentorRole::Administrator => pb::MentorRole::Administrator,
        MentorRole::TeachingAssistant => pb::MentorRole::TeachingAssistant,
        MentorRole::ExternalCounsellor => pb::MentorRole::ExternalCounsellor,
        MentorRole::PeerStudent => pb::MentorRole::PeerStudent,
    }) as i32
}

fn pb_risk_level(r: RiskLevel) -> i32 {
    (match r {
        RiskLevel::None => pb::RiskLevel::Unspecified,
        RiskLevel::Low => pb::RiskLevel::Low,
        RiskLevel::Medium => pb::RiskLevel::Medium,
        RiskLevel::High => pb::RiskLevel::High,
        RiskLevel::Crisis => pb::RiskLevel::Crisis,
    }) as i32
}

fn pb_risk_credential(c: RiskCredential) -> i32 {
    (match c {
        RiskCredential::TrackRule => pb::RiskCredential::TrackRule,
        RiskCredential::Certificate => pb::RiskCredential::Certificate,
        RiskCredential::Referral => pb::RiskCredential::Referral,
    }) as i32
}

fn pb_coded<T: Copy>(value: Coded<T>, f: impl Fn(T) -> i32) -> i32 {
    match value {
        Coded::Set(v) => f(v),
        Coded::Unset => 0,
        Coded::Invalid(n) => n,
    }
}

impl From<RawRequest> for pb::SolveRequest {
    fn from(raw: RawRequest) -> Self {
        let p = raw.policy;
        let weights = pb::Weights {
            student_preference: p.student_preference,
            mentor_preference: p.mentor_preference,
            specialty: p.specialty,
            time_overlap: p.time_overlap,
            personality: p.personality,
            affinity: p.affinity,
            own_class: p.own_class,
        };
        let rules = pb::Rules {
            academic_min_years: p.academic_min_years,
            psychological_requires_certificate: p.psychological_requires_certificate,
            talent_min_competitions: p.talent_min_competitions,
            low_risk_requires: pb_coded(p.low_risk_requires, pb_risk_credential),
            medium_risk_requires: pb_coded(p.medium_risk_requires, pb_risk_credential),
            high_risk_requires: pb_coded(p.high_risk_requires, pb_risk_credential),
            crisis_risk_requires: pb_coded(p.crisis_risk_requires, pb_risk_credential),
            peer_min_grade_gap: p.peer_min_grade_gap,
            peer_psychological: p.peer_psychological,
            external_counsellor_any_track: p.external_counsellor_any_track,
        };
        let policy = pb::Policy {
            weights: (weights != pb::Weights::default()).then_some(weights),
            rules: (rules != pb::Rules::default()).then_some(rules),
            min_common_slots: p.min_common_slots,
            max_mentors_per_student: p.max_mentors_per_student,
            time_limit_seconds: p.time_limit_seconds,
            relative_gap: p.relative_gap,
            hardship_raises_priority: p.hardship_raises_priority,
            risk_raises_priority: p.risk_raises_priority,
            why_not_costs: p.why_not_costs,
            why_not_students: p.why_not_students,
            involve_every_mentor: p.involve_every_mentor,
            load_spread: p.load_spread,
        };
        pb::SolveRequest {
            students: raw
                .students
                .into_iter()
                .map(|s| pb::Student {
                    id: s.id,
                    grade: s.grade,
                    class_id: s.class_id,
                    gender: s.gender,
                    needs: s
                        .needs
                        .into_iter()
                        .map(|n| pb::Need {
                            id: n.id,
                            track: pb_coded(n.track, pb_track),
                            subject: n.subject,
                            priority: pb_coded(n.priority, pb_priority),
                            weak_points: n.weak_points,
                            risk_level: pb_coded(n.risk_level, pb_risk_level),
                        })
                        .collect(),
                    availability: s.availability,
                    preferences: s
                        .preferences
                        .into_iter()
                        .map(|c| pb::MentorChoice {
                            mentor_id: c.id,
                            rank: c.rank,
                        })
                        .collect(),
                    traits: s.traits,
                    family_hardship: s.family_hardship,
                })
                .collect(),
            mentors: raw
                .mentors
                .into_iter()
                .map(|m| pb::Mentor {
                    id: m.id,
                    role: pb_coded(m.role, pb_role),
                    subjects: m
                        .subjects
                        .into_iter()
                        .map(|s| pb::SubjectExperience {
                            subject: s.subject,
                            years: s.years,
                            topics: s.topics,
                        })
                        .collect(),
                    counselling: (m.counselling != RawCounselling::default()).then_some(
                        pb::Counselling {
                            certificate: m.counselling.certificate,
                            trained: m.counselling.trained,
                            years: m.counselling.years,
                            topics: m.counselling.topics,
                        },
                    ),
                    coaching: m
                        .coaching
                        .into_iter()
                        .map(|c| pb::CoachingExperience {
                            domain: c.domain,
                            competitions: c.competitions,
                            topics: c.topics,
                        })
                        .collect(),
                    tracks: m
                        .tracks
                        .into_iter()
                        .map(|t| pb_coded(t, pb_track))
                        .collect(),
                    capacity: m.capacity,
                    availability: m.availability,
                    preferences: m
                        .preferences
                        .into_iter()
                        .map(|c| pb::StudentChoice {
                            student_id: c.id,
                            rank: c.rank,
                        })
                        .collect(),
                    head_of_classes: m.head_of_classes,
                    traits: m.traits,
                    grade: m.grade,
                })
                .collect(),
            locked_pairs: raw.locked_pairs.into_iter().map(pb_pair).collect(),
            forbidden_pairs: raw.forbidden_pairs.into_iter().map(pb_pair).collect(),
            affinities: raw
                .affinities
                .into_iter()
                .map(|a| pb::Affinity {
                    student_id: a.student_id,
                    mentor_id: a.mentor_id,
                    score: a.score,
                })
                .collect(),
            policy: (policy != pb::Policy::default()).then_some(policy),
            // The language of a response is the caller's, not the school's.
            locale: String::new(),
        }
    }
}

fn pb_pair(p: RawPair) -> pb::PairRef {
    pb::PairRef {
        student_id: p.student_id,
        mentor_id: p.mentor_id,
    }
}

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

fn holder(problem: &Problem, h: &SeatHolder) -> pb::SeatHolder {
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

fn qualification_failure(f: RuleFailure) -> i32 {
    use pb::QualificationFailure as Q;
    (match f {
        RuleFailure::DoesNotTeach { .. } => Q::DoesNotTeach,
        RuleFailure::TooFewYears { .. } => Q::TooFewYears,
        RuleFailure::NoCounsellingCredential => Q::NoCounsellingCredential,
        RuleFailure::CertificateRequired => Q::CertificateRequired,
        RuleFailure::DoesNotCoach { .. } => Q::DoesNotCoach,
        RuleFailure::TooFewCompetitions { .. } => Q::TooFewCompetitions,
        RuleFailure::RiskReferral => Q::RiskReferral,
        RuleFailure::RiskCertificateRequired => Q::RiskCertificateRequired,
        RuleFailure::PeerGradeNotLower => Q::PeerGradeNotLower,
        RuleFailure::PeerNotPsychological => Q::PeerNotPsychological,
        RuleFailure::CounsellorPsychologicalOnly => Q::CounsellorPsychologicalOnly,
    }) as i32
}

/// Converts an explained outcome into the response message.
pub fn response(problem: &Problem, outcome: &Outcome) -> pb::SolveResponse {
    response_in(problem, outcome, Lang::En)
}

/// As [`response`], with the texts for people (failed rules, notes, change details) in `lang`.
pub fn response_in(problem: &Problem, outcome: &Outcome, lang: Lang) -> pb::SolveResponse {
    let text = Renderer::new(problem, lang);
    let sid = |s: u32| problem.students[s as usize].id.clone();
    let mid = |m: u32| problem.mentors[m as usize].id.clone();
    let r = &outcome.solver;
    let solver = pb::SolverReport {
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
            })
            .collect(),
        candidate_pairs: r.candidate_pairs,
        method: match r.method {
            None => pb::SolveMethod::Unspecified,
            Some(MethodKind::Network) => pb::SolveMethod::Network,
            Some(MethodKind::NetworkSide) => pb::SolveMethod::NetworkSide,
            Some(MethodKind::IntegerProgram) => pb::SolveMethod::IntegerProgram,
        } as i32,
    };
    let assignments = outcome
        .assignments
        .iter()
        .map(|a| pb::Assignment {
            student_id: sid(a.student),
            mentor_id: mid(a.mentor),
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
        })
        .collect();
    let unassigned = outcome
        .unassigned
        .iter()
        .map(|u| {
            let n = &problem.needs[u.need as usize];
            pb::UnassignedNeed {
                student_id: sid(n.student),
                need_id: n.id.clone(),
                track: pb_track(n.track),
                subject: problem.text.name(n.subject).to_string(),
                priority: pb_priority(n.priority),
                reason: unassigned_reason(u.reason),
                qualified_mentor_ids: u.qualified.iter().map(|&m| mid(m)).collect(),
                qualified_mentor_count: u.qualified_count,
                full_mentor_count: u.full_count,
                full_mentors: u
                    .full
                    .iter()
                    .map(|f| pb::MentorSeats {
                        mentor_id: mid(f.mentor),
                        capacity: f.capacity,
                        holders: f.holders.iter().map(|h| holder(problem, h)).collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    let preference_misses = outcome
        .misses
        .iter()
        .map(|miss| pb::PreferenceMiss {
            student_id: sid(miss.student),
            best_rank_given: miss.best_rank_given,
            higher_choices: miss
                .higher
                .iter()
                .map(|h| higher_choice(&text, h))
                .collect(),
        })
        .collect();
    let s = &outcome.summary;
    let summary = pb::Summary {
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
                mentor_id: mid(i.mentor),
                reason: idle_reason(i.reason),
            })
            .collect(),
        load_spread: Some(load_spread(&s.mentor_side.spread)),
        load_histogram: s.load_histogram.clone(),
        mentor_loads: s
            .loads
            .iter()
            .map(|&(m, students)| pb::MentorLoad {
                mentor_id: mid(m),
                students,
                capacity: problem.mentors[m as usize].capacity,
            })
            .collect(),
        why_not_priced: s.why_not_priced,
        why_not_unpriced: s.why_not_unpriced,
    };
    pb::SolveResponse {
        solver: Some(solver),
        assignments,
        unassigned,
        preference_misses,
        summary: Some(summary),
        stability: Some(stability(
            &text,
            &outcome.blocking,
            &outcome.price_of_stability,
        )),
        shortage: outcome.shortage.as_ref().map(|sh| shortage(&text, sh)),
    }
}

fn shortage(text: &Renderer, sh: &crate::shortage::Shortage) -> pb::Shortage {
    let problem = text.problem;
    use crate::shortage::{ChangeKind, GainMethod, Gains};
    let need_refs = |list: &[u32]| -> Vec<pb::NeedRef> {
        list.iter()
            .take(explain::text::CHANGE_NEEDS_NAMED)
            .map(|&n| {
                let need = &problem.needs[n as usize];
                pb::NeedRef {
                    student_id: problem.students[need.student as usize].id.clone(),
                    need_id: need.id.clone(),
                    priority: pb_priority(need.priority),
                }
            })
            .collect()
    };
    pb::Shortage {
        gaps: sh
            .gaps
            .iter()
            .map(|g| pb::SupplyGap {
                track: pb_track(g.track),
                subject: problem.text.name(g.subject).to_string(),
                coverage: Priority::DESCENDING
                    .iter()
                    .filter(|&&p| g.needs[p as usize] > 0)
                    .map(|&p| pb::PriorityCoverage {
                        priority: pb_priority(p),
                        needs: g.needs[p as usize],
                        covered: g.needs[p as usize] - g.unassigned[p as usize],
                    })
                    .collect(),
                unassigned: g.unassigned_total(),
                qualified_volunteers: g.qualified_volunteers,
                full_volunteers: g.full_volunteers,
                qualified_not_volunteering: g.qualified_not_volunteering,
                unshared_slots: g.unshared_slots.names(),
            })
            .collect(),
        changes: sh
            .changes
            .iter()
            .map(|c| {
                let mut out = pb::ShortageChange {
                    kind: 0,
                    mentor_id: problem.mentors[c.mentor as usize].id.clone(),
                    capacity: 0,
                    track: 0,
                    slot: String::new(),
                    coverage_gain: level_counts(&c.coverage_gain),
                    fit_change: c.fit_change,
                    covered_needs: need_refs(&c.covered),
                    covered_need_count: c.covered.len() as u32,
                    uncovered_needs: need_refs(&c.uncovered),
                    uncovered_need_count: c.uncovered.len() as u32,
                    method: match c.method {
                        GainMethod::Residual => pb::ShortageGainMethod::Residual,
                        GainMethod::ReSolve => pb::ShortageGainMethod::ReSolve,
                    } as i32,
                    detail: text.change(c),
                };
                out.kind = match c.kind {
                    ChangeKind::AddSeat => {
                        out.capacity = problem.mentors[c.mentor as usize].capacity;
                        pb::ShortageChangeKind::AddSeat
                    }
                    ChangeKind::Volunteer(track) => {
                        out.track = pb_track(track);
                        pb::ShortageChangeKind::Volunteer
                    }
                    ChangeKind::AddSlot(bit) => {
                        out.slot = crate::domain::slots::slot_name(bit);
                        pb::ShortageChangeKind::AddSlot
                    }
                } as i32;
                out
            })
            .collect(),
        changes_with_gain: sh.with_gain,
        changes_evaluated: sh.evaluated,
        changes_not_evaluated: sh.not_evaluated,
        gains_computed: sh.gains == Gains::Computed,
        gains_note: match &sh.gains {
            Gains::Computed => String::new(),
            Gains::NotComputed(why) => text.not_computed(why),
        },
    }
}

/// Blocking pairs listed in a response; the count is always whole.
const BLOCKING_PAIRS_LISTED: usize = 1_000;

fn stability(
    text: &Renderer,
    blocking: &[explain::BlockingPair],
    price: &explain::PriceOfStability,
) -> pb::Stability {
    use explain::PriceOfStability as P;
    let problem = text.problem;
    let w = text.w;
    let sid = |s: u32| problem.students[s as usize].id.clone();
    let (price_of_stability, note, coverage) = match price {
        P::Stable => (
            Some(0.0),
            w.t("explain.stability_note.stable").to_string(),
            None,
        ),
        P::Priced {
            coverage_change,
            fit_change,
        } => (
            Some(*fit_change),
            w.t("explain.stability_note.priced").to_string(),
            Some(coverage_change),
        ),
        P::NoStablePlan => (None, w.t("explain.price.no_stable_plan").to_string(), None),
        P::NotComputed(why) => (
            None,
            w.f(
                "explain.stability_note.not_computed",
                &[("why", &text.not_computed(why))],
            ),
            None,
        ),
    };
    pb::Stability {
        price_of_stability,
        price_of_stability_note: note,
        stable_coverage_change: coverage.map_or_else(Vec::new, level_counts),
        blocking_pair_count: blocking.len() as u32,
        blocking_pairs: blocking
            .iter()
            .take(BLOCKING_PAIRS_LISTED)
            .map(|b| pb::BlockingPair {
                student_id: sid(b.student),
                mentor_id: problem.mentors[b.mentor as usize].id.clone(),
                student_rank: b.student_rank,
                student_best_given_rank: b.student_best_given,
                mentor_rank: b.mentor_rank,
                displaces_student_id: b.displaces.map(sid).unwrap_or_default(),
            })
            .collect(),
    }
}

fn higher_choice(text: &Renderer, h: &explain::HigherChoice) -> pb::HigherChoice {
    let problem = text.problem;
    use pb::MissReason as M;
    let mut out = pb::HigherChoice {
        mentor_id: problem.mentors[h.mentor as usize].id.clone(),
        rank: h.rank,
        reason: 0,
        failed_rules: Vec::new(),
        failed_qualifications: Vec::new(),
        common_slots: 0,
        holders: Vec::new(),
        forced_cost: h.forced.as_ref().map(|f| forced_cost(problem, f)),
    };
    out.reason = match &h.reason {
        MissReason::NotQualified(failures) => {
            for &(n, f) in failures {
                let need = &problem.needs[n as usize];
                let detail = text.rule_failure(f);
                out.failed_rules.push(text.failed_rule(n, f));
                out.failed_qualifications.push(pb::FailedQualification {
                    need_id: need.id.clone(),
                    reason: qualification_failure(f),
                    detail,
                });
            }
            M::NotQualified
        }
        MissReason::NotVolunteered => M::NotVolunteered,
        MissReason::NoCommonSlot { common } => {
            out.common_slots = *common;
            M::NoCommonSlot
        }
        MissReason::Forbidden => M::Forbidden,
        MissReason::Full(holders) => {
            out.holders = holders.iter().map(|x| holder(problem, x)).collect();
            M::Full
        }
        MissReason::BetterOverall => M::BetterOverall,
    } as i32;
    out
}

/// A change per priority (index `Priority as usize`), urgent first, as the proto lists it.
fn level_counts(change: &[i32; 4]) -> Vec<pb::LevelCount> {
    Priority::DESCENDING
        .iter()
        .map(|&p| pb::LevelCount {
            priority: pb_priority(p),
            count: change[p as usize],
        })
        .collect()
}

fn forced_cost(problem: &Problem, f: &explain::ForcedCost) -> pb::ForcedCost {
    pb::ForcedCost {
        coverage_change: level_counts(&f.coverage_change),
        fit_change: f.fit_change,
        changed_student_ids: f
            .changed_students
            .iter()
            .take(explain::FORCED_COST_NAMED)
            .map(|&s| problem.students[s as usize].id.clone())
            .collect(),
        changed_students: f.changed_students.len() as u32,
        proven: f.proven,
    }
}

fn evaluation(value: i32) -> Coded<crate::rematch::Evaluation> {
    use crate::rematch::Evaluation;
    coded(value, |e: pb::Evaluation| match e {
        pb::Evaluation::Unspecified => None,
        pb::Evaluation::Working => Some(Evaluation::Working),
        pb::Evaluation::NotWorking => Some(Evaluation::NotWorking),
        pb::Evaluation::Ended => Some(Evaluation::Ended),
    })
}

fn keep_mode(value: i32) -> Coded<crate::rematch::KeepMode> {
    use crate::rematch::KeepMode;
    coded(value, |k: pb::KeepMode| match k {
        pb::KeepMode::Unspecified => None,
        pb::KeepMode::Lock => Some(KeepMode::Lock),
        pb::KeepMode::Penalty => Some(KeepMode::Penalty),
    })
}

impl From<pb::RematchRequest> for crate::rematch::RawRematch {
    fn from(req: pb::RematchRequest) -> Self {
        let policy = req.rematch.unwrap_or_default();
        crate::rematch::RawRematch {
            request: req.request.map(RawRequest::from),
            current: req
                .current_pairs
                .into_iter()
                .map(|c| crate::rematch::RawCurrentPair {
                    student_id: c.student_id,
                    mentor_id: c.mentor_id,
                    need_ids: c.need_ids,
                    evaluation: evaluation(c.evaluation),
                })
                .collect(),
            keep_mode: keep_mode(policy.keep_mode),
            change_penalty: policy.change_penalty,
            max_changes: policy.max_changes,
        }
    }
}

/// The language a request's `locale` field asks for (empty: English), or the violation naming
/// the field and the tag (clipped).
pub fn locale(tag: &str, path: &str) -> Result<Lang, crate::domain::validate::InvalidRequest> {
    use crate::domain::validate::{InvalidRequest, ViolationCode};
    tag.parse::<Lang>().map_err(|_| InvalidRequest {
        violations: vec![Violation {
            path: path.to_string(),
            code: ViolationCode::UnknownLocale,
            message: format!(
                "locale {:?} is not supported (supported: {})",
                crate::domain::clip(tag),
                Lang::ALL.map(Lang::tag).join(", ")
            ),
        }],
    })
}

/// Converts a rematch result into the response message.
pub fn rematch_response(r: &crate::rematch::RematchOutcome) -> pb::RematchResponse {
    rematch_response_in(r, Lang::En)
}

/// As [`rematch_response`], with the texts for people in `lang`.
pub fn rematch_response_in(r: &crate::rematch::RematchOutcome, lang: Lang) -> pb::RematchResponse {
    let words = crate::explain::words::Words::new(lang);
    use crate::rematch::{ChangeKind, ChangeReason};
    let kind = |k: ChangeKind| {
        (match k {
            ChangeKind::Kept => pb::ChangeKind::Kept,
            ChangeKind::Moved => pb::ChangeKind::Moved,
            ChangeKind::New => pb::ChangeKind::New,
            ChangeKind::Ended => pb::ChangeKind::Ended,
        }) as i32
    };
    let reason = |r: ChangeReason| {
        use pb::ChangeReason as P;
        (match r {
            ChangeReason::Working => P::Working,
            ChangeReason::NotWorking => P::NotWorking,
            ChangeReason::NeedsEnded => P::NeedsEnded,
            ChangeReason::StudentLeft => P::StudentLeft,
            ChangeReason::MentorLeft => P::MentorLeft,
            ChangeReason::RuleNoLongerHolds => P::RuleNoLongerHolds,
            ChangeReason::CapacityShrank => P::CapacityShrank,
            ChangeReason::Coverage => P::Coverage,
            ChangeReason::BetterFit => P::BetterFit,
            ChangeReason::NewNeed => P::NewNeed,
        }) as i32
    };
    pb::RematchResponse {
        result: Some(response_in(&r.problem, &r.outcome, lang)),
        changes: r
            .changes
            .iter()
            .map(|c| pb::PairChange {
                kind: kind(c.kind),
                reason: reason(c.reason),
                student_id: c.student_id.clone(),
                from_mentor_id: c.from_mentor_id.clone(),
                to_mentor_id: c.to_mentors_joined(),
                need_ids: c.need_ids.clone(),
                forced_by: c
                    .forced_by
                    .iter()
                    .map(|h| {
                        words.f(
                            "report.rematch.seat_need",
                            &[
                                ("student", &h.student_id),
                                ("need", &h.need_id),
                                ("priority", &words.priority(h.priority)),
                            ],
                        )
                    })
                    .collect(),
                detail: crate::explain::changes::change_detail(c, lang),
                seat_holders: c
                    .forced_by
                    .iter()
                    .map(|h| pb::SeatNeed {
                        student_id: h.student_id.clone(),
                        need_id: h.need_id.clone(),
                        priority: pb_priority(h.priority),
                    })
                    .collect(),
                capacity_now: c.capacity_shrank.map(|x| x.capacity),
                working_pairs_before: c.capacity_shrank.map(|x| x.working_pairs_before),
            })
            .collect(),
        kept: r.count(ChangeKind::Kept),
        moved: r.count(ChangeKind::Moved),
        created: r.count(ChangeKind::New),
        ended: r.count(ChangeKind::Ended),
        voluntary_changes: r.voluntary_changes,
    }
}

impl From<pb::Scenario> for crate::whatif::Scenario {
    fn from(s: pb::Scenario) -> Self {
        use crate::whatif::Change;
        use pb::scenario_change::Change as C;
        crate::whatif::Scenario {
            name: s.name,
            changes: s
                .changes
                .into_iter()
                .map(|c| {
                    let Some(change) = c.change else {
                        return Change::Missing;
                    };
                    match change {
                        C::Force(p) => Change::Force {
                            student_id: p.student_id,
                            mentor_id: p.mentor_id,
                        },
                        C::Forbid(p) => Change::Forbid {
                            student_id: p.student_id,
                            mentor_id: p.mentor_id,
                        },
                        C::RemoveMentor(mentor_id) => Change::RemoveMentor { mentor_id },
                        C::Capacity(c) => Change::Capacity {
                            mentor_id: c.mentor_id,
                            capacity: c.capacity,
                        },
                        C::AddSlot(c) => Change::AddSlot {
                            mentor_id: c.mentor_id,
                            slot: c.slot,
                        },
                    }
                })
                .collect(),
        }
    }
}

/// Converts a what-if result into the response message.
pub fn whatif_response(w: &crate::whatif::WhatIfOutcome) -> pb::WhatIfResponse {
    whatif_response_in(w, Lang::En)
}

/// As [`whatif_response`], with the texts for people in `lang`.
pub fn whatif_response_in(w: &crate::whatif::WhatIfOutcome, lang: Lang) -> pb::WhatIfResponse {
    pb::WhatIfResponse {
        base: Some(response_in(&w.problem, &w.base, lang)),
        scenarios: w
            .scenarios
            .iter()
            .map(|s| pb::ScenarioResult {
                name: s.name.clone(),
                coverage_change: level_counts(&s.coverage_change),
                fit_change: s.fit_change,
                result: Some(rematch_response_in(&s.rematch, lang)),
            })
            .collect(),
    }
}
