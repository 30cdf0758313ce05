//! The trust model of `token rotate` (issue 12, item 1), on a real apiserver: a tenant whose
//! ServiceAccount may write Secrets in its own namespace (the `admin` ClusterRole, aggregated the
//! way kube-controller-manager does it) plants Secrets that claim the fleet's credential, with the
//! real kubectl impersonating it (`--as`), exactly as an attacker would. The rotation must write
//! only what the fleet declares, report everything else as suspicious and exit 1.

use std::{path::Path, time::Duration};

use fleet::{
    credentials::{CREDENTIAL_ANNOTATION, PROPAGATED_FROM_LABEL, TENANT_LABEL, cluster},
    error::ExitStatus,
    kube::KubeTarget,
    ops::token::{
        RotateOutcome,
        report::{PLAN_KIND, ROTATION_KIND, conclusion, plan_table, rotation_table},
    },
    output::{Paint, Recorder, document::envelope},
};
use k8s_openapi::api::core::v1::Secret;
use kube::Api;
use serde_json::{Value, json};

use crate::{
    common::{PrivateCluster, apply, env, namespace, unique},
    tenant::aggregate_cluster_roles,
    token::{Rig, fresh, ran},
};

use crate::token::support::{git_repository, git_secret, secret_data};

/// Runs the real kubectl as `system:serviceaccount:<namespace>:<name>`; stdin is an object to
/// create when given.
fn kubectl_as(
    kubeconfig: &Path,
    context: &str,
    namespace: &str,
    name: &str,
    args: &[&str],
    stdin: Option<&Value>,
) -> String {
    use std::io::Write;
    let user = format!("system:serviceaccount:{namespace}:{name}");
    let mut child = std::process::Command::new(&env().kubectl)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--context", context, "--as", &user, "-n", namespace])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(obj) = stdin {
        input.write_all(obj.to_string().as_bytes()).expect("stdin");
    }
    drop(input);
    let out = child.wait_with_output().expect("kubectl finishes");
    assert!(
        out.status.success(),
        "kubectl --as {user} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A namespace labelled as belonging to `tenant` (what the platform does: cluster-scoped, so the
/// tenant cannot change it), with a ServiceAccount bound to `admin` in it, as `tenant create` does.
async fn tenant_namespace(target: &KubeTarget, prefix: &str, tenant: Option<&str>, sa: &str) -> String {
    let ns = namespace(target, prefix).await;
    if let Some(t) = tenant {
        apply(
            target,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {TENANT_LABEL: t}}}),
        )
        .await;
    }
    apply(
        target,
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa, "namespace": ns}}),
    )
    .await;
    apply(
        target,
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": sa, "namespace": ns},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"},
               "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns}]}),
    )
    .await;
    ns
}

async fn resource_version(target: &KubeTarget, ns: &str, name: &str) -> String {
    let api: Api<Secret> = Api::namespaced(target.client.clone(), ns);
    api.get(name)
        .await
        .unwrap_or_else(|e| panic!("get {ns}/{name}: {e}"))
        .metadata
        .resource_version
        .expect("resourceVersion")
}

/// What one cluster holds for the harvest test.
struct Harvest {
    flux: String,
    tenant_ns: String,
    other_ns: String,
    unrelated_ns: String,
    secret: String,
    /// Secrets that must never be written: (namespace, name).
    planted: Vec<(String, String)>,
}

const OLD: &str = "ghp_trust_OLD";
const NEW: &str = "ghp_trust_NEW";

/// The fleet's own objects plus every Secret a tenant (and a user of an unrelated namespace)
/// plants to harvest the credential.
async fn harvest_fixture(kubeconfig: &Path, target: &KubeTarget, credential: &str) -> Harvest {
    aggregate_cluster_roles(target).await;
    let context = target.context.clone();
    let tenant = unique("team");
    let secret = format!("flux-{tenant}");
    // The Flux namespace: the sync Secret, its GitRepository, and the tenant's Secret.
    let flux = namespace(target, "trust-flux").await;
    apply(
        target,
        git_secret(&flux, "flux-system", Some(credential), "git", OLD),
    )
    .await;
    apply(target, git_repository(&flux, "flux-system", "flux-system", false)).await;
    let mut source = git_secret(&flux, &secret, Some(credential), "git", OLD);
    source["metadata"]["labels"] = json!({TENANT_LABEL: tenant});
    apply(target, source).await;
    // The tenant's namespace with the legitimate copy `--propagate` made.
    let tenant_ns = tenant_namespace(target, "trust-be", Some(&tenant), &secret).await;
    let mut copy = git_secret(&tenant_ns, &secret, Some(credential), "git", OLD);
    copy["metadata"]["labels"] = json!({PROPAGATED_FROM_LABEL: format!("{flux}.{secret}")});
    apply(target, copy).await;
    // Another tenant's namespace holding a copy of this tenant's Secret (left behind, or planted).
    let other_tenant = unique("other");
    let other_ns = tenant_namespace(target, "trust-ot", Some(&other_tenant), "flux-other").await;
    let mut stray = git_secret(&other_ns, &secret, Some(credential), "git", OLD);
    stray["metadata"]["labels"] = json!({PROPAGATED_FROM_LABEL: format!("{flux}.{secret}")});
    apply(target, stray).await;
    // A namespace that belongs to no tenant, with a user who administers it.
    let unrelated_ns = tenant_namespace(target, "trust-misc", None, "misc").await;

    let mut planted = vec![(other_ns.clone(), secret.clone())];
    for (ns, sa) in [(&tenant_ns, secret.as_str()), (&unrelated_ns, "misc")] {
        // The exact commands: a Secret labelled as a copy of the sync Secret ...
        kubectl_as(
            kubeconfig,
            &context,
            ns,
            sa,
            &["create", "secret", "generic", "loot", "--from-literal=password=x"],
            None,
        );
        kubectl_as(
            kubeconfig,
            &context,
            ns,
            sa,
            &[
                "label",
                "secret",
                "loot",
                &format!("{PROPAGATED_FROM_LABEL}={flux}.flux-system"),
            ],
            None,
        );
        // ... and one annotated with the credential.
        kubectl_as(
            kubeconfig,
            &context,
            ns,
            sa,
            &[
                "create",
                "secret",
                "generic",
                "loot-annotated",
                "--from-literal=password=x",
            ],
            None,
        );
        kubectl_as(
            kubeconfig,
            &context,
            ns,
            sa,
            &[
                "annotate",
                "secret",
                "loot-annotated",
                &format!("{CREDENTIAL_ANNOTATION}={credential}"),
            ],
            None,
        );
        // An immutable one, which a rotation that wrote it would fail on.
        kubectl_as(
            kubeconfig,
            &context,
            ns,
            sa,
            &["create", "-f", "-"],
            Some(&json!({"apiVersion": "v1", "kind": "Secret", "immutable": true,
                         "metadata": {"name": "loot-immutable", "namespace": ns,
                                      "labels": {PROPAGATED_FROM_LABEL: format!("{flux}.{secret}")},
                                      "annotations": {CREDENTIAL_ANNOTATION: credential}},
                         "stringData": {"password": "x"}})),
        );
        for name in ["loot", "loot-annotated", "loot-immutable"] {
            planted.push((ns.clone(), name.to_string()));
        }
    }
    Harvest {
        flux,
        tenant_ns,
        other_ns,
        unrelated_ns,
        secret,
        planted,
    }
}

#[tokio::test]
async fn a_planted_secret_never_receives_the_credential() {
    let target = env().target(env().first()).await;
    let rig = Rig::new("harvest", OLD, std::slice::from_ref(&target.context));
    let fx = harvest_fixture(&env().kubeconfig, &target, &rig.name).await;
    let rig = rig.trusting(&fx.flux);
    let mut before = Vec::new();
    for (ns, name) in &fx.planted {
        before.push(resource_version(&target, ns, name).await);
    }

    // The dry run lists every planted Secret with its reason, and fails.
    let rec = Recorder::new();
    let outcome = rig.plan(&rec).await;
    let RotateOutcome::Planned(plan) = &outcome else {
        panic!("a dry run plans: {outcome:?}");
    };
    assert_eq!(outcome.exit_status(), ExitStatus::Failure, "{}", rec.text());
    let planned = plan.clusters[0].ok().expect("planned");
    assert_eq!(planned.flux_namespace, fx.flux);
    let targets: Vec<String> = planned.secrets.iter().map(|s| s.key.to_string()).collect();
    let mut expected = vec![
        format!("{}/flux-system", fx.flux),
        format!("{}/{}", fx.flux, fx.secret),
        format!("{}/{}", fx.tenant_ns, fx.secret),
    ];
    expected.sort();
    assert_eq!(targets, expected);
    let mut suspicious: Vec<(String, String)> = planned
        .suspicious
        .iter()
        .map(|s| (s.key.namespace.clone(), s.key.name.clone()))
        .collect();
    let mut planted = fx.planted.clone();
    suspicious.sort();
    planted.sort();
    assert_eq!(suspicious, planted);
    let reason = |ns: &str, name: &str| {
        planned
            .suspicious
            .iter()
            .find(|s| s.key.namespace == ns && s.key.name == name)
            .map(|s| s.reason.clone())
            .unwrap_or_default()
    };
    assert!(
        reason(&fx.tenant_ns, "loot")
            .contains("which belongs to no tenant: only tenants' Secrets have copies"),
        "{}",
        reason(&fx.tenant_ns, "loot")
    );
    assert!(reason(&fx.unrelated_ns, "loot-annotated").contains("not a copy of a tenant's Secret"));
    assert!(reason(&fx.other_ns, &fx.secret).contains("which belongs to tenant"));
    let table = plan_table(plan, Paint::plain());
    assert_eq!(
        table.matches("SUSPICIOUS, never written").count(),
        planted.len(),
        "{table}"
    );
    let json = serde_json::to_value(envelope(PLAN_KIND, plan).expect("document")).expect("json");
    assert_eq!(
        json["clusters"][0]["result"]["suspicious"]
            .as_array()
            .map(Vec::len),
        Some(planted.len()),
        "{json:#}"
    );

    // The rotation writes what the fleet declares ...
    let rec = Recorder::new();
    let run = ran(rig
        .run(fresh(NEW), false, Duration::from_secs(5), &rec)
        .await
        .expect("ran"));
    for (ns, name) in [
        (&fx.flux, "flux-system"),
        (&fx.flux, fx.secret.as_str()),
        (&fx.tenant_ns, fx.secret.as_str()),
    ] {
        assert_eq!(
            secret_data(&target, ns, name).await["password"],
            NEW,
            "{ns}/{name}"
        );
    }
    // ... nothing planted was written (same resourceVersion, old content), the immutable ones
    // included, which therefore could not block it ...
    for ((ns, name), rv) in fx.planted.iter().zip(&before) {
        assert_eq!(
            &resource_version(&target, ns, name).await,
            rv,
            "{ns}/{name} was written"
        );
        assert_ne!(
            secret_data(&target, ns, name).await["password"],
            NEW,
            "{ns}/{name}"
        );
    }
    // ... and the run reports every planted Secret, finishes the rotation, and exits 1.
    assert!(run.report.complete, "{}", rec.text());
    rig.assert_settled(NEW, "a rotation with suspicious Secrets");
    let cluster = run.report.clusters[0].ok().expect("the cluster is done");
    assert_eq!(cluster.suspicious.len(), planted.len());
    assert_eq!(run.exit_status(), ExitStatus::Failure, "{}", rec.text());
    let text = rec.text();
    assert!(
        text.contains(&format!(
            "Failure {}: Secret {}/loot claims credential '{}' but",
            target.context, fx.tenant_ns, rig.name
        )),
        "{text}"
    );
    let table = rotation_table(&run.report, Paint::plain());
    assert!(
        table.contains(&format!("done; {} suspicious Secrets not written", planted.len())),
        "{table}"
    );
    let json = serde_json::to_value(envelope(ROTATION_KIND, &run.report).expect("document")).expect("json");
    assert_eq!(
        json["clusters"][0]["result"]["suspicious"]
            .as_array()
            .map(Vec::len),
        Some(planted.len())
    );
    let lines = conclusion(&run.report, run.done, run.total, true);
    assert!(
        lines
            .iter()
            .any(|(_, l)| l.contains(&format!("{} Secrets claimed credential", planted.len()))),
        "{lines:?}"
    );
    // No output of the run — status lines, tables, documents, conclusion — holds either token.
    let everything = format!(
        "{text}\n{table}\n{json}\n{lines:?}\n{}\n{}\n{}",
        rec.text(),
        plan_table(plan, Paint::plain()),
        serde_json::to_value(envelope(PLAN_KIND, plan).expect("document")).expect("json"),
    );
    for token in [OLD, NEW] {
        assert!(!everything.contains(token), "{token} in the output: {everything}");
    }
}

#[tokio::test]
async fn the_flux_namespace_is_found_from_the_cluster_and_a_tenant_namespace_is_never_trusted() {
    // A private cluster: the shared ones hold the FluxInstances of many bootstrap tests.
    let private = PrivateCluster::up("trust");
    let target = private.target().await;
    let name = unique("found");
    let fx = harvest_fixture(&private.kubeconfig, &target, &name).await;
    // No FluxInstance, no sync objects: flux-system is trusted, so nothing here is declared.
    let plan = cluster::plan_cluster(&target, &name, None).await.expect("plan");
    assert_eq!(plan.flux_namespace, "flux-system");
    assert!(plan.secrets.is_empty(), "{plan:?}");
    // The classic sync objects (GitRepository and Kustomization named like their namespace)
    // make the fixture's namespace the Flux namespace.
    apply(
        &target,
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": fx.flux, "namespace": fx.flux},
               "spec": {"interval": "10m", "path": "./", "prune": true,
                        "sourceRef": {"kind": "GitRepository", "name": fx.flux}}}),
    )
    .await;
    apply(&target, git_repository(&fx.flux, &fx.flux, "flux-system", false)).await;
    let plan = cluster::plan_cluster(&target, &name, None).await.expect("plan");
    assert_eq!(plan.flux_namespace, fx.flux);
    assert_eq!(plan.secrets.len(), 3, "{plan:?}");
    assert_eq!(plan.suspicious.len(), fx.planted.len(), "{plan:?}");
    // A tenant who copies the sync objects into its own namespace does not become the Flux
    // namespace: its namespace carries the tenant label, which it cannot remove.
    for obj in [
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": fx.tenant_ns, "namespace": fx.tenant_ns},
               "spec": {"interval": "10m", "path": "./", "prune": true,
                        "sourceRef": {"kind": "GitRepository", "name": fx.tenant_ns}}}),
        git_repository(&fx.tenant_ns, &fx.tenant_ns, "loot", false),
    ] {
        kubectl_as(
            &private.kubeconfig,
            &target.context,
            &fx.tenant_ns,
            &fx.secret,
            &["create", "-f", "-"],
            Some(&obj),
        );
    }
    let plan = cluster::plan_cluster(&target, &name, None).await.expect("plan");
    assert_eq!(
        plan.flux_namespace, fx.flux,
        "the tenant's sync objects are ignored"
    );
    // Sync objects in a namespace of no tenant make the namespace ambiguous: refused, not guessed.
    for obj in [
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
               "metadata": {"name": fx.unrelated_ns, "namespace": fx.unrelated_ns},
               "spec": {"interval": "10m", "path": "./", "prune": true,
                        "sourceRef": {"kind": "GitRepository", "name": fx.unrelated_ns}}}),
        git_repository(&fx.unrelated_ns, &fx.unrelated_ns, "loot", false),
    ] {
        apply(&target, obj).await;
    }
    let err = cluster::plan_cluster(&target, &name, None)
        .await
        .expect_err("ambiguous");
    assert!(
        err.to_string()
            .contains("cannot tell which namespace Flux runs in")
            && err.to_string().contains("--flux-namespace"),
        "{err}"
    );
    // A FluxInstance (which tenants cannot create) decides.
    apply(
        &target,
        json!({"apiVersion": "fluxcd.controlplane.io/v1", "kind": "FluxInstance",
               "metadata": {"name": "flux", "namespace": fx.flux},
               "spec": {"distribution": {"version": "2.x", "registry": "ghcr.io/fluxcd"},
                        "sync": {"kind": "GitRepository", "url": "https://github.com/example/fleet.git",
                                 "ref": "refs/heads/main", "path": "clusters/x", "pullSecret": "flux-system"}}}),
    )
    .await;
    let plan = cluster::plan_cluster(&target, &name, None).await.expect("plan");
    assert_eq!(plan.flux_namespace, fx.flux);
    // Naming a tenant's namespace as the Flux namespace is refused.
    let err = cluster::plan_cluster(&target, &name, Some(&fx.tenant_ns))
        .await
        .expect_err("a tenant namespace");
    assert!(err.to_string().contains("cannot be the Flux namespace"), "{err}");
}
