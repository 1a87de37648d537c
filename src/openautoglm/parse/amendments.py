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
# "leave Spam out", "take neutral out"
_DROP_EN_AROUND = re.compile(
    rf"\b(?:leave|take|keep)\s+(?:the\s+)?{_Q}(?P<x>[^\s,;.，。；\"'`‘’“”]+){_Q}\s+out\b", re.I
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
# "Oh, and NONE too, forgot that one"
_ADD_TOO = re.compile(
    rf"\b(?:oh|ah|wait|right)\b[,!]?\s+and\s+{_Q}(?P<x>[^\s,;.，。；\"'`‘’“”]{{2,}}){_Q}\s+"
    r"(?:too|as well)\b",
    re.I,
)
_ADD_ZH = re.compile(
    rf"还有\s*{_Q}(?P<x>[^\s,;.，。；、\"'`‘’“”]+?){_Q}\s*[，,]?\s*(?:也算|也是|算)(?:一|一个)?(?:类|类别|种)"
    # "啊对了，还有 中立，差点忘了": a class remembered late
    rf"|(?:对了|哦|噢|啊)\s*[，,]?\s*还有\s*{_Q}(?P<y>[^\s,;.，。；、\"'`‘’“”]+?){_Q}"
    r"\s*(?=[，,。；;！!]|$)"
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
    drops = (*_DROP_EN.finditer(tail), *_DROP_EN_AROUND.finditer(tail))
    dropped = {m["x"].casefold() for m in drops} & folded
    for item in items:
        for m in re.finditer(re.escape(item), tail):
            if _DROP_AFTER.match(tail[m.end() :]) and not _inside_word(tail, m.start(), m.end()):
                dropped.add(item.casefold())
    kept = [i for i in items if i.casefold() not in dropped]
    adds = sorted((*_ADD_EN.finditer(tail), *_ADD_TOO.finditer(tail), *_ADD_ZH.finditer(tail)),
                  key=lambda m: m.start())  # fmt: skip
    added = [m["x"] or m.groupdict().get("y") for m in adds]
    kept += [a for a in added if a.casefold() not in {k.casefold() for k in kept}]
    return kept if len(kept) >= 2 else items


def _inside_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return bool(re.match(r"[A-Za-z0-9_]", before) or re.match(r"[A-Za-z0-9_]", after))
