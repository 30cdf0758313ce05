#!/usr/bin/env bash
# Benchmark of `kubectl fleet tree` against `flux tree` and `flux-operator tree`, side by side in
# one run. Not a test: it prints one Markdown table.
#
#   scripts/bench-tree.sh [--sizes 1000,10000,50000,100000] [--runs 11] [--rtt 20,100] [--quick] [--no-fleet]
#                         [--fleet-size 10000] [--keep]
#
#   --quick        development mode: sizes 1000,10000, 3 runs, RTT 20 ms, no fleet view
#   --fleet-size   objects per cluster of the fleet view (a smaller one checks the script quickly)
#
# 1. builds our release binary and finds the flux and flux-operator CLIs built by
#    `tests/testenv/testenv build --flux-cli` (or $FLEET_BENCH_FLUX / $FLEET_BENCH_FLUX_OPERATOR);
#    a missing peer is reported and left out, our own numbers are still measured;
# 2. starts a private one-cluster control plane (`bench`) with `tests/testenv/testenv up`, and one
#    latency proxy per RTT (scripts/bench-tree/proxy.py: RTT/2 each way, one RTT per new
#    connection);
# 3. for each size, grows the synthetic cluster (scripts/bench-tree/fixture.py: half of the objects
#    in the tree, custom resource kinds, a ResourceSet, a FluxInstance, realistic status) and runs
#    every tool on three roots — the whole cluster (ks/flux-system), a ~300-node subtree
#    (ks/team-a), one HelmRelease (hr/hr00) — at loopback and each RTT, --runs times each after a
#    warm-up (scripts/bench-tree/measure.py), with requests counted in the apiserver audit log
#    and the CPU each run caused in the apiserver, etcd and proxies (their idle rate subtracted;
#    with the client's, over the cores, the "CPU floor" no run on this machine can beat); ours
#    keeps its plan memory (src/tree/memory.rs) in a directory of its own per size, and the
#    subtree is also measured as a first run (empty memory every run);
# 4. measures the fleet view: 6 clusters (six more control planes, started after the single-cluster
#    runs, each grown to --fleet-size objects, each behind its own 20 ms proxy) against one of them,
#    with the CPU the control planes and proxies spend meanwhile: they share this machine's cores
#    with the client, so (client + server CPU) / cores is the floor a run cannot beat here;
# 5. prints the table (results also in $FLEET_BENCH_STATE/results.jsonl) and stops everything it
#    started (unless --keep).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/scripts/bench-tree
SIZES=1000,10000,50000,100000 RUNS=11 RTTS=20,100 KEEP=0 FLEET=1 FLEET_SIZE=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --rtt) RTTS=$2; shift ;;
    --quick) SIZES=1000,10000 RUNS=3 RTTS=20 FLEET=0 ;;
    --no-fleet) FLEET=0 ;;
    --fleet-size) FLEET_SIZE=$2; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '\n==> %s\n' "$*" >&2; }

export FLEET_TESTENV_STATE=${FLEET_BENCH_STATE:-${TMPDIR:-/tmp}/kubectl-fleet-bench-tree}
TESTENV=$ROOT/tests/testenv/testenv

log "building kubectl-fleet-tree (release)"
(cd "$ROOT" && cargo build --release --locked --bin kubectl-fleet-tree)
FLEET_BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/kubectl-fleet-tree

paths=$("$TESTENV" paths)
FLUX=${FLEET_BENCH_FLUX:-$(sed -n 's/^flux=//p' <<<"$paths")}
FLUX_OPERATOR=${FLEET_BENCH_FLUX_OPERATOR:-$(sed -n 's/^flux_operator_cli=//p' <<<"$paths")}
for var in FLUX FLUX_OPERATOR; do
  if [ ! -x "${!var}" ]; then
    echo "note: ${!var} is not built (tests/testenv/testenv build --flux-cli): measuring without it" >&2
    printf -v "$var" '%s' ""
  fi
done

PROXY_PIDS=()
cleanup() {
  for pid in "${PROXY_PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  if [ "$KEEP" = 0 ]; then
    "$TESTENV" down >/dev/null 2>&1 || true
    FLEET_TESTENV_STATE=$FLEET_TESTENV_STATE-fleet "$TESTENV" down >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

log "starting a private control plane in $FLEET_TESTENV_STATE"
"$TESTENV" up --clusters bench >/dev/null
STATE=$FLEET_TESTENV_STATE
PORT=$(cat "$STATE/clusters/bench/apiserver.port")
PKI=$STATE/pki
RESULTS=$STATE/results.jsonl
: >"$RESULTS"

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
PROXY_ARGS=()
IFS=, read -ra RTT_LIST <<<"$RTTS"
for rtt in "${RTT_LIST[@]}"; do
  p=$(free_port)
  python3 "$HERE/proxy.py" --listen "$p" --upstream "127.0.0.1:$PORT" --rtt-ms "$rtt" &
  PROXY_PIDS+=($!)
  sed "s#https://127.0.0.1:$PORT\$#https://127.0.0.1:$p#" "$STATE/kubeconfig" >"$STATE/kubeconfig-$rtt"
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
  PROXY_ARGS+=(--rtt-ms "$rtt" --proxy-kubeconfig "$STATE/kubeconfig-$rtt")
done

IFS=, read -ra SIZE_LIST <<<"$SIZES"
for size in "${SIZE_LIST[@]}"; do
  log "growing the cluster to $size objects"
  python3 "$HERE/fixture.py" --server "127.0.0.1:$PORT" --ca "$PKI/ca.crt" --cert "$PKI/admin.crt" \
    --key "$PKI/admin.key" --objects "$size"
  log "measuring at $size objects (loopback and ${RTTS} ms RTT, $RUNS runs each; load $(cut -d' ' -f1 /proc/loadavg))"
  python3 "$HERE/measure.py" --fleet "$FLEET_BIN" --flux "$FLUX" --flux-operator "$FLUX_OPERATOR" \
    --kubeconfig "$STATE/kubeconfig" "${PROXY_ARGS[@]}" --context bench \
    --audit-log "$STATE/logs/bench-audit.log" --runs "$RUNS" --objects "$size" --out "$RESULTS" \
    --server-pids "$(awk '{print $1}' "$STATE/pids" | paste -sd,),$(IFS=,; echo "${PROXY_PIDS[*]}")"
done

if [ "$FLEET" = 1 ]; then
  # The fleet view: six clusters, each its own control plane behind its own 20 ms proxy, grown to
  # --fleet-size objects, against one of them alone. Started after the single-cluster runs, so
  # the five extra apiservers do not share the machine with them.
  log "fleet view: starting six control planes"
  FLEET_STATE=$STATE-fleet
  names=(c0 c1 c2 c3 c4 c5)
  FLEET_TESTENV_STATE=$FLEET_STATE "$TESTENV" up --clusters "$(IFS=,; echo "${names[*]}")" >/dev/null
  fixtures=()
  for name in "${names[@]}"; do
    python3 "$HERE/fixture.py" --server "127.0.0.1:$(cat "$FLEET_STATE/clusters/$name/apiserver.port")" \
      --ca "$FLEET_STATE/pki/ca.crt" --cert "$FLEET_STATE/pki/admin.crt" --key "$FLEET_STATE/pki/admin.key" \
      --objects "$FLEET_SIZE" >/dev/null &
    fixtures+=($!)
  done
  for pid in "${fixtures[@]}"; do wait "$pid"; done
  cp "$FLEET_STATE/kubeconfig" "$STATE/kubeconfig-fleet"
  for name in "${names[@]}"; do
    upstream=$(cat "$FLEET_STATE/clusters/$name/apiserver.port")
    p=$(free_port)
    python3 "$HERE/proxy.py" --listen "$p" --upstream "127.0.0.1:$upstream" --rtt-ms 20 &
    PROXY_PIDS+=($!)
    sed -i "s#https://127.0.0.1:$upstream\$#https://127.0.0.1:$p#" "$STATE/kubeconfig-fleet"
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
  done
  log "fleet view: 6 clusters against 1, 20 ms RTT (load $(cut -d' ' -f1 /proc/loadavg))"
  server_pids=$(awk '{print $1}' "$FLEET_STATE/pids" | paste -sd,),$(IFS=,; echo "${PROXY_PIDS[*]}")
  python3 "$HERE/measure.py" --fleet "$FLEET_BIN" --fleet-kubeconfig "$STATE/kubeconfig-fleet" \
    --rtt-ms 20 --runs "$RUNS" --objects "$FLEET_SIZE" --out "$RESULTS" --server-pids "$server_pids"
fi

python3 "$HERE/measure.py" --table "$RESULTS"
