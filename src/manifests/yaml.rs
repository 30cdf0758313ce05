//! The only place that calls the YAML library (serde-saphyr, the crate kube-rs itself uses).
//!
//! Keeping every call here means the bytes we emit are pinned by the golden tests in one spot, and
//! switching libraries touches one file. Output is deterministic: values are emitted in insertion
//! order (serde_json's `preserve_order`), two-space indentation, compact lists as kubectl writes
//! them, multi-line strings as literal blocks and long strings never folded.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// Reading or writing YAML failed.
#[derive(Debug, thiserror::Error)]
pub enum YamlError {
    /// A document could not be parsed.
    #[error("failed to parse YAML in {origin}")]
    Parse {
        /// Where the text came from (a path, "stdin", a URL).
        origin: String,
        #[source]
        source: Box<serde_saphyr::Error>,
    },
    /// A value could not be serialized.
    #[error("failed to serialize {what} as YAML")]
    Emit {
        /// What was being serialized.
        what: String,
        #[source]
        source: Box<serde_saphyr::SerializeError>,
    },
    /// A document is not a Kubernetes object (no apiVersion/kind, or not a mapping).
    #[error("document {index} in {origin} is not a Kubernetes object: {reason}")]
    NotAnObject {
        /// Where the text came from.
        origin: String,
        /// 1-based document index.
        index: usize,
        /// What is wrong.
        reason: String,
    },
}

fn options() -> serde_saphyr::SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        compact_list_indent: true,
        prefer_block_scalars: true,
        // Never fold long single-line strings (URLs, templates): folding changes how they read.
        folded_wrap_chars: 100_000,
    }
}

/// Serializes one value as a YAML document (no leading `---`).
pub fn to_string<T: Serialize>(value: &T, what: &str) -> Result<String, YamlError> {
    let mut out =
        serde_saphyr::to_string_with_options(value, options()).map_err(|source| YamlError::Emit {
            what: what.to_string(),
            source: Box::new(source),
        })?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Serializes several values as a multi-document stream separated by `---`.
pub fn to_multi_doc<T: Serialize>(values: &[T], what: &str) -> Result<String, YamlError> {
    let mut out = String::new();
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&to_string(value, what)?);
    }
    Ok(out)
}

/// Parses one document.
pub fn from_str<T: DeserializeOwned>(text: &str, origin: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str(text).map_err(|source| YamlError::Parse {
        origin: origin.to_string(),
        source: Box::new(source),
    })
}

/// Parses a multi-document stream into JSON values, skipping empty documents.
pub fn from_multi_doc(text: &str, origin: &str) -> Result<Vec<Value>, YamlError> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|source| YamlError::Parse {
        origin: origin.to_string(),
        source: Box::new(source),
    })?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Parses a multi-document stream of Kubernetes objects, checking each has `apiVersion`, `kind`
/// and `metadata.name`, so later steps can rely on them.
pub fn objects_from_multi_doc(text: &str, origin: &str) -> Result<Vec<Value>, YamlError> {
    let docs = from_multi_doc(text, origin)?;
    for (i, doc) in docs.iter().enumerate() {
        let reason = if !doc.is_object() {
            Some("not a mapping".to_string())
        } else if doc
            .get("apiVersion")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            Some("missing apiVersion".to_string())
        } else if doc.get("kind").and_then(Value::as_str).is_none_or(str::is_empty) {
            Some("missing kind".to_string())
        } else if doc
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            Some("missing metadata.name".to_string())
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(YamlError::NotAnObject {
                origin: origin.to_string(),
                index: i + 1,
                reason,
            });
        }
    }
    Ok(docs)
}

/// The result of adding an item to a top-level YAML sequence with [`append_to_sequence`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SequenceEdit {
    /// The item was appended; the full new text.
    Added(String),
    /// The item (or `./item`) is already in the sequence; nothing to change.
    AlreadyPresent,
}

/// A text edit could not be made safely.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The file is not valid YAML to begin with.
    #[error(transparent)]
    Parse(#[from] YamlError),
    /// The key exists with a shape this edit does not handle (an alias, a scalar, a mapping …).
    #[error("cannot add '{item}' to '{key}' in {origin}: {reason}")]
    Unsupported {
        /// The file.
        origin: String,
        /// The top-level key.
        key: String,
        /// The item.
        item: String,
        /// Why.
        reason: String,
    },
}

/// Appends `item` to the top-level sequence `key` (e.g. `resources:` of a kustomization.yaml) by
/// editing the text, so comments, blank lines, key order, quoting and indentation survive — a
/// parse-and-serialize round trip would drop the comments. Handles block sequences (indented or
/// not, with comments between items), flow sequences (`[a, b]`, `[]`), a key with no value, and
/// an absent key (appended at the end). The result is parsed back and must equal the original
/// with exactly one item appended; anything else is refused rather than written.
pub fn append_to_sequence(
    text: &str,
    key: &str,
    item: &str,
    origin: &str,
) -> Result<SequenceEdit, EditError> {
    let before: Value = if text.trim().is_empty() {
        Value::Object(Default::default())
    } else {
        from_str(text, origin)?
    };
    let unsupported = |reason: &str| EditError::Unsupported {
        origin: origin.to_string(),
        key: key.to_string(),
        item: item.to_string(),
        reason: reason.to_string(),
    };
    if !before.is_object() {
        return Err(unsupported("the document is not a mapping"));
    }
    let normalize = |s: &str| s.trim_start_matches("./").to_string();
    match before.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            if items
                .iter()
                .any(|i| i.as_str().map(normalize) == Some(normalize(item)))
            {
                return Ok(SequenceEdit::AlreadyPresent);
            }
        }
        Some(_) => return Err(unsupported("it is not a sequence")),
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let scalar = yaml_scalar(item);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let key_prefix = format!("{key}:");
    let key_line = lines.iter().position(|l| {
        l.starts_with(&key_prefix)
            && l[key_prefix.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace())
    });
    let edited = match key_line {
        None => {
            // No such key: append it at the end, d1 style.
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(newline);
            }
            out.push_str(&format!("{key}:{newline}  - {scalar}{newline}"));
            out
        }
        Some(k) => {
            let line = lines[k];
            let rest = strip_comment(&line[key_prefix.len()..]).trim().to_string();
            if rest.starts_with('[') {
                edit_flow(&lines, k, key_prefix.len(), &scalar)
                    .ok_or_else(|| unsupported("the flow sequence is not closed"))?
            } else if rest.is_empty() {
                edit_block(&lines, k, &scalar, newline)
            } else {
                return Err(unsupported(
                    "its value is not a plain sequence (alias, tag or scalar)",
                ));
            }
        }
    };
    // Prove the edit did exactly what it should before anyone writes it.
    let after: Value = from_str(&edited, origin)?;
    let mut expected = before.clone();
    let seq = match expected.get(key) {
        Some(Value::Array(items)) => {
            let mut items = items.clone();
            items.push(Value::String(item.to_string()));
            items
        }
        _ => vec![Value::String(item.to_string())],
    };
    if let Some(map) = expected.as_object_mut() {
        map.insert(key.to_string(), Value::Array(seq));
    }
    if after != expected {
        return Err(unsupported(
            "the text edit would change more than the sequence; edit the file by hand",
        ));
    }
    Ok(SequenceEdit::Added(edited))
}

/// A plain scalar when that reads back as the same string, otherwise a double-quoted one.
fn yaml_scalar(item: &str) -> String {
    let safe = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_'))
    };
    let ambiguous = matches!(
        item.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || item.chars().all(|c| c.is_ascii_digit() || c == '.');
    if !ambiguous && (safe(item) || item.strip_prefix("./").is_some_and(safe)) {
        item.to_string()
    } else {
        serde_json::to_string(item).unwrap_or_else(|_| format!("\"{item}\""))
    }
}

/// The part of a line before a `#` comment (outside quotes).
fn strip_comment(s: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_ws = true;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev_ws => return &s[..i],
            None => {}
        }
        prev_ws = c.is_whitespace();
    }
    s
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Appends to a block sequence that starts after line `k` (or gives the key its first item).
fn edit_block(lines: &[&str], k: usize, scalar: &str, newline: &str) -> String {
    // The first item decides the indentation and the dash style ("- ", "-   ").
    let mut item_indent: Option<usize> = None;
    let mut dash_prefix = String::from("  - ");
    let mut last_item_end = k; // index of the last line that belongs to an item
    for (i, line) in lines.iter().enumerate().skip(k + 1) {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let content = trimmed.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = indent_of(trimmed);
        match item_indent {
            None => {
                if content.starts_with("- ") || content == "-" {
                    item_indent = Some(indent);
                    let after_dash = &content[1..];
                    let spaces = after_dash.len() - after_dash.trim_start_matches(' ').len();
                    dash_prefix = format!("{}-{}", " ".repeat(indent), " ".repeat(spaces.max(1)));
                    last_item_end = i;
                } else {
                    break;
                }
            }
            Some(ii) => {
                if indent == ii && (content.starts_with("- ") || content == "-") {
                    last_item_end = i;
                } else if indent > ii {
                    // Continuation of the previous item.
                    last_item_end = i;
                } else {
                    break;
                }
            }
        }
    }
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        if i == last_item_end {
            if !line.ends_with('\n') {
                out.push_str(newline);
            }
            out.push_str(&format!("{dash_prefix}{scalar}{newline}"));
        }
    }
    out
}

/// Appends to a flow sequence `[…]` that starts on line `k` after the key.
fn edit_flow(lines: &[&str], k: usize, key_len: usize, scalar: &str) -> Option<String> {
    let text: String = lines.concat();
    let start: usize = lines[..k].iter().map(|l| l.len()).sum::<usize>() + key_len;
    let open = start + text[start..].find('[')?;
    let mut quote: Option<char> = None;
    let mut close = None;
    for (i, c) in text[open + 1..].char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ']' => {
                close = Some(open + 1 + i);
                break;
            }
            None if c == '[' || c == '{' => return None,
            None => {}
        }
    }
    let close = close?;
    let inner = &text[open + 1..close];
    let last = inner.trim_end();
    let mut out = String::with_capacity(text.len() + scalar.len() + 2);
    if last.trim().is_empty() {
        out.push_str(&text[..open + 1]);
        out.push_str(scalar);
        out.push_str(&text[close..]);
    } else {
        let insert_at = open + 1 + last.len();
        out.push_str(&text[..insert_at]);
        if last.ends_with(',') {
            out.push(' ');
        } else {
            out.push_str(", ");
        }
        out.push_str(scalar);
        out.push_str(&text[insert_at..]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn emits_kubectl_like_yaml_in_insertion_order() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "x", "labels": {"toolkit.fluxcd.io/runtime": "true"}},
            "data": {"B": "2", "A": "1"},
            "list": [{"name": "a", "value": "b"}],
        });
        let out = to_string(&v, "test").expect("serializes");
        assert_eq!(
            out,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    toolkit.fluxcd.io/runtime: \"true\"\ndata:\n  B: \"2\"\n  A: \"1\"\nlist:\n- name: a\n  value: b\n"
        );
    }

    #[test]
    fn multiline_strings_are_literal_blocks_and_round_trip() {
        let v = json!({"patch": "- op: add\n  path: /spec/x\n  value: y\n"});
        let out = to_string(&v, "test").expect("serializes");
        assert!(out.starts_with("patch: |"), "{out}");
        let back: Value = from_str(&out, "test").expect("parses");
        assert_eq!(back, v);
    }

    #[test]
    fn multi_doc_round_trip_skips_empty_documents() {
        let text = "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n";
        let docs = objects_from_multi_doc(text, "t").expect("parses");
        assert_eq!(docs.len(), 2);
        let again = to_multi_doc(&docs, "t").expect("emits");
        assert_eq!(from_multi_doc(&again, "t").expect("parses"), docs);
    }

    #[test]
    fn rejects_documents_that_are_not_objects() {
        let err = objects_from_multi_doc("apiVersion: v1\nmetadata:\n  name: a\n", "f.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "document 1 in f.yaml is not a Kubernetes object: missing kind"
        );
    }

    #[test]
    fn parse_errors_name_the_origin() {
        let err = from_multi_doc("a: [b\n", "clusters/x/bad.yaml").unwrap_err();
        assert!(err.to_string().contains("clusters/x/bad.yaml"));
    }

    fn added(text: &str, item: &str) -> String {
        match append_to_sequence(text, "resources", item, "kustomization.yaml").expect("edits") {
            SequenceEdit::Added(t) => t,
            SequenceEdit::AlreadyPresent => panic!("{item} reported as present"),
        }
    }

    #[test]
    fn appends_to_a_block_sequence_keeping_comments_and_order() {
        let text = "# Platform components, in dependency order.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: flux-system\nresources:\n  - rbac.yaml   # cluster-admin for flux-infra\n  # the infra repository\n  - source.yaml\n  - monitoring.yaml\n\n  # - legacy.yaml (disabled)\nlabels:\n  - pairs:\n      toolkit.fluxcd.io/tenant: infra\n";
        let out = added(text, "admission.yaml");
        assert_eq!(
            out,
            "# Platform components, in dependency order.\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: flux-system\nresources:\n  - rbac.yaml   # cluster-admin for flux-infra\n  # the infra repository\n  - source.yaml\n  - monitoring.yaml\n  - admission.yaml\n\n  # - legacy.yaml (disabled)\nlabels:\n  - pairs:\n      toolkit.fluxcd.io/tenant: infra\n"
        );
        assert_eq!(
            append_to_sequence(&out, "resources", "./admission.yaml", "k").expect("edits"),
            SequenceEdit::AlreadyPresent
        );
    }

    #[test]
    fn appends_to_unindented_sequences_and_keeps_crlf() {
        assert_eq!(
            added("resources:\n- a.yaml\n- b.yaml\nlabels: []\n", "c.yaml"),
            "resources:\n- a.yaml\n- b.yaml\n- c.yaml\nlabels: []\n"
        );
        assert_eq!(
            added("resources:\r\n  - a.yaml\r\n", "b.yaml"),
            "resources:\r\n  - a.yaml\r\n  - b.yaml\r\n"
        );
        assert_eq!(
            added("resources:\n  - a.yaml", "b.yaml"),
            "resources:\n  - a.yaml\n  - b.yaml\n"
        );
    }

    #[test]
    fn appends_to_flow_sequences_empty_and_absent_keys() {
        assert_eq!(
            added("resources: [a.yaml, b.yaml] # list\n", "c.yaml"),
            "resources: [a.yaml, b.yaml, c.yaml] # list\n"
        );
        assert_eq!(added("resources: []\n", "c.yaml"), "resources: [c.yaml]\n");
        assert_eq!(
            added("resources: [\n  a.yaml,\n]\n", "c.yaml"),
            "resources: [\n  a.yaml, c.yaml\n]\n"
        );
        assert_eq!(
            added("resources:\n# none yet\nkind: Kustomization\n", "c.yaml"),
            "resources:\n  - c.yaml\n# none yet\nkind: Kustomization\n"
        );
        assert_eq!(
            added("namespace: flux-system # ns\n", "c.yaml"),
            "namespace: flux-system # ns\nresources:\n  - c.yaml\n"
        );
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        let err = append_to_sequence("resources: *list\n", "resources", "a.yaml", "k.yaml");
        assert!(err.is_err());
        let err = append_to_sequence("resources: a.yaml\n", "resources", "b.yaml", "k.yaml").unwrap_err();
        assert!(err.to_string().contains("not a sequence"), "{err}");
        let err = append_to_sequence("resources: [a\n", "resources", "b.yaml", "k.yaml").unwrap_err();
        assert!(err.to_string().contains("k.yaml"), "{err}");
    }
}
