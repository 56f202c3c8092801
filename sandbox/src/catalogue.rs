//! The catalogue of pilot blueprints, built into the binary so `quickwin new --from` works anywhere.

/// Every catalogue blueprint: its id and its text, sorted by id.
pub const CATALOGUE: &[(&str, &str)] = &[
    (
        "birth-certificate",
        include_str!("../../blueprints/birth-certificate.yaml"),
    ),
    (
        "medical-appointment",
        include_str!("../../blueprints/medical-appointment.yaml"),
    ),
    (
        "school-attendance",
        include_str!("../../blueprints/school-attendance.yaml"),
    ),
    (
        "social-welfare",
        include_str!("../../blueprints/social-welfare.yaml"),
    ),
    (
        "water-fees",
        include_str!("../../blueprints/water-fees.yaml"),
    ),
    (
        "water-subscription",
        include_str!("../../blueprints/water-subscription.yaml"),
    ),
];

/// The catalogue blueprint with this id.
pub fn find(id: &str) -> Option<&'static str> {
    CATALOGUE
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, text)| *text)
}
