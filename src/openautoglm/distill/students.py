"""The two students: a TF-IDF linear model and the fastText-style model, on soft targets.

Both are saved as ordinary members of the existing families (``tfidf_lr`` and ``fasttext``),
so a student bundle loads with ``openautoglm.load`` like any run's model.

Linear student: multinomial logistic regression fitted by L-BFGS on the sparse TF-IDF matrix
(closed-form gradients, scipy for the sparse products), then written into a scikit-learn
``LogisticRegression``. Why not
scikit-learn's own solver on a sample-weighted expansion (each row repeated once per class,
weighted by the teacher's probability)? That fits soft targets at a single temperature only;
the distillation loss applies T to the KL term and 1 to the label term of the same logits,
which no sample weighting can express. The problem stays convex, so L-BFGS converges to the
same kind of optimum scikit-learn's solvers reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

from openautoglm.distill.loss import distillation_loss, distillation_loss_numpy
from openautoglm.models.fasttext import FastTextCandidate
from openautoglm.models.linear import TfidfLogRegCandidate
from openautoglm.models.sparse_features import ngram_featurizer
from openautoglm.models.text_features import needs_segmentation

#: vocabulary caps of the linear student's views: bound its size (coefficients x classes)
STUDENT_WORD_FEATURES = 30_000
STUDENT_CHAR_FEATURES = 50_000
#: inverse L2 strength, on scikit-learn's scale (the tfidf_lr family's default)
STUDENT_C = 8.0
#: L-BFGS iterations of one linear fit (a convex problem: converges well within this)
LBFGS_ITERATIONS = 100


@dataclass(frozen=True)
class FastTextShape:
    """The fastText student's size: buckets x dim float32 embeddings (2**17 x 32: 16 MB)."""

    dim: int = 32
    buckets: int = 2**17
    epochs: int = 5
    lr: float = 2e-2
    dropout: float = 0.1


def linear_featurizer(language: str, cache_dir: str | None = None):  # noqa: ANN201
    """The linear student's n-gram views, capped in size.

    Chinese: character 1-3-grams only (the benchmark's best single view there, and no jieba
    in the student, which keeps it fast); English: word 1-2-grams and char_wb 2-5-grams.
    """
    if needs_segmentation(language):
        union = ngram_featurizer(
            language,
            word_ngram_max=0,
            char_ngram_min=1,
            char_ngram_max=3,
            min_df=2,
            cache_dir=cache_dir,
        )
    else:
        union = ngram_featurizer(
            language,
            word_ngram_max=2,
            char_ngram_min=2,
            char_ngram_max=5,
            min_df=2,
            cache_dir=cache_dir,
        )
    views = dict(union.transformer_list)
    if views["word"] != "drop":
        union.set_params(word__tfidf__max_features=STUDENT_WORD_FEATURES)
    if views["char"] != "drop":
        union.set_params(char__max_features=STUDENT_CHAR_FEATURES)
    return union


def _params_for(language: str) -> dict[str, int]:
    if needs_segmentation(language):
        return {"word_ngram_max": 0, "char_ngram_min": 1, "char_ngram_max": 3, "min_df": 2}
    return {"word_ngram_max": 2, "char_ngram_min": 2, "char_ngram_max": 5, "min_df": 2}


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
    x = sp.csr_matrix(features, dtype=np.float64)
    xt = x.T.tocsr()
    n, d = x.shape
    k = teacher_proba.shape[1]
    q = np.asarray(teacher_proba, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    l2 = 1.0 / (2.0 * C * n)

    def loss_and_grad(flat: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = flat[: d * k].reshape(d, k), flat[d * k :]
        value, g = distillation_loss_numpy(np.asarray(x @ weights) + bias, q, y, temperature, alpha)
        grad_w = np.asarray(xt @ g) + 2.0 * l2 * weights
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


def as_logistic_regression(coef: np.ndarray, intercept: np.ndarray) -> LogisticRegression:
    """A fitted scikit-learn LogisticRegression giving softmax(X coef^T + intercept).

    Two classes: scikit-learn keeps one row, the difference, since sigmoid(z1 - z0) is the
    two-class softmax. Float32 coefficients halve the bundle and match the float32 features.
    """
    k = coef.shape[0]
    if k == 2:
        coef, intercept = (coef[1] - coef[0])[None, :], np.array([intercept[1] - intercept[0]])
    model = LogisticRegression(C=STUDENT_C)
    model.coef_ = np.ascontiguousarray(coef, dtype=np.float32)
    model.intercept_ = np.asarray(intercept, dtype=np.float32)
    model.classes_ = np.arange(k)
    model.n_features_in_ = coef.shape[1]
    model.n_iter_ = np.array([LBFGS_ITERATIONS], dtype=np.int32)
    return model


class LinearStudent:
    """Featurise once, then fit the linear student at several (T, alpha) cheaply."""

    def __init__(self, texts: Sequence[str], language: str, n_classes: int) -> None:
        self.language, self.n_classes = language, n_classes
        self.featurizer = linear_featurizer(language).fit(list(texts))
        self.features = self.featurizer.transform(list(texts)).tocsr()

    def fit(
        self,
        teacher_proba: np.ndarray,
        labels: np.ndarray,
        temperature: float,
        alpha: float,
        rows: np.ndarray | None = None,
    ) -> TfidfLogRegCandidate:
        """A ``tfidf_lr`` member trained on ``rows`` (default: all) of the featurised texts."""
        features = self.features if rows is None else self.features[rows]
        proba = teacher_proba if rows is None else teacher_proba[rows]
        y = labels if rows is None else labels[rows]
        coef, intercept = fit_softmax_regression(features, proba, y, temperature, alpha)
        model = TfidfLogRegCandidate(
            language=self.language, C=STUDENT_C, **_params_for(self.language)
        )
        model.featurizer_ = self.featurizer
        model.classifier_ = as_logistic_regression(coef, intercept)
        model._set_n_classes(self.n_classes)
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
