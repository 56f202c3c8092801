//! Lists in a sentence, for messages: "one of `a`, `b` or `c`", "`a`, `b` and `c`".

/// "one of `a`, `b` or `c`" (or "`a`" for a single choice): what may stand somewhere.
/// It says "one of" itself, so the sentence around it must not.
pub fn one_of<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    match items.len() {
        0 => "nothing".to_string(),
        1 => format!("`{}`", items[0]),
        _ => format!("one of {}", joined(items, "or")),
    }
}

/// "`a`, `b` and `c`": every one of a list, e.g. "the states are …".
pub fn all_of<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    joined(items, "and")
}

/// "`a`, `b` or `c`", for a sentence that already says which, e.g. "no … version".
pub fn either<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    joined(items, "or")
}

fn joined<'a>(items: impl IntoIterator<Item = &'a str>, last: &str) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("`{s}`")).collect();
    match items.len() {
        0 => "nothing".to_string(),
        1 => items[0].clone(),
        n => format!("{} {last} {}", items[..n - 1].join(", "), items[n - 1]),
    }
}
