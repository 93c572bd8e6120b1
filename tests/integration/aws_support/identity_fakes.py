"""Loopback servers for the credential tests.

StsFront: sits in front of moto_server for STS. Signed calls pass through
unchanged (moto checks their SigV4 signature: the Host header is forwarded
as signed). moto_server with IAM checking on answers an unsigned request
with a 500 (it reads the Authorization header unconditionally), but
AssumeRoleWithWebIdentity is unsigned by design; so the front checks that
such a call really came unsigned, records it, and signs it with the moto
user's key before forwarding, which makes moto issue real credentials for
the role.

SsoPortal: a fake IAM Identity Center portal (moto has none). It answers
GET /federation/credentials only with the expected bearer token and exactly
the role_name/account_id query, handing out fresh moto credentials (from
`issue()`) with the lifetime the test chose.
"""
import http.client
import http.server
import json
import re
import threading
import time
import urllib.parse


def _serve(handler_cls):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class StsFront:
    def __init__(self, moto_url, access_key, secret_key):
        self.target = urllib.parse.urlsplit(moto_url)
        self.access_key, self.secret_key = access_key, secret_key
        self.lock = threading.Lock()
        self.calls = []  # (action, form dict, signed?)
        self.issued = []  # every SecretAccessKey and SessionToken moto handed out through us
        front = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                front._handle(self)

        self.server, self.url = _serve(Handler)

    def _handle(self, h):
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
        action = form.get("Action", "")
        signed = "Authorization" in h.headers
        with self.lock:
            self.calls.append((action, form, signed))
        headers = {k: v for k, v in h.headers.items() if k.lower() not in ("connection",)}
        if action == "AssumeRoleWithWebIdentity" and not signed:
            headers = self._sign(body)
        conn = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=30)
        conn.request("POST", h.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        with self.lock:
            self.issued += re.findall(r"<(?:SecretAccessKey|SessionToken)>([^<]+)<", data.decode("utf-8", "replace"))
        h.send_response(resp.status)
        h.send_header("Content-Type", resp.getheader("Content-Type") or "text/xml")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _sign(self, body):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        url = f"http://{self.target.hostname}:{self.target.port}/"
        req = AWSRequest(method="POST", url=url, data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(Credentials(self.access_key, self.secret_key), "sts", "us-east-1").add_auth(req)
        return dict(req.headers.items())

    def actions(self, name):
        with self.lock:
            return [c for c in self.calls if c[0] == name]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class SsoPortal:
    def __init__(self, token, account_id, role_name, issue, lifetime_seconds=3600):
        self.token, self.account_id, self.role_name = token, account_id, role_name
        self.issue = issue  # () -> (key, secret, session token)
        self.lifetime = lifetime_seconds
        self.lock = threading.Lock()
        self.served = 0
        self.rejected = []
        self.issued = []  # every secret and session token handed out
        portal = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                portal._handle(self)

        self.server, self.url = _serve(Handler)

    def _reply(self, h, status, obj):
        data = json.dumps(obj).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _handle(self, h):
        parts = urllib.parse.urlsplit(h.path)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        problems = []
        if parts.path != "/federation/credentials":
            problems.append("path " + parts.path)
        if query != {"role_name": [self.role_name], "account_id": [self.account_id]}:
            problems.append("query " + parts.query)
        if h.headers.get("x-amz-sso_bearer_token") != self.token:
            problems.append("bearer token")
        if problems:
            with self.lock:
                self.rejected.extend(problems)
            return self._reply(h, 401, {"message": "Session token not found or invalid"})
        key, secret, session = self.issue()
        with self.lock:
            self.served += 1
            self.issued += [secret, session]
        expiration_ms = int((time.time() + self.lifetime) * 1000)
        self._reply(h, 200, {"roleCredentials": {"accessKeyId": key, "secretAccessKey": secret,
                                                 "sessionToken": session, "expiration": expiration_ms}})

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
