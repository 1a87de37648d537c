"""Language-aware tokenisation shared by the sparse and fastText-style families.

Chinese is segmented into jieba words; English into lower-cased word tokens. Character
n-grams are taken by the vectorisers from the raw text, so both languages get words plus
characters. Segmentation is the expensive part, so it goes through the run's FeatureCache.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from openautoglm.models.feature_cache import FeatureCache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]")


def _segment_zh(texts: list[str]) -> list[str]:
    import jieba  # imported lazily: loading its dictionary costs about a second

    jieba.setLogLevel(60)
    return [" ".join(tok for tok in jieba.lcut(text.lower()) if tok.strip()) for text in texts]


def _segment_en(texts: list[str]) -> list[str]:
    return [" ".join(_WORD.findall(text.lower())) for text in texts]


def needs_segmentation(language: str) -> bool:
    """Whether texts of this language need jieba (Chinese or mixed)."""
    return language in ("zh", "mixed")


def tokenize(texts: Sequence[str], language: str, cache_dir: str | Path | None = None) -> list[str]:
    """Return each text as space-separated word tokens, using the run's cache when given.

    Example:
        >>> tokenize(["梅西打进制胜球"], "zh")
        ['梅西 打进 制胜 球']
    """
    segment = _segment_zh if needs_segmentation(language) else _segment_en
    texts = list(texts)
    if cache_dir is None or not needs_segmentation(language):
        return segment(texts)  # English splitting is cheaper than a cache lookup
    return FeatureCache(cache_dir).tokens("tokens-zh", texts, segment)


def whitespace_split(text: str) -> list[str]:
    """Analyzer for pre-tokenised text (a named function, so vectorisers persist safely)."""
    return text.split()


def han_ratio(text: str) -> float:
    """Share of Han characters among the non-space characters of ``text``."""
    chars = [c for c in text if not c.isspace()]
    return sum(1 for c in chars if _HAN.match(c)) / len(chars) if chars else 0.0
