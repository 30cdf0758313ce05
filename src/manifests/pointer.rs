//! JSON-pointer (RFC 6901) access to manifests held as `serde_json::Value`: typed reads, and a
//! write that creates missing mappings and keeps every existing key where it is, so a generator
//! that re-targets a file someone edited by hand never reorders it.
//!
//! `serde_json::Value::pointer` reads; it cannot create the path it writes to, and removing a key
//! with it would move the keys after it (`remove` on an ordered map swaps). Every area reads and
//! writes manifest fields through these few functions instead of its own copies.

use serde_json::{Map, Value};

/// The string at `pointer`, if there is one.
pub fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// The string at `pointer`, owned.
pub fn string_at(v: &Value, pointer: &str) -> Option<String> {
    str_at(v, pointer).map(str::to_string)
}

/// The boolean at `pointer`, if there is one.
pub fn bool_at(v: &Value, pointer: &str) -> Option<bool> {
    v.pointer(pointer).and_then(Value::as_bool)
}

/// The `kind` of an object (empty when it has none).
pub fn kind(v: &Value) -> &str {
    str_at(v, "/kind").unwrap_or_default()
}

/// Escapes one key for use in a pointer (`app.kubernetes.io/name` → `app.kubernetes.io~1name`).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Sets (or, with `None`, removes) the value at `pointer`, creating intermediate mappings (a
/// non-mapping in the way is replaced by one). Existing keys keep their position; removing a path
/// that does not exist changes nothing.
pub fn set(obj: &mut Value, pointer: &str, value: Option<Value>) {
    let parts: Vec<String> = pointer
        .trim_start_matches('/')
        .split('/')
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = parts.split_last() else {
        return;
    };
    let mut cur = obj;
    for p in parents {
        if !cur.is_object() {
            if value.is_none() {
                return;
            }
            *cur = Value::Object(Map::new());
        }
        let Some(map) = cur.as_object_mut() else { return };
        if value.is_none() && !map.contains_key(p) {
            return;
        }
        cur = map.entry(p.clone()).or_insert_with(|| Value::Object(Map::new()));
    }
    if !cur.is_object() {
        if value.is_none() {
            return;
        }
        *cur = Value::Object(Map::new());
    }
    let Some(map) = cur.as_object_mut() else { return };
    match value {
        Some(v) => {
            map.insert(last.clone(), v);
        }
        None => {
            map.shift_remove(last);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn set_keeps_order_creates_paths_and_removes() {
        let mut v = json!({"a": 1, "b": {"c": 2}});
        set(&mut v, "/a", Some(json!(3)));
        set(&mut v, "/b/d~1e", Some(json!(4)));
        set(&mut v, "/b/c", None);
        set(&mut v, "/x/y", None);
        assert_eq!(
            serde_json::to_string(&v).expect("json"),
            r#"{"a":3,"b":{"d/e":4}}"#
        );
        set(&mut v, "/n/m", Some(json!(true)));
        assert_eq!(bool_at(&v, "/n/m"), Some(true));
    }

    #[test]
    fn removing_below_a_scalar_leaves_it() {
        let mut v = json!({"a": "text"});
        set(&mut v, "/a/b", None);
        assert_eq!(v, json!({"a": "text"}));
    }

    #[test]
    fn reads_and_escapes() {
        let v = json!({"kind": "Deployment", "metadata": {"labels": {"app.kubernetes.io/name": "x"}}});
        assert_eq!(kind(&v), "Deployment");
        let p = format!("/metadata/labels/{}", escape("app.kubernetes.io/name"));
        assert_eq!(str_at(&v, &p), Some("x"));
        assert_eq!(string_at(&v, "/metadata/missing"), None);
        assert_eq!(kind(&json!({})), "");
    }
}
