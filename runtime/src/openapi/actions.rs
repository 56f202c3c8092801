//! The workflow actions as staff and applicants take them: each action's request
//! schema from its inputs, the body of the action routes, and the status texts.

use serde_json::{Map, Value, json};

use super::*;

impl<'a> Builder<'a> {
    /// The actions taken by staff (`citizen` false) or by the applicant (`citizen` true).
    pub(super) fn actions(&self, citizen: bool) -> Vec<Action<'a>> {
        let bp = self.bp;
        let citizen_role = cases::citizen_role(bp);
        let mut out: Vec<Action<'a>> = Vec::new();
        for t in &bp.workflow.transitions {
            let taken = t.role.iter().any(|r| {
                if citizen {
                    r.as_str() == citizen_role
                } else {
                    bp.role(r)
                        .is_some_and(|role| role.kind.value == RoleKind::Staff)
                }
            });
            if !taken {
                continue;
            }
            match out.iter_mut().find(|a| a.id == t.action.as_str()) {
                Some(a) => a.transitions.push(t),
                None => out.push(Action {
                    id: t.action.value.clone(),
                    transitions: vec![t],
                }),
            }
        }
        out
    }

    /// The request schema of an action with its example: its inputs (merged over its
    /// transitions; required only when every transition requires it) and, for the
    /// applicant in a correction state, the corrected answers.
    pub(super) fn action_schema(
        &self,
        action: &Action<'a>,
        citizen: bool,
    ) -> (Value, Map<String, Value>) {
        let mut inputs: Vec<&Field> = Vec::new();
        for t in &action.transitions {
            for f in &t.inputs {
                if !inputs.iter().any(|g| g.id == f.id) {
                    inputs.push(f);
                }
            }
        }
        let mut schema = self.object_schema(&inputs, true, &[]);
        let required: Vec<String> = inputs
            .iter()
            .filter(|f| {
                action.transitions.iter().all(|t| {
                    t.inputs
                        .iter()
                        .any(|g| g.id == f.id && g.required && g.required_if.is_none())
                })
            })
            .map(|f| f.id.value.clone())
            .collect();
        if required.is_empty() {
            if let Value::Object(s) = &mut schema {
                s.remove("required");
            }
        } else {
            schema["required"] = json!(required);
        }
        let mut example = self.ex.inputs_example(&inputs);
        let correction_states: Vec<&str> = self
            .bp
            .workflow
            .states
            .iter()
            .filter(|s| s.correction)
            .map(|s| s.id.as_str())
            .collect();
        let corrects: Vec<&str> = action
            .transitions
            .iter()
            .flat_map(|t| t.from.iter().map(|f| f.as_str()))
            .filter(|s| correction_states.contains(s))
            .collect();
        let mut notes = Vec::new();
        for t in &action.transitions {
            let from: Vec<String> = t.from.iter().map(|f| format!("`{}`", f.as_str())).collect();
            let roles: Vec<String> = t.role.iter().map(|r| format!("`{}`", r.as_str())).collect();
            let mut note = format!(
                "{}: from {} to `{}`, by {}",
                en(&t.label),
                from.join(", "),
                t.to.as_str(),
                roles.join(", ")
            );
            if let Some(when) = &t.when {
                note.push_str(&format!(", when `{}`", when.value));
            }
            if !t.self_approval {
                note.push_str(", by someone who has not acted on the case before");
            }
            notes.push(format!("{note}."));
        }
        if citizen && !corrects.is_empty() {
            let application: Vec<&Field> = self.fields().iter().filter(|f| !f.internal).collect();
            let corrections = self.object_schema(&application, true, &[]);
            if let (Some(Value::Object(props)), Some(Value::Object(fields))) =
                (schema.get_mut("properties"), corrections.get("properties"))
            {
                for (k, v) in fields {
                    props.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            notes.push(format!(
                "in {} the applicant may also correct answers of the application, sent like a submission (only the answers that change); the application as corrected is checked again.",
                corrects.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
            ));
            // An action taken only to send the corrected application back shows a
            // correction: a typed-in answer, changed.
            let only_corrects = action.transitions.iter().all(|t| {
                t.from
                    .iter()
                    .all(|f| correction_states.contains(&f.as_str()))
            });
            if example.is_empty() && only_corrects {
                let submission = self.ex.submission_example();
                let typed = |f: &Field| {
                    !matches!(
                        f.kind.value,
                        FieldType::Boolean
                            | FieldType::Choice
                            | FieldType::Group
                            | FieldType::Appointment
                    )
                };
                let first = self
                    .bp
                    .form
                    .pages
                    .iter()
                    .flat_map(|p| p.fields.iter())
                    .filter(|id| self.fields().iter().any(|f| f.id == **id && typed(f)))
                    .find_map(|f| {
                        submission
                            .get(f.as_str())
                            .map(|v| (f.value.clone(), v.clone()))
                    });
                example.extend(first);
            }
        }
        schema["title"] = json!(format!("the inputs of `{}`", action.id));
        schema["description"] = json!(notes.join(" "));
        schema["examples"] = json!([example.clone()]);
        (schema, example)
    }

    /// The body of an actions route: each action's schema in `components`, and the
    /// body schema with an example.
    pub(super) fn actions_body(
        &self,
        actions: &[Action<'a>],
        citizen: bool,
        schemas: &mut Map<String, Value>,
    ) -> Value {
        let prefix = if citizen {
            "CitizenAction"
        } else {
            "StaffAction"
        };
        let mut refs = Vec::new();
        let mut examples: Vec<Map<String, Value>> = Vec::new();
        for a in actions {
            let (schema, example) = self.action_schema(a, citizen);
            let name = format!("{prefix}_{}", a.id);
            schemas.insert(name.clone(), schema);
            refs.push(schema_ref(&name));
            examples.push(example);
        }
        let schema = match refs.len() {
            0 => json!({"type": "object", "maxProperties": 0}),
            1 => refs.remove(0),
            _ => {
                json!({"anyOf": refs, "description": "the inputs of the action named in the path: one of the schemas here, each named after its action."})
            }
        };
        let example = examples
            .iter()
            .find(|e| !e.is_empty())
            .or(examples.first())
            .cloned()
            .unwrap_or_default();
        json!({
            "description": "the action's inputs (an empty body for an action without any).",
            "required": false,
            "content": {"application/json": {"schema": schema, "example": example}},
        })
    }

    pub(super) fn status_of(&self, state: &str) -> Value {
        self.bp
            .workflow
            .states
            .iter()
            .find(|s| s.id.as_str() == state)
            .map_or(Value::Null, |s| self.localized(&s.label))
    }

    /// The problems an empty submission gets, as the API names them.
    pub(super) fn invalid_example(&self) -> Value {
        let required = self
            .fields()
            .iter()
            .find(|f| !f.internal && f.required)
            .map_or("field", |f| f.id.as_str());
        let p = answers::field_problem(self.bp, required, "required", "");
        json!({
            "type": "InvalidRequest",
            "message": super::cases::PROBLEMS.text("en", 1),
            "problems": [{"field": p.field, "code": p.code, "message": p.message.get("en").or(p.message.values().next())}],
        })
    }
}
