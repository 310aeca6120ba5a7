#!/usr/bin/env python3
"""Peer comparison: mentor-match against OR-Tools on the same generated instances.

Every solver gets the same model, exported by `mentor-match export-model`: one need per student
(`generate --single-need`), a binary on every candidate pair, capacity per mentor, coverage by
priority first (lexicographic), then total fit. OR-Tools gets the lexicographic objective as one
integer cost (mixed-radix weights per priority level times a fit scale; fit quantised to 1e-3).
Prints a side-by-side table of wall times and objectives. Usage, from the repository root:

    pip install ortools
    cargo build --release
    python3 benches/peers/compare.py            # school size
    python3 benches/peers/compare.py --district # adds 20,000 x 5,400 (a minute, ~4 GB); OR-Tools
                                                # is skipped there: the exact cost overflows int64
"""
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

BIN = os.environ.get("MENTOR_MATCH_BIN", "target/release/mentor-match")
FIT_SCALE = 1000


def generate(path, students, mentors, seed=1):
    subprocess.run([BIN, "generate", "--students", str(students), "--mentors", str(mentors),
                    "--seed", str(seed), "--single-need", "--output", path], check=True)


def engine(path):
    start = time.perf_counter()
    out = subprocess.run([BIN, "solve", path, "--format", "json"], check=True,
                         capture_output=True).stdout
    wall = time.perf_counter() - start
    report = json.loads(out)["solver"]
    coverage = tuple(c.get("covered", 0) for c in report["coverage"])
    return wall, report.get("objective", 0.0), coverage


def load_model(path):
    out = subprocess.run([BIN, "export-model", path], check=True, capture_output=True).stdout
    return json.loads(out)


def weights(model):
    """Integer cost per pair: one more need at a level outweighs every need below and all fit."""
    needs = model["needs"]
    pairs = model["pairs"]
    counts = [0, 0, 0, 0]
    best = [0] * len(needs)
    for n, _, score in pairs:
        best[n] = max(best[n], round(score * FIT_SCALE))
    for n in {p[0] for p in pairs}:
        counts[needs[n][1]] += 1
    fit_total = sum(best) + 1
    level = [1, 0, 0, 0]
    for p in range(1, 4):
        level[p] = level[p - 1] * (counts[p - 1] + 1)
    return [level[needs[n][1]] * fit_total + round(s * FIT_SCALE) for n, _, s in pairs]


def summarise(model, chosen):
    needs = model["needs"]
    pairs = model["pairs"]
    covered = [0, 0, 0, 0]
    objective = 0.0
    for i in chosen:
        n, _, s = pairs[i]
        covered[needs[n][1]] += 1
        objective += s
    present = [p for p in (3, 2, 1, 0) if any(n[1] == p for n in needs)]
    return objective, tuple(covered[p] for p in present)


def fits_int64(model, gain):
    """OR-Tools takes int64 costs, and the flow's total cost must fit too. The exact
    lexicographic cost grows with the product of the need counts per level: at district size
    it needs more than 64 bits (mentor-match packs it into i128), so OR-Tools cannot be given
    the same objective there."""
    bound = max(gain, default=0) * max(len(model["needs"]), 1)
    return bound < 2**63, bound.bit_length()


def ortools_flow(model):
    start = time.perf_counter()
    needs, pairs, caps = model["needs"], model["pairs"], model["capacities"]
    gain = weights(model)
    ok, bits = fits_int64(model, gain)
    if not ok:
        print(f"OR-Tools skipped: the exact lexicographic cost needs {bits} bits, int64 has 63")
        return None
    smcf = min_cost_flow.SimpleMinCostFlow()
    n_needs, n_mentors = len(needs), len(caps)
    source, sink = n_needs + n_mentors, n_needs + n_mentors + 1
    arcs = []
    for n in range(n_needs):
        smcf.add_arc_with_capacity_and_unit_cost(source, n, 1, 0)
        smcf.add_arc_with_capacity_and_unit_cost(n, sink, 1, 0)  # stay unassigned
    for i, (n, m, _) in enumerate(pairs):
        arcs.append(smcf.add_arc_with_capacity_and_unit_cost(n, n_needs + m, 1, -gain[i]))
    for m, c in enumerate(caps):
        smcf.add_arc_with_capacity_and_unit_cost(n_needs + m, sink, c, 0)
    smcf.set_node_supply(source, n_needs)
    smcf.set_node_supply(sink, -n_needs)
    solve_start = time.perf_counter()
    status = smcf.solve()
    solve = time.perf_counter() - solve_start
    if status != smcf.OPTIMAL:
        return None
    chosen = [i for i, a in enumerate(arcs) if smcf.flow(a) > 0]
    return time.perf_counter() - start, solve, *summarise(model, chosen)


def ortools_cpsat(model, limit=30.0):
    start = time.perf_counter()
    needs, pairs, caps = model["needs"], model["pairs"], model["capacities"]
    gain = weights(model)
    if not fits_int64(model, gain)[0]:
        return None
    m = cp_model.CpModel()
    x = [m.new_bool_var("") for _ in pairs]
    by_need, by_mentor = {}, {}
    for i, (n, mentor, _) in enumerate(pairs):
        by_need.setdefault(n, []).append(x[i])
        by_mentor.setdefault(mentor, []).append(x[i])
    for vs in by_need.values():
        m.add_at_most_one(vs)
    for mentor, vs in by_mentor.items():
        m.add(sum(vs) <= caps[mentor])
    m.maximize(sum(g * v for g, v in zip(gain, x)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    solve_start = time.perf_counter()
    status = solver.solve(m)
    solve = time.perf_counter() - solve_start
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [i for i, v in enumerate(x) if solver.value(v)]
    tag = "" if status == cp_model.OPTIMAL else " (not proven)"
    return time.perf_counter() - start, solve, *summarise(model, chosen), tag


def main():
    instances = [("school", 900, 240)]
    if "--district" in sys.argv:
        instances.append(("district", 20000, 5400))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"{'instance':<10} {'pairs':>10} {'solver':<28} {'total s':>9} {'solve s':>9} "
          f"{'objective':>14} coverage (urgent..low)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, students, mentors in instances:
            path = os.path.join(tmp, f"{name}.json")
            generate(path, students, mentors)
            wall, objective, coverage = engine(path)
            model = load_model(path)
            rows = [("mentor-match (end to end)", wall, float("nan"), objective, coverage, "")]
            flow = ortools_flow(model)
            if flow:
                rows.append(("OR-Tools min-cost flow", *flow, ""))
            if name == "school":
                sat = ortools_cpsat(model)
                if sat:
                    rows.append(("OR-Tools CP-SAT", *sat))
            for label, total, solve, obj, cov, tag in rows:
                solve_text = "-" if solve != solve else f"{solve:.3f}"
                print(f"{name:<10} {len(model['pairs']):>10} {label:<28} {total:>9.3f} "
                      f"{solve_text:>9} {obj:>14.4f} {cov}{tag}")


if __name__ == "__main__":
    main()
