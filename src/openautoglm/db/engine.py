"""Open a database by URL, check it answers, and bring its schema to the latest migration.

SQLite is the embedded default (a file, nothing to start); a ``postgresql+psycopg://`` URL swaps
in a server. Both run the same Alembic migrations, so the same code and tests cover both.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from openautoglm.errors import OpenAutoGLMError

T = TypeVar("T")
#: where the embedded registry, feedback store and bundle store live unless told otherwise
HOME_ENV = "OPENAUTOGLM_HOME"
URL_ENV = "OPENAUTOGLM_REGISTRY_URL"
#: how long a writer waits for SQLite's lock before giving up (concurrent servers and CLIs)
SQLITE_BUSY_MS = 30_000


class DatabaseUnavailable(OpenAutoGLMError, ConnectionError):
    """The database URL is malformed or the server does not answer; the message says which."""

    retryable = True


def home() -> Path:
    """The folder of the embedded stores: ``$OPENAUTOGLM_HOME`` or ``~/.openautoglm``."""
    return Path(os.environ.get(HOME_ENV) or Path.home() / ".openautoglm").expanduser()


def default_url() -> str:
    """``$OPENAUTOGLM_REGISTRY_URL``, else a SQLite file in :func:`home`."""
    return os.environ.get(URL_ENV) or f"sqlite:///{home() / 'registry.db'}"


def open_engine(url: str | None = None, migrate: bool = True) -> Engine:
    """An engine for ``url`` (default: :func:`default_url`) whose schema is up to date.

    Raises DatabaseUnavailable at once, with the URL (password hidden) and the cause, when the
    URL is malformed or nothing answers, rather than failing on the first request later.

    Example:
        >>> engine = open_engine("sqlite:///registry.db")
    """
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(
            f"cannot read the database URL {url!r}: {exc}. Use e.g. sqlite:///path/registry.db "
            "or postgresql+psycopg://user@host:5432/dbname"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed.database)
    else:
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=_connect_timeout(parsed))
    _check_reachable(engine)
    if migrate:
        from openautoglm.db.migrate import upgrade

        upgrade(engine)
    return engine


def _connect_timeout(parsed) -> dict[str, int]:
    return {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}


def _sqlite_engine(database: str | None) -> Engine:
    if not database or database == ":memory:":
        raise DatabaseUnavailable("the registry needs a SQLite file, not an in-memory database")
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # NullPool: every session opens its own connection, so forked servers share nothing
    engine = create_engine(f"sqlite:///{Path(database).expanduser()}", poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged commit survives a crash
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # a writer's first statement is its write (see the registry's lock), so it queues on
        # busy_timeout instead of failing to upgrade a read snapshot
        connection.exec_driver_sql("BEGIN")

    return engine


def _check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        shown = engine.url.render_as_string(hide_password=True)
        cause = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"cannot reach the database at {shown}: {cause}. Start the server or fix the URL "
            f"(--registry-url or ${URL_ENV})"
        ) from exc


def upsert_insert(engine: Engine, table: Any) -> Any:
    """An INSERT for ``table`` that can say ON CONFLICT DO NOTHING on this engine's dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def retry_on_schema_race(create: Callable[[], T], attempts: int = 5) -> T:
    """Run ``create`` (which may create tables), retrying when another process creates them
    at the same instant: PostgreSQL then reports a duplicate type or table to the loser."""
    for attempt in range(attempts):
        try:
            return create()
        except (IntegrityError, ProgrammingError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.5 + random.random())
    raise AssertionError("unreachable")
