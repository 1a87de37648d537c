"""Save and load scikit-learn objects with skops, trusting only known-safe types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import skops.io as sio

from openautoglm.errors import OpenAutoGLMError

#: module prefixes whose types may be rebuilt when loading; anything else is refused
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "openautoglm.models.")


class UnsafeModelError(OpenAutoGLMError, ValueError):
    """A model file asks to rebuild a type outside the trusted allow-list."""


def dump(obj: Any, path: Path) -> None:
    """Write ``obj`` to ``path`` in the skops format (no pickle)."""
    sio.dump(obj, path)


def load(path: Path) -> Any:
    """Read a skops file, refusing any type outside scikit-learn, NumPy and SciPy."""
    untrusted = sio.get_untrusted_types(file=path)
    unsafe = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if unsafe:
        raise UnsafeModelError(f"{path} contains types that are not trusted: {unsafe}")
    return sio.load(path, trusted=untrusted)
