"""What sageguard does with hostile AWS configuration and hostile servers:

1. Region names: botocore's validate_region_name is the oracle for which
   names are accepted; a hostile one ("x.localhost:PORT/#") from --region,
   AWS_REGION, AWS_DEFAULT_REGION, a profile or an EC2 DescribeRegions answer
   is exit 2 and no connection reaches the listening socket it points at.
2. Missing configuration (no region, no credentials) is exit 2 for every
   command that talks to AWS, not 3.
3. A loopback stand-in server (no real service behaves like this) answering
   JSON nested 200,000 deep (--debug must not overflow the stack), a body
   over 64 MiB, and NextToken pages that cycle A, B, A, B (audit and cost
   --jobs must stop, naming the operation).
"""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.moto_env import free_port  # noqa: E402
from aws_support.tools import check, missing, sageguard  # noqa: E402

SPEC = {
    "TrainingJobName": "hostile-job",
    "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1",
                               "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::123456789012:role/R",
    "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
    "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
}
# Nothing in the way of the calls these tests are about.
POLICY = """version: 1
rules:
  budget.max-cost: off
  vpc.required: off
  kms.volume: off
  kms.output: off
  spot.enabled: off
  network.isolation: off
  encryption.inter-container: off
  tags.required: off
"""


def run(args, env, timeout=120):
    start = time.monotonic()
    p = subprocess.run([sageguard(), *args], env=env, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


class Listener:
    """A listening socket that never accepts by itself: afterwards, any
    connection that was made is waiting in its queue."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connections(self):
        n = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return n
            conn.close()
            n += 1


class StandIn:
    """A SageMaker/EC2 stand-in on 127.0.0.1 whose answers are set per test."""

    def __init__(self):
        self.answer = lambda op, body: (200, b"{}", "application/x-amz-json-1.1")
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                op = self.headers.get("X-Amz-Target", "").split(".")[-1]
                if not op and b"Action=" in body:
                    op = body.decode().split("Action=")[1].split("&")[0]
                outer.requests.append(op)
                status, data, ctype = outer.answer(op, body)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except ConnectionError:
                    pass  # the client refused a body over its limit

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def base_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE=os.path.join(home, "no-config"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "no-credentials"),
               AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="hostile-test-secret-key",
               AWS_SESSION_TOKEN="hostile-test-session-token")
    env.pop("SAGEGUARD_POLICY", None)
    return env


def regions_against_botocore(env, work):
    try:
        from botocore.exceptions import InvalidRegionError
        from botocore.utils import validate_region_name
    except ImportError:
        missing("botocore not importable")
    values = ["us-east-1", "eu-central-2", "cn-northwest-1", "us-gov-east-1", "US-WEST-2", "local", "x",
              "a" * 63, "a" * 64, "123", "-us-east-1", "us-east-1-", "us_east_1", "us east 1",
              "us-east-1.", "evil.example", "x.localhost:1/#", "us-east-1/", "us-east-1#x", "us-east-1?a",
              "us-east-1@h", "\u00e9u-west-1", "us-east-1%2e"]
    closed = free_port()
    for v in values:
        try:
            validate_region_name(v)
            want_ok = True
        except InvalidRegionError:
            want_ok = False
        rc, _, err, _ = run(["deploy", "--policy", os.path.join(work, "policy.yaml"), "--training-job", "j",
                             "--region", v, "--endpoint-url", f"http://127.0.0.1:{closed}"],
                            dict(env, AWS_MAX_ATTEMPTS="1"))
        # Accepted: the call is made and fails to connect (3); refused: 2.
        check(rc == (3 if want_ok else 2), f"region {v!r}: botocore says valid={want_ok}, exit {rc}: {err}")
    print(f"regions: {len(values)} names accepted or refused as botocore does", flush=True)


def hostile_regions(env, work):
    listener = Listener()
    hostile = f"x.localhost:{listener.port}/#"
    policy = os.path.join(work, "policy.yaml")
    spec = os.path.join(work, "spec.json")
    profile_config = os.path.join(work, "config-hostile")
    with open(profile_config, "w") as f:
        f.write(f"[default]\nregion = {hostile}\n")
    no_region = {k: v for k, v in env.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    cases = [
        ("--region", ["deploy", "--policy", policy, "--training-job", "j", "--region", hostile], no_region),
        ("AWS_REGION", ["deploy", "--policy", policy, "--training-job", "j"], dict(no_region, AWS_REGION=hostile)),
        ("AWS_DEFAULT_REGION", ["audit", "--policy", policy, "--no-progress"],
         dict(no_region, AWS_DEFAULT_REGION=hostile)),
        ("profile", ["cost", "--jobs"], dict(no_region, AWS_CONFIG_FILE=profile_config)),
        ("--region", ["launch", "--policy", policy, "--region", hostile, spec], no_region),
        ("--region", ["launch", "--policy", policy, "--dry-run", "--region", hostile, spec], no_region),
        ("--region", ["audit", "--policy", policy, "--region", f"us-east-1,{hostile}", "--no-progress"],
         no_region),
    ]
    for source, args, case_env in cases:
        rc, _, err, _ = run(args, case_env)
        check(rc == 2 and "invalid AWS region" in err, f"{args[0]} with a hostile {source}: exit {rc}: {err}")
        check(listener.connections() == 0, f"{args[0]} with a hostile {source} connected to {hostile}")

    # EC2 DescribeRegions answering a hostile name: the answer is read (one
    # request to the stand-in), the name is refused before any SageMaker call.
    ec2 = StandIn()
    xml = ("<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><regionInfo>"
           "<item><regionName>us-east-1</regionName><optInStatus>opt-in-not-required</optInStatus></item>"
           f"<item><regionName>{hostile}</regionName><optInStatus>opt-in-not-required</optInStatus></item>"
           "</regionInfo></DescribeRegionsResponse>").encode()
    ec2.answer = lambda op, body: (200, xml, "text/xml")
    try:
        rc, _, err, _ = run(["audit", "--policy", policy, "--region", "all", "--no-progress"],
                            dict(no_region, AWS_REGION="us-east-1", AWS_ENDPOINT_URL_EC2=ec2.url))
        check(rc == 2 and "DescribeRegions" in err, f"hostile DescribeRegions answer: exit {rc}: {err}")
        check(ec2.requests == ["DescribeRegions"], f"EC2 stand-in saw {ec2.requests}")
        check(listener.connections() == 0, "a region from DescribeRegions steered a connection")
    finally:
        ec2.stop()
    print("regions: hostile names from every source refused before any connection", flush=True)


def missing_configuration(env, work):
    policy = os.path.join(work, "policy.yaml")
    spec = os.path.join(work, "spec.json")
    no_region = {k: v for k, v in env.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    commands = [["deploy", "--policy", policy, "--training-job", "j"],
                ["deploy", "--policy", policy, "--dry-run", "--training-job", "j"],
                ["audit", "--policy", policy, "--no-progress"],
                ["cost", "--jobs"],
                ["launch", "--policy", policy, spec]]
    for args in commands:
        rc, _, err, _ = run(args, no_region)
        check(rc == 2 and "no AWS region" in err, f"{' '.join(args[:1])} without a region: exit {rc}: {err}")
    no_creds = {k: v for k, v in env.items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")
                and k != "AWS_SESSION_TOKEN"}
    listener = Listener()
    for args in commands:
        rc, _, err, _ = run(args + ["--endpoint-url", f"http://127.0.0.1:{listener.port}"], no_creds)
        check(rc == 2 and "no AWS credentials" in err, f"{args[0]} without credentials: exit {rc}: {err}")
    check(listener.connections() == 0, "a call was sent without credentials")
    print("missing region or credentials: exit 2 for deploy, audit, cost, launch", flush=True)


def nested(depth):
    return "[" * depth + "]" * depth


def hostile_server(env, work):
    policy = os.path.join(work, "policy.yaml")
    standin = StandIn()
    try:
        # 1. Nested far deeper than our readers accept, with --debug on.
        deep = ('{"TrainingJobName":"j","SecretAccessKey":"leaked-if-shown","x":' + nested(200000) + "}").encode()
        standin.answer = lambda op, body: (200, deep, "application/x-amz-json-1.1")
        for args in (["deploy", "--policy", policy, "--dry-run", "--training-job", "j"],
                     ["audit", "--policy", policy, "--kinds", "training-job", "--no-progress"]):
            rc, _, err, _ = run(args + ["--endpoint-url", standin.url, "--debug"], env)
            check(rc == 3, f"{args[0]} --debug on a deep answer: exit {rc} (a negative code is a crash): "
                           f"{err[-600:]}")
            check("bytes not shown" in err and "deeper than 512" in err, f"{args[0]}: no trace placeholder")
            check("leaked-if-shown" not in err and "hostile-test-secret-key" not in err
                  and "hostile-test-session-token" not in err, f"{args[0]}: a secret reached the trace")

        # The same nesting in a recorded Describe* file: refused as input.
        recorded = os.path.join(work, "deep-describe.json")
        with open(recorded, "wb") as f:
            f.write(deep)
        rc, _, err, _ = run(["cost", "--jobs", "--from-describes", recorded], env)
        check(rc == 2 and "deeper than 512" in err, f"deep recorded describe: exit {rc}: {err[-300:]}")

        # 2. A body over the 64 MiB limit.
        huge = b'{"TrainingJobName":"j","x":"' + b"a" * (65 << 20) + b'"}'
        standin.answer = lambda op, body: (200, huge, "application/x-amz-json-1.1")
        rc, _, err, _ = run(["deploy", "--policy", policy, "--dry-run", "--training-job", "j",
                             "--endpoint-url", standin.url], env)
        check(rc == 3 and "larger than 64 MiB" in err, f"huge body: exit {rc}: {err[-600:]}")
        huge = None

        # 3. Pages that cycle A, B, A, B.
        def cycling(op, body):
            req = json.loads(body or b"{}")
            token = req.get("NextToken", "")
            if op == "ListTrainingJobs":
                page = {"": 0, "A": 1, "B": 2}[token]
                names = [f"job-{page}-{i}" for i in range(3)]
                out = {"TrainingJobSummaries": [{
                    "TrainingJobName": n, "TrainingJobStatus": "Completed", "CreationTime": 1700000000.0,
                    "TrainingJobArn": f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{n}"}
                    for n in names], "NextToken": "B" if token == "A" else "A"}
            elif op == "DescribeTrainingJob":
                n = req["TrainingJobName"]
                out = {"TrainingJobName": n, "TrainingJobStatus": "Completed",
                       "TrainingJobArn": f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{n}"}
            else:
                out = {"Tags": []}
            return 200, json.dumps(out).encode(), "application/x-amz-json-1.1"
        standin.answer = cycling
        standin.requests.clear()
        rc, out, err, took = run(["audit", "--policy", policy, "--kinds", "training-job", "--no-progress",
                                  "--format", "json", "--endpoint-url", standin.url], env, timeout=120)
        check(rc == 3, f"audit on cycling pages: exit {rc}: {err[-600:]}")
        report = json.loads(out)
        failures = [f for f in report["findings"] if f["rule"] == "audit.unreadable"]
        check(any("ListTrainingJobs" in f["message"] and "cycles" in f["message"] for f in failures),
              f"the cycle is not reported naming the operation: {failures}")
        check(len(report["audit"]["resources"]) == 9, f"resources of the three pages: {report['audit']}")
        lists = standin.requests.count("ListTrainingJobs")
        check(lists == 3, f"audit read {lists} ListTrainingJobs pages; the 4th repeats a token")
        standin.requests.clear()
        rc, _, err, took = run(["cost", "--jobs", "--endpoint-url", standin.url], env, timeout=120)
        check(rc == 3 and "ListTrainingJobs" in err and "cycles" in err, f"cost --jobs on cycling pages: {rc} {err}")
        check(standin.requests.count("ListTrainingJobs") == 3, f"cost read {standin.requests.count('ListTrainingJobs')} pages")
    finally:
        standin.stop()
    print("hostile server: deep nesting under --debug, a 65 MiB body and cycling pages end cleanly", flush=True)


def main():
    work = tempfile.mkdtemp(prefix="sg-hostile-")
    env = base_env(work)
    env["AWS_REGION"] = "us-east-1"
    with open(os.path.join(work, "policy.yaml"), "w") as f:
        f.write(POLICY)
    with open(os.path.join(work, "spec.json"), "w") as f:
        json.dump(SPEC, f)
    regions_against_botocore(env, work)
    hostile_regions(env, work)
    missing_configuration(env, work)
    hostile_server(env, work)
    print("PASS")


if __name__ == "__main__":
    main()
