"""``autoglm models``: register, list, promote, roll back and archive model versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from openautoglm.cli_messages import console, print_error
from openautoglm.db.engine import URL_ENV
from openautoglm.errors import OpenAutoGLMError
from openautoglm.registry.model_registry import STORE_ENV, GateRefused, Registry
from openautoglm.registry.records import ModelVersion

models_app = typer.Typer(help="The model registry: versions, stages and lineage.")

REGISTRY_URL = typer.Option(
    "--registry-url",
    envvar=URL_ENV,
    help="Registry database, e.g. postgresql+psycopg://user@host/db (default: a SQLite file "
    "in $OPENAUTOGLM_HOME, ~/.openautoglm).",
)
STORE = typer.Option(
    "--store", envvar=STORE_ENV, help="Bundle store folder (default: $OPENAUTOGLM_HOME/bundles)."
)
JSON = typer.Option("--json", help="Print JSON instead of a table.")
ACTOR = typer.Option("--actor", help="Who is asking (default: user@host); recorded.")
REASON = typer.Option("--reason", help="Why; recorded with the change.")
#: exit code when the gate refuses a promotion (the pipeline uses the same)
EXIT_REFUSED = 10


def open_registry(url: str | None, store: Path | None) -> Registry:
    """The registry, or a clear error and exit 2 when its database cannot be reached."""
    try:
        return Registry(url, store)
    except OpenAutoGLMError as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None


@models_app.command("register")
def register(
    source: Annotated[Path, typer.Argument(help="A run folder or a model bundle folder.")],
    name: Annotated[str, typer.Option("--name", help="Model name, e.g. tickets.")],
    parent: Annotated[int | None, typer.Option(help="The version this one derives from.")] = None,
    note: Annotated[str | None, typer.Option(help="A note kept with the version.")] = None,
    actor: Annotated[str | None, ACTOR] = None,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Store a run's model as the next version of NAME, in staging."""
    registry = open_registry(registry_url, store)
    version = _call(lambda: registry.register(source, name, parent, actor, note))
    _show([version], as_json, f"{version.name} v{version.version} registered (staging)")


@models_app.command("promote")
def promote(
    name: Annotated[str, typer.Argument(help="Model name.")],
    version: Annotated[int, typer.Argument(help="Version to put in production.")],
    force: Annotated[
        bool, typer.Option(help="Skip the score check (never the hash check); recorded.")
    ] = False,
    reason: Annotated[str | None, REASON] = None,
    actor: Annotated[str | None, ACTOR] = None,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Put VERSION in production if the gate agrees; exit 10 when it refuses."""
    registry = open_registry(registry_url, store)
    try:
        promoted = registry.promote(name, version, force, actor, reason)
    except GateRefused as exc:
        print_error(exc)
        raise typer.Exit(code=EXIT_REFUSED) from None
    except OpenAutoGLMError as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    _show([promoted], as_json, f"{name} v{version} is in production")


@models_app.command("rollback")
def rollback(
    name: Annotated[str, typer.Argument(help="Model name.")],
    reason: Annotated[str | None, REASON] = None,
    actor: Annotated[str | None, ACTOR] = None,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Archive the production version and bring back the one live before it."""
    registry = open_registry(registry_url, store)
    restored = _call(lambda: registry.rollback(name, actor, reason))
    _show([restored], as_json, f"{name} rolled back to v{restored.version}")


@models_app.command("archive")
def archive(
    name: Annotated[str, typer.Argument(help="Model name.")],
    version: Annotated[int, typer.Argument(help="Version to archive.")],
    reason: Annotated[str | None, REASON] = None,
    actor: Annotated[str | None, ACTOR] = None,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Move a staging version to archived."""
    registry = open_registry(registry_url, store)
    archived = _call(lambda: registry.archive(name, version, actor, reason))
    _show([archived], as_json, f"{name} v{version} archived")


@models_app.command("list")
def list_versions(
    name: Annotated[str | None, typer.Argument(help="Model name (default: every model).")] = None,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """The versions of NAME (or of every model) with stage, score and lineage."""
    registry = open_registry(registry_url, store)
    _show(_call(lambda: registry.versions(name)), as_json, None)


@models_app.command("history")
def history(
    name: Annotated[str, typer.Argument(help="Model name.")],
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Every stage change asked for on NAME: applied or refused, who, why, the gate's word."""
    registry = open_registry(registry_url, store)
    events = _call(lambda: registry.history(name))
    if as_json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in events], indent=2))
        return
    table = Table("at", "version", "action", "stage", "outcome", "actor", "reason / gate")
    for e in events:
        why = e.reason or ""
        if e.gate.get("why"):
            why = f"{why} ({e.gate['why']})".strip()
        stage = f"{e.from_stage or '-'} → {e.to_stage}" + (" (forced)" if e.forced else "")
        table.add_row(f"{e.at:%Y-%m-%d %H:%M:%S}", str(e.version), e.action, stage, e.outcome,
                      e.actor, escape(why))  # fmt: skip
    console.print(table)


def _call(action: Any) -> Any:
    try:
        return action()
    except OpenAutoGLMError as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None


def _show(versions: list[ModelVersion], as_json: bool, headline: str | None) -> None:
    if as_json:
        typer.echo(json.dumps([v.model_dump(mode="json") for v in versions], indent=2,
                              ensure_ascii=False))  # fmt: skip
        return
    if headline:
        console.print(f"[green]{headline}[/]")
    table = Table("model", "version", "stage", "metric", "score", "parent", "created", "by")
    for v in versions:
        value = v.metrics.get(v.metric)
        table.add_row(v.name, str(v.version), v.stage, v.metric,
                      f"{value:.4f}" if isinstance(value, float) else "-",
                      str(v.parent_version or "-"), f"{v.created_at:%Y-%m-%d %H:%M}",
                      v.created_by)  # fmt: skip
    console.print(table)
