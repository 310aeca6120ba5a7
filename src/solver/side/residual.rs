//! After the rounds: the pairs a better plan could use (within the gap of each student's best
//! pattern at the bound's prices), and the answer built from the incumbent plan.
//!
//! Must not import HiGHS directly (the integer program is `mip`'s).

use super::bound::{Bound, Pricing, StudentTable};
use super::sharing::{Shape, Sharing};
use super::{Incumbent, SideOutcome, SideStats};
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::rules::Candidates;
use crate::solver::flow::{level_cost, quantised_fit, Cost};
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
            match sharing.shape(problem, s) {
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
                    for (i, n) in student.needs().enumerate() {
                        if best - (table.base + table.at(full ^ 1 << i, table.slots)) > gap {
                            must_cover.push(n);
                        }
                        for c in all.of_need(n) {
                            let m = all.mentors[c];
                            let locked = sharing.locks[s].iter().any(|l| l.0 == m);
                            let shared = pricing.others_at(s, i, m);
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

/// The answer from the incumbent plan: its pairs within `kept` (extended to hold them).
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
    let best_bound = match (status, bound) {
        (SolveStatus::Optimal, _) => objective,
        (_, Some(b)) => {
            let gap = b.value - inc.value;
            // The same coverage and a gap in the fit digit only: the bound on fit is exact.
            if gap < 1 << 42 {
                objective + gap as f64 / fit_scale
            } else {
                crate::solver::trivial_bound(problem, &candidates).max(objective)
            }
        }
        _ => crate::solver::trivial_bound(problem, &candidates).max(objective),
    };
    let pairs = verify::pairs(&candidates, &chosen);
    let mut coverage = level_coverage(problem, &pairs);
    if let (SolveStatus::TimeLimit, Some(b)) = (status, bound) {
        let proof = CoverageProof {
            bound: b,
            floored: stats.floored,
            digits_are_coverage,
        };
        proof.apply(problem, all, fit_scale, inc.value, &mut coverage);
    }
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

/// The lowest total fit any plan can have (packed): each need at its worst pair where that
/// scores below zero, else uncovered (fit 0).
fn lowest_fit(problem: &Problem, all: &Candidates, fit_scale: f64) -> Cost {
    (0..problem.needs.len() as NeedIx)
        .map(|n| {
            all.of_need(n)
                .map(|c| Cost::from(quantised_fit(all.scores[c], fit_scale)))
                .min()
                .unwrap_or(0)
                .min(0)
        })
        .sum()
}

/// What the bound `bound` (packed, at least every plan's value) proves of each level's
/// coverage for the plan of value `value` and coverage `coverage` (most urgent first): a plan
/// `Q` covering as many as the plan at every level above level `l` has
/// `(c_l(Q) − c_l) · U_l ≤ (bound − value) + Σ_{below l} c · U + (fit − fit_floor)`, the
/// levels below and the fit of `Q` at their lowest (0 needs, `fit_floor`). Where that leaves
/// less than one need of room, the level is proven (`Some(covered)`) and the next is read the
/// same way; the first level with room gets its most (at most all its needs), and the levels
/// below it nothing (`None`): a plan with more there may have anything below.
fn coverage_room(
    coverage: &[LevelCoverage],
    value: Cost,
    bound: Cost,
    fit_floor: Cost,
) -> Vec<Option<u32>> {
    let unit = |l: &LevelCoverage| -level_cost(l.priority);
    let digits: Cost = coverage
        .iter()
        .map(|l| Cost::from(l.covered) * unit(l))
        .sum();
    let fit = value - digits;
    let mut below = digits;
    let mut out = Vec::with_capacity(coverage.len());
    let mut open = true;
    for level in coverage {
        below -= Cost::from(level.covered) * unit(level);
        if !open {
            out.push(None);
            continue;
        }
        let slack = (bound - value).max(0) + below + (fit - fit_floor).max(0);
        let room = slack / unit(level);
        let most = Cost::from(level.covered)
            .saturating_add(room)
            .min(Cost::from(level.needs));
        let most = u32::try_from(most)
            .unwrap_or(level.needs)
            .max(level.covered);
        open = most == level.covered;
        out.push(Some(most));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Priority;
    use crate::rules::splitmix64;

    fn unit(p: Priority) -> Cost {
        -level_cost(p)
    }

    fn levels(covered: [u32; 4], needs: [u32; 4]) -> Vec<LevelCoverage> {
        Priority::DESCENDING
            .iter()
            .zip(covered.iter().zip(needs))
            .map(|(&priority, (&covered, needs))| LevelCoverage {
                priority,
                needs,
                covered,
                at_most: None,
            })
            .collect()
    }

    fn value_of(levels: &[LevelCoverage], fit: Cost) -> Cost {
        levels
            .iter()
            .map(|l| Cost::from(l.covered) * unit(l.priority))
            .sum::<Cost>()
            + fit
    }

    #[test]
    fn a_bound_on_the_plan_proves_every_level() {
        let cov = levels([3, 10, 40, 5], [3, 12, 50, 9]);
        let value = value_of(&cov, 1 << 40);
        let room = coverage_room(&cov, value, value, 0);
        assert_eq!(room, vec![Some(3), Some(10), Some(40), Some(5)]);
    }

    #[test]
    fn the_first_level_with_room_gets_its_most_and_the_levels_below_nothing() {
        let cov = levels([3, 10, 40, 5], [3, 12, 50, 9]);
        let value = value_of(&cov, 1 << 40);
        // One and a half normal needs of room: the normal level may reach 41, not 42.
        let bound = value + unit(Priority::Normal) * 3 / 2;
        let room = coverage_room(&cov, value, bound, 0);
        assert_eq!(room, vec![Some(3), Some(10), Some(41), None]);
        // Room past every need of the level: at most all of them.
        let bound = value + unit(Priority::Normal) * 100;
        let room = coverage_room(&cov, value, bound, 0);
        assert_eq!(room, vec![Some(3), Some(10), Some(50), None]);
    }

    #[test]
    fn no_plan_the_bound_allows_covers_more_than_its_most() {
        // The cheapest plan with one more need than `at_most` at a level (as many above, none
        // below, the lowest fit) is worth more than the bound: so is every such plan.
        let mut seed = 7u64;
        let mut draw = |n: u64| {
            seed = splitmix64(seed);
            seed % n
        };
        for _ in 0..20_000 {
            let needs: [u32; 4] = std::array::from_fn(|_| draw(40) as u32);
            let covered: [u32; 4] = std::array::from_fn(|k| draw(u64::from(needs[k]) + 1) as u32);
            let cov = levels(covered, needs);
            let fit_floor = -(draw(1 << 42) as Cost);
            let fit = fit_floor + draw(1 << 43) as Cost;
            let value = value_of(&cov, fit);
            let level = &cov[draw(4) as usize];
            let bound =
                value + Cost::from(draw(3) as u32) * unit(level.priority) + draw(1 << 44) as Cost
                    - (1 << 43);
            let room = coverage_room(&cov, value, bound, fit_floor);
            let mut above: Cost = 0;
            for (l, most) in cov.iter().zip(&room) {
                let Some(most) = *most else {
                    break;
                };
                assert!(most >= l.covered && most <= l.needs.max(l.covered));
                if most < l.needs {
                    let witness = above + Cost::from(most + 1) * unit(l.priority) + fit_floor;
                    assert!(witness > bound, "{cov:?} {room:?}");
                }
                if most > l.covered {
                    break;
                }
                above += Cost::from(l.covered) * unit(l.priority);
            }
        }
    }
}
