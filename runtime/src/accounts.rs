//! Back-office accounts and their sessions: passwords stored only as Argon2id hashes,
//! sessions as bearer tokens stored only as SHA-256 hashes, each with an expiry.

use std::collections::BTreeSet;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::cases::Actor;
use crate::store;
use quickwin_blueprint::model::{Blueprint, RoleKind};

/// A hash to verify against when the name is unknown.
static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::encode_b64(b"quickwin-dummy-salt")
        .unwrap_or_else(|_| SaltString::from_b64("cXVpY2t3aW5zYWx0").expect("a valid salt"));
    Argon2::default()
        .hash_password(random_hex(16).as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// How long a back-office session lasts: eight hours, a working day.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// The shortest password an account may have.
pub const MIN_PASSWORD: usize = 10;

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The name is taken.
    #[error("an account named `{0}` already exists")]
    Exists(String),
    /// The name is not usable.
    #[error("`{0}` is not a valid account name; use letters, digits, `.`, `-` and `_`")]
    BadName(String),
    /// The role is not a staff role of the blueprint.
    #[error("unknown staff role `{role}`; the blueprint's staff roles are {known}")]
    UnknownRole {
        /// The role given.
        role: String,
        /// The roles there are, in words.
        known: String,
    },
    /// The password is too short.
    #[error("the password must have at least {MIN_PASSWORD} characters")]
    WeakPassword,
    /// Name and password do not match an account (never says which was wrong).
    #[error("the name or the password is wrong")]
    BadCredentials,
    /// The token is unknown or expired.
    #[error("the session is unknown or has expired; sign in again")]
    BadSession,
    /// Hashing failed.
    #[error("the password could not be hashed")]
    Hash,
    /// The store failed.
    #[error("the store failed: {0}")]
    Store(#[from] rusqlite::Error),
}

fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    // Without an OS source of randomness nothing here is safe to hand out.
    getrandom::fill(&mut buf).expect("the operating system provides randomness");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Add an account with staff roles of the blueprint.
pub fn add_user(
    conn: &Connection,
    bp: &Blueprint,
    name: &str,
    roles: &[String],
    password: &str,
    now: &str,
) -> Result<(), AccountError> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(AccountError::BadName(name.to_string()));
    }
    let staff = bp.staff_roles();
    if let Some(role) = roles.iter().find(|r| !staff.contains(&r.as_str())) {
        return Err(AccountError::UnknownRole {
            role: role.clone(),
            known: quickwin_blueprint::de::all_of(staff.iter().copied()),
        });
    }
    if password.chars().count() < MIN_PASSWORD {
        return Err(AccountError::WeakPassword);
    }
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).expect("the operating system provides randomness");
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| AccountError::Hash)?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| AccountError::Hash)?
        .to_string();
    let roles: BTreeSet<&str> = roles.iter().map(String::as_str).collect();
    let roles = roles.into_iter().collect::<Vec<_>>().join(",");
    let inserted = store::accounts::insert_user(conn, name, &hash, &roles, now)?;
    if inserted == 0 {
        return Err(AccountError::Exists(name.to_string()));
    }
    Ok(())
}

/// Give an existing account a new password and these roles, or create it: for the
/// demo accounts `serve --demo` prints at every start.
pub fn put_user(
    conn: &Connection,
    bp: &Blueprint,
    name: &str,
    roles: &[String],
    password: &str,
    now: &str,
) -> Result<(), AccountError> {
    store::accounts::remove_user(conn, name)?;
    add_user(conn, bp, name, roles, password, now)
}

/// A demo account made by [`demo_accounts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// The staff role it holds.
    pub role: String,
    /// Its name: `demo.` and the role with dashes, e.g. `demo.billing-officer`.
    pub name: String,
    /// Its new password.
    pub password: String,
}

/// One account per staff role of `bp`, each with a new random password (for workshops:
/// `--demo` makes them anew at every start).
pub fn demo_accounts(
    conn: &Connection,
    bp: &Blueprint,
    now: &str,
) -> Result<Vec<DemoAccount>, AccountError> {
    let mut made = Vec::new();
    for role in bp.roles.iter().filter(|r| r.kind.value == RoleKind::Staff) {
        let name = format!("demo.{}", role.id.as_str().replace('_', "-"));
        let password = format!("demo-{}", super::cases::random_token(12).to_lowercase());
        put_user(
            conn,
            bp,
            &name,
            std::slice::from_ref(&role.id.value),
            &password,
            now,
        )?;
        made.push(DemoAccount {
            role: role.id.as_str().to_string(),
            name,
            password,
        });
    }
    Ok(made)
}

/// Check a name and password and open a session lasting `ttl_secs` from `now_secs`;
/// returns the bearer token (shown once, stored only hashed).
pub fn sign_in(
    conn: &Connection,
    name: &str,
    password: &str,
    now_secs: i64,
    ttl_secs: i64,
) -> Result<String, AccountError> {
    let found = store::accounts::user(conn, name)?;
    // Verify even for an unknown name, so the time taken does not tell names apart.
    let stored = found.as_ref().map_or(DUMMY.as_str(), |(_, h)| h.as_str());
    let ok = PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    });
    let Some((user, _)) = found.filter(|_| ok) else {
        return Err(AccountError::BadCredentials);
    };
    let token = random_hex(32);
    store::accounts::open_session(
        conn,
        &sha256_hex(&token),
        user,
        now_secs,
        now_secs + ttl_secs,
    )?;
    Ok(token)
}

/// The account behind a bearer token that has not expired.
pub fn authenticate(conn: &Connection, token: &str, now_secs: i64) -> Result<Actor, AccountError> {
    let found = store::accounts::session(conn, &sha256_hex(token.trim()), now_secs)?;
    let (name, roles) = found.ok_or(AccountError::BadSession)?;
    Ok(Actor {
        id: format!("staff:{name}"),
        roles: roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// End a session.
pub fn sign_out(conn: &Connection, token: &str) -> rusqlite::Result<()> {
    store::accounts::close_session(conn, &sha256_hex(token.trim()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp() -> Blueprint {
        crate::catalogue("birth-certificate")
    }

    #[test]
    fn accounts_sign_in_and_sessions_expire() {
        let mut conn = Connection::open_in_memory().unwrap();
        let bp = bp();
        crate::store::migrate(&mut conn, &bp, false, "t").unwrap();
        add_user(
            &conn,
            &bp,
            "huda.registrar",
            &["registrar".into()],
            "correct horse battery",
            "t",
        )
        .unwrap();
        assert!(matches!(
            add_user(
                &conn,
                &bp,
                "huda.registrar",
                &["clerk".into()],
                "another long one",
                "t"
            ),
            Err(AccountError::Exists(_))
        ));
        assert!(matches!(
            add_user(
                &conn,
                &bp,
                "x",
                &["applicant".into()],
                "long enough pw",
                "t"
            ),
            Err(AccountError::UnknownRole { .. })
        ));
        assert!(matches!(
            add_user(&conn, &bp, "x", &["clerk".into()], "short", "t"),
            Err(AccountError::WeakPassword)
        ));
        assert!(matches!(
            add_user(
                &conn,
                &bp,
                "bad name",
                &["clerk".into()],
                "long enough pw",
                "t"
            ),
            Err(AccountError::BadName(_))
        ));
        let stored: String = conn
            .query_row("SELECT password_hash FROM qw_users", [], |r| r.get(0))
            .unwrap();
        assert!(stored.starts_with("$argon2id$") && !stored.contains("correct horse"));
        assert!(matches!(
            sign_in(&conn, "huda.registrar", "wrong password", 1000, 60),
            Err(AccountError::BadCredentials)
        ));
        assert!(matches!(
            sign_in(&conn, "nobody", "correct horse battery", 1000, 60),
            Err(AccountError::BadCredentials)
        ));
        assert!(
            PasswordHash::new(&DUMMY).is_ok(),
            "the stand-in hash is a real one: {}",
            *DUMMY
        );
        let token = sign_in(&conn, "huda.registrar", "correct horse battery", 1000, 60).unwrap();
        let actor = authenticate(&conn, &token, 1030).unwrap();
        assert_eq!(actor.id, "staff:huda.registrar");
        assert!(actor.roles.contains("registrar"));
        assert!(matches!(
            authenticate(&conn, &token, 1060),
            Err(AccountError::BadSession)
        ));
        let token = sign_in(&conn, "huda.registrar", "correct horse battery", 2000, 60).unwrap();
        sign_out(&conn, &token).unwrap();
        assert!(matches!(
            authenticate(&conn, &token, 2001),
            Err(AccountError::BadSession)
        ));
        let tokens: i64 = conn
            .query_row("SELECT COUNT(*) FROM qw_sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tokens, 0, "expired and ended sessions are gone");
    }
}
