# Sourced by scripts/test.sh and scripts/demo.sh: installs the Debian packages the test environment,
# the keyring tier and the shell tier (tmux driving real bash with bash-completion, zsh and fish)
# need when they are missing, and checks the toolchains.
need_pkgs=()
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v git >/dev/null || need_pkgs+=(git)
command -v curl >/dev/null || need_pkgs+=(curl)
command -v flock >/dev/null || need_pkgs+=(util-linux)
command -v dbus-run-session >/dev/null || need_pkgs+=(dbus)
command -v gnome-keyring-daemon >/dev/null || need_pkgs+=(gnome-keyring)
# gpg and gpg-agent: sops encrypts to and decrypts with PGP keys through the gpg binary, and
# kustomize-controller imports the `sops-gpg` Secret's keys with it.
{ command -v gpg >/dev/null && command -v gpg-agent >/dev/null; } || need_pkgs+=(gnupg)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_pkgs+=(python3-venv)
command -v tmux >/dev/null || need_pkgs+=(tmux)
[ -f /usr/share/bash-completion/bash_completion ] || need_pkgs+=(bash-completion)
command -v zsh >/dev/null || need_pkgs+=(zsh)
command -v fish >/dev/null || need_pkgs+=(fish)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing: ${need_pkgs[*]}" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "error: cargo is required (install Rust with rustup)" >&2; exit 2; }
command -v go >/dev/null || { echo "error: Go >= 1.26 is required to build the local control plane" >&2; exit 2; }
