"""Column names a description states: text and label columns, column lists, text pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# a column name: quoted (any characters) or a bare identifier
_Q = r"[\"'`“‘「『]"
_QE = r"[\"'`”’」』]"
_IDENT = r"[A-Za-z_][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[A-Za-z_]"
NAME = rf"(?:{_Q}(?P<{{g}}q>[^\"'`”’」』\n]{{{{1,60}}}}){_QE}|(?P<{{g}}b>{_IDENT})(?![A-Za-z0-9_]))"

_LABEL_ROLE_EN = r"label|labels|target|class|category|y|output"
_TEXT_ROLE_EN = r"text|texts|input|content|sentence|document"
_LABEL_ROLE_ZH = r"标签|类别|类标|目标|分类|标注"
_TEXT_ROLE_ZH = r"文本|内容|句子|正文|输入"
_ZH_TEXT_DESC = ("标题", "文本", "内容", "句子", "正文", "评论", "问题", "文章", "新闻", "输入")
_ZH_LABEL_DESC = ("类别", "标签", "分类", "类型", "目标", "类目", "情感", "答案")
# words that look like identifiers but are never column names in these phrasings
_NOT_NAMES = {"the", "a", "an", "is", "as", "and", "or", "of", "to", "in", "for", "column", "field"}


def _name(g: str) -> str:
    return NAME.format(g=g)


_PATTERNS = {
    # 标签列叫 sentiment / 文本列是 content / 标签列是 tags
    "zh_role_first": re.compile(
        rf"(?P<role>{_LABEL_ROLE_ZH}|{_TEXT_ROLE_ZH}|{_LABEL_ROLE_EN}|{_TEXT_ROLE_EN})\s*"
        rf"(?:列|字段|栏)(?:名)?\s*(?:是|叫做|叫|为|名为|用|:|：|=)\s*{_name('n')}",
        re.IGNORECASE,
    ),
    # text 列是标题，label 列是类别
    "zh_name_first": re.compile(
        rf"{_name('n')}\s*(?:列|字段|栏)\s*(?:是|为|放的是|存的是|表示|代表)\s*(?P<desc>[\u4e00-\u9fff]{{1,6}})"
    ),
    # label column 'label' / text column is message / label column named stars
    "en_role_first": re.compile(
        rf"\b(?P<role>{_LABEL_ROLE_EN}|{_TEXT_ROLE_EN})\s+(?:column|field|col)\s*"
        rf"(?:is\s+|=\s*|:\s*|named\s+|called\s+)?{_name('n')}",
        re.IGNORECASE,
    ),
    # the tags are in the 'topics' column / texts are stored in body field
    "en_role_in": re.compile(
        rf"\b(?P<role>{_LABEL_ROLE_EN}|tags?|classes|categories|targets?|{_TEXT_ROLE_EN})\s+"
        rf"(?:are|is)\s+(?:stored\s+|kept\s+)?in\s+(?:the\s+)?{_name('n')}\s*(?:column|field)",
        re.IGNORECASE,
    ),
    # 'department' field as the label / 'body' as the text / use stars as the target
    "en_name_as_role": re.compile(
        rf"{_name('n')}\s+(?:(?:column|field)\s+)?(?:as|for|is)\s+(?:the\s+)?"
        rf"(?P<role>{_LABEL_ROLE_EN}|{_TEXT_ROLE_EN})\b",
        re.IGNORECASE,
    ),
}
# columns q1, q2, is_duplicate / 列：a、b、c
_LIST = re.compile(
    rf"(?:\bcolumns|\bfields|列|字段)\s*(?:are|:|：|=)?\s*[（(]?\s*{_name('a')}"
    rf"(?P<rest>(?:\s*(?:,|，|、|and|和|与)\s*{_name('x')})+)",
    re.IGNORECASE,
)
# （premise 和 hypothesis）: a text pair in brackets
_PAIR = re.compile(
    rf"[（(]\s*{_name('a')}\s*(?:和|与|及|and|,|，|、|/|&)\s*{_name('b')}\s*[)）]", re.IGNORECASE
)
# column 'stars' / (column toxicity) / stars 列
_LONE = re.compile(rf"\b(?:column|field|col)\b\s*{_name('n')}", re.IGNORECASE)
_ITEM = re.compile(_name("x"))


@dataclass
class ColumnWords:
    """What the words say about columns, with the phrase each rests on."""

    text: str | list[str] | None = None
    label: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)

    def put(self, role: str, value: str | list[str], evidence: str, confidence: float) -> None:
        """Record a role unless a surer phrase already set it."""
        if getattr(self, role) is not None and self.confidence.get(role, 0) >= confidence:
            return
        setattr(self, role, value)
        self.evidence[role], self.confidence[role] = evidence, confidence


def find_columns(text: str, pair_task: bool) -> ColumnWords:
    """Text and label column names that ``text`` states (paths must already be masked)."""
    found = ColumnWords()
    for kind, pattern in _PATTERNS.items():
        for match in pattern.finditer(text):
            name = _group(match, "n")
            if name is None:
                continue
            role = _role(match, kind, name)
            if role:
                found.put(role, name, match.group(0), 0.9)
    _column_list(text, pair_task, found)
    if pair_task and not isinstance(found.text, list):
        match = _PAIR.search(text)
        if match and _group(match, "a") and _group(match, "b"):
            found.put("text", [_group(match, "a"), _group(match, "b")], match.group(0), 0.85)
    if found.label is None:
        match = _LONE.search(text)
        name = _group(match, "n") if match else None
        # one column named without a role is, in practice, the column to predict
        if match and name and name != found.text:
            found.put("label", name, match.group(0), 0.6)
    return found


def _column_list(text: str, pair_task: bool, found: ColumnWords) -> None:
    match = _LIST.search(text)
    if not match or _group(match, "a") is None:
        return
    names = [_group(match, "a")] + [
        _group(m, "x") for m in _ITEM.finditer(match.group("rest")) if _group(m, "x")
    ]
    names = [n for n in names if n and n.lower() not in _NOT_NAMES]
    if len(names) < 2:
        return
    if pair_task and len(names) >= 2:
        found.put("text", names[:2], match.group(0), 0.8)
        if len(names) >= 3:
            found.put("label", names[2], match.group(0), 0.8)
    else:
        found.put("text", names[0], match.group(0), 0.7)
        found.put("label", names[-1], match.group(0), 0.7)


def _group(match: re.Match[str] | None, g: str) -> str | None:
    if match is None:
        return None
    value = match.group(f"{g}q") or match.group(f"{g}b")
    if value is None or value.lower() in _NOT_NAMES:
        return None
    return value.strip()


def _role(match: re.Match[str], kind: str, name: str) -> str | None:
    if kind == "zh_name_first":
        desc = match.group("desc")
        if any(word in desc for word in _ZH_LABEL_DESC):
            return "label"
        if any(word in desc for word in _ZH_TEXT_DESC):
            return "text"
        return None
    role = match.group("role").lower()
    labelish = re.fullmatch(
        rf"{_LABEL_ROLE_EN}|{_LABEL_ROLE_ZH}|tags?|classes|categories|targets?", role, re.I
    )
    return "label" if labelish else "text"
