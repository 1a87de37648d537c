"""LIME (Ribeiro et al., 2016) for any model, neural ensemble members included.

LIME removes random subsets of the text's words, scores each variant with the model, and fits
a locally weighted linear model of each label's probability on which words were kept; its
coefficients are the words' weights, in probability units. Words are jieba words for Chinese
(or single characters, ``unit="char"``) and regex words for English.

Cost is bounded two ways, both reported in the explanation's notes: only the first
``MAX_CHARS`` characters are perturbed, and the number of variants is cut to what the model
scores in about ``SECONDS`` (never below ``MIN_SAMPLES``), measured on the text itself first.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from openautoglm.explain.result import FeatureWeight, Kind
from openautoglm.models.text_features import needs_segmentation

#: characters of the text LIME perturbs (each variant is scored by the full model)
MAX_CHARS = 1_000
#: variants scored when the caller does not say
DEFAULT_SAMPLES = 500
#: never more variants than this, whatever is asked
MAX_SAMPLES = 5_000
#: never fewer: below this the local fit is noise
MIN_SAMPLES = 50
#: about how long the model may spend scoring variants
SECONDS = 3.0
#: texts scored to measure the model's speed before choosing the number of variants
_PROBE = 8
SCALE = "probability (LIME local linear model weights)"

Unit = Literal["auto", "word", "char"]
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def splitter(language: str, unit: Unit = "auto") -> tuple[Callable[[str], list[str]], Kind]:
    """A tokenizer for LIME and the kind of its tokens: jieba words or characters for Chinese."""
    if unit == "char":
        return (lambda text: [c for c in text if c.isalnum()]), "char"
    if needs_segmentation(language):
        return _jieba_words, "word"
    return _WORD.findall, "word"


def _jieba_words(text: str) -> list[str]:
    import jieba  # lazily: loading its dictionary costs about a second

    jieba.setLogLevel(60)
    # punctuation and spaces stay in the text but are not features (LIME keeps non-tokens)
    return [tok for tok in jieba.lcut(text) if any(c.isalnum() for c in tok)]


@dataclass
class LimeResult:
    """Per label index: (intercept, local prediction, weights); plus the variants scored."""

    labels: dict[int, tuple[float, float, list[FeatureWeight]]]
    num_samples: int
    notes: list[str] = field(default_factory=list)


def choose_samples(
    predict_proba: Callable[[Sequence[str]], np.ndarray], text: str, requested: int | None
) -> tuple[int, list[str]]:
    """Variants to score: the request (default 500, at most 5,000), cut to fit ``SECONDS``."""
    notes = []
    wanted = DEFAULT_SAMPLES if requested is None else int(requested)
    if wanted > MAX_SAMPLES:
        notes.append(f"num_samples capped at {MAX_SAMPLES} (asked {wanted})")
        wanted = MAX_SAMPLES
    wanted = max(wanted, MIN_SAMPLES)
    predict_proba([text])  # warm-up: loads jieba's dictionary, torch kernels
    one = _timed(predict_proba, [text])
    batch = _timed(predict_proba, [text] * _PROBE)
    # a call costs a fixed overhead plus a cost per text; LIME scores all variants in one call,
    # so only the per-text part grows with the number of samples
    per_text = max(batch - one, 0.0) / (_PROBE - 1)
    affordable = int((SECONDS - one) / per_text) + 1 if per_text > 0 else wanted
    if affordable < wanted:
        chosen = max(MIN_SAMPLES, affordable)
        notes.append(
            f"LIME scored {chosen} perturbed texts, not {wanted}: the model takes "
            f"{per_text * 1000:.1f} ms a text and the explanation is kept to about "
            f"{SECONDS:.0f} s; weights are noisier with fewer samples"
        )
        return chosen, notes
    return wanted, notes


def _timed(predict_proba: Callable[[Sequence[str]], np.ndarray], texts: list[str]) -> float:
    start = time.perf_counter()
    predict_proba(texts)
    return time.perf_counter() - start


def explain_lime(
    predict_proba: Callable[[Sequence[str]], np.ndarray],
    text: str,
    label_indices: Sequence[int],
    class_names: Sequence[str],
    language: str,
    n_features: int,
    num_samples: int | None = None,
    unit: Unit = "auto",
    seed: int = 0,
) -> LimeResult:
    """LIME weights of the text's words for each of ``label_indices``."""
    from lime.lime_text import LimeTextExplainer  # lazily: lime pulls in scikit-image

    split, kind = splitter(language, unit)
    tokens = split(text)
    if not tokens:  # LIME cannot perturb a text without words
        note = "the text has no words or characters LIME can remove; nothing to weigh"
        return LimeResult({i: (0.0, 0.0, []) for i in label_indices}, 0, [note])
    samples, notes = choose_samples(predict_proba, text, num_samples)
    explainer = LimeTextExplainer(
        class_names=list(class_names),
        split_expression=split,
        bow=True,  # a word repeated in the text is one feature: removed everywhere at once
        # one weighted ridge fit; LIME's forward selection refits per feature (seconds)
        feature_selection="highest_weights",
        random_state=seed,
    )
    distinct = len(set(tokens))
    found = explainer.explain_instance(
        text,
        lambda texts: predict_proba(list(texts)),
        labels=list(label_indices),
        # for and against are taken from one fit, so ask for both sides' worth
        num_features=min(2 * n_features, distinct),
        num_samples=samples,
    )
    words = found.domain_mapper.indexed_string
    labels = {}
    for index in label_indices:
        weights = [
            FeatureWeight(feature=words.word(i), kind=kind, weight=float(w))
            for i, w in found.local_exp[index]
        ]
        intercept = float(found.intercept[index])
        # every feature is present in the text itself, so its local prediction sums them all
        labels[index] = (intercept, intercept + sum(w.weight for w in weights), weights)
    return LimeResult(labels, samples, notes)
