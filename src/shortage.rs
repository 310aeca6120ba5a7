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
//! - not at all on a plan that is not proven optimal (no gain would be exact) or a rematch
//!   bounded by maxChanges. The supply analysis is given anyway.
//!
//! Changes not evaluated (work bound, size, time limit) are counted, never dropped silently.
//! Every bound but the time limit counts work, not time, so the same request gets the same
//! answer on every run, machine and number of cores (a time limit reached mid-analysis, as for
//! why-not costs, is the exception).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crate::domain::model::{MentorIx, NeedIx, Problem, Sym};
use crate::domain::slots::SlotSet;
use crate::domain::{Priority, Track};
use crate::outcome::Outcome;
use crate::rules::{qualify, Candidates, Evidence, QualificationIndex};
use crate::score;
use crate::solver::gain::{self, Gain, Residual};
use crate::solver::{self, MethodKind, SolveOptions, SolveStatus};

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

/// Supply and demand on one track and subject with unassigned needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplyGap {
    pub track: Track,
    /// Subject (academic), domain (talent) or focus (psychological; may be empty).
    pub subject: Sym,
    /// Needs per priority (index `Priority as usize`).
    pub needs: [u32; 4],
    /// Of them, left without a mentor.
    pub unassigned: [u32; 4],
    /// Mentors who qualify by the track's rule and volunteer for the track.
    pub qualified_volunteers: u32,
    /// Of them, full.
    pub full_volunteers: u32,
    /// Mentors who qualify but did not volunteer for the track.
    pub qualified_not_volunteering: u32,
    /// Weekly slots of the unassigned students that no qualified volunteer has.
    pub unshared_slots: SlotSet,
}

impl SupplyGap {
    /// Needs left without a mentor, all levels.
    pub fn unassigned_total(&self) -> u32 {
        self.unassigned.iter().sum()
    }
}

/// One change to the school's supply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// The mentor takes one more student (capacity + 1, at most 5).
    AddSeat,
    /// The mentor volunteers for this track too.
    Volunteer(Track),
    /// The mentor becomes available in this weekly slot too (a slot bit, see `SlotSet`).
    AddSlot(u32),
}

/// How a change's gain was computed (both are exact).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GainMethod {
    /// Cycles in the residual network of the proven network optimum.
    Residual,
    /// The changed problem solved again (warm), proven optimal.
    ReSolve,
}

/// A change and its exact gain.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub mentor: MentorIx,
    pub kind: ChangeKind,
    /// Needs covered per priority (index `Priority as usize`), with the change minus the plan.
    pub coverage_gain: [i32; 4],
    /// Fit of the optimum with the change minus the plan's.
    pub fit_change: f64,
    /// Needs the plan leaves unassigned that the change covers, ascending.
    pub covered: Vec<NeedIx>,
    /// Needs the plan covers that the change leaves unassigned (a lower priority giving way),
    /// ascending.
    pub uncovered: Vec<NeedIx>,
    pub method: GainMethod,
}

/// Whether the gains were computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gains {
    Computed,
    /// Not computed, and why.
    NotComputed(&'static str),
}

/// What it would take to cover the needs left unassigned.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortage {
    /// One per track and subject with an unassigned need, most unassigned (urgent first) first.
    pub gaps: Vec<SupplyGap>,
    /// Changes that cover more, best first, at most [`CHANGES_LISTED`].
    pub changes: Vec<Change>,
    /// Changes that cover more, in all.
    pub with_gain: u32,
    /// Candidate changes whose gain was computed.
    pub evaluated: u32,
    /// Candidate changes left unevaluated (time limit, work bound, size, or gains not computed).
    pub not_evaluated: u32,
    pub gains: Gains,
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

/// Sets `outcome.shortage` (left `None` when every need is covered).
pub fn analyse(problem: &Problem, outcome: &mut Outcome, solve: Solve<'_>, options: SolveOptions) {
    if outcome.unassigned.is_empty() {
        outcome.shortage = None;
        return;
    }
    let t = Instant::now();
    let built;
    let all = match solve.all {
        Some(all) => all,
        None => {
            built = crate::engine::candidates(problem);
            &built
        }
    };
    let mut plan: Vec<Option<MentorIx>> = vec![None; problem.needs.len()];
    for a in &outcome.assignments {
        for n in &a.needs {
            plan[n.need as usize] = Some(a.mentor);
        }
    }
    let index = QualificationIndex::build(problem);
    let gaps = supply_gaps(problem, &index, &plan);
    let deadline = solve.started + options.time_limit;
    if Instant::now() >= deadline {
        // The solve used the whole limit (a plan cut by it): the supply only, at once. The
        // candidates are not even generated, so they cannot be counted.
        outcome.shortage = Some(Shortage {
            gaps,
            changes: Vec::new(),
            with_gain: 0,
            evaluated: 0,
            not_evaluated: 0,
            gains: Gains::NotComputed(
                "the time limit was reached before the changes were generated",
            ),
        });
        return;
    }
    let candidates = generate(problem, &index, all, &plan);
    tracing::debug!(
        candidates = candidates.len(),
        ms = t.elapsed().as_millis() as u64,
        "shortage candidates"
    );
    let mut shortage = Shortage {
        gaps,
        changes: Vec::new(),
        with_gain: 0,
        evaluated: 0,
        not_evaluated: 0,
        gains: Gains::Computed,
    };
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
    let not_computed = if !options.shortage_gains {
        Some("not for a what-if scenario: solve the changed school as a request for them")
    } else if outcome.solver.status != SolveStatus::Optimal {
        Some("the plan is not proven optimal (time or gap limit), so no gain would be exact")
    } else if problem.min_kept.is_some() {
        Some("not for a rematch bounded by maxChanges")
    } else if problem.students.len() > GAINS_MAX_STUDENTS {
        // At district size the searches would cost about as much as the solve itself.
        Some("not above 5,000 students (the supply per track and subject is given)")
    } else {
        None
    };
    let mut found: Vec<Change> = Vec::new();
    if let Some(why) = not_computed {
        shortage.gains = Gains::NotComputed(why);
        shortage.not_evaluated = candidates.len() as u32;
    } else {
        let network =
            outcome.solver.method == Some(MethodKind::Network) && gain::applies(problem, all);
        let mut resolve: Vec<Candidate> = Vec::new();
        if network {
            by_residual(&ctx, &candidates, &mut shortage, &mut found, &mut resolve);
        } else {
            resolve = candidates.clone();
        }
        if !resolve.is_empty() {
            if all.len() as u64 > RESOLVE_MAX_PAIRS {
                if !network {
                    shortage.gains = Gains::NotComputed(
                        "the plan is not a network (seat sharing) and the school has more than \
                         20,000 candidate pairs: gains are computed by re-solving only for \
                         smaller schools",
                    );
                }
                shortage.not_evaluated += resolve.len() as u32;
            } else {
                by_resolve(&ctx, &resolve, &mut shortage, &mut found);
            }
        }
    }
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

/// Needs by (track, subject), for the pairs a changed mentor gains.
struct NeedGroups {
    by_subject: HashMap<(Track, Sym), Vec<NeedIx>>,
    psychological: Vec<NeedIx>,
}

impl NeedGroups {
    fn build(problem: &Problem) -> Self {
        let mut groups = NeedGroups {
            by_subject: HashMap::new(),
            psychological: Vec::new(),
        };
        for (n, need) in problem.needs.iter().enumerate() {
            if need.track == Track::Psychological {
                groups.psychological.push(n as NeedIx);
            } else {
                groups
                    .by_subject
                    .entry((need.track, need.subject))
                    .or_default()
                    .push(n as NeedIx);
            }
        }
        groups
    }

    /// Needs the mentor qualifies for by the track rules, with the evidence, and may be paired
    /// with (not forbidden), ascending.
    fn qualified(&self, problem: &Problem, m: MentorIx) -> Vec<(NeedIx, Evidence)> {
        let mentor = &problem.mentors[m as usize];
        self.of_mentor(problem, m)
            .into_iter()
            .filter_map(|n| {
                let need = &problem.needs[n as usize];
                let student = &problem.students[need.student as usize];
                let evidence = qualify(&problem.policy.rules, student, need, mentor).ok()?;
                (!problem.facts(need.student, m).forbidden).then_some((n, evidence))
            })
            .collect()
    }

    /// Needs the mentor may qualify for (a superset), ascending, without repeats.
    fn of_mentor(&self, problem: &Problem, m: MentorIx) -> Vec<NeedIx> {
        let mentor = &problem.mentors[m as usize];
        let mut out: Vec<NeedIx> = Vec::new();
        for s in &mentor.subjects {
            if let Some(list) = self.by_subject.get(&(Track::Academic, s.subject)) {
                out.extend_from_slice(list);
            }
        }
        for c in &mentor.coaching {
            if let Some(list) = self.by_subject.get(&(Track::Talent, c.domain)) {
                out.extend_from_slice(list);
            }
        }
        if mentor.counselling.certificate || mentor.counselling.trained {
            out.extend_from_slice(&self.psychological);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The pairs mentor `m` gains or re-scores with the change: (need, score), by need.
fn change_arcs(
    ctx: &Context<'_>,
    m: MentorIx,
    kind: ChangeKind,
    needs: &mut MentorNeeds,
) -> Vec<(NeedIx, f64)> {
    let problem = ctx.problem;
    let mentor = &problem.mentors[m as usize];
    match kind {
        ChangeKind::AddSeat => Vec::new(),
        ChangeKind::Volunteer(track) => needs
            .qualified
            .iter()
            .filter(|&&(n, _)| problem.needs[n as usize].track == track)
            .filter_map(|&(n, evidence)| {
                let need = &problem.needs[n as usize];
                let common = problem.students[need.student as usize]
                    .slots
                    .common(mentor.slots);
                (common.len() >= problem.policy.min_common_slots).then(|| {
                    let score = score::components(problem, n, m, evidence, common)
                        .total(&problem.policy.weights);
                    (n, score)
                })
            })
            .collect(),
        ChangeKind::AddSlot(bit) => {
            let mut out = Vec::new();
            for i in 0..needs.slot_needs.len() {
                let (at, missing) = needs.slot_needs[i];
                if !missing.contains(bit) {
                    continue;
                }
                let (n, evidence) = needs.qualified[at];
                let score = *needs.one_more_slot[i].get_or_insert_with(|| {
                    // Any one of the missing slots: the score reads only how many are common.
                    let student = problem.student_of(n);
                    let mut with = mentor.slots;
                    with.insert(bit);
                    score::components(problem, n, m, evidence, student.slots.common(with))
                        .total(&problem.policy.weights)
                });
                if ctx
                    .all
                    .find(n, m)
                    .is_some_and(|c| ctx.all.scores[c] == score)
                {
                    continue;
                }
                out.push((n, score));
            }
            out
        }
    }
}

/// A mentor's needs, prepared once for all its candidate changes.
struct MentorNeeds {
    /// Needs the mentor qualifies for and may be paired with, with the evidence, ascending.
    qualified: Vec<(NeedIx, Evidence)>,
    /// Needs on tracks the mentor volunteers for whose pair one more common slot changes (it
    /// becomes a pair, or its time fit grows): position in `qualified`, and the student's
    /// slots the mentor lacks.
    slot_needs: Vec<(usize, SlotSet)>,
    /// The score of each of those pairs with one more common slot, once computed. It depends
    /// on the common slots only through their number, so it is the same whichever of the
    /// student's slots the mentor adds.
    one_more_slot: Vec<Option<f64>>,
}

impl MentorNeeds {
    fn new(ctx: &Context<'_>, m: MentorIx) -> Self {
        let problem = ctx.problem;
        let mentor = &problem.mentors[m as usize];
        let qualified = ctx.groups.qualified(problem, m);
        let min = problem.policy.min_common_slots;
        let full = min.max(score::OVERLAP_SATURATION);
        let slot_needs: Vec<(usize, SlotSet)> = qualified
            .iter()
            .enumerate()
            .filter_map(|(i, &(n, _))| {
                let need = &problem.needs[n as usize];
                let student = &problem.students[need.student as usize];
                let common = student.slots.common(mentor.slots).len();
                (mentor.volunteers_for(need.track) && common < full && common + 1 >= min)
                    .then(|| (i, student.slots.minus(mentor.slots)))
            })
            .collect();
        MentorNeeds {
            qualified,
            one_more_slot: vec![None; slot_needs.len()],
            slot_needs,
        }
    }
}

/// Supply per (track, subject) with an unassigned need.
fn supply_gaps(
    problem: &Problem,
    index: &QualificationIndex,
    plan: &[Option<MentorIx>],
) -> Vec<SupplyGap> {
    struct Acc {
        first: NeedIx,
        /// The group's needs without a mentor (qualification can differ within a group:
        /// peer mentors by the student's grade, psychological needs by risk level).
        left: Vec<NeedIx>,
        needs: [u32; 4],
        unassigned: [u32; 4],
        slots: SlotSet,
    }
    let mut groups: BTreeMap<(Track, Sym), Acc> = BTreeMap::new();
    for (n, need) in problem.needs.iter().enumerate() {
        let acc = groups.entry((need.track, need.subject)).or_insert(Acc {
            first: n as NeedIx,
            left: Vec::new(),
            needs: [0; 4],
            unassigned: [0; 4],
            slots: SlotSet::EMPTY,
        });
        acc.needs[need.priority as usize] += 1;
        if plan[n].is_none() {
            acc.left.push(n as NeedIx);
            acc.unassigned[need.priority as usize] += 1;
            acc.slots = acc
                .slots
                .union(problem.students[need.student as usize].slots);
        }
    }
    let mut seats = vec![Vec::new(); problem.mentors.len()];
    for (n, m) in plan.iter().enumerate() {
        if let Some(m) = m {
            seats[*m as usize].push(problem.needs[n].student);
        }
    }
    let load: Vec<u32> = seats
        .iter_mut()
        .map(|s| {
            s.sort_unstable();
            s.dedup();
            s.len() as u32
        })
        .collect();
    let mut out: Vec<SupplyGap> = groups
        .into_iter()
        .filter(|(_, acc)| acc.unassigned.iter().any(|&u| u > 0))
        .map(|((track, subject), acc)| {
            let need = &problem.needs[acc.first as usize];
            let (mut volunteers, mut full, mut not_volunteering) = (0, 0, 0);
            let mut volunteer_slots = SlotSet::EMPTY;
            for &m in index.relevant(need) {
                let mentor = &problem.mentors[m as usize];
                // Qualified for at least one of the needs left.
                let qualifies = acc.left.iter().any(|&l| {
                    let left = &problem.needs[l as usize];
                    let student = &problem.students[left.student as usize];
                    qualify(&problem.policy.rules, student, left, mentor).is_ok()
                });
                if !qualifies {
                    continue;
                }
                if mentor.volunteers_for(track) {
                    volunteers += 1;
                    full += u32::from(load[m as usize] >= mentor.capacity);
                    volunteer_slots = volunteer_slots.union(mentor.slots);
                } else {
                    not_volunteering += 1;
                }
            }
            SupplyGap {
                track,
                subject,
                needs: acc.needs,
                unassigned: acc.unassigned,
                qualified_volunteers: volunteers,
                full_volunteers: full,
                qualified_not_volunteering: not_volunteering,
                unshared_slots: acc.slots.minus(volunteer_slots),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        rank_key_u(&b.unassigned)
            .cmp(&rank_key_u(&a.unassigned))
            .then(a.track.cmp(&b.track))
            .then(
                problem
                    .text
                    .name(a.subject)
                    .cmp(problem.text.name(b.subject)),
            )
    });
    out
}

fn rank_key_u(counts: &[u32; 4]) -> [u32; 4] {
    [
        counts[Priority::Urgent as usize],
        counts[Priority::High as usize],
        counts[Priority::Normal as usize],
        counts[Priority::Low as usize],
    ]
}

/// Needs held by a locked pair: they never move.
fn locked_needs(problem: &Problem, plan: &[Option<MentorIx>]) -> Vec<bool> {
    let mut frozen = vec![false; problem.needs.len()];
    for &(s, m) in &problem.locked {
        for n in problem.students[s as usize].needs() {
            if plan[n as usize] == Some(m) {
                frozen[n as usize] = true;
            }
        }
    }
    frozen
}

/// The candidate changes, most urgent first (see the module header for why these).
fn generate(
    problem: &Problem,
    index: &QualificationIndex,
    all: &Candidates,
    plan: &[Option<MentorIx>],
) -> Vec<Candidate> {
    let needs = problem.needs.len();
    let mentors = problem.mentors.len();
    let frozen = locked_needs(problem, plan);
    let mut holders: Vec<Vec<NeedIx>> = vec![Vec::new(); mentors];
    let mut seats = vec![Vec::new(); mentors];
    for (n, m) in plan.iter().enumerate() {
        if let Some(m) = m {
            holders[*m as usize].push(n as NeedIx);
            seats[*m as usize].push(problem.needs[n].student);
        }
    }
    for s in &mut seats {
        s.dedup();
    }
    // Alternating paths from the unassigned needs: an unmade candidate pair, then a need the
    // mentor at its end holds, and so on.
    let mut need_seen = vec![false; needs];
    let mut mentor_seen = vec![false; mentors];
    let mut queue: std::collections::VecDeque<NeedIx> = std::collections::VecDeque::new();
    for n in 0..needs {
        if plan[n].is_none() {
            need_seen[n] = true;
            queue.push_back(n as NeedIx);
        }
    }
    while let Some(n) = queue.pop_front() {
        for c in all.of_need(n) {
            let m = all.mentors[c];
            if plan[n as usize] == Some(m) || mentor_seen[m as usize] {
                continue;
            }
            mentor_seen[m as usize] = true;
            for &held in &holders[m as usize] {
                if !need_seen[held as usize] && !frozen[held as usize] {
                    need_seen[held as usize] = true;
                    queue.push_back(held);
                }
            }
        }
    }
    let max_capacity = crate::domain::limits::MAX_CAPACITY;
    let seat_offered: Vec<bool> = (0..mentors)
        .map(|m| {
            let capacity = problem.mentors[m].capacity;
            mentor_seen[m] && seats[m].len() as u32 >= capacity && capacity < max_capacity
        })
        .collect();
    let mut found: BTreeMap<(MentorIx, ChangeKind), (Option<Priority>, u32)> = BTreeMap::new();
    let mut touch = |key: (MentorIx, ChangeKind), direct: Option<Priority>| {
        let entry = found.entry(key).or_insert((None, 0));
        if let Some(p) = direct {
            entry.0 = entry.0.max(Some(p));
            entry.1 += 1;
        }
    };
    for (m, &offered) in seat_offered.iter().enumerate() {
        if offered {
            touch((m as MentorIx, ChangeKind::AddSeat), None);
        }
    }
    let min = problem.policy.min_common_slots;
    for n in (0..needs).filter(|&n| need_seen[n]) {
        let need = &problem.needs[n];
        let student = &problem.students[need.student as usize];
        let direct = plan[n].is_none().then_some(need.priority);
        if direct.is_some() {
            // A seat at a full candidate of an unassigned need touches it directly.
            for c in all.of_need(n as NeedIx) {
                let m = all.mentors[c];
                if seat_offered[m as usize] {
                    touch((m, ChangeKind::AddSeat), direct);
                }
            }
        }
        for &m in index.relevant(need) {
            let mentor = &problem.mentors[m as usize];
            if qualify(
                &problem.policy.rules,
                &problem.students[need.student as usize],
                need,
                mentor,
            )
            .is_err()
                || problem.facts(need.student, m).forbidden
            {
                continue;
            }
            let common = student.slots.common(mentor.slots).len();
            if !mentor.volunteers_for(need.track) {
                if common >= min {
                    touch((m, ChangeKind::Volunteer(need.track)), direct);
                }
            } else if common + 1 == min {
                for bit in student.slots.minus(mentor.slots).bits() {
                    touch((m, ChangeKind::AddSlot(bit)), direct);
                }
            }
        }
    }
    let mut out: Vec<Candidate> = found
        .into_iter()
        .map(|((mentor, kind), touch)| Candidate {
            mentor,
            kind,
            touch,
        })
        .collect();
    out.sort_by(|a, b| {
        b.touch
            .cmp(&a.touch)
            .then(a.kind.cmp(&b.kind))
            .then(a.mentor.cmp(&b.mentor))
    });
    out
}

/// Gains from the residual network of the proven network optimum. Changes the residual cannot
/// take exactly (seat sharing, scores past the fit digit) go to `resolve`.
fn by_residual(
    ctx: &Context<'_>,
    candidates: &[Candidate],
    shortage: &mut Shortage,
    found: &mut Vec<Change>,
    resolve: &mut Vec<Candidate>,
) {
    let nodes = 2 + ctx.problem.needs.len() + ctx.problem.mentors.len();
    let limit = SEARCH_WORK_PER_ARC * (ctx.all.len() as u64 + nodes as u64);
    if candidates.is_empty() {
        return;
    }
    let t = Instant::now();
    let limits = gain::Limits {
        work: limit,
        per_change: (PER_CHANGE_WORK_PER_ARC * (ctx.all.len() as u64 + nodes as u64))
            .min(SEARCH_WORK),
        until: Some(ctx.deadline),
        stop: ctx.options.stop,
    };
    let Some(mut residual) = Residual::new(ctx.problem, ctx.all, ctx.plan, ctx.potentials, limits)
    else {
        // The potentials' search passed its bound (a pathological request) or the time limit.
        if ctx.out_of_time() || ctx.all.len() as u64 > RESOLVE_MAX_PAIRS {
            shortage.not_evaluated += candidates.len() as u32;
        } else {
            resolve.extend_from_slice(candidates);
        }
        return;
    };
    tracing::debug!(
        ms = t.elapsed().as_millis() as u64,
        "residual network and potentials"
    );
    let seats: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.kind == ChangeKind::AddSeat)
        .collect();
    let mentors: Vec<MentorIx> = seats.iter().map(|c| c.mentor).collect();
    match residual.seat_gains(&mentors) {
        Ok(gains) => {
            shortage.evaluated += seats.len() as u32;
            for (c, g) in seats.iter().zip(gains) {
                found.push(change(c, g, GainMethod::Residual));
            }
        }
        Err(gain::Exhausted) => shortage.not_evaluated += seats.len() as u32,
    }
    let others: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.kind != ChangeKind::AddSeat)
        .collect();
    let exhausted = !others.is_empty() && residual.screen().is_err();
    // The changes the screen cannot rule out are evaluated biggest first gain (its bound)
    // first, so that a work bound that runs out leaves the least promising unevaluated.
    // Screened mentor by mentor (each mentor's needs prepared once), split over the cores and
    // joined in order.
    let mut by_mentor = others;
    by_mentor.sort_by_key(|c| (c.mentor, c.kind));
    /// What the screen says of one change.
    enum Screened {
        /// The residual cannot take it exactly: re-solve (or count) it.
        Elsewhere,
        /// It cannot cover more.
        RuledOut,
        /// It may: its bound.
        Bound(i128),
        /// Out of time or work.
        Skipped,
    }
    let screened = crate::parallel::over_ranges(by_mentor.len(), |range| {
        let mut prepared: Option<(MentorIx, MentorNeeds)> = None;
        by_mentor[range]
            .iter()
            .map(|c| {
                if exhausted || ctx.out_of_time() {
                    return Screened::Skipped;
                }
                let needs = mentor_needs(ctx, &mut prepared, c.mentor);
                let arcs = change_arcs(ctx, c.mentor, c.kind, needs);
                if !residual.keeps_network(c.mentor, &arcs)
                    || !arcs.iter().all(|&(_, score)| residual.fits(score))
                {
                    return Screened::Elsewhere;
                }
                residual
                    .may_cover_more(c.mentor, &arcs)
                    .map_or(Screened::RuledOut, Screened::Bound)
            })
            .collect::<Vec<_>>()
    });
    let mut queue: Vec<(i128, Candidate)> = Vec::new();
    for (c, screened) in by_mentor.iter().zip(screened.into_iter().flatten()) {
        match screened {
            Screened::Elsewhere => resolve.push(**c),
            // Priced by the screen: it cannot cover more.
            Screened::RuledOut => shortage.evaluated += 1,
            Screened::Bound(bound) => queue.push((bound, **c)),
            Screened::Skipped => shortage.not_evaluated += 1,
        }
    }
    queue.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.kind.cmp(&b.1.kind))
            .then(a.1.mentor.cmp(&b.1.mentor))
    });
    // Each change starts from the plan: evaluated over the cores, each core with its own copy
    // of the residual, joined in queue order (the answer does not depend on the split), a
    // chunk at a time until the work bound.
    let mut work = residual.work();
    for chunk in queue.chunks(EVALUATION_CHUNK) {
        if exhausted || work > SEARCH_WORK || ctx.out_of_time() {
            shortage.not_evaluated += chunk.len() as u32;
            continue;
        }
        let evaluated = crate::parallel::over_ranges(chunk.len(), |range| {
            let mut residual = residual.clone();
            let start = residual.work();
            let mut prepared: Option<(MentorIx, MentorNeeds)> = None;
            let out: Vec<Option<Change>> = chunk[range]
                .iter()
                .map(|&(_, c)| {
                    let needs = mentor_needs(ctx, &mut prepared, c.mentor);
                    let arcs = change_arcs(ctx, c.mentor, c.kind, needs);
                    residual
                        .arcs_gain(c.mentor, arcs)
                        .ok()
                        .map(|g| change(&c, g, GainMethod::Residual))
                })
                .collect();
            (out, residual.work() - start)
        });
        for (part, part_work) in evaluated {
            work += part_work;
            for c in part {
                match c {
                    Some(c) => {
                        shortage.evaluated += 1;
                        found.push(c);
                    }
                    None => shortage.not_evaluated += 1,
                }
            }
        }
    }
    tracing::debug!(work, limit, "residual searches");
}

/// The needs of mentor `m`, prepared once while consecutive calls ask for the same mentor.
fn mentor_needs<'p>(
    ctx: &Context<'_>,
    prepared: &'p mut Option<(MentorIx, MentorNeeds)>,
    m: MentorIx,
) -> &'p mut MentorNeeds {
    if prepared.as_ref().is_some_and(|(at, _)| *at != m) {
        *prepared = None;
    }
    &mut prepared
        .get_or_insert_with(|| (m, MentorNeeds::new(ctx, m)))
        .1
}

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

/// Gains by solving the changed problem again, warm from the plan (still feasible: every
/// change only relaxes a rule), within the time and count bounds.
fn by_resolve(
    ctx: &Context<'_>,
    candidates: &[Candidate],
    shortage: &mut Shortage,
    found: &mut Vec<Change>,
) {
    let base_pairs: Vec<(NeedIx, MentorIx)> = ctx
        .plan
        .iter()
        .enumerate()
        .filter_map(|(n, m)| m.map(|m| (n as NeedIx, m)))
        .collect();
    let allowed = max_resolves(ctx.all.len());
    let stopping = || {
        ctx.options
            .stop
            .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
    };
    for (i, c) in candidates.iter().enumerate() {
        let left = ctx.deadline.saturating_duration_since(Instant::now());
        if i >= allowed || left < ctx.solve || left.is_zero() || stopping() {
            shortage.not_evaluated += 1;
            continue;
        }
        let mut changed = ctx.problem.clone();
        let mentor = &mut changed.mentors[c.mentor as usize];
        match c.kind {
            ChangeKind::AddSeat => mentor.capacity += 1,
            ChangeKind::Volunteer(track) => mentor.volunteers[track.index()] = true,
            ChangeKind::AddSlot(bit) => mentor.slots.insert(bit),
        }
        let mut options = ctx.options;
        options.time_limit = left;
        let solved = match solver::solve_problem_from(&changed, options, Some(&base_pairs)) {
            Ok(solved) if solved.solution.status == SolveStatus::Optimal => solved,
            _ => {
                shortage.not_evaluated += 1;
                continue;
            }
        };
        let now = solver::covered_by_priority(&solved.solution.coverage);
        let mut after: Vec<Option<MentorIx>> = vec![None; ctx.plan.len()];
        for (n, m) in solver::verify::pairs(&solved.candidates, &solved.solution.chosen) {
            after[n as usize] = Some(m);
        }
        let mut gain = Gain {
            coverage: std::array::from_fn(|k| now[k] - ctx.base_coverage[k]),
            fit: solved.solution.objective - ctx.base_fit,
            ..Gain::default()
        };
        for (n, (before, now)) in ctx.plan.iter().zip(&after).enumerate() {
            match (before.is_some(), now.is_some()) {
                (false, true) => gain.covered.push(n as NeedIx),
                (true, false) => gain.uncovered.push(n as NeedIx),
                _ => {}
            }
        }
        shortage.evaluated += 1;
        found.push(change(c, gain, GainMethod::ReSolve));
    }
}
