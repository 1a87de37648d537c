"""The parser's own keywords, spelt right: "text colum tweet", "labls", "clasifier".

People type task descriptions fast. The rules look for a few structural words (column, label,
classifier, trials …); a letter dropped, doubled or swapped in one of them hides the whole
phrase. Only those keywords are restored, and only from typos of one dropped, added or swapped
letter, never a changed one ("yours" stays "yours", not "hours"). Names that look like code
(snake_case, dotted, quoted) and paths (already masked) are left as they are, so a column the
user spelt "sentimnet" keeps its spelling.
"""

from __future__ import annotations

import re
from functools import cache

#: the structural words the rules read (at least five letters: shorter words have too many
#: real neighbours one letter away)
KEYWORDS = frozenset(
    "column columns label labels labeled labelled classify classifier classification classes "
    "categories category categorize accuracy minutes trials latency dataset regression "
    "multilabel predict training target trial".split()
)
# Latin letters only around it: "用accurcy评估" glues the word to Chinese characters
_WORD = re.compile(r"(?<![A-Za-z0-9_'`\"“‘./\\-])[A-Za-z]{5,}(?![A-Za-z0-9_'`\"”’./\\-])")


def fix_keyword_typos(text: str) -> str:
    """``text`` with misspelt parser keywords corrected (same length or one letter off).

    Example:
        >>> fix_keyword_typos("trian a clasifier, text colum tweet, labls pos neg")
        'trian a classifier, text column tweet, labels pos neg'
    """
    return _WORD.sub(lambda m: _keyword(m.group(0)) or m.group(0), text)


@cache
def _keyword(word: str) -> str | None:
    low = word.lower()
    if low in KEYWORDS:
        return None
    for key in KEYWORDS:
        if low.rstrip("s") == key.rstrip("s"):
            return None  # "targets", "trial": another form of the word, not a typo
        if _one_slip(low, key):
            return key if word.islower() else key.capitalize() if word[0].isupper() else key
    return None


def _one_slip(word: str, key: str) -> bool:
    """Whether ``word`` is ``key`` with one letter dropped, added, or two neighbours swapped."""
    if len(word) == len(key) - 1:
        return any(key[:i] + key[i + 1 :] == word for i in range(len(key)))
    if len(word) == len(key) + 1:
        return any(word[:i] + word[i + 1 :] == key for i in range(len(word)))
    if len(word) == len(key):
        diff = [i for i in range(len(key)) if word[i] != key[i]]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == key[diff[1]]
            and word[diff[1]] == key[diff[0]]
        )
    return False
