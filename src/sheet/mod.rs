//! Spreadsheets in and out, for the school's coordinators (the coordinator's desk): the
//! template, the import of a filled workbook (XLSX, a folder or zip of CSV files) with every
//! problem tied to its cell, the plan as a workbook or CSV files, and the mid-year round trip.
//!
//! Files, each with one job: [`columns`] (the layout as data), [`grid`] (a workbook as read),
//! [`read`] (files → grid), [`import`] (grid → request, problems → cells), [`errors`]
//! (problems and their messages in a language), [`book`] (writing XLSX and CSV),
//! [`request_sheets`] (a request as input sheets), [`template`], [`export`] (a plan or a
//! rematch as sheets), [`errors_out`] (a copy of the workbook with the bad cells marked),
//! [`sentences`] (the one adapter to the explanation sentences).
//!
//! This module uses the domain, the engine's outcome types and the protobuf types; none of
//! them (domain, rules, score, solver, explain) may import it.
//!
//! This tree must not import the solver, the service, the server or the CLI (the CLI and the
//! service import it, never the other way round).

pub mod book;
pub mod columns;
pub mod errors;
pub mod errors_out;
pub mod export;
pub mod grid;
pub mod import;
pub mod read;
pub mod request_sheets;
pub mod sentences;
pub mod template;

use std::path::Path;

pub use errors::{Rejected, SheetProblem};
pub use import::{Imported, Purpose};
pub use read::is_sheet_input;

use crate::i18n::Lang;

/// Reads a spreadsheet input for `purpose`. On problems, returns them with the grid read (for
/// an errors copy), or no grid when the file itself could not be read.
pub fn load(
    path: &Path,
    lang: Lang,
    purpose: Purpose,
) -> Result<Imported, (Rejected, Option<grid::Grid>)> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (grid, _) = read::read_grid(path, lang).map_err(|p| {
        (
            Rejected {
                file: file.clone(),
                problems: vec![p],
            },
            None,
        )
    })?;
    match import::import(&grid, &file, lang, purpose) {
        Ok(imported) => Ok(imported),
        Err(problems) => Err((Rejected { file, problems }, Some(grid))),
    }
}
