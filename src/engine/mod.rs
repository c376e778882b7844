//! The pure analysis core: normalising text, reading hosts, finding links,
//! the message analysis, the detection rules and the verdict.
//!
//! Nothing under `src/engine/` touches the file system, the environment,
//! threads, the network, the GUI, reports or the desktop: it takes text and
//! a compiled [`crate::Policy`] and returns an [`analysis::Analysis`]. A
//! tidy test (`tests/it/tidy.rs`) enforces the boundary.

pub mod analysis;
mod bare;
pub mod explain;
pub mod extract;
pub mod fold;
pub mod host;
pub mod hosting;
pub mod lure;
pub mod phone;
pub mod policy;
pub mod refs;
pub mod rule_ids;
pub mod rules;
pub mod severity;
pub mod text;
pub mod words;
