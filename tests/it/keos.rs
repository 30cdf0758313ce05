//! The keos golden fleet (`tests/fixtures/keos/`): the command lines of `commands.txt`, run
//! through the real binaries in an empty fleet repository, must write the files of `expected/`
//! (compared as parsed YAML), and no others where the real repository holds exactly that set.
//!
//! The lines run in groups, one per command family, in the order of [`GROUPS`]. Each group names
//! the `commands.txt` lines it runs, the expected files it must produce, and the directories in
//! which nothing else may appear. A command family joins by adding its row.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use fleet::manifests::yaml;
use serde_json::Value;

use crate::common::Cmd;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keos")
}

/// The fleet config the fixtures were written for.
const FLEET_CONFIG: &str = "profile: keos\nuseCase: talk-to-your-data\n";

/// One family of `commands.txt` lines.
struct Group {
    /// `kubectl fleet <prefix> …` lines belong to it.
    prefix: &'static str,
    /// Expected files (paths under `expected/`) it writes, by prefix.
    writes: &'static [&'static str],
    /// Directories where the real repository holds exactly the expected files (fixtures README).
    exact: &'static [&'static str],
}

/// The groups, in the order they run.
const GROUPS: &[Group] = &[
    Group {
        prefix: "bootstrap init",
        writes: &["clusters/"],
        exact: &[
            "clusters/eosdev2/default/",
            "clusters/eosdev2/override/",
            "clusters/eosdev2/secrets/",
        ],
    },
    Group {
        prefix: "tenant ",
        writes: &["domain/"],
        exact: &[
            "domain/system-services/talk-to-your-data/",
            "domain/apps/talk-to-your-data/components/",
        ],
    },
];

/// `commands.txt` without comments and blank lines, each split into words after `kubectl fleet`.
fn command_lines() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(fixtures().join("commands.txt")).expect("commands.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let rest = l
                .strip_prefix("kubectl fleet ")
                .unwrap_or_else(|| panic!("not a kubectl fleet line: {l}"));
            rest.split(' ').map(str::to_string).collect()
        })
        .collect()
}

/// The value of `--flag VALUE` on a command line.
fn flag<'a>(line: &'a [String], name: &str) -> Option<&'a str> {
    line.iter()
        .position(|w| w == name)
        .and_then(|i| line.get(i + 1))
        .map(String::as_str)
}

/// Every file under `root/sub`, relative to `root`.
fn files_under(root: &Path, sub: &str) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).expect("under root").display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &root.join(sub), &mut out);
    out.sort();
    out
}

fn parsed(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml::from_multi_doc(&text, &path.display().to_string())
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

/// Runs one `commands.txt` line (`tenant create …` → `kubectl-fleet-tenant create …`).
fn run_line(repo: &Path, line: &[String]) {
    let (command, args) = line.split_first().expect("a command");
    let run = Cmd::fleet(&format!("kubectl-fleet-{command}"))
        .args(args)
        .current_dir(repo)
        .run();
    assert_eq!(
        run.code,
        0,
        "kubectl fleet {} failed\nstdout:\n{}\nstderr:\n{}",
        line.join(" "),
        run.stdout,
        run.stderr
    );
}

/// The tenant lines assume the use case's domain directories exist (`bootstrap init` writes them
/// from `--system-services-git-url` and `--apps-git-url`). Where no earlier group wrote them, the
/// first tenant command of each domain scaffolds them itself (`--git-url`, the same URL).
fn scaffold_flags(repo: &Path, line: &[String], bootstrap: &[String]) -> Vec<String> {
    let missing = |dir: &str| !repo.join(dir).is_dir();
    let url = |name: &str| {
        flag(bootstrap, name)
            .unwrap_or_else(|| panic!("the bootstrap init line of commands.txt has no {name}"))
            .to_string()
    };
    let words: Vec<&str> = line.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["tenant", "component", "add", ..]
            if missing("domain/system-services/talk-to-your-data/components") =>
        {
            vec!["--git-url".into(), url("--system-services-git-url")]
        }
        ["tenant", "create", ..] if missing("domain/apps/talk-to-your-data/prerequisites") => {
            vec!["--git-url".into(), url("--apps-git-url")]
        }
        _ => Vec::new(),
    }
}

#[test]
fn golden_keos_fleet_from_the_tenant_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    std::fs::write(repo.join("kubectl-fleet.yaml"), FLEET_CONFIG).expect("fleet config");
    let lines = command_lines();
    let bootstrap = lines
        .iter()
        .find(|l| l.starts_with(&["bootstrap".to_string(), "init".to_string()]))
        .expect("commands.txt has a bootstrap init line")
        .clone();

    let expected_root = fixtures().join("expected");
    let expected = files_under(&expected_root, "");
    let mut compared = 0;
    for group in GROUPS {
        let mut ran = 0;
        for line in lines.iter().filter(|l| l.join(" ").starts_with(group.prefix)) {
            let mut line = line.clone();
            line.extend(scaffold_flags(repo, &line, &bootstrap));
            run_line(repo, &line);
            ran += 1;
        }
        assert!(ran > 0, "no commands.txt line starts with '{}'", group.prefix);

        let mine: Vec<&String> = expected
            .iter()
            .filter(|f| group.writes.iter().any(|w| f.starts_with(w)))
            .collect();
        assert!(!mine.is_empty(), "no expected file under {:?}", group.writes);
        let mut diffs = BTreeMap::new();
        for file in &mine {
            let got = repo.join(file);
            if !got.is_file() {
                diffs.insert(file.to_string(), "not written".to_string());
                continue;
            }
            let (want, have) = (parsed(&expected_root.join(file)), parsed(&got));
            if want != have {
                diffs.insert(
                    file.to_string(),
                    format!(
                        "expected:\n{}\ngot:\n{}",
                        yaml::to_multi_doc(&want, file).expect("yaml"),
                        yaml::to_multi_doc(&have, file).expect("yaml")
                    ),
                );
            }
            compared += 1;
        }
        for exact in group.exact {
            for written in files_under(repo, exact) {
                if !expected.contains(&written) {
                    diffs.insert(written, "written, but not in expected/".to_string());
                }
            }
        }
        assert!(
            diffs.is_empty(),
            "group '{}' differs from tests/fixtures/keos/expected:\n{}",
            group.prefix,
            diffs
                .iter()
                .map(|(f, d)| format!("--- {f}: {d}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    assert!(compared > 0);
}

// ------------------------------------------------------------------------------------------------
// bootstrap CLUSTER… on a keos fleet (real kube-apiserver; Flux's status is written by the test the
// way the controllers would, as in tests/it/bootstrap.rs). keos runs Flux in flux-system, so this
// is the one test of the tier that uses that namespace, on one context.

mod bootstrap_run {
    use std::path::Path;

    use fleet::kube::KubeTarget;
    use k8s_openapi::api::core::v1::Secret;
    use kube::{Api, api::DeleteParams};
    use serde_json::{Value, json};

    use crate::common::{Cmd, Run, apply, env, get, ready_status, set_status};

    const NS: &str = "flux-system";
    const TOKEN: &str = "ghp_keosBootstrapToken0123456789";
    const AGE_RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    const AGE_IDENTITY: &str = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
    const DOMAIN_CHAIN: &[&str] = &[
        "system-services-components",
        "system-services-components-override",
        "apps-prerequisites",
        "apps-components",
        "apps-components-override",
    ];

    fn init(repo: &Path, cluster: &str) {
        std::fs::write(repo.join("kubectl-fleet.yaml"), super::FLEET_CONFIG).expect("fleet config");
        Cmd::fleet("kubectl-fleet-bootstrap")
            .current_dir(repo)
            .args([
                "init",
                cluster,
                "--git-url",
                "https://git.example.com/keos-fleet.git",
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
                "https://git.example.com/keos-system-services.git",
                "--apps-git-url",
                "https://git.example.com/keos-apps.git",
            ])
            .run()
            .ok();
    }

    fn bootstrap(repo: &Path, args: &[&str]) -> Run {
        let key = repo.join("age.agekey");
        std::fs::write(&key, format!("# created: by the test\n{AGE_IDENTITY}\n")).expect("key");
        let run = Cmd::fleet("kubectl-fleet-bootstrap")
            .current_dir(repo)
            .kubeconfig()
            .env("KEOS_TOKEN", TOKEN)
            .args(
                args.iter()
                    .map(|a| a.replace("KEYFILE", &key.display().to_string())),
            )
            .run();
        for secret in [TOKEN, AGE_IDENTITY] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "a secret in the output:\n{}\n{}",
                run.stdout,
                run.stderr
            );
        }
        run
    }

    fn obj(api_version: &str, kind: &str, name: &str, ns: Option<&str>) -> Value {
        let mut v = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}});
        if let Some(ns) = ns {
            v["metadata"]["namespace"] = json!(ns);
        }
        v
    }

    fn controller(name: &str, args: &[&str]) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": NS},
            "spec": {
                "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}},
                             "spec": {"containers": [{"name": "manager", "image": format!("ghcr.io/fluxcd/{name}:v1"), "args": args}]}},
            },
            "status": {"conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]},
        })
    }

    /// Removes what earlier runs of this test left in flux-system (the namespace stays).
    async fn reset(t: &KubeTarget) {
        apply(
            t,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
        )
        .await;
        let client = t.client.clone();
        let dp = DeleteParams::default();
        let _ = Api::<k8s_openapi::api::apps::v1::Deployment>::namespaced(client.clone(), NS)
            .delete_collection(&dp, &Default::default())
            .await;
        let _ = Api::<Secret>::namespaced(client.clone(), NS)
            .delete_collection(&dp, &Default::default())
            .await;
        for o in [
            obj("v1", "ServiceAccount", "kustomize-controller", Some(NS)),
            obj(
                "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding",
                "cluster-reconciler-flux-system",
                None,
            ),
        ] {
            if let Some(found) = get(t, &o).await {
                let gvk = fleet::kube::Gvk::from_api_version(
                    o["apiVersion"].as_str().unwrap_or_default(),
                    o["kind"].as_str().unwrap_or_default(),
                );
                let resolver = fleet::kube::Resolver::new(t.clone());
                let (ar, namespaced) = resolver
                    .resolve(&gvk.group, Some(&gvk.version), &gvk.kind)
                    .await
                    .expect("resolves");
                let name = found.metadata.name.unwrap_or_default();
                resolver
                    .api(&ar, namespaced, Some(NS))
                    .delete(&name, &dp)
                    .await
                    .expect("delete");
            }
        }
        for name in std::iter::once("default").chain(DOMAIN_CHAIN.iter().copied()) {
            let o = obj("kustomize.toolkit.fluxcd.io/v1", "Kustomization", name, Some(NS));
            if get(t, &o).await.is_some() {
                let resolver = fleet::kube::Resolver::new(t.clone());
                let (ar, namespaced) = resolver
                    .resolve("kustomize.toolkit.fluxcd.io", Some("v1"), "Kustomization")
                    .await
                    .expect("resolves");
                resolver
                    .api(&ar, namespaced, Some(NS))
                    .delete(name, &dp)
                    .await
                    .expect("delete");
            }
        }
    }

    async fn resource_versions(t: &KubeTarget) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for o in [
            obj("v1", "ServiceAccount", "kustomize-controller", Some(NS)),
            obj(
                "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding",
                "cluster-reconciler-flux-system",
                None,
            ),
            obj("v1", "Secret", "flux-system", Some(NS)),
            obj("v1", "Secret", "sops-age", Some(NS)),
            obj("v1", "ConfigMap", "keos-runtime-info", Some(NS)),
            obj(
                "source.toolkit.fluxcd.io/v1",
                "GitRepository",
                "keos-fleet",
                Some(NS),
            ),
            obj(
                "kustomize.toolkit.fluxcd.io/v1",
                "Kustomization",
                "default",
                Some(NS),
            ),
        ] {
            let found = get(t, &o).await.unwrap_or_else(|| panic!("{o} exists"));
            out.push((o.to_string(), found.metadata.resource_version.unwrap_or_default()));
        }
        out
    }

    fn data(secret: &Secret, key: &str) -> String {
        secret
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .map(|b| String::from_utf8_lossy(&b.0).into_owned())
            .unwrap_or_default()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bootstraps_a_keos_cluster_with_replicated_secrets_and_waits_for_the_domain_chain() {
        let context = env().contexts.last().expect("a context").clone();
        let t = env().target(&context).await;
        reset(&t).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = dir.path();
        init(repo, &context);
        let default_arg = format!("{context}/default");
        let args = [
            default_arg.as_str(),
            "--token-env",
            "KEOS_TOKEN",
            "--sops-age-key",
            "KEYFILE",
            "--no-wait",
        ];
        let secrets: Api<Secret> = Api::namespaced(t.client.clone(), NS);

        // Flux is not installed: that cluster fails, nothing is written.
        let run = bootstrap(repo, &args);
        assert_eq!(run.code, 1, "{run:?}");
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            all.contains(&format!("Flux is not installed on {context}")),
            "{all}"
        );
        assert!(
            all.contains("Deployment flux-system/kustomize-controller absent"),
            "{all}"
        );
        assert!(all.contains("pass --install-flux"), "{all}");
        assert!(
            all.contains(&format!("the cluster is '{context}'")),
            "the C/default hint: {all}"
        );
        assert!(secrets.get_opt("flux-system").await.expect("get").is_none());
        assert!(secrets.get_opt("sops-age").await.expect("get").is_none());

        // A kustomize-controller that refuses cross-namespace references is refused too.
        apply(&t, controller("source-controller", &[])).await;
        apply(
            &t,
            controller("kustomize-controller", &["--no-cross-namespace-refs=true"]),
        )
        .await;
        let run = bootstrap(repo, &args);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stdout.contains("--no-cross-namespace-refs=true")
                || run.stderr.contains("--no-cross-namespace-refs=true"),
            "{run:?}"
        );
        assert!(secrets.get_opt("flux-system").await.expect("get").is_none());

        // Flux present, but the cluster still runs a keos-fleet with provider: github, applied by
        // `default` from git: a token would leave it unable to fetch the commit that drops the
        // provider (bootstrap cannot drop a field Flux applied), so that cluster fails, nothing
        // is written.
        apply(
            &t,
            controller("kustomize-controller", &["--watch-all-namespaces=true"]),
        )
        .await;
        let keos_fleet = |github: bool| {
            let mut repo = obj(
                "source.toolkit.fluxcd.io/v1",
                "GitRepository",
                "keos-fleet",
                Some(NS),
            );
            repo["spec"] = json!({"interval": "1m", "url": "https://github.com/acme/keos-fleet.git",
                                  "secretRef": {"name": "flux-system"}});
            if github {
                repo["spec"]["provider"] = json!("github");
                repo["metadata"]["labels"] = json!({"kustomize.toolkit.fluxcd.io/name": "default",
                                                    "kustomize.toolkit.fluxcd.io/namespace": NS});
            }
            repo
        };
        apply(&t, keos_fleet(true)).await;
        let run = bootstrap(repo, &args);
        assert_eq!(run.code, 1, "{run:?}");
        for want in [
            "GitRepository flux-system/keos-fleet has provider: github on the cluster",
            "'kubectl fleet reconcile ks/flux-system/default --with-source'",
        ] {
            assert!(run.stderr.contains(want), "{want} not in:\n{}", run.stderr);
        }
        assert!(secrets.get_opt("flux-system").await.expect("get").is_none());
        apply(&t, keos_fleet(false)).await;

        // Every object of the manual procedure.
        let run = bootstrap(repo, &args);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.stdout.contains("Applied"), "{}", run.stdout);
        let replicate = |s: &Secret| {
            s.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("replicator.v1.mittwald.de/replicate-to"))
                .cloned()
        };
        let git = secrets.get("flux-system").await.expect("Secret flux-system");
        assert_eq!(data(&git, "password"), TOKEN);
        assert_eq!(replicate(&git).as_deref(), Some(".*"));
        let key = secrets.get("sops-age").await.expect("Secret sops-age");
        assert!(data(&key, "age.agekey").contains(AGE_IDENTITY));
        assert_eq!(replicate(&key).as_deref(), Some(".*"));
        let crb = get(
            &t,
            &obj(
                "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding",
                "cluster-reconciler-flux-system",
                None,
            ),
        )
        .await
        .expect("ClusterRoleBinding");
        let crb = serde_json::to_value(crb).expect("json");
        assert_eq!(crb["roleRef"]["name"], "cluster-admin");
        assert_eq!(crb["subjects"][0]["name"], "kustomize-controller");
        let root = get(
            &t,
            &obj(
                "kustomize.toolkit.fluxcd.io/v1",
                "Kustomization",
                "default",
                Some(NS),
            ),
        )
        .await
        .expect("Kustomization default");
        let root = serde_json::to_value(root).expect("json");
        assert_eq!(root["spec"]["path"], format!("./clusters/{context}/default"));
        assert_eq!(
            root["spec"]["postBuild"]["substituteFrom"][0]["name"],
            "keos-runtime-info"
        );
        let cm = get(&t, &obj("v1", "ConfigMap", "keos-runtime-info", Some(NS)))
            .await
            .expect("ConfigMap");
        let cm = serde_json::to_value(cm).expect("json");
        assert_eq!(cm["data"]["CLUSTER_NAME"], context.as_str());
        assert_eq!(cm["data"]["SOPS_SECRET_PROVIDED"], "true");

        // A re-run changes nothing. (The apiserver bumps the resourceVersion of a custom resource
        // created by server-side apply on its first re-apply, without any change: the summary says
        // unchanged, and from then on the resourceVersions stay.)
        let rerun = bootstrap(repo, &args);
        assert!(
            rerun.ok().contains("present    unchanged   unchanged"),
            "{}",
            rerun.stdout
        );
        let before = resource_versions(&t).await;
        bootstrap(repo, &args).ok();
        assert_eq!(resource_versions(&t).await, before);

        // --dry-run: the plan, redacted.
        let run = bootstrap(
            repo,
            &[
                context.as_str(),
                "--token-env",
                "KEOS_TOKEN",
                "--sops-age-key",
                "KEYFILE",
                "--dry-run",
            ],
        );
        let plan = run.ok();
        assert!(
            plan.contains("<redacted>") && plan.contains("kind: ClusterRoleBinding"),
            "{plan}"
        );
        assert_eq!(resource_versions(&t).await, before);

        // The wait chain: default, then the domain Kustomizations (kustomize-controller would
        // create those from clusters/CLUSTER/default), each Ready for its generation.
        for name in DOMAIN_CHAIN {
            apply(&t, json!({
                "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                "metadata": {"name": name, "namespace": NS, "labels": {
                    // What kustomize-controller puts on what `default` applies.
                    "kustomize.toolkit.fluxcd.io/name": "default",
                    "kustomize.toolkit.fluxcd.io/namespace": NS,
                }},
                "spec": {"interval": "5m", "path": "./", "prune": true, "sourceRef": {"kind": "GitRepository", "name": "keos-fleet"}},
            }))
            .await;
        }
        let run = bootstrap(repo, &[context.as_str(), "--timeout", "2s"]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            format!("{}{}", run.stdout, run.stderr).contains("Kustomization/flux-system/default"),
            "{run:?}"
        );
        for name in std::iter::once("default").chain(DOMAIN_CHAIN.iter().copied()) {
            let o = obj("kustomize.toolkit.fluxcd.io/v1", "Kustomization", name, Some(NS));
            let generation = get(&t, &o).await.and_then(|k| k.metadata.generation).unwrap_or(1);
            set_status(
                &t,
                &o,
                ready_status(
                    true,
                    "ReconciliationSucceeded",
                    &format!("Applied revision: main@sha1:{name}"),
                    generation,
                ),
            )
            .await;
        }
        // No token and no key: a re-run uses the Secrets on the cluster, and writes nothing.
        let before = resource_versions(&t).await;
        let run = bootstrap(repo, &[context.as_str(), "--timeout", "30s"]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(run.stdout.contains("Ready"), "{}", run.stdout);
        assert_eq!(resource_versions(&t).await, before);

        // bootstrap status knows a keos cluster: the sync is `default`, the domain Kustomizations
        // it applied are its tenants, the use case and size come from keos-runtime-info.
        let run = Cmd::fleet("kubectl-fleet-bootstrap")
            .kubeconfig()
            .args(["status", context.as_str(), "-o", "json"])
            .run();
        let doc: Value = serde_json::from_str(run.ok()).expect("json");
        let row = &doc["items"][0];
        assert_eq!(
            row["sync"]["object"], "Kustomization/flux-system/default",
            "{row}"
        );
        assert_eq!(row["sync"]["state"], "Ready", "{row}");
        assert_eq!(
            row["keos"],
            json!({"useCase": "talk-to-your-data", "size": "S"}),
            "{row}"
        );
        assert_eq!(
            row["tenants"].as_array().map(Vec::len),
            Some(DOMAIN_CHAIN.len()),
            "{row}"
        );
        let table = Cmd::fleet("kubectl-fleet-bootstrap")
            .kubeconfig()
            .args(["status", context.as_str()])
            .run();
        // The default table drops the routine message of a Ready sync; -o wide keeps it.
        assert!(
            table.ok().contains("5/5")
                && table.stdout.contains("keos talk-to-your-data (size S)")
                && !table.stdout.contains("Applied revision"),
            "{}",
            table.stdout
        );
        let wide = Cmd::fleet("kubectl-fleet-bootstrap")
            .kubeconfig()
            .args(["status", context.as_str(), "-o", "wide"])
            .run();
        assert!(
            wide.ok()
                .contains("keos talk-to-your-data (size S): Applied revision"),
            "{}",
            wide.stdout
        );
    }
}

// ------------------------------------------------------------------------------------------------
// bootstrap init: --from _TEMPLATE and bad input

/// The eosdev2 `bootstrap init` line of commands.txt, as words after `kubectl fleet`.
fn eosdev2_init() -> Vec<String> {
    command_lines()
        .into_iter()
        .find(|l| l.starts_with(&["bootstrap".to_string(), "init".to_string()]))
        .expect("commands.txt has a bootstrap init line")
}

fn init_run(repo: &Path, args: &[String]) -> crate::common::Run {
    Cmd::fleet("kubectl-fleet-bootstrap")
        .args(&args[1..])
        .current_dir(repo)
        .run()
}

fn keos_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("kubectl-fleet.yaml"), FLEET_CONFIG).expect("fleet config");
    dir
}

/// Every file under `root`, relative, with its bytes: to prove a refused command wrote nothing.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(root, "")
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(root.join(&f)).expect("read");
            (f, bytes)
        })
        .collect()
}

#[test]
fn init_from_template_fills_its_placeholders_and_matches_the_golden_cluster() {
    let dir = keos_repo();
    let repo = dir.path();
    let line = eosdev2_init();
    // A template as keos fleets keep one: eosdev2's files with `_KEY` placeholders, a KMS rule with
    // a placeholder key and an unencrypted placeholder Secret.
    let mut scratch = line.clone();
    scratch[2] = "scratch".into();
    init_run(repo, &scratch).ok();
    let tmpl = repo.join("clusters/_TEMPLATE");
    std::fs::rename(repo.join("clusters/scratch"), &tmpl).expect("rename");
    let runtime = tmpl.join("default/flux-system/runtime-info.yaml");
    let mut doc = parsed(&runtime).remove(0);
    for (k, v) in doc["data"].as_object_mut().expect("data").iter_mut() {
        if k != "STRATIO_USE_CASE" {
            *v = Value::String(format!("_{k}"));
        }
    }
    std::fs::write(&runtime, yaml::to_string(&doc, "runtime").expect("yaml")).expect("write");
    let sync = tmpl.join("default/flux-system/gotk-sync.yaml");
    let text = std::fs::read_to_string(&sync)
        .expect("read")
        .replace("clusters/scratch/", "clusters/_CLUSTER_NAME/");
    std::fs::write(&sync, text).expect("write");
    std::fs::write(
        tmpl.join("secrets/.sops.yaml"),
        "creation_rules:\n  - path_regex: .*.yaml\n    encrypted_regex: ^(data|stringData)$\n    key_groups:\n      - kms:\n          - arn: kms:key:arn\n            aws_profile: customer@marketplace\n",
    )
    .expect("write");
    std::fs::create_dir_all(tmpl.join("secrets/dg-s3-agent")).expect("mkdir");
    std::fs::write(
        tmpl.join("secrets/dg-s3-agent/secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: customer-s3-secret\ndata:\n  bundle: cGxhY2Vob2xkZXI=\n",
    )
    .expect("write");

    // Without the runtime flags, the template leaves every placeholder key unset.
    let before = snapshot(repo);
    let run = init_run(
        repo,
        &[
            "bootstrap",
            "init",
            "eosdev2",
            "--from",
            "_TEMPLATE",
            "--sops-pgp",
            "1237C663B4C1D35144933583F0941B3EAFEA3837",
        ]
        .map(String::from),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("clusters/_TEMPLATE leaves STRATIO_SIZE (_STRATIO_SIZE)")
            && run.stderr.contains("pass --set STRATIO_SIZE=S"),
        "{}",
        run.stderr
    );
    // The template's KMS rule has a placeholder key: refused unless a rule is given.
    let mut from = vec![
        "bootstrap".to_string(),
        "init".into(),
        "eosdev2".into(),
        "--from".into(),
        "_TEMPLATE".into(),
    ];
    let flags: Vec<String> = line[3..]
        .iter()
        .scan(false, |skip, w| {
            let keep = !*skip
                && !matches!(
                    w.as_str(),
                    "--git-url" | "--sops-pgp" | "--system-services-git-url" | "--apps-git-url"
                );
            let was_skip = *skip;
            *skip = matches!(
                w.as_str(),
                "--git-url" | "--sops-pgp" | "--system-services-git-url" | "--apps-git-url"
            );
            Some((keep && !was_skip).then(|| w.clone()))
        })
        .flatten()
        .collect();
    from.extend(flags.iter().cloned());
    let run = init_run(repo, &from);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("placeholder KMS key 'kms:key:arn'"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(repo), before, "refused commands write nothing");

    from.extend([
        "--sops-pgp".to_string(),
        "1237C663B4C1D35144933583F0941B3EAFEA3837".into(),
    ]);
    let run = init_run(repo, &from);
    run.ok();
    assert!(
        run.stderr
            .contains("clusters/_TEMPLATE/secrets/dg-s3-agent/secret.yaml was not copied"),
        "{}",
        run.stderr
    );
    let expected_root = fixtures().join("expected");
    for file in files_under(&expected_root, "clusters/eosdev2") {
        assert_eq!(
            parsed(&repo.join(&file)),
            parsed(&expected_root.join(&file)),
            "{file}"
        );
    }
    assert_eq!(
        files_under(repo, "clusters/eosdev2"),
        files_under(&expected_root, "clusters/eosdev2"),
        "the template's secrets are never copied"
    );
}

#[test]
fn init_bad_input_is_named_and_writes_nothing() {
    let line = eosdev2_init();
    let with = |edit: &dyn Fn(&mut Vec<String>)| {
        let mut l = line.clone();
        edit(&mut l);
        l
    };
    let drop_flag = |l: &mut Vec<String>, flag: &str| {
        if let Some(i) = l.iter().position(|w| w == flag) {
            l.drain(i..i + 2);
        }
    };
    let cases: Vec<(&str, Option<&str>, Vec<String>, &str)> = vec![
        ("no useCase", Some("profile: keos\n"), line.clone(), "useCase"),
        (
            "unknown use case, no domain URLs",
            None,
            with(&|l| {
                drop_flag(l, "--system-services-git-url");
                drop_flag(l, "--apps-git-url");
            }),
            "unknown use case 'talk-to-your-data': domain/system-services/talk-to-your-data/components and domain/apps/talk-to-your-data/prerequisites do not exist (known: none); pass --system-services-git-url and --apps-git-url to create them",
        ),
        (
            "CLUSTER_NAME differs from the directory",
            None,
            with(&|l| l.extend(["--cluster-name".to_string(), "other".into()])),
            "CLUSTER_NAME must be the directory name 'eosdev2'",
        ),
        (
            "a key with its own flag through --set",
            None,
            with(&|l| l.extend(["--set".to_string(), "CLUSTER_DOMAIN=x.example.com".into()])),
            "CLUSTER_DOMAIN has its own flag: use --domain",
        ),
        (
            "a missing runtime key",
            None,
            with(&|l| {
                let i = l.iter().position(|w| w == "STRATIO_SIZE=S").expect("size");
                l.drain(i - 1..=i);
            }),
            "runtime key STRATIO_SIZE has no value: pass --set STRATIO_SIZE=S",
        ),
        (
            "a d1-only flag",
            None,
            with(&|l| l.extend(["--flux-version".to_string(), "2.7.x".into()])),
            "--flux-version is only for the d1 profile",
        ),
        (
            "two kinds of SOPS key",
            None,
            with(&|l| {
                l.extend([
                    "--sops-age".to_string(),
                    "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into(),
                ])
            }),
            "pass one of --sops-pgp, --sops-age or --sops-kms",
        ),
        (
            "a namespace other than flux-system",
            None,
            with(&|l| l.extend(["-n".to_string(), "flux".into()])),
            "keos runs Flux in flux-system",
        ),
        (
            "not a fingerprint",
            None,
            with(&|l| {
                let i = l.iter().position(|w| w == "--sops-pgp").expect("pgp");
                l[i + 1] = "ABC".into();
            }),
            "invalid --sops-pgp 'ABC'",
        ),
    ];
    for (why, config, args, message) in cases {
        let dir = keos_repo();
        if let Some(c) = config {
            std::fs::write(dir.path().join("kubectl-fleet.yaml"), c).expect("config");
        }
        let before = snapshot(dir.path());
        let run = init_run(dir.path(), &args);
        assert_eq!(run.code, 2, "{why}: {run:?}");
        assert!(run.stderr.contains(message), "{why}: {}", run.stderr);
        assert_eq!(snapshot(dir.path()), before, "{why}: nothing written");
    }

    // keos flags on a d1 fleet are named too.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("kubectl-fleet.yaml"), "profile: d1\n").expect("config");
    let run = init_run(dir.path(), &line);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("--sops-pgp, --system-services-git-url, --apps-git-url are only for the keos profile"),
        "{}",
        run.stderr
    );
}

/// The chain reads one Secret: a use case's domain sources read the one its first cluster's
/// keos-fleet reads, later clusters default to it, and one that names another is told which
/// source bootstrap's token would not reach.
#[test]
fn init_keeps_a_use_case_on_the_secret_its_domain_sources_read() {
    let dir = keos_repo();
    let repo = dir.path();
    let secret_of = |file: &str| -> Vec<String> {
        parsed(&repo.join(file))
            .iter()
            .filter(|d| d["kind"] == "GitRepository")
            .map(|d| {
                d["spec"]["secretRef"]["name"]
                    .as_str()
                    .unwrap_or("none")
                    .to_string()
            })
            .collect()
    };
    let system_services = "domain/system-services/talk-to-your-data/components/source.yaml";
    let apps = "domain/apps/talk-to-your-data/prerequisites/source.yaml";

    let mut first = eosdev2_init();
    first.extend(["--pull-secret".to_string(), "keos-git".into()]);
    let run = init_run(repo, &first);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        secret_of("clusters/eosdev2/default/flux-system/gotk-sync.yaml"),
        ["keos-git"]
    );
    assert_eq!(
        secret_of(system_services),
        ["keos-git"],
        "scaffolded with the pull secret"
    );
    assert_eq!(secret_of(apps), ["keos-git"]);

    // A second cluster of the use case without --pull-secret reads the same Secret, silently.
    let mut second = eosdev2_init();
    second[2] = "eosdev3".into();
    let run = init_run(repo, &second);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert_eq!(
        secret_of("clusters/eosdev3/default/flux-system/gotk-sync.yaml"),
        ["keos-git"]
    );

    // One that names another Secret is written (a Secret may be made outside the tool), and told
    // which sources bootstrap's token would not reach.
    let mut third = eosdev2_init();
    third[2] = "eosdev4".into();
    third.extend(["--pull-secret".to_string(), "flux-system".into()]);
    let run = init_run(repo, &third);
    assert_eq!(run.code, 0, "{run:?}");
    for file in [system_services, apps] {
        assert!(
            run.stderr.contains(&format!("{file}: GitRepository"))
                && run.stderr.contains(
                    "reads Secret keos-git, but on cluster 'eosdev4' keos-fleet reads Secret flux-system"
                ),
            "{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("or pass --pull-secret keos-git"),
        "{}",
        run.stderr
    );
    assert_eq!(
        secret_of("clusters/eosdev4/default/flux-system/gotk-sync.yaml"),
        ["flux-system"]
    );
}

#[test]
fn bootstrap_refuses_an_unencrypted_secret_before_contacting_any_cluster() {
    let dir = keos_repo();
    let repo = dir.path();
    init_run(repo, &eosdev2_init()).ok();
    std::fs::create_dir_all(repo.join("clusters/eosdev2/secrets/dg-s3-agent")).expect("mkdir");
    std::fs::write(
        repo.join("clusters/eosdev2/secrets/dg-s3-agent/secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: customer-s3-secret\ndata:\n  bundle: cGxhaW4=\n",
    )
    .expect("write");
    // A kubeconfig whose only cluster is unreachable: the refusal comes before any contact.
    let kubeconfig = repo.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n\
         contexts:\n- name: eosdev2\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user: {}\n\
         current-context: eosdev2\n",
    )
    .expect("kubeconfig");
    let run = Cmd::fleet("kubectl-fleet-bootstrap")
        .args(["eosdev2", "--kubeconfig"])
        .args([&kubeconfig])
        .current_dir(repo)
        .run();
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("clusters/eosdev2/secrets/dg-s3-agent/secret.yaml")
            && run.stderr.contains("customer-s3-secret"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("127.0.0.1"),
        "no cluster contacted: {}",
        run.stderr
    );
}
