//! What a `file` field accepts, and what a file is: its types and largest size by the
//! blueprint (`accept`, `max_size_mb`), its type told by its first bytes and by a sniff
//! of its content (a "PDF" whose body is a web page is not a PDF), and its name made
//! safe to keep and to send back in a `Content-Disposition`.

use quickwin_blueprint::model::{Blueprint, Field, FieldType};

use crate::routes::MAX_BODY;

/// The types a file may have, by the blueprint's names for them.
const KINDS: [(&str, &str); 4] = [
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
];

/// What one `file` field accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The field's id.
    pub field: String,
    /// The content types it accepts.
    pub kinds: Vec<&'static str>,
    /// Its largest file, in bytes.
    pub max_bytes: usize,
}

impl Rule {
    fn of(f: &Field) -> Rule {
        let mut kinds: Vec<&'static str> = if f.accept.is_empty() {
            vec!["application/pdf", "image/jpeg", "image/png"]
        } else {
            f.accept
                .iter()
                .filter_map(|a| {
                    KINDS
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(a.as_str()))
                        .map(|(_, k)| *k)
                })
                .collect()
        };
        kinds.sort_unstable();
        kinds.dedup();
        let max_bytes = f.max_size_mb.as_ref().map_or(MAX_BODY, |mb| {
            // Megabytes as people count them on a form: 5 MB is 5 000 000 bytes.
            ((mb.value * 1_000_000.0) as usize).min(MAX_BODY)
        });
        Rule {
            field: f.id.value.clone(),
            kinds,
            max_bytes,
        }
    }

    /// Why a file of `size` bytes is too large for the field, if it is.
    pub fn too_large(&self, size: usize) -> Option<String> {
        (size > self.max_bytes).then(|| {
            format!(
                "the file is {size} bytes; `{}` takes at most {} bytes",
                self.field, self.max_bytes
            )
        })
    }
}

/// Every `file` field of the blueprint (of its records and of its steps' inputs), by id.
pub fn rules(bp: &Blueprint) -> Vec<Rule> {
    let mut all: Vec<Rule> = bp
        .records
        .iter()
        .flat_map(|r| r.fields.iter())
        .chain(bp.workflow.transitions.iter().flat_map(|t| t.inputs.iter()))
        .filter(|f| f.kind.value == FieldType::File)
        .map(Rule::of)
        .collect();
    all.sort_by(|a, b| a.field.cmp(&b.field));
    all.dedup_by(|a, b| a.field == b.field);
    all
}

/// The rule of `field`, when the blueprint has a file field of that id.
pub fn rule(bp: &Blueprint, field: &str) -> Option<Rule> {
    rules(bp).into_iter().find(|r| r.field == field)
}

/// Words that make a file a web page or a script, whatever its first bytes say.
const MARKUP: [&str; 9] = [
    "<html",
    "<!doctype",
    "<script",
    "<body",
    "<iframe",
    "<svg",
    "<object",
    "javascript:",
    "/javascript",
];

/// Whether the bytes are what `kind` says: its first bytes ("magic") and, sniffed, no
/// web page or script inside (in a PDF anywhere, in an image near its start, where a
/// browser sniffing it would look); why not, if not.
pub fn sniff(kind: &str, body: &[u8]) -> Result<(), String> {
    if !magic(kind, body) {
        return Err(format!("the bytes are not a `{kind}` file"));
    }
    let looked = if kind == "application/pdf" {
        body
    } else {
        &body[..body.len().min(1024)]
    };
    // One pass: each marker is tried only where its first byte is.
    let found = (0..looked.len()).find_map(|i| {
        let b = looked[i].to_ascii_lowercase();
        MARKUP.iter().find(|w| {
            w.as_bytes()[0] == b
                && looked
                    .get(i..i + w.len())
                    .is_some_and(|x| x.eq_ignore_ascii_case(w.as_bytes()))
        })
    });
    if let Some(word) = found {
        return Err(format!(
            "the file holds `{word}`, as a web page or a script does; a `{kind}` file does not"
        ));
    }
    Ok(())
}

/// A file's name as it is kept: no control characters, no folders (`/`, `\`), no
/// leading dots, at most 200 characters; `file` when nothing is left.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let short: String = trimmed.chars().take(200).collect();
    if short.is_empty() {
        "file".to_string()
    } else {
        short
    }
}

/// A `Content-Disposition` for downloading a file named `name` (RFC 6266): an ASCII
/// fallback in `filename`, the name itself in `filename*=UTF-8''…`. Always a valid
/// header value, whatever the name holds.
pub fn disposition(name: &str) -> String {
    let name = safe_name(name);
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Whether `body` begins as a file of `kind` does.
fn magic(kind: &str, body: &[u8]) -> bool {
    match kind {
        "application/pdf" => body.starts_with(b"%PDF-"),
        "image/jpeg" => body.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => {
            body.starts_with(b"\x89PNG\r\n\x1a\n") && body.get(12..16) == Some(b"IHDR".as_slice())
        }
        _ => false,
    }
}

/// The type of `body` among `kinds`, by its first bytes: what a file sent as
/// `application/octet-stream` (as generated clients send it) is taken to be.
pub fn detect<'k>(kinds: &[&'k str], body: &[u8]) -> Option<&'k str> {
    kinds.iter().copied().find(|k| magic(k, body))
}

/// The answer that downloads a kept file: its bytes, its type (`application/octet-stream`
/// when the one kept cannot be a header), its name as [`disposition`] writes it, and
/// `nosniff`, so that no browser reads it as anything else.
pub fn download(name: &str, kind: &str, data: Vec<u8>) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let kind = HeaderValue::from_str(kind)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&disposition(name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        data,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_that_is_a_web_page_is_refused() {
        assert_eq!(sniff("application/pdf", b"%PDF-1.4\n%%EOF\n"), Ok(()));
        let e = sniff(
            "application/pdf",
            b"%PDF-1.4\n<html><script>alert(1)</script>",
        )
        .unwrap_err();
        assert!(e.contains("`<html`"), "{e}");
        assert!(sniff("application/pdf", b"<html>%PDF").is_err());
        assert!(
            sniff("image/png", b"\x89PNG\r\n\x1a\n").is_err(),
            "no header chunk"
        );
        assert!(sniff("text/html", b"<html>").is_err());
    }

    #[test]
    fn names_are_kept_and_sent_without_what_breaks_a_header() {
        assert_eq!(safe_name("../a\r\nb\u{7}.pdf"), "_a__b_.pdf");
        assert_eq!(safe_name("  "), "file");
        assert_eq!(
            disposition("شهادة \"1\".pdf"),
            "attachment; filename=\"_____ _1_.pdf\"; filename*=UTF-8''%D8%B4%D9%87%D8%A7%D8%AF%D8%A9%20%221%22.pdf"
        );
        assert!(axum::http::HeaderValue::from_str(&disposition("a\u{0}\r\nb")).is_ok());
    }
}
