//! The shared credential writer against a real apiserver: whole-data replacement, no-op reruns,
//! merged labels, and the annotation rotation relies on.

use std::collections::BTreeMap;

use fleet::{
    credentials::{CREDENTIAL_ANNOTATION, GitAuth, GitSecret, TENANT_LABEL, Token, upsert_git_secret},
    kube::ApplyOutcome,
};
use k8s_openapi::{ByteString, api::core::v1::Secret};
use kube::{
    Api,
    api::{ObjectMeta, PostParams},
};

use crate::common::{env, namespace};

#[tokio::test]
async fn upsert_replaces_the_whole_data_and_is_a_noop_when_unchanged() {
    let target = env().target(env().first()).await;
    let ns = namespace(&target, "cred").await;
    let api: Api<Secret> = Api::namespaced(target.client.clone(), &ns);

    // A Secret as `flux create secret git` would have left it after a switch of auth mode: a stale
    // key and a foreign label that must survive.
    let stale = Secret {
        metadata: ObjectMeta {
            name: Some("flux-apps".into()),
            labels: Some(BTreeMap::from([("team".to_string(), "platform".to_string())])),
            ..Default::default()
        },
        data: Some(BTreeMap::from([(
            "bearerToken".to_string(),
            ByteString(b"old".to_vec()),
        )])),
        ..Default::default()
    };
    api.create(&PostParams::default(), &stale)
        .await
        .expect("create stale secret");

    let spec = GitSecret {
        name: "flux-apps".into(),
        namespace: ns.clone(),
        username: "git".into(),
        credential: Some("apps-bot".into()),
        labels: BTreeMap::from([(TENANT_LABEL.to_string(), "apps".to_string())]),
    };
    let token = GitAuth::Token(Token::new("ghp_first").expect("valid"));
    assert_eq!(
        upsert_git_secret(&target, &spec, &token).await.expect("upsert"),
        ApplyOutcome::Configured
    );

    let got = api.get("flux-apps").await.expect("read back");
    let data = got.data.clone().expect("data");
    assert_eq!(
        data.keys().collect::<Vec<_>>(),
        ["password", "username"],
        "stale keys removed"
    );
    assert_eq!(data["password"].0, b"ghp_first");
    let labels = got.metadata.labels.clone().expect("labels");
    assert_eq!(labels.get("team").map(String::as_str), Some("platform"));
    assert_eq!(labels.get(TENANT_LABEL).map(String::as_str), Some("apps"));
    assert_eq!(
        got.metadata.annotations.expect("annotations")[CREDENTIAL_ANNOTATION],
        "apps-bot"
    );

    // Re-running changes nothing: same resourceVersion.
    let rv = got.metadata.resource_version.clone();
    assert_eq!(
        upsert_git_secret(&target, &spec, &token).await.expect("upsert"),
        ApplyOutcome::Unchanged
    );
    assert_eq!(
        api.get("flux-apps")
            .await
            .expect("read")
            .metadata
            .resource_version,
        rv
    );

    // A new token is written; a missing Secret is created.
    let second = GitAuth::Token(Token::new("ghp_second").expect("valid"));
    assert_eq!(
        upsert_git_secret(&target, &spec, &second).await.expect("upsert"),
        ApplyOutcome::Configured
    );
    let other = GitSecret {
        name: "flux-system".into(),
        ..spec.clone()
    };
    assert_eq!(
        upsert_git_secret(&target, &other, &second).await.expect("create"),
        ApplyOutcome::Created
    );
    assert_eq!(
        api.get("flux-system").await.expect("read").data.expect("data")["password"].0,
        b"ghp_second"
    );
}
