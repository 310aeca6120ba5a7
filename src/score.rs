//! The fit objective, one function per component, and [`COMPONENTS`], the one table of the
//! weighted components (name, weight, scoring function, label) that the weighted total, the
//! score breakdown, the rematch's default change penalty and the checks of the docs read. Each
//! component lies in [0, 1] (affinity in [-1, 1]) so that the policy weights say directly how
//! much each matters; the score of a (need, mentor) pair is `Σ weight_k · component_k`. Nothing
//! here allocates: it runs once per candidate pair, millions of times at district scale.
//!
//! Imports only the domain; never `rules` (which calls this to score candidates) or an outer
//! layer.

use std::ops::Index;

use crate::domain::evidence::Evidence;
use crate::domain::model::{Mentor, MentorIx, NeedIx, PairFacts, Problem, Student, Sym};
use crate::domain::policy::Weights;
use crate::domain::slots::SlotSet;

/// Years (or competitions) at which experience counts fully.
pub const EXPERIENCE_SATURATION: u32 = 10;
/// Common slots at which time fit counts fully.
pub const OVERLAP_SATURATION: u32 = 3;

/// A weighted component of the fit, by its row in [`COMPONENTS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    StudentPreference,
    MentorPreference,
    Specialty,
    TimeOverlap,
    Personality,
    Affinity,
    OwnClass,
}

/// One candidate pair, as the components are scored from it.
pub struct Pair<'p> {
    pub problem: &'p Problem,
    pub need: NeedIx,
    pub mentor_ix: MentorIx,
    pub student: &'p Student,
    pub mentor: &'p Mentor,
    /// What the request states about the pair (ranks, affinity).
    pub facts: PairFacts,
    pub evidence: Evidence,
    pub common: SlotSet,
}

/// One row of [`COMPONENTS`].
pub struct Component {
    pub part: Part,
    /// snake_case: the field of `policy.weights` and of the JSON's `ScoreBreakdown`, and the
    /// policy sheet's setting key.
    pub name: &'static str,
    /// Its weight in the policy.
    pub weight: fn(&Weights) -> f64,
    /// Its value for a candidate pair, before weighting.
    pub score: fn(&Pair<'_>) -> f64,
    /// The i18n key of its label for people (the policy sheet's name for its weight).
    pub label: &'static str,
}

/// Every weighted component, in the order of the breakdown, the policy and the sum.
pub const COMPONENTS: [Component; 7] = [
    Component {
        part: Part::StudentPreference,
        name: "student_preference",
        weight: |w| w.student_preference,
        score: |p| preference(p.student.rank_of(p.mentor_ix)),
        label: "sheet.setting.student_preference",
    },
    Component {
        part: Part::MentorPreference,
        name: "mentor_preference",
        weight: |w| w.mentor_preference,
        score: |p| preference(p.facts.mentor_rank_of_student),
        label: "sheet.setting.mentor_preference",
    },
    Component {
        part: Part::Specialty,
        name: "specialty",
        weight: |w| w.specialty,
        score: |p| specialty(p.problem, p.need, p.mentor_ix, p.evidence),
        label: "sheet.setting.specialty",
    },
    Component {
        part: Part::TimeOverlap,
        name: "time_overlap",
        weight: |w| w.time_overlap,
        score: |p| time_overlap(p.common),
        label: "sheet.setting.time_overlap",
    },
    Component {
        part: Part::Personality,
        name: "personality",
        weight: |w| w.personality,
        score: |p| personality(&p.student.traits, &p.mentor.traits),
        label: "sheet.setting.personality",
    },
    Component {
        part: Part::Affinity,
        name: "affinity",
        weight: |w| w.affinity,
        score: |p| p.facts.affinity,
        label: "sheet.setting.affinity",
    },
    Component {
        part: Part::OwnClass,
        name: "own_class",
        weight: |w| w.own_class,
        score: |p| {
            if p.mentor.heads(p.student.class) {
                1.0
            } else {
                0.0
            }
        },
        label: "sheet.setting.own_class",
    },
];

/// The components of one pair's fit, each before weighting.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Components {
    /// By [`Part`], in the order of [`COMPONENTS`].
    parts: [f64; COMPONENTS.len()],
    /// Rematch bonus for keeping a working pair; unweighted (it is already a penalty amount).
    pub continuity: f64,
}

impl Index<Part> for Components {
    type Output = f64;

    fn index(&self, part: Part) -> &f64 {
        &self.parts[part as usize]
    }
}

impl Components {
    /// The weighted sum: this pair's contribution to the objective. Added in the table's
    /// order, from -0.0 (the sum's identity), so the result is the same to the bit as
    /// `w₁·c₁ + … + w₇·c₇ + continuity` written out.
    pub fn total(&self, w: &Weights) -> f64 {
        COMPONENTS
            .iter()
            .fold(-0.0, |t, c| t + (c.weight)(w) * self[c.part])
            + self.continuity
    }
}

/// The sum of the weights: the most a pair can score before continuity, every component being
/// at most 1. Added in the table's order, as [`Components::total`].
pub fn weight_sum(w: &Weights) -> f64 {
    COMPONENTS.iter().fold(-0.0, |t, c| t + (c.weight)(w))
}

/// Preference rank to score: `2 / (rank + 1)`, so 1st = 1, 2nd = 0.67, 3rd = 0.5, unranked = 0.
pub fn preference(rank: Option<u32>) -> f64 {
    rank.map_or(0.0, |r| 2.0 / (f64::from(r) + 1.0))
}

/// Experience to score: `min(x, 10) / 10`.
pub fn experience(x: u32) -> f64 {
    f64::from(x.min(EXPERIENCE_SATURATION)) / f64::from(EXPERIENCE_SATURATION)
}

/// Common slots to score: `min(common, 3) / 3` — more shared slots make weekly meetings easier.
pub fn time_overlap(common: SlotSet) -> f64 {
    f64::from(common.len().min(OVERLAP_SATURATION)) / f64::from(OVERLAP_SATURATION)
}

/// Size of the intersection of two sorted symbol lists.
///
/// The merge steps by adding its comparisons as 0 or 1 instead of branching three ways (the
/// same steps as the three-way match: equal symbols advance both lists and count once):
/// which list is behind is a coin toss at every step, and this runs for every candidate pair
/// (personality, weak points), 16 M of them at district size.
pub fn shared(a: &[Sym], b: &[Sym]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Personality similarity: Jaccard index of the trait sets, 0 when both are empty.
pub fn personality(a: &[Sym], b: &[Sym]) -> f64 {
    let common = shared(a, b);
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// The mentor's topics relevant to the evidence (subject topics, counselling topics, coaching
/// topics).
pub fn topics(problem: &Problem, mentor: MentorIx, evidence: Evidence) -> &[Sym] {
    let m = &problem.mentors[mentor as usize];
    match evidence {
        Evidence::TeachesSubject { subject, .. } => m
            .subjects
            .iter()
            .find(|s| s.subject == subject)
            .map_or(&[], |s| s.topics.as_slice()),
        Evidence::CounsellorCertificate { .. } | Evidence::PsychologicalTraining { .. } => {
            &m.counselling.topics
        }
        Evidence::CoachesDomain { domain, .. } => m
            .coaching
            .iter()
            .find(|c| c.domain == domain)
            .map_or(&[], |c| c.topics.as_slice()),
    }
}

/// Specialty fit: `(credential + experience + weak-point match) / 3`, or
/// `(credential + experience) / 2` when the need names no weak points.
/// Credential is 1, except 0.5 for psychological training without a certificate; experience is
/// years teaching or counselling, or competitions coached, through [`experience`]; the match is
/// the share of the need's weak points found among the mentor's topics.
pub fn specialty(problem: &Problem, need: NeedIx, mentor: MentorIx, evidence: Evidence) -> f64 {
    let (credential, exp) = match evidence {
        Evidence::TeachesSubject { years, .. } => (1.0, experience(years)),
        Evidence::CounsellorCertificate { years } => (1.0, experience(years)),
        Evidence::PsychologicalTraining { years } => (0.5, experience(years)),
        Evidence::CoachesDomain { competitions, .. } => (1.0, experience(competitions)),
    };
    let weak = &problem.needs[need as usize].weak_points;
    if weak.is_empty() {
        (credential + exp) / 2.0
    } else {
        let matched = shared(weak, topics(problem, mentor, evidence)) as f64 / weak.len() as f64;
        (credential + exp + matched) / 3.0
    }
}

/// Every component of a candidate pair's fit, each scored by its row of [`COMPONENTS`].
pub fn components(
    problem: &Problem,
    need: NeedIx,
    mentor: MentorIx,
    evidence: Evidence,
    common: SlotSet,
) -> Components {
    let n = &problem.needs[need as usize];
    let pair = Pair {
        problem,
        need,
        mentor_ix: mentor,
        student: &problem.students[n.student as usize],
        mentor: &problem.mentors[mentor as usize],
        facts: problem.facts(n.student, mentor),
        evidence,
        common,
    };
    Components {
        parts: COMPONENTS.map(|c| (c.score)(&pair)),
        continuity: problem.continuity(n.student, mentor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_part_order() {
        for (i, c) in COMPONENTS.iter().enumerate() {
            assert_eq!(c.part as usize, i, "{}", c.name);
            assert_eq!(c.label, format!("sheet.setting.{}", c.name));
        }
    }

    #[test]
    fn total_is_the_written_out_sum_to_the_bit() {
        let w = Weights {
            student_preference: 3.0,
            mentor_preference: 0.1,
            specialty: 2.7,
            time_overlap: -0.0,
            personality: 1.0 / 3.0,
            affinity: 1.0,
            own_class: 0.5,
        };
        let k = Components {
            parts: [0.5, 2.0 / 3.0, 0.9, 1.0 / 3.0, 0.25, -0.7, 1.0],
            continuity: 0.3,
        };
        let written = w.student_preference * k.parts[0]
            + w.mentor_preference * k.parts[1]
            + w.specialty * k.parts[2]
            + w.time_overlap * k.parts[3]
            + w.personality * k.parts[4]
            + w.affinity * k.parts[5]
            + w.own_class * k.parts[6]
            + k.continuity;
        assert_eq!(k.total(&w).to_bits(), written.to_bits());
        let d = Weights::default();
        assert_eq!(weight_sum(&d), 9.5);
    }

    /// The proto's `Weights` and `ScoreBreakdown`, and README's policy table (with each
    /// default), list exactly the table's components.
    #[test]
    fn the_docs_list_every_component() {
        let proto = include_str!("../proto/mentormatch/v1/mentormatch.proto");
        let fields = |message: &str| -> Vec<String> {
            let start = proto
                .find(&format!("message {message} {{"))
                .unwrap_or_else(|| panic!("no message {message}"));
            let body = &proto[start..];
            let body = &body[..body.find("\n}").unwrap_or(body.len())];
            body.lines()
                .filter(|l| !l.trim_start().starts_with("//") && l.contains(" = "))
                .filter_map(|l| l.split(" = ").next()?.split_whitespace().last())
                .map(str::to_string)
                .collect()
        };
        let names: Vec<String> = COMPONENTS.iter().map(|c| c.name.to_string()).collect();
        assert_eq!(fields("Weights"), names);
        let breakdown = fields("ScoreBreakdown");
        assert_eq!(breakdown[..names.len()], names[..]);
        let readme = include_str!("../README.md");
        let defaults = Weights::default();
        for c in &COMPONENTS {
            let camel: String = c
                .name
                .split('_')
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        w.to_string()
                    } else {
                        w[..1].to_uppercase() + &w[1..]
                    }
                })
                .collect();
            let row = format!("| `weights.{camel}` | {} |", (c.weight)(&defaults));
            assert!(readme.contains(&row), "README has no row {row}");
        }
    }

    #[test]
    fn every_component_has_a_label_in_every_language() {
        for lang in crate::i18n::Lang::ALL {
            for c in &COMPONENTS {
                assert_ne!(crate::i18n::tr(lang, c.label), c.label, "{lang:?}");
            }
        }
    }

    #[test]
    fn preference_decreases_with_rank() {
        assert_eq!(preference(Some(1)), 1.0);
        assert!(preference(Some(2)) > preference(Some(3)));
        assert_eq!(preference(None), 0.0);
    }

    #[test]
    fn experience_and_overlap_saturate() {
        assert_eq!(experience(0), 0.0);
        assert_eq!(experience(5), 0.5);
        assert_eq!(experience(25), 1.0);
        let mut s = SlotSet::EMPTY;
        s.insert(0);
        assert!((time_overlap(s) - 1.0 / 3.0).abs() < 1e-12);
        for b in 1..10 {
            s.insert(b);
        }
        assert_eq!(time_overlap(s), 1.0);
    }

    #[test]
    fn personality_is_jaccard() {
        assert_eq!(personality(&[], &[]), 0.0);
        assert_eq!(personality(&[1, 2], &[2, 3]), 1.0 / 3.0);
        assert_eq!(personality(&[1, 2], &[1, 2]), 1.0);
    }
}
