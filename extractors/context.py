"""What a count is about: its object (counted thing), predicate (verb) and entity (place).

The words around a count are read in the count's own clause, in this order:
1. after the unit: `72场对接活动` → 对接活动;
2. before the number, minus the verbs that open the stretch: `入驻企业和团队1101个` →
   企业和团队 (predicate 入驻);
3. a second measure of the same thing (`征占用林地69宗78.4936公顷`) takes the first's;
4. a bare verb (`结案37宗`, `通过评审119家`) takes the object of the count before it in the
   same sentence, or the thing the previous clause names (`组织高新技术企业评审,共上会评审
   122家`);
5. in a task's progress text, a count that still names nothing counts what the task's goal
   counts in the same unit (`本月新建310个` under `年内新建充电桩3000个`).
A candidate that names no thing (a time word, list marker, comparison, a piece of a number:
``measures.clean_object``) is passed over for the next one; null is better than wrong.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from extractors.basis import basis_of
from extractors.buckets import TALLY_WORD
from extractors.fillers import CJK_FIRST, CJK_LAST
from extractors.measures import clean_object, measure_key, normalise_predicate
from extractors.patterns import (
    ACTION_WORDS,
    CHANGE_FROM,
    CLAUSE_DELIMITERS,
    ENTITY_SUFFIXES,
    LEADING_FILLERS,
    LIGHT_VERBS,
    REPORT_HEADINGS,
    SENTENCE_DELIMITERS,
    VERB_FILLERS,
)
from extractors.records import Claim, Count
from extractors.segment import NOUN_FLAGS, READINGS_CACHED, VERB_FLAGS, words
from extractors.sentences import Marks
from extractors.units import RATE_UNITS, THING_COUNT_UNITS, THING_UNITS

if TYPE_CHECKING:
    from collections.abc import Sequence

CLAUSE_MARKS = Marks(CLAUSE_DELIMITERS)
SENTENCE_MARKS = Marks(SENTENCE_DELIMITERS)
# The words from a position to the next clause mark (``CLAUSE_MARKS.end_after``), in one match.
CLAUSE_WORDS = re.compile("[^" + "".join(map(re.escape, sorted(CLAUSE_DELIMITERS))) + "]*")
MAX_OBJECT = 16
MAX_BEFORE = 20
# Quoted labels and bracketed asides inside the words before a count: read past, not as the
# counted thing's name.
ASIDE_OPENER = {"”": "“", ")": "("}
MAX_ASIDE = 12
# An aside right before the number qualifies it; one inside the words is part of the name
# (`每千人口执业(助理)医师3.1人`, `“一网通办”事项123项`).
TRAILING_ASIDE = re.compile(r"(?:“[^“”]{0,12}”|\([^()]{0,12}\))\s*$")
# Words after a unit that end its object: `10个项目等`, `3家的`, `21家企业和3家机构`.
OBJECT_STOP_WORDS = frozenset({"的", "等", "余", "多", "和", "及", "与"})
# Words that cannot open a counted thing's name right after its unit (`3家已…`, `5个均…`).
FUNCTION_CHARS = frozenset("已并均将被由在为是也都的等共从向对于把给让不未没")
FUNCTION_WORDS = frozenset({"进行", "开展", "其中", "正在", "累计", "分别", "以来", "左右", "以上",
                            "全部", "全面", "基本", "已经", "均已", "已全部", "同比", "比上年"})
RELATIVE_CLAUSE_MAX = 10
SINGLE_CHAR_FILLERS = frozenset("共已均另")
ACTION_ENDINGS = tuple(ACTION_WORDS)  # for str.endswith
# Verbs that jieba tags as such but that modify the noun after them inside a name
# (`工业设计相关领域专家`).
ATTRIBUTIVE_VERBS = frozenset({"相关", "有关", "配套", "涉及", "新建", "在建", "拟建"})
SHORT_VERBAL_OBJECT = 6
CELL_BREAK = re.compile(r"\s+|\d+")
# Kinds of place (`乡镇`, `街道`, `社区`, `县(市)`, `地区`): after `其中` they say where, not
# what; as a table's first column header (`县(市、区)`) they say its rows are places.
PLACE_WORD = re.compile(r"^(?:乡镇|街道|社区|村|镇|乡|县|区|市|地区|县区|县市区)"
                        r"(?:[(（][^()（）]{1,4}[)）])?$|^(?:乡镇|街道|社区)")
# `章江` + `新区`: a district word after an unknown name ends the place's name (`下乡` is none).
DISTRICT_WORD_END = "区"
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.]*$")
# `全市已免费体检`: the publisher's own scope opens the stretch, it names no counted thing.
OWN_SCOPE_LEAD = re.compile(r"^(?:全|我|本)(?:省|市|县|区|州|镇|乡|旗)")
# A bare verb's object may come from a count before it across `;` (one list), not `。`.
CARRY_DELIMITERS = frozenset("。!?\n")
PARAGRAPH_DELIMITERS = frozenset("\n")
# `1个综合体、3个助餐点`: a count after these is a list's item, its thing follows it.
LIST_MARKS = frozenset("、")
MIN_ENTITY = 3
# A lone verb-tagged word kept as the counted thing must be long enough to be a name
# (`罚没款`), not an action (`入账`, `处罚`).
MIN_LONE_VERB_NOUN = 3  # `沈阳市`; two-character `城镇`, `城市` are common nouns, not places
# The publisher speaking of itself (`我厅共牵头负责8项`) is neither object nor entity.
SELF_REFERENCE = re.compile(r"^(?:由|经)?(?:我|本)(?:省|市|县|区|厅|局|委|办|部|处|室|中心|单位)")
# Leading words of the stretch before a number that are the verb, not the counted thing:
# verbs, adverbs, prepositions, pronouns, numerals, particles (`发出提醒函`, `共上会评审`).
LEADING_NON_NOUN_FLAGS = VERB_FLAGS | {"p", "d", "ad", "r", "m", "mq", "f", "u", "uj", "ul",
                                       "c", "x", "t", "q", "s"}
# Words of when and where (`区内畜禽养殖场`: 区内) open no thing's name and are no verb.
NOT_PREDICATE_FLAGS = frozenset({"t", "s"})
# jieba tags some names of things as state words or idioms (`邻里纠纷` z, `残垣断壁` i).
NAME_FLAGS = NOUN_FLAGS | {"z", "i"}
# Entities named by these are the publisher's own scope, not another body (`全省`, `我市`).
OWN_SCOPE = ("全", "我", "本", "各", "该", "省内", "市内")


class _Before(NamedTuple):
    """What the stretch between the clause start and a number says (a tuple: one is made
    for every stretch read, and a frozen dataclass takes three times as long to build)."""

    entity: str | None
    predicate: str | None
    noun: str | None


def clause_start(text: str, pos: int, lo: int) -> int:
    return CLAUSE_MARKS.start_before(text, pos, lo)


def _stretch_start(text: str, pos: int, lo: int) -> int:
    """Where the words before a count start: its clause, reaching over a quoted label or a
    bracketed aside (`农村公路“白改黑”36.5公里`, `救助资金(含临时救助)286.5万元`)."""
    p = CLAUSE_MARKS.start_before(text, pos, lo)
    while p > lo and text[p - 1] in ASIDE_OPENER:
        opener = text.rfind(ASIDE_OPENER[text[p - 1]], max(lo, p - 1 - MAX_ASIDE), p - 1)
        if opener < 0:
            break
        p = clause_start(text, opener, lo)
    return p


def _sentence_start(text: str, pos: int, lo: int) -> int:
    return SENTENCE_MARKS.start_before(text, pos, lo)


def describe(
    text: str,
    lo: int,
    hi: int,
    counts: Sequence[Count],
    *,
    publisher: str | None,
    title_end: int | None = None,
) -> list[Claim]:
    facts: list[Claim] = []  # drafts (``_reading``) until the stretch is read
    befores: list[_Before] = []
    # Most stretches hold no `(`, and then no count is inside a bracket.
    brackets = _Brackets(text, lo, hi) if text.find("(", lo, hi) >= 0 else None
    prev: Count | None = None
    for count in counts:
        start, unit = count.start, count.unit
        words_open = _stretch_start(text, start, lo)  # the clause, past a label or aside
        stretch_start = max(words_open, start - MAX_BEFORE)
        if prev is not None and prev.end > stretch_start:
            stretch_start = prev.end
        before = _words_before(text[stretch_start:start], unit in THING_COUNT_UNITS, publisher)
        adjacent = (prev is not None and prev.unit != unit
                    and _is_second_measure(text, prev, count, facts[-1]))
        obj = None
        if unit not in RATE_UNITS:
            if adjacent:
                obj = _first_thing(_object_after(text, count.end, hi), befores[-1].noun,
                                   facts[-1].object)
            else:
                # The candidates in order, each read only when those before it name nothing.
                obj = _first_thing(
                    _object_after(text, count.end, hi, opens_clause=(
                        before.noun is None and before.predicate is None
                        and (stretch_start == lo
                             or text[stretch_start - 1] not in LIST_MARKS))),
                    before.noun,
                ) or _first_thing(_carried_object(text, count, facts, lo)) or _first_thing(
                    _object_of_previous_clause(text, count, lo))
                if obj is None and title_end is None and unit in THING_UNITS:
                    obj = _carried_object(text, count, facts, lo, paragraph=True)
                elif _names_a_place_of(text, words_open, obj):
                    obj = (_carried_object(text, count, facts, lo) or _goal_object(count, facts)
                           or obj)
            if obj is None and title_end is not None and start >= title_end:
                obj = _goal_object(count, facts)
        entity = before.entity or (_carried_entity(count, facts, brackets) if brackets else None)
        if adjacent and entity is None:
            entity = facts[-1].entity
        predicate = normalise_predicate(
            before.predicate or (facts[-1].predicate if adjacent else None))
        basis = basis_of(text, start, count.end, unit, lo, hi, in_task=title_end is not None,
                         in_title=title_end is not None and start < title_end)
        befores.append(before)
        facts.append(_reading(text, count, obj, entity, predicate, basis))
        prev = count
    if len(facts) > 1:  # a list needs two items
        _share_listed_objects(text, facts)
    return _measured(facts)


def _reading(text: str, count: Count, obj: str | None, entity: str | None,
             predicate: str | None, basis: str | None) -> Claim:
    """A count with the words read for it: its Claim but for ``measure``, what the counts
    after it in the stretch consult, and a draft until the stretch is read: a list's last
    item may still lend its object to the items before it (``_share_listed_objects``), and
    ``_measured`` then adds the key the words make. One record per count, never rebuilt.

    The fields are stored one by one into the instance's dict in the order of its
    declaration, as ``__init__`` stores them (so instances share their keys, ``measure``
    last), without ``__init__``'s call of ``object.__setattr__`` per field.
    tests/test_fact_speed.py holds the finished record to the plain construction."""
    claim = object.__new__(Claim)
    fields = claim.__dict__
    fields["value"] = count.value
    fields["unit"] = count.unit
    fields["text"] = text[count.start:count.end]
    fields["start"] = count.start
    fields["end"] = count.end
    fields["value_max"] = count.value_max
    fields["object"] = obj
    fields["qualifier"] = count.qualifier
    fields["entity"] = entity
    fields["predicate"] = predicate
    fields["basis"] = basis
    return claim


def _measured(readings: list[Claim]) -> list[Claim]:
    """The drafts finished: each with the measure its words and unit make."""
    for claim in readings:
        fields = claim.__dict__
        fields["measure"] = measure_key(fields["entity"], fields["predicate"], fields["object"],
                                        fields["unit"])
    return readings


@lru_cache(maxsize=READINGS_CACHED)
def _words_before(stretch: str, of_things: bool, publisher: str | None) -> _Before:
    """``_read_before`` of the words between a count's stretch start and its number, an
    aside right before the number dropped. A pure function of short strings that repeat
    (`累计完成`, `新增城镇就业`), so it is cached."""
    return _read_before(TRAILING_ASIDE.sub("", stretch), of_things, publisher)


def _first_thing(*candidates: str | None) -> str | None:
    """The first candidate that names a thing (``measures.clean_object``), cleaned."""
    for candidate in candidates:
        if (thing := clean_object(candidate)) is not None:
            return thing
    return None


def _goal_object(count: Count, facts: list[Claim]) -> str | None:
    """What the task's goal counts in the count's unit: the first goal before it (in the
    title, or under a `整改目标:` label) names it."""
    for fact in facts:
        if fact.basis == "target" and fact.object and fact.unit == count.unit:
            return fact.object
    return None


def _share_listed_objects(text: str, facts: list[Claim]) -> None:
    """`牵头负责8项、责任负责2项重点任务`: a list's last item names the thing for all."""
    for i in range(len(facts) - 2, -1, -1):
        fact, nxt = facts[i], facts[i + 1]
        if (
            fact.object is None
            and nxt.object is not None
            and fact.unit == nxt.unit
            and fact.unit not in RATE_UNITS
            and text.startswith("、", fact.end, nxt.start)
            and not any(ch in SENTENCE_DELIMITERS or ch == ","
                        for ch in text[fact.end:nxt.start])
        ):
            vars(fact)["object"] = nxt.object  # a draft: see _reading


def _is_second_measure(text: str, prev: Count, count: Count, prev_fact: Claim) -> bool:
    """`69宗78.4936公顷`, `119户209人`, `42个批次1753亩`: two measures of one thing."""
    if prev.unit == count.unit:
        return False
    between = text[prev.end:count.start]
    return between == "" or (prev_fact.object is not None and between == prev_fact.object
                             and len(between) <= 4)


def _strip_fillers(chunk: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Drop leading words like `共`, `累计`, `其中`, whole words only (`达成` keeps its 达);
    return what is left and its words."""
    chunk = chunk.strip()
    toks = words(chunk) if chunk else ()
    while toks:
        first, flag = toks[0]
        if first in LEADING_FILLERS and len(toks) > 1:
            toks = toks[1:]
        elif flag == "d" and first[0] in SINGLE_CHAR_FILLERS and len(first) > 1:
            # jieba glues `共上会评审` into `共上`: an adverb, not a word; cut again without it
            toks = words("".join(w for w, _ in toks)[1:])
        else:
            break
    return "".join(w for w, _ in toks), toks


def _read_before(chunk: str, of_things: bool, publisher: str | None) -> _Before:
    """Entity, verb and noun in the words before a number; ``of_things``: whether its unit
    counts things (THING_COUNT_UNITS), all the unit tells here.

    `沈阳市上会评审` → (沈阳市, 上会评审, None); `发出提醒函` → (None, 发出, 提醒函).
    """
    # In a table run into text, cells are separated by spaces and the row number is a
    # digit: the counted thing is in the last cell (`县经信局 2 完成造林1.2万亩`).
    chunk = CELL_BREAK.split(chunk.strip())[-1]
    chunk, segmented = _strip_fillers(_without_lead(SELF_REFERENCE,
                                                    _without_lead(OWN_SCOPE_LEAD, chunk)))
    if not chunk:
        return _Before(None, None, None)
    toks = _glue_unknown(list(segmented), entity_run=True)
    entity = None
    first, flag = toks[0]
    if (
        flag == "ns"
        and len(toks) > 1
        and first.endswith(ENTITY_SUFFIXES)
        and len(first) >= MIN_ENTITY
        and not first.startswith(OWN_SCOPE)
        and not (publisher and first in publisher)
    ):
        entity = first
        toks = toks[1:]
    # Only bulletin action words leave the end (`闲置土地处置310亩`); other verbs there name
    # an indicator (`城镇新增就业3125人`, `一般公共预算收入12.37亿元`).
    tail: list[str] = []
    while toks and _tail_non_noun(*toks[-1]):
        tail.insert(0, toks.pop()[0])
    # `市属企业从原12家整合为7家`: `从` after the thing opens a change of the number.
    at = next((i for i, (w, _) in enumerate(toks) if w in CHANGE_FROM and i > 0), None)
    if at is not None and any(f in NAME_FLAGS for _, f in toks[:at]):
        toks = toks[:at]
    # `失业人员实现再就业4480人`: a light verb after the thing, followed by verbs only, starts
    # the predicate of a count of things; followed by a noun it names the thing itself
    # (`桃花江大道改造完成路基`). An amount is of the action after the light verb, the words
    # before it are the scope (`区级重点项目累计完成投资46.3亿元`, `…示范区完成投资`: 投资).
    at = next((i for i, (w, _) in enumerate(toks) if w in LIGHT_VERBS and i > 0), None)
    if at is not None and any(f in NAME_FLAGS for _, f in toks[:at]) and all(
            f in VERB_FLAGS or f in ("vn", "d") for _, f in toks[at + 1:]):
        named = "".join([w for w, _ in toks[:at]])
        if clean_object(named):
            if not of_things:
                toks = toks[at:]
            elif not named.endswith(ENTITY_SUFFIXES):  # a place is where, not what
                tail = [w for w, _ in toks[at:]] + tail
                toks = toks[:at]
    # Verbs open the stretch (`发出提醒函`), but the last word left is kept unless it is an
    # action word: jieba tags many indicator nouns as verbs (`罚没款合计`).
    lead: list[str] = []
    while toks and (_non_noun(*toks[0]) or toks[0][0] in LEADING_FILLERS):
        if (len(toks) == 1 and toks[0][1] in VERB_FLAGS and toks[0][0] not in ACTION_WORDS
                and len(toks[0][0]) >= MIN_LONE_VERB_NOUN):
            break
        if len(toks) == 1 and toks[0][1] == "q" and lead:
            break  # `新建充电桩`: 桩 ends the thing's name (充电桩), it is no verb
        word, flag = toks.pop(0)
        # the predicate says what was done; `新增` is a verb even where it opens the stretch
        if flag not in NOT_PREDICATE_FLAGS and (word not in LEADING_FILLERS
                                                or word in VERB_FILLERS):
            lead.append(word)
    if len(toks) == 1 and len(toks[0][0]) == 1 and lead:
        toks.insert(0, (lead.pop(), "v"))  # `发出提醒函`: 函 alone names nothing
    noun = "".join(w for w, _ in toks)
    if noun.count("“") > noun.count("”"):  # a label cut by the verb after it: 食堂“明厨亮灶”改造
        noun = noun[:noun.rfind("“")]
    # Amounts (元, 亩, 次) are of indicators jieba rarely tags as nouns (`罚没款`, `一般公共预算
    # 收入`); things (家, 个) need a noun, or a measure-word ending (`充电桩` 桩 q).
    has_name = bool(toks) and (not of_things or toks[-1][1] == "q"
                               or any(f in NAME_FLAGS for _, f in toks))
    if len(noun) < 2 or not has_name or _is_tally_word(noun):
        return _Before(entity, _predicate(lead, [noun], tail), None)
    return _Before(entity, _predicate(lead, [], tail), noun)


def _without_lead(pattern: re.Pattern[str], phrase: str) -> str:
    """``pattern.sub("", phrase)`` for a pattern anchored at the start (`^`), by one match
    there instead of a search of every position."""
    lead = pattern.match(phrase)
    return phrase[lead.end():] if lead else phrase


def _predicate(*parts: list[str]) -> str | None:
    """The verb words, without the quote marks of a label they were cut from."""
    return "".join(w for part in parts for w in part).strip("“”()") or None


def _non_noun(word: str, flag: str) -> bool:
    return flag in LEADING_NON_NOUN_FLAGS or word in ACTION_WORDS


def _tail_non_noun(word: str, flag: str) -> bool:
    if flag in VERB_FLAGS and word not in ACTION_WORDS:
        return False
    if flag in ("l", "i") and word.endswith(ACTION_ENDINGS):
        return True  # jieba's idioms `全面完成`, `基本建成` are verb phrases
    if flag == "q":
        return False  # `充电桩` ends in 桩 (q): the thing's own last character
    return _non_noun(word, flag) or word in LEADING_FILLERS


def _is_tally_word(phrase: str) -> bool:
    """`达到序时进度的有145个`, `滞后1件`: a status bucket, not the thing counted."""
    return bool(TALLY_WORD.search(phrase))


def _object_after(text: str, pos: int, hi: int, *, opens_clause: bool = False) -> str | None:
    """The noun phrase right after the unit: `72场对接活动` → `对接活动`.

    `8家已备案的房屋征收实施单位` → the phrase after the relative clause's `的`.
    """
    if text.startswith("“", pos, hi):
        close = text.find("”", pos, min(hi, pos + MAX_OBJECT))  # `12个“千人以下”农村水源地`
        return (_object_after(text, close + 1, hi, opens_clause=opens_clause) if close > 0
                else None)
    # The clause is read only as far as an object can reach, not to its end.
    clause = CLAUSE_WORDS.match(text, pos, min(hi, pos + MAX_OBJECT))
    window = clause.group() if clause else ""
    if not window or not _is_cjk(window[0]):
        return None
    de = window.find("的", 0, RELATIVE_CLAUSE_MAX)
    if de > 0 and window[0] in FUNCTION_CHARS:
        return _object_after(text, pos + de + 1, hi, opens_clause=opens_clause)
    return _object_in(window, opens_clause)


@lru_cache(maxsize=READINGS_CACHED)
def _object_in(window: str, opens_clause: bool) -> str | None:
    """The thing's name that opens ``window`` (the clause after a unit, cut to an object's
    reach); cached, since those windows repeat across counts and bulletins."""
    toks = _glue_unknown(list(words(window)))
    if len(window) <= SHORT_VERBAL_OBJECT and all(f in VERB_FLAGS or f == "vn" for _, f in toks):
        return window  # `6个控规编制`: jieba reads a short domain noun as verbs
    out: list[tuple[str, str]] = []
    for i, (word, flag) in enumerate(toks):
        if not (_is_cjk(word[0]) or (out and LATIN_WORD.match(word))) or word in OBJECT_STOP_WORDS:
            break  # a Latin name inside the thing's name stays in it: `涉VOCs企业`
        if not out and ((word[0] in FUNCTION_CHARS and len(word) == 1) or word in FUNCTION_WORDS):
            return None
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if flag in VERB_FLAGS or word in ACTION_WORDS:
            if not out:
                if (nxt and nxt not in NOUN_FLAGS and nxt != "vn") or opens_clause:
                    # `3家开展…`, `其中6个进入设备采购阶段`: the count is the subject, the
                    # predicate follows
                    return None
            elif word not in ATTRIBUTIVE_VERBS or nxt not in NOUN_FLAGS:
                break  # `专家赴企业`, `高校院所成为供应商`: the verb after the thing
        if out and flag in ("d", "ad", "p", "u", "uj", "ul", "r", "c"):
            break
        out.append((word, flag))
    # `220项目标任务中`: a trailing verb or localizer is not part of the thing
    while len(out) > 1 and (out[-1][1] in VERB_FLAGS or out[-1][1] == "f"
                            or out[-1][0] in ACTION_WORDS):
        out.pop()
    return "".join(w for w, _ in out) or None


def _glue_unknown(
    toks: list[tuple[str, str]], *, entity_run: bool = False
) -> list[tuple[str, str]]:
    """jieba without HMM splits a word it does not know into characters (`省控点` → 省/控/点,
    `公建项目` → 公/建/项目): a leading run of single characters is one noun. With
    ``entity_run`` (words before a number) only a run ending in a place's level is glued, as
    a place (`赣川经开区`, `章江` + `新区`)."""
    run = 0
    while (run < len(toks) and len(toks[run][0]) == 1 and _is_cjk(toks[run][0])
           and toks[run][0] not in OBJECT_STOP_WORDS and toks[run][0] not in FUNCTION_CHARS):
        run += 1
    if run >= 2:
        if (entity_run and run < len(toks) and len(toks[run][0]) == 2
                and toks[run][0].endswith(DISTRICT_WORD_END)):
            run += 1
        glued = "".join(w for w, _ in toks[:run])
        if not entity_run:
            toks = [(glued, "n"), *toks[run:]]
        elif glued.endswith(ENTITY_SUFFIXES):
            toks = [(glued, "ns"), *toks[run:]]
    return toks


def _is_cjk(ch: str) -> bool:
    return CJK_FIRST <= ch <= CJK_LAST


def _object_of_previous_clause(text: str, count: Count, lo: int) -> str | None:
    """`组织高新技术企业评审,共上会评审122家`: the thing named just before, same sentence."""
    here = clause_start(text, count.start, lo)
    sentence = _sentence_start(text, count.start, lo)
    if here <= sentence:
        return None
    prev_start = clause_start(text, here - 1, max(lo, sentence))
    toks = list(words(text[max(prev_start, here - 1 - MAX_BEFORE):here - 1]))
    while toks and toks[-1][1] not in NOUN_FLAGS:
        toks.pop()
    noun: list[str] = []
    while toks and toks[-1][1] in NOUN_FLAGS:
        noun.insert(0, toks.pop()[0])
    phrase = "".join(noun)
    # `进展情况:已完成18处`: a report's heading names no thing (`受理医疗救助申请:412件` does)
    if len(phrase) < 2 or phrase.endswith(REPORT_HEADINGS):
        return None
    return phrase


def _carried_object(
    text: str, count: Count, facts: list[Claim], lo: int, *, paragraph: bool = False
) -> str | None:
    """`结案37宗` after `林业行政案件立案50宗`: the same thing, counted again. With
    ``paragraph`` (a header's tally of its tasks) the thing may be named a sentence before:
    `牵头负责重点任务6项。截至4月底,已完成1项,按序时推进4项`."""
    delimiters = PARAGRAPH_DELIMITERS if paragraph else CARRY_DELIMITERS
    # The sentence's start is looked for only as far back as the facts asked reach, and
    # by str.rfind: a character loop to the paragraph's start for every count took
    # minutes on a 30 MB one-line section (issue 17). No delimiter in text[reached:count.start].
    reached = count.start
    for fact in reversed(facts):
        if any(text.rfind(d, fact.start, reached) >= 0 for d in delimiters):
            break  # the fact stands before the sentence's start
        reached = fact.start
        if fact.object and _same_kind(fact.unit, count.unit):
            return fact.object
    return None


def _names_a_place_of(text: str, stretch_start: int, obj: str | None) -> bool:
    """`建成9个,其中乡镇(街道)6个`, `关闭136家,其中濉溪县87家`: after `其中` a place names
    where the part is, the thing counted is the whole's (``stretch_start``: where the words
    before the count start, ``_stretch_start``)."""
    if not obj or not text.startswith("其中", stretch_start):
        return False
    toks = words(obj)
    return bool(PLACE_WORD.match(obj)) or (len(toks) == 1 and toks[0][1] == "ns")


def _same_kind(a: str, b: str) -> bool:
    """`220项目标任务中,已完成的有58个`: 项, 个, 件 all count things."""
    return a == b or (a in THING_UNITS and b in THING_UNITS)


def _carried_entity(count: Count, facts: list[Claim], brackets: _Brackets) -> str | None:
    """Inside `(沈阳市上会评审199家,通过评审192家)` the place holds for the whole bracket."""
    open_at = brackets.unclosed_before(count.start)
    if open_at is None:
        return None
    for fact in reversed(facts):
        if fact.start < open_at:
            break
        if fact.entity:
            return fact.entity
    return None


class _Brackets:
    """Where `(` and `)` stand in a stretch, found once and asked by bisection: a search
    back from every count to the stretch's start was quadratic in a long section without
    brackets (issue 17)."""

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self._opens = _positions(text, "(", lo, hi)
        # without a `(` no count is inside a bracket, whatever the `)`s
        self._closes = _positions(text, ")", lo, hi) if self._opens else []

    def unclosed_before(self, pos: int) -> int | None:
        """The last `(` before ``pos``, unless a `)` closes it before ``pos``."""
        i = bisect_left(self._opens, pos) - 1
        if i < 0:
            return None
        at = self._opens[i]
        j = bisect_left(self._closes, at)
        return None if j < len(self._closes) and self._closes[j] < pos else at


def _positions(text: str, char: str, lo: int, hi: int) -> list[int]:
    """Where ``char`` stands in ``text[lo:hi]``: by str.find, a sixth of a regex's finditer
    and its match objects on a stretch of a few brackets."""
    found = []
    at = text.find(char, lo, hi)
    while at >= 0:
        found.append(at)
        at = text.find(char, at + 1, hi)
    return found
