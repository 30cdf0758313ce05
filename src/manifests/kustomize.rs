//! Kustomize builds by the real kustomize: the one `kubectl` embeds (`kubectl kustomize DIR`).
//!
//! kustomize-controller builds every Flux Kustomization with kustomize itself, so anything we
//! build and apply (the classic `flux-system/` directory at bootstrap, a keos cluster directory)
//! must come out of the same program, or what we apply now differs from what Flux applies a
//! minute later. A kubectl plugin always has kubectl at hand, so we run it rather than
//! reimplementing kustomize (components, generators, `images`, `replacements`, `labels`, patches).
//!
//! What we add is what kustomize-controller adds around kustomize:
//!
//! - **A generated `kustomization.yaml`** for a directory without one
//!   (`github.com/fluxcd/pkg/kustomize`, `kustomize_generator.go`): every `*.yaml`/`*.yml` file
//!   below the directory, walked in lexical order, each checked to be Kubernetes YAML; a
//!   sub-directory with its own kustomization file is listed as a directory and not descended
//!   into; an empty directory builds to nothing. Files source-controller leaves out of every
//!   artifact (`.sops.yaml`, `.flux.yaml`, `.goreleaser.yml`, CI configuration, `.git/`) are left
//!   out too (`.sourceignore` files are not read). The generated file is written into a temporary
//!   copy of the repository, never into the user's checkout.
//! - **Loading files from anywhere in the repository** (`LoadRestrictionsNone`), as the
//!   controller's build does, so `resources: [../base/deploy.yaml]` builds here as it does there.
//!
//! A kustomization kustomize rejects fails with kustomize's own message (repository-relative
//! paths), exit 2, before anything is applied. Post-build substitution is Flux's, not kustomize's:
//! see [`super::substitute`].

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use serde_json::{Value, json};

use super::yaml::{self, YamlError};

/// Environment variable naming the kubectl binary (as `--kubectl PATH` does).
pub const KUBECTL_ENV: &str = "KUBECTL";

/// The oldest kubectl whose embedded kustomize builds what fleets use: kubectl 1.21 moved from
/// kustomize v2.0.3 to v4.0.5, the first with `components:` (flux-platform's `_components`
/// profiles), `patches:` with target selectors (the multi-tenancy lockdown) and
/// `--load-restrictor`.
pub const MINIMUM_KUBECTL: (u32, u32) = (1, 21);

/// The kustomize major version kustomize-controller builds with (Flux 2.x: kustomize v5).
pub const FLUX_KUSTOMIZE_MAJOR: u32 = 5;

/// The kustomization file names kustomize recognises, in its order of preference.
pub const KUSTOMIZATION_FILES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Files and directories source-controller excludes from every artifact (`sourceignore`'s
/// `ExcludeVCS`, `ExcludeCI` and `ExcludeExtra`, matched at any depth), so Flux never sees them.
const EXCLUDED_FILES: &[&str] = &[
    ".gitignore",
    ".gitmodules",
    ".gitattributes",
    ".travis.yml",
    ".gitlab-ci.yml",
    "appveyor.yml",
    ".drone.yml",
    "cloudbuild.yaml",
    "codeship-services.yml",
    "codeship-steps.yml",
    ".goreleaser.yml",
    ".sops.yaml",
    ".flux.yaml",
];
const EXCLUDED_DIRS: &[&str] = &[".git", ".github", ".circleci"];

const INSTALL_HINT: &str = "install kubectl 1.21 or later (https://kubernetes.io/docs/tasks/tools/), or pass --kubectl PATH / set KUBECTL=/path/to/kubectl";

/// kubectl could not be used, or kustomize refused a directory (exit 2: nothing was applied).
#[derive(Debug, thiserror::Error)]
pub enum KustomizeError {
    /// No kubectl binary was found.
    #[error(
        "kubectl not found ({tried}): kubectl fleet builds kustomizations with `kubectl kustomize`; {INSTALL_HINT}"
    )]
    NotFound {
        /// Where we looked.
        tried: String,
    },
    /// The binary exists but does not run.
    #[error("cannot run kubectl '{}': {INSTALL_HINT}", path.display())]
    NotRunnable {
        /// The binary.
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Its version is too old, or it did not say.
    #[error(
        "kubectl '{}' is {found}; building kustomizations needs kubectl {}.{} or later (kustomize v4+, `components:`): {INSTALL_HINT}",
        path.display(), MINIMUM_KUBECTL.0, MINIMUM_KUBECTL.1
    )]
    TooOld {
        /// The binary.
        path: PathBuf,
        /// What `kubectl version --client` said.
        found: String,
    },
    /// kustomize refused the directory: its own message.
    #[error("kustomize cannot build {}: {message}", dir.display())]
    Build {
        /// The directory, relative to the repository.
        dir: PathBuf,
        /// kustomize's message, with repository-relative paths.
        message: String,
    },
    /// A directory to build does not exist.
    #[error("{}: no such directory to build", dir.display())]
    NoDirectory {
        /// The directory, relative to the repository.
        dir: PathBuf,
    },
    /// A file kustomize-controller's generator would refuse (not Kubernetes YAML).
    #[error("failed to decode Kubernetes YAML from {}: {reason}", path.display())]
    Generate {
        /// The file, relative to the repository.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// What kustomize printed is not a list of Kubernetes objects.
    #[error("kustomize built {} into something that is not Kubernetes YAML", dir.display())]
    Output {
        /// The directory, relative to the repository.
        dir: PathBuf,
        #[source]
        source: YamlError,
    },
    /// The temporary copy of the repository could not be made.
    #[error("cannot prepare a temporary copy of {} to build in", path.display())]
    Copy {
        /// What was being copied.
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl KustomizeError {
    /// Exit status: everything here is fixed by the user before anything is applied (2), except
    /// a temporary copy this machine could not write (1).
    pub fn exit_status(&self) -> crate::exit::ExitStatus {
        match self {
            KustomizeError::Copy { .. } => crate::exit::ExitStatus::Failure,
            _ => crate::exit::ExitStatus::Usage,
        }
    }
}

/// A kubectl that runs and embeds a recent enough kustomize.
#[derive(Clone, Debug)]
pub struct Kustomize {
    kubectl: PathBuf,
    kubectl_version: String,
    kustomize_version: Option<String>,
}

impl Kustomize {
    /// Finds kubectl: `explicit` (`--kubectl PATH`), else `$KUBECTL`, else `kubectl` on `PATH`;
    /// then checks its version.
    pub fn locate(explicit: Option<&Path>) -> Result<Kustomize, KustomizeError> {
        let from_env = std::env::var_os(KUBECTL_ENV).filter(|v| !v.is_empty());
        let path = match (explicit, from_env) {
            (Some(p), _) => p.to_path_buf(),
            (None, Some(p)) => PathBuf::from(p),
            (None, None) => {
                crate::exec::find_on_path("kubectl", std::env::var_os("PATH")).ok_or_else(|| {
                    KustomizeError::NotFound {
                        tried: "not on PATH, KUBECTL is not set".into(),
                    }
                })?
            }
        };
        if !path.is_file() {
            return Err(KustomizeError::NotFound {
                tried: format!("'{}' does not exist", path.display()),
            });
        }
        let output = Command::new(&path)
            .args(["version", "--client", "-o", "json"])
            .stdin(Stdio::null())
            .output()
            .map_err(|source| KustomizeError::NotRunnable {
                path: path.clone(),
                source,
            })?;
        let text = String::from_utf8_lossy(&output.stdout);
        let parsed = output.status.success().then(|| parse_version(&text)).flatten();
        match parsed {
            Some(v) if (v.major, v.minor) >= MINIMUM_KUBECTL => Ok(Kustomize {
                kubectl: path,
                kubectl_version: v.git_version,
                kustomize_version: v.kustomize,
            }),
            Some(v) => Err(KustomizeError::TooOld {
                path,
                found: format!(
                    "{} (kustomize {})",
                    v.git_version,
                    v.kustomize.as_deref().unwrap_or("v2.0.3 or unknown")
                ),
            }),
            None => Err(KustomizeError::TooOld {
                path,
                found: "silent about its version (`kubectl version --client -o json` failed)".into(),
            }),
        }
    }

    /// The kubectl binary.
    pub fn kubectl(&self) -> &Path {
        &self.kubectl
    }

    /// kubectl's version (`v1.36.3`).
    pub fn kubectl_version(&self) -> &str {
        &self.kubectl_version
    }

    /// The embedded kustomize's version (`v5.8.1`), when kubectl says (1.24 and later).
    pub fn kustomize_version(&self) -> Option<&str> {
        self.kustomize_version.as_deref()
    }

    /// A warning when the embedded kustomize is not the major version Flux builds with, so a
    /// build may differ in details from the controller's.
    pub fn warning(&self) -> Option<String> {
        let major = self
            .kustomize_version
            .as_deref()
            .and_then(|v| v.trim_start_matches('v').split('.').next()?.parse::<u32>().ok());
        (major != Some(FLUX_KUSTOMIZE_MAJOR)).then(|| {
            format!(
                "kubectl {} at {} embeds kustomize {}, kustomize-controller builds with kustomize v{FLUX_KUSTOMIZE_MAJOR}: \
                 builds may differ in details; use kubectl 1.27 or later (--kubectl PATH)",
                self.kubectl_version,
                self.kubectl.display(),
                self.kustomize_version.as_deref().unwrap_or("v4")
            )
        })
    }
}

/// A kubectl located on first use: commands that may or may not build (a fleet of d1 clusters
/// never does) take `--kubectl` but only require kubectl when a directory is built.
#[derive(Debug, Default)]
pub struct LazyKustomize {
    explicit: Option<PathBuf>,
    found: std::sync::OnceLock<Kustomize>,
}

impl LazyKustomize {
    /// `--kubectl PATH` when given; otherwise `$KUBECTL` or `PATH` decide, on first use.
    pub fn new(explicit: Option<PathBuf>) -> Self {
        LazyKustomize {
            explicit,
            found: std::sync::OnceLock::new(),
        }
    }

    /// The kubectl, located and version-checked the first time.
    pub fn get(&self) -> Result<&Kustomize, KustomizeError> {
        if let Some(k) = self.found.get() {
            return Ok(k);
        }
        let k = Kustomize::locate(self.explicit.as_deref())?;
        Ok(self.found.get_or_init(|| k))
    }

    /// The kubectl, when it was needed and found.
    pub fn located(&self) -> Option<&Kustomize> {
        self.found.get()
    }
}

/// How to build.
#[derive(Clone, Copy, Debug)]
pub struct BuildOptions<'a> {
    /// The kubectl to build with.
    pub kustomize: &'a Kustomize,
    /// The source root (the repository checkout): paths in messages are relative to it, and a
    /// generated kustomization.yaml is written into a temporary copy of it.
    pub root: &'a Path,
}

/// Builds `dir` (relative to `options.root`) the way kustomize-controller does, into its objects
/// in kustomize's output order.
pub fn build(dir: &Path, options: &BuildOptions<'_>) -> Result<Vec<Value>, KustomizeError> {
    let abs = options.root.join(dir);
    if !abs.is_dir() {
        return Err(KustomizeError::NoDirectory {
            dir: dir.to_path_buf(),
        });
    }
    if has_kustomization(&abs) {
        return run(options.kustomize, &abs, options.root, dir);
    }
    let generated = generate(options.root, dir)?;
    let copy = tempfile::Builder::new()
        .prefix("kubectl-fleet-build-")
        .tempdir()
        .map_err(|source| KustomizeError::Copy {
            path: options.root.to_path_buf(),
            source,
        })?;
    copy_tree(options.root, copy.path())?;
    let target = copy.path().join(dir);
    let file = target.join(KUSTOMIZATION_FILES[0]);
    let text = yaml::to_string(&generated, "the generated kustomization.yaml").map_err(|source| {
        KustomizeError::Output {
            dir: dir.to_path_buf(),
            source,
        }
    })?;
    std::fs::write(&file, text).map_err(|source| KustomizeError::Copy { path: file, source })?;
    run(options.kustomize, &target, copy.path(), dir)
}

/// Whether a directory has a kustomization file of its own.
pub fn has_kustomization(dir: &Path) -> bool {
    KUSTOMIZATION_FILES.iter().any(|n| dir.join(n).is_file())
}

/// The kustomization.yaml kustomize-controller generates for `dir` (relative to `root`), which
/// has none: see the module documentation.
pub fn generate(root: &Path, dir: &Path) -> Result<Value, KustomizeError> {
    let base = root.join(dir);
    let mut resources = Vec::new();
    scan(root, &base, &base, &mut resources)?;
    Ok(if resources.is_empty() {
        // kustomize refuses an empty kustomization; the controller sets a placeholder namespace.
        json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "namespace": "_placeholder",
        })
    } else {
        json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": resources,
        })
    })
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn sorted_entries(dir: &Path, root: &Path) -> Result<Vec<(String, PathBuf, bool)>, KustomizeError> {
    let entries = std::fs::read_dir(dir).map_err(|source| KustomizeError::Copy {
        path: relative(root, dir),
        source,
    })?;
    let mut out: Vec<(String, PathBuf, bool)> = entries
        .filter_map(|e| e.ok())
        .map(|e| {
            let path = e.path();
            // Follow symlinks like Go's os.Stat-based walk does for directories named in it.
            let is_dir = path.is_dir();
            (e.file_name().to_string_lossy().into_owned(), path, is_dir)
        })
        .collect();
    out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(out)
}

fn scan(root: &Path, base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), KustomizeError> {
    for (name, path, is_dir) in sorted_entries(dir, root)? {
        let rel = format!(
            "./{}",
            path.strip_prefix(base)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/")
        );
        if is_dir {
            if EXCLUDED_DIRS.contains(&name.as_str()) {
                continue;
            }
            if has_kustomization(&path) {
                out.push(rel);
            } else {
                scan(root, base, &path, out)?;
            }
            continue;
        }
        let yaml_file = name.ends_with(".yaml") || name.ends_with(".yml");
        if !yaml_file || EXCLUDED_FILES.contains(&name.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| KustomizeError::Generate {
            path: relative(root, &path),
            reason: e.to_string(),
        })?;
        // The controller decodes every file before listing it: a file that is not Kubernetes
        // YAML fails the whole build, naming the file.
        yaml::from_multi_doc(&text, &relative(root, &path).display().to_string())
            .map_err(|e| KustomizeError::Generate {
                path: relative(root, &path),
                reason: crate::error::chain::error_chain(&e),
            })?
            .iter()
            .try_for_each(|d| match d {
                Value::Object(m)
                    if m.get("kind")
                        .and_then(Value::as_str)
                        .is_some_and(|k| !k.is_empty()) =>
                {
                    Ok(())
                }
                _ => Err(KustomizeError::Generate {
                    path: relative(root, &path),
                    reason: "a document is not a Kubernetes object (no kind)".into(),
                }),
            })?;
        out.push(rel);
    }
    Ok(())
}

/// Copies `from` into `to` (both directories), hard-linking files where the filesystem allows,
/// recreating symlinks, skipping `.git`.
fn copy_tree(from: &Path, to: &Path) -> Result<(), KustomizeError> {
    let err = |path: &Path, source| KustomizeError::Copy {
        path: path.to_path_buf(),
        source,
    };
    let entries = std::fs::read_dir(from).map_err(|e| err(from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| err(from, e))?;
        let name = entry.file_name();
        if name == ".git" {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        let kind = entry.file_type().map_err(|e| err(&src, e))?;
        if kind.is_symlink() {
            let link = std::fs::read_link(&src).map_err(|e| err(&src, e))?;
            symlink(&link, &dst).map_err(|e| err(&src, e))?;
        } else if kind.is_dir() {
            std::fs::create_dir(&dst).map_err(|e| err(&dst, e))?;
            copy_tree(&src, &dst)?;
        } else if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst).map_err(|e| err(&src, e))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::fs::copy(link.parent().unwrap_or(link).join(target), link).map(|_| ())
}

/// Runs `kubectl kustomize` on `abs` (inside `root`); `dir` names it in messages.
fn run(k: &Kustomize, abs: &Path, root: &Path, dir: &Path) -> Result<Vec<Value>, KustomizeError> {
    let output = Command::new(&k.kubectl)
        .arg("kustomize")
        .arg("--load-restrictor=LoadRestrictionsNone")
        .arg(abs)
        .stdin(Stdio::null())
        .output()
        .map_err(|source| KustomizeError::NotRunnable {
            path: k.kubectl.clone(),
            source,
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(KustomizeError::Build {
            dir: dir.to_path_buf(),
            message: kustomize_message(&stderr, root, &output.status.to_string()),
        });
    }
    let text = String::from_utf8_lossy(&output.stdout);
    yaml::objects_from_multi_doc(&text, &format!("kubectl kustomize {}", dir.display())).map_err(|source| {
        KustomizeError::Output {
            dir: dir.to_path_buf(),
            source,
        }
    })
}

/// kustomize's message without kubectl's `error: ` prefix, with paths made relative to the
/// repository (also through its canonical form: kustomize resolves symlinks such as /tmp).
fn kustomize_message(stderr: &str, root: &Path, status: &str) -> String {
    let mut message = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if let Some(rest) = message.strip_prefix("error: ") {
        message = rest.to_string();
    }
    let mut roots = vec![root.to_path_buf()];
    if let Ok(canonical) = std::fs::canonicalize(root) {
        roots.push(canonical);
    }
    // Longest first, so a root that is a prefix of another does not leave a fragment behind.
    roots.sort_by_key(|r| std::cmp::Reverse(r.as_os_str().len()));
    for r in roots {
        let prefix = format!("{}/", r.display());
        message = message.replace(&prefix, "");
        message = message.replace(&r.display().to_string(), ".");
    }
    if message.is_empty() {
        format!("kubectl kustomize exited with {status}")
    } else {
        message
    }
}

/// What `kubectl version --client -o json` says.
#[derive(Debug, PartialEq, Eq)]
struct Versions {
    major: u32,
    minor: u32,
    git_version: String,
    kustomize: Option<String>,
}

fn parse_version(text: &str) -> Option<Versions> {
    let v: Value = serde_json::from_str(text).ok()?;
    let client = v.get("clientVersion")?;
    let digits = |s: &str| -> Option<u32> {
        s.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok()
    };
    Some(Versions {
        major: digits(client.get("major")?.as_str()?)?,
        minor: digits(client.get("minor")?.as_str()?)?,
        git_version: client
            .get("gitVersion")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string(),
        kustomize: v
            .get("kustomizeVersion")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    #[test]
    fn versions_decide_support() {
        // kubectl 1.20 (kustomize v2.0.3, no components) and 1.36 as they print themselves.
        let old =
            parse_version(r#"{"clientVersion": {"major": "1", "minor": "20", "gitVersion": "v1.20.15"}}"#)
                .expect("parses");
        assert!((old.major, old.minor) < MINIMUM_KUBECTL);
        let new = parse_version(
            r#"{"clientVersion": {"major": "1", "minor": "32+", "gitVersion": "v1.32.4-x"}, "kustomizeVersion": "v5.5.0"}"#,
        )
        .expect("parses");
        assert_eq!((new.major, new.minor), (1, 32));
        assert_eq!(new.kustomize.as_deref(), Some("v5.5.0"));
        assert!(parse_version("Client Version: v1.36.3").is_none());
        let k = Kustomize {
            kubectl: "kubectl".into(),
            kubectl_version: "v1.24.0".into(),
            kustomize_version: Some("v4.5.4".into()),
        };
        assert!(k.warning().expect("warns").contains("kustomize v4.5.4"));
        let k = Kustomize {
            kustomize_version: Some("v5.8.1".into()),
            ..k
        };
        assert!(k.warning().is_none());
    }

    #[test]
    fn a_missing_kubectl_says_how_to_get_one() {
        let err = Kustomize::locate(Some(Path::new("/nonexistent/kubectl"))).expect_err("missing");
        let text = err.to_string();
        assert!(text.contains("'/nonexistent/kubectl' does not exist"), "{text}");
        assert!(text.contains("--kubectl PATH"), "{text}");
        assert_eq!(err.exit_status(), crate::exit::ExitStatus::Usage);
        assert!(
            crate::exec::find_on_path("kubectl", Some(std::ffi::OsString::from("/nonexistent"))).is_none()
        );
    }

    #[test]
    fn generation_lists_yaml_files_like_kustomize_controller() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
        write(root, "clusters/c/b.yaml", cm);
        write(root, "clusters/c/a/z.yml", cm);
        write(root, "clusters/c/a/notes.txt", "hi");
        write(root, "clusters/c/.sops.yaml", "creation_rules: []\n");
        write(root, "clusters/c/sub/kustomization.yaml", "resources: []\n");
        write(root, "clusters/c/sub/ignored.yaml", "not: listed\n");
        let k = generate(root, Path::new("clusters/c")).expect("generates");
        assert_eq!(k["resources"], json!(["./a/z.yml", "./b.yaml", "./sub"]));
        write(root, "clusters/c/bad.yaml", "just: data\n");
        let err = generate(root, Path::new("clusters/c")).expect_err("refused");
        assert!(err.to_string().contains("clusters/c/bad.yaml"), "{err}");
        std::fs::create_dir_all(root.join("empty")).expect("mkdir");
        assert_eq!(
            generate(root, Path::new("empty")).expect("generates")["namespace"],
            "_placeholder"
        );
    }

    #[test]
    fn messages_name_repository_paths() {
        let root = Path::new("/tmp/x/repo");
        assert_eq!(
            kustomize_message(
                "error: accumulating resources: open /tmp/x/repo/clusters/c/missing.yaml: no such file\n",
                root,
                "exit status: 1"
            ),
            "accumulating resources: open clusters/c/missing.yaml: no such file"
        );
        assert_eq!(
            kustomize_message("", root, "exit status: 1"),
            "kubectl kustomize exited with exit status: 1"
        );
    }
}
