"""What each number measures: basis, predicate, object and the measure key (issue 12)."""

from __future__ import annotations

from dataclasses import fields

import pytest

from extractors.counts import find_facts
from extractors.fillers import FILLER_WORDS
from extractors.measures import clean_object, measure_key, normalise_predicate
from extractors.records import Claim
from pipeline.records import Fact


def facts(text: str, title: str = "") -> list[Claim]:
    """Counts of ``text``, read as a task whose title is ``title`` when one is given."""
    whole = title + text
    title_end = len(title) if title else None
    return find_facts(whole, 0, len(whole), title_end=title_end)


@pytest.mark.parametrize("entity", [None, "", "章江新区"])
@pytest.mark.parametrize("predicate", [None, "", "新增"])
@pytest.mark.parametrize("obj", [None, "", "城镇就业"])
def test_a_measure_key_is_its_words_joined_then_the_unit(
    entity: str | None, predicate: str | None, obj: str | None
) -> None:
    """Every shape of the key (each word present, empty or null) as its definition reads."""
    named = " ".join(w for w in (entity, predicate, obj) if w)
    plain = f"{named} (人)" if named else "(人)"
    assert measure_key(entity, predicate, obj, "人") == plain


def test_claim_fields_are_fact_fields() -> None:
    assert {f.name for f in fields(Claim)} <= {f.name for f in fields(Fact)}


# ------------------------------------------------------------------------------ predicates

ENUMERATED = [f"{n}是" for n in "一二三四五六七八九十"] + ["其一", "二要"]


@pytest.mark.parametrize("word", sorted(FILLER_WORDS) + ENUMERATED)
def test_a_filler_word_is_never_a_predicate(word: str) -> None:
    assert normalise_predicate(word) is None


@pytest.mark.parametrize(("text", "forbidden"), [
    ("四是新增城镇就业500人。", "四是"),
    ("首笔贷款发放了300万元。", "首笔"),
    ("2021年完成3个。", "年"),
    ("已完成的有3个。", "的"),
    ("完成了4项。", "了"),
    ("改造老旧小区等5个。", "等"),
])
def test_fillers_never_reach_a_facts_predicate(text: str, forbidden: str) -> None:
    (fact,) = facts(text)
    assert fact.predicate is None or forbidden not in fact.predicate


@pytest.mark.parametrize("text", ["完成投资8亿元。", "已完成投资8亿元。", "累计完成投资8亿元。",
                                  "截至5月底,共完成投资8亿元。"])
def test_completion_verbs_are_one_predicate(text: str) -> None:
    (fact,) = facts(text, "全年完成投资20亿元。")[1:]
    assert fact.predicate == "完成"
    assert fact.basis == "cumulative"


# ------------------------------------------------------------------------------------ basis

@pytest.mark.parametrize(("title", "text", "surface", "basis"), [
    ("全年新增城镇就业5万人。", "累计新增城镇就业18300人,完成年度目标的36.6%。", "5万人", "target"),
    ("全年新增城镇就业5万人。", "累计新增城镇就业18300人,完成年度目标的36.6%。", "18300人",
     "cumulative"),
    ("全年新增城镇就业5万人。", "累计新增城镇就业18300人,完成年度目标的36.6%。", "36.6%", "rate"),
    ("全年新增城镇就业5万人。", "本月新增5700人,较上月多增580人。", "5700人", "period"),
    ("全年新增城镇就业5万人。", "本月新增5700人,较上月多增580人。", "580人", None),
    ("年内新建充电桩3000个。", "截至5月底,新建充电桩1200个。", "1200个", "cumulative"),
    ("年内新建充电桩3000个。", "8月新建460个。", "460个", "period"),
    ("年内新建充电桩3000个。", "6月当月建成360个。", "360个", "period"),
    ("发放创业担保贷款5亿元。", "1—6月新增发放创业担保贷款2.97亿元。", "2.97亿元", "cumulative"),
    ("完成投资85亿元。", "前三季度完成投资70.8亿元,三季度完成投资24.5亿元。", "70.8亿元",
     "cumulative"),
    ("完成投资85亿元。", "前三季度完成投资70.8亿元,三季度完成投资24.5亿元。", "24.5亿元",
     "period"),
    ("完成投资85亿元。", "区级重点项目完成投资62亿元(1—8月)。", "62亿元", "cumulative"),
    ("举办招聘会100场。", "累计举办招聘会41场(含本月15场)。", "15场", "period"),
    ("完成投资85亿元。", "本月完成投资8亿元,项目开累完成投资54亿元。", "54亿元", "cumulative"),
    ("完成投资85亿元。", "10月单月完成投资8亿元。", "8亿元", "period"),
    ("新增泊位1500个。", "城东停车场(320个泊位)已开工建设。", "320个", None),
    ("改造老旧小区90个,其中三季度开工35个。", "已开工28个。", "35个", "target"),
])
def test_basis(title: str, text: str, surface: str, basis: str | None) -> None:
    found = {f.text: f for f in facts(text, title)}
    assert found[surface].basis == basis


def test_outside_a_task_only_rates_have_a_basis() -> None:
    found = {f.text: f.basis for f in facts("截至4月底,牵头任务已完成1项,完成率16.7%。")}
    assert found == {"1项": None, "16.7%": "rate"}


# ---------------------------------------------------------------------------------- objects

@pytest.mark.parametrize(("text", "surface", "thing"), [
    ("改造老旧小区90个,其中三季度开工35个。", "35个", "老旧小区"),
    ("市属企业从原12家整合为7家。", "12家", "市属企业"),
    ("失业人员实现再就业4480人。", "4480人", "失业人员"),
    ("其中赣川经开区累计新增2310人。", "2310人", None),
    ("全省已有41个县(市)开展试点。", "41个", "县"),
    ("完成12家涉VOCs企业深度治理。", "12家", "涉VOCs企业深度"),
])
def test_objects(text: str, surface: str, thing: str | None) -> None:
    found = {f.text: f for f in facts(text)}
    assert found[surface].object == thing


def test_a_word_jieba_does_not_know_is_not_cut_to_its_first_character() -> None:
    (fact,) = facts("丰水期9个省控点地下水水质监测未出现超标。")
    assert fact.object is not None and fact.object.startswith("省控点")


def test_a_place_before_the_verb_is_the_entity() -> None:
    found = {f.text: f for f in facts("累计新增城镇就业12600人,其中赣川经开区累计新增2310人。")}
    assert found["2310人"].entity == "赣川经开区"
    assert found["2310人"].object == "城镇就业"


def test_a_title_names_what_the_progress_text_counts() -> None:
    found = {f.text: f for f in facts("本月新建310个。", "年内新建充电桩3000个。")}
    assert found["310个"].object == "充电桩"
    assert found["310个"].measure == "新建 充电桩 (个)"


@pytest.mark.parametrize("words", ["2021", "月度", "二是", "受汛期影响", "较上月多增", "1项", "公",
                                   "环比减少"])
def test_what_names_no_thing_is_no_object(words: str) -> None:
    assert clean_object(words) is None


def test_measure_is_stable_when_time_words_change() -> None:
    title = "全年开展培训2万人次。"
    may = facts("截至5月底共完成补贴性职业技能培训7120人次。", title)[1]
    june = facts("1—6月累计完成补贴性职业技能培训10200人次。", title)[1]
    assert may.measure == june.measure


@pytest.mark.parametrize(("text", "verb"), [("本月受理入库申请53家。", "受理"),
                                            ("审核通过44家。", "审核通过")])
def test_verbs_that_look_like_causes_or_particles_stay_whole(text: str, verb: str) -> None:
    (fact,) = facts(text)
    assert fact.predicate == verb


@pytest.mark.parametrize(("text", "surface", "thing"), [
    # a header's tally counts the tasks its paragraph named, sentences before
    ("今年我局牵头负责重点任务6项。截至4月底,牵头任务已完成1项,按序时推进4项。", "4项", "任务"),
    # 由我局 is the publisher speaking, the thing is named in the clause before
    ("确定的十大民生实事中,由我局牵头实施6项。", "6项", "十大民生实事"),
    # a place after 其中 says where the part is
    ("零工驿站建成9个,其中乡镇(街道)6个。", "6个", "零工驿站"),
    ("关闭养殖场136家,其中濉溪县87家。", "87家", "养殖场"),
    # a report's heading is no thing; a short verb alone is no thing
    ("进展情况:已完成18处。", "18处", None),
    ("2000万元消费券已全部发放完毕,核销1788万元。", "1788万元", "消费券"),
])
def test_objects_carried_past_words_that_name_no_thing(
    text: str, surface: str, thing: str | None
) -> None:
    found = {f.text: f for f in facts(text)}
    assert found[surface].object == thing


def test_a_goal_under_a_target_label_is_a_target_and_names_the_progress() -> None:
    title = "关于禁养区畜禽养殖污染问题\n"
    text = "整改目标:关闭或搬迁禁养区内畜禽养殖场(户)136家。\n整改进展情况:已关闭搬迁121家。"
    found = {f.text: f for f in facts(text, title)}
    assert found["136家"].basis == "target"
    assert found["136家"].object == "畜禽养殖场"  # 区内 says where
    assert found["121家"].object == "畜禽养殖场"
    assert found["121家"].basis == "cumulative"


def test_a_count_that_opens_its_clause_is_the_subject_of_the_verb_after_it() -> None:
    found = {f.text: f for f in facts("改造乡镇卫生院20个,已完成14个,6个进入设备采购阶段。")}
    assert found["20个"].object == "乡镇卫生院"
    assert found["6个"].object == "乡镇卫生院"
