"""Command-line flags pasted into a description, spelt out as the words the rules read.

Users paste the command they already run ("automl train --data a.csv --text-col msg --label-col y
--budget 20m --trials 30") or a ``key=value`` line ("labels=toxic,non_toxic metric=f1"). Each flag
becomes the phrase a person would write ("text column msg", "time budget 20 minutes", "labels:
toxic, non_toxic."), so one set of rules reads both.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_VALUE = r"[`'\"]?(?P<v>[^\s`'\",，;；]+)[`'\"]?"
_LIST = r"[`'\"]?(?P<v>[^\s`'\"，。]+)[`'\"]?"  # "label=intent，看 accuracy": no list
_UNITS = {"s": "seconds", "m": "minutes", "min": "minutes", "h": "hours", "d": "days"}
_DURATION = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>s|m|min|h|d)?", re.I)


def spell_out_flags(text: str) -> str:
    """``text`` with ``--flag value`` and list-valued ``key=value`` pairs written as words.

    Example:
        >>> spell_out_flags("run --text-col msg --label-col y --budget 20m --trials 30")
        'run text column msg , label column y , time budget 20 minutes , 30 trials ,'
    """
    text = re.sub(rf"(?<!\S)--?labels?[= ]\s*{_LIST}(?=\s|$)", _label_list, text, flags=re.I)
    text = re.sub(  # "classes=利好,利空,中性"
        rf"(?<![\w-])(?:labels?|classes|categories)\s*=\s*{_LIST}(?=\s|$)",
        _label_list,
        text,
        flags=re.I,
    )
    text = _column_keys(text)
    for flag, words in (
        (r"text[-_]?col(?:umns?)?|text", "text column"),
        (r"label[-_]?col(?:umn)?|label|target", "label column"),
        (r"metric", "metric"),
    ):
        text = re.sub(rf"(?<!\S)--(?:{flag})[= ]\s*{_VALUE}", _said(words), text, flags=re.I)
    # "text column 是 新闻内容": English words, a Chinese name
    text = re.sub(
        r"(?<![\w-])(?P<r>text|label|target)[ _-]?(?:column|col|field)\s*(?:是|为|叫|[:：=])\s*"
        r"(?P<v>[\u4e00-\u9fff][^\s,，;；。、]{0,15})",
        lambda m: (
            f"{_ZH_WORDS['text column' if m['r'].lower() == 'text' else 'label column']} {m['v']}，"
        ),
        text,
        flags=re.I,
    )
    for key, words in (("text", "text column"), ("label", "label column")):  # "labelcol=lbl"
        text = re.sub(
            rf"(?<![\w-]){key}[-_]?col(?:umn)?\s*=\s*{_VALUE}", _said(words), text, flags=re.I
        )
    # "latency_ms=200", "max_latency_ms: 50": milliseconds
    text = re.sub(
        r"(?<![\w-])(?:max_)?latency(?:_ms)?[\"']?\s*[=:]\s*[\"']?(?P<v>\d+(?:\.\d+)?)\b(?!\s*[A-Za-z秒])",
        r"latency \g<v> ms ,",
        text,
        flags=re.I,
    )
    text = re.sub(
        rf"(?<!\S)--(?:max[-_])?trials[= ]\s*{_VALUE}", r"\g<v> trials ,", text, flags=re.I
    )
    for key, words in _SETTING_KEYS:  # "time_budget: 3600", "max_model_mb=300", JSON keys
        text = re.sub(rf"{_KEY_OPEN}(?:{key}){_KEY_CLOSE}{_NUMBER}", words, text, flags=re.I)
    return re.sub(
        rf"(?<!\S)--(?:time[-_]?budget|budget|time|timeout|time[-_]limit)[= ]\s*{_VALUE}",
        _budget,
        text,
        flags=re.I,
    )


# a setting's key as YAML, JSON or key=value writes it, then its number (the unit the key names)
_KEY_OPEN = r"(?<![\w-])[\"'“]?"
_KEY_CLOSE = r"[\"'”]?\s*[=:：]\s*[\"']?"
_NUMBER = r"(?P<v>\d+(?:\.\d+)?)(?![\w.%])[\"']?"
_SETTING_KEYS = (
    (
        r"time_budget(?:_s(?:ec(?:onds)?)?)?|budget_s(?:ec(?:onds)?)?|time_limit_s",
        r"time budget \g<v> seconds ,",
    ),
    (r"(?:max_)?model_(?:size_)?mb|max_size_mb", r"model size at most \g<v> MB ,"),
    (r"max_trials|n_trials|最大试验次数|试验次数上限", r"\g<v> trials ,"),
)
_ZH_WORDS = {"text column": "文本列", "label column": "标签列", "metric": "指标"}
# a column's key: spelt out ("text_key": "sentence", label_col: y) after = or :, short
# (x=, y=, col=, 文本=, 标签=) after = only, as "标签：好评、差评" lists classes
_COLUMN_KEYS = (
    (r"(?:text|input)_?(?:column|col|key|field)", r"[=:：]", "text column"),
    (r"(?:label|target)s?_?(?:column|col|key|field)", r"[=:：]", "label column"),
    (r"x|col|input|text|文本|文本列", r"[=＝]", "text column"),  # and JSON's "text": "text"
    (r"y|target|label|标签|标签列", r"[=＝]", "label column"),
)
# a name (letters in it: "target = 0.85" is a score), whole ("y = df['is_ad']" is code)
_COLUMN_VALUE = (  # a quoted value closes its quote: "text": "Battery died …" is a sample row
    r"(?P<q>[`'\"“])?(?P<v>(?=[^\s`'\"“”]*[A-Za-z_\u4e00-\u9fff])[^\s`'\"“”,，;；\[\](){}（）]+)"
    r"(?<!\.)(?(q)[`'\"”])(?=[\s,，;；|}\]#。]|\.(?:\s|$)|$)"
)
_PAIR_VALUE = r"\[\s*[\"']?(?P<a>[\w.-]+)[\"']?\s*,\s*[\"']?(?P<b>[\w.-]+)[\"']?\s*\]"


def _column_keys(text: str) -> str:
    """``text`` with columns given as keys ("text_key": "sentence", y=情绪) written as words."""
    for key, link, words in _COLUMN_KEYS:
        # a quoted key is JSON's ("x": "text"); after a word and a space a short key only when
        # glued to its "=" ("target col = x" is no key "col"; "a.csv y=情绪" is one)
        guard = r"(?<![\w-]\s)" if link == r"[=＝]" else ""
        opening = (
            rf"(?<![\w-])(?:[\"'“](?:{key})[\"'”]\s*[:：]|(?:{key}){link}|{guard}(?:{key})\s+{link})"
            r"\s*"
        )
        text = re.sub(  # text_column=["query", "candidate"]: the two texts of a pair
            opening + _PAIR_VALUE, rf"{words}s \g<a> and \g<b> ,", text, flags=re.I
        )
        text = re.sub(opening + _COLUMN_VALUE, _said(words), text, flags=re.I)
    return text


def _said(words: str) -> Callable[[re.Match[str]], str]:
    """The replacement writing a flag's value after ``words``; a Chinese value gets the Chinese
    words, which the rules read with Chinese names ("--text_col 短评": "文本列 短评，")."""

    def write(match: re.Match[str]) -> str:
        if re.search(r"[\u4e00-\u9fff]", match["v"]):
            return f"{_ZH_WORDS[words]} {match['v']}，"
        return f"{words} {match['v']} ,"

    return write


def _label_list(match: re.Match[str]) -> str:
    items = [i for i in re.split(r"[,，|]", match["v"]) if i]
    if len(items) < 2:
        return match[0]
    end = "。" if re.search(r"[\u4e00-\u9fff]", match["v"]) else "."
    return f"labels: {', '.join(items)}{end}"


def _budget(match: re.Match[str]) -> str:
    value = _DURATION.fullmatch(match["v"])
    if value is None:
        return match[0]
    unit = _UNITS.get((value["u"] or "s").lower(), "seconds")
    return f"time budget {value['n']} {unit} ,"
