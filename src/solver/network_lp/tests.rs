//! The LP against HiGHS on random networks with side columns, and its own optimality
//! conditions checked on every solution.

use highs::{ColProblem, HighsModelStatus, Sense};

use super::{LpEnd, NetworkLp};
use crate::rules::splitmix64;

/// Seeds per test: `MENTOR_MATCH_NETWORK_LP_SWEEP` multiplies them (a longer sweep by hand).
fn seeds(base: u64, count: u64) -> std::ops::Range<u64> {
    let scale = std::env::var("MENTOR_MATCH_NETWORK_LP_SWEEP")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1);
    base..base + count * scale
}

/// Nodes and side columns at most: `MENTOR_MATCH_NETWORK_LP_SIZE` multiplies them.
fn size(nodes: u64, sides: u64) -> (u64, u64) {
    let scale = std::env::var("MENTOR_MATCH_NETWORK_LP_SIZE")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1);
    (nodes * scale, sides * scale)
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = splitmix64(self.0);
        self.0 % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

/// A random instance: `(supply, arcs (tail, head, cost, upper), sides (entries, cost, upper))`.
type Instance = (
    Vec<f64>,
    Vec<(u32, u32, f64, f64)>,
    Vec<(Vec<(u32, f64)>, f64, f64)>,
);

fn instance(seed: u64, max_nodes: u64, max_sides: u64) -> Instance {
    let mut rng = Rng(seed);
    let n = 2 + rng.below(max_nodes - 1) as u32;
    let root = n;
    let supply: Vec<f64> = (0..n).map(|_| rng.range(-2, 2) as f64).collect();
    let mut arcs = Vec::new();
    // Slack arcs both ways to the root: always feasible.
    for i in 0..n {
        arcs.push((i, root, 40.0, f64::INFINITY));
        arcs.push((root, i, 40.0, f64::INFINITY));
    }
    let m = rng.below(3 * n as u64 + 1);
    for _ in 0..m {
        let t = rng.below(n as u64 + 1) as u32;
        let mut h = rng.below(n as u64 + 1) as u32;
        if h == t {
            h = (t + 1) % (n + 1);
        }
        let cost = rng.range(-5, 10) as f64;
        let upper = if cost < 0.0 || rng.below(2) == 0 {
            rng.range(1, 3) as f64
        } else {
            f64::INFINITY
        };
        arcs.push((t, h, cost, upper));
    }
    let mut sides = Vec::new();
    for _ in 0..rng.below(max_sides + 1) {
        let len = 2 + rng.below(3);
        let mut entries: Vec<(u32, f64)> = Vec::new();
        for _ in 0..len {
            let node = rng.below(n as u64) as u32;
            if entries.iter().all(|&(m, _)| m != node) {
                let coef = [1.0, 1.0, -1.0, 2.0][rng.below(4) as usize];
                entries.push((node, coef));
            }
        }
        let cost = rng.range(-6, 10) as f64;
        let upper = if cost < 0.0 || rng.below(2) == 0 {
            rng.range(1, 2) as f64
        } else {
            f64::INFINITY
        };
        sides.push((entries, cost, upper));
    }
    (supply, arcs, sides)
}

fn build(inst: &Instance) -> NetworkLp {
    let (supply, arcs, sides) = inst;
    let mut lp = NetworkLp::new(supply.clone(), 1e5);
    for &(t, h, c, u) in arcs {
        lp.add_arc(t, h, c, u);
    }
    for (entries, c, u) in sides {
        lp.add_side(entries, *c, *u);
    }
    lp
}

/// HiGHS's optimum of the same LP, None when it is not optimal.
fn highs_optimum(inst: &Instance) -> Option<f64> {
    let (supply, arcs, sides) = inst;
    let n = supply.len();
    let mut pb = ColProblem::default();
    let rows: Vec<highs::Row> = supply.iter().map(|&b| pb.add_row(b..=b)).collect();
    for &(t, h, c, u) in arcs {
        let mut entries = Vec::new();
        if (t as usize) < n {
            entries.push((rows[t as usize], 1.0));
        }
        if (h as usize) < n {
            entries.push((rows[h as usize], -1.0));
        }
        pb.add_column(c, 0.0..=u, entries);
    }
    for (entries, c, u) in sides {
        let entries: Vec<(highs::Row, f64)> = entries
            .iter()
            .map(|&(node, x)| (rows[node as usize], x))
            .collect();
        pb.add_column(*c, 0.0..=*u, entries);
    }
    let mut model = pb.optimise(Sense::Minimise);
    model.make_quiet();
    let solved = model.solve();
    (solved.status() == HighsModelStatus::Optimal).then(|| solved.objective_value())
}

/// Primal feasibility (every row, every bound) and dual feasibility (every reduced cost of
/// the right sign for where its column sits) of `lp`'s answer.
fn check_conditions(inst: &Instance, lp: &NetworkLp, seed: u64) {
    let (supply, arcs, sides) = inst;
    let n = supply.len();
    let mut balance = vec![0.0; n];
    let flows = lp.arc_flows();
    for (a, &(t, h, _, u)) in arcs.iter().enumerate() {
        let x = flows[a];
        assert!(
            x >= -1e-7 && x <= u + 1e-7,
            "seed {seed}: arc {a} flow {x} outside [0, {u}]"
        );
        if (t as usize) < n {
            balance[t as usize] += x;
        }
        if (h as usize) < n {
            balance[h as usize] -= x;
        }
        let rc = lp.arc_reduced_cost(a);
        if x < u - 1e-7 {
            assert!(
                rc >= -1e-6,
                "seed {seed}: arc {a} below its bound with rc {rc}"
            );
        }
        if x > 1e-7 {
            assert!(rc <= 1e-6, "seed {seed}: arc {a} above 0 with rc {rc}");
        }
    }
    let values = lp.side_values();
    for (s, (entries, _, u)) in sides.iter().enumerate() {
        let x = values[s];
        assert!(
            x >= -1e-7 && x <= u + 1e-7,
            "seed {seed}: side {s} value {x} outside [0, {u}]"
        );
        for &(node, coef) in entries {
            balance[node as usize] += coef * x;
        }
        let rc = lp.side_reduced_cost(s);
        if x < u - 1e-7 {
            assert!(
                rc >= -1e-6,
                "seed {seed}: side {s} below its bound with rc {rc}"
            );
        }
        if x > 1e-7 {
            assert!(rc <= 1e-6, "seed {seed}: side {s} above 0 with rc {rc}");
        }
    }
    for i in 0..n {
        assert!(
            (balance[i] - supply[i]).abs() < 1e-6,
            "seed {seed}: node {i} balance {} against supply {}",
            balance[i],
            supply[i]
        );
    }
}

#[test]
fn pure_networks_match_highs() {
    let (nodes, _) = size(12, 0);
    for seed in seeds(0, 300) {
        let inst = instance(seed, nodes, 0);
        let mut lp = build(&inst);
        assert_eq!(lp.solve(100_000), LpEnd::Optimal, "seed {seed}");
        let expected = highs_optimum(&inst).expect("feasible by its slack arcs");
        let got = lp.objective();
        assert!(
            (got - expected).abs() < 1e-6,
            "seed {seed}: {got} against HiGHS {expected}"
        );
        check_conditions(&inst, &lp, seed);
    }
}

#[test]
fn networks_with_side_columns_match_highs() {
    let (nodes, sides) = size(12, 8);
    for seed in seeds(1000, 600) {
        let inst = instance(seed, nodes, sides);
        let mut lp = build(&inst);
        assert_eq!(lp.solve(100_000), LpEnd::Optimal, "seed {seed}");
        let expected = highs_optimum(&inst).expect("feasible by its slack arcs");
        let got = lp.objective();
        assert!(
            (got - expected).abs() < 1e-6,
            "seed {seed}: {got} against HiGHS {expected}"
        );
        check_conditions(&inst, &lp, seed);
    }
}

#[test]
fn a_warm_resolve_after_new_columns_and_costs_matches_a_cold_solve() {
    let (nodes, sides) = size(12, 8);
    for seed in seeds(5000, 200) {
        let full = instance(seed, nodes, sides);
        let (supply, arcs, sides) = &full;
        // The slack arcs and half the other columns first, then the rest, then every cost
        // changed.
        let cut = 2 * supply.len() + (arcs.len() - 2 * supply.len()) / 2;
        let half: Instance = (
            supply.clone(),
            arcs[..cut].to_vec(),
            sides[..sides.len() / 2].to_vec(),
        );
        let mut lp = build(&half);
        assert_eq!(lp.solve(100_000), LpEnd::Optimal, "seed {seed}");
        for &(t, h, c, u) in &arcs[cut..] {
            lp.add_arc(t, h, c, u);
        }
        for (entries, c, u) in &sides[sides.len() / 2..] {
            lp.add_side(entries, *c, *u);
        }
        assert_eq!(lp.solve(100_000), LpEnd::Optimal, "seed {seed}");
        let expected = highs_optimum(&full).expect("feasible");
        assert!((lp.objective() - expected).abs() < 1e-6, "seed {seed}");
        check_conditions(&full, &lp, seed);
        let mut changed = full.clone();
        let mut rng = Rng(seed ^ 0xabc);
        for (a, arc) in changed.1.iter_mut().enumerate() {
            if arc.3.is_finite() || arc.2 > 0.0 {
                arc.2 = if arc.3.is_finite() {
                    rng.range(-5, 10) as f64
                } else {
                    rng.range(0, 10) as f64
                };
                lp.set_arc_cost(a, arc.2);
            }
        }
        for (s, side) in changed.2.iter_mut().enumerate() {
            if side.2.is_finite() {
                side.1 = rng.range(-6, 10) as f64;
                lp.set_side_cost(s, side.1);
            }
        }
        assert_eq!(lp.solve(100_000), LpEnd::Optimal, "seed {seed}");
        let expected = highs_optimum(&changed).expect("feasible");
        assert!(
            (lp.objective() - expected).abs() < 1e-6,
            "seed {seed}: after new costs"
        );
        check_conditions(&changed, &lp, seed);
    }
}

#[test]
fn an_infeasible_network_is_reported() {
    // Node 0 must send 2 units to node 1, whose only way on is an arc of capacity 1.
    let mut lp = NetworkLp::new(vec![2.0, 0.0], 1e5);
    lp.add_arc(0, 1, 1.0, 5.0);
    lp.add_arc(1, 2, 1.0, 1.0);
    assert_eq!(lp.solve(1000), LpEnd::Infeasible);
}
