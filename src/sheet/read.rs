//! Reading files into a [`Grid`]: an XLSX workbook (calamine, cell by cell, so a file claiming
//! a million rows costs only the cells it has), a folder of CSV files, or a zip of CSV files.
//! CSV text may be UTF-8 (with or without a byte-order mark) or GB18030, which Excel on
//! Chinese Windows writes: valid UTF-8 is read as UTF-8, anything else as GB18030.
//!
//! Every limit is checked before the work it bounds: the file size up front, the declared
//! unpacked size of a zip before anything is unpacked, the number of cells while reading.
//! Nothing here panics on input. Imports only the grid and the problem types of this module.
//!
//! Must not import the request, the domain or the solver: files become cells and nothing more.

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};

use super::errors::{SheetCode, SheetProblem};
use super::grid::{Cell, Grid, GridSheet, Merged};
use crate::i18n::Lang;

/// Largest file (or CSV folder) read: 100 MiB. A school of 200,000 students is about 30 MB.
pub const MAX_FILE_BYTES: u64 = 100 << 20;
/// Largest total unpacked size of the parts of an XLSX or zip (a zip bomb is refused).
pub const MAX_UNPACKED_BYTES: u64 = 1 << 30;
/// Most filled cells read from one workbook (200,000 students × 12 needs × 7 columns fit).
pub const MAX_CELLS: usize = 20_000_000;

/// What kind of input a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Xlsx,
    CsvFolder,
    CsvZip,
    Csv,
}

/// Whether a path is a spreadsheet input (a folder, `.xlsx`/`.xlsm`/`.zip`/`.csv`, or a zip
/// by its first bytes) rather than a JSON request.
pub fn is_sheet_input(path: &Path) -> bool {
    if path.is_dir() {
        return true;
    }
    let ext = extension(path);
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "zip" | "csv") {
        return true;
    }
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == *b"PK\x03\x04"
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn file_label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A problem about the whole file.
fn file_problem(path: &Path, code: SheetCode, lang: Lang, args: &[(&str, String)]) -> SheetProblem {
    SheetProblem::sheet_code(file_label(path), None, code, lang, args)
}

/// Reads any spreadsheet input into a grid, or the file-level problem that stops it.
pub fn read_grid(path: &Path, lang: Lang) -> Result<(Grid, Source), SheetProblem> {
    let unreadable =
        |detail: String| file_problem(path, SheetCode::UnreadableFile, lang, &[("detail", detail)]);
    if path.is_dir() {
        return read_csv_folder(path, lang).map(|g| (g, Source::CsvFolder));
    }
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(path, size, lang));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    if extension(path) == "csv" {
        let mut grid = Grid::default();
        grid.sheets
            .push(csv_sheet(&stem(&file_label(path)), &bytes));
        return Ok((grid, Source::Csv));
    }
    if !bytes.starts_with(b"PK") {
        return Err(unreadable(
            "not an XLSX workbook or a zip of CSV files".into(),
        ));
    }
    let mut zip =
        zip::ZipArchive::new(Cursor::new(&bytes[..])).map_err(|e| unreadable(e.to_string()))?;
    let mut unpacked = 0u64;
    let mut is_xlsx = false;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| unreadable(e.to_string()))?;
        unpacked = unpacked.saturating_add(entry.size());
        is_xlsx |= entry.name().is_ok_and(|n| n == "xl/workbook.xml");
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(too_large(path, unpacked, lang));
    }
    if is_xlsx {
        drop(zip);
        read_xlsx(path, bytes, lang).map(|g| (g, Source::Xlsx))
    } else {
        read_csv_zip(path, &mut zip, lang).map(|g| (g, Source::CsvZip))
    }
}

fn too_large(path: &Path, size: u64, lang: Lang) -> SheetProblem {
    file_problem(
        path,
        SheetCode::FileTooLarge,
        lang,
        &[
            ("size", size.to_string()),
            ("max", MAX_FILE_BYTES.to_string()),
        ],
    )
}

fn too_many_cells(path: &Path, lang: Lang) -> SheetProblem {
    file_problem(
        path,
        SheetCode::TooManyCells,
        lang,
        &[("max", MAX_CELLS.to_string())],
    )
}

fn read_xlsx(path: &Path, bytes: Vec<u8>, lang: Lang) -> Result<Grid, SheetProblem> {
    let unreadable =
        |detail: String| file_problem(path, SheetCode::UnreadableFile, lang, &[("detail", detail)]);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let mut grid = Grid::default();
    let mut cells = 0usize;
    for name in book.sheet_names() {
        let mut sheet = GridSheet::new(name.clone());
        // A workbook whose merge list cannot be read is still read; merges only add errors.
        if let Ok(merged) = book.merge_cells_by_sheet_name(&name) {
            sheet.merged = merged
                .into_iter()
                .map(|d| Merged {
                    first: d.start,
                    last: d.end,
                })
                .collect();
        }
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| unreadable(e.to_string()))?;
        while let Some(c) = reader
            .next_cell_with_formula()
            .map_err(|e| unreadable(e.to_string()))?
        {
            let (row, col) = c.pos;
            let cell = if c.formula.as_deref().is_some_and(|f| !f.trim().is_empty()) {
                Cell::Formula
            } else {
                match c.value {
                    DataRef::Empty => continue,
                    DataRef::Int(i) => Cell::Number(i as f64),
                    DataRef::Float(f) => Cell::Number(f),
                    DataRef::String(s) => Cell::Text(s),
                    DataRef::SharedString(s) => Cell::Text(s.to_string()),
                    DataRef::Bool(b) => Cell::Bool(b),
                    DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => {
                        Cell::Date
                    }
                    DataRef::Error(_) => Cell::Error,
                }
            };
            cells += 1;
            if cells > MAX_CELLS {
                return Err(too_many_cells(path, lang));
            }
            sheet.put(row, col, cell);
        }
        grid.sheets.push(sheet);
    }
    Ok(grid)
}

fn stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s.to_string(),
        _ => base.to_string(),
    }
}

fn read_csv_folder(path: &Path, lang: Lang) -> Result<Grid, SheetProblem> {
    let unreadable =
        |detail: String| file_problem(path, SheetCode::UnreadableFile, lang, &[("detail", detail)]);
    let mut files: Vec<_> = std::fs::read_dir(path)
        .map_err(|e| unreadable(e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && extension(p) == "csv")
        .collect();
    files.sort();
    let mut total = 0u64;
    let mut grid = Grid::default();
    for file in files {
        total = total.saturating_add(std::fs::metadata(&file).map_or(0, |m| m.len()));
        if total > MAX_FILE_BYTES {
            return Err(too_large(path, total, lang));
        }
        let bytes = std::fs::read(&file).map_err(|e| unreadable(e.to_string()))?;
        grid.sheets
            .push(csv_sheet(&stem(&file_label(&file)), &bytes));
    }
    check_cells(&grid)
        .then_some(grid)
        .ok_or_else(|| too_many_cells(path, lang))
}

fn read_csv_zip(
    path: &Path,
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    lang: Lang,
) -> Result<Grid, SheetProblem> {
    let unreadable =
        |detail: String| file_problem(path, SheetCode::UnreadableFile, lang, &[("detail", detail)]);
    let mut names: Vec<(String, usize)> = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| unreadable(e.to_string()))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if entry.is_file()
            && name.to_ascii_lowercase().ends_with(".csv")
            && !name.starts_with("__MACOSX")
        {
            names.push((name, i));
        }
    }
    names.sort();
    let mut grid = Grid::default();
    for (name, i) in names {
        let entry = zip.by_index(i).map_err(|e| unreadable(e.to_string()))?;
        let mut bytes = Vec::new();
        // The declared sizes were checked; `take` holds a part that lies about its size.
        entry
            .take(MAX_UNPACKED_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| unreadable(e.to_string()))?;
        grid.sheets.push(csv_sheet(&stem(&name), &bytes));
    }
    check_cells(&grid)
        .then_some(grid)
        .ok_or_else(|| too_many_cells(path, lang))
}

fn check_cells(grid: &Grid) -> bool {
    grid.sheets
        .iter()
        .map(|s| s.rows.values().map(|r| r.len()).sum::<usize>())
        .sum::<usize>()
        <= MAX_CELLS
}

/// CSV text in UTF-8 (a byte-order mark is dropped) or, when not valid UTF-8, GB18030.
pub fn decode_csv(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            text.into_owned()
        }
    }
}

/// One CSV file as a sheet: every field is text. A record the parser cannot split (an
/// unclosed quote) ends the file there; what came before is kept, and the rows that follow
/// are missing, which the import reports as the data it lacks.
fn csv_sheet(name: &str, bytes: &[u8]) -> GridSheet {
    let text = decode_csv(bytes);
    let mut sheet = GridSheet::new(name);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for (row, record) in reader.records().enumerate() {
        let Ok(record) = record else { break };
        let Ok(row) = u32::try_from(row) else { break };
        for (col, field) in record.iter().enumerate() {
            let Ok(col) = u32::try_from(col) else { break };
            sheet.put(row, col, Cell::Text(field.to_string()));
        }
    }
    sheet
}
