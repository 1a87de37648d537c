"""The offline rule parser: Chinese or English task descriptions to TaskSpec fields."""

from __future__ import annotations

import re

from openautoglm.data.readers import SUPPORTED_EXTENSIONS
from openautoglm.parse.clauses import METRICS
from openautoglm.parse.numbers import NUMBER, find_durations, to_number
from openautoglm.parse.result import ParseResult
from openautoglm.parse.rule_columns import find_columns
from openautoglm.parse.rule_labels import find_labels

_EXT = "|".join(sorted((e.lstrip(".") for e in SUPPORTED_EXTENSIONS), key=len, reverse=True))
_QUOTED_PATH = re.compile(rf"[\"'`“‘「『]([^\"'`”’」』\n]+?\.(?:{_EXT}))[\"'`”’」』]", re.I)
# ASCII only: in Chinese text a path touches the words around it ("用data/a.csv训练")
_BARE_PATH = re.compile(
    rf"(?<![A-Za-z0-9_./\\~-])((?:[A-Za-z]:)?[A-Za-z0-9_./\\~-]*[A-Za-z0-9_-]\.(?:{_EXT}))"
    rf"(?![A-Za-z0-9_])",
    re.I,
)
_TEST_CUE = re.compile(
    r"(?:test|evaluat\w*|eval|held[- ]out|测试|评估|评测|验证)[^.。;；]{0,20}$", re.I
)

# "data/dev.xlsx 测试", "b.csv for testing"
_TEST_AFTER = re.compile(
    r"\s*(?:做|作为|用于|用来|来)?\s*(?:测试|评估|评测|验证|for test|as test)", re.I
)

_TASK_CUES: dict[str, list[str]] = {
    "text_pair_classification": [
        r"\bpairs?\b", r"\bduplicates?\b", r"\bparaphrases?\b", r"\bentail", r"\bpremise\b",
        r"\bhypothesis\b", r"每对", r"一对", r"意思相同", r"是否相同",
        r"是否一致", r"\bnli\b", r"two (?:sentences|texts|questions)", r"句子对", r"文本对",
        r"两句话", r"两个句子", r"两段文本", r"蕴含", r"是否相似", r"语义相似", r"是否重复",
        r"复述",
    ],
    "multilabel_classification": [
        r"multi[- ]?label", r"multiple (?:labels|tags|categories)", r"more than one (?:label|tag|"
        r"category)", r"one or more (?:labels|tags|categories)", r"several (?:labels|tags)",
        r"all (?:the )?(?:topics|labels|tags|categories) that apply",
        r"can (?:have|carry|get) (?:several|multiple|more than one)", r"多标签", r"多个标签",
        r"多个类别", r"同时属于", r"多选",
    ],
    "text_regression": [
        r"\bregression\b", r"回归", r"\b(?:predict|estimate|forecast|score)\b[^.]{0,40}"
        r"\b(?:rating|score|price|value|amount|level|degree|number)\b",
        r"\bhow (?:toxic|positive|negative|much|many|likely|severe|relevant|good|bad)\b",
        r"\bon a [\d.]+\s*(?:-|to|–)\s*[\d.]+ scale\b", r"\bcontinuous\b", r"打分", r"评分值",
        r"预测[^。]{0,10}(?:分数|得分|数值|价格|评分)", r"连续值", r"数值",
    ],
}  # fmt: skip
_CLASSIFY = re.compile(
    r"classif|categori[sz]|\blabel (?:each|every|the)\b|\bsort\b|\btag\b|\bdetect|\bintent\b|"
    r"\bspam\b|\bsentiment\b|分类|分成|分为|归类|识别|判断|打标签|情感分析|\binto\b",
    re.I,
)
_TRIALS = [
    re.compile(rf"(?P<n>{NUMBER})\s*[- ]?\s*(?:trials?|configurations?|configs?|"
               rf"hyper-?parameter sets?)\b", re.I),
    re.compile(rf"\b(?:max(?:imum)?|at most|up to)\s*(?:of\s*)?(?P<n>{NUMBER})\s*trials?\b", re.I),
    re.compile(r"\bmax_trials\s*[=:]\s*(?P<n>\d+)", re.I),
    re.compile(rf"(?:尝试|试验|试|跑|搜索|实验)\s*(?P<n>{NUMBER})\s*(?:组|次|个|轮)"),
    re.compile(rf"(?P<n>{NUMBER})\s*(?:组参数|组超参数?|次试验|个试验|次尝试|组配置|个配置|轮试验|次实验|组实验)"),
]  # fmt: skip
_LATENCY = re.compile(
    rf"(?:latency|延迟|时延|响应时间|inference time|推理时间|预测时间|per (?:request|prediction))"
    rf"[^。；;,，]{{0,24}}?(?P<n>{NUMBER})\s*(?P<u>ms|milliseconds?|毫秒|seconds?|secs?|s|秒)(?![A-Za-z])"
    rf"|(?P<n2>{NUMBER})\s*(?P<u2>ms|milliseconds?|毫秒)(?![A-Za-z])",
    re.I,
)
_SIZE = re.compile(
    rf"(?P<n>{NUMBER})\s*(?P<u>[KMG]i?B|[KMG](?![A-Za-z])|兆|megabytes?|gigabytes?)", re.I
)
_TARGET = re.compile(
    r"(?:target|reach(?:es)?|at least|above|≥|>=|no less than|达到|不低于|至少|目标)\s*"
    r"(?:an?\s+|the\s+)?(?:[A-Za-z\u4e00-\u9fff\-\s]{0,16}?)(?:of|为|是|:|：|=)?\s*"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<pct>%|percent|个百分点)?(?![\d.])(?!\s*(?:ms|毫秒|MB|秒|分钟|小时|min|s\b|trials|组|次))",
    re.I,
)


class RuleParser:
    """Offline parser: regular patterns for Chinese and English, no network.

    Example:
        >>> RuleParser().parse("把 news.csv 分成科技、体育两类，限时10分钟").flat()["time_budget_s"]
        600.0
    """

    def parse(self, description: str) -> ParseResult:
        """Every field the words state, each with its evidence."""
        result = ParseResult(description=description, backend="rules")
        text = description.strip()
        masked = self._paths(text, result)
        task = self._task_type(masked, result)
        self._columns(masked, task, result)
        # a column the words name ("标签列是 sentiment") is never one of the labels
        labels, evidence = find_labels(masked, _column_names(result))
        if labels:
            result.set("labels", labels, "words", 0.85, evidence)
        self._metric(masked, result)
        spans = self._constraints(masked, result)
        self._time_budget(masked, spans, result)
        self._trials(masked, result)
        self._target(masked, result)
        return result

    # ------------------------------------------------------------------ paths
    def _paths(self, text: str, result: ParseResult) -> str:
        """Record the data file(s); return the text with paths blanked out."""
        found: list[tuple[str, int, int]] = []
        for pattern in (_QUOTED_PATH, _BARE_PATH):
            for match in pattern.finditer(text):
                if not any(s <= match.start(1) < e for _, s, e in found):
                    found.append((match.group(1), match.start(), match.end()))
        found.sort(key=lambda item: item[1])
        masked = text
        for _, start, end in found:
            masked = masked[:start] + " FILE " + " " * max(0, end - start - 6) + masked[end:]
        if not found:
            return masked
        tests = [
            p
            for p, s, e in found
            if _TEST_CUE.search(text[max(0, s - 30) : s]) or _TEST_AFTER.match(text[e : e + 12])
        ]
        tests = tests or [p for p, _, _ in found[1:] if re.search(r"test|dev|valid|测试", p, re.I)]
        trains = [p for p, _, _ in found if p not in tests]
        if trains:
            result.set("dataset_path", trains[0], "words", 0.95, trains[0])
        if tests:
            result.set("test_path", tests[0], "words", 0.9, tests[0])
        if not trains and tests:  # "evaluate on test.csv" alone still names the only data
            result.set("dataset_path", tests[0], "words", 0.5, tests[0])
            del result.fields["test_path"]
        return masked

    # ------------------------------------------------------------- task type
    def _task_type(self, text: str, result: ParseResult) -> str:
        for task in ("text_pair_classification", "multilabel_classification"):
            cue = _first_match(_TASK_CUES[task], text)
            if cue:
                result.set("task_type", task, "words", 0.85, cue)
                return task
        cue = _first_match(_TASK_CUES["text_regression"], text)
        explicit = re.search(r"regression|回归", text, re.I)
        if cue and (explicit or not _CLASSIFY.search(text)):
            result.set("task_type", "text_regression", "words", 0.8, cue)
            return "text_regression"
        match = _CLASSIFY.search(text)
        if match:
            result.set("task_type", "text_classification", "words", 0.9, match.group(0))
        return "text_classification"

    def _columns(self, text: str, task: str, result: ParseResult) -> None:
        columns = find_columns(text, task == "text_pair_classification")
        if columns.text is not None:
            result.set(
                "text_column", columns.text, "words", columns.confidence["text"],
                columns.evidence["text"],
            )  # fmt: skip
        if columns.label is not None:
            result.set(
                "label_column", columns.label, "words", columns.confidence["label"],
                columns.evidence["label"],
            )  # fmt: skip

    # ----------------------------------------------------------------- metric
    def _metric(self, text: str, result: ParseResult) -> None:
        hits: list[tuple[int, int, str, float]] = []
        for pattern, metric, confidence in METRICS:
            for match in re.finditer(pattern, text, re.I):
                if not any(s <= match.start() < e for s, e, _, _ in hits):
                    hits.append((match.start(), match.end(), metric, confidence))
        if not hits:
            return
        # the metric named next to "optimise"/"优化"/"为准" wins over one merely mentioned
        cue = re.search(r"optimi[sz]e|maximi[sz]e|metric|优化|指标|为准|衡量|评价", text, re.I)
        start, end, metric, confidence = min(
            hits, key=lambda h: abs(h[0] - cue.start()) if cue else h[0]
        )
        result.set("metric", metric, "words", confidence, text[start:end])

    # ------------------------------------------------------ budget and limits
    def _constraints(self, text: str, result: ParseResult) -> list[tuple[int, int]]:
        """Latency and model size; returns their spans so durations skip them."""
        spans = []
        match = _LATENCY.search(text)
        if match:
            number, unit = (
                match.group("n") or match.group("n2"),
                match.group("u") or match.group("u2"),
            )
            value = to_number(number)
            if value is not None:
                ms = (
                    value
                    if unit.lower() in ("ms", "毫秒") or unit.lower().startswith("milli")
                    else value * 1000
                )
                result.set("max_latency_ms", ms, "words", 0.9, match.group(0))
                spans.append(match.span())
        for match in _SIZE.finditer(text):
            value = to_number(match.group("n"))
            if value is None:
                continue
            unit = match.group("u").lower()
            factor = 1024.0 if unit.startswith("g") else (1 / 1024 if unit.startswith("k") else 1.0)
            result.set("max_model_mb", value * factor, "words", 0.85, match.group(0))
            spans.append(match.span())
            break
        return spans

    def _time_budget(self, text: str, skip: list[tuple[int, int]], result: ParseResult) -> None:
        for seconds, (start, end) in find_durations(text):
            if any(s <= start < e or start <= s < end for s, e in skip):
                continue
            result.set("time_budget_s", seconds, "words", 0.9, text[start:end])
            return

    def _trials(self, text: str, result: ParseResult) -> None:
        for pattern in _TRIALS:
            match = pattern.search(text)
            value = to_number(match.group("n")) if match else None
            if match and value is not None and value >= 1:
                result.set("max_trials", int(value), "words", 0.9, match.group(0))
                return

    def _target(self, text: str, result: ParseResult) -> None:
        for match in _TARGET.finditer(text):
            value = float(match.group("n"))
            if match.group("pct") or value > 1:
                value /= 100
            if 0 < value <= 1:
                result.set("target_score", value, "words", 0.8, match.group(0))
                return


def _column_names(result: ParseResult) -> list[str]:
    names: list[str] = []
    for field in ("text_column", "label_column"):
        value = result.value(field)
        names += value if isinstance(value, list) else [value] if value else []
    return names


def _first_match(patterns: list[str], text: str) -> str | None:
    for pattern in patterns:
        match = re.search(pattern, text, re.I)
        if match:
            return match.group(0)
    return None
