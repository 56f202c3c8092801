//! A one-letter typo in any state, role or field name where a catalogue blueprint uses
//! it gives a located diagnostic with a suggestion.

use quickwin_blueprint::check_bytes;

use crate::support::{catalogue, root};

/// Keys whose values name states, roles or fields, or hold expressions over fields.
const REFERENCE_KEYS: &[&str] = &[
    "from",
    "to",
    "role",
    "initial",
    "fields",
    "public",
    "returns",
    "key",
    "due",
    "issue_in",
    "when",
    "if",
    "expr",
    "required_if",
    "quantity",
];

fn names(bp: &quickwin_blueprint::Blueprint) -> Vec<String> {
    let mut names: Vec<String> = bp
        .workflow
        .states
        .iter()
        .map(|s| s.id.value.clone())
        .collect();
    names.extend(bp.roles.iter().map(|r| r.id.value.clone()));
    names.extend(
        bp.case_record()
            .into_iter()
            .flat_map(|r| r.fields.iter().map(|f| f.id.value.clone())),
    );
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    names
}

/// Byte ranges of whole-word uses of `name` in the values of reference keys.
fn uses(text: &str, name: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ");
        let key_end = trimmed.find(':');
        let key = key_end.map(|k| trimmed[..k].trim());
        if let (Some(key), Some(k)) = (key, key_end) {
            if REFERENCE_KEYS.contains(&key) {
                let value_start = line.len() - trimmed.len() + k + 1;
                let value = &line[value_start..];
                let mut from = 0;
                while let Some(i) = value[from..].find(name) {
                    let s = from + i;
                    let e = s + name.len();
                    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    if !word(value[..s].chars().last()) && !word(value[e..].chars().next()) {
                        out.push(offset + value_start + s);
                    }
                    from = e;
                }
            }
        }
        offset += line.len();
    }
    out
}

#[test]
fn one_letter_typos_are_located_with_a_suggestion() {
    let mut tried = 0;
    for file in catalogue() {
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        let bp = check_bytes("x", text.as_bytes())
            .blueprint
            .expect("catalogue blueprints are valid");
        for name in names(&bp) {
            if name.len() < 3 {
                continue;
            }
            for at in uses(&text, &name) {
                // Drop the second letter: `approved` → `aproved`.
                let mut typo = text.clone();
                typo.replace_range(at + 1..at + 2, "");
                let checked = check_bytes("typo.yaml", typo.as_bytes());
                let hit = checked.diagnostics.iter().find(|d| {
                    d.is_error() && d.span.start <= at && at < d.span.end.max(d.span.start + 1)
                });
                let Some(d) = hit else {
                    panic!(
                        "{}: a typo in `{name}` at byte {at} gave no error there: {:#?}",
                        file.display(),
                        checked.diagnostics
                    );
                };
                let help = d.help.as_deref().unwrap_or_default();
                assert!(
                    help.contains(&format!("did you mean `{name}`?")),
                    "{}: `{name}` at {at}: {d:?}",
                    file.display()
                );
                tried += 1;
            }
        }
    }
    assert!(tried > 100, "only {tried} typos tried");
}
