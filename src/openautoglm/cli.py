"""The ``autoglm`` command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.live import Live
from rich.markup import escape

from openautoglm.cli_display import Progress, leaderboard_table, plan_table, summary, test_line
from openautoglm.cli_distill import distill
from openautoglm.cli_explain import explain
from openautoglm.cli_loop import feedback_app, pipeline_app, retrain
from openautoglm.cli_messages import as_cli_message, console, print_error
from openautoglm.cli_models import models_app
from openautoglm.cli_parse import (
    is_interactive,
    llm_config,
    parse_answers,
    parse_json,
    parse_with_questions,
    spec_table,
)
from openautoglm.cli_report import report
from openautoglm.cli_serve import keys_app, serve
from openautoglm.errors import OpenAutoGLMError
from openautoglm.parse import ClarificationNeeded, ParseResult
from openautoglm.spec import TaskSpec

app = typer.Typer(
    help="Open-AutoGLM: build text classifiers from a data file or a description.",
    no_args_is_help=True,
)


app.add_typer(models_app, name="models")
app.add_typer(keys_app, name="keys")
app.command("serve")(serve)
app.add_typer(feedback_app, name="feedback")
app.add_typer(pipeline_app, name="pipeline")
app.command("retrain")(retrain)
app.command("explain")(explain)
app.command("distill")(distill)
app.command("report")(report)


@app.callback()
def main() -> None:
    """Open-AutoGLM: from a data file to an evaluated, saved text classifier."""


_DESCRIPTION = typer.Argument(help="Optional: the task in plain words (zh or en).")
_N_JOBS = typer.Option(help="Parallel worker processes (default: cores).")
_FAMILIES = typer.Option(help="Comma-separated model families to consider.")
_LLM_URL = typer.Option(
    "--llm-base-url", help="OpenAI-compatible endpoint (env OPENAUTOGLM_LLM_BASE_URL)."
)
_LLM_MODEL = typer.Option("--llm-model", help="Model name (env OPENAUTOGLM_LLM_MODEL).")
_LLM_KEY = typer.Option("--llm-api-key", help="API key (env OPENAUTOGLM_LLM_API_KEY).")
_ANSWER = typer.Option(
    "--answer", help="Answer to a clarifying question, field=value (repeatable)."
)


@app.command()
def parse(
    description: Annotated[str, typer.Argument(help="The task in plain words (zh or en).")],
    base_dir: Annotated[
        Path, typer.Option(help="Folder that relative data paths are read from.")
    ] = Path("."),
    llm_base_url: Annotated[str | None, _LLM_URL] = None,
    llm_model: Annotated[str | None, _LLM_MODEL] = None,
    llm_api_key: Annotated[str | None, _LLM_KEY] = None,
    answer: Annotated[list[str] | None, _ANSWER] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the spec as JSON.")] = False,
) -> None:
    """Turn a task description into a TaskSpec and show where each field came from."""
    llm = llm_config(llm_base_url, llm_model, llm_api_key)
    try:
        result = parse_with_questions(
            description, base_dir, llm, parse_answers(answer or []), console,
            interactive=not as_json and is_interactive(),
        )  # fmt: skip
    except ClarificationNeeded as question:
        _print_question(question, as_json)
        raise typer.Exit(code=3) from None
    except (OpenAutoGLMError, ValueError) as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(parse_json(result), indent=2, ensure_ascii=False, default=str))
        return
    console.print(spec_table(result))
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


@app.command()
def run(
    description: Annotated[str | None, _DESCRIPTION] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Training file: csv, tsv, jsonl, json, parquet or xlsx."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Run folder (default: runs/<time>-<data name>)."),
    ] = None,
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
    text_columns: Annotated[
        str | None,
        typer.Option(help="The two text columns of a pair task, e.g. question1,question2."),
    ] = None,
    label_column: Annotated[
        str | None, typer.Option(help="Label column (inferred when omitted).")
    ] = None,
    task: Annotated[
        str | None,
        typer.Option(
            help="text_classification, multilabel_classification, text_pair_classification, "
            "text_regression or text_pair_regression (default: detected from the data)."
        ),
    ] = None,
    label_sep: Annotated[
        str | None,
        typer.Option(help="Multilabel: the separator of the label lists (default: detected)."),
    ] = None,
    max_trials: Annotated[
        int | None,
        typer.Option(help="Stop after this many trials (with --resume: the new cap, all trials)."),
    ] = None,
    time_budget: Annotated[
        str | None,
        typer.Option(
            help="Budget for the whole run, e.g. 300, 5m, 1h. With --resume: a fresh budget "
            "from now (default: what the interrupted run had left)."
        ),
    ] = None,
    metric: Annotated[
        str | None,
        typer.Option(
            help="accuracy (default), f1_macro, f1_weighted or log_loss; multilabel: f1_micro "
            "(default), f1_macro, f1_samples, subset_accuracy, hamming_loss; regression: "
            "pearson (default), spearman, r2, rmse, mae."
        ),
    ] = None,
    target_score: Annotated[
        float | None, typer.Option(help="Stop once the CV score reaches this.")
    ] = None,
    min_class_rows: Annotated[
        int | None,
        typer.Option(help="Drop classes with fewer training rows than this (default: refuse)."),
    ] = None,
    n_jobs: Annotated[int | None, _N_JOBS] = None,
    families: Annotated[str | None, _FAMILIES] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    overwrite: Annotated[
        bool,
        typer.Option(
            help="Replace an earlier run in --out (only a run folder of ours; the old run is "
            "kept aside until the new one has finished)."
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Run a parsed description without asking.")
    ] = False,
    resume: Annotated[
        Path | None,
        typer.Option(
            help="Carry on an interrupted run from its folder: finished steps and trials are "
            "kept; it always ends with a model."
        ),
    ] = None,
    backend: Annotated[str, typer.Option(help="Where trials run: local or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (host:port or auto).")
    ] = None,
    strategy: Annotated[
        str, typer.Option(help="serial, pipeline (stage by stage) or dag (all that is ready).")
    ] = "dag",
    policy: Annotated[
        str, typer.Option(help="Which queued trial starts next: fifo, round_robin or auction.")
    ] = "fifo",
    study_storage: Annotated[
        str | None,
        typer.Option(
            help="Optuna storage URL shared with `autoglm worker` processes, e.g. "
            "postgresql+psycopg://user@host/db (default: study.db in the run folder)."
        ),
    ] = None,
    llm_base_url: Annotated[str | None, _LLM_URL] = None,
    llm_model: Annotated[str | None, _LLM_MODEL] = None,
    llm_api_key: Annotated[str | None, _LLM_KEY] = None,
    answer: Annotated[list[str] | None, _ANSWER] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Train, tune and evaluate a text classifier; the model is saved in OUT/model.

    Give a description ("把 news.csv 分成科技、体育两类，限时5分钟") or --data (or both: flags
    override what the words say).
    """
    from openautoglm.api import AutoTask

    engine = {"backend": backend, "address": address, "strategy": strategy, "policy": policy,
              "n_jobs": n_jobs}  # fmt: skip
    if resume is not None:
        _resume(resume, engine, as_json, time_budget, max_trials)
        return
    overrides = {
        "task_type": task,
        "dataset_path": str(data) if data else None,
        "test_path": str(test) if test else None,
        "labels": _split(labels),
        "text_column": _split(text_columns) or text_column,
        "label_column": label_column,
        "metric": metric,
        "target_score": target_score,
        "min_class_rows": min_class_rows,
        "seed": seed,
    }
    try:
        if description:
            parsed = _parsed_for_run(description, answer, as_json, yes, llm_base_url, llm_model,
                                     llm_api_key)  # fmt: skip
            spec = parsed.to_spec()
            if "task_type" not in parsed.fields:  # the words do not say: the data will
                spec = spec.model_copy(update={"task_type": "auto"})
        elif data is None:
            raise ValueError("give a task description or --data (the file to train on)")
        else:
            parsed, spec = None, TaskSpec(dataset_path=str(data), task_type="auto")
        spec = spec.model_copy(update={k: v for k, v in overrides.items() if v is not None})
        spec = TaskSpec.model_validate(spec.model_dump())
        auto = AutoTask(spec=spec, run_dir=out, families=_split(families),
                        study_storage=study_storage, label_sep=label_sep, **engine)  # fmt: skip
        auto.parsed = parsed
        if as_json:
            result = auto.run(max_trials, time_budget, overwrite=overwrite)
        else:
            with Live(console=console, refresh_per_second=4, transient=False) as live:
                result = auto.run(
                    max_trials, time_budget, overwrite=overwrite, on_event=Progress(live)
                )
            console.line()  # the live status line stays; start the report below it
    except ClarificationNeeded as question:
        _print_question(question, as_json)
        raise typer.Exit(code=3) from None
    except (OpenAutoGLMError, FileExistsError, ValueError, NotImplementedError) as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt as exc:
        _interrupted(exc)
    _report(result, as_json)


def _interrupted(exc: KeyboardInterrupt) -> None:
    """Ctrl-C: say how to carry on, exit with the shell's code for SIGINT."""
    console.line()
    for note in getattr(exc, "__notes__", []):
        console.print(f"[bold yellow]{escape(note)}[/]")
    raise typer.Exit(code=130) from None


def _resume(
    run_dir: Path,
    engine: dict[str, Any],
    as_json: bool,
    time_budget: str | None,
    max_trials: int | None,
) -> None:
    from openautoglm.api import AutoTask

    budget = {"time_budget": time_budget, "max_trials": max_trials}
    try:
        if as_json:
            result = AutoTask.resume(run_dir, **budget, **engine)
        else:
            with Live(console=console, refresh_per_second=4, transient=False) as live:
                result = AutoTask.resume(run_dir, on_event=Progress(live), **budget, **engine)
            console.line()
    except (OpenAutoGLMError, FileNotFoundError, ValueError) as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt as exc:
        _interrupted(exc)
    _report(result, as_json)


def _report(result: Any, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary(result), indent=2, ensure_ascii=False, default=str))
        return
    for note in result.notes:
        console.print(f"[dim]note:[/] {escape(as_cli_message(note))}")
    console.print(leaderboard_table(result))
    m = result.metrics
    console.print(f"[bold]test[/] ({m['test_source']}, {m['n_test']} rows): {test_line(result)}")
    if "latency_ms_p50" in m:
        console.print(
            f"[bold]speed[/] of the final model: {m['predict_rows_per_s']:,.0f} rows/s in "
            f"batches, {m['latency_ms_p50']:.1f} ms a single text (p95 "
            f"{m['latency_ms_p95']:.1f} ms)"
        )
    members = ", ".join(f"{e['family']}×{e['weight']:.2f}" for e in result.ensemble)
    console.print(f"[bold]model[/] {members} → saved in {result.run_dir / 'model'}")


def _parsed_for_run(
    description: str,
    answer: list[str] | None,
    as_json: bool,
    yes: bool,
    llm_base_url: str | None,
    llm_model: str | None,
    llm_api_key: str | None,
) -> ParseResult:
    """Parse the description for a run (the data file must exist) and confirm it."""
    interactive = not as_json and is_interactive()
    parsed = parse_with_questions(
        description, Path("."), llm_config(llm_base_url, llm_model, llm_api_key),
        parse_answers(answer or []), console, interactive, require_data=True,
    )  # fmt: skip
    if not as_json:
        console.print(spec_table(parsed))
        for warning in parsed.warnings:
            console.print(f"[yellow]warning:[/] {warning}")
    if yes:
        return parsed
    if not interactive:
        raise ValueError("pass --yes to run a parsed description without confirmation")
    if not typer.confirm("Run this task?", default=True):
        raise typer.Exit(code=1)
    return parsed


def _print_question(question: ClarificationNeeded, as_json: bool) -> None:
    if as_json:
        payload = {"question": question.question, "field": question.field,
                   "options": question.options}  # fmt: skip
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    console.print(f"[bold yellow]question:[/] {question.question}")
    for option in question.options:
        console.print(f"  - {option}")
    console.print(f"answer with --answer {question.field}=<value>")


@app.command()
def worker(
    run_dir: Annotated[
        Path, typer.Argument(help="The folder of a run started with --study-storage.")
    ],
) -> None:
    """Run trials for a run's search through its shared study, until the search closes."""
    from openautoglm.search.worker import run_worker

    def show(record: Any) -> None:
        score = "-" if record.score is None else f"{record.score:.4f}"
        console.print(f"trial {record.number}: {record.family} {record.state} {score}")

    try:
        ran = run_worker(run_dir, on_trial=show)
    except (OpenAutoGLMError, ValueError) as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    console.print(f"[green]{ran} trials run[/] for {run_dir}")


@app.command()
def plan(
    description: Annotated[str | None, _DESCRIPTION] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Training file.")] = None,
    n_jobs: Annotated[int | None, _N_JOBS] = None,
    families: Annotated[str | None, _FAMILIES] = None,
    strategy: Annotated[str, typer.Option(help="serial, pipeline or dag.")] = "dag",
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Print the run's plan as a DAG (steps, inputs, resources, levels) without running it."""
    from openautoglm.engine.settings import EngineSettings, default_jobs
    from openautoglm.models.catalog import family_class, searched_families
    from openautoglm.workflow import RunWorkflow

    try:
        if description:
            spec = parse_with_questions(description, Path("."), None, {}, console, False).to_spec()
        elif data is not None:
            spec = TaskSpec(dataset_path=str(data))
        else:
            raise ValueError("give a task description or --data")
    except (OpenAutoGLMError, ValueError) as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    jobs = n_jobs or default_jobs()
    workflow = RunWorkflow(spec, Path("."), jobs, engine=EngineSettings(jobs, strategy=strategy))
    the_plan = workflow.plan()
    trial_families = _split(families) or searched_families()
    trials = [{"family": f, **asdict(family_class(f).resources)} for f in trial_families]
    if as_json:
        payload = {"steps": the_plan.describe(), "levels": the_plan.levels(), "trials": trials,
                   "strategy": strategy, "n_jobs": jobs}  # fmt: skip
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    console.print(plan_table(the_plan.describe(), strategy))
    for i, level in enumerate(the_plan.levels()):
        console.print(f"level {i}: {' ∥ '.join(level)}")
    console.print(
        f"search runs trials as tasks, up to {jobs} at once ({strategy}); requests per family: "
        + ", ".join(f"{t['family']} {t['cpus']:g} cpu/{t['memory_mb']} MB" for t in trials)
    )


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


if __name__ == "__main__":
    app()
