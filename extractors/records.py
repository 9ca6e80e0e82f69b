"""The extractors' records: a ``Count`` the grammar accepted, and the ``Claim`` handed back
(one count with its reading, no section).

``extractors`` sits below ``pipeline`` and imports nothing of it; the pipeline turns a
``Claim`` into its ``Fact`` by adding the section it stands in (``pipeline.read.document``).
A test keeps the two field lists in step.
"""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class Count:
    """A number the grammar accepted as a count, before its words are read (context.py)."""

    start: int
    end: int
    value: int | float
    value_max: int | float | None
    unit: str
    unit_start: int
    qualifier: str | None
    chinese: bool
