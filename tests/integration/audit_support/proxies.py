"""A FaultProxy that also plays resources deleted between list and describe
(Describe*/ListTags answer 'not found') and resources the caller may not read
(AccessDeniedException)."""
import io
import json

from aws_support.fault_proxy import FaultProxy

NAME_KEYS = ("TrainingJobName", "HyperParameterTuningJobName", "ProcessingJobName", "TransformJobName",
             "ModelName", "EndpointConfigName", "EndpointName")


class AuditProxy(FaultProxy):
    def __init__(self, target, schedule=None, vanished=(), denied=()):
        super().__init__(target, schedule, unique_names=False)
        self.vanished = set(vanished)
        self.denied = set(denied)

    def _handle(self, h):
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        op = h.headers.get("X-Amz-Target", "").split(".", 1)[-1]
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            req = {}
        name = None
        if op.startswith("Describe"):
            name = next((req[k] for k in NAME_KEYS if k in req), None)
        elif op == "ListTags":
            name = str(req.get("ResourceArn", "")).rsplit("/", 1)[-1]
        if name in self.vanished:
            return self._reply(h, 400, {"__type": "ValidationException",
                                        "message": f"Could not find resource '{name}'."})
        if name in self.denied:
            return self._reply(h, 400, {"__type": "AccessDeniedException",
                                        "message": f"not authorized to read {name}"})
        # The base class reads the body itself: give it the bytes we took,
        # then put the connection's stream back for the next request.
        stream = h.rfile
        h.rfile = io.BytesIO(body)
        try:
            return super()._handle(h)
        finally:
            h.rfile = stream
