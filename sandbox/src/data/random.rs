//! A small deterministic pseudo-random generator (splitmix64).
//!
//! The world must be the same on every machine and every run for a given seed, so the
//! generator is written here rather than taken from a crate whose algorithm may change.

/// The splitmix64 generator: one 64-bit state, fast, and good enough for synthetic data.
#[derive(Debug, Clone)]
pub(super) struct Rng {
    state: u64,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 output function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator for one part of the world (`label`), independent of the other parts:
    /// changing how the schools are drawn does not change the persons.
    pub(super) fn stream(seed: u64, label: &str) -> Self {
        let mut state = mix(seed ^ GOLDEN);
        for byte in label.bytes() {
            state = mix(state ^ u64::from(byte));
        }
        Rng { state }
    }

    /// The next 64 random bits.
    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// A number in `0..n` (`n` > 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0, "below(0)");
        // Lemire's multiply-shift; the bias is far below anything a workshop can notice.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi, "range({lo}, {hi})");
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// An index in `0..n` (`n` > 0).
    pub(super) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// True with a chance of `percent` in a hundred.
    pub(super) fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < u64::from(percent)
    }

    /// One element of a non-empty slice.
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An index drawn with the given weights (at least one of them positive).
    pub(super) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut draw = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if draw < u64::from(w) {
                return i;
            }
            draw -= u64::from(w);
        }
        weights.len() - 1
    }

    /// Shuffle a slice in place (Fisher–Yates).
    pub(super) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }

    /// `n` decimal digits, the first of them not a zero.
    pub(super) fn digits(&mut self, n: usize) -> String {
        let mut out = String::with_capacity(n);
        for i in 0..n {
            let digit = if i == 0 {
                1 + self.below(9)
            } else {
                self.below(10)
            };
            out.push(char::from(b'0' + digit as u8));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = {
            let mut r = Rng::stream(7, "persons");
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::stream(7, "persons");
            (0..5).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = Rng::stream(7, "schools");
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn ranges_stay_in_bounds() {
        let mut r = Rng::stream(1, "test");
        for _ in 0..10_000 {
            let x = r.range(-3, 4);
            assert!((-3..=4).contains(&x));
        }
        assert_eq!(r.range(5, 5), 5);
        let d = r.digits(12);
        assert_eq!(d.len(), 12);
        assert!(!d.starts_with('0'));
        assert_eq!(r.weighted(&[0, 3, 0]), 1);
    }
}
