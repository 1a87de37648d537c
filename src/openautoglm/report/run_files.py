"""Read what a run folder holds for the report: spec, profile, trials, metrics, steps, students."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openautoglm.errors import OpenAutoGLMError
from openautoglm.run_folder import is_run_folder

#: where a distilled student may live, relative to the run folder (result.distill() writes
#: refit/student-<target>): a folder with metrics.json,
#: or with a bundle (``manifest.json``, or ``model/manifest.json`` as openautoglm.distill saves
#: it) whose manifest holds the student's test metrics; this module does not import distill
STUDENT_GLOBS = ("refit/student-*", "students/*", "student*", "distill*/*", "distill*")
#: keys of metrics.json that may hold student figures (a list of dicts or a name -> dict map)
STUDENT_KEYS = ("students", "distill", "distillation")
#: the figures compared between the teacher and its students, when present
STUDENT_FIGURES = ("accuracy", "f1_macro", "log_loss", "agreement_with_teacher",
                   "predict_rows_per_s", "latency_ms_p50")  # fmt: skip


class ReportError(OpenAutoGLMError, FileNotFoundError):
    """A report that cannot be written: not a run folder, or a run that has not finished."""


@dataclass
class RunFiles:
    """The run folder's records, parsed (missing optional files give empty values)."""

    run_dir: Path
    spec: dict[str, Any]
    profile: dict[str, Any]
    leaderboard: list[dict[str, Any]]
    metrics: dict[str, Any]
    ensemble: list[dict[str, Any]]
    timings: dict[str, float]
    search_log: list[dict[str, Any]]
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    status: str | None = None


def read_run(run_dir: str | Path) -> RunFiles:
    """Parse a finished run folder; ReportError says what is missing and how to finish it."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ReportError(f"{run_dir} is not a folder; pass the --out folder of a run")
    if not is_run_folder(run_dir) and not (run_dir / "spec.json").is_file():
        raise ReportError(
            f"{run_dir} is not a run folder of Open-AutoGLM (no .openautoglm-run, state.db or "
            "spec.json in it); pass the --out folder of `autoglm run`"
        )
    missing = [
        name
        for name, present in (
            ("model/ (the saved model bundle)", (run_dir / "model" / "manifest.json").is_file()),
            ("metrics.json", (run_dir / "metrics.json").is_file()),
            ("spec.json", (run_dir / "spec.json").is_file()),
        )
        if not present
    ]
    steps, settings, status = _state(run_dir)
    if missing:
        done = [name for name, row in steps.items() if row["status"] == "done"]
        progress = f"finished steps: {', '.join(done)}" if done else "no step finished"
        raise ReportError(
            f"the run in {run_dir} is unfinished: {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing ({progress}). Finish it with "
            f"`autoglm run --resume {run_dir}` (Python: AutoTask.resume({str(run_dir)!r})), "
            "then write the report again"
        )
    saved = _json(run_dir / "metrics.json")
    return RunFiles(
        run_dir=run_dir,
        spec=_json(run_dir / "spec.json"),
        profile=_json(run_dir / "profile.json", {}),
        leaderboard=_json(run_dir / "leaderboard.json", []),
        metrics=saved.get("metrics", {}),
        ensemble=saved.get("ensemble", []),
        timings=saved.get("timings", {}),
        search_log=_jsonl(run_dir / "search_log.jsonl"),
        steps=steps,
        settings=settings,
        status=status,
    )


def _json(path: Path, default: Any = None) -> Any:
    if not path.is_file():
        if default is None:
            raise ReportError(f"{path} is missing")
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path} cannot be read as JSON: {exc}") from None


def _jsonl(path: Path) -> list[dict[str, Any]]:
    """The events of a JSON-lines log (a torn last line, from a kill, is skipped)."""
    if not path.is_file():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


def _state(run_dir: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any], str | None]:
    """Steps (status, attempts, seconds), engine settings and status, read-only from state.db."""
    db = run_dir / "state.db"
    if not db.is_file():
        return {}, {}, None
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT name, status, attempts, seconds, error FROM steps")
            steps = {
                name: {"status": status, "attempts": attempts, "seconds": seconds, "error": error}
                for name, status, attempts, seconds, error in rows.fetchall()
            }
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return {}, {}, None
    settings = json.loads(meta["settings"]) if "settings" in meta else {}
    status = json.loads(meta["status"]) if "status" in meta else None
    return steps, settings if isinstance(settings, dict) else {}, status


def find_students(run: RunFiles) -> list[dict[str, Any]]:
    """Distilled students' figures found in the run folder: name, where, and STUDENT_FIGURES."""
    found: list[dict[str, Any]] = []
    saved = _json(run.run_dir / "metrics.json", {})
    for key in STUDENT_KEYS:
        value = run.metrics.get(key, saved.get(key) if isinstance(saved, dict) else None)
        items = value.items() if isinstance(value, dict) else enumerate(value or [])
        for name, entry in items:
            if isinstance(entry, dict):
                label = str(entry.get("name") or entry.get("family") or name)
                found.append(_student(label, "metrics.json", entry))
    seen: set[Path] = set()
    for pattern in STUDENT_GLOBS:
        for folder in sorted(run.run_dir.glob(pattern)):
            if not folder.is_dir() or folder.resolve() in seen or folder.name == "model":
                continue
            figures = _folder_figures(folder)
            if figures is not None:
                seen.add(folder.resolve())
                where = str(folder.relative_to(run.run_dir))
                bundle = folder / "model" if (folder / "model").is_dir() else folder
                found.append(_student(folder.name, where, figures, _size_mb(bundle)))
    return found


def _folder_figures(folder: Path) -> dict[str, Any] | None:
    """A student folder's metrics: its metrics.json, else its bundle manifest's metrics."""
    for path in (folder / "metrics.json", folder / "model" / "metrics.json"):
        if path.is_file():
            payload = _json(path, {})
            return payload.get("metrics", payload) if isinstance(payload, dict) else None
    for path in (folder / "manifest.json", folder / "model" / "manifest.json"):
        if path.is_file():
            metrics = _json(path, {}).get("metrics")
            return metrics if isinstance(metrics, dict) else None
    return None


def _student(name: str, where: str, figures: dict[str, Any], size: float | None = None) -> dict:
    row: dict[str, Any] = {"name": name, "where": where}
    for key in STUDENT_FIGURES:
        value = figures.get(key)
        row[key] = float(value) if isinstance(value, (int, float)) else None
    size = figures.get("size_mb", size)
    row["size_mb"] = float(size) if isinstance(size, (int, float)) else None
    return row


def _size_mb(folder: Path) -> float:
    """Size of the files under ``folder`` in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
