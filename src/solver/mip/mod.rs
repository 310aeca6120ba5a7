//! The integer program itself: built with good_lp over the candidate set, solved by HiGHS with
//! fixed seed and one thread (so the same request gives the same plan), one solve per stage.
//!
//! HiGHS is never given a MIP start. With one, HiGHS 1.16 (highs-sys 1.16) proved wrong optima:
//! on a generated 400-student school (`generate_with(400, 100, 1, false)`) the seat-sharing
//! residual started from the network's plan was "proven" one normal need short of the true
//! optimum, and the same model solved without the start was right (test
//! `a_start_never_changes_the_integer_programs_optimum`). The previous stage's plan (or the
//! caller's) is kept here instead, as each stage's answer of last resort: a stage stopped by the
//! time limit with a worse plan than its start answers with the start, and so does a stage
//! HiGHS fails with presolve and again without.
//!
//! Imports the domain, the rules, good_lp and `solver::highs` (HiGHS is touched only there: its
//! options, the solve and its statuses); must not import anything above the solver.

mod greedy;
mod model;

pub(super) use self::model::Structure;
use self::model::{loads, MentorTerms};
use super::highs::{self as backend, MipSettings};
use super::{coverage_weights, Solution, SolveError, SolveOptions, SolveStatus};
use crate::domain::model::Problem;
use crate::domain::Priority;
use crate::rules::Candidates;

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
/// HiGHS's expected setup time for a model over `pairs` candidate pairs (see
/// [`SETUP_SECONDS_COEFFICIENT`]).
pub(super) fn setup_seconds(pairs: usize) -> f64 {
    SETUP_SECONDS_COEFFICIENT * (pairs as f64).powf(1.5)
}

/// At most this many distinct scores make the fit stage start under explicit floors.
const FEW_DISTINCT_SCORES: usize = 16;

/// Whether `scores` take at most [`FEW_DISTINCT_SCORES`] values.
fn few_distinct(scores: &[f64]) -> bool {
    let mut seen: Vec<u64> = Vec::with_capacity(FEW_DISTINCT_SCORES + 1);
    for s in scores {
        let bits = s.to_bits();
        if !seen.contains(&bits) {
            if seen.len() == FEW_DISTINCT_SCORES {
                return false;
            }
            seen.push(bits);
        }
    }
    true
}

/// Share of the time left that HiGHS's own limit is set to (see where it is set).
const HIGHS_LIMIT_SHARE: f64 = 0.85;
/// HiGHS's soft limit on its cut pool (rows) for a seat-sharing residual ([`Known::Residual`]);
/// HiGHS's own is 10,000. The residual holds the pairs within a gap of an exact bound, so its
/// root LP starts at or near that bound; HiGHS's root cut rounds then went on while the pool
/// grew, each round dearer, and raised nothing: on the multi-need district's residual (33 k
/// pairs, the root LP at the optimum's value after 1.5 s) they took 2.3 of its 4.4 s before the
/// sub-MIP found the plan. Measured on the programs written out and solved alone (two runs
/// each): the district's residual 3.4 s at HiGHS's limit, 2.2 / 2.0 / 1.9 / 2.4 s at
/// 10 / 50 / 100 / 300; the 10,000-student school's (`generate --students 10000 --mentors 2700
/// --seed 22`) 5.0 s, 1.4 / 1.4 / 2.7 / 4.7 s; the many-needs K 2 school's fit stage (its
/// coverage settled by the stages before) 3.1 → 1.7 s and its widened residual 6.9 → 4.0 s;
/// the coverage stages of the many-needs residuals (K 2, K 6, `mn2k2`), the residuals of the
/// 4,000x1,000, dense and affinity schools and of the 900-student school (17 ms–1.3 s) the
/// same or faster; the same optima everywhere. The integer program over every pair of the
/// 900-student school (no bound behind it) was within noise, and keeps HiGHS's default.
const TIGHT_CUT_POOL: i32 = 50;
/// A seat-sharing residual ([`Known::Residual`]) runs without HiGHS's mod-k (zero-half) cut
/// separator (`mip_allow_modk_separation`, an option of the vendored HiGHS: see
/// `vendor/highs-sys/MENTOR-MATCH.md`). Its Gaussian elimination over the tight rows is
/// dear on a residual of thousands of rows, and on a root LP already at the bound it raised
/// nothing: the many-needs school `generate --students 8000 --mentors 2000 --seed 55` with
/// `manyneeds.py … 1 55` spent 5 s of its residual's root in it (`HighsGFkSolve::findNonzero`
/// 13 % of the run), and the residual ended at the 30 s limit 2/180 of a point short of its
/// bound; without it the residual is proven optimal in 5.0 s and the whole answer in 23.5 s.
/// Measured against the code before on twenty-one more schools of the shapes set (the
/// district, the dense 10,000 school, the homeroom, affinity and many-needs shapes, the
/// 900-student school, 4,000x1,000), one run each: the same optima and coverage, the same
/// bytes on all but three (another plan of the same objective), times within noise.
const RESIDUAL_MODK_CUTS: bool = false;
/// How much better than its start, relatively, a plan must be for a residual's stage with a
/// fractional objective to search for it (see [`Model::run`]): below the stages' own gap.
const CUTOFF_SHARE: f64 = 1e-9;
/// Largest program whose stage, found infeasible under a cutoff, is solved again without
/// presolve (see [`Model::run`]). HiGHS's presolve has called feasible stages infeasible on
/// schools of five and seven students; on large residuals a second solve would double the
/// proof (`gen4000s21_locks`: 0.9 s over 14.4 k pairs).
const CUTOFF_RECHECK_PAIRS: usize = 2_000;

#[cfg(test)]
thread_local! {
    /// Stages answered by their start under a cutoff, on this thread: the tests' view of
    /// that path.
    static HELD_ANSWERS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How often the fit stage may scale its coverage weights up before using explicit floors.
const MAX_WEIGHT_ESCALATIONS: usize = 4;

/// What the caller knows of the program it hands over: it decides what HiGHS may skip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Known {
    /// Nothing: the integer program over a candidate set of its own (the fallback, the oracle,
    /// a forced pair's solve, a `maxChanges` row's program).
    Nothing,
    /// A seat-sharing residual: the pairs within a gap of an exact bound, so the program's
    /// LP relaxation sits near that bound from the start and HiGHS's cut rounds at the root
    /// have little to raise ([`TIGHT_CUT_POOL`], [`RESIDUAL_MODK_CUTS`]). With
    /// `coverage_proven`, the start's coverage is the optimum's too (the bound leaves less
    /// than half a need above it).
    ///
    /// With `lp_first`, each stage solves the program's LP relaxation first and takes its
    /// optimum where it is integral (HiGHS's `solve_relaxation`; see `highs::solve_mip`).
    Residual {
        coverage_proven: bool,
        lp_first: bool,
    },
}

/// Solves the integer program over `candidates`: coverage, then (with `involveEveryMentor`)
/// involvement, then fit, each stage keeping what the previous one proved. `start` (candidate
/// positions of a feasible plan) replaces the greedy plan as the answer of last resort; where
/// `known` says its coverage is proven (no plan over these candidates covers more at any
/// level), the coverage stage is skipped.
pub(super) fn solve(
    problem: &Problem,
    candidates: &Candidates,
    options: SolveOptions,
    deadline: super::Until,
    start: Option<&[usize]>,
    known: Known,
) -> Result<Solution, SolveError> {
    // A start whose coverage the caller has proven optimal (the seat-sharing residual, whose
    // bound leaves less than half a need): no coverage stage, and no search for a first plan.
    let proven_start = start.is_some()
        && matches!(
            known,
            Known::Residual {
                coverage_proven: true,
                ..
            }
        );
    let structure = Structure::new(problem, candidates);
    let level_of: Vec<Priority> = structure
        .need_of
        .iter()
        .map(|&n| problem.needs[n as usize].priority)
        .collect();
    let model = Model {
        problem,
        candidates,
        structure: &structure,
        level_of: &level_of,
        deadline,
        feasibility_jump: !proven_start,
        residual_cuts: matches!(known, Known::Residual { .. }),
        lp_first: matches!(known, Known::Residual { lp_first: true, .. }),
        setup: setup_seconds(structure.model_size(candidates)),
        cutoff: start.is_some() && matches!(known, Known::Residual { .. }),
        slowest_stage: std::cell::Cell::new(0.0),
    };
    // A feasible plan is always at hand: the answer of last resort if the time limit strikes
    // before HiGHS finds a better one. A caller's plan replaces the greedy one.
    let x = match start {
        Some(chosen) => {
            let mut x = vec![0.0; candidates.len()];
            for &c in chosen {
                x[c] = 1.0;
            }
            x
        }
        None => greedy::greedy(problem, candidates, &structure),
    };
    let mut plan = Progress {
        x,
        status: SolveStatus::Optimal,
        proven_levels: 0,
    };
    if candidates.is_empty() {
        return Ok(model.solution(plan, None));
    }
    // A start of proven coverage needs no coverage stage: its counts are the floors.
    let floors = if proven_start {
        model.floors_at(&plan.x)
    } else {
        model.coverage(&mut plan)?
    };
    if plan.proven() {
        plan.proven_levels = Priority::DESCENDING.len();
    }
    let involved = model.involvement(&mut plan, &floors)?;
    let fit_bound = model.fit(&mut plan, &floors, involved, options.relative_gap)?;
    // A residual's stages prove coverage over the residual's pairs only, not the problem's:
    // what its caller's bound proves is the caller's to say (`side::residual::CoverageProof`).
    if known != Known::Nothing {
        plan.proven_levels = 0;
    }
    Ok(model.solution(plan, fit_bound))
}

/// The plan as the stages leave it: proven so far (`Optimal`) or not.
struct Progress {
    x: Vec<f64>,
    status: SolveStatus,
    /// Levels (most urgent first, `Priority::DESCENDING`) whose coverage the stages proved
    /// maximal, in the plan's order of proof: the answer's `LevelCoverage::at_most`.
    proven_levels: usize,
}

impl Progress {
    fn proven(&self) -> bool {
        self.status == SolveStatus::Optimal
    }
}

/// What every stage's model is built from.
struct Model<'a> {
    problem: &'a Problem,
    candidates: &'a Candidates,
    structure: &'a Structure,
    level_of: &'a [Priority],
    /// Heard inside HiGHS through its interrupt callbacks (see `solver::highs`).
    deadline: super::Until,
    /// Whether HiGHS runs its feasibility-jump heuristic, a search for a first plan. Off for a
    /// seat-sharing residual, whose start is a plan of proven coverage and whose bound is
    /// already within a fraction of a point: there it found nothing the root LP and its
    /// sub-MIP did not, and took a quarter of the program's time (measured: the school's
    /// residual 63 → 47 ms, the 4,000x1,000 school's 397 → 300 ms, the same plans).
    feasibility_jump: bool,
    /// The root cuts of a seat-sharing residual ([`Known::Residual`]): HiGHS's cut pool held
    /// to [`TIGHT_CUT_POOL`] rows, and mod-k cuts as [`RESIDUAL_MODK_CUTS`] says.
    residual_cuts: bool,
    /// Whether each stage solves its LP relaxation first ([`Known::Residual`]'s `lp_first`).
    lp_first: bool,
    /// HiGHS's expected setup for a stage's model, in seconds (see [`Model::too_late`]).
    setup: f64,
    /// Whether each stage searches only for plans better than the one it holds (a
    /// seat-sharing residual started from its incumbent: see [`Model::run`]).
    cutoff: bool,
    /// Seconds the slowest stage solved so far took (see [`Model::too_late`]).
    slowest_stage: std::cell::Cell<f64>,
}

impl Model<'_> {
    /// Seconds HiGHS may use from now: the time left less the model build's.
    fn remaining(&self) -> f64 {
        self.deadline.left().as_secs_f64() - self.candidates.len() as f64 * BUILD_SECONDS_PER_PAIR
    }

    /// A stage is not started when the time left cannot cover HiGHS's setup, estimated from
    /// the model's size ([`Structure::model_size`]). Counting pairs only misjudged schools
    /// whose students have many needs: 104 k pairs, 22 k shared seats, 126 k columns and
    /// 60 k rows (`manyneeds.py … 6`) took 12.8 s of setup against 6.7 s estimated, and the
    /// stage ended 3–5 s past the deadline; counted so, 16 s.
    ///
    /// Nor when less than half the slowest earlier stage's time is left: the stages solve one
    /// model under other objectives and cost alike, and HiGHS does not listen inside its root
    /// (a fit stage over 26 k pairs started with 4 s left, after a coverage stage of 14 s, and
    /// ended 1 s past the deadline, 3 s inside one round of cuts).
    fn too_late(&self) -> bool {
        let remaining = self.remaining();
        remaining < self.slowest_stage.get() / 2.0
            || remaining <= self.setup.max(TIME_LIMIT_FLOOR_SECONDS)
    }

    /// A stage's objective for plan `x` (rounded): `coefficients · x` plus the mentor terms.
    fn value_of(&self, coefficients: &[f64], terms: MentorTerms, x: &[f64]) -> f64 {
        coefficients
            .iter()
            .zip(x)
            .map(|(c, v)| c * v.round())
            .sum::<f64>()
            + terms.value(self.problem, self.structure, x)
    }

    /// Needs covered per priority in plan `x`.
    fn counts(&self, x: &[f64]) -> [u32; 4] {
        let mut out = [0u32; 4];
        for (c, &v) in x.iter().enumerate() {
            if v > 0.5 {
                out[self.level_of[c] as usize] += 1;
            }
        }
        out
    }

    /// Whether plan `x` (non-empty) meets every floor.
    fn meets(&self, x: &[f64], floors: &[(Priority, f64)]) -> bool {
        let reached = self.counts(x);
        !x.is_empty()
            && floors
                .iter()
                .all(|&(p, at_least)| f64::from(reached[p as usize]) >= at_least)
    }

    /// The coverage of plan `x` as floors: one (level, at least) per level it covers.
    fn floors_at(&self, x: &[f64]) -> Vec<(Priority, f64)> {
        let reached = self.counts(x);
        Priority::DESCENDING
            .iter()
            .filter(|&&p| reached[p as usize] > 0)
            .map(|&p| (p, f64::from(reached[p as usize]) - 0.5))
            .collect()
    }

    /// Mentors with at least one student in plan `x`.
    fn involved(&self, x: &[f64]) -> u32 {
        loads(self.problem, self.structure, x)
            .iter()
            .filter(|&&l| l > 0)
            .count() as u32
    }

    /// Stage 1, coverage: one solve with mixed-radix weights, or level by level when those
    /// would be too large. Returns the coverage reached as floors (level, at least).
    fn coverage(&self, plan: &mut Progress) -> Result<Vec<(Priority, f64)>, SolveError> {
        let mut stages: Vec<Vec<f64>> = Vec::new();
        match coverage_weights(self.problem, self.candidates) {
            Some(w) => stages.push(self.level_of.iter().map(|&p| w[p as usize]).collect()),
            None => {
                for level in Priority::DESCENDING {
                    stages.push(
                        self.level_of
                            .iter()
                            .map(|&p| f64::from(u8::from(p == level)))
                            .collect(),
                    );
                }
            }
        }
        let mut floors: Vec<(Priority, f64)> = Vec::new();
        for coefficients in &stages {
            let outcome = self.run(
                coefficients,
                MentorTerms::default(),
                true,
                &floors,
                &plan.x,
                self.remaining(),
                0.0,
            )?;
            match outcome {
                None => {
                    plan.status = SolveStatus::TimeLimit;
                    break;
                }
                Some(o) if o.status == SolveStatus::Infeasible => {
                    plan.status = SolveStatus::Infeasible;
                    plan.x = vec![0.0; self.candidates.len()];
                    break;
                }
                Some(o) => {
                    plan.x = o.x;
                    // Keep the coverage reached as one row per level (count ≥ reached) for
                    // the next level's solve.
                    floors = self.floors_at(&plan.x);
                    if o.status != SolveStatus::Optimal {
                        plan.status = SolveStatus::TimeLimit;
                        break;
                    }
                    // One stage per level proves that level (one weighted stage proves all:
                    // the caller counts every level once the stages end proven).
                    plan.proven_levels += 1;
                }
            }
        }
        Ok(floors)
    }

    /// Between coverage and fit, with `involveEveryMentor`: as many mentors involved as the
    /// coverage optimum allows, under the coverage floors. Returns that optimum.
    fn involvement(
        &self,
        plan: &mut Progress,
        floors: &[(Priority, f64)],
    ) -> Result<Option<u32>, SolveError> {
        if !self.problem.policy.involve_every_mentor || !plan.proven() {
            return Ok(None);
        }
        let zeros = vec![0.0; self.candidates.len()];
        let terms = MentorTerms {
            involve: 1.0,
            ..MentorTerms::default()
        };
        let outcome = self.run(&zeros, terms, true, floors, &plan.x, self.remaining(), 0.0)?;
        Ok(match outcome {
            Some(o) if o.status == SolveStatus::Optimal => {
                plan.x = o.x;
                Some(self.involved(&plan.x))
            }
            Some(o) if o.status != SolveStatus::Infeasible => {
                plan.x = o.x;
                plan.status = SolveStatus::TimeLimit;
                None
            }
            _ => {
                plan.status = SolveStatus::TimeLimit;
                None
            }
        })
    }

    /// Stage 2, fit among coverage-optimal plans. Coverage floors over every variable make
    /// the model hard for HiGHS; instead maximise `Σ (base·2^level + score) x` with no floor
    /// and check the result: if its coverage equals the stage-1 optimum, it is the best fit
    /// among all coverage-optimal plans (any such plan scores the same coverage term, so a
    /// better fit would contradict optimality of the weighted solve). If the weights were too
    /// small to hold coverage, scale them up and solve again; as a last resort, solve under
    /// explicit floors. Returns HiGHS's bound on the fit.
    fn fit(
        &self,
        plan: &mut Progress,
        floors: &[(Priority, f64)],
        involved_optimum: Option<u32>,
        relative_gap: f64,
    ) -> Result<Option<f64>, SolveError> {
        if !plan.proven() {
            return Ok(None);
        }
        let candidates = self.candidates;
        let optimum = self.counts(&plan.x);
        let max_score = candidates.largest_score();
        let load_spread = self.problem.policy.load_spread;
        let mut base = 2.0 * max_score + 1.0;
        // Where the scores take a handful of values, the weighted stage's objective is nearly
        // coverage alone, and it trades a need above for several below wherever the pairs let
        // it (see below): the floors go first. Measured on the residual programs of tied
        // schools (1–2 distinct scores): 1.9 s -> 0.43 s and 3.0 s -> 0.9 s; where scores vary
        // (120+ distinct on every generated and dense school), the weighted stage is the
        // faster (hs 126 against 229 ms), so it stays first there.
        let tries = if few_distinct(&candidates.scores) {
            0
        } else {
            MAX_WEIGHT_ESCALATIONS
        };
        for _ in 0..tries {
            let level_weight = |p: Priority| base * f64::from(1u32 << (p as u32));
            let coefficients: Vec<f64> = (0..candidates.len())
                .map(|c| level_weight(self.level_of[c]) + candidates.scores[c])
                .collect();
            // Involvement weighs like one need at the lowest level: the result is checked
            // against the involvement optimum as against the coverage one.
            let terms = MentorTerms {
                involve: if self.problem.policy.involve_every_mentor {
                    base
                } else {
                    0.0
                },
                load_spread,
                involve_floor: None,
            };
            let coverage_term: f64 = Priority::DESCENDING
                .iter()
                .map(|&p| level_weight(p) * f64::from(optimum[p as usize]))
                .sum::<f64>()
                + terms.involve * f64::from(involved_optimum.unwrap_or(0));
            let outcome = self.run(
                &coefficients,
                terms,
                false,
                &[],
                &plan.x,
                self.remaining(),
                relative_gap,
            )?;
            match outcome {
                None => {
                    plan.status = SolveStatus::TimeLimit;
                    return Ok(None);
                }
                Some(o)
                    if self.counts(&o.x) == optimum
                        && involved_optimum.is_none_or(|i| self.involved(&o.x) == i) =>
                {
                    plan.x = o.x;
                    plan.status = o.status;
                    return Ok(Some(o.bound - coverage_term));
                }
                Some(o) if o.status == SolveStatus::Optimal => {
                    // A plan covering more than the optimum at some level gave up a need
                    // above it for several below: the levels' weights stand in a fixed ratio,
                    // so a larger base only repeats that trade (a tied 2,000-student school:
                    // four escalations of ~1.7 s each). Only the floors stop it.
                    let reached = self.counts(&o.x);
                    if reached.iter().zip(&optimum).any(|(r, o)| r > o) {
                        break;
                    }
                    base *= 8.0;
                }
                Some(_) => {
                    // Stopped early with a plan that gave up coverage: keep the stage-1 plan.
                    plan.status = SolveStatus::TimeLimit;
                    return Ok(None);
                }
            }
        }
        self.fit_under_floors(plan, floors, involved_optimum, relative_gap)
    }

    /// The fit stage's last resort: the fit objective under explicit coverage floors.
    fn fit_under_floors(
        &self,
        plan: &mut Progress,
        floors: &[(Priority, f64)],
        involved_optimum: Option<u32>,
        relative_gap: f64,
    ) -> Result<Option<f64>, SolveError> {
        let terms = MentorTerms {
            involve: 0.0,
            load_spread: self.problem.policy.load_spread,
            involve_floor: involved_optimum.map(|i| f64::from(i) - 0.5),
        };
        let outcome = self.run(
            &self.candidates.scores,
            terms,
            false,
            floors,
            &plan.x,
            self.remaining(),
            relative_gap,
        )?;
        Ok(match outcome {
            None => {
                plan.status = SolveStatus::TimeLimit;
                None
            }
            // Infeasible under floors its start meets: the start stays, unproven.
            Some(o) if o.status == SolveStatus::Infeasible => {
                plan.status = SolveStatus::TimeLimit;
                None
            }
            Some(o) => {
                plan.x = o.x;
                plan.status = o.status;
                Some(o.bound)
            }
        })
    }

    /// The answer: the plan, its objective, and the best bound the stages proved (the plan's
    /// own value when proven; HiGHS's fit bound; or every need at its best candidate).
    fn solution(&self, plan: Progress, fit_bound: Option<f64>) -> Solution {
        let (problem, candidates) = (self.problem, self.candidates);
        let Progress {
            x,
            status,
            proven_levels,
        } = plan;
        let chosen: Vec<usize> = (0..candidates.len())
            .filter(|&c| x.get(c).is_some_and(|&v| v > 0.5))
            .collect();
        let mut solution = super::plan_solution(problem, candidates, chosen, status, fit_bound);
        // A proven answer's levels are all proven (`Solution::reported_coverage`); a stopped
        // one's, those its coverage stages finished.
        if status == SolveStatus::TimeLimit {
            let proven = &Priority::DESCENDING[..proven_levels.min(Priority::DESCENDING.len())];
            for level in &mut solution.coverage {
                if proven.contains(&level.priority) {
                    level.at_most = Some(level.covered);
                }
            }
        }
        solution
    }

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
        // Every stage asks here, so none starts HiGHS past the point it cannot stop in time
        // (the fit stage under floors, which scores of few values reach straight from the
        // coverage stage, once started whatever the time: a tied district's residual ran 1.7 s
        // from 0.9 s before its limit). None: the caller answers with its plan, time-limited.
        if self.too_late() {
            return Ok(None);
        }
        let started = std::time::Instant::now();
        // A residual's stage holds its start's value as a cutoff: HiGHS then searches only for
        // a better plan and, where there is none, proves that without first finding one as
        // good (`gen4000s21_locks`: the proof over 14.4 k pairs 3.0 -> 0.9 s, where HiGHS's
        // heuristics had spent two thirds of it re-finding the plan it was not shown). Better
        // by the objective's finest step: half a need where it is integral, else a part in
        // 1e9 (below the stage's own gap).
        let held =
            (self.cutoff && !start.is_empty()).then(|| self.value_of(coefficients, terms, start));
        let cutoff = held.map(|v| {
            v + if integral {
                0.5
            } else {
                CUTOFF_SHARE * v.abs().max(1.0)
            }
        });
        let stage = |presolve| {
            run_stage(
                self,
                coefficients,
                terms,
                integral,
                floors,
                seconds,
                relative_gap,
                presolve,
                cutoff,
            )
        };
        // HiGHS's presolve sometimes leaves every plan it finds violating the original model
        // ("untransformed violations"). It then either ends in a solve error (a 7-student
        // school, `properties.rs`, seed 1489158068767866178: the fit stage's presolve reduced
        // the model to empty and its plan broke a coverage floor) or, under floors that `start`
        // meets and so a feasible model (`start` is an earlier stage's plan, or a caller's of
        // proven coverage), declares the stage infeasible (a 5-student school, seed
        // 12530619070343619630). Either way: once more without presolve, and only once.
        let presolved = stage(true);
        let presolve_failed = match &presolved {
            Err(SolveError::Backend { stage: "solve", .. }) => Some("HiGHS failed"),
            Ok(Some(o))
                if o.status == SolveStatus::Infeasible
                    && held.is_none()
                    && !floors.is_empty()
                    && self.meets(start, floors) =>
            {
                Some("a stage whose start is feasible came back infeasible")
            }
            // Under a cutoff, "infeasible" is the common answer (nothing better than the
            // start), and a wrong one from presolve cannot be told from it: on small programs,
            // where presolve has gone wrong and a second solve costs nothing, it is checked.
            Ok(Some(o))
                if o.status == SolveStatus::Infeasible
                    && held.is_some()
                    && self.candidates.len() <= CUTOFF_RECHECK_PAIRS =>
            {
                Some("a small stage under a cutoff came back infeasible")
            }
            _ => None,
        };
        let outcome = match presolve_failed {
            Some(reason) => {
                if held.is_some() {
                    tracing::debug!(
                        pairs = self.candidates.len(),
                        reason,
                        "integer program: checked again without presolve"
                    );
                } else {
                    tracing::warn!(
                        pairs = self.candidates.len(),
                        floors = floors.len(),
                        reason,
                        "integer program: presolve failed a stage; solved again without presolve"
                    );
                }
                match stage(false) {
                    // Failed again: the start is the stage's answer, unproven (below), as
                    // when the limit strikes before HiGHS finds a plan. Nothing found so far
                    // is lost to a backend failure.
                    Err(SolveError::Backend { stage: "solve", .. }) if !start.is_empty() => {
                        tracing::warn!(
                            pairs = self.candidates.len(),
                            floors = floors.len(),
                            "integer program: HiGHS failed the stage again; its start kept, unproven"
                        );
                        None
                    }
                    other => other?,
                }
            }
            None => presolved?,
        };
        let took = started.elapsed().as_secs_f64();
        self.slowest_stage.set(self.slowest_stage.get().max(took));
        tracing::debug!(
            pairs = self.candidates.len(),
            floors = floors.len(),
            status = ?outcome.as_ref().map(|o| o.status),
            ms = (took * 1e3) as u64,
            "integer program: stage solved"
        );
        // Under a cutoff, nothing better than the start (HiGHS proved none, with or without a
        // worse plan of its own in hand) leaves the start as the stage's optimum.
        let outcome = match (held, outcome) {
            (Some(held), Some(o)) if o.status == SolveStatus::Infeasible => {
                #[cfg(test)]
                HELD_ANSWERS.with(|n| n.set(n.get() + 1));
                Some(StageOutcome {
                    status: SolveStatus::Optimal,
                    x: start.to_vec(),
                    bound: held,
                })
            }
            (Some(held), Some(o))
                if matches!(o.status, SolveStatus::Optimal | SolveStatus::GapLimit)
                    && self.value_of(coefficients, terms, &o.x) <= held =>
            {
                #[cfg(test)]
                HELD_ANSWERS.with(|n| n.set(n.get() + 1));
                Some(StageOutcome {
                    x: start.to_vec(),
                    bound: o.bound.max(held),
                    ..o
                })
            }
            (_, other) => other,
        };
        Ok(match outcome {
            Some(o)
                if !matches!(o.status, SolveStatus::Optimal | SolveStatus::Infeasible)
                    && self.value_of(coefficients, terms, &o.x)
                        < self.value_of(coefficients, terms, start) =>
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
    presolve: bool,
    cutoff: Option<f64>,
) -> Result<Option<StageOutcome>, SolveError> {
    let Model {
        problem,
        candidates,
        structure,
        level_of,
        deadline,
        feasibility_jump,
        residual_cuts,
        ..
    } = *model_data;
    let built = model::build(
        problem,
        candidates,
        structure,
        level_of,
        coefficients,
        terms,
        floors,
        backend::mip_solver(),
    );
    let settings = MipSettings {
        // HiGHS looks at the clock between pieces of work and overshoots its limit by up to a
        // tenth on large models; keep that inside the caller's deadline.
        time_limit: (seconds * HIGHS_LIMIT_SHARE).max(TIME_LIMIT_FLOOR_SECONDS),
        relative_gap,
        absolute_gap: if integral { 0.5 } else { 1e-7 },
        feasibility_jump,
        cut_pool: residual_cuts.then_some(TIGHT_CUT_POOL),
        modk_cuts: !residual_cuts || RESIDUAL_MODK_CUTS,
        presolve,
        lp_first: model_data.lp_first,
        setup: model_data.setup,
        cutoff,
    };
    let run = backend::solve_mip(built, &settings, deadline)?;
    let Some(status) = run.status else {
        return Ok(Some(StageOutcome {
            status: SolveStatus::Infeasible,
            x: Vec::new(),
            bound: 0.0,
        }));
    };
    if !run.feasible {
        return Ok(None);
    }
    let x_values = run.columns[..candidates.len()].to_vec();
    let value = model_data.value_of(coefficients, terms, &x_values);
    let reported = run.objective;
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
    Ok(Some(StageOutcome {
        status,
        x: x_values,
        bound: run.dual_bound,
    }))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::solver::{verify, Until};

    fn school() -> (crate::domain::model::Validated, Candidates) {
        let problem = crate::test_school::problem(crate::test_school::json());
        let candidates = crate::engine::candidates(&problem);
        (problem, candidates)
    }

    #[test]
    fn few_distinct_counts_values_not_pairs() {
        let sixteen: Vec<f64> = (0..64).map(|i| f64::from(i % 16)).collect();
        assert!(few_distinct(&sixteen));
        let seventeen: Vec<f64> = (0..64).map(|i| f64::from(i % 17)).collect();
        assert!(!few_distinct(&seventeen));
        assert!(few_distinct(&[]));
    }

    /// Time enough for the test school.
    fn in_30s() -> Until {
        Until {
            at: Instant::now() + Duration::from_secs(30),
            stop: None,
        }
    }

    /// The test school's optimum: S1's high-priority math need and its English need share T1's
    /// seat, and S2's math need takes T2 — three needs on two one-seat mentors, which only seat
    /// sharing allows. The same as a residual: HiGHS takes a residual's options (its small cut
    /// pool), and they change no answer.
    #[test]
    fn the_stages_reach_the_shared_seat_optimum() {
        let (problem, candidates) = school();
        let options = SolveOptions::from_policy(&problem);
        let residual = Known::Residual {
            coverage_proven: false,
            lp_first: true,
        };
        for known in [Known::Nothing, residual] {
            let solution = solve(&problem, &candidates, options, in_30s(), None, known).unwrap();
            assert_eq!(solution.status, SolveStatus::Optimal, "{known:?}");
            let pairs = verify::pairs(&candidates, &solution.chosen);
            assert_eq!(pairs.len(), 3, "{known:?}: {pairs:?}");
            assert_eq!(verify::verify(&problem, &pairs), Ok(()));
        }
    }

    /// A residual's stages hold their start's value as HiGHS's cutoff (`Model::run`). Started
    /// from the optimum, every stage finds nothing better and the answer is that very plan;
    /// started from a poorer plan (the greedy one), it is the optimum found without a start.
    /// Generated 300×70 multi-need schools, two seeds.
    #[test]
    fn a_cutoff_at_the_start_changes_no_optimum() {
        for seed in [3, 4] {
            let raw = crate::generate::generate_with(300, 70, seed, false);
            let problem = crate::admit::validate(raw).expect("generated requests are valid");
            let candidates = crate::engine::candidates(&problem);
            let options = SolveOptions::from_policy(&problem);
            let plain = solve(
                &problem,
                &candidates,
                options,
                in_30s(),
                None,
                Known::Nothing,
            )
            .expect("the program without a start");
            assert_eq!(plain.status, SolveStatus::Optimal);
            let structure = Structure::new(&problem, &candidates);
            let poorer: Vec<usize> = greedy::greedy(&problem, &candidates, &structure)
                .iter()
                .enumerate()
                .filter(|&(_, &v)| v > 0.5)
                .map(|(c, _)| c)
                .collect();
            let residual = Known::Residual {
                coverage_proven: false,
                lp_first: false,
            };
            for start in [&plain.chosen, &poorer] {
                let held = solve(
                    &problem,
                    &candidates,
                    options,
                    in_30s(),
                    Some(start),
                    residual,
                )
                .expect("the program from a start");
                assert_eq!(held.status, SolveStatus::Optimal, "seed {seed}");
                assert_eq!(held.coverage, plain.coverage, "seed {seed}");
                assert!(
                    (held.objective - plain.objective).abs() < 1e-6,
                    "seed {seed}: {} against {}",
                    held.objective,
                    plain.objective
                );
                let pairs = verify::pairs(&candidates, &held.chosen);
                assert_eq!(verify::verify(&problem, &pairs), Ok(()), "seed {seed}");
            }
            let before = HELD_ANSWERS.with(std::cell::Cell::get);
            let from_optimum = solve(
                &problem,
                &candidates,
                options,
                in_30s(),
                Some(&plain.chosen),
                residual,
            )
            .expect("the program from its optimum");
            assert_eq!(from_optimum.chosen, plain.chosen, "seed {seed}");
            // The coverage stage and the fit stage each answered with the start.
            assert_eq!(
                HELD_ANSWERS.with(std::cell::Cell::get) - before,
                2,
                "seed {seed}"
            );
        }
    }

    /// A why-not forced solve whose lock cannot be held is told by the status: locks that
    /// cannot all be held come back `Infeasible`, never as the start with another status.
    #[test]
    fn locks_that_cannot_all_be_held_are_infeasible_even_with_a_start() {
        let (problem, candidates) = school();
        let options = SolveOptions::from_policy(&problem);
        use crate::domain::model::{MentorIx, StudentIx};
        let mut held: Problem = (*problem).clone();
        let t1 = held
            .mentors
            .iter()
            .position(|m| m.id.as_str() == "T1")
            .unwrap();
        // T1 has one seat; both students held on it.
        held.locked = (0..held.students.len() as StudentIx)
            .map(|s| (s, t1 as MentorIx))
            .collect();
        let start = [0usize];
        let solution = solve(
            &held,
            &candidates,
            options,
            in_30s(),
            Some(&start),
            Known::Nothing,
        )
        .unwrap();
        assert_eq!(solution.status, SolveStatus::Infeasible);
    }

    /// With no time left no stage starts: the caller's plan is the answer, not proven. Also
    /// for a residual whose coverage is proven, which goes straight to the fit stage, and on
    /// scores of few values straight to its last resort under floors (that one started
    /// whatever the time: a tied district's residual ran 1.7 s from 0.9 s before its limit).
    #[test]
    fn without_time_the_start_is_the_answer() {
        let (problem, candidates) = school();
        assert!(few_distinct(&candidates.scores));
        let options = SolveOptions::from_policy(&problem);
        let proven = Known::Residual {
            coverage_proven: true,
            lp_first: true,
        };
        for known in [Known::Nothing, proven] {
            let passed = Until {
                at: Instant::now(),
                stop: None,
            };
            let start = [0usize];
            let solution =
                solve(&problem, &candidates, options, passed, Some(&start), known).unwrap();
            assert_eq!(solution.status, SolveStatus::TimeLimit, "{known:?}");
            assert_eq!(solution.chosen, start.to_vec(), "{known:?}");
            assert!(solution.best_bound >= solution.objective);
        }
    }

    /// A seat group per (student, mentor) with candidates: S1's two needs at T1 share one.
    #[test]
    fn pairs_of_one_student_at_one_mentor_share_a_seat_group() {
        let (problem, candidates) = school();
        let structure = Structure::new(&problem, &candidates);
        let shared: Vec<_> = structure
            .groups
            .iter()
            .filter(|g| g.members.len() > 1)
            .collect();
        assert_eq!(shared.len(), 1);
        assert_eq!(problem.mentors[shared[0].mentor as usize].id.as_str(), "T1");
        let all: usize = structure.groups.iter().map(|g| g.members.len()).sum();
        assert_eq!(all, candidates.len());
    }
}
