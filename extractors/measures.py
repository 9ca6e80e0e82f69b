"""What a count measures, as words and as one key: predicate, object and ``measure``.

A predicate is the verb the count answers with its time words and leading adverbs taken out
(`已完成`, `累计完成`, `截至5月底共完成` → `完成`; the adverbs' meaning is kept in ``basis``).
An object is kept only when it names a thing: never a time word, a list marker, a comparison,
a cause or a piece of a number. A measure is the key series, diff and checks line values up
by: entity, predicate, object and unit.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.buckets import TALLY_WORD
from extractors.fillers import (
    CAUSE,
    COMPARISON,
    LEADING_ADVERBS,
    TRAILING_FILLERS,
    TRAILING_PARTICLES,
    is_filler,
)
from extractors.patterns import ACTION_WORDS, ENTITY_SUFFIXES
from extractors.prefilter import could_match, guard
from extractors.segment import READINGS_CACHED, VERB_FLAGS, words
from extractors.timewords import strip_time

DIGITS = re.compile(r"[\d０-９]")
# Brackets left open or closed by a cut (`乡镇(街道`), and quote marks around a label.
EDGE_MARKS = " “”\"'、,，:：;；"
SHORT_VERB = 2
# The characters a trailing filler needs (extractors/prefilter.py): most phrases hold none.
TRAILING_FILLER_CHARS = guard(TRAILING_FILLERS)


def _without_trailing_fillers(phrase: str) -> str:
    if not could_match(TRAILING_FILLER_CHARS, phrase):
        return phrase
    return TRAILING_FILLERS.sub("", phrase)


def _strip_adverbs(phrase: str) -> str:
    while True:
        bare = LEADING_ADVERBS.sub("", phrase, count=1)
        for word in TRAILING_PARTICLES:
            if bare.endswith(word) and len(bare) > len(word):
                bare = bare[:-len(word)]
        if bare == phrase or not bare:
            return bare or phrase
        phrase = bare


# Predicates and objects are short and repeat across the counts of a bulletin and across
# bulletins: both readings below are pure functions of their phrase, so they are cached.
@lru_cache(maxsize=READINGS_CACHED)
def normalise_predicate(predicate: str | None) -> str | None:
    """The verb alone: `截至5月底共上会评审` → `上会评审`; null for fillers (`的`, `四是`)."""
    if not predicate:
        return None
    verb = _strip_adverbs(_without_trailing_fillers(strip_time(predicate).strip(EDGE_MARKS)))
    verb = verb.strip(EDGE_MARKS)
    if is_filler(verb) or DIGITS.search(verb) or COMPARISON.match(verb) or CAUSE.match(verb):
        return None
    return verb


@lru_cache(maxsize=READINGS_CACHED)
def clean_object(obj: str | None) -> str | None:
    """The counted thing, or null when the words are no thing: `2021`, `月度`, `二是`,
    `较上月多增`, `受汛期影响`, `1项`, a single character cut from a word (`公`); a place
    level alone is a thing (`14个市`)."""
    if not obj:
        return None
    thing = strip_time(obj).strip(EDGE_MARKS)
    thing = _without_trailing_fillers(thing) or thing
    for opener, closer in (("(", ")"), ("（", "）")):
        if thing.count(opener) > thing.count(closer):  # cut inside an aside: `乡镇(街道`
            thing = thing[:thing.rfind(opener)]
        elif thing.count(closer) > thing.count(opener) and thing.startswith(closer):
            thing = thing[1:]
    if ((len(thing) < 2 and thing not in ENTITY_SUFFIXES) or is_filler(thing)
            or DIGITS.search(thing) or COMPARISON.match(thing) or CAUSE.match(thing)
            or TALLY_WORD.search(thing) or _is_verb(thing)):
        return None
    return thing


def _is_verb(thing: str) -> bool:
    """`新开工`, `核销`, `发放`: a short verb alone is what was done, not the thing."""
    if thing.lstrip("新已再") in ACTION_WORDS:
        return True
    if len(thing) > SHORT_VERB:
        return False  # decided without asking jieba for its words
    toks = words(thing)
    return len(toks) == 1 and toks[0][1] in VERB_FLAGS


def measure_key(entity: str | None, predicate: str | None, obj: str | None, unit: str) -> str:
    """`章江新区 新增 城镇就业 (人)`: the words that say what is measured, and its unit.

    The words present, joined by a space, then the unit in brackets, the unit alone when no
    word is: one key is made for every count, so the commonest shapes (predicate and object,
    or one of them, without an entity) are formatted at once rather than filtered into a list
    and joined (tests/test_measures.py holds every shape to that definition)."""
    if entity:
        named = " ".join([w for w in (entity, predicate, obj) if w])
    elif predicate:
        named = f"{predicate} {obj}" if obj else predicate
    elif obj:
        named = obj
    else:
        return f"({unit})"
    return f"{named} ({unit})"
