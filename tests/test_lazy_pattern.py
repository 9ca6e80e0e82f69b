"""LazyPattern: a pattern compiled on first use answers as re.compile's would."""

from __future__ import annotations

import copy
import re

import pytest

from pipeline.read.lazy_pattern import METHODS, LazyPattern

SOURCE = r"(?m)^[ \t]*(\S+?)局[ \t]+(\d{4})年$|截至(\d{1,2})月"
TEXTS = ["", "某某局 2023年\n截至7月底", "截至12月,截至3月", "\n  甲局\t1999年\n乙局 2000年"]


def test_compiles_on_first_use_only():
    lazy = LazyPattern(SOURCE)
    assert "compiled" not in vars(lazy) and not set(METHODS) & set(vars(lazy))
    assert lazy.search("截至7月") is not None
    compiled = vars(lazy)["compiled"]
    assert compiled.pattern == SOURCE and lazy.compiled is compiled
    # every method is now the compiled pattern's own, called with nothing in between
    assert all(getattr(lazy, name) == getattr(compiled, name) for name in METHODS)


def test_other_names_stay_missing():
    lazy = LazyPattern(SOURCE)
    with pytest.raises(AttributeError):
        _ = lazy.groupindex
    assert "compiled" not in vars(lazy)
    assert copy.copy(lazy).pattern == SOURCE  # copy asks for names it may lack


def test_answers_as_the_compiled_pattern():
    lazy, plain = LazyPattern(SOURCE, re.IGNORECASE), re.compile(SOURCE, re.IGNORECASE)
    assert lazy.pattern == plain.pattern and lazy.compiled.flags == plain.flags
    found = 0
    for text in TEXTS:
        for pos, endpos in ((0, len(text)), (1, len(text)), (0, max(len(text) - 3, 0))):
            for method in ("search", "match"):
                got = getattr(lazy, method)(text, pos, endpos)
                want = getattr(plain, method)(text, pos, endpos)
                assert (got and (got.span(), got.groups())) == (want and (want.span(),
                                                                          want.groups()))
            assert [m.span() for m in lazy.finditer(text, pos, endpos)] == [
                m.span() for m in plain.finditer(text, pos, endpos)]
            assert lazy.findall(text, pos, endpos) == plain.findall(text, pos, endpos)
            found += len(plain.findall(text, pos, endpos))
        assert lazy.sub("#", text) == plain.sub("#", text)
        assert lazy.sub(lambda m: m.group()[::-1], text, 1) == plain.sub(
            lambda m: m.group()[::-1], text, 1)
    assert found > 5
