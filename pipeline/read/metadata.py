"""Title, publisher, region, publication date and reporting period of one bulletin.

Reads the chrome-stripped text, the page text before chrome stripping (date lines,
`来源:` fields, flattened headers) and, for HTML, the <title> and <meta> pairs. Every rule is
a pattern of the genre (FORMATS.md §2, §7), never a particular document. Input is
NFKC-normalised text.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from extractors.numerals import whole_number
from pipeline.read.lazy_pattern import LazyPattern, Pattern
from pipeline.read.tally import header_of

HAN = r"\u3400-\u9fff"
CN_NUM = r"[〇零一二三四五六七八九十]"

# --- titles -----------------------------------------------------------------------------
# How titles of the genre end (`…完成情况`, `…的报告`, `…的通报`, `…工作总结`, `…一览表`).
TITLE_ENDINGS = ("情况", "报告", "通报", "总结", "通知", "计划", "方案", "意见", "要点", "思路",
                 "一览表", "统计表", "情况表", "公告", "决定", "批复", "汇报", "进展", "完成情况")
TITLE_MIN, TITLE_MAX = 6, 100
SENTENCE_PUNCTUATION = re.compile(r"[。,;:;]")  # a line holding one is prose, not a title
# `(2018.06.25)` after a title (doc 022) is a snapshot date, not part of the ending.
TRAILING_PAREN = re.compile(r"\s*\([^()]{0,20}\)\s*$")
# Flattened Fujian TRS header: `当前位置: 首页政务公开… <title> 时间:2023-03-31 10:09`.
# `当前位置`, `您的位置`, `您当前所在位置`, `您现在所在的位置`: every way a breadcrumb is labelled
# (huichang.gov.cn, xuancheng.gov.cn, nanxian.gov.cn pages; tests/heldout6/README.md).
BREADCRUMB_WORD = "位置"
BREADCRUMB = rf"(?:您)?(?:当前|现在)?(?:所在)?(?:的)?{BREADCRUMB_WORD}"
# Look-aheads for the character a match opens with, before patterns that open with optional
# words or a look-behind: re tries those at every position, each branch in turn, where one
# test of the character rejects most positions; the matches are the same (a test checks).
BREADCRUMB_FIRST = "(?=[您当现所的位])"
CHROME_TITLE = LazyPattern(rf"{BREADCRUMB_FIRST}{BREADCRUMB}[:：]?\s*[^\s。,，]+"
                          r"(?:\s*(?:>>|>|»|->|→)\s*[^\s。,，]+)*\s+(\S.{2,118}?)\s+"
                          r"(?:来源[:：]\S*\s+)?(?:发布)?时间[:：]")
# Disclosure grid field `标 题: …` (Anhui platforms, Pingtan's 2015 template).
GRID_TITLE = LazyPattern(r"(?:标\s*题|名\s*称)[:：]\s*(\S{6,100})")
GRID_TITLE_WORDS = ("题", "称")
# `附件:区公安局2023年第四季度…抽查情况表`: short inspection bulletins whose page names the
# attachment after the bulletin; the title is the attachment's name without `表`.
ATTACHMENT_TITLE = re.compile(r"附件[:：]\s*(?:\d+\.)?([^\s:：,，。;；]{6,80}?情况)表")
# <title> is `栏目名_站点名` or `标题 - 站点名`; the first part is kept.
HTML_TITLE_SPLIT = re.compile(r"\s*(?:_|\||-{1,2}|—|–)\s*")
HTML_TITLE_MIN = 8  # shorter first parts are column names (`工作进展情况`)
# Lines above the title that chrome stripping may leave: a breadcrumb (`首页>>信息公开>>…`)
# or a metadata field line (`索引号:… 发布机构:…`, `发布日期:2019-10-14 分享`).
META_FIELDS = ("索引号", "索 引 号", "发布机构", "发布日期", "发布时间", "发文日期", "成文日期",
               "公开日期", "信息来源", "来源", "文号", "发文字号", "主题分类", "信息分类",
               "组配分类", "体裁分类", "有效性", "浏览次数", "点击量", "字号", "作者", "编辑",
               "时间", "日期")
META_FIELD = re.compile(r"\s*(?:" + "|".join(META_FIELDS) + rf"|{BREADCRUMB})\s*[:：]")
CRUMB_SEPARATOR = re.compile(r">>|»|->|→|>\s*\S+\s*>")
CRUMB_MARKS = (">", "»", "→")  # one of them is in every CRUMB_SEPARATOR match
# A title stands among the page's first lines: at most this many metadata lines above it.
TITLE_LINES_MAX = 6
# Pieces the text is first split into for those lines; a head with blank lines among them
# needs the whole text split.
HEAD_SPLIT = 16
HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、])")
META_TITLE_KEYS = ("articletitle", "title", "dc.title")
# A column tag before the title (`【民生工程】…`, `【工作动态】…`): the site's section, not the
# document's name (TRS ArticleTitle values and h1s carry it).
COLUMN_TAG = re.compile(r"^\s*[【\[]\s*[^】\]]{2,10}\s*[】\]]\s*")
# A line that is a sentence of the body, not a title: the title stands above the first one.
BODY_LINE = re.compile(r"[。;；]|[:：]\s*$")
TITLE_OPENING = re.compile(r"^关于|(?:19|20)\d{2}年|《")
# How many page lines right above the body may hold the title (a title broken in two).
ABOVE_BODY_LINES = 3

# --- dates ------------------------------------------------------------------------------
DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
DATE_START = re.compile(DATE)
PUBLISHED_LABELS = ("发布时间", "发布日期", "发文日期", "公开日期")
PUBLISHED_LABEL = LazyPattern(rf"(?:{'|'.join(PUBLISHED_LABELS)})[:：]\s*{DATE}")
# Bare `时间:`/`日期:` count only before the body's first sentence: after it they date a table
# (`填报时间`, `举报时间`) or an event; `成文日期` is the signing, not the publishing.
LABEL_FIRST = "(?=[时日])"
# (Lazy, as the sign-offs below: read only on pages without a labelled date.)
BARE_LABEL = LazyPattern(rf"{LABEL_FIRST}(?<![{HAN}])(?:时间|日期)[:：]\s*{DATE}")
# Sign-off: an issuing body then a date, at the end or before the attachment list.
ORG_SUFFIX = r"(?:局|厅|委员会|管委会|委|办公室|办|政府|中心|院|署|部|室|会|公司)"
SIGN_OFF_END = r"日(?=\s*(?:$|附件|\(此件|联系人|联系电话))"
SIGN_OFF = LazyPattern(rf"{ORG_SUFFIX}\s*(\d{{4}})年(\d{{1,2}})月(\d{{1,2}}){SIGN_OFF_END}")
CN_YEAR = "[〇零一二三四五六七八九]{4}"
SIGN_OFF_CN = LazyPattern(rf"{ORG_SUFFIX}\s*({CN_YEAR})年({CN_NUM}{{1,3}})月"
                         rf"({CN_NUM}{{1,3}}){SIGN_OFF_END}")
# A sign-off line of its own, anywhere: the issuing body, a gap, an unlabelled ISO or
# Chinese date (`某市民生实事工作领导小组办公室    2023-10-16`, often right under the title).
SIGN_OFF_LINE = LazyPattern(rf"(?m)^[ \t]*[{HAN}]{{2,30}}?{ORG_SUFFIX}[ \t]+{DATE}日?[ \t]*$")
SIGN_OFF_LINE_CN = LazyPattern(rf"(?m)^[ \t]*[{HAN}]{{2,30}}?{ORG_SUFFIX}[ \t]+"
                              rf"({CN_YEAR})年({CN_NUM}{{1,3}})月"
                              rf"({CN_NUM}{{1,3}})日[ \t]*$")
# The end of a text scanned first for its last sign-off (on the real and gold pages nine in
# ten last sign-offs open within 200 characters of the end; the rest sign a table that
# follows), and how far before a `。` inside a sign-off its `年` stands at most (SIGN_OFF_ORG:
# `年`, two to six characters, `日`).
SIGN_OFF_TAIL = 200
SIGN_OFF_YEAR_REACH = 6
META_DATE_KEYS = ("pubdate", "publishdate", "firstpublishedtime", "dc.date")

# --- periods ----------------------------------------------------------------------------
MONTH = rf"(\d{{1,2}}|{CN_NUM}{{1,3}})"
# A year that starts a period: not the second year of a range (`2021-2025`, `2017—2020年`).
YEAR_NOT_AFTER = r"[\d\-—–~至到]"
YEAR = rf"(?<!{YEAR_NOT_AFTER})((?:19|20)\d{{2}})\s*年(?:度)?\s*"
# What follows a year or stands alone: `1-7月`/`1—7月` (cumulative to July), `七月份`, `第四季度`,
# `前三季度` (cumulative to September), `上半年`; a month followed by a day is a date.
QUARTERS = (r"前(?P<upto>[一二三四1-4])\s*季度|第?(?P<quarter>[一二三四1-4])\s*季度"
            r"|(?P<half>[上下])半年")
RANGE = rf"(?P<from>{MONTH[1:-1]})\s*[-—–~至到]\s*"
AFTER_YEAR = re.compile(
    rf"(?:{RANGE})?(?P<month>{MONTH[1:-1]})\s*月(?:份)?(?!\s*\d{{1,2}}\s*日|\s*{CN_NUM}{{1,3}}日)"
    rf"|{QUARTERS}"
)
# Without a year a bare `N月` is too often a date's or a target's (`6月底前完成`): only a range
# (`1—10月`), `N月份` or `截至N月底` is a period.
PERIOD_FIRST = rf"(?=[前第上下截\d{CN_NUM[1:-1]}])"
YEARLESS = re.compile(
    rf"{PERIOD_FIRST}(?:{QUARTERS}|{RANGE}(?P<month>{MONTH[1:-1]})\s*月"
    rf"|(?P<month2>{MONTH[1:-1]})\s*月份|截[至止](?P<month3>{MONTH[1:-1]})\s*月底)"
)
# `截止2019年8月29日`: a cut-off date gives the month reported on.
CUT_OFF = re.compile(r"截[至止]\s*$")
# YEAR with its look-behind moved after the century's two digits, which `..` steps back
# over (they are never a line break): a pattern that opens with `19|20` lets re jump from one
# `1` or `2` to the next in C, where one that opens with a look-around is tried at every
# position. The matches are YEAR's (a test checks); on a page's opening, twice as fast.
YEAR_RE = re.compile(rf"((?:19|20)(?<!{YEAR_NOT_AFTER}..)\d{{2}})\s*年(?:度)?\s*")
# In the body a bare year is the period only where it opens the text or says "since"/"annual"
# (`2022年来,我局…`, `2022年以来`, `2022年度`, `2022年工作总结`); elsewhere it is a date.
BODY_YEAR_CUE = re.compile(r"(?:以)?来|度|[^,，。]{0,8}?工作(?:总结|情况|报告)|,")
BODY_OPENING = 4  # a year within the first characters (after `一、`) opens the text
# The period is stated in the opening (`2022年来,我局…`, `截至7月底`), before the tasks.
BODY_WINDOW = 600
MIN_HEADER = 20
CITED_TITLE = re.compile(r"《[^《》]*》")

# --- publishers and regions ------------------------------------------------------------
PROVINCES = ("北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省",
             "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省",
             "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
             "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区",
             "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区")
# Sub-provincial regions with their own government that the corpus publishes from, and the
# province each lies in (their pages rarely name the province).
REGION_PARENTS = {"平潭综合实验区": "福建省"}
# Each vocabulary read in one scan (a `str.count` per name read the page 35 times): its names
# do not overlap (none holds another or opens with another's end; a test checks), so every
# occurrence of a name is a match, and a name's matches are its str.count.
PROVINCE_NAMES = re.compile("|".join(PROVINCES))
PROVINCE_RANK = {name: i for i, name in enumerate(PROVINCES)}
REGION_NAMES = re.compile("|".join(REGION_PARENTS))
REGION_RANK = {name: i for i, name in enumerate(REGION_PARENTS)}
# Time and scope words are never in a place name (`1-9月份县…`, `2023年省市…`, `全县`).
CITY_LEVELS = "市州盟县"
CITY = LazyPattern(rf"(?:(?![年月份全本该各我省])[{HAN}]){{2,4}}[{CITY_LEVELS}]")
# Abbreviated department names as bulletins write them (`省科技厅`) → the full official name.
ABBREVIATIONS = {
    "科技厅": "科学技术厅", "科技局": "科学技术局", "发改委": "发展和改革委员会",
    "发展改革委": "发展和改革委员会", "工信厅": "工业和信息化厅", "工信局": "工业和信息化局",
    "人社厅": "人力资源和社会保障厅", "人社局": "人力资源和社会保障局",
    "住建厅": "住房和城乡建设厅", "住建局": "住房和城乡建设局", "卫健委": "卫生健康委员会",
    "市场监管局": "市场监督管理局", "交通厅": "交通运输厅", "国资委": "国有资产监督管理委员会",
    "农业农村厅": "农业农村厅", "生态环境厅": "生态环境厅",
}
ABBREVIATED = tuple(ABBREVIATIONS)
ORG = rf"[{HAN}]{{2,30}}?{ORG_SUFFIX}"
ORG_END = re.compile(rf"{ORG_SUFFIX}$")
META_SOURCE_KEYS = ("contentsource", "source", "author")
SOURCE_WORD = "来源"
SOURCE_FIRST = "(?=[信来])"
SOURCE_FIELD = LazyPattern(rf"{SOURCE_FIRST}(?<![{HAN}])(?:信息)?{SOURCE_WORD}[:：]\s*"
                          r"([^\s:：,，。;；]{2,40})")
# `平潭综合实验区行政审批局2022年工作总结…`, `…管理局关于…的通报`: the issuer opens the title.
TITLE_ORG = re.compile(rf"^({ORG})(?=关于|\d{{4}}年|\s)")
# `2022年君山片区管理局坚持…`, `2024年,区旅游文体局…`: the report opens with its author.
# `融安县发展和改革局会同县政府督查室对…进行了调度`: the header names who did the reporting.
OPENING_ORG = re.compile(rf"^(?:[一二三四五六七八九十]+、)?(?:\d{{4}}年[,，]?)?({ORG})"
                         r"(?=坚持|在|以|围绕|紧扣|深入|会同|联合|组织|对)")
# Sign-off org, bounded on the left by a space, sentence end or an attachment name's `表`.
SIGN_OFF_ORG = LazyPattern(rf"(?:^|(?<=[\s。;；:：,，)）》”表]))([{HAN}]{{2,30}}?{ORG_SUFFIX})\s*"
                          rf"(?:\d{{4}}|{CN_YEAR})年[^年]{{2,6}}?{SIGN_OFF_END}")
SELF_REFERENCE = re.compile(r"我(厅|局|委|办)")
# What every match of a slow pattern holds. A pattern that opens with a look-behind or optional
# words is tried by re at every position of the text; a scan for a literal that each of its
# matches contains (which re finds fast) skips it on the texts that cannot match. Where a
# match holds one of several words, `str.find` looks for each: re's scan for a set of first
# characters tests each character against the set, several times slower than a find.
# Every guarded pattern is a LazyPattern (pipeline/read/lazy_pattern.py): one whose guard no
# page of a run passes is never compiled.
GUARDS: dict[Pattern, Pattern | tuple[str, ...]] = {
    GRID_TITLE: GRID_TITLE_WORDS,
    PUBLISHED_LABEL: PUBLISHED_LABELS,
    CHROME_TITLE: re.compile(BREADCRUMB_WORD),
    SOURCE_FIELD: re.compile(SOURCE_WORD),
    SIGN_OFF_ORG: re.compile(SIGN_OFF_END),
    SIGN_OFF: re.compile(SIGN_OFF_END),
    SIGN_OFF_CN: re.compile(SIGN_OFF_END),
    SIGN_OFF_LINE: LazyPattern(rf"{ORG_SUFFIX}[ \t]+\d{{4}}"),
    SIGN_OFF_LINE_CN: LazyPattern(rf"{ORG_SUFFIX}[ \t]+{CN_YEAR}年"),
    CITY: tuple(CITY_LEVELS),
}
# The site that hosts the page is a government's (FORMATS: TRS templates print
# `<meta name="SiteName">` and `<title>栏目名_站点名`): `南屏市东湖区人民政府` places a page whose
# own words name only `区发展和改革局` when nothing closer names the region.
SITE_KEYS = ("sitename", "site_name", "og:site_name")
SITE_GOVERNMENT_WORD = "人民政府"  # what every SITE_GOVERNMENT match holds
# (Lazy: asked only of a site name that holds that word.)
SITE_GOVERNMENT = LazyPattern(
    rf"^((?:(?![年月份全本该各我])[{HAN}]){{2,12}}?(?:省|市|州|盟|县|区|旗)){SITE_GOVERNMENT_WORD}"
    r"(?:门户网站|网站|网)?$")
LEVEL_PREFIX = "省市区县"
# Characters that make a level character part of a place word (`片区管理局`, `全省`, `本市`),
# so that `区管理局` is not read out of `片区管理局`.
PLACE_WORD_HEADS = "片社园景城郊街校小辖全本该我各"


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    publisher: str | None = None
    region: str | None = None
    published: str | None = None
    period: str | None = None
    warnings: tuple[str, ...] = ()


def find_metadata(text: str, page_text: str | None = None, meta: Mapping[str, str] | None = None,
                  html_title: str | None = None) -> Metadata:
    """``text`` is the chrome-stripped body; ``page_text`` the same before stripping."""
    page_text = text if page_text is None else page_text
    meta = meta or {}
    title = find_title(text, page_text, meta, html_title)
    published = find_published(text, page_text, meta)
    period = find_period(title, text, published)
    warnings = []
    if published and period and len(period) > 4 and published < _period_start(period):
        # A progress report cannot be signed before its month/quarter starts (a sign-off
        # typed a year off, FORMATS §10); no date beats a wrong one.
        warnings.append(f"the page's date {published} precedes the period {period} it reports "
                        "on; not taken as the publication date")
        published = None
    orgs = _org_candidates(text, page_text, meta, title)
    region = find_region(title, orgs, page_text, functools.partial(_site_place, meta, html_title))
    return Metadata(title, _publisher(orgs, text, region), region, published, period,
                    tuple(warnings))


def find_title(text: str, page_text: str, meta: Mapping[str, str],
               html_title: str | None = None) -> str | None:
    # `if meta`, here and in the other readers of <meta>: most pages (every text file) have
    # none, and a lookup per key finds nothing in an empty dict.
    if meta:
        for key in META_TITLE_KEYS:
            if meta.get(key, "").strip():
                return _squeeze(_untagged(meta[key]))
    for pattern in (GRID_TITLE, CHROME_TITLE):
        m = pattern.search(page_text) if _may_match(pattern, page_text) else None
        if m and _title_like(_untagged(m.group(1))):
            return _squeeze(_untagged(m.group(1)))
    head = _head_lines(text)
    first_line = _untagged(_first_line(head))
    for candidate in _title_candidates(first_line, head, page_text):
        if _title_like(candidate):
            return _squeeze(candidate)
    if html_title:
        first = _untagged(HTML_TITLE_SPLIT.split(html_title.strip(), 1)[0])
        if len(first) >= HTML_TITLE_MIN and _title_like(first):
            return first
    m = ATTACHMENT_TITLE.search(text)
    return m.group(1) if m else None


def _may_match(pattern: Pattern, text: str) -> bool:
    guard = GUARDS.get(pattern)
    if guard is None:
        return True
    if isinstance(guard, tuple):
        return any(map(text.__contains__, guard))
    return guard.search(text) is not None


def _untagged(title: str) -> str:
    if not title.lstrip().startswith(("【", "[")):
        return title  # COLUMN_TAG opens with them
    return COLUMN_TAG.sub("", title)


def _is_meta_line(line: str) -> bool:
    """Whether ``line`` opens with a metadata field or holds a crumb separator in its first
    line: `^(?:META_FIELD|.*(?:CRUMB_SEPARATOR))`, without that `.*` trying the separators
    at every character back from the line's end."""
    if META_FIELD.match(line):
        return True
    if not any(map(line.__contains__, CRUMB_MARKS)):
        return False
    m = CRUMB_SEPARATOR.search(line)
    return m is not None and "\n" not in line[: m.start()]


def _title_candidates(first_line: str, head: list[str], page_text: str) -> Iterator[str]:
    """The title's candidates in order of trust, each read only once those before it fail."""
    yield first_line
    if " " in first_line:  # else the part before a space is first_line, already read
        yield first_line.split(" ", 1)[0]
    yield from _title_lines(head)
    yield from _lines_above_body(head, page_text)


def _first_line(head: list[str]) -> str:
    """The first of the ``head`` lines that is not a breadcrumb or metadata field line."""
    for line in head:
        if not _is_meta_line(line):
            return line
    return head[0] if head else ""


def _head_lines(text: str) -> list[str]:
    """The first non-blank lines of ``text``, stripped: those the title rules look at."""
    lines = text.split("\n", HEAD_SPLIT)
    if len(lines) > HEAD_SPLIT:
        # the last piece is the rest of the text, unsplit: read only if the head is short
        head = [stripped for line in lines[:-1] if (stripped := line.strip())]
        if len(head) > TITLE_LINES_MAX:
            return head[: TITLE_LINES_MAX + 1]
        lines = text.split("\n")
    return [stripped for line in lines if (stripped := line.strip())][: TITLE_LINES_MAX + 1]


def _title_lines(head: list[str]) -> list[str]:
    """Candidates below a masthead (`督查通报 / 第5期 / 督查室 2023年9月8日`, `…文件 / 文号`):
    each of the first lines, and each joined with the next, for a title a PDF broke in two
    (`…重点民生实事` / `进展情况的通报`). Numbered headings and the first sentence start the
    body; nothing after them is the title (a table's header cells `责任单位` / `推进情况`)."""
    above_body = []
    for line in head:
        if _is_meta_line(line):
            continue
        if HEADING_START.match(line) or BODY_LINE.search(line):
            break
        above_body.append(_untagged(line))
    return _with_joined(above_body)


def _with_joined(head: list[str]) -> list[str]:
    out = []
    for i, line in enumerate(head):
        out.append(line)
        # a line that is no title itself may be one's first half (no masthead gap in it)
        if i + 1 < len(head) and not _title_like(line) and not re.search(r"\s", line):
            out.append(line + head[i + 1])
    return out


def _lines_above_body(head: list[str], page_text: str) -> list[str]:
    """Where chrome stripping took the title away with the page furniture, the title is the
    page line right above the body's first line (an h1 broken by `<br>` is two lines)."""
    at = page_text.find(head[0]) if head else -1  # the body's first line
    if at <= 0:
        return []
    above = [stripped for line in page_text[:at].split("\n") if (stripped := line.strip())]
    above = [_untagged(line) for line in above[-ABOVE_BODY_LINES:]
             if not _is_meta_line(line)]
    # a first half that opens a title but is none (`关于2021年…重点任务` / `前三季度…的通报`)
    # joined first; then the lines nearest the body first
    joined = [a + b for a, b in itertools.pairwise(above)
              if TITLE_OPENING.search(a) and not _title_like(a) and not re.search(r"\s", a)]
    return [*joined, *reversed(above)]


def find_published(text: str, page_text: str, meta: Mapping[str, str]) -> str | None:
    if meta:
        for key in META_DATE_KEYS:
            if (value := meta.get(key)) and (m := DATE_START.match(value.strip())):
                return _iso(*m.groups())
    if _may_match(PUBLISHED_LABEL, page_text) and (m := PUBLISHED_LABEL.search(page_text)):
        return _iso(*m.groups())
    first_sentence = page_text.find("。")
    m = BARE_LABEL.search(page_text, 0, first_sentence if first_sentence >= 0 else len(page_text))
    if m:
        return _iso(*m.groups())
    if sign_off := _last(SIGN_OFF, text):
        return _iso(*sign_off.groups())
    if sign_off := _last(SIGN_OFF_CN, text):
        return _iso_cn(*sign_off.groups())
    if sign_off := _last(SIGN_OFF_LINE, text):
        return _iso(*sign_off.groups())
    if sign_off := _last(SIGN_OFF_LINE_CN, text):
        return _iso_cn(*sign_off.groups())
    return None


def _last(pattern: Pattern, text: str) -> re.Match[str] | None:
    """The last match of ``pattern`` (a sign-off pattern) in ``text``, as the last of its
    ``finditer`` is: sign-offs close the text, so its tail is scanned first, from a full stop
    no match runs across (then the matches from there are those of the whole scan from there
    on); only a tail without a match leaves the whole text to scan."""
    if not _may_match(pattern, text):
        return None
    start = _sign_off_restart(text, len(text) - SIGN_OFF_TAIL)
    matches = list(pattern.finditer(text, start))
    if not matches and start:
        matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def _sign_off_restart(text: str, before: int) -> int:
    """A position at most ``before`` that no sign-off match runs across, or 0: right after a
    `。`, which a sign-off holds only in SIGN_OFF_ORG's few characters after its `年`."""
    stop = text.rfind("。", 0, max(before, 0))
    while stop >= 0 and "年" in text[max(stop - SIGN_OFF_YEAR_REACH, 0): stop]:
        stop = text.rfind("。", 0, stop)
    return stop + 1


def _iso_cn(year: str, month: str, day: str) -> str | None:
    """`二〇一七`, `八`, `十八` → `2017-08-18`."""
    digits = "".join(str(whole_number(ch)) for ch in year)
    return _iso(digits, str(whole_number(month)), str(whole_number(day)))


def find_period(title: str | None, text: str, published: str | None = None) -> str | None:
    """The reporting period, from the title first and the body's header second."""
    year_hint = None
    if title and (m := YEAR_RE.search(title)):
        year_hint = m.group(1)
    if title and (period := _period_in(title, in_title=True, year_hint=year_hint,
                                       published=published)):
        return period
    body = _body_start(text, title)
    header = header_of(body)
    # A text that opens with its first heading (`一、2022年工作总结…`) has no header to read.
    opening = header if len(header) >= MIN_HEADER else body[:BODY_WINDOW]
    opening = opening.split("附件", 1)[0]
    opening = CITED_TITLE.sub(lambda m: "#" * len(m.group()), opening)
    return _period_in(opening, in_title=False, year_hint=year_hint, published=published)


def find_region(title: str | None, orgs: list[str], page_text: str,
                site: Callable[[], str | None] = lambda: None) -> str | None:
    """``site`` gives the place whose government hosts the page (``_site_place``); it is
    asked only where nothing closer names the region."""
    named = " ".join([title or "", *orgs])
    sub = _first_named(REGION_NAMES, REGION_RANK, named)
    if sub is None:
        sub = _most_named(REGION_NAMES, REGION_RANK, page_text)
    if sub is None and _may_match(CITY, named) and (m := CITY.search(named)):
        sub = m.group()
    if sub is None:
        sub = site()
    province = _first_named(PROVINCE_NAMES, PROVINCE_RANK, named)
    if province is None and sub in REGION_PARENTS:
        province = REGION_PARENTS[sub]
    if province is None:
        province = _most_named(PROVINCE_NAMES, PROVINCE_RANK, page_text)
    if province and sub and sub != province:
        return f"{province}·{sub}"
    return province or sub


# --- helpers ----------------------------------------------------------------------------

def _first_named(names: re.Pattern[str], order: Mapping[str, int], text: str) -> str | None:
    """Of the names ``text`` holds, the first in ``order``."""
    found = names.findall(text)
    return min(found, key=order.__getitem__) if found else None


def _most_named(names: re.Pattern[str], order: Mapping[str, int], text: str) -> str | None:
    """The name ``text`` holds most often, the first in ``order`` of those tied."""
    found = names.findall(text)
    if not found:
        return None
    if found.count(found[0]) == len(found):
        return found[0]  # one name, however often: no tie to settle
    counts = Counter(found)
    return min(counts, key=lambda name: (-counts[name], order[name]))


def _title_like(candidate: str) -> bool:
    core = _without_trailing_paren(candidate.strip())
    return (core.endswith(TITLE_ENDINGS) and TITLE_MIN <= len(core) <= TITLE_MAX
            and not SENTENCE_PUNCTUATION.search(core))


def _without_trailing_paren(core: str) -> str:
    """``TRAILING_PAREN.sub("", core)`` for a stripped ``core``, reading only its end: a
    match ends in the closing parenthesis that ends ``core`` and opens at its last `(` (no
    parenthesis stands between them), with the blanks before it."""
    if not core.endswith(")"):
        return core
    opening = core.rfind("(")
    if opening < 0:
        return core
    start = len(core[:opening].rstrip())
    return core[:start] if TRAILING_PAREN.match(core, start) else core


def _squeeze(title: str) -> str:
    return " ".join(title.split())  # the runs of \s as one space, none at the ends


def _iso(year: str, month: str, day: str) -> str | None:
    y, m, d = int(year), int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _period_start(period: str) -> str:
    year, _, part = period.partition("-")
    if part.startswith("Q"):
        month = 3 * int(part[1]) - 2
    elif part.startswith("H"):
        month = 1 if part == "H1" else 7
    else:
        month = int(part)
    return f"{year}-{month:02d}-01"


def _body_start(text: str, title: str | None) -> str:
    """The body without a leading title line, so the header search starts at the prose."""
    stripped = text.lstrip()
    if title and stripped.startswith(title):
        return stripped[len(title):].lstrip()
    return stripped


def _opening(text: str, title: str | None) -> str:
    """The body's first prose line: without the title and the metadata lines under it."""
    # The lines of `body.split("\n")` in turn, cut one at a time: the first prose line is
    # nearly always the first or second, and splitting the whole body made a string per line.
    body = _body_start(text, title)
    start = 0
    while (end := body.find("\n", start)) >= 0:
        line = body[start:end]
        if line.strip() and not _is_meta_line(line):
            return line.lstrip()
        start = end + 1
    line = body[start:]
    return line.lstrip() if line.strip() and not _is_meta_line(line) else ""


def _period_in(s: str, *, in_title: bool, year_hint: str | None,
               published: str | None) -> str | None:
    candidates: list[tuple[int, str]] = []
    # Spans already read as a year with what directly follows it (`2021年1-11月份`, a date
    # `2019年10月12日`); a quarter, month or half further on (`2022年度重点工作清单一季度`)
    # is read on its own below and refines a bare year in a title.
    taken: list[tuple[int, int]] = []
    for m in YEAR_RE.finditer(s):
        after = AFTER_YEAR.match(s, m.end())
        if after:
            candidates.append((m.start(), _period(m.group(1), after)))
            taken.append((m.start(), after.end()))
        elif date := _date_after_year(s, m.end()):
            taken.append((m.start(), m.end() + date.end()))
            if CUT_OFF.search(s, max(0, m.start() - 4), m.start()):
                number = whole_number(date.group(1)) or 0
                if 1 <= number <= 12:
                    candidates.append((m.start(), f"{m.group(1)}-{number:02d}"))
        elif in_title or m.start() <= BODY_OPENING or BODY_YEAR_CUE.match(s, m.end()):
            candidates.append((m.start(), m.group(1)))
            taken.append((m.start(), m.end()))
        else:
            taken.append((m.start(), m.end()))
    for m in YEARLESS.finditer(s):
        if any(a <= m.start() < b for a, b in taken):
            continue  # part of a year-anchored period or date already seen
        year = year_hint or (published[:4] if published else None)
        if year:
            candidates.append((m.start(), _yearless(year, m, published)))
    if not candidates:
        return None
    first = min(candidates)[1]
    if len(first) == 4:
        # `2019年县政府工作报告三季度完成情况通报`, `2020年市《政府工作报告》中,我局…截至8月底`:
        # a later quarter/month of the same year refines the year.
        finer = [p for _, p in sorted(candidates) if p.startswith(first) and len(p) > 4]
        return finer[0] if finer else first
    return first


def _date_after_year(s: str, end: int) -> re.Match[str] | None:
    """`10月12日` right after a year: the year is a date's, not a period's."""
    return re.match(rf"{MONTH}\s*月\s*(?:\d{{1,2}}|{CN_NUM}{{1,3}})\s*日", s[end:end + 12])


def _period(year: str, m: re.Match[str]) -> str:
    label, _ = _label(m)
    return f"{year}-{label}" if label else year


def _label(m: re.Match[str]) -> tuple[str | None, int]:
    """The period part after the year (`09`, `Q3`, `H1`) and the month it starts in."""
    groups = m.groupdict()
    if groups.get("upto"):
        last = 3 * (whole_number(groups["upto"]) or 0)
        return f"{last:02d}", 1
    if groups.get("quarter"):
        quarter = whole_number(groups["quarter"]) or 0
        return f"Q{quarter}", 3 * quarter - 2
    if groups.get("half"):
        return ("H1", 1) if groups["half"] == "上" else ("H2", 7)
    month = groups.get("month") or groups.get("month2") or groups.get("month3") or ""
    number = whole_number(month) or 0
    return (f"{number:02d}", number) if 1 <= number <= 12 else (None, 0)


def _yearless(year: str, m: re.Match[str], published: str | None) -> str:
    label, first_month = _label(m)
    if label is None:
        return year
    if m.group("upto"):
        first_month = int(label)  # reported once the last month is over
    # A Q4 or December report published in January reports on last year: the year is never
    # the one after the publication.
    if published and f"{year}-{first_month:02d}" > published[:7]:
        year = str(int(year) - 1)
    return f"{year}-{label}"


def _site_place(meta: Mapping[str, str], html_title: str | None) -> str | None:
    """The place of the government whose site the page is on: its SiteName meta, else the
    last part of its <title>."""
    names = [meta.get(k, "").strip() for k in SITE_KEYS] if meta else []
    if html_title and SITE_GOVERNMENT_WORD in html_title:
        names.append(HTML_TITLE_SPLIT.split(html_title.strip())[-1])
    for name in names:
        if SITE_GOVERNMENT_WORD in name and (m := SITE_GOVERNMENT.match(name)):
            return m.group(1)
    return None


def _org_candidates(text: str, page_text: str, meta: Mapping[str, str],
                    title: str | None) -> list[str]:
    """Issuer names in order of trust: meta, `来源:`, title, opening sentence, sign-off."""
    found = [meta[k].strip() for k in META_SOURCE_KEYS if meta.get(k, "").strip()] if meta else []
    if _may_match(SOURCE_FIELD, page_text) and (m := SOURCE_FIELD.search(page_text)):
        found.append(m.group(1))
    if title and (m := TITLE_ORG.match(title)):
        found.append(m.group(1))
    if m := OPENING_ORG.match(_opening(text, title)):
        found.append(m.group(1))
    if m := _last(SIGN_OFF_ORG, text):
        found.append(m.group(1))
    return [org for org in found if ORG_END.search(org)]


def _publisher(orgs: list[str], text: str, region: str | None) -> str | None:
    if orgs:
        return _full_name(orgs[0], region)
    m = SELF_REFERENCE.search(text)
    if not m:
        return None
    # `我厅` + `省科技厅` named in the same header: the most-named body of that kind is the
    # author (further down, partner bodies are named too).
    named = Counter(re.findall(rf"(?<![{PLACE_WORD_HEADS}])[{LEVEL_PREFIX}][{HAN}]{{1,8}}?"
                               rf"{m.group(1)}", header_of(text)))
    if not named:
        return None
    # most_common(1)'s answer (the first named of those named most), without its heap
    return _full_name(max(named, key=named.__getitem__), region)


def _full_name(org: str, region: str | None) -> str:
    """`区公安局` → `平潭综合实验区公安局`, `省科技厅` → `辽宁省科学技术厅`."""
    if org.endswith(ABBREVIATED):
        for short, full in ABBREVIATIONS.items():
            if org.endswith(short) and not org.endswith(full):
                org = org[: -len(short)] + full
                break
    if not region:
        return org
    places = region.split("·")
    if org.startswith((*places, *PROVINCES)) or CITY.match(org):
        return org
    innermost = places[-1]
    if org[0] in LEVEL_PREFIX and innermost.endswith(org[0]):
        return innermost + org[1:]
    if org[0] in LEVEL_PREFIX and places[0].endswith(org[0]):
        return places[0] + org[1:]
    # `君山片区管理局` is a body of the sub-region; a province-wide name would be a guess.
    return innermost + org if len(places) > 1 else org
