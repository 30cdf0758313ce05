//! The fleet-level inputs of a bootstrap run, checked before any cluster is contacted: where the
//! tokens come from (read once), which kube context each cluster directory maps to, and what
//! `--dry-run` prints for a cluster. The run itself (preflight everywhere, then the steps) is the
//! operation `ops::bootstrap`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{
    BootstrapError,
    apply::{Credentials, TenantToken},
    clusterdir::ClusterDir,
    files::yaml_files,
    operator::{OperatorAction, OperatorManifest},
    preflight::Preflight,
};
use crate::{
    credentials::{MetaStore, ResolvedToken, SecretStore, TokenSource, validate_name},
    error::{Error, Result},
    kube::LoadedKubeconfig,
    manifests::{
        pointer::{self, str_at},
        yaml,
    },
    repo::{FleetRepo, clusters, names},
};

/// Where the fleet token comes from, and the tenants' tokens.
#[derive(Clone, Debug, Default)]
pub struct TokenSources {
    /// `--token NAME` / `--token-stdin` / `--token-env VAR`.
    pub fleet: Option<TokenSource>,
    /// `--tenant-token TENANT=NAME` / `--tenant-token-env TENANT=VAR`.
    pub tenants: Vec<(String, TokenSource)>,
}

impl TokenSources {
    /// Whether any source needs the OS keyring.
    pub fn needs_keyring(&self) -> bool {
        self.fleet
            .iter()
            .chain(self.tenants.iter().map(|(_, s)| s))
            .any(|s| matches!(s, TokenSource::Keyring(_)))
    }

    /// The keyring credentials among the sources (the Secrets written from them carry their name).
    pub fn credential_names(&self) -> impl Iterator<Item = &str> {
        self.fleet
            .iter()
            .chain(self.tenants.iter().map(|(_, s)| s))
            .filter_map(TokenSource::credential_name)
    }

    /// The sources given on the command line: the fleet token's, then `--tenant-token
    /// TENANT=NAME` (keyring credentials) and `--tenant-token-env TENANT=VAR` entries. Keyring
    /// names follow the credential naming rule; a tenant may have one token.
    pub fn parse(
        fleet: Option<TokenSource>,
        tenant_tokens: &[String],
        tenant_token_envs: &[String],
    ) -> Result<Self> {
        if let Some(TokenSource::Keyring(name)) = &fleet {
            validate_name(name)?;
        }
        let mut tenants = Vec::new();
        for t in tenant_tokens {
            let (tenant, name) = parse_tenant("--tenant-token", t)?;
            validate_name(&name)?;
            tenants.push((tenant, TokenSource::Keyring(name)));
        }
        for t in tenant_token_envs {
            let (tenant, var) = parse_tenant("--tenant-token-env", t)?;
            tenants.push((tenant, TokenSource::Env(var)));
        }
        if let Some(dup) = tenants
            .iter()
            .enumerate()
            .find(|(i, (t, _))| tenants[..*i].iter().any(|(o, _)| o == t))
            .map(|(_, (t, _))| t.clone())
        {
            return Err(Error::Usage(format!(
                "tenant '{dup}' is given more than one token"
            )));
        }
        Ok(TokenSources { fleet, tenants })
    }

    /// Reads every token once, before any cluster is touched, with the username stored with each
    /// keyring credential (from `metas`). A missing credential is a usage error naming it.
    pub fn read(&self, store: &dyn SecretStore, metas: Option<&MetaStore>) -> Result<Credentials> {
        let fleet = self.fleet.as_ref().map(|s| s.resolve(store, metas)).transpose()?;
        let mut tenants = Vec::new();
        for (tenant, source) in &self.tenants {
            tenants.push(TenantToken {
                tenant: tenant.clone(),
                token: source.resolve(store, metas)?,
            });
        }
        Ok(Credentials { fleet, tenants })
    }
}

/// Parses `--tenant-token TENANT=VALUE`.
pub fn parse_tenant(flag: &'static str, text: &str) -> Result<(String, String), BootstrapError> {
    let (tenant, value) = text.split_once('=').ok_or_else(|| BootstrapError::InvalidFlag {
        flag,
        value: text.to_string(),
        reason: "expected TENANT=NAME, e.g. apps=apps-bot".into(),
    })?;
    names::dns_label(flag, tenant)?;
    if value.is_empty() {
        return Err(BootstrapError::InvalidFlag {
            flag,
            value: text.to_string(),
            reason: "the value after '=' is empty".into(),
        });
    }
    Ok((tenant.to_string(), value.to_string()))
}

/// Maps cluster directories to kube contexts: `--context CLUSTER=CONTEXT` entries, a bare
/// `--context NAME` when exactly one cluster is bootstrapped, and otherwise the context named like
/// the cluster path with `/` → `-` (`sts-devpkg/eu` → `sts-devpkg-eu`). Every context must exist.
pub fn map_contexts(
    clusters: &[String],
    raw: &[String],
    kubeconfig: &LoadedKubeconfig,
) -> Result<Vec<(String, String)>, BootstrapError> {
    let mut explicit: BTreeMap<String, String> = BTreeMap::new();
    for r in raw {
        match r.split_once('=') {
            Some((cluster, context)) => {
                if !clusters.iter().any(|c| c == cluster) {
                    return Err(BootstrapError::InvalidFlag {
                        flag: "--context",
                        value: r.clone(),
                        reason: format!(
                            "'{cluster}' is not one of the clusters being bootstrapped ({})",
                            clusters.join(", ")
                        ),
                    });
                }
                if context.is_empty() {
                    return Err(BootstrapError::InvalidFlag {
                        flag: "--context",
                        value: r.clone(),
                        reason: "the context after '=' is empty".into(),
                    });
                }
                explicit.insert(cluster.to_string(), context.to_string());
            }
            None if clusters.len() == 1 => {
                explicit.insert(clusters[0].clone(), r.clone());
            }
            None => {
                return Err(BootstrapError::InvalidFlag {
                    flag: "--context",
                    value: r.clone(),
                    reason: "with several clusters, say which one: --context CLUSTER=CONTEXT".into(),
                });
            }
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for c in clusters {
        let context = explicit
            .get(c)
            .cloned()
            .unwrap_or_else(|| clusters::default_context(c));
        if kubeconfig.require_context(&context).is_err() {
            return Err(BootstrapError::UnknownContext {
                cluster: c.clone(),
                context,
                available: kubeconfig.context_names(),
            });
        }
        // Two directories on one cluster would overwrite each other's FluxInstance.
        if let Some((other, _)) = out.iter().find(|(_, ctx)| *ctx == context) {
            return Err(BootstrapError::InvalidFlag {
                flag: "--context",
                value: format!("{c}={context}"),
                reason: format!(
                    "clusters '{other}' and '{c}' would both bootstrap context '{context}'; each cluster \
                     directory needs its own context"
                ),
            });
        }
        out.push((c.clone(), context));
    }
    Ok(out)
}

/// The plan printed by `--dry-run` for one cluster: what would be applied, Secrets redacted.
pub fn dry_run_plan(
    cluster: &str,
    context: &str,
    dir: &ClusterDir,
    preflight: &Preflight,
    manifest: Option<&OperatorManifest>,
    creds: &Credentials,
    username: Option<&str>,
) -> Result<String> {
    let mut docs: Vec<Value> = Vec::new();
    let mut notes = vec![format!(
        "# cluster {cluster} (context {context}, Kubernetes {})",
        preflight.server_version
    )];
    if let (Some(m), Some(action)) = (manifest, &preflight.operator) {
        match action {
            OperatorAction::Skip { version, reason } => {
                notes.push(format!("# Flux Operator {version}: {reason}, not applied"));
            }
            _ => {
                notes.push(format!("# Flux Operator {} from {}", m.version, m.origin));
                docs.extend(m.objects.iter().cloned());
            }
        }
    }
    docs.extend(
        creds
            .writes(dir, username)
            .iter()
            .map(|w| w.resolved.secret_object(&w.secret)),
    );
    docs.extend(dir.objects.iter().cloned());
    let mut out = notes.join("\n");
    out.push_str("\n---\n");
    out.push_str(&yaml::to_multi_doc(&docs, &format!("the plan for {cluster}"))?);
    Ok(out)
}

/// A source that reads a git Secret, with the `provider` it declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretReader {
    /// The file or directory declaring it, relative to the repository root.
    pub file: std::path::PathBuf,
    /// `FluxInstance spec.sync`, `GitRepository NAME`.
    pub what: String,
    /// Its provider (None = generic).
    pub provider: Option<String>,
}

/// GitRepositories under `tenants/` whose `spec.secretRef.name` is `secret`.
fn tenant_readers(repo: &FleetRepo, secret: &str) -> Vec<SecretReader> {
    readers_under(repo, &[std::path::PathBuf::from("tenants")], secret, None)
}

/// GitRepositories in the YAML files under `dirs` (relative to the repository root; a missing one
/// has none) whose `spec.secretRef.name` is `secret`, except under `skip`.
pub fn readers_under(
    repo: &FleetRepo,
    dirs: &[std::path::PathBuf],
    secret: &str,
    skip: Option<&std::path::Path>,
) -> Vec<SecretReader> {
    secret_refs_under(repo, dirs, skip)
        .into_iter()
        .filter(|(_, s)| s == secret)
        .map(|(r, _)| r)
        .collect()
}

/// Warnings for cluster `cluster` whose sync source (`reads`: "keos-fleet reads", "the sync
/// reads") reads Secret `pull_secret` (None: a public repository) when a GitRepository under
/// `dirs`, shared by every cluster, reads another Secret: bootstrap writes only the pull secret,
/// so that source finds nothing to authenticate with unless the Secret is made another way (which
/// is why this warns rather than refuses).
pub fn unreached_readers(
    repo: &FleetRepo,
    dirs: &[std::path::PathBuf],
    cluster: &str,
    reads: &str,
    pull_secret: Option<&str>,
) -> Vec<String> {
    secret_refs_under(repo, dirs, None)
        .into_iter()
        .filter(|(_, secret)| Some(secret.as_str()) != pull_secret)
        .map(|(r, secret)| {
            let (fleet_reads, or_flag) = match pull_secret {
                Some(p) => (
                    format!("{reads} Secret {p} (--pull-secret)"),
                    format!(", or pass --pull-secret {secret}"),
                ),
                None => (format!("{reads} no Secret (--public-repo)"), String::new()),
            };
            format!(
                "{}: {} reads Secret {secret}, but on cluster '{cluster}' {fleet_reads} and bootstrap \
                 writes only that one: create Secret {secret} on the cluster{or_flag}",
                r.file.display(),
                r.what,
            )
        })
        .collect()
}

/// Every GitRepository with a `spec.secretRef` in the YAML files under `dirs`, except under
/// `skip`, with the Secret it reads. Files that do not parse are skipped: they are not objects
/// Flux could apply either.
pub fn secret_refs_under(
    repo: &FleetRepo,
    dirs: &[std::path::PathBuf],
    skip: Option<&std::path::Path>,
) -> Vec<(SecretReader, String)> {
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(mut files) = yaml_files(&repo.path(dir)) else {
            continue;
        };
        files.sort();
        for f in files {
            let rel = f.strip_prefix(repo.root()).unwrap_or(&f).to_path_buf();
            if skip.is_some_and(|s| rel.starts_with(s)) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let Ok(docs) = yaml::from_multi_doc(&text, &f.display().to_string()) else {
                continue;
            };
            for d in docs {
                if pointer::kind(&d) != "GitRepository" {
                    continue;
                }
                let Some(secret) = str_at(&d, "/spec/secretRef/name") else {
                    continue;
                };
                let reader = SecretReader {
                    file: rel.clone(),
                    what: format!("GitRepository {}", str_at(&d, "/metadata/name").unwrap_or("?")),
                    provider: str_at(&d, "/spec/provider").map(str::to_string),
                };
                out.push((reader, secret.to_string()));
            }
        }
    }
    out
}

/// Every GitRepository and FluxInstance of the repository that authenticates with Secret `secret`
/// (a FluxInstance through `spec.sync.pullSecret`).
pub fn secret_readers(repo: &FleetRepo, secret: &str) -> Result<Vec<SecretReader>> {
    Ok(crate::repo::provider::find_sources(repo)?
        .into_iter()
        .filter(|s| s.secret == secret)
        .map(|s| SecretReader {
            what: match s.kind {
                crate::repo::provider::SourceKind::GitRepository => format!("GitRepository {}", s.name),
                crate::repo::provider::SourceKind::FluxInstance => {
                    format!("FluxInstance {} spec.sync", s.name)
                }
            },
            file: s.path,
            provider: s.provider,
        })
        .collect())
}

/// The provider a new source reading Secret `secret` must declare: the one every source in
/// `readers` (sources reading that Secret wherever the new one is applied) declares, generic when
/// there are none. Refused when they disagree, naming both: no Secret could serve both.
pub fn agreed_provider(
    readers: &[SecretReader],
    secret: &str,
    scope: &str,
) -> Result<names::GitProvider, BootstrapError> {
    use names::GitProvider;
    let Some(first) = readers.first() else {
        return Ok(GitProvider::default());
    };
    let want = GitProvider::from_field(first.provider.as_deref());
    for r in &readers[1..] {
        let have = GitProvider::from_field(r.provider.as_deref());
        if have != want {
            return Err(BootstrapError::InvalidClusterDir {
                path: r.file.clone(),
                reason: format!(
                    "{} has spec.provider {}, but {} in {} has {}: both read Secret {secret} {scope}, \
                     which has one form; make them agree first",
                    r.what,
                    have.name(),
                    first.what,
                    first.file.display(),
                    want.name(),
                ),
            });
        }
    }
    Ok(want)
}

/// A git Secret a run writes, as the sources reading it see it: which form it has and who gave
/// the credential (for the messages). Holds no secret material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretForm {
    /// The Secret's name.
    pub secret: String,
    /// The GitHub App form (else a token).
    pub app: bool,
    /// `--token credential 'NAME'`, or "the token from stdin or the environment".
    pub who: String,
    /// The sources reading it that fetch the fleet repository itself (the sync source; keos:
    /// keos-fleet), by name in the Secret's namespace: the ones the preflight judges as the
    /// cluster runs them (the sources they apply follow them).
    pub sources: Vec<String>,
    /// The Kustomization (`NAMESPACE/NAME`) applying the files that declare them, when known
    /// (the cluster's sync); a source's own kustomize-controller labels say better.
    pub applied_by: Option<String>,
}

impl SecretForm {
    /// The form of Secret `secret` written from `resolved`, given with `flag`.
    pub fn of(secret: &str, resolved: &ResolvedToken, flag: &str) -> Self {
        SecretForm {
            secret: secret.to_string(),
            app: resolved.is_app(),
            who: match &resolved.credential {
                Some(name) => format!("{flag} credential '{name}'"),
                None => "the token from stdin or the environment".to_string(),
            },
            sources: Vec::new(),
            applied_by: None,
        }
    }
}

/// Refuses `resolved` (given with `flag`) when one of `readers` cannot authenticate with the
/// Secret written from it: the error names the reader's file.
pub fn check_readers(
    resolved: &ResolvedToken,
    flag: &str,
    readers: &[SecretReader],
) -> Result<(), BootstrapError> {
    let form = SecretForm::of("", resolved, flag);
    for r in readers {
        if let Some(reason) = provider_mismatch(&form, &r.what, r.provider.as_deref()) {
            return Err(BootstrapError::InvalidClusterDir {
                path: r.file.clone(),
                reason,
            });
        }
    }
    Ok(())
}

/// Refuses credentials the sources reading their Secrets cannot use, before anything is written:
/// source-controller authenticates with a GitHub App Secret only when the source says `provider:
/// github`, and with a token Secret only when it does not ("has github app data but provider is
/// not set to github" / "secretRef with github app data must be specified"). Writing the other
/// form would break a running sync at its next fetch.
pub fn check_providers(
    repo: &FleetRepo,
    dir: &ClusterDir,
    creds: &Credentials,
) -> Result<(), BootstrapError> {
    for (resolved, flag, _, readers) in secrets_and_readers(repo, dir, creds) {
        check_readers(resolved, &flag, &readers)?;
    }
    Ok(())
}

/// The Secrets bootstrap writes on the cluster of `dir` (the sync Secret, then one per tenant),
/// each with its form and, for the sync Secret, the sync source, for the preflight to judge as
/// the cluster runs it ([`super::preflight::check_live_readers`]): the other sources reading
/// them are applied by the sync, and follow the pushed files once it fetches.
pub fn secret_forms(repo: &FleetRepo, dir: &ClusterDir, creds: &Credentials) -> Vec<SecretForm> {
    secrets_and_readers(repo, dir, creds)
        .into_iter()
        .map(|(resolved, flag, secret, _)| {
            let sync = dir.pull_secret.as_ref() == Some(&secret);
            SecretForm {
                sources: sync.then(|| dir.sync_source.clone()).into_iter().collect(),
                applied_by: sync
                    .then(|| dir.wait_for.iter().rfind(|w| w.kind == "Kustomization"))
                    .flatten()
                    .map(|w| format!("{}/{}", w.namespace, w.name)),
                ..SecretForm::of(&secret, resolved, &flag)
            }
        })
        .collect()
}

/// Per Secret bootstrap writes: its credential, the flag that gave it, its name, and the sources
/// of the fleet reading it.
fn secrets_and_readers<'a>(
    repo: &FleetRepo,
    dir: &ClusterDir,
    creds: &'a Credentials,
) -> Vec<(&'a ResolvedToken, String, String, Vec<SecretReader>)> {
    let mut out = Vec::new();
    if let (Some(fleet), Some(secret)) = (&creds.fleet, &dir.pull_secret) {
        let (provider, file) = &dir.sync_provider;
        let what = match dir.layout {
            super::ClusterLayout::D1 => "FluxInstance spec.sync".to_string(),
            super::ClusterLayout::Classic => "the sync GitRepository".to_string(),
        };
        let mut readers = vec![SecretReader {
            file: file.clone(),
            what,
            provider: provider.clone(),
        }];
        readers.extend(tenant_readers(repo, secret));
        out.push((fleet, "--token".to_string(), secret.clone(), readers));
    }
    for t in &creds.tenants {
        let secret = crate::repo::tenant_object_name(&t.tenant);
        let readers = tenant_readers(repo, &secret);
        out.push((&t.token, format!("--tenant-token {}", t.tenant), secret, readers));
    }
    out
}

/// Why source `what` with `provider` (None = generic) cannot authenticate with a Secret of `form`,
/// or None when it can.
pub fn provider_mismatch(form: &SecretForm, what: &str, provider: Option<&str>) -> Option<String> {
    let who = &form.who;
    match (form.app, provider == Some("github")) {
        (true, false) => Some(format!(
            "{what} has provider '{}', but {who} is a GitHub App: Flux \
             authenticates with an App only when the source says provider: github. Generate the \
             cluster with 'kubectl fleet bootstrap init --provider github' (tenants: 'kubectl fleet \
             tenant create --provider github'), or set the provider in this file, commit and push it \
             first",
            provider.unwrap_or("generic")
        )),
        (false, true) => Some(format!(
            "{what} has provider: github, which needs a GitHub App Secret, but {who} is a token: \
             store the App with 'kubectl fleet token set NAME --github-app' and pass it, or remove \
             provider: github"
        )),
        _ => None,
    }
}

/// Why the cluster's sync source `what` as it runs (`provider`, None = generic) would be stuck
/// with a Secret of `form`, or None. A token under a live `provider: github` is: kustomize-controller
/// applied the field from git and owns it, bootstrap applying the source without it cannot remove
/// it, and source-controller refuses the token there, so it never fetches the commit that drops
/// it. An App under a live generic source is not: bootstrap applies the sync source (or the
/// FluxInstance) with `provider: github` itself, with the Secret, and Flux then applies the pushed
/// files; the sources the sync applies follow it. `applied_by` is the Kustomization
/// (`NAMESPACE/NAME`) that applies the source, when known.
pub fn live_provider_mismatch(
    form: &SecretForm,
    what: &str,
    provider: Option<&str>,
    applied_by: Option<&str>,
) -> Option<String> {
    if form.app || provider != Some("github") {
        return None;
    }
    let wait = match applied_by.and_then(|k| k.split_once('/')) {
        Some((ns, name)) => {
            format!("wait until Flux applied it ('kubectl fleet reconcile ks/{ns}/{name} --with-source')")
        }
        None => "wait until Flux applied it".to_string(),
    };
    Some(format!(
        "{what} has provider: github on the cluster, but {} is a token: source-controller refuses \
         a token under provider: github, and bootstrap cannot drop a field Flux applied from git, so \
         the source would stop fetching and never see the commit that removes it. Push that commit \
         while the App Secret is in place, {wait}, then bootstrap with the token",
        form.who
    ))
}

/// GitRepositories under `tenants/` that read the sync Secret too (d1's `flux-infra` reuses
/// `flux-system`, d1-architecture.md §7): the token then also needs access to their repositories.
pub fn secret_reusers(repo: &FleetRepo, secret: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(files) = yaml_files(&repo.path("tenants")) else {
        return out;
    };
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let Ok(docs) = yaml::from_multi_doc(&text, &f.display().to_string()) else {
            continue;
        };
        for d in docs {
            if pointer::kind(&d) == "GitRepository" && str_at(&d, "/spec/secretRef/name") == Some(secret) {
                let name = str_at(&d, "/metadata/name").unwrap_or("?");
                let url = str_at(&d, "/spec/url").unwrap_or("?");
                out.push((name.to_string(), url.to_string()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{CredentialMeta, GitAuth, MemoryStore, Provider, Token};

    #[test]
    fn token_flags_are_parsed_and_checked() {
        let sources = TokenSources::parse(
            Some(TokenSource::Env("FLEET_TOKEN".into())),
            &["apps=apps-bot".into()],
            &["infra=INFRA_TOKEN".into()],
        )
        .expect("valid");
        assert_eq!(
            sources.tenants,
            [
                ("apps".to_string(), TokenSource::Keyring("apps-bot".into())),
                ("infra".to_string(), TokenSource::Env("INFRA_TOKEN".into()))
            ]
        );
        assert!(sources.needs_keyring());
        let err = TokenSources::parse(None, &["apps=a".into()], &["apps=B".into()]).unwrap_err();
        assert_eq!(err.to_string(), "tenant 'apps' is given more than one token");
        let err = TokenSources::parse(None, &["apps".into()], &[]).unwrap_err();
        assert!(err.to_string().contains("expected TENANT=NAME"), "{err}");
        let err = TokenSources::parse(None, &["Apps=a".into()], &[]).unwrap_err();
        assert!(err.to_string().contains("invalid --tenant-token 'Apps'"), "{err}");
        assert!(TokenSources::parse(Some(TokenSource::Keyring("Bad_Name".into())), &[], &[]).is_err());
        assert!(
            !TokenSources::parse(None, &[], &[])
                .expect("valid")
                .needs_keyring()
        );
    }

    #[test]
    fn a_credential_must_suit_every_source_reading_its_secret() {
        let root = tempfile::tempdir().expect("temp dir");
        let tenants = root.path().join("tenants/infra");
        std::fs::create_dir_all(&tenants).expect("mkdir");
        // d1's flux-infra reads the sync Secret too, here without provider github.
        std::fs::write(
            tenants.join("sync.yaml"),
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-infra\nspec:\n  url: https://github.com/acme/infra.git\n  secretRef:\n    name: flux-system\n",
        )
        .expect("write");
        let repo = FleetRepo::open(root.path()).expect("repo");
        let pem = std::process::Command::new("openssl")
            .args(["genrsa", "2048"])
            .output()
            .expect("openssl runs")
            .stdout;
        let key =
            crate::credentials::github_app::AppKey::from_pem(&String::from_utf8(pem).expect("pem"), "test")
                .expect("key");
        let app = ResolvedToken {
            auth: GitAuth::App(crate::credentials::AppAuth {
                app_id: 1,
                installation_id: 2,
                base_url: None,
                key,
            }),
            credential: Some("fleet-app".into()),
            stored_username: None,
        };
        let token = ResolvedToken {
            auth: GitAuth::Token(Token::new("ghp_x").expect("valid")),
            credential: None,
            stored_username: None,
        };
        let dir = |provider: Option<&str>| ClusterDir {
            name: "staging".into(),
            path: "clusters/staging".into(),
            layout: crate::bootstrap::ClusterLayout::D1,
            namespace: "flux-system".into(),
            objects: Vec::new(),
            pull_secret: Some("flux-system".into()),
            sync_provider: (
                provider.map(str::to_string),
                "clusters/staging/flux-system/flux-instance.yaml".into(),
            ),
            sync_source: "flux-system".into(),
            wait_for: Vec::new(),
            flux_version: None,
            warnings: Vec::new(),
        };
        let with = |t: &ResolvedToken| Credentials {
            fleet: Some(t.clone()),
            tenants: Vec::new(),
        };
        // The FluxInstance says generic: refused, naming its file.
        let err = check_providers(&repo, &dir(None), &with(&app))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("clusters/staging/flux-system/flux-instance.yaml: FluxInstance spec.sync has provider 'generic'")
                && err.contains("--provider github"),
            "{err}"
        );
        // The FluxInstance is right, but flux-infra reads the same Secret as generic.
        let err = check_providers(&repo, &dir(Some("github")), &with(&app))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("tenants/infra/sync.yaml: GitRepository flux-infra has provider 'generic'"),
            "{err}"
        );
        // A token for a provider github source.
        let err = check_providers(&repo, &dir(Some("github")), &with(&token))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("needs a GitHub App Secret, but the token from stdin or the environment is a token"),
            "{err}"
        );
        assert!(check_providers(&repo, &dir(None), &with(&token)).is_ok());

        // What the preflight judges on the cluster: the sync source, by name.
        let forms = secret_forms(&repo, &dir(None), &with(&app));
        assert_eq!(forms.len(), 1);
        assert_eq!((forms[0].secret.as_str(), forms[0].app), ("flux-system", true));
        assert_eq!(
            forms[0].sources,
            ["flux-system"],
            "the sync source only: flux-infra follows it"
        );
        assert_eq!(forms[0].who, "--token credential 'fleet-app'");
        let live = |form: &SecretForm, provider, by| {
            live_provider_mismatch(form, "GitRepository flux-system/flux-system", provider, by)
        };
        // An App over a generic source: bootstrap sets provider: github on it itself.
        assert_eq!(live(&forms[0], None, Some("flux-system/flux-system")), None);
        assert_eq!(live(&forms[0], Some("github"), None), None);
        let token_form = &secret_forms(&repo, &dir(None), &with(&token))[0];
        let token_on_github = live(token_form, Some("github"), None).expect("refused");
        assert!(
            token_on_github.contains("has provider: github on the cluster")
                && token_on_github.contains("wait until Flux applied it, then bootstrap with the token"),
            "{token_on_github}"
        );
        let named = live(token_form, Some("github"), Some("flux-system/flux-system")).expect("refused");
        assert!(
            named.contains("'kubectl fleet reconcile ks/flux-system/flux-system --with-source'"),
            "{named}"
        );
        assert_eq!(live(token_form, None, None), None);
        assert_eq!(live(token_form, Some("generic"), None), None);
    }

    #[test]
    fn tokens_are_read_with_their_stored_usernames() {
        let store = MemoryStore::default();
        store
            .set("fleet-bot", &Token::new("ghp_fleet").expect("valid"))
            .expect("set");
        store
            .set("apps-bot", &Token::new("ghp_apps").expect("valid"))
            .expect("set");
        let dir = tempfile::tempdir().expect("temp dir");
        let metas = MetaStore::at(dir.path());
        metas
            .update(|index| {
                index.credentials.insert(
                    "fleet-bot".into(),
                    CredentialMeta::new(
                        Provider::Github,
                        "https://api.github.com",
                        "fleet-user",
                        jiff::Timestamp::now(),
                    ),
                );
                Ok(())
            })
            .expect("saved");
        let sources = TokenSources::parse(
            Some(TokenSource::Keyring("fleet-bot".into())),
            &["apps=apps-bot".into()],
            &[],
        )
        .expect("valid");
        let creds = sources.read(&store, Some(&metas)).expect("read");
        let fleet = creds.fleet.as_ref().expect("fleet token");
        assert!(matches!(&fleet.auth, GitAuth::Token(t) if t.expose() == "ghp_fleet"));
        assert_eq!(fleet.username(None), "fleet-user");
        assert_eq!(creds.tenants[0].token.username(None), "git");

        let dir = ClusterDir {
            name: "staging".into(),
            path: "clusters/staging".into(),
            layout: crate::bootstrap::ClusterLayout::D1,
            namespace: "flux-system".into(),
            objects: Vec::new(),
            pull_secret: Some("flux-system".into()),
            sync_provider: (None, "clusters/staging/flux-system/flux-instance.yaml".into()),
            sync_source: "flux-system".into(),
            wait_for: Vec::new(),
            flux_version: None,
            warnings: Vec::new(),
        };
        let writes = creds.writes(&dir, Some("bot"));
        let names: Vec<&str> = writes.iter().map(|w| w.secret.name.as_str()).collect();
        assert_eq!(names, ["flux-system", "flux-apps"]);
        assert_eq!(writes[0].secret.username, "bot");
        assert_eq!(writes[0].secret.credential.as_deref(), Some("fleet-bot"));
        assert!(matches!(&writes[1].resolved.auth, GitAuth::Token(t) if t.expose() == "ghp_apps"));
        assert_eq!(
            writes[1]
                .secret
                .labels
                .get("toolkit.fluxcd.io/tenant")
                .map(String::as_str),
            Some("apps")
        );

        let missing = TokenSources::parse(Some(TokenSource::Keyring("nope".into())), &[], &[])
            .expect("valid")
            .read(&store, None)
            .unwrap_err();
        assert_eq!(missing.exit_status(), crate::ExitStatus::Usage);
        assert!(missing.to_string().contains("nope"), "{missing}");
    }
}
