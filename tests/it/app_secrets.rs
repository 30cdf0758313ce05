//! `--provider github` (issue 17): `bootstrap init` and `tenant create` write `provider: github`
//! where Flux reads it and refuse what source-controller could not fetch with a GitHub App; a
//! bootstrap whose credential and generated source disagree on the provider changes nothing.

use std::path::Path;

use fleet::manifests::yaml;
use serde_json::Value;

use crate::{
    bootstrap::{D1_FLEET_URL, Fleet},
    common::{Cmd, Run},
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
