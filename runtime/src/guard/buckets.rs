//! Token buckets in memory, by key (a client's address, a phone number), and the
//! lock-outs of accounts after failed sign-ins. Nothing is stored: a restart forgets
//! them, which costs a guesser nothing it did not have.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::settings::Rate;

/// Buckets kept before the full ones are forgotten (a full bucket is the same as none).
const KEPT: usize = 50_000;

/// One bucket: the tokens it had at `at`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by key.
#[derive(Debug, Default)]
pub struct Buckets {
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    /// Take a token from `key`'s bucket of `rate`: `Ok`, or how long until one is free.
    pub fn take(&self, key: &str, rate: Rate, now: Instant) -> Result<(), Duration> {
        self.update(key, rate, now, 1.0)
    }

    /// Take `n` tokens at once (bytes): `Ok`, or how long until there are that many (a
    /// request larger than the burst is never allowed: the wait is the whole burst's).
    pub fn take_n(&self, key: &str, rate: Rate, now: Instant, n: u64) -> Result<(), Duration> {
        self.update(key, rate, now, n as f64)
    }

    /// Whether `key`'s bucket has a token now, without taking it: `Ok`, or how long
    /// until one is free.
    pub fn peek(&self, key: &str, rate: Rate, now: Instant) -> Result<(), Duration> {
        self.update(key, rate, now, 0.0)
    }

    /// Refill `key`'s bucket to `now` and take `cost` tokens when it has them (`cost` 0:
    /// only whether it has one).
    fn update(&self, key: &str, rate: Rate, now: Instant, cost: f64) -> Result<(), Duration> {
        let mut all = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let burst = f64::from(rate.burst);
        let every = rate.every.as_secs_f64().max(f64::MIN_POSITIVE);
        if all.len() >= KEPT && !all.contains_key(key) {
            all.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() / every < burst
            });
        }
        let b = all.entry(key.to_string()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let regained = now.saturating_duration_since(b.at).as_secs_f64() / every;
        b.tokens = (b.tokens + regained).min(burst);
        b.at = now;
        let needed = cost.max(1.0).min(burst);
        if b.tokens >= needed && cost <= burst {
            b.tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((needed - b.tokens).max(0.0) * every).max(rate.every))
        }
    }
}

/// One account's failed sign-ins.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    locked_until: Option<Instant>,
}

/// The lock-outs of accounts after failed sign-ins, by account name.
#[derive(Debug, Default)]
pub struct Lockouts {
    accounts: Mutex<HashMap<String, Failures>>,
}

impl Lockouts {
    /// `Ok` when `name` may try to sign in now, else how long it is locked.
    pub fn check(&self, name: &str, now: Instant) -> Result<(), Duration> {
        let all = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        match all.get(name).and_then(|f| f.locked_until) {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// A failed sign-in to `name`: from the `after`-th on, the account is locked for
    /// `first`, doubled at each further failure up to `max`.
    pub fn failed(&self, name: &str, now: Instant, after: u32, first: Duration, max: Duration) {
        let mut all = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        if all.len() >= KEPT && !all.contains_key(name) {
            all.retain(|_, f| f.locked_until.is_some_and(|u| u > now));
        }
        let f = all.entry(name.to_string()).or_insert(Failures {
            count: 0,
            locked_until: None,
        });
        f.count = f.count.saturating_add(1);
        if f.count >= after.max(1) {
            let doublings = (f.count - after.max(1)).min(20);
            let lock = first.saturating_mul(1 << doublings).min(max);
            f.locked_until = Some(now + lock);
        }
    }

    /// A successful sign-in to `name`: its failures are forgotten.
    pub fn succeeded(&self, name: &str) {
        self.accounts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_one_per_period() {
        let b = Buckets::default();
        let rate = Rate::new(3, Duration::from_secs(10));
        let t = Instant::now();
        for _ in 0..3 {
            assert_eq!(b.take("a", rate, t), Ok(()));
        }
        let wait = b.take("a", rate, t).unwrap_err();
        assert!(wait > Duration::from_secs(9) && wait <= Duration::from_secs(10));
        assert_eq!(
            b.take("b", rate, t),
            Ok(()),
            "another key has its own bucket"
        );
        assert_eq!(b.peek("a", rate, t + Duration::from_secs(10)), Ok(()));
        assert_eq!(
            b.peek("a", rate, t + Duration::from_secs(10)),
            Ok(()),
            "a peek takes nothing"
        );
        assert_eq!(b.take("a", rate, t + Duration::from_secs(10)), Ok(()));
        assert!(b.take("a", rate, t + Duration::from_secs(10)).is_err());
    }

    #[test]
    fn bytes_are_taken_by_the_many() {
        let b = Buckets::default();
        let rate = Rate::new(100, Duration::from_millis(10));
        let t = Instant::now();
        assert_eq!(b.take_n("c", rate, t, 60), Ok(()));
        let wait = b.take_n("c", rate, t, 60).unwrap_err();
        assert_eq!(wait, Duration::from_millis(200));
        assert!(
            b.take_n("d", rate, t, 101).is_err(),
            "more than the burst, never"
        );
    }

    #[test]
    fn an_account_is_locked_after_its_failures_for_longer_each_time() {
        let l = Lockouts::default();
        let (first, max) = (Duration::from_secs(30), Duration::from_secs(100));
        let t = Instant::now();
        for _ in 0..4 {
            l.failed("clerk", t, 5, first, max);
        }
        assert_eq!(l.check("clerk", t), Ok(()));
        l.failed("clerk", t, 5, first, max);
        assert_eq!(l.check("clerk", t), Err(first));
        l.failed("clerk", t, 5, first, max);
        assert_eq!(l.check("clerk", t), Err(first * 2));
        for _ in 0..5 {
            l.failed("clerk", t, 5, first, max);
        }
        assert_eq!(l.check("clerk", t), Err(max));
        assert_eq!(l.check("other", t), Ok(()));
        l.succeeded("clerk");
        assert_eq!(l.check("clerk", t), Ok(()));
    }
}
