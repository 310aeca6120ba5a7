//! Writing: a workbook as plain data ([`Book`]: sheets of header and rows, with dropdowns and
//! marked cells), saved as XLSX (rust_xlsxwriter: header frozen, filter on, columns sized) or
//! as one CSV file per sheet (UTF-8 with a byte-order mark, so Excel reads Chinese correctly).
//!
//! Output is byte-identical for the same book: the document's creation time is fixed (the
//! library would write the current time). Imports nothing from the crate but the grid's
//! number formatting.
//!
//! Must not import the request, the domain, the solver or the explanations: it writes the
//! cells it is given.

use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatBorder, Note, Workbook,
    XlsxError,
};

use super::grid::format_number;

/// One cell to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    Text(String),
    Number(f64),
    Empty,
}

impl Out {
    pub fn text(s: impl Into<String>) -> Out {
        let s = s.into();
        if s.is_empty() {
            Out::Empty
        } else {
            Out::Text(s)
        }
    }

    fn as_text(&self) -> String {
        match self {
            Out::Text(s) => s.clone(),
            Out::Number(n) => format_number(*n),
            Out::Empty => String::new(),
        }
    }
}

impl From<u32> for Out {
    fn from(n: u32) -> Out {
        Out::Number(f64::from(n))
    }
}

/// One sheet to write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    /// The sheet's name, also the CSV file's stem.
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Out>>,
    /// Dropdowns: (column, labels), applied to `dropdown_rows` data rows.
    pub dropdowns: Vec<(u16, Vec<String>)>,
    pub dropdown_rows: u32,
    /// Cells to fill red with a note: (row from 0 counting the header, column, note).
    pub marks: Vec<(u32, u16, String)>,
    /// Rows as they were read, for an errors copy: written at their own positions, with no
    /// header row of ours.
    pub raw: bool,
}

/// A workbook to write.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Book {
    pub sheets: Vec<Sheet>,
}

/// A failure to build the XLSX file (a value past Excel's limits).
#[derive(Debug, thiserror::Error)]
#[error("cannot write the workbook: {0}")]
pub struct WriteError(#[from] XlsxError);

/// Display width: CJK characters count two.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

impl Book {
    /// The book as an XLSX file.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, WriteError> {
        let mut workbook = Workbook::new();
        let created = ExcelDateTime::from_ymd(2024, 3, 1)?;
        workbook.set_properties(
            &DocProperties::new()
                .set_creation_datetime(&created)
                .set_author("mentor-match"),
        );
        let header_format = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border_bottom(FormatBorder::Thin);
        let bad_format = Format::new().set_background_color(Color::RGB(0xFF9999));
        for sheet in &self.sheets {
            let ws = workbook.add_worksheet();
            ws.set_name(&sheet.name)?;
            let offset = u32::from(!sheet.raw);
            let columns = sheet
                .rows
                .iter()
                .map(Vec::len)
                .chain([sheet.header.len()])
                .max()
                .unwrap_or(0);
            let mut widths = vec![8usize; columns];
            if !sheet.raw {
                for (c, h) in sheet.header.iter().enumerate() {
                    ws.write_string_with_format(0, c as u16, h, &header_format)?;
                    widths[c] = widths[c].max(width(h) + 2);
                }
            }
            for (r, row) in sheet.rows.iter().enumerate() {
                let r = r as u32 + offset;
                for (c, cell) in row.iter().enumerate() {
                    let c16 = c as u16;
                    match cell {
                        Out::Text(s) => {
                            ws.write_string(r, c16, s)?;
                        }
                        Out::Number(n) => {
                            ws.write_number(r, c16, *n)?;
                        }
                        Out::Empty => {}
                    }
                    widths[c] = widths[c].max(width(&cell.as_text()) + 2);
                }
            }
            for (c, w) in widths.iter().enumerate() {
                ws.set_column_width(c as u16, (*w).min(60) as f64)?;
            }
            for (col, labels) in &sheet.dropdowns {
                let dv = DataValidation::new().allow_list_strings(labels)?;
                let last = sheet.dropdown_rows.max(sheet.rows.len() as u32).max(1);
                ws.add_data_validation(1, *col, last, *col, &dv)?;
            }
            for (r, c, text) in &sheet.marks {
                let value = sheet
                    .rows
                    .get((*r - offset.min(*r)) as usize)
                    .and_then(|row| row.get(usize::from(*c)))
                    .map(Out::as_text)
                    .unwrap_or_default();
                ws.write_string_with_format(*r, *c, &value, &bad_format)?;
                let note = Note::new(text).set_author("mentor-match").set_width(320);
                ws.insert_note(*r, *c, &note)?;
            }
            if !sheet.raw && columns > 0 {
                ws.set_freeze_panes(1, 0)?;
                ws.autofilter(0, 0, sheet.rows.len() as u32, (columns - 1) as u16)?;
            }
        }
        Ok(workbook.save_to_buffer()?)
    }

    /// The book as CSV files: (file name, bytes), UTF-8 with a byte-order mark.
    pub fn to_csv(&self) -> Vec<(String, Vec<u8>)> {
        self.sheets
            .iter()
            .map(|sheet| {
                let mut writer = csv::WriterBuilder::new()
                    .flexible(true)
                    .from_writer(vec![0xEF, 0xBB, 0xBF]);
                let mut write = |fields: Vec<String>| {
                    // Writing to memory only fails on a bug, never on input.
                    let _ = writer.write_record(fields);
                };
                write(sheet.header.clone());
                for row in &sheet.rows {
                    write(row.iter().map(Out::as_text).collect());
                }
                let bytes = writer.into_inner().unwrap_or_default();
                (format!("{}.csv", sheet.name), bytes)
            })
            .collect()
    }
}
