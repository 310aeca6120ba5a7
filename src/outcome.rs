//! What one run answers, as data: the plan with the evidence for every pair, the needs left
//! unpaired and why, the preference misses, the blocking pairs and the price of stability, the
//! summary with the mentors' side, and what it would take to cover the rest ([`Outcome`]).
//!
//! The types only: `crate::explain` fills them in (and re-exports them, so
//! `crate::explain::Outcome` and the like keep their paths), the engine and its analyses
//! (`why_not`, `stability`, `shortage`) complete them, and the rematch and what-if read them.
//! They sit below all of those so each imports them one way.
//!
//! Imports the domain (with the evidence), the rules' failures, the score's components and the
//! solver's figures; must not import the engine, the explanation, the rematch or anything that
//! renders.

use crate::domain::evidence::Evidence;
use crate::domain::model::{MentorIx, NeedIx, StudentIx, Sym};
use crate::domain::slots::SlotSet;
use crate::domain::{Priority, Track};
use crate::rules::RuleFailure;
use crate::score::Components;
use crate::solver::{LevelCoverage, MethodKind, SolveStatus};

/// The solver's figures as reported.
#[derive(Clone, Debug, PartialEq)]
pub struct SolverReport {
    pub status: SolveStatus,
    pub objective: f64,
    pub best_bound: f64,
    pub gap: f64,
    pub coverage: Vec<LevelCoverage>,
    pub candidate_pairs: u64,
    /// Which algorithm answered (set by the engine, which chose it).
    pub method: Option<MethodKind>,
}

/// One need covered by a pair, with why the mentor qualifies and what it scores.
#[derive(Clone, Debug, PartialEq)]
pub struct CoveredNeed {
    pub need: NeedIx,
    pub evidence: Evidence,
    pub matched_weak_points: Vec<Sym>,
    pub components: Components,
    pub total: f64,
}

/// A (student, mentor) pair of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub student: StudentIx,
    pub mentor: MentorIx,
    pub needs: Vec<CoveredNeed>,
    pub student_rank: Option<u32>,
    pub mentor_rank: Option<u32>,
    pub common: SlotSet,
    pub locked: bool,
    pub own_class: bool,
    pub shared_traits: Vec<Sym>,
}

/// Why a need has no mentor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnassignedReason {
    NoQualifiedMentor,
    NotVolunteered,
    NoCommonSlot,
    Forbidden,
    CandidatesFull,
    StudentMentorLimit,
    SolverLimit,
    /// The need's risk level is referred to the school counsellor (policy): never paired.
    /// Listed before every other unassigned need.
    Referral,
}

/// Who holds one seat of a mentor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatHolder {
    pub student: StudentIx,
    pub priority: Priority,
    pub student_rank: Option<u32>,
    pub mentor_rank: Option<u32>,
}

/// A full mentor and the students in its seats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentorSeats {
    pub mentor: MentorIx,
    pub capacity: u32,
    pub holders: Vec<SeatHolder>,
}

/// A need left without a mentor, with the evidence for its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unassigned {
    pub need: NeedIx,
    pub reason: UnassignedReason,
    /// The mentors the reason is about, best-fitting first, at most `crate::explain::EVIDENCE_LIMIT`.
    pub qualified: Vec<MentorIx>,
    /// How many such mentors there are in all.
    pub qualified_count: u32,
    /// Full candidates with their seat holders, best-fitting first, at most
    /// `crate::explain::EVIDENCE_LIMIT`.
    pub full: Vec<MentorSeats>,
    /// How many candidates are full in all.
    pub full_count: u32,
}

/// Why a student did not get a mentor they ranked higher than the one they got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MissReason {
    NotQualified(Vec<(NeedIx, RuleFailure)>),
    NotVolunteered,
    NoCommonSlot { common: u32 },
    Forbidden,
    Full(Vec<SeatHolder>),
    BetterOverall,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HigherChoice {
    pub mentor: MentorIx,
    pub rank: u32,
    pub reason: MissReason,
    /// For [`MissReason::BetterOverall`]: the exact price of forcing this pair, when priced
    /// (see `crate::why_not`).
    pub forced: Option<ForcedCost>,
}

/// What forcing one (student, mentor) pair into the plan costs: the plan re-solved with the
/// pair locked, compared with the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct ForcedCost {
    /// Needs covered per priority (index: `Priority as usize`), forced minus plan.
    pub coverage_change: [i32; 4],
    /// Objective (fit) of the forced plan minus the plan's.
    pub fit_change: f64,
    /// Other students whose set of mentors changes, in student order.
    pub changed_students: Vec<StudentIx>,
    /// The forced plan was proven optimal.
    pub proven: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PreferenceMiss {
    pub student: StudentIx,
    pub best_rank_given: Option<u32>,
    pub higher: Vec<HigherChoice>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrackSummary {
    pub track: Track,
    pub needs: u32,
    pub covered: u32,
    pub first_choice_share: f64,
    pub top3_share: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub students: u32,
    pub mentors: u32,
    pub needs: u32,
    pub needs_covered: u32,
    pub coverage: f64,
    pub students_fully_covered: u32,
    pub students_without_mentor: u32,
    pub first_choice_share: f64,
    pub top3_share: f64,
    pub tracks: Vec<TrackSummary>,
    /// `load_histogram[k]` = mentors with k students.
    pub load_histogram: Vec<u32>,
    /// (mentor, students) for every mentor, in input order.
    pub loads: Vec<(MentorIx, u32)>,
    /// `BETTER_OVERALL` misses priced by a forced re-solve, and left unpriced.
    pub why_not_priced: u32,
    pub why_not_unpriced: u32,
    /// Who has no student and why, and how evenly loads are spread.
    pub mentor_side: MentorSide,
}

/// A student and a mentor who both prefer each other to what the plan gave them, and could be
/// paired: the parents' "was the system fair to my child's choice?". The plan may still be
/// right (coverage and fit come first); this makes the trade-off visible.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockingPair {
    pub student: StudentIx,
    pub mentor: MentorIx,
    /// The student's rank of the mentor, and the best rank among the mentors it got (`None`:
    /// none of them ranked, or no mentor at all).
    pub student_rank: u32,
    pub student_best_given: Option<u32>,
    /// The mentor's rank of the student.
    pub mentor_rank: u32,
    /// `None`: the mentor has room. Otherwise the student the mentor ranks lowest among those it
    /// holds (unranked count as lowest), whom it would rather replace.
    pub displaces: Option<StudentIx>,
}

/// The price of stability: the best plan with no blocking pair against the plan.
#[derive(Clone, Debug, PartialEq)]
pub enum PriceOfStability {
    /// The plan has no blocking pair: nothing to pay.
    Stable,
    /// The best plan with no blocking pair (proven optimal), minus the plan: needs covered
    /// per priority (index `Priority as usize`) and fit.
    Priced {
        coverage_change: [i32; 4],
        fit_change: f64,
    },
    /// No plan meets the hard rules without a blocking pair.
    NoStablePlan,
    /// Not computed, and why.
    NotComputed(&'static str),
}

/// Everything a coordinator sees about one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub solver: SolverReport,
    pub assignments: Vec<Assignment>,
    /// Referrals first, then every other unassigned need; each group in input order.
    pub unassigned: Vec<Unassigned>,
    pub misses: Vec<PreferenceMiss>,
    /// Blocking pairs of the plan (see [`BlockingPair`]), by student then mentor.
    pub blocking: Vec<BlockingPair>,
    /// What a plan with no blocking pair would cost (set by `crate::stability`).
    pub price_of_stability: PriceOfStability,
    pub summary: Summary,
    /// What it would take to cover the needs left unassigned (set by `crate::shortage`;
    /// `None` when every need is covered).
    pub shortage: Option<Shortage>,
}

/// Why a mentor has no student in the plan, from the furthest any need got through the hard
/// rules with this mentor (the order `check_pair` checks them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdleReason {
    /// The mentor qualifies for no need of the request (subject, domain, credential).
    NoQualifiedNeed,
    /// The mentor qualifies for some needs but volunteers for none of their tracks.
    NotVolunteered,
    /// Qualified and volunteering, but no such student shares enough weekly slots.
    NoCommonSlot,
    /// Every pair the mentor could make is forbidden.
    Forbidden,
    /// The mentor could have taken a student: the optimum used other mentors (coverage, then
    /// involvement, then fit decided).
    Displaced,
}

/// A mentor without a student, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleMentor {
    pub mentor: MentorIx,
    pub reason: IdleReason,
}

/// How evenly students are spread over mentors: min, median, max and the Gini coefficient
/// (0: every mentor holds the same; towards 1: a few hold everything).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LoadSpread {
    pub min: u32,
    pub median: f64,
    pub max: u32,
    pub gini: f64,
}

/// The mentors' side of a plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MentorSide {
    /// Mentors with at least one student.
    pub involved: u32,
    /// Mentors with none, in input order.
    pub idle: Vec<IdleMentor>,
    /// Over every mentor (those with no student count as 0).
    pub spread: LoadSpread,
    /// Per track (index [`Track::index`]): mentors volunteering for it, and the spread of the
    /// students each holds on that track.
    pub tracks: [(u32, LoadSpread); 3],
}

// What it would take (filled in by `crate::shortage`, which re-exports these types).

/// Supply and demand on one track and subject with unassigned needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplyGap {
    pub track: Track,
    /// Subject (academic), domain (talent) or focus (psychological; may be empty).
    pub subject: Sym,
    /// Needs per priority (index `Priority as usize`).
    pub needs: [u32; 4],
    /// Of them, left without a mentor.
    pub unassigned: [u32; 4],
    /// Mentors who qualify by the track's rule and volunteer for the track.
    pub qualified_volunteers: u32,
    /// Of them, full.
    pub full_volunteers: u32,
    /// Mentors who qualify but did not volunteer for the track.
    pub qualified_not_volunteering: u32,
    /// Weekly slots of the unassigned students that no qualified volunteer has.
    pub unshared_slots: SlotSet,
}

impl SupplyGap {
    /// Needs left without a mentor, all levels.
    pub fn unassigned_total(&self) -> u32 {
        self.unassigned.iter().sum()
    }
}

/// One change to the school's supply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// The mentor takes one more student (capacity + 1, at most 5).
    AddSeat,
    /// The mentor volunteers for this track too.
    Volunteer(Track),
    /// The mentor becomes available in this weekly slot too (a slot bit, see `SlotSet`).
    AddSlot(u32),
}

/// How a change's gain was computed (both are exact).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GainMethod {
    /// Cycles in the residual network of the proven network optimum.
    Residual,
    /// The changed problem solved again (warm), proven optimal.
    ReSolve,
}

/// A change and its exact gain.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub mentor: MentorIx,
    pub kind: ChangeKind,
    /// Needs covered per priority (index `Priority as usize`), with the change minus the plan.
    pub coverage_gain: [i32; 4],
    /// Fit of the optimum with the change minus the plan's.
    pub fit_change: f64,
    /// Needs the plan leaves unassigned that the change covers, ascending.
    pub covered: Vec<NeedIx>,
    /// Needs the plan covers that the change leaves unassigned (a lower priority giving way),
    /// ascending.
    pub uncovered: Vec<NeedIx>,
    pub method: GainMethod,
}

/// Whether the gains were computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gains {
    Computed,
    /// Not computed, and why.
    NotComputed(&'static str),
}

/// What it would take to cover the needs left unassigned.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortage {
    /// One per track and subject with an unassigned need, most unassigned (urgent first) first.
    pub gaps: Vec<SupplyGap>,
    /// Changes that cover more, best first, at most `shortage::CHANGES_LISTED`.
    pub changes: Vec<Change>,
    /// Changes that cover more, in all.
    pub with_gain: u32,
    /// Candidate changes whose gain was computed.
    pub evaluated: u32,
    /// Candidate changes left unevaluated (time limit, work bound, size, or gains not computed).
    pub not_evaluated: u32,
    pub gains: Gains,
}
