//! `--provider github` (issue 17): `bootstrap init` and `tenant create` write `provider: github`
//! where Flux reads it and refuse what source-controller could not fetch with a GitHub App; a
//! bootstrap whose credential and generated source disagree on the provider changes nothing.

use std::path::Path;

use fleet::manifests::yaml;
use serde_json::{Value, json};

use crate::{
    bootstrap::{D1_FLEET_URL, Fleet},
    common::{Cmd, Run, apply, env},
};

const GITHUB_FLEET: &str = "https://github.com/acme/fleet.git";

fn init(fleet: &Fleet, cluster: &str, extra: &[&str]) -> Run {
    let mut args = vec!["init", cluster, "--domain", "a.example.com"];
    args.extend(extra);
    fleet.init(&args)
}

fn tenant(dir: &Path, args: &[&str]) -> Run {
    Cmd::fleet("kubectl-fleet-tenant")
        .args(args)
        .current_dir(dir)
        .run()
}

fn doc(path: &Path, kind: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml::from_multi_doc(&text, "generated")
        .expect("YAML")
        .into_iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {}", path.display()))
}

#[test]
fn init_provider_github_writes_it_where_flux_reads_it_and_refuses_what_an_app_cannot_fetch() {
    let fleet = Fleet::new("init-gh");
    init(
        &fleet,
        "staging",
        &["--git-url", GITHUB_FLEET, "--provider", "github"],
    )
    .ok();
    let fi = doc(
        &fleet
            .path()
            .join("clusters/staging/flux-system/flux-instance.yaml"),
        "FluxInstance",
    );
    assert_eq!(fi["spec"]["sync"]["provider"], "github");
    // --from keeps the provider.
    init(&fleet, "prod", &["--from", "staging", "--production"]).ok();
    let prod = doc(
        &fleet.path().join("clusters/prod/flux-system/flux-instance.yaml"),
        "FluxInstance",
    );
    assert_eq!(prod["spec"]["sync"]["provider"], "github");
    // Classic: the GitRepository's spec.provider.
    init(
        &fleet,
        "legacy",
        &[
            "--git-url",
            GITHUB_FLEET,
            "--provider",
            "github",
            "--layout",
            "classic",
            "--components-manifest",
            "gotk-components.yaml",
        ],
    )
    .ok();
    let repo = doc(
        &fleet.path().join("clusters/legacy/flux-system/gotk-sync.yaml"),
        "GitRepository",
    );
    assert_eq!(repo["spec"]["provider"], "github");

    let refusals: [(&str, &[&str], &str); 6] = [
        (
            "gitlab",
            &["--git-url", "https://gitlab.com/acme/fleet.git"],
            "'gitlab.com' is GitLab, not GitHub",
        ),
        (
            "subgroup",
            &["--git-url", "https://github.com/acme/team/fleet.git"],
            "not a GitHub repository path",
        ),
        (
            "ssh",
            &["--git-url", "ssh://git@github.com/acme/fleet.git"],
            "installation tokens over HTTPS",
        ),
        (
            "http",
            &["--git-url", "http://git.example.com/acme/fleet.git"],
            "--insecure-http",
        ),
        (
            "public",
            &["--git-url", GITHUB_FLEET, "--public-repo"],
            "--public-repo",
        ),
        (
            "unknown",
            &["--git-url", GITHUB_FLEET, "--provider", "gitlab"],
            "invalid value 'gitlab'",
        ),
    ];
    for (name, args, why) in refusals {
        let mut args = args.to_vec();
        if name != "unknown" {
            args.extend(["--provider", "github"]);
        }
        let run = init(&fleet, name, &args);
        assert_eq!(run.code, 2, "{name}: {run:?}");
        assert!(run.stderr.contains(why), "{name}: {}", run.stderr);
        assert!(
            !fleet.path().join("clusters").join(name).exists(),
            "{name}: nothing written"
        );
    }
    // A lab git server over http is accepted with --insecure-http.
    init(
        &fleet,
        "lab",
        &[
            "--git-url",
            "http://127.0.0.1:9/acme/fleet.git",
            "--provider",
            "github",
            "--insecure-http",
        ],
    )
    .ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_refuses_a_token_for_a_provider_github_source_before_any_cluster() {
    let fleet = Fleet::new("boot-gh");
    init(
        &fleet,
        "staging",
        &["--git-url", GITHUB_FLEET, "--provider", "github"],
    )
    .ok();
    let run = fleet
        .bootstrap(&["staging", "--token-env", "FLEET_TEST_TOKEN", "--no-wait"])
        .run();
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("has provider: github, which needs a GitHub App Secret")
            && run.stderr.contains("flux-instance.yaml"),
        "{}",
        run.stderr
    );
    crate::bootstrap::assert_no_namespace(&fleet.ns).await;
    fleet.assert_no_token(&[&run]);
}

/// A token while the cluster still runs `provider: github` (Flux applied it from git; the fleet
/// repository already says generic): source-controller would refuse the token Secret and never
/// fetch the commit that drops the provider, so the preflight refuses and changes nothing, naming
/// the source and the Kustomization to reconcile. Once the cluster's source says generic, the
/// same bootstrap writes the Secret. A source the fleet does not declare is not judged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_refuses_a_token_while_the_cluster_still_runs_provider_github() {
    let fleet = Fleet::new("live-gh");
    init(&fleet, "staging", &["--git-url", GITHUB_FLEET]).ok();
    // flux-operator names the sync source after the namespace (sync.name unset) and labels it
    // as its own: the Kustomization to reconcile is the cluster's sync.
    let ns = fleet.ns.clone();
    refused_while_the_cluster_runs_github(&fleet, &[], &ns, false, &format!("{ns}/{ns}")).await;
}

/// The same on a classic cluster (its sync objects are named after the namespace, as `flux
/// bootstrap` names them): the sync GitRepository carries kustomize-controller's labels, and the
/// Kustomization they name is the one to reconcile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn classic_bootstrap_refuses_a_token_while_the_cluster_still_runs_provider_github() {
    let fleet = Fleet::new("live-gh-classic");
    fleet
        .init(&[
            "init",
            "staging",
            "--layout",
            "classic",
            "--components-manifest",
            "gotk-components.yaml",
            "--git-url",
            GITHUB_FLEET,
            "--domain",
            "a.example.com",
            "--components",
            "source-controller,kustomize-controller",
        ])
        .ok();
    let kubectl = env().kubectl.display().to_string();
    let ns = fleet.ns.clone();
    refused_while_the_cluster_runs_github(
        &fleet,
        &["--kubectl", &kubectl],
        &ns,
        true,
        &format!("{ns}/fleet-sync"),
    )
    .await;
}

/// Plants the sync source `sync` (and a source of another fleet) with `provider: github`, as
/// applied by Kustomization `fleet-sync` when `labelled`, checks that a token bootstrap of
/// cluster `staging` is refused naming it and Kustomization `ks` (NAMESPACE/NAME), then
/// switches the source to generic and checks that the same bootstrap writes the token Secret.
async fn refused_while_the_cluster_runs_github(
    fleet: &Fleet,
    extra: &[&str],
    sync: &str,
    labelled: bool,
    ks: &str,
) {
    let target = env().target("staging").await;
    let ns = fleet.ns.clone();
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
    )
    .await;
    let source = |name: &str, provider: Option<&str>| {
        let mut repo = json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
               "metadata": {"name": name, "namespace": ns},
               "spec": {"interval": "10m", "url": GITHUB_FLEET, "secretRef": {"name": "flux-system"}}});
        if let Some(p) = provider {
            repo["spec"]["provider"] = json!(p);
        }
        if labelled {
            repo["metadata"]["labels"] = json!({"kustomize.toolkit.fluxcd.io/name": "fleet-sync",
                                                "kustomize.toolkit.fluxcd.io/namespace": ns});
        }
        repo
    };
    apply(&target, source(sync, Some("github"))).await;
    // Not a source of this fleet: not judged, even though it reads the same Secret.
    apply(&target, source("elsewhere", Some("github"))).await;
    let boot = || {
        let mut args = vec!["staging", "--token-env", "FLEET_TEST_TOKEN", "--no-wait"];
        args.extend_from_slice(extra);
        fleet.bootstrap(&args).run()
    };
    let refused = boot();
    assert_eq!(refused.code, 1, "{refused:?}");
    for want in [
        format!("GitRepository {ns}/{sync} has provider: github on the cluster"),
        format!("'kubectl fleet reconcile ks/{ks} --with-source'"),
    ] {
        assert!(
            refused.stderr.contains(&want),
            "{want} not in:\n{}",
            refused.stderr
        );
    }
    assert!(!refused.stderr.contains("elsewhere"), "{}", refused.stderr);
    let secrets: kube::Api<k8s_openapi::api::core::v1::Secret> =
        kube::Api::namespaced(target.client.clone(), &ns);
    assert!(
        secrets.get_opt("flux-system").await.expect("get").is_none(),
        "nothing written"
    );

    // Flux applied the commit that drops the provider.
    apply(&target, source(sync, None)).await;
    let booted = boot();
    booted.ok();
    let data = secrets
        .get("flux-system")
        .await
        .expect("flux-system Secret")
        .data
        .unwrap_or_default();
    assert!(
        data.contains_key("password"),
        "{:?}",
        data.keys().collect::<Vec<_>>()
    );
    fleet.assert_no_token(&[&refused, &booted]);
    env().kubectl("staging", &["delete", "namespace", &ns, "--wait=false"]);
}

#[test]
fn tenant_create_provider_github_writes_it_and_keeps_a_tenant_consistent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let apps = "https://github.com/acme/apps.git";
    tenant(
        dir.path(),
        &[
            "create",
            "backend",
            "--tenant",
            "apps",
            "--git-url",
            apps,
            "--provider",
            "github",
        ],
    )
    .ok();
    let repo = doc(
        &dir.path().join("tenants/apps/components/backend/sync.yaml"),
        "GitRepository",
    );
    assert_eq!(repo["spec"]["provider"], "github");
    assert_eq!(repo["spec"]["secretRef"]["name"], "flux-apps");

    // The tenant's namespaces share its Secret: a second one must use the same provider.
    let mixed = tenant(dir.path(), &["create", "frontend", "--tenant", "apps"]);
    assert_eq!(mixed.code, 2, "{mixed:?}");
    assert!(
        mixed
            .stderr
            .contains("tenant 'apps' already reads its Secret with provider github"),
        "{}",
        mixed.stderr
    );
    tenant(
        dir.path(),
        &["create", "frontend", "--tenant", "apps", "--provider", "github"],
    )
    .ok();

    let bad = tenant(
        dir.path(),
        &[
            "create",
            "web",
            "--tenant",
            "web",
            "--git-url",
            "https://gitlab.com/acme/web.git",
            "--provider",
            "github",
        ],
    );
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("is GitLab, not GitHub"), "{}", bad.stderr);
    assert!(!dir.path().join("tenants/web").exists(), "nothing written");
    // Another tenant keeps the default (generic) provider.
    tenant(
        dir.path(),
        &["create", "shop", "--tenant", "shop", "--git-url", D1_FLEET_URL],
    )
    .ok();
    let generic = doc(
        &dir.path().join("tenants/shop/components/shop/sync.yaml"),
        "GitRepository",
    );
    assert!(generic["spec"].get("provider").is_none(), "{generic}");
}

// ------------------------------------------------------------------------------------------------
// keos: keos-fleet and the use case's domain GitRepositories (keos-system-services, keos-apps) all
// read the Flux Secret, so they share one provider.

/// d1: `tenant component add` scaffolds `flux-infra`, which reads the Flux Secret on every
/// cluster, with the provider the clusters' FluxInstance syncs agree on; refused (exit 2, nothing
/// written) when they disagree, as no Secret form could serve both.
#[test]
fn d1_component_source_follows_the_fleet_provider() {
    let fleet = Fleet::new("component-gh");
    init(
        &fleet,
        "staging",
        &["--git-url", GITHUB_FLEET, "--provider", "github"],
    )
    .ok();
    let infra = "https://github.com/acme/infra.git";
    tenant(
        fleet.path(),
        &["component", "add", "monitoring", "--git-url", infra],
    )
    .ok();
    let source = fleet.path().join("tenants/infra/components/source.yaml");
    assert_eq!(doc(&source, "GitRepository")["spec"]["provider"], "github");

    // A second cluster on a token: the shared source cannot serve both.
    init(&fleet, "prod", &["--git-url", GITHUB_FLEET]).ok();
    std::fs::remove_dir_all(fleet.path().join("tenants/infra/components")).expect("rm");
    let before = snapshot(fleet.path());
    let run = tenant(fleet.path(), &["component", "add", "logging", "--git-url", infra]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("clusters/staging/flux-system/flux-instance.yaml")
            && run
                .stderr
                .contains("clusters/prod/flux-system/flux-instance.yaml")
            && run.stderr.contains("read Secret flux-system on every cluster"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(fleet.path()), before, "nothing written");
}

const KEOS_CONFIG: &str = "profile: keos\nuseCase: uc\n";
const KEOS_FLEET: &str = "https://github.com/acme/keos-fleet.git";
const KEOS_SERVICES: &str = "https://github.com/acme/keos-system-services.git";
const KEOS_APPS: &str = "https://github.com/acme/keos-apps.git";
/// The files of a keos fleet whose GitRepositories read the Flux Secret.
const KEOS_SOURCES: &[&str] = &[
    "domain/system-services/uc/components/source.yaml",
    "domain/apps/uc/prerequisites/source.yaml",
];

fn keos_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("kubectl-fleet.yaml"), KEOS_CONFIG).expect("fleet config");
    dir
}

/// `bootstrap init CLUSTER` on a keos fleet with the runtime keys set, plus `extra`.
fn keos_init(dir: &Path, cluster: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "init",
        cluster,
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
    ];
    args.extend(extra);
    Cmd::fleet("kubectl-fleet-bootstrap")
        .current_dir(dir)
        .args(args)
        .run()
}

/// The new use case's domain directories too.
const KEOS_DOMAINS: &[&str] = &[
    "--git-url",
    KEOS_FLEET,
    "--system-services-git-url",
    KEOS_SERVICES,
    "--apps-git-url",
    KEOS_APPS,
];

/// Every file under `root`, relative, with its bytes: to prove a refused command wrote nothing.
/// d1's platform source (`flux-infra`) is shared by every cluster and reads the Secret the syncs
/// read (`flux-system`): a cluster whose sync reads another is told bootstrap's token will not reach
/// it (warned, not refused: the Secret may be made another way).
#[test]
fn d1_init_names_the_shared_source_a_custom_pull_secret_leaves_out() {
    let fleet = Fleet::new("pull-secret");
    init(&fleet, "staging", &["--git-url", GITHUB_FLEET]).ok();
    tenant(
        fleet.path(),
        &[
            "component",
            "add",
            "monitoring",
            "--git-url",
            "https://github.com/acme/infra.git",
        ],
    )
    .ok();
    let run = init(&fleet, "prod", &["--git-url", GITHUB_FLEET]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let run = init(
        &fleet,
        "edge",
        &["--git-url", GITHUB_FLEET, "--pull-secret", "fleet-git"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(
            "tenants/infra/components/source.yaml: GitRepository flux-infra reads Secret flux-system, \
             but on cluster 'edge' the sync reads Secret fleet-git (--pull-secret) and bootstrap \
             writes only that one: create Secret flux-system on the cluster, or pass --pull-secret \
             flux-system"
        ),
        "{}",
        run.stderr
    );
    let run = init(&fleet, "public", &["--git-url", GITHUB_FLEET, "--public-repo"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("the sync reads no Secret (--public-repo)"),
        "{}",
        run.stderr
    );
}

fn snapshot(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root").display().to_string();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The `spec.provider` of the GitRepository in each file (None: generic).
fn providers(root: &Path, files: &[String]) -> Vec<Option<String>> {
    files
        .iter()
        .map(|f| {
            doc(&root.join(f), "GitRepository")["spec"]["provider"]
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

fn keos_sources(cluster: &str) -> Vec<String> {
    let mut out = vec![format!("clusters/{cluster}/default/flux-system/gotk-sync.yaml")];
    out.extend(KEOS_SOURCES.iter().map(|s| s.to_string()));
    out
}

#[test]
fn keos_init_provider_github_writes_it_on_every_flux_secret_source_and_refuses_a_mismatch() {
    let dir = keos_repo();
    let root = dir.path();
    let mut args = KEOS_DOMAINS.to_vec();
    args.extend(["--provider", "github"]);
    keos_init(root, "c1", &args).ok();
    let github = Some("github".to_string());
    assert_eq!(providers(root, &keos_sources("c1")), vec![github.clone(); 3]);
    let apps = doc(&root.join(KEOS_SOURCES[1]), "GitRepository");
    assert_eq!(apps["metadata"]["name"], "keos-apps");
    assert_eq!(apps["metadata"]["namespace"], "flux-system");
    assert_eq!(apps["spec"]["secretRef"]["name"], "flux-system");
    assert_eq!(apps["spec"]["url"], KEOS_APPS);

    // --from keeps the provider; so does a cluster that asks for it.
    keos_init(root, "c2", &["--from", "c1"]).ok();
    keos_init(root, "c3", &["--git-url", KEOS_FLEET, "--provider", "github"]).ok();
    for c in ["c2", "c3"] {
        let sync = doc(
            &root.join(format!("clusters/{c}/default/flux-system/gotk-sync.yaml")),
            "GitRepository",
        );
        assert_eq!(sync["spec"]["provider"], "github", "{c}");
    }

    // The domain directories are shared by every cluster of the use case: a cluster asking for
    // another provider (by default or by flag) is refused, naming the file and the field.
    let before = snapshot(root);
    for (cluster, extra) in [
        ("c4", &["--git-url", KEOS_FLEET][..]),
        ("c4", &["--git-url", KEOS_FLEET, "--provider", "generic"][..]),
        ("c1", &["--git-url", KEOS_FLEET, "--force"][..]),
    ] {
        let run = keos_init(root, cluster, extra);
        assert_eq!(run.code, 2, "{extra:?}: {run:?}");
        assert!(
            run.stderr.contains(&format!(
                "{}: GitRepository keos-system-services has spec.provider github",
                KEOS_SOURCES[0]
            )) && run.stderr.contains("pass --provider github"),
            "{}",
            run.stderr
        );
        assert_eq!(snapshot(root), before, "{extra:?}: nothing written");
    }

    // Refused for a new use case before anything is written: every source of the App must be a
    // GitHub repository, and a public repository has no Secret to read an App from.
    for (extra, why) in [
        (
            vec![
                "--git-url",
                KEOS_FLEET,
                "--system-services-git-url",
                KEOS_SERVICES,
                "--apps-git-url",
                "https://gitlab.com/acme/keos-apps.git",
            ],
            "invalid --apps-git-url",
        ),
        (
            vec!["--git-url", KEOS_FLEET, "--public-repo"],
            "a public repository (--public-repo) needs no provider",
        ),
    ] {
        let mut extra = extra;
        extra.extend(["--provider", "github", "--use-case", "other"]);
        let run = keos_init(root, "c5", &extra);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains(why), "{}", run.stderr);
        assert_eq!(snapshot(root), before, "nothing written");
    }

    // The tenant commands scaffold a missing domain source with the provider of the others.
    std::fs::remove_dir_all(root.join("domain/apps/uc/prerequisites")).expect("rm");
    let refused = tenant(
        root,
        &[
            "create",
            "data",
            "--tenant",
            "apps",
            "--git-url",
            "https://gitlab.com/acme/keos-apps.git",
        ],
    );
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("is GitLab, not GitHub"),
        "{}",
        refused.stderr
    );
    assert!(!root.join("domain/apps/uc/prerequisites").exists());
    tenant(
        root,
        &["create", "data", "--tenant", "apps", "--git-url", KEOS_APPS],
    )
    .ok();
    assert_eq!(providers(root, &[KEOS_SOURCES[1].to_string()]), [github]);

    // A generic use case stays generic: no provider field anywhere.
    let plain = keos_repo();
    keos_init(plain.path(), "c1", KEOS_DOMAINS).ok();
    assert_eq!(providers(plain.path(), &keos_sources("c1")), [None, None, None]);
    std::fs::remove_dir_all(plain.path().join("domain/system-services/uc/components")).expect("rm");
    tenant(
        plain.path(),
        &["component", "add", "gosec", "--git-url", KEOS_SERVICES],
    )
    .ok();
    assert_eq!(providers(plain.path(), &[KEOS_SOURCES[0].to_string()]), [None]);
}

/// A token for a keos chain with a `provider: github` source, and an App-less chain whose domain
/// source was switched by hand: refused before any cluster is contacted (exit 2), naming the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keos_bootstrap_refuses_a_token_where_a_chain_source_says_provider_github() {
    // flux-system of the second context: no other test of the tier writes there.
    let context = env().contexts[1].clone();
    let t = env().target(&context).await;
    let secrets: kube::Api<k8s_openapi::api::core::v1::Secret> =
        kube::Api::namespaced(t.client.clone(), "flux-system");
    let before = secrets.get_opt("flux-system").await.ok().flatten();
    let token = "ghp_keosAppMismatch0123456789abcdef";
    let boot = |root: &Path| {
        Cmd::fleet("kubectl-fleet-bootstrap")
            .current_dir(root)
            .kubeconfig()
            .env("KEOS_TOKEN", token)
            .args([context.as_str(), "--token-env", "KEOS_TOKEN", "--no-wait"])
            .run()
    };
    let github = keos_repo();
    let mut args = KEOS_DOMAINS.to_vec();
    args.extend(["--provider", "github"]);
    keos_init(github.path(), &context, &args).ok();
    let run = boot(github.path());
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "clusters/{context}/default/flux-system: GitRepository keos-fleet has provider: github, which needs a GitHub App Secret"
        )),
        "{}",
        run.stderr
    );

    // keos-fleet says generic, but keos-apps was given provider github by hand.
    let generic = keos_repo();
    keos_init(generic.path(), &context, KEOS_DOMAINS).ok();
    let source = generic.path().join(KEOS_SOURCES[1]);
    let text = std::fs::read_to_string(&source).expect("read");
    std::fs::write(&source, text.replace("spec:\n", "spec:\n  provider: github\n")).expect("write");
    let mixed = boot(generic.path());
    assert_eq!(mixed.code, 2, "{mixed:?}");
    assert!(
        mixed.stderr.contains(&format!(
            "{}: GitRepository keos-apps has provider: github",
            KEOS_SOURCES[1]
        )),
        "{}",
        mixed.stderr
    );
    let after = secrets.get_opt("flux-system").await.ok().flatten();
    assert_eq!(
        before.and_then(|s| s.metadata.resource_version),
        after.and_then(|s| s.metadata.resource_version),
        "nothing applied"
    );
    for r in [&run, &mixed] {
        assert!(!r.stdout.contains(token) && !r.stderr.contains(token));
    }
}

/// `token migrate PAT --to APP` on a keos fleet: the keos-fleet GitRepository of the cluster
/// directory and the domain GitRepositories of the use case (declared outside every cluster
/// directory) are found from the cluster's objects and get `provider: github`; the dry run shows
/// the same edit and writes nothing. On a private cluster: keos runs in flux-system.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_migrate_sets_provider_github_on_the_keos_fleet_and_domain_sources() {
    use fleet::{
        credentials::{
            CredentialMeta, MemoryStore, MetaStore, Provider, SecretStore, Token,
            github_app::{AppKey, GithubApp},
            rotation::RotationStore,
        },
        kube::ClusterSelection,
        ops::token::{
            Stores,
            migrate::{MigrateMode, MigrateRequest, migrate},
        },
        output::Recorder,
    };

    use crate::{
        common::{PrivateCluster, apply, unique},
        token::support::{git_repository, git_secret},
    };

    const NS: &str = "flux-system";
    const PAT: &str = "ghp_keosMigratePat0123456789abcdef";
    let private = PrivateCluster::up("keos-mig");
    let context = private.context.clone();
    let target = private.target().await;
    let dir = keos_repo();
    let root = dir.path();
    keos_init(root, &context, KEOS_DOMAINS).ok();
    let files = keos_sources(&context);
    assert_eq!(providers(root, &files), [None, None, None]);

    let (pat, app) = (unique("keos-pat"), unique("keos-app"));
    apply(
        &target,
        serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
    )
    .await;
    apply(&target, git_secret(NS, "flux-system", Some(&pat), "git", PAT)).await;
    for name in ["keos-fleet", "keos-system-services", "keos-apps"] {
        apply(&target, git_repository(NS, name, "flux-system", false)).await;
    }
    let config = tempfile::tempdir().expect("config dir");
    let metas = MetaStore::at(config.path().join("kubectl-fleet"));
    let rotations = RotationStore::new(&metas);
    let store = MemoryStore::default();
    store.set(&pat, &Token::new(PAT).expect("token")).expect("set");
    let pem = std::process::Command::new("openssl")
        .args(["genrsa", "-traditional", "2048"])
        .output()
        .expect("openssl runs")
        .stdout;
    let key = AppKey::from_pem(&String::from_utf8(pem).expect("PEM"), "test").expect("key");
    store.set(&app, &key.to_stored().expect("stored")).expect("set");
    let now = "2026-01-01T00:00:00Z".parse().expect("timestamp");
    metas
        .update(|i| {
            i.credentials.insert(
                pat.clone(),
                CredentialMeta::new(Provider::Github, "https://api.github.com", "git", now),
            );
            i.credentials.insert(
                app.clone(),
                CredentialMeta {
                    github_app: Some(GithubApp {
                        app_id: 7,
                        installation_id: 70,
                    }),
                    ..CredentialMeta::new(Provider::Github, "https://api.github.com", "git", now)
                },
            );
            Ok(())
        })
        .expect("index");
    let stores = Stores {
        secrets: &store,
        metas: &metas,
        rotations: &rotations,
    };
    let access = ClusterSelection {
        kubeconfig: Some(private.kubeconfig.clone()),
        contexts: vec![context.clone()],
        ..ClusterSelection::default()
    };
    let request = |dry_run: bool| MigrateRequest {
        name: pat.clone(),
        app: app.clone(),
        mode: MigrateMode::Fresh,
        repo_dir: root.to_path_buf(),
        apply_files_only: !dry_run,
        dry_run,
        timeout: std::time::Duration::from_secs(20),
        interval: std::time::Duration::from_millis(200),
        flux_namespace: Some(NS.to_string()),
    };

    let before = snapshot(root);
    let plan = migrate(request(true), stores, &access, &Recorder::new())
        .await
        .expect("planned");
    assert!(plan.planned_only, "{plan:?}");
    let mut declared: Vec<(String, String)> = plan
        .files
        .iter()
        .map(|f| (f.path.display().to_string(), f.name.clone()))
        .collect();
    declared.sort();
    let mut want = vec![
        (files[0].clone(), "keos-fleet".to_string()),
        (files[1].clone(), "keos-system-services".to_string()),
        (files[2].clone(), "keos-apps".to_string()),
    ];
    want.sort();
    assert_eq!(declared, want);
    assert_eq!(
        plan.diff.matches("+  provider: github").count(),
        3,
        "{}",
        plan.diff
    );
    assert_eq!(snapshot(root), before, "a dry run writes no file");

    let written = migrate(request(false), stores, &access, &Recorder::new())
        .await
        .expect("files written");
    assert!(written.files_written && written.awaiting_push, "{written:?}");
    let github = Some("github".to_string());
    assert_eq!(providers(root, &files), vec![github; 3]);
    // The repository now says github everywhere: a new cluster of the use case follows it.
    let mut args = KEOS_DOMAINS.to_vec();
    args.extend(["--provider", "github"]);
    keos_init(root, "other", &args).ok();
}
