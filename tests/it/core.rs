//! The shared core against the real kube-apiservers: contexts, clients, versions, CRDs, and the
//! error classification behind the exit codes.

use std::time::Duration;

use fleet::{
    ExitStatus,
    cli::KubeArgs,
    error::Error,
    kube::{ClientOptions, load_kubeconfig, load_kubeconfig_with},
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::{Api, api::ListParams};

use crate::common::{Cmd, env};

fn args(contexts: &[&str]) -> KubeArgs {
    KubeArgs {
        kubeconfig: Some(env().kubeconfig.clone()),
        contexts: contexts.iter().map(|c| c.to_string()).collect(),
        all_contexts: false,
        request_timeout: Duration::from_secs(10),
    }
}

#[tokio::test]
async fn connects_to_every_cluster_and_reads_version_and_flux_crds() {
    let env = env();
    assert!(
        env.contexts.len() >= 3,
        "the suite runs against three clusters: {:?}",
        env.contexts
    );
    let contexts: Vec<&str> = env.contexts.iter().map(String::as_str).collect();
    let targets = args(&contexts).targets().await.expect("clients build");
    assert_eq!(
        targets.iter().map(|t| t.context.as_str()).collect::<Vec<_>>(),
        contexts
    );
    let mut servers = std::collections::HashSet::new();
    for target in &targets {
        let version = target.server_version().await.expect("server answers");
        assert!(
            version.starts_with("v1.3"),
            "{}: unexpected version {version}",
            target.context
        );
        assert!(
            servers.insert(target.server.clone()),
            "contexts must be distinct clusters"
        );
        let crds: Api<CustomResourceDefinition> = Api::all(target.client.clone());
        let names: Vec<String> = crds
            .list_metadata(&ListParams::default())
            .await
            .expect("CRDs list")
            .items
            .into_iter()
            .filter_map(|c| c.metadata.name)
            .collect();
        for crd in [
            "kustomizations.kustomize.toolkit.fluxcd.io",
            "helmreleases.helm.toolkit.fluxcd.io",
            "gitrepositories.source.toolkit.fluxcd.io",
            "imageupdateautomations.image.toolkit.fluxcd.io",
            "providers.notification.toolkit.fluxcd.io",
            "fluxinstances.fluxcd.controlplane.io",
            "resourcesets.fluxcd.controlplane.io",
        ] {
            assert!(
                names.iter().any(|n| n == crd),
                "{}: {crd} missing",
                target.context
            );
        }
    }
}

#[tokio::test]
async fn all_contexts_selects_every_cluster() {
    let mut a = args(&[]);
    a.all_contexts = true;
    let targets = a.targets().await.expect("clients build");
    assert_eq!(targets.len(), env().contexts.len());
}

#[tokio::test]
async fn multi_path_kubeconfig_skips_missing_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.yaml");
    let joined = std::env::join_paths([missing.as_path(), env().kubeconfig.as_path()]).expect("joins");
    let loaded = load_kubeconfig_with(None, Some(&joined)).expect("loads the existing file");
    assert_eq!(loaded.context_names(), env().contexts);
    assert_eq!(loaded.sources(), [env().kubeconfig.clone()]);

    let only_missing = std::env::join_paths([missing.as_path()]).expect("joins");
    let err = load_kubeconfig_with(None, Some(&only_missing)).unwrap_err();
    assert!(err.to_string().contains("no kubeconfig found"), "{err}");
}

#[tokio::test]
async fn unknown_context_is_a_usage_error_naming_the_known_ones() {
    let err = args(&["no-such-context"]).targets().await.unwrap_err();
    assert_eq!(err.exit_status(), ExitStatus::Usage);
    let msg = err.to_string();
    assert!(msg.contains("context 'no-such-context' not found"), "{msg}");
    assert!(msg.contains(&env().contexts[0]), "{msg}");
}

#[tokio::test]
async fn unreadable_kubeconfig_is_a_usage_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("kubeconfig");
    std::fs::write(&bad, "clusters: [unterminated\n").expect("write");
    let mut a = args(&[]);
    a.kubeconfig = Some(bad.clone());
    let err = a.targets().await.unwrap_err();
    assert_eq!(err.exit_status(), ExitStatus::Usage);
    assert!(err.to_string().contains(&bad.display().to_string()), "{err}");

    a.kubeconfig = Some(dir.path().join("absent"));
    let err = a.targets().await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn unreachable_server_is_a_target_failure() {
    // A kubeconfig that points a context at a loopback port nobody listens on.
    let dir = tempfile::tempdir().expect("temp dir");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let path = dir.path().join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: https://127.0.0.1:{port}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: x\ncontexts:\n- name: gone\n  context:\n    cluster: gone\n    user: u\ncurrent-context: gone\n"
        ),
    )
    .expect("write");
    let kc = load_kubeconfig(Some(&path)).expect("loads");
    let opts = ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
    };
    let target = kc
        .target("gone", opts)
        .await
        .expect("client builds without connecting");
    let err = target.server_version().await.unwrap_err();
    assert!(err.is_unreachable(), "{err:?}");
    let err = Error::from(err);
    assert_eq!(err.exit_status(), ExitStatus::Failure);
    assert!(
        err.to_string().contains(&format!(
            "cluster 'gone' is unreachable at https://127.0.0.1:{port}"
        )),
        "{err}"
    );
}

/// A kubeconfig whose only context `gone` points at `server`.
fn lone_kubeconfig(dir: &std::path::Path, server: &str) -> std::path::PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: x\ncontexts:\n- name: gone\n  context:\n    cluster: gone\n    user: u\ncurrent-context: gone\n"
        ),
    )
    .expect("write");
    path
}

#[test]
fn error_reports_name_the_cause_and_the_next_step() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let refused = lone_kubeconfig(dir.path(), &format!("https://127.0.0.1:{port}"));
    let run = Cmd::fleet("kubectl-fleet-tree")
        .args(["--kubeconfig".as_ref(), refused.as_os_str()])
        .run();
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.stderr,
        format!(
            "error: cluster 'gone' is unreachable at https://127.0.0.1:{port}: connection refused\n  \
             hint: check the cluster with `kubectl --context gone cluster-info`\n"
        ),
        "one cause, no client internals, and the next step"
    );

    // A server that accepts the connection and never answers the TLS handshake: the message says
    // how long the connect waited, not tokio's "deadline has elapsed".
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hung_dir = tempfile::tempdir().expect("temp dir");
    let hung = lone_kubeconfig(
        hung_dir.path(),
        &format!("https://{}", silent.local_addr().expect("addr")),
    );
    let run = Cmd::fleet("kubectl-fleet-tree")
        .args(["--kubeconfig".as_ref(), hung.as_os_str()])
        .run();
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("unreachable at https://127.0.0.1:")
            && run.stderr.contains(": timed out after 5s connecting\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("deadline"), "{}", run.stderr);

    // KUBECONFIG naming a missing file: the message names it (kubectl skips missing files, so
    // only "none exists" is an error).
    let run = Cmd::fleet("kubectl-fleet-tree")
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .run();
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: no kubeconfig found: KUBECONFIG names '/nonexistent/kubeconfig', which does not exist\n"
    );
    let run = Cmd::fleet("kubectl-fleet-tree")
        .args(["--kubeconfig", "/nonexistent/kubeconfig"])
        .run();
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with(
            "error: cannot read kubeconfig '/nonexistent/kubeconfig'\n  caused by: No such file"
        ),
        "{}",
        run.stderr
    );

    // A mistyped context gets a suggestion.
    let typo = format!("{}x", env().first());
    let run = Cmd::fleet("kubectl-fleet-tree")
        .kubeconfig()
        .args(["--context", &typo])
        .run();
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("  hint: did you mean '{}'?", env().first())),
        "{}",
        run.stderr
    );
}

#[test]
fn color_never_holds_for_the_error_prefix_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let refused = lone_kubeconfig(dir.path(), &format!("https://127.0.0.1:{port}"));
    let run_with = |extra: &[&str]| {
        Cmd::fleet("kubectl-fleet-tree")
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .args(["--kubeconfig".as_ref(), refused.as_os_str()])
            .args(extra)
            .run()
    };
    let forced = run_with(&[]);
    assert!(
        forced.stderr.starts_with("\u{1b}["),
        "CLICOLOR_FORCE colours a pipe: {:?}",
        forced.stderr
    );
    let never = run_with(&["--color", "never"]);
    assert!(never.stderr.starts_with("error: "), "{:?}", never.stderr);
    assert!(!never.stderr.contains('\u{1b}'), "{:?}", never.stderr);
}

#[test]
fn kubectl_log_levels_are_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let refused = lone_kubeconfig(dir.path(), &format!("https://127.0.0.1:{port}"));
    for level in [&["-v=6"][..], &["--v=6"], &["--v", "6"], &["-v6"], &["-v"]] {
        let run = Cmd::fleet("kubectl-fleet-tree")
            .args(["--kubeconfig".as_ref(), refused.as_os_str()])
            .args(level)
            .run();
        assert_eq!(
            run.code, 1,
            "{level:?} parses and the run fails on the cluster only: {run:?}"
        );
        assert!(
            run.stderr.contains("connection refused"),
            "{level:?}: {}",
            run.stderr
        );
    }
}
