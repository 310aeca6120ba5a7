//! Both directions of the rematch messages: [`pb::RematchRequest`] into the rematch's raw
//! input (the school, the current pairs with their evaluation, the rematch policy), and a
//! rematch result into a [`pb::RematchResponse`] (the plan and the diff, each change with its
//! sentence in the caller's language).
//!
//! Imports the rematch's types, the explanation's sentences for changes and the solve
//! response; must not import tonic, the engine, the service or the CLI.

use super::enums::{coded, pb_priority};
use super::pb;
use super::response::response_in;
use crate::domain::raw::{Coded, RawRequest};
use crate::i18n::Lang;
use crate::rematch::{
    ChangeKind, ChangeReason, Evaluation, KeepMode, PairChange, RawCurrentPair, RawRematch,
    RematchOutcome,
};
use crate::render::changes::{change_detail, seat_need};

fn evaluation(value: i32) -> Coded<Evaluation> {
    coded(value, |e: pb::Evaluation| match e {
        pb::Evaluation::Unspecified => None,
        pb::Evaluation::Working => Some(Evaluation::Working),
        pb::Evaluation::NotWorking => Some(Evaluation::NotWorking),
        pb::Evaluation::Ended => Some(Evaluation::Ended),
    })
}

fn keep_mode(value: i32) -> Coded<KeepMode> {
    coded(value, |k: pb::KeepMode| match k {
        pb::KeepMode::Unspecified => None,
        pb::KeepMode::Lock => Some(KeepMode::Lock),
        pb::KeepMode::Penalty => Some(KeepMode::Penalty),
    })
}

impl From<pb::RematchRequest> for RawRematch {
    fn from(req: pb::RematchRequest) -> Self {
        let policy = req.rematch.unwrap_or_default();
        RawRematch {
            request: req.request.map(RawRequest::from),
            current: req
                .current_pairs
                .into_iter()
                .map(|c| RawCurrentPair {
                    student_id: c.student_id,
                    mentor_id: c.mentor_id,
                    need_ids: c.need_ids,
                    evaluation: evaluation(c.evaluation),
                })
                .collect(),
            keep_mode: keep_mode(policy.keep_mode),
            change_penalty: policy.change_penalty,
            max_changes: policy.max_changes,
        }
    }
}

/// Converts a rematch result into the response message.
pub fn rematch_response(r: &RematchOutcome) -> pb::RematchResponse {
    rematch_response_in(r, Lang::En)
}

/// As [`rematch_response`], with the texts for people in `lang`.
pub fn rematch_response_in(r: &RematchOutcome, lang: Lang) -> pb::RematchResponse {
    pb::RematchResponse {
        result: Some(response_in(&r.problem, &r.outcome, lang)),
        changes: r.changes.iter().map(|c| pair_change(c, lang)).collect(),
        kept: r.count(ChangeKind::Kept),
        moved: r.count(ChangeKind::Moved),
        created: r.count(ChangeKind::New),
        ended: r.count(ChangeKind::Ended),
        voluntary_changes: r.voluntary_changes,
    }
}

/// One line of the diff, with its sentence and the seats' holders in `lang`.
fn pair_change(c: &PairChange, lang: Lang) -> pb::PairChange {
    pb::PairChange {
        kind: change_kind(c.kind),
        reason: change_reason(c.reason),
        student_id: c.student_id.clone(),
        from_mentor_id: c.from_mentor_id.clone(),
        to_mentor_id: c.to_mentors_joined(),
        need_ids: c.need_ids.clone(),
        forced_by: c.forced_by.iter().map(|h| seat_need(h, lang)).collect(),
        detail: change_detail(c, lang),
        seat_holders: c
            .forced_by
            .iter()
            .map(|h| pb::SeatNeed {
                student_id: h.student_id.clone(),
                need_id: h.need_id.clone(),
                priority: pb_priority(h.priority),
            })
            .collect(),
        capacity_now: c.capacity_shrank.map(|x| x.capacity),
        working_pairs_before: c.capacity_shrank.map(|x| x.working_pairs_before),
    }
}

fn change_kind(k: ChangeKind) -> i32 {
    (match k {
        ChangeKind::Kept => pb::ChangeKind::Kept,
        ChangeKind::Moved => pb::ChangeKind::Moved,
        ChangeKind::New => pb::ChangeKind::New,
        ChangeKind::Ended => pb::ChangeKind::Ended,
    }) as i32
}

fn change_reason(r: ChangeReason) -> i32 {
    use pb::ChangeReason as P;
    (match r {
        ChangeReason::Working => P::Working,
        ChangeReason::NotWorking => P::NotWorking,
        ChangeReason::NeedsEnded => P::NeedsEnded,
        ChangeReason::StudentLeft => P::StudentLeft,
        ChangeReason::MentorLeft => P::MentorLeft,
        ChangeReason::RuleNoLongerHolds => P::RuleNoLongerHolds,
        ChangeReason::CapacityShrank => P::CapacityShrank,
        ChangeReason::Coverage => P::Coverage,
        ChangeReason::BetterFit => P::BetterFit,
        ChangeReason::NewNeed => P::NewNeed,
    }) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Priority;
    use crate::rematch::{CapacityShrank, ChangeDetail, SeatNeed};

    #[test]
    fn a_rematch_request_keeps_unset_and_unknown_evaluations_apart() {
        let req: pb::RematchRequest = serde_json::from_value(serde_json::json!({
            "request": crate::test_school::json(),
            "currentPairs": [
                {"studentId": "S1", "mentorId": "T1", "evaluation": "EVALUATION_WORKING"},
                {"studentId": "S2", "mentorId": "T1"}
            ],
            "rematch": {"keepMode": "KEEP_MODE_LOCK", "maxChanges": 2}
        }))
        .expect("proto3 JSON");
        let mut req = req;
        req.current_pairs[1].evaluation = 17;
        let raw = RawRematch::from(req);
        assert_eq!(raw.current[0].evaluation, Coded::Set(Evaluation::Working));
        assert_eq!(raw.current[1].evaluation, Coded::Invalid(17));
        assert_eq!(raw.keep_mode, Coded::Set(KeepMode::Lock));
        assert_eq!((raw.change_penalty, raw.max_changes), (None, Some(2)));
        assert_eq!(raw.request.map(|r| r.students.len()), Some(2));
    }

    #[test]
    fn a_change_carries_its_seat_holders_as_sentences_and_as_data() {
        let holder = SeatNeed {
            student_id: "S2".into(),
            need_id: "N1".into(),
            priority: Priority::High,
        };
        let c = PairChange {
            kind: ChangeKind::Moved,
            reason: ChangeReason::CapacityShrank,
            student_id: "S1".into(),
            from_mentor_id: "T1".into(),
            to_mentor_ids: vec!["T2".into(), "T3".into()],
            need_ids: vec!["N1".into()],
            forced_by: vec![holder.clone()],
            capacity_shrank: Some(CapacityShrank {
                capacity: 1,
                working_pairs_before: 3,
            }),
            detail: ChangeDetail::CapacityShrank {
                capacity: 1,
                before: 3,
            },
        };
        let out = pair_change(&c, Lang::En);
        assert_eq!(out.kind, pb::ChangeKind::Moved as i32);
        assert_eq!(out.reason, pb::ChangeReason::CapacityShrank as i32);
        assert_eq!(out.to_mentor_id, "T2,T3");
        assert_eq!(out.forced_by, ["S2/N1 (high)"]);
        assert_eq!(out.forced_by[0], seat_need(&holder, Lang::En));
        assert_eq!(out.seat_holders[0].priority, pb::Priority::High as i32);
        assert_eq!(
            (out.capacity_now, out.working_pairs_before),
            (Some(1), Some(3))
        );
        assert_ne!(
            pair_change(&c, Lang::ZhCn).detail,
            out.detail,
            "the caller's language"
        );
    }
}
