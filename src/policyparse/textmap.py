"""Edits on text that keep a map back to the source.

Cleaning rewrites the text (drops web chrome, joins PDF line wraps, restores lost words), but every
record must point into the *source* text. A `Mapped` text carries, for every character, its position
in the source; applying `Edit`s produces a new `Mapped` whose offsets still point into the source.
"""
from __future__ import annotations

from array import array
from dataclasses import dataclass
from operator import itemgetter
from typing import Iterable, NamedTuple, Optional

import numpy

_OFFSET = f"i{array('l').itemsize}"   # numpy's name for the C long of array("l")


class Edit(NamedTuple):
    """Replace text[start:end] by `replacement` (spans in the current text, not the source).
    A named tuple: cleaners make tens of thousands of them, and a tuple is built several times faster."""

    start: int
    end: int
    replacement: str = ""
    kind: str = ""          # issue kind to report, "" for silent formatting edits
    message: str = ""
    suggestion: Optional[str] = None


@dataclass(frozen=True, eq=False)
class Mapped:
    """A text and, for each character, its offset in the source (plus one sentinel at the end)."""

    text: str
    offsets: array

    @classmethod
    def identity(cls, text: str) -> "Mapped":
        # built from bytes in C: array("l", range(n)) walks a million Python ints for a long notice
        return cls(text, array("l", numpy.arange(len(text) + 1, dtype=_OFFSET).tobytes()))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span covered by text[start:end]; characters added after the end of the source
        cover nothing.

        >>> m = Mapped.identity("abc").apply([Edit(1, 2, ""), Edit(3, 3, "。")])
        >>> m.text, m.source_span(0, 2), m.source_span(2, 3)
        ('ac。', (0, 3), (3, 3))
        """
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        if end == start:
            return self.offsets[start], self.offsets[start]
        # the offset after the text (the sentinel) is the end of the source: nothing maps past it
        return self.offsets[start], min(self.offsets[end - 1] + 1, self.offsets[len(self.text)])

    def apply(self, edits: Iterable[Edit]) -> "Mapped":
        """Apply non-overlapping edits (overlapping later ones are skipped). Inserted characters map to
        the source position of what they replace."""
        text, offs = self.text, self.offsets
        out: list[str] = []
        new_offs = array("l")
        pos = 0
        for e in sorted(edits, key=itemgetter(0, 1)):   # by (start, end), stable for equal spans
            if e.start < pos:
                continue
            out.append(text[pos:e.start])
            new_offs.extend(offs[pos:e.start])
            if e.replacement and len(e.replacement) == e.end - e.start:
                out.append(e.replacement)
                new_offs.extend(offs[e.start:e.end])
            elif e.replacement:
                anchor = offs[e.start] if e.start < len(text) else offs[len(text)]
                out.append(e.replacement)
                new_offs.extend([anchor] * len(e.replacement))
            pos = e.end
        out.append(text[pos:])
        new_offs.extend(offs[pos:])
        return Mapped("".join(out), new_offs)
