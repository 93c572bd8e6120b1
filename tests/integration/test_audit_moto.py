"""`sageguard audit` against moto_server seeded with ~340 resources of every
kind in two regions. The expected findings are computed independently (boto3
reads moto, audit_support/oracle.py applies the policy's rules) and must equal
the audit's exactly; then the same audit through a proxy injecting latency,
throttling, 500s and dropped connections must give the identical result; then
vanished and unreadable resources; then the HTML page in headless Chromium."""
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aws_support.moto_env import Moto, tool_env  # noqa: E402
from aws_support.tools import check, missing, sageguard  # noqa: E402
from audit_support import oracle, seed  # noqa: E402
from audit_support.proxies import AuditProxy  # noqa: E402
from report_support import schema_check  # noqa: E402

REGIONS = ["us-east-1", "eu-west-1"]
# The kinds seed.py makes and oracle.py judges. Named, since an audit
# without --kinds also lists the rest of the estate, which moto in part
# cannot list (test_audit_estate covers that).
JOB_KINDS = "training-job,tuning-job,processing-job,transform-job,model,endpoint-config,endpoint"


def run(env, *args, timeout=600):
    return subprocess.run([sageguard(), *args], env=env, capture_output=True, text=True, timeout=timeout)


def audit(env, endpoint, policy, *extra):
    kinds = () if "--kinds" in extra else ("--kinds", JOB_KINDS)
    return run(env, "audit", "--endpoint-url", endpoint, "--region", ",".join(REGIONS),
               "--policy", policy, "--max-tps", "400", "--concurrency", "16", *kinds, *extra)


def finding_key(f):
    r = f["resource"]
    return (r["kind"], r["name"], r["region"], f["rule"])


def counter(report):
    return collections.Counter(finding_key(f) for f in report["findings"])


def canonical(report):
    """The parts of a report that must not depend on faults or timing."""
    findings = sorted(json.dumps(f, sort_keys=True) for f in report["findings"])
    resources = sorted(json.dumps(r, sort_keys=True) for r in report["audit"]["resources"])
    summary = {k: v for k, v in report["summary"].items()}
    return findings, resources, summary


def diff(expected, actual):
    missing_ = expected - actual
    extra = actual - expected
    return f"missing {sorted(missing_.items())[:15]} extra {sorted(extra.items())[:15]}"


def main():
    moto = Moto()
    work = tempfile.mkdtemp(prefix="sg-audit-")
    proxies = []
    try:
        env = tool_env(moto.access_key, moto.secret_key, work)
        policy = os.path.join(work, "policy.yaml")
        with open(policy, "w") as f:
            f.write(seed.POLICY)

        import boto3
        clients = {r: boto3.client("sagemaker", endpoint_url=moto.url, region_name=r,
                                   aws_access_key_id=moto.access_key,
                                   aws_secret_access_key=moto.secret_key) for r in REGIONS}
        rng = random.Random(20240611)
        made = {}
        made["us-east-1"] = seed.seed_region(clients["us-east-1"], rng, "", {
            "TrainingJob": 110, "HyperParameterTuningJob": 25, "ProcessingJob": 40, "TransformJob": 30,
            "Model": 60, "EndpointConfig": 40, "Endpoint": 25})
        made["eu-west-1"] = seed.seed_region(clients["eu-west-1"], rng, "eu-", {
            "TrainingJob": 8, "HyperParameterTuningJob": 2, "ProcessingJob": 2, "TransformJob": 2,
            "Model": 6, "EndpointConfig": 3, "Endpoint": 2})
        seeded = {(k, n, r) for r, kinds in made.items() for k, names in kinds.items() for n in names}
        print(f"seeded {len(seeded)} resources", flush=True)

        inventory = []
        for r in REGIONS:
            inventory += oracle.read_inventory(clients[r], r)
        check({(x["kind"], x["name"], x["region"]) for x in inventory} == seeded,
              "boto3 does not list what was seeded")
        expected = oracle.expected(inventory)
        rules_seen = {k[3] for k in expected}
        print(f"oracle: {sum(expected.values())} findings over rules {sorted(rules_seen)}", flush=True)
        for rule in ("tags.required", "tags.value", "tags.invalid", "tags.propagation", "vpc.required",
                     "vpc.allowed", "network.isolation", "encryption.inter-container", "kms.volume",
                     "kms.output", "spot.enabled", "spot.max-wait", "spot.checkpoint",
                     "instance.allowed", "runtime.max"):
            check(rule in rules_seen, f"the seed exercises no {rule}")

        # 1. Fault-free: the audit's findings are exactly the oracle's.
        save = os.path.join(work, "described.jsonl")
        p = audit(env, moto.url, policy, "--format", "json", "--save", save)
        check(p.returncode == 1, f"audit exit {p.returncode}, want 1: {p.stderr[-2000:]}")
        report = json.loads(p.stdout)
        schema_errors = schema_check.errors(report, schema_check.load_schema("check-report.schema.json"))
        check(not schema_errors, f"audit JSON breaks docs/schema/check-report.schema.json: {schema_errors[:10]}")
        actual = counter(report)
        check(actual == expected, "findings differ from the oracle: " + diff(expected, actual))
        for f in report["findings"]:
            check("file" not in f and f["resource"].get("arn", "").startswith("arn:aws:sagemaker:"),
                  f"audit finding without ARN or with a file: {f}")
        listed = collections.Counter((r["kind"], r["name"], r["region"]) for r in report["audit"]["resources"])
        check(set(listed) == seeded and max(listed.values()) == 1,
              "audited resources are not exactly the seeded ones, once each")
        check(report["summary"]["vanished"] == 0 and report["summary"]["unreadable"] == 0,
              f"clean run has vanished/unreadable: {report['summary']}")
        check(report["summary"]["resources"] == len(seeded), f"summary.resources {report['summary']}")
        print(f"fault-free: {len(report['findings'])} findings match the oracle", flush=True)

        # --save: one described document per line; `check` on them (as a
        # bundle) finds what the audit found.
        with open(save) as f:
            lines = [json.loads(line) for line in f]
        check(len(lines) == len(seeded), f"--save wrote {len(lines)} lines")
        bundle = os.path.join(work, "us-east-1.json")
        with open(bundle, "w") as f:
            arn_keys = [k[4] for k in oracle.KINDS]
            json.dump([d for d in lines
                       if next(d[k] for k in arn_keys if k in d).split(":")[3] == "us-east-1"], f)
        c = run(env, "check", "--policy", policy, "--format", "json", bundle)
        check(c.returncode == 1, f"check on saved documents: exit {c.returncode} {c.stderr[-500:]}")
        from_check = collections.Counter((f["resource"]["kind"], f["resource"]["name"], f["rule"])
                                         for f in json.loads(c.stdout)["findings"])
        from_audit = collections.Counter((k, n, rule) for (k, n, r, rule) in actual.elements()
                                         if r == "us-east-1")
        check(from_check == from_audit, "check on --save output differs from audit: "
              + diff(from_audit, from_check))

        # 2. The same through latency, throttling, 500s and dropped connections.
        faults = ["throttle", "forward", "error500", "delay:40", "drop", "forward", "forward_drop",
                  "throttle", "throttle", "forward", "delay:120", "error500"] * 6
        schedule = {op: list(faults) for op in (
            "ListTrainingJobs", "ListModels", "ListEndpoints", "DescribeTrainingJob", "DescribeModel",
            "DescribeEndpointConfig", "DescribeEndpoint", "DescribeProcessingJob",
            "DescribeTransformJob", "DescribeHyperParameterTuningJob", "ListTags")}
        proxy = AuditProxy(moto.url, schedule).start()
        proxies.append(proxy)
        p2 = audit(env, proxy.url, policy, "--format", "json")
        check(p2.returncode == 1, f"faulty audit exit {p2.returncode}: {p2.stderr[-2000:]}")
        report2 = json.loads(p2.stdout)
        check(canonical(report2) == canonical(report), "result under faults differs from the clean run: "
              + diff(actual, counter(report2)))
        injected = sum(proxy.received.values()) - sum(proxy.forwarded.values())
        check(injected >= 100, f"only {injected} faults were injected")
        print(f"faults: {injected} requests failed on purpose; identical result", flush=True)

        # 3. Deleted between list and describe, and unreadable.
        endpoints = sorted(n for n in made["us-east-1"]["Endpoint"])
        gone, denied = endpoints[:2], endpoints[2:3]
        proxy3 = AuditProxy(moto.url, {}, vanished=gone, denied=denied).start()
        proxies.append(proxy3)
        p3 = audit(env, proxy3.url, policy, "--format", "json")
        check(p3.returncode == 3, f"unreadable resource: exit {p3.returncode}, want 3")
        report3 = json.loads(p3.stdout)
        want3 = collections.Counter({k: v for k, v in expected.items()
                                     if not (k[0] == "Endpoint" and k[1] in gone + denied)})
        want3[("Endpoint", denied[0], "us-east-1", "audit.unreadable")] += 1
        check(counter(report3) == want3, "vanished/unreadable run: " + diff(want3, counter(report3)))
        check(sorted(v["name"] for v in report3["audit"]["vanished"]) == gone,
              f"vanished: {report3['audit']['vanished']}")
        check(report3["summary"]["unreadable"] == 1, f"summary {report3['summary']}")
        unread = [f for f in report3["findings"] if f["rule"] == "audit.unreadable"]
        check(unread[0]["severity"] == "error" and "AccessDenied" in unread[0]["message"], str(unread))
        print("vanished and unreadable resources reported as such", flush=True)

        # 4. Filters.
        p4 = audit(env, moto.url, policy, "--format", "json", "--kinds", "training-job,model",
                   "--name", "train-00?")
        r4 = json.loads(p4.stdout)
        names = sorted(r["name"] for r in r4["audit"]["resources"])
        check(names == [f"train-00{i}" for i in range(10)], f"--name filter: {names}")
        p5 = audit(env, moto.url, policy, "--format", "json", "--since", "2999-01-01")
        check(p5.returncode == 0 and json.loads(p5.stdout)["summary"]["listed"] == 0,
              f"--since in the future lists nothing: {p5.returncode} {p5.stdout[-300:]}")
        p6 = audit(env, moto.url, policy, "--kinds", "bogus")
        check(p6.returncode == 2, f"bad --kinds: exit {p6.returncode}")
        p7 = audit(env, moto.url, policy, "--format", "sarif")
        sarif = json.loads(p7.stdout)
        check(len(sarif["runs"][0]["results"]) == len(report["findings"]), "SARIF result count")
        p8 = audit(env, moto.url, policy, "--format", "text", "--fail-on", "error")
        check(p8.returncode == 1 and "audit: " + str(len(seeded)) + " listed" in p8.stdout,
              f"text output: {p8.stdout[-400:]}")

        # 5. HTML in headless Chromium: the totals the page computes.
        build = os.environ.get("SG_BUILD_DIR") or work
        html = os.path.join(build, "audit-report.html")
        p9 = audit(env, moto.url, policy, "--format", "html", "-o", html)
        check(p9.returncode == 1 and os.path.getsize(html) > 0, f"html: exit {p9.returncode} {p9.stderr}")
        with open(html) as f:
            page = f.read()
        check("http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
              and "https://" not in page, "the page references the network")
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            missing("chromium not installed (scripts/deps.sh --test installs it)")
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--user-data-dir=" + os.path.join(work, "chromium")]
        dom = subprocess.run([chromium, *flags, "--dump-dom", "file://" + html], capture_output=True,
                             text=True, timeout=120).stdout
        sev = collections.Counter(f["severity"] for f in report["findings"])
        for ident, want in (("total-findings", len(report["findings"])),
                            ("total-resources", len(seeded)), ("total-error", sev["error"]),
                            ("total-warning", sev["warning"]), ("total-vanished", 0)):
            marker = f'id="{ident}">{want}<'
            check(marker in dom, f"rendered DOM lacks {marker}")
        check(dom.count("<tr>") >= len(report["findings"]), "the page does not list every finding")
        shot = os.path.join(build, "audit-report.png")
        subprocess.run([chromium, *flags, "--window-size=1280,2000", "--screenshot=" + shot,
                        "file://" + html], capture_output=True, timeout=120)
        check(os.path.exists(shot), "no screenshot")
        print(f"html: totals rendered by Chromium; screenshot {shot}", flush=True)
    finally:
        for p in proxies:
            p.stop()
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
