//! Tracking and document numbers: a format such as `BC-{year}-{seq:6}` filled in for a
//! day, with the counter and the random letters the caller gives (the runtime's store
//! keeps the counters).

use crate::expr::Date;

/// A number from a format such as `BC-{year}-{seq:6}` (checked by `quickwin check`), the
/// counter's next value taken from `seq` when the format has one, and `{random:N}`
/// filled by `random`.
pub fn format_with<E>(
    format: &str,
    today: Date,
    seq: &mut dyn FnMut() -> Result<i64, E>,
    random: &dyn Fn(usize) -> String,
) -> Result<String, E> {
    let (y, m, d) = today.ymd();
    let mut out = String::new();
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let token = &rest[open + 1..open + close];
        let (key, arg) = token.split_once(':').unwrap_or((token, ""));
        let width: usize = arg.parse().unwrap_or(6);
        match key {
            "year" => out.push_str(&format!("{y:04}")),
            "month" => out.push_str(&format!("{m:02}")),
            "day" => out.push_str(&format!("{d:02}")),
            "seq" => out.push_str(&format!("{:0width$}", seq()?)),
            "random" => out.push_str(&random(width)),
            _ => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
