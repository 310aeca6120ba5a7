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
//!
//! Must not import the solver, the engine, the explanations or the service: reading a workbook
//! never solves or renders.

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

/// Preference rows by the index of the student or mentor who ranks: (rank, other id, row).
type RankedChoices = BTreeMap<usize, Vec<(u32, String, u32)>>;

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

/// Where each field of a student comes from: (field below `students[i]`, column key).
const STUDENT_FIELDS: &[(&str, &str)] = &[
    ("", "id"),
    ("id", "id"),
    ("needs", "id"),
    ("preferences", "id"),
    ("grade", "grade"),
    ("class_id", "class"),
    ("gender", "gender"),
    ("family_hardship", "family_hardship"),
    ("availability", "availability"),
    ("traits", "traits"),
];

/// Where each field of a mentor comes from: (field below `mentors[i]`, column key).
const MENTOR_FIELDS: &[(&str, &str)] = &[
    ("", "id"),
    ("id", "id"),
    ("subjects", "id"),
    ("coaching", "id"),
    ("preferences", "id"),
    ("role", "role"),
    ("grade", "grade"),
    ("capacity", "capacity"),
    ("tracks", "tracks"),
    ("availability", "availability"),
    ("head_of_classes", "head_of_classes"),
    ("traits", "traits"),
    ("counselling", "certificate"),
    ("counselling.topics", "counselling_topics"),
];

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
        let mut rows = sheet.rows.iter();
        let (header_row, cols) = match rows.next() {
            Some((&r, header)) => (r, self.columns(kind, &name, r, header)),
            None => (0, HashMap::new()),
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

    /// The columns a header row names, by key; an unknown or repeated header is a problem.
    fn columns(
        &mut self,
        kind: SheetKind,
        name: &str,
        r: u32,
        header: &Row,
    ) -> HashMap<&'static str, u32> {
        let mut cols: HashMap<&'static str, u32> = HashMap::new();
        for (&c, cell) in header {
            let text = match cell {
                Cell::Text(t) => t.clone(),
                other => other.display(),
            };
            let code = match kind.find_column(&text) {
                Some(col) if cols.contains_key(col.key) => SheetCode::DuplicateColumn,
                Some(col) => {
                    cols.insert(col.key, c);
                    continue;
                }
                None => SheetCode::UnknownColumn,
            };
            self.structural = true;
            self.problem(name, Some((r, c)), code, &[("column", text)]);
        }
        cols
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

    /// The request in sheet order: students, mentors, needs, experience, preferences, pair
    /// rules, policy and (for a rematch) the current pairs. Each pass reads one sheet.
    fn build(&mut self, purpose: Purpose) -> Imported {
        let (mut students, student_ix) = self.students();
        let (mut mentors, mentor_ix) = self.mentors();
        self.needs(&mut students, &student_ix);
        self.experience(&mut mentors, &mentor_ix);
        self.preferences(&mut students, &mut mentors, &student_ix, &mentor_ix);
        let mut request = pb::SolveRequest {
            students,
            mentors,
            ..pb::SolveRequest::default()
        };
        self.pair_rules(&mut request);
        let mut rematch = None;
        if let Some(t) = self.table(SheetKind::Policy, false) {
            let (policy, r) = self.policy(&t);
            request.policy = policy;
            rematch = r;
        }
        let current_pairs = if purpose == Purpose::Rematch {
            self.current_pairs()
        } else {
            Vec::new()
        };
        Imported {
            request,
            current_pairs,
            rematch,
            origin: Origin::default(),
        }
    }

    /// Records where the fields of the element at `p` came from: each `(suffix, key)` maps
    /// `p.suffix` (or `p` itself for an empty suffix) to column `key` of row `r`.
    fn at_fields(&mut self, p: &str, t: &Table, r: u32, fields: &[(&str, &str)]) {
        for &(suffix, key) in fields {
            let path = if suffix.is_empty() {
                p.to_string()
            } else {
                format!("{p}.{suffix}")
            };
            self.at(path, t, r, key);
        }
    }

    /// Records that the list `path` (`students`, `mentors`) came from sheet `t`'s header.
    fn at_sheet(&mut self, path: &str, t: &Table) {
        self.origin.map.insert(
            path.into(),
            Loc {
                sheet: t.name.clone(),
                cell: Some((t.header_row, 0)),
                field: t.name.clone(),
            },
        );
    }

    /// The students sheet: the students and the index of each id (its first row).
    fn students(&mut self) -> (Vec<pb::Student>, HashMap<String, usize>) {
        let sheet = (SheetKind::Students, "students", STUDENT_FIELDS);
        self.owners(sheet, Self::student, |s| &s.id)
    }

    /// The mentors sheet: the mentors and the index of each id (its first row).
    fn mentors(&mut self) -> (Vec<pb::Mentor>, HashMap<String, usize>) {
        let sheet = (SheetKind::Mentors, "mentors", MENTOR_FIELDS);
        self.owners(sheet, Self::mentor, |m| &m.id)
    }

    /// A sheet of students or mentors, `sheet` being (its kind, the request's list, the
    /// field-to-column table): each row read by `read`, and the index of each id (`id`) at its
    /// first row.
    fn owners<T>(
        &mut self,
        sheet: (SheetKind, &str, &[(&str, &str)]),
        read: impl Fn(&mut Self, &Table, u32, &Row) -> T,
        id: impl Fn(&T) -> &String,
    ) -> (Vec<T>, HashMap<String, usize>) {
        let (kind, list, fields) = sheet;
        let mut items: Vec<T> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let Some(t) = self.table(kind, true) else {
            return (items, index);
        };
        self.at_sheet(list, &t);
        for &(r, row) in &t.rows {
            let i = items.len();
            self.at_fields(&format!("{list}[{i}]"), &t, r, fields);
            let item = read(self, &t, r, row);
            index.entry(id(&item).clone()).or_insert(i);
            items.push(item);
        }
        (items, index)
    }

    /// One row of the students sheet (its needs and preferences come from other sheets).
    fn student(&mut self, t: &Table, r: u32, row: &Row) -> pb::Student {
        let id = self.text(t, r, row, "id");
        let gender = self.text(t, r, row, "gender");
        pb::Student {
            grade: self.whole(t, r, row, "grade").unwrap_or(0),
            class_id: self.text(t, r, row, "class"),
            gender: (!gender.is_empty()).then_some(gender),
            family_hardship: self.boolean(t, r, row, "family_hardship").unwrap_or(false),
            availability: self.list(t, r, row, "availability"),
            traits: self.list(t, r, row, "traits"),
            id,
            ..pb::Student::default()
        }
    }

    /// One row of the mentors sheet (its preferences and experience come from other sheets).
    fn mentor(&mut self, t: &Table, r: u32, row: &Row) -> pb::Mentor {
        let id = self.text(t, r, row, "id");
        let has_counselling = [
            "certificate",
            "trained",
            "counselling_years",
            "counselling_topics",
        ]
        .iter()
        .any(|k| self.present(t, row, k));
        let counselling = pb::Counselling {
            certificate: self.boolean(t, r, row, "certificate").unwrap_or(false),
            trained: self.boolean(t, r, row, "trained").unwrap_or(false),
            years: self.whole(t, r, row, "counselling_years").unwrap_or(0),
            topics: self.list(t, r, row, "counselling_topics"),
        };
        pb::Mentor {
            role: self.label(t, r, row, "role", Labels::Role).unwrap_or(0),
            grade: self.whole(t, r, row, "grade"),
            capacity: self.whole(t, r, row, "capacity").unwrap_or(0),
            tracks: self.label_list(t, r, row, "tracks", Labels::Track),
            availability: self.list(t, r, row, "availability"),
            head_of_classes: self.list(t, r, row, "head_of_classes"),
            traits: self.list(t, r, row, "traits"),
            counselling: has_counselling.then_some(counselling),
            id,
            ..pb::Mentor::default()
        }
    }

    /// The needs sheet: each need goes to its student.
    fn needs(&mut self, students: &mut [pb::Student], student_ix: &HashMap<String, usize>) {
        let Some(t) = self.table(SheetKind::Needs, true) else {
            return;
        };
        for &(r, row) in &t.rows {
            let Some(s) = self.owner(&t, r, row, "student_id", student_ix, "student") else {
                continue;
            };
            let k = students[s].needs.len();
            let fields = [
                ("", "need_id"),
                ("id", "need_id"),
                ("track", "track"),
                ("subject", "subject"),
                ("priority", "priority"),
                ("weak_points", "weak_points"),
                ("risk_level", "risk_level"),
            ];
            self.at_fields(&format!("students[{s}].needs[{k}]"), &t, r, &fields);
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

    /// The teaching and coaching sheets: each row goes to its mentor's subjects or coaching.
    fn experience(&mut self, mentors: &mut [pb::Mentor], mentor_ix: &HashMap<String, usize>) {
        for (kind, domain_key, amount_key) in [
            (SheetKind::Teaching, "subject", "years"),
            (SheetKind::Coaching, "domain", "competitions"),
        ] {
            let Some(t) = self.table(kind, false) else {
                continue;
            };
            for &(r, row) in &t.rows {
                let Some(m) = self.owner(&t, r, row, "mentor_id", mentor_ix, "mentor") else {
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
                let fields = [
                    ("", "mentor_id"),
                    (domain_key, domain_key),
                    (amount_key, amount_key),
                    ("topics", "topics"),
                ];
                self.at_fields(&format!("mentors[{m}].{list}[{k}]"), &t, r, &fields);
            }
        }
    }

    /// The preferences sheet: each row is a student's choice of a mentor, a mentor's choice of
    /// a student, or both; each side's list is ordered by rank.
    fn preferences(
        &mut self,
        students: &mut [pb::Student],
        mentors: &mut [pb::Mentor],
        student_ix: &HashMap<String, usize>,
        mentor_ix: &HashMap<String, usize>,
    ) {
        let Some(t) = self.table(SheetKind::Preferences, false) else {
            return;
        };
        let (of_student, of_mentor) = self.ranked_choices(&t, student_ix, mentor_ix);
        let students_side = ("students", "student_rank", "mentor_id");
        self.place_choices(&t, of_student, students_side, |s, mentor_id, rank| {
            students[s]
                .preferences
                .push(pb::MentorChoice { mentor_id, rank });
        });
        let mentors_side = ("mentors", "mentor_rank", "student_id");
        self.place_choices(&t, of_mentor, mentors_side, |m, student_id, rank| {
            mentors[m]
                .preferences
                .push(pb::StudentChoice { student_id, rank });
        });
    }

    /// Orders each owner's choices by rank, records where each came from and hands it to
    /// `push(owner, other id, rank)`. `side` is (the owners' list, the rank's column, the
    /// other id's column and field).
    fn place_choices(
        &mut self,
        t: &Table,
        choices: RankedChoices,
        side: (&str, &str, &str),
        mut push: impl FnMut(usize, String, u32),
    ) {
        let (owners, rank_key, other_key) = side;
        for (i, mut list) in choices {
            list.sort_by_key(|c| c.0);
            for (k, (rank, other, r)) in list.into_iter().enumerate() {
                let fields = [("", rank_key), ("rank", rank_key), (other_key, other_key)];
                self.at_fields(&format!("{owners}[{i}].preferences[{k}]"), t, r, &fields);
                push(i, other, rank);
            }
        }
    }

    /// The preference rows as (rank, other id, row) per student and per mentor, in row order.
    fn ranked_choices(
        &mut self,
        t: &Table,
        student_ix: &HashMap<String, usize>,
        mentor_ix: &HashMap<String, usize>,
    ) -> (RankedChoices, RankedChoices) {
        let mut of_student = RankedChoices::new();
        let mut of_mentor = RankedChoices::new();
        for &(r, row) in &t.rows {
            let student_rank = self.whole(t, r, row, "student_rank");
            let mentor_rank = self.whole(t, r, row, "mentor_rank");
            let sid = self.text(t, r, row, "student_id");
            let mid = self.text(t, r, row, "mentor_id");
            if student_rank.is_none()
                && mentor_rank.is_none()
                && !self.present(t, row, "student_rank")
                && !self.present(t, row, "mentor_rank")
            {
                self.reading_violation(
                    t,
                    r,
                    "student_rank",
                    ViolationCode::MissingValue,
                    "a preference row needs the student's rank, the mentor's rank or both".into(),
                );
            }
            if let Some(rank) = student_rank {
                if let Some(s) = self.owner(t, r, row, "student_id", student_ix, "student") {
                    of_student
                        .entry(s)
                        .or_default()
                        .push((rank, mid.clone(), r));
                }
            }
            if let Some(rank) = mentor_rank {
                if let Some(m) = self.owner(t, r, row, "mentor_id", mentor_ix, "mentor") {
                    of_mentor.entry(m).or_default().push((rank, sid.clone(), r));
                }
            }
        }
        (of_student, of_mentor)
    }

    /// The pair rules sheet: locked and forbidden pairs and affinities, each with its score.
    fn pair_rules(&mut self, request: &mut pb::SolveRequest) {
        let Some(t) = self.table(SheetKind::PairRules, false) else {
            return;
        };
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
                    let score = self.affinity_score(&t, r, row);
                    request.affinities.push(pb::Affinity {
                        student_id,
                        mentor_id,
                        score,
                    });
                    ("affinities", request.affinities.len() - 1)
                }
                None => continue,
            };
            let fields = [
                ("", "rule"),
                ("student_id", "student_id"),
                ("mentor_id", "mentor_id"),
                ("score", "score"),
            ];
            self.at_fields(&format!("{list}[{i}]"), &t, r, &fields);
        }
    }

    /// An affinity row's score (0 when missing, which is reported).
    fn affinity_score(&mut self, t: &Table, r: u32, row: &Row) -> f64 {
        let score = self.number(t, r, row, "score");
        if score.is_none() && !self.present(t, row, "score") {
            self.reading_violation(
                t,
                r,
                "score",
                ViolationCode::MissingValue,
                "an affinity needs a score in [-1, 1]".into(),
            );
        }
        score.unwrap_or(0.0)
    }

    /// The plan's pairs sheet (rematch only), each pair with its evaluation.
    fn current_pairs(&mut self) -> Vec<pb::CurrentPair> {
        let mut current_pairs = Vec::new();
        let Some(t) = self.table(SheetKind::Pairs, true) else {
            return current_pairs;
        };
        for &(r, row) in &t.rows {
            let i = current_pairs.len();
            let fields = [
                ("", "student_id"),
                ("student_id", "student_id"),
                ("mentor_id", "mentor_id"),
                ("need_ids", "need_ids"),
                ("evaluation", "evaluation"),
            ];
            self.at_fields(&format!("current_pairs[{i}]"), &t, r, &fields);
            current_pairs.push(pb::CurrentPair {
                student_id: self.text(&t, r, row, "student_id"),
                mentor_id: self.text(&t, r, row, "mentor_id"),
                need_ids: self.list(&t, r, row, "need_ids"),
                // Left empty: the pair works (the evaluation is filled in for those that do
                // not).
                evaluation: self
                    .label(&t, r, row, "evaluation", Labels::Evaluation)
                    .unwrap_or(1),
            });
        }
        current_pairs
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

    /// The policy sheet: one setting per row, each at most once; an empty value keeps the
    /// default. Returns the policy and the rematch settings, each only when a value was given.
    fn policy(&mut self, t: &Table) -> (Option<pb::Policy>, Option<pb::RematchPolicy>) {
        let mut parts = PolicyParts::default();
        let mut seen = HashSet::new();
        for &(r, row) in &t.rows {
            if let Some((setting, value)) = self.setting(t, r, row, &mut seen) {
                parts.set(setting, value);
            }
        }
        parts.finish()
    }

    /// One row of the policy sheet: its setting and value, or `None` for an unknown or
    /// repeated setting (reported) or an empty value.
    fn setting(
        &mut self,
        t: &Table,
        r: u32,
        row: &Row,
        seen: &mut HashSet<&'static str>,
    ) -> Option<(&'static Setting, SettingValue)> {
        let name = self.text(t, r, row, "setting");
        let cell = t.cols.get("setting").map(|&c| (r, c));
        let found = Setting::find(&name);
        let bad = match found {
            None => Some((
                SheetCode::UnknownSetting,
                t.kind.header("setting", self.lang),
            )),
            Some(s) if !seen.insert(s.key) => {
                Some((SheetCode::DuplicateSetting, s.label(self.lang)))
            }
            Some(_) => None,
        };
        if let Some((code, field)) = bad {
            self.problem(&t.name, cell, code, &[("field", field)]);
            return None;
        }
        let setting = found?;
        self.origin.map.insert(
            setting.path.to_string(),
            Loc {
                sheet: t.name.clone(),
                cell: t.cols.get("value").map(|&c| (r, c)),
                field: setting.label(self.lang),
            },
        );
        if !self.present(t, row, "value") {
            return None; // the default
        }
        let mut value = SettingValue::default();
        match setting.kind {
            Kind::Number => value.num = self.number(t, r, row, "value"),
            Kind::Whole => value.whole = self.whole(t, r, row, "value"),
            Kind::Bool => value.flag = self.boolean(t, r, row, "value"),
            Kind::Label(labels) => value.label = self.label(t, r, row, "value", labels),
            _ => value.list = self.list(t, r, row, "value"),
        }
        Some((setting, value))
    }
}

/// A policy setting's value as read, in the one field its kind uses.
#[derive(Default)]
struct SettingValue {
    num: Option<f64>,
    whole: Option<u32>,
    flag: Option<bool>,
    label: Option<i32>,
    list: Vec<String>,
}

/// The policy sheet's settings gathered into their messages, with whether each message got
/// a value (a message without one stays absent, so the defaults apply).
#[derive(Default)]
struct PolicyParts {
    policy: pb::Policy,
    weights: pb::Weights,
    rules: pb::Rules,
    rematch: pb::RematchPolicy,
    any_policy: bool,
    any_weights: bool,
    any_rules: bool,
    any_rematch: bool,
}

impl PolicyParts {
    /// Puts `v` into the field `setting` names. A table, one arm per setting, so it is as
    /// long as the list of settings.
    fn set(&mut self, setting: &Setting, v: SettingValue) {
        let group = setting.path.split('.').nth(1).unwrap_or("");
        match setting.path.split('.').next() {
            Some("rematch") => self.any_rematch = true,
            _ if group == "weights" => self.any_weights = true,
            _ if group == "rules" => self.any_rules = true,
            _ => self.any_policy = true,
        }
        let (policy, weights, rules) = (&mut self.policy, &mut self.weights, &mut self.rules);
        let rematch = &mut self.rematch;
        let SettingValue {
            num,
            whole,
            flag,
            label,
            list,
        } = v;
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

    /// The policy (with weights and rules only when given) and the rematch settings.
    fn finish(self) -> (Option<pb::Policy>, Option<pb::RematchPolicy>) {
        let mut policy = self.policy;
        if self.any_weights {
            policy.weights = Some(self.weights);
        }
        if self.any_rules {
            policy.rules = Some(self.rules);
        }
        let policy = (self.any_policy || self.any_weights || self.any_rules).then_some(policy);
        (policy, self.any_rematch.then_some(self.rematch))
    }
}
