//! Who works the desk (坐席) and who supervises it (主管): first-contact responsibility
//! (首问负责制) names an owner per ticket; a supervisor judges breaches and recomputes policy.

use crate::domain::ticket::{InvalidField, Reason, vocabulary};
use chrono::{DateTime, Utc};

vocabulary!(
    /// What an agent may do: an agent works tickets; a supervisor also judges them.
    Role, "role" {
        Agent => "agent" | "客服" | "坐席",
        Supervisor => "supervisor" | "主管" | "督导",
    }
);

/// One row of the `agents` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub name: String,
    pub role: Role,
    pub added_at: DateTime<Utc>,
}

/// The longest agent name, in characters (an OS user name, a person's name).
pub const NAME_MAX: usize = 64;

/// The longest transfer reason, in characters.
pub const REASON_MAX: usize = 500;

/// An agent's name as stored: trimmed, one line, not empty, at most [`NAME_MAX`] characters.
pub fn agent_name(name: &str, field: &'static str) -> Result<String, InvalidField> {
    let name = name.trim();
    if name.is_empty() {
        return Err(InvalidField::new(field, Reason::Empty));
    }
    if name.chars().count() > NAME_MAX {
        return Err(InvalidField::new(field, Reason::TooLong { max: NAME_MAX }));
    }
    if name.chars().any(char::is_control) {
        return Err(InvalidField::new(field, Reason::ControlCharacters));
    }
    Ok(name.to_string())
}

/// A transfer's reason as stored: one line (control characters as spaces), trimmed, not
/// empty, at most [`REASON_MAX`] characters.
pub fn transfer_reason(reason: &str) -> Result<String, InvalidField> {
    let line: String = reason.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let line = line.trim();
    if line.is_empty() {
        return Err(InvalidField::new("reason", Reason::TransferReasonNeeded));
    }
    if line.chars().count() > REASON_MAX {
        return Err(InvalidField::new("reason", Reason::TooLong { max: REASON_MAX }));
    }
    Ok(line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_in_both_languages() {
        assert_eq!("主管".parse::<Role>().unwrap(), Role::Supervisor);
        assert_eq!("Agent".parse::<Role>().unwrap(), Role::Agent);
        assert!("boss".parse::<Role>().is_err());
    }

    #[test]
    fn names_and_reasons_are_bounded_lines() {
        assert_eq!(agent_name("  li  ", "to").unwrap(), "li");
        assert_eq!(agent_name("", "to").unwrap_err().reason, Reason::Empty);
        assert_eq!(
            agent_name("a\u{1b}[2J", "to").unwrap_err().reason,
            Reason::ControlCharacters
        );
        assert!(agent_name(&"x".repeat(NAME_MAX + 1), "to").is_err());
        assert_eq!(transfer_reason(" on leave\n\u{1b}x ").unwrap(), "on leave  x");
        assert_eq!(transfer_reason(" \t").unwrap_err().reason, Reason::TransferReasonNeeded);
        assert!(transfer_reason(&"理".repeat(REASON_MAX + 1)).is_err());
    }
}
