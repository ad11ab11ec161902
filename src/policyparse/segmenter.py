"""Word segmentation: a private jieba Tokenizer with the domain dictionary and parts of speech.

Entity names and headings that lost their 。 need word boundaries in a few short windows. A private
jieba.Tokenizer gives them without touching jieba's global one (`jieba.dt`). Building it means reading
jieba's 350,000-word dictionary with every prefix, its parts of speech and data/userdict.txt: most of a
second, paid by every new process. The built dictionary is therefore kept in a cache file under the
user's cache folder (marshal, as jieba keeps its own cache), named by a hash of what it is built from
(jieba's version and dictionary file, userdict.txt), so a later process loads it in a third of the time
and a changed dictionary is never read from an old file. POLICYPARSE_CACHE_DIR sets the folder; an
empty value turns the cache off.
"""
from __future__ import annotations

import hashlib
import logging
import marshal
import math
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .rules import Rules, data_path

if TYPE_CHECKING:
    import jieba

_DICT_LINE = re.compile(r"^(\S+) \d+ (\S+)$", re.M)
_FORMAT = 2   # bump when what the cache file holds changes


@lru_cache(maxsize=1)
def _tokenizer_class() -> type:
    """jieba's Tokenizer with a part-of-speech lookup, defined on first use: importing policyparse does not
    import jieba (which installs a handler on its own logger when imported)."""
    import jieba

    class DomainTokenizer(jieba.Tokenizer):
        """A private jieba Tokenizer with the domain user dictionary and a part-of-speech lookup.

        Segmentation runs without jieba's HMM, so an unknown name stays split into rare pieces, which is
        the evidence that it is a name. `tags` maps a dictionary word to its jieba part of speech.
        """

        tags: dict[str, str] = {}

        # get_DAG and calc are jieba's own algorithm, with the dictionary bound to local names and a
        # one-way choice taken without max(): the same words, a third less time in the step that
        # costs entity finding the most
        def get_DAG(self, sentence: str) -> dict[int, list[int]]:
            self.check_initialized()
            freq, n, dag = self.FREQ, len(sentence), {}
            for k in range(n):
                ends, i, frag = [], k, sentence[k]
                while i < n and frag in freq:
                    if freq[frag]:
                        ends.append(i)
                    i += 1
                    frag = sentence[k:i + 1]
                dag[k] = ends or [k]
            return dag

        def calc(self, sentence: str, DAG: dict, route: dict) -> None:
            n = len(sentence)
            route[n] = (0, 0)
            logtotal, get = math.log(self.total), self.FREQ.get
            for idx in range(n - 1, -1, -1):
                ends = DAG[idx]
                if len(ends) == 1:
                    x = ends[0]
                    route[idx] = (math.log(get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                else:
                    route[idx] = max((math.log(get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                                     for x in ends)

        def words(self, text: str) -> list[tuple[int, int, str, int]]:
            """(start, end, tag, frequency) of each token of `text`."""
            out, pos = [], 0
            for w in self.lcut(text, HMM=False):
                out.append((pos, pos + len(w), self.tags.get(w, "x"), self.FREQ.get(w, 0)))
                pos += len(w)
            return out

    return DomainTokenizer


def make_tokenizer(rules: Rules, cache_dir: Optional[Path] = None) -> "jieba.Tokenizer":
    """A new private jieba Tokenizer loaded with data/userdict.txt; jieba's global `jieba.dt` is never
    touched. It also has `tags` (word -> part of speech) and `words(text)` (tokens with tag and frequency).
    The built dictionary comes from the cache file in `cache_dir` (default: `cache_folder()`) when one is
    there, and is written to it otherwise."""
    tok = _tokenizer_class()()
    folder = cache_folder() if cache_dir is None else cache_dir
    path = folder / f"tokenizer-{_fingerprint(tok)}.marshal" if folder else None
    cached = _read(path) if path else None
    if cached is not None:
        tok.FREQ, tok.total, tok.tags = cached
        tok.initialized = True
        return tok
    _build(tok)
    if path:
        # the tags keyed by the dictionary's own word objects: marshal writes a shared string once, so
        # the file is a fifth smaller and loads a fifth faster
        tags = {w: tok.tags[w] for w in tok.FREQ if w in tok.tags}
        _write(path, (tok.FREQ, tok.total, tags))
    return tok


def cache_folder() -> Optional[Path]:
    """$POLICYPARSE_CACHE_DIR, else $XDG_CACHE_HOME/policyparse or ~/.cache/policyparse; None when
    POLICYPARSE_CACHE_DIR is set but empty (no cache)."""
    chosen = os.environ.get("POLICYPARSE_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "policyparse"


def _build(tok) -> None:
    jlog = logging.getLogger("jieba")
    level = jlog.level
    jlog.setLevel(logging.WARNING)  # jieba announces every dictionary load on stderr
    try:
        tok.initialize()
    finally:
        jlog.setLevel(level)
    with tok.get_dict_file() as f:   # "word freq tag" lines; one regex pass is 5x faster than a loop
        tags = dict(_DICT_LINE.findall(f.read().decode("utf-8")))
    for line in data_path("userdict.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and not line.startswith("#"):
            tok.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, None)
            if len(parts) > 2:
                tags[parts[0]] = parts[2]
    tok.tags = tags


def _fingerprint(tok) -> str:
    """What the built dictionary depends on: jieba's version and dictionary file, and userdict.txt."""
    import jieba

    h = hashlib.sha256(f"{_FORMAT}|{jieba.__version__}|{marshal.version}|".encode())
    with tok.get_dict_file() as f:
        h.update(f"{getattr(f, 'name', '')}|{os.fstat(f.fileno()).st_size}|{os.fstat(f.fileno()).st_mtime_ns}|"
                 .encode())
    h.update(data_path("userdict.txt").read_bytes())
    return h.hexdigest()[:20]


def _read(path: Path) -> Optional[tuple[dict, int, dict]]:
    """The cached (FREQ, total, tags), or None when the file is missing, damaged or of another shape."""
    try:
        data = marshal.loads(path.read_bytes())   # from bytes: marshal.load(file) reads in small pieces, 3x slower
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (isinstance(data, tuple) and len(data) == 3 and isinstance(data[0], dict)
            and isinstance(data[1], int) and isinstance(data[2], dict)):
        return data
    return None


def _write(path: Path, data: tuple[dict, int, dict]) -> None:
    """Write the cache file under a temporary name and rename it: a process that reads at the same time
    sees the whole file or none. Files of older dictionaries go. A folder that cannot be written only
    means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tokenizer-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                marshal.dump(data, f)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
        for old in path.parent.glob("tokenizer-*.marshal"):   # built from older dictionaries: 12 MB each
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
