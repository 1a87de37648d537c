"""``autoglm feedback``, ``autoglm retrain`` and ``autoglm pipeline``: the improvement loop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from openautoglm.cli_messages import console, print_error
from openautoglm.cli_models import JSON, REGISTRY_URL, STORE, open_registry
from openautoglm.errors import OpenAutoGLMError

feedback_app = typer.Typer(help="Corrections sent back by users: statistics and batch import.")
pipeline_app = typer.Typer(help="Retrain pipelines (train → evaluate → gate → register → promote).")
EVERY = typer.Option(help="Check the trigger this often (e.g. 10m, 1h) and run when it fires.")
IF_TRIGGERED = typer.Option(help="Run only if a trigger fires (exit 11 otherwise).")


@feedback_app.command("stats")
def stats(
    name: Annotated[str, typer.Argument(help="Model name.")],
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Rows, label mix, agreement of the live model with the corrections, and input drift."""
    from openautoglm.feedback.stats import feedback_stats

    registry = open_registry(registry_url, store)
    try:
        result = feedback_stats(registry, name)
    except OpenAutoGLMError as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    table = Table("", "value", show_header=False)
    agreement = "-" if result.agreement is None else f"{result.agreement:.3f}"
    ewma = "-" if result.agreement_ewma is None else f"{result.agreement_ewma:.3f}"
    rows = [
        ("model", f"{name} v{result.version}"),
        (
            "corrections",
            f"{result.rows} ({result.new_rows} new since the last retrain, "
            f"{result.rejected_rows} set aside)",
        ),
        ("label mix", ", ".join(f"{k}: {v}" for k, v in list(result.label_mix.items())[:10])),
        ("new classes", ", ".join(result.new_classes) or "-"),
        ("agreement", f"{agreement} of {result.joined_rows} joined (EWMA {ewma})"),
        *((f"drift {k}", _number(v)) for k, v in result.drift.items()),
    ]
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)
    for note in result.notes:
        console.print(f"[dim]note:[/] {note}")


@feedback_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="csv/tsv/jsonl/json/parquet/xlsx of corrections.")],
    name: Annotated[str, typer.Option("--name", help="Model the corrections are for.")],
    text_column: Annotated[str | None, typer.Option(help="Text column (inferred).")] = None,
    label_column: Annotated[str | None, typer.Option(help="Label column (inferred).")] = None,
    new_classes: Annotated[
        bool, typer.Option(help="Accept labels the live model does not know.")
    ] = False,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
) -> None:
    """Store a file of corrections (text, label) in one transaction; duplicates are skipped."""
    from openautoglm.feedback.importer import import_corrections

    registry = open_registry(registry_url, store)
    try:
        added, duplicates = import_corrections(
            registry, name, file, text_column, label_column, new_classes
        )
    except (OpenAutoGLMError, ValueError, FileNotFoundError) as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    console.print(f"[green]{added} corrections stored[/], {duplicates} duplicates skipped")


@feedback_app.command("reinstate")
def reinstate(
    name: Annotated[str, typer.Argument(help="Model name.")],
    job: Annotated[
        int | None, typer.Option(help="Only the corrections this job set aside.")
    ] = None,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
) -> None:
    """Train on corrections a refused retrain set aside again."""
    from openautoglm.feedback.store import FeedbackStore

    registry = open_registry(registry_url, store)
    count = FeedbackStore(registry.engine).reinstate(name, job)
    console.print(f"[green]{count} corrections reinstated[/] for {name}")


@pipeline_app.command("run")
def pipeline_run(
    file: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
    every: Annotated[str | None, EVERY] = None,
    if_triggered: Annotated[bool, IF_TRIGGERED] = False,
    once: Annotated[bool, typer.Option(help="Run once even if the file has a schedule.")] = False,
) -> None:
    """Run the pipeline: exit 0 promoted, 10 gate refused, 11 nothing to do, 1 error.

    With --every (or a schedule: in the file, unless --once) it checks the trigger on that
    schedule and runs whenever it fires, until Ctrl-C.
    """
    from openautoglm.pipeline.config import load_pipeline

    try:
        config = load_pipeline(file)
    except OpenAutoGLMError as exc:
        print_error(exc)
        raise typer.Exit(code=1) from None
    every = every or (None if once else config.schedule)
    _run(config, every, if_triggered or every is not None)


def retrain(
    name: Annotated[str, typer.Argument(help="Model name.")],
    time_budget: Annotated[str | None, typer.Option(help="Training budget, e.g. 5m.")] = None,
    max_trials: Annotated[int | None, typer.Option(help="Training trial cap.")] = None,
    if_triggered: Annotated[bool, IF_TRIGGERED] = False,
    every: Annotated[str | None, EVERY] = None,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
) -> None:
    """Retrain NAME on its data plus the corrections, gate it and promote it if it is better."""
    from openautoglm.pipeline.config import PipelineConfig

    config = PipelineConfig(
        model=name,
        registry_url=registry_url,
        budget=time_budget,
        max_trials=max_trials,
        store=str(store) if store else None,
    )
    _run(config, every, if_triggered or every is not None)


def _run(config, every: str | None, if_triggered: bool) -> None:
    from openautoglm.pipeline.runner import EXIT_ERROR, run_every, run_pipeline

    try:
        if every is not None:
            run_every(config, every, _print_outcome)
            return
        outcome = run_pipeline(config, if_triggered=if_triggered)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]: run the same command again to resume the job")
        raise typer.Exit(code=130) from None
    except Exception as exc:  # exit 1 for any error, so a CI system can tell it from a refusal
        print_error(exc)
        raise typer.Exit(code=EXIT_ERROR) from None
    _print_outcome(outcome)
    raise typer.Exit(code=outcome.exit_code)


def _print_outcome(outcome) -> None:
    colour = {"promoted": "green", "refused": "yellow", "skipped": "dim"}.get(outcome.status, "")
    job = f" (job {outcome.job_id})" if outcome.job_id else ""
    console.print(f"[{colour or 'white'}]{outcome.status}[/]{job}: {outcome.message}")


def _number(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
