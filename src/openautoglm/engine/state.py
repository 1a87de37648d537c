"""Run state in SQLite (state.db in the run folder): steps and metadata; and the run lock.

Trials live in the run's Optuna study (search/store.py), not here.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from openautoglm.errors import OpenAutoGLMError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS steps (
    name TEXT PRIMARY KEY, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT, seconds REAL, result TEXT, updated REAL NOT NULL
);
"""


F = TypeVar("F", bound=Callable[..., Any])


def _serialised(method: F) -> F:
    """One database call at a time: steps of a run may write from several threads."""

    @functools.wraps(method)
    def wrapper(self: RunState, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class RunLocked(OpenAutoGLMError, RuntimeError):
    """Another process is running this run folder."""


#: locks of interrupted runs: kept until this process ends, so that no other process resumes
#: the folder while this one is still shutting down; a resume in this process takes one over
_HELD_UNTIL_EXIT: dict[Path, tuple[RunLock, int]] = {}


class RunLock:
    """An exclusive lock on a run folder, released when the process ends (even by kill -9).

    Example:
        >>> with RunLock(Path("runs/x")):
        ...     pass
    """

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / ".lock"
        self._handle: Any = None

    def acquire(self) -> RunLock:
        """Take the lock or raise RunLocked naming the holder's PID."""
        held = _HELD_UNTIL_EXIT.pop(self.path.resolve(), None)
        if held is not None:  # this process holds it from an interrupted run: take it over
            lock, spare_fd = held
            self._handle, lock._handle = lock._handle, None
            os.close(spare_fd)
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise RunLocked(
                f"{self.path.parent} is being run by another process (pid {holder}); wait for "
                "it to finish or stop it before running or resuming this folder"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return self

    def release(self, at_exit: bool = False) -> None:
        """Give the lock back (``at_exit``: only when this process ends, or to a resume in it)."""
        if at_exit and self._handle is not None:
            # a raw duplicate of the descriptor: Python's teardown closes file objects before
            # the process ends, the OS closes this one only when the process is gone
            spare_fd = os.dup(self._handle.fileno())
            _HELD_UNTIL_EXIT[self.path.resolve()] = (self, spare_fd)
            return
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class RunState:
    """Transactional record of a run: each write commits before the call returns.

    WAL journal with full sync: a kill or a power loss leaves the last committed state.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        with self.conn:
            self.conn.executescript(_SCHEMA)

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (steps may run in threads; a connection stays in one)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    @_serialised
    def close(self) -> None:
        """Close every thread's connection."""
        for conn in self._opened:
            conn.close()
        self._opened.clear()
        self._local = threading.local()

    # ------------------------------------------------------------------ meta
    @_serialised
    def get(self, key: str, default: Any = None) -> Any:
        """A metadata value (JSON), or ``default``."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    @_serialised
    def put(self, key: str, value: Any) -> None:
        """Set a metadata value."""
        with self.conn:
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, default=str)),
            )

    # ----------------------------------------------------------------- steps
    @_serialised
    def step(self, name: str) -> dict[str, Any] | None:
        """A step's row (status, attempts, error, seconds, result), or None if never started."""
        row = self.conn.execute(
            "SELECT status, attempts, error, seconds, result FROM steps WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            return None
        status, attempts, error, seconds, result = row
        return {
            "status": status,
            "attempts": attempts,
            "error": error,
            "seconds": seconds,
            "result": None if result is None else json.loads(result),
        }

    @_serialised
    def start_step(self, name: str) -> int:
        """Record a new attempt of a step; returns its attempt number (1 for the first)."""
        with self.conn:
            self.conn.execute(
                "INSERT INTO steps (name, status, attempts, updated) VALUES (?, 'running', 1, ?) "
                "ON CONFLICT(name) DO UPDATE SET status = 'running', "
                "attempts = attempts + 1, updated = excluded.updated",
                (name, time.time()),
            )
        return int(self.step(name)["attempts"])  # type: ignore[index]

    def finish_step(
        self, name: str, status: str, seconds: float, result: Any = None, error: str | None = None
    ) -> None:
        """Record how a step ended, with its JSON-able result when done."""
        payload = None if result is None else json.dumps(result, default=str)
        with self.conn:
            self.conn.execute(
                "UPDATE steps SET status = ?, seconds = ?, result = ?, error = ?, updated = ? "
                "WHERE name = ?",
                (status, seconds, payload, error, time.time(), name),
            )

    @_serialised
    def steps(self) -> dict[str, str]:
        """Step name → status."""
        return dict(self.conn.execute("SELECT name, status FROM steps").fetchall())
