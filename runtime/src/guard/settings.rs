//! The settings of the service's guard: how fast each kind of request may come from one
//! client, how long an account is locked after failed sign-ins, which proxies are
//! trusted to say who the client is, and how long what nobody claimed is kept.

use std::net::IpAddr;
use std::time::Duration;

/// A token bucket's size: `burst` requests at once, then one more every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// How many at once.
    pub burst: u32,
    /// How often one more is allowed once the burst is spent.
    pub every: Duration,
}

impl Rate {
    /// `burst` at once, then one every `every`.
    pub const fn new(burst: u32, every: Duration) -> Rate {
        Rate { burst, every }
    }
}

impl std::str::FromStr for Rate {
    type Err = String;

    /// `BURST/PERIOD`, e.g. `10/6s`: ten at once, then one every six seconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wrong =
            || format!("`{s}` is not a rate; expected `BURST/PERIOD`, e.g. `10/6s` or `5/12m`");
        let (burst, every) = s.split_once('/').ok_or_else(wrong)?;
        let burst: u32 = burst.trim().parse().map_err(|_| wrong())?;
        let every = duration(every.trim()).ok_or_else(wrong)?;
        if burst == 0 || every.is_zero() {
            return Err(wrong());
        }
        Ok(Rate { burst, every })
    }
}

/// `90s`, `15m`, `24h`, `2d`, `500ms` or `10us`.
pub fn duration(s: &str) -> Option<Duration> {
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().ok()?;
    Some(match unit {
        "us" => Duration::from_micros(n),
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        "d" => Duration::from_secs(n.saturating_mul(86_400)),
        _ => return None,
    })
}

/// The guard's settings; [`Settings::default`] suits a service that citizens use, and
/// each can be changed with `QUICKWIN_GUARD` (see [`Settings::set`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Failed sign-ins from one client.
    pub sign_in: Rate,
    /// Failed access-code look-ups (an application opened with a wrong code) from one
    /// client.
    pub access_codes: Rate,
    /// Failed verification-code look-ups from one client.
    pub verification: Rate,
    /// Submissions from one client.
    pub submissions: Rate,
    /// Uploads from one client.
    pub uploads: Rate,
    /// Bytes uploaded by one client (a token per byte).
    pub upload_bytes: Rate,
    /// Text messages (SMS) the service sends to one phone number.
    pub sms_per_phone: Rate,
    /// Failed sign-ins to one account before it is locked for a while.
    pub lockout_after: u32,
    /// The first lock-out; each further failure doubles it.
    pub lockout: Duration,
    /// The longest lock-out.
    pub lockout_max: Duration,
    /// Proxies whose `X-Forwarded-For` (first hop) and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Whether citizens reach the service over HTTPS (its public URL is `https://`):
    /// every cookie is then `Secure`.
    pub https: bool,
    /// How long an upload no application claimed, and a draft nobody touched, is kept.
    pub keep_unclaimed: Duration,
    /// The largest draft of the web form kept, in bytes of its answers.
    pub draft_bytes: usize,
    /// The most cases the service's store keeps (none: no limit); a workshop host limits
    /// each team's service so that one loop cannot fill the disk of the class.
    pub max_cases: Option<u64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            sign_in: Rate::new(10, Duration::from_secs(6)),
            access_codes: Rate::new(10, Duration::from_secs(6)),
            verification: Rate::new(20, Duration::from_secs(3)),
            // Generous: many people may share one address (an office, a carrier's NAT),
            // and a test may send hundreds in a second from loopback. What a flood of
            // them costs is limited elsewhere: texts per phone, bytes uploaded.
            submissions: Rate::new(1000, Duration::from_millis(100)),
            uploads: Rate::new(1000, Duration::from_millis(100)),
            // 50 MB at once, then 100 kB a second.
            upload_bytes: Rate::new(50_000_000, Duration::from_micros(10)),
            sms_per_phone: Rate::new(5, Duration::from_secs(12 * 60)),
            lockout_after: 5,
            lockout: Duration::from_secs(30),
            lockout_max: Duration::from_secs(15 * 60),
            trusted_proxies: Vec::new(),
            https: false,
            keep_unclaimed: Duration::from_secs(24 * 3600),
            draft_bytes: 64 * 1024,
            max_cases: None,
        }
    }
}

impl Settings {
    /// Change one setting by its name: `sign-in`, `access-codes`, `verification`,
    /// `submissions`, `uploads`, `upload-bytes` and `sms-per-phone` take a rate (`10/6s`);
    /// `lockout-after` a number; `lockout`, `lockout-max` and `keep-unclaimed` a duration
    /// (`30s`, `24h`); `draft-bytes` and `max-cases` a number; `trusted-proxy` an IP address (added to
    /// the list); `https` `true` or `false`.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let value = value.trim();
        let rate = |v: &str| v.parse::<Rate>();
        let time = |v: &str| {
            duration(v).ok_or_else(|| {
                format!("`{v}` is not a duration; expected e.g. `30s`, `15m` or `24h`")
            })
        };
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("`{v}` is not a number; expected e.g. `5`"))
        };
        match name.trim() {
            "sign-in" => self.sign_in = rate(value)?,
            "access-codes" => self.access_codes = rate(value)?,
            "verification" => self.verification = rate(value)?,
            "submissions" => self.submissions = rate(value)?,
            "uploads" => self.uploads = rate(value)?,
            "upload-bytes" => self.upload_bytes = rate(value)?,
            "sms-per-phone" => self.sms_per_phone = rate(value)?,
            "lockout-after" => {
                self.lockout_after = u32::try_from(number(value)?).unwrap_or(u32::MAX);
            }
            "lockout" => self.lockout = time(value)?,
            "lockout-max" => self.lockout_max = time(value)?,
            "keep-unclaimed" => self.keep_unclaimed = time(value)?,
            "draft-bytes" => {
                self.draft_bytes = usize::try_from(number(value)?).unwrap_or(usize::MAX);
            }
            "max-cases" => {
                self.max_cases = Some(number(value)?);
            }
            "trusted-proxy" => self.trusted_proxies.push(value.parse().map_err(|_| {
                format!("`{value}` is not an IP address; expected e.g. `127.0.0.1`")
            })?),
            "https" => {
                self.https = match value {
                    "true" => true,
                    "false" => false,
                    other => return Err(format!("`{other}` is not `true` or `false`")),
                }
            }
            other => {
                return Err(format!(
                    "unknown guard setting `{other}`; expected one of `sign-in`, `access-codes`, `verification`, `submissions`, `uploads`, `upload-bytes`, `sms-per-phone`, `lockout-after`, `lockout`, `lockout-max`, `keep-unclaimed`, `draft-bytes`, `max-cases`, `trusted-proxy` or `https`"
                ));
            }
        }
        Ok(())
    }

    /// The settings with every `name=value` of `spec` (separated by `,`) applied, e.g.
    /// `submissions=1000/1ms,trusted-proxy=10.0.0.1`.
    pub fn with(mut self, spec: &str) -> Result<Settings, String> {
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').ok_or_else(|| {
                format!("`{part}` is not a setting; expected `NAME=VALUE`, e.g. `sign-in=10/6s`")
            })?;
            self.set(name, value)?;
        }
        Ok(self)
    }

    /// The defaults with the settings of the environment variable `QUICKWIN_GUARD`
    /// applied (see [`Settings::with`]), and `https` when `public_url` is an `https://`
    /// address.
    pub fn from_env(public_url: Option<&str>) -> Result<Settings, String> {
        let mut s = Settings::default();
        if let Ok(spec) = std::env::var("QUICKWIN_GUARD") {
            s = s
                .with(&spec)
                .map_err(|e| format!("in `QUICKWIN_GUARD`: {e}"))?;
        }
        if public_url.is_some_and(|u| u.starts_with("https://")) {
            s.https = true;
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_by_name_and_a_wrong_one_says_what_is_expected() {
        let s = Settings::default()
            .with("sign-in=3/1m, trusted-proxy=10.0.0.1, keep-unclaimed=2h, https=true")
            .unwrap();
        assert_eq!(s.sign_in, Rate::new(3, Duration::from_secs(60)));
        assert_eq!(
            s.trusted_proxies,
            vec!["10.0.0.1".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(s.keep_unclaimed, Duration::from_secs(7200));
        assert!(s.https);
        let s = Settings::default()
            .with("upload-bytes=50000000/10us")
            .unwrap();
        assert_eq!(s.upload_bytes, Settings::default().upload_bytes);
        let e = Settings::default().with("sign-in=fast").unwrap_err();
        assert!(e.contains("`fast`") && e.contains("`10/6s`"), "{e}");
        let e = Settings::default().with("speed=1/1s").unwrap_err();
        assert!(e.contains("`speed`") && e.contains("`sign-in`"), "{e}");
    }
}
