//! `token migrate` (issue 17) on the real apiservers: a fleet whose Secrets carry a PAT moved to
//! a GitHub App on two clusters, through the operation the binary calls, with a stand-in for the
//! two Flux controllers that matter here: "kustomize" applies the provider fields of the fleet
//! repository's files to the cluster's GitRepositories once the test says they are pushed, and
//! "source" answers every reconcile request by checking the Secret the way source-controller
//! reads it (`password` under provider generic, refused when `githubApp*` keys are there too —
//! source-controller's `InvalidProviderConfiguration`; the `githubApp*` keys under provider
//! github). It also records each Secret's form at every poll, so a Secret that ever served
//! neither provider fails the test, and every fetch after our reconcile request must succeed.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use fleet::{
    credentials::{
        CREDENTIAL_ANNOTATION, CredentialMeta, MemoryStore, MetaStore, PROPAGATED_FROM_LABEL, Provider,
        SecretStore, TENANT_LABEL, Token,
        github_app::{AppKey, GithubApp},
        migration::{MigrationStore, Phase},
        rotation::{RotationStore, app_key_fingerprint, previous_entry},
    },
    error::ExitStatus,
    kube::ClusterSelection,
    kube::KubeTarget,
    ops::token::{
        Checkpoint as RotateCheckpoint, RotateMode, RotateOutcome, RotateRequest, Stores,
        migrate::{Checkpoint, MigrateMode, MigrateRequest, MigrationReport, migrate},
        rotate,
    },
    output::{Recorder, Reporter},
};
use futures::FutureExt;
use k8s_openapi::api::core::v1::Secret;
use kube::{
    Api,
    api::{ApiResource, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams},
};
use serde_json::{Value, json};

use crate::{
    common::{apply, env, namespace_everywhere, unique},
    token::support::{CrashReporter, git_repository, git_secret, secret_data},
};

const PAT: &str = "ghp_MIGRATE_pat_0123456789abcdef";
const APP_ID: u64 = 4242;
const INSTALLATION_ID: u64 = 777;

fn git_repository_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("source.toolkit.fluxcd.io", "v1", "GitRepository"),
        "gitrepositories",
    )
}

fn pem() -> String {
    let out = std::process::Command::new("openssl")
        .args(["genrsa", "-traditional", "2048"])
        .output()
        .expect("openssl runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("PEM")
}

/// What a Secret serves: (generic, github).
fn serves(data: &BTreeMap<String, String>, pem: &str) -> (bool, bool) {
    (
        data.get("password").map(String::as_str) == Some(PAT) && !data.contains_key("githubAppID"),
        data.get("githubAppID").map(String::as_str) == Some(&APP_ID.to_string())
            && data.get("githubAppInstallationID").map(String::as_str) == Some(&INSTALLATION_ID.to_string())
            && data.get("githubAppPrivateKey").map(String::as_str) == Some(pem),
    )
}

/// One fetch: (cluster, namespace/name, provider, ok).
type Fetch = (String, String, String, bool);

/// Each watched Secret's forms in order: (serves generic, serves github).
type Forms = BTreeMap<String, Vec<(bool, bool)>>;

/// What a Secret serves when GitHub accepts any of `keys` for the App.
fn serves_any(data: &BTreeMap<String, String>, keys: &[String]) -> (bool, bool) {
    let generic = serves(data, "").0;
    (generic, keys.iter().any(|k| serves(data, k).1))
}

/// The stand-in Flux of every cluster of a rig.
struct FakeFlux {
    stop: Arc<AtomicBool>,
    pushed: Arc<AtomicBool>,
    pat_valid: Arc<AtomicBool>,
    /// The App's keys GitHub accepts (an App keeps each key until it is deleted).
    keys: Arc<Mutex<Vec<String>>>,
    /// Every fetch: (cluster, namespace/name, provider, ok).
    fetches: Arc<Mutex<Vec<Fetch>>>,
    /// Each watched Secret's forms in order (consecutive duplicates dropped): (generic, github).
    forms: Arc<Mutex<Forms>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl FakeFlux {
    fn start(
        targets: Vec<KubeTarget>,
        namespaces: Vec<String>,
        repo: PathBuf,
        secrets: Vec<(String, String)>,
        pem: String,
    ) -> Self {
        let mut flux = FakeFlux {
            stop: Arc::default(),
            pushed: Arc::default(),
            pat_valid: Arc::new(AtomicBool::new(true)),
            keys: Arc::new(Mutex::new(vec![pem])),
            fetches: Arc::default(),
            forms: Arc::default(),
            handle: None,
        };
        let (stop, pushed, pat_valid, fetches, forms, keys) = (
            flux.stop.clone(),
            flux.pushed.clone(),
            flux.pat_valid.clone(),
            flux.fetches.clone(),
            flux.forms.clone(),
            flux.keys.clone(),
        );
        let handle = tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let keys = keys.lock().expect("lock").clone();
                for t in &targets {
                    for (ns, name) in &secrets {
                        let api: Api<Secret> = Api::namespaced(t.client.clone(), ns);
                        if let Ok(Some(s)) = api.get_opt(name).await {
                            let data: BTreeMap<String, String> = s
                                .data
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
                                .collect();
                            let form = serves_any(&data, &keys);
                            let mut f = forms.lock().expect("lock");
                            let seq = f.entry(format!("{}:{ns}/{name}", t.context)).or_default();
                            if seq.last() != Some(&form) {
                                seq.push(form);
                            }
                        }
                    }
                    if pushed.load(Ordering::Relaxed) {
                        kustomize(t, &repo, &namespaces).await;
                    }
                    for ns in &namespaces {
                        source(t, ns, &keys, pat_valid.load(Ordering::Relaxed), &fetches).await;
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        flux.handle = Some(handle);
        flux
    }

    fn failed_fetches(&self) -> Vec<Fetch> {
        self.fetches
            .lock()
            .expect("lock")
            .iter()
            .filter(|f| !f.3)
            .cloned()
            .collect()
    }

    /// Every Secret always served one of the providers (the PAT or the App, never neither).
    fn assert_forms_safe(&self) {
        for (secret, seq) in self.forms.lock().expect("lock").iter() {
            for form in seq {
                assert!(form.0 || form.1, "{secret} served neither provider: {seq:?}");
            }
        }
    }
}

impl Drop for FakeFlux {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            h.abort();
        }
    }
}

/// The provider fields of the repository's files, applied as kustomize-controller would (a file
/// under clusters/<context>/ on that cluster only).
async fn kustomize(t: &KubeTarget, repo: &Path, namespaces: &[String]) {
    let mut wanted: Vec<(String, String, Option<String>)> = Vec::new();
    for (rel, kind, ptr) in [
        ("tenants/apps/sync.yaml", "GitRepository", "/spec/provider"),
        (
            &*format!("clusters/{}/flux-system/flux-instance.yaml", t.context),
            "FluxInstance",
            "/spec/sync/provider",
        ),
    ] {
        let Ok(text) = std::fs::read_to_string(repo.join(rel)) else {
            continue;
        };
        for doc in text.split("\n---\n") {
            let Ok(v) = serde_saphyr::from_str::<Value>(doc) else {
                continue;
            };
            if v["kind"] != kind {
                continue;
            }
            let provider = v.pointer(ptr).and_then(Value::as_str).map(str::to_string);
            let ns = v
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = if kind == "FluxInstance" {
                "flux-system".to_string()
            } else {
                v.pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            wanted.push((ns, name, provider));
        }
    }
    for (ns, name, provider) in wanted {
        if !namespaces.contains(&ns) {
            continue;
        }
        let api: Api<DynamicObject> = Api::namespaced_with(t.client.clone(), &ns, &git_repository_resource());
        let Ok(Some(obj)) = api.get_opt(&name).await else {
            continue;
        };
        let current = obj
            .data
            .pointer("/spec/provider")
            .and_then(Value::as_str)
            .map(str::to_string);
        if current != provider {
            let patch = json!({"spec": {"provider": provider}});
            let _ = api
                .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                .await;
        }
    }
}

/// Answers reconcile requests as source-controller would authenticate.
async fn source(t: &KubeTarget, ns: &str, keys: &[String], pat_valid: bool, fetches: &Mutex<Vec<Fetch>>) {
    let api: Api<DynamicObject> = Api::namespaced_with(t.client.clone(), ns, &git_repository_resource());
    let Ok(list) = api.list(&ListParams::default()).await else {
        return;
    };
    for repo in list.items {
        let obj = serde_json::to_value(&repo).unwrap_or(Value::Null);
        let Some(requested) = obj
            .pointer("/metadata/annotations/reconcile.fluxcd.io~1requestedAt")
            .and_then(Value::as_str)
        else {
            continue;
        };
        if obj
            .pointer("/status/lastHandledReconcileAt")
            .and_then(Value::as_str)
            == Some(requested)
        {
            continue;
        }
        let name = repo.metadata.name.clone().unwrap_or_default();
        let generation = repo.metadata.generation.unwrap_or(1);
        let provider = obj
            .pointer("/spec/provider")
            .and_then(Value::as_str)
            .unwrap_or("generic")
            .to_string();
        let secret = obj
            .pointer("/spec/secretRef/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let secrets: Api<Secret> = Api::namespaced(t.client.clone(), ns);
        let data: BTreeMap<String, String> = secrets
            .get_opt(secret)
            .await
            .ok()
            .flatten()
            .and_then(|s| s.data)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
            .collect();
        let (generic, github) = serves_any(&data, keys);
        let ok = match provider.as_str() {
            "github" => github,
            _ => generic && pat_valid,
        };
        let (status, reason) = if ok {
            ("True", "Succeeded")
        } else {
            ("False", "AuthenticationFailed")
        };
        let patch = json!({"status": {
            "observedGeneration": generation,
            "lastHandledReconcileAt": requested,
            "conditions": [{"type": "Ready", "status": status, "reason": reason, "message": format!("provider {provider}"),
                "observedGeneration": generation, "lastTransitionTime": "2026-01-01T00:00:00Z"}],
        }});
        if api
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .is_ok()
        {
            fetches
                .lock()
                .expect("lock")
                .push((t.context.clone(), format!("{ns}/{name}"), provider, ok));
        }
    }
}

/// A PAT-authenticated fleet on two clusters, its repository checkout, and both credentials.
struct Rig {
    pat: String,
    app: String,
    pem: String,
    store: MemoryStore,
    metas: MetaStore,
    rotations: RotationStore,
    repo: PathBuf,
    sys: String,
    tenant: String,
    targets: Vec<KubeTarget>,
    _dir: tempfile::TempDir,
}

impl Rig {
    async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tmp");
        let metas = MetaStore::at(dir.path().join("kubectl-fleet"));
        let rotations = RotationStore::new(&metas);
        let (pat, app) = (unique("mig-pat"), unique("mig-app"));
        let pem = pem().trim().to_string();
        let store = MemoryStore::default();
        store.set(&pat, &Token::new(PAT).expect("token")).expect("set");
        let key = AppKey::from_pem(&pem, "test").expect("key");
        store.set(&app, &key.to_stored().expect("stored")).expect("set");
        let now = "2026-01-01T00:00:00Z".parse().expect("ts");
        let pat_meta = CredentialMeta::new(Provider::Github, "https://api.github.com", "fleet-bot", now);
        let app_meta = CredentialMeta {
            github_app: Some(GithubApp {
                app_id: APP_ID,
                installation_id: INSTALLATION_ID,
            }),
            ..CredentialMeta::new(Provider::Github, "https://api.github.com", "git", now)
        };
        metas
            .update(|i| {
                i.credentials.insert(pat.clone(), pat_meta);
                i.credentials.insert(app.clone(), app_meta);
                Ok(())
            })
            .expect("index");
        let mut targets = Vec::new();
        for c in env().contexts.iter().take(2) {
            targets.push(env().target(c).await);
        }
        let (sys, tenant) = (unique("mig-sys"), unique("mig-app"));
        namespace_everywhere(&targets, &sys, json!({})).await;
        namespace_everywhere(&targets, &tenant, json!({TENANT_LABEL: "apps"})).await;
        for t in &targets {
            let mut s = git_secret(&sys, "flux-system", Some(&pat), "fleet-bot", PAT);
            s["stringData"]["ca.crt"] = json!("-----BEGIN CERTIFICATE-----");
            apply(t, s).await;
            let mut s = git_secret(&sys, "flux-apps", Some(&pat), "git", PAT);
            s["metadata"]["labels"] = json!({TENANT_LABEL: "apps"});
            apply(t, s).await;
            let mut s = git_secret(&tenant, "flux-apps", Some(&pat), "git", PAT);
            s["metadata"]["labels"] = json!({PROPAGATED_FROM_LABEL: format!("{sys}.flux-apps")});
            apply(t, s).await;
            // Planted: claims the PAT by annotation in a tenant namespace, copies nothing.
            apply(t, git_secret(&tenant, "loot", Some(&pat), "git", PAT)).await;
            apply(t, git_repository(&sys, "flux-system", "flux-system", false)).await;
            apply(t, git_repository(&tenant, "apps", "flux-apps", false)).await;
        }
        let repo = dir.path().join("fleet");
        for t in &targets {
            let d = repo.join(format!("clusters/{}/flux-system", t.context));
            std::fs::create_dir_all(&d).expect("mkdir");
            std::fs::write(
                d.join("flux-instance.yaml"),
                format!(
                    "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: {sys}\nspec:\n  distribution:\n    version: 2.x\n  sync:\n    kind: GitRepository\n    url: https://github.com/example/fleet.git\n    ref: refs/heads/main\n    path: clusters/{}\n    pullSecret: flux-system\n",
                    t.context
                ),
            )
            .expect("write");
        }
        std::fs::create_dir_all(repo.join("tenants/apps")).expect("mkdir");
        std::fs::write(
            repo.join("tenants/apps/sync.yaml"),
            format!(
                "# the apps tenant\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: apps\n  namespace: {tenant}\nspec:\n  interval: 1m\n  secretRef:\n    name: flux-apps\n  url: https://github.com/example/apps.git\n"
            ),
        )
        .expect("write");
        Rig {
            pat,
            app,
            pem,
            store,
            metas,
            rotations,
            repo,
            sys,
            tenant,
            targets,
            _dir: dir,
        }
    }

    fn flux(&self) -> FakeFlux {
        let mut secrets = vec![
            (self.sys.clone(), "flux-system".to_string()),
            (self.sys.clone(), "flux-apps".to_string()),
            (self.tenant.clone(), "flux-apps".to_string()),
        ];
        secrets.sort();
        FakeFlux::start(
            self.targets.clone(),
            vec![self.sys.clone(), self.tenant.clone()],
            self.repo.clone(),
            secrets,
            self.pem.clone(),
        )
    }

    fn stores(&self) -> Stores<'_> {
        Stores {
            secrets: &self.store,
            metas: &self.metas,
            rotations: &self.rotations,
        }
    }

    fn request(&self, mode: MigrateMode) -> MigrateRequest {
        MigrateRequest {
            name: self.pat.clone(),
            app: self.app.clone(),
            mode,
            repo_dir: self.repo.clone(),
            apply_files_only: false,
            dry_run: false,
            timeout: Duration::from_secs(20),
            interval: Duration::from_millis(200),
            flux_namespace: (mode == MigrateMode::Fresh).then(|| self.sys.clone()),
        }
    }

    async fn run(
        &self,
        req: MigrateRequest,
        reporter: &dyn Reporter,
    ) -> fleet::error::Result<MigrationReport> {
        let access = ClusterSelection {
            kubeconfig: Some(env().kubeconfig.clone()),
            contexts: self.targets.iter().map(|t| t.context.clone()).collect(),
            ..ClusterSelection::default()
        };
        migrate(req, self.stores(), &access, reporter).await
    }

    fn state_text(&self) -> Option<String> {
        std::fs::read_to_string(MigrationStore::new(&self.metas).path(&self.pat)).ok()
    }

    /// (generic, github) of one Secret on every cluster.
    async fn forms(&self, ns: &str, name: &str) -> Vec<(bool, bool)> {
        let mut out = Vec::new();
        for t in &self.targets {
            out.push(serves(&secret_data(t, ns, name).await, &self.pem));
        }
        out
    }

    async fn annotation(&self, t: &KubeTarget, ns: &str, name: &str) -> Option<String> {
        let api: Api<Secret> = Api::namespaced(t.client.clone(), ns);
        api.get(name)
            .await
            .expect("get")
            .metadata
            .annotations
            .and_then(|a| a.get(CREDENTIAL_ANNOTATION).cloned())
    }

    /// The user reverts the provider change (the lines the migration added).
    fn revert_files(&self) {
        let mut paths: Vec<PathBuf> = self
            .targets
            .iter()
            .map(|t| {
                self.repo
                    .join(format!("clusters/{}/flux-system/flux-instance.yaml", t.context))
            })
            .collect();
        paths.push(self.repo.join("tenants/apps/sync.yaml"));
        for p in paths {
            let text = std::fs::read_to_string(&p).expect("read");
            let kept: String = text
                .lines()
                .filter(|l| l.trim() != "provider: github")
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&p, kept).expect("write");
        }
    }

    fn files(&self) -> String {
        let mut all = String::new();
        for t in &self.targets {
            all.push_str(
                &std::fs::read_to_string(
                    self.repo
                        .join(format!("clusters/{}/flux-system/flux-instance.yaml", t.context)),
                )
                .expect("read"),
            );
        }
        all.push_str(&std::fs::read_to_string(self.repo.join("tenants/apps/sync.yaml")).expect("read"));
        all
    }

    /// No output, report, state or file holds the PAT or a line of the key.
    fn assert_no_leak(&self, texts: &[String]) {
        let key_lines: Vec<&str> = self.pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for text in texts
            .iter()
            .chain(self.state_text().iter())
            .chain([self.files()].iter())
        {
            assert!(!text.contains(PAT), "the PAT leaked: {text}");
            for l in &key_lines {
                assert!(!text.contains(l), "a line of the private key leaked");
            }
        }
    }

    /// Every watched Secret serves the providers its GitRepositories say now.
    async fn assert_serving(&self, why: &str) {
        for t in &self.targets {
            for (ns, repo, secret) in [
                (&self.sys, "flux-system", "flux-system"),
                (&self.tenant, "apps", "flux-apps"),
            ] {
                let api: Api<DynamicObject> =
                    Api::namespaced_with(t.client.clone(), ns, &git_repository_resource());
                let obj = api.get(repo).await.expect("get");
                let provider = obj
                    .data
                    .pointer("/spec/provider")
                    .and_then(Value::as_str)
                    .unwrap_or("generic");
                let (generic, github) = serves(&secret_data(t, ns, secret).await, &self.pem);
                let ok = if provider == "github" { github } else { generic };
                assert!(
                    ok,
                    "{why}: {}:{ns}/{secret} does not serve provider {provider}",
                    t.context
                );
            }
        }
    }
}

fn json_of(report: &MigrationReport) -> String {
    serde_json::to_string(report).expect("json")
}

#[tokio::test]
async fn a_fleet_moves_from_a_pat_to_an_app_on_two_clusters_without_a_failed_fetch() {
    let rig = Rig::new().await;
    let flux = rig.flux();
    let before = rig.files();

    // Dry run: the plan and the diff, nothing changed.
    let rec = Recorder::new();
    let mut req = rig.request(MigrateMode::Fresh);
    req.dry_run = true;
    let plan = rig.run(req, &rec).await.expect("planned");
    assert!(plan.planned_only);
    assert_eq!(plan.clusters.len(), 2);
    for c in &plan.clusters {
        let secrets: Vec<String> = c.secrets.iter().map(|s| s.to_string()).collect();
        let mut expected = [
            format!("{}/flux-apps", rig.sys),
            format!("{}/flux-system", rig.sys),
            format!("{}/flux-apps", rig.tenant),
        ];
        expected.sort();
        assert_eq!(secrets, expected);
        assert_eq!(c.suspicious.len(), 1, "the planted Secret is reported");
        assert_eq!(c.suspicious[0].key.name, "loot");
    }
    assert_eq!(
        plan.diff.matches("+    provider: github").count(),
        2,
        "{}",
        plan.diff
    );
    assert_eq!(
        plan.diff.matches("+  provider: github").count(),
        1,
        "{}",
        plan.diff
    );
    assert_eq!(rig.files(), before, "a dry run writes no file");
    assert_eq!(rig.state_text(), None);
    assert_eq!(rig.forms(&rig.sys, "flux-system").await, [(true, false); 2]);

    // Prepare and write the files, then stop for the push.
    let rec = Recorder::new();
    let mut req = rig.request(MigrateMode::Fresh);
    req.apply_files_only = true;
    let prepared = rig.run(req, &rec).await.expect("prepared");
    assert!(prepared.awaiting_push && prepared.files_written && !prepared.complete);
    assert_eq!(
        prepared.exit_status(),
        ExitStatus::Failure,
        "a suspicious Secret fails the run"
    );
    assert!(prepared.clusters.iter().all(|c| c.phase == Phase::Prepared));
    assert!(
        rig.files().matches("provider: github").count() == 3,
        "{}",
        rig.files()
    );
    for (ns, name) in [
        (&rig.sys, "flux-system"),
        (&rig.sys, "flux-apps"),
        (&rig.tenant, "flux-apps"),
    ] {
        assert_eq!(
            rig.forms(ns, name).await,
            [(true, false); 2],
            "{ns}/{name} keeps the PAT until the push lands"
        );
    }
    assert_eq!(
        rig.forms(&rig.tenant, "loot").await,
        [(true, false); 2],
        "never written"
    );
    assert!(
        prepared.next.iter().any(|l| l.contains("--resume")),
        "{:?}",
        prepared.next
    );
    let state = rig.state_text().expect("state kept");
    // Rotating either credential meanwhile is refused.
    let err = rig.rotations.lock_for_writing(&rig.app).unwrap_err();
    assert!(err.to_string().contains("unfinished migration"), "{err}");

    // The push lands; resume verifies the fetch with the App and drops the PAT.
    flux.pushed.store(true, Ordering::Relaxed);
    let rec2 = Recorder::new();
    let done = rig
        .run(rig.request(MigrateMode::Resume), &rec2)
        .await
        .expect("resumed");
    assert!(done.complete, "{:?}", done.clusters);
    assert!(done.clusters.iter().all(|c| c.phase == Phase::Done));
    assert!(done.next[0].contains("revoke"), "{:?}", done.next);
    assert_eq!(rig.state_text(), None);
    for (ns, name) in [
        (&rig.sys, "flux-system"),
        (&rig.sys, "flux-apps"),
        (&rig.tenant, "flux-apps"),
    ] {
        assert_eq!(
            rig.forms(ns, name).await,
            [(false, true); 2],
            "{ns}/{name} holds the App only"
        );
        for t in &rig.targets {
            assert_eq!(
                rig.annotation(t, ns, name).await.as_deref(),
                Some(rig.app.as_str())
            );
        }
    }
    assert_eq!(
        secret_data(&rig.targets[0], &rig.sys, "flux-system").await["ca.crt"],
        "-----BEGIN CERTIFICATE-----"
    );
    assert_eq!(
        rig.forms(&rig.tenant, "loot").await,
        [(true, false); 2],
        "never written"
    );
    assert_eq!(
        rig.store
            .get(&rig.pat)
            .expect("get")
            .map(|t| t.expose().to_string())
            .as_deref(),
        Some(PAT),
        "the PAT stays in the keyring"
    );

    // Every fetch used the App and succeeded; the PAT is then revoked and nothing breaks.
    let fetched: Vec<_> = flux.fetches.lock().expect("lock").clone();
    assert_eq!(fetched.len(), 4, "{fetched:?}");
    assert!(fetched.iter().all(|f| f.2 == "github" && f.3), "{fetched:?}");
    flux.pat_valid.store(false, Ordering::Relaxed);
    for t in &rig.targets {
        for (ns, name) in [(&rig.sys, "flux-system"), (&rig.tenant, "apps")] {
            let api: Api<DynamicObject> =
                Api::namespaced_with(t.client.clone(), ns, &git_repository_resource());
            let patch =
                json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": "after-revoke"}}});
            api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .expect("patch");
        }
    }
    for _ in 0..50 {
        if flux.fetches.lock().expect("lock").len() >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(flux.fetches.lock().expect("lock").len(), 8);
    assert!(flux.failed_fetches().is_empty(), "{:?}", flux.failed_fetches());
    flux.assert_forms_safe();
    rig.assert_no_leak(&[
        plan.diff.clone(),
        json_of(&plan),
        json_of(&prepared),
        json_of(&done),
        rec.text(),
        rec2.text(),
        state,
    ]);
}

#[tokio::test]
async fn a_rollback_restores_the_pat_and_waits_for_the_revert_where_git_already_says_github() {
    // Before the push: every Secret is exactly as it was.
    let rig = Rig::new().await;
    let flux = rig.flux();
    let original = secret_data(&rig.targets[0], &rig.sys, "flux-system").await;
    let mut req = rig.request(MigrateMode::Fresh);
    req.apply_files_only = true;
    rig.run(req, &Recorder::new()).await.expect("prepared");
    let rec = Recorder::new();
    let back = rig
        .run(rig.request(MigrateMode::Rollback), &rec)
        .await
        .expect("rolled back");
    assert!(back.complete && back.clusters.iter().all(|c| c.phase == Phase::RolledBack));
    assert_eq!(
        secret_data(&rig.targets[0], &rig.sys, "flux-system").await,
        original
    );
    assert!(
        back.next[0].contains("tenants/apps/sync.yaml"),
        "names the files to revert: {:?}",
        back.next
    );
    assert_eq!(rig.state_text(), None);
    let err = rig
        .run(rig.request(MigrateMode::Resume), &Recorder::new())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no unfinished migration"), "{err}");

    // After the push: the App keys stay beside the PAT, so the GitRepositories keep fetching.
    let rig = Rig::new().await;
    let flux2 = rig.flux();
    flux2.pushed.store(true, Ordering::Relaxed);
    let mut req = rig.request(MigrateMode::Fresh);
    req.apply_files_only = true;
    rig.run(req, &Recorder::new()).await.expect("prepared");
    // Until the stand-in kustomize applied the push to every GitRepository of both clusters.
    for _ in 0..200 {
        let mut all = true;
        for t in &rig.targets {
            for (ns, name) in [(&rig.sys, "flux-system"), (&rig.tenant, "apps")] {
                let api: Api<DynamicObject> =
                    Api::namespaced_with(t.client.clone(), ns, &git_repository_resource());
                let obj = api.get(name).await.expect("get");
                all &= obj.data.pointer("/spec/provider").and_then(Value::as_str) == Some("github");
            }
        }
        if all {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The push landed and the App serves: the rollback waits for the revert, keeping the App.
    let mut req = rig.request(MigrateMode::Rollback);
    req.timeout = Duration::from_secs(2);
    let waiting = rig.run(req, &Recorder::new()).await.expect("waiting");
    assert!(!waiting.complete, "{:?}", waiting.clusters);
    assert!(
        waiting.clusters.iter().all(|c| {
            c.message
                .as_deref()
                .is_some_and(|m| m.contains("does not say provider: generic"))
        }),
        "{:?}",
        waiting.clusters
    );
    rig.assert_serving("while the rollback waits for the revert")
        .await;
    // The revert lands: the PAT goes back.
    rig.revert_files();
    let back = rig
        .run(rig.request(MigrateMode::Rollback), &Recorder::new())
        .await
        .expect("rolled back");
    assert!(back.complete, "{:?}", back.clusters);
    assert_eq!(back.exit_status(), ExitStatus::Success);
    assert_eq!(rig.forms(&rig.sys, "flux-system").await, [(true, false); 2]);
    rig.assert_serving("after a rollback past the push").await;
    flux.assert_forms_safe();
    flux2.assert_forms_safe();
}

#[tokio::test]
async fn a_migration_killed_after_any_step_is_finished_by_resume_or_undone_by_rollback() {
    let first = env().contexts[0].clone();
    let points: Vec<(&str, Checkpoint)> = vec![
        ("state saved", Checkpoint::StateSaved),
        ("prepared", Checkpoint::Prepared(first.clone())),
        ("files written", Checkpoint::FilesWritten),
        ("verified", Checkpoint::Verified(first.clone())),
        ("done", Checkpoint::Done(first.clone())),
    ];
    for (i, (what, point)) in points.into_iter().enumerate() {
        let rig = Rig::new().await;
        let flux = rig.flux();
        // Written is pushed: the stand-in kustomize applies whatever the files say.
        flux.pushed.store(true, Ordering::Relaxed);
        let line = point.line(&rig.pat);
        let crash = CrashReporter::at(move |l| l == line);
        let run = std::panic::AssertUnwindSafe(rig.run(rig.request(MigrateMode::Fresh), &crash))
            .catch_unwind()
            .await;
        assert!(run.is_err() && crash.crashed(), "{what}: the run crashed");
        assert!(rig.state_text().is_some(), "{what}: the state survives the crash");
        // Between the push landing and the switch, a GitRepository cannot fetch (no form serves
        // both providers); Flux keeps its last artifact until the next run switches the Secret.
        let rollback = i % 2 == 1;
        if rollback {
            rig.revert_files();
        }
        let mode = if rollback {
            MigrateMode::Rollback
        } else {
            MigrateMode::Resume
        };
        let report = rig
            .run(rig.request(mode), &Recorder::new())
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(report.complete, "{what}: {:?}", report.clusters);
        assert_eq!(rig.state_text(), None, "{what}");
        rig.assert_serving(&format!(
            "after {} from '{what}'",
            if rollback { "rollback" } else { "resume" }
        ))
        .await;
        let forms = rig.forms(&rig.sys, "flux-system").await;
        if rollback {
            assert!(forms.iter().all(|f| f.0), "{what}: the PAT is back: {forms:?}");
        } else {
            assert_eq!(forms, [(false, true); 2], "{what}: App only");
        }
        assert!(
            flux.failed_fetches().is_empty(),
            "{what}: {:?}",
            flux.failed_fetches()
        );
        flux.assert_forms_safe();
        rig.assert_no_leak(&[crash.recorder.text()]);
    }
}

#[tokio::test]
async fn sources_no_file_declares_or_shared_files_of_other_clusters_are_refused_before_any_change() {
    let rig = Rig::new().await;
    let before = rig.forms(&rig.sys, "flux-system").await;
    // The tenant's GitRepository is declared nowhere.
    let sync = rig.repo.join("tenants/apps/sync.yaml");
    let text = std::fs::read_to_string(&sync).expect("read");
    std::fs::remove_file(&sync).expect("rm");
    let err = rig
        .run(rig.request(MigrateMode::Fresh), &Recorder::new())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("GitRepository {}/apps", rig.tenant)),
        "{err}"
    );
    assert!(err.to_string().contains("Flux reverts it"), "{err}");
    assert_eq!(err.exit_status(), ExitStatus::Usage);
    std::fs::write(&sync, text).expect("write");
    // A shared file would switch a cluster not in the migration.
    std::fs::create_dir_all(rig.repo.join("clusters/elsewhere/flux-system")).expect("mkdir");
    let err = rig
        .run(rig.request(MigrateMode::Fresh), &Recorder::new())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("elsewhere"), "{err}");
    assert_eq!(rig.state_text(), None);
    assert_eq!(
        rig.forms(&rig.sys, "flux-system").await,
        before,
        "nothing written"
    );
    // The App must be an App, the PAT a PAT.
    let mut req = rig.request(MigrateMode::Fresh);
    std::mem::swap(&mut req.name, &mut req.app);
    let err = rig.run(req, &Recorder::new()).await.unwrap_err();
    assert!(err.to_string().contains("GitHub App"), "{err}");
}

/// Runs a fresh migration to its end (the push applied at once by the stand-in kustomize).
async fn migrated(rig: &Rig, flux: &FakeFlux) {
    flux.pushed.store(true, Ordering::Relaxed);
    let report = rig
        .run(rig.request(MigrateMode::Fresh), &Recorder::new())
        .await
        .expect("migrated");
    assert!(report.complete, "{:?}", report.clusters);
}

fn rotate_request(rig: &Rig, mode: RotateMode<'static>) -> RotateRequest<'static> {
    let fresh = matches!(mode, RotateMode::Fresh { .. });
    RotateRequest {
        name: rig.app.clone(),
        mode,
        dry_run: false,
        check: false,
        wait: true,
        timeout: Duration::from_secs(20),
        interval: Duration::from_millis(200),
        flux_namespace: fresh.then(|| rig.sys.clone()),
    }
}

fn new_key(pem: &str) -> RotateMode<'static> {
    let pem = pem.to_string();
    RotateMode::Fresh {
        new_token: Box::new(move || async move { Ok(AppKey::from_pem(&pem, "test")?.to_stored()?) }.boxed()),
    }
}

async fn rotate_app(
    rig: &Rig,
    mode: RotateMode<'static>,
    reporter: &dyn Reporter,
) -> fleet::error::Result<RotateOutcome> {
    let fresh = matches!(mode, RotateMode::Fresh { .. });
    let access = ClusterSelection {
        kubeconfig: Some(env().kubeconfig.clone()),
        contexts: if fresh {
            rig.targets.iter().map(|t| t.context.clone()).collect()
        } else {
            Vec::new()
        },
        ..ClusterSelection::default()
    };
    rotate(rotate_request(rig, mode), rig.stores(), &access, reporter).await
}

/// The private key every migrated Secret of both clusters holds.
async fn keys_on_clusters(rig: &Rig) -> Vec<String> {
    let mut out = Vec::new();
    for t in &rig.targets {
        for (ns, name) in [
            (&rig.sys, "flux-system"),
            (&rig.sys, "flux-apps"),
            (&rig.tenant, "flux-apps"),
        ] {
            out.push(secret_data(t, ns, name).await["githubAppPrivateKey"].clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

#[tokio::test]
async fn an_app_private_key_is_rotated_on_every_cluster_then_the_old_one_is_named_for_deletion() {
    let rig = Rig::new().await;
    let flux = rig.flux();
    migrated(&rig, &flux).await;
    let old = AppKey::from_pem(&rig.pem, "test").expect("key");
    let new_pem = pem().trim().to_string();
    let new = AppKey::from_pem(&new_pem, "test").expect("key");
    // GitHub holds both keys until the old one is deleted.
    flux.keys.lock().expect("lock").push(new_pem.clone());

    // A token is not a key.
    let err = rotate_app(
        &rig,
        RotateMode::Fresh {
            new_token: Box::new(|| async { Ok(Token::new("ghp_not_a_key")?) }.boxed()),
        },
        &Recorder::new(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("pass its new private key"), "{err}");
    assert_eq!(keys_on_clusters(&rig).await, std::slice::from_ref(&rig.pem));

    let rec = Recorder::new();
    let outcome = rotate_app(&rig, new_key(&new_pem), &rec).await.expect("rotated");
    let RotateOutcome::Ran(run) = outcome else {
        panic!("did not run: {outcome:?}")
    };
    assert_eq!(
        run.exit_status(),
        ExitStatus::Success,
        "the planted Secret claims the PAT, not the App"
    );
    assert_eq!((run.done, run.total), (2, 2));
    assert_eq!(
        run.retired_key,
        Some(app_key_fingerprint(&old)),
        "the old key is named for deletion"
    );
    assert!(
        run.retired_key
            .as_deref()
            .is_some_and(|f| f.starts_with("SHA256:"))
    );
    assert_eq!(keys_on_clusters(&rig).await, std::slice::from_ref(&new_pem));
    let stored = rig.store.get(&rig.app).expect("get").expect("stored");
    assert_eq!(
        AppKey::from_stored(&rig.app, &stored).expect("key").expose_pem(),
        new.expose_pem()
    );
    assert_eq!(rig.store.get(&previous_entry(&rig.app)).expect("get"), None);

    // The old key deleted in GitHub: every GitRepository still fetches.
    flux.keys.lock().expect("lock").retain(|k| k == &new_pem);
    let before = flux.fetches.lock().expect("lock").len();
    for t in &rig.targets {
        for (ns, name) in [(&rig.sys, "flux-system"), (&rig.tenant, "apps")] {
            let api: Api<DynamicObject> =
                Api::namespaced_with(t.client.clone(), ns, &git_repository_resource());
            let patch =
                json!({"metadata": {"annotations": {"reconcile.fluxcd.io/requestedAt": "old-key-deleted"}}});
            api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                .await
                .expect("patch");
        }
    }
    for _ in 0..50 {
        if flux.fetches.lock().expect("lock").len() >= before + 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(flux.fetches.lock().expect("lock").len(), before + 4);
    assert!(flux.failed_fetches().is_empty(), "{:?}", flux.failed_fetches());
    let key_lines: Vec<&str> = new_pem
        .lines()
        .chain(rig.pem.lines())
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let text = rec.text();
    assert!(
        key_lines.iter().all(|l| !text.contains(l)),
        "a key line leaked into the output"
    );
}

#[tokio::test]
async fn an_app_key_rotation_killed_half_way_is_rolled_back_to_the_old_key() {
    let rig = Rig::new().await;
    let flux = rig.flux();
    migrated(&rig, &flux).await;
    let new_pem = pem().trim().to_string();
    flux.keys.lock().expect("lock").push(new_pem.clone());
    let line = RotateCheckpoint::ClusterRecorded {
        context: rig.targets[0].context.clone(),
        done: true,
    }
    .line(&rig.app);
    let crash = CrashReporter::at(move |l| l == line);
    let run = std::panic::AssertUnwindSafe(rotate_app(&rig, new_key(&new_pem), &crash))
        .catch_unwind()
        .await;
    assert!(run.is_err() && crash.crashed());
    let outcome = rotate_app(&rig, RotateMode::Rollback, &Recorder::new())
        .await
        .expect("rolled back");
    let RotateOutcome::Ran(run) = outcome else {
        panic!("did not run: {outcome:?}")
    };
    assert_eq!((run.done, run.total), (2, 2));
    assert_eq!(
        keys_on_clusters(&rig).await,
        std::slice::from_ref(&rig.pem),
        "the old key is back everywhere"
    );
    let new = AppKey::from_pem(&new_pem, "test").expect("key");
    assert_eq!(
        run.retired_key,
        Some(app_key_fingerprint(&new)),
        "the rolled-back key is the one to delete"
    );
    let stored = rig.store.get(&rig.app).expect("get").expect("stored");
    assert_eq!(
        AppKey::from_stored(&rig.app, &stored).expect("key").expose_pem(),
        rig.pem
    );
    assert!(flux.failed_fetches().is_empty(), "{:?}", flux.failed_fetches());
}
