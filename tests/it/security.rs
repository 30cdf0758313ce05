//! Issue 12 on real apiservers: every command that writes a credential to a cluster takes the
//! credential's lock and refuses over an unfinished rotation; bootstrap keeps the keys of a git
//! Secret it does not own; preflights name the CRD a cluster lacks; and the other defects of the
//! list, each where it can really happen.

use std::{collections::BTreeMap, time::Duration};

use fleet::{
    bootstrap::{apply::Options, fleet::TokenSources},
    credentials::{
        CREDENTIAL_ANNOTATION, CredentialMeta, MemoryStore, MetaStore, Provider, SecretStore, Token,
        TokenSource,
        rotation::{RotationState, RotationStore},
    },
    error::ExitStatus,
    kube::{ClientOptions, load_kubeconfig},
    ops::{
        bootstrap::{BootstrapRequest, ClusterDirs, bootstrap},
        tenant::{TokenStores, create},
    },
    output::Recorder,
    repo::FleetRepo,
};
use k8s_openapi::api::core::v1::{Namespace, Secret};
use kube::Api;

use crate::{
    bootstrap::Fleet,
    common::{Cmd, PrivateCluster, apply, env, unique},
    tenant::{bootstrapped, create_apply, create_request, runtime_info},
};

/// A keyring credential in an in-memory keyring and a temporary index.
struct Credential {
    name: String,
    keyring: std::sync::Arc<MemoryStore>,
    metas: MetaStore,
    rotations: RotationStore,
    _dir: tempfile::TempDir,
}

impl Credential {
    fn new(prefix: &str, token: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let metas = MetaStore::at(dir.path().join("kubectl-fleet"));
        let name = unique(prefix);
        let keyring = std::sync::Arc::new(MemoryStore::default());
        keyring
            .set(&name, &Token::new(token).expect("token"))
            .expect("stored");
        metas
            .update(|index| {
                index.credentials.insert(name.clone(), meta());
                Ok(())
            })
            .expect("index");
        Credential {
            rotations: RotationStore::new(&metas),
            name,
            keyring,
            metas,
            _dir: dir,
        }
    }

    /// Leaves a rotation of this credential unfinished on `contexts` (none done), as a failed or
    /// killed `token rotate` does.
    fn unfinished_rotation(&self, contexts: &[&str]) {
        let clusters: Vec<(String, String)> = contexts
            .iter()
            .map(|c| (c.to_string(), "https://127.0.0.1:1".to_string()))
            .collect();
        self.rotations
            .save(&RotationState::new(&self.name, meta(), &clusters))
            .expect("state saved");
    }
}

fn meta() -> CredentialMeta {
    CredentialMeta::new(
        Provider::Github,
        "https://api.github.com",
        "git",
        jiff::Timestamp::now(),
    )
}

async fn namespace_exists(context: &str, name: &str) -> bool {
    let target = env().target(context).await;
    let api: Api<Namespace> = Api::all(target.client.clone());
    api.get_opt(name).await.expect("get namespace").is_some()
}

fn bootstrap_request(fleet: &Fleet, credential: &str, wait: Option<Duration>) -> BootstrapRequest {
    BootstrapRequest {
        repo: FleetRepo::open(fleet.path()).expect("fleet"),
        clusters: ClusterDirs::Named(vec!["staging".into()]),
        contexts: Vec::new(),
        kubeconfig: load_kubeconfig(Some(&env().kubeconfig)).expect("kubeconfig"),
        client: ClientOptions::default(),
        tokens: TokenSources {
            fleet: Some(TokenSource::Keyring(credential.to_string())),
            tenants: Vec::new(),
        },
        operator_manifest: fleet.path().join("operator.yaml").display().to_string(),
        options: Options {
            wait: wait.is_some(),
            timeout: wait.unwrap_or(Duration::from_secs(1)),
            username: None,
        },
        dry_run: false,
        kubectl: None,
        sops: None,
        keos: Default::default(),
        insecure_http: false,
    }
}

fn staging_fleet(prefix: &str) -> Fleet {
    let fleet = Fleet::new(prefix);
    fleet
        .init(&[
            "init",
            "staging",
            "--git-url",
            "https://github.com/acme/fleet.git",
            "--domain",
            "staging.example.com",
        ])
        .ok();
    fleet
}

#[tokio::test]
async fn commands_that_write_a_credential_refuse_while_its_rotation_is_unfinished() {
    bootstrapped("staging").await;
    let credential = Credential::new("locked", "ghp_locked_OLD");
    credential.unfinished_rotation(&["staging", "prod-eu"]);
    let recorder = Recorder::new();

    // tenant create --apply --token NAME: refused before anything is written or applied.
    let dir = tempfile::tempdir().expect("temp dir");
    let ns = unique("lock-app");
    let mut req = create_request(dir.path(), &ns, &unique("lock"));
    req.token = Some(TokenSource::Keyring(credential.name.clone()));
    let stores = TokenStores {
        secrets: &*credential.keyring,
        metas: Some(&credential.metas),
    };
    let err = create(req, stores, &recorder)
        .await
        .expect_err("refused over an unfinished rotation");
    assert_eq!(err.exit_status(), ExitStatus::Failure, "{err}");
    assert!(
        err.to_string().contains(&format!(
            "an unfinished rotation of credential '{}' exists (0 of 2 clusters done)",
            credential.name
        )),
        "{err}"
    );
    assert!(!namespace_exists("staging", &ns).await, "nothing applied");
    assert!(
        std::fs::read_dir(dir.path()).expect("dir").next().is_none(),
        "nothing written"
    );

    // bootstrap --token NAME: the same.
    let fleet = staging_fleet("lockboot");
    let err = bootstrap(
        bootstrap_request(&fleet, &credential.name, None),
        &*credential.keyring,
        Some(&credential.metas),
        &recorder,
    )
    .await
    .expect_err("refused over an unfinished rotation");
    assert_eq!(err.exit_status(), ExitStatus::Failure, "{err}");
    assert!(err.to_string().contains("unfinished rotation"), "{err}");
    assert!(!namespace_exists("staging", &fleet.ns).await, "nothing applied");

    // Another process holding the credential (a rotation running): refused too.
    credential.rotations.clear(&credential.name).expect("cleared");
    let held = credential.rotations.lock(&credential.name).expect("lock");
    let err = bootstrap(
        bootstrap_request(&fleet, &credential.name, None),
        &*credential.keyring,
        Some(&credential.metas),
        &recorder,
    )
    .await
    .expect_err("refused while another process writes the credential");
    assert_eq!(err.exit_status(), ExitStatus::Failure, "{err}");
    assert!(err.to_string().contains("another kubectl-fleet process"), "{err}");
    assert!(!namespace_exists("staging", &fleet.ns).await, "nothing applied");
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_holds_the_credential_until_its_last_write() {
    let credential = Credential::new("held", "ghp_held_OLD");
    let fleet = staging_fleet("lockheld");
    // No operator answers, so the run waits for the FluxInstance until its timeout, after the
    // Secret was written: a rotation must not start in between.
    let run = {
        let req = bootstrap_request(&fleet, &credential.name, Some(Duration::from_secs(4)));
        let keyring = credential.keyring.clone();
        let metas = credential.metas.clone();
        tokio::spawn(async move { bootstrap(req, &*keyring, Some(&metas), &Recorder::new()).await })
    };
    let target = env().target("staging").await;
    let secrets: Api<Secret> = Api::namespaced(target.client.clone(), &fleet.ns);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while secrets.get_opt("flux-system").await.ok().flatten().is_none() {
        assert!(std::time::Instant::now() < deadline, "bootstrap wrote the Secret");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let err = credential
        .rotations
        .lock(&credential.name)
        .expect_err("the credential is held while bootstrap runs");
    assert!(err.to_string().contains("another kubectl-fleet process"), "{err}");
    let out = run.await.expect("task").expect("bootstrap ran");
    assert_eq!(out.exit_status(), ExitStatus::Failure, "the wait timed out");
    drop(
        credential
            .rotations
            .lock(&credential.name)
            .expect("released at the end"),
    );
}

/// A Secret's data as strings, and its credential annotation.
async fn secret_state(
    context: &str,
    ns: &str,
    name: &str,
) -> (BTreeMap<String, String>, Option<String>, String) {
    let target = env().target(context).await;
    let api: Api<Secret> = Api::namespaced(target.client.clone(), ns);
    let s = api
        .get(name)
        .await
        .unwrap_or_else(|e| panic!("get {ns}/{name}: {e}"));
    let data = s
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
        .collect();
    let annotation = s
        .metadata
        .annotations
        .and_then(|a| a.get(CREDENTIAL_ANNOTATION).cloned());
    (data, annotation, s.metadata.resource_version.unwrap_or_default())
}

/// What a user does to a git Secret by hand for a self-hosted git server with a private CA, and
/// what an earlier write from a keyring credential left on it.
fn add_ca_and_annotation(context: &str, ns: &str, name: &str, credential: &str) {
    env().kubectl(
        context,
        &[
            "-n",
            ns,
            "patch",
            "secret",
            name,
            "--type",
            "merge",
            "-p",
            r#"{"stringData":{"ca.crt":"-----BEGIN CERTIFICATE-----"}}"#,
        ],
    );
    env().kubectl(
        context,
        &[
            "-n",
            ns,
            "annotate",
            "--overwrite",
            "secret",
            name,
            &format!("{CREDENTIAL_ANNOTATION}={credential}"),
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rewriting_a_git_secret_keeps_keys_it_does_not_own_and_drops_a_stale_credential_annotation() {
    // bootstrap: the sync Secret.
    let fleet = staging_fleet("keepca");
    let boot = |fleet: &Fleet| {
        let cmd = fleet.bootstrap(&["staging", "--token-env", "FLEET_TEST_TOKEN", "--no-wait"]);
        tokio::task::spawn_blocking(move || cmd.run())
    };
    boot(&fleet).await.expect("runs").ok();
    let stale = unique("old-bot");
    add_ca_and_annotation("staging", &fleet.ns, "flux-system", &stale);
    boot(&fleet).await.expect("runs").ok();
    let (data, annotation, rv) = secret_state("staging", &fleet.ns, "flux-system").await;
    assert_eq!(
        data.keys().collect::<Vec<_>>(),
        ["ca.crt", "password", "username"],
        "the CA added by hand survives a re-run"
    );
    assert_eq!(data["password"], fleet.token);
    assert_eq!(
        annotation, None,
        "a Secret rewritten from --token-env no longer claims credential {stale}"
    );
    let plan =
        fleet::credentials::cluster::plan_cluster(&env().target("staging").await, &stale, Some(&fleet.ns))
            .await
            .expect("plan");
    assert!(plan.secrets.is_empty() && plan.suspicious.is_empty(), "{plan:?}");
    // Re-running changes nothing.
    boot(&fleet).await.expect("runs").ok();
    assert_eq!(secret_state("staging", &fleet.ns, "flux-system").await.2, rv);

    // tenant create --apply: the tenant Secret.
    bootstrapped("staging").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (ns, tenant) = (unique("keepca-app"), unique("keepca"));
    let secret = format!("flux-{tenant}");
    let create = |extra: &'static [&'static str]| {
        create_apply(dir.path(), &ns, &tenant, &["staging"], extra).env("TENANT_PAT", "ghp_keepca_tenant")
    };
    create(&["--token-env", "TENANT_PAT"]).run().ok();
    add_ca_and_annotation("staging", "flux-system", &secret, &stale);
    create(&["--token-env", "TENANT_PAT", "--force"]).run().ok();
    let (data, annotation, rv) = secret_state("staging", "flux-system", &secret).await;
    assert_eq!(
        data.keys().collect::<Vec<_>>(),
        ["ca.crt", "password", "username"]
    );
    assert_eq!(data["password"], "ghp_keepca_tenant");
    assert_eq!(annotation, None);
    create(&["--token-env", "TENANT_PAT", "--force"]).run().ok();
    assert_eq!(
        secret_state("staging", "flux-system", &secret).await.2,
        rv,
        "re-running changes nothing"
    );
}

#[tokio::test]
async fn a_cluster_without_the_flux_crds_is_refused_by_preflight_with_nothing_written() {
    // A private cluster: deleting CRDs on the shared ones would break every other test.
    let private = PrivateCluster::up("staging");
    let target = private.target().await;
    apply(
        &target,
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "flux-system"}}),
    )
    .await;
    apply(&target, runtime_info("staging")).await;
    let deleted = private.kubectl(&[
        "delete",
        "crd",
        "gitrepositories.source.toolkit.fluxcd.io",
        "kustomizations.kustomize.toolkit.fluxcd.io",
        "fluxinstances.fluxcd.controlplane.io",
    ]);
    assert!(deleted.status.success(), "{deleted:?}");
    let kubeconfig = private.kubeconfig.to_string_lossy().into_owned();
    let token = "ghp_NoCrdTenantToken0123456789";

    // tenant create --apply: nothing of the tenant is created, and the missing CRD is named.
    let dir = tempfile::tempdir().expect("temp dir");
    let run = Cmd::fleet("kubectl-fleet-tenant")
        .args([
            "create",
            "nocrd-app",
            "--tenant",
            "nocrd",
            "--git-url",
            "https://github.com/acme/apps.git",
            "--apply",
            "--context",
            "staging",
            "--kubeconfig",
            &kubeconfig,
            "--token-env",
            "TENANT_PAT",
        ])
        .env("TENANT_PAT", token)
        .current_dir(dir.path())
        .run();
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("CustomResourceDefinition gitrepositories.source.toolkit.fluxcd.io is not installed"),
        "{}",
        run.stderr
    );
    assert!(!format!("{run:?}").contains(token), "the token leaked: {run:?}");
    let namespaces: Api<Namespace> = Api::all(target.client.clone());
    assert!(
        namespaces.get_opt("nocrd-app").await.expect("get").is_none(),
        "the tenant namespace was created"
    );
    let secrets: Api<Secret> = Api::namespaced(target.client.clone(), "flux-system");
    assert!(
        secrets.get_opt("flux-nocrd").await.expect("get").is_none(),
        "the tenant Secret was written"
    );

    // bootstrap: the operator is not installed and no Secret written before the FluxInstance
    // kind is found missing.
    let fleet = Fleet::new("nocrd");
    fleet
        .init(&[
            "init",
            "staging",
            "--git-url",
            "https://github.com/acme/fleet.git",
            "--domain",
            "staging.example.com",
        ])
        .ok();
    let run = fleet
        .bootstrap_with(
            &private.kubeconfig,
            &["staging", "--token-env", "FLEET_TEST_TOKEN", "--no-wait"],
        )
        .run();
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("CustomResourceDefinition fluxinstances.fluxcd.controlplane.io is not installed"),
        "{}",
        run.stderr
    );
    assert!(
        !format!("{run:?}").contains(&fleet.token),
        "the token leaked: {run:?}"
    );
    assert!(
        namespaces.get_opt(&fleet.ns).await.expect("get").is_none(),
        "the operator namespace was created"
    );

    // tree: the missing kind is named, exit 1.
    let run = Cmd::fleet("kubectl-fleet-tree")
        .args(["--kubeconfig", &kubeconfig, "--context", "staging"])
        .run();
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("Kustomization") && run.stderr.contains("not served"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flag_and_name_defects_are_usage_errors_and_dry_run_does_not_ask_for_a_given_token() {
    // An overflowing duration is a usage error naming the value, not a panic (exit 134 before).
    for bin in ["kubectl-fleet-token", "kubectl-fleet-bootstrap"] {
        let args: &[&str] = if bin == "kubectl-fleet-token" {
            &[
                "rotate",
                "fleet-bot",
                "--dry-run",
                "--timeout",
                "18446744073709551615h",
            ]
        } else {
            &[
                "staging",
                "--timeout",
                "18446744073709551615s18446744073709551615s",
            ]
        };
        let run = Cmd::fleet(bin).args(args).run();
        assert_eq!(run.code, 2, "{bin}: {run:?}");
        assert!(
            run.stderr.contains("18446744073709551615"),
            "{bin}: {}",
            run.stderr
        );
    }

    // `.` and `..` are not cluster names (they would be the fleet itself, or outside it).
    let fleet = staging_fleet("dots");
    for name in [".", ".."] {
        let run = tokio::task::spawn_blocking({
            let cmd = fleet.bootstrap(&[name, "--token-env", "FLEET_TEST_TOKEN", "--dry-run"]);
            move || cmd.run()
        })
        .await
        .expect("runs");
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains(&format!("cluster '{name}'")) && !run.stderr.contains("context"),
            "{}",
            run.stderr
        );
        let init = fleet.init(&["init", name, "--git-url", "https://github.com/acme/fleet.git"]);
        assert_eq!(init.code, 2, "{init:?}");
    }

    // `tenant create --apply --dry-run --token NAME` plans the Secret; it does not ask for a token.
    bootstrapped("staging").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (ns, tenant) = (unique("dry-app"), unique("dry"));
    let run = tokio::task::spawn_blocking({
        let cmd = create_apply(
            dir.path(),
            &ns,
            &tenant,
            &["staging"],
            &["--dry-run", "--token", "never-read-bot"],
        );
        move || cmd.run()
    })
    .await
    .expect("runs");
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("pass --token"), "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("flux-{tenant}")),
        "the Secret is planned: {}",
        run.stdout
    );
}

/// A token over plain http crosses the network unencrypted: every command where a git URL that
/// will carry a token enters the fleet, or where bootstrap writes the token for one, refuses
/// `http://` unless `--insecure-http` says so, before anything is written or applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_over_plain_http_needs_insecure_http_and_nothing_is_written_without_it() {
    const HTTP: &str = "http://git.lab.internal/acme/fleet.git";
    let refused = |run: &crate::common::Run, what: &str| {
        assert_eq!(run.code, 2, "{what}: {run:?}");
        assert!(
            run.stderr.contains("plain http") && run.stderr.contains("--insecure-http"),
            "{what}: {}",
            run.stderr
        );
    };

    // bootstrap init: the URL the sync's token Secret will be sent to.
    let fleet = Fleet::new("plainhttp");
    let run = fleet.init(&["init", "staging", "--git-url", HTTP, "--domain", "s.example.com"]);
    refused(&run, "bootstrap init");
    assert!(run.stderr.contains("--git-url"), "{}", run.stderr);
    assert!(!fleet.path().join("clusters").exists(), "nothing written");
    // A public repository has no token: any scheme Flux accepts.
    fleet
        .init(&[
            "init",
            "public",
            "--git-url",
            HTTP,
            "--public-repo",
            "--domain",
            "p.example.com",
        ])
        .ok();
    fleet
        .init(&[
            "init",
            "staging",
            "--git-url",
            HTTP,
            "--insecure-http",
            "--domain",
            "s.example.com",
        ])
        .ok();
    // --from copies the URL; the opt-in is not copied.
    let run = fleet.init(&["init", "prod", "--from", "staging", "--domain", "x.example.com"]);
    refused(&run, "bootstrap init --from");
    assert!(!fleet.path().join("clusters/prod").exists(), "nothing written");

    // bootstrap: the cluster directory's sync URL, checked before the first request.
    let run = tokio::task::spawn_blocking({
        let cmd = fleet.bootstrap(&["staging", "--token-env", "FLEET_TEST_TOKEN", "--no-wait"]);
        move || cmd.run()
    })
    .await
    .expect("runs");
    refused(&run, "bootstrap");
    assert!(run.stderr.contains("spec.sync.url"), "{}", run.stderr);
    assert!(!namespace_exists("staging", &fleet.ns).await, "nothing applied");
    let run = tokio::task::spawn_blocking({
        let cmd = fleet.bootstrap(&[
            "staging",
            "--token-env",
            "FLEET_TEST_TOKEN",
            "--insecure-http",
            "--dry-run",
        ]);
        move || cmd.run()
    })
    .await
    .expect("runs");
    assert_eq!(run.code, 0, "with --insecure-http the plan goes on: {run:?}");
    fleet.assert_no_token(&[&run]);

    // tenant create and component add: their GitRepositories read the tenant's token Secret.
    let dir = tempfile::tempdir().expect("temp dir");
    let tenant = |args: &[&str]| {
        Cmd::fleet("kubectl-fleet-tenant")
            .current_dir(dir.path())
            .args(args)
            .run()
    };
    let run = tenant(&["create", "web", "--tenant", "apps", "--git-url", HTTP]);
    refused(&run, "tenant create");
    let run = tenant(&["component", "add", "monitoring", "--git-url", HTTP]);
    refused(&run, "tenant component add");
    assert!(
        std::fs::read_dir(dir.path()).expect("dir").next().is_none(),
        "nothing written"
    );
    tenant(&[
        "create",
        "web",
        "--tenant",
        "apps",
        "--git-url",
        HTTP,
        "--insecure-http",
    ])
    .ok();
    tenant(&[
        "component",
        "add",
        "monitoring",
        "--git-url",
        HTTP,
        "--insecure-http",
    ])
    .ok();
}
