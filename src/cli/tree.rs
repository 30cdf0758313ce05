//! `kubectl fleet tree`: what Flux manages, as a live-status tree, on one cluster or the fleet.
//!
//! The command is glue: it parses the root, selects contexts, runs [`crate::tree::tree_fleet`]
//! (every cluster on its own task), and prints. The tree (or document) goes to stdout; warnings,
//! failures and the summary line go to stderr afterwards, so they stay visible below a long tree
//! and never mix with data in a pipe.

use clap::Parser;

use super::{GlobalArgs, KubeArgs, NamespaceArg};
use crate::{
    error::{Error, ExitStatus, Result},
    output::{Level, Paint, Printer, Progress, Reporter, Tone},
    tree::drift::DriftRules,
    tree::{
        ClusterOutcome, ClusterTree, DEFAULT_ROOT, Keep, RootSpec, Summary, TreeOptions, WalkOptions,
        error_chain, render, tree_fleet,
    },
};

const EXAMPLES: &str = "Examples:
  # The whole tree under the flux-system Kustomization, with live status
  kubectl fleet tree

  # One HelmRelease in a namespace
  kubectl fleet tree hr/podinfo -n frontend

  # Only what is failing, on every cluster of the kubeconfig (exit 1 when
  # something is)
  kubectl fleet tree --all-contexts --status failing

  # Flux objects only, two levels deep, as a table
  kubectl fleet tree ks/flux-system --compact --depth 2 -o table

  # One JSON document keyed by context, for scripts
  kubectl fleet tree --context staging --context prod -o json

  # keos: the domain chain from Kustomization default (also the default root
  # on a cluster without flux-system); components carry their domain and
  # component labels, the summary the use case and size
  kubectl fleet tree ks/default --context eosdev2

  # Objects changed outside Flux marked Drifted, with who changed which fields
  kubectl fleet tree --drift

  # Live: redrawn as objects change, on every cluster, until Ctrl-C
  kubectl fleet tree --all-contexts --watch";

/// Show what Flux manages as a live-status tree.
///
/// Expands Kustomizations, HelmReleases, ResourceSets and FluxInstances recursively from their
/// inventories (or a HelmRelease's Helm storage), and shows every object's live status: Ready,
/// NotReady, Progressing, Stale, Suspended, Exists, Missing (in the inventory but gone from the
/// cluster), Unknown (could not be read) or Remote (applied to another cluster through
/// spec.kubeConfig). Costs two dependent rounds of requests whatever the depth of the tree: each
/// kind is fetched the cheapest way for what the tree holds of it (by name, by its owners'
/// labels, by namespace or cluster-wide).
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = EXAMPLES,
    // Flux lives in flux-system, so that is where a root without a namespace is looked for (as the
    // flux CLI does), not the context's namespace.
    mut_arg("namespace", |a| a.help("Namespace of the root object (default: flux-system)"))
)]
pub struct Args {
    /// Root object: KIND/NAME or KIND/NAMESPACE/NAME (kinds: ks, hr, rset, instance or full
    /// names); the namespace defaults to -n, then flux-system.
    #[arg(
        value_name = "KIND/NAME",
        default_value = DEFAULT_ROOT,
        add = super::completion::tree_root_completer()
    )]
    pub object: String,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub namespace: NamespaceArg,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = TreeFormat::Tree)]
    pub output: TreeFormat,

    /// Show Flux objects only (and do not fetch the others).
    #[arg(long)]
    pub compact: bool,

    /// Show only failing nodes (NotReady, Missing, Unknown) and their ancestors.
    #[arg(long, value_enum, value_name = "FILTER")]
    pub status: Option<StatusFilter>,

    /// Exit 1 when a node is failing (implied by --status failing), so the tree can gate a script.
    #[arg(long)]
    pub exit_code: bool,

    /// Expand at most N levels below the root.
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,

    /// Mark every object an owner applied that a field manager other than Flux changed since:
    /// `Drifted (MANAGER: FIELDS)`, as `health --drift` says it. Read from the managedFields in
    /// the LISTs the tree sends anyway (no extra request), but judging them costs about a fifth
    /// more client CPU on a large tree, so it is asked for.
    #[arg(long)]
    pub drift: bool,

    /// A change that is not drift: MANAGER (any field) or MANAGER:FIELD (that field and below),
    /// `*` for any manager, a trailing `*` for a prefix; repeatable, comma-separated. Also read
    /// from KUBECTL_FLEET_DRIFT_ALLOW.
    #[arg(long, value_name = "RULE", requires = "drift")]
    pub drift_allow: Vec<String>,

    /// Keep the tree live until Ctrl-C: one WATCH per kind it shows, redrawn in place on a
    /// terminal, each change appended in a pipe (after a `--- TIME ---` line; -o json: one
    /// document per line).
    #[arg(short, long, conflicts_with = "exit_code")]
    pub watch: bool,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// `-o` for the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TreeFormat {
    /// Tree with glyphs and colour.
    Tree,
    /// Indented table.
    Table,
    /// JSON document keyed by context.
    Json,
    /// YAML document keyed by context.
    Yaml,
}

/// `--status` filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFilter {
    /// Failing nodes (NotReady, Missing, Unknown) and their ancestors.
    Failing,
}

/// Runs the command.
pub async fn run(args: Args) -> Result<ExitStatus> {
    let printer = args.global.printer();
    let spec = RootSpec::parse(&args.object).map_err(|e| Error::Usage(e.to_string()))?;
    let root = spec.object(args.namespace.namespace.as_deref());
    let rules = super::health::drift_rules(&args.drift_allow)?;
    let kubeconfig = args.kube.kubeconfig()?;
    let contexts = args.kube.select(&kubeconfig)?;
    let mut targets = Vec::with_capacity(contexts.len());
    for context in &contexts {
        // HTTP/2: the tree's concurrent requests share one connection per cluster.
        targets.push(
            kubeconfig
                .target_multiplexed(context, args.kube.client_options())
                .await?,
        );
    }
    let fleet_view = args.kube.all_contexts || targets.len() > 1;
    let options = TreeOptions {
        walk: WalkOptions {
            compact: args.compact,
            max_depth: args.depth,
        },
        // Without a root argument a keos cluster shows its sync Kustomization `default`.
        keos_fallback: args.object == DEFAULT_ROOT,
        keep: Keep { drift: args.drift },
        remember: true,
        ..TreeOptions::default()
    };

    if args.watch {
        let watch = super::tree_watch::WatchArgs {
            format: args.output,
            status: args.status,
            fleet_view,
            object: args.object.clone(),
            rules,
        };
        return super::tree_watch::run(&printer, targets, &root, options, watch).await;
    }

    // Progress bars only in the fleet view: one cluster's tree follows at once.
    let bars = fleet_view && printer.progress_enabled();
    let reporter = Bars {
        printer: &printer,
        bars,
    };
    let mut outcomes = tree_fleet(&reporter, targets, &root, options).await;
    for outcome in &mut outcomes {
        if let Ok(tree) = &mut outcome.result {
            allow_drift(tree, &rules);
        }
    }

    if args.status == Some(StatusFilter::Failing) {
        outcomes = outcomes
            .into_iter()
            .map(|mut outcome| {
                outcome.result = outcome.result.map(|mut tree| {
                    tree.root = tree.root.retain_failing();
                    tree
                });
                outcome
            })
            .collect();
    }

    let data = render_outcomes(&outcomes, args.output, fleet_view, printer.stdout_paint())?;
    printer.data(&data)?;
    report(&printer, &outcomes, args.output, fleet_view, bars);

    let failing_only = args.status == Some(StatusFilter::Failing);
    let failing: usize = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .map(|t| t.summary.failing())
        .sum();
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    if failing_only && failing == 0 && failed == 0 {
        printer.note("nothing failing");
    }
    if failed == 0 {
        let gate = failing_only || args.exit_code;
        return Ok(if gate && failing > 0 {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        });
    }
    if outcomes.len() == 1 {
        // One cluster: its own error is the clearest report (with its causes).
        if let Some(Err(e)) = outcomes.pop().map(|o| o.result) {
            return Err(Error::Tree(e));
        }
    }
    Err(Error::TargetsFailed {
        failed,
        total: outcomes.len(),
    })
}

/// Applies the command's drift rules (the decoder applied the defaults) and counts again.
pub fn allow_drift(tree: &mut ClusterTree, rules: &DriftRules) {
    tree.root.allow_drift(rules);
    tree.summary = Summary::of(&tree.root);
}

/// The printer, with progress bars only when asked for (the fleet view on a terminal).
struct Bars<'p> {
    printer: &'p Printer,
    bars: bool,
}

impl Reporter for Bars<'_> {
    fn line(&self, level: Level, msg: &str) {
        Reporter::line(self.printer, level, msg);
    }

    fn progress(&self) -> Progress {
        if self.bars {
            Progress::new(self.printer)
        } else {
            Progress::hidden()
        }
    }
}

/// What goes to stdout, for every cluster.
pub fn render_outcomes(
    outcomes: &[ClusterOutcome],
    format: TreeFormat,
    fleet_view: bool,
    paint: Paint,
) -> Result<String> {
    match format {
        TreeFormat::Json => {
            render::json(outcomes).map_err(|e| Error::Usage(format!("cannot render JSON: {e}")))
        }
        TreeFormat::Yaml => Ok(render::yaml(outcomes)?),
        TreeFormat::Tree | TreeFormat::Table => {
            let mut out = String::new();
            for outcome in outcomes {
                let Ok(tree) = &outcome.result else { continue };
                if fleet_view {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    let header = match tree.runtime_label() {
                        Some(keos) => format!("=== {} ({keos}) ===", outcome.context),
                        None => format!("=== {} ===", outcome.context),
                    };
                    out.push_str(&paint.paint(Tone::Bold, &header));
                    out.push('\n');
                }
                out.push_str(&match format {
                    TreeFormat::Table => render::table(&tree.root, paint, None),
                    _ => render::tree(&tree.root, paint),
                });
            }
            Ok(out)
        }
    }
}

/// Warnings, failures and summaries, to stderr.
fn report(printer: &Printer, outcomes: &[ClusterOutcome], format: TreeFormat, fleet_view: bool, bars: bool) {
    let document = matches!(format, TreeFormat::Json | TreeFormat::Yaml);
    for outcome in outcomes {
        let prefix = if fleet_view {
            format!("{}: ", outcome.context)
        } else {
            String::new()
        };
        match &outcome.result {
            Ok(tree) => {
                for warning in &tree.warnings {
                    printer.warn(&format!("{prefix}{warning}"));
                }
                for r in &tree.stats.log {
                    printer.debug(&format!(
                        "{prefix}GET {} → {} ({} bytes) at +{} ms, took {} ms",
                        r.path,
                        r.status,
                        r.bytes,
                        r.start.as_millis(),
                        r.took.as_millis()
                    ));
                }
                let left_out = tree.stats.speculation.skipped();
                if !left_out.is_empty() {
                    let kinds: Vec<&str> = left_out.into_iter().map(|k| k.kind()).collect();
                    printer.debug(&format!(
                        "{prefix}not listed cluster-wide ahead of need (an earlier run did without): {}",
                        kinds.join(", ")
                    ));
                }
                if tree.stats.ahead > 0 {
                    printer.debug(&format!(
                        "{prefix}{} leaf requests sent with the first round (remembered from the last tree of this root)",
                        tree.stats.ahead
                    ));
                }
                printer.debug(&format!(
                    "{prefix}{} API requests in {} round{}, {} ms",
                    tree.stats.requests,
                    tree.stats.rounds,
                    if tree.stats.rounds == 1 { "" } else { "s" },
                    tree.stats.elapsed.as_millis()
                ));
                // With progress bars, each bar already ends on its cluster's summary.
                if !document && !bars {
                    let keos = tree.runtime_label().map(|k| format!("{k}: ")).unwrap_or_default();
                    printer.note(&format!("{prefix}{keos}{}", tree.summary.line()));
                }
            }
            // A single cluster's error is reported once, by the runner, with its causes.
            Err(e) if outcomes.len() > 1 => printer.failure(&error_chain(e)),
            Err(_) => {}
        }
    }
}
