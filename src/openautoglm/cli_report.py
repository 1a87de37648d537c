"""``autoglm report RUN``: write a finished run's self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from openautoglm.cli_messages import console, print_error
from openautoglm.errors import OpenAutoGLMError


def report(
    run: Annotated[Path, typer.Argument(help="The run folder (the --out of `autoglm run`).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="The HTML file to write (default: RUN-report.html beside it)."),
    ] = None,
    mistakes: Annotated[
        int, typer.Option(help="Most confident test mistakes to explain.", min=0)
    ] = 5,
    correct: Annotated[
        int, typer.Option(help="Confidently right test examples to explain.", min=0)
    ] = 3,
) -> None:
    """Write one self-contained HTML file: profile, plan, leaderboard, calibration, mistakes."""
    try:
        from openautoglm.report import write_report

        path = write_report(run, out, mistakes=mistakes, correct=correct)
    except (ImportError, OpenAutoGLMError) as exc:  # the report extra missing; an unfinished run
        print_error(exc)
        raise typer.Exit(code=2) from None
    size_kb = path.stat().st_size / 1024
    console.print(f"[green]report written[/] to {escape(str(path))} ({size_kb:,.0f} KB)")
    typer.echo(str(path))
