"""Records ↔ rows: a field declared once on a record is a column in every format, and the
mapping reads back what it wrote."""

from __future__ import annotations

from dataclasses import fields

import pytest

from extractors.records import Claim
from pipeline.records import Fact
from pipeline.store import tables
from pipeline.store.rows import Column, Table, record_columns


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
    row: dict[str, object] = {c.name: float("nan") for c in tables.FACTS.columns}
    row.update(value=3.0, unit="个", text="3个", start=0.0, end=2.0)
    fact = tables.FACTS.to_record(row)
    assert fact.value == 3 and isinstance(fact.value, int)
    assert fact.start == 0 and fact.object is None and fact.value_max is None


def test_every_claim_field_has_a_fact_column() -> None:
    """The extractor's record and the pipeline's stay in step: a field the extractor reads
    must be a column of the facts table."""
    claim = {f.name for f in fields(Claim)}
    assert claim <= set(tables.FACTS.names)
