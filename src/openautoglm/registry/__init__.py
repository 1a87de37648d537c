"""Model bundles on disk and the registry of versions (``Registry`` is imported lazily: the
bundle format must load without SQLAlchemy's cost, and without an import cycle)."""

from __future__ import annotations

from typing import Any

_LAZY = ("Registry", "RegistryError", "GateRefused")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from openautoglm.registry import model_registry

        return getattr(model_registry, name)
    raise AttributeError(f"module 'openautoglm.registry' has no attribute {name!r}")
