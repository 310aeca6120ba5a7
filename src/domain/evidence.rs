//! Which qualification rule a mentor met for a need, with the facts that satisfied it. A
//! domain type so that both `rules` (which finds it) and `score` (which scores the specialty
//! from it) can name it without importing each other.
//!
//! Imports only the domain's own model; nothing from `rules`, `score` or any outer layer.

use super::model::Sym;

/// Which rule qualified a mentor for a need, with the facts that satisfied it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Academic: the mentor teaches the subject, for `years` years.
    TeachesSubject { subject: Sym, years: u32 },
    /// Psychological: the mentor holds a counsellor certificate.
    CounsellorCertificate { years: u32 },
    /// Psychological: the mentor has related training (no certificate).
    PsychologicalTraining { years: u32 },
    /// Talent: the mentor has coached `competitions` outside competitions in the domain.
    CoachesDomain { domain: Sym, competitions: u32 },
}
