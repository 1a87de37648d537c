"""Guess whether a corpus is Chinese, English or a mix of both."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# URLs and e-mail handles are Latin even in Chinese posts; they should not sway the vote.
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+")

ZH_HAN_SHARE = 0.3
EN_HAN_SHARE = 0.05
EN_TEXTS_WITH_HAN = 0.1
SAMPLE_SIZE = 2000


def detect_language(texts: Sequence[str]) -> Literal["zh", "en", "mixed"]:
    """Return "zh", "en" or "mixed" from the share of Han characters among letters."""
    sample = _sample(texts)
    han = latin = texts_with_han = 0
    for text in sample:
        text = _NOISE.sub(" ", str(text))
        n_han = len(_HAN.findall(text))
        han += n_han
        latin += len(_LATIN.findall(text))
        texts_with_han += n_han > 0
    if han + latin == 0:
        return "en"  # no letters at all (numbers, emoji): language-neutral features are fine
    # One Han character carries about as much as a short Latin word, so 30% Han is already Chinese.
    han_share = han / (han + latin)
    if han_share >= ZH_HAN_SHARE:
        return "zh"
    if han_share < EN_HAN_SHARE and texts_with_han / len(sample) < EN_TEXTS_WITH_HAN:
        return "en"
    return "mixed"


def _sample(texts: Sequence[str]) -> list[str]:
    # Evenly spaced rows rather than the head, because files are often sorted by label or source.
    if len(texts) <= SAMPLE_SIZE:
        return list(texts)
    step = len(texts) / SAMPLE_SIZE
    return [texts[int(i * step)] for i in range(SAMPLE_SIZE)]
