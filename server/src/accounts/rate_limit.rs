//! Rate limits in memory: sliding windows per key (an IP address, a token) and the
//! progressive delays of password guesses ([`PasswordAttempts`]).
//! Each server process keeps its own counts; behind a load balancer the effective limit is
//! at most the number of processes times the limit, which still stops guessing.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys remembered before old ones are swept out.
const SWEEP_ABOVE: usize = 10_000;

/// At most `max` events per key within `window`.
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limit of `max` events per `window`.
    pub fn new(max: usize, window: Duration) -> Self {
        RateLimiter {
            max,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `Err(wait)` when `key` has used up its events: how long until the oldest one leaves
    /// the window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut events = self.lock();
        let Some(times) = events.get_mut(key) else {
            return Ok(());
        };
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= self.max {
            let oldest = *times.front().expect("max is at least one");
            return Err(self
                .window
                .saturating_sub(now.duration_since(oldest))
                .max(Duration::from_secs(1)));
        }
        Ok(())
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut events = self.lock();
        if events.len() > SWEEP_ABOVE {
            let window = self.window;
            events.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let times = events.entry(key.to_owned()).or_default();
        times.push_back(now);
        while times.len() > self.max {
            times.pop_front();
        }
    }

    /// Checks and counts in one step (for events limited whatever their outcome).
    pub fn hit(&self, key: &str) -> Result<(), Duration> {
        self.check(key)?;
        self.record(key);
        Ok(())
    }

    /// Forgets `key` (after a successful login, its failures no longer count).
    pub fn clear(&self, key: &str) {
        self.lock().remove(key);
    }
}

/// Password guesses before an (account, address) pair has to wait between attempts.
pub const PAIR_FREE: u32 = 5;
/// Failures of an account (from any address) before every address that has failed for it
/// waits too: a guessing botnet gets one free guess per address, then the account's pace.
pub const ACCOUNT_FREE: u32 = 10;
/// Failures from one address (on any accounts) before it waits for accounts it has not
/// logged into before: offices behind one address keep working, spraying slows down.
pub const ADDRESS_FREE: u32 = 30;
/// The first wait; each further failure doubles it.
pub const FIRST_DELAY: Duration = Duration::from_secs(5);
/// The longest wait between two guesses: a delay, never a lock.
pub const LONGEST_DELAY: Duration = Duration::from_secs(15 * 60);
/// Failures are forgotten after this long without a new one.
pub const FORGET_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// A successful login makes its (account, address) pair known for this long.
pub const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Entries per table before the oldest are dropped (bounds memory under a flood).
const MAX_ENTRIES: usize = 100_000;

/// The wait after `count` failures when `free` of them cost nothing.
fn delay(count: u32, free: u32) -> Duration {
    if count < free {
        return Duration::ZERO;
    }
    let doublings = (count - free).min(16);
    FIRST_DELAY
        .saturating_mul(1 << doublings)
        .min(LONGEST_DELAY)
}

/// Failures of one key: how many, and when the last one was.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// How long from `now` until `delay` has passed since the last failure.
    fn remaining(&self, delay: Duration, now: Instant) -> Duration {
        delay.saturating_sub(now.saturating_duration_since(self.last))
    }
}

#[derive(Debug, Default)]
struct Attempts {
    /// Failures per (account, address).
    pairs: HashMap<(String, String), Failures>,
    /// Failures per account, from any address.
    accounts: HashMap<String, Failures>,
    /// Failures per address, on any account.
    addresses: HashMap<String, Failures>,
    /// (account, address) pairs with a successful login, and when.
    known: HashMap<(String, String), Instant>,
}

/// Counts a failure in `table`, forgetting stale counts and bounding the table's size.
fn count_failure<K: std::hash::Hash + Eq + Clone>(
    table: &mut HashMap<K, Failures>,
    key: &K,
    now: Instant,
) {
    let fresh = |f: &Failures| now.saturating_duration_since(f.last) < FORGET_AFTER;
    if table.len() >= MAX_ENTRIES && !table.contains_key(key) {
        table.retain(|_, f| fresh(f));
        if table.len() >= MAX_ENTRIES {
            let mut lasts: Vec<Instant> = table.values().map(|f| f.last).collect();
            let (_, median, _) = lasts.select_nth_unstable(MAX_ENTRIES / 2);
            let median = *median;
            table.retain(|_, f| f.last > median);
        }
    }
    let entry = table.entry(key.clone()).or_insert(Failures {
        count: 0,
        last: now,
    });
    if !fresh(entry) {
        entry.count = 0;
    }
    entry.count = entry.count.saturating_add(1);
    entry.last = now;
}

/// Progressive delays for password guesses, on every prompt that asks for a password
/// (login, password change, account deletion).
///
/// Nothing is ever locked: an attempt is either evaluated now or after a wait of at most
/// [`LONGEST_DELAY`], and the wait only ever falls on addresses that have guessed wrong.
///
/// - Per (account, address): [`PAIR_FREE`] failures are free, then each attempt waits
///   5 s, 10 s, 20 s … (at most 15 minutes) after the previous failure of that pair.
/// - Per account: after [`ACCOUNT_FREE`] failures from any addresses, every address that
///   has failed for the account waits by the account's count as well. An address without
///   failures for the account (the owner's, typically) is not slowed by other addresses'
///   failures, so an attacker cannot lock the owner out.
/// - Per address: after [`ADDRESS_FREE`] failures on any accounts, the address waits for
///   every account it has not logged into during the last [`KNOWN_FOR`]; colleagues behind
///   the same address who logged in before are not affected.
///
/// A success clears its pair's failures and makes the pair known; a known pair only ever
/// waits for its own failures. Counts are forgotten [`FORGET_AFTER`] after the last failure.
/// So a guesser gets about a hundred guesses per pair and day, plus one per fresh address.
#[derive(Debug, Default)]
pub struct PasswordAttempts {
    state: Mutex<Attempts>,
}

impl PasswordAttempts {
    /// No failures yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Attempts> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Before a password for `account` from `address` is checked: `Err(wait)` (rounded up
    /// to whole seconds) when it must not be checked yet; otherwise the attempt is counted
    /// as a failure right away, so parallel requests cannot all slip through before the
    /// first answer. [`PasswordAttempts::succeeded`] takes it back.
    pub fn begin(&self, account: &str, address: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut state = self.lock();
        wait_in(&state, account, address, now)?;
        count_in(&mut state, account, address, now);
        Ok(())
    }

    /// The password was right: the attempt is not a failure, the pair's failures are
    /// forgotten and the pair is known from now on.
    pub fn succeeded(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut state = self.lock();
        let key = (account.to_owned(), address.to_owned());
        state.pairs.remove(&key);
        if let Some(failures) = state.accounts.get_mut(account) {
            failures.count = failures.count.saturating_sub(1);
        }
        if let Some(failures) = state.addresses.get_mut(address) {
            failures.count = failures.count.saturating_sub(1);
        }
        if state.known.len() >= MAX_ENTRIES && !state.known.contains_key(&key) {
            state
                .known
                .retain(|_, at| now.saturating_duration_since(*at) < KNOWN_FOR);
            if state.known.len() >= MAX_ENTRIES {
                let mut times: Vec<Instant> = state.known.values().copied().collect();
                let (_, median, _) = times.select_nth_unstable(MAX_ENTRIES / 2);
                let median = *median;
                state.known.retain(|_, at| *at > median);
            }
        }
        state.known.insert(key, now);
    }

    #[cfg(test)]
    fn check_at(&self, account: &str, address: &str, now: Instant) -> Result<(), Duration> {
        wait_in(&self.lock(), account, address, now)
    }

    #[cfg(test)]
    fn failed_at(&self, account: &str, address: &str, now: Instant) {
        count_in(&mut self.lock(), account, address, now);
    }

    #[cfg(test)]
    fn known_at(&self, account: &str, address: &str, now: Instant) {
        self.lock()
            .known
            .insert((account.to_owned(), address.to_owned()), now);
    }
}

/// `Err(wait)` when a password for `account` from `address` must wait (see [`PasswordAttempts`]).
fn wait_in(state: &Attempts, account: &str, address: &str, now: Instant) -> Result<(), Duration> {
    let pair_key = (account.to_owned(), address.to_owned());
    let fresh = |f: &&Failures| now.saturating_duration_since(f.last) < FORGET_AFTER;
    let pair = state.pairs.get(&pair_key).filter(fresh);
    let known = state
        .known
        .get(&pair_key)
        .is_some_and(|at| now.saturating_duration_since(*at) < KNOWN_FOR);
    let mut wait = pair.map_or(Duration::ZERO, |p| {
        p.remaining(delay(p.count, PAIR_FREE), now)
    });
    if !known {
        if let (Some(pair), Some(overall)) = (pair, state.accounts.get(account).filter(fresh)) {
            // Measured from this pair's own last failure: other addresses' failures set
            // the pace but cannot keep this address waiting forever.
            wait = wait.max(pair.remaining(delay(overall.count, ACCOUNT_FREE), now));
        }
        if let Some(from_address) = state.addresses.get(address).filter(fresh) {
            wait = wait.max(from_address.remaining(delay(from_address.count, ADDRESS_FREE), now));
        }
    }
    if wait.is_zero() {
        Ok(())
    } else {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Err(Duration::from_secs(seconds.max(1)))
    }
}

/// Counts a failure for the pair, the account and the address.
fn count_in(state: &mut Attempts, account: &str, address: &str, now: Instant) {
    count_failure(
        &mut state.pairs,
        &(account.to_owned(), address.to_owned()),
        now,
    );
    count_failure(&mut state.accounts, &account.to_owned(), now);
    count_failure(&mut state.addresses, &address.to_owned(), now);
}

/// The limits of one server process.
#[derive(Debug)]
pub struct Limits {
    /// Password guesses on every prompt (login, password change, account deletion).
    pub passwords: PasswordAttempts,
    /// Registrations per IP address.
    pub register_per_ip: RateLimiter,
    /// Failed token authentications per IP address (valid tokens always pass).
    pub token_failures_per_ip: RateLimiter,
    /// Requests per API token.
    pub token_use: RateLimiter,
}

impl Default for Limits {
    fn default() -> Self {
        let quarter_hour = Duration::from_secs(15 * 60);
        Limits {
            passwords: PasswordAttempts::new(),
            register_per_ip: RateLimiter::new(10, Duration::from_secs(60 * 60)),
            token_failures_per_ip: RateLimiter::new(20, quarter_hour),
            token_use: RateLimiter::new(600, Duration::from_secs(60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_after_the_limit_waits_for_the_window() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(limiter.hit("1.2.3.4").is_ok());
        }
        let wait = limiter.hit("1.2.3.4").unwrap_err();
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(
            limiter.check("5.6.7.8").is_ok(),
            "other keys are not affected"
        );
        limiter.clear("1.2.3.4");
        assert!(limiter.check("1.2.3.4").is_ok());
    }

    #[test]
    fn events_leave_the_window() {
        let limiter = RateLimiter::new(1, Duration::from_millis(30));
        limiter.record("k");
        assert!(limiter.check("k").is_err());
        std::thread::sleep(Duration::from_millis(40));
        assert!(limiter.check("k").is_ok());
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_pair_waits_after_its_free_failures_and_the_wait_doubles() {
        let attempts = PasswordAttempts::new();
        let start = Instant::now();
        for _ in 0..PAIR_FREE {
            assert!(
                attempts
                    .check_at("anna@ulm.example", "10.0.0.9", start)
                    .is_ok()
            );
            attempts.failed_at("anna@ulm.example", "10.0.0.9", start);
        }
        assert_eq!(
            attempts.check_at("anna@ulm.example", "10.0.0.9", start),
            Err(secs(5))
        );
        assert!(
            attempts
                .check_at("anna@ulm.example", "10.0.0.9", start + secs(5))
                .is_ok()
        );
        attempts.failed_at("anna@ulm.example", "10.0.0.9", start + secs(5));
        assert_eq!(
            attempts.check_at("anna@ulm.example", "10.0.0.9", start + secs(5)),
            Err(secs(10))
        );
        assert!(
            attempts
                .check_at("anna@ulm.example", "10.0.0.1", start + secs(5))
                .is_ok(),
            "the owner's address passes"
        );
    }

    #[test]
    fn the_wait_never_exceeds_a_quarter_hour_and_failures_are_forgotten() {
        let attempts = PasswordAttempts::new();
        let start = Instant::now();
        for i in 0..40 {
            attempts.failed_at("a", "x", start + secs(i));
        }
        let wait = attempts.check_at("a", "x", start + secs(40)).unwrap_err();
        assert!(
            wait <= LONGEST_DELAY && wait > LONGEST_DELAY - secs(5),
            "{wait:?}"
        );
        assert!(
            attempts
                .check_at("a", "x", start + secs(39) + LONGEST_DELAY)
                .is_ok(),
            "a delay, not a lock"
        );
        assert!(
            attempts
                .check_at("a", "x", start + FORGET_AFTER + secs(40))
                .is_ok()
        );
    }

    #[test]
    fn many_failing_addresses_slow_each_other_but_not_a_fresh_one() {
        let attempts = PasswordAttempts::new();
        let now = Instant::now();
        for i in 0..ACCOUNT_FREE + 5 {
            attempts.failed_at("anna", &format!("10.1.0.{i}"), now);
        }
        assert!(
            attempts.check_at("anna", "10.1.0.0", now).is_err(),
            "an address that failed once waits"
        );
        assert!(
            attempts.check_at("anna", "192.0.2.1", now).is_ok(),
            "an address without failures does not"
        );
        attempts.succeeded("anna", "10.1.0.0");
        attempts.failed_at("anna", "10.1.0.0", now);
        assert!(
            attempts.check_at("anna", "10.1.0.0", now).is_ok(),
            "a known pair only waits for its own failures"
        );
    }

    #[test]
    fn an_address_guessing_many_accounts_waits_except_for_accounts_it_knows() {
        let attempts = PasswordAttempts::new();
        let now = Instant::now();
        attempts.known_at("kollegin", "203.0.113.7", now);
        for i in 0..ADDRESS_FREE {
            assert!(
                attempts
                    .check_at(&format!("opfer{i}"), "203.0.113.7", now)
                    .is_ok()
            );
            attempts.failed_at(&format!("opfer{i}"), "203.0.113.7", now);
        }
        assert!(attempts.check_at("noch-eins", "203.0.113.7", now).is_err());
        assert!(
            attempts.check_at("kollegin", "203.0.113.7", now).is_ok(),
            "a colleague who logged in here before"
        );
        assert!(
            attempts.check_at("noch-eins", "198.51.100.1", now).is_ok(),
            "other addresses"
        );
    }

    #[test]
    fn parallel_attempts_are_counted_before_they_are_answered_and_a_success_takes_its_own_back() {
        let attempts = PasswordAttempts::new();
        for _ in 0..PAIR_FREE {
            assert!(attempts.begin("anna", "10.0.0.9").is_ok());
        }
        assert!(
            attempts.begin("anna", "10.0.0.9").is_err(),
            "no answer yet, but the free attempts are used up"
        );
        attempts.succeeded("anna", "10.0.0.9");
        assert!(attempts.begin("anna", "10.0.0.9").is_ok());
        let state = attempts.lock();
        assert_eq!(
            state.accounts["anna"].count, PAIR_FREE,
            "the success does not count, the attempt after it does"
        );
    }
}
