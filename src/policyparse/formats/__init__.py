"""Format readers used by ingest.py: HTML, PDF and DOCX bytes or markup -> plain text.

Each reader returns an `Extracted` (the text and the issues noticed on the way) and raises
`model.InputError` with a message a researcher can act on; ingest.py chooses the reader and adds the
file name to the message. Nothing here reads the network or the file system.
"""
from __future__ import annotations

from dataclasses import dataclass

import re

from ..model import Issue

# Han characters measure "how much of the notice" a block holds; Latin text on these pages is chrome.
# Counted by deleting everything else, which is ten times faster than matching \p{Han} one by one
# (it matters on multi-megabyte pages, where every candidate block is measured).
_NOT_HAN = re.compile("[^\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


@dataclass(frozen=True)
class Extracted:
    """The text a reader got out of a file, and what it noticed on the way."""

    text: str
    issues: tuple[Issue, ...] = ()


def han_count(text: str) -> int:
    """Number of Han characters.

    >>> han_count("2025年达到20%")
    3
    """
    return len(_NOT_HAN.sub("", text))
