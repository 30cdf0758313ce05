//! Access to clusters: kubeconfig loading and context selection, one client per context, the
//! resource table and discovery, server-side apply with one field manager, and readiness waiting.

mod apply;
mod client;
mod error;
mod options;
mod resources;
mod wait;

pub use apply::{Applier, ApplyOutcome, FIELD_MANAGER, object_ref};
pub use client::{ClusterSelection, KubeTarget, LoadedKubeconfig, load_kubeconfig, load_kubeconfig_with};
pub use error::KubeError;
pub use options::ClientOptions;
pub use resources::{Gvk, KnownKind, Resolver, find_alias, find_known, is_flux_group, known_kinds};
pub use wait::{WaitOutcome, wait_until};
