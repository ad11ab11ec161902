"""Tests of textmap.py: a cleaned text keeps, for every character, its position in the source.

Chained edits (deletions, insertions, same-length and different-length replacements) must map spans back
to the source they came from; after the same-length cleaners (placeholders, width folding, space
tightening) every character of the cleaned text points at the source character it was made from; and a
property test checks that no sequence of random edits yields an offset outside the source or offsets that
go backwards.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyparse import clean
from policyparse.rules import load_rules
from policyparse.textmap import Edit, Mapped

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "xiqing-2023.txt"


def chain(source: str, *rounds: list[Edit]) -> Mapped:
    m = Mapped.identity(source)
    for edits in rounds:
        m = m.apply(edits)
    return m


# (source, rounds of edits, expected text, {span in text: expected span in source})
CHAINS = {
    "deletion": (
        "天津市西青区???人民政府", [[Edit(6, 9)]], "天津市西青区人民政府",
        {(6, 10): (9, 13), (0, 10): (0, 13), (5, 7): (5, 10)}),
    "insertion-restores-a-word": (
        "人民政府印发方案", [[Edit(4, 4, "关于")]], "人民政府关于印发方案",
        {(0, 4): (0, 4), (6, 8): (4, 6), (4, 6): (4, 5)}),
    "same-length-replacement": (
        "到２０２５年", [[Edit(1, 5, "2025")]], "到2025年",
        {(1, 5): (1, 5), (2, 3): (2, 3), (5, 6): (5, 6)}),
    "longer-replacement-maps-to-its-start": (
        "2023428\n", [[Edit(0, 7, "2023年4月28日")]], "2023年4月28日\n",
        {(0, 10): (0, 1), (10, 11): (7, 8)}),
    "spam-replaced-by-a-shorter-word": (
        "人民政府188比分直播印发", [[Edit(4, 11, "关于")]], "人民政府关于印发",
        {(4, 6): (4, 5), (6, 8): (11, 13), (0, 8): (0, 13)}),
    "delete-then-fold-then-join": (
        "到 ２０２５ 年?\n全区", [[Edit(8, 9)], [Edit(2, 6, "2025")], [Edit(1, 2), Edit(6, 7)], [Edit(6, 7)]],
        "到2025年全区", {(1, 5): (2, 6), (5, 6): (7, 8), (6, 8): (10, 12), (0, 8): (0, 12)}),
    "insertion-then-deletion-around-it": (
        "国务院碳达峰", [[Edit(3, 3, "关于")], [Edit(0, 3)]], "关于碳达峰",
        {(0, 2): (3, 4), (2, 5): (3, 6)}),
    "edits-given-out-of-order": (
        "a?b?c", [[Edit(3, 4), Edit(1, 2)]], "abc", {(0, 3): (0, 5), (1, 2): (2, 3), (2, 3): (4, 5)}),
    "overlapping-later-edit-is-skipped": (
        "abcdef", [[Edit(1, 4, "X"), Edit(2, 5, "Y")]], "aXef", {(1, 2): (1, 2), (2, 4): (4, 6)}),
    "empty-span": (
        "abc", [[Edit(1, 2)]], "ac", {(1, 1): (2, 2), (2, 2): (3, 3)}),
}


@pytest.mark.parametrize("source, rounds, text, spans", CHAINS.values(), ids=CHAINS.keys())
def test_chained_edits_map_back(source, rounds, text, spans):
    m = chain(source, *rounds)
    assert m.text == text
    assert {span: m.source_span(*span) for span in spans} == spans


@pytest.mark.parametrize("source, rounds, text, spans", CHAINS.values(), ids=CHAINS.keys())
def test_offsets_have_one_sentinel_at_the_source_end(source, rounds, text, spans):
    m = chain(source, *rounds)
    assert len(m.offsets) == len(m.text) + 1
    assert m.offsets[-1] == len(source)


@pytest.mark.parametrize("start, end, expected", [(-5, 2, (0, 2)), (1, 99, (1, 3)), (3, 1, (3, 3))])
def test_source_span_clamps_out_of_range_requests(start, end, expected):
    assert Mapped.identity("abc").source_span(start, end) == expected


def test_insertion_at_the_end_stays_inside_the_source():
    m = Mapped.identity("方案").apply([Edit(2, 2, "。")])
    start, end = m.source_span(2, 3)
    assert 0 <= start <= end <= 2


# --- same-length cleaners: every character points at the character it came from -----------------------

SAME_LENGTH_CLEANERS = (clean.normalize_newlines, clean.drop_placeholders, clean.strip_lines, clean.fold_width,
                        clean.tighten_spaces)


def _folded(ch: str) -> str:
    """What fold_width makes of a character: full-width digits, Latin letters, ％ and ． to ASCII."""
    return chr(ord(ch) - 0xFEE0) if "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ" or ch in "％．" else ch


FOLD_CASES = {
    "full-width-digits-and-percent": "到２０２５年，全区非化石能源消费比重达到１５％以上。",
    "placeholders-and-spaces": "名   ?称?:天津市西青区人民政府\n发?文?字?号?:西青政发〔2023〕5号",
    "pdf-spaces-around-numbers": "到 2025 年，单位国内生产总值能源消耗比 2020 年下降 13.5%。",
    "full-width-heading-number": "１．推进煤炭消费替代。　\n（一）指导思想",
}


@pytest.mark.parametrize("source", FOLD_CASES.values(), ids=FOLD_CASES.keys())
def test_each_cleaned_character_points_at_its_source_character(source):
    cleaned = clean.clean(source, load_rules(), SAME_LENGTH_CLEANERS)
    wrong = [(i, ch, source[cleaned.offsets[i]]) for i, ch in enumerate(cleaned.text)
             if _folded(source[cleaned.offsets[i]]) != ch]
    assert wrong == []


def test_each_character_of_the_cleaned_seed_points_at_its_source_character():
    source = SEED.read_text(encoding="utf-8")
    cleaned = clean.clean(source, load_rules(), SAME_LENGTH_CLEANERS)
    assert "?" not in cleaned.text
    wrong = [(i, ch, source[cleaned.offsets[i]]) for i, ch in enumerate(cleaned.text)
             if _folded(source[cleaned.offsets[i]]) != ch]
    assert wrong == []


# --- property: random edits ----------------------------------------------------------------------------

ALPHABET = "ab中文?，２ \n"


@st.composite
def edit_rounds(draw):
    """A source text and up to four rounds of edits, each drawn against the text of the previous round."""
    source = draw(st.text(alphabet=ALPHABET, max_size=30))
    n_rounds = draw(st.integers(1, 4))
    rounds, length = [], len(source)
    for _ in range(n_rounds):
        edits = []
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, length))
            end = draw(st.integers(start, length))
            edits.append(Edit(start, end, draw(st.text(alphabet="关于X", max_size=3))))
        rounds.append(edits)
        length = len(Mapped.identity("x" * length).apply(edits).text)
    return source, rounds


@settings(max_examples=300, deadline=None)
@given(edit_rounds())
def test_random_edits_keep_offsets_inside_the_source_and_in_order(case):
    source, rounds = case
    m = chain(source, *rounds)
    offs = list(m.offsets)
    assert len(offs) == len(m.text) + 1
    assert all(0 <= o <= len(source) for o in offs)
    assert all(a <= b for a, b in zip(offs, offs[1:]))
    assert offs[-1] == len(source)


@settings(max_examples=300, deadline=None)
@given(edit_rounds(), st.data())
def test_random_spans_map_to_ordered_source_spans(case, data):
    source, rounds = case
    m = chain(source, *rounds)
    start = data.draw(st.integers(0, len(m.text)))
    end = data.draw(st.integers(start, len(m.text)))
    s, e = m.source_span(start, end)
    assert 0 <= s <= e
    assert s <= len(source)
    # the end may pass the source only through a character inserted at the very end (see the xfail above)
    assert e <= len(source) or m.offsets[end - 1] == len(source)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_deletions_only_keep_every_character_pointing_at_itself(source):
    m = Mapped.identity(source).apply([Edit(i, i + 1) for i, ch in enumerate(source) if ch in "? \n"])
    assert all(source[o] == ch for ch, o in zip(m.text, m.offsets))
