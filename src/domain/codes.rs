//! The one spelling of every problem code: UPPER_SNAKE_CASE (google.rpc's convention for a
//! reason), the same on every path — the CLI's `[CODE]` marks, the JSON `code` of a violation,
//! the gRPC `BadRequest` reason, the HTTP body, the spreadsheets' marks and comments, the
//! README.
//!
//! Holds `spelled_codes!`, which gives a code enum its list of variants (`ALL`), its spelling
//! (`code`) and its message's key in `locales/<lang>/errors.toml` (`catalogue_key`: the code in
//! lower case), from one table; and that table for [`ViolationCode`]. The spreadsheet codes
//! (`crate::sheet::errors::SheetCode`) use the same macro.
//!
//! Imports the code enum only; must not import rules, rendering, the solver or the service.

use super::validate::ViolationCode;

/// Gives a fieldless code enum, from one table of `Variant => "SPELLING"`:
/// - `ALL`, every variant in the table's order;
/// - `code()`, the spelling every output uses;
/// - `catalogue_key()`, `errors.` and the spelling in lower case (the catalogues' keys).
///
/// The `match` in `code()` is exhaustive, so a variant missing from the table does not
/// compile, and `ALL` is built from the same rows.
macro_rules! spelled_codes {
    ($ty:ident { $($variant:ident => $code:literal,)+ }) => {
        impl $ty {
            /// Every code, in the order of its table.
            pub const ALL: &'static [$ty] = &[$($ty::$variant,)+];

            /// The code as every output spells it, e.g. `UNKNOWN_REFERENCE`.
            pub fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code,)+
                }
            }

            /// The key of the code's message in the catalogues, e.g.
            /// `errors.unknown_reference`.
            pub fn catalogue_key(self) -> String {
                format!("errors.{}", self.code().to_ascii_lowercase())
            }
        }
    };
}
pub(crate) use spelled_codes;

spelled_codes!(ViolationCode {
    ControlCharacter => "CONTROL_CHARACTER",
    EmptyId => "EMPTY_ID",
    DuplicateId => "DUPLICATE_ID",
    UnknownReference => "UNKNOWN_REFERENCE",
    CapacityOutOfRange => "CAPACITY_OUT_OF_RANGE",
    MalformedSlot => "MALFORMED_SLOT",
    EmptyNeeds => "EMPTY_NEEDS",
    InvalidRank => "INVALID_RANK",
    DuplicateRank => "DUPLICATE_RANK",
    DuplicateChoice => "DUPLICATE_CHOICE",
    MissingValue => "MISSING_VALUE",
    InvalidEnum => "INVALID_ENUM",
    InvalidWeight => "INVALID_WEIGHT",
    OutOfRange => "OUT_OF_RANGE",
    DuplicateEntry => "DUPLICATE_ENTRY",
    LockedAndForbidden => "LOCKED_AND_FORBIDDEN",
    LockedBreaksRule => "LOCKED_BREAKS_RULE",
    LockedOverCapacity => "LOCKED_OVER_CAPACITY",
    TooLarge => "TOO_LARGE",
    TooLong => "TOO_LONG",
    TooManyViolations => "TOO_MANY_VIOLATIONS",
    RiskLevelOffTrack => "RISK_LEVEL_OFF_TRACK",
    UnknownLocale => "UNKNOWN_LOCALE",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_upper_snake_case_and_spelled_once() {
        let mut seen = std::collections::HashSet::new();
        for &c in ViolationCode::ALL {
            let code = c.code();
            assert!(
                !code.is_empty() && code.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_'),
                "{code}"
            );
            assert!(seen.insert(code), "{code} spelled twice");
        }
    }

    #[test]
    fn the_catalogue_key_is_the_code_in_lower_case() {
        assert_eq!(
            ViolationCode::UnknownReference.catalogue_key(),
            "errors.unknown_reference"
        );
        assert_eq!(
            ViolationCode::RiskLevelOffTrack.catalogue_key(),
            "errors.risk_level_off_track"
        );
    }
}
