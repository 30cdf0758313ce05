//! `kubectl fleet reconcile|suspend|resume`: one Flux object (or every one of a kind) on every
//! selected cluster at once. Glue only: parses, calls [`crate::ops::reconcile::act`], prints the
//! per-cluster table or the `FleetReconcile` document.

use std::time::Duration;

use clap::{Args as ClapArgs, Parser};

use super::{GlobalArgs, KubeArgs, NamespaceArg, OutputArgs, parse_duration};
use crate::{
    error::{Error, ExitStatus, Result},
    ops::reconcile::{ActOutcome, ActRequest, Action, ObjectResult, Selection, Verdict, act},
    output::{Printer, TableBuilder, Tone, short_revision, table_message},
};

const RECONCILE_EXAMPLES: &str = "Examples:
  # Fetch the new commit, then apply it, on two clusters; wait for Ready
  kubectl fleet reconcile ks/apps --with-source --context staging \\
    --context prod

  # Every HelmRelease labelled team=web, in every namespace, on the fleet
  kubectl fleet reconcile hr --all -A -l team=web --all-contexts

  # Ask and return at once; a one-off Helm upgrade even without changes
  kubectl fleet reconcile hr/podinfo -n web --force --no-wait

Exit status:
  0  every object was reconciled (or the request made, with --no-wait)
  1  an object failed or timed out, or a cluster could not be acted on
  2  usage or configuration error (nothing was changed)";

const SUSPEND_EXAMPLES: &str = "Examples:
  # Stop Flux reconciling a Kustomization on every cluster
  kubectl fleet suspend ks/apps --all-contexts

  # Every GitRepository of a namespace, on production
  kubectl fleet suspend gitrepo --all -n apps --context prod

Exit status:
  0  every object is suspended
  1  an object or a cluster could not be suspended
  2  usage or configuration error (nothing was changed)";

const RESUME_EXAMPLES: &str = "Examples:
  # Resume and wait until Flux reports Ready again, on every cluster
  kubectl fleet resume ks/apps --all-contexts

  # Resume a ResourceSet without waiting
  kubectl fleet resume rset/tenants --no-wait --context staging

Exit status:
  0  every object was resumed and is Ready (or resumed, with --no-wait)
  1  an object failed or timed out, or a cluster could not be acted on
  2  usage or configuration error (nothing was changed)";

/// Which objects: shared by the three commands.
#[derive(ClapArgs, Debug, Clone)]
pub struct ObjectArgs {
    /// KIND/NAME or KIND/NAMESPACE/NAME (kinds: ks, hr, gitrepo, ocirepo, helmrepo, hc, bucket,
    /// rset, instance, … or full names); only KIND with --all.
    #[arg(value_name = "KIND/NAME", add = super::completion::flux_object_completer())]
    pub object: String,

    /// Every object of KIND (in -n, or every namespace with -A), narrowed by -l.
    #[arg(long)]
    pub all: bool,

    /// With --all: objects of every namespace.
    #[arg(short = 'A', long, requires = "all", conflicts_with = "namespace")]
    pub all_namespaces: bool,

    /// With --all: only objects whose labels match this selector (e.g. team=web,tier!=db).
    #[arg(short = 'l', long, value_name = "SELECTOR", requires = "all")]
    pub selector: Option<String>,
}

/// Waiting for the controllers: shared by reconcile and resume.
#[derive(ClapArgs, Debug, Clone)]
pub struct WaitArgs {
    /// Return once the request is made, without waiting for the controller.
    #[arg(long)]
    pub no_wait: bool,

    /// How long to wait for each object (its source included).
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: Duration,
}

/// Reconcile Flux objects now on one cluster or the fleet.
///
/// Sets the reconcile.fluxcd.io/requestedAt annotation (a merge patch, as the flux CLI does) on
/// every selected cluster at once, then waits until the controller has handled that request
/// (status.lastHandledReconcileAt) and reports Ready, or reports its failure with the controller's
/// message. One row per cluster and object.
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = RECONCILE_EXAMPLES,
    mut_arg("namespace", |a| a.help("Namespace of the objects (default: flux-system)"))
)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub objects: ObjectArgs,

    /// Reconcile the object's source first and wait for it (Kustomization, HelmRelease,
    /// HelmChart, ImageUpdateAutomation), so a new commit or chart is picked up now.
    #[arg(long)]
    pub with_source: bool,

    /// Also set reconcile.fluxcd.io/forceAt (helm-controller releases even without changes).
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub wait: WaitArgs,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub namespace: NamespaceArg,

    #[command(flatten, next_help_heading = super::args::OUTPUT_HEADING)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Suspend Flux objects on one cluster or the fleet.
///
/// Sets spec.suspend (the fluxcd.controlplane.io/reconcile annotation for the flux-operator's
/// kinds) with a merge patch on every selected cluster at once: the controller stops reconciling
/// the object until `kubectl fleet resume`.
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = SUSPEND_EXAMPLES,
    mut_arg("namespace", |a| a.help("Namespace of the objects (default: flux-system)"))
)]
pub struct SuspendArgs {
    #[command(flatten)]
    pub objects: ObjectArgs,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub namespace: NamespaceArg,

    #[command(flatten, next_help_heading = super::args::OUTPUT_HEADING)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Resume suspended Flux objects on one cluster or the fleet.
///
/// Removes spec.suspend (or the flux-operator's reconcile annotation) and requests a reconcile on
/// every selected cluster at once, then waits until the controller has handled it and reports
/// Ready, as `flux resume` does.
#[derive(Parser, Debug)]
#[command(
    version,
    after_help = RESUME_EXAMPLES,
    mut_arg("namespace", |a| a.help("Namespace of the objects (default: flux-system)"))
)]
pub struct ResumeArgs {
    #[command(flatten)]
    pub objects: ObjectArgs,

    #[command(flatten)]
    pub wait: WaitArgs,

    #[command(flatten)]
    pub kube: KubeArgs,

    #[command(flatten)]
    pub namespace: NamespaceArg,

    #[command(flatten, next_help_heading = super::args::OUTPUT_HEADING)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Everything the three commands share, after parsing.
struct Common<'a> {
    objects: &'a ObjectArgs,
    kube: &'a KubeArgs,
    namespace: &'a NamespaceArg,
    output: &'a OutputArgs,
    global: &'a GlobalArgs,
}

/// Runs `kubectl fleet reconcile`.
pub async fn run_reconcile(args: ReconcileArgs) -> Result<ExitStatus> {
    let common = Common {
        objects: &args.objects,
        kube: &args.kube,
        namespace: &args.namespace,
        output: &args.output,
        global: &args.global,
    };
    run(
        common,
        Action::Reconcile,
        args.with_source,
        args.force,
        Some(&args.wait),
    )
    .await
}

/// Runs `kubectl fleet suspend`.
pub async fn run_suspend(args: SuspendArgs) -> Result<ExitStatus> {
    let common = Common {
        objects: &args.objects,
        kube: &args.kube,
        namespace: &args.namespace,
        output: &args.output,
        global: &args.global,
    };
    run(common, Action::Suspend, false, false, None).await
}

/// Runs `kubectl fleet resume`.
pub async fn run_resume(args: ResumeArgs) -> Result<ExitStatus> {
    let common = Common {
        objects: &args.objects,
        kube: &args.kube,
        namespace: &args.namespace,
        output: &args.output,
        global: &args.global,
    };
    run(common, Action::Resume, false, false, Some(&args.wait)).await
}

async fn run(
    c: Common<'_>,
    action: Action,
    with_source: bool,
    force: bool,
    wait: Option<&WaitArgs>,
) -> Result<ExitStatus> {
    let printer = c.global.printer();
    let selection = Selection::parse(
        &c.objects.object,
        action,
        c.objects.all,
        c.namespace.namespace.as_deref(),
        c.objects.all_namespaces,
        c.objects.selector.as_deref(),
    )
    .map_err(|e| Error::Usage(e.to_string()))?;
    let kubeconfig = c.kube.kubeconfig()?;
    let contexts = c.kube.select(&kubeconfig)?;
    let request = ActRequest {
        kubeconfig,
        contexts,
        client: c.kube.client_options(),
        action,
        selection,
        with_source,
        force,
        wait: wait.is_some_and(|w| !w.no_wait),
        timeout: wait.map_or(Duration::from_secs(300), |w| w.timeout),
    };
    let outcome = act(request, &printer).await?;
    match c.output.output.document() {
        Some(format) => printer.document(format, "FleetReconcile", &outcome.document())?,
        None => {
            let wide = c.output.output.is_wide();
            printer.table(&table(&outcome, &c.objects.object, &printer, wide), wide)?;
            for r in &outcome.reports {
                if r.ok().is_some_and(Vec::is_empty) {
                    printer.warn(&format!("{}: no {} matched", r.target, c.objects.object));
                }
            }
            let failed = outcome.failed();
            if failed == 0 {
                printer.note(&format!(
                    "{} on {}",
                    verb_done(action),
                    crate::output::plural(outcome.reports.len(), "cluster")
                ));
            }
        }
    }
    Ok(outcome.exit_status())
}

fn verb_done(action: Action) -> &'static str {
    match action {
        Action::Reconcile => "reconciled",
        Action::Suspend => "suspended",
        Action::Resume => "resumed",
    }
}

/// One row per cluster and object (its source on the row above), failures with their message.
fn table(outcome: &ActOutcome, asked: &str, printer: &Printer, wide: bool) -> String {
    let mut t = TableBuilder::new(
        [
            "cluster", "object", "action", "result", "revision", "duration", "message",
        ],
        printer.stdout_paint(),
    );
    let action = outcome.action.verb();
    let row = |t: &mut TableBuilder, cluster: &str, o: &ObjectResult| {
        let tone = match o.result {
            Verdict::Ready | Verdict::Suspended | Verdict::Resumed => Tone::Good,
            Verdict::Requested => Tone::Plain,
            Verdict::Failed => Tone::Bad,
        };
        let revision = o.revision.as_deref().map_or(String::new(), |r| {
            if wide { r.to_string() } else { short_revision(r) }
        });
        let message = o.message.as_deref().unwrap_or("");
        let message = if wide {
            message
        } else {
            table_message(o.result == Verdict::Ready, message)
        };
        t.toned_row([
            (cluster.to_string(), Tone::Plain),
            (o.reference(), Tone::Plain),
            (action.to_string(), Tone::Plain),
            (format!("{:?}", o.result), tone),
            (revision, Tone::Plain),
            (format!("{:.1}s", o.seconds), Tone::Dim),
            (message.to_string(), Tone::Plain),
        ]);
    };
    for r in &outcome.reports {
        match (r.ok(), r.err()) {
            (Some(objects), _) => {
                for o in objects {
                    if let Some(source) = &o.source {
                        row(&mut t, &r.target, source);
                    }
                    row(&mut t, &r.target, o);
                }
            }
            (None, Some(e)) => {
                t.toned_row([
                    (r.target.clone(), Tone::Plain),
                    (asked.to_string(), Tone::Plain),
                    (action.to_string(), Tone::Plain),
                    ("Failed".to_string(), Tone::Bad),
                    (String::new(), Tone::Plain),
                    (format!("{:.1}s", r.seconds), Tone::Dim),
                    (e.message.clone(), Tone::Plain),
                ]);
            }
            (None, None) => {}
        }
    }
    t.render()
}
