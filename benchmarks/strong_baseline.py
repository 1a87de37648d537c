"""The yardstick of the benchmarks: the strong TF-IDF + logistic regression a practitioner writes.

Language-aware features and a converged solver, C chosen by 5-fold CV:

- Chinese: character 1-3-grams (single characters carry much of the signal; no spaces, so
  the analyzer runs over the whole text);
- English: word 1-2-grams plus ``char_wb`` 2-5-grams;
- both with ``sublinear_tf``; logistic regression with lbfgs, ``max_iter=3000``,
  C in {0.5, 2, 8, 32}.

Do not weaken it (a looser solver, fewer n-grams, a smaller C grid): the benchmarks' claims are
made against exactly this model.

    python benchmarks/strong_baseline.py --root ../shared/datasets --datasets tnews
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from openautoglm.data.language import detect_language

#: written next to every baseline figure; change it whenever the baseline changes
VERSION = "strong-1"
C_GRID = (0.5, 2.0, 8.0, 32.0)
CV_FOLDS = 5
MAX_ITER = 3000
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def features(language: str) -> Pipeline:
    """The baseline's TF-IDF features for a language ("zh" for Chinese, otherwise English)."""
    if language in ("zh", "mixed"):
        return make_union(TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True))
    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
    )


def strong_baseline(language: str, n_jobs: int = 2) -> GridSearchCV:
    """The unfitted baseline: features, converged lbfgs, C by stratified 5-fold CV."""
    model = make_pipeline(features(language), LogisticRegression(max_iter=MAX_ITER))
    return GridSearchCV(
        model,
        {"logisticregression__C": list(C_GRID)},
        cv=StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0),
        n_jobs=n_jobs,
    )


def evaluate(train: pd.DataFrame, test: pd.DataFrame, n_jobs: int = 2) -> dict[str, float]:
    """Fit the baseline on ``train``, score it on ``test``; times, speed and the chosen C."""
    texts = train.text.astype(str).tolist()
    language = detect_language(texts)
    search = strong_baseline(language, n_jobs)
    start = time.perf_counter()
    search.fit(texts, train.label.astype(str).tolist())
    fit_s = time.perf_counter() - start
    test_texts = test.text.astype(str).tolist()
    start = time.perf_counter()
    pred = search.predict(test_texts)
    predict_s = time.perf_counter() - start
    truth = test.label.astype(str).tolist()
    return {
        "accuracy": accuracy_score(truth, pred),
        "f1_macro": f1_score(truth, pred, average="macro"),
        "cv_accuracy": float(search.best_score_),
        "fit_s": fit_s,
        "predict_rows_per_s": len(test) / predict_s,
        "latency_ms_p50": single_text_latency_ms(search, test_texts),
        "C": search.best_params_["logisticregression__C"],
        "language": language,
        "version": VERSION,
    }


def single_text_latency_ms(
    model: Any, texts: list[Any], n: int = 200, method: str = "predict"
) -> float:
    """Median milliseconds of one ``predict`` (or ``method``) call on one text."""
    call = getattr(model, method)
    times = []
    for text in texts[:n]:
        start = time.perf_counter()
        call([text])
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description="Fit the strong baseline on each dataset.")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="datasets folder")
    parser.add_argument("--datasets", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel CV fits")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    names = [n for n in args.datasets.split(",") if n] or single_label_datasets(args.root)
    for name in names:
        train = pd.read_csv(args.root / name / "train.csv")
        test = pd.read_csv(args.root / name / "test.csv")
        print(name, json.dumps(evaluate(train, test, args.jobs)), flush=True)


def single_label_datasets(root: Path) -> list[str]:
    """Datasets under ``root`` with single-label ``text,label`` train and test files."""
    names = []
    for folder in sorted(p for p in root.iterdir() if (p / "train.csv").is_file()):
        header = pd.read_csv(folder / "train.csv", nrows=0).columns.tolist()
        if header == ["text", "label"]:
            names.append(folder.name)
    return names


if __name__ == "__main__":
    main()
