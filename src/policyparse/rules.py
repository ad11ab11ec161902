"""Rules as data: every cue word, unit, heading marker and pattern lives in data/*.yaml.

The YAML files are read once per process into a frozen `Rules` object that is passed down to every
stage (never a module global that a stage changes). Stages compile what they need from it with
`Rules.regex`, which caches compiled patterns on the object. A new province's wording should need an
edit of a data file, not of code.

Patterns are written for the `regex` module (V1: \\p{Han}, nested sets, variable lookbehinds). A pattern
built from words (alternatives of words, character classes; no lookaround) is compiled by Python's own
`re` instead, where it means the same: re scans word lists four to six times faster, and most rules are
word lists. Where a match may begin with a repeated character or class, or looks around, regex is the
faster engine.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Optional

import regex
import yaml

DATA_PACKAGE = "policyparse.data"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when PyYAML has it: 5x faster
# what keeps a pattern with regex: a letter escape other than \d \n \t (\w \b \s have other Unicode
# tables in re, \p{..} is regex's own), a lookaround or an inline flag other than (?m) (?s) ((?i) folds
# case otherwise), or a first character, escape or class that repeats, in a group or not (\?+,
# (?P<t>[^，]{2,60}?…: re is slow there); nested sets and set operations make re warn, caught below
_KEEP_REGEX = regex.compile(r"\\[a-zA-Z](?<!\\[dnt])|\(\?(?![:P]|[ms]+\))"
                            r"|^\^?(?:\((?:\?:|\?P<\w+>)?)*(?:\\.|\[(?:\\.|[^\]])*\]|[^\\\[(|])(?:[*+?]|\{\d)")
_SAME_FLAGS = {regex.M: re.M, regex.S: re.S}


def fast_compile(pattern: str, flags: int = 0) -> Optional["re.Pattern[str]"]:
    """`pattern` compiled by Python's re where it matches there as under regex V1 and re is faster, else None.

    >>> fast_compile("(?:节能|减排)[局委]") is not None, fast_compile(r"\\p{Han}+"), fast_compile("[[a-z]--[aeiou]]")
    (True, None, None)
    >>> fast_compile(r"\\?+"), fast_compile("已(?!有条件)"), fast_compile("^(?P<lvl>省|市)(?:委|政府)$") is not None
    (None, None, True)
    """
    if flags & ~sum(_SAME_FLAGS) or _KEEP_REGEX.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # re warns where regex V1 reads a nested set or set operation
            return re.compile(pattern, sum(v for k, v in _SAME_FLAGS.items() if flags & k))
    except (re.error, Warning):
        return None


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that 不低于 wins over 低于.

    >>> alternation(["低于", "不低于"])
    '(?:不低于|低于)'
    """
    items = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    if not items:
        raise ValueError("empty alternation")
    return "(?:" + "|".join(regex.escape(w) for w in items) + ")"


@dataclass(frozen=True, eq=False)
class Rules:
    """All data files by name (file stem) plus a cache of compiled patterns."""

    files: Mapping[str, Any]
    _compiled: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.files[name]

    def regex(self, pattern: str, flags: int = 0) -> "regex.Pattern[str]":
        """Compile a pattern once per Rules object (V1 semantics, so nested sets and \\p work; the faster
        re engine where the pattern means the same there, see `fast_compile`)."""
        key = (pattern, flags)
        hit = self._compiled.get(key)
        if hit is None:
            hit = fast_compile(pattern, flags) or regex.compile(pattern, flags | regex.V1)
            self._compiled[key] = hit
        return hit

    def words(self, file: str, key: str) -> str:
        """The alternation of a word list `key` in `file`."""
        return alternation(self.files[file][key])

    def word_regex(self, file: str, key: str) -> "regex.Pattern[str]":
        """The word list `key` in `file` compiled, built once (sorting a long list on every call costs
        more than the search)."""
        name = ("words", file, key)
        hit = self._compiled.get(name)
        if hit is None:
            hit = self._compiled[name] = self.regex(self.words(file, key))
        return hit


def data_files() -> list[str]:
    return sorted(p.name for p in resources.files(DATA_PACKAGE).iterdir() if p.name.endswith(".yaml"))


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Read every data/*.yaml (once per process; the result is immutable)."""
    files = {}
    for name in data_files():
        text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
        files[name[: -len(".yaml")]] = yaml.load(text, Loader=_LOADER)
    return Rules(files)


def data_path(name: str):
    """A non-YAML data file (the jieba user dictionary)."""
    return resources.files(DATA_PACKAGE).joinpath(name)
