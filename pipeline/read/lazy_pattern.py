"""Regular expressions compiled on their first use rather than when their module loads.

Python compiles a pattern in pure Python (re._compiler), and every process pays for each
pattern its modules compile at import. A character class over a wide range costs most: for
`[\u3400-\u9fff]` (the CJK block every Chinese pattern here names) the charset optimiser
visits each of its 27,000 code points, about a millisecond per pattern. A pattern that only
some pages reach (one run only when its guard word is in the page, a sign-off in Chinese
numerals) is a LazyPattern: a process that never reaches it never compiles it, and one that
does compiles it once, as re.compile would have at import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeAlias

# The methods of re.Pattern that the readers call.
METHODS = ("search", "match", "finditer", "findall", "sub")


class LazyPattern:
    """``re.compile(pattern, flags)`` on first use. The first call of one of its METHODS
    compiles the pattern and sets the compiled pattern's own methods on this object, so that
    call and every later one is re's method itself, with no Python call in between."""

    search: Callable[..., re.Match[str] | None]
    match: Callable[..., re.Match[str] | None]
    finditer: Callable[..., Iterator[re.Match[str]]]
    findall: Callable[..., list[Any]]
    sub: Callable[..., str]

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    @functools.cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)

    def __getattr__(self, name: str) -> Any:
        # Python asks here only for an attribute the object does not have: one of METHODS
        # before the first use (or a name that is none of them, which stays missing).
        if name not in METHODS:
            raise AttributeError(name)
        for method in METHODS:
            setattr(self, method, getattr(self.compiled, method))
        return getattr(self.compiled, name)


# What a reader may be handed where it runs a pattern: one compiled at import or lazily.
Pattern: TypeAlias = re.Pattern[str] | LazyPattern
