//! Versioned documents for `-o json|yaml`: every command wraps what it prints in the same envelope
//! (`apiVersion: kubectl-fleet.dev/v1`, a `kind`), so scripts can tell which document and which
//! version they read, and a later change of shape gets a new version instead of breaking them.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The API version of every document kubectl-fleet prints or stores.
pub const API_VERSION: &str = "kubectl-fleet.dev/v1";

/// Wraps `body` in the envelope: its fields follow `apiVersion` and `kind` when it is an object;
/// anything else (a list) becomes `items`.
pub fn envelope<T: Serialize + ?Sized>(kind: &str, body: &T) -> Result<Value> {
    let body = serde_json::to_value(body).map_err(|source| Error::Serialize {
        what: kind.to_string(),
        source,
    })?;
    let mut doc = Map::new();
    doc.insert("apiVersion".into(), Value::String(API_VERSION.into()));
    doc.insert("kind".into(), Value::String(kind.into()));
    match body {
        Value::Object(fields) => {
            for (k, v) in fields {
                if k != "apiVersion" && k != "kind" {
                    doc.insert(k, v);
                }
            }
        }
        other => {
            doc.insert("items".into(), other);
        }
    }
    Ok(Value::Object(doc))
}

/// Renders a document as pretty JSON with a trailing newline.
pub fn to_json(doc: &Value, what: &str) -> Result<String> {
    let mut text = serde_json::to_string_pretty(doc).map_err(|source| Error::Serialize {
        what: what.to_string(),
        source,
    })?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_their_fields_and_lists_become_items() {
        let doc = envelope("TokenList", &serde_json::json!([{"name": "a"}])).expect("doc");
        assert_eq!(
            doc,
            serde_json::json!({"apiVersion": API_VERSION, "kind": "TokenList", "items": [{"name": "a"}]})
        );
        let doc = envelope("Tree", &serde_json::json!({"clusters": {}})).expect("doc");
        let keys: Vec<&String> = doc.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["apiVersion", "kind", "clusters"]);
    }
}
