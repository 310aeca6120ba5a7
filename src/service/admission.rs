//! Admission control for solves: at most `concurrent` run at once, at most `queue` wait; past
//! that a call is refused at once (RESOURCE_EXHAUSTED), never left hanging. The limit is global
//! (tonic's per-connection limits would let many connections overload the machine).
//!
//! Plain concurrency (std and tokio): must not import anything else of the crate.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The solve gate shared by every call.
#[derive(Debug)]
pub struct Admission {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
    concurrent: usize,
    /// Refusals since the last log line: under overload they are summarised, one line a second
    /// at most, instead of one line each.
    refused: AtomicU64,
    last_log: Mutex<Option<Instant>>,
}

/// At most one overload line per this interval.
const REFUSAL_LOG_INTERVAL: Duration = Duration::from_secs(1);

/// Why a call was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the service is busy: {running} solves running and {queued} queued")]
    Busy { running: usize, queued: usize },
    #[error("the service is shutting down")]
    Closed,
}

struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Admission {
    /// A gate for `concurrent` solves (at least 1) and `queue` waiting calls.
    pub fn new(concurrent: usize, queue: usize) -> Self {
        Admission {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            waiting: AtomicUsize::new(0),
            queue,
            concurrent: concurrent.max(1),
            refused: AtomicU64::new(0),
            last_log: Mutex::new(None),
        }
    }

    /// Waits for a solve slot, or refuses at once when the queue is full. Dropping the future
    /// (a cancelled call) leaves the queue without starting any work.
    pub async fn admit(&self) -> Result<OwnedSemaphorePermit, Refused> {
        if self.permits.is_closed() {
            return Err(Refused::Closed);
        }
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting(&self.waiting);
        if queued >= self.queue {
            let running = self
                .concurrent
                .saturating_sub(self.permits.available_permits());
            self.note_refusal(running, queued);
            return Err(Refused::Busy { running, queued });
        }
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Refused::Closed)
    }

    /// Counts a refusal and logs the count at most once per [`REFUSAL_LOG_INTERVAL`].
    fn note_refusal(&self, running: usize, queued: usize) {
        let count = self.refused.fetch_add(1, Ordering::SeqCst) + 1;
        let Ok(mut last) = self.last_log.lock() else {
            return;
        };
        let now = Instant::now();
        if last.is_none_or(|t| now.duration_since(t) >= REFUSAL_LOG_INTERVAL) {
            *last = Some(now);
            let refused = self.refused.swap(0, Ordering::SeqCst).max(count.min(1));
            tracing::warn!(refused, running, queued, "overloaded: calls refused");
        }
    }

    /// Solves running now.
    pub fn running(&self) -> usize {
        self.concurrent
            .saturating_sub(self.permits.available_permits())
    }

    /// Calls waiting for a slot now.
    pub fn queued(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// True once [`Admission::close`] ran: the service is draining (`/readyz` answers 503).
    pub fn is_closed(&self) -> bool {
        self.permits.is_closed()
    }

    /// Resolves once no solve is running (looked at every 20 ms; used while shutting down).
    pub async fn idle(&self) {
        while self.running() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Total refusals not yet logged (for tests and metrics).
    pub fn refused_pending(&self) -> u64 {
        self.refused.load(Ordering::SeqCst)
    }

    /// Refuses every later call (used at shutdown); running solves keep their permits.
    pub fn close(&self) {
        self.permits.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refuses_past_the_queue_and_admits_after_release() {
        let gate = Admission::new(1, 0);
        let first = gate.admit().await.expect("first is admitted");
        assert!(matches!(
            gate.admit().await,
            Err(Refused::Busy {
                running: 1,
                queued: 0
            })
        ));
        drop(first);
        assert!(gate.admit().await.is_ok());
        gate.close();
        let _held = gate.permits.clone().try_acquire_owned();
        assert!(gate.admit().await.is_err());
    }

    #[tokio::test]
    async fn overload_is_summarised_not_logged_per_call() {
        let gate = Admission::new(1, 0);
        let _held = gate.admit().await.expect("admitted");
        for _ in 0..100 {
            assert!(matches!(
                gate.admit().await,
                Err(Refused::Busy { running: 1, .. })
            ));
        }
        // The first refusal was logged at once; the other 99 wait for the next line.
        assert_eq!(gate.refused_pending(), 99);
    }
}
