//! The exact cost of "why not my first choice" (`BETTER_OVERALL` misses), each checked against
//! exhaustive search with the pair forced.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::domain::model::Problem;
use mentor_match::domain::Priority;
use mentor_match::engine;
use mentor_match::explain::MissReason;
use proptest::prelude::*;
use serde_json::json;

use crate::common::{brute_force, brute_force_feasible, brute_force_where, tiny_problem};

/// Every priced choice of `problem`, checked against brute force: coverage change per level
/// and fit change equal exhaustive search with the pair locked. Returns how many were priced.
fn check_priced(problem: &Problem) -> usize {
    let outcome = engine::solve(problem).expect("solves");
    let candidates = engine::candidates(problem);
    let base = brute_force(problem, &candidates);
    let mut priced = 0;
    for miss in &outcome.misses {
        for choice in &miss.higher {
            if choice.reason != MissReason::BetterOverall {
                assert!(choice.forced.is_none());
                continue;
            }
            let mut forced = problem.clone();
            forced.locked.push((miss.student, choice.mentor));
            forced.locked.sort_unstable();
            let exhaustive = brute_force_feasible(&forced, &candidates);
            let Some(cost) = &choice.forced else {
                // Unpriced only when no plan can hold the pair with the other locks.
                assert!(exhaustive.is_none(), "a feasible forced pair left unpriced");
                continue;
            };
            priced += 1;
            assert!(cost.proven);
            let best = exhaustive.expect("a priced pair can be forced");
            // Brute force lists coverage from urgent down; the cost indexes by priority.
            for (k, p) in Priority::DESCENDING.iter().enumerate() {
                assert_eq!(
                    cost.coverage_change[*p as usize],
                    best.coverage[k] as i32 - base.coverage[k] as i32,
                    "{p:?}"
                );
            }
            assert!(
                (cost.fit_change - (best.fit - base.fit)).abs() < 1e-6,
                "fit change {} vs brute force {}",
                cost.fit_change,
                best.fit - base.fit
            );
            assert!(!cost.changed_students.contains(&miss.student));
        }
    }
    assert_eq!(outcome.summary.why_not_priced as usize, priced);
    priced
}

proptest! {
    // A mentor with room that the optimum passes over is rare in random tiny schools (about
    // one case in sixty): enough cases that several dozen are priced.
    #![proptest_config(crate::common::proptest_config(3000))]

    /// On random tiny schools every priced "why not" equals exhaustive search with the pair
    /// forced: the change in coverage per priority and in fit.
    #[test]
    fn why_not_costs_equal_a_forced_exhaustive_search(seed in any::<u64>(), s in 2usize..7, m in 2usize..5) {
        let problem = tiny_problem(seed, s, m);
        prop_assume!(problem.needs.len() <= 8);
        check_priced(&problem);
    }
}

/// S1 ranks T3 first and T2 second; T3 has room, but T2 covers S1's weak point (specialty)
/// and the plan gives T2. Forcing S1–T3 costs fit and moves nobody.
#[test]
fn a_passed_over_choice_with_room_gets_its_exact_price_in_json_and_text() {
    let teacher = |id: &str, topics: &[&str]| {
        json!({"id": id, "capacity": 1, "availability": ["MON-8"],
               "subjects": [{"subject": "math", "years": 5, "topics": topics}]})
    };
    let request = json!({
        "students": [{"id": "S1", "availability": ["MON-8"],
                      "preferences": [{"mentorId": "T3", "rank": 1}, {"mentorId": "T2", "rank": 2}],
                      "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math",
                                 "weakPoints": ["algebra"]}]}],
        "mentors": [teacher("T2", &["algebra"]), teacher("T3", &[])],
        "policy": {"weights": {"studentPreference": 0.1, "specialty": 5.0}}
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    std::fs::write(&path, request.to_string()).unwrap();
    let (out, stdout, stderr) = crate::common::run(
        crate::common::bin()
            .args(["solve", "--format", "json"])
            .arg(&path),
    );
    assert!(out.status.success(), "{stderr}");
    let reply: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let misses = reply["preferenceMisses"].as_array().expect("misses");
    let higher = misses[0]["higherChoices"].as_array().expect("choices");
    let t3 = higher
        .iter()
        .find(|h| h["mentorId"] == "T3")
        .unwrap_or_else(|| panic!("T3 listed: {higher:?}"));
    assert_eq!(t3["reason"], "MISS_REASON_BETTER_OVERALL");
    let cost = &t3["forcedCost"];
    assert!(cost["fitChange"].as_f64().unwrap() < 0.0, "{cost}");
    assert_eq!(cost["proven"], true);
    assert_eq!(reply["summary"]["whyNotPriced"], 1);
    let (_, text, _) = crate::common::run(crate::common::bin().arg("solve").arg(&path));
    assert!(text.contains("forcing it: fit -"), "{text}");
    // Turned off, nothing is priced and the summary says so.
    let mut off = request.clone();
    off["policy"]["whyNotCosts"] = json!(false);
    std::fs::write(&path, off.to_string()).unwrap();
    let (_, stdout, _) = crate::common::run(
        crate::common::bin()
            .args(["solve", "--format", "json"])
            .arg(&path),
    );
    let reply: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(reply["summary"]["whyNotUnpriced"], 1);
    assert!(!stdout.contains("forcedCost"));
}

#[test]
fn why_not_students_must_exist() {
    let text = std::fs::read_to_string(crate::common::example_path()).unwrap();
    let pb: mentor_match::proto::pb::SolveRequest = serde_json::from_str(&text).unwrap();
    let mut raw: mentor_match::domain::raw::RawRequest = pb.into();
    raw.policy.why_not_students = vec!["NOPE".into()];
    let err = mentor_match::admit::validate(raw).expect_err("unknown id");
    assert!(err
        .violations
        .iter()
        .any(|v| v.path == "policy.why_not_students[0]"));
}

proptest! {
    #![proptest_config(crate::common::proptest_config(400))]

    /// The shortest-path price on a proven network plan (no re-solve) equals exhaustive search
    /// with the pair forced, for every candidate pair the plan does not make — far more pairs
    /// than the passed-over choices the engine prices; and no forced plan of the same packed
    /// cost (the network's exact objective, `forced::packed_costs`) moves fewer needs than the
    /// one it gives.
    #[test]
    fn shortest_path_forced_plans_equal_exhaustive_search(seed in any::<u64>(), s in 2usize..7, m in 2usize..5) {
        use mentor_match::solver::{self, forced, SolveOptions, SolveStatus};
        let mut problem = tiny_problem(seed, s, m).to_problem();
        problem.locked.clear();
        prop_assume!(problem.needs.len() <= 7);
        // Every other school scores every pair alike (only coverage counts): ties everywhere,
        // so the cheapest cycles differ in the needs they move.
        if seed % 2 == 0 {
            problem.policy.weights = mentor_match::domain::policy::Weights {
                student_preference: 0.0,
                mentor_preference: 0.0,
                specialty: 0.0,
                time_overlap: 0.0,
                personality: 0.0,
                affinity: 0.0,
                own_class: 0.0,
            };
        }
        let all = engine::candidates(&problem);
        prop_assume!(forced::applies(&problem, &all));
        let solved = solver::solve_problem(&problem, SolveOptions::from_policy(&problem)).unwrap();
        prop_assume!(solved.solution.status == SolveStatus::Optimal);
        let packed = forced::packed_costs(&problem, &all);
        let mut plan = vec![None; problem.needs.len()];
        for (n, m) in solver::verify::pairs(&solved.candidates, &solved.solution.chosen) {
            plan[n as usize] = Some(m);
        }
        for n in 0..problem.needs.len() as u32 {
            for c in all.of_need(n) {
                let m = all.mentors[c];
                if plan[n as usize] == Some(m) {
                    continue;
                }
                let mut locked = problem.clone();
                locked.locked.push((problem.needs[n as usize].student, m));
                let exhaustive = brute_force_feasible(&locked, &all);
                let Some(next) = forced::forced_plan(&problem, &all, &plan, n, m) else {
                    prop_assert!(exhaustive.is_none(), "a feasible forced pair found no path");
                    continue;
                };
                let best = exhaustive.expect("a path means a feasible forced plan");
                let pairs: Vec<(u32, u32)> = next
                    .iter()
                    .enumerate()
                    .filter_map(|(k, m)| m.map(|m| (k as u32, m)))
                    .collect();
                prop_assert_eq!(mentor_match::solver::verify::verify(&locked, &pairs), Ok(()));
                prop_assert_eq!(crate::common::coverage(&problem, &pairs), best.coverage);
                let fit: f64 = pairs.iter().map(|&(k, m)| all.scores[all.find(k, m).unwrap()]).sum();
                prop_assert!((fit - best.fit).abs() < 1e-6, "{} vs {}", fit, best.fit);
                // Of the optimal forced plans, one that moves the fewest needs.
                let moved = |pairs: &[(u32, u32)]| {
                    let mut next = vec![None; plan.len()];
                    for &(k, m) in pairs {
                        next[k as usize] = Some(m);
                    }
                    next.iter().zip(&plan).filter(|(a, b)| a != b).count()
                };
                // As the network compares plans: by packed cost, whose fit is quantised pair by
                // pair, so real-valued ties can differ by a quantum (seed 8498180056463657263:
                // a swap and a four-cycle both at 9.4 points, the swap a quantum dearer).
                let ours = moved(&pairs);
                let ours_cost = packed(&pairs).expect("the forced plan's pairs are candidates");
                let fewer = brute_force_where(&locked, &all, &|p| {
                    moved(p) < ours && packed(p).is_some_and(|c| c <= ours_cost)
                });
                prop_assert!(fewer.is_none(), "an optimal forced plan moves fewer than {} needs", ours);
            }
        }
    }
}
