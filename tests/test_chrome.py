"""Page chrome goes, content stays: line chrome, flattened chrome, HTML main-content picks."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from pipeline.read.chrome import strip_chrome
from pipeline.read.decode import normalise
from pipeline.read.html_text import html_to_text, looks_like_html
from pipeline.read.page import read_page
from pipeline.records import Page
from tests.helpers import SHARED, needs_shared

BODY = "截至9月底,已完成任务3项,其余5项任务按序时推进。"

CASES = [
    # id, text with chrome, chrome strings that must go, content strings that must stay
    ("breadcrumb-arrows", f"首页>>信息公开>>决策执行\n\n某市2019年九月份工作完成情况\n\n{BODY}",
     ["首页>>", "决策执行"], ["某市2019年九月份工作完成情况", BODY]),
    ("location-line", f"当前位置:首页 政务公开 规划信息\n关于2020年重点工作的报告\n{BODY}",
     ["当前位置", "规划信息"], ["关于2020年重点工作的报告", BODY]),
    ("close-print-font-buttons",
     f"发布时间:2019-10-08\n\n【关闭窗口】\n\n【打印文章】\n\n【字体:\n\n{BODY}",
     ["【关闭窗口】", "【打印文章】", "【字体"], ["发布时间:2019-10-08", BODY]),
    ("font-closed-and-bracket-buttons",
     f"时间:2021-04-02 信息来源:县政府办 浏览次数: 字体:[ 大 中 小 ] [ 打印 ] [ 关闭 ] [ 收藏 ]\n"
     f"{BODY}",
     ["浏览次数", "字体", "[ 打印 ]", "[ 关闭 ]", "[ 收藏 ]", "信息来源"],
     ["时间:2021-04-02", BODY]),
    ("view-counters", f"发布日期:2022-01-05 点击量:1234\n浏览量:\n{BODY}",
     ["点击量", "1234", "浏览量"], ["发布日期:2022-01-05", BODY]),
    ("share-row-and-scan", f"{BODY}\n分享到: 微信 微博 QQ空间\n扫一扫在手机上查看当前页面",
     ["微信 微博", "QQ空间", "扫一扫", "分享到"], [BODY]),
    ("related-news-tail", f"{BODY}\n二、下一步工作\n继续推进。\n相关新闻\n· 某局召开会议\n· 某局开"
                          f"展培训",
     ["相关新闻", "召开会议", "开展培训"], [BODY, "二、下一步工作", "继续推进。"]),
    ("footer", f"{BODY}\n主办单位:某市人民政府办公室 版权所有\n闽ICP备12345678号 网站标识码:3500000"
               f"001",
     ["版权所有", "ICP备", "网站标识码", "主办单位"], [BODY]),
    ("flattened-header-chrome",
     "当前位置: 首页政务公开规划信息工作进展情况 某局关于2022年工作情况的报告 时间:2023-03-31 "
     f"10:09 微信 微博 QQ空间 {BODY}(责任处室:综合处) 来源:某局 附件下载",
     ["当前位置", "首页政务公开", "微信", "QQ空间", "来源:某局", "附件下载"],
     ["某局关于2022年工作情况的报告", "时间:2023-03-31 10:09", BODY, "(责任处室:综合处)"]),
    ("flattened-metadata-grid",
     "当前位置: 首页政务公开管委会文件 索 引 号: PZ001-2015-00009 主题分类: 发文机关: 区管委会 "
     "成文日期: 2015-09-16 标 题: 关于整改情况的报告 发文字号: 某综〔2015〕18号 发布日期: "
     f"2015-09-17 有 效 性: 有效 关于整改情况的报告 全真版 文字版 文件下载 相关链接: --> {BODY}",
     ["索 引 号", "有 效 性", "全真版", "文件下载", "-->"], ["关于整改情况的报告", BODY]),
    ("stray-html-fragment", f"{BODY} an> 来源:某局 附件下载", [" an>", "来源", "附件下载"], [BODY]),
    ("content-lookalikes-stay",
     "资金来源:财政拨款,共3项。通过微信、微博发布信息12条。发文字号:某发〔2020〕3号。",
     [], ["资金来源:财政拨款,共3项。", "通过微信、微博发布信息12条。", "发文字号:某发〔2020〕3号"
                                               "。"]),
    ("related-link-in-header-not-a-tail",
     f"相关链接: 工作动态\n{BODY}\n" + "二、推进情况\n已完成整改4项,正在推进2项。\n" * 5,
     [], [BODY, "二、推进情况"]),
]


@pytest.mark.parametrize(("text", "gone", "kept"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_strip_chrome(text, gone, kept):
    out = strip_chrome(normalise(text))
    for chrome in gone:
        assert chrome not in out
    for content in kept:
        assert content in out


def test_short_numbered_section_never_lost():
    """Readability tends to drop a one-line section between long ones; the body wins then."""
    long_para = "<p>" + "按照工作方案要求,扎实推进各项任务落实,取得阶段性成效。" * 8 + "</p>"
    html = (
        "<html><head><title>关于2021年重点工作推进情况的通报_某市人民政府</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> &gt; <a>政务公开</a></div>"
        f"<div class='main'><h2>一、总体进展</h2>{long_para}"
        "<div class='x'><p>(二)其他工作</p><p>完成2项。</p></div>"
        f"<h2>三、下一步工作</h2>{long_para}</div>"
        "<div class='footer'>版权所有 某市人民政府</div></body></html>"
    )
    text = read_page(Page(source="p.html", content=html.encode())).text
    for heading in ("一、总体进展", "(二)其他工作", "完成2项。", "三、下一步工作"):
        assert heading in text
    assert "版权所有" not in text


def test_blocks_become_lines_and_scripts_go():
    html = ("<html><head><style>p{color:red}</style><script>var x='一、假标题';</script></head>"
            "<body><h1>标题</h1><p>第一段<br>第二行</p><ul><li>甲</li><li>乙</li></ul>"
            "<table><tr><td>1</td><td>项目</td></tr><tr><td>2</td><td>工程</td></tr></table>"
            "</body></html>")
    doc = html_to_text(html)
    # a grid of short cells is a data table: one line per row, cells joined by grid.SEPARATOR
    assert doc.body_text.split("\n") == ["标题", "第一段", "第二行", "甲", "乙", "1 | 项目",
                                          "2 | 工程"]
    assert "假标题" not in doc.body_text and "color" not in doc.body_text


def test_trs_meta_pairs_and_title():
    html = ('<html><head><title>工作进展情况_平潭综合实验区</title>'
            '<meta name="ArticleTitle" content="某局2022年工作总结">'
            '<meta name="PubDate" content="2023-12-14 17:20">'
            '<meta name="ContentSource" content="平潭综合实验区某局"></head>'
            '<body><div class="TRS_Editor"><p>一、主要成效</p><p>完成3项。</p></div></body></html>')
    bulletin = read_page(Page(source="a.html", content=html.encode()))
    assert bulletin.title == "某局2022年工作总结"
    assert bulletin.published == "2023-12-14"
    assert bulletin.publisher == "平潭综合实验区某局"
    assert bulletin.text == "一、主要成效\n完成3项。"


@pytest.mark.parametrize(("text", "is_html"), [
    ("<div class=TRS_Editor><p>一、总体</p></div>", True),
    ("<!DOCTYPE html><html>", True),
    ("完成率<50%的任务2项,>90%的3项。", False),
])
def test_looks_like_html(text, is_html):
    assert looks_like_html(text) is is_html


@needs_shared
def test_article_html_keeps_paragraphs_of_its_text_twin():
    real = SHARED / "corpus" / "real"
    html_file = real / "001_pingtan_xzspj_2022_gzzj.article.html"
    from_html = read_page(Page(source=str(html_file), content=html_file.read_bytes())).text
    twin = real / "001_pingtan_xzspj_2022_gzzj.txt"
    from_text = read_page(Page(source=str(twin), content=twin.read_bytes())).text
    assert from_html.replace("\n", "") == from_text
    assert "\n一、主要成效\n" in from_html



def _chrome_inputs(monkeypatch) -> list[str]:
    """What strip_chrome is given: the test cases, and every gold and red-team document."""
    from pipeline.errors import UnreadableInput
    from pipeline.read import page as page_module

    texts = [normalise(c[1]) for c in CASES]
    folders = (*SHARED.glob("corpus/*"), *Path(__file__).parent.glob("heldout*/docs"))
    docs = [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir())
            if p.suffix in (".txt", ".html", ".htm")]
    real = page_module.strip_chrome

    def recording(text: str) -> str:
        texts.append(text)
        return real(text)

    monkeypatch.setattr(page_module, "strip_chrome", recording)
    for path in docs:
        with contextlib.suppress(UnreadableInput):
            read_page(Page(str(path), path.read_bytes()))
    monkeypatch.undo()
    return texts


def test_guards_only_skip_scans_that_find_nothing(monkeypatch):
    """Each guard holds in every match of its pattern, and chrome goes the same without them."""
    from pipeline.read import chrome

    texts = _chrome_inputs(monkeypatch)
    assert len(texts) > len(CASES) + 50
    for pattern, words in chrome.GUARDS.items():
        for text in texts:
            for m in pattern.finditer(text):
                assert any(word in m.group() for word in words), (pattern.pattern, m.group())
    guarded = [strip_chrome(t) for t in texts]
    monkeypatch.setattr(chrome, "GUARDS", {})
    assert [strip_chrome(t) for t in texts] == guarded


def test_first_character_lookaheads_change_no_match(monkeypatch):
    """The patterns that open with a look-ahead for their first character (for speed) match
    what they match without it, on every text strip_chrome is given and on chrome-dense
    random text."""
    import random
    import re

    from pipeline.read import chrome

    rng = random.Random(5)
    tokens = ["微信", "微博", "QQ", "分享到", ":", "字体", "字号", "【", "】", "大", "中", "小",
              "发文", "来源", "信息来源", "作者", "编辑", "时间", "<p>", "</div>", "an>", "-->",
              "<!--", "相关新闻", "推荐阅读", " ", "\n", "\t", "正文", "T|T", "a", "-"]
    texts = _chrome_inputs(monkeypatch) + [
        "".join(rng.choice(tokens) for _ in range(rng.randint(1, 25))) for _ in range(3000)]
    led = (chrome.FONT_SWITCH, chrome.SHARE_ROW, chrome.HTML_DEBRIS, chrome.SOURCE_FIELD,
           chrome.RELATED_LIST)
    for pattern in led:
        plain = re.compile(re.sub(r"\(\?=\[[^\]]*\]\)", "", pattern.pattern, count=1),
                           pattern.flags)
        assert plain.pattern != pattern.pattern
        found = [[(m.span(), m.groups()) for m in plain.finditer(t)] for t in texts]
        assert sum(map(len, found)) > 20, pattern.pattern
        assert [[(m.span(), m.groups()) for m in pattern.finditer(t)] for t in texts] == found


def _chrome_dense_texts(n: int, seed: int) -> list[str]:
    """Random texts of guard words, chrome, cut marks and every kind of blank, where words
    overlap (`相关阅读次数`) and cuts meet spaces, tabs and ideographic spaces at line ends."""
    import random

    from pipeline.read import chrome

    rng = random.Random(seed)
    tokens = ["相关阅读次数", "推荐阅读次数:3", "分享到: 微信 微博", "QQQ",
              "【关闭窗口】", "首页>>信息公开>>", "当前位置:", "来源:某局", "<p>", "an>",
              "版权所有", "索 引 号:", "有 效 性: 有效", " ", "  ", "\t", "\u3000", "\r", "\n",
              "\n\n\n", chrome.CUT, "正文", "完成3项。", ",", "T|T", "a"]
    kinds = (chrome.GUARD_WORDS, tokens)
    return ["".join(rng.choice(rng.choice(kinds)) for _ in range(rng.randint(1, 30)))
            for _ in range(n)]


def test_guard_words_found_in_one_scan_are_those_the_text_holds(monkeypatch):
    """guard_words reads in one regex scan what a `word in text` per guard word would find,
    overlapping and nested words included."""
    from pipeline.read import chrome

    texts = _chrome_inputs(monkeypatch) + _chrome_dense_texts(5000, 11)
    assert "阅读次数" in chrome.OVERLAPPED_BY and "分享" in chrome.WORDS_INSIDE["分享到"]
    for text in texts:
        assert chrome.guard_words(text) == {w for w in chrome.GUARD_WORDS if w in text}, text


def test_tidy_equals_its_line_by_line_regex_definition(monkeypatch):
    """_tidy strips the cuts with str.strip at line ends, as these three substitutions per
    line that held a cut did, dropping a line that held nothing else."""
    import re

    from pipeline.read import chrome

    cut = chrome.CUT

    def plain(text: str) -> str:
        lines = []
        for line in text.split("\n"):
            if cut in line:
                line = re.sub(rf"^[ \t]*{cut}[{cut} \t]*", "", line)
                line = re.sub(rf"[ \t]*{cut}[{cut} \t]*$", "", line)
                line = re.sub(rf"[ \t]*{cut}[{cut} \t]*", " ", line)
                if not line.strip():
                    continue
            lines.append(line.rstrip())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")

    texts = _chrome_dense_texts(5000, 12) + [t.replace("】", cut) for t in _chrome_inputs(
        monkeypatch)]
    assert sum(cut in t for t in texts) > 1000
    for text in texts:
        assert chrome._tidy(text) == plain(text), text


def test_overlaps_read_from_a_prefix_table_are_those_of_every_pair():
    """_overlapped_by finds, from a table of proper prefixes, the pairs a test of every pair
    of words at every length finds: a proper suffix of one is a proper prefix of the other;
    on the guard words and on random small vocabularies where such pairs abound."""
    import random

    from pipeline.read import chrome

    def plain(words: list[str]) -> dict[str, frozenset[str]]:
        def overlaps(word: str, before: str) -> bool:
            return before != word and any(before.endswith(word[:i])
                                          for i in range(1, min(len(word), len(before))))
        return {v: by for v in words if (by := frozenset(w for w in words if overlaps(v, w)))}

    rng = random.Random(13)
    vocabularies = [chrome.GUARD_WORDS] + [
        sorted({"".join(rng.choice("相关阅读次") for _ in range(rng.randint(1, 5)))
                for _ in range(rng.randint(1, 12))}) for _ in range(500)]
    assert sum(bool(plain(words)) for words in vocabularies) > 300
    for words in vocabularies:
        assert list(chrome._overlapped_by(words).items()) == list(plain(words).items()), words
