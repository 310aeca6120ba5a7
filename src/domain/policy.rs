//! The school's policy: weights of the fit objective, the qualification rule table and the
//! solver limits. Every field has a default so a request may omit the policy entirely.

use std::time::Duration;

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

/// The qualification rule table (domain.md, "Qualification by track").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Academic: minimum years teaching the subject.
    pub academic_min_years: u32,
    /// Psychological: a certificate is required; related training alone is not enough.
    pub psychological_requires_certificate: bool,
    /// Talent: minimum outside competitions coached in the domain.
    pub talent_min_competitions: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            academic_min_years: 0,
            psychological_requires_certificate: false,
            talent_min_competitions: 1,
        }
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
        let k = f64::from(students);
        self.load_spread * k * (k - 1.0).max(0.0) / 2.0
    }
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
            why_not: WhyNot::Auto,
            involve_every_mentor: false,
            load_spread: 0.0,
        }
    }
}
