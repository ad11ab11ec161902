"""Linear time on hostile input: parse() on 1, 2, 4 and 8 MB texts built to provoke super-linear rules.

    .venv/bin/python bench/linear_time.py [--budget SECONDS] [--sizes 1,2,4,8] [--unit MB|KB] [--out FILE]

Each case runs in a fresh process (rules and dictionaries loaded and warmed before timing), its sizes
in ascending order; a case that uses up its share of the budget is stopped and the sizes it did not
reach are shown as "> N s", so the whole benchmark stays within the budget (default 300 s) even when a
rule is quadratic. The table gives seconds per size and the ratio of the largest to the smallest size
(linear ≈ 8 for 1 → 8 MB; quadratic ≈ 64). Sizes are in characters of text (one MB = 2**20 characters).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEMORY_LIMIT = 6 << 30   # address space of the measuring process

# name -> (what it provokes, the unit that is repeated to the size)
CASES = {
    "one-line": ("one line of plan text without a line break or 。 (one sentence of n characters)",
                 "全区推进能源结构调整，单位地区生产总值能耗下降13.5%左右，加快发展新能源汽车，"),
    "one-line-after-title": ("the same line after a title line: every target's quote copies the whole line",
                             None),
    "target-repeat": ("到2025年，达到 repeated: a year phrase and a verb every 8 characters, no value",
                      "到2025年，达到"),
    "paren-nesting": ("deep （（（ nesting, never closed", "（"),
    "digit-run": ("one digit run of n characters", "1234567890"),
    "question-marks": ("'?' placeholders only", "?"),
    "pdf-wrapped": ("a hard-wrapped PDF-like text: 36-character lines, headings, page numbers, a running header",
                    None),
    "headings": ("a heading on every line (一、/（一）/1.) with a target sentence", None),
}


def pdf_like(n: int) -> str:
    """Lines of one width as PDF extraction gives them, a page break every 40 lines."""
    body = ("到2025年，全区单位地区生产总值能耗比2020年下降13.5%，非化石能源消费比重达到20%以上，"
            "新增光伏装机容量10万千瓦，各街镇要认真贯彻落实。")
    out, size, page, line_no = [], 0, 1, 0
    pos = 0
    while size < n:
        if line_no % 40 == 0:
            chunk = f"\n某某区碳达峰实施方案\n- {page} -\n" + (f"{page % 9 + 1}.推进重点任务\n" if page % 3 == 0 else "")
            page += 1
        else:
            chunk = (body * 2)[pos:pos + 36] + "\n"
            pos = (pos + 36) % len(body)
        out.append(chunk)
        size += len(chunk)
        line_no += 1
    return "".join(out)[:n]


def headings(n: int) -> str:
    unit = "一、加强组织领导\n（一）完善体制机制\n1.建立工作专班。到2025年，光伏装机容量达到10万千瓦以上。\n"
    return (unit * (n // len(unit) + 1))[:n]


def make(case: str, n: int) -> str:
    if case == "pdf-wrapped":
        return pdf_like(n)
    if case == "headings":
        return headings(n)
    if case == "one-line-after-title":
        return ("某某区碳达峰实施方案\n" + make("one-line", n))[:n]
    unit = CASES[case][1]
    return (unit * (n // len(unit) + 1))[:n]


def child(case: str, sizes: list[int]) -> None:
    """Runs in the measuring process: one JSON line per size."""
    import resource

    import policyparse as pp
    from policyparse import pipeline

    # a case whose memory grows quadratically must fail here, not push the machine into the OOM killer
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    pipeline.default_options().tokenizer   # dictionaries loaded before any timing
    pp.parse(make(case, 20_000))             # and every pattern compiled
    for n in sizes:
        text = make(case, n)
        t = time.perf_counter()
        try:
            doc = pp.parse(text)
        except MemoryError:
            print(json.dumps({"n": n, "error": f"MemoryError (> {MEMORY_LIMIT >> 30} GB)"}), flush=True)
            return
        dt = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps({"n": n, "seconds": dt, "peak_mb": peak, "targets": len(doc.target_list),
                          "sections": len(doc.section_list)}), flush=True)
        del doc


def measure(case: str, sizes: list[int], budget: float) -> dict[int, object]:
    """{size: seconds | ('timeout', seconds)} for one case within `budget` seconds."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", case, "--child-sizes",
                             ",".join(map(str, sizes))], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    started = time.monotonic()
    results: dict[int, object] = {}
    peaks: dict[int, object] = {}
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    while len(results) < len(sizes):
        left = budget - (time.monotonic() - started)
        if left <= 0 or not sel.select(timeout=left):
            proc.kill()
            break
        line = proc.stdout.readline()
        if not line:
            break
        row = json.loads(line)
        results[row["n"]] = row.get("seconds", ("error", row.get("error")))
        peaks[row["n"]] = row.get("peak_mb")
        if "error" in row:
            break
    proc.wait()
    spent = time.monotonic() - started
    for n in sizes:
        if n not in results:
            results[n] = ("timeout", spent)
            break
    return results, peaks


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil
        mem = f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM"
    except ImportError:
        mem = ""
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, {mem}, "
            f"Python {platform.python_version()}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=300, help="seconds for the whole benchmark")
    ap.add_argument("--sizes", default="1,2,4,8")
    ap.add_argument("--unit", choices=["MB", "KB"], default="MB")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--out", default=str(HERE / "linear_time.md"))
    ap.add_argument("--child")
    ap.add_argument("--child-sizes")
    a = ap.parse_args()
    if a.child:
        child(a.child, [int(x) for x in a.child_sizes.split(",")])
        return
    scale = 2 ** 20 if a.unit == "MB" else 2 ** 10
    labels = [float(x) for x in a.sizes.split(",")]
    sizes = [int(x * scale) for x in labels]
    cases = a.cases.split(",")
    share = a.budget / len(cases)
    header = "| case | " + " | ".join(f"{x:g} {a.unit}" for x in labels) + \
        f" | ratio {labels[-1]:g}/{labels[0]:g} {a.unit} |"
    rows = [header, "|" + "---|" * (len(labels) + 2)]
    for case in cases:
        res, peaks = measure(case, sizes, share)
        cells = []
        for n in sizes:
            v = res.get(n)
            if v is None:
                cells.append("—")
            elif isinstance(v, tuple):
                cells.append(f"> {v[1]:.0f} s (stopped)" if v[0] == "timeout" else str(v[1]))
            else:
                cells.append(f"{v:.2f} s, {peaks.get(n)} MB")
        first, last = res.get(sizes[0]), res.get(sizes[-1])
        ratio = f"{last / first:.1f}" if isinstance(first, float) and isinstance(last, float) else "n/a"
        rows.append(f"| {case} | " + " | ".join(cells) + f" | {ratio} |")
        print(rows[-1], flush=True)
    notes = "\n".join(f"- **{k}**: {v[0]}" for k, v in CASES.items() if k in cases)
    text = (f"# parse() on hostile input: time against size\n\n"
            f"`bench/linear_time.py --budget {a.budget:g} --sizes {a.sizes} --unit {a.unit}`, "
            f"{datetime.date.today().isoformat()}; {machine()}.\n\n"
            f"Seconds of `policyparse.parse(text)` (rules and dictionaries warmed first) and the peak memory "
            f"of the measuring process, which is limited to {MEMORY_LIMIT >> 30} GB. Linear time gives "
            f"a ratio of {labels[-1] / labels[0]:g}; quadratic gives {(labels[-1] / labels[0]) ** 2:g}. A case "
            f"that used up its share of the budget ({share:.0f} s) was stopped at the size shown.\n\n"
            + "\n".join(rows) + "\n\nCases:\n\n" + notes + "\n")
    Path(a.out).write_text(text, encoding="utf-8")
    print(f"written to {a.out}")


if __name__ == "__main__":
    main()
