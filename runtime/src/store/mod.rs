//! The service's SQLite store: tables derived from the blueprint, and migrations that
//! follow the blueprint as it changes.
//!
//! The application record becomes the `cases` table, one column per field; each
//! repeatable group becomes a `group_<field>` table of entries. Fixed tables hold what the
//! engine itself keeps: the append-only history of every case (`qw_history`), counters for
//! tracking and document numbers (`qw_counters`), every migration applied
//! (`qw_migrations`), the calls made to other agencies (`qw_calls`, append-only), the
//! messages and retries waiting to go out (`qw_outbox`), issued documents
//! (`qw_documents`), fees (`qw_fees`), appointment bookings (`qw_bookings`), uploaded
//! files (`qw_attachments`) and the web form's unfinished applications (`qw_drafts`). When the blueprint gains a field, a group or a state, [`migrate`]
//! adds what is missing and records it; when a change would lose data (a removed field
//! or group that holds values, a removed state that cases are in), it refuses unless
//! forced, and says exactly what would be lost.

pub mod accounts;
pub mod attachments;
pub mod bookings;
pub mod calls;
pub mod cases;
pub mod counters;
pub mod documents;
pub mod drafts;
pub mod fees;
pub mod history;
pub mod outbox;

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Connection, OptionalExtension, params};

use quickwin_blueprint::model::{Blueprint, Field, FieldType};

/// The columns every case has besides its fields.
const CASE_COLUMNS: &[(&str, &str)] = &[
    ("id", "INTEGER PRIMARY KEY"),
    ("tracking", "TEXT NOT NULL UNIQUE"),
    ("access_code_hash", "TEXT NOT NULL"),
    ("state", "TEXT NOT NULL"),
    ("submitted_at", "TEXT NOT NULL"),
    ("updated_at", "TEXT NOT NULL"),
];

/// The columns every group entry has besides its fields.
const ENTRY_COLUMNS: &[(&str, &str)] = &[
    ("id", "INTEGER PRIMARY KEY"),
    ("case_id", "INTEGER NOT NULL REFERENCES cases(id)"),
    ("position", "INTEGER NOT NULL"),
];

/// The engine's own tables, the same for every blueprint.
const FIXED_SQL: &str = "CREATE TABLE IF NOT EXISTS qw_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS qw_migrations (
    id INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL,
    blueprint_version TEXT NOT NULL,
    summary TEXT NOT NULL,
    statements TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS qw_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS qw_history (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qw_history_case ON qw_history(case_id);
CREATE TRIGGER IF NOT EXISTS qw_history_no_update BEFORE UPDATE ON qw_history
BEGIN SELECT RAISE(ABORT, 'the case history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS qw_history_no_delete BEFORE DELETE ON qw_history
BEGIN SELECT RAISE(ABORT, 'the case history is append-only'); END;
CREATE TABLE IF NOT EXISTS qw_calls (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL,
    integration TEXT NOT NULL,
    action TEXT NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qw_calls_case ON qw_calls(case_id);
CREATE TRIGGER IF NOT EXISTS qw_calls_no_update BEFORE UPDATE ON qw_calls
BEGIN SELECT RAISE(ABORT, 'the record of calls is append-only'); END;
CREATE TRIGGER IF NOT EXISTS qw_calls_no_delete BEFORE DELETE ON qw_calls
BEGIN SELECT RAISE(ABORT, 'the record of calls is append-only'); END;
CREATE TABLE IF NOT EXISTS qw_outbox (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL DEFAULT 0,
    done_at TEXT,
    result TEXT
);
CREATE INDEX IF NOT EXISTS qw_outbox_pending ON qw_outbox(done_at, next_at);
CREATE TABLE IF NOT EXISTS qw_documents (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL,
    document TEXT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE,
    issued_at TEXT NOT NULL,
    valid_until TEXT,
    content TEXT NOT NULL,
    UNIQUE (case_id, document)
);
CREATE TABLE IF NOT EXISTS qw_fees (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL,
    fee TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    payment_id TEXT,
    receipt TEXT,
    due_at TEXT NOT NULL,
    paid_at TEXT,
    UNIQUE (case_id, fee)
);
CREATE TABLE IF NOT EXISTS qw_bookings (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL,
    resource TEXT NOT NULL,
    start TEXT NOT NULL,
    status TEXT NOT NULL,
    reminded INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qw_bookings_slot ON qw_bookings(resource, start, status);
CREATE INDEX IF NOT EXISTS qw_bookings_case ON qw_bookings(case_id);
CREATE TABLE IF NOT EXISTS qw_attachments (
    id TEXT PRIMARY KEY,
    case_id INTEGER,
    field TEXT,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qw_attachments_case ON qw_attachments(case_id);
CREATE TABLE IF NOT EXISTS qw_drafts (
    token_hash TEXT PRIMARY KEY,
    answers TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
";

/// A table the blueprint asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its name: `cases` or `group_<field>`.
    pub name: String,
    /// Its columns, the fixed ones first, each with its SQL type and constraints.
    pub columns: Vec<(String, String)>,
}

/// The SQL storage type of a field's values.
pub fn column_type(field: &Field) -> &'static str {
    match field.kind.value {
        FieldType::Number | FieldType::Money => "NUMERIC",
        FieldType::Boolean => "INTEGER",
        // Dates and times as ISO 8601 text; choices, ids, addresses (JSON) and file ids as text.
        _ => "TEXT",
    }
}

/// The tables of a blueprint's data: `cases`, then one table per group, sorted.
pub fn tables(bp: &Blueprint) -> Vec<Table> {
    let fixed = |cols: &[(&str, &str)]| {
        cols.iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect::<Vec<_>>()
    };
    let mut cases = Table {
        name: "cases".into(),
        columns: fixed(CASE_COLUMNS),
    };
    let mut groups = Vec::new();
    for field in bp.case_record().map_or(&[][..], |r| r.fields.as_slice()) {
        if field.kind.value == FieldType::Group {
            let mut table = Table {
                name: format!("group_{}", field.id.as_str()),
                columns: fixed(ENTRY_COLUMNS),
            };
            let record = field.record.as_ref().and_then(|r| bp.record(r));
            for f in record.map_or(&[][..], |r| r.fields.as_slice()) {
                table
                    .columns
                    .push((f.id.value.clone(), column_type(f).to_string()));
            }
            groups.push(table);
        } else {
            cases
                .columns
                .push((field.id.value.clone(), column_type(field).to_string()));
        }
    }
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = vec![cases];
    out.extend(groups);
    out
}

/// A name (a field, a table) quoted for SQL, its own quotes doubled.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn create_table(t: &Table) -> String {
    let cols: Vec<String> = t
        .columns
        .iter()
        .map(|(n, ty)| format!("    {} {ty}", quote(n)))
        .collect();
    format!(
        "CREATE TABLE {} (\n{}\n);",
        quote(&t.name),
        cols.join(",\n")
    )
}

/// The whole schema of a blueprint as readable SQL: the engine's tables, then the data's.
pub fn schema_sql(bp: &Blueprint) -> String {
    let mut out = String::from("-- The engine's own tables.\n");
    out.push_str(FIXED_SQL);
    out.push_str(&format!("\n-- The data of `{}`.\n", bp.id.as_str()));
    for t in tables(bp) {
        out.push_str(&create_table(&t));
        out.push('\n');
        if t.name != "cases" {
            out.push_str(&format!(
                "CREATE INDEX {} ON {}(case_id, position);\n",
                quote(&format!("{}_case", t.name)),
                quote(&t.name)
            ));
        }
    }
    out.push_str("CREATE INDEX \"cases_state\" ON \"cases\"(state);\n");
    out
}

/// The index that finds an open case with the same answers as `workflow.unique` names.
fn unique_index(conn: &Connection, bp: &Blueprint) -> rusqlite::Result<()> {
    if let Some(rule) = bp.workflow.unique.as_ref().filter(|r| !r.is_empty()) {
        let cols: Vec<String> = rule.iter().map(|f| quote(f.as_str())).collect();
        conn.execute_batch(&format!(
            "CREATE INDEX IF NOT EXISTS \"cases_unique\" ON \"cases\"({})",
            cols.join(", ")
        ))?;
    }
    Ok(())
}

/// One change a migration makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new table.
    CreateTable(String),
    /// A new column.
    AddColumn(String, String),
    /// A column the blueprint no longer has.
    DropColumn(String, String),
    /// A table the blueprint no longer has.
    DropTable(String),
    /// A state the blueprint gained.
    NewState(String),
    /// A state the blueprint no longer has.
    RemovedState(String),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::CreateTable(t) => write!(f, "create table `{t}`"),
            Change::AddColumn(t, c) => write!(f, "add `{c}` to `{t}`"),
            Change::DropColumn(t, c) => write!(f, "remove `{c}` from `{t}`"),
            Change::DropTable(t) => write!(f, "remove table `{t}`"),
            Change::NewState(s) => write!(f, "new state `{s}`"),
            Change::RemovedState(s) => write!(f, "state `{s}` removed"),
        }
    }
}

/// What a migration would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The changes, in order.
    pub changes: Vec<Change>,
    /// The SQL that makes them.
    pub statements: Vec<String>,
    /// What would be lost, in plain words (a field holding values, cases in a removed state).
    pub losses: Vec<String>,
}

impl Plan {
    /// Whether nothing needs to change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Why the store could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("the store failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The store belongs to another service.
    #[error("this store belongs to the service `{found}`, not `{expected}`")]
    OtherService {
        /// The blueprint's id.
        expected: String,
        /// The id recorded in the store.
        found: String,
    },
    /// The blueprint change would lose data.
    #[error("the blueprint change would lose data: {}; run again with --force to accept the loss", losses.join("; "))]
    WouldLoseData {
        /// What would be lost.
        losses: Vec<String>,
    },
}

fn existing_columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
    let names = stmt.query_map([], |r| r.get::<_, String>(1))?;
    names.collect()
}

fn existing_tables(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND (name = 'cases' OR name LIKE 'group\\_%' ESCAPE '\\')")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    names.collect()
}

fn recorded_states(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    let value: Option<String> = conn
        .query_row("SELECT value FROM qw_meta WHERE key = 'states'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(value
        .map(|v| {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default())
}

/// Work out what it takes to bring the store in line with the blueprint.
pub fn plan(conn: &Connection, bp: &Blueprint) -> rusqlite::Result<Plan> {
    conn.execute_batch(FIXED_SQL)?;
    let mut plan = Plan::default();
    let present = existing_tables(conn)?;
    let wanted = tables(bp);
    let wanted_names: BTreeSet<&str> = wanted.iter().map(|t| t.name.as_str()).collect();
    for table in &wanted {
        if !present.contains(&table.name) {
            plan.changes.push(Change::CreateTable(table.name.clone()));
            plan.statements.push(create_table(table));
            if table.name == "cases" {
                plan.statements
                    .push("CREATE INDEX \"cases_state\" ON \"cases\"(state);".into());
            } else {
                plan.statements.push(format!(
                    "CREATE INDEX {} ON {}(case_id, position);",
                    quote(&format!("{}_case", table.name)),
                    quote(&table.name)
                ));
            }
            continue;
        }
        let columns = existing_columns(conn, &table.name)?;
        for (name, ty) in &table.columns {
            if !columns.contains(name) {
                plan.changes
                    .push(Change::AddColumn(table.name.clone(), name.clone()));
                // A new column cannot be NOT NULL without a default; fixed columns never change.
                plan.statements.push(format!(
                    "ALTER TABLE {} ADD COLUMN {} {ty};",
                    quote(&table.name),
                    quote(name)
                ));
            }
        }
        let wanted_columns: BTreeSet<&str> =
            table.columns.iter().map(|(n, _)| n.as_str()).collect();
        for column in columns
            .iter()
            .filter(|c| !wanted_columns.contains(c.as_str()))
        {
            let held: i64 = conn.query_row(
                &format!(
                    "SELECT COUNT(*) FROM {} WHERE {} IS NOT NULL",
                    quote(&table.name),
                    quote(column)
                ),
                [],
                |r| r.get(0),
            )?;
            if held > 0 {
                plan.losses.push(format!(
                    "the field `{column}` of `{}` holds {held} value(s)",
                    table.name
                ));
            }
            plan.changes
                .push(Change::DropColumn(table.name.clone(), column.clone()));
            plan.statements.push(format!(
                "ALTER TABLE {} DROP COLUMN {};",
                quote(&table.name),
                quote(column)
            ));
        }
    }
    for table in present
        .iter()
        .filter(|t| !wanted_names.contains(t.as_str()))
    {
        let rows: i64 =
            conn.query_row(&format!("SELECT COUNT(*) FROM {}", quote(table)), [], |r| {
                r.get(0)
            })?;
        if rows > 0 {
            plan.losses.push(format!(
                "the group table `{table}` holds {rows} entr{}",
                if rows == 1 { "y" } else { "ies" }
            ));
        }
        plan.changes.push(Change::DropTable(table.clone()));
        plan.statements
            .push(format!("DROP TABLE {};", quote(table)));
    }
    let before = recorded_states(conn)?;
    let after: BTreeSet<String> = bp
        .workflow
        .states
        .iter()
        .map(|s| s.id.value.clone())
        .collect();
    for state in after.difference(&before) {
        plan.changes.push(Change::NewState(state.clone()));
    }
    for state in before.difference(&after) {
        let cases: i64 = if present.contains("cases") {
            conn.query_row(
                "SELECT COUNT(*) FROM cases WHERE state = ?1",
                [state],
                |r| r.get(0),
            )?
        } else {
            0
        };
        if cases > 0 {
            plan.losses.push(format!(
                "{cases} case(s) are in the removed state `{state}`"
            ));
        }
        plan.changes.push(Change::RemovedState(state.clone()));
    }
    Ok(plan)
}

/// What [`migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The plan that was carried out (empty when the store was up to date).
    pub plan: Plan,
    /// The id of the recorded migration, if there was one.
    pub migration: Option<i64>,
}

/// Bring the store in line with the blueprint, in one transaction, and record it.
///
/// Refuses a change that would lose data unless `force`.
pub fn migrate(
    conn: &mut Connection,
    bp: &Blueprint,
    force: bool,
    now: &str,
) -> Result<Applied, StoreError> {
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;")?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(FIXED_SQL)?;
    tx.execute_batch(accounts::SQL)?;
    let owner: Option<String> = tx
        .query_row("SELECT value FROM qw_meta WHERE key = 'service'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(found) = owner.filter(|o| o != bp.id.as_str()) {
        return Err(StoreError::OtherService {
            expected: bp.id.value.clone(),
            found,
        });
    }
    // The index behind `workflow.unique` is made anew below: one naming a column the
    // blueprint dropped would stop the column's removal.
    tx.execute_batch("DROP INDEX IF EXISTS \"cases_unique\"")?;
    let plan = plan(&tx, bp)?;
    if plan.is_empty() {
        // The engine's own tables may still be new to this store: keep them.
        unique_index(&tx, bp)?;
        tx.commit()?;
        return Ok(Applied {
            plan,
            migration: None,
        });
    }
    if !plan.losses.is_empty() && !force {
        return Err(StoreError::WouldLoseData {
            losses: plan.losses.clone(),
        });
    }
    for statement in &plan.statements {
        tx.execute_batch(statement)?;
    }
    let states: Vec<&str> = bp.workflow.states.iter().map(|s| s.id.as_str()).collect();
    let meta: BTreeMap<&str, String> = BTreeMap::from([
        ("service", bp.id.value.clone()),
        ("blueprint_version", bp.version.value.clone()),
        ("states", states.join(",")),
    ]);
    for (key, value) in &meta {
        tx.execute("INSERT INTO qw_meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![key, value])?;
    }
    let summary: Vec<String> = plan.changes.iter().map(ToString::to_string).collect();
    tx.execute(
        "INSERT INTO qw_migrations (applied_at, blueprint_version, summary, statements) VALUES (?1, ?2, ?3, ?4)",
        params![now, bp.version.value, summary.join("; "), plan.statements.join("\n")],
    )?;
    let id = tx.last_insert_rowid();
    unique_index(&tx, bp)?;
    tx.commit()?;
    Ok(Applied {
        plan,
        migration: Some(id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = include_str!("../../tests/fixtures/store-base.yaml");

    fn blueprint(text: &str) -> Blueprint {
        let checked = quickwin_blueprint::check_bytes("t.yaml", text.as_bytes());
        checked
            .blueprint
            .unwrap_or_else(|| panic!("{:#?}", checked.diagnostics))
    }

    fn memory() -> Connection {
        Connection::open_in_memory().unwrap()
    }

    #[test]
    fn the_first_migration_creates_cases_and_group_tables() {
        let bp = blueprint(BASE);
        let mut conn = memory();
        let applied = migrate(&mut conn, &bp, false, "2026-11-26T10:00:00Z").unwrap();
        assert_eq!(applied.migration, Some(1));
        assert!(
            applied
                .plan
                .changes
                .contains(&Change::CreateTable("cases".into()))
        );
        assert!(
            applied
                .plan
                .changes
                .contains(&Change::CreateTable("group_members".into()))
        );
        let cols = existing_columns(&conn, "cases").unwrap();
        for c in [
            "id",
            "tracking",
            "state",
            "full_name",
            "income",
            "national_id",
        ] {
            assert!(cols.contains(&c.to_string()), "{c} in {cols:?}");
        }
        assert!(
            !cols.contains(&"members".to_string()),
            "a group is a table, not a column"
        );
        // Opening again with the same blueprint changes nothing.
        assert_eq!(
            migrate(&mut conn, &bp, false, "later").unwrap().migration,
            None
        );
    }

    #[test]
    fn a_new_field_and_state_are_added_and_recorded() {
        let mut conn = memory();
        migrate(&mut conn, &blueprint(BASE), false, "t1").unwrap();
        let grown = BASE
            .replace("      - id: national_id\n", "      - id: phone\n        type: phone\n        label: Phone\n      - id: national_id\n")
            .replace("    - {id: approved, label: Approved, final: true}", "    - {id: approved, label: Approved, final: true}\n    - {id: archived, label: Archived, final: true}")
            .replace("      to: approved\n", "      to: approved\n    - action: archive\n      label: Archive\n      from: submitted\n      to: archived\n      role: clerk\n");
        let applied = migrate(&mut conn, &blueprint(&grown), false, "t2").unwrap();
        assert_eq!(
            applied.plan.changes,
            vec![
                Change::AddColumn("cases".into(), "phone".into()),
                Change::NewState("archived".into())
            ]
        );
        let (summary, version): (String, String) = conn
            .query_row(
                "SELECT summary, blueprint_version FROM qw_migrations WHERE id = 2",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(summary, "add `phone` to `cases`; new state `archived`");
        assert_eq!(version, "1.0.0");
    }

    #[test]
    fn removing_a_field_with_values_is_refused_unless_forced() {
        let mut conn = memory();
        migrate(&mut conn, &blueprint(BASE), false, "t1").unwrap();
        conn.execute(
            "INSERT INTO cases (tracking, access_code_hash, state, submitted_at, updated_at, full_name) VALUES ('P-1', 'h', 'submitted', 't', 't', 'Zainab')",
            [],
        )
        .unwrap();
        let shrunk = BASE.replace(
            "      - id: full_name\n        type: text\n        label: Full name\n",
            "",
        );
        let shrunk = shrunk.replace(
            "fields: [full_name, national_id, income, members]",
            "fields: [national_id, income, members]",
        );
        let err = migrate(&mut conn, &blueprint(&shrunk), false, "t2").unwrap_err();
        assert!(
            err.to_string()
                .contains("the field `full_name` of `cases` holds 1 value(s)"),
            "{err}"
        );
        // Nothing changed.
        assert!(
            existing_columns(&conn, "cases")
                .unwrap()
                .contains(&"full_name".to_string())
        );
        let forced = migrate(&mut conn, &blueprint(&shrunk), true, "t3").unwrap();
        assert!(
            forced
                .plan
                .changes
                .contains(&Change::DropColumn("cases".into(), "full_name".into()))
        );
        assert!(
            !existing_columns(&conn, "cases")
                .unwrap()
                .contains(&"full_name".to_string())
        );
    }

    #[test]
    fn removing_a_state_that_cases_are_in_is_refused() {
        let mut conn = memory();
        migrate(&mut conn, &blueprint(BASE), false, "t1").unwrap();
        conn.execute("INSERT INTO cases (tracking, access_code_hash, state, submitted_at, updated_at) VALUES ('P-1', 'h', 'rejected', 't', 't')", []).unwrap();
        let without = BASE
            .replace("    - {id: rejected, label: Rejected, final: true}\n", "")
            .replace("    - action: reject\n      label: Reject\n      from: submitted\n      to: rejected\n      role: clerk\n", "");
        let err = migrate(&mut conn, &blueprint(&without), false, "t2").unwrap_err();
        assert!(
            err.to_string()
                .contains("1 case(s) are in the removed state `rejected`"),
            "{err}"
        );
    }

    #[test]
    fn a_store_of_another_service_is_not_touched() {
        let mut conn = memory();
        migrate(&mut conn, &blueprint(BASE), false, "t1").unwrap();
        let other = BASE
            .replace("id: permit\n", "id: other-permit\n")
            .replace("services/permit", "services/other-permit");
        assert!(matches!(
            migrate(&mut conn, &blueprint(&other), false, "t2"),
            Err(StoreError::OtherService { .. })
        ));
    }

    #[test]
    fn the_history_is_append_only() {
        let mut conn = memory();
        migrate(&mut conn, &blueprint(BASE), false, "t1").unwrap();
        conn.execute("INSERT INTO qw_history (case_id, at, actor, role, action, from_state, to_state, detail) VALUES (1, 't', 'a', 'clerk', 'approve', 'submitted', 'approved', '{}')", []).unwrap();
        assert!(
            conn.execute("UPDATE qw_history SET actor = 'b'", [])
                .is_err()
        );
        assert!(conn.execute("DELETE FROM qw_history", []).is_err());
    }

    #[test]
    fn the_schema_sql_is_readable() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../blueprints/social-welfare.yaml"
        ))
        .unwrap();
        insta::assert_snapshot!("social-welfare-schema", schema_sql(&blueprint(&text)));
    }

    #[test]
    fn the_catalogue_schemas_create_cleanly() {
        for entry in
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../blueprints")).unwrap()
        {
            let path = entry.unwrap().path();
            let bp = blueprint(&std::fs::read_to_string(&path).unwrap());
            let conn = memory();
            conn.execute_batch(&schema_sql(&bp))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut conn = memory();
            migrate(&mut conn, &bp, false, "t").unwrap();
        }
    }

    #[test]
    fn the_engines_own_tables_are_made_even_when_the_blueprint_did_not_change() {
        let bp = blueprint(BASE);
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &bp, false, "t1").unwrap();
        // A store from before a table of the engine's existed.
        conn.execute_batch("DROP TABLE qw_drafts; DROP TABLE qw_sessions;")
            .unwrap();
        let again = migrate(&mut conn, &bp, false, "t2").unwrap();
        assert!(again.migration.is_none());
        let count: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('qw_drafts', 'qw_sessions')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(count, 2);
    }
}
