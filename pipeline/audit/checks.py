"""Audit checks: what changed from one period to the next, and what does not add up.

Every finding is a ``Check`` with its evidence: the span of the bulletin it is about and,
where another statement is involved (last month's count, the whole a part exceeds, the
paragraph a text was copied from), that statement's span too. Period-to-period checks
compare a publisher's bulletin with its previous one; status and cumulative counts are
compared within one year only, because each year's task list starts afresh.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter
from typing import Any

from extractors.sentences import CLAUSE_ENDS, clause_start, sentence_span
from extractors.units import TALLY_UNITS
from pipeline.audit.changes import value_changes
from pipeline.audit.clauses import clause_of
from pipeline.audit.linking import group_of, ordered, period_order, series_of, year_of
from pipeline.audit.recycled import (
    Paragraph,
    comparable,
    compare,
    may_match,
    paragraphs,
    same_numbers,
)
from pipeline.audit.versions import current, revisions
from pipeline.read.sections import own_ends
from pipeline.records import Bulletin, Check, Fact, Link, Section, Summary

# A clause that counts a whole (`共上会评审122家`, `受理申报45项`) and one that counts a part
# of it (`通过评审119家`, `其中获批30项`), from the seed and the examples.
WHOLE_WORDS = re.compile(r"共|累计|合计|总计|申报|受理|评审|上报|报名|参评|参加|申请|征集|推荐")
PART_WORDS = re.compile(r"其中|通过|获批|入选|立项|办结|录取|合格|达标|认定")
NO_MARKER = "no status marker"
START = attrgetter("start")  # a fact's or section's place in the text, as a sort key

@dataclass(frozen=True)
class _Span:
    bulletin: Bulletin
    start: int | None = None
    end: int | None = None

    @property
    def text(self) -> str | None:
        if self.start is None or self.end is None:
            return None
        return self.bulletin.text[self.start:self.end]


# --------------------------------------------------------------------------- the registry

@dataclass(frozen=True)
class CheckKind:
    """A kind of finding: how much it should worry an auditor and why, in one line."""

    name: str
    severity: str  # high: the figures cannot both be true; medium: worth a look; low: a change
    reason: str


@dataclass
class Registry:
    """Every kind of check in one place. Adding a check is one ``@registry.finder(...)`` on its
    function: the kinds it reports, and what it reads: one bulletin (``document``), a
    bulletin and the previous period's (``change``), or two versions of one bulletin, the
    one first archived and its re-publication (``revision``)."""

    kinds: dict[str, CheckKind] = field(default_factory=dict)
    document: list[Callable[[Bulletin, dict[tuple[str, str], Link]], Iterable[Check]]] = field(
        default_factory=list)
    change: list[Callable[[Bulletin, Bulletin, dict[tuple[str, str], Link]],
                          Iterable[Check]]] = field(default_factory=list)
    revision: list[Callable[[Bulletin, Bulletin, dict[tuple[str, str], Link]],
                            Iterable[Check]]] = field(default_factory=list)

    def declare(self, *kinds: CheckKind) -> None:
        for kind in kinds:
            self.kinds[kind.name] = kind

    def finder(self, scope: str, *kinds: CheckKind) -> Callable[[Any], Any]:
        def register(fn: Any) -> Any:
            self.declare(*kinds)
            lists: dict[str, list[Any]] = {"document": self.document, "change": self.change,
                                           "revision": self.revision}
            lists[scope].append(fn)
            return fn
        return register


REGISTRY = Registry()
# count_decreased runs over the year's cumulative counts in period order (Checker), not
# bulletin by bulletin, so it is declared here and called where it keeps its state.
REGISTRY.declare(CheckKind(
    "count_decreased", "high", "a cumulative count cannot fall within one year"))


def checks_known() -> tuple[str, ...]:
    """The names of every registered kind of check (the checks table's `check` values)."""
    return tuple(REGISTRY.kinds)


def _check(
    name: str, task_key: str | None, detail: str, at: _Span,
    other: _Span | dict[str, Any] | None = None,
) -> Check:
    """A finding at ``at``; ``other``: the statement it is compared with, as a span or as
    ``_evidence`` taken from one earlier."""
    b = at.bulletin
    extra = _evidence(other) if isinstance(other, _Span) else other or {}
    kind = REGISTRY.kinds[name]
    return Check(name, group_of(b), task_key, b.period, detail, b.sha256, b.source,
                 at.start, at.end, at.text, **extra, severity=kind.severity, reason=kind.reason)


def _evidence(other: _Span) -> dict[str, Any]:
    """A finding's fields that quote the other statement."""
    o = other.bulletin
    return dict(other_period=o.period, other_doc_id=o.sha256, other_source=o.source,
                other_start=other.start, other_end=other.end, other_text=other.text)


def sort_checks(checks: Iterable[Check]) -> list[Check]:
    return sorted(checks, key=lambda c: (
        c.publisher, period_order(c.period), c.check, c.task_key or "", c.start or -1,
        c.other_start or -1, c.doc_id))


# --------------------------------------------------------------------------- entry points

def run_checks(bulletins: Iterable[Bulletin], links: dict[tuple[str, str], Link]) -> list[Check]:
    """Every check over every report series, each bulletin compared with its predecessor,
    and each re-published bulletin with its earlier version. Only a period's newest version
    is checked as its bulletin (``versions``): the earlier one is evidence of the edit."""
    bulletins = list(bulletins)
    checker = Checker()
    found = [c for old, new in revisions(bulletins) for c in checker.revision(old, new, links)]
    for b in ordered(current(bulletins)):
        found.extend(checker.add(b, links))
    return sort_checks(found)


class Checker:
    """Checks bulletins one at a time, each period's current version given in ``ordered``
    order (``add``), and each re-publication with its earlier version (``revision``). What
    it keeps between bulletins is each series' previous bulletin and the year's latest
    running totals with their evidence, never the bulletins before: a long series can be
    checked issue by issue (``run_checks`` is the loop over a list)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], _Total] = {}
        self.previous: dict[tuple[str, str], Bulletin] = {}

    def revision(
        self, old: Bulletin, new: Bulletin, links: dict[tuple[str, str], Link]
    ) -> list[Check]:
        return [c for finder in REGISTRY.revision for c in finder(old, new, links)]

    def add(self, b: Bulletin, links: dict[tuple[str, str], Link]) -> list[Check]:
        """``b``'s findings; ``links`` must hold its sections' and the previous bulletin's
        of its series (``previous``)."""
        series = series_of(b)
        prev = self.previous.get(series)
        found = document_checks(b, links)
        if prev is not None and period_order(prev.period, prev.published)[:3] < period_order(
            b.period, b.published
        )[:3]:
            found.extend(change_checks(prev, b, links))
        found.extend(_count_decreases(b, links, self.counts))
        self.previous[series] = b
        return found


def diff_checks(
    old: Bulletin, new: Bulletin, links: dict[tuple[str, str], Link]
) -> list[Check]:
    """What changed from ``old`` to ``new``, and what in ``new`` does not add up."""
    counts: dict[tuple[str, str], _Total] = {}
    _count_decreases(old, links, counts)
    return sort_checks([
        *document_checks(new, links), *change_checks(old, new, links),
        *_count_decreases(new, links, counts),
    ])


def document_checks(b: Bulletin, links: dict[tuple[str, str], Link]) -> list[Check]:
    return [c for finder in REGISTRY.document for c in finder(b, links)]


def change_checks(
    prev: Bulletin, cur: Bulletin, links: dict[tuple[str, str], Link]
) -> list[Check]:
    return [c for finder in REGISTRY.change for c in finder(prev, cur, links)]


# -------------------------------------------------------------------- period to period

def _keyed(b: Bulletin, links: dict[tuple[str, str], Link]) -> dict[str, Section]:
    """The bulletin's sections by task key (first section wins if two share one)."""
    out: dict[str, Section] = {}
    for s in b.sections:
        link = links.get((b.sha256, s.path))
        if link is not None:
            out.setdefault(link.task_key, s)
    return out


def _heading(b: Bulletin, s: Section) -> _Span:
    return _Span(b, s.title_start, s.title_end)


def _marker(b: Bulletin, s: Section) -> _Span:
    """The status marker as printed, else the heading."""
    if s.status_text:
        at = b.text.rfind(s.status_text, s.start, s.end)
        if at >= 0:
            return _Span(b, at, at + len(s.status_text))
    return _heading(b, s)


@REGISTRY.finder(
    "change",
    CheckKind("newly_completed", "low", "a task is reported done for the first time"),
    CheckKind("status_regressed", "high",
              "a task reported done earlier in the year is no longer reported done"),
)
def status_changes(
    prev: Bulletin, cur: Bulletin, links: dict[tuple[str, str], Link]
) -> Iterator[Check]:
    if year_of(prev) != year_of(cur):
        return  # each year's task list starts afresh
    before, now = _keyed(prev, links), _keyed(cur, links)
    for key, s in now.items():
        p = before.get(key)
        if p is None:
            continue
        if s.status == "completed" and p.status != "completed":
            was = p.status_text or NO_MARKER
            yield _check("newly_completed", key,
                         f"{s.status_text or s.status} now; {was} in {_when(prev)}",
                         _marker(cur, s), _marker(prev, p))
        elif p.status == "completed" and s.status != "completed":
            now_text = s.status_text or NO_MARKER
            yield _check("status_regressed", key,
                         f"{p.status_text or p.status} in {_when(prev)}; {now_text} now",
                         _marker(cur, s), _marker(prev, p))


@REGISTRY.finder(
    "change",
    CheckKind("task_added", "low", "a task appears that the previous bulletin did not report"),
    CheckKind("task_dropped", "medium",
              "a task of the previous bulletin is no longer reported on"),
)
def tasks_added_dropped(
    prev: Bulletin, cur: Bulletin, links: dict[tuple[str, str], Link]
) -> Iterator[Check]:
    before, now = _keyed(prev, links), _keyed(cur, links)
    for key, s in now.items():
        if key not in before:
            yield _check("task_added", key, f"{_task(s)} not in {_when(prev)}: {s.title}",
                         _heading(cur, s))
    for key, p in before.items():
        if key not in now:
            yield _check("task_dropped", key, f"{_task(p)} of {_when(prev)} missing: {p.title}",
                         _Span(cur), _heading(prev, p))


@dataclass(frozen=True)
class _Total:
    """A running total as a later bulletin's finding quotes it: its year, value, period in
    words and evidence, without the bulletin it stands in."""

    year: int | None
    value: int | float
    when: str
    evidence: dict[str, Any]


def _count_decreases(
    b: Bulletin, links: dict[tuple[str, str], Link], last: dict[tuple[str, str], _Total],
) -> list[Check]:
    """A running total below the same task's same measure earlier in the year.

    Only cumulative values of one measure are compared (``Fact.basis``, ``Fact.measure``): a
    target restated lower or a month's increment that falls is no finding. ``last`` holds
    each (task, measure)'s latest running total and is updated here: call it bulletin by
    bulletin in period order.
    """
    year = year_of(b)
    stated: dict[tuple[str, str], Fact] = {}
    for fact in sorted(b.facts, key=START):
        link = links.get((b.sha256, fact.section or ""))
        if link is not None and fact.basis == "cumulative" and fact.measure:
            stated.setdefault((link.task_key, fact.measure), fact)
    found = []
    for (key, measure), fact in stated.items():
        at = _Span(b, fact.start, fact.end)
        earlier = last.get((key, measure))
        if earlier and earlier.year == year and fact.value < earlier.value:
            found.append(_check(
                "count_decreased", key,
                f"{measure}: {earlier.value:g} in {earlier.when}, {fact.value:g} now",
                at, earlier.evidence))
        last[(key, measure)] = _Total(year, fact.value, _when(b), _evidence(at))
    return found


RECYCLED = CheckKind(
    "recycled_text", "medium",
    "a paragraph repeats another word for word, numbers too: no new progress was reported")


@REGISTRY.finder("change", RECYCLED)
def recycled_since(
    prev: Bulletin, cur: Bulletin, links: dict[tuple[str, str], Link]
) -> Iterator[Check]:
    """A task's paragraph copied from the same task's text in the previous bulletin."""
    before = _keyed(prev, links)
    for key, s in _keyed(cur, links).items():
        p = before.get(key)
        if p is not None:
            yield from _recycled(cur, _paragraphs(cur, s), prev, _paragraphs(prev, p), key,
                                 f"same as {_task(p)} in {_when(prev)}")


@REGISTRY.finder("document", RECYCLED)
def recycled_within(b: Bulletin, links: dict[tuple[str, str], Link]) -> Iterator[Check]:
    """A paragraph repeated under another task of the same bulletin; the later one is reported."""
    sections = sorted(b.sections, key=START)
    # each section's paragraphs once: every section is compared with each one before it
    own = [_text_paragraphs(b.text, s.title_end, end)
           for s, end in zip(sections, own_ends(sections), strict=True)]
    for j, s in enumerate(sections):
        if not own[j]:
            continue  # nothing in it long enough to be a copy (``comparable``)
        link = links.get((b.sha256, s.path))
        for i, p in enumerate(sections[:j]):
            if own[i]:
                yield from _recycled(b, own[j], b, own[i], link.task_key if link else None,
                                     f"repeats {_task(p)}'s text")


def _recycled(
    b: Bulletin, mine: Sequence[Paragraph], o: Bulletin, theirs: Sequence[Paragraph],
    key: str | None, why: str,
) -> Iterator[Check]:
    """One finding per paragraph of a section of ``b`` (``mine``), spanning every paragraph
    of a section of ``o`` (``theirs``) it repeats."""
    for para in mine:
        # a paragraph repeated with its numbers changed is an update, not recycling
        matches = [m for q in may_match(para, theirs)
                   if (m := compare(para, q)) is not None and same_numbers(para, q)]
        if not matches:
            continue
        score = max(m.score for m in matches)
        yield _check(
            "recycled_text", key, f"{why} (similarity {score:.2f})",
            _Span(b, min(m.a_start for m in matches), max(m.a_end for m in matches)),
            _Span(o, min(m.b_start for m in matches), max(m.b_end for m in matches)))


def _paragraphs(b: Bulletin, s: Section) -> tuple[Paragraph, ...]:
    """The section's paragraphs that can be found copied (``comparable``)."""
    return _text_paragraphs(b.text, s.title_end, _own_end(b, s))


# A bulletin's sections are read three times: for copies within it, as the current issue
# and as the previous one (``recycled_since``). The last 1,024 sections' paragraphs are
# kept (more than two issues hold), with their masked texts (``Paragraph.masked``). The
# bulletin's text is one object between those reads: a key's text hashes once and is
# found by identity, not compared character by character.
PARAGRAPHS_KEPT = 1024


@lru_cache(maxsize=PARAGRAPHS_KEPT)
def _text_paragraphs(text: str, title_end: int, own_end: int) -> tuple[Paragraph, ...]:
    """``paragraphs`` reads of a section only its bounds: where its heading ends, where
    its own text does."""
    return tuple(comparable(paragraphs(text, title_end, own_end)))


def _own_end(b: Bulletin, s: Section) -> int:
    """Where a section's own text ends: at its first subsection, if it has one."""
    children = [c.start for c in b.sections if s.start < c.start < s.end]
    return min(children) if children else s.end


# --------------------------------------------------------------------- re-publications

@REGISTRY.finder(
    "revision",
    CheckKind("revised", "medium",
              "a bulletin was edited after it was published: a figure, status or tally "
              "differs from the version first archived"),
)
def revised(old: Bulletin, new: Bulletin, links: dict[tuple[str, str], Link]) -> Iterator[Check]:
    """What an edit of a published bulletin changed in its tally, task statuses and figures,
    each with its span in both versions. An edit that changes none of them (wording, layout)
    is no finding; both versions stay in the tables."""
    edited = [f"{f.name} {_or_dash(getattr(old.summary, f.name))} → "
              f"{_or_dash(getattr(new.summary, f.name))}" for f in fields(Summary)
              if getattr(old.summary, f.name) != getattr(new.summary, f.name)]
    if edited:
        yield _check("revised", None, "tally edited: " + ", ".join(edited),
                     _tally_span(new), _tally_span(old))
    before, now = _keyed(old, links), _keyed(new, links)
    for key, s in now.items():
        p = before.get(key)
        if p is None:
            yield _check("revised", key, f"{_task(s)} added in the edit", _heading(new, s))
        elif (p.status, p.status_text) != (s.status, s.status_text):
            yield _check("revised", key, f"{_task(s)}'s status edited: "
                         f"{p.status_text or NO_MARKER} → {s.status_text or NO_MARKER}",
                         _marker(new, s), _marker(old, p))
    for key, p in before.items():
        if key not in now:
            yield _check("revised", key, f"{_task(p)} removed in the edit", _Span(new),
                         _heading(old, p))
    for c in value_changes(old, new, links):
        was = "-" if c.before is None else f"{c.before:g}"
        is_now = "-" if c.after is None else f"{c.after:g}"
        yield _check("revised", c.task_key, f"{c.measure or c.unit}: {was} → {is_now}",
                     _Span(new, c.after_start, c.after_end),
                     _Span(old, c.before_start, c.before_end))


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


def _task(s: Section) -> str:
    return f"task {s.no}" if s.no is not None else f"task «{s.title}»"


def _when(b: Bulletin) -> str:
    """A bulletin's period in a finding's words; an undated one by its publication date."""
    return b.period or (f"the bulletin of {b.published}" if b.published else "an undated bulletin")


# --------------------------------------------------------------------- one bulletin

@REGISTRY.finder(
    "document",
    CheckKind("part_exceeds_whole", "high", "a part is larger than the whole it belongs to"),
)
def part_exceeds_whole(b: Bulletin, links: dict[tuple[str, str], Link]) -> Iterator[Check]:
    """In one sentence, a part (`通过评审130家`) above the whole just before it (`评审122家`)."""
    facts = sorted(b.facts, key=START)
    for whole, part in pairwise(facts):
        # the values first: a comparison, where the clause test reads sentences and
        # clauses (both are tests without side effects, so the order changes nothing)
        if part.value <= whole.value or not _whole_and_part(b.text, whole, part):
            continue
        link = links.get((b.sha256, part.section or ""))
        yield _check(
            "part_exceeds_whole", link.task_key if link else None,
            f"{part.text} ({part.predicate or 'part'}) exceeds "
            f"{whole.text} ({whole.predicate or 'whole'})",
            _Span(b, part.start, part.end), _Span(b, whole.start, whole.end))


def _whole_and_part(text: str, whole: Fact, part: Fact) -> bool:
    if (whole.section != part.section or whole.unit != part.unit
            or whole.entity != part.entity
            or sentence_span(text, whole.start) != sentence_span(text, part.start)):
        return False
    between = text[whole.end:part.start]
    if sum(between.count(ch) for ch in CLAUSE_ENDS) > 1:  # not a clause pair
        return False
    if whole.object and part.object and not (whole.object in part.object
                                            or part.object in whole.object):
        return False
    whole_clause = clause_of(text, whole)
    part_clause = text[clause_start(text, part.start):part.end]
    return bool(WHOLE_WORDS.search(whole_clause) and not PART_WORDS.search(whole_clause)
                and PART_WORDS.search(part_clause))


def _task_sections(b: Bulletin) -> list[Section]:
    """The sections that are tasks: those of the level with the most sections (the deeper on
    a tie), since outline headings (`一、`) group tasks and subheadings are fewer."""
    if not b.sections:
        return []
    levels = Counter(s.level for s in b.sections)
    level = max(levels, key=lambda lv: (levels[lv], lv))
    return [s for s in b.sections if s.level == level]


def _tally_span(b: Bulletin) -> _Span:
    """The header sentences that state the tally: those holding its `N项` counts."""
    first = min((s.start for s in b.sections), default=len(b.text))
    tally = [f for f in b.facts if f.section is None and f.end <= first and f.unit in TALLY_UNITS]
    if not tally:
        return _Span(b, 0, 0)
    start = sentence_span(b.text, tally[0].start)[0]
    return _Span(b, start, sentence_span(b.text, tally[-1].start)[1])


@REGISTRY.finder(
    "document",
    CheckKind("tally_mismatch", "high",
              "the header's own tally disagrees with the tasks it reports on"),
)
def tally_mismatch(b: Bulletin, links: dict[tuple[str, str], Link] | None = None
                   ) -> Iterator[Check]:
    """The header's own tally against its task sections and their status markers, like with
    like: the buckets are compared only when the tally accounts for the same tasks as the
    sections. A bulletin that marks only some tasks (the seed marks only finished ones)
    counts its unmarked tasks as on schedule; where the buckets do not add up to the task
    sections but the header's total does, a marker count is only a lower bound."""
    s = b.summary
    tasks = _task_sections(b)
    total = s.total
    if s.lead is not None:
        stated = s.lead + (s.responsible or 0)
        if total is not None and total != stated:
            yield _tally(b, f"header: {s.lead} lead + {s.responsible or 0} responsible "
                            f"tasks, but {total} in all")
        total = stated
    if total is not None and total != len(tasks):
        yield _tally(b, f"header counts {total} tasks; the bulletin has {len(tasks)} task "
                        "sections")
    claimed = {status: value for status, value in (
        ("completed", s.completed), ("in_progress", s.on_schedule), ("behind", s.behind),
        ("not_started", s.not_started)) if value is not None}
    if total is not None and s.completed is not None and s.on_schedule is not None:
        summed = sum(claimed.values())
        if summed != total:
            yield _tally(b, f"header: its buckets add up to {summed}, not {total}")
    marked = Counter(t.status for t in tasks if t.status)
    marked["in_progress"] += len(tasks) - sum(marked.values())  # unmarked: on schedule
    if claimed and sum(claimed.values()) == len(tasks):
        wrong = [f"{value} {status} in the header, {marked[status]} by the markers"
                 for status, value in claimed.items() if value != marked[status]]
    elif total == len(tasks):
        wrong = [f"{value} {status} in the header, at least {marked[status]} by the markers"
                 for status, value in claimed.items()
                 if status != "in_progress" and marked[status] > value]
    else:
        wrong = []  # the tally counts other tasks than the sections (a lead-only tally)
    if wrong:
        yield _tally(b, "; ".join(wrong))


def _tally(b: Bulletin, detail: str) -> Check:
    return _check("tally_mismatch", None, detail, _tally_span(b))
