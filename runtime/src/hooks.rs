//! Hooks: code of an agency's own that the engine runs at fixed points while it handles
//! a case. A project made by `quickwin generate` fills them in `src/hooks.rs`, with the
//! application as a typed struct; `quickwin serve` runs without any.
//!
//! Three points:
//! - [`Hooks::validate`]: checks of the agency's own on a submitted application, after
//!   the blueprint's. Each problem refuses the submission (422), named on its field.
//! - [`Hooks::fee`]: a fee's amount computed in code instead of the blueprint's amount.
//!   It runs inside the store's transaction, so it must compute, not wait on a network.
//! - [`Hooks::step`]: run when a person takes a step (the submission included), after
//!   the calls to other agencies and before the step is written. It may call the
//!   agency's own systems, set fields of the case, or refuse the step (422).
//!
//! Hooks belong to one mounted service: the runtime's state holds them
//! ([`Hooks::installed`]), and they reach the store's transaction as an argument, so two
//! services of the same blueprint in one process never see each other's hooks.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use quickwin_blueprint::answers::Problem;

/// Values a step sets on the case, by field id (fields the blueprint does not have are
/// ignored).
pub type Values = Map<String, Value>;

/// The extension points of one service. Every method has a default that does nothing,
/// so an empty `impl` is a working service.
pub trait Hooks: Send + Sync + 'static {
    /// The application as a typed struct, read from the case's answers and the values
    /// the office and the agencies added.
    type Application: DeserializeOwned;

    /// Checks of the agency's own on a submitted application; each problem refuses it.
    fn validate(&self, application: &Self::Application) -> Vec<Problem> {
        let _ = application;
        Vec::new()
    }

    /// The amount of the fee `fee` (its id) in whole units of its currency, or `None`
    /// to keep the blueprint's amount. Runs inside the store's transaction: compute only.
    fn fee(&self, fee: &str, application: &Self::Application) -> Option<i64> {
        let _ = (fee, application);
        None
    }

    /// Run before `step` is written: the values to set on the case, or a refusal.
    fn step(&self, step: &Step<'_>, application: &Self::Application) -> Result<Values, Refusal> {
        let _ = (step, application);
        Ok(Values::new())
    }

    /// These hooks as one service's state holds them.
    fn installed(self) -> Arc<dyn Installed>
    where
        Self: Sized,
    {
        Arc::new(Typed(self))
    }
}

/// The step a person is taking.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The action's id: `submit` for the submission, otherwise a transition's action.
    pub action: &'a str,
    /// The case's tracking number; for `submit`, which comes before the case is stored
    /// and numbered, the submission's reference (`SUB-…`).
    pub tracking: &'a str,
    /// The role it is taken in (`applicant` for citizens).
    pub role: &'a str,
}

/// Why a hook refused a step, told to the person per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The message by language code, e.g. `en`, `ar`.
    pub messages: BTreeMap<String, String>,
}

impl Refusal {
    /// A refusal told in English and Arabic.
    pub fn new(english: &str, arabic: &str) -> Self {
        Refusal {
            messages: BTreeMap::from([
                ("en".to_string(), english.to_string()),
                ("ar".to_string(), arabic.to_string()),
            ]),
        }
    }
}

/// Why a hook could not run: the answers do not fit the typed application (the blueprint
/// changed and the struct was not regenerated), or the hook panicked.
#[derive(Debug, Clone, thiserror::Error)]
#[error("a hook of `{service}` could not run: {reason}")]
pub struct HookError {
    /// The service.
    pub service: String,
    /// Why, without the answers themselves.
    pub reason: String,
}

/// [`Hooks`] with the application as JSON, so that services of different types can be
/// served side by side; made with [`Hooks::installed`]. Each method fails with why the
/// answers could not be read as the typed application.
pub trait Installed: Send + Sync {
    /// [`Hooks::validate`].
    fn validate(&self, values: &Map<String, Value>) -> Result<Vec<Problem>, String>;
    /// [`Hooks::fee`].
    fn fee(&self, fee: &str, values: &Map<String, Value>) -> Result<Option<i64>, String>;
    /// [`Hooks::step`].
    fn step(
        &self,
        step: &Step<'_>,
        values: &Map<String, Value>,
    ) -> Result<Result<Values, Refusal>, String>;
}

struct Typed<H>(H);

impl<H: Hooks> Typed<H> {
    fn application(&self, values: &Map<String, Value>) -> Result<H::Application, String> {
        // The error's own text would quote the answer; say only where it went wrong.
        serde_json::from_value(Value::Object(values.clone())).map_err(|e| {
            format!(
                "the answers do not fit `{}` ({:?} error); regenerate the project after changing the blueprint",
                std::any::type_name::<H::Application>(),
                e.classify()
            )
        })
    }
}

impl<H: Hooks> Installed for Typed<H> {
    fn validate(&self, values: &Map<String, Value>) -> Result<Vec<Problem>, String> {
        Ok(self.0.validate(&self.application(values)?))
    }

    fn fee(&self, fee: &str, values: &Map<String, Value>) -> Result<Option<i64>, String> {
        Ok(self.0.fee(fee, &self.application(values)?))
    }

    fn step(
        &self,
        step: &Step<'_>,
        values: &Map<String, Value>,
    ) -> Result<Result<Values, Refusal>, String> {
        Ok(self.0.step(step, &self.application(values)?))
    }
}

/// Run `f` with `hooks` on a blocking thread (hooks may wait on the agency's systems);
/// `None` when the service has none.
pub(crate) async fn run<R: Send + 'static>(
    hooks: Option<Arc<dyn Installed>>,
    service: &str,
    f: impl FnOnce(&dyn Installed) -> Result<R, String> + Send + 'static,
) -> Option<Result<R, HookError>> {
    let hooks = hooks?;
    let name = service.to_string();
    let joined = tokio::task::spawn_blocking(move || f(hooks.as_ref())).await;
    let result = match joined {
        Ok(r) => r,
        Err(_) => Err("the hook panicked".to_string()),
    };
    Some(result.map_err(|reason| HookError {
        service: name,
        reason,
    }))
}

/// The fee hook's amount for `fee`, run in place (inside the store's transaction).
pub(crate) fn fee(
    hooks: Option<&dyn Installed>,
    service: &str,
    fee: &str,
    values: &Map<String, Value>,
) -> Result<Option<i64>, HookError> {
    match hooks {
        None => Ok(None),
        Some(h) => h.fee(fee, values).map_err(|reason| HookError {
            service: service.to_string(),
            reason,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Application {
        household_size: Option<f64>,
    }

    struct Rules;

    impl Hooks for Rules {
        type Application = Application;

        fn validate(&self, application: &Application) -> Vec<Problem> {
            match application.household_size {
                Some(n) if n > 20.0 => vec![Problem::custom(
                    "household_size",
                    "too many people",
                    "عدد كبير جداً",
                )],
                _ => Vec::new(),
            }
        }
    }

    #[test]
    fn installed_hooks_see_the_application_typed_and_a_mismatch_is_an_error() {
        let hooks = Rules.installed();
        let big = json!({"household_size": 25}).as_object().unwrap().clone();
        let problems = hooks.validate(&big).unwrap();
        assert_eq!(problems[0].field, "household_size");
        assert_eq!(problems[0].code, "custom");
        let small = json!({"household_size": 3}).as_object().unwrap().clone();
        assert!(hooks.validate(&small).unwrap().is_empty());
        // The default fee hook keeps the blueprint's amount.
        assert_eq!(hooks.fee("application_fee", &small).unwrap(), None);
        // A value of another type than the struct's: an error naming the struct, not
        // the answer.
        let wrong = json!({"household_size": "Ahmed"})
            .as_object()
            .unwrap()
            .clone();
        let e = hooks.validate(&wrong).unwrap_err();
        assert!(e.contains("Application") && !e.contains("Ahmed"), "{e}");
    }
}
