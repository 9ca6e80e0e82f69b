"""Accuracy against the peers on every gold file in shared/gold, and each one's time.

Ours is scored twice: by shared/eval/score.py (facts keyed by section, value and unit;
durations the gold does not list are exempt), and by the value-only matching the peers get,
so the table compares like with like. Value-only: per document, the multiset of predicted
values against the multiset of the gold facts' values (rounded to 4 places); a prediction
equal to a value in the gold's ``ignore`` list is neither rewarded nor penalised. This
flatters the peers (a number that happens to equal a gold value counts as found, whatever
it counts), and they still pay for every year, date and ordinal they return.

    python benchmarks/bench_accuracy.py [--peers-python benchmarks/.venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

PEERS_PYTHON = common.BENCH / ".venv" / "bin" / "python"
OURS = "gov-bulletins (ours)"


def gold_docs() -> list[tuple[str, dict, Path]]:
    out = []
    for path in sorted(common.GOLD.glob("*.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        out.append((path.stem, g, common.SHARED / g["file"]))
    return out


def key(v: Any) -> float | None:
    try:
        return round(float(v), 4)
    except (TypeError, ValueError):
        return None


def value_match(values: list, gold: dict) -> dict:
    want = Counter(key(f["value"]) for f in gold["facts"])
    ignore = Counter(key(f.get("value")) for f in gold.get("ignore", []))
    tp = fp = 0
    for v in map(key, values):
        if want[v] > 0:
            want[v] -= 1
            tp += 1
        elif ignore[v] > 0:
            ignore[v] -= 1
        else:
            fp += 1
    return dict(tp=tp, fp=fp, fn=sum(want.values()))


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ours(docs: list[tuple[str, dict, Path]]) -> tuple[dict, dict, dict]:
    """Our predictions (for the scorer), values per doc, and the seconds per doc."""
    import jieba

    from pipeline.read.document import extract
    from pipeline.records import Page

    jieba.initialize()
    extract(Page("warm.txt", "1.任务。共举办3场对接活动。".encode()))
    preds, texts, seconds = {}, {}, {}
    for name, _, path in docs:
        page = Page(str(path), path.read_bytes())
        times = []
        for _ in range(5):
            common.clear_caches()
            t, bulletin = common.timed(partial(extract, page))
            times.append(t)
        seconds[name] = statistics.median(times)
        preds[name] = bulletin.to_json()
        texts[name] = bulletin.text
    return preds, texts, seconds


def score_with_scorer(preds: dict) -> dict:
    path = common.WORK / "accuracy-predictions.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in preds.values():
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(common.SCORER), str(path), str(common.GOLD),
                          "--json"], capture_output=True, text=True, check=False)
    return json.loads(out.stdout)


def run_peers(texts: dict, python: Path) -> dict | None:
    if not python.exists():
        print(f"  no {python}: peers skipped (make bench sets it up)", file=sys.stderr)
        return None
    src = common.WORK / "accuracy-texts.json"
    dst = common.WORK / "accuracy-peers.json"
    src.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    subprocess.run([str(python), str(common.BENCH / "peers.py"), str(src), str(dst)],
                   check=True)
    return json.loads(dst.read_text(encoding="utf-8"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--peers-python", type=Path, default=PEERS_PYTHON)
    args = ap.parse_args()
    docs = gold_docs()
    preds, texts, seconds = ours(docs)
    scorer = score_with_scorer(preds)
    systems = {OURS: {name: dict(values=[f["value"] for f in preds[name]["facts"]],
                                 seconds=seconds[name], error=None) for name in preds}}
    peers = run_peers(texts, args.peers_python)
    if peers:
        systems.update(peers["peers"])
    rows = []
    for system, per_doc in systems.items():
        tot: Counter[str] = Counter()
        errors = []
        for name, g, _ in docs:
            tot.update(value_match(per_doc[name]["values"], g))
            if per_doc[name]["error"]:
                errors.append(f"{name}: {per_doc[name]['error']}")
        p, r, f = prf(tot["tp"], tot["fp"], tot["fn"])
        rows.append(dict(system=system, tp=tot["tp"], fp=tot["fp"], fn=tot["fn"], precision=p,
                         recall=r, f1=f, seconds=sum(d["seconds"] for d in per_doc.values()),
                         startup_s=(peers or {}).get("startup_s", {}).get(system),
                         errors=errors))
    chars = sum(len(t) for t in texts.values())
    result = dict(documents=[n for n, _, _ in docs], chars=chars,
                  text_mb=sum(len(t.encode()) for t in texts.values()) / common.MB,
                  gold_facts=sum(len(g["facts"]) for _, g, _ in docs), scorer=scorer,
                  rows=rows, versions=(peers or {}).get("versions"))
    common.save("accuracy", result)
    print(report(result))
    return 0


def report(res: dict) -> str:
    s = res["scorer"]
    ours_s = next(r["seconds"] for r in res["rows"] if r["system"] == OURS)
    lines = [
        f"{len(res['documents'])} gold documents ({', '.join(res['documents'])}), "
        f"{res['gold_facts']} gold facts, {res['chars']:,} characters of text.\n",
        f"Ours by `shared/eval/score.py` (section + value + unit): precision "
        f"{s['fact_precision']:.3f}, recall {s['fact_recall']:.3f}, F1 **{s['fact_f1']:.3f}** "
        f"(tp {s['facts_tp']}, fp {s['facts_fp']}, fn {s['facts_fn']}); object agreement "
        f"{s['object_agreement']:.2f}, section F1 {s['section_f1']:.2f}.\n",
        "Value only, the same rule for all (flatters the peers: any number equal to a gold "
        "value counts as found, whatever it counts):\n",
        common.table(
            ["system", "precision", "recall", "F1", "tp", "fp", "fn", "time on the text s",
             "time vs ours", "import + first call s"],
            [[r["system"], r["precision"], r["recall"], f"**{r['f1']:.3f}**", r["tp"], r["fp"],
              r["fn"], r["seconds"], f"{r['seconds'] / ours_s:.2f}×", r["startup_s"]]
             for r in res["rows"]]),
    ]
    errs = [f"{r['system']}: {e}" for r in res["rows"] for e in r["errors"]]
    if errs:
        lines.append("\nErrors: " + "; ".join(errs))
    if res.get("versions"):
        lines.append("\nPeer versions: " + ", ".join(f"{k} {v}" for k, v in
                                                     res["versions"].items()))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
