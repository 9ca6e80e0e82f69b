"""Strip page chrome (breadcrumbs, buttons, share rows, footers) from bulletin text.

Works on text from HTML and on plain text alike, and on text whose crawler flattened the
whole page to one line (`当前位置： 首页政务公开规划信息… <title> 时间：… 微信 微博 QQ空间
<body> 来源：… 附件下载`), so every pattern is bounded and stops at the first space or
line end rather than eating to the end of a line. The title and the date line are kept:
they belong to the document and metadata.py reads them. Input is NFKC-normalised text.
"""

from __future__ import annotations

import re

from pipeline.read.lazy_pattern import LazyPattern, Pattern

CUT = "\x00"  # marks a removed span until whitespace is tidied

_HAN = r"\u3400-\u9fff"

# Breadcrumb at a line start: `首页>>信息公开>>决策执行` (Liaoning TRS), `首页 > 政务公开`.
# Only the separator-joined crumbs go: on a flattened page the title and text follow the
# last crumb after a space on the same line, and must stay.
HOME = "首页"
BREADCRUMB_LINE = LazyPattern(rf"(?m)^[ \t]*(?:网站)?{HOME}(?:[ \t]*(?:>>|>|»|->|→|/)[ \t]*"
                             r"[^\s>»→/]*)+")
# `当前位置:首页 政务公开 …` on a line of its own (no sentence in it) goes whole.
LOCATION_WORD = "位置"  # every label ends in it
LOCATION = f"(?:{'|'.join(w + LOCATION_WORD for w in ('当前', '您的', '您现在的', '所在'))})"
LOCATION_LINE = LazyPattern(rf"(?m)^[ \t]*{LOCATION}[:：]?[^\n。,，;；]{{0,80}}$")
# Flattened pages (docs 004, 007, 011) run the crumbs together (`首页政务公开规划信息工作进展情况`)
# and put the title after a space; only the crumb token (or `>`-joined tokens) goes.
LOCATION_INLINE = LazyPattern(rf"{LOCATION}[:：]?\s*"
                             r"[^\s。,，]+(?:\s*(?:>>|>|»|->|→)\s*[^\s。,，]+)*")
# Anhui-style disclosure grid and Pingtan's 2015 template (doc 016): `索 引 号：… 有 效 性： 有效`.
METADATA_GRID = re.compile(r"索\s*引\s*号[:：][^。]{0,600}?有\s*效\s*性[:：]\s*\S+")
# Buttons: `【关闭窗口】` `【打印文章】` (seed), `[ 打印 ] [ 关闭 ] [ 收藏 ]` (Jiangsu county).
BUTTON = LazyPattern(r"[【\[]\s*(?:关闭窗口|关闭本页|关闭|打印文章|打印本页|打印|收藏本页|收藏|"
                    r"返回顶部|返回|大|中|小)\s*[】\]]")
# Font-size switch: `【字体:` left open (seed), `【字体:大 中 小】`, `字体:[ ]` (Anhui),
# `字号:大 中 小` (Shandong). `发文字号:` is content, hence the look-behind.
FONT_WORDS = ("字体", "字号")
FONT_LABEL = "字[体号]"
FONT_SWITCH = LazyPattern(rf"(?=[【字])(?:【\s*{FONT_LABEL}[:：]?[ \t]*(?:[大中小][ \t]*)*】?|"
                         rf"(?<![文]){FONT_LABEL}[:：][ \t]*"
                         r"(?:[\[【(][ \t]*(?:[大中小][ \t]*)*[\]】)]|"
                         r"(?:[大中小][ \t]*){1,3}(?=\s|$)|T[ \t]*\|[ \t]*T)?)")
# View counters, JS-filled so often empty: `浏览次数:` `浏览量:` `点击量:` `阅读次数:`.
VIEW_WORDS = ("浏览次数", "浏览量", "点击量", "点击数", "阅读次数")
VIEW_COUNTER = LazyPattern(rf"(?:{'|'.join(VIEW_WORDS)})[:：][ \t]*(?:\d+(?=\s|$))?")
SHARE_SITES = r"(?:微信|微博|QQ空间|QQ好友|QQ|腾讯微博|新浪微博|人人网|豆瓣|今日头条)"
# Words at least one of which every share row holds (the longer site names hold 微博 or QQ).
SHARE_WORDS = ("微信", "微博", "QQ", "人人网", "豆瓣", "今日头条", "分享到")
# Share rows: `微信 微博 QQ空间` (Fujian TRS), `分享到:`; two or more site names apart by spaces,
# so `通过微信、微博发布` in prose stays.
SHARE_ROW = LazyPattern(rf"(?=[微Q腾新人豆今分])(?:(?:分享到[:：]?[ \t]*)?{SHARE_SITES}"
                       rf"(?:[ \t]+{SHARE_SITES})+|分享到[:：])")
# Fixed page-tool strings seen on Fujian, Shandong, Inner Mongolia and Anhui templates.
PAGE_TOOL_WORDS = ("扫一扫在手机上查看当前页面", "扫一扫在手机打开当前页",
                   "用微信扫描二维码分享至好友和朋友圈", "打印整页", "打印内容", "全真版", "文字版",
                   "文件下载", "附件下载", "无障碍浏览", "无障碍阅读", "长辈版", "长者模式",
                   "关怀版", "返回首页", "返回顶部")
RELATED_LINKS = "相关链接"
PAGE_TOOLS = LazyPattern("|".join(PAGE_TOOL_WORDS) + rf"|{RELATED_LINKS}[:：]?[ \t]*-->")
# `来源:平潭综合实验区经济发展局` ending a flattened page, or `来源:… 时间:…` in a header row; only
# when nothing but more chrome or the line end follows, so `资金来源:财政拨款,` stays.
SOURCE_LABEL = r"(?:信息来源|来源|作者|责任编辑|编辑)[:：]"
SOURCE_WORDS = tuple(f"{word}{colon}" for word in ("来源", "作者", "编辑") for colon in ":：")
SOURCE_FIELD = LazyPattern(
    rf"(?m)(?=[信来作责编])(?<![{_HAN}]){SOURCE_LABEL}[ \t]*"
    r"(?:[^\s:：,，。;；]{1,40})?"
    r"(?=[ \t]*(?:$|时间|发布时间|发布日期|作者|编辑|浏览|点击|字[体号]|【|\[|\x00))"
)
# Leftovers of cut HTML: a stray `an>` (doc 021), `-->`, whole tags in text-only crawls.
HTML_DEBRIS = LazyPattern(r"(?=[<a-z-])(?:</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]{0,200})?/?>|"
                         r"(?<=\s)[a-z]{1,8}>(?=\s|$)|<!--|(?<=\s)-->)")
# One-word button lines and article navigation (`上一篇:…`).
BUTTON_WORDS = ("关闭", "打印", "分享", "收藏", "返回", "TOP", "top")
NAVIGATION_WORDS = ("上一篇", "下一篇")
BUTTON_LINE = LazyPattern(rf"(?m)^[ \t]*(?:{'|'.join(BUTTON_WORDS)})[ \t]*$|"
                         rf"^[ \t]*(?:{'|'.join(NAVIGATION_WORDS)})[:：][^\n]*$")

INLINE_CHROME = (BREADCRUMB_LINE, LOCATION_LINE, LOCATION_INLINE, METADATA_GRID, BUTTON,
                 FONT_SWITCH, VIEW_COUNTER, SHARE_ROW, PAGE_TOOLS, HTML_DEBRIS, BUTTON_LINE,
                 SOURCE_FIELD)

# A `相关新闻` list ends the article; everything after it is other pages' titles.
RELATED_WORDS = ("相关新闻", RELATED_LINKS, "相关文章", "相关阅读", "相关信息", "相关文件",
                 "推荐阅读")
RELATED_LIST = LazyPattern(rf"(?=[相推])(?:^|(?<=\s))(?:{'|'.join(RELATED_WORDS)})[:：]?(?=\s|$)")
# Words every match of a pattern holds one of. Python's re tries a pattern that opens with
# a look-behind or an optional group at every position of the text, and even a set of
# first characters is tested one position at a time; `str.find` of a word runs at memchr
# speed, so the pattern is skipped on the many texts that cannot match it. Each guard is
# built from the pattern's own words. The patterns that often pass their guard open with
# a look-ahead for their first character instead (`(?=[…])`): re then rejects most
# positions on one test rather than trying each alternative; the matches are the same.
# Every guarded pattern is a LazyPattern: a process whose pages never hold its words (clean
# article text) never compiles it.
GUARDS: dict[Pattern, tuple[str, ...]] = {
    BREADCRUMB_LINE: (HOME,),
    BUTTON: ("【", "["),
    LOCATION_LINE: (LOCATION_WORD,),
    LOCATION_INLINE: (LOCATION_WORD,),
    FONT_SWITCH: FONT_WORDS,
    VIEW_COUNTER: VIEW_WORDS,
    SHARE_ROW: SHARE_WORDS,
    HTML_DEBRIS: ("<", ">"),
    BUTTON_LINE: BUTTON_WORDS + NAVIGATION_WORDS,
    SOURCE_FIELD: SOURCE_WORDS,
    RELATED_LIST: RELATED_WORDS,
    PAGE_TOOLS: (*PAGE_TOOL_WORDS, RELATED_LINKS),
}
# The inline patterns in their order, each with its guard words (None: it has none).
INLINE_GUARDS = tuple((pattern, GUARDS.get(pattern)) for pattern in INLINE_CHROME)
# Which guard words a text holds, found in one scan: re skips to the words' first characters
# (its prefix set for an alternation of literals), where a `str.find` per word (over 40 of
# them) reads the whole text each time. The scan reports the matches it steps over, not every
# occurrence: a word is also held where a word that holds it was found (`分享` in `分享到`),
# and a word that can open inside another one's tail (`阅读次数` after `相关阅读`) is looked for
# again where that other word was found.
GUARD_WORDS = sorted({w for words in GUARDS.values() for w in words}, key=lambda w: (-len(w), w))
GUARD_SCAN = re.compile("|".join(map(re.escape, GUARD_WORDS)))
WORDS_INSIDE = {w: frozenset(v for v in GUARD_WORDS if v != w and v in w) for w in GUARD_WORDS}


def _overlapped_by(words: list[str]) -> dict[str, frozenset[str]]:
    """For each word that can open inside another one's tail, those others: a proper suffix of
    the other word is a proper prefix of it. Read from a table of the words' proper prefixes,
    where testing every pair of words at every length took 3 ms of every process's start."""
    opening: dict[str, set[str]] = {}  # a proper prefix → the words it opens
    for word in words:
        for i in range(1, len(word)):
            opening.setdefault(word[:i], set()).add(word)
    by: dict[str, set[str]] = {}
    for before in words:
        for i in range(1, len(before)):
            for word in opening.get(before[-i:], ()):
                if word != before:
                    by.setdefault(word, set()).add(before)
    return {word: frozenset(by[word]) for word in words if word in by}


OVERLAPPED_BY = _overlapped_by(GUARD_WORDS)

# Site footers; they only ever follow the article.
FOOTER = re.compile(r"版权所有|Copyright|©|ICP备|ICP证|公网安备|网站标识码|主办单位[:：]|"
                    r"承办单位[:：]|技术支持[:：]|网站地图|联系我们")
# Trailing lists and footers are looked for only in the last part of the text, so that a
# `相关链接` or `联系我们` inside a header or the body never cuts the article.
TAIL_SHARE = 0.4
# A footer on a line this short is a footer line and goes whole; on a longer (flattened) line
# only from the marker on.
FOOTER_LINE_MAX = 300


def strip_chrome(text: str) -> str:
    """The text without page chrome; content text is never removed."""
    # Cutting chrome (each cut leaves CUT, which no word holds) makes no new word: a word the
    # text lacks before the cuts it lacks after them.
    held = guard_words(text)
    for pattern, words in INLINE_GUARDS:
        # _may_match's first test in line: most patterns hold no word of a page, and are
        # ruled out without a call
        if words is None or (not held.isdisjoint(words) and _may_match(pattern, text, held)):
            text = pattern.sub(CUT, text)
    text = _cut_tail(text, RELATED_LIST, held)
    text = _cut_tail(text, FOOTER, held)
    return _tidy(text)


def guard_words(text: str) -> frozenset[str]:
    """The guard words ``text`` holds: those of GUARD_WORDS each with ``word in text``."""
    found = set(GUARD_SCAN.findall(text))
    for word in list(found):
        found |= WORDS_INSIDE[word]
    for word, by in OVERLAPPED_BY.items():
        if word not in found and not by.isdisjoint(found) and word in text:
            found.add(word)
    return frozenset(found)


def _may_match(pattern: Pattern, text: str, held: frozenset[str], pos: int = 0) -> bool:
    """Whether ``pattern`` may match ``text[pos:]``: some guard word of it is there. ``held``:
    the guard words of the text before chrome was cut from it; only those are looked for."""
    words = GUARDS.get(pattern)
    if words is None:
        return True
    if held.isdisjoint(words):  # most patterns on most pages: no word of theirs, in one C call
        return False
    return any(word in held and text.find(word, pos) >= 0 for word in words)


def _cut_tail(text: str, marker: Pattern, held: frozenset[str]) -> str:
    tail = int(len(text) * (1 - TAIL_SHARE))
    m = marker.search(text, tail) if _may_match(marker, text, held, tail) else None
    if not m:
        return text
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.start())
    line_end = len(text) if line_end < 0 else line_end
    if marker is not FOOTER or line_end - line_start > FOOTER_LINE_MAX:
        return text[: m.start()]
    # Footers span a few lines; earlier lines that carry a marker belong to it too.
    while line_start > 0:
        previous = text.rfind("\n", 0, line_start - 1) + 1
        line = text[previous: line_start - 1]
        if len(line) > FOOTER_LINE_MAX or not marker.search(line):
            break
        line_start = previous
    return text[:line_start]


CUT_INSIDE = re.compile(rf"[ \t]*{CUT}[{CUT} \t]*")
CUT_PAD = f" \t{CUT}"  # what a cut takes with it at a line's ends
BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    lines = [_uncut(line) if CUT in line else line.rstrip() for line in text.split("\n")]
    tidy = "\n".join([line for line in lines if line is not None])
    if "\n\n\n" in tidy:
        tidy = BLANK_LINES.sub("\n\n", tidy)
    return tidy.strip("\n")


def _uncut(line: str) -> str | None:
    """A line that held chrome, without it: a cut at either end goes with the spaces and tabs
    around it, one inside leaves a space; None for a line that held nothing else."""
    start = line.lstrip(CUT_PAD)
    if CUT in line[: len(line) - len(start)]:
        line = start
    end = line.rstrip(CUT_PAD)
    if CUT in line[len(end):]:
        line = end
    if CUT in line:
        line = CUT_INSIDE.sub(" ", line)
    return line.rstrip() if line.strip() else None
