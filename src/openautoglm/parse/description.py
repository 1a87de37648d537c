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
    rules: RuleParser | None = None,
) -> ParseResult:
    """A task description (Chinese or English) to fields with provenance, checked on the data.

    ``rules``: the offline parser (default: rules plus the learned stage;
    ``RuleParser(models=None)`` reads with the rules alone).

    ``answers`` holds the user's replies to earlier questions, by field: those of
    ClarificationNeeded and those the result lists in ``questions`` (fields the rules read too
    unsurely to use; with an LLM configured they are what it is asked about first).

    Example:
        >>> parse_description("把 news.csv 分成科技、体育两类").value("labels")
        ['科技', '体育']
    """
    if not description or not description.strip():
        raise ValueError("the description is empty; say what to build, e.g. '把 news.csv 分成两类'")
    base = Path(base_dir)
    rules = rules or RuleParser()
    result = rules.parse(description)
    header = _header(result.value("dataset_path"), base)
    if header is not None:  # column names the words give are checked against the file's
        result = rules.parse(description, header=header)
    if llm is not None:
        result = _with_llm(result, description, base, llm, answers or {}, log_path)
    _apply_answers(result, answers or {})
    try:
        out = reconcile(result, base, require_data=require_data)
    except ClarificationNeeded as question:
        if question.partial is None:
            question.partial = result
        raise
    for open_question in list(out.questions):  # the data settled what the words left open
        item = out.fields.get(open_question.field)
        if item is not None and item.source != "default":
            out.settle(open_question.field)
    return out


def _header(path: str | None, base: Path) -> list[str] | None:
    """The data file's column names when the words name a file that can be read."""
    if not path or not resolve(path, base).is_file():
        return None
    try:
        return [str(c) for c in read_table(resolve(path, base)).columns]
    except (ValueError, OSError):
        return None


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
    """Agreement raises confidence; the rules' open questions and disagreements get one targeted
    re-ask; values the words (or the data's columns) do not support are dropped."""
    out = rules.model_copy(deep=True)
    out.backend = f"rules+{from_llm.backend}"
    columns = data.columns if data else []
    open_fields = {q.field for q in out.questions}
    for name, item in from_llm.fields.items():
        mine = out.fields.get(name)
        if mine is not None and _same(mine.value, item.value):
            mine.confidence = min(1.0, mine.confidence + 0.05)
        elif mine is None and name not in open_fields:
            if _supported(name, item.value, description, columns):
                out.set(name, item.value, "llm", 0.6, "the LLM's answer (no rule matched)")
            else:
                out.warnings.append(
                    f"LLM value {name}={item.value!r} dropped: the words do not say it"
                )
    doubtful = doubtful_fields(out, from_llm)
    if doubtful:
        _settle(out, doubtful, parser, description, columns)
    return out


def doubtful_fields(rules: ParseResult, from_llm: ParseResult) -> dict[str, list[Any]]:
    """What the targeted re-ask asks about, each field with its candidate values.

    The rules' open questions (their unsure reading and the LLM's first answer as candidates)
    and the fields where the rules and the LLM disagree.
    """
    doubtful: dict[str, list[Any]] = {}
    for question in rules.questions:
        candidates = [] if question.guess is None else [question.guess]
        llm_item = from_llm.fields.get(question.field)
        if llm_item is not None and not any(_same(c, llm_item.value) for c in candidates):
            candidates.append(llm_item.value)
        doubtful[question.field] = candidates
    for name, item in from_llm.fields.items():
        mine = rules.fields.get(name)
        if mine is not None and mine.source != "llm" and not _same(mine.value, item.value):
            doubtful[name] = [mine.value, item.value]
    return doubtful


def _settle(
    out: ParseResult,
    doubtful: dict[str, list[Any]],
    parser: LLMParser,
    description: str,
    columns: list[str],
) -> None:
    try:
        picks = parser.reask(description, doubtful)
    except LLMFailed as exc:
        picks = {}
        out.warnings.append(f"LLM re-ask failed ({exc}); the rule parser's values are kept")
    open_fields = {q.field for q in out.questions}
    for name, candidates in doubtful.items():
        pick = picks.get(name)
        if name in open_fields:  # the rules were unsure: a supported answer settles it
            if pick is not None and _supported(name, pick, description, columns):
                again = any(_same(pick, c) for c in candidates)
                out.set(name, pick, "llm", 0.7 if again else 0.6,
                        f"the LLM, asked about this field (candidates {candidates!r})")  # fmt: skip
                out.settle(name)
            else:
                out.warnings.append(f"{name}: still open after asking the LLM ({pick!r})")
            continue
        rule_value, llm_value = candidates
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
        result.settle(name)


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


__all__ = ["ClarificationNeeded", "doubtful_fields", "parse_description"]
