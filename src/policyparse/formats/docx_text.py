"""DOCX -> text: paragraphs and table rows in document order, with Word's automatic numbering written out.

Government drafts are often typed with Word's list numbering, so the 一、 /（一）/ 1. that the heading
parser needs exist only in numbering.xml; python-docx returns the paragraph without them. `Numbering`
replays Word's counters (see docx_numbering.py) and each numbered paragraph gets its label back. The
archive is checked for zip bombs before python-docx opens it.
"""
from __future__ import annotations

import io
import zipfile
from typing import Any, Iterator

from docx import Document
from docx.oxml.ns import qn

from ..model import InputError
from . import Extracted
from .docx_numbering import Numbering

_SMALL_MEMBER = 1024 * 1024   # XML compresses well; only a big member with a huge ratio is a bomb
_CHUNK = 1024 * 1024
_RUN_TEXT = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n",
             qn("w:noBreakHyphen"): "-"}
_TEXT_RUNS = "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r"


def docx_extract(data: bytes, limits: Any, rules: Any) -> Extracted:
    """The text of a .docx (see the module docstring)."""
    check_zip(data, limits)
    try:
        doc = Document(io.BytesIO(data))
    except Exception as err:   # python-docx raises KeyError, ValueError, lxml errors … for broken parts
        raise InputError(f"the file is not a valid .docx ({type(err).__name__}: {err})") from None
    numbering = Numbering.from_document(doc, rules["ingest"]["docx"])
    lines: list[str] = []
    for element in _body_items(doc.element.body):
        if element.tag == qn("w:p"):
            lines += [numbering.label(element) + _paragraph_text(element), ""]
        else:
            lines += [_row_text(row, numbering) for row in element.iterchildren(qn("w:tr"))] + [""]
    return Extracted("\n".join(_squeeze(lines)))


def check_zip(data: bytes, limits: Any) -> None:
    """Refuse broken archives and zip bombs: the declared sizes first, then the bytes really inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise InputError(f"the file is not a valid .docx (broken zip archive: {err})") from None
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_zip_member_bytes:
        raise InputError(_too_big(f"unpacks to {_size(declared)}", limits))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _SMALL_MEMBER and ratio > limits.max_zip_ratio:
            raise InputError(f"member {info.filename} of the .docx is compressed {ratio:.0f}:1, more than the "
                             f"limit of {limits.max_zip_ratio:.0f}:1 (Limits.max_zip_ratio): a zip bomb, "
                             "not a Word document?")
    _inflate_all(archive, infos, limits)


def _inflate_all(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Any) -> None:
    """Headers can lie about sizes; inflate every member in chunks and count what really comes out."""
    total = 0
    for info in infos:
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > limits.max_zip_member_bytes:
                        raise InputError(_too_big("unpacks to more than its headers declare", limits))
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as err:
            raise InputError(f"the file is not a valid .docx (member {info.filename}: {err})") from None


def _too_big(what: str, limits: Any) -> str:
    return (f"the .docx {what}, more than the limit of {_size(limits.max_zip_member_bytes)} uncompressed "
            "(Limits.max_zip_member_bytes): a zip bomb, not a Word document?")


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 / 10 else f"{n} bytes"


def _body_items(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in document order, looking inside content controls (w:sdt)."""
    for child in container.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            content = child.find(qn("w:sdtContent"))
            yield from _body_items(content if content is not None else child)


def _paragraph_text(p: Any) -> str:
    """Text of the runs, including tracked insertions but not deletions, fields' codes or text boxes."""
    parts = []
    for run in p.xpath(_TEXT_RUNS):
        for child in run.iterchildren():
            if child.tag in _RUN_TEXT:
                parts.append(child.text or "" if _RUN_TEXT[child.tag] is None else _RUN_TEXT[child.tag])
    return "".join(parts).strip()


def _row_text(row: Any, numbering: Numbering) -> str:
    """One table row: its cells' paragraphs joined by a space, cells separated by a tab."""
    cells = []
    for cell in row.iterchildren(qn("w:tc")):
        paras = [numbering.label(p) + _paragraph_text(p) for p in cell.iter(qn("w:p"))]
        cells.append(" ".join(t for t in paras if t).replace("\t", " "))
    return "\t".join(cells)


def _squeeze(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out
