"""Any OpenAI-compatible chat endpoint as a parser backend (GLM, OpenAI, Ollama, llama.cpp)."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from openautoglm.errors import OpenAutoGLMError
from openautoglm.parse.fields import answer_model
from openautoglm.parse.prompts import DataContext, build_messages, reask_messages, retry_messages
from openautoglm.parse.result import ParseResult

ENV_PREFIX = "OPENAUTOGLM_LLM_"


class LLMConfig(BaseModel):
    """Where the LLM is and how long to wait for it.

    Example:
        >>> LLMConfig(base_url="http://127.0.0.1:8080/v1", model="glm-4-flash")
    """

    base_url: str | None = None
    model: str = "default"
    api_key: str = "none"  # local servers ignore it; the client requires one
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
    max_tokens: int = Field(default=256, gt=0)

    @classmethod
    def from_env(
        cls, base_url: str | None = None, model: str | None = None, api_key: str | None = None
    ) -> LLMConfig | None:
        """Flags first, then OPENAUTOGLM_LLM_BASE_URL / _MODEL / _API_KEY; None if unset."""
        base_url = base_url or os.environ.get(f"{ENV_PREFIX}BASE_URL")
        model = model or os.environ.get(f"{ENV_PREFIX}MODEL")
        if not base_url and not model:
            return None
        key = api_key or os.environ.get(f"{ENV_PREFIX}API_KEY") or "none"
        return cls(base_url=base_url, model=model or "default", api_key=key)


#: the answer an LLM must give: TaskSpec's parse fields, flat, with TaskSpec's own types and
#: constraints (built from the spec so that the two cannot drift apart)
LLMFields = answer_model(
    "LLMFields",
    "The answer an LLM must give: TaskSpec's fields, flat, each null when not stated.",
    __name__,
)


class LLMFailed(OpenAutoGLMError, RuntimeError):
    """The LLM could not give a valid answer (unreachable, timing out or answering garbage)."""

    retryable = True


class LLMParser:
    """Parse descriptions with an LLM; every prompt and answer goes to ``log_path`` (JSON lines)."""

    def __init__(self, config: LLMConfig, log_path: Path | None = None) -> None:
        from openai import OpenAI

        self.config, self.log_path = config, log_path
        self.records: list[dict[str, Any]] = []  # every prompt and answer of this parser
        self.client = OpenAI(
            base_url=config.base_url, api_key=config.api_key, timeout=config.timeout_s,
            max_retries=0,
        )  # fmt: skip
        self.schema = LLMFields.model_json_schema()
        self._format: str | None = "json_schema"

    def parse(
        self,
        description: str,
        data: DataContext | None = None,
        history: list[tuple[str, str]] | None = None,
    ) -> ParseResult:
        """Fields the LLM reads from ``description``; retries carry the validation errors."""
        messages = build_messages(description, self.schema, data, history)
        fields = self._ask_valid(messages)
        result = ParseResult(description=description, backend=f"llm:{self.config.model}")
        for name, value in fields.model_dump(exclude_none=True).items():
            result.set(name, value, "llm", 0.7, "the LLM's answer")
        return result

    def reask(self, description: str, disputed: dict[str, list[Any]]) -> dict[str, Any]:
        """The LLM's pick for each disputed field (only those fields)."""
        fields = self._ask_valid(reask_messages(description, self.schema, disputed))
        answer = fields.model_dump(exclude_none=True)
        return {name: answer[name] for name in disputed if name in answer}

    # ---------------------------------------------------------------- calls
    def _ask_valid(self, messages: list[dict[str, str]]) -> BaseModel:
        errors = "no attempt"
        for _ in range(self.config.max_retries + 1):
            answer = self._complete(messages)
            try:
                return LLMFields.model_validate(_json_object(answer))
            except (ValueError, ValidationError) as exc:
                errors = str(exc)[:1500]
                self._log({"event": "invalid_answer", "errors": errors})
                messages = retry_messages(messages, answer, errors)
        raise LLMFailed(f"no valid answer after {self.config.max_retries + 1} tries: {errors}")

    def _complete(self, messages: list[dict[str, str]]) -> str:
        from openai import APIConnectionError, APIStatusError

        started = time.monotonic()
        while True:
            try:
                response = self._create(messages)
                break
            except (APIConnectionError, APIStatusError) as exc:  # APITimeoutError included
                if self._format is not None and _format_refused(exc):
                    # servers differ in structured output support: step down to plainer requests
                    self._format = "json_object" if self._format == "json_schema" else None
                    self._log({"event": "format_refused", "error": str(exc)[:500]})
                    continue
                self._log({"event": "error", "messages": messages, "error": repr(exc)})
                raise LLMFailed(f"the LLM at {self.config.base_url} failed: {exc}") from exc
        answer = response.choices[0].message.content or ""
        self._log(
            {
                "event": "completion",
                "model": self.config.model,
                "response_format": self._format,
                "messages": messages,
                "answer": answer,
                "seconds": round(time.monotonic() - started, 2),
            }
        )
        return answer

    def _create(self, messages: list[dict[str, str]]) -> Any:
        extra: dict[str, Any] = {}
        if self._format == "json_schema":
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "task_spec", "schema": self.schema},
            }
        elif self._format == "json_object":  # any JSON; the schema is in the system prompt
            extra["response_format"] = {"type": "json_object"}
        return self.client.chat.completions.create(
            model=self.config.model,
            messages=messages,  # type: ignore[arg-type]
            temperature=0,
            max_tokens=self.config.max_tokens,
            **extra,
        )

    def _log(self, record: dict[str, Any]) -> None:
        record = {"t": round(time.time(), 3), **record}
        self.records.append(record)
        if self.log_path is None:
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def _format_refused(exc: Exception) -> bool:
    """Whether the server turned down the structured-output request itself (some answer 500)."""
    status = getattr(exc, "status_code", None)
    return status in (400, 422, 500) and "response_format" in str(exc)


def _json_object(answer: str) -> dict[str, Any]:
    """The JSON object in an answer (code fences and chatter around it are tolerated)."""
    match = re.search(r"\{.*\}", answer, re.DOTALL)
    if not match:
        raise ValueError(f"the answer holds no JSON object: {answer[:200]!r}")
    value = json.loads(match.group(0))
    if not isinstance(value, dict):
        raise ValueError("the answer's JSON is not an object")
    return value
