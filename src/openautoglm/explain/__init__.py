"""Why a model predicts what it does: exact linear contributions, LIME, global top n-grams.

``explain_text`` (what ``TextClassifier.explain`` and ``RunResult.explain`` call) explains one
prediction; ``top_features`` lists each label's strongest n-grams over the vocabulary.
Names load on first use, so importing the result types costs no scikit-learn import.
"""

from __future__ import annotations

import importlib
from typing import Any

from openautoglm.explain.result import (
    ExplainError,
    Explanation,
    FeatureWeight,
    GlobalFeatures,
    LabelExplanation,
    MemberUse,
)

_LAZY = {
    "explain_text": "openautoglm.explain.explainer",
    "top_features": "openautoglm.explain.global_features",
}

__all__ = [
    "ExplainError",
    "Explanation",
    "FeatureWeight",
    "GlobalFeatures",
    "LabelExplanation",
    "MemberUse",
    "explain_text",
    "top_features",
]


def __getattr__(name: str) -> Any:
    """Import ``explain_text`` / ``top_features`` when first asked for."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
