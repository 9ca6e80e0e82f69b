"""jieba, on small windows only: the slowest step, so it runs where a regex cannot decide.

Two questions go to jieba: is a Chinese numeral a word of its own (`三个` yes, `三好街`,
`统一` no), and which words around a count are nouns (its object) or verbs (its predicate).

Two engines answer them with the same words and flags: rjieba (jieba-rs, the same
dictionary as jieba 0.42 compiled into Rust) when it is installed, else jieba itself. Both
are asked only for jieba's "Chinese blocks"; the text between blocks is split by jieba's
own rules (extractors/jieba_blocks.py), so the native engine never decides what jieba
would not. tests/test_segment_native.py holds the two to equal output over every gold and
red-team document. Neither loads before a window needs it: a document without a count
never pays for a dictionary.

A one-file `extract` loads neither when it can (``persisted``, issue 16: start-up): it takes
the answers earlier runs kept in the cache directory (extractors/window_cache.py), and asks
its first other windows of jieba's route over an index of its dictionary
(extractors/jieba_index.py, tests/test_jieba_index.py), which reads only the words a window
can hold. A build takes the kept answers too, in each of its processes, but asks the index
only where an earlier run built it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol, overload

from extractors.jieba_blocks import BlockEngine
from extractors.window_cache import FILE_NAME, Answer, Tagged, WindowCache, fingerprint

log = logging.getLogger(__name__)

# jieba part-of-speech flags read as nouns when building a counted thing's name.
# `l` (粮食作物, 专项规划) and `zg` (村) are how jieba tags many domain nouns.
NOUN_FLAGS = frozenset(
    {"n", "nr", "ns", "nt", "nz", "ng", "nrt", "nrfg", "j", "eng", "nw", "l", "zg"}
)
VERB_FLAGS = frozenset({"v", "vd", "vi", "vg", "vq"})

ENGINE_ENV = "BULLETINS_SEGMENTER"  # "python" forces jieba itself even where rjieba exists
CACHE_ENV = "BULLETINS_CACHE_DIR"  # the project's cache directory, instead of the user's
# Readings made from short phrases (extractors/context.py, extractors/measures.py) kept per
# function: the phrases that recur across bulletins stay, and a long build of diverse pages
# holds a few MB per cache rather than tens.
READINGS_CACHED = 8192


class Engine(Protocol):
    name: str

    def cut(self, text: str) -> list[str]: ...

    def tag(self, text: str) -> list[tuple[str, str]]: ...


class JiebaEngine:
    """jieba itself: dictionary words only (no HMM guesses for unknown words)."""

    name = "jieba"

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        # jieba keeps its prebuilt prefix dictionary in the temp directory by default;
        # the user's cache directory outlives reboots and is theirs alone (where it cannot
        # be made, jieba's default stands).
        with contextlib.suppress(OSError):
            jieba.dt.tmp_dir = str(cache_dir())
        import jieba.posseg

        self._lcut = jieba.lcut
        self._pos_lcut = jieba.posseg.lcut

    def cut(self, text: str) -> list[str]:
        return self._lcut(text, HMM=False)

    def tag(self, text: str) -> list[tuple[str, str]]:
        return [(w.word, w.flag) for w in self._pos_lcut(text, HMM=False)]


class NativeEngine(BlockEngine):
    """rjieba on jieba's Chinese blocks, jieba's rules between them."""

    name = "rjieba"

    def __init__(self) -> None:
        import rjieba  # its import builds the dictionary once; a Jieba() would build another

        super().__init__()
        self._jieba = rjieba
        # has_word of the characters met so far as one-character words (a bounded set): the
        # dictionary does not change, and a dict lookup is a third of a call into rjieba
        self._known: dict[str, bool] = {}

    def _cut_block(self, block: str) -> list[str]:
        return self._jieba.cut(block, False)

    def _tag_block(self, block: str) -> list[tuple[str, str]]:
        # jieba glues runs of one-letter (or one-digit) words into one `eng` word and tags
        # every other word by the dictionary, `x` when it has none. jieba-rs tags a glued
        # run `m` when it is all digits, a one-letter word by the dictionary, and guesses a
        # flag for some characters outside it (`豈` d). Only one-character words and glued
        # runs can be missing from the dictionary: a longer word is the dictionary's own.
        tagged = self._jieba.tag(block, False)
        for k, (word, _) in enumerate(tagged):
            if word.isascii() and word.isalnum():
                if len(word) == 1 or not self._jieba.has_word(word):
                    tagged[k] = (word, "eng")
            elif len(word) == 1 and not self._is_word(word):
                tagged[k] = (word, "x")
        return tagged

    def _is_word(self, char: str) -> bool:
        known = self._known.get(char)
        if known is None:
            known = self._known[char] = self._jieba.has_word(char)
        return known


def cache_dir() -> Path:
    """The project's cache directory: $BULLETINS_CACHE_DIR, else gov-bulletins in the
    user's (XDG_CACHE_HOME, else ~/.cache)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        path = Path(override)
    else:
        home_cache = os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(os.environ.get("XDG_CACHE_HOME") or home_cache) / "gov-bulletins"
    path.mkdir(parents=True, exist_ok=True)
    return path


def native_available() -> bool:
    """rjieba is installed: found, not imported (its import builds its dictionary)."""
    return importlib.util.find_spec("rjieba") is not None


def engine_name() -> str:
    """The name of the engine ``engine()`` loads, known without loading it."""
    if os.environ.get(ENGINE_ENV, "").lower() != "python" and native_available():
        return NativeEngine.name
    return JiebaEngine.name


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The engine every window goes to, loaded on first use."""
    if engine_name() == NativeEngine.name:
        with contextlib.suppress(ImportError):  # found but broken: jieba answers alike
            return NativeEngine()
    return JiebaEngine()


# The answers kept between runs, while ``persisted`` is open (the `extract` command).
_kept: WindowCache | None = None
# A persisted run's first windows missing from the kept answers go to jieba's dictionary
# index (extractors/jieba_index.py, ~85 µs a window); loading rjieba costs ~0.14 s once and
# then ~15 µs a window, so past this many misses the run loads it (the same answers:
# tests/test_jieba_index.py).
INDEX_WINDOWS = 1500
# The modules whose code decides the answers besides the engines' own packages.
RULE_MODULES = ("segment", "jieba_blocks", "jieba_index")
_misses = 0
# Whether this persisted run may build the dictionary index when there is none (see
# ``persisted``).
_build_index = True


def _package_dir(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    found = spec.submodule_search_locations if spec else None
    return Path(found[0]) if found else None


@contextlib.contextmanager
def persisted(build_index: bool = True) -> Iterator[None]:
    """Within it, a window is answered from the answers earlier runs kept in the cache
    directory when it is there, else by jieba's dictionary index or the engine (loaded only
    then); on leaving, the new answers are merged into the file. Without a usable cache
    directory the engine answers every window, as outside.

    ``build_index=False`` (a build): the index answers only when an earlier run built it,
    the engine otherwise. A run that may ask hundreds of new windows would not win back
    the index's first build (~0.9 s) over loading rjieba (~0.12 s) when it has none."""
    global _kept, _misses, _build_index
    try:
        name = engine_name()
        modules = ["rjieba", "jieba"] if name == NativeEngine.name else ["jieba"]
        here = Path(__file__).parent
        identity = fingerprint(name, [d for m in modules if (d := _package_dir(m))],
                               [here / f"{m}.py" for m in RULE_MODULES])
        _kept = WindowCache(cache_dir() / FILE_NAME, identity)
    except OSError as exc:
        log.debug("no segmenter window cache: %s", exc)
    _misses = 0
    _build_index = build_index
    try:
        yield
    finally:
        _build_index = True
        kept, _kept = _kept, None
        if kept is not None:
            kept.save()


def answers_kept() -> bool:
    """Whether this persisted run found answers kept by earlier runs (False outside one):
    a run that found none is likely a machine's first, whose windows all go to the engine."""
    return bool(_kept)


@lru_cache(maxsize=2)
def _index_engine(build: bool = True) -> Engine | None:
    """jieba's cut over the index of its dictionary in the cache directory (built on first
    use unless ``build`` is False), or None when jieba's dictionary, the cache directory
    or, without ``build``, an index built already cannot be had."""
    import sqlite3

    from extractors.jieba_index import FILE_NAME as INDEX_FILE
    from extractors.jieba_index import IndexEngine

    jieba_dir = _package_dir("jieba")
    if jieba_dir is None:
        return None
    try:
        return IndexEngine(cache_dir() / INDEX_FILE, jieba_dir / "dict.txt",
                           build_missing=build)
    except (OSError, ValueError, sqlite3.Error) as exc:
        log.debug("no jieba dictionary index: %s", exc)
        return None


# The connection to the dictionary index is closed before this process forks (a build's
# pool workers may open the index themselves): a connection carried across a fork is one
# SQLite warns against (sqlite.org/howtocorrupt.html). It opens again on the next window
# that needs it.
if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(before=_index_engine.cache_clear)


def _miss_engine() -> Engine:
    """The engine for a window a persisted run's kept answers lack (see INDEX_WINDOWS)."""
    global _misses
    _misses += 1
    if _misses <= INDEX_WINDOWS:
        index = _index_engine(_build_index)
        if index is not None:
            return index
    elif _misses == INDEX_WINDOWS + 1:
        _index_engine.cache_clear()  # its connection and the words it looked up go
    return engine()


@overload
def _answer(kind: Literal["tag"], text: str) -> Tagged: ...
@overload
def _answer(kind: Literal["cut"], text: str) -> list[str]: ...
def _answer(kind: str, text: str) -> Answer:
    """The engine's answer of this kind ("tag" or "cut") for ``text``, from the kept
    answers when they hold it. Every engine gives jieba's answers (tests/
    test_segment_native.py, tests/test_jieba_index.py), so any of them may fill the file."""
    kept = _kept
    if kept is None:
        eng = engine()
        return eng.tag(text) if kind == "tag" else eng.cut(text)
    hit = kept.get(kind, text)
    if hit is not None:
        return hit
    eng = _miss_engine()
    answer = eng.tag(text) if kind == "tag" else eng.cut(text)
    kept.put(kind, text, answer)
    return answer


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[tuple[str, str], ...]:
    """(word, flag) pairs of a short window, cached: windows repeat across bulletins.

    Dictionary words only (no HMM guesses for unknown words): measured on the gold and
    held-out sets, objects agree as often or more, and extraction runs 1.7× faster.
    """
    return tuple(_answer("tag", text))


@lru_cache(maxsize=65536)
def token_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    pos = 0
    for word in _answer("cut", text):
        spans.append((pos, pos + len(word)))
        pos += len(word)
    return tuple(spans)


def stands_alone(window: str, start: int, end: int) -> bool:
    """True when window[start:end] (a numeral with its unit) does not sit inside a word.

    `三好街` → False: jieba's token runs past the numeral into no unit; `统一` → False: the
    token starts before the numeral.
    """
    for tok_start, tok_end in token_spans(window):
        if tok_start < start < tok_end:
            return False
        if tok_start < end < tok_end:
            return False
    return True


@lru_cache(maxsize=65536)
def title_words(title: str) -> tuple[str, ...]:
    """The words of a task title, for comparing titles across periods (pipeline.audit.linking)."""
    return tuple(_answer("cut", title.strip()))
