//! Limits and sizes: the request's top-level lists against [`limits`] (checked first, before
//! anything is read), and the count of needs per priority level against what the exact
//! objective can pack (checked last, on the built problem).
//!
//! Imports only the domain; never `rules` or an outer layer.

use super::report::Report;
use super::violation::ViolationCode;
use crate::domain::limits;
use crate::domain::model::Problem;
use crate::domain::raw::RawRequest;
use crate::domain::Priority;

/// The top-level lists within their limits. False when one is not: nothing else is read then,
/// so an oversized request costs no more than this check.
pub(super) fn request(report: &mut Report, raw: &RawRequest) -> bool {
    let sizes_ok = [
        report.list_len(&"students", raw.students.len(), limits::MAX_STUDENTS),
        report.list_len(&"mentors", raw.mentors.len(), limits::MAX_MENTORS),
        report.list_len(
            &"locked_pairs",
            raw.locked_pairs.len(),
            limits::MAX_PAIR_ENTRIES,
        ),
        report.list_len(
            &"forbidden_pairs",
            raw.forbidden_pairs.len(),
            limits::MAX_PAIR_ENTRIES,
        ),
        report.list_len(
            &"affinities",
            raw.affinities.len(),
            limits::MAX_PAIR_ENTRIES,
        ),
    ];
    !sizes_ok.contains(&false)
}

/// The exact objective packs the count of covered needs per priority level into a 20-bit
/// signed digit of an `i128` (see `solver/flow.rs`): more needs at one level than it holds
/// would carry into the next digit and break "coverage by priority first". The size limits
/// allow 2.4 M needs, so this is checked here, with the count and the bound in the message.
pub(super) fn levels(report: &mut Report, problem: &Problem) {
    let mut counts = [0usize; 4];
    for n in &problem.needs {
        counts[n.priority as usize] += 1;
    }
    for p in Priority::DESCENDING {
        let count = counts[p as usize];
        if count > limits::MAX_NEEDS_PER_LEVEL {
            report.add(
                "students",
                ViolationCode::TooLarge,
                format!(
                    "{count} needs at priority {} (after family hardship and risk); at most {} per \
                     priority level can be solved exactly: split the request",
                    p.name(),
                    limits::MAX_NEEDS_PER_LEVEL
                ),
            );
        }
    }
}
