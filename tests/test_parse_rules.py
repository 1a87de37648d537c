import json
from pathlib import Path

import pytest

from openautoglm.parse import RuleParser
from openautoglm.parse.examples import EXAMPLES
from openautoglm.parse.numbers import cn_number, find_durations

CASES = Path(__file__).resolve().parents[2] / "shared" / "parser" / "cases.jsonl"


def _cases() -> list[dict]:
    if not CASES.is_file():
        return []
    return [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.skipif(not CASES.is_file(), reason="shared parser cases are not available")
@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["text"][:30])
def test_rule_parser_yields_every_field_of_the_shared_cases(case: dict) -> None:
    flat = RuleParser().parse(case["text"]).with_defaults().flat()
    assert {k: flat.get(k) for k in case["expect"]} == case["expect"]


@pytest.mark.parametrize(("text", "fields"), EXAMPLES, ids=lambda v: str(v)[:30])
def test_rule_parser_reads_the_few_shot_examples(text: str, fields: dict) -> None:
    flat = RuleParser().parse(text).with_defaults().flat()
    assert {k: flat.get(k) for k in fields} == fields


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "用 train.csv 训练、用 test.csv 测试，判断新闻属于财经、科技或者体育，准确率达到90%，"
            "最多跑 30 次试验，两个半小时",
            {
                "dataset_path": "train.csv",
                "test_path": "test.csv",
                "labels": ["财经", "科技", "体育"],
                "metric": "accuracy",
                "target_score": 0.9,
                "max_trials": 30,
                "time_budget_s": 9000.0,
            },
        ),
        (
            "Classify tweets in data/tweets.tsv into positive, neutral and negative; target "
            "accuracy 0.9, 1.5 hours max, latency under 20 ms, model under 1 GB",
            {
                "labels": ["positive", "neutral", "negative"],
                "target_score": 0.9,
                "time_budget_s": 5400.0,
                "max_latency_ms": 20.0,
                "max_model_mb": 1024.0,
            },
        ),
        (
            "I want to optimise weighted F1 on 'my data/reviews.csv' with 'review_text' as the "
            "text and 'rating' as the label, 45 minutes, 5 configs",
            {
                "dataset_path": "my data/reviews.csv",
                "text_column": "review_text",
                "label_column": "rating",
                "metric": "f1_weighted",
                "time_budget_s": 2700.0,
                "max_trials": 5,
            },
        ),
        ("情感分析：comments.jsonl，标签为 pos/neg，限时 90 秒", {"labels": ["pos", "neg"]}),
        (
            "把 reviews.xlsx 分为好评和差评，模型大小不超过 50MB，单条预测延迟小于 1 秒",
            {"labels": ["好评", "差评"], "max_model_mb": 50.0, "max_latency_ms": 1000.0},
        ),
        (
            "Are these two questions paraphrases? data.csv with columns question1, question2, "
            "label",
            {
                "task_type": "text_pair_classification",
                "text_column": ["question1", "question2"],
                "label_column": "label",
            },
        ),
        (
            "predict price from description in items.parquet, column price",
            {"task_type": "text_regression", "label_column": "price"},
        ),
        (
            "spam filter for sms.csv (ham/spam), half an hour",
            {"labels": ["ham", "spam"], "time_budget_s": 1800.0},
        ),
    ],
    ids=lambda v: str(v)[:30],
)
def test_rule_parser_generalises_to_other_phrasings(text: str, expect: dict) -> None:
    flat = RuleParser().parse(text).with_defaults().flat()
    assert {k: flat.get(k) for k in expect} == expect


def test_evidence_and_confidence_are_recorded() -> None:
    result = RuleParser().parse("把 news.csv 分成科技、体育两类，限时10分钟")
    budget = result.fields["time_budget_s"]
    assert budget.source == "words" and budget.evidence == "10分钟" and 0 < budget.confidence <= 1
    assert "task_type" in result.fields and "metric" not in result.fields  # metric: a default
    assert result.with_defaults().fields["metric"].source == "default"


def test_numbers_and_durations_in_words() -> None:
    assert cn_number("二十五") == 25 and cn_number("两") == 2 and cn_number("一百零五") == 105
    assert [s for s, _ in find_durations("半小时")] == [1800.0]
    assert [s for s, _ in find_durations("1h30m")] == [5400.0]
    assert [s for s, _ in find_durations("an hour and a half")] == [5400.0]
    assert find_durations("延迟 5 毫秒, 5 ms, 五分类, (ham/spam)") == []
