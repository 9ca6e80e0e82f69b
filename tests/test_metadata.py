"""Title, publication date, period, publisher and region from bulletin text."""

from __future__ import annotations

import pytest

from pipeline.read.decode import normalise
from pipeline.read.metadata import find_metadata, find_period, find_published, find_title

PERIODS = [
    # id, title, body, published, expected period
    ("month-cn-numeral", "吉林省《政府工作报告》2019年九月份工作完成情况", "", None, "2019-09"),
    ("month-digits", "关于2021年3月重点任务进展情况的通报", "", None, "2021-03"),
    ("cumulative-months", "2020年1-11月份某市《政府工作报告》部分目标任务完成情况", "", None,
     "2020-11"),
    ("cumulative-zhi", "2018年1至7月民生工程进度通报", "", None, "2018-07"),
    ("quarter-di", "区公安局2023年第四季度消防“双随机”抽查情况", "", None, "2023-Q4"),
    ("quarter-bare", "2019年县政府工作报告三季度完成情况通报", "", None, "2019-Q3"),
    # GUIDE.md: `前三季度` is cumulative to September, a month period; `第三季度` is the quarter.
    ("first-three-quarters", "某省十项民生工程2015年前三季度完成情况", "", None, "2015-09"),
    ("third-quarter", "泗阳县2019年《政府工作报告》第三季度完成情况通报", "", None, "2019-Q3"),
    ("month-range-em-dash", "达州市2019年“十件民生实事”1—10月进展情况", "", None, "2019-10"),
    ("month-range-after-words", "某局2024年市《政府工作报告》重点任务1—3月推进情况", "", None,
     "2024-03"),
    ("cut-off-date-in-body", "某市整改进展情况", "我市坚持清单化管理。截止2019年8月29日,我市承担的"
     "46项整改任务中,已完成28项。", "2019-09-03", "2019-08"),
    ("cut-off-month-end-in-header", "交通运输局关于重点任务推进情况的报告",
     "2020年市《政府工作报告》中,我局负责重点任务9项。截至8月底,其中两项已经完成。", "2020-09-07",
     "2020-08"),
    ("december-published-in-january", "12月份全县民生实事项目进展情况通报", "", "2021-01-11",
     "2020-12"),
    ("first-three-quarters-published-next-year", "前三季度重点任务推进情况", "", "2022-01-05",
     "2021-09"),
    ("half-year", "关于2016年上半年安全生产督查整改落实情况的报告", "", None, "2016-H1"),
    ("second-half", "2017年下半年重点项目推进情况", "", None, "2017-H2"),
    ("annual-title", "某局2022年工作总结及2023年工作计划", "", None, "2022"),
    ("annual-dudu", "关于2021年度国资监管工作情况的报告", "", None, "2021"),
    ("yearless-quarter-takes-published-year", "关于第三季度政府网站检查情况的通报", "",
     "2020-10-09", "2020-Q3"),
    ("yearless-q4-published-next-january", "关于第四季度重点工作完成情况的通报", "",
     "2024-01-12", "2023-Q4"),
    ("body-year-lai", None, "2022年来,我局坚持稳中求进,全年完成投资12亿元。", None, "2022"),
    ("body-yiyai", None, "2021年以来,在区党工委坚强领导下,各项工作稳步推进。", None, "2021"),
    ("body-opening-year", None, "一、2023年工作总结今年来,片区管理局完成项目8个。", None, "2023"),
    ("body-month-tally", None, "2019年10月,我局共办结群众投诉问题5件,其中3件已完成整改。", None,
     "2019-10"),
    ("body-date-is-no-period", None, "2023年12月15日,检查组对5家企业进行检查。", None, None),
    ("body-cited-document-ignored", None,
     "根据《关于2021年度改革任务评估情况的通报》要求,现将未完成任务通报如下。", None, None),
    ("title-before-body", "某县2020年工作总结", "2019年以来,全县完成……", None, "2020"),
    ("range-is-no-period", "某区十四五规划(2021—2025年)中期评估报告", "", None, None),
    # A quarter, month range or half further on in the title than right after the year.
    ("quarter-after-other-words", "某县2023年度重点工作清单二季度执行落实情况", "", None,
     "2023-Q2"),
    ("quarter-after-task-noun", "2021年重点项目三季度推进情况", "", None, "2021-Q3"),
    ("months-after-other-words", "某市2020年政府工作报告目标任务1-10月份完成情况", "", None,
     "2020-10"),
    ("half-after-other-words", "2024年民生实事项目上半年进展情况通报", "", None, "2024-H1"),
]


@pytest.mark.parametrize(("title", "body", "published", "expected"), [c[1:] for c in PERIODS],
                         ids=[c[0] for c in PERIODS])
def test_period(title, body, published, expected):
    assert find_period(title, normalise(body), published) == expected


PUBLISHED = [
    ("label-fabu-shijian", "某省某厅\n\n发布时间:2017-08-18\n\n正文。", "2017-08-18"),
    ("label-chinese-date", "发布日期:2019年5月6日 来源:某局\n正文。", "2019-05-06"),
    ("bare-time-in-chrome", "某局关于工作情况的报告 时间:2018-03-23 10:00 正文开始"
                            "。", "2018-03-23"),
    ("bare-riqi", "日期:2020/11/02\n通报如下。", "2020-11-02"),
    ("chengwen-is-not-published", "成文日期:2015-09-16 正文。平潭某局 2015年9月20日", "2015-09-20"),
    ("table-time-after-body-ignored",
     "现通报如下。附件:进展表 单位:某局 时间:2019年8月29日 合计37项", None),
    ("sign-off", "请认真落实。\n某市人民政府办公室\n2018年3月23日", "2018-03-23"),
    ("sign-off-before-attachment", "特此通报。 某局 2019年6月24日 附件:进展情况表 序号 项"
                                   "目", "2019-06-24"),
    ("sign-off-chinese-numerals", "特此报告。\n某县发展和改革局\n二〇一七年八月十八"
                                  "日", "2017-08-18"),
    ("mid-text-date-is-no-sign-off", "2023年12月15日,检查组开展检查,共检查5家。", None),
    # A sign-off line with an unlabelled date, e.g. right under the title.
    ("sign-off-line-iso", "关于2022年二季度民生实事进展情况的通报\n"
                          "某市民生实事工作领导小组办公室    2022-07-08\n\n各乡镇:现通报如下。",
     "2022-07-08"),
    ("sign-off-line-chinese", "某县2021年一季度重点工作通报\n\n"
                              "县政府督查室        2021年4月12日\n\n按照工作安排,现通报如下。",
     "2021-04-12"),
    ("sign-off-line-chinese-numerals", "通报\n某区发展和改革局  二〇二〇年七月九日\n正文。",
     "2020-07-09"),
    ("labelled-beats-sign-off-line", "发布日期:2021-04-15\n\n县政府督查室    2021年4月12日\n正文。",
     "2021-04-15"),
    ("date-in-sentence-is-no-sign-off-line", "县政府督查室于2021年4月12日召开调度会。\n正文。",
     None),
    ("sign-off-then-contact-line", "特此报告。\n某镇人民政府\n2024年4月2日\n联系人:张某 电话:123",
     "2024-04-02"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in PUBLISHED],
                         ids=[c[0] for c in PUBLISHED])
def test_published(text, expected):
    text = normalise(text)
    assert find_published(text, text, {}) == expected


TITLES = [
    ("first-line", "辽宁省《政府工作报告》2018年三月份工作完成情况\n\n发布时间:2018-04-10\n正文。",
     "辽宁省《政府工作报告》2018年三月份工作完成情况"),
    ("flattened-chrome",
     "当前位置: 首页政务公开规划信息 某局关于2021年工作情况的报告 时间:2022-01-05 09:00 正文。",
     "某局关于2021年工作情况的报告"),
    ("flattened-first-segment", "某局关于第二阶段攻坚任务进展情况的通报 各所出资企业:现将情况通报如"
                                "下。",
     "某局关于第二阶段攻坚任务进展情况的通报"),
    ("grid-title", "索 引 号: X-1 标 题: 关于安全生产整改落实情况的报告 发文字号: 某〔2015〕1号",
     "关于安全生产整改落实情况的报告"),
    ("attachment-name",
     "2024年3月18日,检查组抽查1家单位。附件:区公安局2024年第一季度烟花爆竹“双随机”抽查情况表 某局",
     "区公安局2024年第一季度烟花爆竹“双随机”抽查情况"),
    ("prose-is-no-title", "2022年是关键一年,我局坚持稳中求进,完成各项任务。", None),
    # Metadata lines left above the title by the page template.
    ("breadcrumb-and-date-above",
     "首页>>信息公开>>重点工作\n发布日期:2021-05-10\n\n某区2021年重点工作一季度推进情况通报\n正文。",
     "某区2021年重点工作一季度推进情况通报"),
    ("index-grid-above",
     "索引号:000123456/2020-00456   发布机构:某县人民政府办公室\n发布日期:2020-07-20 分享\n\n"
     "某县2020年民生工程上半年进展情况通报\n\n第五期",
     "某县2020年民生工程上半年进展情况通报"),
    ("arrow-breadcrumb-above",
     "首页 > 政务公开 > 督查通报\n某市2019年1-9月份重点工作完成情况\n正文。",
     "某市2019年1-9月份重点工作完成情况"),
    # A masthead above the title; a title a PDF broke over two lines.
    ("masthead-above", "督查通报\n第5期\n某市人民政府督查室        2023年9月8日\n\n"
                       "关于2023年1-8月市政府重点工作推进情况的督查通报\n\n各区:",
     "关于2023年1-8月市政府重点工作推进情况的督查通报"),
    ("title-over-two-lines", "某市人民政府办公室文件\n某政办〔2023〕41号\n\n"
                             "某市人民政府办公室关于2023年上半年重点民生实事\n进展情况的通报\n\n各县:",
     "某市人民政府办公室关于2023年上半年重点民生实事进展情况的通报"),
    ("heading-is-no-title", "现将有关情况报告如下\n一、2022年工作开展情况\n正文。", None),
    # Column tags and breadcrumbs of every label are page furniture, not the title.
    ("column-tag-glued",
     "【工作动态】2021年度《政府工作报告》重点任务完成情况\n发布时间:2022-01-20\n正文。",
     "2021年度《政府工作报告》重点任务完成情况"),
    ("breadcrumb-you-are-here", "您现在所在的位置:首页 > 政务公开 > 正文\n"
                                "某局《政府工作报告》2023年1-5月工作完成情况\n正文。",
     "某局《政府工作报告》2023年1-5月工作完成情况"),
    ("breadcrumb-current-place", "您当前所在位置:首页 > 法定主动公开内容\n"
                                 "关于2022年1-9月份重点任务推进情况的通报\n正文。",
     "关于2022年1-9月份重点任务推进情况的通报"),
    # A table's header cells after the opening sentence never make a title.
    ("table-header-cells-are-no-title", "1-11月份,县政府督查室进行了跟踪督查。具体情况如下:\n"
                                        "序号\n目标任务\n责任单位\n推进情况\n完成状态\n1", None),
]


def test_title_above_the_body_in_the_page():
    """Chrome stripping took the h1 (broken by `<br>`) away; the page still has it right
    above the body's first line, below the disclosure grid."""
    page = ("您当前的位置:首页 > 督查通报\n索引号: 0026/2021-1 发布机构: 某县人民政府办公室\n"
            "关于2021年县政府工作报告重点任务\n前三季度落实情况的通报\n各乡镇人民政府:\n"
            "2021年县政府工作报告确定的38项重点任务,现通报如下:")
    body = page[page.index("各乡镇"):]
    assert find_title(body, page, {}) == "关于2021年县政府工作报告重点任务前三季度落实情况的通报"


def test_meta_title_without_column_tag():
    meta = {"articletitle": "【民生工程】达州市2019年“十件民生实事”1—10月进展情况"}
    assert find_title("正文。", "", meta) == "达州市2019年“十件民生实事”1—10月进展情况"


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in TITLES],
                         ids=[c[0] for c in TITLES])
def test_title(text, expected):
    text = normalise(text)
    assert find_title(text, text, {}) == expected


def test_html_title_minus_site_name():
    assert find_title("正文开始,共3项。", "", {}, "某局2022年工作总结_某市人民政"
                                           "府") == "某局2022年工作总结"
    # Fujian TRS <title> is `栏目名_站点名`: a column name is no title.
    assert find_title("正文开始,共3项。", "", {}, "工作进展情况_平潭综合实验区") is None


PUBLISHERS = [
    # id, text, expected publisher, expected region
    ("self-reference-abbreviation",
     "辽宁省《政府工作报告》2017年七月份工作完成情况\n\n我厅共牵头负责8项。按照《省科技厅任务分工方"
     "案》,"
     "各处室积极工作。\n99.发展高新技术产业。",
     "辽宁省科学技术厅", "辽宁省"),
    ("source-field", "当前位置: 首页 某局关于2022年工作的报告 时间:2023-03-31 正文。 来源:平潭综合"
                     "实验区社会事业局",
     "平潭综合实验区社会事业局", "福建省·平潭综合实验区"),
    ("title-prefix", "平潭综合实验区行政审批局2022年工作总结\n2022年,我局完成任务。",
     "平潭综合实验区行政审批局", "福建省·平潭综合实验区"),
    ("sign-off-short-name-expanded", "平潭综合实验区2023年第四季度抽查。检查完毕。区公安局 2023年12"
                                     "月5日",
     "平潭综合实验区公安局", "福建省·平潭综合实验区"),
    ("header-names-who-reported", "12月份全县民生实事项目进展情况通报\n发布时间:2021-01-11\n"
     "融安县发展和改革局会同县政府督查室对全县民生实事项目进行了调度,现通报如下。",
     "融安县发展和改革局", "融安县"),
    ("month-is-no-place", "关于2022年1-9月份县《政府工作报告》重点任务推进情况的通报\n我县推进。",
     None, None),
    ("opening-sentence", "2022年君山片区管理局坚持稳中求进。平潭综合实验区各项工作推进。",
     "平潭综合实验区君山片区管理局", "福建省·平潭综合实验区"),
    ("development-commission", "沈阳市2020年工作总结\n我委牵头8项。按照市发改委部署推进。\n一、主要"
                               "工作",
     "沈阳市发展和改革委员会", "沈阳市"),
]


@pytest.mark.parametrize(("text", "publisher", "region"), [c[1:] for c in PUBLISHERS],
                         ids=[c[0] for c in PUBLISHERS])
def test_publisher_and_region(text, publisher, region):
    text = normalise(text)
    found = find_metadata(text, text)
    assert (found.publisher, found.region) == (publisher, region)


def test_sign_off_before_its_period_is_distrusted():
    text = normalise("附件:区公安局2023年第四季度易制毒化学品“双随机”抽查情况表 平潭综合实验区公安"
                     "局 "
                     "2022年12月18日")
    found = find_metadata(text, text)
    assert found.period == "2023-Q4"
    assert found.published is None
    assert any("precedes the period" in w for w in found.warnings)


def test_metadata_lines_above_the_title():
    text = normalise("首页>>信息公开>>政务督查\n发布日期:2019-10-14\n\n"
                     "某县2019年县政府工作报告三季度完成情况通报\n\n"
                     "县政府督查室    2019年10月12日\n\n按照县政府工作安排,现通报如下:")
    found = find_metadata(text, text)
    assert (found.title, found.published, found.period) == (
        "某县2019年县政府工作报告三季度完成情况通报", "2019-10-14", "2019-Q3")


@pytest.mark.parametrize(("meta", "html_title"), [
    ({"sitename": "南屏市东湖区人民政府", "contentsource": "区发展和改革局"}, None),
    ({"contentsource": "区发展和改革局"}, "东湖区6月份民生实事推进情况_南屏市东湖区人民政府"),
])
def test_the_hosting_government_places_a_department_named_by_its_level_only(meta, html_title):
    text = normalise("东湖区2024年6月份民生实事推进情况\n截至6月底,5项工作均按计划推进。")
    found = find_metadata(text, text, meta, html_title)
    assert (found.publisher, found.region) == ("南屏市东湖区发展和改革局", "南屏市东湖区")


def test_a_site_that_is_no_government_names_no_region():
    text = normalise("6月份民生实事推进情况\n截至6月底,5项工作均按计划推进。")
    found = find_metadata(text, text, {"sitename": "东湖新闻网", "contentsource": "区发展和改革局"})
    assert (found.publisher, found.region) == ("区发展和改革局", None)


def _metadata_calls(monkeypatch) -> list[tuple]:
    """find_metadata's arguments for every gold, real and red-team document."""
    import contextlib
    from pathlib import Path

    from pipeline.errors import UnreadableInput
    from pipeline.read import page
    from pipeline.records import Page

    calls = []
    real = page.find_metadata

    def recording(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(page, "find_metadata", recording)
    here = Path(__file__).parent
    folders = (*here.parent.parent.glob("shared/corpus/*"), *here.glob("heldout*/docs"))
    for path in sorted(p for f in folders if f.is_dir() for p in f.iterdir() if p.is_file()):
        with contextlib.suppress(UnreadableInput):
            page.read_page(Page(str(path), path.read_bytes()))
    monkeypatch.undo()
    assert len(calls) > 50
    return calls


def test_guards_only_skip_scans_that_find_nothing(monkeypatch):
    """Each guard holds in every match of its pattern (on every gold and red-team document
    as find_metadata is given it, and the date cases above), and metadata comes out the same
    without the guards."""
    from pipeline.read import metadata

    calls = _metadata_calls(monkeypatch)
    texts = [t for args in calls for t in args[:2]] + [normalise(c[1]) for c in PUBLISHED]
    for pattern, guard in metadata.GUARDS.items():
        found = [m.group() for text in texts for m in pattern.finditer(text)]
        assert found
        if isinstance(guard, tuple):
            assert all(any(word in m for word in guard) for m in found)
        else:
            assert all(guard.search(m) for m in found)
    guarded = [find_metadata(*args) for args in calls]
    monkeypatch.setattr(metadata, "GUARDS", {})
    assert [find_metadata(*args) for args in calls] == guarded


@pytest.mark.parametrize("names", ["PROVINCES", "REGION_PARENTS"])
def test_place_names_read_in_one_scan_do_not_overlap(names):
    """What makes one regex scan count each name as str.count does: no name holds another
    or opens with another's end."""
    from pipeline.read import metadata

    vocabulary = list(getattr(metadata, names))
    for a in vocabulary:
        for b in vocabulary:
            if a != b:
                assert b not in a, (a, b)
                assert not any(a.endswith(b[:i]) for i in range(1, len(b))), (a, b)


def test_place_names_found_in_one_scan_are_those_str_count_finds(monkeypatch):
    """The province and sub-region a page names first or most, read in one scan, are those a
    `name in text` and a `text.count(name)` per name give, ties going to the earlier name."""
    import random

    from pipeline.read import metadata as md

    rng = random.Random(3)
    pieces = [*md.PROVINCES, *md.REGION_PARENTS, "江西", "西省", "内蒙古", "自治区", "省", "市",
              "广西壮族", "平潭综合", "实验区", "某局", ",", "\n"]
    texts = [args[1] for args in _metadata_calls(monkeypatch)] + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    assert sum(bool(md.PROVINCE_NAMES.search(t)) for t in texts) > 1000
    for text in texts:
        for names, rank in ((md.PROVINCE_NAMES, md.PROVINCE_RANK),
                            (md.REGION_NAMES, md.REGION_RANK)):
            best = max(rank, key=text.count)
            assert md._most_named(names, rank, text) == (best if best in text else None), text
            assert md._first_named(names, rank, text) == next(
                (name for name in rank if name in text), None), text


def test_opening_line_is_that_of_the_plain_split(monkeypatch):
    """_opening cuts the body's lines one at a time; it returns the line the plain reading
    (the first non-blank, non-metadata line of `body.split("\\n")`) gives, on every page and
    on random texts of blank, metadata and prose lines, with and without a final line break."""
    import random

    from pipeline.read import metadata as md

    def plain(text: str, title: str | None) -> str:
        for line in md._body_start(text, title).split("\n"):
            if line.strip() and not md._is_meta_line(line):
                return line.lstrip()
        return ""

    rng = random.Random(9)
    pieces = ["", " ", "\u3000", "\t", "来源:某局", "发布日期:2023-01-02", "首页>>公开",
              "某局关于2023年工作情况的报告", "  2023年,某局坚持…。", "一、总体情况"]
    cases = [(args[0], find_title(*args[:3])) for args in _metadata_calls(monkeypatch)] + [
        ("\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))),
         rng.choice([None, "某局关于2023年工作情况的报告"])) for _ in range(3000)]
    assert sum(plain(text, title) == "" for text, title in cases) > 100
    for text, title in cases:
        assert md._opening(text, title) == plain(text, title), (text, title)


def test_head_lines_are_the_first_non_blank_lines():
    """_head_lines splits only the head of a long text, and reads as far as the plain
    definition on texts with runs of blank lines."""
    import random

    from pipeline.read import metadata as md

    rng = random.Random(4)
    pieces = ["", " ", "\u3000", "\t", "标题", "某局关于2023年工作情况的报告", "时间:2023-01-02"]
    for _ in range(3000):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        plain = [line.strip() for line in text.split("\n") if line.strip()]
        assert md._head_lines(text) == plain[: md.TITLE_LINES_MAX + 1], text


def test_first_character_lookaheads_change_no_match(monkeypatch):
    """The patterns led by a look-ahead for their first character, and YEAR_RE with its
    look-behind after its first two digits (for speed only), match what their plain forms
    match, on every page find_metadata is given and on random text dense in their words."""
    import random
    import re

    from pipeline.read import metadata as md

    rng = random.Random(6)
    pieces = ["您", "当前", "现在", "所在", "的", "位置", ":", "首页", ">>", " ", "\n", "时间",
              "日期", "发布", "信息", "来源", "某局", "2023", "1999", "年", "度", "月", "份", "日",
              "-", "—", "至", "10", "3", "一", "十二", "前", "第", "三", "季度", "上", "下", "半年",
              "截至", "截止", "底", "报告", "。", "位置:首页>>公开 某局的工作报告 时间:",
              " 日期:2023-10-1", " 来源:某局 ", "19", "20", "~", "到", "–", "\t"]
    texts = [t for args in _metadata_calls(monkeypatch) for t in args[:2]] + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    led = ((md.CHROME_TITLE, md.BREADCRUMB_FIRST), (md.BARE_LABEL, md.LABEL_FIRST),
           (md.YEARLESS, md.PERIOD_FIRST), (md.SOURCE_FIELD, md.SOURCE_FIRST))
    plain_forms = [(p, p.pattern.replace(lead, "", 1)) for p, lead in led] + [(md.YEAR_RE, md.YEAR)]
    for pattern, plain_form in plain_forms:
        plain = re.compile(plain_form, pattern.flags)
        assert plain.pattern != pattern.pattern
        found = [[(m.span(), m.groups()) for m in plain.finditer(t)] for t in texts]
        assert sum(map(len, found)) > 50, pattern.pattern
        assert [[(m.span(), m.groups()) for m in pattern.finditer(t)] for t in texts] == found


def test_line_shortcuts_equal_their_patterns(monkeypatch):
    """_is_meta_line answers as `^(?:META_FIELD|.*(?:CRUMB_SEPARATOR))` does, _untagged as
    COLUMN_TAG's substitution and _without_trailing_paren as TRAILING_PAREN's, on every line
    of every page and on random lines dense in separators, field labels, brackets,
    parentheses, blanks and line breaks."""
    import random
    import re

    from pipeline.read import metadata as md

    plain = re.compile(rf"^(?:{md.META_FIELD.pattern}|.*(?:{md.CRUMB_SEPARATOR.pattern}))")
    rng = random.Random(7)
    pieces = [">", ">>", "»", "->", "→", "-", " ", "\u3000", "\n", "首页", "来源", "发布日期",
              "当前位置", ":", "【", "[", "】", "]", "工作动态", "某局关于工作的报告", "。",
              "(", ")", "(2018.06.25)", "(二〇一八年第三季度工作推进情况汇总)", "\t"]
    lines = [line for args in _metadata_calls(monkeypatch) for text in args[:2]
             for line in text.split("\n")] + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    assert sum(bool(plain.match(line)) for line in lines) > 500
    assert sum(md.COLUMN_TAG.match(line) is not None for line in lines) > 50
    assert sum(md.TRAILING_PAREN.search(line.strip()) is not None for line in lines) > 50
    for line in lines:
        assert md._is_meta_line(line) == bool(plain.match(line)), line
        assert md._untagged(line) == md.COLUMN_TAG.sub("", line), line
        core = line.strip()
        assert md._without_trailing_paren(core) == md.TRAILING_PAREN.sub("", core), line


def test_last_sign_off_is_the_last_match_of_a_whole_scan(monkeypatch):
    """_last scans a text's tail first, from a `。` no sign-off runs across; it finds the
    match the last of a whole finditer is, for every sign-off pattern, on every page and on
    long random text dense in sign-offs, with `。` inside and around them."""
    import random

    from pipeline.read import metadata as md

    rng = random.Random(8)
    pieces = ["某市发展和改革委员会", "区公安局", "办公室", " ", "\n", "\t", "2023年10月16日",
              "二〇二三年十月十六日", "2023-10-16", "2023年。10月1日", "2023年1。月16日",
              "2023年10月1。日", "2023年10。月16日", "年",
              "日", "月", "。", ",", "附件:", "联系人:", "(此件公开发布)", "完成3项任务", "表"]
    # A `。` inside a sign-off's date, after which another sign-off would open: the tail must
    # not be scanned from there.
    straddled = [f"甲乙局2023年{gap}。{after}日附件局 2024年3月2日附件" + "完成3项任务" * 150
                 for gap, after in (("", "丙"), ("5", "丙"), ("5月", "丙"), ("10月1", "丙"),
                                    ("10月16", ""))]
    texts = [t for args in _metadata_calls(monkeypatch) for t in args[:2]] + straddled + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(1, 400))) for _ in range(1500)]
    assert sum(len(t) > 2 * md.SIGN_OFF_TAIL for t in texts) > 300
    patterns = (md.SIGN_OFF, md.SIGN_OFF_CN, md.SIGN_OFF_LINE, md.SIGN_OFF_LINE_CN,
                md.SIGN_OFF_ORG)
    found = 0
    for pattern in patterns:
        for text in texts:
            matches = list(pattern.finditer(text))
            last = md._last(pattern, text)
            if matches:
                assert last is not None, (pattern.pattern, text)
                assert (last.span(), last.groups()) == (matches[-1].span(), matches[-1].groups())
                found += 1
            else:
                assert last is None, (pattern.pattern, text)
    assert found > 1000
