"""The dataset tables: their columns, records ↔ rows, and the Parquet, CSV, SQLite and
Frictionless writers.

One ``TABLES`` declaration is the single source of every format's schema, of the
``datapackage.json`` and of Datasette's column descriptions. Shaping only: nothing here
decides what a fact is; rows are written in the order they are given.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import operator
import re
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from itertools import accumulate, islice, repeat
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from extractors.sentences import sentence_span
from pipeline.records import (
    Bulletin,
    Check,
    Fact,
    Link,
    Problem,
    Section,
    SeriesRow,
    Source,
    Summary,
)
from pipeline.store.rows import Column, Row, Table, record_columns
from pipeline.store.version import EXTRACTOR_VERSION

DB_NAME = "bulletins.db"  # the one SQLite file of a build, beside the Parquet and CSV


def db_path(data: str | Path) -> Path:
    """The database of a build: ``data`` is the build directory or the .db file itself."""
    path = Path(data)
    return path / DB_NAME if path.is_dir() else path


_DOC_ID = Column("doc_id", "string", "SHA-256 of the document's bytes", required=True)
_PERIOD = Column("period", "string",
                 "period the bulletin covers: YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY")
_PUBLISHER = Column("publisher", "string", "the body that published the bulletin")
_TASK_KEY = Column("task_key", "string", "the same task across periods (publisher/year/number)")
_SUMMARY_FIELDS = tuple(f.name for f in fields(Summary))  # the header tally's buckets

BULLETINS = Table.of(
    "bulletins", "One row per readable document, with its full normalised text.", Bulletin,
    rename={"sha256": "doc_id"},
    order=("doc_id", "source", "url", "attached_to", "fetched", "encoding", "title", "publisher",
           "region", "published", "period", *(f"summary_{name}" for name in _SUMMARY_FIELDS),
           "extractor_version"),
    extra=(Column("extractor_version", "string",
                  "version of the rules that extracted the facts", True),),
    primary_key=("doc_id",), order_by=("doc_id",), references_bulletins=False,
)

SECTIONS = Table.of(
    "sections", "One row per numbered task section of a document.", Section,
    order=("doc_id", "path", "no", "level", "title", "status", "status_text", "start", "end",
           "title_start", "title_end", "task_key", "link_score", "link_method", "period",
           "publisher", "text"),
    extra=(_DOC_ID, *record_columns(Link), _PERIOD, _PUBLISHER,
           Column("text", "string", "the section's text as printed, its heading and "
                  "subsections included: the bulletin's text[start:end] (what search matches)",
                  True)),
    primary_key=("doc_id", "path"), order_by=("doc_id", "start", "path"),
)

FACTS = Table.of(
    "facts", "One row per reported count, quoted by its offsets into the bulletin text.", Fact,
    order=("fact_id", "doc_id", "section", "value", "value_max", "unit", "object",
           "qualifier", "entity", "predicate", "text", "sentence", "start", "end", "task_key",
           "period", "publisher", "extractor_version", "position"),
    extra=(Column("fact_id", "string",
                  "content-derived id: hash of doc_id, section and offsets", True),
           _DOC_ID, _TASK_KEY, _PERIOD, _PUBLISHER,
           Column("sentence", "string", "the sentence the count was said in, as printed "
                  "(what search matches and shows)", True),
           Column("extractor_version", "string",
                  "version of the rules that extracted the count", True),
           Column("position", "integer", "the fact's place in this table (1, 2, …): by "
                  "period, then document order (doc_id, start); Datasette's default sort")),
    primary_key=("fact_id",), order_by=("period", "doc_id", "start", "end", "fact_id"),
    position="position",
)

PROBLEMS = Table.of(
    "problems", "One row per input, or part of one, that could not be read whole, and why.",
    Problem,
    order=("doc_id",),
    extra=(Column("doc_id", "string",
                  "SHA-256 of the document's bytes, where they could be read"),),
    order_by=("source", "stage", "reason", "doc_id"), references_bulletins=False,
)

SOURCES = Table.of(
    "sources",
    "One row per file or record a bulletin was read from: copies of one bulletin (the same "
    "bytes, or the same text in another format) are built once and listed here.",
    Source,
    order=("doc_id", "source", "sha256", "url"),
    extra=(_DOC_ID,),
    order_by=("doc_id", "source", "sha256", "url"),
)

SERIES = Table.of(
    "series",
    "One row per task, measure, basis and period: a task's reported numbers as time series.",
    SeriesRow, order_by=("task_key", "measure", "basis", "period", "fact_id"),
)

CHECKS = Table.of(
    "checks",
    "One row per audit finding, with the statements it rests on quoted by their offsets.",
    Check,
    order_by=("check", "publisher", "task_key", "period", "doc_id", "start", "other_doc_id",
              "other_start", "detail"),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (BULLETINS, SECTIONS, FACTS, PROBLEMS, SOURCES, SERIES, CHECKS)
}


# ----------------------------------------------------------------------- records → rows

def fact_id(doc_id: str, fact: Fact) -> str:
    """Stable across rebuilds, so the same count always has the same id."""
    key = f"{doc_id}|{fact.section or ''}|{fact.start}|{fact.end}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


# The table-only cells a section's and a fact's rows get from their bulletin; the others
# (a task's link, a fact's position) come from the audit and the sorted copy.
_SECTION_CELLS = ("doc_id", "period", "publisher", "text")
_FACT_CELLS = ("fact_id", "doc_id", "period", "publisher", "sentence", "extractor_version")
# A section's and a fact's row (``Table.row_maker``: a build makes one for every one), of
# every column, and as staged: without the columns nothing fills yet, which were a None
# bound for every row, 15% of the facts' insert.
_section_row = SECTIONS.row_maker(*_SECTION_CELLS)
_fact_row = FACTS.row_maker(*_FACT_CELLS)
_staged_section_row = SECTIONS.row_maker(*_SECTION_CELLS, every_column=False)
_staged_fact_row = FACTS.row_maker(*_FACT_CELLS, every_column=False)
# The columns of the staged rows, by table.
STAGED_COLUMNS = {SECTIONS.name: SECTIONS.columns_of(*_SECTION_CELLS),
                  FACTS.name: FACTS.columns_of(*_FACT_CELLS)}


def bulletin_rows(bulletin: Bulletin) -> dict[str, list[Row]]:
    """Rows of every table that one bulletin contributes to, warnings as problems."""
    return _rows_of(bulletin, _section_row, _fact_row)


def staged_rows(bulletin: Bulletin) -> dict[str, list[Row]]:
    """``bulletin_rows`` as a build stages them: a section's and a fact's rows hold the
    columns ``STAGED_COLUMNS`` names, the ones left out being None in ``bulletin_rows``
    (inserted by those names, the table holds the same rows)."""
    return _rows_of(bulletin, _staged_section_row, _staged_fact_row)


def _rows_of(b: Bulletin, section_row: Callable[..., Row], fact_row: Callable[..., Row]
             ) -> dict[str, list[Row]]:
    doc_id, text, period, publisher = b.sha256, b.text, b.period, b.publisher
    return {
        "bulletins": [BULLETINS.to_row(b, extractor_version=EXTRACTOR_VERSION)],
        "sections": [section_row(s, doc_id, period, publisher, text[s.start:s.end])
                     for s in b.sections],
        "facts": [fact_row(f, fact_id(doc_id, f), doc_id, period, publisher,
                           text[slice(*sentence_span(text, f.start, f.end))], EXTRACTOR_VERSION)
                  for f in b.facts],
        "problems": [problem_row(Problem(b.source, "warning", w), doc_id) for w in b.warnings],
    }


def problem_row(problem: Problem, doc_id: str | None) -> Row:
    return PROBLEMS.to_row(problem, doc_id=doc_id)


# ----------------------------------------------------------------------- rows → records

def read_bulletin(conn: sqlite3.Connection, doc_id: str) -> Bulletin | None:
    """The bulletin ``doc_id`` as stored in a database these tables were written to."""
    return read_bulletins(conn, [doc_id]).get(doc_id)


def read_bulletins(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> dict[str, Bulletin]:
    """The bulletins ``doc_ids`` that are stored, by doc_id, as ``read_bulletin`` reads each:
    four queries for them all (one bound parameter an id: a few dozen at a time)."""
    # Plain tuples on this cursor whatever the connection's row factory, read by the
    # columns the cursor describes: every column of a build, old or new, as stored.
    cur = conn.cursor()
    cur.row_factory = None
    ids = tuple(doc_ids)
    among = f"doc_id in ({', '.join('?' * len(ids))})"

    def by_doc(query: str) -> tuple[tuple[str, ...], dict[str, list[Row]]]:
        cur.execute(query, ids)
        names = _names(cur)
        at = names.index("doc_id")
        rows: dict[str, list[Row]] = {}
        for row in cur.fetchall():
            rows.setdefault(row[at], []).append(row)
        return names, rows

    names, heads = by_doc(f"select {_read_back(cur, BULLETINS)} from bulletins where {among}")
    bulletin = BULLETINS.reader(names)
    names, sections = by_doc(f"select {_read_back(cur, SECTIONS)} from sections where {among} "
                             "order by doc_id, start, path")
    section = SECTIONS.reader(names)
    names, facts = by_doc(f"select {_read_back(cur, FACTS)} from facts where {among} "
                          "order by doc_id, start, [end], fact_id")
    fact = FACTS.reader(names)
    _, warnings = by_doc(f"select doc_id, reason from problems where {among} "
                         "and stage = 'warning' order by doc_id, reason")
    return {
        doc_id: bulletin(
            row,
            sections=tuple(map(section, sections.get(doc_id, ()))),
            facts=tuple(map(fact, facts.get(doc_id, ()))),
            warnings=tuple(reason for _, reason in warnings.get(doc_id, ())),
        )
        for doc_id, (row,) in heads.items()
    }


def _read_back(cur: sqlite3.Cursor, table: Table) -> str:
    """The stored columns of ``table`` its records are made from, and doc_id: not the
    table-only ones the reader would drop (a section's text, a fact's sentence: most of
    the bytes SQLite handed over when the audit read a build's bulletins back)."""
    stored = {row[1] for row in cur.execute(f"pragma table_info([{table.name}])")}
    return ", ".join(f"[{c.name}]" for c in table.columns
                     if c.name in stored and (c.field is not None or c.name == "doc_id"))


def _names(cursor: sqlite3.Cursor) -> tuple[str, ...]:
    return tuple(d[0] for d in cursor.description)


# ----------------------------------------------------------------------------- writers

_SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL"}
_ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}


def create_table_sql(table: Table, keys: bool = True) -> str:
    """The table's CREATE statement, worded as sqlite-utils words it (its ``create_table``
    made these tables before): the same schema text in every database, old or new.
    Written here because importing sqlite-utils imports pandas with it, a third of a
    second before the build's first document, in a build that otherwise never imports
    pandas (``arrow_array`` lays the exports' arrays out without it).

    ``keys=False`` leaves the primary key out (a scratch table filled in random key order,
    whose rows reach a keyed table later)."""
    single_key = table.primary_key[0] if len(table.primary_key) == 1 and keys else None
    lines = []
    for c in table.columns:
        line = f"   {_quoted(c.name)} {_SQLITE_TYPES[c.type]}"
        if c.name == single_key:
            line += " PRIMARY KEY"
        if c.required:
            line += " NOT NULL"
        if c.name == "doc_id" and table.references_bulletins:
            line += f' REFERENCES {_quoted(BULLETINS.name)}({_quoted("doc_id")})'
        lines.append(line)
    if len(table.primary_key) > 1 and keys:
        lines[-1] += f",\n   PRIMARY KEY ({', '.join(map(_quoted, table.primary_key))})"
    body = ",\n".join(lines)
    return f"CREATE TABLE {_quoted(table.name)} (\n{body}\n)"


def _quoted(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


def create_sqlite_tables(conn: sqlite3.Connection, keys: bool = True) -> None:
    for table in TABLES.values():
        conn.execute(create_table_sql(table, keys))
    conn.commit()


def insert_rows(conn: sqlite3.Connection, table: Table, rows: Sequence[Row],
                names: Sequence[str] | None = None) -> None:
    """The rows into ``table``: rows of every column, or of the columns ``names`` (the
    others NULL)."""
    names = table.names if names is None else names
    columns = ", ".join(f"[{n}]" for n in names)
    marks = ", ".join("?" for _ in names)
    conn.executemany(f"insert into [{table.name}] ({columns}) values ({marks})", rows)


def select_sorted(table: Table, schema: str = "main", source: str | None = None) -> str:
    """The table's rows in its order, its position column (if any) numbered in that order;
    ``source``: a subquery that stands for the table (its rows with more joined in)."""
    order = ", ".join(f"[{n}]" for n in table.order_by)
    names = ", ".join(
        f"row_number() over (order by {order}) as [{n}]" if n == table.position else f"[{n}]"
        for n in table.names
    )
    return f"select {names} from {source or f'{schema}.[{table.name}]'} order by {order}"


# How pandas should read each type back. Without this, pyarrow turns an integer column with
# a null into float64 (summary_total 12.0); "Int64" is pandas' nullable integer, which
# pyarrow's pandas conversion honours when the file's "pandas" metadata names it.
_PANDAS_TYPES = {"string": ("unicode", "object"), "integer": ("int64", "Int64"),
                 "number": ("float64", "float64")}


def _pandas_metadata(table: Table) -> bytes:
    columns = [
        {"name": c.name, "field_name": c.name, "pandas_type": _PANDAS_TYPES[c.type][0],
         "numpy_type": _PANDAS_TYPES[c.type][1], "metadata": None}
        for c in table.columns
    ]
    # Written by hand, without pandas' own version: equal rows give equal bytes.
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": columns},
                      sort_keys=True).encode()


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, _ARROW_TYPES[c.type], nullable=not c.required) for c in table.columns],
        metadata={b"pandas": _pandas_metadata(table)},
    )


WRITE_BATCH = 1024  # rows per Parquet write batch: Arrow's default, named for the exports


def write_parquet(
    path: Path, table: Table, batches: Iterable[Sequence[Row]], row_group: int | None = None,
    row_group_bytes: int | None = None,
) -> None:
    """The rows in one row group per batch, or, given ``row_group``, in groups of that many
    rows gathered from smaller batches: then only one batch is ever held as Python objects
    (a bulletins row carries its whole text), the rest as compact Arrow columns. Given
    ``row_group_bytes`` too, a group also ends after the batch that brings its Arrow data to
    that size: a table of long texts is then never held whole, however many rows it has.

    The writer cuts pages between its write batches of ``WRITE_BATCH`` rows, counted from
    the start of each chunk it is given: batches of that size, ending on row-group
    boundaries, give the bytes of one contiguous array per group (other sizes move the
    page breaks of long texts)."""
    _write_parquet_columns(path, table, map(_columns, batches), row_group, row_group_bytes)


Columns = list[tuple[Any, ...]]  # a batch of rows given as its columns


def _columns(batch: Sequence[Row]) -> Columns:
    return list(zip(*batch, strict=True))


def _write_parquet_columns(
    path: Path, table: Table, batches: Iterable[Columns], row_group: int | None,
    row_group_bytes: int | None,
) -> None:
    """``write_parquet`` of batches given as their columns."""
    schema = arrow_schema(table)
    gathered: list[pa.RecordBatch] = []
    pool = pa.default_memory_pool()
    # Fixed options and metadata: equal rows give equal bytes.
    with pq.ParquetWriter(path, schema, compression="zstd",
                          write_batch_size=WRITE_BATCH) as writer:

        def write(group: pa.Table) -> None:
            writer.write_table(group)
            # Arrow keeps the buffers a group was encoded and compressed in for the next
            # group: given back after each, they are not kept in the process on top of the
            # next group's. A 10,000-document build peaked 9 MB higher in its bulletins
            # export without it (137 against 128 MB, where 1,000 documents take 114).
            pool.release_unused()

        for columns in batches:
            gathered.append(pa.RecordBatch.from_arrays(
                [arrow_array(col, f.type) for col, f in zip(columns, schema, strict=True)],
                schema=schema,
            ))
            while sum(map(len, gathered)) >= (row_group or 1):
                group = pa.Table.from_batches(gathered, schema)
                size = row_group or len(group)
                write(group.slice(0, size))
                gathered = [b for b in group.slice(size).to_batches() if len(b)]
            # After the row count's cut, so that no group holds more than ``row_group`` rows.
            if row_group_bytes is not None and sum(b.nbytes for b in gathered) >= row_group_bytes:
                write(pa.Table.from_batches(gathered, schema))
                gathered = []
        if gathered:
            write(pa.Table.from_batches(gathered, schema))
    # ... and what the writer itself held, or each export's largest group stays in the
    # process until the build ends.
    pool.release_unused()


# The Python classes whose values an Arrow type's buffers are laid out from directly
# (``arrow_array``), with the ``array`` module's code for fixed-width ones.
_BUFFERED: dict[pa.DataType, tuple[frozenset[type], str | None]] = {
    pa.string(): (frozenset({str, type(None)}), None),
    pa.int64(): (frozenset({int, type(None)}), "q"),
    pa.float64(): (frozenset({float, type(None)}), "d"),
}


def arrow_array(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    """``pa.array(values, type=type_)``, laid out from its buffers where every value is of
    the type's own Python class or None (what SQLite gives back for a declared column).

    Why: ``pa.array`` of a Python sequence first asks whether it is a pandas object, which
    imports pandas (a quarter of a second, a fifth of a small build's start-up) in a build
    that has no other use for it. The arrays are equal, value, null and ``nbytes`` for
    ``nbytes`` (the row groups' byte budget reads it), and equal arrays make equal
    Parquet bytes; any other value (an int in a float column, a str that cannot be
    encoded) goes to ``pa.array``, which converts or refuses it as it always did."""
    classes, code = _BUFFERED.get(type_, (frozenset(), None))
    if not classes.issuperset(map(type, values)):
        return pa.array(values, type=type_)
    n = len(values)
    nulls = values.count(None)
    # no validity bitmap without nulls, as Arrow lays out its own arrays
    valid = pa.py_buffer(_validity(values)) if nulls else None
    # A null's slot holds what Arrow puts there: no bytes, a zero. ``dict.get(v, v)`` is
    # that substitution in C (every value is hashable: str, int, float or None).
    filled: Sequence[Any] = list(map(_NULL_SLOT[code].get, values, values)) if nulls else values
    try:
        if code is None:
            if (text := "".join(filled)).isascii():
                # Ids, dates, periods, paths: in ASCII a character is a byte, so the
                # column's bytes are one encode and its offsets the strings' lengths.
                data, lengths = text.encode(), map(len, filled)
            else:
                encoded = list(map(str.encode, filled))
                data, lengths = b"".join(encoded), map(len, encoded)
            # from a list: ``array`` takes a list item by item in C, an iterator through
            # its own extend, a third slower
            offsets = array("i", list(accumulate(lengths, initial=0)))
            return pa.Array.from_buffers(
                type_, n, [valid, pa.py_buffer(offsets), pa.py_buffer(data)], nulls)
        fixed = array(code, filled)
    except (ValueError, OverflowError):  # unencodable text, an int past 64 bits
        return pa.array(values, type=type_)
    return pa.Array.from_buffers(type_, n, [valid, pa.py_buffer(fixed)], nulls)


# What a null's slot holds in each kind of buffer (by the ``array`` code, None for text).
_NULL_SLOT: dict[str | None, dict[None, Any]] = {None: {None: ""}, "q": {None: 0},
                                                  "d": {None: 0.0}}
# A validity byte per value, 0 or 1, as the digit of a binary numeral.
_DIGITS = bytes.maketrans(b"\0\1", b"01")


def _validity(values: Sequence[Any]) -> bytes:
    """Arrow's validity bitmap: bit i (least significant first) set where value i is not
    None. Made in C, not a Python step per value: a byte 0 or 1 per value, read backwards
    as a binary numeral, is the int whose bit i is value i's, and its little-endian bytes
    are the bitmap (tests/test_tables.py holds it to the bit-by-bit definition)."""
    if not values:
        return b""
    flags = bytes(map(operator.is_not, values, repeat(None)))
    return int(flags[::-1].translate(_DIGITS), 2).to_bytes((len(values) + 7) // 8, "little")


def read_parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    yield from pq.read_table(path).to_pylist()


def write_csv(path: Path, table: Table, batches: Iterable[Sequence[Row]]) -> None:
    with _csv_rows(path, table) as write:
        for batch in batches:
            write(_columns(batch))


def write_parquet_and_csv(
    parquet: Path, csv_path: Path, table: Table, batches: Iterable[Sequence[Row]],
    row_group: int | None = None, row_group_bytes: int | None = None,
) -> None:
    """Both files from one pass over the rows, each batch written to the CSV on its way to
    the Parquet writer: the same bytes as ``write_parquet`` and ``write_csv`` given the
    batches twice, for one read of the table instead of two (and one cut into columns)."""
    with _csv_rows(csv_path, table) as write:
        def passing() -> Iterator[Columns]:
            for batch in batches:
                columns = _columns(batch)
                write(columns)
                yield columns
        _write_parquet_columns(parquet, table, passing(), row_group, row_group_bytes)


@contextmanager
def _csv_rows(path: Path, table: Table) -> Iterator[Callable[[Columns], None]]:
    """A function that writes a batch, given as its columns, to the CSV file ``path``."""
    # utf-8-sig: the BOM makes spreadsheet programs read the Chinese as UTF-8.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerow(table.names)
        # A batch is formatted in memory and reaches the file in one write: the same text,
        # where a writer on the file made one write, and one encoding, per row.
        text = io.StringIO(newline="")
        writer = csv.writer(text)

        def write(columns: Columns) -> None:
            if (lines := _csv_lines(columns)) is not None:
                # a few hundred lines a write: the batch's text is never made whole (a
                # batch of bulletins is their whole texts, quoted: MBs, held next to the
                # export's largest row group)
                while chunk := "".join(islice(lines, CSV_CHUNK)):
                    fh.write(chunk)
                return
            writer.writerows(zip(*columns, strict=True))
            fh.write(text.getvalue())
            text.seek(0)
            text.truncate()

        yield write


# What makes the csv module's default dialect (excel: QUOTE_MINIMAL) quote a cell: its
# delimiter, its quote character or a character of its line terminator "\r\n".
_CSV_SPECIAL = ',"\r\n'
CSV_CHUNK = 256  # CSV lines joined into one write
_CSV_QUOTED = re.compile(f"[{_CSV_SPECIAL}]")
_NULL_CELL: dict[Any, str] = {None: ""}
_TEXT_CLASSES = frozenset({str, type(None)})
_NUMBER_CLASSES = frozenset({int, float, type(None)})


def _csv_lines(columns: Columns) -> Iterator[str] | None:
    """The batch's lines, one by one, as ``csv.writer`` writes them, made a column at a
    time with C-level joins and maps rather than by its character-by-character scan of
    every cell (two fifths of the export's work); None where a column holds something else
    than text, numbers and nulls, or the table has a single column (csv quotes a lone
    empty cell). tests/test_tables.py holds it to ``csv.writer`` for any cells."""
    if len(columns) < 2:
        return None
    cells: list[Iterable[str]] = []
    for values in columns:
        kinds = set(map(type, values))
        if kinds <= _NUMBER_CLASSES:
            # csv writes ``str(v)`` (a float's repr) and nothing for None
            cells.append(list(map(_NULL_CELL.get, values, map(str, values))))
            continue
        if not kinds <= _TEXT_CLASSES:
            return None
        texts: Iterable[str] = (list(map(_NULL_CELL.get, values, values))
                                if type(None) in kinds else values)
        # (each character looked for on its own: a memchr over the column's text, where
        # the pattern steps through every character)
        if any(map("".join(texts).__contains__, _CSV_SPECIAL)):
            # quoted, with its quote characters doubled, where a cell holds one of them;
            # as the lines are taken, not all at once
            texts = ('"' + t.replace('"', '""') + '"' if _CSV_QUOTED.search(t) else t
                     for t in texts)
        cells.append(texts)
    return map("{}\r\n".format, map(",".join, zip(*cells, strict=True)))


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
