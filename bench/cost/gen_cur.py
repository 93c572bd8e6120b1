#!/usr/bin/env python3
"""Generate a deterministic N-row legacy CUR CSV (gzip) for the cost benchmark.

    gen_cur.py --rows 1000000 --out cur-1m.csv.gz [--seed 42] [--plain]

Same seed and row count give byte-identical output (gzip mtime is 0). Rows
look like a real legacy CUR: ~25 columns, about 350 bytes per row, SageMaker
usage mixed with other services, Savings Plan pairs, credits, taxes, quoted
descriptions with commas and quotes, blank and set resourceTags/user:* columns.
Prints the expected SageMaker unblended total so a benchmark can check the
answer, not only the speed."""

import argparse
import csv
import gzip
import io
import random
import sys

COLUMNS = [
    "identity/LineItemId", "bill/BillingEntity", "bill/PayerAccountId", "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate",
    "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation",
    "lineItem/ResourceId", "lineItem/UsageAmount",
    "lineItem/CurrencyCode", "lineItem/UnblendedRate", "lineItem/UnblendedCost",
    "lineItem/LineItemDescription", "product/region",
    "pricing/publicOnDemandCost", "pricing/unit", "savingsPlan/SavingsPlanEffectiveCost",
    "resourceTags/user:Project", "resourceTags/user:Cost Center", "resourceTags/user:Contact",
]
SM_TYPES = ["ml.m5.large", "ml.m5.xlarge", "ml.c5.2xlarge", "ml.g5.xlarge", "ml.g4dn.xlarge",
            "ml.p3.2xlarge", "ml.p4d.24xlarge", "ml.r5.large", "ml.t3.medium"]
SM_PREFIX = ["USE1-Train:", "USE1-Host:", "USE1-Processing:", "USE1-Train-Spot:", "USE1-Notebk:"]
PROJECTS = ["fraud-detection", "churn, v2", 'recsys "next"', "", "forecasting", "nlp-search"]
CENTERS = ["CC-100", "CC-200", "CC-300", ""]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--plain", action="store_true", help="write uncompressed CSV")
    a = ap.parse_args()

    rng = random.Random(a.seed)
    total = 0.0
    raw = open(a.out, "wb")
    sink = raw if a.plain else gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="", compresslevel=6)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for i in range(a.rows):
        day = 1 + i * 28 // max(a.rows, 1)
        hour = rng.randrange(24)
        start = "2024-05-%02dT%02d:00:00Z" % (day, hour)
        end = "2024-05-%02dT%02d:59:59Z" % (day, hour)
        k = rng.random()
        product, usage, op = "AmazonSageMaker", rng.choice(SM_PREFIX) + rng.choice(SM_TYPES), "RunInstance"
        typ = "Usage"
        cost = round(rng.random() * rng.choice([0.01, 1.0, 40.0]), 10)
        public = cost
        sp = ""
        if k < 0.2:
            product, usage, op = rng.choice([("AmazonEC2", "BoxUsage:m5.large", "RunInstances"),
                                             ("AmazonS3", "TimedStorage-ByteHrs", "StandardStorage")])
        elif k < 0.23:
            typ, cost, public = "Credit", -cost, ""
        elif k < 0.25:
            typ, public = "Tax", ""
        elif k < 0.30:
            typ, sp = "SavingsPlanCoveredUsage", round(cost * 0.72, 10)
        if product == "AmazonSageMaker":
            total += cost
        w.writerow([
            "li%012d" % i, "AWS", "111122223333", "2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z", "444455556666", typ, start, end,
            product, usage, op,
            "arn:aws:sagemaker:us-east-1:444455556666:training-job/job-%05d" % rng.randrange(20000),
            "1.0", "USD", "%.10f" % abs(cost), "%.10f" % cost,
            rng.choice(["$3.825 per hour, on demand", 'SageMaker "managed"', "Usage"]),
            "us-east-1", "" if public == "" else "%.10f" % public, "Hrs", "" if sp == "" else "%.10f" % sp,
            rng.choice(PROJECTS), rng.choice(CENTERS), rng.choice(["ml@example.com", ""]),
        ])
        if buf.tell() > 1 << 20:
            sink.write(buf.getvalue().encode())
            buf.seek(0)
            buf.truncate()
    sink.write(buf.getvalue().encode())
    if sink is not raw:
        sink.close()
    raw.close()
    print("rows=%d sagemaker_unblended_total=%.6f" % (a.rows, total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
