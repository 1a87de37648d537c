"""Installed versions of the libraries a saved model depends on."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata


def library_versions(names: Iterable[str]) -> dict[str, str]:
    """Version of each distribution in ``names``; ``"not installed"`` when absent.

    Example:
        >>> library_versions(["numpy"])["numpy"]
        '2.4.6'
    """
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
