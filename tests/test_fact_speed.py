"""The fact finder's shortcuts answer exactly as the plain readings they stand in for (issue 16).

- extractors/prefilter.py reads off a regex the characters its every match holds, and a
  phrase holding none of them is answered without running the regex (time words, basis
  cues);
- the readings of short phrases are cached (context, measures), within and across
  documents;
- clause and sentence marks are searched for by a regex (extractors.sentences.Marks),
  backwards in reversed chunks, not character by character;
- the count grammar finds a number's start by a character class, drops a number whose next
  character can open no unit before reading on, and looks for a prefix qualifier only after
  a character one ends in and for a clause qualifier only in a stretch that holds one;
- a short stretch's claims are kept and handed back, shifted, where the same words recur
  (counts.read_stretch): sound only because nothing reads outside the stretch.

Each is held to the plain path: the guards on generated phrases built from the cue
vocabularies, and the whole extraction of every in-repo document with the guards off and
with cold caches.
"""

from __future__ import annotations

import re
import sys
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import basis, context, counts, fillers, measures, prefilter, timewords
from extractors.patterns import CLAUSE_QUALIFIERS, PREFIX_QUALIFIERS
from extractors.records import Claim, Count, frozen_record
from extractors.sentences import Marks
from extractors.units import UNITS, UNITS_BY_FIRST_CHAR
from pipeline.read import document
from pipeline.read.document import extract
from pipeline.read.inputs import iter_pages
from pipeline.read.sections import own_ends
from pipeline.records import Fact, Page, Section
from tests.hostile_helpers import ROOT, SEED

DOCS = [SEED, *sorted(p for p in ROOT.glob("tests/heldout*/docs/**/*") if p.is_file())]

# Every pattern a guard stands before, and the pieces their matches and near misses are made of.
GUARDED = {
    "TIME_PHRASE": timewords.TIME_PHRASE,
    "PERIOD_CUES": basis.PERIOD_CUES,
    "CUMULATIVE_CUES": basis.CUMULATIVE_CUES,
    "SINGLE_MONTH_CUE": basis.SINGLE_MONTH_CUE,
    "TRAILING_FILLERS": measures.TRAILING_FILLERS,
}
PIECES = ("截至", "截止", "目前", "底", "末", "日", "月", "月份", "年", "年度", "季度", "本", "当",
          "单", "前", "上半", "下半", "全年", "今年", "以来", "累计", "开累", "共", "共同", "总计",
          "合计", "同期", "号", "达到", "达", "已", "为", "人数", "1", "6", "12", "2024", "一",
          "三", "十", "—", "-", "至", "到",
          " ", ",", "。", "(", ")", "完成", "新增", "企业", "项目", "充电桩", "投资")
PREFIX_WORDS = [word for word, _ in PREFIX_QUALIFIERS]
PHRASES = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@pytest.mark.parametrize(("pattern", "needed"), [
    ("ab|c", "bc"),  # of a sequence's single characters the last; a branch unites
    ("本月|当月|[一二]季度", "月度"),
    ("(?<!前)x+y?", "x"),  # a lookbehind matches no character; an optional part needs none
    ("[a-c]z|q", "zq"),
    ("\\d+月", "月"),
    ("\\d+", None),  # digits only: no character to test for
    ("x|\\s?", None),  # an alternative that may match nothing
    (".", None),
    ("[^a]b", "b"),
])
def test_needed_chars_of_small_patterns(pattern: str, needed: str | None) -> None:
    got = prefilter.needed_chars(re.compile(pattern))
    assert got == (frozenset(needed) if needed is not None else None)


def test_every_guarded_pattern_has_a_guard() -> None:
    for name, pattern in GUARDED.items():
        assert prefilter.needed_chars(pattern), name
    assert basis.TIME_CUE_CHARS and timewords.TIME_CHARS


@settings(max_examples=400, deadline=None)
@given(PHRASES)
def test_a_guard_never_hides_a_match(phrase: str) -> None:
    for name, pattern in GUARDED.items():
        needs = prefilter.needed_chars(pattern)
        for match in pattern.finditer(phrase):
            assert needs is not None and not needs.isdisjoint(match.group()), (name, match)
        if not prefilter.could_match(prefilter.guard(pattern), phrase):
            assert pattern.search(phrase) is None, name
    assert timewords.strip_time(phrase) == timewords.TIME_PHRASE.sub("", phrase)


MARKS = Marks(",。;\n")


def _plain_start_before(text: str, pos: int, lo: int) -> int:
    while pos > lo and text[pos - 1] not in MARKS.chars:
        pos -= 1
    return pos


def _plain_end_after(text: str, pos: int, hi: int) -> int:
    while pos < hi and text[pos] not in MARKS.chars:
        pos += 1
    return pos


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab,。;\n", max_size=60), st.integers(0, 9000), st.data())
def test_marks_are_found_as_a_character_loop_finds_them(
    text: str, filler: int, data: st.DataObject
) -> None:
    # a long run without marks in the middle: the backward search's chunks grow past it
    text = text[:len(text) // 2] + "x" * filler + text[len(text) // 2:]
    lo = data.draw(st.integers(0, len(text)))
    pos = data.draw(st.integers(0, len(text)))
    assert MARKS.start_before(text, pos, lo) == _plain_start_before(text, pos, lo)
    assert MARKS.end_after(text, lo, pos) == _plain_end_after(text, lo, pos)


def _extractions(paths: list[Path], *, cold: bool = False
                 ) -> list[tuple[str, tuple[Section, ...], tuple[Fact, ...]]]:
    out: list[tuple[str, tuple[Section, ...], tuple[Fact, ...]]] = []
    for path in paths:
        for page in iter_pages([str(path)]):
            if isinstance(page, Page):
                if cold:
                    _clear_caches()
                bulletin = extract(page)
                out.append((page.source, bulletin.sections, bulletin.facts))
    return out


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("extractors"):
            for value in vars(module).values():
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and getattr(value, "__name__", "") != "engine":
                    clear()


def test_shortcuts_extract_exactly_as_the_plain_path(monkeypatch: pytest.MonkeyPatch) -> None:
    now = _extractions(DOCS)
    assert len(now) >= 60 and sum(len(facts) for *_, facts in now) > 1000
    # warm caches (every document read before) against cold ones (cleared per document)
    assert _extractions(DOCS, cold=True) == now
    for module in (timewords, basis, measures):
        monkeypatch.setattr(module, "could_match", lambda needs, text: True)
    _plain_count_grammar(monkeypatch)
    monkeypatch.setattr(context, "_reading", _plain_reading)
    monkeypatch.setattr(document, "_fact", lambda claim, section, offset: Fact(
        **(vars(claim) | {"section": section, "start": claim.start + offset,
                          "end": claim.end + offset})))
    monkeypatch.setattr(counts, "MAX_CACHED_STRETCH", -1)  # every stretch read in place
    assert _extractions(DOCS, cold=True) == now


def _plain_reading(text: str, count: Count, obj: str | None, entity: str | None,
                   predicate: str | None, basis: str | None) -> Claim:
    return Claim(value=count.value, unit=count.unit, text=text[count.start:count.end],
                 start=count.start, end=count.end, value_max=count.value_max, object=obj,
                 qualifier=count.qualifier, entity=entity, predicate=predicate, basis=basis)


# Text made of what the count grammar reads: numbers, every unit, scales, qualifiers, range
# marks, spaces, brackets and clause marks.
GRAMMAR_PIECES = st.one_of(
    st.sampled_from([*UNITS, *PREFIX_WORDS, "预计", "预估", "第", "届", "余", "多", "万", "亿",
                     "至", "到", "-", "~", "—", " ", "\u3000", "\t", "\n", ",", "、", "。", ";",
                     ":", "/", "(", ")", "“", "”", "《", "》", "PM", "A", ".", "企业", "项目",
                     "开展培训", "二期", "一是", "以上", "左右", "全会", "三好街"]),
    st.from_regex(r"\d{1,4}(?:\.\d{1,2})?", fullmatch=True),
    st.text(alphabet="零〇一二两三四五六七八九十百千万亿", min_size=1, max_size=4),
)
GRAMMAR_TEXT = st.lists(GRAMMAR_PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(GRAMMAR_TEXT)
def test_count_grammar_shortcuts_read_as_the_plain_path(text: str) -> None:
    fast = counts.find_facts(text, 0, len(text))
    with pytest.MonkeyPatch.context() as patch:
        _plain_count_grammar(patch)
        assert counts.find_facts(text, 0, len(text)) == fast


def _plain_count_grammar(patch: pytest.MonkeyPatch) -> None:
    """The count grammar with its shortcuts off: a number's start by NUMBER_RE itself, every
    number before the stretch's end read on past its next character, a range tried after
    every number, every prefix, suffix and clause qualifier looked for."""
    patch.setattr(counts, "NUMBER_START", counts.NUMBER_RE)
    patch.setattr(counts, "RANGE_OPENERS", _Everything())
    patch.setattr(counts, "COUNT_FOLLOWERS", _Everything())
    patch.setattr(counts, "PREFIX_ENDS", _Everything())
    patch.setattr(counts, "SUFFIX_OPENERS", _Everything())
    plain_clause_qualifier = counts._clause_qualifier
    patch.setattr(counts, "_clause_qualifier", lambda text, s, lo, hi, words:
                  plain_clause_qualifier(text, s, lo, hi, CLAUSE_QUALIFIERS))


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


# What a stretch's edges met before they were bounded: a list mark before it, a date span,
# an aside's close or an enumerator right after it, a quote opening at its end.
EDGE_PIECES = st.sampled_from(["、", "(1—7月)", "(1-6月)", ")", "方面", "是", "“千人”", "”",
                               ":", "/", "3", "。", "其中", "个"])
EDGES = st.lists(EDGE_PIECES, max_size=4).map("".join)


@settings(max_examples=300, deadline=None)
@given(EDGES, GRAMMAR_TEXT, EDGES, st.integers(0, 40), st.sampled_from([None, "沈阳市科技局"]))
def test_a_stretch_reads_the_same_whatever_text_surrounds_it(
    before: str, stretch: str, after: str, title: int, publisher: str | None
) -> None:
    """find_facts reads nothing before ``start`` or from ``end`` on, so a stretch's claims
    are a function of its own words, its title's length and the publisher: what makes
    keeping them across documents sound."""
    title_end = min(title, len(stretch))
    alone = counts._claims(stretch, 0, len(stretch), publisher, title_end)
    text = before + stretch + after
    start = len(before)
    within = counts._claims(text, start, start + len(stretch), publisher, start + title_end)
    assert [replace(c, start=c.start - start, end=c.end - start) for c in within] == alone


@pytest.mark.parametrize(("before", "stretch", "after"), [
    ("、", "5个开工项目。", ""),  # a list mark before the stretch made it a list's item
    ("", "本月受理申请53家,审核通过44家", "(1—7月)"),  # a date span after it, a running total
    ("", "建成停车场(320个", ")"),  # a close after it, an aside
])
def test_what_stands_outside_a_stretch_changes_none_of_its_claims(
    before: str, stretch: str, after: str
) -> None:
    text = before + stretch + after
    within = counts.find_facts(text, len(before), len(text) - len(after), title_end=len(before))
    alone = counts.find_facts(stretch, 0, len(stretch), title_end=0)
    shift = len(before)
    assert [replace(c, start=c.start - shift, end=c.end - shift) for c in within] == alone


def test_a_recurring_stretch_is_read_once_and_shifted_where_it_stands() -> None:
    counts._stretch_claims.cache_clear()
    stretch = "新建充电桩3000个。本月新建310个,累计完成1200个。"
    first = counts.find_facts("标题\n" + stretch, 3, 3 + len(stretch), title_end=13)
    second = counts.find_facts("另一份公报的开头\n" + stretch, 9, 9 + len(stretch),
                               title_end=19)
    assert counts._stretch_claims.cache_info().hits == 1
    assert [(c.start - 3, c.end - 3) for c in first] == [(c.start - 9, c.end - 9)
                                                        for c in second]
    assert [replace(c, start=0, end=0) for c in first] == [replace(c, start=0, end=0)
                                                          for c in second]
    assert [c.basis for c in first] == ["target", "period", "cumulative"]


def test_the_stretch_memo_keeps_no_long_stretch() -> None:
    """The memo is bounded in entries and in what each holds: a long section is read in
    place, never copied into it."""
    counts._stretch_claims.cache_clear()
    text = "新增就业1200人," * (counts.MAX_CACHED_STRETCH // 9 + 1)
    assert len(text) > counts.MAX_CACHED_STRETCH
    assert len(counts.find_facts(text, 0, len(text))) == text.count("人")
    assert counts._stretch_claims.cache_info().currsize == 0
    assert counts._stretch_claims.cache_info().maxsize == counts.STRETCHES_CACHED


def test_a_record_built_at_once_is_the_record_its_init_builds() -> None:
    """frozen_record copies the fields in without __init__: sound for a record whose every
    field is given and that checks nothing after __init__, so a Fact must be exactly a Claim
    and its section, and neither may grow a __post_init__."""
    assert not hasattr(Claim, "__post_init__") and not hasattr(Fact, "__post_init__")
    assert [f.name for f in fields(Fact)] == [
        *(f.name for f in fields(Claim) if f.name in ("value", "unit", "text", "start", "end")),
        "section",
        *(f.name for f in fields(Claim) if f.name not in ("value", "unit", "text", "start",
                                                           "end")),
    ]
    claim: dict[str, Any] = {
        "value": 3.5, "unit": "亿元", "text": "3.5亿元", "start": 4, "end": 9, "value_max": None,
        "object": "投资", "qualifier": None, "entity": None, "predicate": "完成",
        "basis": "cumulative", "measure": "完成 投资 (亿元)"}
    for cls, values in ((Claim, claim), (Fact, claim | {"section": "2.1"})):
        fast, plain = frozen_record(cls, values), cls(**values)
        assert fast == plain and vars(fast) == vars(plain) and hash(fast) == hash(plain)
        with pytest.raises(AttributeError):
            fast.value = 1  # type: ignore[misc]  # still frozen


SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30), st.integers(1, 4)),
                 max_size=12)


@settings(max_examples=300, deadline=None)
@given(SPANS, st.lists(st.integers(0, 100), max_size=12))
def test_section_nesting_is_found_as_a_scan_of_every_section_finds_it(
    spans: list[tuple[int, int, int]], positions: list[int]
) -> None:
    """own_ends and _innermost (a bisection, a sweep) against the scans they replace, on
    any spans: overlapping, equal, empty, in any order."""
    sections = tuple(Section(no=i + 1, path=str(i), level=level, title="", start=start,
                             end=start + length, title_start=start, title_end=start)
                     for i, (start, length, level) in enumerate(spans))

    def own_end(sec: Section) -> int:
        children = [s.start for s in sections if sec.start < s.start < sec.end]
        return min(children) if children else sec.end

    def innermost(pos: int) -> str | None:
        holders = [s for s in sections if s.start <= pos < s.end]
        return max(holders, key=lambda s: s.level).path if holders else None

    assert own_ends(sections) == [own_end(sec) for sec in sections]
    assert document._innermost(sections, positions) == [innermost(p) for p in positions]


@settings(max_examples=300, deadline=None)
@given(GRAMMAR_TEXT, st.data())
def test_a_unit_is_read_as_the_longest_unit_that_stands_there(
    text: str, data: st.DataObject
) -> None:
    """counts.UNIT_AFTER, one match, against the plain reading: the longest run of spaces,
    scales and an infix qualifier (BEFORE_UNIT alone), then a try of every unit with the
    first character that follows it."""
    hi = data.draw(st.integers(0, len(text)))
    p = data.draw(st.integers(0, hi))
    between = re.compile(counts.BEFORE_UNIT).match(text, p, hi)
    assert between is not None
    at = between.end()
    plain = next((unit for unit in UNITS_BY_FIRST_CHAR.get(text[at:at + 1], ())
                  if text.startswith(unit, at, hi)), None)
    after = counts._unit_at(text, p, hi)
    assert after.group("scales", "infix", "more") == between.group("scales", "infix", "more")
    assert after.group("unit") == plain
    assert after.end() == at + len(plain or "")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab,。;:、“”《》()\n", max_size=40), st.data())
def test_a_clause_is_read_to_its_mark_in_one_match(text: str, data: st.DataObject) -> None:
    hi = data.draw(st.integers(0, len(text)))
    pos = data.draw(st.integers(0, hi))
    window = context.CLAUSE_WORDS.match(text, pos, hi)
    assert window is not None and window.end() == context.CLAUSE_MARKS.end_after(text, pos, hi)


def _plain_basis(text: str, start: int, end: int, unit: str, lo: int, hi: int, *,
                 in_task: bool, in_title: bool) -> str | None:
    """basis_of as it read before its clause's cues were cached: every cue in turn."""
    if in_title:
        return "target"
    if unit in basis.RATE_UNITS:
        return "rate"
    if not in_task:
        return None
    clause = basis.clause_before(text, start, lo)
    if basis.CHANGE_CUES.search(clause):
        return None
    if basis.PERIOD_CUES.search(clause):
        return "period"
    if basis.CUMULATIVE_CUES.search(clause) or basis.TRAILING_SPAN.match(text, end, hi):
        return "cumulative"
    if start > lo and text[start - 1] in "(（" and basis.ASIDE.match(text, end, hi):
        return None
    if basis.SINGLE_MONTH_CUE.search(clause):
        return "period"
    label = basis._label_before(text, start - len(clause), lo)
    if basis.TARGET_CUES.search(clause) or basis.TARGET_CUES.search(label):
        return "target"
    return basis._sentence_time(text, start - len(clause), lo) or "cumulative"


BASIS_PIECES = st.sampled_from([*PIECES, "较上月", "剩余", "目标", "计划", "(", ")", ":",
                                "整改目标", "本月", "1—7月", "3个", "12家"])


@settings(max_examples=400, deadline=None)
@given(st.lists(BASIS_PIECES, max_size=14).map("".join), st.sampled_from(["个", "%"]),
       st.booleans())
def test_a_clauses_cues_settle_the_basis_as_reading_every_cue_does(
    text: str, unit: str, in_task: bool
) -> None:
    for start in range(len(text) + 1):
        end = min(len(text), start + 2)
        assert basis.basis_of(text, start, end, unit, 0, len(text), in_task=in_task,
                              in_title=False) == _plain_basis(
            text, start, end, unit, 0, len(text), in_task=in_task, in_title=False)


@pytest.mark.parametrize("offset", [0, 17])
def test_claims_and_facts_stored_field_by_field_are_the_records_their_init_builds(
    offset: int
) -> None:
    """context._reading (then _measured) and document._fact store each field into the
    instance's dict: every field, in the order __init__ stores them (instances keep sharing
    their keys), and the record stays frozen. A field added to Claim or Fact and not stored
    fails here."""
    text = "本月新建充电桩3.5万个"
    count = Count(7, 12, 35000.0, 40000.0, "个", 11, "approx", False)
    [claim] = context._measured([context._reading(text, count, "充电桩", "章江新区", "新建",
                                                  "period")])
    plain_claim = Claim(value=35000.0, unit="个", text="3.5万个", start=7, end=12,
                        value_max=40000.0, object="充电桩", qualifier="approx", entity="章江新区",
                        predicate="新建", basis="period",
                        measure=measures.measure_key("章江新区", "新建", "充电桩", "个"))
    fact = document._fact(claim, "2.1", offset)
    plain_fact = Fact(**(vars(plain_claim) | {"start": 7 + offset, "end": 12 + offset,
                                               "section": "2.1"}))
    for fast, plain in ((claim, plain_claim), (fact, plain_fact)):
        assert fast == plain and hash(fast) == hash(plain)
        assert list(vars(fast).items()) == list(vars(plain).items())
        with pytest.raises(AttributeError):
            fast.value = 1  # type: ignore[misc]  # still frozen


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="\u4dff\u4e00\u4e01\u9ffe\u9fff\ua000a1 ,。(", max_size=8))
def test_a_phrase_holds_a_cjk_ideograph_as_the_block_class_finds_one(phrase: str) -> None:
    """fillers._has_cjk compares characters with the block's ends instead of compiling its
    class; the edges of the block and their neighbours are what could tell them apart."""
    assert fillers._has_cjk(phrase) == bool(re.search("[\u4e00-\u9fff]", phrase))
