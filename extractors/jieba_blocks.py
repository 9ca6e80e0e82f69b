"""jieba's rules around its Chinese blocks: what reaches the dictionary at all, and how
the text between blocks is split and tagged (jieba.cut and jieba.posseg.cut without HMM).

Every engine that answers for jieba (extractors/segment.py: rjieba; extractors/
jieba_index.py: jieba's route over an index of its dictionary) says only how one block is
cut and tagged; these rules do the rest, so no engine decides what jieba would not.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

# jieba 0.42's block rules, which decide what reaches the dictionary at all (jieba.re_han_
# default, jieba.re_skip_default; jieba.posseg.re_han_internal, re_num, re_eng).
# tests/test_segment_native.py checks they still equal jieba's own. They are compiled when
# an engine loads: the two block patterns take ~3 ms to compile, and a run answered from
# kept windows (extractors/window_cache.py) never needs them.
CUT_BLOCK = "([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)"
TAG_BLOCK = "([\u4e00-\u9fd5a-zA-Z0-9+#&\\._]+)"
SKIP = "(\r\n|\\s)"
TAG_NUM = "[\\.0-9]+"
TAG_ENG = "[a-zA-Z0-9]+"


class BlockEngine(ABC):
    """jieba's rules around its Chinese blocks (jieba.cut and jieba.posseg.cut without HMM):
    a subclass says how a block is cut and tagged, and these rules do the rest."""

    name: str

    def __init__(self) -> None:
        self._cut_re, self._tag_re, self._skip_re, self._num_re, self._eng_re = (
            re.compile(p) for p in (CUT_BLOCK, TAG_BLOCK, SKIP, TAG_NUM, TAG_ENG))

    @abstractmethod
    def _cut_block(self, block: str) -> list[str]: ...

    @abstractmethod
    def _tag_block(self, block: str) -> list[tuple[str, str]]: ...

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        for i, block in enumerate(self._cut_re.split(text)):
            if i % 2:  # split() puts the captured blocks at odd places
                out.extend(self._cut_block(block))
            elif block:
                for j, part in enumerate(self._skip_re.split(block)):
                    if j % 2:
                        out.append(part)
                    else:
                        out.extend(part)  # jieba yields each other character alone
        return out

    def tag(self, text: str) -> list[tuple[str, str]]:
        if self._tag_re.fullmatch(text):
            return self._tag_block(text)  # one Chinese block, as most windows are
        out: list[tuple[str, str]] = []
        for i, block in enumerate(self._tag_re.split(text)):
            if i % 2:
                out.extend(self._tag_block(block))
            elif block:
                for j, part in enumerate(self._skip_re.split(block)):
                    if j % 2:
                        out.append((part, "x"))
                        continue
                    eng = "eng" if self._eng_re.match(part) else "x"
                    out.extend((ch, "m" if self._num_re.match(ch) else eng) for ch in part)
        return out
