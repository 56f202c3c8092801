//! Appointment slot arithmetic: which slots a resource has on a day (from its opening
//! hours and the slot length), its capacity, and the reading of an appointment answer,
//! written `RESOURCE@YYYY-MM-DDTHH:MM` on Iraq's clock, e.g.
//! `karrada_phc@2026-12-01T08:15`. The runtime counts and books them in its store.

use crate::clock::{self, Now};
use crate::expr::Date;
use crate::hours;
use crate::model::{Appointments, Blueprint, Resource};

/// Why an appointment value cannot be booked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    /// Not `RESOURCE@YYYY-MM-DDTHH:MM`.
    #[error("write the appointment as `RESOURCE@YYYY-MM-DDTHH:MM`, e.g. `{0}`")]
    Malformed(String),
    /// No such resource.
    #[error("there is no `{0}` to book")]
    UnknownResource(String),
    /// The time is not the start of an opening slot.
    #[error("`{0}` is not the start of a slot in the opening hours")]
    NotASlot(String),
    /// In the past or beyond the booking horizon.
    #[error("`{0}` is not between now and the last day that can be booked")]
    OutOfRange(String),
    /// Every place is taken.
    #[error("the slot `{0}` is fully booked")]
    Full(String),
}

/// The opening hours of `resource` on a weekday (0 = Sunday).
fn intervals(a: &Appointments, resource: &Resource, weekday: usize) -> Vec<hours::Interval> {
    let table = if resource.hours.is_empty() {
        &a.hours
    } else {
        &resource.hours
    };
    for (days, value) in table {
        if hours::parse_days(days).is_ok_and(|d| d.contains(&weekday)) {
            return hours::parse_intervals(&value.value).unwrap_or_default();
        }
    }
    Vec::new()
}

/// A resource's capacity per slot.
pub fn capacity(a: &Appointments, resource: &Resource) -> u32 {
    resource
        .capacity
        .as_ref()
        .map_or(a.capacity.value, |c| c.value)
}

/// The start minutes (after midnight) of the resource's slots on `day`.
pub fn starts(a: &Appointments, resource: &Resource, day: Date) -> Vec<u32> {
    let length = u32::try_from(a.slot.value.minutes.max(1)).unwrap_or(u32::MAX);
    let mut out = Vec::new();
    for (open, close) in intervals(a, resource, day.weekday() as usize) {
        let mut t = open;
        while t + length <= close {
            out.push(t);
            t += length;
        }
    }
    out
}

/// A checked appointment value: the resource and the local start in minutes.
pub fn parse<'a>(
    bp: &'a Blueprint,
    value: &str,
    now: &Now,
) -> Result<(&'a Resource, i64), SlotError> {
    let a = bp
        .appointments
        .as_ref()
        .ok_or_else(|| SlotError::UnknownResource(value.to_string()))?;
    let example = a
        .resources
        .first()
        .map_or("centre@2026-12-01T08:15".to_string(), |r| {
            format!("{}@2026-12-01T08:15", r.id.as_str())
        });
    let (id, when) = value
        .split_once('@')
        .ok_or_else(|| SlotError::Malformed(example.clone()))?;
    let minutes = clock::local_minutes(when).ok_or(SlotError::Malformed(example))?;
    let resource = a
        .resources
        .iter()
        .find(|r| r.id.as_str() == id)
        .ok_or_else(|| SlotError::UnknownResource(id.to_string()))?;
    let day = Date(minutes.div_euclid(1440));
    let minute = u32::try_from(minutes.rem_euclid(1440)).unwrap_or(0);
    if !starts(a, resource, day).contains(&minute) {
        return Err(SlotError::NotASlot(value.to_string()));
    }
    let horizon = i64::try_from(a.horizon.value.minutes).unwrap_or(i64::MAX / 4);
    if minutes <= now.local_minutes || minutes > now.local_minutes + horizon {
        return Err(SlotError::OutOfRange(value.to_string()));
    }
    Ok((resource, minutes))
}
