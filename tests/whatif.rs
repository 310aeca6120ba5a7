//! What-if: scenarios solved as rematches of the base plan, checked against fresh solves.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::admit::validate;
use mentor_match::explain::Outcome;
use mentor_match::rematch::{ChangeKind, ChangeReason};
use mentor_match::whatif::{what_if, Change, Scenario};
use mentor_match::{engine, generate, solver};

fn covered(outcome: &Outcome) -> [i32; 4] {
    let mut out = [0; 4];
    for l in &outcome.solver.coverage {
        out[l.priority as usize] = l.covered as i32;
    }
    out
}

/// A generated school: the mentor holding most students leaves, another's capacity drops to
/// one, a slot is added. Coverage changes exactly as a fresh solve of the changed school says
/// (continuity ranks below coverage), every pair of the leaving mentor is reported as moved
/// because the mentor left, and no pair of the new plan uses them.
#[test]
fn a_leaving_mentor_scenario_matches_a_fresh_solve_of_the_changed_school() {
    let raw = generate::generate(80, 24, 3);
    let problem = validate(raw.clone()).unwrap();
    let base = engine::solve(&problem).unwrap();
    let mut load = vec![0u32; problem.mentors.len()];
    for a in &base.assignments {
        load[a.mentor as usize] += 1;
    }
    let busiest = (0..load.len())
        .max_by_key(|&m| (load[m], std::cmp::Reverse(m)))
        .unwrap();
    let second = (0..load.len())
        .filter(|&m| m != busiest)
        .max_by_key(|&m| (load[m], std::cmp::Reverse(m)))
        .unwrap();
    let leaving = problem.mentors[busiest].id.clone();
    let cut = problem.mentors[second].id.clone();
    let scenario = Scenario {
        name: "leaves".into(),
        changes: vec![
            Change::RemoveMentor {
                mentor_id: leaving.clone(),
            },
            Change::Capacity {
                mentor_id: cut.clone(),
                capacity: 1,
            },
            Change::AddSlot {
                mentor_id: cut.clone(),
                slot: "SUN-12".into(),
            },
        ],
    };
    let w = what_if(
        raw.clone(),
        &[scenario],
        None,
        solver::Budget::default(),
        None,
    )
    .unwrap();
    assert_eq!(covered(&w.base), covered(&base));
    let s = &w.scenarios[0];
    // The changed school, solved fresh and independently.
    let mut changed = raw.clone();
    changed.mentors.retain(|m| m.id != leaving);
    for st in &mut changed.students {
        st.preferences.retain(|c| c.id != leaving);
    }
    for m in &mut changed.mentors {
        if m.id == cut {
            m.capacity = 1;
            m.availability.push("SUN-12".into());
        }
    }
    let fresh = engine::solve(&validate(changed).unwrap()).unwrap();
    let expected: Vec<i32> = (0..4)
        .map(|k| covered(&fresh)[k] - covered(&base)[k])
        .collect();
    assert_eq!(s.coverage_change.to_vec(), expected);
    // Keeping pairs ranks after coverage and before fit: never more fit than the fresh optimum.
    assert!(s.fit_change <= fresh.solver.objective - base.solver.objective + 1e-6);
    let left: Vec<_> = s
        .rematch
        .changes
        .iter()
        .filter(|c| c.from_mentor_id == leaving)
        .collect();
    assert_eq!(left.len() as u32, load[busiest]);
    for c in left {
        assert_eq!(c.kind, ChangeKind::Moved);
        assert_eq!(c.reason, ChangeReason::MentorLeft);
    }
    assert!(s
        .rematch
        .outcome
        .assignments
        .iter()
        .all(|a| s.rematch.problem.mentors[a.mentor as usize].id != leaving));
}

/// Scenarios are solved independently: two together answer as each alone, and a forced pair
/// is in its scenario's plan.
#[test]
fn scenarios_are_independent_and_a_forced_pair_is_made() {
    let raw = generate::generate(60, 18, 7);
    let problem = validate(raw.clone()).unwrap();
    let candidates = engine::candidates(&problem);
    let base = engine::solve(&problem).unwrap();
    // A candidate pair the base plan does not make, for a student the plan leaves with room.
    let made: std::collections::HashSet<(u32, u32)> = base
        .assignments
        .iter()
        .map(|a| (a.student, a.mentor))
        .collect();
    let (problem_ref, candidates_ref) = (&problem, &candidates);
    let (s, m) = (0..problem.needs.len() as u32)
        .flat_map(|n| {
            candidates_ref.of_need(n).map(move |c| {
                (
                    problem_ref.needs[n as usize].student,
                    candidates_ref.mentors[c],
                )
            })
        })
        .find(|p| !made.contains(p))
        .expect("an unmade candidate pair");
    let force = Scenario {
        name: "force".into(),
        changes: vec![Change::Force {
            student_id: problem.students[s as usize].id.clone(),
            mentor_id: problem.mentors[m as usize].id.clone(),
        }],
    };
    let forbid = Scenario {
        name: "forbid".into(),
        changes: vec![Change::Forbid {
            student_id: problem.students[base.assignments[0].student as usize]
                .id
                .clone(),
            mentor_id: problem.mentors[base.assignments[0].mentor as usize]
                .id
                .clone(),
        }],
    };
    let budget = solver::Budget::default();
    let both = what_if(
        raw.clone(),
        &[force.clone(), forbid.clone()],
        None,
        budget,
        None,
    )
    .unwrap();
    let alone_force = what_if(raw.clone(), &[force], None, budget, None).unwrap();
    let alone_forbid = what_if(raw, &[forbid], None, budget, None).unwrap();
    let pairs = |o: &Outcome| -> Vec<(u32, u32)> {
        o.assignments
            .iter()
            .map(|a| (a.student, a.mentor))
            .collect()
    };
    assert_eq!(
        pairs(&both.scenarios[0].rematch.outcome),
        pairs(&alone_force.scenarios[0].rematch.outcome)
    );
    assert_eq!(
        pairs(&both.scenarios[1].rematch.outcome),
        pairs(&alone_forbid.scenarios[0].rematch.outcome)
    );
    assert!(pairs(&both.scenarios[0].rematch.outcome).contains(&(s, m)));
    let forbidden = (base.assignments[0].student, base.assignments[0].mentor);
    assert!(!pairs(&both.scenarios[1].rematch.outcome).contains(&forbidden));
    assert_eq!(
        both.scenarios[1]
            .rematch
            .changes
            .iter()
            .filter(|c| {
                c.kind == ChangeKind::Moved && c.reason == ChangeReason::RuleNoLongerHolds
            })
            .count(),
        1
    );
}

/// Forcing a pair that breaks a hard rule is an error naming the change, not the request the
/// scenario built.
#[test]
fn a_forced_pair_that_breaks_a_rule_names_the_change() {
    let raw = generate::generate(40, 12, 2);
    let problem = validate(raw.clone()).unwrap();
    let candidates = engine::candidates(&problem);
    let (s, m) = (0..problem.students.len() as u32)
        .flat_map(|s| (0..problem.mentors.len() as u32).map(move |m| (s, m)))
        .find(|&(s, m)| {
            problem.students[s as usize]
                .needs()
                .all(|n| candidates.find(n, m).is_none())
        })
        .expect("a pair that qualifies for nothing");
    let scenario = Scenario {
        name: "bad".into(),
        changes: vec![
            Change::Capacity {
                mentor_id: problem.mentors[0].id.clone(),
                capacity: 2,
            },
            Change::Force {
                student_id: problem.students[s as usize].id.clone(),
                mentor_id: problem.mentors[m as usize].id.clone(),
            },
        ],
    };
    match what_if(raw, &[scenario], None, solver::Budget::default(), None) {
        Err(mentor_match::whatif::WhatIfError::Invalid(invalid)) => {
            assert!(
                invalid
                    .violations
                    .iter()
                    .any(|v| v.path == "scenarios[0].changes[1]"),
                "{:?}",
                invalid.violations
            );
        }
        other => panic!("expected an invalid scenario, got {:?}", other.map(|_| ())),
    }
}
