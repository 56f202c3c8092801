//! The mediator's rate limit per client subsystem: a token bucket each, refilled lazily
//! when the client calls, so that one client flooding the mediator cannot starve the
//! others. Buckets of clients idle long enough to be full again are dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How many calls a client may make: `per_second` on average, up to `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Calls per second, on average (at least 1).
    pub per_second: u32,
    /// Calls allowed at once after an idle spell (at least 1).
    pub burst: u32,
}

/// How often, at most, idle buckets are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Debug)]
struct Buckets {
    by_client: HashMap<String, Bucket>,
    swept: Instant,
}

/// The buckets of every client; no limit when made without a [`RateLimit`]. Cheap to
/// clone: clones share the buckets.
#[derive(Debug, Clone)]
pub struct Limiter {
    limit: Option<RateLimit>,
    buckets: Arc<Mutex<Buckets>>,
}

impl Limiter {
    /// A limiter applying `limit`, or none when `None`.
    pub fn new(limit: Option<RateLimit>) -> Limiter {
        Limiter {
            limit: limit.map(|l| RateLimit {
                per_second: l.per_second.max(1),
                burst: l.burst.max(1),
            }),
            buckets: Arc::new(Mutex::new(Buckets {
                by_client: HashMap::new(),
                swept: Instant::now(),
            })),
        }
    }

    /// Take a call from `client`'s bucket now: `Err` with the time until the next call
    /// is allowed when the bucket is empty.
    pub fn check(&self, client: &str) -> Result<(), Duration> {
        self.check_at(client, Instant::now())
    }

    /// [`Limiter::check`] at the instant `now`.
    pub fn check_at(&self, client: &str, now: Instant) -> Result<(), Duration> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let rate = f64::from(limit.per_second);
        let burst = f64::from(limit.burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if now.saturating_duration_since(buckets.swept) >= SWEEP_EVERY {
            // A bucket refilled to the brim is the same as none.
            buckets.by_client.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst
            });
            buckets.swept = now;
        }
        let bucket = buckets
            .by_client
            .entry(client.to_string())
            .or_insert(Bucket {
                tokens: burst,
                at: now,
            });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * rate;
        bucket.tokens = (bucket.tokens + refilled).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }

    /// How many clients have a bucket now.
    pub fn tracked(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_client
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_limit_lets_everything_through() {
        let l = Limiter::new(None);
        let now = Instant::now();
        assert!((0..10_000).all(|_| l.check_at("IQ/GOV/A/a", now).is_ok()));
        assert_eq!(l.tracked(), 0);
    }

    #[test]
    fn a_client_gets_its_burst_then_the_rate_and_others_are_not_held_back() {
        let l = Limiter::new(Some(RateLimit {
            per_second: 2,
            burst: 3,
        }));
        let t = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check_at("IQ/GOV/A/a", t), Ok(()));
        }
        let wait = l.check_at("IQ/GOV/A/a", t).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert_eq!(l.check_at("IQ/GOV/B/b", t), Ok(()));
        // Half a second brings one call back, not two.
        let later = t + Duration::from_millis(500);
        assert_eq!(l.check_at("IQ/GOV/A/a", later), Ok(()));
        assert!(l.check_at("IQ/GOV/A/a", later).is_err());
    }

    #[test]
    fn buckets_of_idle_clients_are_dropped() {
        let l = Limiter::new(Some(RateLimit {
            per_second: 1,
            burst: 5,
        }));
        let t = Instant::now();
        l.check_at("IQ/GOV/A/a", t).unwrap();
        l.check_at("IQ/GOV/B/b", t).unwrap();
        assert_eq!(l.tracked(), 2);
        let later = t + Duration::from_secs(30);
        l.check_at("IQ/GOV/C/c", later).unwrap();
        assert_eq!(l.tracked(), 1);
    }
}
