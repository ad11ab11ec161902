"""Benchmark of policyparse: parse() against jieba.lcut, batch throughput, memory, and a profile.

    .venv/bin/python bench/run.py [--budget SECONDS] [--out bench/results.md]

Measures, on the texts of ../shared/corpus/raw plus corpus/xiqing-2023.txt:
1. parse() throughput in characters per second, and jieba.lcut on the same texts in the same process
   (a private, initialized jieba.Tokenizer), with their ratio — extraction should cost less than word
   segmentation;
2. peak memory of parsing (process RSS, and Python allocations of the largest text under tracemalloc);
3. the hotspots of parse() under pyinstrument;
4. `policyparse extract` over the corpus (text and PDF) and over 4 copies of it, with 1 and 2 workers,
   each in a fresh process: the speed-up of a second worker over the whole run and after start-up;
5. peak memory of extract as the corpus grows 1x, 2x, 4x (copies of the files), which should stay flat.

When parse() is slow, the texts are taken in a fixed order until `--budget` seconds of parsing are used,
and the batch runs use a subset sized from that, so the whole benchmark stays within a few minutes.
Results go to bench/results.md with the machine's details.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpus"
BATCH_SECONDS = 25   # keeps `make bench` within about five minutes on two cores when parsing is slow
BIG = 4              # the large batch: copies of the corpus
PASSES = 3           # parse() and jieba over the texts this many times; the fastest pass of each counts
RUNS = 3             # each extract run this many times; the fastest counts
LIBRARIES = ["policyparse", "pandas", "pyarrow", "jieba", "regex", "pypdfium2", "dask", "distributed",
             "openpyxl", "tqdm", "psutil", "pyinstrument"]


def corpus_files() -> list[Path]:
    """Every input file of the benchmark corpus, in a fixed order (texts first, then PDFs)."""
    files = [REPO / "corpus" / "xiqing-2023.txt"]
    files += sorted((SHARED / "raw").glob("*.txt"))
    return files + sorted((SHARED / "pdf").glob("*.pdf"))


def rss_mb() -> float:
    import psutil
    return psutil.Process().memory_info().rss / 2**20


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec, so a child
    started by this (large) benchmark would report the benchmark's own peak."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # kilobytes on Linux


def bench_parse(texts: list[tuple[str, str]], budget: float, passes: int = PASSES) -> dict:
    """parse() and jieba.lcut on each text in turn (so both see the same load on a shared machine), until
    `budget` seconds of parsing are spent; the whole is done `passes` times and each side's fastest pass
    counts (other work on the machine only ever slows a pass down)."""
    import jieba
    from policyparse import pipeline

    opts = pipeline.default_options()
    # what each pays once per process is paid before timing, by both: policyparse its dictionaries and
    # the rules it compiles on first use, jieba its dictionary and the HMM tables it loads on first use
    pipeline.parse(texts[0][1], options=opts)
    rss_loaded = rss_mb()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.lcut(texts[0][1])
    rss_before = rss_mb()

    def timed(name: str, text: str) -> tuple[float, float]:
        start = time.perf_counter()
        pipeline.parse(text, doc_id=name, options=opts)
        middle = time.perf_counter()
        tokenizer.lcut(text)
        return middle - start, time.perf_counter() - middle

    done: list[tuple[str, str]] = []   # the first pass chooses the texts: in order, within the budget
    first = [0.0, 0.0]
    for name, text in texts:
        p, j = timed(name, text)
        first, done = [first[0] + p, first[1] + j], done + [(name, text)]
        if first[0] > budget / passes:
            break
    rounds = [first] + [[sum(x) for x in zip(*(timed(n, t) for n, t in done))] for _ in range(passes - 1)]
    seconds, jieba_seconds = min(r[0] for r in rounds), min(r[1] for r in rounds)
    rss_after = rss_mb()
    chars = sum(len(t) for _, t in done)
    largest = max(done, key=lambda d: len(d[1]))
    tracemalloc.start()
    pipeline.parse(largest[1], options=opts)
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"texts": len(done), "of": len(texts), "passes": passes, "chars": chars, "seconds": seconds,
            "chars_per_s": chars / seconds, "jieba_seconds": jieba_seconds, "jieba_chars_per_s": chars / jieba_seconds,
            "ratio": jieba_seconds / seconds, "rss_loaded_mb": rss_loaded, "rss_before_mb": rss_before, "rss_after_mb": rss_after,
            "peak_rss_mb": peak_rss_mb(), "largest": largest[0], "largest_chars": len(largest[1]),
            "traced_peak_mb": traced_peak, "subset": [n for n, _ in done]}


def profile_parse(texts: list[tuple[str, str]], seconds: float = 8.0, top: int = 15) -> list[dict]:
    """Functions by own time under pyinstrument, over texts parsed for about `seconds`."""
    from pyinstrument import Profiler
    from policyparse import pipeline

    opts = pipeline.default_options()
    pipeline.parse(texts[0][1], options=opts)   # lazy loading is not a hotspot of parsing
    profiler = Profiler(interval=0.0005)
    profiler.start()
    start = time.perf_counter()
    for name, text in texts:
        pipeline.parse(text, doc_id=name, options=opts)
        if time.perf_counter() - start > seconds:
            break
    profiler.stop()
    root = profiler.last_session.root_frame()
    total = root.time or 1.0
    own: dict[tuple, float] = {}
    stack = [(root, "")]
    while stack:
        frame, caller = stack.pop()
        where = frame.file_path_short or ""
        # library and built-in time is charged to the nearest policyparse function that called it
        mine = f"{where.rsplit('/', 1)[-1]}:{frame.function}" if where.startswith("policyparse/") else caller
        # pyinstrument's synthetic "[self]" children hold a frame's own time: count it for the frame
        real = [c for c in frame.children if not c.is_synthetic]
        stack.extend((c, mine) for c in real)
        key = (frame.function, f"{where}:{frame.line_no}", caller if mine == caller else "")
        own[key] = own.get(key, 0.0) + max(0.0, frame.time - sum(c.time for c in real))
    ranked = sorted(own.items(), key=lambda kv: -kv[1])[:top]
    return [{"function": f, "where": w, "caller": c, "seconds": s, "share": s / total}
            for (f, w, c), s in ranked]


def run_child(folder: Path, jobs: int) -> dict:
    """`extract` in a fresh process (so nothing is warm), sampling the RSS of it and its workers."""
    import psutil

    out = Path(tempfile.mkdtemp(prefix="pp-bench-out-"))
    cmd = [sys.executable, __file__, "--child", str(folder), str(out), str(jobs)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak_tree = peak_parent = 0.0
    watched = psutil.Process(proc.pid)

    def sample() -> None:
        nonlocal peak_tree, peak_parent
        while proc.poll() is None:
            try:
                parent = watched.memory_info().rss
                kids = sum(c.memory_info().rss for c in watched.children(recursive=True))
            except psutil.Error:
                continue
            peak_parent, peak_tree = max(peak_parent, parent / 2**20), max(peak_tree, (parent + kids) / 2**20)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    sampler.join()
    shutil.rmtree(out, ignore_errors=True)
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(jobs=jobs, peak_tree_mb=peak_tree, sampled_parent_mb=peak_parent)
    return result


def child(folder: str, out: str, jobs: str) -> None:
    from policyparse import batch

    before = _cpu_seconds()
    summary = batch.extract([folder], Path(out), jobs=int(jobs), progress=False)
    print(json.dumps({"files": summary.n_files, "failed": summary.n_failed, "chars": summary.n_chars,
                      "seconds": summary.seconds, "first_seconds": summary.first_seconds,
                      "cpu_seconds": _cpu_seconds() - before,
                      "parent_peak_rss_mb": peak_rss_mb()}))


def _cpu_seconds() -> float:
    """CPU time of this process and its finished workers: with wall time it shows a busy machine."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def corpus_copy(files: list[Path], copies: int, root: Path) -> Path:
    folder = root / f"x{copies}"
    for k in range(copies):
        (folder / f"copy{k + 1}").mkdir(parents=True)
        for f in files:
            shutil.copy(f, folder / f"copy{k + 1}" / f.name)
    return folder


def machine(load: str) -> dict:
    import psutil

    cpu = platform.processor() or "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = "not installed"
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                            text=True).stdout.strip()
    return {"cpu": cpu, "logical": os.cpu_count(), "load": load, "physical": psutil.cpu_count(logical=False),
            "ram_gb": psutil.virtual_memory().total / 2**30, "python": platform.python_version(),
            "os": platform.platform(), "versions": versions, "commit": commit or "unknown",
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def _speedups(runs: list[dict], copies: int) -> tuple[float, float]:
    """Two workers against one on `copies` of the corpus: over the whole run, and after start-up."""
    one = next(r for r in runs if r["jobs"] == 1 and r["copies"] == copies)
    two = next(r for r in runs if r["jobs"] == 2 and r["copies"] == copies)
    steady = (one["seconds"] - one["first_seconds"]) / max(1e-9, two["seconds"] - two["first_seconds"])
    return one["seconds"] / two["seconds"], steady


def report(m: dict, parse: dict, hot: list[dict], runs: list[dict], growth: list[dict], batch_files: int,
           all_files: int) -> str:
    speedup, steady = _speedups(runs, 1)
    big_speedup, big_steady = _speedups(runs, BIG)
    startup = next(r for r in runs if r["jobs"] == 2 and r["copies"] == 1)["first_seconds"]
    big_cpu = (next(r for r in runs if r["jobs"] == 2 and r["copies"] == BIG)["cpu_seconds"]
               / next(r for r in runs if r["jobs"] == 1 and r["copies"] == BIG)["cpu_seconds"] - 1)
    flat = growth[-1]["parent_peak_rss_mb"] / growth[0]["parent_peak_rss_mb"]
    ok = lambda good: "met" if good else "NOT met"
    lines = [
        "# policyparse benchmark", "",
        f"{m['date']} · commit {m['commit']} · `make bench` (bench/run.py)", "",
        "## Machine", "",
        f"- CPU: {m['cpu']}, {m['logical']} logical / {m['physical']} physical cores, {m['ram_gb']:.0f} GB RAM",
        f"- {m['os']}, Python {m['python']}",
        f"- load average when the benchmark started: {m['load']} (other work on the machine slows every figure, "
        "and the two-worker run most)",
        "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()), "",
        "## parse() against jieba.lcut", "",
        f"Texts: {parse['texts']} of {parse['of']} ({parse['chars']:,} characters; corpus/xiqing-2023.txt and "
        "../shared/corpus/raw, in that order" + (", cut off by the time budget" if parse["texts"] < parse["of"] else "")
        + f"). jieba is a private `jieba.Tokenizer()` in the same process, timed on each text right after "
        f"parse(); the fastest of {parse['passes']} passes over the texts for each. What each pays once per process is paid before timing, by both: policyparse loads its "
        "dictionaries and compiles its rules, jieba loads its dictionary and its HMM tables (one parse and "
        "one lcut of the first text).", "",
        "| | seconds | characters/s |", "|---|---:|---:|",
        f"| policyparse.parse() | {parse['seconds']:.2f} | {parse['chars_per_s']:,.0f} |",
        f"| jieba.lcut | {parse['jieba_seconds']:.2f} | {parse['jieba_chars_per_s']:,.0f} |", "",
        f"**Ratio parse/jieba: {parse['ratio']:.2f}×** as fast as segmentation (goal ≥ 2×: {ok(parse['ratio'] >= 2)}).", "",
        f"Memory: RSS {parse['rss_loaded_mb']:.0f} MB with policyparse loaded, {parse['rss_before_mb']:.0f} MB "
        f"with jieba's own tokenizer beside it, {parse['rss_after_mb']:.0f} MB after parsing every text; peak "
        f"{parse['peak_rss_mb']:.0f} MB for the process. Python allocations while "
        f"parsing the largest text ({parse['largest']}, {parse['largest_chars']:,} characters) peak at "
        f"{parse['traced_peak_mb']:.1f} MB (tracemalloc).", "",
        "## Hotspots of parse() (pyinstrument, own time)", "",
        "Own time per function; time in libraries and built-ins is listed with the policyparse function that "
        "called them.", "",
        "| function | where | called from | seconds | share |", "|---|---|---|---:|---:|",
        *[f"| `{h['function']}` | {h['where']} | {h['caller']} | {h['seconds']:.2f} | {h['share']:.0%} |"
          for h in hot], "",
        "## Batch: `extract` over the corpus", "",
        f"{batch_files} of {all_files} files of ../shared/corpus (text and PDF) and corpus/"
        + (f" (a subset sized so that one worker needs about {BATCH_SECONDS} s at the measured parse speed)"
           if batch_files < all_files else "") + "; each run in a fresh process, time measured inside it "
        f"(interpreter start-up excluded, worker start-up included); the fastest of {RUNS} runs each. {BIG}× is "
        f"{BIG} copies of the same files: a batch of the size researchers run.", "",
        "| corpus | workers | files | seconds | of which start-up | CPU seconds | docs/s | chars/s "
        "| peak RSS parent | peak RSS all processes |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[f"| {r['copies']}× | {r['jobs']} | {r['files']} | {r['seconds']:.2f} | {r['first_seconds']:.2f} | "
          f"{r['cpu_seconds']:.1f} | {r['files'] / r['seconds']:.1f} | {r['chars'] / r['seconds']:,.0f} | "
          f"{r['parent_peak_rss_mb']:.0f} MB | {r['peak_tree_mb']:.0f} MB |" for r in runs], "",
        "Workers are forked from a parent that has loaded rules and dictionaries once; the RSS of each counts "
        "the pages it shares with the parent, so the sum over all processes overstates memory in use.", "",
        f"**Two workers: {big_steady:.2f}× the throughput of one** after start-up on the {BIG}× corpus (goal "
        f"≥ 1.8×: {ok(big_steady >= 1.8)}; {steady:.2f}× on the 1× corpus). Over the whole run, start-up "
        f"included, {big_speedup:.2f}× on the {BIG}× corpus and {speedup:.2f}× on the 1× corpus: start-up (until "
        f"the first document is in: loading rules and dictionaries, starting the workers; {startup:.2f} s here) "
        "is a fixed cost that a second worker cannot share, and a large part of a short run. The same "
        f"documents cost {big_cpu:+.0%} CPU time with two workers (the CPU seconds above, start-up included); "
        "the parent writes the tables beside the two workers, on the same two cores.", "",
        "## Memory as the corpus grows (2 workers)", "",
        "| corpus | files | seconds | CPU seconds | peak RSS parent | peak RSS all processes |",
        "|---|---:|---:|---:|---:|---:|",
        *[f"| {g['copies']}× | {g['files']} | {g['seconds']:.1f} | {g['cpu_seconds']:.1f} | "
          f"{g['parent_peak_rss_mb']:.0f} MB | {g['peak_tree_mb']:.0f} MB |" for g in growth], "",
        f"Parent peak at 4× / 1×: {flat:.2f} (goal: flat, ≤ 1.2: {ok(flat <= 1.2)}). Rows stream to the table "
        "files as documents finish, so the parent holds a window of results, never the corpus.", "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=45.0, help="seconds of parse() timing at most")
    ap.add_argument("--out", default=str(REPO / "bench" / "results.md"))
    ap.add_argument("--child", nargs=3, metavar=("FOLDER", "OUT", "JOBS"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(*a.child)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())   # before our own work adds to it
    files = corpus_files()
    if len(files) < 2:
        sys.exit("bench: ../shared/corpus is not beside the repository; nothing to measure")
    texts = [(f.stem, f.read_text(encoding="utf-8")) for f in files if f.suffix == ".txt"]
    print(f"bench: parse() and jieba on {len(texts)} texts …", file=sys.stderr)
    parse = bench_parse(texts, a.budget)
    hot = profile_parse(texts)
    # a batch of about BATCH_SECONDS for one worker at the measured speed (all files when parsing is
    # fast); a UTF-8 character of Chinese is 3 bytes, a PDF holds roughly one character per 30 bytes
    batch_files, chars = [], 0
    for f in files:
        size = f.stat().st_size // 3 if f.suffix == ".txt" else f.stat().st_size // 30
        if chars + size > BATCH_SECONDS * parse["chars_per_s"] and batch_files:
            break
        batch_files.append(f)
        chars += size
    with tempfile.TemporaryDirectory(prefix="pp-bench-") as tmp:
        root = Path(tmp)
        base = corpus_copy(batch_files, 1, root)
        folders = {1: base, 2: corpus_copy(batch_files, 2, root), BIG: corpus_copy(batch_files, BIG, root)}
        runs = []
        for copies in (1, BIG):
            for jobs in (1, 2):
                print(f"bench: extract with {jobs} worker(s) over {copies}× {len(batch_files)} files …",
                      file=sys.stderr)
                # the fastest of RUNS runs: other work on the machine only ever slows a run down
                best = min((run_child(folders[copies], jobs) for _ in range(RUNS)), key=lambda r: r["seconds"])
                runs.append(dict(best, copies=copies))
        print("bench: extract over 2× the corpus …", file=sys.stderr)
        two = [r for r in runs if r["jobs"] == 2]
        growth = [two[0], dict(run_child(folders[2], 2), copies=2), two[1]]
    text = report(machine(load), parse, hot, runs, growth, len(batch_files), len(files))
    linear = REPO / "bench" / "linear_time.md"
    if linear.exists():  # bench/linear_time.py measures hostile input; its latest table belongs here too
        text += "\n\n## Hostile input: time against size (from bench/linear_time.md)\n\n" + \
            linear.read_text(encoding="utf-8").split("\n", 1)[1].strip() + "\n"
    Path(a.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
