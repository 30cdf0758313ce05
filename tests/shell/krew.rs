//! A krew install of the `fleet` plugin from a local index, and its upgrade, with the real krew.
//!
//! The index is a local git repository (`KREW_DEFAULT_INDEX_URI`) holding the manifest rendered
//! by `scripts/release.sh manifest`; the archives are served over HTTP on 127.0.0.1 by Python's
//! `http.server`, so `kubectl krew install fleet` and `kubectl krew upgrade fleet` download,
//! verify and unpack them exactly as from a release page.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
};

use crate::common::{Cmd, Run, bin, env};

/// The Go-style platform of this machine, as in the release archive names.
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_ok(run: Run, what: &str) -> Run {
    assert_eq!(run.code, 0, "{what}: {run:?}");
    run
}

/// A temporary KREW_ROOT, its index and a file server for the archives.
pub struct Krew {
    _work: tempfile::TempDir,
    pub root: PathBuf,
    tools: PathBuf,
    index: PathBuf,
    dist: PathBuf,
    server: Child,
    port: u16,
}

impl Krew {
    /// krew and kubectl (as `kubectl-krew` and `kubectl`) in a tools directory, an empty index
    /// and the file server.
    pub fn new() -> Krew {
        let krew = std::env::var("FLEET_TEST_KREW").unwrap_or_else(|_| {
            panic!("FLEET_TEST_KREW is not set: build krew with `tests/testenv/testenv build --krew` (scripts/test.sh does)")
        });
        let work = tempfile::tempdir().expect("temp dir");
        let tools = work.path().join("tools");
        let index = work.path().join("index");
        let dist = work.path().join("dist");
        for dir in [&tools, &index.join("plugins"), &dist] {
            std::fs::create_dir_all(dir).expect("mkdir");
        }
        std::os::unix::fs::symlink(&krew, tools.join("kubectl-krew")).expect("link krew");
        std::os::unix::fs::symlink(&env().kubectl, tools.join("kubectl")).expect("link kubectl");
        run_ok(
            Cmd::program("git")
                .args(["init", "-q", "-b", "master"])
                .current_dir(&index)
                .run(),
            "git init",
        );
        let mut server = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(&dist)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 http.server starts");
        let mut first = String::new();
        BufReader::new(server.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("server says where it listens");
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let port = first
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected http.server banner: {first:?}"));
        Krew {
            root: work.path().join("krew"),
            _work: work,
            tools,
            index,
            dist,
            server,
            port,
        }
    }

    /// PATH for a user of this krew: its bin directory, then kubectl and krew, then the system.
    pub fn path(&self) -> String {
        format!(
            "{}:{}:/usr/bin:/bin",
            self.root.join("bin").display(),
            self.tools.display()
        )
    }

    /// The environment krew needs, besides PATH.
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("KREW_ROOT", self.root.display().to_string()),
            ("KREW_NO_UPGRADE_CHECK", "1".into()),
            ("KREW_DEFAULT_INDEX_URI", self.index.display().to_string()),
        ]
    }

    /// `kubectl ARGS…` as a user of this krew.
    pub fn kubectl(&self, args: &[&str]) -> Run {
        let mut cmd = Cmd::program(self.tools.join("kubectl"))
            .args(args)
            .env("PATH", self.path());
        for (k, v) in self.vars() {
            cmd = cmd.env(k, v);
        }
        cmd.run()
    }

    /// Publishes `version` in the index: an archive of the built binaries (the release layout:
    /// every binary and LICENSE at the top, regular files only), served by the file server, and
    /// the manifest `scripts/release.sh manifest` renders for it.
    pub fn publish(&self, version: &str) {
        let name = format!("kubectl-fleet_{version}_{}", platform());
        let archive = self.dist.join(format!("{name}.tar.gz"));
        let stage = self.dist.join(&name);
        std::fs::create_dir_all(&stage).expect("stage");
        let mut files = vec!["LICENSE".to_string()];
        std::fs::copy(repo().join("LICENSE"), stage.join("LICENSE")).expect("license");
        for b in fleet::cli::registry::binary_names() {
            std::fs::copy(bin(&b), stage.join(&b)).expect("copy binary");
            files.push(b);
        }
        // The test build's binaries are large: strip them as a release build is (when binutils'
        // strip is there) and compress fast; neither the size nor the level is under test here.
        let packed = Cmd::program("sh")
            .args([
                "-c",
                "set -e; stage=$1; archive=$2; shift 2; \
                 if command -v strip >/dev/null; then (cd \"$stage\" && strip kubectl-fleet*); fi; \
                 tar -C \"$stage\" -cf - \"$@\" | gzip -1 > \"$archive\"; \
                 sha256sum \"$archive\" | sed 's#  .*/#  #' > \"$archive.sha256\"",
                "pack",
            ])
            .args([stage.as_os_str(), archive.as_os_str()])
            .args(&files)
            .run();
        run_ok(packed, "pack the archive");
        std::fs::remove_dir_all(&stage).expect("rm stage");
        run_ok(
            Cmd::program("bash")
                .args([repo().join("scripts/release.sh").as_os_str()])
                .args(["manifest", "--version", version, "--partial", "--out"])
                .args([self.dist.as_os_str()])
                .current_dir(repo())
                .run(),
            "release.sh manifest",
        );
        let rendered = std::fs::read_to_string(self.dist.join("fleet.yaml")).expect("manifest");
        let released = format!("https://github.com/kubectl-fleet/kubectl-fleet/releases/download/{version}/");
        assert!(rendered.contains(&released), "template URL changed:\n{rendered}");
        let local = rendered.replace(&released, &format!("http://127.0.0.1:{}/", self.port));
        std::fs::write(self.index.join("plugins/fleet.yaml"), local).expect("index manifest");
        for args in [
            &["add", "."][..],
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.invalid",
                "commit",
                "-qm",
                version,
            ],
        ] {
            run_ok(
                Cmd::program("git").args(args).current_dir(&self.index).run(),
                "git commit",
            );
        }
    }

    /// The version directories in krew's store for `fleet`.
    pub fn store_versions(&self) -> Vec<String> {
        let mut out: Vec<String> = std::fs::read_dir(self.root.join("store/fleet"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// `kubectl krew update` then `install fleet`.
    pub fn install(&self) {
        run_ok(self.kubectl(&["krew", "update"]), "krew update");
        let run = run_ok(self.kubectl(&["krew", "install", "fleet"]), "krew install");
        assert!(run.stderr.contains("Installed plugin: fleet"), "{run:?}");
    }

    /// `kubectl krew upgrade fleet`.
    pub fn upgrade(&self) {
        let run = run_ok(self.kubectl(&["krew", "upgrade", "fleet"]), "krew upgrade");
        assert!(run.stderr.contains("Upgraded plugin: fleet"), "{run:?}");
    }

    /// The bin directory krew links plugins into.
    pub fn bin_dir(&self) -> PathBuf {
        self.root.join("bin")
    }
}

impl Drop for Krew {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The target of the link at `path`.
pub fn link_of(path: &Path) -> PathBuf {
    std::fs::read_link(path).unwrap_or_else(|e| panic!("{} is not a link: {e}", path.display()))
}
