"""policyparse: turn Chinese government policy documents into structured, traceable data.

    import policyparse as pp
    doc = pp.parse_file("corpus/xiqing-2023.txt")
    doc.meta, doc.outline, doc.targets, doc.sections, doc.entities, doc.issues
"""
import logging

from .model import Document, Entity, InputError, Issue, Meta, OutlineNode, PolicyParseError, Section, Target
from .pipeline import Options, parse, parse_file
from .diff import diff  # imported eagerly: a lazy import would rebind pp.diff to the submodule

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"


__all__ = ["parse", "parse_file", "diff", "Options", "Document", "Section", "Target", "Entity", "Issue",
           "Meta", "OutlineNode", "PolicyParseError", "InputError", "__version__"]
