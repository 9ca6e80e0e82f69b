"""The peer libraries on the gold documents' text: every number each one finds, and its time.

Runs in the benchmark's own environment (benchmarks/.venv, from requirements.txt), never
the project's: ``peers.py TEXTS.json OUT.json``. TEXTS.json maps a document's name to its
normalised text (the text our extractor reads, so all read the same characters).

What each peer is asked, as a user would ask it for "the numbers in this text":

- cn2an: ``cn2an.transform(text, "cn2an")`` turns Chinese numerals into Arabic ones in
  place; then every Arabic number in the result (thousands commas dropped), a trailing
  万/亿 scaled by ``cn2an.cn2an(number + scale, "smart")``.
- chinese2digits: ``takeNumberFromString(text)["digitsStringList"]``, scaled by the
  library; a percentage (which it turns into a fraction, 12.5% → 0.125) is put back to
  the printed number, since the gold keeps 12.5 with unit %.
- Recognizers-Text: ``recognize_number(text, Culture.Chinese)``, each result's
  ``resolution["value"]``.

None of them says which numbers are counts, nor their units: they are scored on value only.
"""

from __future__ import annotations

import json
import re
import sys
import time
import warnings

ARABIC_RE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)([万亿]*)")


def as_number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def run_cn2an(text: str) -> list[float]:
    import cn2an

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns on every 万/亿 it cannot place
        converted = cn2an.transform(text, "cn2an")
        values = []
        for m in ARABIC_RE.finditer(converted):
            number, scale = m.group(1).replace(",", ""), m.group(2)
            if scale:
                try:
                    values.append(float(cn2an.cn2an(number + scale, "smart")))
                    continue
                except (ValueError, KeyError, IndexError, TypeError):
                    pass
            values.append(float(number))
    return values


def run_chinese2digits(text: str) -> list[float]:
    import chinese2digits

    out = chinese2digits.takeNumberFromString(text)
    values = []
    for printed, digits in zip(out["CHNumberStringList"], out["digitsStringList"], strict=False):
        v = as_number(digits)
        if v is None:
            continue
        if printed.endswith("%") or printed.startswith("百分之"):
            v *= 100
        values.append(round(v, 6))
    return values


def run_recognizers(text: str) -> list[float]:
    from recognizers_number import Culture, recognize_number

    values = []
    for r in recognize_number(text, Culture.Chinese):
        v = as_number((r.resolution or {}).get("value"))
        if v is not None:
            values.append(v)
    return values


def warm_up() -> dict[str, float]:
    """Import (and first-call) time of each library, kept out of the per-text times."""
    out = {}
    for name, fn in PEERS.items():
        t = time.perf_counter()
        fn("共举办三场活动，投资2.6万元，增长12.5%。")
        out[name] = time.perf_counter() - t
    return out


PEERS = {
    "cn2an": run_cn2an,
    "chinese2digits": run_chinese2digits,
    "Recognizers-Text number": run_recognizers,
}


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as fh:
        texts = json.load(fh)
    versions: dict[str, str | None] = {}
    from importlib import metadata
    for dist in ("cn2an", "chinese2digits", "recognizers-text-number"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    startup = warm_up()
    peers: dict[str, dict[str, dict[str, object]]] = {}
    result = {"versions": versions, "startup_s": startup, "peers": peers}
    for name, fn in PEERS.items():
        docs = {}
        for doc, text in texts.items():
            t = time.perf_counter()
            try:
                values = fn(text)
                error = None
            except Exception as exc:  # a peer that crashes on a document scores nothing there
                values, error = [], f"{type(exc).__name__}: {exc}"
            docs[doc] = dict(values=values, seconds=time.perf_counter() - t, error=error)
        peers[name] = docs
    with open(argv[1], "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
