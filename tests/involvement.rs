//! Every mentor involved (`involveEveryMentor`) and fair loads (`loadSpread`): the mentor-level
//! terms of the objective, exact on every method against exhaustive search, and never bought
//! with a level above them.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::admit::validate;
use mentor_match::engine;
use mentor_match::generate;
use mentor_match::solver::{self, verify, Method, SolveOptions, SolveStatus};
use proptest::prelude::*;

use crate::common::{brute_force, coverage, tiny_problem};

const SPREADS: [f64; 3] = [0.0, 0.4, 3.0];

fn config() -> ProptestConfig {
    crate::common::proptest_config(256)
}

/// Solves through the one entry point and checks the plan against exhaustive search: the same
/// coverage per level, the same number of mentors involved (when asked), the same fit after
/// load costs.
fn equals_brute_force(problem: &mentor_match::domain::model::Problem) -> Result<Method, String> {
    let solved = solver::solve_problem(problem, SolveOptions::from_policy(problem))
        .map_err(|e| e.to_string())?;
    if solved.solution.status != SolveStatus::Optimal {
        return Err(format!("status {:?}", solved.solution.status));
    }
    let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
    verify::verify(problem, &pairs).map_err(|e| e.to_string())?;
    let candidates = engine::candidates(problem);
    let best = brute_force(problem, &candidates);
    if coverage(problem, &pairs) != best.coverage {
        return Err(format!(
            "coverage {:?} vs brute force {:?} ({:?})",
            coverage(problem, &pairs),
            best.coverage,
            solved.method
        ));
    }
    if problem.policy.involve_every_mentor
        && solver::mentors_involved(problem, &pairs) != best.involved
    {
        return Err(format!(
            "involved {} vs brute force {} ({:?})",
            solver::mentors_involved(problem, &pairs),
            best.involved,
            solved.method
        ));
    }
    if (solved.solution.objective - best.fit).abs() > 1e-6 {
        return Err(format!(
            "fit {} vs brute force {} ({:?})",
            solved.solution.objective, best.fit, solved.method
        ));
    }
    Ok(solved.method)
}

proptest! {
    #![proptest_config(config())]

    /// Multi-need schools with seat sharing, locks, forbidden pairs (the integer program, or
    /// the network where no seat can be shared).
    #[test]
    fn involvement_and_load_spread_equal_brute_force_with_seat_sharing(
        seed in any::<u64>(),
        s in 1usize..8,
        m in 1usize..5,
        involve in any::<bool>(),
        spread in 0usize..3,
    ) {
        let mut problem = tiny_problem(seed, s, m).to_problem();
        prop_assume!(problem.needs.len() <= 9);
        problem.policy.involve_every_mentor = involve;
        problem.policy.load_spread = SPREADS[spread];
        if let Err(e) = equals_brute_force(&problem) {
            prop_assert!(false, "{}", e);
        }
    }

    /// One need per student: the network method, with the seat costs on its seat arcs.
    #[test]
    fn involvement_and_load_spread_equal_brute_force_on_the_network(
        seed in any::<u64>(),
        s in 2usize..8,
        m in 1usize..4,
        involve in any::<bool>(),
        spread in 0usize..3,
    ) {
        // A variant of the validated school: its policy changed on an (unvalidated) copy.
        let mut problem = validate(generate::generate_with(s, m, seed, true)).unwrap().to_problem();
        prop_assume!(problem.needs.len() <= 8);
        problem.policy.involve_every_mentor = involve;
        problem.policy.load_spread = SPREADS[spread];
        match equals_brute_force(&problem) {
            Ok(method) => prop_assert!(matches!(method, Method::Network { .. }), "{:?}", method),
            Err(e) => prop_assert!(false, "{}", e),
        }
    }
}

/// The lexicographic order holds on a school-size network: involvement never costs a covered
/// need, load spread never costs an involved mentor, and each option does what it says.
#[test]
fn involvement_never_costs_coverage_and_load_spread_never_costs_involvement() {
    let base = validate(generate::generate_with(600, 170, 11, true)).unwrap();
    let solve = |involve: bool, spread: f64| {
        let mut problem = base.to_problem();
        problem.policy.involve_every_mentor = involve;
        problem.policy.load_spread = spread;
        let solved = solver::solve_problem(&problem, SolveOptions::from_policy(&problem)).unwrap();
        assert_eq!(solved.solution.status, SolveStatus::Optimal);
        assert!(matches!(solved.method, Method::Network { .. }));
        let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
        let loads = solver::mentor_loads(&problem, &pairs);
        let max_load = loads.iter().copied().max().unwrap_or(0);
        let spread_sum: u32 = loads.iter().map(|l| l * l).sum();
        (
            coverage(&problem, &pairs),
            solver::mentors_involved(&problem, &pairs),
            spread_sum,
            max_load,
        )
    };
    let plain = solve(false, 0.0);
    let involved = solve(true, 0.0);
    let both = solve(true, 1.0);
    let spread_only = solve(false, 1.0);
    assert_eq!(involved.0, plain.0, "involvement never costs coverage");
    assert_eq!(both.0, plain.0, "nor does load spread");
    assert_eq!(spread_only.0, plain.0);
    assert!(involved.1 >= plain.1, "{} < {}", involved.1, plain.1);
    assert_eq!(both.1, involved.1, "load spread never costs involvement");
    // Spreading lowers the sum of squared loads (the convex cost it minimises, up to fit).
    assert!(spread_only.2 <= plain.2, "{} > {}", spread_only.2, plain.2);
}

/// A small school where each mentor with no student has a different reason, and where
/// `involveEveryMentor` turns the displaced mentor into an involved one.
fn idle_school(involve: bool) -> mentor_match::domain::model::Problem {
    let math = |id: &str, slots: &[&str], tracks: &[&str]| {
        serde_json::json!({
            "id": id, "role": "MENTOR_ROLE_SUBJECT_TEACHER", "capacity": 5,
            "subjects": [{"subject": "math", "years": 5}],
            "tracks": tracks, "availability": slots,
        })
    };
    let request = serde_json::json!({
        "students": [
            {"id": "S1", "grade": 8, "classId": "C1", "availability": ["MON-1"],
             "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math",
                        "priority": "PRIORITY_NORMAL"}],
             "preferences": [{"mentorId": "BEST", "rank": 1}]},
            {"id": "S2", "grade": 8, "classId": "C1", "availability": ["MON-1"],
             "needs": [{"id": "N2", "track": "TRACK_ACADEMIC", "subject": "math",
                        "priority": "PRIORITY_NORMAL"}],
             "preferences": [{"mentorId": "BEST", "rank": 1}]}
        ],
        "mentors": [
            math("BEST", &["MON-1"], &["TRACK_ACADEMIC"]),
            math("SPARE", &["MON-1"], &["TRACK_ACADEMIC"]),
            math("NOSLOT", &["TUE-2"], &["TRACK_ACADEMIC"]),
            math("NOTVOL", &["MON-1"], &["TRACK_TALENT"]),
            {"id": "ART", "role": "MENTOR_ROLE_SUBJECT_TEACHER", "capacity": 5,
             "coaching": [{"domain": "painting", "competitions": 3}],
             "availability": ["MON-1"]}
        ]
    });
    let request: mentor_match::proto::pb::SolveRequest =
        serde_json::from_value(request).expect("request JSON");
    let mut problem = validate(mentor_match::domain::raw::RawRequest::from(request))
        .expect("valid")
        .to_problem();
    problem.policy.involve_every_mentor = involve;
    problem
}

#[test]
fn every_mentor_without_a_student_is_listed_with_its_reason() {
    use mentor_match::explain::mentors::IdleReason;
    let reasons = |problem: &mentor_match::domain::model::Problem| {
        let outcome = engine::solve_with(problem, SolveOptions::from_policy(problem)).unwrap();
        let side = outcome.summary.mentor_side.clone();
        let named: Vec<(String, IdleReason)> = side
            .idle
            .iter()
            .map(|i| (problem.mentors[i.mentor as usize].id.clone(), i.reason))
            .collect();
        (side.involved, named, side.spread)
    };
    let (involved, idle, spread) = reasons(&idle_school(false));
    assert_eq!(
        involved, 1,
        "both students take the mentor they ranked first"
    );
    assert_eq!(
        idle,
        vec![
            ("SPARE".to_string(), IdleReason::Displaced),
            ("NOSLOT".to_string(), IdleReason::NoCommonSlot),
            ("NOTVOL".to_string(), IdleReason::NotVolunteered),
            ("ART".to_string(), IdleReason::NoQualifiedNeed),
        ]
    );
    assert_eq!((spread.min, spread.max), (0, 2));
    // Every teacher involved: the spare mentor takes one of the two, the rest stay idle for
    // their reasons (no plan can involve them).
    let (involved, idle, _) = reasons(&idle_school(true));
    assert_eq!(involved, 2);
    assert!(idle.iter().all(|(id, _)| id != "SPARE"), "{idle:?}");
    assert_eq!(idle.len(), 3);
}
