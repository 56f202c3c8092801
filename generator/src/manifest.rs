//! The manifest of a generated project, `.quickwin/manifest.json`: every file the
//! generator wrote last time with the SHA-256 of what it wrote, so that regenerating can
//! tell a file the team edited from one they did not. Beside it, `.quickwin/base/`
//! keeps the last generated version of the files a team is likely to edit (not the
//! vendored engine), for three-way merges.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's path in a project.
pub const PATH: &str = ".quickwin/manifest.json";

/// The folder of the base copies in a project.
pub const BASE: &str = ".quickwin/base";

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// What wrote it, e.g. `quickwin 0.1.0`.
    pub generator: String,
    /// The service id of the blueprint.
    pub service: String,
    /// Each generated file's SHA-256 (hex) by path.
    pub files: BTreeMap<String, String>,
    /// The files in conflict: the SHA-256 of the version offered beside each as
    /// `FILE.new`. Once the team deletes `FILE.new`, their file counts as taking it in.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub conflicts: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest as written: pretty JSON ending with a newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The SHA-256 of `bytes` in hex.
pub fn hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the last generated version of `path` is kept for merges.
pub fn keeps_base(path: &str) -> bool {
    !path.starts_with("vendor/")
}
