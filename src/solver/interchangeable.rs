//! Interchangeable mentors: mentors whose candidate pairs are the same needs at the same scores,
//! and whom no lock, stated preference or rematch term names, are solved as one mentor with
//! their capacities summed; its students are then dealt out among them.
//!
//! What it proves: the reduced problem's optimum is the original's, so the seat-sharing
//! method's certificate on it is a certificate here.
//! - *Every plan of the original maps to a reduced plan at least as good.* Where a student has
//!   two mentors of one class, one of them is qualified for the other's needs at the same
//!   scores (same pairs), so it takes them all on one seat: the value is unchanged and a seat
//!   and a mentor slot of the student are freed. Then each student takes at most one seat of
//!   the class, and the class seats no more students than its members together.
//! - *Every reduced plan maps to an original plan of the same value*: the class's students are
//!   dealt out one seat each to its members within their capacities (there are enough seats),
//!   every need keeps its score, and each student keeps its number of mentors.
//!
//! Why: symmetry. A school of two-subject teachers whose scores all tie has hundreds of mentors
//! but a handful of kinds; the pattern master's LP and the residual integer program see every
//! permutation of those mentors as a different plan (900 × 240 tied: `TIME_LIMIT` at a 38 %
//! gap after 26 s), while over the kinds the same school is small. Where no two mentors are
//! alike (the generated schools: preferences, years and slots differ), finding that out is
//! two passes over the pairs and nothing else changes.

use std::collections::BTreeMap;

use crate::domain::model::{
    MentorIx, MinKept, NeedIx, PairFactsMap, Problem, SolveTerms, StudentIx,
};
use crate::rules::{splitmix64, Candidates};

/// No mentor: the class of a mentor that stays alone.
const ALONE: u32 = u32::MAX;

/// Mentors are merged only when that removes at least one in this many: a copy of the pairs
/// for a handful of twins among thousands of mentors (2 of 1,000 on a generated 4,000-student
/// school) buys nothing and, at district size, costs hundreds of MB.
const MIN_SHARE_MERGED: usize = 16;

/// Mentors grouped into classes of interchangeable ones (each class is one mentor of the
/// reduced problem; a mentor that is like no other is a class of one).
pub(super) struct Classes {
    /// Reduced mentor of each original mentor.
    class_of: Vec<MentorIx>,
    /// Original mentors of each class, ascending (the first is the class's representative).
    members: Vec<Vec<MentorIx>>,
}

impl Classes {
    /// The classes of `problem`'s mentors over the pairs `all`, or None when no two mentors
    /// may be merged (then nothing changes).
    pub(super) fn find(problem: &Problem, all: &Candidates) -> Option<Classes> {
        let m_count = problem.mentors.len();
        if m_count < 2 {
            return None;
        }
        let named = named_mentors(problem);
        // Pass 1: a hash of each mentor's (need, score) sequence (needs ascend, so the order is
        // the same for mentors with the same pairs).
        let mut hash = vec![0u64; m_count];
        let mut count = vec![0u32; m_count];
        for n in 0..problem.needs.len() as NeedIx {
            for c in all.of_need(n) {
                let m = all.mentors[c] as usize;
                hash[m] = splitmix64(
                    hash[m] ^ splitmix64(splitmix64(u64::from(n)) ^ all.scores[c].to_bits()),
                );
                count[m] += 1;
            }
        }
        // A mentor with no pair takes no one: merging such mentors would change nothing but
        // could count toward the threshold below, and cost a copy of the pairs.
        let mut order: Vec<usize> = (0..m_count)
            .filter(|&m| !named[m] && count[m] > 0)
            .collect();
        order.sort_by_key(|&m| (count[m], hash[m], m));
        let mut group = vec![ALONE; m_count];
        let mut groups: Vec<Vec<MentorIx>> = Vec::new();
        for run in order.chunk_by(|&a, &b| count[a] == count[b] && hash[a] == hash[b]) {
            if run.len() > 1 {
                for &m in run {
                    group[m] = groups.len() as u32;
                }
                groups.push(run.iter().map(|&m| m as MentorIx).collect());
            }
        }
        if groups.is_empty() {
            return None;
        }
        // Pass 2: check exactly (a hash can collide) that every need has all of a group's
        // members at one score, or none of them. A group that fails stays apart.
        let mut bad = vec![false; groups.len()];
        let mut seen = vec![0u32; groups.len()];
        let mut score = vec![0u64; groups.len()];
        let mut touched: Vec<usize> = Vec::new();
        for n in 0..problem.needs.len() as NeedIx {
            for c in all.of_need(n) {
                let g = group[all.mentors[c] as usize];
                if g == ALONE {
                    continue;
                }
                let g = g as usize;
                let bits = all.scores[c].to_bits();
                if seen[g] == 0 {
                    touched.push(g);
                    score[g] = bits;
                } else if score[g] != bits {
                    bad[g] = true;
                }
                seen[g] += 1;
            }
            for g in touched.drain(..) {
                if seen[g] as usize != groups[g].len() {
                    bad[g] = true;
                }
                seen[g] = 0;
            }
        }
        for (g, members) in groups.iter().enumerate() {
            if bad[g] {
                for &m in members {
                    group[m as usize] = ALONE;
                }
            }
        }
        // Classes in the order of their first member, so reduced indices keep the original
        // order (and each need's candidates stay sorted by mentor).
        let mut class_of = vec![0 as MentorIx; m_count];
        let mut members: Vec<Vec<MentorIx>> = Vec::new();
        let mut class_of_group: Vec<Option<MentorIx>> = vec![None; groups.len()];
        for m in 0..m_count {
            let g = group[m];
            let class = if g == ALONE {
                None
            } else {
                class_of_group[g as usize]
            };
            match class {
                Some(k) => {
                    members[k as usize].push(m as MentorIx);
                    class_of[m] = k;
                }
                None => {
                    let k = members.len() as MentorIx;
                    if g != ALONE {
                        class_of_group[g as usize] = Some(k);
                    }
                    members.push(vec![m as MentorIx]);
                    class_of[m] = k;
                }
            }
        }
        let merged_away = m_count - members.len();
        (merged_away >= (m_count / MIN_SHARE_MERGED).max(1))
            .then_some(Classes { class_of, members })
    }

    /// Mentors of the reduced problem.
    pub(super) fn len(&self) -> usize {
        self.members.len()
    }

    /// The problem with each class one mentor (its first member's, with the class's capacity)
    /// and every mention of a mentor (locks, preferences, stated facts, rematch terms; only
    /// lone mentors have any) renamed.
    pub(super) fn reduce(&self, problem: &Problem) -> Problem {
        let to = |m: MentorIx| self.class_of[m as usize];
        let mut reduced = problem.clone();
        reduced.mentors = self
            .members
            .iter()
            .map(|members| {
                let mut mentor = problem.mentors[members[0] as usize].clone();
                mentor.capacity = members
                    .iter()
                    .map(|&m| problem.mentors[m as usize].capacity)
                    .sum();
                mentor
            })
            .collect();
        for student in &mut reduced.students {
            for pref in &mut student.preferences {
                pref.0 = to(pref.0);
            }
        }
        for lock in &mut reduced.locked {
            lock.1 = to(lock.1);
        }
        reduced.pair_facts = problem
            .pair_facts
            .iter()
            .map(|(&(s, m), facts)| ((s, to(m)), *facts))
            .collect::<PairFactsMap>();
        let terms = problem.terms();
        let rename = |pairs: &[(StudentIx, MentorIx)]| -> Vec<(StudentIx, MentorIx)> {
            pairs.iter().map(|&(s, m)| (s, to(m))).collect()
        };
        reduced.with_terms(SolveTerms {
            continuity: terms
                .continuity
                .iter()
                .map(|(&(s, m), &bonus)| ((s, to(m)), bonus))
                .collect::<BTreeMap<_, _>>(),
            min_kept: terms.min_kept.as_ref().map(|k| MinKept {
                pairs: rename(&k.pairs),
                at_least: k.at_least,
            }),
            stable_only: terms.stable_only,
        })
    }

    /// The reduced candidate set: each class's pairs once, under its reduced index.
    pub(super) fn reduce_candidates(&self, all: &Candidates) -> Candidates {
        let mut out = Candidates {
            starts: Vec::with_capacity(all.starts.len()),
            mentors: Vec::new(),
            scores: Vec::new(),
        };
        out.starts.push(0);
        for n in 0..all.starts.len().saturating_sub(1) {
            for c in all.of_need(n as NeedIx) {
                let m = all.mentors[c];
                let k = self.class_of[m as usize];
                // A class's pairs are its first member's.
                if self.members[k as usize][0] == m {
                    out.mentors.push(k);
                    out.scores.push(all.scores[c]);
                }
            }
            out.starts.push(out.mentors.len() as u32);
        }
        out
    }

    /// A plan of the original problem as a reduced plan (a student's mentors of one class
    /// become one seat; see the module header).
    pub(super) fn reduce_plan(&self, pairs: &[(NeedIx, MentorIx)]) -> Vec<(NeedIx, MentorIx)> {
        let mut out: Vec<(NeedIx, MentorIx)> = pairs
            .iter()
            .map(|&(n, m)| (n, self.class_of[m as usize]))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A reduced plan's pairs as the original problem's: each class's students, in index
    /// order, each to the member with the most room left (the lowest index among equals), so
    /// the class's load is spread. All needs of a student the class covers go to one member.
    pub(super) fn expand_plan(
        &self,
        problem: &Problem,
        pairs: &[(NeedIx, MentorIx)],
    ) -> Vec<(NeedIx, MentorIx)> {
        let mut room: Vec<u32> = problem.mentors.iter().map(|m| m.capacity).collect();
        // (class, student) → member, made in (class, student) order.
        let mut seats: Vec<(MentorIx, StudentIx, NeedIx)> = pairs
            .iter()
            .map(|&(n, k)| (k, problem.needs[n as usize].student, n))
            .collect();
        seats.sort_unstable();
        let mut out = Vec::with_capacity(pairs.len());
        let mut last: Option<(MentorIx, StudentIx, MentorIx)> = None;
        for (k, s, n) in seats {
            let member = match last {
                Some((lk, ls, member)) if lk == k && ls == s => member,
                _ => {
                    let members = &self.members[k as usize];
                    let mut best = members[0];
                    for &m in &members[1..] {
                        if room[m as usize] > room[best as usize] {
                            best = m;
                        }
                    }
                    room[best as usize] = room[best as usize].saturating_sub(1);
                    best
                }
            };
            last = Some((k, s, member));
            out.push((n, member));
        }
        out.sort_unstable();
        out
    }

    /// The original pairs of a reduced candidate set (each class's pairs for every member),
    /// with `plan` (original pairs) at positions in it, ascending.
    pub(super) fn expand_candidates(
        &self,
        reduced: &Candidates,
        plan: &[(NeedIx, MentorIx)],
    ) -> (Candidates, Vec<usize>) {
        let mut out = Candidates {
            starts: Vec::with_capacity(reduced.starts.len()),
            mentors: Vec::new(),
            scores: Vec::new(),
        };
        out.starts.push(0);
        let mut row: Vec<(MentorIx, f64)> = Vec::new();
        for n in 0..reduced.starts.len().saturating_sub(1) {
            row.clear();
            for c in reduced.of_need(n as NeedIx) {
                let score = reduced.scores[c];
                row.extend(
                    self.members[reduced.mentors[c] as usize]
                        .iter()
                        .map(|&m| (m, score)),
                );
            }
            row.sort_unstable_by_key(|r| r.0);
            for &(m, score) in &row {
                out.mentors.push(m);
                out.scores.push(score);
            }
            out.starts.push(out.mentors.len() as u32);
        }
        let mut chosen: Vec<usize> = plan.iter().filter_map(|&(n, m)| out.find(n, m)).collect();
        chosen.sort_unstable();
        (out, chosen)
    }
}

/// Mentors something names by index (a lock, a student's ranking, a stated fact, a rematch
/// term): each stays a class of one, so those mentions keep their meaning.
fn named_mentors(problem: &Problem) -> Vec<bool> {
    let mut named = vec![false; problem.mentors.len()];
    let mut name = |m: MentorIx| {
        if let Some(x) = named.get_mut(m as usize) {
            *x = true;
        }
    };
    for &(_, m) in &problem.locked {
        name(m);
    }
    for student in &problem.students {
        for &(m, _) in &student.preferences {
            name(m);
        }
    }
    for &(_, m) in problem.pair_facts.keys() {
        name(m);
    }
    let terms = problem.terms();
    for &(_, m) in terms.continuity.keys() {
        name(m);
    }
    if let Some(kept) = &terms.min_kept {
        for &(_, m) in &kept.pairs {
            name(m);
        }
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine;
    use crate::solver::verify;
    use crate::test_school;

    /// Four teachers on one slot, no preferences: T1 and T3 teach math and English (T1 one seat,
    /// T3 two), T2 math only, T4 math and English again but named by a lock. Three students
    /// need math and English each.
    fn school(lock_t4: bool) -> serde_json::Value {
        let teacher = |id: &str, subjects: &[&str], capacity: u32| {
            serde_json::json!({
                "id": id, "role": "MENTOR_ROLE_SUBJECT_TEACHER", "tracks": ["TRACK_ACADEMIC"],
                "subjects": subjects.iter().map(|s| serde_json::json!({"subject": s, "years": 5}))
                    .collect::<Vec<_>>(),
                "capacity": capacity, "availability": ["MON-1"]
            })
        };
        let student = |id: &str| {
            serde_json::json!({"id": id, "availability": ["MON-1"], "needs": [
                {"id": "N1", "track": "TRACK_ACADEMIC", "subject": "math"},
                {"id": "N2", "track": "TRACK_ACADEMIC", "subject": "english"}]})
        };
        let mut json = serde_json::json!({
            "students": [student("S1"), student("S2"), student("S3")],
            "mentors": [teacher("T1", &["math", "english"], 1), teacher("T2", &["math"], 1),
                        teacher("T3", &["math", "english"], 2), teacher("T4", &["math", "english"], 1)]
        });
        if lock_t4 {
            json["lockedPairs"] = serde_json::json!([{"studentId": "S3", "mentorId": "T4"}]);
        }
        json
    }

    #[test]
    fn mentors_with_the_same_pairs_are_one_class_and_a_named_one_stays_alone() {
        let problem = test_school::problem(school(false));
        let all = engine::candidates(&problem);
        let classes = Classes::find(&problem, &all).expect("T1, T3 and T4 are alike");
        assert_eq!(classes.members, vec![vec![0, 2, 3], vec![1]]);
        let reduced = classes.reduce(&problem);
        assert_eq!(reduced.mentors.len(), 2);
        assert_eq!(reduced.mentors[0].capacity, 4, "1 + 2 + 1 seats");
        assert_eq!(classes.reduce_candidates(&all).len(), 6 + 3);

        let locked = test_school::problem(school(true));
        let all = engine::candidates(&locked);
        let classes = Classes::find(&locked, &all).expect("T1 and T3 are alike");
        assert_eq!(classes.members, vec![vec![0, 2], vec![1], vec![3]]);
        let reduced = classes.reduce(&locked);
        assert_eq!(reduced.locked, vec![(2, 2)], "the lock names T4's class");
    }

    #[test]
    fn no_two_alike_changes_nothing() {
        let problem = test_school::problem(test_school::json());
        let all = engine::candidates(&problem);
        assert!(Classes::find(&problem, &all).is_none());
    }

    #[test]
    fn mentors_with_no_pair_are_not_merged() {
        let mut json = test_school::json();
        for id in ["T3", "T4"] {
            let mut chemistry = json["mentors"][1].clone();
            chemistry["id"] = serde_json::json!(id);
            chemistry["subjects"] = serde_json::json!([{"subject": "chemistry", "years": 5}]);
            json["mentors"]
                .as_array_mut()
                .expect("mentors")
                .push(chemistry);
        }
        let problem = test_school::problem(json);
        let all = engine::candidates(&problem);
        assert!(Classes::find(&problem, &all).is_none());
    }

    /// A class's students are dealt out one seat each, to the member with the most room, and
    /// a student's two needs in the class stay on one seat.
    #[test]
    fn a_reduced_plan_is_dealt_out_within_capacities_one_seat_per_student() {
        let problem = test_school::problem(school(false));
        let all = engine::candidates(&problem);
        let classes = Classes::find(&problem, &all).expect("alike");
        // Every student's both needs with class 0 (T1, T3, T4: four seats).
        let reduced_plan: Vec<(NeedIx, MentorIx)> = (0..6).map(|n| (n, 0)).collect();
        let plan = classes.expand_plan(&problem, &reduced_plan);
        assert_eq!(plan, vec![(0, 2), (1, 2), (2, 0), (3, 0), (4, 2), (5, 2)]);
        assert_eq!(verify::verify(&problem, &plan), Ok(()));
        assert_eq!(classes.reduce_plan(&plan), reduced_plan);
        let (kept, chosen) = classes.expand_candidates(&classes.reduce_candidates(&all), &plan);
        assert_eq!(kept.len(), all.len(), "every pair of every member");
        assert_eq!(verify::pairs(&kept, &chosen), plan);
    }
}
