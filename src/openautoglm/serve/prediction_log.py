"""The prediction log: every served prediction, written in batches by a background thread.

Predictions are logged so that a correction can be joined to what the model said. Writing
them off the request path keeps single-text latency at the model's; a prediction is looked up
only after the log is flushed, so a correction never misses its prediction.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from openautoglm.db.schema import PredictionRow

_log = logging.getLogger(__name__)
#: the most rows written in one transaction
BATCH_ROWS = 500


@dataclass(frozen=True)
class LoggedPrediction:
    """A served prediction."""

    id: str
    name: str
    version: int
    input_hash: str
    text: str
    label: str
    confidence: float | None


class PredictionLog:
    """Batched, asynchronous writes of served predictions; :meth:`flush` waits for them."""

    def __init__(self, engine: Engine, interval_s: float = 0.2) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self._queue: queue.Queue[LoggedPrediction | None] = queue.Queue()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._thread = threading.Thread(target=self._write_loop, name="prediction-log", daemon=True)
        self._thread.start()

    def log(self, predictions: list[LoggedPrediction]) -> None:
        """Queue predictions for writing; returns at once."""
        for prediction in predictions:
            self._queue.put(prediction)

    def flush(self) -> None:
        """Block until every prediction queued so far is committed."""
        self._queue.join()

    def get(self, prediction_id: str) -> LoggedPrediction | None:
        """A logged prediction by id (after a flush), or None."""
        self.flush()
        with self._sessions() as session:
            row = session.get(PredictionRow, prediction_id)
            if row is None:
                return None
            return LoggedPrediction(row.id, row.name, row.version, row.input_hash, row.text,
                                    row.label, row.confidence)  # fmt: skip

    def recent_texts(self, name: str, limit: int) -> list[str]:
        """The texts of the latest ``limit`` predictions of ``name`` (for drift)."""
        self.flush()
        query = (
            select(PredictionRow.text)
            .where(PredictionRow.name == name)
            .order_by(PredictionRow.created_at.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return list(session.scalars(query))

    def close(self) -> None:
        """Write what is queued and stop the writer."""
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            batch = [first]
            while len(batch) < BATCH_ROWS:
                try:
                    batch.append(self._queue.get(timeout=self.interval_s if first else 0))
                except queue.Empty:
                    break
            rows = [p for p in batch if p is not None]
            try:
                if rows:
                    with self._sessions() as session, session.begin():
                        session.execute(insert(PredictionRow), [p.__dict__ for p in rows])
            except Exception:  # a failed batch must not stop the writer or hang flush()
                _log.exception("could not write %d logged predictions", len(rows))
            finally:
                for _ in batch:
                    self._queue.task_done()
            if any(p is None for p in batch):
                return
