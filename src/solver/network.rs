//! Method **network**: the pairing as a min-cost flow (see `flow.rs`), solved over a sparse
//! candidate set and proven optimal for the *full* set by pricing.
//!
//! What it proves: when no mentor can cover two needs of one student, the flow's optimum is
//! the lexicographic optimum of the whole problem (the b-matching polytope is integral). The
//! flow runs over each need's best few candidates; then every excluded pair is priced against
//! the node potentials. Pairs with negative reduced cost join and the flow is restored; when
//! none is left, the potentials are a dual certificate for the full problem.
//!
//! The seat-sharing method (`side/`) runs the same loop with some seats made up front, and the
//! one-seat network (`one_seat.rs`) runs it over student-level nodes.
//!
//! Imports the domain, the rules and the flow; must not import HiGHS or anything above the
//! solver.

use std::time::Instant;

use super::auction;
use super::flow::{self, Cost, NetworkSolution, Seat};
use super::{SolveOptions, Until};
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;

/// The auction's share of the time left (see `first_network`): at most `1 / AUCTION_SHARE`.
const AUCTION_SHARE: u32 = 8;

/// One network solve, priced to the end or stopped by the deadline.
pub(super) struct NetworkRun {
    /// The kept candidate set the plan's positions refer to.
    pub candidates: Candidates,
    pub solution: NetworkSolution,
    /// Flow solves (first one and one per pricing round).
    pub rounds: u32,
    /// False when the deadline struck: the plan is feasible, not proven.
    pub complete: bool,
    /// The seat prices (packed, at `solution.fit_scale`) of the last flow solved to its
    /// optimum over its kept set, for the bound of a stopped run (`stopped.rs`): near the
    /// optimum's own once the first flow is done, however many priced pairs are still out.
    /// None when no flow finished, or where seats carry costs (their prices are not a bound's).
    pub prices: Option<Vec<flow::Cost>>,
}

/// What the seat-sharing method fixes for the network of a round (`side::derived`): the seats
/// made up front (locks, committed bundles), the fit quantum shared by every round (so costs
/// compare across candidate sets) and each node's coverage digit (a bundle's is the sum of its
/// needs').
pub(super) struct Fixed {
    pub seats: Vec<Seat>,
    pub fit_scale: f64,
    pub level: Vec<Cost>,
    /// Seat prices an earlier round measured (packed, per mentor): the first flow keeps each
    /// node's best pairs at those prices (score less the mentor's price) instead of at their
    /// scores alone, so that pricing has fewer pairs to add back. The seat-sharing rounds
    /// after the master pass its bound's prices: at 4,000x1,000 the round of the LP's bundles
    /// then added 1.7 k pairs instead of 26.5 k (the whole solve 0.90x, the district 0.92x,
    /// paired). Not the round of the flow's bundles: at the first flow's potentials it was
    /// slower (1.03x at 4,000x1,000, 1.06x at the school), the master then starting from
    /// another plan.
    pub prices: Option<Vec<Cost>>,
    /// Without `prices`, guess them by auction past `SolveOptions::guess_above_pairs` (see
    /// `auction.rs`): the first network of a solve. Not a round of committed bundles, whose
    /// nodes the auction would price as loose needs (measured on the district: no faster).
    /// `Some(keep)`: where the guess is taken, the network keeps `keep` candidates a need
    /// instead of `SolveOptions::sparse_keep`. The guess already ranks first the pairs the
    /// optimum uses, so a caller that widens the keep for networks ranked by score alone (the
    /// seat-sharing rounds past district size keep twice the default) need not widen it here.
    /// Measured (twenty-ninth session, paired, median of 3): the district's first round 2.21
    /// against 2.46 s with 8 instead of 16, the whole run 0.933x and, on another seed, 0.950x;
    /// the same optima.
    pub guess: Option<usize>,
}

/// Solves the network model over `all` by pricing from a sparse start: the plain model (locks
/// made up front) when `fixed` is `None`.
pub(super) fn run(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    fixed: Option<Fixed>,
) -> NetworkRun {
    let (mut candidates, mut network) = first_network(problem, all, options, deadline, fixed);
    let mut rounds = 0;
    // The last round's plan, optimal for its kept set: a re-solve cut short by the deadline
    // may hold less, and a plan returned at a limit never covers less than one already found.
    let mut previous: Option<(Candidates, NetworkSolution)> = None;
    let mut prices = None;
    loop {
        rounds += 1;
        let t = Instant::now();
        let solution = network.solution(&candidates);
        if network.complete() && !solution.prices_seats() {
            prices = Some(solution.seat_prices());
        }
        if !network.complete() || deadline.passed() {
            let cut_short = !network.complete();
            return stopped(candidates, solution, previous, cut_short, rounds, prices);
        }
        let extra = flow::price(problem, all, &candidates, &solution);
        tracing::debug!(
            rounds,
            kept = candidates.len(),
            added = extra.len(),
            price_ms = t.elapsed().as_millis() as u64,
            "network round"
        );
        if extra.is_empty() {
            return NetworkRun {
                candidates,
                solution,
                rounds,
                complete: true,
                prices,
            };
        }
        let t = Instant::now();
        previous = Some((candidates.clone(), solution));
        candidates.extend(extra.clone());
        network.add(problem, &candidates, &extra, options.warm_ratio);
        tracing::debug!(
            flow_ms = t.elapsed().as_millis() as u64,
            settled = network.settled(),
            "network updated"
        );
    }
}

/// The first flow over the sparse start (with what `fixed` holds, when given).
fn first_network(
    problem: &Problem,
    all: &Candidates,
    options: SolveOptions,
    deadline: Until,
    fixed: Option<Fixed>,
) -> (Candidates, flow::Network) {
    let t = Instant::now();
    let given: Option<Vec<f64>> = fixed.as_ref().and_then(|f| {
        let prices = f.prices.as_ref()?;
        (prices.len() == problem.mentors.len()).then(|| {
            prices
                .iter()
                .map(|&p| p.max(0) as f64 / f.fit_scale)
                .collect()
        })
    });
    // A first network without prices, past `guess_above_pairs` (by default district size),
    // starts at a bounded auction's (see `auction.rs`), keeping the auction's own pairs too;
    // not with seats made up front (bundles, locks), which the auction does not know.
    let guess = (given.is_none()
        && all.len() as u64 > options.guess_above_pairs
        && fixed
            .as_ref()
            .is_none_or(|f| f.guess.is_some() && f.seats.is_empty()))
    .then(|| {
        let auction_started = Instant::now();
        let fit_scale = fixed
            .as_ref()
            .map_or_else(|| flow::fit_scale_for(problem, all), |f| f.fit_scale);
        let level = fixed
            .as_ref()
            .map(|f| f.level.as_slice())
            .filter(|l| l.len() == problem.needs.len());
        // A guess, so it may take an eighth of the time left (the district's 0.8 s of a 30 s
        // limit), and the flow gets the rest: under a short limit the flow's partial plan is
        // the answer, and covers more the sooner it starts.
        let until = deadline.earlier(auction_started + deadline.left() / AUCTION_SHARE);
        let guess = auction::seat_prices(problem, all, fit_scale, level, until);
        tracing::debug!(
            bids = guess.bids,
            settled = guess.settled,
            ms = auction_started.elapsed().as_millis() as u64,
            "seat prices guessed by auction"
        );
        let points: Vec<f64> = guess.prices.iter().map(|&p| p as f64 / fit_scale).collect();
        (points, guess.pairs)
    });
    let keep = match (&guess, fixed.as_ref().and_then(|f| f.guess)) {
        (Some(_), Some(keep)) => keep,
        _ => options.sparse_keep,
    };
    let (price, guessed) = match (given, guess) {
        (Some(given), _) => (Some(given), Vec::new()),
        (None, Some((points, pairs))) => (Some(points), pairs),
        (None, None) => (None, Vec::new()),
    };
    let mut candidates =
        all.select_with_slack_at(problem, keep.max(1), options.sparse_slack, price.as_deref());
    candidates.extend(missing_pairs(all, &candidates, guessed));
    let network = match fixed {
        None => flow::Network::new(problem, &candidates, Some(deadline)),
        Some(fixed) => {
            // The seats' pairs must be in the kept set for the flow to make them.
            let seat_pairs = fixed
                .seats
                .iter()
                .flat_map(|seat| seat.needs.iter().map(move |&n| (n, seat.mentor)));
            candidates.extend(missing_pairs(all, &candidates, seat_pairs));
            flow::Network::with_seats(
                problem,
                &candidates,
                Some(deadline),
                fixed.seats,
                Some(fixed.fit_scale),
                Some(fixed.level),
            )
        }
    };
    tracing::debug!(
        flow_ms = t.elapsed().as_millis() as u64,
        settled = network.settled(),
        "network built"
    );
    (candidates, network)
}

/// The answer of a run stopped by the deadline: the last complete round's plan when the cut
/// re-solve (`cut_short`) holds less, else this one; with the seat prices of the last flow
/// that finished (see [`NetworkRun::prices`]).
fn stopped(
    candidates: Candidates,
    solution: NetworkSolution,
    previous: Option<(Candidates, NetworkSolution)>,
    cut_short: bool,
    rounds: u32,
    prices: Option<Vec<flow::Cost>>,
) -> NetworkRun {
    let (candidates, solution) = match previous {
        Some((kept, before)) if cut_short && before.cost(&kept) < solution.cost(&candidates) => {
            (kept, before)
        }
        _ => (candidates, solution),
    };
    NetworkRun {
        candidates,
        solution,
        rounds,
        complete: false,
        prices,
    }
}

/// The pairs (need, mentor, score) among `pairs` that `all` has and `kept` does not hold
/// yet: what the first network must keep to make them (the seats made up front, the
/// auction's pairs).
fn missing_pairs(
    all: &Candidates,
    kept: &Candidates,
    pairs: impl IntoIterator<Item = (NeedIx, MentorIx)>,
) -> Vec<(NeedIx, MentorIx, f64)> {
    pairs
        .into_iter()
        .filter(|&(n, m)| kept.find(n, m).is_none())
        .filter_map(|(n, m)| all.find(n, m).map(|c| (n, m, all.scores[c])))
        .collect()
}
