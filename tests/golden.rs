//! Golden files: what the binary prints for the bundled examples, byte for byte, kept in
//! `tests/golden/` so a change of wording, order or figures shows up in review as a diff of
//! those files. The outputs are deterministic (no clock or elapsed time in them), so nothing
//! is normalised.
//!
//! After a deliberate change, rewrite the files with `MENTOR_MATCH_BLESS=1 cargo test --test
//! tests golden` and review the diff before committing it.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::path::{Path, PathBuf};

use mentor_match::admit::validate;
use mentor_match::proto::{self, pb};

use crate::common::{bin, example_path, run};

/// Where the golden files live.
fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The bundled mid-year rematch request.
fn midyear_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/midyear.json")
}

/// The invalid request the `validate` goldens list the problems of.
fn invalid_path() -> PathBuf {
    golden_dir().join("invalid_request.json")
}

/// The first line where `expected` and `actual` differ: its number and both versions.
fn first_difference(expected: &str, actual: &str) -> String {
    let (mut e, mut a) = (expected.lines(), actual.lines());
    let mut line = 1;
    loop {
        match (e.next(), a.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (None, None) => return "the lines agree; the line endings differ".into(),
            (x, y) => {
                return format!(
                    "line {line}:\n  golden: {}\n  actual: {}",
                    x.unwrap_or("<end of file>"),
                    y.unwrap_or("<end of output>")
                )
            }
        }
    }
}

/// Compares `actual` with the golden file `name`, or rewrites the file when
/// `MENTOR_MATCH_BLESS=1`.
fn check(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var("MENTOR_MATCH_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("golden file writable");
        return;
    }
    let bless = "if the change is deliberate, rewrite the golden files with \
                 `MENTOR_MATCH_BLESS=1 cargo test --test tests golden` and review their diff";
    let expected = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => panic!("cannot read golden file {}: {e}; {bless}", path.display()),
    };
    if expected != actual {
        panic!(
            "output differs from golden file {}, first at {}\n{bless}",
            path.display(),
            first_difference(&expected, actual)
        );
    }
}

/// Stdout of a successful run of the binary with these arguments.
fn stdout_of(args: &[&str], file: &Path) -> String {
    let (out, stdout, stderr) = run(bin().args(args).arg(file));
    assert!(out.status.success(), "{args:?}: {stderr}");
    stdout
}

#[test]
fn solve_text_report_of_the_bundled_school() {
    check(
        "school.solve.en.txt",
        &stdout_of(&["solve"], &example_path()),
    );
}

#[test]
fn solve_text_report_of_the_bundled_school_in_chinese() {
    check(
        "school.solve.zh-CN.txt",
        &stdout_of(&["--lang", "zh-CN", "solve"], &example_path()),
    );
}

#[test]
fn solve_json_response_of_the_bundled_school() {
    check(
        "school.solve.json",
        &stdout_of(&["solve", "--format", "json"], &example_path()),
    );
}

#[test]
fn rematch_diff_of_the_bundled_midyear_example() {
    check(
        "midyear.rematch.en.txt",
        &stdout_of(&["rematch"], &midyear_path()),
    );
}

#[test]
fn rematch_json_response_of_the_bundled_midyear_example() {
    check(
        "midyear.rematch.json",
        &stdout_of(&["rematch", "--format", "json"], &midyear_path()),
    );
}

#[test]
fn validate_lists_the_problems_of_an_invalid_request() {
    for (lang, name) in [
        ("en", "invalid.validate.en.txt"),
        ("zh-CN", "invalid.validate.zh-CN.txt"),
    ] {
        let (out, stdout, stderr) =
            run(bin().args(["--lang", lang, "validate"]).arg(invalid_path()));
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        check(name, &stderr);
    }
}

#[test]
fn violations_of_an_invalid_request_as_the_service_sends_them() {
    let text = std::fs::read_to_string(invalid_path()).expect("invalid request readable");
    let request: pb::SolveRequest = serde_json::from_str(&text).expect("parses as a request");
    let Err(invalid) = validate(request.into()) else {
        panic!("the golden invalid request validated");
    };
    let violations: Vec<pb::Violation> = invalid.violations.iter().map(proto::violation).collect();
    let mut json = serde_json::to_string_pretty(&violations).expect("violations serialise");
    json.push('\n');
    check("invalid.violations.json", &json);
}
