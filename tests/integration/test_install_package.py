"""`cmake --install` into a temporary prefix, then a program outside the
source tree (tests/install/consumer) built against it twice, with
find_package(sageguard) and with pkg-config, checks a request held in memory
and must report exactly the findings the installed CLI reports for the same
file (`sageguard check --today`), before and after the example waiver
expires. The installed package carries no CLI11, libcurl or OpenSSL."""

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("SG_SOURCE_DIR", ".")
BUILD = os.environ.get("SG_BUILD_DIR", os.path.join(SRC, "build"))
FAIL = []


def check(cond, msg):
    if not cond:
        FAIL.append(msg)
        print("FAIL:", msg, flush=True)


def run(args, env=None, cwd=None, ok=(0,)):
    p = subprocess.run(args, capture_output=True, text=True, timeout=900, env=env, cwd=cwd)
    check(p.returncode in ok, "%s: rc %d\n%s%s" % (" ".join(map(shlex.quote, args)), p.returncode,
                                                   p.stdout[-3000:], p.stderr[-3000:]))
    return p


def cli_lines(sageguard, policy, request, today):
    """The CLI's findings in the consumer's line format."""
    p = run([sageguard, "check", "--today", today, "--policy", policy, "--format", "json", request],
            ok=(0, 1))
    doc = json.loads(p.stdout)
    lines = ["%s %s %d:%d %s" % (f["rule"], f["severity"], f["line"], f["column"], f["path"])
             for f in doc["findings"]]
    return lines + ["waived %d" % len(doc["waived"])], p.returncode


def main():
    run(["cmake", "--build", BUILD, "--target", "sageguard", "sageguard_library"])
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "prefix")
        run(["cmake", "--install", BUILD, "--prefix", prefix])
        libdir = next((d for d in ("lib", "lib64", "lib/x86_64-linux-gnu")
                       if os.path.exists(os.path.join(prefix, d, "libsageguard.a"))), None)
        check(libdir is not None, "no libsageguard.a under %s" % prefix)
        if FAIL:
            return 1
        for rel in ("bin/sageguard", "include/sageguard/sageguard.h", "include/sageguard/result.h",
                    libdir + "/cmake/sageguard/sageguardConfig.cmake",
                    libdir + "/cmake/sageguard/sageguardConfigVersion.cmake",
                    libdir + "/pkgconfig/sageguard.pc", "share/doc/sageguard/rules.md",
                    "share/doc/sageguard/policy.md"):
            check(os.path.exists(os.path.join(prefix, rel)), "not installed: " + rel)
        for hidden in ("include/sageguard/cost/value_json.h", "include/CLI",
                       "include/sageguard/launch/gate.h", "include/sageguard/cost/estimate.h",
                       "include/sageguard/aws/json_client.h"):
            check(not os.path.exists(os.path.join(prefix, hidden)), "installed: " + hidden)
        # nlohmann-json stays behind the private headers: no installed header
        # names it, so the package does not depend on it either.
        headers = 0
        for root, _, files in os.walk(os.path.join(prefix, "include")):
            for name in files:
                headers += 1
                with open(os.path.join(root, name), errors="replace") as f:
                    check("nlohmann" not in f.read(), "installed header mentions nlohmann: "
                          + os.path.join(root, name))
        check(headers > 20, "only %d installed headers" % headers)
        with open(os.path.join(prefix, libdir, "pkgconfig", "sageguard.pc")) as f:
            check("nlohmann" not in f.read(), "sageguard.pc requires nlohmann_json")
        cmake_dir = os.path.join(prefix, libdir, "cmake", "sageguard")
        targets = "".join(open(os.path.join(cmake_dir, f)).read() for f in os.listdir(cmake_dir))
        for dep in ("CLI11", "CURL", "OpenSSL", "sg_cli", "nlohmann"):
            check(dep not in targets, "the installed CMake package mentions " + dep)

        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, libdir, "pkgconfig"))
        pc = run(["pkg-config", "--cflags", "--libs", "sageguard"], env=env).stdout.split()
        check("-lsageguard" in pc and not any("CLI" in a or "curl" in a for a in pc),
              "pkg-config flags: %s" % pc)

        # The consumer, copied out of the source tree, built both ways.
        consumer = os.path.join(tmp, "consumer")
        shutil.copytree(os.path.join(SRC, "tests", "install", "consumer"), consumer)
        build = os.path.join(tmp, "consumer-build")
        run(["cmake", "-S", consumer, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             "-DCMAKE_PREFIX_PATH=" + prefix])
        run(["cmake", "--build", build])
        by_cmake = os.path.join(build, "consumer")
        by_pc = os.path.join(tmp, "consumer-pc")
        cxx = os.environ.get("CXX", "c++")
        run([cxx, "-std=c++20", "-O1", os.path.join(consumer, "main.cc"), "-o", by_pc] + pc, env=env)

        sageguard = os.path.join(prefix, "bin", "sageguard")
        with open(os.path.join(SRC, "examples", "jobs", "train-sdk-spot.json")) as f:
            job = json.load(f)
        job["TrainingJobName"] = "legacy-churn"  # waived by the example policy until 2027-03-31
        request = os.path.join(tmp, "req.json")
        with open(request, "w") as f:
            json.dump(job, f, indent=2)
        policy = os.path.join(SRC, "examples", "sageguard.yaml")
        compared = 0
        for today in ("2026-12-10", "2027-04-01"):
            want, want_rc = cli_lines(sageguard, policy, request, today)
            check(len(want) > 3, "the CLI found little: %s" % want)
            for name, exe in (("find_package", by_cmake), ("pkg-config", by_pc)):
                p = run([exe, policy, request, today], ok=(0, 1))
                lines = p.stdout.splitlines()
                check(lines[-1] == "version 0.1.0" or lines[-1].startswith("version "), lines[-1:])
                check(lines[:-1] == want, "%s consumer on %s:\n%s\n!= CLI:\n%s" %
                      (name, today, "\n".join(lines[:-1]), "\n".join(want)))
                check(p.returncode == want_rc, "%s consumer exit %d, CLI %d" % (name, p.returncode, want_rc))
                compared += 1
        check(compared == 4, "compared %d runs" % compared)
    if FAIL:
        print("%d failure(s)" % len(FAIL))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
