"""PDF -> text like `pdftotext`: one line per printed line, pages separated by a blank line.

The text layer is read with pypdfium2 (PDFium, the engine of Chrome's viewer: no external programs,
no network). Hard line wraps are kept on purpose: the cleaning stage joins them into paragraphs and
needs to see where the printed lines ended. What the printer added to every page is removed: page
numbers at the top or bottom of a page (`- 3 -`, `— 12 —`, `第3页`, or a bare number that follows the
page index) and running headers or footers that repeat on most pages. A PDF whose pages carry no text
at all is a scan, and OCR is the user's next step, so it is refused with that advice.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Sequence

import pypdfium2 as pdfium

from ..model import InputError, Issue
from . import Extracted

# PDFium marks soft hyphens and unknown glyphs with control characters that are not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_BARE_NUMBER = re.compile(r"^\d{1,4}$")


def pdf_extract(data: bytes, limits: Any, rules: Any) -> Extracted:
    """The text layer of a PDF with page furniture removed (see the module docstring)."""
    cfg = rules["ingest"]["pdf"]
    pages = _page_lines(data, limits)
    empty = [i + 1 for i, page in enumerate(pages) if not any(page)]
    if len(empty) == len(pages):
        raise InputError("this PDF has no text layer (a scanned PDF?): run OCR first (e.g. "
                         "`ocrmypdf --language chi_sim in.pdf out.pdf`) and read the OCR'd file")
    issues = (Issue("encoding", "warning", f"PDF pages without text (scanned pages? OCR them): "
                    f"{', '.join(map(str, empty))}"),) if empty else ()
    kept = strip_page_furniture(pages, cfg, rules)
    text = "\n\n".join(_squeeze(page) for page in kept if any(page))
    return Extracted(text, issues)


def _page_lines(data: bytes, limits: Any) -> list[list[str]]:
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise InputError("this PDF is protected by a password: remove it first (e.g. "
                             "`qpdf --decrypt --password=… in.pdf out.pdf`)") from None
        hint = "" if b"%%EOF" in data[-2048:] else " — it ends without %%EOF, so it is probably truncated"
        raise InputError(f"this PDF is damaged and cannot be opened ({err}){hint}: "
                         "download it again") from None
    try:
        if len(doc) > limits.max_pdf_pages:
            raise InputError(f"this PDF has {len(doc)} pages, more than the limit of {limits.max_pdf_pages} "
                             "(Limits.max_pdf_pages)")
        return [_read_page(doc, i) for i in range(len(doc))]
    finally:
        doc.close()


def _read_page(doc: "pdfium.PdfDocument", i: int) -> list[str]:
    try:
        page = doc[i]
        textpage = page.get_textpage()
        raw = textpage.get_text_range()
        textpage.close()
        page.close()
    except pdfium.PdfiumError as err:
        raise InputError(f"page {i + 1} of this PDF is damaged ({err})") from None
    text = _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    return [line.strip(" \u3000\xa0\t") for line in text.split("\n")]


def strip_page_furniture(pages: Sequence[Sequence[str]], cfg: dict, rules: Any) -> list[list[str]]:
    """Remove page numbers and running headers/footers found at the top or bottom of pages.

    Only the first and last `edge_lines` non-blank lines of a page are candidates, because a number or
    a repeated phrase in the middle of a page is content (a table cell, a heading).
    """
    patterns = [rules.regex(p) for p in cfg["page_number_patterns"]]
    edges = [_edge_indexes(page, cfg["edge_lines"]) for page in pages]
    offset = _page_number_offset(pages, edges)
    running = _running_lines(pages, edges, cfg)
    out = []
    for number, (page, edge) in enumerate(zip(pages, edges), start=1):
        drop = {i for i in edge if _is_furniture(page[i], number, offset, patterns, running)}
        out.append([line for i, line in enumerate(page) if i not in drop])
    return out


def _edge_indexes(page: Sequence[str], n: int) -> set[int]:
    filled = [i for i, line in enumerate(page) if line]
    return set(filled[:n] + filled[-n:])


def _page_number_offset(pages: Sequence[Sequence[str]], edges: list[set[int]]) -> int:
    """How printed page numbers relate to page positions (a cover page or an extract shifts them)."""
    seen = Counter(int(pages[p][i]) - (p + 1) for p, edge in enumerate(edges)
                   for i in edge if _BARE_NUMBER.match(pages[p][i]))
    offset, count = seen.most_common(1)[0] if seen else (0, 0)
    return offset if count >= 2 else 0


def _is_furniture(line: str, number: int, offset: int, patterns: list, running: set[str]) -> bool:
    if _BARE_NUMBER.match(line):
        # A bare number is a page number only when it follows the page index; 2030 at the top of a
        # page is more likely the end of a sentence about 2030.
        return abs(int(line) - number - offset) <= 1
    return any(p.match(line) for p in patterns) or _key(line) in running


def _running_lines(pages: Sequence[Sequence[str]], edges: list[set[int]], cfg: dict) -> set[str]:
    """Lines (digits ignored) that sit at a page edge on most pages: running headers and footers."""
    if len(pages) < cfg["running_min_pages"]:
        return set()
    counts = Counter(key for page, edge in zip(pages, edges) for key in {_key(page[i]) for i in edge})
    floor = max(cfg["running_min_pages"], cfg["running_min_share"] * len(pages))
    return {key for key, n in counts.items() if n >= floor and key.strip("#")}


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _squeeze(page: Sequence[str]) -> str:
    """The page's lines with blank runs collapsed to one blank line and none at the ends."""
    text = "\n".join(page)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
