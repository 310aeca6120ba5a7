//! The printable HTML report: one well-formed, self-contained page (nothing fetched), the same
//! bytes on every run, with every class of the bundled school and every unassigned need, all
//! data escaped, in either language.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::cli::{read_request, solve_to_string_in, Format};
use mentor_match::i18n::Lang;
use mentor_match::proto::pb;

use crate::common::{bin, example_path, run};

fn example() -> pb::SolveRequest {
    read_request(&example_path()).expect("example")
}

fn page(req: pb::SolveRequest, lang: Lang) -> String {
    solve_to_string_in(req, Format::Html, lang).expect("renders")
}

/// Elements HTML writes without a closing tag.
const VOID: [&str; 3] = ["meta", "br", "hr"];

/// Every opened tag is closed, in order; returns the element names seen.
fn check_well_formed(html: &str) -> Vec<String> {
    assert!(html.starts_with("<!DOCTYPE html>\n"), "doctype");
    let mut stack: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = &html["<!DOCTYPE html>".len()..];
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>').expect("every < has its >");
        let tag = &after[..close];
        assert!(!tag.contains('<'), "a < inside a tag: {tag}");
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!name.is_empty(), "empty tag <{tag}>");
        if let Some(closing) = tag.strip_prefix('/') {
            let top = stack
                .pop()
                .unwrap_or_else(|| panic!("</{closing}> closes nothing"));
            assert_eq!(top, name, "</{name}> closes <{top}>");
        } else if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            stack.push(name.clone());
        }
        seen.push(name);
        rest = &after[close + 1..];
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
    seen
}

/// The text a reader sees: tags and the style sheet removed, character references decoded.
fn visible_text(html: &str) -> String {
    let (before, after) = html.split_once("<style>").expect("a style sheet");
    let (_, after) = after.split_once("</style>").expect("closed");
    let mut out = String::new();
    let mut inside = false;
    for c in format!("{before}{after}").chars() {
        match c {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn the_page_is_well_formed_and_fetches_nothing() {
    for lang in Lang::ALL {
        let html = page(example(), lang);
        let tags = check_well_formed(&html);
        for needed in [
            "html", "head", "style", "body", "svg", "rect", "table", "section",
        ] {
            assert!(tags.iter().any(|t| t == needed), "{lang}: no <{needed}>");
        }
        for fetch in [
            "http://", "https://", "src=", "href=", "<script", "<link", "@import", "url(",
        ] {
            assert!(!html.contains(fetch), "{lang}: {fetch} in the page");
        }
        assert!(html.contains(&format!("<html lang=\"{}\">", lang.tag())));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        // Print rules: A4, one class per page, and a CJK font stack.
        assert!(html.contains("@page { size: A4;"));
        assert!(html.contains("page-break-before: always"));
        for font in [
            "\"Noto Sans CJK SC\"",
            "\"Microsoft YaHei\"",
            "\"PingFang SC\"",
            "sans-serif",
        ] {
            assert!(html.contains(font), "{font}");
        }
    }
}

#[test]
fn the_page_is_the_same_bytes_on_every_run() {
    for lang in Lang::ALL {
        assert_eq!(page(example(), lang), page(example(), lang), "{lang}");
    }
}

#[test]
fn the_page_has_every_class_and_every_unassigned_need() {
    let req = example();
    let response: pb::SolveResponse =
        serde_json::from_str(&solve_to_string_in(req.clone(), Format::Json, Lang::En).unwrap())
            .unwrap();
    assert!(!response.unassigned.is_empty());
    for lang in Lang::ALL {
        let html = page(req.clone(), lang);
        let mut classes: Vec<String> = req
            .students
            .iter()
            .map(|s| s.class_id.trim().to_lowercase())
            .collect();
        classes.sort();
        classes.dedup();
        assert!(classes.len() >= 6, "{classes:?}");
        for class in &classes {
            let heading = match lang {
                Lang::En => format!("<h2>Class {class}</h2>"),
                Lang::ZhCn => format!("<h2>班级 {class}</h2>"),
            };
            assert!(html.contains(&heading), "{lang}: {heading}");
        }
        assert_eq!(
            html.matches("<section class=\"class\">").count(),
            classes.len()
        );
        for u in &response.unassigned {
            let row = format!(
                "<tr><td class=\"id\">{}</td><td class=\"id\">{}</td>",
                u.student_id, u.need_id
            );
            // Once in the list by reason, once on its class's page.
            assert_eq!(html.matches(&row).count(), 2, "{lang}: {row}");
        }
        // Every pair is on its class's page.
        for a in &response.assignments {
            let row = format!(
                "<tr><td class=\"id\">{}</td><td class=\"id\">{}</td>",
                a.student_id, a.mentor_id
            );
            assert!(html.contains(&row), "{lang}: {row}");
        }
    }
}

#[test]
fn data_from_the_request_is_escaped() {
    let json = serde_json::to_string(&example()).unwrap();
    let evil = "<script>alert(\\\"x\\\")</script>";
    let json = json.replace("\"S00001\"", &format!("\"{evil}\"")).replace(
        &format!("\"{}\"", example().students[0].class_id),
        "\"<b>&class</b>\"",
    );
    let req: pb::SolveRequest = serde_json::from_str(&json).unwrap();
    for lang in Lang::ALL {
        let html = page(req.clone(), lang);
        check_well_formed(&html);
        assert!(!html.contains("<script>"), "{lang}");
        assert!(!html.contains("<b>"), "{lang}");
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
            "{lang}"
        );
        assert!(html.contains("&lt;b&gt;&amp;class&lt;/b&gt;"), "{lang}");
    }
}

#[test]
fn the_chinese_page_has_no_english_sentence_words() {
    let data = std::fs::read_to_string(example_path()).unwrap();
    let html = page(example(), Lang::ZhCn);
    let text = visible_text(&html);
    for word in [
        "结对帮扶方案",
        "学业帮扶组",
        "心理支持组",
        "特长发展组",
        "班主任签字",
    ] {
        assert!(text.contains(word), "{word} missing");
    }
    crate::i18n::assert_no_english(&text, &data);
    // The detector detects: the English page fails it.
    let en = visible_text(&page(example(), Lang::En));
    let forbidden = crate::i18n::english_words(&data);
    assert!(crate::i18n::words(&en)
        .iter()
        .any(|w| forbidden.contains(w)));
}

#[test]
fn rematch_renders_as_a_page_too() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/midyear.json");
    for lang in ["en", "zh-CN"] {
        let (out, html, stderr) = run(bin()
            .args(["--lang", lang, "rematch"])
            .arg(&path)
            .args(["--format", "html"]));
        assert!(out.status.success(), "{stderr}");
        check_well_formed(&html);
        assert!(html.contains("<section id=\"changes\">"));
        assert!(!html.contains("http"));
    }
    let (_, html, _) = run(bin().arg("rematch").arg(&path).args(["--format", "html"]));
    assert!(html.contains("<h1>Mid-year rematch</h1>"));
    assert!(html.contains("evaluated as not working"));
}
