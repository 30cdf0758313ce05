//! What `token rotate` prints: the plan of a dry run, the per-cluster result table, the versioned
//! documents of both (and the document kinds of every `token` command), and the lines that
//! conclude a run. Pure functions of the outcome, so every
//! rendering is snapshot-tested byte for byte; none of these types can hold a token.

use serde::Serialize;

use crate::{
    credentials::{
        CREDENTIAL_ANNOTATION,
        cluster::{ClusterPlan, ClusterRotation, RepoState, SuspiciousSecret},
        report::next_step,
        rotation::Operation,
    },
    ops::{TargetReport, exit_status},
    output::{Level, Paint, TableBuilder, Tone, plural},
};

/// The document kind of `token list -o json|yaml`.
pub const LIST_KIND: &str = "TokenList";
/// The document kind of `token check -o json|yaml`.
pub const CHECK_KIND: &str = "TokenCheck";
/// The document kind of a rotation result (`-o json|yaml`).
pub const ROTATION_KIND: &str = "TokenRotation";
/// The document kind of a dry run.
pub const PLAN_KIND: &str = "TokenRotationPlan";

/// What a rotation would touch on each cluster (`--dry-run`), or why a cluster cannot be planned.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationPlan {
    /// The credential.
    pub credential: String,
    /// One plan per cluster, in the order the clusters were given.
    pub clusters: Vec<TargetReport<ClusterPlan>>,
}

impl RotationPlan {
    /// 1 when a cluster cannot be planned or holds a Secret that claims the credential where it
    /// does not belong; 0 otherwise.
    pub fn exit_status(&self) -> crate::exit::ExitStatus {
        let suspicious = self
            .clusters
            .iter()
            .filter_map(TargetReport::ok)
            .any(|p| !p.suspicious.is_empty());
        if suspicious {
            crate::exit::ExitStatus::Failure
        } else {
            exit_status(&self.clusters)
        }
    }
}

/// The status line reporting one suspicious Secret.
pub fn suspicious_line(context: &str, credential: &str, s: &SuspiciousSecret) -> String {
    format!(
        "{context}: Secret {} claims credential '{credential}' but {}; it is never written (remove it, or find out who planted it)",
        s.key, s.reason
    )
}

/// The result of a `token rotate` run (`--resume` and `--rollback` included).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationReport {
    /// The credential.
    pub credential: String,
    /// `rotate` or `rollback`.
    pub operation: Operation,
    /// The `reconcile.fluxcd.io/requestedAt` value of this run.
    pub requested_at: String,
    /// Whether every cluster of the rotation is done now.
    pub complete: bool,
    /// One report per cluster attempted in this run, in the order the clusters were given.
    pub clusters: Vec<TargetReport<ClusterRotation>>,
}

fn secrets_cell(r: &TargetReport<ClusterRotation>) -> String {
    let Some(r) = r.ok() else {
        return "-".into();
    };
    if r.secrets.is_empty() {
        return "none found".into();
    }
    let updated = r.updated();
    let unchanged = r.secrets.iter().filter(|s| s.outcome == "unchanged").count();
    let deleted = r.secrets.iter().filter(|s| s.outcome == "deleted").count();
    let mut parts = vec![format!("{updated} updated")];
    if unchanged > 0 {
        parts.push(format!("{unchanged} unchanged"));
    }
    if deleted > 0 {
        parts.push(format!("{deleted} deleted"));
    }
    parts.join(", ")
}

fn repos_cell(r: &TargetReport<ClusterRotation>) -> String {
    let Some(r) = r.ok() else {
        return "-".into();
    };
    if !r.flux_installed {
        return "no Flux".into();
    }
    let total = r.git_repositories.len();
    if total == 0 {
        return "none".into();
    }
    let suspended = r.repos_in(RepoState::Suspended);
    let requested = r.repos_in(RepoState::Requested);
    let mut text = if requested > 0 {
        format!("{requested}/{} requested", total - suspended)
    } else {
        format!("{}/{} ready", r.repos_in(RepoState::Ready), total - suspended)
    };
    if suspended > 0 {
        text.push_str(&format!(", {suspended} suspended"));
    }
    text
}

/// The per-cluster result table of `token rotate`.
pub fn rotation_table(report: &RotationReport, paint: Paint) -> String {
    let mut t = TableBuilder::new(["cluster", "secrets", "git repositories", "result"], paint);
    for r in &report.clusters {
        let (result, tone) = match (r.ok(), r.err()) {
            (Some(ok), _) if !ok.suspicious.is_empty() => (
                format!(
                    "done; {} not written",
                    plural(ok.suspicious.len(), "suspicious Secret")
                ),
                Tone::Bad,
            ),
            (_, Some(e)) => (format!("failed: {e}"), Tone::Bad),
            // The copies were checked: say so where the result stays (the progress line does
            // not outlive a terminal).
            (Some(ok), _) => match replicas_text(ok) {
                Some(t) => (format!("done; {t}"), Tone::Good),
                None => ("done".to_string(), Tone::Good),
            },
            _ => ("done".to_string(), Tone::Good),
        };
        t.toned_row([
            (r.target.clone(), Tone::Bold),
            (secrets_cell(r), Tone::Plain),
            (repos_cell(r), Tone::Plain),
            (result, tone),
        ]);
    }
    t.render()
}

/// The `--dry-run` plan of a rotation: what each cluster would get.
pub fn plan_table(plan: &RotationPlan, paint: Paint) -> String {
    let mut t = TableBuilder::new(["cluster", "object", "action"], paint);
    for report in &plan.clusters {
        let context = &report.target;
        match &report.outcome {
            Err(e) => {
                t.toned_row([
                    (context.clone(), Tone::Bold),
                    ("-".to_string(), Tone::Plain),
                    (format!("cannot plan: {e}"), Tone::Bad),
                ]);
            }
            Ok(p) if p.secrets.is_empty() && p.suspicious.is_empty() => {
                t.toned_row([
                    (context.clone(), Tone::Bold),
                    ("-".to_string(), Tone::Plain),
                    ("no Secret uses this credential".to_string(), Tone::Warn),
                ]);
            }
            Ok(p) => {
                for s in &p.secrets {
                    let mut action = match &s.propagated_from {
                        Some(from) => format!("replace data with the new token (tenant copy of {from})"),
                        None => "replace data with the new token".to_string(),
                    };
                    if let Some(k) = &s.reverted_by {
                        action.push_str(&format!(
                            "; WARNING: Kustomization {k} applies it from git and will revert it"
                        ));
                    }
                    let tone = if s.reverted_by.is_some() {
                        Tone::Warn
                    } else {
                        Tone::Plain
                    };
                    t.toned_row([
                        (context.clone(), Tone::Bold),
                        (format!("Secret/{}", s.key), Tone::Plain),
                        (action, tone),
                    ]);
                }
                for s in &p.suspicious {
                    t.toned_row([
                        (context.clone(), Tone::Bold),
                        (format!("Secret/{}", s.key), Tone::Plain),
                        (format!("SUSPICIOUS, never written: {}", s.reason), Tone::Bad),
                    ]);
                }
                for r in &p.git_repositories {
                    let action = if r.suspended {
                        "none: suspended".to_string()
                    } else {
                        "request reconciliation, wait for Ready".to_string()
                    };
                    t.toned_row([
                        (context.clone(), Tone::Bold),
                        (format!("GitRepository/{}", r.key), Tone::Plain),
                        (action, if r.suspended { Tone::Dim } else { Tone::Plain }),
                    ]);
                }
            }
        }
    }
    t.render()
}

/// What the check of the kubernetes-replicator copies found (None: no rotated Secret is
/// replicated).
fn replicas_text(r: &ClusterRotation) -> Option<String> {
    if r.replicas.is_empty() {
        return None;
    }
    let copies: usize = r.replicas.iter().map(|c| c.followed.len()).sum();
    let uncovered: usize = r.replicas.iter().map(|c| c.uncovered.len()).sum();
    let copies = format!("{copies} {}", if copies == 1 { "copy" } else { "copies" });
    Some(if uncovered == 0 {
        format!("{copies} followed (kubernetes-replicator)")
    } else {
        format!(
            "{copies} followed (kubernetes-replicator; no copy yet in {})",
            plural(uncovered, "namespace")
        )
    })
}

/// The short line a finished cluster's progress bar keeps.
pub(super) fn cluster_summary(r: &ClusterRotation) -> String {
    let repos = r.git_repositories.len();
    let ready = r.repos_in(RepoState::Ready);
    let requested = r.repos_in(RepoState::Requested);
    let repos_text = if repos == 0 {
        "no GitRepository uses them".to_string()
    } else if requested > 0 {
        format!(
            "reconciliation requested for {requested} {}",
            if requested == 1 {
                "GitRepository"
            } else {
                "GitRepositories"
            }
        )
    } else {
        format!("{ready}/{repos} GitRepositories ready")
    };
    let suspicious = if r.suspicious.is_empty() {
        String::new()
    } else {
        format!(
            "; {} not written",
            plural(r.suspicious.len(), "suspicious Secret")
        )
    };
    let replicas_text = replicas_text(r).map(|t| format!(", {t}")).unwrap_or_default();
    if r.secrets.is_empty() {
        format!("no Secret uses this credential{suspicious}")
    } else {
        format!(
            "{} written ({} changed), {repos_text}{replicas_text}{suspicious}",
            plural(r.secrets.len(), "Secret"),
            r.updated()
        )
    }
}

/// The short line a planned cluster's progress bar keeps.
pub(super) fn plan_summary(p: &ClusterPlan) -> String {
    let suspicious = if p.suspicious.is_empty() {
        String::new()
    } else {
        format!(", {} refused", plural(p.suspicious.len(), "suspicious Secret"))
    };
    format!(
        "{} and {} GitRepository(ies) to update{suspicious}",
        plural(p.secrets.len(), "Secret"),
        p.git_repositories.len()
    )
}

/// The lines that follow the result table of a run: a warning when the credential was found
/// nowhere, what is left to do when clusters are not done, or that the rotation is finished.
/// `total` is the number of clusters of the whole rotation, `done` how many are done.
pub fn conclusion(
    report: &RotationReport,
    done: usize,
    total: usize,
    committed: bool,
) -> Vec<(Level, String)> {
    let name = &report.credential;
    let mut lines = Vec::new();
    let found: usize = report
        .clusters
        .iter()
        .filter_map(TargetReport::ok)
        .map(|r| r.secrets.len())
        .sum();
    let all_ok = exit_status(&report.clusters) == crate::exit::ExitStatus::Success;
    if found == 0 && all_ok && !report.clusters.is_empty() {
        lines.push((
            Level::Warn,
            format!(
                "no Secret on the selected clusters was written from credential '{name}' (annotation {CREDENTIAL_ANNOTATION})"
            ),
        ));
    }
    let suspicious: usize = report
        .clusters
        .iter()
        .filter_map(TargetReport::ok)
        .map(|r| r.suspicious.len())
        .sum();
    if suspicious > 0 {
        lines.push((
            Level::Failure,
            format!(
                "{} claimed credential '{name}' where it does not belong and {} not written (listed above); see \"Trust model\" in the README",
                plural(suspicious, "Secret"),
                if suspicious == 1 { "was" } else { "were" }
            ),
        ));
    }
    if !report.complete {
        lines.push((
            Level::Failure,
            format!(
                "{} of {total} clusters not done; the previous token stays in the keyring: {}",
                total - done,
                next_step(name, report.operation)
            ),
        ));
    } else if committed {
        lines.push((
            Level::Success,
            match report.operation {
                Operation::Rotate => format!(
                    "rotated credential '{name}' on {}; the previous token was removed from the keyring",
                    plural(total, "cluster")
                ),
                Operation::Rollback => format!(
                    "rolled back credential '{name}' on {}; the keyring holds the previous token again",
                    plural(total, "cluster")
                ),
            },
        ));
    }
    lines
}
