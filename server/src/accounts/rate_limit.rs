//! Sliding-window rate limits in memory, per key (an IP address, an account, a token).
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
        RateLimiter { max, window, events: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        self.events.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `Err(wait)` when `key` has used up its events: how long until the oldest one leaves
    /// the window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut events = self.lock();
        let Some(times) = events.get_mut(key) else { return Ok(()) };
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.max {
            let oldest = *times.front().expect("max is at least one");
            return Err(self.window.saturating_sub(now.duration_since(oldest)).max(Duration::from_secs(1)));
        }
        Ok(())
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut events = self.lock();
        if events.len() > SWEEP_ABOVE {
            let window = self.window;
            events.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < window));
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

/// The limits of one server process.
#[derive(Debug)]
pub struct Limits {
    /// Failed logins per account.
    pub login_per_account: RateLimiter,
    /// Failed logins per IP address (offices share addresses, hence higher).
    pub login_per_ip: RateLimiter,
    /// Registrations per IP address.
    pub register_per_ip: RateLimiter,
    /// Failed token authentications per IP address.
    pub token_failures_per_ip: RateLimiter,
    /// Requests per API token.
    pub token_use: RateLimiter,
}

impl Default for Limits {
    fn default() -> Self {
        let quarter_hour = Duration::from_secs(15 * 60);
        Limits {
            login_per_account: RateLimiter::new(5, quarter_hour),
            login_per_ip: RateLimiter::new(30, quarter_hour),
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
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60), "{wait:?}");
        assert!(limiter.check("5.6.7.8").is_ok(), "other keys are not affected");
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
}
