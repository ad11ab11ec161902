"""Organizations, places and their roles.  (Placeholder; being written.)"""
from __future__ import annotations


def make_tokenizer(rules):
    import jieba
    return jieba.Tokenizer()


def extract_entities(cleaned, sections, meta, options):
    return ()
