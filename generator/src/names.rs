//! Names in the generated code: the package, Rust identifiers for field ids, and type
//! names for records — each made from the blueprint's checked ids, never from its texts,
//! so that no blueprint can put anything into the code but a name.

use std::collections::BTreeSet;

/// Rust's keywords, strict and reserved (2024 edition): as identifiers they need `r#`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "super"];

/// Names Cargo refuses for a package or a binary, or that would clash with the
/// project's own dependencies.
const RESERVED_PACKAGES: &[&str] = &[
    "alloc",
    "aux",
    "build",
    "clap",
    "com1",
    "com2",
    "com3",
    "com4",
    "con",
    "core",
    "deps",
    "examples",
    "incremental",
    "lpt1",
    "lpt2",
    "lpt3",
    "nul",
    "prn",
    "proc-macro",
    "quickwin-blueprint",
    "quickwin-runtime",
    "serde",
    "serde-json",
    "std",
    "test",
    "tokio",
];

/// Type names the generated code uses itself, or that the prelude gives.
const RESERVED_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Deserialize",
    "Drop",
    "Eq",
    "Err",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Hooks",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Problem",
    "Refusal",
    "Result",
    "Self",
    "Send",
    "ServiceHooks",
    "Sized",
    "Some",
    "Step",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Value",
    "Values",
    "Vec",
];

/// The package (and binary) name for a service id (`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`,
/// checked by `quickwin check`): the id itself, or `<id>-service` where Cargo or Rust
/// reserve it.
pub fn package(id: &str) -> String {
    let reserved = RESERVED_PACKAGES.contains(&id)
        || KEYWORDS.contains(&id)
        || id.replace('-', "_") == "quickwin_blueprint"
        || id.replace('-', "_") == "quickwin_runtime"
        || id.replace('-', "_") == "serde_json";
    if reserved {
        format!("{id}-service")
    } else {
        id.to_string()
    }
}

/// The package version for the blueprint's `version`, as Cargo reads versions
/// (`MAJOR.MINOR.PATCH`, then `-PRE-RELEASE`): `1.2` gives `1.2.0`, `v2` gives `2.0.0`;
/// build metadata (`+…`) and a pre-release Cargo would refuse are left out; a version
/// without numbers first (`spring-2026`) gives `0.1.0`.
pub fn package_version(version: &str) -> String {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let v = v.split('+').next().unwrap_or_default();
    let (core, pre) = v.split_once('-').unwrap_or((v, ""));
    let parts: Vec<&str> = core.split('.').collect();
    let numbers: Option<Vec<u64>> = parts
        .iter()
        .map(|p| {
            p.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    let Some(mut numbers) = numbers.filter(|n| (1..=3).contains(&n.len())) else {
        return "0.1.0".to_string();
    };
    numbers.resize(3, 0);
    let core = format!("{}.{}.{}", numbers[0], numbers[1], numbers[2]);
    let identifier = |id: &str| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !(id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit()))
    };
    if !pre.is_empty() && pre.split('.').all(identifier) {
        format!("{core}-{pre}")
    } else {
        core
    }
}

/// The library crate's name: the package's, with `_` for `-`.
pub fn crate_name(package: &str) -> String {
    package.replace('-', "_")
}

/// A field id (`^[a-z][a-z0-9_]*$`) as a Rust field name, and the serde rename it
/// needs, if any.
pub fn field(id: &str) -> (String, Option<String>) {
    if NOT_RAW.contains(&id) {
        (format!("{id}_"), Some(id.to_string()))
    } else if KEYWORDS.contains(&id) {
        (format!("r#{id}"), None)
    } else {
        (id.to_string(), None)
    }
}

/// Rust field names for the field ids of one record, in order: each as [`field`]
/// makes it, and made unique (`self` and `self_` cannot both be `self_`), with the
/// serde rename each needs.
pub fn fields<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<(String, Option<String>)> {
    let ids: Vec<&str> = ids.into_iter().collect();
    // Ids are names themselves: they keep theirs, others give way.
    let mut taken: BTreeSet<String> = ids
        .iter()
        .map(|id| field(id).0)
        .filter(|n| ids.contains(&n.as_str()))
        .collect();
    let mut out = Vec::new();
    for id in &ids {
        let (mut name, mut rename) = field(id);
        if name != *id {
            while taken.contains(&name) {
                name.push('_');
                rename = Some(id.to_string());
            }
        }
        taken.insert(name.clone());
        out.push((name, rename));
    }
    out
}

/// Type names for record ids, in order: UpperCamelCase, made unique, and never one of
/// the names the code needs.
pub fn types<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: BTreeSet<String> = RESERVED_TYPES.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    for id in ids {
        let base: String = id
            .split('_')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let mut c = p.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let base = if base.is_empty() {
            "Record".to_string()
        } else {
            base
        };
        let mut name = base.clone();
        if taken.contains(&name) {
            name = format!("{base}Record");
        }
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}Record{n}");
            n += 1;
        }
        taken.insert(name.clone());
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_clash_with_rust_cargo_or_each_other() {
        assert_eq!(package("water-fees"), "water-fees");
        assert_eq!(package("test"), "test-service");
        assert_eq!(package("serde"), "serde-service");
        assert_eq!(package("fn"), "fn-service");
        assert_eq!(crate_name("water-fees"), "water_fees");
        for (version, cargo) in [
            ("0.2.0", "0.2.0"),
            ("1.2", "1.2.0"),
            ("v2", "2.0.0"),
            ("01.002.3", "1.2.3"),
            ("1.0.0-rc.1", "1.0.0-rc.1"),
            ("1.0.0-rc.01", "1.0.0"),
            ("1.0.0+build.5", "1.0.0"),
            ("1.0.0-\"rc\"{{x}}", "1.0.0"),
            ("1.2.3.4", "0.1.0"),
            ("spring-2026", "0.1.0"),
            ("99999999999999999999.0", "0.1.0"),
        ] {
            assert_eq!(package_version(version), cargo, "{version}");
        }
        assert_eq!(field("type"), ("r#type".to_string(), None));
        assert_eq!(
            field("self"),
            ("self_".to_string(), Some("self".to_string()))
        );
        assert_eq!(field("full_name"), ("full_name".to_string(), None));
        assert_eq!(
            fields(["self", "self_", "type"]),
            [
                ("self__".to_string(), Some("self".to_string())),
                ("self_".to_string(), None),
                ("r#type".to_string(), None),
            ]
        );
        assert_eq!(
            types(["household_member", "x_1", "x1", "option", "application"]),
            [
                "HouseholdMember",
                "X1",
                "X1Record",
                "OptionRecord",
                "Application"
            ]
        );
    }
}
