//! The few SVG pieces both diagrams are drawn with: escaping, a frame that mirrors
//! the picture for a right-to-left language, texts that fit their box, and the
//! document's opening with its title.

use std::fmt::Write;

/// `text` escaped for XML, in content and in attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0, except tab and newlines.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to what fits in `width` pixels at `size`, with an ellipsis when cut. The
/// width of a character is guessed (no font is at hand): 0.56 of the size.
pub fn fit(text: &str, width: i32, size: i32) -> String {
    let max = ((width * 100) / (size * 56)).max(2) as usize;
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Where things are drawn: the picture is laid out left to right and mirrored as a whole
/// for a right-to-left language, so that it reads from the right.
pub struct Frame {
    /// The picture's width.
    pub width: i32,
    /// Whether the language is written right to left.
    pub rtl: bool,
    /// The language's code, `en` or `ar`.
    pub lang: String,
}

/// What a text is: words in the chosen language, or an identifier (always left to right).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Words in the diagram's language.
    Words,
    /// An identifier: an X-Road id, a state or integration id, a count.
    Id,
}

/// How a text is anchored, in the picture's left-to-right layout.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// At its start.
    Start,
    /// At its middle.
    Middle,
}

/// A text to draw.
pub struct Text<'a> {
    /// Where, in the left-to-right layout.
    pub x: i32,
    /// Its baseline.
    pub y: i32,
    /// The font size.
    pub size: i32,
    /// How it is anchored.
    pub anchor: Anchor,
    /// Words or an identifier.
    pub script: Script,
    /// Its colour.
    pub fill: &'a str,
    /// Whether it is bold.
    pub bold: bool,
    /// Whether it has a white halo (a label over lines).
    pub halo: bool,
    /// The text, not yet escaped.
    pub content: &'a str,
}

impl Frame {
    /// A frame `width` wide for `lang` (`ar` is right to left).
    pub fn new(width: i32, lang: &str) -> Frame {
        Frame {
            width,
            rtl: lang == "ar",
            lang: lang.to_string(),
        }
    }

    /// The drawn x of the point `x`.
    pub fn x(&self, x: i32) -> i32 {
        if self.rtl { self.width - x } else { x }
    }

    /// The drawn left edge of a box at `x`, `w` wide.
    pub fn left(&self, x: i32, w: i32) -> i32 {
        if self.rtl { self.width - x - w } else { x }
    }

    /// Writes a rectangle.
    pub fn rect(&self, out: &mut String, x: i32, y: i32, w: i32, h: i32, attrs: &str) {
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{y}" width="{w}" height="{h}" {attrs}/>"#,
            self.left(x, w)
        );
    }

    /// Writes a text. Words in a right-to-left language are marked `direction="rtl"`,
    /// which also turns their start anchor to the right as the mirrored layout wants;
    /// identifiers stay left to right, their anchor turned by hand.
    pub fn text(&self, out: &mut String, t: &Text) {
        let family = match t.script {
            Script::Words => "sans-serif",
            Script::Id => "monospace",
        };
        let flip = self.rtl && t.script == Script::Id;
        let anchor = match (t.anchor, flip) {
            (Anchor::Middle, _) => "middle",
            (Anchor::Start, false) => "start",
            (Anchor::Start, true) => "end",
        };
        // A white halo keeps a text readable where a line crosses it.
        let halo = if t.halo {
            r##" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##
        } else {
            ""
        };
        let direction = match (self.rtl, t.script) {
            (true, Script::Words) => r#" direction="rtl" unicode-bidi="embed""#,
            (true, Script::Id) => r#" direction="ltr" unicode-bidi="embed""#,
            (false, _) => "",
        };
        let bold = if t.bold { r#" font-weight="bold""# } else { "" };
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-family="{family}" font-size="{}" fill="{}" text-anchor="{anchor}"{direction}{bold}{halo}>{}</text>"#,
            self.x(t.x),
            t.y,
            t.size,
            t.fill,
            escape(t.content)
        );
    }
}

/// The opening of a standalone, accessible SVG document: its namespace, size, language,
/// role and title.
pub fn open(out: &mut String, frame: &Frame, height: i32, title: &str) {
    let title = escape(title);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" width="{w}" height="{height}" role="img" aria-label="{title}" xml:lang="{lang}">"#,
        w = frame.width,
        lang = escape(&frame.lang),
    );
    let _ = writeln!(out, "<title>{title}</title>");
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{}" height="{height}" fill="#ffffff"/>"##,
        frame.width
    );
}

/// An arrowhead marker `id`, of colour `fill`.
pub fn marker(out: &mut String, id: &str, fill: &str) {
    let _ = writeln!(
        out,
        r#"<marker id="{id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{fill}"/></marker>"#
    );
}

/// `text` broken at spaces into at most `lines` lines that fit in `width` pixels at
/// `size`, the last one cut as [`fit`] cuts.
pub fn wrap(text: &str, width: i32, size: i32, lines: usize) -> Vec<String> {
    let max = ((width * 100) / (size * 56)).max(2) as usize;
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut words = text.split(' ').peekable();
    while let Some(word) = words.next() {
        let wider = line.chars().count() + 1 + word.chars().count() > max;
        if !line.is_empty() && wider && out.len() + 1 < lines {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        if out.len() + 1 == lines {
            let rest: Vec<&str> = words.by_ref().collect();
            if !rest.is_empty() {
                line.push(' ');
                line.push_str(&rest.join(" "));
            }
        }
    }
    out.push(fit(&line, width, size));
    out
}
