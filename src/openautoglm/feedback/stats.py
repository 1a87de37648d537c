"""What the corrections and the served traffic say about a model: ``autoglm feedback stats``."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openautoglm.db.schema import PredictionRow
from openautoglm.feedback.drift import label_psi, length_psi
from openautoglm.feedback.store import FeedbackStore, StoredCorrection
from openautoglm.pipeline.queue import RetrainQueue
from openautoglm.registry.model_registry import Registry

#: how strongly the agreement average follows the latest corrections
EWMA_ALPHA = 0.1
#: served predictions compared with the training data for drift
RECENT_PREDICTIONS = 1_000


@dataclass
class FeedbackStats:
    """Corrections and drift of one model's production version."""

    name: str
    version: int | None
    rows: int
    new_rows: int  # corrections no retrain has looked at yet
    rejected_rows: int  # set aside: a retrain on them was worse
    label_mix: dict[str, int]
    new_classes: list[str]
    joined_rows: int  # corrections that name the prediction they correct
    agreement: float | None  # share of joined corrections where the model was right
    agreement_ewma: float | None
    drift: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The stats as JSON-able data."""
        return asdict(self)


def feedback_stats(
    registry: Registry, name: str, recent: int = RECENT_PREDICTIONS
) -> FeedbackStats:
    """Rows, label mix, agreement of the model with the corrections, and input drift."""
    versions = registry.versions(name)
    live = next((v for v in versions if v.stage == "production"), None)
    store = FeedbackStore(registry.engine)
    rows = store.corrections(name)
    # corrections a retrain has looked at, promoted or not, do not fire the trigger again
    trained_upto = int((live.lineage if live else {}).get("feedback_upto_id") or 0)
    used_upto = max(trained_upto, RetrainQueue(registry.engine).last_upto(name))
    labels = set(live.labels) if live else set()
    joined = [r for r in rows if r.predicted_label is not None]
    stats = FeedbackStats(
        name=name, version=live.version if live else None, rows=len(rows),
        new_rows=sum(r.id > used_upto and r.status == "new" for r in rows),
        rejected_rows=sum(r.status == "rejected" for r in rows),
        label_mix=dict(Counter(r.label for r in rows).most_common()),
        new_classes=sorted({r.label for r in rows} - labels) if labels else [],
        joined_rows=len(joined),
        agreement=_share_right(joined), agreement_ewma=agreement_ewma(joined),
    )  # fmt: skip
    if live is None:
        stats.notes.append(f"{name} has no production version")
        return stats
    reference = live.lineage.get("drift_reference") or {}
    served = _recent_predictions(registry, name, recent)
    stats.drift = {
        "recent_predictions": len(served),
        "label_psi": label_psi(reference, [label for _, label in served]),
        "length_psi": length_psi(reference, [text for text, _ in served]),
    }
    if not reference:
        stats.notes.append(
            f"v{live.version} has no drift reference (registered from an old bundle)"
        )
    return stats


def agreement_ewma(joined: list[StoredCorrection], alpha: float = EWMA_ALPHA) -> float | None:
    """Exponentially weighted share of corrections that agree with the model, oldest first."""
    value = None
    for row in joined:
        hit = float(row.predicted_label == row.label)
        value = hit if value is None else (1 - alpha) * value + alpha * hit
    return value


def _share_right(joined: list[StoredCorrection]) -> float | None:
    if not joined:
        return None
    return sum(r.predicted_label == r.label for r in joined) / len(joined)


def _recent_predictions(registry: Registry, name: str, limit: int) -> list[tuple[str, str]]:
    query = (
        select(PredictionRow.text, PredictionRow.label)
        .where(PredictionRow.name == name)
        .order_by(PredictionRow.created_at.desc())
        .limit(limit)
    )
    with Session(registry.engine) as session:
        return [(text, label) for text, label in session.execute(query)]
