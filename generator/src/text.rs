//! Blueprint texts (titles, labels, descriptions) made safe for each kind of file they
//! go into. Labels may hold anything a person can type — quotes, `{{`, backslashes,
//! newlines, Arabic, emoji, control characters — and none of it may change the meaning
//! of the file around it.

/// Characters that reorder text where it is shown (Rust refuses them in comments).
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// One line: control and bidi characters dropped, runs of white space made one space.
pub fn line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !bidi_control(*c))
        .collect::<String>()
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text for a Rust doc comment (`/// …`), at the start of the line or after a
/// lead-in: one line, with what rustdoc's Markdown acts on escaped.
pub fn doc(text: &str) -> String {
    markdown_start(text)
}

/// Text for Markdown inside a line: one line, with the characters of emphasis, code,
/// links, tables and HTML escaped.
pub fn markdown(text: &str) -> String {
    escape_markdown(&line(text), false)
}

/// Text for Markdown at the start of a line: as [`markdown`], and what would start a
/// list, a quote, a heading or a rule there (`- `, `+`, `>`, `=`, `1.`) escaped too.
pub fn markdown_start(text: &str) -> String {
    escape_markdown(&line(text), true)
}

fn escape_markdown(one: &str, start: bool) -> String {
    let mut out = String::new();
    let digits = one.chars().take_while(char::is_ascii_digit).count();
    let numbered = start && digits > 0 && matches!(one.chars().nth(digits), Some('.' | ')'));
    if start && matches!(one.chars().next(), Some('-' | '+' | '>' | '=')) {
        out.push('\\');
    }
    for (i, c) in one.chars().enumerate() {
        if numbered && i == digits {
            out.push('\\');
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A TOML basic string, quotes included.
pub fn toml(text: &str) -> String {
    let mut out = String::from("\"");
    for c in line(text).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value for a systemd unit setting: one line, `%` doubled (specifiers) and `\`
/// doubled (escapes).
pub fn systemd(text: &str) -> String {
    line(text).replace('\\', "\\\\").replace('%', "%%")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "A \"quoted\" {{ name }} \\ back\nslash\r\n*/ </script> %i \u{202E}evil 🙂 الاسم";

    #[test]
    fn hostile_text_stays_text_in_every_kind_of_file() {
        let l = line(HOSTILE);
        assert!(!l.contains('\n') && !l.contains('\r') && !l.contains('\u{202E}'));
        assert!(l.contains("🙂") && l.contains("الاسم"));
        let d = doc(HOSTILE);
        assert!(
            !d.contains("</script>") && d.contains("&lt;/script&gt;"),
            "{d}"
        );
        assert!(d.contains("{{ name }}") && d.contains("\\\\ back"), "{d}");
        let t = toml(HOSTILE);
        assert!(t.starts_with('"') && t.ends_with('"'));
        assert!(
            t.contains("\\\"quoted\\\"") && t.contains("\\\\ back"),
            "{t}"
        );
        // No unescaped quote inside.
        let inner = &t[1..t.len() - 1];
        assert!(
            !inner.replace("\\\\", "").replace("\\\"", "").contains('"'),
            "{t}"
        );
        for (start, escaped) in [
            ("- item", "\\- item"),
            ("+ x", "\\+ x"),
            ("> q", "\\&gt; q"),
            ("1. one", "1\\. one"),
            ("12) x", "12\\) x"),
            ("---", "\\---"),
        ] {
            assert_eq!(markdown_start(start), escaped);
        }
        assert_eq!(markdown_start("2026 plan"), "2026 plan");
        assert_eq!(markdown("1.2.0"), "1.2.0");
        let s = systemd(HOSTILE);
        assert!(
            s.contains("%%i") && s.contains("\\\\ back") && !s.contains('\n'),
            "{s}"
        );
    }
}
