//! Problems found in a spreadsheet, each tied to its sheet and cell and printed as
//! `sheet!cell: message [code]`, in the chosen language; and the one function that renders a
//! validation problem in a language (used for JSON requests too).
//!
//! Messages come from `locales/<lang>/errors.toml`, one per code. English validation problems
//! keep the validator's own sentence (it names the value, and is what the CLI always printed);
//! other languages use the catalogue's sentence for the code. No message quotes a cell's
//! value: a value may be a student attribute (a risk level, a trait).
//!
//! Imports the validator's types and the catalogue only.
//!
//! Imports the validator's codes and the catalogue. Must not import the solver, the engine,
//! the explanations or the service.

use std::fmt;

use super::columns::cell_name;
use crate::domain::validate::{Violation, ViolationCode};
use crate::i18n::{trf, Lang};

/// A problem found while reading cells (the validator's codes cover the rest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SheetCode {
    FileTooLarge,
    UnreadableFile,
    MissingSheet,
    MissingColumn,
    UnknownColumn,
    DuplicateColumn,
    TooManyCells,
    FormulaCell,
    DateInCell,
    NotANumber,
    NotAWholeNumber,
    NotYesNo,
    UnknownLabel,
    CellError,
    MergedCells,
    UnknownSetting,
    DuplicateSetting,
}

crate::domain::codes::spelled_codes!(SheetCode {
    FileTooLarge => "FILE_TOO_LARGE",
    UnreadableFile => "UNREADABLE_FILE",
    MissingSheet => "MISSING_SHEET",
    MissingColumn => "MISSING_COLUMN",
    UnknownColumn => "UNKNOWN_COLUMN",
    DuplicateColumn => "DUPLICATE_COLUMN",
    TooManyCells => "TOO_MANY_CELLS",
    FormulaCell => "FORMULA_CELL",
    DateInCell => "DATE_IN_CELL",
    NotANumber => "NOT_A_NUMBER",
    NotAWholeNumber => "NOT_A_WHOLE_NUMBER",
    NotYesNo => "NOT_YES_NO",
    UnknownLabel => "UNKNOWN_LABEL",
    CellError => "CELL_ERROR",
    MergedCells => "MERGED_CELLS",
    UnknownSetting => "UNKNOWN_SETTING",
    DuplicateSetting => "DUPLICATE_SETTING",
});

/// One problem: the sheet (or file) as named in the file, the cell (row, column from 0) when
/// there is one, the code and the message in the chosen language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetProblem {
    pub sheet: String,
    pub cell: Option<(u32, u32)>,
    pub code: &'static str,
    pub message: String,
}

impl SheetProblem {
    /// A problem with one of the spreadsheet codes, its message from the catalogue.
    pub fn sheet_code(
        sheet: String,
        cell: Option<(u32, u32)>,
        code: SheetCode,
        lang: Lang,
        args: &[(&str, String)],
    ) -> Self {
        let args: Vec<(&str, &dyn fmt::Display)> = args
            .iter()
            .map(|(k, v)| (*k, v as &dyn fmt::Display))
            .collect();
        SheetProblem {
            sheet,
            cell,
            code: code.code(),
            message: trf(lang, &code.catalogue_key(), &args),
        }
    }

    /// `mentors!F12`, or the sheet alone.
    pub fn location(&self) -> String {
        match self.cell {
            Some((r, c)) => format!("{}!{}", self.sheet, cell_name(r, c)),
            None => self.sheet.clone(),
        }
    }
}

impl fmt::Display for SheetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.location(), self.message, self.code)
    }
}

/// A validation problem's message in `lang`; `field` names the column (or field) concerned.
/// English is the validator's own sentence, unchanged.
pub fn render_violation(lang: Lang, violation: &Violation, field: &str) -> String {
    render_code(lang, violation.code, &violation.message, field)
}

/// As [`render_violation`], from the parts.
pub fn render_code(lang: Lang, code: ViolationCode, english: &str, field: &str) -> String {
    match lang {
        Lang::En => english.to_string(),
        _ => trf(lang, &code.catalogue_key(), &[("field", &field)]),
    }
}

/// The field a validation path names, for a message: its last named part
/// (`students[3].needs[0].track` → `track`).
pub fn path_field(path: &str) -> &str {
    let trimmed = path.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[');
    trimmed.rsplit('.').next().unwrap_or(trimmed)
}

/// The column a request field path stands for, in `lang` (`mentors[1].capacity` → 可带学生数),
/// for messages about JSON requests; the field's own name when no column holds it.
pub fn field_label(path: &str, lang: Lang) -> String {
    use super::columns::{Setting, SheetKind, SETTINGS};
    if let Some(setting) = SETTINGS.iter().find(|s| path.starts_with(s.path)) {
        return Setting::label(setting, lang);
    }
    let field = path_field(path);
    let in_part = |part: &str| path.contains(&format!(".{part}["));
    let (kind, key) = if in_part("needs") {
        (
            SheetKind::Needs,
            if field == "id" { "need_id" } else { field },
        )
    } else if in_part("subjects") {
        (SheetKind::Teaching, field)
    } else if in_part("coaching") {
        (SheetKind::Coaching, field)
    } else if in_part("preferences") {
        (
            SheetKind::Preferences,
            if field == "rank" {
                "student_rank"
            } else {
                field
            },
        )
    } else if path.starts_with("mentors") {
        let key = match field {
            "topics" if path.contains("counselling") => "counselling_topics",
            other => other,
        };
        (SheetKind::Mentors, key)
    } else if path.starts_with("students") {
        (
            SheetKind::Students,
            if field == "class_id" { "class" } else { field },
        )
    } else {
        return field.to_string();
    };
    match kind.columns().iter().find(|c| c.key == key) {
        Some(c) => kind.header(c.key, lang),
        None => field.to_string(),
    }
}

/// A workbook that cannot be imported, with every problem found. Nothing is imported.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{file}: {} problem(s) in the workbook; nothing was imported", .problems.len())]
pub struct Rejected {
    pub file: String,
    pub problems: Vec<SheetProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_message_in_every_language() {
        let keys: Vec<&str> = crate::i18n::keys(Lang::En).collect();
        let sheet = SheetCode::ALL.iter().map(|c| c.catalogue_key());
        let validation = ViolationCode::ALL.iter().map(|c| c.catalogue_key());
        for key in sheet.chain(validation) {
            assert!(keys.contains(&key.as_str()), "{key} missing");
        }
    }

    #[test]
    fn english_keeps_the_validators_sentence_and_chinese_uses_the_catalogue() {
        let v = Violation {
            path: "mentors[3].capacity".into(),
            code: ViolationCode::CapacityOutOfRange,
            message: "capacity 7 is outside 1..=5".into(),
        };
        assert_eq!(render_violation(Lang::En, &v, "capacity"), v.message);
        let zh = render_violation(Lang::ZhCn, &v, "可带学生数");
        assert!(zh.starts_with("可带学生数："), "{zh}");
        assert!(!zh.contains('{'), "{zh}");
        assert_eq!(path_field("students[3].needs[0].track"), "track");
        assert_eq!(path_field("students[3].availability[2]"), "availability");
        assert_eq!(field_label("mentors[1].capacity", Lang::ZhCn), "可带学生数");
        assert_eq!(
            field_label("students[0].needs[2].track", Lang::ZhCn),
            "帮扶类别"
        );
        assert_eq!(
            field_label("policy.weights.specialty", Lang::En),
            "weight: specialty"
        );
        assert_eq!(field_label("locked_pairs[0]", Lang::En), "locked_pairs");
    }
}
