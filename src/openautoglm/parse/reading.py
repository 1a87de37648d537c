"""What the rules read from a description, kept for the learned models that refine it."""

from __future__ import annotations

from dataclasses import dataclass

from openautoglm.parse.result import ParseResult
from openautoglm.parse.rule_columns import Mention
from openautoglm.parse.rule_labels import LabelList


@dataclass
class RuleReading:
    """The rules' fields, the text with paths blanked, the column mentions and the label list."""

    result: ParseResult
    text: str
    masked: str
    mentions: list[Mention]
    label_list: LabelList | None

    @property
    def classes(self) -> list[str] | None:
        """The classes of the label list the rules read, if any."""
        return self.label_list.items if self.label_list is not None else None
