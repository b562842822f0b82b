//! The `baraza` server: storage, the HTTP API, static serving of the built
//! app, and the command line for publishers and operators.

pub mod changes;
pub mod cli;
pub mod codes;
pub mod comments;
pub mod consultations;
pub mod db;
pub mod http;
pub mod receipts;
pub mod results;
pub mod tokens;
