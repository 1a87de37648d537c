"""Fields the words leave unsure become questions, not guesses; answers and the data settle them."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from openautoglm.cli import app
from openautoglm.parse import ClarificationNeeded, ParseResult, RuleParser, parse_description
from openautoglm.parse.description import doubtful_fields

#: an English word set apart in Chinese reads as a column, though not surely
UNSURE = "review 要分成正面、负面，数据 r.csv"
#: a pair task that names one of its two texts
ONE_OF_TWO = "判断 pairs.csv 里两句话是否意思相同，句子在 content 列，标签列 same"


def test_an_unsure_field_is_a_question_with_the_reading_as_its_option() -> None:
    result = RuleParser().parse(ONE_OF_TWO)
    assert "text_column" not in result.fields  # not guessed
    (question,) = result.questions
    assert question.field == "text_column" and question.guess == "content"
    assert question.options == ["content"] and question.confidence < 0.5
    assert "content" in question.question
    # what the words state surely is still read
    assert result.value("task_type") == "text_pair_classification"
    assert result.value("label_column") == "same"


def test_sure_readings_are_fields_and_every_field_has_a_confidence() -> None:
    result = RuleParser().parse("把 news.csv 分成科技、体育两类，文本列 content，标签列 label")
    assert result.questions == []
    assert {name: item.confidence >= 0.8 for name, item in result.fields.items()} == {
        "task_type": True, "dataset_path": True, "text_column": True, "label_column": True,
        "labels": True,
    }  # fmt: skip


def test_parse_description_keeps_the_question_and_an_answer_settles_it(tmp_path: Path) -> None:
    result = parse_description(ONE_OF_TWO, base_dir=tmp_path)
    assert [q.field for q in result.questions] == ["text_column"]
    answered = parse_description(
        ONE_OF_TWO, base_dir=tmp_path, answers={"text_column": "content, other"}
    )
    assert answered.questions == []
    assert answered.value("text_column") == ["content", "other"]
    assert answered.fields["text_column"].source == "answer"


def test_the_data_files_header_settles_an_unsure_column(tmp_path: Path) -> None:
    unsure = parse_description(UNSURE, base_dir=tmp_path)
    assert "text_column" not in unsure.fields  # too unsure a reading is not guessed
    pd.DataFrame(
        {"review": [f"评论 {i}" for i in range(20)], "label": ["正面", "负面"] * 10}
    ).to_csv(tmp_path / "r.csv", index=False)
    result = parse_description(UNSURE, base_dir=tmp_path)
    assert result.questions == []
    assert result.value("text_column") == "review"
    assert result.fields["text_column"].source == "words"  # the header confirmed the words


def test_a_missing_data_file_is_a_clarification_that_keeps_what_was_parsed(
    tmp_path: Path,
) -> None:
    with pytest.raises(ClarificationNeeded) as info:
        parse_description("classify my reviews as good or bad within 10 minutes", tmp_path)
    assert info.value.field == "dataset_path"
    assert info.value.partial is not None
    assert info.value.partial.value("labels") == ["good", "bad"]
    assert info.value.partial.value("time_budget_s") == 600


def test_the_cli_lists_the_questions_in_its_json(tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["parse", ONE_OF_TWO, "--base-dir", str(tmp_path), "--json"])
    assert out.exit_code == 0, out.output
    parsed = json.loads(out.stdout)
    assert [q["field"] for q in parsed["questions"]] == ["text_column"]
    assert parsed["questions"][0]["options"] == ["content"]
    assert "text_column" not in parsed["spec"]


def test_the_llm_is_asked_about_the_open_questions_and_the_disagreements() -> None:
    rules = RuleParser().parse(ONE_OF_TWO)
    rules.set("metric", "accuracy", "words", 0.9, "accuracy")
    from_llm = ParseResult(description=ONE_OF_TWO, backend="llm:m")
    from_llm.set("text_column", ["content", "other"], "llm", 0.7, "the LLM's answer")
    from_llm.set("metric", "f1_macro", "llm", 0.7, "the LLM's answer")
    from_llm.set("label_column", "same", "llm", 0.7, "the LLM's answer")  # agrees: not asked
    assert doubtful_fields(rules, from_llm) == {
        "text_column": ["content", ["content", "other"]],  # the rules' reading, the LLM's
        "metric": ["accuracy", "f1_macro"],
    }
