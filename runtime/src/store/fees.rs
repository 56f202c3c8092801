//! `qw_fees`: the fees made due to cases, and their payment.

use rusqlite::{Connection, OptionalExtension, params};

/// A fee of a case as the store keeps it.
#[derive(Debug, Clone)]
pub struct Charged {
    /// The blueprint's fee id.
    pub fee: String,
    /// The amount, in whole units of its currency.
    pub amount: i64,
    /// The currency.
    pub currency: String,
    /// `due`, `pending` (a payment started) or `paid`.
    pub status: String,
    /// The receipt number, once paid.
    pub receipt: Option<String>,
    /// When it was paid (UTC stamp).
    pub paid_at: Option<String>,
    /// The payments agency's payment, once one was started.
    pub payment_id: Option<String>,
}

fn charged(r: &rusqlite::Row<'_>) -> rusqlite::Result<Charged> {
    Ok(Charged {
        fee: r.get(0)?,
        amount: r.get(1)?,
        currency: r.get(2)?,
        status: r.get(3)?,
        receipt: r.get(4)?,
        paid_at: r.get(5)?,
        payment_id: r.get(6)?,
    })
}

/// The fees of case `case_id`, in the order they were made due.
pub fn of_case(conn: &Connection, case_id: i64) -> rusqlite::Result<Vec<Charged>> {
    conn.prepare_cached("SELECT fee, amount, currency, status, receipt, paid_at, payment_id FROM qw_fees WHERE case_id = ?1 ORDER BY id")?
    .query_map([case_id], charged)?
    .collect()
}

/// The fee `fee` of case `case_id`, if it was made due.
pub fn one(conn: &Connection, case_id: i64, fee: &str) -> rusqlite::Result<Option<Charged>> {
    conn.query_row(
        "SELECT fee, amount, currency, status, receipt, paid_at, payment_id FROM qw_fees WHERE case_id = ?1 AND fee = ?2",
        params![case_id, fee],
        charged,
    )
    .optional()
}

/// Claim the fee for a payment under the idempotency key `key`, when no payment of it
/// is started: the check and the claim are one statement, so one request wins.
pub fn claim(conn: &Connection, case_id: i64, fee: &str, key: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE qw_fees SET payment_id = ?1, status = 'pending'
         WHERE case_id = ?2 AND fee = ?3 AND payment_id IS NULL AND status = 'due'",
        params![key, case_id, fee],
    )
}

/// The payment `payment_id` was created at the agency under the claim `key`.
pub fn start_payment(
    conn: &Connection,
    case_id: i64,
    fee: &str,
    key: &str,
    payment_id: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE qw_fees SET payment_id = ?1 WHERE case_id = ?2 AND fee = ?3 AND payment_id = ?4",
        params![payment_id, case_id, fee, key],
    )
}

/// The payment was declined and is closed at the bank: the fee is due again, and the
/// next attempt starts a new payment.
pub fn reopen(conn: &Connection, case_id: i64, fee: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE qw_fees SET payment_id = NULL, status = 'due' WHERE case_id = ?1 AND fee = ?2 AND status <> 'paid'",
        params![case_id, fee],
    )
}

/// The amount a message about case `case_id` quotes: what is still to pay, or else the
/// last fee made due; `None` when it has no fee.
pub fn amount_to_quote(conn: &Connection, case_id: i64) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT COALESCE(SUM(amount) FILTER (WHERE status <> 'paid'),
                         (SELECT amount FROM qw_fees WHERE case_id = ?1 ORDER BY id DESC LIMIT 1))
         FROM qw_fees WHERE case_id = ?1",
    )?
    .query_row([case_id], |r| r.get(0))
}

/// Make the fee due at `amount` (a fee due already and unpaid takes the new amount; a
/// paid one is left alone).
pub fn make_due(
    conn: &Connection,
    case_id: i64,
    fee: &str,
    amount: i64,
    currency: &str,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO qw_fees (case_id, fee, amount, currency, status, due_at) VALUES (?1, ?2, ?3, ?4, 'due', ?5)
         ON CONFLICT(case_id, fee) DO UPDATE SET amount = excluded.amount WHERE status = 'due'",
        params![case_id, fee, amount, currency, at],
    )
}

/// The fee is paid by `payment_id`, with `receipt`.
pub fn mark_paid(
    conn: &Connection,
    case_id: i64,
    fee: &str,
    payment_id: &str,
    receipt: &str,
    at: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE qw_fees SET status = 'paid', payment_id = ?3, receipt = ?4, paid_at = ?5 WHERE case_id = ?1 AND fee = ?2",
        params![case_id, fee, payment_id, receipt, at],
    )
}
