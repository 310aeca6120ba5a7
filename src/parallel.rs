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

thread_local! {
    /// Whether this thread is running one share of an [`over_ranges`] or [`fill`] split.
    static IN_SECTION: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` marked as one share of a split (see [`threads_free_here`]), restoring the mark
/// after it, also when `f` panics (a split may run inside another's share).
fn in_section<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_SECTION.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(IN_SECTION.with(|s| s.replace(true)));
    f()
}

/// How many threads a piece of work started here may keep busy: the process's (see `threads`)
/// outside a split, one inside one's share, where every core already has a share. For
/// libraries with a thread pool of their own (HiGHS's parallel dual simplex), so that work
/// split over the cores does not start more threads than there are cores.
pub fn threads_free_here() -> usize {
    if IN_SECTION.with(std::cell::Cell::get) {
        1
    } else {
        threads()
    }
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
            .map(|&from| scope.spawn(move || in_section(|| f(from..(from + chunk).min(n)))))
            .collect();
        let own = in_section(|| f(last..n));
        let mut out: Vec<T> = handles.into_iter().map(joined).collect();
        out.push(own);
        out
    })
}

/// Runs `f(i)` for every `i` in `0..n` over the threads, each thread taking the next index
/// not yet taken, and returns the results in index order (so, as [`over_ranges`], never
/// dependent on the number of cores). For few items of very different cost (the forced
/// solves of `why_not`: one can take twice the others together), where a contiguous range a
/// thread leaves one core idle while the other works through two long items.
pub fn pulled<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = threads().min(n);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return done;
            }
            done.push((i, f(i)));
        }
    };
    let work = &work;
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads)
            .map(|_| scope.spawn(move || in_section(work)))
            .collect();
        let mut done = in_section(work);
        for handle in handles {
            done.extend(joined(handle));
        }
        done
    });
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// Fills `out` in place, one contiguous chunk per thread: `f(first, chunk)` writes
/// `out[first..first + chunk.len()]`. The same values whatever the number of threads, as
/// [`over_ranges`]; for outputs of one value per candidate pair (tens of millions at district
/// size), where gathering per-thread parts and joining them copied the whole twice.
pub fn fill<T: Send>(out: &mut [T], f: impl Fn(usize, &mut [T]) + Sync) {
    let chunk = out.len().div_ceil(threads()).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let mut chunks = out.chunks_mut(chunk).enumerate();
        let own = chunks.next_back();
        let handles: Vec<_> = chunks
            .map(|(i, part)| scope.spawn(move || in_section(|| f(i * chunk, part))))
            .collect();
        if let Some((i, part)) = own {
            in_section(|| f(i * chunk, part));
        }
        handles.into_iter().for_each(joined);
    });
}

/// A scoped thread's result; its panic goes on in the caller.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A value a thread of a scope computes while the caller goes on with work that does not
/// need it yet ([`later`]); the first [`Later::get_or`] waits for it.
///
/// Why: a solve's phases are mostly one thread's work at a time (a flow, an LP), and some
/// set-up that a later phase needs can run on the other core meanwhile. It carries no
/// lifetime of the scope (the value comes back over a channel), so a struct that borrows it
/// needs none either.
pub struct Later<T> {
    value: std::sync::OnceLock<T>,
    pending: std::sync::Mutex<Option<std::sync::mpsc::Receiver<T>>>,
}

impl<T> Later<T> {
    /// The value: at the first call, waits for the thread computing it; where that thread is
    /// gone without it (it panicked: the scope will re-raise that when it ends), computes it
    /// here with `fallback`.
    pub fn get_or(&self, fallback: impl FnOnce() -> T) -> &T {
        self.value.get_or_init(|| {
            let pending = self
                .pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            match pending.map(|rx| rx.recv()) {
                Some(Ok(value)) => value,
                _ => fallback(),
            }
        })
    }
}

/// Starts computing `f` on a thread of `scope` and returns at once; with one thread (see
/// `threads`) computes it here first. The value is the same either way: `f` must not depend
/// on when it runs.
pub fn later<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> Later<T> {
    let value = std::sync::OnceLock::new();
    if threads() == 1 {
        let _ = value.set(f());
        return Later {
            value,
            pending: std::sync::Mutex::new(None),
        };
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    scope.spawn(move || {
        // The receiver is only gone when the caller no longer wants the value.
        let _ = tx.send(f());
    });
    Later {
        value,
        pending: std::sync::Mutex::new(Some(rx)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_value_is_what_its_closure_made_and_is_made_once() {
        let made = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let later = later(scope, || {
                made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                (0..1000u64).sum::<u64>()
            });
            assert_eq!(*later.get_or(|| 0), 499_500);
            assert_eq!(
                *later.get_or(|| 0),
                499_500,
                "the fallback is never taken once made"
            );
        });
        assert_eq!(made.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    /// Every index once, results in index order, items of very different cost.
    #[test]
    fn pulled_items_come_back_once_each_in_order() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let out = pulled(37, |i| {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if i % 5 == 0 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            i * i
        });
        assert_eq!(out, (0..37).map(|i| i * i).collect::<Vec<_>>());
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 37);
        assert!(pulled(0, |i| i).is_empty());
    }

    #[test]
    fn a_later_whose_thread_is_gone_falls_back() {
        let later: Later<u32> = Later {
            value: std::sync::OnceLock::new(),
            pending: std::sync::Mutex::new(None),
        };
        assert_eq!(*later.get_or(|| 7), 7);
    }

    #[test]
    fn fill_writes_every_index_with_its_own_value() {
        for n in [0, 1, 7, 100, 1001] {
            let mut out = vec![usize::MAX; n];
            fill(&mut out, |first, chunk| {
                for (k, x) in chunk.iter_mut().enumerate() {
                    *x = (first + k) * 3;
                }
            });
            assert_eq!(out, (0..n).map(|i| i * 3).collect::<Vec<_>>());
        }
    }

    #[test]
    fn inside_a_split_one_thread_is_free_and_outside_it_all_are() {
        let outside = threads_free_here();
        assert_eq!(outside, threads());
        let inside = over_ranges(4, |_| threads_free_here());
        assert!(inside.iter().all(|&t| t == 1), "{inside:?}");
        let mut filled = vec![0; 4];
        fill(&mut filled, |_, chunk| chunk.fill(threads_free_here()));
        assert!(filled.iter().all(|&t| t == 1), "{filled:?}");
        assert_eq!(
            threads_free_here(),
            outside,
            "the mark is lifted after the split"
        );
    }

    #[test]
    fn covers_every_index_once_in_order() {
        for n in [0, 1, 7, 100] {
            let parts = over_ranges(n, |r| r.collect::<Vec<_>>());
            let all: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(all, (0..n).collect::<Vec<_>>());
        }
    }
}
