"""Content-addressed bundle storage: a registered bundle is copied once and never changed.

A bundle's address is the SHA-256 of its manifest, which lists the hash of every file, so one
address names exactly one set of bytes. Loading checks the address and then the bundle's own
hashes, so a bundle edited on disk after registration is refused, not served.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from openautoglm.registry.bundle import (
    MANIFEST,
    BundleError,
    TextClassifier,
    bundle_folder,
    check_bundle,
    file_sha256,
    load_bundle,
)


class BundleStore:
    """Bundles under ``root/<digest[:2]>/<digest>/``, written atomically, read after checks.

    Example:
        >>> store = BundleStore("~/.openautoglm/bundles")
        >>> digest = store.put("runs/t1")          # a run folder or a bundle folder
        >>> model = store.load(digest)
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()

    def path(self, digest: str) -> Path:
        """Where the bundle with this address lives (it may not exist)."""
        return self.root / digest[:2] / digest

    def put(self, source: str | Path, key: str | bytes | None = None) -> tuple[str, dict[str, Any]]:
        """Check the bundle in ``source``, copy it in, and return (address, manifest)."""
        folder = bundle_folder(Path(source))
        manifest = check_bundle(folder, key)
        digest = file_sha256(folder / MANIFEST)
        target = self.path(digest)
        if target.is_dir():
            self.check(digest, key)
            return digest, manifest
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".incoming-{uuid.uuid4().hex}"
        shutil.copytree(folder, staging)
        try:
            os.rename(staging, target)  # atomic: readers see all of the bundle or none
        except OSError:
            shutil.rmtree(staging)  # another writer stored the same bytes first
            if not target.is_dir():
                raise
        self.check(digest, key)
        return digest, manifest

    def check(self, digest: str, key: str | bytes | None = None) -> dict[str, Any]:
        """Check the stored bundle against its address and its own hashes; the manifest."""
        return check_bundle(self._addressed(digest), key)

    def load(self, digest: str, key: str | bytes | None = None) -> TextClassifier:
        """The stored bundle as a classifier, after the same checks as :meth:`check`."""
        return load_bundle(self._addressed(digest), key)

    def _addressed(self, digest: str) -> Path:
        """The bundle's folder, once its manifest is known to still match its address."""
        path = self.path(digest)
        if not (path / MANIFEST).is_file():
            raise BundleError(f"the bundle {digest[:12]} is missing from the store at {path}")
        if file_sha256(path / MANIFEST) != digest:
            raise BundleError(
                f"the stored bundle {digest[:12]} at {path} no longer matches its address: "
                "its manifest was changed after registration; refusing to use it"
            )
        return path
