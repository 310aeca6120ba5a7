//! The fit objective, one function per component. Each component lies in [0, 1] (affinity in
//! [-1, 1]) so that the policy weights say directly how much each matters; the score of a
//! (need, mentor) pair is `Σ weight_k · component_k`. Nothing here allocates: it runs once per
//! candidate pair, millions of times at district scale.

use crate::domain::evidence::Evidence;
use crate::domain::model::{MentorIx, NeedIx, Problem, Sym};
use crate::domain::policy::Weights;
use crate::domain::slots::SlotSet;

/// Years (or competitions) at which experience counts fully.
pub const EXPERIENCE_SATURATION: u32 = 10;
/// Common slots at which time fit counts fully.
pub const OVERLAP_SATURATION: u32 = 3;

/// The components of one pair's fit, each before weighting.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Components {
    pub student_preference: f64,
    pub mentor_preference: f64,
    pub specialty: f64,
    pub time_overlap: f64,
    pub personality: f64,
    pub affinity: f64,
    pub own_class: f64,
    /// Rematch bonus for keeping a working pair; unweighted (it is already a penalty amount).
    pub continuity: f64,
}

impl Components {
    /// The weighted sum: this pair's contribution to the objective.
    pub fn total(&self, w: &Weights) -> f64 {
        w.student_preference * self.student_preference
            + w.mentor_preference * self.mentor_preference
            + w.specialty * self.specialty
            + w.time_overlap * self.time_overlap
            + w.personality * self.personality
            + w.affinity * self.affinity
            + w.own_class * self.own_class
            + self.continuity
    }
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
pub fn shared(a: &[Sym], b: &[Sym]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
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

/// Every component of a candidate pair's fit.
pub fn components(
    problem: &Problem,
    need: NeedIx,
    mentor: MentorIx,
    evidence: Evidence,
    common: SlotSet,
) -> Components {
    let n = &problem.needs[need as usize];
    let s = &problem.students[n.student as usize];
    let m = &problem.mentors[mentor as usize];
    let facts = problem.facts(n.student, mentor);
    Components {
        student_preference: preference(s.rank_of(mentor)),
        mentor_preference: preference(facts.mentor_rank_of_student),
        specialty: specialty(problem, need, mentor, evidence),
        time_overlap: time_overlap(common),
        personality: personality(&s.traits, &m.traits),
        affinity: facts.affinity,
        own_class: if m.heads(s.class) { 1.0 } else { 0.0 },
        continuity: facts.continuity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
