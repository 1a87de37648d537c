"""The two students: a hashed TF-IDF linear model and the fastText-style model, on soft targets.

Both are saved as ordinary members of existing families (``hashed_lr`` and ``fasttext``), so a
student bundle loads with ``openautoglm.load`` like any run's model.

Linear student: multinomial logistic regression on hashed n-gram TF-IDF (HashedNgramVectorizer:
array operations instead of a Python string per n-gram, which is what lets it serve long texts
at tens of thousands a second), fitted by L-BFGS with closed-form gradients (scipy for the
sparse products). Why not scikit-learn's own solver on a sample-weighted expansion (each row
repeated once per class, weighted by the teacher's probability)? That fits soft targets at a
single temperature only; the distillation loss applies T to the KL term and 1 to the label
term of the same logits, which no sample weighting can express. The problem stays convex, so
L-BFGS converges to the same kind of optimum scikit-learn's solvers reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import sklearn.base
import torch
from scipy.optimize import minimize

from openautoglm.distill.loss import distillation_loss, distillation_loss_numpy
from openautoglm.models.fasttext import FastTextCandidate
from openautoglm.models.hashed_linear import HashedLogRegCandidate
from openautoglm.models.text_features import needs_segmentation

#: the linear student's feature cap: bounds its size (coefficients x classes)
STUDENT_FEATURES = 100_000
#: inverse L2 strength, on scikit-learn's scale (the tfidf_lr family's default)
STUDENT_C = 8.0
#: L-BFGS iterations of one linear fit: the weakly regularised fits (C 128+) a student wants
#: were still gaining validation accuracy at 100 (trec: 0.901 at 100, 0.914 at 300)
LBFGS_ITERATIONS = 300


@dataclass(frozen=True)
class FastTextShape:
    """The fastText student's size: buckets x dim float32 embeddings (2**17 x 32: 16 MB)."""

    dim: int = 32
    buckets: int = 2**17
    epochs: int = 5
    lr: float = 2e-2
    dropout: float = 0.1


def fit_softmax_regression(
    features: sp.csr_matrix,
    teacher_proba: np.ndarray,
    labels: np.ndarray,
    temperature: float,
    alpha: float,
    C: float = STUDENT_C,
    iterations: int = LBFGS_ITERATIONS,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights (classes, features) and biases minimising the distillation loss plus L2.

    L-BFGS (scipy) over the flattened weights; the loss and its gradient with respect to the
    logits are closed-form (distillation_loss_numpy), and the chain rule through the sparse
    features is one scipy product (X^T G), far faster than torch's sparse backward.
    The L2 term is scikit-learn's, per row: ||W||^2 / (2 C n).
    """
    # float32 products: half the memory traffic of float64, and the sums stay far more
    # precise than the L-BFGS tolerance needs; the loss and the parameters stay float64
    x = sp.csr_matrix(features, dtype=np.float32)
    xt = x.T.tocsr()
    n, d = x.shape
    k = teacher_proba.shape[1]
    q = np.asarray(teacher_proba, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    l2 = 1.0 / (2.0 * C * n)

    def loss_and_grad(flat: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = flat[: d * k].reshape(d, k), flat[d * k :]
        logits = np.asarray(x @ weights.astype(np.float32), dtype=np.float64) + bias
        value, g = distillation_loss_numpy(logits, q, y, temperature, alpha)
        grad_w = np.asarray(xt @ g.astype(np.float32), dtype=np.float64) + 2.0 * l2 * weights
        value += l2 * float((weights**2).sum())
        return value, np.concatenate([grad_w.ravel(), g.sum(axis=0)])

    found = minimize(
        loss_and_grad,
        np.zeros(d * k + k),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": iterations},
    )
    return found.x[: d * k].reshape(d, k).T.copy(), found.x[d * k :].copy()


class LinearStudent:
    """Featurise once, then fit the linear student at several (T, alpha) cheaply."""

    def __init__(self, texts: Sequence[str], language: str, n_classes: int) -> None:
        self.language, self.n_classes = language, n_classes
        self.template = HashedLogRegCandidate(
            language=language, C=STUDENT_C, max_features=STUDENT_FEATURES
        )
        self.featurizer = self.template.build_featurizer().fit(list(texts))
        self.features = self.featurizer.transform(list(texts))

    def fit(
        self,
        teacher_proba: np.ndarray,
        labels: np.ndarray,
        temperature: float,
        alpha: float,
        rows: np.ndarray | None = None,
        C: float = STUDENT_C,
    ) -> HashedLogRegCandidate:
        """A ``hashed_lr`` member trained on ``rows`` (default: all) of the featurised texts."""
        features = self.features if rows is None else self.features[rows]
        proba = teacher_proba if rows is None else teacher_proba[rows]
        y = labels if rows is None else labels[rows]
        coef, intercept = fit_softmax_regression(features, proba, y, temperature, alpha, C)
        model = sklearn.base.clone(self.template).set_params(C=C)
        model.featurizer_ = self.featurizer
        model._set_n_classes(self.n_classes)
        model.set_weights(coef, intercept)
        return model


class SoftFastText(FastTextCandidate):
    """FastTextCandidate trained with the distillation loss (saved and loaded as ``fasttext``).

    The teacher's probabilities, true labels (-1: none) and (T, alpha) are set as attributes,
    not constructor parameters, so the saved params stay those of the plain family.
    """

    def _loss(self, logits: torch.Tensor, y_t: torch.Tensor, rows: np.ndarray) -> torch.Tensor:
        """The distillation loss on this batch's rows."""
        if self.soft_.device != logits.device:  # moved once, on the first batch
            self.soft_, self.gold_ = self.soft_.to(logits.device), self.gold_.to(logits.device)
        index = torch.as_tensor(rows, device=logits.device)
        return distillation_loss(
            logits, self.soft_[index], self.gold_[index], self.temperature_, self.alpha_
        )


def fit_fasttext_student(
    texts: Sequence[str],
    teacher_proba: np.ndarray,
    labels: np.ndarray,
    language: str,
    temperature: float,
    alpha: float,
    seed: int = 0,
    shape: FastTextShape | None = None,
    cache_dir: str | None = None,
) -> FastTextCandidate:
    """A ``fasttext`` member trained on soft targets; a plain FastTextCandidate is returned."""
    shape = shape or FastTextShape()
    student = SoftFastText(
        language=language,
        dim=shape.dim,
        epochs=shape.epochs,
        lr=shape.lr,
        buckets=shape.buckets,
        ngram_max=4 if needs_segmentation(language) else 5,
        dropout=shape.dropout,
        seed=seed,
        cache_dir=cache_dir,
    )
    student.soft_ = torch.from_numpy(np.asarray(teacher_proba, dtype=np.float32))
    student.gold_ = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    student.temperature_, student.alpha_ = float(temperature), float(alpha)
    # early stopping and the stratified split read one label a row: the teacher's where the
    # row has no true label
    stop_labels = np.where(labels >= 0, labels, np.asarray(teacher_proba).argmax(axis=1))
    # every class index must occur for n_classes_: the teacher's width, not max(label) + 1
    student.fit(list(texts), stop_labels)
    if student.n_classes_ != teacher_proba.shape[1]:
        raise ValueError("the transfer set lacks the last class; cannot size the student")
    plain = FastTextCandidate(**student.get_params())
    plain.__dict__.update(
        {
            k: v
            for k, v in student.__dict__.items()
            if k.endswith("_") and k not in ("soft_", "gold_", "temperature_", "alpha_")
        }
    )
    return plain
