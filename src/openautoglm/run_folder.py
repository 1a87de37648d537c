"""Run folders: what counts as one, and replacing one without ever losing a user's files."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openautoglm.engine.state import RunLock
from openautoglm.errors import OpenAutoGLMError

#: written into every run folder when the run starts: only such a folder may be replaced
RUN_MARKER = ".openautoglm-run"
#: what a run writes at the top of its folder; anything else there is the user's
RUN_ENTRIES = frozenset(
    {RUN_MARKER, ".lock", "state.db", "state.db-wal", "state.db-shm", "study.db", "cache",
     "trials", "refit", "model", "spec.json", "profile.json", "parse.json", "search_log.jsonl",
     "engine_log.jsonl", "leaderboard.json", "metrics.json"}
)  # fmt: skip


class RunFolderError(OpenAutoGLMError, FileExistsError):
    """The run folder cannot be used (or replaced) as asked; the message says why."""


def is_run_folder(path: Path) -> bool:
    """True for a folder that a run of this project created (its marker, or its state.db)."""
    return (path / RUN_MARKER).is_file() or (path / "state.db").is_file()


def mark(path: Path) -> None:
    """Create the run folder (if needed) and its marker."""
    path.mkdir(parents=True, exist_ok=True)
    (path / RUN_MARKER).touch()


def finished_steps(path: Path) -> list[str]:
    """Steps a run in ``path`` finished (read-only look at its state.db)."""
    db = path / "state.db"
    if not db.is_file():
        return []
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT name FROM steps WHERE status = 'done'").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return ["(unreadable state.db)"]  # unknown: treat as holding finished work
    return [name for (name,) in rows]


def _protected_reason(path: Path, inputs: list[Path]) -> str | None:
    """Why ``path`` must never be replaced, or None."""
    target = path.resolve()
    if target == Path.cwd().resolve():
        return "it is the current folder"
    if target == Path.home().resolve() or target == Path(target.anchor):
        return "it is the home or root folder"
    for source in inputs:
        source = source.resolve()
        if source == target or target in source.parents:
            return f"it holds the input data {source}"
    return None


def check_replaceable(path: Path, inputs: list[Path]) -> None:
    """Raise RunFolderError unless ``path`` is a run folder that may be replaced."""
    reason = _protected_reason(path, inputs)
    if reason is None and not is_run_folder(path):
        reason = f"it is not a run folder of Open-AutoGLM (no {RUN_MARKER} or state.db in it)"
    foreign = sorted(e.name for e in path.iterdir() if e.name not in RUN_ENTRIES)
    if reason is None and foreign:
        reason = f"it holds files a run did not write ({', '.join(foreign[:5])}); move them out"
    if reason is not None:
        raise RunFolderError(
            f"refusing to replace {path}: {reason}. Choose another folder for run_dir=; "
            "nothing was changed."
        )


@dataclass
class Replacement:
    """An old run folder moved aside while the new run replaces it.

    ``commit()`` deletes the old run once the new one has finished; ``rollback()`` puts the
    old run back when the new one failed. If the process dies in between, the old run is
    still whole in ``aside``.
    """

    path: Path
    aside: Path | None

    def commit(self) -> None:
        """The new run finished: the old one can go."""
        if self.aside is not None and self.aside.exists():
            shutil.rmtree(self.aside)
        self.aside = None

    def rollback(self) -> None:
        """The new run failed: remove its partial folder and put the old run back."""
        if self.aside is None:
            return
        if self.path.exists() and is_run_folder(self.path):
            shutil.rmtree(self.path)
        if not self.path.exists():
            self.aside.rename(self.path)
            self.aside = None


def prepare(path: Path, overwrite: bool, inputs: list[Path]) -> Replacement:
    """Make ``path`` ready for a new run; an old run there is moved aside, never deleted yet.

    - missing or empty: used as is;
    - a run folder whose run finished no step (e.g. it failed on bad input): reused;
    - a run folder with finished work: moved aside with ``overwrite`` (else an error);
    - anything else (not ours, the current folder, a folder holding the data): refused.
    """
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        return Replacement(path, None)
    if not path.is_dir():
        raise RunFolderError(f"{path} is a file, not a folder; choose another output folder")
    protected = _protected_reason(path, inputs)
    reusable = is_run_folder(path) and all(e.name in RUN_ENTRIES for e in path.iterdir())
    if protected is None and reusable and not finished_steps(path):
        RunLock(path).acquire().release()  # never touch a folder another process runs
        shutil.rmtree(path)  # only our files of a run that did nothing: safe to start over
        return Replacement(path, None)
    if not overwrite:
        raise RunFolderError(
            f"{path} already exists and is not empty; pass overwrite=True to replace an "
            "earlier run there, or choose another folder for run_dir="
        )
    check_replaceable(path, inputs)
    RunLock(path).acquire().release()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    aside = path.with_name(f".{path.name}.replaced-{stamp}")
    path.rename(aside)
    return Replacement(path, aside)
