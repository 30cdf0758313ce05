//! The subset of `kustomize build` a classic `clusters/CLUSTER/flux-system/` directory uses:
//! `resources` (files and sub-directories with their own kustomization) and `patches` (inline or by
//! path; JSON 6902 or strategic merge; targets by group, version, kind, name and namespace regex,
//! label and annotation selectors). That is what `flux bootstrap` and the multi-tenancy guides
//! write. Anything else is refused with the field named, rather than built wrong.
//!
//! Strategic merge follows the Kubernetes rules for the shapes these patches touch: mappings merge,
//! `null` deletes a key, lists of named items (containers, volumes, env) merge by `name`, other lists
//! are replaced, and `$patch: delete` removes the object.

use std::path::{Path, PathBuf};

use regex::Regex;
use serde_json::{Map, Value};

use super::{BootstrapError, files::read};
use crate::{
    error::Result,
    manifests::{pointer, yaml},
    repo::FleetRepo,
};

const SUPPORTED: &[&str] = &["apiVersion", "kind", "resources", "patches"];

fn err(path: &Path, reason: impl Into<String>) -> BootstrapError {
    BootstrapError::Kustomize {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn kustomization_file(repo: &FleetRepo, dir: &Path) -> Option<PathBuf> {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| repo.path(p).is_file())
}

/// Builds the kustomization in `dir` (repository-relative) into a list of objects.
pub fn build(repo: &FleetRepo, dir: &Path) -> Result<Vec<Value>> {
    build_depth(repo, dir, 0)
}

fn build_depth(repo: &FleetRepo, dir: &Path, depth: usize) -> Result<Vec<Value>> {
    let Some(file) = kustomization_file(repo, dir) else {
        return Err(err(dir, "no kustomization.yaml").into());
    };
    if depth > 10 {
        return Err(err(&file, "resources nest more than 10 levels deep").into());
    }
    let text = read(repo, &file)?;
    let k: Value = yaml::from_str(&text, &file.display().to_string())?;
    let Some(map) = k.as_object() else {
        return Err(err(&file, "not a mapping").into());
    };
    for key in map.keys() {
        if !SUPPORTED.contains(&key.as_str()) {
            return Err(err(
                &file,
                format!(
                    "field '{key}' is not supported by kubectl fleet bootstrap (supported: {}); \
                     build the directory with kustomize and apply it yourself",
                    SUPPORTED.join(", ")
                ),
            )
            .into());
        }
    }
    let mut objects = Vec::new();
    for r in map
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(r) = r.as_str() else {
            return Err(err(&file, "resources must be strings").into());
        };
        if r.contains("://") || r.starts_with("github.com/") {
            return Err(err(&file, format!("remote resource '{r}' is not supported")).into());
        }
        let rel = dir.join(r);
        if repo.path(&rel).is_dir() {
            objects.extend(build_depth(repo, &rel, depth + 1)?);
        } else {
            let text = read(repo, &rel)?;
            objects.extend(yaml::objects_from_multi_doc(&text, &rel.display().to_string())?);
        }
    }
    for (i, p) in map
        .get("patches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        apply_patch(repo, dir, &file, i, p, &mut objects)?;
    }
    Ok(objects)
}

fn apply_patch(
    repo: &FleetRepo,
    dir: &Path,
    file: &Path,
    index: usize,
    entry: &Value,
    objects: &mut Vec<Value>,
) -> Result<()> {
    let at = |reason: String| err(file, format!("patches[{index}]: {reason}"));
    if let Some(extra) = entry.as_object().and_then(|m| {
        m.keys()
            .find(|k| !matches!(k.as_str(), "patch" | "path" | "target"))
    }) {
        return Err(at(format!("field '{extra}' is not supported")).into());
    }
    let (text, origin) = match (entry.get("patch"), entry.get("path")) {
        (Some(Value::String(t)), None) => (t.clone(), format!("{} patches[{index}]", file.display())),
        (None, Some(Value::String(p))) => {
            let rel = dir.join(p);
            (read(repo, &rel)?, rel.display().to_string())
        }
        _ => return Err(at("needs exactly one of 'patch' (inline) or 'path'".into()).into()),
    };
    let patch: Value = yaml::from_str(&text, &origin)?;
    let target = entry.get("target").map(Target::parse).transpose().map_err(at)?;
    match &patch {
        Value::Array(ops) => {
            let Some(target) = target else {
                return Err(at("a JSON 6902 patch needs a target".into()).into());
            };
            // Like kustomize, a target that selects nothing is not an error (a controller the
            // cluster does not run).
            for obj in objects.iter_mut().filter(|o| target.matches(o)) {
                for (n, op) in ops.iter().enumerate() {
                    json6902(obj, op).map_err(|r| at(format!("operation {n}: {r}")))?;
                }
            }
        }
        Value::Object(_) => {
            let explicit = target.is_some();
            let target = match target {
                Some(t) => t,
                None => Target::from_patch(&patch).map_err(at)?,
            };
            let delete = patch.get("$patch").and_then(Value::as_str) == Some("delete");
            let mut matched = false;
            let mut kept = Vec::with_capacity(objects.len());
            for mut obj in objects.drain(..) {
                if target.matches(&obj) {
                    matched = true;
                    if delete {
                        continue;
                    }
                    let mut body = patch.clone();
                    // With a target, the patch's own identity (e.g. `name: all`) is not applied.
                    if let Some(m) = body.as_object_mut() {
                        m.remove("apiVersion");
                        m.remove("kind");
                        if let Some(meta) = m.get_mut("metadata").and_then(Value::as_object_mut) {
                            meta.remove("name");
                            meta.remove("namespace");
                        }
                    }
                    strategic_merge(&mut obj, &body);
                }
                kept.push(obj);
            }
            *objects = kept;
            // Without a target the patch names its object, which must exist (as in kustomize).
            if !matched && !explicit {
                return Err(at(format!("target {} matches no object", target.describe())).into());
            }
        }
        _ => return Err(at("a patch is a list (JSON 6902) or a mapping (strategic merge)".into()).into()),
    }
    Ok(())
}

/// A patch target.
struct Target {
    group: Option<String>,
    version: Option<String>,
    kind: Option<String>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Vec<(String, String, bool)>,
    annotations: Vec<(String, String, bool)>,
    text: String,
}

fn anchored(pattern: &str) -> std::result::Result<Regex, String> {
    // kustomize matches names and namespaces as anchored regular expressions.
    Regex::new(&format!("^(?:{pattern})$")).map_err(|e| format!("invalid target pattern '{pattern}': {e}"))
}

fn selector(text: &str) -> std::result::Result<Vec<(String, String, bool)>, String> {
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|term| {
            let term = term.trim();
            if let Some((k, v)) = term.split_once("!=") {
                Ok((k.trim().to_string(), v.trim().to_string(), false))
            } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                Ok((k.trim().to_string(), v.trim().to_string(), true))
            } else {
                Err(format!(
                    "unsupported selector term '{term}' (use key=value or key!=value)"
                ))
            }
        })
        .collect()
}

impl Target {
    fn parse(v: &Value) -> std::result::Result<Target, String> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        Ok(Target {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
            name: s("name").map(|n| anchored(&n)).transpose()?,
            namespace: s("namespace").map(|n| anchored(&n)).transpose()?,
            labels: s("labelSelector")
                .map(|l| selector(&l))
                .transpose()?
                .unwrap_or_default(),
            annotations: s("annotationSelector")
                .map(|l| selector(&l))
                .transpose()?
                .unwrap_or_default(),
            text: serde_json::to_string(v).unwrap_or_default(),
        })
    }

    fn from_patch(p: &Value) -> std::result::Result<Target, String> {
        let kind = p.get("kind").and_then(Value::as_str);
        let name = p.pointer("/metadata/name").and_then(Value::as_str);
        match (kind, name) {
            (Some(kind), Some(name)) => Target::parse(&serde_json::json!({
                "kind": kind,
                "name": regex::escape(name),
            })),
            _ => Err("a strategic merge patch without a target needs kind and metadata.name".into()),
        }
    }

    fn describe(&self) -> String {
        self.text.clone()
    }

    fn matches(&self, obj: &Value) -> bool {
        let api = obj.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let (group, version) = api.split_once('/').unwrap_or(("", api));
        let str_at = |p: &str| pointer::str_at(obj, p).unwrap_or_default();
        let map_match = |pointer: &str, terms: &[(String, String, bool)]| {
            terms.iter().all(|(k, v, eq)| {
                let actual = obj
                    .pointer(pointer)
                    .and_then(|m| m.get(k))
                    .and_then(Value::as_str);
                (actual == Some(v.as_str())) == *eq
            })
        };
        self.group.as_deref().is_none_or(|g| g == group)
            && self.version.as_deref().is_none_or(|v| v == version)
            && self.kind.as_deref().is_none_or(|k| k == str_at("/kind"))
            && self
                .name
                .as_ref()
                .is_none_or(|r| r.is_match(str_at("/metadata/name")))
            && self
                .namespace
                .as_ref()
                .is_none_or(|r| r.is_match(str_at("/metadata/namespace")))
            && map_match("/metadata/labels", &self.labels)
            && map_match("/metadata/annotations", &self.annotations)
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Resolves a JSON pointer to the parent container and the last token.
fn parent<'a>(doc: &'a mut Value, path: &str) -> std::result::Result<(&'a mut Value, String), String> {
    if !path.starts_with('/') {
        return Err(format!("path '{path}' must start with '/'"));
    }
    let tokens: Vec<String> = path[1..].split('/').map(unescape).collect();
    let (last, init) = tokens
        .split_last()
        .ok_or_else(|| format!("empty path '{path}'"))?;
    let mut cur = doc;
    for t in init {
        cur = match cur {
            Value::Object(m) => m
                .get_mut(t)
                .ok_or_else(|| format!("path '{path}': '{t}' not found"))?,
            Value::Array(a) => {
                let i: usize = t
                    .parse()
                    .map_err(|_| format!("path '{path}': '{t}' is not an index"))?;
                a.get_mut(i)
                    .ok_or_else(|| format!("path '{path}': index {i} out of range"))?
            }
            _ => return Err(format!("path '{path}': '{t}' is not in a mapping or list")),
        };
    }
    Ok((cur, last.clone()))
}

/// Applies one RFC 6902 operation (add, remove, replace, test).
fn json6902(doc: &mut Value, op: &Value) -> std::result::Result<(), String> {
    let kind = op.get("op").and_then(Value::as_str).unwrap_or_default();
    let path = op.get("path").and_then(Value::as_str).ok_or("missing 'path'")?;
    let value = op.get("value").cloned();
    let (container, last) = parent(doc, path)?;
    match (kind, container) {
        ("add", Value::Object(m)) => {
            m.insert(last, value.ok_or("missing 'value'")?);
        }
        ("add", Value::Array(a)) => {
            let v = value.ok_or("missing 'value'")?;
            if last == "-" {
                a.push(v);
            } else {
                let i: usize = last.parse().map_err(|_| format!("'{last}' is not an index"))?;
                if i > a.len() {
                    return Err(format!("index {i} out of range"));
                }
                a.insert(i, v);
            }
        }
        ("replace", Value::Object(m)) => {
            if !m.contains_key(&last) {
                return Err(format!("path '{path}' does not exist"));
            }
            m.insert(last, value.ok_or("missing 'value'")?);
        }
        ("replace", Value::Array(a)) => {
            let i: usize = last.parse().map_err(|_| format!("'{last}' is not an index"))?;
            let slot = a
                .get_mut(i)
                .ok_or_else(|| format!("path '{path}' does not exist"))?;
            *slot = value.ok_or("missing 'value'")?;
        }
        ("remove", Value::Object(m)) => {
            m.shift_remove(&last)
                .ok_or_else(|| format!("path '{path}' does not exist"))?;
        }
        ("remove", Value::Array(a)) => {
            let i: usize = last.parse().map_err(|_| format!("'{last}' is not an index"))?;
            if i >= a.len() {
                return Err(format!("path '{path}' does not exist"));
            }
            a.remove(i);
        }
        ("test", c) => {
            let actual = match c {
                Value::Object(m) => m.get(&last),
                Value::Array(a) => last.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            };
            if actual != value.as_ref() {
                return Err(format!("test failed at '{path}'"));
            }
        }
        (other, _) if !["add", "replace", "remove"].contains(&other) => {
            return Err(format!(
                "operation '{other}' is not supported (add, remove, replace, test)"
            ));
        }
        _ => return Err(format!("path '{path}' does not point into a mapping or list")),
    }
    Ok(())
}

fn named_items(list: &[Value]) -> bool {
    !list.is_empty()
        && list
            .iter()
            .all(|v| v.get("name").and_then(Value::as_str).is_some())
}

/// Strategic merge of `patch` into `base`.
pub fn strategic_merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => merge_maps(b, p),
        (b, p) => *b = p.clone(),
    }
}

fn merge_maps(base: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, pv) in patch {
        if k.starts_with("$patch") || k.starts_with("$setElementOrder") {
            continue;
        }
        if pv.is_null() {
            base.shift_remove(k);
            continue;
        }
        match (base.get_mut(k), pv) {
            (Some(Value::Object(bm)), Value::Object(pm)) => merge_maps(bm, pm),
            (Some(Value::Array(bl)), Value::Array(pl))
                if named_items(pl) && (bl.is_empty() || named_items(bl)) =>
            {
                for item in pl {
                    let name = item.get("name").and_then(Value::as_str);
                    let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                    match bl
                        .iter()
                        .position(|b| b.get("name").and_then(Value::as_str) == name)
                    {
                        Some(i) if delete => {
                            bl.remove(i);
                        }
                        Some(i) => strategic_merge(&mut bl[i], item),
                        None if delete => {}
                        None => bl.push(item.clone()),
                    }
                }
            }
            _ => {
                base.insert(k.clone(), pv.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json6902_appends_replaces_and_removes() {
        let mut d = json!({"spec": {"args": ["a"], "volumes": [{"name": "x"}]}});
        json6902(
            &mut d,
            &json!({"op": "add", "path": "/spec/args/-", "value": "b"}),
        )
        .expect("add");
        json6902(
            &mut d,
            &json!({"op": "add", "path": "/spec/args/0", "value": "z"}),
        )
        .expect("insert");
        json6902(
            &mut d,
            &json!({"op": "replace", "path": "/spec/volumes/0", "value": {"name": "temp"}}),
        )
        .expect("replace");
        json6902(
            &mut d,
            &json!({"op": "add", "path": "/spec/serviceAccountName", "value": "k"}),
        )
        .expect("add key");
        assert_eq!(
            d,
            json!({"spec": {"args": ["z", "a", "b"], "volumes": [{"name": "temp"}], "serviceAccountName": "k"}})
        );
        assert!(
            json6902(
                &mut d,
                &json!({"op": "replace", "path": "/spec/nope", "value": 1})
            )
            .is_err()
        );
        assert!(json6902(&mut d, &json!({"op": "move", "path": "/spec/args", "from": "/x"})).is_err());
        json6902(&mut d, &json!({"op": "remove", "path": "/spec/args/1"})).expect("remove");
        assert_eq!(d["spec"]["args"], json!(["z", "b"]));
    }

    #[test]
    fn strategic_merge_merges_containers_by_name() {
        let mut d = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "manager", "image": "x", "resources": {"requests": {"cpu": "1"}}},
            {"name": "sidecar"}
        ]}}}});
        strategic_merge(
            &mut d,
            &json!({"spec": {"template": {"spec": {"containers": [
                {"name": "manager", "resources": {"limits": {"cpu": "2000m"}}}
            ]}}}}),
        );
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"][0],
            json!({"name": "manager", "image": "x", "resources": {"requests": {"cpu": "1"}, "limits": {"cpu": "2000m"}}})
        );
        assert_eq!(d["spec"]["template"]["spec"]["containers"][1]["name"], "sidecar");
    }

    #[test]
    fn targets_match_anchored_regexes_and_selectors() {
        let t =
            Target::parse(&json!({"kind": "Deployment", "name": "(kustomize-controller|helm-controller)"}))
                .expect("parses");
        let d = |n: &str| json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": n}});
        assert!(t.matches(&d("helm-controller")));
        assert!(!t.matches(&d("helm-controller-2")));
        let l =
            Target::parse(&json!({"labelSelector": "toolkit.fluxcd.io/role=automation"})).expect("parses");
        assert!(l.matches(&json!({"metadata": {"labels": {"toolkit.fluxcd.io/role": "automation"}}})));
        assert!(!l.matches(&d("x")));
    }
}
