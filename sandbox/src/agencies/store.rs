//! The mock agencies' SQLite store: its schema, and filling it from a generated world.

use rusqlite::{Connection, OptionalExtension, params};

use crate::data::World;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    national_id TEXT PRIMARY KEY,
    given_ar TEXT NOT NULL, given_en TEXT NOT NULL,
    father_ar TEXT NOT NULL, father_en TEXT NOT NULL,
    grandfather_ar TEXT NOT NULL, grandfather_en TEXT NOT NULL,
    family_ar TEXT NOT NULL, family_en TEXT NOT NULL,
    sex TEXT NOT NULL, date_of_birth TEXT NOT NULL, governorate TEXT NOT NULL,
    family_number TEXT NOT NULL, father_id TEXT, mother_id TEXT, phone TEXT
);
CREATE INDEX IF NOT EXISTS persons_family ON persons(family_number);
CREATE INDEX IF NOT EXISTS persons_governorate ON persons(governorate);
CREATE TABLE IF NOT EXISTS households (
    family_number TEXT PRIMARY KEY, governorate TEXT NOT NULL,
    district_ar TEXT NOT NULL, district_en TEXT NOT NULL,
    address_ar TEXT NOT NULL, address_en TEXT NOT NULL, head_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS births (
    number TEXT PRIMARY KEY, mother_id TEXT NOT NULL, father_id TEXT,
    child_date_of_birth TEXT NOT NULL, sex TEXT NOT NULL,
    hospital_ar TEXT NOT NULL, hospital_en TEXT NOT NULL, governorate TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS births_mother ON births(mother_id);
CREATE TABLE IF NOT EXISTS centres (
    code TEXT PRIMARY KEY, name_ar TEXT NOT NULL, name_en TEXT NOT NULL, governorate TEXT NOT NULL,
    district_ar TEXT NOT NULL, district_en TEXT NOT NULL, address_ar TEXT NOT NULL, address_en TEXT NOT NULL,
    hours TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schools (
    code TEXT PRIMARY KEY, name_ar TEXT NOT NULL, name_en TEXT NOT NULL, governorate TEXT NOT NULL,
    level TEXT NOT NULL, address_ar TEXT NOT NULL, address_en TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enrolments (
    student_number TEXT PRIMARY KEY, national_id TEXT NOT NULL, school_code TEXT NOT NULL,
    grade INTEGER NOT NULL, school_year TEXT NOT NULL, UNIQUE (national_id, school_year)
);
CREATE TABLE IF NOT EXISTS water_accounts (
    number TEXT PRIMARY KEY, holder_id TEXT NOT NULL, governorate TEXT NOT NULL,
    address_ar TEXT NOT NULL, address_en TEXT NOT NULL, property_type TEXT NOT NULL,
    meter_serial TEXT NOT NULL, opened_on TEXT NOT NULL, balance INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS water_holder ON water_accounts(holder_id);
CREATE TABLE IF NOT EXISTS readings (
    account_number TEXT NOT NULL, period TEXT NOT NULL, read_on TEXT NOT NULL,
    value INTEGER NOT NULL, billed INTEGER NOT NULL, PRIMARY KEY (account_number, period)
);
CREATE TABLE IF NOT EXISTS water_payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account_number TEXT NOT NULL, period TEXT NOT NULL,
    consumption INTEGER NOT NULL, amount INTEGER NOT NULL, paid_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
    id TEXT PRIMARY KEY, amount INTEGER NOT NULL, currency TEXT NOT NULL, reference TEXT NOT NULL,
    description TEXT NOT NULL, status TEXT NOT NULL, card_last4 TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payment_keys (
    key TEXT PRIMARY KEY, payment_id TEXT NOT NULL REFERENCES payments(id)
);
CREATE TABLE IF NOT EXISTS properties (
    governorate TEXT NOT NULL, muqataa INTEGER NOT NULL, plot INTEGER NOT NULL,
    owner_id TEXT NOT NULL, property_type TEXT NOT NULL, area_m2 INTEGER NOT NULL,
    address_ar TEXT NOT NULL, address_en TEXT NOT NULL,
    PRIMARY KEY (governorate, muqataa, plot)
);
CREATE INDEX IF NOT EXISTS properties_owner ON properties(owner_id);
CREATE TABLE IF NOT EXISTS beneficiaries (
    number TEXT PRIMARY KEY, national_id TEXT NOT NULL UNIQUE, governorate TEXT NOT NULL,
    household_size INTEGER NOT NULL, monthly_amount INTEGER NOT NULL, enrolled_on TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, address TEXT NOT NULL,
    subject TEXT, text TEXT NOT NULL, sent_at TEXT NOT NULL, client TEXT
);
CREATE INDEX IF NOT EXISTS outbox_address ON outbox(address);
";

/// The schema, with the columns added since a store was first made.
fn schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)?;
    // `client` (who sent a message) came later; a store made before lacks it.
    let has_client: bool = conn.query_row(
        "SELECT COUNT(*) > 0 FROM pragma_table_info('outbox') WHERE name = 'client'",
        [],
        |r| r.get(0),
    )?;
    if !has_client {
        conn.execute_batch("ALTER TABLE outbox ADD COLUMN client TEXT")?;
    }
    Ok(())
}

/// The seed and creation date the store was filled with, if it has been.
pub fn origin(conn: &Connection) -> rusqlite::Result<Option<(u64, String)>> {
    schema(conn)?;
    let seed: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'seed'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let created: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'created'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(seed.and_then(|s| s.parse().ok()).zip(created))
}

/// Create the schema and fill it with `world` (generated from `seed` on `created`).
pub fn fill(
    conn: &mut Connection,
    world: &World,
    seed: u64,
    created: &str,
) -> rusqlite::Result<()> {
    schema(conn)?;
    let tx = conn.transaction()?;
    {
        let mut s = tx.prepare(
            "INSERT INTO persons VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
        )?;
        for p in &world.persons {
            s.execute(params![
                p.national_id,
                p.given_name.ar,
                p.given_name.en,
                p.father_name.ar,
                p.father_name.en,
                p.grandfather_name.ar,
                p.grandfather_name.en,
                p.family_name.ar,
                p.family_name.en,
                p.sex,
                p.date_of_birth.to_string(),
                p.governorate,
                p.family_number,
                p.father_national_id,
                p.mother_national_id,
                p.phone
            ])?;
        }
        let mut s = tx.prepare("INSERT INTO households VALUES (?1,?2,?3,?4,?5,?6,?7)")?;
        for h in &world.households {
            s.execute(params![
                h.family_number,
                h.governorate,
                h.district.ar,
                h.district.en,
                h.address.ar,
                h.address.en,
                h.head_national_id
            ])?;
        }
        let mut s = tx.prepare("INSERT INTO births VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")?;
        for b in &world.births {
            s.execute(params![
                b.number,
                b.mother_national_id,
                b.father_national_id,
                b.child_date_of_birth.to_string(),
                b.sex,
                b.hospital.ar,
                b.hospital.en,
                b.governorate
            ])?;
        }
        let mut s = tx.prepare("INSERT INTO centres VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)")?;
        for c in &world.centres {
            let hours: serde_json::Map<String, serde_json::Value> = c
                .hours
                .iter()
                .map(|(d, h)| (d.clone(), serde_json::Value::String(h.clone())))
                .collect();
            s.execute(params![
                c.code,
                c.name.ar,
                c.name.en,
                c.governorate,
                c.district.ar,
                c.district.en,
                c.address.ar,
                c.address.en,
                serde_json::Value::Object(hours).to_string()
            ])?;
        }
        let mut s = tx.prepare("INSERT INTO schools VALUES (?1,?2,?3,?4,?5,?6,?7)")?;
        for c in &world.schools {
            s.execute(params![
                c.code,
                c.name.ar,
                c.name.en,
                c.governorate,
                c.level,
                c.address.ar,
                c.address.en
            ])?;
        }
        let mut s = tx.prepare("INSERT INTO enrolments VALUES (?1,?2,?3,?4,?5)")?;
        for e in &world.enrolments {
            s.execute(params![
                e.student_number,
                e.national_id,
                e.school_code,
                e.grade,
                e.school_year
            ])?;
        }
        let mut s = tx.prepare("INSERT INTO water_accounts VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)")?;
        for a in &world.water_accounts {
            s.execute(params![
                a.number,
                a.holder_national_id,
                a.governorate,
                a.address.ar,
                a.address.en,
                a.property_type,
                a.meter_serial,
                a.opened_on.to_string(),
                a.balance
            ])?;
        }
        let mut s = tx.prepare("INSERT INTO readings VALUES (?1,?2,?3,?4,?5)")?;
        for r in &world.readings {
            s.execute(params![
                r.account_number,
                r.period,
                r.read_on.to_string(),
                r.value,
                r.billed
            ])?;
        }
        let mut s = tx.prepare("INSERT INTO properties VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")?;
        for p in &world.properties {
            s.execute(params![
                p.governorate,
                p.muqataa,
                p.plot,
                p.owner_national_id,
                p.property_type,
                p.area_m2,
                p.address.ar,
                p.address.en
            ])?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta VALUES ('seed', ?1), ('created', ?2)",
            params![seed.to_string(), created],
        )?;
    }
    tx.commit()
}
