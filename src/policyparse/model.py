"""The typed records that flow between the stages of policyparse.

Every stage returns frozen dataclasses, never dicts with ad-hoc keys, so that a result cannot be changed
after the stage that made it and every field has a documented meaning (see ../shared/SCHEMA.md). Each
record that comes from the text keeps the character span it came from in the *decoded source text*
(before cleaning), so that a researcher can find it in the original file.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any, Optional, Sequence

import pandas as pd

from .textmap import Mapped


class PolicyParseError(Exception):
    """Base class of every error policyparse raises on purpose."""


class InputError(PolicyParseError):
    """A file could not be read as a policy document (unknown format, no text layer, too large …)."""


class SectionKind(str, enum.Enum):
    PREAMBLE = "preamble"   # text before the first numbered heading
    CHAPTER = "chapter"     # 第X章 / 第X部分
    PART = "part"           # 一、
    AREA = "area"           # （一）
    MEASURE = "measure"     # 1.
    ITEM = "item"           # （1） ①
    ARTICLE = "article"     # 第X条
    LEAD = "lead"           # an unnumbered lead sentence inside a measure


class Severity(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Issue:
    """Something the tool noticed or repaired in the source; spans point into the source text."""

    kind: str
    severity: str
    message: str
    original: str = ""
    suggestion: str = ""
    char_start: Optional[int] = None
    char_end: Optional[int] = None


@dataclass(frozen=True)
class Section:
    """One numbered heading (or lead sentence) and the text it governs."""

    section_path: str
    label: str
    title: str
    depth: int
    kind: str
    parent_path: str
    char_start: int   # span in the source text, heading through the end of its body
    char_end: int
    text_start: int   # the same span in the cleaned text
    text_end: int
    body_start: int   # where the body begins in the cleaned text (after the title)
    rule: str = ""


@dataclass(frozen=True)
class Target:
    """One target statement: an indicator with a value (numeric) or a qualitative goal."""

    target_id: str
    section_path: str
    section_title: str
    indicator: str
    value: Optional[float]
    value_max: Optional[float]
    unit: str
    comparator: str
    kind: str
    year: Optional[int]
    baseline_year: Optional[int]
    modality: str
    quote: str
    char_start: int
    char_end: int
    rule: str = ""


@dataclass(frozen=True)
class Entity:
    """An organization, group, enterprise, zone, place or facility and its role in a section."""

    entity_id: str
    name: str
    type: str
    role: str
    section_path: str
    char_start: int
    char_end: int
    surface: str = ""


@dataclass(frozen=True)
class Meta:
    """One row of the documents table (counts are filled in by the Document)."""

    doc_id: str = ""
    source_path: str = ""
    sha256: str = ""
    notice_title: str = ""
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    index_number: str = ""
    date: str = ""
    level: str = ""
    region: str = ""
    parent_plans: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutlineNode:
    """A section with its children, for walking the heading tree."""

    section: Section
    children: tuple["OutlineNode", ...] = ()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


DOCUMENT_COLUMNS = ["doc_id", "source_path", "sha256", "notice_title", "title", "issuer", "doc_number",
                    "index_number", "date", "level", "region", "parent_plans", "n_chars", "n_sections",
                    "n_targets", "n_entities", "n_issues"]
SECTION_COLUMNS = ["doc_id", "section_path", "label", "title", "depth", "kind", "parent_path",
                   "char_start", "char_end"]
TARGET_COLUMNS = ["doc_id", "target_id", "section_path", "section_title", "indicator", "value", "value_max",
                  "unit", "comparator", "kind", "year", "baseline_year", "modality", "quote",
                  "char_start", "char_end", "rule"]
ENTITY_COLUMNS = ["doc_id", "entity_id", "name", "type", "role", "section_path", "char_start", "char_end"]
ISSUE_COLUMNS = ["doc_id", "kind", "severity", "message", "original", "suggestion", "char_start", "char_end"]

TABLE_COLUMNS = {
    "documents": DOCUMENT_COLUMNS,
    "sections": SECTION_COLUMNS,
    "targets": TARGET_COLUMNS,
    "entities": ENTITY_COLUMNS,
    "issues": ISSUE_COLUMNS,
}

INT_COLUMNS = {"depth", "char_start", "char_end", "year", "baseline_year", "n_chars", "n_sections",
                "n_targets", "n_entities", "n_issues"}


def frame(records: Sequence[Any], columns: list[str], doc_id: str) -> pd.DataFrame:
    """Turn records into a DataFrame with exactly `columns`; integer columns stay integers with gaps."""
    rows = []
    for record in records:
        row = {f.name: getattr(record, f.name) for f in fields(record)}
        row["doc_id"] = doc_id
        rows.append(row)
    df = pd.DataFrame(rows, columns=columns)
    for col in columns:
        if col in INT_COLUMNS:
            df[col] = df[col].astype("Int64")
        elif col in ("value", "value_max", "similarity"):
            df[col] = df[col].astype("float64")
    return df


@dataclass(frozen=True, eq=False)
class Document:
    """A parsed notice: its metadata, source and cleaned text, and the extracted records.

    `source` is the decoded source text that every span points into; `text` is the cleaned text the
    rules read, and `offsets[i]` is the position in `source` of `text[i]` (one extra entry at the end).
    """

    meta: Meta
    source: str
    text: str
    offsets: Sequence[int] = field(repr=False)
    section_list: tuple[Section, ...] = ()
    target_list: tuple[Target, ...] = ()
    entity_list: tuple[Entity, ...] = ()
    issue_list: tuple[Issue, ...] = ()

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the cleaned text to the source text."""
        return Mapped(self.text, self.offsets).source_span(start, end)

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    @cached_property
    def outline(self) -> tuple[OutlineNode, ...]:
        """The heading tree (top-level nodes; lead sentences included as leaves)."""
        return build_tree(self.section_list)

    @cached_property
    def sections(self) -> pd.DataFrame:
        return frame(self.section_list, SECTION_COLUMNS, self.doc_id)

    @cached_property
    def targets(self) -> pd.DataFrame:
        return frame(self.target_list, TARGET_COLUMNS, self.doc_id)

    @cached_property
    def entities(self) -> pd.DataFrame:
        return frame(self.entity_list, ENTITY_COLUMNS, self.doc_id)

    @cached_property
    def issues(self) -> pd.DataFrame:
        return frame(self.issue_list, ISSUE_COLUMNS, self.doc_id)

    def document_row(self) -> dict[str, Any]:
        row = {f.name: getattr(self.meta, f.name) for f in fields(self.meta)}
        row["parent_plans"] = ";".join(self.meta.parent_plans)
        row.update(n_chars=len(self.source), n_sections=sum(1 for s in self.section_list if s.section_path),
                   n_targets=len(self.target_list), n_entities=len(self.entity_list),
                   n_issues=len(self.issue_list))
        return row

    @cached_property
    def documents(self) -> pd.DataFrame:
        df = pd.DataFrame([self.document_row()], columns=DOCUMENT_COLUMNS)
        for col in ("n_chars", "n_sections", "n_targets", "n_entities", "n_issues"):
            df[col] = df[col].astype("Int64")
        return df

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"documents": self.documents, "sections": self.sections, "targets": self.targets,
                "entities": self.entities, "issues": self.issues}


def build_tree(sections: Sequence[Section]) -> tuple[OutlineNode, ...]:
    """Nest sections by parent_path (the preamble, path "", is left out)."""
    children: dict[str, list[Section]] = {}
    for s in sections:
        if s.section_path or s.kind == SectionKind.LEAD.value:
            children.setdefault(s.parent_path, []).append(s)

    def node(s: Section) -> OutlineNode:
        kids = children.get(s.section_path, []) if s.kind != SectionKind.LEAD.value else []
        return OutlineNode(s, tuple(node(k) for k in kids))

    return tuple(node(s) for s in children.get("", []) if s.section_path)
