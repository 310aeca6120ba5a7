//! A read workbook ([`Grid`]) → the request it stands for (`mentormatch.v1.SolveRequest`, and
//! for the mid-year rematch the current pairs with their evaluations), with a map from every
//! request field to the cell it came from.
//!
//! Problems are collected, never the first only: cell problems while reading (a formula, a
//! date, a number that is not one, an unknown label, a merged cell), then — when every sheet
//! and column was found — the request is checked by the validator the JSON requests go
//! through ([`crate::admit::validate`]), and each problem's field path is mapped
//! back to its cell. Any problem means no request: nothing is half-imported.
//!
//! Rules a coordinator relies on (README, "The coordinator's year"): the first filled row of a
//! sheet is its header; a header may be in any language; empty rows are skipped; unknown
//! sheets are ignored; lists are separated by commas (also `，`, `;`, `、`, new lines); a
//! number stored as text is read as the number. Imports the validator (`crate::admit`), the
//! domain's types, the protobuf types and this module's layout; the domain never imports this
//! module.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::columns::{Kind, Labels, Setting, SheetKind};
use super::errors::{path_field, render_code, SheetCode, SheetProblem};
use super::grid::{format_number, Cell, Grid};
use crate::admit::validate;
use crate::domain::raw::RawRequest;
use crate::domain::validate::{InvalidRequest, ViolationCode};
use crate::i18n::Lang;
use crate::proto::pb;

/// What a workbook is read for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A request to solve: the input sheets.
    Request,
    /// A mid-year rematch: the input sheets and the plan's pairs with their evaluations.
    Rematch,
}

/// A workbook read without problems.
#[derive(Clone, Debug)]
pub struct Imported {
    pub request: pb::SolveRequest,
    /// The plan's pairs (rematch only).
    pub current_pairs: Vec<pb::CurrentPair>,
    /// Rematch settings from the policy sheet, if any were given.
    pub rematch: Option<pb::RematchPolicy>,
    pub origin: Origin,
}

impl Imported {
    /// The rematch request this workbook stands for.
    pub fn rematch_request(&self) -> pb::RematchRequest {
        pb::RematchRequest {
            request: Some(self.request.clone()),
            current_pairs: self.current_pairs.clone(),
            rematch: self.rematch,
            // The workbook's language is the CLI's --lang; the request carries none.
            locale: String::new(),
        }
    }
}

/// Where a request field came from.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Loc {
    sheet: String,
    cell: Option<(u32, u32)>,
    /// The column's header in the chosen language, for messages.
    field: String,
}

/// The map from request field paths (`mentors[3].capacity`) to cells.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    map: HashMap<String, Loc>,
    lang: Lang,
    file: String,
}

impl Origin {
    fn find(&self, path: &str) -> Option<&Loc> {
        let mut p = path.strip_prefix("request.").unwrap_or(path);
        loop {
            if let Some(loc) = self.map.get(p) {
                return Some(loc);
            }
            let cut = if p.ends_with(']') {
                p.rfind('[')
            } else {
                p.rfind('.')
            };
            match cut {
                Some(i) if i > 0 => p = &p[..i],
                _ => return None,
            }
        }
    }

    /// The validator's problems as cell problems, in the chosen language.
    pub fn problems(&self, invalid: &InvalidRequest) -> Vec<SheetProblem> {
        invalid
            .violations
            .iter()
            .map(|v| match self.find(&v.path) {
                Some(loc) => SheetProblem {
                    sheet: loc.sheet.clone(),
                    cell: loc.cell,
                    code: v.code.code(),
                    message: render_code(self.lang, v.code, &v.message, &loc.field),
                },
                None => SheetProblem {
                    sheet: self.file.clone(),
                    cell: None,
                    code: v.code.code(),
                    message: render_code(self.lang, v.code, &v.message, path_field(&v.path)),
                },
            })
            .collect()
    }
}

/// Reads `grid` for `purpose`; `file` names the file in problems about no particular sheet.
pub fn import(
    grid: &Grid,
    file: &str,
    lang: Lang,
    purpose: Purpose,
) -> Result<Imported, Vec<SheetProblem>> {
    let mut im = Importer {
        grid,
        lang,
        problems: Vec::new(),
        bad: HashSet::new(),
        origin: Origin {
            map: HashMap::new(),
            lang,
            file: file.to_string(),
        },
        structural: false,
    };
    let built = im.build(purpose);
    let mut problems = std::mem::take(&mut im.problems);
    if !im.structural {
        if let Err(invalid) = validate(RawRequest::from(built.request.clone())) {
            for p in im.origin.problems(&invalid) {
                // A cell already reported while reading is not reported again.
                let key = (p.sheet.clone(), p.cell);
                if p.cell.is_none() || !im.bad.contains(&key) {
                    problems.push(p);
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(Imported {
            origin: im.origin,
            ..built
        })
    } else {
        let order: HashMap<&str, usize> = grid
            .sheets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        problems.sort_by_key(|p| {
            (
                order.get(p.sheet.as_str()).copied().unwrap_or(0),
                p.cell.is_some(),
                p.cell,
            )
        });
        problems.dedup();
        Err(problems)
    }
}

type Row = BTreeMap<u32, Cell>;

/// One recognised sheet: its columns by key and its data rows.
struct Table<'g> {
    kind: SheetKind,
    name: String,
    cols: HashMap<&'static str, u32>,
    header_row: u32,
    rows: Vec<(u32, &'g Row)>,
}

struct Importer<'g> {
    grid: &'g Grid,
    lang: Lang,
    problems: Vec<SheetProblem>,
    /// Cells with a reading problem, so the validator does not report them again.
    bad: HashSet<(String, Option<(u32, u32)>)>,
    origin: Origin,
    /// A sheet or column is missing or unknown: the validator would only repeat it per row.
    structural: bool,
}

/// A plain value of a cell, after dates, error values and formulas were reported.
enum Plain<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', ';', '；', '、', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl<'g> Importer<'g> {
    fn problem(
        &mut self,
        sheet: &str,
        cell: Option<(u32, u32)>,
        code: SheetCode,
        args: &[(&str, String)],
    ) {
        self.bad.insert((sheet.to_string(), cell));
        self.problems.push(SheetProblem::sheet_code(
            sheet.to_string(),
            cell,
            code,
            self.lang,
            args,
        ));
    }

    /// A problem with a validator code found while reading (an unknown id in a row that has
    /// nowhere to go, a missing rank).
    fn reading_violation(
        &mut self,
        t: &Table,
        r: u32,
        key: &str,
        code: ViolationCode,
        english: String,
    ) {
        let cell = t.cols.get(key).map(|&c| (r, c));
        self.bad.insert((t.name.clone(), cell));
        let field = t.kind.header(key, self.lang);
        self.problems.push(SheetProblem {
            sheet: t.name.clone(),
            cell,
            code: code.code(),
            message: render_code(self.lang, code, &english, &field),
        });
    }

    /// The first sheet standing for `kind`, with its header read.
    fn table(&mut self, kind: SheetKind, required: bool) -> Option<Table<'g>> {
        let grid = self.grid;
        let Some(sheet) = grid
            .sheets
            .iter()
            .find(|s| SheetKind::find(&s.name) == Some(kind))
        else {
            if required {
                self.structural = true;
                let name = kind.name(self.lang);
                self.problem(
                    &name,
                    None,
                    SheetCode::MissingSheet,
                    &[("sheet", name.clone())],
                );
            }
            return None;
        };
        let name = sheet.name.clone();
        let mut cols: HashMap<&'static str, u32> = HashMap::new();
        let mut rows = sheet.rows.iter();
        let header_row = match rows.next() {
            Some((&r, header)) => {
                for (&c, cell) in header {
                    let text = match cell {
                        Cell::Text(t) => t.clone(),
                        other => other.display(),
                    };
                    match kind.find_column(&text) {
                        Some(col) if cols.contains_key(col.key) => {
                            self.structural = true;
                            self.problem(
                                &name,
                                Some((r, c)),
                                SheetCode::DuplicateColumn,
                                &[("column", text)],
                            );
                        }
                        Some(col) => {
                            cols.insert(col.key, c);
                        }
                        None => {
                            self.structural = true;
                            self.problem(
                                &name,
                                Some((r, c)),
                                SheetCode::UnknownColumn,
                                &[("column", text)],
                            );
                        }
                    }
                }
                r
            }
            None => 0,
        };
        for col in kind.columns() {
            if col.required && !cols.contains_key(col.key) {
                self.structural = true;
                let header = kind.header(col.key, self.lang);
                self.problem(&name, None, SheetCode::MissingColumn, &[("column", header)]);
            }
        }
        for m in &sheet.merged {
            let field = name.clone();
            self.problem(
                &name,
                Some(m.first),
                SheetCode::MergedCells,
                &[("field", field)],
            );
        }
        Some(Table {
            kind,
            name,
            cols,
            header_row,
            rows: rows.map(|(&r, row)| (r, row)).collect(),
        })
    }

    /// Records that `path` came from column `key` of row `r` (the row's first column when the
    /// sheet has no such column).
    fn at(&mut self, path: String, t: &Table, r: u32, key: &str) {
        let col = t
            .cols
            .get(key)
            .or_else(|| t.kind.columns().first().and_then(|c| t.cols.get(c.key)))
            .copied();
        self.origin.map.insert(
            path,
            Loc {
                sheet: t.name.clone(),
                cell: col.map(|c| (r, c)),
                field: t.kind.header(key, self.lang),
            },
        );
    }

    fn plain<'r>(&mut self, t: &Table, r: u32, row: &'r Row, key: &str) -> Option<Plain<'r>> {
        let &c = t.cols.get(key)?;
        let cell = row.get(&c)?;
        let code = match cell {
            Cell::Text(s) => return Some(Plain::Text(s.trim())),
            Cell::Number(n) => return Some(Plain::Number(*n)),
            Cell::Bool(b) => return Some(Plain::Bool(*b)),
            Cell::Date => SheetCode::DateInCell,
            Cell::Error => SheetCode::CellError,
            Cell::Formula => SheetCode::FormulaCell,
        };
        let field = t.kind.header(key, self.lang);
        self.problem(&t.name, Some((r, c)), code, &[("field", field)]);
        None
    }

    fn bad_cell(&mut self, t: &Table, r: u32, key: &str, code: SheetCode, allowed: Option<String>) {
        let cell = t.cols.get(key).map(|&c| (r, c));
        let mut args = vec![("field", t.kind.header(key, self.lang))];
        if let Some(a) = allowed {
            args.push(("allowed", a));
        }
        self.problem(&t.name, cell, code, &args);
    }

    fn text(&mut self, t: &Table, r: u32, row: &Row, key: &str) -> String {
        match self.plain(t, r, row, key) {
            None => String::new(),
            Some(Plain::Text(s)) => s.to_string(),
            Some(Plain::Number(n)) => format_number(n),
            Some(Plain::Bool(b)) => Labels::Bool.label(i32::from(b), self.lang),
        }
    }

    fn present(&self, t: &Table, row: &Row, key: &str) -> bool {
        t.cols.get(key).is_some_and(|c| row.contains_key(c))
    }

    fn whole(&mut self, t: &Table, r: u32, row: &Row, key: &str) -> Option<u32> {
        let value = match self.plain(t, r, row, key)? {
            Plain::Number(n) => Some(n),
            Plain::Text(s) => match s.parse::<f64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.bad_cell(t, r, key, SheetCode::NotANumber, None);
                    return None;
                }
            },
            Plain::Bool(_) => None,
        };
        match value {
            Some(n)
                if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) =>
            {
                Some(n as u32)
            }
            Some(_) => {
                self.bad_cell(t, r, key, SheetCode::NotAWholeNumber, None);
                None
            }
            None => {
                self.bad_cell(t, r, key, SheetCode::NotANumber, None);
                None
            }
        }
    }

    fn number(&mut self, t: &Table, r: u32, row: &Row, key: &str) -> Option<f64> {
        match self.plain(t, r, row, key)? {
            Plain::Number(n) => Some(n),
            Plain::Text(s) => match s.parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    self.bad_cell(t, r, key, SheetCode::NotANumber, None);
                    None
                }
            },
            Plain::Bool(_) => {
                self.bad_cell(t, r, key, SheetCode::NotANumber, None);
                None
            }
        }
    }

    fn boolean(&mut self, t: &Table, r: u32, row: &Row, key: &str) -> Option<bool> {
        let parsed = match self.plain(t, r, row, key)? {
            Plain::Bool(b) => Some(b),
            Plain::Number(n) if n == 0.0 || n == 1.0 => Some(n == 1.0),
            Plain::Number(_) => None,
            Plain::Text(s) => Labels::Bool.parse(s).map(|v| v == 1),
        };
        if parsed.is_none() {
            let allowed = Labels::Bool.allowed(self.lang);
            self.bad_cell(t, r, key, SheetCode::NotYesNo, Some(allowed));
        }
        parsed
    }

    fn label(&mut self, t: &Table, r: u32, row: &Row, key: &str, labels: Labels) -> Option<i32> {
        let text = match self.plain(t, r, row, key)? {
            Plain::Text(s) => s.to_string(),
            Plain::Number(n) => format_number(n),
            Plain::Bool(b) => b.to_string(),
        };
        let parsed = labels.parse(&text);
        if parsed.is_none() {
            let allowed = labels.allowed(self.lang);
            self.bad_cell(t, r, key, SheetCode::UnknownLabel, Some(allowed));
        }
        parsed
    }

    fn list(&mut self, t: &Table, r: u32, row: &Row, key: &str) -> Vec<String> {
        split_list(&self.text(t, r, row, key))
    }

    fn label_list(&mut self, t: &Table, r: u32, row: &Row, key: &str, labels: Labels) -> Vec<i32> {
        let items = self.list(t, r, row, key);
        let parsed: Vec<Option<i32>> = items.iter().map(|s| labels.parse(s)).collect();
        if parsed.iter().any(Option::is_none) {
            let allowed = labels.allowed(self.lang);
            self.bad_cell(t, r, key, SheetCode::UnknownLabel, Some(allowed));
        }
        parsed.into_iter().flatten().collect()
    }

    fn build(&mut self, purpose: Purpose) -> Imported {
        let mut students: Vec<pb::Student> = Vec::new();
        let mut student_ix: HashMap<String, usize> = HashMap::new();
        if let Some(t) = self.table(SheetKind::Students, true) {
            self.origin.map.insert(
                "students".into(),
                Loc {
                    sheet: t.name.clone(),
                    cell: Some((t.header_row, 0)),
                    field: t.name.clone(),
                },
            );
            for &(r, row) in &t.rows {
                let i = students.len();
                let p = format!("students[{i}]");
                for (path, key) in [
                    (p.clone(), "id"),
                    (format!("{p}.id"), "id"),
                    (format!("{p}.needs"), "id"),
                    (format!("{p}.preferences"), "id"),
                    (format!("{p}.grade"), "grade"),
                    (format!("{p}.class_id"), "class"),
                    (format!("{p}.gender"), "gender"),
                    (format!("{p}.family_hardship"), "family_hardship"),
                    (format!("{p}.availability"), "availability"),
                    (format!("{p}.traits"), "traits"),
                ] {
                    self.at(path, &t, r, key);
                }
                let id = self.text(&t, r, row, "id");
                let gender = self.text(&t, r, row, "gender");
                let student = pb::Student {
                    grade: self.whole(&t, r, row, "grade").unwrap_or(0),
                    class_id: self.text(&t, r, row, "class"),
                    gender: (!gender.is_empty()).then_some(gender),
                    family_hardship: self.boolean(&t, r, row, "family_hardship").unwrap_or(false),
                    availability: self.list(&t, r, row, "availability"),
                    traits: self.list(&t, r, row, "traits"),
                    id: id.clone(),
                    ..pb::Student::default()
                };
                student_ix.entry(id).or_insert(i);
                students.push(student);
            }
        }

        let mut mentors: Vec<pb::Mentor> = Vec::new();
        let mut mentor_ix: HashMap<String, usize> = HashMap::new();
        if let Some(t) = self.table(SheetKind::Mentors, true) {
            self.origin.map.insert(
                "mentors".into(),
                Loc {
                    sheet: t.name.clone(),
                    cell: Some((t.header_row, 0)),
                    field: t.name.clone(),
                },
            );
            for &(r, row) in &t.rows {
                let i = mentors.len();
                let p = format!("mentors[{i}]");
                for (path, key) in [
                    (p.clone(), "id"),
                    (format!("{p}.id"), "id"),
                    (format!("{p}.subjects"), "id"),
                    (format!("{p}.coaching"), "id"),
                    (format!("{p}.preferences"), "id"),
                    (format!("{p}.role"), "role"),
                    (format!("{p}.grade"), "grade"),
                    (format!("{p}.capacity"), "capacity"),
                    (format!("{p}.tracks"), "tracks"),
                    (format!("{p}.availability"), "availability"),
                    (format!("{p}.head_of_classes"), "head_of_classes"),
                    (format!("{p}.traits"), "traits"),
                    (format!("{p}.counselling"), "certificate"),
                    (format!("{p}.counselling.topics"), "counselling_topics"),
                ] {
                    self.at(path, &t, r, key);
                }
                let id = self.text(&t, r, row, "id");
                let has_counselling = [
                    "certificate",
                    "trained",
                    "counselling_years",
                    "counselling_topics",
                ]
                .iter()
                .any(|k| self.present(&t, row, k));
                let counselling = pb::Counselling {
                    certificate: self.boolean(&t, r, row, "certificate").unwrap_or(false),
                    trained: self.boolean(&t, r, row, "trained").unwrap_or(false),
                    years: self.whole(&t, r, row, "counselling_years").unwrap_or(0),
                    topics: self.list(&t, r, row, "counselling_topics"),
                };
                let mentor = pb::Mentor {
                    role: self.label(&t, r, row, "role", Labels::Role).unwrap_or(0),
                    grade: self.whole(&t, r, row, "grade"),
                    capacity: self.whole(&t, r, row, "capacity").unwrap_or(0),
                    tracks: self.label_list(&t, r, row, "tracks", Labels::Track),
                    availability: self.list(&t, r, row, "availability"),
                    head_of_classes: self.list(&t, r, row, "head_of_classes"),
                    traits: self.list(&t, r, row, "traits"),
                    counselling: has_counselling.then_some(counselling),
                    id: id.clone(),
                    ..pb::Mentor::default()
                };
                mentor_ix.entry(id).or_insert(i);
                mentors.push(mentor);
            }
        }

        if let Some(t) = self.table(SheetKind::Needs, true) {
            for &(r, row) in &t.rows {
                let Some(s) = self.owner(&t, r, row, "student_id", &student_ix, "student") else {
                    continue;
                };
                let k = students[s].needs.len();
                let p = format!("students[{s}].needs[{k}]");
                for (path, key) in [
                    (p.clone(), "need_id"),
                    (format!("{p}.id"), "need_id"),
                    (format!("{p}.track"), "track"),
                    (format!("{p}.subject"), "subject"),
                    (format!("{p}.priority"), "priority"),
                    (format!("{p}.weak_points"), "weak_points"),
                    (format!("{p}.risk_level"), "risk_level"),
                ] {
                    self.at(path, &t, r, key);
                }
                let need = pb::Need {
                    id: self.text(&t, r, row, "need_id"),
                    track: self.label(&t, r, row, "track", Labels::Track).unwrap_or(0),
                    subject: self.text(&t, r, row, "subject"),
                    priority: self
                        .label(&t, r, row, "priority", Labels::Priority)
                        .unwrap_or(0),
                    weak_points: self.list(&t, r, row, "weak_points"),
                    risk_level: self
                        .label(&t, r, row, "risk_level", Labels::Risk)
                        .unwrap_or(0),
                };
                students[s].needs.push(need);
            }
        }

        for (kind, domain_key, amount_key) in [
            (SheetKind::Teaching, "subject", "years"),
            (SheetKind::Coaching, "domain", "competitions"),
        ] {
            let Some(t) = self.table(kind, false) else {
                continue;
            };
            for &(r, row) in &t.rows {
                let Some(m) = self.owner(&t, r, row, "mentor_id", &mentor_ix, "mentor") else {
                    continue;
                };
                let name = self.text(&t, r, row, domain_key);
                let amount = self.whole(&t, r, row, amount_key).unwrap_or(0);
                let topics = self.list(&t, r, row, "topics");
                let (list, k) = if kind == SheetKind::Teaching {
                    let k = mentors[m].subjects.len();
                    mentors[m].subjects.push(pb::SubjectExperience {
                        subject: name,
                        years: amount,
                        topics,
                    });
                    ("subjects", k)
                } else {
                    let k = mentors[m].coaching.len();
                    mentors[m].coaching.push(pb::CoachingExperience {
                        domain: name,
                        competitions: amount,
                        topics,
                    });
                    ("coaching", k)
                };
                let p = format!("mentors[{m}].{list}[{k}]");
                for (path, key) in [
                    (p.clone(), "mentor_id"),
                    (format!("{p}.{domain_key}"), domain_key),
                    (format!("{p}.{amount_key}"), amount_key),
                    (format!("{p}.topics"), "topics"),
                ] {
                    self.at(path, &t, r, key);
                }
            }
        }

        if let Some(t) = self.table(SheetKind::Preferences, false) {
            // (rank, other id, row) per student and per mentor, ordered by rank afterwards.
            let mut of_student: BTreeMap<usize, Vec<(u32, String, u32)>> = BTreeMap::new();
            let mut of_mentor: BTreeMap<usize, Vec<(u32, String, u32)>> = BTreeMap::new();
            for &(r, row) in &t.rows {
                let student_rank = self.whole(&t, r, row, "student_rank");
                let mentor_rank = self.whole(&t, r, row, "mentor_rank");
                let sid = self.text(&t, r, row, "student_id");
                let mid = self.text(&t, r, row, "mentor_id");
                if student_rank.is_none()
                    && mentor_rank.is_none()
                    && !self.present(&t, row, "student_rank")
                    && !self.present(&t, row, "mentor_rank")
                {
                    self.reading_violation(
                        &t,
                        r,
                        "student_rank",
                        ViolationCode::MissingValue,
                        "a preference row needs the student's rank, the mentor's rank or both"
                            .into(),
                    );
                }
                if let Some(rank) = student_rank {
                    if let Some(s) = self.owner(&t, r, row, "student_id", &student_ix, "student") {
                        of_student
                            .entry(s)
                            .or_default()
                            .push((rank, mid.clone(), r));
                    }
                }
                if let Some(rank) = mentor_rank {
                    if let Some(m) = self.owner(&t, r, row, "mentor_id", &mentor_ix, "mentor") {
                        of_mentor.entry(m).or_default().push((rank, sid.clone(), r));
                    }
                }
            }
            for (s, mut list) in of_student {
                list.sort_by_key(|c| c.0);
                for (k, (rank, mid, r)) in list.into_iter().enumerate() {
                    let p = format!("students[{s}].preferences[{k}]");
                    self.at(p.clone(), &t, r, "student_rank");
                    self.at(format!("{p}.rank"), &t, r, "student_rank");
                    self.at(format!("{p}.mentor_id"), &t, r, "mentor_id");
                    students[s].preferences.push(pb::MentorChoice {
                        mentor_id: mid,
                        rank,
                    });
                }
            }
            for (m, mut list) in of_mentor {
                list.sort_by_key(|c| c.0);
                for (k, (rank, sid, r)) in list.into_iter().enumerate() {
                    let p = format!("mentors[{m}].preferences[{k}]");
                    self.at(p.clone(), &t, r, "mentor_rank");
                    self.at(format!("{p}.rank"), &t, r, "mentor_rank");
                    self.at(format!("{p}.student_id"), &t, r, "student_id");
                    mentors[m].preferences.push(pb::StudentChoice {
                        student_id: sid,
                        rank,
                    });
                }
            }
        }

        let mut request = pb::SolveRequest {
            students,
            mentors,
            ..pb::SolveRequest::default()
        };
        if let Some(t) = self.table(SheetKind::PairRules, false) {
            for &(r, row) in &t.rows {
                let student_id = self.text(&t, r, row, "student_id");
                let mentor_id = self.text(&t, r, row, "mentor_id");
                let rule = self.label(&t, r, row, "rule", Labels::Rule);
                if rule.is_none() && !self.present(&t, row, "rule") {
                    self.reading_violation(
                        &t,
                        r,
                        "rule",
                        ViolationCode::MissingValue,
                        "the rule is required: locked, forbidden or affinity".into(),
                    );
                }
                let (list, i) = match rule {
                    Some(1) => {
                        request.locked_pairs.push(pb::PairRef {
                            student_id,
                            mentor_id,
                        });
                        ("locked_pairs", request.locked_pairs.len() - 1)
                    }
                    Some(2) => {
                        request.forbidden_pairs.push(pb::PairRef {
                            student_id,
                            mentor_id,
                        });
                        ("forbidden_pairs", request.forbidden_pairs.len() - 1)
                    }
                    Some(_) => {
                        let score = self.number(&t, r, row, "score");
                        if score.is_none() && !self.present(&t, row, "score") {
                            self.reading_violation(
                                &t,
                                r,
                                "score",
                                ViolationCode::MissingValue,
                                "an affinity needs a score in [-1, 1]".into(),
                            );
                        }
                        request.affinities.push(pb::Affinity {
                            student_id,
                            mentor_id,
                            score: score.unwrap_or(0.0),
                        });
                        ("affinities", request.affinities.len() - 1)
                    }
                    None => continue,
                };
                let p = format!("{list}[{i}]");
                self.at(p.clone(), &t, r, "rule");
                self.at(format!("{p}.student_id"), &t, r, "student_id");
                self.at(format!("{p}.mentor_id"), &t, r, "mentor_id");
                self.at(format!("{p}.score"), &t, r, "score");
            }
        }

        let mut rematch = None;
        if let Some(t) = self.table(SheetKind::Policy, false) {
            let (policy, r) = self.policy(&t);
            request.policy = policy;
            rematch = r;
        }

        let mut current_pairs = Vec::new();
        if purpose == Purpose::Rematch {
            if let Some(t) = self.table(SheetKind::Pairs, true) {
                for &(r, row) in &t.rows {
                    let i = current_pairs.len();
                    let p = format!("current_pairs[{i}]");
                    for (path, key) in [
                        (p.clone(), "student_id"),
                        (format!("{p}.student_id"), "student_id"),
                        (format!("{p}.mentor_id"), "mentor_id"),
                        (format!("{p}.need_ids"), "need_ids"),
                        (format!("{p}.evaluation"), "evaluation"),
                    ] {
                        self.at(path, &t, r, key);
                    }
                    current_pairs.push(pb::CurrentPair {
                        student_id: self.text(&t, r, row, "student_id"),
                        mentor_id: self.text(&t, r, row, "mentor_id"),
                        need_ids: self.list(&t, r, row, "need_ids"),
                        // Left empty: the pair works (the evaluation is filled in for those
                        // that do not).
                        evaluation: self
                            .label(&t, r, row, "evaluation", Labels::Evaluation)
                            .unwrap_or(1),
                    });
                }
            }
        }
        Imported {
            request,
            current_pairs,
            rematch,
            origin: Origin::default(),
        }
    }

    /// The index of the row's owner (a student or mentor id in `key`), or a problem.
    fn owner(
        &mut self,
        t: &Table,
        r: u32,
        row: &Row,
        key: &str,
        ids: &HashMap<String, usize>,
        what: &str,
    ) -> Option<usize> {
        let id = self.text(t, r, row, key);
        if let Some(&i) = ids.get(&id) {
            return Some(i);
        }
        // With a sheet or column missing every row would miss its owner: said once already.
        if self.structural {
            return None;
        }
        if id.is_empty() {
            if self.present(t, row, key) {
                return None; // a bad cell, already reported
            }
            self.reading_violation(
                t,
                r,
                key,
                ViolationCode::MissingValue,
                format!("the {what} id is required"),
            );
        } else {
            self.reading_violation(
                t,
                r,
                key,
                ViolationCode::UnknownReference,
                format!("unknown {what} {:?}", crate::domain::clip(&id)),
            );
        }
        None
    }

    fn policy(&mut self, t: &Table) -> (Option<pb::Policy>, Option<pb::RematchPolicy>) {
        let mut policy = pb::Policy::default();
        let mut weights = pb::Weights::default();
        let mut rules = pb::Rules::default();
        let mut rematch = pb::RematchPolicy::default();
        let (mut any_policy, mut any_weights, mut any_rules, mut any_rematch) =
            (false, false, false, false);
        let mut seen = HashSet::new();
        for &(r, row) in &t.rows {
            let name = self.text(t, r, row, "setting");
            let Some(setting) = Setting::find(&name) else {
                let field = t.kind.header("setting", self.lang);
                let cell = t.cols.get("setting").map(|&c| (r, c));
                self.problem(
                    &t.name,
                    cell,
                    SheetCode::UnknownSetting,
                    &[("field", field)],
                );
                continue;
            };
            if !seen.insert(setting.key) {
                let field = setting.label(self.lang);
                let cell = t.cols.get("setting").map(|&c| (r, c));
                self.problem(
                    &t.name,
                    cell,
                    SheetCode::DuplicateSetting,
                    &[("field", field)],
                );
                continue;
            }
            self.origin.map.insert(
                setting.path.to_string(),
                Loc {
                    sheet: t.name.clone(),
                    cell: t.cols.get("value").map(|&c| (r, c)),
                    field: setting.label(self.lang),
                },
            );
            if !self.present(t, row, "value") {
                continue; // the default
            }
            let (mut num, mut whole, mut flag, mut label, mut list) =
                (None, None, None, None, Vec::new());
            match setting.kind {
                Kind::Number => num = self.number(t, r, row, "value"),
                Kind::Whole => whole = self.whole(t, r, row, "value"),
                Kind::Bool => flag = self.boolean(t, r, row, "value"),
                Kind::Label(labels) => label = self.label(t, r, row, "value", labels),
                _ => list = self.list(t, r, row, "value"),
            }
            let group = setting.path.split('.').nth(1).unwrap_or("");
            match setting.path.split('.').next() {
                Some("rematch") => any_rematch = true,
                _ if group == "weights" => any_weights = true,
                _ if group == "rules" => any_rules = true,
                _ => any_policy = true,
            }
            match setting.key {
                "student_preference" => weights.student_preference = num,
                "mentor_preference" => weights.mentor_preference = num,
                "specialty" => weights.specialty = num,
                "time_overlap" => weights.time_overlap = num,
                "personality" => weights.personality = num,
                "affinity" => weights.affinity = num,
                "own_class" => weights.own_class = num,
                "academic_min_years" => rules.academic_min_years = whole,
                "psychological_requires_certificate" => {
                    rules.psychological_requires_certificate = flag;
                }
                "talent_min_competitions" => rules.talent_min_competitions = whole,
                "low_risk_requires" => rules.low_risk_requires = label.unwrap_or(0),
                "medium_risk_requires" => rules.medium_risk_requires = label.unwrap_or(0),
                "high_risk_requires" => rules.high_risk_requires = label.unwrap_or(0),
                "crisis_risk_requires" => rules.crisis_risk_requires = label.unwrap_or(0),
                "peer_min_grade_gap" => rules.peer_min_grade_gap = whole,
                "peer_psychological" => rules.peer_psychological = flag,
                "external_counsellor_any_track" => rules.external_counsellor_any_track = flag,
                "min_common_slots" => policy.min_common_slots = whole,
                "max_mentors_per_student" => policy.max_mentors_per_student = whole,
                "time_limit_seconds" => policy.time_limit_seconds = num,
                "relative_gap" => policy.relative_gap = num,
                "hardship_raises_priority" => policy.hardship_raises_priority = flag,
                "risk_raises_priority" => policy.risk_raises_priority = flag,
                "why_not_costs" => policy.why_not_costs = flag,
                "why_not_students" => policy.why_not_students = list,
                "involve_every_mentor" => policy.involve_every_mentor = flag,
                "load_spread" => policy.load_spread = num,
                "keep_mode" => rematch.keep_mode = label.unwrap_or(0),
                "change_penalty" => rematch.change_penalty = num,
                "max_changes" => rematch.max_changes = whole,
                _ => {}
            }
        }
        if any_weights {
            policy.weights = Some(weights);
        }
        if any_rules {
            policy.rules = Some(rules);
        }
        let policy = (any_policy || any_weights || any_rules).then_some(policy);
        (policy, any_rematch.then_some(rematch))
    }
}
