"""The project's own scorer: the rules of ../shared/eval/score.py, so the in-repo gold sets
(tests/heldout*) are scored without ../shared. tests/test_quality_gate.py checks both
scorers agree on the shared gold whenever ../shared is there.

A prediction pairs with the gold file whose ``file`` has the same stem as its ``source``.
Facts match on (section, value, unit); a prediction matching a gold ``ignore`` entry, or a
duration the gold does not list, neither scores nor costs.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

Doc = dict[str, Any]
FactKey = tuple[str | None, float | None, str]

# Durations count only where a gold file lists them: whether 三年行动 is a count is taste.
TIME_UNITS = frozenset({"年", "个月", "月", "天", "日", "周", "小时", "分钟", "秒", "个工作日",
                        "工作日"})
TIME_OBJECTS = ("月", "工作日", "小时", "年", "天")
METADATA_FIELDS = ("title", "published", "period")


@dataclass
class Tally:
    """Counts over the paired documents; the scores are ratios of them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    obj_ok: int = 0
    obj_n: int = 0
    q_ok: int = 0
    q_n: int = 0
    sec_tp: int = 0
    sec_pred: int = 0
    sec_gold: int = 0
    status_ok: int = 0
    summary_ok: int = 0
    summary_n: int = 0
    meta_ok: int = 0
    meta_n: int = 0

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def stem(source: str) -> str:
    name = source.rstrip("/").rsplit("/", 1)[-1]
    return name.split(".", 1)[0] if "." in name else name


def load_gold(folder: Path) -> dict[str, Doc]:
    gold = {}
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        gold[stem(doc["file"])] = doc
    return gold


def fact_key(fact: Doc) -> FactKey:
    section = fact.get("section")
    try:
        value = round(float(fact["value"]), 4)
    except (KeyError, TypeError, ValueError):
        value = None
    return (None if section is None else str(section), value, (fact.get("unit") or "").strip())


def agree_text(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a in b or b in a


def is_duration(fact: Doc) -> bool:
    unit = (fact.get("unit") or "").strip()
    obj = (fact.get("object") or "").strip()
    return unit in TIME_UNITS or (unit == "个" and obj.startswith(TIME_OBJECTS))


def score_doc(pred: Doc, gold: Doc) -> Tally:
    t = Tally()
    ignore = Counter(fact_key(f) for f in gold.get("ignore", []))
    pool: dict[FactKey, list[Doc]] = {}
    for f in gold["facts"]:
        pool.setdefault(fact_key(f), []).append(f)
    for f in pred.get("facts", []):
        k = fact_key(f)
        if pool.get(k):
            # among equal keys, pair with the gold fact whose object agrees, if any
            candidates = pool[k]
            i = next((j for j, g in enumerate(candidates)
                      if agree_text(f.get("object"), g.get("object"))), 0)
            g = candidates.pop(i)
            t.tp += 1
            if g.get("object"):
                t.obj_n += 1
                t.obj_ok += agree_text(f.get("object"), g["object"])
            if g.get("qualifier"):
                t.q_n += 1
                t.q_ok += f.get("qualifier") == g["qualifier"]
        elif ignore[k] > 0:
            ignore[k] -= 1
        elif not is_duration(f):
            t.fp += 1
    t.fn = sum(len(c) for c in pool.values())

    def section_id(s: Doc) -> str:
        return str(s.get("path") if s.get("path") is not None else s.get("no"))

    gold_secs = {section_id(s): s for s in gold["sections"]}
    pred_secs = {section_id(s): s for s in pred.get("sections", [])}
    t.sec_tp = len(set(gold_secs) & set(pred_secs))
    t.sec_pred, t.sec_gold = len(pred_secs), len(gold_secs)
    t.status_ok = sum(1 for n, s in gold_secs.items()
                      if n in pred_secs and pred_secs[n].get("status") == s.get("status"))
    for name, value in (gold.get("summary") or {}).items():
        t.summary_n += 1
        t.summary_ok += (pred.get("summary") or {}).get(name) == value
    for name in METADATA_FIELDS:
        if gold.get(name):
            t.meta_n += 1
            t.meta_ok += pred.get(name) == gold[name]
    return t


def score(predictions: list[Doc], gold: dict[str, Doc]) -> dict[str, float]:
    """The scores ../shared/eval/score.py --json prints, for these predictions."""
    by_stem = {stem(str(p.get("source", ""))): p for p in predictions}
    total = Tally()
    unpaired = 0
    for name, g in sorted(gold.items()):
        pred = by_stem.get(name)
        unpaired += pred is None
        total.add(score_doc(pred or {}, g))
    p = _ratio(total.tp, total.tp + total.fp)
    r = _ratio(total.tp, total.tp + total.fn)
    sp, sr = _ratio(total.sec_tp, total.sec_pred), _ratio(total.sec_tp, total.sec_gold)
    return {
        "documents": len(gold), "unpaired": unpaired,
        "fact_precision": round(p, 4), "fact_recall": round(r, 4), "fact_f1": round(_f1(p, r), 4),
        "facts_gold": total.tp + total.fn, "facts_tp": total.tp, "facts_fp": total.fp,
        "facts_fn": total.fn,
        "object_agreement": round(_ratio(total.obj_ok, total.obj_n), 4),
        "qualifier_agreement": round(_ratio(total.q_ok, total.q_n), 4),
        "section_f1": round(_f1(sp, sr), 4),
        "status_accuracy": round(_ratio(total.status_ok, total.sec_gold), 4),
        "summary_accuracy": round(_ratio(total.summary_ok, total.summary_n), 4),
        "metadata_accuracy": round(_ratio(total.meta_ok, total.meta_n), 4),
    }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
