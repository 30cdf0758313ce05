//! The git Secrets Flux reads (basic auth: `username` + `password`), and how we write them: the
//! whole `data` replaced with a resourceVersion precondition, so no stale key survives (the
//! `flux create secret git` pitfall) and a concurrent writer is never silently overwritten.

use std::collections::BTreeMap;

use k8s_openapi::{ByteString, api::core::v1::Secret};
use kube::{
    Api,
    api::{ObjectMeta, PostParams},
};
use serde_json::{Value, json};

use super::Token;
use crate::kube::{ApplyOutcome, KubeError, KubeTarget};

/// Annotation put on every Secret the suite writes from a stored credential, naming that
/// credential, so `token rotate NAME` can find every copy on every cluster.
pub const CREDENTIAL_ANNOTATION: &str = "kubectl-fleet.dev/credential";

/// The label Kyverno (d1) selects tenant Secrets and namespaces by.
pub const TENANT_LABEL: &str = "toolkit.fluxcd.io/tenant";

/// What Secret to write.
#[derive(Clone, Debug)]
pub struct GitSecret {
    /// Secret name (e.g. `flux-system`, `flux-apps`).
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Basic-auth username (`git` for GitHub/GitLab PATs: ignored but must be non-empty).
    pub username: String,
    /// Credential name for the rotation annotation (None when the token came from stdin/env).
    pub credential: Option<String>,
    /// Extra labels (e.g. the tenant label).
    pub labels: BTreeMap<String, String>,
}

/// What an upsert did to one Secret.
pub type SecretOutcome = ApplyOutcome;

impl GitSecret {
    fn data(&self, token: &Token) -> BTreeMap<String, ByteString> {
        BTreeMap::from([
            (
                "password".to_string(),
                ByteString(token.expose().as_bytes().to_vec()),
            ),
            (
                "username".to_string(),
                ByteString(self.username.as_bytes().to_vec()),
            ),
        ])
    }

    fn annotations(&self) -> BTreeMap<String, String> {
        self.credential
            .iter()
            .map(|c| (CREDENTIAL_ANNOTATION.to_string(), c.clone()))
            .collect()
    }
}

/// The Secret as a manifest with the token replaced by a placeholder, for `--dry-run` output.
pub fn git_secret_object(secret: &GitSecret) -> Value {
    let mut metadata = json!({"name": secret.name, "namespace": secret.namespace});
    if !secret.labels.is_empty() {
        metadata["labels"] = json!(secret.labels);
    }
    if let Some(c) = &secret.credential {
        metadata["annotations"] = json!({CREDENTIAL_ANNOTATION: c});
    }
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata,
        "type": "Opaque",
        "stringData": {"username": secret.username, "password": "<redacted>"},
    })
}

/// Creates the Secret, or replaces its whole `data` (merging labels and annotations) with a
/// resourceVersion precondition, retrying on conflict. Unchanged Secrets are not written.
pub async fn upsert_git_secret(
    target: &KubeTarget,
    secret: &GitSecret,
    token: &Token,
) -> Result<SecretOutcome, KubeError> {
    let api: Api<Secret> = Api::namespaced(target.client.clone(), &secret.namespace);
    let what = format!("Secret {}/{}", secret.namespace, secret.name);
    let data = secret.data(token);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let existing = api
            .get_opt(&secret.name)
            .await
            .map_err(|e| target.err(format!("get {what}"), e))?;
        let Some(mut current) = existing else {
            let new = Secret {
                metadata: ObjectMeta {
                    name: Some(secret.name.clone()),
                    namespace: Some(secret.namespace.clone()),
                    labels: (!secret.labels.is_empty()).then(|| secret.labels.clone()),
                    annotations: secret.credential.as_ref().map(|_| secret.annotations()),
                    ..Default::default()
                },
                type_: Some("Opaque".into()),
                data: Some(data.clone()),
                ..Default::default()
            };
            match api
                .create(
                    &PostParams {
                        field_manager: Some(crate::kube::FIELD_MANAGER.into()),
                        ..Default::default()
                    },
                    &new,
                )
                .await
            {
                Ok(_) => return Ok(ApplyOutcome::Created),
                Err(kube::Error::Api(s)) if s.code == 409 && attempt < 5 => continue,
                Err(e) => return Err(target.err(format!("create {what}"), e)),
            }
        };
        let labels = current.metadata.labels.get_or_insert_with(BTreeMap::new);
        let labels_ok = secret.labels.iter().all(|(k, v)| labels.get(k) == Some(v));
        labels.extend(secret.labels.clone());
        let annotations = current.metadata.annotations.get_or_insert_with(BTreeMap::new);
        let annotations_ok = secret
            .annotations()
            .iter()
            .all(|(k, v)| annotations.get(k) == Some(v));
        annotations.extend(secret.annotations());
        let data_ok = current.data.as_ref() == Some(&data) && current.string_data.is_none();
        if data_ok && labels_ok && annotations_ok {
            return Ok(ApplyOutcome::Unchanged);
        }
        current.data = Some(data.clone());
        current.string_data = None;
        // `replace` sends metadata.resourceVersion: the apiserver rejects it with 409 if anyone
        // wrote the Secret since our read, and we retry on fresh data instead of losing their write.
        let pp = PostParams {
            field_manager: Some(crate::kube::FIELD_MANAGER.into()),
            ..Default::default()
        };
        match api.replace(&secret.name, &pp, &current).await {
            Ok(_) => return Ok(ApplyOutcome::Configured),
            Err(kube::Error::Api(s)) if s.code == 409 && attempt < 5 => continue,
            Err(e) => return Err(target.err(format!("update {what}"), e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dry_run_object_never_contains_the_token() {
        let s = GitSecret {
            name: "flux-apps".into(),
            namespace: "flux-system".into(),
            username: "git".into(),
            credential: Some("apps-bot".into()),
            labels: BTreeMap::from([(TENANT_LABEL.to_string(), "apps".to_string())]),
        };
        let obj = git_secret_object(&s);
        assert_eq!(obj["stringData"]["password"], "<redacted>");
        assert_eq!(obj["metadata"]["annotations"][CREDENTIAL_ANNOTATION], "apps-bot");
        assert_eq!(obj["metadata"]["labels"][TENANT_LABEL], "apps");
    }
}
