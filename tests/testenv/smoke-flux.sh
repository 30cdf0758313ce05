#!/usr/bin/env bash
# smoke-flux.sh: end-to-end check of the Flux tier of the test environment.
#
#   FLEET_TESTENV_STATE=... tests/testenv/testenv up --clusters a,b --flux
#   FLEET_TESTENV_STATE=... tests/testenv/smoke-flux.sh [CONTEXT...]     (default: every cluster)
#
# Per cluster, against the real local controllers:
#   1. GitRepository (basic auth against the test git server) + Kustomization (./app, prune, no wait)
#      become Ready; the ConfigMap from the repo exists and is listed in .status.inventory.
#   1b. Impersonation: a Kustomization with spec.serviceAccountName applies as that ServiceAccount
#      (RBAC allowed: Ready; no RBAC: Ready=False, forbidden).
#   2. A FluxInstance `flux` (offline bundle, wait: false, sync from the git server) is reconciled by
#      flux-operator, which applies the Flux manifests and creates GitRepository/Kustomization
#      flux-system; those reconcile too.
#   3. Token rotation: after the server token changes, the next requested reconcile of the
#      GitRepository fails authentication; after the Secret is updated, it recovers.
# Idempotent: re-running replaces the smoke repos and objects. Exits non-zero on the first failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
eval "$("$HERE/testenv" env)"
[ -n "${FLEET_TEST_GIT_URL:-}" ] || { echo "smoke-flux: the environment was not started with --flux" >&2; exit 2; }

GIT_ROOT=$FLEET_TEST_STATE/git
TOKEN_FILE=$GIT_ROOT/token
TIMEOUT=${SMOKE_TIMEOUT:-120}
if [ $# -gt 0 ]; then CONTEXTS=("$@"); else IFS=',' read -r -a CONTEXTS <<<"$FLEET_TEST_CONTEXTS"; fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

say() { printf '%s smoke-flux: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
k() { "$FLEET_TEST_KUBECTL" --kubeconfig "$FLEET_TEST_KUBECONFIG" --context "$CTX" "$@"; }
token() { tr -d '[:space:]' <"$TOKEN_FILE"; }
push_url() { echo "http://git:$(token)@${FLEET_TEST_GIT_URL#http://}/$1.git"; }

# new_repo NAME DIR : (re)creates the bare repo NAME.git and pushes the tree DIR to main.
new_repo() {
  local name=$1 src=$2
  rm -rf "$GIT_ROOT/$name.git"
  git init -q --bare -b main "$GIT_ROOT/$name.git"
  (
    cd "$src"
    git init -q -b main .
    git add -A
    git -c user.name=smoke -c user.email=smoke@example.invalid commit -qm "smoke $name"
    git push -q "$(push_url "$name")" main
  )
}

# wait_cond KIND/NAME NAMESPACE STATUS [MESSAGE_REGEX] : polls the Ready condition.
wait_ready() {
  local obj=$1 ns=$2 want=$3 re=${4:-} i st msg
  for ((i = 0; i < TIMEOUT; i++)); do
    st=$(k -n "$ns" get "$obj" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
    msg=$(k -n "$ns" get "$obj" -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}' 2>/dev/null || true)
    if [ "$st" = "$want" ] && { [ -z "$re" ] || grep -Eq "$re" <<<"$msg"; }; then
      say "[$CTX] $obj Ready=$st: $msg"
      return 0
    fi
    sleep 1
  done
  fail "[$CTX] $obj: Ready=$st (wanted $want${re:+ matching /$re/}) after ${TIMEOUT}s: $msg"
}

request_reconcile() { # kind/name ns : sets reconcile.fluxcd.io/requestedAt, prints the value
  local v
  v=$(date +%s%N)
  k -n "$2" annotate --overwrite "$1" "reconcile.fluxcd.io/requestedAt=$v" >/dev/null
  echo "$v"
}

wait_handled() { # kind/name ns value : waits until the controller handled that request
  local i
  for ((i = 0; i < TIMEOUT; i++)); do
    [ "$(k -n "$2" get "$1" -o jsonpath='{.status.lastHandledReconcileAt}')" = "$3" ] && return 0
    sleep 1
  done
  fail "[$CTX] $1: reconcile request $3 not handled after ${TIMEOUT}s"
}

basic_auth_secret() { # name : (re)creates a basic-auth Secret in flux-system with the current token
  k -n flux-system create secret generic "$1" --from-literal=username=git --from-literal="password=$(token)" \
    --dry-run=client -o yaml | k apply -f - >/dev/null
}

# --- the app repo shared by all clusters
mkdir -p "$WORK/app-src/app"
cat >"$WORK/app-src/app/configmap.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: flux-smoke
  namespace: default
data:
  hello: from-git
EOF
mkdir -p "$WORK/app-src/app-sa"
cat >"$WORK/app-src/app-sa/configmap.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: flux-smoke-sa
  namespace: default
data:
  hello: impersonated
EOF
new_repo smoke-app "$WORK/app-src"
say "pushed smoke-app.git ($FLEET_TEST_GIT_URL/smoke-app.git)"

# --- the fleet repo for FluxInstance sync: one directory per cluster
mkdir -p "$WORK/fleet-src"
for CTX in "${CONTEXTS[@]}"; do
  mkdir -p "$WORK/fleet-src/clusters/$CTX"
  cat >"$WORK/fleet-src/clusters/$CTX/cluster-info.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: fleet-cluster-info
  namespace: flux-system
data:
  cluster: $CTX
EOF
done
new_repo smoke-fleet "$WORK/fleet-src"
say "pushed smoke-fleet.git"

for CTX in "${CONTEXTS[@]}"; do
  say "[$CTX] 1. GitRepository + Kustomization"
  k -n flux-system delete kustomization/flux-smoke gitrepository/flux-smoke --ignore-not-found --wait=true >/dev/null
  basic_auth_secret flux-smoke-auth
  k apply -f - >/dev/null <<EOF
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-smoke
  namespace: flux-system
spec:
  interval: 10m
  url: $FLEET_TEST_GIT_URL/smoke-app.git
  ref:
    branch: main
  secretRef:
    name: flux-smoke-auth
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-smoke
  namespace: flux-system
spec:
  interval: 10m
  sourceRef:
    kind: GitRepository
    name: flux-smoke
  path: ./app
  prune: true
  wait: false
EOF
  wait_ready gitrepository/flux-smoke flux-system True
  say "[$CTX] artifact: $(k -n flux-system get gitrepository/flux-smoke -o jsonpath='{.status.artifact.url} {.status.artifact.revision}')"
  wait_ready kustomization/flux-smoke flux-system True
  [ "$(k -n default get configmap flux-smoke -o jsonpath='{.data.hello}')" = from-git ] || fail "[$CTX] ConfigMap default/flux-smoke missing"
  inv=$(k -n flux-system get kustomization/flux-smoke -o jsonpath='{.status.inventory.entries[*].id}')
  grep -qx 'default_flux-smoke__ConfigMap' <<<"${inv// /$'\n'}" || fail "[$CTX] inventory does not list the ConfigMap: '$inv'"
  say "[$CTX] ConfigMap default/flux-smoke applied; inventory: $inv"

  say "[$CTX] 1b. impersonation (spec.serviceAccountName)"
  k -n flux-system delete kustomization/flux-smoke-sa kustomization/flux-smoke-denied --ignore-not-found --wait=true >/dev/null
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata:
  name: flux-smoke-tenant
  namespace: flux-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: flux-smoke-nobody
  namespace: flux-system
---
# An explicit Role: the aggregated ClusterRoles (edit, view, admin) have no rules here, because
# their aggregation is done by kube-controller-manager, which this environment does not run.
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: flux-smoke-tenant
  namespace: default
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: flux-smoke-tenant-configmaps
  namespace: default
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: flux-smoke-tenant
subjects:
  - kind: ServiceAccount
    name: flux-smoke-tenant
    namespace: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-smoke-sa
  namespace: flux-system
spec:
  interval: 10m
  serviceAccountName: flux-smoke-tenant
  sourceRef:
    kind: GitRepository
    name: flux-smoke
  path: ./app-sa
  prune: true
  wait: false
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-smoke-denied
  namespace: flux-system
spec:
  interval: 10m
  serviceAccountName: flux-smoke-nobody
  sourceRef:
    kind: GitRepository
    name: flux-smoke
  path: ./app-sa
  prune: true
  wait: false
EOF
  wait_ready kustomization/flux-smoke-sa flux-system True
  [ "$(k -n default get configmap flux-smoke-sa -o jsonpath='{.data.hello}')" = impersonated ] || fail "[$CTX] ConfigMap default/flux-smoke-sa missing"
  wait_ready kustomization/flux-smoke-denied flux-system False 'forbidden'
  # Only the denied one is removed again: it never applied anything.
  k -n flux-system delete kustomization/flux-smoke-denied --wait=true >/dev/null

  say "[$CTX] 2. FluxInstance"
  basic_auth_secret flux-system
  k apply -f - >/dev/null <<EOF
apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "2.x"
    registry: ghcr.io/fluxcd
  components:
    - source-controller
    - kustomize-controller
  wait: false
  sync:
    kind: GitRepository
    url: $FLEET_TEST_GIT_URL/smoke-fleet.git
    ref: refs/heads/main
    path: clusters/$CTX
    pullSecret: flux-system
EOF
  wait_ready fluxinstance/flux flux-system True
  say "[$CTX] FluxInstance: $(k -n flux-system get fluxinstance/flux -o jsonpath='lastAppliedRevision={.status.lastAppliedRevision} entries={.status.inventory.entries[*].id}' | cut -c1-400)..."
  k -n flux-system get deployment source-controller kustomize-controller >/dev/null || fail "[$CTX] the Flux Deployments were not applied"
  wait_ready gitrepository/flux-system flux-system True
  wait_ready kustomization/flux-system flux-system True
  [ "$(k -n flux-system get configmap fleet-cluster-info -o jsonpath='{.data.cluster}')" = "$CTX" ] ||
    fail "[$CTX] ConfigMap flux-system/fleet-cluster-info (synced by the FluxInstance) missing"
  say "[$CTX] FluxInstance sync applied clusters/$CTX"
done

say "3. token rotation"
old=$(token)
(umask 077 && openssl rand -hex 20 >"$TOKEN_FILE.new" && mv -f "$TOKEN_FILE.new" "$TOKEN_FILE")
[ "$(token)" != "$old" ] || fail "token did not change"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "git:$old" "$FLEET_TEST_GIT_URL/smoke-app.git/info/refs?service=git-upload-pack")
[ "$code" = 401 ] || fail "old token still accepted by the git server (HTTP $code)"
for CTX in "${CONTEXTS[@]}"; do
  v=$(request_reconcile gitrepository/flux-smoke flux-system)
  wait_handled gitrepository/flux-smoke flux-system "$v"
  wait_ready gitrepository/flux-smoke flux-system False 'authentication required|401|[Aa]uthentication|[Aa]uthorization'
  # The Secret with the new token heals it (and the FluxInstance sync source).
  basic_auth_secret flux-smoke-auth
  basic_auth_secret flux-system
  v=$(request_reconcile gitrepository/flux-smoke flux-system)
  wait_handled gitrepository/flux-smoke flux-system "$v"
  wait_ready gitrepository/flux-smoke flux-system True
  v=$(request_reconcile gitrepository/flux-system flux-system)
  wait_handled gitrepository/flux-system flux-system "$v"
  wait_ready gitrepository/flux-system flux-system True
done
say "PASS (${CONTEXTS[*]})"
