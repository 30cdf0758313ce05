//! Rendering, kept pure: every function returns a `String`, so each format is snapshot-tested.
//!
//! - the tree: flux's glyphs (`├── `, `└── `, `│   `) and node text (`Kind/namespace/name`, the
//!   root without a glyph), plus an aligned status column, coloured when the painter is enabled;
//! - the table: KIND (indented two spaces per level), NAMESPACE, NAME, STATUS, MESSAGE (and
//!   DOMAIN, COMPONENT for a keos tree);
//! - the document (`-o json|yaml`): the schema described in the module docs of [`crate::tree`].

use serde::{
    Serialize,
    ser::{SerializeMap, Serializer},
};

use super::{
    ClusterOutcome,
    model::{Node, Summary},
};
use crate::{
    manifests::yaml::{self, YamlError},
    output::{Paint, TableBuilder, Tone},
    status::State,
};

/// The status column starts after the longest node text, but never further right than this, so
/// one very deep or long name does not push every status off screen.
const MAX_STATUS_COLUMN: usize = 88;
/// Longest message shown inline in the tree (the table and JSON have it whole).
const MAX_TREE_MESSAGE: usize = 120;

const MIDDLE: &str = "├── ";
const LAST: &str = "└── ";
const CONTINUE: &str = "│   ";
const EMPTY: &str = "    ";

/// The tree as text, one line per node.
pub fn tree(root: &Node, paint: Paint) -> String {
    let mut lines: Vec<(String, &Node)> = Vec::with_capacity(root.count());
    lines.push((root.object.to_string(), root));
    let mut prefix = String::new();
    tree_lines(&root.children, &mut prefix, &mut lines);
    let column = lines
        .iter()
        .map(|(text, _)| text.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_STATUS_COLUMN)
        + 2;
    let mut out = String::new();
    for (text, node) in lines {
        let width = text.chars().count();
        out.push_str(&text);
        out.push_str(&" ".repeat(column.saturating_sub(width).max(2)));
        out.push_str(&paint.paint(node.status.tone(), &node.status.label()));
        if node.remote {
            out.push_str("  ");
            out.push_str(&paint.paint(Tone::Dim, "[remote cluster]"));
        }
        if node.cycle {
            out.push_str("  ");
            out.push_str(&paint.paint(Tone::Dim, "[cycle]"));
        }
        if let Some(labels) = node.domain_label() {
            out.push_str("  ");
            out.push_str(&paint.paint(Tone::Dim, &format!("[{labels}]")));
        }
        if let Some(drift) = node.drift_label() {
            out.push_str("  ");
            out.push_str(&paint.paint(Tone::Warn, &drift));
        }
        if let Some(message) = inline_message(node) {
            out.push_str("  ");
            out.push_str(&message);
        }
        out.push('\n');
    }
    out
}

fn tree_lines<'a>(children: &'a [Node], prefix: &mut String, lines: &mut Vec<(String, &'a Node)>) {
    for (i, child) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        lines.push((
            format!("{prefix}{}{}", if last { LAST } else { MIDDLE }, child.object),
            child,
        ));
        if !child.children.is_empty() {
            let len = prefix.len();
            prefix.push_str(if last { EMPTY } else { CONTINUE });
            tree_lines(&child.children, prefix, lines);
            prefix.truncate(len);
        }
    }
}

/// Only what explains a failure is shown inline: the message of NotReady and Stale objects.
fn inline_message(node: &Node) -> Option<String> {
    let state = match &node.status {
        super::model::Status::Live(h) => h.state,
        super::model::Status::Remote => return None,
    };
    if !matches!(state, State::NotReady | State::Stale) {
        return None;
    }
    let first = node.status.message()?.lines().next()?.trim();
    if first.chars().count() <= MAX_TREE_MESSAGE {
        return Some(first.to_string());
    }
    let cut: String = first.chars().take(MAX_TREE_MESSAGE - 1).collect();
    Some(format!("{cut}…"))
}

/// The tree as a table; `width` wraps the MESSAGE column (fixed in tests), `None` never wraps.
/// A keos tree (a node with a domain label) also has DOMAIN and COMPONENT columns.
pub fn table(root: &Node, paint: Paint, width: Option<u16>) -> String {
    let mut labelled = false;
    root.visit(0, &mut |node, _| {
        labelled |= node.domain.is_some() || node.component.is_some()
    });
    let mut headers = vec!["kind", "namespace", "name", "status"];
    if labelled {
        headers.extend(["domain", "component"]);
    }
    headers.push("message");
    let mut t = TableBuilder::new(headers, paint);
    if let Some(w) = width {
        t = t.width(w);
    }
    root.visit(0, &mut |node, depth| {
        let mut status = node.status.label();
        if node.remote {
            status.push_str(" [remote cluster]");
        }
        if node.cycle {
            status.push_str(" [cycle]");
        }
        let first = node
            .status
            .message()
            .and_then(|m| m.lines().next())
            .unwrap_or_default()
            .trim();
        // Drift comes first: the message column is where a table says what is wrong.
        let message = match node.drift_label() {
            Some(drift) if first.is_empty() => drift,
            Some(drift) => format!("{drift}; {first}"),
            None => first.to_string(),
        };
        let mut cells = vec![
            (format!("{}{}", "  ".repeat(depth), node.object.kind), Tone::Plain),
            (node.object.namespace.clone(), Tone::Plain),
            (node.object.name.clone(), Tone::Plain),
            (status, node.status.tone()),
        ];
        if labelled {
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            cells.push((dash(&node.domain), Tone::Plain));
            cells.push((dash(&node.component), Tone::Plain));
        }
        cells.push((message, Tone::Plain));
        t.toned_row(cells);
    });
    t.render()
}

/// The JSON document (two-space indentation, trailing newline).
pub fn json(outcomes: &[ClusterOutcome]) -> Result<String, serde_json::Error> {
    let mut out = serde_json::to_string_pretty(&Document(outcomes))?;
    out.push('\n');
    Ok(out)
}

/// The YAML document, through the suite's single YAML module.
pub fn yaml(outcomes: &[ClusterOutcome]) -> Result<String, YamlError> {
    yaml::to_string(&Document(outcomes), "the tree")
}

struct Document<'a>(&'a [ClusterOutcome]);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("apiVersion", crate::output::document::API_VERSION)?;
        map.serialize_entry("kind", "Tree")?;
        map.serialize_entry("clusters", &Clusters(self.0))?;
        map.end()
    }
}

struct Clusters<'a>(&'a [ClusterOutcome]);

impl Serialize for Clusters<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for outcome in self.0 {
            map.serialize_entry(&outcome.context, &ClusterDoc(outcome))?;
        }
        map.end()
    }
}

struct ClusterDoc<'a>(&'a ClusterOutcome);

impl Serialize for ClusterDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match &self.0.result {
            Ok(tree) => {
                if let Some(runtime) = &tree.runtime {
                    map.serialize_entry("runtime", runtime)?;
                }
                map.serialize_entry("root", &NodeDoc(&tree.root))?;
                map.serialize_entry("summary", &SummaryDoc(&tree.summary))?;
                if !tree.warnings.is_empty() {
                    map.serialize_entry("warnings", &tree.warnings)?;
                }
            }
            Err(e) => map.serialize_entry("error", &super::error_chain(e))?,
        }
        map.end()
    }
}

struct SummaryDoc<'a>(&'a Summary);

impl Serialize for SummaryDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("total", &self.0.total())?;
        // Keys in camelCase like every other document field (`notReady`, not `NotReady`).
        for (word, n) in self.0.entries() {
            map.serialize_entry(&lower_camel(word), &n)?;
        }
        if self.0.drifted() > 0 {
            map.serialize_entry("drifted", &self.0.drifted())?;
        }
        map.end()
    }
}

/// `NotReady` -> `notReady`.
fn lower_camel(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

struct NodeDoc<'a>(&'a Node);

impl Serialize for NodeDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.0;
        let o = &n.object;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("kind", &o.kind)?;
        map.serialize_entry("group", &o.group)?;
        if !o.version.is_empty() {
            map.serialize_entry("version", &o.version)?;
        }
        if !o.namespace.is_empty() {
            map.serialize_entry("namespace", &o.namespace)?;
        }
        map.serialize_entry("name", &o.name)?;
        map.serialize_entry("status", n.status.word())?;
        if let Some(reason) = n.status.reason() {
            map.serialize_entry("reason", reason)?;
        }
        if let Some(message) = n.status.message() {
            map.serialize_entry("message", message)?;
        }
        if let Some(revision) = &n.revision {
            map.serialize_entry("revision", revision)?;
        }
        if n.remote {
            map.serialize_entry("remote", &true)?;
        }
        if n.cycle {
            map.serialize_entry("cycle", &true)?;
        }
        if let Some(domain) = &n.domain {
            map.serialize_entry("domain", domain)?;
        }
        if let Some(component) = &n.component {
            map.serialize_entry("component", component)?;
        }
        if let Some(drift) = &n.drift {
            map.serialize_entry("drift", drift)?;
        }
        if !n.children.is_empty() {
            map.serialize_entry("children", &Children(&n.children))?;
        }
        map.end()
    }
}

struct Children<'a>(&'a [Node]);

impl Serialize for Children<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(NodeDoc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        status::Health,
        tree::model::{ObjRef, Status},
    };

    fn node(kind: &str, ns: &str, name: &str, health: Health) -> Node {
        Node::leaf(
            ObjRef {
                group: if kind == "Kustomization" {
                    "kustomize.toolkit.fluxcd.io".into()
                } else {
                    String::new()
                },
                kind: kind.into(),
                namespace: ns.into(),
                name: name.into(),
                version: "v1".into(),
            },
            Status::Live(health),
        )
    }

    fn sample() -> Node {
        let failed = Health {
            state: State::NotReady,
            reason: Some("BuildFailed".into()),
            message: Some("kustomize build failed\nmore".into()),
        };
        let mut root = node(
            "Kustomization",
            "flux-system",
            "flux-system",
            Health::of(State::Ready),
        );
        let mut apps = node("Kustomization", "flux-system", "apps", failed);
        apps.children = vec![node("ConfigMap", "apps", "a", Health::of(State::Exists))];
        let mut edge = node("Kustomization", "flux-system", "edge", Health::of(State::Ready));
        edge.remote = true;
        edge.children = vec![Node::leaf(
            ObjRef {
                group: String::new(),
                kind: "Namespace".into(),
                namespace: String::new(),
                name: "far".into(),
                version: "v1".into(),
            },
            Status::Remote,
        )];
        root.children = vec![apps, edge];
        root
    }

    #[test]
    fn draws_flux_glyphs_with_an_aligned_status_column() {
        assert_eq!(
            tree(&sample(), Paint::plain()),
            "\
Kustomization/flux-system/flux-system  Ready
├── Kustomization/flux-system/apps     NotReady (BuildFailed)  kustomize build failed
│   └── ConfigMap/apps/a               Exists
└── Kustomization/flux-system/edge     Ready  [remote cluster]
    └── Namespace/far                  Remote
"
        );
    }

    #[test]
    fn colours_only_when_asked() {
        let coloured = tree(&sample(), Paint::new(true));
        assert!(coloured.contains("\u{1b}["));
        assert!(!tree(&sample(), Paint::plain()).contains('\u{1b}'));
    }

    #[test]
    fn keos_domain_labels_annotate_the_tree_and_add_table_columns() {
        let mut root = node(
            "Kustomization",
            "flux-system",
            "apps-components",
            Health::of(State::Ready),
        );
        let mut app = node("Kustomization", "data", "apps-pg", Health::of(State::Ready));
        app.domain = Some("apps".into());
        app.component = Some("pg".into());
        root.children = vec![app];
        assert_eq!(
            tree(&root, Paint::plain()),
            "\
Kustomization/flux-system/apps-components  Ready
└── Kustomization/data/apps-pg             Ready  [domain apps, component pg]
"
        );
        let out = table(&root, Paint::plain(), None);
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0].contains("DOMAIN") && lines[0].contains("COMPONENT"),
            "{out}"
        );
        assert!(lines[2].contains("apps") && lines[2].contains("pg"), "{out}");
        assert!(!table(&sample(), Paint::plain(), None).contains("DOMAIN"));
    }

    #[test]
    fn drift_shows_on_the_node_in_every_format_and_in_the_summary() {
        use crate::tree::drift::{Change, Drift, DriftRules};
        let mut root = sample();
        root.children[0].children[0].drift = Some(Box::new(Drift {
            changes: vec![Change {
                manager: "kubectl-edit".into(),
                fields: vec!["data.b".into()],
            }],
        }));
        assert_eq!(
            tree(&root, Paint::plain()).lines().nth(2),
            Some("│   └── ConfigMap/apps/a               Exists  Drifted (kubectl-edit: data.b)")
        );
        let out = table(&root, Paint::plain(), None);
        assert!(
            out.lines()
                .nth(3)
                .is_some_and(|l| l.trim_end().ends_with("Drifted (kubectl-edit: data.b)")),
            "{out}"
        );
        let summary = Summary::of(&root);
        assert_eq!(
            summary.line(),
            "5 objects: 2 Ready, 1 NotReady, 1 Exists, 1 Remote; 1 drifted"
        );
        let outcome = ClusterOutcome {
            context: "staging".into(),
            result: Ok(crate::tree::ClusterTree {
                root: root.clone(),
                summary,
                warnings: Vec::new(),
                stats: Default::default(),
                runtime: None,
            }),
        };
        let doc: serde_json::Value = serde_json::from_str(&json(&[outcome]).expect("renders")).expect("json");
        let cluster = &doc["clusters"]["staging"];
        assert_eq!(cluster["summary"]["drifted"], 1);
        assert_eq!(
            cluster["root"]["children"][0]["children"][0]["drift"],
            serde_json::json!([{"manager": "kubectl-edit", "fields": ["data.b"]}])
        );
        assert!(cluster["root"].get("drift").is_none());
        root.allow_drift(&DriftRules::with(&["kubectl-edit:data".into()]).expect("valid"));
        assert_eq!(Summary::of(&root).drifted(), 0);
    }

    #[test]
    fn table_indents_by_depth() {
        let out = table(&sample(), Paint::plain(), None);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("KIND"), "{out}");
        assert!(lines[2].starts_with("  Kustomization"), "{out}");
        assert!(lines[3].starts_with("    ConfigMap"), "{out}");
        assert!(lines[2].contains("kustomize build failed"), "{out}");
    }
}
