"""Engine benchmark: parallel speed-up, scheduling policies, and the cost of a resume.

    python benchmarks/engine.py                 # all three parts
    python benchmarks/engine.py --parts policies

1. speedup: one fixed 24-trial run on a shared dataset with 1 worker, then 2 (same process).
2. policies: FIFO vs round-robin vs auction on a simulated heterogeneous pool (workers of
   different speeds and sizes, steps of different sizes), using the engine's own policy code.
3. resume: the same run uninterrupted, then killed with SIGKILL at random points and resumed;
   the seconds lost per kill.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from openautoglm.engine.scheduler import History, WorkerView, make_policy
from openautoglm.resources import Resources

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
FAMILIES = ["tfidf_lr", "complement_nb", "nbsvm", "tfidf_svm"]


# ----------------------------------------------------------------- 1. speed-up
def speedup(dataset: str, trials: int) -> dict[str, float]:
    """Wall seconds of the same fixed-trial run with 1 and with 2 workers."""
    from openautoglm import AutoTask

    folder = DATASETS / dataset
    out: dict[str, float] = {}
    for jobs in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            task = AutoTask(dataset_path=folder / "train.csv", test_path=folder / "test.csv",
                            run_dir=Path(tmp) / "run", families=FAMILIES, n_jobs=jobs)  # fmt: skip
            start = time.perf_counter()
            task.run(max_trials=trials)
            out[f"{jobs}_worker_s"] = time.perf_counter() - start
    out["speedup"] = out["1_worker_s"] / out["2_worker_s"]
    return out


# ---------------------------------------------------------------- 2. policies
@dataclass
class SimStep:
    key: str
    kind: str
    resources: Resources
    work_s: float  # seconds on a speed-1 worker
    arrive_s: float  # when the search hands it to the engine


def _pool() -> list[WorkerView]:
    specs = [("big-slow", 4, 16000, 0.5), ("mid-a", 2, 8000, 1.0), ("mid-b", 2, 8000, 1.0),
             ("small-fast", 2, 4000, 2.0)]  # fmt: skip
    return [WorkerView(n, c, m, c, m, speed=s) for n, c, m, s in specs]


def _steps(n: int, seed: int, gap_s: float) -> list[SimStep]:
    """Steps of three sizes arriving as a stream (mean ``gap_s`` apart), like trial rounds."""
    rng = random.Random(seed)
    kinds = [("small", 2.0, 1, 500), ("medium", 12.0, 1, 2000), ("large", 45.0, 2, 3000)]
    steps, now = [], 0.0
    for i in range(n):
        kind, work, cpus, mem = rng.choices(kinds, weights=[5, 3, 2])[0]
        work *= rng.uniform(0.7, 1.3)
        steps.append(SimStep(f"s{i}", kind, Resources(cpus, mem), work, now))
        now += rng.expovariate(1 / gap_s)
    return steps


def simulate(policy_name: str, steps: list[SimStep]) -> dict[str, float]:
    """Makespan and mean core utilisation of one policy on the simulated pool."""
    workers = {w.id: w for w in _pool()}
    history = History(default_s=10.0)  # learned online, as in a real run
    policy = make_policy(policy_name, history)
    arrivals = sorted(steps, key=lambda s: s.arrive_s)
    queue: list[SimStep] = []
    running: list = []
    now, busy_core_s = 0.0, 0.0
    while arrivals or queue or running:
        while arrivals and arrivals[0].arrive_s <= now:
            queue.append(arrivals.pop(0))
        for index, wid in sorted(policy.assign(queue, [_view(w) for w in workers.values()]),
                                 reverse=True):  # fmt: skip
            step, worker = queue.pop(index), workers[wid]
            worker.free_cpus -= step.resources.cpus
            worker.free_memory_mb -= step.resources.memory_mb
            duration = step.work_s / worker.speed
            heapq.heappush(running, (now + duration, step.key, step, wid, duration))
        next_arrival = arrivals[0].arrive_s if arrivals else float("inf")
        if running and running[0][0] <= next_arrival:
            now, _, step, wid, duration = heapq.heappop(running)
            worker = workers[wid]
            worker.free_cpus += step.resources.cpus
            worker.free_memory_mb += step.resources.memory_mb
            history.record(step.kind, duration, worker.speed)
            busy_core_s += duration * step.resources.cpus
        elif arrivals:
            now = next_arrival
        elif queue:
            raise RuntimeError("a queued step fits on no worker")
    cores = sum(w.cpus for w in workers.values())
    return {"makespan_s": now, "utilisation": busy_core_s / (cores * now)}


def _view(w: WorkerView) -> WorkerView:
    """What the scheduler sees of a simulated worker: its free room and load."""
    return WorkerView(w.id, w.cpus, w.memory_mb, w.free_cpus, w.free_memory_mb, speed=w.speed,
                      load=1 - w.free_cpus / w.cpus)  # fmt: skip


def policies(seeds: int) -> dict[str, dict[str, float]]:
    """Mean makespan and utilisation per policy over ``seeds`` random workloads."""
    out = {}
    for name in ("fifo", "round_robin", "auction"):
        runs = [simulate(name, _steps(120, seed, gap_s=2.5)) for seed in range(seeds)]
        out[name] = {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}
    return out


# ------------------------------------------------------------------ 3. resume
def resume_cost(dataset: str, trials: int, kills: int, seed: int = 0) -> dict[str, float]:
    """Seconds lost per SIGKILL + resume, against the same run uninterrupted."""
    folder = DATASETS / dataset
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "openautoglm.cli", "run", "--data",
                str(folder / "train.csv"), "--test", str(folder / "test.csv"), "--max-trials",
                str(trials), "--families", ",".join(FAMILIES), "--json"]  # fmt: skip
        start = time.perf_counter()
        subprocess.run([*base, "--out", f"{tmp}/whole"], check=True, capture_output=True)
        whole = time.perf_counter() - start
        run_dir, spent = f"{tmp}/killed", 0.0
        command = [*base, "--out", run_dir]
        for _ in range(kills):
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)  # fmt: skip
            time.sleep(rng.uniform(0.2, 0.6) * whole / kills)
            process.send_signal(signal.SIGKILL)
            process.wait()
            spent += time.perf_counter() - start
            command = [
                sys.executable,
                "-m",
                "openautoglm.cli",
                "run",
                "--resume",
                run_dir,
                "--json",
            ]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        spent += time.perf_counter() - start
    return {"uninterrupted_s": whole, "with_kills_s": spent, "kills": kills,
            "lost_per_kill_s": (spent - whole) / kills}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="speedup,policies,resume")
    parser.add_argument("--dataset", default="trec")
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    parts, figures = args.parts.split(","), {}
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if "speedup" in parts:
        s = figures["speedup"] = speedup(args.dataset, args.trials)
        print(f"{args.trials}-trial run on {args.dataset}: 1 worker {s['1_worker_s']:.1f} s, "
              f"2 workers {s['2_worker_s']:.1f} s, speed-up {s['speedup']:.2f}x")  # fmt: skip
    if "policies" in parts:
        p = figures["policies"] = policies(seeds=10)
        print("\n| policy | makespan s | mean utilisation |\n|---|---|---|")
        for name, row in p.items():
            print(f"| {name} | {row['makespan_s']:.1f} | {row['utilisation']:.1%} |")
    if "resume" in parts:
        r = figures["resume"] = resume_cost(args.dataset, args.trials, args.kills)
        print(f"\nresume on {args.dataset}: uninterrupted {r['uninterrupted_s']:.1f} s, with "
              f"{r['kills']} kills {r['with_kills_s']:.1f} s: {r['lost_per_kill_s']:.1f} s lost "
              "per kill")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
