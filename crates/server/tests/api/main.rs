//! The server tests, one module per resource action, built as one test
//! binary: each binary links the whole server, and one link is far
//! cheaper in time and disk than eighteen.

// The templates of rstest_reuse expand to a macro of that crate, which must
// be in scope by name where they are applied.
#[allow(unused_imports, clippy::single_component_path_imports)]
use rstest_reuse;

mod common;

mod admin_auth;
mod analyst_routes;
mod backup;
mod breakdowns;
mod clerk_routes;
mod cli;
mod codes_issue;
mod comments_list;
mod comments_moderation;
mod consultation_get;
mod consultation_lifecycle;
mod consultations_anonymise;
mod consultations_list;
mod consultations_publish;
mod database;
mod drafts_edit;
mod drafts_hidden;
mod drafts_publish;
mod exports;
mod health;
mod logs;
mod metrics;
mod migrate;
mod open_data_catalogue;
mod open_data_tallies;
mod openapi;
mod panics;
mod paper_ballots_enter;
mod poster;
mod publisher_routes;
mod receipts_check;
mod refusals;
mod results;
mod results_kept;
mod results_recounts;
mod results_replay;
mod schema;
mod security_headers;
mod server_key;
mod static_app;
mod sync_action_ids;
mod sync_ballots;
mod sync_codes;
mod sync_comments;
mod sync_concurrency;
mod sync_crash;
mod sync_deadlines;
mod sync_rate_limit;
mod sync_requests;
mod sync_times;
mod sync_writer;
mod transport;
