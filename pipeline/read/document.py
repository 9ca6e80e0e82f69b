"""Page → Bulletin with sections and facts: the whole reading and extraction of one document."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from heapq import heappop, heappush
from operator import attrgetter

from extractors import segment
from extractors.counts import read_stretch
from extractors.records import Claim, frozen_record
from pipeline.errors import UnreadableInput, UsageError
from pipeline.read.page import read_page
from pipeline.read.sections import own_ends, split_sections
from pipeline.read.tables import Table, find_tables, table_facts
from pipeline.records import Bulletin, Fact, Page, Section


def extract(page: Page) -> Bulletin:
    """Read one page and extract its sections, statuses and counts.

    Raises ``UnreadableInput`` when the bytes are no readable text document.
    """
    bulletin = read_page(page)
    tables = find_tables(bulletin.text)
    sections = tuple(split_sections(bulletin.text, tables))
    facts = tuple(_facts(bulletin, sections, tables))
    warnings = list(bulletin.warnings)
    if not sections and not _looks_like_bulletin(bulletin, facts):
        warnings.append("no numbered task sections found: this page may be no progress bulletin")
    # dataclasses.replace, without its frozen __init__ (5 us a bulletin, a tenth of reading
    # the sections): every field given, in the order of the one it copies; sound while
    # Bulletin checks nothing after __init__ (tests/test_extract.py holds it to replace).
    return frozen_record(Bulletin, vars(bulletin) | {
        "sections": sections, "facts": facts, "warnings": tuple(warnings)})


def prepare() -> None:
    """Load what extraction loads on first use (the segmenter's dictionary), so that
    worker processes forked afterwards share it instead of each building its own; within
    ``kept_windows``, only where no answers are kept (a first run: its windows all go to
    the engine, in every worker and in the build's audit)."""
    if not segment.answers_kept():
        segment.engine()


def kept_windows() -> AbstractContextManager[None]:
    """Within it, the segmenter answers from the answers earlier runs kept and keeps its
    new ones (``segment.persisted``), for a build: it asks jieba's dictionary index only
    where an earlier run built it, as a build's new windows may be too many for the
    index's first build (~0.9 s) to pay off."""
    return segment.persisted(build_index=False)


def extract_one(spec: str, publisher: str | None = None) -> Bulletin:
    """The one document a file or URL names, read and extracted (``diff`` and ``show``);
    ``publisher`` is who published it, for a page that does not name it.

    Raises ``UsageError`` when it holds none or several, ``UnreadableInput`` when unreadable.
    """
    # httpx and warcio: only for this caller
    from pipeline.read.inputs import iter_pages, with_publisher

    pages = list(with_publisher(iter_pages([spec]), publisher))
    if len(pages) != 1:
        raise UsageError(f"{spec}: holds {len(pages)} documents; give one bulletin")
    if isinstance(pages[0], UnreadableInput):
        raise pages[0]
    return extract(pages[0])


def _facts(bulletin: Bulletin, sections: tuple[Section, ...], tables: list[Table]) -> list[Fact]:
    """Run the count extractor over the header and each section's own text, and read each
    table cell by cell (tables.table_facts).

    A section's own text ends where its first child starts, so every count is attributed
    to the innermost section that holds it; a table cell's count to the innermost section
    whose span holds the cell. Text after a subsection belongs to its parent's task (its
    title is not in the span: it sets no goal there); text outside every section to none.
    """
    text = bulletin.text
    # (start, end, section path, end of the task title the span opens with); a gap's path
    # (text after a child, or outside every section) is filled in once all are known
    spans: list[tuple[int, int, str | None, int | None]] = []
    gaps: list[int] = []
    cursor = 0
    for sec, own_end in zip(sections, own_ends(sections), strict=True):
        if sec.start > cursor:
            gaps.append(len(spans))
            spans.append((cursor, sec.start, None, None))
        spans.append((sec.title_start, own_end, sec.path, sec.title_end))
        cursor = own_end
    if cursor < len(text):
        gaps.append(len(spans))
        spans.append((cursor, len(text), None, None))
    cells = [claim for table in tables
             for claim in table_facts(text, table, publisher=bulletin.publisher)]
    paths = _innermost(sections, [spans[i][0] for i in gaps] + [c.start for c in cells])
    for i, path in zip(gaps, paths[:len(gaps)], strict=True):
        start, end = spans[i][:2]
        spans[i] = (start, end, path, start if path is not None else None)
    facts: list[Fact] = []
    for start, end, path, title_end in spans:
        for lo, hi in _outside(tables, start, end):
            offset, claims = read_stretch(text, lo, hi, publisher=bulletin.publisher,
                                          title_end=title_end)
            facts.extend(_fact(claim, path, offset) for claim in claims)
    facts.extend(_fact(claim, path, 0)
                 for claim, path in zip(cells, paths[len(gaps):], strict=True))
    facts.sort(key=_POSITION)
    return facts


# A fact's place in the text, by which facts are listed (a C getter, not a lambda per fact).
_POSITION = attrgetter("start", "end")


def _fact(claim: Claim, section: str | None, offset: int) -> Fact:
    """The claim as the fact of ``section``, its offsets moved on by ``offset``: a Fact is a
    Claim and its section. The fields are stored one by one into the instance's dict in the
    order of Fact's declaration, as ``__init__`` stores them (so instances share their
    keys), without its call of ``object.__setattr__`` per field: 0.6 µs against 2.4 for
    ``frozen_record`` of the claim's fields merged into a new dict. tests/test_fact_speed.py
    holds it to the plain construction and keeps the two records' fields in step."""
    claimed = claim.__dict__
    fact = object.__new__(Fact)
    fields = fact.__dict__
    fields["value"] = claimed["value"]
    fields["unit"] = claimed["unit"]
    fields["text"] = claimed["text"]
    fields["start"] = claimed["start"] + offset
    fields["end"] = claimed["end"] + offset
    fields["section"] = section
    fields["value_max"] = claimed["value_max"]
    fields["object"] = claimed["object"]
    fields["qualifier"] = claimed["qualifier"]
    fields["entity"] = claimed["entity"]
    fields["predicate"] = claimed["predicate"]
    fields["basis"] = claimed["basis"]
    fields["measure"] = claimed["measure"]
    return fact


def _outside(tables: list[Table], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` that lie outside every table."""
    parts = []
    for table in tables:
        if table.end <= start or table.start >= end:
            continue
        if table.start > start:
            parts.append((start, table.start))
        start = max(start, table.end)
    if end > start:
        parts.append((start, end))
    return parts


def _innermost(sections: Sequence[Section], positions: list[int]) -> list[str | None]:
    """For each position, the path of the innermost section whose span holds it (the
    deepest level, the first listed of equals), or None.

    One sweep over the positions in order instead of a scan of every section for each:
    sections join a heap (deepest first) as their start is reached, and one whose end is
    passed leaves it, for every later position too.
    """
    order = sorted(range(len(sections)), key=lambda i: sections[i].start)
    entered: list[tuple[int, int]] = []  # (-level, index)
    paths: list[str | None] = [None] * len(positions)
    k = 0
    for q in sorted(range(len(positions)), key=positions.__getitem__):
        pos = positions[q]
        while k < len(order) and sections[order[k]].start <= pos:
            heappush(entered, (-sections[order[k]].level, order[k]))
            k += 1
        while entered and sections[entered[0][1]].end <= pos:
            heappop(entered)
        if entered:
            paths[q] = sections[entered[0][1]].path
    return paths


def _looks_like_bulletin(bulletin: Bulletin, facts: tuple[Fact, ...]) -> bool:
    return not bulletin.summary.is_empty() or len(facts) >= 3
