//! Staff roles: what each kind of staff token may do.
//!
//! A **publisher** publishes and changes consultations (definitions, closing,
//! archiving, outcome, participation codes). An **analyst** reads full
//! results, exports them and moderates comments. Both may list
//! consultations and read their change log. Neither role includes the other,
//! so a leaked analyst token can never change a consultation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Publisher,
    Analyst,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Publisher, Role::Analyst];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Publisher => "publisher",
            Role::Analyst => "analyst",
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
            .ok_or_else(|| format!("\"{text}\" is not a staff role; use publisher or analyst"))
    }
}

/// `GET /api/v1/admin/me`: who a token belongs to, so the staff screens can
/// greet the person and offer only what their role allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub name: String,
    pub role: Role,
}

/// Whether an address belongs to the staff side, `/staff` and everything
/// under it (not `/staffroom`): the server answers these with the staff
/// bundle, and the app leaves links between the two sides to a full load.
pub fn is_staff_path(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.strip_prefix("/staff").is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_paths_are_told_apart() {
        for path in ["/staff", "/staff/", "/staff/c/road", "/staff?x", "/staff/c/road#y"] {
            assert!(is_staff_path(path), "{path}");
        }
        for path in ["/", "/staffroom", "/c/staff", "staff"] {
            assert!(!is_staff_path(path), "{path}");
        }
    }

    #[test]
    fn roles_read_back_what_they_write() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{role}\""));
        }
        assert!("admin".parse::<Role>().unwrap_err().contains("publisher or analyst"));
    }
}
