"""Serving benchmark: latency, throughput, batch speed, hot swap and crash durability over HTTP.

Trains a TF-IDF logistic-regression bundle on a public dataset, registers two versions, starts
``autoglm serve`` on a loopback port and measures, all against that real server:

- single-text latency p50/p99 at 1 client (keep-alive);
- throughput at 16 concurrent clients with 1 and with 2 worker processes (errors counted);
- rows/s for batches of 1,000 texts;
- a hot swap (promotion of v2) under 16-client load: failed requests and p99 around the swap;
- SIGKILL while 4 clients post feedback: acknowledged corrections found after the restart.

The load generator runs on the same 2 cores as the server, so throughput is a floor.

    python benchmarks/serve.py --dataset sst2 --out benchmarks/results/serve.json
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
from strong_baseline import DEFAULT_ROOT

CLI = "import sys; from openautoglm.cli import app; sys.argv[0] = 'autoglm'; app()"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """An ``autoglm serve`` process on a free loopback port."""

    def __init__(self, name: str, keys: Path, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [
            sys.executable,
            "-c",
            CLI,
            "serve",
            "--name",
            name,
            "--api-key-file",
            str(keys),
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--poll-s",
            "0.5",
        ]
        self.process = subprocess.Popen(
            args, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.process.send_signal(sig)
        self.process.wait(60)


def latency(url: str, headers: dict[str, str], texts: list[str], n: int) -> dict[str, float]:
    """Sequential single-text requests from one client."""
    times = []
    with httpx.Client(headers=headers) as client:
        for i in range(n):
            start = time.perf_counter()
            answer = client.post(f"{url}/v1/predict", json={"texts": [texts[i % len(texts)]]})
            times.append((time.perf_counter() - start) * 1000)
            answer.raise_for_status()
    return {
        "p50_ms": float(np.percentile(times, 50)),
        "p99_ms": float(np.percentile(times, 99)),
        "requests": n,
    }


def load(
    url: str,
    headers: dict[str, str],
    texts: list[str],
    clients: int,
    seconds: float,
    during: Any = None,
) -> dict[str, Any]:
    """``clients`` threads sending single-text predictions for ``seconds``; ``during`` runs
    in the middle (the hot swap) and the p99 of the requests around it is reported."""
    records: list[tuple[float, float, int, int]] = []  # start, ms, status, version
    stop = threading.Event()

    def client_loop(offset: int) -> None:
        with httpx.Client(headers=headers, timeout=30) as client:
            i = offset
            while not stop.is_set():
                start = time.perf_counter()
                try:
                    answer = client.post(
                        f"{url}/v1/predict", json={"texts": [texts[i % len(texts)]]}
                    )
                    status = answer.status_code
                    version = answer.json().get("version", 0) if status == 200 else 0
                except httpx.TransportError:
                    status, version = 0, 0
                records.append((start, (time.perf_counter() - start) * 1000, status, version))
                i += clients

    threads = [threading.Thread(target=client_loop, args=(k,)) for k in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    swap_at = None
    if during is not None:
        time.sleep(seconds / 2)
        swap_at = time.perf_counter()
        during()
        time.sleep(seconds / 2)
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ms = [r[1] for r in records]
    result = {
        "clients": clients,
        "requests": len(records),
        "requests_per_s": len(records) / elapsed,
        "errors": sum(r[2] != 200 for r in records),
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
    }
    if swap_at is not None:
        around = [r[1] for r in records if swap_at - 1 <= r[0] <= swap_at + 3]
        result["swap_p99_ms"] = float(np.percentile(around, 99))
        result["versions_seen"] = sorted({r[3] for r in records if r[2] == 200})
    return result


def batch_speed(url: str, headers: dict[str, str], texts: list[str], rounds: int = 5) -> float:
    """Rows per second for requests of 1,000 texts."""
    batch = (texts * (1000 // len(texts) + 1))[:1000]
    with httpx.Client(headers=headers, timeout=120) as client:
        start = time.perf_counter()
        for _ in range(rounds):
            client.post(f"{url}/v1/predict", json={"texts": batch}).raise_for_status()
    return rounds * 1000 / (time.perf_counter() - start)


def durability(
    server: Server, headers: dict[str, str], registry_url: str, label: str, restart: Any
) -> dict[str, Any]:
    """SIGKILL the server while 4 clients post corrections; count them after a restart."""
    from openautoglm.db.engine import open_engine
    from openautoglm.feedback.store import FeedbackStore

    acknowledged: list[int] = []
    stop = threading.Event()

    def post(worker: int) -> None:
        with httpx.Client(headers=headers, timeout=10) as client:
            for i in range(10**6):
                if stop.is_set():
                    return
                body = {"text": f"durability {worker}-{i}", "label": label}
                try:
                    answer = client.post(f"{server.url}/v1/feedback", json=body)
                except httpx.TransportError:
                    return
                if answer.status_code == 200:
                    acknowledged.append(answer.json()["id"])

    threads = [threading.Thread(target=post, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    server.stop(signal.SIGKILL)
    stop.set()
    for thread in threads:
        thread.join()
    restarted = restart()
    rows = [
        r
        for r in FeedbackStore(open_engine(registry_url)).corrections("bench")
        if r.text.startswith("durability")
    ]
    restarted.stop()
    stored = {r.id for r in rows}
    return {
        "acknowledged": len(acknowledged),
        "found_after_restart": len(set(acknowledged) & stored),
        "stored_rows": len(rows),
        "duplicates": len(rows) - len({r.text for r in rows}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="sst2")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--registry-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from openautoglm import AutoTask
    from openautoglm.registry.model_registry import Registry
    from openautoglm.serve.api_keys import create_key

    work = Path(tempfile.mkdtemp(prefix="autoglm-serve-bench-"))
    folder = args.root / args.dataset
    test = pd.read_csv(folder / "test.csv")
    texts = test.text.astype(str).tolist()
    url = args.registry_url or f"sqlite:///{work / 'registry.db'}"
    env = {"OPENAUTOGLM_REGISTRY_URL": url, "OPENAUTOGLM_BUNDLE_STORE": str(work / "store")}
    registry = Registry(url, work / "store")
    for seed in (0, 1):
        run = AutoTask(
            dataset_path=folder / "train.csv",
            test_path=folder / "test.csv",
            seed=seed,
            families=["tfidf_lr"],
            run_dir=work / f"v{seed + 1}",
            n_jobs=1,
        ).run(max_trials=1)
        registry.register(run.run_dir, "bench")
        label = run.labels[0]
    registry.promote("bench", 1)
    keys = work / "keys.txt"
    headers = {"Authorization": f"Bearer {create_key(keys, ['admin'])}"}

    report: dict[str, Any] = {
        "dataset": args.dataset,
        "model": "tfidf_lr bundle",
        "registry": url.split(":")[0],
    }
    server = Server("bench", keys, env, workers=1)
    latency(server.url, headers, texts, 50)  # warm up
    report["latency_1_client"] = latency(server.url, headers, texts, 1000)
    report["load_1_worker"] = load(server.url, headers, texts, 16, args.seconds)
    report["batch_1000_rows_per_s"] = batch_speed(server.url, headers, texts)
    report["hot_swap"] = load(
        server.url,
        headers,
        texts,
        16,
        args.seconds,
        during=lambda: registry.promote("bench", 2, force=True),
    )
    report["durability"] = durability(
        server, headers, url, label, lambda: Server("bench", keys, env, workers=1)
    )
    server = Server("bench", keys, env, workers=2)
    latency(server.url, headers, texts, 50)
    report["load_2_workers"] = load(server.url, headers, texts, 16, args.seconds)
    server.stop()
    print(json.dumps(report, indent=2))
    _table(report)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))


def _table(r: dict[str, Any]) -> None:
    lat, one, two, swap, dur = (
        r["latency_1_client"],
        r["load_1_worker"],
        r["load_2_workers"],
        r["hot_swap"],
        r["durability"],
    )
    print("\n| figure | value |\n|---|---|")
    print(f"| single text, 1 client: p50 / p99 | {lat['p50_ms']:.2f} / {lat['p99_ms']:.2f} ms |")
    for label, load_ in (("1 worker", one), ("2 workers", two)):
        print(
            f"| 16 clients, {label}: req/s, p99, errors | {load_['requests_per_s']:.0f}, "
            f"{load_['p99_ms']:.1f} ms, {load_['errors']} |"
        )
    print(f"| batches of 1,000 texts | {r['batch_1000_rows_per_s']:,.0f} rows/s |")
    print(
        f"| hot swap under 16 clients: errors, p99 around the swap | {swap['errors']}, "
        f"{swap['swap_p99_ms']:.1f} ms (versions {swap['versions_seen']}) |"
    )
    print(
        f"| SIGKILL during feedback: acknowledged / found / duplicates | {dur['acknowledged']} / "
        f"{dur['found_after_restart']} / {dur['duplicates']} |"
    )


if __name__ == "__main__":
    main()
