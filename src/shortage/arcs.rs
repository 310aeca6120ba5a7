//! The pairs a changed mentor gains or re-scores: the needs by (track, subject)
//! ([`NeedGroups`]), a mentor's needs prepared once for all its changes ([`MentorNeeds`]) and
//! the arcs of one change ([`change_arcs`]), as the residual search takes them.
//!
//! Reads the domain, the rules and the scores only: no solver, no HiGHS, no rendering.
//!
//! Imports the domain, the rules and the scores; must not import the engine or any renderer
//! (see `shortage.rs`).

use std::collections::HashMap;

use crate::domain::model::{MentorIx, NeedIx, Problem, Sym};
use crate::domain::slots::SlotSet;
use crate::domain::Track;
use crate::rules::{qualify, Evidence};
use crate::score;

use super::{ChangeKind, Context};

/// Needs by (track, subject), for the pairs a changed mentor gains.
pub(super) struct NeedGroups {
    by_subject: HashMap<(Track, Sym), Vec<NeedIx>>,
    psychological: Vec<NeedIx>,
}

impl NeedGroups {
    pub(super) fn build(problem: &Problem) -> Self {
        let mut groups = NeedGroups {
            by_subject: HashMap::new(),
            psychological: Vec::new(),
        };
        for (n, need) in problem.needs.iter().enumerate() {
            if need.track == Track::Psychological {
                groups.psychological.push(n as NeedIx);
            } else {
                groups
                    .by_subject
                    .entry((need.track, need.subject))
                    .or_default()
                    .push(n as NeedIx);
            }
        }
        groups
    }

    /// Needs the mentor qualifies for by the track rules, with the evidence, and may be paired
    /// with (not forbidden), ascending.
    pub(super) fn qualified(&self, problem: &Problem, m: MentorIx) -> Vec<(NeedIx, Evidence)> {
        let mentor = &problem.mentors[m as usize];
        self.of_mentor(problem, m)
            .into_iter()
            .filter_map(|n| {
                let need = &problem.needs[n as usize];
                let student = &problem.students[need.student as usize];
                let evidence = qualify(&problem.policy.rules, student, need, mentor).ok()?;
                (!problem.facts(need.student, m).forbidden).then_some((n, evidence))
            })
            .collect()
    }

    /// Needs the mentor may qualify for (a superset), ascending, without repeats.
    fn of_mentor(&self, problem: &Problem, m: MentorIx) -> Vec<NeedIx> {
        let mentor = &problem.mentors[m as usize];
        let mut out: Vec<NeedIx> = Vec::new();
        for s in &mentor.subjects {
            if let Some(list) = self.by_subject.get(&(Track::Academic, s.subject)) {
                out.extend_from_slice(list);
            }
        }
        for c in &mentor.coaching {
            if let Some(list) = self.by_subject.get(&(Track::Talent, c.domain)) {
                out.extend_from_slice(list);
            }
        }
        if mentor.counselling.certificate || mentor.counselling.trained {
            out.extend_from_slice(&self.psychological);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The pairs mentor `m` gains or re-scores with the change: (need, score), by need.
pub(super) fn change_arcs(
    ctx: &Context<'_>,
    m: MentorIx,
    kind: ChangeKind,
    needs: &mut MentorNeeds,
) -> Vec<(NeedIx, f64)> {
    let problem = ctx.problem;
    let mentor = &problem.mentors[m as usize];
    match kind {
        ChangeKind::AddSeat => Vec::new(),
        ChangeKind::Volunteer(track) => needs
            .qualified
            .iter()
            .filter(|&&(n, _)| problem.needs[n as usize].track == track)
            .filter_map(|&(n, evidence)| {
                let need = &problem.needs[n as usize];
                let common = problem.students[need.student as usize]
                    .slots
                    .common(mentor.slots);
                (common.len() >= problem.policy.min_common_slots).then(|| {
                    let score = score::components(problem, n, m, evidence, common)
                        .total(&problem.policy.weights);
                    (n, score)
                })
            })
            .collect(),
        ChangeKind::AddSlot(bit) => {
            let mut out = Vec::new();
            for i in 0..needs.slot_needs.len() {
                let (at, missing) = needs.slot_needs[i];
                if !missing.contains(bit) {
                    continue;
                }
                let (n, evidence) = needs.qualified[at];
                let score = *needs.one_more_slot[i].get_or_insert_with(|| {
                    // Any one of the missing slots: the score reads only how many are common.
                    let student = problem.student_of(n);
                    let mut with = mentor.slots;
                    with.insert(bit);
                    score::components(problem, n, m, evidence, student.slots.common(with))
                        .total(&problem.policy.weights)
                });
                if ctx
                    .all
                    .find(n, m)
                    .is_some_and(|c| ctx.all.scores[c] == score)
                {
                    continue;
                }
                out.push((n, score));
            }
            out
        }
    }
}

/// A mentor's needs, prepared once for all its candidate changes.
pub(super) struct MentorNeeds {
    /// Needs the mentor qualifies for and may be paired with, with the evidence, ascending.
    qualified: Vec<(NeedIx, Evidence)>,
    /// Needs on tracks the mentor volunteers for whose pair one more common slot changes (it
    /// becomes a pair, or its time fit grows): position in `qualified`, and the student's
    /// slots the mentor lacks.
    slot_needs: Vec<(usize, SlotSet)>,
    /// The score of each of those pairs with one more common slot, once computed. It depends
    /// on the common slots only through their number, so it is the same whichever of the
    /// student's slots the mentor adds.
    one_more_slot: Vec<Option<f64>>,
}

impl MentorNeeds {
    pub(super) fn new(ctx: &Context<'_>, m: MentorIx) -> Self {
        let problem = ctx.problem;
        let mentor = &problem.mentors[m as usize];
        let qualified = ctx.groups.qualified(problem, m);
        let min = problem.policy.min_common_slots;
        let full = min.max(score::OVERLAP_SATURATION);
        let slot_needs: Vec<(usize, SlotSet)> = qualified
            .iter()
            .enumerate()
            .filter_map(|(i, &(n, _))| {
                let need = &problem.needs[n as usize];
                let student = &problem.students[need.student as usize];
                let common = student.slots.common(mentor.slots).len();
                (mentor.volunteers_for(need.track) && common < full && common + 1 >= min)
                    .then(|| (i, student.slots.minus(mentor.slots)))
            })
            .collect();
        MentorNeeds {
            qualified,
            one_more_slot: vec![None; slot_needs.len()],
            slot_needs,
        }
    }
}

/// The needs of mentor `m`, prepared once while consecutive calls ask for the same mentor.
pub(super) fn mentor_needs<'p>(
    ctx: &Context<'_>,
    prepared: &'p mut Option<(MentorIx, MentorNeeds)>,
    m: MentorIx,
) -> &'p mut MentorNeeds {
    if prepared.as_ref().is_some_and(|(at, _)| *at != m) {
        *prepared = None;
    }
    &mut prepared
        .get_or_insert_with(|| (m, MentorNeeds::new(ctx, m)))
        .1
}
