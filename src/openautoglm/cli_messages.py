"""Error messages in the command line's words: the core names Python arguments, the CLI flags."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape

#: where the CLI writes what is not its result (errors, progress): stderr
console = Console(stderr=True)

#: Python argument (TaskSpec field or AutoTask parameter) → the `autoglm run` flag for it
FLAGS: dict[str, str] = {
    "dataset_path": "--data",
    "test_path": "--test",
    "text_column": "--text-column",
    "label_column": "--label-column",
    "labels": "--labels",
    "metric": "--metric",
    "target_score": "--target-score",
    "max_trials": "--max-trials",
    "time_budget": "--time-budget",
    "min_class_rows": "--min-class-rows",
    "run_dir": "--out",
    "n_jobs": "--n-jobs",
    "families": "--families",
}
_NAMES = "|".join(sorted(FLAGS, key=len, reverse=True))
#: "x=1 (CLI: --x 1)" or "(CLI: --x, Python: x=)": the message already says both
_BOTH = re.compile(r"\b\w+=\S*\s*\(CLI:\s*([^,)]+)\)|\(CLI:\s*([^,)]+),\s*Python:[^)]*\)")
#: "(min_class_rows=N in Python)" after the flag form
_PYTHON_ASIDE = re.compile(r"\s*\([^()]*\bin Python\)")
_LIST_VALUE = re.compile(r"\blabels=\[([^\]]*)\]")
_VALUE = r"('[^']*'|\"[^\"]*\"|\S+?)(?=[\s,;:)]|\.(?:\s|$)|$)"
#: "name=" alone (or "name=...") becomes the flag; "name=value" the flag and the value
_ARG = re.compile(rf"\b({_NAMES})=(?:\.\.\.|(?=[\s.,;:)]|$)|{_VALUE})")


def as_cli_message(message: str) -> str:
    """Rewrite Python argument names in ``message`` as the flags a CLI user types.

    Example:
        >>> as_cli_message("text_column='txt' is not a column; pass text_column= with one.")
        "--text-column 'txt' is not a column; pass --text-column with one."
    """
    message = _BOTH.sub(lambda m: (m.group(1) or m.group(2)).strip(), message)
    message = _PYTHON_ASIDE.sub("", message)
    message = message.replace("overwrite=True", "--overwrite")
    message = _LIST_VALUE.sub(_labels_flag, message)
    return _ARG.sub(_flag, message)


def _flag(match: re.Match[str]) -> str:
    flag, value = FLAGS[match.group(1)], match.group(2)
    return f"{flag} {value}" if value else flag


def _labels_flag(match: re.Match[str]) -> str:
    items = [i.strip().strip("'\"") for i in match.group(1).split(",") if i.strip()]
    return "--labels " + (",".join(items) if items != ["..."] else "A,B")


def print_error(exc: BaseException) -> None:
    """One error line on stderr, in the CLI's words (flags, not Python arguments)."""
    console.print(f"[bold red]error:[/] {escape(as_cli_message(str(exc)))}")
