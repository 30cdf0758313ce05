//! `kubectl fleet token` without the keyring: the rotation operation (the code path of the
//! binary) on an in-memory keyring and a temporary index against the three real apiservers
//! (annotated Secrets, tenant copies, GitRepositories and a stand-in source-controller), with a
//! failure or a crash injected after every step of its transaction; conflicting writers, RBAC
//! refusal, provider checks against a loopback HTTP server, the golden renderings, and argument
//! errors of the binary. The keyring tier (`tests/keyring`) runs the real binary end to end.

#[path = "../support/token.rs"]
pub(crate) mod support;

use std::{collections::BTreeMap, time::Duration};

use fleet::{
    credentials::{
        CREDENTIAL_ANNOTATION, CredentialMeta, GitAuth, MetaStore, PROPAGATED_FROM_LABEL, Provider,
        ProviderError, TENANT_LABEL, Token, TokenStatus,
        cluster::{
            self, ClusterPlan, ClusterRotation, ObjectKey, RepoState, RotateOptions, SecretTarget,
            SuspiciousSecret,
        },
        meta::{CheckRecord, CheckResult},
        provider::check_token,
        report, rotated_secret,
        rotation::{Operation, RotationState, RotationStore, previous_entry},
        update_secret,
    },
    error::ExitStatus,
    kube::ClusterSelection,
    kube::KubeTarget,
    ops::{
        TargetError, TargetReport,
        token::{
            Checkpoint, RotateMode, RotateOutcome, RotateRequest, RotationRun, Stores,
            report::{
                LIST_KIND, PLAN_KIND, ROTATION_KIND, RotationPlan, RotationReport, plan_table, rotation_table,
            },
            rotate,
        },
    },
    output::{Paint, Recorder, Reporter, document::envelope},
};
use futures::FutureExt;
use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use serde_json::json;
use support::{
    Answer, Call, CrashReporter, FakeProvider, FakeSourceController, FaultyStore, git_repository, git_secret,
    requested_at, secret_data,
};

use crate::{
    common::{Cmd, apply, env, namespace, namespace_everywhere, unique},
    fleet_snapshot,
};

/// A credential in an in-memory keyring (that fails on demand) and a temporary index, rotated on
/// `contexts` through the operation the binary calls.
pub(crate) struct Rig {
    pub(crate) name: String,
    pub(crate) old: String,
    /// The metadata stored with the old token; it has an expiry and a check, which the metadata of
    /// a new token stored with `check: false` has not, so the index shows which token it describes.
    pub(crate) old_meta: CredentialMeta,
    pub(crate) store: FaultyStore,
    pub(crate) metas: MetaStore,
    pub(crate) rotations: RotationStore,
    pub(crate) contexts: Vec<String>,
    pub(crate) kubeconfig: std::path::PathBuf,
    /// The namespace the rotation trusts as every cluster's Flux namespace: the shared test
    /// clusters hold the FluxInstances of many bootstrap tests, so it is named, not found.
    pub(crate) flux_namespace: Option<String>,
    pub(crate) _dir: tempfile::TempDir,
}

impl Rig {
    pub(crate) fn new(prefix: &str, old: &str, contexts: &[String]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let metas = MetaStore::at(dir.path().join("kubectl-fleet"));
        let rotations = RotationStore::new(&metas);
        let name = unique(prefix);
        let old_meta = CredentialMeta {
            expires: Some(ts("2030-01-01T00:00:00Z")),
            last_check: Some(CheckRecord {
                at: ts("2026-01-02T00:00:00Z"),
                result: CheckResult::Valid,
                identity: Some("fleet-bot".into()),
                scopes: None,
                message: None,
                repositories: None,
            }),
            ..CredentialMeta::new(
                Provider::Github,
                "https://api.github.com",
                "fleet-bot",
                ts("2026-01-01T00:00:00Z"),
            )
        };
        let store = FaultyStore::default();
        fleet::credentials::SecretStore::set(&store, &name, &Token::new(old).expect("valid")).expect("set");
        store.calls.lock().expect("lock").clear();
        metas
            .update(|i| {
                i.credentials.insert(name.clone(), old_meta.clone());
                Ok(())
            })
            .expect("index");
        Rig {
            name,
            old: old.into(),
            old_meta,
            store,
            metas,
            rotations,
            contexts: contexts.to_vec(),
            kubeconfig: env().kubeconfig.clone(),
            flux_namespace: None,
            _dir: dir,
        }
    }

    /// The rig trusting `namespace` as the Flux namespace.
    pub(crate) fn trusting(mut self, namespace: &str) -> Self {
        self.flux_namespace = Some(namespace.to_string());
        self
    }

    fn stores(&self) -> Stores<'_> {
        Stores {
            secrets: &self.store,
            metas: &self.metas,
            rotations: &self.rotations,
        }
    }

    fn access(&self, fresh: bool) -> ClusterSelection {
        ClusterSelection {
            kubeconfig: Some(self.kubeconfig.clone()),
            contexts: if fresh { self.contexts.clone() } else { Vec::new() },
            ..ClusterSelection::default()
        }
    }

    pub(crate) async fn run(
        &self,
        mode: RotateMode<'static>,
        wait: bool,
        timeout: Duration,
        reporter: &dyn Reporter,
    ) -> fleet::error::Result<RotateOutcome> {
        let fresh = matches!(mode, RotateMode::Fresh { .. } | RotateMode::SelfRotate(_));
        let req = RotateRequest {
            name: self.name.clone(),
            mode,
            dry_run: false,
            check: false,
            wait,
            timeout,
            interval: Duration::from_millis(250),
            flux_namespace: if fresh { self.flux_namespace.clone() } else { None },
        };
        rotate(req, self.stores(), &self.access(fresh), reporter).await
    }

    /// A dry run of a fresh rotation.
    pub(crate) async fn plan(&self, reporter: &dyn Reporter) -> RotateOutcome {
        let req = RotateRequest {
            name: self.name.clone(),
            mode: fresh("ghp_never_read"),
            dry_run: true,
            check: false,
            wait: false,
            timeout: Duration::from_secs(5),
            interval: Duration::from_millis(250),
            flux_namespace: self.flux_namespace.clone(),
        };
        rotate(req, self.stores(), &self.access(true), reporter)
            .await
            .expect("planned")
    }

    /// Runs a fresh rotation to `new` without waiting for Flux, and returns its completed run.
    async fn rotate_to(&self, new: &str, reporter: &dyn Reporter) -> fleet::error::Result<RotateOutcome> {
        self.run(fresh(new), false, Duration::from_secs(5), reporter)
            .await
    }

    /// Everything local agrees on `expected`: the keyring holds it and no previous token, the
    /// index describes it, and no rotation is left.
    pub(crate) fn assert_settled(&self, expected: &str, why: &str) {
        assert_eq!(
            self.store.value(&self.name).as_deref(),
            Some(expected),
            "{why}: keyring"
        );
        assert_eq!(
            self.store.value(&previous_entry(&self.name)),
            None,
            "{why}: previous token"
        );
        assert_eq!(
            self.rotations.load(&self.name).expect("state"),
            None,
            "{why}: rotation state"
        );
        let meta = self.metas.get(&self.name).expect("index").expect("listed");
        if expected == self.old {
            // A rollback stamps the time it put the old token back; everything else is the old's.
            let restored = CredentialMeta {
                updated: self.old_meta.updated,
                ..meta
            };
            assert_eq!(
                restored, self.old_meta,
                "{why}: the index describes the old token"
            );
        } else {
            assert_eq!(
                (meta.expires, meta.last_check, meta.username.as_str()),
                (None, None, "fleet-bot"),
                "{why}: the index describes the new token"
            );
        }
    }
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().expect("timestamp")
}

pub(crate) fn fresh(token: &str) -> RotateMode<'static> {
    let token = token.to_string();
    RotateMode::Fresh {
        new_token: Box::new(move || async move { Ok(Token::new(token)?) }.boxed()),
    }
}

pub(crate) fn ran(outcome: RotateOutcome) -> RotationRun {
    match outcome {
        RotateOutcome::Ran(run) => run,
        other => panic!("the rotation did not run: {other:?}"),
    }
}

/// The namespaces of one rotation test, named the same on every cluster: the Flux namespace the
/// rotation trusts, and two namespaces of tenant `apps`.
#[derive(Clone)]
struct Fixture {
    system: String,
    tenant: String,
    tenant2: String,
}

impl Fixture {
    async fn namespaces(targets: &[KubeTarget]) -> Self {
        let fx = Fixture {
            system: unique("tok-sys"),
            tenant: unique("tok-app"),
            tenant2: unique("tok-app2"),
        };
        namespace_everywhere(targets, &fx.system, json!({})).await;
        for ns in [&fx.tenant, &fx.tenant2] {
            namespace_everywhere(targets, ns, json!({TENANT_LABEL: "apps"})).await;
        }
        fx
    }
}

/// The objects of one cluster, as bootstrap and `tenant --propagate` leave them.
async fn fixture(target: &KubeTarget, fx: &Fixture, credential: &str, old: &str) {
    let Fixture {
        system,
        tenant,
        tenant2,
    } = fx;
    let mut flux_system = git_secret(system, "flux-system", Some(credential), "fleet-bot", old);
    flux_system["stringData"]["ca.crt"] = json!("-----BEGIN CERTIFICATE-----");
    apply(target, flux_system).await;
    let mut flux_apps = git_secret(system, "flux-apps", Some(credential), "git", old);
    flux_apps["metadata"]["labels"] = json!({TENANT_LABEL: "apps"});
    apply(target, flux_apps).await;
    // The tenant copy made with --propagate: same annotation plus the propagated-from label.
    let mut copy = git_secret(tenant, "flux-apps", Some(credential), "git", old);
    copy["metadata"]["labels"] = json!({PROPAGATED_FROM_LABEL: format!("{system}.flux-apps")});
    apply(target, copy).await;
    // An older copy whose annotation was lost: found through the label alone.
    let mut legacy = git_secret(tenant2, "flux-apps", None, "git", old);
    legacy["metadata"]["labels"] = json!({PROPAGATED_FROM_LABEL: format!("{system}.flux-apps")});
    apply(target, legacy).await;
    // Same token value, but not written from the credential: must stay untouched.
    apply(target, git_secret(system, "hand-made", None, "git", old)).await;
    apply(
        target,
        git_secret(system, "other-bot", Some("other-credential"), "git", old),
    )
    .await;

    apply(
        target,
        git_repository(system, "flux-system", "flux-system", false),
    )
    .await;
    apply(target, git_repository(tenant, "apps", "flux-apps", false)).await;
    apply(target, git_repository(tenant2, "legacy", "flux-apps", false)).await;
    apply(target, git_repository(tenant, "paused", "flux-apps", true)).await;
    apply(target, git_repository(system, "hand-made", "hand-made", false)).await;
}

async fn resource_version(target: &KubeTarget, ns: &str, name: &str) -> Option<String> {
    let api: Api<Secret> = Api::namespaced(target.client.clone(), ns);
    api.get(name).await.expect("get").metadata.resource_version
}

#[tokio::test]
async fn rotation_updates_every_secret_of_the_credential_on_three_clusters_and_waits_for_flux() {
    let (old, new) = ("ghp_OLD_rotation_3c", "ghp_NEW_rotation_3c");
    let mut targets = Vec::new();
    for context in &env().contexts {
        targets.push(env().target(context).await);
    }
    let fx = Fixture::namespaces(&targets).await;
    let rig = Rig::new("fleet-bot", old, &env().contexts).trusting(&fx.system);
    let credential = rig.name.clone();
    let mut clusters = Vec::new();
    for target in targets {
        fixture(&target, &fx, &credential, old).await;
        let fx = fx.clone();
        let controller = FakeSourceController::start(
            target.clone(),
            vec![fx.system.clone(), fx.tenant.clone(), fx.tenant2.clone()],
            new,
        );
        let untouched = (
            resource_version(&target, &fx.system, "hand-made").await,
            resource_version(&target, &fx.system, "other-bot").await,
        );
        clusters.push((target, fx, controller, untouched));
    }

    let rec = Recorder::new();
    let started = std::time::Instant::now();
    let run = ran(rig
        .run(fresh(new), true, Duration::from_secs(60), &rec)
        .await
        .expect("rotated"));
    let took = started.elapsed();
    assert_eq!(run.exit_status(), ExitStatus::Success, "{}", rec.text());
    assert!(run.report.complete);
    assert_eq!(run.report.operation, Operation::Rotate);
    rig.assert_settled(new, "a finished rotation");
    let requested = run.report.requested_at.clone();

    for ((target, fx, controller, untouched), report) in clusters.iter().zip(&run.report.clusters) {
        assert_eq!(report.target, target.context);
        let report = report
            .ok()
            .unwrap_or_else(|| panic!("{}: {:?}", target.context, report.err()));
        let mut names: Vec<String> = report.secrets.iter().map(|s| s.target.key.to_string()).collect();
        names.sort();
        let mut expected = vec![
            format!("{}/flux-apps", fx.system),
            format!("{}/flux-system", fx.system),
            format!("{}/flux-apps", fx.tenant),
            format!("{}/flux-apps", fx.tenant2),
        ];
        expected.sort();
        assert_eq!(names, expected, "{}", target.context);
        assert_eq!(report.updated(), 4);

        // Whole data replaced: new password, username and CA kept, nothing else.
        let data = secret_data(target, &fx.system, "flux-system").await;
        assert_eq!(
            data,
            BTreeMap::from([
                ("ca.crt".to_string(), "-----BEGIN CERTIFICATE-----".to_string()),
                ("password".to_string(), new.to_string()),
                ("username".to_string(), "fleet-bot".to_string()),
            ])
        );
        for (ns, name) in [
            (&fx.system, "flux-apps"),
            (&fx.tenant, "flux-apps"),
            (&fx.tenant2, "flux-apps"),
        ] {
            assert_eq!(
                secret_data(target, ns, name).await["password"],
                new,
                "{ns}/{name}"
            );
        }
        // The label-only copy now carries the annotation too, and keeps its label.
        let api: Api<Secret> = Api::namespaced(target.client.clone(), &fx.tenant2);
        let legacy = api.get("flux-apps").await.expect("get");
        assert_eq!(
            legacy.metadata.annotations.expect("annotated")[CREDENTIAL_ANNOTATION],
            credential
        );
        assert!(
            legacy
                .metadata
                .labels
                .expect("labels")
                .contains_key(PROPAGATED_FROM_LABEL)
        );

        // Secrets not written from this credential are untouched (same resourceVersion).
        assert_eq!(
            (
                resource_version(target, &fx.system, "hand-made").await,
                resource_version(target, &fx.system, "other-bot").await
            ),
            *untouched
        );
        assert_eq!(
            secret_data(target, &fx.system, "hand-made").await["password"],
            old
        );

        // Reconcile requested exactly where the credential is used and the repo is not suspended.
        for (ns, name) in [
            (&fx.system, "flux-system"),
            (&fx.tenant, "apps"),
            (&fx.tenant2, "legacy"),
        ] {
            assert_eq!(
                requested_at(target, ns, name).await.as_deref(),
                Some(requested.as_str())
            );
        }
        assert_eq!(requested_at(target, &fx.tenant, "paused").await, None);
        assert_eq!(requested_at(target, &fx.system, "hand-made").await, None);
        assert_eq!(report.repos_in(RepoState::Ready), 3);
        assert_eq!(report.repos_in(RepoState::Suspended), 1);
        // Every fetch the controller made for our request used the new token.
        let handled = controller.handled.lock().expect("lock").clone();
        assert_eq!(handled.len(), 3, "{handled:?}");
        assert!(
            handled.iter().all(|(_, at, ok)| at == &requested && *ok),
            "{handled:?}"
        );
    }
    let text = rec.text();
    for context in &env().contexts {
        // The command's result table reports each cluster; no status line repeats it.
        assert!(!text.contains(&format!("{context}: 4 Secrets written")), "{text}");
    }
    assert!(!text.contains(old) && !text.contains(new), "{text}");
    eprintln!("rotation of 4 Secrets + 3 GitRepositories on 3 clusters took {took:?}");

    // Applying the same token again writes nothing but still proves Flux fetches with it.
    let (target, fx, ..) = &clusters[0];
    let rv = resource_version(target, &fx.system, "flux-system").await;
    let plan = cluster::plan_cluster(target, &credential, Some(&fx.system))
        .await
        .expect("plan");
    let again = RotateOptions {
        fallback_username: "git".into(),
        wait: true,
        timeout: Duration::from_secs(60),
        interval: Duration::from_millis(250),
        concurrency: 4,
        requested_at: jiff::Timestamp::now().to_string(),
    };
    let token = GitAuth::Token(Token::new(new).expect("valid"));
    let report = cluster::apply_plan(target, &plan, &credential, &token, &again, &|_| {})
        .await
        .expect("applied again");
    assert_eq!(report.updated(), 0);
    assert_eq!(resource_version(target, &fx.system, "flux-system").await, rv);
    assert_eq!(report.repos_in(RepoState::Ready), 3);
}

#[tokio::test]
async fn a_concurrent_write_between_read_and_update_is_retried_and_not_lost() {
    let target = env().target(env().first()).await;
    let ns = namespace(&target, "tok-conflict").await;
    let credential = unique("bot");
    apply(
        &target,
        git_secret(&ns, "flux-system", Some(&credential), "git", "ghp_old_conflict"),
    )
    .await;
    let token = GitAuth::Token(Token::new("ghp_new_conflict").expect("valid"));
    let mut calls = 0;
    let kubectl = env().kubectl.clone();
    let kubeconfig = env().kubeconfig.clone();
    let context = target.context.clone();
    let ns2 = ns.clone();
    let result = update_secret(&target, &ns, "flux-system", |current| {
        calls += 1;
        if calls == 1 {
            // Another client (the real kubectl) writes the Secret after our read and before our
            // update: the apiserver must reject ours with 409.
            let out = std::process::Command::new(&kubectl)
                .arg("--kubeconfig")
                .arg(&kubeconfig)
                .args([
                    "--context",
                    &context,
                    "-n",
                    &ns2,
                    "label",
                    "secret",
                    "flux-system",
                    "team=platform",
                ])
                .output()
                .expect("kubectl runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        rotated_secret(current, &credential, &token, "git")
    })
    .await
    .expect("update succeeds after retrying");
    assert_eq!(result.conflicts, 1, "the first write conflicted");
    assert_eq!(calls, 2, "rebuilt from the fresh object");
    let api: Api<Secret> = Api::namespaced(target.client.clone(), &ns);
    let got = api.get("flux-system").await.expect("get");
    assert_eq!(
        got.metadata
            .labels
            .expect("labels")
            .get("team")
            .map(String::as_str),
        Some("platform"),
        "the concurrent write survived"
    );
    assert_eq!(
        secret_data(&target, &ns, "flux-system").await["password"],
        "ghp_new_conflict"
    );
}

#[tokio::test]
async fn a_repository_that_cannot_fetch_with_the_new_token_fails_the_cluster_and_rollback_undoes_it() {
    let target = env().target(env().first()).await;
    let ns = namespace(&target, "tok-authfail").await;
    let rig = Rig::new("bot", "ghp_old_af", std::slice::from_ref(&target.context)).trusting(&ns);
    apply(
        &target,
        git_secret(&ns, "flux-system", Some(&rig.name), "git", "ghp_old_af"),
    )
    .await;
    apply(&target, git_repository(&ns, "flux-system", "flux-system", false)).await;
    // The git server still only accepts the old token (the new PAT lacks access).
    let _controller = FakeSourceController::start(target.clone(), vec![ns.clone()], "ghp_old_af");
    let rec = Recorder::new();
    let run = ran(rig
        .run(fresh("ghp_new_af"), true, Duration::from_secs(30), &rec)
        .await
        .expect("ran"));
    assert_eq!(run.exit_status(), ExitStatus::Failure);
    assert!(!run.report.complete);
    let error = run.report.clusters[0]
        .err()
        .expect("the cluster failed")
        .message
        .clone();
    assert!(
        error.starts_with(&format!(
            "1 Secret written, but GitRepository {ns}/flux-system failed"
        )),
        "{error}"
    );
    assert!(error.contains("AuthenticationFailed"), "{error}");
    // The rotation stays open: both tokens in the keyring, the cluster recorded as failed.
    assert_eq!(rig.store.value(&rig.name).as_deref(), Some("ghp_new_af"));
    assert_eq!(
        rig.store.value(&previous_entry(&rig.name)).as_deref(),
        Some("ghp_old_af")
    );
    let state = rig.rotations.load(&rig.name).expect("state").expect("unfinished");
    assert_eq!(state.remaining(), std::slice::from_ref(&target.context));

    // Rolling back puts the old token back, and Flux fetches with it again.
    let run = ran(rig
        .run(RotateMode::Rollback, true, Duration::from_secs(30), &rec)
        .await
        .expect("rolled back"));
    assert_eq!(
        run.exit_status(),
        ExitStatus::Success,
        "{:?}",
        run.report.clusters[0].err()
    );
    assert_eq!(run.report.operation, Operation::Rollback);
    assert_eq!(
        run.report.clusters[0]
            .ok()
            .expect("done")
            .repos_in(RepoState::Ready),
        1
    );
    assert_eq!(
        secret_data(&target, &ns, "flux-system").await["password"],
        "ghp_old_af"
    );
    rig.assert_settled("ghp_old_af", "after the rollback");
}

#[tokio::test]
async fn waiting_times_out_when_source_controller_never_handles_the_request() {
    let target = env().target(env().first()).await;
    let ns = namespace(&target, "tok-timeout").await;
    let rig = Rig::new("bot", "ghp_old_to", std::slice::from_ref(&target.context)).trusting(&ns);
    apply(
        &target,
        git_secret(&ns, "flux-system", Some(&rig.name), "git", "ghp_old_to"),
    )
    .await;
    apply(&target, git_repository(&ns, "flux-system", "flux-system", false)).await;
    let rec = Recorder::new();
    let run = ran(rig
        .run(fresh("ghp_new_to"), true, Duration::from_secs(2), &rec)
        .await
        .expect("ran"));
    let error = run.report.clusters[0].err().expect("timed out").message.clone();
    assert!(error.contains("not Ready after 2s"), "{error}");
    // The Secret was still written: --resume only has to wait again.
    assert_eq!(
        secret_data(&target, &ns, "flux-system").await["password"],
        "ghp_new_to"
    );

    let run = ran(rig
        .run(RotateMode::Resume, false, Duration::from_secs(2), &rec)
        .await
        .expect("resumed"));
    assert_eq!(run.exit_status(), ExitStatus::Success);
    let report = run.report.clusters[0].ok().expect("done");
    assert_eq!(report.repos_in(RepoState::Requested), 1);
    assert_eq!(report.updated(), 0, "the Secret already carried the new token");
    rig.assert_settled("ghp_new_to", "after --resume");
}

#[tokio::test]
async fn a_user_who_may_not_read_secrets_is_refused_before_any_change() {
    let admin = env().target(env().first()).await;
    let mut rig = Rig::new("bot", "ghp_old_rbac", std::slice::from_ref(&admin.context));
    rig.kubeconfig = env().restricted_kubeconfig.clone();
    let ns = namespace(&admin, "tok-rbac").await;
    apply(
        &admin,
        git_secret(&ns, "flux-system", Some(&rig.name), "git", "ghp_old_rbac"),
    )
    .await;
    let rec = Recorder::new();
    let outcome = rig
        .run(fresh("ghp_new_rbac"), false, Duration::from_secs(5), &rec)
        .await
        .expect("refused per cluster");
    let RotateOutcome::Unreachable(plan) = &outcome else {
        panic!("nothing can be planned: {outcome:?}");
    };
    assert_eq!(outcome.exit_status(), ExitStatus::Failure);
    let error = plan.clusters[0].err().expect("refused").message.clone();
    assert!(error.contains("list Secrets in all namespaces"), "{error}");
    assert!(error.contains("forbidden"), "{error}");
    assert!(
        rec.text()
            .contains("no selected cluster can be updated: nothing was changed"),
        "{}",
        rec.text()
    );
    assert_eq!(
        secret_data(&admin, &ns, "flux-system").await["password"],
        "ghp_old_rbac"
    );
    assert_eq!(
        *rig.store.calls.lock().expect("lock"),
        [],
        "the keyring was not even read"
    );
    rig.assert_settled("ghp_old_rbac", "after a refused rotation");
}

/// A Flux namespace and a namespace of tenant `crash`, named the same on every cluster.
pub(crate) struct Pair {
    pub(crate) flux: String,
    pub(crate) tenant: String,
}

impl Pair {
    pub(crate) async fn new(targets: &[KubeTarget], prefix: &str) -> Self {
        let pair = Pair {
            flux: unique(prefix),
            tenant: unique(&format!("{prefix}-t")),
        };
        namespace_everywhere(targets, &pair.flux, json!({})).await;
        namespace_everywhere(targets, &pair.tenant, json!({TENANT_LABEL: "crash"})).await;
        pair
    }
}

/// One tenant Secret written from `credential` in the Flux namespace of every cluster, and its
/// copy in the tenant's namespace.
pub(crate) async fn small_fixture(targets: &[KubeTarget], namespaces: &Pair, credential: &str, old: &str) {
    for target in targets {
        let mut source = git_secret(&namespaces.flux, credential, Some(credential), "fleet-bot", old);
        source["metadata"]["labels"] = json!({TENANT_LABEL: "crash"});
        apply(target, source).await;
        let mut copy = git_secret(&namespaces.tenant, credential, None, "git", old);
        copy["metadata"]["labels"] =
            json!({PROPAGATED_FROM_LABEL: format!("{}.{credential}", namespaces.flux)});
        apply(target, copy).await;
    }
}

pub(crate) async fn assert_clusters_hold(
    targets: &[KubeTarget],
    namespaces: &Pair,
    credential: &str,
    expected: &str,
    why: &str,
) {
    for target in targets {
        for ns in [&namespaces.flux, &namespaces.tenant] {
            assert_eq!(
                secret_data(target, ns, credential).await["password"],
                expected,
                "{why}: {}/{ns}/{credential}",
                target.context
            );
        }
    }
}

/// Whether a reported line (of the credential named first) is where a run is killed.
type LineMatch = fn(&str, &str) -> bool;

/// Where a crash stops the first run.
struct CrashPoint {
    what: &'static str,
    /// Whether the new token was already stored (so `--resume` ends with it).
    new_stored: bool,
    /// Whether `--rollback` still can (not once the commit removed the previous token).
    rollback_possible: bool,
    /// Clusters the state records as done when the run is killed (of 3).
    done: usize,
    line: LineMatch,
}

fn crash_points() -> Vec<CrashPoint> {
    fn at(step: Checkpoint) -> impl Fn(&str, &str) -> bool {
        move |name, line| line == step.line(name)
    }
    vec![
        CrashPoint {
            what: "after the state was saved",
            new_stored: false,
            rollback_possible: true,
            done: 0,
            line: |n, l| at(Checkpoint::StateSaved)(n, l),
        },
        CrashPoint {
            what: "after the previous token was kept",
            new_stored: false,
            rollback_possible: true,
            done: 0,
            line: |n, l| at(Checkpoint::PreviousKept)(n, l),
        },
        CrashPoint {
            what: "after the index was updated",
            new_stored: false,
            rollback_possible: true,
            done: 0,
            line: |n, l| at(Checkpoint::MetaUpdated)(n, l),
        },
        CrashPoint {
            what: "after the new token was stored",
            new_stored: true,
            rollback_possible: true,
            done: 0,
            line: |n, l| at(Checkpoint::NewStored)(n, l),
        },
        CrashPoint {
            what: "after the first cluster was done",
            new_stored: true,
            rollback_possible: true,
            done: 1,
            line: |n, l| l.starts_with(&format!("rotation of '{n}': cluster ")),
        },
        CrashPoint {
            what: "after every cluster was done, before the commit",
            new_stored: true,
            rollback_possible: true,
            done: 3,
            line: |n, l| at(Checkpoint::Applied)(n, l),
        },
        CrashPoint {
            what: "half-way through the commit",
            new_stored: true,
            rollback_possible: false,
            done: 3,
            line: |n, l| at(Checkpoint::PreviousRemoved)(n, l),
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_killed_after_any_step_is_settled_by_resume_or_rollback() {
    let mut targets = Vec::new();
    for context in &env().contexts {
        targets.push(env().target(context).await);
    }
    let namespaces = Pair::new(&targets, "tok-crash").await;
    let started = std::time::Instant::now();
    let mut scenarios = 0;
    for point in crash_points() {
        for resume in [true, false] {
            let (old, new) = ("ghp_crash_OLD", "ghp_crash_NEW");
            let rig = Rig::new("crash", old, &env().contexts).trusting(&namespaces.flux);
            let why = format!(
                "killed {} then {}",
                point.what,
                if resume { "--resume" } else { "--rollback" }
            );
            small_fixture(&targets, &namespaces, &rig.name, old).await;

            let name = rig.name.clone();
            let line = point.line;
            let crash = CrashReporter::at(move |l| line(&name, l));
            let killed = std::panic::AssertUnwindSafe(rig.rotate_to(new, &crash))
                .catch_unwind()
                .await;
            assert!(
                killed.is_err() && crash.crashed(),
                "{why}: the crash point was reached"
            );
            let left = rig.rotations.load(&rig.name).expect("state");
            let left = left.unwrap_or_else(|| panic!("{why}: the killed run left its rotation state"));
            assert_eq!(
                left.progress(),
                (point.done, 3),
                "{why}: clusters recorded as done"
            );

            let rec = Recorder::new();
            let mode = if resume {
                RotateMode::Resume
            } else {
                RotateMode::Rollback
            };
            let settled = rig.run(mode, false, Duration::from_secs(5), &rec).await;
            let expected = match (resume, point.new_stored, point.rollback_possible) {
                (true, true, _) => new,
                (true, false, _) => old,
                (false, _, true) => old,
                (false, _, false) => {
                    let err = settled.expect_err("the previous token is gone");
                    assert!(
                        err.to_string().contains("no longer in the keyring"),
                        "{why}: {err}"
                    );
                    // --resume finishes the commit instead.
                    let finished = rig
                        .run(RotateMode::Resume, false, Duration::from_secs(5), &rec)
                        .await
                        .expect("finished");
                    assert_eq!(finished.exit_status(), ExitStatus::Success, "{why}");
                    rig.assert_settled(new, &why);
                    assert_clusters_hold(&targets, &namespaces, &rig.name, new, &why).await;
                    scenarios += 1;
                    continue;
                }
            };
            let outcome = settled.unwrap_or_else(|e| panic!("{why}: {e}\n{}", rec.text()));
            let discarded = matches!(outcome, RotateOutcome::Discarded { .. });
            assert_eq!(discarded, !point.new_stored, "{why}: {outcome:?}");
            let succeeded = !(resume && discarded);
            assert_eq!(
                outcome.exit_status() == ExitStatus::Success,
                succeeded,
                "{why}: {outcome:?}\n{}",
                rec.text()
            );
            rig.assert_settled(expected, &why);
            assert_clusters_hold(&targets, &namespaces, &rig.name, expected, &why).await;
            let text = rec.text() + &crash.recorder.text();
            assert!(!text.contains(old) && !text.contains(new), "{why}: {text}");
            scenarios += 1;
        }
    }
    eprintln!(
        "{scenarios} killed rotations on 3 clusters settled in {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_killed_after_any_step_is_finished_by_the_next_rollback() {
    let mut targets = Vec::new();
    for context in &env().contexts {
        targets.push(env().target(context).await);
    }
    let namespaces = Pair::new(&targets, "tok-rbcrash").await;
    let steps: [(&str, LineMatch); 6] = [
        ("after the state switched to rollback", |n, l| {
            l == Checkpoint::RollbackStarted.line(n)
        }),
        ("after the first cluster was done", |n, l| {
            l.starts_with(&format!("rotation of '{n}': cluster "))
        }),
        ("after every cluster was done", |n, l| {
            l == Checkpoint::Applied.line(n)
        }),
        ("after the previous token was stored under its name", |n, l| {
            l == Checkpoint::TokenRestored.line(n)
        }),
        ("after the previous metadata was restored", |n, l| {
            l == Checkpoint::MetaRestored.line(n)
        }),
        ("after the previous token was removed", |n, l| {
            l == Checkpoint::PreviousRemoved.line(n)
        }),
    ];
    for (what, line) in steps {
        let (old, new) = ("ghp_rbcrash_OLD", "ghp_rbcrash_NEW");
        let rig = Rig::new("rbcrash", old, &env().contexts).trusting(&namespaces.flux);
        let why = format!("a rollback killed {what}");
        small_fixture(&targets, &namespaces, &rig.name, old).await;
        // A rotation left unfinished: every cluster has the new token, the commit never ran.
        let name = rig.name.clone();
        let before_commit = CrashReporter::at(move |l| l == Checkpoint::Applied.line(&name));
        let killed = std::panic::AssertUnwindSafe(rig.rotate_to(new, &before_commit))
            .catch_unwind()
            .await;
        assert!(killed.is_err(), "{why}: the rotation was left unfinished");

        let name = rig.name.clone();
        let crash = CrashReporter::at(move |l| line(&name, l));
        let killed = std::panic::AssertUnwindSafe(rig.run(
            RotateMode::Rollback,
            false,
            Duration::from_secs(5),
            &crash,
        ))
        .catch_unwind()
        .await;
        assert!(
            killed.is_err() && crash.crashed(),
            "{why}: the crash point was reached"
        );
        let left = rig.rotations.load(&rig.name).expect("state").expect("left");
        assert_eq!(left.operation, Operation::Rollback, "{why}");

        let rec = Recorder::new();
        let err = rig
            .run(RotateMode::Resume, false, Duration::from_secs(5), &rec)
            .await
            .expect_err("a rollback is not resumed as a rotation");
        assert!(err.to_string().contains("unfinished rollback"), "{why}: {err}");
        let outcome = rig
            .run(RotateMode::Rollback, false, Duration::from_secs(5), &rec)
            .await
            .unwrap_or_else(|e| panic!("{why}: {e}\n{}", rec.text()));
        assert_eq!(outcome.exit_status(), ExitStatus::Success, "{why}: {outcome:?}");
        rig.assert_settled(old, &why);
        assert_clusters_hold(&targets, &namespaces, &rig.name, old, &why).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_step_is_undone_before_the_rotation_returns_its_error() {
    let target = env().target(env().first()).await;
    let targets = [target.clone()];
    let namespaces = Pair::new(&targets, "tok-fail").await;
    let contexts = [target.context.clone()];
    let (old, new) = ("ghp_fail_OLD", "ghp_fail_NEW");

    // The keyring refuses to keep the previous token, then to store the new one.
    for entry_of in [previous_entry as fn(&str) -> String, |n: &str| n.to_string()] {
        let rig = Rig::new("fail", old, &contexts).trusting(&namespaces.flux);
        small_fixture(&targets, &namespaces, &rig.name, old).await;
        rig.store.fail(Call::Set, &entry_of(&rig.name), 1);
        let err = rig.rotate_to(new, &Recorder::new()).await.expect_err("failed");
        assert!(err.to_string().contains("did not answer within 10s"), "{err}");
        rig.assert_settled(old, &format!("a failed write of {}", entry_of(&rig.name)));
        assert_clusters_hold(&targets, &namespaces, &rig.name, old, "nothing was pushed").await;
    }

    // The index cannot be written (a directory where its temporary file goes).
    let rig = Rig::new("fail", old, &contexts).trusting(&namespaces.flux);
    small_fixture(&targets, &namespaces, &rig.name, old).await;
    let blocker = rig
        .metas
        .index_path()
        .with_extension(format!("tmp.{}", std::process::id()));
    std::fs::create_dir_all(&blocker).expect("blocker");
    let err = rig.rotate_to(new, &Recorder::new()).await.expect_err("failed");
    assert!(err.to_string().contains("failed to write"), "{err}");
    std::fs::remove_dir(&blocker).expect("unblock");
    rig.assert_settled(old, "a failed index write");

    // The state file cannot be written: refused before anything changes.
    let rig = Rig::new("fail", old, &contexts).trusting(&namespaces.flux);
    let blocker = rig
        .rotations
        .path(&rig.name)
        .with_extension(format!("tmp.{}", std::process::id()));
    std::fs::create_dir_all(&blocker).expect("blocker");
    rig.rotate_to(new, &Recorder::new()).await.expect_err("failed");
    std::fs::remove_dir(&blocker).expect("unblock");
    assert_eq!(rig.store.value(&previous_entry(&rig.name)), None);
    rig.assert_settled(old, "a failed state write");

    // Storing the new token fails and so does writing the current one back: the rotation stays
    // open (the keyring may hold either token), and --rollback settles it.
    let rig = Rig::new("fail", old, &contexts).trusting(&namespaces.flux);
    small_fixture(&targets, &namespaces, &rig.name, old).await;
    rig.store.fail(Call::Set, &rig.name, 2);
    let rec = Recorder::new();
    rig.rotate_to(new, &rec).await.expect_err("failed");
    assert!(
        rec.text().contains("--rollback' finishes undoing it"),
        "{}",
        rec.text()
    );
    assert!(rig.rotations.load(&rig.name).expect("state").is_some());
    let outcome = rig
        .run(RotateMode::Rollback, false, Duration::from_secs(5), &rec)
        .await
        .expect("settled");
    assert!(
        matches!(outcome, RotateOutcome::Discarded { resumed: false, .. }),
        "{outcome:?}"
    );
    rig.assert_settled(old, "an undo that failed, then --rollback");

    // The commit cannot remove the previous token: every cluster is done, the run fails with the
    // keyring's error, and --resume finishes the commit.
    let rig = Rig::new("fail", old, &contexts).trusting(&namespaces.flux);
    small_fixture(&targets, &namespaces, &rig.name, old).await;
    rig.store.fail(Call::Delete, &previous_entry(&rig.name), 1);
    let run = ran(rig.rotate_to(new, &Recorder::new()).await.expect("ran"));
    assert!(run.report.complete);
    assert_eq!(run.exit_status(), ExitStatus::Failure);
    let commit_error = run.commit_error.as_ref().expect("the commit failed").to_string();
    assert!(
        commit_error.contains("while trying to delete credential"),
        "{commit_error}"
    );
    let run = ran(rig
        .run(
            RotateMode::Resume,
            false,
            Duration::from_secs(5),
            &Recorder::new(),
        )
        .await
        .expect("resumed"));
    assert_eq!(run.exit_status(), ExitStatus::Success);
    assert!(run.report.clusters.is_empty(), "no cluster was left to do");
    rig.assert_settled(new, "a failed commit, then --resume");
    assert_clusters_hold(
        &targets,
        &namespaces,
        &rig.name,
        new,
        "a failed commit, then --resume",
    )
    .await;
}

#[tokio::test]
async fn provider_checks_read_validity_expiry_and_identity_from_a_loopback_server() {
    let provider = FakeProvider::start();
    provider.answer(
        "ghp_expiring",
        Answer::GithubValid {
            login: "fleet-bot".into(),
            expiry_header: Some("2026-10-07 19:07:53 UTC".into()),
            scopes: Some("repo, read:org".into()),
        },
    );
    provider.answer(
        "github_pat_offset",
        Answer::GithubValid {
            login: "fleet-bot".into(),
            expiry_header: Some("2026-10-07 21:07:53 +0200".into()),
            scopes: None,
        },
    );
    provider.answer(
        "ghp_forever",
        Answer::GithubValid {
            login: "old-bot".into(),
            expiry_header: None,
            scopes: None,
        },
    );
    provider.answer("ghp_limited", Answer::RateLimited);
    provider.answer(
        "glpat-valid",
        Answer::GitlabValid {
            name: "fleet".into(),
            expires_at: Some("2026-03-01".into()),
            active: true,
        },
    );
    provider.answer(
        "glpat-inactive",
        Answer::GitlabValid {
            name: "old".into(),
            expires_at: Some("2025-01-01".into()),
            active: false,
        },
    );
    let t = |s: &str| Token::new(s).expect("valid");
    let timeout = Duration::from_secs(5);
    let github = format!("{}/api/v3", provider.url);

    let expiring = check_token(Provider::Github, &github, &t("ghp_expiring"), timeout)
        .await
        .expect("answer");
    let TokenStatus::Valid {
        identity,
        expires,
        scopes,
    } = expiring
    else {
        panic!("valid expected: {expiring:?}");
    };
    assert_eq!(identity.as_deref(), Some("fleet-bot"));
    assert_eq!(expires.expect("expiry").to_string(), "2026-10-07T19:07:53Z");
    assert_eq!(scopes, Some(vec!["repo".to_string(), "read:org".to_string()]));

    let offset = check_token(Provider::Github, &github, &t("github_pat_offset"), timeout)
        .await
        .expect("answer");
    assert!(
        matches!(offset, TokenStatus::Valid { expires: Some(e), .. } if e.to_string() == "2026-10-07T19:07:53Z")
    );

    let forever = check_token(Provider::Github, &github, &t("ghp_forever"), timeout)
        .await
        .expect("answer");
    assert!(
        matches!(forever, TokenStatus::Valid { expires: None, .. }),
        "{forever:?}"
    );

    let revoked = check_token(Provider::Github, &github, &t("ghp_revoked"), timeout)
        .await
        .expect("answer");
    assert!(
        matches!(&revoked, TokenStatus::Invalid { reason } if reason.contains("401") && reason.contains("Bad credentials")),
        "{revoked:?}"
    );

    let limited = check_token(Provider::Github, &github, &t("ghp_limited"), timeout)
        .await
        .unwrap_err();
    assert!(
        matches!(limited, ProviderError::RateLimited { status: 429, .. }),
        "{limited:?}"
    );
    assert!(
        limited
            .to_string()
            .contains("rate limit exceeded (resets at 2030-01-01"),
        "{limited}"
    );

    let gitlab = format!("{}/api/v4", provider.url);
    let valid = check_token(Provider::Gitlab, &gitlab, &t("glpat-valid"), timeout)
        .await
        .expect("answer");
    assert!(
        matches!(&valid, TokenStatus::Valid { expires: Some(e), identity: Some(i), .. } if e.to_string() == "2026-03-01T00:00:00Z" && i == "fleet (user 42)"),
        "{valid:?}"
    );
    let inactive = check_token(Provider::Gitlab, &gitlab, &t("glpat-inactive"), timeout)
        .await
        .expect("answer");
    assert!(matches!(inactive, TokenStatus::Invalid { .. }), "{inactive:?}");
    let unknown = check_token(Provider::Gitlab, &gitlab, &t("glpat-nope"), timeout)
        .await
        .expect("answer");
    assert!(matches!(unknown, TokenStatus::Invalid { .. }), "{unknown:?}");

    // The token travels only in the auth header: never in the request line.
    let seen = provider.seen();
    assert_eq!(seen.len(), 8);
    assert!(
        seen.iter()
            .all(|s| !s.request_line.contains("ghp_") && !s.request_line.contains("glpat-"))
    );
    assert_eq!(seen[0].request_line, "GET /api/v3/user HTTP/1.1");
    assert_eq!(seen[0].headers["authorization"], "Bearer ghp_expiring");
    assert_eq!(
        seen[5].request_line,
        "GET /api/v4/personal_access_tokens/self HTTP/1.1"
    );
    assert_eq!(seen[5].headers["private-token"], "glpat-valid");
    assert!(seen[0].headers["user-agent"].starts_with("kubectl-fleet/"));

    // Nobody listening: a clear error naming the URL.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let err = check_token(Provider::Github, &dead, &t("ghp_x"), timeout)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("failed to reach {dead}/user")),
        "{err}"
    );
}

fn meta(
    provider: Provider,
    api: &str,
    expires: Option<&str>,
    check: Option<(CheckResult, &str)>,
) -> CredentialMeta {
    CredentialMeta {
        provider,
        api_url: api.into(),
        username: "git".into(),
        created: ts("2026-01-05T09:00:00Z"),
        updated: ts("2026-02-01T09:00:00Z"),
        expires: expires.map(ts),
        last_check: check.map(|(result, at)| CheckRecord {
            at: ts(at),
            result,
            identity: Some("fleet-bot".into()),
            scopes: None,
            message: (result == CheckResult::Invalid)
                .then(|| "the provider answered 401 Unauthorized (Bad credentials)".into()),
            repositories: None,
        }),
        github_app: None,
    }
}

#[test]
fn list_and_check_render_expiry_days_left_and_warnings() {
    let now = ts("2026-03-10T12:00:00Z");
    let mut rotation = RotationState::new(
        "apps-bot",
        meta(Provider::Github, "https://api.github.com", None, None),
        &[
            ("staging".into(), "https://a".into()),
            ("prod-eu".into(), "https://b".into()),
        ],
    );
    rotation.mark("staging", fleet::credentials::rotation::ClusterState::Done, None);
    let views = vec![
        report::credential_view(
            "apps-bot",
            &meta(
                Provider::Github,
                "https://api.github.com",
                Some("2026-09-01T00:00:00Z"),
                Some((CheckResult::Valid, "2026-03-10T09:00:00Z")),
            ),
            Some(true),
            Some(&rotation),
            now,
            14,
        ),
        report::credential_view(
            "fleet-bot",
            &meta(
                Provider::Github,
                "https://ghe.example.com/api/v3",
                Some("2026-03-15T08:00:00Z"),
                Some((CheckResult::Valid, "2026-03-08T12:00:00Z")),
            ),
            Some(true),
            None,
            now,
            14,
        ),
        report::credential_view(
            "gitlab-bot",
            &meta(
                Provider::Gitlab,
                "https://gitlab.com/api/v4",
                Some("2026-03-01T00:00:00Z"),
                Some((CheckResult::Valid, "2026-02-20T12:00:00Z")),
            ),
            Some(true),
            None,
            now,
            14,
        ),
        report::credential_view(
            "old-bot",
            &meta(
                Provider::Github,
                "https://api.github.com",
                None,
                Some((CheckResult::Invalid, "2026-03-09T12:00:00Z")),
            ),
            Some(false),
            None,
            now,
            14,
        ),
        report::credential_view(
            "new-bot",
            &meta(Provider::Github, "https://api.github.com", None, None),
            Some(true),
            None,
            now,
            14,
        ),
    ];
    fleet_snapshot!(
        "token_list_table",
        report::list_table(&views, now, Paint::plain())
    );
    fleet_snapshot!("token_check_table", report::check_table(&views, Paint::plain()));
    let warnings: Vec<String> = views
        .iter()
        .flat_map(|v| v.warnings.iter().map(move |w| format!("{}: {w}", v.name)))
        .collect();
    fleet_snapshot!("token_list_warnings", warnings.join("\n"));
    fleet_snapshot!(
        "token_list_json",
        serde_json::to_string_pretty(&envelope(LIST_KIND, &views[..2]).expect("document")).expect("json")
    );
}

fn suspicious(ns: &str, name: &str) -> SuspiciousSecret {
    SuspiciousSecret {
        key: ObjectKey {
            namespace: ns.into(),
            name: name.into(),
        },
        reason: "labelled as a copy of flux-system/flux-system, which belongs to no tenant: only tenants' Secrets have copies".into(),
    }
}

fn secret(ns: &str, name: &str, from: Option<&str>) -> SecretTarget {
    SecretTarget {
        key: ObjectKey {
            namespace: ns.into(),
            name: name.into(),
        },
        propagated_from: from.map(str::to_string),
        reverted_by: None,
    }
}

#[test]
fn rotation_results_and_plans_render_as_tables() {
    use fleet::credentials::cluster::{RepoReport, RepoTarget, SecretReport};
    let repo = |ns: &str, name: &str, state: RepoState| RepoReport {
        target: RepoTarget {
            key: ObjectKey {
                namespace: ns.into(),
                name: name.into(),
            },
            secret: "flux-system".into(),
            suspended: state == RepoState::Suspended,
        },
        state,
        message: None,
    };
    let ok = ClusterRotation {
        suspicious: Vec::new(),
        secrets: vec![
            SecretReport {
                target: secret("flux-system", "flux-system", None),
                outcome: "configured",
            },
            SecretReport {
                target: secret("apps", "flux-apps", Some("flux-system.flux-apps")),
                outcome: "unchanged",
            },
        ],
        git_repositories: vec![
            repo("flux-system", "flux-system", RepoState::Ready),
            repo("apps", "apps", RepoState::Ready),
            repo("apps", "paused", RepoState::Suspended),
        ],
        conflicts: 0,
        flux_installed: true,
        replicas: Vec::new(),
    };
    let no_flux = ClusterRotation {
        flux_installed: false,
        ..ClusterRotation::default()
    };
    let result = RotationReport {
        credential: "fleet-bot".into(),
        operation: Operation::Rotate,
        requested_at: "2026-03-10T12:00:00.5Z".into(),
        complete: false,
        clusters: vec![
            TargetReport {
                target: "staging".into(),
                outcome: Ok(ok),
                seconds: 2.5,
            },
            TargetReport::failed(
                "prod-us",
                TargetError::new(
                    "cluster 'prod-us' is unreachable at https://127.0.0.1:1: client error (Connect)",
                ),
            ),
            TargetReport {
                target: "edge".into(),
                outcome: Ok(no_flux),
                seconds: 0.25,
            },
            TargetReport {
                target: "shared".into(),
                outcome: Ok(ClusterRotation {
                    suspicious: vec![suspicious("backend", "loot")],
                    ..ClusterRotation::default()
                }),
                seconds: 0.25,
            },
        ],
    };
    fleet_snapshot!("token_rotate_table", rotation_table(&result, Paint::plain()));
    fleet_snapshot!(
        "token_rotate_json",
        serde_json::to_string_pretty(&envelope(ROTATION_KIND, &result).expect("document")).expect("json")
    );

    let plan = ClusterPlan {
        flux_namespace: "flux-system".into(),
        flux_namespace_origin: None,
        suspicious: vec![suspicious("backend", "loot")],
        secrets: vec![
            secret("apps", "flux-apps", Some("flux-system.flux-apps")),
            secret("flux-system", "flux-system", None),
            SecretTarget {
                reverted_by: Some("flux-system/cluster-secrets".into()),
                ..secret("flux-system", "sops-managed", None)
            },
        ],
        git_repositories: vec![
            RepoTarget {
                key: ObjectKey {
                    namespace: "flux-system".into(),
                    name: "flux-system".into(),
                },
                secret: "flux-system".into(),
                suspended: false,
            },
            RepoTarget {
                key: ObjectKey {
                    namespace: "apps".into(),
                    name: "paused".into(),
                },
                secret: "flux-apps".into(),
                suspended: true,
            },
        ],
        flux_installed: true,
    };
    let plan = RotationPlan {
        credential: "fleet-bot".into(),
        clusters: vec![
            TargetReport {
                target: "staging".into(),
                outcome: Ok(plan),
                seconds: 0.5,
            },
            TargetReport {
                target: "prod-eu".into(),
                outcome: Ok(ClusterPlan::default()),
                seconds: 0.5,
            },
            TargetReport::failed(
                "prod-us",
                TargetError::new("cluster 'prod-us' is unreachable at https://127.0.0.1:1"),
            ),
        ],
    };
    fleet_snapshot!("token_rotate_dry_run_table", plan_table(&plan, Paint::plain()));
    fleet_snapshot!(
        "token_rotate_dry_run_json",
        serde_json::to_string_pretty(&envelope(PLAN_KIND, &plan).expect("document")).expect("json")
    );
}

#[test]
fn help_shows_kubectl_fleet_usage_and_examples() {
    let top = Cmd::fleet("kubectl-fleet-token").args(["--help"]).run();
    fleet_snapshot!("token_help", top.ok().to_string());
    let rotate = Cmd::fleet("kubectl-fleet-token").args(["rotate", "--help"]).run();
    fleet_snapshot!("token_rotate_help", rotate.ok().to_string());
}

#[test]
fn bad_arguments_are_usage_errors_before_any_keyring_access() {
    // No D-Bus session at all: these must fail on the arguments, not on the keyring.
    let cfg = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str]| {
        Cmd::fleet("kubectl-fleet-token")
            .env("XDG_CONFIG_HOME", cfg.path())
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .args(args)
            .run()
    };
    let bad_name = run(&["set", "Fleet Bot", "--from-stdin"]);
    assert_eq!(bad_name.code, 2, "{bad_name:?}");
    assert!(
        bad_name.stderr.contains("invalid credential name 'Fleet Bot'"),
        "{}",
        bad_name.stderr
    );

    let http = run(&[
        "set",
        "bot",
        "--from-stdin",
        "--api-url",
        "http://ghe.example.com/api/v3",
    ]);
    assert_eq!(http.code, 2, "{http:?}");
    assert!(
        http.stderr
            .contains("plain http would send the token unencrypted"),
        "{}",
        http.stderr
    );

    let both = run(&["rotate", "bot", "--resume", "--rollback"]);
    assert_eq!(both.code, 2, "{both:?}");

    let resume_ctx = run(&["rotate", "bot", "--resume", "--context", "staging"]);
    assert_eq!(resume_ctx.code, 2, "{resume_ctx:?}");
    assert!(
        resume_ctx.stderr.contains("do not pass --context"),
        "{}",
        resume_ctx.stderr
    );

    let argv_token = run(&["set", "bot", "ghp_on_the_command_line"]);
    assert_eq!(
        argv_token.code, 2,
        "a token is never accepted from argv: {argv_token:?}"
    );

    let unknown = run(&["check", "nope"]);
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(
        unknown.stderr.contains("no credential named 'nope'"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test]
async fn the_plan_flags_secrets_a_flux_kustomization_would_revert() {
    let target = env().target(env().first()).await;
    let credential = unique("bot");
    let ns = namespace(&target, "tok-revert").await;
    let mut from_git = git_secret(&ns, "from-git", Some(&credential), "git", "ghp_old_rv");
    from_git["metadata"]["labels"] = json!({
        "kustomize.toolkit.fluxcd.io/name": "cluster-secrets",
        "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
    });
    apply(&target, from_git).await;
    let mut create_only = git_secret(&ns, "create-only", Some(&credential), "git", "ghp_old_rv");
    create_only["metadata"]["labels"] = json!({"kustomize.toolkit.fluxcd.io/name": "cluster-secrets"});
    create_only["metadata"]["annotations"]["kustomize.toolkit.fluxcd.io/ssa"] = json!("IfNotPresent");
    apply(&target, create_only).await;
    for name in ["from-git", "create-only"] {
        apply(&target, git_repository(&ns, name, name, false)).await;
    }
    let plan = cluster::plan_cluster(&target, &credential, Some(&ns))
        .await
        .expect("plan");
    let flagged: Vec<(String, Option<String>)> = plan
        .secrets
        .iter()
        .map(|s| (s.key.name.clone(), s.reverted_by.clone()))
        .collect();
    assert_eq!(
        flagged,
        [
            ("create-only".to_string(), None),
            (
                "from-git".to_string(),
                Some("flux-system/cluster-secrets".to_string())
            )
        ]
    );
    let warnings = report::revert_warnings(&target.context, &plan.secrets);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("ssa=IfNotPresent"), "{}", warnings[0]);
}

/// A stand-in for kubernetes-replicator (push mode), as it behaves for the copies it makes: when the
/// source changes, each copy in `follow` gets the source's data and
/// `replicated-from-version: <source resourceVersion>`. Namespaces not in `follow` are copies the
/// replicator has stopped serving.
fn replicator(
    target: KubeTarget,
    ns: String,
    name: String,
    follow: Vec<String>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let source_api: Api<Secret> = Api::namespaced(target.client.clone(), &ns);
        loop {
            if let Ok(source) = source_api.get(&name).await {
                let version = source.metadata.resource_version.clone().unwrap_or_default();
                for copy_ns in &follow {
                    let copies: Api<Secret> = Api::namespaced(target.client.clone(), copy_ns);
                    let current = copies.get(&name).await.ok();
                    let from = current
                        .as_ref()
                        .and_then(|c| c.metadata.annotations.as_ref())
                        .and_then(|a| a.get("replicator.v1.mittwald.de/replicated-from-version"))
                        .cloned();
                    if from.as_deref() != Some(version.as_str()) {
                        let data: BTreeMap<String, String> = source
                            .data
                            .iter()
                            .flatten()
                            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(&v.0).into_owned()))
                            .collect();
                        apply(&target, replica(copy_ns, &name, &version, &data)).await;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

fn replica(ns: &str, name: &str, version: &str, data: &BTreeMap<String, String>) -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": name, "namespace": ns, "annotations": {
            "replicator.v1.mittwald.de/replicated-at": "2026-11-30T00:00:00Z",
            "replicator.v1.mittwald.de/replicated-from-version": version,
            "replicator.v1.mittwald.de/replicated-keys": "password,username",
        }},
        "stringData": data,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keos_rotation_checks_that_kubernetes_replicator_copies_follow_and_names_those_that_lag() {
    let target = env().target(env().first()).await;
    let system = namespace(&target, "tok-keos").await;
    let rig = Rig::new("keos-bot", "ghp_old_rep", std::slice::from_ref(&target.context)).trusting(&system);
    let (apps, lag) = (
        namespace(&target, "tok-keos-apps").await,
        namespace(&target, "tok-keos-lag").await,
    );
    // A name of its own: copies are found by name across the cluster.
    let name = unique("keos-git");
    let mut source = git_secret(&system, &name, Some(&rig.name), "flux-bot-stratio", "ghp_old_rep");
    source["metadata"]["annotations"]["replicator.v1.mittwald.de/replicate-to"] =
        json!(format!("{apps},{lag}"));
    let created = apply(&target, source).await;
    // The fleet declares the Secret: a GitRepository in the Flux namespace reads it (suspended, as
    // no source-controller runs in this tier: the rotation does not wait for it).
    apply(
        &target,
        json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "keos-apps", "namespace": system},
            "spec": {"interval": "1m", "ref": {"branch": "main"}, "secretRef": {"name": name},
                     "suspend": true, "url": "https://github.com/acme/keos-apps.git"}
        }),
    )
    .await;
    let version = created
        .metadata
        .resource_version
        .clone()
        .expect("resourceVersion");
    let old = BTreeMap::from([
        ("password".to_string(), "ghp_old_rep".to_string()),
        ("username".to_string(), "flux-bot-stratio".to_string()),
    ]);
    for ns in [&apps, &lag] {
        apply(&target, replica(ns, &name, &version, &old)).await;
    }

    // The replicator serves only `apps`: the copy in `lag` keeps the revoked token.
    let stand_in = replicator(target.clone(), system.clone(), name.clone(), vec![apps.clone()]);
    let rec = Recorder::new();
    let run = ran(rig
        .run(fresh("ghp_new_rep"), true, Duration::from_secs(3), &rec)
        .await
        .expect("ran"));
    assert_eq!(run.exit_status(), ExitStatus::Failure);
    let error = run.report.clusters[0]
        .err()
        .unwrap_or_else(|| panic!("a copy lags: {:?}", run.report))
        .message
        .clone();
    assert!(error.contains("kubernetes-replicator copies"), "{error}");
    assert!(
        error.contains(&format!("{lag}/{name} still carries the old token")),
        "{error}"
    );
    assert!(!error.contains(&apps), "{error}");
    assert_eq!(
        secret_data(&target, &apps, &name).await["password"],
        "ghp_new_rep"
    );
    stand_in.abort();

    // Once the replicator serves every namespace again, --resume checks the copies and says so.
    let stand_in = replicator(
        target.clone(),
        system.clone(),
        name.clone(),
        vec![apps.clone(), lag.clone()],
    );
    let run = ran(rig
        .run(RotateMode::Resume, true, Duration::from_secs(10), &rec)
        .await
        .expect("resumed"));
    stand_in.abort();
    assert_eq!(
        run.exit_status(),
        ExitStatus::Success,
        "{:?}",
        run.report.clusters[0].err()
    );
    let report = run.report.clusters[0].ok().expect("done");
    assert_eq!(report.replicas.len(), 1);
    assert_eq!(report.replicas[0].followed, {
        let mut v = vec![apps.clone(), lag.clone()];
        v.sort();
        v
    });
    assert!(report.replicas[0].uncovered.is_empty());
    // The result table says so (the progress line does not stay without a terminal).
    let table = rotation_table(&run.report, Paint::plain());
    assert!(
        table.contains("done; 2 copies followed (kubernetes-replicator)"),
        "{table}"
    );
    let text = rec.text();
    assert!(
        !text.contains("ghp_new_rep") && !text.contains("ghp_old_rep"),
        "{text}"
    );
    rig.assert_settled("ghp_new_rep", "after the copies followed");
}
