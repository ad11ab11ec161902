"""Hostile and broken input through the batch path: a folder of broken files beside good ones.

`policyparse extract DIR -o OUT` must finish, exit 1, write one `error` row per broken file with a
message a researcher understands (never a traceback), complete the good documents and read the odd but
valid ones (UTF-16, NUL bytes, a moderately nested page). The outputs must be safe to open: no cell a
spreadsheet runs as a formula, no file outside the output folder, and nothing fetched from the network
while a page is read. The unit-level cases of each reader are in test_ingest.py; these are end to end.
"""
from __future__ import annotations

import csv
import io
import os
import random
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import policyparse as pp
from policyparse import batch, ingest, pipeline
from policyparse.cli import main as cli_main
from policyparse.report import write_compare

REPO = Path(__file__).resolve().parents[1]
POLICYPARSE = Path(sys.executable).with_name("policyparse")
XIQING = REPO / "corpus" / "xiqing-2023.txt"

SHORT_PLAN = """某某区人民政府关于印发某某区碳达峰实施方案的通知
各街镇、各部门：
现将《某某区碳达峰实施方案》印发给你们，请认真贯彻落实。
某某区人民政府
2023年5月10日
某某区碳达峰实施方案
一、主要目标
到2025年，全区非化石能源消费比重达到15%以上，单位地区生产总值能耗比2020年下降13.5%。
二、重点任务
（一）推进能源结构调整
1.大力发展光伏。到2025年，新增光伏装机容量10万千瓦。
"""


def short_plan(title: str = "某某区碳达峰实施方案") -> str:
    return SHORT_PLAN.replace("某某区碳达峰实施方案", title)


def pdf_bytes(pages: int = 3) -> bytes:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx
    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def zip_bomb_docx(zeros: int = 16 << 20) -> bytes:
    """A .docx whose document.xml unpacks to `zeros` bytes (about 1000:1), written in chunks so that
    building it never holds the unpacked member in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(zeros >> 20):
                member.write(bytes(1 << 20))
    return out.getvalue()


def nested_html(depth: int, body: str) -> bytes:
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>实施方案</title></head><body>"
            + "<div>" * depth + "".join(f"<p>{line}</p>" for line in body.splitlines()) + "</div>" * depth
            + "</body></html>").encode()


# file name -> (bytes, words the error message must contain)
BROKEN = {
    "empty.txt": (lambda: b"", ["empty"]),
    "random-bytes.txt": (lambda: random.Random(7).randbytes(4096), ["not look like text"]),
    "truncated.pdf": (lambda: pdf_bytes()[:400], ["pdf"]),
    "text-named.pdf": (lambda: short_plan().encode(), ["not a PDF"]),
    "broken.docx": (lambda: docx_bytes(short_plan())[:3000], ["not a valid .docx"]),
    "zip-bomb.docx": (zip_bomb_docx, ["zip bomb", "max_zip_ratio"]),
    "deep.html": (lambda: nested_html(5000, "某某区碳达峰实施方案"), ["levels deep", "max_html_depth"]),
}
# file name -> (bytes, a line of text that must be read)
ODD_BUT_VALID = {
    "utf16.txt": (lambda: short_plan("甲区碳达峰实施方案").encode("utf-16"), "甲区碳达峰实施方案"),
    "utf16-no-bom.txt": (lambda: short_plan("乙区碳达峰实施方案").encode("utf-16-le"), "乙区碳达峰实施方案"),
    "nul-bytes.txt": (lambda: short_plan("丙区碳达峰实施方案").encode().replace("。".encode(), "。".encode() + b"\0"),
                      "丙区碳达峰实施方案"),
    "nested.html": (lambda: nested_html(60, short_plan("丁区碳达峰实施方案")), "丁区碳达峰实施方案"),
}


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(POLICYPARSE), *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, (make, _) in {**BROKEN, **ODD_BUT_VALID}.items():
        (folder / name).write_bytes(make())
    shutil.copy(XIQING, folder / "xiqing-2023.txt")
    (folder / "short-plan.txt").write_text(short_plan(), encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    proc = run_cli("extract", str(folder), "-o", str(out), "--no-progress")
    return proc, out


def test_extract_finishes_with_status_1_and_no_traceback(hostile_run):
    proc, _ = hostile_run
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert f"{len(BROKEN)} of {len(BROKEN) + len(ODD_BUT_VALID) + 2} files could not be parsed" in proc.stderr


def test_one_error_row_per_broken_file(hostile_run):
    _, out = hostile_run
    errors = [r for r in read_csv(out / "issues.csv") if r["kind"] == "error"]
    assert sorted(r["doc_id"] for r in errors) == sorted(Path(n).stem for n in BROKEN)


@pytest.mark.parametrize("name", BROKEN)
def test_error_message_is_clear(hostile_run, name):
    _, out = hostile_run
    (row,) = [r for r in read_csv(out / "issues.csv") if r["kind"] == "error" and r["doc_id"] == Path(name).stem]
    words = BROKEN[name][1]
    assert [w for w in words if w.lower() not in row["message"].lower()] == [], row["message"]
    assert row["message"].startswith("could not read file:") and name in row["message"]
    assert "Traceback" not in row["message"] and "internal error" not in row["message"]


def test_good_documents_complete(hostile_run):
    _, out = hostile_run
    docs = {r["doc_id"]: r for r in read_csv(out / "documents.csv")}
    assert set(docs) == {Path(n).stem for n in [*BROKEN, *ODD_BUT_VALID, "xiqing-2023.txt", "short-plan.txt"]}
    targets = read_csv(out / "targets.csv")
    for doc_id in ("xiqing-2023", "short-plan"):
        assert int(docs[doc_id]["n_sections"]) > 2 and int(docs[doc_id]["n_targets"]) > 0
        assert any(t["doc_id"] == doc_id for t in targets)
    assert docs["short-plan"]["title"] == "某某区碳达峰实施方案"


@pytest.mark.parametrize("name", ODD_BUT_VALID)
def test_odd_but_valid_files_are_read(hostile_run, name):
    _, out = hostile_run
    doc_id = Path(name).stem
    (doc,) = [r for r in read_csv(out / "documents.csv") if r["doc_id"] == doc_id]
    assert doc["title"] == ODD_BUT_VALID[name][1]
    assert int(doc["n_sections"]) >= 3 and int(doc["n_targets"]) >= 2
    assert not [r for r in read_csv(out / "issues.csv") if r["doc_id"] == doc_id and r["kind"] == "error"]


# --- limits ----------------------------------------------------------------------------------------

LIMIT_CASES = {
    "file-size": ("big.txt", lambda: short_plan().encode() * 20, ingest.Limits(max_bytes=2000),
                  ["larger than the limit", "max_bytes"]),
    "pdf-pages": ("scan.pdf", lambda: pdf_bytes(5), ingest.Limits(max_pdf_pages=3), ["5 pages", "max_pdf_pages"]),
    "zip-member-size": ("plan.docx", lambda: docx_bytes(short_plan()), ingest.Limits(max_zip_member_bytes=5000),
                        ["max_zip_member_bytes"]),
    "zip-ratio": ("plan.docx", lambda: zip_bomb_docx(4 << 20), ingest.Limits(), ["zip bomb", "max_zip_ratio"]),
    "html-depth": ("page.html", lambda: nested_html(80, short_plan()), ingest.Limits(max_html_depth=50),
                   ["levels deep", "max_html_depth"]),
}


@pytest.mark.parametrize("name, make, limits, words", LIMIT_CASES.values(), ids=LIMIT_CASES.keys())
def test_limits_give_clear_errors_in_a_batch(tmp_path, monkeypatch, name, make, limits, words):
    """Each configurable limit, set low through the Options the batch workers use, becomes an error row."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(make())
    (folder / "good.txt").write_text(short_plan(), encoding="utf-8")
    monkeypatch.setattr(pipeline, "_DEFAULT", {"o": pipeline.Options(limits=limits)})
    assert batch.run_extract([str(folder)], tmp_path / "out", progress=False) == 1
    issues = read_csv(tmp_path / "out" / "issues.csv")
    (error,) = [r for r in issues if r["kind"] == "error"]
    assert error["doc_id"] == Path(name).stem
    assert [w for w in words if w not in error["message"]] == [], error["message"]
    assert any(r["doc_id"] == "good" for r in read_csv(tmp_path / "out" / "targets.csv"))


def test_default_file_size_limit_is_50_mb():
    assert ingest.Limits().max_bytes == 50 * 1024 * 1024


def test_cli_sets_the_file_size_limit(tmp_path):
    (tmp_path / "big.txt").write_text(short_plan() * 20, encoding="utf-8")
    assert cli_main(["extract", str(tmp_path / "big.txt"), "-o", str(tmp_path / "out"), "--no-progress",
                     "--max-file-mb", "0.001"]) == 1
    (error,) = read_csv(tmp_path / "out" / "issues.csv")
    assert "max_bytes" in error["message"]


# --- safe outputs ----------------------------------------------------------------------------------

FORMULA_PLAN = """=HYPERLINK("http://evil.example","点击")碳达峰实施方案
一、主要目标
-到2025年，全区非化石能源消费比重达到15%以上。
+到2030年，全区单位地区生产总值能耗比2020年下降20%。
@SUM(1+1)到2025年，新增光伏装机容量10万千瓦。
"""
FORMULA_START = ("=", "+", "-", "@")


@pytest.fixture(scope="module")
def formula_doc():
    doc = pp.parse(FORMULA_PLAN, doc_id="=cmd|' /C calc'!A0")
    quotes = [t.quote for t in doc.target_list]
    # the document really carries formula-like cells, or the test below proves nothing
    assert doc.meta.title.startswith("=") and {q[0] for q in quotes} >= {"-", "+"}, (doc.meta.title, quotes)
    return doc


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_injection_is_neutralized(tmp_path, formula_doc, fmt):
    from policyparse import tables
    writer = tables.TableWriter(tmp_path, fmt)
    with writer:
        for name, rows in tables.document_rows(formula_doc).items():
            writer.write(name, rows)
    cells = []
    if fmt == "csv":
        for path in tmp_path.glob("*.csv"):
            with open(path, encoding="utf-8-sig", newline="") as f:
                cells += [c for row in csv.reader(f) for c in row]
    else:
        import openpyxl
        book = openpyxl.load_workbook(tmp_path / tables.XLSX_NAME)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                    if isinstance(cell.value, str):
                        cells.append(cell.value)
    # a lone sign (the comparator "=") has nothing to evaluate; tables.py leaves it as written on purpose
    dangerous = [c for c in cells if c.startswith(FORMULA_START) and c not in FORMULA_START]
    assert dangerous == []
    assert "'" + formula_doc.meta.title in cells
    assert any(c.startswith("'-到2025年") for c in cells)


def test_file_names_from_document_ids_stay_in_the_output_folder(tmp_path):
    folder = tmp_path / "a" / "in"
    folder.mkdir(parents=True)
    (folder / "..%2F..%2Fevil.txt").write_text(short_plan(), encoding="utf-8")
    (folder / "..evil...txt").write_text(short_plan(), encoding="utf-8")
    out = tmp_path / "a" / "out"
    before = {p for p in tmp_path.rglob("*")}
    # named explicitly: folder discovery skips names that begin with "." as hidden files
    assert batch.run_extract(sorted(str(p) for p in folder.iterdir()), out, progress=False) == 0
    new = {p for p in tmp_path.rglob("*")} - before
    assert new and all(p.resolve().is_relative_to(out.resolve()) for p in new), sorted(map(str, new))
    assert {r["doc_id"] for r in read_csv(out / "documents.csv")} == {"..%2F..%2Fevil", "..evil.."}


@pytest.mark.parametrize("doc_id", ["../x", "../../evil", "/etc/passwd", "..", "a/../../b", "..\\..\\win", ""])
def test_compare_folder_names_stay_in_the_output_folder(tmp_path, doc_id):
    from policyparse.diff import CompareResult, diff, load_plan
    parent = load_plan(pp.parse(short_plan("上级碳达峰实施方案"), doc_id="parent"))
    child = pp.parse(short_plan(), doc_id=doc_id)
    out = tmp_path / "work" / "out"
    write_compare(CompareResult(parent.info, (diff(child, parent),)), out)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files and all(p.resolve().is_relative_to(out.resolve()) for p in files), sorted(map(str, files))
    assert len([p for p in files if p.name == "report.html"]) == 2


EXTERNAL_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="http://css.example/site.css"><script src="https://js.example/app.js"></script>
<base href="http://base.example/"><meta http-equiv="refresh" content="0;url=http://evil.example/">
</head><body><img src="http://img.example/logo.png"><iframe src="http://frame.example/x"></iframe>
<object data="http://obj.example/a.swf"></object><div class="TRS_Editor">{body}</div>
<img src="//cdn.example/a.png" srcset="http://cdn.example/b.png 2x"><video src="http://v.example/a.mp4"></video>
</body></html>"""


def test_nothing_is_fetched_while_parsing_a_page(tmp_path, monkeypatch):
    def no_network(*_args, **_kwargs):
        raise AssertionError("policyparse tried to open a network connection")
    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, no_network)
    page = tmp_path / "external.html"
    page.write_text(EXTERNAL_PAGE.format(body="".join(f"<p>{line}</p>" for line in short_plan().splitlines())),
                    encoding="utf-8")
    doc = pipeline.parse_file(page)
    assert doc.meta.title == "某某区碳达峰实施方案" and len(doc.target_list) >= 2
    # and through the batch path, in this process (jobs=1), as the CLI runs it
    assert batch.run_extract([str(page)], tmp_path / "out", progress=False) == 0


def test_a_missing_input_is_a_clear_usage_error(tmp_path):
    """SCHEMA.md: exit status 2 for a usage error, such as a path that does not exist."""
    proc = run_cli("extract", str(tmp_path / "absent"), "-o", str(tmp_path / "out"))
    assert proc.returncode == 2 and "no such file or folder" in proc.stderr and "Traceback" not in proc.stderr
