"""Accuracy benchmark: AutoTask under a time budget against a strong baseline, same run.

For every dataset in the shared datasets folder (train.csv / test.csv, meta.json), fits
  * the yardstick: for single-label sets the strong baseline of benchmarks/strong_baseline.py
    (language-aware TF-IDF, converged logistic regression, C by 5-fold CV); for multilabel,
    pair and regression sets the baseline of the same kind in benchmarks/task_baselines.py
    (the same features, one-vs-rest / pair features / ridge, tuned by CV) -- never weakened;
  * AutoTask with ``--budget`` seconds for the whole run;
then prints one table (the task's main and second metric, fit s, the final model's predict
rows/s and single-text latency) and writes it as JSON.

    python benchmarks/accuracy.py --budget 300 --kind single \
        --out benchmarks/results/accuracy_300.json
    python benchmarks/accuracy.py --budget 300 --kind other --out benchmarks/results/tasks_300.json
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import pandas as pd
from strong_baseline import DEFAULT_ROOT, VERSION, evaluate, single_label_datasets
from task_baselines import TASK_VERSION, multilabel_baseline, pair_baseline, regression_baseline

from openautoglm import AutoTask

#: the main and the second metric reported for each task type
TASK_METRICS = {
    "text_classification": ("accuracy", "f1_macro"),
    "text_pair_classification": ("accuracy", "f1_macro"),
    "multilabel_classification": ("f1_micro", "f1_macro"),
    "text_regression": ("pearson", "rmse"),
}
KINDS = ("single", "other", "all")


def task_of(folder: Path) -> dict:
    """The dataset's meta.json (task type, columns); single-label when it has none."""
    meta = folder / "meta.json"
    found = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
    return {"task_type": "text_classification", "text_column": "text", "label_column": "label",
            **found}  # fmt: skip


def datasets(root: Path, kind: str) -> list[str]:
    """Dataset names under ``root`` of the kind asked for (single-label, other tasks, all)."""
    single = single_label_datasets(root)
    folders = sorted(p.parent for p in root.glob("*/train.csv"))
    other = [f.name for f in folders
             if f.name not in single and task_of(f)["task_type"] in TASK_METRICS]  # fmt: skip
    return {"single": single, "other": other, "all": single + other}[kind]


def baseline(folder: Path, meta: dict) -> dict[str, object]:
    """The task's yardstick fitted on train.csv and scored on test.csv."""
    text, label, task = meta["text_column"], meta["label_column"], meta["task_type"]
    if task == "text_classification":  # read as the single-label figures always were
        train, test = pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")
        return evaluate(train, test, n_jobs=2)  # both cores, as AutoTask
    train = pd.read_csv(folder / "train.csv", dtype=str, keep_default_na=False)
    test = pd.read_csv(folder / "test.csv", dtype=str, keep_default_na=False)
    if task == "multilabel_classification":
        return multilabel_baseline(train, test, text, label, meta.get("label_sep", ","))
    if task == "text_pair_classification":
        return pair_baseline(train, test, list(text), label)
    return regression_baseline(train, test, text, label)


def autotask(folder: Path, budget: float, run_dir: Path, meta: dict) -> dict[str, object]:
    """AutoTask on the dataset with the whole-run budget, timed from construction."""
    start = time.perf_counter()
    task = AutoTask(
        task=meta["task_type"],
        dataset_path=folder / "train.csv",
        test_path=folder / "test.csv",
        run_dir=run_dir,
        text_column=meta["text_column"],
        label_column=meta["label_column"],
        label_sep=meta.get("label_sep"),
    )
    result = task.run(time_budget=budget, overwrite=True)
    fit_s = time.perf_counter() - start
    shown = TASK_METRICS[meta["task_type"]]
    return {
        **{name: result.metrics[name] for name in shown},
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
    parser.add_argument("--datasets", default="", help="comma-separated subset (default: --kind)")
    parser.add_argument(
        "--kind", choices=KINDS, default="all",
        help="single-label sets, the other tasks (multilabel, pairs, regression), or all",
    )  # fmt: skip
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
    names = [n for n in args.datasets.split(",") if n] or datasets(args.root, args.kind)
    reused = earlier_baselines(args.baseline_from) if args.baseline_from else {}
    rows = []
    for name in names:
        folder = args.root / name
        meta = task_of(folder)
        base = reused.get(name) or baseline(folder, meta)
        auto = autotask(folder, args.budget, args.runs / name, meta)
        rows.append({"dataset": name, "task": meta["task_type"], "baseline": base,
                     "autotask": auto})  # fmt: skip
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
    stale = [name for name, b in found.items() if b.get("version") not in (VERSION, TASK_VERSION)]
    if stale:
        raise SystemExit(f"{path}: baseline rows of another version for {stale}; rerun them")
    # the file's name only: a results file records no folder of the machine it ran on
    return {name: {**b, "reused_from": path.name} for name, b in found.items()}


def _row(row: dict) -> str:
    b, a = row["baseline"], row["autotask"]
    main, second = TASK_METRICS[row.get("task", "text_classification")]
    return (
        f"| {row['dataset']} | {main} | {b[main]:.3f} | {a[main]:.3f} | {second} | "
        f"{b[second]:.3f} | {a[second]:.3f} | {b['fit_s']:.0f} | {a['fit_s']:.0f} | "
        f"{b['predict_rows_per_s']:,.0f} | {a['predict_rows_per_s']:,.0f} | "
        f"{b['latency_ms_p50']:.1f} | {a['latency_ms_p50']:.1f} |"
    )


def table(rows: list[dict], budget: float) -> str:
    """Markdown table of the results with the mean gain of the single-label accuracy."""
    head = (
        f"AutoTask time_budget={budget:.0f}s vs the baselines (strong_baseline.py, "
        "task_baselines.py)\n\n"
        "| dataset | metric | baseline | AutoTask | metric 2 | baseline | AutoTask "
        "| fit s baseline | fit s AutoTask | rows/s baseline | rows/s AutoTask "
        "| ms/text baseline | ms/text AutoTask |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    single = [r for r in rows if r.get("task", "text_classification") == "text_classification"]
    lines = [head, *(_row(r) for r in rows)]
    if single:
        gain = sum(r["autotask"]["accuracy"] - r["baseline"]["accuracy"] for r in single)
        lines += ["", f"mean single-label accuracy gain: {100 * gain / len(single):+.2f} points"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
