//! Splitting independent per-need work over the machine's cores. Results come back in range
//! order, so output never depends on the number of cores.
//!
//! Imports nothing from the crate: every layer may use it.

use std::ops::Range;

/// Threads for per-need work: `MENTOR_MATCH_THREADS` if set (1–8; for pinning a process to
/// fewer cores, and for the test that proves output does not depend on it), else the cores
/// available, at most 8.
fn threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::env::var("MENTOR_MATCH_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |c| c.get()))
            .clamp(1, 8)
    })
}

/// Runs `f` on `0..n` split into one contiguous range per thread (see `threads`) and
/// returns the results in range order. The calling thread takes the last range itself: one
/// thread fewer to start and join per call (a school's solve makes ~40 calls, each thread
/// ~20–40 µs to start and join), and with one thread nothing is started at all.
pub fn over_ranges<T: Send>(n: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let threads = threads();
    let chunk = n.div_ceil(threads).max(1);
    let starts: Vec<usize> = (0..n).step_by(chunk).collect();
    let Some((&last, others)) = starts.split_last() else {
        return Vec::new();
    };
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = others
            .iter()
            .map(|&from| scope.spawn(move || f(from..(from + chunk).min(n))))
            .collect();
        let own = f(last..n);
        let mut out: Vec<T> = handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect();
        out.push(own);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_every_index_once_in_order() {
        for n in [0, 1, 7, 100] {
            let parts = over_ranges(n, |r| r.collect::<Vec<_>>());
            let all: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(all, (0..n).collect::<Vec<_>>());
        }
    }
}
