"""The task type read by a linear model over the description's n-grams and the rules' reading.

The rules decide the task type from task words, the label list and the columns; when the words
are unusual ("estimate a number", a label column read as a second text) they go wrong in ways a
model trained on the parser corpus can correct: it sees the rules' answer and confidence as
features next to the description's character and word n-grams.
"""

from __future__ import annotations

import math
import re

from openautoglm.parse.linear_model import Features

_ASCII_WORD = re.compile(r"[a-z][a-z0-9]*")


def task_features(description: str, rule_task: str | None, rule_confidence: float) -> Features:
    """Character 1-3-grams and word 1-2-grams (L2-normalised), plus the rules' task."""
    text = re.sub(r"\s+", " ", description.lower())
    grams: Features = {}
    for k in (1, 2, 3):
        for i in range(len(text) - k + 1):
            gram = text[i : i + k]
            if gram.strip():
                grams["c=" + gram] = 1.0
    words = _ASCII_WORD.findall(text)
    for i, word in enumerate(words):
        grams["w=" + word] = 1.0
        if i + 1 < len(words):
            grams[f"w={word} {words[i + 1]}"] = 1.0
    norm = math.sqrt(len(grams)) or 1.0
    out = {name: value / norm for name, value in grams.items()}
    if rule_task:
        out[f"rule={rule_task}"] = 3.0
        out[f"rule_conf={rule_task}"] = 3.0 * rule_confidence
    else:
        out["rule=none"] = 3.0
    return out
