"""Rules as data: every cue word, unit, heading marker and pattern lives in data/*.yaml.

The YAML files are read once per process into a frozen `Rules` object that is passed down to every
stage (never a module global that a stage changes). Stages compile what they need from it with
`Rules.regex`, which caches compiled patterns on the object. A new province's wording should need an
edit of a data file, not of code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

import regex
import yaml

DATA_PACKAGE = "policyparse.data"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when PyYAML has it: 5x faster


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
        """Compile a pattern once per Rules object (V1 semantics, so nested sets and \\p work)."""
        key = (pattern, flags)
        hit = self._compiled.get(key)
        if hit is None:
            hit = regex.compile(pattern, flags | regex.V1)
            self._compiled[key] = hit
        return hit

    def words(self, file: str, key: str) -> str:
        """The alternation of a word list `key` in `file`."""
        return alternation(self.files[file][key])


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
