//! The calls diagram: the team's service in the middle, the clients that call it on one
//! side, the services it calls on the other, each edge drawn as declared and observed,
//! declared only, or observed only.

use std::collections::BTreeMap;
use std::fmt::Write;

use quickwin_blueprint::Blueprint;
use quickwin_runtime::mediator::{NOTIFY, PAYMENTS};

use super::svg::{self, Anchor, Frame, Script, Text};
use super::{EdgeKind, Observed, counts, label, words};

const MARGIN: i32 = 20;
const SIDE_W: i32 = 270;
const GAP: i32 = 190;
const CENTER_W: i32 = 260;
const BOX_H: i32 = 62;
const ROW: i32 = 76;
const TOP: i32 = 84;
const WIDTH: i32 = MARGIN * 2 + SIDE_W * 2 + GAP * 2 + CENTER_W;
const CLIENT_X: i32 = MARGIN;
const CENTER_X: i32 = MARGIN + SIDE_W + GAP;
const SERVICE_X: i32 = CENTER_X + CENTER_W + GAP;

/// One box on a side, with its edge to the middle.
struct Row {
    /// Words in the chosen language (a label), may be empty.
    words: String,
    /// The other end's identifier.
    id: String,
    /// Identifiers under it (the integrations that make the call), may be empty.
    detail: String,
    /// The operation called, for a client's edge.
    operation: Option<String>,
    kind: EdgeKind,
    calls: u64,
    failed: u64,
}

/// The first five parts of a service identifier (a log entry may name a path under it).
fn service_id(service: &str) -> String {
    service.split('/').take(5).collect::<Vec<_>>().join("/")
}

/// "Calls declared vs calls observed" for the service of `bp` running as the subsystem
/// `served_as` (e.g. `IQ/GOV/MOLSA/welfare-t3`), in `lang` (`en` or `ar`).
///
/// Declared calls are the blueprint's integrations, the payment gateway when it has
/// fees and the notification service when it sends notifications (as the rights it is
/// granted), and its operations' clients. An observed call whose client is `served_as`
/// goes out; one whose service is under `served_as/` comes in; others are not drawn.
pub fn calls(bp: &Blueprint, lang: &str, served_as: &str, observed: &[Observed]) -> String {
    let ours = served_as.trim_end_matches('/');
    let prefix = format!("{ours}/");
    let mut out_seen: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut in_seen: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for o in observed {
        let sum = if o.client == ours {
            out_seen.entry(service_id(&o.service)).or_default()
        } else if let Some(rest) = o.service.strip_prefix(&prefix) {
            let op = rest.split('/').next().unwrap_or_default().to_string();
            in_seen.entry((o.client.clone(), op)).or_default()
        } else {
            continue;
        };
        sum.0 += o.calls;
        sum.1 += o.failed;
    }

    // The services it calls: declared, by service, with the integrations calling each.
    let mut declared: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for i in &bp.integrations {
        let (labels, ids) = declared.entry(i.service.value.clone()).or_default();
        let l = i.label.get(lang).to_string();
        if !labels.contains(&l) {
            labels.push(l);
        }
        ids.push(i.id.value.clone());
    }
    if !bp.fees.is_empty() {
        let (labels, _) = declared.entry(PAYMENTS.to_string()).or_default();
        labels.push(words("payments", lang).to_string());
    }
    if !bp.notifications.is_empty() {
        let (labels, _) = declared.entry(NOTIFY.to_string()).or_default();
        labels.push(words("notify", lang).to_string());
    }
    let comma = if lang == "ar" { "، " } else { ", " };
    let mut right: Vec<Row> = declared
        .iter()
        .map(|(service, (labels, ids))| {
            let seen = out_seen.get(service).copied().unwrap_or_default();
            Row {
                words: labels.join(comma),
                id: service.clone(),
                detail: ids.join(", "),
                operation: None,
                kind: kind(true, seen.0),
                calls: seen.0,
                failed: seen.1,
            }
        })
        .collect();
    right.extend(undeclared(
        &out_seen,
        |s| declared.contains_key(s),
        |s| (s.clone(), None),
    ));

    // The clients that call it: declared, one row per client and operation.
    let mut offered: BTreeMap<(String, String), String> = BTreeMap::new();
    for op in &bp.provides {
        for c in &op.clients {
            offered.insert(
                (c.value.clone(), op.id.value.clone()),
                op.label.get(lang).to_string(),
            );
        }
    }
    let mut left: Vec<Row> = offered
        .iter()
        .map(|((client, op), words)| {
            let seen = in_seen
                .get(&(client.clone(), op.clone()))
                .copied()
                .unwrap_or_default();
            Row {
                words: words.clone(),
                id: client.clone(),
                detail: String::new(),
                operation: Some(op.clone()),
                kind: kind(true, seen.0),
                calls: seen.0,
                failed: seen.1,
            }
        })
        .collect();
    left.extend(undeclared(
        &in_seen,
        |k| offered.contains_key(k),
        |(c, op)| (c.clone(), Some(op.clone())),
    ));

    draw(bp, lang, ours, &left, &right)
}

/// The kind of a declared edge with `calls` observed, or of an undeclared one.
fn kind(declared: bool, calls: u64) -> EdgeKind {
    match (declared, calls > 0) {
        (true, true) => EdgeKind::Observed,
        (true, false) => EdgeKind::NotCalled,
        (false, _) => EdgeKind::Undeclared,
    }
}

/// The rows of the calls seen but not declared (those with at least one call).
fn undeclared<K: Ord>(
    seen: &BTreeMap<K, (u64, u64)>,
    declared: impl Fn(&K) -> bool,
    ends: impl Fn(&K) -> (String, Option<String>),
) -> Vec<Row> {
    seen.iter()
        .filter(|(k, (calls, _))| *calls > 0 && !declared(k))
        .map(|(k, (calls, failed))| {
            let (id, operation) = ends(k);
            Row {
                words: String::new(),
                id,
                detail: String::new(),
                operation,
                kind: EdgeKind::Undeclared,
                calls: *calls,
                failed: *failed,
            }
        })
        .collect()
}

/// The stroke attributes and marker suffix of an edge kind.
fn stroke(kind: EdgeKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        EdgeKind::Observed => (r##"stroke="#1f6f43" stroke-width="2""##, "ok", "#1f6f43"),
        EdgeKind::NotCalled => (
            r##"stroke="#8a8a8a" stroke-width="1.5" stroke-dasharray="6 4""##,
            "idle",
            "#8a8a8a",
        ),
        EdgeKind::Undeclared => (r##"stroke="#c0392b" stroke-width="2""##, "bad", "#c0392b"),
    }
}

fn draw(bp: &Blueprint, lang: &str, ours: &str, left: &[Row], right: &[Row]) -> String {
    let f = Frame::new(WIDTH, lang);
    let n = left.len().max(right.len()).max(1) as i32;
    let legend_y = TOP + n * ROW + 24;
    let height = legend_y + 24;
    let title = format!("{}: {}", words("calls_title", lang), bp.title.get(lang));
    let prefix = format!("qw-calls-{}-{}", bp.id.as_str(), f.lang);

    let mut out = String::new();
    svg::open(&mut out, &f, height, &title);
    out.push_str("<defs>\n");
    for k in [
        EdgeKind::Observed,
        EdgeKind::NotCalled,
        EdgeKind::Undeclared,
    ] {
        let (_, id, colour) = stroke(k);
        svg::marker(&mut out, &svg::escape(&format!("{prefix}-{id}")), colour);
    }
    out.push_str("</defs>\n");

    let words_at = |out: &mut String, x, y, size, anchor, bold, fill, content: &str| {
        f.text(
            out,
            &Text {
                x,
                y,
                size,
                anchor,
                script: Script::Words,
                fill,
                bold,
                halo: false,
                content,
            },
        )
    };
    let id_at = |out: &mut String, x, y, size, content: &str| {
        f.text(
            out,
            &Text {
                x,
                y,
                size,
                anchor: Anchor::Middle,
                script: Script::Id,
                fill: "#333333",
                bold: false,
                halo: false,
                content,
            },
        )
    };

    words_at(
        &mut out,
        MARGIN,
        30,
        17,
        Anchor::Start,
        true,
        "#1a1a1a",
        &title,
    );
    words_at(
        &mut out,
        CLIENT_X + SIDE_W / 2,
        66,
        13,
        Anchor::Middle,
        true,
        "#444444",
        words("clients", lang),
    );
    words_at(
        &mut out,
        SERVICE_X + SIDE_W / 2,
        66,
        13,
        Anchor::Middle,
        true,
        "#444444",
        words("services", lang),
    );

    // The team's service.
    let center_h = n * ROW - (ROW - BOX_H);
    f.rect(
        &mut out,
        CENTER_X,
        TOP,
        CENTER_W,
        center_h,
        r##"rx="8" fill="#e8f0fe" stroke="#1a4d8f" stroke-width="2""##,
    );
    let mid = TOP + center_h / 2;
    let name = svg::wrap(bp.title.get(lang), CENTER_W - 16, 14, 2);
    let first = mid - 4 - 9 * (name.len() as i32 - 1);
    for (k, line) in name.iter().enumerate() {
        words_at(
            &mut out,
            CENTER_X + CENTER_W / 2,
            first + 18 * k as i32,
            14,
            Anchor::Middle,
            true,
            "#1a4d8f",
            line,
        );
    }
    id_at(
        &mut out,
        CENTER_X + CENTER_W / 2,
        first + 18 * (name.len() as i32 - 1) + 20,
        11,
        &svg::fit(ours, CENTER_W - 12, 11),
    );

    for (side, rows) in [(0, left), (1, right)] {
        let box_x = if side == 0 { CLIENT_X } else { SERVICE_X };
        let x = box_x + SIDE_W / 2;
        if rows.is_empty() {
            words_at(
                &mut out,
                x,
                TOP + BOX_H / 2,
                12,
                Anchor::Middle,
                false,
                "#777777",
                words("none", lang),
            );
            continue;
        }
        let first = TOP + (n - rows.len() as i32) * ROW / 2;
        for (i, row) in rows.iter().enumerate() {
            let y = first + i as i32 * ROW;
            let (line, marker, colour) = stroke(row.kind);
            let edge_y = y + BOX_H / 2;
            // Calls go from the client to the service: into the middle, or out of it.
            let (x1, x2) = if side == 0 {
                (CLIENT_X + SIDE_W, CENTER_X)
            } else {
                (CENTER_X + CENTER_W, SERVICE_X)
            };
            let mut tip = format!(
                "{} → {}",
                if side == 0 { &row.id } else { ours },
                if side == 0 { ours } else { &row.id }
            );
            if let Some(op) = &row.operation {
                tip = format!("{} → {ours}/{op}", row.id);
            }
            let text = match row.kind {
                EdgeKind::Observed => counts(row.calls, row.failed, lang),
                EdgeKind::NotCalled => words("not_called_edge", lang).to_string(),
                EdgeKind::Undeclared => format!(
                    "{}{}{}",
                    words("undeclared_edge", lang),
                    if lang == "ar" { "، " } else { " · " },
                    counts(row.calls, row.failed, lang)
                ),
            };
            if !row.detail.is_empty() {
                tip = format!("{tip} ({})", row.detail);
            }
            let _ = writeln!(
                out,
                "<g>\n<title>{}: {}</title>",
                svg::escape(&tip),
                svg::escape(&text)
            );
            let _ = writeln!(
                out,
                r#"<line x1="{}" y1="{edge_y}" x2="{}" y2="{edge_y}" {line} marker-end="url(#{})"/>"#,
                f.x(x1),
                f.x(x2 - 2),
                svg::escape(&format!("{prefix}-{marker}"))
            );
            let label_x = (x1 + x2) / 2;
            words_at(
                &mut out,
                label_x,
                edge_y - 7,
                11,
                Anchor::Middle,
                false,
                colour,
                &svg::fit(&text, GAP - 8, 11),
            );
            if let Some(op) = &row.operation {
                f.text(
                    &mut out,
                    &Text {
                        x: label_x,
                        y: edge_y + 15,
                        size: 10,
                        anchor: Anchor::Middle,
                        script: Script::Id,
                        fill: "#555555",
                        bold: false,
                        halo: false,
                        content: &svg::fit(op, GAP - 8, 10),
                    },
                );
            }
            let (fill, border) = match row.kind {
                EdgeKind::Undeclared => ("#fdecea", "#c0392b"),
                EdgeKind::NotCalled => ("#f7f7f7", "#9a9a9a"),
                EdgeKind::Observed => ("#ffffff", "#555555"),
            };
            f.rect(
                &mut out,
                box_x,
                y,
                SIDE_W,
                BOX_H,
                &format!(r#"rx="6" fill="{fill}" stroke="{border}""#),
            );
            if !row.words.is_empty() {
                words_at(
                    &mut out,
                    x,
                    y + 19,
                    12,
                    Anchor::Middle,
                    true,
                    "#1a1a1a",
                    &svg::fit(&row.words, SIDE_W - 12, 12),
                );
            }
            id_at(&mut out, x, y + 37, 11, &svg::fit(&row.id, SIDE_W - 10, 11));
            if !row.detail.is_empty() {
                id_at(
                    &mut out,
                    x,
                    y + 53,
                    10,
                    &svg::fit(&row.detail, SIDE_W - 10, 10),
                );
            }
            out.push_str("</g>\n");
        }
    }

    // The legend, at the bottom.
    let kinds = [
        EdgeKind::Observed,
        EdgeKind::NotCalled,
        EdgeKind::Undeclared,
    ];
    let step = (WIDTH - 2 * MARGIN) / kinds.len() as i32;
    for (i, k) in kinds.into_iter().enumerate() {
        let x = MARGIN + i as i32 * step;
        let (line, _, _) = stroke(k);
        let _ = writeln!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {line}/>"#,
            f.x(x),
            legend_y - 4,
            f.x(x + 40),
            legend_y - 4
        );
        words_at(
            &mut out,
            x + 50,
            legend_y,
            12,
            Anchor::Start,
            false,
            "#333333",
            label(k, lang),
        );
    }
    out.push_str("</svg>\n");
    out
}
