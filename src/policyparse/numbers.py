"""Numbers in Chinese policy text: numerals, quantities with units, ranges, years and planning periods.

Small pure functions that run on every number of every document, so each is a few dictionary
lookups and one or two precompiled patterns. The vocabulary (digits, magnitudes, units, range
separators, period names, baseline cues) is in ``data/numbers.yaml``; this module only holds the
grammar that combines it. Every function takes an optional ``rules`` (default: ``load_rules()``) and
returns ``None`` rather than guessing when the text is not what it looks for.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Optional, Union

import regex

from .rules import Rules, alternation, load_rules

__all__ = ["Quantity", "cn_number", "parse_quantity", "parse_year", "planning_period", "target_year",
           "lost_separator", "compact_date"]

Number = Union[int, float]

# Full-width ASCII (U+FF01-FF5E) and the ideographic space: PDFs and Word files often set digits, ％ and ～
# full width (１２％), and they mean the same as their ASCII forms.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# PDF artefacts inside a number (see _unwrap). Letter-spaced text from pdftotext: "5 2 . 5 %".
_LETTER_SPACED = regex.compile(r"\S(?: \S){2,}")
# A decimal point with a line break beside it ("13.\n5") or spaces on both sides ("7 . 2"). A space on one
# side only is left alone: "2. 5家" is far more often the list label "2." followed by "5家".
_DECIMAL_WRAP = regex.compile(r"(?<=\d)(?:\s*\n\s*\.\s*|\.[ \t]*\n\s*|[ \t]+\.[ \t]+)(?=\d)")
# A line break between two digits is a wrapped number ("2\n04 万千瓦"); a bare space is not ("1 2.5%").
_LINE_WRAP = regex.compile(r"(?<=\d)[ \t]*\n\s*(?=\d)")
_DIGIT_GAP = regex.compile(r"(?<=[\d.])\s+(?=[\d.])")
_SPACE = regex.compile(r"\s+")
_YEAR_DIGITS = regex.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class Quantity:
    """A number (or a range low..high) with its normalized unit, and the text it was read from."""

    value: Number
    value_max: Optional[Number]
    unit: str
    surface: str


@dataclass(frozen=True, eq=False)
class _Vocab:
    """numbers.yaml turned into lookup tables and compiled patterns, once per Rules object."""

    digits: dict[str, int]
    zeros: str
    small: dict[str, int]
    large: tuple[tuple[str, int], ...]    # largest first: 亿 splits before 万 (一万亿 = 一万 x 亿)
    magnitudes: dict[str, int]
    percent_prefixes: tuple[str, ...]
    aliases: dict[str, str]
    count_units: tuple[str, ...]
    year_marker: str
    periods: dict[str, tuple[int, int]]
    period_not_end: tuple[str, ...]
    baseline_before: tuple[str, ...]
    baseline_after: tuple[str, ...]
    cue_width: int                        # the longest cue word: how far target_year looks around a year
    arabic: regex.Pattern[str]
    cn_decimal: regex.Pattern[str]
    range_: regex.Pattern[str]
    unit_tail: regex.Pattern[str]
    period: regex.Pattern[str]
    year_full: regex.Pattern[str]
    target: regex.Pattern[str]


def unit_pattern(rules: Rules, extra: tuple[str, ...] = ()) -> str:
    """The regex of a unit as written: a unit of numbers.yaml (or of `extra`), per one of its
    denominators when one follows (吨/万平方米)."""
    n = rules["numbers"]
    return f"{alternation([*n['units'], *extra])}(?:/{alternation(n['unit_denominators'])})?"


@lru_cache(maxsize=4)
def _vocab(rules: Rules) -> _Vocab:
    n = rules["numbers"]
    digits, small, large = n["digits"], n["small_magnitudes"], n["large_magnitudes"]
    d = "[" + "".join(regex.escape(c) for c in digits) + "]"
    mag = "[" + "".join(regex.escape(c) for c in {**small, **large}) + "]"
    sep = alternation(n["range_separators"])
    year = rf"(?<!\d)(?:19|20)\d\d(?!\d)|(?<!{d}){d}{{4}}(?!{d})"
    marker = regex.escape(n["year_marker"])   # 2030年: the character that makes 4 digits a year
    return _Vocab(
        digits=digits, zeros="".join(c for c, v in digits.items() if v == 0), small=small,
        large=tuple(sorted(large.items(), key=lambda kv: -kv[1])), magnitudes={**small, **large},
        percent_prefixes=tuple(n["percent_prefixes"]), aliases=n["unit_aliases"],
        count_units=tuple(n["count_units"]), year_marker=n["year_marker"],
        periods={k: tuple(v) for k, v in n["periods"].items()}, period_not_end=tuple(n["period_not_end"]),
        baseline_before=tuple(n["baseline_before"]), baseline_after=tuple(n["baseline_after"]),
        cue_width=max(map(len, [*n["baseline_before"], *n["baseline_after"], *n["period_not_end"]])),
        arabic=rules.regex(rf"(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(\d+))?({mag}*)"),
        cn_decimal=rules.regex(rf"((?:{d}|{mag})+){alternation(n['decimal_points'])}({d}+)({mag}*)"),
        range_=rules.regex(rf"(.+?){sep}(.+)"),
        unit_tail=rules.regex(unit_pattern(rules) + r"\Z"),
        period=rules.regex(alternation(n["periods"])),
        year_full=rules.regex(rf"({year})\s*{alternation(n['year_suffixes'])}?"),
        target=rules.regex(rf"[“\"‘']?(?P<period>{alternation(n['periods'])})[”\"’']?"
                           rf"|(?P<y1>{year})(?:\s*{marker}?\s*{sep}\s*(?P<y2>{year}))?\s*{marker}"),
    )


def _plain(d: Decimal) -> Number:
    """An int when the value is whole (1.2亿 is 120000000), else a float."""
    return int(d) if d == d.to_integral_value() else float(d)


def _cn_section(s: str, v: _Vocab) -> Optional[int]:
    """A Chinese integer below 万: digits each followed by a smaller magnitude than the last."""
    total, digit, last, zero = 0, None, None, False
    for i, c in enumerate(s):
        if c in v.digits:
            n = v.digits[c]
            if n == 0:               # 零 fills a skipped place (一百零五); it never starts a number
                if last is None or digit is not None:
                    return None
                zero = True
            elif digit is not None:  # two digits with no magnitude between: 十四五 is a period, not 145
                return None
            else:
                digit = n
        elif c in v.small:
            unit = v.small[c]
            if last is not None and unit >= last:
                return None
            if digit is None:        # only 十 stands alone, and only first (十五 = 15; 百 alone is no number)
                if i or unit != 10:
                    return None
                digit = 1
            total, digit, last, zero = total + digit * unit, None, unit, False
        else:
            return None
    if digit is not None:            # 一百五 = 150 (the place below the last magnitude), 一百零五 = 105
        total += digit * (1 if zero or last is None else last // 10)
    return total


def _cn_int(s: str, v: _Vocab) -> Optional[int]:
    if not s:
        return None
    if all(c in v.digits for c in s):   # 二〇三五 is read digit by digit, as years and codes are written
        return int("".join(str(v.digits[c]) for c in s))
    for ch, mag in v.large:             # split at the last, largest magnitude: 一亿五千万 = 一 x 亿 + 五千万
        i = s.rfind(ch)
        if i < 0:
            continue
        high, rest = _cn_int(s[:i], v), s[i + 1:]
        zero = rest[:1] in v.zeros if rest else False
        rest = rest.lstrip(v.zeros)
        if not rest:
            low: Optional[int] = 0
        elif not zero and len(rest) == 1 and rest in v.digits:
            low = v.digits[rest] * mag // 10   # 一万五 = 15000, as it is said
        else:
            low = _cn_int(rest, v)
        if not high or low is None or low >= mag:
            return None
        return high * mag + low
    return _cn_section(s, v)


def _number(s: str, v: _Vocab) -> Optional[Decimal]:
    s = next((s[len(p):] for p in v.percent_prefixes if s.startswith(p)), s)   # 百分之二十 -> 二十
    if m := v.arabic.fullmatch(s):
        d = Decimal(m[1].replace(",", "") + ("." + m[2] if m[2] else ""))
    elif m := v.cn_decimal.fullmatch(s):
        whole = _cn_int(m[1], v)
        if whole is None:
            return None
        d = Decimal(f"{whole}." + "".join(str(v.digits[c]) for c in m[2]))
    else:
        n = _cn_int(s, v)
        return None if n is None else Decimal(n)
    for c in m[3]:                      # a trailing magnitude multiplies: 1.2亿, 3000万, 三点五万
        d *= v.magnitudes[c]
    return d


def cn_number(s: str, rules: Optional[Rules] = None) -> Optional[Number]:
    """A number written in Chinese numerals, Arabic digits or a mix; None if ``s`` is not one number.

    >>> [cn_number(x) for x in ["一百五十万", "两万", "三十", "十五", "二〇三五", "零点五"]]
    [1500000, 20000, 30, 15, 2035, 0.5]
    >>> [cn_number(x) for x in ["1.2亿", "3000万", "4,000", "１２", "二○三○"]]
    [120000000, 30000000, 4000, 12, 2030]

    百分之 is read as the number of percent (the caller knows the unit is %):

    >>> cn_number("百分之二十")
    20

    Period names, bare magnitudes, broken digit groups and words are not numbers:

    >>> [cn_number(x) for x in ["十四五", "万", "百", "40,00", "若干", ""]]
    [None, None, None, None, None, None]
    """
    return _cn_number(s, rules or load_rules())


@lru_cache(maxsize=4096)
def _cn_number(s: str, rules: Rules) -> Optional[Number]:
    """cn_number, remembered: heading numbers (一, 二, 十二) and years recur in every document."""
    d = _number(s.translate(_FULLWIDTH).strip(), _vocab(rules))
    return None if d is None else _plain(d)


def _unwrap(s: str) -> str:
    """Undo line wraps and letter spacing inside a number; "" when digits stay apart ("1 2.5%")."""
    s = s.strip()
    if _LETTER_SPACED.fullmatch(s):     # every character spaced out, as pdftotext renders some tables
        return s.replace(" ", "")
    s = _LINE_WRAP.sub("", _DECIMAL_WRAP.sub(".", s))
    if _DIGIT_GAP.search(s):            # two numbers side by side, or a lost separator: not ours to join
        return ""
    return _SPACE.sub("", s)            # spaces around units and separators carry no meaning


def parse_quantity(s: str, rules: Optional[Rules] = None) -> Optional[Quantity]:
    """Split a number-with-unit (or a range of them) into value, value_max and normalized unit.

    The longest unit of numbers.yaml that ends the text is the unit, so a magnitude that belongs to a
    unit of measure stays in it, as the targets table reports it; counts take no magnitude:

    >>> parse_quantity("1.2亿千瓦")
    Quantity(value=1.2, value_max=None, unit='亿千瓦', surface='1.2亿千瓦')
    >>> [(q.value, q.unit) for q in map(parse_quantity, ["三十万千瓦", "两万个", "百分之二十", "3个百分点"])]
    [(30, '万千瓦'), (20000, '个'), (20, '%'), (3, '百分点')]

    Ranges, with the unit written once or on both ends:

    >>> [(q.value, q.value_max, q.unit) for q in map(parse_quantity, ["5—10家", "5%～10%", "三至五个"])]
    [(5, 10, '家'), (5, 10, '%'), (3, 5, '个')]

    PDF wraps inside a number are joined; digits apart on one line are not (see ``_unwrap``):

    >>> parse_quantity("13.\\n5%").value, parse_quantity("7 . 2 %").value, parse_quantity("1 2.5%")
    (13.5, 7.2, None)

    Comparators (以上, 左右, 约) and unknown units are the caller's: ``parse_quantity("50%以上")`` is None.
    """
    return _quantity(s, rules or load_rules())


@lru_cache(maxsize=4096)
def _quantity(s: str, rules: Rules) -> Optional[Quantity]:
    """parse_quantity, remembered: the same few values (15%, 2025年, 100万千瓦) recur in every plan, and a
    Quantity is immutable."""
    v = _vocab(rules)
    t = _unwrap(s.translate(_FULLWIDTH))
    if not t:
        return None
    m = v.unit_tail.search(t)
    written = m[0] if m else ""
    unit, body = v.aliases.get(written, written), t[: len(t) - len(written)]
    if not written and body.startswith(v.percent_prefixes):
        unit = "%"                      # 百分之五(至百分之十): _number drops the prefix from each end
    low_s, high_s = body, None
    if r := v.range_.fullmatch(body):
        low_s, high_s = r[1], r[2]
        # the first end may repeat the unit (5%—10%) or the unit's magnitude (5万—10万千瓦)
        for tail in (written, next((c for c, _ in v.large if written.startswith(c)), "")):
            if tail and len(low_s) > len(tail) and low_s.endswith(tail):
                low_s = low_s[: -len(tail)]
                break
    low = _number(low_s, v)
    high = None if high_s is None else _number(high_s, v)
    if low is None or (high_s is not None and (high is None or high <= low)):
        return None                     # 10—5家 is not a range
    return Quantity(_plain(low), None if high is None else _plain(high), unit, s)


def _year(text: str, v: _Vocab) -> Optional[int]:
    y = int(text) if text.isascii() else int("".join(str(v.digits[c]) for c in text))
    return y if 1900 <= y <= 2099 else None


def parse_year(s: str, rules: Optional[Rules] = None) -> Optional[int]:
    """A year written alone (2030, 2030年, 二〇三〇年, 2025年度); phrases go to ``target_year``.

    >>> parse_year("二〇三〇年"), parse_year("２０２５年"), parse_year("2030年前"), parse_year("30年")
    (2030, 2025, None, None)
    """
    v = _vocab(rules or load_rules())
    m = v.year_full.fullmatch(s.translate(_FULLWIDTH).strip())
    return _year(m[1], v) if m else None


def planning_period(s: str, rules: Optional[Rules] = None) -> Optional[tuple[int, int]]:
    """First and last year of the first five-year period named in ``s`` (quotes or not).

    >>> planning_period("“十四五”"), planning_period("十五五时期"), planning_period("十五")
    ((2021, 2025), (2026, 2030), None)
    """
    v = _vocab(rules or load_rules())
    m = v.period.search(s)
    return v.periods[m[0]] if m else None


def target_year(s: str, rules: Optional[Rules] = None) -> Optional[int]:
    """The year a phrase points to: the first year or period in it that is not a baseline.

    A period points to its last year; a year range to its end; a year after 比/较 or before
    的基础上/以来 is a baseline or the past and is skipped, as is a period's 初期/中期.

    >>> [target_year(x) for x in ["力争到2030年", "2025年底前", "到“十四五”末", "“十五五”期间", "2021—2025年"]]
    [2030, 2025, 2025, 2030, 2025]
    >>> target_year("比2020年下降13.5%"), target_year("“十三五”以来"), target_year("5年内")
    (None, None, None)
    """
    return _target_year(s, rules or load_rules())


@lru_cache(maxsize=4096)
def _target_year(s: str, rules: Rules) -> Optional[int]:
    """target_year, remembered: 到2025年, 到“十四五”末 … stand in every plan."""
    v, s = _vocab(rules), s.translate(_FULLWIDTH)
    for m in v.target.finditer(s):
        w = v.cue_width + 2             # room for a space or a line break between cue and year
        before, after = s[max(0, m.start() - w): m.start()].rstrip(), s[m.end(): m.end() + w].lstrip()
        if before.endswith(v.baseline_before) or after.startswith(v.baseline_after):
            continue
        if m["period"]:
            if not after.startswith(v.period_not_end):
                return v.periods[m["period"]][1]
        elif (y := _year(m["y2"] or m["y1"], v)) is not None:
            return y
    return None


def lost_separator(digits: str, unit: str, rules: Optional[Rules] = None) -> Optional[tuple[int, int]]:
    """The range (low, high) a digit run may have been before scraping lost its separator, or None.

    510家 is far more likely 5—10家 than five hundred and ten firms, but 500家 and 100个 are real
    counts. The heuristic flags (never rewrites) a run of 3-6 ASCII digits before a count unit of
    numbers.yaml when it splits into low|high with no leading zero, low < high <= 2*low, high a multiple
    of 5 and low a multiple of 5 or a single digit: the shape of ranges planners write (3—5, 5—10,
    10—15, 20—30, 50—100). The most even split wins. Known limits: two-digit runs are never flagged
    (35年 may be 3—5年, but 12个 and 35个 are common real counts); a genuine 610家 or 2030个 is flagged;
    a lost separator with other shapes (2—5, 1—3) is missed. A year (19xx/20xx before 年) is never flagged.
    Over the 86 documents of the shared corpus it flags exactly 510家 and 1015个 of xiqing-2023.

    >>> lost_separator("510", "家"), lost_separator("1015", "个"), lost_separator("500", "家")
    ((5, 10), (10, 15), None)
    >>> lost_separator("100", "个"), lost_separator("2030", "年"), lost_separator("510", "万千瓦")
    (None, None, None)
    """
    v = _vocab(rules or load_rules())
    d = digits.translate(_FULLWIDTH).strip()
    if not (3 <= len(d) <= 6 and d.isascii() and d.isdigit()) or not unit.startswith(v.count_units):
        return None
    if unit.startswith(v.year_marker) and _YEAR_DIGITS.fullmatch(d):
        return None
    for i in sorted(range(1, len(d)), key=lambda i: abs(len(d) - 2 * i)):
        a, b = d[:i], d[i:]
        if a[0] == "0" or b[0] == "0":
            continue
        low, high = int(a), int(b)
        if low < high <= 2 * low and high % 5 == 0 and (low % 5 == 0 or low < 10):
            return low, high
    return None


def compact_date(digits: str) -> Optional[str]:
    """An ISO date from a date whose separators were lost (2023年4月28日 -> 2023428), or None.

    Eight digits are YYYYMMDD. Seven digits leave month and day one digit between them: 2023428 can
    only be April 28 (month 42 does not exist), but 2023111 is January 11 or November 1 and is left
    alone, because a wrong date is worse than none. Six digits are not read: 202311 is more often a
    year and month. Years outside 1900-2099 and impossible dates give None.

    >>> compact_date("2023428"), compact_date("20230428"), compact_date("2023111"), compact_date("20230230")
    ('2023-04-28', '2023-04-28', None, None)
    """
    d = digits.translate(_FULLWIDTH).strip()
    if not (d.isascii() and d.isdigit() and len(d) in (7, 8)) or not _YEAR_DIGITS.fullmatch(d[:4]):
        return None
    rest = d[4:]
    splits = [(rest[:2], rest[2:])] if len(rest) == 4 else [(rest[:1], rest[1:]), (rest[:2], rest[2:])]
    dates = []
    for month, day in splits:
        try:
            dates.append(datetime.date(int(d[:4]), int(month), int(day)))
        except ValueError:
            continue
    return dates[0].isoformat() if len(dates) == 1 else None
