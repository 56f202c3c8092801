//! What a workflow step does besides moving the case: the requests of the integrations
//! it triggers and how their answers fill the record, the texts of its notifications,
//! the amounts of its fees and the contents of the documents it issues. Pure functions
//! over the blueprint and the case's answers; the store and the mediator apply them.

use serde_json::{Map, Value as Json, json};

use crate::expr::{self, Date, Row, Value};
use crate::model::{Blueprint, Document, Fee, Field, FieldType, Integration, Method, Notification};

/// An integration's request, ready to send through the mediator.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The called service's identifier.
    pub service: String,
    /// The path after the identifier, with the inputs filled in and the query string.
    pub path: String,
    /// The JSON body, for `POST`.
    pub body: Option<Json>,
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A value as JSON, for a request body.
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Text(t) => Json::String(t.clone()),
        Value::Number(n) | Value::Money(n) => {
            if n.fract() == 0.0 && n.abs() < 9e15 {
                json!(*n as i64)
            } else {
                json!(n)
            }
        }
        Value::Bool(b) => Json::Bool(*b),
        Value::Date(d) => Json::String(d.to_string()),
        Value::Group(rows) => Json::Array(
            rows.iter()
                .map(|r| Json::Object(r.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()))
                .collect(),
        ),
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
    }
}

fn as_text(json: &Json) -> String {
    match json {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// Evaluate an expression over the case's row; a failure is told in words.
pub fn evaluate(text: &str, row: &Row, today: Date) -> Result<Value, String> {
    let Some(ast) = expr::parse_cached(text) else {
        let why = expr::parse(text)
            .err()
            .map_or_else(String::new, |e| e.message);
        return Err(format!("`{text}`: {why}"));
    };
    expr::evaluate(&ast, row, today).map_err(|e| format!("`{text}`: {e}"))
}

/// The request an integration sends for a case.
pub fn request(integration: &Integration, row: &Row, today: Date) -> Result<Request, String> {
    let mut inputs = Map::new();
    for (name, e) in &integration.input {
        let v = evaluate(e, row, today)?;
        inputs.insert(name.value.clone(), to_json(&v));
    }
    let mut path = integration
        .path
        .as_ref()
        .map_or(String::new(), |p| p.value.clone());
    for (name, v) in &inputs.clone() {
        let token = format!("{{{name}}}");
        if path.contains(&token) {
            let text = as_text(v);
            if text.is_empty() {
                return Err(format!("`{name}` has no value to put in the path"));
            }
            path = path.replace(&token, &percent_encode(&text));
            inputs.remove(name);
        }
    }
    let (method, body) = match integration.method {
        Method::Get => {
            let query: Vec<String> = inputs
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(&as_text(v))))
                .collect();
            if !query.is_empty() {
                path.push(if path.contains('?') { '&' } else { '?' });
                path.push_str(&query.join("&"));
            }
            ("GET", None)
        }
        Method::Post => ("POST", Some(Json::Object(inputs))),
    };
    Ok(Request {
        method,
        service: integration.service.value.clone(),
        path,
        body,
    })
}

/// The value at a dotted path of an answer, e.g. `hospital.name` or `records.0.number`.
pub fn at_path<'a>(answer: &'a Json, path: &str) -> Option<&'a Json> {
    path.split('.').try_fold(answer, |v, key| match v {
        Json::Object(m) => m.get(key),
        Json::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// The fields an integration's answer fills, by field id; a path the answer lacks
/// leaves its field empty.
pub fn outputs(integration: &Integration, answer: &Json) -> Map<String, Json> {
    integration
        .output
        .iter()
        .map(|(field, path)| {
            (
                field.value.clone(),
                at_path(answer, &path.value).cloned().unwrap_or(Json::Null),
            )
        })
        .collect()
}

/// How an answer value is shown in a message.
fn shown(value: &Json, language: &str) -> String {
    match value {
        Json::String(s) => {
            // An appointment `resource@YYYY-MM-DDTHH:MM` reads as a date and time.
            if let Some((_, when)) = s.split_once('@') {
                when.replace('T', " ")
            } else {
                s.clone()
            }
        }
        Json::Bool(b) => match (language, b) {
            ("ar", true) => "نعم".into(),
            ("ar", false) => "لا".into(),
            (_, true) => "yes".into(),
            (_, false) => "no".into(),
        },
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// A field's value in words in `language`: a choice's label, yes or no, a booked slot's
/// place and time, several choices joined; `field` is the field the value belongs to.
pub fn field_text(bp: &Blueprint, field: Option<&Field>, value: &Json, language: &str) -> String {
    match (field, value) {
        (Some(f), Json::String(s)) if f.kind.value == FieldType::Choice => {
            bp.choice_label(f, s, language).unwrap_or_else(|| s.clone())
        }
        (Some(f), Json::String(_)) if f.kind.value == FieldType::Appointment => {
            describe_slot(bp, value, language)
        }
        (_, Json::Array(items)) => items
            .iter()
            .map(|v| field_text(bp, field, v, language))
            .collect::<Vec<_>>()
            .join(if language == "ar" { "، " } else { ", " }),
        _ => shown(value, language),
    }
}

/// What a step knew when it queued a notification, beside the case's answers: the state
/// it entered (`state`), the fee's amount (`amount`), the issued document's number and
/// code (`document_number`, `verification_code`) and the inputs of the action.
pub type MessageContext = Map<String, Json>;

/// A notification's text for a case in `language`: `{tracking}`, `{service}`,
/// `{state}`, `{appointment}`, `{amount}`, `{document_number}`, `{verification_code}`,
/// the action's inputs and the application's fields are filled in. A name with no value
/// (an optional field left empty) becomes empty text, never a `{name}` left in the
/// message; `check` refuses names that can have no value where they are used.
pub fn message(
    bp: &Blueprint,
    notification: &Notification,
    tracking: &str,
    values: &Map<String, Json>,
    context: &MessageContext,
    language: &str,
) -> String {
    let template = notification.text.value.get(language);
    let fields = bp.case_record().map_or(&[][..], |r| r.fields.as_slice());
    let inputs = || {
        bp.workflow
            .transitions
            .iter()
            .filter(|t| t.action == notification.on)
            .flat_map(|t| t.inputs.iter())
    };
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            rest = &rest[open..];
            break;
        };
        let key = &rest[open + 1..open + close];
        let text = match key {
            "tracking" => tracking.to_string(),
            "service" => bp.title.get(language).to_string(),
            "state" => {
                let id = context.get("state").and_then(Json::as_str).unwrap_or("");
                bp.workflow
                    .states
                    .iter()
                    .find(|s| s.id.as_str() == id)
                    .map_or_else(|| id.to_string(), |s| s.label.get(language).to_string())
            }
            "appointment" => fields
                .iter()
                .find(|f| f.kind.value == FieldType::Appointment)
                .and_then(|f| values.get(f.id.as_str()))
                .map(|v| describe_slot(bp, v, language))
                .unwrap_or_default(),
            _ => {
                let input = inputs().find(|f| f.id.as_str() == key);
                let field = fields.iter().find(|f| f.id.as_str() == key);
                match (context.get(key), values.get(key)) {
                    (Some(v), _) => field_text(bp, input.or(field), v, language),
                    (None, Some(v)) => field_text(bp, field, v, language),
                    (None, None) => String::new(),
                }
            }
        };
        out.push_str(&text);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// A booked slot in words: `Al-Karrada Primary Health Care Centre, 2026-12-01 08:15`.
pub fn describe_slot(bp: &Blueprint, value: &Json, language: &str) -> String {
    let Some((resource, when)) = value.as_str().and_then(|s| s.split_once('@')) else {
        return shown(value, language);
    };
    let place = bp
        .appointments
        .as_ref()
        .and_then(|a| a.resources.iter().find(|r| r.id.as_str() == resource))
        .map_or(resource.to_string(), |r| r.label.get(language).to_string());
    format!("{place}, {}", when.replace('T', " "))
}

/// A fee's amount for a case, in whole units of its currency.
pub fn fee_amount(fee: &Fee, row: &Row, today: Date) -> Result<i64, String> {
    let amount = if let Some(a) = &fee.amount {
        a.value
    } else if let Some(e) = &fee.expr {
        match evaluate(e, row, today)? {
            Value::Number(n) | Value::Money(n) => n,
            other => return Err(format!("`{}` gave {other:?}, not an amount", e.value)),
        }
    } else if let Some(t) = &fee.tariff {
        let quantity = match evaluate(&t.quantity, row, today)? {
            Value::Number(n) | Value::Money(n) => n,
            other => {
                return Err(format!(
                    "`{}` gave {other:?}, not a quantity",
                    t.quantity.value
                ));
            }
        };
        let mut total = t.fixed.as_ref().map_or(0.0, |f| f.value);
        for band in &t.bands {
            let from = band.from.value;
            let to = band.to.as_ref().map_or(f64::INFINITY, |t| t.value);
            if quantity > from {
                total += (quantity.min(to) - from) * band.price.value;
            }
        }
        total
    } else {
        0.0
    };
    Ok(amount.round() as i64)
}

/// The fee's currency.
pub fn currency(fee: &Fee) -> String {
    fee.currency
        .as_ref()
        .map_or_else(|| "IQD".to_string(), |c| c.value.clone())
}

/// What a document prints: its fields' values from the case.
pub fn document_content(
    document: &Document,
    row: &Row,
    values: &Map<String, Json>,
    tracking: &str,
    state: &str,
) -> Json {
    let mut out = Map::new();
    for f in &document.fields {
        let v = match f.as_str() {
            "tracking" => json!(tracking),
            "state" => json!(state),
            name => values
                .get(name)
                .cloned()
                .unwrap_or_else(|| row.get(name).map(to_json).unwrap_or(Json::Null)),
        };
        out.insert(f.value.clone(), v);
    }
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::catalogue as blueprint;

    #[test]
    fn a_get_puts_inputs_in_the_path_and_a_post_in_the_body() {
        let bp = blueprint("medical-appointment");
        let today = Date::parse("2026-11-26").unwrap();
        let row = Row::from([
            (
                "patient_national_id".into(),
                Value::Text("199012345678".into()),
            ),
            ("patient_full_name".into(), Value::Text("زينب علي".into())),
            (
                "patient_date_of_birth".into(),
                Value::Date(Date::parse("1990-01-02").unwrap()),
            ),
        ]);
        let post = request(&bp.integrations[0], &row, today).unwrap();
        assert_eq!(post.method, "POST");
        assert_eq!(post.path, "/persons/199012345678/verify");
        assert_eq!(
            post.body,
            Some(json!({"full_name": "زينب علي", "date_of_birth": "1990-01-02"}))
        );
        let get = request(&bp.integrations[2], &row, today).unwrap();
        assert_eq!(
            (get.method, get.path.as_str()),
            ("GET", "/patients/199012345678")
        );
        let empty = request(&bp.integrations[2], &Row::new(), today);
        assert!(empty.is_err());
    }

    #[test]
    fn outputs_follow_dotted_paths() {
        let bp = blueprint("medical-appointment");
        let answer = json!({"record": {"number": "HR-1"}, "match": true});
        assert_eq!(
            outputs(&bp.integrations[2], &answer),
            Map::from_iter([("health_record_number".into(), json!("HR-1"))])
        );
        assert_eq!(
            at_path(&json!({"a": [1, {"b": 2}]}), "a.1.b"),
            Some(&json!(2))
        );
    }

    #[test]
    fn tariffs_add_up_band_by_band() {
        let bp = blueprint("water-fees");
        let fee = &bp.fees[0];
        let today = Date::parse("2026-11-26").unwrap();
        let amount = |m3: f64| {
            let row = Row::from([("consumption_m3".into(), Value::Number(m3))]);
            fee_amount(fee, &row, today)
        };
        // 2000 fixed; 100 a cubic metre up to 20, 200 up to 40, 400 up to 60, then 800.
        assert_eq!(amount(0.0), Ok(2000));
        assert_eq!(amount(14.0), Ok(2000 + 1400));
        assert_eq!(amount(45.0), Ok(2000 + 2000 + 4000 + 2000));
        assert_eq!(amount(70.0), Ok(2000 + 2000 + 4000 + 8000 + 8000));
    }

    #[test]
    fn messages_fill_placeholders_in_the_language() {
        let bp = blueprint("medical-appointment");
        let n = bp
            .notifications
            .iter()
            .find(|n| n.on.as_str() == "submit")
            .unwrap();
        let values = Map::from_iter([("visit_slot".into(), json!("karrada_phc@2026-12-01T08:15"))]);
        let en = message(&bp, n, "MA-1", &values, &Map::new(), "en");
        assert!(en.contains("MA-1"), "{en}");
        assert!(
            en.contains("Al-Karrada Primary Health Care Centre, 2026-12-01 08:15"),
            "{en}"
        );
        let ar = message(&bp, n, "MA-1", &values, &Map::new(), "ar");
        assert!(ar.contains("مركز الرعاية الصحية الأولية في الكرادة"), "{ar}");
    }
}
