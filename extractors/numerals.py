"""Numerals: Arabic, Chinese and mixed forms into values.

Our own converter rather than a library's, because deciding *whether* a run of numeral
characters is a number at all (一二三产业, 十四五 are not) is part of the grammar: a
sequence that is no well-formed numeral returns None and the caller drops it.
"""

from __future__ import annotations

from decimal import Decimal

# Traditional forms (兩, 萬, 億) too: mirror sites republish bulletins in Big5 (FORMATS.md §9).
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
SCALES = {"万": 10_000, "亿": 100_000_000, "萬": 10_000, "億": 100_000_000}

CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(SCALES)

# `1,100.76` with thousands separators, or plain digits with an optional decimal part.
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def arabic_value(text: str) -> int | float:
    """`1,100.76` → 1100.76; integers stay int so JSON shows `122`, not `122.0`."""
    clean = text.replace(",", "")
    return float(clean) if "." in clean else int(clean)


def whole_number(token: str) -> int | None:
    """A count as a header or heading writes it: `8`, `十二`, `两`, `一百零五`; else None."""
    return int(token) if token.isascii() and token.isdigit() else chinese_value(token)


def chinese_value(text: str) -> int | None:
    """Value of a well-formed Chinese numeral (`一百二十二`, `六千`, `两`), else None.

    Rejects digit runs without place units (`一二三`, `二〇一七`), which are labels or
    years, and place units out of order (`十百`).
    """
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if text in ("百", "千"):
        return CN_SMALL_UNITS[text]  # `近百件`, `上千人`
    total = 0
    section = 0
    digit: int | None = None
    last_small = 10_000
    last_scale = 10**12
    zero_seen = False
    for ch in text:
        if ch in CN_DIGITS:
            value = CN_DIGITS[ch]
            if value == 0:
                if digit is not None:
                    return None
                zero_seen = True
                continue
            if digit is not None:
                return None
            digit = value
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if unit >= last_small:
                return None
            if digit is None:
                # a bare 十 reads as 一十 only at the start (十二 = 12); 百/千 need a digit
                if unit != 10 or section or total:
                    return None
                digit = 1
            section += digit * unit
            digit = None
            last_small = unit
            zero_seen = False
        else:
            scale = SCALES[ch]
            if scale >= last_scale:
                return None
            section += digit or 0
            if section == 0:
                return None
            total += section * scale
            section = 0
            digit = None
            last_small = 10_000
            last_scale = scale
            zero_seen = False
    if digit is not None:
        # a trailing digit after a place unit with no 零 means an elided unit
        # (`一百二` = 120) only in speech; bulletins write it out, so refuse `十四五`-like runs
        if last_small < 10_000 and last_small != 10 and not zero_seen:
            return None
        section += digit
    value = total + section
    return value if value > 0 or text in ("零", "〇") else None


def scale_value(value: int | float, scales: str) -> int | float:
    """Apply `万`/`亿` exactly: `71.65亿` is 7165000000, not 7165000000.000001."""
    factor = 1
    for ch in scales:
        factor *= SCALES[ch]
    if isinstance(value, int):
        return value * factor  # exact already; Decimal is for the decimals
    scaled = Decimal(str(value)) * factor
    if scaled == scaled.to_integral_value():
        return int(scaled)
    return float(scaled)
