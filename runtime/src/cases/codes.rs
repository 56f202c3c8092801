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
/// caller's transaction.
pub fn number(
    conn: &Connection,
    format: &str,
    counter: &str,
    today: Date,
) -> rusqlite::Result<String> {
    format_number(format, today, &mut || next(conn, counter))
}

/// A submission's reference: what the calls made before a submission is stored name as
/// the case they are about (`X-Road-Issue`), since its tracking number is taken only
/// when it is stored — a submission an agency's answer refuses takes no number.
pub fn submission_reference() -> String {
    format!("SUB-{}", random_code(10))
}

/// The `n`th submission reference of `seed`: the same letters for the same pair.
pub fn seeded_reference(seed: u64, n: u64) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    // splitmix64, enough to spread consecutive numbers over the alphabet.
    let mut x = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let code: String = (0..10)
        .map(|_| {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            ALPHABET[(z % ALPHABET.len() as u64) as usize] as char
        })
        .collect();
    format!("SUB-{code}")
}
