"""The records that flow through every stage: Page → Bulletin (Section, Fact), Problem, and
the audit's Link, SeriesRow and Check.

The bottom of the house: it imports nothing of the project, and every room of
``pipeline`` builds on it (scrapers/ and extractors/ have records of their own). Records are
frozen; a stage that enriches a record makes a new one with ``dataclasses.replace``.
Offsets in a ``Section`` or ``Fact`` are absolute in ``Bulletin.text`` and
``Bulletin.text[f.start:f.end] == f.text`` always holds.

A field that is also a table column says so with ``column(type, description)``: its
Frictionless type and the description every format's schema shows. ``pipeline.store.rows``
turns records into rows and back from these declarations alone, so a new field is one edit
here and flows to every table, format and the datapackage.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["STATUSES", "Bulletin", "Check", "Fact", "Link", "Page", "Problem", "Section",
           "SeriesRow", "Source", "Summary", "column"]

STATUSES = ("completed", "in_progress", "behind", "not_started")
_NO_DEFAULT: Any = object()


def column(type_: str, description: str, *, required: bool = False,
           default: Any = _NO_DEFAULT) -> Any:
    """A dataclass field that is a table column: Frictionless ``type_`` (string, integer or
    number) and its ``description``; ``required`` columns are never null."""
    meta = {"column": (type_, description, required)}
    if default is _NO_DEFAULT:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Page:
    """Bytes of one document exactly as served or stored, before any decoding."""

    source: str
    content: bytes
    headers: tuple[tuple[str, str], ...] = ()
    url: str | None = None
    fetched: str | None = None
    attached_to: str | None = None  # the page that links this attachment, where known
    # The publisher known from outside the page (a crawl's site profile, ``--publisher``),
    # taken where the page does not name its own.
    publisher: str | None = None

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

    lead: int | None = column("integer", "the header's own tally: lead", default=None)
    responsible: int | None = column("integer", "the header's own tally: responsible", default=None)
    total: int | None = column("integer", "the header's own tally: total", default=None)
    completed: int | None = column("integer", "the header's own tally: completed", default=None)
    on_schedule: int | None = column("integer", "the header's own tally: on schedule", default=None)
    behind: int | None = column("integer", "the header's own tally: behind", default=None)
    not_started: int | None = column("integer", "the header's own tally: not started", default=None)

    def to_json(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def is_empty(self) -> bool:
        return not self.to_json()


@dataclass(frozen=True)
class Section:
    """A numbered heading and the text up to the next heading of the same or a higher level."""

    no: int = column("integer", "the task's number as printed", required=True)
    path: str = column("string", "enclosing headings' numbers joined by '.'; unique per doc",
                       required=True)
    level: int = column("integer", "nesting depth of the heading, 1 outermost", required=True)
    title: str = column("string", "the heading's text")
    start: int = column("integer", "offset of the section's first character in the text",
                        required=True)
    end: int = column("integer", "offset just after the section's last character",
                      required=True)
    title_start: int = column("integer", "offset of the heading's first character",
                              required=True)
    title_end: int = column("integer", "offset just after the heading", required=True)
    status: str | None = column("string", "completed, in_progress, behind, not_started or null",
                                default=None)
    status_text: str | None = column("string", "the status marker as printed", default=None)

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

    value: int | float = column(
        "number", "the number, fully scaled (2.6万 → 26000); a range's low end", required=True)
    unit: str = column("string", "measure word or unit as printed, without scale")
    text: str = column("string", "the count as printed: the bulletin text from start to end",
                       required=True)
    start: int = column("integer", "offset of the count's first character in the bulletin text",
                        required=True)
    end: int = column("integer", "offset just after the count's last character", required=True)
    section: str | None = column(
        "string", "path of the innermost section holding the count; null: header", default=None)
    value_max: int | float | None = column("number", "a range's upper end", default=None)
    object: str | None = column("string", "the counted thing the text names", default=None)
    qualifier: str | None = column("string", "approx, over, under or null", default=None)
    entity: str | None = column(
        "string", "place or body the count belongs to, other than the publisher", default=None)
    predicate: str | None = column(
        "string", "the verb the count answers, without time words or adverbs (已, 累计, 共)",
        default=None)
    basis: str | None = column(
        "string", "what the number measures in its task: target (a title's goal), cumulative "
        "(total to date), period (one month or quarter), rate, or null", default=None)
    measure: str | None = column(
        "string", "what is measured, as one key: entity, predicate, object, (unit)", default=None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "section": self.section,
            "value": self.value,
            "unit": self.unit,
            "object": self.object,
            "qualifier": self.qualifier,
            "entity": self.entity,
            "predicate": self.predicate,
            "basis": self.basis,
            "measure": self.measure,
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

    source: str = column("string", "file, WARC record or URL the document was read from",
                         required=True)
    sha256: str = column("string", "SHA-256 of the document's bytes", required=True)
    text: str = column("string", "normalised body text; every start/end offset counts into it",
                       required=True)
    url: str | None = column("string", "the document's address on the web, where known",
                             default=None)
    encoding: str | None = column("string", "the character encoding the bytes were decoded from",
                                  default=None)
    title: str | None = column("string", "the bulletin's title", default=None)
    publisher: str | None = column("string", "the body that published the bulletin",
                                   default=None)
    region: str | None = column("string", "the province or city of the publisher", default=None)
    published: str | None = column("string", "publication date the page states, YYYY-MM-DD",
                                   default=None)
    period: str | None = column(
        "string", "period the bulletin covers: YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY", default=None)
    attached_to: str | None = column(
        "string", "for an attachment: the address of the bulletin page that links it; its "
        "title, dates and publisher come from that page where the file states none",
        default=None)
    fetched: str | None = column(
        "string", "when the crawl archived these bytes (the WARC record's date); of two "
        "versions of one address and period, the later one is the bulletin (README: revised)",
        default=None)
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
            "attached_to": self.attached_to,
            "summary": self.summary.to_json(),
            "sections": [s.to_json() for s in self.sections],
            "facts": [f.to_json() for f in self.facts],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Problem:
    """An input, or part of one, that could not be read whole, and why."""

    source: str = column("string", "file, WARC record or URL", required=True)
    stage: str = column("string", "input, read, extract or warning", required=True)
    reason: str = column("string", "what went wrong, in words", required=True)


@dataclass(frozen=True)
class Source:
    """One copy a built bulletin was read from. The same bulletin saved twice, or as .html
    and .txt, is built once; each of its copies is a Source."""

    source: str = column("string", "file, WARC record or URL this copy was read from",
                         required=True)
    sha256: str = column("string", "SHA-256 of this copy's bytes (the bulletin's doc_id if "
                                   "it is the copy that was built)", required=True)
    url: str | None = column("string", "this copy's address on the web, where known",
                             default=None)


@dataclass(frozen=True)
class Link:
    """A section's task: its key, the title similarity that linked it, and by what."""

    task_key: str = column("string", "the same task across periods (publisher/year/number)")
    # None: the task's first section, nothing earlier to link to
    link_score: float | None = column(
        "number", "title similarity that linked the task to its last period (0-1); null for a "
        "task's first appearance")
    link_method: str = column("string", "how the task was linked: new, number+title or title")


@dataclass(frozen=True)
class SeriesRow:
    """One value of a task's measure in one period, pointing at the fact that states it."""

    task_key: str = column("string", "the task, as linked across periods (sections.task_key)",
                           required=True)
    measure: str = column(
        "string", "the series: the measure key (entity predicate object (unit)) of its first "
        "wording; a reworded measure of the task continues it", required=True)
    basis: str = column(
        "string", "target, cumulative, period or rate: a series holds one basis only",
        required=True)
    period: str | None = column("string", "the period of the bulletin that states the value")
    value: int | float = column("number", "the count, fully scaled; a range's low end")
    qualifier: str | None = column("string", "approx, over, under or null")
    fact_id: str = column("string", "the fact this value is (facts.fact_id)", required=True)
    publisher: str = column(
        "string", "whose task list the task is on (publisher, else unknown-publisher:DOC)")
    doc_id: str = column("string", "SHA-256 of the bulletin that states the value",
                         required=True)
    unit: str = column("string", "measure word or unit as printed")
    wording: str = column("string", "this fact's own measure key (facts.measure)")
    # None: the series' first value, nothing earlier to link to
    link_score: float | None = column(
        "number", "similarity of this wording to the series' earlier ones (0-1); null for "
        "its first value")
    repeated: int = column(
        "integer", "1 if the bulletin states this measure more than once: the value is kept "
        "and flagged")
    text: str = column("string", "the count as printed")


@dataclass(frozen=True)
class Check:
    """An audit finding, with the span it is about and the other statement it rests on."""

    check: str = column("string", "what was found: the check's name (README: Audit checks)",
                        required=True)
    publisher: str = column(
        "string", "whose task list the finding is about (publisher, else "
        "unknown-publisher:DOC)", required=True)
    task_key: str | None = column(
        "string", "the task (sections.task_key); null for a bulletin-wide finding")
    period: str | None = column("string", "the period of the bulletin the finding is about")
    detail: str = column("string", "the finding in words", required=True)
    doc_id: str = column("string", "evidence: the bulletin (bulletins.doc_id)", required=True)
    source: str = column("string", "evidence: where that bulletin was read from", required=True)
    start: int | None = column(
        "integer", "evidence: offset of the span in the bulletin text; null: none")
    end: int | None = column("integer", "evidence: offset just after the span")
    text: str | None = column("string", "evidence: the span as printed")
    other_period: str | None = column(
        "string", "the other statement's period (previous bulletin or same)", default=None)
    other_doc_id: str | None = column("string", "the other statement's bulletin", default=None)
    other_source: str | None = column("string", "where the other bulletin was read from",
                                      default=None)
    other_start: int | None = column("integer", "offset of the other statement", default=None)
    other_end: int | None = column("integer", "offset just after the other statement",
                                   default=None)
    other_text: str | None = column("string", "the other statement as printed", default=None)
    severity: str | None = column(
        "string", "high (the figures cannot both be true), medium (worth a look) or low "
        "(a change an auditor may want to see)", default=None)
    reason: str | None = column("string", "why the finding matters, in one line", default=None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
