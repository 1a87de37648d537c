"""Several processes share one PostgreSQL-backed study: an exact trial count, none run twice."""

import subprocess
import sys

import optuna
import pandas as pd
import pytest
from conftest import dataset

from openautoglm.search.store import shared_study_name
from openautoglm.search.tickets import TrialTickets

pytestmark = pytest.mark.slow
CAP = 24
CLI = "import sys; from openautoglm.cli import app; sys.argv[0] = 'autoglm'; app()"


def test_a_run_and_two_workers_share_one_study(postgres_url, tmp_path) -> None:
    rows = pd.read_csv(dataset("trec") / "train.csv").sample(1500, random_state=0)
    rows.to_csv(tmp_path / "train.csv", index=False)
    run_dir = tmp_path / "run"
    run = subprocess.Popen(
        [sys.executable, "-c", CLI, "run", "--data", str(tmp_path / "train.csv"), "--out",
         str(run_dir), "--study-storage", postgres_url, "--max-trials", str(CAP), "--n-jobs", "1",
         "--families", "complement_nb,tfidf_lr,nbsvm"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    workers = [
        subprocess.Popen([sys.executable, "-c", CLI, "worker", str(run_dir)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]  # fmt: skip
    outputs = [p.communicate(timeout=900)[0] for p in [run, *workers]]
    assert [p.returncode for p in [run, *workers]] == [0, 0, 0], "\n".join(outputs)
    study = optuna.load_study(study_name=shared_study_name(run_dir), storage=postgres_url)
    trials = study.get_trials(deepcopy=False)
    finished = [t for t in trials if t.user_attrs.get("outcome") in ("complete", "failed")]
    assert len(finished) == CAP  # the cap holds across processes
    owners = TrialTickets(postgres_url, study.study_name, CAP).owners()
    assert sorted(owners) == list(range(CAP))  # every slot taken exactly once
    by_worker = [t for t in finished if "worker" in t.user_attrs]
    assert by_worker, "no worker ran a trial"
    assert len({t.number for t in finished}) == CAP
    assert "trials run" in outputs[1] and "trials run" in outputs[2]
    leaderboard = pd.read_json(run_dir / "leaderboard.json")
    assert len(leaderboard) == CAP  # the run's leaderboard holds the workers' trials too
