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

import re
import sys
from collections.abc import Callable, Iterator
from typing import TypeAlias


class LazyPattern:
    """``re.compile(pattern, flags)`` on first use, with the methods of re.Pattern that the
    readers call; each answers as the compiled pattern's own method does."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0,
                 endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[str]:
        return self.compiled.findall(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)


# What a reader may be handed where it runs a pattern: one compiled at import or lazily.
Pattern: TypeAlias = re.Pattern[str] | LazyPattern
