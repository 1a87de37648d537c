"""Count requests by status code and time them per route (plain ASGI: no extra task per call)."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openautoglm.serve.metrics import ServiceMetrics


class RequestMetrics:
    """ASGI middleware feeding the request counter and latency histogram."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            path = getattr(scope.get("route"), "path", "other")  # the route template, not the URL
            self.metrics.latency.labels(path).observe(time.perf_counter() - start)
            self.metrics.requests.labels(scope["method"], path, str(status)).inc()
