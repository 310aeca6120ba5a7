//! Seat prices guessed before a district's first flow, by a bounded auction, so that the flow
//! starts from the pairs its optimum uses instead of adding them back by pricing.
//!
//! What it proves: nothing. The prices and pairs only choose which pairs the first network
//! keeps (`network::first_network`); pricing over every pair still proves the flow's plan
//! (`network.rs`), so a poor guess costs time, never an answer.
//!
//! Why: the first flow keeps each need's best pairs by score alone. Where seats are contended
//! and each need has hundreds of candidates, most of those pairs go to the same popular
//! mentors, and pricing then adds back hundreds of thousands of pairs, each need repaired in
//! place. On the generated multi-need district (25,751 needs, 5,400 mentors, 16.2 M pairs)
//! the first round's flows took 12.0 s on a slow hour of this machine, against 3.5 s for the
//! same flow started from its own final seat prices (written out by one run and read by the
//! next); from this auction's, 6.4 s with the auction's 0.8 s included.
//!
//! The auction is Bertsekas's ("The auction algorithm: a distributed relaxation method for the
//! assignment problem", Annals of Operations Research 14, 1988), with a mentor's seats as
//! identical objects: each need in turn bids for its best mentor at the current prices,
//! raising the price by how much it prefers that mentor to its second choice (staying
//! unassigned is worth 0) plus `ε`; a mentor over capacity drops its lowest bidder, whose turn
//! comes again, and a full mentor's price is its lowest bid held. Values are the flow's packed
//! costs (coverage digit, then fit), so an urgent need outbids every normal one. Seat costs
//! and locks are left out: it is a guess. The work is bounded twice: by a number of bids
//! (where scores tie, bidders could otherwise raise one price by `ε` steps for long), and by
//! the deadline.
//!
//! Imports the domain, the rules and the flow's cost packing; must not import HiGHS or anything
//! above the solver.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::flow::{level_cost, quantised_fit, Cost};
use super::Until;
use crate::domain::model::{MentorIx, NeedIx, Problem};
use crate::rules::Candidates;

/// Bids each bidder (a need, or a student with one mentor at most) may make, in all: where a
/// level's needs outnumber their seats they bid the
/// last ones up against each other in steps as small as their preferences differ (a price
/// war, which ends only when the seats are worth no more to them than staying unassigned), and
/// a need out of bids drops out of it.
const BIDS_PER_NEED: usize = 8;

/// The smallest raise of a bid, in score points: a need that ranks two mentors equal still
/// raises the price a little, so that equal bidders do not trade a seat for ever.
const EPSILON_POINTS: f64 = 0.05;

/// Bids between two looks at the clock.
const DEADLINE_CHECK_EVERY: usize = 256;

/// What the auction ends with.
pub(super) struct Guess {
    /// Seat prices (packed costs, one per mentor, `≥ 0`).
    pub prices: Vec<Cost>,
    /// The pairs the auction made (need, mentor), by mentor: a plan within the seats, which
    /// the first network keeps whatever the prices rank (where scores are flat, every need
    /// ranks the same cheapest mentors first, and those alone would crowd them: the flat
    /// district's solve took 4.0 s with the prices alone, 3.0 s with the pairs too or with
    /// no guess at all).
    pub pairs: Vec<(NeedIx, MentorIx)>,
    /// Bids made (for the logs).
    pub bids: usize,
    /// Every bidder holds a seat or wants none at these prices: none ran out of bids and the
    /// deadline did not stop it.
    pub settled: bool,
}

/// Seat prices at which each need's best mentors are, as nearly as a bounded auction finds,
/// the ones an optimal flow gives it, and the auction's own pairs. `level` is each need's
/// coverage digit (negative, as the flow's costs), or its priority's where `None`. Where a
/// student takes one mentor at most (`maxMentorsPerStudent: 1`: the one-seat network, whose
/// needs are a student's alternative sets of needs), the student bids, for one seat, with
/// whichever of its needs is worth most at that mentor. Past `deadline` it stops where it is.
pub(super) fn seat_prices(
    problem: &Problem,
    all: &Candidates,
    fit_scale: f64,
    level: Option<&[Cost]>,
    deadline: Until,
) -> Guess {
    let mentors = problem.mentors.len();
    let epsilon = ((EPSILON_POINTS * fit_scale) as Cost).max(1);
    let digit = |n: usize| level.map_or_else(|| level_cost(problem.needs[n].priority), |l| l[n]);
    // The bidders: a need each, or a student each (its needs, one of which it takes).
    let bidders: Vec<std::ops::Range<NeedIx>> = if problem.policy.max_mentors_per_student == 1 {
        problem.students.iter().map(|s| s.needs()).collect()
    } else {
        (0..problem.needs.len() as NeedIx)
            .map(|n| n..n + 1)
            .collect()
    };
    let urgency = |b: usize| {
        bidders[b]
            .clone()
            .map(|n| digit(n as usize))
            .min()
            .unwrap_or(0)
    };
    let mut price: Vec<Cost> = vec![0; mentors];
    // Each mentor's bids held (bid, bidder), lowest first; the need each bidder holds with.
    let mut held: Vec<BinaryHeap<Reverse<(Cost, u32)>>> = vec![BinaryHeap::new(); mentors];
    let mut holds_with: Vec<NeedIx> = vec![0; bidders.len()];
    // Whose turn it is: the most urgent first, then in order (a dropped bidder goes after
    // the others of its level), so that lower needs bid at prices the more urgent have set.
    let mut turns: BinaryHeap<Reverse<(Cost, u64, u32)>> = (0..bidders.len())
        .map(|b| Reverse((urgency(b), b as u64, b as u32)))
        .collect();
    let mut queued = bidders.len() as u64;
    let mut bids_of: Vec<u8> = vec![0; bidders.len()];
    let mut bids = 0;
    let mut settled = true;
    while let Some(Reverse((_, _, b))) = turns.pop() {
        if bids % DEADLINE_CHECK_EVERY == 0 && deadline.passed() {
            settled = false;
            break;
        }
        if usize::from(bids_of[b as usize]) == BIDS_PER_NEED {
            // Out of bids: it stays without a seat (a war it was in ends without it).
            settled = false;
            continue;
        }
        // Best and second-best net worth (a student's mentors are distinct across its
        // needs); staying unassigned is worth 0.
        let (mut best, mut best_at, mut second): (Cost, Option<(usize, NeedIx)>, Cost) =
            (0, None, 0);
        for n in bidders[b as usize].clone() {
            let worth = -digit(n as usize);
            for c in all.of_need(n) {
                let m = all.mentors[c] as usize;
                let net = worth + Cost::from(quantised_fit(all.scores[c], fit_scale)) - price[m];
                if net > best {
                    second = best;
                    (best, best_at) = (net, Some((m, n)));
                } else if net > second {
                    second = net;
                }
            }
        }
        let Some((m, n)) = best_at else { continue };
        bids += 1;
        bids_of[b as usize] += 1;
        holds_with[b as usize] = n;
        let bid = price[m] + (best - second) + epsilon;
        let capacity = problem.mentors[m].capacity as usize;
        let seats = &mut held[m];
        seats.push(Reverse((bid, b)));
        if seats.len() > capacity {
            if let Some(Reverse((_, dropped))) = seats.pop() {
                turns.push(Reverse((urgency(dropped as usize), queued, dropped)));
                queued += 1;
            }
        }
        if seats.len() >= capacity {
            if let Some(Reverse((lowest, _))) = seats.peek() {
                price[m] = *lowest;
            }
        }
    }
    let pairs = held
        .iter()
        .enumerate()
        .flat_map(|(m, seats)| {
            let mut needs: Vec<NeedIx> = seats
                .iter()
                .map(|Reverse((_, b))| holds_with[*b as usize])
                .collect();
            needs.sort_unstable();
            needs.into_iter().map(move |n| (n, m as MentorIx))
        })
        .collect();
    Guess {
        prices: price,
        pairs,
        bids,
        settled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Validated;
    use crate::domain::Priority;
    use std::time::Instant;

    fn school(students: usize, mentors: usize, seed: u64) -> Validated {
        crate::admit::validate(crate::generate::generate_with(
            students, mentors, seed, false,
        ))
        .expect("a generated school is valid")
    }

    /// The candidates of `problem` and the auction's guess over them, with no deadline.
    fn guessed(problem: &Problem) -> (Candidates, Guess) {
        let all = Candidates::of_problem(problem);
        let fit_scale = super::super::flow::fit_scale_for(problem, &all);
        let guess = seat_prices(problem, &all, fit_scale, None, Until::far());
        (all, guess)
    }

    /// Every pair of `guess` is a candidate, no need holds two seats, no mentor is over
    /// capacity, and only a full mentor has a price (its lowest bid held).
    fn assert_within_seats(problem: &Problem, all: &Candidates, guess: &Guess) {
        let mut load = vec![0u32; problem.mentors.len()];
        let mut seen = vec![false; problem.needs.len()];
        for &(n, m) in &guess.pairs {
            assert!(
                all.find(n, m).is_some(),
                "pair ({n}, {m}) is not a candidate"
            );
            assert!(!seen[n as usize], "need {n} holds two seats");
            seen[n as usize] = true;
            load[m as usize] += 1;
        }
        for (m, mentor) in problem.mentors.iter().enumerate() {
            assert!(load[m] <= mentor.capacity, "mentor {m} over capacity");
            assert!(guess.prices[m] >= 0);
            if guess.prices[m] > 0 {
                assert_eq!(load[m], mentor.capacity, "mentor {m} priced but not full");
            }
        }
        assert!(guess.bids >= guess.pairs.len());
        assert!(guess.bids <= problem.needs.len() * BIDS_PER_NEED);
    }

    #[test]
    fn the_auctions_pairs_respect_every_seat_and_candidate() {
        for seed in [5, 9] {
            let problem = &school(300, 70, seed);
            let (all, guess) = guessed(problem);
            assert_within_seats(problem, &all, &guess);
        }
    }

    #[test]
    fn a_more_urgent_need_keeps_a_contended_seat() {
        // The bundled test school: two seats (T1 math and English, T2 math) for three needs.
        // S1's high math need bids first; whatever the others bid, it ends with a seat, and
        // both seats are taken.
        let problem = &crate::test_school::problem(crate::test_school::json());
        let (_, guess) = guessed(problem);
        assert!(guess.settled);
        assert_eq!(guess.pairs.len(), 2, "{:?}", guess.pairs);
        let high = (0..problem.needs.len())
            .find(|&n| problem.needs[n].priority == Priority::High)
            .expect("S1's math need is high") as NeedIx;
        assert!(
            guess.pairs.iter().any(|&(n, _)| n == high),
            "{:?}",
            guess.pairs
        );
    }

    #[test]
    fn a_need_out_of_bids_drops_out_of_a_price_war() {
        // 300 x 70 generated: more needs than seats, so lower needs bid the last seats up in
        // small steps; the bound on bids ends it, and the pairs still respect every seat.
        let problem = &school(300, 70, 5);
        let (all, guess) = guessed(problem);
        assert!(!guess.settled);
        assert_within_seats(problem, &all, &guess);
    }

    #[test]
    fn with_one_mentor_per_student_a_student_holds_one_seat_at_most() {
        let mut raw = crate::generate::generate_with(300, 70, 5, false);
        raw.policy.max_mentors_per_student = Some(1);
        let problem = &crate::admit::validate(raw).expect("a generated school is valid");
        let (all, guess) = guessed(problem);
        let mut seats = vec![0u32; problem.students.len()];
        for &(n, m) in &guess.pairs {
            assert!(
                all.find(n, m).is_some(),
                "pair ({n}, {m}) is not a candidate"
            );
            seats[problem.needs[n as usize].student as usize] += 1;
        }
        assert!(seats.iter().all(|&k| k <= 1), "a student holds two seats");
        assert!(seats.iter().filter(|&&k| k == 1).count() > problem.students.len() / 2);
    }

    #[test]
    fn a_passed_deadline_makes_no_bid() {
        let problem = &school(300, 70, 5);
        let all = Candidates::of_problem(problem);
        let fit_scale = super::super::flow::fit_scale_for(problem, &all);
        let passed = Until {
            at: Instant::now(),
            stop: None,
        };
        let guess = seat_prices(problem, &all, fit_scale, None, passed);
        assert_eq!(guess.bids, 0);
        assert!(guess.pairs.is_empty());
        assert!(guess.prices.iter().all(|&p| p == 0));
    }

    #[test]
    fn the_same_problem_gives_the_same_guess() {
        let problem = &school(300, 70, 9);
        let ((_, a), (_, b)) = (guessed(problem), guessed(problem));
        assert_eq!(a.prices, b.prices);
        assert_eq!(a.pairs, b.pairs);
    }
}
