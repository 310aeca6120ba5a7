//! The school's vocabulary as Rust types. Nothing here knows about gRPC or protobuf: the
//! conversion layer fills [`raw::RawRequest`] and [`validate::validate_with`] turns it into a
//! [`model::Problem`] whose invariants the solver relies on (`crate::admit::validate` is that
//! validation with the hard rules plugged in).
//!
//! The innermost layer: imports nothing from the crate outside `domain` (the one exception is
//! the re-export of `crate::admit`'s functions in [`validate`], for the callers that have always
//! imported them from there; no code here calls them).

pub mod codes;
pub mod evidence;
pub mod limits;
pub mod model;
pub mod policy;
pub mod raw;
pub mod slots;
pub mod validate;

use std::fmt;

/// The three support tracks of the school's plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Track {
    Academic,
    Psychological,
    Talent,
}

impl Track {
    /// All tracks, in report order.
    pub const ALL: [Track; 3] = [Track::Academic, Track::Psychological, Track::Talent];

    /// Position in [`Track::ALL`], for per-track arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Lowercase name used in sentences.
    pub fn name(self) -> &'static str {
        match self {
            Track::Academic => "academic",
            Track::Psychological => "psychological",
            Track::Talent => "talent",
        }
    }
}

impl fmt::Display for Track {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How urgent a need is; higher is more urgent. Coverage is maximised level by level, from
/// `Urgent` down, before any fit is considered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Levels from most to least urgent: the order of the coverage stages.
    pub const DESCENDING: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];

    /// One level up, saturating at `Urgent` (used for family hardship).
    pub fn raised(self) -> Priority {
        match self {
            Priority::Low => Priority::Normal,
            Priority::Normal => Priority::High,
            Priority::High | Priority::Urgent => Priority::Urgent,
        }
    }

    /// Lowercase name used in sentences.
    pub fn name(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

/// Psychological risk of a need, from SCL-90 screening. The most sensitive fact of a request:
/// it shapes which mentors qualify and the need's priority, but it is never logged, counted in
/// metrics or quoted in an error message, and reports show only its consequences (a referral,
/// a certificate asked for), never the level itself. `None` also means "not screened".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiskLevel {
    #[default]
    None,
    Low,
    Medium,
    High,
    Crisis,
}

/// What kind of staff member (or volunteer) a mentor is. Three roles carry qualification rules
/// of their own (see `rules::qualify` and the policy's [`policy::RoleRules`]): a peer student
/// takes only students of a lower grade and no psychological needs, an external counsellor
/// takes psychological needs only; a head teacher's own class is a fit bonus in the score
/// (`Weights::own_class`), not a rule. Other roles are informational.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MentorRole {
    Unspecified,
    HeadTeacher,
    SubjectTeacher,
    Administrator,
    TeachingAssistant,
    ExternalCounsellor,
    PeerStudent,
}

/// A caller's value as quoted in messages: at most 64 characters (then `…`), so an error about
/// a 10 MB field stays short; callers quote it with `{:?}`, which escapes control characters.
pub fn clip(value: &str) -> String {
    const MAX_QUOTED_CHARS: usize = 64;
    match value.char_indices().nth(MAX_QUOTED_CHARS) {
        None => value.to_string(),
        Some((cut, _)) => format!("{}…", &value[..cut]),
    }
}
