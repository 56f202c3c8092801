//! Checks of the workflow and of the citizen's journey through the form.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{IdStyle, Validator};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::Ty;
use crate::model::{BUILTIN_ACTIONS, FieldType, RoleKind};

impl Validator<'_> {
    /// `workflow.unique`: the answers no two open applications may share.
    fn unique_rule(&mut self) {
        let Some(rule) = &self.bp.workflow.unique else {
            return;
        };
        if rule.value.is_empty() {
            self.error(
                Code::InvalidValue,
                rule.span,
                "`unique` names no field, so it rules out nothing",
            )
            .help = Some(
                "name the answers no two open applications may share, e.g. `unique: [stall_number]`"
                    .into(),
            );
            return;
        }
        for (i, name) in rule.value.iter().enumerate() {
            if let Some(first) = rule.value[..i].iter().find(|n| *n == name) {
                let d = Diagnostic::error(
                    Code::DuplicateId,
                    name.span,
                    format!("`unique` names `{name}` twice"),
                )
                .with_label(first.span, "first named here");
                self.push(d);
            }
        }
        for name in &rule.value {
            let Some(f) = self.case_field_ref(name, &[]) else {
                continue;
            };
            if matches!(f.kind.value, FieldType::Group | FieldType::File) {
                self.error(
                    Code::InapplicableKey,
                    name.span,
                    format!(
                        "`{name}` holds {}, which cannot be compared between applications",
                        if f.kind.value == FieldType::Group {
                            "a group of entries"
                        } else {
                            "a file"
                        }
                    ),
                )
                .help = Some("name answers such as a number, an ID or a choice".into());
            }
        }
    }

    pub(super) fn workflow(&mut self) {
        let bp = self.bp;
        let wf = &bp.workflow;
        self.number_format(&wf.tracking, "tracking-number format");
        for s in &wf.states {
            self.id(&s.id, "state", IdStyle::Snake);
        }
        self.unique(wf.states.iter().map(|s| &s.id), "state");
        self.state_ref(&wf.initial);
        self.unique_rule();
        if !wf.states.iter().any(|s| s.is_final) {
            let span = wf.states.first().map_or(wf.initial.span, |s| s.id.span);
            self.error(
                Code::Inconsistent,
                span,
                "no state is `final`, so no application can ever be finished",
            )
            .help = Some(
                "mark the end states, e.g. `approved` and `rejected`, with `final: true`".into(),
            );
        }
        let roles: Vec<&str> = bp.roles.iter().map(|r| r.id.as_str()).collect();
        let mut seen: BTreeMap<(String, String), crate::source::Span> = BTreeMap::new();
        let scope = self.scope.clone();
        for t in &wf.transitions {
            self.id(&t.action, "action", IdStyle::Snake);
            if BUILTIN_ACTIONS.contains(&t.action.as_str()) {
                self.error(Code::InvalidValue, t.action.span, format!("`{}` is the applicant's submission, which the engine performs", t.action))
                    .help = Some("give this action another name; the application enters `initial` when submitted".into());
            }
            if t.from.0.is_empty() {
                self.error(
                    Code::MissingKey,
                    t.action.span,
                    format!("the action `{}` starts from no state", t.action),
                );
            }
            for from in t.from.iter() {
                self.state_ref(from);
                let key = (t.action.value.clone(), from.value.clone());
                if let Some(first) = seen.get(&key) {
                    let d = Diagnostic::error(
                        Code::DuplicateId,
                        t.action.span,
                        format!(
                            "the action `{}` is defined twice from the state `{from}`",
                            t.action
                        ),
                    )
                    .with_label(*first, "first defined here");
                    self.push(d);
                } else {
                    seen.insert(key, t.action.span);
                }
            }
            self.state_ref(&t.to);
            if t.role.0.is_empty() {
                self.error(
                    Code::MissingKey,
                    t.action.span,
                    format!("the action `{}` has no `role`", t.action),
                );
            }
            for role in t.role.iter() {
                self.known(role, roles.iter().copied(), Code::UnknownRole, "role");
            }
            if let Some(when) = &t.when {
                self.expr(
                    when,
                    &scope,
                    Some(Ty::Bool),
                    &format!("the condition of `{}`", t.action),
                );
            }
            // An input's `required_if` may also use the other inputs of the same action.
            let mut input_scope = scope.clone();
            for input in &t.inputs {
                input_scope
                    .vars
                    .insert(input.id.value.clone(), self.var(input));
            }
            for input in &t.inputs {
                self.field(input, &input_scope);
                if let Some(field) = self.case_field(&input.id) {
                    if field.kind.value != input.kind.value {
                        let d = Diagnostic::error(Code::Inconsistent, input.kind.span, format!("the input `{}` fills the application's field of the same name, but their types differ", input.id))
                            .with_label(field.kind.span, "the field's type");
                        self.push(d);
                    }
                }
            }
            self.unique(t.inputs.iter().map(|i| &i.id), "input");
        }
        self.state_graph();
        self.automatic_triggers();
    }

    fn state_graph(&mut self) {
        let wf = &self.bp.workflow;
        let ids: BTreeSet<&str> = wf.states.iter().map(|s| s.id.as_str()).collect();
        let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for t in &wf.transitions {
            for from in t.from.iter() {
                out.entry(from.as_str()).or_default().push(t.to.as_str());
            }
        }
        // An unknown state already has its error; unreachable states after it would only repeat it.
        let broken_refs = wf.transitions.iter().any(|t| {
            t.from
                .iter()
                .chain([&t.to])
                .any(|s| !ids.contains(s.as_str()))
        });
        let mut reached: BTreeSet<&str> = BTreeSet::new();
        let mut queue = VecDeque::from([wf.initial.as_str()]);
        while let Some(s) = queue.pop_front() {
            if ids.contains(s) && reached.insert(s) {
                queue.extend(out.get(s).into_iter().flatten());
            }
        }
        for state in &wf.states {
            let exits = out.get(state.id.as_str()).map_or(0, Vec::len);
            if state.is_final && exits > 0 {
                let first = wf
                    .transitions
                    .iter()
                    .find(|t| t.from.iter().any(|f| f == &state.id))
                    .map(|t| t.action.span);
                let mut d = Diagnostic::error(
                    Code::FinalStateExit,
                    state.id.span,
                    format!(
                        "the final state `{}` has actions leading out of it",
                        state.id
                    ),
                )
                .with_help("remove `final: true`, or the actions that start from it");
                if let Some(span) = first {
                    d = d.with_label(span, "this action leaves it");
                }
                self.push(d);
            }
            if !state.is_final && exits == 0 && ids.contains(state.id.as_str()) {
                self.error(
                    Code::DeadEndState,
                    state.id.span,
                    format!("the state `{}` has no way out and is not final", state.id),
                )
                .help = Some("add an action that starts from it, or mark it `final: true`".into());
            }
            if !reached.contains(state.id.as_str())
                && ids.contains(wf.initial.as_str())
                && !broken_refs
            {
                self.warning(
                    Code::UnreachableState,
                    state.id.span,
                    format!("no action leads to the state `{}`", state.id),
                )
                .help = Some(format!(
                    "add an action with `to: {}`, or remove the state",
                    state.id
                ));
            }
            if state.correction {
                let resubmit = wf.transitions.iter().any(|t| {
                    t.from.iter().any(|f| f == &state.id)
                        && t.role
                            .iter()
                            .any(|r| self.role_kind(r) == Some(RoleKind::Citizen))
                });
                if !resubmit {
                    self.error(Code::Inconsistent, state.id.span, format!("the applicant may correct answers in `{}`, but no citizen action leads out of it", state.id))
                        .help = Some("add an action such as `resubmit` with `role` a citizen role".into());
                }
            }
        }
    }

    /// An automatic action needs something that fires it: a payment, a no-show, or a condition.
    fn automatic_triggers(&mut self) {
        let bp = self.bp;
        let mut fired: BTreeSet<&str> = bp.fees.iter().map(|f| f.paid.as_str()).collect();
        if let Some(a) = &bp.appointments {
            fired.extend(a.no_show_action.iter().map(|n| n.as_str()));
        }
        for t in &bp.workflow.transitions {
            let automatic = t
                .role
                .iter()
                .all(|r| self.role_kind(r) == Some(RoleKind::Automatic));
            if automatic && t.when.is_none() && !fired.contains(t.action.as_str()) {
                self.warning(Code::Inconsistent, t.action.span, format!("nothing starts the automatic action `{}`", t.action))
                    .help = Some("give it a condition with `when:`, or name it as a fee's `paid` action or the appointments' `no_show_action`".into());
            }
        }
    }

    pub(super) fn form(&mut self) {
        let bp = self.bp;
        let form = &bp.form;
        if form.pages.is_empty() {
            self.error(
                Code::InvalidValue,
                crate::source::Span::at(0),
                "the form has no pages",
            );
        }
        for p in &form.pages {
            self.id(&p.id, "page", IdStyle::Snake);
        }
        for e in &form.exits {
            self.id(&e.id, "exit page", IdStyle::Snake);
        }
        self.unique(
            form.pages
                .iter()
                .map(|p| &p.id)
                .chain(form.exits.iter().map(|e| &e.id)),
            "page",
        );
        let mut asked: BTreeMap<&str, crate::source::Span> = BTreeMap::new();
        let scope = self.scope.clone();
        let mut exits_used: BTreeSet<&str> = BTreeSet::new();
        let mut unknown_asked = false;
        for (index, page) in form.pages.iter().enumerate() {
            if page.fields.is_empty() {
                self.error(
                    Code::InvalidValue,
                    page.id.span,
                    format!("the page `{}` asks nothing", page.id),
                );
            }
            for name in &page.fields {
                let Some(field) = self.case_field_ref(name, &[]) else {
                    unknown_asked = true;
                    continue;
                };
                if field.internal {
                    let d = Diagnostic::error(Code::Inconsistent, name.span, format!("`{name}` is filled by the office (`internal: true`), so the form cannot ask it"))
                        .with_label(field.id.span, "declared here");
                    self.push(d);
                }
                if let Some(first) = asked.get(name.as_str()) {
                    let d = Diagnostic::error(
                        Code::DuplicateId,
                        name.span,
                        format!("the field `{name}` is asked on two pages"),
                    )
                    .with_label(*first, "first asked here");
                    self.push(d);
                } else {
                    asked.insert(name.as_str(), name.span);
                }
            }
            if let Some(when) = &page.when {
                self.expr(
                    when,
                    &scope,
                    Some(Ty::Bool),
                    &format!("the condition of page `{}`", page.id),
                );
            }
            let later: Vec<&str> = form.pages[index + 1..]
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            for branch in &page.next {
                self.expr(
                    &branch.condition,
                    &scope,
                    Some(Ty::Bool),
                    "the branch condition",
                );
                let target = branch.goto.as_str();
                if form.exits.iter().any(|e| e.id.as_str() == target) {
                    exits_used.insert(target);
                } else if target == "check_answers" || later.contains(&target) {
                } else if form.pages[..=index].iter().any(|p| p.id.as_str() == target) {
                    self.error(
                        Code::Inconsistent,
                        branch.goto.span,
                        format!(
                            "the page `{}` jumps back to `{target}`, which can loop forever",
                            page.id
                        ),
                    )
                    .help = Some(
                        "branches may only jump to later pages, exit pages or `check_answers`"
                            .into(),
                    );
                } else {
                    let names: Vec<&str> = later
                        .iter()
                        .copied()
                        .chain(form.exits.iter().map(|e| e.id.as_str()))
                        .chain(["check_answers"])
                        .collect();
                    self.known(&branch.goto, names, Code::UnknownReference, "page");
                }
            }
        }
        for exit in &form.exits {
            if !exits_used.contains(exit.id.as_str()) {
                self.warning(
                    Code::UnreachableState,
                    exit.id.span,
                    format!("no branch leads to the exit page `{}`", exit.id),
                )
                .help = Some(format!(
                    "add `next: [{{if: …, goto: {}}}]` to a page, or remove it",
                    exit.id
                ));
            }
        }
        for field in self.case_fields() {
            let needed = field.required || field.required_if.is_some();
            // With a misspelt field on a page, "not asked" would only repeat that error.
            if needed && !field.internal && !asked.contains_key(field.id.as_str()) && !unknown_asked
            {
                self.error(Code::Inconsistent, field.id.span, format!("the required field `{}` is not asked on any page", field.id))
                    .help = Some("add it to a page's `fields`, or mark it `internal: true` if the office fills it".into());
            }
        }
    }
}
