"""Explain one prediction: check the input, pick the method, bound the cost, build the result.

Choices a caller should know:

- an empty or whitespace-only text is an error (``ExplainError``): a model gives such a text
  only its learned prior, and an explanation with no features would look like an answer;
- a text that is not a ``str`` is a ``TypeError`` (one text per call);
- ``method="auto"`` is exact when every member with nonzero ensemble weight is linear, LIME
  otherwise; ``"exact"`` on a model with a non-linear member is an ``ExplainError``;
- long texts: the exact method reads the first ``EXACT_MAX_CHARS`` characters (20,000: well
  under a second on the TF-IDF families; jieba and n-gram extraction grow with the length),
  LIME the first ``lime_text.MAX_CHARS``; the notes say when the text was cut, and the
  probabilities and weights are then those of the part explained.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from openautoglm.explain import lime_text, linear
from openautoglm.explain.result import (
    ExplainError,
    Explanation,
    LabelExplanation,
    MemberUse,
)

#: characters the exact method reads (n-gram extraction is linear in the length)
EXACT_MAX_CHARS = 20_000
#: features listed per side and label, at most
MAX_FEATURES = 100
MethodArg = Literal["auto", "exact", "lime"]


def members_of(model: Any) -> tuple[list[Any], np.ndarray]:
    """An ensemble's members and their weights as shares summing to 1."""
    members = list(getattr(model, "members", [model]))
    weights = np.asarray(getattr(model, "weights", [1.0]), dtype=np.float64)
    return members, weights / weights.sum()


def model_language(members: Sequence[Any], text: str) -> str:
    """The members' language (what their tokenizers use), or the text's own when none says."""
    from openautoglm.data.language import detect_language

    for member in members:
        language = getattr(member, "language", None)
        if isinstance(language, str):
            # a Chinese text sent to an English model is still split into jieba words for LIME
            return "mixed" if language == "en" and detect_language([text]) != "en" else language
    return detect_language([text])


def check_text(text: Any) -> str:
    """``text`` itself, or a clear error when it is not one non-empty string."""
    if isinstance(text, bytes):
        raise TypeError("explain takes a str; decode the bytes first, e.g. text.decode('utf-8')")
    if not isinstance(text, str):
        raise TypeError(
            f"explain takes one text (a str); got {type(text).__name__}. To explain several "
            "texts, call explain once per text"
        )
    if not text.strip():
        raise ExplainError(
            "the text is empty (or only whitespace): there is nothing to explain; the model "
            "would give it only its learned prior. Pass the text to classify"
        )
    return text


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ExplainError(f"{name}={value!r} is not allowed: pass a whole number of at least 1")
    return int(value)


def explain_text(
    classifier: Any,
    text: str,
    top_labels: int = 2,
    n_features: int = 10,
    method: MethodArg = "auto",
    num_samples: int | None = None,
    unit: lime_text.Unit = "auto",
    seed: int = 0,
) -> Explanation:
    """Explain ``classifier``'s prediction (a TextClassifier) for one text; see module notes."""
    start = time.perf_counter()
    text = check_text(text)
    top_labels = min(_positive_int(top_labels, "top_labels"), len(classifier.labels))
    n_features = _positive_int(n_features, "n_features")
    if num_samples is not None:
        num_samples = _positive_int(num_samples, "num_samples")
    if unit not in ("auto", "word", "char"):
        raise ExplainError(f"unit={unit!r} is not known: pass unit='auto', 'word' or 'char'")
    notes = []
    if n_features > MAX_FEATURES:
        notes.append(f"n_features capped at {MAX_FEATURES} (asked {n_features})")
        n_features = MAX_FEATURES
    members, shares = members_of(classifier.model)
    uses = [
        MemberUse(family=m.family, weight=float(w), linear=linear.is_linear(m))
        for m, w in zip(members, shares, strict=True)
    ]
    chosen = _method(method, uses)
    limit = EXACT_MAX_CHARS if chosen == "exact" else lime_text.MAX_CHARS
    part = text[:limit]
    if len(part) < len(text):
        notes.append(
            f"only the first {limit:,} of {len(text):,} characters were explained "
            f"({chosen} method); probabilities and weights are those of that part"
        )
    proba = classifier.predict_proba([part])[0]
    order = [int(i) for i in np.argsort(-proba, kind="stable")[:top_labels]]
    if chosen == "exact":
        labels = _exact_labels(classifier, members, shares, part, order, proba, n_features)
        samples, scale = None, linear.SCALE
    else:
        language = model_language(members, part)
        found = lime_text.explain_lime(
            classifier.predict_proba, part, order, classifier.labels, language,
            n_features, num_samples, unit, seed,
        )  # fmt: skip
        labels = _lime_labels(classifier, found, order, proba, n_features)
        samples, scale, notes = found.num_samples, lime_text.SCALE, notes + found.notes
    if method == "auto" and chosen == "lime":
        notes.append("LIME was used: " + _nonlinear_summary(uses))
    return Explanation(
        method=chosen,
        scale=scale,
        predicted=classifier.labels[int(np.argmax(proba))],
        labels=labels,
        members=uses,
        text_chars=len(text),
        explained_chars=len(part),
        truncated=len(part) < len(text),
        num_samples=samples,
        seconds=round(time.perf_counter() - start, 4),
        notes=notes,
    )


def _method(method: str, uses: list[MemberUse]) -> Literal["exact", "lime"]:
    if method not in ("auto", "exact", "lime"):
        raise ExplainError(f"method={method!r} is not known: pass method='auto', 'exact' or 'lime'")
    all_linear = all(u.linear for u in uses if u.weight > 0)
    if method == "exact" and not all_linear:
        raise ExplainError(
            "method='exact' needs every member with nonzero weight to be linear; "
            f"{_nonlinear_summary(uses)}. Use method='lime' (or 'auto')"
        )
    if method == "lime" or not all_linear:
        return "lime"
    return "exact"


def _nonlinear_summary(uses: list[MemberUse]) -> str:
    names = [f"{u.family} (weight {u.weight:.2f})" for u in uses if u.weight > 0 and not u.linear]
    if not names:
        return "it was asked for"
    return "the ensemble has non-linear members: " + ", ".join(names)


def _exact_labels(
    classifier: Any,
    members: list[Any],
    shares: np.ndarray,
    text: str,
    order: list[int],
    proba: np.ndarray,
    n_features: int,
) -> list[LabelExplanation]:
    combined = linear.combine(members, shares, text, len(classifier.labels))
    out = []
    for index in order:
        supporting, opposing, rest = combined.top(index, n_features)
        out.append(
            LabelExplanation(
                label=classifier.labels[index],
                probability=float(proba[index]),
                score=float(combined.score(index)),
                intercept=float(combined.intercepts[index]),
                supporting=supporting,
                opposing=opposing,
                rest=rest,
            )
        )
    return out


def _lime_labels(
    classifier: Any,
    found: lime_text.LimeResult,
    order: list[int],
    proba: np.ndarray,
    n_features: int,
) -> list[LabelExplanation]:
    out = []
    for index in order:
        intercept, local, weights = found.labels[index]
        ranked = sorted(weights, key=lambda w: w.weight)
        out.append(
            LabelExplanation(
                label=classifier.labels[index],
                probability=float(proba[index]),
                score=float(local),
                intercept=intercept,
                supporting=[w for w in reversed(ranked) if w.weight > 0][:n_features],
                opposing=[w for w in ranked if w.weight < 0][:n_features],
            )
        )
    return out
