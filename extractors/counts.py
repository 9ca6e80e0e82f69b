"""Counts: `[qualifier] number [scale] [余/多] unit [object]` spans in a stretch of text.

Text of one section in, facts out. Offsets are absolute in the text passed in, so
``text[f.start:f.end] == f.text`` holds for every fact. The grammar decides which numbers
are counts; jieba is asked only about Chinese numerals and the words around a count.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

from extractors import context
from extractors.numerals import (
    ARABIC,
    CN_NUMERAL_CHARS,
    SCALES,
    arabic_value,
    chinese_value,
    scale_value,
)
from extractors.patterns import (
    AFTER_UNIT_NAME_WORDS,
    CLAUSE_QUALIFIERS,
    ENUMERATOR_SUFFIXES,
    EVENT_WORDS,
    INFIX_QUALIFIERS,
    MAX_LABEL_QUOTE,
    ORDINAL_PREFIXES,
    PREFIX_QUALIFIERS,
    QUOTE_PAIRS,
    SUFFIX_QUALIFIERS,
    TITLE_PAIRS,
)
from extractors.records import Claim, Count, frozen_record
from extractors.segment import stands_alone
from extractors.sentences import SENTENCE_ENDS, Marks
from extractors.units import LABEL_UNITS_FOR_CHINESE, UNITS_BY_FIRST_CHAR

NUMBER_RE = re.compile(rf"(?P<ar>{ARABIC})|(?P<cn>[{CN_NUMERAL_CHARS}]+)")
# Where NUMBER_RE's next match starts: the first digit or numeral character, found by a plain
# class (a search by NUMBER_RE itself tries both alternatives at every position). Every
# such character opens a match of one of them.
NUMBER_START = re.compile(rf"[\d{CN_NUMERAL_CHARS}]")
# `3至5家`, `3-5家`, `3~5家`: the upper end of a range.
RANGE_MARKS = "-~至到—"
CN_RANGE_MARKS = "至到-"
RANGE_RE = re.compile(
    rf"\s?[{re.escape(RANGE_MARKS)}]\s?(?P<ar>{ARABIC})"
    rf"|[{re.escape(CN_RANGE_MARKS)}](?P<cn>[{CN_NUMERAL_CHARS}]+)"
)
# The characters a range may open with (besides a space): a regex match is tried only there.
RANGE_OPENERS = frozenset(RANGE_MARKS + CN_RANGE_MARKS)
ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._")
SPACES = " \t\u3000"
# What may stand right after a count's number: a range's mark, a space, a scale, an infix
# qualifier or a unit's first character (any other character, and the stretch's end, leave
# the number without a unit, which no count is).
COUNT_FOLLOWERS = frozenset(
    RANGE_MARKS + CN_RANGE_MARKS + SPACES + "".join(SCALES) + "".join(INFIX_QUALIFIERS)
    + "".join(UNITS_BY_FIRST_CHAR)
)
# What may stand between a count's number (or range) and its unit: spaces, scales, an infix
# qualifier and more scales, spaces (`3.4 万平方米`, `130余名`, `1万余亿元`); then the unit, the
# longest that stands there (longest first in the alternation, which takes the first
# alternative that matches), if any. One match for both: the part before the unit is an atomic
# group, so it is the longest run of those characters, as a match of it alone would read it,
# and a unit is never found by giving back some of that run.
BEFORE_UNIT = (
    rf"[{SPACES}]*(?P<scales>[{''.join(SCALES)}]*)"
    rf"(?:(?P<infix>[{''.join(INFIX_QUALIFIERS)}])(?P<more>[{''.join(SCALES)}]*))?[{SPACES}]*"
)
UNIT_ALTERNATION = "|".join(re.escape(unit) for units in UNITS_BY_FIRST_CHAR.values()
                            for unit in units)
UNIT_AFTER = re.compile(rf"(?>{BEFORE_UNIT})(?P<unit>{UNIT_ALTERNATION})?")
# A number right after these is a label's (`第3批`, `十届四次全会`: a session's name).
LABEL_OPENERS = frozenset((*ORDINAL_PREFIXES, "届"))
# The first characters of the suffix qualifiers and of the words that make a count a name:
# most units are followed by none of them, and no startswith of each word is tried there.
SUFFIX_OPENERS = frozenset(word[0] for word, _ in SUFFIX_QUALIFIERS)
NAME_WORD_OPENERS = frozenset(word[0] for word in AFTER_UNIT_NAME_WORDS)
CLAUSE_QUALIFIER_WORDS = re.compile("|".join(re.escape(word) for word, _ in CLAUSE_QUALIFIERS))
# A qualifier (`预计`) binds to the end of its clause, which a comma closes.
QUALIFIER_CLAUSE_ENDS = Marks(SENTENCE_ENDS + ",")
ENUMERATION_MARKS = frozenset("、和及与")
# A prefix qualifier ends right before its number: the number must follow one of these.
PREFIX_ENDS = frozenset(word[-1] for word, _ in PREFIX_QUALIFIERS)
# A count's unit must end where its clause, list item or bracketed aside does.
CLAUSE_ENDS = frozenset(SENTENCE_ENDS + ",、)")


# Stretches read once and kept with their claims: a section or table cell recurs across the
# monthly bulletins of one publisher (a task's title, `已完成`, a status line), and its claims
# are a pure function of its own text (see ``read_stretch``). Bounded in number and in the
# length of a stretch kept, whatever the build reads (4.7 MB after synthetic-1000's 3,452
# distinct stretches; a longer one rarely recurs and is read in place).
STRETCHES_CACHED = 4096
MAX_CACHED_STRETCH = 512


def find_facts(
    text: str, start: int, end: int, *, publisher: str | None = None,
    title_end: int | None = None,
) -> list[Claim]:
    """Every count in ``text[start:end]``, with offsets absolute in ``text``.

    ``title_end`` says the stretch is one task's: its title runs from ``start`` to there
    (the task's goals) and its progress text follows; None for text outside any task.
    """
    offset, claims = read_stretch(text, start, end, publisher=publisher, title_end=title_end)
    if not offset:
        return list(claims)
    return [frozen_record(Claim, vars(claim) | {"start": claim.start + offset,
                                                "end": claim.end + offset})
            for claim in claims]


def read_stretch(
    text: str, start: int, end: int, *, publisher: str | None = None,
    title_end: int | None = None,
) -> tuple[int, Sequence[Claim]]:
    """``find_facts`` with the claims' offsets relative to the returned offset, for a caller
    that shifts them into its own records (no Claim is built twice).

    Nothing that reads a stretch looks before ``start`` or at or past ``end``
    (tests/test_fact_speed.py holds a stretch to the same claims with any text around it),
    so a short stretch is read as its own string and its claims are kept for the next time
    the same words come with the same title length and publisher.
    """
    if end - start > MAX_CACHED_STRETCH:
        return 0, _claims(text, start, end, publisher, title_end)
    return start, _stretch_claims(text[start:end], publisher,
                                  None if title_end is None else title_end - start)


@lru_cache(maxsize=STRETCHES_CACHED)
def _stretch_claims(stretch: str, publisher: str | None, title_end: int | None
                    ) -> tuple[Claim, ...]:
    """The claims of a stretch read as its own string, kept (``title_end`` relative)."""
    return tuple(_claims(stretch, 0, len(stretch), publisher, title_end))


def _claims(
    text: str, start: int, end: int, publisher: str | None, title_end: int | None
) -> list[Claim]:
    """Every count in ``text[start:end]``, read in place: the grammar, then the words."""
    # Spans whose numbers are labels, looked for only in a stretch that opens one.
    masked = (_Masked(text, start, end) if MASK_OPENERS.search(text, start, end)
              else NOTHING_MASKED)
    # A clause qualifier lies inside the stretch, or binds none of its counts (most
    # stretches hold none: one scan, not a find per word).
    clause_words = (tuple(pair for pair in CLAUSE_QUALIFIERS if text.find(pair[0], start, end) >= 0)
                    if CLAUSE_QUALIFIER_WORDS.search(text, start, end) else ())
    counts: list[Count] = []
    pos = start
    while (first := NUMBER_START.search(text, pos, end)) and (
            match := NUMBER_RE.match(text, first.start(), end)):
        pos = match.end()
        # `2017年`, `7月`: most numbers of a bulletin are dates, and the character after
        # one can open nothing a count reads next (COUNT_FOLLOWERS)
        if pos < end and (text[pos] in COUNT_FOLLOWERS or text[pos].isspace()) and (
                count := _read_count(text, match, start, end, masked, clause_words)):
            counts.append(count)
            pos = count.end
    if not counts:
        return []  # most stretches of a page hold no count: nothing to describe
    return context.describe(text, start, end, counts, publisher=publisher, title_end=title_end)


def _read_count(
    text: str, match: re.Match[str], lo: int, hi: int, masked: _Masked | frozenset[int],
    clause_words: tuple[tuple[str, str], ...],
) -> Count | None:
    """The count ``match``'s number opens, if any; the character after the number is one
    of COUNT_FOLLOWERS. The checks that are a character's lookup come first."""
    s, e = match.span()
    if s > lo and text[s - 1] in LABEL_OPENERS:
        return None
    digits, cn = match.groups()  # NUMBER_RE's `ar` and `cn`: one of them matched
    chinese = cn is not None
    value: int | float | None
    if chinese:
        value = chinese_value(cn)
        if value is None:
            return None  # 一二三产业, 十四五, 二〇一七: labels and years, not numerals
    else:
        if s > lo and text[s - 1] in ASCII_ALNUM:
            return None  # PM2.5, F5, a version or code
        if text.startswith((":", "/"), e, hi) or (s > lo + 1 and text[s - 1] in ":/"
                                                  and text[s - 2].isdigit()):
            return None  # map scales 1:500, fractions 1/3, ratios 17.2:29.5 (not `办结:398件`)
        # digits alone (no `,` or `.`) are the integer arabic_value reads, without its call
        value = int(digits) if digits.isdigit() else arabic_value(digits)
    if s in masked:
        return None
    p = e
    value_max: int | float | None = None
    rng = (RANGE_RE.match(text, p, hi)
           if p < hi and (text[p] in RANGE_OPENERS or text[p].isspace()) else None)
    if rng:
        upper = arabic_value(rng["ar"]) if rng["ar"] else chinese_value(rng["cn"] or "")
        if upper is not None and upper > value:
            value_max, p = upper, rng.end()
    after = _unit_at(text, p, hi)
    scales, infix, more, unit = after.groups()  # in UNIT_AFTER's order
    if more:
        scales += more
    qualifier = INFIX_QUALIFIERS[infix] if infix else None
    if unit is None:
        if not scales:
            return None
        unit = ""  # `货值10亿`: money printed without its unit keeps unit ""
    p = after.end()
    unit_start = p - len(unit)
    if chinese and not _chinese_is_count(text, match, unit, p, lo, hi):
        return None
    # startswith with bounds, not a slice: a copy of the rest of the stretch for every
    # number made a 30 MB one-section text quadratic (issue 17).
    if unit and p < hi and text[p] in NAME_WORD_OPENERS and text.startswith(
            AFTER_UNIT_NAME_WORDS, p, hi):
        return None
    if chinese and text.startswith(ENUMERATOR_SUFFIXES, e, hi):
        return None
    if p < hi and text[p] in SUFFIX_OPENERS:
        for word, kind in SUFFIX_QUALIFIERS:
            if text.startswith(word, p, hi):
                qualifier = qualifier or kind
                p += len(word)
                break
    prefix = (_prefix_qualifier(text, s, lo) if s > lo and text[s - 1] in PREFIX_ENDS
              else None)
    if prefix:
        s, qualifier = prefix[0], qualifier or prefix[1]
    else:
        qualifier = qualifier or _clause_qualifier(text, s, lo, hi, clause_words)
    scaled = value if not scales and type(value) is int else scale_value(value, scales)
    scaled_max = scale_value(value_max, scales) if value_max is not None else None
    # _make: the tuple built at once, without the keyword-capable __new__ (a third of its time)
    return Count._make((s, p, scaled, scaled_max, unit, unit_start, qualifier, chinese))


def _chinese_is_count(
    text: str, match: re.Match[str], unit: str, unit_end: int, lo: int, hi: int
) -> bool:
    s = match.start()
    if match.group("cn") == "一":
        return False  # 一批, 一个时期, 一支队伍: the indefinite article, not a count
    if unit in LABEL_UNITS_FOR_CHINESE and not (
        _ends_clause(text, unit_end, hi) and _after_event_word(text, s, lo)
    ):
        return False  # 二期项目, 产业园二期。: a phase or grade, not a number of sessions
    w_lo = max(lo, s - 4)
    w_hi = min(hi, unit_end + 4)
    return stands_alone(text[w_lo:w_hi], s - w_lo, unit_end - w_lo)


def _ends_clause(text: str, pos: int, hi: int) -> bool:
    """`开展培训二十三期,…`: nothing follows the unit in its clause, so it counts."""
    return pos >= hi or text[pos] in CLAUSE_ENDS


def _after_event_word(text: str, s: int, lo: int) -> bool:
    """`开展电商培训二十三期`: sessions held are counted; `产业园二期` names a phase."""
    clause = text[context.clause_start(text, s, lo):s]
    return any(word in clause for word in EVENT_WORDS)


def _unit_at(text: str, p: int, hi: int) -> re.Match[str]:
    """What follows a count's number (or range) at ``p``: its scales, infix qualifier and
    unit (``UNIT_AFTER``, which matches the empty string)."""
    after = UNIT_AFTER.match(text, p, hi)
    assert after is not None
    return after


def _prefix_qualifier(text: str, s: int, lo: int) -> tuple[int, str] | None:
    """The prefix qualifier that ends right before the number at ``s`` (its last character
    is one of PREFIX_ENDS)."""
    for word, kind in PREFIX_QUALIFIERS:
        at = s - len(word)
        if at >= lo and text.startswith(word, at):
            if at > lo and text[at - 1] in ENUMERATION_MARKS:
                return None  # `远、中、近三个目标`: near term, one of a list, not "nearly"
            return at, kind
    return None


def _clause_qualifier(
    text: str, s: int, lo: int, hi: int, words: tuple[tuple[str, str], ...]
) -> str | None:
    """`预计` binds every number of its clause, which for it runs to `,` `;` `。` (GUIDE):
    those after it and those before it (`剩余1个综合体、3个助餐点预计11月底前建成`).
    ``words``: the qualifiers to look for (those the stretch holds)."""
    if not words:
        return None
    clause = text[QUALIFIER_CLAUSE_ENDS.start_before(text, s, lo):
                  QUALIFIER_CLAUSE_ENDS.end_after(text, s, hi)]
    for word, kind in words:
        if word in clause:
            return kind
    return None


# What opens a masked span: the left mark of every quote and title pair. Most stretches
# hold none, and their numbers are asked of an empty set rather than a _Masked.
MASK_OPENERS = re.compile("[" + re.escape("".join(left for left, _ in QUOTE_PAIRS + TITLE_PAIRS))
                          + "]")
NOTHING_MASKED: frozenset[int] = frozenset()


class _Masked:
    """Spans whose numbers are labels: short quotes (`“6+4”`) and book titles (`《…》`).

    Merged and sorted once per stretch, then asked by bisection: a 10 MB one-line page has
    tens of thousands of spans and numbers, and a scan per number was quadratic. Found on
    the first question only: most stretches have no number that gets that far.
    """

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def _spans(self) -> tuple[list[int], list[int]]:
        """The merged spans' starts and ends."""
        text, start, end = self._text, self._start, self._end
        spans: list[tuple[int, int]] = []
        for pairs, limit in ((QUOTE_PAIRS, MAX_LABEL_QUOTE), (TITLE_PAIRS, 200)):
            for left, right in pairs:
                pos = start
                while True:
                    a = text.find(left, pos, end)
                    if a < 0:
                        break
                    b = text.find(right, a + 1, min(end, a + 1 + limit + 1))
                    if b < 0:
                        pos = a + 1
                        continue
                    spans.append((a, b + 1))
                    pos = b + 1
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        return [a for a, _ in merged], [b for _, b in merged]

    def __contains__(self, pos: int) -> bool:
        if self._starts is None:
            self._starts, self._ends = self._spans()
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]
