"""The loop's pure parts: the paired gate, drift, triggers and the pipeline file."""

import numpy as np
import pytest

from openautoglm.data.profile import drift_reference
from openautoglm.feedback.drift import label_psi, length_psi, psi
from openautoglm.feedback.stats import FeedbackStats
from openautoglm.feedback.triggers import TriggerPolicy, fired
from openautoglm.pipeline.config import PipelineFileError, load_pipeline
from openautoglm.pipeline.gate import GateRule, decide, paired_p_value


def _rows(right: int, wrong: int) -> np.ndarray:
    return np.array([True] * right + [False] * wrong)


def test_mcnemar_counts_only_the_rows_the_models_disagree_on() -> None:
    champion = np.array([True] * 90 + [False] * 10)
    same = paired_p_value(champion, champion.copy(), "mcnemar")
    assert same == 1.0
    challenger = champion.copy()
    challenger[90:100] = True  # 10 rows fixed, none broken
    assert paired_p_value(champion, challenger, "mcnemar") == pytest.approx(2 * 0.5**10)
    assert paired_p_value(champion, challenger, "bootstrap") < 0.01


def test_gate_refuses_a_worse_or_too_small_gain_and_passes_a_real_one() -> None:
    champion = _rows(80, 20)
    better = champion.copy()
    better[80:95] = True
    worse = champion.copy()
    worse[:30] = False
    rule = GateRule(min_margin=0.02)
    assert decide(rule, {"holdout": (champion, better)})["passed"]
    refused = decide(rule, {"holdout": (champion, worse)})
    assert not refused["passed"] and "significantly worse on holdout" in refused["why"]
    tiny = champion.copy()
    tiny[80] = True
    assert "below the minimum margin" in decide(rule, {"holdout": (champion, tiny)})["why"]
    strict = GateRule(min_margin=0.0, require_significant=True)
    assert "not significant" in decide(strict, {"holdout": (champion, tiny)})["why"]
    # better on the corrections but significantly worse on the frozen holdout: refused
    mixed = decide(
        GateRule(min_margin=0.0),
        {"holdout": (champion, worse), "corrections": (_rows(0, 200), _rows(200, 0))},
    )
    assert not mixed["passed"] and "holdout" in mixed["why"]
    assert not decide(rule, {"holdout": (np.array([], bool), np.array([], bool))})["passed"]


def test_psi_is_zero_for_the_same_mix_and_grows_with_the_shift() -> None:
    assert psi([0.25] * 4, [0.25] * 4) == pytest.approx(0.0)
    assert psi([0.5, 0.5], [0.6, 0.4]) < psi([0.5, 0.5], [0.9, 0.1])
    reference = drift_reference(["short", "a bit longer text", "x" * 40] * 30, ["a", "b", "b"] * 30)
    assert sum(reference["length_shares"]) == pytest.approx(1.0, abs=1e-4)
    assert label_psi(reference, ["a", "b", "b"] * 10) == pytest.approx(0.0, abs=1e-6)
    assert label_psi(reference, ["a"] * 30) > 0.25
    assert length_psi(reference, ["x" * 500] * 30) > 0.25
    assert label_psi({}, ["a"]) is None and length_psi(reference, []) is None


def _stats(**overrides) -> FeedbackStats:
    values = dict(
        name="m",
        version=1,
        rows=0,
        new_rows=0,
        rejected_rows=0,
        label_mix={},
        new_classes=[],
        joined_rows=0,
        agreement=None,
        agreement_ewma=None,
        drift={},
    )
    return FeedbackStats(**{**values, **overrides})


def test_triggers_fire_on_corrections_agreement_or_drift_and_only_with_enough_evidence() -> None:
    policy = TriggerPolicy(min_corrections=100, agreement_below=0.7, drift_psi_above=0.2)
    assert fired(policy, _stats(new_rows=99)) == []
    assert fired(policy, _stats(new_rows=100)) == ["100 new corrections (threshold 100)"]
    low = _stats(joined_rows=50, agreement_ewma=0.5)
    assert "below 0.7" in fired(policy, low)[0]
    assert fired(policy, _stats(joined_rows=5, agreement_ewma=0.1)) == []  # too few to tell
    drifted = _stats(drift={"recent_predictions": 500, "label_psi": 0.4, "length_psi": 0.01})
    assert fired(policy, drifted) == ["input drift: label_psi 0.400 > 0.2"]
    assert fired(policy, _stats(drift={"recent_predictions": 10, "label_psi": 3.0})) == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("model: [unclosed", "not valid YAML"),
        ("- a list", "must hold a mapping"),
        ("model: m\nsteps: [train, promote]", "steps: Value error"),
        ("model: m\ngate:\n  min_margin: -1", "gate.min_margin"),
        ("model: m\nbudgett: 5m", "budgett: Extra inputs are not permitted"),
        ("budget: 5m", "model: Field required"),
    ],
)
def test_pipeline_file_errors_name_the_field(tmp_path, text, says) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(PipelineFileError, match=says.replace("[", r"\[")):
        load_pipeline(path)


def test_pipeline_file_paths_are_read_from_its_folder(tmp_path) -> None:
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "p.yaml"
    path.write_text("model: m\ndata: ../data/train.csv\nsteps: [train, evaluate]\n")
    config = load_pipeline(path)
    assert config.data == str((tmp_path / "data" / "train.csv").resolve())
    assert config.steps == ["train", "evaluate"]
    with pytest.raises(PipelineFileError, match="does not exist"):
        load_pipeline(tmp_path / "missing.yaml")
