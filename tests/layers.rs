//! The crate's layers stay one-way (ARCHITECTURE.md, "Layers"): no two top modules import
//! each other through any chain, and the inner layers import only what their headers allow.
//! Reads the source files as text, so a new upward arrow fails here, in review, not later.
//!
//! Uses the standard library only; must not import another test module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, as (path relative to `src/`, text).
fn source_files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                let rel = path.strip_prefix(&root).expect("under src").to_path_buf();
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

/// Top module → the top modules it names as `crate::…`, outside comments and test code.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in source_files() {
        let first = rel.components().next().expect("a component");
        let top = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let names = edges.entry(top.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for piece in line.split("crate::").skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    names.insert(name);
                }
            }
        }
    }
    edges
}

#[test]
fn no_two_modules_import_each_other_through_any_chain() {
    let edges = imports();
    assert!(edges.len() > 20, "read {} modules", edges.len());
    // Depth-first search for a cycle; reports the first one found.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in edges.keys() {
        let cycle = visit(m, &edges, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import cycle: {}",
            cycle.unwrap().join(" -> ")
        );
    }
}

#[test]
fn inner_layers_import_only_what_they_sit_on() {
    let edges = imports();
    let allowed: &[(&str, &[&str])] = &[
        ("domain", &[]),
        ("i18n", &[]),
        ("parallel", &[]),
        ("score", &["domain"]),
        ("rules", &["domain", "score", "parallel"]),
        ("words", &["domain", "rules", "i18n"]),
        ("admit", &["domain", "rules", "words", "i18n"]),
        ("solver", &["domain", "rules", "score", "parallel"]),
        ("outcome", &["domain", "rules", "score", "solver"]),
        (
            "explain",
            &[
                "domain", "rules", "score", "solver", "outcome", "words", "i18n", "parallel",
            ],
        ),
        (
            "why_not",
            &["domain", "rules", "score", "solver", "outcome", "parallel"],
        ),
        (
            "stability",
            &["domain", "rules", "score", "solver", "outcome"],
        ),
        (
            "shortage",
            &["domain", "rules", "score", "solver", "outcome", "parallel"],
        ),
    ];
    for (module, may) in allowed {
        let names = edges.get(*module).cloned().unwrap_or_default();
        let extra: Vec<&String> = names
            .iter()
            .filter(|n| !may.contains(&n.as_str()))
            .collect();
        assert!(
            extra.is_empty(),
            "{module} imports {extra:?}, outside its layer"
        );
    }
}

/// HiGHS is touched in one file, `solver/highs.rs` (ARCHITECTURE.md, "Layers"): every other
/// source file reaches it only through that module (`solver::highs` / `super::highs`), and
/// names no type of the `highs` or `highs-sys` crates, and not good_lp's HiGHS backend. Test
/// code included: a backend change then replaces one file.
#[test]
fn highs_is_touched_in_one_file() {
    let backend = Path::new("solver").join("highs.rs");
    let files = source_files();
    assert!(files.len() > 50, "read {} files", files.len());
    let mut offences: Vec<String> = Vec::new();
    for (rel, text) in files.iter().filter(|(rel, _)| *rel != backend) {
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let through_module = code.match_indices("highs::").all(|(at, _)| {
                let before = &code[..at];
                before.ends_with("solver::") || before.ends_with("super::")
            });
            let crate_type = code.char_indices().any(|(at, _)| {
                code[at..].starts_with("Highs")
                    && code[at + 5..].starts_with(|c: char| c.is_ascii_uppercase())
            });
            if !through_module
                || crate_type
                || code.contains("highs_sys")
                || code.contains("solvers::highs")
            {
                offences.push(format!("{}:{}: {}", rel.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "HiGHS outside solver/highs.rs:\n{}",
        offences.join("\n")
    );
}
