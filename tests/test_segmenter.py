"""The private tokenizer and its cache file: a tokenizer loaded from the cache is the one built from the
dictionaries (same words, frequencies, parts of speech and cuts), a damaged or foreign file is rebuilt, and
a folder that cannot be written costs the cache only."""
from __future__ import annotations

import marshal

import jieba
import pytest

from policyparse import segmenter
from policyparse.rules import load_rules

SAMPLE = "区发展改革委牵头，汾阳湖产业园和辛口镇配合，到2025年单位地区生产总值能耗下降13.5%。"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cache")
    return folder, segmenter.make_tokenizer(load_rules(), cache_dir=folder)


def _files(folder):
    return sorted(folder.glob("tokenizer-*.marshal"))


def test_the_first_tokenizer_writes_the_cache_and_the_next_reads_it(built, monkeypatch):
    folder, first = built
    assert len(_files(folder)) == 1
    monkeypatch.setattr(segmenter, "_build", lambda tok: pytest.fail("built again despite the cache"))
    again = segmenter.make_tokenizer(load_rules(), cache_dir=folder)
    assert again.FREQ == first.FREQ and again.total == first.total and again.tags == first.tags
    assert again.words(SAMPLE) == first.words(SAMPLE)
    assert again.lcut(SAMPLE) == first.lcut(SAMPLE)


def test_the_domain_dictionary_is_in_the_cached_tokenizer(built):
    _, tok = built
    plain = jieba.Tokenizer()
    plain.initialize()
    added = [w for w in tok.FREQ if w not in plain.FREQ]
    assert added, "data/userdict.txt words are missing"
    assert tok.tags.get("发展") and tok.total > plain.total


def test_a_damaged_cache_file_is_rebuilt(built, tmp_path):
    _, first = built
    good = _files(built[0])[0]
    (tmp_path / good.name).write_bytes(good.read_bytes()[:1000])   # cut short, as by a full disk
    tok = segmenter.make_tokenizer(load_rules(), cache_dir=tmp_path)
    assert tok.FREQ == first.FREQ and tok.tags == first.tags
    assert (tmp_path / good.name).stat().st_size == good.stat().st_size   # written again, whole


def test_a_file_of_another_shape_is_not_used(built, tmp_path):
    good = _files(built[0])[0]
    (tmp_path / good.name).write_bytes(marshal.dumps(["not", "a", "dictionary"]))
    assert segmenter._read(tmp_path / good.name) is None


def test_a_folder_that_cannot_be_written_only_loses_the_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    tok = segmenter.make_tokenizer(load_rules(), cache_dir=blocker / "cache")
    assert tok.lcut("区发展改革委牵头")


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYPARSE_CACHE_DIR", str(tmp_path))
    assert segmenter.cache_folder() == tmp_path
    monkeypatch.setenv("POLICYPARSE_CACHE_DIR", "")
    assert segmenter.cache_folder() is None
    monkeypatch.delenv("POLICYPARSE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert segmenter.cache_folder() == tmp_path / "policyparse"


def test_a_new_cache_file_replaces_those_of_older_dictionaries(built, tmp_path):
    stale = tmp_path / "tokenizer-0123456789abcdef0123.marshal"
    stale.write_bytes(b"built from an older dictionary")
    segmenter.make_tokenizer(load_rules(), cache_dir=tmp_path)
    assert not stale.exists() and [p.name for p in _files(tmp_path)] == [p.name for p in _files(built[0])]
