//! YAML syntax errors in plain words. The parser names what it expected where it
//! stopped; a beginner needs the cause, which is often a few characters away: a tab on
//! the next line, a text that starts with `{`, a `: ` inside a value. These are
//! recognised from the source text around the error, and the fix is shown.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Source, Span};

/// Turn the parser's message into plain words, with a hint for the usual causes.
pub(super) fn syntax_error(source: &Source, offset: usize, info: &str) -> Diagnostic {
    if let Some(d) = tab(source, offset, info) {
        return d;
    }
    if let Some(d) = unquoted_text(source, offset) {
        return d;
    }
    let pos = source.position(offset);
    let span = Span::new(offset, offset + 1);
    let (message, help) = explain(info);
    let d = Diagnostic::error(Code::YamlSyntax, span, message).with_help_opt(help);
    match unclosed_bracket(source, pos.line) {
        Some(open) if info.contains("flow") => {
            d.with_label(Span::new(open, open + 1), "this bracket is never closed")
        }
        _ => d,
    }
}

/// A tab where YAML allows only spaces, reported at the tab itself.
///
/// When the parser says "tab", it may point at the token before it (a plain value on
/// the line above), so the tab is looked for from the start of the error's line on:
/// the first tab in a line's indentation, else the first tab. When it does not say
/// "tab", only a tab right before where it stopped counts (`key:<tab>value`).
fn tab(source: &Source, offset: usize, info: &str) -> Option<Diagnostic> {
    let text = &source.text;
    let offset = offset.min(text.len());
    let at = if info.contains("tab") {
        let from = source.offset(source.position(offset).line, 1);
        let mut first = None;
        let mut indented = None;
        let mut line_start = true;
        for (i, c) in text[from..].char_indices() {
            match c {
                '\t' if line_start => {
                    indented = Some(from + i);
                    break;
                }
                '\t' => {
                    first.get_or_insert(from + i);
                }
                '\n' => line_start = true,
                ' ' => {}
                _ => line_start = false,
            }
        }
        indented.or(first)?
    } else {
        // The run of blanks that ends where the parser stopped, if it holds a tab.
        let before = &text[..offset];
        let blanks = before.len() - before.trim_end_matches([' ', '\t']).len();
        let run = &before[offset - blanks..];
        offset - blanks + run.find('\t')?
    };
    let pos = source.position(at);
    let line_start = source.offset(pos.line, 1);
    let in_indentation = text[line_start..at].chars().all(|c| c == ' ' || c == '\t');
    let span = Span::new(at, at + 1);
    Some(if in_indentation {
        Diagnostic::error(
            Code::YamlSyntax,
            span,
            "a tab character is used for indentation",
        )
        .with_help("YAML indents with spaces only; replace the tab with spaces")
    } else if text[..at].trim_end_matches(['\t', ' ']).ends_with(':') {
        Diagnostic::error(
            Code::YamlSyntax,
            span,
            "a tab character separates a key from its value",
        )
        .with_help("YAML wants a space after `:`; replace the tab with a space")
    } else {
        Diagnostic::error(
            Code::YamlSyntax,
            span,
            "a tab character is used where YAML allows only spaces",
        )
        .with_help("replace the tab with spaces")
    })
}

/// A text the author meant as text but YAML reads as structure, recognised on the
/// error's line: a value starting with `{` or `[` and going on after the closing
/// bracket (`en: {tracking} received`), or a value with a `: ` inside, in a one-line
/// mapping (`label: {en: Name: as on card}`) or on its own (`en: Name: as on card`).
/// The fix is the line with that value in double quotes.
fn unquoted_text(source: &Source, offset: usize) -> Option<Diagnostic> {
    let pos = source.position(offset);
    let line = source.line_text(pos.line);
    let line_start = source.offset(pos.line, 1);
    let at = offset.checked_sub(line_start)?.min(line.len());
    let (start, end, message) = bracketed_text(line, at)
        .or_else(|| colon_in_flow_value(line, at))
        .or_else(|| colon_in_block_value(line, at))?;
    let value = &line[start..end];
    let quoted = format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""));
    let fixed = format!("{}{quoted}{}", &line[..start], &line[end..]);
    Some(
        Diagnostic::error(
            Code::YamlSyntax,
            Span::new(line_start + start, line_start + end),
            message,
        )
        .with_help(format!("put the text in quotes: `{}`", fixed.trim())),
    )
}

/// `en: {tracking} received` (or `label: {en: {tracking} received}`): a value that starts
/// with a bracket, closes it before where the parser stopped and goes on.
fn bracketed_text(line: &str, at: usize) -> Option<(usize, usize, String)> {
    let fits = |&(start, close, end): &(usize, usize, usize)| {
        line[start..].starts_with(['{', '['])
            && close < at
            && close < end
            && !line[close + 1..end].trim().is_empty()
    };
    let block = block_value_start(line).and_then(|start| {
        let close = matching_close(line, start)?;
        Some((start, close, value_end(line, close + 1)))
    });
    let flow = || {
        flow_value(line, at)
            .and_then(|(start, end)| Some((start, matching_close(line, start)?, end)))
    };
    let (start, _, end) = block.filter(fits).or_else(|| flow().filter(fits))?;
    let value = &line[start..end];
    let (open, what) = if value.starts_with('{') {
        ('{', "a mapping")
    } else {
        ('[', "a list")
    };
    Some((
        start,
        end,
        format!("the text `{value}` starts with `{open}`, which YAML reads as the start of {what}"),
    ))
}

/// `label: {en: Name: as on card}`: the parser stopped at a second `: ` in one entry of a
/// one-line mapping.
fn colon_in_flow_value(line: &str, at: usize) -> Option<(usize, usize, String)> {
    if !line[at..].starts_with(':') {
        return None;
    }
    let (start, end) = flow_value(line, at)?;
    if start >= at || line[start..].starts_with(['"', '\'', '{', '[']) {
        return None;
    }
    Some((start, end, colon_message(&line[start..end])))
}

/// The value of the entry of a one-line mapping that `at` is in: from after its `key: `
/// to the next `,` or `}` of that mapping.
fn flow_value(line: &str, at: usize) -> Option<(usize, usize)> {
    // The entry: after the innermost open `{` or the last `,` in it.
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut quote = None;
    for (i, c) in line[..at].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{' | '[') => stack.push((c, i + 1)),
            (None, '}' | ']') => {
                stack.pop();
            }
            (None, ',') => {
                if let Some(top) = stack.last_mut() {
                    top.1 = i + 1;
                }
            }
            _ => {}
        }
    }
    let &('{', entry) = stack.last()? else {
        return None;
    };
    let key_colon = entry + line[entry..at].find(": ")?;
    let after = &line[key_colon + 2..];
    let start = key_colon + 2 + (after.len() - after.trim_start().len());
    let mut depth = 0usize;
    let mut end = line.len();
    for (i, c) in line[at..].char_indices() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' if depth > 0 => depth -= 1,
            ',' | '}' | ']' => {
                end = at + i;
                break;
            }
            _ => {}
        }
    }
    (start < end).then(|| (start, start + line[start..end].trim_end().len()))
}

/// `en: Name: as on card`: the parser stopped at a `:` after the value had begun.
fn colon_in_block_value(line: &str, at: usize) -> Option<(usize, usize, String)> {
    let start = block_value_start(line)?;
    if at <= start
        || !line[at..].starts_with(':')
        || line[start..].starts_with(['"', '\'', '{', '[', '|', '>', '&', '*', '!', '#'])
    {
        return None;
    }
    let end = value_end(line, start);
    (end > at).then(|| (start, end, colon_message(&line[start..end])))
}

fn colon_message(value: &str) -> String {
    format!("the text `{value}` contains `: `, which YAML reads as a key and its value")
}

/// Where the value of a block line (`key: value`, `- value`, `- key: value`) starts.
fn block_value_start(line: &str) -> Option<usize> {
    let mut i = line.len() - line.trim_start().len();
    while line[i..].starts_with("- ") {
        i += 2;
        i += line[i..].len() - line[i..].trim_start().len();
    }
    let rest = &line[i..];
    if !rest.starts_with(['{', '[', '"', '\'']) {
        if let Some(colon) = rest.find(": ") {
            i += colon + 2;
            i += line[i..].len() - line[i..].trim_start().len();
        }
    }
    (i < line.len() && !line[i..].starts_with('#')).then_some(i)
}

/// The index of the bracket that closes the one at `open` on the same line.
fn matching_close(line: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in line[open..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where a plain value that runs from `from` ends: before a ` #` comment and trailing blanks.
fn value_end(line: &str, from: usize) -> usize {
    let rest = &line[from..];
    let cut = rest
        .char_indices()
        .find(|&(i, c)| c == '#' && rest[..i].ends_with([' ', '\t']))
        .map_or(rest.len(), |(i, _)| i);
    from + rest[..cut].trim_end().len()
}

/// The last `[` or `{` before `line` that is not closed on its own line (outside quotes).
fn unclosed_bracket(source: &Source, line: usize) -> Option<usize> {
    for l in (1..=line).rev().take(20) {
        let text = source.line_text(l);
        let mut stack = Vec::new();
        let mut quote = None;
        for (i, c) in text.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') if i == 0 || text[..i].ends_with(' ') => break,
                (None, '[' | '{') => stack.push(i),
                (None, ']' | '}') => {
                    stack.pop();
                }
                _ => {}
            }
        }
        if let Some(&i) = stack.last() {
            return Some(source.offset(l, 1) + i);
        }
    }
    None
}

fn explain(info: &str) -> (String, Option<String>) {
    let lower = info.to_lowercase();
    let help = if lower.contains("mapping values are not allowed") {
        Some("a value that contains `: ` must be put in quotes, or the line is indented wrongly")
    } else if lower.contains("did not find expected key") || lower.contains("block end") {
        Some("check that this line is indented like its neighbours")
    } else if lower.contains("unclosed quote") || lower.contains("quoted scalar") {
        Some("close the quote on the same value")
    } else if lower.contains("flow") {
        Some("check the brackets `[` `]` and braces `{` `}` are balanced")
    } else if lower.contains("alias") || lower.contains("anchor") {
        Some("`*` and `&` start aliases and anchors in YAML; put the value in quotes")
    } else {
        None
    };
    (
        format!("invalid YAML: {}", info.trim_end_matches('.')),
        help.map(str::to_string),
    )
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    /// The first error's line, column, message and help.
    fn error(text: &str) -> (usize, usize, String, String) {
        let source = Source::new("t.yaml", text);
        let errors = parse(&source).expect_err("should fail");
        let d = &errors[0];
        let p = source.position(d.span.start);
        assert_eq!(d.code, Code::YamlSyntax);
        (
            p.line,
            p.column,
            d.message.clone(),
            d.help.clone().unwrap_or_default(),
        )
    }

    #[test]
    fn tabs_are_reported_where_they_are() {
        for (text, line, column) in [
            // After a plain value, the parser points at the value on the line above.
            ("a:\n  - id: clerk\n\tkind: staff\n", 3, 1),
            ("a:\n  b: x\n  \tc: 2\n", 3, 3),
            ("a:\n  b: text that\n    goes on\n\tc: 1\n", 4, 1),
            ("roles:\n\t- x\n", 2, 1),
            ("a: 'x'\n\tb: 1\n", 2, 1),
        ] {
            let (l, c, message, help) = error(text);
            assert_eq!((l, c), (line, column), "{text:?}: {message}");
            assert_eq!(message, "a tab character is used for indentation");
            assert!(help.contains("replace the tab"), "{help}");
        }
        for text in ["a:\t1\n", "key:\t\tvalue\nb: 1\n", "a: {b:\t1}\n"] {
            let (l, c, message, _) = error(text);
            let col = text.find('\t').unwrap() + 1;
            assert_eq!((l, c), (1, col), "{text:?}");
            assert_eq!(message, "a tab character separates a key from its value");
        }
    }

    #[test]
    fn texts_that_yaml_reads_as_structure_are_to_be_quoted() {
        for (text, line, column, fixed) in [
            (
                "a:\n  en: {tracking} received\n",
                2,
                7,
                r#"en: "{tracking} received""#,
            ),
            (
                "a:\n  - {tracking} received # c\n  - b\n",
                2,
                5,
                r#"- "{tracking} received" # c"#,
            ),
            (
                "a:\n  en: [draft] \"x\" \\ y\n",
                2,
                7,
                r#"en: "[draft] \"x\" \\ y""#,
            ),
            (
                "label: {en: Name: as on card, ar: الاسم}\n",
                1,
                13,
                r#"label: {en: "Name: as on card", ar: الاسم}"#,
            ),
            (
                "a: [x, {en: Time: 10:00}]\n",
                1,
                13,
                r#"a: [x, {en: "Time: 10:00"}]"#,
            ),
            (
                "label: {en: {tracking} received, ar: x}\n",
                1,
                13,
                r#"label: {en: "{tracking} received", ar: x}"#,
            ),
            ("a:\n  - [x] y\n", 2, 5, r#"- "[x] y""#),
            (
                "a:\n  en: Name: as on card  # c\n",
                2,
                7,
                r#"en: "Name: as on card"  # c"#,
            ),
        ] {
            let (l, c, message, help) = error(text);
            assert_eq!((l, c), (line, column), "{text:?}: {message}");
            assert!(message.starts_with("the text `"), "{message}");
            assert_eq!(help, format!("put the text in quotes: `{fixed}`"));
        }
    }

    #[test]
    fn other_errors_keep_the_parsers_words() {
        let (_, _, message, help) = error("a:\n  b: 1\n   c: 2\n");
        assert!(message.starts_with("invalid YAML"), "{message}");
        assert!(!help.starts_with("put the text in quotes"), "{help}");
        let (_, _, message, _) = error("a: [unclosed\nb: 1\n");
        assert!(message.starts_with("invalid YAML"), "{message}");
    }
}
