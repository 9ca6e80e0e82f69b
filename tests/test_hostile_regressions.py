"""The pipeline bugs the hostile tests found (issue 8), one minimal example each."""

from __future__ import annotations

import sqlite3

import pytest

import pipeline.build
from pipeline.build import build
from pipeline.errors import UnreadableInput, UsageError
from pipeline.read.decode import decode
from pipeline.read.document import extract
from pipeline.records import Page
from tests.hostile_helpers import SEED, extract_or_unreadable

SEED_TEXT = SEED.read_text(encoding="utf-8")


def test_flattened_page_keeps_its_text_after_the_breadcrumb() -> None:
    """chrome.py: a breadcrumb at the start of a one-line page took the whole line with it."""
    flat = SEED_TEXT.replace("\n", " ").encode()
    bulletin = extract(Page("flat", flat))
    assert "辽宁省《政府工作报告》2017年七月份工作完成情况" in bulletin.text
    assert "首页>>" not in bulletin.text
    assert len(bulletin.facts) >= 40


@pytest.mark.parametrize(("codec", "cut"), [
    ("utf-8", 1), ("utf-8", 2), ("utf-8-sig", 1), ("utf-8-sig", 2), ("gb18030", 1),
    ("utf-16", 1),
])
def test_text_cut_inside_its_last_character_is_read_with_a_warning(codec: str, cut: int) -> None:
    """decode.py: bytes cut mid-character were 'no text encoding' (or a raw UnicodeDecodeError
    with a BOM); a download cut short is still its encoding."""
    data = (SEED_TEXT.replace("\xa0", " ") + "新").encode(codec)[:-cut]
    declared = "text/plain; charset=gbk" if codec == "gb18030" else None
    decoded = decode(data, declared)
    assert decoded.text.endswith("相关新闻")
    assert any("truncated" in w for w in decoded.warnings), decoded.warnings
    assert extract_or_unreadable(Page("cut", data)) is not None


@pytest.mark.parametrize("html", [
    '<html class="a>' + "x" * 50,  # everything inside an open attribute: no document
    "<html>",  # readability hands back a page with no body
])
def test_degenerate_html_is_unreadable_input_not_a_crash(html: str) -> None:
    """html_text.py: lxml's ParserError and AssertionError escaped extract()."""
    with pytest.raises(UnreadableInput):
        extract(Page("h", html.encode()))


def test_control_characters_in_html_do_not_crash_the_main_text_pick() -> None:
    """html_text.py: an ESC in the body made lxml raise ValueError re-reading readability's pick."""
    body = "".join(f"<p>{line}</p>" for line in SEED_TEXT.splitlines()[:12])
    html = f"<html><head><title>t</title></head><body>\x1b{body}</body></html>"
    assert extract_or_unreadable(Page("h", html.encode())) is not None


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO-8859-1", "windows-1252", "latin1"])
@pytest.mark.parametrize("codec", ["gbk", "utf-8"])
def test_latin_label_on_chinese_bytes_is_a_wrong_declaration(label: str, codec: str) -> None:
    """decode.py: a Latin-1 label (Tomcat's default) read Chinese pages as mojibake, silently."""
    data = SEED_TEXT.replace("\xa0", " ").encode(codec)
    headers = (("Content-Type", f"text/html; charset={label}"),)
    bulletin = extract_or_unreadable(Page("l", data, headers))
    assert bulletin is not None and len(bulletin.facts) >= 40
    assert any("declaration is wrong" in w and repr(label) in w for w in bulletin.warnings)


def test_latin_label_on_latin_text_still_holds() -> None:
    decoded = decode("Grüße aus Köln, café".encode("latin-1"), "text/html; charset=iso-8859-1")
    assert decoded.text == "Grüße aus Köln, café" and not decoded.warnings


def test_big5_bytes_labelled_gbk_are_read_as_big5() -> None:
    """decode.py: Big5 bytes decode as GB18030 without error; the label won, mojibake out."""
    text = "遼寧省《政府工作報告》完成情況:共上會評審122家,通過評審119家。" * 3
    decoded = decode(text.encode("big5"), "text/html; charset=gbk")
    assert decoded.text == text
    assert any("'gbk'" in w and "wrong" in w for w in decoded.warnings)
    right = decode(text.encode("big5"), "text/html; charset=big5")
    assert right.text == text and not right.warnings


def test_full_disk_is_one_clear_error_and_the_previous_build_stays(
    tmp_path, monkeypatch
) -> None:
    """build.py: ENOSPC / 'database or disk is full' escaped as a traceback."""
    out = tmp_path / "out"
    build([str(SEED)], out, jobs=1)
    before = sorted(p.name for p in out.iterdir())

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(pipeline.build, "_write_outputs", full)
    with pytest.raises(UsageError, match=r"disk is full.*previous output.*unchanged"):
        build([str(SEED)], out, jobs=1)
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_other_sqlite_errors_still_raise(tmp_path, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("no such table: x")

    monkeypatch.setattr(pipeline.build, "_write_outputs", broken)
    with pytest.raises(sqlite3.OperationalError):
        build([str(SEED)], tmp_path / "out", jobs=1)
