"""sageguard: the team's SageMaker policy, checked inside every boto3 call.

    import sageguard
    findings = sageguard.check(request, kind="CreateTrainingJob")
    fixed, remaining = sageguard.fix(request, kind="CreateTrainingJob")
    with sageguard.guard(mode="enforce"):
        estimator.fit(...)          # non-compliant creates raise PolicyViolation

The rules are sageguard's C++ engine (the same as `sageguard check`/`fix`).
Names are loaded on first use, so the start-up hook (sageguard.pth) costs
nothing until botocore is imported.
"""

__version__ = "0.1.0"

_API = {
    "check": "_api",
    "fix": "_api",
    "Finding": "_api",
    "Policy": "_api",
    "SageguardError": "_api",
    "PolicyError": "_api",
    "PolicyViolation": "_api",
    "guard": "_gate",
    "Guard": "_gate",
    "GATED_OPERATIONS": "_gate",
}

__all__ = sorted(_API)


def __getattr__(name):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'sageguard' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_API))
