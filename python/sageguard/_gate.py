"""The gate: every SageMaker create call in the process checked against the
policy before botocore builds the request.

guard() hooks botocore.session.Session.create_client, so each SageMaker
client made afterwards (boto3.client, any boto3.Session, botocore sessions,
the SageMaker Python SDK's own sessions) gets a handler on its
`before-parameter-build.sagemaker.<Operation>` events; SageMaker clients
that already exist are found and gated too. guard(client=c) gates one
client only. Guard.remove() unregisters every handler and puts
create_client back. Thread-safe; handlers run in the calling thread.
"""

import functools
import gc
import importlib
import logging
import threading
import weakref

from . import _api, _propagate
from ._api import PolicyError, PolicyViolation

logger = logging.getLogger("sageguard")

GATED_OPERATIONS = (
    "CreateTrainingJob",
    "CreateHyperParameterTuningJob",
    "CreateProcessingJob",
    "CreateTransformJob",
    "CreateModel",
    "CreateEndpointConfig",
    "CreateEndpoint",
    "CreatePipeline",
    "UpdatePipeline",
)
_NAME_MEMBER = {
    "CreateTrainingJob": "TrainingJobName",
    "CreateHyperParameterTuningJob": "HyperParameterTuningJobName",
    "CreateProcessingJob": "ProcessingJobName",
    "CreateTransformJob": "TransformJobName",
    "CreateModel": "ModelName",
    "CreateEndpointConfig": "EndpointConfigName",
    "CreateEndpoint": "EndpointName",
    "CreatePipeline": "PipelineName",
    "UpdatePipeline": "PipelineName",
}
MODES = ("enforce", "fix", "warn")

_state = threading.RLock()
_process_guards = []  # guards that gate every new client


def _is_sagemaker(client):
    try:
        return client.meta.service_model.service_name == "sagemaker"
    except AttributeError:
        return False


def _session_class():
    # By module name: at start-up (sageguard.pth) this runs right after
    # botocore.session has executed, before `botocore.session` is bound as
    # an attribute of the botocore package.
    return importlib.import_module("botocore.session").Session


def _hook_create_client():
    cls = _session_class()
    if getattr(cls.create_client, "_sageguard_original", None) is not None:
        return
    original = cls.create_client

    @functools.wraps(original)
    def create_client(self, *args, **kwargs):
        client = original(self, *args, **kwargs)
        if _process_guards and _is_sagemaker(client):
            with _state:
                for g in list(_process_guards):
                    g._attach(client)
        return client

    create_client._sageguard_original = original
    cls.create_client = create_client


def _unhook_create_client():
    cls = _session_class()
    original = getattr(cls.create_client, "_sageguard_original", None)
    if original is not None:
        cls.create_client = original


class Guard:
    """An installed gate; a context manager. remove() undoes it."""

    def __init__(self, policy, mode, kinds, fail_on, error=None):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if fail_on not in ("error", "warning", "note"):
            raise ValueError(f"fail_on must be error, warning or note, not {fail_on!r}")
        ops = tuple(GATED_OPERATIONS if kinds is None else kinds)
        unknown = [k for k in ops if k not in GATED_OPERATIONS]
        if unknown:
            raise ValueError(f"cannot gate {', '.join(unknown)}; gated operations: "
                             f"{', '.join(GATED_OPERATIONS)}")
        self.policy = policy
        self.mode = mode
        self.fail_on = fail_on
        self.operations = ops
        self._error = error  # a PolicyError every gated call raises (bad policy at start-up)
        self._clients = weakref.WeakSet()
        self._process_wide = False
        self._removed = False
        self._uid = f"sageguard-{id(self):x}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False

    def __repr__(self):
        scope = "process" if self._process_wide else f"{len(self._clients)} client(s)"
        return f"<sageguard.Guard mode={self.mode} fail_on={self.fail_on} {scope}>"

    def _attach(self, client):
        with _state:
            if self._removed or client in self._clients:
                return
            ref = weakref.ref(client)
            for op in self.operations:
                client.meta.events.register(f"before-parameter-build.sagemaker.{op}",
                                            functools.partial(self._on_call, ref),
                                            unique_id=f"{self._uid}-{op}")
            self._clients.add(client)

    def remove(self):
        """Unregister from every client and, when no other guard is
        process-wide, restore botocore's create_client."""
        with _state:
            if self._removed:
                return
            self._removed = True
            for client in list(self._clients):
                for op in self.operations:
                    client.meta.events.unregister(f"before-parameter-build.sagemaker.{op}",
                                                  unique_id=f"{self._uid}-{op}")
            self._clients = weakref.WeakSet()
            if self._process_wide:
                _process_guards.remove(self)
                if not _process_guards:
                    _unhook_create_client()

    def _on_call(self, client_ref, params, model, context=None, **_):
        op = model.name
        name = params.get(_NAME_MEMBER.get(op, ""), "")
        if self._error is not None:
            logger.debug("%s %r refused: the policy could not be loaded", op, name)
            raise PolicyError(str(self._error), self._error.file, self._error.line,
                              self._error.column)
        region = (context or {}).get("client_region") or ""
        client = client_ref()
        if self.mode == "fix":
            findings = self._fix_in_place(client, op, params, region)
        else:
            findings = _api._check(params, op, self.policy, region)
        blocking = _api.at_or_above(findings, self.fail_on) if findings else findings
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %r: %s, %d finding(s) [%s], %d at or above %s", op, name, self.mode,
                         len(findings), ", ".join(f"{f.rule} {f.path}" for f in findings),
                         len(blocking), self.fail_on)
        if self.mode == "warn":
            for f in blocking:
                logger.warning("%s %r: %s%s", op, name, f,
                               f" (SDK parameter: {f.remedy})" if f.remedy else "")
        elif blocking:
            logger.debug("%s %r refused", op, name)
            raise PolicyViolation(op, blocking, name, self.policy.source, findings)
        if self.mode == "fix" and op in _propagate.OPERATIONS and client is not None:
            _propagate.remember(client, op, params)

    def _fix_in_place(self, client, op, params, region):
        request = params
        if op in _propagate.OPERATIONS and client is not None:
            inherited = _propagate.inherited_tags(client, op, params)
            if inherited:
                request = dict(params)
                request["Tags"] = _propagate.merge(params.get("Tags"), inherited)
        # The fixed request may share the caller's nested objects where fix
        # left them alone; none of them is modified.
        fixed, changes, findings = _api._fix(request, op, self.policy, region, share=True)
        if fixed is None and request is not params:
            fixed = request
        if fixed is not None:
            # botocore serialises this very dict: replace its members (the
            # caller's nested objects are left untouched).
            params.clear()
            params.update(fixed)
        if changes and logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %r fixed: %s", op, params.get(_NAME_MEMBER.get(op, ""), ""),
                         "; ".join(changes))
        return findings


def _existing_sagemaker_clients():
    from botocore.client import BaseClient

    return [o for o in gc.get_objects() if isinstance(o, BaseClient) and _is_sagemaker(o)]


def guard(policy=None, mode="enforce", kinds=None, *, client=None, fail_on="error"):
    """Gate SageMaker create calls against `policy` (a Policy, path, YAML
    text, or None for the CLI's lookup order).

    mode "enforce" raises PolicyViolation before anything is sent when a
    finding is at or above `fail_on`; "fix" first fills in what the policy
    supplies (and tags inherited from a model's training job), then
    enforces; "warn" logs the findings on the "sageguard" logger and lets
    the call proceed. `kinds` narrows the gated operations (names from
    GATED_OPERATIONS). With `client`, only that client is gated; otherwise
    every SageMaker client, existing or created later, in the process.
    """
    return _install(_api._policy(policy), mode, kinds, client, fail_on, scan=True)


def _install(policy, mode, kinds, client, fail_on, scan, error=None):
    g = Guard(policy, mode, kinds, fail_on, error)
    if client is not None:
        if not _is_sagemaker(client):
            raise ValueError("guard(client=...) takes a SageMaker client")
        g._attach(client)
        return g
    with _state:
        _hook_create_client()
        g._process_wide = True
        _process_guards.append(g)
    if scan:
        for c in _existing_sagemaker_clients():
            g._attach(c)
    return g


Guard.__module__ = "sageguard"
