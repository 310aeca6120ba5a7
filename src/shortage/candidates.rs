//! Which changes to price ([`generate`]): seats at the full mentors the plan's alternating
//! paths reach from an unassigned need, and volunteer or slot changes that start a pair at a
//! need those paths reach (the module header of `shortage` says why no gain is missed).
//!
//! Reads the domain and the rules only: no solver, no HiGHS, no rendering.
//!
//! Imports the domain and the rules; must not import the engine or any renderer (see
//! `shortage.rs`).

use std::collections::BTreeMap;

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::domain::Priority;
use crate::rules::{qualify, Candidates, QualificationIndex};

use super::{Candidate, ChangeKind};

/// Needs held by a locked pair: they never move.
fn locked_needs(problem: &Problem, plan: &[Option<MentorIx>]) -> Vec<bool> {
    let mut frozen = vec![false; problem.needs.len()];
    for &(s, m) in &problem.locked {
        for n in problem.students[s as usize].needs() {
            if plan[n as usize] == Some(m) {
                frozen[n as usize] = true;
            }
        }
    }
    frozen
}

/// The candidate changes, most urgent first (the `shortage` header says why these).
pub(super) fn generate(
    problem: &Problem,
    index: &QualificationIndex,
    all: &Candidates,
    plan: &[Option<MentorIx>],
) -> Vec<Candidate> {
    let (holders, seats) = held(problem, plan);
    let (need_seen, mentor_seen) = reach(problem, all, plan, &holders);
    let max_capacity = crate::domain::limits::MAX_CAPACITY;
    let seat_offered: Vec<bool> = (0..problem.mentors.len())
        .map(|m| {
            let capacity = problem.mentors[m].capacity;
            mentor_seen[m] && seats[m].len() as u32 >= capacity && capacity < max_capacity
        })
        .collect();
    let mut found = Found::new();
    for (m, &offered) in seat_offered.iter().enumerate() {
        if offered {
            touch(&mut found, (m as MentorIx, ChangeKind::AddSeat), None);
        }
    }
    // Needs are looked at independently, over the cores (each reached need checks every
    // relevant mentor's qualification: ~1.8 s on one core at the district). A change's entry
    // is a maximum and a count, so the parts merge to the same map however they are split.
    let parts = crate::parallel::over_ranges(problem.needs.len(), |range| {
        let mut part = Found::new();
        for n in range.filter(|&n| need_seen[n]) {
            touch_need(problem, index, all, plan, &seat_offered, n, &mut part);
        }
        part
    });
    for part in parts {
        for (key, (priority, count)) in part {
            let entry = found.entry(key).or_insert((None, 0));
            entry.0 = entry.0.max(priority);
            entry.1 += count;
        }
    }
    ranked(found)
}

/// The candidate changes found so far, each with the most urgent unassigned need it touches
/// directly and how many.
type Found = BTreeMap<(MentorIx, ChangeKind), (Option<Priority>, u32)>;

/// Notes a change, and the unassigned need it touches directly (if any).
fn touch(found: &mut Found, key: (MentorIx, ChangeKind), direct: Option<Priority>) {
    let entry = found.entry(key).or_insert((None, 0));
    if let Some(p) = direct {
        entry.0 = entry.0.max(Some(p));
        entry.1 += 1;
    }
}

/// Per mentor, the needs it holds in the plan and its students (consecutive repeats removed).
fn held(problem: &Problem, plan: &[Option<MentorIx>]) -> (Vec<Vec<NeedIx>>, Vec<Vec<StudentIx>>) {
    let mentors = problem.mentors.len();
    let mut holders: Vec<Vec<NeedIx>> = vec![Vec::new(); mentors];
    let mut seats = vec![Vec::new(); mentors];
    for (n, m) in plan.iter().enumerate() {
        if let Some(m) = m {
            holders[*m as usize].push(n as NeedIx);
            seats[*m as usize].push(problem.needs[n].student);
        }
    }
    for s in &mut seats {
        s.dedup();
    }
    (holders, seats)
}

/// The needs and mentors on the alternating paths from the unassigned needs: an unmade
/// candidate pair, then a need the mentor at its end holds (unless locked), and so on.
fn reach(
    problem: &Problem,
    all: &Candidates,
    plan: &[Option<MentorIx>],
    holders: &[Vec<NeedIx>],
) -> (Vec<bool>, Vec<bool>) {
    let needs = problem.needs.len();
    let frozen = locked_needs(problem, plan);
    let mut need_seen = vec![false; needs];
    let mut mentor_seen = vec![false; problem.mentors.len()];
    let mut queue: std::collections::VecDeque<NeedIx> = std::collections::VecDeque::new();
    for n in 0..needs {
        if plan[n].is_none() {
            need_seen[n] = true;
            queue.push_back(n as NeedIx);
        }
    }
    while let Some(n) = queue.pop_front() {
        for c in all.of_need(n) {
            let m = all.mentors[c];
            if plan[n as usize] == Some(m) || mentor_seen[m as usize] {
                continue;
            }
            mentor_seen[m as usize] = true;
            for &held in &holders[m as usize] {
                if !need_seen[held as usize] && !frozen[held as usize] {
                    need_seen[held as usize] = true;
                    queue.push_back(held);
                }
            }
        }
    }
    (need_seen, mentor_seen)
}

/// The changes at need `n` (reached by the paths): a seat at a full candidate when `n` is
/// unassigned, a qualified mentor volunteering, a volunteer one slot short adding it.
fn touch_need(
    problem: &Problem,
    index: &QualificationIndex,
    all: &Candidates,
    plan: &[Option<MentorIx>],
    seat_offered: &[bool],
    n: usize,
    found: &mut Found,
) {
    let min = problem.policy.min_common_slots;
    let need = &problem.needs[n];
    let student = &problem.students[need.student as usize];
    let direct = plan[n].is_none().then_some(need.priority);
    if direct.is_some() {
        // A seat at a full candidate of an unassigned need touches it directly.
        for c in all.of_need(n as NeedIx) {
            let m = all.mentors[c];
            if seat_offered[m as usize] {
                touch(found, (m, ChangeKind::AddSeat), direct);
            }
        }
    }
    for &m in index.relevant(need) {
        let mentor = &problem.mentors[m as usize];
        // The slots and the volunteering first: most relevant mentors already volunteer and
        // share enough slots, so no change of theirs starts here, and the qualification
        // check (the dear part) is left for those that would.
        let common = student.slots.common(mentor.slots).len();
        let volunteers = mentor.volunteers_for(need.track);
        let changes = if volunteers {
            common + 1 == min
        } else {
            common >= min
        };
        if !changes
            || problem.facts(need.student, m).forbidden
            || qualify(&problem.policy.rules, student, need, mentor).is_err()
        {
            continue;
        }
        if !volunteers {
            touch(found, (m, ChangeKind::Volunteer(need.track)), direct);
        } else {
            for bit in student.slots.minus(mentor.slots).bits() {
                touch(found, (m, ChangeKind::AddSlot(bit)), direct);
            }
        }
    }
}

/// The changes found as candidates, most urgent touch first.
fn ranked(found: Found) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = found
        .into_iter()
        .map(|((mentor, kind), touch)| Candidate {
            mentor,
            kind,
            touch,
        })
        .collect();
    out.sort_by(|a, b| {
        b.touch
            .cmp(&a.touch)
            .then(a.kind.cmp(&b.kind))
            .then(a.mentor.cmp(&b.mentor))
    });
    out
}
