//! The stability report: blocking pairs, each with its evidence.

use serde_json::json;

use crate::common::{bin, run};

fn solve_json(request: &serde_json::Value) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    std::fs::write(&path, request.to_string()).unwrap();
    let (out, stdout, stderr) = run(bin().args(["solve", "--format", "json"]).arg(&path));
    assert!(out.status.success(), "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

fn mentor(id: &str, capacity: u32, prefs: &[&str]) -> serde_json::Value {
    let prefs: Vec<_> = prefs
        .iter()
        .enumerate()
        .map(|(i, s)| json!({"studentId": s, "rank": i + 1}))
        .collect();
    json!({"id": id, "capacity": capacity, "availability": ["MON-8"], "preferences": prefs,
           "subjects": [{"subject": "math", "years": 5}]})
}

fn student(id: &str, priority: &str, prefs: &[&str]) -> serde_json::Value {
    let prefs: Vec<_> = prefs
        .iter()
        .enumerate()
        .map(|(i, m)| json!({"mentorId": m, "rank": i + 1}))
        .collect();
    json!({"id": id, "availability": ["MON-8"], "preferences": prefs,
           "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math", "priority": priority}]})
}

/// T1 has one seat. S2's urgent need takes it (coverage first) although T1 ranks S1 first and
/// S1 ranks T1 first: (S1, T1) blocks, displacing S2. S3 ranks T1 first too, but T1 does not
/// rank S3: no blocking pair for S3.
#[test]
fn a_pair_who_prefer_each_other_is_reported_with_whom_it_would_displace() {
    let mut t2 = mentor("T2", 2, &[]);
    t2["subjects"] = json!([{"subject": "math", "years": 5}]);
    let mut s2 = student("S2", "PRIORITY_URGENT", &[]);
    // S2 can only meet T1 (T2 is never available when S2 is).
    s2["availability"] = json!(["TUE-9"]);
    let mut t1 = mentor("T1", 1, &["S1", "S2"]);
    t1["availability"] = json!(["MON-8", "TUE-9"]);
    let reply = solve_json(&json!({
        "students": [student("S1", "PRIORITY_NORMAL", &["T1", "T2"]), s2,
                     student("S3", "PRIORITY_NORMAL", &["T1", "T2"])],
        "mentors": [t1, t2]
    }));
    let got = |s: &str| -> Vec<String> {
        reply["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["studentId"] == s)
            .map(|a| a["mentorId"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(got("S2"), vec!["T1"]);
    assert_eq!(got("S1"), vec!["T2"]);
    let stability = &reply["stability"];
    assert_eq!(stability["blockingPairCount"], 1, "{stability}");
    let pair = &stability["blockingPairs"][0];
    assert_eq!(pair["studentId"], "S1");
    assert_eq!(pair["mentorId"], "T1");
    assert_eq!(pair["studentRank"], 1);
    assert_eq!(pair["studentBestGivenRank"], 2);
    assert_eq!(pair["mentorRank"], 1);
    assert_eq!(pair["displacesStudentId"], "S2");
    assert!(stability["priceOfStabilityNote"]
        .as_str()
        .unwrap()
        .contains("not computed"));
}

/// With every student given its first choice there is nothing to block.
#[test]
fn a_plan_where_everyone_got_their_first_choice_has_no_blocking_pair() {
    let reply = solve_json(&json!({
        "students": [student("S1", "PRIORITY_NORMAL", &["T1"]), student("S2", "PRIORITY_NORMAL", &["T2"])],
        "mentors": [mentor("T1", 1, &["S2", "S1"]), mentor("T2", 1, &["S1", "S2"])]
    }));
    assert_eq!(
        reply["stability"]["blockingPairCount"]
            .as_u64()
            .unwrap_or(0),
        0
    );
}
