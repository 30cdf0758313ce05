#!/usr/bin/env bash
# Benchmark of `kubectl fleet tree` against `flux tree ks flux-system` and
# `flux-operator tree ks flux-system` (issue 3). Not a test: it prints a table.
#
#   scripts/bench-tree.sh [--objects 10000] [--big-objects 50000] [--runs 5] [--rtt-ms 20] [--keep]
#
# 1. builds our release binary and finds the flux and flux-operator CLIs built by
#    `tests/testenv/testenv build --flux-cli` (or $FLEET_BENCH_FLUX / $FLEET_BENCH_FLUX_OPERATOR);
#    a missing peer is reported and left out, our own numbers are still measured;
# 2. starts a private one-cluster control plane (`bench`) with `tests/testenv/testenv up`;
# 3. creates the synthetic tree (scripts/bench-tree/fixture.py): 201 Kustomizations in 3 levels,
#    30 HelmReleases, --objects real objects over 10 kinds;
# 4. starts a latency proxy (scripts/bench-tree/proxy.py, --rtt-ms added round trip) and runs every
#    tool --runs times at loopback and through the proxy (scripts/bench-tree/measure.py), counting
#    API requests in the apiserver audit log;
# 5. grows the tree to --big-objects and measures our tree again (time, requests, peak RSS);
# 6. stops everything it started (unless --keep).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/scripts/bench-tree
OBJECTS=10000 BIG=50000 RUNS=5 RTT=20 KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --objects) OBJECTS=$2; shift ;;
    --big-objects) BIG=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --rtt-ms) RTT=$2; shift ;;
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '\n==> %s\n' "$*" >&2; }

export FLEET_TESTENV_STATE=${FLEET_BENCH_STATE:-${TMPDIR:-/tmp}/kubectl-fleet-bench-tree}
TESTENV=$ROOT/tests/testenv/testenv

log "building kubectl-fleet-tree (release)"
(cd "$ROOT" && cargo build --release --locked --bin kubectl-fleet-tree)
FLEET=${CARGO_TARGET_DIR:-$ROOT/target}/release/kubectl-fleet-tree

paths=$("$TESTENV" paths)
FLUX=${FLEET_BENCH_FLUX:-$(sed -n 's/^flux=//p' <<<"$paths")}
FLUX_OPERATOR=${FLEET_BENCH_FLUX_OPERATOR:-$(sed -n 's/^flux_operator_cli=//p' <<<"$paths")}
for var in FLUX FLUX_OPERATOR; do
  if [ ! -x "${!var}" ]; then
    echo "note: ${!var} is not built (tests/testenv/testenv build --flux-cli): measuring without it" >&2
    printf -v "$var" '%s' ""
  fi
done

PROXY_PID=""
cleanup() {
  [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null || true
  if [ "$KEEP" = 0 ]; then "$TESTENV" down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

log "starting a private control plane in $FLEET_TESTENV_STATE"
"$TESTENV" up --clusters bench >/dev/null
STATE=$FLEET_TESTENV_STATE
PORT=$(cat "$STATE/clusters/bench/apiserver.port")
PKI=$STATE/pki
fixture() {
  python3 "$HERE/fixture.py" --server "127.0.0.1:$PORT" --ca "$PKI/ca.crt" --cert "$PKI/admin.crt" \
    --key "$PKI/admin.key" --objects "$1"
}

log "creating the synthetic Flux tree ($OBJECTS objects)"
fixture "$OBJECTS"

PROXY_PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
python3 "$HERE/proxy.py" --listen "$PROXY_PORT" --upstream "127.0.0.1:$PORT" --rtt-ms "$RTT" &
PROXY_PID=$!
sed "s#https://127.0.0.1:$PORT\$#https://127.0.0.1:$PROXY_PORT#" "$STATE/kubeconfig" >"$STATE/kubeconfig-proxy"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null && break; sleep 0.1; done

measure() { # title extra-args...
  local title=$1; shift
  python3 "$HERE/measure.py" --fleet "$FLEET" --kubeconfig "$STATE/kubeconfig" \
    --proxy-kubeconfig "$STATE/kubeconfig-proxy" --rtt-ms "$RTT" --context bench \
    --audit-log "$STATE/logs/bench-audit.log" --runs "$RUNS" --title "$title" "$@"
}

log "measuring at $OBJECTS objects (loopback and $RTT ms RTT, $RUNS runs each)"
measure "201 Kustomizations, 30 HelmReleases, $OBJECTS objects over 10 kinds" \
  --flux "$FLUX" --flux-operator "$FLUX_OPERATOR"

if [ "$BIG" -gt "$OBJECTS" ]; then
  log "growing the tree to $BIG objects"
  fixture "$BIG"
  log "measuring our tree at $BIG objects"
  measure "201 Kustomizations, 30 HelmReleases, $BIG objects over 10 kinds (ours only)"
fi
