"""Deterministic generators of billing exports (legacy CUR, CUR 2.0, FOCUS)
for the cost integration tests and benchmarks. Rows are built as neutral
dicts, then written in each format's column names and quoting rules."""

import csv
import gzip
import io
import json
import random

LEGACY_COLUMNS = [
    "identity/LineItemId", "identity/TimeInterval", "bill/PayerAccountId",
    "lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate",
    "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType",
    "lineItem/Operation", "lineItem/ResourceId", "lineItem/UsageAmount",
    "lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
    "lineItem/LineItemDescription", "pricing/publicOnDemandCost",
    "savingsPlan/SavingsPlanEffectiveCost", "resourceTags/user:Project",
    "resourceTags/user:Cost Center",
]

CUR2_COLUMNS = [
    "identity_line_item_id", "line_item_line_item_type", "line_item_usage_start_date",
    "line_item_product_code", "line_item_usage_type", "line_item_resource_id",
    "line_item_unblended_cost", "pricing_public_on_demand_cost",
    "savings_plan_savings_plan_effective_cost", "line_item_currency_code", "resource_tags",
]

FOCUS_COLUMNS = [
    "BilledCost", "EffectiveCost", "ListCost", "BillingCurrency", "ChargeCategory",
    "ChargePeriodStart", "ResourceId", "ServiceName", "PricingCategory", "x_UsageType", "Tags",
]

PROJECTS = ["alpha", "beta, gamma", 'quote "q" project', "", "multi\nline", "Alpha"]
CENTERS = ["CC-100", "CC-200", ""]
SM_USAGE = ["USE1-Train:ml.p3.2xlarge", "USE1-Host:ml.m5.large", "USE1-Train-Spot:ml.g5.xlarge",
            "USE1-Notebk:ml.t3.medium", "USE1-Processing:ml.m5.xlarge", "USE1-Train:ml.c5.2xlarge"]
OTHER = [("AmazonEC2", "BoxUsage:m5.large"), ("AmazonS3", "TimedStorage-ByteHrs")]


def _money(rng):
    v = rng.random() * rng.choice([0.001, 1, 10, 100])
    # Mostly plain decimals, sometimes scientific notation as CUR writes tiny values.
    return ("%.10f" % v) if rng.random() > 0.1 else ("%.6E" % v)


def make_rows(seed, n, month="2024-05"):
    """n neutral line items: SageMaker usage, Savings Plan pairs, credits, taxes,
    other services, blank and odd tag values."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        day = 1 + rng.randrange(28)
        start = "%s-%02dT%02d:00:00Z" % (month, day, rng.randrange(24))
        kind = rng.random()
        project = rng.choice(PROJECTS)
        center = rng.choice(CENTERS)
        r = {"id": "li-%d-%d" % (seed, i), "start": start, "product": "AmazonSageMaker",
             "usage_type": rng.choice(SM_USAGE), "type": "Usage",
             "resource": rng.choice(["", "arn:aws:sagemaker:us-east-1:111122223333:training-job/job-%d" % rng.randrange(50)]),
             "unblended": _money(rng), "public": "", "sp_effective": "",
             "project": project, "center": center,
             "description": rng.choice(["SageMaker usage", "Usage, with comma", 'say "hi"'])}
        r["public"] = r["unblended"]
        if kind < 0.10:
            p, u = rng.choice(OTHER)
            r.update(product=p, usage_type=u)
        elif kind < 0.15:
            r.update(type="Credit", unblended="-" + _money(rng), public="", usage_type="")
        elif kind < 0.20:
            r.update(type="Tax", public="", usage_type="", resource="", project="", center="")
        elif kind < 0.30:
            cost = _money(rng)
            eff = "%.10f" % (float(cost) * 0.7)
            r.update(type="SavingsPlanCoveredUsage", unblended=cost, public=cost, sp_effective=eff)
            rows.append(r)
            neg = dict(r)
            neg.update(id=r["id"] + "n", type="SavingsPlanNegation", unblended="-" + cost, public="",
                       sp_effective="")
            r = neg
        elif "Spot" in r["usage_type"]:
            r["public"] = "%.10f" % (float(r["unblended"]) * 3)
        rows.append(r)
    return rows


def legacy_record(r):
    return {
        "identity/LineItemId": r["id"], "identity/TimeInterval": r["start"] + "/" + r["start"],
        "bill/PayerAccountId": "111122223333", "lineItem/UsageAccountId": "111122223333",
        "lineItem/LineItemType": r["type"], "lineItem/UsageStartDate": r["start"],
        "lineItem/UsageEndDate": r["start"], "lineItem/ProductCode": r["product"],
        "lineItem/UsageType": r["usage_type"], "lineItem/Operation": "RunInstance",
        "lineItem/ResourceId": r["resource"], "lineItem/UsageAmount": "1.0",
        "lineItem/CurrencyCode": "USD", "lineItem/UnblendedRate": "0.1",
        "lineItem/UnblendedCost": r["unblended"], "lineItem/LineItemDescription": r["description"],
        "pricing/publicOnDemandCost": r["public"], "savingsPlan/SavingsPlanEffectiveCost": r["sp_effective"],
        "resourceTags/user:Project": r["project"], "resourceTags/user:Cost Center": r["center"],
    }


def cur2_record(r):
    tags = {}
    if r["project"]:
        tags["user_project"] = r["project"]
    if r["center"]:
        tags["user_cost_center"] = r["center"]
    return {
        "identity_line_item_id": r["id"], "line_item_line_item_type": r["type"],
        "line_item_usage_start_date": r["start"].replace("T", " ").replace("Z", ".000"),
        "line_item_product_code": r["product"], "line_item_usage_type": r["usage_type"],
        "line_item_resource_id": r["resource"], "line_item_unblended_cost": r["unblended"],
        "pricing_public_on_demand_cost": r["public"],
        "savings_plan_savings_plan_effective_cost": r["sp_effective"],
        "line_item_currency_code": "USD",
        "resource_tags": json.dumps(tags) if tags or r["id"].endswith("0") else "",
    }


def focus_record(r):
    tags = {}
    if r["project"]:
        tags["Project"] = r["project"]
    if r["center"]:
        tags["Cost Center"] = r["center"]
    service = {"AmazonSageMaker": "Amazon SageMaker", "AmazonEC2": "Amazon Elastic Compute Cloud",
               "AmazonS3": "Amazon Simple Storage Service"}[r["product"]]
    effective = r["sp_effective"] if r["type"] == "SavingsPlanCoveredUsage" else r["unblended"]
    if r["type"] == "SavingsPlanNegation":
        effective = "0"
    return {
        "BilledCost": r["unblended"], "EffectiveCost": effective, "ListCost": r["public"],
        "BillingCurrency": "USD", "ChargeCategory": {"Credit": "Credit", "Tax": "Tax"}.get(r["type"], "Usage"),
        "ChargePeriodStart": r["start"], "ResourceId": r["resource"], "ServiceName": service,
        "PricingCategory": "Dynamic" if "Spot" in r["usage_type"] else "Standard",
        "x_UsageType": r["usage_type"], "Tags": json.dumps(tags),
    }


def render(columns, records, crlf=True, extra_lines=None):
    """CSV text with every field quoted only when needed (QUOTE_MINIMAL).
    extra_lines: {index: raw line} inserted before record `index` (malformed rows).
    Returns (text, list of physical line numbers of the extra lines)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    bad_lines = []
    for i, rec in enumerate(records):
        if extra_lines and i in extra_lines:
            bad_lines.append(out.getvalue().count("\n") + 1)
            out.write(extra_lines[i] + ("\r\n" if crlf else "\n"))
        w.writerow([rec[c] for c in columns])
    return out.getvalue(), bad_lines


def write(path, text, gz):
    data = text.encode("utf-8")
    if gz:
        with open(path, "wb") as f:
            with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as z:
                z.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)
