//! Shell completion through kubectl's plugin protocol, and the value completers the commands
//! attach to their arguments.
//!
//! `kubectl fleet <TAB>` runs a `kubectl_complete-fleet*` executable (kubectl >= 1.26), passing the
//! words after the plugin name plus the word being completed, and reads cobra's `__complete`
//! format back: `value<TAB>help` lines then `:<directive>`. The dispatcher answers the first word
//! itself (`cli::dispatch`) and hands deeper words to the sibling `kubectl-fleet-<binary>` with
//! `FLEET_COMPLETE=kubectl`; [`kubectl_complete`] then runs clap's completion engine on that
//! command, so subcommands, flags and flag values all come from the one clap definition. Flags
//! are offered only once a `-` is typed. Dynamic values: `--context` from the kubeconfig (no
//! network), credential names from the local credential index (no keyring prompt), and names from
//! the cluster (`-n` namespaces, tenant namespaces, Flux objects) with a short timeout and silence
//! on any failure.
//!
//! A leaf: the command modules use these completers, and `cli::registry` (the binaries and the
//! static scripts in `completions/`) uses the commands; this module uses neither.

use std::{
    ffi::{OsStr, OsString},
    io::Write,
    path::PathBuf,
    process::ExitCode,
    sync::OnceLock,
};

use clap::{Command, ValueHint};
use clap_complete::{
    CompletionCandidate,
    engine::{ArgValueCompleter, complete},
};

pub use super::dispatch::COMPLETE_ENV;
use crate::kube::load_kubeconfig_with;

/// cobra's ShellCompDirectiveNoFileComp: do not fall back to file names.
const NO_FILE_COMP: u8 = 4;
/// cobra's ShellCompDirectiveNoSpace: do not add a space after the completion.
const NO_SPACE: u8 = 2;
/// cobra's ShellCompDirectiveDefault: let the shell complete file names.
const DEFAULT_DIRECTIVE: u8 = 0;

/// `--kubeconfig` seen on the command line being completed, for value completers (which only see
/// the current word).
static COMPLETION_KUBECONFIG: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Completes kube context names from the kubeconfig (`--kubeconfig` on the line, else
/// `KUBECONFIG`, else ~/.kube/config). Local only: never contacts a cluster.
pub fn complete_contexts(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    let explicit = COMPLETION_KUBECONFIG.get().cloned().flatten();
    let env = std::env::var_os("KUBECONFIG");
    let Ok(kubeconfig) = load_kubeconfig_with(explicit.as_deref(), env.as_deref()) else {
        return Vec::new();
    };
    let current_context = kubeconfig.current_context().map(str::to_string);
    kubeconfig
        .context_names()
        .into_iter()
        .filter(|name| name.starts_with(prefix.as_ref()))
        .map(|name| {
            let help = (Some(&name) == current_context.as_ref()).then(|| "current context".into());
            CompletionCandidate::new(name).help(help)
        })
        .collect()
}

/// `--context` seen on the command line being completed (the first one), for cluster lookups.
static COMPLETION_CONTEXT: OnceLock<Option<String>> = OnceLock::new();

/// How long a completion may wait for a cluster: a TAB press must never hang.
const CLUSTER_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1500);

/// Runs `query` against the cluster selected on the line being completed (its `--context`, else
/// the current context), bounded by [`CLUSTER_TIMEOUT`]. Any failure yields no candidates.
pub fn cluster_names<F, Fut>(query: F) -> Vec<String>
where
    F: FnOnce(crate::kube::KubeTarget) -> Fut,
    Fut: std::future::Future<Output = Option<Vec<String>>>,
{
    let explicit = COMPLETION_KUBECONFIG.get().cloned().flatten();
    let env = std::env::var_os("KUBECONFIG");
    let Ok(kubeconfig) = load_kubeconfig_with(explicit.as_deref(), env.as_deref()) else {
        return Vec::new();
    };
    let context = match COMPLETION_CONTEXT.get().cloned().flatten() {
        Some(c) => c,
        None => match kubeconfig.current_context() {
            Some(c) => c.to_string(),
            None => return Vec::new(),
        },
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        return Vec::new();
    };
    let options = crate::kube::ClientOptions {
        connect_timeout: CLUSTER_TIMEOUT,
        request_timeout: CLUSTER_TIMEOUT,
    };
    runtime.block_on(async {
        let Ok(target) = kubeconfig.target(&context, options).await else {
            return Vec::new();
        };
        tokio::time::timeout(CLUSTER_TIMEOUT, query(target))
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    })
}

fn candidates(names: Vec<String>, current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    let mut names: Vec<String> = names
        .into_iter()
        .filter(|n| n.starts_with(prefix.as_ref()))
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// Completes stored credential names (from the local credential index; the keyring is not
/// touched, so no unlock prompt can appear).
pub fn credential_completer() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        candidates(crate::credentials::stored_credential_names(), current)
    })
}

/// Namespaces labelled `toolkit.fluxcd.io/tenant`, with their tenant (one metadata-only LIST).
async fn tenant_namespaces(target: crate::kube::KubeTarget) -> Option<Vec<(String, String)>> {
    let api: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(target.client);
    let lp = kube::api::ListParams::default().labels(crate::credentials::TENANT_LABEL);
    let list = api.list_metadata(&lp).await.ok()?;
    Some(
        list.items
            .into_iter()
            .filter_map(|n| {
                let tenant = n.metadata.labels?.get(crate::credentials::TENANT_LABEL)?.clone();
                Some((n.metadata.name?, tenant))
            })
            .collect(),
    )
}

/// Completes tenant namespaces (labelled `toolkit.fluxcd.io/tenant`) from the cluster.
pub fn tenant_namespace_completer() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let names = cluster_names(|target| async move {
            Some(
                tenant_namespaces(target)
                    .await?
                    .into_iter()
                    .map(|(name, _)| name)
                    .collect(),
            )
        });
        candidates(names, current)
    })
}

/// Completes tenant names (values of the `toolkit.fluxcd.io/tenant` label) from the cluster.
pub fn tenant_completer() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let names = cluster_names(|target| async move {
            Some(
                tenant_namespaces(target)
                    .await?
                    .into_iter()
                    .map(|(_, tenant)| tenant)
                    .collect(),
            )
        });
        candidates(names, current)
    })
}

/// Completes tree roots: first the kind (`ks/`, `hr/`, `rset/`, `instance/`), then
/// `KIND/NAMESPACE/NAME` of the objects of that kind on the cluster.
pub fn tree_root_completer() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let word = current.to_string_lossy().into_owned();
        const KINDS: &[(&str, &str)] = &[
            ("ks", "Kustomization"),
            ("hr", "HelmRelease"),
            ("rset", "ResourceSet"),
            ("instance", "FluxInstance"),
        ];
        let Some((alias, _)) = word.split_once('/') else {
            return KINDS
                .iter()
                .filter(|(a, _)| a.starts_with(&word))
                .map(|(a, kind)| CompletionCandidate::new(format!("{a}/")).help(Some((*kind).into())))
                .collect();
        };
        let Some(known) = crate::kube::find_alias(alias).filter(|k| k.is_flux()) else {
            return Vec::new();
        };
        let alias = alias.to_string();
        let names = cluster_names(|target| async move {
            let api: kube::Api<kube::api::DynamicObject> =
                kube::Api::all_with(target.client, &known.api_resource());
            let list = api.list_metadata(&kube::api::ListParams::default()).await.ok()?;
            Some(
                list.items
                    .into_iter()
                    .filter_map(|o| Some(format!("{alias}/{}/{}", o.metadata.namespace?, o.metadata.name?)))
                    .collect(),
            )
        });
        candidates(names, current)
    })
}

/// Completes `KIND/NAMESPACE/NAME` of any Flux kind (for reconcile, suspend and resume): the
/// short names first, then the objects of the typed kind from the cluster.
pub fn flux_object_completer() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let word = current.to_string_lossy().into_owned();
        let Some((alias, _)) = word.split_once('/') else {
            return crate::kube::known_kinds()
                .iter()
                .filter(|k| k.is_flux())
                .filter_map(|k| Some((*k.aliases.first()?, k.kind)))
                .filter(|(a, _)| a.starts_with(&word))
                .map(|(a, kind)| CompletionCandidate::new(format!("{a}/")).help(Some(kind.into())))
                .collect();
        };
        let Some(known) = crate::kube::find_alias(alias).filter(|k| k.is_flux()) else {
            return Vec::new();
        };
        let alias = alias.to_string();
        let names = cluster_names(|target| async move {
            let api: kube::Api<kube::api::DynamicObject> =
                kube::Api::all_with(target.client, &known.api_resource());
            let list = api.list_metadata(&kube::api::ListParams::default()).await.ok()?;
            Some(
                list.items
                    .into_iter()
                    .filter_map(|o| Some(format!("{alias}/{}/{}", o.metadata.namespace?, o.metadata.name?)))
                    .collect(),
            )
        });
        candidates(names, current)
    })
}

/// Completes namespace names from the cluster (for `-n/--namespace`).
pub fn namespace_completer() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let names = cluster_names(|target| async move {
            let api: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(target.client);
            let list = api.list_metadata(&kube::api::ListParams::default()).await.ok()?;
            Some(list.items.into_iter().filter_map(|n| n.metadata.name).collect())
        });
        candidates(names, current)
    })
}

/// Gives every `--namespace` argument of `cmd` and its subcommands without a completer of its own
/// the [`namespace_completer`], so each command's `-n` completes alike without repeating it.
fn with_namespace_completer(cmd: Command) -> Command {
    cmd.mut_args(|arg| {
        if arg.get_long() == Some("namespace") && arg.get::<ArgValueCompleter>().is_none() {
            arg.add(namespace_completer())
        } else {
            arg
        }
    })
    .mut_subcommands(with_namespace_completer)
}

/// The completer attached to every `--context` flag.
pub fn context_completer() -> ArgValueCompleter {
    ArgValueCompleter::new(complete_contexts)
}

/// The value of `--flag VALUE` or `--flag=VALUE` among the complete words (not the one being
/// completed).
fn find_flag(words: &[OsString], flag: &str) -> Option<String> {
    let done = &words[..words.len().saturating_sub(1)];
    let mut iter = done.iter().map(|w| w.to_string_lossy());
    let with_eq = format!("{flag}=");
    while let Some(word) = iter.next() {
        if let Some(value) = word.strip_prefix(&with_eq) {
            return Some(value.to_string());
        }
        if word == flag {
            return iter.next().map(|v| v.into_owned());
        }
    }
    None
}

/// Whether the word before the one being completed is a flag whose value is a path, so the shell
/// should complete file names.
fn wants_files(cmd: &Command, words: &[OsString]) -> bool {
    let Some(prev) = words.len().checked_sub(2).and_then(|i| words.get(i)) else {
        return false;
    };
    let prev = prev.to_string_lossy();
    let Some(long) = prev.strip_prefix("--") else {
        return false;
    };
    fn search(cmd: &Command, long: &str) -> bool {
        cmd.get_arguments().any(|a| {
            a.get_long() == Some(long)
                && matches!(
                    a.get_value_hint(),
                    ValueHint::FilePath | ValueHint::DirPath | ValueHint::AnyPath
                )
        }) || cmd.get_subcommands().any(|s| search(s, long))
    }
    search(cmd, long)
}

/// Answers kubectl's plugin completion protocol for `cmd`: `words` are the arguments after the
/// command (the last one is the word being completed, possibly empty). Returns the cobra-format text.
pub fn kubectl_complete(cmd: Command, bin: &str, words: &[OsString]) -> String {
    let _ = COMPLETION_KUBECONFIG.set(find_flag(words, "--kubeconfig").map(PathBuf::from));
    let _ = COMPLETION_CONTEXT.set(find_flag(words, "--context"));
    let mut cmd = with_namespace_completer(cmd);
    let files = wants_files(&cmd, words);
    let mut argv = Vec::with_capacity(words.len() + 1);
    argv.push(OsString::from(bin));
    argv.extend(words.iter().cloned());
    if argv.len() == 1 {
        argv.push(OsString::new());
    }
    let index = argv.len() - 1;
    let cwd = std::env::current_dir().ok();
    let mut candidates = complete(&mut cmd, argv, index, cwd.as_deref()).unwrap_or_default();
    // clap offers every flag for an empty word; kubectl's habit is to offer them only after `-`,
    // and a list of flags alone makes bash insert their common prefix `--`.
    let current = words.last().map(|w| w.to_string_lossy()).unwrap_or_default();
    if !current.starts_with('-') {
        candidates.retain(|c| !c.get_value().to_string_lossy().starts_with('-'));
    }
    let mut out = String::new();
    for c in candidates.iter().filter(|c| !c.is_hide_set()) {
        let value = c.get_value().to_string_lossy();
        match c.get_help() {
            Some(help) => {
                let help = help.to_string();
                let first = help.lines().next().unwrap_or_default();
                out.push_str(&format!("{value}\t{first}\n"));
            }
            None => out.push_str(&format!("{value}\n")),
        }
    }
    // Kind prefixes such as `ks/` are not finished words: no space after them.
    let partial = !candidates.is_empty()
        && candidates
            .iter()
            .all(|c| c.get_value().to_string_lossy().ends_with('/'));
    let directive = if candidates.is_empty() && files {
        DEFAULT_DIRECTIVE
    } else if partial {
        NO_FILE_COMP | NO_SPACE
    } else {
        NO_FILE_COMP
    };
    out.push_str(&format!(":{directive}\n"));
    out
}

/// When `FLEET_COMPLETE=kubectl` is set, prints completions for `bin` and returns the exit code;
/// otherwise returns `None` and the command runs normally.
pub fn maybe_complete(bin: &str, factory: impl FnOnce() -> Command) -> Option<ExitCode> {
    if std::env::var_os(COMPLETE_ENV).as_deref() != Some(OsStr::new("kubectl")) {
        return None;
    }
    let words: Vec<OsString> = std::env::args_os().skip(1).collect();
    let text = kubectl_complete(factory(), bin, &words);
    let _ = std::io::stdout().write_all(text.as_bytes());
    Some(ExitCode::SUCCESS)
}
