//! GitHub App credentials in the Secrets bootstrap and tenant `--apply` write (issue 17), with the
//! real Secret Service and the real apiserver: the App form (`githubAppID`,
//! `githubAppInstallationID`, `githubAppPrivateKey`, `githubAppBaseURL` for an Enterprise API)
//! with no token keys; `--dry-run` shows it with the key redacted; a generated source without
//! `provider: github`, or `--username`, is refused before anything is written; the key never
//! appears in any output or file.

use std::path::Path;

use k8s_openapi::api::core::v1::Secret;
use kube::Api;

use crate::{
    common::{Cmd, PrivateCluster, Run, apply, env, unique},
    files_under,
    github_app::github::{FakeGithub, generate_key},
    support::git_repository_with_provider,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_and_tenant_write_the_app_form_and_refuse_a_generic_source() {
    let github = FakeGithub::start();
    let (pem, _, public) = generate_key();
    github.add_app(41, &public);
    github.install(41, 410, &["acme/fleet", "acme/apps"]);
    let config = tempfile::tempdir().expect("config dir");
    let (generic, app_fleet) = (
        tempfile::tempdir().expect("fleet dir"),
        tempfile::tempdir().expect("fleet dir"),
    );
    let key_dir = tempfile::tempdir().expect("key dir");
    let key_file = key_dir.path().join("app.pem");
    std::fs::write(&key_file, &pem).expect("write key");
    let ns = unique("kr-app");
    let credential = unique("fleet-app");
    let (tenant, tenant_ns) = (unique("kr-tn"), unique("kr-tns"));
    let kubeconfig = env().kubeconfig.display().to_string();
    let api = github.api();
    let operator = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/bootstrap/operator.yaml"),
    )
    .expect("fixture")
    .replace("NAMESPACE", &ns)
    .replace("VERSION", "v0.58.1");
    let mut outputs: Vec<Run> = Vec::new();
    let run = |dir: &Path, bin: &str, args: &[&str]| -> Run {
        Cmd::fleet(bin)
            .env("XDG_CONFIG_HOME", config.path())
            .current_dir(dir)
            .args(args)
            .run()
    };
    let init = |dir: &Path, extra: &[&str]| -> Run {
        std::fs::write(dir.join("operator.yaml"), &operator).expect("write manifest");
        let mut args = vec![
            "init",
            "staging",
            "-n",
            &ns,
            "--git-url",
            "https://github.com/acme/fleet.git",
            "--domain",
            "preview1.example.com",
        ];
        args.extend(extra);
        run(dir, "kubectl-fleet-bootstrap", &args)
    };
    let bootstrap = |dir: &Path, extra: &[&str]| -> Run {
        let mut args = vec![
            "--kubeconfig",
            &kubeconfig,
            "staging",
            "--token",
            &credential,
            "--operator-manifest",
            "operator.yaml",
            "--no-wait",
        ];
        args.extend(extra);
        run(dir, "kubectl-fleet-bootstrap", &args)
    };

    outputs.push(run(
        generic.path(),
        "kubectl-fleet-token",
        &[
            "set",
            &credential,
            "--github-app",
            "--app-id",
            "41",
            "--installation-id",
            "410",
            "--github-url",
            &api,
            "--private-key-file",
            key_file.to_str().expect("utf-8"),
        ],
    ));
    outputs.push(init(generic.path(), &[]));
    outputs.push(init(app_fleet.path(), &["--provider", "github"]));
    for r in &outputs {
        r.ok();
    }
    let fi = std::fs::read_to_string(
        app_fleet
            .path()
            .join("clusters/staging/flux-system/flux-instance.yaml"),
    )
    .expect("FluxInstance");
    let fi: serde_json::Value = fleet::manifests::yaml::from_str(&fi, "fi").expect("yaml");
    assert_eq!(fi["spec"]["sync"]["provider"], "github");

    // A FluxInstance without provider github cannot use an App: refused, nothing written.
    let refused = bootstrap(generic.path(), &[]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("is a GitHub App")
            && refused.stderr.contains("--provider github")
            && refused.stderr.contains("flux-instance.yaml"),
        "{}",
        refused.stderr
    );
    outputs.push(refused);
    // An App Secret has no username.
    let username = bootstrap(app_fleet.path(), &["--username", "bot"]);
    assert_eq!(username.code, 2, "{username:?}");
    assert!(
        username
            .stderr
            .contains("--username applies to token Secrets only"),
        "{}",
        username.stderr
    );
    outputs.push(username);
    let target = env().target("staging").await;
    let secrets: Api<Secret> = Api::namespaced(target.client.clone(), &ns);
    assert!(
        secrets.get_opt("flux-system").await.expect("get").is_none(),
        "nothing written by the refused runs"
    );

    // --dry-run: the App form, the key redacted.
    let plan = bootstrap(app_fleet.path(), &["--dry-run"]);
    let text = plan.ok().to_string();
    for want in [
        "githubAppID: \"41\"",
        "githubAppInstallationID: \"410\"",
        "githubAppPrivateKey: <redacted>",
        &format!("githubAppBaseURL: {api}"),
    ] {
        assert!(text.contains(want), "{want} not in the plan:\n{text}");
    }
    assert!(!text.contains("password"), "{text}");
    outputs.push(plan);

    // The cluster still runs the generic sync source of the token it had (flux-operator names it
    // after the namespace): an App is not refused for it, bootstrap sets provider: github on the
    // FluxInstance itself, with the Secret.
    apply(
        &target,
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
    apply(
        &target,
        git_repository_with_provider(&ns, &ns, "flux-system", None),
    )
    .await;

    let boot = bootstrap(app_fleet.path(), &[]);
    boot.ok();
    outputs.push(boot);
    let fs = secrets.get("flux-system").await.expect("flux-system Secret");
    assert_app_form(&fs, "41", "410", &api, &pem);
    assert_eq!(
        fs.metadata.annotations.clone().unwrap_or_default()["kubectl-fleet.dev/credential"],
        credential
    );

    // tenant create --apply: refused without --provider github, the App form with it.
    let info = std::fs::read_to_string(app_fleet.path().join("clusters/staging/runtime-info.yaml"))
        .expect("runtime info");
    apply(
        &target,
        fleet::manifests::yaml::from_str(&info, "runtime-info.yaml").expect("parses"),
    )
    .await;
    let tenant_create = |extra: &[&str]| -> Run {
        let mut args = vec![
            "--kubeconfig",
            &kubeconfig,
            "create",
            &tenant_ns,
            "--tenant",
            &tenant,
            "--git-url",
            "https://github.com/acme/apps.git",
            "--apply",
            "--context",
            "staging",
            "--token",
            &credential,
        ];
        args.extend(extra);
        run(app_fleet.path(), "kubectl-fleet-tenant", &args)
    };
    let refused = tenant_create(&[]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("add --provider github"),
        "{}",
        refused.stderr
    );
    outputs.push(refused);
    let created = tenant_create(&["--provider", "github"]);
    created.ok();
    outputs.push(created);
    let sync = std::fs::read_to_string(
        app_fleet
            .path()
            .join(format!("tenants/{tenant}/components/{tenant_ns}/sync.yaml")),
    )
    .expect("sync.yaml");
    assert!(sync.contains("provider: github"), "{sync}");
    let ts = secrets
        .get(&format!("flux-{tenant}"))
        .await
        .expect("tenant Secret");
    let tdata = ts.data.clone().expect("data");
    assert!(
        tdata.contains_key("githubAppPrivateKey") && !tdata.contains_key("password"),
        "{:?}",
        tdata.keys().collect::<Vec<_>>()
    );

    // No key material anywhere: outputs, the config directory, the fleet directories.
    let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut texts: Vec<(String, String)> = outputs
        .iter()
        .map(|r| ("output".to_string(), format!("{}\n{}", r.stdout, r.stderr)))
        .collect();
    for dir in [config.path(), generic.path(), app_fleet.path()] {
        for f in files_under(dir) {
            texts.push((
                f.display().to_string(),
                std::fs::read_to_string(&f).unwrap_or_default(),
            ));
        }
    }
    for (what, text) in &texts {
        for line in &body {
            assert!(!text.contains(line), "private key material in {what}");
        }
        for i in github.issued() {
            assert!(!text.contains(&i.token), "installation token in {what}");
        }
    }
    run(generic.path(), "kubectl-fleet-token", &["delete", &credential]).ok();
}

/// keos: `keos-fleet` and the domain GitRepositories of the use case read the one Flux Secret. A
/// chain without `provider: github` is refused for an App before any change; with `bootstrap init
/// --provider github` the Secret gets the App form, still replicated by kubernetes-replicator,
/// and `--dry-run` shows it with the key redacted. On a private cluster: keos runs in flux-system.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keos_bootstrap_writes_the_app_form_where_every_chain_source_says_provider_github() {
    const AGE_RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    const AGE_IDENTITY: &str = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    const NS: &str = "flux-system";
    let github = FakeGithub::start();
    let (pem, _, public) = generate_key();
    github.add_app(42, &public);
    github.install(
        42,
        420,
        &["acme/keos-fleet", "acme/keos-system-services", "acme/keos-apps"],
    );
    let api = github.api();
    let private = PrivateCluster::up("keos-app");
    let cluster = private.context.clone();
    let target = private.target().await;
    // keos-installer's part: the controllers' Deployments, Available.
    apply(
        &target,
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
    )
    .await;
    for name in ["source-controller", "kustomize-controller"] {
        apply(&target, serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": NS},
            "spec": {
                "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}},
                             "spec": {"containers": [{"name": "manager", "image": format!("ghcr.io/fluxcd/{name}:v1")}]}},
            },
            "status": {"conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]},
        }))
        .await;
    }
    let config = tempfile::tempdir().expect("config dir");
    let (generic, app_fleet) = (
        tempfile::tempdir().expect("fleet dir"),
        tempfile::tempdir().expect("fleet dir"),
    );
    let key_dir = tempfile::tempdir().expect("key dir");
    let key_file = key_dir.path().join("app.pem");
    std::fs::write(&key_file, &pem).expect("write key");
    let age_key = key_dir.path().join("age.agekey");
    std::fs::write(&age_key, format!("{AGE_IDENTITY}\n")).expect("age key");
    let credential = unique("keos-app");
    let kubeconfig = private.kubeconfig.display().to_string();
    let run = |dir: &Path, bin: &str, args: &[&str]| -> Run {
        Cmd::fleet(bin)
            .env("XDG_CONFIG_HOME", config.path())
            .current_dir(dir)
            .args(args)
            .run()
    };
    let init = |dir: &Path, extra: &[&str]| -> Run {
        std::fs::write(
            dir.join("kubectl-fleet.yaml"),
            "profile: keos\nuseCase: talk-to-your-data\n",
        )
        .expect("fleet config");
        let mut args = vec![
            "init",
            cluster.as_str(),
            "--git-url",
            "https://github.com/acme/keos-fleet.git",
            "--domain",
            "k8s.example.com",
            "--set",
            "STRATIO_SIZE=S",
            "--set",
            "CONTAINER_REGISTRY_URL=registry.example.com:443",
            "--set",
            "HELM_REGISTRY_PROVIDER=generic",
            "--set",
            "HELM_REGISTRY_TYPE=default",
            "--set",
            "HELM_REGISTRY_URL=https://helm.example.com",
            "--sops-age",
            AGE_RECIPIENT,
            "--system-services-git-url",
            "https://github.com/acme/keos-system-services.git",
            "--apps-git-url",
            "https://github.com/acme/keos-apps.git",
        ];
        args.extend(extra);
        run(dir, "kubectl-fleet-bootstrap", &args)
    };
    let age_arg = age_key.display().to_string();
    let bootstrap = |dir: &Path, extra: &[&str]| -> Run {
        let mut args = vec![
            "--kubeconfig",
            &kubeconfig,
            cluster.as_str(),
            "--token",
            &credential,
            "--sops-age-key",
            &age_arg,
            "--no-wait",
        ];
        args.extend(extra);
        run(dir, "kubectl-fleet-bootstrap", &args)
    };
    let mut outputs: Vec<Run> = vec![
        run(
            generic.path(),
            "kubectl-fleet-token",
            &[
                "set",
                &credential,
                "--github-app",
                "--app-id",
                "42",
                "--installation-id",
                "420",
                "--github-url",
                &api,
                "--private-key-file",
                key_file.to_str().expect("utf-8"),
            ],
        ),
        init(generic.path(), &[]),
        init(app_fleet.path(), &["--provider", "github"]),
    ];
    for r in &outputs {
        r.ok();
    }
    let secrets: Api<Secret> = Api::namespaced(target.client.clone(), NS);

    // keos-fleet without provider github: refused before any change.
    let refused = bootstrap(generic.path(), &[]);
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains(&format!(
            "clusters/{cluster}/default/flux-system: GitRepository keos-fleet has provider 'generic', but --token credential '{credential}' is a GitHub App"
        )),
        "{}",
        refused.stderr
    );
    outputs.push(refused);
    // --dry-run: the App form, redacted, replicated.
    let plan = bootstrap(app_fleet.path(), &["--dry-run"]);
    let text = plan.ok().to_string();
    for want in [
        "githubAppID: \"42\"",
        "githubAppInstallationID: \"420\"",
        "githubAppPrivateKey: <redacted>",
        &format!("githubAppBaseURL: {api}"),
        "replicator.v1.mittwald.de/replicate-to: .*",
        "provider: github",
    ] {
        assert!(text.contains(want), "{want} not in the plan:\n{text}");
    }
    assert!(!text.contains("password"), "{text}");
    outputs.push(plan);
    assert!(
        secrets.get_opt("flux-system").await.expect("get").is_none(),
        "nothing written by the refused run and the dry run"
    );

    // The cluster still runs the generic keos-fleet of the token it had: an App is not refused
    // for it, bootstrap applies keos-fleet with provider: github itself (asserted below).
    apply(
        &target,
        git_repository_with_provider(NS, "keos-fleet", "flux-system", None),
    )
    .await;

    let boot = bootstrap(app_fleet.path(), &[]);
    boot.ok();
    outputs.push(boot);
    let fs = secrets.get("flux-system").await.expect("flux-system Secret");
    assert_app_form(&fs, "42", "420", &api, &pem);
    let annotations = fs.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(annotations["kubectl-fleet.dev/credential"], credential);
    assert_eq!(annotations["replicator.v1.mittwald.de/replicate-to"], ".*");
    let repo = crate::common::get(
        &target,
        &serde_json::json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                            "metadata": {"name": "keos-fleet", "namespace": NS}}),
    )
    .await
    .expect("GitRepository keos-fleet");
    let repo = serde_json::to_value(repo).expect("json");
    assert_eq!(repo["spec"]["provider"], "github");
    assert_eq!(repo["spec"]["secretRef"]["name"], "flux-system");

    let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut texts: Vec<(String, String)> = outputs
        .iter()
        .map(|r| ("output".to_string(), format!("{}\n{}", r.stdout, r.stderr)))
        .collect();
    for dir in [config.path(), generic.path(), app_fleet.path()] {
        for f in files_under(dir) {
            texts.push((
                f.display().to_string(),
                std::fs::read_to_string(&f).unwrap_or_default(),
            ));
        }
    }
    for (what, text) in &texts {
        for line in &body {
            assert!(!text.contains(line), "private key material in {what}");
        }
        assert!(!text.contains(AGE_IDENTITY), "the age identity in {what}");
        for i in github.issued() {
            assert!(!text.contains(&i.token), "installation token in {what}");
        }
    }
    run(generic.path(), "kubectl-fleet-token", &["delete", &credential]).ok();
}

/// The Secret holds the App form and nothing else: the four keys source-controller reads.
fn assert_app_form(
    secret: &k8s_openapi::api::core::v1::Secret,
    id: &str,
    installation: &str,
    api: &str,
    pem: &str,
) {
    let data = secret.data.clone().expect("data");
    let keys: Vec<&str> = data.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "githubAppBaseURL",
            "githubAppID",
            "githubAppInstallationID",
            "githubAppPrivateKey"
        ]
    );
    let read = |k: &str| String::from_utf8_lossy(&data[k].0).into_owned();
    assert_eq!(read("githubAppID"), id);
    assert_eq!(read("githubAppInstallationID"), installation);
    assert_eq!(read("githubAppBaseURL"), api);
    assert_eq!(read("githubAppPrivateKey"), pem.trim());
}
