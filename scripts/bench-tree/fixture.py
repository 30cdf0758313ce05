#!/usr/bin/env python3
"""Creates the synthetic Flux cluster of the `kubectl fleet tree` benchmark.

--objects N objects of twelve kinds (ten of the core and apps groups, two custom resource kinds of
the `bench.example.com` group, one of them cluster-scoped, that only discovery resolves), spread
over 20 namespaces. Half of them are in the tree of Kustomization flux-system/flux-system, the
other half are not: half of those belong to Kustomizations of another tree (`outside`), half to
nothing. Everything a Flux object applied carries its owner's labels, as the controllers write
them (kustomize-controller, helm-controller, flux-operator).

The tree (root `ks/flux-system`):

    Kustomization flux-system
    ├── FluxInstance flux                 (its inventory: the Flux controllers' objects)
    ├── Kustomization t00 … t08           (19 component Kustomizations each)
    │   └── Kustomization cXX-YY          (a share of the objects; the first 30 hold a HelmRelease)
    │       └── HelmRelease hrNN          (20 objects, .status.inventory as Flux >= 2.8 writes it)
    ├── Kustomization t09
    │   └── ResourceSet t09-components    (the 19 component Kustomizations of t09)
    └── (t00 also holds) Kustomization team-a: the mid-size subtree benchmarked on its own:
        team-a → 3 component Kustomizations → 90 objects each, one holding HelmRelease
        team-a-cache (20 objects): about 300 nodes whatever --objects is.

Objects have realistic size and status: Deployments and StatefulSets with probes, resources and
rolled-out status, PVCs Bound, custom resources with Ready conditions, ConfigMaps with a few KiB
of data. Status is written through the status subresource, as controllers would. Every object
is written with kustomize-controller's field manager, and one leaf in a hundred then gets a label
from `kubectl-edit` (drift). Running it again with a larger --objects adds the missing objects
and rewrites the inventories. Only the Python standard library is used; requests run on many
threads with one keep-alive connection each.
"""

import argparse
import base64
import gzip
import http.client
import json
import ssl
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

FLUX_NS = "flux-system"
NAMESPACES = [f"bench-{i:02d}" for i in range(20)]
TENANTS = 10
COMPONENTS = 19
HELM_RELEASES = 30
GROUP = "bench.example.com"
KS_LABEL = "kustomize.toolkit.fluxcd.io"
HR_LABEL = "helm.toolkit.fluxcd.io"
FI_LABEL = "fluxcd.controlplane.io"
RS_LABEL = "resourceset.fluxcd.controlplane.io"
SUBTREE_COMPONENTS = ["team-a-web", "team-a-api", "team-a-db"]
SUBTREE_OBJECTS = 90
HR_OBJECTS = 20
OUTSIDE = [f"x{i:02d}" for i in range(10)]

# (apiVersion, kind, plural, namespaced)
KINDS = [
    ("v1", "ConfigMap", "configmaps", True),
    ("v1", "Secret", "secrets", True),
    ("v1", "ServiceAccount", "serviceaccounts", True),
    ("v1", "Service", "services", True),
    ("v1", "PersistentVolumeClaim", "persistentvolumeclaims", True),
    ("v1", "PodTemplate", "podtemplates", True),
    ("v1", "LimitRange", "limitranges", True),
    ("v1", "ResourceQuota", "resourcequotas", True),
    ("apps/v1", "Deployment", "deployments", True),
    ("apps/v1", "StatefulSet", "statefulsets", True),
    (f"{GROUP}/v1", "Widget", "widgets", True),
    (f"{GROUP}/v1", "Gadget", "gadgets", False),
]

CONDITION_TIME = "2026-01-01T00:00:00Z"


def pod_template(name):
    return {
        "metadata": {"labels": {"app.kubernetes.io/name": name}},
        "spec": {
            "serviceAccountName": name,
            "containers": [{
                "name": "app",
                "image": "registry.example.com/team/app:1.42.0",
                "ports": [{"name": "http", "containerPort": 8080}],
                "env": [{"name": f"SETTING_{k}", "value": f"value-{k}"} for k in range(8)],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 10},
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
            }],
        },
    }


def crd(plural, kind, scope):
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}"},
        "spec": {"group": GROUP, "scope": scope,
                 "names": {"plural": plural, "singular": kind.lower(), "kind": kind, "listKind": f"{kind}List"},
                 "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                               "schema": {"openAPIV3Schema": {"type": "object",
                                                              "x-kubernetes-preserve-unknown-fields": True}}}]},
    }


class Api:
    """A tiny apiserver client: client-certificate TLS, one keep-alive connection per thread."""

    def __init__(self, host, port, ca, cert, key):
        self.host, self.port = host, port
        self.ctx = ssl.create_default_context(cafile=ca)
        self.ctx.load_cert_chain(cert, key)
        self.local = threading.local()

    def _conn(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=120)
            self.local.conn = conn
        return conn

    def request(self, method, path, body=None, content_type="application/json"):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        for attempt in range(8):
            try:
                conn = self._conn()
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                if resp.status == 429 or resp.status >= 500:
                    time.sleep(0.2 * (attempt + 1))
                    continue
                return resp.status, payload
            except (http.client.HTTPException, OSError):
                self.local.conn = None
                time.sleep(0.2 * (attempt + 1))
        raise RuntimeError(f"{method} {path} kept failing")

    def create(self, path, body):
        # As the controllers write them: every object's managedFields name a Flux applier, so
        # drift detection does its real work on each of them.
        status, payload = self.request("POST", path + "?fieldManager=kustomize-controller", body)
        if status not in (200, 201, 409):
            raise RuntimeError(f"POST {path}: {status} {payload[:300]!r}")

    def patch_status(self, path, status_body):
        status, payload = self.request(
            "PATCH", path + "/status?fieldManager=kustomize-controller", {"status": status_body},
            "application/merge-patch+json"
        )
        if status != 200:
            raise RuntimeError(f"PATCH {path}/status: {status} {payload[:300]!r}")


def collection(api_version, namespace, plural, namespaced=True):
    prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    return f"{prefix}/namespaces/{namespace}/{plural}" if namespaced else f"{prefix}/{plural}"


def owner_labels(prefix, name, namespace):
    return {f"{prefix}/name": name, f"{prefix}/namespace": namespace}


def ready_condition(reason, message):
    return {"type": "Ready", "status": "True", "reason": reason, "message": message,
            "observedGeneration": 1, "lastTransitionTime": CONDITION_TIME}


def leaf(i, labels):
    """The i-th object: (api_version, kind, plural, namespaced, namespace, name, body, status)."""
    api_version, kind, plural, namespaced = KINDS[i % len(KINDS)]
    namespace = NAMESPACES[(i // len(KINDS)) % len(NAMESPACES)] if namespaced else ""
    name = f"o{i:06d}"
    meta = {"name": name, "labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bench",
                                     "app.kubernetes.io/version": "1.42.0", **labels},
            "annotations": {"bench.example.com/owner-team": f"team-{i % 7}"}}
    if namespaced:
        meta["namespace"] = namespace
    body = {"apiVersion": api_version, "kind": kind, "metadata": meta}
    status = None
    if kind == "ConfigMap":
        body["data"] = {f"setting-{k}.yaml": "key: value\n" * 20 for k in range(6)}
    elif kind == "Secret":
        body["data"] = {"username": base64.b64encode(b"app").decode(),
                        "password": base64.b64encode(b"p" * 64).decode()}
    elif kind == "Service":
        body["spec"] = {"type": "ClusterIP", "clusterIP": "None", "selector": {"app.kubernetes.io/name": name},
                        "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}
    elif kind == "PersistentVolumeClaim":
        body["spec"] = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
        status = {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}
    elif kind == "PodTemplate":
        body["template"] = pod_template(name)
    elif kind == "LimitRange":
        body["spec"] = {"limits": [{"type": "Container", "default": {"cpu": "100m"}}]}
    elif kind == "ResourceQuota":
        body["spec"] = {"hard": {"pods": "10"}}
    elif kind in ("Deployment", "StatefulSet"):
        body["spec"] = {"replicas": 2, "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                        "template": pod_template(name)}
        if kind == "StatefulSet":
            body["spec"]["serviceName"] = name
        status = {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2,
                  "availableReplicas": 2,
                  "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                                  "message": "Deployment has minimum availability.",
                                  "lastTransitionTime": CONDITION_TIME, "lastUpdateTime": CONDITION_TIME}]}
    elif kind in ("Widget", "Gadget"):
        body["spec"] = {"size": i % 5, "endpoints": [f"https://{name}.example.com:{p}" for p in (443, 8443)]}
        status = {"observedGeneration": 1, "conditions": [ready_condition("Provisioned", f"{kind} {name} is ready")]}
    return api_version, kind, plural, namespaced, namespace, name, body, status


def entry(namespace, name, group, kind, version="v1"):
    return {"id": f"{namespace}_{name}_{group}_{kind}", "v": version}


def leaf_entry(i):
    api_version, kind, _, _, namespace, name, _, _ = leaf(i, {})
    group = api_version.split("/")[0] if "/" in api_version else ""
    return entry(namespace, name, group, kind, api_version.split("/")[-1])


def ready(message, revision=None):
    status = {"observedGeneration": 1, "conditions": [ready_condition("ReconciliationSucceeded", message)]}
    if revision:
        status["lastAppliedRevision"] = revision
        status["lastAttemptedRevision"] = revision
    return status


def kustomization(name, path, labels):
    return {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": name, "namespace": FLUX_NS, "labels": labels},
        "spec": {"interval": "10m", "path": path, "prune": True, "wait": True, "timeout": "5m",
                 "sourceRef": {"kind": "GitRepository", "name": "flux-system"}},
    }


def plan(n):
    """Who owns object i, the same whatever n is (so the cluster can grow): even objects are in
    the tree, in this order: the team-a subtree (270 in its 3 components, 20 in its HelmRelease),
    the 30 HelmReleases (20 each), then the 190 components round-robin; odd objects are not in
    the tree, every other one labelled by a Kustomization of the `outside` tree.
    Owners: ('sub', c) | ('subhr', 0) | ('hr', h) | ('ks', name) | ('out', name) | None."""
    components = [f"c{t:02d}-{c:02d}" for t in range(TENANTS) for c in range(COMPONENTS)]
    sub = len(SUBTREE_COMPONENTS) * SUBTREE_OBJECTS
    owners = []
    for i in range(n):
        if i % 2 == 1:
            owners.append(("out", OUTSIDE[(i // 4) % len(OUTSIDE)]) if i % 4 == 1 else None)
            continue
        j = i // 2
        if j < sub:
            owners.append(("sub", j // SUBTREE_OBJECTS))
        elif j < sub + 20:
            owners.append(("subhr", 0))
        elif j < sub + 20 + HELM_RELEASES * HR_OBJECTS:
            owners.append(("hr", (j - sub - 20) // HR_OBJECTS))
        else:
            owners.append(("ks", components[j % len(components)]))
    return owners, components


def parallel(pool, fn, items):
    for _ in pool.map(fn, items):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", required=True, help="host:port of the apiserver")
    ap.add_argument("--ca", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--objects", type=int, default=10_000)
    ap.add_argument("--threads", type=int, default=32)
    args = ap.parse_args()
    host, port = args.server.rsplit(":", 1)
    api = Api(host, int(port), args.ca, args.cert, args.key)
    start = time.time()
    pool = ThreadPoolExecutor(max_workers=args.threads)
    owners, components = plan(args.objects)

    for body in (crd("widgets", "Widget", "Namespaced"), crd("gadgets", "Gadget", "Cluster")):
        api.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body)

    def ns(name):
        api.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})

    parallel(pool, ns, [FLUX_NS] + NAMESPACES)
    # The CRDs are served once Established: wait for it.
    for plural in ("widgets", "gadgets"):
        for _ in range(100):
            status, _ = api.request("GET", f"/apis/{GROUP}/v1/{plural}?limit=1")
            if status == 200:
                break
            time.sleep(0.2)

    hr_names = [(NAMESPACES[h % len(NAMESPACES)], f"hr{h:02d}") for h in range(HELM_RELEASES)]

    def labels_of(owner):
        if owner is None:
            return {}
        what, k = owner
        if what == "hr":
            ns_, name = hr_names[k]
            return owner_labels(HR_LABEL, name, ns_)
        if what == "subhr":
            return owner_labels(HR_LABEL, "team-a-cache", NAMESPACES[0])
        if what == "sub":
            return owner_labels(KS_LABEL, SUBTREE_COMPONENTS[k], FLUX_NS)
        return owner_labels(KS_LABEL, k, FLUX_NS)

    def create_leaf(i):
        api_version, _, plural, namespaced, namespace, name, body, status = leaf(i, labels_of(owners[i]))
        path = collection(api_version, namespace, plural, namespaced)
        api.create(path, body)
        if status is not None:
            api.patch_status(f"{path}/{name}", status)
        if i % 100 == 7:
            # One object in a hundred edited by hand: drift the tree and `health` report.
            status, payload = api.request(
                "PATCH", f"{path}/{name}?fieldManager=kubectl-edit",
                {"metadata": {"labels": {"edited-by-hand": "true"}}}, "application/merge-patch+json")
            if status != 200:
                raise RuntimeError(f"PATCH {path}/{name}: {status} {payload[:300]!r}")

    parallel(pool, create_leaf, range(args.objects))
    print(f"  {args.objects} objects present ({time.time() - start:.0f}s)", file=sys.stderr)

    # The FluxInstance and the objects it applied (the Flux controllers).
    fi_objects = []
    for c in ("source-controller", "kustomize-controller", "helm-controller", "notification-controller"):
        for api_version, kind, plural in (("apps/v1", "Deployment", "deployments"), ("v1", "ServiceAccount", "serviceaccounts"),
                                          ("v1", "Service", "services")):
            if kind == "Service" and c == "kustomize-controller":
                continue
            body = {"apiVersion": api_version, "kind": kind,
                    "metadata": {"name": c, "namespace": FLUX_NS, "labels": owner_labels(FI_LABEL, "flux", FLUX_NS)}}
            if kind == "Deployment":
                body["spec"] = {"replicas": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": c}},
                                "template": pod_template(c)}
            elif kind == "Service":
                body["spec"] = {"type": "ClusterIP", "selector": {"app.kubernetes.io/name": c}, "ports": [{"port": 80}]}
            path = collection(api_version, FLUX_NS, plural)
            api.create(path, body)
            if kind == "Deployment":
                api.patch_status(f"{path}/{c}", {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1,
                                                 "readyReplicas": 1, "availableReplicas": 1})
            fi_objects.append(entry(FLUX_NS, c, api_version.split("/")[0] if "/" in api_version else "", kind))
    fi_path = collection("fluxcd.controlplane.io/v1", FLUX_NS, "fluxinstances")
    api.create(fi_path, {"apiVersion": "fluxcd.controlplane.io/v1", "kind": "FluxInstance",
                         "metadata": {"name": "flux", "namespace": FLUX_NS},
                         "spec": {"distribution": {"version": "2.x", "registry": "ghcr.io/fluxcd"},
                                  "components": ["source-controller", "kustomize-controller", "helm-controller",
                                                 "notification-controller"]}})
    fi_status = ready("Reconciliation finished", "v2.9.4@sha256:0f3b")
    fi_status["inventory"] = {"entries": fi_objects}
    api.patch_status(f"{fi_path}/flux", fi_status)

    # HelmReleases (Flux >= 2.8: .status.inventory), with their storage Secret, as every release has.
    def write_hr(item):
        h, (namespace, name), owned, parent = item
        manifest = ""
        for i in owned:
            api_version, kind, _, _, obj_ns, obj_name, _, _ = leaf(i, {})
            ns_line = f"  namespace: {obj_ns}\n" if obj_ns else ""
            manifest += f"---\napiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {obj_name}\n{ns_line}"
        release = {"name": name, "namespace": namespace, "version": 1, "info": {"status": "deployed"},
                   "chart": {"metadata": {"name": "app", "version": "1.0.0"}}, "config": {}, "manifest": manifest}
        packed = base64.b64encode(gzip.compress(json.dumps(release).encode())).decode()
        secret = {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                  "metadata": {"name": f"sh.helm.release.v1.{name}.v1", "namespace": namespace,
                               "labels": {"owner": "helm", "name": name, "version": "1", "status": "deployed"}},
                  "data": {"release": base64.b64encode(packed.encode()).decode()}}
        secrets = collection("v1", namespace, "secrets")
        status, _ = api.request("POST", secrets, secret)
        if status == 409:
            # The cluster grew: the release manifest names more objects now.
            status, payload = api.request("PUT", f"{secrets}/{secret['metadata']['name']}", secret)
        if status not in (200, 201):
            raise RuntimeError(f"storage Secret of {namespace}/{name}: {status}")
        path = collection("helm.toolkit.fluxcd.io/v2", namespace, "helmreleases")
        api.create(path, {
            "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": {"name": name, "namespace": namespace, "labels": owner_labels(KS_LABEL, parent, FLUX_NS)},
            "spec": {"interval": "10m", "chart": {"spec": {"chart": "app", "version": "1.0.0",
                                                            "sourceRef": {"kind": "HelmRepository", "name": "charts"}}},
                     "values": {"replicaCount": 2, "image": {"tag": "1.42.0"}}},
        })
        status = ready(f"Helm install succeeded for release {namespace}/{name}.v1 with chart app@1.0.0")
        status["storageNamespace"] = namespace
        status["lastAttemptedRevision"] = "1.0.0"
        status["history"] = [{"name": name, "namespace": namespace, "version": 1, "chartName": "app",
                              "chartVersion": "1.0.0", "configDigest": "sha256:0", "digest": "sha256:0",
                              "firstDeployed": CONDITION_TIME, "lastDeployed": CONDITION_TIME, "status": "deployed"}]
        status["inventory"] = {"entries": [leaf_entry(i) for i in owned]}
        api.patch_status(f"{path}/{name}", status)

    hr_items = []
    for h, (namespace, name) in enumerate(hr_names):
        owned = [i for i, o in enumerate(owners) if o == ("hr", h)]
        hr_items.append((h, (namespace, name), owned, components[h]))
    hr_items.append((HELM_RELEASES, (NAMESPACES[0], "team-a-cache"),
                     [i for i, o in enumerate(owners) if o == ("subhr", 0)], "team-a-api"))
    parallel(pool, write_hr, hr_items)

    # Kustomization inventories.
    inventories = {name: [] for name in components + SUBTREE_COMPONENTS + OUTSIDE}
    for i, o in enumerate(owners):
        if o is None or o[0] in ("hr", "subhr"):
            continue
        key = SUBTREE_COMPONENTS[o[1]] if o[0] == "sub" else o[1]
        inventories[key].append(leaf_entry(i))
    for h, (namespace, name) in enumerate(hr_names):
        inventories[components[h]].insert(0, entry(namespace, name, "helm.toolkit.fluxcd.io", "HelmRelease", "v2"))
    inventories["team-a-api"].insert(0, entry(NAMESPACES[0], "team-a-cache", "helm.toolkit.fluxcd.io", "HelmRelease", "v2"))

    ks_path = collection("kustomize.toolkit.fluxcd.io/v1", FLUX_NS, "kustomizations")
    revision = "main@sha1:5f3b0c1d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"

    def write_ks(item):
        name, entries, labels = item
        api.create(ks_path, kustomization(name, f"./{name}", labels))
        status = ready(f"Applied revision: {revision}", revision)
        status["inventory"] = {"entries": entries}
        api.patch_status(f"{ks_path}/{name}", status)

    def ks_entry(name):
        return entry(FLUX_NS, name, "kustomize.toolkit.fluxcd.io", "Kustomization")

    items = []
    for t in range(TENANTS):
        tenant = f"t{t:02d}"
        for c in components[t * COMPONENTS:(t + 1) * COMPONENTS]:
            parent = owner_labels(RS_LABEL, "t09-components", FLUX_NS) if t == TENANTS - 1 else owner_labels(KS_LABEL, tenant, FLUX_NS)
            items.append((c, inventories[c], parent))
    for c in SUBTREE_COMPONENTS:
        items.append((c, inventories[c], owner_labels(KS_LABEL, "team-a", FLUX_NS)))
    items.append(("team-a", [ks_entry(c) for c in SUBTREE_COMPONENTS], owner_labels(KS_LABEL, "t00", FLUX_NS)))
    for x in OUTSIDE:
        items.append((x, inventories[x], owner_labels(KS_LABEL, "outside", FLUX_NS)))
    items.append(("outside", [ks_entry(x) for x in OUTSIDE], {}))
    for t in range(TENANTS):
        tenant = f"t{t:02d}"
        if t == TENANTS - 1:
            entries = [entry(FLUX_NS, "t09-components", "fluxcd.controlplane.io", "ResourceSet")]
        else:
            entries = [ks_entry(c) for c in components[t * COMPONENTS:(t + 1) * COMPONENTS]]
        if t == 0:
            entries.append(ks_entry("team-a"))
        items.append((tenant, entries, owner_labels(KS_LABEL, "flux-system", FLUX_NS)))
    items.append(("flux-system", [ks_entry("flux-system"),
                                  entry(FLUX_NS, "flux", "fluxcd.controlplane.io", "FluxInstance")]
                  + [ks_entry(f"t{t:02d}") for t in range(TENANTS)], {}))
    parallel(pool, write_ks, items)

    rs_path = collection("fluxcd.controlplane.io/v1", FLUX_NS, "resourcesets")
    api.create(rs_path, {"apiVersion": "fluxcd.controlplane.io/v1", "kind": "ResourceSet",
                         "metadata": {"name": "t09-components", "namespace": FLUX_NS,
                                      "labels": owner_labels(KS_LABEL, "t09", FLUX_NS)},
                         "spec": {"inputs": [{"component": c} for c in components[9 * COMPONENTS:]],
                                  "resources": [{"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                                                 "metadata": {"name": "<< inputs.component >>"}}]}})
    rs_status = ready("Reconciliation finished")
    rs_status["inventory"] = {"entries": [ks_entry(c) for c in components[9 * COMPONENTS:]]}
    api.patch_status(f"{rs_path}/t09-components", rs_status)
    pool.shutdown()
    in_tree = sum(1 for o in owners if o is not None and o[0] != "out")
    print(f"  tree ready: {len(items)} Kustomizations, {len(hr_items)} HelmReleases, a ResourceSet, a FluxInstance; "
          f"{args.objects} objects over {len(KINDS)} kinds, {in_tree} in the tree ({time.time() - start:.0f}s)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
