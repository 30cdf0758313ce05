//! `kubectl fleet health --watch`: the health view recomputed whenever a Flux object changes on a
//! cluster, shown like `tree --watch` ([`LiveView`]: redrawn in place on a terminal, appended in a
//! pipe, one document per line with `-o json`).
//!
//! The same watch machinery as the live tree ([`crate::tree::watch::watch_kinds`]: one
//! metadata-only WATCH per Flux kind and cluster, 410 and reconnection handled there) triggers a
//! new survey; changes arriving together cause one. With drift, the kinds Flux applied that drift
//! read are watched too ([`crate::tree::watch::watch_drift`]), and only an object whose drift
//! appears, changes or goes causes a survey: an edit made outside Flux shows when it is made, and
//! is gone when the reconcile that undoes it lands, not at the next change of a Flux object
//! (which a reconcile that corrects the drift would hide). The set of drift kinds follows the
//! inventories: it is renewed after every survey when it changed.

use std::{
    collections::{HashMap, HashSet},
    io::IsTerminal,
    time::Duration,
};

use kube::api::ApiResource;
use tokio::{sync::mpsc, task::JoinSet};

use crate::{
    error::{ExitStatus, Result},
    kube::LoadedKubeconfig,
    ops::health::{
        self, StatusRequest,
        render::{RenderOptions, render},
        survey::flux_kinds,
    },
    output::{DocumentFormat, LiveMode, LiveView, Paint, Printer, Recorder, Tone, document, live},
    tree::{
        GroupKind,
        watch::{KindEvent, watch_drift, watch_kinds},
    },
};

/// Changes arriving this close together cause one survey.
const SETTLE: Duration = Duration::from_millis(100);

/// Runs the live health view until Ctrl-C.
pub async fn run(
    printer: &Printer,
    request: StatusRequest,
    format: Option<DocumentFormat>,
    list_drift: bool,
) -> Result<ExitStatus> {
    let mode = match format {
        Some(DocumentFormat::Json) => LiveMode::JsonLines,
        Some(DocumentFormat::Yaml) => LiveMode::YamlStream,
        None if std::io::stdout().is_terminal() => LiveMode::Redraw,
        None => LiveMode::Append,
    };
    let mut interrupt = std::pin::pin!(crate::output::live::interrupted());
    let (tx, mut events) = mpsc::unbounded_channel();
    let mut tasks = Vec::new();
    let mut targets = HashMap::new();
    for context in &request.contexts {
        let target = request
            .kubeconfig
            .target_multiplexed(context, request.client)
            .await?;
        let kinds = flux_kinds()
            .map(|k| (GroupKind::new(k.group, k.kind), k.api_resource()))
            .collect();
        let (rx, set) = watch_kinds(&target, kinds);
        tasks.push(set);
        forward(rx, context, &tx);
        targets.insert(context.clone(), target);
    }
    // Per context: the drift kinds watched, and their watches (dropped = stopped).
    let mut drift_watches: HashMap<String, (Vec<GroupKind>, JoinSet<()>)> = HashMap::new();
    let mut view = LiveView::new(mode)?;
    let mut lost: Vec<String> = Vec::new();
    let mut dirty = true;
    loop {
        if dirty {
            dirty = false;
            let (body, drift_kinds, drifted) =
                survey(&request, format, list_drift, printer.stdout_paint()).await?;
            for (context, kinds) in drift_kinds {
                let names: Vec<GroupKind> = kinds.iter().map(|(gk, _)| gk.clone()).collect();
                let same = drift_watches
                    .get(&context)
                    .is_some_and(|(watched, _)| *watched == names);
                if same || names.is_empty() && !drift_watches.contains_key(&context) {
                    continue;
                }
                let Some(target) = targets.get(&context) else {
                    continue;
                };
                let shown = drifted.get(&context).cloned().unwrap_or_default();
                let (rx, set) = watch_drift(target, kinds, shown);
                forward(rx, &context, &tx);
                drift_watches.insert(context, (names, set));
            }
            let header = match mode {
                LiveMode::Redraw => header(printer, &lost),
                _ => String::new(),
            };
            view.show(&header, &body, mode == LiveMode::Redraw)?;
        }
        let event = tokio::select! {
            _ = &mut interrupt => break,
            event = events.recv() => event,
        };
        let Some(first) = event else { break };
        tokio::time::sleep(SETTLE).await;
        let mut batch = vec![first];
        while let Ok(more) = events.try_recv() {
            batch.push(more);
        }
        for (context, event) in batch {
            match event {
                KindEvent::Changed => dirty = true,
                KindEvent::Lost(_) => {
                    if mode != LiveMode::Redraw {
                        printer.warn(&format!("reconnecting to {context}…"));
                    }
                    if !lost.contains(&context) {
                        lost.push(context);
                    }
                    dirty = true;
                }
                KindEvent::Restored => {
                    if mode != LiveMode::Redraw {
                        printer.note(&format!("reconnected to {context}"));
                    }
                    lost.retain(|c| *c != context);
                    dirty = true;
                }
                KindEvent::Unwatchable(message) => {
                    printer.warn(&format!("{context}: not updated live: {message}"));
                }
            }
        }
    }
    drop(view);
    Ok(ExitStatus::Success)
}

/// Passes a cluster's watch events on, tagged with its context.
fn forward(
    mut rx: mpsc::UnboundedReceiver<KindEvent>,
    context: &str,
    tx: &mpsc::UnboundedSender<(String, KindEvent)>,
) {
    let tx = tx.clone();
    let context = context.to_string();
    tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            if tx.send((context.clone(), event)).is_err() {
                return;
            }
        }
    });
}

/// What drift read on each cluster a survey could read (empty without drift).
type DriftKinds = Vec<(String, Vec<(GroupKind, ApiResource)>)>;
/// The drifted objects (kind, namespace, name) a survey showed, per cluster.
type Drifted = HashMap<String, HashSet<(String, String, String)>>;

/// One survey of the fleet, rendered, with the kinds drift read per cluster.
async fn survey(
    request: &StatusRequest,
    format: Option<DocumentFormat>,
    list_drift: bool,
    paint: Paint,
) -> Result<(String, DriftKinds, Drifted)> {
    let again = StatusRequest {
        kubeconfig: LoadedKubeconfig::clone(&request.kubeconfig),
        contexts: request.contexts.clone(),
        client: request.client,
        drift: request.drift.clone(),
    };
    // The runner's progress lines would scroll the view: they are recorded, not printed.
    let outcome = health::status(again, &Recorder::new()).await?;
    let kinds = outcome
        .reports
        .iter()
        .filter_map(|r| Some((r.target.clone(), r.outcome.as_ref().ok()?.drift_kinds.clone())))
        .collect();
    let drifted = outcome
        .reports
        .iter()
        .filter_map(|r| {
            let objects = r.outcome.as_ref().ok()?.drift.as_ref()?;
            let keys = objects
                .iter()
                .map(|d| (d.kind.clone(), d.namespace.clone(), d.name.clone()))
                .collect();
            Some((r.target.clone(), keys))
        })
        .collect();
    let body = match format {
        Some(DocumentFormat::Json) => document::to_json(
            &document::envelope("FleetStatus", &outcome.document(list_drift))?,
            "FleetStatus",
        )?,
        Some(DocumentFormat::Yaml) => crate::manifests::yaml::to_string(
            &document::envelope("FleetStatus", &outcome.document(list_drift))?,
            "FleetStatus",
        )?,
        None => render(
            &outcome,
            &RenderOptions {
                paint,
                now: jiff::Timestamp::now(),
                message_width: std::io::stdout().is_terminal().then_some(72),
                list_drift,
            },
        ),
    };
    Ok((body, kinds, drifted))
}

/// The terminal frame's header.
fn header(printer: &Printer, lost: &[String]) -> String {
    let paint = printer.stdout_paint();
    let mut out = paint.paint(
        Tone::Bold,
        &format!(
            "kubectl fleet health --watch   {}   (Ctrl-C to quit)",
            live::timestamp()
        ),
    );
    out.push('\n');
    for context in lost {
        out.push_str(&paint.paint(Tone::Warn, &format!("reconnecting to {context}…")));
        out.push('\n');
    }
    out
}
