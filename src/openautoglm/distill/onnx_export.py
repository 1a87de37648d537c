"""ONNX export of both students, checked by onnxruntime against the student's own predictions.

- Linear student: its hashed n-gram featuriser is array code over Unicode code points, which
  ONNX's string operators cannot express, so the graph starts from the features: input
  ``features`` (float32 rows, computed in Python by the saved vectoriser), then
  ``softmax(features @ W^T + b)`` as Gemm and Softmax; output ``probabilities``.
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
from openautoglm.models.hashed_linear import HashedLogRegCandidate

#: ONNX opset of both exports (onnxruntime 1.17+ runs it)
OPSET = 17


def _session(model_bytes: bytes) -> Any:
    import onnxruntime as ort

    ort.set_default_logger_severity(3)  # a failed session (no locale) raises; no C++ log
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors reach us as exceptions; no console noise
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def linear_graph(student: HashedLogRegCandidate) -> bytes:
    """The linear student as an ONNX model: features -> Gemm -> Softmax."""
    from onnx import TensorProto, helper, numpy_helper

    coef = np.ascontiguousarray(student.coef_, dtype=np.float32)
    width = coef.shape[1]
    graph = helper.make_graph(
        [
            helper.make_node("Gemm", ["features", "coef", "intercept"], ["logits"], transB=1),
            helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        ],
        "linear_student",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [None, width])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, len(coef)])],
        initializer=[
            numpy_helper.from_array(coef, "coef"),
            numpy_helper.from_array(student.intercept_.astype(np.float32), "intercept"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    return model.SerializeToString()


def export_linear(student: HashedLogRegCandidate, path: Path, sample: Sequence[str]) -> dict:
    """Write ``path`` (.onnx) and return how it matched the student on ``sample``."""
    sample = list(sample)
    data = linear_graph(student)
    features = student.featurizer_.transform(sample).toarray().astype(np.float32)
    got = _session(data).run(None, {"features": features})[0]
    path.write_bytes(data)
    return {
        "mode": "features",
        "input": "features (float32 hashed TF-IDF rows, the saved vectoriser's output)",
        "file": path.name,
        **_compare(student.predict_proba(sample), got),
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
