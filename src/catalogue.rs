//! The catalogue of pilot blueprints, built into the binary so `quickwin new --from` works anywhere.

/// Every catalogue blueprint: its id and its text.
pub const CATALOGUE: &[(&str, &str)] = &[(
    "birth-certificate",
    include_str!("../blueprints/birth-certificate.yaml"),
)];

/// The catalogue blueprint with this id.
pub fn find(id: &str) -> Option<&'static str> {
    CATALOGUE
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, text)| *text)
}
