"""Embed a run's texts into its cache once, unless that would take longer than allowed."""

from __future__ import annotations

import time

#: rows embedded first to project the cost of embedding everything
EMBED_PROBE_ROWS = 512


def embed_all_within(texts: list[str], cache_dir: str, max_s: float) -> float | None:
    """Embed every text into the cache; None (and stop) when it would take over ``max_s``."""
    from openautoglm.models.encoder_loading import load_sentence_encoder
    from openautoglm.models.frozen_encoder import embed_texts

    load_sentence_encoder()  # loading is a fixed cost: keep it out of the projection
    start = time.perf_counter()
    first = texts[:EMBED_PROBE_ROWS]
    embed_texts(first, cache_dir=cache_dir)
    if (time.perf_counter() - start) * len(texts) / len(first) > max_s:
        return None
    embed_texts(texts, cache_dir=cache_dir)
    return time.perf_counter() - start
