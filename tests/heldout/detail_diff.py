"""List what the shared scorer only counts: metadata, summary, section, status, object and
qualifier differences between `bulletins extract` output and this folder's gold.

    python3 detail_diff.py PREDICTIONS.jsonl [GOLD_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "shared" / "eval"))
import score  # noqa: E402  (the shared scorer, beside the checkout)


def main(predictions: str, gold_dir: Path) -> None:
    gold = score.load_gold([str(gold_dir)])
    with open(predictions, encoding="utf-8") as fh:
        preds = {score.stem(d["source"]): d for d in map(json.loads, filter(str.strip, fh))}
    for name, g in sorted(gold.items()):
        print("==", name)
        for line in differences(g, preds.get(name, {})):
            print("  " + line)


def differences(g: dict, p: dict) -> list[str]:
    out = [f"META {f}: gold={g.get(f)!r} pred={p.get(f)!r}"
           for f in ("title", "published", "period") if g.get(f) != p.get(f)]
    if (g.get("summary") or {}) != (p.get("summary") or {}):
        out.append(f"SUMMARY gold={g.get('summary')} pred={p.get('summary')}")
    gs = {s["path"]: s for s in g["sections"]}
    ps = {str(s["path"]): s for s in p.get("sections", [])}
    out += [f"SEC missed {k}" for k in sorted(gs.keys() - ps.keys())]
    out += [f"SEC extra {k} {ps[k].get('title', '')[:40]}" for k in sorted(ps.keys() - gs.keys())]
    out += [f"STATUS {k}: gold={gs[k]['status']} pred={ps[k].get('status')}"
            for k in sorted(gs.keys() & ps.keys()) if gs[k]["status"] != ps[k].get("status")]
    pool: dict[tuple, list[dict]] = {}
    for f in g["facts"]:
        pool.setdefault(score.key(f), []).append(f)
    for f in p.get("facts", []):
        candidates = pool.get(score.key(f))
        if not candidates:
            continue
        i = next((j for j, x in enumerate(candidates)
                  if score.agree_text(f.get("object"), x.get("object"))), 0)
        x = candidates.pop(i)
        where = f"{score.key(f)} «{f.get('text')}»"
        if x.get("object") and not score.agree_text(f.get("object"), x["object"]):
            out.append(f"OBJ  gold={x['object']!r} pred={f.get('object')!r} {where}")
        if x.get("qualifier") and f.get("qualifier") != x["qualifier"]:
            out.append(f"QUAL gold={x['qualifier']} pred={f.get('qualifier')} {where}")
    return out


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "gold")
