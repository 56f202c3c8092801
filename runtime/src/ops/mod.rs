//! The business operations of one service, on its state ([`crate::state`]): submit an
//! application, take a step, pay a fee, upload a file, read a document or verify one,
//! and the views of a case. They check, call other agencies through the mediator, run
//! the agency's hooks and write through the store's writer, and know nothing of HTTP:
//! they answer values or a [`crate::failure::ApiError`], which the HTTP front
//! ([`crate::http`]) and the pages ([`crate::portal`]) turn into answers.

pub mod access;
pub mod calls;
pub mod documents;
pub mod fees;
pub mod list;
pub mod step;
pub mod submit;
pub mod uploads;
pub mod views;
