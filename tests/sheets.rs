//! Spreadsheets in and out: a request survives JSON → workbook (XLSX, CSV folder, zip; both
//! languages; UTF-8 with a byte-order mark and GB18030) → import unchanged; every problem of a
//! bad workbook is reported at once by cell and code, with nothing written; bad files (missing
//! sheet, renamed header, formula, date, number as text, merged cells, empty rows, a huge
//! file) never panic; exports are byte-identical; the mid-year round trip runs end to end
//! through the binary.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use mentor_match::domain::raw::RawRequest;
use mentor_match::i18n::Lang;
use mentor_match::proto::pb;
use mentor_match::sheet::book::{Book, Out};
use mentor_match::sheet::columns::SheetKind;
use mentor_match::sheet::request_sheets::request_sheets;
use mentor_match::sheet::{self, Purpose};

use crate::common::{bin, example_path, run};

fn school() -> pb::SolveRequest {
    let text = std::fs::read_to_string(example_path()).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn book(request: &pb::SolveRequest, lang: Lang) -> Book {
    Book {
        sheets: request_sheets(request, lang),
    }
}

fn save(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn import(path: &Path, lang: Lang) -> Result<pb::SolveRequest, Vec<String>> {
    sheet::load(path, lang, Purpose::Request)
        .map(|i| i.request)
        .map_err(|(rejected, _)| rejected.problems.iter().map(ToString::to_string).collect())
}

/// The same request, compared as the engine reads it.
fn assert_same(got: &pb::SolveRequest, want: &pb::SolveRequest) {
    assert_eq!(
        RawRequest::from(got.clone()),
        RawRequest::from(want.clone())
    );
    assert_eq!(got, want);
}

fn column(kind: SheetKind, key: &str) -> usize {
    kind.columns().iter().position(|c| c.key == key).unwrap()
}

fn sheet_index(book: &Book, kind: SheetKind, lang: Lang) -> usize {
    let name = kind.name(lang);
    book.sheets.iter().position(|s| s.name == name).unwrap()
}

#[test]
fn the_school_survives_a_workbook_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let want = school();
    for lang in Lang::ALL {
        let bytes = book(&want, lang).to_xlsx().unwrap();
        let path = save(dir.path(), &format!("school-{lang}.xlsx"), &bytes);
        // Headers are read in either language: import under the other one too.
        for read_lang in Lang::ALL {
            let got = import(&path, read_lang).unwrap();
            assert_same(&got, &want);
        }
    }
}

#[test]
fn the_bundled_workbook_is_the_bundled_school() {
    let path = example_path().with_file_name("school.xlsx");
    let got = import(&path, Lang::En).unwrap();
    assert_same(&got, &school());
}

#[test]
fn csv_folders_and_zips_round_trip_in_utf8_bom_and_gb18030() {
    let dir = tempfile::tempdir().unwrap();
    let want = school();
    for lang in Lang::ALL {
        let files = book(&want, lang).to_csv();
        assert!(files
            .iter()
            .all(|(_, b)| b.starts_with(&[0xEF, 0xBB, 0xBF])));
        // A folder of UTF-8 files with a byte-order mark.
        let folder = dir.path().join(format!("bom-{lang}"));
        std::fs::create_dir(&folder).unwrap();
        for (name, bytes) in &files {
            save(&folder, name, bytes);
        }
        assert_same(&import(&folder, lang).unwrap(), &want);
        // The same files as GB18030 (Excel on Chinese Windows), in a zip.
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in &files {
            let text = std::str::from_utf8(&bytes[3..]).unwrap();
            let (gbk, _, bad) = encoding_rs::GB18030.encode(text);
            assert!(!bad);
            if lang == Lang::ZhCn {
                assert!(
                    std::str::from_utf8(&gbk).is_err(),
                    "{name} should not be UTF-8"
                );
            }
            zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(&gbk).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        let path = save(dir.path(), &format!("gbk-{lang}.zip"), &bytes);
        assert_same(&import(&path, lang).unwrap(), &want);
    }
}

#[test]
fn every_problem_is_reported_by_cell_and_code_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = book(&school(), Lang::En);
    let mentors = sheet_index(&b, SheetKind::Mentors, Lang::En);
    let needs = sheet_index(&b, SheetKind::Needs, Lang::En);
    let students = sheet_index(&b, SheetKind::Students, Lang::En);
    let prefs = sheet_index(&b, SheetKind::Preferences, Lang::En);
    // mentors!D3: second mentor's capacity 7.
    b.sheets[mentors].rows[1][column(SheetKind::Mentors, "capacity")] = Out::Number(7.0);
    // needs!C5: a misspelt track.
    b.sheets[needs].rows[3][column(SheetKind::Needs, "track")] = Out::text("acadmic");
    // students!B4: a grade that is not a number.
    b.sheets[students].rows[2][column(SheetKind::Students, "grade")] = Out::text("seven");
    // students!F2: a malformed slot (the validator's problem, mapped to the cell).
    b.sheets[students].rows[0][column(SheetKind::Students, "availability")] =
        Out::text("MON-8, FUNDAY-3");
    // preferences!B2: a mentor nobody declared.
    b.sheets[prefs].rows[0][column(SheetKind::Preferences, "mentor_id")] = Out::text("T9999");
    let path = save(dir.path(), "bad.xlsx", &b.to_xlsx().unwrap());
    let out_json = dir.path().join("request.json");
    let marked = dir.path().join("marked.xlsx");
    let (out, _, stderr) = run(bin()
        .arg("import")
        .arg(&path)
        .arg("--output")
        .arg(&out_json)
        .arg("--errors-out")
        .arg(&marked));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!out_json.exists(), "nothing is half-imported");
    for line in [
        "mentors!D3: capacity 7 is outside 1..=5 [CAPACITY_OUT_OF_RANGE]",
        "needs!C5: track: not one of academic / psychological / talent [UNKNOWN_LABEL]",
        "students!B4: grade: not a number [NOT_A_NUMBER]",
        "students!F2: ",
        "[MALFORMED_SLOT]",
        "preferences!B2: unknown mentor \"T9999\" [UNKNOWN_REFERENCE]",
    ] {
        assert!(stderr.contains(line), "missing {line:?} in:\n{stderr}");
    }
    // The errors copy: the bad cells carry notes with the messages.
    let copy = std::fs::read(&marked).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(copy)).unwrap();
    let mut comments = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.contains("comments")) {
            std::io::Read::read_to_string(&mut f, &mut comments).unwrap();
        }
    }
    assert!(comments.contains("CAPACITY_OUT_OF_RANGE"), "{comments}");
    assert!(comments.contains("UNKNOWN_LABEL"), "{comments}");
    assert!(comments.contains("NOT_A_NUMBER"), "{comments}");
    // The same in Chinese: cells and codes stay, the messages are Chinese.
    let (out, _, stderr) = run(bin().args(["--lang", "zh-CN", "import"]).arg(&path));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("mentors!D3: 可带学生数：可带学生数须为 1 到 5 [CAPACITY_OUT_OF_RANGE]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[UNKNOWN_LABEL]") && stderr.contains("学业帮扶组"),
        "{stderr}"
    );
}

/// Writes `book` with some cells replaced by a formula, a date or a merge.
enum Special {
    Formula,
    Date,
    Merge,
}

fn xlsx_with(book: &Book, special: &HashMap<(usize, u32, u16), Special>) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (s, sheet) in book.sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        for (c, h) in sheet.header.iter().enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match special.get(&(s, r, c)) {
                    Some(Special::Formula) => {
                        ws.write_formula(r, c, Formula::new("=2+3")).unwrap();
                    }
                    Some(Special::Date) => {
                        let d = ExcelDateTime::from_ymd(2025, 3, 10).unwrap();
                        ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                    }
                    Some(Special::Merge) => {
                        ws.merge_range(r, c, r, c + 1, "x", &Format::new()).unwrap();
                    }
                    None => match cell {
                        Out::Text(t) => {
                            ws.write_string(r, c, t).unwrap();
                        }
                        Out::Number(n) => {
                            ws.write_number(r, c, *n).unwrap();
                        }
                        Out::Empty => {}
                    },
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn formulas_dates_and_merged_cells_are_refused_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    let b = book(&school(), Lang::En);
    let mentors = sheet_index(&b, SheetKind::Mentors, Lang::En);
    let students = sheet_index(&b, SheetKind::Students, Lang::En);
    let needs = sheet_index(&b, SheetKind::Needs, Lang::En);
    let cap = column(SheetKind::Mentors, "capacity") as u16;
    let slots = column(SheetKind::Students, "availability") as u16;
    let weak = column(SheetKind::Needs, "subject") as u16;
    let special = HashMap::from([
        ((mentors, 2, cap), Special::Formula),
        ((students, 5, slots), Special::Date),
        ((needs, 4, weak), Special::Merge),
    ]);
    let path = save(dir.path(), "special.xlsx", &xlsx_with(&b, &special));
    let problems = import(&path, Lang::En).unwrap_err();
    let text = problems.join("\n");
    assert!(
        text.contains("mentors!D3: capacity: the cell holds a formula"),
        "{text}"
    );
    assert!(text.contains("[FORMULA_CELL]"));
    assert!(
        text.contains("students!F6: free slots: the cell holds a date"),
        "{text}"
    );
    assert!(text.contains("[DATE_IN_CELL]"));
    assert!(
        text.contains("needs!D5: ") && text.contains("[MERGED_CELLS]"),
        "{text}"
    );
    // The formula's cell is not reported a second time by the validator (capacity 0).
    assert!(!text.contains("mentors!D3: capacity 0"), "{text}");
}

#[test]
fn missing_sheets_and_renamed_headers_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = book(&school(), Lang::ZhCn);
    let mentors = sheet_index(&b, SheetKind::Mentors, Lang::ZhCn);
    b.sheets.remove(mentors);
    let students = sheet_index(&b, SheetKind::Students, Lang::ZhCn);
    b.sheets[students].header[0] = "学生学号".into(); // renamed: not a known header
    let path = save(dir.path(), "renamed.xlsx", &b.to_xlsx().unwrap());
    let problems = import(&path, Lang::ZhCn).unwrap_err();
    let text = problems.join("\n");
    assert!(
        text.contains("导师: 缺少工作表 导师 [MISSING_SHEET]"),
        "{text}"
    );
    assert!(
        text.contains("学生!A1: ") && text.contains("[UNKNOWN_COLUMN]"),
        "{text}"
    );
    assert!(text.contains("[MISSING_COLUMN]"), "{text}");
    // Structural problems are not repeated for every row by the validator.
    assert!(problems.len() < 6, "{text}");
}

#[test]
fn numbers_as_text_and_empty_rows_are_accepted_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let want = school();
    let mut b = book(&want, Lang::En);
    let mentors = sheet_index(&b, SheetKind::Mentors, Lang::En);
    let cap = column(SheetKind::Mentors, "capacity");
    for row in &mut b.sheets[mentors].rows {
        if let Out::Number(n) = row[cap] {
            row[cap] = Out::text(format!(" {n} "));
        }
    }
    let students = sheet_index(&b, SheetKind::Students, Lang::En);
    let width = b.sheets[students].header.len();
    for at in [40, 20, 3] {
        b.sheets[students].rows.insert(at, vec![Out::Empty; width]);
    }
    let path = save(dir.path(), "loose.xlsx", &b.to_xlsx().unwrap());
    assert_same(&import(&path, Lang::En).unwrap(), &want);
    // A capacity that is text but no number is a problem of its own.
    b.sheets[mentors].rows[0][cap] = Out::text("five");
    let path = save(dir.path(), "five.xlsx", &b.to_xlsx().unwrap());
    let text = import(&path, Lang::En).unwrap_err().join("\n");
    assert!(
        text.contains("mentors!D2: capacity: not a number [NOT_A_NUMBER]"),
        "{text}"
    );
}

#[test]
fn huge_and_garbage_files_are_refused_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.xlsx");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(sheet::read::MAX_FILE_BYTES + 1).unwrap();
    let out_json = dir.path().join("out.json");
    let (out, _, stderr) = run(bin()
        .arg("import")
        .arg(&huge)
        .arg("--output")
        .arg(&out_json));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("[FILE_TOO_LARGE]"), "{stderr}");
    assert!(!out_json.exists());
    // Mangled workbooks: every one is an answer (a request or problems), never a panic.
    let good = book(&school(), Lang::En).to_xlsx().unwrap();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for i in 0..40 {
        let mut bytes = good.clone();
        for _ in 0..(1 + i % 8) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed as usize) % bytes.len();
            bytes[at] = (seed >> 32) as u8;
        }
        if i % 5 == 0 {
            bytes.truncate(bytes.len() / 2);
        }
        let path = save(dir.path(), "mangled.xlsx", &bytes);
        let _ = import(&path, Lang::En);
    }
    let path = save(dir.path(), "garbage.xlsx", b"PK\x03\x04 not really a zip");
    let text = import(&path, Lang::En).unwrap_err().join("\n");
    assert!(text.contains("[UNREADABLE_FILE]"), "{text}");
}

#[test]
fn exports_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for round in 0..2 {
        let plan = dir.path().join(format!("plan{round}.xlsx"));
        let (out, _, stderr) = run(bin()
            .args(["--lang", "zh-CN", "solve"])
            .arg(example_path())
            .args(["--format", "xlsx", "--output"])
            .arg(&plan));
        assert!(out.status.success(), "{stderr}");
        let template = dir.path().join(format!("t{round}.xlsx"));
        let (out, _, _) = run(bin().args(["template", "--output"]).arg(&template));
        assert!(out.status.success());
        files.push((
            std::fs::read(plan).unwrap(),
            std::fs::read(template).unwrap(),
        ));
    }
    assert_eq!(files[0].0, files[1].0, "plan.xlsx differs between runs");
    assert_eq!(files[0].1, files[1].1, "template differs between runs");
}

#[test]
fn the_template_imports_as_its_example_and_has_dropdowns_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    for lang in ["en", "zh-CN"] {
        let path = dir.path().join(format!("template-{lang}.xlsx"));
        let (out, _, _) = run(bin()
            .args(["--lang", lang, "template", "--output"])
            .arg(&path));
        assert!(out.status.success());
        let (out, stdout, stderr) = run(bin().arg("import").arg(&path));
        assert!(out.status.success(), "{stderr}");
        let request: pb::SolveRequest = serde_json::from_str(&stdout).unwrap();
        assert_eq!(request.students.len(), 1);
        assert_eq!(request.mentors.len(), 1);
        let bytes = std::fs::read(&path).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            if f.name().is_ok_and(|n| n.starts_with("xl/worksheets/sheet")) {
                std::io::Read::read_to_string(&mut f, &mut xml).unwrap();
            }
        }
        assert!(xml.contains("<dataValidation"), "no dropdowns");
        let track = if lang == "en" {
            "academic"
        } else {
            "学业帮扶组"
        };
        assert!(xml.contains(track), "the track dropdown is not in {lang}");
    }
}

#[test]
fn the_mid_year_round_trip_runs_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    // March: the plan as CSV files (the coordinator's edits are easiest to script there) and
    // as a workbook.
    let folder = dir.path().join("plan");
    let (out, _, stderr) = run(bin()
        .arg("solve")
        .arg(example_path())
        .args(["--format", "csv", "--output"])
        .arg(&folder));
    assert!(out.status.success(), "{stderr}");
    // Mid-year: the first pair does not work.
    let pairs_path = folder.join("pairs.csv");
    let text = std::fs::read_to_string(&pairs_path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let first: Vec<&str> = lines[1].split(',').collect();
    let (student, mentor) = (first[0].to_string(), first[2].to_string());
    lines[1].push_str("not working");
    std::fs::write(&pairs_path, lines.join("\n")).unwrap();
    let rematch = dir.path().join("rematch.xlsx");
    let (out, _, stderr) = run(bin()
        .arg("rematch")
        .arg(&folder)
        .args(["--format", "xlsx", "--output"])
        .arg(&rematch));
    assert!(out.status.success(), "{stderr}");
    let grid = sheet::read::read_grid(&rematch, Lang::En).unwrap().0;
    let changes = grid.sheets.iter().find(|s| s.name == "changes").unwrap();
    let moved = changes.rows.values().any(|row| {
        let cell = |c: u32| row.get(&c).map(|x| x.display()).unwrap_or_default();
        cell(1) == "NOT_WORKING" && cell(2) == student && cell(3) == mentor
    });
    assert!(
        moved,
        "the not-working pair {student}-{mentor} is not among the changes"
    );
    // The rematch workbook is the next round's input: it imports and rematches again.
    let (out, _, stderr) = run(bin().arg("import").arg(&rematch));
    assert!(out.status.success(), "{stderr}");
    let (out, stdout, stderr) = run(bin()
        .arg("rematch")
        .arg(&rematch)
        .args(["--format", "json"]));
    assert!(out.status.success(), "{stderr}");
    let response: pb::RematchResponse = serde_json::from_str(&stdout).unwrap();
    assert!(response.kept > 0);
    // A bad evaluation is named by cell, and nothing is written.
    let bad = dir.path().join("bad.xlsx");
    let mut text = std::fs::read_to_string(&pairs_path).unwrap();
    text = text.replace("not working", "so-so");
    std::fs::write(&pairs_path, text).unwrap();
    let (out, _, stderr) = run(bin()
        .arg("rematch")
        .arg(&folder)
        .args(["--format", "xlsx", "--output"])
        .arg(&bad));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains(
            "pairs!L2: evaluation: not one of working / not working / ended [UNKNOWN_LABEL]"
        ),
        "{stderr}"
    );
    assert!(!bad.exists());
}

#[test]
fn json_validation_problems_follow_the_language_and_english_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut request = school();
    request.mentors[1].capacity = 7;
    let path = dir.path().join("bad.json");
    std::fs::write(&path, serde_json::to_string(&request).unwrap()).unwrap();
    let (out, _, en) = run(bin().arg("validate").arg(&path));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        en.contains("  mentors[1].capacity: capacity 7 is outside 1..=5 [CAPACITY_OUT_OF_RANGE]"),
        "{en}"
    );
    let (out, _, zh) = run(bin().args(["--lang", "zh-CN", "validate"]).arg(&path));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        zh.contains(
            "  mentors[1].capacity: 可带学生数：可带学生数须为 1 到 5 [CAPACITY_OUT_OF_RANGE]"
        ),
        "{zh}"
    );
}
