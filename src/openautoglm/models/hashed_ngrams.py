"""Hashed word and character n-gram TF-IDF features, computed with array operations.

Why not scikit-learn's vectorisers: they build every character n-gram as a Python string, which
holds a linear model to a few thousand long texts a second on one core. Here a batch of texts
becomes one array of code points; the hash of every n-gram starting at every position is a
wrapping 64-bit sum of code points times per-position constants, computed for all positions at
once; words (runs of letters and digits) are hashed the same way, and word bigrams combine two
word hashes. Character n-grams fall into the lower half of the buckets, words into the upper
half, so each view keeps its own columns. A fitted vectoriser keeps the buckets that occur in
at least ``min_df`` texts (the ``max_features`` most frequent), their idf, and drops the rest.

Each view's part of a row is L2-normalised on its own, as in a union of two TF-IDF vectorisers
(words would otherwise drown among the many more character n-grams). Without ``sublinear_tf``
a repeated n-gram is counted once per occurrence and the norm is taken over occurrences,
which skips the per-row sort that summing duplicates costs; the model trains on the same
features it predicts on, so this is a choice of features, not an approximation of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

_MASK64 = (1 << 64) - 1
#: longest word position with its own constant (later letters share the last one)
_WORD_POSITIONS = 64
#: rows transformed at once: bounds the temporary arrays (about 1 KB per character)
_CHUNK = 4096
_ARRAYS = "hashed_ngrams.npz"


def _splitmix64(count: int, seed: int) -> np.ndarray:
    """``count`` odd 64-bit constants from SplitMix64: fixed forever, unlike NumPy's streams."""
    out, state = [], seed & _MASK64
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        out.append((z ^ (z >> 31)) | 1)
    return np.array(out, dtype=np.uint64)


#: per-position constants: row n for character n-grams of length n, row 0 for words
_POSITION = _splitmix64(9 * _WORD_POSITIONS, 2026).reshape(9, _WORD_POSITIONS)
_BIGRAM = _splitmix64(2, 7)
#: letters and digits of the Basic Multilingual Plane (index 65536: anything above it)
_IS_WORD = np.array([chr(c).isalnum() for c in range(65536)] + [False], dtype=bool)


def _finish(h: np.ndarray, salt: int, bits: int) -> np.ndarray:
    """A well-mixed bucket in [0, 2**bits) from a raw sum hash (SplitMix64's finaliser)."""
    h = h + np.uint64(salt)
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return ((h ^ (h >> np.uint64(31))) & np.uint64((1 << bits) - 1)).astype(np.int64)


def _interleave(blocks: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, ...]:
    """Blocks of (values in row order, count per row) merged row by row: (values, indptr)."""
    counts = np.stack([c for _, c in blocks])  # blocks x rows
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts.sum(axis=0), out=indptr[1:])
    before = np.cumsum(counts, axis=0) - counts
    out = np.empty(indptr[-1], dtype=np.int64)
    for b, (values, per_row) in enumerate(blocks):
        if len(values):
            # the k-th value of a row goes to the row's start + the earlier blocks + k
            shift = indptr[:-1] + before[b] - (np.cumsum(per_row) - per_row)
            out[np.arange(len(values)) + np.repeat(shift, per_row)] = values
    return out, indptr


class HashedNgramVectorizer(TransformerMixin, BaseEstimator):
    """Texts -> L2-normalised hashed TF-IDF rows of character n-grams and word 1-2-grams.

    Example:
        >>> v = HashedNgramVectorizer(min_df=1).fit(["the cat sat", "the dog sat"])
        >>> v.transform(["the cat"]).shape[1] == len(v.buckets_)
        True
    """

    def __init__(
        self,
        char_ngram_min: int = 2,
        char_ngram_max: int = 5,
        word_ngram_max: int = 2,
        sublinear_tf: bool = False,
        max_features: int = 100_000,
        min_df: int = 2,
        bits: int = 22,
    ) -> None:
        self.char_ngram_min = char_ngram_min
        self.char_ngram_max = char_ngram_max
        self.word_ngram_max = word_ngram_max
        self.sublinear_tf = sublinear_tf
        self.max_features = max_features
        self.min_df = min_df
        self.bits = bits

    def _check(self) -> None:
        if not 0 <= self.word_ngram_max <= 2:
            raise ValueError(f"word_ngram_max must be 0, 1 or 2, got {self.word_ngram_max}")
        low, high = self.char_ngram_min, self.char_ngram_max
        if high and not 1 <= low <= high <= 8:
            raise ValueError(f"character n-grams must satisfy 1 <= min <= max <= 8: {low}, {high}")
        if not (high or self.word_ngram_max):
            raise ValueError("both views are switched off: no features")

    def hashes(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Raw buckets of every n-gram occurrence, row by row: (buckets, indptr)."""
        norm = [" ".join(str(t).lower().split()) for t in texts]
        n = len(norm)
        lengths = np.fromiter(map(len, norm), dtype=np.int64, count=n)
        starts = np.cumsum(lengths) - lengths
        codes = np.frombuffer("".join(norm).encode("utf-32-le"), dtype=np.uint32)
        codes = codes.astype(np.uint64)
        half = self.bits - 1  # characters below 2**half, words above
        blocks = []
        if self.char_ngram_max:
            ends = starts + lengths  # per text
            for g in range(self.char_ngram_min, self.char_ngram_max + 1):
                blocks.append(self._char_block(codes, ends, lengths, g, half))
        if self.word_ngram_max:
            blocks += self._word_blocks(codes, starts, lengths, n, half)
        return _interleave(blocks, n)

    def ngram_names(self, text: str) -> list[tuple[str, str]]:
        """(kind, n-gram) of every occurrence ``hashes([text])`` gives, in the same order:
        what explanations show for each column (a hash cannot be read back)."""
        norm = " ".join(str(text).lower().split())
        names: list[tuple[str, str]] = []
        if self.char_ngram_max:
            for g in range(self.char_ngram_min, self.char_ngram_max + 1):
                names += [("char", norm[i : i + g]) for i in range(len(norm) - g + 1)]
        if self.word_ngram_max:
            words, current = [], ""
            for c in norm + " ":
                if ord(c) < 65536 and _IS_WORD[ord(c)]:
                    current += c
                elif current:
                    words.append(current)
                    current = ""
            names += [("word", w) for w in words]
            if self.word_ngram_max == 2:
                names += [("word", f"{a} {b}") for a, b in zip(words, words[1:], strict=False)]
        return names

    @staticmethod
    def _char_block(
        codes: np.ndarray, ends: np.ndarray, lengths: np.ndarray, g: int, half: int
    ) -> tuple[np.ndarray, np.ndarray]:
        m = max(0, len(codes) - g + 1)
        h = codes[:m] * _POSITION[g, 0]
        for j in range(1, g):
            h += codes[j : j + m] * _POSITION[g, j]
        # an n-gram never spans two texts: the last g - 1 starts of each text are out
        inside = np.ones(m, dtype=bool)
        starts = ends - lengths
        for k in range(1, g):
            last = ends - k
            last = last[(last >= starts) & (last < m)]
            inside[last] = False
        return _finish(h[inside], g, half), np.maximum(lengths - g + 1, 0)

    def _word_blocks(
        self, codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, n: int, half: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        letter = _IS_WORD[np.minimum(codes, 65536).astype(np.int64)]
        text_start = np.zeros(len(codes), dtype=bool)
        text_start[starts[lengths > 0]] = True
        first = letter & ~(np.concatenate([[False], letter[:-1]]) & ~text_start)
        at = np.flatnonzero(letter)
        word_starts = np.flatnonzero(first)
        if not len(word_starts):
            return [(np.zeros(0, np.int64), np.zeros(n, np.int64))] * self.word_ngram_max
        position = at - word_starts[np.cumsum(first[at]) - 1]
        parts = codes[at] * _POSITION[0, np.minimum(position, _WORD_POSITIONS - 1)]
        words = np.add.reduceat(parts, np.searchsorted(at, word_starts))
        row = np.searchsorted(starts, word_starts, side="right") - 1
        offset = 1 << half
        blocks = [(_finish(words, 101, half) + offset, np.bincount(row, minlength=n))]
        if self.word_ngram_max == 2:
            same = row[1:] == row[:-1]
            pairs = words[:-1][same] * _BIGRAM[0] + words[1:][same] * _BIGRAM[1]
            per_row = np.bincount(row[1:][same], minlength=n)
            blocks.append((_finish(pairs, 202, half) + offset, per_row))
        return blocks

    def fit(self, texts: Sequence[str], y: Any = None) -> HashedNgramVectorizer:
        """Keep the buckets in at least ``min_df`` texts (the most frequent first) and their idf."""
        self._check()
        texts = list(texts)
        df = np.zeros(1 << self.bits, dtype=np.int64)
        for start in range(0, len(texts), _CHUNK):
            buckets, indptr = self.hashes(texts[start : start + _CHUNK])
            counts = sp.csr_matrix(
                (np.ones(len(buckets), dtype=np.float32), buckets, indptr),
                shape=(len(indptr) - 1, 1 << self.bits),
            )
            counts.sum_duplicates()  # document frequency: once per text
            df += np.bincount(counts.indices, minlength=1 << self.bits)
        kept = np.flatnonzero(df >= self.min_df)
        kept = np.sort(kept[np.argsort(-df[kept], kind="stable")[: self.max_features]])
        if not len(kept):
            raise ValueError(
                f"no n-gram occurs in {self.min_df} or more texts; give more or longer texts"
            )
        self.buckets_ = kept
        self.idf_ = (np.log((1 + len(texts)) / (1 + df[kept])) + 1).astype(np.float32)
        self._build_lookup()
        return self

    def _build_lookup(self) -> None:
        self.column_ = np.full(1 << self.bits, -1, dtype=np.int32)
        self.column_[self.buckets_] = np.arange(len(self.buckets_), dtype=np.int32)
        #: the first word column (all character columns come before it)
        self.first_word_column_ = int(np.searchsorted(self.buckets_, 1 << (self.bits - 1)))

    @property
    def is_word_column_(self) -> np.ndarray:
        """Whether each kept column is a word (True) or a character n-gram (False)."""
        return np.arange(len(self.buckets_)) >= self.first_word_column_

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """float32 rows (texts x kept buckets), each view's part L2-normalised."""
        texts = list(texts)
        parts = [self._transform(texts[s : s + _CHUNK]) for s in range(0, len(texts), _CHUNK)]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return sp.csr_matrix((0, len(self.buckets_)), dtype=np.float32)
        return sp.vstack(parts, format="csr")

    def _transform(self, texts: list[str]) -> sp.csr_matrix:
        n, width = len(texts), len(self.buckets_)
        buckets, indptr = self.hashes(texts)
        cols = self.column_[buckets]
        known = cols >= 0
        cols = cols[known]
        if self.sublinear_tf:
            rows = np.repeat(np.arange(n), np.diff(indptr))[known]
            matrix = sp.csr_matrix(
                (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(n, width)
            )  # summed duplicates: counts
            matrix.data = (1.0 + np.log(matrix.data)) * self.idf_[matrix.indices]
        else:
            kept = np.zeros(len(known) + 1, dtype=np.int64)
            np.cumsum(known, out=kept[1:])
            matrix = sp.csr_matrix((self.idf_[cols], cols, kept[indptr]), (n, width))
        matrix.data = (matrix.data * self._view_scale(matrix)).astype(np.float32)
        return matrix

    def _view_scale(self, matrix: sp.csr_matrix) -> np.ndarray:
        """1 / the L2 norm of each entry's view within its row.

        Within a row the character columns come before the word columns (kept buckets are
        sorted and words hash into the upper half), so each row is two runs whose sums of
        squares are differences of one running sum: no per-entry bincount.
        """
        ptr = matrix.indptr
        is_char = matrix.indices < self.first_word_column_
        running = np.zeros(len(is_char) + 1, dtype=np.int64)
        np.cumsum(is_char, out=running[1:])
        split = ptr[:-1] + np.diff(running[ptr])  # where each row's word run starts
        square = np.zeros(len(matrix.data) + 1, dtype=np.float64)
        np.cumsum(np.square(matrix.data, dtype=np.float64), out=square[1:])
        bounds = np.column_stack([ptr[:-1], split, split, ptr[1:]])
        sums = square[bounds[:, [1, 3]]] - square[bounds[:, [0, 2]]]  # rows x (char, word)
        lengths = bounds[:, [1, 3]] - bounds[:, [0, 2]]
        with np.errstate(divide="ignore"):
            return np.repeat(1.0 / np.sqrt(sums.ravel()), lengths.ravel())

    def save(self, path: Path) -> None:
        """The kept buckets and their idf as plain arrays (no pickle)."""
        np.savez(Path(path) / _ARRAYS, buckets=self.buckets_, idf=self.idf_)

    @classmethod
    def load(cls, path: Path, params: dict[str, Any]) -> HashedNgramVectorizer:
        """A fitted vectoriser from ``save``'s arrays and its constructor ``params``."""
        vectorizer = cls(**params)
        with np.load(Path(path) / _ARRAYS, allow_pickle=False) as arrays:
            vectorizer.buckets_ = arrays["buckets"].astype(np.int64)
            vectorizer.idf_ = arrays["idf"].astype(np.float32)
        vectorizer._build_lookup()
        return vectorizer
