"""bytes -> text: encodings, HTML, PDF, DOCX.  (Placeholder: plain text only; being rewritten.)"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .model import InputError, Issue


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    text: str
    format: str
    encoding: str
    sha256: str
    issues: tuple[Issue, ...] = ()


def read_file(path: Path, limits: Limits = Limits()) -> Source:
    data = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return Source(data.decode(enc), "txt", enc, hashlib.sha256(data).hexdigest())
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: cannot decode")
