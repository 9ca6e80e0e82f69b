"""A bulletin as a person reads it in a terminal: metadata, sections with status, counts."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from pipeline.records import Bulletin, Fact

if TYPE_CHECKING:
    from pipeline.audit.changes import ValueChange
    from pipeline.records import Check

SHOWN = 36  # characters of evidence shown per column in the findings table

STATUS_LABELS = {
    "completed": "completed",
    "in_progress": "in progress",
    "behind": "behind",
    "not_started": "not started",
    None: "-",
}


def number_text(value: float | int) -> str:
    """`110076000000`, `2.6`, `12.5`: whole numbers in full, never `1.10076e+11`."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def render(bulletin: Bulletin, *, max_facts_per_section: int = 8) -> str:
    lines = [
        f"{bulletin.title or '(no title)'}",
        f"  source     {bulletin.source}",
        f"  publisher  {bulletin.publisher or '-'}   region {bulletin.region or '-'}",
        f"  period     {bulletin.period or '-'}   published {bulletin.published or '-'}",
    ]
    summary = bulletin.summary.to_json()
    if summary:
        lines.append("  tally      " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    by_section: dict[str | None, list[Fact]] = {}
    for fact in bulletin.facts:
        by_section.setdefault(fact.section, []).append(fact)
    lines.append(f"  {len(bulletin.sections)} sections, {len(bulletin.facts)} counts")
    if by_section.get(None):
        lines.append("  header")
        lines.extend(_fact_lines(by_section[None], max_facts_per_section))
    for section in bulletin.sections:
        status = STATUS_LABELS.get(section.status, section.status)
        title = section.title if len(section.title) <= 40 else section.title[:39] + "…"
        lines.append(f"  [{section.path:>5}] {title}  <{status}>")
        lines.extend(_fact_lines(by_section.get(section.path, []), max_facts_per_section))
    for warning in bulletin.warnings:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)


def _fact_lines(facts: list[Fact], limit: int) -> list[str]:
    lines = []
    for fact in facts[:limit]:
        value = number_text(fact.value) + (
            f"-{number_text(fact.value_max)}" if fact.value_max is not None else "")
        about = fact.object or "?"
        extra = f" ({fact.qualifier})" if fact.qualifier else ""
        lines.append(f"           {value} {fact.unit} {about}{extra}   «{fact.text}»")
    if len(facts) > limit:
        lines.append(f"           … and {len(facts) - limit} more")
    return lines


def checks_table(found: list[Check]) -> str:
    """Audit findings as aligned terminal columns (Chinese characters are two wide)."""
    if not found:
        return "no findings\n"
    head = ("check", "task", "period", "detail", "evidence")
    body = [
        (c.check, c.task_key or "-", c.period or "-",
         _cut(c.detail, 2 * SHOWN), _cut(c.text or c.other_text or "", SHOWN))
        for c in found
    ]
    widths = [max(_width(row[i]) for row in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in (head, *body)]
    return "\n".join(lines) + f"\n{len(found)} findings\n"


def changes_table(changes: list[ValueChange]) -> str:
    """Value changes per task and measure: measure, before, after, change."""
    if not changes:
        return "no value changed\n"
    head = ("task", "measure", "basis", "before", "after", "change")
    body = [
        (c.task_key, _cut(c.measure, 2 * SHOWN), c.basis,
         "-" if c.before is None else number_text(c.before),
         "-" if c.after is None else number_text(c.after),
         "-" if c.change is None else ("+" if c.change > 0 else "") + number_text(c.change))
        for c in changes
    ]
    widths = [max(_width(row[i]) for row in (head, *body)) for i in range(len(head))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in (head, *body)]
    return "\n".join(lines) + f"\n{len(changes)} values changed\n"


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
