"""The ``series`` table: one row per (task_key, metric, period), each pointing at its fact.

A task's counts are lined up period by period under a metric (predicate + object + unit,
time words removed), so a researcher can plot `task 99: 上会评审 高新技术企业 (家)` month by
month. Where one section states the same metric twice, the first statement is the series
value; the others stay in ``facts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline.clauses import is_cumulative, metric_of
from pipeline.linking import Link, group_of, ordered, period_order
from pipeline.records import Bulletin, Fact

# Column name, Frictionless type, description: for the table writers and datapackage.json.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("task_key", "string", "the task, as linked across periods (sections.task_key)"),
    ("metric", "string", "what is counted: entity, predicate, object without time words, (unit)"),
    ("period", "string", "the period of the bulletin that states the value"),
    ("value", "number", "the count, fully scaled; a range's low end"),
    ("qualifier", "string", "approx, over, under or null"),
    ("fact_id", "string", "the fact this value is (facts.fact_id)"),
    ("publisher", "string", "whose task list the task is on (publisher, else site)"),
    ("doc_id", "string", "SHA-256 of the bulletin that states the value"),
    ("unit", "string", "measure word or unit as printed"),
    ("cumulative", "integer", "1 if the clause says the count is cumulative (截至, 累计, 共…)"),
    ("text", "string", "the count as printed"),
)


@dataclass(frozen=True)
class SeriesRow:
    task_key: str
    metric: str
    period: str | None
    value: int | float
    qualifier: str | None
    fact_id: str
    publisher: str
    doc_id: str
    unit: str
    cumulative: int
    text: str


FactId = Callable[[str, Fact], str]


def build_series(
    bulletins: Iterable[Bulletin], links: dict[tuple[str, str], Link], fact_id: FactId
) -> list[SeriesRow]:
    """Rows sorted by publisher, task, metric and period."""
    rows: list[SeriesRow] = []
    seen: set[tuple[str, str, str | None]] = set()
    for b in ordered(bulletins):
        for fact in sorted(b.facts, key=lambda f: (f.start, f.end)):
            link = links.get((b.sha256, fact.section or ""))
            if link is None:  # a header count belongs to no task
                continue
            metric = metric_of(fact)
            # A second bulletin for the same period (a re-post) adds no row.
            once = (link.task_key, metric, b.period)
            if once in seen:
                continue
            seen.add(once)
            rows.append(SeriesRow(
                link.task_key, metric, b.period, fact.value, fact.qualifier,
                fact_id(b.sha256, fact), group_of(b), b.sha256, fact.unit,
                int(is_cumulative(b.text, fact)), fact.text,
            ))
    rows.sort(key=lambda r: (r.publisher, r.task_key, r.metric, period_order(r.period),
                             r.doc_id))
    return rows
