"""Fit the parser's learned stage on corpus files and write ``parser_models.json``.

    python -m openautoglm.parse.train_models tests/parser_corpus/dev*.jsonl \\
        --out src/openautoglm/parse/parser_models.json
    python -m openautoglm.parse.train_models tests/parser_corpus/dev*.jsonl --cross-check

Each corpus line is ``{"text": ..., "expect": {...}}``. The rules read every description (without
the learned stage); the task model learns the expected task type (``none`` when the line states
none) and the column model learns, for every name the description could mean as a column, whether
it is the text column, the label column or neither. ``--cross-check`` fits on all files but one and
scores the one left out, for each file in turn (rules alone against rules plus models), which is
how the models are chosen without looking at an evaluation set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openautoglm.parse.column_model import Candidate, RuleColumns, candidates
from openautoglm.parse.learned import NO_TASK, ParserModels
from openautoglm.parse.linear_model import Features, SparseLinearModel
from openautoglm.parse.rules import RuleParser
from openautoglm.parse.task_model import task_features

#: regularisation of the two models (chosen by --cross-check on the development files)
TASK_C = 10.0
COLUMN_C = 1.0


@dataclass
class Example:
    """One corpus line read by the rules, with what the models learn from it."""

    source: str
    text: str
    expect: dict[str, Any]
    rules: dict[str, Any]
    task_features: Features
    candidates: list[Candidate]


def read_corpus(paths: list[Path]) -> list[Example]:
    """Every line of ``paths`` read by the rules alone."""
    parser = RuleParser(models=None)
    examples = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            reading = parser.read(case["text"])
            fields = reading.result.fields
            rule = {name: item.value for name, item in fields.items()}
            task = fields.get("task_type")
            feats = task_features(
                reading.text, task.value if task else None, task.confidence if task else 0.0
            )
            cols = RuleColumns(rule.get("text_column"), rule.get("label_column"), reading.classes)
            found = candidates(reading.masked, reading.mentions, cols)
            examples.append(Example(path.stem, case["text"], case["expect"], rule, feats, found))
    return examples


def role(name: str, expect: dict[str, Any]) -> str:
    """The role ``name`` has in the expected reading: text, label or none."""
    if name == expect.get("label_column"):
        return "label"
    text = expect.get("text_column")
    if name == text or (isinstance(text, list) and name in text):
        return "text"
    return "none"


def fit(
    examples: list[Example], task_c: float = TASK_C, column_c: float = COLUMN_C
) -> ParserModels:
    """Both models fitted on ``examples``."""
    task = SparseLinearModel.fit(
        [e.task_features for e in examples],
        [e.expect.get("task_type", NO_TASK) for e in examples],
        C=task_c,
    )
    rows = [c.features for e in examples for c in e.candidates]
    roles = [role(c.name, e.expect) for e in examples for c in e.candidates]
    columns = SparseLinearModel.fit(rows, roles, C=column_c)
    return ParserModels(task, columns)


def corpus_digest(paths: list[Path]) -> dict[str, str]:
    """SHA-256 of each corpus file, by name: what the shipped models were fitted on."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(paths)}


def cross_check(examples: list[Example]) -> dict[str, Counter[str]]:
    """Task type, text and label column right, rules alone against rules plus models, per file."""
    out: dict[str, Counter[str]] = {}
    for source in sorted({e.source for e in examples}):
        models = fit([e for e in examples if e.source != source])
        parser = RuleParser(models=models)
        counts: Counter[str] = Counter()
        for example in (e for e in examples if e.source == source):
            learned = parser.parse(example.text).flat()
            for name in ("task_type", "text_column", "label_column", "labels"):
                if name in example.expect:
                    counts[f"{name} n"] += 1
                    counts[f"{name} rules"] += example.rules.get(name) == example.expect[name]
                    counts[f"{name} learned"] += learned.get(name) == example.expect[name]
        out[source] = counts
    return out


def main(argv: list[str] | None = None) -> None:
    """Fit and write the models, or cross-check them file by file."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="+", type=Path, help="corpus files (jsonl) to fit on")
    ap.add_argument("--out", type=Path, help="where to write the models (JSON)")
    ap.add_argument("--cross-check", action="store_true", help="leave one file out, print scores")
    args = ap.parse_args(argv)
    examples = read_corpus(args.corpus)
    if args.cross_check:
        total: Counter[str] = Counter()
        for source, counts in cross_check(examples).items():
            total.update(counts)
            print(source, _summary(counts))
        print("all", _summary(total))
    if args.out:
        models = fit(examples)
        models.meta = {"corpus": corpus_digest(args.corpus), "task_c": TASK_C,
                       "column_c": COLUMN_C}  # fmt: skip
        args.out.write_text(json.dumps(models.to_dict(), ensure_ascii=False, separators=(",", ":")))
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


def _summary(counts: Counter[str]) -> str:
    parts = []
    for name in ("task_type", "text_column", "label_column", "labels"):
        n = counts[f"{name} n"] or 1
        parts.append(
            f"{name} {counts[f'{name} rules'] / n:.3f}->{counts[f'{name} learned'] / n:.3f}"
        )
    return "  ".join(parts)


if __name__ == "__main__":
    main()
