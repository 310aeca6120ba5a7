//! The mentors' side of a plan, for the school's "every teacher involved" (全员性原则) and
//! "a fairly spread workload": who has no student and why, and how evenly loads are spread,
//! overall and per track.
//!
//! Reads the domain, `rules` and the plan's data types only; must not import the solver, the
//! engine or any renderer.

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use crate::domain::Track;
use crate::rules::{check_pair, Blocker};

pub use crate::outcome::{IdleMentor, IdleReason, LoadSpread, MentorSide};

impl LoadSpread {
    pub fn of(loads: &[u32]) -> Self {
        if loads.is_empty() {
            return LoadSpread::default();
        }
        let mut sorted = loads.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        let median = if n % 2 == 1 {
            f64::from(sorted[n / 2])
        } else {
            (f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0
        };
        let total: u64 = sorted.iter().map(|&l| u64::from(l)).sum();
        let gini = if total == 0 {
            0.0
        } else {
            // G = 2 Σ i·x_(i) / (n Σ x) − (n + 1) / n, with i from 1 over ascending loads.
            let weighted: u64 = sorted
                .iter()
                .enumerate()
                .map(|(i, &l)| (i as u64 + 1) * u64::from(l))
                .sum();
            2.0 * weighted as f64 / (n as f64 * total as f64) - (n as f64 + 1.0) / n as f64
        };
        LoadSpread {
            min: sorted[0],
            median,
            max: sorted[n - 1],
            gini,
        }
    }
}

/// Reads the mentors' side off a plan: `mentor_of_need` and each mentor's students.
pub fn mentor_side(
    problem: &Problem,
    mentor_of_need: &[Option<MentorIx>],
    seats: &[Vec<StudentIx>],
) -> MentorSide {
    let loads: Vec<u32> = seats.iter().map(|s| s.len() as u32).collect();
    let groups = if loads.contains(&0) {
        need_groups(problem)
    } else {
        Vec::new()
    };
    let idle = seats
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_empty())
        .map(|(m, _)| IdleMentor {
            mentor: m as MentorIx,
            reason: idle_reason(problem, &groups, m as MentorIx),
        })
        .collect();
    // Students each mentor holds on each track.
    let mut on_track: Vec<(MentorIx, usize, StudentIx)> = mentor_of_need
        .iter()
        .enumerate()
        .filter_map(|(n, m)| {
            let need = &problem.needs[n];
            m.map(|m| (m, need.track.index(), need.student))
        })
        .collect();
    on_track.sort_unstable();
    on_track.dedup();
    let mut per_track = vec![[0u32; 3]; problem.mentors.len()];
    for (m, t, _) in on_track {
        per_track[m as usize][t] += 1;
    }
    let tracks = Track::ALL.map(|track| {
        let t = track.index();
        let loads: Vec<u32> = problem
            .mentors
            .iter()
            .enumerate()
            .filter(|(_, mentor)| mentor.volunteers_for(track))
            .map(|(m, _)| per_track[m][t])
            .collect();
        (loads.len() as u32, LoadSpread::of(&loads))
    });
    MentorSide {
        involved: loads.iter().filter(|&&l| l > 0).count() as u32,
        idle,
        spread: LoadSpread::of(&loads),
        tracks,
    }
}

/// What qualification depends on: the need's track, subject and risk level, and the student's
/// grade (peer mentors). Needs alike in all four are qualified once per mentor.
type NeedKey = (Track, crate::domain::model::Sym, u8, u32);
type NeedGroups = Vec<(NeedKey, Vec<NeedIx>)>;

fn need_groups(problem: &Problem) -> NeedGroups {
    let mut keyed: Vec<(NeedKey, NeedIx)> = problem
        .needs
        .iter()
        .enumerate()
        .map(|(n, need)| {
            let grade = problem.students[need.student as usize].grade;
            (
                (need.track, need.subject, need.risk as u8, grade),
                n as NeedIx,
            )
        })
        .collect();
    keyed.sort_unstable_by_key(|&((t, s, r, g), n)| (t.index(), s, r, g, n));
    let mut groups: NeedGroups = Vec::new();
    for (key, n) in keyed {
        match groups.last_mut() {
            Some((k, needs)) if *k == key => needs.push(n),
            _ => groups.push((key, vec![n])),
        }
    }
    groups
}

/// The furthest any need gets through the hard rules with this mentor.
fn idle_reason(problem: &Problem, groups: &NeedGroups, mentor: MentorIx) -> IdleReason {
    let m = &problem.mentors[mentor as usize];
    let mut best = IdleReason::NoQualifiedNeed;
    for ((track, ..), needs) in groups {
        let Some(&first) = needs.first() else {
            continue;
        };
        let need = &problem.needs[first as usize];
        let student = &problem.students[need.student as usize];
        if crate::rules::qualify(&problem.policy.rules, student, need, m).is_err() {
            continue;
        }
        if !m.volunteers_for(*track) {
            best = best.max(IdleReason::NotVolunteered);
            continue;
        }
        for &n in needs {
            let reached = match check_pair(problem, n, mentor) {
                Ok(_) => return IdleReason::Displaced,
                Err(Blocker::NotQualified(_)) => IdleReason::NoQualifiedNeed,
                Err(Blocker::NotVolunteered) => IdleReason::NotVolunteered,
                Err(Blocker::NoCommonSlot { .. }) => IdleReason::NoCommonSlot,
                Err(Blocker::Forbidden) => IdleReason::Forbidden,
            };
            best = best.max(reached);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_is_zero_for_equal_loads_and_grows_with_concentration() {
        assert_eq!(LoadSpread::of(&[3, 3, 3]).gini, 0.0);
        let one_holds_all = LoadSpread::of(&[0, 0, 0, 5]);
        assert!(
            (one_holds_all.gini - 0.75).abs() < 1e-12,
            "{one_holds_all:?}"
        );
        let s = LoadSpread::of(&[1, 2, 3, 4]);
        assert_eq!((s.min, s.max), (1, 4));
        assert_eq!(s.median, 2.5);
        assert!((s.gini - 0.25).abs() < 1e-12, "{s:?}");
        assert_eq!(LoadSpread::of(&[]), LoadSpread::default());
        assert_eq!(LoadSpread::of(&[0, 0]).gini, 0.0);
    }
}
