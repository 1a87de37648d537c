"""API keys: only their SHA-256 hashes are stored, each with the scopes it grants.

A key file has one key a line: ``<sha256 hex>:<scope,scope>:<name>``. ``autoglm keys create``
appends a line and prints the key once; nothing that can be read back reveals it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from openautoglm.errors import OpenAutoGLMError

SCOPES = ("predict", "feedback", "admin")
KEY_PREFIX = "agk_"


class KeyFileError(OpenAutoGLMError, ValueError):
    """The key file is missing or has a line that cannot be read; the message says which."""


@dataclass(frozen=True)
class ApiKey:
    """A stored key: its hash, what it may do, and a name for logs."""

    digest: str
    scopes: frozenset[str]
    name: str

    def allows(self, scope: str) -> bool:
        """Whether this key grants ``scope`` (admin grants everything)."""
        return scope in self.scopes or "admin" in self.scopes


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def read_keys(path: str | Path) -> list[ApiKey]:
    """Every key in a key file; KeyFileError names the line that is wrong."""
    path = Path(path)
    if not path.is_file():
        raise KeyFileError(
            f"API key file {path} does not exist; create one with `autoglm keys create`"
        )
    keys = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keys.append(_parse_line(line.strip(), f"{path}:{number}"))
    if not keys:
        raise KeyFileError(f"API key file {path} holds no keys; add one with `autoglm keys create`")
    return keys


def _parse_line(line: str, where: str) -> ApiKey:
    parts = line.split(":", 2)
    if len(parts) < 2 or len(parts[0]) != 64 or any(c not in "0123456789abcdef" for c in parts[0]):
        raise KeyFileError(f"{where}: expected '<sha256 hex>:<scopes>:<name>', not a raw key")
    scopes = frozenset(s.strip() for s in parts[1].split(",") if s.strip())
    unknown = sorted(scopes - set(SCOPES))
    if unknown or not scopes:
        raise KeyFileError(
            f"{where}: unknown scopes {unknown or '(none)'}; use {', '.join(SCOPES)}"
        )
    return ApiKey(parts[0], scopes, parts[2] if len(parts) > 2 else "")


def find_key(keys: list[ApiKey], presented: str) -> ApiKey | None:
    """The stored key matching ``presented``, compared in constant time, or None."""
    digest = hash_key(presented)
    found = None
    for key in keys:
        if hmac.compare_digest(key.digest, digest):
            found = key
    return found


def create_key(path: str | Path, scopes: list[str], name: str = "") -> str:
    """Append a new key's hash to ``path`` (created 0600) and return the key itself."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise KeyFileError(f"unknown scopes {unknown or '(none)'}; use {', '.join(SCOPES)}")
    if ":" in name or "\n" in name:
        raise KeyFileError("a key name cannot hold ':' or a line break")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(f"{hash_key(key)}:{','.join(sorted(set(scopes)))}:{name}\n")
        handle.flush()
        os.fsync(handle.fileno())
    return key
