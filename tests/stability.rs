//! The stability report: blocking pairs, each with its evidence.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

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
    let prefs = crate::common::ranked_json("studentId", prefs);
    json!({"id": id, "capacity": capacity, "availability": ["MON-8"], "preferences": prefs,
           "subjects": [{"subject": "math", "years": 5}]})
}

fn student(id: &str, priority: &str, prefs: &[&str]) -> serde_json::Value {
    let prefs = crate::common::ranked_json("mentorId", prefs);
    json!({"id": id, "availability": ["MON-8"], "preferences": prefs,
           "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math", "priority": priority}]})
}

/// T1 has one seat. S2's urgent need takes it (coverage first) although T1 ranks S1 first and
/// S1 ranks T1 first: (S1, T1) blocks, displacing S2. S3 ranks T1 first too, but T1 does not
/// rank S3: no blocking pair for S3. The price of stability is S2's urgent need.
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
    // Without a blocking pair T1 must hold S1, and S2's urgent need (only T1 can meet it)
    // goes uncovered: that is the price of stability here.
    assert!(stability["priceOfStability"].is_number(), "{stability}");
    let urgent = stability["stableCoverageChange"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["priority"] == "PRIORITY_URGENT")
        .expect("urgent");
    assert_eq!(urgent["count"], -1, "{stability}");
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

/// An independent reading of "blocking pair" over a plan given as (need, mentor) pairs.
fn has_blocking_pair(problem: &mentor_match::domain::model::Problem, pairs: &[(u32, u32)]) -> bool {
    use std::collections::BTreeSet;
    let mut mentors_of = vec![BTreeSet::new(); problem.students.len()];
    let mut holders = vec![BTreeSet::new(); problem.mentors.len()];
    for &(n, m) in pairs {
        let s = problem.needs[n as usize].student;
        mentors_of[s as usize].insert(m);
        holders[m as usize].insert(s);
    }
    for (s, student) in problem.students.iter().enumerate() {
        let best = mentors_of[s]
            .iter()
            .filter_map(|&m| student.rank_of(m))
            .min();
        for &(m, rank) in &student.preferences {
            if mentors_of[s].contains(&m) || best.is_some_and(|b| b <= rank) {
                continue;
            }
            let Some(mine) = problem.facts(s as u32, m).mentor_rank_of_student else {
                continue;
            };
            let feasible = student
                .needs()
                .any(|n| mentor_match::rules::check_pair(problem, n, m).is_ok());
            let full = holders[m as usize].len() as u32 >= problem.mentors[m as usize].capacity;
            let would_swap = holders[m as usize].iter().any(|&t| {
                problem
                    .facts(t, m)
                    .mentor_rank_of_student
                    .is_none_or(|r| r > mine)
            });
            if feasible && (!full || would_swap) {
                return true;
            }
        }
    }
    false
}

proptest::proptest! {
    // About one case in fifteen has blocking pairs and a price (the rest are stable plans).
    #![proptest_config(crate::common::proptest_config(1200))]

    /// With random mentor preferences on tiny schools: the reported blocking pairs are exactly
    /// the plan's (by the independent reading above), and the price of stability comes from
    /// the best plan with no blocking pair, as exhaustive search finds it.
    #[test]
    fn blocking_pairs_and_the_price_of_stability_match_exhaustive_search(
        seed in proptest::prelude::any::<u64>(), s in 2usize..6, m in 2usize..4, ranks in proptest::prelude::any::<u64>(),
    ) {
        use mentor_match::explain::PriceOfStability;
        let mut problem = crate::common::tiny_problem(seed, s, m).to_problem();
        proptest::prop_assume!(problem.needs.len() <= 7);
        // Mentor rankings of students, from the bits of `ranks`.
        for mentor in 0..problem.mentors.len() {
            let mut next = 1;
            for student in 0..problem.students.len() {
                if ranks >> ((mentor * 8 + student) % 64) & 1 == 1 {
                    problem
                        .pair_facts
                        .entry((student as u32, mentor as u32))
                        .or_default()
                        .mentor_rank_of_student = Some(next);
                    next += 1;
                }
            }
        }
        let outcome = mentor_match::engine::solve(&problem).unwrap();
        let plan: Vec<(u32, u32)> = outcome
            .assignments
            .iter()
            .flat_map(|a| a.needs.iter().map(move |n| (n.need, a.mentor)))
            .collect();
        proptest::prop_assert_eq!(!outcome.blocking.is_empty(), has_blocking_pair(&problem, &plan));
        let candidates = mentor_match::engine::candidates(&problem);
        let stable = crate::common::brute_force_where(&problem, &candidates, &|pairs| {
            !has_blocking_pair(&problem, pairs)
        });
        let base = crate::common::brute_force(&problem, &candidates);
        match (&outcome.price_of_stability, stable) {
            (PriceOfStability::Stable, _) => proptest::prop_assert!(outcome.blocking.is_empty()),
            (PriceOfStability::NoStablePlan, best) => proptest::prop_assert!(best.is_none()),
            (PriceOfStability::Priced { coverage_change, fit_change }, Some(best)) => {
                for (k, p) in mentor_match::domain::Priority::DESCENDING.iter().enumerate() {
                    proptest::prop_assert_eq!(
                        coverage_change[*p as usize],
                        best.coverage[k] as i32 - base.coverage[k] as i32
                    );
                }
                proptest::prop_assert!((fit_change - (best.fit - base.fit)).abs() < 1e-6,
                    "{} vs {}", fit_change, best.fit - base.fit);
            }
            (other, best) => proptest::prop_assert!(false, "{:?} vs exhaustive {:?}", other, best),
        }
    }
}
