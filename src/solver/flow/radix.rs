//! The flows' priority queue: a radix heap over the packed `i128` distances, for searches
//! whose distances never fall below the last one taken (Dijkstra on non-negative reduced
//! costs, which the flows keep).
//!
//! Holds: [`RadixHeap`]. It takes entries `(distance, key)` out in exactly the order a binary
//! heap of `Reverse((distance, key))` would: least distance first, and among equal distances
//! the least key (the searches' tie order: the sink first, see `by_needs::Search::key`). A
//! push below the last distance taken (which the flows never make) turns the heap into a
//! binary heap until it is cleared, so the order stays exact whatever is pushed.
//!
//! Why: the flows' searches push and pop millions of 32-byte entries (a 4,000 × 1,000
//! school's searches settle ~1.2 M nodes; the district's ~13 M), and the binary heap's pop,
//! a sift-down over `log n` levels of 128-bit comparisons, was 4–5 % of a whole solve. A radix
//! heap (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster algorithms for the shortest path problem",
//! J. ACM 37, 1990) files each entry by the highest bit in which it differs from the last
//! distance taken: a push is one bucket append, and an entry moves down at most 128 times in
//! all, in practice a few.
//!
//! Must not import anything outside `solver::flow`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Cost;

/// Buckets 1–128: an entry differing from the last distance first in bit `b − 1` is in
/// bucket `b`; bucket 0 (the ties) holds the entries at the last distance itself.
const BUCKETS: usize = 128;

/// A monotone priority queue of `(distance, key)` (see the module doc).
#[derive(Default)]
pub(super) struct RadixHeap {
    /// The last distance taken, order-mapped ([`ordered`]); no entry lies below it.
    last: u128,
    /// Entries at `last`, by key.
    ties: BinaryHeap<Reverse<u32>>,
    /// Buckets 1..=128 (index `b − 1`).
    buckets: Vec<Vec<(u128, u32)>>,
    /// Bit `b − 1` set when bucket `b` holds entries.
    nonempty: u128,
    /// Set once a push fell below `last`: the heap is a binary heap until cleared.
    fallback: Option<BinaryHeap<Reverse<(Cost, u32)>>>,
}

/// `d` as an unsigned number of the same order.
fn ordered(d: Cost) -> u128 {
    (d as u128) ^ (1 << 127)
}

/// The inverse of [`ordered`].
fn distance(x: u128) -> Cost {
    (x ^ (1 << 127)) as Cost
}

/// The positions of the set bits of `bits`, lowest first (the nonempty buckets' indices).
fn set_bits(mut bits: u128) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            i
        })
    })
}

impl RadixHeap {
    pub(super) fn new() -> Self {
        RadixHeap {
            buckets: vec![Vec::new(); BUCKETS],
            ..RadixHeap::default()
        }
    }

    /// Empties the heap (keeping its buffers); any distance may be pushed next.
    pub(super) fn clear(&mut self) {
        self.ties.clear();
        for i in set_bits(self.nonempty) {
            self.buckets[i].clear();
        }
        self.nonempty = 0;
        self.last = 0;
        self.fallback = None;
    }

    /// The bucket of order-mapped distance `x` (at least `last`).
    #[inline]
    fn bucket_of(&self, x: u128) -> usize {
        BUCKETS - (x ^ self.last).leading_zeros() as usize
    }

    #[inline]
    fn file(&mut self, x: u128, key: u32) {
        let b = self.bucket_of(x);
        if b == 0 {
            self.ties.push(Reverse(key));
        } else {
            self.buckets[b - 1].push((x, key));
            self.nonempty |= 1 << (b - 1);
        }
    }

    #[inline]
    pub(super) fn push(&mut self, d: Cost, key: u32) {
        if let Some(heap) = self.fallback.as_mut() {
            heap.push(Reverse((d, key)));
            return;
        }
        let x = ordered(d);
        if x < self.last {
            self.spill().push(Reverse((d, key)));
            return;
        }
        self.file(x, key);
    }

    /// Least distance first, then least key.
    #[inline]
    pub(super) fn pop(&mut self) -> Option<(Cost, u32)> {
        if let Some(heap) = self.fallback.as_mut() {
            return heap.pop().map(|Reverse(e)| e);
        }
        if self.ties.is_empty() {
            if self.nonempty == 0 {
                return None;
            }
            // The lowest nonempty bucket holds the least entries; its least becomes `last`,
            // and every entry of it files into a lower bucket (or the ties).
            let i = self.nonempty.trailing_zeros() as usize;
            self.nonempty &= !(1 << i);
            let mut entries = std::mem::take(&mut self.buckets[i]);
            self.last = entries.iter().map(|e| e.0).min().unwrap_or(self.last);
            for &(x, key) in &entries {
                self.file(x, key);
            }
            entries.clear();
            self.buckets[i] = entries;
        }
        let Reverse(key) = self.ties.pop()?;
        Some((distance(self.last), key))
    }

    /// Moves every entry into a binary heap, which serves until the next clear.
    fn spill(&mut self) -> &mut BinaryHeap<Reverse<(Cost, u32)>> {
        let mut heap = BinaryHeap::new();
        let last = distance(self.last);
        heap.extend(self.ties.drain().map(|Reverse(key)| Reverse((last, key))));
        for i in set_bits(self.nonempty) {
            heap.extend(
                self.buckets[i]
                    .drain(..)
                    .map(|(x, key)| Reverse((distance(x), key))),
            );
        }
        self.nonempty = 0;
        self.fallback.insert(heap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::splitmix64;

    /// Pushes and pops drawn from `seed` on both heaps, in the same order; with `monotone`, a
    /// push is never below the last distance popped. Every pop must agree.
    fn same_as_a_binary_heap(seed: u64, monotone: bool) {
        let mut state = seed;
        let mut next = || {
            state = splitmix64(state);
            state
        };
        let mut radix = RadixHeap::new();
        let mut binary: BinaryHeap<Reverse<(Cost, u32)>> = BinaryHeap::new();
        for _round in 0..3 {
            radix.clear();
            binary.clear();
            let mut last: Cost = 0;
            let base: Cost = if next() % 2 == 0 { 0 } else { -(1 << 100) };
            for _ in 0..2_000 {
                if next() % 3 == 0 {
                    let got = radix.pop();
                    let want = binary.pop().map(|Reverse(e)| e);
                    assert_eq!(got, want, "seed {seed}");
                    if let Some((d, _)) = want {
                        last = d;
                    }
                } else {
                    // Steps of every scale: ties, small, and past the fit into the digits.
                    let step: Cost = match next() % 4 {
                        0 => 0,
                        1 => (next() % 8) as Cost,
                        2 => (next() % (1 << 40)) as Cost,
                        _ => (((next() % 1024) as Cost) << 60) + (next() % 1000) as Cost,
                    };
                    let from = if monotone { last.max(base) } else { base };
                    let d = if !monotone && next() % 50 == 0 {
                        last - 1 - (next() % 100) as Cost
                    } else {
                        from + step
                    };
                    let key = (next() % 64) as u32;
                    radix.push(d, key);
                    binary.push(Reverse((d, key)));
                }
            }
            loop {
                let got = radix.pop();
                let want = binary.pop().map(|Reverse(e)| e);
                assert_eq!(got, want, "seed {seed}");
                if want.is_none() {
                    break;
                }
            }
        }
    }

    #[test]
    fn pops_in_the_binary_heaps_order_when_pushes_are_monotone() {
        for seed in 0..200 {
            same_as_a_binary_heap(seed, true);
        }
    }

    #[test]
    fn a_push_below_the_last_taken_keeps_the_order_exact() {
        for seed in 1_000..1_100 {
            same_as_a_binary_heap(seed, false);
        }
    }

    #[test]
    fn negative_and_extreme_distances_keep_their_order() {
        let mut radix = RadixHeap::new();
        for (d, key) in [(Cost::MAX, 1), (-5, 2), (Cost::MIN, 3), (0, 4), (-5, 1)] {
            radix.push(d, key);
        }
        let popped: Vec<(Cost, u32)> = std::iter::from_fn(|| radix.pop()).collect();
        assert_eq!(
            popped,
            vec![(Cost::MIN, 3), (-5, 1), (-5, 2), (0, 4), (Cost::MAX, 1)]
        );
    }
}
