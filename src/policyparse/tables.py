"""Documents -> rows -> CSV, Parquet or XLSX files, and extracted folders back into DataFrames.

The tables are read by people in Excel as much as by pandas, so the CSV is UTF-8 with a byte-order mark
(Excel otherwise guesses a legacy code page and garbles Chinese) and every text cell that a spreadsheet
would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading `'` — in CSV and XLSX,
not in Parquet, whose typed columns no spreadsheet evaluates. `read_tables` undoes exactly that quoting,
so a write/read round trip gives back the same values. Numbers stay numbers: whole numbers are written
without `.0` (a year is 2025, not 2025.0) and a missing number is an empty cell.

Writing streams: `TableWriter` takes rows a document at a time, so a batch never holds the corpus in
memory, and it writes every table to a temporary name in the output folder that is renamed over the
final name only when all rows are in (`os.replace` is atomic on one file system), so a crash or Ctrl-C
leaves the previous tables intact and no half-written file behind.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
import secrets
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

import pandas as pd

from .model import INT_COLUMNS, TABLE_COLUMNS, Document, InputError, PolicyParseError

FORMATS = ("csv", "parquet", "xlsx")
XLSX_NAME = "tables.xlsx"
_FLOAT_COLUMNS = {"value", "value_max", "similarity"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")   # what Excel and LibreOffice evaluate on open
# The comparator "=" of SCHEMA.md is a value, not a formula: a lone sign has nothing to evaluate, and
# the contract (and the scoring tool) read it as written. Lone "-" (no value) is kept for the same reason.
_NOT_A_FORMULA = frozenset({"=", "-", "+"})
_MAY_NEED_QUOTE = frozenset("'" + "".join(_FORMULA_START))   # first characters worth a closer look
_XLSX_MAX_ROWS = 1_048_576                           # Excel's sheet limit, header included
_XLSX_EPOCH = (1980, 1, 1, 0, 0, 0)                  # fixed zip time: byte-identical workbooks
_PARQUET_BATCH = 50_000                              # rows per row group: bounded memory, few groups

Schema = Sequence[tuple[str, str]]                   # (column, kind) with kind "int" | "float" | "str"


def neutralize(text: str) -> str:
    """Quote a cell a spreadsheet would run as a formula; cells already starting with `'` are quoted too,
    so that `unneutralize` is an exact inverse.

    >>> neutralize("=SUM(A1)"), neutralize("-5%"), neutralize("'=x"), neutralize("碳达峰"), neutralize("=")
    ("'=SUM(A1)", "'-5%", "''=x", '碳达峰', '=')
    """
    if text[:1] not in _MAY_NEED_QUOTE or text in _NOT_A_FORMULA:   # most cells: one set lookup
        return text
    if text.lstrip("'").startswith(_FORMULA_START):
        return "'" + text
    return text


def unneutralize(text: str) -> str:
    """Undo `neutralize`.

    >>> unneutralize("'=SUM(A1)"), unneutralize("''=x"), unneutralize("'abc")
    ('=SUM(A1)', "'=x", "'abc")
    """
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START) and text[1:] not in _NOT_A_FORMULA:
        return text[1:]
    return text


def column_kind(name: str, dtype: Any = None) -> str:
    """"int", "float" or "str": by the column's documented meaning, else by its dtype."""
    if name in INT_COLUMNS:
        return "int"
    if name in _FLOAT_COLUMNS:
        return "float"
    if dtype is None or name in _KNOWN_COLUMNS or pd.api.types.is_bool_dtype(dtype):
        return "str"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    return "str"


_KNOWN_COLUMNS = {c for cols in TABLE_COLUMNS.values() for c in cols}
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    name: [(c, column_kind(c)) for c in cols] for name, cols in TABLE_COLUMNS.items()}


def _plain(value: Any, kind: str) -> Any:
    """A cell as a plain Python value of its kind (None when missing), whatever pandas made of it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if kind != "str" and isinstance(value, str):   # a number read back from a text cell
        if not value.strip():
            return None
        value = float(value)
        if math.isnan(value):
            return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if hasattr(value, "item"):   # a numpy scalar in a text column
        value = value.item()
    return value if isinstance(value, str) else str(value)


def frame_rows(df: pd.DataFrame, schema: Schema) -> Iterator[tuple]:
    """The rows of `df` in `schema` column order as plain Python tuples (absent columns are empty)."""
    df = df.reindex(columns=[c for c, _ in schema])
    kinds = [k for _, k in schema]
    for row in df.itertuples(index=False, name=None):
        yield tuple(_plain(v, k) for v, k in zip(row, kinds))


def schema_of(df: pd.DataFrame) -> list[tuple[str, str]]:
    return [(str(c), column_kind(str(c), df[c].dtype)) for c in df.columns]


_RECORDS = {"sections": "section_list", "targets": "target_list", "entities": "entity_list",
            "issues": "issue_list"}


def document_rows(doc: Document) -> dict[str, tuple[tuple, ...]]:
    """The five standard tables of one Document as rows of plain values (small, picklable, JSON-able).

    The same rows as `doc.tables()` (a test holds them equal), read straight from the records: building
    five DataFrames per document costs more than parsing a short notice does.
    """
    info = doc.document_row()
    out = {"documents": (tuple(_plain(info.get(c), k) for c, k in SCHEMAS["documents"]),)}
    for name, attr in _RECORDS.items():
        schema = SCHEMAS[name]
        out[name] = tuple(tuple(doc.doc_id if c == "doc_id" else _plain(getattr(r, c, None), k) for c, k in schema)
                          for r in getattr(doc, attr))
    return out


def typed(df: pd.DataFrame, schema: Optional[Schema] = None) -> pd.DataFrame:
    """`df` with canonical dtypes: Int64 for whole numbers, float64, and str with "" for missing text.

    Every reader returns this form, and Document frames compare equal to what was written after it.
    """
    out = pd.DataFrame(index=range(len(df)))
    for col, kind in schema or schema_of(df):
        values = [_plain(v, kind) for v in df[col]] if col in df.columns else [None] * len(df)
        if kind == "int":
            out[col] = pd.array(values, dtype="Int64")
        elif kind == "float":
            out[col] = pd.array([math.nan if v is None else v for v in values], dtype="float64")
        else:
            out[col] = pd.Series(["" if v is None else v for v in values], dtype=str)
    return out


def to_frames(docs: Iterable[Document]) -> dict[str, pd.DataFrame]:
    """Concatenate the standard tables of several Documents (canonical dtypes, documents in order)."""
    rows: dict[str, list[tuple]] = {name: [] for name in SCHEMAS}
    for doc in docs:
        for name, part in document_rows(doc).items():
            rows[name].extend(part)
    return {name: rows_frame(rows[name], SCHEMAS[name]) for name in SCHEMAS}


def rows_frame(rows: Sequence[Sequence[Any]], schema: Schema) -> pd.DataFrame:
    return typed(pd.DataFrame(list(rows), columns=[c for c, _ in schema], dtype=object), schema)


def safe_name(name: str) -> str:
    """A table name usable as a file and sheet name that cannot leave the output folder.

    >>> safe_name("targets"), safe_name("../x/y"), safe_name("目标 表")
    ('targets', 'x_y', '目标_表')
    """
    cleaned = re.sub(r"[^\w\-]+", "_", name).strip("._")
    if not cleaned:
        raise ValueError(f"table name {name!r} gives no usable file name")
    return cleaned[:31]  # Excel's sheet name limit, also short enough for any file system


def _format_csv(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "int":
        return str(value)
    if kind == "float":
        # a whole number reads as one (30, not 30.0); otherwise the shortest exact repr
        value = float(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return neutralize(value)


def _temp_path(final: Path) -> Path:
    # beside the final file (same file system, so the rename is atomic) and hidden; opened with "x" so the
    # file gets the user's usual permissions (mkstemp would make it private)
    return final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")


class _Sink:
    """One output file: written under a temporary name, renamed by `commit`, deleted by `abort`."""

    def __init__(self, final: Path):
        self.final, self.temp = final, _temp_path(final)

    def commit(self) -> None:
        self.close()
        os.replace(self.temp, self.final)

    def abort(self) -> None:
        try:
            self.discard()
        finally:
            self.temp.unlink(missing_ok=True)

    def close(self) -> None:
        """Finish the temporary file (all rows on disk)."""
        raise NotImplementedError

    def discard(self) -> None:
        """Let go of the temporary file without finishing it."""
        self.close()


class _CsvSink(_Sink):
    def __init__(self, final: Path, schema: Schema):
        super().__init__(final)
        self.kinds = [k for _, k in schema]
        self.file = open(self.temp, "x", encoding="utf-8-sig", newline="")
        # "\n" rather than csv's "\r\n": the same bytes on every platform and in git
        self.writer = csv.writer(self.file, lineterminator="\n")
        self.writer.writerow([neutralize(c) for c, _ in schema])

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        kinds = self.kinds
        self.writer.writerows([_format_csv(v, k) for v, k in zip(row, kinds)] for row in rows)

    def close(self) -> None:
        if not self.file.closed:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()


class _ParquetSink(_Sink):
    def __init__(self, final: Path, schema: Schema):
        import pyarrow as pa
        import pyarrow.parquet as pq

        super().__init__(final)
        types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}
        self.schema = pa.schema([(c, types[k]) for c, k in schema])
        self.buffer: list[Sequence[Any]] = []
        self.groups = 0
        self.writer = pq.ParquetWriter(self.temp, self.schema)

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= _PARQUET_BATCH:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        columns = list(zip(*self.buffer)) if self.buffer else [()] * len(self.schema)
        self.writer.write_table(pa.Table.from_arrays(
            [pa.array(list(col), type=f.type) for col, f in zip(columns, self.schema)], schema=self.schema))
        self.buffer, self.groups = [], self.groups + 1

    def close(self) -> None:
        if self.writer is None:
            return
        try:
            if self.buffer or not self.groups:   # an empty table still gets its schema written
                self._flush()
        finally:
            self.writer.close()
            self.writer = None


class _XlsxSink(_Sink):
    """All tables as sheets of one workbook; openpyxl's write-only mode streams rows to disk."""

    def __init__(self, final: Path, schemas: Mapping[str, Schema]):
        from openpyxl import Workbook

        super().__init__(final)
        self.book = Workbook(write_only=True)
        self.sheets, self.kinds, self.counts = {}, {}, {}
        for name, schema in schemas.items():
            sheet = self.book.create_sheet(safe_name(name))
            sheet.append([c for c, _ in schema])
            self.sheets[name], self.kinds[name], self.counts[name] = sheet, [k for _, k in schema], 1
        self.closed = False

    def write_table(self, name: str, rows: Iterable[Sequence[Any]]) -> None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        sheet, kinds = self.sheets[name], self.kinds[name]
        for row in rows:
            self.counts[name] += 1
            if self.counts[name] > _XLSX_MAX_ROWS:
                raise PolicyParseError(f"table {name} has more rows than an Excel sheet holds; "
                                 "use --format csv or parquet")
            sheet.append([neutralize(ILLEGAL_CHARACTERS_RE.sub("", v)) if k == "str" and v is not None else v
                          for v, k in zip(row, kinds)])

    def discard(self) -> None:
        self.closed = True   # nothing on disk yet: openpyxl removes its sheet buffers at exit

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        buffer = io.BytesIO()
        self.book.save(buffer)
        _repack_zip(buffer, self.temp)


def _repack_zip(buffer: io.BytesIO, target: Path) -> None:
    """Copy a workbook with fixed zip times and document dates, so the same tables give the same bytes."""
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(target, "x", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_XLSX_EPOCH), data,
                         compress_type=zipfile.ZIP_DEFLATED)
        # an fsync before the rename: after a power cut the new name must not point at missing data
        dst.fp.flush()
        os.fsync(dst.fp.fileno())


class TableWriter:
    """Streams rows into one output folder: `write(table, rows)` as often as needed, then `commit()`.

    Used as a context manager it commits on success and on any exception (Ctrl-C included) removes its
    temporary files, leaving whatever tables the folder held before.
    """

    def __init__(self, out_dir: Path, fmt: str, schemas: Mapping[str, Schema] = SCHEMAS):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.out_dir, self.fmt = Path(out_dir), fmt
        self.out_dir.mkdir(parents=True, exist_ok=True)
        names = [safe_name(n) for n in schemas]
        if len(set(names)) != len(names):
            raise ValueError(f"table names {list(schemas)} collide as file names")
        self.sinks: dict[str, _Sink] = {}
        try:
            if fmt == "xlsx":
                self.sinks[""] = _XlsxSink(self.out_dir / XLSX_NAME, schemas)
            else:
                sink = _CsvSink if fmt == "csv" else _ParquetSink
                for name, schema in schemas.items():
                    self.sinks[name] = sink(self.out_dir / f"{safe_name(name)}.{fmt}", schema)
        except BaseException:
            self.abort()
            raise

    def write(self, table: str, rows: Iterable[Sequence[Any]]) -> None:
        if self.fmt == "xlsx":
            self.sinks[""].write_table(table, rows)
        else:
            self.sinks[table].write(rows)

    def commit(self) -> None:
        for sink in self.sinks.values():
            sink.close()        # everything on disk before the first rename
        for sink in self.sinks.values():
            sink.commit()

    def abort(self) -> None:
        for sink in self.sinks.values():
            try:
                sink.abort()
            except Exception:   # a second failure must not hide the first or keep other temp files
                pass

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.commit()
            except BaseException:
                self.abort()
                raise
        else:
            self.abort()


def write_tables(frames: Mapping[str, pd.DataFrame], out_dir: Path, fmt: str = "csv") -> None:
    """Write DataFrames (name -> frame) to `out_dir` as name.csv / name.parquet / tables.xlsx sheets."""
    schemas = {name: SCHEMAS.get(name) if list(df.columns) == TABLE_COLUMNS.get(name) else schema_of(df)
               for name, df in frames.items()}
    with TableWriter(out_dir, fmt, schemas) as writer:
        for name, df in frames.items():
            writer.write(name, frame_rows(df, schemas[name]))


def _from_text_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Typed frame from CSV/XLSX cells; text cells lose the formula quoting the writer added.

    Columns of the standard tables get their documented kind; other columns keep what the cells hold
    (numbers in XLSX, text in CSV, where "2.1" may as well be a section path as a number).
    """
    df.columns = [str(c) for c in df.columns]
    schema = [(c, column_kind(c, df[c].infer_objects().dtype)) for c in df.columns]
    for col, kind in schema:
        if kind == "str":
            df[col] = [unneutralize(v) if isinstance(v, str) else v for v in df[col]]
    return typed(df, schema)


def detect_format(folder: Path) -> str:
    folder = Path(folder)
    for fmt in ("csv", "parquet"):
        if any((folder / f"{name}.{fmt}").exists() for name in TABLE_COLUMNS):
            return fmt
    if (folder / XLSX_NAME).exists():
        return "xlsx"
    raise InputError(f"{folder}: no extracted tables here (documents.csv, .parquet or {XLSX_NAME})")


def read_tables(folder: Path, fmt: Optional[str] = None) -> dict[str, pd.DataFrame]:
    """The tables of a folder written by `extract` in any format, with canonical dtypes (see `typed`).

    Every table file at the top of the folder is read (sorted by name); subfolders are not.
    """
    folder = Path(folder)
    fmt = fmt or detect_format(folder)
    if fmt == "csv":
        return {p.stem: _from_text_cells(pd.read_csv(
                    p, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
                for p in sorted(folder.glob("*.csv"))}
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        out = {}
        for p in sorted(folder.glob("*.parquet")):
            table = pq.read_table(p)
            schema = [(f.name, "int" if pa.types.is_integer(f.type) else
                       "float" if pa.types.is_floating(f.type) else "str") for f in table.schema]
            out[p.stem] = typed(table.to_pandas(), schema)
        return out
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(folder / XLSX_NAME, read_only=True, data_only=True)
        try:
            out = {}
            for sheet in book.worksheets:
                rows = list(sheet.iter_rows(values_only=True))
                header = [str(c) for c in rows[0]] if rows else []
                # read-only mode drops empty trailing cells of a row: pad to the header
                body = [tuple(r) + (None,) * (len(header) - len(r)) for r in rows[1:]]
                out[sheet.title] = _from_text_cells(pd.DataFrame(body, columns=header, dtype=object))
            return out
        finally:
            book.close()
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
