//! Paying a fee by card through the payments agency, via the mediator: one payment per
//! due fee, the receipt recorded and the fee's `paid` action taken.
//!
//! However many requests pay a fee at once (a double click, ten tabs), it is charged
//! once: the first claims the fee in the store, atomically, with an idempotency key that
//! every later request reuses; the agency creates one payment per key, and takes a card
//! for a payment once. The others are told the fee is paid, or is being paid.

use crate::cases::{self};
use crate::failure::{ApiError, Kind};
use crate::state::{ApiState, with_store};
use crate::store;
use quickwin_blueprint::clock::Now;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The payments service every fee is paid through.
pub const PAYMENTS: &str = crate::mediator::PAYMENTS;

/// What a fee's `payment_id` starts with while it holds an idempotency key claimed for a
/// payment not yet created at the agency.
const KEY_PREFIX: &str = "key:";

/// Pay a due fee of the case `tracking` (opened with `code`) by card, through the
/// payments service via the mediator; the receipt, and the fee's `paid` action taken.
pub(crate) async fn pay_fee(
    state: &ApiState,
    tracking: String,
    code: String,
    fee: String,
    card: &str,
) -> Result<Value, ApiError> {
    let bp = state.blueprint();
    let state = state.clone();
    {
        let card: String = card.chars().filter(|c| !c.is_whitespace()).collect();
        if card.is_empty() {
            return Err(ApiError {
                messages: BTreeMap::from([
                    (
                        "en".into(),
                        "`card_number` is required: the number of the card to pay with".into(),
                    ),
                    (
                        "ar".into(),
                        "رقم البطاقة مطلوب: رقم البطاقة التي تدفع بها".into(),
                    ),
                ]),
                ..ApiError::invalid("`card_number` is required")
            });
        }
        let (t, f) = (tracking.clone(), fee.clone());
        // The claim: a fee without a payment gets an idempotency key in the same
        // statement that checks it has none, so two requests cannot both start one.
        let (id, amount, currency, payment_ref) = with_store(&state, move |conn, bp| {
            let case = cases::read(conn, bp, &t, &code)?;
            let fresh = format!(
                "{KEY_PREFIX}{t}/{f}/{}",
                crate::cases::codes::random_token(8)
            );
            store::fees::claim(conn, case.id, &f, &fresh)?;
            let row = store::fees::one(conn, case.id, &f)?
                .map(|c| (c.amount, c.currency, c.status, c.payment_id));
            match row {
                None => Err(ApiError::new(
                    Kind::NotDue,
                    format!("the fee `{f}` is not due on this application"),
                )),
                Some((_, _, status, _)) if status == "paid" => Err(ApiError::new(
                    Kind::AlreadyPaid,
                    format!("the fee `{f}` is already paid"),
                )),
                Some((amount, currency, _, payment)) => {
                    Ok((case.id, amount, currency, payment.unwrap_or_default()))
                }
            }
        })
        .await?;
        let Some(m) = state.mediator.clone() else {
            return Err(ApiError::new(
                Kind::PaymentsUnavailable,
                "no information mediator is configured, so the payments service cannot be reached",
            ));
        };
        let unavailable = |e: crate::mediator::CallError| {
            let kind = if e.status() == Some(504) {
                Kind::PaymentsTimedOut
            } else {
                Kind::PaymentsFailed
            };
            // The agency's own words stay in the log; the applicant gets the service's.
            tracing::warn!(error = %e, "the payments service failed");
            ApiError {
                messages: BTreeMap::from([
                    (
                        "en".into(),
                        "the payment could not be made: the payments service did not answer as expected; nothing was charged, try again".into(),
                    ),
                    (
                        "ar".into(),
                        "تعذّر إتمام الدفع ولم يُخصم أي مبلغ؛ حاول مرة أخرى".into(),
                    ),
                ]),
                ..ApiError::new(
                    kind,
                    "the payment could not be made: the payments service did not answer as expected; nothing was charged, try again",
                )
            }
        };
        let payment_id = match payment_ref.strip_prefix(KEY_PREFIX) {
            // Not yet created at the agency (or its creation did not finish): create it
            // under the claim's key; the agency gives every request the same payment.
            Some(_) => {
                let label = bp
                    .fees
                    .iter()
                    .find(|x| x.id.as_str() == fee)
                    .map_or(String::new(), |x| x.label.get("en").to_string());
                let created = m
                    .call_with(
                        "POST",
                        PAYMENTS,
                        "/payments",
                        Some(&json!({"amount": amount, "currency": currency, "reference": tracking, "description": label})),
                        &tracking,
                        &[("idempotency-key", payment_ref.as_str())],
                    )
                    .await
                    .map_err(unavailable)?;
                let pid = created["id"].as_str().unwrap_or_default().to_string();
                let (p, f, claim) = (pid.clone(), fee.clone(), payment_ref.clone());
                with_store(&state, move |conn, _| {
                    store::fees::start_payment(conn, id, &f, &claim, &p)?;
                    Ok(())
                })
                .await?;
                pid
            }
            None => payment_ref,
        };
        let paid = m
            .call(
                "POST",
                PAYMENTS,
                &format!("/payments/{payment_id}/pay"),
                Some(&json!({"card_number": card})),
                &tracking,
            )
            .await;
        let paid = match paid {
            Ok(p) => p,
            Err(e) if e.status() == Some(422) => {
                tracing::info!(error = %e, "the payments service refused the card number");
                return Err(ApiError {
                    messages: BTreeMap::from([
                        (
                            "en".into(),
                            "the card number was not accepted; check it and try again".into(),
                        ),
                        (
                            "ar".into(),
                            "لم يُقبل رقم البطاقة؛ تحقّق منه وحاول مرة أخرى".into(),
                        ),
                    ]),
                    ..ApiError::invalid("the card number was not accepted; check it and try again")
                });
            }
            // Another request took the card for this payment first: one charge only.
            Err(e) if e.status() == Some(409) => {
                let f = fee.clone();
                let paid = with_store(&state, move |conn, _| {
                    Ok(store::fees::one(conn, id, &f)?.is_some_and(|c| c.status == "paid"))
                })
                .await?;
                return Err(ApiError::new(
                    Kind::AlreadyPaid,
                    if paid {
                        format!("the fee `{fee}` is already paid")
                    } else {
                        format!(
                            "the fee `{fee}` is being paid by another request; look at the application in a moment"
                        )
                    },
                ));
            }
            Err(e) => return Err(unavailable(e)),
        };
        if paid["status"] != "succeeded" {
            // A declined payment is closed at the bank: the next attempt starts a new one.
            let f = fee.clone();
            with_store(&state, move |conn, _| {
                store::fees::reopen(conn, id, &f)?;
                Ok(())
            })
            .await?;
            return Err(ApiError {
                messages: BTreeMap::from([
                    (
                        "en".into(),
                        "the card was declined; nothing was charged. Try another card".into(),
                    ),
                    (
                        "ar".into(),
                        "رُفضت البطاقة ولم يُخصم أي مبلغ. جرّب بطاقة أخرى".into(),
                    ),
                ]),
                ..ApiError::new(Kind::PaymentDeclined, "the card was declined")
            });
        }
        let f = fee.clone();
        let hooks = state.hooks();
        let receipt = with_store(&state, move |conn, bp| {
            let now = Now::read();
            Ok(cases::record_payment(
                conn,
                bp,
                hooks.as_deref(),
                id,
                &f,
                &payment_id,
                &now,
            )?)
        })
        .await?;
        state.wake.notify_one();
        Ok(
            json!({"fee": fee, "amount": amount, "currency": currency, "status": "paid", "receipt": receipt}),
        )
    }
}
