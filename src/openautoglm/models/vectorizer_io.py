"""Persist fitted TfidfVectorizers as JSON (parameters, vocabulary) plus .npy (idf weights).

skops takes minutes on a vocabulary of 10^5 terms; this format takes well under a second
and, like skops, cannot run code when loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

_SAFE_PARAMS = {
    "analyzer",
    "binary",
    "lowercase",
    "max_df",
    "max_features",
    "min_df",
    "ngram_range",
    "norm",
    "smooth_idf",
    "strip_accents",
    "sublinear_tf",
    "token_pattern",
    "use_idf",
}


def save_vectorizer(vectorizer: TfidfVectorizer, folder: Path, name: str) -> None:
    """Write ``name``.json and ``name``.idf.npy into ``folder``."""
    params = {k: v for k, v in vectorizer.get_params().items() if k in _SAFE_PARAMS}
    params["dtype"] = np.dtype(vectorizer.dtype).name
    payload = {
        "params": params,
        "vocabulary": {term: int(i) for term, i in vectorizer.vocabulary_.items()},
    }
    (folder / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    if vectorizer.use_idf:
        np.save(folder / f"{name}.idf.npy", vectorizer.idf_, allow_pickle=False)


def load_vectorizer(folder: Path, name: str) -> TfidfVectorizer:
    """Rebuild a fitted vectorizer written by ``save_vectorizer``."""
    payload = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    params = dict(payload["params"])
    params["dtype"] = np.dtype(params["dtype"]).type
    params["ngram_range"] = tuple(params["ngram_range"])
    vectorizer = TfidfVectorizer(**params)
    vectorizer.vocabulary_ = payload["vocabulary"]
    if vectorizer.use_idf:
        vectorizer.idf_ = np.load(folder / f"{name}.idf.npy", allow_pickle=False)
    return vectorizer
