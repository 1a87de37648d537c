"""The closed loop end to end on real data: corrections → retrain → gate → promote or refuse."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import yaml
from conftest import dataset

from openautoglm import AutoTask
from openautoglm.feedback.stats import feedback_stats
from openautoglm.feedback.store import Correction, FeedbackStore
from openautoglm.pipeline.config import PipelineConfig
from openautoglm.pipeline.queue import RetrainQueue
from openautoglm.pipeline.runner import EXIT_PROMOTED, EXIT_REFUSED, EXIT_SKIPPED, run_pipeline
from openautoglm.registry.model_registry import Registry

pytestmark = pytest.mark.slow
FAMILIES = ["complement_nb", "tfidf_lr"]


@pytest.fixture
def loop(database_url, tmp_path):
    """trec: v1 trained on 600 rows is live; two batches of corrections wait: good and shuffled."""
    folder = dataset("trec")
    rows = pd.read_csv(folder / "train.csv").sample(frac=1.0, random_state=0)
    rows.iloc[:600].to_csv(tmp_path / "initial.csv", index=False)
    good = rows.iloc[600:2000]
    bad = rows.iloc[2000:3400].copy()
    bad["label"] = bad["label"].sample(frac=1.0, random_state=1).to_numpy()
    AutoTask(dataset_path=tmp_path / "initial.csv", test_path=folder / "test.csv", n_jobs=1,
             run_dir=tmp_path / "v1", families=FAMILIES).run(max_trials=2)  # fmt: skip
    registry = Registry(database_url, tmp_path / "store")
    registry.register(tmp_path / "v1", "trec")
    registry.promote("trec", 1)
    config = PipelineConfig(model="trec", registry_url=database_url, store=str(tmp_path / "store"),
                            workdir=str(tmp_path / "jobs"), families=FAMILIES, max_trials=2,
                            n_jobs=1, trigger={"min_corrections": 100})  # fmt: skip
    return registry, config, good, bad


def _send(registry: Registry, frame: pd.DataFrame) -> None:
    corrections = [Correction(t, y) for t, y in zip(frame.text, frame.label, strict=True)]
    FeedbackStore(registry.engine).add_many("trec", corrections, source="import")


def test_good_corrections_are_promoted_and_a_shuffled_batch_is_refused(loop) -> None:
    registry, config, good, bad = loop
    assert run_pipeline(config, if_triggered=True).exit_code == EXIT_SKIPPED  # nothing new yet
    _send(registry, good)
    promoted = run_pipeline(config, if_triggered=True)
    assert promoted.exit_code == EXIT_PROMOTED, promoted.message
    live = registry.get("trec")
    assert (live.version, live.parent_version) == (2, 1)
    assert live.metrics["accuracy"] > registry.get("trec", 1).metrics["accuracy"]
    stored = FeedbackStore(registry.engine).count("trec")  # the batch less its duplicates
    assert live.lineage["corrections_used"] + live.lineage["held_back"] == stored
    assert "new corrections" in live.lineage["trigger"]
    assert run_pipeline(config, if_triggered=True).exit_code == EXIT_SKIPPED  # no re-trigger

    _send(registry, bad)
    refused = run_pipeline(config, if_triggered=True)
    assert refused.exit_code == EXIT_REFUSED, refused.message
    assert registry.production_version("trec") == 2
    assert registry.history("trec")[-1].outcome == "refused"
    stats = feedback_stats(registry, "trec")
    assert stats.rejected_rows == FeedbackStore(registry.engine).count("trec") - stored
    assert stats.rejected_rows > 1_000 and stats.new_rows == 0
    jobs = RetrainQueue(registry.engine).jobs("trec")
    assert [j.status for j in jobs] == ["promoted", "refused"]


def _job_started(registry: Registry, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = RetrainQueue(registry.engine).active("trec")
        if active and active.status == "running" and active.run_dir:
            if active.run_dir and os.path.isdir(os.path.join(active.run_dir, "run", "trials")):
                return
        time.sleep(0.2)
    raise AssertionError("the retrain job did not start training")


def test_a_job_killed_mid_training_is_resumed_and_a_second_trigger_waits(loop, tmp_path) -> None:
    registry, config, good, _ = loop
    _send(registry, good)
    path = tmp_path / "retrain.yaml"
    path.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    code = "import sys; from openautoglm.cli import app; sys.argv[0] = 'autoglm'; app()"
    command = [sys.executable, "-c", code, "pipeline", "run", str(path)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _job_started(registry)
    busy = run_pipeline(config)  # a second trigger while the first trains
    assert busy.exit_code == EXIT_SKIPPED and "already running" in busy.message
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    again = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert again.returncode == EXIT_PROMOTED, again.stdout + again.stderr
    jobs = RetrainQueue(registry.engine).jobs("trec")
    assert [(j.id, j.status) for j in jobs] == [(1, "promoted")]  # the same job, resumed
    assert [v.version for v in registry.versions("trec")] == [1, 2]
