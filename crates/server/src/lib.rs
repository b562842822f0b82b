//! The `baraza` server: storage, the HTTP API, static serving of the built
//! app, and the command line for publishers and operators.

pub mod cli;
pub mod http;
pub mod logging;
pub mod receipts;
pub mod storage;
