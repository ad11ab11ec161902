"""report: the files of `diff` and `compare`, their columns, and the HTML page in headless Chromium.

The browser test opens report.html through file://, fails on a console error or on any request that is
not file: or data:, checks that the target table has one row per row of target_diff.csv, and saves a
screenshot (to tmp_path, and once to /tmp/policyparse-diff-report.png for a person to look at).
"""
from __future__ import annotations

import csv
import os
import shutil
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policyparse import parse_file
from policyparse.diff import (CompareResult, DiffResult, DocInfo, SectionInfo, SectionMatch, SectionStatus, Status,
                              TargetEdit, diff)
from policyparse.model import Target
from policyparse.report import (SECTION_ALIGNMENT_COLUMNS, TARGET_DIFF_COLUMNS, render_html, write_compare,
                                write_diff)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PP_SHARED", REPO.parent / "shared"))
XIQING = REPO / "corpus" / "xiqing-2023.txt"
RAW = SHARED / "corpus" / "raw"
NATIONAL = RAW / "national-2030-action-plan.txt"
CHROMIUM = Path("/usr/bin/chromium")
needs_shared = pytest.mark.skipif(not NATIONAL.exists(), reason=f"the shared corpus is not at {SHARED}")
needs_browser = pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed at "
                                   "/usr/bin/chromium (apt-get install chromium; .ci/run does)")

SCHEMA_TARGET_DIFF = ["indicator", "status", "child_value", "child_unit", "child_year", "child_comparator",
                      "parent_value", "parent_unit", "parent_year", "parent_comparator", "child_quote",
                      "parent_quote", "child_section", "parent_section"]
SCHEMA_SECTION_ALIGNMENT = ["child_path", "child_title", "parent_path", "parent_title", "similarity", "status"]


@lru_cache(maxsize=None)
def parsed(path: Path):
    return parse_file(path)


def tiny_result() -> DiffResult:
    """A hand-made result whose texts try to break CSV, Markdown and HTML."""
    def target(ind: str, value, kind="level", tid="T1") -> Target:
        return Target(tid, "2.1", "", ind, value, None, "%", "=", kind, 2025, None, "binding", f"{ind}<b>|引号\"", 0, 0)
    sec = SectionInfo("2.1", "=能源<script>alert(1)</script>", "area", 2, "2", 0, "正文", "正文")
    edits = (TargetEdit(Status.STRICTER, "k", target("=HYPERLINK(\"http://x\")", 60.0), target("-比重", 50.0)),
             TargetEdit(Status.CHILD_ONLY, "k2", target("@占比|x", None, "increase"), None),
             TargetEdit(Status.PARENT_ONLY, "k3", None, target("+比例", 1.5)))
    sections = (SectionMatch(SectionStatus.ALIGNED, sec, sec, 0.9, "under_aligned", "energy", 1.0, 1.0),
                SectionMatch(SectionStatus.PARENT_ONLY, None, sec, None))
    return DiffResult(DocInfo("child/../x", "子方案", "district", "", 1, 2),
                      DocInfo("parent", "母方案", "national", "", 1, 2), sections, edits, 0.5)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- files and columns


def test_write_diff_files_and_columns(tmp_path):
    write_diff(tiny_result(), tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"report.html", "report.md", "target_diff.csv",
                                                    "section_alignment.csv"}
    assert (tmp_path / "target_diff.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "target_diff.csv", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert header[:len(SCHEMA_TARGET_DIFF)] == SCHEMA_TARGET_DIFF and header == TARGET_DIFF_COLUMNS
    with open(tmp_path / "section_alignment.csv", encoding="utf-8-sig") as f:
        header = next(csv.reader(f))
    assert header[:len(SCHEMA_SECTION_ALIGNMENT)] == SCHEMA_SECTION_ALIGNMENT
    assert header == SECTION_ALIGNMENT_COLUMNS


@pytest.mark.parametrize("row, column, cell", [
    (0, "indicator", "'=HYPERLINK(\"http://x\")"),   # formula-safe
    (0, "parent_quote", "'-比重<b>|引号\""),
    (1, "indicator", "'@占比|x"),
    (2, "parent_quote", "'+比例<b>|引号\""),
    (0, "child_quote", "'=HYPERLINK(\"http://x\")<b>|引号\""),
    (0, "child_value", "60"),                          # plain numbers
    (2, "parent_value", "1.5"),
    (0, "child_year", "2025"),
    (1, "parent_value", ""),
])
def test_target_diff_cells(tmp_path, row, column, cell):
    write_diff(tiny_result(), tmp_path)
    assert read_csv(tmp_path / "target_diff.csv")[row][column] == cell


def test_html_is_escaped_and_self_contained():
    page = render_html(tiny_result())
    assert "<script>" not in page and "&lt;script&gt;" in page

    class Refs(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.found += [f"{tag} {k}={v}" for k, v in attrs
                           if (k in ("src", "href") and not (v or "").startswith("#")) or tag in ("link", "script")]
    refs = Refs()
    refs.feed(page)
    assert refs.found == []


def test_markdown_has_a_row_per_target(tmp_path):
    write_diff(tiny_result(), tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    section = md.split("## Targets\n")[1].split("## Sections")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 3  # header and three edits
    assert "\\|" in section     # a | in a cell does not break the table


def test_write_compare_sanitizes_folder_names(tmp_path):
    one = tiny_result()
    write_compare(CompareResult(one.parent, (one, one)), tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"matrix.csv", "report.html", "report.md", "child_x", "child_x_"}
    assert all((tmp_path / name / "report.html").exists() for name in ("child_x", "child_x_"))


# ---------------------------------------------------------------- the real reports


@lru_cache(maxsize=None)
def real_diff() -> DiffResult:
    return diff(parsed(XIQING), parsed(NATIONAL))


@needs_shared
def test_real_report_rows_match_the_result(tmp_path):
    result = real_diff()
    write_diff(result, tmp_path)
    assert len(read_csv(tmp_path / "target_diff.csv")) == len(result.edits)
    assert len(read_csv(tmp_path / "section_alignment.csv")) == len(result.sections)
    statuses = {r["status"] for r in read_csv(tmp_path / "target_diff.csv")}
    assert statuses <= {s.value for s in Status}


@needs_shared
def test_compare_matrix_has_a_row_per_child_and_key_columns(tmp_path):
    shanghai = RAW / "shanghai-carbon-peak-plan-2022.txt"
    result = CompareResult(real_diff().parent, (real_diff(), diff(parsed(shanghai), parsed(NATIONAL))))
    write_compare(result, tmp_path)
    rows = read_csv(tmp_path / "matrix.csv")
    assert [r["child"] for r in rows[1:]] == ["xiqing-2023", "shanghai-carbon-peak-plan-2022"]
    assert "单位GDP能耗" in rows[0] and "非化石能源消费比重" in rows[0]
    assert "delegated" in rows[1]["单位GDP能耗"]
    assert (tmp_path / "xiqing-2023" / "target_diff.csv").exists()


# ---------------------------------------------------------------- in a browser


def open_in_chromium(page_path: Path, screenshot: Path) -> dict:
    """Open a page offline; return the console errors, foreign requests and row counts it showed."""
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    foreign: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else foreign.append(r.url))
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            counts = {"targets": page.locator("#target-table tbody tr").count(),
                      "sections": page.locator("#section-table tbody tr").count(),
                      "matrix": page.locator("#matrix-table tbody tr").count(),
                      "svg_bars": page.locator("#chart svg rect").count()}
            page.screenshot(path=str(screenshot), full_page=False)
        finally:
            browser.close()
    return {"errors": errors, "foreign": foreign, **counts}


@needs_browser
@needs_shared
def test_report_in_headless_chromium(tmp_path):
    result = real_diff()
    write_diff(result, tmp_path / "diff")
    seen = open_in_chromium(tmp_path / "diff" / "report.html", tmp_path / "report.png")
    assert seen["errors"] == [] and seen["foreign"] == []
    assert seen["targets"] == len(read_csv(tmp_path / "diff" / "target_diff.csv"))
    assert seen["sections"] == len(read_csv(tmp_path / "diff" / "section_alignment.csv"))
    assert seen["svg_bars"] == len(Status)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    shutil.copy(tmp_path / "report.png", "/tmp/policyparse-diff-report.png")  # for a person to look at


@needs_browser
def test_compare_page_in_headless_chromium(tmp_path):
    one = tiny_result()
    write_compare(CompareResult(one.parent, (one,)), tmp_path)
    seen = open_in_chromium(tmp_path / "report.html", tmp_path / "compare.png")
    assert seen["errors"] == [] and seen["foreign"] == []
    assert seen["matrix"] == 2  # the parent's row and one child
