//! `kubectl fleet tree --watch`: the tree kept live ([`crate::tree::watch`]) and shown as it
//! changes ([`LiveView`]): redrawn in place on a terminal, appended in a pipe (each change a whole
//! tree after a `--- TIME ---` line; `-o json` one document per line, `-o yaml` one per `---`).
//!
//! Status goes to stderr in a pipe (`reconnecting to CLUSTER…`, `reconnected to CLUSTER`, each
//! new warning or failure once); on a terminal it is in the frame's header instead, where it
//! cannot scroll the view away. Ctrl-C ends the command with status 0 and the terminal as it was.

use std::{collections::HashSet, io::IsTerminal};

use crate::{
    error::{Error, ExitStatus, Result},
    kube::KubeTarget,
    output::{LiveMode, LiveView, Printer, Tone, live},
    tree::drift::DriftRules,
    tree::{
        ClusterOutcome, ObjRef, TreeError, TreeOptions, error_chain,
        watch::{Event, watch_fleet},
    },
};

use super::tree::{StatusFilter, TreeFormat, allow_drift, render_outcomes};

/// What the live loop needs from the parsed command line.
pub struct WatchArgs {
    /// `-o`.
    pub format: TreeFormat,
    /// `--status`.
    pub status: Option<StatusFilter>,
    /// Several clusters (headers per cluster).
    pub fleet_view: bool,
    /// The command line's root, for the header.
    pub object: String,
    /// `--drift-allow` (with the defaults).
    pub rules: DriftRules,
}

/// A cluster's state as shown.
struct Shown {
    outcome: ClusterOutcome,
    /// Whether the first fetch has answered.
    answered: bool,
    /// The connection is lost (the message).
    lost: Option<String>,
}

/// Runs the live tree until Ctrl-C.
pub async fn run(
    printer: &Printer,
    targets: Vec<KubeTarget>,
    root: &ObjRef,
    options: TreeOptions,
    args: WatchArgs,
) -> Result<ExitStatus> {
    let mode = match args.format {
        TreeFormat::Json => LiveMode::JsonLines,
        TreeFormat::Yaml => LiveMode::YamlStream,
        _ if std::io::stdout().is_terminal() => LiveMode::Redraw,
        _ => LiveMode::Append,
    };
    let mut shown: Vec<Shown> = targets
        .iter()
        .map(|t| Shown {
            outcome: ClusterOutcome {
                context: t.context.clone(),
                result: Err(TreeError::Internal("not fetched yet".into())),
            },
            answered: false,
            lost: None,
        })
        .collect();
    let single = targets.len() == 1;
    // Registered before anything is drawn, so Ctrl-C always ends the loop below.
    let mut interrupt = std::pin::pin!(crate::output::live::interrupted());
    let (mut updates, _tasks) = watch_fleet(targets, root, options);
    let mut view: Option<LiveView> = None;
    let mut reported: HashSet<String> = HashSet::new();
    loop {
        let update = tokio::select! {
            _ = &mut interrupt => break,
            update = updates.recv() => update,
        };
        let Some(update) = update else { break };
        let mut batch = vec![update];
        while let Ok(more) = updates.try_recv() {
            batch.push(more);
        }
        let mut status_changed = false;
        for update in batch {
            let Some(s) = shown.get_mut(update.index) else {
                continue;
            };
            match update.event {
                Event::Tree(result) => {
                    let result = *result;
                    let first = !s.answered;
                    s.answered = true;
                    if first
                        && single
                        && let Err(e) = result
                    {
                        // One cluster whose tree cannot be shown at all: as without --watch.
                        return Err(Error::Tree(e));
                    }
                    s.outcome.result = result.map(|mut tree| {
                        allow_drift(&mut tree, &args.rules);
                        tree
                    });
                }
                Event::Lost(message) => {
                    s.lost = Some(message);
                    status_changed = true;
                    if mode != LiveMode::Redraw {
                        printer.warn(&format!("reconnecting to {}…", update.context));
                    }
                }
                Event::Restored => {
                    s.lost = None;
                    status_changed = true;
                    if mode != LiveMode::Redraw {
                        printer.note(&format!("reconnected to {}", update.context));
                    }
                }
            }
        }
        if !shown.iter().all(|s| s.answered) {
            continue;
        }
        if mode != LiveMode::Redraw {
            report_new(printer, &shown, args.fleet_view, &mut reported);
        }
        let outcomes: Vec<ClusterOutcome> = shown.iter().map(|s| filtered(&s.outcome, args.status)).collect();
        let body = render_outcomes(&outcomes, args.format, args.fleet_view, printer.stdout_paint())?;
        let header = match mode {
            LiveMode::Redraw => header(printer, &args, &shown),
            _ => String::new(),
        };
        let view = match &mut view {
            Some(v) => v,
            None => view.insert(LiveView::new(mode)?),
        };
        // On a terminal the header's status and time change even when the tree does not.
        view.show(&header, &body, mode == LiveMode::Redraw && status_changed)?;
    }
    drop(view);
    Ok(ExitStatus::Success)
}

/// The outcome as displayed (`--status failing` keeps failing nodes and their ancestors).
fn filtered(outcome: &ClusterOutcome, status: Option<StatusFilter>) -> ClusterOutcome {
    let result = match &outcome.result {
        Ok(tree) => Ok(crate::tree::ClusterTree {
            root: match status {
                Some(StatusFilter::Failing) => tree.root.clone().retain_failing(),
                None => tree.root.clone(),
            },
            summary: tree.summary.clone(),
            warnings: tree.warnings.clone(),
            stats: tree.stats.clone(),
            runtime: tree.runtime.clone(),
        }),
        Err(e) => Err(TreeError::Internal(error_chain(e))),
    };
    ClusterOutcome {
        context: outcome.context.clone(),
        result,
    }
}

/// The terminal frame's header: what is shown, when, and each cluster's state.
fn header(printer: &Printer, args: &WatchArgs, shown: &[Shown]) -> String {
    let paint = printer.stdout_paint();
    let mut out = paint.paint(
        Tone::Bold,
        &format!(
            "kubectl fleet tree {} --watch   {}   (Ctrl-C to quit)",
            args.object,
            live::timestamp()
        ),
    );
    out.push('\n');
    for s in shown {
        let prefix = if args.fleet_view {
            format!("{}: ", s.outcome.context)
        } else {
            String::new()
        };
        let line = match (&s.lost, &s.outcome.result) {
            (Some(_), _) => paint.paint(
                Tone::Warn,
                &format!("{prefix}reconnecting to {}…", s.outcome.context),
            ),
            (None, Ok(tree)) => format!("{prefix}{}", tree.summary.line()),
            (None, Err(e)) => paint.paint(Tone::Bad, &format!("{prefix}{}", error_chain(e))),
        };
        out.push_str(&line);
        out.push('\n');
        if let Ok(tree) = &s.outcome.result {
            for w in &tree.warnings {
                out.push_str(&paint.paint(Tone::Warn, &format!("{prefix}⚠ {w}")));
                out.push('\n');
            }
        }
    }
    out
}

/// In a pipe: each warning and failure once, on stderr, as it first appears.
fn report_new(printer: &Printer, shown: &[Shown], fleet_view: bool, reported: &mut HashSet<String>) {
    for s in shown {
        let prefix = if fleet_view {
            format!("{}: ", s.outcome.context)
        } else {
            String::new()
        };
        match &s.outcome.result {
            Ok(tree) => {
                for w in &tree.warnings {
                    let line = format!("{prefix}{w}");
                    if reported.insert(line.clone()) {
                        printer.warn(&line);
                    }
                }
            }
            Err(e) => {
                let line = error_chain(e);
                if reported.insert(line.clone()) {
                    printer.failure(&line);
                }
            }
        }
    }
}
