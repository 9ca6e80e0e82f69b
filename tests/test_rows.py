"""Records ↔ rows: a field declared once on a record is a column in every format, and the
mapping reads back what it wrote."""

from __future__ import annotations

import csv
import sqlite3
from contextlib import closing
from dataclasses import dataclass, fields
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from extractors.records import Claim
from pipeline.records import Fact, column
from pipeline.store import tables
from pipeline.store.rows import Column, Table, record_columns


@dataclass(frozen=True)
class FactWithNewField(Fact):
    """A fixture record: the one edit a new column takes is this declaration."""

    confidence: float | None = column("number", "how sure the reader is (0-1)", default=None)


def test_a_new_record_field_is_a_column_in_every_format(tmp_path: Path) -> None:
    table = Table.of("facts", "facts with one more field", FactWithNewField,
                     order=("fact_id",), extra=(Column("fact_id", "string", "id", True),))
    fact = FactWithNewField(value=12, unit="家", text="12家", start=3, end=6, confidence=0.5)
    row = table.to_row(fact, fact_id="abc")
    assert table.names[-1] == "confidence" and row[-1] == 0.5

    tables.write_parquet(tmp_path / "f.parquet", table, [[row]])
    tables.write_csv(tmp_path / "f.csv", table, [[row]])
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute(f"create table facts ({', '.join(table.names)})")
        tables.insert_rows(conn, table, [row])
        conn.row_factory = sqlite3.Row
        from_sqlite = dict(conn.execute("select * from facts").fetchone())
    from_parquet = pq.read_table(tmp_path / "f.parquet").to_pylist()[0]
    with (tmp_path / "f.csv").open(encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert header == table.names
    for stored in (from_sqlite, from_parquet):
        assert table.to_record(stored) == fact
    resource = tables._resource(table)
    described = {f["name"]: f["description"] for f in resource["schema"]["fields"]}
    assert described["confidence"] == "how sure the reader is (0-1)"


def test_nested_records_flatten_with_their_prefix() -> None:
    names = [c.name for c in record_columns(tables.BULLETINS.record)]
    assert "summary_lead" in names and "summary_not_started" in names
    assert "sections" not in names and "facts" not in names


def test_table_only_columns_must_have_a_place() -> None:
    with pytest.raises(ValueError, match="without a place"):
        Table.of("x", "x", Fact, extra=(Column("orphan", "string", "no place"),))
    with pytest.raises(ValueError, match="shadow"):
        Table.of("x", "x", Fact, order=("value",), extra=(Column("value", "number", "twice"),))


def test_missing_values_of_every_kind_read_back_as_none() -> None:
    row = {c.name: float("nan") for c in tables.FACTS.columns}
    row.update(value=3.0, unit="个", text="3个", start=0.0, end=2.0)
    fact = tables.FACTS.to_record(row)
    assert fact.value == 3 and isinstance(fact.value, int)
    assert fact.start == 0 and fact.object is None and fact.value_max is None


def test_every_claim_field_has_a_fact_column() -> None:
    """The extractor's record and the pipeline's stay in step: a field the extractor reads
    must be a column of the facts table."""
    claim = {f.name for f in fields(Claim)}
    assert claim <= set(tables.FACTS.names)
