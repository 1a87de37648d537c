"""The pipeline file: which model, what data, which trigger and gate, which steps.

Example ``retrain.yaml``::

    model: tickets
    budget: 5m               # default: the production version's own budget
    trigger:
      min_corrections: 200
      agreement_below: 0.8
    gate:
      min_margin: 0.005
      test: mcnemar
    steps: [train, evaluate, gate, register, promote]
    schedule: 1h             # `autoglm pipeline run` then checks hourly (--once: not)
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from openautoglm.db.engine import home
from openautoglm.errors import OpenAutoGLMError
from openautoglm.feedback.triggers import TriggerPolicy
from openautoglm.pipeline.gate import GateRule

STEPS = ("train", "evaluate", "gate", "register", "promote")


class PipelineFileError(OpenAutoGLMError, ValueError):
    """The pipeline file cannot be read or says something invalid; the message says where."""


class PipelineConfig(BaseModel):
    """A retrain pipeline for one model."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="Registered model name.")
    registry_url: str | None = Field(None, description="Default: $OPENAUTOGLM_REGISTRY_URL.")
    store: str | None = Field(
        None, description="Bundle store (default: $OPENAUTOGLM_HOME/bundles)."
    )
    data: str | None = Field(None, description="Training data (default: the live version's).")
    test: str | None = Field(None, description="Frozen holdout (default: the live version's).")
    workdir: str | None = Field(
        None, description="Job folders (default: $OPENAUTOGLM_HOME/pipelines/<model>)."
    )
    budget: str | float | None = Field(None, description="Training budget, e.g. 5m.")
    max_trials: int | None = Field(None, ge=1)
    n_jobs: int | None = Field(None, ge=1)
    families: list[str] | None = Field(None, description="Model families (default: all).")
    trigger: TriggerPolicy = Field(default_factory=TriggerPolicy)
    gate: GateRule = Field(default_factory=GateRule)
    steps: list[str] = Field(default_factory=lambda: list(STEPS))
    schedule: str | None = Field(None, description="How often --every checks the trigger.")
    retries: int = Field(1, ge=0, description="Tries again after a failed step.")

    @field_validator("steps")
    @classmethod
    def _steps_in_order(cls, steps: list[str]) -> list[str]:
        if steps != list(STEPS[: len(steps)]) or not steps:
            raise ValueError(f"steps must be {list(STEPS)} or a beginning of it, got {steps}")
        return steps

    def job_root(self) -> Path:
        """Where this model's job folders live."""
        return (
            Path(self.workdir).expanduser() if self.workdir else home() / "pipelines" / self.model
        )


def load_pipeline(path: str | Path) -> PipelineConfig:
    """Read and check a pipeline file; PipelineFileError names the field that is wrong."""
    path = Path(path)
    if not path.is_file():
        raise PipelineFileError(f"pipeline file {path} does not exist")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PipelineFileError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise PipelineFileError(f"{path} must hold a mapping (model: ..., steps: ...)")
    try:
        config = PipelineConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3]
        )
        raise PipelineFileError(f"{path}: {problems}") from None
    for field in ("data", "test", "workdir"):  # relative paths are read from the file's folder
        value = getattr(config, field)
        if value and not Path(value).expanduser().is_absolute():
            setattr(config, field, str((path.parent / value).resolve()))
    return config
