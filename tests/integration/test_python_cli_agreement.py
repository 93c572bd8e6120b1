"""sageguard.check / sageguard.fix from Python against `sageguard check` /
`sageguard fix` on the same request written to a file: the same findings
(rule, severity, JSON pointer, message, resource, fixable) and the same
fixed request, over every example and test request in the repository
(examples/, the unit-test fixtures, the fuzz corpus of documents, and the
requests the integration tests build), under the built-in policy, the
example policy, the test policy and one with an expired waiver. Files that cannot be a Python value
(duplicate keys, invalid UTF-8, several YAML documents) are counted and
skipped; a file the CLI rejects as input must be a request.invalid finding
in Python, not an exception."""
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.moto_env import training_job as moto_training_job  # noqa: E402
from aws_support.tools import sageguard as sageguard_bin  # noqa: E402
from py_support import POLICY, check, compliant_training_job, fail, import_sageguard, training_job  # noqa: E402

sageguard = import_sageguard()
ROOT = os.environ.get("SG_SOURCE_DIR") or os.getcwd()


def request_files():
    pats = ["examples/**/*.json", "examples/**/*.yaml", "examples/**/*.yml",
            "tests/unit/rules/fixtures/*", "tests/unit/launch/testdata/*",
            "tests/fuzz/corpus/document/*"]
    out = []
    for p in pats:
        out += glob.glob(os.path.join(ROOT, p), recursive=True)
    skip = ("examples/sageguard.yaml", "tests/unit/rules/fixtures/policy.yaml", "examples/cost/cur/")
    return sorted(f for f in set(out) if os.path.isfile(f) and not any(s in f for s in skip))


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate keys")
    return dict(pairs)


def load_value(path):
    """The file as a Python value, or None when it cannot be one."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        text = raw.decode("utf-8")
        if path.endswith((".yaml", ".yml")):
            import yaml
            docs = list(yaml.safe_load_all(text))
            if len(docs) != 1:
                return None
            # Keys that are not strings (complex or merge keys) cannot be a request.
            json.dumps(docs[0], default=str)
            return docs[0]
        if path.endswith((".jsonl", ".ndjson")):
            return [json.loads(line, object_pairs_hook=no_duplicates) for line in text.splitlines() if line.strip()]
        return json.loads(text, object_pairs_hook=no_duplicates)
    except Exception:
        return None


def cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "SAGEGUARD_POLICY"}
    proc = subprocess.run([sageguard_bin(), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def normal(findings):
    rows = []
    for f in findings:
        if isinstance(f, dict):
            rows.append((f["rule"], f["severity"], f["path"], f["message"], f["resource"]["kind"],
                         f["resource"]["name"], f["fixable"]))
        else:
            rows.append((f.rule, f.severity, f.path, f.message, f.resource_kind, f.resource_name, f.fixable))
    return sorted(rows)


def as_json_value(value):
    from sageguard import _api
    text, why = _api._to_json(value)
    return json.loads(text) if text is not None else None


def main():
    sageguard_bin()
    with tempfile.TemporaryDirectory() as tmp:
        test_policy = os.path.join(tmp, "test-policy.yaml")
        with open(test_policy, "w") as f:
            f.write(POLICY)
        # An expired waiver: its waiver.expired finding comes with every check.
        expired_policy = os.path.join(tmp, "expired-policy.yaml")
        with open(expired_policy, "w") as f:
            # No budget, so fix's own re-check is what Python reports.
            f.write(POLICY.replace("limits:\n  max_job_cost_usd: 500\n", "") + "waivers:\n  - {rule: network.isolation, resource: 'legacy-*', "
                    "reason: old containers, expires: 2020-01-31}\n")
        policies = {"built-in": None, "example": os.path.join(ROOT, "examples/sageguard.yaml"),
                    "test": test_policy, "expired waiver": expired_policy}
        files = request_files()
        for i, req in enumerate([training_job("agree-1"), compliant_training_job("agree-2"),
                                 moto_training_job("agree-3")]):
            path = os.path.join(tmp, f"inline-{i}.json")
            with open(path, "w") as f:
                json.dump(req, f, indent=2)
            files.append(path)
        compared = fixed_compared = skipped = rejected = 0
        problems = []
        for path in files:
            value = load_value(path)
            if value is None:
                skipped += 1
                continue
            # The request written to a file: JSON sources as they are; YAML
            # sources as the Python value PyYAML made of them (YAML 1.1 reads
            # `yes` as true and resolves `<<` merge keys, yaml-cpp does neither,
            # so the file itself is not the same request).
            cli_path = path
            if not path.endswith(".json"):
                cli_path = os.path.join(tmp, "request.json")
                with open(cli_path, "w") as f:
                    json.dump(as_json_value(value), f, indent=2)
            for pname, ppath in policies.items():
                popt = ["--policy", ppath] if ppath else []
                policy = sageguard.Policy.load(ppath) if ppath else sageguard.Policy.resolve()
                rc, out, err = cli("check", "--format", "json", *popt, cli_path, cwd=tmp)
                try:
                    got = sageguard.check(value, policy=policy)
                except Exception as e:  # noqa: BLE001 - any exception is the failure here
                    problems.append(f"{path} [{pname}]: check raised {type(e).__name__}: {e}")
                    continue
                if rc == 2:
                    # An input error for the CLI is a request.invalid finding here.
                    if not any(f.rule == "request.invalid" and f.severity == "error" for f in got):
                        problems.append(f"{path} [{pname}]: CLI rejects it ({err.strip()}) but Python "
                                        f"reports {normal(got)}")
                    rejected += 1
                    continue
                if rc not in (0, 1):
                    problems.append(f"{path} [{pname}]: CLI exit {rc}: {err}")
                    continue
                want = json.loads(out)["findings"]
                if normal(got) != normal(want):
                    a, b = set(normal(got)), set(normal(want))
                    problems.append(f"{path} [{pname}]: check differs\n  python only: {sorted(a - b)}\n"
                                    f"  cli only: {sorted(b - a)}")
                compared += 1
                fixed_path = os.path.join(tmp, "fixed.json")
                rc, _, err = cli("fix", *popt, "-o", fixed_path, cli_path, cwd=tmp)
                if rc not in (0, 1):
                    problems.append(f"{path} [{pname}]: CLI fix exit {rc}: {err}")
                    continue
                with open(fixed_path) as f:
                    cli_fixed = json.load(f)
                py_fixed, py_remaining = sageguard.fix(value, policy=policy)
                if as_json_value(py_fixed) != cli_fixed:
                    problems.append(f"{path} [{pname}]: fixed requests differ")
                rc, out, err = cli("check", "--format", "json", *popt, fixed_path, cwd=tmp)
                if normal(py_remaining) != normal(json.loads(out)["findings"]):
                    problems.append(f"{path} [{pname}]: findings after fix differ")
                fixed_compared += 1
        if problems:
            fail(f"{len(problems)} disagreement(s):\n" + "\n".join(problems[:20]))
        check(compared >= 3 * 20, f"only {compared} comparisons")
        print(f"python vs cli: {compared} checks and {fixed_compared} fixes agree over {len(files)} files "
              f"x {len(policies)} policies ({skipped} files not representable in Python, "
              f"{rejected} CLI rejections that Python reports as request.invalid)")


if __name__ == "__main__":
    main()
