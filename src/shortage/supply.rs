//! The supply per track and subject ([`supply_gaps`]): for every group with an unassigned
//! need, the needs left per priority, the qualified volunteers (how many full), the qualified
//! mentors who did not volunteer, and the unassigned students' slots no volunteer has.
//!
//! Reads the domain and the rules only: no solver, no HiGHS, no rendering.
//!
//! Imports the domain and the rules; must not import the solver, the engine or any renderer.

use std::collections::BTreeMap;

use crate::domain::model::{MentorIx, NeedIx, Problem, Sym};
use crate::domain::slots::SlotSet;
use crate::domain::{Priority, Track};
use crate::rules::{qualify, QualificationIndex};

use super::SupplyGap;

/// Supply per (track, subject) with an unassigned need, most unassigned (urgent first)
/// first.
pub(super) fn supply_gaps(
    problem: &Problem,
    index: &QualificationIndex,
    plan: &[Option<MentorIx>],
) -> Vec<SupplyGap> {
    let load = mentor_load(problem, plan);
    let mut out: Vec<SupplyGap> = demand(problem, plan)
        .into_iter()
        .filter(|(_, acc)| acc.unassigned.iter().any(|&u| u > 0))
        .map(|(key, acc)| gap(problem, index, &load, key, acc))
        .collect();
    out.sort_by(|a, b| {
        rank_key_u(&b.unassigned)
            .cmp(&rank_key_u(&a.unassigned))
            .then(a.track.cmp(&b.track))
            .then(
                problem
                    .text
                    .name(a.subject)
                    .cmp(problem.text.name(b.subject)),
            )
    });
    out
}

/// The demand of one (track, subject) group.
struct Acc {
    first: NeedIx,
    /// The group's needs without a mentor (qualification can differ within a group:
    /// peer mentors by the student's grade, psychological needs by risk level).
    left: Vec<NeedIx>,
    needs: [u32; 4],
    unassigned: [u32; 4],
    slots: SlotSet,
}

/// Every (track, subject) group's needs, those left and the slots of their students.
fn demand(problem: &Problem, plan: &[Option<MentorIx>]) -> BTreeMap<(Track, Sym), Acc> {
    let mut groups: BTreeMap<(Track, Sym), Acc> = BTreeMap::new();
    for (n, need) in problem.needs.iter().enumerate() {
        let acc = groups.entry((need.track, need.subject)).or_insert(Acc {
            first: n as NeedIx,
            left: Vec::new(),
            needs: [0; 4],
            unassigned: [0; 4],
            slots: SlotSet::EMPTY,
        });
        acc.needs[need.priority as usize] += 1;
        if plan[n].is_none() {
            acc.left.push(n as NeedIx);
            acc.unassigned[need.priority as usize] += 1;
            acc.slots = acc
                .slots
                .union(problem.students[need.student as usize].slots);
        }
    }
    groups
}

/// Students each mentor takes in the plan.
fn mentor_load(problem: &Problem, plan: &[Option<MentorIx>]) -> Vec<u32> {
    let mut seats = vec![Vec::new(); problem.mentors.len()];
    for (n, m) in plan.iter().enumerate() {
        if let Some(m) = m {
            seats[*m as usize].push(problem.needs[n].student);
        }
    }
    seats
        .iter_mut()
        .map(|s| {
            s.sort_unstable();
            s.dedup();
            s.len() as u32
        })
        .collect()
}

/// One group's supply: the mentors who qualify for at least one of its needs left.
fn gap(
    problem: &Problem,
    index: &QualificationIndex,
    load: &[u32],
    (track, subject): (Track, Sym),
    acc: Acc,
) -> SupplyGap {
    let need = &problem.needs[acc.first as usize];
    let (mut volunteers, mut full, mut not_volunteering) = (0, 0, 0);
    let mut volunteer_slots = SlotSet::EMPTY;
    for &m in index.relevant(need) {
        let mentor = &problem.mentors[m as usize];
        // Qualified for at least one of the needs left.
        let qualifies = acc.left.iter().any(|&l| {
            let left = &problem.needs[l as usize];
            let student = &problem.students[left.student as usize];
            qualify(&problem.policy.rules, student, left, mentor).is_ok()
        });
        if !qualifies {
            continue;
        }
        if mentor.volunteers_for(track) {
            volunteers += 1;
            full += u32::from(load[m as usize] >= mentor.capacity);
            volunteer_slots = volunteer_slots.union(mentor.slots);
        } else {
            not_volunteering += 1;
        }
    }
    SupplyGap {
        track,
        subject,
        needs: acc.needs,
        unassigned: acc.unassigned,
        qualified_volunteers: volunteers,
        full_volunteers: full,
        qualified_not_volunteering: not_volunteering,
        unshared_slots: acc.slots.minus(volunteer_slots),
    }
}

fn rank_key_u(counts: &[u32; 4]) -> [u32; 4] {
    [
        counts[Priority::Urgent as usize],
        counts[Priority::High as usize],
        counts[Priority::Normal as usize],
        counts[Priority::Low as usize],
    ]
}
