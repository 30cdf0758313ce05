//! `kubectl fleet tenant create --apply --token NAME` with the real Secret Service, in a fleet whose
//! Flux runs outside `flux-system` (`bootstrap init -n`): the token comes from the OS keyring, the
//! tenant Secret lands in the cluster's Flux namespace with the username stored with the
//! credential, and no token appears in any output or file.

use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use serde_json::json;

use crate::common::{Cmd, Run, apply, env, unique};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_create_takes_the_token_and_username_from_the_keyring_into_the_flux_namespace() {
    let config = tempfile::tempdir().expect("config dir");
    let fleet = tempfile::tempdir().expect("fleet dir");
    let flux_ns = unique("kr-flux");
    let credential = unique("apps-bot");
    let tenant = unique("kr-apps");
    let namespace = unique("kr-web");
    let token = format!("ghp_{}", unique("krt").replace('-', ""));
    let kubeconfig = env().kubeconfig.display().to_string();
    let run = |bin: &str, args: &[&str], stdin: Option<&str>| -> Run {
        let mut cmd = Cmd::fleet(bin)
            .env("XDG_CONFIG_HOME", config.path())
            .current_dir(fleet.path())
            .args(args);
        if let Some(s) = stdin {
            cmd = cmd.stdin(format!("{s}\n"));
        }
        cmd.run()
    };
    let mut outputs = vec![
        run(
            "kubectl-fleet-bootstrap",
            &[
                "init",
                "staging",
                "-n",
                &flux_ns,
                "--git-url",
                "https://github.com/controlplaneio-fluxcd/d1-fleet.git",
                "--domain",
                "preview1.example.com",
            ],
            None,
        ),
        run(
            "kubectl-fleet-token",
            &[
                "set",
                &credential,
                "--from-stdin",
                "--no-check",
                "--username",
                "x-access-token",
            ],
            Some(&token),
        ),
    ];
    for r in &outputs {
        r.ok();
    }
    // What bootstrapping that directory leaves on the cluster: Flux's namespace and the runtime
    // info init generated for it.
    let target = env().target("staging").await;
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": flux_ns}}),
    )
    .await;
    let info = std::fs::read_to_string(fleet.path().join("clusters/staging/runtime-info.yaml"))
        .expect("runtime info");
    apply(
        &target,
        fleet::manifests::yaml::from_str(&info, "runtime-info.yaml").expect("parses"),
    )
    .await;

    let create = run(
        "kubectl-fleet-tenant",
        &[
            "--kubeconfig",
            &kubeconfig,
            "create",
            &namespace,
            "--tenant",
            &tenant,
            "--git-url",
            "https://github.com/controlplaneio-fluxcd/d1-apps.git",
            "--apply",
            "--context",
            "staging",
            "--token",
            &credential,
        ],
        None,
    );
    let table = create.ok().to_string();
    outputs.push(create);
    let secret_name = format!("flux-{tenant}");
    assert!(
        table.contains(&format!("Secret/{flux_ns}/{secret_name}")),
        "{table}"
    );
    let secrets: Api<Secret> = Api::namespaced(target.client.clone(), &flux_ns);
    let secret = secrets
        .get(&secret_name)
        .await
        .expect("tenant Secret in the Flux namespace");
    let read = |key: &str| String::from_utf8_lossy(&secret.data.as_ref().expect("data")[key].0).into_owned();
    assert_eq!(
        read("username"),
        "x-access-token",
        "the username stored with the credential"
    );
    assert_eq!(read("password"), token);
    assert_eq!(
        secret.metadata.annotations.clone().unwrap_or_default()["kubectl-fleet.dev/credential"],
        credential
    );
    let default_ns: Api<Secret> = Api::namespaced(target.client.clone(), "flux-system");
    assert!(
        default_ns.get_opt(&secret_name).await.expect("get").is_none(),
        "nothing in flux-system"
    );

    for r in &outputs {
        assert!(
            !r.stdout.contains(&token) && !r.stderr.contains(&token),
            "token in output:\n{}\n{}",
            r.stdout,
            r.stderr
        );
    }
    for dir in [config.path(), fleet.path()] {
        for f in walk(dir) {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            assert!(!text.contains(&token), "token written to {}", f.display());
        }
    }
    run("kubectl-fleet-token", &["delete", &credential], None).ok();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
