import json
from pathlib import Path

from conftest import make_texts
from typer.testing import CliRunner

from openautoglm.cli import app


def test_parse_json_uses_the_case_field_names_and_says_where_each_came_from(
    tmp_path: Path,
) -> None:
    make_texts(20).to_csv(tmp_path / "news.csv", index=False)
    description = "Classify news.csv into sports, tech and food; weighted F1; 90 seconds"
    out = CliRunner().invoke(app, ["parse", description, "--base-dir", str(tmp_path), "--json"])
    assert out.exit_code == 0, out.output
    parsed = json.loads(out.stdout)
    assert parsed["spec"]["labels"] == ["sports", "tech", "food"]
    assert parsed["spec"]["metric"] == "f1_weighted" and parsed["spec"]["time_budget_s"] == 90
    assert parsed["fields"]["label_column"]["source"] == "data"
    assert parsed["fields"]["time_budget_s"]["evidence"] == "90 seconds"


def test_an_open_question_exits_3_with_the_question_and_an_answer_settles_it(
    tmp_path: Path,
) -> None:
    make_texts(20).to_csv(tmp_path / "news.csv", index=False)
    args = ["parse", "classify news.csv as politics or music", "--base-dir", str(tmp_path)]
    out = CliRunner().invoke(app, [*args, "--json"])
    assert out.exit_code == 3
    question = json.loads(out.stdout)
    assert question["field"] == "labels" and question["options"] == ["food, sports, tech"]
    out = CliRunner().invoke(app, [*args, "--json", "--answer", "labels=sports,tech"])
    assert out.exit_code == 0 and json.loads(out.stdout)["spec"]["labels"] == ["sports", "tech"]


def test_run_from_a_description_needs_the_file_and_yes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = CliRunner().invoke(app, ["run", "classify later.csv as a or b", "--yes"])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    make_texts(20).to_csv(tmp_path / "news.csv", index=False)
    described = "把 news.csv 分成 sports、tech、food 三类，最多 2 组参数"
    unconfirmed = CliRunner().invoke(app, ["run", described, "--json"])
    assert unconfirmed.exit_code == 2 and "--yes" in unconfirmed.output
    out = CliRunner().invoke(
        app, ["run", described, "--yes", "--json", "--families", "complement_nb", "--out", "r"]
    )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)
    assert len(summary["leaderboard"]) == 2 and summary["metrics"]["accuracy"] > 0.8
    assert (tmp_path / "r" / "parse.json").is_file()


def test_plan_prints_the_dag_without_running(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        app, ["plan", "--data", str(tmp_path / "x.csv"), "--json", "--strategy", "pipeline"]
    )
    assert out.exit_code == 0, out.output
    plan = json.loads(out.stdout)
    assert plan["levels"][0] == ["load"] and ["featurize", "profile"] in plan["levels"]
    assert {t["family"] for t in plan["trials"]} >= {"tfidf_lr", "finetune"}
    assert not (tmp_path / "x.csv").exists() and not Path("state.db").exists()
