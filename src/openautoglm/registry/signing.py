"""Manifest integrity primitives: a SHA-256 digest of the canonical manifest, optional HMAC.

The digest catches edits to ``manifest.json`` (labels reversed, weights changed by hand); anyone
can recompute it, so only the HMAC, keyed with a secret the user holds, shows who wrote a bundle.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

#: environment variable holding the signing key (used when no ``key=`` is passed)
KEY_ENV = "OPENAUTOGLM_BUNDLE_KEY"
DIGEST_FIELD = "manifest_sha256"
SIGNATURE_FIELD = "signature"
ALGORITHM = "hmac-sha256"


def resolve_key(key: str | bytes | None = None) -> bytes | None:
    """The signing key: ``key`` if given, else ``$OPENAUTOGLM_BUNDLE_KEY``, else None."""
    if key is None:
        # an empty variable counts as unset, so `OPENAUTOGLM_BUNDLE_KEY= cmd` switches signing off
        key = os.environ.get(KEY_ENV) or None
        if key is None:
            return None
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if not raw:
        raise ValueError(f"the signing key is empty; pass a non-empty key or unset {KEY_ENV}")
    return raw


def canonical_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest without its digest and signature, as sorted compact UTF-8 JSON."""
    body = {k: v for k, v in manifest.items() if k not in (DIGEST_FIELD, SIGNATURE_FIELD)}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def digest(manifest: dict[str, Any]) -> str:
    """Hex SHA-256 of the canonical manifest."""
    return hashlib.sha256(canonical_bytes(manifest)).hexdigest()


def signature(manifest: dict[str, Any], key: bytes) -> str:
    """Hex HMAC-SHA256 of the canonical manifest under ``key``."""
    return hmac.new(key, canonical_bytes(manifest), hashlib.sha256).hexdigest()


def seal(manifest: dict[str, Any], key: bytes | None) -> dict[str, Any]:
    """``manifest`` plus its digest and, when ``key`` is set, its signature."""
    sealed = {**manifest, DIGEST_FIELD: digest(manifest)}
    if key is not None:
        sealed[SIGNATURE_FIELD] = {"algorithm": ALGORITHM, "value": signature(manifest, key)}
    return sealed


def same(expected: str, found: Any) -> bool:
    """Constant-time comparison of two hex strings (False when ``found`` is not a string)."""
    # bytes, because compare_digest refuses str with non-ASCII characters (an edited file may have)
    return isinstance(found, str) and hmac.compare_digest(expected.encode(), found.encode())
