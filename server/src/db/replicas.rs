//! Where a public read goes: to the primary, or to one of PostgreSQL's streaming replicas
//! (`DATABASE_REPLICA_URL`) while it is reachable and fresh.
//!
//! **Fresh** is measured against the primary's write-ahead log, not against the clock of the
//! last replayed transaction (`now() - pg_last_xact_replay_timestamp()` grows without end on
//! an idle catalogue, although the replica has everything). For every replica a check runs
//! every `min(500 ms, max lag / 2)`: it notes the instant `t`, asks the primary for its
//! flushed position `pg_current_wal_flush_lsn()`, then asks the replica how far it has
//! replayed (`pg_last_wal_replay_lsn()`), again for a moment if it is just short of it. Each
//! commit the primary acknowledged before `t` lies at or below that position, so once the
//! replica has replayed it, the replica shows every write up to `t`. The newest such `t` is
//! the replica's *fresh-as-of* instant; the replica serves a read only while
//! `now - fresh-as-of ≤ ALLMENDE_REPLICA_MAX_LAG` (default 1 s). The bound is a time, not a
//! byte count: what a reader cares about is how old an answer may be, and bytes do not say
//! it (a large import replays in milliseconds; a replica that stopped receiving is
//! hopelessly behind with a few bytes of lag). A replica that does not answer, is no standby
//! (promoted) or falls behind is left out until a check finds it fresh again; every change
//! is logged once.
//!
//! **Reading one's own writes** is the callers' part: only anonymous reads may go to a
//! replica ([`ReadFrom::FreshReplica`]); a signed-in person, an API token and any write
//! request read from the primary ([`ReadFrom::Primary`]), so whoever just wrote sees it
//! on the next page, whichever node serves it.
//!
//! **Failing over**: a read that fails on a replica because it cannot be reached sets the
//! replica aside (until its next good check) and is answered by the primary; one that fails
//! for another database reason (e.g. cancelled by a conflict with recovery) is asked again
//! on the primary. So a stopped replica makes reads slower for a moment, never fail.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use crate::config::MaxLag;

/// Connections per replica pool (as the primary's).
const REPLICA_CONNECTIONS: u32 = 16;
/// Longest wait for a replica connection before the read goes to the primary. Short: a
/// stopped replica costs the first read after it this much once, then it is set aside.
pub const REPLICA_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(300);
/// Longest a check of one replica (the primary's position, then the replica's) may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(1);
/// Longest interval between two checks of a replica.
pub const MAX_CHECK_INTERVAL: Duration = Duration::from_millis(500);
/// How long a check waits for a replica just short of the primary's position to reach it.
const CATCH_UP_PATIENCE: Duration = Duration::from_millis(100);
/// The `application_name` of the checks' connections (they are not the reads).
pub const CHECK_APPLICATION_NAME: &str = "allmende replica check";

/// Where a read may be answered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    /// The primary: the caller may just have written (signed in, with an API token, or in
    /// a write request) and must read what it wrote.
    Primary,
    /// A replica that is reachable and within the staleness bound; the primary when there
    /// is none.
    FreshReplica,
}

/// How often each replica is checked: twice within the bound, at most every 500 ms.
pub fn check_interval(max_lag: MaxLag) -> Duration {
    (max_lag.duration() / 2).clamp(Duration::from_millis(5), MAX_CHECK_INTERVAL)
}

/// A replica address that could not be used.
#[derive(Debug, thiserror::Error)]
#[error(
    "DATABASE_REPLICA_URL Nr. {position} ist keine gültige PostgreSQL-Adresse / \
     DATABASE_REPLICA_URL number {position} is not a valid PostgreSQL URL: {message}"
)]
pub struct ReplicaUrlError {
    /// 1-based position in the list.
    pub position: usize,
    pub message: String,
}

/// What to do when a read failed on a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnReplicaError {
    /// The replica cannot be reached: set it aside until its next good check and ask the
    /// primary.
    SetAside,
    /// The statement failed there (cancelled by a conflict with recovery, a migration not
    /// replayed yet): ask the primary.
    AskPrimary,
    /// The answer stands (not found, a refusal): the primary would give the same.
    Keep,
}

/// An error of a read, as [`ReadPools::read`] judges it.
pub trait ReadFailure: fmt::Display {
    /// What a failure on a replica means for the read.
    fn on_replica(&self) -> OnReplicaError;
}

impl ReadFailure for sqlx::Error {
    fn on_replica(&self) -> OnReplicaError {
        if super::is_unavailable(self) {
            OnReplicaError::SetAside
        } else if matches!(self, sqlx::Error::RowNotFound) {
            OnReplicaError::Keep
        } else {
            OnReplicaError::AskPrimary
        }
    }
}

/// The primary's pool and the replicas' pools with what the checks found; cheap to clone
/// (shared).
#[derive(Clone)]
pub struct ReadPools {
    inner: Arc<Inner>,
}

struct Inner {
    primary: PgPool,
    replicas: Vec<Replica>,
    max_lag: MaxLag,
    /// Round robin among the fresh replicas.
    next: AtomicUsize,
    /// Reads that could have gone to a replica but were answered by the primary.
    primary_reads: AtomicU64,
}

/// One replica: its pools, what the last checks found, and counters.
struct Replica {
    /// `host:port/database`, for logs and metric labels (never the password).
    name: String,
    /// The reads' connections.
    pool: PgPool,
    /// The checks' connection (so a busy read pool does not look like a dead replica).
    check_pool: PgPool,
    seen: Mutex<Seen>,
    reads: AtomicU64,
    fallbacks: AtomicU64,
}

/// What the checks (and failed reads) found out about a replica.
#[derive(Debug, Default)]
struct Seen {
    /// Every write the primary acknowledged before this instant is visible on the replica.
    fresh_as_of: Option<Instant>,
    /// The primary's positions noted by recent checks (oldest first): (instant, LSN).
    samples: VecDeque<(Instant, u64)>,
    /// How many bytes of WAL the replica was behind at the last check.
    lag_bytes: Option<u64>,
    /// Why the last check failed (unreachable, not a standby).
    problem: Option<String>,
    /// A read could not reach it; left out until a check succeeds.
    set_aside: bool,
    /// Whether the last logged state was "in use" (`None`: nothing logged yet).
    logged_in_use: Option<bool>,
    checked: bool,
}

impl Seen {
    /// How stale the replica may be at `now`, if known.
    fn staleness(&self, now: Instant) -> Option<Duration> {
        self.fresh_as_of.map(|t| now.saturating_duration_since(t))
    }

    fn usable(&self, now: Instant, max_lag: MaxLag) -> bool {
        self.problem.is_none()
            && !self.set_aside
            && self.staleness(now).is_some_and(|s| s <= max_lag.duration())
    }

    /// Notes the primary at `lsn` at instant `at`, keeping samples young enough to matter.
    fn note_primary(&mut self, at: Instant, lsn: u64, max_lag: MaxLag) {
        let keep = max_lag.duration() + 2 * MAX_CHECK_INTERVAL + CHECK_TIMEOUT;
        while self
            .samples
            .front()
            .is_some_and(|(t, _)| at.saturating_duration_since(*t) > keep)
        {
            self.samples.pop_front();
        }
        self.samples.push_back((at, lsn));
    }

    /// The replica has replayed up to `replayed`: it is fresh as of the newest noted
    /// instant whose primary position it has reached.
    fn note_replayed(&mut self, replayed: u64) {
        if let Some(at) = fresh_as_of(&self.samples, replayed) {
            self.fresh_as_of = Some(self.fresh_as_of.map_or(at, |old| old.max(at)));
        }
        self.lag_bytes = self
            .samples
            .back()
            .map(|(_, lsn)| lsn.saturating_sub(replayed));
    }
}

/// The newest instant of `samples` (primary positions, oldest first) whose position
/// `replayed` has reached.
fn fresh_as_of(samples: &VecDeque<(Instant, u64)>, replayed: u64) -> Option<Instant> {
    samples
        .iter()
        .rev()
        .find(|(_, lsn)| *lsn <= replayed)
        .map(|(t, _)| *t)
}

/// A replica's state for `/readyz` and `/metrics`.
#[derive(Debug, Clone)]
pub struct ReplicaStatus {
    /// `host:port/database`.
    pub name: String,
    /// Whether reads go to it now.
    pub in_use: bool,
    /// Whether the last check reached it (and found a standby).
    pub reachable: bool,
    /// At most this stale: the time since the newest primary position it is known to have
    /// replayed (`None`: not known yet).
    pub lag: Option<Duration>,
    /// WAL bytes behind the primary at the last check.
    pub lag_bytes: Option<u64>,
    /// Why it is not in use, if it is not.
    pub problem: Option<String>,
    /// Reads it answered.
    pub reads: u64,
    /// Reads that failed on it and were answered by the primary.
    pub fallbacks: u64,
}

impl ReadPools {
    /// Reads from the primary only (no replicas configured).
    pub fn primary_only(primary: PgPool) -> ReadPools {
        Self::with_replicas(primary, Vec::new(), MaxLag::DEFAULT)
    }

    /// The primary and a pool per replica URL. Connections are opened when first needed,
    /// so a replica that is down at the start only stays out of use; a URL that cannot be
    /// read is refused.
    pub fn connect(
        primary: PgPool,
        urls: &[String],
        max_lag: MaxLag,
    ) -> Result<ReadPools, ReplicaUrlError> {
        let mut replicas = Vec::new();
        for (i, url) in urls
            .iter()
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
            .enumerate()
        {
            let options: PgConnectOptions =
                url.parse().map_err(|e: sqlx::Error| ReplicaUrlError {
                    position: i + 1,
                    message: e.to_string(),
                })?;
            let name = format!(
                "{}:{}/{}",
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or_default()
            );
            let pool = super::pool_options()
                .max_connections(REPLICA_CONNECTIONS)
                .acquire_timeout(REPLICA_ACQUIRE_TIMEOUT)
                .connect_lazy_with(options.clone());
            let check_pool = PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(CHECK_TIMEOUT)
                .connect_lazy_with(options.application_name(CHECK_APPLICATION_NAME));
            replicas.push((name, pool, check_pool));
        }
        Ok(Self::with_replicas(primary, replicas, max_lag))
    }

    fn with_replicas(
        primary: PgPool,
        replicas: Vec<(String, PgPool, PgPool)>,
        max_lag: MaxLag,
    ) -> ReadPools {
        ReadPools {
            inner: Arc::new(Inner {
                primary,
                replicas: replicas
                    .into_iter()
                    .map(|(name, pool, check_pool)| Replica {
                        name,
                        pool,
                        check_pool,
                        seen: Mutex::new(Seen::default()),
                        reads: AtomicU64::new(0),
                        fallbacks: AtomicU64::new(0),
                    })
                    .collect(),
                max_lag,
                next: AtomicUsize::new(0),
                primary_reads: AtomicU64::new(0),
            }),
        }
    }

    /// The primary's pool.
    pub fn primary(&self) -> &PgPool {
        &self.inner.primary
    }

    /// Whether any replica is configured.
    pub fn has_replicas(&self) -> bool {
        !self.inner.replicas.is_empty()
    }

    /// The staleness bound.
    pub fn max_lag(&self) -> MaxLag {
        self.inner.max_lag
    }

    /// Reads that could have gone to a replica but were answered by the primary.
    pub fn primary_reads(&self) -> u64 {
        self.inner.primary_reads.load(Ordering::Relaxed)
    }

    /// Runs the read `run` on a fresh replica if `from` allows it and there is one, else on
    /// the primary; a read that fails on the replica is asked again on the primary (see
    /// [`OnReplicaError`]).
    pub async fn read<T, E, F, Fut>(&self, from: ReadFrom, run: F) -> Result<T, E>
    where
        F: Fn(PgPool) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: ReadFailure,
    {
        if from == ReadFrom::FreshReplica {
            if let Some(replica) = self.pick() {
                replica.reads.fetch_add(1, Ordering::Relaxed);
                match run(replica.pool.clone()).await {
                    Err(err) => match err.on_replica() {
                        OnReplicaError::Keep => return Err(err),
                        OnReplicaError::SetAside => {
                            replica.fallbacks.fetch_add(1, Ordering::Relaxed);
                            self.set_aside(replica, &err);
                        }
                        OnReplicaError::AskPrimary => {
                            replica.fallbacks.fetch_add(1, Ordering::Relaxed);
                            tracing::debug!(replica = %replica.name, error = %err, "a read failed on the replica; asking the primary");
                        }
                    },
                    done => return done,
                }
            }
            self.inner.primary_reads.fetch_add(1, Ordering::Relaxed);
        }
        run(self.inner.primary.clone()).await
    }

    /// The next fresh replica in turn, if any.
    fn pick(&self) -> Option<&Replica> {
        let replicas = &self.inner.replicas;
        if replicas.is_empty() {
            return None;
        }
        let now = Instant::now();
        let start = self.inner.next.fetch_add(1, Ordering::Relaxed);
        (0..replicas.len())
            .map(|k| &replicas[(start + k) % replicas.len()])
            .find(|r| lock(&r.seen).usable(now, self.inner.max_lag))
    }

    fn set_aside(&self, replica: &Replica, err: &dyn fmt::Display) {
        let mut seen = lock(&replica.seen);
        if !seen.set_aside {
            seen.set_aside = true;
            seen.logged_in_use = Some(false);
            tracing::warn!(replica = %replica.name, error = %err,
                "Lesereplikat nicht erreichbar, Lesezugriffe gehen an die Primärdatenbank / replica unreachable, reads go to the primary");
        }
    }

    /// Checks every replica now, once (the watch does this all the time).
    pub async fn check_now(&self) {
        for i in 0..self.inner.replicas.len() {
            self.check(i).await;
        }
    }

    /// Keeps checking every replica, each in its own task (a hanging replica delays only
    /// its own checks); ends when every returned task is aborted.
    pub fn watch(&self) -> Vec<tokio::task::JoinHandle<()>> {
        let every = check_interval(self.inner.max_lag);
        (0..self.inner.replicas.len())
            .map(|i| {
                let pools = self.clone();
                tokio::spawn(async move {
                    let mut tick = tokio::time::interval(every);
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    loop {
                        tick.tick().await;
                        pools.check(i).await;
                    }
                })
            })
            .collect()
    }

    /// One check of replica `i`: the primary's position, then the replica's.
    async fn check(&self, i: usize) {
        let replica = &self.inner.replicas[i];
        let max_lag = self.inner.max_lag;
        let at = Instant::now();
        match tokio::time::timeout(CHECK_TIMEOUT, primary_position(&self.inner.primary)).await {
            Ok(Ok(lsn)) => lock(&replica.seen).note_primary(at, lsn, max_lag),
            // Without the primary nothing is fresh: the replica ages out of use.
            Ok(Err(err)) => {
                tracing::debug!(error = %err, "replica check: the primary's position is unknown")
            }
            Err(_) => tracing::debug!("replica check: the primary did not answer in time"),
        }
        let target = lock(&replica.seen).samples.back().map(|(_, lsn)| *lsn);
        let outcome = tokio::time::timeout(CHECK_TIMEOUT, async {
            let started = Instant::now();
            loop {
                let (standby, replayed) = replay_position(&replica.check_pool).await?;
                let caught_up = target.is_none_or(|t| replayed.is_some_and(|r| r >= t));
                if !standby || caught_up || started.elapsed() >= CATCH_UP_PATIENCE {
                    return Ok::<_, sqlx::Error>((standby, replayed));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        let mut seen = lock(&replica.seen);
        seen.checked = true;
        match outcome {
            Ok(Ok((true, Some(replayed)))) => {
                seen.problem = None;
                seen.set_aside = false;
                seen.note_replayed(replayed);
            }
            Ok(Ok(_)) => {
                seen.problem =
                    Some("keine Standby-Datenbank (befördert?) / not a standby (promoted?)".into());
            }
            Ok(Err(err)) => seen.problem = Some(format!("nicht erreichbar / unreachable: {err}")),
            Err(_) => {
                seen.problem = Some(format!(
                    "keine Antwort in {} ms / no answer within {} ms",
                    CHECK_TIMEOUT.as_millis(),
                    CHECK_TIMEOUT.as_millis()
                ));
            }
        }
        let now = Instant::now();
        let in_use = seen.usable(now, max_lag);
        if seen.logged_in_use != Some(in_use) {
            seen.logged_in_use = Some(in_use);
            let lag_ms = seen.staleness(now).map(|d| d.as_millis());
            if in_use {
                tracing::info!(replica = %replica.name, ?lag_ms, max_lag = %max_lag,
                    "Lesereplikat in Gebrauch / replica in use");
            } else {
                let reason = seen.problem.clone().unwrap_or_else(|| {
                    format!("weiter zurück als {max_lag} / further behind than {max_lag}")
                });
                tracing::warn!(replica = %replica.name, ?lag_ms, max_lag = %max_lag, %reason,
                    "Lesereplikat nicht in Gebrauch, Lesezugriffe gehen an die Primärdatenbank / replica not in use, reads go to the primary");
            }
        }
    }

    /// Every replica's state now.
    pub fn status(&self) -> Vec<ReplicaStatus> {
        let now = Instant::now();
        self.inner
            .replicas
            .iter()
            .map(|r| {
                let seen = lock(&r.seen);
                let problem = if seen.usable(now, self.inner.max_lag) {
                    None
                } else if let Some(problem) = &seen.problem {
                    Some(problem.clone())
                } else if seen.set_aside {
                    Some("nicht erreichbar / unreachable".into())
                } else if !seen.checked {
                    Some("noch nicht geprüft / not checked yet".into())
                } else {
                    Some(format!(
                        "weiter zurück als {0} / further behind than {0}",
                        self.inner.max_lag
                    ))
                };
                ReplicaStatus {
                    name: r.name.clone(),
                    in_use: problem.is_none(),
                    reachable: seen.checked && seen.problem.is_none() && !seen.set_aside,
                    lag: seen.staleness(now),
                    lag_bytes: seen.lag_bytes,
                    problem,
                    reads: r.reads.load(Ordering::Relaxed),
                    fallbacks: r.fallbacks.load(Ordering::Relaxed),
                }
            })
            .collect()
    }

    /// Closes every replica pool (the primary's belongs to the caller).
    pub async fn close(&self) {
        for replica in &self.inner.replicas {
            replica.pool.close().await;
            replica.check_pool.close().await;
        }
    }
}

fn lock(seen: &Mutex<Seen>) -> MutexGuard<'_, Seen> {
    // The state is plain data, updated whole; a panic elsewhere cannot leave it half-done.
    seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The primary's flushed WAL position, in bytes.
async fn primary_position(primary: &PgPool) -> Result<u64, sqlx::Error> {
    let lsn = sqlx::query_scalar!(
        r#"select (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::int8 as "lsn!""#
    )
    .fetch_one(primary)
    .await?;
    Ok(u64::try_from(lsn).unwrap_or(0))
}

/// Whether the server is a standby, and how far it has replayed (bytes).
async fn replay_position(replica: &PgPool) -> Result<(bool, Option<u64>), sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select pg_is_in_recovery() as "standby!",
               (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::int8 as replayed
        "#
    )
    .fetch_one(replica)
    .await?;
    Ok((
        row.standby,
        row.replayed.and_then(|r| u64::try_from(r).ok()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_checked_twice_within_the_bound_and_at_least_every_half_second() {
        let lag = |text: &str| text.parse::<MaxLag>().unwrap();
        assert_eq!(check_interval(MaxLag::DEFAULT), Duration::from_millis(500));
        assert_eq!(check_interval(lag("60s")), Duration::from_millis(500));
        assert_eq!(check_interval(lag("200ms")), Duration::from_millis(100));
    }

    #[test]
    fn a_replica_is_fresh_as_of_the_newest_primary_position_it_has_replayed() {
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let samples: VecDeque<_> = [(at(0), 100), (at(500), 200), (at(1000), 300)].into();
        assert_eq!(fresh_as_of(&samples, 300), Some(at(1000)), "caught up");
        assert_eq!(fresh_as_of(&samples, 350), Some(at(1000)));
        assert_eq!(fresh_as_of(&samples, 299), Some(at(500)), "just short");
        assert_eq!(fresh_as_of(&samples, 100), Some(at(0)));
        assert_eq!(fresh_as_of(&samples, 99), None, "behind everything noted");
    }

    #[test]
    fn an_idle_replica_that_has_everything_stays_fresh_and_a_stuck_one_ages_out() {
        let max_lag = MaxLag::DEFAULT;
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let mut seen = Seen {
            checked: true,
            ..Seen::default()
        };
        // Idle: the primary does not move, and the replica has its position.
        for ms in [0, 500, 1000, 1500, 2000] {
            seen.note_primary(at(ms), 4242, max_lag);
            seen.note_replayed(4242);
        }
        assert!(seen.usable(at(2100), max_lag), "no write, no lag");
        assert_eq!(seen.lag_bytes, Some(0));
        // Now the primary moves on and the replica stays where it was.
        for ms in [2500, 3000, 3500] {
            seen.note_primary(at(ms), 5000 + ms, max_lag);
            seen.note_replayed(4242);
        }
        assert!(seen.usable(at(2900), max_lag), "within the bound");
        assert!(!seen.usable(at(3100), max_lag), "more than 1 s behind");
        assert_eq!(seen.lag_bytes, Some(5000 + 3500 - 4242));
        // It catches up: fresh again.
        seen.note_primary(at(4000), 9000, max_lag);
        seen.note_replayed(9000);
        assert!(seen.usable(at(4100), max_lag));
    }

    #[test]
    fn an_unreachable_or_set_aside_replica_is_not_used_however_fresh() {
        let max_lag = MaxLag::DEFAULT;
        let now = Instant::now();
        let mut seen = Seen {
            fresh_as_of: Some(now),
            checked: true,
            ..Seen::default()
        };
        assert!(seen.usable(now, max_lag));
        seen.set_aside = true;
        assert!(!seen.usable(now, max_lag));
        seen.set_aside = false;
        seen.problem = Some("unreachable".into());
        assert!(!seen.usable(now, max_lag));
        assert!(
            !Seen::default().usable(now, max_lag),
            "unknown is not fresh"
        );
    }

    #[test]
    fn old_primary_positions_are_forgotten() {
        let max_lag = MaxLag::DEFAULT;
        let t0 = Instant::now();
        let mut seen = Seen::default();
        for s in 0..100u64 {
            seen.note_primary(t0 + Duration::from_millis(500 * s), s, max_lag);
        }
        assert!(
            seen.samples.len() <= 10,
            "only what the bound can use: {}",
            seen.samples.len()
        );
    }

    #[test]
    fn connection_failures_set_a_replica_aside_and_missing_rows_stand() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(
            sqlx::Error::Io(refused).on_replica(),
            OnReplicaError::SetAside
        );
        assert_eq!(
            sqlx::Error::PoolTimedOut.on_replica(),
            OnReplicaError::SetAside
        );
        assert_eq!(sqlx::Error::RowNotFound.on_replica(), OnReplicaError::Keep);
        assert_eq!(
            sqlx::Error::ColumnNotFound("reuse_count".into()).on_replica(),
            OnReplicaError::AskPrimary,
            "a migration the replica has not replayed yet"
        );
    }

    #[tokio::test]
    async fn without_replicas_every_read_goes_to_the_primary() {
        let primary = PgPoolOptions::new()
            .connect_lazy("postgres://nobody@127.0.0.1:9/none")
            .unwrap();
        let reads = ReadPools::primary_only(primary);
        assert!(!reads.has_replicas());
        let answer: Result<&str, sqlx::Error> = reads
            .read(ReadFrom::FreshReplica, |_pool| async { Ok("primary") })
            .await;
        assert_eq!(answer.unwrap(), "primary");
        assert_eq!(reads.primary_reads(), 1);
        assert!(reads.status().is_empty());
    }

    #[tokio::test]
    async fn a_replica_url_that_cannot_be_read_is_refused_with_its_position() {
        let primary = PgPoolOptions::new()
            .connect_lazy("postgres://nobody@127.0.0.1:9/none")
            .unwrap();
        let err = ReadPools::connect(
            primary,
            &[
                "postgres://a@127.0.0.1:5433/k".into(),
                "postgres://a@127.0.0.1:kein-port/k".into(),
            ],
            MaxLag::DEFAULT,
        )
        .err()
        .expect("refused");
        assert_eq!(err.position, 2);
    }
}
