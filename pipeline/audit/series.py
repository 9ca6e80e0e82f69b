"""The ``series`` table: one row per task, measure, basis and period, each pointing at its fact.

A task's facts are lined up period by period under their measure (``Fact.measure``: entity,
predicate, object, unit). Targets, running totals, per-period figures and rates are kept
apart (``Fact.basis``): a title's goal never lands in a progress series, nor a month's figure
in a running total. Within a task, a measure reworded from one period to the next
(`新建充电桩` → `充电基础设施建设新建充电桩达到` → `建成充电桩`) continues its series when its
words are similar enough, as reworded task titles continue their task (``linking``); the
row keeps the similarity. A value stated twice in one period for one measure is kept and
flagged ``repeated``; a fact with no basis (a change, what is left) is in no series.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from pipeline.audit.linking import group_of, ordered, period_order
from pipeline.records import Bulletin, Fact, Link, SeriesRow

FactId = Callable[[str, Fact], str]
SPAN = attrgetter("start", "end")  # a fact's place in the text, as a sort key
# Brackets and spaces are no words: `职业技能培训(补贴性)` and `补贴性职业技能培训` compare alike.
ASIDE_MARKS = re.compile(r"[\s()（）“”]")

# Calibrated on heldout5's reworded metrics: a rewording of one measure (`新建 充电桩` vs
# `建成 充电桩`, `入驻 企业和团队` vs `入驻 企业`) scores 0.55-0.9; two measures of one task in
# one unit and basis (`公共充电桩` vs `小区充电桩`, `开工` vs `竣工`) at most 0.45 once the
# better pair of each period has been taken.
MEASURE_THRESHOLD = 0.5
# What the counted thing is weighs more than how the verb is worded.
OBJECT_WEIGHT, PREDICATE_WEIGHT, ENTITY_WEIGHT = 0.6, 0.3, 0.1


def _bigrams(words: str | None) -> frozenset[str]:
    text = ASIDE_MARKS.sub("", words or "")
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset({text})


def _dice(a: str | None, b: str | None) -> float:
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    if a in b or b in a:  # `企业和团队` / `企业`, `投资` / `固定资产投资`
        return 1.0
    ta, tb = _bigrams(a), _bigrams(b)
    return 2 * len(ta & tb) / (len(ta) + len(tb))


def measure_similarity(a: Fact, b: Fact) -> float:
    """How alike two facts' measures are (0-1), by object, predicate and entity. A verb may
    move into the thing's name from one wording to the next (`新入驻企业和团队`), so the
    object is also compared with predicate and object together."""
    whole_a, whole_b = (f"{f.predicate or ''}{f.object or ''}" for f in (a, b))
    thing = max(_dice(a.object, b.object), _dice(whole_a, whole_b))
    score = (OBJECT_WEIGHT * thing
             + PREDICATE_WEIGHT * _dice(a.predicate, b.predicate)
             + ENTITY_WEIGHT * (a.entity == b.entity))
    return round(score, 4)


@dataclass
class MeasureSeries:
    """One task's measure of one basis and unit, with the wordings it has been stated in."""

    measure: str
    basis: str
    unit: str
    wordings: list[Fact] = field(default_factory=list)

    def similarity(self, fact: Fact) -> float:
        if any(w.measure == fact.measure for w in self.wordings):
            return 1.0
        return max(measure_similarity(fact, w) for w in self.wordings)

    def add_wording(self, fact: Fact) -> None:
        """Keep ``fact`` as a wording unless one with the same words is kept: similarity
        reads only the words, and a measure restated every period would otherwise keep one
        fact per period, its comparisons and memory growing with the series."""
        if not any(_words(w) == _words(fact) for w in self.wordings):
            self.wordings.append(fact)


def _words(fact: Fact) -> tuple[str | None, ...]:
    """What ``MeasureSeries.similarity`` reads of a wording."""
    return fact.measure, fact.object, fact.predicate, fact.entity


def build_series(
    bulletins: Iterable[Bulletin], links: dict[tuple[str, str], Link], fact_id: FactId
) -> list[SeriesRow]:
    """Rows sorted by publisher, task, measure, basis and period."""
    lines = SeriesLines(fact_id)
    rows = [row for b in ordered(bulletins) for row in lines.add(b, links)]
    rows.sort(key=lambda r: (r.publisher, r.task_key, r.measure, r.basis,
                             period_order(r.period), r.doc_id, r.fact_id))
    return rows


class SeriesLines:
    """Lines up bulletins one at a time, given in ``ordered`` order: what it keeps is each
    task's measures and their wordings, not the bulletins (``build_series`` is the loop
    over a list, and sorts the rows)."""

    def __init__(self, fact_id: FactId) -> None:
        self.fact_id = fact_id
        self.tasks: dict[str, list[MeasureSeries]] = {}
        self.seen_periods: set[tuple[str, str | None]] = set()

    def add(self, b: Bulletin, links: dict[tuple[str, str], Link]) -> list[SeriesRow]:
        """The bulletin's rows, in text order per task."""
        rows = []
        for key, facts in task_facts(b, links).items():
            # A second bulletin for the same period (a re-post) adds no rows.
            if (key, b.period) in self.seen_periods:
                continue
            self.seen_periods.add((key, b.period))
            for series, fact, score, repeated in assign(self.tasks.setdefault(key, []), facts):
                rows.append(SeriesRow(
                    key, series.measure, fact.basis or "", b.period, fact.value,
                    fact.qualifier, self.fact_id(b.sha256, fact), group_of(b), b.sha256,
                    fact.unit, fact.measure or "", score, int(repeated), fact.text,
                ))
        return rows


def task_facts(b: Bulletin, links: dict[tuple[str, str], Link]) -> dict[str, list[Fact]]:
    """The bulletin's facts that measure something, by task, in text order (header counts
    and facts without a basis belong to no series)."""
    by_task: dict[str, list[Fact]] = {}
    for fact in sorted(b.facts, key=SPAN):
        link = links.get((b.sha256, fact.section or ""))
        if link is not None and fact.basis is not None:
            by_task.setdefault(link.task_key, []).append(fact)
    return by_task


def assign(
    known: list[MeasureSeries], facts: list[Fact]
) -> list[tuple[MeasureSeries, Fact, float | None, bool]]:
    """Each of one period's facts of a task to its series, best pair first, one fact per
    series; a fact left over starts a series, or repeats one with its very measure."""
    pairs = []
    for order, fact in enumerate(facts):
        for index, series in enumerate(known):
            if (series.basis, series.unit) != (fact.basis, fact.unit):
                continue
            score = series.similarity(fact)
            if score >= MEASURE_THRESHOLD:
                pairs.append((-score, order, index, score))
    out: dict[int, tuple[MeasureSeries, Fact, float | None, bool]] = {}
    taken: set[int] = set()
    for _, order, index, score in sorted(pairs):
        if order in out or index in taken:
            continue
        out[order] = (known[index], facts[order], score, False)
        taken.add(index)
    new: dict[str, MeasureSeries] = {}
    for order, fact in enumerate(facts):
        if order in out:
            out[order][0].add_wording(fact)
            continue
        same = (fact.measure or "", fact.basis or "", fact.unit)
        placed = new.get("\0".join(same)) or next(
            (known[i] for i in taken if (known[i].measure, known[i].basis, known[i].unit) == same),
            None)
        if placed is not None:  # the very measure twice in one period: flagged, kept
            out[order] = (placed, fact, 1.0, True)
            continue
        series = MeasureSeries(fact.measure or "", fact.basis or "", fact.unit, [fact])
        known.append(series)
        new["\0".join(same)] = series
        out[order] = (series, fact, None, False)
    return [out[order] for order in sorted(out)]
