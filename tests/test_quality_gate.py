"""The accuracy gate: `bulletins extract` scored against every gold set, failing loudly.

Floors come from tests/quality_floors.json: one on every metric and the document and
gold-fact counts of every set, so nothing can drop out of the gate unnoticed. The in-repo
red-team sets (tests/heldout*) are scored by tests/scoring.py and need nothing outside the
repository; the shared gold needs ../shared and skips, with one reason, only when that is
absent. The baseline pins the shared gold, its documents and the shared scorer: any change
to them fails the gate until the baseline is re-measured.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import scoring
from tests.helpers import GOLD, REAL, ROOT, SCORER, SEED, SHARED, need_shared

# Every score a set's floors must name; a set missing one fails the gate.
METRICS = ("documents", "facts_gold", "fact_f1", "section_f1", "status_accuracy",
           "summary_accuracy", "metadata_accuracy", "object_agreement", "qualifier_agreement")
COUNTS = ("documents", "facts_gold")  # must equal, not merely reach, the floor
HELDOUT = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6")
FLOORS = json.loads((ROOT / "tests" / "quality_floors.json").read_text(encoding="utf-8"))


def baseline_sha256() -> str:
    """The shared gold, the documents it annotates and the shared scorer, together."""
    digest = hashlib.sha256()
    for path in [*sorted(GOLD.glob("*.json")), *gold_inputs(), SCORER]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def extract(inputs: list[Path]) -> list[dict]:
    cmd = [sys.executable, "-m", "pipeline.cli", "extract", *map(str, inputs)]
    done = subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()
    return [json.loads(line) for line in done.stdout.decode().splitlines() if line.strip()]


def shared_score(predictions: list[dict], gold: list[Path], tmp: Path) -> dict[str, float]:
    out = tmp / "predictions.jsonl"
    out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions),
                   encoding="utf-8")
    cmd = [sys.executable, str(SCORER), str(out), *map(str, gold), "--json"]
    done = subprocess.run(cmd, capture_output=True, check=True, text=True)
    return json.loads(done.stdout)


def gold_inputs(gold_dir: Path = GOLD, base: Path = SHARED) -> list[Path]:
    files = []
    for gold in sorted(gold_dir.glob("*.json")):
        name = json.loads(gold.read_text(encoding="utf-8"))["file"]
        # newer sets name their documents from the repository's root
        files.append(base / name if (base / name).exists() else ROOT / name)
    return files



def meets(scores: dict[str, float], floors: dict[str, float], name: str) -> None:
    assert scores["unpaired"] == 0, f"{name}: {scores['unpaired']} gold files unpaired"
    missing = [m for m in METRICS if m not in floors]
    assert not missing, f"{name}: quality_floors.json has no floor for {missing}"
    for metric in METRICS:
        if metric in COUNTS:
            assert scores[metric] == floors[metric], (
                f"{name}: {metric} is {scores[metric]}, the floors say {floors[metric]}: "
                "a gold file or document was added or lost; update quality_floors.json")
        else:
            assert scores[metric] >= floors[metric], (
                f"{name}: {metric} {scores[metric]} < {floors[metric]}")


@pytest.fixture(scope="module")
def all_gold_predictions() -> list[dict]:
    need_shared()
    return extract(gold_inputs())


def test_seed_meets_its_floors() -> None:
    need_shared()  # the seed's gold file is in ../shared/gold
    gold = json.loads((GOLD / "seed.json").read_text(encoding="utf-8"))
    scores = scoring.score(extract([SEED]), {scoring.stem(gold["file"]): gold})
    meets(scores, FLOORS["seed"], "seed")


def test_every_gold_file_meets_the_floors(all_gold_predictions: list[dict]) -> None:
    meets(scoring.score(all_gold_predictions, scoring.load_gold(GOLD)), FLOORS["all_gold"],
          "all_gold")


def test_no_regression_against_the_measured_baseline(all_gold_predictions: list[dict]) -> None:
    baseline = FLOORS["baseline"]
    assert baseline["inputs_sha256"] == baseline_sha256(), (
        "the shared gold, its documents or the shared scorer changed since the baseline was "
        "measured: re-measure it and update quality_floors.json (baseline) in one commit")
    meets(scoring.score(all_gold_predictions, scoring.load_gold(GOLD)), baseline["all_gold"],
          "baseline")


def test_the_project_scorer_agrees_with_the_shared_one(all_gold_predictions: list[dict],
                                                        tmp_path: Path) -> None:
    ours = scoring.score(all_gold_predictions, scoring.load_gold(GOLD))
    assert ours == shared_score(all_gold_predictions, [GOLD], tmp_path)
    spoiled = [{**p, "facts": p["facts"][1:], "sections": p["sections"][1:]}
               for p in all_gold_predictions]
    assert scoring.score(spoiled, scoring.load_gold(GOLD)) == shared_score(spoiled, [GOLD],
                                                                           tmp_path)


@pytest.mark.parametrize("name", HELDOUT)
def test_heldout_sets_meet_their_floors(name: str) -> None:
    """Scored by tests/scoring.py: these run, and fail, without ../shared."""
    folder = ROOT / "tests" / name
    gold = scoring.load_gold(folder / "gold")
    docs = sorted(p for p in (folder / "docs").iterdir() if p.is_file())
    assert len(docs) == len(gold) == FLOORS[name]["documents"], (
        f"{name}: {len(docs)} documents, {len(gold)} gold files, floors say "
        f"{FLOORS[name]['documents']}")
    meets(scoring.score(extract(gold_inputs(folder / "gold", folder)), gold), FLOORS[name], name)


def test_every_real_document_goes_through() -> None:
    need_shared()
    docs = sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".html"))
    records = extract(docs)
    assert len(records) == len(docs)
    for record in records:
        text_facts = record["facts"]
        assert all(f["text"] for f in text_facts)
        paths = [s["path"] for s in record["sections"]]
        assert len(paths) == len(set(paths)), record["source"]
    with_sections = sum(1 for r in records if r["sections"])
    # documents with numbered headings (一、 / (一) / 1.) must get them: most of this corpus
    numbered = [r for r in records if _has_numbered_heading(Path(r["source"]))]
    missing = [r["source"] for r in numbered if not r["sections"]]
    assert not missing, missing
    assert with_sections >= len(numbered)


def _has_numbered_heading(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return any(marker in text for marker in ("一、", "(一)", "（一）"))
