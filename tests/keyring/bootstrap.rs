//! `kubectl fleet bootstrap --token NAME` with the real Secret Service: the token comes from the OS
//! keyring (stored with `kubectl fleet token set`), the Secrets bootstrap writes carry the
//! credential name (and the username stored with it), so `kubectl fleet token rotate` finds and
//! updates them; no token appears in any output or file.

use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::Secret;
use kube::Api;

use crate::common::{Cmd, Run, env, unique};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/fixtures/bootstrap")
        .join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bootstrap_takes_tokens_from_the_keyring_and_rotate_finds_its_secrets() {
    let config = tempfile::tempdir().expect("config dir");
    let fleet = tempfile::tempdir().expect("fleet dir");
    let ns = unique("kr-boot");
    let (fleet_cred, apps_cred) = (unique("fleet-bot"), unique("apps-bot"));
    let (token, apps_token, rotated) = (
        format!("ghp_{}", unique("krb").replace('-', "")),
        format!("ghp_{}", unique("kra").replace('-', "")),
        format!("ghp_{}", unique("krr").replace('-', "")),
    );
    std::fs::write(
        fleet.path().join("operator.yaml"),
        std::fs::read_to_string(fixture("operator.yaml"))
            .expect("fixture")
            .replace("NAMESPACE", &ns)
            .replace("VERSION", "v0.58.1"),
    )
    .expect("write manifest");
    let mut outputs: Vec<Run> = Vec::new();
    let run = |bin: &str, args: &[&str], stdin: Option<&str>| {
        let mut cmd = Cmd::fleet(bin)
            .env("XDG_CONFIG_HOME", config.path())
            .current_dir(fleet.path())
            .args(args);
        if let Some(s) = stdin {
            cmd = cmd.stdin(format!("{s}\n"));
        }
        cmd.run()
    };

    outputs.push(run(
        "kubectl-fleet-bootstrap",
        &[
            "init",
            "staging",
            "-n",
            &ns,
            "--git-url",
            "https://github.com/controlplaneio-fluxcd/d1-fleet.git",
            "--domain",
            "preview1.example.com",
        ],
        None,
    ));
    outputs.push(run(
        "kubectl-fleet-token",
        &[
            "set",
            &fleet_cred,
            "--from-stdin",
            "--no-check",
            "--username",
            "fleet-bot",
        ],
        Some(&token),
    ));
    outputs.push(run(
        "kubectl-fleet-token",
        &["set", &apps_cred, "--from-stdin", "--no-check"],
        Some(&apps_token),
    ));
    let kubeconfig = env().kubeconfig.display().to_string();
    let tenant = format!("apps={apps_cred}");
    let boot = tokio::task::spawn_blocking({
        let args: Vec<String> = [
            "--kubeconfig",
            &kubeconfig,
            "staging",
            "--token",
            &fleet_cred,
            "--tenant-token",
            &tenant,
            "--operator-manifest",
            "operator.yaml",
            "--no-wait",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let cmd = Cmd::fleet("kubectl-fleet-bootstrap")
            .env("XDG_CONFIG_HOME", config.path())
            .current_dir(fleet.path())
            .args(args);
        move || cmd.run()
    })
    .await
    .expect("runs");
    outputs.push(boot);
    for r in &outputs {
        r.ok();
    }

    let target = env().target("staging").await;
    let secrets: Api<Secret> = Api::namespaced(target.client.clone(), &ns);
    let read =
        |s: &Secret, key: &str| String::from_utf8_lossy(&s.data.as_ref().expect("data")[key].0).into_owned();
    let fs = secrets.get("flux-system").await.expect("flux-system Secret");
    assert_eq!(
        fs.metadata.annotations.clone().unwrap_or_default()["kubectl-fleet.dev/credential"],
        fleet_cred
    );
    assert_eq!(
        read(&fs, "username"),
        "fleet-bot",
        "the username stored with the credential"
    );
    assert_eq!(read(&fs, "password"), token);
    let apps = secrets.get("flux-apps").await.expect("flux-apps Secret");
    assert_eq!(
        apps.metadata.annotations.clone().unwrap_or_default()["kubectl-fleet.dev/credential"],
        apps_cred
    );
    assert_eq!(read(&apps, "username"), "git");
    assert_eq!(read(&apps, "password"), apps_token);

    // `token rotate` finds the Secret bootstrap wrote, by its annotation.
    let rotate = run(
        "kubectl-fleet-token",
        &[
            "--kubeconfig",
            &kubeconfig,
            "rotate",
            &fleet_cred,
            "--context",
            "staging",
            "--flux-namespace",
            &ns,
            "--from-stdin",
            "--no-check",
            "--timeout",
            "30s",
        ],
        Some(&rotated),
    );
    assert_eq!(rotate.code, 0, "{rotate:?}");
    let fs = secrets.get("flux-system").await.expect("flux-system Secret");
    assert_eq!(read(&fs, "password"), rotated);
    assert_eq!(read(&fs, "username"), "fleet-bot");
    outputs.push(rotate);

    for r in &outputs {
        for t in [&token, &apps_token, &rotated] {
            assert!(
                !r.stdout.contains(t.as_str()) && !r.stderr.contains(t.as_str()),
                "token in output:\n{}\n{}",
                r.stdout,
                r.stderr
            );
        }
    }
    for dir in [config.path(), fleet.path()] {
        for f in walk(dir) {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            for t in [&token, &apps_token, &rotated] {
                assert!(!text.contains(t.as_str()), "token written to {}", f.display());
            }
        }
    }
    for c in [&fleet_cred, &apps_cred] {
        run("kubectl-fleet-token", &["delete", c], None).ok();
    }
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
