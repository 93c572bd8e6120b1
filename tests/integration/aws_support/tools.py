"""Locating the test-only C++ tools and the usual skip/fail convention."""
import os
import sys


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def missing(msg):
    """A missing component fails the test unless SAGEGUARD_ALLOW_SKIP is set."""
    if os.environ.get("SAGEGUARD_ALLOW_SKIP"):
        print("SKIP: " + msg, file=sys.stderr)
        sys.exit(77)
    fail(msg)


def tool_path(name):
    build = os.environ.get("SG_BUILD_DIR")
    if not build:
        missing("SG_BUILD_DIR is not set")
    path = os.path.join(build, "tests", name)
    if not os.access(path, os.X_OK):
        missing(f"{path} not built")
    return path


def check(cond, msg):
    """Fail the test at once (tests that collect failures keep their own)."""
    if not cond:
        fail(msg)


def sageguard():
    """The sageguard binary under test (SAGEGUARD_BIN)."""
    path = os.environ.get("SAGEGUARD_BIN")
    if not path or not os.access(path, os.X_OK):
        missing("SAGEGUARD_BIN not set or not executable")
    return path
