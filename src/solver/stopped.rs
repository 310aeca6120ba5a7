//! What a plan answered at its time limit is proven to be: an exact bound on every plan, and
//! what it proves of each priority level's coverage ([`LevelCoverage::at_most`]) and of the fit.
//!
//! The bound relaxes every mentor's capacity at seat prices `μ ≥ 0` (a Lagrangian):
//! `L(μ) = Σ_m cap_m·μ_m + Σ_s best_s(μ)`, where `best_s` is the most student `s` gains on its
//! own: where no mentor can cover two of its needs, each need at its best pair less that
//! mentor's price (or uncovered), at most `max_mentors_per_student` of them; with one mentor
//! per student, its best mentor's pairs summed, less that mentor's price. Every plan is worth at
//! most `L(μ)`: its students gain no more than their best, and the seats it uses cost no more
//! than `Σ cap_m·μ_m`. Values are the flow's packed lexicographic costs (`i128`: coverage
//! digits by priority, then the quantised fit), so the bound is exact, whatever prices it is
//! given. These are the `network` method's two models (`network.rs`, `one_seat.rs`); the
//! seat-sharing method's bound, with patterns of needs on shared seats, is `side/bound.rs`.
//!
//! At the flow's own seat prices (its potentials), `L(μ)` is the network's optimum when the
//! flow is optimal over every pair: so a run stopped while pricing the last pairs in is proven
//! within what those pairs could still add, level by level ([`coverage_room`]).
//!
//! Imports the domain and the flow's packed costs only.

use super::flow::{level_cost, quantised_fit, Cost};
use super::LevelCoverage;
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;

/// Gaps below this (packed) prove the plan's coverage at every level: it is a quarter of one
/// lowest-priority need's digit (`2^44`), so the fit's quantisation cannot reach it.
pub(super) const COVERAGE_PROVEN_BELOW: Cost = 1 << 42;

/// The exact bound `min(L(μ), L(0))` on every plan of `problem` over the pairs `all`, for a
/// network set (no mentor covers two needs of one student: see `solver::is_network_set`) or
/// one mentor per student (`one_seat.rs`: the student's best is then its best mentor's sum), at
/// seat prices `mu` (packed at `fit_scale`, one per mentor; negative ones read as 0). Locks,
/// forbidden pairs taken out of `all` and a rematch's terms are relaxed or already in the
/// scores: the bound holds for every plan the model allows. Not for seat costs (involvement,
/// load spread): their value is not a pair's. The same scan gives [`lowest_fit`].
pub(super) fn network_bound(
    problem: &Problem,
    all: &Candidates,
    mu: &[Cost],
    fit_scale: f64,
) -> NetworkBound {
    let price = |m: usize| mu.get(m).copied().unwrap_or(0).max(0);
    // The prices in 64 bits for the scan, those past `CLAMP` clamped (see `exact_best`).
    let narrow: Vec<i64> = (0..problem.mentors.len())
        .map(|m| price(m).min(Cost::from(CLAMP)) as i64)
        .collect();
    let limit = problem.policy.max_mentors_per_student as usize;
    let parts = crate::parallel::over_ranges(problem.students.len(), |range| {
        let mut sums = Sums::default();
        let (mut priced, mut free) = (Vec::new(), Vec::new());
        let mut by_mentor: Vec<(MentorIx, Cost)> = Vec::new();
        for s in range {
            priced.clear();
            free.clear();
            by_mentor.clear();
            for n in problem.students[s].needs() {
                let digit = -level_cost(problem.needs[n as usize].priority);
                let (mut best, mut best_fit, mut worst_fit) = (i64::MIN, i64::MIN, 0i64);
                for c in all.of_need(n as NeedIx) {
                    let fit = quantised_fit(all.scores[c], fit_scale);
                    let m = all.mentors[c];
                    if limit == 1 {
                        by_mentor.push((m, digit + Cost::from(fit)));
                    } else {
                        best = best.max(fit - narrow[m as usize]);
                    }
                    best_fit = best_fit.max(fit);
                    worst_fit = worst_fit.min(fit);
                }
                if best_fit == i64::MIN {
                    // No pair: the need is never covered.
                    continue;
                }
                sums.fit_floor += Cost::from(worst_fit);
                if limit != 1 {
                    let best = if best > -(CLAMP / 2) {
                        Cost::from(best)
                    } else {
                        exact_best(all, n as NeedIx, &price, fit_scale)
                    };
                    priced.push((digit + best).max(0));
                    free.push((digit + Cost::from(best_fit)).max(0));
                }
            }
            if limit == 1 {
                // One seat: the mentor covers every need of the student it is paired for (a
                // covered need's digit outweighs any fit), so the student's best is its best
                // mentor's sum.
                by_mentor.sort_unstable_by_key(|&(m, _)| m);
                let (mut best, mut best_free): (Cost, Cost) = (0, 0);
                for run in by_mentor.chunk_by(|a, b| a.0 == b.0) {
                    let sum: Cost = run.iter().map(|&(_, v)| v).sum();
                    best = best.max(sum - price(run[0].0 as usize));
                    best_free = best_free.max(sum);
                }
                sums.at_prices += best;
                sums.at_zero += best_free;
            } else {
                sums.at_prices += best_few(&mut priced, limit);
                sums.at_zero += best_few(&mut free, limit);
            }
        }
        sums
    });
    let seats: Cost = problem
        .mentors
        .iter()
        .enumerate()
        .map(|(m, mentor)| Cost::from(mentor.capacity) * price(m))
        .sum();
    let sums = parts.into_iter().fold(Sums::default(), |a, p| Sums {
        at_prices: a.at_prices + p.at_prices,
        at_zero: a.at_zero + p.at_zero,
        fit_floor: a.fit_floor + p.fit_floor,
    });
    NetworkBound {
        value: (seats + sums.at_prices).min(sums.at_zero),
        fit_floor: sums.fit_floor,
    }
}

/// The students' parts of [`network_bound`]: their best at the prices and at zero, and the
/// lowest fit of their needs.
#[derive(Clone, Copy, Debug, Default)]
struct Sums {
    at_prices: Cost,
    at_zero: Cost,
    fit_floor: Cost,
}

/// Prices at or past this (packed: 2^62, far above any fit, below which `fit − price` never
/// overflows 64 bits) are clamped to it in the scan. A pair whose clamped difference is still
/// above `−CLAMP / 2` has an unclamped price, and beats every clamped pair; where none does,
/// the need's best is taken again exactly ([`exact_best`]).
const CLAMP: i64 = 1 << 62;

/// The need's best `fit − price` over its pairs, in `i128`.
fn exact_best(all: &Candidates, n: NeedIx, price: &impl Fn(usize) -> Cost, fit_scale: f64) -> Cost {
    all.of_need(n)
        .map(|c| {
            Cost::from(quantised_fit(all.scores[c], fit_scale)) - price(all.mentors[c] as usize)
        })
        .max()
        .unwrap_or(Cost::MIN)
}

/// [`network_bound`]'s answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct NetworkBound {
    /// At least every plan's packed value.
    pub value: Cost,
    /// The lowest total fit any plan can have ([`lowest_fit`]).
    pub fit_floor: Cost,
}

/// The sum of the `k` largest of `values` (all non-negative).
fn best_few(values: &mut [Cost], k: usize) -> Cost {
    if values.len() > k {
        values.sort_unstable_by(|a, b| b.cmp(a));
    }
    values.iter().take(k).sum()
}

/// The packed value of a plan of (need, score) pairs, in the bound's units.
pub(super) fn plan_value(
    problem: &Problem,
    pairs: impl Iterator<Item = (NeedIx, f64)>,
    fit_scale: f64,
) -> Cost {
    pairs
        .map(|(n, score)| {
            -level_cost(problem.needs[n as usize].priority)
                + Cost::from(quantised_fit(score, fit_scale))
        })
        .sum()
}

/// The lowest total fit any plan can have (packed): each need at its worst pair where that
/// scores below zero, else uncovered (fit 0).
pub(super) fn lowest_fit(problem: &Problem, all: &Candidates, fit_scale: f64) -> Cost {
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
pub(super) fn coverage_room(
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

/// What a stopped plan is proven to be, from an exact bound on every plan.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Proof {
    /// The bound meets the plan: it is optimal, though the method did not finish.
    pub optimal: bool,
    /// The fit no plan of the same coverage exceeds (score points), where the bound proves the
    /// plan's coverage at every level; None where it does not (the fit is then bounded only
    /// trivially).
    pub fit_bound: Option<f64>,
}

impl Proof {
    /// Reads `bound` against the plan of packed value `value` and fit `objective` (score
    /// points), and sets each level's `at_most` in `coverage` (see [`coverage_room`]).
    pub(super) fn read(
        bound: Cost,
        value: Cost,
        objective: f64,
        fit_scale: f64,
        fit_floor: Cost,
        coverage: &mut [LevelCoverage],
    ) -> Proof {
        let room = coverage_room(coverage, value, bound, fit_floor);
        for (level, at_most) in coverage.iter_mut().zip(room) {
            level.at_most = at_most;
        }
        let gap = (bound - value).max(0);
        Proof {
            optimal: gap == 0,
            fit_bound: (gap < COVERAGE_PROVEN_BELOW).then(|| objective + gap as f64 / fit_scale),
        }
    }
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

    #[test]
    fn a_bound_at_the_plan_proves_it_optimal_and_a_small_gap_bounds_the_fit() {
        let mut cov = levels([3, 10, 40, 5], [3, 12, 50, 9]);
        let fit_scale = 1e6;
        let value = value_of(&cov, 2_000_000);
        let met = Proof::read(value, value, 2.0, fit_scale, 0, &mut cov);
        assert!(met.optimal);
        assert_eq!(met.fit_bound, Some(2.0));
        // Half a point of fit more: the coverage is proven, the fit bounded by 2.5.
        let near = Proof::read(value + 500_000, value, 2.0, fit_scale, 0, &mut cov);
        assert!(!near.optimal);
        assert_eq!(near.fit_bound, Some(2.5));
        assert!(cov.iter().all(|l| l.at_most == Some(l.covered)));
        // Two low needs more: no fit bound, and the low level has room for two.
        let far = Proof::read(
            value + 2 * unit(Priority::Low),
            value,
            2.0,
            fit_scale,
            0,
            &mut cov,
        );
        assert_eq!(far.fit_bound, None);
        assert_eq!(cov[3].at_most, Some(7));
    }
}
