"""The highlight page: every fact marked in its sentence, all text escaped, checked in the
DOM of a real browser (headless Chromium) where one is installed."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from pipeline.commands import show as show_command
from pipeline.errors import UsageError
from pipeline.records import Bulletin, Fact
from pipeline.views.show import find_bulletin, render
from tests.test_search import SEED, sample_bulletins, write_db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NASTY = '<script>alert("x")</script> & 共3家 "quoted" 企业</p>。\n新增<b>5个</b>。'


def _nasty_bulletin() -> Bulletin:
    def fact(text: str, value: int, unit: str) -> Fact:
        start = NASTY.index(text)
        return Fact(value=value, unit=unit, text=text, start=start, end=start + len(text))

    return Bulletin(source="<evil>.txt", sha256="e" * 64, text=NASTY, title="<i>标题</i>",
                    publisher="A&B", facts=(fact("3家", 3, "家"), fact("5个", 5, "个")))


def _marks(html: str) -> dict[int, str]:
    marks = _text(html).xpath(".//mark[@data-fact]")
    return {int(m.get("data-fact")): m.text_content() for m in marks}


def _text(html: str) -> lxml.html.HtmlElement:
    """The article element; lxml, because BeautifulSoup collapses whitespace between tags."""
    root = lxml.html.document_fromstring(html)
    assert isinstance(root, lxml.html.HtmlElement)  # an HTML parser's root is an HTML element
    return root.get_element_by_id("text")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("show")
    write_db(out / "bulletins.db", sample_bulletins())
    return out


def test_every_fact_is_marked_with_its_own_text(data: Path) -> None:
    bulletin = find_bulletin(str(SEED), data)
    marks = _marks(render(bulletin))
    assert marks == {i: f.text for i, f in enumerate(bulletin.facts)}


def test_all_text_is_escaped() -> None:
    page = render(_nasty_bulletin())
    assert "<script>" not in page and "<b>5个</b>" not in page and "<i>标题</i>" not in page
    assert _text(page).text_content() == NASTY
    assert lxml.html.document_fromstring(page).findtext(".//title") == "<i>标题</i>"
    assert _marks(page) == {0: "3家", 1: "5个"}


def test_nested_facts_nest_and_crossing_ones_stay_in_the_table() -> None:
    text = "共计新增企业120家。"
    facts = (
        Fact(120, "家", "120家", 6, 10),
        Fact(20, "家", "20家", 7, 10),   # inside the first: nested
        Fact(1, "家", "家。", 9, 11),     # crosses the first: table only
    )
    page = render(Bulletin(source="x", sha256="0" * 64, text=text, facts=facts))
    assert _marks(page) == {0: "120家", 1: "20家"}
    assert _text(page).text_content() == text
    assert page.count("<tr><td>") == 3


def test_documents_are_found_by_id_prefix_source_or_file(data: Path, tmp_path: Path) -> None:
    seed, other = sample_bulletins()
    assert find_bulletin(other.sha256[:8], data).text == other.text
    assert find_bulletin("shenyang.txt", data).sha256 == other.sha256
    assert find_bulletin(str(SEED), tmp_path).text == seed.text  # no build there: extracted
    with pytest.raises(UsageError):
        find_bulletin("no-such-doc", data)


def test_command_writes_the_page(data: Path, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    show_command.add_arguments(parser)
    out = tmp_path / "page.html"
    args = parser.parse_args(["555555", "--data", str(data), "--out", str(out)])
    assert show_command.run(args) == 0
    assert "众创空间" in out.read_text(encoding="utf-8")


@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="needs Chromium: apt-get install -y chromium")
@pytest.mark.parametrize("which", ["seed", "nasty"])
def test_marks_in_the_browser_dom_equal_the_facts(data: Path, tmp_path: Path, which: str) -> None:
    bulletin = find_bulletin(str(SEED), data) if which == "seed" else _nasty_bulletin()
    page = tmp_path / "page.html"
    page.write_text(render(bulletin), encoding="utf-8")
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    assert "<article" in dom
    assert _marks(dom) == {i: f.text for i, f in enumerate(bulletin.facts)}
    assert _text(dom).text_content() == bulletin.text
