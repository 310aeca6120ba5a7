//! The plan, the rematch diff and the what-if answers in sentences for people, in the reader's
//! language: [`text`] (the explanations and the text report) and [`changes`] (the diff and the
//! scenarios). Split from `crate::explain`, which builds the same answers as data: the
//! renderers read the rematch's and the what-if's results, which themselves sit above the
//! explanation's data, so keeping both in one module made `explain` and `rematch` import each
//! other.
//!
//! Imports the explanation's data (`crate::explain`, `crate::outcome`), the rematch's and
//! what-if's results, the rules' failure types and the shared words; must not import the
//! solver's internals, the engine, `proto`, the service or the CLI.

pub mod changes;
pub mod text;
