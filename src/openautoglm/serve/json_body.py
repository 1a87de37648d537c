"""Read every POST body as JSON, whatever content type the client sent.

``curl -d '{"texts": [...]}'`` sends ``application/x-www-form-urlencoded``; the API takes
only JSON, so such a body is read as JSON (and a body that is not JSON gets a clear 422).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

_JSON = b"application/json"


class JsonBody:
    """ASGI middleware: a POST without a JSON content type is given one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            declared = dict(scope["headers"]).get(b"content-type", b"")
            if not declared.startswith(_JSON):
                # in place: outer middleware reads what the router adds to this same scope
                headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
                scope["headers"] = [*headers, (b"content-type", _JSON)]
        await self.app(scope, receive, send)
