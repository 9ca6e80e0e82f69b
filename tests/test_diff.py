"""`bulletins diff` and `bulletins series` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from corpus.anomalies import PLANTS, planted_series
from corpus.synthetic import PUBLISHERS
from pipeline.build import build
from pipeline.cli import main
from pipeline.views.charts import cjk_font
from tests.helpers import SEED, archive_pages


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted year as files, one folder per publisher, as a crawl would keep them."""
    root = tmp_path_factory.mktemp("corpus")
    for page in planted_series().pages(republished=False):
        path = root / page.source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page.content)
    return root


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two builds of the crawled archive: up to May, and up to June."""
    root = tmp_path_factory.mktemp("builds")
    out = []
    for last in (5, 6):
        months = [p for p in planted_series().pages(republished=False)
                  if int(Path(p.source).stem[5:]) <= last]
        build([str(archive_pages(months, root / f"archive-{last}"))], root / f"to-{last}", jobs=1)
        out.append(root / f"to-{last}")
    return out[0], out[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "diff" in out and "series" in out


def test_diff_two_files_as_json(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kjt = corpus / "synthetic" / "kjt"
    found = json.loads(run(capsys, "diff", str(kjt / "2017-08.html"), str(kjt / "2017-09.html"),
                           "--format", "json"))["checks"]
    recycled = [c for c in found if c["check"] == "recycled_text"]
    assert len(recycled) == 1
    assert recycled[0]["task_key"].endswith("/164")
    assert recycled[0]["text"] == recycled[0]["other_text"]  # the same prose, word for word
    assert recycled[0]["source"].endswith("2017-09.html")


def test_diff_two_periods_of_a_build(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, "diff", str(builds[1]), "2017-05", "2017-06")
    assert "count_decreased" in out and "task_dropped" in out
    rows = list(csv.DictReader(io.StringIO(run(
        capsys, "diff", str(builds[1]), "2017-05", "2017-06", "--publisher", "工业和信息化",
        "--format", "csv"))))
    assert {r["check"] for r in rows} == {"task_dropped"}


def test_diff_two_builds(builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    found = json.loads(run(capsys, "diff", str(builds[0]), str(builds[1]),
                           "--format", "json"))["checks"]
    assert {c["period"] for c in found} == {"2017-06"}
    assert {"count_decreased", "task_dropped"} <= {c["check"] for c in found}


def test_diff_reports_value_changes_per_task_and_measure(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kjt = corpus / "synthetic" / "kjt"
    old, new = str(kjt / "2017-05.html"), str(kjt / "2017-06.html")
    found = json.loads(run(capsys, "diff", old, new, "--format", "json"))
    assert found["identical"] is False
    changes = {(c["task_key"].rsplit("/", 1)[-1], c["basis"], c["unit"]): c
               for c in found["changes"]}
    change = changes[("148", "cumulative", "场")]
    assert (change["before"], change["after"], change["change"]) == (42, 39, -3)  # planted
    assert change["before_text"] and change["after_text"]
    table = run(capsys, "diff", old, new)
    assert "measure" in table and "before" in table and "values changed" in table
    rows = list(csv.DictReader(io.StringIO(run(capsys, "diff", old, new, "--format", "csv",
                                               "--values"))))
    assert {"measure", "before", "after", "change"} <= set(rows[0])


def test_diff_of_a_document_with_itself_says_identical(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = str(corpus / "synthetic" / "kjt" / "2017-05.html")
    assert run(capsys, "diff", page, page) == "the two documents are identical\n"
    found = json.loads(run(capsys, "diff", page, page, "--format", "json"))
    assert found == {"identical": True, "changes": [], "checks": []}


@pytest.mark.parametrize("period", ["2017-6", "2017-13", "2017Q2", "17-06", "2017-Q5"])
def test_diff_malformed_period_is_one_clear_line(
    builds: tuple[Path, Path], period: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(builds[1]), "2017-05", period]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"{period!r} is not a period" in err and "YYYY-MM" in err and "YYYY-Qn" in err


def test_diff_of_a_build_with_itself_says_identical_in_every_format(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(capsys, "diff", str(builds[1]), str(builds[1]))
    assert out == "the two builds' latest bulletins are identical\n"
    assert main(["diff", str(builds[1]), str(builds[1]), "--format", "csv"]) == 0
    written = capsys.readouterr()
    assert "identical" in written.err
    assert list(csv.DictReader(io.StringIO(written.out))) == []


def test_diff_prints_no_none_for_undated_unnumbered_bulletins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No period, no publisher, a task dropped and one added, a count that falls."""
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("一、建设数字化车间\n累计建成数字化车间30个。\n"
                   "二、培育专精特新企业（已完成）\n累计认定企业40家。\n", encoding="utf-8")
    new.write_text("一、建设数字化车间\n累计建成数字化车间28个。\n"
                   "二、培育专精特新企业\n累计认定企业40家。\n三、推进数字经济\n本月签约项目3个。\n",
                   encoding="utf-8")
    table = run(capsys, "diff", str(old), str(new))
    assert {"count_decreased", "status_regressed", "task_added"} <= set(table.split())
    for extra in ([], ["--values"]):
        written = run(capsys, "diff", str(old), str(new), "--format", "csv", *extra)
        assert len(list(csv.DictReader(io.StringIO(written)))) >= 2
        assert "None" not in written and "nan" not in written
    assert "None" not in table


@pytest.fixture(scope="module")
def republished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted year crawled with its re-publications: one edited, one the same bytes."""
    root = tmp_path_factory.mktemp("republished")
    archive = archive_pages(planted_series().pages(), root / "archive")
    assert main(["build", str(archive), "--out", str(root / "out"), "--jobs", "1",
                 "--quiet"]) == 0
    return root / "out"


def test_an_edited_republication_is_revised_with_both_versions_as_evidence(
    republished: Path,
) -> None:
    series = planted_series()
    bulletins = pd.read_parquet(republished / "bulletins.parquet")
    checks = pd.read_parquet(republished / "checks.parquet")
    # both versions of each edited bulletin are kept; the unchanged refetch is one document
    assert len(bulletins) == len(series.bulletins) + len(PLANTS)
    revised = checks[checks["check"] == "revised"]
    expected = {(e.publisher, e.period) for e in series.expected if e.check == "revised"}
    publisher_key = {p.name: p.key for p in PUBLISHERS}
    assert {(publisher_key[p], period) for p, period in zip(
        revised["publisher"], revised["period"], strict=True)} == expected
    assert set(revised["severity"]) == {"medium"} and revised["reason"].notna().all()
    fetched = dict(zip(bulletins["doc_id"], bulletins["fetched"], strict=True))
    texts = dict(zip(bulletins["doc_id"], bulletins["text"], strict=True))
    for row in revised.itertuples():
        assert fetched[row.other_doc_id] < fetched[row.doc_id]  # the newer one is the finding's
        assert texts[row.doc_id][row.start:row.end] == row.text
        assert texts[row.other_doc_id][row.other_start:row.other_end] == row.other_text
    assert any("→ (已完成)" in d for d in revised["detail"])  # a status edited
    assert any(d.startswith("tally edited: completed") for d in revised["detail"])
    # every other planted finding is still found once, from the newest version only
    others = checks[checks["check"] != "revised"]
    assert not others.duplicated(["check", "task_key", "period", "start"]).any()
    assert set(others["doc_id"]).isdisjoint(set(revised["other_doc_id"]))


def test_only_the_newest_version_counts_in_series_and_diff(
    republished: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = pd.read_parquet(republished / "series.parquet")
    assert not rows.duplicated(["task_key", "measure", "basis", "period"]).any()
    found = json.loads(run(capsys, "diff", str(republished), "2017-08", "2017-09",
                           "--publisher", "科学技术厅", "--format", "json"))
    no, month = PLANTS["kjt"]["revised"]
    first, edited = (next(t for b in versions if b.publisher == "kjt" and b.month == month
                          for t in b.tasks if t.no == no).counts[0]
                     for versions in (planted_series().bulletins, planted_series().republished))
    after = {c["after_text"] for c in found["changes"] if c["task_key"].endswith(f"/{no}")}
    assert f"{edited.value}{edited.unit}" in after  # the edited figure
    assert f"{first.value}{first.unit}" not in after  # not the first version's


def test_diff_unknown_period_is_a_usage_error(
    builds: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(builds[1]), "2016-05", "2016-06"]) == 1
    assert "no publisher has bulletins" in capsys.readouterr().err


def test_series_table_and_plot(
    builds: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import matplotlib.image as mpimg

    png = tmp_path / "task.png"
    out = run(capsys, "series", str(builds[1]), "--task", "众创空间", "--plot", str(png))
    assert "备案 众创空间 (家)" in out and "2017-06" in out
    pixels = mpimg.imread(png)
    assert pixels.shape[0] > 100 and pixels[..., :3].std() > 0.05  # something was drawn
    assert (pixels[..., :3] < 0.5).mean() > 0.005  # lines and labels, not a blank canvas


def test_a_cjk_font_is_installed_and_draws_chinese() -> None:
    """The set-up installs one (fonts-wqy-microhei); without it labels are boxes."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    name = cjk_font()
    if name is None:
        pytest.skip("no CJK font installed: apt-get install fonts-wqy-microhei")
    path = font_manager.findfont(font_manager.FontProperties(family=name),
                                 fallback_to_default=False)
    font = FT2Font(path)
    missing = [c for c in "备案众创空间进展完成情况" if font.get_char_index(ord(c)) == 0]
    assert not missing, f"{name} ({path}) has no glyph for {missing}"


def test_diff_of_two_files_takes_the_publisher_pages_do_not_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("一、建设数字化车间\n累计建成数字化车间30个。\n", encoding="utf-8")
    new.write_text("一、建设数字化车间\n累计建成数字化车间28个。\n", encoding="utf-8")
    found = json.loads(run(capsys, "diff", str(old), str(new), "--publisher", "科学技术厅",
                           "--format", "json"))
    assert [c["publisher"] for c in found["checks"]] == ["科学技术厅"]
    assert [c["task_key"] for c in found["changes"]] == ["科学技术厅/undated/1"]
    unnamed = json.loads(run(capsys, "diff", str(old), str(new), "--format", "json"))
    assert "科学技术厅" not in json.dumps(unnamed, ensure_ascii=False)
    # a page that names its publisher keeps it: the option fills a gap, it overrides nothing
    later = tmp_path / "later.txt"
    later.write_text(SEED.read_text(encoding="utf-8").replace("122家", "120家", 1),
                     encoding="utf-8")
    named = json.loads(run(capsys, "diff", str(SEED), str(later), "--publisher", "别的厅",
                           "--format", "json"))
    assert named["changes"]
    assert all(c["task_key"].startswith("辽宁省科学技术厅/") for c in named["changes"])
