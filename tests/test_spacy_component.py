"""The spaCy integration: the `policyparse` component, the private-jieba tokenizer, displaCy."""
from __future__ import annotations

from pathlib import Path

import jieba
import pytest
import spacy
from spacy import displacy

import policyparse.spacy_component  # noqa: F401  (registers the factory and the tokenizer)

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "xiqing-2023.txt"
TYPES = {"government", "party", "group", "enterprise", "zone", "place", "facility", "other"}
PRIVATE_JIEBA = {"nlp": {"tokenizer": {"@tokenizers": "policyparse.JiebaTokenizer.v1"}}}


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["char", "private-jieba"])
def nlp(request):
    nlp = spacy.blank("zh") if request.param == "char" else spacy.blank("zh", config=PRIVATE_JIEBA)
    nlp.add_pipe("policyparse")
    return nlp


@pytest.fixture(scope="module")
def seed_doc(nlp, seed_text):
    return nlp(seed_text)


def test_entities_become_ents_with_entity_types(seed_doc):
    parsed = seed_doc._.policyparse
    assert seed_doc.ents and {e.label_ for e in seed_doc.ents} <= TYPES
    assert {e.label_ for e in seed_doc.ents} == {e.type for e in parsed.entity_list}


@pytest.mark.parametrize("name, label", [("天津市统计局", "government"), ("区委党校", "party"),
                                         ("海澜德产业园", "zone"), ("杨柳青热电厂", "facility")])
def test_named_ents(seed_doc, name, label):
    assert (name, label) in {(e.text, e.label_) for e in seed_doc.ents}


def test_ents_cover_every_entity_row(seed_doc):
    """doc.ents drops only names nested in a longer one; doc.spans["entities"] keeps them all."""
    parsed = seed_doc._.policyparse
    ent_chars = {i for e in seed_doc.ents for i in range(e.start_char, e.end_char)}
    spans = [(s.start_char, s.end_char, s.label_) for s in seed_doc.spans["entities"]]
    for row in parsed.entity_list:   # expanded to token edges (支持力|生|制药 holds 力生制药)
        assert any(a <= row.char_start and row.char_end <= b and t == row.type for a, b, t in spans)
        assert row.char_start in ent_chars


def test_targets_become_spans(seed_doc):
    parsed = seed_doc._.policyparse
    spans = seed_doc.spans["targets"]
    assert len({(t.char_start, t.char_end, t.kind) for t in parsed.target_list}) == len(spans)
    for span in spans:
        t = next(t for t in parsed.target_list if t.target_id == span.kb_id_)
        assert span.start_char <= t.char_start and t.char_end <= span.end_char and span.label_ == (t.kind or "target")


def test_displacy_renders(seed_doc):
    html = displacy.render(seed_doc, style="ent", page=True)
    assert "天津市统计局" in html and "GOVERNMENT" in html.upper()


def test_private_tokenizer_uses_the_domain_dictionary():
    nlp = spacy.blank("zh", config=PRIVATE_JIEBA)
    assert "单位地区生产总值能源消耗" in [t.text for t in nlp("到2025年单位地区生产总值能源消耗下降")]


def test_private_tokenizer_and_component_leave_jieba_global_alone(seed_text):
    before = (jieba.dt.initialized, jieba.dt.total, len(jieba.dt.FREQ or {}), dict(jieba.dt.user_word_tag_tab))
    nlp = spacy.blank("zh", config=PRIVATE_JIEBA)
    nlp.add_pipe("policyparse")
    nlp(seed_text[:3000])
    assert (jieba.dt.initialized, jieba.dt.total, len(jieba.dt.FREQ or {}), dict(jieba.dt.user_word_tag_tab)) == before


def test_spacy_builtin_jieba_segmenter_works_offline():
    """spaCy's own segmenter also works, but through jieba's global functions (see the module docstring)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("policyparse")
    doc = nlp("区发改委要加强统筹，推进海澜德产业园建设。")
    assert ("区发改委", "government") in {(e.text, e.label_) for e in doc.ents}


def test_pipeline_saves_and_loads(tmp_path):
    nlp = spacy.blank("zh", config=PRIVATE_JIEBA)
    nlp.add_pipe("policyparse")
    nlp.to_disk(tmp_path / "model")
    again = spacy.load(tmp_path / "model")
    assert [e.text for e in again("依托天津梅江会展中心举办论坛。").ents] == ["天津梅江会展中心"]
