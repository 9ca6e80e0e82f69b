"""Value changes between two bulletins: per task and measure, what it was and what it is.

The table a researcher or journalist reads first in a diff (measure, before, after, change),
next to the audit findings. Facts are lined up as the ``series`` table lines them up
(``series.assign``): by task, basis, unit and measure similarity, so a reworded measure is
compared with its earlier wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.audit.series import MeasureSeries, assign, task_facts
from pipeline.records import Bulletin, Link


@dataclass(frozen=True)
class ValueChange:
    """One measure of a task whose value differs, appeared or disappeared."""

    task_key: str
    measure: str
    basis: str
    unit: str
    before: float | None
    after: float | None
    before_text: str | None
    after_text: str | None
    # where each statement is in its bulletin's text: the evidence of a finding about it
    before_start: int | None = None
    before_end: int | None = None
    after_start: int | None = None
    after_end: int | None = None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def to_json(self) -> dict[str, object]:
        return {"task_key": self.task_key, "measure": self.measure, "basis": self.basis,
                "unit": self.unit, "before": self.before, "after": self.after,
                "change": self.change, "before_text": self.before_text,
                "after_text": self.after_text, "before_start": self.before_start,
                "before_end": self.before_end, "after_start": self.after_start,
                "after_end": self.after_end}


def identical(old: Bulletin, new: Bulletin) -> bool:
    """The same document: the same bytes, or the same text."""
    return old.sha256 == new.sha256 or old.text == new.text


def value_changes(
    old: Bulletin, new: Bulletin, links: dict[tuple[str, str], Link]
) -> list[ValueChange]:
    """Every task measure whose value is not the same in ``new`` as in ``old``, sorted by task,
    measure and basis. A measure stated more than once keeps its first statement."""
    before, after = task_facts(old, links), task_facts(new, links)
    out = []
    for key in sorted(before.keys() | after.keys()):
        known: list[MeasureSeries] = []
        values: dict[int, list] = {}
        for side, facts in enumerate((before.get(key, []), after.get(key, []))):
            for series, fact, _, repeated in assign(known, facts):
                slot = values.setdefault(id(series), [series, None, None])
                if not repeated and slot[1 + side] is None:
                    slot[1 + side] = fact
        for series, was, now in values.values():
            if was is not None and now is not None and was.value == now.value:
                continue
            out.append(ValueChange(
                key, series.measure, series.basis, series.unit,
                None if was is None else was.value, None if now is None else now.value,
                None if was is None else was.text, None if now is None else now.text,
                None if was is None else was.start, None if was is None else was.end,
                None if now is None else now.start, None if now is None else now.end))
    return sorted(out, key=lambda c: (c.task_key, c.measure, c.basis))
