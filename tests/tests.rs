//! Integration tests, one binary (see the modules for what each guards).
//!
//! Holds only the module list; each module uses `mentor_match`'s public API and
//! `crate::common`, never another test module.

mod cli;
mod codes;
mod common;
mod demo;
mod fuzz;
mod golden;
mod hardening;
mod http;
mod i18n;
mod involvement;
mod layers;
mod mid_size;
mod pii_canary;
mod properties;
mod rematch;
mod report;
mod school_rules;
mod seat_sharing;
mod service;
mod sheets;
mod shortage;
mod stability;
mod whatif;
mod why_not;
