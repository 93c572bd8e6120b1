#!/usr/bin/env python3
"""Generate a sageguard price table (data/prices_*.json) from AWS Price List
offer files for Amazon SageMaker.

An offer file is what the Price List bulk API serves for a service and region,
e.g. https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonSageMaker/current/us-east-1/index.json
Its documented shape:

  {"formatVersion": "v1.0", "offerCode": "AmazonSageMaker", "version": "...",
   "publicationDate": "2024-06-01T00:00:00Z",
   "products": {SKU: {"sku": SKU, "productFamily": "ML Instance",
                      "attributes": {"regionCode": "us-east-1", "instanceName": "ml.m5.large",
                                     "platoinstancetype": "Training" | "Hosting" | "Processing" |
                                                          "BatchTransform" | "Notebook" | ...,
                                     "usagetype": "USE1-Train:ml.m5.large", ...}}},
   "terms": {"OnDemand": {SKU: {OFFER: {"priceDimensions": {RATE: {"unit": "Hrs",
                                         "pricePerUnit": {"USD": "0.1150000000"}}}}}}}}

Only ML Instance products of the four billed components sageguard prices
(training, hosting, processing, batch transform) are kept, joined with their
OnDemand hourly USD rate; zero rates (free tier) are dropped, and where
several SKUs give the same key the highest rate is kept (a worst case never
understates), exactly as the C++ offer-file reader (PriceTable) does.

The output states its date (the offer file's publicationDate) and source (the
file and its version). Output is deterministic: sorted keys.

Usage:
  python3 tools/gen_prices.py [--region us-east-1 ...] [-o data/prices_us_east_1.json] OFFER.json...
"""
import argparse
import json
import sys

COMPONENTS = {
    "training": "training",
    "hosting": "hosting",
    "processing": "processing",
    "batchtransform": "batch_transform",
    "transform": "batch_transform",
}
HOURLY_UNITS = {"hrs", "hours", "hour", "hrs."}


def component(plato):
    key = "".join(ch for ch in (plato or "").lower() if ch.isalnum())
    return COMPONENTS.get(key)


def read_offer(path, regions, table):
    """Adds the offer file's prices to table[region][component][instance]; returns its header."""
    with open(path, encoding="utf-8") as f:
        offer = json.load(f)
    if not isinstance(offer.get("products"), dict):
        raise ValueError("%s: not an AWS Price List offer file (no products object)" % path)
    skus = {}
    for sku, product in offer["products"].items():
        if product.get("productFamily") != "ML Instance":
            continue
        attrs = product.get("attributes") or {}
        comp = component(attrs.get("platoinstancetype"))
        region, instance = attrs.get("regionCode"), attrs.get("instanceName")
        if not comp or not region or not instance:
            continue
        if regions and region not in regions:
            continue
        skus[sku] = (region, comp, instance)
    on_demand = (offer.get("terms") or {}).get("OnDemand")
    if not isinstance(on_demand, dict):
        raise ValueError("%s: offer file has no terms.OnDemand object" % path)
    for sku, offers in on_demand.items():
        if sku not in skus:
            continue
        region, comp, instance = skus[sku]
        for term in offers.values():
            for dim in (term.get("priceDimensions") or {}).values():
                if str(dim.get("unit", "")).lower() not in HOURLY_UNITS:
                    continue
                try:
                    usd = float((dim.get("pricePerUnit") or {}).get("USD"))
                except (TypeError, ValueError):
                    continue
                if not usd > 0:
                    continue
                prices = table.setdefault(region, {}).setdefault(comp, {})
                prices[instance] = max(usd, prices.get(instance, 0.0))
    return {"publicationDate": offer.get("publicationDate", ""), "version": offer.get("version", ""),
            "offerCode": offer.get("offerCode", "")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("offers", nargs="+", help="AmazonSageMaker offer files (regional or global index.json)")
    ap.add_argument("--region", action="append", default=[], help="keep only these regions (default: all)")
    ap.add_argument("-o", "--output", help="write here (default: stdout)")
    args = ap.parse_args(argv)
    table, sources, dates = {}, [], []
    for path in args.offers:
        head = read_offer(path, set(args.region), table)
        sources.append("%s (%s version %s)" % (path.rsplit("/", 1)[-1], head["offerCode"] or "offer file",
                                              head["version"] or "unknown"))
        if head["publicationDate"]:
            dates.append(head["publicationDate"][:10])
    if not table:
        print("no ML Instance on-demand prices found", file=sys.stderr)
        return 2
    out = {
        "format": "sageguard-prices-v1",
        "date": max(dates) if dates else "",
        "source": "Generated by tools/gen_prices.py from the AWS Price List offer file(s) " + ", ".join(sources) +
                  ": on-demand USD per instance-hour, highest rate where SKUs overlap.",
        "regions": table,
    }
    text = json.dumps(out, indent=1, sort_keys=True) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
