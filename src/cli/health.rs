//! `kubectl fleet health`: what is broken, what drifted and what is skewed on every cluster, on
//! one screen. Glue only: parses, calls [`crate::ops::health::status`], prints.

use std::io::IsTerminal;

use clap::Parser;

use super::{GlobalArgs, KubeArgs, OutputArgs};
use crate::{
    error::{Error, ExitStatus, Result},
    ops::health::{
        self, StatusRequest,
        drift::DriftOptions,
        render::{RenderOptions, render},
    },
    tree::drift::{ALLOW_ENV, DriftRules},
};

const EXAMPLES: &str = "Examples:
  # The current cluster: counts per Flux kind, what fails and since when
  kubectl fleet health

  # The whole fleet, with skew between clusters (Flux, chart versions,
  # revisions)
  kubectl fleet health --all-contexts

  # Name every object changed outside Flux, and who changed which fields
  kubectl fleet health --context staging --context prod --drift

  # Gate a script: exit 1 on failures, unreachable clusters, drift or skew
  kubectl fleet health --all-contexts --exit-code -q -o json > health.json

Exit status:
  0  every cluster was read and no Flux object fails
  1  a cluster could not be read or a Flux object fails (with --exit-code: also
     drift or skew)
  2  usage or configuration error";

/// Show the health of Flux on one cluster or the fleet.
///
/// Per cluster: Flux and operator versions, counts per Flux kind (ready, failing, suspended,
/// progressing, as `flux stats` counts them), every failing object with its reason, message and
/// how long it has failed, and how many objects were changed outside Flux (drift: fields of the
/// objects Flux applied now owned by another field manager, read from metadata.managedFields).
/// Below, skew across clusters: Flux versions, HelmRelease chart versions and source revisions
/// that differ between clusters running the same release or source. Costs one LIST per Flux kind
/// (plus one metadata-only LIST per applied kind for drift), whatever the number of objects.
#[derive(Parser, Debug)]
#[command(version, after_help = EXAMPLES)]
pub struct Args {
    /// List every drifted object (changed outside Flux) with the fields and who changed them.
    #[arg(long, conflicts_with = "no_drift")]
    pub drift: bool,

    /// Do not compute drift (saves the LISTs of what Flux applied).
    #[arg(long)]
    pub no_drift: bool,

    /// A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below),
    /// `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read
    /// from KUBECTL_FLEET_DRIFT_ALLOW.
    #[arg(long, value_name = "RULE")]
    pub drift_allow: Vec<String>,

    /// Exit 1 on drift and skew too, not only on failing objects and unreachable clusters.
    #[arg(long)]
    pub exit_code: bool,

    /// Keep the view live until Ctrl-C, recomputed when a Flux object changes: redrawn in place
    /// on a terminal, each change appended in a pipe (-o json: one document per line).
    #[arg(short, long, conflicts_with = "exit_code")]
    pub watch: bool,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten, next_help_heading = super::args::OUTPUT_HEADING)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let printer = args.global.printer();
    let rules = drift_rules(&args.drift_allow)?;
    let kubeconfig = args.kube.kubeconfig()?;
    let contexts = args.kube.select(&kubeconfig)?;
    let request = StatusRequest {
        kubeconfig,
        contexts,
        client: args.kube.client_options(),
        drift: DriftOptions {
            enabled: !args.no_drift,
            rules,
        },
    };
    if args.watch {
        let format = args.output.output.document();
        return super::health_watch::run(&printer, request, format, args.drift).await;
    }
    let outcome = health::status(request, &printer).await?;
    match args.output.output.document() {
        Some(format) => printer.document(format, "FleetStatus", &outcome.document(args.drift))?,
        None => {
            let options = RenderOptions {
                paint: printer.stdout_paint(),
                now: jiff::Timestamp::now(),
                // On a terminal the message is cut so a row stays on one line; in a pipe it is whole.
                message_width: std::io::stdout().is_terminal().then_some(72),
                list_drift: args.drift,
            };
            printer.data(&render(&outcome, &options))?;
            for r in &outcome.reports {
                match r.ok() {
                    Some(c) => {
                        for w in &c.warnings {
                            printer.warn(&format!("{}: {w}", r.target));
                        }
                        printer.debug(&format!("{}: {} API requests", r.target, c.survey.requests));
                    }
                    None => {
                        if let Some(e) = r.err() {
                            printer.failure(&format!("{}: {e}", r.target));
                        }
                    }
                }
            }
            let failing = outcome.failing();
            if failing == 0 && outcome.unreachable() == 0 {
                printer.note("nothing failing");
            }
        }
    }
    Ok(outcome.exit_status(args.exit_code))
}

/// The drift rules of `--drift-allow` and KUBECTL_FLEET_DRIFT_ALLOW, on top of the defaults (a
/// usage error names the rule that does not parse).
pub fn drift_rules(flags: &[String]) -> Result<DriftRules> {
    let mut rules = flags.to_vec();
    if let Some(env) = std::env::var_os(ALLOW_ENV) {
        rules.push(env.to_string_lossy().into_owned());
    }
    DriftRules::with(&rules).map_err(|e| Error::Usage(e.to_string()))
}
