//! Domain → proto for the shortage section of a solve response: the supply gaps per track and
//! subject, and the single supply changes (a seat, a volunteer, a slot) with their gains.
//!
//! Imports the domain, the shortage analysis's data and the explanation's renderer; must not
//! import tonic, the engine, the service or the CLI.

use super::enums::{pb_priority, pb_track};
use super::pb;
use super::response::level_counts;
use crate::domain::model::Problem;
use crate::domain::Priority;
use crate::render::text::Renderer;
use crate::shortage::{Change, ChangeKind, GainMethod, Gains, SupplyGap};

pub(super) fn shortage(text: &Renderer, sh: &crate::shortage::Shortage) -> pb::Shortage {
    let problem = text.problem;
    pb::Shortage {
        gaps: sh.gaps.iter().map(|g| supply_gap(problem, g)).collect(),
        changes: sh.changes.iter().map(|c| change(text, c)).collect(),
        changes_with_gain: sh.with_gain,
        changes_evaluated: sh.evaluated,
        changes_not_evaluated: sh.not_evaluated,
        gains_computed: sh.gains == Gains::Computed,
        gains_note: match &sh.gains {
            Gains::Computed => String::new(),
            Gains::NotComputed(why) => text.not_computed(why),
        },
    }
}

/// One track and subject's supply.
fn supply_gap(problem: &Problem, g: &SupplyGap) -> pb::SupplyGap {
    pb::SupplyGap {
        track: pb_track(g.track),
        subject: problem.text.name(g.subject).to_string(),
        coverage: Priority::DESCENDING
            .iter()
            .filter(|&&p| g.needs[p as usize] > 0)
            .map(|&p| pb::PriorityCoverage {
                priority: pb_priority(p),
                needs: g.needs[p as usize],
                covered: g.needs[p as usize] - g.unassigned[p as usize],
                // A bound is the whole plan's, by level, not one track's.
                at_most: None,
            })
            .collect(),
        unassigned: g.unassigned_total(),
        qualified_volunteers: g.qualified_volunteers,
        full_volunteers: g.full_volunteers,
        qualified_not_volunteering: g.qualified_not_volunteering,
        unshared_slots: g.unshared_slots.names(),
    }
}

/// The first needs of a list, named (the counts travel beside them).
fn need_refs(problem: &Problem, list: &[u32]) -> Vec<pb::NeedRef> {
    list.iter()
        .take(crate::render::text::CHANGE_NEEDS_NAMED)
        .map(|&n| {
            let need = &problem.needs[n as usize];
            pb::NeedRef {
                student_id: problem.students[need.student as usize].id.clone(),
                need_id: need.id.clone(),
                priority: pb_priority(need.priority),
            }
        })
        .collect()
}

/// One single change with its exact gain; the kind sets the field it names.
fn change(text: &Renderer, c: &Change) -> pb::ShortageChange {
    let problem = text.problem;
    let mut out = pb::ShortageChange {
        kind: 0,
        mentor_id: problem.mentors[c.mentor as usize].id.clone(),
        capacity: 0,
        track: 0,
        slot: String::new(),
        coverage_gain: level_counts(&c.coverage_gain),
        fit_change: c.fit_change,
        covered_needs: need_refs(problem, &c.covered),
        covered_need_count: c.covered.len() as u32,
        uncovered_needs: need_refs(problem, &c.uncovered),
        uncovered_need_count: c.uncovered.len() as u32,
        method: match c.method {
            GainMethod::Residual => pb::ShortageGainMethod::Residual,
            GainMethod::ReSolve => pb::ShortageGainMethod::ReSolve,
        } as i32,
        detail: text.change(c),
    };
    out.kind = match c.kind {
        ChangeKind::AddSeat => {
            out.capacity = problem.mentors[c.mentor as usize].capacity;
            pb::ShortageChangeKind::AddSeat
        }
        ChangeKind::Volunteer(track) => {
            out.track = pb_track(track);
            pb::ShortageChangeKind::Volunteer
        }
        ChangeKind::AddSlot(bit) => {
            out.slot = crate::domain::slots::slot_name(bit);
            pb::ShortageChangeKind::AddSlot
        }
    } as i32;
    out
}
