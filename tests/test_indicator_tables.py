"""Tables of cases for policyparse.indicator_tables, grouped by where the text came from.

Synthetic tables (written for these tests, not copied from the corpus) cover both shapes the module
reads: tab-separated rows (HTML/Word) and PDF text with one cell per line. Real documents of
../shared/corpus/raw are cleaned as the pipeline cleans them and checked row by row against the printed
tables; those tests are skipped when ../shared is not beside the repository (it is licensed separately).
Known misses are xfail(strict=True): when one starts passing, move it into its table.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from policyparse import clean
from policyparse.indicator_tables import table_targets
from policyparse.rules import alternation, load_rules

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RAW = SHARED / "corpus" / "raw"
needs_shared = pytest.mark.skipif(not RAW.is_dir(), reason="../shared/corpus/raw (licensed separately) is absent")
miss = pytest.mark.xfail(strict=True, reason="known miss")

KEYS = ("indicator", "value", "value_max", "unit", "comparator", "kind", "year", "baseline_year", "modality")


def rows_of(text: str) -> list[tuple]:
    return [tuple(r[k] for k in KEYS) for _, _, r in table_targets(text, load_rules())]


# --- data/indicator_tables.yaml ---------------------------------------------------------------------

WORD_LISTS = ["baseline_roles", "target_roles", "binding_marks", "cumulative_brackets", "range_separators",
              "decrease_words", "increase_words", "historical_caption", "unit_magnitudes"]
PATTERNS = ["year_cell", "empty_cell", "footnote_marks", "row_number", "category_row", "note", "heading",
            "two_quantities"]


@pytest.mark.parametrize("key", WORD_LISTS)
def test_data_word_list_is_a_non_empty_alternation(key):
    rules = load_rules()
    assert rules.regex(alternation(rules["indicator_tables"][key])).pattern


@pytest.mark.parametrize("key", PATTERNS)
def test_data_pattern_compiles(key):
    assert load_rules().regex(load_rules()["indicator_tables"][key]).pattern


@pytest.mark.parametrize("group", ["header", "attributes", "comparator_before", "comparator_after", "qualitative"])
def test_data_group_has_no_empty_list(group):
    entries = load_rules()["indicator_tables"][group]
    assert entries and all(entries.values())


# --- synthetic tab-separated tables (HTML and Word) ---------------------------------------------------

HEAD = "序号\t指标\t单位\t2020年\t2025年\t2030年\t属性"

TAB_CASES = {
    "unit in the header column": (
        f"{HEAD}\n1\t光伏发电装机容量\t万千瓦\t120\t300\t450\t预期性\n",
        [("光伏发电装机容量", 300.0, None, "万千瓦", "=", "level", 2025, None, "aspirational"),
         ("光伏发电装机容量", 450.0, None, "万千瓦", "=", "level", 2030, None, "aspirational")]),
    "unit in the name": (
        f"{HEAD}\n2\t清洁取暖率（%）\t\t70\t85\t95\t约束性\n",
        [("清洁取暖率", 85.0, None, "%", "=", "level", 2025, None, "binding"),
         ("清洁取暖率", 95.0, None, "%", "=", "level", 2030, None, "binding")]),
    "ranges and comparators": (
        f"{HEAD}\n3\t充电桩数量\t万个\t2\t5—8\t12以上\t预期性\n4\t公交电动化率\t%\t40\t≥60\t80左右\t预期性\n",
        [("充电桩数量", 5.0, 8.0, "万个", "=", "level", 2025, None, "aspirational"),
         ("充电桩数量", 12.0, None, "万个", ">=", "level", 2030, None, "aspirational"),
         ("公交电动化率", 60.0, None, "%", ">=", "level", 2025, None, "aspirational"),
         ("公交电动化率", 80.0, None, "%", "~", "level", 2030, None, "aspirational")]),
    "empty and dash cells give no row": (
        f"{HEAD}\n5\t氢能加注站\t座\t—\t\t—\t预期性\n6\t储能装机\t万千瓦\t\t50\t-\t预期性\n",
        [("储能装机", 50.0, None, "万千瓦", "=", "level", 2025, None, "aspirational")]),
    "a change from the baseline, the baseline year kept": (
        f"{HEAD}\n7\t单位产值能耗降低（%）\t\t—\t13\t[25]\t约束性\n",
        [("单位产值能耗降低", 13.0, None, "%", "=", "decrease", 2025, 2020, "binding"),
         ("单位产值能耗降低", 25.0, None, "%", "=", "decrease", 2030, 2020, "binding")]),
    "qualitative cells": (
        f"{HEAD}\n8\t碳排放强度下降\t%\t—\t完成省下达目标\t持续下降\t约束性\n",
        [("碳排放强度下降", None, None, "", "", "delegated", 2025, None, "binding"),
         ("碳排放强度下降", None, None, "", "", "decrease", 2030, 2020, "binding")]),
    "a change written in the cell": (
        "指标\t2020年\t2025年\t2030年\t属性\n碳排放强度（%）\t—\t累计下降18\t比2025年下降20%以上\t约束性\n"
        "可再生能源占比（%）\t10\t提高5个百分点\t[8]\t预期性\n",
        [("碳排放强度", 18.0, None, "%", "=", "decrease", 2025, 2020, "binding"),
         ("碳排放强度", 20.0, None, "%", ">=", "decrease", 2030, 2025, "binding"),
         ("可再生能源占比", 5.0, None, "百分点", "=", "increase", 2025, 2020, "aspirational"),
         ("可再生能源占比", 8.0, None, "%", "=", "level", 2030, None, "aspirational")]),
    "no attribute column: binding": (
        "指标名称\t现状值（2020年）\t2025年目标值\n城市绿地率（%）\t38\t40以上\n",
        [("城市绿地率", 40.0, None, "%", ">=", "level", 2025, None, "binding")]),
    "a negative change is a decrease": (
        "指标\t2020年\t2025年\t属性\n供电煤耗（克标准煤/千瓦时）\t300\t[-5]\t预期性\n",
        [("供电煤耗", 5.0, None, "克标准煤/千瓦时", "=", "decrease", 2025, 2020, "aspirational")]),
    "category rows and a merged category cell": (
        "类别\t指标\t单位\t2020年\t2025年\t属性\n能源结构\n能源结构\t天然气消费比重\t%\t9\t12\t预期性\n"
        "煤炭消费比重\t%\t60\t52以下\t约束性\n",
        [("天然气消费比重", 12.0, None, "%", "=", "level", 2025, None, "aspirational"),
         ("煤炭消费比重", 52.0, None, "%", "<=", "level", 2025, None, "binding")]),
    "a table split by a page break repeats its header": (
        f"{HEAD}\n1\t新建绿色建筑占比（%）\t\t80\t100\t100\t约束性\n\n- 12 -\n\n{HEAD}\n"
        "2\t城镇污水处理率（%）\t\t95\t97以上\t98以上\t预期性\n注：[ ]内为累计数。\n3\t不是表格\t%\t1\t2\t3\t预期性\n",
        [("新建绿色建筑占比", 100.0, None, "%", "=", "level", 2025, None, "binding"),
         ("新建绿色建筑占比", 100.0, None, "%", "=", "level", 2030, None, "binding"),
         ("城镇污水处理率", 97.0, None, "%", ">=", "level", 2025, None, "aspirational"),
         ("城镇污水处理率", 98.0, None, "%", ">=", "level", 2030, None, "aspirational")]),
    "a header without years is no table": (
        "序号\t指标\t单位\t属性\n1\t风电装机\t万千瓦\t预期性\n", []),
    "a past table (2020 targets against 2020 actuals) gives nothing": (
        "指标\t2020年目标值\t2020年实际值\n森林覆盖率（%）\t52\t52.5\n", []),
}


@pytest.mark.parametrize("text, expected", TAB_CASES.values(), ids=TAB_CASES.keys())
def test_tab_separated_table(text, expected):
    assert rows_of(text) == expected


def test_tab_row_span_is_the_row_and_pos_its_start():
    text = f"表1 主要指标\n{HEAD}\n1\t光伏发电装机容量\t万千瓦\t120\t300\t450\t预期性\n"
    (start, end, row), _ = table_targets(text, load_rules())
    assert text[start:end] == "1\t光伏发电装机容量\t万千瓦\t120\t300\t450\t预期性"
    assert (row["pos"], row["rule"]) == (start, "indicator_table")


# --- synthetic PDF text: one cell per line -------------------------------------------------------------

PDF_TABLE = """表2 主要目标

指标名称

单位

2020 年
现状

2025 年
目标

属性

工业固废综合
利用率

%

88

95 以上

预期性

单位工业增加值
用水量下降

%

—

［16］

约束性

新能源汽车保有量（万辆）

12

—

预期性

注：［ ］内为五年累计数。
"""


def test_pdf_cells_one_per_line():
    assert rows_of(PDF_TABLE) == [
        ("工业固废综合利用率", 95.0, None, "%", ">=", "level", 2025, None, "aspirational"),
        ("单位工业增加值用水量下降", 16.0, None, "%", "=", "decrease", 2025, 2020, "binding")]


PDF_ORPHANS = """指标

2020年

2025年

属性

公共充电桩（个）

800

3000

预期性

35

50左右

预期性

0.9

1.2

约束性

新能源公交占比
（%）
人均公园绿地面积
（平方米）

注：数据来源于统计年鉴。
"""


def test_pdf_names_printed_below_the_table_are_given_to_value_only_rows():
    assert rows_of(PDF_ORPHANS) == [
        ("公共充电桩", 3000.0, None, "个", "=", "level", 2025, None, "aspirational"),
        ("新能源公交占比", 50.0, None, "%", "~", "level", 2025, None, "aspirational"),
        ("人均公园绿地面积", 1.2, None, "平方米", "=", "level", 2025, None, "binding")]


def test_pdf_row_with_a_lost_cell_is_dropped():
    text = "指标\n\n2020年\n\n2025年\n\n属性\n\n风电装机（万千瓦）\n\n84.5\n\n18.8%\n\n预期性\n"
    assert rows_of(text.replace("2025年\n\n属性", "2025年\n\n年均增速\n\n属性")) == []


PROSE = [
    "到2025年，单位地区生产总值能耗比2020年下降14.5%，非化石能源消费比重达到20%左右。",
    "（三）主要目标\n到2025年，全区新能源汽车保有量达到5万辆。\n2025年\n预期性\n",
    "指标\t说明\n能耗\t下降14.5%\n",
]


@pytest.mark.parametrize("text", PROSE)
def test_prose_yields_no_rows(text):
    assert rows_of(text) == []


# --- real documents (../shared/corpus/raw), cleaned as the pipeline does --------------------------------

@lru_cache(maxsize=None)
def real_rows(doc: str) -> list[tuple]:
    source = (RAW / f"{doc}.txt").read_text(encoding="utf-8")
    return rows_of(clean.clean(source, load_rules()).text)


REAL = [
    # 表1 of the Tianjin power plan: unit in the name, 2020 baseline, 年均增速 column between 2025 and 属性
    ("tianjin-14fyp-power", ("全社会用电量", 1100.0, None, "亿千瓦时", "=", "level", 2025, None, "aspirational")),
    ("tianjin-14fyp-power", ("总装机规模", 2600.0, None, "万千瓦", "~", "level", 2025, None, "aspirational")),
    ("tianjin-14fyp-power", ("非化石能源发电装机比重", 30.0, None, "%", "~", "level", 2025, None, "aspirational")),
    # its name wraps and is printed below the table, after the values 16.1 / 22左右 / [5.9]
    ("tianjin-14fyp-power", ("非化石能源电力消纳量比重", 22.0, None, "%", "~", "level", 2025, None, "aspirational")),
    # Beijing 表1: unit column, 2019 / 2020规划 / 2020实际 / 2025规划 columns, names wrapped, % sub-rows
    ("beijing-14fyp-energy", ("全市供电可靠率", 99.996, None, "%", "=", "level", 2025, None, "aspirational")),
    ("beijing-14fyp-energy", ("天然气应急储备能力", 14.0, None, "亿立方米", "~", "level", 2025, None, "aspirational")),
    ("beijing-14fyp-energy", ("电力需求侧响应能力", 3.0, 5.0, "%", "=", "level", 2025, None, "aspirational")),
    ("beijing-14fyp-energy", ("单位地区生产总值能耗降幅", None, None, "", "", "delegated", 2025, None, "binding")),
    ("beijing-14fyp-energy", ("煤炭消费量及比重", 0.9, None, "%", "=", "level", 2025, None, "binding")),
    # Shandong: rows 5-8 are printed as values only, their numbered names after the table
    ("shandong-14fyp-climate", ("非化石能源消费比重", 13.0, None, "%", "~", "level", 2025, None, "aspirational")),
    ("shandong-14fyp-climate", ("高标准农田累计建成面积", 7791.0, None, "万亩", "=", "level", 2025, None, "binding")),
    ("shandong-14fyp-climate", ("营运船舶单位周转量二氧化碳排放较2020年下降", 3.5, None, "%", "=", "decrease", 2025,
                                2020, "aspirational")),
    ("shandong-14fyp-climate", ("自然岸线保有率", 35.0, None, "%", ">=", "level", 2025, None, "binding")),
    # Tianjin eco-environment: 2025年指标属性 is one header cell, 导向性 attributes, qualitative cells
    ("tianjin-14fyp-eco-environment", ("城市空气质量优良天数比率", 72.6, None, "%", "=", "level", 2025, None, "binding")),
    ("tianjin-14fyp-eco-environment", ("地下水质量V类水比例", None, None, "", "", "stable", 2025, None, "aspirational")),
    ("tianjin-14fyp-eco-environment", ("单位GDP能源消耗降低", None, None, "", "", "delegated", 2025, None, "binding")),
    # Guangdong: the 2025 column header is printed inside the table; rows 12-16 named from below the table
    ("guangdong-14fyp-climate", ("单位地区生产总值二氧化碳排放降低", 20.5, None, "%", "=", "decrease", 2025, 2020,
                                 "binding")),
    ("guangdong-14fyp-climate", ("森林蓄积量", 6.2, None, "亿立方米", "=", "level", 2025, None, "binding")),
    # 专栏2 of Chongqing: 【】 cumulative values
    ("chongqing-14fyp-climate", ("可再生能源建筑规模化应用", 2000.0, None, "万平方米", "=", "level", 2025, None,
                                 "aspirational")),
]


# Rows once lost to the cleaner (bare 1-3 digit cells read as page numbers, a repeated cell read as a
# running header), read since the cleaner keeps table cells.
REAL += [
    ("tianjin-14fyp-power", ("风电", 200.0, None, "万千瓦", "=", "level", 2025, None, "aspirational")),
    ("national-14fyp-renewable-energy", ("可再生能源电力总量消纳责任权重", 33.0, None, "%", "=", "level", 2025, None,
                                         "aspirational")),
    ("shandong-14fyp-climate", ("煤炭消费总量", None, None, "", "", "delegated", 2025, None, "binding")),
]


@needs_shared
@pytest.mark.parametrize("doc, row", REAL, ids=[f"{d}:{r[0]}" for d, r in REAL])
def test_real_table_row(doc, row):
    assert row in real_rows(doc)


REAL_MISSES = [
    # a wrapped name is split from its values and printed among the header cells
    ("tianjin-14fyp-green-building", ("当年城镇新建建筑中绿色建筑面积占比", 100.0, None, "%", "=", "level", 2025,
                                      None, "binding")),
]


@needs_shared
@miss
@pytest.mark.parametrize("doc, row", REAL_MISSES, ids=[f"{d}:{r[0]}" for d, r in REAL_MISSES])
def test_real_table_row_known_miss(doc, row):
    assert row in real_rows(doc)


NO_TABLE = ["national-2030-action-plan", "tianjin-14fyp-energy-saving-emission-reduction", "jiangsu-14fyp-climate"]


@needs_shared
@pytest.mark.parametrize("doc", NO_TABLE)
def test_real_document_without_a_table_gives_no_rows(doc):
    assert real_rows(doc) == []


@needs_shared
def test_real_past_table_is_not_read_as_targets():
    # 专栏1 of Chongqing reports 2020 targets against 2020 actuals of the previous plan
    assert not [r for r in real_rows("chongqing-14fyp-climate") if r[6] == 2020]
