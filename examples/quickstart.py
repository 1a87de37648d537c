"""Quickstart: the seed example on a small news file this script writes itself.

    python examples/quickstart.py

It then runs the same task described in plain words, and on the shared news_zh dataset when
that folder is present.
"""

from __future__ import annotations

import csv
from pathlib import Path

from headlines import HEADLINES  # 80 hand-written headlines a class, beside this script

from openautoglm import AutoTask, load

HERE = Path(__file__).resolve().parent
SHARED_NEWS = HERE.parents[1] / "shared" / "datasets" / "news_zh"


def write_example(path: Path) -> Path:
    """Write the example file (text,label) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for label, texts in HEADLINES.items():
            writer.writerows([text, label] for text in texts)
    return path


def run(dataset: Path, run_dir: Path, test_path: Path | None = None) -> None:
    """The seed example: train with three trials, print metrics, save and reload."""
    task = AutoTask(
        task="text_classification",
        dataset_path=dataset,
        test_path=test_path,
        labels=["科技", "体育", "娱乐"],
        run_dir=run_dir,
    )
    result = task.run(max_trials=3, overwrite=True)
    print(result)
    print({k: round(v, 4) for k, v in result.metrics.items() if isinstance(v, float)})
    print(result.leaderboard[["trial", "family", "score", "fit_s", "predict_rows_per_s"]])
    model_dir = result.save(run_dir.parent / f"{run_dir.name}-model", overwrite=True)
    print(load(model_dir).predict(["国产手机发布新款芯片", "梅西打进制胜球", "新电影定档春节"]))


def run_described(run_dir: Path) -> None:
    """The same task said in plain words: the parser works out the spec, then it runs."""
    task = AutoTask.from_description(
        "把 examples/data/news.csv 里的新闻分成科技、体育、娱乐三类，优化宏F1，最多 3 组参数",
        base_dir=HERE.parent,
        run_dir=run_dir,
    )
    print(task.spec.model_dump_json(indent=2))
    for name, field in task.parsed.fields.items():
        print(f"{name}: {field.value!r} ({field.source}, {field.confidence:.2f})")
    print(task.run(overwrite=True))


if __name__ == "__main__":
    run(write_example(HERE / "data" / "news.csv"), Path("runs") / "quickstart")
    run_described(Path("runs") / "quickstart-described")
    if (SHARED_NEWS / "train.csv").is_file():
        run(
            SHARED_NEWS / "train.csv", Path("runs") / "quickstart-news_zh", SHARED_NEWS / "test.csv"
        )
