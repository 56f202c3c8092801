//! The citizen pages every service gets from its blueprint: the start page, the form
//! page by page (branching, exit pages, the check-your-answers page), the confirmation
//! with the tracking number and access code, and the status page. Plain HTML forms that
//! work without JavaScript, in each of the blueprint's languages (Arabic right to left),
//! with CSRF protection on every form and every value escaped by the templates.
//!
//! One module per journey — [`apply`] (start, pages, check, confirmation), [`track`]
//! (status, the applicant's actions, payments, documents), [`verify`] (a document's
//! verification) and [`office`] (the back office) — over shared leaves: [`visit`] (a
//! page being answered: language, CSRF, cookies, links under the service's base path),
//! [`draft`] (the unfinished application), [`words`] (answers and amounts in words),
//! [`form`] (the form's widgets and branching), [`theme`] (templates and style sheet)
//! and [`text`] (the pages' own words). This module only composes their routes.

mod apply;
mod draft;
mod form;
mod office;
pub(crate) mod text;
mod theme;
mod track;
mod verify;
mod visit;
mod words;

use axum::Router;
use axum::routing::get;

use crate::state::ApiState;

pub use self::theme::{embedded, templates, templates_from};

/// The citizen pages' routes.
pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/portal.css", get(theme::style))
        .merge(apply::routes())
        .merge(track::routes())
        .merge(verify::routes())
        .merge(office::routes())
}

#[cfg(test)]
use self::{theme::TEMPLATES, visit::hash};

#[cfg(test)]
pub(crate) mod tests;
