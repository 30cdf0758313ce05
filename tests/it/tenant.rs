//! `kubectl fleet tenant`: golden files in the d1 and keos shapes, the comment-preserving
//! kustomization edit, bad input, and — against the real kube-apiservers — apply with substitution,
//! least privilege proven by impersonating the tenant ServiceAccount, secret propagation and
//! drift, the fleet-wide list, and delete.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::atomic::{AtomicUsize, Ordering},
};

use fleet::{kube::KubeTarget, manifests::yaml};
use k8s_openapi::{
    ByteString,
    api::{
        core::v1::{ConfigMap, Namespace, Secret},
        rbac::v1::ClusterRole,
    },
};
use kube::{
    Api,
    api::{DynamicObject, ListParams, Patch, PatchParams, PostParams},
};
use serde_json::{Value, json};

use crate::{
    common::{Cmd, Run, apply, env, ready_status, set_status},
    fleet_snapshot,
};

const APPS_URL: &str = "https://github.com/controlplaneio-fluxcd/d1-apps.git";
const INFRA_URL: &str = "https://github.com/controlplaneio-fluxcd/d1-infra.git";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/tenant")
}

fn tenant() -> Cmd {
    Cmd::fleet("kubectl-fleet-tenant")
}

/// A name unique across tests and runs with a fixed-width suffix (`prefix-1a2b3c`), so tables that
/// contain it keep their column widths and can be golden-tested after masking the suffix.
fn fixed_unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) as u64;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mixed = (nanos ^ (std::process::id() as u64) << 20).wrapping_add(n.wrapping_mul(0x9e37_79b9));
    format!("{prefix}-{:06x}", mixed & 0xff_ffff)
}

/// Masks the random suffix of a [`fixed_unique`] name, keeping its length (and so the columns).
fn mask(text: &str, name: &str) -> String {
    let (prefix, _) = name.rsplit_once('-').expect("a fixed_unique name");
    text.replace(name, &format!("{prefix}-xxxxxx"))
}

/// Every file under `dir`, relative path → content.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root").display().to_string();
                out.insert(
                    rel,
                    std::fs::read_to_string(&p).unwrap_or_else(|_| "<binary>".into()),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The files under `sub` as one document for a snapshot: `# path` headers, then the exact bytes.
fn files_text(root: &Path, sub: &str) -> String {
    let mut out = String::new();
    for (path, content) in tree(root) {
        if path.starts_with(sub) {
            out.push_str(&format!("# {path}\n{content}"));
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, content) in tree(from) {
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::write(dest, content).expect("write");
    }
}

fn docs(root: &Path, file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    yaml::from_multi_doc(&text, file).expect("generated YAML parses")
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    tenant().args(args).current_dir(dir).run()
}

// ---------------------------------------------------------------------------------------------
// Golden files (no cluster)

#[test]
fn create_backend_and_frontend_reproduce_d1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = run_in(
        dir.path(),
        &["create", "backend", "--tenant", "apps", "--git-url", APPS_URL],
    );
    run.ok();
    assert_eq!(run.stdout, "", "files go to disk, status to stderr");
    assert!(
        run.stderr
            .contains("wrote tenants/apps/components/backend/ (4 files)"),
        "{}",
        run.stderr
    );
    // The second namespace of a tenant reuses its git URL.
    run_in(dir.path(), &["create", "frontend", "--tenant", "apps"]).ok();
    let backend = files_text(dir.path(), "tenants/apps/components/backend");
    let frontend = files_text(dir.path(), "tenants/apps/components/frontend");
    fleet_snapshot!("tenant_create_backend", backend.clone());
    fleet_snapshot!("tenant_create_frontend", frontend.clone());
    // d1: "their files are identical apart from the name".
    assert_eq!(backend.replace("backend", "frontend"), frontend);

    let base = "tenants/apps/components/frontend";
    let k = &docs(dir.path(), &format!("{base}/kustomization.yaml"))[0];
    assert_eq!(k["namespace"], "frontend");
    assert_eq!(
        k["resources"],
        json!(["namespace.yaml", "rbac.yaml", "sync.yaml"])
    );
    assert_eq!(
        k["labels"],
        json!([{"pairs": {"toolkit.fluxcd.io/tenant": "apps"}}])
    );
    let ns = &docs(dir.path(), &format!("{base}/namespace.yaml"))[0];
    assert_eq!(
        ns,
        &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "frontend"}})
    );
    let rbac = docs(dir.path(), &format!("{base}/rbac.yaml"));
    assert_eq!(rbac[0]["kind"], "ServiceAccount");
    assert_eq!(rbac[0]["metadata"]["name"], "flux-apps");
    assert_eq!(rbac[1]["kind"], "RoleBinding");
    assert_eq!(
        rbac[1]["roleRef"],
        json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"})
    );
    assert_eq!(
        rbac[1]["subjects"],
        json!([{"kind": "ServiceAccount", "name": "flux-apps"}])
    );
    let sync = docs(dir.path(), &format!("{base}/sync.yaml"));
    assert_eq!(
        sync[0],
        json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "flux-apps"},
            "spec": {"interval": "1m", "ref": {"branch": "${GIT_BRANCH}"}, "secretRef": {"name": "flux-apps"}, "url": APPS_URL},
        })
    );
    let ks = &sync[1];
    assert_eq!(ks["apiVersion"], "kustomize.toolkit.fluxcd.io/v1");
    assert_eq!(ks["metadata"]["name"], "flux-frontend");
    let spec = &ks["spec"];
    assert_eq!(spec["serviceAccountName"], "flux-apps");
    assert_eq!(spec["interval"], "12h");
    assert_eq!(spec["retryInterval"], "3m");
    assert_eq!(spec["path"], "./components/frontend/${ENVIRONMENT}");
    assert_eq!(spec["prune"], true);
    assert_eq!(
        spec["sourceRef"],
        json!({"kind": "GitRepository", "name": "flux-apps"})
    );
    assert_eq!(spec["timeout"], "15m");
    assert_eq!(spec["wait"], true);
    assert_eq!(
        spec["patches"],
        json!([{
            "patch": "- op: add\n  path: /spec/serviceAccountName\n  value: flux-apps\n",
            "target": {"kind": "(HelmRelease|Kustomization)"},
        }])
    );
    assert_eq!(
        spec["postBuild"],
        json!({"substituteFrom": [{"kind": "ConfigMap", "name": "flux-runtime-info"}]})
    );

    // Re-running is a no-op; a hand edit is never overwritten without --force.
    let again = run_in(dir.path(), &["create", "frontend", "--tenant", "apps"]);
    assert!(
        again.ok().is_empty() && again.stderr.contains("up to date"),
        "{}",
        again.stderr
    );
    let sync_path = dir.path().join(base).join("sync.yaml");
    std::fs::write(&sync_path, "# hand edit\n").expect("write");
    let refused = run_in(dir.path(), &["create", "frontend", "--tenant", "apps"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("refusing to overwrite") && refused.stderr.contains("sync.yaml"));
    let diff = run_in(
        dir.path(),
        &["create", "frontend", "--tenant", "apps", "--dry-run"],
    );
    assert!(diff.ok().contains("-# hand edit"), "{}", diff.stdout);
    assert_eq!(
        std::fs::read_to_string(&sync_path).expect("read"),
        "# hand edit\n"
    );
    run_in(dir.path(), &["create", "frontend", "--tenant", "apps", "--force"]).ok();
    assert_eq!(files_text(dir.path(), base), frontend);
}

#[test]
fn component_add_monitoring_and_admission_reproduce_d1_and_keep_the_kustomization() {
    let dir = tempfile::tempdir().expect("temp dir");
    let components = dir.path().join("tenants/infra/components");
    copy_dir(&fixtures().join("d1-infra-components"), &components);
    let original = std::fs::read_to_string(components.join("kustomization.yaml")).expect("read");

    let run = run_in(dir.path(), &["component", "add", "monitoring"]);
    run.ok();
    let run = run_in(
        dir.path(),
        &[
            "component",
            "add",
            "admission",
            "--depends-on",
            "monitoring-controllers",
        ],
    );
    run.ok();
    assert!(
        !run.stderr.contains('⚠'),
        "monitoring-controllers is defined: {}",
        run.stderr
    );
    fleet_snapshot!(
        "tenant_component_add_monitoring",
        std::fs::read_to_string(components.join("monitoring.yaml")).expect("read")
    );
    fleet_snapshot!(
        "tenant_component_add_admission",
        std::fs::read_to_string(components.join("admission.yaml")).expect("read")
    );
    let kustomization = std::fs::read_to_string(components.join("kustomization.yaml")).expect("read");
    fleet_snapshot!("tenant_component_add_kustomization", kustomization.clone());
    // Every original line survives, in order (comments included); only the two items are new.
    let new_lines: Vec<&str> = kustomization.lines().collect();
    let mut kept = new_lines.clone();
    kept.retain(|l| *l != "  - monitoring.yaml" && *l != "  - admission.yaml");
    assert_eq!(kept, original.lines().collect::<Vec<_>>());
    let k = &docs(&components, "kustomization.yaml")[0];
    assert_eq!(
        k["resources"],
        json!(["rbac.yaml", "source.yaml", "monitoring.yaml", "admission.yaml"])
    );

    // d1 §5.1: name, dependsOn, interval, retryInterval, timeout, path of the four Kustomizations.
    let mut all = docs(&components, "monitoring.yaml");
    all.extend(docs(&components, "admission.yaml"));
    let table: Vec<(String, Value, String, String, String, String)> = all
        .iter()
        .map(|d| {
            let s = &d["spec"];
            (
                d["metadata"]["name"].as_str().expect("name").to_string(),
                s.get("dependsOn").cloned().unwrap_or(Value::Null),
                s["interval"].as_str().expect("interval").to_string(),
                s["retryInterval"].as_str().expect("retry").to_string(),
                s["timeout"].as_str().expect("timeout").to_string(),
                s["path"].as_str().expect("path").to_string(),
            )
        })
        .collect();
    let dep = |n: &str| json!([{"name": n}]);
    assert_eq!(
        table,
        [
            (
                "monitoring-controllers".into(),
                Value::Null,
                "1h".into(),
                "2m".into(),
                "10m".into(),
                "components/monitoring/controllers/${ENVIRONMENT}".into()
            ),
            (
                "monitoring-configs".into(),
                dep("monitoring-controllers"),
                "1h".into(),
                "2m".into(),
                "5m".into(),
                "components/monitoring/configs/${ENVIRONMENT}".into()
            ),
            (
                "admission-controllers".into(),
                dep("monitoring-controllers"),
                "1h".into(),
                "2m".into(),
                "10m".into(),
                "components/admission/controllers/${ENVIRONMENT}".into()
            ),
            (
                "admission-configs".into(),
                dep("admission-controllers"),
                "1h".into(),
                "2m".into(),
                "5m".into(),
                "components/admission/configs/${ENVIRONMENT}".into()
            ),
        ]
    );
    for d in &all {
        let s = &d["spec"];
        assert_eq!(s["serviceAccountName"], "flux-infra");
        assert_eq!(s["prune"], true);
        assert_eq!(s["wait"], true);
        assert_eq!(
            s["sourceRef"],
            json!({"kind": "GitRepository", "name": "flux-infra"})
        );
        assert!(s.get("postBuild").is_none(), "no postBuild on purpose (d1 §5.1)");
    }

    // Adding again changes nothing; an unknown dependency is a warning, not a failure.
    let again = run_in(dir.path(), &["component", "add", "monitoring"]);
    assert!(
        again.ok().is_empty() && again.stderr.contains("up to date"),
        "{}",
        again.stderr
    );
    let odd = run_in(
        dir.path(),
        &[
            "component",
            "add",
            "policies",
            "--depends-on",
            "nope",
            "--dry-run",
        ],
    );
    assert!(odd.ok().contains("+  - policies.yaml"), "{}", odd.stdout);
    assert!(
        odd.stderr.contains("dependency 'nope' is not defined"),
        "{}",
        odd.stderr
    );
    assert!(
        !components.join("policies.yaml").exists(),
        "--dry-run writes nothing"
    );
}

#[test]
fn component_add_scaffolds_a_missing_components_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let refused = run_in(dir.path(), &["component", "add", "monitoring"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--git-url"), "{}", refused.stderr);
    assert!(tree(dir.path()).is_empty(), "nothing written");
    run_in(
        dir.path(),
        &["component", "add", "monitoring", "--git-url", INFRA_URL],
    )
    .ok();
    fleet_snapshot!(
        "tenant_component_scaffold",
        files_text(dir.path(), "tenants/infra/components")
    );
}

#[test]
fn automation_apps_reproduces_d1() {
    let dir = tempfile::tempdir().expect("temp dir");
    run_in(
        dir.path(),
        &[
            "automation",
            "apps",
            "--git-url",
            APPS_URL,
            "--author-name",
            "controlplaneio-fluxcd-bot",
            "--author-email",
            "controlplaneio-fluxcd-bot@users.noreply.github.com",
        ],
    )
    .ok();
    let base = "tenants/apps/update";
    fleet_snapshot!("tenant_automation_apps", files_text(dir.path(), base));
    let k = &docs(dir.path(), &format!("{base}/kustomization.yaml"))[0];
    assert_eq!(k["namespace"], "apps-update");
    assert_eq!(
        k["resources"],
        json!(["namespace.yaml", "rbac.yaml", "sync.yaml", "automation.yaml"])
    );
    assert_eq!(
        k["labels"],
        json!([{"pairs": {"toolkit.fluxcd.io/tenant": "apps", "toolkit.fluxcd.io/role": "automation"}}])
    );
    let sync = docs(dir.path(), &format!("{base}/sync.yaml"));
    assert_eq!(sync[0]["spec"]["interval"], "10m");
    assert_eq!(sync[0]["spec"]["secretRef"]["name"], "flux-apps");
    assert_eq!(sync[1]["metadata"]["name"], "flux-apps");
    assert_eq!(sync[1]["spec"]["path"], "./update");
    assert!(sync[1]["spec"].get("postBuild").is_none() && sync[1]["spec"].get("wait").is_none());
    let rbac = docs(dir.path(), &format!("{base}/rbac.yaml"));
    assert_eq!(rbac[1]["roleRef"]["name"], "admin");
    let iua = &docs(dir.path(), &format!("{base}/automation.yaml"))[0];
    assert_eq!(iua["apiVersion"], "image.toolkit.fluxcd.io/v1");
    assert_eq!(iua["kind"], "ImageUpdateAutomation");
    assert_eq!(iua["metadata"]["name"], "flux-apps");
    let spec = &iua["spec"];
    assert_eq!(spec["interval"], "30m");
    assert_eq!(
        spec["sourceRef"],
        json!({"kind": "GitRepository", "name": "flux-apps"})
    );
    assert_eq!(spec["git"]["checkout"]["ref"]["branch"], "${GIT_BRANCH}");
    assert_eq!(spec["git"]["push"]["branch"], "${GIT_BRANCH}");
    assert_eq!(
        spec["git"]["commit"]["author"],
        json!({"email": "controlplaneio-fluxcd-bot@users.noreply.github.com", "name": "controlplaneio-fluxcd-bot"})
    );
    let template = spec["git"]["commit"]["messageTemplate"]
        .as_str()
        .expect("template");
    assert!(template.starts_with("Automated image update\n"));
    assert!(template.contains("range $filename, $_ := .Changed.FileChanges"));
    assert!(template.contains("range $resource, $changes := .Changed.Objects"));
    assert!(template.contains("{{ $change.OldValue }} -> {{ $change.NewValue }}"));
    assert_eq!(
        spec["update"],
        json!({"path": "./components", "strategy": "Setters"})
    );

    // The platform tenant's automation reuses flux-infra in flux-system (d1 §5.2).
    run_in(dir.path(), &["automation", "infra"]).ok();
    let infra = docs(dir.path(), "tenants/infra/update/sync.yaml");
    assert_eq!(infra[0]["metadata"]["name"], "flux-infra-update-policies");
    assert_eq!(infra[0]["spec"]["serviceAccountName"], "flux-infra");
}

#[test]
fn keos_profile_places_files_in_the_keos_layout() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures().join("keos"), dir.path());
    // The first namespace scaffolds the use case's prerequisites (GitRepository keos-apps).
    let created = run_in(
        dir.path(),
        &[
            "create",
            "stratio-apps",
            "--tenant",
            "apps",
            "--git-url",
            "https://github.com/Stratio/keos-apps.git",
        ],
    );
    created.ok();
    assert!(
        created
            .stderr
            .contains("scaffolded domain/apps/talk-to-your-data/prerequisites/"),
        "{}",
        created.stderr
    );
    run_in(
        dir.path(),
        &["app", "add", "stratio-apps", "connectors-management"],
    )
    .ok();
    run_in(
        dir.path(),
        &[
            "app",
            "add",
            "stratio-apps",
            "virtualizer",
            "--depends-on",
            "connectors-management",
            "--secrets",
        ],
    )
    .ok();
    run_in(
        dir.path(),
        &[
            "component",
            "add",
            "monitoring",
            "--git-url",
            "https://github.com/Stratio/keos-system-services.git",
        ],
    )
    .ok();
    run_in(
        dir.path(),
        &[
            "component",
            "add",
            "gosec",
            "--substitute",
            "--depends-on",
            "system-services-monitoring-configs",
        ],
    )
    .ok();
    fleet_snapshot!("tenant_keos_layout", files_text(dir.path(), "domain"));

    // keos reconciles each component, not the namespace: no sync.yaml in the namespace, no
    // -controllers Kustomization, no tenant label.
    let ns = "domain/apps/talk-to-your-data/components/stratio-apps";
    assert!(!dir.path().join(ns).join("sync.yaml").exists());
    let k = docs(dir.path(), &format!("{ns}/kustomization.yaml"));
    assert_eq!(
        k[0]["resources"],
        json!([
            "namespace.yaml",
            "rbac.yaml",
            "connectors-management",
            "virtualizer"
        ])
    );
    assert_eq!(
        k[0]["labels"],
        json!([{"pairs": {"toolkit.fluxcd.io/domain": "apps"}}])
    );
    let sync = docs(dir.path(), &format!("{ns}/virtualizer/sync.yaml"));
    assert_eq!(sync[0]["metadata"]["name"], "apps-virtualizer-secrets");
    assert_eq!(sync[1]["metadata"]["name"], "apps-virtualizer");
    assert_eq!(
        sync[1]["spec"]["dependsOn"],
        json!([{"name": "apps-virtualizer-secrets"}, {"name": "apps-connectors-management"}])
    );
    assert_eq!(
        sync[1]["spec"]["postBuild"]["substituteFrom"][0]["name"],
        "keos-runtime-info"
    );
    let comp = docs(
        dir.path(),
        "domain/system-services/talk-to-your-data/components/gosec.yaml",
    );
    assert_eq!(comp.len(), 1);
    assert_eq!(comp[0]["metadata"]["name"], "system-services-gosec-configs");
    assert_eq!(
        comp[0]["spec"]["path"],
        "components/gosec/configs/${STRATIO_USE_CASE}"
    );

    // Refused on keos, with what to do instead: a per-namespace path, another tenant, image
    // automation, and `app add` in a namespace that is not onboarded.
    for (args, says) in [
        (
            &[
                "create",
                "other",
                "--tenant",
                "apps",
                "--path",
                "./components/other/${STRATIO_SIZE}",
            ][..],
            "tenant app add",
        ),
        (
            &["create", "other", "--tenant", "web"][..],
            "keos has one tenant, 'apps'",
        ),
        (&["automation", "apps"][..], "does not support it"),
        (
            &["app", "add", "nowhere", "x"][..],
            "tenant create nowhere --tenant apps",
        ),
        (
            &[
                "app",
                "add",
                "stratio-apps",
                "discovery",
                "--depends-on",
                "pgbouncer",
            ][..],
            "component 'pgbouncer' does not exist in namespace stratio-apps",
        ),
    ] {
        let before = tree(dir.path());
        let bad = run_in(dir.path(), args);
        assert_eq!(bad.code, 2, "{args:?}: {}", bad.stderr);
        assert!(bad.stderr.contains(says), "{args:?}: {}", bad.stderr);
        assert_eq!(tree(dir.path()), before, "{args:?} wrote something");
    }

    // Deleting finds the namespace in any use case, component directories included.
    std::fs::write(dir.path().join("kubectl-fleet.yaml"), "profile: keos\n").expect("write");
    let deleted = run_in(dir.path(), &["delete", "stratio-apps"]);
    deleted.ok();
    assert!(
        deleted
            .stderr
            .contains("removed domain/apps/talk-to-your-data/components/stratio-apps/ (7 files)"),
        "{}",
        deleted.stderr
    );
    assert!(!dir.path().join(ns).exists());
}

#[test]
fn bad_input_is_refused_with_exit_2_and_nothing_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    run_in(
        dir.path(),
        &["create", "backend", "--tenant", "web", "--git-url", APPS_URL],
    )
    .ok();
    let before = tree(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (
            &["create", "Back_end", "--tenant", "apps", "--git-url", APPS_URL],
            "invalid namespace 'Back_end': a DNS-1123 label contains only lower-case letters, digits and '-' (found 'B')",
        ),
        (
            &["create", "api", "--tenant", "apps.team", "--git-url", APPS_URL],
            "invalid tenant 'apps.team'",
        ),
        (
            &["create", "kube-system", "--tenant", "apps", "--git-url", APPS_URL],
            "invalid namespace 'kube-system': it is a system namespace",
        ),
        (
            &["create", "backend", "--tenant", "apps", "--git-url", APPS_URL],
            "namespace 'backend' already belongs to tenant 'web' (tenants/web/components/backend)",
        ),
        (
            &[
                "create",
                "api",
                "--tenant",
                "apps",
                "--git-url",
                APPS_URL,
                "--path",
                "./components/api/staging",
            ],
            "path template './components/api/staging' must contain the overlay variable ${ENVIRONMENT}",
        ),
        (
            &[
                "create",
                "api",
                "--tenant",
                "apps",
                "--git-url",
                "git@github.com:org/apps.git",
            ],
            "invalid git URL 'git@github.com:org/apps.git'",
        ),
        (
            &["create", "api", "--tenant", "apps"],
            "the first namespace of tenant 'apps' needs a git URL: pass --git-url URL",
        ),
        (
            &[
                "create",
                "api",
                "--tenant",
                "apps",
                "--git-url",
                APPS_URL,
                "--role",
                "Cluster Admin",
            ],
            "invalid role 'Cluster Admin'",
        ),
        (
            &[
                "create",
                "api",
                "--tenant",
                "apps",
                "--git-url",
                APPS_URL,
                "--token-env",
                "X",
            ],
            "add --apply",
        ),
        (
            &["component", "add", "monitoring_stack"],
            "invalid component 'monitoring_stack'",
        ),
        (
            &[
                "create",
                "api",
                "--tenant",
                "apps",
                "--git-url",
                APPS_URL,
                "--fleet-dir",
                "/nonexistent/fleet",
            ],
            "fleet repository directory '/nonexistent/fleet' does not exist",
        ),
    ];
    for (args, expected) in cases {
        let run = run_in(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{args:?}:\n{}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert_eq!(tree(dir.path()), before, "{args:?} wrote something");
    }

    // A fleet dir that is a file, an unreadable config, and an unknown profile.
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").expect("write");
    let run = run_in(
        dir.path(),
        &[
            "create",
            "api",
            "--tenant",
            "apps",
            "--git-url",
            APPS_URL,
            "--fleet-dir",
            file.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("does not exist or is not a directory"),
        "{}",
        run.stderr
    );

    let unreadable = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(unreadable.path().join("kubectl-fleet.yaml")).expect("mkdir");
    let run = run_in(
        unreadable.path(),
        &["create", "api", "--tenant", "apps", "--git-url", APPS_URL],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("failed to read") && run.stderr.contains("kubectl-fleet.yaml"),
        "{}",
        run.stderr
    );

    let argo = tempfile::tempdir().expect("temp dir");
    std::fs::write(argo.path().join("kubectl-fleet.yaml"), "profile: argo\n").expect("write");
    let run = run_in(
        argo.path(),
        &["create", "api", "--tenant", "apps", "--git-url", APPS_URL],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid fleet config"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("unknown variant `argo`, expected one of d1, keos"),
        "{}",
        run.stderr
    );
    for d in [unreadable.path(), argo.path()] {
        assert!(!d.join("tenants").exists(), "nothing written");
    }
}

#[test]
fn help_shows_kubectl_fleet_and_examples() {
    let top = tenant().args(["--help"]).run();
    fleet_snapshot!("tenant_help", top.ok().to_string());
    let create = tenant().args(["create", "--help"]).run();
    fleet_snapshot!("tenant_create_help", create.ok().to_string());
}

// ---------------------------------------------------------------------------------------------
// Real apiservers

/// The d1 runtime info of each test cluster (d1 §4.3).
pub(crate) fn runtime_info(context: &str) -> Value {
    let (environment, branch, name, domain) = match context {
        "staging" => ("staging", "main", "staging-1", "preview1.example.com"),
        "prod-eu" => ("production", "production", "prod-eu", "eu.example.com"),
        _ => ("production", "production", "prod-us", "us.example.com"),
    };
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {
            "name": "flux-runtime-info", "namespace": "flux-system",
            "labels": {"toolkit.fluxcd.io/runtime": "true"},
            "annotations": {"kustomize.toolkit.fluxcd.io/ssa": "Merge"},
        },
        "data": {"ENVIRONMENT": environment, "GIT_BRANCH": branch, "CLUSTER_NAME": name, "CLUSTER_DOMAIN": domain},
    })
}

/// What `kubectl fleet bootstrap` leaves behind that tenants need: `flux-system` and the runtime
/// info (applied idempotently; every test writes the same values).
pub(crate) async fn bootstrapped(context: &str) -> KubeTarget {
    let target = env().target(context).await;
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "flux-system"}}),
    )
    .await;
    apply(&target, runtime_info(context)).await;
    target
}

/// Installs Flux's aggregated ClusterRoles and does what kube-controller-manager's ClusterRole
/// aggregation controller would (there is none here): fill every aggregated role with the rules
/// of the roles its selectors match, until nothing changes.
pub(crate) async fn aggregate_cluster_roles(target: &KubeTarget) {
    let text = std::fs::read_to_string(fixtures().join("cluster/flux-aggregated-clusterroles.yaml"))
        .expect("fixture");
    for obj in yaml::objects_from_multi_doc(&text, "fixture").expect("parses") {
        apply(target, obj).await;
    }
    let api: Api<ClusterRole> = Api::all(target.client.clone());
    for _round in 0..4 {
        let roles = api
            .list(&ListParams::default())
            .await
            .expect("list ClusterRoles")
            .items;
        let mut changed = false;
        for role in roles.iter().filter(|r| r.aggregation_rule.is_some()) {
            let selectors = role
                .aggregation_rule
                .as_ref()
                .and_then(|a| a.cluster_role_selectors.clone())
                .unwrap_or_default();
            let mut rules = Vec::new();
            for other in &roles {
                let labels = other.metadata.labels.clone().unwrap_or_default();
                let matches = selectors.iter().any(|s| {
                    s.match_labels
                        .as_ref()
                        .is_some_and(|m| m.iter().all(|(k, v)| labels.get(k) == Some(v)))
                });
                if matches && other.metadata.name != role.metadata.name {
                    for r in other.rules.clone().unwrap_or_default() {
                        if !rules.contains(&r) {
                            rules.push(r);
                        }
                    }
                }
            }
            if role.rules.clone().unwrap_or_default() != rules {
                let name = role.metadata.name.clone().expect("name");
                let patch = json!({"rules": rules});
                api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await
                    .expect("aggregate rules");
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// A client that acts as the given ServiceAccount (impersonation by the admin user).
pub(crate) async fn as_service_account(context: &str, namespace: &str, name: &str) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::read_from(&env().kubeconfig).expect("kubeconfig");
    let options = kube::config::KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let mut config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .expect("config");
    config.auth_info.impersonate = Some(format!("system:serviceaccount:{namespace}:{name}"));
    config.auth_info.impersonate_groups = Some(vec![
        "system:serviceaccounts".into(),
        format!("system:serviceaccounts:{namespace}"),
        "system:authenticated".into(),
    ]);
    kube::Client::try_from(config).expect("client")
}

/// Creates `obj` through `client`; `Ok` or the HTTP status code of the refusal.
async fn try_create(client: &kube::Client, target: &KubeTarget, obj: Value) -> Result<(), u16> {
    let gvk = fleet::kube::Gvk::from_api_version(
        obj["apiVersion"].as_str().expect("apiVersion"),
        obj["kind"].as_str().expect("kind"),
    );
    let resolver = fleet::kube::Resolver::new(target.clone());
    let (ar, namespaced) = resolver
        .resolve(&gvk.group, Some(&gvk.version), &gvk.kind)
        .await
        .expect("kind is served");
    let api: Api<DynamicObject> = match obj.pointer("/metadata/namespace").and_then(Value::as_str) {
        Some(ns) if namespaced => Api::namespaced_with(client.clone(), ns, &ar),
        _ => Api::all_with(client.clone(), &ar),
    };
    let dynamic: DynamicObject = serde_json::from_value(obj).expect("object");
    match api.create(&PostParams::default(), &dynamic).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) => Err(s.code),
        Err(e) => panic!("create failed unexpectedly: {e}"),
    }
}

fn assert_no_token(token: &str, run: &Run, dir: &Path) {
    assert!(!run.stdout.contains(token), "token in stdout");
    assert!(!run.stderr.contains(token), "token in stderr");
    for (path, content) in tree(dir) {
        assert!(!content.contains(token), "token written to {path}");
    }
}

pub(crate) fn create_apply(
    dir: &Path,
    namespace: &str,
    tenant_name: &str,
    contexts: &[&str],
    extra: &[&str],
) -> Cmd {
    let mut args = vec![
        "create",
        namespace,
        "--tenant",
        tenant_name,
        "--git-url",
        APPS_URL,
        "--apply",
    ];
    for c in contexts {
        args.extend(["--context", *c]);
    }
    args.extend(extra.iter().copied());
    tenant().args(args).kubeconfig().current_dir(dir)
}

async fn namespace_exists(target: &KubeTarget, name: &str) -> bool {
    let api: Api<Namespace> = Api::all(target.client.clone());
    api.get_opt(name).await.expect("get namespace").is_some()
}

#[tokio::test]
async fn apply_substitutes_per_cluster_and_the_tenant_is_least_privileged() {
    let staging = bootstrapped("staging").await;
    aggregate_cluster_roles(&staging).await;
    let tenant_name = fixed_unique("lp");
    let other_tenant = fixed_unique("other");
    let ns = fixed_unique("app");
    let other_ns = fixed_unique("app");
    let dir = tempfile::tempdir().expect("temp dir");
    let token = "ghp_LeastPrivilegeToken0123456789";

    let run = create_apply(
        dir.path(),
        &ns,
        &tenant_name,
        &["staging"],
        &["--token-stdin", "--propagate"],
    )
    .stdin(format!("{token}\n"))
    .run();
    run.ok();
    assert_no_token(token, &run, dir.path());
    assert!(
        !run.stderr.contains("cannot create"),
        "the tenant SA has its rights: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("ResourceQuotas"),
        "admin cannot lift quotas: {}",
        run.stderr
    );
    let table = mask(&mask(&run.stdout, &ns), &tenant_name);
    fleet_snapshot!("tenant_create_apply", table);
    // Re-running is a no-op on the cluster too.
    let rerun = create_apply(
        dir.path(),
        &ns,
        &tenant_name,
        &["staging"],
        &["--token-stdin", "--propagate"],
    )
    .stdin(token)
    .run();
    let lines: Vec<&str> = rerun.ok().lines().skip(1).collect();
    assert_eq!(lines.len(), 8, "{}", rerun.stdout);
    for line in lines {
        assert!(
            line.ends_with("unchanged") || line.ends_with("unchanged (copy)"),
            "{line}"
        );
    }
    create_apply(dir.path(), &other_ns, &other_tenant, &["staging"], &[])
        .run()
        .ok();

    // What Flux would have applied: namespace and label transforms, ${VAR}s from runtime info.
    let ks = crate::common::get(
        &staging,
        &json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": format!("flux-{ns}"), "namespace": ns}}),
    )
    .await
    .expect("Kustomization applied");
    assert_eq!(ks.data["spec"]["path"], format!("./components/{ns}/staging"));
    assert_eq!(
        ks.data["spec"]["serviceAccountName"],
        format!("flux-{tenant_name}")
    );
    assert_eq!(
        ks.metadata.labels.as_ref().expect("labels")["toolkit.fluxcd.io/tenant"],
        tenant_name
    );
    let git = crate::common::get(
        &staging,
        &json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "metadata": {"name": format!("flux-{tenant_name}"), "namespace": ns}}),
    )
    .await
    .expect("GitRepository applied");
    assert_eq!(git.data["spec"]["ref"]["branch"], "main");
    let managers: Vec<String> = git
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert_eq!(managers, ["kubectl-fleet"], "one field manager");
    let source: Api<Secret> = Api::namespaced(staging.client.clone(), "flux-system");
    let secret = source
        .get(&format!("flux-{tenant_name}"))
        .await
        .expect("tenant secret");
    assert_eq!(
        secret.metadata.labels.as_ref().expect("labels")["toolkit.fluxcd.io/tenant"],
        tenant_name
    );
    assert_eq!(
        secret.data.as_ref().expect("data")["password"].0,
        token.as_bytes()
    );

    // Least privilege, asked of the real apiserver by acting as the tenant ServiceAccount.
    let sa = as_service_account("staging", &ns, &format!("flux-{tenant_name}")).await;
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "podinfo", "namespace": ns},
        "spec": {"selector": {"matchLabels": {"app": "podinfo"}}, "template": {
            "metadata": {"labels": {"app": "podinfo"}},
            "spec": {"containers": [{"name": "podinfo", "image": "ghcr.io/stefanprodan/podinfo:6.14.0"}]}}},
    });
    assert_eq!(
        try_create(&sa, &staging, deployment).await,
        Ok(()),
        "Deployment in its namespace"
    );
    let helm_release = json!({
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "podinfo", "namespace": ns},
        "spec": {"interval": "50m", "chart": {"spec": {"chart": "podinfo", "sourceRef": {"kind": "HelmRepository", "name": "podinfo"}}}},
    });
    assert_eq!(
        try_create(&sa, &staging, helm_release).await,
        Ok(()),
        "HelmRelease in its namespace"
    );
    let cluster_role = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": format!("{ns}-escalate")}, "rules": [],
    });
    assert_eq!(
        try_create(&sa, &staging, cluster_role).await,
        Err(403),
        "no ClusterRole"
    );
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": format!("{ns}-x")}});
    assert_eq!(
        try_create(&sa, &staging, namespace).await,
        Err(403),
        "no Namespace"
    );
    let foreign = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "intrusion", "namespace": other_ns}});
    assert_eq!(
        try_create(&sa, &staging, foreign).await,
        Err(403),
        "nothing in another tenant's namespace"
    );
    let foreign_hr = json!({
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "intrusion", "namespace": other_ns},
        "spec": {"interval": "1h", "chart": {"spec": {"chart": "x", "sourceRef": {"kind": "HelmRepository", "name": "x"}}}},
    });
    assert_eq!(try_create(&sa, &staging, foreign_hr).await, Err(403));
}

#[tokio::test]
async fn apply_warns_when_the_role_does_not_cover_flux_kinds() {
    let staging = bootstrapped("staging").await;
    let role = fixed_unique("deploy-only");
    apply(
        &staging,
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": role},
            "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create"]}],
        }),
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let run = create_apply(
        dir.path(),
        &fixed_unique("app"),
        &fixed_unique("t"),
        &["staging"],
        &["--role", &role, "--propagate"],
    )
    .run();
    run.ok();
    assert!(
        run.stderr.contains(
            "cannot create helmreleases.helm.toolkit.fluxcd.io, kustomizations.kustomize.toolkit.fluxcd.io in"
        ) && run
            .stderr
            .contains(&format!("ClusterRole {role} does not grant them")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("does not exist: GitRepository"),
        "missing tenant secret is flagged: {}",
        run.stderr
    );

    let admin_role = fixed_unique("t");
    let run = create_apply(
        dir.path(),
        &fixed_unique("app"),
        &admin_role,
        &["staging"],
        &["--role", "cluster-admin"],
    )
    .run();
    run.ok();
    assert!(
        run.stderr.contains("--role cluster-admin lets tenant"),
        "{}",
        run.stderr
    );
    // A RoleBinding confines even cluster-admin to the namespace, but there it can lift quotas.
    assert!(
        run.stderr.contains("can change ResourceQuotas in"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("cluster-wide"), "{}", run.stderr);
}

#[tokio::test]
async fn apply_preflights_every_cluster_before_the_first_change() {
    let staging = bootstrapped("staging").await;
    let prod = bootstrapped("prod-eu").await;
    let tenant_name = fixed_unique("pf");
    let ns = fixed_unique("app");
    // On prod-eu the namespace already belongs to someone else.
    apply(
        &prod,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"toolkit.fluxcd.io/tenant": "someone-else"}}}),
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let token = "ghp_PreflightToken0123456789";
    let run = create_apply(
        dir.path(),
        &ns,
        &tenant_name,
        &["staging", "prod-eu"],
        &["--token-env", "TENANT_PAT"],
    )
    .env("TENANT_PAT", token)
    .run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "✗ prod-eu: namespace '{ns}' belongs to tenant 'someone-else' on this cluster"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nothing was written or applied"),
        "{}",
        run.stderr
    );
    assert_no_token(token, &run, dir.path());
    assert!(
        !namespace_exists(&staging, &ns).await,
        "nothing applied on the healthy cluster"
    );
    let secrets: Api<Secret> = Api::namespaced(staging.client.clone(), "flux-system");
    assert!(
        secrets
            .get_opt(&format!("flux-{tenant_name}"))
            .await
            .expect("get")
            .is_none()
    );
    assert!(tree(dir.path()).is_empty(), "no files written");

    // --dry-run --apply shows what each cluster would get (substituted, Secret redacted).
    let other = fixed_unique("app");
    let dry = create_apply(
        dir.path(),
        &other,
        &tenant_name,
        &["staging", "prod-eu"],
        &["--dry-run", "--token-env", "TENANT_PAT", "--propagate"],
    )
    .env("TENANT_PAT", token)
    .run();
    let out = dry.ok();
    for expected in [
        "# cluster staging: objects that would be applied".to_string(),
        format!("path: ./components/{other}/staging"),
        "# cluster prod-eu: objects that would be applied".to_string(),
        format!("path: ./components/{other}/production"),
        "branch: production".to_string(),
        "password: <redacted>".to_string(),
        format!("# plus copies of Secret flux-system/flux-{tenant_name}"),
    ] {
        assert!(out.contains(&expected), "{expected} missing from:\n{out}");
    }
    assert_no_token(token, &dry, dir.path());
    assert!(!namespace_exists(&staging, &other).await);
    assert!(tree(dir.path()).is_empty(), "--dry-run writes nothing");

    // An undefined variable in the path template, and a user without rights: same guarantee.
    let run = create_apply(
        dir.path(),
        &ns,
        &tenant_name,
        &["staging"],
        &[
            "--path",
            &format!("./components/{ns}/${{ENVIRONMENT}}/${{REGION}}"),
        ],
    )
    .run();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("variable(s) ${REGION} not defined in ConfigMap flux-system/flux-runtime-info"),
        "{}",
        run.stderr
    );
    let restricted = tenant()
        .args([
            "create",
            &ns,
            "--tenant",
            &tenant_name,
            "--git-url",
            APPS_URL,
            "--apply",
            "--context",
            "staging",
        ])
        .args([
            std::ffi::OsStr::new("--kubeconfig"),
            env().restricted_kubeconfig.as_os_str(),
        ])
        .current_dir(dir.path())
        .run();
    assert_eq!(restricted.code, 1, "{}", restricted.stderr);
    assert!(
        restricted
            .stderr
            .contains("✗ staging: not allowed to create namespaces"),
        "{}",
        restricted.stderr
    );
    assert!(!namespace_exists(&staging, &ns).await);
    assert!(tree(dir.path()).is_empty());
}

#[tokio::test]
async fn propagate_keeps_secret_copies_in_sync_and_removes_stale_ones() {
    let staging = bootstrapped("staging").await;
    let tenant_name = fixed_unique("pr");
    let (a, b) = (fixed_unique("app"), fixed_unique("app"));
    let dir = tempfile::tempdir().expect("temp dir");
    let first = "ghp_FirstToken0123456789";
    create_apply(
        dir.path(),
        &a,
        &tenant_name,
        &["staging"],
        &["--token-stdin", "--propagate"],
    )
    .stdin(first)
    .run()
    .ok();
    // The source was written from a keyring credential earlier (simulated: the annotation that
    // `--token NAME` puts there); copies must carry it so `token rotate` finds them.
    let source_name = format!("flux-{tenant_name}");
    let sources: Api<Secret> = Api::namespaced(staging.client.clone(), "flux-system");
    sources
        .patch(
            &source_name,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {"kubectl-fleet.dev/credential": "apps-bot"}}})),
        )
        .await
        .expect("annotate");
    let run = create_apply(dir.path(), &b, &tenant_name, &["staging"], &["--propagate"]).run();
    run.ok();
    assert!(
        run.stdout.contains(&format!("Secret/{b}/{source_name}")),
        "{}",
        run.stdout
    );
    let copy = |ns: String| {
        let client = staging.client.clone();
        let name = source_name.clone();
        async move {
            Api::<Secret>::namespaced(client, &ns)
                .get_opt(&name)
                .await
                .expect("get")
        }
    };
    for ns in [&a, &b] {
        let c = copy(ns.clone()).await.expect("copy exists");
        assert_eq!(c.data.as_ref().expect("data")["password"].0, first.as_bytes());
        assert_eq!(
            c.metadata.labels.as_ref().expect("labels")["kubectl-fleet.dev/propagated-from"],
            format!("flux-system.{source_name}")
        );
        assert_eq!(
            c.metadata.annotations.as_ref().expect("annotations")["kubectl-fleet.dev/credential"],
            "apps-bot"
        );
    }
    let cm: Api<ConfigMap> = Api::namespaced(staging.client.clone(), &b);
    assert_eq!(
        cm.get("flux-runtime-info")
            .await
            .expect("runtime info copy")
            .data
            .expect("data")["ENVIRONMENT"],
        "staging"
    );

    // Drift in one copy, then a rotation: a later run brings every copy back to the source.
    let secrets_a: Api<Secret> = Api::namespaced(staging.client.clone(), &a);
    secrets_a
        .patch(
            &source_name,
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"password": "ZHJpZnRlZA=="}})),
        )
        .await
        .expect("drift");
    let list = tenant()
        .args([
            "list",
            "--context",
            "staging",
            "--tenant",
            &tenant_name,
            "-o",
            "json",
        ])
        .kubeconfig()
        .run();
    let rows: Value = serde_json::from_str(list.ok()).expect("json");
    let state = |ns: &str| {
        rows["items"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["namespace"] == ns)
            .map(|r| r["secret"]["state"].clone())
    };
    assert_eq!(state(&a), Some(json!("Drifted")));
    assert_eq!(state(&b), Some(json!("InSync")));

    let second = "ghp_SecondToken0123456789";
    let run = create_apply(
        dir.path(),
        &a,
        &tenant_name,
        &["staging"],
        &["--token-stdin", "--propagate"],
    )
    .stdin(second)
    .run();
    run.ok();
    assert_no_token(second, &run, dir.path());
    assert!(
        run.stdout.contains(&format!("Secret/flux-system/{source_name}")),
        "{}",
        run.stdout
    );
    for ns in [&a, &b] {
        let c = copy(ns.clone()).await.expect("copy exists");
        assert_eq!(
            c.data.as_ref().expect("data")["password"].0,
            second.as_bytes(),
            "{ns}"
        );
    }

    // Namespace b is handed to another team: its copy of the credential goes away.
    let namespaces: Api<Namespace> = Api::all(staging.client.clone());
    namespaces
        .patch(
            &b,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"toolkit.fluxcd.io/tenant": "another-team"}}})),
        )
        .await
        .expect("relabel");
    let run = create_apply(dir.path(), &a, &tenant_name, &["staging"], &["--propagate"]).run();
    run.ok();
    assert!(
        run.stdout.contains(&format!("Secret/{b}/{source_name}"))
            && run.stdout.contains("deleted (stale copy)"),
        "{}",
        run.stdout
    );
    assert!(copy(b.clone()).await.is_none());
    assert!(copy(a.clone()).await.is_some());
}

/// prod-us runs Kyverno (its ClusterPolicy CRD, at least): it clones tenant Secrets itself.
async fn with_kyverno(target: &KubeTarget) {
    let text =
        std::fs::read_to_string(fixtures().join("cluster/kyverno-clusterpolicy-crd.yaml")).expect("fixture");
    let crd = yaml::from_str(&text, "fixture").expect("parses");
    apply(target, crd).await;
}

#[tokio::test]
async fn list_shows_every_cluster_with_readiness_and_secret_drift() {
    let contexts = ["staging", "prod-eu", "prod-us"];
    let mut targets = Vec::new();
    for c in contexts {
        targets.push(bootstrapped(c).await);
    }
    with_kyverno(&targets[2]).await;
    let tenant_name = fixed_unique("ls");
    let (backend, frontend) = (
        format!("{tenant_name}-backend"),
        format!("{tenant_name}-frontend"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let token = "ghp_ListToken0123456789";
    for ns in [&backend, &frontend] {
        let run = create_apply(
            dir.path(),
            ns,
            &tenant_name,
            &contexts,
            &["--token-stdin", "--propagate"],
        )
        .stdin(token)
        .run();
        run.ok();
        assert_no_token(token, &run, dir.path());
        assert!(
            run.stderr
                .contains("prod-us: Kyverno is installed: it clones Secret")
                && run.stderr.contains("so --propagate made no copies"),
            "{}",
            run.stderr
        );
        assert!(
            !run.stdout
                .lines()
                .any(|l| l.starts_with("prod-us") && l.contains("(copy)")),
            "{}",
            run.stdout
        );
    }
    let git_name = format!("flux-{tenant_name}");
    let git = |ns: &str| json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository", "metadata": {"name": git_name, "namespace": ns}});
    let ks = |ns: &str| json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": format!("flux-{ns}"), "namespace": ns}});
    let with = |mut status: Value, extra: Value| {
        for (k, v) in extra.as_object().expect("object") {
            status[k] = v.clone();
        }
        status
    };
    let artifact = |rev: &str| json!({"artifact": {"revision": rev, "digest": "sha256:0", "lastUpdateTime": "2026-01-01T00:00:00Z", "path": "x", "url": "http://x"}});
    let main_rev = "main@sha1:4c5ffd4b1c07f86ac1cb5d8a2f3dbf7e5b1d2e3f";
    let prod_rev = "production@sha1:9a8b7c6d5e4f30211fedcba9876543210abcdef0";
    // staging: everything Ready.
    let s = &targets[0];
    for ns in [&backend, &frontend] {
        set_status(
            s,
            &git(ns),
            with(
                ready_status(
                    true,
                    "Succeeded",
                    &format!("stored artifact for revision '{main_rev}'"),
                    1,
                ),
                artifact(main_rev),
            ),
        )
        .await;
        set_status(
            s,
            &ks(ns),
            with(
                ready_status(
                    true,
                    "ReconciliationSucceeded",
                    &format!("Applied revision: {main_rev}"),
                    1,
                ),
                json!({"lastAppliedRevision": main_rev}),
            ),
        )
        .await;
    }
    // prod-eu: the sources are fine; backend's health check times out and its token copy drifted
    // (a rotation that missed it).
    let p = &targets[1];
    for ns in [&backend, &frontend] {
        set_status(
            p,
            &git(ns),
            with(
                ready_status(true, "Succeeded", "stored artifact", 1),
                artifact(prod_rev),
            ),
        )
        .await;
    }
    set_status(
        p,
        &ks(&backend),
        ready_status(
            false,
            "HealthCheckFailed",
            "timeout waiting for: [HelmRelease/redis status: 'InProgress']",
            1,
        ),
    )
    .await;
    set_status(
        p,
        &ks(&frontend),
        with(
            ready_status(
                true,
                "ReconciliationSucceeded",
                &format!("Applied revision: {prod_rev}"),
                1,
            ),
            json!({"lastAppliedRevision": prod_rev}),
        ),
    )
    .await;
    let drifted: Api<Secret> = Api::namespaced(p.client.clone(), &backend);
    let mut stale = drifted.get(&git_name).await.expect("copy");
    stale
        .data
        .get_or_insert_default()
        .insert("password".into(), ByteString(b"ghp_revoked".to_vec()));
    drifted
        .replace(&git_name, &PostParams::default(), &stale)
        .await
        .expect("drift");
    // prod-us: Kyverno has not cloned the Secret yet, so the clone fails; frontend was never
    // reconciled, and backend's Kustomization reports Ready for an older generation.
    let u = &targets[2];
    set_status(
        u,
        &git(&backend),
        ready_status(
            false,
            "GitOperationFailed",
            "failed to checkout and determine revision: unable to clone: authentication required",
            1,
        ),
    )
    .await;
    set_status(
        u,
        &ks(&backend),
        ready_status(
            true,
            "ReconciliationSucceeded",
            "Applied revision: production@sha1:0000",
            0,
        ),
    )
    .await;

    let run = tenant()
        .args(["list", "--all-contexts", "--tenant", &tenant_name])
        .kubeconfig()
        .run();
    let table = mask(run.ok(), &tenant_name);
    fleet_snapshot!("tenant_list_three_clusters", table);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // The default table fits 100 columns: short revisions, no routine message of Ready objects.
    assert!(
        table.contains("main@sha1:4c5ffd4b ") && !table.contains("Applied revision"),
        "{table}"
    );

    // `-o wide`: whole revisions and every message.
    let wide = tenant()
        .args(["list", "--all-contexts", "--tenant", &tenant_name, "-o", "wide"])
        .kubeconfig()
        .run();
    let wide = mask(wide.ok(), &tenant_name);
    assert!(wide.contains(&format!("Applied revision: {main_rev}")), "{wide}");

    let json_run = tenant()
        .args(["list", "--all-contexts", "--tenant", &tenant_name, "-o", "json"])
        .kubeconfig()
        .run();
    let doc: Value = serde_json::from_str(json_run.ok()).expect("json");
    // The versioned document every command prints.
    assert_eq!(doc["apiVersion"], "kubectl-fleet.dev/v1");
    assert_eq!(doc["kind"], "TenantList");
    let rows = doc["items"].as_array().expect("array");
    assert_eq!(rows.len(), 6);
    let row = |cluster: &str, ns: &str| {
        rows.iter()
            .find(|r| r["cluster"] == cluster && r["namespace"] == ns)
            .unwrap_or_else(|| panic!("{cluster}/{ns}"))
    };
    assert_eq!(row("staging", &backend)["gitRepository"]["revision"], main_rev);
    assert_eq!(row("staging", &backend)["secret"]["state"], "InSync");
    assert_eq!(
        row("prod-eu", &backend)["kustomization"]["reason"],
        "HealthCheckFailed"
    );
    assert_eq!(row("prod-eu", &backend)["secret"]["state"], "Drifted");
    assert_eq!(row("prod-eu", &frontend)["secret"]["state"], "InSync");
    assert_eq!(row("prod-us", &backend)["secret"]["state"], "Missing");
    assert_eq!(row("prod-us", &backend)["kustomization"]["state"], "Stale");
    assert_eq!(row("prod-us", &frontend)["kustomization"]["state"], "Progressing");
    let yaml_run = tenant()
        .args([
            "list",
            "--context",
            "prod-us",
            "--tenant",
            &tenant_name,
            "-o",
            "yaml",
        ])
        .kubeconfig()
        .run();
    let parsed: Value = yaml::from_str(yaml_run.ok(), "stdout").expect("yaml");
    assert_eq!(parsed["kind"], "TenantList");
    assert_eq!(parsed["items"].as_array().expect("array").len(), 2);
}

#[tokio::test]
async fn delete_needs_confirmation_then_removes_the_kustomization_and_the_namespace() {
    let staging = bootstrapped("staging").await;
    let tenant_name = fixed_unique("dl");
    let ns = fixed_unique("app");
    let dir = tempfile::tempdir().expect("temp dir");
    create_apply(dir.path(), &ns, &tenant_name, &["staging"], &[])
        .run()
        .ok();
    let files_before = tree(dir.path());
    assert_eq!(files_before.len(), 4);

    // No terminal, no --yes: refused before touching anything.
    let refused = tenant()
        .args(["delete", &ns, "--apply", "--context", "staging"])
        .kubeconfig()
        .current_dir(dir.path())
        .run();
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("pass --yes"), "{}", refused.stderr);
    assert!(namespace_exists(&staging, &ns).await);
    assert_eq!(tree(dir.path()), files_before);

    // Another tenant's namespace is never deleted.
    let foreign = fixed_unique("app");
    apply(&staging, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": foreign, "labels": {"toolkit.fluxcd.io/tenant": "someone-else"}}})).await;
    let run = tenant()
        .args([
            "delete",
            &foreign,
            "--tenant",
            &tenant_name,
            "--apply",
            "--context",
            "staging",
            "--yes",
        ])
        .kubeconfig()
        .current_dir(dir.path())
        .run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("belongs to tenant 'someone-else'"),
        "{}",
        run.stderr
    );
    assert!(namespace_exists(&staging, &foreign).await);

    let run = tenant()
        .args(["delete", &ns, "--apply", "--context", "staging", "--yes"])
        .kubeconfig()
        .current_dir(dir.path())
        .run();
    let table = mask(run.ok(), &ns);
    fleet_snapshot!("tenant_delete_apply", table);
    assert!(tree(dir.path()).is_empty(), "directory removed");
    let ks = crate::common::get(
        &staging,
        &json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": format!("flux-{ns}"), "namespace": ns}}),
    )
    .await;
    assert!(ks.is_none(), "Kustomization deleted");
    // Without a namespace controller the namespace stays Terminating: deletion was requested.
    let namespaces: Api<Namespace> = Api::all(staging.client.clone());
    let gone = namespaces.get_opt(&ns).await.expect("get");
    assert!(
        gone.is_none_or(|n| n.metadata.deletion_timestamp.is_some()),
        "namespace deleted"
    );
}

/// keos on a cluster: `--existing-namespace` needs the namespace (and does not create it), the
/// namespace gets the apps domain label, and delete removes every component's Kustomization and
/// keeps a namespace the repository does not create.
#[tokio::test]
async fn keos_apply_and_delete_follow_the_component_shape() {
    let staging = bootstrapped("staging").await;
    apply(
        &staging,
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "keos-runtime-info", "namespace": "flux-system"},
            "data": {"STRATIO_USE_CASE": "talk-to-your-data", "STRATIO_SIZE": "S", "CLUSTER_NAME": "staging"}}),
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures().join("keos"), dir.path());
    let core = fixed_unique("core");
    let apps_ns = fixed_unique("apps");
    let keos = |args: &[&str]| {
        tenant()
            .args(args)
            .args(["--context", "staging"])
            .kubeconfig()
            .current_dir(dir.path())
            .run()
    };
    let create_core = [
        "create",
        core.as_str(),
        "--tenant",
        "apps",
        "--role",
        "cluster-admin",
        "--existing-namespace",
        "--apply",
        "--git-url",
        "https://github.com/Stratio/keos-apps.git",
    ];
    let missing = keos(&create_core);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains(&format!(
            "namespace '{core}' does not exist: --existing-namespace expects it to be created outside the fleet repository"
        )),
        "{}",
        missing.stderr
    );
    assert_eq!(
        tree(dir.path()).len(),
        1,
        "nothing written: {:?}",
        tree(dir.path()).keys()
    );

    apply(
        &staging,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": core}}),
    )
    .await;
    let run = keos(&create_core);
    let objects: Vec<String> = run
        .ok()
        .lines()
        .skip(1)
        .map(|l| mask(l.split_whitespace().nth(1).unwrap_or_default(), &core))
        .collect();
    assert_eq!(
        objects,
        [
            "ServiceAccount/core-xxxxxx/flux-apps",
            "RoleBinding/core-xxxxxx/flux-apps"
        ],
        "no Namespace object: {}",
        run.stdout
    );
    let created = keos(&["create", apps_ns.as_str(), "--tenant", "apps", "--apply"]);
    created.ok();
    let ns = crate::common::get(
        &staging,
        &json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": apps_ns}}),
    )
    .await
    .expect("created");
    assert_eq!(
        ns.metadata
            .labels
            .expect("labels")
            .get("toolkit.fluxcd.io/domain")
            .map(String::as_str),
        Some("apps")
    );

    // Two components; what Flux would apply, applied by hand (no kustomize-controller here).
    run_in(dir.path(), &["app", "add", &core, "governance", "--secrets"]).ok();
    let sync = docs(
        dir.path(),
        &format!("domain/apps/talk-to-your-data/components/{core}/governance/sync.yaml"),
    );
    for mut doc in sync {
        doc["metadata"]["namespace"] = json!(core);
        apply(&staging, doc).await;
    }
    let deleted = keos(&["delete", core.as_str(), "--apply", "--yes"]);
    let rows: Vec<String> = deleted
        .ok()
        .lines()
        .skip(1)
        .map(|l| mask(&l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "), &core))
        .collect();
    assert_eq!(
        rows,
        [
            "Kustomization/core-xxxxxx/apps-governance-secrets deleted",
            "Kustomization/core-xxxxxx/apps-governance deleted",
            "Namespace/core-xxxxxx kept (not created by the fleet repository)",
        ],
        "{}",
        deleted.stdout
    );
    assert!(
        namespace_exists(&staging, &core).await,
        "keos-installer's namespace is kept"
    );
    assert!(
        !dir.path()
            .join(format!("domain/apps/talk-to-your-data/components/{core}"))
            .exists()
    );
    keos(&["delete", apps_ns.as_str(), "--apply", "--yes"]).ok();
    let namespaces: Api<Namespace> = Api::all(staging.client.clone());
    let gone = namespaces.get_opt(&apps_ns).await.expect("get");
    assert!(gone.is_none_or(|n| n.metadata.deletion_timestamp.is_some()));
    let _ = namespaces.delete(&core, &Default::default()).await;
}

// ---------------------------------------------------------------------------------------------
// The Flux namespace of each cluster, and the operations called directly

/// A cluster whose Flux runs in `namespace` (as `bootstrap init -n` sets it up), with runtime
/// info whose ENVIRONMENT tells which ConfigMap a substitution came from.
async fn flux_in(context: &str, namespace: &str, environment: &str) -> KubeTarget {
    let target = env().target(context).await;
    apply(
        &target,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}),
    )
    .await;
    let mut info = runtime_info(context);
    info["metadata"]["namespace"] = json!(namespace);
    info["data"]["ENVIRONMENT"] = json!(environment);
    apply(&target, info).await;
    target
}

async fn secret_in(target: &KubeTarget, namespace: &str, name: &str) -> Option<Secret> {
    Api::<Secret>::namespaced(target.client.clone(), namespace)
        .get_opt(name)
        .await
        .expect("get Secret")
}

#[tokio::test]
async fn apply_writes_the_tenant_secret_into_each_clusters_flux_namespace() {
    // staging has no cluster directory: kubectl-fleet.yaml's fluxNamespace applies. prod-eu's
    // directory puts its FluxInstance in another namespace, which wins for that cluster.
    let (configured, from_dir) = (fixed_unique("fxcfg"), fixed_unique("fxdir"));
    let staging = flux_in("staging", &configured, "moved-staging").await;
    let prod = flux_in("prod-eu", &from_dir, "moved-prod").await;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("kubectl-fleet.yaml"),
        format!("fluxNamespace: {configured}\n"),
    )
    .expect("write");
    let instance = dir.path().join("clusters/prod-eu/flux-system/flux-instance.yaml");
    std::fs::create_dir_all(instance.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &instance,
        format!(
            "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: {from_dir}\n"
        ),
    )
    .expect("write");
    let tenant_name = fixed_unique("fx");
    let secret_name = format!("flux-{tenant_name}");
    let ns = fixed_unique("app");
    let token = "ghp_FluxNamespaceToken0123456789";

    // --dry-run --apply already names each cluster's namespace.
    let dry = create_apply(
        dir.path(),
        &ns,
        &tenant_name,
        &["staging", "prod-eu"],
        &["--dry-run", "--token-stdin", "--propagate"],
    )
    .stdin(token)
    .run();
    let out = dry.ok();
    for expected in [
        format!("namespace: {configured}\n"),
        format!("namespace: {from_dir}\n"),
        format!("path: ./components/{ns}/moved-staging"),
        format!("path: ./components/{ns}/moved-prod"),
        format!(
            "# plus copies of Secret {from_dir}/{secret_name} and ConfigMap {from_dir}/flux-runtime-info"
        ),
    ] {
        assert!(out.contains(&expected), "{expected} missing from:\n{out}");
    }
    assert_no_token(token, &dry, dir.path());

    let run = create_apply(
        dir.path(),
        &ns,
        &tenant_name,
        &["staging", "prod-eu"],
        &["--token-stdin", "--propagate"],
    )
    .stdin(token)
    .run();
    let table = run.ok();
    assert_no_token(token, &run, dir.path());
    assert!(
        table.contains(&format!("staging   Secret/{configured}/{secret_name}"))
            && table.contains(&format!("prod-eu   Secret/{from_dir}/{secret_name}")),
        "{table}"
    );
    for (target, flux_namespace) in [(&staging, &configured), (&prod, &from_dir)] {
        let source = secret_in(target, flux_namespace, &secret_name)
            .await
            .expect("tenant Secret in the Flux namespace");
        assert_eq!(
            source.data.as_ref().expect("data")["password"].0,
            token.as_bytes()
        );
        assert!(
            secret_in(target, "flux-system", &secret_name).await.is_none(),
            "nothing in flux-system"
        );
        let copy = secret_in(target, &ns, &secret_name).await.expect("copy");
        assert_eq!(
            copy.metadata.labels.as_ref().expect("labels")["kubectl-fleet.dev/propagated-from"],
            format!("{flux_namespace}.{secret_name}")
        );
    }
    let ks = crate::common::get(
        &prod,
        &json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization", "metadata": {"name": format!("flux-{ns}"), "namespace": ns}}),
    )
    .await
    .expect("Kustomization applied");
    assert_eq!(ks.data["spec"]["path"], format!("./components/{ns}/moved-prod"));

    // list compares each copy with the source in its cluster's Flux namespace.
    let list = tenant()
        .args([
            "list",
            "--context",
            "staging",
            "--context",
            "prod-eu",
            "--tenant",
            &tenant_name,
            "-o",
            "json",
        ])
        .args(["--fleet-dir", dir.path().to_str().expect("utf-8")])
        .kubeconfig()
        .run();
    let doc: Value = serde_json::from_str(list.ok()).expect("json");
    let states: Vec<(String, String)> = doc["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| {
            (
                r["cluster"].as_str().expect("cluster").to_string(),
                r["secret"]["state"].as_str().expect("state").to_string(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("staging".to_string(), "InSync".to_string()),
            ("prod-eu".to_string(), "InSync".to_string())
        ]
    );

    // The Flux namespace itself is never a tenant namespace, whichever rule named it.
    let run = create_apply(dir.path(), &from_dir, &tenant_name, &["prod-eu"], &[]).run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "✗ prod-eu: namespace '{from_dir}' is where Flux runs on this cluster"
        )),
        "{}",
        run.stderr
    );
    let run = create_apply(dir.path(), &configured, &tenant_name, &["staging"], &[]).run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("the fleet's Flux namespace"),
        "{}",
        run.stderr
    );

    // A cluster directory naming a namespace the cluster lacks: refused before any change.
    let missing = fixed_unique("fxnone");
    std::fs::write(
        &instance,
        format!(
            "apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata:\n  name: flux\n  namespace: {missing}\n"
        ),
    )
    .expect("write");
    let other = fixed_unique("app");
    let run = create_apply(dir.path(), &other, &tenant_name, &["staging", "prod-eu"], &[]).run();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "✗ prod-eu: namespace {missing} does not exist: bootstrap Flux first"
        )) && run.stderr.contains("nothing was written or applied"),
        "{}",
        run.stderr
    );
    assert!(!namespace_exists(&staging, &other).await);
}

fn selection(contexts: &[&str]) -> fleet::kube::ClusterSelection {
    fleet::kube::ClusterSelection {
        kubeconfig: Some(env().kubeconfig.clone()),
        contexts: contexts.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    }
}

pub(crate) fn create_request(
    dir: &Path,
    namespace: &str,
    tenant_name: &str,
) -> fleet::ops::tenant::CreateRequest {
    fleet::ops::tenant::CreateRequest {
        repo: fleet::ops::tenant::RepoSelection {
            fleet_dir: dir.to_path_buf(),
            use_case: None,
        },
        clusters: selection(&["staging"]),
        namespace: namespace.to_string(),
        tenant: tenant_name.to_string(),
        git_url: Some(APPS_URL.to_string()),
        insecure_http: false,
        provider: Default::default(),
        role: "admin".to_string(),
        path: None,
        existing_namespace: false,
        force: false,
        dry_run: false,
        apply: true,
        token: Some(fleet::credentials::TokenSource::Keyring("apps-bot".into())),
        username: None,
        propagate: false,
    }
}

#[tokio::test]
async fn the_create_operation_takes_its_stores_and_the_stored_username() {
    use fleet::{
        credentials::{CredentialMeta, MemoryStore, MetaStore, Provider, SecretStore, Token},
        error::ExitStatus,
        ops::tenant::{TokenStores, create},
        output::Recorder,
    };
    let staging = bootstrapped("staging").await;
    let keyring = MemoryStore::default();
    let token = "ghp_InMemoryStoreToken0123456789";
    keyring
        .set("apps-bot", &Token::new(token).expect("token"))
        .expect("stored");
    let config = tempfile::tempdir().expect("temp dir");
    let metas = MetaStore::at(config.path());
    metas
        .update(|index| {
            index.credentials.insert(
                "apps-bot".into(),
                CredentialMeta::new(
                    Provider::Github,
                    "https://api.github.com",
                    "x-access-token",
                    jiff::Timestamp::now(),
                ),
            );
            Ok(())
        })
        .expect("index");
    let stores = TokenStores {
        secrets: &keyring,
        metas: Some(&metas),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let tenant_name = fixed_unique("op");
    let ns = fixed_unique("app");
    let secret_name = format!("flux-{tenant_name}");

    // --dry-run reads no token: an empty keyring is fine, and the stored username shows.
    let recorder = Recorder::new();
    let mut dry = create_request(dir.path(), &ns, &tenant_name);
    dry.dry_run = true;
    let outcome = create(
        dry,
        TokenStores {
            secrets: &MemoryStore::default(),
            metas: Some(&metas),
        },
        &recorder,
    )
    .await
    .expect("dry run");
    assert_eq!(outcome.exit_status(), ExitStatus::Success);
    let planned = outcome.planned.expect("planned objects");
    assert!(
        planned.contains("username: x-access-token") && planned.contains("password: <redacted>"),
        "{planned}"
    );
    assert!(outcome.files.expect("files").diff.is_some());
    assert!(tree(dir.path()).is_empty(), "--dry-run writes nothing");

    // The username stored with the credential, unless --username says otherwise.
    let recorder = Recorder::new();
    let outcome = create(create_request(dir.path(), &ns, &tenant_name), stores, &recorder)
        .await
        .expect("created");
    assert_eq!(outcome.exit_status(), ExitStatus::Success);
    assert_eq!(outcome.preflight.len(), 1);
    let rows: Vec<(String, String, String)> = outcome
        .clusters
        .rows()
        .into_iter()
        .map(|(c, a)| (c.to_string(), a.object.clone(), a.result.clone()))
        .collect();
    assert_eq!(
        rows[0],
        (
            "staging".to_string(),
            format!("Secret/flux-system/{secret_name}"),
            "created".to_string()
        )
    );
    let text = recorder.text();
    assert!(
        text.contains(&format!(
            "Success wrote tenants/{tenant_name}/components/{ns}/ (4 files)"
        )) && text.contains("Success staging: applied"),
        "{text}"
    );
    assert!(!text.contains(token), "{text}");
    let secret = secret_in(&staging, "flux-system", &secret_name)
        .await
        .expect("tenant Secret");
    let data = secret.data.as_ref().expect("data");
    assert_eq!(data["username"].0, b"x-access-token");
    assert_eq!(data["password"].0, token.as_bytes());
    assert_eq!(
        secret.metadata.annotations.as_ref().expect("annotations")["kubectl-fleet.dev/credential"],
        "apps-bot"
    );

    let mut explicit = create_request(dir.path(), &ns, &tenant_name);
    explicit.username = Some("fleet-bot".into());
    let outcome = create(explicit, stores, &Recorder::new()).await.expect("updated");
    assert!(
        outcome
            .clusters
            .rows()
            .iter()
            .any(|(_, a)| a.object.starts_with("Secret/") && a.result == "configured"),
        "{:?}",
        outcome.clusters.rows()
    );
    let secret = secret_in(&staging, "flux-system", &secret_name)
        .await
        .expect("tenant Secret");
    assert_eq!(secret.data.as_ref().expect("data")["username"].0, b"fleet-bot");

    // A credential the keyring does not have: refused before any cluster is touched.
    let other = fixed_unique("app");
    let err = create(
        create_request(dir.path(), &other, &tenant_name),
        TokenStores {
            secrets: &MemoryStore::default(),
            metas: Some(&metas),
        },
        &Recorder::new(),
    )
    .await
    .expect_err("no credential");
    assert!(err.to_string().contains("apps-bot"), "{err}");
    assert!(!namespace_exists(&staging, &other).await);
}

#[tokio::test]
async fn the_delete_operation_asks_through_the_injected_confirmation() {
    use std::sync::Mutex;

    use fleet::{
        error::{Error, ExitStatus},
        ops::tenant::{DeleteRequest, RepoSelection, delete},
        output::Recorder,
        tenant::TenantError,
    };
    let staging = bootstrapped("staging").await;
    let tenant_name = fixed_unique("cf");
    let ns = fixed_unique("app");
    let dir = tempfile::tempdir().expect("temp dir");
    create_apply(dir.path(), &ns, &tenant_name, &["staging"], &[])
        .run()
        .ok();
    let request = || DeleteRequest {
        repo: RepoSelection {
            fleet_dir: dir.path().to_path_buf(),
            use_case: None,
        },
        clusters: selection(&["staging"]),
        namespace: ns.clone(),
        tenant: None,
        apply: true,
        yes: false,
        force: false,
        dry_run: false,
        timeout: std::time::Duration::from_secs(30),
    };
    let asked = Mutex::new(Vec::new());
    let decline = |q: &str| {
        asked.lock().expect("lock").push(q.to_string());
        Ok(false)
    };
    let err = delete(request(), Some(&decline), &Recorder::new())
        .await
        .expect_err("declined");
    assert!(matches!(err, Error::Tenant(TenantError::Aborted)), "{err}");
    assert_eq!(err.exit_status(), ExitStatus::Failure);
    assert_eq!(
        asked.lock().expect("lock").as_slice(),
        [format!(
            "Delete namespace {ns} (tenant {tenant_name}) and everything in it on staging?"
        )]
    );
    assert!(namespace_exists(&staging, &ns).await, "nothing deleted");
    assert_eq!(tree(dir.path()).len(), 4, "files kept");

    // No one to ask and no --yes: refused before any cluster is asked anything.
    let err = delete(request(), None, &Recorder::new())
        .await
        .expect_err("needs --yes");
    assert!(err.to_string().contains("pass --yes"), "{err}");

    let accept = |_: &str| Ok(true);
    let recorder = Recorder::new();
    let outcome = delete(request(), Some(&accept), &recorder)
        .await
        .expect("deleted");
    assert_eq!(outcome.exit_status(), ExitStatus::Success);
    let removed = outcome.removed.expect("directory removed");
    assert_eq!(removed.files, 4);
    let results: Vec<String> = outcome
        .clusters
        .rows()
        .iter()
        .map(|(_, a)| a.result.clone())
        .collect();
    assert_eq!(results, ["deleted", "deleted"]);
    assert!(
        recorder.text().contains("Success staging: deleted"),
        "{}",
        recorder.text()
    );
    assert!(tree(dir.path()).is_empty());
}
