//! The collector every validation pass writes into: [`Report`] caps the list at
//! [`limits::MAX_VIOLATIONS`] (a garbage file cannot produce millions) and has the checks
//! shared by every field of one kind (ids, texts, lists, slots, enum values).
//!
//! Imports only the domain (limits, raw values, slots); never `rules` or an outer layer.

use super::violation::{InvalidRequest, Violation, ViolationCode};
use crate::domain::clip;
use crate::domain::limits;
use crate::domain::raw::Coded;
use crate::domain::slots::SlotSet;

/// Collects violations, capping the list so a garbage file cannot produce millions.
#[derive(Default)]
pub(super) struct Report {
    violations: Vec<Violation>,
    dropped: usize,
}

impl Report {
    pub(super) fn add(
        &mut self,
        path: impl Into<String>,
        code: ViolationCode,
        message: impl Into<String>,
    ) {
        if self.violations.len() < limits::MAX_VIOLATIONS {
            self.violations.push(Violation {
                path: path.into(),
                code,
                message: message.into(),
            });
        } else {
            self.dropped += 1;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    pub(super) fn into_error(mut self) -> InvalidRequest {
        if self.dropped > 0 {
            self.violations.push(Violation {
                path: String::new(),
                code: ViolationCode::TooManyViolations,
                message: format!("{} more problem(s) not listed", self.dropped),
            });
        }
        InvalidRequest {
            violations: self.violations,
        }
    }

    /// Ids and texts are printed in reports and on terminals: a newline or an escape code in
    /// one would forge lines or colours there, so they are refused.
    pub(super) fn printable(&mut self, path: &dyn std::fmt::Display, value: &str) {
        // The value is not quoted: texts are student attributes, which error messages never
        // carry.
        if let Some(at) = value.find(char::is_control) {
            self.add(
                path.to_string(),
                ViolationCode::ControlCharacter,
                format!("contains a control character (newline, tab, escape…) at byte {at}"),
            );
        }
    }

    pub(super) fn id(&mut self, path: &dyn std::fmt::Display, id: &str) {
        self.printable(path, id);
        if id.trim().is_empty() {
            self.add(
                path.to_string(),
                ViolationCode::EmptyId,
                "id must not be empty",
            );
        } else if id.len() > limits::MAX_ID_LEN {
            self.add(
                path.to_string(),
                ViolationCode::TooLong,
                format!(
                    "id is {} bytes, longer than {}",
                    id.len(),
                    limits::MAX_ID_LEN
                ),
            );
        }
    }

    /// An id's own checks ([`Report::id`]) at `path`, then a duplicate when `fresh` is false
    /// (the id was seen before among its kind): `what` names the kind ("mentor id"), `scope`
    /// ends the sentence ("" or " for this student").
    pub(super) fn unique_id(&mut self, path: &str, id: &str, fresh: bool, what: &str, scope: &str) {
        self.id(&path, id);
        if !fresh {
            self.add(
                path,
                ViolationCode::DuplicateId,
                format!("{what} {:?} appears more than once{scope}", clip(id)),
            );
        }
    }

    pub(super) fn text(&mut self, path: &dyn std::fmt::Display, text: &str) {
        self.printable(path, text);
        if text.len() > limits::MAX_TEXT_LEN {
            self.add(
                path.to_string(),
                ViolationCode::TooLong,
                format!(
                    "value is {} bytes, longer than {}",
                    text.len(),
                    limits::MAX_TEXT_LEN
                ),
            );
        }
    }

    pub(super) fn list_len(
        &mut self,
        path: &dyn std::fmt::Display,
        len: usize,
        max: usize,
    ) -> bool {
        if len > max {
            self.add(
                path.to_string(),
                ViolationCode::TooLarge,
                format!("{len} entries, more than the limit of {max}"),
            );
            return false;
        }
        true
    }

    pub(super) fn texts(&mut self, path: &dyn std::fmt::Display, items: &[String]) {
        if self.list_len(path, items.len(), limits::MAX_LIST_ITEMS) {
            for (i, t) in items.iter().enumerate() {
                self.text(&format_args!("{path}[{i}]"), t);
            }
        }
    }

    pub(super) fn slots(&mut self, path: &dyn std::fmt::Display, items: &[String]) -> SlotSet {
        let mut set = SlotSet::EMPTY;
        if self.list_len(path, items.len(), limits::MAX_SLOTS) {
            for (i, s) in items.iter().enumerate() {
                match SlotSet::parse_one(s) {
                    Ok(bit) => set.insert(bit),
                    Err(e) => self.add(
                        format!("{path}[{i}]"),
                        ViolationCode::MalformedSlot,
                        e.to_string(),
                    ),
                }
            }
        }
        set
    }
}

pub(super) fn enum_value<T: Copy>(
    report: &mut Report,
    path: &dyn std::fmt::Display,
    value: Coded<T>,
    allowed: &str,
) -> Option<T> {
    match value {
        Coded::Set(v) => Some(v),
        Coded::Unset => None,
        Coded::Invalid(n) => {
            report.add(
                path.to_string(),
                ViolationCode::InvalidEnum,
                format!("unknown value {n}; expected one of {allowed}"),
            );
            None
        }
    }
}
