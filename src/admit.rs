//! Admission: a raw request validated in full. The domain's validation passes
//! (`domain::validate`) with the hard rules of [`crate::rules`] plugged in for the lock
//! passes, and a broken rule quoted in the English sentence the explanations use
//! ([`crate::words::rules::blocker`]), so a lock error reads as the report would.
//!
//! Sits above `rules` and `words`; must not import the explanations, the solver, the engine,
//! `proto`, the service or the CLI (everything that validates a request imports this).

use crate::domain::model::{MentorIx, NeedIx, Problem, StudentIx, Validated};
use crate::domain::raw::RawRequest;
use crate::domain::validate::{cover_matching, validate_with, HardRules, InvalidRequest};
use crate::i18n::Lang;
use crate::rules::{check_pair, check_student};
use crate::words::{rules::blocker, Words};

/// The hard rules of [`crate::rules`], as validation asks them.
struct SchoolRules;

impl HardRules for SchoolRules {
    fn covers(&self, problem: &Problem, need: NeedIx, mentor: MentorIx) -> bool {
        check_pair(problem, need, mentor).is_ok()
    }

    fn refusal(&self, problem: &Problem, student: StudentIx, mentor: MentorIx) -> Option<String> {
        match check_student(problem, student, mentor) {
            Ok(()) => None,
            Err(None) => Some("the student has no needs".to_string()),
            Err(Some(b)) => Some(blocker(Words::new(Lang::En), problem, b)),
        }
    }
}

/// Validates a request and builds the indexed problem (see `domain::validate`).
pub fn validate(raw: RawRequest) -> Result<Validated, InvalidRequest> {
    validate_with(raw, &SchoolRules)
}

/// Size of a maximum matching of locked mentors to distinct needs of student `s` they may
/// cover under the hard rules (Kuhn's augmenting paths; a student has at most a dozen needs).
pub fn lock_matching(problem: &Problem, s: StudentIx, mentors: &[MentorIx]) -> usize {
    cover_matching(problem, s, mentors, &SchoolRules)
}

#[cfg(test)]
mod tests {
    use super::validate;
    use crate::domain::raw::{Coded, RawRequest};
    use crate::domain::validate::tests::{assert_violation_with, base, pair, psychological};
    use crate::domain::validate::ViolationCode;
    use crate::domain::RiskLevel;

    /// The message of the violation a request whose first lock is (S1, `mentor`) gets for it.
    fn broken_lock(mut r: RawRequest, mentor: &str) -> String {
        r.locked_pairs = vec![pair("S1", mentor)];
        let code = ViolationCode::LockedBreaksRule;
        assert_violation_with(validate, r, "locked_pairs[0]", code).message
    }

    #[test]
    fn locked_pair_that_breaks_a_hard_rule_names_the_rule() {
        let mut r = base();
        r.mentors[1].subjects[0].subject = "english".into();
        let message = broken_lock(r, "T2");
        assert!(message.contains("does not teach math"), "{message}");
        let mut r = base();
        r.mentors[1].availability = vec!["TUE-1".into()];
        let message = broken_lock(r, "T2");
        assert!(message.contains("weekly slot"), "{message}");
    }

    #[test]
    fn a_lock_broken_by_a_risk_rule_reads_the_same_for_every_level() {
        let messages: Vec<String> = [RiskLevel::High, RiskLevel::Crisis]
            .iter()
            .map(|&level| {
                let mut r = base();
                r.students[0].needs[0] = psychological(Coded::Set(level));
                r.mentors[0].counselling.trained = true;
                broken_lock(r, "T1")
            })
            .collect();
        assert_eq!(messages[0], messages[1]);
        assert!(messages[0].contains("risk rules"), "{}", messages[0]);
    }

    #[test]
    fn two_locked_mentors_cannot_share_one_need() {
        // Two locked mentors for a one-need student: one need, one mentor.
        let mut r = base();
        r.locked_pairs = vec![pair("S1", "T1"), pair("S1", "T2")];
        let code = ViolationCode::LockedOverCapacity;
        assert_violation_with(validate, r, "students[0]", code);
    }
}
