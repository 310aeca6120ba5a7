//! mentor-match pairs students in need with mentors for a school's pairing-support programme
//! (结对帮扶). It reads students, mentors and a policy, solves the pairing exactly — coverage
//! first by priority, then fit — by min-cost flow where the model is a network, network flows
//! with an exact Lagrangian certificate where seats are shared, and an integer program
//! (good_lp + HiGHS) for the rest, and explains every pair, every unassigned need and every
//! missed first choice.
//!
//! Layers, inner to outer (ARCHITECTURE.md has the map): [`domain`] (types, validation
//! passes), [`admit`] (validation with the hard rules plugged in), [`score`] and [`rules`]
//! (objective components; hard rules and candidates), [`solver`] (the three methods behind one
//! entry point), [`outcome`] and [`explain`] (the plan and its reasons as data, then as
//! sentences), [`engine`] (one solve with its analyses), [`rematch`] and [`whatif`], then the
//! edges: [`proto`] converts at the edge (the inner layers never see generated code),
//! [`service`] and [`server`] put the engine behind gRPC and HTTP, [`cli`], [`sheet`] and
//! [`report`] serve the coordinator.
//!
//! Declares the modules and holds no logic of its own; ARCHITECTURE.md maps how they import
//! each other.

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
pub mod render;
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
pub mod words;

#[cfg(test)]
pub(crate) mod test_school;
