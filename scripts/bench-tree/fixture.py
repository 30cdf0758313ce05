#!/usr/bin/env python3
"""Creates the synthetic Flux tree of the `kubectl fleet tree` benchmark on one cluster.

Shape (defaults): Kustomization flux-system/flux-system -> 10 tenant Kustomizations -> 19 component
Kustomizations each (201 Kustomizations in 3 levels); 30 of the components each hold a HelmRelease
that manages 20 objects (with `.status.inventory`, as Flux >= 2.8 writes it, and the Helm storage
Secret of its release, as every Helm release has); every other object is in a component's
inventory. Objects are real: N objects over 10 kinds of the core and apps groups (the groups the
test environment's audit policy logs, so every request of every tool is counted), spread over 20
namespaces. Status is written through the status subresource, as the controllers would.

Running it again with a larger --objects adds the missing objects and rewrites the inventories, so
the same tree grows from 10,000 to 50,000 objects. Only the Python standard library is used;
requests run on many threads with one keep-alive connection each.
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
HR_OBJECTS = 20

# (apiVersion, kind, plural): ten kinds in the core and apps groups.
KINDS = [
    ("v1", "ConfigMap", "configmaps"),
    ("v1", "Secret", "secrets"),
    ("v1", "ServiceAccount", "serviceaccounts"),
    ("v1", "Service", "services"),
    ("v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    ("v1", "PodTemplate", "podtemplates"),
    ("v1", "LimitRange", "limitranges"),
    ("v1", "ResourceQuota", "resourcequotas"),
    ("apps/v1", "Deployment", "deployments"),
    ("apps/v1", "StatefulSet", "statefulsets"),
]

POD = {
    "metadata": {"labels": {"app": "bench"}},
    "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.0"}]},
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
            conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=60)
            self.local.conn = conn
        return conn

    def request(self, method, path, body=None, content_type="application/json"):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        for attempt in range(5):
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
        status, payload = self.request("POST", path, body)
        if status not in (200, 201, 409):
            raise RuntimeError(f"POST {path}: {status} {payload[:300]!r}")

    def patch_status(self, path, status_body):
        status, payload = self.request(
            "PATCH", path + "/status", {"status": status_body}, "application/merge-patch+json"
        )
        if status != 200:
            raise RuntimeError(f"PATCH {path}/status: {status} {payload[:300]!r}")


def base_path(api_version, namespace, plural):
    prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    return f"{prefix}/namespaces/{namespace}/{plural}"


def leaf(i):
    """The i-th inventory object: (api_version, kind, plural, namespace, name, body)."""
    api_version, kind, plural = KINDS[i % len(KINDS)]
    namespace = NAMESPACES[(i // len(KINDS)) % len(NAMESPACES)]
    name = f"o{i:05d}"
    body = {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": namespace}}
    if kind == "ConfigMap":
        body["data"] = {"key": "value"}
    elif kind == "Secret":
        body["data"] = {"key": base64.b64encode(b"value").decode()}
    elif kind == "Service":
        body["spec"] = {"clusterIP": "None", "selector": {"app": name}, "ports": [{"port": 80}]}
    elif kind == "PersistentVolumeClaim":
        body["spec"] = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    elif kind == "PodTemplate":
        body["template"] = POD
    elif kind == "LimitRange":
        body["spec"] = {"limits": [{"type": "Container", "default": {"cpu": "100m"}}]}
    elif kind == "ResourceQuota":
        body["spec"] = {"hard": {"pods": "10"}}
    elif kind in ("Deployment", "StatefulSet"):
        body["spec"] = {"replicas": 1, "selector": {"matchLabels": {"app": "bench"}}, "template": POD}
        if kind == "StatefulSet":
            body["spec"]["serviceName"] = name
    return api_version, kind, plural, namespace, name, body


def entry(namespace, name, group, kind, version="v1"):
    return {"id": f"{namespace}_{name}_{group}_{kind}", "v": version}


def leaf_entry(i):
    api_version, kind, _, namespace, name, _ = leaf(i)
    group = api_version.split("/")[0] if "/" in api_version else ""
    return entry(namespace, name, group, kind, api_version.split("/")[-1])


def ready(message, revision=None):
    status = {
        "observedGeneration": 1,
        "conditions": [
            {
                "type": "Ready",
                "status": "True",
                "reason": "ReconciliationSucceeded",
                "message": message,
                "observedGeneration": 1,
                "lastTransitionTime": "2026-01-01T00:00:00Z",
            }
        ],
    }
    if revision:
        status["lastAppliedRevision"] = revision
    return status


def kustomization(name, path):
    return {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": name, "namespace": FLUX_NS},
        "spec": {
            "interval": "10m",
            "path": path,
            "prune": True,
            "sourceRef": {"kind": "GitRepository", "name": "flux-system"},
        },
    }


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
    ap.add_argument("--threads", type=int, default=48)
    args = ap.parse_args()
    host, port = args.server.rsplit(":", 1)
    api = Api(host, int(port), args.ca, args.cert, args.key)
    start = time.time()
    pool = ThreadPoolExecutor(max_workers=args.threads)

    def ns(name):
        api.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})

    parallel(pool, ns, [FLUX_NS] + NAMESPACES)

    def create_leaf(i):
        api_version, _, plural, namespace, _, body = leaf(i)
        api.create(base_path(api_version, namespace, plural), body)

    parallel(pool, create_leaf, range(args.objects))
    print(f"  {args.objects} objects present ({time.time() - start:.0f}s)", file=sys.stderr)

    # HelmReleases: the first HELM_RELEASES * HR_OBJECTS objects, HR_OBJECTS each.
    hr_names = []
    for h in range(HELM_RELEASES):
        owned = list(range(h * HR_OBJECTS, (h + 1) * HR_OBJECTS))
        namespace = NAMESPACES[h % len(NAMESPACES)]
        name = f"hr{h:02d}"
        hr_names.append((namespace, name))
        manifest = ""
        for i in owned:
            api_version, kind, _, obj_ns, obj_name, _ = leaf(i)
            manifest += f"---\napiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {obj_name}\n  namespace: {obj_ns}\n"
        release = {"name": name, "namespace": namespace, "version": 1, "info": {"status": "deployed"},
                   "chart": {"metadata": {"name": "app", "version": "1.0.0"}}, "config": {}, "manifest": manifest}
        packed = base64.b64encode(gzip.compress(json.dumps(release).encode())).decode()
        api.create(
            base_path("v1", namespace, "secrets"),
            {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
             "metadata": {"name": f"sh.helm.release.v1.{name}.v1", "namespace": namespace,
                          "labels": {"owner": "helm", "name": name, "version": "1", "status": "deployed"}},
             "data": {"release": base64.b64encode(packed.encode()).decode()}},
        )
        path = base_path("helm.toolkit.fluxcd.io/v2", namespace, "helmreleases")
        api.create(path, {
            "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"interval": "10m", "chart": {"spec": {"chart": "app", "sourceRef": {"kind": "HelmRepository", "name": "charts"}}}},
        })
        status = ready(f"Helm install succeeded for release {namespace}/{name}.v1")
        status["storageNamespace"] = namespace
        status["history"] = [{"name": name, "namespace": namespace, "version": 1, "chartName": "app",
                              "chartVersion": "1.0.0", "configDigest": "sha256:0", "digest": "sha256:0",
                              "firstDeployed": "2026-01-01T00:00:00Z", "lastDeployed": "2026-01-01T00:00:00Z",
                              "status": "deployed"}]
        status["inventory"] = {"entries": [leaf_entry(i) for i in owned]}
        api.patch_status(f"{path}/{name}", status)

    # Components: everything not owned by a HelmRelease, round-robin; the first 30 also hold a HelmRelease.
    components = [f"c{t:02d}-{c:02d}" for t in range(TENANTS) for c in range(COMPONENTS)]
    inventories = {name: [] for name in components}
    for k, i in enumerate(range(HELM_RELEASES * HR_OBJECTS, args.objects)):
        inventories[components[k % len(components)]].append(leaf_entry(i))
    for h, (namespace, name) in enumerate(hr_names):
        inventories[components[h]].insert(0, entry(namespace, name, "helm.toolkit.fluxcd.io", "HelmRelease", "v2"))

    ks_path = base_path("kustomize.toolkit.fluxcd.io/v1", FLUX_NS, "kustomizations")
    revision = "main@sha1:5f3b0c1d"

    def write_ks(item):
        name, entries = item
        api.create(ks_path, kustomization(name, f"./{name}"))
        status = ready(f"Applied revision: {revision}", revision)
        status["inventory"] = {"entries": entries}
        api.patch_status(f"{ks_path}/{name}", status)

    items = list(inventories.items())
    for t in range(TENANTS):
        items.append((f"t{t:02d}", [entry(FLUX_NS, c, "kustomize.toolkit.fluxcd.io", "Kustomization")
                                    for c in components[t * COMPONENTS:(t + 1) * COMPONENTS]]))
    items.append(("flux-system", [entry(FLUX_NS, "flux-system", "kustomize.toolkit.fluxcd.io", "Kustomization")]
                  + [entry(FLUX_NS, f"t{t:02d}", "kustomize.toolkit.fluxcd.io", "Kustomization") for t in range(TENANTS)]))
    parallel(pool, write_ks, items)
    pool.shutdown()
    print(f"  tree ready: {len(items)} Kustomizations, {HELM_RELEASES} HelmReleases, "
          f"{args.objects} objects over {len(KINDS)} kinds ({time.time() - start:.0f}s)", file=sys.stderr)


if __name__ == "__main__":
    main()
