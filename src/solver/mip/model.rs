//! The stage model of the integer program, built with good_lp over the candidate set: one
//! binary per candidate pair, one per shared seat (a student and mentor with two or more
//! candidate pairs), and the mentor-level columns of `involveEveryMentor` and `loadSpread`;
//! rows for every hard rule. Which objective and floors a stage has is the caller's
//! (`mip/mod.rs`); options and solving are `solver::highs`'s.
//!
//! It must not import the network methods (`flow`, `side`): the integer program is their
//! oracle.

use good_lp::{variable, Expression, ProblemVariables, Solver, SolverModel, Variable};

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::domain::Priority;
use crate::rules::Candidates;

/// A (student, mentor) seat and the candidate pairs that would use it.
pub(in crate::solver) struct SeatGroup {
    pub(in crate::solver) student: StudentIx,
    pub(in crate::solver) mentor: MentorIx,
    pub(in crate::solver) members: Vec<usize>,
}

/// Candidate-set structure shared by every stage.
pub(in crate::solver) struct Structure {
    pub(super) need_of: Vec<NeedIx>,
    /// Sorted by (student, mentor).
    pub(in crate::solver) groups: Vec<SeatGroup>,
}

impl Structure {
    pub(in crate::solver) fn new(problem: &Problem, candidates: &Candidates) -> Self {
        let mut need_of = Vec::with_capacity(candidates.len());
        let mut keyed: Vec<(StudentIx, MentorIx, usize)> = Vec::with_capacity(candidates.len());
        for (n, need) in problem.needs.iter().enumerate() {
            for c in candidates.of_need(n as NeedIx) {
                need_of.push(n as NeedIx);
                keyed.push((need.student, candidates.mentors[c], c));
            }
        }
        keyed.sort_unstable();
        let mut groups: Vec<SeatGroup> = Vec::new();
        for (s, m, c) in keyed {
            match groups.last_mut() {
                Some(g) if g.student == s && g.mentor == m => g.members.push(c),
                _ => groups.push(SeatGroup {
                    student: s,
                    mentor: m,
                    members: vec![c],
                }),
            }
        }
        Structure { need_of, groups }
    }

    /// The stage model's size for its setup estimate (`setup_seconds`): a column per pair, and
    /// per shared seat (a group of two or more pairs) a column and a row for each pair it links.
    pub(super) fn model_size(&self, candidates: &Candidates) -> usize {
        let shared: usize = self
            .groups
            .iter()
            .filter(|g| g.members.len() > 1)
            .map(|g| 1 + g.members.len())
            .sum();
        candidates.len() + shared
    }

    /// The position of the (student, mentor) seat group, if the pair is a candidate.
    pub(in crate::solver) fn group(&self, student: StudentIx, mentor: MentorIx) -> Option<usize> {
        self.groups
            .binary_search_by(|g| (g.student, g.mentor).cmp(&(student, mentor)))
            .ok()
    }

    /// Rows `seat ≤ Σ x` for these groups (each once): a seat counted by a side row must
    /// cover a need, or an empty seat (`x ≤ seat` allows one) would meet the row with the pair
    /// gone from the plan. A lone pair is its own seat and needs no row.
    fn seats_cover_a_need(
        &self,
        mut groups: Vec<usize>,
        x: &[Variable],
        seat: &[Variable],
        model: &mut impl SolverModel,
    ) {
        groups.sort_unstable();
        groups.dedup();
        for g in groups {
            let members = &self.groups[g].members;
            if members.len() > 1 {
                let mut used = Expression::from(seat[g]);
                for &c in members {
                    used.add_mul(-1.0, x[c]);
                }
                model.add_constraint(used.leq(0.0));
            }
        }
    }
}

/// Mentor-level terms of a stage's objective and rows: the involvement level
/// (`involveEveryMentor`: a binary per mentor, at most its seats), the load spread (`loadSpread`:
/// a convex cost on each mentor's load, one [0, 1] column per seat past the first, whose
/// rising costs make the cheapest ones fill first) and a floor on involvement kept from the
/// involvement stage.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct MentorTerms {
    pub(super) involve: f64,
    pub(super) load_spread: f64,
    pub(super) involve_floor: Option<f64>,
}

impl MentorTerms {
    /// The terms' part of the objective for a plan `x` (rounded).
    pub(super) fn value(&self, problem: &Problem, structure: &Structure, x: &[f64]) -> f64 {
        if self.involve == 0.0 && self.load_spread <= 0.0 {
            return 0.0;
        }
        let loads = loads(problem, structure, x);
        let involved = loads.iter().filter(|&&l| l > 0).count() as f64;
        let load_cost: f64 = loads
            .iter()
            .map(|&l| crate::domain::policy::load_cost(self.load_spread, l))
            .sum();
        self.involve * involved - load_cost
    }
}

/// Distinct students of each mentor in plan `x`.
pub(super) fn loads(problem: &Problem, structure: &Structure, x: &[f64]) -> Vec<u32> {
    let mut load = vec![0u32; problem.mentors.len()];
    for g in &structure.groups {
        if g.members.iter().any(|&c| x[c] > 0.5) {
            load[g.mentor as usize] += 1;
        }
    }
    load
}

/// The variables of a stage model.
struct Columns {
    /// One binary per candidate pair.
    x: Vec<Variable>,
    /// One per seat group: its own binary for two or more pairs, the pair's `x` for one.
    seat: Vec<Variable>,
    /// Seat groups of each mentor.
    groups_of: Vec<Vec<usize>>,
    /// `involveEveryMentor`: one binary per mentor with candidates.
    involvement: Vec<Option<Variable>>,
    /// `loadSpread`: one [0, 1] column per seat past the first, with its cost.
    load_columns: Vec<Vec<(Variable, f64)>>,
}

/// Builds one stage's model for `solver`: maximise `coefficients · x` plus the mentor terms,
/// under every hard rule and the coverage `floors` (level, at least). Generic over good_lp's
/// solver, so that the model knows no backend (`solver::highs` picks HiGHS and solves it);
/// the pair columns come first, in candidate order.
#[allow(clippy::too_many_arguments)]
pub(super) fn build<S: Solver>(
    problem: &Problem,
    candidates: &Candidates,
    structure: &Structure,
    level_of: &[Priority],
    coefficients: &[f64],
    terms: MentorTerms,
    floors: &[(Priority, f64)],
    solver: S,
) -> S::Model {
    let mut vars = ProblemVariables::new();
    let cols = columns(&mut vars, problem, candidates, structure, terms);
    let objective = objective(&cols, coefficients, terms);
    let mut model = vars.maximise(objective).using(solver);
    add_mentor_rows(&mut model, &cols, structure, terms);
    add_hard_rows(&mut model, problem, candidates, structure, &cols);
    add_floors(&mut model, &cols, level_of, floors);
    model
}

fn columns(
    vars: &mut ProblemVariables,
    problem: &Problem,
    candidates: &Candidates,
    structure: &Structure,
    terms: MentorTerms,
) -> Columns {
    let x: Vec<Variable> = vars.add_vector(variable().binary(), candidates.len());
    // A seat variable per group of two or more pairs; a lone pair is its own seat.
    let seat: Vec<Variable> = structure
        .groups
        .iter()
        .map(|g| {
            if g.members.len() == 1 {
                x[g.members[0]]
            } else {
                vars.add(variable().binary())
            }
        })
        .collect();
    let mut groups_of: Vec<Vec<usize>> = vec![Vec::new(); problem.mentors.len()];
    for (g, group) in structure.groups.iter().enumerate() {
        groups_of[group.mentor as usize].push(g);
    }
    // Involvement: z_m ≤ the mentor's seats.
    let involvement: Vec<Option<Variable>> = groups_of
        .iter()
        .map(|gs| {
            (!gs.is_empty() && (terms.involve != 0.0 || terms.involve_floor.is_some()))
                .then(|| vars.add(variable().binary()))
        })
        .collect();
    // Load spread: one [0, 1] column per seat past the first, costing load_spread · (k − 1).
    let load_columns: Vec<Vec<(Variable, f64)>> = groups_of
        .iter()
        .enumerate()
        .map(|(m, gs)| {
            let seats = (gs.len() as u32).min(problem.mentors[m].capacity);
            if terms.load_spread <= 0.0 || seats < 2 {
                return Vec::new();
            }
            (2..=seats)
                .map(|k| {
                    (
                        vars.add(variable().min(0.0).max(1.0)),
                        -terms.load_spread * f64::from(k - 1),
                    )
                })
                .collect()
        })
        .collect();
    Columns {
        x,
        seat,
        groups_of,
        involvement,
        load_columns,
    }
}

fn objective(cols: &Columns, coefficients: &[f64], terms: MentorTerms) -> Expression {
    let Columns {
        x,
        involvement,
        load_columns,
        ..
    } = cols;
    let mut objective = Expression::with_capacity(x.len());
    for (c, &coef) in coefficients.iter().enumerate() {
        if coef != 0.0 {
            objective.add_mul(coef, x[c]);
        }
    }
    if terms.involve != 0.0 {
        for z in involvement.iter().flatten() {
            objective.add_mul(terms.involve, *z);
        }
    }
    for &(u, coef) in load_columns.iter().flatten() {
        objective.add_mul(coef, u);
    }
    objective
}

/// Involvement (`z_m ≤` the mentor's seats, each such seat covering a need, and the floor kept
/// from the involvement stage) and load spread (seats past the first fill the load columns).
fn add_mentor_rows(
    model: &mut impl SolverModel,
    cols: &Columns,
    structure: &Structure,
    terms: MentorTerms,
) {
    let Columns {
        x,
        seat,
        groups_of,
        involvement,
        load_columns,
    } = cols;
    for (m, gs) in groups_of.iter().enumerate() {
        if let Some(z) = involvement[m] {
            let mut e = Expression::from(z);
            for &g in gs {
                e.add_mul(-1.0, seat[g]);
            }
            model.add_constraint(e.leq(0.0));
        }
        if !load_columns[m].is_empty() {
            let mut e = Expression::with_capacity(gs.len() + load_columns[m].len());
            for &g in gs {
                e.add_mul(1.0, seat[g]);
            }
            for &(u, _) in &load_columns[m] {
                e.add_mul(-1.0, u);
            }
            model.add_constraint(e.leq(1.0));
        }
    }
    // A seat that involves a mentor must cover a need (an empty seat would count).
    let involving: Vec<usize> = groups_of
        .iter()
        .enumerate()
        .filter(|&(m, _)| involvement[m].is_some())
        .flat_map(|(_, gs)| gs.iter().copied())
        .collect();
    if !involving.is_empty() {
        structure.seats_cover_a_need(involving, x, seat, model);
    }
    if let Some(floor) = terms.involve_floor {
        let mut e = Expression::with_capacity(involvement.len());
        for z in involvement.iter().flatten() {
            e.add_mul(1.0, *z);
        }
        model.add_constraint(e.geq(floor));
    }
}

/// One mentor per need, seats linked to their pairs, capacity in distinct students, the
/// per-student mentor limit, locks, a rematch's bound on changes, stability.
fn add_hard_rows(
    model: &mut impl SolverModel,
    problem: &Problem,
    candidates: &Candidates,
    structure: &Structure,
    cols: &Columns,
) {
    let Columns { x, seat, .. } = cols;
    for n in 0..problem.needs.len() {
        let range = candidates.of_need(n as NeedIx);
        if range.len() > 1 {
            let mut e = Expression::with_capacity(range.len());
            for c in range {
                e.add_mul(1.0, x[c]);
            }
            model.add_constraint(e.leq(1.0));
        }
    }
    let mut per_mentor: Vec<Vec<Variable>> = vec![Vec::new(); problem.mentors.len()];
    let mut per_student: Vec<Vec<Variable>> = vec![Vec::new(); problem.students.len()];
    for (g, group) in structure.groups.iter().enumerate() {
        if group.members.len() > 1 {
            for &c in &group.members {
                model.add_constraint((Expression::from(x[c]) - seat[g]).leq(0.0));
            }
        }
        per_mentor[group.mentor as usize].push(seat[g]);
        per_student[group.student as usize].push(seat[g]);
    }
    for (m, seats) in per_mentor.iter().enumerate() {
        let cap = problem.mentors[m].capacity;
        if seats.len() as u32 > cap {
            model.add_constraint(sum(seats).leq(f64::from(cap)));
        }
    }
    let max = problem.policy.max_mentors_per_student;
    for seats in &per_student {
        if seats.len() as u32 > max {
            model.add_constraint(sum(seats).leq(f64::from(max)));
        }
    }
    for &(s, m) in &problem.locked {
        let members = structure
            .group(s, m)
            .map_or(&[][..], |g| structure.groups[g].members.as_slice());
        let mut e = Expression::with_capacity(members.len());
        for &c in members {
            e.add_mul(1.0, x[c]);
        }
        model.add_constraint(e.geq(1.0));
    }
    if let Some(min_kept) = problem.min_kept() {
        let mut e = Expression::with_capacity(min_kept.pairs.len());
        let mut counted = Vec::with_capacity(min_kept.pairs.len());
        for &(s, m) in &min_kept.pairs {
            if let Some(g) = structure.group(s, m) {
                e.add_mul(1.0, seat[g]);
                counted.push(g);
            }
        }
        // A seat counts as kept only when it covers a need.
        structure.seats_cover_a_need(counted, x, seat, model);
        model.add_constraint(e.geq(f64::from(min_kept.at_least)));
    }
    if problem.stable_only() {
        add_stability_rows(problem, structure, x, seat, model);
    }
}

/// Coverage kept from earlier stages: at least `floor` needs covered at `level`.
fn add_floors(
    model: &mut impl SolverModel,
    cols: &Columns,
    level_of: &[Priority],
    floors: &[(Priority, f64)],
) {
    for &(level, floor) in floors {
        let mut e = Expression::with_capacity(level_of.len());
        for (c, &l) in level_of.iter().enumerate() {
            if l == level {
                e.add_mul(1.0, cols.x[c]);
            }
        }
        model.add_constraint(e.geq(floor));
    }
}

fn sum(vars: &[Variable]) -> Expression {
    let mut e = Expression::with_capacity(vars.len());
    for &v in vars {
        e.add_mul(1.0, v);
    }
    e
}

/// Rows that leave no blocking pair (see `explain::BlockingPair`): for every pair (s, m) who
/// rank each other and could be paired, either s sits with a mentor it ranks at least as high
/// as m, or m's seats are all taken by students m ranks above s:
/// `cap_m · Σ_{m' ⪰_s m} y_{s,m'} + Σ_{s' ≻_m s} y_{s',m} ≥ cap_m`. Seats counted here must
/// cover a need (`y ≤ Σ x`), or an empty seat would satisfy the row.
fn add_stability_rows(
    problem: &Problem,
    structure: &Structure,
    x: &[Variable],
    seat: &[Variable],
    model: &mut impl SolverModel,
) {
    let group = |s: StudentIx, m: MentorIx| structure.group(s, m);
    let mut at_mentor: Vec<Vec<usize>> = vec![Vec::new(); problem.mentors.len()];
    for (g, grp) in structure.groups.iter().enumerate() {
        at_mentor[grp.mentor as usize].push(g);
    }
    let mut used_seats: Vec<usize> = Vec::new();
    for (s, student) in problem.students.iter().enumerate() {
        let s = s as StudentIx;
        for &(m, rank) in &student.preferences {
            let Some(mentor_rank) = problem.facts(s, m).mentor_rank_of_student else {
                continue;
            };
            if group(s, m).is_none() {
                continue;
            }
            let cap = f64::from(problem.mentors[m as usize].capacity);
            let mut row = Expression::default();
            for &(other, r) in &student.preferences {
                if r <= rank {
                    if let Some(g) = group(s, other) {
                        row.add_mul(cap, seat[g]);
                        used_seats.push(g);
                    }
                }
            }
            for &g in at_mentor[m as usize].iter().filter(|&&g| {
                problem
                    .facts(structure.groups[g].student, m)
                    .mentor_rank_of_student
                    .is_some_and(|r| r < mentor_rank)
            }) {
                row.add_mul(1.0, seat[g]);
                used_seats.push(g);
            }
            model.add_constraint(row.geq(cap));
        }
    }
    structure.seats_cover_a_need(used_seats, x, seat, model);
}
