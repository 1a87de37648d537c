"""fastText-style classifier: mean of hashed word/n-gram embeddings, then a linear layer."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from openautoglm.models.base import Candidate, Resources
from openautoglm.models.encoder_loading import pick_device
from openautoglm.models.text_features import needs_segmentation, tokenize
from openautoglm.models.torch_utils import (
    copy_state,
    is_better,
    softmax_numpy,
    to_safetensors_dict,
    validation_split,
)

_WEIGHTS = "model.safetensors"
_PATIENCE = 2  # epochs without validation gain before stopping
_PREDICT_BATCH = 2048


def _crc(feature: str) -> int:
    # crc32 is stable across processes, unlike the salted built-in hash()
    return zlib.crc32(feature.encode("utf-8"))


class _Hasher:
    """Turns texts into raw 32-bit feature hashes, memoising per-word subword hashes."""

    def __init__(self, language: str, word_bigrams: bool, ngram_max: int) -> None:
        self.chinese = needs_segmentation(language)
        self.word_bigrams = word_bigrams
        self.ngram_max = ngram_max
        self._word_memo: dict[str, list[int]] = {}

    def __call__(self, tokens: str, raw: str) -> list[int]:
        """All feature hashes of one text (words, bigrams, character n-grams)."""
        words = tokens.split()
        hashes: list[int] = []
        for word in words:
            hashes.extend(self._word(word))
        if self.word_bigrams:
            hashes.extend(_crc(f"b{a} {b}") for a, b in zip(words, words[1:], strict=False))
        if self.chinese:
            hashes.extend(self._raw_ngrams(" ".join(raw.lower().split())))
        return hashes

    def _word(self, word: str) -> list[int]:
        cached = self._word_memo.get(word)
        if cached is None:
            cached = [_crc(f"w{word}")]
            if not self.chinese:  # English subwords: n-grams of "<word>", 3..ngram_max
                marked = f"<{word}>"
                cached.extend(_crc(f"c{g}") for g in _ngrams(marked, 3, self.ngram_max))
            self._word_memo[word] = cached
        return cached

    def _raw_ngrams(self, text: str) -> list[int]:
        # Chinese: single characters plus character n-grams of the raw text, 2..ngram_max
        chars = [_crc(f"h{c}") for c in text if not c.isspace()]
        return chars + [_crc(f"c{g}") for g in _ngrams(text, 2, self.ngram_max)]


def _ngrams(text: str, low: int, high: int) -> list[str]:
    return [text[i : i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]


class _FastTextModule(nn.Module):
    """EmbeddingBag(mean) -> dropout -> linear."""

    def __init__(self, buckets: int, dim: int, n_classes: int, dropout: float) -> None:
        super().__init__()
        # sparse gradients: each step touches only the rows of the batch's features
        self.embedding = nn.EmbeddingBag(buckets, dim, mode="mean", sparse=True)
        nn.init.uniform_(self.embedding.weight, -1.0 / dim, 1.0 / dim)
        self.dropout = nn.Dropout(dropout)
        self.linear = nn.Linear(dim, n_classes)

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """Logits for the bags given by flat ``ids`` and their start ``offsets``."""
        return self.linear(self.dropout(self.embedding(ids, offsets)))


def _pack(
    ids: list[np.ndarray], rows: np.ndarray, device: str
) -> tuple[torch.Tensor, torch.Tensor]:
    chosen = [ids[i] for i in rows]
    lengths = np.fromiter((len(a) for a in chosen), dtype=np.int64, count=len(chosen))
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    flat = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    return torch.from_numpy(flat).to(device), torch.from_numpy(offsets).to(device)


class FastTextCandidate(Candidate):
    """Hashed bag of words, word bigrams and character n-grams, trained with Adam."""

    family = "fasttext"
    shared_features = frozenset({"tokens"})
    resources = Resources(cpus=1, memory_mb=1500)

    def __init__(
        self,
        language: str = "en",
        dim: int = 64,
        epochs: int = 10,
        lr: float = 1e-2,
        buckets: int = 2**18,
        word_bigrams: bool = True,
        ngram_max: int = 5,
        dropout: float = 0.2,
        batch_size: int = 64,
        seed: int = 0,
        cache_dir: str | None = None,
    ) -> None:
        self.language = language
        self.dim = dim
        self.epochs = epochs
        self.lr = lr
        self.buckets = buckets
        self.word_bigrams = word_bigrams
        self.ngram_max = ngram_max
        self.dropout = dropout
        self.batch_size = batch_size
        self.seed = seed
        self.cache_dir = cache_dir

    def _ids(self, texts: Sequence[str]) -> list[np.ndarray]:
        texts = list(texts)
        hasher = _Hasher(self.language, self.word_bigrams, self.ngram_max)
        tokens = tokenize(texts, self.language, self.cache_dir)
        return [
            np.asarray(hasher(tok, raw), dtype=np.int64) % self.buckets
            for tok, raw in zip(tokens, texts, strict=True)
        ]

    def fit(self, texts: Sequence[str], y: np.ndarray) -> FastTextCandidate:
        """Train with mini-batches, early stopping on a 10% stratified validation split."""
        torch.manual_seed(self.seed)
        y = np.asarray(y, dtype=np.int64)
        self._learn_classes(y)
        self.device_ = pick_device()
        ids = self._ids(texts)  # hashed once per fit, reused by every epoch
        train_idx, val_idx = validation_split(y, 0.1, seed=self.seed)
        self.module_ = _FastTextModule(self.buckets, self.dim, self.n_classes_, self.dropout)
        self.module_.to(self.device_)
        self.fit_history_ = self._train(ids, y, train_idx, val_idx)
        return self

    def _optimizers(self, total_steps: int) -> tuple[list[torch.optim.Optimizer], list[Any]]:
        module = self.module_
        optimizers: list[torch.optim.Optimizer] = [
            torch.optim.SparseAdam(list(module.embedding.parameters()), lr=self.lr),
            torch.optim.AdamW(module.linear.parameters(), lr=self.lr, weight_decay=0.01),
        ]

        def decay(step: int) -> float:  # fastText-style linear decay of the learning rate
            return max(0.0, 1.0 - step / max(1, total_steps))

        schedulers = [torch.optim.lr_scheduler.LambdaLR(opt, decay) for opt in optimizers]
        return optimizers, schedulers

    def _train(
        self, ids: list[np.ndarray], y: np.ndarray, train_idx: np.ndarray, val_idx: np.ndarray
    ) -> list[dict[str, float]]:
        rng = np.random.default_rng(self.seed)
        y_t = torch.as_tensor(y.copy(), device=self.device_)
        steps_per_epoch = -(-len(train_idx) // self.batch_size)
        optimizers, schedulers = self._optimizers(steps_per_epoch * self.epochs)
        history: list[dict[str, float]] = []
        best: tuple[float, float] | None = None
        best_state, stale = None, 0
        for epoch in range(self.epochs):
            self.module_.train()
            order = rng.permutation(train_idx)
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                loss = self._loss(self.module_(*_pack(ids, rows, self.device_)), y_t, rows)
                for opt in optimizers:
                    opt.zero_grad()
                loss.backward()
                for opt, sched in zip(optimizers, schedulers, strict=True):
                    opt.step()
                    sched.step()
            if len(val_idx) == 0:
                continue
            score = self._evaluate(ids, y, val_idx)
            history.append({"epoch": epoch + 1, "val_accuracy": score[0], "val_loss": -score[1]})
            if is_better(score, best):
                best, best_state, stale = score, copy_state(self.module_), 0
            else:
                stale += 1
                if stale >= _PATIENCE:
                    break
        if best_state is not None:
            self.module_.load_state_dict(best_state)
        return history

    def _loss(self, logits: torch.Tensor, y_t: torch.Tensor, rows: np.ndarray) -> torch.Tensor:
        """Training loss of one batch; a hook so distillation can train on soft targets."""
        return F.cross_entropy(logits, y_t[rows])

    def _logits(self, ids: list[np.ndarray], rows: np.ndarray) -> torch.Tensor:
        self.module_.eval()
        parts = []
        with torch.inference_mode():
            for start in range(0, len(rows), _PREDICT_BATCH):
                batch = rows[start : start + _PREDICT_BATCH]
                parts.append(self.module_(*_pack(ids, batch, self.device_)))
        if not parts:
            return torch.zeros((0, self.n_classes_))
        return torch.cat(parts)

    def _evaluate(
        self, ids: list[np.ndarray], y: np.ndarray, rows: np.ndarray
    ) -> tuple[float, float]:
        logits = self._logits(ids, rows)
        target = torch.from_numpy(y[rows]).to(logits.device)
        accuracy = float((logits.argmax(dim=1) == target).float().mean())
        return accuracy, -float(F.cross_entropy(logits, target))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape (n_texts, n_classes_)."""
        ids = self._ids(texts)
        return softmax_numpy(self._logits(ids, np.arange(len(ids))))

    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """Sizes are capped so the embedding table stays under ~100 MB (2**18 x 96 floats)."""
        return {
            "dim": trial.suggest_categorical("dim", [32, 64, 96]),
            "lr": trial.suggest_float("lr", 2e-3, 5e-2, log=True),
            "epochs": trial.suggest_int("epochs", 5, 20),
            "dropout": trial.suggest_float("dropout", 0.0, 0.5),
            "word_bigrams": trial.suggest_categorical("word_bigrams", [True, False]),
            "buckets": trial.suggest_categorical("buckets", [2**16, 2**17, 2**18]),
            "ngram_max": trial.suggest_int("ngram_max", 3, 5),
        }

    def save(self, path: Path) -> None:
        """Params and shapes as JSON, weights as safetensors."""
        path = Path(path)
        self._save_params(path, hash="crc32-mod-buckets")
        save_file(to_safetensors_dict(self.module_), str(path / _WEIGHTS))

    @classmethod
    def load(cls, path: Path) -> FastTextCandidate:
        """Rebuild the module from the saved params and load its safetensors weights."""
        path = Path(path)
        model = cls._from_meta(cls._load_params(path))
        model.device_ = pick_device()
        model.module_ = _FastTextModule(model.buckets, model.dim, model.n_classes_, model.dropout)
        model.module_.load_state_dict(load_file(str(path / _WEIGHTS)))
        model.module_.to(model.device_)
        return model
