"""Compares sageguard's SigV4 signer with botocore's SigV4Auth/SigV4QueryAuth
on a few hundred randomized requests (methods, odd paths, query parameters,
repeated and messy headers, bodies, session tokens). botocore's clock is
frozen so both sign at the same instant. The seed is printed; set
SG_ORACLE_SEED to replay a run."""
import datetime
import json
import os
import random
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.tools import fail, missing, tool_path  # noqa: E402

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    missing("botocore is not importable")

N_HEADER = 300
N_QUERY = 100

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
ODD = "!$&'()*+,;=:@ "  # sub-delims etc., all legal or encodable in a path
TEXT = UNRESERVED + ODD + "/?#[]%\"<>^`{|}\\"


class Capturing:
    """Mixin recording botocore's canonical request for diagnostics."""

    def canonical_request(self, request):
        self.last_cr = super().canonical_request(request)
        return self.last_cr


class HeaderAuth(Capturing, botocore.auth.SigV4Auth):
    pass


class QueryAuth(Capturing, botocore.auth.SigV4QueryAuth):
    pass


def rand_text(rng, alphabet, lo, hi):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def rand_unicode(rng):
    return rng.choice(["é", "ü", "ሴ", "日本", "😀", "ß", "Ω"])


def rand_segment(rng):
    kind = rng.random()
    if kind < 0.1:
        return rng.choice([".", "..", ""])
    raw = rand_text(rng, UNRESERVED + ODD, 1, 10)
    if rng.random() < 0.3:
        raw += rand_unicode(rng)
    # The wire path is percent-encoded; encode a random subset of the safe
    # characters too, so the signer sees %XX in the path (double-encoded).
    out = []
    for ch in raw:
        if ch in UNRESERVED and rng.random() > 0.15 or ch in "!$'()*,;=:@" and rng.random() < 0.5:
            out.append(ch)
        else:
            out.append(urllib.parse.quote(ch, safe=""))
    return "".join(out)


def rand_path(rng):
    segs = [rand_segment(rng) for _ in range(rng.randint(0, 5))]
    path = "/" + "/".join(segs)
    if rng.random() < 0.3:
        path += "/"
    return path


def encode_query_component(rng, s):
    """A valid but non-canonical encoding: random case of hex digits, some
    unreserved characters encoded, some sub-delims left bare."""
    out = []
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in UNRESERVED and rng.random() > 0.2:
            out.append(ch)
        elif ch in "!$'()*,;:@/?" and rng.random() < 0.5:
            out.append(ch)
        else:
            hx = "%02X" % b
            out.append("%" + (hx.lower() if rng.random() < 0.5 else hx))
    return "".join(out)


def rand_params(rng, unique):
    params = []
    for _ in range(rng.randint(0, 5)):
        k = rand_text(rng, UNRESERVED + ODD + "/&=", 1, 8)
        if rng.random() < 0.2:
            k += rand_unicode(rng)
        v = rand_text(rng, TEXT + "&=", 0, 12)
        params.append((k, v))
        if not unique and params and rng.random() < 0.2:
            params.append((k, rand_text(rng, UNRESERVED, 0, 4)))  # repeated key
    if unique:
        params = list(dict(params).items())
    return params


def rand_headers(rng):
    names = ["X-Custom", "x-amz-meta-a", "Content-Type", "My-Header", "X-Amz-Target",
             "x-ALL-case", "User-Agent", "Connection", "x-amzn-trace-id", "Accept"]
    headers = []
    for _ in range(rng.randint(0, 6)):
        name = rng.choice(names)
        if rng.random() < 0.3:
            name = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)
        core = rand_text(rng, UNRESERVED + "!#$%&'*+^`|,;:=/()<>@[]{}?\"", 0, 12)
        value = (rng.choice(["", " ", "  ", "\t"]) + core.replace(";", " ;  ")
                 + rng.choice(["", " ", "\t "]))
        headers.append((name, value))
    return headers


def rand_host(rng):
    host = rng.choice(["api.sagemaker.us-east-1.amazonaws.com", "Example.Amazonaws.com",
                       "127.0.0.1", "localhost"])
    port = rng.choice([None, None, 443, 8443, 5000])
    return host if port is None else f"{host}:{port}"


def main():
    seed = int(os.environ.get("SG_ORACLE_SEED", random.randrange(1 << 30)))
    print(f"seed {seed}")
    rng = random.Random(seed)
    tool = tool_path("sg_sigv4_tool")

    cases = []
    for i in range(N_HEADER + N_QUERY):
        presign = i >= N_HEADER
        when = datetime.datetime(2015, 8, 30, 12, 36, 0) + datetime.timedelta(
            seconds=rng.randint(0, 400 * 86400))
        token = None
        if rng.random() < 0.4:
            token = rand_text(rng, UNRESERVED + "/+=", 20, 120)
        secret = rand_text(rng, UNRESERVED + "/+", 40, 40)
        case = {
            "method": "GET" if presign else rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]),
            "host": rand_host(rng),
            "path": rand_path(rng),
            "params": rand_params(rng, unique=presign),
            "headers": [] if presign and rng.random() < 0.5 else rand_headers(rng),
            "body": "" if presign or rng.random() < 0.3 else rand_text(rng, TEXT + "\n\t", 0, 200)
                    + (rand_unicode(rng) if rng.random() < 0.3 else ""),
            "access_key": "AKIA" + rand_text(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16),
            "secret_key": secret,
            "token": token,
            "region": rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2"]),
            "service": rng.choice(["sagemaker", "service", "s3x"]),
            "when": when,
            "presign": presign,
        }
        if presign:
            # botocore's query signer drops this exact Content-Type.
            case["headers"] = [h for h in case["headers"] if h[0].lower() != "content-type"]
        cases.append(case)

    lines = []
    for c in cases:
        query = "&".join(encode_query_component(rng, k) + "=" + encode_query_component(rng, v)
                         for k, v in c["params"])
        url = "https://" + c["host"] + c["path"] + ("?" + query if query else "")
        lines.append(json.dumps({
            "method": c["method"], "url": url, "headers": c["headers"], "body": c["body"],
            "access_key": c["access_key"], "secret_key": c["secret_key"],
            "token": c["token"] or "", "region": c["region"], "service": c["service"],
            "time": int(c["when"].replace(tzinfo=datetime.timezone.utc).timestamp()),
            "presign": c["presign"], "expires": 3600,
        }))
    proc = subprocess.run([tool], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, timeout=120)
    if proc.returncode != 0:
        fail(f"sg_sigv4_tool exited {proc.returncode}: {proc.stderr}")
    ours = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
    if len(ours) != len(cases):
        fail(f"expected {len(cases)} results, got {len(ours)}")

    failures = 0
    for i, (c, mine) in enumerate(zip(cases, ours)):
        botocore.auth.get_current_datetime = lambda remove_tzinfo=True, w=c["when"]: w
        creds = Credentials(c["access_key"], c["secret_key"], c["token"])
        req = AWSRequest(method=c["method"], url="https://" + c["host"] + c["path"],
                         data=c["body"].encode("utf-8"), params=list(c["params"]))
        for k, v in c["headers"]:
            req.headers[k] = v  # HTTPHeaders appends: repeated names are kept
        if c["presign"]:
            req.params = dict(c["params"])
            auth = QueryAuth(creds, c["service"], c["region"], expires=3600)
            auth.add_auth(req)
            theirs_sig = urllib.parse.parse_qs(urllib.parse.urlsplit(req.url).query)["X-Amz-Signature"][0]
            ok = theirs_sig == mine["signature"]
        else:
            auth = HeaderAuth(creds, c["service"], c["region"])
            auth.add_auth(req)
            ok = req.headers["Authorization"] == mine["authorization"]
            if c["token"] and dict((k.lower(), v) for k, v in mine["headers"]).get(
                    "x-amz-security-token") != c["token"]:
                ok = False
        if not ok:
            failures += 1
            if failures <= 5:
                print(f"--- case {i} differs ({'query' if c['presign'] else 'header'})")
                print("botocore canonical request:\n" + auth.last_cr)
                print("sageguard canonical request:\n" + mine["canonical_request"])
    print(f"{len(cases) - failures}/{len(cases)} signatures match botocore")
    if failures:
        fail(f"{failures} signatures differ from botocore (seed {seed})")


if __name__ == "__main__":
    main()
