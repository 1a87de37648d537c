"""Gather a finished run's records and the saved model's test predictions into the report."""

from __future__ import annotations

import math
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from openautoglm.errors import OpenAutoGLMError
from openautoglm.registry.bundle import TextClassifier, load_bundle
from openautoglm.report import analysis, dag, plots
from openautoglm.report.run_files import STUDENT_FIGURES, RunFiles, find_students, read_run

#: the report's sections, in order: (id, title); every one is always rendered
SECTIONS = (
    ("profile", "Data profile"),
    ("plan", "Plan"),
    ("leaderboard", "Leaderboard"),
    ("history", "Optimisation history"),
    ("confusion", "Confusion matrix"),
    ("per-class", "Per-class metrics"),
    ("calibration", "Calibration"),
    ("coverage", "Conformal coverage"),
    ("students", "Teacher vs students"),
    ("examples", "Explained examples"),
)
#: most confident mistakes and correct examples explained by default
DEFAULT_MISTAKES, DEFAULT_CORRECT = 5, 3


def default_report_path(run_dir: str | Path) -> Path:
    """``<run folder>-report.html`` beside the run folder (a file inside would be "yours")."""
    folder = Path(run_dir).resolve()
    return folder.with_name(folder.name + "-report.html")


def write_report(
    run_dir: str | Path,
    out: str | Path | None = None,
    model: TextClassifier | None = None,
    mistakes: int = DEFAULT_MISTAKES,
    correct: int = DEFAULT_CORRECT,
) -> Path:
    """Write the run's self-contained HTML report to ``out``; returns its path."""
    html = build_report(run_dir, model, mistakes, correct)
    target = Path(out) if out is not None else default_report_path(run_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    # written beside the target, then renamed: a reader never sees half a report
    staging = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with staging.open("x", encoding="utf-8") as stream:
            stream.write(html)
        os.replace(staging, target)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return target


def build_report(
    run_dir: str | Path,
    model: TextClassifier | None = None,
    mistakes: int = DEFAULT_MISTAKES,
    correct: int = DEFAULT_CORRECT,
) -> str:
    """The report's HTML for a finished run (ReportError for an unfinished one)."""
    run = read_run(run_dir)
    model = model if model is not None else load_bundle(run.run_dir / "model")
    split = analysis.rebuild_test_split(run.spec, run.profile, model)
    context = {
        "sections": SECTIONS,
        "run_dir": str(run.run_dir.resolve()),
        "generated": datetime.now().astimezone().isoformat(timespec="seconds"),
        "spec": run.spec,
        "status": run.status,
        "headline": _headline(run),
        "profile": _profile(run, split),
        "plan": _plan(run),
        "leaderboard": _leaderboard(run),
        "history": _history(run),
        "confusion": _confusion(run.metrics),
        "per_class": _per_class(run.metrics),
        "calibration": _calibration(run, split),
        "coverage": _coverage(run, model, split),
        "students": _students(run),
        "examples": _examples(model, split, mistakes, correct),
    }
    return _environment().get_template("report.html.j2").render(**context)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("openautoglm.report", "templates"),
        autoescape=True,  # every value is escaped unless the template says otherwise
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _number
    env.filters["pct"] = lambda v, digits=1: "–" if _missing(v) else f"{100 * v:.{digits}f}%"
    return env


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: Any, digits: int = 4) -> str:
    """A figure for a table: thousands separators for large ones, a dash when missing."""
    if _missing(value):
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _headline(run: RunFiles) -> list[tuple[str, Any, int]]:
    """(title, value, digits) of the test figures shown at the top."""
    m = run.metrics  # each task has its own figures; those it lacks are not shown
    keys = [("accuracy", "accuracy", 4), ("f1_micro", "micro F1", 4), ("f1_macro", "macro F1", 4),
            ("f1_weighted", "weighted F1", 4), ("f1_samples", "samples F1", 4),
            ("subset_accuracy", "subset accuracy", 4), ("hamming_loss", "Hamming loss", 4),
            ("log_loss", "log loss", 4), ("pearson", "Pearson r", 4),
            ("spearman", "Spearman rho", 4), ("r2", "R²", 4), ("rmse", "RMSE", 4),
            ("mae", "MAE", 4), ("n_test", "test texts", 0), ("predict_rows_per_s", "rows/s", 0),
            ("latency_ms_p50", "latency p50 ms", 2)]  # fmt: skip
    return [(title, m[key], digits) for key, title, digits in keys if key in m]


def _profile(run: RunFiles, split: analysis.TestSplit | str) -> dict[str, Any]:
    p = run.profile
    counts: dict[str, int] = p.get("class_counts") or p.get("labels_profile", {}).get(
        "label_counts", {}
    )
    total, largest = sum(counts.values()) or 1, max(counts.values(), default=1) or 1
    classes = [{"label": label, "count": n, "share": n / total, "width": 100 * n / largest}
               for label, n in counts.items()]  # fmt: skip
    lengths = None
    if isinstance(split, analysis.TestSplit) and split.data.train_texts:
        lengths = plots.length_plot([len(t) for t in split.data.train_texts])
    return {"p": p, "classes": classes, "lengths": p.get("text_length_chars", {}),
            "length_plot": lengths, "notes": p.get("notes", [])}  # fmt: skip


def _plan(run: RunFiles) -> dict[str, Any]:
    try:
        rows, strategy = dag.plan_rows(run.spec, run.run_dir, run.settings, run.steps)
    except (OpenAutoGLMError, ValueError, KeyError, TypeError) as exc:  # a spec it cannot plan
        blank = {"level": 0, "inputs": [], "outputs": [], "cpus": None, "memory_mb": None,
                 "retries": None}  # fmt: skip
        rows = [{"step": name, **blank, **row} for name, row in run.steps.items()]
        return {"rows": rows, "layout": None, "strategy": None, "error": str(exc)}
    return {"rows": rows, "layout": dag.layout(rows), "strategy": strategy, "error": None}


def _leaderboard(run: RunFiles) -> list[dict[str, Any]]:
    weights = {e["trial"]: e["weight"] for e in run.ensemble}

    def best_first(row: dict[str, Any]) -> tuple[bool, float]:
        value = row.get("score")
        scored = isinstance(value, (int, float)) and math.isfinite(value)
        return (not scored, -value if scored else 0.0)

    rows = sorted(run.leaderboard, key=best_first)
    return [{**r, "weight": weights.get(r.get("number"))} for r in rows]


def _history(run: RunFiles) -> dict[str, Any]:
    """Finished trials over time (search_log.jsonl; else the leaderboard's trial order)."""
    scores = {r["number"]: r.get("score") for r in run.leaderboard}
    events = [e for e in run.search_log if e.get("event") == "trial_finished"]
    times = [e["t"] for e in run.search_log if isinstance(e.get("t"), (int, float))]
    trials: list[dict[str, Any]] = []
    if events and times:
        start = min(times)
        for e in events:
            value = e.get("score", scores.get(e.get("number")))
            if isinstance(value, (int, float)) and not math.isnan(value):
                trials.append({"number": e.get("number"), "family": e.get("family", "?"),
                               "score": float(value), "x": e["t"] - start})  # fmt: skip
        x_label = "seconds since the search started"
    else:
        for r in run.leaderboard:
            if isinstance(r.get("score"), (int, float)):
                trials.append({"number": r["number"], "family": r["family"],
                               "score": float(r["score"]), "x": r["number"]})  # fmt: skip
        x_label = "trial"
    others = [
        {"event": str(e.get("event")), "details": "; ".join(
            f"{k}={v}" for k, v in sorted(e.items()) if k not in ("event", "t"))}
        for e in run.search_log if e.get("event") not in ("trial_started", "trial_finished")
    ]  # fmt: skip
    failed = [r for r in run.leaderboard if r.get("state") != "complete"]
    metric = str(run.spec.get("metric", "score"))
    plot = plots.history_plot(trials, metric, x_label) if trials else None
    best = max(trials, key=lambda t: t["score"]) if trials else None
    return {"plot": plot, "trials": trials, "best": best, "failed": failed, "events": others,
            "source": "search_log.jsonl" if x_label != "trial" else "leaderboard.json"}  # fmt: skip


def _confusion(metrics: dict[str, Any]) -> dict[str, Any] | None:
    found = metrics.get("confusion_matrix")
    if not found:
        return None
    rows = []
    for label, counts in zip(found["labels"], found["matrix"], strict=True):
        total = sum(counts) or 1
        rows.append({"label": label, "cells": [
            {"count": n, "share": n / total, "diagonal": j == len(rows)}
            for j, n in enumerate(counts)]})  # fmt: skip
    return {"labels": found["labels"], "rows": rows}


def _per_class(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    found = metrics.get("per_class") or metrics.get("per_label") or {}  # multilabel: per label
    return [{"label": label, **values} for label, values in found.items()]


def _calibration(run: RunFiles, split: analysis.TestSplit | str) -> dict[str, Any]:
    recorded = run.metrics.get("uncertainty") or {}
    if isinstance(split, str):
        return {"unavailable": split, "recorded": recorded}
    y = split.data.test_y
    curves = {"model": analysis.reliability(split.proba, y)}
    if split.calibrated is not None:
        curves["temperature-scaled"] = analysis.reliability(split.calibrated, y)
    return {"unavailable": None, "recorded": recorded, "curves": curves,
            "plot": plots.reliability_plot(curves)}  # fmt: skip


def _coverage(
    run: RunFiles, model: TextClassifier, split: analysis.TestSplit | str
) -> dict[str, Any]:
    recorded = run.metrics.get("uncertainty")
    if not recorded:
        return {"recorded": None, "rows": [], "plot": None, "unavailable": None}
    methods = [(m, recorded[m]) for m in ("aps", "raps") if isinstance(recorded.get(m), dict)]
    rows = analysis.coverage_table(model, split) if isinstance(split, analysis.TestSplit) else []
    return {"recorded": recorded, "methods": methods, "rows": rows,
            "plot": plots.coverage_plot(rows) if rows else None,
            "unavailable": split if isinstance(split, str) else None}  # fmt: skip


def _students(run: RunFiles) -> dict[str, Any]:
    model_dir = run.run_dir / "model"
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) / 1e6
    figures = {k: run.metrics.get(k) for k in STUDENT_FIGURES}
    teacher = {"name": "teacher (the run's model)", "where": "model/", "size_mb": size, **figures}
    return {"teacher": teacher, "students": find_students(run)}


def _examples(
    model: TextClassifier, split: analysis.TestSplit | str, mistakes: int, correct: int
) -> dict[str, Any]:
    if isinstance(split, str):
        return {"unavailable": split, "items": [], "n_mistakes": None}
    items = analysis.explain_examples(model, analysis.pick_examples(split, mistakes, correct))
    wrong = int((split.predicted != split.data.test_y).sum())
    return {"unavailable": None, "items": items, "n_mistakes": wrong,
            "n_test": len(split.data.test_y)}  # fmt: skip
