//! The bundled school keeps its key figures: a change that silently lowers coverage or
//! first-choice share fails here.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::cli::{read_request, solve_to_string, Format};
use mentor_match::proto::pb;

#[test]
fn bundled_school_keeps_its_key_figures() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/school.json");
    let request = read_request(&path).expect("bundled example parses");
    let json = solve_to_string(request, Format::Json).expect("bundled example solves");
    let response: pb::SolveResponse = serde_json::from_str(&json).expect("response parses");
    let solver = response.solver.expect("solver report");
    assert_eq!(solver.status, pb::SolveStatus::Optimal as i32);
    assert_eq!(solver.gap, 0.0);
    let summary = response.summary.expect("summary");
    assert_eq!(summary.students, 120);
    assert_eq!(summary.mentors, 30);
    // Figures recorded from the proven-optimal plan; see README "Quick start".
    let expected = include_str!("../examples/school.figures").trim();
    let actual = format!(
        "needs {} covered {} first_choice {:.3} top3 {:.3}",
        summary.needs, summary.needs_covered, summary.first_choice_share, summary.top3_share
    );
    assert_eq!(actual, expected);
    // The impossible cases are explained, not dropped.
    assert!(response
        .unassigned
        .iter()
        .any(|u| u.reason == pb::UnassignedReason::NoQualifiedMentor as i32));
    assert!(response
        .unassigned
        .iter()
        .any(|u| u.reason == pb::UnassignedReason::NoCommonSlot as i32));
    // Issue 11: the crisis is referred (listed first) and the over-subscribed subject leaves
    // needs with every candidate full.
    assert_eq!(
        response.unassigned.first().map(|u| u.reason),
        Some(pb::UnassignedReason::Referral as i32)
    );
    assert!(response
        .unassigned
        .iter()
        .any(|u| u.reason == pb::UnassignedReason::CandidatesFull as i32));
    assert_eq!(
        summary.needs_covered as usize,
        response
            .assignments
            .iter()
            .map(|a| a.needs.len())
            .sum::<usize>()
    );
}
