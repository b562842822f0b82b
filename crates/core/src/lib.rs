//! Baraza's domain, shared by the citizen app (wasm32) and the server (native).
//!
//! Every rule about consultations, ballots and sync lives here once, so the
//! app and the server can never disagree. Nothing in this crate does I/O: the
//! current time is always passed in.

pub mod admin;
pub mod analysis;
pub mod api;
pub mod ballot;
pub mod bounds;
pub mod breakdown;
pub mod codes;
pub mod count;
pub mod definition;
pub mod drafts;
pub mod find;
pub mod lifecycle;
pub mod localized;
pub mod open_data;
pub mod pages;
pub mod paper;
#[cfg(feature = "schema")]
pub mod schema;
pub mod staff;
pub mod sync;
pub mod validate;

pub use definition::{Consultation, Item, Level, Status};
pub use localized::Localized;
