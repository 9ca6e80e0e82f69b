"""The count extractor as a spaCy pipeline component, ``bulletin_facts``.

    nlp = spacy.blank("zh")          # or with the jieba segmenter
    nlp.add_pipe("bulletin_facts")
    doc = nlp(text)
    [(s.text, s._.value, s._.unit, s._.object, s._.qualifier) for s in doc.spans["facts"]]

Registered through the ``spacy_factories`` entry point, so ``add_pipe`` finds it without an
import; importing this module registers it too. The facts are ``find_facts`` over the whole
text, so ``span.start_char``/``end_char`` equal the facts' offsets; a span whose ends fall
inside a token is widened to whole tokens (``alignment_mode="expand"``) and keeps the exact
fact text in ``span._.text``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.counts import find_facts

SPANS_KEY = "facts"
ATTRIBUTES = ("value", "value_max", "unit", "object", "qualifier", "entity", "predicate", "text")

for _name in ATTRIBUTES:
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.component("bulletin_facts", assigns=["doc.spans"])
def bulletin_facts(doc: Doc) -> Doc:
    """Put every count of ``doc.text`` into ``doc.spans["facts"]``."""
    spans = []
    for fact in find_facts(doc.text, 0, len(doc.text), publisher=None):
        span = doc.char_span(fact.start, fact.end, label=fact.unit, alignment_mode="expand")
        if span is None:  # only whitespace at the fact's ends: nothing to mark
            continue
        for name in ATTRIBUTES:
            setattr(span._, name, getattr(fact, name))
        spans.append(span)
    doc.spans[SPANS_KEY] = spans
    return doc
