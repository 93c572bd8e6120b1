"""The sageguard Python package's in-memory API, from the build's python/
directory: check/fix findings and their fields, policies from paths, text
and objects (bad ones raise PolicyError with FILE:LINE:COL), requests of the
wrong shape as request.invalid findings (never exceptions), datetime and
bytes sent as botocore sends them, inputs never mutated, every gated
operation understood, 8 threads (through check/fix and through one gated
client whose HTTP is answered in-process) making the same decisions as one,
and the GIL released while the engine works."""
import copy
import datetime
import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from py_support import POLICY, check, compliant_training_job, import_sageguard, training_job  # noqa: E402

sageguard = import_sageguard()


def rules(findings):
    return sorted((f.rule, f.path) for f in findings)


def test_check_fields(policy):
    findings = sageguard.check(training_job("api-job"), kind="CreateTrainingJob", policy=policy)
    by_rule = {f.rule: f for f in findings}
    for rule in ("tags.required", "vpc.required", "kms.volume", "kms.output",
                 "encryption.inter-container", "network.isolation"):
        check(rule in by_rule, f"{rule} missing from {rules(findings)}")
    kms = by_rule["kms.volume"]
    check(kms.path == "/ResourceConfig/VolumeKmsKeyId", f"kms.volume path {kms.path!r}")
    check(kms.severity == "error" and kms.fixable, f"kms.volume: {kms!r}")
    enc = by_rule["encryption.inter-container"]
    check(enc.sdk_parameter == "encrypt_inter_container_traffic", f"sdk_parameter {enc.sdk_parameter!r}")
    check(by_rule["vpc.required"].sdk_parameter == "subnets, security_group_ids",
          f"vpc sdk_parameter {by_rule['vpc.required'].sdk_parameter!r}")
    check("Contact" in by_rule["tags.required"].message, by_rule["tags.required"].message)
    check(all(f.severity in ("error", "warning", "note") for f in findings), "severity values")
    # Detected from content when kind is omitted.
    check(rules(sageguard.check(training_job("api-job"), policy=policy)) == rules(findings),
          "kind detection differs from kind='CreateTrainingJob'")
    check(sageguard.check(compliant_training_job("api-ok"), "CreateTrainingJob", policy) == [],
          "compliant job has findings")


def test_policies(tmp):
    path = os.path.join(tmp, "policy.yaml")
    with open(path, "w") as f:
        f.write(POLICY)
    job = training_job("pol-job")
    from_path = sageguard.check(job, policy=path)
    check(from_path == sageguard.check(job, policy=POLICY), "path and text policies differ")
    loaded = sageguard.Policy.load(path)
    check(loaded.source == path, f"source {loaded.source}")
    check(sageguard.check(job, policy=loaded) == from_path, "Policy object differs")
    # The built-in policy wants the six seed tags, this one three.
    builtin = sageguard.check(job, policy=None)
    check(any("Sponsor" in f.message for f in builtin), "lookup order did not give the built-in policy")
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("version: 1\ntags:\n  required: [Project]\n  colour: blue\n")
    try:
        sageguard.Policy.load(bad)
        check(False, "bad policy loaded")
    except sageguard.PolicyError as e:
        check(str(e).startswith(f"{bad}:4:3:"), f"PolicyError without file:line:col: {e}")
        check((e.file, e.line, e.column) == (bad, 4, 3), f"fields {e.file} {e.line} {e.column}")
    try:
        sageguard.check(job, policy="version: 1\nrules: {nope.rule: error}\n")
        check(False, "bad policy text accepted")
    except sageguard.PolicyError as e:
        check(":2:" in str(e), f"no line in {e}")
    check(issubclass(sageguard.PolicyError, sageguard.SageguardError), "hierarchy")


def test_wrong_shapes(policy):
    cases = [
        ({"TrainingJobName": "x"}, "CreateTrainingJob"),
        ({"TrainingJobName": 7, "RoleArn": ["no"]}, "CreateTrainingJob"),
        ({"hello": "world"}, None),
        ("just a string", None),
        ([{"hello": 1}], None),
        ({"TrainingJobName": object()}, "CreateTrainingJob"),
        ({"ModelName": "m", "PrimaryContainer": "not-an-object"}, "CreateModel"),
        ({"PipelineName": "p", "PipelineDefinition": "{not json"}, "CreatePipeline"),
    ]
    for request, kind in cases:
        findings = sageguard.check(request, kind=kind, policy=policy)
        check(any(f.rule == "request.invalid" for f in findings),
              f"{request!r} ({kind}): no request.invalid in {rules(findings)}")
        fixed, remaining = sageguard.fix(request, kind=kind, policy=policy)
        check(any(f.rule == "request.invalid" for f in remaining), f"fix of {request!r}")
    for bad_kind in ("CreateBanana", "DescribeTrainingJob"):
        try:
            sageguard.check({}, kind=bad_kind, policy=policy)
            check(False, f"kind {bad_kind} accepted")
        except ValueError:
            pass


def test_fix(policy):
    job = training_job("fix-job")
    job["StoppingCondition"]["MaxRuntimeInSeconds"] = 3600
    job["EnableManagedSpotTraining"] = True
    before = copy.deepcopy(job)
    fixed, remaining = sageguard.fix(job, kind="CreateTrainingJob", policy=policy)
    check(job == before, "fix mutated its input")
    check(remaining == [], f"findings remain after fix: {rules(remaining)}")
    check(fixed["VpcConfig"] == {"Subnets": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
                                 "SecurityGroupIds": ["sg-0123abcd"]}, f"VpcConfig {fixed.get('VpcConfig')}")
    check(fixed["ResourceConfig"]["VolumeKmsKeyId"].endswith("1234abcd-12ab-34cd-56ef-1234567890ab"), "volume key")
    check(fixed["OutputDataConfig"]["KmsKeyId"].endswith("5678efab-34cd-56ef-78ab-0987654321fe"), "output key")
    check(fixed["EnableNetworkIsolation"] is True and fixed["EnableInterContainerTrafficEncryption"] is True,
          "flags")
    check(fixed["StoppingCondition"]["MaxWaitTimeInSeconds"] == 7200, "max wait")
    check(fixed["CheckpointConfig"]["S3Uri"].startswith("s3://ml-checkpoints/"), "checkpoint")
    check({"Key": "Contact", "Value": "ml-platform@example.com"} in fixed["Tags"], "default tag")
    check(list(fixed)[:len(before)] == list(before), "key order not kept")
    # A second fix changes nothing; the result checks clean.
    again, rest = sageguard.fix(fixed, kind="CreateTrainingJob", policy=policy)
    check(again == fixed and rest == [], "fix is not idempotent")
    check(sageguard.check(fixed, policy=policy) == [], "fixed request does not check clean")
    # The fixed request is built from the engine's parsed tree, not by
    # json.loads: every number keeps its type and every digit, strings their
    # characters (what json.loads of the fixed text gives).
    extra = {"i": [0, -1, 2**53 + 1, 2**63 - 1, -2**63, 2**64, -(10**30)],
             "f": [0.1, 1e300, -2.5e-8, 3.0, 1e16, -0.0, 5e-324],
             "s": 'déjà vu ✓ 𝄞 "q" \\ \n \x01', "n": [None, True, False, {}, []]}
    job["Extra"] = copy.deepcopy(extra)
    fixed, _ = sageguard.fix(job, kind="CreateTrainingJob", policy=policy)
    check("VpcConfig" in fixed, "fix made no edit with an extra member")
    check(repr(fixed["Extra"]) == repr(extra), f"values changed on the way back: {fixed['Extra']!r}")
    check(fixed["Extra"] is not job["Extra"] and fixed["Extra"]["i"] is not job["Extra"]["i"],
          "fixed request shares the caller's objects")
    # The gate's way (share=True): the same request, equal to fix()'s, the
    # caller's own objects wherever fix left them alone, new containers on
    # the paths it edited, and the caller's request as it was.
    from sageguard import _api
    before = copy.deepcopy(job)
    fixed, remaining = sageguard.fix(job, kind="CreateTrainingJob", policy=policy)
    shared, _changes, rest = _api._fix(job, "CreateTrainingJob", policy, None, share=True)
    check(job == before, "the gate's fix mutated its input")
    check(shared == fixed and rest == remaining, f"share=True differs from fix(): {shared!r}")
    check(shared is not job and shared["Extra"] is job["Extra"] and
          shared["HyperParameters"] is job["HyperParameters"] and
          shared["AlgorithmSpecification"] is job["AlgorithmSpecification"],
          "untouched members not shared")
    check(shared["ResourceConfig"] is not job["ResourceConfig"] and
          shared["StoppingCondition"] is not job["StoppingCondition"] and
          shared["Tags"] is not job["Tags"], "an edited container is the caller's")
    check(all(a is b for a, b in zip(shared["Tags"], job["Tags"])), "untouched tags not shared")


def test_types(policy):
    when = datetime.datetime(2026, 12, 1, 12, 0, 0)
    request = {
        "ModelName": "typed-model",
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
        "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1",
                             "Environment": {"BLOB": "x"}},
        "Tags": [{"Key": "Project", "Value": "fraud"}],
    }
    from sageguard import _api
    blob = b"\x00\xffhi"
    text, _ = _api._to_json({"t": when, "b": blob, "n": [(1, 2), [3]]})
    # What botocore's JSON serializer sends for the same values.
    from botocore.serialize import JSONSerializer
    ser = JSONSerializer()
    check(f'"t":{ser._timestamp_unixtimestamp(when)}' in text, f"datetime: {text}")
    check(f'"b":"{ser._get_base64(blob)}"' in text, f"bytes: {text}")
    check('"n":[[1,2],[3]]' in text, f"nested lists: {text}")
    # The engine's own JSON writer against json.dumps with the same encoder.
    from sageguard import _native
    samples = [
        {"s": 'quote " backslash \\ nl \n tab \t ctl \x01\x1f del \x7f', "u": "déjà vu ✓ 𝄞"},
        {"i": [0, -1, 2**63 - 1, -2**63, 2**64, -(10**30)], "f": [0.1, 1e300, -2.5e-8, 3.0, 1e16]},
        {"b": [True, False, None], "t": (1, (2, 3)), "e": {}, "l": []},
        {"when": when, "blob": blob, "nested": [{"x": when}]},
    ]
    for sample in samples:
        text, why = _native.request_json(sample, _api._encode)
        check(why == "" and json.loads(text) == json.loads(_api._to_json(sample)[0]),
              f"engine JSON differs for {sample!r}: {text}")
    for bad in ({"x": float("nan")}, {"x": "\ud800"}, {1: "int key"}, {"x": object()}, {"x": {1, 2}}):
        text, why = _native.request_json(bad, _api._encode)
        check(why != "", f"{bad!r} accepted: {text}")  # int keys: json.dumps would turn them into strings
        check(any(f.rule == "request.invalid" for f in sageguard.check(bad, "CreateModel", policy)),
              f"{bad!r}: no request.invalid")
    request["Extra"] = {"When": when, "Blob": b"\x01"}
    fixed, _ = sageguard.fix(request, kind="CreateModel", policy=policy)
    check(fixed["Extra"]["When"] is when and fixed["Extra"]["Blob"] == b"\x01",
          f"fix lost the caller's objects: {fixed['Extra']}")
    check(any(f.rule == "request.invalid" and "Extra" in f.message + f.path
              for f in sageguard.check(request, kind="CreateModel", policy=policy)),
          "unknown member not reported")


def test_threads(policy):
    requests = [training_job(f"thr-{i}") if i % 2 else compliant_training_job(f"thr-{i}")
                for i in range(16)]
    requests.append({"TrainingJobName": 5})
    expected = [[f.as_dict() for f in sageguard.check(r, "CreateTrainingJob", policy)] for r in requests]
    expected_fix = [sageguard.fix(r, "CreateTrainingJob", policy)[0] for r in requests]
    errors = []
    start = threading.Barrier(8)

    def worker():
        start.wait()
        for _ in range(30):
            for r, want, want_fix in zip(requests, expected, expected_fix):
                got = [f.as_dict() for f in sageguard.check(r, "CreateTrainingJob", policy)]
                if got != want:
                    errors.append(("check", r.get("TrainingJobName")))
                if sageguard.fix(r, "CreateTrainingJob", policy)[0] != want_fix:
                    errors.append(("fix", r.get("TrainingJobName")))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, f"threads disagree with one thread: {errors[:5]}")


def test_every_gated_operation(policy):
    for op in sageguard.GATED_OPERATIONS:
        step = {"Name": "T", "Type": "Training", "Arguments": {}}
        definition = json.dumps({"Version": "2020-12-01", "Steps": [step]})
        request = {"PipelineName": "p", "PipelineDefinition": definition} if "Pipeline" in op else {}
        findings = sageguard.check(request, kind=op, policy=policy)
        check(any(f.rule == "request.invalid" for f in findings), f"{op}: {rules(findings)}")


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def stub_client(sent):
    """A SageMaker client whose HTTP answers in-process (before-send), recording
    each request body that would have been sent; the gate runs before that."""
    import botocore.session
    from botocore.awsrequest import AWSResponse

    client = botocore.session.get_session().create_client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    lock = threading.Lock()

    def answer(request, **_):
        body = json.loads(request.body)
        with lock:
            sent.setdefault(body["TrainingJobName"], []).append(body)
        return AWSResponse(request.url, 200, {}, _Raw(b'{"TrainingJobArn": "arn:x"}'))

    client.meta.events.register("before-send.sagemaker.CreateTrainingJob", answer)
    return client


def test_gate_threads(policy):
    """8 threads calling through one gated client decide as one thread does."""
    requests = []
    for i in range(12):
        r = compliant_training_job(f"gt-{i}") if i % 3 == 0 else training_job(f"gt-{i}")
        if i % 3 == 2:
            r["ResourceConfig"]["InstanceType"] = "ml.nope"  # not fixable: refused in fix mode too
        requests.append(r)

    def decide(client, r):
        try:
            client.create_training_job(**r)
            return ("sent",)
        except sageguard.PolicyViolation as e:
            return ("refused", tuple(sorted((f.rule, f.path) for f in e.findings)))

    for mode in ("enforce", "fix"):
        sent_one, sent_many = {}, {}
        one = stub_client(sent_one)
        with sageguard.guard(policy=policy, mode=mode, client=one):
            want = [decide(one, r) for r in requests]
        check(("sent",) in want and any(w[0] == "refused" for w in want), f"{mode}: {want}")
        many = stub_client(sent_many)
        errors = []
        start = threading.Barrier(8)
        with sageguard.guard(policy=policy, mode=mode, client=many):
            def worker():
                start.wait()
                for _ in range(4):
                    for r, w in zip(requests, want):
                        got = decide(many, r)
                        if got != w:
                            errors.append((r["TrainingJobName"], got, w))

            threads = [threading.Thread(target=worker) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        check(not errors, f"{mode}: threads decided otherwise: {errors[:3]}")
        for name, bodies in sent_many.items():
            check(all(b == sent_one[name][0] for b in bodies), f"{mode}: {name} sent differently")
        check(sorted(sent_many) == sorted(sent_one) and
              all(len(v) == 32 for v in sent_many.values()), f"{mode}: calls sent {len(sent_many)}")


def test_gil_released(policy):
    """The engine runs without the GIL: another Python thread keeps running
    during a long native check (with the GIL held it would stall for all of it)."""
    from sageguard import _native
    bundle = [training_job(f"gil-{i}") for i in range(4000)]
    text = json.dumps(bundle)
    t0 = time.perf_counter()
    _native.check(text, "", policy._handle, "", "bundle")
    alone = time.perf_counter() - t0
    done = threading.Event()
    worker = threading.Thread(target=lambda: (_native.check(text, "", policy._handle, "", "bundle"), done.set()))
    stamps = [time.perf_counter()]
    worker.start()
    while not done.is_set():
        stamps.append(time.perf_counter())
    worker.join()
    gap = max(b - a for a, b in zip(stamps, stamps[1:]))
    check(alone > 0.05, f"native check too short to tell ({alone:.3f} s)")
    check(gap < alone / 2, f"the main thread stalled {gap:.3f} s during a {alone:.3f} s check")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # no ./sageguard.yaml of the checkout
        os.environ.pop("SAGEGUARD_POLICY", None)
        policy = sageguard.Policy.load(POLICY)
        test_check_fields(policy)
        test_policies(tmp)
        test_wrong_shapes(policy)
        test_fix(policy)
        test_types(policy)
        test_threads(policy)
        test_every_gated_operation(policy)
        test_gate_threads(policy)
        test_gil_released(policy)
    print("python api: check, fix, policies, wrong shapes, types, threads ok")


if __name__ == "__main__":
    main()
