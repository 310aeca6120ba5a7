//! Every word in the reader's language: the bundled school rendered in Chinese holds no English
//! sentence word, renders the same bytes on every run, lines up CJK ids by display width, and
//! the service renders its texts in the request's `locale` (an unknown one is refused, naming
//! the field).
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use std::collections::BTreeSet;

use mentor_match::cli::{read_request, solve_to_string, solve_to_string_in, Format};
use mentor_match::i18n::{keys, tr, Lang};
use mentor_match::proto::pb;
use mentor_match::server::Settings;
use tonic::Code;
use tonic_types::StatusExt;

use crate::common::{bin, example_path, run, TestServer};

fn example() -> pb::SolveRequest {
    read_request(&example_path()).expect("example")
}

fn midyear() -> pb::RematchRequest {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/midyear.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Words of three or more ASCII letters, lowercased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The English catalogue's words that must not appear in a Chinese text: every word of the
/// explanation and report sentences, except those the school's own data also uses (subject
/// names such as "art", weak points) and the few names kept as they are.
pub fn english_words(data: &str) -> BTreeSet<String> {
    let data: BTreeSet<String> = words(data).into_iter().collect();
    // The product's name, the CLI flag quoted in the text and a request field's name.
    let kept = ["mentor", "match", "format", "json", "maxchanges"];
    keys(Lang::En)
        .filter(|k| k.starts_with("explain.") || k.starts_with("report."))
        .flat_map(|k| words(tr(Lang::En, k)))
        .filter(|w| !data.contains(w) && !kept.contains(&w.as_str()))
        .collect()
}

pub fn assert_no_english(text: &str, data: &str) {
    let forbidden = english_words(data);
    assert!(forbidden.len() > 100, "{}", forbidden.len());
    for (i, line) in text.lines().enumerate() {
        let found: Vec<String> = words(line)
            .into_iter()
            .filter(|w| forbidden.contains(w))
            .collect();
        assert!(found.is_empty(), "line {}: {found:?} in {line:?}", i + 1);
    }
}

#[test]
fn the_bundled_school_in_chinese_has_no_english_sentence_words() {
    let data = std::fs::read_to_string(example_path()).unwrap();
    let zh = solve_to_string_in(example(), Format::Table, Lang::ZhCn).expect("solves");
    // The school's own words are there.
    for word in [
        "结对名单",
        "未结对的需求",
        "学业帮扶组",
        "心理支持组",
        "特长发展组",
        "汇总",
    ] {
        assert!(zh.contains(word), "{word} missing");
    }
    assert_no_english(&zh, &data);
    // The detector does detect: the English report fails it.
    let en = solve_to_string(example(), Format::Table).expect("solves");
    let forbidden = english_words(&data);
    assert!(en
        .lines()
        .any(|l| words(l).iter().any(|w| forbidden.contains(w))));
}

#[test]
fn the_rematch_and_what_if_in_chinese_have_no_english_sentence_words() {
    let data = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/midyear.json"),
    )
    .unwrap();
    let (out, stdout, stderr) = run(bin()
        .args(["--lang", "zh-CN", "rematch"])
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/midyear.json")));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("重新匹配："), "{stdout}");
    assert_no_english(&stdout, &data);
    let (out, stdout, stderr) = run(bin()
        .args(["--lang", "zh-CN", "whatif"])
        .arg(example_path())
        .args(["--remove-mentor", "T0001", "--name", "T0001"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("情景 T0001"), "{stdout}");
    assert_no_english(&stdout, &data);
}

#[test]
fn reports_in_either_language_are_the_same_bytes_on_every_run() {
    for lang in Lang::ALL {
        let a = solve_to_string_in(example(), Format::Table, lang).unwrap();
        let b = solve_to_string_in(example(), Format::Table, lang).unwrap();
        assert_eq!(a, b, "{lang}");
    }
    // English is the default.
    assert_eq!(
        solve_to_string_in(example(), Format::Table, Lang::En).unwrap(),
        solve_to_string(example(), Format::Table).unwrap()
    );
}

/// Renames a student everywhere it is referred to (the JSON's quoted id).
fn rename(req: &pb::SolveRequest, from: &str, to: &str) -> pb::SolveRequest {
    let json = serde_json::to_string(req).unwrap();
    let json = json.replace(&format!("\"{from}\""), &format!("\"{to}\""));
    serde_json::from_str(&json).unwrap()
}

#[test]
fn the_text_table_lines_up_cjk_ids_by_display_width() {
    use unicode_width::UnicodeWidthStr;
    let mut req = example();
    for (from, to) in [("S00001", "王芳"), ("S00003", "欧阳小明"), ("S00004", "李")] {
        req = rename(&req, from, to);
    }
    for lang in Lang::ALL {
        let text = solve_to_string_in(req.clone(), Format::Table, lang).unwrap();
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.starts_with("王芳 ") || l.starts_with("欧阳小明 ") || l.starts_with("李 ")
            })
            .collect();
        assert_eq!(rows.len(), 4, "{lang}: {rows:?}");
        let plain: Vec<&str> = text.lines().filter(|l| l.starts_with("S00006 ")).collect();
        for row in rows.iter().chain(&plain) {
            // The mentor column starts at display column 13, whatever the student id's script.
            let mentor = row.find(" T0").expect("a mentor id") + 1;
            assert_eq!(row[..mentor].width(), 13, "{lang}: {row}");
            // And so does the needs column, at 24.
            let needs = row.find(" N").expect("a need id") + 1;
            assert_eq!(row[..needs].width(), 24, "{lang}: {row}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_renders_texts_in_the_request_locale_and_refuses_an_unknown_one() {
    let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let server = TestServer::start(Settings::default()).await;
    let mut client = server.client().await;

    let mut req = example();
    req.locale = "zh-CN".into();
    let zh = client
        .solve(req.clone())
        .await
        .expect("solves")
        .into_inner();
    let en = client.solve(example()).await.expect("solves").into_inner();
    let note = |r: &pb::SolveResponse| r.stability.clone().unwrap().price_of_stability_note;
    assert!(has_cjk(&note(&zh)), "{}", note(&zh));
    assert!(!has_cjk(&note(&en)), "{}", note(&en));
    let rules = |r: &pb::SolveResponse| -> Vec<String> {
        r.preference_misses
            .iter()
            .flat_map(|m| m.higher_choices.iter())
            .flat_map(|h| h.failed_rules.clone())
            .collect()
    };
    assert!(!rules(&zh).is_empty());
    assert!(rules(&zh).iter().all(|r| has_cjk(r)), "{:?}", rules(&zh));
    assert!(rules(&en).iter().all(|r| !has_cjk(r)));
    let changes = |r: &pb::SolveResponse| r.shortage.clone().unwrap().changes;
    assert!(changes(&zh).iter().all(|c| has_cjk(&c.detail)));
    // Only the texts differ: the codes and figures are the same.
    assert_eq!(zh.assignments, en.assignments);
    assert_eq!(zh.summary, en.summary);
    assert_eq!(rules(&zh).len(), rules(&en).len());

    let mut rematch = midyear();
    rematch.locale = "zh".into();
    let reply = client.rematch(rematch).await.expect("rematch").into_inner();
    assert!(!reply.changes.is_empty());
    assert!(reply.changes.iter().all(|c| has_cjk(&c.detail)));

    for bad in ["fr-FR", "zh-TW-x"] {
        unknown_locale_is_refused(&mut client, bad).await;
    }
    unknown_locale_is_listed_with_the_other_problems(&mut client).await;
    server.stop().await;
}

type Client = pb::mentor_match_client::MentorMatchClient<tonic::transport::Channel>;

/// Solve, rematch and what-if each refuse the locale `bad`; the solve names the field.
async fn unknown_locale_is_refused(client: &mut Client, bad: &str) {
    let mut req = example();
    req.locale = bad.into();
    let status = client.solve(req).await.expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    let details = status
        .get_details_bad_request()
        .expect("BadRequest details");
    let v = details
        .field_violations
        .iter()
        .find(|v| v.field == "locale")
        .expect("names the field");
    assert!(v.description.contains(bad), "{}", v.description);
    // Rematch and what-if too.
    let mut rematch = midyear();
    rematch.locale = bad.into();
    let status = client.rematch(rematch).await.expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut whatif = pb::WhatIfRequest {
        request: Some(example()),
        ..Default::default()
    };
    whatif.locale = bad.into();
    let status = client.what_if(whatif).await.expect_err("refused");
    assert_eq!(status.code(), Code::InvalidArgument);
}

/// A bad locale beside a bad request: every problem at once, and validate lists it.
async fn unknown_locale_is_listed_with_the_other_problems(client: &mut Client) {
    let mut req = example();
    req.locale = "xx".into();
    req.mentors[0].capacity = 9;
    let status = client.solve(req.clone()).await.expect_err("refused");
    let fields: Vec<String> = status
        .get_details_bad_request()
        .unwrap()
        .field_violations
        .iter()
        .map(|v| v.field.clone())
        .collect();
    assert_eq!(fields[0], "locale", "{fields:?}");
    assert!(
        fields.iter().any(|f| f == "mentors[0].capacity"),
        "{fields:?}"
    );
    // Validate lists it as a problem (a normal answer).
    let reply = client.validate(req).await.expect("answers").into_inner();
    assert!(!reply.valid);
    assert!(reply
        .violations
        .iter()
        .any(|v| v.field == "locale" && v.code == "UNKNOWN_LOCALE"));
}

#[test]
fn html_is_refused_for_what_if_with_a_clear_error() {
    let (out, _, stderr) = run(bin().arg("whatif").arg(example_path()).args([
        "--format",
        "html",
        "--remove-mentor",
        "T0001",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("--format html is not available for whatif"),
        "{stderr}"
    );
}

#[test]
fn validate_answers_in_the_chosen_language() {
    let (out, stdout, _) = run(bin()
        .args(["--lang", "zh-CN", "validate"])
        .arg(example_path()));
    assert!(out.status.success());
    assert_eq!(
        stdout,
        "请求有效：学生 120 名，导师 30 名，需求 161 项，候选结对 460 个\n"
    );
    let (_, stdout, _) = run(bin().arg("validate").arg(example_path()));
    assert_eq!(
        stdout,
        "valid: 120 students, 30 mentors, 161 needs, 460 candidate pairs\n"
    );
}
