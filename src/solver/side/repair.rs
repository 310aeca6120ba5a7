//! Repairs that only gain, applied to every round's plan: needs riding on a seat their student
//! already has, and seats the flow counted as taken but which are free.
//!
//! Must not import HiGHS or the flow: it edits a feasible plan into a better feasible plan.

use super::bound::Pricing;
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;
use crate::solver::flow::Cost;

/// Both repairs, as every plan gets them: rides, free seats, then rides on the seats just
/// filled.
pub(super) fn repair(
    problem: &Problem,
    all: &Candidates,
    values: &Pricing<'_>,
    pairs: &mut Vec<(NeedIx, MentorIx)>,
) {
    add_rides(problem, all, values, pairs);
    fill_free_seats(problem, all, values, pairs);
    add_rides(problem, all, values, pairs);
}

/// Needs left uncovered whose student already sits with a mentor qualified for them ride on
/// that seat: no capacity is taken and no mentor added, so the plan stays feasible and only
/// gains. Where several of the student's mentors qualify, the best-valued pair wins.
fn add_rides(
    problem: &Problem,
    all: &Candidates,
    values: &Pricing<'_>,
    pairs: &mut Vec<(NeedIx, MentorIx)>,
) {
    let mut covered = vec![false; problem.needs.len()];
    let mut mentors_of: Vec<Vec<MentorIx>> = vec![Vec::new(); problem.students.len()];
    for &(n, m) in pairs.iter() {
        covered[n as usize] = true;
        let s = problem.needs[n as usize].student as usize;
        if !mentors_of[s].contains(&m) {
            mentors_of[s].push(m);
        }
    }
    let mut added = Vec::new();
    for (s, mentors) in mentors_of.iter().enumerate() {
        if mentors.is_empty() {
            continue;
        }
        for n in problem.students[s].needs() {
            if covered[n as usize] {
                continue;
            }
            let best = mentors
                .iter()
                .filter_map(|&m| {
                    all.find(n, m)
                        .map(|c| (values.value(c), std::cmp::Reverse(m)))
                })
                .max();
            if let Some((_, std::cmp::Reverse(m))) = best {
                added.push((n, m));
            }
        }
    }
    if !added.is_empty() {
        pairs.extend(added);
        pairs.sort_unstable();
    }
}

/// Seats the flow counted as taken but which are free: the flow charges a seat per need, so a
/// mentor holding two needs of one student (after rides) has room for another student. An
/// uncovered need (most urgent first) takes such a seat directly, or — when its student sits
/// with a mentor `m'` for one need only and a mentor `m` with room is qualified for both —
/// both needs move to `m`, freeing the seat at `m'` for the next need. Every step keeps the
/// plan feasible and covers one more need, so the plan only gains.
fn fill_free_seats(
    problem: &Problem,
    all: &Candidates,
    values: &Pricing<'_>,
    pairs: &mut Vec<(NeedIx, MentorIx)>,
) {
    let limit = problem.policy.max_mentors_per_student as usize;
    let mut mentor_of: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
    // Needs of each student at each of its mentors.
    let mut seats_of: Vec<Vec<(MentorIx, u32)>> = vec![Vec::new(); problem.students.len()];
    let mut load = vec![0u32; problem.mentors.len()];
    for &(n, m) in pairs.iter() {
        mentor_of[n as usize] = Some(m);
        let s = problem.needs[n as usize].student as usize;
        match seats_of[s].iter_mut().find(|e| e.0 == m) {
            Some(e) => e.1 += 1,
            None => {
                seats_of[s].push((m, 1));
                load[m as usize] += 1;
            }
        }
    }
    let room = |load: &[u32], m: MentorIx| load[m as usize] < problem.mentors[m as usize].capacity;
    let mut open: Vec<NeedIx> = (0..problem.needs.len() as NeedIx)
        .filter(|&n| mentor_of[n as usize].is_none() && !all.of_need(n).is_empty())
        .collect();
    open.sort_by_key(|&n| (std::cmp::Reverse(problem.needs[n as usize].priority), n));
    let mut changed = false;
    for n in open {
        let s = problem.needs[n as usize].student as usize;
        // Direct: a qualified mentor with room, if the student may take one more mentor.
        let direct = (seats_of[s].len() < limit)
            .then(|| {
                all.of_need(n)
                    .filter(|&c| room(&load, all.mentors[c]))
                    .max_by_key(|&c| (values.value(c), std::cmp::Reverse(all.mentors[c])))
            })
            .flatten();
        if let Some(c) = direct {
            let m = all.mentors[c];
            mentor_of[n as usize] = Some(m);
            seats_of[s].push((m, 1));
            load[m as usize] += 1;
            changed = true;
            continue;
        }
        let best = best_move(problem, all, values, &mentor_of, &seats_of[s], n, |m| {
            room(&load, m)
        });
        if let Some((_, k, from, m)) = best {
            mentor_of[n as usize] = Some(m);
            mentor_of[k as usize] = Some(m);
            seats_of[s].retain(|e| e.0 != from);
            seats_of[s].push((m, 2));
            load[from as usize] -= 1;
            load[m as usize] += 1;
            changed = true;
        }
    }
    if changed {
        *pairs = mentor_of
            .iter()
            .enumerate()
            .filter_map(|(n, m)| m.map(|m| (n as NeedIx, m)))
            .collect();
    }
}

/// The best move for uncovered need `n` of a student whose seats are `seats`: another need `k`
/// of the student, alone at mentor `from`, joins `n` at a mentor `m` with room (`has_room`)
/// qualified for both. Returns (gain, k, from, m) for the move of largest positive gain, ties
/// to the lower mentor index.
fn best_move(
    problem: &Problem,
    all: &Candidates,
    values: &Pricing<'_>,
    mentor_of: &[Option<MentorIx>],
    seats: &[(MentorIx, u32)],
    n: NeedIx,
    has_room: impl Fn(MentorIx) -> bool,
) -> Option<(Cost, NeedIx, MentorIx, MentorIx)> {
    let s = problem.needs[n as usize].student as usize;
    let mut best: Option<(Cost, NeedIx, MentorIx, MentorIx)> = None;
    for k in problem.students[s].needs() {
        let Some(from) = mentor_of[k as usize] else {
            continue;
        };
        if seats.iter().any(|e| e.0 == from && e.1 > 1) {
            continue;
        }
        let Some(old) = all.find(k, from) else {
            continue;
        };
        for c in all.of_need(n) {
            let m = all.mentors[c];
            if m == from || !has_room(m) || seats.iter().any(|e| e.0 == m) {
                continue;
            }
            let Some(moved) = all.find(k, m) else {
                continue;
            };
            let gain = values.value(c) + values.value(moved) - values.value(old);
            if gain > 0
                && best.is_none_or(|b| (gain, std::cmp::Reverse(m)) > (b.0, std::cmp::Reverse(b.3)))
            {
                best = Some((gain, k, from, m));
            }
        }
    }
    best
}
