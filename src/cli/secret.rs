//! `kubectl fleet secret`: cluster secrets in the fleet repository, SOPS-encrypted with the real
//! `sops`. Parses the arguments, calls one operation of [`crate::ops::secret`] and prints its
//! result; values never reach argv, output or disk in the clear.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand};

use super::{GlobalArgs, KubeArgs, OutputArgs};
use crate::{
    error::{Error, ExitStatus, Result},
    ops::{
        secret::{self as ops, ApplyRequest, ListRequest, SetRequest, ValueSource},
        tenant::RepoSelection,
    },
    output::{Printer, TableBuilder, Tone},
    secrets::EntryStatus,
};

const EXAMPLES: &str = "Examples:
  # Encrypt a Secret for component dg-s3-agent of cluster eosdev2 (value from a
  # file)
  kubectl fleet secret set eosdev2 dg-s3-agent customer-s3-secret \\
    --from-file bundle=./bundle.b64

  # The value on stdin, never in argv or on disk
  pass show s3/bundle | kubectl fleet secret set eosdev2 dg-s3-agent \\
      customer-s3-secret --from-stdin bundle

  # What exists, without decrypting
  kubectl fleet secret list
  kubectl fleet secret list eosdev2 -o json

  # Apply a cluster's secrets directly (decrypted in memory), after a look at
  # what would change
  kubectl fleet secret apply sts-devpkg --dry-run
  kubectl fleet secret apply sts-devpkg";

/// Cluster secrets in the fleet repository: encrypt with sops, list, apply.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub repo: RepoArgs,

    #[command(flatten, next_help_heading = super::args::OUTPUT_HEADING)]
    pub global: GlobalArgs,
}

/// Where the fleet repository is, and sops.
#[derive(ClapArgs, Clone, Debug)]
pub struct RepoArgs {
    /// The fleet repository checkout; its fleet config file selects the layout profile (d1, keos).
    #[arg(long, value_name = "DIR", default_value = ".", global = true)]
    pub fleet_dir: PathBuf,

    /// keos profile: the use case whose app components give secrets their namespace; default:
    /// useCase in the fleet config.
    #[arg(long, value_name = "NAME", global = true)]
    pub use_case: Option<String>,

    /// The sops binary (default: $SOPS, else sops on PATH).
    #[arg(long, value_name = "PATH", global = true, value_hint = clap::ValueHint::ExecutablePath)]
    pub sops: Option<PathBuf>,
}

/// Subcommands of `secret`.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Encrypt a Secret into clusters/CLUSTER/secrets/COMPONENT/ with the cluster's .sops.yaml.
    #[command(after_help = SET_EXAMPLES)]
    Set(SetArgs),
    /// Show the cluster secrets in the repository without decrypting them.
    #[command(after_help = LIST_EXAMPLES)]
    List(ListArgs),
    /// Apply clusters' secrets (and Namespaces) directly, decrypted in memory.
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
}

const SET_EXAMPLES: &str = "Examples:
  kubectl fleet secret set eosdev2 dg-s3-agent customer-s3-secret \\
    --from-file bundle=./bundle.b64 --file secret.yaml
  kubectl fleet secret set prod-eu grafana admin -n monitoring \\
    --from-env-file ./grafana.env
  printf %s \"$TOKEN\" | kubectl fleet secret set prod-eu ci runner-token -n ci \\
    --from-stdin token
  kubectl fleet secret set eosdev2 dg-s3-agent customer-s3-secret \\
    --from-file bundle=./new.b64 --force";

const LIST_EXAMPLES: &str = "Examples:
  kubectl fleet secret list
  kubectl fleet secret list eosdev2 prod-eu -o yaml";

const APPLY_EXAMPLES: &str = "Examples:
  kubectl fleet secret apply sts-devpkg/eu --dry-run
  kubectl fleet secret apply prod-eu prod-us --context prod-eu=gke_acme_prod-eu";

/// `secret set`.
#[derive(ClapArgs, Debug)]
pub struct SetArgs {
    /// The cluster (its directory below clusters/).
    pub cluster: String,

    /// The component: the directory below clusters/CLUSTER/secrets/ (keos: the app component
    /// whose apps-<component>-secrets applies it).
    pub component: String,

    /// The Secret's name.
    pub name: String,

    /// A value from a file: KEY=PATH, or PATH (key: the file name). Repeatable.
    #[arg(long, value_name = "[KEY=]PATH")]
    pub from_file: Vec<String>,

    /// Values from KEY=VALUE lines of a file. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub from_env_file: Vec<PathBuf>,

    /// A value from stdin, byte for byte (use printf %s, not echo, to leave out a newline).
    #[arg(long, value_name = "KEY")]
    pub from_stdin: Option<String>,

    /// Refused: a value in argv lands in shell history and in ps; use --from-file,
    /// --from-env-file or --from-stdin.
    #[arg(long, value_name = "KEY=VALUE", hide = true)]
    pub from_literal: Vec<String>,

    /// The Secret's namespace (default, keos: the component's, set by its secrets Kustomization).
    #[arg(short, long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// The file name below the component directory (default: NAME.yaml).
    #[arg(long, value_name = "NAME.yaml")]
    pub file: Option<String>,

    /// Replace the file when it exists.
    #[arg(long)]
    pub force: bool,

    /// Show the Secret that would be encrypted (values redacted); write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `secret list`.
#[derive(ClapArgs, Debug)]
pub struct ListArgs {
    /// Only these clusters (default: every cluster with a secrets directory).
    pub clusters: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// `secret apply`.
#[derive(ClapArgs, Debug)]
pub struct ApplyArgs {
    /// Cluster directories whose secrets to apply.
    #[arg(required = true)]
    pub clusters: Vec<String>,

    /// Preflight, then show what would be applied (values redacted) instead of applying.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten, next_help_heading = super::args::CLUSTER_HEADING)]
    pub kube: KubeArgs,

    #[command(flatten, next_help_heading = super::args::OUTPUT_HEADING)]
    pub output: OutputArgs,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let printer = args.global.printer();
    let repo = RepoSelection {
        fleet_dir: args.repo.fleet_dir.clone(),
        use_case: args.repo.use_case.clone(),
    };
    match args.command {
        Command::Set(s) => set_cmd(repo, args.repo.sops, &printer, s),
        Command::List(l) => list_cmd(repo, &printer, l),
        Command::Apply(a) => apply_cmd(repo, args.repo.sops, &printer, a).await,
    }
}

fn set_cmd(
    repo: RepoSelection,
    sops: Option<PathBuf>,
    printer: &Printer,
    args: SetArgs,
) -> Result<ExitStatus> {
    let mut sources = Vec::new();
    for spec in &args.from_file {
        sources.push(match spec.split_once('=') {
            Some((key, path)) => ValueSource::File {
                key: Some(key.to_string()),
                path: PathBuf::from(path),
            },
            None => ValueSource::File {
                key: None,
                path: PathBuf::from(spec),
            },
        });
    }
    sources.extend(args.from_env_file.iter().cloned().map(ValueSource::EnvFile));
    if let Some(key) = args.from_stdin {
        sources.push(ValueSource::Stdin { key });
    }
    // Only the keys go on: the values given in argv are dropped here.
    let literal_keys = args
        .from_literal
        .iter()
        .map(|l| l.split_once('=').map_or("KEY", |(k, _)| k).to_string())
        .collect();
    let request = SetRequest {
        repo,
        cluster: args.cluster,
        component: args.component,
        name: args.name,
        namespace: args.namespace,
        file: args.file,
        sources,
        literal_keys,
        force: args.force,
        dry_run: args.dry_run,
        sops,
    };
    let outcome = ops::set(request, &mut std::io::stdin().lock(), printer)?;
    if let Some(plan) = &outcome.plan {
        printer.data(plan)?;
    }
    Ok(ExitStatus::Success)
}

fn list_cmd(repo: RepoSelection, printer: &Printer, args: ListArgs) -> Result<ExitStatus> {
    let outcome = ops::list(
        ListRequest {
            repo,
            clusters: args.clusters,
        },
        printer,
    )?;
    match args.output.output.document() {
        Some(format) => printer.document(format, "SecretList", &outcome.entries)?,
        None if outcome.entries.is_empty() => printer.note("no cluster secrets found"),
        None => {
            let mut table = TableBuilder::new(
                [
                    "cluster",
                    "component",
                    "file",
                    "secret",
                    "namespace",
                    "keys",
                    "encrypted for",
                    "modified",
                    "status",
                ],
                printer.stdout_paint(),
            );
            for e in &outcome.entries {
                let file = e
                    .file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let (methods, modified) = match &e.encryption {
                    Some(enc) => (
                        enc.methods.join(","),
                        enc.last_modified.clone().unwrap_or_else(|| "-".into()),
                    ),
                    None => ("-".into(), "-".into()),
                };
                let tone = match e.status {
                    EntryStatus::Encrypted => Tone::Good,
                    EntryStatus::NotEncrypted => Tone::Bad,
                    EntryStatus::Template => Tone::Warn,
                };
                table.toned_row([
                    (e.cluster.clone(), Tone::Plain),
                    (dash(&e.component), Tone::Plain),
                    (file, Tone::Plain),
                    (e.name.clone(), Tone::Plain),
                    (e.namespace.clone().unwrap_or_else(|| "-".into()), Tone::Plain),
                    (e.keys.join(","), Tone::Plain),
                    (methods, Tone::Plain),
                    (modified, Tone::Plain),
                    (e.status.label().to_string(), tone),
                ]);
            }
            printer.data(&table.render())?;
        }
    }
    Ok(outcome.exit_status())
}

fn dash(s: &str) -> String {
    if s.is_empty() { "-".into() } else { s.to_string() }
}

async fn apply_cmd(
    repo: RepoSelection,
    sops: Option<PathBuf>,
    printer: &Printer,
    args: ApplyArgs,
) -> Result<ExitStatus> {
    if args.kube.all_contexts {
        return Err(Error::Usage(
            "--all-contexts: name the cluster directories; each maps to the context of its name (or --context CLUSTER=CONTEXT)".into(),
        ));
    }
    let request = ApplyRequest {
        repo,
        clusters: args.clusters,
        contexts: args.kube.contexts.clone(),
        kubeconfig: args.kube.kubeconfig.clone(),
        client: args.kube.client_options(),
        dry_run: args.dry_run,
        sops,
    };
    let outcome = ops::apply(request, printer).await?;
    let clusters = outcome.clusters();
    match args.output.output.document() {
        Some(format) => printer.document(format, "SecretApply", &clusters)?,
        None => {
            if let Some(planned) = &outcome.planned {
                printer.data(planned)?;
            }
            let mut table =
                TableBuilder::new(["cluster", "object", "result", "keys"], printer.stdout_paint());
            for c in &clusters {
                for ch in &c.changes {
                    let result = if outcome.planned.is_some() {
                        format!("{} (dry run)", ch.result)
                    } else {
                        ch.result.clone()
                    };
                    table.row([c.cluster.clone(), ch.object.clone(), result, ch.keys_summary()]);
                }
            }
            if !table.is_empty() {
                printer.data(&table.render())?;
            }
        }
    }
    Ok(outcome.exit_status())
}
