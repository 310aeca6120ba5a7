//! A workbook as read, before any meaning is given to it: sheets of cells by (row, column),
//! each cell as the file held it (text, number, yes/no, a date, an error value, a formula).
//! XLSX files and CSV folders both become a [`Grid`], so the import has one path.
//!
//! Holds no I/O and imports nothing from the crate.
//!
//! Must not import anything of the crate.

use std::collections::BTreeMap;

/// One cell as the file held it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date or time (Excel turns `3-10` into 10 March).
    Date,
    /// An error value (`#N/A`, `#REF!`).
    Error,
    /// A formula, whatever its cached value.
    Formula,
}

impl Cell {
    /// Empty text counts as no cell.
    pub fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(t) if t.trim().is_empty())
    }

    /// The cell as text for an errors copy of the workbook.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => format_number(*n),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Date => "(date)".to_string(),
            Cell::Error => "#ERROR".to_string(),
            Cell::Formula => "(formula)".to_string(),
        }
    }
}

/// A number as a person writes it: `7`, not `7.0`.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A rectangle of merged cells, both corners included, counted from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merged {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

/// One sheet (or CSV file): its name and its non-empty cells.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GridSheet {
    pub name: String,
    pub rows: BTreeMap<u32, BTreeMap<u32, Cell>>,
    pub merged: Vec<Merged>,
}

impl GridSheet {
    pub fn new(name: impl Into<String>) -> Self {
        GridSheet {
            name: name.into(),
            ..GridSheet::default()
        }
    }

    /// Stores a cell, dropping blank text.
    pub fn put(&mut self, row: u32, col: u32, cell: Cell) {
        if !cell.is_blank() {
            self.rows.entry(row).or_default().insert(col, cell);
        }
    }

    pub fn get(&self, row: u32, col: u32) -> Option<&Cell> {
        self.rows.get(&row).and_then(|r| r.get(&col))
    }
}

/// A whole workbook (or CSV folder): its sheets in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid {
    pub sheets: Vec<GridSheet>,
}
