//! Domain → proto for the stability section of a solve response: the blocking pairs (listed up
//! to a cap, counted whole) and the price of stability with its note.
//!
//! Imports the explanation's data and renderer; must not import tonic, the engine, the
//! service or the CLI.

use super::pb;
use super::response::level_counts;
use crate::explain;
use crate::render::text::Renderer;

/// Blocking pairs listed in a response; the count is always whole.
const BLOCKING_PAIRS_LISTED: usize = 1_000;

pub(super) fn stability(
    text: &Renderer,
    blocking: &[explain::BlockingPair],
    price: &explain::PriceOfStability,
) -> pb::Stability {
    use explain::PriceOfStability as P;
    let problem = text.problem;
    let w = text.w;
    let sid = |s: u32| problem.students[s as usize].id.clone();
    let (price_of_stability, note, coverage) = match price {
        P::Stable => (
            Some(0.0),
            w.t("explain.stability_note.stable").to_string(),
            None,
        ),
        P::Priced {
            coverage_change,
            fit_change,
        } => (
            Some(*fit_change),
            w.t("explain.stability_note.priced").to_string(),
            Some(coverage_change),
        ),
        P::NoStablePlan => (None, w.t("explain.price.no_stable_plan").to_string(), None),
        P::NotComputed(why) => (
            None,
            w.f(
                "explain.stability_note.not_computed",
                &[("why", &text.not_computed(why))],
            ),
            None,
        ),
    };
    pb::Stability {
        price_of_stability,
        price_of_stability_note: note,
        stable_coverage_change: coverage.map_or_else(Vec::new, level_counts),
        blocking_pair_count: blocking.len() as u32,
        blocking_pairs: blocking
            .iter()
            .take(BLOCKING_PAIRS_LISTED)
            .map(|b| pb::BlockingPair {
                student_id: sid(b.student),
                mentor_id: problem.mentors[b.mentor as usize].id.clone(),
                student_rank: b.student_rank,
                student_best_given_rank: b.student_best_given,
                mentor_rank: b.mentor_rank,
                displaces_student_id: b.displaces.map(sid).unwrap_or_default(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::test_school;
    use explain::PriceOfStability as P;

    #[test]
    fn the_price_and_the_blocking_pairs_are_listed_by_id_and_counted_whole() {
        let problem = test_school::problem(test_school::json());
        let text = Renderer::new(&problem, Lang::En);
        let pair = explain::BlockingPair {
            student: 0,
            mentor: 1,
            student_rank: 1,
            student_best_given: Some(2),
            mentor_rank: 1,
            displaces: Some(1),
        };
        let many = vec![pair; BLOCKING_PAIRS_LISTED + 1];
        let priced = P::Priced {
            coverage_change: [0, 0, -1, 0],
            fit_change: -1.5,
        };
        let s = stability(&text, &many, &priced);
        assert_eq!(s.blocking_pair_count, BLOCKING_PAIRS_LISTED as u32 + 1);
        assert_eq!(s.blocking_pairs.len(), BLOCKING_PAIRS_LISTED);
        let b = &s.blocking_pairs[0];
        assert_eq!(
            (
                b.student_id.as_str(),
                b.mentor_id.as_str(),
                b.displaces_student_id.as_str()
            ),
            ("S1", "T2", "S2")
        );
        assert_eq!(s.price_of_stability, Some(-1.5));
        let high = s
            .stable_coverage_change
            .iter()
            .find(|c| c.priority == pb::Priority::High as i32)
            .expect("every level is listed");
        assert_eq!(high.count, -1);
        let none = stability(&text, &[], &P::NoStablePlan);
        assert_eq!(none.price_of_stability, None);
        assert!(none.stable_coverage_change.is_empty());
        assert_eq!(
            stability(&text, &[], &P::Stable).price_of_stability,
            Some(0.0)
        );
    }
}
