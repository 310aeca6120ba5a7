//! The request exactly as the caller sent it, before any check. The conversion layer fills
//! these from protobuf; [`super::validate::validate_with`] reads them and reports every problem
//! with its path. Enumerations stay [`Coded`] so an unset or unknown value can be reported
//! instead of silently defaulted.
//!
//! Imports only the domain; never the generated protobuf types or an outer layer.

use super::policy::RiskCredential;
use super::{MentorRole, Priority, RiskLevel, Track};

/// An enumeration field as received: set to a known value, left unset, or an unknown number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coded<T> {
    Set(T),
    Unset,
    Invalid(i32),
}

impl<T> Default for Coded<T> {
    /// Left unset, as a field the caller did not send.
    fn default() -> Self {
        Coded::Unset
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawRequest {
    pub students: Vec<RawStudent>,
    pub mentors: Vec<RawMentor>,
    pub locked_pairs: Vec<RawPair>,
    pub forbidden_pairs: Vec<RawPair>,
    pub affinities: Vec<RawAffinity>,
    pub policy: RawPolicy,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawStudent {
    pub id: String,
    pub grade: u32,
    pub class_id: String,
    pub gender: Option<String>,
    pub needs: Vec<RawNeed>,
    pub availability: Vec<String>,
    pub preferences: Vec<RawChoice>,
    pub traits: Vec<String>,
    pub family_hardship: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawNeed {
    pub id: String,
    pub track: Coded<Track>,
    pub subject: String,
    pub priority: Coded<Priority>,
    pub weak_points: Vec<String>,
    /// Unset means no risk level (not screened).
    pub risk_level: Coded<RiskLevel>,
}

/// A ranked choice of another party (mentor for a student, student for a mentor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawChoice {
    pub id: String,
    pub rank: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawSubject {
    pub subject: String,
    pub years: u32,
    pub topics: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawCoaching {
    pub domain: String,
    pub competitions: u32,
    pub topics: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawCounselling {
    pub certificate: bool,
    pub trained: bool,
    pub years: u32,
    pub topics: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawMentor {
    pub id: String,
    pub role: Coded<MentorRole>,
    /// School grade; required for a peer student mentor.
    pub grade: Option<u32>,
    pub subjects: Vec<RawSubject>,
    pub counselling: RawCounselling,
    pub coaching: Vec<RawCoaching>,
    pub tracks: Vec<Coded<Track>>,
    pub capacity: u32,
    pub availability: Vec<String>,
    pub preferences: Vec<RawChoice>,
    pub head_of_classes: Vec<String>,
    pub traits: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawPair {
    pub student_id: String,
    pub mentor_id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RawAffinity {
    pub student_id: String,
    pub mentor_id: String,
    pub score: f64,
}

/// Policy fields as sent; `None` means "use the default".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawPolicy {
    pub student_preference: Option<f64>,
    pub mentor_preference: Option<f64>,
    pub specialty: Option<f64>,
    pub time_overlap: Option<f64>,
    pub personality: Option<f64>,
    pub affinity: Option<f64>,
    pub own_class: Option<f64>,
    pub academic_min_years: Option<u32>,
    pub psychological_requires_certificate: Option<bool>,
    pub talent_min_competitions: Option<u32>,
    pub low_risk_requires: Coded<RiskCredential>,
    pub medium_risk_requires: Coded<RiskCredential>,
    pub high_risk_requires: Coded<RiskCredential>,
    pub crisis_risk_requires: Coded<RiskCredential>,
    pub peer_min_grade_gap: Option<u32>,
    pub peer_psychological: Option<bool>,
    pub external_counsellor_any_track: Option<bool>,
    pub min_common_slots: Option<u32>,
    pub max_mentors_per_student: Option<u32>,
    pub time_limit_seconds: Option<f64>,
    pub relative_gap: Option<f64>,
    pub hardship_raises_priority: Option<bool>,
    pub risk_raises_priority: Option<bool>,
    pub why_not_costs: Option<bool>,
    pub why_not_students: Vec<String>,
    pub involve_every_mentor: Option<bool>,
    pub load_spread: Option<f64>,
}
