"""jieba's dictionary as a SQLite index in the cache directory, and jieba's own cut over it.

Loading a whole dictionary is what makes a one-file ``extract`` slow: rjieba builds
jieba-rs's at import (~0.14 s), jieba its prefix dictionary (~0.5 s). A document asks only
a few hundred short windows, whose words are a few thousand substrings; this index answers
exactly those, read from disk (issue 16: "load only what a document needs; a prebuilt
dictionary cache under the user's cache directory").

The cut is jieba 0.42's own without HMM (jieba.Tokenizer.get_DAG, calc and __cut_DAG_NO_HMM;
jieba.posseg.POSTokenizer.__cut_DAG_NO_HMM for flags), over the same dictionary file jieba
reads (its dict.txt, whose words, frequencies and flags the index holds): a word's
frequency is the last the file gives for it, the total is the sum of all lines, as
jieba.Tokenizer.gen_pfdict and POSTokenizer.load_word_tag read it.
tests/test_jieba_index.py holds it to jieba's answers on every line of the gold and
red-team documents.

The index is built once from dict.txt (~0.8 s of CPU, 7 MB), written to a temporary file and
renamed, and names the file it was built from (path, size, modification time): a changed
dictionary, an unreadable or foreign index are built again.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from extractors.jieba_blocks import BlockEngine

FORMAT = 1
FILE_NAME = "jieba-dict.sqlite"
# jieba.re_eng (a one-character word of these is glued to its neighbours) and
# jieba.posseg.re_eng1 (the same, as posseg checks it)
GLUED = re.compile("[a-zA-Z0-9]")
# Substrings looked up and remembered (frequency, flag), ~150 bytes each; a document's
# windows hold ~10,000 distinct ones, and past this many they are forgotten.
REMEMBERED = 50_000
ASCII_SPACE = " \t\n\r\x0b\x0c"  # what bytes.strip() strips
SQL_VARIABLES = 900  # under SQLite's smallest limit on variables in one statement (999)


def source_of(dictionary: Path) -> str:
    st = dictionary.stat()
    return f"format {FORMAT}; {dictionary.resolve()} {st.st_size} {st.st_mtime_ns}"


def build(dictionary: Path, index: Path) -> None:
    """Write the index of ``dictionary`` (jieba's dict.txt format: word, frequency, flag per
    line) to ``index`` in one rename."""
    text = dictionary.read_bytes().decode("utf-8")
    total = 0
    longest = 1

    def rows() -> Iterator[tuple[str, int, str]]:
        """The lines as rows, streamed into SQLite rather than held (a dict of the whole
        dictionary would add ~80 MB to the run's peak). jieba reads bytes lines and strips
        them before decoding: the same as stripping ASCII whitespace off decoded lines."""
        nonlocal total, longest
        for line in text.split("\n"):
            line = line.strip(ASCII_SPACE)
            if line:
                word, count, flag = line.split(" ")
                total += int(count)
                longest = max(longest, len(word))
                yield word, int(count), flag

    index.parent.mkdir(parents=True, exist_ok=True)
    tmp = index.with_name(f".{index.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.execute("PRAGMA journal_mode = OFF")  # a half-built file is never renamed
            db.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL, "
                       "flag TEXT NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            # a word given twice keeps its last line, as jieba's readers do
            db.executemany("INSERT OR REPLACE INTO words VALUES (?, ?, ?)", rows())
            db.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("source", source_of(dictionary)), ("total", str(total)),
                ("longest", str(longest)),
            ])
            db.commit()
        os.replace(tmp, index)
    finally:
        tmp.unlink(missing_ok=True)


class IndexEngine(BlockEngine):
    """jieba's cut and tag, without HMM, over the index of its dictionary."""

    name = "jieba-index"

    def __init__(self, index: Path, dictionary: Path, *, build_missing: bool = True) -> None:
        """Open ``index``, built from ``dictionary`` first when it is missing, stale or
        unreadable. Raises OSError or sqlite3.Error when it cannot be built or read, and
        ValueError when it would have to be built and ``build_missing`` is False."""
        super().__init__()
        try:
            self._db, self._log_total, self._longest = _open(index, source_of(dictionary))
        except (sqlite3.Error, ValueError, KeyError) as exc:
            if not build_missing:
                raise ValueError(f"{index} is not built from {dictionary}") from exc
            build(dictionary, index)
            self._db, self._log_total, self._longest = _open(index, source_of(dictionary))
        self._known: dict[str, tuple[int, str | None]] = {}

    def _cut_block(self, block: str) -> list[str]:
        out: list[str] = []
        glued = ""
        for word in self._words(block):
            if len(word) == 1 and GLUED.match(word):
                glued += word
                continue
            if glued:
                out.append(glued)
                glued = ""
            out.append(word)
        if glued:
            out.append(glued)
        return out

    def _tag_block(self, block: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        glued = ""
        known = self._known
        for word in self._words(block):
            if len(word) == 1 and GLUED.match(word):
                glued += word
                continue
            if glued:
                out.append((glued, "eng"))
                glued = ""
            out.append((word, known[word][1] or "x"))
        if glued:
            out.append((glued, "eng"))
        return out

    def _words(self, block: str) -> list[str]:
        """jieba's most probable route through the block's dictionary words (get_DAG and
        calc): from the end, each position takes the word that maximises log frequency
        over the total plus the best of the rest, a character alone when no word starts
        there; on equal scores the longer word wins, as max() over (score, end) picks."""
        self._look_up(block)
        known, log_total, n = self._known, self._log_total, len(block)
        best: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for start in range(n - 1, -1, -1):
            ends = [end for end in range(start, min(n, start + self._longest))
                    if known[block[start:end + 1]][0]] or [start]
            best[start] = max((math.log(known[block[start:end + 1]][0] or 1) - log_total
                               + best[end + 1][0], end) for end in ends)
        words = []
        at = 0
        while at < n:
            end = best[at][1] + 1
            words.append(block[at:end])
            at = end
        return words

    def _look_up(self, block: str) -> None:
        """(frequency, flag) of every substring of ``block`` no longer than the longest
        word; (0, None) for one that is no word."""
        known = self._known
        if len(known) > REMEMBERED:
            known.clear()
        longest, n = self._longest, len(block)
        wanted = list({block[i:j] for i in range(n) for j in range(i + 1, min(n, i + longest) + 1)
                       if block[i:j] not in known})
        for k in range(0, len(wanted), SQL_VARIABLES):
            chunk = wanted[k:k + SQL_VARIABLES]
            known.update(dict.fromkeys(chunk, (0, None)))
            marks = ",".join("?" * len(chunk))
            for word, freq, flag in self._db.execute(
                    f"SELECT word, freq, flag FROM words WHERE word IN ({marks})", chunk):
                known[word] = (freq, flag)


def _open(index: Path, source: str) -> tuple[sqlite3.Connection, float, int]:
    """The index, read-only, with jieba's log total and the longest word's length; raises
    when it is missing, unreadable or built from another dictionary file."""
    db = sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro", uri=True,
                         check_same_thread=False)
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta["source"] != source:
            raise ValueError(f"{index} was built from another dictionary")
        return db, math.log(int(meta["total"])), int(meta["longest"])
    except BaseException:
        db.close()
        raise
