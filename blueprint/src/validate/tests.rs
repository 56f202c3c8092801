//! Table-driven checks of semantic rules, each on a small blueprint with one change.

use crate::check_bytes;
use crate::diagnostic::Code;

const BASE: &str = r#"quickwin: 1
id: permit
version: 1.0.0
agency: {member: MOI, name: {en: Ministry of Interior, ar: وزارة الداخلية}}
interop: IQ/GOV/MOI/services/permit
languages: [ar, en]
title: {en: Permit, ar: تصريح}
summary: {en: Apply for a permit., ar: قدّم طلب تصريح.}
sla: 5d
roles:
  - {id: applicant, kind: citizen, label: {en: Applicant, ar: مقدم الطلب}}
  - {id: clerk, kind: staff, label: {en: Clerk, ar: الموظف}}
records:
  - id: application
    label: {en: Application, ar: الطلب}
    fields:
      - id: date_of_birth
        type: date
        label: {en: Date of birth, ar: تاريخ الميلاد}
        required: true
        max: today
      - id: guardian_name
        type: text
        label: {en: Guardian, ar: الولي}
        required_if: is_minor
      - id: phone
        type: phone
        label: {en: Phone, ar: الهاتف}
        required: true
computed:
  - id: is_minor
    type: boolean
    expr: age(date_of_birth) < 18
form:
  pages:
    - id: about
      title: {en: About you, ar: معلوماتك}
      fields: [date_of_birth, guardian_name, phone]
workflow:
  record: application
  tracking: P-{year}-{seq:6}
  initial: submitted
  states:
    - {id: submitted, label: {en: Received, ar: تم الاستلام}}
    - {id: approved, label: {en: Approved, ar: تمت الموافقة}, final: true}
    - {id: rejected, label: {en: Rejected, ar: مرفوض}, final: true}
  transitions:
    - action: approve
      label: {en: Approve, ar: موافقة}
      from: submitted
      to: approved
      role: clerk
    - action: reject
      label: {en: Reject, ar: رفض}
      from: submitted
      to: rejected
      role: clerk
      inputs:
        - {id: reason, type: choice, label: {en: Reason, ar: السبب}, required: true, options: [{value: other, label: {en: Other, ar: أخرى}}, {value: incomplete, label: {en: Incomplete, ar: ناقص}}]}
        - {id: details, type: long_text, label: {en: Details, ar: التفاصيل}, required_if: "reason == 'other'"}
notifications:
  - on: submit
    channel: sms
    to: phone
    text: {en: "Received {tracking}.", ar: "تم استلام {tracking}."}
"#;

/// The codes `check` reports for the base with `old` replaced by `new`.
fn codes(old: &str, new: &str) -> Vec<Code> {
    assert!(BASE.contains(old), "{old}");
    let text = BASE.replacen(old, new, 1);
    check_bytes("t.yaml", text.as_bytes())
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn the_base_is_valid_and_its_conditions_see_computed_values_and_sibling_inputs() {
    let checked = check_bytes("t.yaml", BASE.as_bytes());
    assert!(checked.diagnostics.is_empty(), "{:#?}", checked.diagnostics);
}

#[test]
fn semantic_rules() {
    let cases: &[(&str, &str, Code)] = &[
        (
            "required_if: is_minor",
            "required_if: is_minr",
            Code::UnknownField,
        ),
        (
            "        max: today\n",
            "        max: today\n        min: today + 1y\n",
            Code::Inconsistent,
        ),
        (
            "        max: today\n",
            "        max: 2000-01-01\n        min: 2001-01-01\n",
            Code::Inconsistent,
        ),
        (
            "        label: {en: Guardian, ar: الولي}\n",
            "        label: {en: Guardian, ar: الولي}\n        pattern_message: {en: x, ar: x}\n",
            Code::InapplicableKey,
        ),
        (
            "{en: Guardian, ar: الولي}",
            "{en: Guardian, ar: \"\"}",
            Code::InvalidValue,
        ),
        ("{en: Guardian, ar: الولي}", "\"\"", Code::InvalidValue),
        (
            "expr: age(date_of_birth) < 18",
            "expr: years_between(date_of_birth, date('2026-02-30')) < 18",
            Code::ExpressionType,
        ),
        ("  - on: submit\n", "  - on: reminder\n", Code::Inconsistent),
        (
            "required_if: \"reason == 'other'\"",
            "required_if: \"reason == 'othr'\"",
            Code::ExpressionType,
        ),
        ("to: approved", "to: aproved", Code::UnknownState),
        (
            "      role: clerk\n    - action: reject",
            "      role: clrk\n    - action: reject",
            Code::UnknownRole,
        ),
        (
            "final: true}\n    - {id: rejected",
            "final: false}\n    - {id: rejected",
            Code::DeadEndState,
        ),
        (
            "tracking: P-{year}-{seq:6}",
            "tracking: P-{year}",
            Code::InvalidValue,
        ),
        (
            "interop: IQ/GOV/MOI/services/permit",
            "interop: IQ/GOV/MOI/permit",
            Code::InvalidValue,
        ),
    ];
    for (old, new, code) in cases {
        let found = codes(old, new);
        assert!(
            found.contains(code),
            "`{new}` should give {code:?}, gave {found:?}"
        );
    }
}

/// The diagnostics (severity, code, message) `check` gives for the base with `old`
/// replaced by `new`.
fn diagnostics(old: &str, new: &str) -> Vec<(bool, Code, String)> {
    assert!(BASE.contains(old), "{old}");
    let text = BASE.replacen(old, new, 1);
    check_bytes("t.yaml", text.as_bytes())
        .diagnostics
        .iter()
        .map(|d| (d.is_error(), d.code, d.message.clone()))
        .collect()
}

#[test]
fn examples_are_checked_against_their_fields() {
    let phone = "        type: phone\n        label: {en: Phone, ar: الهاتف}\n";
    let dob = "        type: date\n        label: {en: Date of birth, ar: تاريخ الميلاد}\n";
    let choice = "{id: reason, type: choice, label: {en: Reason, ar: السبب}, required: true,";
    // Good examples: as written (a leading zero kept), a number, a date any day allows,
    // a future date (valid once its day comes), a list of one choice written plainly.
    for (old, new) in [
        (phone, &*format!("{phone}        example: 07701234567\n")),
        (
            phone,
            &*format!("{phone}        example: \"+964 770 123 4567\"\n"),
        ),
        (dob, &*format!("{dob}        example: 1990-05-01\n")),
        (dob, &*format!("{dob}        example: 2031-05-01\n")),
        (dob, &*format!("{dob}        example: today - 12d\n")),
        (choice, &*format!("{choice} example: other,")),
    ] {
        let found = diagnostics(old, new);
        assert!(found.is_empty(), "{new}: {found:?}");
    }
    // Bad ones: an error naming the runtime's problem, at the example.
    for (old, new, says) in [
        (
            phone,
            format!("{phone}        example: 7701234567\n"),
            "must be a mobile number",
        ),
        (
            choice,
            format!("{choice} example: maybe,"),
            "Choose one of the options",
        ),
        (
            choice,
            format!("{choice} example: [other, incomplete],"),
            "takes one answer",
        ),
        (
            dob,
            format!("{dob}        example: 1990-13-01\n"),
            "must be a date",
        ),
        (dob, format!("{dob}        example: \"\"\n"), "is required"),
        (
            dob,
            format!("{dob}        example: today + 1d\n"),
            "must be on or before 2026-11-01",
        ),
    ] {
        let found = diagnostics(old, &new);
        assert!(
            found.iter().any(|(error, code, message)| *error
                && *code == Code::InvalidValue
                && message.contains(says)),
            "{new}: {found:?}"
        );
    }
    // A date bound relative to today: a warning only, the same whatever the day.
    let old_enough = format!("{dob}        min: today - 18y\n        example: 1990-05-01\n");
    let found = diagnostics(dob, &old_enough);
    assert!(
        found.iter().any(|(error, code, message)| !*error
            && *code == Code::InvalidValue
            && message.contains("on every day from 2026-11-01 on")),
        "{found:?}"
    );
    // Where an example makes no sense.
    let found = diagnostics(
        "        type: phone\n",
        "        type: phone\n        internal: true\n        example: 07701234567\n",
    );
    assert!(
        found
            .iter()
            .any(|(_, code, _)| *code == Code::InapplicableKey),
        "{found:?}"
    );
}

#[test]
fn messages_quote_the_inputs_of_their_step_and_only_values_they_can_have() {
    let submit = "  - on: submit\n";
    let text = r#"text: {en: "Received {tracking}.", ar: "تم استلام {tracking}."}"#;
    let with = |on: &str, en: &str| {
        let t = format!(r#"text: {{en: "{en}", ar: "{en}"}}"#);
        let text_in = BASE.replacen(submit, &format!("  - on: {on}\n"), 1);
        let changed = text_in.replacen(text, &t, 1);
        check_bytes("t.yaml", changed.as_bytes())
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code,
                    d.message.clone(),
                    d.help.clone().unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    };
    // The inputs of the action that sends the message, the state and the service.
    assert_eq!(
        with("reject", "{tracking} {state} {service}: {reason} {details}"),
        []
    );
    // Another step's input is not a placeholder of this one.
    let found = with("approve", "{reason}");
    assert!(
        found.iter().any(|(c, m, h)| *c == Code::UnknownField
            && m.contains("`{reason}`")
            && h.contains("an input of the step that sends the message")
            && !h.contains("one of one of")),
        "{found:?}"
    );
    // A value the service never has.
    let found = with("approve", "Pay {amount}.");
    assert!(
        found.iter().any(|(c, m, h)| *c == Code::Inconsistent
            && m.contains("`{amount}` has no value")
            && h.contains("no fees")),
        "{found:?}"
    );
    for (text, why) in [
        ("See you at {appointment}.", "no `appointment` field"),
        ("Number {document_number}.", "issues no documents"),
    ] {
        let found = with("approve", text);
        assert!(
            found
                .iter()
                .any(|(c, _, h)| *c == Code::Inconsistent && h.contains(why)),
            "{text}: {found:?}"
        );
    }
}

#[test]
fn a_fee_or_document_placeholder_needs_every_way_to_its_step_to_pass_its_state() {
    let with = "documents:\n  - {id: permit, title: {en: Permit, ar: تصريح}, issue_in: approved, number: 'PM/{seq:5}', fields: [date_of_birth]}\nnotifications:\n";
    let base = BASE.replacen("notifications:\n", with, 1);
    let check = |on: &str, en: &str| {
        let t = format!(r#"text: {{en: "{en}", ar: "{en}"}}"#);
        let text = base
            .replacen("  - on: submit\n", &format!("  - on: {on}\n"), 1)
            .replacen(
                r#"text: {en: "Received {tracking}.", ar: "تم استلام {tracking}."}"#,
                &t,
                1,
            );
        check_bytes("t.yaml", text.as_bytes())
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.clone()))
            .collect::<Vec<_>>()
    };
    // Entering the state that issues the document: its number and code are known.
    assert_eq!(
        check(
            "approve",
            "Permit {document_number}, code {verification_code}"
        ),
        []
    );
    // At submission, or on a rejection (which never passes `approved`): refused.
    for on in ["submit", "reject"] {
        let found = check(on, "Permit {document_number}, code {verification_code}");
        assert_eq!(found.len(), 2, "{on}: {found:?}");
        assert!(
            found
                .iter()
                .all(|(c, m)| *c == Code::Inconsistent && m.contains("may have no value")),
            "{on}: {found:?}"
        );
    }
}

#[test]
fn a_uniqueness_rule_names_comparable_fields() {
    let rule = |r: &str| {
        diagnostics(
            "  initial: submitted\n",
            &format!("  initial: submitted\n  unique: {r}\n"),
        )
    };
    assert_eq!(rule("[phone]"), []);
    assert_eq!(rule("[phone, date_of_birth]"), []);
    let found = rule("[]");
    assert!(
        found
            .iter()
            .any(|(e, c, m)| *e && *c == Code::InvalidValue && m.contains("names no field")),
        "{found:?}"
    );
    let found = rule("[phon]");
    assert!(
        found.iter().any(|(e, c, _)| *e && *c == Code::UnknownField),
        "{found:?}"
    );
    let found = rule("[phone, phone]");
    assert!(
        found.iter().any(|(e, c, _)| *e && *c == Code::DuplicateId),
        "{found:?}"
    );
}
#[test]
fn a_queue_names_fields_of_the_application_with_one_value_each() {
    let clerk = "  - {id: clerk, kind: staff, label: {en: Clerk, ar: الموظف}}";
    let with = |role: &str| {
        let text = BASE.replacen(clerk, role, 1);
        let checked = check_bytes("t.yaml", text.as_bytes());
        let at = |d: &crate::diagnostic::Diagnostic| text[d.span.start..d.span.end].to_string();
        checked
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code,
                    d.message.clone(),
                    d.help.clone().unwrap_or_default(),
                    at(d),
                )
            })
            .collect::<Vec<_>>()
    };
    let staff = |columns: &str| {
        format!(
            "  - {{id: clerk, kind: staff, label: {{en: Clerk, ar: الموظف}}, queue: {{columns: {columns}}}}}"
        )
    };
    assert_eq!(with(&staff("[guardian_name, date_of_birth, phone]")), []);
    assert_eq!(
        with(&format!(
            "{clerk}\n  - {{id: helper, kind: staff, label: {{en: Helper, ar: المساعد}}, queue: {{columns: []}}}}"
        )),
        []
    );
    // An unknown field, located, with "did you mean".
    let found = with(&staff("[guardian_name, phnoe]"));
    assert!(
        found.iter().any(|(c, m, h, at)| *c == Code::UnknownField
            && m == "unknown field `phnoe`"
            && h.contains("`phone`")
            && at == "phnoe"),
        "{found:?}"
    );
    // A computed value is not a field; a column twice; a queue on the applicant's role.
    let found = with(&staff("[is_minor]"));
    assert!(
        found
            .iter()
            .any(|(c, _, _, at)| *c == Code::UnknownField && at == "is_minor"),
        "{found:?}"
    );
    let found = with(&staff("[phone, phone]"));
    assert!(
        found.iter().any(|(c, _, _, _)| *c == Code::DuplicateId),
        "{found:?}"
    );
    let found = with(&format!(
        "{clerk}\n  - {{id: other, kind: citizen, label: {{en: Other, ar: آخر}}, queue: {{columns: [phone]}}}}"
    ));
    assert!(
        found.iter().any(|(c, m, _, at)| *c == Code::Inconsistent
            && m.contains("only staff roles")
            && at == "other"),
        "{found:?}"
    );
    // A misspelt key of `queue` is an unknown key.
    let found = with(
        "  - {id: clerk, kind: staff, label: {en: Clerk, ar: الموظف}, queue: {colums: [phone]}}",
    );
    assert!(!found.is_empty(), "{found:?}");
}

#[test]
fn a_staff_label_is_a_text_per_language() {
    assert_eq!(
        codes(
            "        label: {en: Phone, ar: الهاتف}\n",
            "        label: {en: Your phone, ar: هاتفك}\n        staff_label: {en: Applicant's phone, ar: هاتف مقدم الطلب}\n"
        ),
        []
    );
    assert!(
        codes(
            "        label: {en: Phone, ar: الهاتف}\n",
            "        label: {en: Phone, ar: الهاتف}\n        staff_label: {en: Applicant's phone}\n"
        )
        .contains(&Code::MissingLanguage)
    );
}

#[test]
fn a_queue_column_is_not_a_file_or_a_group() {
    let path = format!(
        "{}/../blueprints/school-attendance.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let role = "    label: {en: School administrator, ar: إداري المدرسة}\n";
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        role,
        &format!("{role}    queue: {{columns: [vaccination_card]}}\n"),
        1,
    );
    let checked = check_bytes("t.yaml", text.as_bytes());
    let found: Vec<(Code, &str, &str)> = checked
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str(), &text[d.span.start..d.span.end]))
        .collect();
    assert_eq!(
        found,
        [(
            Code::InvalidValue,
            "the `file` field `vaccination_card` cannot be a column of a queue",
            "vaccination_card"
        )]
    );
}

#[test]
fn an_agencys_contact_and_license_are_checked() {
    let agency = "agency: {member: MOI, name: {en: Ministry of Interior, ar: وزارة الداخلية}}";
    let with = |extra: &str| agency.replace("}}", &format!("}}, {extra}}}"));
    let good = with(
        "contact: {email: eservices@example.gov.iq, url: \"https://example.gov.iq/e\"}, license: CC-BY-4.0",
    );
    assert!(
        diagnostics(agency, &good).is_empty(),
        "{:?}",
        diagnostics(agency, &good)
    );
    let terms = with("license: \"https://example.gov.iq/terms\"");
    assert!(diagnostics(agency, &terms).is_empty());
    for (bad, said) in [
        (
            "contact: {email: eservices}",
            "`eservices` is not an e-mail address",
        ),
        (
            "contact: {url: example.gov.iq}",
            "`example.gov.iq` is not a web address",
        ),
        ("contact: {}", "`contact` names neither"),
        (
            "license: the usual terms",
            "neither an SPDX licence identifier nor a web address",
        ),
    ] {
        let found = diagnostics(agency, &with(bad));
        assert!(
            found.iter().any(|(error, _, m)| *error && m.contains(said)),
            "{bad}: {found:?}"
        );
    }
}
