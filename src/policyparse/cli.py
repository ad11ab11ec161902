"""The `policyparse` command: one subcommand per public verb, no logic of its own.

Exit status: 0 when every document parsed, 1 when at least one failed (reported, others still
written), 2 for a usage error. A traceback is shown only with --debug.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Optional, Sequence

from .model import PolicyParseError


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="policyparse", description="Turn Chinese policy documents into data.")
    ap.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="show one document's outline, metadata, targets and issues")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the whole document as JSON")
    p.add_argument("--html", metavar="OUT", help="write a highlighted view of the document")

    e = sub.add_parser("extract", help="extract tables from files and folders")
    e.add_argument("paths", nargs="+", metavar="PATH")
    e.add_argument("-o", "--out", required=True, metavar="DIR")
    e.add_argument("--format", choices=["csv", "parquet", "xlsx"], default="csv")
    e.add_argument("--jobs", type=int, default=1, metavar="N")
    e.add_argument("--engine", choices=["local", "dask"], default="local")
    e.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler")
    e.add_argument("--cache", metavar="DIR", help="reuse results of unchanged files")
    e.add_argument("--no-progress", action="store_true")

    d = sub.add_parser("diff", help="compare a plan with its parent plan")
    d.add_argument("child")
    d.add_argument("parent")
    d.add_argument("-o", "--out", required=True, metavar="DIR")

    c = sub.add_parser("compare", help="compare one parent plan with many children")
    c.add_argument("parent")
    c.add_argument("children", nargs="+")
    c.add_argument("-o", "--out", required=True, metavar="DIR")
    return ap


def _cmd_parse(a) -> int:
    from . import pipeline, show
    doc = pipeline.parse_file(a.file)
    if a.html:
        from . import view
        Path(a.html).write_text(view.render_html(doc), encoding="utf-8")
    if a.json:
        json.dump(show.document_json(doc), sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(show.document_text(doc))
    return 0


def _cmd_extract(a) -> int:
    from . import batch
    return batch.run_extract(a.paths, Path(a.out), fmt=a.format, jobs=a.jobs, engine=a.engine,
                             scheduler=a.scheduler, cache_dir=Path(a.cache) if a.cache else None,
                             progress=not a.no_progress, debug=a.debug)


def _cmd_diff(a) -> int:
    from .diff import diff_paths
    from .report import write_diff
    write_diff(diff_paths(a.child, a.parent), Path(a.out))
    return 0


def _cmd_compare(a) -> int:
    from .diff import compare_paths
    from .report import write_compare
    write_compare(compare_paths(a.parent, a.children), Path(a.out))
    return 0


COMMANDS = {"parse": _cmd_parse, "extract": _cmd_extract, "diff": _cmd_diff, "compare": _cmd_compare}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = _parser()
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if a.debug else logging.WARNING, format="%(message)s")
    logging.getLogger("jieba").setLevel(logging.DEBUG if a.debug else logging.WARNING)
    try:
        return COMMANDS[a.command](a)
    except (PolicyParseError, OSError) as exc:
        if a.debug:
            raise
        print(f"policyparse: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
        if a.debug:
            raise
        print(f"policyparse: internal error ({type(exc).__name__}: {exc}); run with --debug for details",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
