"""Task descriptions in plain words (Chinese or English) to a validated TaskSpec."""

from openautoglm.parse.description import parse_description
from openautoglm.parse.fields import FIELD_NAMES
from openautoglm.parse.llm import LLMConfig, LLMFailed
from openautoglm.parse.result import ClarificationNeeded, FieldValue, ParseResult, Question
from openautoglm.parse.rules import RuleParser

__all__ = [
    "FIELD_NAMES",
    "ClarificationNeeded",
    "FieldValue",
    "LLMConfig",
    "LLMFailed",
    "ParseResult",
    "Question",
    "RuleParser",
    "parse_description",
]
