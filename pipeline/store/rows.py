"""Records ↔ rows: one mapping, both directions, derived from the records' column fields.

A ``Table`` lists its columns; each is either a record field declared with
``pipeline.records.column`` (its path on the record, e.g. ``summary.lead``) or a table-only
column (``doc_id`` of a section, ``task_key`` of a fact) whose value the writer supplies.
``Table.to_row`` turns a record into a row tuple and ``Table.to_record`` turns a row (a mapping
from SQLite, Parquet or a pandas frame) back into the record, so a new record field
flows to every table, format and reader without another edit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields, is_dataclass, replace
from functools import cached_property, partial
from operator import attrgetter, itemgetter
from typing import Any

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless type: string, integer or number
    description: str
    required: bool = False
    # Where the value lives on the table's record (`sha256`, `summary.lead`); None for a
    # table-only column the writer supplies.
    field: str | None = None


def record_columns(record: type, *, rename: Mapping[str, str] | None = None) -> list[Column]:
    """The columns a record declares, in field order; a nested record of columns (the
    bulletin's ``summary``) is flattened as ``summary_lead``, ``summary_total``…"""
    rename = rename or {}
    out: list[Column] = []
    for f in fields(record):
        if "column" in f.metadata:
            type_, description, required = f.metadata["column"]
            out.append(Column(rename.get(f.name, f.name), type_, description, required, f.name))
        elif f.default_factory is not MISSING and is_dataclass(f.default_factory):
            nested: type = f.default_factory  # type: ignore[assignment]
            out.extend(
                Column(f"{f.name}_{c.name}", c.type, c.description, c.required,
                       f"{f.name}.{c.field}")
                for c in record_columns(nested)
            )
    return out


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    record: type
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    # A total order, so every format holds the same rows in the same sequence.
    order_by: tuple[str, ...] = ()
    references_bulletins: bool = True
    # A column the writer fills with each row's place (1, 2, …) in ``order_by``: a tool that
    # sorts by one column and breaks ties by the primary key (Datasette) can then show the
    # rows in the table's own order, page after page.
    position: str | None = None

    @classmethod
    def of(
        cls,
        name: str,
        description: str,
        record: type,
        *,
        order: Sequence[str] = (),
        extra: Sequence[Column] = (),
        rename: Mapping[str, str] | None = None,
        **options: Any,
    ) -> Table:
        """A table of ``record``: the columns named in ``order`` first (record or ``extra``
        columns), then every other record column in field order, so a new field is a new
        column without an edit here."""
        own = {c.name: c for c in record_columns(record, rename=rename)}
        # Table-only columns may borrow another record's declarations (a section's Link).
        more = {c.name: replace(c, field=None) for c in extra}
        clash = set(own) & set(more)
        if clash:
            raise ValueError(f"{name}: table-only columns shadow record fields: {clash}")
        every = {**own, **more}
        missing = [n for n in order if n not in every]
        if missing:
            raise ValueError(f"{name}: ordered columns that exist nowhere: {missing}")
        unplaced = [n for n in more if n not in order]
        if unplaced:
            raise ValueError(f"{name}: table-only columns without a place: {unplaced}")
        columns = [every[n] for n in order] + [c for n, c in own.items() if n not in order]
        return cls(name, description, record, tuple(columns), **options)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def to_row(self, record: Any, **extra: Any) -> Row:
        """The row of ``record``; table-only columns come from ``extra`` (None if absent)."""
        read, table_only = self._row_plan
        if not table_only:
            return read(record)
        row = list(read(record))
        for at, name in table_only:
            row.insert(at, extra.get(name))
        return tuple(row)

    @cached_property
    def _row_plan(self) -> tuple[Callable[[Any], Row], tuple[tuple[int, str], ...]]:
        """How ``to_row`` lays a row out: one ``attrgetter`` reads every record column at
        once (a staged build makes hundreds of thousands of rows, and a Python step per
        cell was a tenth of it), then each table-only column goes in at its place, left
        to right, so every insert lands where ``columns`` has it."""
        paths = [c.field for c in self.columns if c.field is not None]
        table_only = tuple((i, c.name) for i, c in enumerate(self.columns) if c.field is None)
        if len(paths) > 1:
            return attrgetter(*paths), table_only
        # attrgetter of one path gives the value, not a 1-tuple (and of none is an error)
        return partial(_tuple_of, [attrgetter(p) for p in paths]), table_only

    def row_maker(self, *names: str, every_column: bool = True) -> Callable[..., Row]:
        """``to_row`` with the table-only columns ``names`` given by place, for a writer
        that makes many rows: ``row_maker(*names)(record, *values)`` is ``to_row(record,
        **dict(zip(names, values)))``, each table-only column not named None.

        Why: a staged build makes a row per section and fact, and ``to_row``'s keywords,
        and its list with a Python insert per table-only column, were most of the cost of
        a fact's row. Here the record's cells, the values given and a None are laid end to
        end and one ``itemgetter`` picks each column's cell from them, in C.

        ``every_column=False``: the rows hold only the columns ``columns_of(*names)``
        lists, without the None of each table-only column not named (an insert that
        names its columns leaves them NULL, without binding a None for every row)."""
        read, _ = self._row_plan
        paths = sum(c.field is not None for c in self.columns)
        none = paths + len(names)  # where the None stands, after the values given
        at, k = [], 0
        for c in self.columns:
            if c.field is not None:
                at.append(k)
                k += 1
            elif c.name in names:
                at.append(paths + names.index(c.name))
            elif every_column:
                at.append(none)
        pick = itemgetter(*at)
        if len(at) == 1:  # itemgetter of one place gives the cell, not a 1-tuple
            return lambda record, *values: (pick((*read(record), *values, None)),)
        return lambda record, *values: pick((*read(record), *values, None))

    def columns_of(self, *names: str) -> list[str]:
        """The columns of the rows ``row_maker(*names, every_column=False)`` makes: the
        record's and the table-only ones named, in the table's order."""
        return [c.name for c in self.columns if c.field is not None or c.name in names]

    def to_record(self, row: Mapping[Any, Any], **more: Any) -> Any:
        """The record a row holds (missing values of any kind → None); ``more`` gives the
        fields no column holds (a bulletin's sections and facts)."""
        fields_at, factories = self._record_plan
        top: dict[str, Any] = {}
        nested: dict[str, dict[str, Any]] = {}
        for name, type_, head, rest in fields_at:
            if name not in row:
                continue
            value = _cell(row[name], type_)
            if rest:
                nested.setdefault(head, {})[rest] = value
            else:
                top[head] = value
        for head, values in nested.items():
            top[head] = factories[head](**values)
        return self.record(**top, **more)

    def reader(self, names: Sequence[str]) -> Callable[..., Any]:
        """``to_record`` for rows that are tuples of the columns ``names`` (a cursor's
        description), made once per column list: ``reader(names)(row, **more)`` is
        ``to_record(dict(zip(names, row)), **more)`` without a mapping per row and a
        lookup per column (the build's audit reads every staged row back this way)."""
        key = tuple(names)
        found = self._readers.get(key)
        if found is None:
            found = self._readers[key] = self._make_reader(key)
        return found

    @cached_property
    def _readers(self) -> dict[tuple[str, ...], Callable[..., Any]]:
        return {}

    def _make_reader(self, names: tuple[str, ...]) -> Callable[..., Any]:
        """One function written for ``names``, as ``dataclasses`` writes a record's
        ``__init__``: the record made straight from the row's cells by keyword, without a
        mapping per row and a loop per column (the audit reads every staged section and
        fact back through it: a tenth less time to read 1,000 synthetic bulletins back)."""
        fields_at, factories = self._record_plan
        at = {name: i for i, name in enumerate(names)}
        # As ``to_record``: a column the rows lack is left to the record's default, and a
        # nested record is made only from the columns of it the rows hold.
        flat: list[str] = []
        nested: dict[str, list[str]] = {}
        for name, type_, head, rest in fields_at:
            if name in at:
                cell = _CELL_SOURCE[type_].format(i=at[name])
                if rest:
                    nested.setdefault(head, []).append(f"{rest}={cell}")
                else:
                    flat.append(f"{head}={cell}")
        parts = [f"{head}=factories[{head!r}]({', '.join(cells)})"
                 for head, cells in nested.items()]
        source = ("def read(row, **more):\n"
                  f"    return record({', '.join([*flat, *parts, '**more'])})\n")
        namespace: dict[str, Any] = {"record": self.record, "factories": factories,
                                     "cell": _cell}
        exec(compile(source, f"<{self.name} reader>", "exec"), namespace)
        reader: Callable[..., Any] = namespace["read"]
        return reader

    @cached_property
    def _record_plan(self) -> tuple[tuple[tuple[str, str, str, str], ...], dict[str, Any]]:
        """How ``to_record`` reads a row: each record column's name, type and place on the
        record (``summary.lead`` → ``summary``, ``lead``), and the nested records' makers;
        worked out once per table, not once per row read back."""
        fields_at = tuple((c.name, c.type, *_split(c.field)) for c in self.columns
                          if c.field is not None)
        factories = {f.name: f.default_factory for f in fields(self.record)}
        return fields_at, factories


# Each type's cell as ``_cell`` reads it, written out for ``_make_reader``: a None or a
# value of the class its column declares (what SQLite gives back for most cells) is
# ``_cell``'s answer unchanged, and a number column's float (not NaN) is ``_cell``'s
# ``float(value)`` turned into an int when whole; only the other cells take the call
# (tests/test_rows.py holds the reader to ``to_record`` over cells of every kind).
_CELL_SOURCE = {
    "string": '(v if (v := row[{i}]) is None or v.__class__ is str else cell(v, "string"))',
    "integer": '(v if (v := row[{i}]) is None or v.__class__ is int else cell(v, "integer"))',
    "number": '(v if (v := row[{i}]) is None else ((int(v) if v.is_integer() else v) '
              'if v.__class__ is float and v == v else cell(v, "number")))',
}


def _split(path: str) -> tuple[str, str]:
    head, _, rest = path.partition(".")
    return head, rest


def _tuple_of(getters: list[attrgetter[Any]], record: Any) -> Row:
    return tuple(get(record) for get in getters)


def _cell(value: Any, type_: str) -> Any:
    """A stored value as the record holds it: NaN/NA → None, whole numbers back to int
    (counts are stored as doubles; pandas reads nullable integers as floats or NA)."""
    if value is None:
        return None
    # What SQLite gives back as the column declares it (most cells): nothing to convert.
    if (value.__class__ is str and type_ == "string") or (
            value.__class__ is int and type_ == "integer"):
        return value
    try:
        if value != value or (isinstance(value, float) and math.isnan(value)):
            return None
    except (TypeError, ValueError):  # pd.NA refuses comparison
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    return value
