"""``search``: the facts whose sentence holds a query, with where and when they were said."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.sentences import sentence_span
from pipeline.errors import UsageError
from pipeline.store.search_index import fts_query
from pipeline.store.tables import db_path

PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[dict[str, Any]]


def open_db(data: str | Path) -> sqlite3.Connection:
    """The built database, read-only: ``data`` is a build directory or the .db file."""
    path = db_path(data)
    if not path.is_file():
        raise UsageError(f"{path}: no such database; run `bulletins build INPUT... --out DIR`")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("select count(*) from bulletins").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise UsageError(f"{path} is not a readable bulletins database ({exc}): build it again "
                         "with `bulletins build INPUT... --out DIR`") from None
    conn.row_factory = sqlite3.Row
    conn.create_function("period_first", 1, lambda p: period_months(p)[0], deterministic=True)
    conn.create_function("period_last", 1, lambda p: period_months(p)[1], deterministic=True)
    return conn


def period_months(period: str | None) -> tuple[str | None, str | None]:
    """First and last month a period covers: ``2017-Q3`` → (``2017-07``, ``2017-09``)."""
    match = PERIOD_RE.match(period or "")
    if not match:
        return None, None
    year, month, quarter, half = match.groups()
    if month:
        first = last = int(month)
    elif quarter:
        first, last = 3 * int(quarter) - 2, 3 * int(quarter)
    elif half:
        first, last = 6 * int(half) - 5, 6 * int(half)
    else:
        first, last = 1, 12
    return f"{year}-{first:02d}", f"{year}-{last:02d}"


def period_range(spec: str) -> tuple[str | None, str | None]:
    """``2017-07..2017-12``, ``2017-07..``, ``..2017-Q2`` or one period ``2017``."""
    low, sep, high = spec.partition("..")
    high = high if sep else low
    first = period_months(low)[0] if low else None
    last = period_months(high)[1] if high else None
    if (low and first is None) or (high and last is None):
        raise UsageError(f"--period {spec}: expected periods like 2017-07, 2017-Q3, 2017-H1, 2017")
    return first, last


def search(
    data: str | Path,
    query: str,
    *,
    unit: str | None = None,
    period: str | None = None,
    publisher: str | None = None,
    limit: int | None = 50,
) -> SearchResult:
    """Facts whose sentence contains every term of ``query``, oldest period first."""
    match = fts_query(query)
    if not match:
        raise UsageError("the query is empty: give a word to look for, e.g. 众创空间")
    first, last = period_range(period) if period else (None, None)
    where = """
        f.rowid in (select rowid from facts_chars where facts_chars match :match)
        and (:unit is null or f.unit = :unit)
        and (:publisher is null or instr(f.publisher, :publisher) > 0)
        and (:first is null or period_first(f.period) >= :first)
        and (:last is null or period_last(f.period) <= :last)
    """
    params = {"match": match, "unit": unit, "publisher": publisher, "first": first,
              "last": last, "limit": -1 if limit is None else limit}
    with closing(open_db(data)) as conn:
        total = conn.execute(f"select count(*) from facts f where {where}", params).fetchone()[0]
        rows = conn.execute(
            f"""select f.*, b.title, b.url, b.source from facts f join bulletins b using (doc_id)
                where {where} order by f.period, f.publisher, f.doc_id, f.start limit :limit""",
            params,
        ).fetchall()
        texts = _texts(conn, {r["doc_id"] for r in rows})
    return SearchResult(total, [_hit(dict(r), texts[r["doc_id"]]) for r in rows])


def _texts(conn: sqlite3.Connection, doc_ids: set[str]) -> dict[str, str]:
    return {
        doc_id: conn.execute("select text from bulletins where doc_id = ?", (doc_id,)).fetchone()[0]
        for doc_id in doc_ids
    }


def _hit(row: dict[str, Any], text: str) -> dict[str, Any]:
    start, end = sentence_span(text, row["start"], row["end"])
    row["sentence"] = text[start:end]
    row["sentence_start"] = start
    for key in ("value", "value_max"):  # stored as doubles: show 122, not 122.0
        if isinstance(row[key], float) and row[key].is_integer():
            row[key] = int(row[key])
    return row


def format_hit(hit: dict[str, Any]) -> str:
    """Three lines: where and when; the sentence with the count in 【】; the count itself."""
    at = hit["start"] - hit["sentence_start"]
    sentence = hit["sentence"]
    marked = f"{sentence[:at]}【{hit['text']}】{sentence[at + hit['end'] - hit['start']:]}"
    head = " · ".join(str(v) for v in (hit["period"], hit["publisher"], hit["title"]) if v)
    what = " ".join(str(v) for v in (hit["value"], hit["unit"], hit["object"] or "") if v != "")
    tail = " · ".join(
        v for v in (what, f"section {hit['section']}" if hit["section"] else None,
                    hit["url"] or hit["source"]) if v
    )
    return f"{head}\n  {' '.join(marked.split())}\n  {tail}"
