"""Placeholder batch runner (being rewritten)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import pipeline
from .model import TABLE_COLUMNS


def run_extract(paths, out_dir: Path, **_kw) -> int:
    files = []
    for p in map(Path, paths):
        files += sorted(x for x in p.rglob("*") if x.suffix in (".txt",)) if p.is_dir() else [p]
    docs = [pipeline.parse_file(f) for f in files]
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, cols in TABLE_COLUMNS.items():
        frames = [d.tables()[name] for d in docs]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
        df.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8-sig")
    return 0
