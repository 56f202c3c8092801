//! The class a workshop host serves: `teams.yaml` in its data folder, each team's name,
//! pilot, members and password (only as an Argon2id hash), and the trainer's password
//! hash. Read with the blueprint's span-aware loader, so a hand-edited file gets located
//! diagnostics; written whole to a temporary file and renamed, readable by its owner only.

use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use quickwin_blueprint::diagnostic::Diagnostic;
use quickwin_blueprint::source::Source;
use quickwin_blueprint::{de, yaml};
use serde::{Deserialize, Serialize};

/// The file of the class, in the host's data folder.
pub const TEAMS_FILE: &str = "teams.yaml";

/// Why the class could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum TeamsError {
    /// The file could not be read or written.
    #[error("`{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file has mistakes; the diagnostics say where.
    #[error("`{path}` has mistakes")]
    Invalid {
        /// The file.
        path: String,
        /// Its text.
        text: Box<Source>,
        /// The mistakes.
        diagnostics: Vec<Diagnostic>,
    },
    /// A team's name the host cannot use in a path and a subsystem.
    #[error(
        "`{0}` is not a valid team name; use 1 to 20 lowercase letters, digits and `-`, starting with a letter (e.g. `t3`, `basra`)"
    )]
    BadName(String),
    /// The name is taken.
    #[error(
        "there is already a team `{0}`; choose another name, or `--rotate` to give it a new password"
    )]
    Exists(String),
    /// No such team.
    #[error("there is no team `{name}`{help}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// A suggestion, with its leading `; `.
        help: String,
    },
    /// Not a pilot of the catalogue.
    #[error("`{pilot}` is not a pilot of the catalogue; {help}")]
    UnknownPilot {
        /// The pilot asked for.
        pilot: String,
        /// The ones there are, or a suggestion.
        help: String,
    },
    /// Hashing failed (never with the default parameters).
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// One team.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Its name: the path `/teams/NAME/` and the suffix of its subsystem.
    pub name: String,
    /// The catalogue pilot it starts from, e.g. `social-welfare`.
    pub pilot: String,
    /// Who is in it (names only, for the trainer's pages).
    #[serde(default)]
    pub members: Vec<String>,
    /// The teams whose services it calls when a pilot is taken by more than one (by
    /// default, the first team of that pilot by name).
    #[serde(default)]
    pub partners: Vec<String>,
    /// The Argon2id hash of its password.
    pub password: String,
}

/// The class.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Class {
    /// The Argon2id hash of the trainer's password, once one was issued.
    #[serde(default)]
    pub trainer: Option<String>,
    /// The teams, in the order they were added.
    #[serde(default)]
    pub teams: Vec<Team>,
}

/// A new random password: twelve letters and digits that cannot be mistaken for each
/// other when read aloud or copied from a projector, in three groups.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the operating system's random numbers");
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The Argon2id hash of `password`.
pub fn hash(password: &str) -> Result<String, TeamsError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| TeamsError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| TeamsError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| TeamsError::Hash(e.to_string()))
}

/// Whether `password` matches the Argon2 `hash`.
pub fn verify(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Whether `name` can name a team.
pub fn valid_name(name: &str) -> bool {
    (1..=20).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Class {
    /// The class in `data` (empty when there is no file yet).
    pub fn read(data: &Path) -> Result<Class, TeamsError> {
        let path = data.join(TEAMS_FILE);
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Class::default()),
            Err(source) => {
                return Err(TeamsError::Io {
                    path: shown,
                    source,
                });
            }
        };
        let source = Source::new(&shown, text);
        let invalid = |source: Source, diagnostics| TeamsError::Invalid {
            path: shown.clone(),
            text: Box::new(source),
            diagnostics,
        };
        let tree = match yaml::parse(&source) {
            Ok(t) => t,
            Err(d) => return Err(invalid(source, d)),
        };
        let decoded = de::decode::<Class>(&tree);
        match decoded.value {
            Some(class) if decoded.diagnostics.is_empty() => Ok(class),
            _ => Err(invalid(source, decoded.diagnostics)),
        }
    }

    /// Write the class to `data`, whole, readable by its owner only.
    pub fn write(&self, data: &Path) -> Result<(), TeamsError> {
        let path = data.join(TEAMS_FILE);
        let io = |source| TeamsError::Io {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(data).map_err(io)?;
        let tmp = data.join(format!(".{TEAMS_FILE}.tmp"));
        std::fs::write(&tmp, self.to_yaml()).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
        std::fs::rename(&tmp, &path).map_err(io)
    }

    /// The file's text: every string a JSON string, which YAML reads as it is.
    pub fn to_yaml(&self) -> String {
        let q = |s: &str| serde_json::Value::from(s).to_string();
        let list = |v: &[String]| {
            let items: Vec<String> = v.iter().map(|s| q(s)).collect();
            format!("[{}]", items.join(", "))
        };
        let mut out = String::from(
            "# The class of a quickwin workshop host: `quickwin workshop team add` writes it.\n# Passwords are kept only as Argon2id hashes.\n",
        );
        if let Some(t) = &self.trainer {
            out.push_str(&format!("trainer: {}\n", q(t)));
        }
        out.push_str("teams:");
        if self.teams.is_empty() {
            out.push_str(" []\n");
        } else {
            out.push('\n');
        }
        for t in &self.teams {
            out.push_str(&format!(
                "  - name: {}\n    pilot: {}\n    members: {}\n    partners: {}\n    password: {}\n",
                q(&t.name),
                q(&t.pilot),
                list(&t.members),
                list(&t.partners),
                q(&t.password)
            ));
        }
        out
    }

    /// The team named `name`.
    pub fn team(&self, name: &str) -> Result<&Team, TeamsError> {
        self.teams
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| TeamsError::Unknown {
                name: name.to_string(),
                help: quickwin_blueprint::suggest::did_you_mean(
                    name,
                    self.teams.iter().map(|t| t.name.as_str()),
                )
                .map(|s| format!("; {s}"))
                .unwrap_or_default(),
            })
    }
}

/// The catalogue's pilots, by id.
pub fn pilots() -> impl Iterator<Item = &'static str> {
    quickwin_sandbox::catalogue::CATALOGUE
        .iter()
        .map(|(id, _)| *id)
}

/// The text of the catalogue pilot `id`.
pub fn pilot_text(id: &str) -> Option<&'static str> {
    quickwin_sandbox::catalogue::CATALOGUE
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, text)| *text)
}

/// Add the team `name` with the pilot `pilot` (or, with `rotate`, give an existing team
/// a new password) to the class in `data`; its password, shown once.
pub fn add(
    data: &Path,
    name: &str,
    pilot: Option<&str>,
    members: &[String],
    rotate: bool,
) -> Result<(Team, String), TeamsError> {
    if !valid_name(name) {
        return Err(TeamsError::BadName(name.to_string()));
    }
    let mut class = Class::read(data)?;
    let password = new_password();
    let hashed = hash(&password)?;
    if let Some(existing) = class.teams.iter_mut().find(|t| t.name == name) {
        if !rotate {
            return Err(TeamsError::Exists(name.to_string()));
        }
        existing.password = hashed;
        if let Some(p) = pilot {
            existing.pilot = checked_pilot(p)?;
        }
        if !members.is_empty() {
            existing.members = members.to_vec();
        }
        let team = existing.clone();
        class.write(data)?;
        return Ok((team, password));
    }
    let Some(pilot) = pilot else {
        return Err(TeamsError::UnknownPilot {
            pilot: String::new(),
            help: format!(
                "a new team needs `--pilot ID`, one of {}",
                pilots()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    };
    let team = Team {
        name: name.to_string(),
        pilot: checked_pilot(pilot)?,
        members: members.to_vec(),
        partners: Vec::new(),
        password: hashed,
    };
    class.teams.push(team.clone());
    class.write(data)?;
    Ok((team, password))
}

fn checked_pilot(pilot: &str) -> Result<String, TeamsError> {
    if pilot_text(pilot).is_some() {
        return Ok(pilot.to_string());
    }
    let help = quickwin_blueprint::suggest::did_you_mean(pilot, pilots()).unwrap_or_else(|| {
        format!(
            "the pilots are {}",
            pilots()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    Err(TeamsError::UnknownPilot {
        pilot: pilot.to_string(),
        help,
    })
}

/// Issue a new trainer's password for the class in `data`; shown once.
pub fn issue_trainer(data: &Path) -> Result<String, TeamsError> {
    let mut class = Class::read(data)?;
    let password = new_password();
    class.trainer = Some(hash(&password)?);
    class.write(data)?;
    Ok(password)
}

/// A team's folder in the host's data folder.
pub fn folder(data: &Path, team: &str) -> PathBuf {
    data.join("teams").join(team)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("qw-teams-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_team_is_added_with_a_hashed_password_and_read_back() {
        let data = temp("add");
        let (team, password) = add(
            &data,
            "t3",
            Some("social-welfare"),
            &["Zainab \"Z\" Ali".into()],
            false,
        )
        .unwrap();
        assert!(team.password.starts_with("$argon2id$"), "{}", team.password);
        assert!(verify(&team.password, &password));
        assert!(!verify(&team.password, "guess"));
        let text = std::fs::read_to_string(data.join(TEAMS_FILE)).unwrap();
        assert!(!text.contains(&password));
        let class = Class::read(&data).unwrap();
        assert_eq!(class.teams, vec![team]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.join(TEAMS_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn mistakes_are_refused_with_the_reason() {
        let data = temp("refused");
        add(&data, "t1", Some("water-fees"), &[], false).unwrap();
        assert!(matches!(
            add(&data, "t1", Some("water-fees"), &[], false),
            Err(TeamsError::Exists(_))
        ));
        assert!(matches!(
            add(&data, "T 1", Some("water-fees"), &[], false),
            Err(TeamsError::BadName(_))
        ));
        let Err(e) = add(&data, "t2", Some("water-fee"), &[], false) else {
            panic!("an unknown pilot must be refused")
        };
        assert!(e.to_string().contains("`water-fees`"), "{e}");
        let (_, again) = add(&data, "t1", None, &[], true).unwrap();
        let class = Class::read(&data).unwrap();
        assert!(verify(&class.team("t1").unwrap().password, &again));
        assert!(
            class
                .team("t4")
                .unwrap_err()
                .to_string()
                .contains("did you mean")
        );
    }

    #[test]
    fn a_hand_edited_file_with_a_mistake_is_located() {
        let data = temp("located");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(
            data.join(TEAMS_FILE),
            "teams:\n  - name: t1\n    pilot: water-fees\n    pasword: x\n",
        )
        .unwrap();
        let Err(TeamsError::Invalid {
            text, diagnostics, ..
        }) = Class::read(&data)
        else {
            panic!("a misspelt key must be refused")
        };
        let shown = quickwin_blueprint::report::diagnostics(&text, &diagnostics);
        assert!(shown.contains(":4:"), "{shown}");
        assert!(shown.contains("pasword"), "{shown}");
    }
}
