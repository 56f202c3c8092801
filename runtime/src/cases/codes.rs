//! Numbers and codes: tracking and document numbers from their formats with the
//! store's counters, access and verification codes (kept only as salted hashes), and
//! random tokens.

use quickwin_blueprint::expr::Date;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub(crate) fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    // Without an OS source of randomness nothing here is safe to hand out.
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    buf
}

/// `n` random characters from an alphabet without look-alikes (no 0/O, 1/I/L).
/// `n` random capital letters and digits (no look-alikes).
pub fn random_token(n: usize) -> String {
    random_code(n)
}

pub(crate) fn random_code(n: usize) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    random_bytes(n)
        .into_iter()
        .map(|b| ALPHABET[b as usize % ALPHABET.len()] as char)
        .collect()
}

/// `salt$sha256(salt + code)`: access codes are never stored in clear.
pub(crate) fn hash_code(code: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{salt}{code}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{salt}${hex}")
}

pub(crate) fn code_matches(code: &str, stored: &str) -> bool {
    let Some((salt, _)) = stored.split_once('$') else {
        return false;
    };
    let candidate = hash_code(code.trim().to_uppercase().as_str(), salt);
    // Compare without stopping at the first difference.
    candidate.len() == stored.len()
        && candidate
            .bytes()
            .zip(stored.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The next value of a named counter.
pub(crate) fn next(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    crate::store::counters::next(conn, name)
}

/// A number from a format, with random letters where it asks for them.
pub fn format_number(
    format: &str,
    today: Date,
    seq: &mut dyn FnMut() -> rusqlite::Result<i64>,
) -> rusqlite::Result<String> {
    quickwin_blueprint::numbers::format_with(format, today, seq, &random_code)
}

/// A number from a format such as `BC-{year}-{seq:6}`, its counter advanced in the
/// caller's transaction. In a store seeded for a reproducible check run
/// ([`crate::store::counters::seed`]) the random letters come from the seed.
pub fn number(
    conn: &Connection,
    format: &str,
    counter: &str,
    today: Date,
) -> rusqlite::Result<String> {
    let Some(seed) = crate::store::counters::seeded(conn)? else {
        return format_number(format, today, &mut || next(conn, counter));
    };
    if !format.contains("{random") {
        return format_number(format, today, &mut || next(conn, counter));
    }
    let k = next(conn, crate::store::counters::RANDOM)? as u64;
    let part = std::cell::Cell::new(0u64);
    let random = |len: usize| {
        let p = part.get();
        part.set(p + 1);
        seeded_code(seed, k * 16 + p, len)
    };
    quickwin_blueprint::numbers::format_with(format, today, &mut || next(conn, counter), &random)
}

/// A submission's reference: what the calls made before a submission is stored name as
/// the case they are about (`X-Road-Issue`), since its tracking number is taken only
/// when it is stored — a submission an agency's answer refuses takes no number.
pub fn submission_reference() -> String {
    format!("SUB-{}", random_code(10))
}

/// The `n`th submission reference of `seed`: the same letters for the same pair.
pub fn seeded_reference(seed: u64, n: u64) -> String {
    format!("SUB-{}", seeded_code(seed, n, 10))
}

/// `len` letters and digits without look-alikes, the same for the same seed and `n`.
fn seeded_code(seed: u64, n: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    // splitmix64, enough to spread consecutive numbers over the alphabet.
    let mut x = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..len)
        .map(|_| {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            ALPHABET[(z % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE qw_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        )
        .unwrap();
        conn
    }

    #[test]
    fn a_seeded_store_draws_the_same_random_numbers_twice() {
        let day = Date::parse("2026-12-07").unwrap();
        let numbers = |seed: Option<u64>| -> Vec<String> {
            let conn = store();
            if let Some(seed) = seed {
                crate::store::counters::seed(&conn, seed).unwrap();
            }
            (0..3)
                .map(|_| number(&conn, "MA-{year}{month}-{random:6}", "tracking", day).unwrap())
                .collect()
        };
        let seeded = numbers(Some(7));
        assert_eq!(seeded, numbers(Some(7)));
        assert_ne!(seeded, numbers(Some(8)));
        assert!(
            seeded
                .iter()
                .all(|n| n.starts_with("MA-202612-") && n.len() == 16)
        );
        assert_eq!(
            seeded
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            3
        );
        // Unseeded, the letters come from the system's randomness.
        assert_ne!(numbers(None), numbers(None));
    }
}
