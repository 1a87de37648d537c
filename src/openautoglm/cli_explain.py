"""``autoglm explain RUN "text"``: why a saved model predicts what it does for one text."""

from __future__ import annotations

import re
import sys
from itertools import zip_longest
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openautoglm.cli_messages import print_error
from openautoglm.errors import OpenAutoGLMError
from openautoglm.explain.result import Explanation, FeatureWeight

#: the result goes to stdout (errors and notes go to stderr, like the other commands)
_OUT = Console()
#: Python argument names in explain's messages -> the flags of this command
_FLAGS = {"method": "--method", "top_labels": "--top-labels", "n_features": "--n-features",
          "num_samples": "--num-samples", "unit": "--unit"}  # fmt: skip
_ARG = re.compile(r"\b(" + "|".join(_FLAGS) + r")=(?:'([^']*)'|(\S+?))?(?=[\s,.;)]|$)")


def explain(
    run: Annotated[Path, typer.Argument(help="A run folder or a model bundle folder.")],
    text: Annotated[str, typer.Argument(help="The text to explain; - reads it from stdin.")],
    top_labels: Annotated[int, typer.Option(help="Explain this many most probable labels.")] = 2,
    n_features: Annotated[
        int, typer.Option(help="Words/n-grams listed for and against each label.")
    ] = 10,
    method: Annotated[
        str, typer.Option(help="auto (exact when every member is linear, else lime), exact, lime.")
    ] = "auto",
    num_samples: Annotated[
        int | None, typer.Option(help="LIME: perturbed texts (default 500, cut to a few s).")
    ] = None,
    unit: Annotated[
        str, typer.Option(help="LIME tokens: auto (jieba words for Chinese), word or char.")
    ] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
) -> None:
    """Explain one prediction: the words and n-grams for and against the top labels."""
    from openautoglm.registry.bundle import load_bundle

    if text == "-":
        text = sys.stdin.read()
    try:
        model = load_bundle(run)
        found = model.explain(text, top_labels, n_features, method, num_samples, unit)  # type: ignore[arg-type]
    except OpenAutoGLMError as exc:
        print_error(ValueError(_ARG.sub(_flag, str(exc))))
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(found.model_dump_json(indent=2))
        return
    show(found)


def _flag(match: re.Match[str]) -> str:
    value = match.group(2) or match.group(3)
    flag = _FLAGS[match.group(1)]
    return f"{flag} {value}" if value else flag


def show(found: Explanation) -> None:
    """One table per label: for and against side by side, then how it was computed."""
    for label in found.labels:
        table = Table(
            title=f"{escape(label.label)}  p={label.probability:.3f}  score={label.score:+.3f}",
            title_justify="left",
        )
        for name in ("for", "weight", "against", "weight"):
            table.add_column(name, justify="right" if name == "weight" else "left")
        for pro, con in zip_longest(label.supporting, label.opposing):
            table.add_row(*_cells(pro, "green"), *_cells(con, "red"))
        _OUT.print(table)
        if label.rest is not None:
            _OUT.print(f"  intercept {label.intercept:+.3f}, features not listed {label.rest:+.3f}")
    members = ", ".join(f"{m.family} {m.weight:.2f}" for m in found.members)
    _OUT.print(
        f"predicted [bold]{escape(found.predicted)}[/]; method {found.method} "
        f"({escape(found.scale)}); members {members}; {found.seconds:.2f} s"
        + (f"; {found.num_samples} samples" if found.num_samples else "")
    )
    for note in found.notes:
        _OUT.print(f"[yellow]note:[/] {escape(note)}")


def _cells(weight: FeatureWeight | None, colour: str) -> tuple[str, str]:
    if weight is None:
        return "", ""
    shown = escape(weight.feature)
    return f"{shown} [dim]({weight.kind})[/]", f"[{colour}]{weight.weight:+.3f}[/]"
