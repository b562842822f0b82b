//! Routes for staff about themselves.

use axum::routing::get;
use axum::{Json, Router};
use baraza_core::staff::StaffMember;

use super::auth::Staff;
use super::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/admin/me", get(me))
}

/// The staff member the token belongs to: how the staff screens check a
/// token at sign-in.
async fn me(Staff(member): Staff) -> Json<StaffMember> {
    Json(member)
}
