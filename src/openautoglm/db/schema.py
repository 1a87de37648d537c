"""The tables of the registry, the prediction log, the feedback store and the retrain queue.

One schema, one migration history: a model's versions, the predictions they made and the
corrections users sent back are joined in queries, so they live in the same database.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAME_LENGTH = 200
#: retrain job states in which a job holds its model (at most one such job per model)
ACTIVE_JOB_STATES = ("queued", "running")


def utcnow() -> datetime:
    """Timezone-aware now, the one clock every row is stamped with."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of every table here."""


class RegisteredModel(Base):
    """A model name; its row is what promotions and version numbering lock."""

    __tablename__ = "registered_models"
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the retrain trigger policy (see feedback.triggers.TriggerPolicy); empty: the defaults
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ModelVersionRow(Base):
    """One registered version: where its bundle is, what it was trained on, its stage."""

    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(ForeignKey("registered_models.name"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    bundle_digest: Mapped[str] = mapped_column(String(64))
    run_dir: Mapped[str | None] = mapped_column(Text)
    spec: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    data_hash: Mapped[str | None] = mapped_column(String(64))
    test_hash: Mapped[str | None] = mapped_column(String(64))
    parent_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    #: where it came from beyond the columns above: trigger, corrections used, drift reference
    lineage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StageEventRow(Base):
    """Every stage change asked for, applied or refused: who, why, what the gate said."""

    __tablename__ = "stage_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    gate: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PredictionRow(Base):
    """A served prediction, kept so that a correction can be joined to what the model said."""

    __tablename__ = "predictions"
    __table_args__ = (Index("ix_predictions_name_at", "name", "created_at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    version: Mapped[int] = mapped_column(Integer)
    input_hash: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: the predicted label; multilabel: a JSON list of labels; regression: the number
    label: Mapped[str] = mapped_column(Text)
    #: the predicted label's probability (None for regression, which has none)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FeedbackRow(Base):
    """A correction: the right label for a text (joined to a prediction when one is named)."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("name", "dedup_key", "label", name="uq_feedback_dedup"),
        Index("ix_feedback_name_at", "name", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    #: the prediction id when given, else the text's hash: one correction per (key, label)
    dedup_key: Mapped[str] = mapped_column(String(64))
    prediction_id: Mapped[str | None] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(Text)
    predicted_label: Mapped[str | None] = mapped_column(Text)
    model_version: Mapped[int | None] = mapped_column(Integer)
    new_class: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: new: trained on from now on; rejected: a retrain with it was worse (kept, not trained on)
    status: Mapped[str] = mapped_column(String(20), default="new")
    rejected_by_job: Mapped[int | None] = mapped_column(Integer)


class RetrainJobRow(Base):
    """A retrain request; the partial unique index keeps one queued-or-running job per model."""

    __tablename__ = "retrain_jobs"
    __table_args__ = (
        Index(
            "uq_retrain_jobs_active",
            "name",
            unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    run_dir: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
