//! `--errors-out`: a copy of the workbook as read, every sheet and value at its place, with
//! each bad cell filled red and a note giving the problem (problems about a whole sheet go on
//! its first cell). Imports the grid, the problems and the book model.
//!
//! Must not import the request, the domain or the solver: it marks the cells of a grid it is
//! given.

use std::collections::BTreeMap;

use super::book::{Book, Out, Sheet};
use super::errors::SheetProblem;
use super::grid::Grid;

/// The copy of `grid` with `problems` marked.
pub fn marked_copy(grid: &Grid, problems: &[SheetProblem]) -> Book {
    let mut book = Book::default();
    for g in &grid.sheets {
        let last_row = g.rows.keys().next_back().copied().unwrap_or(0);
        let mut rows: Vec<Vec<Out>> = Vec::new();
        for (&r, cells) in &g.rows {
            while rows.len() < r as usize {
                rows.push(Vec::new());
            }
            let mut row = Vec::new();
            for (&c, cell) in cells {
                while row.len() < c as usize {
                    row.push(Out::Empty);
                }
                row.push(Out::text(cell.display()));
            }
            rows.push(row);
        }
        let _ = last_row;
        let mut notes: BTreeMap<(u32, u16), Vec<String>> = BTreeMap::new();
        for p in problems.iter().filter(|p| p.sheet == g.name) {
            let (r, c) = p.cell.unwrap_or((0, 0));
            let Ok(c) = u16::try_from(c) else { continue };
            notes
                .entry((r, c))
                .or_default()
                .push(format!("{} [{}]", p.message, p.code));
        }
        book.sheets.push(Sheet {
            name: g.name.clone(),
            rows,
            marks: notes
                .into_iter()
                .map(|((r, c), texts)| (r, c, texts.join("\n")))
                .collect(),
            raw: true,
            ..Sheet::default()
        });
    }
    book
}
