//! The `baraza` server: storage, the HTTP API, static serving of the built
//! app, and the command line for publishers and operators.

pub mod cli;
pub mod http;
pub mod key_file;
pub mod logging;
pub mod receipts;
pub mod storage;
pub mod texts;

/// What a caught panic says, for the log.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(message), _) => (*message).to_owned(),
        (_, Some(message)) => message.clone(),
        _ => "a panic without a message".to_owned(),
    }
}
