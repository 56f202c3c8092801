//! Two pictures for a workshop team's page, drawn as standalone SVG from the team's
//! blueprint and the traffic the mediator saw: [`calls`], the calls the blueprint
//! declares beside the calls observed, and [`workflow`], the workflow as a state diagram
//! coloured by the states applications reached.
//!
//! Both are pure and deterministic (the same input gives the same bytes), escape every
//! text (blueprints and ids are the participants'), and suit a page under a strict
//! Content-Security-Policy: no script, no style element or attribute (presentation
//! attributes only), no external resource. In Arabic the picture is mirrored to read
//! from the right, words are marked right to left and identifiers stay left to right.

mod calls;
mod svg;
mod workflow;

#[cfg(test)]
mod tests;

pub use calls::calls;
pub use workflow::workflow;

use quickwin_blueprint::plural::{Arabic, Counted, English};

/// Calls between two subsystems, as counted in the mediator's message log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The calling subsystem, e.g. `IQ/GOV/MOE/schools`.
    pub client: String,
    /// The called service, e.g. `IQ/GOV/MOI/civil-registry/persons`.
    pub service: String,
    /// How many calls were made.
    pub calls: u64,
    /// How many of them failed.
    pub failed: u64,
}

/// How a call between the team's service and another one is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// Declared in the blueprint and seen in the log: a solid line with the counts.
    Observed,
    /// Declared in the blueprint, never seen: a grey dashed line.
    NotCalled,
    /// Seen in the log but not declared: a red line.
    Undeclared,
}

/// The legend's words for an edge kind, in `lang` (`ar`, else English).
pub fn label(kind: EdgeKind, lang: &str) -> &'static str {
    let key = match kind {
        EdgeKind::Observed => "observed",
        EdgeKind::NotCalled => "not_called",
        EdgeKind::Undeclared => "undeclared",
    };
    words(key, lang)
}

/// `(key, English, Arabic)`: the diagrams' own words.
const WORDS: &[(&str, &str, &str)] = &[
    ("observed", "declared and called", "مُعلَن وجرى استدعاؤه"),
    (
        "not_called",
        "declared, not called yet",
        "مُعلَن، لم يُستدعَ بعد",
    ),
    (
        "undeclared",
        "called, not declared",
        "جرى استدعاؤه دون أن يُعلَن",
    ),
    ("not_called_edge", "not called yet", "لم يُستدعَ بعد"),
    ("undeclared_edge", "undeclared", "غير مُعلَن"),
    (
        "calls_title",
        "Calls declared and observed",
        "الاستدعاءات المُعلَنة والمرصودة",
    ),
    (
        "clients",
        "Clients that call this service",
        "الجهات التي تستدعي هذه الخدمة",
    ),
    (
        "services",
        "Services this service calls",
        "الخدمات التي تستدعيها هذه الخدمة",
    ),
    ("none", "none", "لا يوجد"),
    ("payments", "Payments (fees)", "المدفوعات (الرسوم)"),
    (
        "notify",
        "Notifications to the applicant",
        "الإشعارات إلى مقدّم الطلب",
    ),
    ("workflow_title", "Workflow", "مسار العمل"),
    ("initial", "initial state", "الحالة الابتدائية"),
    ("final", "final state", "حالة نهائية"),
    (
        "reached",
        "reached (×N applications)",
        "بلغتها طلبات (×عدد الطلبات)",
    ),
    ("unreached", "not reached yet", "لم يبلغها أي طلب بعد"),
    ("back", "back to an earlier state", "رجوع إلى حالة سابقة"),
];

/// The diagrams' word `key` in `lang` (`ar`, else English).
fn words(key: &str, lang: &str) -> &'static str {
    WORDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |(_, en, ar)| if lang == "ar" { ar } else { en })
}

/// A count of calls.
const CALLS: Counted = Counted {
    en: English {
        one: "{n} call",
        other: "{n} calls",
    },
    ar: Arabic {
        zero: "لا استدعاءات",
        one: "استدعاء واحد",
        two: "استدعاءان",
        few: "{n} استدعاءات",
        many: "{n} استدعاءً",
        other: "{n} استدعاء",
    },
};

/// The counts of an observed edge: `12 calls, 2 failed`.
fn counts(calls: u64, failed: u64, lang: &str) -> String {
    let mut text = CALLS.local(lang, calls);
    if failed > 0 {
        let n = quickwin_blueprint::plural::local_digits(&failed.to_string(), lang);
        if lang == "ar" {
            text.push_str(&format!("، فشل منها {n}"));
        } else {
            text.push_str(&format!(", {n} failed"));
        }
    }
    text
}
