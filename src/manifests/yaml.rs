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
}
