"""Exactly ``max_trials`` trials across every process that shares one study.

Each trial first takes a numbered ticket (0 .. cap-1) by inserting a row whose primary key is
(study, ticket): the database refuses a second insert of the same ticket, on SQLite and on
PostgreSQL alike, so no two processes ever run the same slot and the total is exact.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from openautoglm.db.engine import retry_on_schema_race

_METADATA = MetaData()
TICKETS = Table(
    "autoglm_trial_tickets",
    _METADATA,
    Column("study", String(200), primary_key=True),
    Column("ticket", Integer, primary_key=True),
    Column("owner", String(200), nullable=False),
)


class TrialTickets:
    """Numbered trial slots of one study, kept in the study's own database.

    Example:
        >>> tickets = TrialTickets("postgresql+psycopg://db/optuna", "run-1", cap=20)
        >>> tickets.claim("worker-a")
        0
    """

    def __init__(self, url: str, study: str, cap: int) -> None:
        self.study, self.cap = study, cap
        self.engine = create_engine(url, poolclass=NullPool)
        retry_on_schema_race(lambda: _METADATA.create_all(self.engine, checkfirst=True))

    def claim(self, owner: str) -> int | None:
        """The next free ticket for ``owner``, or None when all ``cap`` are taken."""
        with self.engine.connect() as connection:
            taken = connection.scalar(
                select(func.count()).select_from(TICKETS).where(TICKETS.c.study == self.study)
            )
        for number in range(int(taken or 0), self.cap):
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        TICKETS.insert().values(study=self.study, ticket=number, owner=owner)
                    )
                return number
            except IntegrityError:  # another process took it first: try the next one
                continue
        return None

    def owners(self) -> dict[int, str]:
        """Who took each ticket."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(TICKETS.c.ticket, TICKETS.c.owner).where(TICKETS.c.study == self.study)
            )
            return {int(t): o for t, o in rows}
