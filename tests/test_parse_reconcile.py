from pathlib import Path

import pandas as pd
import pytest

from openautoglm import AutoTask, ClarificationNeeded
from openautoglm.data import DataError
from openautoglm.parse import parse_description


def _write(folder: Path, name: str, frame: pd.DataFrame) -> Path:
    path = folder / name
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def reviews(tmp_path: Path) -> Path:
    frame = pd.DataFrame(
        {
            "content": [f"评论 {i} 很好看" if i % 2 else f"评论 {i} 太难看" for i in range(40)],
            "sentiment": ["正面" if i % 2 else "负面" for i in range(40)],
        }
    )
    return _write(tmp_path, "reviews.csv", frame)


def test_missing_fields_are_inferred_from_the_data(reviews: Path) -> None:
    result = parse_description("把 reviews.csv 的评论做情感分类", base_dir=reviews.parent)
    assert result.value("text_column") == "content"
    assert result.value("label_column") == "sentiment"
    assert result.value("labels") == ["正面", "负面"]
    assert result.fields["label_column"].source == "data"
    assert "sentiment" in (result.fields["label_column"].evidence or "")


def test_a_pair_task_takes_its_two_texts_from_the_data_or_asks(
    reviews: Path, tmp_path: Path
) -> None:
    # one text column named for a pair task is half a reading: never filled with a guess
    said = "判断 reviews.csv 里两句话是否意思相同，句子在 content 列，标签列 sentiment"
    result = parse_description(said, base_dir=reviews.parent)
    assert result.value("task_type") == "text_pair_classification"
    assert result.value("text_column") is None
    assert [q.field for q in result.questions] == ["text_column"]
    pairs = pd.DataFrame(
        {"question1": ["a", "b"] * 5, "question2": ["c", "d"] * 5, "y": [0, 1] * 5}
    )
    _write(tmp_path, "pairs.csv", pairs)
    result = parse_description("判断 pairs.csv 里两句话是否意思相同", base_dir=tmp_path)
    assert result.value("text_column") == ["question1", "question2"]
    assert result.fields["text_column"].source == "data" and not result.questions


def test_labels_the_data_lacks_raise_one_question_with_the_datas_labels(reviews: Path) -> None:
    with pytest.raises(ClarificationNeeded) as info:
        parse_description("把 reviews.csv 分成好评和差评", base_dir=reviews.parent)
    assert info.value.field == "labels"
    assert "好评" in info.value.question and info.value.options == ["正面, 负面"]
    answered = parse_description(
        "把 reviews.csv 分成好评和差评", base_dir=reviews.parent, answers={"labels": "正面, 负面"}
    )
    assert answered.value("labels") == ["正面", "负面"]
    assert answered.fields["labels"].source == "answer"


def test_label_ids_in_the_data_are_mapped_to_the_named_labels(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": [f"t{i} words here" for i in range(20)], "y": ["0", "1"] * 10})
    _write(tmp_path, "ids.csv", frame)
    result = parse_description("classify ids.csv as negative or positive", base_dir=tmp_path)
    assert result.value("label_map") == {"0": "negative", "1": "positive"}
    assert any("mapped" in w for w in result.warnings)


def test_two_label_like_columns_raise_a_question_naming_both(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"text": [f"row {i} text" for i in range(20)], "label": ["a", "b"] * 10,
         "category": ["x", "y"] * 10}
    )  # fmt: skip
    _write(tmp_path, "two.csv", frame)
    with pytest.raises(ClarificationNeeded) as info:
        parse_description("classify two.csv", base_dir=tmp_path)
    assert info.value.field == "label_column"
    assert set(info.value.options) == {"label", "category"}


def test_a_column_the_data_lacks_is_a_question_listing_the_columns(reviews: Path) -> None:
    with pytest.raises(ClarificationNeeded) as info:
        parse_description("reviews.csv, label column 'stars'", base_dir=reviews.parent)
    assert info.value.field == "label_column"
    assert info.value.options == ["content", "sentiment"]


def test_no_data_file_is_a_question_and_a_missing_file_a_warning(tmp_path: Path) -> None:
    with pytest.raises(ClarificationNeeded) as info:
        parse_description("classify my reviews as good or bad", base_dir=tmp_path)
    assert info.value.field == "dataset_path"
    result = parse_description("classify later.csv as good or bad", base_dir=tmp_path)
    assert result.value("labels") == ["good", "bad"]
    assert any("does not exist" in w for w in result.warnings)
    with pytest.raises(DataError, match="does not exist"):
        parse_description("classify later.csv", base_dir=tmp_path, require_data=True)


def test_an_empty_description_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        parse_description("   ")


def test_from_description_builds_the_spec_and_refuses_untrainable_types(
    reviews: Path,
) -> None:
    task = AutoTask.from_description(
        "把 reviews.csv 的评论分成正面、负面两类，优化宏F1，限时10分钟", base_dir=reviews.parent
    )
    spec = task.spec
    assert spec.metric == "f1_macro" and spec.budget.time_s == 600.0
    assert spec.labels == ["正面", "负面"] and Path(spec.dataset_path) == reviews
    pair = AutoTask.from_description(
        "判断 reviews.csv 中两句话（content 和 sentiment）是否意思相同", base_dir=reviews.parent
    )
    assert pair.spec.task_type == "text_pair_classification"
    with pytest.raises(DataError, match="label_column 'sentiment' is also a text column"):
        pair.run()  # pairs train now; this file has no label column besides the two sides


def test_a_described_task_trains_and_keeps_its_parse(reviews: Path, tmp_path: Path) -> None:
    task = AutoTask.from_description(
        "把 reviews.csv 的评论分成正面、负面两类，最多 2 组参数", base_dir=reviews.parent,
        run_dir=tmp_path / "run", families=["tfidf_lr", "complement_nb"],
    )  # fmt: skip
    result = task.run()
    assert len(result.leaderboard) == 2  # the words' trial cap
    assert result.metrics["accuracy"] > 0.7
    assert (tmp_path / "run" / "parse.json").is_file()


# --- a label the words name and the data lacks (issue 8, item 12) -----------------------------


@pytest.fixture
def tickets(tmp_path: Path) -> Path:
    kinds = ["billing", "shipping"]
    frame = pd.DataFrame(
        {"body": [f"ticket {i} about {kinds[i % 2]}" for i in range(40)],
         "kind": [kinds[i % 2] for i in range(40)]}
    )  # fmt: skip
    return _write(tmp_path, "tickets.csv", frame)


@pytest.mark.parametrize(
    "separator", ["、", "，", ",", "；", ";", "/", "|", "｜", " ", "和", "或", "或者"]
)
def test_a_chinese_label_the_data_lacks_is_a_question_whatever_its_separator(
    reviews: Path, separator: str
) -> None:
    text = f"把 reviews.csv 分为正面{separator}负面{separator}中性，优化宏F1，10分钟内完成"
    with pytest.raises(ClarificationNeeded) as info:
        parse_description(text, base_dir=reviews.parent)
    assert info.value.field == "labels"
    assert "中性" in info.value.question and info.value.options == ["正面, 负面"]


@pytest.mark.parametrize("separator", [", ", "; ", " / ", " | ", "，", "；", " or "])
def test_an_english_label_the_data_lacks_is_a_question_whatever_its_separator(
    tickets: Path, separator: str
) -> None:
    text = (
        f"Classify the tickets in tickets.csv as billing{separator}shipping{separator}returns; "
        "optimise macro F1 and finish within 10 minutes"
    )
    with pytest.raises(ClarificationNeeded) as info:
        parse_description(text, base_dir=tickets.parent)
    assert info.value.field == "labels"
    assert "returns" in info.value.question and "F1" not in info.value.question


@pytest.mark.parametrize(
    "text",
    [
        "Classify the tickets in tickets.csv as billing or shipping, optimise macro F1 and finish "
        "within 10 minutes",
        "Classify tickets.csv as billing; shipping; optimise macro F1; 10 minutes",
        "把 tickets.csv 的工单分为 billing；shipping，优化宏F1，10分钟内完成",
        "把 tickets.csv 分为 billing 或 shipping 并优化宏F1，限时10分钟",
    ],
    ids=lambda v: v[:30],
)
def test_constraints_after_the_labels_leave_the_datas_labels_unquestioned(
    tickets: Path, text: str
) -> None:
    result = parse_description(text, base_dir=tickets.parent)
    assert result.value("labels") == ["billing", "shipping"]
    assert result.fields["labels"].source == "words"
    assert result.value("metric") == "f1_macro" and result.value("time_budget_s") == 600.0


def test_an_answered_label_keeps_its_slash_when_commas_separate(tmp_path: Path) -> None:
    topics = ["World", "Sci/Tech"]
    frame = pd.DataFrame({"text": [f"news item {i} here" for i in range(20)], "topic": topics * 10})
    _write(tmp_path, "news.csv", frame)
    result = parse_description(
        "Sort news.csv into world and tech news", base_dir=tmp_path,
        answers={"labels": "World, Sci/Tech"},
    )  # fmt: skip
    assert result.value("labels") == ["World", "Sci/Tech"]
