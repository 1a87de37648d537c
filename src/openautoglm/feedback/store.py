"""The durable feedback store: a correction is acknowledged only after its commit.

A correction is deduplicated on (model, prediction id or text hash, label): the same fix sent
twice, by a retrying client say, is stored once and the second call is told it was a duplicate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from openautoglm.db.engine import upsert_insert
from openautoglm.db.schema import FeedbackRow


def text_hash(text: str) -> str:
    """SHA-256 of a text: how corrections without a prediction id are matched."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Correction:
    """One correction to store."""

    text: str
    label: str
    prediction_id: str | None = None
    predicted_label: str | None = None
    model_version: int | None = None
    new_class: bool = False


@dataclass(frozen=True)
class Receipt:
    """What the store says back: the row's id and whether it was already there."""

    id: int
    duplicate: bool


@dataclass(frozen=True)
class StoredCorrection:
    """A stored correction, as the retrain job and the statistics read it."""

    id: int
    text: str
    label: str
    predicted_label: str | None
    model_version: int | None
    new_class: bool
    source: str
    created_at: datetime
    status: str = "new"


class FeedbackStore:
    """Corrections per model name in the project's database.

    Example:
        >>> store = FeedbackStore(open_engine())
        >>> store.add("tickets", Correction("card charged twice", "billing"))
        Receipt(id=1, duplicate=False)
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def add(self, name: str, correction: Correction, source: str = "api") -> Receipt:
        """Store one correction durably (committed before this returns)."""
        return self.add_many(name, [correction], source)[0]

    def add_many(self, name: str, corrections: list[Correction], source: str) -> list[Receipt]:
        """Store corrections in one transaction; duplicates are reported, not stored again."""
        receipts = []
        with self._sessions() as session, session.begin():
            for c in corrections:
                key = c.prediction_id or text_hash(c.text)
                values = {
                    "name": name, "dedup_key": key, "prediction_id": c.prediction_id,
                    "text": c.text, "text_hash": text_hash(c.text), "label": c.label,
                    "predicted_label": c.predicted_label, "model_version": c.model_version,
                    "new_class": c.new_class, "source": source,
                }  # fmt: skip
                inserted = session.scalar(
                    upsert_insert(self.engine, FeedbackRow)
                    .values(**values)
                    .on_conflict_do_nothing()
                    .returning(FeedbackRow.id)
                )
                if inserted is not None:
                    receipts.append(Receipt(inserted, duplicate=False))
                    continue
                existing = session.scalar(
                    select(FeedbackRow.id).where(
                        FeedbackRow.name == name,
                        FeedbackRow.dedup_key == key,
                        FeedbackRow.label == c.label,
                    )
                )
                receipts.append(Receipt(int(existing), duplicate=True))
        return receipts

    def corrections(
        self, name: str, after_id: int = 0, include_rejected: bool = True
    ) -> list[StoredCorrection]:
        """Corrections of ``name`` with an id above ``after_id``, oldest first."""
        query = (
            select(FeedbackRow)
            .where(FeedbackRow.name == name, FeedbackRow.id > after_id)
            .order_by(FeedbackRow.id)
        )
        if not include_rejected:
            query = query.where(FeedbackRow.status != "rejected")
        with self._sessions() as session:
            return [
                StoredCorrection(
                    r.id,
                    r.text,
                    r.label,
                    r.predicted_label,
                    r.model_version,
                    r.new_class,
                    r.source,
                    r.created_at,
                    r.status,
                )
                for r in session.scalars(query)
            ]

    def reject(self, name: str, after_id: int, upto_id: int, job_id: int) -> int:
        """Set aside the corrections in (after_id, upto_id]: a retrain on them was worse."""
        return self._set_status(
            name, (FeedbackRow.id > after_id) & (FeedbackRow.id <= upto_id)
            & (FeedbackRow.status == "new"), status="rejected", rejected_by_job=job_id,
        )  # fmt: skip

    def reinstate(self, name: str, job_id: int | None = None) -> int:
        """Train on rejected corrections again (those of one job, or all); how many."""
        where = FeedbackRow.status == "rejected"
        if job_id is not None:
            where = where & (FeedbackRow.rejected_by_job == job_id)
        return self._set_status(name, where, status="new", rejected_by_job=None)

    def _set_status(self, name: str, where, **values) -> int:
        with self._sessions() as session, session.begin():
            result = session.execute(
                update(FeedbackRow).where(FeedbackRow.name == name, where).values(**values)
            )
            return int(result.rowcount or 0)

    def count(self, name: str, after_id: int = 0) -> int:
        """How many corrections of ``name`` have an id above ``after_id``."""
        query = select(func.count()).where(FeedbackRow.name == name, FeedbackRow.id > after_id)
        with self._sessions() as session:
            return int(session.scalar(query) or 0)
