"""The segmenter's answers on small windows, kept between runs in the user's cache directory.

A one-file ``bulletins extract`` spends about half its time importing rjieba, whose import
builds jieba-rs's whole dictionary (issue 16: start-up). Its answers on a document's
windows (tens to a few hundred short phrases) are kept here, so that a run whose windows
were all met before never imports a segmenter at all.

The file is a cache and nothing more: it is trusted only when it reads back whole and
names the same engine build and the same segmenting rules; an answer is used only when its
words put together give back its window exactly. Anything else is a miss, answered by the
engine as if there were no file. It is written to a temporary file and renamed over the
old one (``os.replace``), after merging what the file holds by then, so a reader sees the
old file or the new one and never half of either. Saves take turns where the system can lock
the cache directory (``flock``, POSIX): each merges what the one before it wrote, as a
build's pool workers do when they end together; elsewhere, when two runs save at once the
last one wins, and a window either dropped is asked again later.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 1
# Windows kept, the most recently added last. A document asks 50-250 windows, most of them
# shared with the documents of its series; at ~90 bytes a window the full file is ~0.7 MB
# and reads back in a few ms, a small share of what it saves.
LIMIT = 8192
FILE_NAME = "segmenter-windows.json"

Tagged = list[tuple[str, str]]
Answer = Tagged | list[str]


def fingerprint(name: str, packages: Iterable[Path], rules: Iterable[Path]) -> str:
    """What the answers depend on, read without importing an engine: the engine's name, the
    size and modification time of every file at the top of each installed package that may
    answer (their code and jieba's dictionary: an upgrade or a reinstall changes them), and
    a hash of the files that hold the project's own rules around them (block rules, flag
    corrections, the dictionary index, any word they would add to the dictionary)."""
    parts = [f"format {FORMAT}", f"engine {name}"]
    for package in packages:
        parts.append(f"package {package.name}")
        for entry in sorted(os.scandir(package), key=lambda e: e.name):
            if entry.is_file():
                st = entry.stat()
                parts.append(f"{entry.name} {st.st_size} {st.st_mtime_ns}")
    for path in rules:
        parts.append(f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}")
    return "\n".join(parts)


class WindowCache:
    """Answers read from ``path`` on first use; ``save`` merges the new ones back into it.

    Two kinds of answer are kept: "tag" (Engine.tag's [(word, flag)]) and "cut"
    (Engine.cut's [word]).
    """

    def __init__(self, path: Path, identity: str, limit: int = LIMIT) -> None:
        self.path = path
        self.identity = identity
        self.limit = limit
        self._kept: dict[str, list] | None = None  # the file's windows, read on first get
        self._used: dict[str, Answer] = {}  # answered in this run, hits and misses
        self._added = False  # a save is needed only when the engine answered something

    def __len__(self) -> int:
        """How many windows the file holds (read now if it was not yet)."""
        if self._kept is None:
            self._kept = self._read()
        return len(self._kept)

    def get(self, kind: str, text: str) -> Answer | None:
        if self._kept is None:
            self._kept = self._read()
        key = f"{kind}:{text}"
        raw = self._kept.get(key)
        if raw is None:
            return None
        answer = _valid(kind, text, raw)
        if answer is not None:
            self._remember(key, answer)
        return answer

    def put(self, kind: str, text: str, answer: Answer) -> None:
        self._remember(f"{kind}:{text}", answer)
        self._added = True

    def save(self) -> None:
        """Merge this run's windows into the file (the latest last), keep the newest
        ``limit`` and replace the file in one rename. Failing to write loses only time."""
        if not self._added:
            return
        try:
            with _turn(self.path.parent):
                self._merge_and_write()
        except OSError as exc:  # the directory went away, say: only time is lost
            log.debug("segmenter window cache not saved to %s: %s", self.path, exc)

    def _merge_and_write(self) -> None:
        merged: dict[str, object] = dict(self._read())  # as it stands now: others may have saved
        for key, answer in self._used.items():
            merged.pop(key, None)
            merged[key] = answer
        if len(merged) > self.limit:
            merged = dict(islice(merged.items(), len(merged) - self.limit, None))
        data = json.dumps({"format": FORMAT, "identity": self.identity, "windows": merged},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # one temporary name per process: two runs saving at once never share it
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            # no fsync: after a crash the file may read back broken, which costs one miss
            # per window, never a wrong answer
            os.replace(tmp, self.path)
            self._added = False
        except OSError as exc:
            log.debug("segmenter window cache not saved to %s: %s", self.path, exc)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    def _remember(self, key: str, answer: Answer) -> None:
        self._used.pop(key, None)
        self._used[key] = answer
        if len(self._used) > self.limit:  # a long run keeps only what the file could hold
            del self._used[next(iter(self._used))]

    def _read(self) -> dict[str, list]:
        """The file's windows, or none when it is missing, unreadable or made for another
        engine build or other rules."""
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
            if not isinstance(exc, FileNotFoundError):
                log.debug("segmenter window cache %s ignored: %s", self.path, exc)
            return {}
        if (not isinstance(data, dict) or data.get("format") != FORMAT
                or data.get("identity") != self.identity
                or not isinstance(data.get("windows"), dict)):
            return {}
        return data["windows"]


@contextlib.contextmanager
def _turn(directory: Path) -> Iterator[None]:
    """This process's turn to write in ``directory``: an exclusive ``flock`` on it, held
    until the block ends (released by the kernel if the process dies); no wait where
    there is no flock, or where the file system refuses one (some network mounts)."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _valid(kind: str, text: str, raw: object) -> Answer | None:
    """The kept answer in the engine's own shape, or None when it is not one that the
    engine could have given for ``text`` (its words must rebuild the window)."""
    if not isinstance(raw, list):
        return None
    if kind == "cut":
        if all(type(w) is str for w in raw) and "".join(raw) == text:
            return list(raw)
        return None
    pairs: Tagged = []
    for pair in raw:
        if not (type(pair) is list and len(pair) == 2 and type(pair[0]) is str
                and type(pair[1]) is str):
            return None
        pairs.append((pair[0], pair[1]))
    return pairs if "".join(w for w, _ in pairs) == text else None
