"""Chinese analysis chain for Whoosh: normalisation, jieba segmentation, UN symbols kept whole.

The chain's names are loaded on first use (PEP 562): it imports rjieba and jieba's dictionary,
which a module that only normalises text (or a command that only prints its help) should not
wait for. `normalize` is imported here eagerly, so the name is the function and never the
submodule of the same name.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from analyzers.normalize import normalize, normalize_text

if TYPE_CHECKING:
    from analyzers.chain import ANALYZER_VERSION, char_analyzer, word_analyzer

_LAZY = ("ANALYZER_VERSION", "char_analyzer", "word_analyzer")
__all__ = ["ANALYZER_VERSION", "char_analyzer", "normalize", "normalize_text", "word_analyzer"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'analyzers' has no attribute {name!r}")
    value = getattr(import_module("analyzers.chain"), name)
    globals()[name] = value
    return value
