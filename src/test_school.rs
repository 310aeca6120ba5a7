//! A two-student, two-mentor school for unit tests, written as the proto3 JSON a caller sends,
//! so the tests build their models the way requests arrive (JSON → raw → validated).
//!
//! Test-only; imports the edge's conversion and the validator only.
//!
//! Test helper (compiled for tests only): imports `admit`, the domain and `proto` to build the
//! bundled school; no production code imports it.

use crate::admit::validate;
use crate::domain::model::Validated;
use crate::domain::raw::RawRequest;
use crate::proto::pb;

/// S1 needs math (high) and English and ranks T2 first, T1 second; S2 needs math and ranks T1
/// first. T1 teaches math and English, T2 math only; each has one seat; everyone is free on
/// MON-1.
pub(crate) fn json() -> serde_json::Value {
    let teacher = |id: &str, subjects: &[&str]| {
        serde_json::json!({
            "id": id, "role": "MENTOR_ROLE_SUBJECT_TEACHER", "tracks": ["TRACK_ACADEMIC"],
            "subjects": subjects.iter().map(|s| serde_json::json!({"subject": s, "years": 5}))
                .collect::<Vec<_>>(),
            "capacity": 1, "availability": ["MON-1"]
        })
    };
    serde_json::json!({
        "students": [
            {"id": "S1", "availability": ["MON-1"],
             "needs": [
                {"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math", "priority": "PRIORITY_HIGH"},
                {"id": "N2", "track": "TRACK_ACADEMIC", "subject": "english"}],
             "preferences": [{"mentorId": "T2", "rank": 1}, {"mentorId": "T1", "rank": 2}]},
            {"id": "S2", "availability": ["MON-1"],
             "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math"}],
             "preferences": [{"mentorId": "T1", "rank": 1}]}
        ],
        "mentors": [teacher("T1", &["math", "english"]), teacher("T2", &["math"])]
    })
}

/// A request from its proto3 JSON.
pub(crate) fn raw(json: serde_json::Value) -> RawRequest {
    serde_json::from_value::<pb::SolveRequest>(json)
        .expect("test school is proto3 JSON")
        .into()
}

/// The validated model of a request's proto3 JSON.
pub(crate) fn problem(json: serde_json::Value) -> Validated {
    validate(raw(json)).expect("test school is valid")
}
