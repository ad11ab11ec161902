"""The two regex engines of rules.py: a rule pattern that `fast_compile` gives to Python's re must find
exactly what regex V1 finds, on real notices (the embedded corpus and, when ../shared is there, a sample
of the national and provincial texts), and the patterns that re reads otherwise stay with regex.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import regex

from policyparse import pipeline
from policyparse.clean import clean
from policyparse.rules import fast_compile, load_rules

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "corpus" / "raw"


@pytest.mark.parametrize("pattern", [
    r"\p{Han}+", r"\w+", r"\bx", r"\s+", r"[\s，]", "[[a-z]--[aeiou]]", "(?i)abc", "(?V1)a",
    "已(?!有条件)", "(?<=到)年", r"(?<!为|除)了", r"\?+", r"(?P<t>[^，]{2,6}?关于)", "(?<y>a)|(?<y>b)",
])
def test_what_re_reads_otherwise_or_slowly_stays_with_regex(pattern):
    assert fast_compile(pattern) is None


@pytest.mark.parametrize("pattern", [
    "(?:节能|减排)[局委]", "^(?:全国|全省)", "(?:人民政府|国务院)$", "(?P<lvl>省|市)(?P<head>委|政府)",
    r"[①-⑳*＊※△]", r"天气|字号|\.(?:png|jpe?g)", r"[较比]((?:19|20)\d\d)年",
])
def test_word_lists_go_to_re(pattern):
    assert isinstance(fast_compile(pattern), re.Pattern)


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    if RAW.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))[::6]]
    return texts


def test_every_rule_on_re_finds_what_regex_finds_on_real_notices():
    rules = load_rules()
    texts = _texts()
    options = pipeline.Options(rules=rules)
    for text in texts:
        pipeline.parse(text, options=options)   # compiles every pattern the stages use
    on_re = {key: pat for key, pat in rules._compiled.items()
             if isinstance(key, tuple) and len(key) == 2 and isinstance(pat, re.Pattern)}
    assert len(on_re) >= 20, "the word lists of the entity and cleaning rules should run on re"
    samples = texts + [clean(t, rules).text for t in texts]
    for (pattern, flags), fast in on_re.items():
        slow = regex.compile(pattern, flags | regex.V1)
        for text in samples:
            want = [(m.span(), m.groups()) for m in slow.finditer(text)]
            assert [(m.span(), m.groups()) for m in fast.finditer(text)] == want, pattern[:80]
