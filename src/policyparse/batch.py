"""Many files at once: discovery, worker processes or Dask, a cache, progress, and error isolation.

`run_extract` parses every document under the given paths and streams the rows of each into the five
tables (`tables.TableWriter`), in a fixed order, so the same input gives byte-identical tables whatever
the number of workers or the engine. A worker parses one file and returns plain rows, never a Document,
so that nothing but small tuples crosses process or network boundaries and the parent holds at most a
window of results. A file that cannot be parsed becomes a row of `issues` with kind `error` and a row of
`documents` with only its id, path and hash (so every input file is listed, and the two tables join);
the other files still finish, and the exit status is 1.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import os
import re
import sys
import time
import traceback
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence

from . import __version__, ingest, pipeline, tables
from .model import DOCUMENT_COLUMNS, ISSUE_COLUMNS, InputError, PolicyParseError

SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")
ENGINES = ("local", "dask")
Rows = Mapping[str, tuple[tuple, ...]]
_N_CHARS = DOCUMENT_COLUMNS.index("n_chars")


@dataclass(frozen=True)
class Job:
    """One input file: `path` is what a worker opens, `source_path` what the tables show."""

    index: int
    path: str
    source_path: str
    doc_id: str
    limits: Optional[ingest.Limits] = None   # None: the defaults of ingest.Limits


@dataclass(frozen=True)
class DocResult:
    """What a worker sends back for one file: its rows of the five tables, or why it failed."""

    index: int
    doc_id: str
    rows: Rows
    error: str = ""       # the message a researcher reads in issues.csv; "" when parsed
    traceback: str = ""   # only collected with debug
    parsed: bool = True   # False when the rows came from the cache

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class RunSummary:
    n_files: int
    n_failed: int
    n_parsed: int       # files actually parsed in this run (the rest came from the cache)
    n_chars: int        # characters of the documents read
    seconds: float
    first_seconds: float = 0.0   # until the first document was in: starting workers, loading dictionaries

    @property
    def exit_code(self) -> int:
        return 1 if self.n_failed else 0


def discover(paths: Sequence[str], limits: Optional[ingest.Limits] = None) -> list[Job]:
    """The files named or found under `paths`, in a fixed order, with unique document ids.

    Folders are searched recursively for SUFFIXES (hidden files and folders skipped) and sorted by path
    components, so the order never depends on the file system. A file named explicitly is taken whatever
    its extension (reading it reports what is wrong). The id is the file stem; a stem seen before gets
    -2, -3 … in that order.
    """
    found: list[tuple[Path, str]] = []
    for arg in paths:
        root = Path(arg)
        if root.is_dir():
            hits = []
            for folder, dirs, files in os.walk(root):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                hits += [Path(folder, f).relative_to(root) for f in files
                         if not f.startswith(".") and Path(f).suffix.lower() in SUFFIXES]
            shown = PurePosixPath(root.as_posix())
            found += [(root / rel, str(shown / rel.as_posix())) for rel in sorted(hits, key=lambda p: p.parts)]
        elif root.is_file():
            found.append((root, root.as_posix()))
        else:
            raise InputError(f"no such file or folder: {arg}")
    jobs, seen_files, seen_ids = [], set(), set()
    for path, shown in found:
        real = path.resolve()
        if real in seen_files:   # the same file named twice (a folder and a file inside it)
            continue
        seen_files.add(real)
        doc_id, n = path.stem, 1
        while doc_id in seen_ids:
            n += 1
            doc_id = f"{path.stem}-{n}"
        seen_ids.add(doc_id)
        # the absolute path, so that a worker in another folder or on another machine finds it
        jobs.append(Job(len(jobs), str(real), shown, doc_id, limits))
    return jobs


def code_fingerprint() -> str:
    """A hash of what decides the rows: the version, every module and data file, and the versions of the
    libraries the package depends on. A rule edit or a code change during development invalidates the
    cache although the version number stays the same."""
    from importlib import metadata

    digest = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml", ".txt", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        requires = metadata.requires("policyparse") or []
    except metadata.PackageNotFoundError:
        requires = []
    for req in sorted(r for r in requires if "extra ==" not in r):
        name = re.match(r"[A-Za-z0-9_.\-]+", req)
        try:
            digest.update(f"{name.group()}={metadata.version(name.group())}".encode() if name else b"")
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()


class ResultCache:
    """The rows of parsed files in a folder, one JSON file per (file content, document id, code).

    JSON rather than pickle: an entry is plain rows, and reading a cache never runs code. The source path
    is not part of the key (it is set again on reading), so moving the corpus keeps the cache valid.
    """

    def __init__(self, root: Path):
        self.root, self.fingerprint = Path(root), code_fingerprint()
        self.keys: dict[int, str] = {}

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, job: Job) -> Optional[Rows]:
        sha = _file_sha256(job.path)
        if not sha:
            return None
        key = hashlib.sha256(f"{self.fingerprint}\0{sha}\0{job.doc_id}".encode()).hexdigest()
        try:
            stored = json.loads(self._path(key).read_text(encoding="utf-8"))
            return {name: tuple(tuple(row) for row in stored[name]) for name in tables.SCHEMAS}
        except (OSError, ValueError, KeyError, TypeError):   # absent or damaged: parse again
            self.keys[job.index] = key
            return None

    def put(self, job: Job, rows: Rows) -> None:
        key = self.keys.pop(job.index, None)
        if key is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps({name: rows[name] for name in tables.SCHEMAS}, ensure_ascii=False),
                        encoding="utf-8")
        os.replace(temp, path)   # two runs sharing a cache never see half an entry


def _with_source_path(rows: Rows, source_path: str) -> dict[str, tuple[tuple, ...]]:
    """Rows with the documents row showing the path as the user gave it (workers see absolute paths)."""
    col = DOCUMENT_COLUMNS.index("source_path")
    out = dict(rows)
    out["documents"] = tuple(r[:col] + (source_path,) + r[col + 1:] for r in rows["documents"])
    return out


def _file_sha256(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _failure(job: Job, message: str, trace: str = "") -> DocResult:
    doc: dict[str, Any] = dict.fromkeys(DOCUMENT_COLUMNS, "")
    # counts stay empty, not 0: nothing was counted; n_issues is the one error row
    doc.update(doc_id=job.doc_id, source_path=job.source_path, sha256=_file_sha256(job.path), n_chars=None,
               n_sections=None, n_targets=None, n_entities=None, n_issues=1)
    issue = dict.fromkeys(ISSUE_COLUMNS, "")
    issue.update(doc_id=job.doc_id, kind="error", severity="error", message=message, char_start=None,
                 char_end=None)
    rows = {name: () for name in tables.SCHEMAS}
    rows.update(documents=(tuple(doc.values()),), issues=(tuple(issue.values()),))
    return DocResult(job.index, job.doc_id, rows, error=message, traceback=trace)


def parse_job(job: Job, debug: bool = False) -> DocResult:
    """Parse one file into rows; never raises for a bad file (runs in a worker process)."""
    try:
        doc = pipeline.parse_file(job.path, pipeline.default_options(), doc_id=job.doc_id, limits=job.limits)
        if not doc.source.strip():
            raise InputError("the file contains no text")
        rows = _with_source_path(tables.document_rows(doc), job.source_path)
        return DocResult(job.index, job.doc_id, rows)
    except Exception as exc:   # a bad file, or a bug on odd input: isolate it and keep going
        return _failure(job, _explain(exc, job), traceback.format_exc() if debug else "")


def _explain(exc: Exception, job: Job) -> str:
    # the worker opened the absolute path; the user knows the file by the path they gave
    detail = str(exc).replace(job.path, job.source_path)
    if isinstance(exc, PolicyParseError):
        return f"could not read file: {detail}"
    return f"could not parse file: internal error ({type(exc).__name__}: {detail}); run with --debug for details"


# a short notice that takes every stage through its lazy loading (tokenizers, taggers, compiled rules)
_WARM_UP = "关于印发实施方案的通知\n一、主要目标\n到2025年，单位地区生产总值能耗比2020年下降13.5%。由区发展改革委牵头。"


def _init_worker() -> None:
    # rules, dictionaries and the tokenizer are loaded once per worker, not once per file
    pipeline.parse(_WARM_UP, options=pipeline.default_options())


def _ready_worker() -> str:
    """Prepare a Dask worker, and say which code it runs (a cluster must write what one machine writes)."""
    _init_worker()
    return code_fingerprint()


class _Ready:
    """A result that looks like a future: a cache hit, or (jobs=1) a file parsed when asked for."""

    def __init__(self, value: Optional[DocResult] = None, job: Optional[Job] = None, debug: bool = False):
        self.value, self.job, self.debug = value, job, debug

    def result(self) -> DocResult:
        return self.value if self.job is None else parse_job(self.job, self.debug)


class _InProcess:
    """jobs=1: parse in this process, no pool to start; the base of the other engines."""

    workers, ahead = 1, 1

    def __init__(self, debug: bool):
        self.debug = debug
        _init_worker()

    def submit(self, job: Job) -> Any:
        return _Ready(job=job, debug=self.debug)

    def recover(self, job: Job, exc: BaseException) -> DocResult:
        raise exc

    def retry_needed(self, future: Any) -> bool:
        return False

    def close(self) -> None:
        pass


class _LocalPool(_InProcess):
    """Worker processes; a worker that dies (a crash in a C library, the OOM killer) costs one file."""

    def __init__(self, workers: int, debug: bool):
        self.workers, self.ahead, self.debug = workers, 8 * workers, debug
        # fork where it exists: workers start in milliseconds with the modules already imported, which
        # matters when a document parses in tens of milliseconds
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else None)
        if self.context.get_start_method() == "fork":
            # load once here and let the workers inherit it: one load for the run instead of one per
            # worker, and pages shared (freeze keeps the collector from copying them into every worker)
            _init_worker()
            gc.freeze()
        try:
            self.pool = self._start(workers)
        finally:
            gc.unfreeze()   # the workers are forked; this process collects as usual again

    def _start(self, workers: int) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(workers, mp_context=self.context, initializer=_init_worker)
        pool.submit(int).result()   # workers up before any other thread (the progress bar) starts
        return pool

    def submit(self, job: Job) -> Any:
        return self.pool.submit(parse_job, job, self.debug)

    def recover(self, job: Job, exc: BaseException) -> DocResult:
        """After a worker died: retry `job` alone, so that only the file that kills a worker fails."""
        if not isinstance(exc, BrokenProcessPool):
            raise exc
        self.pool.shutdown(wait=True, cancel_futures=True)
        alone = self._start(1)
        try:
            result = alone.submit(parse_job, job, self.debug).result()
        except BrokenProcessPool:
            result = _failure(job, "could not parse file: the parser process crashed on it "
                                   "(a damaged file, or more memory than the machine has)")
        finally:
            alone.shutdown(wait=True, cancel_futures=True)
        self.pool = self._start(self.workers)
        return result

    def retry_needed(self, future: Any) -> bool:
        return future.done() and isinstance(future.exception(), BrokenProcessPool)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _DaskEngine(_InProcess):
    """The same `parse_job` on Dask: a LocalCluster of `workers` processes, or a running scheduler."""

    def __init__(self, workers: int, scheduler: Optional[str], debug: bool):
        from distributed import Client, LocalCluster

        self.debug, self.cluster = debug, None
        # Dask narrates its start and stop at INFO on stderr; a researcher sees only errors (or all of
        # it with --debug), and the level is put back when the run ends
        self.logger = logging.getLogger("distributed")
        self.old_level = self.logger.level
        self.logger.setLevel(logging.DEBUG if debug else logging.ERROR)
        try:
            if scheduler:
                self.client = Client(scheduler)
            else:
                # no dashboard, and the scheduler's HTTP endpoint on a free port: never a clash on 8787
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"},
                                            silence_logs=logging.DEBUG if debug else logging.ERROR)
                self.client = Client(self.cluster)
            self.workers = max(1, sum(self.client.nthreads().values()))
            self.ahead = 8 * self.workers
            try:
                prints = self.client.run(_ready_worker)
            except ImportError as exc:
                raise PolicyParseError(f"the Dask workers cannot run policyparse ({exc}); install it on "
                                       "every worker machine") from exc
            if set(prints.values()) != {code_fingerprint()}:
                print("policyparse: warning: some Dask workers run other policyparse code, rules or "
                      "libraries than this machine; their rows may differ", file=sys.stderr)
        except BaseException:
            self.close()
            raise

    def submit(self, job: Job) -> Any:
        # pure=False: a changed file at the same path must be parsed again, not served from Dask's memory
        return self.client.submit(parse_job, job, self.debug, pure=False)

    def recover(self, job: Job, exc: BaseException) -> DocResult:
        # Dask already retried the task on other workers; give up on this file only
        return _failure(job, f"could not parse file: the Dask worker failed on it ({type(exc).__name__}: {exc})")

    def close(self) -> None:
        try:
            if getattr(self, "client", None) is not None:
                self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            self.logger.setLevel(self.old_level)


def _ordered(jobs: Sequence[Job], submit: Callable[[Job], Any], engine: _InProcess) -> Iterator[DocResult]:
    """Results in input order, with at most `engine.ahead` jobs submitted ahead: the workers stay busy,
    the parent's memory stays bounded, and the order never depends on which worker is faster."""
    todo = iter(jobs)
    pending: deque = deque()

    def fill() -> None:
        while len(pending) < engine.ahead:
            job = next(todo, None)
            if job is None:
                return
            pending.append((job, submit(job)))

    fill()
    while pending:
        job, future = pending.popleft()
        try:
            result = future.result()
        except Exception as exc:
            result = engine.recover(job, exc)
            # the other jobs in flight died with the pool: submit them again to the new one
            for i, (other, fut) in enumerate(pending):
                if engine.retry_needed(fut):
                    pending[i] = (other, submit(other))
        yield result
        fill()


def _start_engine(engine: str, jobs: int, scheduler: Optional[str], debug: bool) -> _InProcess:
    if engine == "dask":
        return _DaskEngine(jobs, scheduler, debug)
    if scheduler:
        raise InputError("--scheduler needs --engine dask")
    return _LocalPool(jobs, debug) if jobs > 1 else _InProcess(debug)


def extract(paths: Sequence[str], out_dir: Path, *, fmt: str = "csv", jobs: int = 1, engine: str = "local",
            scheduler: Optional[str] = None, cache_dir: Optional[Path] = None, progress: bool = True,
            debug: bool = False, limits: Optional[ingest.Limits] = None) -> RunSummary:
    """Parse every document under `paths` into the five tables in `out_dir`; see `run_extract`."""
    from tqdm import tqdm

    for value, allowed, what in ((fmt, tables.FORMATS, "format"), (engine, ENGINES, "engine")):
        if value not in allowed:
            raise InputError(f"unknown {what} {value!r}; choose one of {', '.join(allowed)}")
    if jobs < 1:
        raise InputError("--jobs must be at least 1")
    started = time.perf_counter()
    todo = discover(paths, limits)
    if not todo:
        print(f"policyparse: no {' '.join(SUFFIXES)} files under {' '.join(paths)}", file=sys.stderr)
        tables.TableWriter(out_dir, fmt).commit()
        return RunSummary(0, 0, 0, 0, time.perf_counter() - started)
    cache = ResultCache(Path(cache_dir)) if cache_dir else None
    n_failed = n_parsed = n_chars = 0
    first = 0.0
    # no more workers than files: each one costs a process and a copy of the dictionaries
    runner = _start_engine(engine, min(jobs, len(todo)), scheduler, debug)
    try:
        def submit(job: Job) -> Any:
            hit = cache.get(job) if cache else None
            if hit is not None:
                return _Ready(DocResult(job.index, job.doc_id, _with_source_path(hit, job.source_path), parsed=False))
            return runner.submit(job)

        bar = tqdm(total=len(todo), unit="doc", desc="extract", file=sys.stderr, dynamic_ncols=True,
                   disable=not (progress and sys.stderr.isatty()))
        with bar, tables.TableWriter(out_dir, fmt) as writer:
            for result in _ordered(todo, submit, runner):
                for name, rows in result.rows.items():
                    writer.write(name, rows)
                first = first or time.perf_counter() - started
                n_parsed += result.parsed
                n_chars += result.rows["documents"][0][_N_CHARS] or 0
                if not result.ok:
                    n_failed += 1
                    tqdm.write(f"policyparse: {todo[result.index].source_path}: {result.error}", file=sys.stderr)
                    if debug and result.traceback:
                        tqdm.write(result.traceback, file=sys.stderr)
                elif cache and result.parsed:
                    cache.put(todo[result.index], result.rows)
                bar.update()
    finally:
        runner.close()
    if n_failed:
        print(f"policyparse: {n_failed} of {len(todo)} files could not be parsed "
              f"(rows of kind 'error' in the issues table)", file=sys.stderr)
    return RunSummary(len(todo), n_failed, n_parsed, n_chars, time.perf_counter() - started, first)


def run_extract(paths: Sequence[str], out_dir: Path, *, fmt: str = "csv", jobs: int = 1, engine: str = "local",
                scheduler: Optional[str] = None, cache_dir: Optional[Path] = None, progress: bool = True,
                debug: bool = False, limits: Optional[ingest.Limits] = None) -> int:
    """`policyparse extract`: write the tables and return the exit status (0 all parsed, 1 some failed).

    PATH arguments are files or folders (searched recursively for .txt .html .htm .pdf .docx). `jobs`
    worker processes (or Dask workers with engine="dask"; `scheduler` is the address of a running Dask
    scheduler). With `cache_dir`, the rows of every parsed file are kept under a key of its content, its
    document id and the code and rules that parsed it, so that a second run parses only new or changed
    files. A traceback of a failed file is printed only with `debug`.
    """
    return extract(paths, out_dir, fmt=fmt, jobs=jobs, engine=engine, scheduler=scheduler,
                   cache_dir=cache_dir, progress=progress, debug=debug, limits=limits).exit_code
