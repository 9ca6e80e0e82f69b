"""The ``series`` table: one row per (task_key, metric, period), each pointing at its fact.

A task's counts are lined up period by period under a metric (predicate + object + unit,
time words removed), so a researcher can plot `task 99: 上会评审 高新技术企业 (家)` month by
month. Where one section states the same metric twice, the first statement is the series
value; the others stay in ``facts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pipeline.audit.clauses import is_cumulative, metric_of
from pipeline.audit.linking import group_of, ordered, period_order
from pipeline.records import Bulletin, Fact, Link, SeriesRow

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
