"""The same bulletin in every encoding, with right, wrong and missing declarations (issue 8).

Wherever the bytes decode, the extracted sections and facts are identical to the UTF-8
page's; a wrong declaration (HTTP header or ``<meta>``) leaves a warning that says so,
and a right or missing one leaves none.
"""

from __future__ import annotations

import pytest

from pipeline.records import Page
from tests.hostile_helpers import SEED, extract_or_unreadable, facts_key, tally

# The seed as a GBK site serves it: no-break spaces are no GBK characters (pages use &nbsp;).
SIMPLIFIED = SEED.read_text(encoding="utf-8").replace("\xa0", " ")
# GB2312 lacks the em dash Python maps; GB2312 pages print the horizontal bar instead.
SIMPLIFIED_GB2312 = SIMPLIFIED.replace("—", "―")
# A Taiwan/Hong Kong mirror's bulletin in traditional characters, Big5-encodable throughout.
TRADITIONAL = """首頁>>資訊公開>>決策執行

遼寧省《政府工作報告》2017年七月份工作完成情況

發布時間:2017-08-18

截至7月底,已完成任務1項,其餘9項任務完成計劃月度任務。
99.發展壯大高新技術產業。
完成情況:大力實施「高企三年倍增計劃」。七月份,組織第一批高新技術企業評審,共上會評審122家,通過評審119家(瀋陽市上會評審199家,通過評審192家)。
146.出臺科技強省建設實施方案。
完成情況:召開了全省科技創新大會,對未來一個時期科技創新工作進行部署。(已完成)
148.支持一批重大科技項目,促進一批科技成果產業化。
完成情況:截至七月底全省共舉辦72場對接活動。組織東北大學等單位的7位專家開展對接,達成合作意向6項。打造了面積達2.6萬平方米的「眾創空間」核心示範區。
151.新建一批「雙創」示範基地和專業化眾創空間。
完成情況:共上報42家眾創空間,入駐企業和團隊1101個。今年上半年全省共備案52家眾創空間。(正在推進)
"""

# text, codec, labels that are right for it, labels that are wrong for it
VARIANTS = [
    ("simplified", SIMPLIFIED, "utf-8", ("utf-8", "UTF8"), ("gbk", "big5", "iso-8859-1")),
    ("simplified", SIMPLIFIED, "utf-8-sig", ("utf-8",), ("gb2312", "big5", "windows-1252")),
    ("simplified", SIMPLIFIED, "gbk", ("gbk", "gb2312", "GB18030", "x-gbk"),
     ("utf-8", "big5", "iso-8859-1", "windows-1252", "shift_jis", "euc-kr")),
    ("simplified", SIMPLIFIED, "gb18030", ("gb18030", "gbk"), ("utf-8", "big5", "iso-8859-1")),
    ("simplified-gb2312", SIMPLIFIED_GB2312, "gb2312", ("gb2312", "gbk", "gb18030"),
     ("utf-8", "big5", "iso-8859-1")),
    ("simplified", SIMPLIFIED, "utf-16", ("utf-16",), ("utf-8", "gbk")),
    ("traditional", TRADITIONAL, "utf-8", ("utf-8",), ("big5", "gbk", "iso-8859-1")),
    ("traditional", TRADITIONAL, "big5", ("big5", "big5-hkscs", "x-x-big5"),
     ("gbk", "gb2312", "utf-8", "iso-8859-1", "shift_jis")),
    ("traditional", TRADITIONAL, "gb18030", ("gb18030",), ("big5", "utf-8", "iso-8859-1")),
]
FORMS = ("text", "html")


def _body(text: str, form: str, meta: str | None) -> str:
    if form == "text":
        return text
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return (f"<!DOCTYPE html><html><head>{head}<title>公告</title></head><body>"
            f'<div class="TRS_Editor">{paragraphs}</div></body></html>')


def _page(text: str, form: str, codec: str, header: str | None, meta: str | None) -> Page:
    headers = (("Content-Type", f"text/html; charset={header}"),) if header else ()
    return Page(source=f"{codec}-{form}", content=_body(text, form, meta).encode(codec),
                headers=headers)


def _declaration_warnings(warnings: tuple[str, ...]) -> list[str]:
    return [w for w in warnings if "declares" in w or "byte-order mark" in w]


CASES = []
for name, text, codec, right, wrong in VARIANTS:
    for form in FORMS:
        placements: list[tuple[str | None, str | None]] = [(None, None)]
        placements += [(label, None) for label in right + wrong]
        if form == "html" and codec != "utf-16":  # a <meta> inside UTF-16 is not ASCII-found
            placements += [(None, label) for label in right + wrong]
            placements += [(wrong[0], right[0]), (right[0], wrong[0])]
        for header, meta in placements:
            CASES.append(pytest.param(text, form, codec, header, meta, set(wrong),
                                      id=f"{name}-{codec}-{form}-h:{header}-m:{meta}"))


@pytest.mark.parametrize(("text", "form", "codec", "header", "meta", "wrong"), CASES)
def test_same_facts_in_every_encoding_and_wrong_declarations_warn(
    text: str, form: str, codec: str, header: str | None, meta: str | None, wrong: set[str]
) -> None:
    tally("encodings: page served (encoding x declaration x form)")
    baseline = extract_or_unreadable(_page(text, form, "utf-8", None, None))
    assert baseline is not None and baseline.facts and baseline.sections
    bulletin = extract_or_unreadable(_page(text, form, codec, header, meta))
    assert bulletin is not None
    assert facts_key(bulletin) == facts_key(baseline)
    assert bulletin.title == baseline.title and bulletin.period == baseline.period
    doubts = _declaration_warnings(bulletin.warnings)
    liars = [label for label in (header, meta) if label in wrong]
    for label in liars:
        assert any(repr(label) in w and "wrong" in w for w in doubts), (label, doubts)
    if not liars:
        assert not doubts, doubts
