"""Which named column holds the text, which the label: a learned reading over the rules'.

Every name a description could mean as a column (each identifier-like word, and every name the
rules took for one) is scored for the roles text, label and none by a linear model over its
context: the name itself and its character n-grams, the words and characters on either side, quotes
and brackets around it, and what the rules made of it (its mention's role and strength, whether
the rules chose it as the text or label column, or read it as a class). The rules alone miss
columns introduced in ways they do not know; this model learns from the parser corpus how column
roles are phrased, and the rules' reading is one of its strongest features.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openautoglm.parse.linear_model import Features, SparseLinearModel
from openautoglm.parse.rule_columns import Mention

#: identifiers (ASCII words, snake_case, dotted names); Chinese names come from the mentions
_CANDIDATE = re.compile(r"[A-Za-z_][\w.\-]*\w|[A-Za-z]")
_WORD = re.compile(r"[A-Za-z_]\w*|[\u4e00-\u9fff]|\S")
#: a name below this label probability is not taken for the label column
MIN_LABEL = 0.05
#: the odds a name must have of being the label column (against none) to be taken for it
NO_LABEL_ODDS = 0.1
_OPENERS = "`'\"‘“「『（(【[<《"


@dataclass
class Candidate:
    """One place a name occurs, with its features."""

    name: str
    start: int
    features: Features


@dataclass
class RuleColumns:
    """What the rules read: the text and label columns and the class list."""

    text: str | list[str] | None
    label: str | None
    labels: list[str] | None


@dataclass
class ColumnReading:
    """The columns the model reads, each with its probability."""

    text: str | list[str] | None
    label: str | None
    text_confidence: float
    label_confidence: float


def candidates(masked: str, mentions: Sequence[Mention], rules: RuleColumns) -> list[Candidate]:
    """Every occurrence of a name that may be a column, with its features."""
    spans = {(m.start(), m.end()): m.group() for m in _CANDIDATE.finditer(masked)}
    for name in {n for mention in mentions for n in mention.names}:
        for m in re.finditer(re.escape(name), masked):
            spans.setdefault((m.start(), m.end()), name)
    return [
        Candidate(name, start, features(masked, name, start, end, mentions, rules))
        for (start, end), name in sorted(spans.items())
        if name != "FILE"  # the placeholder of a masked path
    ]


def features(
    masked: str, name: str, start: int, end: int, mentions: Sequence[Mention], rules: RuleColumns
) -> Features:
    """The features of ``name`` at ``masked[start:end]``."""
    low = name.lower()
    f: Features = {"w=" + low: 1.0}
    for k in (3, 4):
        for i in range(len(low) - k + 1):
            f["c=" + low[i : i + k]] = 0.3
    f["underscore"] = float("_" in name)
    f["digit"] = float(any(c.isdigit() for c in name))
    f["cjk"] = float(bool(re.search(r"[\u4e00-\u9fff]", name)))
    f["capital"] = float(name[:1].isupper())
    left, right = masked[max(0, start - 40) : start], masked[end : end + 40]
    _context(f, left, right)
    f["quoted"] = float(bool(left) and left[-1] in _OPENERS)
    f["position"] = start / max(1, len(masked))
    for mention in mentions:
        if name in mention.names:
            f["mention"] = 1.0
            f["mention_strength"] = mention.strength
            f[f"mention_role={mention.role}"] = 1.0
            if mention.side:
                f[f"side={mention.side}"] = 1.0
    _rule_features(f, name, rules)
    return f


def _context(f: Features, left: str, right: str) -> None:
    """Words and characters either side: position-tagged near words, a bag a little further."""
    before, after = _WORD.findall(left)[-5:], _WORD.findall(right)[:5]
    for i, w in enumerate(reversed(before)):
        f[f"L{i + 1}={w.lower()}"] = 1.0
        f[f"Lbag={w.lower()}"] = 0.5
    for i, w in enumerate(after):
        f[f"R{i + 1}={w.lower()}"] = 1.0
        f[f"Rbag={w.lower()}"] = 0.5
    # Chinese context is not spaced: the characters right next to the name
    left_chars, right_chars = re.sub(r"\s+", "", left)[-4:], re.sub(r"\s+", "", right)[:4]
    for k in (1, 2, 3, 4):
        if len(left_chars) >= k:
            f[f"lz{k}={left_chars[-k:]}"] = 1.0
        if len(right_chars) >= k:
            f[f"rz{k}={right_chars[:k]}"] = 1.0


def _rule_features(f: Features, name: str, rules: RuleColumns) -> None:
    if isinstance(rules.text, list):
        if name in rules.text:
            f["rule=text"] = 1.0
            f[f"rule_side={rules.text.index(name)}"] = 1.0
    elif rules.text == name:
        f["rule=text"] = 1.0
    if rules.label == name:
        f["rule=label"] = 1.0
    if rules.labels and name in rules.labels:
        f["rule=class"] = 1.0


def read_columns(
    model: SparseLinearModel,
    found: Sequence[Candidate],
    pair: bool,
    header: Iterable[str] | None = None,
) -> ColumnReading:
    """The most likely label column, then the most likely text column (two for a pair task).

    With the data file's ``header``, only its columns are candidates.
    """
    best: dict[str, dict[str, float]] = {}
    first: dict[str, int] = {}
    allowed = set(header) if header is not None else None
    for cand in found:
        if allowed is not None and cand.name not in allowed:
            continue
        p = model.proba(cand.features)
        seen = best.setdefault(cand.name, dict.fromkeys(p, 0.0))
        for role, value in p.items():
            seen[role] = max(seen[role], value)
        first.setdefault(cand.name, cand.start)
    if not best:
        return ColumnReading(None, None, 0.0, 0.0)
    label, texts = _joint_roles(best, first, 2 if pair else 1)
    label_p = best[label]["label"] if label is not None else 0.0
    if pair and len(texts) == 2:
        return ColumnReading(texts, label, min(best[n]["text"] for n in texts), label_p)
    text = texts[0] if texts else None
    p = best[text]["text"] if text else 0.0
    # a pair task with one text named: the reading is incomplete, so it is asked, not guessed
    return ColumnReading(text, label, min(p, 0.1) if pair else p, label_p)


def _surely_label(p: dict[str, float]) -> bool:
    return p["label"] >= 0.5 and p["label"] > p["text"]


def _joint_roles(
    best: dict[str, dict[str, float]], first: dict[str, int], k: int
) -> tuple[str | None, list[str]]:
    """The label column and the ``k`` text columns read together, most likely first.

    Each name's roles are weighed against its reading as no column (log-odds), so a name that
    reads best as the text is not also taken for the label when nothing else does ("标题列
    title" with a class list and no label column named).
    """

    def odds(name: str, role: str) -> float:
        none = max(1e-4, 1.0 - best[name]["text"] - best[name]["label"])
        return math.log(max(best[name][role], 1e-6) / none)

    by_label = sorted(best, key=lambda n: -best[n]["label"])[:3]
    options: list[tuple[float, str | None, list[str]]] = []
    for label in [None, *(n for n in by_label if best[n]["label"] >= MIN_LABEL)]:
        if label is not None and len(best) <= k and best[label]["label"] < best[label]["text"]:
            continue  # "(premise 和 hypothesis)": too few names for both roles
        # a name that reads far better as the label is never the text ("label column kind")
        texts = (n for n in best if n != label and not _surely_label(best[n]))
        rest = sorted(texts, key=lambda n: -odds(n, "text"))[:k]
        score = sum(odds(n, "text") for n in rest)
        score += odds(label, "label") if label is not None else math.log(NO_LABEL_ODDS)
        options.append((score, label, sorted(rest, key=first.__getitem__) if k > 1 else rest))
    _, label, texts = max(options, key=lambda o: o[0])
    return label, texts
