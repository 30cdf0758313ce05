//! A loopback GitHub API for GitHub App credentials, with GitHub's semantics and failure modes:
//!
//! - `POST …/app/installations/{id}/access_tokens` verifies the App's JWT the way GitHub does: an
//!   RS256 signature checked with the App's public key (found by the `iss` claim), `exp` in the
//!   future and at most 10 minutes after `iat`, `iat` not in the future (60 s of skew allowed).
//!   A bad JWT gets 401, an installation that is not the App's gets 404; otherwise 201 with a
//!   fresh installation token that expires after the server's token lifetime.
//! - `GET …/installation/repositories` answers only a current installation token (401 otherwise)
//!   with the installation's repositories, paginated by `per_page`/`page`.
//!
//! Any path prefix is accepted (`/api/v3` for Enterprise). Test keys are generated per test with
//! the real openssl CLI, in memory (nothing written to disk).
//!
//! For the Flux tier, [`FakeGithub::publish_to`] makes the test git server (tests/testenv/git_http.py)
//! accept the tokens this API issued, as GitHub's git endpoint does: it writes the SHA-256 of each
//! token with its expiry, permission and repositories to `GIT_ROOT/app-tokens.d/`, rewritten on
//! every mint (a hash: no token on disk).

#![allow(dead_code)]

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    path::PathBuf,
    process::{Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde_json::{Value, json};

/// Runs openssl with `stdin`, returning stdout.
fn openssl(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("openssl output");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A fresh 2048-bit RSA key: (PKCS#1 PEM, PKCS#8 PEM, DER RSAPublicKey).
pub fn generate_key() -> (String, String, Vec<u8>) {
    let pkcs8 = openssl(
        &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        b"",
    );
    let pkcs1 = openssl(&["rsa", "-traditional"], &pkcs8);
    let public = openssl(&["rsa", "-RSAPublicKey_out", "-outform", "DER"], &pkcs8);
    (
        String::from_utf8(pkcs1).expect("pem"),
        String::from_utf8(pkcs8).expect("pem"),
        public,
    )
}

/// One installation token the server issued.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The token.
    pub token: String,
    /// The installation it is for.
    pub installation_id: u64,
    /// Unix seconds after which it is refused.
    pub expires: i64,
}

#[derive(Default)]
struct State {
    /// App ID → DER RSAPublicKey (several: GitHub keeps every key until deleted).
    apps: BTreeMap<u64, Vec<Vec<u8>>>,
    /// Installation ID → (App ID, repositories `owner/name`).
    installations: BTreeMap<u64, (u64, Vec<String>)>,
    issued: Vec<Issued>,
    /// Every access_tokens answer: (installation, status).
    mints: Vec<(u64, u16)>,
    token_lifetime: i64,
    /// Where the git server reads the issued tokens (see [`FakeGithub::publish_to`]).
    publish: Option<PathBuf>,
}

/// The loopback GitHub API.
pub struct FakeGithub {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl FakeGithub {
    /// Starts the server; installation tokens live one hour, as on GitHub.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        listener.set_nonblocking(true).expect("nonblocking");
        let state = Arc::new(Mutex::new(State {
            token_lifetime: 3600,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            while !st.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let s = s.clone();
                        std::thread::spawn(move || serve(stream, &s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        FakeGithub { url, state, stop }
    }

    /// The Enterprise-style API base URL (`…/api/v3`).
    pub fn api(&self) -> String {
        format!("{}/api/v3", self.url)
    }

    /// Registers an App with a public key (DER RSAPublicKey); call again to add a second key.
    pub fn add_app(&self, app_id: u64, public_key_der: &[u8]) {
        self.state
            .lock()
            .expect("lock")
            .apps
            .entry(app_id)
            .or_default()
            .push(public_key_der.to_vec());
    }

    /// Installs an App with access to `repositories`.
    pub fn install(&self, app_id: u64, installation_id: u64, repositories: &[&str]) {
        self.state.lock().expect("lock").installations.insert(
            installation_id,
            (app_id, repositories.iter().map(|r| r.to_string()).collect()),
        );
    }

    /// Changes how long newly issued installation tokens live.
    pub fn token_lifetime(&self, seconds: i64) {
        self.state.lock().expect("lock").token_lifetime = seconds;
    }

    /// Every installation token issued so far.
    pub fn issued(&self) -> Vec<Issued> {
        self.state.lock().expect("lock").issued.clone()
    }

    /// Every access_tokens request answered: (installation, HTTP status).
    pub fn mints(&self) -> Vec<(u64, u16)> {
        self.state.lock().expect("lock").mints.clone()
    }

    /// From now on, keeps `git_root/app-tokens.d/fake-github-PORT` listing every issued token's
    /// hash for the test git server (removed when the server is dropped).
    pub fn publish_to(&self, git_root: &std::path::Path) {
        let dir = git_root.join("app-tokens.d");
        std::fs::create_dir_all(&dir).expect("app-tokens.d");
        let port = self.url.rsplit(':').next().unwrap_or("0");
        let mut state = self.state.lock().expect("lock");
        state.publish = Some(dir.join(format!("fake-github-{port}")));
        publish(&state);
    }

    /// Whether `token` is an installation token that is valid now.
    pub fn is_valid(&self, token: &str) -> bool {
        valid_installation(&self.state.lock().expect("lock"), token).is_some()
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Ok(state) = self.state.lock()
            && let Some(file) = &state.publish
        {
            let _ = std::fs::remove_file(file);
        }
    }
}

fn sha256_hex(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Rewrites the published token list (atomically: the git server reads it per request).
fn publish(state: &State) {
    let Some(file) = &state.publish else {
        return;
    };
    let lines: String = state
        .issued
        .iter()
        .map(|i| {
            let repos = state
                .installations
                .get(&i.installation_id)
                .map(|(_, r)| r.join(","))
                .unwrap_or_default();
            format!("{} {} read {repos}\n", sha256_hex(i.token.as_bytes()), i.expires)
        })
        .collect();
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, lines).expect("write app tokens");
    std::fs::rename(&tmp, file).expect("publish app tokens");
}

fn valid_installation(state: &State, token: &str) -> Option<u64> {
    let now = now();
    state
        .issued
        .iter()
        .find(|i| i.token == token && i.expires > now)
        .map(|i| i.installation_id)
}

/// Verifies an App JWT as GitHub does; the error is GitHub's message.
fn verify_jwt(state: &State, jwt: &str) -> Result<u64, &'static str> {
    const UNDECODABLE: &str = "A JSON web token could not be decoded";
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err(UNDECODABLE);
    };
    let decode = |p: &str| -> Result<Value, &'static str> {
        let bytes = URL_SAFE_NO_PAD.decode(p).map_err(|_| UNDECODABLE)?;
        serde_json::from_slice(&bytes).map_err(|_| UNDECODABLE)
    };
    let (header, claims) = (decode(header)?, decode(claims)?);
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(UNDECODABLE);
    }
    let app_id = match claims.get("iss") {
        Some(Value::String(s)) => s.parse::<u64>().map_err(|_| UNDECODABLE)?,
        Some(Value::Number(n)) => n.as_u64().ok_or(UNDECODABLE)?,
        _ => return Err("'Issuer' claim ('iss') must be an Integer"),
    };
    let keys = state.apps.get(&app_id).ok_or("Integration not found")?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| UNDECODABLE)?;
    let signed = format!("{}.{}", parts[0], parts[1]);
    if !keys.iter().any(|k| {
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, k)
            .verify(signed.as_bytes(), &signature)
            .is_ok()
    }) {
        return Err(UNDECODABLE);
    }
    let (iat, exp) = (
        claims
            .get("iat")
            .and_then(Value::as_i64)
            .ok_or("Missing 'issued at' claim ('iat')")?,
        claims
            .get("exp")
            .and_then(Value::as_i64)
            .ok_or("Missing 'expiration time' claim ('exp')")?,
    );
    let now = now();
    if exp <= now {
        return Err(
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        );
    }
    if iat > now + 60 {
        return Err(
            "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
        );
    }
    if exp - iat > 600 {
        return Err("'Expiration time' claim ('exp') is too far in the future");
    }
    Ok(app_id)
}

fn random_token() -> String {
    let mut bytes = [0u8; 18];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).expect("random");
    format!("ghs_{}", URL_SAFE_NO_PAD.encode(bytes).replace(['-', '_'], "x"))
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
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
    if let Some(len) = headers
        .get("content-length")
        .and_then(|l| l.parse::<usize>().ok())
    {
        let mut body = vec![0; len.min(1 << 20)];
        let _ = reader.read_exact(&mut body);
    }
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let credential = headers
        .get("authorization")
        .and_then(|a| a.strip_prefix("Bearer ").or_else(|| a.strip_prefix("token ")))
        .unwrap_or("")
        .to_string();
    let (status, body) = answer(state, method, path, query, &credential);
    let reason = match status {
        200 => "OK",
        201 => "Created",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = body.to_string();
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}

fn answer(state: &Mutex<State>, method: &str, path: &str, query: &str, credential: &str) -> (u16, Value) {
    let mut state = state.lock().expect("lock");
    let not_found = json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"});
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let n = segments.len();
    if method == "POST"
        && n >= 4
        && segments[n - 4..n - 2] == ["app", "installations"]
        && segments[n - 1] == "access_tokens"
    {
        let Ok(installation_id) = segments[n - 2].parse::<u64>() else {
            return (404, not_found);
        };
        let (status, body) = match verify_jwt(&state, credential) {
            Err(message) => (
                401,
                json!({"message": message, "documentation_url": "https://docs.github.com/rest"}),
            ),
            Ok(app_id) => match state.installations.get(&installation_id) {
                Some((owner, _)) if *owner == app_id => {
                    let token = random_token();
                    let expires = now() + state.token_lifetime;
                    state.issued.push(Issued {
                        token: token.clone(),
                        installation_id,
                        expires,
                    });
                    publish(&state);
                    let expires_at = jiff::Timestamp::from_second(expires).expect("ts").to_string();
                    (
                        201,
                        json!({"token": token, "expires_at": expires_at,
                               "permissions": {"contents": "read", "metadata": "read"},
                               "repository_selection": "selected"}),
                    )
                }
                _ => (404, not_found),
            },
        };
        state.mints.push((installation_id, status));
        return (status, body);
    }
    if method == "GET" && n >= 2 && segments[n - 2..] == ["installation", "repositories"] {
        let Some(installation_id) = valid_installation(&state, credential) else {
            return (
                401,
                json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}),
            );
        };
        let repos = state.installations[&installation_id].1.clone();
        let param = |k: &str| {
            query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(key, _)| *key == k)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let per_page = param("per_page").unwrap_or(30).clamp(1, 100);
        let page = param("page").unwrap_or(1).max(1);
        let items: Vec<Value> = repos
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|r| {
                let (owner, name) = r.split_once('/').unwrap_or(("", r));
                json!({"full_name": r, "name": name, "owner": {"login": owner}, "private": true})
            })
            .collect();
        return (
            200,
            json!({"total_count": repos.len(), "repository_selection": "selected", "repositories": items}),
        );
    }
    (404, not_found)
}
