"""`cpack -G DEB` makes one package holding the CLI, the library, the
headers, the CMake and pkg-config files and the docs. The package is
inspected and unpacked into a temporary folder (never installed into the
system): its sageguard runs, prints its version and features, and checks an
example; its pkg-config file finds its own prefix."""

import os
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


def run(args, ok=(0,), **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=900, **kw)
    check(p.returncode in ok, "%s: rc %d\n%s%s" % (" ".join(args), p.returncode, p.stdout[-3000:],
                                                   p.stderr[-3000:]))
    return p


def main():
    run(["cmake", "--build", BUILD, "--target", "sageguard", "sageguard_library"])
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "pkg")
        run(["cpack", "-G", "DEB", "-B", out, "--config", os.path.join(BUILD, "CPackConfig.cmake")])
        debs = [f for f in os.listdir(out) if f.endswith(".deb")]
        check(len(debs) == 1, "cpack made %s" % debs)
        if FAIL:
            return 1
        deb = os.path.join(out, debs[0])
        info = run(["dpkg-deb", "-f", deb, "Package", "Version", "Depends"]).stdout
        check("Package: sageguard" in info and "Version: 0.1.0" in info, info)
        check("libcurl4" in info and "libyaml-cpp" in info, "Depends: " + info)
        listing = run(["dpkg-deb", "-c", deb]).stdout
        paths = {line.split()[-1].lstrip(".") for line in listing.splitlines() if line.strip()}
        for want in ("/usr/bin/sageguard", "/usr/lib/libsageguard.a",
                     "/usr/include/sageguard/sageguard.h", "/usr/include/sageguard/check.h",
                     "/usr/lib/cmake/sageguard/sageguardConfig.cmake",
                     "/usr/lib/pkgconfig/sageguard.pc", "/usr/share/doc/sageguard/rules.md",
                     "/usr/share/doc/sageguard/policy.md", "/usr/share/doc/sageguard/README.md"):
            check(want in paths, "the package lacks " + want)

        root = os.path.join(tmp, "root")
        run(["dpkg-deb", "-x", deb, root])
        exe = os.path.join(root, "usr", "bin", "sageguard")
        version = run([exe, "--version"]).stdout
        check(version.startswith("sageguard 0.1.0\n") and "optional features:" in version, version)
        p = run([exe, "check", "--today", "2026-12-10", "--policy", "examples/sageguard.yaml",
                 "examples/jobs/train-compliant.json"], cwd=SRC)
        check("0 errors" in p.stdout, p.stdout)
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(root, "usr", "lib", "pkgconfig"))
        prefix = run(["pkg-config", "--variable=prefix", "sageguard"], env=env).stdout.strip()
        check(os.path.realpath(prefix) == os.path.realpath(os.path.join(root, "usr")),
              "pkg-config prefix %s" % prefix)
    if FAIL:
        print("%d failure(s)" % len(FAIL))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
