#!/usr/bin/env bash
# Latency of `kubectl fleet <TAB>` completion (no cluster involved), for both install layouts:
#   krew:   only kubectl-fleet on PATH (a link into a store directory), helpers from
#           `kubectl fleet completion install`;
#   source: every kubectl-fleet-* on PATH, so kubectl calls kubectl_complete-fleet-tree itself.
# For each: the helper alone (what kubectl runs) and the whole `kubectl __complete fleet …` round
# trip; and, measured in the same run, the same round trip of the flux and flux-operator CLIs
# (`flux __complete tree kustomization --comp`), with our ratio to them. Not a test: it prints.
#   scripts/bench-completion.sh [BIN_DIR] [RUNS]
# BIN_DIR defaults to target/release (built if missing; CARGO_TARGET_DIR is honoured), RUNS to 100.
# kubectl is $FLEET_TEST_KUBECTL, else the one on PATH; flux and flux-operator are those of
# `tests/testenv/testenv paths` (or $FLEET_BENCH_FLUX / $FLEET_BENCH_FLUX_OPERATOR), left out if
# not built. Prints median and p90 in milliseconds.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN_DIR=${1:-$TARGET/release}
RUNS=${2:-100}
if [ ! -x "$BIN_DIR/kubectl-fleet" ]; then
  (cd "$ROOT" && cargo build --release --locked --bins)
fi
BINS=$(sed -n 's/^name = "\(kubectl-fleet[a-z-]*\)"$/\1/p' "$ROOT/Cargo.toml" | sort -u)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/krew/bin" "$work/krew/store" "$work/source"
for b in $BINS; do
  cp "$BIN_DIR/$b" "$work/krew/store/"
  cp "$BIN_DIR/$b" "$work/source/"
done
ln -s "$work/krew/store/kubectl-fleet" "$work/krew/bin/kubectl-fleet"
PATH="$work/krew/bin:$PATH" "$work/krew/bin/kubectl-fleet" completion install >/dev/null 2>&1
PATH="$work/source:$PATH" "$work/source/kubectl-fleet" completion install >/dev/null 2>&1
KUBECTL=${FLEET_TEST_KUBECTL:-$(command -v kubectl || true)}
paths=$("$ROOT/tests/testenv/testenv" paths 2>/dev/null || true)
FLUX=${FLEET_BENCH_FLUX:-$(sed -n 's/^flux=//p' <<<"$paths")}
FLUX_OPERATOR=${FLEET_BENCH_FLUX_OPERATOR:-$(sed -n 's/^flux_operator_cli=//p' <<<"$paths")}
for var in FLUX FLUX_OPERATOR; do
  if [ -n "${!var}" ] && [ ! -x "${!var}" ]; then
    echo "note: ${!var} is not built (tests/testenv/testenv build --flux-cli): measuring without it" >&2
    printf -v "$var" '%s' ""
  fi
done
WORK="$work" RUNS="$RUNS" KUBECTL="$KUBECTL" FLUX="$FLUX" FLUX_OPERATOR="$FLUX_OPERATOR" python3 - <<'PY'
import os, statistics, subprocess, time
work, runs = os.environ["WORK"], int(os.environ["RUNS"])
kubectl, flux, flux_operator = (os.environ[k] for k in ("KUBECTL", "FLUX", "FLUX_OPERATOR"))
kubectl_dir = os.path.dirname(kubectl) if kubectl else ""
def env(layout):
    return dict(os.environ, PATH=f"{work}/{layout}:{kubectl_dir}:/usr/bin:/bin")
def bench(label, argv, layout, expect=b"--compact"):
    samples = []
    for i in range(runs + 5):
        t = time.perf_counter()
        out = subprocess.run(argv, env=env(layout), capture_output=True, check=True).stdout
        if i >= 5:  # warm-up runs are not counted
            samples.append((time.perf_counter() - t) * 1000)
    assert expect in out, (label, out)
    samples.sort()
    median = statistics.median(samples)
    print(f"{label:<58} median {median:6.2f} ms   p90 {samples[int(len(samples)*0.9)]:6.2f} ms   (n={runs})")
    return median
krew, source = "krew/bin", "source"
bench("krew:   kubectl_complete-fleet '' (first word)", [f"{work}/krew/bin/kubectl_complete-fleet", ""], krew, b"tree\t")
bench("krew:   kubectl_complete-fleet tree --comp", [f"{work}/krew/bin/kubectl_complete-fleet", "tree", "--comp"], krew)
bench("source: kubectl_complete-fleet '' (first word, PATH scan)", [f"{work}/source/kubectl_complete-fleet", ""], source, b"help\t")
bench("source: kubectl_complete-fleet-tree --comp", [f"{work}/source/kubectl_complete-fleet-tree", "--comp"], source)
ours = {}
if kubectl:
    ours["krew"] = bench("krew:   kubectl __complete fleet tree --comp (whole)", [kubectl, "__complete", "fleet", "tree", "--comp"], krew)
    ours["source"] = bench("source: kubectl __complete fleet tree --comp (whole)", [kubectl, "__complete", "fleet", "tree", "--comp"], source)
peers = {}
if flux:
    peers["flux"] = bench("flux __complete tree kustomization --comp", [flux, "__complete", "tree", "kustomization", "--comp"], krew)
if flux_operator:
    peers["flux-operator"] = bench("flux-operator __complete tree ks --comp", [flux_operator, "__complete", "tree", "ks", "--comp"], krew, b"--")
for layout, mine in ours.items():
    for peer, theirs in peers.items():
        print(f"ratio {layout} kubectl fleet / {peer}: {mine / theirs:.2f}x")
PY
