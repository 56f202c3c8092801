//! Access rights of the mediator: default deny; `access.yaml` in the data folder lists,
//! per service, the client subsystems that may call it. The running sandbox reads the
//! file again when it changes (`quickwin sandbox grant` adds to it); rights granted while
//! running (a registered service's clients, a served blueprint's calls) are kept apart,
//! so a reload never takes them away.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use quickwin_blueprint::Diagnostic;
use quickwin_blueprint::model::Spanned;
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
    #[error("`{path}` has {}", quickwin_blueprint::plural::english(diagnostics.len(), "problem", "problems"))]
    Invalid {
        /// The file.
        path: String,
        /// Its text, for rendering.
        text: quickwin_blueprint::Source,
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
        let source = quickwin_blueprint::Source::new(name, text);
        let invalid = |diagnostics: Vec<Diagnostic>| AccessError::Invalid {
            path: name.to_string(),
            text: source.clone(),
            diagnostics,
        };
        let tree = quickwin_blueprint::yaml::parse(&source).map_err(invalid)?;
        let decoded = quickwin_blueprint::de::decode::<AccessFile>(&tree);
        let Some(file) = decoded.value else {
            return Err(invalid(decoded.diagnostics));
        };
        let mut problems = Vec::new();
        let mut access = Access::default();
        for right in file.rights {
            if right.service.split('/').count() != 5 {
                problems.push(quickwin_blueprint::Diagnostic::error(
                    quickwin_blueprint::Code::InvalidValue,
                    right.service.span,
                    format!("`{}` is not a service identifier `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE`", right.service.value),
                ));
            }
            for client in right.clients {
                if client.split('/').count() != 4 {
                    problems.push(quickwin_blueprint::Diagnostic::error(
                        quickwin_blueprint::Code::InvalidValue,
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
             # under that service here. A running sandbox applies an edit at the next call.\n\
             # `quickwin sandbox grant BLUEPRINT` adds the rights a blueprint needs.\n\
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

/// The rights in force: those of `access.yaml`, read again when the file changes, and
/// those granted while the sandbox runs.
#[derive(Debug, Default)]
pub struct Rights {
    path: Option<PathBuf>,
    state: RwLock<RightsState>,
}

#[derive(Debug, Default)]
struct RightsState {
    file: Access,
    stamp: Option<(SystemTime, u64)>,
    granted: Access,
    problem: Option<String>,
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The first problem of an access file, as `file:line:column: message`.
fn first_problem(e: &AccessError) -> String {
    match e {
        AccessError::Invalid {
            path,
            text,
            diagnostics,
        } => match diagnostics.first() {
            Some(d) => {
                let at = text.position(d.span.start);
                format!("{path}:{}:{}: {}", at.line, at.column, d.message)
            }
            None => e.to_string(),
        },
        AccessError::Io { .. } => e.to_string(),
    }
}

impl Rights {
    /// The rights of the file at `path`, as read now (`access`), followed from now on.
    pub fn watching(path: &Path, access: Access) -> Rights {
        Rights {
            path: Some(path.to_path_buf()),
            state: RwLock::new(RightsState {
                file: access,
                stamp: stamp(path),
                ..RightsState::default()
            }),
        }
    }

    /// Read the file again when it changed since it was last read. A file with mistakes
    /// keeps the rights read before; the problem is told with the next refusal.
    fn refresh(&self) {
        let Some(path) = &self.path else { return };
        let now = stamp(path);
        if self.state.read().unwrap_or_else(|e| e.into_inner()).stamp == now {
            return;
        }
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        if state.stamp == now {
            return;
        }
        state.stamp = now;
        match Access::load(path) {
            Ok(access) => {
                state.file = access;
                state.problem = None;
            }
            Err(e) => state.problem = Some(first_problem(&e)),
        }
    }

    /// Whether `client` may call `service`.
    pub fn allows(&self, client: &str, service: &str) -> bool {
        self.refresh();
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state.file.allows(client, service) || state.granted.allows(client, service)
    }

    /// Grant `client` the right to call `service` while the sandbox runs.
    pub fn grant(&self, service: &str, client: &str) {
        self.state
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .granted
            .grant(service, client);
    }

    /// The services `client` may call, sorted.
    pub fn services_of(&self, client: &str) -> BTreeSet<String> {
        self.refresh();
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        [&state.file, &state.granted]
            .into_iter()
            .flat_map(|a| a.rights())
            .filter(|(_, clients)| clients.contains(client))
            .map(|(service, _)| service.clone())
            .collect()
    }

    /// Why the file's latest version is not in force, when it has mistakes.
    pub fn problem(&self) -> Option<String> {
        self.state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .problem
            .clone()
    }
}

/// Add `wanted` (service, client) rights to the access file at `path`, keeping what is
/// there, comments included: the missing ones are appended, under a comment `note`. A
/// file that does not exist yet is created with the default rights of `catalogue` first.
/// Returns the rights added (none when all were there).
pub fn grant_in_file(
    path: &Path,
    wanted: &[(String, String)],
    note: &str,
    catalogue: &[(&str, &str)],
) -> Result<Vec<(String, String)>, AccessError> {
    let io = |source| AccessError::Io {
        path: path.display().to_string(),
        source,
    };
    let text = if path.exists() {
        std::fs::read_to_string(path).map_err(io)?
    } else {
        let (rights, comments) = defaults(catalogue);
        rights.to_yaml(&comments)
    };
    let current = Access::parse(&path.display().to_string(), text.as_bytes())?;
    let mut missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (service, client) in wanted {
        if !current.allows(client, service) {
            let clients = missing.entry(service).or_default();
            if !clients.contains(&client.as_str()) {
                clients.push(client);
            }
        }
    }
    let added: Vec<(String, String)> = missing
        .iter()
        .flat_map(|(s, cs)| cs.iter().map(|c| (s.to_string(), c.to_string())))
        .collect();
    if added.is_empty() && path.exists() {
        return Ok(added);
    }
    // Appended in the indentation of the file's own list, when it has one.
    let indent = text
        .lines()
        .find_map(|l| {
            let t = l.trim_start();
            t.starts_with("- service:").then(|| &l[..l.len() - t.len()])
        })
        .map(str::to_string);
    let mut wanted_all = current.clone();
    for (service, client) in &added {
        wanted_all.grant(service, client);
    }
    let mut out = text.clone();
    if let Some(indent) = &indent {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        if !added.is_empty() {
            out.push_str(&format!("{indent}# {note}\n"));
        }
        for (service, clients) in &missing {
            out.push_str(&format!(
                "{indent}- service: {service}\n{indent}  clients:\n"
            ));
            for client in clients {
                out.push_str(&format!("{indent}    - {client}\n"));
            }
        }
    }
    // A file without a block list of rights (or one the appending did not fit) is
    // written anew with every right.
    let fits = indent.is_some()
        && Access::parse("access.yaml", out.as_bytes()).is_ok_and(|a| a == wanted_all);
    if !fits {
        out = wanted_all.to_yaml(&BTreeMap::new());
    }
    std::fs::write(path, out).map_err(io)?;
    Ok(added)
}

/// The default rights: each catalogue pilot may call the services its blueprint
/// integrates with, plus the payment gateway and the notification service; returns the
/// rights and, per client, the pilot it belongs to (for comments).
pub fn defaults(catalogue: &[(&str, &str)]) -> (Access, BTreeMap<String, String>) {
    let mut access = Access::default();
    let mut comments = BTreeMap::new();
    for (id, text) in catalogue {
        let checked = quickwin_blueprint::check_bytes(id, text.as_bytes());
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
        assert_eq!(err.to_string(), "`access.yaml` has 1 problem");
        let AccessError::Invalid { diagnostics, .. } = err else {
            panic!("not invalid")
        };
        assert_eq!(diagnostics[0].code, quickwin_blueprint::Code::UnknownKey);
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("quickwin-access-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("access.yaml")
    }

    fn wanted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(s, c)| (s.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn a_grant_appends_what_is_missing_keeping_the_file_and_a_second_changes_nothing() {
        let path = scratch("append");
        let text = "# ours, kept\nrights:\n- service: IQ/GOV/MOI/civil-registry/persons\n  clients:\n  - IQ/GOV/MOH/primary-care   # a comment\n";
        std::fs::write(&path, text).unwrap();
        let want = wanted(&[
            (
                "IQ/GOV/MOI/civil-registry/persons",
                "IQ/GOV/MOH/primary-care",
            ),
            ("IQ/GOV/MOI/civil-registry/persons", "IQ/GOV/X/new-team"),
            ("IQ/GOV/MOC/notify/messages", "IQ/GOV/X/new-team"),
        ]);
        let added = grant_in_file(&path, &want, "for `x`", &[]).unwrap();
        assert_eq!(added.len(), 2, "{added:?}");
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.starts_with(text), "{after}");
        assert!(
            after.ends_with(
                "# for `x`\n- service: IQ/GOV/MOC/notify/messages\n  clients:\n    - IQ/GOV/X/new-team\n\
                 - service: IQ/GOV/MOI/civil-registry/persons\n  clients:\n    - IQ/GOV/X/new-team\n"
            ),
            "{after}"
        );
        let access = Access::load(&path).unwrap();
        assert!(want.iter().all(|(s, c)| access.allows(c, s)));
        assert!(
            grant_in_file(&path, &want, "for `x`", &[])
                .unwrap()
                .is_empty()
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
    }

    #[test]
    fn a_file_without_a_block_list_is_written_anew_and_a_missing_one_starts_from_the_defaults() {
        let path = scratch("flow");
        std::fs::write(&path, "rights: []\n").unwrap();
        let want = wanted(&[("IQ/GOV/MOC/notify/messages", "IQ/GOV/X/new-team")]);
        assert_eq!(grant_in_file(&path, &want, "n", &[]).unwrap().len(), 1);
        assert!(
            Access::load(&path)
                .unwrap()
                .allows("IQ/GOV/X/new-team", "IQ/GOV/MOC/notify/messages")
        );
        let fresh = scratch("fresh");
        let catalogue = [(
            "birth-certificate",
            include_str!("../../blueprints/birth-certificate.yaml"),
        )];
        grant_in_file(&fresh, &want, "n", &catalogue).unwrap();
        let access = Access::load(&fresh).unwrap();
        assert!(access.allows("IQ/GOV/X/new-team", "IQ/GOV/MOC/notify/messages"));
        assert!(access.allows("IQ/GOV/MOI/civil-status", "IQ/GOV/MOH/births/notifications"));
    }

    #[test]
    fn the_rights_follow_the_file_and_keep_those_granted_while_running() {
        let path = scratch("follow");
        std::fs::write(&path, "rights: []\n").unwrap();
        let rights = Rights::watching(&path, Access::load(&path).unwrap());
        rights.grant("IQ/GOV/A/b/c", "IQ/GOV/D/e");
        let (service, client) = ("IQ/GOV/MOC/notify/messages", "IQ/GOV/X/new-team");
        assert!(!rights.allows(client, service));
        std::fs::write(
            &path,
            format!("rights:\n  - service: {service}\n    clients: [{client}]\n"),
        )
        .unwrap();
        assert!(rights.allows(client, service));
        assert!(rights.allows("IQ/GOV/D/e", "IQ/GOV/A/b/c"));
        assert_eq!(rights.services_of(client).len(), 1);
        // An edit with a mistake keeps the rights read before and says why.
        std::fs::write(&path, "rights:\n  - service: IQ/GOV/MOC\n").unwrap();
        assert!(rights.allows(client, service));
        let problem = rights.problem().unwrap();
        assert!(
            problem.contains(":2:") && problem.contains("`IQ/GOV/MOC`"),
            "{problem}"
        );
    }
}
