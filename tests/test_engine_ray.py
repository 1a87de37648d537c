"""The same run on a real local Ray cluster (a head on 127.0.0.1 started and stopped here)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port, make_texts
from engine_tasks import crash_once, double, hang, raise_value_error, segfault

from openautoglm import AutoTask, load
from openautoglm.engine.local import Task
from openautoglm.plan.dag import RetryPolicy

pytestmark = pytest.mark.slow
ray = pytest.importorskip("ray", reason="ray is not installed (extra: ray)")


@pytest.fixture(scope="module")
def head() -> Iterator[str]:
    """`ray start --head` on 127.0.0.1 with 2 CPUs; `ray stop` afterwards."""
    ray_cli = str(Path(sys.executable).parent / "ray")
    port = free_port()
    here = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(here.parent / "src"), str(here), os.environ.get("PYTHONPATH", "")])}  # fmt: skip
    start = [ray_cli, "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1",
             "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats"]  # fmt: skip
    subprocess.run(start, env=env, check=True, capture_output=True, timeout=180)
    address = f"127.0.0.1:{port}"
    try:
        yield address
    finally:
        if ray.is_initialized():
            ray.shutdown()
        subprocess.run([ray_cli, "stop", "--force"], env=env, capture_output=True, timeout=120)


def test_failures_map_to_the_same_results_as_locally(head: str) -> None:
    from openautoglm.engine.ray_executor import RayExecutor

    executor = RayExecutor(address=head, cpus=2)
    executor.submit(Task("ok", double, (21,)))
    executor.submit(Task("raises", raise_value_error))
    executor.submit(Task("segfault", segfault))
    executor.submit(Task("hangs", hang, (60,), timeout_s=3))
    results = {r.key: r for r in executor.wait_all()}
    assert results["ok"].ok and results["ok"].value == 42
    assert results["raises"].status == "failed" and "bad trial" in results["raises"].error
    assert results["segfault"].status == "crashed"
    assert results["hangs"].status == "timeout"
    stats = executor.stats()
    assert stats["backend"] == "ray" and stats["workers"] >= 1 and stats["failed"] == 3


def test_a_crashed_task_is_retried_as_locally(head: str, tmp_path: Path) -> None:
    from openautoglm.engine.ray_executor import RayExecutor

    executor = RayExecutor(address=head, cpus=2)
    retry = RetryPolicy(count=1, backoff_s=0.1, on=("crashed",))
    executor.submit(Task("flaky", crash_once, (str(tmp_path / "m"),), retry=retry))
    executor.submit(Task("other", double, (1,)))
    [result] = executor.wait(["flaky"])  # its own task only, as a step would
    assert result.ok and result.value == 42 and result.attempts == 2
    assert executor.counts["retried"] == 1
    assert [r.key for r in executor.wait_all()] == ["other"]


def test_an_autotask_runs_through_ray_like_a_local_run(head: str, tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    make_texts(40).to_csv(data, index=False)
    families = ["tfidf_lr", "complement_nb"]
    task = AutoTask(dataset_path=data, run_dir=tmp_path / "ray_run", families=families,
                    backend="ray", address=head, n_jobs=2)  # fmt: skip
    result = task.run(max_trials=4)
    board = result.leaderboard
    assert len(board) == 4 and set(board["state"]) == {"complete"}
    assert set(board["family"]) == set(families)
    assert result.metrics["accuracy"] > 0.8
    model = load(tmp_path / "ray_run" / "model")
    assert list(model.predict(["goal match team coach league"])) == ["sports"]
