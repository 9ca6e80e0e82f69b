"""The stretch-wide searches of extractors/context.py were rewritten to stay linear on a
30 MB one-section text (issue 17): an index of brackets and a bounded search for a carried
object's sentence. With the plain scans they replaced put back, every in-repo document
extracts to exactly the same sections and facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import context
from extractors.records import Claim, Count
from pipeline.read.document import extract
from pipeline.read.inputs import iter_pages
from pipeline.records import Fact, Page, Section
from tests.hostile_helpers import ROOT, SEED

DOCS = [SEED, *sorted(p for p in ROOT.glob("tests/heldout*/docs/**/*") if p.is_file())]


class _ScanningBrackets:
    """The search as it was: back from the count to the stretch's start."""

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self._text, self._lo = text, lo

    def unclosed_before(self, pos: int) -> int | None:
        at = self._text.rfind("(", self._lo, pos)
        return None if at < 0 or self._text.find(")", at, pos) >= 0 else at


def _scanning_carried_object(
    text: str, count: Count, facts: list[Claim], lo: int, *, paragraph: bool = False
) -> str | None:
    """The search as it was: the sentence's start first, character by character."""
    delimiters = context.PARAGRAPH_DELIMITERS if paragraph else context.CARRY_DELIMITERS
    p = count.start
    while p > lo and text[p - 1] not in delimiters:
        p -= 1
    for fact in reversed(facts):
        if fact.start < p:
            break
        if fact.object and context._same_kind(fact.unit, count.unit):
            return fact.object
    return None


def _extractions(paths: list[Path]) -> list[tuple[str, tuple[Section, ...], tuple[Fact, ...]]]:
    out: list[tuple[str, tuple[Section, ...], tuple[Fact, ...]]] = []
    for path in paths:
        for page in iter_pages([str(path)]):
            if isinstance(page, Page):
                bulletin = extract(page)
                out.append((page.source, bulletin.sections, bulletin.facts))
    return out


def test_linear_scans_extract_exactly_as_the_plain_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    now = _extractions(DOCS)
    assert len(now) >= 60 and sum(len(facts) for *_, facts in now) > 1000
    monkeypatch.setattr(context, "_Brackets", _ScanningBrackets)
    monkeypatch.setattr(context, "_carried_object", _scanning_carried_object)
    assert _extractions(DOCS) == now
