//! Mid-size schools of shapes `generate` never makes, solved through the one entry point and
//! checked against the integer program over every pair: the same coverage at every level and
//! the same fit, both plans valid, the engine's proven.
//!
//! Why: the brute-force properties reach 8 students, where the seat-sharing method's master,
//! its tiers, the floored bound and the residual program rarely all run; the generated-school
//! checks reach 300 students of one generator. Here 30–120 students are drawn with up to five
//! needs each, few or many subjects, capacities from all-one to all-five, per-student limits,
//! locks, forbidden pairs, caller affinities, and every score tied, so that each piece runs on
//! shapes nobody tuned it for. CI runs eight seeds ([`DEFAULT_SEEDS`]); a sweep runs a range:
//! `MENTOR_MATCH_MID_SIZE_FIRST=1 MENTOR_MATCH_MID_SIZE_CASES=1500 cargo test --release
//! --test tests mid_size` (seeds 1–1,500 take ~2 minutes).
//!
//! Uses `mentor_match`'s public API and `crate::common` only; must not import another test
//! module.

use mentor_match::admit::validate;
use mentor_match::domain::model::Validated;
use mentor_match::domain::raw::{
    Coded, RawAffinity, RawChoice, RawCoaching, RawCounselling, RawMentor, RawNeed, RawPair,
    RawRequest, RawStudent, RawSubject,
};
use mentor_match::domain::{Priority, Track};
use mentor_match::engine;
use mentor_match::generate::Rng;
use mentor_match::solver::{self, verify, SolveOptions, SolveStatus};

use crate::common::{
    assert_claims_hold, assert_the_programs_optimum, binding_bounds_meet_the_program, plain_mentor,
    with_lock_if_valid, PRIORITIES,
};

const SUBJECTS: [&str; 6] = [
    "math",
    "english",
    "physics",
    "chemistry",
    "biology",
    "history",
];
const SLOTS: [&str; 5] = ["MON-1", "MON-2", "TUE-1", "WED-1", "THU-1"];

/// Cases run by default (the CI run). Seed 750 first: HiGHS corrupted its heap on it and
/// aborted the process (a basis of columns longer than the LP's first ones; see
/// `solver::highs::tests::columns_longer_than_the_first_ones_can_enter_the_basis`), found by
/// this test's sweep of seeds 1–1,500. Seed 10,375: stopped at 50 ms in a release build, its
/// answer claimed every level proven while its bound had floored only the upper levels (coverage
/// floors level by level, twentieth session), normal 14 where 16 can be covered; found by the
/// sweep of seeds 10,001–11,500 (a debug build may stop elsewhere). Seed 40,159: stopped at 25
/// or 50 ms on a loaded machine (about one run in five beside two busy processes), its answer's
/// fit bound was the residual programme's, which holds over that programme's pairs only: 809
/// where the optimum's fit is 813.9; found by the sweep of seeds 40,001–40,400.
/// `MENTOR_MATCH_MID_SIZE_FIRST` and `MENTOR_MATCH_MID_SIZE_CASES` run seeds
/// `FIRST..FIRST+CASES` instead.
const DEFAULT_SEEDS: [u64; 8] = [750, 10_375, 40_159, 1, 2, 3, 4, 5];

/// How the random school is drawn: one value per knob, drawn first from the case's seed.
#[derive(Debug)]
struct Shape {
    students: usize,
    mentors: usize,
    subjects: usize,
    max_needs: usize,
    capacity: (u32, u32),
    slot_density: f64,
    /// Every score equal: no preferences, one slot, the same years, no traits or affinities.
    tied: bool,
    affinities: bool,
    limit: Option<u32>,
    one_priority: bool,
}

impl Shape {
    fn draw(rng: &mut Rng) -> Shape {
        // A sweep may ask for larger schools (`MENTOR_MATCH_MID_SIZE_SCALE=4`: 120–480).
        let scale = env_u64("MENTOR_MATCH_MID_SIZE_SCALE").unwrap_or(1).max(1) as usize;
        let students = (30 + rng.below(91)) * scale;
        let ratio = [3usize, 4, 6, 10][rng.below(4)];
        let capacity = [(1, 1), (1, 2), (1, 5), (3, 5), (5, 5)][rng.below(5)];
        Shape {
            students,
            mentors: (students / ratio).max(2),
            subjects: 1 + rng.below(SUBJECTS.len()),
            max_needs: 1 + rng.below(5),
            capacity,
            slot_density: [0.3, 0.6, 1.0][rng.below(3)],
            tied: rng.chance(0.2),
            affinities: rng.chance(0.25),
            limit: [None, Some(1), Some(2), Some(3)][rng.below(4)],
            one_priority: rng.chance(0.2),
        }
    }
}

fn slots(rng: &mut Rng, shape: &Shape) -> Vec<String> {
    if shape.tied {
        return vec![SLOTS[0].into()];
    }
    let mut v: Vec<String> = SLOTS
        .iter()
        .filter(|_| rng.chance(shape.slot_density))
        .map(|s| s.to_string())
        .collect();
    if v.is_empty() {
        v.push(SLOTS[rng.below(SLOTS.len())].into());
    }
    v
}

fn mentor(rng: &mut Rng, i: usize, shape: &Shape) -> RawMentor {
    let mut subjects: Vec<RawSubject> = Vec::new();
    let taught = 1 + rng.below(3);
    for _ in 0..taught {
        let subject = SUBJECTS[rng.below(shape.subjects)];
        if subjects.iter().all(|s| s.subject != subject) {
            subjects.push(RawSubject {
                subject: subject.into(),
                years: if shape.tied {
                    5
                } else {
                    1 + rng.below(20) as u32
                },
                topics: vec![],
            });
        }
    }
    let counselling = if rng.chance(0.3) {
        RawCounselling {
            certificate: true,
            trained: true,
            years: if shape.tied { 5 } else { rng.below(10) as u32 },
            topics: vec![],
        }
    } else {
        RawCounselling::default()
    };
    let coaching = if rng.chance(0.25) {
        vec![RawCoaching {
            domain: "art".into(),
            competitions: 1 + if shape.tied { 0 } else { rng.below(4) as u32 },
            topics: vec![],
        }]
    } else {
        vec![]
    };
    let (low, high) = shape.capacity;
    RawMentor {
        subjects,
        counselling,
        coaching,
        capacity: low + rng.below((high - low + 1) as usize) as u32,
        availability: slots(rng, shape),
        traits: if !shape.tied && rng.chance(0.5) {
            vec!["calm".into()]
        } else {
            vec![]
        },
        ..plain_mentor(&format!("T{i}"))
    }
}

fn need(rng: &mut Rng, k: usize, shape: &Shape) -> RawNeed {
    let track = match rng.below(10) {
        0..=6 => Track::Academic,
        7 | 8 => Track::Psychological,
        _ => Track::Talent,
    };
    RawNeed {
        id: format!("N{k}"),
        track: Coded::Set(track),
        subject: match track {
            Track::Academic => SUBJECTS[rng.below(shape.subjects)].into(),
            Track::Talent => "art".into(),
            Track::Psychological => String::new(),
        },
        priority: Coded::Set(if shape.one_priority {
            Priority::Normal
        } else {
            PRIORITIES[rng.below(4)]
        }),
        weak_points: vec![],
        risk_level: Coded::Unset,
    }
}

fn student(rng: &mut Rng, i: usize, shape: &Shape) -> RawStudent {
    let count = 1 + rng.below(shape.max_needs);
    let mut needs: Vec<RawNeed> = Vec::new();
    for k in 0..count {
        let candidate = need(rng, k, shape);
        // Two academic needs in one subject are one need; keep the first.
        let repeated = needs
            .iter()
            .any(|n| n.track == candidate.track && n.subject == candidate.subject);
        if !repeated {
            needs.push(candidate);
        }
    }
    let mut preferences: Vec<RawChoice> = Vec::new();
    if !shape.tied {
        for _ in 0..rng.below(4) {
            let id = format!("T{}", rng.below(shape.mentors));
            if preferences.iter().all(|c| c.id != id) {
                preferences.push(RawChoice {
                    rank: preferences.len() as u32 + 1,
                    id,
                });
            }
        }
    }
    RawStudent {
        id: format!("S{i}"),
        grade: 8,
        class_id: format!("C{}", rng.below(3)),
        gender: None,
        needs,
        availability: slots(rng, shape),
        preferences,
        traits: if !shape.tied && rng.chance(0.5) {
            vec!["calm".into()]
        } else {
            vec![]
        },
        family_hardship: false,
    }
}

fn pair(rng: &mut Rng, shape: &Shape) -> RawPair {
    RawPair {
        student_id: format!("S{}", rng.below(shape.students)),
        mentor_id: format!("T{}", rng.below(shape.mentors)),
    }
}

/// A valid request of the case's shape (locks that would make it invalid are left out).
fn request(seed: u64) -> (Shape, RawRequest) {
    let mut rng = Rng::new(seed);
    let shape = Shape::draw(&mut rng);
    let mentors = (0..shape.mentors)
        .map(|i| mentor(&mut rng, i, &shape))
        .collect();
    let students = (0..shape.students)
        .map(|i| student(&mut rng, i, &shape))
        .collect();
    let mut raw = RawRequest {
        students,
        mentors,
        ..RawRequest::default()
    };
    raw.policy.max_mentors_per_student = shape.limit;
    raw.policy.time_limit_seconds = Some(120.0);
    if shape.affinities {
        for _ in 0..shape.students {
            let p = pair(&mut rng, &shape);
            let score = rng.below(101) as f64 / 100.0;
            if !raw
                .affinities
                .iter()
                .any(|a| a.student_id == p.student_id && a.mentor_id == p.mentor_id)
            {
                raw.affinities.push(RawAffinity {
                    student_id: p.student_id,
                    mentor_id: p.mentor_id,
                    score,
                });
            }
        }
    }
    for _ in 0..rng.below(4) {
        let p = pair(&mut rng, &shape);
        if !raw.forbidden_pairs.contains(&p) {
            raw.forbidden_pairs.push(p);
        }
    }
    for _ in 0..rng.below(3) {
        let lock = pair(&mut rng, &shape);
        raw = with_lock_if_valid(raw, lock);
    }
    (shape, raw)
}

/// The case's shape and its school, validated.
fn school(seed: u64) -> (Shape, Validated) {
    let (shape, raw) = request(seed);
    let problem = validate(raw).unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
    (shape, problem)
}

/// A number from the environment, when set and readable.
fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

/// Needs covered per level, urgent first: compared as arrays, the lexicographic order.
fn urgent_first(levels: &[solver::LevelCoverage]) -> [i32; 4] {
    let mut out = solver::covered_by_priority(levels);
    out.reverse();
    out
}

/// The bound-on-changes test's seeds in CI: the program over every pair takes 6–10 s a bound
/// on seed 1's school, ~1 s on these.
const BINDING_SEEDS: [u64; 4] = [750, 2, 3, 4];

/// The seeds to run: [`DEFAULT_SEEDS`], or the range the environment asks for.
fn seeds() -> Vec<u64> {
    seeds_or(&DEFAULT_SEEDS)
}

/// `default`, or the range the environment asks for.
fn seeds_or(default: &[u64]) -> Vec<u64> {
    match (
        env_u64("MENTOR_MATCH_MID_SIZE_FIRST"),
        env_u64("MENTOR_MATCH_MID_SIZE_CASES"),
    ) {
        (None, None) => default.to_vec(),
        (first, cases) => {
            let first = first.unwrap_or(1);
            (first..first + cases.unwrap_or(1)).collect()
        }
    }
}

#[test]
fn mid_size_schools_of_other_shapes_get_the_integer_programs_optimum() {
    let mut compared = 0;
    let seeds = seeds();
    for &seed in &seeds {
        let (shape, problem) = school(seed);
        let options = SolveOptions::from_policy(&problem);
        let solved = solver::solve_problem(&problem, options).expect("solves");
        let pairs = verify::pairs(&solved.candidates, &solved.solution.chosen);
        assert_eq!(verify::verify(&problem, &pairs), Ok(()), "seed {seed}");
        assert_eq!(
            solved.solution.status,
            SolveStatus::Optimal,
            "seed {seed} {shape:?}: {:?}",
            solved.method
        );
        let candidates = engine::candidates(&problem);
        let mip = solver::solve_integer_program(&problem, &candidates, options).expect("solves");
        if mip.status != SolveStatus::Optimal {
            // The oracle could not prove its own answer: it must not be better, though.
            assert!(
                urgent_first(&mip.coverage) <= urgent_first(&solved.solution.coverage),
                "seed {seed} {shape:?}"
            );
            continue;
        }
        compared += 1;
        assert_the_programs_optimum(&solved, &mip, &format!("seed {seed} {shape:?}"));
    }
    // A sweep's one seed may be beyond the oracle; CI's seeds are not.
    assert!(
        compared > 0 || seeds != DEFAULT_SEEDS,
        "the oracle proved none of the cases"
    );
}

/// The same schools stopped early (1 to 50 ms, so that the limit falls in every phase: the
/// first flows, the master, the residual program): every answer is a valid plan, covers no
/// more than the optimum at the first level where they differ, and claims no coverage
/// (`atMost`) the optimum disproves.
#[test]
fn mid_size_schools_stopped_early_give_valid_plans_and_honest_claims() {
    for seed in seeds() {
        let (shape, problem) = school(seed);
        let optimum =
            solver::solve_problem(&problem, SolveOptions::from_policy(&problem)).expect("solves");
        assert_eq!(optimum.solution.status, SolveStatus::Optimal, "seed {seed}");
        let best = optimum.solution.reported_coverage();
        for ms in [1, 3, 10, 25, 50] {
            let options = SolveOptions {
                time_limit: std::time::Duration::from_millis(ms),
                ..SolveOptions::from_policy(&problem)
            };
            let stopped = solver::solve_problem(&problem, options).expect("solves");
            let label = format!("seed {seed} at {ms} ms {shape:?}");
            let pairs = verify::pairs(&stopped.candidates, &stopped.solution.chosen);
            assert_eq!(verify::verify(&problem, &pairs), Ok(()), "{label}");
            let levels = stopped.solution.reported_coverage();
            assert!(
                urgent_first(&levels) <= urgent_first(&best),
                "{label}: {levels:?} beats the optimum {best:?}"
            );
            assert_claims_hold(&levels, &best, &label);
            assert!(
                stopped.solution.best_bound >= optimum.solution.objective - 1e-6,
                "{label}: bound {} below the optimum {}",
                stopped.solution.best_bound,
                optimum.solution.objective
            );
        }
    }
}

/// The same schools as a rematch whose bound on changes binds (`maxChanges`: keep at least
/// `K` of a row of pairs), at three bounds each, against the integer program.
#[test]
fn mid_size_schools_with_a_binding_bound_on_changes_get_the_programs_optimum() {
    let mut cases = 0;
    let seeds = seeds_or(&BINDING_SEEDS);
    for &seed in &seeds {
        let (shape, problem) = school(seed);
        let (compared, _) =
            binding_bounds_meet_the_program(&problem, &format!("seed {seed} {shape:?}"), |_| true);
        cases += compared;
    }
    // A sweep's seed may have no bound within reach; CI's seeds have.
    assert!(cases > 0 || seeds != BINDING_SEEDS, "no bound within reach");
}
