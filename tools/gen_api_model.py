#!/usr/bin/env python3
"""Generate data/sagemaker_api_model.json from botocore's SageMaker model.

The table holds only what `request.invalid` needs (types, required members,
lengths, counts, ranges, patterns, enums) for the input shapes of the
operations sageguard checks and every shape reachable from them. Output is
deterministic: sorted keys, one shape per line, so upgrades diff cleanly.

Patterns are written as botocore has them (Java-flavoured, unanchored). Where
RE2 lacks a construct, `pattern_translations` maps the original to an
equivalent RE2 pattern; where no safe translation exists the pattern is listed
in `skipped_patterns` and the validator does not check it.

Usage: python3 tools/gen_api_model.py [--output PATH]
"""
import argparse
import json
import os
import re
import sys

import botocore
import botocore.loaders

try:  # Python >= 3.11
    import re._parser as sre_parse  # type: ignore
    import re._constants as sre_constants  # type: ignore
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore
    import sre_constants  # type: ignore

SERVICE = "sagemaker"
API_VERSION = "2017-07-24"
OPERATIONS = [
    "CreateTrainingJob",
    "CreateHyperParameterTuningJob",
    "CreateProcessingJob",
    "CreateTransformJob",
    "CreateModel",
    "CreateEndpointConfig",
    "CreateEndpoint",
    "CreateNotebookInstance",
    "CreateDomain",
    "CreateUserProfile",
    "CreateSpace",
    "CreateAutoMLJob",
    "CreateAutoMLJobV2",
    "CreateDataQualityJobDefinition",
    "CreateModelQualityJobDefinition",
    "CreateModelBiasJobDefinition",
    "CreateModelExplainabilityJobDefinition",
    "CreateMonitoringSchedule",
    "CreateFeatureGroup",
    "CreateModelPackageGroup",
    "CreateModelPackage",
]
SHAPE_KEYS = ("type", "required", "min", "max", "pattern", "enum")
RE2_MAX_REPEAT = 1000  # RE2 rejects counted repetitions above this

# Java line terminators: Java's `.` matches anything but these.
_JAVA_DOT = r"[^\n\r\x{85}\x{2028}\x{2029}]"
# Lookarounds RE2 cannot express, rewritten by hand into equivalent forms.
# Each entry: (substring in botocore's pattern, RE2 replacement, why equal).
EXACT_REWRITES = [
    # "(?!\s*$).+": one line (Java `.`) that is not all whitespace (Java \s
    # includes \x0B, RE2's does not, hence the explicit class).
    (r"(?!\s*$).+",
     _JAVA_DOT + r"*[^ \t\n\x{0B}\f\r\x{85}\x{2028}\x{2029}]" + _JAVA_DOT + "*"),
    # A 1-63 character name whose last character is not '-': the lookbehind
    # only forbids a trailing hyphen, so require an alphanumeric at the end.
    (r"([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)",
     r"([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"),
]
# Java POSIX classes (ASCII by default in java.util.regex).
POSIX_CLASSES = {
    "Alnum": "a-zA-Z0-9",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Lower": "a-z",
    "Upper": "A-Z",
    "XDigit": "0-9a-fA-F",
}


def reachable_shapes(model):
    shapes = model["shapes"]
    seen = set()
    stack = [model["operations"][op]["input"]["shape"] for op in OPERATIONS]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = shapes[name]
        for key in ("member", "key", "value"):
            if key in shape:
                stack.append(shape[key]["shape"])
        for ref in shape.get("members", {}).values():
            stack.append(ref["shape"])
    return seen


def trim_shape(shape):
    out = {k: shape[k] for k in SHAPE_KEYS if k in shape}
    if "members" in shape:
        out["members"] = {m: ref["shape"] for m, ref in shape["members"].items()}
    for key in ("member", "key", "value"):
        if key in shape:
            out[key] = shape[key]["shape"]
    return out


def _translate_escapes(pattern):
    """Java \\uXXXX (surrogate pairs combined) and \\p{Posix} -> RE2 syntax."""
    out = []
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            m = re.match(r"u([0-9a-fA-F]{4})", pattern[i + 1:])
            if m:
                cp = int(m.group(1), 16)
                i += 6
                low = re.match(r"\\u([0-9a-fA-F]{4})", pattern[i:])
                if 0xD800 <= cp <= 0xDBFF and low and 0xDC00 <= int(low.group(1), 16) <= 0xDFFF:
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
                    i += 6
                out.append("\\x{%X}" % cp)
                continue
            m = re.match(r"p\{(\w+)\}", pattern[i + 1:])
            if m and m.group(1) in POSIX_CLASSES:
                body = POSIX_CLASSES[m.group(1)]
                out.append(body if in_class else "[" + body + "]")
                i += 1 + len(m.group(0))
                continue
            out.append(c + nxt)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def _unsupported_construct(pattern):
    """Name of a construct RE2 lacks, or None."""
    for token, what in (("(?=", "lookahead"), ("(?!", "negative lookahead"),
                        ("(?<=", "lookbehind"), ("(?<!", "negative lookbehind"),
                        ("(?>", "atomic group")):
        if token in pattern:
            return what
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern) and pattern[i + 1] in "123456789" and not in_class:
                return "backreference"
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "*+?}" and i + 1 < len(pattern) and pattern[i + 1] == "+":
            return "possessive quantifier"
        i += 1
    return None


def _atom_before(pattern, end):
    """Start of the character class or group that ends just before `end`, or None."""
    close = pattern[end - 1] if end > 0 else ""
    opener = {"]": "[", ")": "("}.get(close)
    if opener is None:
        return None
    depth = 0
    for i in range(end - 1, -1, -1):
        if i > 0 and pattern[i - 1] == "\\":
            continue
        if pattern[i] == close:
            depth += 1
        elif pattern[i] == opener:
            depth -= 1
            if depth == 0:
                return i
    return None


def _split_big_repeat(pattern, match):
    """`A{m,n}` (n > 1000, m <= 1000) as `A{m,1000}A{0,n-1000}`: the same
    language (the two counts add up to any number from m to n), each count
    within RE2's limit. A must be a character class or a group."""
    lo, hi = int(match.group(1)), int(match.group(2))
    start = _atom_before(pattern, match.start())
    if start is None or hi - RE2_MAX_REPEAT > RE2_MAX_REPEAT:
        return None, "counted repetition above RE2's limit of %d" % RE2_MAX_REPEAT
    atom = pattern[start:match.start()]
    return (pattern[:start] + atom + "{%d,%d}" % (lo, RE2_MAX_REPEAT) + atom +
            "{0,%d}" % (hi - RE2_MAX_REPEAT) + pattern[match.end():]), None


def _relax_big_repeats(pattern, max_lengths):
    """RE2 caps {m,n} at 1000. `X{m,n}` may become `X{m,}` when every
    repetition of X takes a character at least and every shape using the
    pattern has a max length that already implies the bound; otherwise a
    class or group is split in two counts. Returns (new pattern, None) or
    (None, reason)."""
    big = [m for m in re.finditer(r"\{(\d+),(\d+)\}", pattern) if int(m.group(2)) > RE2_MAX_REPEAT]
    if not big:
        return pattern, None
    if len(big) != 1 or int(big[0].group(1)) > RE2_MAX_REPEAT:
        return None, "counted repetition above RE2's limit of %d" % RE2_MAX_REPEAT
    lo, hi = int(big[0].group(1)), int(big[0].group(2))
    # One character class and nothing else (Python's re cannot parse Java's
    # \p{L} classes, so this case is decided without it).
    whole_class = re.fullmatch(r"\[(?:\\.|[^\]\\])*\]\{\d+,\d+\}", pattern)
    if whole_class and None not in max_lengths and max(max_lengths) <= hi:
        return pattern[:big[0].start()] + "{%d,}" % lo + pattern[big[0].end():], None
    try:
        tree = sre_parse.parse(pattern)
    except Exception:  # Java-only syntax: cannot reason about it
        return None, "counted repetition above RE2's limit of %d" % RE2_MAX_REPEAT
    repeats = [(op, av) for op, av in tree if op == sre_constants.MAX_REPEAT and av[1] == hi]
    if len(repeats) != 1:
        return None, "counted repetition above RE2's limit of %d" % RE2_MAX_REPEAT
    if repeats[0][1][2].getwidth()[0] < 1 or None in max_lengths:
        return _split_big_repeat(pattern, big[0])
    width = repeats[0][1][2].getwidth()[0]  # each repetition takes this much at least
    rest_min = tree.getwidth()[0] - lo * width  # shortest text the rest of the pattern needs
    if (max(max_lengths) - rest_min) // width > hi:
        return None, "counted repetition above RE2's limit of %d" % RE2_MAX_REPEAT
    return pattern[:big[0].start()] + "{%d,}" % lo + pattern[big[0].end():], None


def translate_pattern(pattern, max_lengths):
    """(re2_pattern, skip_reason): exactly one is None."""
    out = pattern
    for src, dst in EXACT_REWRITES:
        out = out.replace(src, dst)
    out = _translate_escapes(out)
    what = _unsupported_construct(out)
    if what:
        return None, "uses a %s, which RE2 does not support" % what
    return _relax_big_repeats(out, max_lengths)


def build_table(model):
    names = reachable_shapes(model)
    shapes = {n: trim_shape(model["shapes"][n]) for n in names}
    translations = {}
    skipped = {}
    for pattern in sorted({s["pattern"] for s in shapes.values() if "pattern" in s}):
        max_lengths = [s.get("max") for s in shapes.values() if s.get("pattern") == pattern]
        re2_pattern, reason = translate_pattern(pattern, max_lengths)
        if reason:
            skipped[pattern] = reason
        elif re2_pattern != pattern:
            translations[pattern] = re2_pattern
    return {
        "_generated": "GENERATED by tools/gen_api_model.py from botocore's %s %s "
                      "model; do not edit by hand." % (SERVICE, API_VERSION),
        "botocore_version": botocore.__version__,
        "operations": {op: model["operations"][op]["input"]["shape"] for op in OPERATIONS},
        "pattern_translations": translations,
        "skipped_patterns": skipped,
        "shapes": shapes,
    }


def dumps(table):
    """Stable text: sorted keys, one shape / operation / pattern per line."""
    def compact(v):
        return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    lines = ["{"]
    keys = sorted(table)
    for ki, key in enumerate(keys):
        value = table[key]
        tail = "," if ki + 1 < len(keys) else ""
        if isinstance(value, dict) and value:
            lines.append(" %s: {" % compact(key))
            sub = sorted(value)
            for si, name in enumerate(sub):
                comma = "," if si + 1 < len(sub) else ""
                lines.append("  %s: %s%s" % (compact(name), compact(value[name]), comma))
            lines.append(" }" + tail)
        else:
            lines.append(" %s: %s%s" % (compact(key), compact(value), tail))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=os.path.join(here, "..", "data", "sagemaker_api_model.json"))
    args = parser.parse_args(argv)
    model = botocore.loaders.Loader().load_service_model(SERVICE, "service-2", API_VERSION)
    text = dumps(build_table(model))
    json.loads(text)  # never write something the C++ side cannot parse
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
