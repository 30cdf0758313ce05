//! Pure manifest handling: the single YAML module and the deterministic generators that commands
//! print with `--dry-run`, write into the fleet repo, or hand to the applier.

pub mod kustomize;
pub mod pointer;
pub mod substitute;
pub mod yaml;
