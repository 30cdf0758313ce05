//! Test doubles for the token tests, shared by the `it` and `keyring` binaries (included with
//! `#[path]`): a loopback HTTP server that answers like GitHub's `/user` and GitLab's
//! `/personal_access_tokens/self`, a stand-in for source-controller that handles
//! `reconcile.fluxcd.io/requestedAt` on real apiservers the way the controller does, with a "git
//! server" that accepts exactly one token, and the fault injectors of the rotation transaction
//! tests: a keyring that fails chosen calls, and a reporter that stops an operation dead at a
//! chosen step (a panic, so no undo code runs: what a killed process leaves behind).

#![allow(dead_code)]

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Write},
    net::{TcpListener, TcpStream},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use fleet::{
    credentials::{CredentialError, MemoryStore, SecretStore, Token},
    kube::KubeTarget,
    output::{Level, Progress, Recorder, Reporter},
};
use k8s_openapi::api::core::v1::Secret;
use kube::{
    Api,
    api::{ApiResource, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams},
};
use serde_json::{Value, json};

/// What the fake provider answers for one token.
#[derive(Clone, Debug)]
pub enum Answer {
    /// GitHub 200 with a login and, optionally, the expiry header (sent verbatim).
    GithubValid {
        login: String,
        expiry_header: Option<String>,
        scopes: Option<String>,
    },
    /// GitLab 200 for `/personal_access_tokens/self`.
    GitlabValid {
        name: String,
        expires_at: Option<String>,
        active: bool,
    },
    /// 429 with an exhausted rate limit.
    RateLimited,
}

/// One request the fake provider received.
#[derive(Clone, Debug)]
pub struct Seen {
    /// Request line, e.g. `GET /user HTTP/1.1`.
    pub request_line: String,
    /// Header names and values (lower-case names).
    pub headers: BTreeMap<String, String>,
}

/// A loopback HTTP server answering like GitHub and GitLab. Unknown tokens get 401.
pub struct FakeProvider {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    answers: Arc<Mutex<BTreeMap<String, Answer>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl FakeProvider {
    /// Starts the server on a free loopback port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let answers: Arc<Mutex<BTreeMap<String, Answer>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        listener.set_nonblocking(true).expect("nonblocking");
        let (a, s, st) = (answers.clone(), seen.clone(), stop.clone());
        std::thread::spawn(move || {
            while !st.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (a, s) = (a.clone(), s.clone());
                        std::thread::spawn(move || serve(stream, &a, &s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        FakeProvider {
            url,
            answers,
            seen,
            stop,
        }
    }

    /// Registers the answer for a token.
    pub fn answer(&self, token: &str, answer: Answer) {
        self.answers
            .lock()
            .expect("lock")
            .insert(token.to_string(), answer);
    }

    /// The requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(stream: TcpStream, answers: &Mutex<BTreeMap<String, Answer>>, seen: &Mutex<Vec<Seen>>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.trim_end().split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    seen.lock().expect("lock").push(Seen {
        request_line: request_line.trim_end().to_string(),
        headers: headers.clone(),
    });
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let token = headers
        .get("authorization")
        .and_then(|a| a.strip_prefix("Bearer ").or_else(|| a.strip_prefix("token ")))
        .or(headers.get("private-token").map(String::as_str))
        .unwrap_or("")
        .to_string();
    let answer = answers.lock().expect("lock").get(&token).cloned();
    let (status, extra, body) = match (path.as_str(), answer) {
        (
            p,
            Some(Answer::GithubValid {
                login,
                expiry_header,
                scopes,
            }),
        ) if p.ends_with("/user") => {
            let mut extra = vec![("X-RateLimit-Remaining".to_string(), "4999".to_string())];
            if let Some(h) = expiry_header {
                extra.push(("GitHub-Authentication-Token-Expiration".into(), h));
            }
            if let Some(s) = scopes {
                extra.push(("X-OAuth-Scopes".into(), s));
            }
            (200, extra, json!({"login": login, "id": 1}).to_string())
        }
        (
            p,
            Some(Answer::GitlabValid {
                name,
                expires_at,
                active,
            }),
        ) if p.ends_with("/personal_access_tokens/self") => (
            200,
            vec![],
            json!({"id": 7, "name": name, "revoked": false, "active": active, "user_id": 42,
                   "scopes": ["read_repository"], "expires_at": expires_at})
            .to_string(),
        ),
        (_, Some(Answer::RateLimited)) => (
            429,
            vec![
                ("X-RateLimit-Remaining".into(), "0".into()),
                ("X-RateLimit-Reset".into(), "1893456000".into()),
            ],
            json!({"message": "API rate limit exceeded"}).to_string(),
        ),
        (p, _) if p.ends_with("/personal_access_tokens/self") => {
            (401, vec![], json!({"message": "401 Unauthorized"}).to_string())
        }
        _ => (401, vec![], json!({"message": "Bad credentials"}).to_string()),
    };
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        _ => "Too Many Requests",
    };
    let mut response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        response.push_str(&format!("{k}: {v}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&body);
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}

/// `now + days` as GitHub writes the expiry header.
pub fn github_expiry_in(days: i64) -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days);
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn git_repository_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("source.toolkit.fluxcd.io", "v1", "GitRepository"),
        "gitrepositories",
    )
}

/// A stand-in for source-controller on one cluster and a set of namespaces: whenever a
/// GitRepository's `reconcile.fluxcd.io/requestedAt` differs from its
/// `status.lastHandledReconcileAt`, it "fetches" with the password of the referenced Secret (the
/// git server accepts exactly one token) and writes the status a real controller would: Ready
/// True/False for the current generation and `lastHandledReconcileAt`.
pub struct FakeSourceController {
    stop: Arc<AtomicBool>,
    accepted: Arc<Mutex<String>>,
    handle: Option<tokio::task::JoinHandle<()>>,
    /// Every (namespace/name, requestedAt, accepted) handled, in order.
    pub handled: Arc<Mutex<Vec<(String, String, bool)>>>,
}

impl FakeSourceController {
    /// Starts polling every 200 ms.
    pub fn start(target: KubeTarget, namespaces: Vec<String>, accepted_token: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(Mutex::new(accepted_token.to_string()));
        let handled: Arc<Mutex<Vec<(String, String, bool)>>> = Arc::default();
        let (st, acc, h) = (stop.clone(), accepted.clone(), handled.clone());
        let handle = tokio::spawn(async move {
            while !st.load(Ordering::Relaxed) {
                for ns in &namespaces {
                    let token = acc.lock().expect("lock").clone();
                    reconcile_namespace(&target, ns, &token, &h).await;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        FakeSourceController {
            stop,
            accepted,
            handle: Some(handle),
            handled,
        }
    }

    /// Changes the token the git server accepts (e.g. after a rollback).
    pub fn accept(&self, token: &str) {
        *self.accepted.lock().expect("lock") = token.to_string();
    }
}

impl Drop for FakeSourceController {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            h.abort();
        }
    }
}

async fn reconcile_namespace(
    target: &KubeTarget,
    ns: &str,
    accepted: &str,
    handled: &Mutex<Vec<(String, String, bool)>>,
) {
    let api: Api<DynamicObject> = Api::namespaced_with(target.client.clone(), ns, &git_repository_resource());
    let Ok(list) = api.list(&ListParams::default()).await else {
        return;
    };
    for repo in list.items {
        let obj = serde_json::to_value(&repo).unwrap_or(Value::Null);
        let requested = obj
            .pointer("/metadata/annotations/reconcile.fluxcd.io~1requestedAt")
            .and_then(Value::as_str)
            .map(str::to_string);
        let last = obj
            .pointer("/status/lastHandledReconcileAt")
            .and_then(Value::as_str);
        let Some(requested) = requested else { continue };
        if Some(requested.as_str()) == last {
            continue;
        }
        let name = repo.metadata.name.clone().unwrap_or_default();
        let generation = repo.metadata.generation.unwrap_or(1);
        let secret_name = obj
            .pointer("/spec/secretRef/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let secrets: Api<Secret> = Api::namespaced(target.client.clone(), ns);
        let password = secrets
            .get_opt(secret_name)
            .await
            .ok()
            .flatten()
            .and_then(|s| s.data)
            .and_then(|d| {
                d.get("password")
                    .map(|p| String::from_utf8_lossy(&p.0).into_owned())
            });
        let ok = password.as_deref() == Some(accepted);
        let (status, reason, message) = if ok {
            (
                "True",
                "Succeeded",
                "stored artifact for revision 'main@sha1:0123456789abcdef'",
            )
        } else {
            (
                "False",
                "AuthenticationFailed",
                "failed to checkout and determine revision: authentication required",
            )
        };
        let patch = json!({"status": {
            "observedGeneration": generation,
            "lastHandledReconcileAt": requested,
            "conditions": [{
                "type": "Ready", "status": status, "reason": reason, "message": message,
                "observedGeneration": generation, "lastTransitionTime": "2026-01-01T00:00:00Z",
            }],
        }});
        if api
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .is_ok()
        {
            handled
                .lock()
                .expect("lock")
                .push((format!("{ns}/{name}"), requested, ok));
        }
    }
}

/// A git Secret fixture as bootstrap/tenant write it.
pub fn git_secret(ns: &str, name: &str, credential: Option<&str>, username: &str, password: &str) -> Value {
    let mut metadata = json!({"name": name, "namespace": ns});
    if let Some(c) = credential {
        metadata["annotations"] = json!({"kubectl-fleet.dev/credential": c});
    }
    json!({
        "apiVersion": "v1", "kind": "Secret", "metadata": metadata, "type": "Opaque",
        "stringData": {"username": username, "password": password},
    })
}

/// A GitRepository fixture using `secret`.
pub fn git_repository(ns: &str, name: &str, secret: &str, suspended: bool) -> Value {
    json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"url": "https://github.com/example/fleet.git", "interval": "1m", "ref": {"branch": "main"},
                 "secretRef": {"name": secret}, "suspend": suspended},
    })
}

/// A GitRepository reading Secret `secret` with `provider` (None: generic), as Flux applied it.
pub fn git_repository_with_provider(ns: &str, name: &str, secret: &str, provider: Option<&str>) -> Value {
    let mut repo = git_repository(ns, name, secret, false);
    if let Some(p) = provider {
        repo["spec"]["provider"] = json!(p);
    }
    repo
}

/// Reads a Secret's data as strings.
pub async fn secret_data(target: &KubeTarget, ns: &str, name: &str) -> BTreeMap<String, String> {
    let api: Api<Secret> = Api::namespaced(target.client.clone(), ns);
    api.get(name)
        .await
        .unwrap_or_else(|e| panic!("get Secret {ns}/{name}: {e}"))
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v.0).into_owned()))
        .collect()
}

/// A GitRepository's `reconcile.fluxcd.io/requestedAt`, if set.
pub async fn requested_at(target: &KubeTarget, ns: &str, name: &str) -> Option<String> {
    let api: Api<DynamicObject> = Api::namespaced_with(target.client.clone(), ns, &git_repository_resource());
    let repo = api
        .get(name)
        .await
        .unwrap_or_else(|e| panic!("get GitRepository {ns}/{name}: {e}"));
    repo.metadata
        .annotations
        .and_then(|a| a.get("reconcile.fluxcd.io/requestedAt").cloned())
}

/// A keyring call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `get`.
    Get,
    /// `set`.
    Set,
    /// `delete`.
    Delete,
}

/// An in-memory keyring that fails chosen calls the way the OS keyring fails (a timeout), and
/// records every call.
#[derive(Default)]
pub struct FaultyStore {
    inner: MemoryStore,
    /// (call, entry name, how many more times to fail).
    faults: Mutex<Vec<(Call, String, usize)>>,
    /// Every call made, in order.
    pub calls: Mutex<Vec<(Call, String)>>,
}

impl FaultyStore {
    /// Fails the next `times` calls of `call` on entry `name`.
    pub fn fail(&self, call: Call, name: &str, times: usize) {
        self.faults
            .lock()
            .expect("lock")
            .push((call, name.to_string(), times));
    }

    /// The token under `name`, as a string.
    pub fn value(&self, name: &str) -> Option<String> {
        self.inner
            .get(name)
            .expect("memory store")
            .map(|t| t.expose().to_string())
    }

    fn enter(&self, call: Call, name: &str) -> Result<(), CredentialError> {
        self.calls.lock().expect("lock").push((call, name.to_string()));
        let mut faults = self.faults.lock().expect("lock");
        if let Some(f) = faults
            .iter_mut()
            .find(|(c, n, left)| *c == call && n == name && *left > 0)
        {
            f.2 -= 1;
            return Err(CredentialError::KeyringTimeout {
                action: match call {
                    Call::Get => "read",
                    Call::Set => "store",
                    Call::Delete => "delete",
                },
                name: name.to_string(),
                seconds: 10,
            });
        }
        Ok(())
    }
}

impl SecretStore for FaultyStore {
    fn get(&self, name: &str) -> Result<Option<Token>, CredentialError> {
        self.enter(Call::Get, name)?;
        self.inner.get(name)
    }

    fn set(&self, name: &str, token: &Token) -> Result<(), CredentialError> {
        self.enter(Call::Set, name)?;
        self.inner.set(name, token)
    }

    fn delete(&self, name: &str) -> Result<bool, CredentialError> {
        self.enter(Call::Delete, name)?;
        self.inner.delete(name)
    }
}

/// A reporter that records every line and panics on the first line `at` matches: the operation
/// stops right after the step that line reports, and nothing after it runs (no undo, no commit),
/// which is what a killed process leaves behind.
pub struct CrashReporter {
    /// Everything reported, the crash line included.
    pub recorder: Recorder,
    at: Box<dyn Fn(&str) -> bool + Send + Sync>,
    crashed: AtomicBool,
}

impl CrashReporter {
    /// Crashes on the first line `at` matches.
    pub fn at(at: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        CrashReporter {
            recorder: Recorder::new(),
            at: Box::new(at),
            crashed: AtomicBool::new(false),
        }
    }

    /// Whether the crash happened.
    pub fn crashed(&self) -> bool {
        self.crashed.load(Ordering::SeqCst)
    }
}

impl Reporter for CrashReporter {
    fn line(&self, level: Level, msg: &str) {
        self.recorder.line(level, msg);
        if (self.at)(msg) && !self.crashed.swap(true, Ordering::SeqCst) {
            panic!("simulated crash right after: {msg}");
        }
    }

    fn progress(&self) -> Progress {
        Progress::hidden()
    }
}
