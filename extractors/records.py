"""The extractors' records: a ``Count`` the grammar accepted, and the ``Claim`` handed back
(one count with its reading, no section).

``extractors`` sits below ``pipeline`` and imports nothing of it; the pipeline turns a
``Claim`` into its ``Fact`` by adding the section it stands in (``pipeline.read.document``).
A test keeps the two field lists in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

R = TypeVar("R")  # a frozen dataclass


@dataclass(frozen=True)
class Claim:
    """One reported count, quoted by its offsets into the text the extractor was given."""

    value: int | float
    unit: str
    text: str
    start: int
    end: int
    value_max: int | float | None = None
    object: str | None = None
    qualifier: str | None = None
    entity: str | None = None
    predicate: str | None = None
    basis: str | None = None
    measure: str | None = None


class Count(NamedTuple):
    """A number the grammar accepted as a count, before its words are read (context.py).

    A tuple, not a frozen dataclass: one is built for every count read, and a frozen
    dataclass's ``__init__`` (a call of ``object.__setattr__`` per field) took six times as
    long."""

    start: int
    end: int
    value: int | float
    value_max: int | float | None
    unit: str
    unit_start: int
    qualifier: str | None
    chinese: bool


def frozen_record(cls: type[R], fields: dict[str, Any]) -> R:
    """``cls(**fields)`` for a frozen dataclass without ``__post_init__``, ``fields`` naming
    every one of its fields: the record's attributes copied in by one C loop, where its
    ``__init__`` sets them one by one through ``object.__setattr__`` (1.5 µs for a dozen
    fields against 0.6; a claim and its fact were a fifth of what reading a count costs).
    tests/test_fact_speed.py holds it equal to the plain construction.

    Copied as pairs, not as a dict: ``update`` from a dict swaps in a copy of that dict
    (twice as fast again, but 528 bytes a Claim against 248, where the instances of a class
    share their keys), and the fact finder keeps thousands of claims (counts.read_stretch).
    """
    record = object.__new__(cls)
    vars(record).update(fields.items())
    return record
