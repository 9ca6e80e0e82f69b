"""The records that flow through every stage: Page → Bulletin (Section, Fact) and Problem.

This is the one module that scrapers/, extractors/ and pipeline/ all import. Records are
frozen; a stage that enriches a record makes a new one with ``dataclasses.replace``.
Offsets in a ``Section`` or ``Fact`` are absolute in ``Bulletin.text`` and
``Bulletin.text[f.start:f.end] == f.text`` always holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.version import EXTRACTOR_VERSION

__all__ = ["EXTRACTOR_VERSION", "STATUSES", "Bulletin", "Fact", "Page", "Problem", "Section",
           "Summary"]

STATUSES = ("completed", "in_progress", "behind", "not_started")


@dataclass(frozen=True)
class Page:
    """Bytes of one document exactly as served or stored, before any decoding."""

    source: str
    content: bytes
    headers: tuple[tuple[str, str], ...] = ()
    url: str | None = None
    fetched: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


@dataclass(frozen=True)
class Summary:
    """The header's own tally of its tasks, as written; None where it says nothing."""

    lead: int | None = None
    responsible: int | None = None
    total: int | None = None
    completed: int | None = None
    on_schedule: int | None = None
    behind: int | None = None
    not_started: int | None = None

    def to_json(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def is_empty(self) -> bool:
        return not self.to_json()


@dataclass(frozen=True)
class Section:
    """A numbered heading and the text up to the next heading of the same or a higher level."""

    no: int
    path: str
    level: int
    title: str
    start: int
    end: int
    title_start: int
    title_end: int
    status: str | None = None
    status_text: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "no": self.no,
            "path": self.path,
            "level": self.level,
            "title": self.title,
            "status": self.status,
            "status_text": self.status_text,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Fact:
    """One reported count or measure, quoted by its offsets into the bulletin's text."""

    value: int | float
    unit: str
    text: str
    start: int
    end: int
    section: str | None = None
    value_max: int | float | None = None
    object: str | None = None
    qualifier: str | None = None
    entity: str | None = None
    predicate: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "section": self.section,
            "value": self.value,
            "unit": self.unit,
            "object": self.object,
            "qualifier": self.qualifier,
            "entity": self.entity,
            "predicate": self.predicate,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }
        if self.value_max is not None:
            out["value_max"] = self.value_max
        return out


@dataclass(frozen=True)
class Bulletin:
    """One readable document: its normalised text, metadata, sections and facts."""

    source: str
    sha256: str
    text: str
    url: str | None = None
    encoding: str | None = None
    title: str | None = None
    publisher: str | None = None
    region: str | None = None
    published: str | None = None
    period: str | None = None
    summary: Summary = field(default_factory=Summary)
    sections: tuple[Section, ...] = ()
    facts: tuple[Fact, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "url": self.url,
            "encoding": self.encoding,
            "title": self.title,
            "publisher": self.publisher,
            "region": self.region,
            "published": self.published,
            "period": self.period,
            "summary": self.summary.to_json(),
            "sections": [s.to_json() for s in self.sections],
            "facts": [f.to_json() for f in self.facts],
            "warnings": list(self.warnings),
            "extractor_version": EXTRACTOR_VERSION,
        }


@dataclass(frozen=True)
class Problem:
    """An input, or part of one, that could not be read whole, and why."""

    source: str
    stage: str
    reason: str
