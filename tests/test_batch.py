"""Batch extraction: determinism, error isolation, the cache, engines, and the committed snapshots."""
from __future__ import annotations

import io
import os
import random
import shutil
import sys
from pathlib import Path

import pytest

from policyparse import batch, pipeline, tables
from policyparse.model import TABLE_COLUMNS, InputError

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RAW = SHARED / "corpus" / "raw"
NEEDS_SHARED = pytest.mark.skipif(not RAW.is_dir(), reason="../shared/corpus is not beside the repository")
# small real documents keep these tests quick; the whole corpus has its own test below
SMALL_RAW = ["tianjin-energy-guarantee-ten-measures-2022.txt", "hangzhou-sci-tech-carbon-peak-action-plan.txt"]


def table_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.csv").read_bytes() for name in TABLE_COLUMNS}


def read(folder: Path) -> dict:
    return tables.read_tables(folder)


XIQING = REPO / "corpus" / "xiqing-2023.txt"


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A folder of small real documents: the head of the Xiqing plan (its notice, title block and first
    parts) and, when ../shared is there, two short notices in a subfolder."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "xiqing-2023-head.txt").write_text(XIQING.read_text(encoding="utf-8")[:4000], encoding="utf-8")
    (folder / "sub").mkdir()
    for name in SMALL_RAW:
        if (RAW / name).exists():
            shutil.copy(RAW / name, folder / "sub" / name)
    return folder


def doc_ids(folder: Path) -> list[str]:
    return list(read(folder)["documents"]["doc_id"])


def test_two_runs_give_identical_bytes(tmp_path, corpus):
    assert batch.run_extract([str(corpus)], tmp_path / "a", progress=False) == 0
    assert batch.run_extract([str(corpus)], tmp_path / "b", progress=False) == 0
    assert table_bytes(tmp_path / "a") == table_bytes(tmp_path / "b")


@pytest.mark.parametrize("names, ids", [
    (["b/plan.txt", "a/plan.txt", "c.txt"], ["plan", "plan-2", "c"]),        # a/ sorts before b/
    (["x.txt", "sub/x.html", "x-2.txt"], ["x", "x-2", "x-3"]),              # order: sub/x.html, x-2.txt, x.txt
    (["A.txt", "a.TXT", ".hidden.txt", "notes.md"], ["A", "a"]),             # other files and hidden ones skipped
])
def test_discovery_order_and_unique_ids(tmp_path, names, ids):
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("通知", encoding="utf-8")
    jobs = batch.discover([str(tmp_path)])
    assert sorted(j.doc_id for j in jobs) == sorted(ids)
    assert [j.source_path for j in jobs] == sorted((j.source_path for j in jobs),
                                                   key=lambda p: Path(p).relative_to(tmp_path).parts)


def test_a_missing_path_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        batch.run_extract([str(tmp_path / "nope")], tmp_path / "out", progress=False)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("stderr, progress, shown", [
    (Terminal, True, True),
    (Terminal, False, False),      # --no-progress
    (io.StringIO, True, False),    # piped or redirected: quiet
])
def test_progress_bar_only_on_a_terminal(tmp_path, monkeypatch, stderr, progress, shown):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "head.txt").write_text(XIQING.read_text(encoding="utf-8")[:2000], encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", stderr())
    batch.run_extract([str(tmp_path / "in")], tmp_path / "out", progress=progress)
    assert ("doc/s" in sys.stderr.getvalue()) == shown


def add_broken_files(folder: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(random.Random(5).randbytes(4096))


@pytest.mark.parametrize("jobs", [1, 2])
def test_broken_files_become_error_rows_and_the_rest_finish(tmp_path, corpus, capfd, jobs):
    good = [j.doc_id for j in batch.discover([str(corpus)])]
    add_broken_files(corpus)
    assert batch.run_extract([str(corpus)], tmp_path / "out", jobs=jobs, progress=False) == 1
    out = read(tmp_path / "out")
    errors = out["issues"][out["issues"]["kind"] == "error"]
    assert sorted(errors["doc_id"]) == ["broken", "empty"]
    assert set(errors["severity"]) == {"error"}
    assert all(m.startswith("could not read file: ") for m in errors["message"]), list(errors["message"])
    docs = out["documents"].set_index("doc_id")
    assert set(good) | {"broken", "empty"} == set(docs.index)
    assert docs.loc["broken", "n_issues"] == 1 and docs.loc["broken", "sha256"]
    assert docs.loc[good, "n_chars"].gt(0).all()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "broken.pdf" in err
    assert f"2 of {len(good) + 2} files could not be parsed" in err


def test_debug_shows_the_traceback(tmp_path, capfd):
    add_broken_files(tmp_path)
    assert batch.run_extract([str(tmp_path / "empty.txt")], tmp_path / "out", progress=False, debug=True) == 1
    assert "Traceback" in capfd.readouterr().err


def test_a_worker_crash_costs_only_its_file(tmp_path, corpus, monkeypatch):
    """A file that kills its worker (a crash in a C library, the OOM killer) fails alone."""
    (corpus / "crash.txt").write_text("通知", encoding="utf-8")
    real = pipeline.parse_file

    def parse_or_die(path, *args, **kw):
        if Path(path).name == "crash.txt":
            os._exit(3)
        return real(path, *args, **kw)

    monkeypatch.setattr(pipeline, "parse_file", parse_or_die)   # the forked workers inherit it
    assert batch.run_extract([str(corpus)], tmp_path / "out", jobs=2, progress=False) == 1
    issues = read(tmp_path / "out")["issues"]
    errors = issues[issues["kind"] == "error"]
    assert list(errors["doc_id"]) == ["crash"] and "crashed" in errors["message"].iloc[0]
    assert len(read(tmp_path / "out")["documents"]) == len(batch.discover([str(corpus)]))


def counting_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = pipeline.parse_file

    def counted(path, *args, **kw):
        parsed.append(Path(path).name)
        return real(path, *args, **kw)

    monkeypatch.setattr(pipeline, "parse_file", counted)
    return parsed


def test_cache_parses_only_new_files(tmp_path, corpus, monkeypatch):
    parsed = counting_parses(monkeypatch)
    cache = tmp_path / "cache"
    n = len(batch.discover([str(corpus)]))
    assert batch.run_extract([str(corpus)], tmp_path / "first", cache_dir=cache, progress=False) == 0
    assert len(parsed) == n
    assert batch.run_extract([str(corpus)], tmp_path / "second", cache_dir=cache, progress=False) == 0
    assert len(parsed) == n, "a second run over the same files parsed again"
    assert table_bytes(tmp_path / "second") == table_bytes(tmp_path / "first")
    (corpus / "zz-new.txt").write_text(XIQING.read_text(encoding="utf-8")[4000:7000], encoding="utf-8")
    assert batch.run_extract([str(corpus)], tmp_path / "third", cache_dir=cache, progress=False) == 0
    assert parsed[n:] == ["zz-new.txt"]
    assert batch.run_extract([str(corpus)], tmp_path / "fresh", progress=False) == 0
    assert table_bytes(tmp_path / "third") == table_bytes(tmp_path / "fresh")


def test_cache_follows_a_moved_corpus_and_a_code_change(tmp_path, corpus, monkeypatch):
    parsed = counting_parses(monkeypatch)
    cache = tmp_path / "cache"
    batch.run_extract([str(corpus)], tmp_path / "a", cache_dir=cache, progress=False)
    moved = shutil.copytree(corpus, tmp_path / "moved")
    n = len(parsed)
    batch.run_extract([str(moved)], tmp_path / "b", cache_dir=cache, progress=False)
    assert len(parsed) == n
    assert read(tmp_path / "b")["documents"]["source_path"].str.startswith(str(moved)).all()
    monkeypatch.setattr(batch, "__version__", "changed")
    batch.run_extract([str(moved)], tmp_path / "c", cache_dir=cache, progress=False)
    assert len(parsed) == 2 * n


def test_two_workers_write_what_one_writes(tmp_path, corpus):
    add_broken_files(corpus)
    batch.run_extract([str(corpus)], tmp_path / "one", jobs=1, progress=False)
    batch.run_extract([str(corpus)], tmp_path / "two", jobs=2, progress=False)
    assert table_bytes(tmp_path / "one") == table_bytes(tmp_path / "two")


def test_dask_writes_what_local_writes(tmp_path, corpus):
    add_broken_files(corpus)
    batch.run_extract([str(corpus)], tmp_path / "local", progress=False)
    batch.run_extract([str(corpus)], tmp_path / "dask", jobs=2, engine="dask", progress=False)
    assert table_bytes(tmp_path / "local") == table_bytes(tmp_path / "dask")


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_every_format_holds_the_same_tables(tmp_path, corpus, fmt):
    batch.run_extract([str(corpus)], tmp_path / "csv", progress=False)
    batch.run_extract([str(corpus)], tmp_path / fmt, fmt=fmt, progress=False)
    want, got = read(tmp_path / "csv"), read(tmp_path / fmt)
    for name in TABLE_COLUMNS:
        assert got[name].equals(want[name]), name


SNAPSHOTS = [
    pytest.param("corpus", "extracted", id="corpus"),
    pytest.param("../shared/corpus/raw/national-2030-action-plan.txt", "extracted/national-2030-action-plan",
                 id="national-2030-action-plan", marks=NEEDS_SHARED),
]


@pytest.mark.parametrize("source, snapshot", SNAPSHOTS)
def test_committed_snapshots_match(tmp_path, monkeypatch, source, snapshot):
    """extracted/ holds what the code writes today; regenerate it with `make snapshots` after a change."""
    if not (REPO / snapshot / "documents.csv").exists():
        pytest.skip(f"{snapshot}/documents.csv is not there yet; write it with `make snapshots`")
    monkeypatch.chdir(REPO)   # the Makefile's relative paths, which end up in source_path
    batch.run_extract([source], tmp_path, progress=False)
    for name in TABLE_COLUMNS:
        assert (tmp_path / f"{name}.csv").read_bytes() == (REPO / snapshot / f"{name}.csv").read_bytes(), (
            f"{snapshot}/{name}.csv differs from what the code writes now: run `make snapshots` if intended")


@pytest.mark.slow
@NEEDS_SHARED
def test_the_whole_shared_corpus_extracts(tmp_path):
    corpus = SHARED / "corpus"
    files = [p for p in corpus.rglob("*") if p.suffix.lower() in batch.SUFFIXES]
    assert any(p.suffix == ".pdf" for p in files)
    assert batch.run_extract([str(corpus)], tmp_path, jobs=2, progress=False) == 0
    out = read(tmp_path)
    assert sorted(out["documents"]["source_path"]) == sorted(str(p) for p in files)
    assert out["documents"]["n_chars"].gt(0).all()
    assert not (out["issues"]["kind"] == "error").any()
