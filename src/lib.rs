//! mentor-match pairs students in need with mentors for a school's pairing-support programme
//! (结对帮扶). It reads students, mentors and a policy, solves the pairing exactly as an integer
//! program (good_lp + HiGHS) — coverage first by priority, then fit — and explains every pair,
//! every unassigned need and every missed first choice.
//!
//! Layers, inner to outer: [`domain`] (types, validation passes), [`score`] (objective
//! components), [`rules`] (hard rules, candidates), [`solver`] (the integer program),
//! [`explain`] (reasons as data and as sentences), [`admit`] (validation with the hard rules
//! plugged in), [`engine`] (the entry point). [`proto`] converts at the edge; the
//! inner layers never see generated code; [`service`] and [`server`] put the engine behind
//! gRPC.

pub mod admit;
pub mod cli;
pub mod domain;
pub mod engine;
pub mod explain;
pub mod generate;
pub mod i18n;
pub mod outcome;
pub mod parallel;
pub mod proto;
pub mod rematch;
pub mod report;
pub mod rules;
pub mod score;
pub mod server;
pub mod service;
pub mod sheet;
pub mod shortage;
pub mod solver;
pub mod stability;
pub mod whatif;
pub mod why_not;

#[cfg(test)]
pub(crate) mod test_school;
