"""A loopback stand-in for the Studio operations moto 5.2.1 does not implement
(ListUserProfiles, DescribeUserProfile, ListSpaces, DescribeSpace, and
ListTags on their ARNs), placed in front of moto, which answers everything
else (domains included). Its answers come from recorded Describe* responses
that the caller checks against botocore's output shapes; every request it
answers is checked against botocore's input shape for its operation, so a
member the service would not take (or a required one left out) shows up in
`rejected` and as a ValidationException. Lists are served one summary a
page, whatever MaxResults says (the service may return fewer), so callers
must follow NextToken."""

from aws_support.fault_proxy import FaultProxy

# operation -> (list key, name member, summary members taken from the Describe* answer)
LISTS = {
    "ListUserProfiles": ("UserProfiles", "UserProfileName", "UserProfileNameContains"),
    "ListSpaces": ("Spaces", "SpaceName", "SpaceNameContains"),
}
DESCRIBES = {"DescribeUserProfile": "UserProfileName", "DescribeSpace": "SpaceName"}
SUMMARY = {
    "ListUserProfiles": ("DomainId", "UserProfileName", "Status", "CreationTime", "LastModifiedTime"),
    "ListSpaces": ("DomainId", "SpaceName", "Status", "CreationTime", "LastModifiedTime",
                   "SpaceDisplayName"),
}


class StudioProxy(FaultProxy):
    def __init__(self, target, profiles, spaces, tags, missing=()):
        """profiles, spaces: DescribeUserProfile / DescribeSpace answers;
        tags: ARN -> Tags; missing: (operation, domain, name) listed but
        answered ResourceNotFound when described (deleted meanwhile)."""
        super().__init__(target, unique_names=False)
        import botocore.session
        self.model = botocore.session.get_session().get_service_model("sagemaker")
        self.items = {"ListUserProfiles": list(profiles), "ListSpaces": list(spaces)}
        self.tags = dict(tags)
        self.missing = set(missing)
        self.requests = {}   # operation -> request bodies answered here
        self.rejected = []   # (operation, botocore's complaint)

    def _validate(self, op, req):
        from botocore.validate import ParamValidator
        report = ParamValidator().validate(req, self.model.operation_model(op).input_shape)
        return report.generate_report() if report.has_errors() else None

    def _summaries(self, op, req):
        key, name_member, contains_member = LISTS[op]
        out = []
        for d in self.items[op]:
            if "DomainIdEquals" in req and d["DomainId"] != req["DomainIdEquals"]:
                continue
            if contains_member in req and req[contains_member] not in d[name_member]:
                continue
            out.append({m: d[m] for m in SUMMARY[op] if m in d})
        for o, domain, name in sorted(self.missing):
            if o == op:
                out.append({"DomainId": domain, name_member: name, "Status": "Deleting"})
        return key, out

    def _answer(self, op, req):
        if op in LISTS:
            key, summaries = self._summaries(op, req)
            start = int(req.get("NextToken") or 0)
            page = {key: summaries[start:start + 1]}
            if start + 1 < len(summaries):
                page["NextToken"] = str(start + 1)
            return 200, page
        if op in DESCRIBES:
            name_member = DESCRIBES[op]
            listing = "ListUserProfiles" if op == "DescribeUserProfile" else "ListSpaces"
            for d in self.items[listing]:
                if d["DomainId"] == req["DomainId"] and d[name_member] == req[name_member]:
                    return 200, d
            return 400, {"__type": "ResourceNotFound",
                         "message": f"{name_member} {req[name_member]} does not exist."}
        return 200, {"Tags": self.tags[req["ResourceArn"]]}

    def _intercept(self, h, op, body):
        req = self.json_body(body)
        ours = op in LISTS or op in DESCRIBES or (
            op == "ListTags" and req.get("ResourceArn") in self.tags)
        if not ours:
            return False
        with self.lock:
            self.requests.setdefault(op, []).append(req)
        complaint = self._validate(op, req)
        if complaint:
            with self.lock:
                self.rejected.append((op, complaint))
            self._reply(h, 400, {"__type": "ValidationException", "message": complaint})
        elif not h.headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256 "):
            with self.lock:
                self.rejected.append((op, "not signed with SigV4"))
            self._reply(h, 403, {"__type": "MissingAuthenticationTokenException",
                                 "message": "unsigned"})
        else:
            self._reply(h, *self._answer(op, req))
        return True
