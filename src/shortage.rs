//! "What it would take" (issue #11, item 4): for a run with unassigned needs, what a
//! coordinator can do about it — whom to recruit, which teacher to ask for one more seat.
//!
//! 1. **Supply per track and subject** ([`SupplyGap`]): for every (track, subject or domain or
//!    psychological focus) with an unassigned need, the needs left per priority, the mentors
//!    who qualify by the track's rule and volunteer for it (how many are full), those who
//!    qualify but did not volunteer, and the weekly slots of the unassigned students that no
//!    qualified volunteer has.
//! 2. **The exact gain of single changes** ([`Change`]): one more seat at a mentor below the
//!    rule's maximum of 5 (a mentor at 5 cannot take a sixth student: such changes are not
//!    generated), a qualified mentor volunteering for a track, a volunteer adding one weekly
//!    slot. Gain = needs covered per priority, then fit, of the optimum with the change minus
//!    the plan; only changes that cover more (lexicographically, urgent first) are listed, best
//!    first, at most [`CHANGES_LISTED`].
//!
//! Candidates are bounded to changes that can reach an unassigned need: on a network optimum
//! a change covers more only through a cycle that enters at an unassigned need and reaches the
//! changed mentor along the plan's alternating paths (unmade pair, then a pair the mentor at
//! its end makes), so seats are offered to the full mentors those paths reach and new pairs
//! must start at a need they reach. No change of the three kinds that covers more is missed
//! there. Elsewhere the same paths choose the candidates.
//!
//! How gains are computed:
//! - on a plan proven optimal by the **network** method: exactly from the optimum's residual
//!   network (`solver::gain`), no re-solve; one search prices every seat; two searches screen
//!   every volunteer or slot change (most cannot cover more), the rest take a cycle search per
//!   student they gain (at most the mentor's capacity), most promising first, over the
//!   cores. These searches scan at most [`SEARCH_WORK`] arcs in all (a deterministic bound)
//!   and stop at the time limit;
//! - a change that would let one mentor cover two needs of a student (seat sharing), or whose
//!   new scores would not fit the packed costs, and every change on a plan of another method
//!   (seat sharing, integer program): by a warm re-solve of the changed problem
//!   (`solver::solve_problem_from`, the plan as its start), only on schools of at most
//!   [`RESOLVE_MAX_PAIRS`] candidate pairs, at most [`max_resolves`] of them (fewer on larger
//!   schools), the changes that touch the most urgent unassigned needs first, each started only
//!   while what is left of the time limit covers a solve as long as the plan's own;
//! - not at all on a plan that is not proven optimal (no gain would be exact), a rematch
//!   bounded by maxChanges, a school above [`GAINS_MAX_STUDENTS`], or a plan of another method
//!   than the network past [`RESOLVE_MAX_PAIRS`] pairs (every real multi-need school). The
//!   supply analysis is given anyway, and the gains' note says why there are none; the changes
//!   are then not generated, so not counted either (at the district they were ~95 k, a second
//!   of work for one number).
//!
//! Changes left unevaluated where gains are computed (work bound, size, time limit) are
//! counted, never dropped silently.
//! Every bound but the time limit counts work, not time, so the same request gets the same
//! answer on every run, machine and number of cores (a time limit reached mid-analysis, as for
//! why-not costs, is the exception).
//!
//! This file holds the types, the bounds and [`analyse`] (the passes in order); the passes
//! live in `shortage/`: `supply.rs` (the supply per track and subject), `candidates.rs` (which
//! changes to price), `arcs.rs` (the pairs a change adds), `residual.rs` (gains from the
//! residual network) and `resolve.rs` (gains by re-solving). Its answer's types
//! ([`Shortage`] and its parts) live in `crate::outcome` with the rest of the plan's answer,
//! and are re-exported here. It reads the domain, the rules, the scores, the solver and
//! `Outcome`; it must not import the engine that calls it, nor rendering (`explain`, `proto`,
//! `report`, `cli`, `service`): they read [`Shortage`], never the other way.

mod arcs;
mod candidates;
mod residual;
mod resolve;
mod supply;

use std::time::{Duration, Instant};

use crate::domain::model::{MentorIx, Problem};
use crate::domain::Priority;
use crate::outcome::Outcome;
pub use crate::outcome::{Change, ChangeKind, GainMethod, Gains, Shortage, SupplyGap};
use crate::rules::{Candidates, QualificationIndex};
use crate::solver::gain::{self, Gain};
use crate::solver::{self, MethodKind, SolveOptions, SolveStatus};

use arcs::NeedGroups;
use candidates::generate;
use residual::by_residual;
use resolve::by_resolve;
use supply::supply_gaps;

/// Changes listed, best first.
pub const CHANGES_LISTED: usize = 20;
/// Largest candidate set on which gains are computed by re-solving (plans that are not a
/// network); the bundled school has 442 pairs.
pub const RESOLVE_MAX_PAIRS: u64 = 20_000;
/// Largest request whose change gains are computed (as for the why-not costs); above it the
/// supply analysis alone is given.
pub const GAINS_MAX_STUDENTS: usize = crate::domain::policy::WhyNot::AUTO_MAX_STUDENTS;
/// Most re-solves one analysis makes.
pub const MAX_RESOLVES: usize = 20;
/// Candidate pairs all the re-solves of one analysis may solve together: 20 re-solves on the
/// bundled school (442 pairs, about 3 ms each), 7 on a 300-student multi-need school (3,500
/// pairs, about 30 ms each), 1 at [`RESOLVE_MAX_PAIRS`]. A count, not a time, so the answer
/// is the same on every run.
pub const RESOLVE_PAIR_BUDGET: usize = 25_000;

/// How many re-solves a school with this many candidate pairs gets.
pub fn max_resolves(pairs: usize) -> usize {
    (RESOLVE_PAIR_BUDGET / pairs.max(1)).clamp(1, MAX_RESOLVES)
}
/// Arcs the searches every change shares (potentials aside: the seats' and the screen's,
/// three full searches) may scan, per node and arc of the network.
const SEARCH_WORK_PER_ARC: u64 = 8;
/// Arcs one change's cycle searches may scan, per node and arc (a change takes at most six
/// searches, each settling a node once), and at most [`SEARCH_WORK`]: past it the change is
/// counted as not evaluated. Per change, so it does not depend on how changes are split over
/// the cores.
const PER_CHANGE_WORK_PER_ARC: u64 = 8;

/// The supply, no change yet evaluated or counted.
fn supply_only(gaps: Vec<SupplyGap>, gains: Gains) -> Shortage {
    Shortage {
        gaps,
        changes: Vec::new(),
        with_gain: 0,
        evaluated: 0,
        not_evaluated: 0,
        gains,
    }
}

/// A candidate change before evaluation.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    mentor: MentorIx,
    kind: ChangeKind,
    /// Most urgent unassigned need the change touches directly, and how many: evaluation
    /// order when time or work runs short.
    touch: (Option<Priority>, u32),
}

/// What the analysis takes from the solve that made the plan.
pub struct Solve<'a> {
    /// Every candidate pair (rebuilt when `None`).
    pub all: Option<&'a Candidates>,
    /// The network optimum's potentials, when the solver proved one.
    pub potentials: Option<&'a gain::Potentials>,
    /// When the whole solve began: the analysis ends by `options.time_limit` after it.
    pub started: Instant,
    /// How long the plan's own solve took: a re-solve starts only while what is left of the
    /// time limit covers one as long.
    pub took: Duration,
}

/// Arcs the residual searches of one analysis may scan in all (the screen's and every
/// change's): a deterministic bound, so the answer is the same on every run and machine. A
/// 900-student school needs under 2 M; at district size (13 M pairs) it stops the analysis
/// after about 3 s, the rest counted as not evaluated.
pub const SEARCH_WORK: u64 = 50_000_000;

/// Changes evaluated at once (over the cores) between two looks at the work spent: a fixed
/// size, so where the work bound stops does not depend on the number of cores.
const EVALUATION_CHUNK: usize = 64;

/// Generating the changes scans the pairs the plan's alternating paths reach: ~53 ns a pair
/// of the school at the district (851 ms for 16.2 M pairs), ~45 ns at 4,000 x 1,000.
const GENERATE_NS_PER_PAIR: u64 = 60;

/// Why the changes are not generated at `now`: the solve used the whole limit (a plan cut by
/// it), or what is left of it would not cover generating them over `pairs` pairs (a district
/// proven just before its limit ran 0.85 s past it here, into the margin a caller's deadline
/// keeps for explaining and encoding the answer). None when there is time.
fn no_time_for_changes(
    now: Instant,
    deadline: Instant,
    pairs: usize,
    options: &SolveOptions,
) -> Option<&'static str> {
    let needed = options.per_pair(pairs as u64, GENERATE_NS_PER_PAIR);
    if now >= deadline {
        Some("the time limit was reached before the changes were generated")
    } else if now + needed >= deadline {
        Some("too little of the time limit was left to generate the changes")
    } else {
        None
    }
}

/// Sets `outcome.shortage` (left `None` when every need is covered).
pub fn analyse(problem: &Problem, outcome: &mut Outcome, solve: Solve<'_>, options: SolveOptions) {
    if outcome.unassigned.is_empty() {
        outcome.shortage = None;
        return;
    }
    let t = Instant::now();
    let index = QualificationIndex::build(problem);
    let built;
    let all = match solve.all {
        Some(all) => all,
        None => {
            built = Candidates::build(problem, &index);
            &built
        }
    };
    let plan = plan_of(problem, outcome);
    let gaps = supply_gaps(problem, &index, &plan);
    let deadline = solve.started + options.time_limit;
    if let Some(why) = no_time_for_changes(Instant::now(), deadline, all.len(), &options) {
        // The supply only, at once. The candidates are not even generated, so they cannot be
        // counted.
        outcome.shortage = Some(supply_only(gaps, Gains::NotComputed(why)));
        return;
    }
    let network = outcome.solver.method == Some(MethodKind::Network) && gain::applies(problem, all);
    if let Some(why) = not_computed(problem, outcome, options, network, all.len()) {
        // No gain would be computed: the changes are not generated only to be counted (at the
        // district ~95 k of them, ~1 s; at 4,000 x 1,000 with seat sharing ~18 k, 38 ms).
        outcome.shortage = Some(supply_only(gaps, Gains::NotComputed(why)));
        return;
    }
    let candidates = generate(problem, &index, all, &plan);
    tracing::debug!(
        candidates = candidates.len(),
        ms = t.elapsed().as_millis() as u64,
        "shortage candidates"
    );
    let mut shortage = supply_only(gaps, Gains::Computed);
    let ctx = Context {
        problem,
        all,
        plan: &plan,
        groups: NeedGroups::build(problem),
        base_coverage: solver::covered_by_priority(&outcome.solver.coverage),
        base_fit: outcome.solver.objective,
        options,
        deadline,
        solve: solve.took,
        potentials: solve.potentials,
    };
    let mut found: Vec<Change> = Vec::new();
    evaluate(&ctx, network, &candidates, &mut shortage, &mut found);
    list(found, &mut shortage);
    // Counts and timings only: never names or attributes of students.
    tracing::debug!(
        gaps = shortage.gaps.len(),
        candidates = candidates.len(),
        evaluated = shortage.evaluated,
        not_evaluated = shortage.not_evaluated,
        with_gain = shortage.with_gain,
        ms = t.elapsed().as_millis() as u64,
        "shortage analysed"
    );
    outcome.shortage = Some(shortage);
}

/// The plan as the mentor of each need (`None`: unassigned).
fn plan_of(problem: &Problem, outcome: &Outcome) -> Vec<Option<MentorIx>> {
    let mut plan: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
    for a in &outcome.assignments {
        for n in &a.needs {
            plan[n.need as usize] = Some(a.mentor);
        }
    }
    plan
}

/// Why no gain is computed on this run, if so (`network`: the plan is a network optimum whose
/// residual network prices changes; `pairs`: the candidate pairs).
fn not_computed(
    problem: &Problem,
    outcome: &Outcome,
    options: SolveOptions,
    network: bool,
    pairs: usize,
) -> Option<&'static str> {
    if !options.shortage_gains {
        Some("not for a what-if scenario: solve the changed school as a request for them")
    } else if outcome.solver.status != SolveStatus::Optimal {
        Some("the plan is not proven optimal (time or gap limit), so no gain would be exact")
    } else if problem.min_kept().is_some() {
        Some("not for a rematch bounded by maxChanges")
    } else if problem.students.len() > GAINS_MAX_STUDENTS {
        // At district size the searches would cost about as much as the solve itself.
        Some("not above 5,000 students (the supply per track and subject is given)")
    } else if !network && pairs as u64 > RESOLVE_MAX_PAIRS {
        Some(
            "the plan is not a network (seat sharing) and the school has more than \
             20,000 candidate pairs: gains are computed by re-solving only for \
             smaller schools",
        )
    } else {
        None
    }
}

/// Every candidate's gain: from the residual network on a network optimum, the rest (and
/// every change on a plan of another method) by re-solving, within the size bound.
fn evaluate(
    ctx: &Context<'_>,
    network: bool,
    candidates: &[Candidate],
    shortage: &mut Shortage,
    found: &mut Vec<Change>,
) {
    let mut resolve: Vec<Candidate> = Vec::new();
    if network {
        by_residual(ctx, candidates, shortage, found, &mut resolve);
    } else {
        resolve = candidates.to_vec();
    }
    if resolve.is_empty() {
        return;
    }
    if ctx.all.len() as u64 > RESOLVE_MAX_PAIRS {
        // Only on a network plan (`analyse` stops before the changes otherwise): the changes
        // its residual network could not price.
        shortage.not_evaluated += resolve.len() as u32;
    } else {
        by_resolve(ctx, &resolve, shortage, found);
    }
}

/// The changes that cover more, best first, at most [`CHANGES_LISTED`] of them, into
/// `shortage` (with how many there are in all).
fn list(mut found: Vec<Change>, shortage: &mut Shortage) {
    found.retain(|c| covers_more(&c.coverage_gain));
    found.sort_by(|a, b| {
        rank_key(&b.coverage_gain)
            .cmp(&rank_key(&a.coverage_gain))
            .then(b.fit_change.total_cmp(&a.fit_change))
            .then(a.kind.cmp(&b.kind))
            .then(a.mentor.cmp(&b.mentor))
    });
    shortage.with_gain = found.len() as u32;
    found.truncate(CHANGES_LISTED);
    shortage.changes = found;
}

/// Coverage change as a key ordered like the objective: urgent first.
fn rank_key(change: &[i32; 4]) -> [i32; 4] {
    [
        change[Priority::Urgent as usize],
        change[Priority::High as usize],
        change[Priority::Normal as usize],
        change[Priority::Low as usize],
    ]
}

/// True when the first level that changes, urgent first, covers more.
pub fn covers_more(change: &[i32; 4]) -> bool {
    rank_key(change)
        .iter()
        .find(|&&c| c != 0)
        .is_some_and(|&c| c > 0)
}

/// What every evaluation reads.
struct Context<'a> {
    problem: &'a Problem,
    all: &'a Candidates,
    plan: &'a [Option<MentorIx>],
    groups: NeedGroups,
    base_coverage: [i32; 4],
    base_fit: f64,
    options: SolveOptions,
    /// The end of the time limit.
    deadline: Instant,
    solve: Duration,
    potentials: Option<&'a gain::Potentials>,
}

impl Context<'_> {
    /// True when the time limit has passed or the server is stopping.
    fn out_of_time(&self) -> bool {
        Instant::now() >= self.deadline
            || self
                .options
                .stop
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// A priced candidate as a listed change.
fn change(c: &Candidate, g: Gain, method: GainMethod) -> Change {
    Change {
        mentor: c.mentor,
        kind: c.kind,
        coverage_gain: g.coverage,
        fit_change: g.fit,
        covered: g.covered,
        uncovered: g.uncovered,
        method,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The changes are generated only with time for them: none once the limit is past, none
    /// when what is left would not cover a scan of the pairs, and otherwise yes.
    #[test]
    fn changes_are_generated_only_with_time_for_them() {
        let problem =
            crate::admit::validate(crate::generate::generate_with(10, 3, 1, false)).expect("valid");
        let idle = &SolveOptions::from_policy(&problem);
        let now = Instant::now();
        let past = no_time_for_changes(now, now, 1_000, idle);
        assert_eq!(
            past,
            Some("the time limit was reached before the changes were generated")
        );
        // 16.2 M pairs need ~0.97 s; half a second is not enough, two seconds are.
        let district = 16_200_000;
        assert_eq!(
            no_time_for_changes(now, now + Duration::from_millis(500), district, idle),
            Some("too little of the time limit was left to generate the changes")
        );
        assert_eq!(
            no_time_for_changes(now, now + Duration::from_secs(2), district, idle),
            None
        );
        assert_eq!(
            no_time_for_changes(now, now + Duration::from_millis(10), 33_000, idle),
            None
        );
        // A machine the solve found 2.5 times slower than idle needs ~2.4 s for them.
        let loaded = &SolveOptions {
            slowdown: 2.5,
            ..*idle
        };
        assert_eq!(
            no_time_for_changes(now, now + Duration::from_secs(2), district, loaded),
            Some("too little of the time limit was left to generate the changes")
        );
        assert_eq!(
            no_time_for_changes(now, now + Duration::from_secs(3), district, loaded),
            None
        );
    }

    #[test]
    fn covers_more_reads_the_first_level_that_changes_urgent_first() {
        let mut change = [0; 4];
        assert!(!covers_more(&change));
        change[Priority::Low as usize] = 3;
        assert!(covers_more(&change));
        change[Priority::Urgent as usize] = -1;
        assert!(!covers_more(&change));
        change[Priority::Urgent as usize] = 1;
        change[Priority::High as usize] = -2;
        assert!(covers_more(&change));
    }

    #[test]
    fn re_solves_shrink_with_the_school_and_never_reach_zero() {
        assert_eq!(max_resolves(0), MAX_RESOLVES);
        assert_eq!(max_resolves(442), MAX_RESOLVES);
        assert_eq!(max_resolves(3_500), 7);
        assert_eq!(max_resolves(RESOLVE_MAX_PAIRS as usize), 1);
        assert_eq!(max_resolves(usize::MAX), 1);
    }

    #[test]
    fn changes_are_listed_best_first_and_counted_before_the_cut() {
        let change = |mentor, urgent, fit| Change {
            mentor,
            kind: ChangeKind::AddSeat,
            coverage_gain: {
                let mut g = [0; 4];
                g[Priority::Urgent as usize] = urgent;
                g
            },
            fit_change: fit,
            covered: Vec::new(),
            uncovered: Vec::new(),
            method: GainMethod::Residual,
        };
        let mut found = vec![change(0, 0, 5.0), change(1, 1, -1.0), change(2, 1, 2.0)];
        found.extend((10..40).map(|m| change(m, 1, -9.0)));
        let mut shortage = supply_only(Vec::new(), Gains::Computed);
        list(found, &mut shortage);
        assert_eq!(shortage.with_gain, 32);
        assert_eq!(shortage.changes.len(), CHANGES_LISTED);
        let first: Vec<MentorIx> = shortage.changes.iter().take(3).map(|c| c.mentor).collect();
        assert_eq!(first, [2, 1, 10]);
    }
}
