"""Accuracy benchmark: AutoTask under a time budget against a plain TF-IDF baseline, same run.

For every dataset in the shared datasets folder (train.csv / test.csv), fits
  * the baseline: TF-IDF word 1-2 + char 2-5 grams, logistic regression, C chosen by
    5-fold CV from {0.5, 2, 8, 32};
  * AutoTask with ``--budget`` seconds for the whole run;
then prints one table (test accuracy, macro-F1, fit s, predict rows/s) and writes it as JSON.

    python benchmarks/accuracy.py --budget 300 --out benchmarks/results/accuracy_300.json
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline, make_union

from openautoglm import AutoTask

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def baseline(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, float]:
    """The plain baseline of the issue, timed."""
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True),
    )
    # saga: the same optimum as lbfgs here, an order of magnitude faster on wide n-grams
    model = make_pipeline(features, LogisticRegression(solver="saga", tol=1e-3, max_iter=300))
    search = GridSearchCV(
        model,
        {"logisticregression__C": [0.5, 2, 8, 32]},
        cv=StratifiedKFold(5, shuffle=True, random_state=0),
        n_jobs=2,  # both cores, as AutoTask
    )
    start = time.perf_counter()
    search.fit(train.text.tolist(), train.label.astype(str).tolist())
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = search.predict(test.text.tolist())
    predict_s = time.perf_counter() - start
    truth = test.label.astype(str).tolist()
    return {
        "accuracy": accuracy_score(truth, pred),
        "f1_macro": f1_score(truth, pred, average="macro"),
        "fit_s": fit_s,
        "predict_rows_per_s": len(test) / predict_s,
        "C": search.best_params_["logisticregression__C"],
    }


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
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if not args.root.is_dir():
        raise SystemExit(f"no datasets folder at {args.root}; pass --root")
    names = [n for n in args.datasets.split(",") if n] or sorted(
        p.name for p in args.root.iterdir() if (p / "train.csv").is_file()
    )
    rows = []
    for name in names:
        folder = args.root / name
        train, test = pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")
        base = baseline(train, test)
        auto = autotask(folder, args.budget, args.runs / name)
        rows.append({"dataset": name, "baseline": base, "autotask": auto})
        print(_row(rows[-1]), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps({"budget_s": args.budget, "rows": rows}, indent=2, default=str)
        )
    print(table(rows, args.budget))


def _row(row: dict) -> str:
    b, a = row["baseline"], row["autotask"]
    return (
        f"| {row['dataset']} | {b['accuracy']:.3f} | {a['accuracy']:.3f} | "
        f"{b['f1_macro']:.3f} | {a['f1_macro']:.3f} | {b['fit_s']:.0f} | {a['fit_s']:.0f} | "
        f"{b['predict_rows_per_s']:,.0f} | {a['predict_rows_per_s']:,.0f} |"
    )


def table(rows: list[dict], budget: float) -> str:
    """Markdown table of the results with the mean accuracy gain."""
    head = (
        f"AutoTask time_budget={budget:.0f}s vs baseline (TF-IDF + LR, C by 5-fold CV)\n\n"
        "| dataset | acc baseline | acc AutoTask | F1 baseline | F1 AutoTask | fit s baseline"
        " | fit s AutoTask | rows/s baseline | rows/s AutoTask |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    gain = sum(r["autotask"]["accuracy"] - r["baseline"]["accuracy"] for r in rows) / len(rows)
    return "\n".join(
        [head, *(_row(r) for r in rows), "", f"mean accuracy gain: {100 * gain:+.2f} points"]
    )


if __name__ == "__main__":
    main()
