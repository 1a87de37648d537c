"""Prometheus metrics of the service: requests by code, latency, batch sizes, model, feedback.

With several worker processes, ``PROMETHEUS_MULTIPROC_DIR`` is set by ``autoglm serve`` and
every scrape aggregates all workers; with one, the metrics live in this app's own registry.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)


class ServiceMetrics:
    """The service's counters and histograms, and their text exposition."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.multiprocess = bool(os.environ.get(MULTIPROC_ENV))
        # in multiprocess mode values go to files in the shared folder, not to a registry
        registry = None if self.multiprocess else CollectorRegistry()
        self.registry = registry
        self.requests = Counter("autoglm_http_requests", "HTTP requests by path and status code",
                                ["method", "path", "code"], registry=registry)  # fmt: skip
        self.latency = Histogram("autoglm_http_request_seconds", "Request latency by path",
                                 ["path"], buckets=LATENCY_BUCKETS, registry=registry)  # fmt: skip
        self.batch_size = Histogram("autoglm_predict_batch_texts", "Texts per predict request",
                                    buckets=BATCH_BUCKETS, registry=registry)  # fmt: skip
        self.model_version = Gauge("autoglm_model_version", "Version being served", ["model"],
                                   registry=registry, multiprocess_mode="mostrecent")  # fmt: skip
        self.feedback = Counter("autoglm_feedback_rows", "Corrections received by outcome",
                                ["model", "outcome"], registry=registry)  # fmt: skip
        self.swaps = Counter("autoglm_model_swaps", "Hot swaps to a newly promoted version",
                             ["model"], registry=registry)  # fmt: skip

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format (every worker's, in multiprocess mode)."""
        if not self.multiprocess:
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
