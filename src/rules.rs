//! Hard rules: track qualification (the rule table of domain.md, with the rules a need's
//! psychological risk and a mentor's role add to it), volunteering, common weekly slots and
//! forbidden pairs; and the sparse candidate set built from them. [`qualify`] is the one
//! source of truth for who may take which need: validation, the candidate set, explanations
//! and rematches all ask it. Only candidate pairs become variables, so the model grows with
//! the pairs that could be made, not with students × mentors.
//!
//! Imports the domain and `score` only; never the solver, `explain`, the engine or an outer
//! layer (validation reaches these rules through `crate::admit`, not the other way round).
//!
//! Imports the domain, `score` and `parallel`; must not import the solver or anything above it.

use std::collections::HashMap;

use crate::domain::model::{MentorIx, NeedIx, Problem, Student, StudentIx, Sym};
use crate::domain::policy::{RiskCredential, Rules};
use crate::domain::slots::SlotSet;
use crate::domain::{model::Mentor, model::Need, MentorRole, RiskLevel, Track};
use crate::score;

/// Which rule qualified a mentor (a domain type, so `score` can read it without importing this
/// module); re-exported here, where it is found.
pub use crate::domain::evidence::Evidence;

/// Why a mentor does not meet a need's qualification rule. Each variant has its own reason
/// code in responses (`QualificationFailure`) and its own sentence in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleFailure {
    DoesNotTeach {
        subject: Sym,
    },
    TooFewYears {
        subject: Sym,
        years: u32,
        min: u32,
    },
    NoCounsellingCredential,
    CertificateRequired,
    DoesNotCoach {
        domain: Sym,
    },
    TooFewCompetitions {
        domain: Sym,
        competitions: u32,
        min: u32,
    },
    /// The need's risk level is referred to the school counsellor ([`RiskCredential::Referral`]):
    /// no mentor of the programme takes it.
    RiskReferral,
    /// The need's risk level asks for a counsellor certificate; the mentor has training only.
    RiskCertificateRequired,
    /// A peer student mentor takes only students enough grades below their own (or the
    /// student's grade is not given, so it cannot be checked).
    PeerGradeNotLower,
    /// A peer student mentor takes no psychological needs.
    PeerNotPsychological,
    /// An external counsellor takes psychological needs only.
    CounsellorPsychologicalOnly,
}

impl RuleFailure {
    /// True for the failures a need's risk level causes: their wording must never reveal the
    /// level where it could be logged (error messages say only that the risk rules exclude the
    /// mentor).
    pub fn is_risk(self) -> bool {
        matches!(
            self,
            RuleFailure::RiskReferral | RuleFailure::RiskCertificateRequired
        )
    }
}

/// Why a (need, mentor) pair is not a candidate, in the order the rules are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocker {
    NotQualified(RuleFailure),
    NotVolunteered,
    NoCommonSlot { common: u32 },
    Forbidden,
}

impl Blocker {
    /// How far the pair got through the checks; used to report the most telling blocker.
    pub fn progress(self) -> u8 {
        match self {
            Blocker::NotQualified(_) => 0,
            Blocker::NotVolunteered => 1,
            Blocker::NoCommonSlot { .. } => 2,
            Blocker::Forbidden => 3,
        }
    }
}

/// True when a need is referred to the school counsellor instead of being paired: a
/// psychological need whose risk level the policy sends to [`RiskCredential::Referral`].
pub fn is_referral(rules: &Rules, need: &Need) -> bool {
    need.track == Track::Psychological
        && rules.risk.credential(need.risk) == RiskCredential::Referral
}

/// Applies the qualification rules to one (need, mentor) pair, in this order: a referred need
/// takes nobody; the mentor's role rules; the track's rule; and for a psychological need, the
/// credential its risk level asks for. The first failure is returned.
pub fn qualify(
    rules: &Rules,
    student: &Student,
    need: &Need,
    mentor: &Mentor,
) -> Result<Evidence, RuleFailure> {
    if is_referral(rules, need) {
        return Err(RuleFailure::RiskReferral);
    }
    role_rules(rules, student, need, mentor)?;
    match need.track {
        Track::Academic => {
            let exp = mentor
                .subjects
                .iter()
                .find(|s| s.subject == need.subject)
                .ok_or(RuleFailure::DoesNotTeach {
                    subject: need.subject,
                })?;
            if exp.years < rules.academic_min_years {
                return Err(RuleFailure::TooFewYears {
                    subject: need.subject,
                    years: exp.years,
                    min: rules.academic_min_years,
                });
            }
            Ok(Evidence::TeachesSubject {
                subject: need.subject,
                years: exp.years,
            })
        }
        Track::Psychological => {
            let c = &mentor.counselling;
            let risk_asks_certificate =
                rules.risk.credential(need.risk) == RiskCredential::Certificate;
            if c.certificate {
                Ok(Evidence::CounsellorCertificate { years: c.years })
            } else if c.trained && !rules.psychological_requires_certificate {
                if risk_asks_certificate {
                    return Err(RuleFailure::RiskCertificateRequired);
                }
                Ok(Evidence::PsychologicalTraining { years: c.years })
            } else if c.trained {
                Err(RuleFailure::CertificateRequired)
            } else {
                Err(RuleFailure::NoCounsellingCredential)
            }
        }
        Track::Talent => {
            let exp = mentor
                .coaching
                .iter()
                .find(|c| c.domain == need.subject)
                .ok_or(RuleFailure::DoesNotCoach {
                    domain: need.subject,
                })?;
            if exp.competitions < rules.talent_min_competitions {
                return Err(RuleFailure::TooFewCompetitions {
                    domain: need.subject,
                    competitions: exp.competitions,
                    min: rules.talent_min_competitions,
                });
            }
            Ok(Evidence::CoachesDomain {
                domain: need.subject,
                competitions: exp.competitions,
            })
        }
    }
}

/// The rules of the mentor's role (see `policy::RoleRules`). A head teacher has none: their own
/// class is a fit bonus, not a rule.
fn role_rules(
    rules: &Rules,
    student: &Student,
    need: &Need,
    mentor: &Mentor,
) -> Result<(), RuleFailure> {
    let roles = &rules.roles;
    match mentor.role {
        MentorRole::ExternalCounsellor
            if need.track != Track::Psychological && !roles.external_counsellor_any_track =>
        {
            Err(RuleFailure::CounsellorPsychologicalOnly)
        }
        MentorRole::PeerStudent => {
            if need.track == Track::Psychological && !roles.peer_psychological {
                return Err(RuleFailure::PeerNotPsychological);
            }
            let gap = roles.peer_min_grade_gap;
            // Validation gives every peer a grade; a missing one fails closed all the same.
            let lower = gap == 0
                || (student.grade > 0
                    && mentor.grade.is_some_and(|g| {
                        u64::from(g) >= u64::from(student.grade) + u64::from(gap)
                    }));
            if lower {
                Ok(())
            } else {
                Err(RuleFailure::PeerGradeNotLower)
            }
        }
        _ => Ok(()),
    }
}

/// Checks every hard rule for one (need, mentor) pair. On success returns the qualifying
/// evidence and the common slots.
pub fn check_pair(
    problem: &Problem,
    need: NeedIx,
    mentor: MentorIx,
) -> Result<(Evidence, SlotSet), Blocker> {
    let n = &problem.needs[need as usize];
    let m = &problem.mentors[mentor as usize];
    let student = &problem.students[n.student as usize];
    let evidence = qualify(&problem.policy.rules, student, n, m).map_err(Blocker::NotQualified)?;
    if !m.volunteers_for(n.track) {
        return Err(Blocker::NotVolunteered);
    }
    let common = student.slots.common(m.slots);
    if common.len() < problem.policy.min_common_slots {
        return Err(Blocker::NoCommonSlot {
            common: common.len(),
        });
    }
    if problem.facts(n.student, mentor).forbidden {
        return Err(Blocker::Forbidden);
    }
    Ok((evidence, common))
}

/// Checks every hard rule between a mentor and each of a student's needs: `Ok` when the mentor
/// may take at least one of them; otherwise the blocker that got furthest through the checks
/// (the first of equals), or `None` when the student has no needs.
pub fn check_student(
    problem: &Problem,
    student: StudentIx,
    mentor: MentorIx,
) -> Result<(), Option<Blocker>> {
    let mut best: Option<Blocker> = None;
    for n in problem.students[student as usize].needs() {
        match check_pair(problem, n, mentor) {
            Ok(_) => return Ok(()),
            Err(b) => {
                if best.is_none_or(|cur| b.progress() > cur.progress()) {
                    best = Some(b);
                }
            }
        }
    }
    Err(best)
}

/// Mentors that may qualify for a need, found through an index instead of a scan of every
/// mentor: by subject for academic needs, by domain for talent needs, and the mentors with any
/// counselling credential for psychological needs. Lists are in ascending mentor order.
#[derive(Clone, Debug, Default)]
pub struct QualificationIndex {
    by_subject: HashMap<Sym, Vec<MentorIx>>,
    by_domain: HashMap<Sym, Vec<MentorIx>>,
    counsellors: Vec<MentorIx>,
}

impl QualificationIndex {
    /// Indexes every mentor's declared experience.
    pub fn build(problem: &Problem) -> Self {
        let mut index = QualificationIndex::default();
        for (mi, m) in problem.mentors.iter().enumerate() {
            let mi = mi as MentorIx;
            for s in &m.subjects {
                index.by_subject.entry(s.subject).or_default().push(mi);
            }
            for c in &m.coaching {
                index.by_domain.entry(c.domain).or_default().push(mi);
            }
            if m.counselling.certificate || m.counselling.trained {
                index.counsellors.push(mi);
            }
        }
        for list in index
            .by_subject
            .values_mut()
            .chain(index.by_domain.values_mut())
        {
            list.dedup();
        }
        index
    }

    /// Mentors that declare experience relevant to the need (a superset of the qualified ones).
    pub fn relevant(&self, need: &Need) -> &[MentorIx] {
        let list = match need.track {
            Track::Academic => self.by_subject.get(&need.subject),
            Track::Talent => self.by_domain.get(&need.subject),
            Track::Psychological => return &self.counsellors,
        };
        list.map_or(&[], Vec::as_slice)
    }
}

/// How many needs' rows are built between two looks at the stop condition (a need's row is
/// at most one pair per mentor, 50,000 at the limits: well under a millisecond).
const STOP_POLL_NEEDS: usize = 64;

/// The sparse candidate set in compressed rows: the candidates of need `n` are
/// `mentors[starts[n]..starts[n+1]]`, in ascending mentor order, with their fit score.
#[derive(Clone, Debug, Default)]
pub struct Candidates {
    pub starts: Vec<u32>,
    pub mentors: Vec<MentorIx>,
    pub scores: Vec<f64>,
}

impl Candidates {
    /// Number of candidate pairs.
    pub fn len(&self) -> usize {
        self.mentors.len()
    }

    /// True when no pair is possible at all.
    pub fn is_empty(&self) -> bool {
        self.mentors.is_empty()
    }

    /// Candidate positions of one need.
    pub fn of_need(&self, need: NeedIx) -> std::ops::Range<usize> {
        self.starts[need as usize] as usize..self.starts[need as usize + 1] as usize
    }

    /// The largest score of any pair, in absolute value: what a pair's fit can weigh at most.
    pub fn largest_score(&self) -> f64 {
        self.scores.iter().fold(0.0f64, |a, &b| a.max(b.abs()))
    }

    /// Whether any pair scores below zero. Several exact arguments on packed costs hold only
    /// for non-negative fits (a plan's fit then never takes back part of a need): the seat-
    /// sharing method checks this before it reads coverage off a bound or counts fits more
    /// than once.
    pub fn has_negative_score(&self) -> bool {
        self.scores.iter().any(|&s| s < 0.0)
    }

    /// How far apart one need's choices can be in score: its widest pair against its
    /// narrowest, staying unassigned (0) counted in. Bonuses past it outbid every other choice.
    pub fn spread(&self, need: NeedIx) -> f64 {
        let (lo, hi) = self
            .of_need(need)
            .map(|c| self.scores[c])
            .fold((0.0f64, 0.0f64), |(lo, hi), s| (lo.min(s), hi.max(s)));
        hi - lo
    }

    /// The candidate position of a (need, mentor) pair, if it is a candidate.
    pub fn find(&self, need: NeedIx, mentor: MentorIx) -> Option<usize> {
        let range = self.of_need(need);
        let start = range.start;
        self.mentors[range]
            .binary_search(&mentor)
            .ok()
            .map(|i| start + i)
    }

    /// Every candidate pair of `problem`, through a qualification index built for it.
    pub fn of_problem(problem: &Problem) -> Self {
        Candidates::build(problem, &QualificationIndex::build(problem))
    }

    /// Builds every candidate pair with its score. Needs are independent, so ranges of rows
    /// are built on every core and joined in need order.
    pub fn build(problem: &Problem, index: &QualificationIndex) -> Self {
        Self::build_until(problem, index, &|| false).unwrap_or_default()
    }

    /// [`Candidates::build`] that gives up (`None`) once `stop` answers true. Scoring tens of
    /// millions of pairs takes seconds, so a deadline or a shutdown must be heard during it:
    /// every row-building thread asks `stop` every `STOP_POLL_NEEDS` needs.
    pub fn build_until(
        problem: &Problem,
        index: &QualificationIndex,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Self> {
        let needs = problem.needs.len();
        let parts = crate::parallel::over_ranges(needs, |range| {
            Self::build_rows(problem, index, range, stop)
        });
        let parts: Option<Vec<Candidates>> = parts.into_iter().collect();
        Some(Self::join(parts?))
    }

    /// Joins sets built for consecutive ranges of needs, in order, into the first: the rest
    /// are copied onto its end. A fresh set for the whole copied every pair once more, and at
    /// 48 M pairs (`tied.py 8000 2000 3`) that copy (576 MB, into pages not yet touched) took
    /// 0.5–0.6 s after the scoring itself had finished, past the point where scoring gives up
    /// for the deadline; growing the first part's buffers (large ones are remapped, not
    /// copied) copies only the others'.
    fn join(parts: Vec<Candidates>) -> Self {
        let mut parts = parts.into_iter();
        let Some(mut out) = parts.next() else {
            return Candidates {
                starts: vec![0],
                ..Candidates::default()
            };
        };
        for part in parts {
            let offset = out.mentors.len() as u32;
            out.starts
                .extend(part.starts.iter().skip(1).map(|s| s + offset));
            out.mentors.extend_from_slice(&part.mentors);
            out.scores.extend_from_slice(&part.scores);
        }
        out
    }

    fn build_rows(
        problem: &Problem,
        index: &QualificationIndex,
        needs: std::ops::Range<usize>,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Self> {
        let mut out = Candidates {
            starts: Vec::with_capacity(needs.len() + 1),
            ..Candidates::default()
        };
        out.starts.push(0);
        for n in needs.map(|n| n as NeedIx) {
            if (n as usize).is_multiple_of(STOP_POLL_NEEDS) && stop() {
                return None;
            }
            for_each_candidate(problem, index, n, |m, score| {
                out.mentors.push(m);
                out.scores.push(score);
            });
            out.starts.push(out.mentors.len() as u32);
        }
        Some(out)
    }

    /// As [`Candidates::select`], plus for each need its `slack` best mentors among those that
    /// the selection leaves under-demanded (fewer kept pairs than seats): the pairs pricing
    /// would otherwise have to discover round by round when popular mentors are contested.
    pub fn select_with_slack(&self, problem: &Problem, keep: usize, slack: usize) -> Self {
        self.select_with_slack_at(problem, keep, slack, None)
    }

    /// As [`Candidates::select_with_slack`], each pair ranked by its score less its mentor's
    /// `price` (score points, one per mentor of `problem`) where prices are given: a later
    /// round of the same problem, whose seat prices an earlier solve has already measured, then
    /// starts from the pairs pricing would otherwise add back (the scores kept are the pairs'
    /// own).
    pub fn select_with_slack_at(
        &self,
        problem: &Problem,
        keep: usize,
        slack: usize,
        price: Option<&[f64]>,
    ) -> Self {
        let base = self.select_at(problem, keep, price);
        if slack == 0 {
            return base;
        }
        let mut demand = vec![0u32; problem.mentors.len()];
        for &m in &base.mentors {
            demand[m as usize] += 1;
        }
        let needs = self.starts.len() - 1;
        let extra = crate::parallel::over_ranges(needs, |range| {
            let mut extra: Vec<(NeedIx, MentorIx, f64)> = Vec::new();
            let mut row: Vec<(MentorIx, f64)> = Vec::new();
            for n in range.map(|n| n as NeedIx) {
                let kept = &base.mentors[base.of_need(n)];
                row.clear();
                row.extend(
                    self.of_need(n)
                        .map(|c| (self.mentors[c], self.ranked(c, price)))
                        .filter(|&(m, _)| {
                            demand[m as usize] < problem.mentors[m as usize].capacity
                                && kept.binary_search(&m).is_err()
                        }),
                );
                let best = |a: &(MentorIx, f64), b: &(MentorIx, f64)| {
                    b.1.total_cmp(&a.1)
                        .then(tie_key(n, a.0).cmp(&tie_key(n, b.0)))
                        .then(a.0.cmp(&b.0))
                };
                if row.len() > slack {
                    row.select_nth_unstable_by(slack - 1, best);
                    row.truncate(slack);
                }
                row.sort_by(best);
                extra.extend(
                    row.iter()
                        .filter_map(|&(m, _)| self.find(n, m).map(|c| (n, m, self.scores[c]))),
                );
            }
            extra
        });
        let mut out = base;
        out.extend(extra.into_iter().flatten().collect());
        out
    }

    /// Per need, only its `keep` best-scoring candidates plus every mentor the student ranked
    /// and every locked mentor (ties broken by mentor position), taken from the full set.
    /// Needs are independent, so ranges of rows are selected on every core.
    pub fn select(&self, problem: &Problem, keep: usize) -> Self {
        self.select_at(problem, keep, None)
    }

    /// Pair `c`'s score less its mentor's `price` where given: what the selections rank by.
    fn ranked(&self, c: usize, price: Option<&[f64]>) -> f64 {
        self.scores[c] - price.map_or(0.0, |p| p[self.mentors[c] as usize])
    }

    /// As [`Candidates::select`], ranked by score less the mentor's `price` where given (see
    /// [`Candidates::select_with_slack_at`]).
    fn select_at(&self, problem: &Problem, keep: usize, price: Option<&[f64]>) -> Self {
        let needs = self.starts.len() - 1;
        let parts = crate::parallel::over_ranges(needs, |range| {
            let mut out = Candidates {
                starts: Vec::with_capacity(range.len() + 1),
                ..Candidates::default()
            };
            out.starts.push(0);
            let mut row: Vec<(MentorIx, f64, bool)> = Vec::new();
            for n in range.map(|n| n as NeedIx) {
                row.clear();
                let forced = forced_of(problem, n);
                row.extend(self.of_need(n).map(|c| {
                    let m = self.mentors[c];
                    (m, self.ranked(c, price), forced(m))
                }));
                keep_best(&mut row, keep, n);
                for &(m, ranked, _) in &row {
                    let score = match price {
                        None => ranked,
                        Some(_) => self.find(n, m).map_or(ranked, |c| self.scores[c]),
                    };
                    out.mentors.push(m);
                    out.scores.push(score);
                }
                out.starts.push(out.mentors.len() as u32);
            }
            out
        });
        Self::join(parts)
    }

    /// A set of `needs` rows holding only `pairs` (need, mentor, score); duplicates kept once.
    pub fn of_pairs(needs: usize, pairs: Vec<(NeedIx, MentorIx, f64)>) -> Self {
        let mut set = Candidates {
            starts: vec![0; needs + 1],
            ..Candidates::default()
        };
        set.extend(pairs);
        set
    }

    /// Adds a plan's pairs (with their scores in `all`) to the set and returns their positions
    /// here: the kept set an answer is reported over must hold the plan itself.
    pub fn hold_plan(&mut self, all: &Candidates, plan: &[(NeedIx, MentorIx)]) -> Vec<usize> {
        self.extend(
            plan.iter()
                .filter_map(|&(n, m)| all.find(n, m).map(|c| (n, m, all.scores[c])))
                .collect(),
        );
        plan.iter().filter_map(|&(n, m)| self.find(n, m)).collect()
    }

    /// Adds pairs (need, mentor, score) not yet in the set, keeping rows sorted by mentor.
    pub fn extend(&mut self, mut extra: Vec<(NeedIx, MentorIx, f64)>) {
        if extra.is_empty() {
            return;
        }
        extra.sort_by_key(|e| (e.0, e.1));
        let mut merged = Candidates {
            starts: Vec::with_capacity(self.starts.len()),
            mentors: Vec::with_capacity(self.mentors.len() + extra.len()),
            scores: Vec::with_capacity(self.scores.len() + extra.len()),
        };
        merged.starts.push(0);
        let mut e = 0;
        for n in 0..self.starts.len() - 1 {
            let mut row: Vec<(MentorIx, f64)> = self
                .of_need(n as NeedIx)
                .map(|c| (self.mentors[c], self.scores[c]))
                .collect();
            while e < extra.len() && extra[e].0 as usize == n {
                if row.iter().all(|r| r.0 != extra[e].1) {
                    row.push((extra[e].1, extra[e].2));
                }
                e += 1;
            }
            row.sort_by_key(|r| r.0);
            for (m, score) in row {
                merged.mentors.push(m);
                merged.scores.push(score);
            }
            merged.starts.push(merged.mentors.len() as u32);
        }
        *self = merged;
    }
}

/// The pairs of `need` every sparse set keeps: the student ranked the mentor, or the pair is
/// locked. The pair facts' map is read only where the problem has locks at all: a lookup is a
/// hash of the pair, and on a school scored by caller affinities (every pair has facts) it
/// cost ~100 ms a selection over 1.4 M pairs, at the end of every solve (`side::Method::answer`)
/// and at its start.
fn forced_of(problem: &Problem, need: NeedIx) -> impl Fn(MentorIx) -> bool + '_ {
    let s = problem.needs[need as usize].student;
    let student = &problem.students[s as usize];
    let locks = !problem.locked.is_empty();
    move |mentor| student.rank_of(mentor).is_some() || (locks && problem.facts(s, mentor).locked)
}

/// Order among equally good mentors of one need: a fixed pseudo-random key per (need, mentor).
/// Breaking ties by mentor position would send every need of a school with interchangeable
/// mentors to the same first few, and pricing would then add them back a few per round (5,000
/// needs × 1,250 tied mentors did not finish in 30 s); spreading them makes the first flow
/// nearly optimal. Deterministic, and it never overrides a score difference.
pub fn tie_key(need: NeedIx, mentor: MentorIx) -> u64 {
    splitmix64(u64::from(need) << 32 | u64::from(mentor))
}

/// splitmix64 (one step of Steele, Lea and Flood's generator): a well-mixed 64-bit value of
/// `x`. The one mixer behind the engine's fixed pseudo-random keys (ties among mentors, the
/// master's jitter, the hash of a mentor's pairs), so the same request always gives the same.
pub fn splitmix64(x: u64) -> u64 {
    let mut x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Keeps the forced pairs and the `keep` best-scoring ones (ties: [`tie_key`], then mentor
/// position), in ascending mentor order.
fn keep_best(row: &mut Vec<(MentorIx, f64, bool)>, keep: usize, need: NeedIx) {
    let forced = row.iter().filter(|r| r.2).count();
    let keep = keep.max(forced);
    if row.len() > keep && keep > 0 {
        // Forced pairs first, then by score; mentors are distinct, so the order is total and
        // the kept set does not depend on the partitioning algorithm.
        row.select_nth_unstable_by(keep - 1, |a, b| {
            b.2.cmp(&a.2)
                .then(b.1.total_cmp(&a.1))
                .then(tie_key(need, a.0).cmp(&tie_key(need, b.0)))
                .then(a.0.cmp(&b.0))
        });
        row.truncate(keep);
        row.sort_by_key(|r| r.0);
    } else if keep == 0 {
        row.clear();
    }
}

/// Calls `f(mentor, score)` for every candidate mentor of a need, in ascending mentor order,
/// computing scores on the fly (nothing is stored).
pub fn for_each_candidate(
    problem: &Problem,
    index: &QualificationIndex,
    need: NeedIx,
    mut f: impl FnMut(MentorIx, f64),
) {
    for &m in index.relevant(&problem.needs[need as usize]) {
        if let Ok((evidence, common)) = check_pair(problem, need, m) {
            let parts = score::components(problem, need, m, evidence, common);
            f(m, parts.total(&problem.policy.weights));
        }
    }
}

/// Counts the feasible pairs of a problem without building them, stopping once the count
/// passes `cap` (so a request implying billions of pairs is refused in about the time `cap`
/// pairs take to check). First an upper bound from the index (free): when it is within `cap`
/// and `exact` is not asked for, that bound is returned; otherwise the pairs are checked one by
/// one, on every core.
pub fn count_pairs(problem: &Problem, index: &QualificationIndex, cap: u64, exact: bool) -> u64 {
    let upper: u64 = problem
        .needs
        .iter()
        .map(|n| index.relevant(n).len() as u64)
        .sum();
    match (upper <= cap, exact) {
        (true, false) => upper,
        (true, true) => count_exact(problem, index, u64::MAX),
        (false, _) => count_exact(problem, index, cap),
    }
}

fn count_exact(problem: &Problem, index: &QualificationIndex, cap: u64) -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    /// Pairs checked between two looks at the shared total.
    const FLUSH: u64 = 4096;
    let total = AtomicU64::new(0);
    // Whether a pair is feasible depends on the need's track, subject and risk level, the
    // student's slots and grade (the peer rule) and the mentor — and on a forbidden pair, which
    // only some students have. Needs alike in the rest share one count: a request of 200,000
    // identical needs costs one row's checks, so a dense request is refused in well under a
    // second.
    let mut restricted = vec![false; problem.students.len()];
    for (&(s, _), facts) in &problem.pair_facts {
        restricted[s as usize] |= facts.forbidden;
    }
    crate::parallel::over_ranges(problem.needs.len(), |range| {
        let mut local = 0u64;
        let mut checked = 0u64;
        let mut alike: HashMap<(Track, Sym, RiskLevel, SlotSet, u32), u64> = HashMap::new();
        for n in range {
            let need = &problem.needs[n];
            let relevant = index.relevant(need);
            let count_row = || {
                relevant
                    .iter()
                    .filter(|&&m| check_pair(problem, n as NeedIx, m).is_ok())
                    .count() as u64
            };
            local += if restricted[need.student as usize] {
                checked += relevant.len() as u64;
                count_row()
            } else {
                let student = &problem.students[need.student as usize];
                let key = (
                    need.track,
                    need.subject,
                    need.risk,
                    student.slots,
                    student.grade,
                );
                *alike.entry(key).or_insert_with(|| {
                    checked += relevant.len() as u64;
                    count_row()
                })
            };
            if checked >= FLUSH || local > cap {
                checked = 0;
                let seen = total.fetch_add(local, Ordering::Relaxed) + local;
                local = 0;
                if seen > cap {
                    return;
                }
            }
        }
        total.fetch_add(local, Ordering::Relaxed);
    });
    total.load(Ordering::Relaxed)
}

/// True when some mentor appears twice in the list (the list is sorted in place). Two needs of
/// one student sharing a candidate mentor is what breaks the network structure.
pub fn has_repeats(mentors: &mut [MentorIx]) -> bool {
    mentors.sort_unstable();
    mentors.windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{CoachingExperience, Counselling, SubjectExperience};
    use crate::domain::{MentorRole, Priority};

    fn need(track: Track, subject: Sym) -> Need {
        Need {
            id: "N1".into(),
            student: 0,
            track,
            subject,
            priority: Priority::Normal,
            weak_points: vec![],
            risk: RiskLevel::None,
        }
    }

    fn student(grade: u32) -> Student {
        Student {
            id: "S1".into(),
            grade,
            class: 0,
            first_need: 0,
            need_count: 1,
            slots: SlotSet::EMPTY,
            preferences: vec![],
            traits: vec![],
            family_hardship: false,
        }
    }

    /// `qualify` for a grade-8 student.
    fn q(rules: &Rules, need: &Need, mentor: &Mentor) -> Result<Evidence, RuleFailure> {
        qualify(rules, &student(8), need, mentor)
    }

    fn mentor() -> Mentor {
        Mentor {
            id: "T1".into(),
            role: MentorRole::SubjectTeacher,
            grade: None,
            subjects: vec![SubjectExperience {
                subject: 1,
                years: 6,
                topics: vec![],
            }],
            counselling: Counselling::default(),
            coaching: vec![CoachingExperience {
                domain: 2,
                competitions: 3,
                topics: vec![],
            }],
            volunteers: [true; 3],
            capacity: 5,
            slots: SlotSet::EMPTY,
            head_of_classes: vec![],
            traits: vec![],
        }
    }

    #[test]
    fn academic_needs_the_subject_taught() {
        let rules = Rules::default();
        assert_eq!(
            q(&rules, &need(Track::Academic, 1), &mentor()),
            Ok(Evidence::TeachesSubject {
                subject: 1,
                years: 6
            })
        );
        assert_eq!(
            q(&rules, &need(Track::Academic, 9), &mentor()),
            Err(RuleFailure::DoesNotTeach { subject: 9 })
        );
    }

    #[test]
    fn academic_minimum_years_is_a_policy_rule() {
        let rules = Rules {
            academic_min_years: 10,
            ..Rules::default()
        };
        assert_eq!(
            q(&rules, &need(Track::Academic, 1), &mentor()),
            Err(RuleFailure::TooFewYears {
                subject: 1,
                years: 6,
                min: 10
            })
        );
    }

    #[test]
    fn psychological_needs_certificate_or_training() {
        let rules = Rules::default();
        let n = need(Track::Psychological, 0);
        let mut m = mentor();
        assert_eq!(q(&rules, &n, &m), Err(RuleFailure::NoCounsellingCredential));
        m.counselling.trained = true;
        assert_eq!(
            q(&rules, &n, &m),
            Ok(Evidence::PsychologicalTraining { years: 0 })
        );
        let strict = Rules {
            psychological_requires_certificate: true,
            ..Rules::default()
        };
        assert_eq!(q(&strict, &n, &m), Err(RuleFailure::CertificateRequired));
        m.counselling.certificate = true;
        m.counselling.years = 4;
        assert_eq!(
            q(&strict, &n, &m),
            Ok(Evidence::CounsellorCertificate { years: 4 })
        );
    }

    #[test]
    fn talent_needs_competition_coaching_in_the_domain() {
        let rules = Rules::default();
        assert_eq!(
            q(&rules, &need(Track::Talent, 2), &mentor()),
            Ok(Evidence::CoachesDomain {
                domain: 2,
                competitions: 3
            })
        );
        assert_eq!(
            q(&rules, &need(Track::Talent, 1), &mentor()),
            Err(RuleFailure::DoesNotCoach { domain: 1 })
        );
        let mut m = mentor();
        m.coaching[0].competitions = 0;
        assert_eq!(
            q(&rules, &need(Track::Talent, 2), &m),
            Err(RuleFailure::TooFewCompetitions {
                domain: 2,
                competitions: 0,
                min: 1
            })
        );
    }

    #[test]
    fn teaching_a_subject_does_not_qualify_for_talent_or_psychology() {
        let rules = Rules::default();
        let mut m = mentor();
        m.coaching.clear();
        assert!(q(&rules, &need(Track::Talent, 1), &m).is_err());
        assert!(q(&rules, &need(Track::Psychological, 1), &m).is_err());
    }

    fn at_risk(level: RiskLevel) -> Need {
        Need {
            risk: level,
            ..need(Track::Psychological, 0)
        }
    }

    fn role(role: MentorRole, grade: Option<u32>) -> Mentor {
        Mentor {
            role,
            grade,
            ..mentor()
        }
    }

    #[test]
    fn high_risk_needs_a_certificate_whatever_the_track_rule_says() {
        let rules = Rules::default();
        let mut m = mentor();
        m.counselling.trained = true;
        for level in [RiskLevel::None, RiskLevel::Low, RiskLevel::Medium] {
            assert_eq!(
                q(&rules, &at_risk(level), &m),
                Ok(Evidence::PsychologicalTraining { years: 0 })
            );
        }
        assert_eq!(
            q(&rules, &at_risk(RiskLevel::High), &m),
            Err(RuleFailure::RiskCertificateRequired)
        );
        m.counselling.certificate = true;
        assert_eq!(
            q(&rules, &at_risk(RiskLevel::High), &m),
            Ok(Evidence::CounsellorCertificate { years: 0 })
        );
        // The track's own rule comes first when it already asks for the certificate.
        let strict = Rules {
            psychological_requires_certificate: true,
            ..Rules::default()
        };
        m.counselling.certificate = false;
        assert_eq!(
            q(&strict, &at_risk(RiskLevel::High), &m),
            Err(RuleFailure::CertificateRequired)
        );
    }

    #[test]
    fn crisis_is_referred_and_never_qualifies_anyone() {
        let rules = Rules::default();
        let mut m = mentor();
        m.counselling.certificate = true;
        m.counselling.trained = true;
        assert_eq!(
            q(&rules, &at_risk(RiskLevel::Crisis), &m),
            Err(RuleFailure::RiskReferral)
        );
        assert!(is_referral(&rules, &at_risk(RiskLevel::Crisis)));
        assert!(!is_referral(&rules, &at_risk(RiskLevel::High)));
    }

    #[test]
    fn risk_credentials_are_policy() {
        let mut rules = Rules::default();
        rules.risk.crisis = RiskCredential::Certificate;
        rules.risk.low = RiskCredential::Referral;
        rules.risk.high = RiskCredential::TrackRule;
        let mut m = mentor();
        m.counselling.trained = true;
        assert_eq!(
            q(&rules, &at_risk(RiskLevel::Crisis), &m),
            Err(RuleFailure::RiskCertificateRequired)
        );
        assert_eq!(
            q(&rules, &at_risk(RiskLevel::Low), &m),
            Err(RuleFailure::RiskReferral)
        );
        assert!(q(&rules, &at_risk(RiskLevel::High), &m).is_ok());
    }

    #[test]
    fn peer_students_take_only_lower_grades_and_no_psychological_needs() {
        let rules = Rules::default();
        let academic = need(Track::Academic, 1);
        for (mentor_grade, student_grade, ok) in [
            (9, 8, true),
            (9, 7, true),
            (8, 8, false),
            (7, 8, false),
            (9, 0, false),
        ] {
            let m = role(MentorRole::PeerStudent, Some(mentor_grade));
            assert_eq!(
                qualify(&rules, &student(student_grade), &academic, &m).is_ok(),
                ok,
                "peer in grade {mentor_grade}, student in grade {student_grade}"
            );
        }
        let mut m = role(MentorRole::PeerStudent, Some(12));
        m.counselling.certificate = true;
        assert_eq!(
            q(&rules, &need(Track::Psychological, 0), &m),
            Err(RuleFailure::PeerNotPsychological)
        );
        assert_eq!(
            q(
                &rules,
                &need(Track::Talent, 2),
                &role(MentorRole::PeerStudent, None)
            ),
            Err(RuleFailure::PeerGradeNotLower)
        );
    }

    #[test]
    fn peer_rules_are_policy() {
        let mut rules = Rules::default();
        rules.roles.peer_min_grade_gap = 2;
        let m = role(MentorRole::PeerStudent, Some(9));
        let academic = need(Track::Academic, 1);
        assert!(qualify(&rules, &student(7), &academic, &m).is_ok());
        assert_eq!(
            qualify(&rules, &student(8), &academic, &m),
            Err(RuleFailure::PeerGradeNotLower)
        );
        rules.roles.peer_min_grade_gap = 0;
        assert!(qualify(&rules, &student(9), &academic, &m).is_ok());
        assert!(qualify(&rules, &student(0), &academic, &m).is_ok());
        rules.roles.peer_psychological = true;
        let mut m = m;
        m.counselling.trained = true;
        assert!(q(&rules, &need(Track::Psychological, 0), &m).is_ok());
    }

    #[test]
    fn external_counsellors_take_psychological_needs_only() {
        let mut rules = Rules::default();
        let mut m = role(MentorRole::ExternalCounsellor, None);
        m.counselling.certificate = true;
        assert!(q(&rules, &need(Track::Psychological, 0), &m).is_ok());
        assert_eq!(
            q(&rules, &need(Track::Academic, 1), &m),
            Err(RuleFailure::CounsellorPsychologicalOnly)
        );
        assert_eq!(
            q(&rules, &need(Track::Talent, 2), &m),
            Err(RuleFailure::CounsellorPsychologicalOnly)
        );
        rules.roles.external_counsellor_any_track = true;
        assert!(q(&rules, &need(Track::Talent, 2), &m).is_ok());
    }

    #[test]
    fn head_teachers_and_other_roles_have_no_rule_of_their_own() {
        let rules = Rules::default();
        for r in [
            MentorRole::Unspecified,
            MentorRole::HeadTeacher,
            MentorRole::SubjectTeacher,
            MentorRole::Administrator,
            MentorRole::TeachingAssistant,
        ] {
            assert!(q(&rules, &need(Track::Academic, 1), &role(r, Some(3))).is_ok());
        }
    }

    /// A sparse selection keeps, beside each need's best candidates, every mentor its student
    /// ranked and every locked mentor, however low their scores: the pairs a plan may be held
    /// to must stay in every kept set. With a lock on the lowest-scoring pair of a need whose
    /// student ranked no one, that pair is kept at one candidate a need, and so is every
    /// ranked candidate; without the lock it is not.
    #[test]
    fn a_selection_keeps_ranked_and_locked_pairs() {
        let raw = crate::generate::generate_with(60, 15, 3, false);
        let mut problem = crate::admit::validate(raw).expect("valid").to_problem();
        let all = Candidates::of_problem(&problem);
        // The lowest-scoring candidate of the first need with three or more candidates whose
        // student ranked none of them.
        let (need, low) = (0..all.starts.len() - 1)
            .map(|n| n as NeedIx)
            .find_map(|n| {
                let student = &problem.students[problem.needs[n as usize].student as usize];
                let row: Vec<usize> = all.of_need(n).collect();
                let unranked = row
                    .iter()
                    .all(|&c| student.rank_of(all.mentors[c]).is_none());
                (row.len() >= 3 && unranked).then(|| {
                    let c = *row
                        .iter()
                        .min_by(|&&a, &&b| all.scores[a].total_cmp(&all.scores[b]))
                        .expect("a row");
                    (n, all.mentors[c])
                })
            })
            .expect("a need with three unranked candidates");
        let student = problem.needs[need as usize].student;
        let kept = all.select(&problem, 1);
        assert!(
            kept.find(need, low).is_none(),
            "unlocked, the lowest pair is not kept"
        );
        for n in 0..problem.needs.len() as NeedIx {
            let s = &problem.students[problem.needs[n as usize].student as usize];
            for c in all.of_need(n) {
                let m = all.mentors[c];
                if s.rank_of(m).is_some() {
                    assert!(
                        kept.find(n, m).is_some(),
                        "need {n}: ranked mentor {m} kept"
                    );
                }
            }
        }
        problem.locked.push((student, low));
        problem.locked.sort_unstable();
        problem.pair_facts.entry((student, low)).or_default().locked = true;
        let kept = all.select(&problem, 1);
        assert!(kept.find(need, low).is_some(), "the locked pair is kept");
    }
}
