"""The run's token cache: computed once, append-only, robust to torn and concurrent writes."""

import multiprocessing as mp
from pathlib import Path

from openautoglm.models.feature_cache import FeatureCache


def _upper(texts: list[str]) -> list[str]:
    return [t.upper() for t in texts]


def test_tokens_are_computed_once_and_appended(tmp_path) -> None:
    calls: list[list[str]] = []

    def compute(texts: list[str]) -> list[str]:
        calls.append(texts)
        return _upper(texts)

    cache = FeatureCache(tmp_path)
    assert cache.tokens("t", ["a", "b", "a"], compute) == ["A", "B", "A"]
    assert cache.tokens("t", ["b", "c"], compute) == ["B", "C"]
    assert calls == [["a", "b"], ["c"]]
    assert len((tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_a_torn_line_is_recomputed_not_fatal(tmp_path) -> None:
    cache = FeatureCache(tmp_path)
    cache.tokens("t", ["a", "b"], _upper)
    with (tmp_path / "t.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('["deadbeef", "TOR')  # a writer killed mid-line
    assert FeatureCache(tmp_path).tokens("t", ["a", "b", "z"], _upper) == ["A", "B", "Z"]


def _worker(root: str, start: int) -> None:
    texts = [f"text {i}" for i in range(start, start + 2000)]
    FeatureCache(root).tokens("t", texts, _upper)


def test_processes_appending_at_once_leave_a_readable_table(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    workers = [ctx.Process(target=_worker, args=(str(tmp_path), s)) for s in (0, 1000, 2000)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    texts = [f"text {i}" for i in range(4000)]
    recomputed: list[str] = []

    def compute(missing: list[str]) -> list[str]:
        recomputed.extend(missing)
        return _upper(missing)

    assert FeatureCache(tmp_path).tokens("t", texts, compute) == _upper(texts)
    assert recomputed == []  # every row written by the three processes is readable
