"""Records ↔ rows: a field declared once on a record is a column in every format, and the
mapping reads back what it wrote."""

from __future__ import annotations

from dataclasses import fields
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# Cells as any store gives them back: SQLite's own classes, NaN from pandas, floats that
# are whole numbers (counts are stored as doubles), ints in text columns and so on.
_CELLS = st.one_of(st.none(), st.text(max_size=3), st.integers(-3, 3),
                   st.floats(allow_nan=True, allow_infinity=False, width=32),
                   st.sampled_from([0.0, 2.0, -1.0, float("nan")]))


@pytest.mark.parametrize("table", tables.TABLES.values(), ids=lambda t: t.name)
@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_reader_of_tuples_is_to_record_of_their_mapping(table: Table, data: st.DataObject
                                                        ) -> None:
    """``reader`` (the audit's fast read-back) against the plain ``to_record``: any subset
    of the columns in any order, any cells, the same record or the same error."""
    names = data.draw(st.permutations(table.names)).copy()
    if data.draw(st.booleans()):  # else every column: a record needs its required ones
        del names[data.draw(st.integers(0, len(names))):]
    row = tuple(data.draw(_CELLS) for _ in names)
    more = {"sections": (), "facts": (), "warnings": ()} if table is tables.BULLETINS else {}
    try:
        expected = table.to_record(dict(zip(names, row, strict=True)), **more)
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            table.reader(names)(row, **more)
        return
    # by repr: equality takes 2.0 for 2, and a count must come back an int as it went in
    assert repr(table.reader(names)(row, **more)) == repr(expected)


@pytest.mark.parametrize("table", tables.TABLES.values(), ids=lambda t: t.name)
@given(data=st.data())
@settings(max_examples=40, deadline=None)
def test_row_maker_is_to_row_with_its_values_named(table: Table, data: st.DataObject) -> None:
    """``row_maker`` (the staging's fast rows) against the plain ``to_row``: any of the
    table-only columns in any order, named or left None (or out), and a name no table-only
    column has, which both ignore."""
    only = [c.name for c in table.columns if c.field is None]
    names = data.draw(st.permutations([*only, "no_such_column"])).copy()
    del names[data.draw(st.integers(0, len(names))):]
    values = [data.draw(_CELLS) for _ in names]
    record = SimpleNamespace()
    for c in table.columns:
        if c.field is not None:
            head, _, rest = c.field.partition(".")
            cell = data.draw(_CELLS)
            if rest:
                setattr(record.__dict__.setdefault(head, SimpleNamespace()), rest, cell)
            else:
                setattr(record, head, cell)
    expected = table.to_row(record, **dict(zip(names, values, strict=True)))
    assert len(expected) == len(table.columns)
    assert table.row_maker(*names)(record, *values) == expected
    # without the table-only columns not named: the same cells of the columns it holds
    held = table.columns_of(*names)
    assert table.row_maker(*names, every_column=False)(record, *values) == tuple(
        cell for name, cell in zip(table.names, expected, strict=True) if name in held)
