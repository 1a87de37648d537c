"""Accuracy benchmark: AutoTask under a time budget against the strong baseline, same run.

For every single-label dataset in the shared datasets folder (train.csv / test.csv), fits
  * the strong baseline of benchmarks/strong_baseline.py (language-aware TF-IDF, converged
    logistic regression, C by 5-fold CV) -- the yardstick, never to be weakened;
  * AutoTask with ``--budget`` seconds for the whole run;
then prints one table (test accuracy, macro-F1, fit s, the final model's predict rows/s and
single-text latency) and writes it as JSON.

    python benchmarks/accuracy.py --budget 300 --out benchmarks/results/accuracy_300.json
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import pandas as pd
from strong_baseline import DEFAULT_ROOT, VERSION, evaluate, single_label_datasets

from openautoglm import AutoTask


def autotask(folder: Path, budget: float, run_dir: Path) -> dict[str, object]:
    """AutoTask on the dataset with the whole-run budget, timed from construction."""
    start = time.perf_counter()
    task = AutoTask(
        dataset_path=folder / "train.csv", test_path=folder / "test.csv", run_dir=run_dir
    )
    result = task.run(time_budget=budget, overwrite=True)
    fit_s = time.perf_counter() - start
    return {
        "accuracy": result.metrics["accuracy"],
        "f1_macro": result.metrics["f1_macro"],
        "fit_s": fit_s,
        "predict_rows_per_s": result.metrics["predict_rows_per_s"],
        "latency_ms_p50": result.metrics["latency_ms_p50"],
        "ensemble": result.ensemble,
        "trials": len(result.leaderboard),
        "best_family": result.leaderboard.iloc[0]["family"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="datasets folder")
    parser.add_argument("--budget", type=float, default=300.0, help="AutoTask seconds per dataset")
    parser.add_argument("--datasets", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/accuracy.json"))
    parser.add_argument("--runs", type=Path, default=Path("runs/bench"), help="run folders")
    parser.add_argument(
        "--baseline-from",
        type=Path,
        help="reuse the baseline rows of an earlier results file (same baseline version); "
        "the baseline is deterministic, so this only saves its fit time",
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if not args.root.is_dir():
        raise SystemExit(f"no datasets folder at {args.root}; pass --root")
    names = [n for n in args.datasets.split(",") if n] or single_label_datasets(args.root)
    reused = earlier_baselines(args.baseline_from) if args.baseline_from else {}
    rows = []
    for name in names:
        folder = args.root / name
        train, test = pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")
        base = reused.get(name) or evaluate(train, test, n_jobs=2)  # both cores, as AutoTask
        auto = autotask(folder, args.budget, args.runs / name)
        rows.append({"dataset": name, "baseline": base, "autotask": auto})
        print(_row(rows[-1]), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps({"budget_s": args.budget, "rows": rows}, indent=2, default=str)
        )
    print(table(rows, args.budget))


def earlier_baselines(path: Path) -> dict[str, dict]:
    """Baseline rows of an earlier results file, by dataset, if they are of this version."""
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    found = {r["dataset"]: r["baseline"] for r in rows}
    stale = [name for name, b in found.items() if b.get("version") != VERSION]
    if stale:
        raise SystemExit(f"{path}: baseline rows of another version for {stale}; rerun them")
    return {name: {**b, "reused_from": str(path)} for name, b in found.items()}


def _row(row: dict) -> str:
    b, a = row["baseline"], row["autotask"]
    return (
        f"| {row['dataset']} | {b['accuracy']:.3f} | {a['accuracy']:.3f} | "
        f"{b['f1_macro']:.3f} | {a['f1_macro']:.3f} | {b['fit_s']:.0f} | {a['fit_s']:.0f} | "
        f"{b['predict_rows_per_s']:,.0f} | {a['predict_rows_per_s']:,.0f} | "
        f"{b['latency_ms_p50']:.1f} | {a['latency_ms_p50']:.1f} |"
    )


def table(rows: list[dict], budget: float) -> str:
    """Markdown table of the results with the mean accuracy gain."""
    head = (
        f"AutoTask time_budget={budget:.0f}s vs the strong baseline (strong_baseline.py)\n\n"
        "| dataset | acc baseline | acc AutoTask | F1 baseline | F1 AutoTask | fit s baseline"
        " | fit s AutoTask | rows/s baseline | rows/s AutoTask | ms/text baseline"
        " | ms/text AutoTask |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    gain = sum(r["autotask"]["accuracy"] - r["baseline"]["accuracy"] for r in rows) / len(rows)
    return "\n".join(
        [head, *(_row(r) for r in rows), "", f"mean accuracy gain: {100 * gain:+.2f} points"]
    )


if __name__ == "__main__":
    main()
