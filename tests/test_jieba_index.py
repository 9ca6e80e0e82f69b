"""jieba's cut over the SQLite index of its dictionary (extractors/jieba_index.py) answers
exactly as jieba does, so a one-file `extract` may use it instead of loading a dictionary;
a stale or damaged index is built again, and no index means the engine answers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import segment
from extractors.jieba_index import FILE_NAME, IndexEngine, build
from pipeline.read.document import extract
from pipeline.records import Page
from tests.helpers import SEED
from tests.test_segment_native import DOCS, EDGES, _clear_caches, _lines

JIEBA_DIR = segment._package_dir("jieba")
DICTIONARY = JIEBA_DIR / "dict.txt" if JIEBA_DIR else Path("missing")
pytestmark = pytest.mark.skipif(not DICTIONARY.is_file(), reason="jieba is not installed")


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> IndexEngine:
    return IndexEngine(tmp_path_factory.mktemp("index") / FILE_NAME, DICTIONARY)


@pytest.fixture(scope="module")
def jieba_engine() -> segment.JiebaEngine:
    return segment.JiebaEngine()


def test_words_and_flags_are_jiebas_on_every_line(index, jieba_engine) -> None:
    lines = [*_lines(DOCS), *EDGES]
    assert len(lines) > 1000
    for line in lines:
        assert index.tag(line) == jieba_engine.tag(line), line
        assert index.cut(line) == jieba_engine.cut(line), line


# A small dictionary in jieba's format with what its reader must get right: a word given
# twice (the last frequency and flag count, both lines count in the total), a word of
# frequency 0 (a prefix but no node of the route), words of letters and digits, and words
# whose scores can tie.
SMALL = """三 100 m
三个 300 m
个人 300 n
人 50 n
个 80 q
三好街 20 ns
好 200 a
街 40 n
好街 0 n
A股 30 n
ab 10 eng
三个 500 m
12 5 m
二 3 m
二二 9 m
"""
ALPHABET = "三个人好街A股ab12二 ,\r\n%.#"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[IndexEngine, segment.Engine]:
    import jieba
    import jieba.posseg

    folder = tmp_path_factory.mktemp("small")
    dictionary = folder / "dict.txt"
    dictionary.write_text(SMALL, encoding="utf-8")
    tokenizer = jieba.Tokenizer(str(dictionary))
    tokenizer.tmp_dir = str(folder)
    tagger = jieba.posseg.POSTokenizer(tokenizer)

    class SmallJieba:
        name = "jieba"

        def cut(self, text: str) -> list[str]:
            return tokenizer.lcut(text, HMM=False)

        def tag(self, text: str) -> list[tuple[str, str]]:
            return [(p.word, p.flag) for p in tagger.lcut(text, HMM=False)]

    return IndexEngine(folder / FILE_NAME, dictionary), SmallJieba()


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=14))
def test_the_route_is_jiebas_on_any_text(small, text: str) -> None:
    index, jieba_small = small
    assert index.cut(text) == jieba_small.cut(text)
    assert index.tag(text) == jieba_small.tag(text)


def test_a_stale_or_damaged_index_is_built_again(tmp_path) -> None:
    dictionary, path = tmp_path / "dict.txt", tmp_path / FILE_NAME
    dictionary.write_text(SMALL, encoding="utf-8")
    assert IndexEngine(path, dictionary).cut("三个人") == ["三", "个人"]
    dictionary.write_text(SMALL + "三个人 9999 n\n", encoding="utf-8")  # the dictionary changed
    assert IndexEngine(path, dictionary).cut("三个人") == ["三个人"]
    path.write_bytes(b"SQLite format 3\x00" + b"\xee" * 4096)  # damaged
    assert IndexEngine(path, dictionary).cut("三个人") == ["三个人"]
    path.write_bytes(b"")
    assert IndexEngine(path, dictionary).cut("三个人") == ["三个人"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([FILE_NAME, "dict.txt"])


def test_a_build_that_fails_leaves_no_file(tmp_path, monkeypatch) -> None:
    dictionary, path = tmp_path / "dict.txt", tmp_path / FILE_NAME
    dictionary.write_text(SMALL + "no frequency here\n", encoding="utf-8")
    with pytest.raises(ValueError):
        build(dictionary, path)
    dictionary.write_text(SMALL, encoding="utf-8")

    def full_disk(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        build(dictionary, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dict.txt"]  # no half-built file


def _extract_seed() -> object:
    _clear_caches()
    with segment.persisted():
        return extract(Page(str(SEED), SEED.read_bytes()))


def test_a_persisted_run_gives_the_plain_output_past_the_index_windows(monkeypatch) -> None:
    """The first windows go to the index, the rest to the loaded engine, or all to the
    engine when there is no index: the output is the same."""
    _clear_caches()
    plain = extract(Page(str(SEED), SEED.read_bytes()))
    for limit in (0, 5, 10_000):
        monkeypatch.setattr(segment, "INDEX_WINDOWS", limit)
        (Path(segment.cache_dir()) / segment.FILE_NAME).unlink(missing_ok=True)
        assert _extract_seed() == plain, limit


def test_no_index_means_the_engine_answers(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(segment.CACHE_ENV, str(blocker / "cache"))
    segment._index_engine.cache_clear()
    try:
        assert segment._index_engine() is None
        assert segment._miss_engine() is segment.engine()
    finally:
        segment._index_engine.cache_clear()
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_without_build_missing_only_a_built_index_answers(tmp_path) -> None:
    """A build asks the index only when an earlier run built it (segment.persisted's
    build_index=False): a missing or stale one is refused and left as it was."""
    dictionary, path = tmp_path / "dict.txt", tmp_path / FILE_NAME
    dictionary.write_text(SMALL, encoding="utf-8")
    with pytest.raises(ValueError):
        IndexEngine(path, dictionary, build_missing=False)
    assert not path.exists()
    IndexEngine(path, dictionary)  # built by a run that may build it
    assert IndexEngine(path, dictionary, build_missing=False).cut("三个人") == ["三", "个人"]
    dictionary.write_text(SMALL + "三个人 9999 n\n", encoding="utf-8")
    built = path.read_bytes()
    with pytest.raises(ValueError):
        IndexEngine(path, dictionary, build_missing=False)
    assert path.read_bytes() == built


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
def test_a_fork_leaves_no_index_connection_open_across_it(tmp_path, monkeypatch) -> None:
    """A build's pool workers may open the index themselves: what this process opened is
    closed before it forks, and opened again when a window needs it."""
    monkeypatch.setenv(segment.CACHE_ENV, str(tmp_path))
    segment._index_engine.cache_clear()
    try:
        assert segment._index_engine(False) is None  # none built here: the engine answers
        assert segment._index_engine.cache_info().currsize == 1
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        assert segment._index_engine.cache_info().currsize == 0
    finally:
        segment._index_engine.cache_clear()
