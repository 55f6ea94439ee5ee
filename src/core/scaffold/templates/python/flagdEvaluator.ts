// The flagd evaluator that generated Python code imports, written next to it as flagd_evaluator.py: standard library
// only, the same resolution as src/core/scaffold/flagd.ts (and @openfeature/flagd-core), behind an OpenFeature-shaped
// client. Kept here as text so it ships in the bundle; test/unit/scaffold/pythonEvaluator.test.ts runs it against the
// committed vectors with /usr/bin/python3.

export const PYTHON_FLAGD_EVALUATOR_FILE = 'flagd_evaluator.py';

export const PYTHON_FLAGD_EVALUATOR = String.raw`"""In-process evaluation of a flagd flag definition file, with only the Python standard library.

Written by MLShip. It resolves flags exactly as the JavaScript flagd evaluator (@openfeature/flagd-core 4.x) does,
including "fractional" bucketing: MurmurHash3 x86 32-bit (seed 0) of flagKey + targetingKey, hashed over UTF-16 code
units like flagd-core; bucket = (hash * total weight) >> 32; the first variant whose running weight sum exceeds the
bucket. For ASCII targeting keys this is also what flagd (Go) computes; for other keys flagd (Go) hashes the UTF-8
bytes and can put a key in another bucket (murmur3_utf8 below computes that hash).

Targeting rules may use: var, if, ?:, and, or, !, !!, ==, !=, ===, !==, <, <=, >, >=, in, cat, starts_with,
ends_with, sem_ver and fractional. A rule with another operator resolves to the caller's default value with reason
ERROR and error code PARSE_ERROR.

The client is shaped like OpenFeature's: get_boolean_value(flag_key, default_value, evaluation_context),
get_string_value(...), and get_*_details(...) with variant and reason. The file is read again when its modification
time or size changes; an invalid new version is ignored (the last valid one keeps serving) and reported by
last_error. To move to the OpenFeature SDK, install openfeature-sdk and openfeature-provider-flagd, set a
FlagdProvider with the in-process resolver reading this file (offline_flag_source_path) as the provider, and use
api.get_client() where this client is used: the method names, arguments and details are the same.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

__all__ = [
    "EvaluationContext",
    "FlagEvaluationDetails",
    "FlagdFileClient",
    "FlagdEvaluator",
    "FlagdFileError",
    "TargetingError",
    "murmur3_utf16",
    "murmur3_utf8",
    "bucket_of",
    "fractional_variant",
    "SUPPORTED_OPERATORS",
]

MAX_TOTAL_WEIGHT = 2147483647
_M32 = 0xFFFFFFFF
_MISSING = object()

# ----------------------------------------------------------------------------------------------------------------------
# MurmurHash3 x86 32-bit, seed 0


def _mix_k1(k1: int) -> int:
    k1 = (k1 * 0xCC9E2D51) & _M32
    k1 = ((k1 << 15) | (k1 >> 17)) & _M32
    return (k1 * 0x1B873593) & _M32


def _mix_h1(h1: int, k1: int) -> int:
    h1 ^= k1
    h1 = ((h1 << 13) | (h1 >> 19)) & _M32
    return (h1 * 5 + 0xE6546B64) & _M32


def _final_mix(h1: int) -> int:
    h1 ^= h1 >> 16
    h1 = (h1 * 0x85EBCA6B) & _M32
    h1 ^= h1 >> 13
    h1 = (h1 * 0xC2B2AE35) & _M32
    h1 ^= h1 >> 16
    return h1


def _code_units(s: str) -> list[int]:
    """The UTF-16 code units of a string, as JavaScript sees it."""
    b = s.encode("utf-16-le", "surrogatepass")
    return [b[i] | (b[i + 1] << 8) for i in range(0, len(b), 2)]


def murmur3_utf16(key: str) -> int:
    """The hash flagd-core buckets with: MurmurHash3 over UTF-16 code units, one per byte position (a code unit above
    0xFF is XORed into its neighbours), the number of code units as length, and the tail block skipped when its top
    bit is set. Equal to MurmurHash3 of the UTF-8 bytes for ASCII keys."""
    units = _code_units(key)
    n = len(units)
    tail = n & 3
    h1 = 0
    i = 0
    while i < n - tail:
        c3 = units[i + 3]
        k1 = (units[i] ^ (units[i + 1] << 8) ^ (units[i + 2] << 16) ^ ((c3 & 0xFF) << 24) ^ ((c3 & 0xFF00) >> 8)) & _M32
        h1 = _mix_h1(h1, _mix_k1(k1))
        i += 4
    k1 = 0
    if tail >= 3:
        k1 ^= units[i + 2] << 16
    if tail >= 2:
        k1 ^= units[i + 1] << 8
    if tail >= 1:
        k1 ^= units[i]
    k1 &= _M32
    if 0 < k1 < 0x80000000:
        h1 ^= _mix_k1(k1)
    return _final_mix(h1 ^ n)


def murmur3_utf8(key: str) -> int:
    """Standard MurmurHash3 x86 32-bit (seed 0) of the UTF-8 bytes: what flagd (Go) buckets with."""
    data = key.encode("utf-8", "replace")
    n = len(data)
    tail = n & 3
    h1 = 0
    for i in range(0, n - tail, 4):
        h1 = _mix_h1(h1, _mix_k1(int.from_bytes(data[i : i + 4], "little")))
    if tail:
        h1 ^= _mix_k1(int.from_bytes(data[n - tail :], "little"))
    return _final_mix(h1 ^ n)


def bucket_of(hash_value: int, total_weight: int) -> int:
    """(hash * total_weight) >> 32, with the hash as an unsigned 32-bit integer."""
    return ((hash_value & _M32) * total_weight) >> 32


def fractional_variant(bucket_by: str, buckets: list[tuple[Any, int]]) -> Any:
    """The variant "bucket_by" falls into among (variant, weight) buckets, or _MISSING when none does."""
    total = sum(w for _, w in buckets)
    bucket = bucket_of(murmur3_utf16(bucket_by), total)
    running = 0
    for variant, weight in buckets:
        running += weight
        if running > bucket:
            return variant
    return _MISSING


# ----------------------------------------------------------------------------------------------------------------------
# JavaScript value semantics that JSON Logic inherits (JSON numbers are JavaScript numbers; bool is not a number)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_object(v: Any) -> bool:
    return isinstance(v, (list, dict))


def _js_truthy(v: Any) -> bool:
    if v is None or v is False or v is _MISSING:
        return False
    if _is_number(v):
        return v != 0 and not (isinstance(v, float) and math.isnan(v))
    if isinstance(v, str):
        return len(v) > 0
    return True


def _truthy(v: Any) -> bool:
    if isinstance(v, (list, dict)):
        return len(v) > 0
    return _js_truthy(v)


def _js_number_to_string(x: Any) -> str:
    if isinstance(x, int) and abs(x) < 10**21:
        return str(x)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    n = len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exponent = ("+" if e >= 0 else "-") + str(abs(e))
    return sign + (digits if k == 1 else digits[0] + "." + digits[1:]) + "e" + exponent


def _js_to_string(v: Any) -> str:
    if v is _MISSING:
        return "undefined"
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if _is_number(v):
        return _js_number_to_string(v)
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return ",".join("" if x is None else _js_to_string(x) for x in v)
    return "[object Object]"


_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)", re.ASCII)
_RADIX = re.compile(r"0([xXoObB])([0-9a-fA-F]+)", re.ASCII)


def _js_to_number(v: Any) -> float:
    """JavaScript's Number(v) for primitives."""
    if v is None or v is False:
        return 0
    if v is True:
        return 1
    if _is_number(v):
        return v
    s = v.strip()
    if s == "":
        return 0
    if s in ("Infinity", "+Infinity"):
        return math.inf
    if s == "-Infinity":
        return -math.inf
    if _DECIMAL.fullmatch(s):
        return float(s)
    m = _RADIX.fullmatch(s)
    if m:
        try:
            return int(m.group(2), {"x": 16, "o": 8, "b": 2}[m.group(1).lower()])
        except ValueError:
            return math.nan
    return math.nan


def _js_string_less(a: str, b: str, or_equal: bool) -> bool:
    x = a.encode("utf-16-be", "surrogatepass")
    y = b.encode("utf-16-be", "surrogatepass")
    return x <= y if or_equal else x < y


def _strict_equals(a: Any, b: Any) -> bool:
    if _is_object(a) or _is_object(b):
        return a is b
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def _loose_equals(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if _is_object(a) and _is_object(b):
        return a is b
    if _is_object(a) or _is_object(b):
        return _loose_equals(_js_to_string(a) if _is_object(a) else a, _js_to_string(b) if _is_object(b) else b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return _js_to_number(a) == _js_to_number(b)


def _less_than(a: Any, b: Any, or_equal: bool) -> bool:
    x = _js_to_string(a) if _is_object(a) else a
    y = _js_to_string(b) if _is_object(b) else b
    if isinstance(x, str) and isinstance(y, str):
        return _js_string_less(x, y, or_equal)
    nx = _js_to_number(x)
    ny = _js_to_number(y)
    return nx <= ny if or_equal else nx < ny


# ----------------------------------------------------------------------------------------------------------------------
# sem_ver, as flagd-core parses versions

_NUM = r"0|[1-9]\d*"
_PRE_ID = r"(?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*)"
_SEMVER = re.compile(
    rf"v?({_NUM})\.({_NUM})\.({_NUM})(?:-({_PRE_ID}(?:\.{_PRE_ID})*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?", re.ASCII
)
_PARTIAL = re.compile(r"(\d{1,16})(?:\.(\d{1,16}))?", re.ASCII)
_SAFE_INTEGER = 2**53 - 1


def _parse_semver(raw: str) -> Optional[tuple[int, int, int, list[Any]]]:
    text = re.sub(r"^[vV]", "", raw, count=1)
    trimmed = text.strip()
    m = _SEMVER.fullmatch(trimmed) if len(trimmed) <= 256 else None
    if m:
        major, minor, patch = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if max(major, minor, patch) > _SAFE_INTEGER:
            return None
        pre: list[Any] = []
        for ident in (m.group(4).split(".") if m.group(4) else []):
            pre.append(int(ident) if ident.isdigit() and ident.isascii() and int(ident) <= _SAFE_INTEGER else ident)
        return major, minor, patch, pre
    m = _PARTIAL.fullmatch(text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2) or 0), 0, []


def _compare_identifiers(a: Any, b: Any) -> int:
    an, bn = isinstance(a, int), isinstance(b, int)
    if an and bn:
        return (a > b) - (a < b)
    if an:
        return -1
    if bn:
        return 1
    if a == b:
        return 0
    return -1 if _js_string_less(a, b, False) else 1


def _compare_semver(a: tuple[int, int, int, list[Any]], b: tuple[int, int, int, list[Any]]) -> int:
    for x, y in zip(a[:3], b[:3]):
        if x != y:
            return -1 if x < y else 1
    pa, pb = a[3], b[3]
    if not pa or not pb:
        return 0 if len(pa) == len(pb) else (1 if not pa else -1)
    for i in range(max(len(pa), len(pb))):
        if i >= len(pa):
            return -1
        if i >= len(pb):
            return 1
        c = _compare_identifiers(pa[i], pb[i])
        if c:
            return c
    return 0


def _semver_matches(left: str, operator: str, right: str) -> Optional[bool]:
    a = _parse_semver(left)
    b = _parse_semver(right)
    if a is None or b is None:
        return None
    c = _compare_semver(a, b)
    return {
        "=": c == 0,
        "!=": c != 0,
        "<": c < 0,
        "<=": c <= 0,
        ">": c > 0,
        ">=": c >= 0,
        "^": a[0] == b[0],
        "~": a[0] == b[0] and a[1] == b[1],
    }.get(operator)


# ----------------------------------------------------------------------------------------------------------------------
# Targeting: the JSON Logic subset, as flagd-core's compiled rules evaluate it. A sub-rule without var and without
# flagd's own operators is folded into a constant at load time, and an "if" with fewer than three arguments is not
# compiled: both run in json-logic-engine's interpreter ("cat" skips nulls, a var holding null is null, comparisons
# check both operands). Compiled rules share one scratch variable (Scope.prev) that var, and, or and comparisons
# write, and a comparison checks its right operand against it.


class TargetingError(Exception):
    """A targeting rule that cannot be evaluated; code is PARSE_ERROR (the rule is wrong) or GENERAL."""

    def __init__(self, message: str, code: str = "GENERAL") -> None:
        super().__init__(message)
        self.code = code


class _Scope:
    __slots__ = ("data", "prev", "interpreted")

    def __init__(self, data: dict, prev: Any = None, interpreted: bool = False) -> None:
        self.data = data
        self.prev = prev
        self.interpreted = interpreted


def _fail(message: str) -> None:
    raise TargetingError(message, "GENERAL")


def _dumps(v: Any) -> str:
    return "undefined" if v is _MISSING else json.dumps(v, ensure_ascii=False)


def _eval_args(arg: Any, scope: _Scope) -> list:
    if not _is_object(arg):
        return [arg]
    v = _evaluate(arg, scope)
    return v if isinstance(v, list) else [v]


def _split_path(path: str) -> list[str]:
    parts: list[str] = []
    current = ""
    i = 0
    while i < len(path):
        ch = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else ""
        if ch == "\\" and nxt in (".", "/", "\\"):
            current += nxt
            i += 2
            continue
        if ch == ".":
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts


_INDEX = re.compile(r"0|[1-9][0-9]*", re.ASCII)


def _member(v: Any, part: str) -> Any:
    if isinstance(v, dict):
        return v[part] if part in v else _MISSING
    if isinstance(v, str):
        v = [chr(u) for u in _code_units(v)]
    if isinstance(v, list):
        if part == "length":
            return len(v)
        if _INDEX.fullmatch(part):
            i = int(part)
            return v[i] if i < len(v) else _MISSING
    return _MISSING


def _op_var(arg: Any, scope: _Scope) -> Any:
    given = _evaluate(arg, scope) if _is_object(arg) else arg
    key, fallback = given, None
    if isinstance(given, list):
        key = given[0] if given else _MISSING
        fallback = given[1] if len(given) > 1 else None
    if key is _MISSING or key is None or key == "":
        return scope.data
    current: Any = scope.data
    for part in _split_path(_js_to_string(key)):
        current = _MISSING if current is None or current is _MISSING else _member(current, part)
    if scope.interpreted:
        return fallback if current is _MISSING else current
    value = fallback if current is None or current is _MISSING else current
    literal_key = not _is_object(arg[0] if arg else None) if isinstance(arg, list) else not _is_object(arg)
    if literal_key:
        scope.prev = value
    return value


def _op_if(arg: Any, scope: _Scope) -> Any:
    if not isinstance(arg, list):
        _fail('"if" takes an array: [condition, then, else].')
    if not arg:
        return None
    inner = _Scope(scope.data, None, True) if len(arg) < 3 else scope
    if len(arg) == 1:
        return _evaluate(arg[0], inner)
    items = arg if len(arg) % 2 == 1 else [*arg, None]
    for i in range(0, len(items) - 1, 2):
        if _truthy(_evaluate(items[i], inner)):
            return _evaluate(items[i + 1], inner)
    return _evaluate(items[-1], inner)


def _logical(name: str, stop_when: bool) -> Callable[[Any, _Scope], Any]:
    def op(arg: Any, scope: _Scope) -> Any:
        if not isinstance(arg, list):
            _fail(f'"{name}" takes an array.')
        if not arg:
            return None
        item = None
        for a in arg:
            item = _evaluate(a, scope)
            if not scope.interpreted:
                scope.prev = item
            if _truthy(item) == stop_when:
                return item
        return item

    return op


def _not_a_number(a: Any, b: Any) -> None:
    _fail(f"cannot compare {_dumps(a)} with {_dumps(b)}: not a number.")


def _as_number(v: Any, a: Any, b: Any) -> float:
    if _is_object(v):
        _not_a_number(a, b)
    return _js_to_number(v)


def _isnan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _compare_check(item: Any, prev: Any, strict: bool) -> Any:
    def string_or_null(v: Any) -> bool:
        return isinstance(v, str) or v is None

    if strict or (string_or_null(item) and string_or_null(prev)):
        return item
    if _isnan(_as_number(item, prev, item)) and prev is not None:
        _not_a_number(prev, item)
    if _isnan(_as_number(prev, prev, item)):
        _not_a_number(prev, item)
    if prev is None and not _js_truthy(item):
        return None
    if item is None and not _js_truthy(prev):
        return 0
    return item


def _interpreted_compare(a: Any, b: Any, test: Callable[[Any, Any], bool], strict: bool) -> bool:
    def string_or_null(v: Any) -> bool:
        return isinstance(v, str) or v is None

    if strict or (string_or_null(a) and string_or_null(b)):
        return test(a, b)
    if _isnan(_as_number(a, a, b)):
        _not_a_number(a, b)
    if _isnan(_as_number(b, a, b)) and a is not None:
        _not_a_number(a, b)
    return test(_js_to_number(a), _js_to_number(b))


def _comparator(name: str, test: Callable[[Any, Any], bool], strict: bool = False) -> Callable[[Any, _Scope], Any]:
    def op(arg: Any, scope: _Scope) -> Any:
        if not isinstance(arg, list) or len(arg) < 2:
            _fail(f'"{name}" takes an array of at least two values.')
        left = _evaluate(arg[0], scope)
        if scope.interpreted:
            for a in arg[1:]:
                right = _evaluate(a, scope)
                if not _interpreted_compare(left, right, test, strict):
                    return False
                left = right
            return True
        scope.prev = left
        for a in arg[1:]:
            right = _compare_check(_evaluate(a, scope), scope.prev, strict)
            if len(arg) > 2:
                scope.prev = right
            if not test(left, right):
                return False
            left = right
        return True

    return op


def _op_in(arg: Any, scope: _Scope) -> Any:
    if isinstance(arg, list):
        container = _evaluate(arg[1], scope) if len(arg) > 1 else None
        item = _evaluate(arg[0], scope) if arg else None
    else:
        container, item = None, _eval_args(arg, scope)[0]
    if not _js_truthy(container):
        return False
    if isinstance(container, str):
        return _js_to_string(item) in container
    if isinstance(container, list):
        return any(_strict_equals(x, item) for x in container)
    _fail(f'"in" needs an array or a string as its second argument, not {_dumps(container)}.')


def _cat_value(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "".join(_js_to_string(x) for x in v if x is not None)
    if v is None:
        _fail('"cat" of null.')
    return _js_to_string(v)


def _unary_arg(arg: Any, scope: _Scope) -> Any:
    one = isinstance(arg, list) and len(arg) == 1 and not isinstance(arg[0], list)
    return _evaluate(arg[0] if one else arg, scope)


def _op_cat(arg: Any, scope: _Scope) -> Any:
    if isinstance(arg, list) and not scope.interpreted:
        return "".join(_js_to_string(_evaluate(a, scope)) for a in arg)
    return _cat_value(_unary_arg(arg, scope))


def _negation(negate: bool) -> Callable[[Any, _Scope], Any]:
    def op(arg: Any, scope: _Scope) -> Any:
        v = _unary_arg(arg, scope)
        if isinstance(v, list):
            v = v[0] if v else _MISSING
        return _truthy(v) != negate

    return op


def _string_test(test: Callable[[str, str], bool]) -> Callable[[Any, _Scope], Any]:
    def op(arg: Any, scope: _Scope) -> Any:
        args = _eval_args(arg, scope)
        if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], str):
            return None
        return test(args[0], args[1])

    return op


def _op_sem_ver(arg: Any, scope: _Scope) -> Any:
    args = _eval_args(arg, scope)
    if len(args) != 3:
        return None
    return _semver_matches(_js_to_string(args[0]), _js_to_string(args[1]), _js_to_string(args[2]))


def _to_buckets(entries: list) -> Optional[list[tuple[Any, int]]]:
    out: list[tuple[Any, int]] = []
    for entry in entries:
        if not isinstance(entry, list) or not 1 <= len(entry) <= 2:
            return None
        variant = entry[0]
        weight = entry[1] if len(entry) == 2 else 1
        if _is_object(variant):
            return None
        if not _is_number(weight) or (isinstance(weight, float) and not weight.is_integer()):
            return None
        out.append((variant, max(0, int(weight))))
    return out


def _op_fractional(arg: Any, scope: _Scope) -> Any:
    args = _eval_args(arg, scope)
    flagd = scope.data.get("$flagd")
    if not args or not isinstance(flagd, dict):
        return None
    if isinstance(args[0], str):
        bucket_by, entries = args[0], args[1:]
    else:
        targeting_key = scope.data.get("targetingKey")
        if not _js_truthy(targeting_key):
            return None
        bucket_by, entries = _js_to_string(flagd.get("flagKey", _MISSING)) + _js_to_string(targeting_key), args
    buckets = _to_buckets(entries)
    if buckets is None or sum(w for _, w in buckets) > MAX_TOTAL_WEIGHT:
        return None
    variant = fractional_variant(bucket_by, buckets)
    return None if variant is _MISSING else variant


_OPERATORS: dict[str, Callable[[Any, _Scope], Any]] = {
    "var": _op_var,
    "if": _op_if,
    "?:": _op_if,
    "and": _logical("and", False),
    "or": _logical("or", True),
    "!": _negation(True),
    "!!": _negation(False),
    "==": _comparator("==", _loose_equals),
    "!=": _comparator("!=", lambda a, b: not _loose_equals(a, b)),
    "===": _comparator("===", _strict_equals, True),
    "!==": _comparator("!==", lambda a, b: not _strict_equals(a, b), True),
    "<": _comparator("<", lambda a, b: _less_than(a, b, False)),
    "<=": _comparator("<=", lambda a, b: _less_than(a, b, True)),
    ">": _comparator(">", lambda a, b: _less_than(b, a, False)),
    ">=": _comparator(">=", lambda a, b: _less_than(b, a, True)),
    "in": _op_in,
    "cat": _op_cat,
    "starts_with": _string_test(lambda s, p: s.startswith(p)),
    "ends_with": _string_test(lambda s, p: s.endswith(p)),
    "sem_ver": _op_sem_ver,
    "fractional": _op_fractional,
}

SUPPORTED_OPERATORS = tuple(_OPERATORS)
_CONTEXT_OPERATORS = {"var", "fractional", "sem_ver", "starts_with", "ends_with"}
_COMPARISONS = {"==", "!=", "===", "!==", "<", "<=", ">", ">="}


def _is_constant(node: Any) -> bool:
    if isinstance(node, list):
        return all(_is_constant(n) for n in node)
    if not isinstance(node, dict) or not node:
        return True
    op = next(iter(node))
    return op not in _CONTEXT_OPERATORS and _is_constant(node[op])


def _unsupported_message(node: dict) -> Optional[str]:
    if len(node) > 1:
        keys = ", ".join(json.dumps(k) for k in node)
        return "{" + keys + "} is not an operation: a JSON Logic operation is an object with exactly one key."
    op = next(iter(node))
    if op in _OPERATORS:
        return None
    if op == "$ref":
        return f'$ref {json.dumps(node[op])} names no evaluator in "$evaluators".'
    return f'operator "{op}" is not supported by MLShip\'s flagd evaluators (supported: {", ".join(SUPPORTED_OPERATORS)}).'


def _optimizer_check(node: Any, scope: _Scope) -> None:
    """What json-logic-engine's optimizer evaluates ahead of time before its interpreter runs a sub-rule."""
    if isinstance(node, list):
        for n in node:
            _optimizer_check(n, scope)
        return
    if not isinstance(node, dict) or len(node) != 1:
        return
    op, arg = next(iter(node.items()))
    if op in ("if", "?:"):
        eager = arg if isinstance(arg, list) and len(arg) == 3 else []
    elif op in _COMPARISONS:
        eager = arg if isinstance(arg, list) and len(arg) in (2, 3) else []
    elif op in ("and", "or"):
        eager = []
    else:
        eager = arg if isinstance(arg, list) else [arg]
    for child in eager:
        _optimizer_check(child, scope)
    if _is_constant(node) and op in _OPERATORS:
        _OPERATORS[op](arg, scope)


def _evaluate(logic: Any, scope: _Scope) -> Any:
    if isinstance(logic, list):
        return [_evaluate(x, scope) for x in logic]
    if not isinstance(logic, dict) or not logic:
        return logic
    op = next(iter(logic))
    impl = _OPERATORS.get(op) if len(logic) == 1 else None
    if impl is None:
        raise TargetingError(_unsupported_message(logic) or f'unknown operator "{op}".', "PARSE_ERROR")
    if not scope.interpreted and _is_constant(logic):
        return _evaluate(logic, _Scope(scope.data, None, True))
    if scope.interpreted:
        _optimizer_check(logic, scope)
    return impl(logic[op], scope)


def evaluate_logic(logic: Any, data: dict) -> Any:
    """Evaluates a targeting rule over data (the context plus $flagd). Raises TargetingError."""
    return _evaluate(logic, _Scope(data))


def _unsupported_operations(logic: Any) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict) and node:
            message = _unsupported_message(node)
            if message:
                found.append(message)
            else:
                for v in node.values():
                    walk(v)

    walk(logic)
    return found


def _folding_error(logic: Any) -> Optional[str]:
    if isinstance(logic, list):
        for item in logic:
            error = _folding_error(item)
            if error:
                return error
        return None
    if not isinstance(logic, dict) or not logic:
        return None
    if _is_constant(logic):
        try:
            evaluate_logic(logic, {})
            return None
        except (TargetingError, RecursionError) as err:
            return str(err)
    op, arg = next(iter(logic.items()))
    if op in ("if", "?:") and isinstance(arg, list) and len(arg) < 3:
        return None
    return _folding_error(arg)


def _expand_evaluators(node: Any, evaluators: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    if isinstance(node, list):
        return [_expand_evaluators(n, evaluators, seen) for n in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if len(node) == 1 and isinstance(ref, str) and ref in evaluators:
        if ref in seen:
            raise TargetingError(f'evaluator "{ref}" refers to itself ({" → ".join((*seen, ref))}).', "PARSE_ERROR")
        return _expand_evaluators(evaluators[ref], evaluators, (*seen, ref))
    return {k: _expand_evaluators(v, evaluators, seen) for k, v in node.items()}


# ----------------------------------------------------------------------------------------------------------------------
# Flag resolution


@dataclass(frozen=True)
class EvaluationContext:
    """Who a flag is evaluated for. targeting_key is what "fractional" buckets by (a user or request id)."""

    targeting_key: Optional[str] = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FlagEvaluationDetails:
    """The outcome of one evaluation, with OpenFeature's field names and reasons (STATIC, DEFAULT, TARGETING_MATCH,
    DISABLED, ERROR) and error codes (FLAG_NOT_FOUND, PARSE_ERROR, TYPE_MISMATCH, GENERAL)."""

    flag_key: str
    value: Any
    variant: Optional[str] = None
    reason: Optional[str] = None
    error_code: Optional[str] = None
    error_message: Optional[str] = None
    flag_metadata: Mapping[str, Any] = field(default_factory=dict)


class FlagdFileError(Exception):
    """A flag definition file that cannot be used."""


def _context_data(context: Any) -> dict:
    if context is None:
        return {}
    if isinstance(context, Mapping):
        return dict(context)
    data = dict(getattr(context, "attributes", None) or {})
    key = getattr(context, "targeting_key", None)
    if key is not None:
        data["targetingKey"] = key
    return data


def _check_definition(definition: Any, source: str) -> dict:
    if not isinstance(definition, dict) or not isinstance(definition.get("flags"), dict):
        raise FlagdFileError(f'{source}: a flag definition file is a JSON object with a "flags" object.')
    for key, flag in definition["flags"].items():
        if not isinstance(flag, dict) or not isinstance(flag.get("variants"), dict):
            raise FlagdFileError(f'{source}: flag "{key}" needs a "variants" object.')
        if flag.get("state") not in ("ENABLED", "DISABLED"):
            raise FlagdFileError(f'{source}: flag "{key}" has state {json.dumps(flag.get("state"))}; use "ENABLED" or "DISABLED".')
        default = flag.get("defaultVariant")
        if default and default not in flag["variants"]:
            raise FlagdFileError(f'{source}: flag "{key}" has defaultVariant "{default}", which is not one of its variants.')
    return definition


class FlagdEvaluator:
    """Resolves the flags of one parsed flag definition (a dict), as flagd-core does."""

    def __init__(self, definition: Mapping[str, Any], now: Callable[[], float] = time.time) -> None:
        definition = _check_definition(definition, "flag definition")
        self._now = now
        self._set_metadata = dict(definition.get("metadata") or {})
        evaluators = definition.get("$evaluators") or {}
        self._flags: dict[str, tuple[dict, Any, Optional[str]]] = {}
        for key, flag in definition["flags"].items():
            targeting = flag.get("targeting")
            has_targeting = isinstance(targeting, (str, list, dict)) and len(targeting) > 0
            parse_error = None
            prepared = None
            if has_targeting:
                try:
                    prepared = _expand_evaluators(targeting, evaluators)
                    problems = _unsupported_operations(prepared)
                    problem = problems[0] if problems else _folding_error(prepared)
                    if problem:
                        parse_error = f"Invalid targeting of flag '{key}': {problem}"
                except TargetingError as err:
                    parse_error = f"Invalid targeting of flag '{key}': {err}"
            self._flags[key] = (flag, prepared if has_targeting else _MISSING, parse_error)

    def resolve(self, value_type: type, flag_key: str, default_value: Any, context: Any = None) -> FlagEvaluationDetails:
        entry = self._flags.get(flag_key)
        if entry is None:
            return FlagEvaluationDetails(flag_key, default_value, None, "ERROR", "FLAG_NOT_FOUND", f"flag '{flag_key}' not found", self._set_metadata)
        flag, targeting, parse_error = entry
        metadata = {**self._set_metadata, **(flag.get("metadata") or {})}

        def error(code: str, message: str) -> FlagEvaluationDetails:
            return FlagEvaluationDetails(flag_key, default_value, None, "ERROR", code, message, metadata)

        if flag["state"] == "DISABLED":
            return FlagEvaluationDetails(flag_key, default_value, None, "DISABLED", None, None, metadata)
        if parse_error:
            return error("PARSE_ERROR", parse_error)
        default_variant = flag.get("defaultVariant") or None
        if targeting is _MISSING:
            variant, reason = default_variant, "STATIC"
        else:
            data = _context_data(context)
            data["$flagd"] = {"flagKey": flag_key, "timestamp": math.floor(self._now())}
            try:
                result = evaluate_logic(targeting, data)
            except (TargetingError, RecursionError) as err:
                return error("GENERAL", f"Error evaluating targeting rule for flag '{flag_key}': {err}")
            if result is None or result is _MISSING:
                variant, reason = default_variant, "DEFAULT"
            else:
                variant, reason = _js_to_string(result), "TARGETING_MATCH"
        if variant is None:
            return FlagEvaluationDetails(flag_key, default_value, None, "DEFAULT", None, None, metadata)
        if variant not in flag["variants"]:
            return error("GENERAL", f"Variant '{variant}' not found in flag with key '{flag_key}'")
        value = flag["variants"][variant]
        matches = isinstance(value, bool) if value_type is bool else isinstance(value, value_type) and not isinstance(value, bool)
        if not matches:
            return error("TYPE_MISMATCH", f"Evaluated type of the flag {flag_key} does not match. Expected {value_type.__name__}")
        return FlagEvaluationDetails(flag_key, value, variant, reason, None, None, metadata)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class FlagdFileClient:
    """An OpenFeature-shaped client over a flagd flag definition file, re-read when the file changes."""

    def __init__(self, path: "str | os.PathLike[str]", now: Callable[[], float] = time.time) -> None:
        self._path = os.fspath(path)
        self._now = now
        self._lock = threading.Lock()
        self._stamp: Optional[tuple[int, int, int]] = None
        self._evaluator: Optional[FlagdEvaluator] = None
        self._error_code = "GENERAL"
        self.last_error: Optional[str] = None

    @property
    def path(self) -> str:
        return self._path

    def _current(self) -> Optional[FlagdEvaluator]:
        try:
            st = os.stat(self._path)
        except OSError as err:
            self.last_error = f"cannot read flag file {self._path}: {err.strerror}"
            self._error_code = "GENERAL"
            return self._evaluator
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return self._evaluator
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    with open(self._path, encoding="utf-8") as f:
                        definition = json.load(f, parse_constant=_reject_constant)
                    self._evaluator = FlagdEvaluator(_check_definition(definition, self._path), self._now)
                    self.last_error = None
                except (OSError, ValueError, FlagdFileError) as err:
                    kept = " (the last valid version stays in use)" if self._evaluator else ""
                    self.last_error = f"{self._path}: {err}{kept}"
                    self._error_code = "GENERAL" if isinstance(err, OSError) else "PARSE_ERROR"
        return self._evaluator

    def _details(self, value_type: type, flag_key: str, default_value: Any, context: Any) -> FlagEvaluationDetails:
        evaluator = self._current()
        if evaluator is None:
            return FlagEvaluationDetails(flag_key, default_value, None, "ERROR", self._error_code, self.last_error)
        return evaluator.resolve(value_type, flag_key, default_value, context)

    def get_boolean_details(self, flag_key: str, default_value: bool, evaluation_context: Any = None) -> FlagEvaluationDetails:
        return self._details(bool, flag_key, default_value, evaluation_context)

    def get_boolean_value(self, flag_key: str, default_value: bool, evaluation_context: Any = None) -> bool:
        return self.get_boolean_details(flag_key, default_value, evaluation_context).value

    def get_string_details(self, flag_key: str, default_value: str, evaluation_context: Any = None) -> FlagEvaluationDetails:
        return self._details(str, flag_key, default_value, evaluation_context)

    def get_string_value(self, flag_key: str, default_value: str, evaluation_context: Any = None) -> str:
        return self.get_string_details(flag_key, default_value, evaluation_context).value
`;
