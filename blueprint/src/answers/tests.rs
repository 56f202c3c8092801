//! Answers checked field by field, with every problem named in each language.

use super::*;
use serde_json::json;

#[test]
fn counted_messages_follow_the_plural_forms() {
    type Forms = ([&'static str; 10], [&'static str; 3]);
    let table: [(&str, Forms); 4] = [
        (
            "too_short",
            (
                [
                    "يجب ألا يقل «{label}» عن 0 حرف",
                    "يجب ألا يقل «{label}» عن حرف واحد",
                    "يجب ألا يقل «{label}» عن حرفين",
                    "يجب ألا يقل «{label}» عن 3 أحرف",
                    "يجب ألا يقل «{label}» عن 10 أحرف",
                    "يجب ألا يقل «{label}» عن 11 حرفاً",
                    "يجب ألا يقل «{label}» عن 99 حرفاً",
                    "يجب ألا يقل «{label}» عن 100 حرف",
                    "يجب ألا يقل «{label}» عن 101 حرف",
                    "يجب ألا يقل «{label}» عن 102 حرف",
                ],
                [
                    "“{label}” must be at least 0 characters",
                    "“{label}” must be at least 1 character",
                    "“{label}” must be at least 2 characters",
                ],
            ),
        ),
        (
            "too_long",
            (
                [
                    "يجب أن يبقى «{label}» فارغاً",
                    "يجب ألا يزيد «{label}» عن حرف واحد",
                    "يجب ألا يزيد «{label}» عن حرفين",
                    "يجب ألا يزيد «{label}» عن 3 أحرف",
                    "يجب ألا يزيد «{label}» عن 10 أحرف",
                    "يجب ألا يزيد «{label}» عن 11 حرفاً",
                    "يجب ألا يزيد «{label}» عن 99 حرفاً",
                    "يجب ألا يزيد «{label}» عن 100 حرف",
                    "يجب ألا يزيد «{label}» عن 101 حرف",
                    "يجب ألا يزيد «{label}» عن 102 حرف",
                ],
                [
                    "“{label}” must be at most 0 characters",
                    "“{label}” must be at most 1 character",
                    "“{label}” must be at most 2 characters",
                ],
            ),
        ),
        (
            "too_few",
            (
                [
                    "يجب أن يحتوي «{label}» على 0 إدخال على الأقل",
                    "يجب أن يحتوي «{label}» على إدخال واحد على الأقل",
                    "يجب أن يحتوي «{label}» على إدخالين على الأقل",
                    "يجب أن يحتوي «{label}» على 3 إدخالات على الأقل",
                    "يجب أن يحتوي «{label}» على 10 إدخالات على الأقل",
                    "يجب أن يحتوي «{label}» على 11 إدخالاً على الأقل",
                    "يجب أن يحتوي «{label}» على 99 إدخالاً على الأقل",
                    "يجب أن يحتوي «{label}» على 100 إدخال على الأقل",
                    "يجب أن يحتوي «{label}» على 101 إدخال على الأقل",
                    "يجب أن يحتوي «{label}» على 102 إدخال على الأقل",
                ],
                [
                    "“{label}” needs at least 0 entries",
                    "“{label}” needs at least 1 entry",
                    "“{label}” needs at least 2 entries",
                ],
            ),
        ),
        (
            "too_many",
            (
                [
                    "يجب ألا يحتوي «{label}» على أي إدخال",
                    "يجب ألا يحتوي «{label}» على أكثر من إدخال واحد",
                    "يجب ألا يحتوي «{label}» على أكثر من إدخالين",
                    "يجب ألا يحتوي «{label}» على أكثر من 3 إدخالات",
                    "يجب ألا يحتوي «{label}» على أكثر من 10 إدخالات",
                    "يجب ألا يحتوي «{label}» على أكثر من 11 إدخالاً",
                    "يجب ألا يحتوي «{label}» على أكثر من 99 إدخالاً",
                    "يجب ألا يحتوي «{label}» على أكثر من 100 إدخال",
                    "يجب ألا يحتوي «{label}» على أكثر من 101 إدخال",
                    "يجب ألا يحتوي «{label}» على أكثر من 102 إدخال",
                ],
                [
                    "“{label}” takes at most 0 entries",
                    "“{label}” takes at most 1 entry",
                    "“{label}” takes at most 2 entries",
                ],
            ),
        ),
    ];
    assert_eq!(table.len(), COUNTED.len());
    for (code, (ar, en)) in table {
        let (_, c) = COUNTED.iter().find(|c| c.0 == code).unwrap();
        crate::plural::assert_forms(c, ar, en);
    }
}

use crate::catalogue as blueprint;

fn today() -> Date {
    Date::parse("2026-11-26").unwrap()
}

fn fields_of(problems: &[Problem]) -> Vec<(&str, &str)> {
    problems
        .iter()
        .map(|p| (p.field.as_str(), p.code))
        .collect()
}

fn birth_certificate() -> Map<String, Json> {
    json!({
        "notification_number": "BN-2026-004211",
        "applicant_relation": "mother",
        "child_first_name": "زينب",
        "child_sex": "female",
        "child_date_of_birth": "2026-11-02",
        "place_of_birth": "baghdad",
        "mother_national_id": "199012345678",
        "father_national_id": "198812345670",
        "phone": "+964 770 123 4567",
        "copies": 2
    })
    .as_object()
    .unwrap()
    .clone()
}

#[test]
fn a_good_application_is_normalised() {
    let answers = check_answers(
        &blueprint("birth-certificate"),
        &birth_certificate(),
        today(),
    )
    .unwrap();
    assert_eq!(answers.values["phone"], "07701234567");
    assert_eq!(answers.values["copies"], 2);
    assert_eq!(answers.values["child_date_of_birth"], "2026-11-02");
}

#[test]
fn every_problem_is_named_in_each_language() {
    let mut input = birth_certificate();
    input.insert("notification_number".into(), json!("12345"));
    input.insert("child_sex".into(), json!("unknown"));
    input.insert("child_date_of_birth".into(), json!("2027-01-01"));
    input.insert("mother_national_id".into(), json!("1990"));
    input.insert("phone".into(), json!("12345"));
    input.insert("copies".into(), json!(9));
    input.remove("child_first_name");
    input.insert("hospital_name".into(), json!("x"));
    input.insert("favourite_colour".into(), json!("blue"));
    let problems = check_answers(&blueprint("birth-certificate"), &input, today()).unwrap_err();
    let found = fields_of(&problems);
    for want in [
        ("notification_number", "pattern"),
        ("child_sex", "not_a_choice"),
        ("child_date_of_birth", "too_late"),
        ("mother_national_id", "not_a_national_id"),
        ("phone", "not_a_phone"),
        ("copies", "too_large"),
        ("child_first_name", "required"),
        ("hospital_name", "filled_by_office"),
        ("favourite_colour", "unknown_field"),
    ] {
        assert!(found.contains(&want), "{want:?} missing from {found:?}");
    }
    let late = problems.iter().find(|p| p.code == "too_late").unwrap();
    assert_eq!(
        late.message["en"],
        "“Child's date of birth” must be on or before 2026-11-26"
    );
    assert_eq!(
        late.message["ar"],
        "يجب أن يكون «تاريخ ميلاد الطفل» في 2026-11-26 أو قبله"
    );
    let pattern = problems.iter().find(|p| p.code == "pattern").unwrap();
    assert_eq!(
        pattern.message["en"],
        "Write the number as on the paper, e.g. BN-2026-004211."
    );
}

#[test]
fn groups_are_checked_entry_by_entry() {
    let bp = blueprint("social-welfare");
    let group = bp
        .case_record()
        .unwrap()
        .fields
        .iter()
        .find(|f| f.kind.value == FieldType::Group)
        .unwrap();
    let id = group.id.value.clone();
    let input = json!({ id.clone(): [{"full_name": 5, "unknown": 1}, "not an object"] });
    let problems = check_answers(&bp, input.as_object().unwrap(), today()).unwrap_err();
    let found = fields_of(&problems);
    assert!(
        found.contains(&(format!("{id}[0].full_name").as_str(), "not_text")),
        "{found:?}"
    );
    assert!(
        found.contains(&(format!("{id}[0].unknown").as_str(), "unknown_field")),
        "{found:?}"
    );
    assert!(
        found.contains(&(format!("{id}[1]").as_str(), "not_a_list")),
        "{found:?}"
    );
}

#[test]
fn conditions_decide_what_is_required() {
    let bp = blueprint("social-welfare");
    // An empty submission: every unconditionally required field is named, and
    // conditionally required ones only when their condition holds.
    let problems = check_answers(&bp, &Map::new(), today()).unwrap_err();
    let required: Vec<&str> = problems
        .iter()
        .filter(|p| p.code == "required")
        .map(|p| p.field.as_str())
        .collect();
    let fields = bp.case_record().unwrap().fields.iter();
    for f in fields.filter(|f| f.required && !f.internal) {
        let on_hidden_page = bp
            .form
            .pages
            .iter()
            .any(|p| p.when.is_some() && p.fields.iter().any(|x| x == &f.id));
        if !on_hidden_page {
            assert!(
                required.contains(&f.id.as_str()),
                "{} not reported: {required:?}",
                f.id
            );
        }
    }
}
