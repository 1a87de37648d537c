"""The command line's side of parsing: LLM flags, clarifying questions, the spec table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from openautoglm.parse import ClarificationNeeded, LLMConfig, ParseResult, parse_description

#: questions asked in one session before giving up (each answer settles one field)
MAX_QUESTIONS = 6


def llm_config(base_url: str | None, model: str | None, api_key: str | None) -> LLMConfig | None:
    """The LLM from flags or OPENAUTOGLM_LLM_* variables; None means the offline rules."""
    return LLMConfig.from_env(base_url, model, api_key)


def parse_answers(items: list[str]) -> dict[str, str]:
    """``field=value`` pairs from repeated --answer flags."""
    answers = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"--answer {item!r}: write it as field=value, e.g. labels=a,b")
        answers[name.strip()] = value.strip()
    return answers


def parse_with_questions(
    description: str,
    base_dir: Path,
    llm: LLMConfig | None,
    answers: dict[str, str],
    console: Console,
    interactive: bool,
    require_data: bool = False,
) -> ParseResult:
    """Parse; when a question comes back, ask it at the prompt (interactive) or re-raise it."""
    for _ in range(MAX_QUESTIONS):
        try:
            return parse_description(
                description, base_dir, llm=llm, answers=answers, require_data=require_data
            )
        except ClarificationNeeded as question:
            if not interactive:
                raise
            answers[question.field] = _ask(question, console)
    raise typer.BadParameter(
        f"still unclear after {MAX_QUESTIONS} answers; pass the fields as flags"
    )


def is_interactive() -> bool:
    """Whether a person can answer questions at this terminal."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _ask(question: ClarificationNeeded, console: Console) -> str:
    console.print(f"[bold yellow]?[/] {question.question}")
    for i, option in enumerate(question.options, 1):
        console.print(f"  {i}. {option}")
    reply = typer.prompt("answer (a number or your own value)").strip()
    if reply.isdigit() and 1 <= int(reply) <= len(question.options):
        return question.options[int(reply) - 1]
    return reply


def spec_table(result: ParseResult) -> Table:
    """Each field with its value, source, confidence and the evidence it rests on."""
    table = Table(title=f"Task spec (parsed by {result.backend})")
    for column in ("field", "value", "source", "confidence", "evidence"):
        table.add_column(column, overflow="fold")
    for name, item in result.fields.items():
        table.add_row(
            name, _show(item.value), item.source, f"{item.confidence:.2f}", item.evidence or ""
        )
    return table


def parse_json(result: ParseResult) -> dict[str, Any]:
    """Machine-readable parse: flat spec (the case-file field names), provenance, warnings."""
    return {
        "spec": result.flat(),
        "fields": {k: v.model_dump() for k, v in result.fields.items()},
        "warnings": result.warnings,
        "backend": result.backend,
    }


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
