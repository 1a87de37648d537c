"""Teacher vs distilled students vs the same students on hard labels, per dataset.

For each single-label dataset in ../shared/datasets (or --datasets): an AutoTask run with
--budget seconds (the teacher), then each student (linear, fastText) distilled with (T, alpha)
searched on a validation split, and the same student trained on the true labels only. Per
model: test accuracy, rows/s on one core at batch 1,000, median single-text latency, bundle
size. Prints a table; --out writes JSON.

    python benchmarks/distill.py --datasets trec --budget 60 --out benchmarks/results/distill.json
    python benchmarks/distill.py --speed-only benchmarks/results/distill.json --work runs/bench

--speed-only measures rows/s and latency again for the saved teachers and students of an earlier
--out file (on a quiet machine: the figures are per core and suffer from any other load).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from openautoglm import AutoTask
from openautoglm.distill.distiller import Distiller, TrainingData, bundle_mb, distill
from openautoglm.distill.students import STUDENT_C
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.registry.bundle import TextClassifier, load_bundle
from openautoglm.uncertainty.calibration import expected_calibration_error
from openautoglm.uncertainty.conformal import coverage_and_size

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
#: single-label datasets (the others are multilabel, pairs or regression)
SINGLE_LABEL = ("agnews_small", "banking77", "chnsenticorp", "news_zh", "sst2", "tnews", "trec")
BATCH = 1_000
ALPHA = 0.1


def speed(model: TextClassifier, texts: list[str]) -> dict[str, float]:
    """Rows/s at batch 1,000 on one core and the median single-text latency."""
    torch.set_num_threads(1)
    batch = (texts * (BATCH // max(1, len(texts)) + 1))[:BATCH]
    model.predict_proba(batch[:10])  # warm up
    start = time.perf_counter()
    model.predict_proba(batch)
    rows_per_s = BATCH / (time.perf_counter() - start)
    latencies = []
    for text in texts[:50]:
        start = time.perf_counter()
        model.predict_proba([text])
        latencies.append(1000 * (time.perf_counter() - start))
    return {"rows_per_s": rows_per_s, "latency_ms_p50": float(np.median(latencies))}


def row(
    name: str,
    model: TextClassifier,
    data: TrainingData,
    size_mb: float | None = None,
    extra: dict | None = None,
) -> dict:
    """One model's figures on the test split."""
    if size_mb is None:
        folder = Path(tempfile.mkdtemp())
        size_mb = bundle_mb(model.save(folder / "b"))
        shutil.rmtree(folder)
    proba = model.predict_proba(data.test_texts)
    accuracy = float((proba.argmax(axis=1) == data.test_y).mean())
    return {
        "model": name,
        "accuracy": accuracy,
        **speed(model, data.test_texts),
        "bundle_mb": size_mb,
        **calibration(model, proba, data),
        **(extra or {}),
    }


def calibration(model: TextClassifier, proba: np.ndarray, data: TrainingData) -> dict:
    """ECE before/after temperature scaling and conformal coverage at alpha 0.1 (if fitted)."""
    if model.uncertainty is None:
        return {}
    fitted = model.uncertainty
    calibrated = fitted.calibrate(proba)
    sets = fitted.sets(calibrated, data.test_texts, ALPHA)
    coverage, size = coverage_and_size(sets, np.asarray(data.test_y))
    return {
        "ece_before": expected_calibration_error(proba, data.test_y),
        "ece_after": expected_calibration_error(calibrated, data.test_y),
        "coverage": coverage,
        "mean_set_size": size,
    }


def run_dataset(name: str, budget: float, work: Path, reuse: bool = False) -> list[dict]:
    """Teacher, students and hard-label students on one dataset.

    ``reuse``: take the finished run already in ``work / name`` as the teacher (e.g. the one
    benchmarks/uncertainty.py left there) instead of running AutoTask again.
    """
    folder = DATASETS / name
    if reuse and (work / name / "model").is_dir():
        result = AutoTask.resume(work / name)
    else:
        result = AutoTask(
            dataset_path=folder / "train.csv", test_path=folder / "test.csv", run_dir=work / name
        ).run(time_budget=budget, overwrite=True)
    data = TrainingData.from_prepared(result._output.data)
    families = "+".join(m.family for m in result.model.model.members)
    rows = [row(f"teacher ({families})", result.model, data)]
    distiller = Distiller(result.model, data, cache_dir=str(work / name / "cache"))
    for target in ("linear", "fasttext"):
        try:
            start = time.perf_counter()
            student = distill(
                result.model,
                data,
                target,
                out=work / name / f"student-{target}",
                teacher_path=work / name / "model",
                overwrite=True,
                distiller=distiller,
            )
            rows.append(
                row(
                    f"student {target}",
                    student.model,
                    data,
                    student.metrics["bundle_mb"],
                    {
                        "T": student.temperature,
                        "alpha": student.alpha,
                        "C": student.lineage.get("C"),
                        "agreement": student.metrics["agreement_with_teacher"],
                        "distill_s": round(time.perf_counter() - start, 1),
                    },
                )
            )
        except Exception as error:  # noqa: BLE001 - e.g. a single linear teacher: say so
            rows.append({"model": f"student {target}", "error": str(error)})
        # the hard-label twin gets its C chosen on the same validation split
        tuned = {}
        if target == "linear":
            tuned = distiller.search(target, [(1.0, 0.0)], hard_labels=True)[0]
        every_train_row = np.arange(len(data.train_texts))
        hard = distiller.fit(target, 1.0, 0.0, every_train_row, True, tuned.get("C", STUDENT_C))
        clf = TextClassifier(WeightedEnsemble([hard], [1.0]), data.labels)
        rows.append(row(f"hard-label {target}", clf, data, extra={"C": tuned.get("C")}))
    return [{"dataset": name, "budget_s": budget, **r} for r in rows]


def remeasure(path: Path, work: Path) -> list[dict]:
    """The rows of ``path`` with speed measured again for every model saved under ``work``."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    for r in rows:
        kind = r["model"].split(" (")[0]
        folder = {"teacher": work / r["dataset"] / "model"}.get(
            kind, work / r["dataset"] / kind.replace("student ", "student-") / "model"
        )
        if kind.startswith("hard-label") or "error" in r or not folder.is_dir():
            r.pop("rows_per_s", None), r.pop("latency_ms_p50", None)  # not saved: not measured
            continue
        test = pd.read_csv(DATASETS / r["dataset"] / "test.csv").text.astype(str).tolist()
        r.update(speed(load_bundle(folder), test))
    return rows


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments, run each dataset, print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=300.0)
    parser.add_argument("--datasets", default=",".join(SINGLE_LABEL))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--work", type=Path, default=Path("runs/distill-bench"))
    parser.add_argument(
        "--reuse", action="store_true", help="take finished runs in --work as the teachers"
    )
    parser.add_argument("--speed-only", type=Path, help="re-measure speed in this --out file")
    args = parser.parse_args(argv)
    if args.speed_only:
        rows = remeasure(args.speed_only, args.work)
        args.speed_only.write_text(json.dumps(rows, indent=2), encoding="utf-8")
        print(
            json.dumps(
                [
                    {k: r.get(k) for k in ("dataset", "model", "rows_per_s", "latency_ms_p50")}
                    for r in rows
                ],
                indent=1,
            )
        )
        return
    names = [n for n in args.datasets.split(",") if n]
    unknown = [n for n in names if n not in SINGLE_LABEL]
    if unknown:
        sys.exit(f"not single-label datasets: {unknown}; choose from {SINGLE_LABEL}")
    rows = []
    for name in names:
        if not (DATASETS / name / "train.csv").is_file():
            print(f"skipping {name}: not in {DATASETS}")
            continue
        rows += run_dataset(name, args.budget, args.work, args.reuse)
    print("| dataset | model | accuracy | rows/s (1 core, batch 1k) | ms/text | MB | T | alpha |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['dataset']} | {r['model']} | – ({r['error'][:60]}) | | | | | |")
            continue
        print(
            f"| {r['dataset']} | {r['model']} | {r['accuracy']:.3f} | {r['rows_per_s']:,.0f} | "
            f"{r['latency_ms_p50']:.2f} | {r['bundle_mb']:.2f} | {r.get('T', '')} | "
            f"{r.get('alpha', '')} |"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
