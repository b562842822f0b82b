//! Who is calling an admin route: the `Authorization: Bearer <token>` header
//! checked against the stored staff tokens.
//!
//! Handlers take [`Staff`] (any valid token), [`Publisher`], [`Analyst`] or
//! [`Clerk`] as an argument, so the role a route needs is visible in its signature and
//! cannot be forgotten inside the handler.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use baraza_core::staff::{Role, StaffMember};

use super::error::Error;
use super::AppState;
use crate::storage::tokens;

/// A caller with a valid, unrevoked staff token.
#[derive(Debug, Clone)]
pub struct Staff(pub StaffMember);

/// A caller whose token has the publisher role.
#[derive(Debug, Clone)]
pub struct Publisher(pub StaffMember);

/// A caller whose token has the analyst role.
#[derive(Debug, Clone)]
pub struct Analyst(pub StaffMember);

/// A caller whose token has the clerk role.
#[derive(Debug, Clone)]
pub struct Clerk(pub StaffMember);

impl FromRequestParts<AppState> for Staff {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token)
            .ok_or(Error::Unauthorized)?;
        tokens::verify(&state.store, token).await?.map(Staff).ok_or(Error::Unauthorized)
    }
}

/// The token of an `Authorization` value of the Bearer scheme, whose name
/// is case-insensitive (RFC 9110 §11.1): `Bearer`, `bearer` or `BEARER`.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn with_role(parts: &mut Parts, state: &AppState, role: Role) -> Result<StaffMember, Error> {
    let Staff(member) = Staff::from_request_parts(parts, state).await?;
    if member.role == role {
        Ok(member)
    } else {
        Err(Error::Forbidden(role))
    }
}

impl FromRequestParts<AppState> for Publisher {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        with_role(parts, state, Role::Publisher).await.map(Publisher)
    }
}

impl FromRequestParts<AppState> for Analyst {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        with_role(parts, state, Role::Analyst).await.map(Analyst)
    }
}

impl FromRequestParts<AppState> for Clerk {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        with_role(parts, state, Role::Clerk).await.map(Clerk)
    }
}
