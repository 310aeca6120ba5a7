//! School-size benchmarks (`cargo bench --bench school`): the engine against the straightforward
//! dense good_lp + HiGHS model (a binary on every feasible pair) on the same generated
//! instance, in the same run. Before measuring, both are solved once and their optima compared;
//! after measuring, the median ratio is printed. The multi-need school of the default generator
//! (the school's real model) is then measured the same way: the engine (network+side) against
//! the integer program over every pair.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use mentor_match::admit::validate;
use mentor_match::domain::model::Problem;
use mentor_match::solver::{self, SolveOptions};
use mentor_match::{engine, generate};

fn school(single_need: bool) -> mentor_match::domain::model::Validated {
    validate(generate::generate_with(900, 240, 1, single_need)).expect("generated school is valid")
}

/// The baseline: every feasible pair a binary, solved by HiGHS through good_lp.
fn dense(problem: &Problem) -> f64 {
    let candidates = engine::candidates(problem);
    solver::solve_integer_program(problem, &candidates, SolveOptions::from_policy(problem))
        .expect("baseline solves")
        .objective
}

fn fast(problem: &Problem) -> f64 {
    solver::solve_problem(problem, SolveOptions::from_policy(problem))
        .expect("engine solves")
        .solution
        .objective
}

fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn bench(c: &mut Criterion) {
    let problem = school(true);
    let (a, b) = (fast(&problem), dense(&problem));
    assert!(
        (a - b).abs() < 1e-6 * a.abs().max(1.0),
        "optima differ: engine {a} vs dense model {b}"
    );
    let mut group = c.benchmark_group("school_900x240");
    group.sample_size(20);
    group.bench_function("engine_solve_and_explain", |bch| {
        bch.iter(|| engine::solve(&problem).expect("solves"))
    });
    group.bench_function("engine_model_build_and_solve", |bch| {
        bch.iter(|| fast(&problem))
    });
    group.sample_size(10);
    group.bench_function("baseline_dense_highs", |bch| bch.iter(|| dense(&problem)));
    group.finish();

    let engine_time = median(
        || {
            std::hint::black_box(fast(&problem));
        },
        11,
    );
    let total_time = median(
        || {
            let _ = std::hint::black_box(engine::solve(&problem));
        },
        11,
    );
    let dense_time = median(
        || {
            std::hint::black_box(dense(&problem));
        },
        3,
    );
    println!(
        "\nschool 900x240 (one need per student): objectives agree ({a:.6}); \
         build+solve {:.1} ms, with explanations {:.1} ms, dense good_lp+HiGHS {:.1} ms; \
         dense/engine = {:.1}x",
        engine_time.as_secs_f64() * 1e3,
        total_time.as_secs_f64() * 1e3,
        dense_time.as_secs_f64() * 1e3,
        dense_time.as_secs_f64() / engine_time.as_secs_f64()
    );

    // Every teacher involved and fair loads on the same school: seat costs on the network's
    // seat arcs, so the fast path stays the network; checked against the integer program,
    // which models both with mentor-level columns.
    let mut fair = problem.to_problem();
    fair.policy.involve_every_mentor = true;
    fair.policy.load_spread = 0.5;
    let fair_method = solver::solve_problem(&fair, SolveOptions::from_policy(&fair))
        .expect("engine solves")
        .method;
    let (engine_fair, dense_fair) = (fast(&fair), dense(&fair));
    assert!(
        (engine_fair - dense_fair).abs() < 1e-6 * engine_fair.abs().max(1.0),
        "optima differ with involvement and load spread: engine {engine_fair} vs dense {dense_fair}"
    );
    let mut group = c.benchmark_group("school_900x240_involve_and_spread");
    group.sample_size(20);
    group.bench_function("engine_options_off", |bch| bch.iter(|| fast(&problem)));
    group.bench_function("engine_options_on", |bch| bch.iter(|| fast(&fair)));
    group.finish();
    let off = median(
        || {
            std::hint::black_box(fast(&problem));
        },
        11,
    );
    let on = median(
        || {
            std::hint::black_box(fast(&fair));
        },
        11,
    );
    println!(
        "school 900x240 with involveEveryMentor and loadSpread 0.5: {fair_method:?}, objectives \
         agree with the integer program ({engine_fair:.6}); build+solve {:.1} ms vs {:.1} ms \
         with the options off; on/off = {:.2}x",
        on.as_secs_f64() * 1e3,
        off.as_secs_f64() * 1e3,
        on.as_secs_f64() / off.as_secs_f64()
    );

    // The default generator's school (several needs per student, seat sharing possible): the
    // school's real model. The engine answers it by network+side; the baseline is the integer
    // program over every pair (the engine's path for this model before network+side).
    let multi = school(false);
    let method = solver::solve_problem(&multi, SolveOptions::from_policy(&multi))
        .expect("engine solves")
        .method;
    let (engine_multi, dense_multi) = (fast(&multi), dense(&multi));
    assert!(
        (engine_multi - dense_multi).abs() < 1e-6 * engine_multi.abs().max(1.0),
        "optima differ: engine {engine_multi} vs integer program {dense_multi}"
    );
    let mut group = c.benchmark_group("school_900x240_multi_need");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("engine_network_side", |bch| bch.iter(|| fast(&multi)));
    // The same engine with the pattern master's coverage tiers on HiGHS instead of the
    // network simplex (`side/network_tiers.rs`): the master as it was before, for the ratio.
    std::env::set_var("MENTOR_MATCH_MASTER_ENGINE", "highs");
    let engine_on_highs = fast(&multi);
    group.bench_function("engine_network_side_master_on_highs", |bch| {
        bch.iter(|| fast(&multi))
    });
    std::env::remove_var("MENTOR_MATCH_MASTER_ENGINE");
    assert!(
        (engine_multi - engine_on_highs).abs() < 1e-6 * engine_multi.abs().max(1.0),
        "optima differ: master on the network {engine_multi} vs on HiGHS {engine_on_highs}"
    );
    group.bench_function("baseline_integer_program", |bch| bch.iter(|| dense(&multi)));
    group.finish();
    let engine_multi_time = median(
        || {
            std::hint::black_box(fast(&multi));
        },
        3,
    );
    let dense_multi_time = median(
        || {
            std::hint::black_box(dense(&multi));
        },
        3,
    );
    println!(
        "school 900x240 (several needs per student): objectives agree ({engine_multi:.6}); \
         engine ({method:?}) {:.2} s, integer program over every pair {:.2} s; \
         integer program/engine = {:.2}x",
        engine_multi_time.as_secs_f64(),
        dense_multi_time.as_secs_f64(),
        dense_multi_time.as_secs_f64() / engine_multi_time.as_secs_f64()
    );

    // The same school with one mentor per student: a student's seat is a choice of mentor, so
    // the model is a network of student-level nodes (`solver/one_seat.rs`), whose flow has a
    // student layer (solved student by student).
    let mut raw = generate::generate_with(900, 240, 1, false);
    raw.policy.max_mentors_per_student = Some(1);
    let one = validate(raw).expect("generated school is valid");
    let (engine_one, dense_one) = (fast(&one), dense(&one));
    assert!(
        (engine_one - dense_one).abs() < 1e-6 * engine_one.abs().max(1.0),
        "optima differ: engine {engine_one} vs integer program {dense_one}"
    );
    let mut group = c.benchmark_group("school_900x240_one_mentor_per_student");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("engine_network", |bch| bch.iter(|| fast(&one)));
    group.bench_function("baseline_integer_program", |bch| bch.iter(|| dense(&one)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
