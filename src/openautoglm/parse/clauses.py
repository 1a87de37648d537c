"""Phrases that say how to build the model (metric, budget, limits, orders): never a label.

A label list in a description is often followed by more instructions with no full stop between
("…as billing, shipping or returns, optimise macro F1 and finish within 10 minutes"). The list
reader asks :func:`states_a_constraint` of each item so that such a clause ends the list instead
of becoming a label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from openautoglm.parse.numbers import find_durations

#: metric phrases: (pattern, metric, confidence); the rule parser reads the metric from these.
#: Order matters where phrases overlap: "subset accuracy" before "accuracy", named F1s before F1.
_METRIC_PATTERNS: list[tuple[str, str, float]] = [
    (r"micro[\s_-]*(?:avg|average|averaged)?[\s_-]*f1(?:[\s_-]*score)?|f1[\s_-]*micro|"
     r"微\s*(?:平均)?\s*f1(?:值|分数)?|f1\s*[(（]\s*(?:micro|微平均|微)\s*[)）]|f1\s*(?:值)?\s*微平均|"
     r"f1\s*(?:用|要|取|算|按)\s*(?:micro|微)",
     "f1_micro", 0.95),
    (r"samples?[\s_-]*(?:avg|average|averaged|based)?[\s_-]*f1(?:[\s_-]*score)?|f1[\s_-]*samples?|"
     r"example[\s_-]*based[\s_-]*f1|样本\s*(?:平均)?(?:的)?\s*f1(?:值|分数)?|f1\s*(?:值)?\s*(?:按)?样本平均|"
     r"按样本(?:算|计算|平均)?\s*(?:的)?\s*f1|"
     r"f1\s*[(（]\s*(?:samples?|样本)(?:\s*(?:avg|average|平均))?\s*[)）]", "f1_samples", 0.95),
    (r"subset[\s_-]*accuracy|exact[\s_-]*match(?:[\s_-]*(?:ratio|accuracy|rate))?|子集准确率|"
     r"完全匹配率?|精确匹配率?", "subset_accuracy", 0.95),
    (r"hamming(?:[\s_-]*loss)?|汉明损失|海明损失", "hamming_loss", 0.95),
    (r"pearson(?:'s)?(?:[\s_-]*(?:r\b|correlation|corr\b|coefficient)|\s*相关(?:性|系数)?)?|"
     r"皮尔[逊森](?:相关(?:性|系数)?)?", "pearson", 0.95),
    (r"spearman(?:'s)?(?:[\s_-]*(?:rho\b|ρ|r\b|correlation|corr\b|coefficient)|"
     r"\s*(?:秩)?相关(?:性|系数)?)?|斯皮尔曼(?:秩?相关(?:性|系数)?)?|秩相关(?:性|系数)?",
     "spearman", 0.95),
    # a bare "R2" only with a target, a number or a metric word next to it ("R1、R2、R3" are
    # classes, and a class is read alone)
    (r"\bR\s*(?:\^\s*2|²)|\bR[\s_-]?squared\b|\br2[\s_-]*score\b|"
     r"\br2\b(?=\s*[,，]?\s*(?:target|要|达到|做到|到\s*\d|目标|>=|≥|>|of\b|as\b|at least|above|"
     r"不低于|至少|大于|超过|"
     r"作为|为准|\d|\.\d))|"
     r"\br2\b(?=\s*(?:指标|评估|metric|please))|"
     r"(?<=optimi[sz]e\s)r2\b|(?<=maximi[sz]e\s)r2\b|(?<=report\s)r2\b|"
     r"(?<=metric[:：=\s])\s*r2\b|(?:(?<=用)|(?<=看)|(?<=指标)|(?<=评估))\s*r2\b|(?<=target)\s*r2\b|"
     # "评价：r2", "evaluate with r2"
     r"(?:(?<=评价)|(?<=评价[:：])|(?<=评估[:：])|(?<=指标[:：]))\s*r2\b|"
     r"(?:(?<=evaluate with\s)|(?<=evaluated with\s)|(?<=evaluate on\s)|(?<=evaluate using\s)|"
     r"(?<=scored by\s)|(?<=score with\s))r2\b|"
     # "…, 45 minutes, r2." or "(los = target). r2." at the end
     r"(?:(?<=[,，;；.。)）])|(?<=[,，;；.。)）]\s))r2\b(?=\s*[。.]?\s*$)|"
     # "(body, helpful_ratio). r2. Also …": a sentence of its own
     r"(?:(?<=[;；.。)）])|(?<=[;；.。)）]\s))r2\b(?=\s*[。.;；](?:\s|$))|"
     r"coefficient of determination|决定系数|拟合优度|R方", "r2", 0.95),
    (r"\brmse\b|root[\s_-]*mean[\s_-]*squared?[\s_-]*error|均方根误差", "rmse", 0.95),
    (r"\bmae\b|mean[\s_-]*absolute[\s_-]*error|平均绝对误差", "mae", 0.95),
    # the same ranking as RMSE (a target in MSE units would differ, hence the lower confidence)
    (r"\bmse\b|mean[\s_-]*squared?[\s_-]*error|均方误差", "rmse", 0.75),
    (r"macro[\s_-]*(?:avg|average|averaged)?[\s_-]*f1(?:[\s_-]*score)?|f1[\s_-]*macro|"
     r"宏\s*(?:平均)?\s*f1(?:值|分数)?|f1\s*[(（]\s*(?:macro|宏平均|宏)\s*[)）]|"
     r"f1\s*(?:用|要|取|算|按)\s*(?:macro|宏)", "f1_macro", 0.95),
    (r"weighted[\s_-]*(?:avg|average|averaged)?[\s_-]*f1(?:[\s_-]*score)?|f1[\s_-]*weighted|"
     r"加权\s*(?:平均)?\s*f1(?:值|分数)?|f1\s*[(（]\s*(?:weighted|加权)\s*[)）]|"
     r"f1\s*(?:用|要|取|算|按)\s*(?:加权|weighted)", "f1_weighted",
     0.95),
    (r"log[\s_-]*loss|cross[\s-]*entropy|对数损失|交叉熵", "log_loss", 0.95),
    (r"\baccuracy\b|\bacc\b|准[确却]率|正确率|准确度|精度", "accuracy", 0.95),
    (r"\bf1(?:[\s_-]*score)?\b|f1\s*值|f1\s*分数", "f1_macro", 0.7),
]  # fmt: skip
#: \b is no boundary between a Chinese character and a Latin letter ("指标rmse", "看F1"): a
#: metric's name ends where ASCII letters and digits do
_ASCII_EDGE = r"(?:(?<![A-Za-z0-9_])(?=[A-Za-z0-9_])|(?<=[A-Za-z0-9_])(?![A-Za-z0-9_]))"
METRICS: list[tuple[str, str, float]] = [
    (pattern.replace(r"\b", _ASCII_EDGE), metric, confidence)
    for pattern, metric, confidence in _METRIC_PATTERNS
]
_OTHER_METRICS = r"\bprecision\b|\brecall\b|\bauc\b|召回率|精确率"
_METRIC = re.compile("|".join([*(f"(?:{p})" for p, _, _ in METRICS), _OTHER_METRICS]), re.I)
# a limit with its unit: 90%, 50 MB, 20 ms, 8 trials, 30 次, 20 组 (digits only: 一组 is a name)
_QUANTITY = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|percent\b|个百分点|[KMG]i?B\b|兆|ms\b|milliseconds?\b|毫秒"
    r"|trials?\b|configs?\b|configurations?\b|epochs?\b|次|组|轮)",
    re.I,
)
_MASKED_PATH = re.compile(r"\b(?:FILE|FOLDER)\b")
# words of a setting that are never part of a class name, for the strict test
_SETTING_WORDS = re.compile(
    r"\b(?:latency|budget|trials?|deadline|metric|test set|model size)\b|延迟|时延|预算|指标|试验|"
    r"模型大小|测试集|以内|之内",
    re.I,
)  # the rule parser blanks data paths out to this word

# an English clause opens with an order, a modal or a pronoun ("optimise …", "then …", "we …");
# only words that are hardly ever a class name, so "returns" or "stop" stay labels
_EN_OPENERS = frozenset(
    "optimise optimize maximise maximize minimise minimize improve finish use aim ensure make be "
    "then also please should must need needs want prefer prioritise prioritize focus evaluate "
    "validate tune spend do don't i we you it this that which but so let's".split()
)
_EN_WORDS = frozenset(
    "metric metrics budget latency deadline trials column columns dataset model".split()
)
# words an English label list never starts with ("the label", "each text")
_EN_NOT_FIRST = frozenset("the a an label labels text input target each every".split())
_EN_LIMIT = re.compile(
    r"\b(?:at most|at least|up to|no more than|less than|more than|max(?:imum)?|target)\b", re.I
)
_EN_MAX_WORDS = 3

# a Chinese clause opens with a preposition, a conjunction or a modal ("用…", "并…", "尽量…");
# checked on jieba words so that 用户 or 在线 (words of their own) stay labels
ZH_OPENERS = frozenset(
    "用 以 在 并 并且 而且 然后 同时 再 请 要 需要 希望 尽量 尽快 务必 必须 另外 此外 "
    "使用 采用 把 将 让 按 按照 根据 保证 确保 不要 只要 最好".split()
)
# verbs of a setting, found as substrings (jieba splits some, 最多 → 最 多); a clause starts there
_ZH_VERBS = (
    "优化 限时 训练 预算 最多 至少 不超过 不低于 达到 提升 提高 最大化 最小化 评估 表示 分别"
).split()
# nouns of a setting: never in a label, but often after a subject (文本列, 单条延迟), so a
# clause does not start at them
# (延迟 and 时延 only with a number: 延迟发货 is a class; "延迟不超过10毫秒" has its quantity)
_ZH_NOUNS = "以内 之内 目标 指标 模型 分钟 小时 毫秒 字段 参数 试验 耗时".split()
_ZH_CHARS = frozenset("列 秒".split())
# verbs and modals that may open a short class name (使用咨询, 需要复查, 不要葱, 无需处理)
_ZH_MODALS = frozenset(
    "使用 采用 需要 不要 要 无需 不需要 不用 保证 确保".split()
)  # whole words only: 列 in 文本列, not in 系列
_ZH_MAX_CHARS = 10
_CJK = re.compile(r"[\u4e00-\u9fff]")


def states_a_constraint(item: str, strict: bool = False) -> bool:
    """Whether ``item`` names a metric, a budget, a limit, a file or an order: not a label.

    ``strict``: only the sure signs (a metric, a quantity with its unit, a duration, a file),
    not the wording of an order or a clause.
    """
    if _METRIC.search(item) or _QUANTITY.search(item) or _MASKED_PATH.search(item):
        return True
    if find_durations(item):
        return True
    if strict:
        return bool(_SETTING_WORDS.search(item))
    return _zh_clause(item) if _CJK.search(item) else _en_clause(item)


def clause_start(item: str) -> int | None:
    """Where a clause glued to a label starts (中评并优化宏F1 → 2, "returns finish now" → 8)."""
    # not at a path: in "数据是 FILE" the words before it are no label but the clause's subject
    starts = [m.start() for p in (_METRIC, _QUANTITY) for m in p.finditer(item)]
    starts += [start for _, (start, _) in find_durations(item)]
    if _CJK.search(item):
        starts += [m.start() for verb in _ZH_VERBS for m in re.finditer(verb, item)]
        starts += [start for start, word in _zh_spans(item)[1:] if word in ZH_OPENERS]
    else:
        starts += [m.start() for m in _EN_LIMIT.finditer(item)]
        words = list(re.finditer(r"[\w']+", item))[1:]
        # not at nouns: "keep latency" is no label "keep" and a clause after it
        starts += [m.start() for m in words if m[0].lower() in _EN_OPENERS]
    return min(starts, default=None)


def word_bounds(text: str) -> frozenset[int]:
    """The offsets where jieba's words of ``text`` start or end."""
    bounds, offset = {0}, 0
    for word in _zh_words(text):
        offset += len(word)
        bounds.add(offset)
    return frozenset(bounds)


def _en_clause(item: str) -> bool:
    words = [w.strip(".,:;!?\"'").lower() for w in item.split()]
    words = [w for w in words if w]
    if not words or len(words) > _EN_MAX_WORDS or _EN_LIMIT.search(item):
        return True
    return words[0] in _EN_OPENERS or words[0] in _EN_NOT_FIRST or bool(_EN_WORDS & set(words))


def _zh_clause(item: str) -> bool:
    if len(item) > _ZH_MAX_CHARS:
        return True
    if any(word in item for word in (*_ZH_VERBS, *_ZH_NOUNS)):
        return True
    if re.search(r"(?:延迟|时延)(?:$|\s*[\d<≤]|不超过|低于|小于|控制|要求|在)", item):
        return True  # 单条延迟 (the latency), not 延迟发货 (a class)
    spans = [word for _, word in _zh_spans(item)]
    words = set(spans)
    if spans and spans[0] in _ZH_MODALS and len(item) <= 4 and not words & ZH_OPENERS - {spans[0]}:
        words.discard(spans[0])  # a short class that starts with a modal: 需要复查, 不要葱
    negated = (
        spans[:1] in (["不"], ["无"], ["没"], ["非"]) and spans[1:2] and spans[1] in _ZH_MODALS
    )
    if negated and len(item) <= 4:
        words.discard(spans[1])  # "需要、不需要": the negated modal is the class
    return bool(words & _ZH_CHARS or words & ZH_OPENERS)


def _zh_spans(text: str) -> list[tuple[int, str]]:
    """jieba's words of ``text`` with their offsets, blanks left out."""
    spans, offset = [], 0
    for word in _zh_words(text):
        if word.strip():
            spans.append((offset, word))
        offset += len(word)
    return spans


def zh_words(item: str) -> tuple[str, ...]:
    """jieba's words of ``item`` (no HMM), cached."""
    return _zh_words(item)


@lru_cache(maxsize=4096)
def _zh_words(item: str) -> tuple[str, ...]:
    import jieba  # imported lazily: loading its dictionary costs about half a second

    jieba.setLogLevel(60)
    # no HMM: an unknown pair such as 用宏 (in 用宏F1评估) stays two words, 用 then 宏
    return tuple(jieba.lcut(item, HMM=False))
