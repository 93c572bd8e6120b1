"""Start-up activation through sageguard.pth in a fresh interpreter: a venv
(made offline, --without-pip, --system-site-packages so boto3 comes from
the base interpreter's site directory, which is added after the .pth file
runs) with the build's python/ directory copied into its site-packages.
With SAGEGUARD_GUARD unset the engine is never loaded and calls go
through; when set, it is loaded only once botocore is imported; with
enforce a non-compliant create is refused before it reaches moto (SigV4
checking on); with fix it reaches moto compliant; a bad policy or setting is
one stderr line at start-up and every gated call then raises PolicyError.
`pip install ./python` (offline) installs the same files."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.moto_env import Moto  # noqa: E402
from py_support import POLICY, check, package_dir, training_job  # noqa: E402

SCRIPT = r"""
import json, sys
loaded_early = "sageguard._native" in sys.modules
import boto3
sm = boto3.client("sagemaker", endpoint_url=sys.argv[1], region_name="us-east-1")
request = json.loads(sys.argv[2])
try:
    sm.create_training_job(**request)
    outcome = "SENT"
except Exception as e:
    outcome = type(e).__name__
print(json.dumps({"outcome": outcome, "loaded_early": loaded_early,
                  "sageguard_loaded": "sageguard._native" in sys.modules}))
"""


def make_venv(tmp):
    venv = os.path.join(tmp, "venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", venv],
                   check=True, timeout=120)
    python = os.path.join(venv, "bin", "python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    check(site.startswith(venv), f"venv site-packages {site}")
    src = package_dir()
    for name in os.listdir(src):
        path = os.path.join(src, name)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(site, name), ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, site)
    # The base interpreter must not see the package by itself: the venv's
    # copy is what is tested.
    check(subprocess.run([sys.executable, "-c", "import sageguard"], capture_output=True,
                         env=clean_env({}), cwd=tmp).returncode != 0,
          "sageguard importable outside the venv; the test would prove nothing")
    return python


def clean_env(extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "SAGEGUARD_")) and k not in ("PYTHONPATH",)}
    env.update(extra)
    return env


def run(python, tmp, moto, job, extra):
    env = clean_env({"AWS_ACCESS_KEY_ID": moto.access_key, "AWS_SECRET_ACCESS_KEY": moto.secret_key,
                     "AWS_EC2_METADATA_DISABLED": "true", "HOME": tmp,
                     "AWS_CONFIG_FILE": os.path.join(tmp, "none"),
                     "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "none"), **extra})
    import json
    proc = subprocess.run([python, "-c", SCRIPT, moto.url, json.dumps(job)], env=env, cwd=tmp,
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode == 0, f"interpreter failed ({proc.returncode}): {proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def files_under(root):
    out = set()
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if x != "__pycache__" and not x.endswith(".dist-info")]
        out |= {os.path.relpath(os.path.join(d, n), root) for n in names}
    return out


def test_wheel(tmp):
    """`pip install ./python` offline (the in-tree backend, no PyPI) installs
    exactly what <build>/python holds; SAGEGUARD_BUILD_DIR reuses this build."""
    target = os.path.join(tmp, "pip-target")
    source = os.path.join(os.environ.get("SG_SOURCE_DIR") or os.getcwd(), "python")
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--no-deps",
                           "--disable-pip-version-check", "--target", target, source],
                          env=clean_env({"SAGEGUARD_BUILD_DIR": os.environ["SG_BUILD_DIR"],
                                         "PIP_NO_CACHE_DIR": "1"}),
                          capture_output=True, text=True, timeout=600)
    check(proc.returncode == 0, f"pip install ./python failed: {proc.stdout}\n{proc.stderr}")
    check(files_under(target) == files_under(package_dir()),
          f"the wheel installs {sorted(files_under(target))}, build/python has {sorted(files_under(package_dir()))}")
    check(any(n.startswith("sageguard-") and n.endswith(".dist-info") for n in os.listdir(target)),
          "no dist-info")
    proc = subprocess.run([sys.executable, "-c", "import sageguard; print(sageguard.__file__); "
                           "print(sageguard.check({'TrainingJobName': 'w'}, 'CreateTrainingJob')[0].rule)"],
                          env=clean_env({"PYTHONPATH": target}), capture_output=True, text=True, cwd=tmp)
    check(proc.returncode == 0 and proc.stdout.splitlines() == [os.path.join(target, "sageguard", "__init__.py"),
                                                               "request.invalid"],
          f"installed package: {proc.stdout} {proc.stderr}")


def main():
    moto = Moto()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            python = make_venv(tmp)
            policy = os.path.join(tmp, "policy.yaml")
            with open(policy, "w") as f:
                f.write(POLICY)
            sm = moto.boto()

            def jobs():
                return {j["TrainingJobName"] for j in sm.list_training_jobs()["TrainingJobSummaries"]}

            out, err = run(python, tmp, moto, training_job("pth-unset"), {})
            check(out == {"outcome": "SENT", "loaded_early": False, "sageguard_loaded": False},
                  f"variable unset: {out} {err}")
            check("pth-unset" in jobs(), "unset: job not created")

            out, err = run(python, tmp, moto, training_job("pth-enforced"),
                           {"SAGEGUARD_GUARD": "enforce", "SAGEGUARD_POLICY": policy})
            check(out["outcome"] == "PolicyViolation", f"enforce: {out} {err}")
            check(not out["loaded_early"] and out["sageguard_loaded"], f"activation order: {out}")
            check("pth-enforced" not in jobs(), "enforce: the refused job reached moto")
            check(err == "", f"enforce wrote to stderr: {err}")

            job = training_job("pth-fixed")
            job["EnableManagedSpotTraining"] = True
            out, err = run(python, tmp, moto, job, {"SAGEGUARD_GUARD": "fix", "SAGEGUARD_POLICY": policy})
            check(out["outcome"] == "SENT", f"fix: {out} {err}")
            d = sm.describe_training_job(TrainingJobName="pth-fixed")
            check(d.get("VpcConfig", {}).get("SecurityGroupIds") == ["sg-0123abcd"] and
                  d.get("EnableInterContainerTrafficEncryption") is True, f"fix: not compliant: {d}")

            # ./sageguard.yaml is in the CLI's lookup order too.
            shutil.copy(policy, os.path.join(tmp, "sageguard.yaml"))
            out, err = run(python, tmp, moto, training_job("pth-cwd"), {"SAGEGUARD_GUARD": "enforce"})
            check(out["outcome"] == "PolicyViolation", f"./sageguard.yaml: {out} {err}")
            os.remove(os.path.join(tmp, "sageguard.yaml"))

            bad = os.path.join(tmp, "bad.yaml")
            with open(bad, "w") as f:
                f.write("version: 1\nrules:\n  no.such.rule: error\n")
            for extra, where in (({"SAGEGUARD_GUARD": "enforce", "SAGEGUARD_POLICY": bad}, f"{bad}:3:"),
                                 ({"SAGEGUARD_GUARD": "enforc", "SAGEGUARD_POLICY": policy}, "enforc")):
                out, err = run(python, tmp, moto, training_job("pth-bad"), extra)
                check(out["outcome"] == "PolicyError", f"{extra}: {out} {err}")
                lines = err.strip().splitlines()
                check(len(lines) == 1 and lines[0].startswith("sageguard: error: ") and where in lines[0],
                      f"{extra}: expected one stderr line naming {where}, got {err!r}")
            check("pth-bad" not in jobs(), "a call under a bad policy reached moto")
            # Start-up itself never fails, whatever the setting.
            proc = subprocess.run([python, "-c", "print('up')"], capture_output=True, text=True,
                                  env=clean_env({"SAGEGUARD_GUARD": "enforce", "SAGEGUARD_POLICY": bad}))
            check(proc.returncode == 0 and proc.stdout == "up\n", f"start-up: {proc.stdout} {proc.stderr}")
            test_wheel(tmp)
    finally:
        moto.stop()
    print("python .pth activation: unset, enforce, fix, ./sageguard.yaml, bad policy/setting ok")


if __name__ == "__main__":
    main()
