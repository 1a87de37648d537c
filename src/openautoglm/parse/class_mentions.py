"""Column mentions that are really classes: a name the column grammar read inside a label list.

The column reader sees "target: FAVOR, AGAINST, or NONE" as a label column called FAVOR, and
"标签一共四种：PCR、细胞培养、测序" as one called PCR. A mention is dropped (and its name left
free to be a class) when the words around it make it one item of a list of classes.
"""

from __future__ import annotations

import re

from openautoglm.parse.lexicon import two_sides
from openautoglm.parse.rule_columns import Mention

# two or more items after a name: "target: FAVOR, AGAINST, or NONE", "text 'a', 'b' or 'c'"
_ITEM_SEP = r"(?:\s*[,，、/]\s*(?:or\s+|and\s+)?|\s+or\s+|\s*或\s*)"
# after a colon, items of up to three words: "apply: pregnancy, renal impairment, HIV."
_WORDS_AFTER = re.compile(
    rf"(?:{_ITEM_SEP}(?!FILE\b)[A-Za-z][\w-]*(?: [A-Za-z][\w-]*){{0,2}}){{2,}}\s*(?:[.。?？;；]|$)"
)
_LIST_AFTER = re.compile(
    rf"[\"'’”`]?(?:{_ITEM_SEP}[\"'‘“`]?(?!FILE\b)[A-Za-z][A-Za-z0-9_-]*[\"'’”`]?){{2,}}"
    r"\s*(?:[.。?？;；]|$)"
)
# "Label tweets with every target group": the object of a verb of labelling is no column
_LABEL_VERB = re.compile(
    r"(?:^|(?<=[.!?]\s)|\s?)(?:label|tag|mark)\s+[A-Za-z]+s\s+(?:with|as|by|for|according)\b", re.I
)
# a Chinese list around a name: "标签一共四种：PCR、细胞培养、测序", "英雄联盟、DOTA2、CS2"
_ZH_ITEMS_AFTER = re.compile(r"(?:\s*、\s*[^\s、，,。；;()（）]{1,10}){2,}")
_ZH_ITEM_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,8}(?<![列段栏])\s*、\s*$")
# "标签就是“吐槽黄牛”和“其他”": a quoted name joined to a quoted item before it
_QUOTED_ITEM_BEFORE = re.compile(
    r"[”\"’'」』]\s*(?:和|或|与|、|,|，|\bor\b|\band\b)\s*[“\"‘'「『]$"
)
# "ELISA, Western blot, qPCR, flow cytometry are the classes"
_ARE_THE_CLASSES = r"\s+(?:are|is)\s+the\s+(?:classes|labels|categories|values)\b"
_COLUMN_WORD = re.compile(r"列|字段|栏|\bcolumns?\b|\bfields?\b", re.I)


def names_a_class(text: str, mention: Mention) -> bool:
    """Whether ``mention`` (read from ``text``) names classes rather than a column.

    Example:
        >>> from openautoglm.parse.rule_columns import find_mentions
        >>> text = "Stance toward a target: PRO, CON, or NEUTRAL."
        >>> [names_a_class(text, m) for m in find_mentions(text)]
        [True]
    """
    if mention.role == "label" and len(mention.names) >= 2:
        return True  # "标签分别是 yue 和 cmn": one column holds the label, so these are its values
    return _inside_a_list(text, mention) or _first_of_a_list(text, mention)


def _inside_a_list(text: str, mention: Mention) -> bool:
    """A Chinese 、 list or a run of quoted items around the name, or "X are the classes"."""
    before, after = text[: mention.start], text[mention.end :]
    columns = _COLUMN_WORD.search(mention.evidence)
    if not columns and mention.evidence.startswith(mention.names[0]):
        if _ZH_ITEM_BEFORE.search(before) or _ZH_ITEMS_AFTER.match(after):
            return True
    quoted_before = _QUOTED_ITEM_BEFORE.search(before + text[mention.start : mention.start + 1])
    if quoted_before and mention.role == "label" and not columns:
        return True
    last = re.escape(mention.names[-1])
    return re.match(rf"{last}{_ARE_THE_CLASSES}", text[mention.start :], re.I) is not None


def _first_of_a_list(text: str, mention: Mention) -> bool:
    """A name a role word points at, with two more items after it, or a verb's object."""
    if len(mention.names) != 1 or mention.role is None:
        return False
    if mention.role == "label" and _LABEL_VERB.match(text, max(0, mention.start - 1)):
        return True
    name = re.search(rf"{re.escape(mention.names[0])}[\"'’”`]?", text[mention.start : mention.end])
    end = mention.start + name.end() if name else mention.end
    colon = re.search(r"[:：]\s*$", text[: end - len(mention.names[0])])
    return _LIST_AFTER.match(text, end) is not None or bool(colon and _WORDS_AFTER.match(text, end))


def classes_beside_the_text(mentions: list[Mention]) -> list[Mention]:
    """The mentions left once a weakly read list of names is taken for classes, because the
    text column is named outright elsewhere ("native / non_native. … the essay column",
    "into debt_consolidation, home_improvement, … column purpose_text")."""
    text_named = [
        m
        for m in mentions
        if len(m.names) == 1
        and m.strength >= 0.9
        and (m.role == "text" or (m.role is None and _COLUMN_WORD.search(m.evidence)))
    ]
    if not text_named:
        return mentions
    taken = {n for m in text_named for n in m.names}
    listed = [
        m
        for m in mentions
        if len(m.names) >= 2
        and m.role is None
        and m.strength < 0.85
        and not _COLUMN_WORD.search(m.evidence)
        and not taken & set(m.names)
        and not two_sides(m.names)  # "addr1, addr2": a pair's two texts
    ]
    classes = {n for m in listed for n in m.names}
    return [
        m
        for m in mentions
        if m not in listed and not (m.strength < 0.85 and set(m.names) <= classes)
    ]
