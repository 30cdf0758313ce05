//! `kubectl fleet secret` with the real sops (and age, and gpg for one PGP test): encryption by the
//! cluster's creation rules, listing without decrypting, bad input that writes nothing, a leak
//! test (the plaintext is never on disk, in sops' argv or in output), and `secret apply` against
//! the real kube-apiservers.
//!
//! Tools come from `tests/testenv/testenv build --sops`: `FLEET_TEST_SOPS` and
//! `FLEET_TEST_AGE_KEYGEN` (scripts/test.sh exports them from `testenv paths`).

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
};

use base64::Engine as _;
use fleet::manifests::yaml;
use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use serde_json::Value;

use crate::common::{Cmd, Run, env, unique};

fn tool(var: &str) -> PathBuf {
    std::env::var(var).map(PathBuf::from).unwrap_or_else(|_| {
        panic!(
            "{var} is not set: build sops and age with `tests/testenv/testenv build --sops` and export \
             FLEET_TEST_SOPS / FLEET_TEST_AGE_KEYGEN from `tests/testenv/testenv paths` (scripts/test.sh does)"
        )
    })
}

fn sops() -> PathBuf {
    tool("FLEET_TEST_SOPS")
}

/// A fleet repository with one cluster directory whose secrets are encrypted for a fresh age key.
struct Fleet {
    dir: tempfile::TempDir,
    /// The age identity (private key) file, outside the repository.
    key: PathBuf,
    _keys: tempfile::TempDir,
    recipient: String,
}

impl Fleet {
    /// `config` is the fleet config; `clusters` get `secrets/.sops.yaml` for the age key.
    fn new(config: &str, clusters: &[&str]) -> Fleet {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("kubectl-fleet.yaml"), config).expect("fleet config");
        let keys = tempfile::tempdir().expect("key dir");
        let key = keys.path().join("age.agekey");
        let keygen = tool("FLEET_TEST_AGE_KEYGEN");
        let out = Cmd::program(&keygen).args(["-o"]).args([&key]).run();
        assert_eq!(out.code, 0, "age-keygen: {}", out.stderr);
        let recipient = Cmd::program(&keygen)
            .args(["-y"])
            .args([&key])
            .run()
            .ok()
            .trim()
            .to_string();
        assert!(recipient.starts_with("age1"), "{recipient}");
        let fleet = Fleet {
            dir,
            key,
            _keys: keys,
            recipient,
        };
        for c in clusters {
            fleet.rules(c, &format!("age: {}", fleet.recipient));
        }
        fleet
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `clusters/<cluster>/secrets/.sops.yaml` with one creation rule.
    fn rules(&self, cluster: &str, keys: &str) {
        let dir = self.root().join("clusters").join(cluster).join("secrets");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join(".sops.yaml"),
            format!("creation_rules:\n  - path_regex: .*.yaml\n    encrypted_regex: ^(data|stringData)$\n    {keys}\n"),
        )
        .expect("write .sops.yaml");
    }

    /// `kubectl fleet secret …` in the repository, sops from the test tools, the age key for
    /// decryption.
    fn secret(&self, args: &[&str]) -> Cmd {
        Cmd::fleet("kubectl-fleet-secret")
            .args(args)
            .current_dir(self.root())
            .env("SOPS", sops())
            .env("SOPS_AGE_KEY_FILE", &self.key)
    }

    fn tenant(&self, args: &[&str]) -> Run {
        Cmd::fleet("kubectl-fleet-tenant")
            .args(args)
            .current_dir(self.root())
            .run()
    }

    fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Every file under the repository, relative path → bytes.
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        files(self.root())
    }
}

/// Asserts that no file was added, removed or changed, naming the ones that were.
fn unchanged(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)], what: &str) {
    let differs: Vec<&String> = after
        .iter()
        .filter(|f| !before.contains(f))
        .chain(before.iter().filter(|f| !after.contains(f)))
        .map(|(p, _)| p)
        .collect();
    assert!(differs.is_empty(), "{what} changed files: {differs:?}");
}

fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root").display().to_string();
                out.push((rel, std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

const KEOS: &str = "profile: keos\nuseCase: talk-to-your-data\n";
const APPS_URL: &str = "https://github.com/forselli-stratio/keos-apps-test.git";

/// A keos fleet with app component dg-s3-agent (with secrets) in stratio-datastores.
fn keos_fleet(clusters: &[&str]) -> Fleet {
    let fleet = Fleet::new(KEOS, clusters);
    fleet
        .tenant(&[
            "create",
            "stratio-datastores",
            "--tenant",
            "apps",
            "--git-url",
            APPS_URL,
        ])
        .ok();
    fleet
        .tenant(&["app", "add", "stratio-datastores", "dg-s3-agent", "--secrets"])
        .ok();
    fleet
}

fn parse(text: &str) -> Vec<Value> {
    yaml::from_multi_doc(text, "test").expect("parses")
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decrypts a file with the real sops (what kustomize-controller does with the same key).
fn decrypt(fleet: &Fleet, rel: &str) -> Value {
    let run = Cmd::program(sops())
        .args(["decrypt"])
        .args([fleet.root().join(rel)])
        .env("SOPS_AGE_KEY_FILE", &fleet.key)
        .env("SOPS_DISABLE_VERSION_CHECK", "true")
        .run();
    parse(run.ok()).remove(0)
}

#[test]
fn secret_set_encrypts_with_the_clusters_age_rules_and_list_reads_without_decrypting() {
    let fleet = keos_fleet(&["eosdev2"]);
    let bundle = fleet.root().join("../bundle.b64");
    std::fs::write(&bundle, "c2VjcmV0LWJ1bmRsZQ==").expect("value file");
    // The keos shape: data (base64), no namespace (apps-dg-s3-agent-secrets sets it).
    let run = fleet
        .secret(&[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "customer-s3-secret",
            "--from-file",
            &format!("bundle={}", bundle.display()),
            "--file",
            "secret.yaml",
        ])
        .run();
    run.ok();
    assert!(
        run.stderr
            .contains("wrote clusters/eosdev2/secrets/dg-s3-agent/secret.yaml (Secret customer-s3-secret, 1 key encrypted with sops)"),
        "{}",
        run.stderr
    );
    let rel = "clusters/eosdev2/secrets/dg-s3-agent/secret.yaml";
    let doc = parse(&fleet.file(rel)).remove(0);
    assert_eq!(doc["kind"], "Secret");
    assert_eq!(doc["metadata"], serde_json::json!({"name": "customer-s3-secret"}));
    let value = doc["data"]["bundle"].as_str().expect("bundle");
    assert!(value.starts_with("ENC[AES256_GCM,"), "{value}");
    assert_eq!(doc["sops"]["age"][0]["recipient"], fleet.recipient.as_str());
    assert_eq!(doc["sops"]["encrypted_regex"], "^(data|stringData)$");
    // The real sops decrypts it to what was given.
    let plain = decrypt(&fleet, rel);
    assert_eq!(plain["data"]["bundle"], b64(b"c2VjcmV0LWJ1bmRsZQ=="));

    // stdin and an env file, in another component with an explicit namespace.
    let env_file = fleet.root().join("../grafana.env");
    std::fs::write(&env_file, "# admin\nuser=admin\npassword=s3cr3t!\n").expect("env file");
    fleet
        .secret(&[
            "set",
            "eosdev2",
            "grafana",
            "grafana-admin",
            "-n",
            "monitoring",
            "--from-env-file",
            &env_file.display().to_string(),
            "--from-stdin",
            "token",
        ])
        .stdin("tok\n")
        .run()
        .ok();
    let plain = decrypt(&fleet, "clusters/eosdev2/secrets/grafana/grafana-admin.yaml");
    assert_eq!(plain["metadata"]["namespace"], "monitoring");
    assert_eq!(plain["data"]["user"], b64(b"admin"));
    assert_eq!(plain["data"]["password"], b64(b"s3cr3t!"));
    assert_eq!(
        plain["data"]["token"],
        b64(b"tok\n"),
        "stdin is taken byte for byte"
    );

    // list: no key needed (no SOPS_AGE_KEY_FILE), namespaces derived for keos components.
    let list = Cmd::fleet("kubectl-fleet-secret")
        .args(["list"])
        .current_dir(fleet.root())
        .env_remove("SOPS_AGE_KEY_FILE")
        .run();
    let table = list.ok();
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert_eq!(
        rows[0][..7],
        [
            "eosdev2",
            "dg-s3-agent",
            "secret.yaml",
            "customer-s3-secret",
            "stratio-datastores",
            "bundle",
            "age"
        ],
        "{table}"
    );
    assert_eq!(rows[0][8], "encrypted", "{table}");
    assert_eq!(
        rows[1][..6],
        [
            "eosdev2",
            "grafana",
            "grafana-admin.yaml",
            "grafana-admin",
            "monitoring",
            "password,token,user"
        ],
        "{table}"
    );
    let json: Value =
        serde_json::from_str(fleet.secret(&["list", "eosdev2", "-o", "json"]).run().ok()).expect("json");
    assert_eq!(json["apiVersion"], "kubectl-fleet.dev/v1");
    assert_eq!(json["kind"], "SecretList");
    let item = &json["items"][0];
    assert_eq!(item["encryption"]["recipients"][0], fleet.recipient.as_str());
    assert!(
        item["encryption"]["lastModified"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z'))
    );
    assert_eq!(item["status"], "encrypted");

    // Replacing needs --force.
    let again = fleet
        .secret(&[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "customer-s3-secret",
            "--file",
            "secret.yaml",
            "--from-stdin",
            "bundle",
        ])
        .stdin("new")
        .run();
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again
            .stderr
            .contains("exists (Secret customer-s3-secret with keys bundle): pass --force"),
        "{}",
        again.stderr
    );
    fleet
        .secret(&[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "customer-s3-secret",
            "--file",
            "secret.yaml",
            "--from-stdin",
            "bundle",
            "--force",
        ])
        .stdin("new")
        .run()
        .ok();
    assert_eq!(decrypt(&fleet, rel)["data"]["bundle"], b64(b"new"));
}

#[test]
fn secret_list_flags_plaintext_secrets_except_in_templates() {
    let fleet = keos_fleet(&["eosdev2"]);
    let write = |rel: &str, text: &str| {
        let p = fleet.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    let plain = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: customer-s3-secret\ndata:\n  bundle: cGFzc3dvcmQ=\n";
    write("clusters/_TEMPLATE/secrets/dg-s3-agent/secret.yaml", plain);
    let run = fleet.secret(&["list"]).run();
    assert_eq!(
        run.code, 0,
        "a template's placeholder is expected: {}",
        run.stderr
    );
    assert!(run.stdout.contains("template"), "{}", run.stdout);
    write("clusters/eosdev2/secrets/dg-s3-agent/secret.yaml", plain);
    let run = fleet.secret(&["list"]).run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("NOT ENCRYPTED"), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "clusters/eosdev2/secrets/dg-s3-agent/secret.yaml: Secret customer-s3-secret is NOT ENCRYPTED"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("cGFzc3dvcmQ=") && !run.stderr.contains("cGFzc3dvcmQ="));
}

#[test]
fn secret_set_bad_input_is_refused_and_writes_nothing() {
    let fleet = keos_fleet(&["eosdev2"]);
    std::fs::create_dir_all(fleet.root().join("clusters/no-rules")).expect("mkdir");
    let value = fleet.root().join("../v");
    std::fs::write(&value, "hunter2-value").expect("value");
    let from = format!("bundle={}", value.display());
    let before = fleet.snapshot();
    // (arguments, an environment variable to set instead of SOPS, what the error says)
    type Case<'a> = (Vec<&'a str>, Option<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        // No .sops.yaml for the cluster.
        (
            vec!["set", "no-rules", "dg-s3-agent", "s", "--from-file", &from],
            None,
            "clusters/no-rules/secrets/.sops.yaml does not exist",
        ),
        // A cluster that does not exist.
        (
            vec!["set", "nowhere", "dg-s3-agent", "s", "--from-file", &from],
            None,
            "cluster directory clusters/nowhere does not exist",
        ),
        // The value in argv.
        (
            vec![
                "set",
                "eosdev2",
                "dg-s3-agent",
                "s",
                "--from-literal",
                "bundle=hunter2-value",
            ],
            None,
            "--from-literal bundle=… is refused: a value on the command line lands in your shell history",
        ),
        // sops missing (an explicit path, then nothing on PATH).
        (
            vec![
                "set",
                "eosdev2",
                "dg-s3-agent",
                "s",
                "--from-file",
                &from,
                "--sops",
                "/nonexistent/sops",
            ],
            None,
            "sops not found ('/nonexistent/sops' does not exist): install sops",
        ),
        (
            vec!["set", "eosdev2", "dg-s3-agent", "s", "--from-file", &from],
            Some(("PATH", "/nonexistent")),
            "sops not found (not on PATH, SOPS is not set)",
        ),
        // A component whose namespace cannot be derived, without -n.
        (
            vec!["set", "eosdev2", "unknown", "s", "--from-file", &from],
            None,
            "cannot tell the namespace of Secret s: component unknown is not an app component",
        ),
        // -n that contradicts the component's namespace.
        (
            vec![
                "set",
                "eosdev2",
                "dg-s3-agent",
                "s",
                "-n",
                "other",
                "--from-file",
                &from,
            ],
            None,
            "is applied to namespace stratio-datastores",
        ),
        // Bad key, duplicate key, a value file that does not exist, no values, a bad file name.
        (
            vec![
                "set",
                "eosdev2",
                "dg-s3-agent",
                "s",
                "--from-file",
                "a/b=/dev/null",
            ],
            None,
            "invalid Secret key 'a/b'",
        ),
        (
            vec![
                "set",
                "eosdev2",
                "dg-s3-agent",
                "s",
                "--from-file",
                &from,
                "--from-file",
                &from,
            ],
            None,
            "key bundle is given twice",
        ),
        (
            vec![
                "set",
                "eosdev2",
                "dg-s3-agent",
                "s",
                "--from-file",
                "k=/nonexistent/v",
            ],
            None,
            "cannot read --from-file k=/nonexistent/v",
        ),
        (
            vec!["set", "eosdev2", "dg-s3-agent", "s"],
            None,
            "no values: pass --from-file",
        ),
        (
            vec![
                "set",
                "eosdev2",
                "dg-s3-agent",
                "s",
                "--from-file",
                &from,
                "--file",
                "../x.yaml",
            ],
            None,
            "invalid --file '../x.yaml'",
        ),
    ];
    for (args, env_override, says) in cases {
        let mut cmd = fleet.secret(&args);
        if let Some((k, v)) = env_override {
            cmd = cmd.env_remove("SOPS").env(k, v);
        }
        let run = cmd.run();
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(
            !run.stderr.contains("hunter2-value"),
            "{args:?} leaks: {}",
            run.stderr
        );
        unchanged(&before, &fleet.snapshot(), &format!("{args:?}"));
    }

    // A creation rule that would leave the values in the clear: sops runs, nothing is written.
    fleet.rules("eosdev2", &format!("age: {}", fleet.recipient));
    let rules = fleet.root().join("clusters/eosdev2/secrets/.sops.yaml");
    let text = std::fs::read_to_string(&rules)
        .expect("rules")
        .replace("^(data|stringData)$", "^nothing$");
    std::fs::write(&rules, text).expect("rules");
    let before = fleet.snapshot();
    let run = fleet
        .secret(&["set", "eosdev2", "dg-s3-agent", "s", "--from-file", &from])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("leaves values of clusters/eosdev2/secrets/dg-s3-agent/s.yaml unencrypted"),
        "{}",
        run.stderr
    );
    unchanged(&before, &fleet.snapshot(), "the failed set");
    // A rule sops cannot use (no rule matches the file name): sops' own message.
    std::fs::write(&rules, "creation_rules:\n  - path_regex: \\.json$\n    age: x\n").expect("rules");
    let before = fleet.snapshot();
    let run = fleet
        .secret(&["set", "eosdev2", "dg-s3-agent", "s", "--from-file", &from])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("sops could not encrypt clusters/eosdev2/secrets/dg-s3-agent/s.yaml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no matching creation rules found"),
        "{}",
        run.stderr
    );
    unchanged(&before, &fleet.snapshot(), "the failed set");

    // A name clash: the same Secret in another file of the cluster.
    fleet.rules("eosdev2", &format!("age: {}", fleet.recipient));
    fleet
        .secret(&[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "customer-s3-secret",
            "--from-file",
            &from,
            "--file",
            "secret.yaml",
        ])
        .run()
        .ok();
    let before = fleet.snapshot();
    let run = fleet
        .secret(&[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "customer-s3-secret",
            "--from-file",
            &from,
        ])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("clusters/eosdev2/secrets/dg-s3-agent/secret.yaml: already defines Secret customer-s3-secret in namespace stratio-datastores"),
        "{}",
        run.stderr
    );
    unchanged(&before, &fleet.snapshot(), "the failed set");
}

#[test]
fn secret_set_with_a_pgp_key_as_keos_fleets_do() {
    let fleet = keos_fleet(&[]);
    let gnupg = tempfile::tempdir().expect("GNUPGHOME");
    std::fs::set_permissions(gnupg.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let gpg = |args: &[&str]| {
        Cmd::program("gpg")
            .env("GNUPGHOME", gnupg.path())
            .args(["--batch", "--quiet"])
            .args(args)
            .run()
    };
    gpg(&[
        "--passphrase",
        "",
        "--quick-generate-key",
        "kubectl-fleet test <test@example.invalid>",
        "rsa3072",
        "cert,encr",
        "never",
    ])
    .ok();
    let listing = gpg(&["--list-secret-keys", "--with-colons"]);
    let fpr = listing
        .ok()
        .lines()
        .find_map(|l| l.strip_prefix("fpr:").map(|r| r.trim_matches(':').to_string()))
        .expect("a fingerprint");
    assert_eq!(fpr.len(), 40, "{fpr}");
    fleet.rules("eosdev2", &format!("pgp: {fpr}"));
    let run = fleet
        .secret(&[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "customer-s3-secret",
            "--from-stdin",
            "bundle",
            "--file",
            "secret.yaml",
        ])
        .env("GNUPGHOME", gnupg.path())
        .stdin("pgp-bundle")
        .run();
    run.ok();
    let rel = "clusters/eosdev2/secrets/dg-s3-agent/secret.yaml";
    let doc = parse(&fleet.file(rel)).remove(0);
    assert_eq!(doc["sops"]["pgp"][0]["fp"], fpr.as_str());
    assert!(
        doc["data"]["bundle"]
            .as_str()
            .is_some_and(|v| v.starts_with("ENC["))
    );
    let json: Value = serde_json::from_str(fleet.secret(&["list", "-o", "json"]).run().ok()).expect("json");
    assert_eq!(
        json["items"][0]["encryption"]["methods"],
        serde_json::json!(["pgp"])
    );
    assert_eq!(json["items"][0]["encryption"]["recipients"][0], fpr.as_str());
    let plain = Cmd::program(sops())
        .args(["decrypt"])
        .args([fleet.root().join(rel)])
        .env("GNUPGHOME", gnupg.path())
        .env("SOPS_DISABLE_VERSION_CHECK", "true")
        .run();
    assert_eq!(parse(plain.ok())[0]["data"]["bundle"], b64(b"pgp-bundle"));
    // gpg started an agent for this home: stop it.
    Cmd::program("gpgconf")
        .env("GNUPGHOME", gnupg.path())
        .args(["--kill", "gpg-agent"])
        .run();
}

/// Every file under `dir` that contains `needle` (as bytes).
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn secret_values_never_reach_disk_argv_or_output() {
    let fleet = keos_fleet(&["eosdev2"]);
    // A TMPDIR of our own for every process we start, scanned afterwards.
    let tmp = tempfile::tempdir().expect("TMPDIR");
    let value = format!("leak-check-{}", unique("v"));
    let encoded = b64(value.as_bytes());
    // sops through a wrapper that records its argv, so we see what our binary passes it.
    let wrap_dir = tempfile::tempdir().expect("wrapper dir");
    let argv_log = wrap_dir.path().join("argv.log");
    let wrapper = wrap_dir.path().join("sops");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" >> '{}'\nexec '{}' \"$@\"\n",
            argv_log.display(),
            sops().display()
        ),
    )
    .expect("wrapper");
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let value_file = wrap_dir.path().join("value");
    std::fs::write(&value_file, &value).expect("value file");

    let mut outputs = Vec::new();
    let mut run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = fleet.secret(args).env("SOPS", &wrapper).env("TMPDIR", tmp.path());
        if let Some(s) = stdin {
            cmd = cmd.stdin(s.to_string());
        }
        let r = cmd.run();
        outputs.push(format!("{args:?}\n{}\n{}", r.stdout, r.stderr));
        r
    };
    let dry = run(
        &[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "s1",
            "--from-stdin",
            "k",
            "--dry-run",
        ],
        Some(&value),
    );
    dry.ok();
    assert!(dry.stdout.contains("k: <redacted>"), "{}", dry.stdout);
    run(
        &["set", "eosdev2", "dg-s3-agent", "s1", "--from-stdin", "k"],
        Some(&value),
    )
    .ok();
    let from_file = format!("k={}", value_file.display());
    run(
        &[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "s2",
            "--from-file",
            &from_file,
            "-v",
        ],
        None,
    )
    .ok();
    run(
        &[
            "set",
            "eosdev2",
            "dg-s3-agent",
            "s2",
            "--from-file",
            &from_file,
            "--force",
        ],
        None,
    )
    .ok();
    run(&["list"], None).ok();
    run(&["list", "-o", "yaml"], None).ok();
    // A failing encryption (no key for the cluster) must not echo the value either.
    fleet.rules("eosdev2", "age: age1notarecipient");
    let failed = run(
        &["set", "eosdev2", "dg-s3-agent", "s3", "--from-stdin", "k"],
        Some(&value),
    );
    assert_eq!(failed.code, 2, "{}", failed.stderr);

    let argv = std::fs::read_to_string(&argv_log).expect("sops ran");
    assert!(
        argv.contains("encrypt") && argv.contains("--filename-override"),
        "{argv}"
    );
    for needle in [value.as_str(), encoded.as_str()] {
        assert!(!argv.contains(needle), "the value reached sops' argv:\n{argv}");
        for out in &outputs {
            assert!(!out.contains(needle), "the value reached output:\n{out}");
        }
        assert_eq!(
            files_containing(fleet.root(), needle.as_bytes()),
            Vec::<String>::new(),
            "in the repository"
        );
        assert_eq!(
            files_containing(tmp.path(), needle.as_bytes()),
            Vec::<String>::new(),
            "in TMPDIR"
        );
    }
    // It is all there, encrypted: the real sops gives it back.
    let plain = decrypt(&fleet, "clusters/eosdev2/secrets/dg-s3-agent/s1.yaml");
    assert_eq!(plain["data"]["k"], encoded.as_str());
}

// ---------------------------------------------------------------------------------------------
// secret apply, against the real kube-apiservers

fn apply_cmd(fleet: &Fleet, args: &[&str]) -> Run {
    fleet.secret(&["apply"]).args(args).kubeconfig().run()
}

async fn live_secret(context: &str, namespace: &str, name: &str) -> Option<Secret> {
    let target = env().target(context).await;
    let api: Api<Secret> = Api::namespaced(target.client.clone(), namespace);
    api.get_opt(name).await.expect("get secret")
}

#[tokio::test]
async fn secret_apply_puts_decrypted_secrets_and_namespaces_on_the_cluster() {
    let context = env().first().to_string();
    // Secrets and namespaces outside the flows (seed 004): a d1 fleet, names in the files.
    let fleet = Fleet::new("", &[&context]);
    let ns = unique("sec-apply");
    std::fs::write(
        fleet
            .root()
            .join(format!("clusters/{context}/secrets/namespaces.yaml")),
        format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    team: platform\n"),
    )
    .expect("namespaces file");
    let value = format!("apply-{}", unique("v"));
    fleet
        .secret(&[
            "set",
            &context,
            "platform",
            "db-creds",
            "-n",
            &ns,
            "--from-stdin",
            "password",
        ])
        .stdin(value.clone())
        .run()
        .ok();

    // Dry run: preflight, the plan with values redacted, nothing on the cluster.
    let dry = apply_cmd(&fleet, &[&context, "--dry-run"]);
    dry.ok();
    assert!(dry.stdout.contains("password: <redacted>"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains(&format!("Secret/{ns}/db-creds")) && dry.stdout.contains("created (dry run)"),
        "{}",
        dry.stdout
    );
    assert!(!dry.stdout.contains(&value) && !dry.stderr.contains(&value));
    assert!(!dry.stdout.contains(&b64(value.as_bytes())));
    assert!(live_secret(&context, &ns, "db-creds").await.is_none());

    // Apply: Namespace first, then the Secret, decrypted.
    let applied = apply_cmd(&fleet, &[&context]);
    applied.ok();
    assert!(!applied.stdout.contains(&value) && !applied.stderr.contains(&value));
    let rows: Vec<Vec<&str>> = applied
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0][..3],
        [context.as_str(), &format!("Namespace/{ns}"), "created"],
        "{}",
        applied.stdout
    );
    assert_eq!(
        rows[1][..4],
        [
            context.as_str(),
            &format!("Secret/{ns}/db-creds"),
            "created",
            "+password"
        ],
        "{}",
        applied.stdout
    );
    let live = live_secret(&context, &ns, "db-creds").await.expect("created");
    assert_eq!(live.data.expect("data")["password"].0, value.as_bytes());
    assert_eq!(
        env().kubectl(
            &context,
            &["get", "namespace", &ns, "-o", "jsonpath={.metadata.labels.team}"]
        ),
        "platform"
    );

    // Again: nothing changes. A new value: only that key is updated, keys others added are kept.
    let again = apply_cmd(&fleet, &[&context]);
    assert!(again.ok().contains("unchanged"), "{}", again.stdout);
    env().kubectl(
        &context,
        &[
            "-n",
            &ns,
            "patch",
            "secret",
            "db-creds",
            "--type",
            "merge",
            "-p",
            "{\"data\":{\"extra\":\"eA==\"}}",
        ],
    );
    fleet
        .secret(&[
            "set",
            &context,
            "platform",
            "db-creds",
            "-n",
            &ns,
            "--from-stdin",
            "password",
            "--force",
        ])
        .stdin("rotated")
        .run()
        .ok();
    let updated = apply_cmd(&fleet, &[&context]);
    let out = updated.ok();
    assert!(
        out.contains("updated") && out.contains("~password (kept: extra)"),
        "{out}"
    );
    let live = live_secret(&context, &ns, "db-creds").await.expect("exists");
    let data = live.data.expect("data");
    assert_eq!(data["password"].0, b"rotated");
    assert_eq!(data["extra"].0, b"x");
    env().kubectl(&context, &["delete", "namespace", &ns, "--wait=false"]);
}

#[tokio::test]
async fn secret_apply_derives_keos_namespaces_and_refuses_bad_input_before_any_change() {
    let contexts = &env().contexts;
    let (first, second) = (contexts[0].clone(), contexts[1].clone());
    let fleet = keos_fleet(&[&first, &second]);
    let ns = "stratio-datastores";
    let apply_ns = |ctx: &str| {
        let out = Cmd::program(&env().kubectl)
            .args(["--kubeconfig"])
            .args([&env().kubeconfig])
            .args(["--context", ctx, "apply", "-f", "-"])
            .stdin(format!(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n"
            ))
            .run();
        out.ok();
    };
    apply_ns(&first);
    let name = unique("s3");
    for c in [&first, &second] {
        fleet
            .secret(&["set", c, "dg-s3-agent", &name, "--from-stdin", "bundle"])
            .stdin(format!("bundle-for-{c}"))
            .run()
            .ok();
    }
    // The second cluster has no namespace stratio-datastores: preflight fails there, and nothing
    // is applied anywhere.
    let run = apply_cmd(&fleet, &[&first, &second]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{second}: namespace {ns} does not exist for Secret {name}"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nothing was applied: preflight failed"),
        "{}",
        run.stderr
    );
    assert!(
        live_secret(&first, ns, &name).await.is_none(),
        "nothing applied on the healthy cluster"
    );

    // The keos Secret carries no namespace: it goes to the component's.
    let run = apply_cmd(&fleet, &[&first]);
    run.ok();
    let live = live_secret(&first, ns, &name).await.expect("applied");
    assert_eq!(
        live.data.expect("data")["bundle"].0,
        format!("bundle-for-{first}").as_bytes()
    );

    // Bad input, exit 2, nothing applied: a plaintext Secret in the cluster's files, an unknown
    // context, a cluster without secrets files, sops missing.
    let plain = fleet
        .root()
        .join(format!("clusters/{first}/secrets/dg-s3-agent/plain.yaml"));
    std::fs::write(
        &plain,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\ndata:\n  k: eA==\n",
    )
    .expect("plain");
    let run = apply_cmd(&fleet, &[&first]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("a Secret is not encrypted with sops: clusters/{first}/secrets/dg-s3-agent/plain.yaml (document 1, Secret plain): it has no sops metadata")),
        "{}",
        run.stderr
    );
    assert!(live_secret(&first, ns, "plain").await.is_none());
    std::fs::remove_file(&plain).expect("rm");
    let run = apply_cmd(
        &fleet,
        &[&first, "--context", &format!("{first}=no-such-context")],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no-such-context"), "{}", run.stderr);
    std::fs::create_dir_all(fleet.root().join("clusters/empty/secrets")).expect("mkdir");
    let run = apply_cmd(&fleet, &["empty", "--context", &format!("empty={first}")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("clusters/empty/secrets/ holds no secrets files"),
        "{}",
        run.stderr
    );
    let run = fleet
        .secret(&["apply", &first, "--sops", "/nonexistent/sops"])
        .kubeconfig()
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("sops not found"), "{}", run.stderr);
    env().kubectl(&first, &["-n", ns, "delete", "secret", &name]);
}
