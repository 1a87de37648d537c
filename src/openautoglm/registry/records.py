"""What the registry hands out: typed, read-only views of its rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Stage = Literal["staging", "production", "archived"]
STAGES: tuple[str, ...] = ("staging", "production", "archived")


class ModelVersion(BaseModel):
    """One registered version of a model: its stage and its lineage."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    name: str
    version: int
    stage: Stage
    bundle_digest: str
    run_dir: str | None = None
    spec: dict[str, Any] | None = None
    metrics: dict[str, Any] = {}
    labels: list[str] = []
    data_hash: str | None = None
    test_hash: str | None = None
    parent_version: int | None = None
    created_at: datetime
    created_by: str
    note: str | None = None
    lineage: dict[str, Any] = {}

    @property
    def metric(self) -> str:
        """The metric the run optimised (accuracy when the spec does not say)."""
        return (self.spec or {}).get("metric") or "accuracy"


class StageEvent(BaseModel):
    """A stage change that was asked for: applied or refused, by whom, why, the gate's word."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    name: str
    version: int
    action: str
    from_stage: str | None
    to_stage: str
    outcome: Literal["applied", "refused"]
    forced: bool
    actor: str
    reason: str | None
    gate: dict[str, Any]
    at: datetime
