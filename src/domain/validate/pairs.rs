//! The pair-entry passes: forbidden pairs, locked pairs (never both for one pair) and
//! affinities (in [-1, 1], one per pair), each resolved into the problem's pair facts.
//! Whether a locked pair is makeable is checked on the built problem (`locks`).
//!
//! Imports only the domain; never `rules` or an outer layer.

use std::collections::HashSet;

use super::references::Ids;
use super::report::Report;
use super::violation::ViolationCode;
use crate::domain::model::{MentorIx, PairFactsMap, StudentIx};
use crate::domain::raw::RawRequest;

/// A locked pair and the index of its entry in `locked_pairs` (for the path of a violation).
pub(super) type Lock = ((StudentIx, MentorIx), usize);

/// Forbidden pairs, then locked pairs, into `facts`. Returns the locks, once each, in the
/// order they were listed.
pub(super) fn forbidden_and_locked(
    report: &mut Report,
    raw: &RawRequest,
    ids: &Ids,
    facts: &mut PairFactsMap,
) -> Vec<Lock> {
    for (i, pair) in raw.forbidden_pairs.iter().enumerate() {
        let path = format!("forbidden_pairs[{i}]");
        if let Some(key) = ids.pair(report, &path, &pair.student_id, &pair.mentor_id) {
            facts.entry(key).or_default().forbidden = true;
        }
    }
    let mut locked = Vec::new();
    for (i, pair) in raw.locked_pairs.iter().enumerate() {
        let path = format!("locked_pairs[{i}]");
        if let Some(key) = ids.pair(report, &path, &pair.student_id, &pair.mentor_id) {
            let f = facts.entry(key).or_default();
            if f.forbidden {
                report.add(
                    path,
                    ViolationCode::LockedAndForbidden,
                    format!(
                        "pair ({:?}, {:?}) is both locked and forbidden",
                        pair.student_id, pair.mentor_id
                    ),
                );
            } else if !f.locked {
                f.locked = true;
                locked.push((key, i));
            }
        }
    }
    locked
}

/// Affinities into `facts`: each in [-1, 1], at most one per pair.
pub(super) fn affinities(
    report: &mut Report,
    raw: &RawRequest,
    ids: &Ids,
    facts: &mut PairFactsMap,
) {
    let mut seen = HashSet::new();
    for (i, a) in raw.affinities.iter().enumerate() {
        let path = format!("affinities[{i}]");
        if !a.score.is_finite() || !(-1.0..=1.0).contains(&a.score) {
            report.add(
                format!("{path}.score"),
                ViolationCode::OutOfRange,
                format!("affinity {} is outside [-1, 1]", a.score),
            );
        }
        if let Some(key) = ids.pair(report, &path, &a.student_id, &a.mentor_id) {
            if !seen.insert(key) {
                report.add(
                    path,
                    ViolationCode::DuplicateEntry,
                    format!(
                        "a second affinity for pair ({:?}, {:?})",
                        a.student_id, a.mentor_id
                    ),
                );
            } else if a.score.is_finite() {
                facts.entry(key).or_default().affinity = a.score;
            }
        }
    }
}
