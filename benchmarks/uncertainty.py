"""Uncertainty benchmark: calibration, conformal sets and abstaining of AutoTask's models.

For every single-label dataset in the shared datasets folder (train.csv / test.csv), runs
AutoTask with ``--budget`` seconds, then reports on the test split: ECE before/after
temperature scaling, conformal coverage and mean set size at alpha 0.1 (APS and RAPS), and
the accuracy gain from abstaining on the 10% most uncertain rows by max probability, by
ensemble spread (ensembles of two or more members) and by MC dropout (torch members only).

    python benchmarks/uncertainty.py --budget 300 --out benchmarks/results/uncertainty.json
    python benchmarks/uncertainty.py --datasets news_zh --budget 60 --families tfidf_lr,fasttext
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from strong_baseline import DEFAULT_ROOT, single_label_datasets

from openautoglm import AutoTask
from openautoglm.uncertainty.abstain import accuracy_when_abstaining
from openautoglm.uncertainty.conformal import coverage_and_size

ALPHA = 0.1
ABSTAIN_SHARE = 0.1
MC_PASSES = 10


def evaluate(
    folder: Path, budget: float, run_dir: Path, families: list[str] | None
) -> dict[str, Any]:
    """One AutoTask run on ``folder`` and its uncertainty figures on the test split."""
    start = time.perf_counter()
    task = AutoTask(dataset_path=folder / "train.csv", test_path=folder / "test.csv",
                    run_dir=run_dir, families=families)  # fmt: skip
    result = task.run(time_budget=budget, overwrite=True)
    fit_s = time.perf_counter() - start
    test = pd.read_csv(folder / "test.csv")
    texts = test.text.astype(str).tolist()
    index = {label: i for i, label in enumerate(result.labels)}
    y = np.array([index.get(str(label), -1) for label in test.label])
    start = time.perf_counter()
    rich = result.predict_proba(texts, uncertainty=True, mc_passes=MC_PASSES)
    uncertainty_s = time.perf_counter() - start
    correct = rich.proba.argmax(axis=1) == y
    report = result.metrics["uncertainty"]
    row: dict[str, Any] = {
        "accuracy": result.metrics["accuracy"],
        "fit_s": fit_s,
        "ensemble": [f"{m['family']}:{m['weight']:.2f}" for m in result.ensemble],
        "temperature": report["temperature"],
        "ece_before": report["ece_before"],
        "ece_after": report["ece_after"],
        "uncertainty_predict_s": uncertainty_s,
        "mc_dropout_members": rich.mc_dropout_members,
    }
    for method in ("aps", "raps"):
        sets = result.model.uncertainty.sets(rich.proba, texts, ALPHA, method)
        coverage, size = coverage_and_size(sets, y)
        kept = result.model.uncertainty.sets(rich.proba, texts, ALPHA, method, nonempty=True)
        row[method] = {
            "coverage": coverage,
            "mean_set_size": size,
            "empty_share": float(np.mean([len(s) == 0 for s in sets])),
            "coverage_nonempty": coverage_and_size(kept, y)[0],
        }
    by = {
        "max_proba": 1.0 - rich.max_proba,
        "spread": rich.spread_variance,
        "mc_dropout": rich.mc_variance,
    }
    row["abstain_10pct"] = {
        name: None if np.isnan(score).all() else accuracy_when_abstaining(correct, score)
        for name, score in by.items()
    }
    return row


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:+.3f}" if isinstance(value, float) else str(value)


def table(rows: list[dict[str, Any]]) -> str:
    """One line a dataset: ECE, coverage/size (APS, RAPS), abstain gains."""
    head = (f"{'dataset':14} {'acc':>6} {'ECE':>13} {'APS cov/size':>13} {'RAPS cov/size':>13} "
            f"{'gain maxp':>9} {'spread':>7} {'MC':>7}")  # fmt: skip
    lines = [head]
    for r in rows:
        a = r["autotask"]
        gains = [(a["abstain_10pct"][k] or {}).get("gain") for k in ("max_proba", "spread",
                                                                       "mc_dropout")]  # fmt: skip
        lines.append(
            f"{r['dataset']:14} {a['accuracy']:6.3f} "
            f"{a['ece_before']:.3f}->{a['ece_after']:.3f} "
            f"{a['aps']['coverage']:6.3f}/{a['aps']['mean_set_size']:5.2f} "
            f"{a['raps']['coverage']:6.3f}/{a['raps']['mean_set_size']:5.2f} "
            f"{_fmt(gains[0]):>9} {_fmt(gains[1]):>7} {_fmt(gains[2]):>7}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="datasets folder")
    parser.add_argument("--budget", type=float, default=300.0, help="AutoTask seconds per dataset")
    parser.add_argument("--datasets", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--families", default="", help="comma-separated families (default: all)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/uncertainty.json"))
    parser.add_argument("--runs", type=Path, default=Path("runs/bench-uncertainty"))
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if not args.root.is_dir():
        raise SystemExit(f"no datasets folder at {args.root}; pass --root")
    names = [n for n in args.datasets.split(",") if n] or single_label_datasets(args.root)
    families = [f for f in args.families.split(",") if f] or None
    rows = []
    for name in names:
        auto = evaluate(args.root / name, args.budget, args.runs / name, families)
        rows.append({"dataset": name, "autotask": auto})
        print(json.dumps(rows[-1], default=str), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        payload = {"budget_s": args.budget, "alpha": ALPHA, "families": families, "rows": rows}
        args.out.write_text(json.dumps(payload, indent=2, default=str))
    print(table(rows))


if __name__ == "__main__":
    main()
