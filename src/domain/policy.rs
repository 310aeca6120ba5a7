//! The school's policy: weights of the fit objective, the qualification rule table and the
//! solver limits. Every field has a default so a request may omit the policy entirely.
//!
//! Imports only the domain; must not import anything outside it.

use std::time::Duration;

use super::{Priority, RiskLevel};

/// Weights of the fit components (see `score.rs` for each component's formula).
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    pub student_preference: f64,
    pub mentor_preference: f64,
    pub specialty: f64,
    pub time_overlap: f64,
    pub personality: f64,
    pub affinity: f64,
    pub own_class: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            student_preference: 3.0,
            mentor_preference: 1.0,
            specialty: 2.0,
            time_overlap: 1.0,
            personality: 1.0,
            affinity: 1.0,
            own_class: 0.5,
        }
    }
}

/// The qualification rule table (domain.md, "Qualification by track"), with the rules that
/// a psychological need's risk level and a mentor's role add to it. `rules::qualify` is the
/// one place that applies them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Academic: minimum years teaching the subject.
    pub academic_min_years: u32,
    /// Psychological: a certificate is required; related training alone is not enough.
    pub psychological_requires_certificate: bool,
    /// Talent: minimum outside competitions coached in the domain.
    pub talent_min_competitions: u32,
    /// What each psychological risk level asks of the mentor.
    pub risk: RiskRules,
    /// Rules that depend on the mentor's role.
    pub roles: RoleRules,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            academic_min_years: 0,
            psychological_requires_certificate: false,
            talent_min_competitions: 1,
            risk: RiskRules::default(),
            roles: RoleRules::default(),
        }
    }
}

/// The credential a psychological need at some risk level asks of its mentor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RiskCredential {
    /// The track's own rule: a counsellor certificate, or related training unless
    /// [`Rules::psychological_requires_certificate`].
    TrackRule,
    /// A counsellor certificate, whatever the track's rule says about training.
    Certificate,
    /// No mentor of the programme: the need is referred to the school counsellor and listed
    /// as unassigned with reason `Referral`.
    Referral,
}

/// What each psychological risk level asks of the mentor. A need with no risk level (not
/// screened) always follows the track's rule. Defaults: low and medium follow the track's rule,
/// high asks for a counsellor certificate, crisis is referred to the school counsellor (SCL-90
/// screening protocols send crisis cases to a professional, not to a volunteer mentor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskRules {
    pub low: RiskCredential,
    pub medium: RiskCredential,
    pub high: RiskCredential,
    pub crisis: RiskCredential,
}

impl Default for RiskRules {
    fn default() -> Self {
        RiskRules {
            low: RiskCredential::TrackRule,
            medium: RiskCredential::TrackRule,
            high: RiskCredential::Certificate,
            crisis: RiskCredential::Referral,
        }
    }
}

impl RiskRules {
    /// The credential a need at `level` asks for.
    pub fn credential(&self, level: RiskLevel) -> RiskCredential {
        match level {
            RiskLevel::None => RiskCredential::TrackRule,
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
            RiskLevel::Crisis => self.crisis,
        }
    }
}

/// Rules that depend on the mentor's role (domain.md: "older students as peer mentors",
/// "external volunteers/counsellors"). Defaults: a peer student takes only students at least
/// one grade below their own and never a psychological need; an external counsellor takes
/// psychological needs only. A head teacher needs no rule: their own class scores
/// [`Weights::own_class`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleRules {
    /// A peer student mentor takes only students at least this many grades below their own
    /// (a student with no grade given cannot be checked and is not taken); 0 turns the grade
    /// rule off.
    pub peer_min_grade_gap: u32,
    /// A peer student mentor may take psychological needs.
    pub peer_psychological: bool,
    /// An external counsellor may take academic and talent needs too.
    pub external_counsellor_any_track: bool,
}

impl Default for RoleRules {
    fn default() -> Self {
        RoleRules {
            peer_min_grade_gap: 1,
            peer_psychological: false,
            external_counsellor_any_track: false,
        }
    }
}

/// A need's priority after its psychological risk, when the policy lets risk raise it:
/// medium raises one level, high and crisis raise to `Urgent`; none and low leave it.
pub fn risk_priority(level: RiskLevel, priority: Priority) -> Priority {
    match level {
        RiskLevel::None | RiskLevel::Low => priority,
        RiskLevel::Medium => priority.raised(),
        RiskLevel::High | RiskLevel::Crisis => Priority::Urgent,
    }
}

/// The full policy of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub weights: Weights,
    pub rules: Rules,
    /// Minimum common weekly slots for a pair (the hard rule needs at least 1).
    pub min_common_slots: u32,
    /// Most mentors one student may have.
    pub max_mentors_per_student: u32,
    /// Wall-clock budget of the solver.
    pub time_limit: Duration,
    /// Relative gap at which the fit stage may stop; 0 means prove optimal.
    pub relative_gap: f64,
    /// Family hardship raises each need's priority one level.
    pub hardship_raises_priority: bool,
    /// A psychological need's risk level raises its priority (see [`risk_priority`]).
    pub risk_raises_priority: bool,
    /// Which "why not" misses get their exact cost (a forced re-solve each).
    pub why_not: WhyNot,
    /// Every teacher involved: a level after coverage, before fit (the first seat of each mentor earns at that level).
    pub involve_every_mentor: bool,
    /// Score points the k-th student of a mentor costs, times (k − 1): a convex load cost.
    pub load_spread: f64,
}

impl Policy {
    /// True when the objective has a mentor-level term beyond the pairs' own scores.
    pub fn has_seat_costs(&self) -> bool {
        self.involve_every_mentor || self.load_spread > 0.0
    }

    /// The load cost of a mentor holding `students` students, in score points.
    pub fn load_cost(&self, students: u32) -> f64 {
        load_cost(self.load_spread, students)
    }
}

/// The load cost of `students` students at `load_spread` per student past the first:
/// `load_spread · (0 + 1 + … + (students − 1))`.
pub fn load_cost(load_spread: f64, students: u32) -> f64 {
    let k = f64::from(students);
    load_spread * k * (k - 1.0).max(0.0) / 2.0
}

/// Which students' `BETTER_OVERALL` misses are priced by a forced re-solve. Each costs one
/// more solve, so the default prices them all only up to [`WhyNot::AUTO_MAX_STUDENTS`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum WhyNot {
    /// On up to [`WhyNot::AUTO_MAX_STUDENTS`] students, off above.
    #[default]
    Auto,
    Off,
    All,
    /// Only these students (positions), at any size.
    Students(Vec<crate::domain::model::StudentIx>),
}

impl WhyNot {
    pub const AUTO_MAX_STUDENTS: usize = 5_000;

    /// Whether student `s`'s misses are priced in a school of `students`.
    pub fn prices(&self, s: crate::domain::model::StudentIx, students: usize) -> bool {
        match self {
            WhyNot::Auto => students <= Self::AUTO_MAX_STUDENTS,
            WhyNot::Off => false,
            WhyNot::All => true,
            WhyNot::Students(list) => list.contains(&s),
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            weights: Weights::default(),
            rules: Rules::default(),
            min_common_slots: 1,
            max_mentors_per_student: 3,
            time_limit: Duration::from_secs(30),
            relative_gap: 0.0,
            hardship_raises_priority: true,
            risk_raises_priority: true,
            why_not: WhyNot::Auto,
            involve_every_mentor: false,
            load_spread: 0.0,
        }
    }
}
