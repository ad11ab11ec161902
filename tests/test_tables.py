"""Tables as files: Excel-safe CSV, formula neutralization, numbers, round trips and atomic writes."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import policyparse as pp
from policyparse import tables
from policyparse.model import TABLE_COLUMNS, Document, Entity, InputError, Issue, Meta, Target

REPO = Path(__file__).resolve().parents[1]
XIQING = REPO / "corpus" / "xiqing-2023.txt"


def target(quote: str = "到2025年，可再生能源占比达到30%。", **kw) -> Target:
    fields = dict(target_id="T1", section_path="2.1", section_title="主要目标", indicator="可再生能源占比",
                  value=30.0, value_max=None, unit="%", comparator="=", kind="level", year=2025,
                  baseline_year=None, modality="binding", quote=quote, char_start=10, char_end=30)
    fields.update(kw)
    return Target(**fields)


def make_doc(title: str = "碳达峰实施方案", targets: tuple[Target, ...] = (), entities: tuple[Entity, ...] = (),
             doc_id: str = "doc") -> Document:
    return Document(meta=Meta(doc_id=doc_id, title=title, date="2023-04-28"), source="x" * 40, text="x" * 40,
                    offsets=list(range(41)), target_list=targets, entity_list=entities,
                    issue_list=(Issue("spam", "warning", "removed", original="@广告"),))


def csv_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def xiqing() -> Document:
    return pp.parse_file(XIQING)


@pytest.mark.parametrize("name", list(TABLE_COLUMNS))
def test_document_rows_are_the_document_tables(xiqing, name):
    assert tables.document_rows(xiqing)[name] == tuple(tables.frame_rows(xiqing.tables()[name],
                                                                         tables.SCHEMAS[name]))


def test_csv_starts_with_bom_and_one_header_row(tmp_path, xiqing):
    tables.write_tables(tables.to_frames([xiqing]), tmp_path, "csv")
    raw = (tmp_path / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").splitlines()
    assert lines[0] == ",".join(TABLE_COLUMNS["documents"])
    assert len(lines) == 2 and lines[1].startswith("xiqing-2023,")


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
@pytest.mark.parametrize("table, column, doc", [
    ("documents", "title", lambda p: make_doc(title=p + "HYPERLINK(\"http://x\")")),
    ("targets", "quote", lambda p: make_doc(targets=(target(quote=p + "1+1 到2025年达到30%"),))),
    ("targets", "indicator", lambda p: make_doc(targets=(target(indicator=p + "单位GDP能耗"),))),
    ("documents", "doc_id", lambda p: make_doc(doc_id=p + "cmd")),
])
def test_formula_cells_get_a_leading_quote_in_csv(tmp_path, prefix, table, column, doc):
    tables.write_tables(tables.to_frames([doc(prefix)]), tmp_path, "csv")
    cell = csv_rows(tmp_path, table)[0][column]
    assert cell.startswith("'" + prefix)


@pytest.mark.parametrize("column, value, written", [
    ("value", -5.0, "-5"),          # a negative number is a number, not a formula
    ("value", 13.5, "13.5"),
    ("value", 30.0, "30"),
    ("year", 2025, "2025"),
    ("year", None, ""),
    ("baseline_year", 2020, "2020"),
    ("value_max", None, ""),
    ("char_start", 0, "0"),
])
def test_numbers_are_written_as_plain_numbers(tmp_path, column, value, written):
    doc = make_doc(targets=(target(**{column: value}), target(target_id="T2", year=None, value=None)))
    tables.write_tables(tables.to_frames([doc]), tmp_path, "csv")
    assert csv_rows(tmp_path, "targets")[0][column] == written


def test_integer_column_with_gaps_has_no_decimal_point(tmp_path):
    df = pd.DataFrame({"doc_id": ["a", "b", "c"], "year": [2025.0, float("nan"), 2030.0]})
    tables.write_tables({"targets": df}, tmp_path, "csv")
    assert [r["year"] for r in csv_rows(tmp_path, "targets")] == ["2025", "", "2030"]


def test_xlsx_cells_are_text_not_formulas(tmp_path):
    from openpyxl import load_workbook

    doc = make_doc(title="=1+1", targets=(target(quote="+86 到2025年", value=-5.0),))
    tables.write_tables(tables.to_frames([doc]), tmp_path, "xlsx")
    book = load_workbook(tmp_path / tables.XLSX_NAME)
    assert book.sheetnames == list(TABLE_COLUMNS)
    title = book["documents"].cell(row=2, column=TABLE_COLUMNS["documents"].index("title") + 1)
    assert (title.value, title.data_type) == ("'=1+1", "s")
    value = book["targets"].cell(row=2, column=TABLE_COLUMNS["targets"].index("value") + 1)
    assert value.value == -5 and value.data_type == "n"


def tricky_frames(xiqing: Document) -> dict[str, pd.DataFrame]:
    odd = make_doc(title="'=already quoted", doc_id="@odd",
                   targets=(target(quote="-=x", year=None, value=None), target(target_id="T2", value=0.1)))
    return tables.to_frames([xiqing, odd])


@pytest.mark.parametrize("fmt", tables.FORMATS)
def test_round_trip(tmp_path, xiqing, fmt):
    frames = tricky_frames(xiqing)
    tables.write_tables(frames, tmp_path, fmt)
    back = tables.read_tables(tmp_path)
    assert sorted(back) == sorted(frames)
    for name, df in frames.items():
        pd.testing.assert_frame_equal(back[name], df, check_dtype=True)


@pytest.mark.parametrize("fmt", tables.FORMATS)
def test_same_tables_give_the_same_bytes(tmp_path, xiqing, fmt):
    frames = tricky_frames(xiqing)
    tables.write_tables(frames, tmp_path / "a", fmt)
    tables.write_tables(frames, tmp_path / "b", fmt)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def fail_on_second_row(monkeypatch) -> None:
    calls = {"n": 0}
    original = tables._format_csv

    def flaky(value, kind):
        calls["n"] += 1
        if calls["n"] > 20:
            raise OSError("disk full")
        return original(value, kind)

    monkeypatch.setattr(tables, "_format_csv", flaky)


def test_failed_write_keeps_the_old_table_and_leaves_no_temp_file(tmp_path, monkeypatch, xiqing):
    tables.write_tables(tables.to_frames([xiqing]), tmp_path, "csv")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    fail_on_second_row(monkeypatch)
    with pytest.raises(OSError, match="disk full"):
        tables.write_tables(tables.to_frames([xiqing, make_doc()]), tmp_path, "csv")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_failed_first_write_leaves_an_empty_folder(tmp_path, monkeypatch, xiqing):
    fail_on_second_row(monkeypatch)
    with pytest.raises(OSError):
        tables.write_tables(tables.to_frames([xiqing]), tmp_path / "out", "csv")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("name, file", [
    ("../../escape", "escape.csv"),
    ("/etc/passwd", "etc_passwd.csv"),
    ("目标 表", "目标_表.csv"),
])
def test_table_names_stay_inside_the_folder(tmp_path, name, file):
    tables.write_tables({name: pd.DataFrame({"a": [1]})}, tmp_path / "out", "csv")
    assert [p.name for p in (tmp_path / "out").iterdir()] == [file]


def test_reading_a_folder_without_tables_says_so(tmp_path):
    with pytest.raises(InputError, match="no extracted tables"):
        tables.read_tables(tmp_path)


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-x", "@a", "\tx", "'=x", "''+y", "'abc", "", "普通文本"])
def test_neutralize_round_trips(text):
    assert tables.unneutralize(tables.neutralize(text)) == text
    assert not tables.neutralize(text).startswith(("=", "+", "-", "@", "\t"))


def test_csv_parses_with_the_standard_library(tmp_path, xiqing):
    """Quotes, commas and line breaks inside cells survive a plain csv reader (what score.py uses)."""
    doc = make_doc(title='含,逗号 "引号"\n换行')
    tables.write_tables(tables.to_frames([doc]), tmp_path, "csv")
    text = (tmp_path / "documents.csv").read_text(encoding="utf-8-sig")
    assert next(csv.DictReader(io.StringIO(text)))["title"] == '含,逗号 "引号"\n换行'
