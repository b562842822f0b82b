//! The signed-in staff member of this tab: a staff token checked against
//! `GET /api/v1/admin/me` and kept in `sessionStorage`, so it is forgotten
//! when the browser closes and never shared with the citizen side's storage.

use baraza_core::staff::StaffMember;
use leptos::prelude::*;

use crate::api::AppError;
use crate::browser;

const TOKEN_KEY: &str = "baraza.staff.token";

/// A token the server accepted, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub token: String,
    pub member: StaffMember,
}

/// The session, shared by every staff page through context.
#[derive(Clone, Copy)]
pub struct StaffSession(RwSignal<Option<SignedIn>>);

impl StaffSession {
    /// The signed-in staff member (reactive); `None` before sign-in.
    pub fn get(&self) -> Option<SignedIn> {
        self.0.get()
    }

    /// The token, for calls to the admin API (not reactive).
    pub fn token(&self) -> Option<String> {
        self.0.with_untracked(|session| session.as_ref().map(|s| s.token.clone()))
    }

    pub fn sign_in(&self, signed_in: SignedIn) {
        browser::session_store(TOKEN_KEY, Some(&signed_in.token));
        self.0.set(Some(signed_in));
    }

    /// Forgets the token on this device, as the sign-out button and a
    /// revoked token (401) do.
    pub fn sign_out(&self) {
        browser::session_store(TOKEN_KEY, None);
        self.0.set(None);
    }

    /// Signs out when the server no longer accepts the token (it was revoked
    /// meanwhile), so the sign-in form replaces a screen that cannot work.
    pub fn end_if_refused<T>(&self, result: &Result<T, AppError>) {
        if matches!(result, Err(AppError::Unauthorized)) {
            self.sign_out();
        }
    }
}

/// The token kept from earlier in this session, to be checked again.
pub fn kept_token() -> Option<String> {
    browser::session_stored(TOKEN_KEY)
}

pub fn provide_staff_session() -> StaffSession {
    let session = StaffSession(RwSignal::new(None));
    provide_context(session);
    session
}

pub fn use_staff_session() -> StaffSession {
    expect_context::<StaffSession>()
}
