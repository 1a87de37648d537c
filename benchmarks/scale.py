"""Scale benchmark: does a budgeted run end with a model at 10k to 1M rows, in bounded memory?

Builds training sets of each size by sampling a public dataset's training rows with
replacement and perturbing each text lightly (a dropped and a duplicated character), so that
rows are not exact copies; the test split stays the dataset's own. For each size it runs
AutoTask with the budget in a child process and reports the time to the first finished
trial, the time to the end of the run, the peak memory of the run's processes (the sum over
the process tree, sampled every 0.5 s), whether a model came back, and its test accuracy
(not the point here: the rows are resampled). The strong baseline is timed at the sizes where
it fits in ``--baseline-max-rows``.

    python benchmarks/scale.py --dataset tnews --sizes 10000,50000,200000,1000000 --budget 300
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import psutil
from strong_baseline import DEFAULT_ROOT, evaluate


def perturb(text: str, rng: random.Random) -> str:
    """The text with one character dropped and one doubled (when it is long enough)."""
    if len(text) < 4:
        return text
    chars = list(text)
    del chars[rng.randrange(len(chars))]
    i = rng.randrange(len(chars))
    chars.insert(i, chars[i])
    return "".join(chars)


def build(train: pd.DataFrame, rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` rows sampled with replacement from ``train``, each lightly perturbed."""
    rng = random.Random(seed)
    sample = train.sample(n=rows, replace=True, random_state=seed).reset_index(drop=True)
    sample["text"] = [perturb(str(t), rng) for t in sample.text]
    return sample


def _run(train_path: str, test_path: str, run_dir: str, budget: float, out: Any) -> None:
    warnings.filterwarnings("ignore")
    from openautoglm import AutoTask

    try:
        task = AutoTask(dataset_path=train_path, test_path=test_path, run_dir=run_dir)
        result = task.run(time_budget=budget, overwrite=True)
        out.put({"model": True, "accuracy": result.metrics["accuracy"],
                 "ensemble": [m["family"] for m in result.ensemble],
                 "timings": result.timings, "notes": result.notes})  # fmt: skip
    except Exception as error:  # the benchmark reports a failed run, it does not stop
        out.put({"model": False, "error": f"{type(error).__name__}: {error}"})


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_autotask(train_path: Path, test_path: Path, run_dir: Path, budget: float) -> dict:
    """One AutoTask run in a child process: timings, peak memory and the outcome."""
    out: mp.Queue = mp.get_context("spawn").Queue()
    child = mp.get_context("spawn").Process(
        target=_run, args=(str(train_path), str(test_path), str(run_dir), budget, out)
    )
    start = time.time()
    child.start()
    peak, proc = 0, psutil.Process(child.pid)
    while child.is_alive():
        peak = max(peak, tree_rss(proc))
        child.join(0.5)
    total_s = time.time() - start
    outcome = out.get() if not out.empty() else {"model": False, "error": "no result"}
    return {
        **outcome,
        "run_s": total_s,
        "first_model_s": first_model_s(run_dir / "search_log.jsonl", start),
        "peak_rss_mb": peak / 2**20,
    }


def first_model_s(log: Path, start: float) -> float | None:
    """Seconds from the start to the first trial that finished with a score."""
    if not log.is_file():
        return None
    for line in log.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event.get("event") == "trial_finished" and event.get("state") == "complete":
            return event["t"] - start
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="datasets folder")
    parser.add_argument("--dataset", default="tnews", help="dataset to resample")
    parser.add_argument("--sizes", default="10000,50000,200000,1000000")
    parser.add_argument("--budget", type=float, default=300.0, help="AutoTask seconds per size")
    parser.add_argument("--baseline-max-rows", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("runs/scale"), help="data and runs")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/scale.json"))
    args = parser.parse_args()
    train = pd.read_csv(args.root / args.dataset / "train.csv")
    test_path = args.root / args.dataset / "test.csv"
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        data = build(train, size)
        path = args.work / f"{args.dataset}_{size}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        data.to_csv(path, index=False)
        row: dict[str, Any] = {"rows": size}
        row["autotask"] = run_autotask(path, test_path, args.work / f"run_{size}", args.budget)
        if size <= args.baseline_max_rows:
            warnings.filterwarnings("ignore")
            base = evaluate(data, pd.read_csv(test_path))
            row["baseline"] = {k: base[k] for k in ("accuracy", "fit_s")}
        rows.append(row)
        print(json.dumps(row), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"budget_s": args.budget, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
