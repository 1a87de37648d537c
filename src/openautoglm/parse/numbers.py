"""Numbers and durations written in words: Chinese numerals, English number words, units."""

from __future__ import annotations

import re

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_EN_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_WORDS = {"a": 1, "an": 1, **_EN_UNITS, **_EN_TENS, "hundred": 100}
_UNITS_RE = "|".join(sorted(_EN_UNITS, key=len, reverse=True))
_TENS_RE = "|".join(_EN_TENS)
_BELOW_100 = rf"(?:(?:{_TENS_RE})(?:[\s-](?:{_UNITS_RE}))?|(?:{_UNITS_RE}))"
#: an English number in words: "seventy", "forty-five", "two hundred", "a hundred and twenty"
EN_NUMBER = (
    rf"(?:(?:{_UNITS_RE}|a|one)\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?|{_BELOW_100}"
    r"|hundred|an?)"
)
#: a number as users write it: digits, Chinese numerals or English number words
NUMBER = r"(?:(?<![0-9.])\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+|\b" + EN_NUMBER + r"\b)"

#: seconds per unit (no bare 分: 五分类 is five classes, not five minutes)
_UNIT_SECONDS = {
    "小时": 3600, "个小时": 3600, "钟头": 3600, "个钟头": 3600, "分钟": 60, "秒钟": 1,
    "刻钟": 900, "个刻钟": 900,
    "秒": 1, "hours": 3600, "hour": 3600, "hrs": 3600, "hr": 3600, "h": 3600, "minutes": 60,
    "minute": 60, "mins": 60, "min": 60, "m": 60, "seconds": 1, "second": 1, "secs": 1,
    "sec": 1, "s": 1,
}  # fmt: skip
_UNIT = "|".join(sorted(map(re.escape, _UNIT_SECONDS), key=len, reverse=True))
# "1.5 hours", "15 分钟", "两个半小时", "half an hour", "an hour and a half", "1h30m"
DURATION = re.compile(
    rf"(?P<quarter>(?:(?P<quarters>a|one|two|three|[123])\s+)?quarters?\s+(?:of\s+an?\s+)?hour"
    rf"|一刻钟)"
    rf"|(?P<hour_half>(?<![\w-]\s)(?<![\w-])(?:an?\s+)?hour\s+and\s+a\s+half)"
    rf"|(?P<half_en>half an? hour)|(?P<half_cn>半(?:个)?(?:小时|钟头))"
    rf"|(?P<num_half>{NUMBER})\s+and\s+a\s+half\s+(?P<unit_half>hours?|minutes?)(?![A-Za-z])"
    # not a digit ending a name ("列 s1 s2": no "1 s")
    rf"|(?<!(?<![\d.])[A-Za-z_])(?P<num>{NUMBER})(?:\s*|-)(?:个)?(?P<cn_half>半)?\s*(?P<unit>{_UNIT})"
    rf"(?![A-Za-z])"
    rf"(?P<and_half>\s*and a half)?",
    re.IGNORECASE,
)


def cn_number(text: str) -> float | None:
    """Value of a Chinese numeral such as 十五, 二十, 两, 一百二十 (None when not one).

    Example:
        >>> cn_number("二十五")
        25.0
    """
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
    return float(total + section + (digit or 0))


def to_number(text: str) -> float | None:
    """A number from digits, Chinese numerals, English number words or "half a"."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    if re.fullmatch(EN_NUMBER, text):
        return en_number(text)
    if re.fullmatch(r"half\s+an?|半", text):  # "half a gigabyte", "半个 G"
        return 0.5
    return cn_number(text)


def en_number(text: str) -> float | None:
    """Value of English number words such as "forty-five" or "two hundred and ten".

    Example:
        >>> en_number("two hundred")
        200.0
    """
    current = 0
    for word in re.split(r"[\s-]+", text.strip().lower()):
        if word == "and":
            continue
        if word == "hundred":
            current = (current or 1) * 100
        elif word in _EN_WORDS:
            current += _EN_WORDS[word]
        else:
            return None
    return float(current)


def find_durations(text: str) -> list[tuple[float, tuple[int, int]]]:
    """Every duration in ``text`` as (seconds, span), with "1h30m" style sums joined."""
    found: list[tuple[float, tuple[int, int]]] = []
    for match in DURATION.finditer(text):
        if _is_milliseconds(text, match):
            continue
        seconds = _seconds(match)
        if seconds is None:
            continue
        minutes = _MINUTES_AFTER_HOURS.match(text, match.end())
        if minutes and seconds >= 3600 and seconds % 3600 == 0:
            # "1 小时 30 分": a bare 分 counts as minutes only right after hours
            extra = to_number(minutes.group("num"))
            if extra is not None:
                found.append((seconds + extra * 60, (match.start(), minutes.end())))
                continue
        if found and text[found[-1][1][1] : match.start()].strip() in ("", "and", "零"):
            # "1 hour 30 minutes", "1h30m", "一小时零五分"
            previous, (start, _) = found.pop()
            found.append((previous + seconds, (start, match.end())))
        else:
            found.append((seconds, match.span()))
    return found


_MINUTES_AFTER_HOURS = re.compile(rf"\s*(?:零)?\s*(?P<num>{NUMBER})\s*分(?![钟类数])")


def _is_milliseconds(text: str, match: re.Match[str]) -> bool:
    unit = match.group("unit") or ""
    before = text[max(0, match.start("unit") - 1) : match.start("unit")] if unit else ""
    after = text[match.end() : match.end() + 1]
    return unit.startswith(("秒", "s")) and before == "毫" or (unit == "m" and after == "s")


def _seconds(match: re.Match[str]) -> float | None:
    if match.group("quarter"):  # "a quarter of an hour", "three quarters of an hour"
        count = match.group("quarters") or "a"
        return 900.0 * (to_number(count) or 1.0)
    if match.group("hour_half"):
        return 5400.0
    if match.group("half_en") or match.group("half_cn"):
        return 1800.0
    if match.group("num_half"):  # "two and a half hours"
        value = to_number(match.group("num_half"))
        unit = match.group("unit_half").lower()
        return None if value is None else (value + 0.5) * _UNIT_SECONDS[unit]
    value = to_number(match.group("num"))
    unit = match.group("unit")
    if value is None or unit is None:
        return None
    if match.group("cn_half") or match.group("and_half"):
        value += 0.5
    return value * _UNIT_SECONDS[unit.lower()]
