//! The coded problems validation reports: [`ViolationCode`] (the stable kind), [`Violation`]
//! (where, what kind, a sentence naming the value) and [`InvalidRequest`] (all of them).
//!
//! Plain data: imports nothing from the crate.

use std::fmt;

/// A stable, machine-readable kind of problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViolationCode {
    EmptyId,
    DuplicateId,
    UnknownReference,
    CapacityOutOfRange,
    MalformedSlot,
    EmptyNeeds,
    InvalidRank,
    DuplicateRank,
    DuplicateChoice,
    MissingValue,
    InvalidEnum,
    InvalidWeight,
    OutOfRange,
    DuplicateEntry,
    LockedAndForbidden,
    LockedBreaksRule,
    LockedOverCapacity,
    TooLarge,
    TooLong,
    TooManyViolations,
    ControlCharacter,
    RiskLevelOffTrack,
    /// A `locale` the catalogue has no language for.
    UnknownLocale,
}

/// One problem with a request: where, what kind, and a sentence naming the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Path in the request, e.g. `students[12].preferences[1].mentor_id`.
    pub path: String,
    pub code: ViolationCode,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A request that cannot be solved as sent, with every problem found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid request: {} problem(s), first: {}", .violations.len(), .violations.first().map(ToString::to_string).unwrap_or_default())]
pub struct InvalidRequest {
    pub violations: Vec<Violation>,
}
