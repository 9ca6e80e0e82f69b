"""Status markers: the printed words that label how far a task has got.

A section's status comes only from a marker that *labels* it: a bracketed phrase such as
``(已完成)`` or ``【正在推进】``, or a progress label whose whole value is a status phrase
(``完成情况:已完成。``). A status word inside running prose (``按序时推进`` mid-sentence,
``已完成78%``, ``(已完成8条)``) says something about a count, not about the task.
"""

from __future__ import annotations

import re

from extractors.buckets import FAMILY_OF_PHRASE, STANDING_TAILS, STATUS_OF_FAMILY, alternation

# The families live in one vocabulary with the tallies' (extractors/buckets.py). FORMATS §5
# also lists `指标项目出现调整` (the target was changed) and `其它类` (other): they say nothing
# about progress, so a section so marked gets status null.
STATUS_OF_PHRASE: dict[str, str] = {p: STATUS_OF_FAMILY[family]
                                    for p, family in FAMILY_OF_PHRASE.items()}

# Labels that open a progress line; the marker counts only when the label's whole value
# is a status phrase.
PROGRESS_LABELS = (
    "完成情况",
    "进展情况",
    "推进情况",
    "落实情况",
    "整改情况",
    "整改状态",  # 整改 notices' closing line (tests/heldout6/README.md, huaibei-style pages)
    "整改进展情况",
    "办理情况",
    "工作进展",
    "目前进展",
    "进度情况",
    "完成进度",
    "进展",
    "状态",
)

# Longest first, so that 未完成 is never read as 完成 and 已完成或超额完成 not as 已完成.
_PHRASES = alternation(STATUS_OF_PHRASE)
_LABELS = alternation(PROGRESS_LABELS)
# `整改状态:已完成整改,完成交账销号。`, `已完成,长期坚持。`: a second phrase or a standing duty
# after the status still leaves the value a status.
_TAIL = rf"(?:\s*[,，]\s*(?:{alternation((*STATUS_OF_PHRASE, *STANDING_TAILS))}))*"

# Each opener with its closer; both bracket widths: callers pass NFKC text, but a marker
# quoted raw must still count.
BRACKETS = (("(", ")"), ("（", "）"), ("【", "】"), ("[", "]"), ("〔", "〕"))


def _bracketed(phrases: str) -> str:
    """`(phrase)` in any of BRACKETS, the phrase alternation written once.

    One alternative per bracket pair would copy the 116-phrase alternation five times, and
    sre's compiler, pure Python, takes 4 ms per process over it (1 ms over this). The match
    opens with the class of openers, so that re still scans for those characters before it
    tries the pattern (a pattern opening with a group is tried at every position); a
    look-behind then records which opener it was in an empty group, and the closer must be
    that opener's: the same matches as the five alternatives (tests/test_status.py).
    """
    openers = "".join(re.escape(o) for o, _ in BRACKETS)
    which = "|".join(rf"(?<={re.escape(o)})(?P<open{i}>)" for i, (o, _) in enumerate(BRACKETS))
    closer = re.escape(BRACKETS[-1][1])
    for i in reversed(range(len(BRACKETS) - 1)):
        closer = rf"(?(open{i}){re.escape(BRACKETS[i][1])}|{closer})"
    return rf"[{openers}](?:{which})\s*(?P<phrase>{phrases})\s*{closer}"


BRACKETED = re.compile(_bracketed(_PHRASES))

# The value must end the clause: `完成情况:已完成78%` or `…:已完成任务1项` is a count.
LABELLED = re.compile(rf"(?:{_LABELS})\s*[:：]\s*(?P<phrase>{_PHRASES}){_TAIL}"
                      r"(?=\s*(?:[。;；.!！\n]|$))")


def find_status(text: str, start: int = 0, end: int | None = None) -> tuple[str | None, str | None]:
    """The status a section's own text, ``text[start:end]``, labels itself with, and the
    marker as printed.

    Where several markers stand in one section the last wins: the closing marker is the
    one that reports the state at the cut-off.
    """
    # Searching between pos and endpos finds what searching the slice finds: neither
    # pattern has a `^`, BRACKETED's look-behinds read only the opener it has just matched
    # (so nothing sees before pos), and endpos ends the string for `$` as a slice does
    # (test_a_stretch_reads_as_a_copy_of_it). It spares a copy of every section's text.
    end = len(text) if end is None else end
    best: re.Match[str] | None = None
    for pattern in (BRACKETED, LABELLED):
        for match in pattern.finditer(text, start, end):
            if best is None or match.start() > best.start():
                best = match
    if best is None:
        return None, None
    return STATUS_OF_PHRASE[best.group("phrase")], best.group(0).strip()
