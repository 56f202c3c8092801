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
//! [`form`] (the form's widgets and branching), and the runtime's [`crate::theme`]
//! (templates and style sheet) and [`crate::text`] (the pages' own words). This module
//! only composes their routes and serves the style sheet.

mod apply;
mod draft;
mod form;
mod office;
mod track;
mod verify;
mod visit;
mod words;

/// A form's fields as posted (`application/x-www-form-urlencoded`), in order.
pub use form::decode as form_fields;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::theme::STYLE;

use crate::state::ApiState;

/// The citizen pages' routes.
pub fn routes() -> Router<ApiState> {
    Router::new()
        .route("/portal.css", get(style))
        .merge(apply::routes())
        .merge(track::routes())
        .merge(verify::routes())
        .merge(office::routes())
}

/// The style sheet: the team's own when it has one.
async fn style(State(state): State<ApiState>) -> Response {
    let css = state
        .pages()
        .render("portal.css", &tera::Context::new())
        .unwrap_or_else(|_| STYLE.to_string());
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        css,
    )
        .into_response()
}

#[cfg(test)]
use self::visit::hash;
#[cfg(test)]
use crate::theme::TEMPLATES;

#[cfg(test)]
pub(crate) mod tests;
