"""parse(): text -> Document, running the stages in order with one Options object.

The stages are clean (source -> cleaned text with a map back), outline (heading tree), metadata,
targets and entities. Each is a module of its own; this one only wires them together.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional

from . import clean, entities, ingest, metadata, outline, segmenter, targets
from .model import Document, Issue, Meta
from .rules import Rules, load_rules


@dataclass(frozen=True, eq=False)
class Options:
    """Everything a stage may need, built once and handed down (no module-level state)."""

    rules: Rules = field(default_factory=load_rules)
    limits: ingest.Limits = field(default_factory=ingest.Limits)

    @cached_property
    def tokenizer(self):
        """A private jieba Tokenizer with the domain dictionary (jieba's global one is never touched)."""
        return segmenter.make_tokenizer(self.rules)

    @cached_property
    def pos_tokenizer(self) -> "Tagger":
        """Words with their dictionary part of speech, over the same private tokenizer."""
        return Tagger(self.tokenizer)


class Tagger:
    """(word, tag) pairs from the private tokenizer's dictionary tags: the few rules that look at parts
    of speech (heading/body splits, sentence subjects) need no HMM tagging, and jieba.posseg would
    read the whole dictionary a second time."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.tags = getattr(tokenizer, "tags", {})

    def lcut(self, text: str) -> list[tuple[str, str]]:
        return [(w, self.tags.get(w, "x")) for w in self.tokenizer.lcut(text)]


_DEFAULT: dict[str, Options] = {}


def default_options() -> Options:
    """One Options per process, built on first use (loading rules and dictionaries once)."""
    if "o" not in _DEFAULT:
        _DEFAULT["o"] = Options()
    return _DEFAULT["o"]


def parse(text: str, *, doc_id: str = "", source_path: str = "", options: Optional[Options] = None,
          source_issues: tuple[Issue, ...] = (), sha256: str = "") -> Document:
    """Parse the text of one notice into a Document."""
    opts = options or default_options()
    sha = sha256 or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    cleaned = clean.clean(text, opts.rules)
    sections, outline_issues = outline.build_outline(cleaned, opts.rules, lambda: opts.pos_tokenizer)
    meta = metadata.extract_meta(cleaned, sections, opts.rules,
                                 base=Meta(doc_id=doc_id, source_path=source_path, sha256=sha))
    target_list = targets.extract_targets(cleaned, sections, meta, opts)
    entity_list = entities.extract_entities(cleaned, sections, meta, opts)
    issues = tuple(source_issues) + cleaned.issues + tuple(outline_issues)
    return Document(meta=meta, source=text, text=cleaned.text, offsets=cleaned.offsets,
                    section_list=tuple(sections), target_list=tuple(target_list),
                    entity_list=tuple(entity_list), issue_list=issues)


def parse_file(path: str | Path, options: Optional[Options] = None, doc_id: Optional[str] = None,
               limits: Optional[ingest.Limits] = None) -> Document:
    """Read a .txt/.html/.pdf/.docx file and parse it. Raises InputError for unreadable input.
    `limits` overrides the options' file limits (size, pages, zip, nesting) for this file."""
    opts = options or default_options()
    p = Path(path)
    src = ingest.read_file(p, limits or opts.limits)
    return parse(src.text, doc_id=doc_id if doc_id is not None else p.stem, source_path=str(path),
                 options=opts, source_issues=src.issues, sha256=src.sha256)
