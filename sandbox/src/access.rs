//! Access rights of the mediator: default deny; `access.yaml` in the data folder lists,
//! per service, the client subsystems that may call it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use quickwin_engine::Diagnostic;
use quickwin_engine::model::Spanned;
use serde::Deserialize;

/// The rights, read from `access.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    rights: BTreeMap<String, BTreeSet<String>>,
}

/// The file's shape.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessFile {
    #[serde(default)]
    rights: Vec<Right>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Right {
    service: Spanned<String>,
    #[serde(default)]
    clients: Vec<Spanned<String>>,
}

/// Why `access.yaml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The file could not be read or written.
    #[error("`{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file has mistakes; each is located.
    #[error("`{path}` has {} problem(s)", diagnostics.len())]
    Invalid {
        /// The file.
        path: String,
        /// Its text, for rendering.
        text: quickwin_engine::Source,
        /// The problems.
        diagnostics: Vec<Diagnostic>,
    },
}

impl Access {
    /// Whether `client` may call `service`.
    pub fn allows(&self, client: &str, service: &str) -> bool {
        self.rights.get(service).is_some_and(|c| c.contains(client))
    }

    /// Grant `client` the right to call `service`.
    pub fn grant(&mut self, service: &str, client: &str) {
        self.rights
            .entry(service.to_string())
            .or_default()
            .insert(client.to_string());
    }

    /// Every service with its clients, sorted.
    pub fn rights(&self) -> &BTreeMap<String, BTreeSet<String>> {
        &self.rights
    }

    /// Read `access.yaml`.
    pub fn load(path: &Path) -> Result<Access, AccessError> {
        let bytes = std::fs::read(path).map_err(|source| AccessError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Access::parse(&path.display().to_string(), &bytes)
    }

    /// Parse the text of an access file shown as `name`.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Access, AccessError> {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let source = quickwin_engine::Source::new(name, text);
        let invalid = |diagnostics: Vec<Diagnostic>| AccessError::Invalid {
            path: name.to_string(),
            text: source.clone(),
            diagnostics,
        };
        let tree = quickwin_engine::yaml::parse(&source).map_err(invalid)?;
        let decoded = quickwin_engine::de::decode::<AccessFile>(&tree);
        let Some(file) = decoded.value else {
            return Err(invalid(decoded.diagnostics));
        };
        let mut problems = Vec::new();
        let mut access = Access::default();
        for right in file.rights {
            if right.service.split('/').count() != 5 {
                problems.push(quickwin_engine::Diagnostic::error(
                    quickwin_engine::Code::InvalidValue,
                    right.service.span,
                    format!("`{}` is not a service identifier `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE`", right.service.value),
                ));
            }
            for client in right.clients {
                if client.split('/').count() != 4 {
                    problems.push(quickwin_engine::Diagnostic::error(
                        quickwin_engine::Code::InvalidValue,
                        client.span,
                        format!(
                            "`{}` is not a client subsystem `INSTANCE/CLASS/MEMBER/SUBSYSTEM`",
                            client.value
                        ),
                    ));
                }
                access.grant(&right.service.value, &client.value);
            }
        }
        if problems.is_empty() {
            Ok(access)
        } else {
            Err(invalid(problems))
        }
    }

    /// The file text for these rights, with a comment saying how it works.
    pub fn to_yaml(&self, comments: &BTreeMap<String, String>) -> String {
        let mut out = String::from(
            "# Access rights of the quickwin sandbox's information mediator.\n\
             # Default deny: a client subsystem may call a service only when it is listed\n\
             # under that service here. Edit and restart the sandbox to apply.\n\
             rights:\n",
        );
        for (service, clients) in &self.rights {
            out.push_str(&format!("  - service: {service}\n    clients:\n"));
            for client in clients {
                match comments.get(client) {
                    Some(c) => out.push_str(&format!("      - {client}    # {c}\n")),
                    None => out.push_str(&format!("      - {client}\n")),
                }
            }
        }
        out
    }
}

/// The default rights: each catalogue pilot may call the services its blueprint
/// integrates with, plus the payment gateway and the notification service; returns the
/// rights and, per client, the pilot it belongs to (for comments).
pub fn defaults(catalogue: &[(&str, &str)]) -> (Access, BTreeMap<String, String>) {
    let mut access = Access::default();
    let mut comments = BTreeMap::new();
    for (id, text) in catalogue {
        let checked = quickwin_engine::check_bytes(id, text.as_bytes());
        let Some(bp) = checked.blueprint else {
            continue;
        };
        let client: String = bp.interop.split('/').take(4).collect::<Vec<_>>().join("/");
        comments
            .entry(client.clone())
            .and_modify(|c: &mut String| c.push_str(&format!(", `{id}`")))
            .or_insert_with(|| format!("pilots: `{id}`"));
        for integration in &bp.integrations {
            access.grant(&integration.service, &client);
        }
        access.grant("IQ/GOV/CBI/payments/payments", &client);
        access.grant("IQ/GOV/MOC/notify/messages", &client);
    }
    (access, comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_round_trip_through_yaml() {
        let mut access = Access::default();
        access.grant(
            "IQ/GOV/MOI/civil-registry/persons",
            "IQ/GOV/MOH/primary-care",
        );
        let text = access.to_yaml(&BTreeMap::new());
        let back = Access::parse("access.yaml", text.as_bytes()).unwrap();
        assert_eq!(back, access);
        assert!(back.allows(
            "IQ/GOV/MOH/primary-care",
            "IQ/GOV/MOI/civil-registry/persons"
        ));
        assert!(!back.allows("IQ/GOV/MOE/schools", "IQ/GOV/MOI/civil-registry/persons"));
    }

    #[test]
    fn mistakes_are_located() {
        let err = Access::parse(
            "access.yaml",
            b"rights:\n  - service: IQ/GOV/MOI\n    clientz: []\n",
        )
        .unwrap_err();
        let AccessError::Invalid { diagnostics, .. } = err else {
            panic!("not invalid")
        };
        assert_eq!(diagnostics[0].code, quickwin_engine::Code::UnknownKey);
    }
}
