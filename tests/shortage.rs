//! "What it would take" (`mentor_match::shortage`): every suggested change is applied to the
//! request and the changed school solved afresh — the coverage gain per priority and the fit
//! change must be what was promised; on tiny network schools every single change is tried,
//! and each that covers more must be listed. Ranking, the cap of 20, determinism, and nothing
//! offered when every need is covered.
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::admit::validate;
use mentor_match::domain::model::Problem;
use mentor_match::domain::raw::{Coded, RawMentor, RawRequest, RawStudent};
use mentor_match::domain::slots::{slot_name, SlotSet};
use mentor_match::domain::{Priority, Track};
use mentor_match::engine;
use mentor_match::explain::Outcome;
use mentor_match::generate::{generate_with, Rng};
use mentor_match::shortage::{covers_more, ChangeKind, GainMethod, Gains, CHANGES_LISTED};
use mentor_match::solver::{self, SolveOptions, SolveStatus};
use proptest::prelude::*;

use crate::common::{
    random_need, random_pair, random_preferences, random_student, random_teacher, request_of,
    some_slots, tiny_request, with_lock_if_valid, TRACKS,
};

/// The request with one change applied, as a coordinator would make it.
fn apply(raw: &RawRequest, mentor: usize, kind: ChangeKind) -> RawRequest {
    let mut changed = raw.clone();
    let m = &mut changed.mentors[mentor];
    match kind {
        ChangeKind::AddSeat => m.capacity += 1,
        ChangeKind::Volunteer(track) => m.tracks.push(Coded::Set(track)),
        ChangeKind::AddSlot(bit) => m.availability.push(slot_name(bit)),
    }
    changed
}

/// The optimum of a request solved afresh: coverage per priority (index `Priority as usize`),
/// fit, and the fit tolerance of its packed costs.
fn fresh(raw: &RawRequest) -> ([i32; 4], f64, f64) {
    let problem = validate(raw.clone()).expect("the changed request is valid");
    let solved =
        solver::solve_problem(&problem, SolveOptions::from_policy(&problem)).expect("solves");
    assert_eq!(solved.solution.status, SolveStatus::Optimal);
    let all = engine::candidates(&problem);
    (
        solver::covered_by_priority(&solved.solution.coverage),
        solved.solution.objective,
        solver::fit_tolerance(&problem, &all),
    )
}

/// Checks every listed change of `outcome` against a fresh solve of the changed request, and
/// the list's order and cap. Returns how many changes were checked.
fn check_listed(raw: &RawRequest, problem: &Problem, outcome: &Outcome) -> usize {
    let Some(sh) = &outcome.shortage else {
        assert!(outcome.unassigned.is_empty());
        return 0;
    };
    assert!(!outcome.unassigned.is_empty());
    assert!(sh.changes.len() <= CHANGES_LISTED);
    assert_eq!(
        sh.changes.len(),
        (sh.with_gain as usize).min(CHANGES_LISTED)
    );
    let base = solver::covered_by_priority(&outcome.solver.coverage);
    let base_tolerance = solver::fit_tolerance(problem, &engine::candidates(problem));
    let key = |g: &[i32; 4]| {
        [
            g[Priority::Urgent as usize],
            g[Priority::High as usize],
            g[Priority::Normal as usize],
            g[Priority::Low as usize],
        ]
    };
    for pair in sh.changes.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            key(&a.coverage_gain) > key(&b.coverage_gain)
                || (a.coverage_gain == b.coverage_gain && a.fit_change >= b.fit_change),
            "ranked by coverage gain, urgent first, then fit: {a:?} before {b:?}"
        );
    }
    for c in &sh.changes {
        assert!(covers_more(&c.coverage_gain), "{c:?}");
        if c.kind == ChangeKind::AddSeat {
            // The rule's maximum: a mentor at 5 is never offered a sixth seat.
            assert!(problem.mentors[c.mentor as usize].capacity < 5, "{c:?}");
        }
        let (coverage, fit, tolerance) = fresh(&apply(raw, c.mentor as usize, c.kind));
        let gain: [i32; 4] = std::array::from_fn(|k| coverage[k] - base[k]);
        assert_eq!(c.coverage_gain, gain, "coverage gain of {c:?}");
        let expected = fit - outcome.solver.objective;
        assert!(
            (c.fit_change - expected).abs() <= 2.0 * (tolerance + base_tolerance) + 1e-9,
            "fit change of {c:?}: fresh solve says {expected}"
        );
        assert_eq!(
            c.covered.len() as i32 - c.uncovered.len() as i32,
            gain.iter().sum::<i32>()
        );
    }
    sh.changes.len()
}

/// Every single change of the three kinds a request allows: a seat for each mentor below 5,
/// each track a mentor with declared tracks did not declare, each slot a student has that the
/// mentor does not.
fn every_change(raw: &RawRequest, problem: &Problem) -> Vec<(usize, ChangeKind)> {
    let mut student_slots = SlotSet::EMPTY;
    for s in &problem.students {
        student_slots = student_slots.union(s.slots);
    }
    let mut out = Vec::new();
    for (i, m) in problem.mentors.iter().enumerate() {
        if m.capacity < 5 {
            out.push((i, ChangeKind::AddSeat));
        }
        if !raw.mentors[i].tracks.is_empty() {
            for track in Track::ALL {
                if !m.volunteers_for(track) {
                    out.push((i, ChangeKind::Volunteer(track)));
                }
            }
        }
        for bit in student_slots.minus(m.slots).bits() {
            out.push((i, ChangeKind::AddSlot(bit)));
        }
    }
    out
}

/// On a network plan every change that covers more is found: each single change is applied
/// and solved afresh, and those that cover more must be listed with that gain (when the list
/// is not cut at 20 and nothing was left unevaluated).
fn check_complete(raw: &RawRequest, problem: &Problem, outcome: &Outcome) -> usize {
    let Some(sh) = &outcome.shortage else {
        return 0;
    };
    if sh.gains != Gains::Computed || sh.not_evaluated > 0 || sh.with_gain as usize > CHANGES_LISTED
    {
        return 0;
    }
    let base = solver::covered_by_priority(&outcome.solver.coverage);
    let mut covering = 0;
    for (mentor, kind) in every_change(raw, problem) {
        let (coverage, _, _) = fresh(&apply(raw, mentor, kind));
        let gain: [i32; 4] = std::array::from_fn(|k| coverage[k] - base[k]);
        let listed = sh
            .changes
            .iter()
            .find(|c| c.mentor as usize == mentor && c.kind == kind);
        if covers_more(&gain) {
            covering += 1;
            let c = listed.unwrap_or_else(|| {
                panic!(
                    "change {kind:?} at mentor {mentor} covers more ({gain:?}) but is not listed"
                )
            });
            assert_eq!(c.coverage_gain, gain);
        } else {
            assert!(
                listed.is_none(),
                "{kind:?} at {mentor} listed, gain {gain:?}"
            );
        }
    }
    assert_eq!(covering, sh.with_gain as usize);
    covering
}

const SLOTS: [&str; 5] = ["MON-1", "MON-2", "TUE-1", "TUE-2", "WED-1"];

/// A tiny school with one need per student (so the plan is a network), shortage built in:
/// capacities 1–3 (sometimes 5), declared tracks that leave qualified mentors out, few common
/// slots, random priorities and preferences; sometimes a forbidden or locked pair, two common
/// slots required, or hardship.
fn network_request(seed: u64, students: usize, mentors: usize) -> RawRequest {
    let mut rng = Rng::new(seed);
    let mentor_list: Vec<RawMentor> = (0..mentors)
        .map(|i| {
            let teacher = random_teacher(&mut rng, i, 1);
            RawMentor {
                // Declared more often than in `tiny_request`, sometimes several.
                tracks: if rng.chance(0.3) {
                    vec![]
                } else {
                    let first = TRACKS[rng.below(3)];
                    TRACKS
                        .iter()
                        .filter(|&&t| t == first || rng.chance(0.4))
                        .map(|&t| Coded::Set(t))
                        .collect()
                },
                capacity: if rng.chance(0.1) {
                    5
                } else {
                    1 + rng.below(3) as u32
                },
                availability: some_slots(&mut rng, &SLOTS, 0.35),
                head_of_classes: if rng.chance(0.3) {
                    vec!["C1".into()]
                } else {
                    vec![]
                },
                traits: vec![["calm", "curious"][rng.below(2)].into()],
                ..teacher
            }
        })
        .collect();
    let student_list: Vec<RawStudent> = (0..students)
        .map(|i| {
            // The need's track is drawn before the preferences, its other fields after the
            // class (unlike `tiny_request`): kept so the tested schools stay the same.
            let track = TRACKS[rng.below(3)];
            let preferences = random_preferences(&mut rng, mentors, 0.3);
            let class_id = ["C1", "C2"][rng.below(2)].to_string();
            let needs = vec![random_need(&mut rng, "N1".into(), track)];
            random_student(&mut rng, (i, class_id), needs, preferences, (&SLOTS, 0.35))
        })
        .collect();
    let mut raw = request_of(student_list, mentor_list);
    if rng.chance(0.3) {
        raw.forbidden_pairs
            .push(random_pair(&mut rng, students, mentors));
    }
    if rng.chance(0.2) {
        raw.policy.min_common_slots = Some(2);
    }
    if rng.chance(0.3) {
        let lock = random_pair(&mut rng, students, mentors);
        return with_lock_if_valid(raw, lock);
    }
    raw
}

proptest! {
    #![proptest_config(crate::common::proptest_config(200))]

    /// On tiny network schools every listed change is what a fresh solve of the changed
    /// request says (coverage per priority exactly, fit within the packed costs' tolerance),
    /// the list is ranked, and every single change that covers more is listed.
    #[test]
    fn every_change_that_covers_more_is_listed_with_its_exact_gain(
        seed in any::<u64>(), s in 3usize..9, m in 2usize..6,
    ) {
        let raw = network_request(seed, s, m);
        let problem = validate(raw.clone()).expect("valid");
        let outcome = engine::solve(&problem).expect("solves");
        check_listed(&raw, &problem, &outcome);
        check_complete(&raw, &problem, &outcome);
    }

    /// On tiny multi-need schools (seat sharing: gains by re-solve) every listed change is what
    /// a fresh solve of the changed request says.
    #[test]
    fn changes_on_seat_sharing_plans_are_checked_by_a_fresh_solve(
        seed in any::<u64>(), s in 2usize..7, m in 2usize..5,
    ) {
        let raw = tiny_request(seed, s, m);
        let problem = validate(raw.clone()).expect("valid");
        let outcome = engine::solve(&problem).expect("solves");
        check_listed(&raw, &problem, &outcome);
    }
}

/// The property above is not vacuous: over fixed seeds the residual network prices seats,
/// volunteers and slots, changes that cover several students, and changes where a lower
/// priority gives way; and the completeness check runs.
#[test]
fn tiny_network_schools_exercise_every_kind_of_change() {
    let (mut kinds, mut several, mut swaps, mut complete) = ([0usize; 3], 0, 0, 0);
    for seed in 0..150u64 {
        let raw = network_request(seed, 3 + (seed % 6) as usize, 2 + (seed % 4) as usize);
        let problem = validate(raw.clone()).expect("valid");
        let outcome = engine::solve(&problem).expect("solves");
        check_listed(&raw, &problem, &outcome);
        complete += check_complete(&raw, &problem, &outcome);
        let Some(sh) = &outcome.shortage else {
            continue;
        };
        assert_eq!(sh.gains, Gains::Computed);
        for c in &sh.changes {
            assert_eq!(c.method, GainMethod::Residual, "{c:?}");
            kinds[match c.kind {
                ChangeKind::AddSeat => 0,
                ChangeKind::Volunteer(_) => 1,
                ChangeKind::AddSlot(_) => 2,
            }] += 1;
            several += usize::from(c.covered.len() >= 2);
            swaps += usize::from(!c.uncovered.is_empty());
        }
    }
    assert!(kinds.iter().all(|&k| k >= 20), "{kinds:?}");
    assert!(several >= 10 && swaps >= 5, "{several} {swaps}");
    assert!(complete >= 200, "{complete}");
}

/// A generated single-need school (network method) with every capacity cut by two.
fn school_with_shortage(students: usize, mentors: usize, seed: u64) -> RawRequest {
    let mut raw = generate_with(students, mentors, seed, true);
    for m in &mut raw.mentors {
        m.capacity = m.capacity.saturating_sub(2).max(1);
    }
    raw
}

/// A 900-student school short of mentors: more than 20 changes cover more, the best 20 are
/// listed (the rest counted), each priced from the residual network and each what a fresh
/// solve of the changed school says.
#[test]
fn a_generated_school_short_of_mentors_gets_the_exact_gain_of_its_best_twenty_changes() {
    let raw = school_with_shortage(900, 240, 7);
    let problem = validate(raw.clone()).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    assert_eq!(outcome.solver.status, SolveStatus::Optimal);
    assert_eq!(
        outcome.solver.method,
        Some(mentor_match::solver::MethodKind::Network)
    );
    let sh = outcome.shortage.as_ref().expect("needs are left");
    assert_eq!(sh.gains, Gains::Computed);
    assert_eq!(sh.not_evaluated, 0);
    assert!(sh.with_gain as usize > CHANGES_LISTED, "{}", sh.with_gain);
    assert!(sh.changes.iter().all(|c| c.method == GainMethod::Residual));
    assert_eq!(check_listed(&raw, &problem, &outcome), CHANGES_LISTED);
    // Supply per track and subject: every unassigned need is counted once.
    let left: u32 = sh.gaps.iter().map(|g| g.unassigned_total()).sum();
    assert_eq!(left as usize, outcome.unassigned.len());
}

/// A smaller generated school, every capacity cut: all listed changes checked by fresh solves
/// over several seeds.
#[test]
fn generated_schools_short_of_mentors_get_exact_gains() {
    let mut checked = 0;
    for seed in 1..=4 {
        let raw = school_with_shortage(240, 64, seed);
        let problem = validate(raw.clone()).expect("valid");
        let outcome = engine::solve(&problem).expect("solves");
        checked += check_listed(&raw, &problem, &outcome);
    }
    assert!(checked >= 40, "{checked}");
}

/// The same request gives the same answer, byte for byte (across thread counts too: see
/// `cli::output_is_byte_identical_across_thread_counts`, whose schools have needs left).
#[test]
fn the_same_request_gives_the_same_changes_in_the_same_order() {
    let raw = school_with_shortage(300, 80, 3);
    let problem = validate(raw).expect("valid");
    let first = engine::solve(&problem).expect("solves");
    let second = engine::solve(&problem).expect("solves");
    assert!(first
        .shortage
        .as_ref()
        .is_some_and(|s| !s.changes.is_empty()));
    assert_eq!(first.shortage, second.shortage);
    let json = |o: &Outcome| serde_json::to_string(&mentor_match::proto::response(&problem, o));
    assert_eq!(json(&first).unwrap(), json(&second).unwrap());
}

fn solve_json(request: serde_json::Value) -> (serde_json::Value, String) {
    use mentor_match::cli::{solve_to_string, Format};
    let pb: mentor_match::proto::pb::SolveRequest =
        serde_json::from_value(request).expect("request parses");
    let json = solve_to_string(pb.clone(), Format::Json).expect("solves");
    let text = solve_to_string(pb, Format::Table).expect("solves");
    (serde_json::from_str(&json).expect("response parses"), text)
}

/// Two students need math and share MON-1 with T1, who has one seat: the urgent one gets it.
/// T2 teaches math but volunteered for talent only; T3 volunteers but meets on WED-1. Each of
/// the four single changes covers the normal need; the answer says so in JSON and text.
#[test]
fn a_small_school_is_told_what_each_change_would_cover_in_json_and_text() {
    let teacher = |id: &str, tracks: &[&str], slots: &[&str], capacity: u32| {
        serde_json::json!({"id": id, "capacity": capacity, "availability": slots, "tracks": tracks,
                           "subjects": [{"subject": "math", "years": 5}]})
    };
    let request = serde_json::json!({
        "students": [
            {"id": "S1", "availability": ["MON-1"],
             "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math",
                        "priority": "PRIORITY_URGENT"}]},
            {"id": "S2", "availability": ["MON-1", "TUE-1"],
             "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math",
                        "priority": "PRIORITY_NORMAL"}]}],
        "mentors": [
            teacher("T1", &["TRACK_ACADEMIC"], &["MON-1"], 1),
            teacher("T2", &["TRACK_TALENT"], &["MON-1"], 2),
            teacher("T3", &["TRACK_ACADEMIC"], &["WED-1"], 2)]
    });
    let (reply, text) = solve_json(request);
    let sh = &reply["shortage"];
    let gap = &sh["gaps"][0];
    assert_eq!(gap["track"], "TRACK_ACADEMIC");
    assert_eq!(gap["subject"], "math");
    assert_eq!(gap["unassigned"], 1);
    assert_eq!(gap["qualifiedVolunteers"], 2);
    assert_eq!(gap["fullVolunteers"], 1);
    assert_eq!(gap["qualifiedNotVolunteering"], 1);
    assert_eq!(gap["unsharedSlots"], serde_json::json!(["TUE-1"]));
    let changes = sh["changes"].as_array().expect("changes");
    let mut kinds: Vec<String> = changes
        .iter()
        .map(|c| {
            assert_eq!(c["coverageGain"][2]["priority"], "PRIORITY_NORMAL");
            assert_eq!(c["coverageGain"][2]["count"], 1);
            assert_eq!(c["coveredNeeds"][0]["studentId"], "S2");
            assert_eq!(c["method"], "SHORTAGE_GAIN_METHOD_RESIDUAL");
            format!(
                "{} {} {}",
                c["kind"].as_str().unwrap(),
                c["mentorId"].as_str().unwrap(),
                c["slot"].as_str().or(c["track"].as_str()).unwrap_or("")
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "SHORTAGE_CHANGE_KIND_ADD_SEAT T1 ",
            "SHORTAGE_CHANGE_KIND_ADD_SLOT T3 MON-1",
            "SHORTAGE_CHANGE_KIND_ADD_SLOT T3 TUE-1",
            "SHORTAGE_CHANGE_KIND_VOLUNTEER T2 TRACK_ACADEMIC",
        ]
    );
    assert_eq!(changes.len(), 4);
    assert_eq!(sh["changesWithGain"], 4);
    assert_eq!(sh["gainsComputed"], true);
    for line in [
        "TO COVER EVERYONE (what it would take)",
        "- academic math: 1 of 2 left (1 normal); 2 qualified volunteer(s), 1 full; 1 qualified but not volunteering; slots no qualified volunteer has: TUE-1",
        "one more seat for T1 (capacity 1 → 2): covers 1 more normal need (S2/N1); fit +",
        "T2 volunteers for academic too: covers 1 more normal need (S2/N1)",
        "T3 adds weekly slot TUE-1: covers 1 more normal need (S2/N1)",
    ] {
        assert!(text.contains(line), "{line:?} missing in\n{text}");
    }
}

/// When every need is covered there is nothing to take: no shortage in JSON or text.
#[test]
fn nothing_is_offered_when_every_need_is_covered() {
    let request = serde_json::json!({
        "students": [{"id": "S1", "availability": ["MON-1"],
                      "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math"}]}],
        "mentors": [{"id": "T1", "capacity": 1, "availability": ["MON-1"],
                     "subjects": [{"subject": "math", "years": 5}]}]
    });
    let (reply, text) = solve_json(request);
    assert_eq!(reply["summary"]["needsCovered"], 1);
    assert!(reply.get("shortage").is_none(), "{reply}");
    assert!(!text.contains("TO COVER EVERYONE"), "{text}");
}

/// The bundled school (several needs per student: seat sharing) gets its gains by re-solves,
/// each checked by a fresh solve of the changed request.
#[test]
fn the_bundled_school_gets_gains_by_re_solves_each_checked_by_a_fresh_solve() {
    let text = std::fs::read_to_string(crate::common::example_path()).unwrap();
    let pb: mentor_match::proto::pb::SolveRequest = serde_json::from_str(&text).unwrap();
    let raw = RawRequest::from(pb);
    let problem = validate(raw.clone()).expect("valid");
    let outcome = engine::solve(&problem).expect("solves");
    let sh = outcome
        .shortage
        .as_ref()
        .expect("the bundled school has needs left");
    assert_eq!(sh.gains, Gains::Computed);
    assert!(sh.changes.iter().all(|c| c.method == GainMethod::ReSolve));
    assert!(check_listed(&raw, &problem, &outcome) > 0);
}

/// A rematch bounded by maxChanges is solved under a side row the residual network does not
/// model, so its gains are not computed, and the answer says why; the supply is given anyway.
#[test]
fn a_rematch_bounded_by_max_changes_gets_the_supply_but_no_gains() {
    use mentor_match::rematch::{rematch, RawRematch};
    let teacher = serde_json::json!({"id": "T1", "capacity": 1, "availability": ["MON-8"],
                                     "subjects": [{"subject": "math", "years": 5}]});
    let student = |id: &str| {
        serde_json::json!({"id": id, "availability": ["MON-8"],
                           "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math"}]})
    };
    let request = serde_json::json!({
        "request": {"students": [student("S1"), student("S2")], "mentors": [teacher]},
        "currentPairs": [{"studentId": "S1", "mentorId": "T1", "evaluation": "EVALUATION_WORKING"}],
        "rematch": {"maxChanges": 0}
    });
    let req: mentor_match::proto::pb::RematchRequest =
        serde_json::from_value(request).expect("rematch request parses");
    let r = rematch(RawRematch::from(req)).expect("rematch solves");
    let sh = r.outcome.shortage.as_ref().expect("S2 is left");
    assert_eq!(
        sh.gains,
        Gains::NotComputed("not for a rematch bounded by maxChanges")
    );
    assert!(sh.changes.is_empty());
    // No gain is computed, so the changes (one more seat for T1) are not generated either.
    assert_eq!(sh.not_evaluated, 0);
    assert_eq!(sh.gaps.len(), 1);
    assert_eq!(sh.gaps[0].full_volunteers, 1);
    let json = serde_json::to_value(mentor_match::proto::rematch_response(&r)).unwrap();
    // proto3 JSON leaves false out.
    assert!(json["result"]["shortage"].get("gainsComputed").is_none());
    assert_eq!(
        json["result"]["shortage"]["gainsNote"],
        "not for a rematch bounded by maxChanges"
    );
}

/// A what-if answers its diff: the base plan carries the gains, each scenario only its supply
/// per track (and says why).
#[test]
fn what_if_scenarios_get_the_supply_and_the_base_plan_the_gains() {
    use mentor_match::whatif::{what_if, Change, Scenario};
    let text = std::fs::read_to_string(crate::common::example_path()).unwrap();
    let pb: mentor_match::proto::pb::SolveRequest = serde_json::from_str(&text).unwrap();
    let scenario = Scenario {
        name: "T0009 leaves".into(),
        changes: vec![Change::RemoveMentor {
            mentor_id: "T0009".into(),
        }],
    };
    let w = what_if(
        RawRequest::from(pb),
        &[scenario],
        None,
        mentor_match::solver::Budget::default(),
        None,
    )
    .expect("solves");
    let base = w.base.shortage.as_ref().expect("needs are left");
    assert_eq!(base.gains, Gains::Computed);
    assert!(!base.changes.is_empty());
    let scenario = w.scenarios[0]
        .rematch
        .outcome
        .shortage
        .as_ref()
        .expect("needs are left");
    assert!(matches!(scenario.gains, Gains::NotComputed(_)));
    assert!(scenario.changes.is_empty() && !scenario.gaps.is_empty());
}
