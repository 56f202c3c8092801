//! The service's guard: what keeps one client from wearing the service or its citizens
//! down. Per-client token buckets on guesses (sign-ins, access codes, verification
//! codes) and on submissions and uploads, a limit of text messages per phone number,
//! lock-outs of accounts after failed sign-ins ([`buckets`]), who the client is and
//! whether it came over HTTPS ([`client`]), the signed CSRF tokens of the pages, and
//! the settings of all of them ([`settings`]). Every refusal is a 429 with
//! `Retry-After`, told in the service's languages.

pub mod buckets;
pub mod client;
pub mod settings;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sha2::Sha256;

use crate::failure::{ApiError, Kind};
pub use client::Client;
pub use settings::{Rate, Settings};

/// What a bucket limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Failed sign-ins from one client.
    SignIn,
    /// Failed access-code look-ups from one client.
    AccessCode,
    /// Failed verification-code look-ups from one client.
    Verification,
    /// Submissions from one client.
    Submission,
    /// Uploads from one client.
    Upload,
    /// Text messages to one phone number.
    Sms,
}

impl Limit {
    fn name(self) -> &'static str {
        match self {
            Limit::SignIn => "sign-in",
            Limit::AccessCode => "access-code",
            Limit::Verification => "verification",
            Limit::Submission => "submission",
            Limit::Upload => "upload",
            Limit::Sms => "sms",
        }
    }
}

/// The guard of one service: its settings, buckets and lock-outs, and the key that
/// signs its CSRF tokens (new at every start).
#[derive(Debug)]
pub struct Guard {
    settings: Settings,
    buckets: buckets::Buckets,
    lockouts: buckets::Lockouts,
    key: String,
}

impl Default for Guard {
    fn default() -> Self {
        Guard::new(Settings::default())
    }
}

impl Guard {
    /// A guard with `settings`.
    pub fn new(settings: Settings) -> Guard {
        Guard {
            settings,
            buckets: buckets::Buckets::default(),
            lockouts: buckets::Lockouts::default(),
            key: crate::cases::random_token(32),
        }
    }

    /// Its settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn rate(&self, limit: Limit) -> Rate {
        let s = &self.settings;
        match limit {
            Limit::SignIn => s.sign_in,
            Limit::AccessCode => s.access_codes,
            Limit::Verification => s.verification,
            Limit::Submission => s.submissions,
            Limit::Upload => s.uploads,
            Limit::Sms => s.sms_per_phone,
        }
    }

    /// Count one `limit` for `key` (a client's [`Client::key`], a phone number): `Ok`,
    /// or the 429 to answer.
    pub fn take(&self, limit: Limit, key: &str) -> Result<(), ApiError> {
        let bucket = format!("{}:{key}", limit.name());
        self.buckets
            .take(&bucket, self.rate(limit), Instant::now())
            .map_err(|wait| too_many(limit, wait))
    }

    /// Count `bytes` uploaded by `key` (a client): `Ok`, or the 429 to answer.
    pub fn take_bytes(&self, key: &str, bytes: u64) -> Result<(), ApiError> {
        let bucket = format!("upload-bytes:{key}");
        self.buckets
            .take_n(&bucket, self.settings.upload_bytes, Instant::now(), bytes)
            .map_err(|wait| too_many(Limit::Upload, wait))
    }

    /// Whether `key` may try `limit` now (a guess is counted only when it fails, with
    /// [`Guard::take`]): `Ok`, or the 429 to answer.
    pub fn allows(&self, limit: Limit, key: &str) -> Result<(), ApiError> {
        let bucket = format!("{}:{key}", limit.name());
        self.buckets
            .peek(&bucket, self.rate(limit), Instant::now())
            .map_err(|wait| too_many(limit, wait))
    }

    /// Whether `client` may try to sign in as `account` now: `Ok`, or the 429 of the
    /// client's bucket or of the account's lock-out (then even the right password is
    /// refused).
    pub fn may_sign_in(&self, client: &Client, account: &str) -> Result<(), ApiError> {
        self.allows(Limit::SignIn, &client.key())?;
        self.lockouts
            .check(&account.to_lowercase(), Instant::now())
            .map_err(|wait| too_many(Limit::SignIn, wait))
    }

    /// A sign-in of `client` as `account` that failed (`false`) or succeeded.
    pub fn signed_in(&self, client: &Client, account: &str, ok: bool) {
        let account = account.to_lowercase();
        if ok {
            self.lockouts.succeeded(&account);
            return;
        }
        let _ = self.take(Limit::SignIn, &client.key());
        let s = &self.settings;
        self.lockouts.failed(
            &account,
            Instant::now(),
            s.lockout_after,
            s.lockout,
            s.lockout_max,
        );
    }

    /// A new CSRF token for the pages, bound to the staff session `session` (empty
    /// without one): a random part and its signature.
    pub fn csrf_token(&self, session: &str) -> String {
        let nonce = crate::cases::random_token(16);
        let mac = self.sign(&nonce, session);
        format!("{nonce}{mac}")
    }

    /// Whether `token` is one of this service's CSRF tokens for the staff session
    /// `session`.
    pub fn csrf_valid(&self, token: &str, session: &str) -> bool {
        if token.len() != 32 || !token.is_ascii() {
            return false;
        }
        let (nonce, mac) = token.split_at(16);
        let expected = self.sign(nonce, session);
        // Compared in constant time: the signature is what a guesser is after.
        expected
            .bytes()
            .zip(mac.bytes())
            .fold(0u8, |d, (a, b)| d | (a ^ b))
            == 0
    }

    /// HMAC-SHA256 of `nonce` and `session` under the guard's key, its first 16 hex
    /// digits.
    fn sign(&self, nonce: &str, session: &str) -> String {
        let message = format!("csrf\0{nonce}\0{session}");
        hmac(self.key.as_bytes(), message.as_bytes())[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The 429 of `limit`: wait `wait`, said in English and Arabic.
pub fn too_many(limit: Limit, wait: Duration) -> ApiError {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let minutes = seconds.div_ceil(60);
    let (en, ar) = match limit {
        Limit::SignIn => (
            "Too many failed sign-ins.",
            "محاولات تسجيل دخول فاشلة كثيرة جداً.",
        ),
        Limit::AccessCode | Limit::Verification => (
            "Too many wrong codes were tried.",
            "جُرّبت رموز خاطئة كثيرة جداً.",
        ),
        Limit::Submission => (
            "Too many applications were sent from here.",
            "أُرسلت طلبات كثيرة جداً من هنا.",
        ),
        Limit::Upload => (
            "Too many files were uploaded from here.",
            "رُفعت ملفات كثيرة جداً من هنا.",
        ),
        Limit::Sms => (
            "Too many messages were sent to this phone number.",
            "أُرسلت رسائل كثيرة جداً إلى رقم الهاتف هذا.",
        ),
    };
    let messages = BTreeMap::from([
        (
            "en".to_string(),
            format!(
                "{en} Please try again in {}.",
                quickwin_blueprint::plural::duration(minutes, "en")
            ),
        ),
        (
            "ar".to_string(),
            format!(
                "{ar} يرجى المحاولة مرة أخرى بعد {}.",
                quickwin_blueprint::plural::duration(minutes, "ar")
            ),
        ),
    ]);
    let mut e = ApiError::new(
        Kind::TooManyRequests,
        format!("too many requests; try again in {seconds} s"),
    )
    .with_messages(messages);
    e.retry_after = Some(seconds);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_csrf_token_holds_for_its_session_only() {
        let g = Guard::default();
        let token = g.csrf_token("session-a");
        assert!(g.csrf_valid(&token, "session-a"));
        assert!(!g.csrf_valid(&token, "session-b"));
        assert!(!g.csrf_valid(&token, ""));
        assert!(!g.csrf_valid(&"a".repeat(32), "session-a"));
        let other = Guard::default();
        assert!(!other.csrf_valid(&token, "session-a"), "another key");
    }

    #[test]
    fn a_refusal_says_when_to_come_back_in_both_languages() {
        let e = too_many(Limit::SignIn, Duration::from_millis(61_500));
        assert_eq!(e.retry_after, Some(62));
        assert!(
            e.message_in("en").contains("2 minutes"),
            "{}",
            e.message_in("en")
        );
        assert!(
            e.message_in("ar").contains("يرجى"),
            "{}",
            e.message_in("ar")
        );
    }
}
