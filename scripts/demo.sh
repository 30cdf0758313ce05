#!/usr/bin/env bash
# The kubectl-fleet demo, end to end on a local embedded control plane:
#   bash scripts/demo.sh
# Builds everything (cached), starts two local clusters (staging, production) with the real
# flux-operator, source-controller and kustomize-controller and a git server on 127.0.0.1, scaffolds
# a d1 fleet repository with `kubectl fleet bootstrap init` and `kubectl fleet tenant`, stores the
# bot token in the OS keyring, bootstraps both clusters, waits for real reconciliation, shows the
# tree and the tenants, rotates the token (the git server then accepts only the new one) and shows
# everything Ready again. The environment keeps running afterwards; the script ends by saying how
# to explore it and how to tear it down.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# The OS keyring: a private D-Bus session with an unlocked gnome-keyring, unless one is running.
if [ -z "${FLEET_DEMO_SESSION:-}" ]; then
  . scripts/prereqs.sh
  exec dbus-run-session -- env FLEET_DEMO_SESSION=1 bash "$0" "$@"
fi

DEMO=${FLEET_DEMO_DIR:-/tmp/kubectl-fleet-demo}
export FLEET_TESTENV_STATE=${FLEET_DEMO_STATE:-/tmp/kubectl-fleet-demo-env}
tests/testenv/testenv down >/dev/null 2>&1 || true
rm -rf "$DEMO" && mkdir -p "$DEMO/bin" "$DEMO/config" "$DEMO/data"
# The demo's keyring and credential index live under $DEMO, away from the user's own.
export XDG_CONFIG_HOME=$DEMO/config XDG_DATA_HOME=$DEMO/data
echo -n kubectl-fleet-demo | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1

bold=$'\e[1m' dim=$'\e[2m' reset=$'\e[0m'
[ -t 1 ] || { bold="" dim="" reset=""; }
n=0
step() { n=$((n + 1)); printf '\n%s%2d. %s%s\n' "$bold" "$n" "$*" "$reset"; }
run() { printf '%s$ %s%s\n' "$dim" "$*" "$reset"; "$@"; }
# wait_for SECONDS WHAT CMD...: polls CMD every 2 s.
wait_for() {
  local limit=$1 what=$2 i
  shift 2
  for ((i = 0; i < limit; i += 2)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 2
  done
  echo "timed out after ${limit}s waiting for $what" >&2
  return 1
}

step "Build the local control plane and Flux from Go modules (cached), and kubectl fleet"
tests/testenv/testenv build --flux
cargo build --locked --bins
operator_manifest=$(tests/testenv/testenv paths | sed -n 's/^operator_manifest=//p')

step "Start a local fleet: clusters staging and production, each with the real flux-operator, source-controller and kustomize-controller, and a git server"
eval "$(tests/testenv/testenv up --clusters staging,production --flux)"
for b in kubectl-fleet kubectl-fleet-bootstrap kubectl-fleet-health kubectl-fleet-reconcile kubectl-fleet-resume kubectl-fleet-secret kubectl-fleet-suspend kubectl-fleet-tenant kubectl-fleet-token kubectl-fleet-tree; do
  ln -s "${CARGO_TARGET_DIR:-$ROOT/target}/debug/$b" "$DEMO/bin/$b"
done
export PATH="$DEMO/bin:$(dirname "$FLEET_TEST_KUBECTL"):$PATH"
GIT=$FLEET_TEST_GIT_URL
TOKEN_FILE=$FLEET_TEST_GIT_TOKEN_FILE
# git reads the token through a credential helper, so it never appears on a command line.
git_auth=(-c "credential.helper=" -c "credential.helper=!f() { echo username=git; echo \"password=\$(cat '$TOKEN_FILE')\"; }; f")
for repo in fleet infra apps; do
  git init -q --bare -b main "$FLEET_TESTENV_STATE/git/$repo.git"
  git -C "$FLEET_TESTENV_STATE/git/$repo.git" config http.receivepack true
done

step "Scaffold the fleet repo: clusters/staging and clusters/production in the d1 shape"
# The local git server speaks plain http: --insecure-http accepts the token over it (a real fleet
# uses https, where the flag is not needed).
mkdir -p "$DEMO/fleet" && git -C "$DEMO/fleet" init -q -b main
cd "$DEMO/fleet"
# The operator's bundled manifests (no OCI artifact) and no wait on Deployments: there is no kubelet here.
run kubectl fleet bootstrap init staging --git-url "$GIT/fleet.git" --insecure-http --environment staging \
  --domain staging.demo.local --artifact none --no-instance-wait --operator-chart none
run kubectl fleet bootstrap init production --from staging --insecure-http --production --environment production \
  --domain production.demo.local
step "Onboard a platform component (infra) and an apps tenant namespace"
run kubectl fleet tenant component add monitoring --git-url "$GIT/infra.git" --insecure-http
run kubectl fleet tenant create frontend --tenant apps --git-url "$GIT/apps.git" --insecure-http
git add -A && git -c user.name=demo -c user.email=demo@example.invalid commit -qm "fleet: staging, production, monitoring, frontend"

# The infra and apps repositories: one overlay per environment, small workloads (no pods: there is
# no kubelet, so ConfigMaps, ServiceAccounts and RBAC stand in for Deployments).
mkdir -p "$DEMO/infra" "$DEMO/apps"
for env in staging production; do
  for part in controllers configs; do
    d=$DEMO/infra/components/monitoring/$part/$env
    mkdir -p "$d"
    printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - monitoring.yaml\n' >"$d/kustomization.yaml"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: monitoring-%s\n  namespace: flux-system\ndata:\n  environment: %s\n' "$part" "$env" >"$d/monitoring.yaml"
  done
  d=$DEMO/apps/components/frontend/$env
  mkdir -p "$d"
  # As in d1-apps: the component's kustomization pins its namespace (the tenant may write only there).
  printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: frontend\nresources:\n  - frontend.yaml\n' >"$d/kustomization.yaml"
  cat >"$d/frontend.yaml" <<EOF
apiVersion: v1
kind: ServiceAccount
metadata:
  name: frontend
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: frontend-config
data:
  url: https://frontend.\${CLUSTER_DOMAIN}
  environment: \${ENVIRONMENT}
EOF
done
for repo in fleet infra apps; do
  (
    cd "$DEMO/$repo"
    [ -d .git ] || git init -q -b main
    git add -A
    git -c user.name=demo -c user.email=demo@example.invalid commit -qm "$repo" >/dev/null 2>&1 || true
    # Staging follows main; production clusters follow the production branch of infra and apps
    # (GIT_BRANCH in their runtime info), as in d1 where promotion is a merge into production.
    refs=(main)
    [ "$repo" = fleet ] || refs+=(main:production)
    git "${git_auth[@]}" push -q "$GIT/$repo.git" "${refs[@]}"
  )
done
echo "pushed fleet (main), infra and apps (main, production) to $GIT"

step "Store the bot token in the OS keyring (read from stdin, never from argv)"
run kubectl fleet token set fleet-bot --from-stdin --no-check <"$TOKEN_FILE"
run kubectl fleet token list

step "Bootstrap both clusters concurrently: operator, git secrets, FluxInstance, wait for Ready"
run kubectl fleet bootstrap staging production --token fleet-bot --tenant-token apps=fleet-bot --insecure-http \
  --operator-manifest "$operator_manifest" --timeout 5m

step "Give the apps tenant its git secret and runtime info in its namespace (no Kyverno here: --propagate)"
for ctx in staging production; do
  wait_for 300 "Flux to create namespace frontend on $ctx" kubectl --context "$ctx" get namespace frontend
done
run kubectl fleet tenant create frontend --tenant apps --git-url "$GIT/apps.git" --insecure-http --apply --propagate \
  --token fleet-bot --all-contexts

step "Wait for Flux to reconcile the tenant from the apps repo (real source- and kustomize-controller)"
for ctx in staging production; do
  kubectl --context "$ctx" -n frontend annotate --overwrite gitrepository/flux-apps "reconcile.fluxcd.io/requestedAt=$(date +%s)" >/dev/null
  kubectl --context "$ctx" -n frontend wait --for=condition=Ready kustomization/flux-frontend --timeout=5m >/dev/null
done
echo "flux-frontend is Ready on staging and production"

step "What Flux manages, live, on both clusters"
run kubectl fleet tree --all-contexts
run kubectl fleet tenant list --all-contexts

step "Rotate the bot token: the git server now accepts only the new one"
(umask 077 && openssl rand -hex 20 >"$DEMO/new-token")
cp "$DEMO/new-token" "$TOKEN_FILE"
run kubectl fleet token rotate fleet-bot --from-stdin --no-check --all-contexts --timeout 5m <"$DEMO/new-token"
rm -f "$DEMO/new-token"

step "Everything Ready again, fetched with the new token"
run kubectl fleet tree --all-contexts --compact
run kubectl fleet bootstrap status --all-contexts

cat <<EOF

${bold}The local fleet keeps running.${reset} Explore it:
  export KUBECONFIG=$FLEET_TEST_KUBECONFIG PATH=$DEMO/bin:\$PATH XDG_CONFIG_HOME=$DEMO/config XDG_DATA_HOME=$DEMO/data
  kubectl fleet tree --context staging
  kubectl fleet tree --all-contexts --status failing -o yaml
  kubectl fleet tenant list --all-contexts
  cd $DEMO/fleet && kubectl fleet tenant create backend --tenant apps --dry-run
  FLEET_TESTENV_STATE=$FLEET_TESTENV_STATE $ROOT/tests/testenv/testenv status
(token list reads the demo's credential index; the tokens themselves lived in the demo's own D-Bus
session keyring, which is gone now: pass tokens with --token-env or --token-stdin, or re-run the demo.)
Tear it down:
  FLEET_TESTENV_STATE=$FLEET_TESTENV_STATE $ROOT/tests/testenv/testenv down && rm -rf $DEMO
EOF
