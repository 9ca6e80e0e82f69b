"""Page → Bulletin with sections and facts: the whole reading and extraction of one document."""

from __future__ import annotations

from dataclasses import replace

from extractors.counts import find_facts
from pipeline.errors import UnreadableInput, UsageError
from pipeline.read.page import read_page
from pipeline.read.sections import split_sections
from pipeline.records import Bulletin, Fact, Page, Section


def extract(page: Page) -> Bulletin:
    """Read one page and extract its sections, statuses and counts.

    Raises ``UnreadableInput`` when the bytes are no readable text document.
    """
    bulletin = read_page(page)
    sections = tuple(split_sections(bulletin.text))
    facts = tuple(_facts(bulletin, sections))
    warnings = list(bulletin.warnings)
    if not sections and not _looks_like_bulletin(bulletin, facts):
        warnings.append("no numbered task sections found: this page may be no progress bulletin")
    return replace(bulletin, sections=sections, facts=facts, warnings=tuple(warnings))


def extract_one(spec: str) -> Bulletin:
    """The one document a file or URL names, read and extracted (``diff`` and ``show``).

    Raises ``UsageError`` when it holds none or several, ``UnreadableInput`` when unreadable.
    """
    from pipeline.read.inputs import iter_pages  # httpx and warcio: only for this caller

    pages = list(iter_pages([spec]))
    if len(pages) != 1:
        raise UsageError(f"{spec}: holds {len(pages)} documents; give one bulletin")
    if isinstance(pages[0], UnreadableInput):
        raise pages[0]
    return extract(pages[0])


def _facts(bulletin: Bulletin, sections: tuple[Section, ...]) -> list[Fact]:
    """Run the count extractor over the header and each section's own text.

    A section's own text ends where its first child starts, so every count is attributed
    to the innermost section that holds it.
    """
    text = bulletin.text
    spans: list[tuple[int, int, str | None]] = []
    cursor = 0
    for sec in sections:
        if sec.start > cursor:
            spans.append((cursor, sec.start, _enclosing(sections, cursor)))
        spans.append((sec.title_start, _own_end(sections, sec), sec.path))
        cursor = _own_end(sections, sec)
    if cursor < len(text):
        spans.append((cursor, len(text), _enclosing(sections, cursor)))
    facts: list[Fact] = []
    for start, end, path in spans:
        if end > start:
            facts.extend(
                Fact(section=path, **vars(claim))  # asdict would deep-copy scalars
                for claim in find_facts(text, start, end, publisher=bulletin.publisher)
            )
    return facts


def _own_end(sections: tuple[Section, ...], sec: Section) -> int:
    children = [s.start for s in sections if s.start > sec.start and s.start < sec.end]
    return min(children) if children else sec.end


def _enclosing(sections: tuple[Section, ...], pos: int) -> str | None:
    """The path of the innermost section whose span holds ``pos`` (text after a subsection)."""
    holders = [s for s in sections if s.start <= pos < s.end]
    return max(holders, key=lambda s: s.level).path if holders else None


def _looks_like_bulletin(bulletin: Bulletin, facts: tuple[Fact, ...]) -> bool:
    return not bulletin.summary.is_empty() or len(facts) >= 3
