"""The transfer set: training texts, augmentations of them and optional unlabelled texts.

Augmentations keep a text's words but perturb their order and presence, so the teacher's
answers on them show the student how the teacher behaves off the training rows:
token dropout (each token dropped with a probability) and span swaps (two spans exchanged).
Chinese is cut into jieba words (or single characters, ``unit="char"``), English into words.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from openautoglm.data.readers import read_table
from openautoglm.distill.errors import DistillError
from openautoglm.models.text_features import needs_segmentation, tokenize

#: chance that one token is dropped by token dropout
DROP_P = 0.15
#: the longest span (in tokens) a span swap moves
MAX_SPAN = 3


def _units(texts: list[str], language: str, unit: str, cache_dir: str | None) -> list[list[str]]:
    if needs_segmentation(language):
        if unit == "char":
            return [[c for c in t if not c.isspace()] for t in texts]
        return [t.split() for t in tokenize(texts, language, cache_dir)]
    return [t.split() for t in texts]  # English: keep case and punctuation, split on spaces


def _join(tokens: list[str], language: str) -> str:
    return ("" if needs_segmentation(language) else " ").join(tokens)


def token_dropout(tokens: list[str], rng: random.Random, p: float = DROP_P) -> list[str]:
    """``tokens`` with each one dropped with probability ``p`` (at least one kept)."""
    kept = [t for t in tokens if rng.random() >= p]
    return kept or tokens[: max(1, len(tokens) // 2)]


def span_swap(tokens: list[str], rng: random.Random, max_span: int = MAX_SPAN) -> list[str]:
    """``tokens`` with two non-overlapping spans of up to ``max_span`` tokens exchanged."""
    n = len(tokens)
    if n < 2:
        return list(tokens)
    size = rng.randint(1, max(1, min(max_span, n // 2)))
    a = rng.randrange(0, n - 2 * size + 1)
    b = rng.randrange(a + size, n - size + 1)
    return (
        tokens[:a]
        + tokens[b : b + size]
        + tokens[a + size : b]
        + tokens[a : a + size]
        + (tokens[b + size :])
    )


def augment(
    texts: Sequence[str],
    language: str,
    per_text: int = 1,
    seed: int = 0,
    unit: str = "word",
    cache_dir: str | None = None,
) -> tuple[list[str], list[int]]:
    """``per_text`` perturbed copies of each text; returns (new texts, index of each source).

    Copies alternate between token dropout and a span swap (both, for every other pass), and
    copies equal to their source are left out (nothing for the teacher to add there).
    """
    rng = random.Random(seed)
    units = _units(list(texts), language, unit, cache_dir)
    out: list[str] = []
    source: list[int] = []
    for copy in range(per_text):
        for i, (text, tokens) in enumerate(zip(texts, units, strict=True)):
            if len(tokens) < 2:
                continue
            changed = token_dropout(tokens, rng) if (i + copy) % 2 == 0 else span_swap(tokens, rng)
            if copy % 2 == 1:
                changed = span_swap(changed, rng)
            new = _join(changed, language)
            if new.strip() and new != text:
                out.append(new)
                source.append(i)
    return out, source


def read_unlabeled(path: str | Path, text_column: str | None = None) -> list[str]:
    """Texts of an unlabelled file (csv, tsv, jsonl, parquet, xlsx, or a .txt with one a line)."""
    path = Path(path)
    if not path.is_file():
        raise DistillError(f"the unlabelled file {path} does not exist")
    if path.suffix.lower() == ".txt":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in lines if line.strip()]
    frame = read_table(path)
    column = text_column if text_column in frame.columns else None
    if column is None:
        if "text" in frame.columns:
            column = "text"
        else:  # the column with the longest texts on average
            if frame.columns.empty:
                raise DistillError(f"{path} has no columns; put the texts in a 'text' column")
            column = frame.apply(lambda c: c.astype(str).str.len().mean()).idxmax()
    texts = frame[column].dropna().astype(str).str.strip()
    return [t for t in texts if t]
