"""Prompts built per call: schema, the data's columns and rows, similar examples, past errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from openautoglm.parse.examples import EXAMPLES

SYSTEM = (
    "You read a description of a machine-learning task on text data and return one JSON object "
    "with the task's settings. Follow this JSON schema exactly:\n{schema}\n"
    "Use null for anything the description does not state; do not invent files, columns or "
    "labels. Answer with the JSON object only."
)
MAX_SAMPLE_CHARS = 80


@dataclass
class DataContext:
    """What the prompt may show of the data file: its name, columns and a few rows."""

    name: str
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)

    def render(self) -> str:
        """A short text block for the prompt."""
        lines = [f"The data file {self.name} has the columns {self.columns}. First rows:"]
        for row in self.rows:
            cells = {k: str(v)[:MAX_SAMPLE_CHARS] for k, v in row.items()}
            lines.append(json.dumps(cells, ensure_ascii=False))
        return "\n".join(lines)


def similar_examples(description: str, k: int = 2) -> list[tuple[str, dict[str, Any]]]:
    """The ``k`` worked examples closest to ``description`` (character n-gram TF-IDF cosine)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [text for text, _ in EXAMPLES]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)).fit(texts + [description])
    matrix = vectorizer.transform(texts)
    query = vectorizer.transform([description])
    scores = (matrix @ query.T).toarray().ravel()
    order = scores.argsort()[::-1][:k]
    return [EXAMPLES[i] for i in order]


def build_messages(
    description: str,
    schema: dict[str, Any],
    data: DataContext | None = None,
    history: list[tuple[str, str]] | None = None,
    k_examples: int = 2,
) -> list[dict[str, str]]:
    """Chat messages for a first parse of ``description``."""
    messages = [{"role": "system", "content": SYSTEM.format(schema=_compact(schema))}]
    for text, fields in similar_examples(description, k_examples):
        messages.append({"role": "user", "content": f"Description: {text}"})
        messages.append({"role": "assistant", "content": _compact(fields)})
    parts = [f"Description: {description}"]
    if data is not None:
        parts.append(data.render())
    for question, answer in history or []:
        parts.append(f"Earlier question: {question}\nThe user answered: {answer}")
    messages.append({"role": "user", "content": "\n\n".join(parts)})
    return messages


def retry_messages(
    messages: list[dict[str, str]], answer: str, errors: str
) -> list[dict[str, str]]:
    """The conversation again, with the rejected answer and why it was rejected."""
    return messages + [
        {"role": "assistant", "content": answer},
        {
            "role": "user",
            "content": f"That answer failed validation:\n{errors}\n"
            "Answer again with one JSON object that follows the schema.",
        },
    ]


def reask_messages(
    description: str, schema: dict[str, Any], disputed: dict[str, list[Any]]
) -> list[dict[str, str]]:
    """A targeted question about just the fields whose candidate values disagree."""
    listed = "\n".join(
        f"- {name}: candidates {json.dumps(values, ensure_ascii=False)}"
        for name, values in disputed.items()
    )
    return [
        {"role": "system", "content": SYSTEM.format(schema=_compact(schema))},
        {
            "role": "user",
            "content": f"Description: {description}\n\nOnly these fields are in doubt:\n{listed}\n"
            "Return a JSON object with just these fields, each set to the value the "
            "description supports (null if none).",
        },
    ]


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
