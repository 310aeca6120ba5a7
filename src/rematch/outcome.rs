//! What a rematch answers: the diff against the current pairs — each pair kept, moved, new or
//! ended, with its reason, the case its sentence describes and typed evidence — beside the full
//! explained plan.
//!
//! Holds [`RematchOutcome`], [`PairChange`], [`ChangeKind`], [`ChangeReason`],
//! [`ChangeDetail`], [`SeatNeed`] and [`CapacityShrank`]: data only. Imports the domain and
//! the plan's type (`crate::outcome`); must not import the solver, the engine,
//! `crate::explain` or anything that renders (the sentences are `crate::render::changes`,
//! which imports these types: one way).

use crate::domain::model::Validated;
use crate::domain::Priority;
use crate::outcome::Outcome;

/// What happened to a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Kept,
    Moved,
    New,
    Ended,
}

/// Why it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeReason {
    Working,
    NotWorking,
    NeedsEnded,
    StudentLeft,
    MentorLeft,
    RuleNoLongerHolds,
    CapacityShrank,
    Coverage,
    BetterFit,
    NewNeed,
}

/// One line of the diff. Ids, not indices: students and mentors may have left.
#[derive(Clone, Debug, PartialEq)]
pub struct PairChange {
    pub kind: ChangeKind,
    pub reason: ChangeReason,
    pub student_id: String,
    pub from_mentor_id: String,
    /// Where the student's needs went: the pair's mentor when kept, the new mentor of a new
    /// pair, the student's other mentors now when moved (none when nobody took them).
    pub to_mentor_ids: Vec<String>,
    pub need_ids: Vec<String>,
    /// `COVERAGE` and `CAPACITY_SHRANK`: the needs that now hold the old mentor's seats.
    pub forced_by: Vec<SeatNeed>,
    /// `CAPACITY_SHRANK`: the mentor's capacity now and the working pairs it had.
    pub capacity_shrank: Option<CapacityShrank>,
    /// What the sentence for people says (rendered in `crate::render::changes`).
    pub detail: ChangeDetail,
}

/// The case a change's sentence describes: the reason, refined by what the evaluation said.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ChangeDetail {
    /// Evaluated as ended: the needs the pair covered have ended.
    NeedsEnded,
    /// Evaluated as not working, paired anew.
    NotWorkingPaired,
    /// Evaluated as not working; no other mentor could take the student.
    NotWorkingUnpaired,
    /// A working pair kept.
    Kept,
    /// The student is no longer in the programme.
    StudentLeft,
    /// The mentor left the programme.
    MentorLeft,
    /// The pair no longer meets a hard rule.
    RuleNoLongerHolds,
    /// The mentor's capacity is now below its working pairs.
    CapacityShrank { capacity: u32, before: u32 },
    /// The seat was needed to cover more needs.
    SeatNeeded,
    /// Moving the student let more needs be covered.
    MovedForCoverage,
    /// A better fit outweighed the change penalty.
    BetterFit { penalty: f64 },
    /// A pair that did not exist before.
    NewPair,
}

/// A need holding a seat of a mentor a working pair had to leave: typed evidence, not text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatNeed {
    pub student_id: String,
    pub need_id: String,
    pub priority: Priority,
}

/// Why a working pair could not stay with a mentor whose capacity was cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityShrank {
    pub capacity: u32,
    pub working_pairs_before: u32,
}

/// The rematch result: the full explained plan and the diff against the current pairs.
#[derive(Clone, Debug)]
pub struct RematchOutcome {
    pub problem: Validated,
    pub outcome: Outcome,
    pub changes: Vec<PairChange>,
    pub voluntary_changes: u32,
}

impl PairChange {
    /// [`PairChange::to_mentor_ids`] as one text, comma-separated: the `to_mentor_id` of the
    /// wire and the reports' column (empty for none).
    pub fn to_mentors_joined(&self) -> String {
        self.to_mentor_ids.join(",")
    }
}

impl RematchOutcome {
    /// Number of changes of a kind.
    pub fn count(&self, kind: ChangeKind) -> u32 {
        self.changes.iter().filter(|c| c.kind == kind).count() as u32
    }
}
