//! After the rounds: the pairs a better plan could use (within the gap of each student's best
//! pattern at the bound's prices), and the answer built from the incumbent plan.
//!
//! Must not import HiGHS directly (the integer program is `mip`'s).

use super::bound::{Bound, Pricing, StudentTable};
use super::sharing::{Shape, Sharing};
use super::{Incumbent, SideOutcome, SideStats};
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::rules::Candidates;
use crate::solver::flow::Cost;
use crate::solver::stopped::{coverage_room, lowest_fit, COVERAGE_PROVEN_BELOW};
use crate::solver::{level_coverage, verify, LevelCoverage, Solution, SolveStatus};

/// What a better plan could use, and must make, within `gap` of the bound.
pub(super) struct Residual {
    /// Every pair that some pattern within `gap` of its student's best could use, plus the
    /// incumbent's pairs: any plan better than the incumbent uses only these.
    pub pairs: Vec<(NeedIx, MentorIx, f64)>,
    /// The needs every such pattern covers: left uncovered, each would cost its student more
    /// than `gap` (without a shareable seat, its best single at the prices is worth more; with
    /// one, its best pattern beats every pattern without the need by more). Sorted.
    pub must_cover: Vec<NeedIx>,
}

/// The [`Residual`] at `gap`: each student's terms of `L − value` are non-negative, so a plan
/// within `gap` of the bound gives every student a pattern within `gap` of its best.
pub(super) fn residual_pairs(
    pricing: &Pricing<'_>,
    sharing: &Sharing,
    singles: &[(Cost, MentorIx)],
    gap: Cost,
    incumbent: &[(NeedIx, MentorIx)],
) -> Residual {
    let problem = pricing.problem;
    let all = pricing.all;
    let parts = crate::parallel::over_ranges(problem.students.len(), |range| {
        let mut out = Vec::new();
        let mut must_cover = Vec::new();
        for s in range {
            let student = &problem.students[s];
            match sharing.shape(s) {
                Shape::Simple => {
                    for n in student.needs() {
                        let a = singles[n as usize].0;
                        if a > gap {
                            must_cover.push(n);
                        }
                        for c in all.of_need(n) {
                            let m = all.mentors[c];
                            let loss = a - (pricing.value(c) - pricing.mu[m as usize]);
                            if loss <= gap {
                                out.push((n, m, all.scores[c]));
                            }
                        }
                    }
                }
                Shape::Loose => {
                    for n in student.needs() {
                        for c in all.of_need(n) {
                            out.push((n, all.mentors[c], all.scores[c]));
                        }
                    }
                }
                Shape::Exact => {
                    let table = StudentTable::build(pricing, sharing, singles, s);
                    let best = table.best();
                    let full = (1usize << table.k) - 1;
                    let seats = sharing.of_student(s);
                    for (i, n) in student.needs().enumerate() {
                        if best - (table.base + table.at(full ^ 1 << i, table.slots)) > gap {
                            must_cover.push(n);
                        }
                        // The student's shared seats and the need's pairs, both by mentor,
                        // walked in step: the seat at the pair's mentor, if any, holds every
                        // other need that mentor could cover on it.
                        let mut seat = seats.start;
                        for c in all.of_need(n) {
                            let m = all.mentors[c];
                            while seat < seats.end && sharing.seats[seat].mentor < m {
                                seat += 1;
                            }
                            let locked = sharing.locks[s].iter().any(|l| l.0 == m);
                            let shared = if seat < seats.end && sharing.seats[seat].mentor == m {
                                others_on_seat(pricing, sharing, seat, i)
                            } else {
                                Vec::new()
                            };
                            let keep = table
                                .forced(
                                    i,
                                    pricing.value(c),
                                    (pricing.mu[m as usize], pricing.give_back(s, m)),
                                    &shared,
                                    locked,
                                )
                                .is_some_and(|v| best - v <= gap);
                            if keep {
                                out.push((n, m, all.scores[c]));
                            }
                        }
                    }
                }
            }
        }
        (out, must_cover)
    });
    let (mut out, mut must_cover): (Vec<_>, Vec<_>) = (Vec::new(), Vec::new());
    for (pairs, needs) in parts {
        out.extend(pairs);
        must_cover.extend(needs);
    }
    for &(n, m) in incumbent {
        if let Some(c) = all.find(n, m) {
            out.push((n, m, all.scores[c]));
        }
    }
    out.sort_by_key(|e| (e.0, e.1));
    out.dedup_by_key(|e| (e.0, e.1));
    must_cover.sort_unstable();
    Residual {
        pairs: out,
        must_cover,
    }
}

/// The student's needs other than its `i`-th that shared seat `seat` could cover with it, as
/// (need offset, value of the pair): what `Pricing::others_at` (the tests' oracle) finds by
/// searching each other need's pairs for the seat's mentor, read off the seat (a seat holds
/// every need of the student its mentor is a candidate for, in need order). The residual's
/// scan asks this of every pair of an exact student's needs; the searches were most of its
/// time.
pub(super) fn others_on_seat(
    pricing: &Pricing<'_>,
    sharing: &Sharing,
    seat: usize,
    i: usize,
) -> Vec<(usize, Cost)> {
    sharing
        .member_bits(seat)
        .filter(|&(j, _)| j != i)
        .map(|(j, c)| (j, pricing.value(c as usize)))
        .collect()
}

/// The pairs every plan within the residual's gap must make: of the needs it must cover, those
/// whose only pair in `restricted` (the residual program's candidates) the `incumbent` makes.
/// The program may hold them fixed, which its presolve turns into fewer columns. As (student,
/// mentor) locks: the pair is made and covers at least one need, which such a plan satisfies.
/// Only pairs the incumbent makes: it is the program's answer of last resort, so it must hold
/// them too (and the program stays feasible).
pub(super) fn forced_pairs(
    problem: &Problem,
    must_cover: &[NeedIx],
    restricted: &Candidates,
    incumbent: &[(NeedIx, MentorIx)],
) -> Vec<(StudentIx, MentorIx)> {
    let mut made: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
    for &(n, m) in incumbent {
        made[n as usize] = Some(m);
    }
    let mut out: Vec<(StudentIx, MentorIx)> = must_cover
        .iter()
        .filter_map(|&n| {
            let mut pairs = restricted.of_need(n);
            let only = match (pairs.next(), pairs.next()) {
                (Some(c), None) => restricted.mentors[c],
                _ => return None,
            };
            let m = made[n as usize].filter(|&m| m == only)?;
            Some((problem.needs[n as usize].student, m))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The bound on the fit of a plan not proven optimal (`objective` its fit, `value` its packed
/// value, `coverage` with the claims its proof allows), over every pair in `all`: each need at
/// its best pair, as many of each level as the coverage proof allows (`solver::capped_bound`:
/// a fit bound of its own, and the only one where the method reached none), and, where the
/// bound leaves the same coverage and a gap in the fit digit only, the bound's fit digit; the
/// lower holds. A residual programme's own bound is none of these: it bounds the plans over
/// its pairs only.
pub(super) fn fit_bound(
    problem: &Problem,
    all: &Candidates,
    coverage: &[LevelCoverage],
    objective: f64,
    value: Cost,
    bound: Option<&Bound>,
    fit_scale: f64,
) -> f64 {
    let capped = crate::solver::capped_bound(problem, all, coverage).max(objective);
    match bound {
        Some(b) if b.value - value < COVERAGE_PROVEN_BELOW => {
            (objective + (b.value - value) as f64 / fit_scale).min(capped)
        }
        _ => capped,
    }
}

/// The answer from the incumbent plan: its pairs within `kept` (extended to hold them). A
/// fit bound the method did not reach is each need's best pair in `all`, over as many needs
/// of each level as its coverage proof allows (`solver::capped_bound`).
#[allow(clippy::too_many_arguments)]
pub(super) fn finish(
    problem: &Problem,
    all: &Candidates,
    mut kept: Candidates,
    inc: Incumbent,
    status: SolveStatus,
    bound: Option<&Bound>,
    fit_scale: f64,
    stats: SideStats,
    digits_are_coverage: bool,
) -> SideOutcome {
    let chosen = kept.hold_plan(all, &inc.pairs);
    let candidates = kept;
    let objective: f64 = chosen.iter().map(|&c| candidates.scores[c]).sum();
    let pairs = verify::pairs(&candidates, &chosen);
    let mut coverage = level_coverage(problem, &pairs);
    if let (SolveStatus::TimeLimit, Some(b)) = (status, bound) {
        let proof = CoverageProof {
            bound: b,
            floored: stats.floored(),
            digits_are_coverage,
        };
        proof.apply(problem, all, fit_scale, inc.value, &mut coverage);
    }
    let best_bound = match status {
        SolveStatus::Optimal => objective,
        _ => fit_bound(
            problem, all, &coverage, objective, inc.value, bound, fit_scale,
        ),
    };
    SideOutcome {
        solution: Solution {
            status,
            objective,
            best_bound,
            gap: crate::solver::relative_gap(objective, best_bound),
            coverage,
            chosen,
        },
        candidates,
        stats,
        prices: None,
    }
}

/// What the method's bound proves of a stopped plan's coverage, level by level
/// ([`LevelCoverage::at_most`]).
pub(super) struct CoverageProof<'b> {
    /// The tightest exact bound met.
    pub bound: &'b Bound,
    /// The bound is the floored one, taken only once the plan's coverage was proven
    /// (`Floors`): every level is proven.
    pub floored: bool,
    /// The packed values are coverage digits and fit only (no kept row's bonus in them).
    pub digits_are_coverage: bool,
}

impl CoverageProof<'_> {
    /// Sets `at_most` on `coverage`, the levels of a plan of packed value `value`.
    pub(super) fn apply(
        &self,
        problem: &Problem,
        all: &Candidates,
        fit_scale: f64,
        value: Cost,
        coverage: &mut [LevelCoverage],
    ) {
        if self.floored {
            for level in coverage.iter_mut() {
                level.at_most = Some(level.covered);
            }
        } else if self.digits_are_coverage {
            let fit_floor = lowest_fit(problem, all, fit_scale);
            let room = coverage_room(coverage, value, self.bound.value, fit_floor);
            for (level, at_most) in coverage.iter_mut().zip(room) {
                level.at_most = at_most;
            }
        }
    }
}
