"""Tests of rules.py and data/*.yaml: every data file loads, every pattern compiles, no word list that a
module turns into an alternation is empty, and the rules are loaded once per process.

The tables below name the keys the modules compile (read clean.py, outline.py, metadata.py, targets.py,
numbers.py, ingest.py/formats, entity_rules.py and indicator_tables.py to see which): a key that a module
reads but the data file lost, or a pattern with a syntax error, fails here with the key in the test id
rather than somewhere inside a parse.
"""
from __future__ import annotations

from typing import Any, Iterator

import pytest
import regex
import yaml

from policyparse import rules as rules_mod
from policyparse.rules import alternation, data_files, load_rules

RULES = load_rules()


def resolve(path: str) -> Iterator[tuple[str, Any]]:
    """Values at a dotted path: `a.b` a key, `a[*]` every list item, `a.*` every value of a mapping."""
    def walk(node: Any, parts: list[str], seen: str) -> Iterator[tuple[str, Any]]:
        if not parts:
            yield seen, node
            return
        head, rest = parts[0], parts[1:]
        if head == "[*]":
            assert isinstance(node, list), f"{seen} is not a list"
            for i, item in enumerate(node):
                yield from walk(item, rest, f"{seen}[{i}]")
        elif head == "*":
            assert isinstance(node, dict), f"{seen} is not a mapping"
            for key, item in node.items():
                yield from walk(item, rest, f"{seen}.{key}")
        else:
            assert isinstance(node, dict) and head in node, f"{seen} has no key {head!r}"
            yield from walk(node[head], rest, f"{seen}.{head}")

    parts = regex.findall(r"\[\*\]|[^.\[\]]+", path)
    yield from walk(RULES.files, parts, "")


# Strings compiled as regexes, by the module that compiles them.
REGEX_PATHS = [
    # clean.py
    "clean.web_chrome_lines[*]", "clean.spam_frames[*].before", "clean.spam_frames[*].after",
    "clean.spam_phrase", "clean.placeholder", "clean.page_number_lines[*]", "clean.compact_date_line",
    "clean.toc_line",
    # outline.py
    "outline.markers[*].pattern", "outline.title_end",
    # metadata.py
    "metadata.notice_title", "metadata.title_suffix", "metadata.title_block_skip", "metadata.issuer_suffix",
    "metadata.plan_title_in_notice[*]", "metadata.plan_title_line", "metadata.label_index_number",
    "metadata.label_issuer", "metadata.doc_number_label", "metadata.doc_number_line", "metadata.doc_number", "metadata.date",
    "metadata.levels[*].pattern", "metadata.region",
    # targets.py
    "targets.baseline", "targets.year_phrase", "targets.qualitative.*", "targets.peak_requires",
    "targets.peak_exclude", "targets.generic_indicator", "targets.past_clause", "targets.retrospective_section",
    # ingest.py / formats/
    "ingest.html.chrome_lines[*]", "ingest.pdf.page_number_patterns[*]",
    # entity_rules.py
    "entities.patterns[*].pattern", "entities.subzone", "entities.roles.list_tail",
    # indicator_tables.py
    "indicator_tables.year_cell", "indicator_tables.empty_cell", "indicator_tables.footnote_marks",
    "indicator_tables.two_quantities", "indicator_tables.row_number", "indicator_tables.category_row",
    "indicator_tables.note", "indicator_tables.heading", "indicator_tables.qualitative.*[*]",
]

# Word lists that a module joins with rules.alternation (which refuses an empty list).
WORD_LIST_PATHS = [
    "metadata.basis_cues",
    "targets.comparator_after.*", "targets.comparator_before.*", "targets.indicator_trim_left",
    "targets.indicator_trim_right", "targets.threshold_before", "targets.existing_before", "targets.aspirational",
    "targets.action_verbs", "targets.increase_verbs", "targets.decrease_verbs", "targets.level_verbs",
    "targets.value_first_verbs",
    "numbers.range_separators", "numbers.units", "numbers.decimal_points", "numbers.year_suffixes",
    "numbers.periods",
    "outline.clause_start_words", "outline.title_end_words",
    "entities.levels", "entities.place_suffixes", "entities.party_levels", "entities.party_heads",
    "entities.party_parts", "entities.government_heads", "entities.modifiers", "entities.obligation_verbs",
    "entities.collective.markers", "entities.enumeration.enterprise_heads", "entities.enumeration.project_heads",
    "entities.roles.stop_labels", "entities.roles.notes",
    "indicator_tables.unit_magnitudes", "indicator_tables.range_separators", "indicator_tables.decrease_words",
    "indicator_tables.increase_words", "indicator_tables.historical_caption",
]


class Missing(str):
    """A key a module reads that the data files do not have (reported by the test, not at collection)."""


def _cases(paths: list[str]) -> list:
    out = []
    for path in paths:
        try:
            out += [pytest.param(value, id=where.lstrip(".")) for where, value in resolve(path)]
        except AssertionError as err:
            out.append(pytest.param(Missing(str(err)), id=path))
    return out


@pytest.mark.parametrize("name", data_files())
def test_data_file_loads(name):
    text = rules_mod.resources.files(rules_mod.DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict) and data, f"{name} is empty or not a mapping"
    assert RULES[name[: -len(".yaml")]] == data


def test_the_named_data_files_exist():
    assert {"clean.yaml", "outline.yaml", "metadata.yaml", "targets.yaml", "numbers.yaml", "ingest.yaml"} \
        <= set(data_files())


@pytest.mark.parametrize("pattern", _cases(REGEX_PATHS))
def test_pattern_compiles(pattern):
    assert not isinstance(pattern, Missing), pattern
    assert isinstance(pattern, str) and pattern.strip(), "a pattern must be a non-empty string"
    RULES.regex(pattern)   # V1 semantics, as every module compiles it


@pytest.mark.parametrize("words", _cases(WORD_LIST_PATHS))
def test_word_list_gives_an_alternation(words):
    assert not isinstance(words, Missing), words
    assert words, "an empty word list would make an empty alternation"
    assert all(isinstance(w, str) and w for w in words), f"non-string or empty entries: {words!r}"
    RULES.regex(alternation(words))


# Patterns as the modules assemble them from several keys.
@pytest.mark.parametrize("i", range(len(RULES["clean"]["spam_frames"])))
def test_spam_frame_pattern_compiles(i):
    cfg = RULES["clean"]
    frame = cfg["spam_frames"][i]
    pat = RULES.regex(f"(?<={frame['before']})(?P<x>{cfg['spam_phrase']})(?={frame['after']})")
    assert "x" in pat.groupindex


def test_joined_web_chrome_pattern_compiles():
    RULES.regex("|".join(f"(?:{p})" for p in RULES["clean"]["web_chrome_lines"]))


@pytest.mark.parametrize("marker", _cases(["outline.markers[*]"]))
def test_outline_marker_has_number_group_and_kind(marker):
    assert not isinstance(marker, Missing), marker
    assert RULES.regex("^" + marker["pattern"]).groupindex.keys() >= {"n"}
    assert marker["kind"] in {"chapter", "article", "part", "area", "measure", "item"}
    assert marker["name"]


@pytest.mark.parametrize("key, groups", [
    ("notice_title", {"t"}), ("plan_title_line", {"t"}), ("label_index_number", {"v"}), ("label_issuer", {"v"}),
    ("doc_number_line", {"v"}), ("doc_number", {"v"}), ("date", {"y", "m", "d"}), ("region", {"r"}),
])
def test_metadata_pattern_has_the_groups_metadata_py_reads(key, groups):
    assert RULES.regex(RULES["metadata"][key]).groupindex.keys() >= groups


@pytest.mark.parametrize("pattern", _cases(["metadata.plan_title_in_notice[*]"]))
def test_plan_title_in_notice_has_group_t(pattern):
    assert not isinstance(pattern, Missing), pattern
    assert "t" in RULES.regex(pattern).groupindex


def test_compact_date_line_captures_the_digits():
    pat = RULES.regex(RULES["clean"]["compact_date_line"], regex.M)
    assert pat.search("西青区人民政府\n2023428\n").group(1) == "2023428"


# --- alternation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("words", [[], [""], ["", ""], ()], ids=["empty-list", "one-empty", "two-empty", "tuple"])
def test_alternation_of_nothing_raises(words):
    with pytest.raises(ValueError):
        alternation(words)


@pytest.mark.parametrize("words, text, expected", [
    (["低于", "不低于"], "不低于50%", "不低于"),             # longest first: 不低于 wins over 低于
    (["达到", "达"], "达到20%", "达到"),
    (["1.5", "1"], "1.5倍", "1.5"),                         # regex metacharacters are escaped
    (["(试行)", "试行"], "办法(试行)", "(试行)"),
])
def test_alternation_matches_longest_literal(words, text, expected):
    assert regex.search(alternation(words), text).group() == expected


def test_alternation_drops_duplicates_and_empties():
    assert alternation(["以上", "", "以上"]) == "(?:以上)"


# --- loading once ------------------------------------------------------------------------------------

def test_load_rules_returns_the_same_object():
    assert load_rules() is load_rules()


def test_regex_is_compiled_once_per_rules_object():
    assert RULES.regex(r"\d+年") is RULES.regex(r"\d+年")


def test_rules_files_are_read_only_to_callers():
    with pytest.raises(Exception):
        RULES.files = {}   # frozen dataclass
