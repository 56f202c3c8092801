//! The mock agencies: each a set of services with its own OpenAPI document, answering
//! from the seeded store. They are the sandbox's stand-ins for the systems that hold the
//! data a pilot needs.

pub mod civil_registry;
pub mod education;
pub mod finance;
pub mod health;
pub mod justice;
pub mod notify;
pub mod payments;
pub mod social;
pub mod store;
pub mod water;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use serde_json::{Map, Value};

use crate::db::Db;
use crate::error::ApiError;

/// An agency (an X-Road member) and its name in English and Arabic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agency {
    /// The member code, e.g. `MOI`.
    pub member: &'static str,
    /// The English name.
    pub en: &'static str,
    /// The Arabic name.
    pub ar: &'static str,
}

/// The agencies of the mock services.
pub const AGENCIES: &[Agency] = &[
    Agency {
        member: "CBI",
        en: "Central Bank of Iraq",
        ar: "البنك المركزي العراقي",
    },
    Agency {
        member: "MMPW",
        en: "Ministry of Construction, Housing, Municipalities and Public Works",
        ar: "وزارة الإعمار والإسكان والبلديات والأشغال العامة",
    },
    Agency {
        member: "MOC",
        en: "Ministry of Communications",
        ar: "وزارة الاتصالات",
    },
    Agency {
        member: "MOE",
        en: "Ministry of Education",
        ar: "وزارة التربية",
    },
    Agency {
        member: "MOF",
        en: "Ministry of Finance",
        ar: "وزارة المالية",
    },
    Agency {
        member: "MOH",
        en: "Ministry of Health",
        ar: "وزارة الصحة",
    },
    Agency {
        member: "MOI",
        en: "Ministry of Interior",
        ar: "وزارة الداخلية",
    },
    Agency {
        member: "MOJ",
        en: "Ministry of Justice",
        ar: "وزارة العدل",
    },
    Agency {
        member: "MOLSA",
        en: "Ministry of Labour and Social Affairs",
        ar: "وزارة العمل والشؤون الاجتماعية",
    },
];

/// The agency with a member code.
pub fn agency(member: &str) -> Option<&'static Agency> {
    AGENCIES.iter().find(|a| a.member == member)
}

/// One mock service: its identifier parts, titles, OpenAPI document and routes.
pub struct MockService {
    /// The member code.
    pub member: &'static str,
    /// The subsystem.
    pub subsystem: &'static str,
    /// The service code.
    pub code: &'static str,
    /// The title in English.
    pub title_en: &'static str,
    /// The title in Arabic.
    pub title_ar: &'static str,
    /// The OpenAPI 3.1 document, as JSON text.
    pub openapi: &'static str,
    /// The service's routes, relative to its base.
    pub routes: fn() -> Router<Db>,
}

impl MockService {
    /// `IQ/GOV/MEMBER/SUBSYSTEM/CODE`.
    pub fn id(&self) -> String {
        format!("IQ/GOV/{}/{}/{}", self.member, self.subsystem, self.code)
    }

    /// Where the service answers directly, without the mediator.
    pub fn base(&self) -> String {
        format!("/mock/{}/{}/{}", self.member, self.subsystem, self.code)
    }
}

macro_rules! openapi {
    ($file:literal) => {
        include_str!(concat!("../../openapi/", $file))
    };
}

/// Every mock service, sorted by identifier.
pub const SERVICES: &[MockService] = &[
    MockService {
        member: "CBI",
        subsystem: "payments",
        code: "payments",
        title_en: "Payment gateway",
        title_ar: "بوابة الدفع الإلكتروني",
        openapi: openapi!("cbi-payments-payments.json"),
        routes: payments::routes,
    },
    MockService {
        member: "MMPW",
        subsystem: "water",
        code: "accounts",
        title_en: "Water accounts",
        title_ar: "حسابات الماء",
        openapi: openapi!("mmpw-water-accounts.json"),
        routes: water::accounts,
    },
    MockService {
        member: "MMPW",
        subsystem: "water",
        code: "readings",
        title_en: "Water meter readings",
        title_ar: "قراءات مقاييس الماء",
        openapi: openapi!("mmpw-water-readings.json"),
        routes: water::readings,
    },
    MockService {
        member: "MOC",
        subsystem: "notify",
        code: "messages",
        title_en: "SMS and e-mail gateway",
        title_ar: "بوابة الرسائل النصية والبريد الإلكتروني",
        openapi: openapi!("moc-notify-messages.json"),
        routes: notify::routes,
    },
    MockService {
        member: "MOE",
        subsystem: "schools",
        code: "enrolments",
        title_en: "Pupil enrolments",
        title_ar: "تسجيل التلاميذ",
        openapi: openapi!("moe-schools-enrolments.json"),
        routes: education::enrolments,
    },
    MockService {
        member: "MOE",
        subsystem: "schools",
        code: "schools",
        title_en: "Schools",
        title_ar: "المدارس",
        openapi: openapi!("moe-schools-schools.json"),
        routes: education::schools,
    },
    MockService {
        member: "MOF",
        subsystem: "pensions",
        code: "pensioners",
        title_en: "Pensions",
        title_ar: "الرواتب التقاعدية",
        openapi: openapi!("mof-pensions-pensioners.json"),
        routes: finance::pensioners,
    },
    MockService {
        member: "MOH",
        subsystem: "births",
        code: "notifications",
        title_en: "Birth notifications",
        title_ar: "تبليغات الولادة",
        openapi: openapi!("moh-births-notifications.json"),
        routes: health::births,
    },
    MockService {
        member: "MOH",
        subsystem: "health-records",
        code: "patients",
        title_en: "Patients' health records",
        title_ar: "السجلات الصحية للمرضى",
        openapi: openapi!("moh-health-records-patients.json"),
        routes: health::records,
    },
    MockService {
        member: "MOH",
        subsystem: "primary-care",
        code: "centres",
        title_en: "Primary health care centres",
        title_ar: "مراكز الرعاية الصحية الأولية",
        openapi: openapi!("moh-primary-care-centres.json"),
        routes: health::centres,
    },
    MockService {
        member: "MOI",
        subsystem: "civil-registry",
        code: "households",
        title_en: "Households",
        title_ar: "الأسر",
        openapi: openapi!("moi-civil-registry-households.json"),
        routes: civil_registry::households,
    },
    MockService {
        member: "MOI",
        subsystem: "civil-registry",
        code: "persons",
        title_en: "Civil registry: persons",
        title_ar: "السجل المدني: الأشخاص",
        openapi: openapi!("moi-civil-registry-persons.json"),
        routes: civil_registry::persons,
    },
    MockService {
        member: "MOJ",
        subsystem: "real-estate-registry",
        code: "properties",
        title_en: "Real-estate registry",
        title_ar: "التسجيل العقاري",
        openapi: openapi!("moj-real-estate-registry-properties.json"),
        routes: justice::properties,
    },
    MockService {
        member: "MOLSA",
        subsystem: "payments",
        code: "beneficiaries",
        title_en: "Social protection beneficiaries",
        title_ar: "المستفيدون من شبكة الحماية الاجتماعية",
        openapi: openapi!("molsa-payments-beneficiaries.json"),
        routes: social::beneficiaries,
    },
];

/// A row turned into JSON.
pub type RowJson = fn(&rusqlite::Row<'_>) -> rusqlite::Result<Value>;

/// The one row `sql` (with `?1` bound to `key`) finds, as JSON; 404 naming `what` when none.
pub fn by_key(
    conn: &rusqlite::Connection,
    sql: &str,
    key: &str,
    row: RowJson,
    what: &str,
) -> Result<Value, ApiError> {
    use rusqlite::OptionalExtension;
    conn.query_row(sql, [key], row)
        .optional()?
        .ok_or_else(|| ApiError::not_found(what, key))
}

/// Every row `sql` finds, as JSON.
pub fn rows(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: RowJson,
) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, row)?;
    rows.collect()
}

/// `{"items": […]}`: the rows `sql` finds for the required query parameter `key`, bound as `?1`.
pub async fn items_by(
    db: Db,
    query: &BTreeMap<String, String>,
    key: &str,
    sql: String,
    row: RowJson,
) -> Result<axum::Json<Value>, ApiError> {
    let Some(value) = query.get(key).cloned() else {
        return Err(ApiError::invalid(vec![format!("`{key}` is required")]));
    };
    db.call(move |conn| {
        Ok(axum::Json(
            serde_json::json!({"items": rows(conn, &sql, [&value], row)?}),
        ))
    })
    .await
}

/// A JSON object from a request body, or a 422 that says why not.
pub fn json_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid(vec![
            "the body must be a JSON object".into(),
        ])),
        Err(e) => Err(ApiError::invalid(vec![format!(
            "the body is not valid JSON: {e}"
        )])),
    }
}

/// A required text member of a body; pushes a problem when it is missing or not text.
pub fn text(body: &Map<String, Value>, key: &str, problems: &mut Vec<String>) -> String {
    match body.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            problems.push(format!("`{key}` is required"));
            String::new()
        }
        Some(_) => {
            problems.push(format!("`{key}` must be text"));
            String::new()
        }
    }
}

/// Paging from `?page=&page_size=`: page from 1, 1–100 items (default 20).
pub fn paging(query: &BTreeMap<String, String>) -> Result<(u32, u32), ApiError> {
    let mut problems = Vec::new();
    let page = match query.get("page").map(|p| p.parse::<u32>()) {
        None => 1,
        Some(Ok(p)) if p >= 1 => p,
        _ => {
            problems.push("`page` must be a whole number from 1".to_string());
            1
        }
    };
    let size = match query.get("page_size").map(|p| p.parse::<u32>()) {
        None => 20,
        Some(Ok(s)) if (1..=100).contains(&s) => s,
        _ => {
            problems.push("`page_size` must be a whole number from 1 to 100".to_string());
            20
        }
    };
    if problems.is_empty() {
        Ok((page, size))
    } else {
        Err(ApiError::invalid(problems))
    }
}

/// Check that a governorate given in a query is one of Iraq's.
pub fn governorate(query: &BTreeMap<String, String>) -> Result<Option<String>, ApiError> {
    match query.get("governorate") {
        None => Ok(None),
        Some(g) => match not_a_governorate(g) {
            None => Ok(Some(g.clone())),
            Some(problem) => Err(ApiError::invalid(vec![problem])),
        },
    }
}

/// The problem with `g` if it is not one of Iraq's governorates.
pub fn not_a_governorate(g: &str) -> Option<String> {
    let values = || {
        quickwin_blueprint::lists::GOVERNORATES
            .iter()
            .map(|c| c.value)
    };
    (!values().any(|v| v == g)).then(|| {
        format!(
            "`{g}` is not a governorate; expected {}",
            quickwin_blueprint::de::one_of(values())
        )
    })
}
