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

impl ViolationCode {
    /// The code as it appears in responses, e.g. `unknown_reference`.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationCode::EmptyId => "empty_id",
            ViolationCode::DuplicateId => "duplicate_id",
            ViolationCode::UnknownReference => "unknown_reference",
            ViolationCode::CapacityOutOfRange => "capacity_out_of_range",
            ViolationCode::MalformedSlot => "malformed_slot",
            ViolationCode::EmptyNeeds => "empty_needs",
            ViolationCode::InvalidRank => "invalid_rank",
            ViolationCode::DuplicateRank => "duplicate_rank",
            ViolationCode::DuplicateChoice => "duplicate_choice",
            ViolationCode::MissingValue => "missing_value",
            ViolationCode::InvalidEnum => "invalid_enum",
            ViolationCode::InvalidWeight => "invalid_weight",
            ViolationCode::OutOfRange => "out_of_range",
            ViolationCode::DuplicateEntry => "duplicate_entry",
            ViolationCode::LockedAndForbidden => "locked_and_forbidden",
            ViolationCode::LockedBreaksRule => "locked_breaks_rule",
            ViolationCode::LockedOverCapacity => "locked_over_capacity",
            ViolationCode::TooLarge => "too_large",
            ViolationCode::TooLong => "too_long",
            ViolationCode::TooManyViolations => "too_many_violations",
            ViolationCode::ControlCharacter => "control_character",
            ViolationCode::RiskLevelOffTrack => "risk_level_off_track",
            ViolationCode::UnknownLocale => "unknown_locale",
        }
    }
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
