"""Start-up activation (sageguard.pth): with SAGEGUARD_GUARD=enforce|fix|warn
in the environment, every Python process gates its SageMaker calls without
importing sageguard.

The .pth file runs while site-packages are being added, possibly before the
directory that holds botocore is on sys.path (a venv made with
--system-site-packages), so nothing is imported here: a meta path finder
waits for `botocore.session` to be imported and installs the guard right
after it has run. Nothing here may stop the interpreter from starting: a
bad setting or policy is reported once on stderr, and every gated call
then raises PolicyError.
"""

import os
import sys

_TARGET = "botocore.session"


def _report(message):
    print(f"sageguard: error: {message}; every gated SageMaker call will raise PolicyError",
          file=sys.stderr)


def activate():
    """Install the process-wide guard SAGEGUARD_GUARD asks for."""
    from . import _api, _gate

    mode = os.environ.get("SAGEGUARD_GUARD", "").strip().lower()
    fail_on = os.environ.get("SAGEGUARD_FAIL_ON", "error").strip().lower() or "error"
    error = None
    policy = None
    if mode not in _gate.MODES:
        error = _api.PolicyError(f"SAGEGUARD_GUARD={mode!r}: expected enforce, fix or warn")
    elif fail_on not in ("error", "warning", "note"):
        error = _api.PolicyError(f"SAGEGUARD_FAIL_ON={fail_on!r}: expected error, warning or note")
    else:
        try:
            policy = _api.Policy.resolve()
        except _api.PolicyError as e:
            error = e
    if error is not None:
        _report(str(error))
        # A guard that refuses every gated call: failing closed.
        return _gate._install(None, "enforce", None, None, "error", scan=False, error=error)
    return _gate._install(policy, mode, None, None, fail_on, scan=False)


class _RunAfter:
    """Loader wrapper: runs the real loader, then `then()`."""

    def __init__(self, loader, then):
        self._loader = loader
        self._then = then

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        # Hand the module back to its own loader before anything else sees it.
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._then()


class _BotocoreWatch:
    """Meta path finder that fires once, when botocore.session is imported."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        _unwatch()
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _RunAfter(spec.loader, _activate_quietly)
        return spec

    def invalidate_caches(self):
        pass


_watch = _BotocoreWatch()


def _unwatch():
    try:
        sys.meta_path.remove(_watch)
    except ValueError:
        pass


def _activate_quietly():
    try:
        activate()
    except Exception as e:  # never let start-up or an import fail because of the gate
        _report(f"cannot install the gate: {e}")


def install():
    """Called by sageguard.pth when SAGEGUARD_GUARD is set."""
    if _TARGET in sys.modules:
        _activate_quietly()
    elif _watch not in sys.meta_path:
        sys.meta_path.insert(0, _watch)
