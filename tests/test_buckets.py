"""buckets.alternation: a trie that matches as the flat alternation, longest first."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.buckets import STANDING_TAILS, TALLY_PHRASES, alternation
from pipeline.read.status import PROGRESS_LABELS, STATUS_OF_PHRASE


def flat_alternation(phrases: list[str]) -> str:
    """The alternation as first written: every phrase a branch, the longest first."""
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


# What may follow the alternation in a pattern: the rest decides which phrase a match keeps
# when the longest one leaves it unmatched, so each order of trying them would show.
CONTEXTS = ["{}", "(?P<w>{})", "x(?:{})y", "(?:{})(?:ab|b)", "(?:{})a*b", "(?:{})(?=b|$)",
            "(?:(?:{})[,，])+c"]
ALPHABET = "ab已完成,x"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=4), max_size=8), st.text(ALPHABET + "c", max_size=30),
       st.sampled_from(CONTEXTS))
def test_the_trie_matches_as_the_flat_alternation(phrases: list[str], text: str,
                                                   context: str) -> None:
    trie = re.compile(context.format(alternation(phrases)))
    flat = re.compile(context.format(flat_alternation(phrases)))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]
    if "(?P<w>" in context:
        assert [m.span("w") for m in trie.finditer(text)] == \
            [m.span("w") for m in flat.finditer(text)]


def test_the_vocabularies_match_as_flat_alternations() -> None:
    """Every phrase of the real word lists, alone and glued to a longer one's head."""
    for words in (STATUS_OF_PHRASE, TALLY_PHRASES, PROGRESS_LABELS, STANDING_TAILS):
        phrases = sorted(words)
        text = ",".join(phrases + [p[:-1] for p in phrases] + [p + p[:2] for p in phrases])
        trie = re.compile(f"(?P<w>{alternation(phrases)})(?:[,，]|$)")
        flat = re.compile(f"(?P<w>{flat_alternation(phrases)})(?:[,，]|$)")
        found = [m.span("w") for m in trie.finditer(text)]
        assert found == [m.span("w") for m in flat.finditer(text)]
        assert len(found) >= len(phrases)


def test_a_trie_shares_the_heads_of_its_phrases() -> None:
    assert alternation(["已完成", "已完成或超额完成", "已办结"]) == "已(?:办结|完成(?:或超额完成|))"
    assert alternation(["交账销号"]) == "交账销号"
    assert alternation([]) == ""
