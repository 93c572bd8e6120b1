"""Validates JSON documents against docs/schema/*.schema.json.

A small validator for the part of JSON Schema (2020-12) the report schemas
use: type, const, enum, required, properties, additionalProperties, items,
minimum, pattern and local $ref. Where the jsonschema package is installed it
validates too, as a second opinion; it is not required (Debian 12's system
Python may lack it and the tests must not need PyPI).
"""
import json
import os
import re

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$schema", "$id", "title", "description", "$defs", "type", "const", "enum", "required",
         "properties", "additionalProperties", "items", "minimum", "pattern", "$ref"}


def load_schema(name):
    root = os.environ.get("SG_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    with open(os.path.join(root, "docs", "schema", name), encoding="utf-8") as f:
        return json.load(f)


def errors(doc, schema, root=None, where="$"):
    """Every way `doc` breaks `schema`, as 'PATH: what' strings."""
    root = root or schema
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"schema uses keywords this validator does not know: {sorted(unknown)}")
    out = []
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        return errors(doc, root["$defs"][ref[len("#/$defs/"):]], root, where)
    if "type" in schema and not TYPES[schema["type"]](doc):
        return [f"{where}: expected {schema['type']}, got {type(doc).__name__}"]
    if "const" in schema and doc != schema["const"]:
        out.append(f"{where}: expected {schema['const']!r}")
    if "enum" in schema and doc not in schema["enum"]:
        out.append(f"{where}: {doc!r} not one of {schema['enum']}")
    if "minimum" in schema and TYPES["number"](doc) and doc < schema["minimum"]:
        out.append(f"{where}: {doc} below {schema['minimum']}")
    if "pattern" in schema and isinstance(doc, str) and not re.search(schema["pattern"], doc):
        out.append(f"{where}: {doc!r} does not match {schema['pattern']}")
    if isinstance(doc, dict):
        for key in schema.get("required", []):
            if key not in doc:
                out.append(f"{where}: missing {key!r}")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, value in doc.items():
            if key in props:
                out += errors(value, props[key], root, f"{where}.{key}")
            elif extra is False:
                out.append(f"{where}: unexpected member {key!r}")
            elif isinstance(extra, dict):
                out += errors(value, extra, root, f"{where}.{key}")
    if isinstance(doc, list) and "items" in schema:
        for i, item in enumerate(doc):
            out += errors(item, schema["items"], root, f"{where}[{i}]")
    return out


def check(doc, schema):
    """Raises AssertionError listing what is wrong; also asks jsonschema when present."""
    found = errors(doc, schema)
    if found:
        raise AssertionError("report breaks its schema:\n  " + "\n  ".join(found[:20]))
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(doc, schema)
