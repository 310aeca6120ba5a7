//! The figures the printable report shows, read off an explained plan: coverage per track and
//! priority, preference satisfaction per grade, unassigned needs grouped by reason, and the
//! pairs of each class.
//!
//! Holds: [`Coverage`], [`GradeChoices`], [`unassigned_by_reason`], [`pairs_by_class`]. Pure
//! data: no text, no HTML. Must not import the solver or the service.

use std::collections::BTreeMap;

use crate::domain::model::Problem;
use crate::domain::{Priority, Track};
use crate::explain::{Assignment, Outcome, Unassigned, UnassignedReason};

/// Needs and needs covered, per track (index [`Track::index`]) and priority (index
/// `Priority as usize`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub needs: [[u32; 4]; 3],
    pub covered: [[u32; 4]; 3],
}

impl Coverage {
    pub fn of(problem: &Problem, outcome: &Outcome) -> Self {
        let mut covered = vec![false; problem.needs.len()];
        for a in &outcome.assignments {
            for c in &a.needs {
                covered[c.need as usize] = true;
            }
        }
        let mut out = Coverage::default();
        for (n, need) in problem.needs.iter().enumerate() {
            let (t, p) = (need.track.index(), need.priority as usize);
            out.needs[t][p] += 1;
            out.covered[t][p] += u32::from(covered[n]);
        }
        out
    }

    /// (covered, needs) of a track, all priorities.
    pub fn track(&self, t: Track) -> (u32, u32) {
        let i = t.index();
        (self.covered[i].iter().sum(), self.needs[i].iter().sum())
    }

    /// (covered, needs) of a priority, all tracks.
    pub fn priority(&self, p: Priority) -> (u32, u32) {
        let i = p as usize;
        (
            self.covered.iter().map(|row| row[i]).sum(),
            self.needs.iter().map(|row| row[i]).sum(),
        )
    }
}

/// Students of one grade who ranked mentors and got one: how many, and how many got their
/// first choice and one of their top three (the summary's definition, per grade).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GradeChoices {
    pub grade: u32,
    pub ranked: u32,
    pub first: u32,
    pub top3: u32,
}

/// Preference satisfaction per grade, ascending grade.
pub fn choices_by_grade(problem: &Problem, outcome: &Outcome) -> Vec<GradeChoices> {
    let mut best: BTreeMap<u32, Option<u32>> = BTreeMap::new();
    for a in &outcome.assignments {
        let entry = best.entry(a.student).or_insert(None);
        if let Some(r) = a.student_rank {
            *entry = Some(entry.map_or(r, |b| b.min(r)));
        }
    }
    let mut grades: BTreeMap<u32, GradeChoices> = BTreeMap::new();
    for (&s, &rank) in &best {
        let student = &problem.students[s as usize];
        if student.preferences.is_empty() {
            continue;
        }
        let g = grades.entry(student.grade).or_insert(GradeChoices {
            grade: student.grade,
            ..GradeChoices::default()
        });
        g.ranked += 1;
        g.first += u32::from(rank == Some(1));
        g.top3 += u32::from(rank.is_some_and(|r| r <= 3));
    }
    grades.into_values().collect()
}

/// Unassigned needs grouped by reason, in the order of the outcome's list (referrals first),
/// each group in that order too.
pub fn unassigned_by_reason(outcome: &Outcome) -> Vec<(UnassignedReason, Vec<&Unassigned>)> {
    let mut groups: Vec<(UnassignedReason, Vec<&Unassigned>)> = Vec::new();
    for u in &outcome.unassigned {
        match groups.iter_mut().find(|(r, _)| *r == u.reason) {
            Some((_, list)) => list.push(u),
            None => groups.push((u.reason, vec![u])),
        }
    }
    groups
}

/// One class: its name, its pairs (by student, then mentor) and its needs left unassigned.
pub struct ClassPairs<'o> {
    pub class: String,
    pub pairs: Vec<&'o Assignment>,
    pub unassigned: Vec<&'o Unassigned>,
}

/// The classes with a pair or an unassigned need, by class name.
pub fn pairs_by_class<'o>(problem: &Problem, outcome: &'o Outcome) -> Vec<ClassPairs<'o>> {
    let class_of = |s: u32| {
        problem
            .text
            .name(problem.students[s as usize].class)
            .to_string()
    };
    let mut by_name: BTreeMap<String, ClassPairs<'o>> = BTreeMap::new();
    fn class<'m, 'o>(
        by_name: &'m mut BTreeMap<String, ClassPairs<'o>>,
        name: String,
    ) -> &'m mut ClassPairs<'o> {
        by_name.entry(name.clone()).or_insert_with(|| ClassPairs {
            class: name,
            pairs: Vec::new(),
            unassigned: Vec::new(),
        })
    }
    for a in &outcome.assignments {
        class(&mut by_name, class_of(a.student)).pairs.push(a);
    }
    for u in &outcome.unassigned {
        class(
            &mut by_name,
            class_of(problem.needs[u.need as usize].student),
        )
        .unassigned
        .push(u);
    }
    by_name.into_values().collect()
}
