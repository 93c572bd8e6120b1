"""A PEP 517 build backend without downloads: run the project's CMake build
of the Python package (target sg_python) for the interpreter running pip,
then pack <build>/python/ (the package, its extension, sageguard.pth) into
a wheel. Only build_wheel is offered; pip installs a directory with it.

SAGEGUARD_BUILD_DIR names the CMake build directory (default: build-python
at the top of the checkout); an already configured one is only rebuilt.
"""
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

NAME = "sageguard"
VERSION = "0.1.0"
SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def get_requires_for_build_wheel(config_settings=None):
    return []


def _tag():
    py = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{py}-{py}-{platform}"


def _build():
    build = os.environ.get("SAGEGUARD_BUILD_DIR") or os.path.join(SOURCE, "build-python")
    if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
        gen = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.run(["cmake", "-S", SOURCE, "-B", build, *gen, "-DCMAKE_BUILD_TYPE=Release",
                        "-DSAGEGUARD_TESTS=OFF", "-DSAGEGUARD_BENCH=OFF", "-DSAGEGUARD_PYTHON=ON",
                        f"-DPython3_EXECUTABLE={sys.executable}"], check=True, stdout=sys.stderr)
    subprocess.run(["cmake", "--build", build, "--target", "sg_python"], check=True, stdout=sys.stderr)
    out = os.path.join(build, "python")
    if not os.path.isdir(os.path.join(out, NAME)):
        raise RuntimeError(f"{out} holds no package: CMake did not find pybind11 or {sys.executable}'s headers")
    return out


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    tree = _build()
    tag = _tag()
    wheel_name = f"{NAME}-{VERSION}-{tag}.whl"
    dist_info = f"{NAME}-{VERSION}.dist-info"
    files = []
    for root, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for n in sorted(names):
            path = os.path.join(root, n)
            files.append((os.path.relpath(path, tree).replace(os.sep, "/"), path))
    metadata = (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n"
                "Summary: SageMaker policy gate for boto3 (sageguard's rule engine)\n"
                "Requires-Python: >=3.8\nRequires-Dist: botocore\n")
    wheel = f"Wheel-Version: 1.0\nGenerator: sageguard wheel_backend\nRoot-Is-Purelib: false\nTag: {tag}\n"
    records = []
    path = os.path.join(wheel_directory, wheel_name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for arcname, src in sorted(files):
            with open(src, "rb") as f:
                data = f.read()
            z.writestr(arcname, data)
            records.append(_record_line(arcname, data))
        for n, text in (("METADATA", metadata), ("WHEEL", wheel)):
            arcname = f"{dist_info}/{n}"
            z.writestr(arcname, text)
            records.append(_record_line(arcname, text.encode()))
        records.append(f"{dist_info}/RECORD,,")
        z.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    return wheel_name
