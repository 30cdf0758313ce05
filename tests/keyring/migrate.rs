//! `token migrate` through the real binary and the real Secret Service: the PAT and the App's key
//! are read from the keyring, the Secrets of two clusters get the App keys beside the PAT, the
//! fleet repository's files get `provider: github` and the run stops for the push
//! (`--apply-files-only`); a rotation of the PAT is refused meanwhile, and `--rollback` puts every
//! Secret back as it was. No output, state file or repository file holds the PAT or the key.

use serde_json::json;

use crate::{
    User,
    common::{apply, env, namespace_everywhere, unique},
    json as parse_json, stored,
    support::{git_repository, git_secret, secret_data},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migration_checks_both_clusters_writes_the_files_and_rolls_back_with_the_real_keyring() {
    let user = User::new();
    let (pat, app) = (unique("kr-mig-pat"), unique("kr-mig-app"));
    let token = "ghp_KEYRING_migrate_0123456789";
    let set = user
        .run(&["set", &pat, "--from-stdin", "--no-check"], Some(token))
        .await;
    assert_eq!(set.code, 0, "{set:?}");
    let dir = tempfile::tempdir().expect("tmp");
    let key_file = dir.path().join("app.pem");
    let out = std::process::Command::new("openssl")
        .args(["genrsa", "-traditional", "-out"])
        .arg(&key_file)
        .arg("2048")
        .output()
        .expect("openssl runs");
    assert!(out.status.success());
    let pem = std::fs::read_to_string(&key_file).expect("read");
    let set = user
        .run(
            &[
                "set",
                &app,
                "--github-app",
                "--app-id",
                "91",
                "--installation-id",
                "910",
                "--no-check",
                "--private-key-file",
                key_file.to_str().expect("utf-8"),
            ],
            None,
        )
        .await;
    assert_eq!(set.code, 0, "{set:?}");

    let contexts: Vec<String> = env().contexts.iter().take(2).cloned().collect();
    let mut targets = Vec::new();
    for c in &contexts {
        targets.push(env().target(c).await);
    }
    let (sys, tenant) = (unique("kr-mig-sys"), unique("kr-mig-app"));
    namespace_everywhere(&targets, &sys, json!({})).await;
    namespace_everywhere(&targets, &tenant, json!({"toolkit.fluxcd.io/tenant": "apps"})).await;
    let repo = dir.path().join("fleet");
    for t in &targets {
        apply(t, git_secret(&sys, "flux-system", Some(&pat), "fleet-bot", token)).await;
        let mut s = git_secret(&sys, "flux-apps", Some(&pat), "git", token);
        s["metadata"]["labels"] = json!({"toolkit.fluxcd.io/tenant": "apps"});
        apply(t, s).await;
        apply(t, git_repository(&sys, "flux-system", "flux-system", false)).await;
        apply(t, git_repository(&tenant, "apps", "flux-apps", false)).await;
        let mut copy = git_secret(&tenant, "flux-apps", Some(&pat), "git", token);
        copy["metadata"]["labels"] = json!({"kubectl-fleet.dev/propagated-from": format!("{sys}.flux-apps")});
        apply(t, copy).await;
        let d = repo.join(format!("clusters/{}/flux-system", t.context));
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(
            d.join("flux-instance.yaml"),
            format!(
                "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: {sys}\nspec:\n  sync:\n    kind: GitRepository\n    url: https://github.com/example/fleet.git\n    pullSecret: flux-system\n"
            ),
        )
        .expect("write");
    }
    std::fs::create_dir_all(repo.join("tenants")).expect("mkdir");
    std::fs::write(
        repo.join("tenants/apps.yaml"),
        format!(
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: apps\n  namespace: {tenant}\nspec:\n  secretRef:\n    name: flux-apps\n  url: https://github.com/example/apps.git\n"
        ),
    )
    .expect("write");
    let original = secret_data(&targets[0], &sys, "flux-system").await;

    let mut args = vec!["migrate", &pat, "--to", &app, "--flux-namespace", &sys];
    for c in &contexts {
        args.extend(["--context", c.as_str()]);
    }
    let repo_arg = repo.to_str().expect("utf-8").to_string();
    args.extend(["--repo-dir", &repo_arg, "--apply-files-only", "-o", "json"]);
    let run = user.run(&args, None).await;
    assert_eq!(run.code, 0, "{run:?}");
    let doc = parse_json(&run);
    assert_eq!(doc["kind"], "TokenMigration", "{doc}");
    assert_eq!(doc["awaitingPush"], true, "{doc}");
    assert!(
        doc["diff"]
            .as_str()
            .is_some_and(|d| d.contains("+    provider: github")),
        "{doc}"
    );
    for t in &targets {
        let data = secret_data(t, &tenant, "flux-apps").await;
        assert_eq!(
            data["password"], token,
            "{}: the PAT stays until the push lands",
            t.context
        );
        assert!(
            !data.contains_key("githubAppID"),
            "{}: no App key under provider generic",
            t.context
        );
    }
    let files = std::fs::read_to_string(repo.join("tenants/apps.yaml")).expect("read");
    assert!(files.contains("  provider: github\n"), "{files}");
    let state_path = user
        .config
        .path()
        .join(format!("kubectl-fleet/migrations/{pat}.yaml"));
    let state = std::fs::read_to_string(&state_path).expect("the state is kept");

    // The PAT cannot be rotated while it is being migrated.
    let refused = user
        .run(&["rotate", &pat, "--from-stdin", "--no-check"], Some("ghp_other"))
        .await;
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("unfinished migration"),
        "{}",
        refused.stderr
    );

    let back = user
        .run(&["migrate", &pat, "--to", &app, "--rollback"], None)
        .await;
    assert_eq!(back.code, 0, "{back:?}");
    assert!(
        back.stderr.contains("revert the provider change"),
        "{}",
        back.stderr
    );
    assert_eq!(secret_data(&targets[0], &sys, "flux-system").await, original);
    assert!(!state_path.exists(), "the state is gone");
    assert_eq!(
        stored(&pat).as_deref(),
        Some(token),
        "the PAT stays in the keyring"
    );

    let key_lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let outputs = user.outputs.lock().expect("lock").clone();
    for text in outputs.iter().chain([state, files, user.index()].iter()) {
        assert!(!text.contains(token), "the PAT leaked: {text}");
        assert!(key_lines.iter().all(|l| !text.contains(l)), "a key line leaked");
    }
}

fn openssl_key(path: &std::path::Path) -> String {
    let out = std::process::Command::new("openssl")
        .args(["genrsa", "-traditional", "-out"])
        .arg(path)
        .arg("2048")
        .output()
        .expect("openssl runs");
    assert!(out.status.success());
    std::fs::read_to_string(path).expect("read")
}

/// The fingerprint of a key file as GitHub's documentation computes it, with the real openssl.
fn openssl_fingerprint(path: &std::path::Path) -> String {
    let script = format!(
        "openssl rsa -in '{}' -pubout -outform DER 2>/dev/null | openssl sha256 -binary | openssl base64",
        path.display()
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .expect("sh runs");
    format!("SHA256:{}", String::from_utf8(out.stdout).expect("utf8").trim())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_key_rotation_through_the_binary_writes_the_new_key_and_names_the_old_one() {
    let user = User::new();
    let app = unique("kr-rot-app");
    let dir = tempfile::tempdir().expect("tmp");
    let (old_file, new_file) = (dir.path().join("old.pem"), dir.path().join("new.pem"));
    let (old, new) = (openssl_key(&old_file), openssl_key(&new_file));
    let set = user
        .run(
            &[
                "set",
                &app,
                "--github-app",
                "--app-id",
                "92",
                "--installation-id",
                "920",
                "--no-check",
                "--private-key-file",
                old_file.to_str().expect("utf-8"),
            ],
            None,
        )
        .await;
    assert_eq!(set.code, 0, "{set:?}");
    let context = env().contexts[0].clone();
    let target = env().target(&context).await;
    let sys = unique("kr-rot-sys");
    namespace_everywhere(std::slice::from_ref(&target), &sys, json!({})).await;
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": "flux-system", "namespace": sys, "annotations": {"kubectl-fleet.dev/credential": app}},
               "stringData": {"githubAppID": "92", "githubAppInstallationID": "920", "githubAppPrivateKey": old.trim()}}),
    )
    .await;
    apply(&target, git_repository(&sys, "flux-system", "flux-system", false)).await;

    // A token is not a key.
    let refused = user
        .run(
            &[
                "rotate",
                &app,
                "--from-stdin",
                "--no-check",
                "--no-wait",
                "--context",
                &context,
                "--flux-namespace",
                &sys,
            ],
            Some("ghp_not_a_key"),
        )
        .await;
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(
        refused.stderr.contains("pass its new private key"),
        "{}",
        refused.stderr
    );

    let run = user
        .run(
            &[
                "rotate",
                &app,
                "--private-key-file",
                new_file.to_str().expect("utf-8"),
                "--no-check",
                "--no-wait",
                "--context",
                &context,
                "--flux-namespace",
                &sys,
            ],
            None,
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let fingerprint = openssl_fingerprint(&old_file);
    assert!(
        run.stderr
            .contains(&format!("no cluster uses the key {fingerprint} any more")),
        "{}",
        run.stderr
    );
    let data = secret_data(&target, &sys, "flux-system").await;
    assert_eq!(data["githubAppPrivateKey"], new.trim());
    assert_eq!(data["githubAppID"], "92");
    let key_lines: Vec<&str> = old
        .lines()
        .chain(new.lines())
        .filter(|l| !l.starts_with("-----"))
        .collect();
    for text in user
        .outputs
        .lock()
        .expect("lock")
        .iter()
        .chain([user.index()].iter())
    {
        assert!(key_lines.iter().all(|l| !text.contains(l)), "a key line leaked");
    }
}
