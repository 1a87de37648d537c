"""The retrain queue: at most one queued-or-running retrain per model, kept in the database.

Why the database and not Redis: the queue must agree with the registry and the feedback it
reads, which live there; a partial unique index (one active job per model) makes a second
trigger's insert fail atomically on SQLite and PostgreSQL alike, with nothing else to run. A
job whose process died is taken over by whoever can take its run folder's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from openautoglm.db.schema import ACTIVE_JOB_STATES, RetrainJobRow, utcnow
from openautoglm.errors import OpenAutoGLMError


class RetrainBusy(OpenAutoGLMError):
    """A retrain of this model is already queued or running."""

    def __init__(self, job: Job) -> None:
        super().__init__(
            f"a retrain of {job.name} is already {job.status} (job {job.id}, requested "
            f"{job.requested_at:%Y-%m-%d %H:%M:%S}, folder {job.run_dir}); not starting another"
        )
        self.job = job


@dataclass(frozen=True)
class Job:
    """A retrain request."""

    id: int
    name: str
    status: str
    reason: str
    run_dir: str | None
    requested_at: datetime
    result: dict[str, Any]


class RetrainQueue:
    """Retrain jobs per model: submit, start, finish; one active job per model."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def submit(self, name: str, reason: str) -> Job:
        """Queue a retrain of ``name``; RetrainBusy when one is already queued or running."""
        try:
            with self._sessions() as session, session.begin():
                row = RetrainJobRow(name=name, status="queued", reason=reason, result={})
                session.add(row)
                session.flush()
                return _job(row)
        except IntegrityError:
            active = self.active(name)
            if active is None:  # it finished in between: try once more
                return self.submit(name, reason)
            raise RetrainBusy(active) from None

    def active(self, name: str) -> Job | None:
        """The queued or running job of ``name``, if any."""
        query = select(RetrainJobRow).where(
            RetrainJobRow.name == name, RetrainJobRow.status.in_(ACTIVE_JOB_STATES)
        )
        with self._sessions() as session:
            row = session.scalar(query)
            return _job(row) if row else None

    def start(self, job_id: int, run_dir: str) -> None:
        """Mark a job running in ``run_dir``."""
        self._set(job_id, status="running", run_dir=run_dir, started_at=utcnow())

    def finish(self, job_id: int, status: str, result: dict[str, Any]) -> None:
        """End a job: ``promoted``, ``refused``, ``registered`` or ``failed``, with its result."""
        self._set(job_id, status=status, result=result, finished_at=utcnow())

    def last_upto(self, name: str) -> int:
        """The newest correction id a finished retrain of ``name`` looked at (0: none)."""
        finished = [j for j in self.jobs(name) if j.status not in ("failed", *ACTIVE_JOB_STATES)]
        return max((int(j.result.get("feedback_upto_id") or 0) for j in finished), default=0)

    def jobs(self, name: str) -> list[Job]:
        """Every job of ``name``, oldest first."""
        query = select(RetrainJobRow).where(RetrainJobRow.name == name).order_by(RetrainJobRow.id)
        with self._sessions() as session:
            return [_job(row) for row in session.scalars(query)]

    def _set(self, job_id: int, **values: Any) -> None:
        with self._sessions() as session, session.begin():
            session.execute(
                update(RetrainJobRow).where(RetrainJobRow.id == job_id).values(**values)
            )


def _job(row: RetrainJobRow) -> Job:
    return Job(row.id, row.name, row.status, row.reason, row.run_dir, row.requested_at,
               dict(row.result or {}))  # fmt: skip
