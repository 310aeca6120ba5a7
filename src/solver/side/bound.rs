//! The exact Lagrangian bound of the seat-sharing model: with the mentors' capacities priced at
//! `μ`, each student picks its best pattern (a dynamic programme over subsets of its needs), and
//! `L(μ) = Σ cap·μ + Σ_s best_s(μ)` bounds every plan. All values are the flow's packed `i128`
//! costs, so the bound is exact.
//!
//! Must not import HiGHS or the integer program: floats never enter a bound.

use super::flow::{level_cost, quantised_fit, Cost};
use super::sharing::{Shape, Sharing, ALWAYS_EXACT_NEEDS};
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::domain::Priority;
use crate::rules::Candidates;

/// Candidate values and prices for one evaluation of the bound.
pub(super) struct Pricing<'a> {
    pub(super) problem: &'a Problem,
    pub(super) all: &'a Candidates,
    pub(super) need_of: &'a [NeedIx],
    pub(super) fit_scale: f64,
    /// Each pair's fit quantised at `fit_scale` ([`quantised_fits`]): the scans over every
    /// pair read it instead of rounding a float per pair (measured: the rounding was ~5 % of
    /// a 4,000x1,000 school's whole solve, every LP iteration scanning all its pairs).
    pub(super) fits: &'a [i64],
    /// Each fit counts this many times (1; more only for the master's exact check of a plan,
    /// `MasterLp::proves`, where the LP's fit prices are fractions of a packed unit).
    pub(super) fit_times: i64,
    pub(super) mu: &'a [Cost],
    /// A rematch's bound on changes, priced at `bonus` per kept seat (see [`KeptRow`]).
    pub(super) row: Option<&'a KeptRow>,
    pub(super) bonus: Cost,
    /// The worth of one covered need per priority (urgent first) in place of the packed
    /// coverage digits: a coverage floor's prices (see [`Floors`]). None: the packed digits.
    pub(super) levels: Option<[Cost; 4]>,
}

/// Coverage floors: at least `counts[l]` needs covered at each of the first `fixed` priorities
/// (urgent first). Once the incumbent's coverage at those levels is proven lexicographically
/// optimal, every better plan covers exactly as many there, so these rows hold for it, and
/// relaxing them at prices `ν ≥ 0` (`Pricing::levels`, whose later levels keep their packed
/// digits) gives `F(μ, ν) = L(μ; ν) − Σ ν_l·counts_l`, a bound on the rest of the value (the
/// lower levels' coverage digits and the fit) of every better plan. Unlike the lexicographic
/// bound, it does not reward the half a need an LP covers fractionally at a floored level
/// with half a need's worth of the levels below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Floors {
    pub(super) counts: [u32; 4],
    /// Levels floored, urgent first (4: every level, and `F` bounds the fit alone).
    pub(super) fixed: usize,
}

impl Floors {
    /// The floors at the coverage of plan `pairs` (one pair per covered need, as every plan
    /// has) on its first `fixed` levels: its covered needs there.
    pub(super) fn of_plan(problem: &Problem, pairs: &[(NeedIx, MentorIx)], fixed: usize) -> Floors {
        let mut counts = [0u32; 4];
        for level in crate::solver::level_coverage(problem, pairs) {
            counts[level_index(level.priority)] = level.covered;
        }
        Floors {
            counts,
            fixed: fixed.min(4),
        }
    }

    /// The floored levels' coverage in the packed costs: the coverage digits of a plan meeting
    /// them exactly.
    pub(super) fn coverage(&self) -> Cost {
        Priority::DESCENDING[..self.fixed]
            .iter()
            .zip(self.counts)
            .map(|(&p, c)| -level_cost(p) * Cost::from(c))
            .sum()
    }

    /// What the floors give back at level prices `levels`: `Σ ν_l·counts_l` over the floored
    /// levels.
    pub(super) fn charge(&self, levels: &[Cost; 4]) -> Cost {
        self.counts[..self.fixed]
            .iter()
            .zip(levels)
            .map(|(&c, &v)| Cost::from(c) * v)
            .sum()
    }

    /// The levels (urgent first) at which `bound` proves the coverage of a plan with these
    /// counts optimal: a plan first covering more at level `l` is worth at least the digits of
    /// the levels down to `l` plus one need at `l` (below, each level's digits exceed every
    /// count of the levels under it), so where `bound` is less, no better plan differs from
    /// these counts at `l` or above. The count of such leading levels.
    pub(super) fn proven_levels(&self, bound: Cost) -> usize {
        let mut digits: Cost = 0;
        let mut proven = 0;
        for (l, &p) in Priority::DESCENDING.iter().enumerate() {
            let unit = -level_cost(p);
            digits += unit * Cost::from(self.counts[l]);
            if bound - digits >= unit {
                break;
            }
            proven = l + 1;
        }
        proven
    }
}

/// The largest bonus per kept seat the bound takes (packed): 2^100, below one urgent need
/// (2^104), so that the bonus over every seat (fewer than 2^21) stays far inside `i128` next
/// to the coverage digits. Any bonus gives a bound; a larger one would only trade coverage.
pub(super) const MAX_BONUS: Cost = 1 << 100;

/// A rematch's bound on changes (at least `at_least` of the row's (student, mentor) pairs
/// kept) as the bound prices it: its Lagrangian multiplier `λ ≥ 0` (packed, `Pricing::bonus`)
/// is a bonus on every kept seat of the row, and `L(μ, λ) = Σ cap·μ + Σ_s best_s(μ, λ) −
/// λ·at_least` bounds every plan that keeps enough (Fisher, "The Lagrangian relaxation method
/// for solving integer programming problems", 1981). The bonus is per seat, as the row counts:
/// every need on a row seat carries it, and a seat covering `j` of them gives `j − 1` back.
pub(super) struct KeptRow {
    /// Sorted.
    pub(super) seats: Vec<(StudentIx, MentorIx)>,
    /// Per candidate position: its pair sits on a seat of the row.
    pub(super) on: Vec<bool>,
    pub(super) at_least: u32,
}

impl KeptRow {
    /// The problem's row over the candidates `all`; None without one.
    pub(super) fn of(problem: &Problem, all: &Candidates) -> Option<KeptRow> {
        let row = problem.min_kept()?;
        let mut seats = row.pairs.clone();
        seats.sort_unstable();
        seats.dedup();
        let mut on = vec![false; all.len()];
        for n in 0..problem.needs.len() as NeedIx {
            let s = problem.needs[n as usize].student;
            for c in all.of_need(n) {
                on[c] = seats.binary_search(&(s, all.mentors[c])).is_ok();
            }
        }
        Some(KeptRow {
            seats,
            on,
            at_least: row.at_least,
        })
    }

    /// Whether (student `s`, mentor `m`) is a seat of the row.
    pub(super) fn has(&self, s: usize, m: MentorIx) -> bool {
        self.seats.binary_search(&(s as StudentIx, m)).is_ok()
    }
}

/// Every pair's fit quantised at `fit_scale`, as the flow packs it ([`Pricing::fits`]), over
/// the cores.
pub(super) fn quantised_fits(all: &Candidates, fit_scale: f64) -> Vec<i64> {
    let mut fits = vec![0; all.scores.len()];
    crate::parallel::fill(&mut fits, |first, chunk| {
        for (fit, &score) in chunk.iter_mut().zip(&all.scores[first..]) {
            *fit = quantised_fit(score, fit_scale);
        }
    });
    fits
}

/// Each candidate pair's need: `need_of[c]` for pair `c` of `all` ([`Pricing::need_of`]).
pub(super) fn need_of(problem: &Problem, all: &Candidates) -> Vec<NeedIx> {
    let mut need_of = vec![0; all.len()];
    for n in 0..problem.needs.len() as NeedIx {
        need_of[all.of_need(n)].fill(n);
    }
    need_of
}

impl<'a> Pricing<'a> {
    /// The pairs' values, at no prices and no bonus: what a plan is worth
    /// ([`Pricing::value`] does not read the prices, nor a bonus of 0). Other prices are this
    /// with `mu` and `bonus` replaced.
    pub(super) fn of_values(
        problem: &'a Problem,
        all: &'a Candidates,
        need_of: &'a [NeedIx],
        fit_scale: f64,
        fits: &'a [i64],
        row: Option<&'a KeptRow>,
    ) -> Self {
        Pricing {
            problem,
            all,
            need_of,
            fit_scale,
            fits,
            fit_times: 1,
            mu: &[],
            row,
            bonus: 0,
            levels: None,
        }
    }
}

impl Pricing<'_> {
    /// Value of making candidate pair `c` (the flow's cost, negated): coverage digits, then fit.
    /// It does not read the prices.
    pub(super) fn value(&self, c: usize) -> Cost {
        self.value_at(self.need_base(self.need_of[c] as usize), c)
    }

    /// The value of a plan's pairs ([`Pricing::value`] summed; pairs that are no candidate
    /// count nothing).
    pub(super) fn plan_value(&self, pairs: &[(NeedIx, MentorIx)]) -> Cost {
        pairs
            .iter()
            .filter_map(|&(n, m)| self.all.find(n, m))
            .map(|c| self.value(c))
            .sum()
    }

    /// The part of [`Pricing::value`] every pair of need `n` shares: its coverage digit (or
    /// its level's price under floors), read once per need in the scans over all pairs.
    fn need_base(&self, n: usize) -> Cost {
        let priority = self.problem.needs[n].priority;
        match &self.levels {
            None => -level_cost(priority),
            Some(levels) => levels[level_index(priority)],
        }
    }

    /// [`Pricing::value`] of pair `c` of a need whose [`Pricing::need_base`] is `base`.
    fn value_at(&self, base: Cost, c: usize) -> Cost {
        let bonus = match self.row {
            Some(row) if row.on[c] => self.bonus,
            _ => 0,
        };
        base + bonus + Cost::from(self.fits[c] * self.fit_times)
    }

    /// What a seat of student `s` at mentor `m` gives back per need beyond its first: the
    /// bonus, on a seat of the row (see [`KeptRow`]).
    pub(super) fn give_back(&self, s: usize, m: MentorIx) -> Cost {
        match self.row {
            Some(row) if self.bonus != 0 && row.has(s, m) => self.bonus,
            _ => 0,
        }
    }

    /// The student's needs other than its `i`-th that mentor `m` could cover on the same seat,
    /// as (need offset, value of the pair).
    ///
    /// The residual reads the same off the student's shared seat
    /// (`residual::others_on_seat`); this search is the test's oracle for it.
    #[cfg(test)]
    pub(super) fn others_at(&self, s: usize, i: usize, m: MentorIx) -> Vec<(usize, Cost)> {
        self.problem.students[s]
            .needs()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .filter_map(|(j, other)| self.all.find(other, m).map(|c| (j, self.value(c))))
            .collect()
    }

    /// The best value of one seat minus its price among `pairs` (one need's, whose
    /// [`Pricing::need_base`] is `base`), and its mentor, `(0, MentorIx::MAX)` where none is
    /// worth more than staying unassigned; and in `top`, the `k` best pairs worth more than
    /// that, best first, as (value, pair). Ties keep the earlier pair (mentor order) in both.
    /// Only without a kept row (no pair has a bonus).
    ///
    /// Why a loop of its own: it is the bound's hot loop (every pair at every master
    /// iteration, 16 M pairs at the district). Comparing `fit − price` against thresholds
    /// moved by `−base` leaves one `i128` subtraction and one comparison per pair, over two
    /// slices walked in step (the district's master's evaluations of the bound 941–973 ->
    /// 791–848 ms in all, with the changes beside it, twenty-fifth session).
    fn best_and_top(
        &self,
        base: Cost,
        pairs: std::ops::Range<usize>,
        k: usize,
        top: &mut Vec<(Cost, usize)>,
    ) -> (Cost, MentorIx) {
        debug_assert!(self.row.is_none());
        top.clear();
        let first = pairs.start;
        let mentors = &self.all.mentors[pairs.clone()];
        let fits = &self.fits[pairs];
        let times = self.fit_times;
        // A pair is taken where `base + w > 0`, then where strictly better.
        let mut best_w: Cost = -base;
        let mut best_m = MentorIx::MAX;
        // A pair joins `top` where `w` is past this: worth more than staying unassigned
        // while `top` has room, then more than its last.
        let mut top_floor: Cost = if k > 0 { -base } else { Cost::MAX };
        for (i, (&m, &fit)) in mentors.iter().zip(fits).enumerate() {
            let w = Cost::from(fit * times) - self.mu[m as usize];
            if w > best_w {
                best_w = w;
                best_m = m;
            }
            if w > top_floor {
                let v = base + w;
                let at = top.partition_point(|&(b, _)| b >= v);
                top.insert(at, (v, first + i));
                top.truncate(k);
                if top.len() == k {
                    top_floor = top[k - 1].0 - base;
                }
            }
        }
        if best_m == MentorIx::MAX {
            (0, MentorIx::MAX)
        } else {
            (base + best_w, best_m)
        }
    }

    /// Per need, the best value of one mentor's seat minus its price (0: stay unassigned), and
    /// that mentor; and in the same pass over every pair, the [`Best`] singles of the needs
    /// `best_of` asks for: the master prices its columns at the prices it has just evaluated
    /// the bound at, and one scan of the pairs instead of two is ~0.1 s a round at district
    /// size.
    pub(super) fn singles_and_best(&self, best_of: &Best<'_>) -> (Vec<(Cost, MentorIx)>, Vec<u32>) {
        let parts = crate::parallel::over_ranges(self.problem.needs.len(), |range| {
            let mut singles: Vec<(Cost, MentorIx)> = Vec::with_capacity(range.len());
            let mut out: Vec<u32> = Vec::new();
            let mut top: Vec<(Cost, usize)> = Vec::with_capacity(best_of.k + 1);
            for n in range {
                let k = if best_of.k > 0 && best_of.needs[n] {
                    best_of.k
                } else {
                    0
                };
                let base = self.need_base(n);
                if self.row.is_none() {
                    singles.push(self.best_and_top(
                        base,
                        self.all.of_need(n as NeedIx),
                        k,
                        &mut top,
                    ));
                    out.extend(top.iter().map(|&(_, c)| c as u32));
                    continue;
                }
                top.clear();
                let mut best: (Cost, MentorIx) = (0, MentorIx::MAX);
                for c in self.all.of_need(n as NeedIx) {
                    let m = self.all.mentors[c];
                    let v = self.value_at(base, c) - self.mu[m as usize];
                    if v > best.0 {
                        best = (v, m);
                    }
                    // Ties keep the earlier pair (mentor order), as `best` does.
                    if k > 0 && v > 0 && (top.len() < k || v > top[top.len() - 1].0) {
                        let at = top.partition_point(|&(b, _)| b >= v);
                        top.insert(at, (v, c));
                        top.truncate(k);
                    }
                }
                singles.push(best);
                out.extend(top.iter().map(|&(_, c)| c as u32));
            }
            (singles, out)
        });
        let mut singles = Vec::with_capacity(self.problem.needs.len());
        let mut best = Vec::new();
        for (s, b) in parts {
            singles.extend(s);
            best.extend(b);
        }
        (singles, best)
    }
}

/// A block of a student's pattern: needs (mask) covered by one mentor's seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Block {
    pub(super) mentor: MentorIx,
    pub(super) mask: u16,
}

/// The exact best pattern of one student at given prices, by dynamic programming over subsets
/// of its needs: `g[mask][j]` is the best value from the needs in `mask` with at most `j` paid
/// seats. Blocks are a single need at its best mentor, a subset (two or more) of needs at one
/// shared mentor, or any subset at a locked mentor (already paid for).
pub(super) struct StudentTable {
    pub(super) k: usize,
    pub(super) slots: usize,
    /// Value of the locked seats' prices, paid whatever the pattern.
    pub(super) base: Cost,
    pub(super) paid: Vec<Option<(Cost, MentorIx)>>,
    pub(super) free: Vec<Option<(Cost, MentorIx)>>,
    pub(super) g: Vec<Cost>,
}

impl StudentTable {
    /// The table of student `s` at the prices of `pricing`, with each need's best single
    /// from `singles`.
    pub(super) fn build(
        pricing: &Pricing<'_>,
        sharing: &Sharing,
        singles: &[(Cost, MentorIx)],
        s: usize,
    ) -> Self {
        let problem = pricing.problem;
        let student = &problem.students[s];
        let k = student.need_count as usize;
        let locks = &sharing.locks[s];
        let limit = problem.policy.max_mentors_per_student as usize;
        let slots = limit.saturating_sub(locks.len()).min(k);
        let size = 1usize << k;
        let mut paid: Vec<Option<(Cost, MentorIx)>> = vec![None; size];
        let mut free: Vec<Option<(Cost, MentorIx)>> = vec![None; size];
        let better = |slot: &mut Option<(Cost, MentorIx)>, v: Cost, m: MentorIx| {
            if slot.is_none_or(|(b, bm)| v > b || (v == b && m < bm)) {
                *slot = Some((v, m));
            }
        };
        for (i, n) in student.needs().enumerate() {
            let (v, m) = singles[n as usize];
            if v > 0 {
                better(&mut paid[1 << i], v, m);
            }
        }
        let mut base: Cost = 0;
        for (m, mask, positions) in locks {
            base -= pricing.mu[*m as usize];
            let back = pricing.give_back(s, *m);
            let values: Vec<Cost> = positions
                .iter()
                .map(|&c| pricing.value(c as usize))
                .collect();
            for_each_subset(*mask, |sub| {
                let extra = Cost::from(sub.count_ones() - 1);
                better(
                    &mut free[sub as usize],
                    sum_in(*mask, sub, &values) - extra * back,
                    *m,
                );
            });
        }
        for j in sharing.of_student(s) {
            let seat = sharing.seats[j];
            if locks.iter().any(|l| l.0 == seat.mentor) {
                continue;
            }
            // The members' values by the need's bit (every student's shared seats, at every
            // evaluation of the bound: no allocation here).
            let mut by_bit: [Cost; 16] = [0; 16];
            for (i, c) in sharing.member_bits(j) {
                by_bit[i] = pricing.value(c as usize);
            }
            let price = pricing.mu[seat.mentor as usize];
            let back = pricing.give_back(s, seat.mentor);
            for_each_subset(seat.mask, |sub| {
                if sub.count_ones() >= 2 {
                    let extra = Cost::from(sub.count_ones() - 1);
                    let mut sum: Cost = 0;
                    let mut rest = sub;
                    while rest != 0 {
                        sum += by_bit[rest.trailing_zeros() as usize];
                        rest &= rest - 1;
                    }
                    better(
                        &mut paid[sub as usize],
                        sum - price - extra * back,
                        seat.mentor,
                    );
                }
            });
        }
        let mut table = StudentTable {
            k,
            slots,
            base,
            paid,
            free,
            g: vec![0; size * (slots + 1)],
        };
        table.fill();
        table
    }

    pub(super) fn at(&self, mask: usize, j: usize) -> Cost {
        self.g[mask * (self.slots + 1) + j]
    }

    /// Fills `g`: for each subset of needs and number of paid seats, the best value. A subset's
    /// best either leaves its lowest need open or covers it with a block that holds it, so
    /// the blocks tried are those of [`StudentTable::blocks_by_lowest`] within the subset, or,
    /// where fewer, every subset of the rest (the same blocks, and empty ones), so the work
    /// is what `sharing::exact_work` estimates.
    pub(super) fn fill(&mut self) {
        let w = self.slots + 1;
        let by_lowest = self.blocks_by_lowest();
        for mask in 1..1usize << self.k {
            let rest = mask & (mask - 1);
            for j in 0..w {
                let mut best = self.g[rest * w + j];
                let mut consider = |blk: usize| {
                    if j >= 1 {
                        if let Some((v, _)) = self.paid[blk] {
                            best = best.max(v + self.g[(mask ^ blk) * w + j - 1]);
                        }
                    }
                    if let Some((v, _)) = self.free[blk] {
                        best = best.max(v + self.g[(mask ^ blk) * w + j]);
                    }
                };
                for_each_block_of(&by_lowest, mask, &mut consider);
                self.g[mask * w + j] = best;
            }
        }
    }

    /// For each need, the blocks (subsets of needs one seat may cover, paid or free) whose
    /// lowest need it is, largest mask first: the order in which [`for_each_block_of`] meets them.
    /// None (an empty list) for a student of up to [`ALWAYS_EXACT_NEEDS`] needs, whose tables
    /// are small enough to try every subset without building lists (one allocation per need
    /// per evaluation would cost more there).
    fn blocks_by_lowest(&self) -> Vec<Vec<usize>> {
        if self.k <= ALWAYS_EXACT_NEEDS as usize {
            return Vec::new();
        }
        let mut out = vec![Vec::new(); self.k];
        for blk in (1..1usize << self.k).rev() {
            if self.paid[blk].is_some() || self.free[blk].is_some() {
                out[blk.trailing_zeros() as usize].push(blk);
            }
        }
        out
    }

    /// The student's best value at these prices.
    pub(super) fn best(&self) -> Cost {
        self.base + self.at((1 << self.k) - 1, self.slots)
    }

    /// The blocks of one best pattern (ties: the largest block first, a paid seat before a
    /// free one; the same whichever way [`StudentTable::fill`] met them).
    pub(super) fn pattern(&self) -> Vec<Block> {
        let w = self.slots + 1;
        let by_lowest = self.blocks_by_lowest();
        let mut out = Vec::new();
        let mut mask = (1usize << self.k) - 1;
        let mut j = self.slots;
        while mask != 0 {
            let target = self.at(mask, j);
            let rest = mask & (mask - 1);
            let mut found: Option<(usize, MentorIx, bool)> = None;
            let mut consider = |blk: usize| {
                if found.is_some() {
                    return;
                }
                if j >= 1 {
                    if let Some((v, m)) = self.paid[blk] {
                        if v + self.g[(mask ^ blk) * w + j - 1] == target {
                            found = Some((blk, m, true));
                            return;
                        }
                    }
                }
                if let Some((v, m)) = self.free[blk] {
                    if v + self.g[(mask ^ blk) * w + j] == target {
                        found = Some((blk, m, false));
                    }
                }
            };
            for_each_block_of(&by_lowest, mask, &mut consider);
            match found {
                Some((blk, mentor, paid)) => {
                    out.push(Block {
                        mentor,
                        mask: blk as u16,
                    });
                    mask ^= blk;
                    j -= usize::from(paid);
                }
                // Left unassigned.
                None => mask = rest,
            }
        }
        out
    }

    /// The best value of a pattern in which need `i` sits with mentor `m` (value `v`, the
    /// pair's value), or None when no pattern has it. `shared` lists the student's other needs
    /// `m` could cover on the same seat, with their values; the seat costs `price` and gives
    /// `back` per need beyond the first (see [`KeptRow`]).
    pub(super) fn forced(
        &self,
        i: usize,
        v: Cost,
        (price, back): (Cost, Cost),
        shared: &[(usize, Cost)],
        locked: bool,
    ) -> Option<Cost> {
        let full = (1usize << self.k) - 1;
        let w = self.slots + 1;
        let others: u16 = shared.iter().fold(0, |a, &(k, _)| a | 1 << k);
        let mut best: Option<Cost> = None;
        let mut sub = others as usize;
        loop {
            let blk = sub | 1 << i;
            let mut value = v;
            for &(k, vk) in shared {
                if sub & 1 << k != 0 {
                    value += vk - back;
                }
            }
            let candidate = if locked {
                Some(value + self.g[(full ^ blk) * w + self.slots])
            } else if self.slots >= 1 {
                Some(value - price + self.g[(full ^ blk) * w + self.slots - 1])
            } else {
                None
            };
            if let Some(c) = candidate {
                best = Some(best.map_or(c, |b| b.max(c)));
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & others as usize;
        }
        best.map(|b| b + self.base)
    }
}

/// Calls `f` on every block within `mask` that holds its lowest need, largest first: the listed
/// blocks of that need (`StudentTable::blocks_by_lowest`) where they are fewer than the subsets
/// of the rest, else every subset of the rest joined with that need (the same blocks, and
/// empty ones, met in the same order).
fn for_each_block_of(by_lowest: &[Vec<usize>], mask: usize, mut f: impl FnMut(usize)) {
    let low = mask & mask.wrapping_neg();
    let rest = mask ^ low;
    match by_lowest.get(low.trailing_zeros() as usize) {
        Some(listed) if listed.len() < 1 << rest.count_ones() => {
            for &blk in listed.iter().filter(|&&blk| blk & !mask == 0) {
                f(blk);
            }
        }
        _ => {
            let mut sub = rest;
            loop {
                f(sub | low);
                if sub == 0 {
                    break;
                }
                sub = (sub - 1) & rest;
            }
        }
    }
}

/// Calls `f` on every non-empty subset of `mask`.
pub(super) fn for_each_subset(mask: u16, mut f: impl FnMut(u16)) {
    let mut sub = mask;
    while sub != 0 {
        f(sub);
        sub = (sub - 1) & mask;
    }
}

/// Sum of `values` (one per set bit of `mask`, in bit order) over the bits of `sub`.
pub(super) fn sum_in(mask: u16, sub: u16, values: &[Cost]) -> Cost {
    let mut total = 0;
    let mut k = 0;
    for bit in 0..16 {
        if mask & 1 << bit != 0 {
            if sub & 1 << bit != 0 {
                total += values[k];
            }
            k += 1;
        }
    }
    total
}

/// One evaluation of the Lagrangian bound.
#[derive(Clone)]
pub(super) struct Bound {
    pub(super) value: Cost,
    pub(super) mu: Vec<Cost>,
    /// The row's multiplier (see [`KeptRow`]; 0 without a row).
    pub(super) bonus: Cost,
    /// Best pattern of every student of [`Shape::Exact`] (for committing bundles).
    pub(super) patterns: Vec<(StudentIx, Cost, Vec<Block>)>,
    /// Each need's best single at these prices (the residual reads them again).
    pub(super) singles: Vec<(Cost, MentorIx)>,
}

/// A student's best value bound when its needs are too many for the exact programme: each need
/// at its best single, or free at any shared or locked mentor (a relaxation, so still a bound).
pub(super) fn loose_best(
    pricing: &Pricing<'_>,
    sharing: &Sharing,
    singles: &[(Cost, MentorIx)],
    s: usize,
) -> Cost {
    let student = &pricing.problem.students[s];
    let mut best: Vec<Cost> = student.needs().map(|n| singles[n as usize].0).collect();
    let mut base = 0;
    for (m, _, positions) in &sharing.locks[s] {
        base -= pricing.mu[*m as usize];
        for &c in positions {
            let i = (pricing.need_of[c as usize] - student.first_need) as usize;
            best[i] = best[i].max(pricing.value(c as usize));
        }
    }
    for j in sharing.of_student(s) {
        for &c in sharing.members(j) {
            let i = (pricing.need_of[c as usize] - student.first_need) as usize;
            best[i] = best[i].max(pricing.value(c as usize));
        }
    }
    base + best.iter().sum::<Cost>()
}

/// Which needs' best few singles a scan over the pairs also collects (see
/// [`Pricing::singles_and_best`]): `k` for each need marked in `needs`.
pub(super) struct Best<'a> {
    pub(super) k: usize,
    pub(super) needs: &'a [bool],
}

impl Best<'_> {
    /// None.
    pub(super) const NONE: Best<'static> = Best { k: 0, needs: &[] };
}

/// The Lagrangian bound `L(μ)` at `pricing`'s prices, exactly (see the parent module).
pub(super) fn lagrangian(pricing: &Pricing<'_>, sharing: &Sharing) -> Bound {
    lagrangian_and_best(pricing, sharing, &Best::NONE).0
}

/// [`lagrangian`], and the [`Best`] singles at the same prices, from the same scan: per marked
/// need its `k` best pairs (candidate positions, best first), in need order.
pub(super) fn lagrangian_and_best(
    pricing: &Pricing<'_>,
    sharing: &Sharing,
    best_of: &Best<'_>,
) -> (Bound, Vec<u32>) {
    let raised = sharing.full_seats_priced(pricing.mu);
    let raised_pricing = raised.as_ref().map(|mu| Pricing { mu, ..*pricing });
    let pricing = raised_pricing.as_ref().unwrap_or(pricing);
    let problem = pricing.problem;
    let (singles, best) = pricing.singles_and_best(best_of);
    let seats: Cost = problem
        .mentors
        .iter()
        .zip(pricing.mu)
        .map(|(m, &p)| Cost::from(m.capacity) * p)
        .sum();
    let parts = crate::parallel::over_ranges(problem.students.len(), |range| {
        let mut total: Cost = 0;
        let mut patterns = Vec::new();
        for s in range {
            match sharing.shape(s) {
                Shape::Simple => {
                    total += problem.students[s]
                        .needs()
                        .map(|n| singles[n as usize].0)
                        .sum::<Cost>();
                }
                Shape::Loose => total += loose_best(pricing, sharing, &singles, s),
                Shape::Exact => {
                    let table = StudentTable::build(pricing, sharing, &singles, s);
                    let best = table.best();
                    total += best;
                    patterns.push((s as StudentIx, best, table.pattern()));
                }
            }
        }
        (total, patterns)
    });
    // The row's multiplier times its right-hand side (see `KeptRow`).
    let row_term = pricing
        .row
        .map_or(0, |row| pricing.bonus * Cost::from(row.at_least));
    let mut value = seats - row_term;
    let mut patterns = Vec::new();
    for (t, p) in parts {
        value += t;
        patterns.extend(p);
    }
    let bound = Bound {
        value,
        mu: pricing.mu.to_vec(),
        bonus: pricing.bonus,
        patterns,
        singles,
    };
    (bound, best)
}

/// A priority's place in [`Priority::DESCENDING`] (urgent first), as [`Floors`] counts them.
pub(super) fn level_index(priority: Priority) -> usize {
    match priority {
        Priority::Urgent => 0,
        Priority::High => 1,
        Priority::Normal => 2,
        Priority::Low => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::splitmix64;

    /// A table of `k` needs and `slots` paid seats, with blocks drawn from `seed`: every need's
    /// single, plus `shared` random masks of 2..=`width` needs (every subset of two or more of
    /// each paid, as a shared seat's are) and at most one locked (free) mask.
    fn random_table(seed: u64, k: usize, slots: usize, shared: usize, width: u32) -> StudentTable {
        let mut state = seed;
        let mut next = move |n: u64| {
            state = splitmix64(state);
            state % n
        };
        let size = 1usize << k;
        let mut paid = vec![None; size];
        let mut free = vec![None; size];
        for i in 0..k {
            if next(5) > 0 {
                paid[1 << i] = Some((next(100) as Cost - 10, next(9) as MentorIx));
            }
        }
        let draw_mask = |next: &mut dyn FnMut(u64) -> u64| {
            let mut mask = 0u16;
            let bits = 2 + next(u64::from(width) - 1) as u32;
            while mask.count_ones() < bits.min(k as u32) {
                mask |= 1 << next(k as u64);
            }
            mask
        };
        for _ in 0..shared {
            let mask = draw_mask(&mut next);
            let mentor = next(9) as MentorIx;
            for_each_subset(mask, |sub| {
                if sub.count_ones() >= 2 {
                    let v = next(150) as Cost - 20;
                    let slot = &mut paid[sub as usize];
                    if slot.is_none_or(|(b, bm): (Cost, MentorIx)| v > b || (v == b && mentor < bm))
                    {
                        *slot = Some((v, mentor));
                    }
                }
            });
        }
        if k >= 2 && next(2) == 0 {
            let mask = draw_mask(&mut next);
            for_each_subset(mask, |sub| free[sub as usize] = Some((next(60) as Cost, 9)));
        }
        let mut table = StudentTable {
            k,
            slots,
            base: 0,
            paid,
            free,
            g: vec![0; size * (slots + 1)],
        };
        table.fill();
        table
    }

    /// The programme as first written: every subset of the rest, for every subset.
    fn reference_g(t: &StudentTable) -> Vec<Cost> {
        let w = t.slots + 1;
        let mut g = vec![0; t.g.len()];
        for mask in 1..1usize << t.k {
            let low = 1usize << mask.trailing_zeros();
            let rest = mask ^ low;
            for j in 0..w {
                let mut best = g[rest * w + j];
                let mut sub = rest;
                loop {
                    let blk = sub | low;
                    if let (true, Some((v, _))) = (j >= 1, t.paid[blk]) {
                        best = best.max(v + g[(mask ^ blk) * w + j - 1]);
                    }
                    if let Some((v, _)) = t.free[blk] {
                        best = best.max(v + g[(mask ^ blk) * w + j]);
                    }
                    if sub == 0 {
                        break;
                    }
                    sub = (sub - 1) & rest;
                }
                g[mask * w + j] = best;
            }
        }
        g
    }

    /// The pattern as first written (largest block first, paid before free).
    fn reference_pattern(t: &StudentTable) -> Vec<(MentorIx, u16)> {
        let mut out = Vec::new();
        let mut mask = (1usize << t.k) - 1;
        let mut j = t.slots;
        'outer: while mask != 0 {
            let target = t.at(mask, j);
            let low = 1usize << mask.trailing_zeros();
            let rest = mask ^ low;
            let mut sub = rest;
            loop {
                let blk = sub | low;
                if let (true, Some((v, m))) = (j >= 1, t.paid[blk]) {
                    if v + t.at(mask ^ blk, j - 1) == target {
                        out.push((m, blk as u16));
                        mask ^= blk;
                        j -= 1;
                        continue 'outer;
                    }
                }
                if let Some((v, m)) = t.free[blk] {
                    if v + t.at(mask ^ blk, j) == target {
                        out.push((m, blk as u16));
                        mask ^= blk;
                        continue 'outer;
                    }
                }
                if sub == 0 {
                    break;
                }
                sub = (sub - 1) & rest;
            }
            mask = rest;
        }
        out
    }

    /// Trying only the listed blocks where they are fewer than the subsets of the rest (past
    /// eight needs) gives the same table and the same pattern as trying every subset, up to
    /// the twelve needs a request may hold, with few or many shared seats, narrow or wide.
    #[test]
    fn listed_blocks_give_the_programme_of_every_subset() {
        let mut cases = 0;
        for k in 1..=12 {
            for (shared, width) in [(0usize, 2u32), (2, 2), (4, 3), (12, 4), (3, 12)] {
                for seed in 0..6u64 {
                    let slots = (seed as usize % 4).min(k);
                    let t = random_table(
                        seed * 1_000 + k as u64 * 31 + shared as u64,
                        k,
                        slots,
                        shared,
                        width,
                    );
                    assert_eq!(
                        t.g,
                        reference_g(&t),
                        "k {k}, shared {shared}x{width}, seed {seed}"
                    );
                    let pattern: Vec<(MentorIx, u16)> =
                        t.pattern().iter().map(|b| (b.mentor, b.mask)).collect();
                    assert_eq!(pattern, reference_pattern(&t), "k {k}, seed {seed}");
                    let value: Cost = pattern
                        .iter()
                        .map(|&(m, mask)| {
                            let slot = if m == 9 && t.free[mask as usize].is_some() {
                                t.free[mask as usize]
                            } else {
                                t.paid[mask as usize]
                            };
                            slot.map_or(0, |(v, _)| v)
                        })
                        .sum();
                    assert_eq!(
                        value,
                        t.best(),
                        "k {k}, seed {seed}: the pattern is worth the best"
                    );
                    cases += 1;
                }
            }
        }
        assert_eq!(cases, 12 * 5 * 6);
    }
}
