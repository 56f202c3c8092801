//! Semantic checks: everything a blueprint must get right beyond its shape.
//!
//! Each check adds located diagnostics and goes on, so one run reports every problem.

mod data;
mod flow;
mod interop;
mod services;

pub use crate::dates::{DateBound, parse_date_bound};
pub use data::RESERVED_FIELDS;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use regex::Regex;

use crate::de::TextSite;
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{self, Scope, Ty};
use crate::model::{
    ANY_LANGUAGE, Blueprint, Field, FieldType, LANGUAGE_VERSION, Name, RoleKind, Spanned,
};
use crate::rules::{
    INTEROP_PART_PATTERN, MAX_ID_LENGTH, MEMBER_CLASSES, SLUG_PATTERN, SNAKE_PATTERN,
};
use crate::source::{Source, Span};
use crate::suggest;

/// Check a decoded blueprint; `texts` are the translated texts found while decoding.
pub fn validate(blueprint: &Blueprint, source: &Source, texts: &[TextSite]) -> Vec<Diagnostic> {
    let mut v = Validator {
        bp: blueprint,
        source,
        out: Vec::new(),
        scope: Scope::default(),
        actions: BTreeSet::new(),
    };
    v.identity();
    v.languages(texts);
    v.roles();
    v.lists();
    v.build_scope();
    v.computed();
    v.records();
    v.workflow();
    v.queues();
    v.form();
    v.fees();
    v.appointments();
    v.documents();
    v.integrations();
    v.provides();
    v.notifications();
    v.out.sort_by_key(|d| (d.span.start, d.severity, d.code));
    v.out.dedup();
    v.out
}

pub(crate) struct Validator<'a> {
    bp: &'a Blueprint,
    source: &'a Source,
    out: Vec<Diagnostic>,
    /// The names expressions over the application may use.
    scope: Scope,
    /// Every action id, including the built-in `submit`.
    actions: BTreeSet<String>,
}

/// The shapes ids take.
#[derive(Clone, Copy)]
pub(crate) enum IdStyle {
    /// `birth-certificate`: lowercase words joined by dashes.
    Slug,
    /// `date_of_birth`: lowercase words joined by underscores.
    Snake,
}

/// Whether `s` is a whole web address: `http(s)://` and a host.
fn web_address(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split('/').next().unwrap_or("");
        host.contains('.') && !r.contains(char::is_whitespace)
    })
}

static SLUG: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(SLUG_PATTERN).expect("valid regex"));
static SNAKE: std::sync::LazyLock<Regex> =
    std::sync::LazyLock::new(|| Regex::new(SNAKE_PATTERN).expect("valid regex"));
static INTEROP_PART: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    Regex::new(&format!("^{INTEROP_PART_PATTERN}$")).expect("valid regex")
});

impl<'a> Validator<'a> {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    pub(crate) fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic::error(code, span, message));
        self.out.last_mut().expect("just pushed")
    }

    pub(crate) fn warning(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic::warning(code, span, message));
        self.out.last_mut().expect("just pushed")
    }

    /// Check an id's shape.
    pub(crate) fn id(&mut self, id: &Name, what: &str, style: IdStyle) {
        let (ok, help) = match style {
            IdStyle::Slug => (
                SLUG.is_match(id),
                "use lowercase letters, digits and dashes, e.g. `birth-certificate`",
            ),
            IdStyle::Snake => (
                SNAKE.is_match(id),
                "use lowercase letters, digits and `_`, starting with a letter, e.g. `date_of_birth`",
            ),
        };
        if id.is_empty() {
            return;
        }
        if !ok {
            let suggestion = to_style(id, style);
            let help = if suggestion.is_empty() || suggestion == id.as_str() {
                help.to_string()
            } else {
                format!("{help}: `{suggestion}`")
            };
            self.error(
                Code::InvalidValue,
                id.span,
                format!("`{id}` is not a valid {what} id"),
            )
            .help = Some(help);
        } else if id.len() > MAX_ID_LENGTH {
            self.error(
                Code::InvalidValue,
                id.span,
                format!("the {what} id `{id}` is longer than {MAX_ID_LENGTH} characters"),
            );
        }
    }

    /// Report ids used twice among `ids`.
    pub(crate) fn unique<'n>(&mut self, ids: impl IntoIterator<Item = &'n Name>, what: &str) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for id in ids {
            if let Some(first) = seen.get(id.as_str()) {
                let d = Diagnostic::error(
                    Code::DuplicateId,
                    id.span,
                    format!("there are two {what}s with the id `{id}`"),
                )
                .with_label(*first, "first defined here")
                .with_help(format!("give each {what} its own id"));
                self.push(d);
            } else {
                seen.insert(id.as_str(), id.span);
            }
        }
    }

    /// Report a name that is not among `known`, with a suggestion.
    pub(crate) fn known<'k>(
        &mut self,
        name: &Name,
        known: impl IntoIterator<Item = &'k str> + Clone,
        code: Code,
        what: &str,
    ) -> bool {
        if known.clone().into_iter().any(|k| k == name.as_str()) {
            return true;
        }
        let help = suggest::did_you_mean(name, known.clone()).or_else(|| {
            let all: Vec<&str> = known.into_iter().collect();
            (!all.is_empty() && all.len() <= 12)
                .then(|| format!("the {what}s are {}", crate::phrase::all_of(all)))
        });
        let d = Diagnostic::error(code, name.span, format!("unknown {what} `{name}`"))
            .with_help_opt(help);
        self.push(d);
        false
    }

    /// Where a piece `start..end` of a scalar's value is in the source.
    pub(crate) fn inner_span(&self, scalar: Span, value: &str, start: usize, end: usize) -> Span {
        let end = end.min(value.len()).max(start.min(value.len()));
        let start = start.min(end);
        let needle = &value[start..end];
        let raw = &self.source.text[scalar.start.min(self.source.text.len())..];
        let window = raw.len().min(value.len() * 2 + 64);
        let raw = &raw[..floor_boundary(raw, window)];
        // The value as written: skip an opening quote; the piece is searched from where
        // the text before it was found, so repeated words are located correctly.
        let prefix = &value[..start];
        let from = raw.find(prefix).map_or(0, |i| i + prefix.len());
        match raw.get(from..).and_then(|r| r.find(needle)) {
            Some(i) if !needle.is_empty() => Span::new(
                scalar.start + from + i,
                scalar.start + from + i + needle.len(),
            ),
            _ => scalar,
        }
    }

    /// Parse and type-check an expression; returns its type when it is sound.
    pub(crate) fn expr(
        &mut self,
        e: &Spanned<String>,
        scope: &Scope,
        want: Option<Ty>,
        what: &str,
    ) -> Option<Ty> {
        let ast = match expr::parse(e) {
            Ok(ast) => ast,
            Err(err) => {
                let span = self.inner_span(e.span, e, err.start, err.end.max(err.start + 1));
                let d = Diagnostic::error(
                    Code::ExpressionSyntax,
                    span,
                    format!("{what}: {}", err.message),
                )
                .with_help_opt(err.help);
                self.push(d);
                return None;
            }
        };
        match expr::check(&ast, scope) {
            Ok(ty) => {
                if let Some(want) = want {
                    if !ty.fits(&want) {
                        self.error(
                            Code::ExpressionType,
                            e.span,
                            format!(
                                "{what} must be {}, but this expression gives {}",
                                want.name(),
                                ty.name()
                            ),
                        );
                        return None;
                    }
                }
                Some(ty)
            }
            Err(err) => {
                let span = self.inner_span(e.span, e, err.start, err.end);
                let code = if err.message.starts_with("unknown field") {
                    Code::UnknownField
                } else {
                    Code::ExpressionType
                };
                let d = Diagnostic::error(code, span, format!("{what}: {}", err.message))
                    .with_help_opt(err.help);
                self.push(d);
                None
            }
        }
    }

    /// The fields of the application record.
    pub(crate) fn case_fields(&self) -> &'a [Field] {
        self.bp.case_record().map_or(&[], |r| r.fields.as_slice())
    }

    pub(crate) fn case_field(&self, id: &str) -> Option<&'a Field> {
        self.case_fields().iter().find(|f| f.id.as_str() == id)
    }

    /// The computed values' ids and `builtins`: what documents and operations may show
    /// besides the application's fields.
    pub(crate) fn value_names(&self, builtins: &[&'a str]) -> Vec<&'a str> {
        let computed = self.bp.computed.iter().map(|c| c.id.as_str());
        builtins.iter().copied().chain(computed).collect()
    }

    /// Check that a name is a field of the application.
    pub(crate) fn case_field_ref(&mut self, name: &Name, extra: &[&str]) -> Option<&'a Field> {
        let fields = self.case_fields();
        let known: Vec<&str> = fields
            .iter()
            .map(|f| f.id.as_str())
            .chain(extra.iter().copied())
            .collect();
        if self.known(name, known.iter().copied(), Code::UnknownField, "field") {
            self.case_field(name)
        } else {
            None
        }
    }

    pub(crate) fn state_ref(&mut self, name: &Name) -> bool {
        let states: Vec<&str> = self
            .bp
            .workflow
            .states
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        self.known(name, states, Code::UnknownState, "state")
    }

    pub(crate) fn action_ref(&mut self, name: &Name) -> bool {
        let actions: Vec<String> = self.actions.iter().cloned().collect();
        self.known(
            name,
            actions.iter().map(String::as_str),
            Code::UnknownReference,
            "action",
        )
    }

    pub(crate) fn role_kind(&self, id: &str) -> Option<RoleKind> {
        self.bp.role(id).map(|r| r.kind.value)
    }

    /// Check a `{year}`/`{seq:6}` number format.
    pub(crate) fn number_format(&mut self, format: &Spanned<String>, what: &str) {
        let mut unique = false;
        for (start, name) in placeholders(format) {
            let (key, arg) = name.split_once(':').unwrap_or((name, ""));
            let ok = match key {
                "year" | "month" | "day" => arg.is_empty(),
                "seq" | "random" => {
                    unique = true;
                    arg.parse::<u8>().is_ok_and(|n| (1..=12).contains(&n))
                }
                _ => false,
            };
            if !ok {
                let span = self.inner_span(format.span, format, start, start + name.len() + 2);
                let d = Diagnostic::error(Code::InvalidValue, span, format!("unknown placeholder `{{{name}}}` in the {what}"))
                    .with_help("use `{year}`, `{month}`, `{day}`, `{seq:N}` or `{random:N}` with N from 1 to 12");
                self.push(d);
            }
        }
        if !unique {
            self.error(
                Code::InvalidValue,
                format.span,
                format!(
                    "the {what} `{}` gives every application the same number",
                    format.value
                ),
            )
            .help = Some("add a counter `{seq:6}` or a random part `{random:8}`".into());
        }
    }

    fn identity(&mut self) {
        let bp = self.bp;
        if bp.quickwin.value != LANGUAGE_VERSION {
            self.error(Code::InvalidValue, bp.quickwin.span, format!("this is blueprint language version `{}`, but quickwin reads version `{LANGUAGE_VERSION}`", bp.quickwin.value))
                .help = Some(format!("write `quickwin: {LANGUAGE_VERSION}`"));
        }
        self.id(&bp.id, "service", IdStyle::Slug);
        if bp.version.trim().is_empty() {
            self.error(Code::InvalidValue, bp.version.span, "the version is empty")
                .help = Some("write e.g. `version: 1.0.0`".into());
        }
        if let Some(contact) = &bp.agency.contact {
            if let Some(email) = &contact.email {
                let ok = email.split_once('@').is_some_and(|(user, domain)| {
                    !user.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !email.contains(char::is_whitespace)
                });
                if !ok {
                    self.error(
                        Code::InvalidValue,
                        email.span,
                        format!("`{}` is not an e-mail address", email.as_str()),
                    )
                    .help = Some("write e.g. `email: eservices@moi.gov.iq`".into());
                }
            }
            if let Some(url) = &contact.url {
                if !web_address(url.as_str()) {
                    self.error(
                        Code::InvalidValue,
                        url.span,
                        format!("`{}` is not a web address", url.as_str()),
                    )
                    .help = Some("write it whole, beginning with `https://`".into());
                }
            }
            if contact.email.is_none() && contact.url.is_none() {
                self.error(
                    Code::MissingKey,
                    bp.agency.member.span,
                    "`contact` names neither an `email` nor a `url`",
                )
                .help = Some("give at least one, or leave `contact` out".into());
            }
        }
        if let Some(license) = &bp.agency.license {
            let spdx = !license.is_empty()
                && license
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'));
            if !spdx && !web_address(license.as_str()) {
                self.error(Code::InvalidValue, license.span, format!("`{}` is neither an SPDX licence identifier nor a web address", license.as_str()))
                    .help = Some("write e.g. `license: CC-BY-4.0`, or the address of the agency's terms, beginning with `https://`".into());
            }
        }
        let member = &bp.agency.member;
        if !member
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            || member.is_empty()
        {
            self.error(
                Code::InvalidValue,
                member.span,
                format!(
                    "the member code `{member}` must be capital letters and digits, e.g. `MOH`"
                ),
            );
        }
        if let Some(parts) = self.interop_id(&bp.interop, 5, "service identifier") {
            if parts[2] != member.as_str() {
                let d = Diagnostic::error(
                    Code::Inconsistent,
                    bp.interop.span,
                    format!(
                        "the identifier's member `{}` is not the agency's member `{member}`",
                        parts[2]
                    ),
                )
                .with_label(member.span, "the agency's member code")
                .with_help(format!(
                    "write `{}/{}/{member}/{}/{}`",
                    parts[0], parts[1], parts[3], parts[4]
                ));
                self.push(d);
            }
        }
        if bp.sla.value.minutes == 0 {
            self.error(
                Code::InvalidValue,
                bp.sla.span,
                "the processing-time target must be longer than nothing",
            );
        }
    }

    /// Check an `IQ/GOV/MEMBER/SUBSYSTEM[/SERVICE]` identifier with `count` parts.
    pub(crate) fn interop_id(
        &mut self,
        id: &Name,
        count: usize,
        what: &str,
    ) -> Option<Vec<String>> {
        let parts: Vec<String> = id.split('/').map(str::to_string).collect();
        let example = if count == 5 {
            "IQ/GOV/MOH/births/birth-certificate"
        } else {
            "IQ/GOV/MOH/births"
        };
        let names = if count == 5 {
            "INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE"
        } else {
            "INSTANCE/CLASS/MEMBER/SUBSYSTEM"
        };
        if parts.len() != count || !parts.iter().all(|p| INTEROP_PART.is_match(p)) {
            self.error(
                Code::InvalidValue,
                id.span,
                format!("`{id}` is not a {what}; expected {count} parts `{names}`"),
            )
            .help = Some(format!("for example `{example}`"));
            return None;
        }
        if !MEMBER_CLASSES.contains(&parts[1].as_str()) {
            self.error(Code::InvalidValue, id.span, format!("unknown member class `{}` in `{id}`; expected one of `GOV`, `COM`, `NGO` or `ORG`", parts[1]));
            return None;
        }
        Some(parts)
    }

    fn languages(&mut self, texts: &[TextSite]) {
        let langs = &self.bp.languages;
        if langs.is_empty() {
            self.error(Code::InvalidValue, Span::at(0), "`languages` is empty")
                .help = Some("list the service's languages, e.g. `languages: [ar, en]`".into());
        }
        for l in langs {
            let ok = (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase());
            if !ok {
                self.error(
                    Code::InvalidValue,
                    l.span,
                    format!("`{l}` is not a language code"),
                )
                .help = Some("use two-letter codes such as `ar`, `en` or `ku`".into());
            }
        }
        self.unique(langs.iter(), "language");
        let declared: BTreeSet<&str> = langs.iter().map(|l| l.as_str()).collect();
        for site in texts {
            if !site.empty.is_empty() {
                let which = if site.empty.iter().any(|l| l == ANY_LANGUAGE) {
                    "this text is empty".to_string()
                } else {
                    let texts = if site.empty.len() == 1 {
                        "text is"
                    } else {
                        "texts are"
                    };
                    format!(
                        "the {} {texts} empty",
                        crate::phrase::all_of(site.empty.iter().map(String::as_str))
                    )
                };
                self.error(Code::InvalidValue, site.span, which).help = Some(
                    "write the text people should see, or remove the key if it is optional".into(),
                );
            }
            let given: BTreeSet<&str> = site.languages.iter().map(String::as_str).collect();
            if given.contains(ANY_LANGUAGE) {
                continue;
            }
            for extra in given.difference(&declared) {
                let span = self.key_span(site.span, extra);
                self.warning(
                    Code::MissingLanguage,
                    span,
                    format!("`{extra}` is not one of the blueprint's `languages`"),
                )
                .help = Some(format!("add `{extra}` to `languages` or remove this text"));
            }
            let missing: Vec<&str> = declared.difference(&given).copied().collect();
            if !missing.is_empty() && !given.is_empty() {
                self.warning(
                    Code::MissingLanguage,
                    site.span,
                    format!(
                        "this text has no {} version",
                        crate::phrase::either(missing.iter().copied())
                    ),
                )
                .help = Some(format!(
                    "add {}: every text of the blueprint is shown in each of its languages",
                    missing
                        .iter()
                        .map(|m| format!("`{m}: …`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ));
            }
        }
    }

    fn key_span(&self, map: Span, key: &str) -> Span {
        let raw = &self.source.text
            [map.start.min(self.source.text.len())..map.end.min(self.source.text.len())];
        raw.find(&format!("{key}:"))
            .map_or(map, |i| Span::new(map.start + i, map.start + i + key.len()))
    }

    fn roles(&mut self) {
        let bp = self.bp;
        for role in &bp.roles {
            self.id(&role.id, "role", IdStyle::Snake);
        }
        self.unique(bp.roles.iter().map(|r| &r.id), "role");
        if !bp.roles.iter().any(|r| r.kind.value == RoleKind::Citizen) {
            let span = bp.roles.first().map_or(Span::at(0), |r| r.id.span);
            self.error(
                Code::Inconsistent,
                span,
                "no role is of kind `citizen`, so nobody can apply",
            )
            .help = Some("add a role such as `{id: applicant, kind: citizen, label: …}`".into());
        }
    }

    /// The columns of each staff role's queue: fields of the application that have one
    /// value each.
    fn queues(&mut self) {
        let bp = self.bp;
        for role in &bp.roles {
            let Some(queue) = &role.queue else { continue };
            if role.kind.value != RoleKind::Staff {
                self.error(
                    Code::Inconsistent,
                    role.id.span,
                    format!("the role `{}` has a `queue`, but only staff roles have one in the back office", role.id),
                )
                .help = Some("remove `queue`, or make the role `kind: staff`".into());
            }
            for column in &queue.columns {
                let Some(f) = self.case_field_ref(column, &[]) else {
                    continue;
                };
                if matches!(f.kind.value, FieldType::Group | FieldType::File) {
                    let kind = serde_json::to_value(f.kind.value)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    self.error(
                        Code::InvalidValue,
                        column.span,
                        format!("the `{kind}` field `{column}` cannot be a column of a queue"),
                    )
                    .help = Some(
                        "choose a field with one value, e.g. a text, a choice or a date".into(),
                    );
                }
            }
            self.unique(queue.columns.iter(), "column");
        }
    }

    fn lists(&mut self) {
        let bp = self.bp;
        for list in &bp.lists {
            self.id(&list.id, "list", IdStyle::Snake);
            if crate::lists::builtin(&list.id).is_some() {
                self.error(
                    Code::DuplicateId,
                    list.id.span,
                    format!("`{}` is a built-in list", list.id),
                )
                .help = Some("give your list another id, or use the built-in one".into());
            }
            self.unique(list.options.iter().map(|o| &o.value), "choice");
            if list.options.is_empty() {
                self.error(
                    Code::InvalidValue,
                    list.id.span,
                    format!("the list `{}` has no options", list.id),
                );
            }
        }
        self.unique(bp.lists.iter().map(|l| &l.id), "list");
    }

    /// The values a choice field allows, if it is one and its list is known.
    pub(crate) fn choices(&self, field: &Field) -> Option<Vec<String>> {
        if !field.options.is_empty() {
            return Some(
                field
                    .options
                    .iter()
                    .map(|o| o.value.value.clone())
                    .collect(),
            );
        }
        let list = field.list.as_ref()?;
        if let Some(builtin) = crate::lists::builtin(list) {
            return Some(builtin.iter().map(|c| c.value.to_string()).collect());
        }
        let list = self.bp.lists.iter().find(|l| l.id == *list)?;
        Some(list.options.iter().map(|o| o.value.value.clone()).collect())
    }

    fn build_scope(&mut self) {
        let mut scope = Scope::default();
        for record in &self.bp.records {
            let vars: BTreeMap<String, expr::Var> = record
                .fields
                .iter()
                .map(|f| (f.id.value.clone(), self.var(f)))
                .collect();
            if record.id == self.bp.workflow.record {
                scope.vars.extend(vars.clone());
            }
            scope.groups.insert(record.id.value.clone(), vars);
        }
        self.scope = scope;
        self.actions = self
            .bp
            .workflow
            .transitions
            .iter()
            .map(|t| t.action.value.clone())
            .collect();
        self.actions
            .extend(crate::model::BUILTIN_ACTIONS.iter().map(|a| a.to_string()));
    }

    pub(crate) fn var(&self, f: &Field) -> expr::Var {
        use crate::model::FieldType as F;
        let ty = match f.kind.value {
            F::Number => Ty::Number,
            F::Money => Ty::Money,
            F::Date => Ty::Date,
            F::Datetime | F::Appointment => Ty::Datetime,
            F::Time => Ty::Time,
            F::Boolean => Ty::Bool,
            F::Group => Ty::Group(f.record.as_ref().map_or(String::new(), |r| r.value.clone())),
            _ => Ty::Text,
        };
        expr::Var {
            ty,
            choices: if f.multiple { None } else { self.choices(f) },
        }
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `{name}` placeholders in a text, with the byte offset of each `{`.
pub(crate) fn placeholders(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find('{') {
        let start = rest + open;
        match text[start + 1..].find(['}', '{']) {
            Some(close) if text[start + 1 + close..].starts_with('}') => {
                out.push((start, &text[start + 1..start + 1 + close]));
                rest = start + close + 2;
            }
            _ => {
                out.push((start, &text[start + 1..]));
                break;
            }
        }
    }
    out
}

/// A best guess at the id the author meant, in the right style.
fn to_style(id: &str, style: IdStyle) -> String {
    let sep = match style {
        IdStyle::Slug => '-',
        IdStyle::Snake => '_',
    };
    let mut out = String::new();
    for c in id.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !out.ends_with(sep) && !out.is_empty() {
            out.push(sep);
        }
    }
    out.trim_end_matches(sep).to_string()
}

#[cfg(test)]
mod tests;
