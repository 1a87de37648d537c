"""--overwrite replaces only our own run folders, safely; a failed run never blocks a rerun."""

from pathlib import Path

import pytest
from conftest import make_texts
from typer.testing import CliRunner

from openautoglm import AutoTask
from openautoglm.cli import app
from openautoglm.run_folder import RUN_MARKER, RunFolderError, prepare

FAMILIES = ["complement_nb"]


def _data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "en.csv"
    make_texts(20).to_csv(path, index=False)
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_overwrite_of_the_current_folder_is_refused_and_nothing_is_lost(tmp_path, monkeypatch):
    data = _data(tmp_path / "d")
    before = _tree(tmp_path / "d")
    monkeypatch.chdir(tmp_path / "d")
    result = CliRunner().invoke(
        app, ["run", "--data", "en.csv", "--out", ".", "--overwrite", "--max-trials", "2"]
    )
    assert result.exit_code == 2, result.output
    assert "current folder" in result.output and "--out" in result.output
    assert _tree(tmp_path / "d") == before and data.is_file()


def test_overwrite_of_a_folder_that_is_not_a_run_is_refused(tmp_path):
    data = _data(tmp_path / "data")
    project = tmp_path / "myproj"
    (project / "sub").mkdir(parents=True)
    (project / "important.txt").write_text("keep")
    (project / "sub" / "more.txt").write_text("keep too")
    before = _tree(project)
    with pytest.raises(RunFolderError, match="not a run folder"):
        AutoTask(dataset_path=data, run_dir=project, families=FAMILIES).run(
            max_trials=1, overwrite=True
        )
    assert _tree(project) == before


@pytest.mark.parametrize("where", ["holds_data", "home"])
def test_overwrite_never_replaces_a_folder_holding_the_data_or_home(tmp_path, where):
    if where == "holds_data":  # even a run folder, once the user's data sits inside it
        target = tmp_path / "run"
        data = _data(target)
        (target / RUN_MARKER).touch()
        reason = "holds the input data"
    else:
        target, data, reason = Path.home(), _data(tmp_path / "d"), "home"
    with pytest.raises(RunFolderError, match=reason):
        prepare(target, overwrite=True, inputs=[data])
    assert data.is_file()


def test_overwrite_replaces_a_finished_run_only_once_the_new_one_has_finished(tmp_path):
    data = _data(tmp_path / "data")
    run_dir = tmp_path / "run"
    AutoTask(dataset_path=data, run_dir=run_dir, families=FAMILIES).run(max_trials=1)
    assert (run_dir / RUN_MARKER).is_file()
    AutoTask(dataset_path=data, run_dir=run_dir, families=FAMILIES, seed=1).run(
        max_trials=2, overwrite=True
    )
    assert (run_dir / "model" / "manifest.json").is_file()
    assert [p.name for p in tmp_path.iterdir() if "replaced" in p.name] == []


def test_a_failed_overwrite_puts_the_old_run_back(tmp_path):
    data = _data(tmp_path / "data")
    run_dir = tmp_path / "run"
    AutoTask(dataset_path=data, run_dir=run_dir, families=FAMILIES).run(max_trials=1)
    before = (run_dir / "model" / "manifest.json").read_bytes()
    with pytest.raises(ValueError, match="label_column"):
        AutoTask(dataset_path=data, run_dir=run_dir, label_column="nope").run(
            max_trials=1, overwrite=True
        )
    assert (run_dir / "model" / "manifest.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "replaced" in p.name] == []


def test_an_interrupted_overwrite_keeps_the_old_run_aside(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / RUN_MARKER).touch()
    (run_dir / "state.db").write_bytes(b"")  # a run whose state cannot be read: assume work
    (run_dir / "metrics.json").write_text("{}")
    replacement = prepare(run_dir, overwrite=True, inputs=[])
    assert not run_dir.exists() and replacement.aside is not None
    assert (replacement.aside / "metrics.json").read_text() == "{}"  # the old run, whole


def test_a_run_that_failed_before_finishing_a_step_does_not_block_the_rerun(tmp_path):
    run_dir = tmp_path / "run"
    with pytest.raises(ValueError, match="does not exist"):
        AutoTask(dataset_path=tmp_path / "missing.csv", run_dir=run_dir).run(max_trials=1)
    data = _data(tmp_path / "data")
    result = AutoTask(dataset_path=data, run_dir=run_dir, families=FAMILIES).run(max_trials=1)
    assert result.metrics["accuracy"] > 0.5


def test_a_run_folder_with_user_files_is_not_reused_silently(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / RUN_MARKER).touch()
    (run_dir / "mine.txt").write_text("keep")
    with pytest.raises(RunFolderError, match="already exists"):
        prepare(run_dir, overwrite=False, inputs=[])
    with pytest.raises(RunFolderError, match="mine.txt"):
        prepare(run_dir, overwrite=True, inputs=[])
    assert (run_dir / "mine.txt").read_text() == "keep"
