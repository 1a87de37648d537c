"""What a parse yields: each TaskSpec field with where it came from, and clarifying questions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from openautoglm.errors import OpenAutoGLMError
from openautoglm.parse.fields import DEFAULTS, FIELD_NAMES, unflatten
from openautoglm.spec import TaskSpec

Source = Literal["words", "llm", "data", "answer", "default"]


#: a field read with less confidence than this becomes a question instead of a value
ASK_BELOW = 0.5


class FieldValue(BaseModel):
    """One field's value, its source and how sure the parser is (0 to 1)."""

    value: Any
    source: Source
    confidence: float = Field(ge=0, le=1)
    evidence: str | None = None  # the words or the data fact it rests on


class Question(BaseModel):
    """A field the parser could not settle: what to ask, and the readings it has as options.

    Answer it like a ClarificationNeeded, with ``answers={field: value}`` on the next parse.
    """

    field: str
    question: str
    options: list[str] = Field(default_factory=list)
    guess: Any = None  # the parser's reading, too unsure to use
    confidence: float = Field(default=0.0, ge=0, le=1)
    evidence: str | None = None


class ParseResult(BaseModel):
    """The parsed task: fields with provenance, open questions, warnings, and the backend."""

    description: str
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)  # fields left open, to be asked
    warnings: list[str] = Field(default_factory=list)
    backend: str = "rules"
    log: list[dict[str, Any]] = Field(default_factory=list)  # LLM prompts and answers

    def value(self, name: str) -> Any:
        """A field's value, or None when it is not set."""
        item = self.fields.get(name)
        return None if item is None else item.value

    def set(
        self, name: str, value: Any, source: Source, confidence: float, evidence: str | None = None
    ) -> None:
        """Set a field (only names of FIELD_NAMES)."""
        if name not in FIELD_NAMES:
            raise KeyError(f"unknown field {name!r}; fields: {', '.join(FIELD_NAMES)}")
        self.fields[name] = FieldValue(
            value=value, source=source, confidence=confidence, evidence=evidence
        )

    def ask(
        self, name: str, guess: Any = None, confidence: float = 0.0, evidence: str | None = None
    ) -> Question:
        """Leave a field open as a question, with the unsure reading (if any) as its option."""
        if name not in FIELD_NAMES:
            raise KeyError(f"unknown field {name!r}; fields: {', '.join(FIELD_NAMES)}")
        self.fields.pop(name, None)
        options = [_show(guess)] if guess is not None else []
        said = f" (the words suggest {options[0]!r}, from {evidence!r})" if options else ""
        question = Question(
            field=name, question=f"Which {name.replace('_', ' ')}?{said}", options=options,
            guess=guess, confidence=confidence, evidence=evidence,
        )  # fmt: skip
        self.questions = [q for q in self.questions if q.field != name] + [question]
        return question

    def settle(self, name: str) -> None:
        """Drop the open question about a field (it was answered or read from the data)."""
        self.questions = [q for q in self.questions if q.field != name]

    def with_defaults(self) -> ParseResult:
        """A copy where fields the words left open carry their defaults."""
        out = self.model_copy(deep=True)
        for name, value in DEFAULTS.items():
            if name not in out.fields:
                out.set(name, value, "default", 1.0, "not stated; the default")
        return out

    def flat(self) -> dict[str, Any]:
        """Field name → value, for the fields that are set."""
        return {name: self.fields[name].value for name in FIELD_NAMES if name in self.fields}

    def to_spec(self) -> TaskSpec:
        """The validated TaskSpec (raises ValueError when the dataset path is missing)."""
        flat = self.with_defaults().flat()
        if not flat.get("dataset_path"):
            raise ValueError("the description names no data file; say which file to train on")
        return TaskSpec.model_validate(unflatten(flat))


def _show(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


class ClarificationNeeded(OpenAutoGLMError, ValueError):
    """The description leaves open something that matters: one precise question and its options.

    Answer it by passing ``answers={exc.field: choice}`` to the next parse. ``partial`` holds
    what was parsed up to the question (None where nothing was).
    """

    def __init__(
        self,
        field: str,
        question: str,
        options: list[str] | None = None,
        partial: ParseResult | None = None,
    ) -> None:
        self.field, self.question, self.options = field, question, list(options or [])
        self.partial = partial
        listed = f" Options: {', '.join(self.options)}." if self.options else ""
        super().__init__(f"{question}{listed}")
