//! Flux's post-build variable substitution (`spec.postBuild.substituteFrom` of a Kustomization),
//! reproduced for objects we apply ourselves (`tenant create --apply`, bootstrap): kustomize knows
//! nothing of it, kustomize-controller runs it on every built object (`fluxcd/pkg/kustomize`,
//! `SubstituteVariables`, over `fluxcd/pkg/envsubst`).
//!
//! The rules followed:
//!
//! - `${VAR}`, and the defaults `${VAR:=default}` / `${VAR:-default}` (when VAR is unset or empty)
//!   and `${VAR=default}` / `${VAR-default}` (when VAR is unset); a default may itself hold
//!   `${OTHER}`;
//! - `$$` is an escaped `$` (`$${VAR}` is the literal text `${VAR}`), a `$` not followed by `{` is
//!   kept as it is;
//! - an object labelled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled` is left
//!   untouched;
//! - values lose their newlines, as the controller strips them from ConfigMap data;
//! - keys are substituted as well as values (the controller substitutes the object's YAML text).
//!
//! One deliberate difference: Flux replaces an undefined variable without a default by an empty
//! string; we refuse it ([`UndefinedVariables`]), because applying `./components/backend/`
//! instead of an overlay would be silently wrong. The bash string functions envsubst also knows
//! (`${#VAR}`, `${VAR^^}`, `${VAR:1:2}`, `${VAR/a/b}`, `${VAR#p}`) are refused by name rather
//! than applied wrong.

use std::collections::BTreeMap;

use serde_json::Value;

/// The annotation (or label) that turns substitution off for one object.
pub const SUBSTITUTE_ANNOTATION: &str = "kustomize.toolkit.fluxcd.io/substitute";

/// `${VAR}` references the runtime info does not define (or expressions we do not evaluate).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{}{}{}",
    if names.is_empty() { String::new() } else {
        format!("variable(s) {} not defined in ConfigMap {configmap}", names.iter().map(|n| format!("${{{n}}}")).collect::<Vec<_>>().join(", "))
    },
    if names.is_empty() || unsupported.is_empty() { "" } else { "; " },
    if unsupported.is_empty() { String::new() } else {
        format!("{} not supported by kubectl fleet (only ${{VAR}}, ${{VAR:=default}} and ${{VAR:-default}})", unsupported.join(", "))
    }
)]
pub struct UndefinedVariables {
    /// The runtime-info ConfigMap that was read (`namespace/name`).
    pub configmap: String,
    /// The missing variable names, sorted.
    pub names: Vec<String>,
    /// Expressions (bash string functions) we do not evaluate, sorted.
    pub unsupported: Vec<String>,
}

/// Whether an object opts out of substitution.
pub fn disabled(obj: &Value) -> bool {
    ["/metadata/labels", "/metadata/annotations"].iter().any(|p| {
        obj.pointer(p)
            .and_then(|m| m.get(SUBSTITUTE_ANNOTATION))
            .and_then(Value::as_str)
            == Some("disabled")
    })
}

/// Substitutes `${VAR}` in every key and string of `value` the way Flux's post-build
/// substitution does (see the module documentation); `configmap` names the variables' source in
/// errors.
pub fn substitute(
    value: &Value,
    vars: &BTreeMap<String, String>,
    configmap: &str,
) -> Result<Value, UndefinedVariables> {
    if disabled(value) {
        return Ok(value.clone());
    }
    let vars: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.clone(), v.replace('\n', "")))
        .collect();
    let mut problems = Problems::default();
    let out = walk(value, &vars, &mut problems);
    if problems.missing.is_empty() && problems.unsupported.is_empty() {
        Ok(out)
    } else {
        problems.missing.sort();
        problems.missing.dedup();
        problems.unsupported.sort();
        problems.unsupported.dedup();
        Err(UndefinedVariables {
            configmap: configmap.to_string(),
            names: problems.missing,
            unsupported: problems.unsupported,
        })
    }
}

#[derive(Default)]
struct Problems {
    missing: Vec<String>,
    unsupported: Vec<String>,
}

fn walk(value: &Value, vars: &BTreeMap<String, String>, p: &mut Problems) -> Value {
    match value {
        Value::String(s) => Value::String(eval(s, vars, p)),
        Value::Array(items) => Value::Array(items.iter().map(|v| walk(v, vars, p)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (eval(k, vars, p), walk(v, vars, p)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Substitutes one string; `missing` collects undefined variables without a default.
pub fn substitute_str(s: &str, vars: &BTreeMap<String, String>, missing: &mut Vec<String>) -> String {
    let mut p = Problems::default();
    let out = eval(s, vars, &mut p);
    missing.extend(p.missing);
    missing.extend(p.unsupported);
    out
}

fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// The index of the `}` closing the `${` whose body starts at `body`, counting nested `${…}`.
fn closing(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn eval(s: &str, vars: &BTreeMap<String, String>, p: &mut Problems) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos..];
        if let Some(tail) = after.strip_prefix("$$") {
            out.push('$');
            rest = tail;
            continue;
        }
        if let Some(body) = after.strip_prefix("${")
            && let Some(end) = closing(body)
        {
            let expr = &body[..end];
            let name_len = expr
                .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
                .unwrap_or(expr.len());
            let (name, op) = expr.split_at(name_len);
            if is_var_name(name) {
                let value = vars.get(name);
                let text = match op {
                    "" => value.cloned().unwrap_or_else(|| {
                        p.missing.push(name.to_string());
                        format!("${{{expr}}}")
                    }),
                    _ if op.starts_with(":=") || op.starts_with(":-") => match value {
                        Some(v) if !v.is_empty() => v.clone(),
                        _ => eval(&op[2..], vars, p),
                    },
                    _ if op.starts_with('=') || op.starts_with('-') => match value {
                        Some(v) => v.clone(),
                        None => eval(&op[1..], vars, p),
                    },
                    _ => {
                        p.unsupported.push(format!("${{{expr}}}"));
                        format!("${{{expr}}}")
                    }
                };
                out.push_str(&text);
                rest = &body[end + 1..];
                continue;
            }
        }
        out.push('$');
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn vars() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("ENVIRONMENT".to_string(), "staging".to_string()),
            ("GIT_BRANCH".to_string(), "main".to_string()),
            ("EMPTY".to_string(), String::new()),
        ])
    }

    fn one(s: &str) -> (String, Vec<String>) {
        let mut missing = Vec::new();
        let out = substitute_str(s, &vars(), &mut missing);
        (out, missing)
    }

    #[test]
    fn substitutes_like_flux_post_build() {
        assert_eq!(
            one("./components/backend/${ENVIRONMENT}").0,
            "./components/backend/staging"
        );
        assert_eq!(one("${REGION:=eu}-${GIT_BRANCH}").0, "eu-main");
        assert_eq!(one("${REGION:-us}").0, "us");
        assert_eq!(one("${EMPTY:-x}").0, "x", ":- replaces an empty value");
        assert_eq!(one("${EMPTY-x}").0, "", "- keeps an empty value");
        assert_eq!(one("${REGION=${GIT_BRANCH}}").0, "main", "nested defaults");
        // envsubst's escapes: `$$` is `$`, a lone `$` stays.
        assert_eq!(one("$${ENVIRONMENT}").0, "${ENVIRONMENT}");
        assert_eq!(
            one("some text ${ENVIRONMENT}$${var$${ENVIRONMENT}$var").0,
            "some text staging${var${ENVIRONMENT}$var"
        );
        assert_eq!(one("cost: $5, {{ .Go }}").0, "cost: $5, {{ .Go }}");
        assert_eq!(
            one("${NOPE}/x"),
            ("${NOPE}/x".to_string(), vec!["NOPE".to_string()])
        );
        assert_eq!(one("${ENVIRONMENT^^}").1, ["${ENVIRONMENT^^}"]);
    }

    #[test]
    fn undefined_variables_are_listed() {
        let doc = json!({"spec": {"path": "./c/${ENVIRONMENT}/${CLUSTER_NAME}", "ref": {"branch": "${GIT_BRANCH}"}, "x": ["${A}", "${CLUSTER_NAME}"]}});
        let err = substitute(&doc, &vars(), "flux-system/flux-runtime-info").unwrap_err();
        assert_eq!(
            err.to_string(),
            "variable(s) ${A}, ${CLUSTER_NAME} not defined in ConfigMap flux-system/flux-runtime-info"
        );
        let err = substitute(&json!({"a": "${ENVIRONMENT#st}"}), &vars(), "cm").unwrap_err();
        assert_eq!(
            err.to_string(),
            "${ENVIRONMENT#st} not supported by kubectl fleet (only ${VAR}, ${VAR:=default} and ${VAR:-default})"
        );
        let ok = substitute(&json!({"p": "${GIT_BRANCH}", "${ENVIRONMENT}": 1}), &vars(), "cm")
            .expect("substitutes");
        assert_eq!(ok, json!({"p": "main", "staging": 1}));
    }

    #[test]
    fn objects_can_opt_out() {
        for meta in ["labels", "annotations"] {
            let obj = json!({"metadata": {meta: {SUBSTITUTE_ANNOTATION: "disabled"}}, "data": {"x": "${UNDEFINED}"}});
            assert_eq!(substitute(&obj, &vars(), "cm").expect("untouched"), obj);
        }
        let multi = BTreeMap::from([("A".to_string(), "a\nb".to_string())]);
        assert_eq!(substitute(&json!("${A}"), &multi, "cm").expect("ok"), json!("ab"));
    }
}
