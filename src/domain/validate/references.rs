//! The reference passes: every id the request uses to name a student or a mentor (ranked
//! choices, pairs, the students to explain) must name one it lists. Each pass reports the
//! unknown ones and returns what the known ones resolve to.
//!
//! Imports only the domain; never `rules` or an outer layer.

use std::collections::{HashMap, HashSet};

use super::report::Report;
use super::violation::ViolationCode;
use crate::domain::clip;
use crate::domain::limits;
use crate::domain::model::{MentorIx, PairFactsMap, StudentIx};
use crate::domain::policy::WhyNot;
use crate::domain::raw::{RawChoice, RawMentor, RawPolicy};

/// Student and mentor indices by id.
pub(super) struct Ids<'r> {
    pub students: HashMap<&'r str, StudentIx>,
    pub mentors: HashMap<&'r str, MentorIx>,
}

impl Ids<'_> {
    /// The (student, mentor) a pair entry at `path` names, when both are known; each unknown
    /// id is reported.
    pub(super) fn pair(
        &self,
        report: &mut Report,
        path: &str,
        sid: &str,
        mid: &str,
    ) -> Option<(StudentIx, MentorIx)> {
        let s = self.students.get(sid).copied();
        let m = self.mentors.get(mid).copied();
        if s.is_none() {
            report.add(
                format!("{path}.student_id"),
                ViolationCode::UnknownReference,
                format!("unknown student {:?}", clip(sid)),
            );
        }
        if m.is_none() {
            report.add(
                format!("{path}.mentor_id"),
                ViolationCode::UnknownReference,
                format!("unknown mentor {:?}", clip(mid)),
            );
        }
        s.zip(m)
    }
}

/// Ranked choices: known ids, ranks ≥ 1, no rank or id twice. Returns (index, rank) sorted by
/// rank.
pub(super) fn choices(
    report: &mut Report,
    owner: &str,
    items: &[RawChoice],
    ids: &HashMap<&str, u32>,
    kind: &str,
) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(items.len());
    let mut ranks = HashSet::new();
    let mut seen = HashSet::new();
    for (k, c) in items.iter().enumerate() {
        let p = format!("{owner}.preferences[{k}]");
        match ids.get(c.id.as_str()) {
            None => report.add(
                format!("{p}.{kind}_id"),
                ViolationCode::UnknownReference,
                format!("unknown {kind} {:?}", clip(&c.id)),
            ),
            Some(&ix) => {
                if !seen.insert(ix) {
                    report.add(
                        format!("{p}.{kind}_id"),
                        ViolationCode::DuplicateChoice,
                        format!("{kind} {:?} is ranked more than once", clip(&c.id)),
                    );
                } else if c.rank >= 1 {
                    out.push((ix, c.rank));
                }
            }
        }
        if c.rank == 0 {
            report.add(
                format!("{p}.rank"),
                ViolationCode::InvalidRank,
                "rank must be 1 or more (1 = first choice)",
            );
        } else if !ranks.insert(c.rank) {
            report.add(
                format!("{p}.rank"),
                ViolationCode::DuplicateRank,
                format!("rank {} is used more than once", c.rank),
            );
        }
    }
    out.sort_by_key(|&(ix, rank)| (rank, ix));
    out
}

/// The mentors' ranked choices of students, as the pair facts they start (a list over its
/// limit was reported by the mentor pass and is skipped here).
pub(super) fn mentor_choices(
    report: &mut Report,
    raw: &[RawMentor],
    student_ix: &HashMap<&str, StudentIx>,
) -> PairFactsMap {
    let mut pair_facts = PairFactsMap::default();
    for (i, m) in raw.iter().enumerate() {
        if m.preferences.len() > limits::MAX_MENTOR_PREFERENCES {
            continue;
        }
        let p = format!("mentors[{i}]");
        for (s, rank) in choices(report, &p, &m.preferences, student_ix, "student") {
            pair_facts
                .entry((s, i as MentorIx))
                .or_default()
                .mentor_rank_of_student = Some(rank);
        }
    }
    pair_facts
}

/// `policy.why_not_students`, when given and the costs are not turned off: the students to
/// explain, known ids only, sorted and once each.
pub(super) fn why_not_students(
    report: &mut Report,
    raw: &RawPolicy,
    student_ix: &HashMap<&str, StudentIx>,
) -> Option<WhyNot> {
    if raw.why_not_students.is_empty() || raw.why_not_costs == Some(false) {
        return None;
    }
    let mut chosen = Vec::new();
    if report.list_len(
        &"policy.why_not_students",
        raw.why_not_students.len(),
        limits::MAX_STUDENTS,
    ) {
        for (i, id) in raw.why_not_students.iter().enumerate() {
            match student_ix.get(id.as_str()) {
                Some(&s) => chosen.push(s),
                None => report.add(
                    format!("policy.why_not_students[{i}]"),
                    ViolationCode::UnknownReference,
                    format!("unknown student {:?}", clip(id)),
                ),
            }
        }
    }
    chosen.sort_unstable();
    chosen.dedup();
    Some(WhyNot::Students(chosen))
}
