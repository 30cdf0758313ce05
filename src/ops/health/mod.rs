//! Fleet health (issue 18): what is broken and what is skewed on every cluster, and what was
//! changed outside Flux.
//!
//! - [`survey`]: one cluster's Flux objects, one LIST per kind;
//! - [`skew`]: what differs between clusters running the same release or source;
//! - [`drift`]: objects changed outside Flux, from the inventories the survey lists and one
//!   metadata-only LIST per kind they name (their managedFields);
//! - [`status`]: the operation behind `kubectl fleet health`, and its `FleetStatus` document.

pub mod drift;
pub mod render;
pub mod skew;
pub mod status;
pub mod survey;

pub use status::{StatusOutcome, StatusRequest, status};
