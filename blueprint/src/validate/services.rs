//! Checks of fees, appointments and issued documents.

use std::collections::BTreeMap;

use super::{IdStyle, Validator};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::Ty;
use crate::hours;
use crate::model::{FieldType, Name, RoleKind, Spanned};
use crate::source::Span;

impl Validator<'_> {
    pub(super) fn fees(&mut self) {
        let bp = self.bp;
        self.unique(bp.fees.iter().map(|f| &f.id), "fee");
        let scope = self.scope.clone();
        for fee in &bp.fees {
            self.id(&fee.id, "fee", IdStyle::Snake);
            let ways = usize::from(fee.amount.is_some())
                + usize::from(fee.tariff.is_some())
                + usize::from(fee.expr.is_some());
            if ways != 1 {
                self.error(Code::Inconsistent, fee.id.span, format!("the fee `{}` must have exactly one of `amount`, `tariff` or `expr`", fee.id))
                    .help = Some("a fixed fee has `amount: 5000`; a fee by consumption has a `tariff`; a computed one has `expr`".into());
            }
            if let Some(a) = &fee.amount {
                if !(a.value >= 0.0 && a.value.is_finite()) {
                    self.error(
                        Code::InvalidValue,
                        a.span,
                        format!("a fee cannot be negative, found {}", a.value),
                    );
                }
            }
            if let Some(e) = &fee.expr {
                self.expr(
                    e,
                    &scope,
                    Some(Ty::Money),
                    &format!("the amount of `{}`", fee.id),
                );
            }
            if let Some(c) = &fee.currency {
                if !(c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase())) {
                    self.error(
                        Code::InvalidValue,
                        c.span,
                        format!("`{c}` is not a currency code"),
                    )
                    .help = Some("use a three-letter code such as `IQD`".into());
                }
            }
            if let Some(t) = &fee.tariff {
                self.expr(
                    &t.quantity,
                    &scope,
                    Some(Ty::Number),
                    "the tariff's quantity",
                );
                self.tariff_bands(fee.id.as_str(), t);
            }
            if self.state_ref(&fee.due)
                && bp
                    .workflow
                    .states
                    .iter()
                    .any(|s| s.id == fee.due && s.is_final)
            {
                self.error(
                    Code::Inconsistent,
                    fee.due.span,
                    format!(
                        "the fee is due in the final state `{}`, where nothing can happen any more",
                        fee.due
                    ),
                );
            }
            if self.action_ref(&fee.paid) {
                let fits = bp
                    .workflow
                    .transitions
                    .iter()
                    .any(|t| t.action == fee.paid && t.from.iter().any(|f| *f == fee.due));
                if !fits {
                    self.error(
                        Code::Inconsistent,
                        fee.paid.span,
                        format!(
                            "the action `{}` does not start from `{}`, where the fee is due",
                            fee.paid, fee.due
                        ),
                    )
                    .help = Some(format!("add `{}` to the `from` of `{}`", fee.due, fee.paid));
                }
                let automatic = bp
                    .workflow
                    .transitions
                    .iter()
                    .filter(|t| t.action == fee.paid)
                    .all(|t| {
                        t.role
                            .iter()
                            .any(|r| self.role_kind(r) == Some(RoleKind::Automatic))
                    });
                if !automatic {
                    self.error(Code::Inconsistent, fee.paid.span, format!("the action `{}` is taken when the fee is paid, so its `role` must be an automatic role", fee.paid));
                }
            }
        }
    }

    fn tariff_bands(&mut self, fee: &str, t: &crate::model::Tariff) {
        if t.bands.is_empty() {
            self.error(
                Code::TariffBands,
                t.quantity.span,
                format!("the tariff of `{fee}` has no bands"),
            );
            return;
        }
        let mut expected_from = 0.0;
        for (i, band) in t.bands.iter().enumerate() {
            let last = i + 1 == t.bands.len();
            if band.price.value < 0.0 {
                self.error(
                    Code::InvalidValue,
                    band.price.span,
                    "a price cannot be negative",
                );
            }
            let from = band.from.value;
            if from > expected_from {
                self.error(Code::TariffBands, band.from.span, format!("the tariff leaves a gap: nothing prices the quantities from {expected_from} to {from}"))
                    .help = Some(format!("start this band at `{expected_from}`"));
            } else if from < expected_from {
                self.error(Code::TariffBands, band.from.span, format!("this band overlaps the one before: quantities from {from} to {expected_from} are priced twice"))
                    .help = Some(format!("start this band at `{expected_from}`"));
            }
            match &band.to {
                Some(to) if to.value <= from => {
                    self.error(
                        Code::TariffBands,
                        to.span,
                        format!("the band ends at {} but starts at {from}", to.value),
                    );
                    expected_from = from;
                }
                Some(to) => expected_from = to.value,
                None if !last => {
                    self.error(
                        Code::TariffBands,
                        band.from.span,
                        "only the last band may leave out `to`",
                    )
                    .help = Some("give this band an end with `to:`".into());
                    return;
                }
                None => {}
            }
            if last && band.to.is_some() {
                let span = band.to.as_ref().map_or(band.from.span, |t| t.span);
                self.error(
                    Code::TariffBands,
                    span,
                    format!("quantities above {expected_from} have no price"),
                )
                .help =
                    Some("leave out `to` in the last band so it covers everything above".into());
            }
        }
    }

    pub(super) fn appointments(&mut self) {
        let bp = self.bp;
        let Some(a) = &bp.appointments else { return };
        let has_field = self
            .case_fields()
            .iter()
            .any(|f| f.kind.value == FieldType::Appointment);
        if !has_field {
            self.warning(
                Code::Inconsistent,
                a.slot.span,
                "the service has appointments, but no field of type `appointment` books one",
            )
            .help =
                Some("add a field with `type: appointment` to the application and a page".into());
        }
        if a.resources.is_empty() {
            self.error(
                Code::InvalidValue,
                a.slot.span,
                "`appointments` lists no `resources` to book",
            );
        }
        self.unique(a.resources.iter().map(|r| &r.id), "resource");
        self.opening_hours(&a.hours);
        for r in &a.resources {
            self.id(&r.id, "resource", IdStyle::Snake);
            if let Some(g) = &r.governorate {
                let names: Vec<&str> = crate::lists::GOVERNORATES.iter().map(|g| g.value).collect();
                self.known(g, names, Code::UnknownReference, "governorate");
            }
            if r.hours.is_empty() && a.hours.is_empty() {
                self.error(
                    Code::OpeningHours,
                    r.id.span,
                    format!("the resource `{}` has no opening hours", r.id),
                )
                .help = Some("give it `hours:`, or give `appointments` default `hours:`".into());
            }
            if !r.hours.is_empty() {
                self.opening_hours(&r.hours);
            }
            if let Some(c) = &r.capacity {
                if c.value == 0 {
                    self.error(
                        Code::InvalidValue,
                        c.span,
                        "a capacity of 0 means nobody can book",
                    );
                }
            }
        }
        if let Some(r) = &a.reminder_before {
            if r.value.minutes == 0 || r.value > a.horizon.value {
                self.error(Code::InvalidValue, r.span, "a reminder must come after booking and before the slot: more than nothing, at most the booking horizon");
            }
        }
        if a.slot.value.minutes == 0 {
            self.error(
                Code::InvalidValue,
                a.slot.span,
                "a slot must last longer than nothing",
            );
        }
        if a.capacity.value == 0 {
            self.error(
                Code::InvalidValue,
                a.capacity.span,
                "a capacity of 0 means nobody can book",
            );
        }
        if a.horizon.value.minutes < a.slot.value.minutes {
            self.error(
                Code::Inconsistent,
                a.horizon.span,
                "the booking horizon is shorter than one slot",
            );
        }
        for action in [&a.no_show_action, &a.cancel_action].into_iter().flatten() {
            self.action_ref(action);
        }
    }

    /// Check a weekday → hours mapping: every key a weekday or range, every value hours
    /// that parse, no weekday given twice.
    fn opening_hours(&mut self, map: &BTreeMap<Name, Spanned<String>>) {
        let mut given: [Option<Span>; 7] = [None; 7];
        for (days, value) in map {
            let days_parsed = match hours::parse_days(days) {
                Ok(d) => d,
                Err(message) => {
                    self.error(Code::OpeningHours, days.span, message);
                    continue;
                }
            };
            if let Err(message) = hours::parse_intervals(value) {
                self.error(Code::OpeningHours, value.span, message);
                continue;
            }
            for d in days_parsed {
                if let Some(first) = given[d] {
                    let d = Diagnostic::error(
                        Code::OpeningHours,
                        days.span,
                        format!("`{}` is given opening hours twice", hours::WEEKDAYS[d]),
                    )
                    .with_label(first, "first given here");
                    self.push(d);
                } else {
                    given[d] = Some(days.span);
                }
            }
        }
    }

    pub(super) fn documents(&mut self) {
        let bp = self.bp;
        self.unique(bp.documents.iter().map(|d| &d.id), "document");
        for doc in &bp.documents {
            self.id(&doc.id, "document", IdStyle::Snake);
            self.state_ref(&doc.issue_in);
            self.number_format(&doc.number, "document number format");
            if doc.fields.is_empty() {
                self.error(
                    Code::InvalidValue,
                    doc.id.span,
                    format!("the document `{}` prints no `fields`", doc.id),
                );
            }
            let shown = self.value_names(&["tracking"]);
            for f in &doc.fields {
                self.case_field_ref(f, &shown);
            }
            let public = self.value_names(&["tracking", "state"]);
            for f in &doc.public {
                self.case_field_ref(f, &public);
                if !doc.fields.iter().any(|g| g == f) && !matches!(f.as_str(), "tracking" | "state")
                {
                    self.warning(Code::Inconsistent, f.span, format!("the verification page would reveal `{f}`, which the document does not show"));
                }
            }
        }
    }
}
