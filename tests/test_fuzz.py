"""Property tests: parse() survives any text and every record it returns points into that text.

Random text alone rarely reaches the rules (a heading needs 一、 at the start of a line, a target needs
到2025年 … 达到 … %), so the strategies mix policy vocabulary with hostile fragments: control characters,
numbers hundreds of digits long, unbalanced brackets and quotes, runs of '?', and arbitrary Unicode.
`make test` runs PP_FUZZ_EXAMPLES examples per property (60 by default); `make fuzz` runs 5000.
"""
from __future__ import annotations

import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policyparse as pp

FUZZ = settings(max_examples=int(os.environ.get("PP_FUZZ_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# What plans are made of: the words the rules look for.
POLICY_WORDS = [
    "到2025年", "到2030年", "2030年前", "“十四五”期间", "十五五", "比2020年", "在2020年的基础上",
    "达到", "提高到", "下降", "降低", "不低于", "不超过", "控制在", "以上", "以下", "以内", "左右", "约",
    "分别", "、", "和", "，", "。", "；", "：", "%", "％", "个百分点", "万千瓦", "亿立方米", "万吨", "家", "个",
    "辆", "台", "PUE", "力争", "争取", "确保", "完成上级下达的目标任务", "实现碳达峰", "全覆盖", "有所提升",
    "保持稳定", "全区", "单位地区生产总值能耗", "非化石能源消费比重", "新能源汽车", "区发改委", "区生态环境局",
    "牵头单位：", "责任单位：", "人民政府", "关于印发", "的通知", "实施方案", "《", "》", "〔2023〕12号",
    "2023年4月28日", "2023428", "5—10", "510家", "百分之二十", "一百五十万", "两万", "第一章", "第三条",
    "附件", "①", "——", " ", "\u3000", "\t",
]
HEADINGS = ["一、", "二、", "十、", "（一）", "（二）", "(三)", "1.", "2．", "3、", "（1）", "(2)", "①", "第一章",
            "第二部分", "第五条"]
HOSTILE = [
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b",
    "\u200d", "\r", "\r\n", "\n\n\n", "\ufffd", "\U0001f600", "\U00020000", "𠀀", "ﾃｽﾄ", "Ａ１２",
    "（（（", "）））", "《《", "》》", "““", "”", "\"", "'", "【", "〔", "[[", "]]", "???", "?" * 40,
    "9" * 300, "1" + "0" * 290, "0." + "0" * 300 + "1", "1e400", "-1e400", "inf", "nan", "NaN%",
    "١٢٣", "٣٠%", "ⅧⅨ", "零点零零", "亿亿亿亿万", "十" * 30, "百分之" * 5, "—" * 20, "～～",
    "a" * 50, "ا", "ב", "Ω", "ß", "ǅ", "İ", "\u0301",
]

vocab = st.sampled_from(POLICY_WORDS)
heading_line = st.builds(lambda h, t: "\n" + h + t, st.sampled_from(HEADINGS),
                         st.lists(st.sampled_from(POLICY_WORDS), max_size=6).map("".join))
# Numbers far beyond what a float holds (10**400 written out) are dropped as non-targets; the random
# strategies reach past float range, and test_numbers_beyond_float_range pins the worst cases.
FLOAT_SAFE_DIGITS = 420
huge_number = st.integers(min_value=0, max_value=10 ** FLOAT_SAFE_DIGITS).map(str)
decimal = st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 10 ** 30), st.integers(0, 10 ** 30))
fragment = st.one_of(
    vocab, vocab, vocab, heading_line, st.sampled_from(HOSTILE), huge_number, decimal,
    st.text(max_size=12),                                             # any Unicode (no lone surrogates)
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=8),
    st.text(st.characters(max_codepoint=0x1F), max_size=4),            # control characters
)
policy_text = st.lists(fragment, max_size=80).map("".join)


def _assert_span(start, end, n, what):
    assert start is not None and end is not None, what
    assert 0 <= start <= end <= n, f"{what}: span ({start}, {end}) outside 0..{n}"


def _assert_document(doc: pp.Document, text: str) -> None:
    n = len(text)
    assert doc.source == text
    assert len(doc.offsets) == len(doc.text) + 1
    for s in doc.section_list:
        _assert_span(s.char_start, s.char_end, n, f"section {s.section_path!r}")
        assert 0 <= s.text_start <= s.text_end <= len(doc.text)
    for t in doc.target_list:
        _assert_span(t.char_start, t.char_end, n, f"target {t.target_id}")
        for v in (t.value, t.value_max):
            assert v is None or math.isfinite(v), f"target {t.target_id}: value {v!r} from {t.quote!r}"
        for y in (t.year, t.baseline_year):
            assert y is None or isinstance(y, int)
    for e in doc.entity_list:
        _assert_span(e.char_start, e.char_end, n, f"entity {e.name!r}")
    for i in doc.issue_list:
        if i.char_start is not None or i.char_end is not None:
            _assert_span(i.char_start, i.char_end, n, f"issue {i.kind}")


@FUZZ
@given(policy_text)
def test_parse_policy_like_text(text):
    _assert_document(pp.parse(text), text)


@FUZZ
@given(st.text(max_size=400))
def test_parse_arbitrary_unicode(text):
    _assert_document(pp.parse(text), text)


@FUZZ
@given(st.lists(st.sampled_from(HOSTILE + ["\n", "（", "《", "“", "?", "、", "9"]), max_size=60).map("".join))
def test_parse_hostile_fragments(text):
    _assert_document(pp.parse(text), text)


@FUZZ
@given(st.sampled_from(["到{y}年，{ind}达到{n}{u}以上", "{ind}比2020年下降{n}{u}", "{ind}分别达到{n}{u}、{n}{u}",
                        "力争{ind}不低于{n}{u}左右", "{ind}控制在{n}—{n}{u}以内"]),
       st.integers(1900, 2100) | st.integers(0, 10 ** 20), st.sampled_from(["全区非化石能源消费比重", "PUE", ""]),
       st.one_of(huge_number, decimal, st.sampled_from(["0", "00", "0.0", "1e400", "١٢", "三千亿亿"])),
       st.sampled_from(["%", "万千瓦", "个百分点", "家", "", "亿吨"]))
def test_targets_with_extreme_values(template, year, indicator, number, unit):
    text = "一、主要目标\n" + template.format(y=year, ind=indicator, n=number, u=unit) + "。"
    _assert_document(pp.parse(text), text)


@pytest.mark.parametrize("text", [
    "", " ", "\n", "\x00", "?", "?" * 1000, "（" * 2000, "《" * 500 + "》" * 3, "“" * 300,
    "9" * 300 + "%", "到" + "9" * 500 + "年，达到" + "9" * 290 + "%", "1e400%", "一、\n" * 200,
    "\r" * 50, "\ufeff" * 10, "（一）" * 300, "到2025年，达到" * 300,
], ids=lambda t: repr(t[:12]) + f"x{len(t)}")
def test_parse_edge_cases(text):
    _assert_document(pp.parse(text), text)


@pytest.mark.parametrize("text", [
    "1" + "0" * 400 + "%",
    "到2025年，非化石能源消费比重达到" + "9" * 400 + "%",
    "到2025年，全区非化石能源消费比重达到" + "9" * 400,
    "一、主要目标\n到2030年，新增装机" + "9" * 320 + "万千瓦。",
], ids=["percent", "percent-after-verb", "bare-after-verb", "magnitude-unit"])
def test_numbers_beyond_float_range(text):
    _assert_document(pp.parse(text), text)


@FUZZ
@given(policy_text, st.data())
def test_section_index_matches_the_scan(text, data):
    """outline.section_at answers from an index (a scan per target was quadratic); it must give what the
    scan gives, for every position."""
    from policyparse import outline
    doc = pp.parse(text)
    sections = list(doc.section_list)
    for numbered_only in (True, False):
        index = outline.SectionIndex(sections, numbered_only)
        for pos in data.draw(st.lists(st.integers(-1, len(doc.text) + 1), max_size=20)):
            assert index.at(pos) is outline._scan(sections, pos, numbered_only)
