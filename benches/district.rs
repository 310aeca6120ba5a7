//! District-scale benchmark: `MENTOR_MATCH_DISTRICT=1 cargo bench --bench district`.
//! 20,000 students (one need each) and 5,400 mentors, ~13 million feasible pairs.
//!
//! The engine is measured end to end of the solve (scoring every pair, sparse set, flows,
//! pricing proof) several times; then, in the same run, the straightforward dense good_lp +
//! HiGHS model (a binary on every feasible pair) gets the same instance with a time limit
//! (`MENTOR_MATCH_BASELINE_SECONDS`, default 120; 0 skips it). The reference figures report no
//! answer from HiGHS in 420 s at this size, so the baseline is expected to stop at its limit:
//! the bench then prints the ratio as a lower bound and says that the objectives could not be
//! compared. If the baseline does finish, its objective is checked against the engine's.
//! Peak memory (the process's high-water mark) is printed after each side. The multi-need and
//! flat shapes of the same size are then solved once each.

use std::time::{Duration, Instant};

use mentor_match::domain::validate::validate;
use mentor_match::solver::{self, SolveOptions, SolveStatus};
use mentor_match::{engine, generate};

/// The process's peak resident memory so far, from /proc (Linux), in MiB.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The district's other shapes, once each: the multi-need school (network+side, under its
/// default 30 s limit) and the flat, dense generator (`generate --flat`).
fn other_shapes() {
    for (name, raw) in [
        ("multi-need", generate::generate(20_000, 5_400, 1)),
        ("flat", generate::generate_flat(20_000, 5_400, 1)),
    ] {
        let problem = validate(raw).expect("valid");
        let started = Instant::now();
        let solved =
            solver::solve_problem(&problem, SolveOptions::from_policy(&problem)).expect("solves");
        let covered: u32 = solved.solution.coverage.iter().map(|c| c.covered).sum();
        println!(
            "district {name} 20000x5400: {} pairs, {:?}, status {:?}, {covered} of {} needs \
             covered, gap {:.3}, solve {:.2} s, peak memory so far {:.0} MiB",
            solved.total_pairs,
            solved.method.kind(),
            solved.solution.status,
            problem.needs.len(),
            solved.solution.gap,
            started.elapsed().as_secs_f64(),
            peak_mib().unwrap_or(f64::NAN)
        );
    }
}

fn main() {
    if std::env::var_os("MENTOR_MATCH_DISTRICT").is_none() {
        println!("district bench skipped: set MENTOR_MATCH_DISTRICT=1 to run it (takes minutes)");
        return;
    }
    let baseline_limit = std::env::var("MENTOR_MATCH_BASELINE_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(120);
    let problem = validate(generate::generate_with(20_000, 5_400, 1, true)).expect("valid");
    let options = SolveOptions::from_policy(&problem);

    let mut times: Vec<Duration> = Vec::new();
    let mut solved = None;
    for _ in 0..3 {
        let started = Instant::now();
        let s = solver::solve_problem(&problem, options).expect("solves");
        times.push(started.elapsed());
        solved = Some(s);
    }
    let Some(solved) = solved else { return };
    times.sort();
    let engine_time = times[times.len() / 2];
    let started = Instant::now();
    let outcome = engine::solve(&problem).expect("solves");
    let with_explanations = started.elapsed();
    assert_eq!(outcome.solver.objective, solved.solution.objective);
    assert_eq!(solved.solution.status, SolveStatus::Optimal);
    println!(
        "district 20000x5400: {} feasible pairs, {} kept, {:?}, status {:?}, objective {:.4}",
        solved.total_pairs,
        solved.candidates.len(),
        solved.method,
        solved.solution.status,
        solved.solution.objective,
    );
    println!(
        "engine: build+solve+proof median of 3 {:.2} s (runs {:.2?}), whole solve with \
         explanations {:.2} s, peak memory {:.0} MiB",
        engine_time.as_secs_f64(),
        times,
        with_explanations.as_secs_f64(),
        peak_mib().unwrap_or(f64::NAN)
    );

    other_shapes();
    if baseline_limit == 0 {
        println!("baseline skipped (MENTOR_MATCH_BASELINE_SECONDS=0)");
        return;
    }
    let mut limited = options;
    limited.time_limit = Duration::from_secs(baseline_limit);
    let started = Instant::now();
    let candidates = engine::candidates(&problem);
    let dense = solver::solve_integer_program(&problem, &candidates, limited).expect("baseline");
    let dense_time = started.elapsed();
    let ratio = dense_time.as_secs_f64() / engine_time.as_secs_f64();
    match dense.status {
        SolveStatus::Optimal => {
            let agree = (dense.objective - solved.solution.objective).abs()
                < 1e-6 * dense.objective.abs().max(1.0);
            println!(
                "baseline dense good_lp+HiGHS: optimal in {:.1} s, objective {:.4} ({}); \
                 dense/engine = {ratio:.1}x, peak memory {:.0} MiB",
                dense_time.as_secs_f64(),
                dense.objective,
                if agree { "agrees" } else { "DIFFERS" },
                peak_mib().unwrap_or(f64::NAN)
            );
            assert!(agree, "optima differ");
        }
        status => println!(
            "baseline dense good_lp+HiGHS: {status:?} after {:.1} s (limit {baseline_limit} s), \
             no proven optimum, so objectives cannot be compared (its best plan: {:.4}, \
             coverage {:?}); dense/engine > {ratio:.1}x, peak memory {:.0} MiB",
            dense_time.as_secs_f64(),
            dense.objective,
            dense.coverage.iter().map(|c| c.covered).collect::<Vec<_>>(),
            peak_mib().unwrap_or(f64::NAN)
        ),
    }
}
