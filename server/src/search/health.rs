//! How the index of this node is doing: counters for the metrics, the state of updates for
//! readiness, and logging that speaks once per change of state instead of once per retry.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::lock;

/// The longest pause between two attempts to update a failing index.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// The pause before a failed rebuild is tried again.
const REBUILD_RETRY: Duration = Duration::from_secs(30);

/// What readiness and metrics show about the index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexStatus {
    /// An index answers searches (false only while the first one is being built).
    pub serving: bool,
    /// Documents in the index that answers searches.
    pub documents: u64,
    /// A rebuild is running: (entries done, entries in total).
    pub rebuilding: Option<(u64, u64)>,
    /// Complete rebuilds since the process started.
    pub rebuilds: u64,
    /// Rounds of outbox updates that failed since the process started.
    pub update_failures: u64,
    /// Updates fail since this long, with this error (`None`: they succeed).
    pub failing: Option<(Duration, String)>,
    /// Consistency checks run, entries they found out of step and repaired (in total), and
    /// what the last one found.
    pub checks: u64,
    pub repaired: u64,
    pub last_drift: u64,
}

/// Counters and state shared by everyone who holds the index.
#[derive(Default)]
pub(super) struct Health {
    rebuilds: AtomicU64,
    update_failures: AtomicU64,
    checks: AtomicU64,
    repaired: AtomicU64,
    last_drift: AtomicU64,
    rebuilding: AtomicBool,
    build_done: AtomicU64,
    build_total: AtomicU64,
    /// Searches met damaged files: the index must be built again.
    damaged: AtomicBool,
    failing: Mutex<Option<Failing>>,
    /// When the last rebuild failed (a failing rebuild is tried again after a pause).
    rebuild_failed_at: Mutex<Option<Instant>>,
}

struct Failing {
    since: Instant,
    error: String,
    attempts: u32,
}

impl Health {
    /// Records a failed round of updates; logs when updates start failing or fail
    /// differently. Returns how long to wait before the next attempt.
    pub fn update_failed(&self, error: &dyn std::fmt::Display) -> Duration {
        self.update_failures.fetch_add(1, Ordering::Relaxed);
        let error = error.to_string();
        let mut failing = lock(&self.failing);
        match failing.as_mut() {
            Some(state) => {
                state.attempts += 1;
                if state.error != error {
                    tracing::warn!(%error, attempts = state.attempts, "updating the search index still fails, differently now");
                    state.error = error;
                }
            }
            None => {
                tracing::warn!(%error, "updating the search index failed; retrying with backoff (logged again when this changes)");
                *failing = Some(Failing {
                    since: Instant::now(),
                    error,
                    attempts: 1,
                });
            }
        }
        let attempts = failing.as_ref().map_or(1, |s| s.attempts);
        backoff(attempts)
    }

    /// Records a successful round; logs if updates had been failing.
    pub fn update_succeeded(&self) {
        let mut failing = lock(&self.failing);
        if let Some(state) = failing.take() {
            tracing::info!(
                attempts = state.attempts,
                seconds = state.since.elapsed().as_secs(),
                "the search index is updated again"
            );
        }
    }

    pub fn rebuild_started(&self) {
        self.build_done.store(0, Ordering::Relaxed);
        self.build_total.store(0, Ordering::Relaxed);
        self.rebuilding.store(true, Ordering::Relaxed);
    }

    pub fn rebuild_progress(&self, done: u64, total: u64) {
        self.build_done.store(done, Ordering::Relaxed);
        self.build_total.store(total, Ordering::Relaxed);
    }

    pub fn rebuild_finished(&self, complete: bool) {
        self.rebuilding.store(false, Ordering::Relaxed);
        if complete {
            self.rebuilds.fetch_add(1, Ordering::Relaxed);
            self.damaged.store(false, Ordering::Relaxed);
            *lock(&self.rebuild_failed_at) = None;
        } else {
            *lock(&self.rebuild_failed_at) = Some(Instant::now());
        }
    }

    /// Whether a rebuild may start now: none is running and the last did not fail within
    /// [`REBUILD_RETRY`].
    pub fn may_retry_rebuild(&self) -> bool {
        !self.rebuilding.load(Ordering::Relaxed)
            && lock(&self.rebuild_failed_at).is_none_or(|at| at.elapsed() >= REBUILD_RETRY)
    }

    pub fn checked(&self, drift: u64) {
        self.checks.fetch_add(1, Ordering::Relaxed);
        self.repaired.fetch_add(drift, Ordering::Relaxed);
        self.last_drift.store(drift, Ordering::Relaxed);
    }

    pub fn mark_damaged(&self) {
        if !self.damaged.swap(true, Ordering::Relaxed) {
            tracing::warn!("the search index met damaged files while searching; it is built again");
        }
    }

    pub fn is_damaged(&self) -> bool {
        self.damaged.load(Ordering::Relaxed)
    }

    pub fn status(&self, serving: bool, documents: u64) -> IndexStatus {
        let rebuilding = self.rebuilding.load(Ordering::Relaxed).then(|| {
            (
                self.build_done.load(Ordering::Relaxed),
                self.build_total.load(Ordering::Relaxed),
            )
        });
        IndexStatus {
            serving,
            documents,
            rebuilding,
            rebuilds: self.rebuilds.load(Ordering::Relaxed),
            update_failures: self.update_failures.load(Ordering::Relaxed),
            failing: lock(&self.failing)
                .as_ref()
                .map(|s| (s.since.elapsed(), s.error.clone())),
            checks: self.checks.load(Ordering::Relaxed),
            repaired: self.repaired.load(Ordering::Relaxed),
            last_drift: self.last_drift.load(Ordering::Relaxed),
        }
    }
}

/// The pause after the n-th failure in a row: the poll interval doubled each time, at most
/// [`MAX_BACKOFF`] (a full disk that is cleared is noticed within a few seconds).
fn backoff(attempts: u32) -> Duration {
    let doubled = super::POLL_INTERVAL.saturating_mul(1 << attempts.min(10));
    doubled.min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_and_success_clears_the_state() {
        let health = Health::default();
        let first = health.update_failed(&"disk full");
        let later = (0..20).map(|_| health.update_failed(&"disk full")).last();
        assert!(first < MAX_BACKOFF && later == Some(MAX_BACKOFF));
        let status = health.status(true, 3);
        assert_eq!(status.update_failures, 21);
        assert_eq!(status.failing.map(|(_, e)| e).as_deref(), Some("disk full"));
        health.update_succeeded();
        assert_eq!(health.status(true, 3).failing, None);
    }
}
