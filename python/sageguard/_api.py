"""check / fix of one request held in memory, over sageguard's C++ engine.

A request is a dict as boto3 takes it. The extension writes it as JSON the
way botocore's JSON protocol sends it (datetime -> epoch seconds, bytes ->
base64, through _encode) and hands it to the engine, which checks it with the same code as
`sageguard check` and fixes it with the same planner as `sageguard fix`.
Thread-safe: the engine runs without the GIL and shares nothing mutable.
"""

import base64
import calendar
import copy
import datetime
import json
import os
import threading

from . import _native

# What the pipeline operations carry their definition in.
_PIPELINE_OPERATIONS = ("CreatePipeline", "UpdatePipeline")
_SEVERITIES = ("note", "warning", "error")


class SageguardError(Exception):
    """Base of sageguard's exceptions."""


class PolicyError(SageguardError):
    """The policy cannot be loaded; `str()` is "FILE:LINE:COL: message"."""

    def __init__(self, message, file="", line=0, column=0):
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column


class Finding:
    """One policy finding: which rule, how severe, where in the request
    (a JSON pointer), and the SageMaker Python SDK argument that fixes it."""

    __slots__ = ("rule", "severity", "message", "path", "sdk_parameter", "remedy", "fixable",
                 "resource_kind", "resource_name")

    def __init__(self, rule, severity, message, path="", sdk_parameter="", remedy="",
                 fixable=False, resource_kind="", resource_name=""):
        self.rule = rule
        self.severity = severity
        self.message = message
        self.path = path
        self.sdk_parameter = sdk_parameter
        self.remedy = remedy
        self.fixable = fixable
        self.resource_kind = resource_kind
        self.resource_name = resource_name

    def as_dict(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __eq__(self, other):
        return isinstance(other, Finding) and self.as_dict() == other.as_dict()

    def __hash__(self):
        return hash((self.rule, self.severity, self.path, self.message))

    def __repr__(self):
        return (f"Finding(rule={self.rule!r}, severity={self.severity!r}, path={self.path!r}, "
                f"message={self.message!r}, sdk_parameter={self.sdk_parameter!r}, "
                f"fixable={self.fixable!r})")

    def __str__(self):
        where = f" at {self.path}" if self.path else ""
        return f"{self.severity} {self.rule}{where}: {self.message}"


def _findings(rows):
    return [Finding(*row) for row in rows]


class Policy:
    """A loaded policy (immutable, shareable between threads)."""

    __slots__ = ("_handle",)

    def __init__(self, handle):
        self._handle = handle

    @property
    def source(self):
        """The file it came from, or "<built-in>"."""
        return self._handle.source

    def __repr__(self):
        return f"Policy({self.source!r})"

    @classmethod
    def load(cls, path_or_text):
        """A policy file's path (str or os.PathLike), or the policy's YAML text.
        Raises PolicyError ("FILE:LINE:COL: message") when it is invalid."""
        if isinstance(path_or_text, os.PathLike):
            return cls._from(_native.load_policy_file(os.fspath(path_or_text)))
        if not isinstance(path_or_text, str):
            raise TypeError("Policy.load takes a path or YAML text")
        if "\n" in path_or_text or not os.path.exists(path_or_text) and ":" in path_or_text:
            return cls._from(_native.parse_policy_text("<policy text>", path_or_text))
        return cls._from(_native.load_policy_file(path_or_text))

    @classmethod
    def resolve(cls):
        """The CLI's lookup: $SAGEGUARD_POLICY, ./sageguard.yaml, the built-in policy."""
        return cls._from(_native.resolve_policy())

    @classmethod
    def _from(cls, loaded):
        handle, message, file, line, column = loaded
        if handle is None:
            raise PolicyError(message, file, line, column)
        return cls(handle)


_resolved_lock = threading.Lock()
_resolved = {}  # ($SAGEGUARD_POLICY, cwd) -> Policy


def _policy(policy):
    if isinstance(policy, Policy):
        return policy
    if policy is None:
        key = (os.environ.get("SAGEGUARD_POLICY"), os.getcwd())
        with _resolved_lock:
            found = _resolved.get(key)
        if found is None:
            found = Policy.resolve()
            with _resolved_lock:
                _resolved[key] = found
        return found
    return Policy.load(policy)


def _encode(value):
    # As botocore's JSON serializer sends them: timestamps as epoch seconds
    # (calendar.timegm of the value's own time tuple), blobs as base64.
    if isinstance(value, datetime.datetime):
        return int(calendar.timegm(value.timetuple()))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"a value of type {type(value).__name__} cannot be sent to SageMaker")


def _to_json(request):
    """(json text, None) or (None, why it cannot be sent). The engine writes
    a request's JSON itself (check_request/fix_request); this is the same
    conversion with json.dumps, which the tests hold it to."""
    try:
        return json.dumps(request, default=_encode, separators=(",", ":"), allow_nan=False), None
    except (TypeError, ValueError, RecursionError) as e:
        return None, str(e)


def _prepare(request, kind):
    """(definition text, engine kind, label, why it is invalid) for a
    Create/UpdatePipeline request; text is None when there is nothing to
    check (a definition given only as PipelineDefinitionS3Location)."""
    definition = request.get("PipelineDefinition") if isinstance(request, dict) else None
    if definition is None:
        return None, "Pipeline", "PipelineDefinition", None
    if not isinstance(definition, str):
        return None, "Pipeline", "PipelineDefinition", "PipelineDefinition must be a string"
    return definition, "Pipeline", "PipelineDefinition", None


def _check_kind(kind):
    if kind is not None and not isinstance(kind, str):
        raise TypeError("kind must be an operation name such as 'CreateTrainingJob'")
    if kind is not None and kind not in _PIPELINE_OPERATIONS and not _native.known_kind(kind):
        raise ValueError(f"unknown kind {kind!r} (expected an operation name such as "
                         "'CreateTrainingJob')")


def _invalid(kind, why):
    return Finding("request.invalid", "error", why, "", "", "", False, kind or "", "")


def check(request, kind=None, policy=None, *, region=None):
    """Findings for `request` (a dict as boto3 takes it) under `policy` (a
    Policy, a path, YAML text, or None for the CLI's lookup order). `kind`
    is an operation name ("CreateTrainingJob", ...; detected when None).
    A request of the wrong shape gives request.invalid findings."""
    _check_kind(kind)
    return _check(request, kind, _policy(policy), region)


def _is_pipeline(request, kind):
    return kind in _PIPELINE_OPERATIONS or (
        kind is None and isinstance(request, dict) and "PipelineDefinition" in request)


def _check(request, kind, policy, region):
    if _is_pipeline(request, kind):
        text, kind, label, why = _prepare(request, kind)
        if why is not None:
            return [_invalid(kind, why)]
        if text is None:
            return []
        rows, error = _native.check(text, kind, policy._handle, region or "", label)
    else:
        # The request object goes to the engine as it is; it writes the JSON.
        rows, error, why = _native.check_request(request, kind or "", policy._handle, region or "",
                                                 kind or "request", _encode)
        if why:
            return [_invalid(kind, why)]
    if error:
        raise SageguardError(error)
    return _findings(rows) if rows else []


def _restore_types(original, fixed):
    # The engine works on JSON; keep the caller's own objects (datetime,
    # bytes, tuples) wherever fix left a value as it was.
    if isinstance(fixed, dict) and isinstance(original, dict):
        return {k: _restore_types(original[k], v) if k in original else v
                for k, v in fixed.items()}
    if isinstance(fixed, list) and isinstance(original, (list, tuple)) \
            and len(fixed) == len(original):
        return [_restore_types(o, f) for o, f in zip(original, fixed)]
    if isinstance(original, (datetime.date, bytes, bytearray, memoryview)):
        if _encode(original) == fixed:
            return original
    return fixed


def _fix(request, kind, policy, region, share=False):
    """(fixed request or None when unchanged, changes, findings). `share`:
    the fixed request may hold the request's own objects where fix left
    them as they were (the gate, which replaces the members of the dict
    botocore sends); otherwise every object in it is new."""
    if _is_pipeline(request, kind):
        text, engine_kind, label, why = _prepare(request, kind)
        if why is not None:
            return None, [], [_invalid(engine_kind, why)]
        if text is None:
            return None, [], []
        fixed, changes, _not_applied, rows, error = _native.fix(text, engine_kind, policy._handle,
                                                                region or "", label)
        if error:
            raise SageguardError(error)
        if fixed is None:
            return None, changes, _findings(rows)
        out = dict(request)
        out["PipelineDefinition"] = fixed
        return out, changes, _findings(rows)
    fixed, changes, _not_applied, rows, error, why, converted = _native.fix_request(
        request, kind or "", policy._handle, region or "", kind or "request", _encode, share)
    if why:
        return None, [], [_invalid(kind, why)]
    if error:
        raise SageguardError(error)
    if fixed is None:
        return None, changes, _findings(rows)
    # Built by the engine (new objects throughout unless `share`), or its
    # text when it could not build them (a fixed request is an object or a
    # list, never a string of its own).
    out = json.loads(fixed) if isinstance(fixed, str) else fixed
    if converted:
        out = _restore_types(request, out)
    return out, changes, _findings(rows)


def fix(request, kind=None, policy=None, *, region=None):
    """(a new request with what the policy supplies filled in, the findings
    that remain), with the same edits as `sageguard fix`. `request` is never
    modified."""
    _check_kind(kind)
    fixed, _changes, findings = _fix(request, kind, _policy(policy), region)
    if fixed is None:
        fixed = copy.deepcopy(request)
    return fixed, findings


def at_or_above(findings, fail_on):
    """The findings at or above severity `fail_on`."""
    floor = _SEVERITIES.index(fail_on)
    return [f for f in findings if _SEVERITIES.index(f.severity) >= floor]


class PolicyViolation(SageguardError):
    """A gated SageMaker call was refused before anything was sent.
    `.operation` is the API operation ("CreateTrainingJob"), `.findings` the
    findings at or above the guard's fail_on severity, `.all_findings` every
    finding, `.name` the resource name in the request."""

    def __init__(self, operation, findings, name="", policy_source="", all_findings=None):
        self.operation = operation
        self.findings = list(findings)
        self.all_findings = list(all_findings if all_findings is not None else findings)
        self.name = name
        self.policy_source = policy_source
        super().__init__(self._describe())

    def _describe(self):
        what = f"{self.operation} {self.name!r}" if self.name else self.operation
        lines = [f"{what} refused by the SageMaker policy ({self.policy_source}): "
                 f"{len(self.findings)} finding(s)"]
        for f in self.findings:
            lines.append(f"  - {f}")
            if f.remedy:
                lines.append(f"      SDK parameter: {f.remedy}")
        lines.append("Nothing was sent to AWS. Set the parameters above and run again, or ask "
                     "your platform team for a waiver.")
        return "\n".join(lines)


# Tracebacks and reprs name the public module, not this one.
for _cls in (SageguardError, PolicyError, PolicyViolation, Finding, Policy):
    _cls.__module__ = "sageguard"
