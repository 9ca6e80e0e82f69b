"""Acceptance of issue 12 on tests/heldout5: every metric a researcher would chart
(series.json) comes out as one series with exactly the printed values, and no target value
is in a progress series.

The series are built from the documents as extracted, with the publisher and period each
gold file annotates: what is tested here is the lining up of measures, not the reading of a
bulletin's metadata (tests/test_metadata.py and the quality gate guard that).
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from pipeline.audit.linking import link_tasks
from pipeline.audit.series import build_series
from pipeline.read.document import extract
from pipeline.read.inputs import iter_pages
from pipeline.records import Bulletin, Fact, Page, SeriesRow
from tests.basis_scoring import basis_accuracy
from tests.helpers import ROOT

HELDOUT5 = ROOT / "tests" / "heldout5"
REFERENCE = json.loads((HELDOUT5 / "series.json").read_text(encoding="utf-8"))
REFERENCE = REFERENCE if isinstance(REFERENCE, list) else REFERENCE["series"]


@cache
def bulletins() -> tuple[Bulletin, ...]:
    gold = {Path(g["file"]).name: g for g in
            (json.loads(p.read_text(encoding="utf-8")) for p in (HELDOUT5 / "gold").glob("*.json"))}
    out = []
    for page in iter_pages([str(p) for p in sorted((HELDOUT5 / "docs").iterdir())]):
        assert isinstance(page, Page), page  # every held-out document is readable
        b = extract(page)
        meta = gold[Path(b.source).name]
        out.append(replace(b, publisher=meta["publisher"], period=meta["period"]))
    return tuple(out)


@cache
def series() -> tuple[SeriesRow, ...]:
    docs = bulletins()
    links = link_tasks(docs)

    def fact_id(doc_id: str, fact: Fact) -> str:
        return f"{doc_id}:{fact.start}"

    return tuple(build_series(docs, links, fact_id))


def charted(ref: dict) -> dict[str, dict[str, float]]:
    """The built series of the reference's task, basis and unit: {measure: {period: value}}."""
    out: dict[str, dict[str, float]] = {}
    for row in series():
        if (row.publisher == ref["publisher"] and row.task_key.endswith(f"/{ref['task_no']}")
                and row.basis == ref["basis"] and row.unit == ref["unit"]):
            out.setdefault(row.measure, {})[row.period or ""] = row.value
    return out


@pytest.mark.parametrize("ref", REFERENCE, ids=[f"{r['task_no']}-{r['basis']}-{r['measure'][:12]}"
                                               for r in REFERENCE])
def test_every_charted_metric_is_one_series_with_the_printed_values(ref: dict) -> None:
    want = {period: float(value) for period, value in ref["values"].items()}
    found = charted(ref)
    assert want in list(found.values()), found


def test_no_target_value_in_a_progress_series() -> None:
    targets = {(r.task_key, r.value) for r in series() if r.basis == "target"}
    progress = {r.task_key: r for r in series() if r.basis != "target"}
    assert targets
    assert all((key, row.value) not in targets for key, row in progress.items())
    for ref in REFERENCE:
        if ref["basis"] == "target":
            continue
        goals = {v for m in charted({**ref, "basis": "target"}).values() for v in m.values()}
        for measure, values in charted(ref).items():
            assert not goals & set(values.values()), (ref["task_no"], measure)


def test_one_value_per_series_and_period_unless_flagged_repeated() -> None:
    seen: set[tuple[str, str, str, str | None]] = set()
    for row in series():
        key = (row.task_key, row.measure, row.basis, row.period)
        assert row.repeated or key not in seen, key
        seen.add(key)


def test_basis_accuracy_on_heldout5() -> None:
    predictions = [b.to_json() for b in bulletins()]
    accuracy, paired = basis_accuracy(predictions, HELDOUT5 / "gold")
    assert paired == 414
    assert accuracy >= 0.95


def test_plot_draws_one_panel_per_unit_with_targets_dashed() -> None:
    from pipeline.audit.run import series_frame
    from pipeline.views.charts import plot_series

    task = next(r.task_key for r in series() if r.task_key.endswith("/12"))
    frame = series_frame(r for r in series() if r.task_key == task)
    fig = plot_series(frame, task)
    assert sorted(ax.get_ylabel() for ax in fig.axes) == sorted(frame["unit"].unique())
    styles = {str(line.get_label()): line.get_linestyle() for ax in fig.axes for line in ax.lines}
    assert any(label.endswith("[target]") for label in styles)
    assert all((style == "--") == label.endswith("[target]") for label, style in styles.items())
