"""The command line speaks in flags: errors and notes name --options, not Python arguments."""

import json

import pandas as pd
from conftest import make_texts
from typer.testing import CliRunner

from openautoglm.cli import app
from openautoglm.cli_messages import as_cli_message


def _data(tmp_path):
    path = tmp_path / "en.csv"
    make_texts(20).to_csv(path, index=False)
    return path


def test_cli_errors_name_flags_not_python_arguments(tmp_path):
    data = _data(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["run", "--data", str(data), "--text-column", "txt", "--out", str(out)]
    )
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "--text-column 'txt' is not a column" in message
    assert "text_column" not in message


def test_cli_message_rewrites_python_arguments_only() -> None:
    assert as_cli_message("pass overwrite=True to replace it") == "pass --overwrite to replace it"
    assert as_cli_message("check label_column=.") == "check --label-column."
    assert (
        as_cli_message("drop them with --min-class-rows 3 (min_class_rows=3 in Python).")
        == "drop them with --min-class-rows 3."
    )
    assert as_cli_message("not in labels=['a', 'b']") == "not in --labels a,b"
    assert as_cli_message("a sentence with no arguments = fine") == (
        "a sentence with no arguments = fine"
    )


def test_a_class_too_small_names_the_class_and_the_flag_that_drops_it(tmp_path):
    frame = make_texts(20)
    frame = pd.concat([frame, pd.DataFrame({"text": ["odd one", "odd two"], "label": "rare"})])
    path = tmp_path / "rare.csv"
    frame.to_csv(path, index=False)
    result = CliRunner().invoke(app, ["run", "--data", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "'rare'" in message and "--min-class-rows 3" in message
    assert "min_class_rows" not in message
    dropped = CliRunner().invoke(
        app,
        ["run", "--data", str(path), "--out", str(tmp_path / "o2"), "--min-class-rows", "3",
         "--max-trials", "1", "--families", "complement_nb", "--json"],
    )  # fmt: skip
    assert dropped.exit_code == 0, dropped.output
    summary = json.loads(dropped.stdout[dropped.stdout.index("{") :])
    assert "rare" not in summary["metrics"]["per_class"]
    assert any("rare" in note for note in summary["notes"])
