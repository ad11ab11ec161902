"""spaCy integration: a `policyparse` pipeline component and a jieba tokenizer with no global state.

    import spacy
    import policyparse.spacy_component          # registers the factory and the tokenizer
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "policyparse.JiebaTokenizer.v1"}}})
    nlp.add_pipe("policyparse")
    doc = nlp(text)
    doc.ents                  # entities, label = type (government, party, group, enterprise, zone, place, facility)
    doc.spans["entities"]     # every entity row's span, overlaps kept (kb_id = entity_id)
    doc.spans["targets"]      # target statements, label = target kind (level, decrease, increase, peak …)
    doc._.policyparse         # the policyparse Document (tables, outline, metadata)

The component parses `doc.text` with policyparse and aligns the source spans of its records to the spaCy
tokens (`alignment_mode="expand"`), so it works with any tokenizer. spaCy's own Chinese tokenizer with
`segmenter = "jieba"` runs offline but calls jieba's *global* functions (it initializes `jieba.dt`);
`policyparse.JiebaTokenizer.v1` segments with policyparse's private Tokenizer and its domain dictionary
instead, and leaves jieba's global dictionary untouched.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, get_words_and_spaces, registry
from spacy.vocab import Vocab

from . import pipeline

if not Doc.has_extension("policyparse"):
    Doc.set_extension("policyparse", default=None)


class PolicyParseComponent:
    """Runs policyparse on a Doc's text and stores entities and targets as spans."""

    def __init__(self, name: str = "policyparse", options: Optional[pipeline.Options] = None) -> None:
        self.name = name
        self._options = options

    @property
    def options(self) -> pipeline.Options:
        return self._options or pipeline.default_options()

    def __call__(self, doc: Doc) -> Doc:
        parsed = pipeline.parse(doc.text, options=self.options)
        doc._.policyparse = parsed
        doc.spans["targets"] = _spans(doc, ((t.char_start, t.char_end, t.kind or "target", t.target_id)
                                            for t in parsed.target_list))
        entities = _spans(doc, ((e.char_start, e.char_end, e.type, e.entity_id) for e in parsed.entity_list))
        doc.spans["entities"] = entities
        doc.ents = filter_spans(entities)   # displaCy needs non-overlapping ents: the longest name wins
        return doc

    # a component without state: nothing to save, so that nlp.to_disk works
    def to_disk(self, path, exclude: Iterable[str] = ()) -> None:
        return None

    def from_disk(self, path, exclude: Iterable[str] = ()) -> "PolicyParseComponent":
        return self


def _spans(doc: Doc, records: Iterable[tuple[int, int, str, str]]) -> list[Span]:
    """Token-aligned spans of (start, end, label, id) records, one per distinct (span, label)."""
    seen, out = set(), []
    for start, end, label, ident in records:
        span = doc.char_span(start, end, label=label, kb_id=ident, alignment_mode="expand")
        if span is not None and (span.start, span.end, label) not in seen:
            seen.add((span.start, span.end, label))
            out.append(span)
    return out


@Language.factory("policyparse", default_config={})
def make_component(nlp: Language, name: str) -> PolicyParseComponent:
    """The `policyparse` pipeline component (uses the process-wide default Options)."""
    return PolicyParseComponent(name)


class JiebaTokenizer:
    """A spaCy tokenizer that segments with policyparse's private jieba Tokenizer (never `jieba.dt`)."""

    def __init__(self, vocab: Vocab, options: Optional[pipeline.Options] = None) -> None:
        self.vocab = vocab
        self._options = options

    def __call__(self, text: str) -> Doc:
        tok = (self._options or pipeline.default_options()).tokenizer
        words, spaces = get_words_and_spaces([w for w in tok.cut(text, HMM=True) if w], text)
        return Doc(self.vocab, words=words, spaces=spaces)

    # the dictionary ships with policyparse: nothing to serialize
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> "JiebaTokenizer":
        return self

    def to_disk(self, path, **kwargs: Any) -> None:
        return None

    def from_disk(self, path, **kwargs: Any) -> "JiebaTokenizer":
        return self


@registry.tokenizers("policyparse.JiebaTokenizer.v1")
def create_jieba_tokenizer(segmenter: str = "jieba") -> Callable[[Language], JiebaTokenizer]:
    """Registered tokenizer; `segmenter` is accepted (and ignored) because spacy.blank("zh") merges the
    zh defaults, which name one, into any tokenizer block."""
    def create(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)
    return create


__all__ = ["PolicyParseComponent", "JiebaTokenizer", "make_component", "create_jieba_tokenizer"]
