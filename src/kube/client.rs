//! Kubeconfig loading (kubectl's rules, including a multi-path `KUBECONFIG`), context selection for
//! fleet commands, and one client per context.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};

use super::{error::KubeError, options::ClientOptions};
use crate::error::ConfigError;

/// A kubeconfig merged from its sources, ready to build clients for any of its contexts.
#[derive(Clone, Debug)]
pub struct LoadedKubeconfig {
    config: Kubeconfig,
    sources: Vec<PathBuf>,
}

/// The clusters a command acts on, as its flags select them (`--kubeconfig`, `--context`,
/// `--all-contexts`, the request timeout): the one selection every workflow takes. Resolved only
/// when the workflow needs clusters, after its own checks, so a usage error is reported before a
/// bad kubeconfig and a command that needs no cluster never reads one.
#[derive(Clone, Debug, Default)]
pub struct ClusterSelection {
    /// The kubeconfig file (default: `$KUBECONFIG`, then `~/.kube/config`).
    pub kubeconfig: Option<PathBuf>,
    /// The contexts (default: the current one).
    pub contexts: Vec<String>,
    /// Every context of the kubeconfig.
    pub all_contexts: bool,
    /// Client timeouts.
    pub client: ClientOptions,
}

impl ClusterSelection {
    /// The kubeconfig this selection reads.
    pub fn load(&self) -> Result<LoadedKubeconfig, ConfigError> {
        load_kubeconfig(self.kubeconfig.as_deref())
    }

    /// The selected contexts of `kubeconfig` (see [`LoadedKubeconfig::select`]).
    pub fn contexts_of(&self, kubeconfig: &LoadedKubeconfig) -> Result<Vec<String>, ConfigError> {
        kubeconfig.select(&self.contexts, self.all_contexts)
    }

    /// Clients for the selected contexts (no request is made; configuration errors only).
    pub async fn targets(&self) -> Result<Vec<KubeTarget>, ConfigError> {
        let kubeconfig = self.load()?;
        let mut out = Vec::new();
        for context in self.contexts_of(&kubeconfig)? {
            out.push(kubeconfig.target(&context, self.client).await?);
        }
        Ok(out)
    }
}

/// Loads the kubeconfig the way kubectl does: `--kubeconfig` if given, else every file listed in
/// `KUBECONFIG` (missing files skipped, first value wins), else `~/.kube/config`. Kept by hand
/// because kube-rs's own loader fails on a missing file in `KUBECONFIG`, which kubectl skips.
pub fn load_kubeconfig(explicit: Option<&Path>) -> Result<LoadedKubeconfig, ConfigError> {
    load_kubeconfig_with(explicit, std::env::var_os("KUBECONFIG").as_deref())
}

/// [`load_kubeconfig`] with the value of `KUBECONFIG` passed in (tests, completion helpers).
pub fn load_kubeconfig_with(
    explicit: Option<&Path>,
    kubeconfig_env: Option<&std::ffi::OsStr>,
) -> Result<LoadedKubeconfig, ConfigError> {
    if let Some(path) = explicit {
        let config = read_one(path)?;
        return Ok(LoadedKubeconfig {
            config,
            sources: vec![path.to_path_buf()],
        });
    }
    let from_env = kubeconfig_env.is_some_and(|value| !value.is_empty());
    let paths: Vec<PathBuf> = match kubeconfig_env {
        Some(value) if from_env => std::env::split_paths(value)
            .filter(|p| !p.as_os_str().is_empty())
            .collect(),
        _ => default_path().into_iter().collect(),
    };
    let existing: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
    if existing.is_empty() {
        return Err(ConfigError::NoKubeconfig {
            searched: paths,
            from_env,
        });
    }
    let mut merged = Kubeconfig::default();
    for path in &existing {
        let next = read_one(path)?;
        merged = merged.merge(next).map_err(|source| ConfigError::ReadKubeconfig {
            path: path.clone(),
            source,
        })?;
    }
    Ok(LoadedKubeconfig {
        config: merged,
        sources: existing,
    })
}

fn read_one(path: &Path) -> Result<Kubeconfig, ConfigError> {
    Kubeconfig::read_from(path).map_err(|source| match source {
        // kube's message quotes the path a second time; the I/O error alone says what is wrong.
        KubeconfigError::ReadConfig(source, _) => ConfigError::OpenKubeconfig {
            path: path.to_path_buf(),
            source,
        },
        source => ConfigError::ReadKubeconfig {
            path: path.to_path_buf(),
            source,
        },
    })
}

fn default_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".kube").join("config"))
}

impl LoadedKubeconfig {
    /// The files this kubeconfig was merged from.
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }

    /// Context names in file order.
    pub fn context_names(&self) -> Vec<String> {
        self.config.contexts.iter().map(|c| c.name.clone()).collect()
    }

    /// The `current-context`, if set.
    pub fn current_context(&self) -> Option<&str> {
        self.config.current_context.as_deref().filter(|c| !c.is_empty())
    }

    /// Checks that a context exists.
    pub fn require_context(&self, name: &str) -> Result<(), ConfigError> {
        if self.config.contexts.iter().any(|c| c.name == name) {
            Ok(())
        } else {
            Err(ConfigError::UnknownContext {
                name: name.to_string(),
                available: self.context_names(),
            })
        }
    }

    /// The contexts a fleet command acts on: every `--context` given (validated, deduplicated, in
    /// order), all contexts with `--all-contexts`, otherwise the current context.
    pub fn select(&self, contexts: &[String], all: bool) -> Result<Vec<String>, ConfigError> {
        if all {
            return Ok(self.context_names());
        }
        if contexts.is_empty() {
            let current = self.current_context().ok_or(ConfigError::NoCurrentContext)?;
            self.require_context(current)?;
            return Ok(vec![current.to_string()]);
        }
        let mut out: Vec<String> = Vec::new();
        for c in contexts {
            self.require_context(c)?;
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        Ok(out)
    }

    /// The default namespace of a context (its `namespace`, else `default`).
    pub fn context_namespace(&self, context: &str) -> String {
        self.config
            .contexts
            .iter()
            .find(|c| c.name == context)
            .and_then(|c| c.context.as_ref())
            .and_then(|c| c.namespace.clone())
            .unwrap_or_else(|| "default".to_string())
    }

    /// Builds a client for one context. No request is made: reachability shows on first use.
    pub async fn target(&self, context: &str, opts: ClientOptions) -> Result<KubeTarget, ConfigError> {
        let config = self.config(context, opts).await?;
        let client = kube::Client::try_from(config.clone()).map_err(|source| ConfigError::Client {
            context: context.to_string(),
            source,
        })?;
        Ok(KubeTarget::new(context, &config, client))
    }

    /// Like [`LoadedKubeconfig::target`], with a client that speaks HTTP/2 to the apiserver when
    /// the server offers it (ALPN `h2`, as every kube-apiserver does): every request of a command
    /// shares one TLS connection, so a burst of concurrent requests costs one handshake instead of
    /// one per request. Falls back to the default HTTP/1.1 client behind a proxy or without TLS.
    pub async fn target_multiplexed(
        &self,
        context: &str,
        opts: ClientOptions,
    ) -> Result<KubeTarget, ConfigError> {
        let config = self.config(context, opts).await?;
        let https = config.cluster_url.scheme() == Some(&http::uri::Scheme::HTTPS);
        let client = if https && config.proxy_url.is_none() {
            multiplexed_client(&config)
        } else {
            kube::Client::try_from(config.clone())
        }
        .map_err(|source| ConfigError::Client {
            context: context.to_string(),
            source,
        })?;
        Ok(KubeTarget::new(context, &config, client))
    }

    async fn config(&self, context: &str, opts: ClientOptions) -> Result<kube::Config, ConfigError> {
        self.require_context(context)?;
        let options = KubeConfigOptions {
            context: Some(context.to_string()),
            ..Default::default()
        };
        let mut config = kube::Config::from_custom_kubeconfig(self.config.clone(), &options)
            .await
            .map_err(|source| ConfigError::InvalidContext {
                context: context.to_string(),
                source,
            })?;
        config.connect_timeout = Some(opts.connect_timeout);
        config.read_timeout = Some(opts.request_timeout);
        config.write_timeout = Some(opts.request_timeout);
        Ok(config)
    }
}

/// Flow-control windows of the HTTP/2 client: large enough that a big LIST streams at full speed
/// over a long round trip (the defaults, 2 MiB per stream, would cap a 100 ms link at 20 MB/s).
const H2_STREAM_WINDOW: u32 = 16 << 20;
const H2_CONNECTION_WINDOW: u32 = 64 << 20;

type Connector = hyper_timeout::TimeoutConnector<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
>;
type Hyper = hyper_util::client::legacy::Client<Connector, kube::client::Body>;

/// kube's default stack (base URI, gzip, auth, extra headers, timeouts) over [`Negotiated`].
fn multiplexed_client(config: &kube::Config) -> Result<kube::Client, kube::Error> {
    use hyper_util::rt::TokioExecutor;
    use kube::client::ConfigExt;
    use tower::ServiceBuilder;

    let connector = |h2: bool| -> Result<Connector, kube::Error> {
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(config.connect_timeout);
        let tls = config.rustls_client_config()?;
        let builder = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http();
        let builder = match &config.tls_server_name {
            Some(name) => {
                let name = rustls::pki_types::ServerName::try_from(name.clone()).map_err(|e| {
                    kube::Error::Service(format!("invalid tls-server-name '{name}': {e}").into())
                })?;
                builder.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name))
            }
            None => builder,
        };
        let https = if h2 {
            builder.enable_http2().wrap_connector(http)
        } else {
            builder.enable_http1().wrap_connector(http)
        };
        let mut connector = hyper_timeout::TimeoutConnector::new(https);
        connector.set_connect_timeout(config.connect_timeout);
        if !h2 {
            // A socket read timeout would also fire on an idle HTTP/2 connection; HTTP/2 uses
            // keep-alive pings instead (below).
            connector.set_read_timeout(config.read_timeout);
            connector.set_write_timeout(config.write_timeout);
        }
        Ok(connector)
    };
    // HTTP/2 only: the pool then knows the connection is shared, and requests sent while it is
    // being set up wait for it instead of each opening its own.
    let h2 = hyper_util::client::legacy::Builder::new(TokioExecutor::new())
        .http2_only(true)
        .timer(hyper_util::rt::TokioTimer::new())
        .http2_keep_alive_interval(Some(Duration::from_secs(15)))
        .http2_keep_alive_timeout(config.read_timeout.unwrap_or(Duration::from_secs(30)))
        .http2_initial_stream_window_size(H2_STREAM_WINDOW)
        .http2_initial_connection_window_size(H2_CONNECTION_WINDOW)
        .build(connector(true)?);
    let h1 = hyper_util::client::legacy::Builder::new(TokioExecutor::new()).build(connector(false)?);
    let negotiated = Negotiated {
        h2,
        h1,
        fallback: Arc::new(AtomicBool::new(false)),
        outcome: Arc::new(tokio::sync::watch::Sender::new(None)),
    };
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .layer(
            tower_http::decompression::DecompressionLayer::new()
                .no_br()
                .no_deflate()
                .no_zstd()
                .gzip(!config.disable_compression),
        )
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(tower::BoxError::from)
        .service(negotiated);
    Ok(kube::Client::new(service, config.default_namespace.clone()))
}

/// HTTP/2 to the apiserver, or HTTP/1.1 for good once a connection could not be made or used
/// with HTTP/2 (a proxy or load balancer in front of the apiserver that does not speak it). The
/// failed request is sent again over HTTP/1.1 (the tree only sends GETs).
#[derive(Clone)]
struct Negotiated {
    h2: Hyper,
    h1: Hyper,
    fallback: Arc<AtomicBool>,
    /// How the first connection attempt ended, for the requests that were waiting on it: hyper's
    /// pool tells those only that their checkout is "no longer wanted" ("request was canceled").
    outcome: Arc<tokio::sync::watch::Sender<Option<Arc<Outcome>>>>,
}

type HyperError = hyper_util::client::legacy::Error;

/// How connecting over HTTP/2 ended, when it did not succeed.
enum Outcome {
    /// The server could not be reached at all (refused, timed out, DNS): HTTP/1.1 would fail too.
    Unreachable(Arc<HyperError>),
    /// The server was reached but not over HTTP/2 (e.g. TLS ALPN refused it): use HTTP/1.1.
    Http1,
}

/// A connect failure shared by every request that waited for the same connection: its source is
/// the failure itself, so error messages name the real cause (refused, timed out after 5s).
#[derive(Debug)]
struct SharedConnectFailure(Arc<HyperError>);

impl std::fmt::Display for SharedConnectFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SharedConnectFailure {
    // The hyper error itself (not the `Arc`), so callers can downcast to it.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.0.as_ref())
    }
}

/// The connect error's cause: `Some(true)` when the server is unreachable (I/O or timeout, TLS
/// aside), `Some(false)` for any other cause, `None` for a pool cancellation (no cause at all).
fn unreachable(e: &HyperError) -> Option<bool> {
    let mut next = std::error::Error::source(e);
    let mut any = false;
    while let Some(cause) = next {
        if cause.is::<tokio::time::error::Elapsed>() {
            return Some(true);
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            let tls = io.get_ref().is_some_and(|inner| inner.is::<rustls::Error>());
            return Some(!tls);
        }
        any = true;
        next = cause.source();
    }
    any.then_some(false)
}

impl Negotiated {
    fn publish(&self, outcome: Outcome) {
        self.outcome.send_replace(Some(Arc::new(outcome)));
    }

    /// What a request that waited on a failed connect should do: share the failure, or retry over
    /// HTTP/1.1 (`None`) when the server was reached but refused HTTP/2.
    async fn waited(&self) -> Option<Arc<HyperError>> {
        let mut outcomes = self.outcome.subscribe();
        let seen = tokio::time::timeout(Duration::from_secs(1), outcomes.wait_for(Option::is_some)).await;
        match seen.ok()?.ok()?.as_ref().map(|o| o.as_ref()) {
            Some(Outcome::Unreachable(e)) => Some(e.clone()),
            _ => None,
        }
    }

    async fn over_http1(
        &self,
        retry: Option<http::Request<kube::client::Body>>,
        e: HyperError,
    ) -> Result<http::Response<hyper::body::Incoming>, tower::BoxError> {
        match retry {
            Some(again) => {
                self.fallback.store(true, Ordering::Relaxed);
                self.publish(Outcome::Http1);
                Ok(self.h1.request(again).await?)
            }
            None => Err(e.into()),
        }
    }
}

impl tower::Service<http::Request<kube::client::Body>> for Negotiated {
    type Response = http::Response<hyper::body::Incoming>;
    type Error = tower::BoxError;
    type Future = futures::future::BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<kube::client::Body>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            if this.fallback.load(Ordering::Relaxed) {
                return Ok(this.h1.request(request).await?);
            }
            let retry = request.body().try_clone().map(|body| {
                let mut again = http::Request::new(body);
                *again.method_mut() = request.method().clone();
                *again.uri_mut() = request.uri().clone();
                *again.headers_mut() = request.headers().clone();
                again
            });
            match this.h2.request(request).await {
                Ok(response) => Ok(response),
                Err(e) if e.is_connect() => match unreachable(&e) {
                    // A server that cannot be reached is not one that lacks HTTP/2: retrying over
                    // HTTP/1.1 would only double the wait before the error.
                    Some(true) => {
                        let e = Arc::new(e);
                        this.publish(Outcome::Unreachable(e.clone()));
                        Err(tower::BoxError::from(SharedConnectFailure(e)))
                    }
                    Some(false) => this.over_http1(retry, e).await,
                    None => match this.waited().await {
                        Some(failure) => Err(tower::BoxError::from(SharedConnectFailure(failure))),
                        None => this.over_http1(retry, e).await,
                    },
                },
                Err(e) => this.over_http1(retry, e).await,
            }
        })
    }
}

/// A client bound to one kube context, carrying what error messages need.
#[derive(Clone)]
pub struct KubeTarget {
    /// The kube context name.
    pub context: String,
    /// The apiserver URL (for messages; never credentials).
    pub server: String,
    /// The context's default namespace.
    pub namespace: String,
    /// The client.
    pub client: kube::Client,
    /// The client's timeouts, so errors say how long it waited.
    pub timeouts: ClientOptions,
}

impl std::fmt::Debug for KubeTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeTarget")
            .field("context", &self.context)
            .field("server", &self.server)
            .finish()
    }
}

impl KubeTarget {
    fn new(context: &str, config: &kube::Config, client: kube::Client) -> Self {
        KubeTarget {
            context: context.to_string(),
            server: config.cluster_url.to_string().trim_end_matches('/').to_string(),
            namespace: config.default_namespace.clone(),
            client,
            timeouts: ClientOptions {
                connect_timeout: config
                    .connect_timeout
                    .unwrap_or(ClientOptions::default().connect_timeout),
                request_timeout: config
                    .read_timeout
                    .unwrap_or(ClientOptions::default().request_timeout),
            },
        }
    }

    /// Wraps a kube error with this target's context and server.
    pub fn err(&self, action: impl Into<String>, e: kube::Error) -> KubeError {
        KubeError::from_kube(&self.context, &self.server, self.timeouts, action, e)
    }

    /// Asks the apiserver whether the current user may `verb` a resource (one
    /// SelfSubjectAccessReview): preflights use it so nothing is written before every permission
    /// a command needs is known to be granted. `name` narrows the check to one object.
    pub async fn can_i(
        &self,
        verb: &str,
        group: &str,
        resource: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> Result<bool, KubeError> {
        use k8s_openapi::api::authorization::v1::{
            ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
        };
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(verb.into()),
                    group: Some(group.into()),
                    resource: Some(resource.into()),
                    namespace: namespace.map(str::to_string),
                    name: name.map(str::to_string),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let api: kube::Api<SelfSubjectAccessReview> = kube::Api::all(self.client.clone());
        let answer = api
            .create(&kube::api::PostParams::default(), &review)
            .await
            .map_err(|e| {
                let scope = namespace
                    .map(|n| format!(" in namespace {n}"))
                    .unwrap_or_default();
                self.err(format!("check whether the user may {verb} {resource}{scope}"), e)
            })?;
        Ok(answer.status.is_some_and(|s| s.allowed))
    }

    /// `GET /version`: the cheapest reachability check, returning e.g. `v1.36.3`.
    pub async fn server_version(&self) -> Result<String, KubeError> {
        let info = self
            .client
            .apiserver_version()
            .await
            .map_err(|e| self.err("get the server version", e))?;
        Ok(info.git_version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_CONTEXTS: &str = r#"
apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:1"}
- name: b
  cluster: {server: "https://127.0.0.1:2"}
users:
- name: u
  user: {token: "t"}
contexts:
- name: staging
  context: {cluster: a, user: u, namespace: apps}
- name: prod
  context: {cluster: b, user: u}
current-context: prod
"#;

    fn loaded() -> LoadedKubeconfig {
        let config = Kubeconfig::from_yaml(TWO_CONTEXTS).expect("valid kubeconfig");
        LoadedKubeconfig {
            config,
            sources: vec![],
        }
    }

    #[test]
    fn selects_current_context_by_default() {
        assert_eq!(loaded().select(&[], false).expect("selects"), vec!["prod"]);
    }

    #[test]
    fn selects_all_contexts_in_file_order() {
        assert_eq!(
            loaded().select(&[], true).expect("selects"),
            vec!["staging", "prod"]
        );
    }

    #[test]
    fn rejects_unknown_contexts_and_lists_the_known_ones() {
        let err = loaded().select(&["nope".to_string()], false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "context 'nope' not found in kubeconfig (available: staging, prod)"
        );
    }

    #[test]
    fn deduplicates_repeated_contexts() {
        let got = loaded()
            .select(&["prod".into(), "staging".into(), "prod".into()], false)
            .expect("selects");
        assert_eq!(got, vec!["prod", "staging"]);
    }

    #[test]
    fn context_namespace_defaults_to_default() {
        let k = loaded();
        assert_eq!(k.context_namespace("staging"), "apps");
        assert_eq!(k.context_namespace("prod"), "default");
    }
}
