#!/usr/bin/env bash
# Release packaging for the `fleet` krew plugin.
#
#   scripts/release.sh build [--version vX.Y.Z] [--target TRIPLE] [--bin-dir DIR] [--out DIR]
#       Builds optimised, stripped release binaries (profile.release: opt-level 3, LTO, one
#       codegen unit, strip) for TRIPLE (default: the host) and packages
#       OUT/kubectl-fleet_<version>_<os>_<arch>.tar.gz with every binary, LICENSE, README.md and
#       completions/, plus a .sha256 file. --bin-dir packages already built binaries instead.
#   scripts/release.sh manifest [--version vX.Y.Z] [--out DIR] [--partial]
#       Renders krew-manifest.yaml into OUT/fleet.yaml, filling the version, and each platform's
#       sha256 from OUT/*.sha256. Without --partial every platform must have been built (the CI
#       release workflow builds them all); --partial keeps only the platforms built here.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BINS=(kubectl-fleet kubectl-fleet-bootstrap kubectl-fleet-health kubectl-fleet-reconcile kubectl-fleet-resume kubectl-fleet-secret kubectl-fleet-suspend kubectl-fleet-tenant kubectl-fleet-token kubectl-fleet-tree)
die() { echo "release: error: $*" >&2; exit 2; }

cmd=${1:-}; [ $# -gt 0 ] && shift
VERSION="v$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
TARGET="" BIN_DIR="" OUT="dist" PARTIAL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --version) VERSION=${2:?}; shift ;;
    --target) TARGET=${2:?}; shift ;;
    --bin-dir) BIN_DIR=${2:?}; shift ;;
    --out) OUT=${2:?}; shift ;;
    --partial) PARTIAL=1 ;;
    *) die "unknown option '$1'" ;;
  esac
  shift
done
[[ "$VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "version '$VERSION' is not semver with a leading v"
mkdir -p "$OUT"

# Go-style os/arch of a Rust target triple (krew selectors use Go's names).
platform_of() {
  local t=$1 os arch
  case "$t" in
    *-linux-*) os=linux ;; *-apple-darwin) os=darwin ;; *-windows-*) os=windows ;;
    *) die "unsupported target '$t'" ;;
  esac
  case "$t" in
    x86_64-*) arch=amd64 ;; aarch64-*) arch=arm64 ;;
    *) die "unsupported architecture in '$t'" ;;
  esac
  echo "${os}_${arch}"
}

build() {
  local host target platform exe="" dir stage archive
  host=$(rustc -vV | sed -n 's/^host: //p')
  target=${TARGET:-$host}
  platform=$(platform_of "$target")
  case "$platform" in windows_*) exe=".exe" ;; esac
  if [ -z "$BIN_DIR" ]; then
    if [ "$target" = "$host" ]; then
      cargo build --release --locked --bins
      dir=${CARGO_TARGET_DIR:-target}/release
    else
      cargo build --release --locked --bins --target "$target"
      dir=${CARGO_TARGET_DIR:-target}/$target/release
    fi
  else
    dir=$BIN_DIR
  fi
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  local name=kubectl-fleet_${VERSION}_${platform}
  mkdir -p "$stage/$name"
  for b in "${BINS[@]}"; do
    [ -f "$dir/$b$exe" ] || die "missing binary $dir/$b$exe"
    cp "$dir/$b$exe" "$stage/$name/"
  done
  cp LICENSE README.md "$stage/$name/"
  cp -r completions "$stage/$name/completions"
  archive=$OUT/$name.tar.gz
  # Python's tarfile is the same on Linux, macOS and Windows runners (GNU tar, BSD tar and
  # sha256sum/shasum differ). Entries are sorted with fixed owner and mtime, regular files and
  # directories only: krew's extractor rejects symlinks.
  STAGE="$stage/$name" ARCHIVE="$archive" python3 - <<'PY'
import hashlib, os, tarfile
stage, archive = os.environ["STAGE"], os.environ["ARCHIVE"]
def norm(info):
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 1767225600  # 2026-01-01T00:00:00Z
    info.mode = 0o755 if info.isdir() or os.access(os.path.join(stage, info.name), os.X_OK) else 0o644
    return info
with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
    for root, dirs, files in os.walk(stage):
        dirs.sort()
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(root, name)
            tar.add(path, arcname=os.path.relpath(path, stage), recursive=False, filter=norm)
digest = hashlib.sha256(open(archive, "rb").read()).hexdigest()
open(archive + ".sha256", "w").write(f"{digest}  {os.path.basename(archive)}\n")
PY
  echo "built $archive" >&2
  echo "binary sizes ($platform):" >&2
  for b in "${BINS[@]}"; do
    printf '  %-26s %8s KiB\n' "$b$exe" $(( $(wc -c <"$dir/$b$exe") / 1024 )) >&2
  done
  printf '  %-26s %8s KiB\n' "archive" $(( $(wc -c <"$archive") / 1024 )) >&2
}

manifest() {
  VERSION="$VERSION" OUT="$OUT" PARTIAL="$PARTIAL" python3 - <<'PY'
import os, re, sys, glob
version, out, partial = os.environ["VERSION"], os.environ["OUT"], os.environ["PARTIAL"] == "1"
text = open("krew-manifest.yaml").read()
sums = {}
for f in glob.glob(os.path.join(out, f"kubectl-fleet_{version}_*.tar.gz.sha256")):
    digest, name = open(f).read().split()
    platform = name[len(f"kubectl-fleet_{version}_"):-len(".tar.gz")]
    if not re.fullmatch(r"[a-f0-9]{64}", digest):
        sys.exit(f"release: error: bad sha256 in {f}")
    sums[platform] = digest
head, sep, rest = text.partition("  platforms:\n")
blocks = re.split(r"(?m)^(?=  - selector:)", rest)
kept = []
for block in blocks:
    if not block.strip():
        continue
    m = re.search(r"\{\{SHA256_(\w+)\}\}", block)
    platform = m.group(1)
    if platform not in sums:
        if partial:
            continue
        sys.exit(f"release: error: no archive for {platform} in {out} (build it, or pass --partial)")
    kept.append(block.replace("{{SHA256_%s}}" % platform, sums[platform]))
if not kept:
    sys.exit(f"release: error: no archives for {version} in {out}")
rendered = (head + sep + "".join(kept)).replace("{{VERSION}}", version)
# Drop the template's leading comment: the rendered file is what krew-index receives.
rendered = re.sub(r"\A(#.*\n)+", "", rendered)
path = os.path.join(out, "fleet.yaml")
open(path, "w").write(rendered)
print(f"wrote {path} ({len(kept)} platform(s))", file=sys.stderr)
PY
}

case "$cmd" in
  build) build ;;
  manifest) manifest ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
