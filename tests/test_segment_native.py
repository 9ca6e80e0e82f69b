"""The native segmenter (rjieba) answers exactly as jieba does, so choosing it changes speed only.

Held over every gold and red-team document: the whole extraction with each engine, and
each engine's words and flags on every line of those documents.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors import jieba_blocks, segment
from pipeline.errors import UnreadableInput
from pipeline.read.document import extract
from pipeline.records import Bulletin, Page
from tests.helpers import ROOT, SHARED

pytest.importorskip("rjieba", reason="rjieba (jieba-rs) is not installed: jieba alone answers")

DOCS = sorted(
    p
    for folder in [*(SHARED / "corpus").glob("*"), *ROOT.glob("tests/heldout*/docs")]
    if folder.is_dir()
    for p in folder.iterdir()
    if p.suffix in (".txt", ".html", ".htm")
)

# Where the two dictionaries' tokenisers could part: glued letter/digit runs (jieba tags
# them `eng`, jieba-rs `m` when all digits), one-letter words, dictionary words of letters
# and digits, characters outside jieba's Chinese range or outside its dictionary (`豈`),
# jieba's block punctuation, and whitespace runs.
EDGES = ("3D打印", "abc12 3个", "A股市场", "12个", "5G基站", "2023年", "U盘", "x86架构",
         "第3.5项", "1+1", "C#语言", "100%完成", "  \r\n 中文\t", "㐀龥鿿豈", "豈有此理",
         "共举办3场对接活动", "a-b_c.d&e")


@pytest.fixture(scope="module")
def engines() -> dict[str, segment.Engine]:
    return {"native": segment.NativeEngine(), "jieba": segment.JiebaEngine()}


def _with(engine: segment.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segment, "engine", lambda: engine)
    _clear_caches()


def _clear_caches() -> None:
    """Empty every cache of the extractors: the windows' words and the readings made from
    them (context, measures), so that each engine answers from scratch."""
    for name, module in list(sys.modules.items()):
        if name.startswith("extractors"):
            for value in vars(module).values():
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def _extract(path: Path) -> Bulletin | str:
    try:
        return extract(Page(str(path), path.read_bytes()))
    except UnreadableInput as e:
        return f"unreadable: {e}"


def _lines(paths: list[Path]) -> Iterator[str]:
    for path in paths:
        out = _extract(path)
        if isinstance(out, Bulletin):
            yield from (line for line in out.text.splitlines() if line.strip())


def test_documents_exist() -> None:
    assert len(DOCS) >= 50, "gold and red-team documents missing"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_extraction_is_the_same_with_either_engine(path, engines, monkeypatch) -> None:
    _with(engines["native"], monkeypatch)
    native = _extract(path)
    _with(engines["jieba"], monkeypatch)
    assert _extract(path) == native
    _clear_caches()


def test_words_and_flags_are_the_same_on_every_line(engines) -> None:
    native, jieba = engines["native"], engines["jieba"]
    lines = [*_lines(DOCS), *EDGES]
    assert len(lines) > 1000
    for line in lines:
        assert native.tag(line) == jieba.tag(line), line
        assert native.cut(line) == jieba.cut(line), line


def test_block_rules_are_jiebas_own() -> None:
    import jieba
    import jieba.posseg

    assert jieba.re_han_default.pattern == jieba_blocks.CUT_BLOCK
    assert jieba.re_skip_default.pattern == jieba_blocks.SKIP
    assert jieba.posseg.re_skip_internal.pattern == jieba_blocks.SKIP
    assert jieba.posseg.re_han_internal.pattern == jieba_blocks.TAG_BLOCK
    assert jieba.posseg.re_num.pattern == jieba_blocks.TAG_NUM
    assert jieba.posseg.re_eng.pattern == jieba_blocks.TAG_ENG


def test_python_engine_can_be_forced(monkeypatch) -> None:
    monkeypatch.setenv(segment.ENGINE_ENV, "python")
    segment.engine.cache_clear()
    try:
        assert segment.engine().name == "jieba"
    finally:
        segment.engine.cache_clear()


def test_dictionary_cache_lives_in_the_users_cache_dir(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(segment.CACHE_ENV, raising=False)  # tests/conftest.py sets it
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert segment.cache_dir() == tmp_path / "gov-bulletins"
    assert segment.cache_dir().is_dir()
