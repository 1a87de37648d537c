"""Label lists in a description: 分成A、B、C三类, 是A还是B, as X or Y, into X, Y and Z, (a/b)."""

from __future__ import annotations

import re

# separators between labels, longest first
_SEP_ZH = r"\s*(?:、|，|,|/|以及|和|或者|或|与|及|还是)\s*"
_SEP_EN = r"\s*(?:,\s*(?:and|or)\s+|,|/|\band\b|\bor\b|\bversus\b|\bvs\.?)\s*"
_END = r"[。；;！!？?\n]|$"
# 三类 / 3 类 / 五种 at the end of a Chinese list
_COUNT_SUFFIX = re.compile(
    r"\s*(?:共|这|等)?\s*[\d一二两三四五六七八九十]+\s*(?:个)?(?:类别|大类|类|种|档|级)\s*$"
)
_ZH_TRIGGERS = re.compile(
    r"(?:分成|分为|分到|划分为|归为|归类为|分类为|分入|标注为|标记为|打成|判断为|识别为|"
    r"属于|(?:类别|标签|类目|分类|选项)(?:(?:有|包括|包含|为|是)\s*[:：]?|\s*[:：]))\s*"
)
_ZH_EITHER = re.compile(
    r"(?:是|属于|为)(?P<a>[^，。？?是；;]{1,30}?)还是(?P<b>[^，。？?；;\s的]{1,12})"
)
_EN_TRIGGERS = re.compile(
    r"\b(?:as(?:\s+either)?|into|between|labels?(?:\s+are)?\s*[:=]|classes(?:\s+are)?\s*[:=]|"
    r"categories(?:\s+are)?\s*[:=]|tags?\s*[:=])\s+",
    re.IGNORECASE,
)
_SLASH_IN_BRACKETS = re.compile(r"[（(]\s*([^()（）/]{1,30}(?:\s*/\s*[^()（）/]{1,30})+)\s*[)）]")
_STOP_EN = {"the", "a", "an", "label", "labels", "text", "input", "target", "each", "every"}
# words after which an English list is over: "positive or negative in reviews.csv"
_TAIL_EN = re.compile(
    r"\s+(?:in|on|from|using|with|for|based|by|within|under|and then|based on|according)\b.*$",
    re.IGNORECASE,
)
_CLAUSE_ZH = ("优化", "限时", "训练", "模型", "分钟", "小时", "预算", "最多", "目标", "以", "用")
_CLAUSE_ZH += ("准确", "达到", "延迟", "时间", "指标", "F1", "f1", "%")


def find_labels(text: str) -> tuple[list[str] | None, str | None]:
    """The label list that ``text`` states and the phrase it came from (paths masked first)."""
    for finder in (_zh_list, _zh_either, _en_list, _slash_list):
        labels, evidence = finder(text)
        if labels:
            return labels, evidence
    return None, None


def _zh_list(text: str) -> tuple[list[str] | None, str | None]:
    for match in _ZH_TRIGGERS.finditer(text):
        tail = re.split(_END, text[match.end() :], maxsplit=1)[0]
        items = _items(tail, _SEP_ZH, zh=True)
        if len(items) >= 2:
            return items, match.group(0) + _through(tail, items[-1])
    return None, None


def _zh_either(text: str) -> tuple[list[str] | None, str | None]:
    match = _ZH_EITHER.search(text)
    if not match:
        return None, None
    items = _items(match.group("a"), _SEP_ZH, zh=True) + _items(match.group("b"), _SEP_ZH, True)
    return (items, match.group(0)) if len(items) >= 2 else (None, None)


def _en_list(text: str) -> tuple[list[str] | None, str | None]:
    for match in _EN_TRIGGERS.finditer(text):
        tail = re.split(r"[.;!?\n](?:\s|$)|[.;!?\n]$|[()]", text[match.end() :], maxsplit=1)[0]
        tail = _TAIL_EN.sub("", tail)
        items = _items(tail, _SEP_EN, zh=False)
        if len(items) >= 2 and not any(_bad_en(item) for item in items):
            return items, match.group(0) + _through(tail, items[-1])
    return None, None


def _slash_list(text: str) -> tuple[list[str] | None, str | None]:
    for match in _SLASH_IN_BRACKETS.finditer(text):
        items = [part.strip() for part in match.group(1).split("/") if part.strip()]
        if len(items) >= 2 and all(len(item.split()) <= 3 for item in items):
            return items, match.group(0)
    return None, None


def _items(tail: str, separator: str, zh: bool) -> list[str]:
    tail = tail.strip()
    if zh:
        tail = _COUNT_SUFFIX.sub("", re.split(r"[）)（(]", tail, maxsplit=1)[0])
    elif re.search(r",|\band\b|\bor\b|\bvs\b|\bversus\b", tail):
        # "World, Sports and Sci/Tech": "Sci/Tech" keeps its slash when words delimit the items
        separator = separator.replace("|/|", r"|\s/\s|")
    items: list[str] = []
    for part in re.split(separator, tail):
        part = part.strip(" \"'“”‘’「」")
        if zh and part.endswith(("的", "之一")):
            part = part.removesuffix("之一").removesuffix("的")
        if not part:
            continue
        if zh and (len(part) > 10 or any(word in part for word in _CLAUSE_ZH)):
            break  # the list is over; a new clause starts
        items.append(_COUNT_SUFFIX.sub("", part) if zh else part)
    return [item for item in items if item]


def _through(tail: str, last: str) -> str:
    """``tail`` up to the end of its last label: the phrase the labels rest on."""
    end = tail.find(last)
    return tail[: end + len(last)] if end >= 0 else tail


def _bad_en(item: str) -> bool:
    words = item.split()
    return not words or len(words) > 3 or words[0].lower() in _STOP_EN
