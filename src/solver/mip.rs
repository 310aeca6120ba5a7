//! The integer program itself: built with good_lp over the candidate set, solved by HiGHS with
//! fixed seed and one thread (so the same request gives the same plan), one solve per stage.
//!
//! HiGHS is never given a MIP start. With one, HiGHS 1.16 (highs-sys 1.16) proved wrong optima:
//! on a generated 400-student school (`generate_with(400, 100, 1, false)`) the seat-sharing
//! residual started from the network's plan was "proven" one normal need short of the true
//! optimum, and the same model solved without the start was right (test
//! `a_start_never_changes_the_integer_programs_optimum`). The previous stage's plan (or the
//! caller's) is kept here instead, as each stage's answer of last resort: a stage stopped by the
//! time limit with a worse plan than its start answers with the start.

use good_lp::solvers::highs::highs;
use good_lp::{variable, Expression, ProblemVariables, ResolutionError, SolverModel, Variable};
use highs::{HighsModelStatus, HighsSolutionStatus};

use super::{coverage_weights, Solution, SolveError, SolveOptions, SolveStatus};
use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::domain::Priority;
use crate::rules::Candidates;

/// A (student, mentor) seat and the candidate pairs that would use it.
struct SeatGroup {
    student: StudentIx,
    mentor: MentorIx,
    members: Vec<usize>,
}

/// Candidate-set structure shared by every stage.
struct Structure {
    need_of: Vec<NeedIx>,
    groups: Vec<SeatGroup>,
}

impl Structure {
    fn new(problem: &Problem, candidates: &Candidates) -> Self {
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

    /// The position of the (student, mentor) seat group, if the pair is a candidate.
    fn group(&self, student: StudentIx, mentor: MentorIx) -> Option<usize> {
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

/// One HiGHS solve's outcome.
/// Mentor-level terms of a stage's objective and rows: the involvement level
/// (`involveEveryMentor`: a binary per mentor, at most its seats), the load spread (`loadSpread`:
/// a convex cost on each mentor's load, one [0, 1] column per seat past the first, whose
/// rising costs make the cheapest ones fill first) and a floor on involvement kept from the
/// involvement stage.
#[derive(Clone, Copy, Debug, Default)]
struct MentorTerms {
    involve: f64,
    load_spread: f64,
    involve_floor: Option<f64>,
}

impl MentorTerms {
    /// The terms' part of the objective for a plan `x` (rounded).
    fn value(&self, problem: &Problem, structure: &Structure, x: &[f64]) -> f64 {
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
fn loads(problem: &Problem, structure: &Structure, x: &[f64]) -> Vec<u32> {
    let mut load = vec![0u32; problem.mentors.len()];
    for g in &structure.groups {
        if g.members.iter().any(|&c| x[c] > 0.5) {
            load[g.mentor as usize] += 1;
        }
    }
    load
}

struct StageOutcome {
    status: SolveStatus,
    x: Vec<f64>,
    /// HiGHS's dual bound on the stage objective (infinite when it proved none).
    bound: f64,
}

const TIME_LIMIT_FLOOR_SECONDS: f64 = 0.01;
/// Building the model (good_lp, then HiGHS taking it) costs time HiGHS's own limit does not
/// see: about a microsecond per pair on this machine, counted twice for margin. A stage is not
/// started when the time left would not cover it, so the deadline holds on large schools too.
const BUILD_SECONDS_PER_PAIR: f64 = 2e-6;
/// HiGHS's MIP setup (presolve, clique table, probing) does not look at the clock, and no
/// interrupt callback runs inside it: measured 1.2 s for 33.6 k pairs and 120 s for 640 k
/// pairs (a 4,000 x 1,000 maxChanges rematch), about `2e-7 · pairs^1.5` seconds. A stage is
/// not started unless the time left covers that, so a deadline is kept on any size.
const SETUP_SECONDS_COEFFICIENT: f64 = 2e-7;
/// Share of the time left that HiGHS's own limit is set to (see where it is set).
const HIGHS_LIMIT_SHARE: f64 = 0.85;
/// How often the fit stage may scale its coverage weights up before using explicit floors.
const MAX_WEIGHT_ESCALATIONS: usize = 4;

pub(super) fn solve(
    problem: &Problem,
    candidates: &Candidates,
    options: SolveOptions,
    deadline: super::Until,
    start: Option<&[usize]>,
) -> Result<Solution, SolveError> {
    let structure = Structure::new(problem, candidates);
    let priority_of = |c: usize| problem.needs[structure.need_of[c] as usize].priority;

    let level_of: Vec<Priority> = (0..candidates.len()).map(priority_of).collect();
    let build_seconds = candidates.len() as f64 * BUILD_SECONDS_PER_PAIR;
    let remaining = || deadline.left().as_secs_f64() - build_seconds;
    let setup_seconds = SETUP_SECONDS_COEFFICIENT * (candidates.len() as f64).powf(1.5);
    let too_late = || remaining() <= setup_seconds.max(TIME_LIMIT_FLOOR_SECONDS);

    // Stage 1, coverage: one solve with mixed-radix weights, or level by level when those
    // would be too large.
    let mut coverage_stages: Vec<Vec<f64>> = Vec::new();
    match coverage_weights(problem, candidates) {
        Some(w) => coverage_stages.push(level_of.iter().map(|&p| w[p as usize]).collect()),
        None => {
            for level in Priority::DESCENDING {
                coverage_stages.push(
                    level_of
                        .iter()
                        .map(|&p| f64::from(u8::from(p == level)))
                        .collect(),
                );
            }
        }
    }

    // A feasible plan is always at hand: it seeds the first solve and is the answer of last
    // resort if the time limit strikes before HiGHS finds any plan.
    // A caller's plan (the seat-sharing method's incumbent) replaces the greedy one.
    let mut x = match start {
        Some(chosen) => {
            let mut x = vec![0.0; candidates.len()];
            for &c in chosen {
                x[c] = 1.0;
            }
            x
        }
        None => greedy(problem, candidates, &structure),
    };
    let mut status = SolveStatus::Optimal;
    let mut fit_bound: Option<f64> = None;
    let mut floors: Vec<(Priority, f64)> = Vec::new();
    let counts = |x: &[f64]| -> [u32; 4] {
        let mut out = [0u32; 4];
        for (c, &v) in x.iter().enumerate() {
            if v > 0.5 {
                out[level_of[c] as usize] += 1;
            }
        }
        out
    };
    let model = Model {
        problem,
        candidates,
        structure: &structure,
        level_of: &level_of,
        deadline,
    };
    for coefficients in &coverage_stages {
        if candidates.is_empty() {
            break;
        }
        if too_late() {
            status = SolveStatus::TimeLimit;
            break;
        }
        match model.run(
            coefficients,
            MentorTerms::default(),
            true,
            &floors,
            &x,
            remaining(),
            0.0,
        )? {
            None => {
                status = SolveStatus::TimeLimit;
                break;
            }
            Some(o) if o.status == SolveStatus::Infeasible => {
                status = SolveStatus::Infeasible;
                x = vec![0.0; candidates.len()];
                break;
            }
            Some(o) => {
                x = o.x;
                // Keep the coverage reached as one row per level (count ≥ reached) for the
                // next level's solve.
                let reached = counts(&x);
                floors = Priority::DESCENDING
                    .iter()
                    .filter(|&&p| reached[p as usize] > 0)
                    .map(|&p| (p, f64::from(reached[p as usize]) - 0.5))
                    .collect();
                if o.status != SolveStatus::Optimal {
                    status = SolveStatus::TimeLimit;
                    break;
                }
            }
        }
    }

    // Between coverage and fit, with `involveEveryMentor`: as many mentors involved as the
    // coverage optimum allows, under the coverage floors.
    let involve_on = problem.policy.involve_every_mentor;
    let mut involved_optimum: Option<u32> = None;
    let involved = |x: &[f64]| {
        loads(problem, &structure, x)
            .iter()
            .filter(|&&l| l > 0)
            .count()
    };
    if involve_on && status == SolveStatus::Optimal && !candidates.is_empty() {
        let zeros = vec![0.0; candidates.len()];
        let terms = MentorTerms {
            involve: 1.0,
            ..MentorTerms::default()
        };
        if too_late() {
            status = SolveStatus::TimeLimit;
        } else {
            match model.run(&zeros, terms, true, &floors, &x, remaining(), 0.0)? {
                Some(o) if o.status == SolveStatus::Optimal => {
                    x = o.x;
                    involved_optimum = Some(involved(&x) as u32);
                }
                Some(o) if o.status != SolveStatus::Infeasible => {
                    x = o.x;
                    status = SolveStatus::TimeLimit;
                }
                _ => status = SolveStatus::TimeLimit,
            }
        }
    }
    let load_spread = problem.policy.load_spread;

    // Stage 2, fit among coverage-optimal plans. Coverage floors over every variable make the
    // model hard for HiGHS; instead maximise `Σ (base·2^level + score) x` with no floor and
    // check the result: if its coverage equals the stage-1 optimum, it is the best fit among
    // all coverage-optimal plans (any such plan scores the same coverage term, so a better fit
    // would contradict optimality of the weighted solve). If the weights were too small to hold
    // coverage, scale them up and solve again.
    if status == SolveStatus::Optimal && !candidates.is_empty() {
        let optimum = counts(&x);
        let max_score = candidates
            .scores
            .iter()
            .fold(0.0f64, |a, &b| a.max(b.abs()));
        let mut base = 2.0 * max_score + 1.0;
        let mut certified = false;
        for _ in 0..MAX_WEIGHT_ESCALATIONS {
            if too_late() {
                status = SolveStatus::TimeLimit;
                break;
            }
            let level_weight = |p: Priority| base * f64::from(1u32 << (p as u32));
            let coefficients: Vec<f64> = (0..candidates.len())
                .map(|c| level_weight(level_of[c]) + candidates.scores[c])
                .collect();
            // Involvement weighs like one need at the lowest level: the result is checked
            // against the involvement optimum as against the coverage one.
            let terms = MentorTerms {
                involve: if involve_on { base } else { 0.0 },
                load_spread,
                involve_floor: None,
            };
            let coverage_term: f64 = Priority::DESCENDING
                .iter()
                .map(|&p| level_weight(p) * f64::from(optimum[p as usize]))
                .sum::<f64>()
                + terms.involve * f64::from(involved_optimum.unwrap_or(0));
            match model.run(
                &coefficients,
                terms,
                false,
                &[],
                &x,
                remaining(),
                options.relative_gap,
            )? {
                None => {
                    status = SolveStatus::TimeLimit;
                    break;
                }
                Some(o)
                    if counts(&o.x) == optimum
                        && involved_optimum.is_none_or(|i| involved(&o.x) as u32 == i) =>
                {
                    x = o.x;
                    status = o.status;
                    fit_bound = Some(o.bound - coverage_term);
                    certified = true;
                    break;
                }
                Some(o) if o.status == SolveStatus::Optimal => base *= 8.0,
                Some(_) => {
                    // Stopped early with a plan that gave up coverage: keep the stage-1 plan.
                    status = SolveStatus::TimeLimit;
                    break;
                }
            }
        }
        if !certified && status == SolveStatus::Optimal {
            // Last resort: the fit objective under explicit coverage floors.
            let terms = MentorTerms {
                involve: 0.0,
                load_spread,
                involve_floor: involved_optimum.map(|i| f64::from(i) - 0.5),
            };
            match model.run(
                &candidates.scores,
                terms,
                false,
                &floors,
                &x,
                remaining(),
                options.relative_gap,
            )? {
                None => status = SolveStatus::TimeLimit,
                Some(o) => {
                    x = o.x;
                    status = o.status;
                    fit_bound = Some(o.bound);
                }
            }
        }
    }

    let chosen: Vec<usize> = (0..candidates.len()).filter(|&c| x[c] > 0.5).collect();
    let objective = super::chosen_objective(problem, candidates, &chosen);
    let (best_bound, gap) = match (fit_bound, status) {
        (_, SolveStatus::Optimal) => (objective, 0.0),
        (Some(bound), _) if bound.is_finite() => {
            let bound = bound.max(objective);
            (bound, super::relative_gap(objective, bound))
        }
        // The fit stage never ran or proved nothing: fall back to the trivial bound, every
        // need at its best-scoring candidate.
        _ => {
            let bound = super::trivial_bound(problem, candidates).max(objective);
            (bound, super::relative_gap(objective, bound))
        }
    };
    let coverage = super::level_coverage(problem, &super::verify::pairs(candidates, &chosen));
    #[cfg(debug_assertions)]
    if status != SolveStatus::Infeasible {
        let pairs = super::verify::pairs(candidates, &chosen);
        if let Err(e) = super::verify::verify(problem, &pairs) {
            debug_assert!(false, "solver produced an invalid plan: {e}");
        }
    }
    Ok(Solution {
        status,
        objective,
        best_bound,
        gap,
        coverage,
        chosen,
    })
}

/// What every stage's model is built from.
struct Model<'a> {
    problem: &'a Problem,
    candidates: &'a Candidates,
    structure: &'a Structure,
    level_of: &'a [Priority],
    /// Heard inside HiGHS through its interrupt callbacks (see [`interrupt_at`]).
    deadline: super::Until,
}

impl Model<'_> {
    /// Builds and solves one stage: maximise `coefficients · x` under the hard rules and the
    /// given coverage floors. `start` (feasible under those floors) is not shown to HiGHS (see
    /// the module header); it is the stage's answer when HiGHS stops at the limit with nothing
    /// better. `integral` objectives get an absolute gap of 0.5 (integers), others 1e-7.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        coefficients: &[f64],
        terms: MentorTerms,
        integral: bool,
        floors: &[(Priority, f64)],
        start: &[f64],
        seconds: f64,
        relative_gap: f64,
    ) -> Result<Option<StageOutcome>, SolveError> {
        let value = |x: &[f64]| -> f64 {
            coefficients
                .iter()
                .zip(x)
                .map(|(c, v)| c * v.round())
                .sum::<f64>()
                + terms.value(self.problem, self.structure, x)
        };
        let started = std::time::Instant::now();
        let outcome = run_stage(
            self,
            coefficients,
            terms,
            integral,
            floors,
            seconds,
            relative_gap,
        )?;
        tracing::debug!(
            pairs = self.candidates.len(),
            floors = floors.len(),
            status = ?outcome.as_ref().map(|o| o.status),
            ms = started.elapsed().as_millis() as u64,
            "integer program: stage solved"
        );
        Ok(match outcome {
            Some(o)
                if !matches!(o.status, SolveStatus::Optimal | SolveStatus::Infeasible)
                    && value(&o.x) < value(start) =>
            {
                Some(StageOutcome {
                    x: start.to_vec(),
                    ..o
                })
            }
            // Stopped before HiGHS found any plan: the start, unproven.
            None if !start.is_empty() => Some(StageOutcome {
                status: SolveStatus::TimeLimit,
                x: start.to_vec(),
                bound: f64::INFINITY,
            }),
            other => other,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn run_stage(
    model_data: &Model<'_>,
    coefficients: &[f64],
    terms: MentorTerms,
    integral: bool,
    floors: &[(Priority, f64)],
    seconds: f64,
    relative_gap: f64,
) -> Result<Option<StageOutcome>, SolveError> {
    let Model {
        problem,
        candidates,
        structure,
        level_of,
        deadline,
    } = *model_data;
    let backend = |source| SolveError::Backend {
        stage: "model build",
        source,
    };
    let mut vars = ProblemVariables::new();
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
    let mut objective = Expression::with_capacity(candidates.len());
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
    let mut model = vars.maximise(objective).using(highs);
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
        structure.seats_cover_a_need(involving, &x, &seat, &mut model);
    }
    if let Some(floor) = terms.involve_floor {
        let mut e = Expression::with_capacity(involvement.len());
        for z in involvement.iter().flatten() {
            e.add_mul(1.0, *z);
        }
        model.add_constraint(e.geq(floor));
    }

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
    if let Some(min_kept) = &problem.min_kept {
        let mut e = Expression::with_capacity(min_kept.pairs.len());
        let mut counted = Vec::with_capacity(min_kept.pairs.len());
        for &(s, m) in &min_kept.pairs {
            if let Some(g) = structure.group(s, m) {
                e.add_mul(1.0, seat[g]);
                counted.push(g);
            }
        }
        // A seat counts as kept only when it covers a need.
        structure.seats_cover_a_need(counted, &x, &seat, &mut model);
        model.add_constraint(e.geq(f64::from(min_kept.at_least)));
    }
    if problem.stable_only {
        add_stability_rows(problem, structure, &x, &seat, &mut model);
    }
    for &(level, floor) in floors {
        let mut e = Expression::with_capacity(candidates.len());
        for (c, &l) in level_of.iter().enumerate() {
            if l == level {
                e.add_mul(1.0, x[c]);
            }
        }
        model.add_constraint(e.geq(floor));
    }

    let mut inner = model.try_into_inner().map_err(backend)?;
    // MENTOR_MATCH_HIGHS_LOG=1 shows HiGHS's own log, for diagnosing a slow model.
    let verbose = std::env::var_os("MENTOR_MATCH_HIGHS_LOG").is_some();
    set_option(&mut inner, "output_flag", verbose)?;
    set_option(&mut inner, "log_to_console", verbose)?;
    set_option(&mut inner, "threads", 1)?;
    set_option(&mut inner, "random_seed", 0)?;
    // HiGHS looks at the clock between pieces of work and overshoots its limit by up to a
    // tenth on large models; keep that inside the caller's deadline.
    set_option(
        &mut inner,
        "time_limit",
        (seconds * HIGHS_LIMIT_SHARE).max(TIME_LIMIT_FLOOR_SECONDS),
    )?;
    set_option(&mut inner, "mip_rel_gap", relative_gap)?;
    set_option(&mut inner, "mip_abs_gap", if integral { 0.5 } else { 1e-7 })?;

    // HiGHS checks its own time limit only between pieces of work and overran it by minutes
    // in the root LP of large models (a 4,000 x 1,000 maxChanges rematch: 30 s limit, still
    // solving after 90 s). Its interrupt callbacks run every simplex / interior-point
    // iteration and MIP node: there it hears the deadline and the stop flag.
    let mut hear = deadline;
    interrupt_at(&mut inner, &mut hear);
    let solved = inner.try_solve().map_err(|e| SolveError::Backend {
        stage: "solve",
        source: ResolutionError::Str(format!("{e:?}")),
    })?;
    let status = match solved.status() {
        HighsModelStatus::Optimal => {
            let gap = solved.mip_gap();
            if relative_gap > 0.0 && gap.is_finite() && gap > 1e-9 {
                SolveStatus::GapLimit
            } else {
                SolveStatus::Optimal
            }
        }
        HighsModelStatus::ObjectiveBound | HighsModelStatus::ObjectiveTarget => {
            SolveStatus::GapLimit
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedMemoryLimit => SolveStatus::TimeLimit,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return Ok(Some(StageOutcome {
                status: SolveStatus::Infeasible,
                x: Vec::new(),
                bound: 0.0,
            }))
        }
        other => {
            return Err(SolveError::Backend {
                stage: "solve",
                source: ResolutionError::Str(format!("unexpected HiGHS status {other:?}")),
            })
        }
    };
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Ok(None);
    }
    let columns = solved.get_solution();
    let x_values = columns.columns()[..candidates.len()].to_vec();
    let value: f64 = coefficients
        .iter()
        .zip(&x_values)
        .map(|(c, x)| c * x.round())
        .sum::<f64>()
        + terms.value(problem, structure, &x_values);
    let reported = solved.objective_value();
    // A plan whose own value is not the one HiGHS reports proves nothing (seen with MIP starts,
    // which are no longer given): keep it, unproven.
    let status = if (value - reported).abs() > 1e-6 * reported.abs().max(1.0) {
        tracing::warn!(
            value,
            reported,
            "integer program: plan and reported objective differ"
        );
        match status {
            SolveStatus::Optimal | SolveStatus::GapLimit => SolveStatus::TimeLimit,
            other => other,
        }
    } else {
        status
    };
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite())
        .unwrap_or(f64::INFINITY);
    Ok(Some(StageOutcome {
        status,
        x: x_values,
        bound,
    }))
}

fn sum(vars: &[Variable]) -> Expression {
    let mut e = Expression::with_capacity(vars.len());
    for &v in vars {
        e.add_mul(1.0, v);
    }
    e
}

/// A feasible plan built greedily: locks first, then (in a rematch with a bound on changes) the
/// working pairs to keep, then needs from most to least urgent, each to its best-scoring
/// candidate with a free seat.
fn greedy(problem: &Problem, candidates: &Candidates, structure: &Structure) -> Vec<f64> {
    let mut x = vec![0.0; candidates.len()];
    let mut load = vec![0u32; problem.mentors.len()];
    let mut covered = vec![false; problem.needs.len()];
    let mut seats: std::collections::HashSet<(StudentIx, MentorIx)> = Default::default();
    let mut mentors_of = vec![0u32; problem.students.len()];
    let max = problem.policy.max_mentors_per_student;
    let mut take = |c: usize, x: &mut Vec<f64>| -> bool {
        let n = structure.need_of[c];
        let s = problem.needs[n as usize].student;
        let m = candidates.mentors[c];
        if covered[n as usize] {
            return false;
        }
        let has_seat = seats.contains(&(s, m));
        if !has_seat
            && (load[m as usize] >= problem.mentors[m as usize].capacity
                || mentors_of[s as usize] >= max)
        {
            return false;
        }
        if !has_seat {
            seats.insert((s, m));
            load[m as usize] += 1;
            mentors_of[s as usize] += 1;
        }
        covered[n as usize] = true;
        x[c] = 1.0;
        true
    };
    for &(s, m) in &problem.locked {
        for n in problem.students[s as usize].needs() {
            if let Some(c) = candidates.find(n, m) {
                if take(c, &mut x) {
                    break;
                }
            }
        }
    }
    // A rematch bound on changes: keep working pairs first (listed keepable-together first).
    if let Some(min_kept) = &problem.min_kept {
        for &(s, m) in &min_kept.pairs {
            for n in problem.students[s as usize].needs() {
                if let Some(c) = candidates.find(n, m) {
                    if take(c, &mut x) {
                        break;
                    }
                }
            }
        }
    }
    let mut order: Vec<NeedIx> = (0..problem.needs.len() as NeedIx).collect();
    order.sort_by_key(|&n| std::cmp::Reverse(problem.needs[n as usize].priority));
    for n in order {
        let mut ranked: Vec<usize> = candidates.of_need(n).collect();
        ranked.sort_by(|&a, &b| candidates.scores[b].total_cmp(&candidates.scores[a]));
        for c in ranked {
            if take(c, &mut x) {
                break;
            }
        }
    }
    x
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

/// The callback HiGHS calls in its loops: asks it to stop once the deadline passed.
unsafe extern "C" fn on_interrupt_check(
    _kind: std::os::raw::c_int,
    _message: *const std::os::raw::c_char,
    _out: *const highs_sys::HighsCallbackDataOut,
    data_in: *mut highs_sys::HighsCallbackDataIn,
    user: *mut std::os::raw::c_void,
) {
    // SAFETY: `user` is the `Until` given to `interrupt_at`, which outlives the solve (the
    // solve is synchronous and the value lives on the caller's stack until it returns);
    // `data_in` is HiGHS's own, valid during the call, and may be null for some kinds.
    let until = unsafe { &*(user as *const super::Until) };
    if !data_in.is_null() && until.passed() {
        unsafe { (*data_in).user_interrupt = 1 };
    }
}

/// Installs [`on_interrupt_check`] for the simplex, interior-point and MIP loops. `until`
/// must stay where it is until the model is solved.
pub(in crate::solver) fn interrupt_at(model: &mut highs::Model, until: &mut super::Until) {
    let ptr = model.as_mut_ptr();
    // SAFETY: `ptr` is the live HiGHS instance owned by `model`; the callback's data pointer
    // stays valid for the solve (see `on_interrupt_check`). Failures only mean no interrupt.
    unsafe {
        highs_sys::Highs_setCallback(
            ptr,
            Some(on_interrupt_check),
            until as *mut super::Until as *mut std::os::raw::c_void,
        );
        for kind in [
            highs_sys::kHighsCallbackSimplexInterrupt,
            highs_sys::kHighsCallbackIpmInterrupt,
            highs_sys::kHighsCallbackMipInterrupt,
        ] {
            highs_sys::Highs_startCallback(ptr, kind);
        }
    }
}

fn set_option<V: highs::HighsOptionValue>(
    model: &mut highs::Model,
    option: &'static str,
    value: V,
) -> Result<(), SolveError> {
    model
        .try_set_option(option, value)
        .map_err(|_| SolveError::Option { option })
}
