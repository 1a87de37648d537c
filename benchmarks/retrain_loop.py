"""Retrain loop benchmark: does the production model improve as corrections stream in, and is a
corrupted batch refused?

Splits a dataset's training rows into an initial 30% (the first model, promoted) and a stream
of the rest, sent back as corrections in batches through the feedback store. After each batch
the retrain pipeline runs when its trigger fires (train → evaluate → gate → register →
promote), and the production model's accuracy on the dataset's test split is recorded. A last
batch with shuffled labels must be refused by the gate. Writes JSON and a PNG plot.

    python benchmarks/retrain_loop.py --dataset banking77 --batches 5 --max-trials 3 \\
        --out benchmarks/results/retrain_loop.json --plot benchmarks/results/retrain_loop.png
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from strong_baseline import DEFAULT_ROOT

FAMILIES = ["complement_nb", "tfidf_lr", "tfidf_svm"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="banking77")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--budget", type=float, default=None, help="seconds per training run")
    parser.add_argument(
        "--max-trials",
        type=int,
        default=3,
        help="trials per training run (not timed: the "
        "figures then do not depend on what else the machine is doing)",
    )
    parser.add_argument("--registry-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--plot", type=Path, default=None)
    args = parser.parse_args()

    from openautoglm import AutoTask
    from openautoglm.feedback.store import Correction, FeedbackStore
    from openautoglm.pipeline.config import PipelineConfig
    from openautoglm.pipeline.runner import run_pipeline
    from openautoglm.registry.model_registry import Registry

    work = Path(tempfile.mkdtemp(prefix="autoglm-loop-bench-"))
    folder = args.root / args.dataset
    rows = pd.read_csv(folder / "train.csv").sample(frac=1.0, random_state=0)
    first = int(len(rows) * 0.3)
    rows.iloc[:first].to_csv(work / "initial.csv", index=False)
    stream = rows.iloc[first:]
    batches = [stream.iloc[i :: args.batches] for i in range(args.batches)]
    url = args.registry_url or f"sqlite:///{work / 'registry.db'}"
    registry = Registry(url, work / "store")
    start = time.monotonic()
    AutoTask(
        dataset_path=work / "initial.csv",
        test_path=folder / "test.csv",
        n_jobs=2,
        families=FAMILIES,
        run_dir=work / "v1",
    ).run(max_trials=args.max_trials, time_budget=args.budget)
    registry.register(work / "v1", "loop")
    registry.promote("loop", 1)
    config = PipelineConfig(
        model="loop",
        registry_url=url,
        store=str(work / "store"),
        workdir=str(work / "jobs"),
        families=FAMILIES,
        budget=args.budget,
        max_trials=args.max_trials,
        n_jobs=2,
        trigger={"min_corrections": 100},
    )
    store = FeedbackStore(registry.engine)
    points: list[dict[str, Any]] = [_point(registry, 0, len(rows.iloc[:first]), "initial")]
    for number, batch in enumerate(batches, start=1):
        corrections = [Correction(t, y) for t, y in zip(batch.text, batch.label, strict=True)]
        store.add_many("loop", corrections, source="import")
        outcome = run_pipeline(config, if_triggered=True)
        points.append(_point(registry, number, len(batch), outcome.status, outcome.message))
        print(points[-1])
    # the same texts again with shuffled labels: each overrides the right label it repeats
    corrupted = stream.sample(n=len(stream) // args.batches, random_state=1)
    shuffled = corrupted.label.sample(frac=1.0, random_state=2).to_numpy()
    bad = [Correction(t, y) for t, y in zip(corrupted.text, shuffled, strict=True)]
    store.add_many("loop", bad, source="import")
    outcome = run_pipeline(config, if_triggered=True)
    points.append(
        _point(
            registry,
            args.batches + 1,
            len(corrupted),
            outcome.status,
            outcome.message,
            corrupted=True,
        )
    )
    print(points[-1])
    report = {
        "dataset": args.dataset,
        "budget_s": args.budget,
        "max_trials": args.max_trials,
        "families": FAMILIES,
        "initial_rows": first,
        "points": points,
        "seconds": round(time.monotonic() - start, 1),
        "corrupted_batch_refused": points[-1]["status"] == "refused",
        "accuracy_went_up": points[args.batches]["accuracy"] > points[0]["accuracy"],
    }
    print(json.dumps({k: v for k, v in report.items() if k != "points"}, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))
    if args.plot:
        _plot(report, args.plot)


def _point(
    registry, batch: int, rows: int, status: str, message: str = "", corrupted: bool = False
) -> dict[str, Any]:
    live = registry.get("loop")
    return {
        "batch": batch,
        "rows": rows,
        "status": status,
        "message": message[:300],
        "version": live.version,
        "accuracy": live.metrics.get("accuracy"),
        "corrupted": corrupted,
    }


def _plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = report["points"]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot([p["batch"] for p in points], [p["accuracy"] for p in points], marker="o")
    for p in points:
        refused = p["status"] == "refused"
        if refused:
            ax.plot(p["batch"], p["accuracy"], "x", color="crimson", markersize=10)
        label = (
            f"v{p['version']}"
            if not refused
            else ("corrupted batch:\nrefused" if p["corrupted"] else "refused:\ngain < margin")
        )
        ax.annotate(
            label,
            (p["batch"], p["accuracy"]),
            textcoords="offset points",
            xytext=(0, -26 if refused else 8),
            ha="center",
            fontsize=8,
        )
    ax.set_xlabel("batch of corrections (0: initial 30% of the training rows)")
    ax.set_ylabel("production model's test accuracy")
    budget = f"{report['max_trials']} trials" + (
        f", {report['budget_s']:.0f} s" if report["budget_s"] else ""
    )
    ax.set_title(f"Retrain loop on {report['dataset']} ({budget} per retrain)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
