"""Acceptance of issue 12 on tests/heldout5: every metric a researcher would chart
(series.json) comes out as one series with exactly the printed values, and no target value
is in a progress series.

The series are those of a plain build of the documents (``bulletins build``, the `series`
table as a researcher loads it): publisher and period are read from the pages themselves, so
this tests the whole way from page to chart.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline.build import build
from pipeline.read.document import extract
from pipeline.read.inputs import iter_pages
from pipeline.records import Page
from tests.basis_scoring import basis_accuracy
from tests.helpers import ROOT

HELDOUT5 = ROOT / "tests" / "heldout5"
REFERENCE = json.loads((HELDOUT5 / "series.json").read_text(encoding="utf-8"))
REFERENCE = REFERENCE if isinstance(REFERENCE, list) else REFERENCE["series"]


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The `series` table of a plain build of the set."""
    out = tmp_path_factory.mktemp("heldout5") / "build"
    build([str(HELDOUT5 / "docs")], out, jobs=1)
    return pd.read_parquet(out / "series.parquet")


def charted(table: pd.DataFrame, ref: dict) -> dict[str, dict[str, float]]:
    """The built series of the reference's task, basis and unit: {measure: {period: value}}."""
    rows = table[(table["publisher"] == ref["publisher"])
                 & table["task_key"].str.endswith(f"/{ref['task_no']}")
                 & (table["basis"] == ref["basis"]) & (table["unit"] == ref["unit"])]
    out: dict[str, dict[str, float]] = {}
    for row in rows.itertuples():
        out.setdefault(row.measure, {})[row.period or ""] = float(row.value)
    return out


@pytest.mark.parametrize("ref", REFERENCE, ids=[f"{r['task_no']}-{r['basis']}-{r['measure'][:12]}"
                                               for r in REFERENCE])
def test_every_charted_metric_is_one_series_with_the_printed_values(
        table: pd.DataFrame, ref: dict) -> None:
    want = {period: float(value) for period, value in ref["values"].items()}
    found = charted(table, ref)
    assert want in list(found.values()), found


def test_no_target_value_in_a_progress_series(table: pd.DataFrame) -> None:
    assert (table["basis"] == "target").any()
    for ref in REFERENCE:
        if ref["basis"] == "target":
            continue
        goals = {v for m in charted(table, {**ref, "basis": "target"}).values() for v in m.values()}
        for measure, values in charted(table, ref).items():
            assert not goals & set(values.values()), (ref["task_no"], measure)


def test_one_value_per_series_and_period_unless_flagged_repeated(table: pd.DataFrame) -> None:
    once = table[table["repeated"] == 0]
    keys = ["task_key", "measure", "basis", "period"]
    assert not once.duplicated(keys).any(), once[once.duplicated(keys, keep=False)]


def test_basis_accuracy_on_heldout5() -> None:
    pages = list(iter_pages([str(p) for p in sorted((HELDOUT5 / "docs").iterdir())]))
    assert all(isinstance(page, Page) for page in pages), pages  # every document is readable
    predictions = [extract(page).to_json() for page in pages if isinstance(page, Page)]
    accuracy, paired = basis_accuracy(predictions, HELDOUT5 / "gold")
    assert paired == 414
    assert accuracy >= 0.95


def test_plot_draws_one_panel_per_unit_with_targets_dashed(table: pd.DataFrame) -> None:
    from pipeline.views.charts import plot_series

    task = next(key for key in table["task_key"] if key.endswith("/12"))
    frame = table[table["task_key"] == task]
    fig = plot_series(frame, task)
    assert sorted(ax.get_ylabel() for ax in fig.axes) == sorted(frame["unit"].unique())
    styles = {str(line.get_label()): line.get_linestyle() for ax in fig.axes for line in ax.lines}
    assert any(label.endswith("[target]") for label in styles)
    assert all((style == "--") == label.endswith("[target]") for label, style in styles.items())
