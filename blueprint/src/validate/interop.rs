//! Checks of integrations, offered operations and notifications.

use super::{IdStyle, Validator, placeholders};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Channel, FieldType};

/// Placeholders every notification text may use besides the application's fields.
pub const TEXT_PLACEHOLDERS: &[&str] = &[
    "tracking",
    "state",
    "service",
    "amount",
    "appointment",
    "document_number",
    "verification_code",
];

impl Validator<'_> {
    pub(super) fn integrations(&mut self) {
        let bp = self.bp;
        self.unique(bp.integrations.iter().map(|i| &i.id), "integration");
        let scope = self.scope.clone();
        for i in &bp.integrations {
            self.id(&i.id, "integration", IdStyle::Snake);
            self.interop_id(&i.service, 5, "service identifier");
            if i.service == bp.interop {
                self.error(
                    Code::Inconsistent,
                    i.service.span,
                    "the service calls itself",
                );
            }
            self.action_ref(&i.on);
            for (name, value) in &i.input {
                if name.is_empty() {
                    self.error(Code::InvalidValue, name.span, "an input needs a name");
                }
                self.expr(value, &scope, None, &format!("the input `{name}`"));
            }
            if let Some(path) = &i.path {
                if !path.starts_with('/') {
                    self.error(
                        Code::InvalidValue,
                        path.span,
                        format!("the path `{}` must start with `/`", path.value),
                    );
                }
                for (start, name) in placeholders(path) {
                    if !i.input.keys().any(|k| k.as_str() == name) {
                        let span = self.inner_span(path.span, path, start, start + name.len() + 2);
                        let help =
                            crate::suggest::did_you_mean(name, i.input.keys().map(|k| k.as_str()))
                                .unwrap_or_else(|| format!("add `{name}` under `input`"));
                        let d = Diagnostic::error(
                            Code::UnknownReference,
                            span,
                            format!(
                                "the path uses `{{{name}}}`, which is not an input of `{}`",
                                i.id
                            ),
                        )
                        .with_help(help);
                        self.push(d);
                    }
                }
            }
            for (field, answer) in &i.output {
                self.case_field_ref(field, &[]);
                let ok = !answer.is_empty()
                    && answer.split('.').all(|p| {
                        !p.is_empty()
                            && p.chars()
                                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                    });
                if !ok {
                    self.error(
                        Code::InvalidValue,
                        answer.span,
                        format!("`{}` is not a path into the answer", answer.value),
                    )
                    .help = Some("write names joined by dots, e.g. `mother.full_name`".into());
                }
            }
        }
    }

    pub(super) fn provides(&mut self) {
        let bp = self.bp;
        self.unique(bp.provides.iter().map(|p| &p.id), "operation");
        for op in &bp.provides {
            self.id(&op.id, "operation", IdStyle::Slug);
            self.case_field_ref(&op.key, &["tracking"]);
            if op.returns.is_empty() {
                self.error(
                    Code::InvalidValue,
                    op.id.span,
                    format!("the operation `{}` returns nothing", op.id),
                );
            }
            let returned = self.value_names(&["tracking", "state"]);
            for r in &op.returns {
                self.case_field_ref(r, &returned);
            }
            for c in &op.clients {
                self.interop_id(c, 4, "client subsystem identifier");
            }
        }
    }

    pub(super) fn notifications(&mut self) {
        let bp = self.bp;
        let computed: Vec<&str> = bp.computed.iter().map(|c| c.id.as_str()).collect();
        let fields: Vec<&str> = self.case_fields().iter().map(|f| f.id.as_str()).collect();
        for n in &bp.notifications {
            if n.on.as_str() == crate::model::REMINDER {
                let set = bp
                    .appointments
                    .as_ref()
                    .is_some_and(|a| a.reminder_before.is_some());
                if !set {
                    self.error(
                        Code::Inconsistent,
                        n.on.span,
                        "a reminder needs `appointments` with `reminder_before`, which says when to send it",
                    )
                    .help = Some("add e.g. `reminder_before: 1d` to `appointments`".into());
                }
            } else {
                self.action_ref(&n.on);
            }
            if let Some(to) = self.case_field_ref(&n.to, &[]) {
                let want = match n.channel.value {
                    Channel::Sms => FieldType::Phone,
                    Channel::Email => FieldType::Email,
                };
                if to.kind.value != want {
                    let d = Diagnostic::error(
                        Code::Inconsistent,
                        n.to.span,
                        format!(
                            "`{}` is not a `{}` field, so it cannot receive this message",
                            n.to,
                            if want == FieldType::Phone {
                                "phone"
                            } else {
                                "email"
                            }
                        ),
                    )
                    .with_label(n.channel.span, "the channel");
                    self.push(d);
                }
            }
            let inputs: Vec<&str> = bp
                .workflow
                .transitions
                .iter()
                .filter(|t| t.action == n.on)
                .flat_map(|t| t.inputs.iter().map(|f| f.id.as_str()))
                .collect();
            let known: Vec<&str> = fields
                .iter()
                .chain(computed.iter())
                .chain(inputs.iter())
                .chain(TEXT_PLACEHOLDERS.iter())
                .copied()
                .collect();
            for text in n.text.texts() {
                for (start, name) in placeholders(text) {
                    let span = self.inner_span(n.text.span, text, start, start + name.len() + 2);
                    if known.contains(&name) {
                        if let Some((message, help)) = without_value(bp, n.on.as_str(), name) {
                            let d = Diagnostic::error(Code::Inconsistent, span, message)
                                .with_label(n.on.span, "sent on this step")
                                .with_help(help);
                            self.push(d);
                        }
                        continue;
                    }
                    let help = crate::suggest::did_you_mean(name, known.iter().copied())
                        .unwrap_or_else(|| {
                            format!(
                                "a placeholder names a field of the application, a computed value, an input of the step that sends the message or {}",
                                crate::phrase::one_of(TEXT_PLACEHOLDERS.iter().copied())
                            )
                        });
                    let d = Diagnostic::error(
                        Code::UnknownField,
                        span,
                        format!("the message uses `{{{name}}}`, which is not a field"),
                    )
                    .with_help(help);
                    self.push(d);
                }
            }
        }
    }
}

/// Why the placeholder `name` can have no value in a message sent on `on` (what is
/// wrong, and what to do), or `None` when it always has one there. `{amount}` needs a
/// fee made due, `{document_number}` and `{verification_code}` a document issued, in
/// the state the step enters or on every way to the state it starts from.
fn without_value(bp: &crate::model::Blueprint, on: &str, name: &str) -> Option<(String, String)> {
    let (marks, what, none): (Vec<&str>, &str, &str) = match name {
        "amount" => (
            bp.fees.iter().map(|f| f.due.as_str()).collect(),
            "the amount of the fee made due in",
            "the service has no fees",
        ),
        "document_number" | "verification_code" => (
            bp.documents.iter().map(|d| d.issue_in.as_str()).collect(),
            "given by the document issued in",
            "the service issues no documents",
        ),
        "appointment" => {
            let booked = bp.case_record().is_some_and(|r| {
                r.fields
                    .iter()
                    .any(|f| f.kind.value == crate::model::FieldType::Appointment)
            });
            if booked {
                return None;
            }
            (Vec::new(), "", "the application has no `appointment` field")
        }
        _ => return None,
    };
    let step = if on == crate::model::REMINDER {
        "an appointment reminder".to_string()
    } else {
        format!("step `{on}`")
    };
    if marks.is_empty() {
        return Some((
            format!("`{{{name}}}` has no value in a message sent on {step}"),
            format!("{none}; remove `{{{name}}}` from the message"),
        ));
    }
    if always_after(bp, on, &marks) {
        return None;
    }
    let mut states: Vec<&str> = marks.clone();
    states.sort_unstable();
    states.dedup();
    let states = crate::phrase::one_of(states.iter().copied());
    Some((
        format!("`{{{name}}}` may have no value in a message sent on {step}"),
        format!(
            "`{{{name}}}` is {what} {states}, and not every way to {step} goes through it; use it in messages of steps that enter {states} or come after"
        ),
    ))
}

/// Whether every way through the workflow to a step of `action` passes through one of
/// the states `marks`, or the step enters one.
fn always_after(bp: &crate::model::Blueprint, action: &str, marks: &[&str]) -> bool {
    let w = &bp.workflow;
    let initial = w.initial.as_str();
    if marks.contains(&initial) {
        return true;
    }
    if action == "submit" || action == crate::model::REMINDER {
        return false;
    }
    // The states reachable from the initial one without entering a mark.
    let mut free: Vec<&str> = vec![initial];
    let mut i = 0;
    while i < free.len() {
        let at = free[i];
        for t in &w.transitions {
            let to = t.to.as_str();
            if t.from.iter().any(|f| f.as_str() == at)
                && !marks.contains(&to)
                && !free.contains(&to)
            {
                free.push(to);
            }
        }
        i += 1;
    }
    w.transitions
        .iter()
        .filter(|t| t.action.as_str() == action)
        .all(|t| {
            marks.contains(&t.to.as_str()) || t.from.iter().all(|f| !free.contains(&f.as_str()))
        })
}
