"""Text pairs as one string: the two sides joined by a separator that no text keeps.

Every family reads a list of strings; a pair travels as ``left + PAIR_SEP + right``. Families
that only read text see both sides (the separator is white space to their tokenisers);
pair families split it back into the two sides.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from openautoglm.data.errors import DataError

#: ASCII "unit separator" between spaces: white space to tokenisers, absent from real text
PAIR_SEP = " \x1f "
#: the separator's one character (``str.strip`` counts it as white space)
PAIR_MARK = "\x1f"
#: rows listed in an error message
SHOWN_ROWS = 5


def join_pair(left: str, right: str) -> str:
    """One string holding both sides (a separator inside a side is replaced by a space).

    Example:
        >>> split_pair(join_pair("a cat", "a dog"))
        ('a cat', 'a dog')
    """
    return left.replace(PAIR_MARK, " ").strip() + PAIR_SEP + right.replace(PAIR_MARK, " ").strip()


def split_pair(text: str) -> tuple[str, str]:
    """The two sides of a joined pair (a text without the separator: itself and "")."""
    left, sep, right = text.partition(PAIR_SEP)
    if not sep:
        left, sep, right = text.partition(PAIR_MARK)
    return left.strip(), right.strip()


def split_pairs(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """The left sides and the right sides of joined pairs."""
    sides = [split_pair(t) for t in texts]
    return [a for a, _ in sides], [b for _, b in sides]


def join_columns(frame: pd.DataFrame, columns: Sequence[str], source: str) -> list[str]:
    """Each row's two text columns joined; DataError naming rows where a side is empty."""
    left_col, right_col = columns
    left = [str(v).strip() for v in frame[left_col].tolist()]
    right = [str(v).strip() for v in frame[right_col].tolist()]
    for name, side in ((left_col, left), (right_col, right)):
        if side and not any(side):
            raise DataError(
                f"text column {name!r} of {source} is empty in every row ({len(side)} rows): "
                f"this is not a text pair; pass the two text columns (text_column=[a, b]) or a "
                "single-text task."
            )
    empty = [i + 1 for i, (a, b) in enumerate(zip(left, right, strict=True)) if not a or not b]
    if empty:
        shown = ", ".join(map(str, empty[:SHOWN_ROWS])) + (
            ", ..." if len(empty) > SHOWN_ROWS else ""
        )
        raise DataError(
            f"{len(empty)} row(s) of {source} have an empty side of the pair "
            f"({left_col!r} or {right_col!r}; data rows {shown}, header not counted); a pair "
            "needs both texts: fill or remove these rows."
        )
    return [join_pair(a, b) for a, b in zip(left, right, strict=True)]
