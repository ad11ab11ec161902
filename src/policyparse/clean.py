"""str -> str cleaners that keep a map back to the source and report every repair as an Issue."""
from __future__ import annotations

from dataclasses import dataclass
from array import array

from .model import Issue
from .textmap import Mapped


@dataclass(frozen=True, eq=False)
class Cleaned:
    """The cleaned text, its map to the source, and the issues found while cleaning."""

    source: str
    mapped: Mapped
    issues: tuple[Issue, ...] = ()

    @property
    def text(self) -> str:
        return self.mapped.text

    @property
    def offsets(self) -> array:
        return self.mapped.offsets

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.mapped.source_span(start, end)


def clean(source: str, rules) -> Cleaned:
    return Cleaned(source, Mapped.identity(source))
