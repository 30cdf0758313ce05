//! The tables of `kubectl fleet health`: one screen for the fleet, sections only when they have
//! something to say.
//!
//! 1. CLUSTERS: per cluster, reachable, versions and the totals (`flux stats`' buckets);
//! 2. KINDS: per cluster and Flux kind, the same counts (what `flux stats` prints per cluster);
//! 3. FAILING: every failing Flux object, with its reason, how long it has failed and its message
//!    (last, so a long message never pushes the other columns out);
//! 4. DRIFTED (with `--drift`): every object changed outside Flux, who changed which fields;
//! 5. SKEW: what differs between clusters running the same thing.

use jiff::Timestamp;

use super::{
    skew::{SkewedObject, Variant},
    status::StatusOutcome,
};
use crate::{
    credentials::report::age,
    output::{Paint, TableBuilder, Tone},
    tree::drift::describe,
};

/// How the screen is drawn.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// Colours.
    pub paint: Paint,
    /// The time ages are computed against.
    pub now: Timestamp,
    /// Longest message shown before it is cut with `…` (`None`: whole).
    pub message_width: Option<usize>,
    /// List drifted objects.
    pub list_drift: bool,
}

/// The whole screen.
pub fn render(outcome: &StatusOutcome, options: &RenderOptions) -> String {
    let paint = options.paint;
    let mut sections: Vec<String> = Vec::new();

    let with_drift = outcome
        .reports
        .iter()
        .any(|r| r.ok().is_some_and(|c| c.drift.is_some()));
    let mut headers = vec![
        "cluster",
        "reachable",
        "flux",
        "operator",
        "ready",
        "failing",
        "suspended",
        "progressing",
    ];
    if with_drift {
        headers.push("drifted");
    }
    let mut clusters = TableBuilder::new(headers, paint);
    for r in &outcome.reports {
        let mut row: Vec<(String, Tone)> = vec![(r.target.clone(), Tone::Plain)];
        match r.ok() {
            Some(c) => {
                let t = c.totals;
                row.extend([
                    ("yes".into(), Tone::Good),
                    (or_dash(c.survey.flux_version.as_deref()), Tone::Plain),
                    (or_dash(c.survey.operator_version.as_deref()), Tone::Plain),
                    (t.ready.to_string(), Tone::Plain),
                    (t.failing.to_string(), bad_if(t.failing)),
                    (t.suspended.to_string(), Tone::Plain),
                    (t.progressing.to_string(), Tone::Plain),
                ]);
                if with_drift {
                    let n = c.drifted();
                    row.push((
                        c.drift.as_ref().map_or("-".into(), |_| n.to_string()),
                        if n > 0 { Tone::Warn } else { Tone::Plain },
                    ));
                }
            }
            None => {
                row.push(("no".into(), Tone::Bad));
                let blanks = if with_drift { 7 } else { 6 };
                row.extend(std::iter::repeat_n(("-".to_string(), Tone::Dim), blanks));
            }
        }
        clusters.toned_row(row);
    }
    sections.push(clusters.render());

    let mut kinds = TableBuilder::new(
        [
            "cluster",
            "kind",
            "running",
            "ready",
            "failing",
            "suspended",
            "progressing",
        ],
        paint,
    );
    for r in &outcome.reports {
        let Some(c) = r.ok() else { continue };
        for (kind, n) in &c.kinds {
            kinds.toned_row([
                (r.target.clone(), Tone::Plain),
                (kind.to_string(), Tone::Plain),
                (n.running().to_string(), Tone::Plain),
                (n.ready.to_string(), Tone::Plain),
                (n.failing.to_string(), bad_if(n.failing)),
                (n.suspended.to_string(), Tone::Plain),
                (n.progressing.to_string(), Tone::Plain),
            ]);
        }
    }
    if !kinds.is_empty() {
        sections.push(kinds.render());
    }

    let mut failing = TableBuilder::new(["cluster", "object", "status", "since", "message"], paint);
    for r in &outcome.reports {
        let Some(c) = r.ok() else { continue };
        for o in c.failing() {
            let since = o
                .since
                .as_deref()
                .and_then(|s| s.parse::<Timestamp>().ok())
                .map_or("-".into(), |t| age(options.now, t));
            let message = o.health.message.as_deref().unwrap_or("");
            failing.toned_row([
                (r.target.clone(), Tone::Plain),
                (format!("{}/{}/{}", o.kind, o.namespace, o.name), Tone::Plain),
                (o.health.label(), Tone::Bad),
                (since, Tone::Plain),
                (cut(&one_line(message), options.message_width), Tone::Plain),
            ]);
        }
    }
    if !failing.is_empty() {
        sections.push(failing.render());
    }

    if options.list_drift {
        let mut drifted = TableBuilder::new(["cluster", "object", "applied by", "changed"], paint);
        for r in &outcome.reports {
            let Some(drift) = r.ok().and_then(|c| c.drift.as_ref()) else {
                continue;
            };
            for d in drift {
                let object = if d.namespace.is_empty() {
                    format!("{}/{}", d.kind, d.name)
                } else {
                    format!("{}/{}/{}", d.kind, d.namespace, d.name)
                };
                drifted.toned_row([
                    (r.target.clone(), Tone::Plain),
                    (object, Tone::Plain),
                    (d.owner.clone(), Tone::Plain),
                    (cut(&describe(&d.changes, 3), options.message_width), Tone::Warn),
                ]);
            }
        }
        if !drifted.is_empty() {
            sections.push(drifted.render());
        }
    }

    let skew = &outcome.skew;
    let mut skewed = TableBuilder::new(["skew", "value", "clusters"], paint);
    let mut add = |what: String, variants: &[Variant]| {
        for (i, v) in variants.iter().enumerate() {
            skewed.toned_row([
                (if i == 0 { what.clone() } else { String::new() }, Tone::Plain),
                (
                    short_revision(&v.value),
                    if i == 0 { Tone::Plain } else { Tone::Warn },
                ),
                (v.clusters.join(","), Tone::Plain),
            ]);
        }
    };
    add("Flux".into(), &skew.flux);
    add("Flux Operator".into(), &skew.operator);
    for o in skew.helm_releases.iter().chain(&skew.sources) {
        add(object_label(o), &o.variants);
    }
    if !skewed.is_empty() {
        sections.push(skewed.render());
    }
    sections.join("\n")
}

/// `HelmRelease/apps/podinfo (chart podinfo)`.
fn object_label(o: &SkewedObject) -> String {
    let base = format!("{}/{}/{}", o.kind, o.namespace, o.name);
    match (&o.detail, o.kind.as_str()) {
        (Some(chart), "HelmRelease") => format!("{base} (chart {chart})"),
        _ => base,
    }
}

/// `main@sha1:70554a57`: revisions shortened to 8 hex digits, as users compare them.
pub fn short_revision(rev: &str) -> String {
    match rev.rsplit_once(':') {
        Some((prefix, hash)) if hash.len() > 8 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            format!("{prefix}:{}", &hash[..8])
        }
        _ => rev.to_string(),
    }
}

fn or_dash(v: Option<&str>) -> String {
    v.unwrap_or("-").to_string()
}

fn bad_if(n: usize) -> Tone {
    if n > 0 { Tone::Bad } else { Tone::Plain }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts `text` to `width` characters, ending with `…` when cut.
fn cut(text: &str, width: Option<usize>) -> String {
    match width {
        Some(w) if text.chars().count() > w && w > 1 => {
            let mut out: String = text.chars().take(w - 1).collect();
            out.push('…');
            out
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_and_messages_are_shortened() {
        assert_eq!(
            short_revision("main@sha1:70554a57f3c1d2e3b4a5968778695a4b3c2d1e0f"),
            "main@sha1:70554a57"
        );
        assert_eq!(short_revision("6.7.0"), "6.7.0");
        assert_eq!(cut("abcdef", Some(4)), "abc…");
        assert_eq!(cut("abc", Some(4)), "abc");
        assert_eq!(one_line("a\n  b"), "a b");
    }
}
