"""``autoglm serve`` and ``autoglm keys``: the HTTP service and its API keys."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from openautoglm.cli_messages import console, print_error
from openautoglm.cli_models import REGISTRY_URL, STORE
from openautoglm.errors import OpenAutoGLMError
from openautoglm.serve.api_keys import SCOPES, create_key, read_keys
from openautoglm.serve.settings import SETTINGS_ENV, ServeSettings

keys_app = typer.Typer(help="API keys of the HTTP service (only their hashes are stored).")


@keys_app.command("create")
def create(
    file: Annotated[Path, typer.Option("--file", help="Key file to append to (created 0600).")],
    scopes: Annotated[
        str, typer.Option(help=f"Comma-separated scopes: {', '.join(SCOPES)}.")
    ] = "predict",
    name: Annotated[str, typer.Option(help="A name for the key, shown in logs.")] = "",
) -> None:
    """Create a key, store its hash in FILE and print the key once (to stdout)."""
    try:
        key = create_key(file, [s.strip() for s in scopes.split(",") if s.strip()], name)
    except OpenAutoGLMError as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    console.print(f"[green]key created[/] with scopes {scopes}; it is not shown again")
    typer.echo(key)


def serve(
    name: Annotated[str, typer.Option("--name", help="Model to serve (its production version).")],
    api_key_file: Annotated[
        Path, typer.Option("--api-key-file", help="Key file made by `autoglm keys create`.")
    ],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    poll_s: Annotated[
        float, typer.Option(help="Seconds between checks for a promoted version (0: never).")
    ] = 2.0,
    max_body_bytes: Annotated[int, typer.Option(help="Larger request bodies get 413.")] = 2_000_000,
    max_text_chars: Annotated[int, typer.Option(help="Longer texts get 422.")] = 100_000,
    registry_url: Annotated[str | None, REGISTRY_URL] = None,
    store: Annotated[Path | None, STORE] = None,
) -> None:
    """Serve NAME over HTTP: /v1/predict, /v1/feedback, /v1/models, /healthz, /readyz, /metrics."""
    import uvicorn

    from openautoglm.serve.app import create_app

    settings = ServeSettings(
        name=name, api_key_file=str(api_key_file.resolve()), registry_url=registry_url,
        store=str(store) if store else None, max_body_bytes=max_body_bytes,
        max_text_chars=max_text_chars, poll_s=poll_s,
    )  # fmt: skip
    try:
        read_keys(settings.api_key_file)
        app = create_app(settings) if workers == 1 else None  # fails now, not on a request
    except OpenAutoGLMError as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
    console.print(f"[green]serving[/] {name} on http://{host}:{port} (docs at /docs)")
    if app is not None:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    _check_once(settings)
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    # every worker writes its metrics here and each scrape sums them
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="autoglm-metrics-"))
    uvicorn.run("openautoglm.serve.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="warning")  # fmt: skip


def _check_once(settings: ServeSettings) -> None:
    """Open the registry and the model in this process so a bad setting fails before forking."""
    from openautoglm.registry.model_registry import Registry
    from openautoglm.serve.model_holder import ModelHolder

    try:
        ModelHolder(Registry(settings.registry_url, settings.store), settings.name, poll_s=0)
    except OpenAutoGLMError as exc:
        print_error(exc)
        raise typer.Exit(code=2) from None
