//! The names the pages and the outbox used when the API was one module, kept while the
//! portal moves to [`crate::ops`], [`crate::state`] and [`crate::http`].

pub(crate) use crate::accounts::SESSION_SECONDS;
pub use crate::failure::ApiError;
pub use crate::http::app;
pub(crate) use crate::http::extract::language;
pub(crate) use crate::ops::access::{case_id, staff};
pub(crate) use crate::ops::documents::{issued, verification};
pub(crate) use crate::ops::fees::pay_fee;
pub(crate) use crate::ops::step::{applicant_step, take_step};
pub(crate) use crate::ops::submit::submit_answers;
pub(crate) use crate::ops::uploads::store_upload;
pub(crate) use crate::ops::views::{extras, public_view, status};
pub(crate) use crate::routes::MAX_BODY;
pub use crate::state::ApiState;
pub(crate) use crate::state::{with_read, with_store};
