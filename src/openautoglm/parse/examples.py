"""Worked examples for few-shot prompts: description → the fields it states (nothing else)."""

from __future__ import annotations

from typing import Any

EXAMPLES: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "把 corpus/weibo.csv 中的微博按情绪分成喜悦、愤怒、悲伤三类，限时20分钟",
        {
            "task_type": "text_classification",
            "dataset_path": "corpus/weibo.csv",
            "labels": ["喜悦", "愤怒", "悲伤"],
            "time_budget_s": 1200,
        },
    ),
    (
        "Label the tickets in support/tickets.jsonl as bug, feature or question; optimise "
        "macro F1 and stop after 8 trials.",
        {
            "task_type": "text_classification",
            "dataset_path": "support/tickets.jsonl",
            "labels": ["bug", "feature", "question"],
            "metric": "f1_macro",
            "max_trials": 8,
        },
    ),
    (
        "Estimate the price of each listing in listings.csv from its description; the target "
        "column is price.",
        {
            "task_type": "text_regression",
            "dataset_path": "listings.csv",
            "label_column": "price",
        },
    ),
    (
        "用 data/train.xlsx 训练、data/dev.xlsx 测试意图识别模型，文本列叫 query，标签列叫 intent，"
        "准确率达到 0.92 就停",
        {
            "task_type": "text_classification",
            "dataset_path": "data/train.xlsx",
            "test_path": "data/dev.xlsx",
            "text_column": "query",
            "label_column": "intent",
            "metric": "accuracy",
            "target_score": 0.92,
        },
    ),
    (
        "Tag each article in news.parquet with all topics that apply (an article can have "
        "several); the tags are in the 'topics' column; budget 45 minutes.",
        {
            "task_type": "multilabel_classification",
            "dataset_path": "news.parquet",
            "label_column": "topics",
            "time_budget_s": 2700,
        },
    ),
    (
        "判断 qa_pairs.csv 里每对问题（q1 和 q2）是否意思相同，"
        "模型要小于 20MB，单条延迟不超过 10 毫秒",
        {
            "task_type": "text_pair_classification",
            "dataset_path": "qa_pairs.csv",
            "text_column": ["q1", "q2"],
            "max_model_mb": 20,
            "max_latency_ms": 10,
        },
    ),
)
