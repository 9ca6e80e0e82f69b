"""`bulletins diff` and `bulletins series` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from corpus.anomalies import planted_series
from pipeline.build import build
from pipeline.cli import main
from pipeline.records import Page
from pipeline.views.charts import cjk_font
from scrapers.fetch import Exchange
from scrapers.warc import PUBLISHER_FIELD, WarcSeries


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted year as files, one folder per publisher, as a crawl would keep them."""
    root = tmp_path_factory.mktemp("corpus")
    for page in planted_series().pages():
        path = root / page.source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page.content)
    return root


def _archive(pages: list[Page], folder: Path) -> Path:
    """The pages as a crawl keeps them: WARC records naming their site profile's publisher
    (not every synthetic page names it, and a folder name is no publisher)."""
    folder.mkdir()
    warc = WarcSeries(folder, "bulletins", info={"software": "tests"})
    for page in pages:
        assert page.url and page.publisher
        warc.write(Exchange(page.url, (), 200, "OK", "HTTP/1.1",
                            (("Content-Type", "text/html"),), page.content,
                            "2017-12-31T00:00:00Z"),
                   {PUBLISHER_FIELD: page.publisher})
    warc.close()
    return folder


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two builds of the crawled archive: up to May, and up to June."""
    root = tmp_path_factory.mktemp("builds")
    out = []
    for last in (5, 6):
        months = [p for p in planted_series().pages() if int(Path(p.source).stem[5:]) <= last]
        build([str(_archive(months, root / f"archive-{last}"))], root / f"to-{last}", jobs=1)
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
