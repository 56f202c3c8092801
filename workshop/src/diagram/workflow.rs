//! The workflow diagram: the states in columns by their distance from the initial
//! state, the transitions as arrows, each state coloured by whether applications
//! reached it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write;

use quickwin_blueprint::Blueprint;
use quickwin_blueprint::plural::local_digits;

use super::svg::{self, Anchor, Frame, Script, Text};
use super::words;

const LEFT: i32 = 70;
const BOX_W: i32 = 180;
const BOX_H: i32 = 62;
const COLUMN: i32 = BOX_W + 160;
const ROW: i32 = BOX_H + 44;
const TOP: i32 = 80;
const MIN_WIDTH: i32 = 1100;

/// An arrow's end on a side of a box: the other end's height, the arrow, whether
/// this is where it leaves.
type PortUse = (i32, usize, bool);

/// An arrow between two states, with the labels of the transitions it stands for.
struct Edge {
    from: usize,
    to: usize,
    labels: Vec<String>,
    actions: Vec<String>,
}

/// The workflow of `bp` as a state diagram in `lang` (`en` or `ar`), each state marked
/// with how many applications reached it (`reached`, by state id; absent is none).
///
/// Column: the state's distance from the initial state (states it cannot reach go in a
/// last column); order in a column: the blueprint's. Arrows to a later column are
/// straight; arrows back, within a column or to the same state are curved.
pub fn workflow(bp: &Blueprint, lang: &str, reached: &BTreeMap<String, u64>) -> String {
    let wf = &bp.workflow;
    let states = &wf.states;
    let index = |id: &str| states.iter().position(|s| s.id.as_str() == id);

    let mut edges: Vec<Edge> = Vec::new();
    for t in &wf.transitions {
        let Some(to) = index(t.to.as_str()) else {
            continue;
        };
        for from in t.from.iter().filter_map(|f| index(f.as_str())) {
            let label = t.label.get(lang).to_string();
            match edges.iter_mut().find(|e| e.from == from && e.to == to) {
                Some(e) => {
                    if !e.labels.contains(&label) {
                        e.labels.push(label);
                    }
                    e.actions.push(t.action.value.clone());
                }
                None => edges.push(Edge {
                    from,
                    to,
                    labels: vec![label],
                    actions: vec![t.action.value.clone()],
                }),
            }
        }
    }

    // Breadth-first from the initial state, following transitions in blueprint order.
    let mut depth: Vec<Option<usize>> = vec![None; states.len()];
    let mut queue = VecDeque::new();
    if let Some(i) = index(wf.initial.as_str()) {
        depth[i] = Some(0);
        queue.push_back(i);
    }
    while let Some(i) = queue.pop_front() {
        for e in edges.iter().filter(|e| e.from == i) {
            if depth[e.to].is_none() {
                depth[e.to] = Some(depth[i].unwrap_or(0) + 1);
                queue.push_back(e.to);
            }
        }
    }
    let last = depth.iter().flatten().max().map_or(0, |d| d + 1);
    let column: Vec<usize> = depth.iter().map(|d| d.unwrap_or(last)).collect();
    let columns = column.iter().max().map_or(1, |c| c + 1);
    let mut place = vec![(0i32, 0i32); states.len()];
    let mut rows = 1;
    for c in 0..columns {
        let mut k = 0;
        for (i, _) in column.iter().enumerate().filter(|(_, col)| **col == c) {
            place[i] = (LEFT + c as i32 * COLUMN, TOP + k * ROW);
            k += 1;
        }
        rows = rows.max(k);
    }

    let width = (LEFT + columns as i32 * COLUMN - 140).max(MIN_WIDTH);
    let bottom = TOP + rows * ROW + 40;
    let legend_y = bottom + 20;
    let height = legend_y + 30;
    let f = Frame::new(width, lang);
    let title = format!("{}: {}", words("workflow_title", lang), bp.title.get(lang));
    let arrow = svg::escape(&format!("qw-flow-{}-{}-arrow", bp.id.as_str(), f.lang));

    let mut out = String::new();
    svg::open(&mut out, &f, height, &title);
    out.push_str("<defs>\n");
    svg::marker(&mut out, &arrow, "#444444");
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
    words_at(&mut out, 20, 30, 17, Anchor::Start, true, "#1a1a1a", &title);

    // Where each arrow leaves and enters a box: on its right side (toward later
    // columns) or its left side, the arrows on one side spread along it in the order of
    // their other ends, so that they do not share a point.
    let ends: Vec<Option<(bool, bool)>> = edges
        .iter()
        .map(|e| match column[e.to].cmp(&column[e.from]) {
            _ if e.from == e.to => None,
            Ordering::Greater => Some((true, false)),
            Ordering::Equal => Some((true, true)),
            Ordering::Less => Some((false, true)),
        })
        .collect();
    let mut sides: BTreeMap<(usize, bool), Vec<PortUse>> = BTreeMap::new();
    for (k, e) in edges.iter().enumerate() {
        if let Some((from_right, to_right)) = ends[k] {
            sides
                .entry((e.from, from_right))
                .or_default()
                .push((place[e.to].1, k, true));
            sides
                .entry((e.to, to_right))
                .or_default()
                .push((place[e.from].1, k, false));
        }
    }
    let mut port: BTreeMap<(usize, bool), i32> = BTreeMap::new();
    for ((state, _), mut list) in sides {
        list.sort();
        let n = list.len() as i32;
        for (k, (_, edge, is_from)) in list.into_iter().enumerate() {
            let y = place[state].1 + (k as i32 + 1) * BOX_H / (n + 1);
            port.insert((edge, is_from), y);
        }
    }

    // The arrows first, so that the states are drawn over their ends.
    for (k, e) in edges.iter().enumerate() {
        let (fx, fy) = place[e.from];
        let (tx, ty) = place[e.to];
        let text = e.labels.join(" / ");
        let y1 = port.get(&(k, true)).copied().unwrap_or(fy);
        let y2 = port.get(&(k, false)).copied().unwrap_or(ty);
        let (path, lx, ly, anchor) = if e.from == e.to {
            let cx = fx + BOX_W / 2;
            (
                format!(
                    "M{},{fy} C{},{} {},{} {},{fy}",
                    f.x(cx - 16),
                    f.x(cx - 34),
                    fy - 38,
                    f.x(cx + 34),
                    fy - 38,
                    f.x(cx + 16)
                ),
                cx,
                fy - 34,
                Anchor::Middle,
            )
        } else if column[e.to] > column[e.from] {
            let (x1, x2) = (fx + BOX_W, tx);
            (
                format!("M{},{y1} L{},{y2}", f.x(x1), f.x(x2 - 2)),
                (x1 + x2) / 2,
                (y1 + y2) / 2 - 5,
                Anchor::Middle,
            )
        } else if column[e.to] == column[e.from] {
            // Within a column: out on the right side, bulging more the farther it goes.
            let x = fx + BOX_W;
            let bulge = 36 + 14 * ((ty - fy).abs() / ROW);
            let cy = (y1 + y2) / 2;
            (
                format!(
                    "M{},{y1} Q{},{cy} {},{y2}",
                    f.x(x),
                    f.x(x + 2 * bulge),
                    f.x(x + 2)
                ),
                x + bulge + 4,
                cy + 4,
                Anchor::Start,
            )
        } else {
            // Back to an earlier column: below the straight way.
            let (x1, x2) = (fx, tx + BOX_W);
            let spread = (column[e.from] - column[e.to]) as i32;
            let (cx, cy) = ((x1 + x2) / 2, y1.max(y2) + 36 + 14 * spread);
            (
                format!("M{},{y1} Q{},{cy} {},{y2}", f.x(x1), f.x(cx), f.x(x2 + 2)),
                cx,
                (y1 + y2) / 4 + cy / 2 + 13,
                Anchor::Middle,
            )
        };
        let _ = writeln!(
            out,
            "<g>\n<title>{}</title>",
            svg::escape(&format!(
                "{}: {} → {}",
                e.actions.join(", "),
                states[e.from].id.as_str(),
                states[e.to].id.as_str()
            ))
        );
        let _ = writeln!(
            out,
            r##"<path d="{path}" fill="none" stroke="#444444" stroke-width="1.5" marker-end="url(#{arrow})"/>"##
        );
        let size = 11;
        let room = if anchor == Anchor::Middle {
            COLUMN - BOX_W
        } else {
            COLUMN - BOX_W - 60
        };
        f.text(
            &mut out,
            &Text {
                x: lx,
                y: ly,
                size,
                anchor,
                script: Script::Words,
                fill: "#222222",
                bold: false,
                halo: true,
                content: &svg::fit(&text, room, size),
            },
        );
        out.push_str("</g>\n");
    }

    // The initial state's mark: a dot and an arrow into it.
    if let Some(i) = index(wf.initial.as_str()) {
        let (x, y) = place[i];
        initial_mark(&mut out, &f, x - 44, y + BOX_H / 2, x, &arrow);
    }

    for (i, s) in states.iter().enumerate() {
        let (x, y) = place[i];
        let count = reached.get(s.id.as_str()).copied().unwrap_or(0);
        let (fill, border, ink) = if count > 0 {
            ("#dff3e4", "#1f6f43", "#1a1a1a")
        } else {
            ("#f6f6f6", "#b8b8b8", "#8a8a8a")
        };
        let _ = writeln!(
            out,
            "<g>\n<title>{}</title>",
            svg::escape(&format!("{} ({})", s.label.get(lang), s.id.as_str()))
        );
        let width = if s.is_final { "1.5" } else { "2" };
        f.rect(
            &mut out,
            x,
            y,
            BOX_W,
            BOX_H,
            &format!(r#"rx="8" fill="{fill}" stroke="{border}" stroke-width="{width}""#),
        );
        if s.is_final {
            f.rect(
                &mut out,
                x + 4,
                y + 4,
                BOX_W - 8,
                BOX_H - 8,
                &format!(r#"rx="5" fill="none" stroke="{border}" stroke-width="1.5""#),
            );
        }
        let cx = x + BOX_W / 2;
        words_at(
            &mut out,
            cx,
            y + 22,
            13,
            Anchor::Middle,
            true,
            ink,
            &svg::fit(s.label.get(lang), BOX_W - 16, 13),
        );
        let id = |out: &mut String, y, content: &str| {
            f.text(
                out,
                &Text {
                    x: cx,
                    y,
                    size: 11,
                    anchor: Anchor::Middle,
                    script: Script::Id,
                    fill: ink,
                    bold: false,
                    halo: false,
                    content,
                },
            )
        };
        id(&mut out, y + 39, &svg::fit(s.id.as_str(), BOX_W - 16, 11));
        if count > 0 {
            id(
                &mut out,
                y + 54,
                &format!("×{}", local_digits(&count.to_string(), lang)),
            );
        }
        out.push_str("</g>\n");
    }

    legend(&mut out, &f, legend_y, lang, &arrow);
    out.push_str("</svg>\n");
    out
}

/// A dot at `(x, y)` and an arrow from it to `to_x`.
fn initial_mark(out: &mut String, f: &Frame, x: i32, y: i32, to_x: i32, arrow: &str) {
    let _ = writeln!(
        out,
        r##"<circle cx="{}" cy="{y}" r="7" fill="#1a1a1a"/>"##,
        f.x(x)
    );
    let _ = writeln!(
        out,
        r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#1a1a1a" stroke-width="1.5" marker-end="url(#{arrow})"/>"##,
        f.x(x + 7),
        f.x(to_x - 2)
    );
}

/// The legend: what the marks and colours mean.
fn legend(out: &mut String, f: &Frame, y: i32, lang: &str, arrow: &str) {
    let step = (f.width - 40) / 5;
    let sample = |i: i32| 20 + i * step;
    let text = |out: &mut String, i: i32, key: &str| {
        f.text(
            out,
            &Text {
                x: sample(i) + 52,
                y,
                size: 12,
                anchor: Anchor::Start,
                script: Script::Words,
                fill: "#333333",
                bold: false,
                halo: false,
                content: words(key, lang),
            },
        )
    };
    initial_mark(out, f, sample(0) + 7, y - 4, sample(0) + 44, arrow);
    text(out, 0, "initial");
    f.rect(
        out,
        sample(1),
        y - 14,
        40,
        20,
        r##"rx="4" fill="#ffffff" stroke="#555555" stroke-width="1.5""##,
    );
    f.rect(
        out,
        sample(1) + 3,
        y - 11,
        34,
        14,
        r##"rx="3" fill="none" stroke="#555555" stroke-width="1.5""##,
    );
    text(out, 1, "final");
    f.rect(
        out,
        sample(2),
        y - 14,
        40,
        20,
        r##"rx="4" fill="#dff3e4" stroke="#1f6f43" stroke-width="2""##,
    );
    text(out, 2, "reached");
    f.rect(
        out,
        sample(3),
        y - 14,
        40,
        20,
        r##"rx="4" fill="#f6f6f6" stroke="#b8b8b8" stroke-width="2""##,
    );
    text(out, 3, "unreached");
    let (x1, x2) = (sample(4) + 40, sample(4));
    let _ = writeln!(
        out,
        r##"<path d="M{},{} Q{},{} {},{}" fill="none" stroke="#444444" stroke-width="1.5" marker-end="url(#{arrow})"/>"##,
        f.x(x1),
        y - 10,
        f.x((x1 + x2) / 2),
        y + 8,
        f.x(x2),
        y - 10
    );
    text(out, 4, "back");
}
