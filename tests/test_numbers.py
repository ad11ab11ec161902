"""Tables of cases for policyparse.numbers, one table per function, grouped by where the case came from.

Known misses are xfail(strict=True): when one starts passing, move it into its table.
"""
import pytest

from policyparse import numbers as n
from policyparse.numbers import Quantity
from policyparse.rules import alternation, load_rules

miss = pytest.mark.xfail(strict=True, reason="known miss")


# --- data/numbers.yaml ------------------------------------------------------------------------------

NUMBERS_KEYS = ["digits", "small_magnitudes", "large_magnitudes", "decimal_points", "percent_prefixes",
                "range_separators", "units", "unit_aliases", "count_units", "year_marker", "year_suffixes",
                "periods", "period_not_end", "baseline_before", "baseline_after"]


@pytest.mark.parametrize("key", NUMBERS_KEYS)
def test_data_key_is_present_and_not_empty(key):
    assert load_rules()["numbers"][key]


ALTERNATIONS = ["decimal_points", "percent_prefixes", "range_separators", "units", "count_units",
                "year_suffixes", "periods", "period_not_end", "baseline_before", "baseline_after"]


@pytest.mark.parametrize("key", ALTERNATIONS)
def test_data_alternation_compiles(key):
    rules = load_rules()
    assert rules.regex(alternation(rules["numbers"][key])).pattern


@pytest.mark.parametrize("written", sorted(load_rules()["numbers"]["unit_aliases"]))
def test_data_alias_is_a_unit_or_full_width(written):
    units = load_rules()["numbers"]["units"]
    assert written in units or written.translate(n._FULLWIDTH) in units


def test_data_periods_are_five_years():
    assert all(last - first == 4 for first, last in load_rules()["numbers"]["periods"].values())


# --- cn_number ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # the brief
    ("一百五十万", 1500000), ("两万", 20000), ("三十", 30), ("十五", 15), ("二〇三五", 2035),
    ("零点五", 0.5), ("1.2亿", 120000000), ("3000万", 30000000), ("百分之二十", 20), ("4,000", 4000),
    ("１２", 12),
    # grammar: zeros, abbreviations, large magnitudes, financial forms
    ("一千零五", 1005), ("一百五", 150), ("一万五", 15000), ("一亿五千万", 150000000), ("一万亿", 10**12),
    ("十", 10), ("两", 2), ("零", 0), ("十二点五", 12.5), ("三点五万", 35000), ("壹佰", 100),
    ("二○三○", 2030), ("二零二五", 2025), ("0.07万", 700), ("1,234.5", 1234.5), ("百分之零点五", 0.5),
    ("１２.５", 12.5), (" 42 ", 42),
    # not numbers
    ("十四五", None), ("十五五", None), ("万", None), ("百", None), ("40,00", None), ("若干", None),
    ("", None), ("abc", None), ("5家", None), ("1.", None), (".5", None), ("点五", None), ("百分之", None),
    ("一百百", None), ("千百", None),
    pytest.param("-3", -3, marks=miss, id="negative-numbers"),
    pytest.param("1万5千", 15000, marks=miss, id="mixed-arabic-sections"),
])
def test_cn_number(text, expected):
    assert n.cn_number(text) == expected


def test_cn_number_returns_int_for_whole_values():
    assert type(n.cn_number("1.2亿")) is int and type(n.cn_number("1.5")) is float


# --- parse_quantity -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # the brief: a magnitude of a unit of measure stays in the unit, counts take none
    ("1.2亿千瓦", (1.2, None, "亿千瓦")), ("两万个", (20000, None, "个")), ("三十万千瓦", (30, None, "万千瓦")),
    ("五百万千瓦", (500, None, "万千瓦")), ("28.62亿立方米", (28.62, None, "亿立方米")), ("2万平方米", (2, None, "万平方米")),
    ("1.5亿吨标准煤", (1.5, None, "亿吨标准煤")), ("10万辆", (10, None, "万辆")), ("3个月", (3, None, "个月")),
    ("300克/千瓦时", (300, None, "克/千瓦时")),
    # percentages and unit normalization
    ("46%", (46, None, "%")), ("46％", (46, None, "%")), ("百分之二十", (20, None, "%")),
    ("3个百分点", (3, None, "百分点")), ("2.5百分点", (2.5, None, "百分点")),
    # dimensionless and unit-less
    ("1.3", (1.3, None, "")), ("3000万", (30000000, None, "")),
    # ranges
    ("5—10家", (5, 10, "家")), ("5-10家", (5, 10, "家")), ("5～10家", (5, 10, "家")), ("5~10家", (5, 10, "家")),
    ("5至10家", (5, 10, "家")), ("5到10家", (5, 10, "家")), ("5——10家", (5, 10, "家")), ("5%—10%", (5, 10, "%")),
    ("三至五个", (3, 5, "个")), ("两至三个", (2, 3, "个")), ("百分之五至百分之十", (5, 10, "%")),
    ("5万—10万千瓦", (5, 10, "万千瓦")), ("5 — 10 家", (5, 10, "家")), ("1.5-2.5%", (1.5, 2.5, "%")),
    # PDF artefacts from corpus/raw: wraps inside a number, letter spacing (jiangsu-14fyp-climate)
    ("13.\n5%", (13.5, None, "%")), ("13\n.5%", (13.5, None, "%")), ("2\n04 万千瓦", (204, None, "万千瓦")),
    ("7 . 2 %", (7.2, None, "%")), ("5 2 . 5 %", (52.5, None, "%")), ("325 万吨", (325, None, "万吨")),
    ("40\n万千瓦", (40, None, "万千瓦")),
    # negatives: digits apart on one line, a list label, a comparator, unknown units, reversed ranges
    ("1 2.5%", None), ("5 10家", None), ("2. 5家", None), ("50%以上", None), ("约5家", None), ("5头", None),
    ("10—5家", None), ("5—5家", None), ("—10家", None), ("家", None), ("", None), ("十四五", None),
    ("5—家", None),
    pytest.param("5千—1万吨", (5000, 10000, "吨"), marks=miss, id="range-ends-with-different-magnitudes"),
    pytest.param("1 2 家", None, marks=miss, id="letter-spacing-joins-two-numbers"),
])
def test_parse_quantity(text, expected):
    q = n.parse_quantity(text)
    assert (None if q is None else (q.value, q.value_max, q.unit)) == expected


def test_parse_quantity_keeps_the_surface_as_given():
    assert n.parse_quantity("13.\n5%") == Quantity(13.5, None, "%", "13.\n5%")


# --- parse_year -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2030", 2030), ("2030年", 2030), ("二〇三〇年", 2030), ("二○三○年", 2030), ("二零二五", 2025),
    ("２０２５年", 2025), ("2025 年", 2025), ("2025年度", 2025), (" 1998年 ", 1998),
    # negatives: phrases, short and out-of-range numbers, periods
    ("2030年前", None), ("到2025年", None), ("30年", None), ("25", None), ("20250", None), ("1800年", None),
    ("十四五", None), ("", None), ("二〇三〇〇", None),
    pytest.param("2 0 2 5 年", 2025, marks=miss, id="letter-spaced-year"),
])
def test_parse_year(text, expected):
    assert n.parse_year(text) == expected


# --- planning_period --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("“十四五”", (2021, 2025)), ("十四五", (2021, 2025)), ("十五五", (2026, 2030)), ("十三五", (2016, 2020)),
    ("十二五", (2011, 2015)), ("十一五", (2006, 2010)), ("“十四五”时期", (2021, 2025)),
    ("天津市“十四五”节能减排工作实施方案", (2021, 2025)), ('"十五五"期间', (2026, 2030)),
    # negatives: 十五 is also the number 15, so the old period name is not in the vocabulary
    ("十五", None), ("2025年", None), ("", None), ("十四", None),
    pytest.param("第十四个五年规划", (2021, 2025), marks=miss, id="spelled-out-period"),
])
def test_planning_period(text, expected):
    assert n.planning_period(text) == expected


# --- target_year ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # the brief
    ("到2025年", 2025), ("2025年底前", 2025), ("2030年前", 2030), ("到“十四五”末", 2025), ("“十四五”期间", 2025),
    ("“十四五”时期", 2025), ("“十五五”期间", 2030), ("力争到2030年", 2030),
    # more wordings
    ("二〇三〇年前", 2030), ("到２０２５年", 2025), ("2021—2025年", 2025), ("2021年至2025年", 2025),
    ("到2025年和2030年", 2025), ("2025年5月", 2025), ("与2020年相比，到2025年下降", 2025),
    ("2030年前后", 2030), ("十四五", 2025),
    # negatives: baselines, the past, the start of a period, no year at all
    ("比2020年下降13.5%", None), ("较2020年", None), ("在2020年的基础上", None), ("2020年以来", None),
    ("“十三五”以来", None), ("比“十三五”末下降", None), ("“十四五”中期", None), ("5年内", None), ("2025家", None),
    ("", None),
    pytest.param("到本世纪中叶", 2050, marks=miss, id="mid-century"),
    pytest.param("到 2 0 2 5 年", 2025, marks=miss, id="letter-spaced-year"),
])
def test_target_year(text, expected):
    assert n.target_year(text) == expected


# --- lost_separator ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("digits, unit, expected", [
    # xiqing-2023: 510家 and 1015个 stand for 5—10家 and 10—15个
    ("510", "家", (5, 10)), ("1015", "个", (10, 15)),
    # the shapes ranges are written in
    ("3050", "家", (30, 50)), ("1020", "项", (10, 20)), ("50100", "个", (50, 100)), ("100200", "台", (100, 200)),
    ("510", "年", (5, 10)), ("５１０", "家", (5, 10)), ("510", "个百分点", (5, 10)),
    # real counts: a zero cannot start the high end, the ratio is too large, or the run is too short
    ("500", "家", None), ("100", "个", None), ("150", "家", None), ("120", "个", None), ("210", "家", None),
    ("1000", "家", None), ("12", "个", None), ("1234567", "个", None),
    # years and non-count units are never flagged
    ("2030", "年", None), ("2025", "年底", None), ("510", "万千瓦", None), ("510", "%", None), ("51a", "家", None),
    pytest.param("35", "年", (3, 5), marks=miss, id="two-digit-runs-are-not-read"),
    pytest.param("1030", "个", (10, 30), marks=miss, id="ratio-above-two"),
    pytest.param("610", "家", None, marks=miss, id="real-count-with-range-shape"),
])
def test_lost_separator(digits, unit, expected):
    assert n.lost_separator(digits, unit) == expected


# --- compact_date -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("digits, expected", [
    ("2023428", "2023-04-28"), ("20230428", "2023-04-28"), ("2023131", "2023-01-31"),
    ("20241231", "2024-12-31"),
    ("2024229", "2024-02-29"), ("１９９９１２３１", "1999-12-31"), ("2023930", "2023-09-30"),
    # ambiguous: month and day can split either way
    ("2023111", None), ("2023123", None), ("2023101", None),
    # impossible or not a compact date
    ("20230230", None), ("20231301", None), ("2023229", None), ("2023230", None), ("202345", None),
    ("18991231", None), ("20234028", None), ("2023-4-28", None), ("abc", None), ("", None),
])
def test_compact_date(digits, expected):
    assert n.compact_date(digits) == expected
