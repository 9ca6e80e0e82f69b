"""The dataset tables: their columns, records ↔ rows, and the Parquet, CSV, SQLite and
Frictionless writers.

One ``TABLES`` declaration is the single source of every format's schema, of the
``datapackage.json`` and of Datasette's column descriptions. Shaping only: nothing here
decides what a fact is; rows are written in the order they are given.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlite_utils

from pipeline.checks import COLUMNS as check_columns
from pipeline.records import EXTRACTOR_VERSION, Bulletin, Fact, Problem, Section, Summary
from pipeline.series import COLUMNS as series_columns

Row = tuple[Any, ...]
DB_NAME = "bulletins.db"  # the one SQLite file of a build, beside the Parquet and CSV


def db_path(data: str | Path) -> Path:
    """The database of a build: ``data`` is the build directory or the .db file itself."""
    path = Path(data)
    return path / DB_NAME if path.is_dir() else path


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless type: string, integer or number
    description: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    # A total order, so every format holds the same rows in the same sequence.
    order_by: tuple[str, ...] = ()
    references_bulletins: bool = True

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: str, description: str, required: bool = False) -> Column:
    return Column(name, type_, description, required)


_DOC_ID = _c("doc_id", "string", "SHA-256 of the document's bytes", required=True)
_PERIOD = _c("period", "string", "period the bulletin covers: YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY")
_PUBLISHER = _c("publisher", "string", "the body that published the bulletin")
_TASK_KEY = _c("task_key", "string", "the same task across periods (publisher/year/number)")
_SUMMARY_FIELDS = tuple(f.name for f in fields(Summary))  # the header tally's buckets

BULLETINS = Table(
    "bulletins",
    "One row per readable document, with its full normalised text.",
    (
        _DOC_ID,
        _c("source", "string", "file, WARC record or URL the document was read from", True),
        _c("url", "string", "the document's address on the web, where known"),
        _c("encoding", "string", "the character encoding the bytes were decoded from"),
        _c("title", "string", "the bulletin's title"),
        _PUBLISHER,
        _c("region", "string", "the province or city of the publisher"),
        _c("published", "string", "publication date the page states, YYYY-MM-DD"),
        _PERIOD,
        *(
            _c(f"summary_{name}", "integer", f"the header's own tally: {name.replace('_', ' ')}")
            for name in _SUMMARY_FIELDS
        ),
        _c("extractor_version", "string", "version of the rules that extracted the facts", True),
        _c("text", "string", "normalised body text; every start/end offset counts into it", True),
    ),
    primary_key=("doc_id",),
    order_by=("doc_id",),
    references_bulletins=False,
)

SECTIONS = Table(
    "sections",
    "One row per numbered task section of a document.",
    (
        _DOC_ID,
        _c("path", "string", "enclosing headings' numbers joined by '.'; unique per doc", True),
        _c("no", "integer", "the task's number as printed", True),
        _c("level", "integer", "nesting depth of the heading, 1 outermost", True),
        _c("title", "string", "the heading's text"),
        _c("status", "string", "completed, in_progress, behind, not_started or null"),
        _c("status_text", "string", "the status marker as printed"),
        _c("start", "integer", "offset of the section's first character in the text", True),
        _c("end", "integer", "offset just after the section's last character", True),
        _c("title_start", "integer", "offset of the heading's first character", True),
        _c("title_end", "integer", "offset just after the heading", True),
        _TASK_KEY,
        _c("link_score", "number", "title similarity that linked the task to its last "
           "period (0-1); null for a task's first appearance"),
        _c("link_method", "string", "how the task was linked: new, number+title or title"),
        _PERIOD,
        _PUBLISHER,
    ),
    primary_key=("doc_id", "path"),
    order_by=("doc_id", "start", "path"),
)

FACTS = Table(
    "facts",
    "One row per reported count, quoted by its offsets into the bulletin text.",
    (
        _c("fact_id", "string", "content-derived id: hash of doc_id, section and offsets", True),
        _DOC_ID,
        _c("section", "string", "path of the innermost section holding the count; null: header"),
        _c("value", "number", "the number, fully scaled (2.6万 → 26000); a range's low end", True),
        _c("value_max", "number", "a range's upper end"),
        _c("unit", "string", "measure word or unit as printed, without scale"),
        _c("object", "string", "the counted thing the text names"),
        _c("qualifier", "string", "approx, over, under or null"),
        _c("entity", "string", "place or body the count belongs to, other than the publisher"),
        _c("predicate", "string", "the verb phrase the count answers"),
        _c("text", "string", "the count as printed: the bulletin text from start to end", True),
        _c("start", "integer", "offset of the count's first character in the bulletin text", True),
        _c("end", "integer", "offset just after the count's last character", True),
        _TASK_KEY,
        _PERIOD,
        _PUBLISHER,
        _c("extractor_version", "string", "version of the rules that extracted the count", True),
    ),
    primary_key=("fact_id",),
    order_by=("doc_id", "start", "end", "fact_id"),
)

PROBLEMS = Table(
    "problems",
    "One row per input, or part of one, that could not be read whole, and why.",
    (
        _c("doc_id", "string", "SHA-256 of the document's bytes, where they could be read"),
        _c("source", "string", "file, WARC record or URL", True),
        _c("stage", "string", "input, read, extract or warning", True),
        _c("reason", "string", "what went wrong, in words", True),
    ),
    order_by=("source", "stage", "reason", "doc_id"),
    references_bulletins=False,
)

SERIES = Table(
    "series",
    "One row per task metric in a period: a task's reported numbers as a time series.",
    tuple(_c(name, type_, text, name in ("task_key", "metric", "fact_id", "doc_id"))
          for name, type_, text in series_columns),
    order_by=("task_key", "metric", "period", "fact_id"),
)

CHECKS = Table(
    "checks",
    "One row per audit finding, with the statements it rests on quoted by their offsets.",
    tuple(_c(name, type_, text, name in ("check", "publisher", "detail", "doc_id", "source"))
          for name, type_, text in check_columns),
    order_by=("check", "publisher", "task_key", "period", "doc_id", "start", "other_doc_id",
              "other_start", "detail"),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (BULLETINS, SECTIONS, FACTS, PROBLEMS, SERIES, CHECKS)
}


# ----------------------------------------------------------------------- records → rows

def fact_id(doc_id: str, fact: Fact) -> str:
    """Stable across rebuilds, so the same count always has the same id."""
    key = f"{doc_id}|{fact.section or ''}|{fact.start}|{fact.end}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def bulletin_rows(bulletin: Bulletin) -> dict[str, list[Row]]:
    """Rows of every table that one bulletin contributes to, warnings as problems."""
    b = bulletin
    summary = [getattr(b.summary, name) for name in _SUMMARY_FIELDS]
    return {
        "bulletins": [
            (b.sha256, b.source, b.url, b.encoding, b.title, b.publisher, b.region,
             b.published, b.period, *summary, EXTRACTOR_VERSION, b.text)
        ],
        "sections": [
            (b.sha256, s.path, s.no, s.level, s.title, s.status, s.status_text, s.start, s.end,
             s.title_start, s.title_end, None, None, None, b.period, b.publisher)
            for s in b.sections
        ],
        "facts": [fact_row(b.sha256, f, period=b.period, publisher=b.publisher) for f in b.facts],
        "problems": [(b.sha256, b.source, "warning", w) for w in b.warnings],
    }


def fact_row(doc_id: str, f: Fact, *, period: str | None, publisher: str | None) -> Row:
    return (
        fact_id(doc_id, f), doc_id, f.section, f.value, f.value_max, f.unit, f.object,
        f.qualifier, f.entity, f.predicate, f.text, f.start, f.end, None, period, publisher,
        EXTRACTOR_VERSION,
    )


def problem_row(problem: Problem, doc_id: str | None) -> Row:
    return (doc_id, problem.source, problem.stage, problem.reason)


# ----------------------------------------------------------------------- rows → records

def fact_from_row(row: dict[str, Any]) -> Fact:
    return Fact(
        value=_number(row["value"]),
        unit=row["unit"],
        text=row["text"],
        start=row["start"],
        end=row["end"],
        section=row["section"],
        value_max=_number(row["value_max"]),
        object=row["object"],
        qualifier=row["qualifier"],
        entity=row["entity"],
        predicate=row["predicate"],
    )


def _number(value: float | int | None) -> float | int | None:
    """Counts are stored as doubles; give whole numbers back as the ints they were."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_bulletin(conn: sqlite3.Connection, doc_id: str) -> Bulletin | None:
    """The bulletin ``doc_id`` as stored in a database these tables were written to."""
    conn.row_factory = sqlite3.Row
    row = conn.execute("select * from bulletins where doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    sections = conn.execute(
        "select * from sections where doc_id = ? order by start, path", (doc_id,)
    ).fetchall()
    facts = conn.execute(
        "select * from facts where doc_id = ? order by start, [end], fact_id", (doc_id,)
    ).fetchall()
    warnings = conn.execute(
        "select reason from problems where doc_id = ? and stage = 'warning' order by reason",
        (doc_id,),
    ).fetchall()
    return Bulletin(
        source=row["source"], sha256=row["doc_id"], text=row["text"], url=row["url"],
        encoding=row["encoding"], title=row["title"], publisher=row["publisher"],
        region=row["region"], published=row["published"], period=row["period"],
        summary=Summary(**{name: row[f"summary_{name}"] for name in _SUMMARY_FIELDS}),
        sections=tuple(
            Section(no=s["no"], path=s["path"], level=s["level"], title=s["title"],
                    start=s["start"], end=s["end"], title_start=s["title_start"],
                    title_end=s["title_end"], status=s["status"], status_text=s["status_text"])
            for s in sections
        ),
        facts=tuple(fact_from_row(dict(f)) for f in facts),
        warnings=tuple(w["reason"] for w in warnings),
    )


# ----------------------------------------------------------------------------- writers

_SQLITE_TYPES = {"string": str, "integer": int, "number": float}
_ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}


def create_sqlite_tables(conn: sqlite3.Connection) -> None:
    db = sqlite_utils.Database(conn)
    for table in TABLES.values():
        db[table.name].create(  # type: ignore[union-attr]
            {c.name: _SQLITE_TYPES[c.type] for c in table.columns},
            pk=table.primary_key[0] if len(table.primary_key) == 1 else table.primary_key or None,
            not_null={c.name for c in table.columns if c.required},
            foreign_keys=[("doc_id", "bulletins", "doc_id")] if table.references_bulletins else [],
        )


def insert_rows(conn: sqlite3.Connection, table: Table, rows: Sequence[Row]) -> None:
    names = ", ".join(f"[{n}]" for n in table.names)
    marks = ", ".join("?" for _ in table.columns)
    conn.executemany(f"insert into [{table.name}] ({names}) values ({marks})", rows)


def select_sorted(table: Table, schema: str = "main") -> str:
    names = ", ".join(f"[{n}]" for n in table.names)
    order = ", ".join(f"[{n}]" for n in table.order_by)
    return f"select {names} from {schema}.[{table.name}] order by {order}"


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, _ARROW_TYPES[c.type], nullable=not c.required) for c in table.columns]
    )


def write_parquet(path: Path, table: Table, batches: Iterable[Sequence[Row]]) -> None:
    schema = arrow_schema(table)
    # No pandas metadata and fixed options: equal rows give equal bytes.
    with pq.ParquetWriter(path, schema, compression="zstd", store_schema=False) as writer:
        for batch in batches:
            columns = zip(*batch, strict=True)
            writer.write_table(pa.Table.from_arrays(
                [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
                schema=schema,
            ))


def read_parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    yield from pq.read_table(path).to_pylist()


def write_csv(path: Path, table: Table, batches: Iterable[Sequence[Row]]) -> None:
    # utf-8-sig: the BOM makes spreadsheet programs read the Chinese as UTF-8.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(table.names)
        for batch in batches:
            writer.writerows(batch)


def datapackage() -> dict[str, Any]:
    """The Frictionless descriptor of the CSV tables: fields, types, keys."""
    return {
        "name": "gov-bulletins",
        "title": "Chinese government progress bulletins: sections and reported counts",
        "profile": "tabular-data-package",
        "resources": [_resource(t) for t in TABLES.values()],
    }


def _resource(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [
            {"name": c.name, "type": c.type, "description": c.description,
             **({"constraints": {"required": True}} if c.required else {})}
            for c in table.columns
        ],
    }
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.references_bulletins:
        schema["foreignKeys"] = [
            {"fields": ["doc_id"], "reference": {"resource": "bulletins", "fields": ["doc_id"]}}
        ]
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "profile": "tabular-data-resource",
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "schema": schema,
    }


def write_datapackage(path: Path) -> None:
    path.write_text(
        json.dumps(datapackage(), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
