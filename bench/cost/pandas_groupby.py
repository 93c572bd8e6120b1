"""pandas peer for the cost benchmark (run with /usr/bin/python3): read_csv
with usecols, SageMaker rows, group by Project (empty = None), sum unblended."""
import json
import sys

import pandas as pd

frames = []
for f in sys.argv[1:]:
    frames.append(pd.read_csv(f, usecols=["lineItem/ProductCode", "lineItem/UnblendedCost",
                                          "resourceTags/user:Project"],
                              dtype={"lineItem/ProductCode": str, "resourceTags/user:Project": str,
                                     "lineItem/UnblendedCost": float}, keep_default_na=False,
                              na_values={"lineItem/UnblendedCost": [""]}))
df = pd.concat(frames, ignore_index=True)
df = df[df["lineItem/ProductCode"] == "AmazonSageMaker"]
g = df.groupby(df["resourceTags/user:Project"].replace("", None), dropna=False)["lineItem/UnblendedCost"].sum()
print(json.dumps({"groups": int(len(g)), "total": float(g.sum())}))
