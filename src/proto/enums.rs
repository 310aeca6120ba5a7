//! The scalar enums of the wire, both ways: proto → domain as [`Coded`] (unset and unknown
//! values kept apart for validation), domain → proto as the `i32` a message field holds.
//!
//! Imports the domain's enums and the generated types only; must not import tonic, the
//! solver, the explanation or anything above.

use super::pb;
use crate::domain::policy::RiskCredential;
use crate::domain::raw::Coded;
use crate::domain::{MentorRole, Priority, RiskLevel, Track};

pub(super) fn coded<P, T>(value: i32, map: impl Fn(P) -> Option<T>) -> Coded<T>
where
    P: TryFrom<i32>,
{
    match P::try_from(value) {
        Ok(p) => map(p).map_or(Coded::Unset, Coded::Set),
        Err(_) => Coded::Invalid(value),
    }
}

pub(super) fn track(value: i32) -> Coded<Track> {
    coded(value, |t: pb::Track| match t {
        pb::Track::Unspecified => None,
        pb::Track::Academic => Some(Track::Academic),
        pb::Track::Psychological => Some(Track::Psychological),
        pb::Track::Talent => Some(Track::Talent),
    })
}

pub(super) fn priority(value: i32) -> Coded<Priority> {
    coded(value, |p: pb::Priority| match p {
        pb::Priority::Unspecified => None,
        pb::Priority::Low => Some(Priority::Low),
        pb::Priority::Normal => Some(Priority::Normal),
        pb::Priority::High => Some(Priority::High),
        pb::Priority::Urgent => Some(Priority::Urgent),
    })
}

pub(super) fn role(value: i32) -> Coded<MentorRole> {
    coded(value, |r: pb::MentorRole| {
        Some(match r {
            pb::MentorRole::Unspecified => MentorRole::Unspecified,
            pb::MentorRole::HeadTeacher => MentorRole::HeadTeacher,
            pb::MentorRole::SubjectTeacher => MentorRole::SubjectTeacher,
            pb::MentorRole::Administrator => MentorRole::Administrator,
            pb::MentorRole::TeachingAssistant => MentorRole::TeachingAssistant,
            pb::MentorRole::ExternalCounsellor => MentorRole::ExternalCounsellor,
            pb::MentorRole::PeerStudent => MentorRole::PeerStudent,
        })
    })
}

pub(super) fn risk_level(value: i32) -> Coded<RiskLevel> {
    coded(value, |r: pb::RiskLevel| match r {
        pb::RiskLevel::Unspecified => None,
        pb::RiskLevel::Low => Some(RiskLevel::Low),
        pb::RiskLevel::Medium => Some(RiskLevel::Medium),
        pb::RiskLevel::High => Some(RiskLevel::High),
        pb::RiskLevel::Crisis => Some(RiskLevel::Crisis),
    })
}

pub(super) fn risk_credential(value: i32) -> Coded<RiskCredential> {
    coded(value, |c: pb::RiskCredential| match c {
        pb::RiskCredential::Unspecified => None,
        pb::RiskCredential::TrackRule => Some(RiskCredential::TrackRule),
        pb::RiskCredential::Certificate => Some(RiskCredential::Certificate),
        pb::RiskCredential::Referral => Some(RiskCredential::Referral),
    })
}

pub(super) fn pb_track(t: Track) -> i32 {
    (match t {
        Track::Academic => pb::Track::Academic,
        Track::Psychological => pb::Track::Psychological,
        Track::Talent => pb::Track::Talent,
    }) as i32
}

pub(super) fn pb_priority(p: Priority) -> i32 {
    (match p {
        Priority::Low => pb::Priority::Low,
        Priority::Normal => pb::Priority::Normal,
        Priority::High => pb::Priority::High,
        Priority::Urgent => pb::Priority::Urgent,
    }) as i32
}

pub(super) fn pb_role(r: MentorRole) -> i32 {
    (match r {
        MentorRole::Unspecified => pb::MentorRole::Unspecified,
        MentorRole::HeadTeacher => pb::MentorRole::HeadTeacher,
        MentorRole::SubjectTeacher => pb::MentorRole::SubjectTeacher,
        MentorRole::Administrator => pb::MentorRole::Administrator,
        MentorRole::TeachingAssistant => pb::MentorRole::TeachingAssistant,
        MentorRole::ExternalCounsellor => pb::MentorRole::ExternalCounsellor,
        MentorRole::PeerStudent => pb::MentorRole::PeerStudent,
    }) as i32
}

pub(super) fn pb_risk_level(r: RiskLevel) -> i32 {
    (match r {
        RiskLevel::None => pb::RiskLevel::Unspecified,
        RiskLevel::Low => pb::RiskLevel::Low,
        RiskLevel::Medium => pb::RiskLevel::Medium,
        RiskLevel::High => pb::RiskLevel::High,
        RiskLevel::Crisis => pb::RiskLevel::Crisis,
    }) as i32
}

pub(super) fn pb_risk_credential(c: RiskCredential) -> i32 {
    (match c {
        RiskCredential::TrackRule => pb::RiskCredential::TrackRule,
        RiskCredential::Certificate => pb::RiskCredential::Certificate,
        RiskCredential::Referral => pb::RiskCredential::Referral,
    }) as i32
}

pub(super) fn pb_coded<T: Copy>(value: Coded<T>, f: impl Fn(T) -> i32) -> i32 {
    match value {
        Coded::Set(v) => f(v),
        Coded::Unset => 0,
        Coded::Invalid(n) => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_track_and_priority_survives_the_round_trip() {
        for t in Track::ALL {
            assert_eq!(track(pb_track(t)), Coded::Set(t));
        }
        for p in Priority::DESCENDING {
            assert_eq!(priority(pb_priority(p)), Coded::Set(p));
        }
    }

    #[test]
    fn every_role_level_and_credential_survives_the_round_trip() {
        use MentorRole as R;
        for r in [
            R::Unspecified,
            R::HeadTeacher,
            R::SubjectTeacher,
            R::Administrator,
            R::TeachingAssistant,
            R::ExternalCounsellor,
            R::PeerStudent,
        ] {
            assert_eq!(role(pb_role(r)), Coded::Set(r));
        }
        use RiskLevel as L;
        for l in [L::Low, L::Medium, L::High, L::Crisis] {
            assert_eq!(risk_level(pb_risk_level(l)), Coded::Set(l));
        }
        assert_eq!(
            risk_level(pb_risk_level(L::None)),
            Coded::Unset,
            "no risk is written as the unset value"
        );
        use RiskCredential as C;
        for c in [C::TrackRule, C::Certificate, C::Referral] {
            assert_eq!(risk_credential(pb_risk_credential(c)), Coded::Set(c));
        }
    }

    #[test]
    fn unset_and_unknown_values_stay_apart_both_ways() {
        assert_eq!(track(0), Coded::Unset);
        assert_eq!(priority(0), Coded::Unset);
        assert_eq!(
            role(0),
            Coded::Set(MentorRole::Unspecified),
            "a role may be unset"
        );
        assert_eq!(track(99), Coded::Invalid(99));
        assert_eq!(risk_credential(-1), Coded::Invalid(-1));
        assert_eq!(pb_coded(Coded::<Track>::Invalid(99), pb_track), 99);
        assert_eq!(pb_coded(Coded::<Track>::Unset, pb_track), 0);
    }
}
