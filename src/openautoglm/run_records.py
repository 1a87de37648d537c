"""What a run produces (RunOutput, Refit) and its step results as JSON and back for resume."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from openautoglm.data import PreparedData
from openautoglm.models.catalog import family_class
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.registry.bundle import TextClassifier
from openautoglm.search.store import TrialRecord
from openautoglm.spec import task_output


@dataclass
class Refit:
    """The refit model and the folder each member was saved in."""

    model: WeightedEnsemble
    folders: list[Path]


@dataclass
class RunOutput:
    """Everything a finished run produced."""

    run_dir: Path
    data: PreparedData
    classifier: TextClassifier
    metrics: dict[str, Any]
    records: list[TrialRecord]
    ensemble: list[dict[str, Any]]
    timings: dict[str, float]
    events: list[dict[str, Any]]


def data_to_json(data: PreparedData) -> dict[str, Any]:
    """PreparedData as plain JSON types."""
    out = asdict(data)
    out["train_y"], out["test_y"] = data.train_y.tolist(), data.test_y.tolist()
    return out


def data_from_json(payload: dict[str, Any]) -> PreparedData:
    """The inverse of data_to_json."""
    names = {f.name for f in fields(PreparedData)}
    data = PreparedData(**{k: v for k, v in payload.items() if k in names})
    # class codes; a 0/1 label matrix (multilabel); floats (regression)
    dtype = {"multilabel": np.int8, "regression": np.float64}.get(
        task_output(data.task_type), np.int64
    )
    data.train_y = np.asarray(payload["train_y"], dtype=dtype)
    data.test_y = np.asarray(payload["test_y"], dtype=dtype)
    return data


def record_from_json(payload: dict[str, Any]) -> TrialRecord:
    """A TrialRecord from its asdict() form."""
    names = {f.name for f in fields(TrialRecord)}
    return TrialRecord(**{k: v for k, v in payload.items() if k in names})


def members_to_json(members: list[tuple[TrialRecord, float]]) -> list[dict[str, Any]]:
    """Ensemble members as (trial record, weight) pairs."""
    return [{"record": asdict(r), "weight": w} for r, w in members]


def members_from_json(payload: list[dict[str, Any]]) -> list[tuple[TrialRecord, float]]:
    """The inverse of members_to_json."""
    return [(record_from_json(m["record"]), float(m["weight"])) for m in payload]


def ensemble_to_json(model: WeightedEnsemble, folders: list[Path]) -> list[dict[str, Any]]:
    """Where each refit member lies, with its family and weight."""
    return [
        {"family": m.family, "folder": str(f), "weight": float(w)}
        for m, f, w in zip(model.members, folders, model.weights, strict=True)
    ]


def ensemble_from_json(payload: list[dict[str, Any]]) -> WeightedEnsemble:
    """Load the refit members back from their folders."""
    models = [family_class(m["family"]).load(Path(m["folder"])) for m in payload]
    return WeightedEnsemble(models, [m["weight"] for m in payload])
