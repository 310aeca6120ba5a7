//! Turns a [`RawRequest`] into a [`Problem`], or into the full list of what is wrong with it.
//! Every problem is collected (up to [`super::limits::MAX_VIOLATIONS`]), each naming the field path
//! and the offending value, so a coordinator can fix a file in one pass. Nothing here panics
//! on input.
//!
//! [`validate_with`] runs the passes in a fixed order, which is the order of the violation
//! list: sizes (`sizes`), the policy (`policy`), mentors (`mentors`), students and their
//! needs (`students`), references (`references`), pair entries (`pairs`); then, on the
//! built problem, the locks (`locks`) and the needs per priority level. Each pass is a small
//! function over the raw request that writes coded problems into one `report::Report`.
//!
//! Imports only the domain. The hard rules a lock must meet live above it, in `crate::rules`:
//! the lock pass takes them as a [`HardRules`] parameter, and `crate::admit::validate` is the
//! validation with the rules plugged in.

mod locks;
mod mentors;
mod pairs;
mod policy;
mod references;
mod report;
mod sizes;
mod students;
#[cfg(test)]
pub(crate) mod tests;
mod violation;

pub use locks::{cover_matching, HardRules};
pub use violation::{InvalidRequest, Violation, ViolationCode};

use super::model::{Interner, Problem, SolveTerms, Validated};
use super::raw::RawRequest;
use references::Ids;
use report::Report;

/// The accepted values of a track, as messages list them.
const TRACKS: &str = "TRACK_ACADEMIC, TRACK_PSYCHOLOGICAL, TRACK_TALENT";

/// Validates a request and builds the indexed problem, asking `rules` whether each locked pair
/// can be made.
pub fn validate_with(raw: RawRequest, rules: &dyn HardRules) -> Result<Validated, InvalidRequest> {
    let mut report = Report::default();
    if !sizes::request(&mut report, &raw) {
        return Err(report.into_error());
    }
    let mut policy = policy::policy(&mut report, &raw.policy);
    let mut text = Interner::default();
    // Reserve symbol 0 for "no subject" so psychological needs without a focus share it.
    text.intern("");
    let (mentors, mentor_ix) = mentors::mentors(&mut report, &mut text, &raw.mentors);
    let (students, needs, student_ix) =
        students::students(&mut report, &mut text, &raw.students, &mentor_ix, &policy);
    let ids = Ids {
        students: student_ix,
        mentors: mentor_ix,
    };
    let mut pair_facts = references::mentor_choices(&mut report, &raw.mentors, &ids.students);
    let mut locked = pairs::forbidden_and_locked(&mut report, &raw, &ids, &mut pair_facts);
    pairs::affinities(&mut report, &raw, &ids, &mut pair_facts);
    if let Some(why_not) = references::why_not_students(&mut report, &raw.policy, &ids.students) {
        policy.why_not = why_not;
    }
    if !report.is_empty() {
        return Err(report.into_error());
    }

    locked.sort_unstable();
    let lock_paths: Vec<usize> = locked.iter().map(|&(_, i)| i).collect();
    let problem = Problem {
        students,
        mentors,
        needs,
        locked: locked.into_iter().map(|(k, _)| k).collect(),
        pair_facts,
        policy,
        text,
        terms: SolveTerms::default(),
    };
    locks::check(&mut report, &problem, &lock_paths, rules);
    sizes::levels(&mut report, &problem);
    if report.is_empty() {
        Ok(Validated::new(problem))
    } else {
        Err(report.into_error())
    }
}
