"""bytes -> text: the encodings, web pages, PDFs and Word files that government notices come in.

`read_file` checks the size, sniffs the format from the content (the file name's extension is only a
hint), decodes the text and hands web pages, PDFs and Word files to the readers in `formats/`. Every
repair it makes (dropped NUL bytes, a guessed encoding, pages without text) is returned as an `Issue`;
anything that cannot be read raises `InputError` with a message that says what is wrong and what to
do. A file whose name promises a format its bytes do not have (a `.pdf` that is really an HTML error
page, the usual result of a failed download) is refused rather than read as text, so that an error page
is never parsed as a policy. Traditional -> simplified conversion is left to the cleaning stage.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .formats import Extracted
from .formats.docx_text import docx_extract
from .formats.html_text import html_extract
from .formats.pdf_text import pdf_extract
from .formats import han_count
from .model import InputError, Issue, Severity
from .rules import Rules, load_rules

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Ceilings that keep one hostile or broken file from exhausting memory or time."""

    max_bytes: int = 50 * MB
    max_pdf_pages: int = 2000
    max_zip_member_bytes: int = 200 * MB   # total uncompressed size of a .docx
    max_zip_ratio: float = 100.0           # uncompressed / compressed, per member
    max_html_depth: int = 2000             # element nesting; real pages stay below 100


@dataclass(frozen=True)
class Source:
    """The decoded text of one file; every span downstream points into `text`."""

    text: str
    format: str      # txt | html | pdf | docx
    encoding: str    # the text encoding; "unicode" for PDF and DOCX, which store Unicode themselves
    sha256: str      # of the file bytes
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    issues: tuple[Issue, ...] = ()


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Labels that pages declare for what is in practice GBK text; GB18030 is a superset of all of them.
_GB_ALIASES = {"gb2312", "gbk", "gb_2312_80", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312", "gb18030"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([-\w.:]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}encoding\s*=\s*["']([-\w.:]+)""", re.I)
_HTML_STRONG = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s", re.I)
_HTML_ANY = re.compile(r"<(p|div|br|table|span|a|h[1-6]|title)[\s>/]", re.I)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_BINARY_SHARE = 0.05   # more "impossible" characters than this means the bytes are not text


def read_file(path: Path, limits: Limits = Limits()) -> Source:
    """Read a .txt/.html/.htm/.pdf/.docx file into text; raises InputError for what cannot be read."""
    path = Path(path)
    data = _read_bytes(path, limits)
    sha = hashlib.sha256(data).hexdigest()
    kind = _sniff(data)
    if kind == "zip" and path.suffix.lower() == ".docx":
        kind = "docx"   # let the .docx reader say what is missing
    try:
        return _read_as(kind, path, data, sha, limits)
    except InputError as err:
        raise InputError(f"{path}: {err}") from err
    except (ValueError, KeyError, IndexError, TypeError, RuntimeError) as err:
        # Hostile or broken files reach corners of the parsers; a batch must record them and go on.
        raise InputError(f"{path}: this {kind} file could not be read ({type(err).__name__}: {err})") from err


def _read_as(kind: str, path: Path, data: bytes, sha: str, limits: Limits) -> Source:
    _check_extension(path, kind, data)
    if kind == "pdf":
        return _from_extracted(pdf_extract(data, limits, _rules()), "pdf", sha, path)
    if kind == "docx":
        return _from_extracted(docx_extract(data, limits, _rules()), "docx", sha, path)
    if kind in _UNSUPPORTED:
        raise InputError(_UNSUPPORTED[kind])
    decoded = _decode(data)
    if _is_html(decoded.text, path):
        decoded = _decode_html(data)
        page = html_extract(decoded.text, limits, _rules())
        return Source(page.text, "html", decoded.encoding, sha, decoded.issues + page.issues)
    return Source(_normalize_newlines(decoded.text), "txt", decoded.encoding, sha, decoded.issues)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a text file; returns (text, encoding name).

    >>> decode_bytes("碳达峰实施方案".encode("gbk"))
    ('碳达峰实施方案', 'gb18030')
    """
    decoded = _decode(data)
    return decoded.text, decoded.encoding


def html_to_text(html: str, limits: Limits = Limits(), rules: Optional[Rules] = None) -> str:
    """The main text of a web page (see formats/html_text.py)."""
    return html_extract(html, limits, rules or _rules()).text


def pdf_to_text(data: bytes, limits: Limits = Limits(), rules: Optional[Rules] = None) -> str:
    """The text layer of a PDF, one line per printed line, page furniture removed."""
    return pdf_extract(data, limits, rules or _rules()).text


def docx_to_text(data: bytes, limits: Limits = Limits(), rules: Optional[Rules] = None) -> str:
    """The paragraphs and tables of a Word file, with Word's automatic numbering written out."""
    return docx_extract(data, limits, rules or _rules()).text


def _rules() -> Rules:
    return load_rules()


def _read_bytes(path: Path, limits: Limits) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise InputError(f"{path}: the file is {_mb(size)}, larger than the limit of "
                             f"{_mb(limits.max_bytes)} (Limits.max_bytes); split it or raise the limit")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    if len(data) > limits.max_bytes:   # the file grew between stat() and read()
        raise InputError(f"{path}: the file is {_mb(len(data))}, larger than the limit of "
                         f"{_mb(limits.max_bytes)} (Limits.max_bytes)")
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    return data


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB / 10 else f"{n} bytes"


_UNSUPPORTED = {
    "doc": "this is an old binary Word/Excel/WPS file (.doc/.xls/.wps): save it as .docx or PDF first",
    "ofd": "this is an OFD file (the Chinese fixed-layout format): export it to PDF first",
    "zip": "this is a zip archive, not a .docx: unpack it and read the documents inside",
    "image": "this is an image, not a document with text: run OCR first (e.g. ocrmypdf or PaddleOCR)",
    "rtf": "this is an RTF file: save it as .docx first",
}


def _sniff(data: bytes) -> str:
    """The format the bytes actually have: pdf | docx | zip | ofd | doc | rtf | image | text."""
    if b"%PDF-" in data[:1024]:   # the PDF header may follow a little junk
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return _sniff_zip(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "doc"
    if data[:5] == b"{\\rtf":
        return "rtf"
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"GIF8", b"II*\x00",
                                                                                       b"MM\x00*"):
        return "image"
    return "text"


def _sniff_zip(data: bytes) -> str:
    # The central directory is at the end; member names also appear in local headers near the start,
    # which is enough to tell a .docx from an OFD or an ordinary archive without unpacking anything.
    head = data[:4096] + data[-65536:]
    if b"word/" in head:
        return "docx"
    if b"OFD.xml" in head:
        return "ofd"
    return "docx" if b"[Content_Types].xml" in head else "zip"


def _check_extension(path: Path, kind: str, data: bytes) -> None:
    """Refuse a file whose name promises a format the bytes do not have (usually a failed download)."""
    ext = path.suffix.lower()
    if ext == ".pdf" and kind != "pdf":
        what = "an HTML page" if kind == "text" and _HTML_STRONG.search(data[:4096].decode("latin-1")) else \
            ("text" if kind == "text" else f"a {kind} file")
        raise InputError(f"the file is named .pdf but is not a PDF (it does not start with %PDF-; it looks "
                         f"like {what} — a failed download?). Rename it if it really is a text file")
    if ext == ".docx" and kind not in ("docx", "zip"):
        raise InputError(f"the file is not a valid .docx (it is not a zip archive; it looks like "
                         f"{'text' if kind == 'text' else 'a ' + kind + ' file'})")


def _from_extracted(ex: Extracted, fmt: str, sha: str, path: Path) -> Source:
    issues = ex.issues
    if path.suffix.lower() in (".txt", ".html", ".htm"):
        issues = (Issue("format", Severity.INFO.value, f"the file is named {path.suffix} but is a {fmt.upper()}; "
                        f"read as {fmt.upper()}"),) + issues
    return Source(_normalize_newlines(ex.text), fmt, "unicode", sha, issues)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_html(text: str, path: Path) -> bool:
    head = text[:4096]
    if path.suffix.lower() in (".html", ".htm", ".shtml", ".xhtml"):
        return bool(_HTML_STRONG.search(head) or _HTML_ANY.search(head))
    return bool(_HTML_STRONG.search(head.lstrip()[:1024]))


def _decode(data: bytes) -> Decoded:
    """Text bytes -> str: BOM, BOM-less UTF-16, strict UTF-8, strict GB18030, then detection.

    Strict decoders go first because a short GBK text gives a statistical detector too little to go
    on, while strict UTF-8 practically never accepts GBK bytes (and vice versa for GB18030 and UTF-8
    Chinese, which is tried first).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(_decode_or_replace(data, codec, ()))
    utf16 = _try_utf16(data)
    if utf16 is not None:
        return utf16
    issues: tuple[Issue, ...] = ()
    if b"\x00" in data:
        issues = (Issue("encoding", Severity.WARNING.value, f"dropped {data.count(0)} NUL bytes from the text"),)
        data = data.replace(b"\x00", b"")
    for codec in ("utf-8", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "utf-8" and _prefer_gb18030(data, text):
            continue
        return _checked(Decoded(text, codec, issues))
    return _checked(_detect(data, issues))


def _try_utf16(data: bytes) -> Optional[Decoded]:
    """UTF-16 without a BOM: ASCII digits and newlines leave NUL bytes on one side of each pair.

    Both byte orders are tried, the side with more NULs first; a reading is accepted only if it is
    overwhelmingly Han, ASCII and CJK punctuation, because UTF-8 with a stray NUL, or random bytes,
    also decode as UTF-16, into a scatter of Hangul, private-use and rare characters.
    """
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    for codec in (("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _common_share(text) >= 0.95:
            return Decoded(text, codec)
    return None


def _prefer_gb18030(data: bytes, utf8: str) -> bool:
    """A few GBK characters can form valid UTF-8 (联通, 全省 -> ȫʡ): for a short text that reads in
    UTF-8 as scattered Greek, Cyrillic or IPA letters but in GB18030 as Chinese, believe GB18030."""
    if len(data) > 256 or any(ord(ch) >= 0x800 for ch in utf8) or all(ord(ch) < 0x100 for ch in utf8):
        return False
    try:
        return _common_share(data.decode("gb18030")) >= 0.95
    except UnicodeDecodeError:
        return False


def _common_share(text: str) -> float:
    """Share of characters a Chinese or English notice is made of: Han, ASCII, CJK and general punctuation."""
    sample = text[:200_000]
    common = sum(1 for ch in sample if ch < "\x7f" or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
                 or "\uff00" <= ch <= "\uffef" or "\u2000" <= ch <= "\u206f" or "\u3400" <= ch <= "\u4dbf")
    return common / len(sample) if sample else 1.0


def _detect(data: bytes, issues: tuple[Issue, ...]) -> Decoded:
    from charset_normalizer import from_bytes   # imported late: only odd files need it

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return _decode_or_replace(data, "utf-8", issues)
    return Decoded(str(best), best.encoding, issues + (Issue(
        "encoding", Severity.WARNING.value, f"the text is neither UTF-8 nor GB18030; its encoding was guessed as "
        f"{best.encoding}: check the text"),))


def _decode_or_replace(data: bytes, codec: str, issues: tuple[Issue, ...]) -> Decoded:
    try:
        return Decoded(data.decode(codec), codec, issues)
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        bad = text.count("\ufffd")
        return Decoded(text, codec, issues + (Issue(
            "encoding", Severity.WARNING.value, f"{bad} byte sequences are not valid {codec} and were replaced by �",
            original="\ufffd"),))


def _checked(decoded: Decoded) -> Decoded:
    """Refuse binary data that happened to decode (it would be garbage text, not a notice)."""
    share = _bad_share(decoded.text)
    if share > _BINARY_SHARE:
        raise InputError(f"this does not look like text ({share:.0%} control, private-use or undecodable "
                         "characters): is it a binary file? policyparse reads .txt, .html, .pdf and .docx")
    return decoded


def _bad_share(text: str) -> float:
    """Share of characters that no real document contains: controls, private use, unassigned, U+FFFD."""
    sample = text[:200_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if ch == "\ufffd" or (
        unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in _ALLOWED_CONTROLS))
    return bad / len(sample)


def _decode_html(data: bytes) -> Decoded:
    """A web page's charset comes from its BOM or its declaration (GBK pages are common), else detection.

    Some Chinese sites declare ISO-8859-1 or ASCII for GBK pages; a single-byte declaration never fails
    to decode, so it is checked against what detection finds.
    """
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return _decode(data)
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    label = match.group(1).decode("ascii", "ignore") if match else ""
    codec = _codec(label)
    if codec is None:
        return _decode(data)
    try:
        declared = _checked(Decoded(data.decode(codec), codec))
    except (UnicodeDecodeError, InputError):
        declared = None
    if declared is not None and not _single_byte(codec):
        return declared
    detected = _decode(data)
    if declared is not None and not han_count(detected.text):
        return declared
    return Decoded(detected.text, detected.encoding, detected.issues + (Issue(
        "encoding", Severity.WARNING.value, f"the page declares charset {label} but is not {label} text; "
        f"read as {detected.encoding}"),))


def _codec(label: str) -> Optional[str]:
    label = label.strip().lower()
    if label in _GB_ALIASES:
        return "gb18030"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # base64, rot13 and the like are codecs too, but not text encodings a page can be written in.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _single_byte(codec: str) -> bool:
    return codec in ("ascii", "latin-1", "iso8859-1") or codec.startswith(("cp125", "iso8859", "mac-"))
