//! Both directions of the what-if messages: a [`pb::Scenario`] into the what-if's scenario
//! (each change a force, forbid, removed mentor, capacity or added slot), and a what-if result
//! into a [`pb::WhatIfResponse`] (the base plan, and per scenario its coverage and fit change
//! with the rematch answer).
//!
//! Imports the what-if's types, the rematch and solve responses; must not import tonic, the
//! engine, the service or the CLI.

use super::pb;
use super::rematch::rematch_response_in;
use super::response::{level_counts, response_in};
use crate::i18n::Lang;

impl From<pb::Scenario> for crate::whatif::Scenario {
    fn from(s: pb::Scenario) -> Self {
        use crate::whatif::Change;
        use pb::scenario_change::Change as C;
        crate::whatif::Scenario {
            name: s.name,
            changes: s
                .changes
                .into_iter()
                .map(|c| {
                    let Some(change) = c.change else {
                        return Change::Missing;
                    };
                    match change {
                        C::Force(p) => Change::Force {
                            student_id: p.student_id,
                            mentor_id: p.mentor_id,
                        },
                        C::Forbid(p) => Change::Forbid {
                            student_id: p.student_id,
                            mentor_id: p.mentor_id,
                        },
                        C::RemoveMentor(mentor_id) => Change::RemoveMentor { mentor_id },
                        C::Capacity(c) => Change::Capacity {
                            mentor_id: c.mentor_id,
                            capacity: c.capacity,
                        },
                        C::AddSlot(c) => Change::AddSlot {
                            mentor_id: c.mentor_id,
                            slot: c.slot,
                        },
                    }
                })
                .collect(),
        }
    }
}

/// Converts a what-if result into the response message.
pub fn whatif_response(w: &crate::whatif::WhatIfOutcome) -> pb::WhatIfResponse {
    whatif_response_in(w, Lang::En)
}

/// As [`whatif_response`], with the texts for people in `lang`.
pub fn whatif_response_in(w: &crate::whatif::WhatIfOutcome, lang: Lang) -> pb::WhatIfResponse {
    pb::WhatIfResponse {
        base: Some(response_in(&w.problem, &w.base, lang)),
        scenarios: w
            .scenarios
            .iter()
            .map(|s| pb::ScenarioResult {
                name: s.name.clone(),
                coverage_change: level_counts(&s.coverage_change),
                fit_change: s.fit_change,
                result: Some(rematch_response_in(&s.rematch, lang)),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::whatif::{Change, Scenario};
    use pb::scenario_change::Change as C;

    #[test]
    fn each_scenario_change_reads_as_its_kind_and_an_empty_one_as_missing() {
        let pair = pb::PairRef {
            student_id: "S1".into(),
            mentor_id: "T1".into(),
        };
        let changes = [
            Some(C::Force(pair.clone())),
            Some(C::Forbid(pair)),
            Some(C::RemoveMentor("T2".into())),
            Some(C::Capacity(pb::CapacityChange {
                mentor_id: "T1".into(),
                capacity: 3,
            })),
            None,
        ];
        let s = Scenario::from(pb::Scenario {
            name: "one of each".into(),
            changes: changes
                .into_iter()
                .map(|change| pb::ScenarioChange { change })
                .collect(),
        });
        assert_eq!(s.name, "one of each");
        assert_eq!(
            s.changes,
            [
                Change::Force {
                    student_id: "S1".into(),
                    mentor_id: "T1".into()
                },
                Change::Forbid {
                    student_id: "S1".into(),
                    mentor_id: "T1".into()
                },
                Change::RemoveMentor {
                    mentor_id: "T2".into()
                },
                Change::Capacity {
                    mentor_id: "T1".into(),
                    capacity: 3
                },
                Change::Missing,
            ]
        );
    }
}
