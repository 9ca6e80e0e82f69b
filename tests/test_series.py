"""The series table and the build's entry point, derive_tables."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from pipeline.audit.checks import run_checks
from pipeline.audit.run import (
    bulletins_to_frames,
    derive_tables,
    find_task,
)
from pipeline.errors import UsageError
from pipeline.store import tables
from tests.test_linking import extracted


@cache
def frames() -> dict[str, pd.DataFrame]:
    _, bulletins, _ = extracted("planted")
    return bulletins_to_frames(bulletins)


@cache
def derived() -> dict[str, pd.DataFrame]:
    f = frames()
    return derive_tables(f["bulletins"], f["sections"], f["facts"])


def test_series_follows_the_truth_month_by_month() -> None:
    series, _, _ = extracted("planted")
    truth = [next(c.value for t in b.tasks if t.no == 148 for c in t.counts)
             for b in series.bulletins if b.publisher == "kjt"]
    rows = derived()["series"]
    rows = rows[rows["task_key"].str.endswith("/2017/148") & (rows["basis"] == "cumulative")
                & (rows["unit"] == "场")]
    assert rows["measure"].nunique() == 1
    assert list(rows["period"]) == [f"2017-{m:02d}" for m in range(1, 13)]
    assert list(rows["value"]) == truth


def test_one_row_per_task_measure_basis_period_pointing_at_its_fact() -> None:
    series, facts = derived()["series"], derived()["facts"]
    once = series[series["repeated"] == 0]
    assert not once.duplicated(["task_key", "measure", "basis", "period"]).any()
    joined = series.merge(facts, on="fact_id", suffixes=("", "_fact"))
    assert len(joined) == len(series)
    assert (joined["text"] == joined["text_fact"]).all()
    assert (joined["task_key"] == joined["task_key_fact"]).all()


def test_derive_tables_contract() -> None:
    out = derived()
    assert set(out) == {"sections", "facts", "series", "checks"}
    assert list(out["series"].columns) == tables.SERIES.names
    assert list(out["checks"].columns) == tables.CHECKS.names
    sections = out["sections"]
    assert {"task_key", "link_score", "link_method"} <= set(sections.columns)
    assert sections["task_key"].notna().all()
    assert len(sections) == len(frames()["sections"])
    facts = out["facts"]
    assert facts.loc[facts["section"].notna(), "task_key"].notna().all()
    assert facts.loc[facts["section"].isna(), "task_key"].isna().all()
    assert facts["period"].notna().all()
    _, bulletins, links = extracted("planted")
    assert len(out["checks"]) == len(run_checks(bulletins, links))


def test_derive_tables_takes_plain_summary_names_and_no_heading_offsets() -> None:
    """The columns the build may hand over: `lead` for `summary_lead`, no title offsets."""
    f = frames()
    plain = f["bulletins"].rename(columns=lambda c: c.removeprefix("summary_"))
    bare = f["sections"].drop(columns=["title_start", "title_end"])
    out = derive_tables(plain, bare, f["facts"])
    pd.testing.assert_frame_equal(out["checks"], derived()["checks"])
    assert out["series"].equals(derived()["series"])


def test_derive_tables_is_deterministic() -> None:
    f = frames()
    shuffled = {k: v.sample(frac=1, random_state=1) for k, v in f.items()}
    out = derive_tables(shuffled["bulletins"], shuffled["sections"], shuffled["facts"])
    for name in ("series", "checks", "sections", "facts"):
        pd.testing.assert_frame_equal(
            out[name][sorted(out[name].columns)], derived()[name][sorted(out[name].columns)])


def test_find_task_by_key_tail_or_title() -> None:
    sections = derived()["sections"]
    key = find_task(sections, "众创空间")
    assert key.endswith("/2017/151")
    assert find_task(sections, key) == key
    assert find_task(sections, "2017/151") == key
    with pytest.raises(UsageError, match="matches"):
        find_task(sections, "建设")
    with pytest.raises(UsageError, match="no task"):
        find_task(sections, "不存在的任务")
