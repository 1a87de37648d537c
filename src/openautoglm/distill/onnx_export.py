"""ONNX export of both students, checked by onnxruntime against the student's own predictions.

- Linear student: skl2onnx converts the whole scikit-learn pipeline (TF-IDF + logistic
  regression, input: raw strings) when the featuriser is plain scikit-learn and onnxruntime
  reproduces its predictions. A word view that tokenises with our own code (jieba for Chinese,
  a regex for English) cannot be expressed in ONNX, and onnxruntime's string normaliser needs
  an installed locale; then the linear model alone is exported, on the vectorised input
  (input ``features``: float32 TF-IDF rows, computed in Python by the saved vectorisers), and
  the export record says so (``mode`` "features", with the reason).
- fastText student: torch.onnx exports the embedding mean and the linear layer; the input is
  the hashed feature ids padded to a rectangle (``ids`` int64) with a 0/1 ``mask`` (float32),
  since the crc32 hashing of words and n-grams is string code ONNX has no operator for.
  ``fasttext_inputs`` builds both from texts.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from openautoglm.models.fasttext import FastTextCandidate
from openautoglm.models.linear import TfidfLogRegCandidate
from openautoglm.models.sparse_features import fitted_views

#: ONNX opset of both exports (onnxruntime 1.17+ runs it)
OPSET = 17


def _session(model_bytes: bytes) -> Any:
    import onnxruntime as ort

    ort.set_default_logger_severity(3)  # a failed session (no locale) raises; no C++ log
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors reach us as exceptions; no console noise
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def export_linear(student: TfidfLogRegCandidate, path: Path, sample: Sequence[str]) -> dict:
    """Write ``path`` (.onnx) and return how it was exported and how it matched on ``sample``."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType
    from sklearn.pipeline import Pipeline

    sample = list(sample)
    expected = student.predict_proba(sample)
    clf = student.classifier_
    options = {id(clf): {"zipmap": False}}  # plain probability tensor, not a list of dicts
    word, char = fitted_views(student.featurizer_)
    reason = "the word view tokenises with our own code (jieba / regex), which ONNX cannot express"
    if word is None and char is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                onx = convert_sklearn(
                    Pipeline([("tfidf", char), ("clf", clf)]),
                    initial_types=[("text", StringTensorType([None, 1]))],
                    options=options,
                    target_opset=OPSET,
                )
                data = onx.SerializeToString()
                got = _session(data).run(None, {"text": np.array(sample).reshape(-1, 1)})[1]
            record = _compare(expected, got)
            if record["prediction_agreement"] == 1.0:
                path.write_bytes(data)
                return {"mode": "pipeline", "input": "text", "file": path.name, **record}
            reason = f"onnxruntime's tokenisation differs on the sample ({record})"
        except Exception as error:  # noqa: BLE001 - any converter/runtime failure: fall back
            reason = f"skl2onnx/onnxruntime could not run the TF-IDF step ({error!s:.200})"
    onx = convert_sklearn(
        clf,
        initial_types=[("features", FloatTensorType([None, clf.coef_.shape[1]]))],
        options=options,
        target_opset=OPSET,
    )
    data = onx.SerializeToString()
    features = student.featurizer_.transform(sample).toarray().astype(np.float32)
    got = _session(data).run(None, {"features": features})[1]
    path.write_bytes(data)
    return {
        "mode": "features",
        "input": "features",
        "why": reason,
        "file": path.name,
        **_compare(expected, got),
    }


class _DenseBag(nn.Module):
    """EmbeddingBag(mean) as gather + masked mean: what the ONNX graph computes."""

    def __init__(self, student: FastTextCandidate) -> None:
        super().__init__()
        module = student.module_.cpu()
        self.embedding = nn.Embedding.from_pretrained(module.embedding.weight.detach().clone())
        self.linear = module.linear

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits of padded id rows; ``mask`` is 1 for real ids, 0 for padding."""
        vectors = self.embedding(ids) * mask.unsqueeze(-1)
        mean = vectors.sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1.0)
        return self.linear(mean)


def fasttext_inputs(student: FastTextCandidate, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """The ONNX graph's inputs for ``texts``: padded hashed ids and their mask."""
    ids = student._ids(list(texts))
    width = max(1, max((len(a) for a in ids), default=1))
    padded = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.float32)
    for row, values in enumerate(ids):
        padded[row, : len(values)] = values
        mask[row, : len(values)] = 1.0
    return {"ids": padded, "mask": mask}


def export_fasttext(student: FastTextCandidate, path: Path, sample: Sequence[str]) -> dict:
    """Write ``path`` (.onnx) and return how it matched the student on ``sample``."""
    sample = list(sample)
    expected = student.predict_proba(sample)
    wrapper = _DenseBag(student).eval()
    example = fasttext_inputs(student, sample[:2])
    with warnings.catch_warnings():  # the TorchScript exporter is deprecated, and needs no
        warnings.simplefilter("ignore")  # onnxscript, which the default exporter would
        torch.onnx.export(
            wrapper,
            (torch.from_numpy(example["ids"]), torch.from_numpy(example["mask"])),
            str(path),
            input_names=["ids", "mask"],
            output_names=["logits"],
            dynamic_axes={
                "ids": {0: "batch", 1: "length"},
                "mask": {0: "batch", 1: "length"},
                "logits": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    student.module_.to(student.device_)
    logits = _session(path.read_bytes()).run(None, fasttext_inputs(student, sample))[0]
    got = np.exp(logits - logits.max(axis=1, keepdims=True))
    got /= got.sum(axis=1, keepdims=True)
    return {
        "mode": "ids",
        "input": "ids, mask (hashed n-gram ids, see fasttext_inputs)",
        "file": path.name,
        **_compare(expected, got),
    }


def _compare(expected: np.ndarray, got: np.ndarray) -> dict[str, Any]:
    return {
        "sample_rows": int(len(expected)),
        "prediction_agreement": float((expected.argmax(axis=1) == got.argmax(axis=1)).mean()),
        "max_abs_proba_diff": float(np.abs(expected - got).max()) if len(expected) else 0.0,
    }
