//! The rules of the blueprint language that both the checker ([`crate::validate`]) and
//! the editors' schema ([`crate::schema`]) know: the shapes of ids, identifiers, member
//! codes and language codes, the language version, and the schema transforms that put
//! them on the model's fields (`#[schemars(transform = …)]`). A leaf module: the model
//! uses it, and it uses nothing of the crate.

use schemars::Schema;
use serde_json::{Map, json};

/// The version of the blueprint language this release reads.
pub const LANGUAGE_VERSION: u32 = 1;

/// The shape of a [`IdStyle::Slug`] id; the schema gives editors the same pattern.
pub const SLUG_PATTERN: &str = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

/// The shape of a [`IdStyle::Snake`] id.
pub const SNAKE_PATTERN: &str = r"^[a-z][a-z0-9_]*$";

/// The longest id, in characters.
pub const MAX_ID_LENGTH: usize = 63;

/// One part of an interoperability identifier, `IQ`, `GOV`, `MOH`, `births`, …
pub const INTEROP_PART_PATTERN: &str = r"[A-Za-z0-9][A-Za-z0-9._-]*";

/// The member classes an interoperability identifier's second part names.
pub const MEMBER_CLASSES: &[&str] = &["GOV", "COM", "NGO", "ORG"];

/// A language code, as [`Validator::languages`] checks it: two or three lowercase letters.
pub const LANGUAGE_PATTERN: &str = r"^[a-z]{2,3}$";

/// An agency's member code, as the identity check reads it: capital letters and digits.
pub const MEMBER_PATTERN: &str = r"^[A-Z0-9]+$";

/// `quickwin:` takes the one language version this release reads.
pub fn language_version(schema: &mut Schema) {
    let description = schema.get("description").cloned();
    *schema = Schema::from(Map::new());
    if let Some(description) = description {
        schema.insert("description".into(), description);
    }
    schema.insert("type".into(), "integer".into());
    schema.insert("const".into(), LANGUAGE_VERSION.into());
    schema.insert(
        "errorMessage".into(),
        format!(
            "quickwin reads blueprint language version {LANGUAGE_VERSION}: write `quickwin: {LANGUAGE_VERSION}`"
        )
        .into(),
    );
}

/// An id of lowercase words joined by underscores: fields, states, roles, actions, …
pub fn snake_id(schema: &mut Schema) {
    id(
        schema,
        SNAKE_PATTERN,
        "use lowercase letters, digits and `_`, starting with a letter, e.g. `date_of_birth`",
    );
}

/// An id of lowercase words joined by dashes: the service and the operations it offers.
pub fn slug_id(schema: &mut Schema) {
    id(
        schema,
        SLUG_PATTERN,
        "use lowercase letters, digits and dashes, starting with a letter, e.g. `birth-certificate`",
    );
}

fn id(schema: &mut Schema, pattern: &str, help: &str) {
    schema.insert("pattern".into(), pattern.into());
    schema.insert("maxLength".into(), MAX_ID_LENGTH.into());
    schema.insert(
        "patternErrorMessage".into(),
        format!("this is not a valid id: {help}").into(),
    );
}

/// `languages`: language codes, each once, at least one.
pub fn languages(schema: &mut Schema) {
    schema.insert(
        "items".into(),
        json!({
            "type": "string",
            "pattern": LANGUAGE_PATTERN,
            "patternErrorMessage": "this is not a language code: use two- or three-letter codes such as `ar`, `en` or `ku`"
        }),
    );
    schema.insert("minItems".into(), 1.into());
    schema.insert("uniqueItems".into(), true.into());
}

/// An agency's member code, e.g. `MOH`.
pub fn member_code(schema: &mut Schema) {
    schema.insert("pattern".into(), MEMBER_PATTERN.into());
    schema.insert(
        "patternErrorMessage".into(),
        "a member code is capital letters and digits, e.g. `MOH`".into(),
    );
}

/// A service's interoperability identifier, `IQ/GOV/MOH/births/birth-certificate`.
pub fn service_identifier(schema: &mut Schema) {
    interop_identifier(schema, 5);
}

/// A list of client subsystems' identifiers, `IQ/GOV/MOE/schools`.
pub fn subsystem_identifiers(schema: &mut Schema) {
    let mut item = Schema::from(Map::new());
    item.insert("type".into(), "string".into());
    interop_identifier(&mut item, 4);
    schema.insert("items".into(), item.to_value());
}

fn interop_identifier(schema: &mut Schema, parts: usize) {
    let part = INTEROP_PART_PATTERN;
    let class = MEMBER_CLASSES.join("|");
    let rest = format!("/{part}").repeat(parts - 2);
    let (names, example) = if parts == 5 {
        (
            "INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE",
            "IQ/GOV/MOH/births/birth-certificate",
        )
    } else {
        ("INSTANCE/CLASS/MEMBER/SUBSYSTEM", "IQ/GOV/MOH/births")
    };
    let classes = MEMBER_CLASSES
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    schema.insert("pattern".into(), format!("^{part}/({class}){rest}$").into());
    schema.insert(
        "patternErrorMessage".into(),
        format!("expected {parts} parts `{names}`, the class one of {classes}, e.g. `{example}`")
            .into(),
    );
}
