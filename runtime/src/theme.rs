//! The pages' templates and style sheet: the embedded ones, a team's own versions of
//! them, and the filters the templates use (digits and counted words in the page's
//! language).

use std::sync::OnceLock;

use crate::text;

/// The pages' templates, embedded in the binary.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/portal/base.html")),
    (
        "macros.html",
        include_str!("../templates/portal/macros.html"),
    ),
    ("start.html", include_str!("../templates/portal/start.html")),
    ("page.html", include_str!("../templates/portal/page.html")),
    ("exit.html", include_str!("../templates/portal/exit.html")),
    ("check.html", include_str!("../templates/portal/check.html")),
    (
        "confirmation.html",
        include_str!("../templates/portal/confirmation.html"),
    ),
    ("track.html", include_str!("../templates/portal/track.html")),
    (
        "status.html",
        include_str!("../templates/portal/status.html"),
    ),
    (
        "message.html",
        include_str!("../templates/portal/message.html"),
    ),
    (
        "certificate.html",
        include_str!("../templates/portal/certificate.html"),
    ),
    (
        "verify.html",
        include_str!("../templates/portal/verify.html"),
    ),
    (
        "office_signin.html",
        include_str!("../templates/portal/office_signin.html"),
    ),
    (
        "office_cases.html",
        include_str!("../templates/portal/office_cases.html"),
    ),
    (
        "office_case.html",
        include_str!("../templates/portal/office_case.html"),
    ),
];

/// The pages' style sheet.
pub(crate) const STYLE: &str = include_str!("../templates/portal/portal.css");

/// The pages' templates: the embedded ones, each replaced by a file of the same name in
/// `dir` when there is one (a team's own version of a page). An override that does not
/// parse is an error naming the file.
pub fn templates_from(dir: Option<&std::path::Path>) -> Result<tera::Tera, String> {
    let mut own: Vec<(String, String)> = Vec::new();
    if let Some(dir) = dir.filter(|d| d.is_dir()) {
        for (name, _) in TEMPLATES
            .iter()
            .chain(std::iter::once(&("portal.css", STYLE)))
        {
            let path = dir.join(name);
            if path.is_file() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("`{}`: {e}", path.display()))?;
                own.push((name.to_string(), text));
            }
        }
    }
    let mut tera = tera::Tera::default();
    let mut all: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    all.push(("portal.css".into(), STYLE.into()));
    for (name, text) in own {
        if let Some(slot) = all.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = text;
        }
    }
    tera.add_raw_templates(all.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| {
            let mut why = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                why.push_str(&format!(": {s}"));
                source = s.source();
            }
            format!("the page templates: {why}")
        })?;
    tera.autoescape_on(vec![".html"]);
    tera.register_filter("local", local_digits);
    tera.register_filter("counted", counted);
    Ok(tera)
}

/// The `counted` filter: a count with the words that go with it, in the form the
/// language's plural rules ask for and in its digits:
/// `{{ 5 | counted(text="days", lang="ar") }}` → `٥ أيام عمل على الأكثر`.
fn counted(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let n = value
        .as_u64()
        .ok_or_else(|| tera::Error::msg(format!("`counted` counts whole numbers, not {value}")))?;
    let key = args.get("text").and_then(tera::Value::as_str).unwrap_or("");
    let counted = text::counted(key)
        .ok_or_else(|| tera::Error::msg(format!("`counted`: no counted text `{key}`")))?;
    let lang = args.get("lang").and_then(tera::Value::as_str).unwrap_or("");
    Ok(tera::Value::String(counted.local(lang, n)))
}

/// The `local` filter: a date, time or amount written with the language's digits
/// (`2026-11-27` → `٢٠٢٦-١١-٢٧` in Arabic). Numbers people type back (tracking numbers,
/// codes) are left as they are by not using it.
fn local_digits(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        tera::Value::Null => String::new(),
        other => other.to_string(),
    };
    let lang = args.get("lang").and_then(tera::Value::as_str).unwrap_or("");
    Ok(tera::Value::String(
        quickwin_blueprint::plural::local_digits(&text, lang),
    ))
}

/// The embedded templates and their names, for `quickwin templates eject`.
pub fn embedded() -> Vec<(&'static str, &'static str)> {
    let mut all = TEMPLATES.to_vec();
    all.push(("portal.css", STYLE));
    all
}

/// The embedded templates, compiled once.
pub fn templates() -> &'static tera::Tera {
    static TERA: OnceLock<tera::Tera> = OnceLock::new();
    TERA.get_or_init(|| {
        templates_from(None).expect("the embedded templates parse (a test renders every one)")
    })
}
