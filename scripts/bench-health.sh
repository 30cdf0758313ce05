#!/usr/bin/env bash
# Benchmark of `kubectl fleet health` and `kubectl fleet tree --all-contexts` over 1, 10 and 50
# contexts against the equivalent shell loop of the flux CLI (`flux get all -A` and `flux stats -A`
# per context) and of `flux-operator` (`flux-operator get all -A` + `flux-operator stats` per
# context), side by side in one run. Not a test: it prints one Markdown table.
#
#   scripts/bench-health.sh [--contexts 1,10,50] [--objects 2000] [--runs 5] [--rtt 20] [--keep]
#
# 1. builds our release binaries and finds the flux and flux-operator CLIs built by
#    `tests/testenv/testenv build --flux-cli` (a missing peer is left out);
# 2. starts a private one-cluster control plane and grows it with the tree benchmark's synthetic
#    Flux cluster (scripts/bench-tree/fixture.py: Kustomizations, HelmReleases, a ResourceSet, a
#    FluxInstance, realistic status and Flux labels);
# 3. puts the cluster behind the latency proxy (scripts/bench-tree/proxy.py, --rtt ms RTT) and
#    writes a kubeconfig with N contexts on it (the contexts share one apiserver: what is measured
#    is the client's cost per cluster and the round trips, as N control planes would not fit);
# 4. measures each tool over 1, 10 and 50 contexts: median wall time, peak RSS, API requests per
#    cluster (apiserver audit log), and prints the table with the ratios the issue sets as
#    targets: 50 contexts <= 2x one, requests per cluster <= kinds + 5, peak RSS at 50 <= 200 MB;
# 5. accounts the CPU time of the client and of the apiserver, etcd and proxy during each run. They
#    share this machine's cores, so a run cannot take less than (client + server CPU) / cores: the
#    "machine floor" column. N contexts on one apiserver cost it N times the work a real fleet
#    spreads over N control planes; wall / floor shows how close the client comes to that limit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/scripts/bench-health
TREE_BENCH=$ROOT/scripts/bench-tree
CONTEXTS=1,10,50 OBJECTS=2000 RUNS=5 RTT=20 KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --contexts) CONTEXTS=$2; shift ;;
    --objects) OBJECTS=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --rtt) RTT=$2; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '\n==> %s\n' "$*" >&2; }

export FLEET_TESTENV_STATE=${FLEET_BENCH_STATE:-${TMPDIR:-/tmp}/kubectl-fleet-bench-health}
TESTENV=$ROOT/tests/testenv/testenv
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

log "building kubectl-fleet-health and kubectl-fleet-tree (release)"
(cd "$ROOT" && cargo build --release --locked --bin kubectl-fleet-health --bin kubectl-fleet-tree)
HEALTH=$TARGET/release/kubectl-fleet-health
TREE=$TARGET/release/kubectl-fleet-tree

paths=$("$TESTENV" paths)
FLUX=${FLEET_BENCH_FLUX:-$(sed -n 's/^flux=//p' <<<"$paths")}
FLUX_OPERATOR=${FLEET_BENCH_FLUX_OPERATOR:-$(sed -n 's/^flux_operator_cli=//p' <<<"$paths")}
KUBECTL=$(sed -n 's/^kubectl=//p' <<<"$paths")
for var in FLUX FLUX_OPERATOR; do
  if [ ! -x "${!var}" ]; then
    echo "note: ${!var} is not built (tests/testenv/testenv build --flux-cli): measuring without it" >&2
    printf -v "$var" '%s' ""
  fi
done

PROXY_PID=
cleanup() {
  if [ -n "$PROXY_PID" ]; then kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null || true; fi
  if [ "$KEEP" = 0 ]; then "$TESTENV" down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

log "starting a private control plane in $FLEET_TESTENV_STATE"
"$TESTENV" up --clusters bench >/dev/null
STATE=$FLEET_TESTENV_STATE
PORT=$(cat "$STATE/clusters/bench/apiserver.port")
PKI=$STATE/pki
AUDIT=$STATE/logs/bench-audit.log
RESULTS=$STATE/health-results.jsonl
: >"$RESULTS"

log "growing the cluster to $OBJECTS objects"
python3 "$TREE_BENCH/fixture.py" --server "127.0.0.1:$PORT" --ca "$PKI/ca.crt" --cert "$PKI/admin.crt" \
  --key "$PKI/admin.key" --objects "$OBJECTS"

p=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
python3 "$TREE_BENCH/proxy.py" --listen "$p" --upstream "127.0.0.1:$PORT" --rtt-ms "$RTT" &
PROXY_PID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
sed "s#https://127.0.0.1:$PORT\$#https://127.0.0.1:$p#" "$STATE/kubeconfig" >"$STATE/kubeconfig-fleet"
kc() { "$KUBECTL" --kubeconfig "$STATE/kubeconfig-fleet" "$@"; }
cluster=$(kc config view -o jsonpath='{.contexts[?(@.name=="bench")].context.cluster}')
user=$(kc config view -o jsonpath='{.contexts[?(@.name=="bench")].context.user}')
IFS=, read -ra COUNTS <<<"$CONTEXTS"
max=0
for n in "${COUNTS[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
for i in $(seq 0 $((max - 1))); do kc config set-context "c$i" --cluster="$cluster" --user="$user" >/dev/null; done
export KUBECONFIG=$STATE/kubeconfig-fleet
SERVER_PIDS=$(awk '$2 ~ /^bench-(apiserver|etcd)$/ {print $1}' "$STATE/pids" | paste -sd,)

measure() { # measure NAME N CMD...
  local name=$1 n=$2
  shift 2
  python3 "$HERE/measure.py" --name "$name" --contexts "$n" --runs "$RUNS" --audit-log "$AUDIT" \
    --server-pids "$SERVER_PIDS,$PROXY_PID" -- "$@" | tee -a "$RESULTS" >&2
}

for n in "${COUNTS[@]}"; do
  ctx_flags=()
  ctx_list=()
  for i in $(seq 0 $((n - 1))); do ctx_flags+=(--context "c$i"); ctx_list+=("c$i"); done
  log "$n context(s), ${RTT} ms RTT, $RUNS runs each (load $(cut -d' ' -f1 /proc/loadavg))"
  measure "fleet health --no-drift" "$n" "$HEALTH" "${ctx_flags[@]}" --no-drift -o json --no-progress
  measure "fleet health (drift)" "$n" "$HEALTH" "${ctx_flags[@]}" -o json --no-progress
  measure "fleet tree" "$n" "$TREE" "${ctx_flags[@]}" -o json --no-progress
  if [ -n "$FLUX" ]; then
    measure "flux get all -A + flux stats -A (loop)" "$n" bash -c \
      'f=$1; shift; for c; do "$f" --context "$c" get all -A >/dev/null 2>&1; "$f" --context "$c" stats -A >/dev/null 2>&1; done; true' \
      _ "$FLUX" "${ctx_list[@]}"
  fi
  if [ -n "$FLUX_OPERATOR" ]; then
    measure "flux-operator get all + stats (loop)" "$n" bash -c \
      'f=$1; shift; for c; do "$f" --kube-context "$c" get all -A >/dev/null 2>&1; "$f" --kube-context "$c" stats >/dev/null 2>&1; done; true' \
      _ "$FLUX_OPERATOR" "${ctx_list[@]}"
  fi
done

python3 - "$RESULTS" "$RTT" "$OBJECTS" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"\nkubectl fleet health benchmark: {sys.argv[3]} objects per cluster, {sys.argv[2]} ms RTT\n")
print("| tool | contexts | wall (s) | vs 1 context | requests/cluster | peak RSS (MB) | vs fleet health "
      "| client CPU (s) | server CPU (s) | machine floor (s) | wall / floor |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
one = {r["name"]: r["seconds"] for r in rows if r["contexts"] == 1}
ours = {r["contexts"]: r["seconds"] for r in rows if r["name"] == "fleet health --no-drift"}
for r in rows:
    base = one.get(r["name"])
    ratio = f'{r["seconds"] / base:.2f}x' if base else "-"
    vs = f'{r["seconds"] / ours[r["contexts"]]:.1f}x' if r["contexts"] in ours else "-"
    req = "-" if r["requests_per_cluster"] is None else f'{r["requests_per_cluster"]:.1f}'
    server = r.get("server_cpu")
    floor = (r["client_cpu"] + (server or 0)) / r["cores"]
    srv = "-" if server is None else f"{server:.2f}"
    print(f'| {r["name"]} | {r["contexts"]} | {r["seconds"]:.2f} | {ratio} | {req} | {r["rss_mb"]:.0f} | {vs} '
          f'| {r["client_cpu"]:.2f} | {srv} | {floor:.2f} | {r["seconds"] / floor:.1f}x |')
most = max(r["contexts"] for r in rows)
print()
for r in rows:
    base = one.get(r["name"])
    if r["contexts"] != most or most == 1 or base is None or r.get("server_cpu") is None:
        continue
    floor = (r["client_cpu"] + r["server_cpu"]) / r["cores"]
    verdict = "met" if r["seconds"] <= 2 * base else "missed"
    print(f'- {r["name"]}: {most} contexts {r["seconds"]:.2f} s against 2x one context = {2 * base:.2f} s '
          f'({verdict}); the machine floor at {most} contexts is {floor:.2f} s '
          f'({r["server_cpu"]:.2f} s apiserver+etcd+proxy CPU + {r["client_cpu"]:.2f} s client CPU on '
          f'{r["cores"]} cores){" — the target is below it" if floor > 2 * base else ""}')
PY
