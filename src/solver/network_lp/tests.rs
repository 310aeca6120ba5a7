//! The LP against HiGHS on random networks with side columns, and its own optimality
//! conditions checked on every solution.

use super::{LpEnd, NetworkLp};
use crate::rules::splitmix64;
use crate::solver::highs::{Lp, LpEnd as BackendEnd};
use crate::solver::Until;

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

/// A side column: its entries (node, coefficient), cost and upper bound.
type SideColumn = (Vec<(u32, f64)>, f64, f64);

/// A random instance: `(supply, arcs (tail, head, cost, upper), sides)`.
type Instance = (Vec<f64>, Vec<(u32, u32, f64, f64)>, Vec<SideColumn>);

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

/// HiGHS's optimum of the same LP (through `solver::highs`, as a maximisation of the negated
/// costs), None when it is not optimal.
fn highs_optimum(inst: &Instance) -> Option<f64> {
    let (supply, arcs, sides) = inst;
    let n = supply.len();
    let rows: Vec<(f64, f64)> = supply.iter().map(|&b| (b, b)).collect();
    let mut lp = Lp::maximise(&rows, Until::far());
    let (mut costs, mut uppers, mut starts, mut index, mut values) =
        (Vec::new(), Vec::new(), vec![0], Vec::new(), Vec::new());
    for &(t, h, c, u) in arcs {
        if (t as usize) < n {
            index.push(t as usize);
            values.push(1.0);
        }
        if (h as usize) < n {
            index.push(h as usize);
            values.push(-1.0);
        }
        starts.push(index.len());
        costs.push(-c);
        uppers.push(u);
    }
    for (entries, c, u) in sides {
        for &(node, x) in entries {
            index.push(node as usize);
            values.push(x);
        }
        starts.push(index.len());
        costs.push(-c);
        uppers.push(*u);
    }
    if !lp.add_columns(&costs, &uppers, &starts, &index, &values) {
        return None;
    }
    let run = lp.solve()?;
    (run.end == BackendEnd::Optimal).then_some(-run.objective)
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

/// Solves `lp` (built for `inst`, perhaps warm) to HiGHS's optimum of `inst`.
fn reaches_highs_optimum(inst: &Instance, lp: &mut NetworkLp, seed: u64, when: &str) {
    assert_eq!(lp.solve(100_000), LpEnd::Optimal, "seed {seed} {when}");
    let expected = highs_optimum(inst).expect("feasible by its slack arcs");
    let got = lp.objective();
    assert!(
        (got - expected).abs() < 1e-6,
        "seed {seed} {when}: {got} against HiGHS {expected}"
    );
}

/// [`reaches_highs_optimum`], and the answer meets its own optimality conditions.
fn solves_to_highs_optimum(inst: &Instance, lp: &mut NetworkLp, seed: u64, when: &str) {
    reaches_highs_optimum(inst, lp, seed, when);
    check_conditions(inst, lp, seed);
}

#[test]
fn pure_networks_match_highs() {
    let (nodes, _) = size(12, 0);
    for seed in seeds(0, 300) {
        let inst = instance(seed, nodes, 0);
        solves_to_highs_optimum(&inst, &mut build(&inst), seed, "cold");
    }
}

#[test]
fn networks_with_side_columns_match_highs() {
    let (nodes, sides) = size(12, 8);
    // Pivots that moved a subtree no basic side column touches into another tree, where the
    // working matrix is kept (each checked against a rebuild, bit for bit, in
    // `assert_rebuild_changes_nothing`), and pivots that rebuilt it.
    let (mut kept, mut rebuilt) = (0, 0);
    for seed in seeds(1000, 600) {
        let inst = instance(seed, nodes, sides);
        let mut lp = build(&inst);
        solves_to_highs_optimum(&inst, &mut lp, seed, "cold");
        kept += lp.kinds[3];
        rebuilt += lp.kinds[2];
    }
    assert!(
        kept > 0 && rebuilt > 0,
        "kept {kept}, rebuilt {rebuilt}: both paths must be met"
    );
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
        solves_to_highs_optimum(&full, &mut lp, seed, "after new columns");
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
        solves_to_highs_optimum(&changed, &mut lp, seed, "after new costs");
    }
}

/// The fit tier's start (`NetworkTiers::polish`): from an optimum, costs changed, a polish
/// within the trees makes no pivot that changes the trees or the side columns, keeps the
/// values within their bounds and never raises the objective; a solve from there still
/// reaches HiGHS's optimum at the new costs.
#[test]
fn a_polish_within_the_trees_refactors_nothing_and_leaves_a_basis_that_solves() {
    let (nodes, sides) = size(12, 8);
    let mut polished = 0;
    for seed in seeds(9000, 300) {
        let mut inst = instance(seed, nodes, sides);
        let mut lp = build(&inst);
        assert_eq!(lp.solve(100_000), LpEnd::Optimal, "seed {seed}");
        let mut rng = Rng(seed ^ 0x5eed);
        for (a, arc) in inst.1.iter_mut().enumerate() {
            if arc.3.is_finite() {
                arc.2 = rng.range(-5, 10) as f64;
                lp.set_arc_cost(a, arc.2);
            }
        }
        for (s, side) in inst.2.iter_mut().enumerate() {
            if side.2.is_finite() {
                side.1 = rng.range(-6, 10) as f64;
                lp.set_side_cost(s, side.1);
            }
        }
        let before = lp.objective();
        let structural = lp.kinds[2];
        let pivots = lp.polish_within_trees(1_000);
        polished += pivots;
        assert_eq!(
            lp.kinds[2], structural,
            "seed {seed}: a pivot changed the trees"
        );
        assert!(
            lp.objective() <= before + 1e-9,
            "seed {seed}: the polish raised the objective {before} to {}",
            lp.objective()
        );
        let (primal, _) = lp.violations();
        assert!(
            primal <= 1e-9,
            "seed {seed}: a value off its bounds by {primal}"
        );
        solves_to_highs_optimum(&inst, &mut lp, seed, "after the polish");
    }
    assert!(polished > 0, "no instance gave the polish anything to do");
}

/// The master's use (`side/network_tiers.rs`): a start from the rows' own slack arcs (cost 0,
/// no big M), then bounds changed between warm solves: columns at 0 fixed there, new costs,
/// and slacks at 0 fixed too (a row held tight), then every bound given back. Each solve
/// must reach HiGHS's optimum of the LP as it stands.
#[test]
fn a_slack_start_and_bounds_changed_between_solves_match_highs() {
    let (nodes, sides) = size(12, 8);
    for seed in seeds(7000, 300) {
        let (supply, mut arcs, mut sides) = instance(seed, nodes, sides);
        let n = supply.len() as u32;
        let slack_upper: Vec<f64> = (0..n).map(|_| f64::INFINITY).collect();
        let mut lp = NetworkLp::with_slacks(supply.clone(), &slack_upper);
        for &(t, h, c, u) in &arcs {
            lp.add_arc(t, h, c, u);
        }
        for (entries, c, u) in &sides {
            lp.add_side(entries, *c, *u);
        }
        // HiGHS sees the slacks as ordinary arcs, after the instance's own.
        let slack = |i: u32, upper: f64| {
            if supply[i as usize] >= 0.0 {
                (i, n, 0.0, upper)
            } else {
                (n, i, 0.0, upper)
            }
        };
        let with_slacks = |arcs: &[(u32, u32, f64, f64)], sides: &[SideColumn], uppers: &[f64]| {
            let mut all = arcs.to_vec();
            all.extend((0..n).map(|i| slack(i, uppers[i as usize])));
            (supply.clone(), all, sides.to_vec())
        };
        reaches_highs_optimum(
            &with_slacks(&arcs, &sides, &slack_upper),
            &mut lp,
            seed,
            "cold",
        );
        // Fix at 0 every column at 0 that a coin picks, and every slack at 0 likewise; then
        // new costs for the rest.
        let mut rng = Rng(seed ^ 0x5eed);
        let flows = lp.arc_flows().to_vec();
        for (a, arc) in arcs.iter_mut().enumerate() {
            if flows[a].abs() < 1e-9 && rng.below(2) == 0 {
                arc.3 = 0.0;
                lp.set_arc_upper(a, 0.0);
            }
        }
        let values = lp.side_values().to_vec();
        for (k, side) in sides.iter_mut().enumerate() {
            if values[k].abs() < 1e-9 && rng.below(2) == 0 {
                side.2 = 0.0;
                lp.set_side_upper(k, 0.0);
            }
        }
        let mut held = slack_upper.clone();
        let potentials = lp.potentials();
        for i in 0..n as usize {
            // A slack with a nonzero reduced cost is at 0: hold it there.
            if potentials[i].abs() > 1e-9 && rng.below(2) == 0 {
                held[i] = 0.0;
                lp.set_slack_upper(i, 0.0);
            }
        }
        for (a, arc) in arcs.iter_mut().enumerate() {
            if arc.3 > 0.0 && arc.3.is_finite() {
                arc.2 = rng.range(-5, 10) as f64;
                lp.set_arc_cost(a, arc.2);
            }
        }
        reaches_highs_optimum(
            &with_slacks(&arcs, &sides, &held),
            &mut lp,
            seed,
            "bounds held",
        );
        for i in 0..n as usize {
            lp.set_slack_upper(i, f64::INFINITY);
        }
        reaches_highs_optimum(
            &with_slacks(&arcs, &sides, &slack_upper),
            &mut lp,
            seed,
            "slacks released",
        );
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

/// The master's final LP (`MENTOR_MATCH_DUMP_MASTER=path mentor-match solve …` writes it),
/// solved tier by tier by this LP and by HiGHS from scratch, both holding each tier's optimal
/// face for the next: the tiers' optima must agree; prints the times. A measurement, run by
/// hand: `MENTOR_MATCH_MASTER_DUMP=path cargo test --release --lib master_dump -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn master_dump_tiers_match_highs() {
    use std::time::Instant;
    let Ok(path) = std::env::var("MENTOR_MATCH_MASTER_DUMP") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("the dump");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let bounds: Vec<(f64, f64)> = doc["bounds"]
        .as_array()
        .expect("bounds")
        .iter()
        .map(|b| {
            let lo = b[0].as_f64().unwrap_or(f64::NEG_INFINITY);
            let hi = b[1].as_f64().unwrap_or(f64::INFINITY);
            (lo, hi)
        })
        .collect();
    let mentors = doc["mentors"].as_u64().expect("mentors") as usize;
    struct Column {
        rows: Vec<usize>,
        tier_value: Vec<f64>,
        upper: f64,
    }
    let columns: Vec<Column> = doc["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| Column {
            rows: c["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .map(|r| r.as_u64().expect("row") as usize)
                .collect(),
            tier_value: c["tier_value"]
                .as_array()
                .expect("tier values")
                .iter()
                .map(|v| v.as_f64().expect("value"))
                .collect(),
            upper: c["upper"].as_f64().unwrap_or(f64::INFINITY),
        })
        .collect();
    let tiers = columns[0].tier_value.len();
    let rows = bounds.len();
    eprintln!("{rows} rows ({mentors} mentors), {} columns", columns.len());

    // HiGHS, each tier under floor rows holding the tiers before it at their optima (the
    // lexicographic optimum by its definition; holding faces by HiGHS's duals instead needs
    // the master's own cleaning of them, `unbox_prices` and `simplest_fraction`).
    // `MENTOR_MATCH_MASTER_DUMP_OURS_ONLY`: this engine alone (HiGHS under floor rows takes
    // minutes at the district).
    let ours_only = std::env::var("MENTOR_MATCH_MASTER_DUMP_OURS_ONLY").is_ok();
    let highs_started = Instant::now();
    let mut all_rows = bounds.clone();
    all_rows.extend((0..tiers).map(|_| (f64::NEG_INFINITY, f64::INFINITY)));
    let mut highs = Lp::maximise(&all_rows, Until::far());
    let mut starts = vec![0];
    let mut index = Vec::new();
    let mut values = Vec::new();
    for c in &columns {
        index.extend(&c.rows);
        values.extend(c.rows.iter().map(|_| 1.0));
        for (t, &v) in c.tier_value.iter().enumerate() {
            if v != 0.0 {
                index.push(rows + t);
                values.push(v);
            }
        }
        starts.push(index.len());
    }
    let uppers: Vec<f64> = columns.iter().map(|c| c.upper).collect();
    let costs: Vec<f64> = columns.iter().map(|c| c.tier_value[0]).collect();
    assert!(highs.add_columns(&costs, &uppers, &starts, &index, &values));
    let mut theirs = Vec::new();
    for tier in 0..tiers {
        if ours_only {
            break;
        }
        let costs: Vec<f64> = columns.iter().map(|c| c.tier_value[tier]).collect();
        assert!(highs.change_all_col_costs(&costs));
        let at = Instant::now();
        let run = highs.solve().expect("HiGHS");
        eprintln!(
            "  HiGHS tier {tier}: {:.6} in {} iterations, {:?}",
            run.objective,
            run.iterations,
            at.elapsed()
        );
        theirs.push(run.objective);
        let floor = run.objective - 1e-7 * (1.0 + run.objective.abs());
        highs.change_row_bounds(rows + tier, floor, f64::INFINITY);
    }
    let highs_time = highs_started.elapsed();
    // This LP: a node per row; mentors' slack arcs to the root carry their seats taken.
    let built = Instant::now();
    // `MENTOR_MATCH_MASTER_DUMP_PERTURB=eps`: every supply and mentor capacity raised by a
    // pseudo-random share of `eps` (against primal degeneracy).
    let perturb: f64 = std::env::var("MENTOR_MATCH_MASTER_DUMP_PERTURB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let jitter = |r: usize| perturb * ((splitmix64(r as u64 + 7) % 1_000_000) as f64 + 1.0) / 1e6;
    let supply: Vec<f64> = (0..rows)
        .map(|r| if r < mentors { 0.0 } else { 1.0 } + jitter(r))
        .collect();
    let mut lp = NetworkLp::new(supply, 1e4);
    let root = rows as u32;
    for (r, &(_, hi)) in bounds.iter().enumerate() {
        lp.add_arc(
            r as u32,
            root,
            0.0,
            if r < mentors {
                hi + 2.0 * jitter(r)
            } else {
                f64::INFINITY
            },
        );
    }
    enum Place {
        Arc(usize),
        Side(usize),
    }
    let mut places = Vec::new();
    let mut sides = 0;
    for c in &columns {
        let own = *c.rows.last().expect("a row") as u32;
        let seats: Vec<u32> = c.rows[..c.rows.len() - 1]
            .iter()
            .map(|&m| m as u32)
            .collect();
        if seats.len() == 1 {
            places.push(Place::Arc(lp.add_arc(own, seats[0], 0.0, c.upper)));
        } else {
            let mut entries = vec![(own, 1.0)];
            entries.extend(seats.iter().map(|&m| (m, -1.0)));
            places.push(Place::Side(lp.add_side(&entries, 0.0, c.upper)));
            sides += 1;
        }
    }
    eprintln!("  {sides} side columns; built in {:?}", built.elapsed());
    let mut ours = Vec::new();
    let started = Instant::now();
    // `MENTOR_MATCH_MASTER_DUMP_TIE=w`: the normal and low tiers first at their value plus `w`
    // per point of fit (as the master breaks their ties for HiGHS), then at their own.
    let tie: f64 = std::env::var("MENTOR_MATCH_MASTER_DUMP_TIE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    for tier in 0..tiers {
        let before = lp.pivots();
        let at = Instant::now();
        if tie > 0.0 && (2..tiers - 1).contains(&tier) {
            for (c, place) in columns.iter().zip(&places) {
                let cost = -(c.tier_value[tier] + tie * c.tier_value[tiers - 1]);
                match *place {
                    Place::Arc(a) => lp.set_arc_cost(a, cost),
                    Place::Side(s) => lp.set_side_cost(s, cost),
                }
            }
            assert_eq!(
                lp.solve(10_000_000),
                LpEnd::Optimal,
                "tier {tier} tie-broken"
            );
            eprintln!("    tie-broken: {} pivots", lp.pivots() - before);
        }
        for (c, place) in columns.iter().zip(&places) {
            match *place {
                Place::Arc(a) => lp.set_arc_cost(a, -c.tier_value[tier]),
                Place::Side(s) => lp.set_side_cost(s, -c.tier_value[tier]),
            }
        }
        let limit = std::env::var("MENTOR_MATCH_MASTER_DUMP_PIVOTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_000_000);
        let mut end = LpEnd::PivotLimit;
        let mut done = 0;
        while done < limit {
            end = lp.solve(2000.min(limit - done));
            done += 2000;
            if end != LpEnd::PivotLimit {
                break;
            }
            eprintln!(
                "    {} pivots: objective {:.6}, kinds {:?}, {} basic sides, core {}",
                lp.pivots() - before,
                -lp.objective(),
                lp.kinds,
                lp.working.sides().len(),
                lp.working.core_order()
            );
        }
        if end != LpEnd::Optimal {
            eprintln!(
                "  stopped: {end:?} after {} pivots, {:?}",
                lp.pivots() - before,
                at.elapsed()
            );
            return;
        }
        let objective = -lp.objective();
        eprintln!(
            "  network LP tier {tier}: {objective:.6} in {} pivots, {:?}, kinds {:?}, {} basic sides, core {}, degenerate so far {}",
            lp.pivots() - before,
            at.elapsed(),
            lp.kinds,
            lp.working.sides().len(),
            lp.working.core_order(),
            lp.degenerate
        );
        ours.push(objective);
        let (primal, dual) = lp.violations();
        eprintln!("    violations: primal {primal:e}, dual {dual:e}");
        lp.hold_face();
    }
    let ours_time = started.elapsed();

    eprintln!("network LP {ours_time:?} against HiGHS {highs_time:?}");
    for (tier, (ours, theirs)) in ours.iter().zip(&theirs).enumerate() {
        assert!(
            (ours - theirs).abs() <= 1e-6 * (1.0 + theirs.abs()),
            "tier {tier}: {ours} against HiGHS {theirs}"
        );
    }
}
