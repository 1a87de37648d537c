"""Classes taken back or added after a label list: "joy, anger, fear — actually drop fear",
"喜、怒、哀、惧——‘惧’样本太少，去掉吧", "FAVOR, AGAINST, NONE — oh and also UNRELATED"."""

from __future__ import annotations

import re

_Q = r"[\"'`‘’“”「」『』]?"
# an English verb that takes a class back, then the class
_DROP_EN = re.compile(
    rf"\b(?:drop|remove|scratch|skip|exclude|leave out|forget(?: about)?|no more|not)\s+"
    rf"(?:the\s+)?{_Q}(?P<x>[^\s,;.，。；\"'`‘’“”]+){_Q}",
    re.I,
)
# the class, then words that take it back ("‘惧’样本太少，去掉吧", "表扬先不要了", "praise is out")
_DROP_AFTER = re.compile(
    r"^[\"'`‘’“”「」『』]?\s*(?:(?:这一?类|这个|类|的)?[\u4e00-\u9fff]{0,6}[，,]?\s*"
    r"(?:先?去掉|先?不要了?|删掉|拿掉|去除|剔除|先不放|不算|不做了?|先不做)|"
    r"(?:is|goes) out\b|(?:is )?dropped\b|(?:is )?removed\b)",
    re.I,
)
# a class added later, with words that make it one ("also UNRELATED as a fourth class")
_ADD_EN = re.compile(
    rf"\b(?:also|plus)\s+{_Q}(?P<x>[^\s,;.，。；\"'`‘’“”]+){_Q}\s+"
    r"(?:as (?:a|an|the) (?:\w+ )?(?:class|label|category)|(?:is )?(?:a|another) (?:class|label))",
    re.I,
)
_ADD_ZH = re.compile(
    rf"还有\s*{_Q}(?P<x>[^\s,;.，。；、\"'`‘’“”]+?){_Q}\s*[，,]?\s*(?:也算|也是|算)(?:一|一个)?(?:类|类别|种)"
)


def amend_labels(text: str, items: list[str], list_end: int) -> list[str]:
    """``items`` with the classes said after ``list_end`` to be dropped removed and those said
    to be added appended (in the order said).

    Example:
        >>> amend_labels("joy, anger, fear — actually drop fear", ["joy", "anger", "fear"], 16)
        ['joy', 'anger']
    """
    tail = text[list_end:]
    folded = {item.casefold() for item in items}
    dropped = {m["x"].casefold() for m in _DROP_EN.finditer(tail)} & folded
    for item in items:
        for m in re.finditer(re.escape(item), tail):
            if _DROP_AFTER.match(tail[m.end() :]) and not _inside_word(tail, m.start(), m.end()):
                dropped.add(item.casefold())
    kept = [i for i in items if i.casefold() not in dropped]
    added = [m["x"] for m in (*_ADD_EN.finditer(tail), *_ADD_ZH.finditer(tail))]
    kept += [a for a in added if a.casefold() not in {k.casefold() for k in kept}]
    return kept if len(kept) >= 2 else items


def _inside_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return bool(re.match(r"[A-Za-z0-9_]", before) or re.match(r"[A-Za-z0-9_]", after))
