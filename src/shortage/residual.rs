//! Exact gains from the residual network of a proven network optimum ([`by_residual`]): one
//! search prices every seat, a screen rules out most other changes, the rest take cycle
//! searches over the cores, within the work bound and the time limit.
//!
//! Reads the domain model, `solver::gain` (the network searches), `arcs.rs` and the parallel
//! helper: no HiGHS, no re-solve, no rendering.
//!
//! Imports the domain, the solver and `parallel`; must not import the engine or any renderer
//! (see `shortage.rs`).

use std::time::Instant;

use crate::domain::model::MentorIx;
use crate::solver::gain::{self, Residual};

use super::arcs::{change_arcs, mentor_needs, MentorNeeds};
use super::{
    change, Candidate, Change, ChangeKind, Context, GainMethod, Shortage, EVALUATION_CHUNK,
    PER_CHANGE_WORK_PER_ARC, RESOLVE_MAX_PAIRS, SEARCH_WORK, SEARCH_WORK_PER_ARC,
};

/// Gains from the residual network of the proven network optimum. Changes the residual cannot
/// take exactly (seat sharing, scores past the fit digit) go to `resolve`.
pub(super) fn by_residual(
    ctx: &Context<'_>,
    candidates: &[Candidate],
    shortage: &mut Shortage,
    found: &mut Vec<Change>,
    resolve: &mut Vec<Candidate>,
) {
    let nodes = 2 + ctx.problem.needs.len() + ctx.problem.mentors.len();
    let limit = SEARCH_WORK_PER_ARC * (ctx.all.len() as u64 + nodes as u64);
    if candidates.is_empty() {
        return;
    }
    let t = Instant::now();
    let limits = gain::Limits {
        work: limit,
        per_change: (PER_CHANGE_WORK_PER_ARC * (ctx.all.len() as u64 + nodes as u64))
            .min(SEARCH_WORK),
        until: Some(ctx.deadline),
        stop: ctx.options.stop,
    };
    let Some(mut residual) = Residual::new(ctx.problem, ctx.all, ctx.plan, ctx.potentials, limits)
    else {
        // The potentials' search passed its bound (a pathological request) or the time limit.
        if ctx.out_of_time() || ctx.all.len() as u64 > RESOLVE_MAX_PAIRS {
            shortage.not_evaluated += candidates.len() as u32;
        } else {
            resolve.extend_from_slice(candidates);
        }
        return;
    };
    tracing::debug!(
        ms = t.elapsed().as_millis() as u64,
        "residual network and potentials"
    );
    price_seats(&mut residual, candidates, shortage, found);
    let others: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.kind != ChangeKind::AddSeat)
        .collect();
    let exhausted = !others.is_empty() && residual.screen().is_err();
    let queue = screen(ctx, &residual, others, exhausted, shortage, resolve);
    let work = evaluate(ctx, &residual, &queue, exhausted, shortage, found);
    tracing::debug!(work, limit, "residual searches");
}

/// Every seat change priced by one search.
fn price_seats(
    residual: &mut Residual<'_>,
    candidates: &[Candidate],
    shortage: &mut Shortage,
    found: &mut Vec<Change>,
) {
    let seats: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.kind == ChangeKind::AddSeat)
        .collect();
    let mentors: Vec<MentorIx> = seats.iter().map(|c| c.mentor).collect();
    match residual.seat_gains(&mentors) {
        Ok(gains) => {
            shortage.evaluated += seats.len() as u32;
            for (c, g) in seats.iter().zip(gains) {
                found.push(change(c, g, GainMethod::Residual));
            }
        }
        Err(gain::Exhausted) => shortage.not_evaluated += seats.len() as u32,
    }
}

/// What the screen says of one change.
enum Screened {
    /// The residual cannot take it exactly: re-solve (or count) it.
    Elsewhere,
    /// It cannot cover more.
    RuledOut,
    /// It may: its bound.
    Bound(i128),
    /// Out of time or work.
    Skipped,
}

/// The volunteer and slot changes through the screen (`exhausted`: its search ran out): those
/// it rules out are counted as evaluated, those the residual cannot take go to `resolve`, and
/// the rest come back as the queue to evaluate, smallest bound first.
fn screen(
    ctx: &Context<'_>,
    residual: &Residual<'_>,
    others: Vec<&Candidate>,
    exhausted: bool,
    shortage: &mut Shortage,
    resolve: &mut Vec<Candidate>,
) -> Vec<(i128, Candidate)> {
    // The changes the screen cannot rule out are evaluated biggest first gain (its bound)
    // first, so that a work bound that runs out leaves the least promising unevaluated.
    // Screened mentor by mentor (each mentor's needs prepared once), split over the cores and
    // joined in order.
    let mut by_mentor = others;
    by_mentor.sort_by_key(|c| (c.mentor, c.kind));
    let screened = crate::parallel::over_ranges(by_mentor.len(), |range| {
        let mut prepared: Option<(MentorIx, MentorNeeds)> = None;
        by_mentor[range]
            .iter()
            .map(|c| {
                if exhausted || ctx.out_of_time() {
                    return Screened::Skipped;
                }
                let needs = mentor_needs(ctx, &mut prepared, c.mentor);
                let arcs = change_arcs(ctx, c.mentor, c.kind, needs);
                if !residual.keeps_network(c.mentor, &arcs)
                    || !arcs.iter().all(|&(_, score)| residual.fits(score))
                {
                    return Screened::Elsewhere;
                }
                residual
                    .may_cover_more(c.mentor, &arcs)
                    .map_or(Screened::RuledOut, Screened::Bound)
            })
            .collect::<Vec<_>>()
    });
    let mut queue: Vec<(i128, Candidate)> = Vec::new();
    for (c, screened) in by_mentor.iter().zip(screened.into_iter().flatten()) {
        match screened {
            Screened::Elsewhere => resolve.push(**c),
            // Priced by the screen: it cannot cover more.
            Screened::RuledOut => shortage.evaluated += 1,
            Screened::Bound(bound) => queue.push((bound, **c)),
            Screened::Skipped => shortage.not_evaluated += 1,
        }
    }
    queue.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.kind.cmp(&b.1.kind))
            .then(a.1.mentor.cmp(&b.1.mentor))
    });
    queue
}

/// The queued changes' gains by cycle searches, a chunk at a time until the work bound;
/// returns the work spent in all.
fn evaluate(
    ctx: &Context<'_>,
    residual: &Residual<'_>,
    queue: &[(i128, Candidate)],
    exhausted: bool,
    shortage: &mut Shortage,
    found: &mut Vec<Change>,
) -> u64 {
    // Each change starts from the plan: evaluated over the cores, each core with its own copy
    // of the residual, joined in queue order (the answer does not depend on the split), a
    // chunk at a time until the work bound.
    let mut work = residual.work();
    for chunk in queue.chunks(EVALUATION_CHUNK) {
        if exhausted || work > SEARCH_WORK || ctx.out_of_time() {
            shortage.not_evaluated += chunk.len() as u32;
            continue;
        }
        let evaluated = crate::parallel::over_ranges(chunk.len(), |range| {
            let mut residual = residual.clone();
            let start = residual.work();
            let mut prepared: Option<(MentorIx, MentorNeeds)> = None;
            let out: Vec<Option<Change>> = chunk[range]
                .iter()
                .map(|&(_, c)| {
                    let needs = mentor_needs(ctx, &mut prepared, c.mentor);
                    let arcs = change_arcs(ctx, c.mentor, c.kind, needs);
                    residual
                        .arcs_gain(c.mentor, arcs)
                        .ok()
                        .map(|g| change(&c, g, GainMethod::Residual))
                })
                .collect();
            (out, residual.work() - start)
        });
        for (part, part_work) in evaluated {
            work += part_work;
            for c in part {
                match c {
                    Some(c) => {
                        shortage.evaluated += 1;
                        found.push(c);
                    }
                    None => shortage.not_evaluated += 1,
                }
            }
        }
    }
    work
}
