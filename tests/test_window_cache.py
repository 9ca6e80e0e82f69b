"""The segmenter's answers kept between runs (extractors/window_cache.py): a kept answer is
the engine's own, a damaged or foreign file is ignored, the file is replaced whole, it
stays within its bound, and it lives where the environment says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractors import segment
from extractors.window_cache import FILE_NAME, WindowCache, fingerprint
from pipeline.read.document import extract
from pipeline.records import Bulletin, Page
from tests.helpers import ROOT, SEED

DOCS = [SEED, *sorted(p for p in (ROOT / "tests" / "heldout" / "docs").iterdir()
                      if p.suffix in (".txt", ".html"))[:4]]


def _clear_caches() -> None:
    """Forget every window and reading held in memory, so that each run below asks its
    windows afresh (from the kept file or the engine)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("extractors"):
            for value in vars(module).values():
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and value is not segment.engine:
                    clear()


def _extract_all() -> list[Bulletin]:
    _clear_caches()
    with segment.persisted():
        return [extract(Page(str(p), p.read_bytes())) for p in DOCS]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(segment.CACHE_ENV, str(tmp_path))
    return tmp_path


def test_a_kept_answer_equals_the_engines(cache_dir, monkeypatch) -> None:
    plain = [extract(Page(str(p), p.read_bytes())) for p in DOCS]
    cold = _extract_all()
    assert (cache_dir / FILE_NAME).is_file()

    def no_engine() -> segment.Engine:
        raise AssertionError("a window missed the kept answers")

    monkeypatch.setattr(segment, "engine", no_engine)  # every window must now be a hit
    monkeypatch.setattr(segment, "_miss_engine", no_engine)
    warm = _extract_all()
    assert cold == plain
    assert warm == plain
    assert any(b.facts for b in warm)  # the documents did ask the segmenter


def test_a_warm_extract_loads_no_segmenter(cache_dir) -> None:
    """The point of the file: a second `bulletins extract` of the same document loads no
    segmenter and no dictionary, and prints the same; the first asked jieba's dictionary
    index and loaded no rjieba (its windows are few)."""
    loaded = ("rjieba", "jieba", "extractors.jieba_index")
    script = ("import sys\nfrom pipeline.cli import main\nmain(['extract', sys.argv[1]])\n"
              f"print('loaded:', sorted(set({loaded!r}) & set(sys.modules)), file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", script, str(SEED)], cwd=ROOT, text=True,
                           capture_output=True, check=True, env={**os.environ})
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert "loaded: ['extractors.jieba_index']" in runs[0].stderr
    assert "loaded: []" in runs[1].stderr


def _cache(path: Path, limit: int = 100, identity: str = "engine A") -> WindowCache:
    return WindowCache(path, identity, limit)


@pytest.mark.parametrize("content", [
    b"", b"{not json", b"\xff\xfe\x00garbage", b'{"format": 1, "identity": "engine A", "windows"',
    b"[1, 2, 3]", b'{"format": 1, "identity": "engine A", "windows": []}',
    b'{"format": 999, "identity": "engine A", "windows": {"tag:\xe4\xb8\x89\xe4\xb8\xaa": []}}',
])
def test_a_damaged_file_is_ignored_and_replaced(tmp_path, content) -> None:
    path = tmp_path / FILE_NAME
    path.write_bytes(content)
    cache = _cache(path)
    assert cache.get("tag", "三个") is None
    cache.put("tag", "三个", [("三个", "m")])
    cache.save()
    assert _cache(path).get("tag", "三个") == [("三个", "m")]


@pytest.mark.parametrize("kind, answer", [
    ("tag", [["三", "m"]]),  # does not rebuild the window
    ("tag", [["三", "m", "x"], ["个", "q"]]),
    ("tag", [["三", 1], ["个", "q"]]),
    ("tag", "三个"),
    ("cut", ["三", "人"]),
    ("cut", ["三", None]),
])
def test_an_answer_the_engine_could_not_give_is_a_miss(tmp_path, kind, answer) -> None:
    path = tmp_path / FILE_NAME
    path.write_text(json.dumps({"format": 1, "identity": "engine A",
                                "windows": {f"{kind}:三个": answer}}), encoding="utf-8")
    assert _cache(path).get(kind, "三个") is None


def test_another_engine_build_is_not_trusted(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    cache = _cache(path, identity="engine A")
    cache.put("cut", "三个人", ["三个", "人"])
    cache.save()
    assert _cache(path, identity="engine A").get("cut", "三个人") == ["三个", "人"]
    assert _cache(path, identity="engine B").get("cut", "三个人") is None


def test_the_fingerprint_follows_the_engine_files_and_the_rules(tmp_path) -> None:
    package, other, rules = tmp_path / "engine", tmp_path / "other", tmp_path / "segment.py"
    package.mkdir()
    other.mkdir()
    (package / "dict.txt").write_text("三个 3 m\n", encoding="utf-8")
    rules.write_text("RULES = 1\n", encoding="utf-8")
    first = fingerprint("jieba", [package], [rules])
    assert fingerprint("jieba", [package], [rules]) == first
    assert fingerprint("rjieba", [package], [rules]) != first
    assert fingerprint("jieba", [package, other], [rules]) != first
    (package / "dict.txt").write_text("三个 3 m\n三好街 1 ns\n", encoding="utf-8")
    second = fingerprint("jieba", [package], [rules])
    assert second != first
    rules.write_text("RULES = 2\n", encoding="utf-8")
    assert fingerprint("jieba", [package], [rules]) != second


def test_saving_replaces_the_file_whole(tmp_path, monkeypatch) -> None:
    path = tmp_path / FILE_NAME
    cache = _cache(path)
    cache.put("cut", "三个人", ["三个", "人"])
    cache.save()
    before = path.read_bytes()

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    cache = _cache(path)
    cache.put("cut", "五个人", ["五个", "人"])
    cache.save()  # no exception: a cache that cannot be written costs time only
    assert path.read_bytes() == before  # the old file stands, not half of the new one
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]  # no temporary file left
    monkeypatch.undo()
    cache.save()  # still pending, written now
    assert _cache(path).get("cut", "五个人") == ["五个", "人"]


def test_a_run_with_hits_only_does_not_rewrite(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    cache = _cache(path)
    cache.put("cut", "三个人", ["三个", "人"])
    cache.save()
    stamp = path.stat().st_mtime_ns
    os.utime(path, ns=(stamp - 10**9, stamp - 10**9))
    cache = _cache(path)
    assert cache.get("cut", "三个人") == ["三个", "人"]
    cache.save()
    assert path.stat().st_mtime_ns == stamp - 10**9


def test_the_file_keeps_the_newest_windows_within_its_bound(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    for n in range(5):  # five runs, one new window each
        cache = _cache(path, limit=3)
        cache.put("cut", f"{n}个", [f"{n}", "个"])
        cache.save()
    kept = json.loads(path.read_text(encoding="utf-8"))["windows"]
    assert list(kept) == ["cut:2个", "cut:3个", "cut:4个"]
    # a window used again moves to the newest end and outlives older ones
    cache = _cache(path, limit=3)
    assert cache.get("cut", "2个") == ["2", "个"]
    cache.put("cut", "5个", ["5", "个"])
    cache.save()
    kept = json.loads(path.read_text(encoding="utf-8"))["windows"]
    assert list(kept) == ["cut:4个", "cut:2个", "cut:5个"]


def test_a_long_run_holds_no_more_than_the_bound(tmp_path) -> None:
    cache = _cache(tmp_path / FILE_NAME, limit=10)
    for n in range(1000):
        cache.put("cut", f"{n}个", [f"{n}", "个"])
    cache.save()
    kept = json.loads((tmp_path / FILE_NAME).read_text(encoding="utf-8"))["windows"]
    assert list(kept) == [f"cut:{n}个" for n in range(990, 1000)]


def test_runs_saving_one_after_another_merge(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    first, second = _cache(path), _cache(path)
    assert first.get("cut", "三个") is None and second.get("cut", "三个") is None
    first.put("cut", "三个人", ["三个", "人"])
    second.put("cut", "五个人", ["五个", "人"])
    first.save()
    second.save()  # reads what the first saved before replacing the file
    merged = _cache(path)
    assert merged.get("cut", "三个人") == ["三个", "人"]
    assert merged.get("cut", "五个人") == ["五个", "人"]


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_save_waits_its_turn_and_merges_the_save_before_it(tmp_path) -> None:
    """A build's pool workers end together and save at once: a save that comes while
    another holds the directory waits for it and merges what it wrote, so neither's
    windows are lost (without the turn, the one saved first would be replaced)."""
    from extractors.window_cache import _turn

    path = tmp_path / FILE_NAME
    script = ("import sys\nfrom pathlib import Path\n"
              "from extractors.window_cache import WindowCache\n"
              "cache = WindowCache(Path(sys.argv[1]), 'engine A', 100)\n"
              "cache.put('cut', '五个人', ['五个', '人'])\ncache.save()\n")
    with _turn(tmp_path):
        other = subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=ROOT)
        time.sleep(1.5)  # time enough to save, were it not waiting
        assert other.poll() is None and not path.exists()
        mine = _cache(path)
        mine.put("cut", "三个人", ["三个", "人"])
        mine._merge_and_write()  # as save does within its turn (the turn is held here)
    assert other.wait(timeout=60) == 0
    merged = _cache(path)
    assert merged.get("cut", "三个人") == ["三个", "人"]
    assert merged.get("cut", "五个人") == ["五个", "人"]


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_a_file_system_without_flock_still_saves(tmp_path, monkeypatch) -> None:
    import fcntl

    def refused(fd: int, operation: int) -> None:
        raise OSError("flock refused")

    monkeypatch.setattr(fcntl, "flock", refused)
    cache = _cache(tmp_path / FILE_NAME)
    cache.put("cut", "三个人", ["三个", "人"])
    cache.save()
    assert _cache(tmp_path / FILE_NAME).get("cut", "三个人") == ["三个", "人"]


def test_the_cache_directory_follows_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(segment.CACHE_ENV, str(tmp_path / "override"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert segment.cache_dir() == tmp_path / "override"
    _clear_caches()
    with segment.persisted():
        segment.words("共举办3场对接活动")
    assert (tmp_path / "override" / FILE_NAME).is_file()
    assert not (tmp_path / "xdg").exists()
    monkeypatch.delenv(segment.CACHE_ENV)
    assert segment.cache_dir() == tmp_path / "xdg" / "gov-bulletins"


def test_no_cache_directory_means_no_cache(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(segment.CACHE_ENV, str(blocker / "cache"))
    _clear_caches()
    window = "共举办3场对接活动"
    with segment.persisted():
        assert segment.words(window) == tuple(segment.engine().tag(window))
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_the_documents_exist() -> None:
    assert len(DOCS) == 5


def test_a_cache_counts_the_windows_its_file_holds(tmp_path) -> None:
    path = tmp_path / FILE_NAME
    assert len(_cache(path)) == 0
    cache = _cache(path)
    cache.put("cut", "三个人", ["三个", "人"])
    cache.save()
    assert len(_cache(path)) == 1
    assert len(_cache(path, identity="engine B")) == 0  # another engine's answers are none


def test_prepare_loads_the_engine_only_where_no_answers_are_kept(cache_dir, monkeypatch) -> None:
    """A build's pool loads the engine before it forks only on a first run (nothing kept),
    where every worker and the audit would otherwise each load their own."""
    from pipeline.read.document import kept_windows, prepare

    _clear_caches()
    with segment.persisted():
        segment.words("共举办3场对接活动")  # kept for the next runs
    loads: list[int] = []
    monkeypatch.setattr(segment, "engine", lambda: loads.append(1))
    with kept_windows():
        prepare()
    assert loads == []
    (cache_dir / FILE_NAME).unlink()
    with kept_windows():
        prepare()
    assert loads == [1]
    prepare()  # outside a persisted run, as before
    assert loads == [1, 1]
