//! Staff roles: what each kind of staff token may do.
//!
//! A **publisher** publishes and changes consultations (definitions, closing,
//! archiving, outcome, participation codes). An **analyst** reads full
//! results, exports them and moderates comments. Both may list
//! consultations and read their change log. A **clerk** enters paper
//! ballots ([`crate::paper`]) and may list consultations to choose one,
//! nothing else: no results, no change log, no moderation. No role includes
//! another, so a leaked analyst or clerk token can never change a
//! consultation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Publisher,
    Analyst,
    Clerk,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Publisher, Role::Analyst, Role::Clerk];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Publisher => "publisher",
            Role::Analyst => "analyst",
            Role::Clerk => "clerk",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| format!("\"{text}\" is not a staff role; use publisher, analyst or clerk"))
    }
}

/// `GET /api/v1/admin/me`: who a token belongs to, so the staff screens can
/// greet the person and offer only what their role allows.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub name: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_what_they_write() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{role}\""));
        }
        assert!("admin".parse::<Role>().unwrap_err().contains("publisher, analyst or clerk"));
    }
}
