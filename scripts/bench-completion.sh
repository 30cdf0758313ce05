#!/usr/bin/env bash
# Latency of `kubectl fleet` completion for a flag (no network): the kubectl_complete-fleet helper
# alone (what kubectl runs), and the whole `kubectl __complete fleet …` round trip for reference.
#   scripts/bench-completion.sh [BIN_DIR] [RUNS]
# BIN_DIR defaults to target/release (built if missing), RUNS to 200. Prints median and p90.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN_DIR=${1:-$ROOT/target/release}
RUNS=${2:-200}
if [ ! -x "$BIN_DIR/kubectl-fleet" ]; then
  (cd "$ROOT" && cargo build --release --locked --bins)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/store"
for b in kubectl-fleet kubectl-fleet-bootstrap kubectl-fleet-tenant kubectl-fleet-token kubectl-fleet-tree; do
  cp "$BIN_DIR/$b" "$work/store/"
done
ln -s "$work/store/kubectl-fleet" "$work/bin/kubectl-fleet"
PATH="$work/bin:$PATH" "$work/bin/kubectl-fleet" completion install >/dev/null 2>&1
KUBECTL=${FLEET_TEST_KUBECTL:-$(command -v kubectl || true)}
WORK="$work" RUNS="$RUNS" KUBECTL="$KUBECTL" python3 - <<'PY'
import os, statistics, subprocess, time
work, runs, kubectl = os.environ["WORK"], int(os.environ["RUNS"]), os.environ["KUBECTL"]
env = dict(os.environ, PATH=f"{work}/bin:{os.path.dirname(kubectl) if kubectl else ''}:/usr/bin:/bin")
def bench(label, argv):
    samples = []
    for i in range(runs + 5):
        t = time.perf_counter()
        out = subprocess.run(argv, env=env, capture_output=True, check=True).stdout
        if i >= 5:  # warm-up runs are not counted
            samples.append((time.perf_counter() - t) * 1000)
    assert b"--compact" in out, out
    samples.sort()
    print(f"{label:<52} median {statistics.median(samples):6.2f} ms   p90 {samples[int(len(samples)*0.9)]:6.2f} ms   (n={runs})")
bench("kubectl_complete-fleet tree --comp (helper)", [f"{work}/bin/kubectl_complete-fleet", "tree", "--comp"])
if kubectl:
    bench("kubectl __complete fleet tree --comp (whole)", [kubectl, "__complete", "fleet", "tree", "--comp"])
PY
