"""What the command line shows: the live status line and the result tables."""

from __future__ import annotations

import math
import time
from typing import Any

from rich.live import Live
from rich.table import Table

from openautoglm.spec import task_output


class Progress:
    """Live status line: trials done, best score, time left, running trials."""

    def __init__(self, live: Live | None) -> None:
        self.live = live
        self.state: dict[str, Any] = {"trials_done": 0, "best": None, "step": "load"}
        self.started = time.monotonic()

    def __call__(self, event: dict[str, Any]) -> None:
        if event["event"].startswith("step_"):
            self.state["step"] = event["step"]
        self.state.update({k: event[k] for k in ("trials_done", "best", "running") if k in event})
        if "engine" in event:
            self.state["engine"] = event["engine"]
        if "time_left" in event:
            self.state["time_left"] = event["time_left"]
        if self.live is not None:
            self.live.update(self.render())

    def render(self) -> Table:
        s = self.state
        best = f"{s['best']:.4f}" if s.get("best") is not None else "-"
        left = s.get("time_left")
        left_text = "-" if left is None or math.isinf(left) else f"{max(left, 0):.0f} s"
        table = Table.grid(padding=(0, 2))
        table.add_row(
            f"[bold]step[/] {s['step']}",
            f"[bold]trials done[/] {s['trials_done']}",
            f"[bold]running[/] {s.get('running', 0)}",
            f"[bold]best CV[/] {best}",
            f"[bold]time left[/] {left_text}",
            f"[bold]elapsed[/] {time.monotonic() - self.started:.0f} s",
        )
        engine = s.get("engine")
        if engine:
            cpu, mem = engine.get("cpu_percent"), engine.get("memory_percent")
            table.add_row(
                f"[bold]{engine['backend']} workers[/] {engine['workers']}",
                f"[bold]CPU[/] {'-' if cpu is None else f'{cpu:.0f}%'}",
                f"[bold]memory[/] {'-' if mem is None else f'{mem:.0f}%'}",
                f"[bold]queued[/] {engine['queued']}  [bold]running[/] {engine['running']}",
                f"[bold]done[/] {engine['done']}  [bold]failed[/] {engine['failed']}",
                f"[bold]retried[/] {engine['retried']}",
            )
        return table


def leaderboard_table(result: Any, top: int = 15) -> Table:
    table = Table(title="Leaderboard (cross-validation on the training split)")
    for column in ("trial", "family", "score", "fit s", "predict rows/s", "state"):
        table.add_column(column, justify="right" if column != "family" else "left")
    for row in result.leaderboard.head(top).itertuples():
        table.add_row(
            str(row.trial),
            row.family,
            "-" if row.score != row.score or row.score is None else f"{row.score:.4f}",
            "-" if row.fit_s != row.fit_s or row.fit_s is None else f"{row.fit_s:.1f}",
            "-"
            if row.predict_rows_per_s != row.predict_rows_per_s or row.predict_rows_per_s is None
            else f"{row.predict_rows_per_s:,.0f}",
            row.state,
        )
    return table


def plan_table(rows: list[dict[str, Any]], strategy: str) -> Table:
    table = Table(title=f"Plan (strategy {strategy})")
    for column in ("level", "step", "inputs", "outputs", "cpus", "memory MB", "retries"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["level"]), r["step"], ", ".join(r["inputs"]) or "-",
                      ", ".join(r["outputs"]), f"{r['cpus']:g}", str(r["memory_mb"]),
                      str(r["retries"]))  # fmt: skip
    return table


#: the test figures the run's summary line shows, by what the task predicts
_TEST_FIGURES = {
    "classes": (("accuracy", "accuracy"), ("f1_macro", "macro-F1"), ("log_loss", "log loss")),
    "multilabel": (("f1_micro", "micro-F1"), ("f1_macro", "macro-F1"),
                   ("f1_samples", "samples-F1"), ("subset_accuracy", "subset accuracy"),
                   ("hamming_loss", "Hamming loss")),
    "regression": (("pearson", "Pearson r"), ("spearman", "Spearman"), ("r2", "R²"),
                   ("rmse", "RMSE"), ("mae", "MAE")),
}  # fmt: skip


def test_line(result: Any) -> str:
    """The test metrics of a run's task, e.g. "accuracy 0.9100, macro-F1 0.9050, ..."."""
    output = task_output(getattr(result, "task_type", "text_classification"))
    m = result.metrics
    return ", ".join(f"{name} {m[key]:.4f}" for key, name in _TEST_FIGURES[output] if key in m)


def summary(result: Any) -> dict[str, Any]:
    board = result.leaderboard.to_dict(orient="records")
    return {
        "task_type": getattr(result, "task_type", "text_classification"),
        "metrics": result.metrics,
        "ensemble": result.ensemble,
        "leaderboard": board,
        "run_dir": str(result.run_dir),
        "model_dir": str(result.run_dir / "model"),
        "timings": result.timings,
        "notes": result.notes,
    }
