"""Disk cache of per-text features (tokens, embeddings) shared by all trials of a run."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


def text_key(text: str) -> str:
    """Stable content hash of one text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def texts_hash(texts: Sequence[str]) -> str:
    """Stable content hash of a sequence of texts (order matters)."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text_key(text).encode("ascii"))
    return digest.hexdigest()[:16]


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


class FeatureCache:
    """Per-text features keyed by content hash, stored under one folder of the run.

    Each ``name`` (e.g. ``"minilm"`` or ``"tokens-zh"``) is one table. Rows are computed
    once, on first request, and read back by every later trial, in any process.

    Example:
        >>> cache = FeatureCache(tmp_path)
        >>> cache.embeddings("len", ["ab", "c"], lambda t: np.array([[len(x)] for x in t]))
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def embeddings(
        self, name: str, texts: Sequence[str], compute: Callable[[list[str]], np.ndarray]
    ) -> np.ndarray:
        """Return a float32 matrix, one row per text, computing only the rows not cached."""
        index, matrix = self._load_matrix(name)
        missing = _missing(texts, index)
        if missing:
            new_rows = np.asarray(compute(missing), dtype=np.float32)
            start = len(index)
            index.update({text_key(t): start + i for i, t in enumerate(missing)})
            matrix = new_rows if matrix is None else np.vstack([matrix, new_rows])
            self._store_matrix(name, index, matrix)
        assert matrix is not None
        return matrix[[index[text_key(t)] for t in texts]]

    def tokens(
        self, name: str, texts: Sequence[str], compute: Callable[[list[str]], list[str]]
    ) -> list[str]:
        """Return one pre-tokenised string per text, computing only the texts not cached.

        The table is an append-only JSON-lines file: adding rows costs what they take, not a
        rewrite of the whole table (which made a million-row run quadratic). Each batch is
        one ``write`` to a file opened for appending, so processes adding rows at once do not
        interleave within a line; a line torn by a killed process is skipped on reading.
        """
        path = self.root / f"{name}.jsonl"
        table = _read_token_lines(path)
        missing = _missing(texts, table)
        if missing:
            new = dict(zip((text_key(t) for t in missing), compute(missing), strict=True))
            payload = "".join(json.dumps([k, v], ensure_ascii=False) + "\n" for k, v in new.items())
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, payload.encode("utf-8"))
            finally:
                os.close(fd)
            table.update(new)
        return [table[text_key(t)] for t in texts]

    def _load_matrix(self, name: str) -> tuple[dict[str, int], np.ndarray | None]:
        index_path, matrix_path = self.root / f"{name}.index.json", self.root / f"{name}.npy"
        if not (index_path.exists() and matrix_path.exists()):
            return {}, None
        index = json.loads(index_path.read_text(encoding="utf-8"))
        matrix = np.load(matrix_path, allow_pickle=False)
        if len(index) != matrix.shape[0]:  # torn write by a killed process: start over
            return {}, None
        return index, matrix

    def _store_matrix(self, name: str, index: dict[str, int], matrix: np.ndarray) -> None:
        _atomic_write(self.root / f"{name}.npy", lambda p: _save_npy(p, matrix))
        _atomic_write(
            self.root / f"{name}.index.json",
            lambda p: p.write_text(json.dumps(index), encoding="utf-8"),
        )


def _read_token_lines(path: Path) -> dict[str, str]:
    """The token table of a JSON-lines file (empty when absent); unreadable lines are skipped."""
    table: dict[str, str] = {}
    if not path.exists():
        return table
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                key, tokens = json.loads(line)
            except ValueError:
                continue  # torn by a killed writer: recomputed when asked for
            table[key] = tokens
    return table


def _missing(texts: Sequence[str], table: dict[str, object]) -> list[str]:
    seen: set[str] = set()
    missing = []
    for text in texts:
        key = text_key(text)
        if key not in table and key not in seen:
            seen.add(key)
            missing.append(text)
    return missing


def _save_npy(path: Path, matrix: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.save(handle, matrix, allow_pickle=False)
