#!/usr/bin/env python3
"""Git smart-HTTP server for the test environment's Flux tier (test-environment.md §8).

    git_http.py --root DIR [--port 0] [--port-file FILE]

Serves DIR/<name>.git over the git smart-HTTP protocol by running `git http-backend` per request,
on 127.0.0.1 only. Every request needs HTTP basic auth, one of:

- user `git`, password = the contents of DIR/token (surrounding whitespace ignored), a PAT. The
  token file is re-read on every request, so a test can rotate the token by replacing the file;
  the old token is rejected from the next request on. If the file is missing or empty, no PAT is
  accepted. The PAT may push (http.receivepack is enabled for it).
- user `x-access-token`, password = a GitHub App installation token, as GitHub accepts it: only
  while it is valid, only for the installation's repositories (DIR/OWNER/REPO.git, or DIR/REPO.git
  matched by name), push only with `contents: write`.
  The loopback GitHub API of the tests (tests/support/github_app.rs) publishes what it issued in
  DIR/app-tokens.d/<any name>, one line per token: `SHA256-HEX EXPIRY-UNIX-SECONDS PERMISSION
  OWNER/REPO,...` (a hash, so no token is ever on disk). The directory is re-read on every
  request: an expired or unknown token gets 401, a repository outside the installation 404 (as
  GitHub hides it), a push with `read` 403.
 With --port 0 the kernel picks a free port; the port is
written to --port-file once the socket is listening, so callers never race for it.

go-git (source-controller) does not speak dumb HTTP and clones shallow, hence git http-backend.
`python3 -m http.server --cgi` is not usable as root (it setuids the CGI child to nobody).
"""
import argparse
import base64
import hashlib
import hmac
import http.server
import os
import subprocess
import sys
import time
import urllib.parse

USER = "git"
APP_USER = "x-access-token"


def read_token(root):
    try:
        with open(os.path.join(root, "token"), "rb") as f:
            return f.read().strip()
    except OSError:
        return b""


def app_grant(root, token):
    """(permission, repositories) of a currently valid installation token, or None."""
    digest = hashlib.sha256(token).hexdigest()
    now = time.time()
    d = os.path.join(root, "app-tokens.d")
    try:
        names = sorted(os.listdir(d))
    except OSError:
        return None
    found = None
    for name in names:
        if name.endswith(".tmp"):
            continue  # being written; renamed over the real file when complete
        try:
            with open(os.path.join(d, name)) as f:
                lines = f.read().splitlines()
        except OSError:
            continue  # replaced or removed while we listed: the next request sees the new one
        for line in lines:
            parts = line.split()
            if len(parts) != 4:
                continue
            h, expires, permission, repos = parts
            # Walk every line (constant work per line): no early exit on a match.
            if hmac.compare_digest(h, digest) and int(expires) > now:
                found = (permission, repos.split(","))
    return found


def repo_name(path):
    """The repository a request is for: `/acme/fleet.git/info/refs` -> `acme/fleet`."""
    out = []
    for seg in urllib.parse.unquote(urllib.parse.urlsplit(path).path).strip("/").split("/"):
        out.append(seg)
        if seg.endswith(".git"):
            break
    name = "/".join(out)
    return name[: -len(".git")] if name.endswith(".git") else name


def in_installation(name, repos):
    """`owner/repo` must be one of the installation's; a bare `repo` (the server's flat layout)
    matches by name."""
    if "/" in name:
        return name in repos
    return name in [r.rpartition("/")[2] for r in repos]


def is_push(path):
    u = urllib.parse.urlsplit(path)
    return u.path.endswith("/git-receive-pack") or "service=git-receive-pack" in u.query


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0 responses with a Content-Length: one request per connection, no keep-alive state.
    protocol_version = "HTTP/1.0"
    root = "."

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

    def _authorized(self):
        """The status refusing the request (401/403/404), or None when it may go on."""
        h = self.headers.get("Authorization", "")
        scheme, _, value = h.partition(" ")
        if scheme.lower() != "basic":
            return 401
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).partition(b":")
        except ValueError:
            return 401
        if user == APP_USER.encode():
            grant = app_grant(self.root, password)
            if grant is None:
                return 401
            permission, repos = grant
            if not in_installation(repo_name(self.path), repos):
                return 404
            if is_push(self.path) and permission != "write":
                return 403
            return None
        token = read_token(self.root)
        if not token:
            return 401
        # Compare both parts in constant time, and always compare the password.
        ok_user = hmac.compare_digest(user, USER.encode())
        ok_pass = hmac.compare_digest(password, token)
        return None if ok_user and ok_pass else 401

    def _body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            # git sends large pushes chunked (bigger than http.postBuffer).
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # CRLF after each chunk
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _deny(self, status):
        payload = {
            401: b"authentication required\n",
            403: b"permission denied: the installation token cannot push\n",
            404: b"repository not found\n",
        }[status]
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="kubectl-fleet test git"')
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _run(self):
        body = self._body()
        refused = self._authorized()
        if refused is not None:
            self._deny(refused)
            return
        u = urllib.parse.urlsplit(self.path)
        env = dict(
            os.environ,
            GIT_PROJECT_ROOT=self.root,
            GIT_HTTP_EXPORT_ALL="1",
            REQUEST_METHOD=self.command,
            PATH_INFO=urllib.parse.unquote(u.path),
            QUERY_STRING=u.query,
            CONTENT_TYPE=self.headers.get("Content-Type", ""),
            CONTENT_LENGTH=str(len(body)),
            REMOTE_ADDR=self.client_address[0],
            # An authenticated user: http-backend enables receive-pack (push) when REMOTE_USER is
            # set; the explicit http.receivepack makes that independent of each repo's config.
            REMOTE_USER=USER,
            AUTH_TYPE="Basic",
            GIT_CONFIG_COUNT="1",
            GIT_CONFIG_KEY_0="http.receivepack",
            GIT_CONFIG_VALUE_0="true",
            HTTP_GIT_PROTOCOL=self.headers.get("Git-Protocol", ""),
            HTTP_CONTENT_ENCODING=self.headers.get("Content-Encoding", ""),
        )
        proc = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True)
        if proc.stderr:
            sys.stderr.write(proc.stderr.decode(errors="replace").rstrip("\n") + "\n")
        head, _, payload = proc.stdout.partition(b"\r\n\r\n")
        status, hdrs = 200, []
        for line in head.split(b"\r\n"):
            k, _, v = line.decode(errors="replace").partition(":")
            if k.lower() == "status":
                status = int(v.split()[0])
            elif k:
                hdrs.append((k, v.strip()))
        if not proc.stdout:
            status, payload = 500, b"git http-backend failed\n"
        self.send_response(status)
        for k, v in hdrs:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _run


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    Handler.root = os.path.abspath(a.root)
    srv = Server(("127.0.0.1", a.port), Handler)
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, a.port_file)
    sys.stderr.write("serving %s on http://127.0.0.1:%d\n" % (Handler.root, port))
    sys.stderr.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()
