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

from dataclasses import replace

from .ingest import MB, Limits
from .model import PolicyParseError

_LIMITS = Limits()


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
    e.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="worker processes")
    e.add_argument("--engine", choices=["local", "dask"], default="local")
    e.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler")
    e.add_argument("--cache", metavar="DIR", help="reuse results of unchanged files")
    e.add_argument("--no-progress", action="store_true")
    lim = e.add_argument_group("limits (a file beyond one becomes an error row)")
    lim.add_argument("--max-file-mb", type=float, metavar="MB", help=f"file size (default {_LIMITS.max_bytes // MB})")
    lim.add_argument("--max-pdf-pages", type=int, metavar="N", help=f"PDF pages (default {_LIMITS.max_pdf_pages})")
    lim.add_argument("--max-zip-mb", type=float, metavar="MB",
                     help=f"unpacked size of a .docx (default {_LIMITS.max_zip_member_bytes // MB})")
    lim.add_argument("--max-zip-ratio", type=float, metavar="R",
                     help=f"compression ratio of a .docx member (default {_LIMITS.max_zip_ratio:g})")
    lim.add_argument("--max-html-depth", type=int, metavar="N",
                     help=f"element nesting of a web page (default {_LIMITS.max_html_depth})")

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


def _limits(a) -> Limits:
    given = {"max_bytes": a.max_file_mb and int(a.max_file_mb * MB), "max_pdf_pages": a.max_pdf_pages,
             "max_zip_member_bytes": a.max_zip_mb and int(a.max_zip_mb * MB), "max_zip_ratio": a.max_zip_ratio,
             "max_html_depth": a.max_html_depth}
    return replace(_LIMITS, **{k: v for k, v in given.items() if v is not None})


def _cmd_extract(a) -> int:
    from . import batch
    return batch.run_extract(a.paths, Path(a.out), fmt=a.format, jobs=a.jobs, engine=a.engine,
                             scheduler=a.scheduler, cache_dir=Path(a.cache) if a.cache else None,
                             progress=not a.no_progress, debug=a.debug, limits=_limits(a))


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


def _positive_int(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def _usage_problem(a) -> Optional[str]:
    """Mistakes in the command itself (exit status 2), found before any work starts."""
    paths = getattr(a, "paths", None) or [p for p in (getattr(a, "file", None), getattr(a, "child", None),
                                                          getattr(a, "parent", None)) if p]
    paths = list(paths) + list(getattr(a, "children", None) or [])
    missing = [p for p in paths if not Path(p.split("#", 1)[0]).exists()]
    if missing:
        return f"no such file or folder: {', '.join(missing)}"
    if getattr(a, "scheduler", None) and a.engine != "dask":
        return "--scheduler needs --engine dask"
    return None


COMMANDS = {"parse": _cmd_parse, "extract": _cmd_extract, "diff": _cmd_diff, "compare": _cmd_compare}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = _parser()
    a = ap.parse_args(argv)
    problem = _usage_problem(a)
    if problem:
        ap.error(problem)
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
