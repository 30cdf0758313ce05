//! `token migrate` against the real Flux controllers: a fleet bootstrapped with a PAT moves to a
//! GitHub App on two clusters; source-controller then mints installation tokens from the loopback
//! GitHub API (tests/support/github_app.rs) and keeps fetching after the PAT is revoked at the git
//! server.

use std::time::Duration;

use serde_json::Value;

use super::{
    Env,
    app::{assert_app_form_keys, assert_no_secret_material, bare_repo, classic_fleet, store_app},
    condition, eventually,
    github_api::FakeGithub,
    write,
};

/// Puts the git server's PAT back when the test ends (pass or fail): the later tests' clusters
/// still authenticate with it.
struct RestoreToken<'a> {
    env: &'a Env,
    token: String,
}

impl Drop for RestoreToken<'_> {
    fn drop(&mut self) {
        let tmp = self.env.token_file.with_extension("migrate-restore");
        if std::fs::write(&tmp, format!("{}\n", self.token)).is_ok() {
            let _ = std::fs::rename(&tmp, &self.env.token_file);
        }
    }
}

/// PAT → App on staging and production: `--apply-files-only` writes `provider: github` into the
/// files that declare the sources (App keys already beside the PAT in each Secret), the push
/// lands through Flux itself, `--resume` verifies each GitRepository fetched with the App and
/// drops the PAT pair. The PAT is then revoked at the git server and both clusters still fetch a
/// new commit. Neither the PAT, the key nor an installation token appears in any output, file or
/// log.
#[test]
fn a_fleet_moves_from_a_pat_to_a_github_app_and_survives_the_pat_revoked() {
    let env = Env::load();
    let contexts = ["staging", "production"];
    let pat = env.token();
    let _restore = RestoreToken {
        env: &env,
        token: pat.clone(),
    };
    let (pem, _, public) = super::github_api::generate_key();
    let github = FakeGithub::start();
    github.publish_to(&env.state.join("git"));
    let (app_id, installation_id) = (31_004, 41_004);
    github.add_app(app_id, &public);
    let repo = format!("acme/mig-fleet-{}", env.suffix);
    bare_repo(&env, &repo);
    github.install(app_id, installation_id, &[&repo]);
    github.token_lifetime(120);
    let url = format!("{}/{repo}.git", env.git_url);
    let ns = format!("mig-{}", env.suffix);
    let (pat_name, app_name) = (
        format!("mig-pat-{}", env.suffix),
        format!("mig-app-{}", env.suffix),
    );

    // A classic fleet in its own namespace, generic provider, bootstrapped with the PAT.
    let fleet = classic_fleet(&env, "mig-fleet", &ns, &url, &[]);
    let push = |message: &str| {
        env.git(&fleet, &["add", "-A"]);
        env.git(&fleet, &["commit", "-qm", message]);
        env.git(&fleet, &["push", "-q", &url, "main"]);
        env.git(&fleet, &["rev-parse", "HEAD"]).trim().to_string()
    };
    let first = push("fleet with a PAT");
    env.fleet_stdin(
        "token",
        &["set", &pat_name, "--from-stdin", "--no-check"],
        pat.as_bytes(),
    )
    .ok("token set (PAT)");
    store_app(&env, &app_name, &github, (app_id, installation_id), &pem);
    let kubectl = env.kubectl.display().to_string();
    env.fleet(
        "bootstrap",
        &fleet,
        &[
            "staging",
            "production",
            "--token",
            &pat_name,
            "--insecure-http",
            "--kubectl",
            &kubectl,
            "--timeout",
            "180s",
        ],
    )
    .ok("bootstrap with the PAT");

    let source = format!("gitrepository/{ns}");
    let fetched = |ctx: &str, want: &str| {
        let obj = env.get_json(ctx, &ns, &source);
        let rev = obj
            .pointer("/status/artifact/revision")
            .and_then(Value::as_str)
            .unwrap_or("");
        match condition(&obj, "Ready") {
            Some(c) if c["status"] == "True" && rev.ends_with(want) => Ok(obj),
            _ => Err(format!("{:#}", obj["status"])),
        }
    };
    let long = Duration::from_secs(180);
    for ctx in contexts {
        eventually(long, &format!("{ctx} fetched with the PAT"), || {
            fetched(ctx, &first)
        });
    }

    // 1. Files only: the files get provider: github; the Secrets keep the PAT (source-controller
    // refuses App keys under provider generic).
    let out = env
        .fleet(
            "token",
            &fleet,
            &[
                "migrate",
                &pat_name,
                "--to",
                &app_name,
                "--all-contexts",
                "--flux-namespace",
                &ns,
                "--repo-dir",
                ".",
                "--apply-files-only",
            ],
        )
        .ok("token migrate --apply-files-only");
    assert!(out.contains("provider: github"), "the diff is shown: {out}");
    for ctx in contexts {
        let secret = env.get_json(ctx, &ns, "secret/flux-system");
        let mut keys: Vec<&String> = secret["data"].as_object().expect("data").keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["password", "username"],
            "{ctx}: still the PAT until the push lands"
        );
        assert_ne!(env.get_json(ctx, &ns, &source)["spec"]["provider"], "github");
        fetched(ctx, &first).unwrap_or_else(|s| panic!("{ctx} still fetches with the PAT: {s}"));
    }

    // 2. Pushed: Flux applies provider: github from git; --resume, waiting for it, switches each
    // Secret to the App and verifies the fetch.
    push("sources: provider github");
    for ctx in contexts {
        env.reconcile(ctx, &source, &ns);
    }
    env.fleet(
        "token",
        &fleet,
        &[
            "migrate",
            &pat_name,
            "--to",
            &app_name,
            "--resume",
            "--timeout",
            "4m",
        ],
    )
    .ok("token migrate --resume");
    for ctx in contexts {
        let obj = env.get_json(ctx, &ns, &source);
        assert_eq!(obj["spec"]["provider"], "github", "{ctx}");
        let secret = env.get_json(ctx, &ns, "secret/flux-system");
        assert_app_form_keys(&secret, ctx);
    }
    let minted = github.mints();
    assert!(
        minted.len() >= 3 && minted.iter().all(|m| *m == (installation_id, 201)),
        "token set minted one, each source-controller at least one more, every JWT verified: {minted:?}"
    );

    // 3. The PAT revoked at the git server: a new commit (pushed with a new PAT) still arrives.
    let new_pat = format!("mig{:032x}", super::unique_nanos());
    {
        let tmp = env.token_file.with_extension("migrate-new");
        std::fs::write(&tmp, format!("{new_pat}\n")).expect("write new token");
        std::fs::rename(&tmp, &env.token_file).expect("swap token file");
    }
    assert_eq!(
        super::app::git_http_status_as(&url, "git-upload-pack", "git", &pat),
        401,
        "the old PAT is refused"
    );
    write(
        fleet.join("clusters/staging/note.txt"),
        "after the PAT was revoked\n",
    );
    let second = push("after the PAT was revoked");
    for ctx in contexts {
        env.reconcile(ctx, &source, &ns);
    }
    for ctx in contexts {
        eventually(
            long,
            &format!("{ctx} fetched with the App after the PAT was revoked"),
            || fetched(ctx, &second),
        );
    }

    // No PAT, key material or installation token in any output, file of the test's directories,
    // or log of the environment.
    assert_no_secret_material(&env, &pem, &github, &[&pat, &new_pat]);

    for ctx in contexts {
        env.kubectl(ctx, &["delete", "namespace", &ns, "--wait=false"])
            .ok("delete namespace");
    }
    for name in [&pat_name, &app_name] {
        env.fleet("token", env.work.path(), &["delete", name])
            .ok("token delete");
    }
}
