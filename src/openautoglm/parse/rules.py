"""The offline rule parser: Chinese or English task descriptions to TaskSpec fields.

A slot-filling pass in a fixed order, each slot read by its own small grammar:

1. data and test files (paths, then blanked out so that no other slot reads them);
2. column mentions and their roles (:mod:`openautoglm.parse.rule_columns`), checked against
   the data file's header when it is known, less those that only name classes
   (:mod:`openautoglm.parse.class_mentions`);
3. the label list (:mod:`openautoglm.parse.rule_labels`), never a column name, a file or a
   setting;
4. the task type from the words, the label list and the columns
   (:mod:`openautoglm.parse.rule_task`);
5. metric, target score, latency, model size, time budget and trial count, each a number
   attached to the words of its slot (gazetteers of metrics and units).

Every field carries a confidence; a field read with too little (below ``ASK_BELOW``) is not
guessed but turned into a question (``ParseResult.questions``) with the reading as its option.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Literal

from openautoglm.data.readers import SUPPORTED_EXTENSIONS
from openautoglm.evaluate.task_metrics import LOWER_IS_BETTER
from openautoglm.parse.amendments import amend_labels
from openautoglm.parse.class_mentions import classes_beside_the_text, names_a_class
from openautoglm.parse.clauses import METRICS
from openautoglm.parse.flags import spell_out_flags
from openautoglm.parse.layout import pasted_header, plain_fields
from openautoglm.parse.learned import ParserModels, load_models
from openautoglm.parse.lexicon import SENTENCE_END
from openautoglm.parse.numbers import EN_NUMBER, NUMBER, cn_number, find_durations, to_number
from openautoglm.parse.reading import RuleReading
from openautoglm.parse.result import ASK_BELOW, ParseResult
from openautoglm.parse.rule_columns import (
    Mention,
    file_columns,
    find_mentions,
    pair_evidence,
    resolve_columns,
    set_aside,
    side_roles,
    stated_roles,
    verb_roles,
)
from openautoglm.parse.rule_labels import best_label_list, without_glosses
from openautoglm.parse.rule_task import pair_words, task_type
from openautoglm.parse.typos import fix_keyword_typos

#: a column mention at least this sure keeps its name out of the label list
_SURE_MENTION = 0.7

# the reader's formats, other data formats a user may name, and compressed copies of them
_DATA_EXT = {e.lstrip(".") for e in SUPPORTED_EXTENSIONS} | {
    "ndjson", "xlsm", "feather", "arrow", "pq", "pkl", "pickle", "avro", "orc", "h5", "hdf5",
    "db", "sqlite", "zip",
}  # fmt: skip
_EXT = "|".join(sorted(_DATA_EXT, key=len, reverse=True))
_EXT_FULL = rf"(?:{_EXT})(?:\.(?:gz|bz2|xz|zst|zip))?"
_SCHEME = r"(?:[A-Za-z][A-Za-z0-9+.-]*://)?"
_QUOTED_PATH = re.compile(rf"[\"'`“‘「『]([^\"'`”’」』\n]+?\.{_EXT_FULL})[\"'`”’」』]", re.I)
# in Chinese text a path touches the words around it ("用data/a.csv训练"): a path glued to
# Chinese is read from its ASCII part; one after a space or a mark may hold Chinese (新闻/数据.csv)
_BARE_PATH = re.compile(
    rf"(?<![A-Za-z0-9_./\\~:-])({_SCHEME}(?:[A-Za-z]:)?[A-Za-z0-9_./\\~-]*[A-Za-z0-9_-]"
    rf"\.{_EXT_FULL})(?![A-Za-z0-9_])",
    re.I,
)
_CJK_PATH = re.compile(
    rf"(?:(?<=^)|(?<=[\s，,；;（(。！？!?]))(?![\u4e00-\u9fff]+[A-Za-z0-9~/\\])"
    rf"((?:[A-Za-z]:)?[\w./\\~\u4e00-\u9fff-]*[\w-]\.{_EXT_FULL})"
    rf"(?![A-Za-z0-9_])"
    # after a colon the whole name is the file's, Chinese glued to digits too (离职访谈2024.xlsx)
    rf"|(?:(?<=：)|(?<=[^A-Za-z]:))\s*(?!//)((?:[A-Za-z]:)?[\w./\\~\u4e00-\u9fff-]*[\w-]\.{_EXT_FULL})"
    rf"(?![A-Za-z0-9_])"
    # after a space, a Chinese folder before one file name ("数据 审核/标题.csv"), unless the
    # Chinese ends in a verb ("放在/data/a.csv")
    rf"|(?<=[\s。，,：:；;])((?:[\u4e00-\u9fff\w-]*[\u4e00-\u9fff](?<![在于到是为用放存自从])[/\\])+"
    rf"[\w\u4e00-\u9fff-]*[\w-]\.{_EXT_FULL})(?![A-Za-z0-9_])",
    re.I,
)
# the part of a path before a space in it ("C:\\Users\\me\\support emails\\a.xlsx"): a rooted
# folder path just before the file's name, and at most one more word
_PATH_HEAD = re.compile(
    r"(?:^|(?<=[\s:：(（]))((?:[A-Za-z]:[\\/]|~[\\/]|\.{1,2}[\\/]|/)"
    # folders, each with at most one space in its name ("E:\\security data\\phish pages.csv")
    r"(?:[^\s\"'`，。,；;：:（）()/\\]+(?:\s[^\s\"'`，。,；;：:（）()/\\]+)?[\\/])*"
    r"[^\s\"'`，。,；;：:（）()/\\]+"
    r"(?:\s[^\s\"'`，。,；;：:（）()/\\]+)?)\s$"
)
# a folder, written with its closing slash ("./models/out/", "D:\\exports\\"): never the data
_FOLDER = re.compile(
    r"(?:^|(?<=[\s:：(（,，]))((?:[A-Za-z]:[\\/]|~[\\/]|\.{1,2}[\\/]|/)(?:[\w.\-]+[\\/])+)"
    r"(?=[\s,，。;；)）]|$)"
)
_TEST_CUE = re.compile(
    r"(?:test|evaluat\w*|eval|held[- ]?out|hold[- ]?out|validat\w*|dev(?:elopment)? set|测试|评估|"
    r"评测|验证|开发集)[^.。;；]{0,20}$",
    re.I,
)
# "data/dev.xlsx 测试", "b.csv for testing"
_TEST_AFTER = re.compile(
    r"\s*(?:只|仅)?(?:做|作为|用于|用来|来)?\s*(?:测试|评估|评测|验证|for test|as test|"
    r"(?:is\s+)?(?:for|as)\s+(?:the\s+)?(?:evaluation|eval|testing|validation|held-?out))",
    re.I,
)
_TRAIN_CUE = re.compile(
    r"(?:train(?:ing)?(?:\s+(?:on|data|set|file))?|训练(?:集|文件|数据)?)\W{0,3}$", re.I
)

_TRIALS = [
    re.compile(rf"(?P<n>{NUMBER})[ \t]*[- ]?[ \t]*(?:trials?|trails?|configurations?|configs?|"
               r"runs?|"
               rf"hyper-?parameter (?:sets?|settings?|combinations?))\b", re.I),
    re.compile(rf"\b(?:max(?:imum)?|at most|up to)\s*(?:of\s*)?(?P<n>{NUMBER})\s*trials?\b", re.I),
    re.compile(r"\bmax_trials\s*[=:]\s*(?P<n>\d+)", re.I),
    # "trials: 30", '"trials": 100', "trials 改成 15"
    re.compile(rf"\btrials?[\"']?\s*(?:改成|改为|换成|[=:：]|at\b)\s*(?P<n>\d+\b|{EN_NUMBER}\b)"
               r"(?!\s*(?:min|h|s\b|秒|分|小时|%))", re.I),
    # "max trials 60", "trial 数上限 100", "trial 不超过 80", "trials 最多 150"
    re.compile(r"\bmax(?:imum)?\s+(?:number of\s+)?trials?\s*(?:[=:：]|of|is)?\s*(?P<n>\d+)", re.I),
    re.compile(r"\btrials?\s*(?:数|数量|次数|个数)?\s*(?:上限|最多|至多|不超过|不多于|限制|最大)\s*"
               r"(?:为|是|[:：])?\s*(?P<n>\d+)(?!\s*(?:分|秒|小时|%))", re.I),
    re.compile(rf"(?:尝试|试验|试|跑|搜索|实验)\s*(?P<n>{NUMBER})\s*(?:组|次|个|轮)"
               rf"(?!\s*(?:半|小时|钟头|月|星期|礼拜))"),  # not 跑一个半小时
    re.compile(rf"(?:试验|尝试|实验|搜索|训练)次数\s*(?:上限|最多|至多|不超过|限制)?\s*(?:为|是|[:：])?\s*"
               rf"(?P<n>{NUMBER})(?!\s*(?:分|秒|小时|个?钟|%))"),
    # "trial 数 10 个", "trials 数量：20"
    re.compile(r"\btrials?\s*(?:数|数量|次数|个数)\s*(?:为|是|[:：=])?\s*(?P<n>\d+)"
               r"(?!\s*(?:分|秒|小时|%))", re.I),
    # "试验≤60次", "trials <= 80"
    re.compile(rf"(?:试验|尝试|实验|\btrials?)\s*(?:≤|<=|<|＜)\s*(?P<n>{NUMBER})", re.I),
    re.compile(rf"(?:最多|至多|不超过|别超过|不要超过|不能超过|上限)\s*(?P<n>{NUMBER})\s*(?:组|次|轮)"
               r"(?!\s*(?:类|种|分))"),
    re.compile(rf"(?<![\d一二两三四五六七八九十百])(?P<n>{NUMBER})\s*(?:次|轮)\s*(?:以内|之内)"),
    # "两小时，五十次。": a count alone in its own clause of the settings
    re.compile(rf"(?:(?<=[，,；;])|(?<=[，,；;]\s))(?P<n>{NUMBER})\s*次(?=\s*(?:[。.，,；;]|$))"),
    re.compile(rf"(?P<n>{NUMBER})\s*[- ]?\s*(?:iterations?|(?:search\s+)?rounds?|experiments?|"
               rf"attempts?|tries|evaluations?|search(?:es)? steps?)\b", re.I),
    # "trials cap 40", "try at most 12 times"
    re.compile(r"\btrials?\s+(?:cap|limit|budget|max)\s*(?:of|is|=|:|：)?\s*(?P<n>\d+)\b", re.I),
    re.compile(rf"\btry\s+(?:at most|up to|no more than|max(?:imum)?)?\s*(?P<n>{NUMBER})\s+times\b",
               re.I),
    re.compile(rf"(?P<n>{NUMBER})\s*(?:组参数|组超参数?|次试验|个试验|次尝试|组配置|个配置|轮试验|次实验|组实验|组试验|"
               rf"个\s*trials?|次\s*trials?|组\s*trials?)", re.I),
]  # fmt: skip
_MS_UNIT = r"ms|msec|milliseconds?|毫秒"
_S_UNIT = r"seconds?|secs?|s|秒(?:钟)?"
_LATENCY_WORDS = re.compile(
    r"latency|respon[sd]\w*|answer\w*|inference|infer\b|predict\w*|per (?:request|prediction|"
    r"query|call|text|item|sample|report|message|example|document|row)|each prediction|"
    r"延迟|时延|响应|返回|推理|预测|单条|每条|每次|出结果",
    re.I,
)
_LATENCY_VALUE = re.compile(
    rf"(?P<half>half an? (?:second|millisecond)|半(?:个)?(?:毫秒|秒))"
    rf"|(?P<n>{NUMBER})\s*(?P<u>{_MS_UNIT}|{_S_UNIT})(?![A-Za-z])",
    re.I,
)
_SIZE = re.compile(
    rf"(?P<n>{NUMBER}|half\s+an?|(?<![一二两三四五六七八九十\d])半)\s*(?:个)?\s*(?P<u>[KMG]i?B|(?-i:[MG])(?![A-Za-z])|兆|megabytes?|gigabytes?|gigs?\b|megs?\b)",
    re.I,
)
# words just before a size that make it a limit ("< 100MB", "不超过 200M", "under 50 MB")
_SIZE_BOUND = re.compile(
    r"(?:[<≤＜]|<=|under|below|within|at most|max(?:imum)?|no (?:more|bigger|larger) than|"
    r"smaller than|less than|up to|不超过|别超过|不要超过|小于|低于|控制在|以内|最多|上限)"
    r"\s*[:：]?\s*$",
    re.I,
)
_BUDGET_WORDS = re.compile(
    r"budget|\btime\b|\btrain|within|\bunder\b|at most|\bmax|spend|give it|let it|limit|finish|"
    r"stop|\bin\b|\bfor\b|限时|时间|时长|预算|用时|训练|以内|之内|内|不超过|最多|给|跑|上限",
    re.I,
)
_CLAUSE = re.compile(r"[,，;；。.!?！？\n]")
_TARGET_UNIT = re.compile(
    r"^\s*(?:ms|毫秒|MB|GB|秒|分钟|小时|min|mins|minutes?|hours?|seconds?|s\b|trials?|组|次|个|轮|"
    r"configs?\b|configurations?|runs?\b|attempts?|experiments?|tries\b|"
    r"[KMG]B?\b|兆|days?)",
    re.I,
)
_DURATION = re.compile(r"^\s*(?:分钟|小时|秒|min(?:ute)?s?\b|hours?\b|seconds?\b)", re.I)
#: units an error metric's target is given in: the label's own ("MAE target 1.2 days")
_LABEL_UNIT = re.compile(r"^\s*(?:days?|天|个月|月|年|元|分(?!钟)|points?)", re.I)
_TARGET_LINK = (
    r"\s*(?:[,，;；]\s*)?(?:score\s*)?(?:值|分数)?\s*"
    r"(?:of|target|targets?|>=|≥|>|=|:|：|is|at least|of at least|"
    r"above|over|no less than|达到|至少|不低于|不少于|不小于|到|要|目标|为|是|≥|要求|大于|高于|"
    # an error's ceiling: "RMSE ≤ 0.15", "log loss < 0.3", "MAE 不超过 0.8"
    r"≤|<=|<|under|below|at most|no more than|不超过|不高于|低于|小于)?\s*"
    r"(?:达到|至少|要|at least|above|of)?\s*"
    # a few words between the metric and its number: "needs to hit", "最好能到", "要在"
    r"(?:[A-Za-z\u4e00-\u9fff'(（][A-Za-z\u4e00-\u9fff' (（]{0,16}?\s*)?"
)
# words of a setting other than the score between a metric and a number
_OTHER_SETTING = re.compile(
    r"\btrials?\b|\bbudget\b|\blatency\b|\bminutes?\b|\bhours?\b|\bsize\b|\bmodel\b|"
    r"次数|分钟|小时|延迟|模型|预算",
    re.I,
)
_LABELLED_COLUMN = re.compile(
    r"(?:标|标注|打)了?\s*(?:一|这)?\s*列|\blabell?ed (?:a |the )?column", re.I
)
_CLAUSE_END = re.compile(r"\s*(?:[,，.。;；)）!?]|$|or\b|and\b|is\b|would\b|即可|就)", re.I)
_NUM = r"(?<![A-Za-z0-9_.])(?P<n>\d+(?:\.\d+)?|\.\d+)\s*(?P<pct>%|percent\b|个百分点)?"
_TARGET_GENERIC = re.compile(
    rf"(?:target(?:\s+score)?|目标(?:分数)?|score of at least|at least|(?:score|得分|分数)\s*"
    rf"(?:达到|at least|of at least|>=|≥|不低于|不少于)|达到|不低于|不少于|至少)"
    rf"[\"'”]?\s*(?:of|is|=|:|：|为|是)?\s*[$¥€£]?{_NUM}",  # "target": 0.9; "target $12"
    re.I,
)
# a score aimed at, once a metric is named: "aim for 88%", "once it hits 0.9", "能到0.8最好"
_AIM = re.compile(
    rf"(?:\baim(?:ing)?\s+(?:for|at)|\bhits?|\breach(?:es)?|\bgets?\s+to|能到|能达到|做到|"
    # "争取 0.65", "最好 95% 吧", "希望降到 2500"
    rf"争取|最好(?:能)?|(?:希望|想)?(?:能)?(?:降到|降低到|降至|提到|提升到|提高到)|"
    # "I'd like 0.92 this time", "we want 0.9"
    rf"(?:'d|would)\s+like(?:\s+to\s+(?:see|get|reach|hit))?|\bwant(?:\s+to\s+(?:see|get|reach|hit))?|"
    rf"\bideally|\bhappy\s+with|\bsettle\s+for|希望(?:能)?(?:达到|到))"
    rf"\s*(?:about|around|~)?\s*{_NUM}",
    re.I,
)
# ... or said good enough after the number: "0.5 would be good enough", "0.8 就行"
_AIM_AFTER = re.compile(
    rf"{_NUM}\s*(?:(?:would\s+be|is|'d\s+be)\s+(?:good|fine|ok|okay|acceptable|great|nice|"
    rf"fantastic|awesome|perfect|amazing|ideal)\b"
    rf"|就行|就好|就可以|就够)",
    re.I,
)
# a number a few words after the metric, said to be a floor: "accuracy, 0.92 or better"
_OR_BETTER = re.compile(
    rf"[^.;。；\n\d]{{0,30}}?{_NUM}\s*(?:\+|or (?:better|higher|above|more)|及以上|以上)", re.I
)
# ... or a ceiling, for an error metric: "log loss 评估，越低越好，0.2 以下"
_OR_LOWER = re.compile(
    rf"[^.;。；\n\d]{{0,30}}?{_NUM}\s*(?:or (?:less|lower|below|under)|及以下|以下|以内)", re.I
)
# a bound said before the number, a few words after the metric: "Pearson r; anything ≥ 0.85",
# "Hamming loss please, <= 0.08", "MAE, we want under 2 days"
_BOUND_ABOVE = re.compile(
    rf"[^.。\n\d]{{0,30}}?(?:≥|>=|>|\bat least|\babove|\bover|不低于|高于|大于)\s*{_NUM}", re.I
)
_BOUND_BELOW = re.compile(
    rf"[^.。\n\d]{{0,30}}?(?:≤|<=|<|\bbelow|\bunder|\bless than|\bat most|不超过|低于|小于)"
    rf"\s*{_NUM}",
    re.I,
)
# a list item that names the task, not a class: "当回归做", "continuous", "句对分类"
_TASK_ITEM = re.compile(
    r"回归|连续值|连续数值|分类|多标签|\bmulti-?label\b|\bregression\b|\bclassification\b|"
    r"\bcontinuous\b|\bfloat\b|小数|\bnumeric(?:al)?\b|"
    r"\breal[- ]valued\b|\blog scale\b",
    re.I,
)
_METRIC_ANY = "|".join(f"(?:{p})" for p, _, _ in METRICS) + r"|\bac\w{4,9}\b|宏\s*平均\s*f1"


class RuleParser:
    """Offline parser: slot-filling over the words for Chinese and English, no network.

    Example:
        >>> RuleParser().parse("把 news.csv 分成科技、体育两类，限时10分钟").flat()["time_budget_s"]
        600.0
    """

    def __init__(self, models: ParserModels | None | Literal["default"] = "default") -> None:
        # the learned column and task readers (parse/parser_models.json); None: rules alone
        self.models: ParserModels | None = load_models() if models == "default" else models

    def parse(self, description: str, header: Iterable[str] | None = None) -> ParseResult:
        """Every field the words state, each with its evidence and confidence.

        ``header``: the data file's column names, when the file can be read; column names the
        words give are then checked against it.
        """
        reading = self.read(description, header)
        if self.models is not None:
            self.models.refine(reading, header)
        _ask_unsure(reading.result)
        return reading.result

    def read(self, description: str, header: Iterable[str] | None = None) -> RuleReading:
        """The rules' reading, before the learned models and before unsure fields are asked."""
        result = ParseResult(description=description, backend="rules")
        text = description.strip()
        # a header line pasted from the file names its columns, as a readable file would
        unpasted, pasted = pasted_header(text)
        header = header if header is not None else pasted
        masked = spell_out_flags(fix_keyword_typos(without_glosses(self._paths(unpasted, result))))
        masked = plain_fields(masked)
        mentions = find_mentions(masked, pair_hint=pair_words(masked) is not None)
        # "优化 micro-F1": a metric's name alone, with no column word, is no column
        metric_spans = [(start, end) for start, end, _, _ in _metric_hits(masked)]
        mentions = [m for m in mentions if m.role is not None
                    or not (_only_metrics(masked, m, metric_spans)
                            or all(_TASK_NAME.fullmatch(n) for n in m.names))]  # fmt: skip
        verb_roles(masked, mentions)
        side_roles(masked, mentions)
        stated_roles(masked, mentions)
        set_aside(masked, mentions)
        file_columns(masked, mentions)
        _classes_in_a_list(masked, mentions)
        mentions = classes_beside_the_text([m for m in mentions if not names_a_class(masked, m)])
        # a weakly read name ("分为 billing；…") may be a class: it does not stop a label list
        names = [n for m in mentions if m.strength >= _SURE_MENTION for n in m.names]
        names += pasted or []
        # values right after a column that is not the text: "same_place column has True/False"
        label_ends = [m.end for m in mentions
                      if m.role == "label" or (m.role is None and len(m.names) == 1)]  # fmt: skip
        for name in {
            m.names[0] for m in mentions if m.end in label_ends
        }:  # "polarity is pos or neg"
            pattern = (  # "escalated = Y or N" too
                rf"(?<![\w`'\"]){re.escape(name)}(?![\w`'\"])"
                r"(?=\s+(?:is|are|has|takes)\b|\s*[=＝](?!=))"
            )
            # "Predict verdict … Verdict is positive, negative or mixed": any case
            label_ends += [m.end() for m in re.finditer(pattern, masked, re.I)]
        weak = [n for m in mentions for n in m.names]
        found = best_label_list(masked, names, label_ends, weak)
        if found is not None and any(_TASK_ITEM.search(i) for i in found.items):
            # "（1-5分，当成连续值做回归）", "（数据对齐，句对分类）": the task's words, no classes
            found = None
        if found is not None:
            mentions = [m for m in mentions if m.strength >= _SURE_MENTION
                        or not set(m.names) & set(found.items)]  # fmt: skip
        if found is not None and found.opener == "glossed":  # "Label: answered (1) / not …"
            glossed = range(found.start, found.start + len(found.evidence))
            mentions = [m for m in mentions if not any(
                masked.find(n, m.start) in glossed for n in m.names)]  # fmt: skip
        paired, pair_ev = pair_evidence(mentions)
        if not paired:
            paired, pair_ev = _pair_file(result, mentions)
        # the task words are read without the classes: a class "entail" is no pair task
        words = _without_items(masked, found.items, found.start) if found else masked
        task = task_type(words, found is not None, paired, pair_ev, _metric_hits(words))
        if task.task:
            result.set("task_type", task.task, "words", task.confidence, task.evidence)
        pair = task.task in ("text_pair_classification", "text_pair_regression")
        # "我手工标了一列 问题类型": a column the user labelled is what to predict, classes or not
        classes = (
            found is not None
            and task.task in ("text_classification", "multilabel_classification", None)
            and not _LABELLED_COLUMN.search(masked)
        )
        columns = resolve_columns(
            mentions, pair, list(header) if header is not None else None, classes
        )
        for role in ("text", "label"):
            value = getattr(columns, role)
            if value is not None:
                result.set(f"{role}_column", value, "words", columns.confidence[role],
                           columns.evidence[role])  # fmt: skip
        if found is not None and task.task not in ("text_regression", "text_pair_regression"):
            last = masked.find(found.items[-1], found.start)
            end = last + len(found.items[-1]) if last >= 0 else found.start
            found.items = amend_labels(masked, found.items, end)
            result.set("labels", found.items, "words", found.confidence, found.evidence)
        self._metric(masked, result)
        spans = self._constraints(masked, result)
        # "RMSE under 4 minutes, 1 hour budget": the target's duration is no budget
        target = self._target(masked, result)
        self._time_budget(masked, [*spans, *([target] if target else [])], result)
        self._trials(masked, result)
        return RuleReading(result, text, masked, mentions, found)

    # ------------------------------------------------------------------ paths
    def _paths(self, text: str, result: ParseResult) -> str:
        """Record the data file(s); return the text with paths blanked out."""
        found: list[tuple[str, int, int]] = []
        for pattern in (_QUOTED_PATH, _CJK_PATH, _BARE_PATH):
            for match in pattern.finditer(text):
                group = next(g for g in range(1, pattern.groups + 1) if match.group(g))
                if not any(s <= match.start(group) < e for _, s, e in found):
                    found.append(_with_spaces(text, match, group))
        found.sort(key=lambda item: item[1])
        # "'Book Blurbs.csv' (full path /Users/ellen/Book Blurbs.csv)": one file, the full path
        names = [p for p, _, _ in found]
        found = [f for f in found if not any(_same_file_deeper(f[0], n) for n in names)]
        masked = text
        for _, start, end in found:
            masked = masked[:start] + " FILE " + " " * max(0, end - start - 6) + masked[end:]
        for match in _FOLDER.finditer(masked):  # "an output folder ./models/out/": no data
            start, end = match.span(1)
            masked = masked[:start] + " FOLDER " + " " * max(0, end - start - 8) + masked[end:]
        if not found:
            return masked
        tests = [
            p
            for p, s, e in found
            if (_TEST_CUE.search(text[max(0, s - 30) : s]) and not _TRAIN_CUE.search(text[:s]))
            or _test_after(text, e, [s for _, s, _ in found])
        ]
        tests = tests or [p for p, _, _ in found[1:] if re.search(r"test|dev|valid|测试", p, re.I)]
        trains = [p for p, _, _ in found if p not in tests]
        fixed = _correction(text)  # "先用 a.csv——哦不对，用新导出的 b.csv"
        trains = [p for p, s, _ in found if p in trains and s >= fixed] or trains
        if trains:
            result.set("dataset_path", trains[0], "words", 0.95, trains[0])
        if tests:
            result.set("test_path", tests[0], "words", 0.9, tests[0])
        if not trains and tests:  # "evaluate on test.csv" alone still names the only data
            result.set("dataset_path", tests[0], "words", 0.5, tests[0])
            del result.fields["test_path"]
        return masked

    # ----------------------------------------------------------------- metric
    def _metric(self, text: str, result: ParseResult) -> None:
        hits = _metric_hits(text)
        if not hits:
            return
        fixed = _correction(text)  # "先用 accuracy——哦等等，还是改成 macro F1 吧": the later one
        hits = [h for h in hits if h[0] >= fixed] or hits
        # "之前用 BERT 做过一次，准确率 0.72": an earlier result's metric is no requirement
        hits = [h for h in hits if not _reported_score(text, h[0], h[1])]
        if not hits:
            return
        # the metric named next to "optimise"/"优化"/"为准" wins over one merely mentioned
        cue = re.search(
            r"optimi[sz]e|maximi[sz]e|metric|优化|指标|为准|衡量|评价|评估|用", text, re.I
        )
        start, end, metric, confidence = min(
            hits, key=lambda h: (-h[3], abs(h[0] - cue.start()) if cue else h[0])
        )
        result.set("metric", metric, "words", confidence, text[start:end])

    # ------------------------------------------------------ budget and limits
    def _constraints(self, text: str, result: ParseResult) -> list[tuple[int, int]]:
        """Latency and model size; returns their spans so durations skip them."""
        spans: list[tuple[int, int]] = []
        latency = _latency(text)
        if latency is not None:
            ms, span, evidence = latency
            result.set("max_latency_ms", ms, "words", 0.9, evidence)
            spans.append(span)
        sizes = [
            m
            for m in _SIZE.finditer(text)
            if to_number(m.group("n")) is not None  # "half a gigabyte": 0.5
            and not any(s <= m.start() < e for s, e in spans)
            and not _in_past_clause(text, m.start())
        ]
        # "v2: 450MB, too big; the new one < 100MB": a size with a bound before a bare one
        bounded = [m for m in sizes if _SIZE_BOUND.search(text[max(0, m.start() - 14) : m.start()])]
        if sizes:
            match = (bounded or sizes)[0]
            value = to_number(match.group("n")) or 0.0
            unit = match.group("u").lower()
            factor = 1024.0 if unit.startswith("g") else (1 / 1024 if unit.startswith("k") else 1.0)
            result.set("max_model_mb", value * factor, "words", 0.85, match.group(0))
            spans.append(match.span())
        return spans

    def _time_budget(self, text: str, skip: list[tuple[int, int]], result: ParseResult) -> None:
        found = []
        for seconds, (start, end) in find_durations(text):
            if any(s <= start < e or start <= s < end for s, e in skip):
                continue
            if _describes_the_data(text, start, end):
                continue  # "(in hours)", "24 小时的阅读量": part of what is predicted
            if _PAST_RUN.search(text[_clause_start(text, start) : start]):
                continue  # "last time we got 0.91 in 3 hours": how long an earlier run took
            budget = bool(_BUDGET_WORDS.search(_clause_around(text, start, end)))
            found.append((not budget, start, seconds, text[start:end]))
        for match in _DURATION_KEY.finditer(text):  # "budget:\n  minutes: 45"
            seconds = float(match["n"]) * _KEY_SECONDS[match["u"].lower()]
            found.append((False, match.start(), seconds, match[0]))
        fixed = _correction(text)
        found = [f for f in found if f[1] >= fixed] or found
        if found:  # a duration in a clause about the budget first, else the first one
            _, _, seconds, evidence = min(found)
            result.set("time_budget_s", seconds, "words", 0.9, evidence)

    def _trials(self, text: str, result: ParseResult) -> None:
        fixed = _correction(text)  # "trials 改成 15 吧": the corrected number
        for start in dict.fromkeys((fixed, 0)):
            for pattern in _TRIALS:
                match = pattern.search(text, start)
                value = to_number(match.group("n")) if match else None
                if match and value is not None and value >= 1 and float(value).is_integer():
                    result.set("max_trials", int(value), "words", 0.9, match.group(0))
                    return

    def _target(self, text: str, result: ParseResult) -> tuple[int, int] | None:
        """Sets the target score; returns its span when it is a duration ("MAE under 4 min")."""
        text = _spoken_scores(text)
        candidates: list[tuple[int, float, str]] = []
        metric = re.compile(rf"(?:{_METRIC_ANY})", re.I)
        for match in metric.finditer(text):
            named = _metric_of(match.group(0).strip(), text[match.end() :])
            if named is None or _reported_score(text, match.start(), match.end()):
                continue  # "之前准确率 0.72": an earlier result's score is no target
            lower = named in LOWER_IS_BETTER
            after = re.match(_TARGET_LINK + _NUM, text[match.end() :], re.I)
            rest = text[match.end() + after.end() :] if after else ""
            ends = _CLAUSE_END.match(rest) or (lower and _LABEL_UNIT.match(rest))
            comma = after is not None and re.match(r"\s*[,，;；]", after.group(0)) is not None
            if comma and not ends:
                after = None  # "RMSE, 2h": after a comma only a number that ends its clause
            if after and _in_past_clause(text, match.end() + after.start("n")):
                after = None  # "Pearson，去年比赛第一名是 0.62": a number about the past
            if after and _OTHER_SETTING.search(after.group(0)):
                after = None  # "hamming loss; trials cap 40": the number of another setting
            if after:
                # "RMSE under 4 minutes": right after an error metric, a duration is the label's
                timed = lower and not comma and _DURATION.match(rest)
                value = _score(after, rest, lower, bool(timed))
                if value is not None:
                    candidates.append(
                        (match.start(), value, text[match.start() : match.end() + after.end()])
                    )
                    continue
            # "accuracy, 0.92 or better", "F1, 0.7+", "log loss，越低越好，0.2 以下"
            later = (_OR_LOWER if lower else _OR_BETTER).match(text, match.end()) or (
                _BOUND_BELOW if lower else _BOUND_ABOVE
            ).match(text, match.end())
            if later and not _in_past_clause(text, later.start("n")):
                # "Pearson，去年比赛第一名是 0.62": a number in a clause about the past is none
                value = _score(later, text[later.end() :], lower)
                if value is not None:
                    candidates.append((match.start(), value, text[match.start() : later.end()]))
                    continue
            before = None if lower else _number_before(text, match.start())
            if before is not None:
                candidates.append(
                    (match.start(), before[0], before[1] + text[match.start() : match.end()])
                )
        # with an error metric named, a bare target is in the label's units ("目标 8 分")
        lower = result.value("metric") in LOWER_IS_BETTER
        candidates = [c for c in candidates if not _in_past_clause(text, c[0])]
        if not candidates:
            before = re.search(rf"{_NUM}\s*(?:target|目标)\b", text, re.I)  # "0.8 target"
            if before:
                value = _score(before, text[before.end() :], lower)
                if value is not None:
                    candidates.append((before.start(), value, before.group(0)))
        metric_said = "metric" in result.fields or metric.search(text)
        if not candidates and metric_said:  # "aim for 88%", "stop once it hits 0.9"
            for match in [*_AIM.finditer(text), *_AIM_AFTER.finditer(text)]:
                value = _score(match, text[match.end() :], lower)
                if value is not None and not _in_past_clause(text, match.start()):
                    candidates.append((match.start(), value, match.group(0)))
        if not candidates:
            for match in _TARGET_GENERIC.finditer(text):
                value = _score(match, text[match.end() :], lower)
                if value is not None and not _in_past_clause(text, match.start()):
                    candidates.append((match.start(), value, match.group(0)))
        if not candidates:
            return None
        start, value, evidence = candidates[0]
        result.set("target_score", value, "words", 0.85, evidence.strip())
        end = start + len(evidence)
        unit = _DURATION.match(text[end:]) if lower and text[start:end] == evidence else None
        return (start, end + unit.end()) if unit else None


# ---------------------------------------------------------------------- helpers
_ZH_DIGIT = "零一二两三四五六七八九"
_ZH_PERCENT = re.compile(rf"百分之(?P<p>[{_ZH_DIGIT}十]{{1,3}})")
_ZH_TENTHS = re.compile(
    rf"(?<![分变完组构形达促赞合])(?P<a>[{_ZH_DIGIT}])成(?P<b>[{_ZH_DIGIT}])?(?![功为绩本品])"
)


_ZH_DECIMAL = re.compile(rf"(?P<i>[{_ZH_DIGIT}])点(?P<f>[{_ZH_DIGIT}]+)")
_EN_PERCENT = re.compile(rf"\b(?P<p>{EN_NUMBER})\s+per\s?cent\b", re.I)


def _spoken_scores(text: str) -> str:
    """Scores said in words as digits: 百分之九十 → 90%, 九成五 → 95%, 零点八五 → 0.85,
    "seventy percent" → 70%."""

    def percent(match: re.Match[str]) -> str:
        value = cn_number(match["p"])
        return f"{value:g}%" if value is not None else match[0]

    def tenths(match: re.Match[str]) -> str:
        a = cn_number(match["a"]) or 0
        b = cn_number(match["b"]) or 0 if match["b"] else 0
        return f"{a * 10 + b:g}%" if a else match[0]

    def decimal(match: re.Match[str]) -> str:
        digits = "".join(str(int(cn_number(c) or 0)) for c in match["f"])
        return f"{int(cn_number(match['i']) or 0)}.{digits}"

    def en_percent(match: re.Match[str]) -> str:
        value = to_number(match["p"])
        return f"{value:g}%" if value is not None else match[0]

    text = _ZH_DECIMAL.sub(decimal, text)
    text = _EN_PERCENT.sub(en_percent, text)
    return _ZH_TENTHS.sub(tenths, _ZH_PERCENT.sub(percent, text))


def _without_items(text: str, items: list[str], near: int = 0) -> str:
    """``text`` with the label list blanked out, from its first class to its last (the list
    read at about ``near``: "岗位匹配 … 判断 匹配/不匹配" keeps the first 匹配)."""
    start = text.find(items[0], max(0, near - 10))
    start = start if start >= 0 else text.find(items[0])
    end = text.find(items[-1], max(start, 0))
    if start < 0 or end < 0:
        return text
    end += len(items[-1])
    return text[:start] + " " * (end - start) + text[end:]


_NOT_WANTED = re.compile(
    # (不看 before another word is that word's: "看 Spearman 不看 pearson")
    r"^\s*(?:不重要|无所谓|不关心|(?:不要|不用|别用|不看)(?!\s*[A-Za-z\u4e00-\u9fff])|"
    r"not important|doesn't matter|is irrelevant|"
    r"is not needed|isn't needed|(?:is not|isn't) (?:meaningful|useful|relevant)|没有?意义|不适用)",
    re.I,
)
# "评估看 Spearman 不看 pearson", "rather than accuracy": a metric named to be set aside
_NOT_WANTED_BEFORE = re.compile(
    r"(?:不看|不用|不要用|别用|\brather than|\binstead of|\bnot)\s*$", re.I
)
#: a clause that reports an earlier result ("上次准确率才 80%", "we tried … and got RMSE 30"):
#: its metric and score are history, not what this run must reach
_PAST = re.compile(
    r"上次|上一次|上回|上个?(?:季度|月|星期|周|版)|上一版|上周|去年|之前|以前|原来|原先|目前|现有|"
    r"旧模型|老模型|线上模型|现在的模型|基线|\bbaseline\b|"
    r"\blast (?:time|run|quarter|year|month|week|attempt|model|version|release|score|result|"
    r"sprint|iteration|round|experiment|try|"
    r"f1|accuracy)\b|\bpreviously\b|\bearlier\b|\bv\d+ model\b|\bv\d+ 模型|"
    r"\bcurrently\b|\btried\b|\bwe got\b|\bgot (?:around|about)\b|\bused to\b|\bprevious\b|"
    r"(?:跑|试|训|练)了|"
    r"\b(?:our|the) (?:old|current|existing)\b|\bignore\b|做过|做的版本|用过",
    re.I,
)
# a clause about an earlier run (its duration is no budget); "给我个 baseline" is no history
_PAST_RUN = re.compile(
    r"上次|上一次|上回|之前跑|以前跑|(?:跑|试|训|练)了|\blast (?:time|run|attempt)\b|"
    r"\bprevious(?:ly)?\b|\bwe got\b|"
    r"\bused to\b|\btook\b",
    re.I,
)
# a clause boundary that leaves decimals whole ("准确率才 0.8，…")
_CLAUSE_BOUND = re.compile(r"[,，;；。!?！？\n]|\.(?:\s|$)")
# "…大概 93%，仅供参考，不是硬指标": said later in the sentence, the score is only a reference
_ONLY_A_REFERENCE = re.compile(
    r"仅供参考|只是参考|只作参考|不是硬指标|不是硬性要求|不用管|\bfor reference\b|"
    r"\bnot a (?:hard )?(?:target|requirement)\b|\bignore (?:that|it|this)\b",
    re.I,
)


# a unit as a key ("minutes: 45", "hours=2"), as config files write a budget
_DURATION_KEY = re.compile(
    r"\b(?!(?:latency|timeout|inference|response)_)(?:[a-z]+_){0,3}(?P<u>minutes|mins|hours|hrs|"
    r"seconds|secs)[\"']?\s*[:=]\s*(?P<n>\d+(?:\.\d+)?)\b",
    re.I,
)
_KEY_SECONDS = {"minutes": 60.0, "mins": 60.0, "hours": 3600.0, "hrs": 3600.0, "seconds": 1.0,
                "secs": 1.0}  # fmt: skip
# words that take back what was said before them: the value after them is the one meant
_TAKEN_BACK = re.compile(
    r"哦?不对|说错了|算了|更正一下|后来|\bscratch that\b|\bno wait\b|\bcorrection\b|\bsorry\b|"
    r"\.\.\.\s*no\b|\bwait\b,",
    re.I,
)
# words that replace a value in their own clause ("trials 改成 15", "use b.csv instead")
_REPLACED = re.compile(
    r"改成|改为|换成|还是改|还是用|\bactually\b|\binstead\b|\bchange (?:it|that) to\b|"
    r"\bmake (?:it|that)\b",
    re.I,
)


def _correction(text: str) -> int:
    """Where the value the user settled on may start: after the last words that take one back
    ("哦不对，"), or at the clause that replaces one ("trials 改成 15"); 0 when none does."""
    back = max((m.end() for m in _TAKEN_BACK.finditer(text)), default=0)
    replaced = max((m.start() for m in _REPLACED.finditer(text)), default=0)
    if replaced > back:
        return _clause_start(text, replaced)
    return back


def _clause_start(text: str, at: int) -> int:
    """Where the clause holding ``at`` starts (decimals do not end a clause)."""
    return max((m.end() for m in _CLAUSE_BOUND.finditer(text, 0, at)), default=0)


def _in_past_clause(text: str, start: int) -> bool:
    """Whether the clause around ``start`` reports an earlier result, not a requirement."""
    left = _clause_start(text, start)
    right = _CLAUSE_BOUND.search(text, start)
    clause = text[left : right.start() if right else len(text)]
    end = SENTENCE_END.search(text, start)
    rest = text[start : end.start() if end else len(text)]
    return bool(_PAST.search(clause) or _ONLY_A_REFERENCE.search(rest))


def _reported_score(text: str, start: int, end: int) -> bool:
    """Whether the metric at ``start:end`` reports an earlier result's score: a number next to
    it, in a sentence that speaks of the past before it, with no goal in between."""
    number_before = re.search(r"\d[\d.]*\s*%?\s*(?:的)?\s*$", text[max(0, start - 12) : start])
    number_after = re.match(
        r"\s*(?:[:：=]|of|is|was|是|为|只有|有|达到|才)?\s*(?:大概|大约|约|around|about|~)?\s*\d",
        text[end:],
    )
    if not (number_before or number_after):
        return False
    begin = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    before = text[begin:start]
    past = [m.end() for pattern in (_PAST, _REPORTED) for m in pattern.finditer(before)]
    has = _HAS_SCORE.search(before)  # "our rules engine has MAE 4.1 days": a system's score
    past += [has.end()] if has and number_after else []
    if not past:
        return False
    # "论文里 pearson 是 0.78，我们这次就用 pearson 评估": a goal after it needs a number
    return not (_GOAL.search(before[max(past) :]) or _goal_score(_rest_of_sentence(text, end)))


#: a system said to have a score now: "the rules engine has", "we scored"
_HAS_SCORE = re.compile(
    r"(?<!must )(?<!should )(?<!to )\b(?:has|have|gets|got|scores?|scored|achieves?|achieved)"
    r"\s+(?:an?\s+|the\s+)?$",
    re.I,
)
#: a published or reported figure: "Dr. Patel's 2019 paper reported 0.87 Pearson"
_REPORTED = re.compile(
    r"\breported\b|\bpublished\b|\bpaper\b|\bSOTA\b|\bleaderboard\b|\bstate of the art\b|"
    r"论文|报告了|报道|榜单",
    re.I,
)
#: words that turn from an earlier result to what is asked now
_GOAL = re.compile(
    r"这次|这回|目标|要求|希望|\bthis time\b|\bgoal\b|\btarget\b|\baim\b|\bwant\b|\bneed\b",
    re.I,
)


def _metric_hits(text: str) -> list[tuple[int, int, str, float]]:
    """Every metric phrase with its metric and confidence (not one said not to matter)."""
    hits: list[tuple[int, int, str, float]] = []
    for pattern, metric, confidence in METRICS:
        for match in re.finditer(pattern, text, re.I):
            if not any(s <= match.start() < e for s, e, _, _ in hits):
                hits.append((match.start(), match.end(), metric, confidence))
    for match in re.finditer(r"\b[Aa]c\w{4,9}\b", text):  # misspelt accuracy: "Accuarcy 80%"
        word = match.group(0).lower()
        close = difflib.SequenceMatcher(None, word, "accuracy").ratio() >= 0.8
        if close and word != "accuracy" and not any(s <= match.start() < e for s, e, _, _ in hits):
            hits.append((match.start(), match.end(), "accuracy", 0.85))
    return [
        h
        for h in hits
        if not _NOT_WANTED.match(text[h[1] :])
        and not _NOT_WANTED_BEFORE.search(text[max(0, h[0] - 12) : h[0]])
        # "accuracy 上次 0.83，这次至少 0.86": the sentence goes on to the score wanted now
        and not (_in_past_clause(text, h[0]) and not _goal_score(_rest_of_sentence(text, h[1])))
    ]


def _rest_of_sentence(text: str, end: int) -> str:
    """The words from ``end`` to the end of their sentence."""
    stop = SENTENCE_END.search(text, end)
    return text[end : stop.start() if stop else len(text)]


def _goal_score(words: str) -> bool:
    """Whether ``words`` turn to a score wanted now: a goal word, then a number that is no
    setting ("这次给 2 个小时", "上限 80MB") with no other metric named before it."""
    goal = _GOAL.search(words)
    if goal is None:
        return False
    after = words[goal.end() :]
    number = re.search(r"(?<![A-Za-z\d.])\d+(?:\.\d+)?\s*%?", after)
    return (
        number is not None
        and not _TARGET_UNIT.match(after[number.end() :])
        and not re.search(_METRIC_ANY, after[: number.start()], re.I)
    )


# a task's name in capitals ("中文 NLI，三类：…"), no column
_TASK_NAME = re.compile(r"NLI|MNLI|STS|NER|NLP|QA")


def _only_metrics(text: str, mention: Mention, spans: list[tuple[int, int]]) -> bool:
    """Every name of ``mention`` lies inside a metric phrase."""
    starts = [text.find(name, mention.start) for name in mention.names]
    return all(
        any(s <= at and at + len(name) <= e for s, e in spans)
        for name, at in zip(mention.names, starts, strict=True)
    )


def _metric_of(phrase: str, after: str = "") -> str | None:
    """The metric a phrase names; ``after``: the words that follow (a bare "R2" needs them)."""
    for pattern, metric, _ in METRICS:
        if re.fullmatch(pattern, phrase, re.I) or re.search(pattern, phrase, re.I):
            return metric
        if after and re.match(rf"(?:{pattern})(?<=^.{{{len(phrase)}}})", phrase + after, re.I):
            return metric
    word = phrase.lower()
    if (
        re.fullmatch(r"ac\w+", word)
        and difflib.SequenceMatcher(None, word, "accuracy").ratio() >= 0.8
    ):
        return "accuracy"
    return None


# "（文件名里有空格）", "(yes, there's a space in the name)": said right after the path
_SPACE_SAID = re.compile(r"[^。.;；\n]{0,12}?(?:空格|\bspaces?\b)")


def _with_spaces(text: str, match: re.Match[str], group: int) -> tuple[str, int, int]:
    """The path a match names (its ``group``) and the match's span, grown back over spaces in
    the path: "/data/cfpb/complaints 2023.csv"."""
    path, start = match.group(group), match.start()
    head = _PATH_HEAD.search(text[:start])
    said = _SPACE_SAID.match(text, match.end())
    if head is None and said and not re.match(r"[A-Za-z]:|[/\\~.]", path):
        # "文件 评论数据 2024.csv（文件名里有空格）": the user says the name holds a space
        word = re.search(r"(?:^|(?<=[\s:：]))([^\s:：，,。;；()（）\"'`]+)\s$", text[:start])
        if word and not re.fullmatch(r"文件|数据|file|data(?:set)?|in|at|is", word[1], re.I):
            return f"{word[1]} {path}", word.start(1), match.end()
    if (
        match.re is _QUOTED_PATH
        or head is None
        or re.match(r"[A-Za-z]:|[/\\~.]", path)  # a path of its own: "./a.csv 和 ./b.csv"
        or re.search(rf"\.{_EXT_FULL}(?![A-Za-z0-9_])", head.group(1), re.I)
    ):
        return path, start, match.end()
    return f"{head.group(1)} {path}", head.start(1), match.end()


def _same_file_deeper(path: str, other: str) -> bool:
    """``other`` names the same file as ``path`` with folders before it."""
    return len(other) > len(path) and other.endswith(path) and other[-len(path) - 1] in "/\\"


def _test_after(text: str, end: int, starts: list[int]) -> bool:
    """ "b.csv 做测试": a test word after a path, unless it opens another ("a.csv 测试集 b.csv")."""
    cue = _TEST_AFTER.match(text[end : end + 12])
    return cue is not None and not any(end < s <= end + cue.end() + 6 for s in starts)


def _score(
    match: re.Match[str], after: str, lower: bool = False, timed: bool = False
) -> float | None:
    """A target score from a number and its percent sign, unless a unit says otherwise.

    ``lower``: the metric is an error (RMSE, MAE, log loss): its target is in the label's own
    units ("RMSE under 1500"), so only a percent sign scales it; ``timed``: the label is a
    duration, so a unit of time after the number is the label's too.
    """
    in_label_units = lower and (timed or _LABEL_UNIT.match(after))  # "MAE 控制在 6 个月以内"
    if (_TARGET_UNIT.match(after) and not in_label_units) or re.match(
        r"\s*(?:-|–|~|to\b|到)\s*\d", after
    ):
        return None
    value = float(match.group("n"))
    if lower:
        return value / 100 if match.group("pct") else (value if value > 0 else None)
    if match.group("pct") or value > 1:
        value /= 100
    return value if 0 < value <= 1 else None


def _number_before(text: str, start: int) -> tuple[float, str] | None:
    """ "90% accuracy", "0.9 accuracy", "85% 的准确率": a score just before the metric."""
    match = re.search(rf"{_NUM}\s*(?:以上)?\s*(?:的)?\s*$", text[max(0, start - 16) : start], re.I)
    if not match:
        return None
    before = text[max(0, start - 16) : start][: match.start()]
    if re.search(r"(?:-|–|~|to|到)\s*$", before):
        return None
    value = float(match.group("n"))
    if match.group("pct") or value > 1:
        value /= 100
    return (value, match.group(0)) if 0 < value <= 1 else None


def _latency(text: str) -> tuple[float, tuple[int, int], str] | None:
    """The latency limit in ms: any time in ms, or a time in seconds in a clause about answering."""
    for match in _LATENCY_VALUE.finditer(text):
        half = match.group("half")
        if half:
            in_ms = "毫" in half or "milli" in half.lower()
            ms = 0.5 if in_ms else 500.0
        else:
            value = to_number(match.group("n"))
            if value is None:
                continue
            in_ms = bool(re.fullmatch(_MS_UNIT, match.group("u"), re.I))
            ms = value if in_ms else value * 1000
        clause = _clause_around(text, match.start(), match.end())
        if in_ms or _LATENCY_WORDS.search(clause):
            return ms, match.span(), clause.strip()
    return None


def _clause_around(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    right = _CLAUSE.search(text, end)
    return text[left : right.start() if right else len(text)]


def _describes_the_data(text: str, start: int, end: int) -> bool:
    """A duration that is part of what is predicted, not a budget: (in hours), 24 小时的阅读量."""
    before, after = text[max(0, start - 12) : start], text[end : end + 6]
    if re.match(r"\s*(?:内|之内|以内|后|前|里)?\s*的(?!时间|预算|训练)", after):
        return True
    return bool(
        re.search(r"\(\s*(?:in\s+)?$|（\s*$|number of\s*$|多少\s*$", before, re.I)
        and re.match(r"\s*[)）]|\s*of\b", after)
    )


#: a list opened by a colon or "are"/"为" whose plain items run up to a position
_LIST_RUN_BEFORE = re.compile(
    r"(?:[:：]|\b(?:are|include|includes|including)\b|为|是|有)\s*"
    r"(?:[A-Za-z][\w-]*\s*[,，、]\s*)+$",
    re.I,
)
#: ... unless the list is one of columns ("columns: id, text_body, label_col")
_COLUMN_RUN_BEFORE = re.compile(
    r"(?:\bcolumns?|\bfields?|\bcols?|列|字段)\s*(?:[:：]|\bare\b|为|是|有)\s*"
    r"(?:[A-Za-z][\w-]*\s*[,，、]\s*)+$",
    re.I,
)


def _classes_in_a_list(text: str, mentions: list[Mention]) -> None:
    """Snake_case names that continue a list of plain items are classes, not columns.

    "Intents: refund, transfer, seat_upgrade, lost_ticket, other": the list is read as classes
    once the plain items before the names show it is one; the names stay weak mentions.
    """
    for mention in mentions:
        if mention.role is None and mention.side is None and mention.strength < 0.9:
            before = text[max(0, mention.start - 120) : mention.start]
            if _LIST_RUN_BEFORE.search(before) and not _COLUMN_RUN_BEFORE.search(before):
                mention.strength = min(mention.strength, _SURE_MENTION - 0.2)


def _pair_file(result: ParseResult, mentions: list[Mention]) -> tuple[bool, str | None]:
    """ "ig_pairs.csv, columns caption and product_name": a file of pairs, two names, no label."""
    path = result.fields.get("dataset_path")
    if path is None or not re.search(r"pairs?(?![a-z])", str(path.value).rsplit("/", 1)[-1], re.I):
        return False, None
    if any(m.role == "label" for m in mentions):
        return False, None
    two = [m for m in mentions if len(m.names) == 2 and m.role in (None, "text")]
    return (True, f"{path.value}: {two[0].evidence}") if len(two) == 1 else (False, None)


def _ask_unsure(result: ParseResult) -> None:
    """Fields read with too little confidence become questions instead of guesses."""
    for name, item in list(result.fields.items()):
        if item.confidence < ASK_BELOW and item.source == "words":
            del result.fields[name]
            result.ask(name, item.value, item.confidence, item.evidence)
