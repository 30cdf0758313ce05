//! GitHub App credentials through the real binary and the real Secret Service (issue 17): the
//! private key goes from a file into the keyring, `token list` shows the kind, `token check`
//! mints an installation token from the loopback GitHub API, and neither the key nor any
//! installation token appears in any output or in the config directory.

#[path = "../support/github_app.rs"]
pub(crate) mod github;

use github::{FakeGithub, generate_key};

use crate::{User, files_under, stored, unique};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_key_goes_into_the_keyring_and_never_into_any_output_or_file() {
    let github = FakeGithub::start();
    let (pkcs1, _, public) = generate_key();
    github.add_app(31, &public);
    github.install(31, 310, &["acme/fleet"]);
    let user = User::new();
    let name = unique("app");
    let key_dir = tempfile::tempdir().expect("tmp");
    let key_file = key_dir.path().join("app.pem");
    std::fs::write(&key_file, &pkcs1).expect("write key");
    let fleet = tempfile::tempdir().expect("tmp");
    std::fs::write(
        fleet.path().join("flux.yaml"),
        "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\nspec:\n  sync:\n    url: https://127.0.0.1/acme/fleet-missing.git\n",
    )
    .expect("write");
    let api = github.api();

    let set = user
        .run(
            &[
                "set",
                &name,
                "--github-app",
                "--app-id",
                "31",
                "--installation-id",
                "310",
                "--github-url",
                &api,
                "--private-key-file",
                key_file.to_str().expect("utf-8"),
            ],
            None,
        )
        .await;
    assert_eq!(set.code, 0, "{set:?}");
    assert!(
        set.stderr.contains("stored GitHub App credential"),
        "{}",
        set.stderr
    );
    let value = stored(&name).expect("the keyring holds the key");
    assert!(
        !value.contains("PRIVATE KEY"),
        "the keyring value is the encoded PEM"
    );

    let list = user.run(&["list"], None).await;
    assert_eq!(list.code, 0, "{list:?}");
    let row = list
        .stdout
        .lines()
        .find(|l| l.starts_with(&name))
        .expect("listed");
    assert!(row.contains(" app ") && row.contains("x-access-token"), "{row}");

    let check = user
        .run(
            &["check", &name, "--repo", fleet.path().to_str().expect("utf-8")],
            None,
        )
        .await;
    assert_eq!(check.code, 0, "{check:?}");
    assert!(
        check.stderr.contains("can read 1 repository (acme/fleet)"),
        "{}",
        check.stderr
    );
    assert!(
        check
            .stderr
            .contains("cannot read fleet repository acme/fleet-missing"),
        "{}",
        check.stderr
    );

    let bad = user
        .run(
            &[
                "set",
                &unique("bad"),
                "--github-app",
                "--app-id",
                "31",
                "--installation-id",
                "310",
            ],
            Some("not a key"),
        )
        .await;
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr.contains("invalid GitHub App private key from stdin"),
        "{}",
        bad.stderr
    );

    assert_eq!(
        github.issued().len(),
        2,
        "set and check each minted one installation token"
    );
    let outputs = user.outputs.lock().expect("lock").join("\n");
    let mut secrets: Vec<String> = pkcs1
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_string)
        .collect();
    secrets.extend(github.issued().into_iter().map(|i| i.token));
    secrets.push(value);
    for file in files_under(user.config.path()) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for s in &secrets {
            assert!(
                !text.contains(s.as_str()),
                "secret material in {}",
                file.display()
            );
        }
    }
    for s in &secrets {
        assert!(!outputs.contains(s.as_str()), "secret material in the output");
    }
    let delete = user.run(&["delete", &name], None).await;
    assert_eq!(delete.code, 0, "{delete:?}");
    assert_eq!(stored(&name), None);
}
