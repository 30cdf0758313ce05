#!/usr/bin/env bash
# The one command that runs every test tier on a fresh machine:
#   bash scripts/test.sh
# It installs what is missing (Debian packages, Rust components), builds the control plane from Go
# modules (cached under ~/.cache by version), checks formatting and lints, starts a local fleet of
# three real kube-apiservers on 127.0.0.1, runs the unit, CLI, real-apiserver, shell and keyring tiers,
# and tears the environment down even on failure. It prints how long each phase took.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

declare -a PHASES=()
phase_start=0
phase() { # phase NAME: ends the previous phase and starts a new one
  local now
  now=$(date +%s)
  if [ -n "${current_phase:-}" ]; then PHASES+=("$(printf '%-28s %5ss' "$current_phase" $((now - phase_start)))"); fi
  current_phase=$1
  phase_start=$now
  [ -n "$1" ] && printf '\n==> %s\n' "$1" >&2
  return 0
}
summary() {
  phase ""
  printf '\nPhase durations:\n' >&2
  printf '  %s\n' "${PHASES[@]}" >&2
  printf '  %-28s %5ss\n' "total" $(($(date +%s) - script_start)) >&2
}
script_start=$(date +%s)

phase "install system packages"
. scripts/prereqs.sh
if command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

phase "build control plane, Flux, krew and sops (Go)"
# etcd + kube-apiserver always; the flux CLI (tree peer check), krew (manifest install test),
# sops and age (secret tests).
tests/testenv/testenv build --krew --flux-cli --flux --sops ${FLEET_TEST_BUILD_FLAGS:-}
paths=$(tests/testenv/testenv paths)
path_of() { sed -n "s/^$1=//p" <<<"$paths"; }
export FLEET_TEST_KREW FLEET_TEST_KREW_VALIDATOR FLEET_TEST_FLUX FLEET_TEST_FLUX_OPERATOR FLEET_TEST_SOPS FLEET_TEST_AGE_KEYGEN
FLEET_TEST_KREW=$(path_of krew)
FLEET_TEST_KREW_VALIDATOR=$(path_of validate_krew_manifest)
FLEET_TEST_FLUX=$(path_of flux)
FLEET_TEST_FLUX_OPERATOR=$(path_of flux_operator_cli)
FLEET_TEST_SOPS=$(path_of sops)
FLEET_TEST_AGE_KEYGEN=$(path_of age_keygen)

phase "cargo fmt --check"
cargo fmt --all -- --check

phase "cargo clippy"
cargo clippy --all-targets --locked -- -D warnings

phase "cargo build (tests)"
cargo build --all-targets --locked
cargo test --no-run --locked >/dev/null 2>&1 || cargo test --no-run --locked

phase "unit tests"
cargo test --locked --lib --bins

phase "start local fleet"
# A private state directory, so a developer's running environment is never touched.
export FLEET_TESTENV_STATE
FLEET_TESTENV_STATE=$(mktemp -d "${TMPDIR:-/tmp}/kubectl-fleet-ci.XXXXXX")
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && [ -d "$FLEET_TESTENV_STATE/logs" ]; then
    echo "==> component logs (tails) after failure" >&2
    LINES_PER_LOG=20 tests/testenv/testenv logs >&2 || true
  fi
  tests/testenv/testenv down >/dev/null 2>&1 || true
  if [ -n "${E2E_STATE:-}" ]; then
    if [ "$rc" != 0 ] && [ -d "$E2E_STATE/logs" ]; then
      echo "==> e2e component logs (tails) after failure" >&2
      FLEET_TESTENV_STATE=$E2E_STATE LINES_PER_LOG=20 tests/testenv/testenv logs >&2 || true
    fi
    FLEET_TESTENV_STATE=$E2E_STATE tests/testenv/testenv down >/dev/null 2>&1 || true
  fi
  summary
  exit "$rc"
}
trap cleanup EXIT
eval "$(tests/testenv/testenv up --clusters staging,prod-eu,prod-us)"
echo "3 clusters started in $(cat "$FLEET_TESTENV_STATE/startup-seconds")s" >&2

phase "integration tests (real apiservers)"
cargo test --locked --test it

phase "shell tests (real bash, zsh, fish)"
# `kubectl fleet <TAB>` typed into real shells in tmux, for a source install and a krew install
# before and after `kubectl krew upgrade fleet`; `-n <TAB>` lists the local clusters' namespaces.
cargo test --locked --test shell

if [ -f tests/keyring/main.rs ]; then
  phase "keyring tests (real Secret Service)"
  # A private keyring directory: an existing login keyring with another password would prompt.
  XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- bash -c 'echo -n fleet-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; cargo test --locked --test keyring -- --test-threads=1'
fi

if [ -f tests/e2e/main.rs ]; then
  phase "end-to-end tests (real Flux)"
  # A second environment of its own: two clusters with the real flux-operator, source-controller,
  # kustomize-controller and kube-controller-manager, and the git server; torn down by the trap.
  E2E_STATE=$(mktemp -d "${TMPDIR:-/tmp}/kubectl-fleet-e2e.XXXXXX")
  e2e_env=$(FLEET_TESTENV_STATE=$E2E_STATE tests/testenv/testenv up --clusters staging,production --flux)
  (
    eval "$e2e_env"
    export FLEET_TESTENV_STATE=$E2E_STATE
    XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- bash -c 'echo -n fleet-e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; cargo test --locked --test e2e -- --test-threads=1'
  )
fi
