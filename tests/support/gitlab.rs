//! A loopback GitLab API for the self-rotation tests, with GitLab's semantics and failure modes:
//!
//! - `GET /api/v4/personal_access_tokens/self` introspects the token (`PRIVATE-TOKEN` header);
//! - `POST /api/v4/personal_access_tokens/self/rotate[?expires_at=DATE]` needs scope `api` or
//!   `self_rotate` (403 otherwise), revokes the token at once and answers with its successor
//!   (same name and scopes; `expires_at` as asked, else a week);
//! - `POST /api/v4/{projects,groups}/ID/access_tokens/TOKEN_ID/rotate` rotates a project or group
//!   access token (the caller needs scope `api`; the token must belong to that project or group);
//! - automatic reuse detection: any request authenticated with a token that a rotation revoked
//!   revokes the newest token of its family too, and is counted;
//! - [`FakeGitlab::git_accepts`]: the git server's view, which only takes a current token.
//!
//! Every request is recorded with the token it carried, so tests can assert which token was sent
//! when.

#![allow(dead_code)]

use std::{
    collections::{BTreeMap, VecDeque},
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use serde_json::{Value, json};

/// Who a token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A personal access token.
    User,
    /// A project access token of this project (ID or path).
    Project(String),
    /// A group access token of this group (ID or path).
    Group(String),
}

#[derive(Clone, Debug)]
struct Record {
    id: u64,
    name: String,
    scopes: Vec<String>,
    expires_at: String,
    revoked: bool,
    /// The token a rotation replaced this one with.
    successor: Option<String>,
    owner: Owner,
}

#[derive(Default)]
struct State {
    tokens: BTreeMap<String, Record>,
    next: VecDeque<String>,
    next_id: u64,
    requests: Vec<(String, String)>,
    reuse_detections: usize,
}

/// The loopback GitLab.
pub struct FakeGitlab {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

fn today_plus(days: i64) -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days);
    t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string()
}

impl FakeGitlab {
    /// Starts on a free loopback port.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        listener.set_nonblocking(true).expect("nonblocking");
        let state: Arc<Mutex<State>> = Arc::new(Mutex::new(State {
            next_id: 100,
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
        FakeGitlab { url, state, stop }
    }

    /// The API base URL (`--api-url`).
    pub fn api(&self) -> String {
        format!("{}/api/v4", self.url)
    }

    /// Registers an active token expiring in `days` days.
    pub fn add(&self, token: &str, name: &str, scopes: &[&str], days: i64, owner: Owner) {
        let mut s = self.state.lock().expect("lock");
        s.next_id += 1;
        let id = s.next_id;
        s.tokens.insert(
            token.to_string(),
            Record {
                id,
                name: name.to_string(),
                scopes: scopes.iter().map(|x| x.to_string()).collect(),
                expires_at: today_plus(days),
                revoked: false,
                successor: None,
                owner,
            },
        );
    }

    /// The value the next rotation issues (so tests know what to look for in every output).
    pub fn issue_next(&self, token: &str) {
        self.state.lock().expect("lock").next.push_back(token.to_string());
    }

    /// Whether the git server takes `token` now: it exists and is neither revoked nor expired.
    pub fn git_accepts(&self, token: &str) -> bool {
        let s = self.state.lock().expect("lock");
        s.tokens
            .get(token)
            .is_some_and(|r| !r.revoked && r.expires_at >= today_plus(0))
    }

    /// Whether `token` is revoked.
    pub fn revoked(&self, token: &str) -> bool {
        self.state
            .lock()
            .expect("lock")
            .tokens
            .get(token)
            .is_some_and(|r| r.revoked)
    }

    /// A token's `expires_at`.
    pub fn expires_at(&self, token: &str) -> Option<String> {
        self.state
            .lock()
            .expect("lock")
            .tokens
            .get(token)
            .map(|r| r.expires_at.clone())
    }

    /// Every request so far: (request line, token it carried).
    pub fn requests(&self) -> Vec<(String, String)> {
        self.state.lock().expect("lock").requests.clone()
    }

    /// How many times reuse detection fired.
    pub fn reuse_detections(&self) -> usize {
        self.state.lock().expect("lock").reuse_detections
    }
}

impl Drop for FakeGitlab {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn token_json(r: &Record) -> Value {
    json!({"id": r.id, "name": r.name, "revoked": r.revoked, "active": !r.revoked,
           "created_at": "2026-01-01T00:00:00.000Z", "scopes": r.scopes, "user_id": 42,
           "last_used_at": null, "expires_at": r.expires_at})
}

/// Authenticates a request: Ok(record) for a usable token; Err(401) otherwise, after reuse
/// detection for a token a rotation revoked.
fn authenticate(s: &mut State, token: &str) -> Result<Record, (u16, Value)> {
    let unauthorized = (401, json!({"message": "401 Unauthorized"}));
    let Some(r) = s.tokens.get(token).cloned() else {
        return Err(unauthorized);
    };
    if r.revoked {
        if r.successor.is_some() {
            s.reuse_detections += 1;
            let mut next = r.successor.clone();
            while let Some(t) = next {
                let rec = s.tokens.get_mut(&t).expect("successor exists");
                rec.revoked = true;
                next = rec.successor.clone();
            }
        }
        return Err(unauthorized);
    }
    if r.expires_at < today_plus(0) {
        return Err(unauthorized);
    }
    Ok(r)
}

fn rotate(s: &mut State, old: &str, expires_at: Option<String>) -> (u16, Value) {
    let Some(new) = s.next.pop_front() else {
        return (500, json!({"message": "the test issued no next token"}));
    };
    let expires_at = expires_at.unwrap_or_else(|| today_plus(7));
    if expires_at <= today_plus(0) {
        return (400, json!({"message": "expires_at must be in the future"}));
    }
    s.next_id += 1;
    let id = s.next_id;
    let Some(rec) = s.tokens.get_mut(old) else {
        return (404, json!({"message": "404 Not Found"}));
    };
    rec.revoked = true;
    rec.successor = Some(new.clone());
    let fresh = Record {
        id,
        revoked: false,
        successor: None,
        expires_at,
        ..rec.clone()
    };
    let mut body = token_json(&fresh);
    body["token"] = json!(new);
    s.tokens.insert(new, fresh);
    (200, body)
}

fn handle(s: &mut State, method: &str, target: &str, token: &str) -> (u16, Value) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let expires_at = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("expires_at="))
        .map(str::to_string);
    let caller = match authenticate(s, token) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let has = |scope: &str| caller.scopes.iter().any(|x| x == scope);
    let parts: Vec<&str> = path.trim_start_matches("/api/v4/").split('/').collect();
    match (method, parts.as_slice()) {
        ("GET", ["personal_access_tokens", "self"]) => (200, token_json(&caller)),
        ("POST", ["personal_access_tokens", "self", "rotate"]) => {
            if !(has("api") || has("self_rotate")) {
                return (403, json!({"message": "403 Forbidden - Insufficient scope"}));
            }
            rotate(s, token, expires_at)
        }
        (
            "POST",
            [
                kind @ ("projects" | "groups"),
                id,
                "access_tokens",
                token_id,
                "rotate",
            ],
        ) => {
            if !has("api") {
                return (403, json!({"message": "403 Forbidden - Insufficient scope"}));
            }
            let id = id.replace("%2F", "/");
            let wanted = if *kind == "projects" {
                Owner::Project(id)
            } else {
                Owner::Group(id)
            };
            if caller.owner != wanted {
                return (403, json!({"message": "403 Forbidden"}));
            }
            let target = s
                .tokens
                .iter()
                .find(|(_, r)| r.id.to_string() == *token_id && r.owner == wanted && !r.revoked)
                .map(|(t, _)| t.clone());
            match target {
                Some(t) => rotate(s, &t, expires_at),
                None => (404, json!({"message": "404 Not Found"})),
            }
        }
        _ => (404, json!({"message": "404 Not Found"})),
    }
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
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let target = words.next().unwrap_or("/").to_string();
    let token = headers.get("private-token").cloned().unwrap_or_default();
    let (status, answer) = {
        let mut s = state.lock().expect("lock");
        s.requests
            .push((request_line.trim_end().to_string(), token.clone()));
        handle(&mut s, &method, &target, &token)
    };
    let body = answer.to_string();
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}
