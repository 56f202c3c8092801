//! Cases: submitting an application, reading it back with its tracking number and
//! access code, and moving it through the workflow — each change and its history entry
//! written in one transaction. The rooms: what cases are ([`model`]), numbers and
//! codes ([`codes`]), storing a submission ([`submit`]), taking a step ([`step`]), what
//! entering a state does ([`effects`]) and reading cases back ([`read`]). This module
//! only names them; none of them imports from it.

pub mod codes;
pub mod effects;
pub mod model;
pub mod read;
pub mod sql;
pub mod step;
pub mod submit;
#[cfg(test)]
mod tests;

pub use codes::{format_number, number, random_token, seeded_reference, submission_reference};
pub use effects::{apply_late_call, is_automatic, message_context, record_payment, take_automatic};
pub use model::{Actor, Call, Case, CaseError, Event, Outcome, PROBLEMS, Prepared, Step};
pub use read::{applicant_answers, load, read, row_of};
pub(crate) use sql::from_sql;
pub use sql::quote;
pub use step::{act, prepare};
pub use submit::{citizen_role, submit};
