"""The quickstart's own example: what a newcomer sees first must look right."""

import sys
from pathlib import Path

import pytest

from openautoglm import AutoTask

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def quickstart(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))  # as `python examples/quickstart.py` has it
    import quickstart

    yield quickstart
    sys.modules.pop("quickstart", None)
    sys.modules.pop("headlines", None)


def test_the_seed_call_on_the_example_file_is_accurate_and_predicts_right(quickstart, tmp_path):
    data = quickstart.write_example(tmp_path / "news.csv")
    task = AutoTask(task="text_classification", dataset_path=data,
                    labels=["科技", "体育", "娱乐"], run_dir=tmp_path / "run")  # fmt: skip
    result = task.run(max_trials=3)
    assert result.metrics["accuracy"] >= 0.8
    samples = ["国产手机发布新款芯片", "梅西打进制胜球", "新电影定档春节"]
    for headline in samples:  # not in the training file: the model has to generalise
        assert all(headline not in texts for texts in quickstart.HEADLINES.values())
    assert result.predict(samples) == ["科技", "体育", "娱乐"]
