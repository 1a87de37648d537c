"""The ``autoglm`` command line."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from openautoglm.data import DataError

app = typer.Typer(
    help="Open-AutoGLM: build text classifiers from a data file.", no_args_is_help=True
)
console = Console(stderr=True)


@app.callback()
def main() -> None:
    """Open-AutoGLM: from a data file to an evaluated, saved text classifier."""


class _Progress:
    """Live status line: trials done, best score, time left, running trials."""

    def __init__(self, live: Live | None) -> None:
        self.live = live
        self.state: dict[str, Any] = {"trials_done": 0, "best": None, "step": "load"}
        self.started = time.monotonic()

    def __call__(self, event: dict[str, Any]) -> None:
        if event["event"].startswith("step_"):
            self.state["step"] = event["step"]
        self.state.update({k: event[k] for k in ("trials_done", "best", "running") if k in event})
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
        return table


def _leaderboard_table(result: Any, top: int = 15) -> Table:
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


@app.command()
def run(
    data: Annotated[
        Path, typer.Option("--data", help="Training file: csv, tsv, jsonl, json, parquet or xlsx.")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Run folder (spec, study, leaderboard, model/).")
    ],
    labels: Annotated[
        str | None, typer.Option(help="Comma-separated labels to keep, e.g. 科技,体育,娱乐.")
    ] = None,
    test: Annotated[
        Path | None,
        typer.Option("--test", help="Separate test file; default: a stratified holdout."),
    ] = None,
    text_column: Annotated[
        str | None, typer.Option(help="Text column (inferred when omitted).")
    ] = None,
    label_column: Annotated[
        str | None, typer.Option(help="Label column (inferred when omitted).")
    ] = None,
    max_trials: Annotated[int | None, typer.Option(help="Stop after this many trials.")] = None,
    time_budget: Annotated[
        str | None, typer.Option(help="Budget for the whole run, e.g. 300, 5m, 1h.")
    ] = None,
    metric: Annotated[
        str, typer.Option(help="accuracy, f1_macro, f1_weighted or log_loss.")
    ] = "accuracy",
    target_score: Annotated[
        float | None, typer.Option(help="Stop once the CV score reaches this.")
    ] = None,
    n_jobs: Annotated[
        int | None, typer.Option(help="Parallel worker processes (default: cores).")
    ] = None,
    families: Annotated[
        str | None, typer.Option(help="Comma-separated model families to consider.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out folder.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Train, tune and evaluate a text classifier; the model is saved in OUT/model."""
    from openautoglm.api import AutoTask

    try:
        task = AutoTask(
            dataset_path=data,
            labels=_split(labels),
            test_path=test,
            text_column=text_column,
            label_column=label_column,
            metric=metric,
            target_score=target_score,
            n_jobs=n_jobs,
            seed=seed,
            run_dir=out,
            families=_split(families),
        )
        if as_json:
            result = task.run(max_trials, time_budget, overwrite=overwrite)
        else:
            with Live(console=console, refresh_per_second=4, transient=False) as live:
                result = task.run(
                    max_trials, time_budget, overwrite=overwrite, on_event=_Progress(live)
                )
            console.line()  # the live status line stays; start the report below it
    except (DataError, FileExistsError, ValueError, NotImplementedError) as exc:
        console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(_summary(result), indent=2, ensure_ascii=False, default=str))
        return
    for note in result.notes:
        console.print(f"[dim]note:[/] {note}")
    console.print(_leaderboard_table(result))
    m = result.metrics
    console.print(
        f"[bold]test[/] ({m['test_source']}, {m['n_test']} rows): accuracy {m['accuracy']:.4f}, "
        f"macro-F1 {m['f1_macro']:.4f}, log loss {m['log_loss']:.4f}"
    )
    members = ", ".join(f"{e['family']}×{e['weight']:.2f}" for e in result.ensemble)
    console.print(f"[bold]model[/] {members} → saved in {result.run_dir / 'model'}")


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


def _summary(result: Any) -> dict[str, Any]:
    board = result.leaderboard.to_dict(orient="records")
    return {
        "metrics": result.metrics,
        "ensemble": result.ensemble,
        "leaderboard": board,
        "run_dir": str(result.run_dir),
        "model_dir": str(result.run_dir / "model"),
        "timings": result.timings,
        "notes": result.notes,
    }


if __name__ == "__main__":
    app()
