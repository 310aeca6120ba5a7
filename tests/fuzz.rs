//! A fuzzing harness on stable Rust (no nightly here for cargo-fuzz): arbitrary and mutated
//! requests, seeded from the bundled examples, go through decode → validate → solve → render.
//! Nothing may panic, output stays within a size bound, and every validation problem names a
//! field. Inputs that ever failed are kept in `tests/fuzz-corpus/` and replayed first.
//!
//! CI runs a short bounded run; `MENTOR_MATCH_FUZZ_CASES=20000 cargo test --release fuzz` runs
//! a longer one (`MENTOR_MATCH_FUZZ_SEED` picks another stream).
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Duration;

use mentor_match::admit::validate;
use mentor_match::domain::raw::RawRequest;
use mentor_match::domain::validate::ViolationCode;
use mentor_match::engine;
use mentor_match::generate::Rng;
use mentor_match::proto::{self, pb};
use mentor_match::solver::{Budget, SolveOptions};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One input through the whole pipeline; `Err` describes a broken property.
fn check(bytes: &[u8]) -> Result<(), String> {
    let Ok(request) = serde_json::from_slice::<pb::SolveRequest>(bytes) else {
        return Ok(()); // Not a request: the CLI exits 2 with the parser's message.
    };
    let problem = match validate(RawRequest::from(request)) {
        Ok(p) => p,
        Err(invalid) => {
            for v in &invalid.violations {
                if v.path.is_empty() && v.code != ViolationCode::TooManyViolations {
                    return Err(format!("a violation names no field: {v:?}"));
                }
                if v.message.len() > 1_000 {
                    return Err(format!("a message of {} bytes", v.message.len()));
                }
            }
            return Ok(());
        }
    };
    let mut options = SolveOptions::from_policy(&problem);
    options.time_limit = options.time_limit.min(Duration::from_secs(2));
    options.budget = Budget {
        max_candidate_pairs: 200_000,
        ..Budget::default()
    };
    match engine::solve_with(&problem, options) {
        Ok(outcome) => {
            let text = mentor_match::render::text::render(&problem, &outcome);
            let json = serde_json::to_string(&proto::response(&problem, &outcome))
                .map_err(|e| format!("response does not encode: {e}"))?;
            let bound = 4_096 + 2_048 * (problem.needs.len() + problem.students.len());
            if text.len() > bound || json.len() > 4 * bound {
                return Err(format!(
                    "output {} / {} bytes over {bound}",
                    text.len(),
                    json.len()
                ));
            }
            Ok(())
        }
        Err(e) => Err(format!("a valid request failed to solve: {e}")),
    }
}

fn random_value(rng: &mut Rng) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(0.5)),
        2 => serde_json::json!(-1),
        3 => serde_json::json!(0),
        4 => serde_json::json!(1e300),
        5 => serde_json::json!(4_294_967_296u64),
        6 => serde_json::json!(""),
        7 => serde_json::json!("x".repeat(rng.below(300))),
        8 => serde_json::json!("\u{1b}[2J\n\t\u{0}é中"),
        9 => serde_json::json!([]),
        10 => serde_json::json!({}),
        _ => serde_json::json!(*rng.pick(&[
            "MON-1",
            "SUN-12",
            "MON-+1",
            "TRACK_TALENT",
            "PRIORITY_URGENT",
            "T0001",
            "S00001",
            "NaN",
            "math"
        ])),
    }
}

/// Changes one random spot of a JSON document: replace, delete, duplicate or empty.
fn mutate(v: &mut Value, rng: &mut Rng, depth: usize) {
    match v {
        Value::Object(map) if !map.is_empty() && depth < 8 => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = rng.pick(&keys).clone();
            match rng.below(6) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(key, random_value(rng));
                }
                _ => {
                    if let Some(child) = map.get_mut(&key) {
                        mutate(child, rng, depth + 1);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() && depth < 8 => {
            let i = rng.below(items.len());
            match rng.below(6) {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.push(copy);
                }
                2 => items[i] = random_value(rng),
                _ => mutate(&mut items[i], rng, depth + 1),
            }
        }
        other => *other = random_value(rng),
    }
}

fn byte_mutate(bytes: &mut Vec<u8>, rng: &mut Rng) {
    match rng.below(3) {
        0 if !bytes.is_empty() => {
            let cut = rng.below(bytes.len());
            bytes.truncate(cut);
        }
        1 if !bytes.is_empty() => {
            let i = rng.below(bytes.len());
            bytes[i] = rng.next_u64() as u8;
        }
        _ => bytes.splice(0..0, [0xEF, 0xBB, 0xBF]).for_each(drop),
    }
}

fn run_case(bytes: &[u8]) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| check(bytes))) {
        Ok(result) => result,
        Err(_) => Err("panicked".into()),
    }
}

#[test]
fn fuzz_decode_validate_solve_render() {
    // Replay every input that once failed.
    let corpus = root().join("tests/fuzz-corpus");
    if let Ok(entries) = std::fs::read_dir(&corpus) {
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            if let Err(e) = run_case(&bytes) {
                panic!("corpus input {} fails: {e}", entry.path().display());
            }
        }
    }
    let cases: usize = std::env::var("MENTOR_MATCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let seed: u64 = std::env::var("MENTOR_MATCH_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let seeds: Vec<Value> = ["examples/school.json", "examples/midyear.json"]
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(root().join(p)).unwrap()).unwrap())
        .map(|v: Value| v.get("request").cloned().unwrap_or(v))
        .collect();
    let mut rng = Rng::new(seed);
    let mut failures = Vec::new();
    for case in 0..cases {
        let mut doc = rng.pick(&seeds).clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut doc, &mut rng, 0);
        }
        let mut bytes = serde_json::to_vec(&doc).unwrap();
        if rng.chance(0.1) {
            byte_mutate(&mut bytes, &mut rng);
        }
        if let Err(e) = run_case(&bytes) {
            let path = corpus.join(format!("seed{seed}-case{case}.json"));
            let _ = std::fs::create_dir_all(&corpus);
            let _ = std::fs::write(&path, &bytes);
            failures.push(format!("case {case}: {e} (kept as {})", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
