//! The documented lists of validation codes equal the enum's table (`domain::codes`), in both
//! directions: README's "Validation codes:" line and the proto's comment on
//! `Violation.code` (which the OpenAPI document copies).
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::collections::BTreeSet;

use mentor_match::domain::validate::ViolationCode;

fn read(relative: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every code the enum spells.
fn enum_codes() -> BTreeSet<String> {
    ViolationCode::ALL
        .iter()
        .map(|c| c.code().to_string())
        .collect()
}

/// The codes in backticks of README's paragraph that starts "Validation codes:".
fn readme_codes() -> Vec<String> {
    let readme = read("README.md");
    let start = readme
        .find("\nValidation codes:")
        .expect("README has a line starting \"Validation codes:\"");
    let paragraph = readme[start + 1..].split("\n\n").next().unwrap_or_default();
    // `locale` is a field named in a remark, not a code.
    paragraph
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| word.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// The codes after "One of:" in the proto's comment on `Violation.code`.
fn proto_codes() -> Vec<String> {
    let proto = read("proto/mentormatch/v1/mentormatch.proto");
    let start = proto
        .find("// Stable machine code")
        .expect("the proto documents Violation.code");
    let comment: String = proto[start..]
        .lines()
        .take_while(|l| l.trim_start().starts_with("//"))
        .map(|l| l.trim_start().trim_start_matches("//").trim())
        .collect::<Vec<_>>()
        .join(" ");
    let list = comment
        .split("One of:")
        .nth(1)
        .expect("the comment lists the codes after \"One of:\"");
    list.trim()
        .trim_end_matches('.')
        .split(',')
        .map(|c| c.trim().to_string())
        .collect()
}

/// `listed` names each of the enum's codes once, and nothing else.
fn assert_same(what: &str, listed: Vec<String>) {
    let set: BTreeSet<String> = listed.iter().cloned().collect();
    assert_eq!(
        set.len(),
        listed.len(),
        "{what} names a code twice: {listed:?}"
    );
    let codes = enum_codes();
    let missing: Vec<&String> = codes.difference(&set).collect();
    let unknown: Vec<&String> = set.difference(&codes).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "{what}: missing {missing:?}, not in the enum {unknown:?}"
    );
}

#[test]
fn readme_lists_exactly_the_enums_codes() {
    assert_same("README's \"Validation codes:\"", readme_codes());
}

#[test]
fn the_proto_lists_exactly_the_enums_codes() {
    assert_same("the proto's Violation.code comment", proto_codes());
}

#[test]
fn every_path_spells_a_code_the_same() {
    // The service's JSON entry and the CLI's mark both carry `code()`; no lower-case copy.
    let v = mentor_match::domain::validate::Violation {
        path: "mentors[0].capacity".into(),
        code: ViolationCode::CapacityOutOfRange,
        message: "capacity 7 is outside 1..=5".into(),
    };
    assert_eq!(
        mentor_match::proto::violation(&v).code,
        "CAPACITY_OUT_OF_RANGE"
    );
}
