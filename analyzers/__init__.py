"""Chinese analysis chain for Whoosh: normalisation, jieba segmentation, UN symbols kept whole."""

from analyzers.chain import ANALYZER_VERSION, char_analyzer, word_analyzer
from analyzers.normalize import normalize, normalize_text

__all__ = ["ANALYZER_VERSION", "char_analyzer", "normalize", "normalize_text", "word_analyzer"]
