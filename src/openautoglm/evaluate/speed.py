"""How fast a trained model predicts: batch throughput and single-text latency."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

#: test rows timed without the cache to report real prediction throughput
THROUGHPUT_ROWS = 256
#: single texts timed one call each for the latency figures
LATENCY_TEXTS = 20


def measure_speed(model: Any, texts: list[str]) -> dict[str, float]:
    """The final model's speed on uncached texts: batch rows/s and single-text latency.

    This is what a user of the returned model gets (every member, no run cache), unlike the
    leaderboard's per-trial figures.
    """
    sample = texts[:THROUGHPUT_ROWS]
    # what every task's model computes (a regression model has no probabilities)
    predict = getattr(model, "predict_scores", model.predict_proba)
    predict(sample[:1])  # load encoders first: a one-off cost, not throughput
    start = time.perf_counter()
    predict(sample)
    rows_per_s = len(sample) / max(time.perf_counter() - start, 1e-9)
    latencies = []
    for text in sample[:LATENCY_TEXTS]:
        start = time.perf_counter()
        predict([text])
        latencies.append(1000 * (time.perf_counter() - start))
    return {
        "predict_rows_per_s": rows_per_s,
        "latency_ms_p50": float(np.percentile(latencies, 50)),
        "latency_ms_p95": float(np.percentile(latencies, 95)),
    }
