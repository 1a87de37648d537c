"""Plain baselines for the other task types, built on the yardstick's features.

Each is what a practitioner writes for the task with the language-aware TF-IDF of
strong_baseline.py, a converged solver and its regularisation chosen by 5-fold CV:

- multilabel: one-vs-rest logistic regression; C and one decision threshold shared by
  all labels chosen together by CV micro-F1;
- text pairs: one TF-IDF fitted on both sides, features ``[a, b, |a-b|, a*b, cos(a, b)]``,
  logistic regression with C by CV accuracy;
- regression: ridge with alpha by CV mean squared error.

Do not weaken them: the task figures in the README are claimed against exactly these.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer, normalize
from strong_baseline import C_GRID, CV_FOLDS, MAX_ITER, features, single_text_latency_ms

from openautoglm.data.language import detect_language
from openautoglm.evaluate.task_metrics import multilabel_metrics, regression_metrics

#: written next to every task baseline figure; change it whenever a baseline changes
TASK_VERSION = "task-1"
THRESHOLDS = (0.2, 0.3, 0.4, 0.5)
RIDGE_ALPHAS = (0.3, 1.0, 3.0, 10.0)


class PairFeatures(BaseEstimator, TransformerMixin):
    """TF-IDF of each side of ``(left, right)`` rows with their difference, product and cosine."""

    def __init__(self, language: str = "en") -> None:
        self.language = language

    def fit(self, pairs: list[tuple[str, str]], y: Any = None) -> PairFeatures:
        self.vectorizer_ = features(self.language)
        self.vectorizer_.fit([a for a, _ in pairs] + [b for _, b in pairs])
        return self

    def transform(self, pairs: list[tuple[str, str]]) -> sp.csr_matrix:
        left = normalize(self.vectorizer_.transform([a for a, _ in pairs]))
        right = normalize(self.vectorizer_.transform([b for _, b in pairs]))
        product = left.multiply(right)
        cosine = sp.csr_matrix(np.asarray(product.sum(axis=1)))
        return sp.hstack([left, right, abs(left - right), product, cosine], format="csr")


def _timed_fit(model: Any, x: Any, y: Any) -> float:
    start = time.perf_counter()
    model.fit(x, y)
    return time.perf_counter() - start


def _speed(model: Any, x: list[Any], predict: str = "predict") -> dict[str, float]:
    """Batch rows/s and single-row p50 latency of ``model.<predict>``."""
    start = time.perf_counter()
    getattr(model, predict)(x)
    rows_per_s = len(x) / (time.perf_counter() - start)
    latency = single_text_latency_ms(model, x, n=50, method=predict)
    return {"predict_rows_per_s": rows_per_s, "latency_ms_p50": latency}


def label_lists(column: pd.Series, sep: str) -> list[list[str]]:
    """Delimited label cells as lists (an empty cell is the empty set)."""
    return [[p.strip() for p in str(v).split(sep) if p.strip()] for v in column.fillna("")]


def multilabel_baseline(
    train: pd.DataFrame, test: pd.DataFrame, text: str, label: str, sep: str, n_jobs: int = 2
) -> dict[str, Any]:
    """One-vs-rest logistic regression; C and threshold by 5-fold CV micro-F1."""
    texts, test_texts = train[text].astype(str).tolist(), test[text].astype(str).tolist()
    binarizer = MultiLabelBinarizer().fit(label_lists(train[label], sep))
    y = binarizer.transform(label_lists(train[label], sep))
    y_test = binarizer.transform(label_lists(test[label], sep))
    language = detect_language(texts)

    def model(c: float) -> Any:
        solver = LogisticRegression(C=c, max_iter=MAX_ITER)
        return make_pipeline(features(language), OneVsRestClassifier(solver, n_jobs=n_jobs))

    start = time.perf_counter()
    folds = KFold(CV_FOLDS, shuffle=True, random_state=0)
    scores = {}
    for c in C_GRID:
        proba = cross_val_predict(model(c), texts, y, cv=folds, method="predict_proba")
        for t in THRESHOLDS:
            scores[(c, t)] = f1_score(y, proba >= t, average="micro", zero_division=0)
    best_c, best_t = max(scores, key=scores.get)
    final = model(best_c)
    final.fit(texts, y)
    fit_s = time.perf_counter() - start
    pred = final.predict_proba(test_texts) >= best_t
    metrics = multilabel_metrics(y_test, pred, list(binarizer.classes_))
    metrics.pop("per_label")
    return {
        **metrics,
        "cv_f1_micro": float(scores[(best_c, best_t)]),
        "C": best_c,
        "threshold": best_t,
        "fit_s": fit_s,
        **_speed(final, test_texts, "predict_proba"),
        "version": TASK_VERSION,
    }


def pair_baseline(
    train: pd.DataFrame, test: pd.DataFrame, columns: list[str], label: str, n_jobs: int = 2
) -> dict[str, Any]:
    """Pair TF-IDF features and logistic regression; C by stratified 5-fold CV accuracy."""
    left, right = columns
    pairs = list(zip(train[left].astype(str), train[right].astype(str), strict=True))
    test_pairs = list(zip(test[left].astype(str), test[right].astype(str), strict=True))
    language = detect_language([a for a, _ in pairs])
    search = GridSearchCV(
        make_pipeline(PairFeatures(language), LogisticRegression(max_iter=MAX_ITER)),
        {"logisticregression__C": list(C_GRID)},
        cv=StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0),
        n_jobs=n_jobs,
    )
    y, truth = train[label].astype(str).tolist(), test[label].astype(str).tolist()
    fit_s = _timed_fit(search, pairs, y)
    pred = search.predict(test_pairs)
    return {
        "accuracy": float(accuracy_score(truth, pred)),
        "f1_macro": float(f1_score(truth, pred, average="macro")),
        "cv_accuracy": float(search.best_score_),
        "C": search.best_params_["logisticregression__C"],
        "fit_s": fit_s,
        **_speed(search.best_estimator_, test_pairs),
        "version": TASK_VERSION,
    }


def regression_baseline(
    train: pd.DataFrame, test: pd.DataFrame, text: str, label: str, n_jobs: int = 2
) -> dict[str, Any]:
    """TF-IDF and ridge regression; alpha by 5-fold CV mean squared error."""
    texts, test_texts = train[text].astype(str).tolist(), test[text].astype(str).tolist()
    search = GridSearchCV(
        make_pipeline(features(detect_language(texts)), Ridge()),
        {"ridge__alpha": list(RIDGE_ALPHAS)},
        cv=KFold(CV_FOLDS, shuffle=True, random_state=0),
        scoring="neg_mean_squared_error",
        n_jobs=n_jobs,
    )
    fit_s = _timed_fit(search, texts, train[label].astype(float).to_numpy())
    pred = search.predict(test_texts)
    return {
        **regression_metrics(test[label].astype(float).to_numpy(), pred),
        "cv_rmse": float(np.sqrt(-search.best_score_)),
        "alpha": search.best_params_["ridge__alpha"],
        "fit_s": fit_s,
        **_speed(search.best_estimator_, test_texts),
        "version": TASK_VERSION,
    }
