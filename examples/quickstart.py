"""Quickstart: the seed example on a small news file this script writes itself.

    python examples/quickstart.py

It then runs the same task described in plain words, and on the shared news_zh dataset when
that folder is present.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openautoglm import AutoTask, load

HERE = Path(__file__).resolve().parent
SHARED_NEWS = HERE.parents[1] / "shared" / "datasets" / "news_zh"

# A handful of hand-written headlines per class, enough to show the whole flow.
HEADLINES = {
    "科技": [
        "新一代国产芯片正式量产",
        "人工智能大模型开放测试",
        "手机厂商发布折叠屏新品",
        "云计算公司宣布降价",
        "自动驾驶出租车开始试运营",
        "量子计算机取得新突破",
        "新能源汽车电池续航再提升",
        "互联网公司发布年度财报",
        "机器人进入家庭服务市场",
        "操作系统推送重大更新",
        "卫星互联网完成组网测试",
        "科研团队研发新型存储器",
        "智能手表新增健康监测",
        "软件开源社区迎来新版本",
        "数据中心采用液冷技术",
    ],
    "体育": [
        "梅西打进制胜球",
        "国足主场战胜对手",
        "女排夺得世界杯冠军",
        "篮球联赛总决赛今晚开打",
        "马拉松比赛吸引万人参赛",
        "网球名将晋级四强",
        "奥运会游泳项目再破纪录",
        "乒乓球队包揽全部金牌",
        "足球俱乐部签下新外援",
        "短跑选手刷新亚洲纪录",
        "冬奥会滑雪项目开赛",
        "羽毛球公开赛决赛落幕",
        "中超联赛第十轮战罢",
        "拳击手卫冕金腰带",
        "田径锦标赛闭幕",
    ],
    "娱乐": [
        "新电影票房突破十亿",
        "歌手发布全新专辑",
        "热门综艺节目第二季开播",
        "电视剧收视率创新高",
        "演员获得最佳女主角奖",
        "音乐节门票开售即售罄",
        "导演新作定档国庆",
        "明星婚礼在海边举行",
        "动画电影登顶票房榜",
        "偶像团体举办巡回演唱会",
        "电影节公布入围名单",
        "话剧演出一票难求",
        "网络剧播放量破亿",
        "选秀节目总决赛落幕",
        "喜剧电影口碑爆棚",
    ],
}


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
    print(load(model_dir).predict(["央行宣布降准", "梅西打进制胜球", "新电影定档春节"]))


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
