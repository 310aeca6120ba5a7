//! Admission control for solves: at most `concurrent` run at once, at most `queue` wait; past
//! that a call is refused at once (RESOURCE_EXHAUSTED), never left hanging. The limit is global
//! (tonic's per-connection limits would let many connections overload the machine).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The solve gate shared by every call.
#[derive(Debug)]
pub struct Admission {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
}

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
        }
    }

    /// Waits for a solve slot, or refuses at once when the queue is full. Dropping the future
    /// (a cancelled call) leaves the queue without starting any work.
    pub async fn admit(&self) -> Result<OwnedSemaphorePermit, Refused> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting(&self.waiting);
        if queued >= self.queue {
            return Err(Refused::Busy { running: 0, queued });
        }
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Refused::Closed)
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
        assert!(matches!(gate.admit().await, Err(Refused::Busy { .. })));
        drop(first);
        assert!(gate.admit().await.is_ok());
        gate.close();
        let _held = gate.permits.clone().try_acquire_owned();
        assert!(gate.admit().await.is_err());
    }
}
