"""Label lists in a description: a small grammar of where a list starts and where it stops.

*Where a list starts* (each opener with the prior it earns):

* a trigger: 分成/分为/类别为/标签有/取值/值为/区分, into/as/labels:/classes/one of/which of/with
  values (0.9);
* a run of quoted names: 「正常」「引战」「广告」, 'todo', 'explanation', or 'deprecated' (0.85);
* a colon, unless it introduces data, a file, a column or a setting (0.8);
* brackets that hold nothing but the list: (physics, math, cs), （包含/不包含） (0.8);
* right after the label column: "label column label with a / b", "标签列 label，正面/负面" (0.8);
* a question between options: 是A、B还是C, whether it is A, B or C? (0.8);
* a dash: "— routine, urgent or critical" (0.75);
* the start of a sentence that is nothing but the list: "spam/ham, sms.csv", "提到/未提到。" (0.6);
* a Chinese list joined by 、 anywhere, its first item cut back to a word (0.55).

*Where it stops*: at the end of the sentence, a closing bracket, a colon or a dash; at an item
that states a setting instead of a class (a metric, a budget, a limit, a file, a column: see
:mod:`openautoglm.parse.clauses`); after the item a conjunction brought in ("A, B or C, optimise
F1"); after a count (A、B两类). Every separator (、 ， , ； ; / | 和 或 还是 and or vs …)
joins items the same way; "/" separates only when nothing else does ("World, Sports and
Sci/Tech").

Openers without a trigger (brackets, sentence starts) must be *filled* by the list: whatever
follows the last item in the same sentence must be a setting, a file or a column, so that
"(yes, weird, but let's try)" or "Tell apart human-written and AI-generated text" is no list.
The best-scoring list wins; a list that is only an example ("比如 python、java……") never does.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from openautoglm.parse.clauses import (
    ZH_OPENERS,
    clause_start,
    states_a_constraint,
    word_bounds,
    zh_words,
)
from openautoglm.parse.lexicon import RANGE, SENTENCE_END, SIDE_SUFFIX, SPEC_HEAD, two_sides
from openautoglm.parse.numbers import cn_number

# separators between labels: punctuation (maybe with a conjunction after it) or a conjunction
_CONJ = r"以及|或者|还是|和|或|与|及|\b(?:and/or|and|or|versus)\b|\bvs\b\.?"
_PUNCT = "、，,；;|｜"
# Chinese written with spaces for commas: 好评 差评 中评
_CJK_GAP = r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
_SEP = re.compile(
    rf"\s*(?:(?P<punct>[{_PUNCT}]|(?<=\s)[/／](?=\s))\s*(?P<pconj>{_CONJ})?|(?P<conj>{_CONJ}))\s*"
    rf"|{_CJK_GAP}",
    re.I,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SEP_SLASH = re.compile(_SEP.pattern.replace(f"[{_PUNCT}]", f"[{_PUNCT}/／]", 1), re.I)
# a list never runs past the end of a sentence, into brackets, a colon or a dash
_END_ANY = r"[（）()：:—–→\[\]【】{}]|\s-\s"
# a Chinese list in an English sentence ends at its full stop too: "好评, 中评 and 差评. Text …"
_END_ZH = re.compile(rf"[。！!？?\n]|[.](?:\s|$)|{_END_ANY}")
# "helpful vs. not helpful": the dot of "vs." ends nothing
_END_EN = re.compile(rf"(?<!\bvs)[.!?](?:\s|$)|\n|[.!?]$|{_END_ANY}", re.I)
# 三类 / 3 类 / 五种 at the end of a Chinese list
_COUNT_SUFFIX = re.compile(
    r"\s*(?:共|这|等)?\s*[\d一二两三四五六七八九十]+\s*(?:个)?(?:类别|大类|类|种|档|级|等级|级别|档位)"
    r"(?:之中|当中|里面|里|中)?"
    r"\s*(?:吗|呢)?\s*$"
    # "P0、P1、P2、P3 四个", "yes / no 两个值": a count after a class that is not Chinese
    r"|(?<=[A-Za-z0-9_.])\s+(?:共|这)?[二两三四五六七八九十\d]{1,2}\s*个(?:值|取值|标签|类别|选项|[\u4e00-\u9fff]{1,3})?\s*$"
    r"|\s*(?:等|这)?\s*几(?:个|类|种|大类)[\u4e00-\u9fff]{0,4}\s*$"
    # "bugfix、feature、refactor、chore 四选一"
    r"|\s*[二两三四五六七八九十\d]\s*选\s*[一1]\s*$"
    # "修复这五个科室", "其他这几个部门": a count of any noun after 这
    r"|\s*这\s*[\d一二两三四五六七八九十]+\s*(?:个|种|类)[\u4e00-\u9fff]{0,3}\s*$"
)
_ZH_TRIGGERS = re.compile(
    r"(?:分成|分为|分到|划分为|归为|归类为|归类到|归到|分类为|分入|标注为|标记为|打成|判断为|识别为|"
    r"属于|区分(?:成|为)?|取值(?:为|是|有)?|值为|值有|值是|包括|包含|分别是|分别为|可能是|可以是|只有|有以下几[类种个]|"
    # "类别值写作 a / b", "标签列 y 取 1 或 0"
    r"写作|写成|记作|记为|编码为|取(?=\s+\S)|"
    # not the 标签 of 多标签 ("多标签有害评论检测")
    r"(?<![多单])(?:类别|标签|类目|分类|选项|类型)(?:集合|体系|集|列表|范围)?"
    r"(?:(?:分别)?(?:有|包括|包含|为|是)\s*[:：]?|\s*[:：=＝])|"
    # "标签 SUPPORTS / REFUTES", "结果分 correct / incorrect": a slash list of Latin classes
    r"(?:类别|标签|类目|选项|分)\s+(?=[A-Za-z][\w ]*?\s*/\s*[A-Za-z])|"
    # "标签 相关/不相关"
    r"(?:类别|标签)\s+(?=[\u4e00-\u9fff]{1,6}\s*/\s*[\u4e00-\u9fff]))\s*"
)
_EN_TRIGGERS = re.compile(
    r"\[(?:classes|labels|categories|类别|标签)\]\s*|"  # an INI section of classes
    r"\b(?:(?:as(?:\s+either)?|into)\b(?:\s*[:：])?|"
    r"(?:labels?|classes|categories|tags?|values|options|buckets|groups|bins|types|kinds|intents)"
    r"(?:\s+(?:are|include|including)\s*[:=：]?|"
    r"\s*[:=：])|(?:labels|classes|categories|values)(?=\s+[\"'“‘]?[\w-]+\s*(?:,|;|/|\bor\b))|"
    # "the label set for the stance classifier is FAVOR, AGAINST"
    r"(?:label|class|tag)\s+set(?:\s+(?:for|of)\s+(?:[\w-]+\s+){1,4}?)?\s*(?:is|are|[:=：])|"
    r"with\s+(?:the\s+)?(?:values|classes|labels|categories)|"
    r"(?:one|any|each|some)\s+of(?:\s+(?:the\s+following|these|those|the))?(?:\s+[a-z]+)?\s*[:：]|"
    r"(?:several|one or more|any|some|all|many)\s+of(?!\s+(?:the|these|those|them|it)\b)|"
    # "can be any subset of python, java", "may express joy, anger and/or fear"
    r"(?:any\s+)?(?:subset|combination)\s+of|"
    r"(?:may|can|could|might)\s+(?:express|mention|contain|convey|show|cover|discuss)"
    r"(?!\s+(?:none|one|several|any|all|both|multiple|many|some)\b)|"
    r"(?:one|which)\s+of(?!\s+(?:the|these|those|them|it)\b)|can\s+be|(?:is|are)\s+either|either|"
    r"takes?\s+(?:the\s+)?values?|decide|choose|pick|outputs?|labell?ed(?:\s+as)?|"
    # "label SUPPORT, CONTRADICT, or NOINFO", "predict match/no_match"
    r"(?:label|predict|classify\s+as)(?=\s+(?:[A-Z][A-Z_]+\s*,|[\w-]+/[\w-]+))|"
    r"say(?=\s+[\w-]+\s+or\s)|"  # "and say correct or incorrect"
    r"(?:(?<=[.:;!?]\s)|^)answer(?:\s+with)?|"  # "Answer clickbait or not_clickbait."
    r"(?:route|routes|routing|send|forward|assign|sort)\s+(?:each\s+|the\s+|every\s+)?"
    r"(?:[a-z]+\s+){0,3}?to|"
    # "want to know if they're positive, negative, or mixed"
    r"(?:if|whether)\s+(?:(?:it|they|each\s+\w+|the\s+\w+)(?:'s|'re|’s|’re|\s+is|\s+are)"
    r"(?:\s+either)?|"
    # "whether a commit message is a Fix, Feature, …": capitalised classes after "is a"
    r"an?\s+(?:[a-z]+\s+){0,2}?[a-z]+\s+is\s+an?(?=\s+[A-Z])))(?:\b|(?<=[:=：]))\s*",
    re.IGNORECASE,
)
# Chinese either-or: 是A、B还是C
_ZH_EITHER_OPEN = re.compile(r"是|属于|为|判断|看")
# words after which an English list is over: "positive or negative in reviews.csv"
_TAIL_EN = re.compile(
    r"\s+(?:in|on|from|using|with|for|based|by|within|under|given|and then|based on|according)\b"
    r".*$",
    re.IGNORECASE,
)
_QUOTES = " \"'“”‘’「」『』《》`"
_QUOTED = re.compile(
    r"(?:(?<![A-Za-z])['‘]|[\"“「『《`])(?P<item>[^\"'“”‘’「」『』《》`\n]{1,40}?)"
    r"(?:['’](?![A-Za-z])|[\"”」』》`])"
)
_QUOTE_RUN = re.compile(
    rf"{_QUOTED.pattern}(?:\s*(?:[{_PUNCT}/／]|\bor\b|\band\b|\bvs\.?|和|或|还是|与)?\s*"
    r"(?:\bor\b|\band\b)?\s*"
    r"(?:(?:(?<![A-Za-z])['‘]|[\"“「『《`])[^\"'“”‘’「」『』《》`\n]{1,40}?"
    r"(?:['’](?![A-Za-z])|[\"”」』》`])))+",
)
# a list that is only an example or is left open is not the label set
_EXAMPLE_BEFORE = re.compile(
    r"(?:比如|例如|譬如|像是|such as|e\.g\.|for example|like)\s*[:：]?\s*$", re.I
)
_OPEN_END = re.compile(r"^\s*(?:…|\.\.\.|等等|等|之类|这类|什么的|etc\b)")
# a first item that opens examples ("things like X or Y"), an item that says the list is one
_EXAMPLE_ITEM = re.compile(
    r"(?:(?:things|stuff|ones)\s+)?(?:like|such as|e\.g\.|for example|for instance)\s", re.I
)
_SAID_AS_EXAMPLE = re.compile(r"举例|例子|示例|只是例|\bexamples?\b", re.I)
# "python, java, sql etc": examples, the last one carrying the open end
_OPEN_LAST = re.compile(r"(?:\s+etc\.?|\s*(?:等等|之类的?|什么的))$", re.I)
# a colon after these introduces data, a file, a column or a setting, not labels
_NOT_A_LIST_KEY = re.compile(
    r"(?:data|dataset|file|files|path|train(?:ing)?(?:\s+(?:data|set|file))?|test(?:\s+set)?|"
    r"metric|budget|time|latency|model|trials?|"
    # "Context: resale team, pricing tool.": background, not classes
    r"context|background|fyi|ps|p\.s|"
    r"数据|文件|路径|训练集?|测试集?|验证集?|指标|时长|时间|预算|延迟|模型|评估|背景|说明|备注|注意)\s*$"
    # "列：user_q | std_q | match", "Columns: id, text": the columns, no word before saying whose
    r"|(?:^|(?<=[\s，,。；;]))(?:列|字段|columns?|fields?|cols?)\s*$",
    re.I,
)
# English words that are verbs, determiners or pronouns: never the first word of a label
_EN_NOT_LABEL_START = frozenset(
    "tell classify predict detect decide train build make label tag sort categorize categorise "
    "identify determine find check flag recognize recognise figure assign mark route pick is are "
    "was were be does do did has have had can could would should will please i we you it they "
    "this that these those there here what which who whether if each every the a an my our your "
    "their its some any all no not but so let's lets also then just only from for with into "
    "about to of in on at by ignore skip drop exclude remove treat use keep optimise optimize "
    "finish stop run give report evaluate".split()
)
_EN_FUNCTION = frozenset(
    "does do did is are was were be each every the a an for to in on of from with that which it "
    "this these those should must will would can could please note and or but".split()
)


@dataclass
class _Piece:
    """One item of a list and how it was joined to the one before."""

    text: str
    conj: bool = False  # brought in by a conjunction: "C" in "A, B or C" or "A, B, or C"
    bare_conj: bool = False  # by a conjunction alone: "C" in "A or B or C", not "A or B, or C"
    sep: str = ""  # the separator before it


@dataclass
class LabelList:
    """A label list the words state, the phrase it rests on and how sure the reader is."""

    items: list[str]
    evidence: str
    confidence: float
    start: int
    opener: str


def find_labels(
    text: str,
    exclude: Collection[str] = (),
    after: Collection[int] = (),
) -> tuple[list[str] | None, str | None]:
    """The label list ``text`` states and its phrase (paths masked; ``exclude``: column names).

    ``after``: where the label column's mention ends (a list right after it is its values).
    """
    best = best_label_list(text, exclude, after)
    return (best.items, best.evidence) if best else (None, None)


def best_label_list(
    text: str,
    exclude: Collection[str] = (),
    after: Collection[int] = (),
    weak: Collection[str] = (),
) -> LabelList | None:
    """The best-scoring label list of ``text``, or None.

    ``exclude``: column names (never a label); ``weak``: names read less surely, which may be
    classes themselves but never sit inside one ("问题 question" is a column's description).
    """
    names = {name.casefold() for name in exclude}
    maybe = {name.casefold() for name in weak}
    norm = _join_quote_runs(text)
    candidates: list[LabelList] = []
    for finder in _FINDERS:
        candidates += finder(norm, names)
    candidates += _after_columns(norm, names, after)
    candidates = [
        c
        for c in candidates
        if _acceptable(c, norm, names)
        and not any(_describes(part, maybe) for part in re.split(r"[、，,；;/]", c.evidence)[1:])
    ]
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.confidence, -c.start))
    best.items = _tidy(best.items)
    return best


_LIST_NOUN = re.compile(r"标签|类别|类型|分类|labels?|class(?:es)?|categories", re.I)
_NOUN_LEAD = re.compile(r"^(?:tags?|labels?|classes|categories|values|codes)\s+(?=\S+$)", re.I)
_ZH_LEAD_ALONE = re.compile(r"[\u4e00-\u9fff]{1,4}(?:有|包括|分别是|分别为)")
_TASK_LEAD = re.compile(r"^(?:binary|multi-?class|二分类|多分类)\s+(?=\S)", re.I)
_VALUES_TAIL = re.compile(
    r"(?<=\S)(?:\s+(?:values|classes|labels|categories)|\s*(?<![多单])(?:标签|类别))$", re.I
)
_COUNT_ITEM = re.compile(
    r"^(?P<n>\d+|[一二两三四五六七八九十]{1,3})\s*个\s*[\u4e00-\u9fff]{1,3}$"
    r"|^(?P<w>two|three|four|five|six|seven|eight|nine|ten)\s+\w+$",
    re.I,
)
_EN_COUNT = {w: i for i, w in enumerate("two three four five six seven eight nine ten".split(), 2)}


def _tidy(items: list[str]) -> list[str]:
    """The words around a list that are no classes: the list's noun before it ("标签 好评 差评"),
    the task before the first class ("binary clickbait"), "values" after the last ("yes/no
    values") and a count naming the classes before it ("低危、中危、高危、严重 四个等级")."""
    out = list(items)
    if len(out) > 2 and (_LIST_NOUN.fullmatch(out[0]) or _ZH_LEAD_ALONE.fullmatch(out[0])):
        out = out[1:]  # "标签 好评 差评", "意图有 查天气、订闹钟": the words opening the list
    first = _COUNT_ITEM.match(out[0]) if len(out) > 2 else None
    if first and first["w"] and _EN_COUNT.get(first["w"].lower()) == len(out) - 1:
        out = out[1:]  # "one of three buckets, bug, feature request or praise"
    count = _COUNT_ITEM.match(out[-1]) if len(out) > 2 else None
    if count:
        n = cn_number(count["n"]) if count["n"] else _EN_COUNT.get(count["w"].lower())
        if n is not None and n == len(out) - 1:
            out = out[:-1]
    out[0] = _TASK_LEAD.sub("", out[0])
    if len(out) > 2 and all(" " not in o for o in out[1:]):  # "tags happy/sad/…": the noun
        out[0] = _NOUN_LEAD.sub("", out[0])
    out[0] = _cut_zh_lead(out[0], out[1:])
    latin = re.fullmatch(r"[\u4e00-\u9fff]+\s*([A-Za-z0-9][\w.+#-]*)", out[0])
    if latin and not any(_CJK.search(o) for o in out[1:]):
        out[0] = latin[1]  # "等级就 P0, P1": Chinese lead words before a list of codes
    out[-1] = _COUNT_SUFFIX.sub("", out[-1]) or out[-1]
    if all(re.fullmatch(r"\d+", item) for item in out[1:]):  # "levels 1, 2, 3": the noun
        out[0] = re.sub(r"^[A-Za-z]+\s+(?=\d+$)", "", out[0])
    out[-1] = _VALUES_TAIL.sub("", out[-1])
    # "praise (a review can be several": a bracket left open; "billing.accuracy": a glued stop
    out[-1] = re.sub(r"\s*[(（][^)）]*$|(?<=[a-z]{3})\.$", "", out[-1]) or out[-1]
    if all(" " not in o for o in out[1:]):  # "asking about shipping, returns, payment or other"
        out[0] = _ASKING_LEAD.sub("", out[0])
    if len(out) > 2 and _NO_CLASS.fullmatch(out[-1].strip()):
        out = out[:-1]
    lead = re.fullmatch(r".+\s([A-Z0-9]{1,3})", out[0])
    if lead and len(out) > 2 and all(re.fullmatch(r"[A-Z0-9]{1,3}", o) for o in out[1:]):
        out[0] = lead[1]  # "into CPC sections A, B, C": the codes without their noun
    glossed = [_GLOSSED_CODE.fullmatch(o) for o in out]
    if len(out) >= 2 and all(glossed):  # "0 不相关、1 部分相关、2 完全相关": the codes
        out = [g[1] for g in glossed if g]
    return out


_GLOSSED_CODE = re.compile(r"(\d{1,2})\s*[=:：]?\s*[\u4e00-\u9fff]{2,8}")
_ASKING_LEAD = re.compile(
    r"^(?:asking|talking|complaining|writing|inquiring|enquiring|calling)\s+(?:about|for|on)\s+"
    r"(?=\S+$)",
    re.I,
)


# the verb leading into a Chinese list, glued to its first class: "弹幕情绪是开心", "可能涉及退款"
_ZH_LIST_VERB = re.compile(r".*(?:是|为|涉及|包括|包含|属于|有|就)")


def _cut_zh_lead(first: str, others: list[str]) -> str:
    """The first class without the words that lead into the list, when they make it far longer
    than the other classes ("这些账号是真人、机器人" → 真人)."""
    if not _CJK.search(first) or not others or not all(_CJK.search(o) for o in others):
        return first
    lead = _ZH_LIST_VERB.match(first)
    if lead is None or lead.end() >= len(first):
        return first
    cut = first[lead.end() :].strip()
    width = max(len(o) for o in others)
    return cut if len(first) > width + 2 and 0 < len(cut) <= width + 1 else first


def split_list(text: str) -> list[str]:
    """A list the user typed ("a, b；c"): split at punctuation, at "/" only when nothing else."""
    # an answer holds labels only: "Sci/Tech" in "World, Sci/Tech" keeps its slash
    parts = [p.strip(_QUOTES) for p in re.split(rf"\s*[{_PUNCT}]\s*", text.strip())]
    if len([p for p in parts if p]) < 2:
        parts = [p.strip(_QUOTES) for p in re.split(rf"\s*[{_PUNCT}/／]\s*", text.strip())]
    return [part for part in parts if part]


# ------------------------------------------------------------------------ openers
def _triggers(text: str, names: set[str]) -> list[LabelList]:
    out = []
    for match in re.finditer(r"\bbetween\s+", text, re.I):  # often two texts, not classes
        items, phrase, _ = _read(text, match.end(), names, zh=False)
        if len(items) >= 2:
            out.append(LabelList(items, match[0] + phrase, 0.7, match.start(), "trigger"))
    for pattern, zh in ((_ZH_TRIGGERS, True), (_EN_TRIGGERS, False)):
        for match in pattern.finditer(text):
            value = bool(
                re.search(r"取值|值为|值有|值是|values|写作|写成|记作|记为|编码为", match[0], re.I)
            )
            items, phrase, _ = _read(text, match.end(), names, zh=zh, keep_names=value)
            items = _restarted(items) if zh else items
            # a column's values ("source 取值 human 或 ai") outrank what the task tells apart,
            # and classes named as such ("classes support / refute") a verb's ("either …")
            noun = re.search(r"label|class|categor|类别|标签|类目", match[0], re.I)
            sure = 0.92 if value else 0.91 if noun else 0.9
            if len(items) >= 2:
                out.append(LabelList(items, match[0] + phrase, sure, match.start(), "trigger"))
    return out


# "分到对应部门，部门有城管、交通、…": a later item that opens the list anew
_RESTART = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:有|包括|分别是|分别为)\s*(?=\S)")


def _restarted(items: list[str]) -> list[str]:
    """The items from the last one that opens the list anew, without its opening words."""
    for i in range(len(items) - 1, 0, -1):
        head = _RESTART.match(items[i])
        if head and len(items) - i >= 2:
            return [items[i][head.end() :], *items[i + 1 :]]
    return items


def _plural_are(text: str, names: set[str]) -> list[LabelList]:
    """ "The intents are a, b and c", "queues include x, y": a plural noun, then its members."""
    out = []
    for match in re.finditer(
        r"\b[A-Za-z]{3,}s\s+(?:are|include|including)\b\s*[:：]?\s*", text, re.I
    ):
        items, phrase, _ = _read(text, match.end(), names, zh=False)
        if len(items) >= 2:
            out.append(LabelList(items, match[0] + phrase, 0.75, match.start(), "plural"))
    return out


def _each_is(text: str, names: set[str]) -> list[LabelList]:
    """ "Each SMS is ham or spam.": a sentence that says what every row is, the list its end."""
    out = []
    for match in re.finditer(
        r"(?:^|(?<=[.!?]\s))(?:each|every)\s+[^.?!,;]{1,40}?\s+(?:is|are)\s+(?:either\s+)?",
        text,
        re.I,
    ):
        items, phrase, _ = _read(text, match.end(), names, zh=False)
        rest = text[match.end() + len(phrase) :]
        if len(items) >= 2 and re.match(r"\s*[.?!]", rest) and " " not in "".join(items):
            out.append(LabelList(items, match[0] + phrase, 0.75, match.start(), "each_is"))
    return out


# "0=非广告，1=广告", "label values 1 = answers, 0 = doesn't": short codes each given a meaning
# "1 means toxic, 0 means non-toxic", "0 表示无，1 表示有": a digit or a capital, a word for "is"
_CODE_IS = r"(?:[=＝]|(?<=[\dA-Z])\s*(?:表示|代表|means|stands for)(?=\s|[\u4e00-\u9fff]))"
_CODED = re.compile(
    rf"(?<![\w=])(?P<k>\d{{1,3}}|[A-Za-z]{{1,4}})\s*{_CODE_IS}\s*[^,，;；)）。=＝、\n]{{1,24}}?"
    # the meaning ends at a stop, or at a space before the next code: "0=正常 1=脏话"
    r"(?=\s*(?:[,，;；)）。、]|$|\.(?:\s|$))|\s+(?:\d{1,3}|[A-Za-z]{1,4})\s*[=＝])"
)


# "0 表示很平静，1 表示非常愤怒", "1 = not at all, 5 = extremely": the two ends of a score
_DEGREE = re.compile(
    r"很|非常|完全|极其|极度|十分|特别|\b(?:very|completely|totally|extremely|not at all|fully)\b",
    re.I,
)


# "coded 0 (entailment), 1 (neutral), 2 (contradiction)": each code, then its meaning in brackets
_CODED_GLOSS = re.compile(
    r"(?<![\w.])(?P<k>\d{1,2})\s*[(（]\s*[A-Za-z\u4e00-\u9fff][^()（）\d]{0,23}[)）]"
)


# "是 → 1，否 → 0": the meaning first, its code after an arrow
_CODED_AFTER = re.compile(
    r"(?:^|(?<=[\s,，;；:：(（]))[^\s,，;；:：()（）→]{1,12}\s*(?:→|->|=>)\s*(?P<k>\d{1,3})"
    r"(?=\s*(?:[,，;；)）。]|$|\.(?:\s|$)))"
)


# "（0 负面 1 正面）", "(1 dup, 0 not)": in brackets, each code then its meaning after a space
_CODED_SPACED = re.compile(
    r"(?<=[(（])\s*(?P<run>\d{1,2}\s+[^\s\d,，;；()（）]{1,14}"
    r"(?:\s*[,，;；]?\s*\d{1,2}\s+[^\s\d,，;；()（）]{1,14}){1,9})\s*(?=[)）])"
)
# "正样本标 1，负样本标 0", "positives are labelled 1, negatives 0": codes after a marking verb
_MARKED = re.compile(
    r"(?:\blabell?ed(?: as)?|\bmarked(?: as)?|\btagged(?: as)?|\bcoded as|标为|标成|记为|记作|"
    r"(?<![目指坐商路])标)"
    r"\s*(?P<a>\d{1,2})(?!\d|\.\d)"
    r"(?P<rest>(?:\s*[,，;；]\s*(?:and\s+)?[^\d,，;；。.]{1,16}?\s*(?:\d{1,2})(?!\d|\.\d))*)"
)


# "label 1 if clone else 0", "是克隆就是 1，不是就是 0": a code, its condition, the other code
_IF_ELSE = re.compile(
    r"(?P<a>\d{1,2})\s+if\b[^.;,\d]{1,40}?,?\s*(?:else|otherwise)\s+(?P<b>\d{1,2})\b"
    r"|(?:是|为)[^，,。；;\d]{0,10}?(?:就是|就标|就记|标|记为?|为)\s*(?P<c>\d{1,2})\s*[，,；;]\s*"
    r"(?:不是|否则|反之)[^，,。；;\d]{0,6}?(?:就是|就标|就记|标|记为?|为|是)\s*(?P<d>\d{1,2})(?!\d)",
    re.I,
)
# "answered (1) / not answered (0)": each meaning, then its code in brackets
_GLOSS_CODE = re.compile(
    r"(?P<g>[^\s(（/,，:：][^(（/,，:：]{0,20}?)\s*[(（](?P<a>\d{1,2})[)）]\s*(?:/|,|，|\bor\b|或)\s*"
    r"[^(（/,，]{1,20}?\s*[(（](?P<b>\d{1,2})[)）]"
)


def _coded(text: str, names: set[str]) -> list[LabelList]:
    """Two or more codes in a row, each with its meaning (after an equals sign, before an
    arrow, after a space in brackets, or after a marking verb)."""
    out = _code_runs(text, names, _CODED) + _code_runs(text, names, _CODED_AFTER)
    out += _code_runs(text, names, _CODED_GLOSS)
    for match in [*_IF_ELSE.finditer(text), *_GLOSS_CODE.finditer(text)]:
        codes = [c for c in match.group(*(match.re.groupindex)) if c and c.isdigit()]
        if len(codes) == 2 and codes[0] != codes[1]:
            out.append(LabelList(codes, match[0], 0.9, match.start(), "glossed"))
    for match in _CODED_SPACED.finditer(text):
        codes = re.findall(r"(?:^|(?<=[\s,，;；]))(\d{1,2})\s+", match["run"])
        scale = _DEGREE.search(match[0]) or re.search(r"到|至|之间|\bto\b|between|~", match[0])
        if len(codes) >= 2 and len(set(codes)) == len(codes) and not scale:
            out.append(LabelList(codes, match["run"], 0.82, match.start(), "coded"))
    marks = list(_MARKED.finditer(text))
    for match in marks:
        codes = [match["a"], *re.findall(r"(\d{1,2})(?!\d|\.\d)", match["rest"])]
        if len(codes) >= 2 and len(set(codes)) == len(codes):
            out.append(LabelList(codes, match[0], 0.92, match.start(), "coded"))
    # "正样本标 1，负样本标 0": each code after its own marking verb
    for first, second in zip(marks, marks[1:], strict=False):
        near = second.start() - first.end() <= 16 and not first["rest"]
        if near and first["a"] != second["a"] and not second["rest"]:
            phrase = text[first.start() : second.end()]
            out.append(LabelList([first["a"], second["a"]], phrase, 0.92, first.start(), "coded"))
    return out


def _code_runs(text: str, names: set[str], pattern: re.Pattern[str]) -> list[LabelList]:
    out: list[LabelList] = []
    run: list[re.Match[str]] = []
    for match in [*pattern.finditer(text), None]:
        if (
            match is not None
            and run
            and re.fullmatch(r"\s*[,，;；、]?\s*", text[run[-1].end() : match.start()])
        ):
            run.append(match)
            continue
        items = [m["k"] for m in run]
        # "1 = not at all, 5 = extremely" gives a scale's ends; three codes in a row with a
        # meaning each ("0 = irrelevant, 1 = partially relevant, 2 = fully relevant") are classes
        ends_of_a_scale = any(_DEGREE.search(m[0]) for m in run) and not _consecutive(items)
        if (
            len(items) >= 2
            and all(i.casefold() not in names for i in items)
            and not ends_of_a_scale
        ):
            phrase = text[run[0].start() : run[-1].end()]
            # codes each given a meaning outrank a bracket or a plain list at the same place
            out.append(LabelList(items, phrase, 0.85, run[0].start(), "coded"))
        run = [match] if match is not None else []
    return out


def _consecutive(codes: list[str]) -> bool:
    """Three or more integer codes counting up or down by one."""
    if len(codes) < 3 or not all(c.isdigit() for c in codes):
        return False
    steps = {int(b) - int(a) for a, b in zip(codes, codes[1:], strict=False)}
    return steps in ({1}, {-1})


def _quote_runs(text: str, names: set[str]) -> list[LabelList]:
    out = []
    for match in _QUOTE_RUN.finditer(text):
        if re.search(r"\b(?:has|have|with|columns?|fields?)\s*$", text[: match.start()], re.I):
            continue  # "x.csv has 'question' and 'review_text'": column names
        items = [_clean(m["item"]) for m in _QUOTED.finditer(match[0])]
        items = _cut_count(items)
        if len(items) >= 2 and all(_is_label(i, names) for i in items):
            out.append(LabelList(items, match[0], 0.85, match.start(), "quotes"))
    return out


# "source src": what a column holds, then its name
_SPEC_PART = re.compile(rf"(?:[a-z]+\s+){{0,2}}?(?:{SPEC_HEAD})\s+\S+", re.I)
# the key of a colon list that names the classes outright: "Full label set: joy, …"
_SET_KEY = re.compile(
    r"(?:label set|label list|class list|labels|classes|categories|标签集合?|类别|标签有|类别有|"
    r"标签(?=\s*(?:就|只有|一共|共)))"
    # "标签就俩：", "类别一共三个："
    r"(?:\s*(?:就|只有|一共|共)\s*(?:俩|仨|[二两三四五六七八九十\d]+\s*(?:个|类|种)))?\s*$",
    re.I,
)


def _colons(text: str, names: set[str]) -> list[LabelList]:
    out = []
    for match in re.finditer(r"[:：]", text):
        key = SENTENCE_END.split(text[max(0, match.start() - 40) : match.start()])[-1]
        # "判断…是否含有广告的模型：含广告 / 不含广告": the model described, then its classes
        described = re.search(r"[\u4e00-\u9fff]{2,}的模型$", key.strip())
        if (_NOT_A_LIST_KEY.search(key.strip()) and not described) or re.search(r"\bFILE\s*$", key):
            continue
        items, phrase, filled = _read(text, match.end(), names, zh=_is_zh(text), fill=True)
        if (
            len(items) >= 2
        ):  # "：给原文和译文，判断…": a list the sentence goes on after is less sure
            sure = 0.9 if _SET_KEY.search(key) else 0.8 if filled else 0.75
            out.append(LabelList(items, phrase, sure, match.start(), "colon"))
    return out


def _brackets(text: str, names: set[str]) -> list[LabelList]:
    out = []
    for match in re.finditer(r"[（(\[【{]([^()（）\[\]【】{}]{2,200})[)）\]】}]", text):
        inner = match.group(1)
        if re.match(r"\s*(?:categories|labels|classes)\s*[:：]", inner, re.I):
            continue  # the trigger inside reads it
        coded = [
            re.match(r"\s*([A-Za-z0-9][\w-]{0,15})\s*[=:：]\s*\S", p)
            for p in re.split(r"[,，;；]", inner)
        ]
        if len(coded) >= 2 and all(coded):  # (CG = computer generated, OR = original)
            items = [m.group(1) for m in coded if m]
            out.append(LabelList(items, match[0], 0.8, match.start(), "brackets"))
            continue
        inner = _TASK_WORD_LEAD.sub("", inner)
        items, phrase, _ = _read(inner + "\n", 0, names, zh=_is_zh(inner))
        rest = inner.strip()[len(phrase.strip()) :].strip(" \t" + _QUOTES)
        if len(items) >= 2 and not rest:  # the brackets hold the list and nothing else
            out.append(LabelList(items, match[0], 0.8, match.start(), "brackets"))
    return out


def _dashes(text: str, names: set[str]) -> list[LabelList]:
    out = []
    for match in re.finditer(r"\s[—–]+\s*|\s-\s|—+|\s*(?:→|->|=>)\s*", text):  # → A / B / C
        items, phrase, filled = _read(text, match.end(), names, zh=_is_zh(text), fill=True)
        if len(items) >= 2 and filled:
            out.append(LabelList(items, phrase, 0.75, match.start(), "dash"))
    return out


# "，诈骗 or 正常，", "，相关或不相关，": two short options joined by "or" make a clause
_OR_PAIR = re.compile(r"\s*[^\s,，]{1,12}\s*(?:或者?|还是|\bor\b)\s*[^\s,，]{1,12}\s*", re.I)


def _sentence_starts(text: str, names: set[str]) -> list[LabelList]:
    out = []
    ends = [(m.end(), m[0]) for m in re.finditer(r"[。！!？?\n;；,，]|[.](?=\s)", text)]
    for start, mark in [(0, ""), *ends]:
        after_comma = mark in (",", "，")
        items, phrase, filled = _read(text, start, names, zh=_is_zh(text), fill=True)
        rest = text[start:].lstrip()
        # what follows the list in its sentence, when the list opens the sentence
        after = rest[len(phrase.lstrip()) :] if rest.startswith(phrase.lstrip()) else None
        enough = len(items) >= 3 or (len(items) == 2 and re.search(r"[/|]", phrase))
        if mark in ("?", "？") and enough and after is not None:
            # "Which genre is this game? RPG, FPS, Strategy.": the answers to the question
            if re.match(r"\s*(?:[.。(（]|$)", after):
                out.append(LabelList(items, phrase, 0.7, start, "sentence"))
                continue
        # only a list that stands on its own: "spam/ham", "提到/未提到", "a vs b", not a clause
        joined = re.search(r"[，,；;]|\b(?:and|or)\b|和|或|与", phrase, re.I)
        # "…, 相关或不相关，", "imdb_small.csv. positive or negative.": two options, nothing else
        alone = after is not None and re.match(r"\s*(?:[.。,，;；]|$)", after) is not None
        joined = joined and not (_OR_PAIR.fullmatch(phrase) and (after_comma or alone))
        if after_comma and not (re.search(r"/|／|\bvs\b", phrase) or _OR_PAIR.fullmatch(phrase)):
            continue  # between commas only "a/b", "a vs b" or "a 或 b" stands on its own
        if len(items) >= 2 and filled and not joined and _plain_start(items[0]):
            out.append(LabelList(items, phrase, 0.6, start, "sentence"))
    return out


def _either_zh(text: str, names: set[str]) -> list[LabelList]:
    """是A、B还是C / 属于A还是B: read back from 还是 to the verb that opens the question."""
    out = []
    for match in re.finditer(r"还是", text):
        clause_start = max(
            m.end() for m in re.finditer(r"^|[，,。；;？?！!：:]", text[: match.start()])
        )
        # the last option: up to a space, or a run of capitals ("还是 NOT ENOUGH INFO")
        last = re.match(
            r"\s*([A-Z][A-Z0-9_-]*(?:\s+[A-Z][A-Z0-9_-]*)+(?![\w])|[^，,。；;？?！!\s的]+)",
            text[match.end() :],
        )
        if not last:
            continue
        end = match.end() + last.end()
        for opener in reversed(list(_ZH_EITHER_OPEN.finditer(text, clause_start, match.start()))):
            glued = not text[opener.end() : opener.end() + 1].isspace()
            before = text[max(0, opener.start() - 1) : opener.start()]
            if opener[0] == "看" and glued and (not before or re.match(r"[、，,\s]", before)):
                continue  # "是 看多、看空 还是 中性": 看 inside a class, not the verb that asks
            body = text[opener.end() : end]
            items, phrase, filled = _read(body + "\n", 0, names, zh=True, fill=True)
            if len(items) >= 2 and filled:
                out.append(LabelList(items, opener[0] + body, 0.8, opener.start(), "either"))
                break
    return out


#: "tell me if it is A, B or C": "if" after a verb of judging opens the question like "whether"
_TELL_IF = r"\b(?:tell(?:\s+(?:me|us))?|decide|determine|say|judge|check|predict)\s+if\b"


def _either_en(text: str, names: set[str]) -> list[LabelList]:
    """whether it is A, B or C? — the last item after "or", the first cut back to a word."""
    out = []
    for sentence in re.finditer(r"[^.?!;\n]+[.?!;\n]?", text):
        body = sentence[0]
        if not re.search(rf"\bwhether\b|{_TELL_IF}|\?\s*$", body, re.I):
            continue
        bare = re.fullmatch(r"\s*([\w-]{2,24})\s+or\s+([\w-]{2,24})\s*\?\s*", body)
        if bare and all(_is_label(word, names) for word in bare.groups()):  # "spam or ham?"
            start = sentence.start() + bare.start(1)
            out.append(LabelList(list(bare.groups()), bare[0].strip(), 0.8, start, "either"))
            continue
        conj = list(re.finditer(r"\s(?:or|vs\.?)\s", body, re.I))
        if not conj:
            continue
        opener = list(re.finditer(rf"\bwhether\b|{_TELL_IF}|^\s*\w+\b", body, re.I))[-1]
        last = conj[-1]
        after = _TAIL_EN.sub("", body[last.end() :].rstrip(" ?.!;\n"))
        after = _unglue(_clean(after), names)[0]
        tail = body[opener.end() : last.start()] + " or " + after
        pieces = _pieces(tail, _SEP)
        if len(pieces) < 2 or not pieces[-1].conj:
            continue
        others = [_clean(p.text) for p in pieces[1:]]
        if not all(o and _is_label(o, names) for o in others):
            continue
        width = max(len(o.split()) for o in others)
        first = _last_words(pieces[0].text, width)
        items = [first, *others] if first else []
        if len(items) >= 2 and all(_is_label(i, names) for i in items):
            out.append(LabelList(items, body.strip(), 0.75, sentence.start(), "either"))
    return out


def _ideographic_commas(text: str, names: set[str]) -> list[LabelList]:
    """A Chinese list joined by 、 anywhere: 判断风险等级 R1、R2、R3 (first item cut to a word)."""
    out = []
    for match in re.finditer(
        r"[^，,。；;？?！!：:（）()\[\]【】{}、—\s]+(?:、[^，,。；;？?！!：:（）()\[\]【】{}、—]+)+",
        text,
    ):
        parts = match[0].split("、")
        if re.search(r"比如|例如|譬如|像是", parts[0]) or re.search(
            r"(?:等等?|之类的?|什么的)\s*$", parts[-1]
        ):
            continue  # "比如财政、税收、就业等": examples, not the label set
        # "跟进、审批和汇报": the last two joined by a conjunction
        parts[-1:] = [p for p in re.split(r"以及|和|或者|或|及|与", parts[-1]) if p]
        last = parts[-1]
        others = [_clean(_COUNT_SUFFIX.sub("", p)) for p in parts[1:-1]] + [
            _clean(_cut_tail_zh(last))
        ]
        if not all(o and _is_label(o, names) for o in others):
            continue
        width = max(len(o) for o in others)
        first = _last_word_zh(parts[0], width)
        items = [first, *others] if first else []
        if len(items) >= 2 and all(_is_label(i, names) for i in items):
            out.append(LabelList(items, match[0], 0.55, match.start(), "ideographic"))
    return out


# "(1) 投诉", "(a) Liability", and inline "1. 网络断开 2. 固件错误" (a digit and a dot or 、)
# and "1) FAQ bot 2) Order bot" (a digit and a closing bracket)
_MARK = (
    r"(?:[(（]\s*(?P<m>\d{1,2}|[A-Za-z])\s*[)）]|(?<![\w.])(?P<m2>\d)\s*[.、](?![\d.])"
    r"|(?<![\w.(（])(?P<m3>\d{1,2})[)）])"
)
_NEXT_MARK = r"(?:[(（]\s*(?:\d{1,2}|[A-Za-z])\s*[)）]|\s\d\s*[.、](?![\d.])|\s\d{1,2}[)）])"
_ENUMERATED = re.compile(
    rf"{_MARK}\s*(?P<item>[^()（）\n]+?)\s*(?={_NEXT_MARK}|[。；！？\n]|[.;!?](?:\s|$)|$)"
)


def _numbered_run(
    text: str, run: list[re.Match[str]], names: set[str], strip: str, opener: str
) -> list[LabelList]:
    """The list a run of numbered items makes (none unless two or more are all classes)."""
    items = [_clean(m["item"].rstrip(strip)) for m in run]
    if len(items) < 2 or not all(_is_label(i, names) for i in items):
        return []
    phrase = text[run[0].start() : run[-1].end()]
    return [LabelList(items, phrase, 0.85, run[0].start(), opener)]


def _enumerated(text: str, names: set[str]) -> list[LabelList]:
    """(1) 投诉 (2) 咨询 (3) 建议 / (a) Payment Terms (b) Liability: numbered items in a row."""
    out: list[LabelList] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        out.extend(_numbered_run(text, run, names, " ,，、;；", "enumerated"))

    def mark_of(match: re.Match[str]) -> str:
        return (match["m"] or match["m2"] or match["m3"]).lower()

    for match in _ENUMERATED.finditer(text):
        mark = mark_of(match)
        prev = mark_of(run[-1]) if run else None
        follows = (
            prev is not None
            and run[-1].end() >= match.start() - 1
            and (
                (mark.isdigit() and prev.isdigit() and int(mark) == int(prev) + 1)
                or (mark.isalpha() and prev.isalpha() and ord(mark) == ord(prev) + 1)
            )
        )
        if not follows:
            close()
            run = []
        if follows or mark in ("1", "a"):
            run.append(match)
    close()
    return out


# a numbered item on its own line: "1. 寿险", "2) mortgage", "3、医疗险", "- refund"
_LINE_ITEM = re.compile(
    r"^[ \t]*(?:(?P<n>\d{1,2})\s*[.)）、:：]|[-*•·])[ \t]*(?P<item>[^\n]{1,40}?)[ \t]*$", re.M
)


def _item_lines(text: str, names: set[str]) -> list[LabelList]:
    """Items one a line, numbered in order or bulleted, after a line that introduces them."""
    out: list[LabelList] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        out.extend(_numbered_run(text, run, names, " ,，、;；。.", "lines"))

    for match in _LINE_ITEM.finditer(text):
        prev = run[-1] if run else None
        adjacent = prev is not None and text[prev.end() : match.start()].strip() == ""
        numbered = match["n"] is not None
        in_order = adjacent and (
            (numbered and prev["n"] is not None and int(match["n"]) == int(prev["n"]) + 1)
            or (not numbered and prev["n"] is None)
        )
        if not in_order:
            close()
            run = [match] if (not numbered or match["n"] == "1") else []
        else:
            run.append(match)
    close()
    return out


# "a fraud/not-fraud classifier", "标签 是/否": classes joined by slashes beside a task noun
_SLASH_ITEM = r"[^\s/／，,。;；:：()（）]{1,16}"
_SLASH_CLASSES = re.compile(
    rf"(?:(?<=\s)|^)(?P<list>{_SLASH_ITEM}(?:\s?[/／]\s?{_SLASH_ITEM})+)\s+"
    r"(?:classifier|classification|detector|detection|model|分类器|分类|判别)\b"
    # after a label noun or a verb of telling apart: "标签就两个 fraud / legit", "检测 scam / legit"
    rf"|(?:标签|类别|等级|级别|档位|类型|labels?|classes|检测|判断|识别|区分|\bdetection|"
    rf"\bidentification|是(?=\s))"
    rf"\s*(?:就|只|共|一共)?\s*"
    rf"(?:[两二三四五六七八九十\d]+\s*[个种类档])?\s*(?:是|为|有|[:：])?\s*"
    rf"(?P<after>{_SLASH_ITEM}(?:\s?[/／]\s?{_SLASH_ITEM})+)"
    rf"(?=\s*(?:[\d一二两三四五六七八九十]+\s*(?:类|种|个))?\s*(?:[，,。;；]|\.(?:\s|$)|$)"
    rf"|\s*分别(?:对应|表示|代表))"  # "标签 0/1/2 分别对应 矛盾/中立/蕴含"
    # "，anger/joy/sadness 五类，": closed by a count of classes
    rf"|(?:^|(?<=[\s，,：:]))(?P<counted>{_SLASH_ITEM}(?:\s?[/／]\s?{_SLASH_ITEM})+)"
    r"\s*(?:[\d一二两三四五六七八九十]+\s*(?:类|种)|[二两三四]选一|"
    r"(?:two|three|four|five|six|\d+)\s+classes)"
    # "满意度 满意/一般/不满意 数据": Chinese classes between spaces
    r"|(?<=\s)(?P<spaced>[\u4e00-\u9fff]{1,8}(?:[/／][\u4e00-\u9fff]{1,8})+)(?=\s)",
    re.I,
)


def _slash_classes(text: str, names: set[str]) -> list[LabelList]:
    """Classes joined by slashes right before a task noun or right after a label noun."""
    out = []
    for match in _SLASH_CLASSES.finditer(text):
        group = next(g for g in ("list", "after", "counted", "spaced") if match[g])
        items = [_clean(i) for i in re.split(r"\s?[/／]\s?", match[group])]
        labels = all(i and _is_label(i, names) for i in items) or _codes(items)  # en/de/it
        if len(items) >= 2 and labels:
            out.append(LabelList(items, match[0], 0.8, match.start(group), "slash"))
    return out


#: Chinese classes separated by spaces right after a classification noun: "情绪分类 正面 负面 ，"
_SPACED_ZH = re.compile(
    r"(?:分类|分级|分档|分成|分为)\s+"
    r"(?P<list>[\u4e00-\u9fff]{1,6}(?:\s+[\u4e00-\u9fff]{1,6}){1,9})\s*(?=[，,。；;]|$)"
    # "二分类 positive negative。": English classes after a counted classification
    r"|(?:[二两三四五六七八九十\d]分类)\s+(?P<latin>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){1,9})"
    r"\s*(?=[，,。；;]|$)"
)


def _spaced_zh(text: str, names: set[str]) -> list[LabelList]:
    """Chinese classes separated by spaces after 分类 / 分级, up to the clause's end."""
    out = []
    for match in _SPACED_ZH.finditer(text):
        group = "list" if match["list"] else "latin"
        items = match[group].split()
        if all(_is_label(i, names) for i in items) and len(set(items)) == len(items):
            out.append(LabelList(items, match[0], 0.75, match.start(group), "spaced"))
    return out


def _after_columns(text: str, names: set[str], after: Collection[int]) -> list[LabelList]:
    out = []
    for end in after:
        skip = re.match(
            r"[\"'’”`]?\s*(?:(?:这一?)?(?:列|字段)(?=\s))?\s*(?:[,，:：=＝]\s*(?:which\s+(?:is|are)\b(?:\s+either\b)?)?"
            r"|\b(?:with|has|have|takes?)(?:\s+(?:the\s+)?values?)?\b"
            r"|\b(?:says|is|are|holds?|contains?)\b(?:\s+either\b)?|取值(?:为|是)?|值为|是|为"
            r"|(?:标注|标记|记)(?:为|成|的是)?)?\s*",
            text[end:],
        )
        start = end + (skip.end() if skip else 0)
        if re.match(r"the\s", text[start:], re.I):
            continue  # "(text is the utterance, category the intent)": what a column holds
        items, phrase, filled = _read(text, start, names, zh=_is_zh(text), fill=True,
                                      keep_names=True)  # fmt: skip
        inside = [i for i in items if len(i.split()) >= 3 and i.split()[0].casefold() in names]
        if len(items) >= 2 and filled and not inside:
            out.append(LabelList(items, phrase, 0.8, start, "after_column"))
    return out


# "each job post may require Python, SQL, Java, Excel, Communication.": capitalised names that
# run to the end of an English sentence
_CAPITAL_RUN = re.compile(
    r"(?<=[a-z]\s)(?P<list>[A-Z][\w+#.&-]*(?:\s*,\s*[A-Z][\w+#.&-]*){2,}"
    r"(?:,?\s+(?:and|or)\s+[A-Z][\w+#.&-]*)?)(?=\s*(?:[.;!?](?:\s|$)|$))"
)


def _capital_run(text: str, names: set[str]) -> list[LabelList]:
    """Three or more capitalised names closing a sentence (a weak reading, taken last)."""
    out = []
    for match in _CAPITAL_RUN.finditer(text):
        items = [_clean(i) for i in re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+",
                                             match["list"])]  # fmt: skip
        if all(i and _is_label(i, names) for i in items) and len(set(items)) == len(items):
            out.append(LabelList(items, match["list"], 0.55, match.start("list"), "capitals"))
    return out


_FINDERS = (
    _triggers, _plural_are, _each_is, _coded, _quote_runs, _colons, _brackets, _dashes,
    _sentence_starts, _either_zh, _either_en, _ideographic_commas, _enumerated, _item_lines,
    _slash_classes, _spaced_zh, _capital_run,
)  # fmt: skip


# -------------------------------------------------------------------- the reader
def _read(
    text: str,
    start: int,
    names: set[str],
    zh: bool,
    fill: bool = False,
    keep_names: bool = False,
) -> tuple[list[str], str, bool]:
    """The list at ``start``: its items, the phrase they span, whether they fill the sentence."""
    rest = text[start:].lstrip(" \t:：")
    rest = re.sub(r"^either\s+(?=[\"'“‘])", "", rest, flags=re.I)  # "either 'a' or 'b'"
    rest = re.sub(r"^(?:any|one|some|all|several)\s+of\s+", "", rest, flags=re.I)  # "any of x, y"
    rest = _TASK_WORD_LEAD.sub("", rest)  # "(multi-label; a, b"
    if rest[:1] in "[【{":  # "into [A, B, C]": the list inside the brackets
        rest = rest[1:]
    offset = len(text) - start - len(rest)
    quoted = re.match(_QUOTE_RUN.pattern, rest)
    if quoted:
        items = _cut_count([_clean(m["item"]) for m in _QUOTED.finditer(quoted[0])])
        # quoted, a class may run longer than a phrase would ('governing law outside US')
        if all(_is_label(i, names, keep_names) or _quoted_class(i) for i in items):
            after = rest[quoted.end() :]
            return items, quoted[0], _fills(after, names)
    end = (_END_ZH if zh or _CJK.match(rest[:1] or "x") else _END_EN).search(rest)
    sentence = rest[: end.start()] if end else rest
    key = (
        re.search(r"(?<=\S)\s+([^\s、，,；;|｜/]+)\s*$", sentence)
        if end and end[0] in ":："
        else None
    )
    if key and _NOT_A_LIST_KEY.search(key[1]):  # "A|B|C 数据:./x.csv": the next key, no class
        sentence = sentence[: key.start()]
    which = _WHICH_Q.search(sentence)  # "A、B 中的哪一个": the question closes the list
    sentence = sentence[: which.start()] if which else sentence
    tail = sentence if zh or _CJK.search(sentence[:4]) else _TAIL_EN.sub("", sentence)
    items, used = _items(tail, names, keep_names)
    phrase = _through(tail, items[-1]) if items else ""
    more = _OR_LAST.match(tail, len(phrase)) if len(items) >= 2 and "、" in phrase else None
    if more and _is_label(more["x"], names, keep_names):  # "物流、退换货、支付，或者其他"
        items, phrase = [*items, more["x"]], tail[: more.end("x")]
    filled = _fills(sentence[len(phrase) :], names) if fill else True
    del offset
    return items, phrase, filled


# the last class of a 、 list after a comma: "，或者其他", "，还是中性"
_OR_LAST = re.compile(
    r"\s*[，,]\s*(?:或者|或是|或|还是|以及)\s*(?P<x>[\u4e00-\u9fffA-Za-z_][\u4e00-\u9fff\w]{0,7}?)"
    r"\s*(?=[。.！!？?；;，,]|$)"
)


def _items(tail: str, names: set[str], keep_names: bool) -> tuple[list[str], int]:
    """The labels at the start of ``tail``; "/" separates only when nothing else does."""
    # "World, Sports and Sci/Tech" keeps "Sci/Tech"; "pos/neg，限时 90 秒" splits at the slash
    pieces = _pieces(tail, _SEP)
    if len(pieces) > 2 and pieces[1].sep in ("/", "／"):  # "好 / 坏，帮我训练": the comma ends it
        cut = next((i for i, p in enumerate(pieces) if p.sep in (",", "，")), len(pieces))
        pieces = pieces[:cut]
    items = _take(pieces, names, keep_names)
    first = pieces[0].text
    if re.search(r"\S[/／]\S", first):  # "0/1，分别表示…": the slash joins this list
        cut = re.search(r"[,，](?=[^/／]*$)", tail)  # "correct/incorrect, stored in column verdict"
        slashed = _take(
            _pieces(tail[: cut.start()] if cut else tail, _SEP_SLASH), names, keep_names
        )
        if len(slashed) >= 2:
            return slashed, 1
    if len(items) >= 2:
        return items, 0
    return _take(_pieces(tail, _SEP_SLASH), names, keep_names), 1


def _pieces(tail: str, separator: re.Pattern[str]) -> list[_Piece]:
    """``tail`` cut at its separators, each piece with the kind of separator before it."""
    pieces, start, conj, bare, sep = [], 0, False, False, ""
    for match in separator.finditer(tail):
        if not _whole_word(tail, match):
            if match["punct"] and match["pconj"]:  # "良好、及格": split at 、, 及 starts a word
                pieces.append(_Piece(tail[start : match.start()], conj, bare, sep))
                start, conj, bare, sep = match.start("pconj"), False, False, match["punct"]
            continue
        pieces.append(_Piece(tail[start : match.start()], conj, bare, sep))
        start, bare = match.end(), bool(match["conj"])
        conj = bare or bool(match["pconj"])
        sep = match[0].strip() or " "
    pieces.append(_Piece(tail[start:], conj, bare, sep))
    # in a list joined by 、 a 和 before another 、 is inside an item: 劳动和社会保障、卫生计生
    merged: list[_Piece] = []
    for i, piece in enumerate(pieces):
        later = any(p.sep.startswith("、") for p in pieces[i + 1 :])
        inner = piece.bare_conj and piece.sep in ("和", "与", "及") and merged
        if inner and later:
            merged[-1].text += piece.sep + piece.text
            continue
        if later and piece.sep[:1] == "、" and piece.sep[1:] in ("和", "与", "及"):
            # "质量问题、与描述不符、不想要了": the list goes on, so 与 opens an item
            piece.text, piece.sep, piece.conj = piece.sep[1:] + piece.text, "、", False
        merged.append(piece)
    return merged


def _whole_word(tail: str, match: re.Match[str]) -> bool:
    """Whether a Chinese conjunction stands alone: 和 in 好评和差评, not 及 in 及格 or 不及格."""
    group = "conj" if match["conj"] else "pconj"
    if not match[group] or not _CJK.match(match[group]) or match[group] == "还是":
        return True
    span = match.span(group)
    bounds = word_bounds(tail)
    return span[0] in bounds and span[1] in bounds


_CODE = re.compile(r"[a-z]{2,3}")
_GRADES = re.compile(r"\d{1,2}\s*[类级档]")


def _take(pieces: list[_Piece], names: set[str], keep_names: bool = False) -> list[str]:
    """Items up to where the list ends: a non-label, a comma after "or C", or a count."""
    items: list[str] = []
    closed = False  # the list's last item has been read; only a bare "or"/"和" may go on
    enumerating = False  # 、 seen: a Chinese comma "，" now ends the list (a new clause)
    for i, piece in enumerate(pieces):
        if closed and not piece.bare_conj:
            break
        if enumerating and piece.sep.startswith("，"):
            break
        enumerating = enumerating or piece.sep.startswith("、")
        part, glued = _unglue(_clean(piece.text), names, keep_names)
        if glued and names & {w.casefold() for w in re.findall(r"[A-Za-z_]\w*", piece.text)}:
            break  # "对话文本在 utterance 字段": a column's description, not a class
        if glued and items and not _CJK.search(part) and all(" " not in i for i in items):
            part = part.split()[0]  # "Austen, Dickens, or Twain wrote each passage" → Twain
        stripped = _COUNT_SUFFIX.sub("", part)
        if _GRADES.fullmatch(part) and (not items or _GRADES.fullmatch(items[-1])):
            stripped = part  # "1类、2类、3类": graded classes, no count
        if not stripped and items and (piece.sep == " " or not re.search(r"[级档]\s*$", part)):
            break  # "…、重构 四种": the count closes the list
        counted = bool(stripped) and stripped != part  # 一级 is a label, B两类 a label and a count
        part = stripped if counted else part
        # "en, de, it, other": a short code between commas is a class though a function word
        # "en, de, fr, es, it": or the last of a run of such codes
        coded = (
            bool(items)
            and piece.sep in (",", "，", "、")
            and _CODE.fullmatch(part) is not None
            and (
                (i + 1 < len(pieces) and pieces[i + 1].sep in (",", "，", "、"))
                or _codes([*items, part])
            )
        )
        member = coded or (not glued and _among_peers(pieces, i, items, part, enumerating))
        if part and not member and not _is_label(part, names, keep_names):
            break
        if part:
            items.append(part)
        if counted or glued:
            break  # 两类 or a clause closes the list
        closed = closed or (piece.conj and bool(part))
    return items


def _among_peers(
    pieces: list[_Piece], i: int, items: list[str], part: str, enumerating: bool
) -> bool:
    """A word of a setting standing alone in a run of its peers: 限时折扣 or Evaluate as a class.

    "Remember, Understand, Apply, Analyze, Evaluate, Create", "包邮、新品、进口、限时折扣": one
    short item between (or after) others joined the same way, with no number, metric or
    duration of a real setting in it.
    """
    piece = pieces[i]
    if (
        len(items) < 2
        or piece.sep not in (",", "，", "、", "|", "｜")
        or pieces[i - 1].sep != piece.sep
    ):
        return False
    following = pieces[i + 1] if i + 1 < len(pieces) else None
    if following and following.sep != piece.sep and not (enumerating and following.sep == "，"):
        return False
    return _peer_word(part, items)


_SETTING_NOUNS = frozenset(
    "model metric metrics budget latency deadline trials column columns".split()
)


def _peer_word(part: str, others: list[str]) -> bool:
    """A short item with no sign of a real setting, among short items (see ``_among_peers``)."""
    if states_a_constraint(part, strict=True) or re.search(r"\d|FILE", part):
        return False
    if _CJK.search(part):
        words = zh_words(part)
        short = len(part) <= 6 and " " not in part and all(len(i) <= 8 for i in others)
        return short and words[0] not in ZH_OPENERS
    words = part.split()
    if words and words[0].lower() in _SETTING_NOUNS:
        return False  # "billing, shipping, returns, model under 50 MB": the next clause
    # "Plan, Build, Test, Evaluate": a verb capitalised like its peers is one of them
    capitals = part[:1].isupper() and all(i[:1].isupper() for i in others)
    return (
        len(words) == 1
        and words[0].lower() not in _EN_FUNCTION
        and (capitals or words[0].lower() not in _EN_NOT_LABEL_START)
        and all(len(i.split()) <= 2 for i in others)
    )


def _quoted_class(item: str) -> bool:
    """A quoted class longer than a phrase would be ('governing law outside US')."""
    return 4 <= len(item.split()) <= 6 and not states_a_constraint(item, strict=True)


def _unglue(part: str, names: set[str], keep_names: bool = False) -> tuple[str, bool]:
    """A label and whether a clause was glued to it (中评并优化宏F1 → 中评, True)."""
    if _is_label(part, names, keep_names):
        return part, False
    start = clause_start(part)
    head = part[:start].strip() if start else ""
    if head and _is_label(_COUNT_SUFFIX.sub("", head), names, keep_names):
        return head, True
    if not _CJK.search(part):  # "returns does each ticket belong to" → returns
        words = part.split()
        for n in range(1, min(4, len(words))):
            if words[n].lower().strip(",.;:?!") in _EN_FUNCTION:
                head = " ".join(words[:n]).strip(_QUOTES)
                if _is_label(head, names, keep_names) and _plain_start(head):
                    return head, True
    return part, False


def _fills(after: str, names: set[str]) -> bool:
    """Whether what follows a list up to the end of its sentence holds no more words of it."""
    sentence = SENTENCE_END.split(after, maxsplit=1)[0]
    sentence = re.sub(r"^[\s)）]+", "", sentence)
    for part in re.split(r"[,，、;；]", sentence):
        part = part.strip(" \t" + _QUOTES)
        if part:  # the next phrase is a setting, a file or a column: the list was all of it
            return _hard_setting(part) or _names_a_column(part, names)
    return True


def _hard_setting(part: str) -> bool:
    """A file, a metric, a budget or a limit (not the softer clause tests)."""
    return bool(re.search(r"\bFILE\b", part)) or states_a_constraint(part, strict=True)


def _names_a_column(part: str, names: set[str]) -> bool:
    words = {w.casefold() for w in re.findall(r"[\w]+", part)}
    return bool(words & names) or bool(re.search(r"列|字段|\bcolumns?\b|\bfields?\b", part, re.I))


_TAKING_BACK = re.compile(r"不对|改成|改为|算了|等等|对了|不行")
# a Chinese clause led by a verb of the task ("输入…", "给一条…", "预测它…")
_ZH_CLAUSE = re.compile(r"(?:输入|输出|给(?:一|个|定)|预测|判断|根据|把|将)[\u4e00-\u9fff]")


def _acceptable(found: LabelList, text: str, names: set[str]) -> bool:
    before = text[max(0, found.start - 20) : found.start]
    at_first = text.find(found.items[0], found.start)
    lead = text[found.start : at_first] if at_first >= 0 else ""
    if _EXAMPLE_BEFORE.search(before) or _EXAMPLE_BEFORE.search(lead):
        return False
    at = text.find(found.evidence, found.start)
    tail = text[at + len(found.evidence) :] if at >= 0 else ""
    if _OPEN_END.match(tail) or any(_OPEN_LAST.search(item) for item in found.items):
        return False
    decimals = [i for i in found.items if re.fullmatch(r"-?\d+\.\d+", i.strip())]
    if decimals and len(decimals) < len(found.items):  # "只有 0.3，放在 old/ 目录": a score
        return False
    # (a capital and a digit is a grade: P0, P1, P2)
    sides = [i for i in found.items if SIDE_SUFFIX.fullmatch(i) and not re.fullmatch(r"[A-Z]\d", i)]
    if len(sides) == 2 and len(found.items) <= 3 and two_sides(sides):
        return False  # "question1, question2, is_duplicate": a pair's columns, not classes
    if re.match(r"\s*(?:pairs?\b|对)", tail, re.I) or re.search(r"\spairs?$", found.items[-1]):
        return False  # "(question, answer) pairs": the two sides of a pair, not classes
    if len(set(found.items)) != len(found.items):
        return False
    if any(re.fullmatch(r"files?|文件|datasets?|数据集?", i, re.I) for i in found.items):
        return False  # "…, or file": the words about the data, never a class
    if _EXAMPLE_ITEM.match(found.items[0]) or any(_SAID_AS_EXAMPLE.search(i) for i in found.items):
        return False  # "things like book_flight or cancel_order", "（这只是举例，…）"
    if any(_SPEC_PART.fullmatch(i) and i.split()[-1].casefold() in names for i in found.items):
        return False  # "source src, translation mt": what each column holds, then its name
    if all(item.casefold() in _UNITS for item in found.items):
        return False  # "（元/平米）": how a number is measured
    if sum(bool(_ZH_CLAUSE.match(i)) for i in found.items) >= 1 and all(
        len(i) >= 4 for i in found.items
    ):
        return False  # "输入患者提问和医生回答", "给一条招聘信息，预测…": clauses, not classes
    if any(_TAKING_BACK.fullmatch(i) for i in found.items):
        return False  # "20 分钟吧——不对，改成 40 分钟": words that correct, not classes
    if re.match(r"\s*(?:at the same time|simultaneously|同时)", tail, re.I):
        return False  # "can be billing AND login at the same time": an example of several
    if len(found.items) == 2 and found.items[-1].casefold() == "not":
        return False  # "same applicant or not?": a yes/no question, not two classes
    if len(found.items) == 2 and re.search(r"\bbetween\s+(?:the\s+|a\s+|an\s+)?$", before + lead):
        return False  # "between the user query and the page title": the two sides of a pair
    numeric = all(re.fullmatch(r"-?\d+(?:\.\d+)?", item) for item in found.items)
    if numeric and re.match(r"between|from|to\b|从|在", found.evidence.strip(), re.I):
        return False  # "between 0 and 1": a range of values, not classes
    if (
        numeric
        and len(found.items) == 2
        and re.search(r"[\[(（]\s*-?\d[\d.\s]*[,，]", found.evidence)
    ):
        return False  # "a score in [0,1]": an interval
    inner = found.items[1:-1]  # "en, de, it, other": a short code inside a list
    peers = len(found.items) >= 3
    quoted = found.evidence[:1] in _QUOTES.strip()
    return all(_is_label(item, names, found.opener in ("after_column",)) or _value_trigger(found)
               or (quoted and _quoted_class(item))
               or (peers and _peer_word(item, [i for i in found.items if i != item]))
               or (item in inner and _CODE.fullmatch(item) is not None) or _codes(found.items)
               for item in found.items)  # fmt: skip


def _codes(items: list[str]) -> bool:
    """ "en, de, fr, es, it": a run of short codes, each a class though it is a function word."""
    return len(items) >= 3 and all(_CODE.fullmatch(item) for item in items)


def _value_trigger(found: LabelList) -> bool:
    return bool(re.search(r"取值|值为|值有|值是|values", found.evidence[:20], re.I))


# ------------------------------------------------------------------------ items
_WHICH_ONE = re.compile(
    r"(?<=\S)\s*(?:这|那)?(?:[\d一二两三四五六七八九十]+\s*(?:个|类|种|档|级|项))?"
    r"(?:之?中|里|里面|当中)?\s*的?\s*(?:哪一|哪)\s*(?:个|类|种|档|级|项)\s*[？?]?\s*$"
)


_WHICH_Q = re.compile(
    r"(?<=\S)\s*(?:这|那)?(?:[\d一二两三四五六七八九十]+\s*(?:个|类|种|档|级|项))?"
    r"(?:之中|当中|里面|里|中)\s*的?\s*(?:哪一|哪|一|其中一)\s*(?:个|类|种|档|级|项)"
    r"|\s+(?:哪一|哪)\s*(?:个|类|种|档|级|项)"  # "工厂、工地、交通 哪一类"
)


def _clean(part: str) -> str:
    part = part.strip().strip(_QUOTES)
    # "A、B、C 中的哪一个": the question after the last item is no part of it
    part = _WHICH_ONE.sub("", part)
    if len(part) > 1 and _CJK.match(part[-1]):
        part = part.removesuffix("之一").removesuffix("的")  # 负面的 / 正面之一
    # "a refund, an exchange, or just information": the classes without the article
    part = re.sub(r"^(?:a|an|the|just|only|simply)\s+(?=\S+\s*\S*$)", "", part.strip(), flags=re.I)
    return part.strip().strip(_QUOTES).strip()


# a piece that only counts or points back at the classes: "…、军事 四个", "…、机构名 这些实体类型",
# "joy, anger, several of them at a time"
_NO_CLASS = re.compile(
    r"(?:共|这)?[\d一二两三四五六七八九十]{1,2}\s*个[\u4e00-\u9fff]{0,3}"
    r"|(?:这些|这几|那些|以上)[\u4e00-\u9fff]{0,6}"
    r"|(?:several|any|both|many)(?:\s+of\s+them)?(?:\s+.*)?",
    re.I,
)


def _cut_count(items: list[str]) -> list[str]:
    return [_COUNT_SUFFIX.sub("", i) or i for i in items if i]


_EN_NEVER_FIRST = frozenset(
    "are is was were be been the a an each every this that these those i we you it they please one "
    "given in on at several both multiple "
    "what which who whether if my our your their its".split()
)
#: units (元/平米, USD, km/h): a bracket of them says how a number is measured
_UNITS = frozenset(
    "元 千元 万元 百元 块 美元 人民币 平米 平方米 米 公里 千米 千克 公斤 克 斤 吨 小时 分钟 秒 "
    "天 年 月 周 次 个 人 % "
    "usd eur rmb cny km kg g m h min s ms mb gb kb kwh m² m2 m³ yr hr sqft l 100km "
    "annual yearly monthly weekly daily hourly".split()
)
_ZH_NEVER_IN = re.compile(
    r"几[十百千万]|十几|[十百千]来个|比如|例如|一一|属于|(?<!无法)判断|区分|分为|分成|是否|哪一|哪个|哪类|还是|(?:类别|标签|类型)(?:为|是|有)"
    r"|吗$|是不是"  # "区分这些评论是人写的还是机器生成的吗": the question, not its classes
    r"|^这一?列$|^嗯$|就先这样|没有别的"  # "这一列，嗯，就先这样": filler after a column
)

# "论据对论点是 支持": the words that lead into a list, ending in its verb (never "不是")
_ZH_COPULA = re.compile(r"[\u4e00-\u9fff]{2,}(?:是|为)(?:\s|$)")


_TASK_WORD = re.compile(
    r"(?:multi|single|binary)[- ]?(?:label|class)(?:\s+classification)?|binary|"
    r"多标签|多分类|二分类|单标签|多选|单选",
    re.I,
)
# the task word leading a list, with its separator: "(multi-label; SDG1, SDG2)"
_TASK_WORD_LEAD = re.compile(rf"^\s*(?:{_TASK_WORD.pattern})\s*[;；:：]\s*", re.I)


def _is_label(part: str, names: set[str], keep_names: bool = False) -> bool:
    if not part or (not keep_names and part.casefold() in names):
        return False
    inside = names & {w.casefold() for w in re.findall(r"[A-Za-z0-9_]+", part)}
    if (
        not keep_names
        and part.casefold() not in inside
        and inside
        and (_CJK.search(part) or (" " in part and any(re.search(r"[_\d]", n) for n in inside)))
    ):
        return False  # "are question_a", "intent 为输出": a column name inside
    if re.fullmatch(r"[A-Z]", part):
        return True  # a class named by one capital letter: A, B, C
    if re.fullmatch(r"[A-Z]{2,4}", part) and part.casefold() not in _UNITS:
        return not states_a_constraint(part, strict=True)  # an acronym: IT, HR, NLP
    if _CJK.search(part) and (_ZH_NEVER_IN.search(part) or _ZH_COPULA.search(part)):
        return False
    words = part.split()
    if len(words) > 1 and words[0].lower() in _EN_NEVER_FIRST and not _CJK.search(part):
        return False
    if len(words) > 1 and re.search(r"\b(?:is|are|means|equals|holds|contains|says)\b", part, re.I):
        return False  # "accepted is 0", "'resolved' holds yes": a statement, not a class
    if RANGE.fullmatch(part.strip()) or re.fullmatch(r"[\d.]+\s*%?", part) and len(part) > 3:
        return False
    if re.search(r"\bFILE\b", part) or re.search(r"[=＝]", part):
        return False
    if re.search(r"[\w\u4e00-\u9fff][“”\"「」『』]", part):
        return False  # "标签“重复": a quote opens inside, the item runs past its class
    if re.fullmatch(r"(?:files?|data(?:set)?|path|数据|文件)", part, re.I):
        return False
    if _TASK_WORD.fullmatch(part):
        return False  # "(multi-label; SDG1, SDG2)": the kind of task, not a class
    if re.fullmatch(r"labels|classes|categories", part, re.I) or part.lower() in (
        "before",
        "usual",
    ):
        return False  # "same idea as before, categories: …": no class
    if re.match(r"单位|计量单位|\bunits?\b", part, re.I):
        return False  # "（月薪，单位元）": how a number is measured
    if len(words) > 1 and re.search(
        r"\b(?:classes|categories|labels|continuous|numbers?|numeric|real-valued)\b", part, re.I
    ):
        return False  # "a continuous number, not classes": what kind of target, not a class
    if not _CJK.search(part):
        words = part.split()
        if (
            words
            and words[0].lower().strip("'’") in ("not", "no", "none", "non")
            and len(words) > 1
        ):
            return not states_a_constraint(part)  # "not a disaster", "no match"
    return not states_a_constraint(part)


def _describes(item: str, names: set[str]) -> bool:
    """A Chinese phrase holding a column name: 问题 question, 评论 review."""
    words = {w.casefold() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", item)}
    return bool(_CJK.search(item) and words & names)


def _plain_start(item: str) -> bool:
    first = item.split()[0].lower() if item.split() else ""
    return first not in _EN_NOT_LABEL_START


def _last_words(part: str, width: int) -> str:
    """The content words at the end of ``part`` (at most ``width``): "it's Electronics"."""
    words = _clean(part).split()
    kept: list[str] = []
    for word in reversed(words):
        bare = word.lower().strip(",.;:?!'\"’")
        if bare in _EN_FUNCTION or bare in _EN_NOT_LABEL_START or "'" in word or "’" in word:
            break
        kept.insert(0, word)
        if len(kept) >= width:
            break
    return _clean(" ".join(kept))


_ZH_LEAD = re.compile(r".*(?:包括|包含|分为|分成|有|是|为|属于|分别是)\s*")


def _last_word_zh(part: str, width: int) -> str:
    """The end of ``part`` as long as the other items: 判断风险等级 R1 → R1, 科室包括内科 → 内科."""
    part = part.strip()
    lead = _ZH_LEAD.match(part)
    if lead and lead.end() < len(part) and len(part) - lead.end() <= width + 1:
        return _clean(part[lead.end() :])
    if " " in part:
        return _clean(part.rsplit(None, 1)[-1])
    if not _CJK.search(part):
        return _clean(part)
    words = [w for w in zh_words(part) if w.strip()]
    kept = ""
    for word in reversed(words):
        if len(kept) + len(word) > width + 1:
            break
        kept = word + kept
    return _clean(kept)


def _cut_tail_zh(part: str) -> str:
    """The last item of a 、 list without the words glued after it (C 四种 → C)."""
    part = _COUNT_SUFFIX.sub("", part.strip())
    if " " in part and not re.fullmatch(r"[A-Z][A-Z0-9_]*(?: [A-Z][A-Z0-9_]*)+", part):
        part = part.split()[0]  # (an all-capitals class keeps its words: NOT ENOUGH INFO)
    start = clause_start(part)
    return part[:start] if start else part


def _through(tail: str, last: str) -> str:
    """``tail`` up to the end of its last label: the phrase the labels rest on."""
    end = tail.find(last)
    return tail[: end + len(last)] if end >= 0 else tail


def _is_zh(text: str) -> bool:
    return bool(_CJK.search(text))


def _join_quote_runs(text: str) -> str:
    """「A」「B」 and ‘A’ ‘B’ written with no separator: read as 「A」、「B」."""
    return re.sub(r"([」』’”])\s*([「『‘“])", r"\1、\2", text)


# a short code followed by its meaning in brackets: "pos（正面）", "neg (negative)"
# (a short code, not a numbered item's mark: "into (1) Bug Report (2) …")
_GLOSSED = re.compile(
    r"(?<![\w-])(?P<code>[A-Za-z0-9-]{1,6})"
    r"(?P<g>\s*[（(](?!\s*(?:\d{1,2}|[A-Za-z])\s*[)）])[^()（）\n]{1,20}[)）])"
)
_ROLE_GLOSS = re.compile(
    r"\b(?:text|label|message|content|body|input|target|class|category|sentence|question|answer)s?\b"
    r"|文本|标签|内容|正文|类别|输入|目标|列|字段|column|field",
    re.I,
)
_GLOSS_GAP = re.compile(
    r"\s*(?:[、,，/／|;；]|\bor\b|\band\b|或者?|和|还是)?\s*(?:\bor\b|\band\b)?\s*$", re.I
)


def without_glosses(text: str) -> str:
    """ "pos（正面）、neg（负面）": the meanings cut out of a run of two or more glossed codes.

    A run whose brackets name roles ("v2 (message) and v1 (label)") names columns: kept.
    """
    found = list(_GLOSSED.finditer(text))
    runs: list[list[re.Match[str]]] = []
    for match in found:
        if runs and _GLOSS_GAP.fullmatch(text[runs[-1][-1].end() : match.start()]):
            runs[-1].append(match)
        else:
            runs.append([match])
    for run in (
        r for r in reversed(runs) if len(r) >= 2 and not any(_ROLE_GLOSS.search(m["g"]) for m in r)
    ):
        for match in reversed(run):
            start, end = match.span("g")
            text = text[:start] + text[end:]
    return text
