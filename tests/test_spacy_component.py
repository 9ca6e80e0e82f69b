"""The ``bulletin_facts`` spaCy component: the extractor's facts as spans, and spaCy kept
out of every other command."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

spacy = pytest.importorskip("spacy")
if TYPE_CHECKING:
    from spacy.language import Language

from extractors.counts import find_facts  # noqa: E402
from extractors.spacy_component import ATTRIBUTES  # noqa: E402 - registers the component

ROOT = Path(__file__).parents[1]
SEED = ROOT / "tests" / "fixtures" / "liaoning-kjt-2017-07.txt"
TEXT = unicodedata.normalize("NFKC", SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["char", "jieba"])
def nlp(request: pytest.FixtureRequest) -> Language:
    if request.param == "jieba":
        pytest.importorskip("jieba")
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": request.param}}})
    nlp.add_pipe("bulletin_facts")
    return nlp


def test_spans_are_the_extractors_facts(nlp: Language) -> None:
    doc = nlp(TEXT)  # spans live only as long as their doc
    spans = list(doc.spans["facts"])
    facts = find_facts(TEXT, 0, len(TEXT), publisher=None)
    assert len(spans) == len(facts) > 20
    for span, fact in zip(spans, facts, strict=True):
        assert span.start_char <= fact.start < fact.end <= span.end_char
        assert span._.text == fact.text == TEXT[fact.start:fact.end]
        assert (span._.value, span._.unit, span._.object, span._.qualifier) == (
            fact.value, fact.unit, fact.object, fact.qualifier)
        assert span.label_ == fact.unit


def test_attributes_of_a_known_count(nlp: Language) -> None:
    doc = nlp("七月份,共上会评审122家高新技术企业,近40位代表参会。")
    found = {s._.text: s for s in doc.spans["facts"]}
    assert found["122家"]._.value == 122 and found["122家"]._.unit == "家"
    assert found["近40位"]._.qualifier == "approx"
    assert set(ATTRIBUTES) >= {"value", "unit", "object", "qualifier"}


def test_registered_as_a_spacy_factories_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["entry-points"]["spacy_factories"]["bulletin_facts"]
    assert target == "extractors.spacy_component:bulletin_facts"


def test_no_other_command_imports_spacy() -> None:
    modules = ["pipeline.build", "pipeline.views.search", "pipeline.views.show",
               "pipeline.store.tables",
               "pipeline.store.search_index", "pipeline.read.document", "pipeline.commands.build",
               "pipeline.commands.search", "pipeline.commands.serve", "pipeline.commands.show"]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'datasette')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
