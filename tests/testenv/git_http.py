#!/usr/bin/env python3
"""Git smart-HTTP server for the test environment's Flux tier (test-environment.md §8).

    git_http.py --root DIR [--port 0] [--port-file FILE]

Serves DIR/<name>.git over the git smart-HTTP protocol by running `git http-backend` per request,
on 127.0.0.1 only. Every request needs HTTP basic auth: user `git`, password = the contents of
DIR/token (surrounding whitespace ignored). The token file is re-read on every request, so a test
can rotate the token by replacing the file; the old token is rejected from the next request on. If
the file is missing or empty, every request is rejected. Authenticated users may push
(http.receivepack is enabled for them). With --port 0 the kernel picks a free port; the port is
written to --port-file once the socket is listening, so callers never race for it.

go-git (source-controller) does not speak dumb HTTP and clones shallow, hence git http-backend.
`python3 -m http.server --cgi` is not usable as root (it setuids the CGI child to nobody).
"""
import argparse
import base64
import hmac
import http.server
import os
import subprocess
import sys
import urllib.parse

USER = "git"


def read_token(root):
    try:
        with open(os.path.join(root, "token"), "rb") as f:
            return f.read().strip()
    except OSError:
        return b""


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0 responses with a Content-Length: one request per connection, no keep-alive state.
    protocol_version = "HTTP/1.0"
    root = "."

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

    def _authorized(self):
        token = read_token(self.root)
        if not token:
            return False
        h = self.headers.get("Authorization", "")
        scheme, _, value = h.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).partition(b":")
        except ValueError:
            return False
        # Compare both parts in constant time, and always compare the password.
        ok_user = hmac.compare_digest(user, USER.encode())
        ok_pass = hmac.compare_digest(password, token)
        return ok_user and ok_pass

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

    def _deny(self):
        payload = b"authentication required\n"
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="kubectl-fleet test git"')
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _run(self):
        body = self._body()
        if not self._authorized():
            self._deny()
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
