"""Label lists in a description: 分成A、B、C三类, 是A还是B, as X or Y, into X, Y and Z, (a/b).

Every separator (、 ， , ； ; / 和 或 and or …) joins items the same way; a list ends where an item
states a constraint instead of a class (see :mod:`openautoglm.parse.clauses`), after the item a
conjunction brought in ("A, B or C, optimise F1"), or after a count (A、B两类).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from openautoglm.parse.clauses import clause_start, states_a_constraint, word_bounds

# separators between labels: punctuation (maybe with a conjunction after it) or a conjunction
_CONJ = r"以及|或者|还是|和|或|与|及|\b(?:and|or|versus)\b|\bvs\b\.?|(?<=\s)&(?=\s)"
_PUNCT = "、，,；;|｜"
# Chinese written with spaces for commas: 好评 差评 中评
_CJK_GAP = r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
_SEP = re.compile(
    rf"\s*(?:(?P<punct>[{_PUNCT}])\s*(?P<pconj>{_CONJ})?|(?P<conj>{_CONJ}))\s*|{_CJK_GAP}", re.I
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SEP_SLASH = re.compile(_SEP.pattern.replace(_PUNCT, _PUNCT + "/／"), re.I)
# a list never runs past the end of a sentence, into brackets, a colon or a dash
_END_ANY = r"[（）()：:—–]|\s-\s"
_END_ZH = re.compile(rf"[。！!？?\n]|{_END_ANY}")
_END_EN = re.compile(rf"[.!?\n](?:\s|$)|[.!?\n]$|{_END_ANY}")
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
    r"\b(?:(?:as(?:\s+either)?|into|between)(?:\s*[:：])?|labels?(?:\s+are)?\s*[:=：]|"
    r"classes(?:\s+are)?\s*[:=：]|categories(?:\s+are)?\s*[:=：]|tags?\s*[:=：])\s+",
    re.IGNORECASE,
)
_SLASH_IN_BRACKETS = re.compile(r"[（(]\s*([^()（）/]{1,30}(?:\s*/\s*[^()（）/]{1,30})+)\s*[)）]")
# words after which an English list is over: "positive or negative in reviews.csv"
_TAIL_EN = re.compile(
    r"\s+(?:in|on|from|using|with|for|based|by|within|under|and then|based on|according)\b.*$",
    re.IGNORECASE,
)
_QUOTES = " \"'“”‘’「」『』"


@dataclass
class _Piece:
    """One item of a list and how it was joined to the one before."""

    text: str
    conj: bool = False  # brought in by a conjunction: "C" in "A, B or C" or "A, B, or C"
    bare_conj: bool = False  # by a conjunction alone: "C" in "A or B or C", not "A or B, or C"


def find_labels(text: str, exclude: Collection[str] = ()) -> tuple[list[str] | None, str | None]:
    """The label list ``text`` states and its phrase (paths masked; ``exclude``: column names)."""
    names = {name.casefold() for name in exclude}
    for finder in (_zh_list, _zh_either, _en_list, _slash_list):
        labels, evidence = finder(text, names)
        if labels:
            return labels, evidence
    return None, None


def split_list(text: str) -> list[str]:
    """A list the user typed ("a, b；c"): split at punctuation, at "/" only when nothing else."""
    # an answer holds labels only: "Sci/Tech" in "World, Sci/Tech" keeps its slash
    parts = [p.strip(_QUOTES) for p in re.split(rf"\s*[{_PUNCT}]\s*", text.strip())]
    if len([p for p in parts if p]) < 2:
        parts = [p.strip(_QUOTES) for p in re.split(rf"\s*[{_PUNCT}/／]\s*", text.strip())]
    return [part for part in parts if part]


def _zh_list(text: str, names: set[str]) -> tuple[list[str] | None, str | None]:
    for match in _ZH_TRIGGERS.finditer(text):
        tail = _END_ZH.split(_after_trigger(text, match), maxsplit=1)[0]
        items = _items(tail, names)
        if len(items) >= 2:
            return items, match.group(0) + _through(tail, items[-1])
    return None, None


def _zh_either(text: str, names: set[str]) -> tuple[list[str] | None, str | None]:
    match = _ZH_EITHER.search(text)
    if not match:
        return None, None
    items = _items(match.group("a"), names) + _items(match.group("b"), names)
    return (items, match.group(0)) if len(items) >= 2 else (None, None)


def _en_list(text: str, names: set[str]) -> tuple[list[str] | None, str | None]:
    for match in _EN_TRIGGERS.finditer(text):
        tail = _TAIL_EN.sub("", _END_EN.split(_after_trigger(text, match), maxsplit=1)[0])
        items = _items(tail, names)
        if len(items) >= 2:
            return items, match.group(0) + _through(tail, items[-1])
    return None, None


def _after_trigger(text: str, match: re.Match[str]) -> str:
    """The words after a trigger, less the colon that may introduce the list (分为：A、B)."""
    return text[match.end() :].lstrip(" \t:：")


def _slash_list(text: str, names: set[str]) -> tuple[list[str] | None, str | None]:
    for match in _SLASH_IN_BRACKETS.finditer(text):
        items = [part.strip() for part in match.group(1).split("/") if part.strip()]
        if len(items) >= 2 and all(_is_label(item, names) for item in items):
            return items, match.group(0)
    return None, None


def _items(tail: str, names: set[str]) -> list[str]:
    """The labels at the start of ``tail``; "/" separates only when nothing else does."""
    # "World, Sports and Sci/Tech" keeps "Sci/Tech"; "pos/neg，限时 90 秒" splits at the slash
    items = _take(_pieces(tail, _SEP), names)
    return items if len(items) >= 2 else _take(_pieces(tail, _SEP_SLASH), names)


def _pieces(tail: str, separator: re.Pattern[str]) -> list[_Piece]:
    """``tail`` cut at its separators, each piece with the kind of separator before it."""
    pieces, start, conj, bare = [], 0, False, False
    for match in separator.finditer(tail):
        if not _whole_word(tail, match):
            continue
        pieces.append(_Piece(tail[start : match.start()], conj, bare))
        start, bare = match.end(), bool(match["conj"])
        conj = bare or bool(match["pconj"])
    pieces.append(_Piece(tail[start:], conj, bare))
    return pieces


def _whole_word(tail: str, match: re.Match[str]) -> bool:
    """Whether a Chinese conjunction stands alone: 和 in 好评和差评, not 及 in 及格 or 不及格."""
    group = "conj" if match["conj"] else "pconj"
    if not match[group] or not _CJK.match(match[group]):
        return True
    span = match.span(group)
    bounds = word_bounds(tail)
    return span[0] in bounds and span[1] in bounds


def _take(pieces: list[_Piece], names: set[str]) -> list[str]:
    """Items up to where the list ends: a non-label, a comma after "or C", or a count."""
    items: list[str] = []
    closed = False  # the list's last item has been read; only a bare "or"/"和" may go on
    for piece in pieces:
        if closed and not piece.bare_conj:
            break
        part, glued = _unglue(_clean(piece.text), names)
        counted = part != _COUNT_SUFFIX.sub("", part)
        part = _COUNT_SUFFIX.sub("", part)
        if part and not _is_label(part, names):
            break
        if part:
            items.append(part)
        if counted or glued:
            break  # 两类 or a clause closes the list
        closed = closed or (piece.conj and bool(part))
    return items


def _unglue(part: str, names: set[str]) -> tuple[str, bool]:
    """A label and whether a clause was glued to it (中评并优化宏F1 → 中评, True)."""
    if _is_label(part, names):
        return part, False
    start = clause_start(part)
    head = part[:start].strip() if start else ""
    return (head, True) if head and _is_label(_COUNT_SUFFIX.sub("", head), names) else (part, False)


def _clean(part: str) -> str:
    part = part.strip(_QUOTES)
    if len(part) > 1 and _CJK.match(part[-1]):
        part = part.removesuffix("之一").removesuffix("的")  # 负面的 / 正面之一
    return part.strip(_QUOTES)


def _is_label(part: str, names: set[str]) -> bool:
    return part.casefold() not in names and not states_a_constraint(part)


def _through(tail: str, last: str) -> str:
    """``tail`` up to the end of its last label: the phrase the labels rest on."""
    end = tail.find(last)
    return tail[: end + len(last)] if end >= 0 else tail
