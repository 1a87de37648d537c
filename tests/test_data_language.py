"""Tests for openautoglm.data.detect_language."""

from __future__ import annotations

from openautoglm.data import detect_language

ZH = ["今天天气很好，我们去公园散步吧", "这部电影太差了，浪费时间", "苹果发布了新款iPhone手机"]
EN = ["The movie was great fun", "I did not enjoy the plot at all", "Stocks rallied on Monday"]


def test_chinese() -> None:
    assert detect_language(ZH) == "zh"


def test_english() -> None:
    assert detect_language(EN) == "en"


def test_mixed_corpus() -> None:
    # Half the texts Chinese, half English: Han share lands between the thresholds.
    mixed = ["这部电影太差了"] * 3 + ["the plot was slow and the acting was wooden"] * 3
    assert detect_language(mixed) == "mixed"


def test_urls_do_not_make_chinese_look_english() -> None:
    texts = [f"{t} https://example.com/some/very/long/path?query=string" for t in ZH]
    assert detect_language(texts) == "zh"


def test_empty_and_symbol_only_default_to_english() -> None:
    assert detect_language([]) == "en"
    assert detect_language(["123", "!!!"]) == "en"
