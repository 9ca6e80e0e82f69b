"""Which characters a regex's every match must hold: a cheap test that spares running it.

The cue and time-word patterns (extractors/timewords.py, extractors/basis.py, the trailing
fillers of extractors/measures.py) are long alternations that CPython's regex engine tries
at every position of a phrase, while most phrases a count's words are read from hold none
of their characters (`新建充电桩` holds no `月`, `年`, `截`…). ``needed_chars`` reads the set
off the compiled pattern itself, so it follows every edit of a vocabulary; where it cannot
tell (a match that may consist of digits or any character only) it answers None and the
regex always runs. ``guard`` makes the set a one-class regex, searched in C.
tests/test_fact_speed.py holds the guarded and the plain paths to the same answers.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The regex parser of the standard library (the `sre_parse` of earlier Pythons): private
# modules, read defensively, since a shape they do not have only costs the guard.
_parser: Any
_c: Any
try:
    _parser = importlib.import_module("re._parser")
    _c = importlib.import_module("re._constants")
except ImportError:  # a Python that moved them again: no guard
    _parser = _c = None

MAX_RANGE = 64  # a class range wider than this (`[一-龥]`) is no useful guard


def needed_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters of which every match of ``pattern`` holds at least one; None when some
    match may hold none of the characters the pattern names (an empty match, `\\d+`, `.`)."""
    if _parser is None or pattern.flags & re.IGNORECASE:
        return None
    try:
        codes = _sequence(_parser.parse(pattern.pattern, pattern.flags))
    except (TypeError, ValueError, AttributeError):  # an opcode shaped otherwise: no guard
        return None
    return frozenset(map(chr, codes)) if codes else None


def guard(*patterns: re.Pattern[str]) -> re.Pattern[str] | None:
    """A class of the characters of which every match of any of ``patterns`` holds one;
    None when one of them needs none. A class, not a set: searching a phrase for it runs in
    C without making a string of each character."""
    union: set[str] = set()
    for pattern in patterns:
        need = needed_chars(pattern)
        if need is None:
            return None
        union |= need
    return re.compile("[" + "".join(map(re.escape, sorted(union))) + "]")


def could_match(needs: re.Pattern[str] | None, text: str) -> bool:
    """False only when no match of the guarded patterns is possible in ``text`` (it holds
    none of the characters ``needs`` is the class of)."""
    return needs is None or needs.search(text) is not None


def _sequence(items: Any) -> frozenset[int] | None:
    """The smallest set one of a concatenation's mandatory parts needs (any one will do: its
    match lies inside the whole match); of equals the last, since a time word or cue ends
    in its telling character (`本月`, `上半年`) and alternatives then share it."""
    best: frozenset[int] | None = None
    for op, arg in items:
        need = _item(op, arg)
        if need is not None and (best is None or len(need) <= len(best)):
            best = need
    return best


def _item(op: Any, arg: Any) -> frozenset[int] | None:
    if op is _c.LITERAL:
        return frozenset((arg,))
    if op is _c.IN:
        return _char_class(arg)
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, items = arg
        return None if add_flags & re.IGNORECASE else _sequence(items)
    if op is _c.ATOMIC_GROUP:
        return _sequence(arg)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, _high, items = arg
        return _sequence(items) if low >= 1 else None
    if op is _c.BRANCH:
        union: set[int] = set()
        for branch in arg[1]:
            need = _sequence(branch)
            if need is None:
                return None  # this alternative may match without any named character
            union |= need
        return frozenset(union)
    return None  # lookarounds and anchors match no character; `.`, `[^…]` any


def _char_class(items: Any) -> frozenset[int] | None:
    codes: set[int] = set()
    for op, arg in items:
        if op is _c.LITERAL:
            codes.add(arg)
        elif op is _c.RANGE and arg[1] - arg[0] <= MAX_RANGE:
            codes.update(range(arg[0], arg[1] + 1))
        else:
            return None  # a negated class, a category (`\d`), a wide range
    return frozenset(codes)
