//! The catalogue: six pilot services, all valid without warnings.

use crate::support::{catalogue, quickwin, root, stdout};

/// The pilots chosen at the Iraq e-governance workshop.
const PILOTS: &[&str] = &[
    "birth-certificate",
    "medical-appointment",
    "school-attendance",
    "social-welfare",
    "water-fees",
    "water-subscription",
];

#[test]
fn the_catalogue_has_the_six_pilots() {
    let names: Vec<String> = catalogue()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, PILOTS);
}

#[test]
fn every_catalogue_blueprint_is_valid_without_warnings() {
    let files: Vec<String> = catalogue()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["check", "--deny-warnings"];
    args.extend(files.iter().map(String::as_str));
    let output = quickwin(&args);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    for file in &files {
        assert!(
            text.contains(&format!("ok: {file} is a valid blueprint")),
            "{text}"
        );
    }
}

#[test]
fn every_catalogue_blueprint_points_editors_at_the_schema() {
    for file in catalogue() {
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        assert_eq!(
            text.lines().next(),
            Some("# yaml-language-server: $schema=../schema/blueprint.schema.json"),
            "{}",
            file.display()
        );
    }
}

#[test]
fn every_catalogue_blueprint_is_bilingual_and_uses_its_id_as_file_name() {
    for file in catalogue() {
        let text = std::fs::read_to_string(root().join(&file)).unwrap();
        let checked = quickwin_blueprint::check_bytes(&file.display().to_string(), text.as_bytes());
        let bp = checked.blueprint.expect("valid");
        let languages: Vec<&str> = bp.languages.iter().map(|l| l.as_str()).collect();
        assert!(
            languages.contains(&"ar") && languages.contains(&"en"),
            "{}",
            file.display()
        );
        assert_eq!(bp.id.as_str(), file.file_stem().unwrap().to_string_lossy());
    }
}

#[test]
fn together_the_catalogue_uses_every_construct() {
    use quickwin_blueprint::model::FieldType;
    let blueprints: Vec<_> = catalogue()
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(root().join(f)).unwrap();
            quickwin_blueprint::check_bytes("x", text.as_bytes())
                .blueprint
                .expect("valid")
        })
        .collect();
    let fields: Vec<&quickwin_blueprint::model::Field> = blueprints
        .iter()
        .flat_map(|b| {
            let records = b.records.iter().flat_map(|r| r.fields.iter());
            records.chain(b.workflow.transitions.iter().flat_map(|t| t.inputs.iter()))
        })
        .collect();
    let all_types = [
        FieldType::Text,
        FieldType::LongText,
        FieldType::Number,
        FieldType::Money,
        FieldType::Date,
        FieldType::Datetime,
        FieldType::Time,
        FieldType::Boolean,
        FieldType::Choice,
        FieldType::NationalId,
        FieldType::Phone,
        FieldType::Email,
        FieldType::Address,
        FieldType::File,
        FieldType::Group,
        FieldType::Reference,
        FieldType::Appointment,
    ];
    for t in all_types {
        assert!(
            fields.iter().any(|f| f.kind.value == t),
            "no catalogue field has type {t:?}"
        );
    }
    let any = |pred: &dyn Fn(&quickwin_blueprint::Blueprint) -> bool| blueprints.iter().any(pred);
    assert!(
        fields.iter().any(|f| f.required_if.is_some()),
        "required_if"
    );
    assert!(fields.iter().any(|f| f.pattern.is_some()), "pattern");
    assert!(
        fields
            .iter()
            .any(|f| f.max.is_some() && f.kind.value == FieldType::Date),
        "date bounds"
    );
    assert!(any(&|b| !b.lists.is_empty()), "lists");
    assert!(any(&|b| !b.computed.is_empty()), "computed");
    assert!(
        any(&|b| b.form.pages.iter().any(|p| !p.next.is_empty())),
        "branching"
    );
    assert!(any(&|b| !b.form.exits.is_empty()), "exit pages");
    assert!(
        any(&|b| b.workflow.states.iter().any(|s| s.correction)),
        "send back for correction"
    );
    assert!(
        any(&|b| b.workflow.transitions.iter().any(|t| t.when.is_some())),
        "guards"
    );
    assert!(
        any(&|b| b.workflow.transitions.iter().any(|t| !t.self_approval)),
        "four eyes"
    );
    assert!(
        any(&|b| b.workflow.transitions.iter().any(|t| !t.inputs.is_empty())),
        "inputs"
    );
    assert!(
        any(&|b| b.fees.iter().any(|f| f.amount.is_some())),
        "fixed fee"
    );
    assert!(
        any(&|b| b.fees.iter().any(|f| f.tariff.is_some())),
        "tariff"
    );
    assert!(any(&|b| b.appointments.is_some()), "appointments");
    assert!(any(&|b| !b.documents.is_empty()), "documents");
    assert!(any(&|b| !b.integrations.is_empty()), "integrations");
    assert!(any(&|b| !b.provides.is_empty()), "provides");
    assert!(any(&|b| !b.notifications.is_empty()), "notifications");
}
