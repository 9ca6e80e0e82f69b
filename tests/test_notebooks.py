"""The notebooks run top to bottom: on a build, and on the synthetic sample without one."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from corpus.anomalies import planted_series
from pipeline.build import build
from tests.helpers import ROOT

NOTEBOOKS = ("timeseries", "audit")
CELL_TIMEOUT_S = 120


@pytest.fixture(scope="module")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three months of both publishers, built the way `make demo` builds."""
    corpus = tmp_path_factory.mktemp("nb-corpus")
    for page in planted_series().pages(republished=False):
        if page.source.endswith(("-04.html", "-05.html", "-06.html")):
            path = corpus / page.source
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(page.content)
    out = tmp_path_factory.mktemp("nb-build") / "out"
    build([str(corpus)], out, jobs=1)
    return out


def execute(name: str, data: Path, monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("BULLETINS_DATA", str(data))  # the kernel inherits the environment
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()  # raises CellExecutionError if any cell raises
    return nb


def outputs(nb: nbformat.NotebookNode) -> str:
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_a_build(
    name: str, small_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = execute(name, small_build, monkeypatch)
    assert f"reading the build in {small_build}" in outputs(nb)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_without_a_build(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = execute(name, tmp_path / "absent", monkeypatch)
    text = outputs(nb)
    assert "synthetic sample" in text
    has_image = any("image/png" in o.get("data", {}) for cell in nb.cells
                    if cell.cell_type == "code" for o in cell.outputs)
    assert has_image
