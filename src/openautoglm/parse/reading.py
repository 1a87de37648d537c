"""What the rules read from a description, kept for the learned models that refine it."""

from __future__ import annotations

from dataclasses import dataclass

from openautoglm.parse.result import ParseResult
from openautoglm.parse.rule_columns import Mention
from openautoglm.parse.rule_labels import LabelList


@dataclass
class RuleReading:
    """The rules' fields, the text with paths blanked, the column mentions and the class list."""

    result: ParseResult
    text: str
    masked: str
    mentions: list[Mention]
    classes: list[str] | None
    label_list: LabelList | None
