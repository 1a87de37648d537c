"""The command line's side of parsing: LLM flags, clarifying questions, the spec table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from openautoglm.parse import (
    ClarificationNeeded,
    LLMConfig,
    ParseResult,
    Question,
    parse_description,
)

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
    """Parse; when a question comes back, ask it at the prompt (interactive) or re-raise it.

    Fields the words leave unsure (``result.questions``) are asked at the prompt too when a
    person is there (an empty reply leaves the field open); otherwise they stay listed in the
    result, for ``--answer field=value``.
    """
    skipped: set[str] = set()
    for _ in range(MAX_QUESTIONS):
        try:
            result = parse_description(
                description, base_dir, llm=llm, answers=answers, require_data=require_data
            )
        except ClarificationNeeded as question:
            if not interactive:
                raise
            answers[question.field] = _ask(question, console)
            continue
        open_questions = [q for q in result.questions if q.field not in skipped]
        if not interactive or not open_questions:
            return result
        for question in open_questions:
            reply = _ask(question, console, optional=True)
            if reply:
                answers[question.field] = reply
            else:
                skipped.add(question.field)
    raise typer.BadParameter(
        f"still unclear after {MAX_QUESTIONS} answers; pass the fields as flags"
    )


def is_interactive() -> bool:
    """Whether a person can answer questions at this terminal."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _ask(question: ClarificationNeeded | Question, console: Console, optional: bool = False) -> str:
    console.print(f"[bold yellow]?[/] {question.question}")
    for i, option in enumerate(question.options, 1):
        console.print(f"  {i}. {option}")
    hint = (
        "a number, your own value, or Enter to leave it open"
        if optional
        else ("a number or your own value")
    )
    reply = typer.prompt(f"answer ({hint})", default="" if optional else None,
                         show_default=False).strip()  # fmt: skip
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
    for question in result.questions:  # read too unsurely to use: asked, not guessed
        guess = f"? ({_show(question.guess)})" if question.guess is not None else "?"
        table.add_row(
            question.field, guess, "question", f"{question.confidence:.2f}",
            f"{question.question} — answer with --answer {question.field}=…",
        )  # fmt: skip
    return table


def parse_json(result: ParseResult) -> dict[str, Any]:
    """Machine-readable parse: flat spec (the case-file field names), provenance, the fields
    left open as questions, warnings."""
    return {
        "spec": result.flat(),
        "fields": {k: v.model_dump() for k, v in result.fields.items()},
        "questions": [q.model_dump() for q in result.questions],
        "warnings": result.warnings,
        "backend": result.backend,
    }


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
