"""A FaultProxy that also plays resources deleted between list and describe
(Describe*/ListTags answer 'not found') and resources the caller may not read
(AccessDeniedException)."""

from aws_support.fault_proxy import FaultProxy

NAME_KEYS = ("TrainingJobName", "HyperParameterTuningJobName", "ProcessingJobName", "TransformJobName",
             "ModelName", "EndpointConfigName", "EndpointName")


class AuditProxy(FaultProxy):
    def __init__(self, target, schedule=None, vanished=(), denied=()):
        super().__init__(target, schedule, unique_names=False)
        self.vanished = set(vanished)
        self.denied = set(denied)

    def _intercept(self, h, op, body):
        req = self.json_body(body)
        name = None
        if op.startswith("Describe"):
            name = next((req[k] for k in NAME_KEYS if k in req), None)
        elif op == "ListTags":
            name = str(req.get("ResourceArn", "")).rsplit("/", 1)[-1]
        if name in self.vanished:
            self._reply(h, 400, {"__type": "ValidationException",
                                 "message": f"Could not find resource '{name}'."})
            return True
        if name in self.denied:
            self._reply(h, 400, {"__type": "AccessDeniedException",
                                 "message": f"not authorized to read {name}"})
            return True
        return False
