"""parse_description: rules, then the LLM when configured, then the data; one validated result."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openautoglm.data.readers import read_table
from openautoglm.parse.fields import number_type
from openautoglm.parse.llm import LLMConfig, LLMFailed, LLMParser
from openautoglm.parse.numbers import find_durations
from openautoglm.parse.prompts import DataContext
from openautoglm.parse.reconcile import reconcile, resolve
from openautoglm.parse.result import ClarificationNeeded, ParseResult
from openautoglm.parse.rule_labels import split_list
from openautoglm.parse.rules import RuleParser
from openautoglm.spec import parse_duration

SAMPLE_ROWS = 3
_LIST_SEP = re.compile(r"\s*(?:,|，|、|;|；|/)\s*")


def parse_description(
    description: str,
    base_dir: str | Path = ".",
    llm: LLMConfig | None = None,
    answers: dict[str, str] | None = None,
    log_path: Path | None = None,
    require_data: bool = False,
) -> ParseResult:
    """A task description (Chinese or English) to fields with provenance, checked on the data.

    ``answers`` holds the user's replies to earlier ClarificationNeeded questions, by field.

    Example:
        >>> parse_description("把 news.csv 分成科技、体育两类").value("labels")
        ['科技', '体育']
    """
    if not description or not description.strip():
        raise ValueError("the description is empty; say what to build, e.g. '把 news.csv 分成两类'")
    base = Path(base_dir)
    result = RuleParser().parse(description)
    if llm is not None:
        result = _with_llm(result, description, base, llm, answers or {}, log_path)
    _apply_answers(result, answers or {})
    return reconcile(result, base, require_data=require_data)


def _with_llm(
    rules: ParseResult,
    description: str,
    base: Path,
    config: LLMConfig,
    answers: dict[str, str],
    log_path: Path | None,
) -> ParseResult:
    history = [(f"What is {name}?", value) for name, value in answers.items()]
    data = _data_context(rules.value("dataset_path"), base)
    parser = LLMParser(config, log_path)
    try:
        from_llm = parser.parse(description, data, history)
    except LLMFailed as exc:
        rules.warnings.append(f"LLM parse failed ({exc}); using the rule parser's result")
        rules.log = parser.records
        return rules
    merged = _merge(rules, from_llm, parser, description, data)
    merged.log = parser.records
    return merged


def _data_context(path: str | None, base: Path) -> DataContext | None:
    if not path or not resolve(path, base).is_file():
        return None
    try:
        frame = read_table(resolve(path, base))
    except ValueError:
        return None
    rows = frame.head(SAMPLE_ROWS).to_dict(orient="records")
    return DataContext(Path(path).name, [str(c) for c in frame.columns], rows)


def _merge(
    rules: ParseResult,
    from_llm: ParseResult,
    parser: LLMParser,
    description: str,
    data: DataContext | None,
) -> ParseResult:
    """Agreement raises confidence, disagreement gets one re-ask, unsupported values are dropped."""
    out = rules.model_copy(deep=True)
    out.backend = f"rules+{from_llm.backend}"
    columns = data.columns if data else []
    disputed: dict[str, list[Any]] = {}
    for name, item in from_llm.fields.items():
        mine = out.fields.get(name)
        if mine is not None and _same(mine.value, item.value):
            mine.confidence = min(1.0, mine.confidence + 0.05)
        elif mine is not None:
            disputed[name] = [mine.value, item.value]
        elif _supported(name, item.value, description, columns):
            out.set(name, item.value, "llm", 0.6, "the LLM's answer (no rule matched)")
        else:
            out.warnings.append(f"LLM value {name}={item.value!r} dropped: the words do not say it")
    if disputed:
        _settle(out, disputed, parser, description, columns)
    return out


def _settle(
    out: ParseResult,
    disputed: dict[str, list[Any]],
    parser: LLMParser,
    description: str,
    columns: list[str],
) -> None:
    try:
        picks = parser.reask(description, disputed)
    except LLMFailed as exc:
        picks = {}
        out.warnings.append(f"LLM re-ask failed ({exc}); the rule parser's values are kept")
    for name, (rule_value, llm_value) in disputed.items():
        pick = picks.get(name)
        if (
            pick is not None
            and _same(pick, llm_value)
            and _supported(name, llm_value, description, columns)
        ):
            out.set(name, llm_value, "llm", 0.6, f"LLM twice (rules said {rule_value!r})")
            out.warnings.append(
                f"{name}: rules said {rule_value!r}, the LLM {llm_value!r}; took the LLM's"
            )
        else:
            out.fields[name].confidence = min(out.fields[name].confidence, 0.5)
            out.warnings.append(
                f"{name}: rules said {rule_value!r}, the LLM {llm_value!r}; kept the rules'"
            )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    if isinstance(a, list) and isinstance(b, list):
        return [str(x).strip() for x in a] == [str(x).strip() for x in b]
    return str(a).strip().lower() == str(b).strip().lower()


def _supported(name: str, value: Any, description: str, columns: list[str]) -> bool:
    """Whether the words (or the data's columns) back a value only the LLM gave."""
    text = description.lower()
    if name in ("task_type", "metric"):
        return True  # read from meaning, not quoted; kept with lower confidence
    if name in ("text_column", "label_column"):
        names = value if isinstance(value, list) else [value]
        return all(str(n).lower() in text or str(n) in columns for n in names)
    if name in ("dataset_path", "test_path"):
        return str(value).lower() in text
    if name == "labels":
        return all(str(label).lower() in text for label in value)
    if name == "time_budget_s":
        return any(abs(seconds - float(value)) < 1e-6 for seconds, _ in find_durations(description))
    if number_type(name) is None:  # a field with no rule of its own here: quoted in the words
        return str(value).lower() in text
    numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", description)}
    value = float(value)
    return value in numbers or (name == "target_score" and value * 100 in numbers)


def _apply_answers(result: ParseResult, answers: dict[str, str]) -> None:
    for name, raw in answers.items():
        result.set(name, _answer_value(name, raw), "answer", 1.0, f"the user answered {raw!r}")


def _answer_value(name: str, raw: str) -> Any:
    raw = raw.strip()
    if name == "labels":
        return split_list(raw)
    if name == "text_column":
        parts = [part for part in _LIST_SEP.split(raw) if part]
        return parts if len(parts) > 1 else raw
    if name == "time_budget_s":
        found = find_durations(raw)
        return found[0][0] if found else parse_duration(raw)
    number = number_type(name)  # int or float, as TaskSpec declares the field
    return raw if number is None else number(raw)


__all__ = ["ClarificationNeeded", "parse_description"]
