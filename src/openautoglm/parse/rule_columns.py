"""Column names a description states, read in two passes: mentions, then roles.

*Mentions*: every place the words tie a name to a column — "text column body", "label col:
'class'", "text in `message`", "the headline column", "'body' holds the text", "description →
price", "(q1, q2)", "文本列是 content", "标签在 label 列", "comment 列为文本", "文本 sentence，" —
each with the words around it that say what the column holds (its *descriptor*: "note text",
"pain score", "频道标签", "投诉内容").

*Roles*: a mention whose descriptor holds a role word (text, input, 文本, 内容 … or label, target,
score, 标签, 类别 …) takes that role. The others are placed by position, as descriptions name them:
the text before the label, and a pair's two texts before its label. A mention of two names
("columns q1 and q2", "s1、s2 两列") is a text pair when the task compares two texts. When the data
file's header is known, only names it holds count, spelled as it spells them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from openautoglm.parse.lexicon import (
    LABEL_ROLE_EN,
    LABEL_ROLE_ZH,
    NOT_NAMES,
    NOT_NAMES_IN_ZH,
    SIDE_SUFFIX,
    SPEC_HEAD,
    SPEC_LABEL,
    TEXT_ROLE_EN,
    TEXT_ROLE_ZH,
)

_CJK = r"\u4e00-\u9fff"
# quotes around a name; an apostrophe inside a word ("radiologist's") opens nothing
_OPEN = r"(?:(?<![A-Za-z])['’‘]|[\"`“「『])"
_CLOSE = r"(?:['’](?![A-Za-z])|[\"`”」』])"
_QUOTE_CHARS = "'’‘\"`“”「」『』"
_STOP = "|".join(sorted((re.escape(w) for w in NOT_NAMES), key=len, reverse=True))
_IDENT = rf"(?!(?:{_STOP})(?![A-Za-z0-9_]))[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*"


def _name(g: str, zh: bool = False) -> str:
    """A column name: quoted (a few words at most) or a bare identifier.

    In Chinese phrasings an English word stands out as a name, so there even "a" or "data"
    is one (问句在 q 列，回答在 a 列).
    """
    ident = r"(?!FILE\b)[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*" if zh else _IDENT
    return (
        rf"(?:{_OPEN}(?P<{g}q>[^{_QUOTE_CHARS}\n?!]{{1,40}}?){_CLOSE}"
        rf"|(?<![A-Za-z0-9_])(?P<{g}b>{ident})(?![A-Za-z0-9_]))"
    )


#: a role in the note after a name: "sentence (input)"
_NOTE_ROLE = re.compile(
    r"^[`'\"”’]?\s*[(（]\s*(?:the\s+)?(?P<role>text|input|label|target|output)\s*[)）]", re.I
)
_NAME_ANY = _name("x")
_ITEM = re.compile(_NAME_ANY)
_COL_EN = r"(?:cols?|columns?|fields?|keys?)"  # keys of JSON lines
_COL_ZH = r"(?:这一|这|一|两|两个|三个|3\s*个)?\s*(?:列|字段|栏)"
_SEP = r"\s*(?:,\s*and\b|,|，|、|/|\band\b|&|\+|和|与|及)\s*"
# an item of a list of names must end there: the next name, a stop, or the list's end
# "content (the tweet) and likes (integer)": a note in brackets after a name of a list
_NOTE = r"(?:\s*[(（][^()（）\n]{1,30}[)）])?"
_ITEM_END = (
    r"(?=\s*(?:,|，|、|/|\band\b|&|\+|和|与|及|[;；.。)）(（\]]|→|->|\s*$|\s+(?:in|of|from)\b))"
)

_ROLE_PHRASE = r"(?:label|target|text|y)\s+(?:in|is|are|=|:|column|col|field)\b"
# ---------------------------------------------------------------- English mentions
_E_COL_THEN_NAMES = re.compile(
    rf"\b(?P<cue>(?:column|field)\s+names|{_COL_EN})\b\s*"
    r"(?:is\s+(?:called|named)\s+|is\s+|are\s+|named\s+|called\s+|[:=：,，]\s*)?"
    r"\[?\s*"  # columns ["question1", "question2"]
    rf"(?P<names>{_name('a')}(?!\s+{_COL_EN}\b){_NOTE}(?:{_SEP}{_name('b')}{_NOTE}{_ITEM_END})?"
    # "columns s1 & s2, label in 'label'": a role word that leads its own phrase ends the list
    rf"(?:{_SEP}(?!{_ROLE_PHRASE}){_name('c')}{_NOTE}{_ITEM_END})?)",
    re.I,
)
# "toxicity label column", "comment text field": a name, its role, then the word for column
_E_NAME_ROLE_COL = re.compile(
    rf"(?<![\w-])(?P<name>{_IDENT})[ \t]+(?P<role>label|target|text|input)[ \t]+"
    r"(?P<cue>column|field|col)\b"
    # not "message text column msg": there the name comes after
    r"(?!\s*(?:[:=：]\s*)?[`'\"“‘]?[A-Za-z_])",
    re.I,
)
_E_NAMES_THEN_COL = re.compile(
    # "resume, job_desc columns", "question + answer columns": a comma or plus before a plural
    rf"(?P<names>{_name('a')}(?:\s*(?:\band\b|&|/|和|与|,(?=[^,]*\b(?:columns|fields)\b)|\+)\s*"
    rf"{_name('b')})?)\s+"
    # "query and doc are two columns"
    rf"(?:(?<=\w\s)(?:are|as)\s+(?:the\s+)?(?:two|both)\s+)?(?P<cue>{_COL_EN})\b",
    re.I,
)
# title, abstract and accepted columns
_E_LIST_THEN_COLS = re.compile(
    rf"(?P<names>{_name('a')}\s*,\s*{_name('b')}\s*,?\s*\band\s+{_name('c')}"
    # "question/answer/coherence fields"
    rf"|{_name('d')}\s*/\s*{_name('e')}\s*/\s*{_name('f')})\s+"
    rf"(?P<cue>columns|fields|cols)\b",
    re.I,
)
_E_IN = re.compile(
    rf"(?<![A-Za-z])(?:in|under)\s+(?:the\s+)?(?:(?:col|column|field)\s+)?(?P<names>{_name('a')})"
    rf"(?=\s*(?:{_COL_EN}\b|[,;.)），；。(（:：]|$|\s+and\b))",
    re.I,
)
_LANGUAGE = re.compile(
    r"English|French|German|Spanish|Italian|Portuguese|Dutch|Russian|Chinese|Japanese|Korean|"
    r"Arabic|Hindi|Turkish|Polish|Swedish|Vietnamese|Thai|Indonesian|Mandarin|Cantonese"
)
_E_ROLE_THEN_NAME = re.compile(
    rf"(?<![\w-])(?P<role>text|label|target|input|output|y)(?:_?(?:cols?|columns?|fields?)(?=\s*[:=：]))?"
    rf"\s*(?:[:=：]\s*|\s+is\s+)?(?P<names>{_name('a')})"
    # "text=plot label=genres": the next key=value pair ends a name too
    # "target 'score'?": a quoted name ends at a question mark too ("text alone?" is no name)
    rf"(?=\s*(?:[,;.)），；。(（]|$|\band\b|\bwith\b|\s[A-Za-z_]+\s*[=:：])|(?<=['\"`’”])[?？])",
    re.I,
)
_PRED_WORD = r"(?!(?:and|or)\b)[\w-]+"
_E_NAME_IS_ROLE = re.compile(
    rf"(?P<names>{_name('a')})\s+(?:is|are|holds?|has|contains?|for|as|represents?)\s+"
    rf"(?P<pred>(?:the|our|my|a|an)\s+(?:{_PRED_WORD}\s+){{0,2}}{_PRED_WORD}|what to predict|"
    rf"what (?:we|you|i) (?:want|need|would like|wish|hope) to (?:predict|estimate|forecast)|"
    rf"(?:{_PRED_WORD}\s+)?(?:text|label|labels|target|input|output)\b)",
    re.I,
)
# "review is the input and score_label the output": a second name, its verb left out
_E_ELLIPSIS = re.compile(
    rf"(?:[,;，]\s*(?:and\s+)?|\s+and\s+)(?P<names>{_name('a')})\s+(?:as\s+)?(?:the\s+|its\s+)?"
    r"(?P<role>texts?|labels?|targets?|inputs?|outputs?)\b(?!\s+(?:is|are|in|of)\b)",
    re.I,
)
_ROLE_STATED = re.compile(
    r"\b(?:is|are|holds?|has|contains?|as)\s+(?:the\s+|its\s+)?(?:[\w-]+\s+)?"
    r"(?:texts?|inputs?|labels?|targets?|outputs?)\b(?:\s+(?:col|column|field)s?)?\s*$",
    re.I,
)
_ARROW = re.compile(
    rf"(?P<a_>{_name('a')})\s*(?:{_COL_EN}\s*)?(?:→|->|=>|⇒)\s*(?:{_COL_EN}\s+)?"
    rf"(?P<b_>{_name('b')})",
    re.I,
)
# the word for column(s) right before an arrow: both sides are column names
_ARROW_OF_COLUMNS = re.compile(r"(?:列|字段|\bcolumns?|\bfields?|\bcols?)\s*[:：=]?\s*$", re.I)
# an arrow between two single names that stands as one item of a list ("…: a -> b, data …")
_SPEC_LEAD = re.compile(r"(?:^|[:：,，;；(（])\s*$")
_SPEC_ITEM = re.compile(r"\s*(?:[,，;；)）]|[.。](?:\s|$)|$)")
_CALLED = re.compile(rf",?\s*(?:which|that)\s+is\s+(?:called|named)\s+{_name('a')}", re.I)
# given query and product_title: two texts the prediction starts from
_GIVEN_PAIR = re.compile(
    rf"\bgiven\s+(?:the\s+|a\s+|an\s+)?{_name('a')}\s+and\s+(?:the\s+|a\s+|an\s+)?{_name('b')}"
    rf"(?=\s*[,;.]|\s+(?:columns?|fields?)\b)",
    re.I,
)
# the ticket body is `description`: what a column holds, then its quoted name
_E_DESC_IS_NAME = re.compile(
    r"(?P<d>\b[A-Za-z]+(?:\s+[A-Za-z]+)?)\s+(?:is|are)\s+(?:in\s+)?"
    r"(?:`(?P<aq>[^`\n]{1,40})`"
    r"|(?<![A-Za-z])['“‘\"](?P<ab>[A-Za-z_][\w.-]{0,40})['”’\"](?![A-Za-z]))"
    # 'Classes are "positive", "negative"': a quoted list is values, not one name
    r"(?=\s*(?:[;.)]|$|,(?!\s*['“‘\"`])))",
    re.I,
)
# two code-like names joined: "question1 and question2", "sentence_a 与 sentence_b", (s1, s2)
_CODE = (
    r"[A-Za-z]+[A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[A-Za-z]+\d+[A-Za-z0-9]*"
    r"|(?-i:[a-z]+[A-Z][A-Za-z0-9]*)"
)
_CODE_FWD = rf"(?:{_CODE})(?![\w])"
_CODE_PAIR = re.compile(
    rf"(?<![\w/])(?P<a>{_CODE})\s*(?:and|和|与|及|&|\+|,|，|、|/)\s*(?P<b>{_CODE})(?![\w])"
    rf"(?!\s*(?:,|，|、|/)\s*(?:{_CODE})(?![\w]))",  # not "B1, B2, C1"
)
# the headline ('title'), 问题（q）: one name in brackets right after what it holds
_BRACKETED = re.compile(
    rf"(?P<desc>[\w\u4e00-\u9fff][\w\u4e00-\u9fff' -]{{0,30}}?)\s*[（(]\s*(?:column\s+|列\s*)?"
    rf"(?:{_OPEN}(?P<aq>[A-Za-z_][\w .-]{{0,30}}?){_CLOSE}|(?P<ab>{_IDENT}|[A-Za-z](?=\s*[)）])))"
    rf"\s*[)）]",
    re.I,
)
# question1 the label / `kind` the target: a code-like or quoted name and its role, no verb
_E_NAME_THE_ROLE = re.compile(
    rf"(?:{_OPEN}(?P<aq>[^{_QUOTE_CHARS}\n]{{1,40}}?){_CLOSE}|(?<![\w])(?P<ab>{_CODE_FWD}))"
    rf"\s+the\s+(?P<role>text|texts|label|labels|target|input)\b",
    re.I,
)
# ad text: `ad`; price: `price_usd` — what a column holds, a colon, its name
_E_DESC_COLON_NAME = re.compile(
    rf"(?<![\w-])(?P<d>[A-Za-z]+(?: [A-Za-z]+)?)\s*[:：]\s*(?P<names>{_name('a')})"
    rf"(?=\s*(?:[,;.)），；。]|$))",
    re.I,
)
# comment（评论内容）、score（1到5分）: a name, then what it holds in brackets, in Chinese
_Z_NAME_BRACKET_DESC = re.compile(
    rf"(?<![A-Za-z0-9_])(?!FILE\b)(?P<ab>[A-Za-z_][A-Za-z0-9_]*)\s*[（(]"
    rf"(?P<pred>[^()（）]*[{_CJK}][^()（）]*)[)）]"
)
# post (text), age (target), content（文本）: a name, then its role in brackets
_NAME_BRACKET_ROLE = re.compile(
    rf"(?P<names>{_name('a')})\s*[（(]\s*(?:the\s+)?(?P<role>text|input|label|target|output|"
    rf"文本|输入|标签|目标|类别|输出)\s*[)）]",
    re.I,
)
# `score` / `essay`: a name in backticks is code, so a column, its role given elsewhere
_BACKTICKED = re.compile(r"`(?P<ab>[A-Za-z_][\w.-]{0,40})`")
_BRACKET_PAIR = re.compile(
    rf"[（(]\s*(?P<a>{_IDENT})\s*(?:和|与|及|and|,|，|、|&)\s*(?P<b>{_IDENT})\s*[)）]", re.I
)
# "FILE: passage, grade_level." / "… (SICK): sentence_A, sentence_B, relatedness_score." — a
# clause that is nothing but two or three names, one of them snake_case: the columns, texts
# first and what to predict last (a guess from their order, so weakly held)
_BARE_ITEM = r"(?!FILE\b)[`'\"‘“]?[A-Za-z_][A-Za-z0-9_]*[`'\"’”]?"
_BARE_LIST = re.compile(
    rf"(?:^|(?:(?<=[.;?!。；？！—–→])|(?<=[)）][:：]))\s*"
    rf"|FILE\s*(?:[,;:：—–]\s*(?:with\s+)?|\s(?:with|has)\s+)"
    rf"|(?:列|字段)名?(?:为|是|有)\s*[:：]?\s*)"
    rf"(?P<names>{_BARE_ITEM}(?:\s*(?:,|/|;|\+|\band\b)\s*{_BARE_ITEM}){{1,2}})"
    rf"\s*(?=[.;。；]|$|\s+in\s+FILE\b)"
)

# ---------------------------------------------------------------- Chinese mentions
# 文本列是 content / 摘要字段 abstract / 句子列为 s1 和 s2 / text 列是 utterance
_Z_COL_THEN_NAMES = re.compile(
    rf"(?P<cue>{_COL_ZH})(?:名称|名字|名)?\s*(?:是|为|叫做|叫|名为|名是|用|[:=：])?\s*"
    rf"(?P<names>{_name('a', True)}(?:\s*(?:和|与|、|/|,(?=\s))\s*{_name('b', True)}"
    rf"(?:\s*(?:和|与|、|/|,(?=\s))\s*{_name('c', True)})?"  # 列 question、product_detail、label
    # 字段 art1 art2 score: three names set apart by spaces (two could be a name and a value)
    rf"|\s+(?=[A-Za-z_]){_name('d', True)}\s+(?=[A-Za-z_]){_name('e', True)}(?=\s*[，,；;。]|$))?)"
    rf"(?!\s*(?:{_COL_ZH}))",
    re.I,
)
# comment 列为文本 / query 和 doc 两列 / 标签在 channels 列 / text 这列是内容
_Z_NAMES_THEN_COL = re.compile(
    rf"(?P<names>{_name('a', True)}(?:\s*(?:和|与|、|/)\s*{_name('b', True)}"
    rf"(?:\s*(?:和|与|、|/)\s*{_name('c', True)})?)?)"  # left、right、score 三个字段
    rf"\s*(?P<cue>{_COL_ZH})"
    rf"(?:\s*(?:是|为|表示|代表|放的是|存的是|存放|作为|当作|做|的)\s*(?P<pred>[{_CJK}]{{1,8}}))?",
    re.I,
)
# 标题在 title / 描述分别在 record_a 和 record_b
_Z_IN = re.compile(
    rf"(?:分别)?(?:在|位于|放在|存在|存放在|分别是|分别为)\s*"
    rf"(?P<names>{_name('a', True)}(?:\s*(?:和|与|、)\s*{_name('b', True)})?)"
    rf"(?=\s*(?:[，,；;。）)：:]|$|这|里|中|两|列|字段))",
    re.I,
)
# label 为标签字段 / result 为标签
_Z_NAME_IS_ROLE = re.compile(
    rf"(?P<names>{_name('a', True)})\s*(?:列|字段)?\s*(?:为|是|作为|当作|当|做)\s*"
    rf"(?P<pred>[{_CJK}]{{1,6}})",
    re.I,
)
# 里 desc 是工单描述，priority 是优先级: an identifier said to be something, at a clause start
_Z_NAME_IS_DESC = re.compile(
    rf"(?:^|(?<=[，,；;。：:里中的]))\s*(?P<names>{_name('a', True)})\s*(?:是|为)\s*"
    rf"(?P<pred>[{_CJK}]{{2,8}})",
    re.I,
)
# 名为 comment 的列是评论 / 叫 label 的字段
_Z_NAMED = re.compile(
    rf"(?:名为|名叫|叫做|叫作|叫|称为)\s*(?P<names>{_name('a', True)})\s*的\s*(?:列|字段|栏)"
    rf"(?:\s*(?:是|为|表示|代表|放的是|存的是)\s*(?P<pred>[{_CJK}]{{1,8}}))?",
    re.I,
)
# 文本 sentence，标签 lang / 正文 content 列 / 标签 is_causal
_Z_DESC_THEN_NAME = re.compile(
    rf"(?<=[{_CJK}])\s*[:：=＝]?\s*(?P<names>{_name('a', True)})"
    rf"(?=\s*(?:[，,；;。）)—–]|$|取值|值为|{_COL_ZH}|(?:和|与)(?!\s*[A-Za-z'\"“‘`])|、(?=[{_CJK}])))",
    re.I,
)
#: words for a piece of text in Chinese: a name after one is its column (工单标题 ticket_title)
_TEXTISH_ZH = (
    r"(?:标题|评论|正文|内容|文本|描述|摘要|对话|帖子|句子|问题|回答|留言|备注|简介|文章|新闻)"
)
# 每条评论 review 需要…: an English word set apart between Chinese words (weak: often a name)
_Z_SPACED = re.compile(rf"(?<=[{_CJK}])\s+(?P<ab>[a-z_][a-z0-9_]*)\s+(?=[{_CJK}])")
# a column named in Chinese, after a space: 评论列 评论，标签列 是否广告
_Z_CJK_NAME = re.compile(
    rf"(?:列|字段)\s*(?:名称|名字|名)?\s*(?:是|为|叫|[:：])?\s+(?P<cjk>[{_CJK}]{{1,8}})(?=[，,；;。]|$)"
)
# 列 条文一 和 条文二 / 文本列 标准答案 / 学生答案: two Chinese names after the word for column
_Z_CJK_NAMES = re.compile(
    rf"(?:(?:列|字段)\s*(?:是|为)?\s+|(?:^|(?<=[，,；;。(（]))\s*(?:列|字段)\s*[:：]\s*)(?P<a>[{_CJK}\d]{{1,8}})\s*(?:和|与|、|/)\s*"
    rf"(?P<b>[{_CJK}\d]{{1,8}})(?:\s*(?:和|与|、|/)\s*(?P<c>[{_CJK}\d]{{1,8}}))?(?=\s*[，,；;。]|$)"
)
# "quality 分数 1~5": a name then the word for a score it holds
_Z_SCORE_NAME = re.compile(
    r"(?:^|(?<=[，,；;。：:]))\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?:分数|得分|评分|分值)"
    r"(?=\s*(?:[\d，,；;。]|$))"
)
# 文本 描述，标签 类别: a Chinese name after a role word and a space, alone in its clause
_Z_ROLE_CJK = re.compile(
    rf"(?<![{_CJK}])(?P<role>文本|正文|内容|标签|类别|目标)\s+(?!字段|这|列)(?P<cjk>[{_CJK}]{{2,8}})"
    r"(?=\s*[，,；;。]|$)"
)
# 字段 用户消息 是文本 / 正文 字段是文本 / 是否引战 这一列是标签: a Chinese name set apart by
# spaces, said to be the text or the label
_Z_CJK_ROLE_STATED = re.compile(
    rf"(?:(?<=\s)|(?<=[，,；;。：:]))(?P<cjk>[{_CJK}]{{1,8}})\s+(?:这一?列|这个?字段|字段|列)?\s*"
    r"(?:是|为|作为|当作?|做)\s*(?P<role>文本|输入|标签|目标|要预测的)"
)
# query 和 doc_title 是否相关: two names, then the question asked about them: a pair's texts
_Z_PAIR_WHETHER = re.compile(
    rf"(?:^|(?<=[\s，,。；;：:]))(?P<names>{_name('a', True)}\s*(?:和|与|跟)\s*{_name('b', True)})"
    # "old_clause 与 new_clause 两个版本的条款有没有实质变化", "X 和 Y 匹配不匹配"
    rf"\s*(?:[{_CJK}]{{0,10}}?(?:是否|是不是|有没有|相不相关|匹不匹配|匹配不匹配)"
    r"|之间的?(?:相关|相似|匹配))"  # "query 和 doc_title 之间的相关度打分"
)
# 问句 这一列 + 意图 这一列: two Chinese names, each set apart before 这一列
_Z_CJK_COL_PLUS = re.compile(
    rf"(?<=\s)(?P<a>[{_CJK}]{{1,8}})\s+这一?列\s*[+＋和与]\s*(?P<b>[{_CJK}]{{1,8}})\s+这一?列"
)
# 题目在 题干 列 / 分数是 得分 字段: a Chinese name set apart by spaces before the word for column
_Z_CJK_NAME_COL = re.compile(
    rf"(?:在|是|为|叫|里的|中的)\s+(?P<cjk>[{_CJK}]{{1,8}})\s+(?:这一?|那一?)?(?:列|字段)(?![{_CJK}])"
)
# “职位描述”列 → “月薪”列: a column of input, an arrow, the column to predict
_Z_COL_ARROW = re.compile(
    rf"[“\"「'‘]?(?P<a>[{_CJK}\w]{{1,12}})[”\"」'’]?\s*(?:列|字段)\s*(?:→|->|=>|⇒)\s*"
    rf"[“\"「'‘]?(?P<b>[{_CJK}\w]{{1,12}})[”\"」'’]?\s*(?:列|字段)"
)
# 字段“判决书正文”“裁判结果”: quoted names in a row after the word for column
_Z_QUOTED_NAMES = re.compile(
    r"(?:列|字段)\s*(?:是|为|[:：])?\s*[“\"「'‘](?P<a>[^”\"」'’\n]{1,16})[”\"」'’]\s*[、,，和与]?\s*"
    r"[“\"「'‘](?P<b>[^”\"」'’\n]{1,16})[”\"」'’]"
)
# 里有 岗位描述、简历文本 两列: two Chinese names, then how many columns they are
_Z_CJK_TWO_COLS = re.compile(
    rf"(?<![{_CJK}])(?P<a>[{_CJK}]{{2,8}})\s*(?:、|和|与|/)\s*(?P<b>[{_CJK}]{{2,8}})\s*"
    r"(?:这)?(?:两|2)\s*(?:个)?(?:列|字段)"
)
# 列：工单描述（文本）、紧急程度（标签）: a Chinese name with its role in brackets
_Z_CJK_NAME_ROLE = re.compile(
    rf"(?<![{_CJK}])(?P<cjk>[{_CJK}]{{2,8}})\s*[（(]\s*"
    # "columns 内容 (text) and 标签 (label)": English role words too
    r"(?P<role>文本|输入|标签|目标|类别|输出|text|input|label|target)\s*[)）]",
    re.I,
)
_BOUNDARY = re.compile(
    r"[,;:.!?()（）\[\]，；：。！？、\n—–→]|\s-\s|\b(?:and|with|then|from|given|using|by|"
    r"predict|estimate)\b",
    re.I,
)
_ZH_BOUNDARY = re.compile(r"[,;:.!?()（），；：。！？、\n—→]")


@dataclass
class Mention:
    """A place the words tie one or more names to a column, with the role they give it."""

    names: list[str]
    start: int
    end: int
    role: str | None  # "text", "label" or None (placed by position)
    strength: float  # how surely these words make the names columns (0-1)
    evidence: str
    pair_only: bool = False  # two plain names in brackets: columns only in a pair task
    side: str | None = None  # the side of a pair the words before it name ("query column q")


@dataclass
class ColumnWords:
    """What the words say about columns, with the phrase and confidence each rests on."""

    text: str | list[str] | None = None
    label: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)

    def names(self) -> list[str]:
        """Every name the words use as a column (for the label reader to leave out)."""
        return [name for mention in self.mentions for name in mention.names]


def find_mentions(text: str, pair_hint: bool = False) -> list[Mention]:
    """Every column mention in ``text`` (paths already masked), in order."""
    found: list[Mention] = []
    col_cues: set[int] = set()  # column words followed by a name: "text column body"

    def add(names: list[str], match: re.Match[str], role: str | None, strength: float) -> None:
        names = [n for n in (_clean(n) for n in names) if n]
        if names:
            found.append(Mention(names, match.start(), match.end(), role, strength, match[0]))

    for m in _E_COL_THEN_NAMES.finditer(text):
        names = _names(m, "abc")
        plural = m["cue"].lower().endswith("s")
        if not plural and re.search(r"[,，]", text[m.end("cue") : m.start("names")]):
            continue  # "the headline column, label in …": a comma after one column ends it
        link = text[m.end("cue") : m.start("names")]
        values = re.match(r"\s*(?:,\s*[^,;.:]{1,30},|or\b)", text[m.end() :]) or re.search(
            r"\S/\S", m["names"]
        )
        if not plural and ":" in link and values:
            continue  # "the genre column: comedy, true crime, news", "churn_risk column: a/b"
        names = names if plural else names[:1]
        after_comma = plural and re.fullmatch(r"\s*,\s*", link)
        if after_comma and not re.match(
            r"\s*(?:label|target|column|col|field|as\b|[,;.)]|$)", text[m.end() :], re.I
        ):
            continue  # "query + passage columns, graded relevance is 0-3": a new clause
        if not (
            after_comma
            and re.search(
                rf"(?<![\w-]){_IDENT}\s+(?:and|&|\+)\s+{_IDENT}\s+$", text[: m.start("cue")]
            )  # fmt: skip
        ):  # "question and answer columns, is_correct label": names before the cue too
            col_cues.add(m.start("cue"))
        role = _role_en(_left(text, m.start())) or _role_en(_right(text, m.end()))
        if plural and len(names) == 2 and re.match(r"\s*(?:→|->|=>)", text[m.end() :]):
            role = "text"  # "columns context and response → engagement score": both inputs
        called = _CALLED.match(text, m.end())
        if called and not plural:  # "column B, which is called 'response'"
            names = _names(called, "a")
        before = re.search(rf"(?P<n>{_IDENT})\s+$", text[: m.start("cue")])
        if (
            len(names) == 1
            and _named_role(names[0])
            and before
            and not _named_role(before["n"])
            and re.match(r"\s*(?:=|:|is)\s*", text[m.end("cue") : m.start("names")])
        ):  # "excerpt column = text": the name before, its role after
            found.append(Mention([before["n"]], m.start(), m.end(), _named_role(names[0]), 0.85,
                                 m[0]))  # fmt: skip
            continue
        noted = {n: _NOTE_ROLE.search(m[0][m[0].find(n) + len(n) :]) for n in names}
        if len(names) > 1 and all(noted.values()):  # "sentence (input), polarity (output)"
            for n, note in noted.items():
                role_n = _role_en(note["role"]) if note else None
                found.append(Mention([n], m.start(), m.end(), role_n, 0.9, m[0]))
            continue
        add(names, m, role, 0.9)
    for m in _E_NAME_ROLE_COL.finditer(text):
        if m["name"].lower() not in NOT_NAMES:
            role = "label" if m["role"].lower() in ("label", "target") else "text"
            found.append(Mention([m["name"]], m.start(), m.end(), role, 0.9, m[0]))
            col_cues.add(m.start("cue"))  # "label column" names no column "label"
    for m in _E_NAMES_THEN_COL.finditer(text):
        if m.start("cue") in col_cues:
            continue  # "text column body": text describes, body is the name
        if m["aq"] is None and re.match(r"\s+of\b", text[m.end() :]):
            continue  # "the research field of each proposal" (but "the 'utterance' field of")
        if m["aq"] is None and _named_role(m["ab"]) and re.search(r"\bthe\s+$", text[: m.start()]):
            continue  # "is the text column": the role, not a column called "text"
        role = _role_en(_right(text, m.end())) or _role_en(_left(text, m.start()))
        two = _names(m, "ab")
        if (
            len(two) == 2
            and re.search(r"\b(?:two|both)\s+\w+$", m[0])
            and not any(_named_role(n) == "label" for n in two)
        ):
            role = "text"  # "query and doc are two columns": the two texts of a pair
        add(two, m, role, 0.9)
    for m in _E_LIST_THEN_COLS.finditer(text):
        add(_names(m, "abcdef"), m, _role_en(_right(text, m.end())), 0.9)
    for m in _E_IN.finditer(text):
        if re.search(r"[(（]\s*$", text[: m.start()]) and m["aq"] is None:
            continue  # "(in USD)", "(in hours)": a unit, not a column
        if m["aq"] is None and _LANGUAGE.fullmatch(m["names"]):
            continue  # "is this ticket in English, French or German?": a language
        role = _role_en(_left(text, m.start()))
        quoted = m["aq"] is not None
        add(_names(m, "a"), m, role, 0.85 if role or quoted else 0.7)
    for m in _E_ROLE_THEN_NAME.finditer(text):
        add(_names(m, "a"), m, _role_en(m["role"]), 0.85)
    for m in _E_NAME_IS_ROLE.finditer(text):
        pred = re.sub(r"\s+(?:col|column|field)s?$", "", m["pred"].lower().strip())
        head = pred.split()[-1] if pred.split() else ""
        role = "label" if "predict" in pred else _role_en(head) if head.isalpha() else None
        if role:
            add(_names(m, "a"), m, role, 0.9)
        elif m["aq"] and re.search(r"\b(?:has|holds?|contains?)\b", m[0], re.I):
            add(_names(m, "a"), m, None, 0.8)  # "'request' has the message"
    for m in _E_ELLIPSIS.finditer(text):
        if _ROLE_STATED.search(text[max(0, m.start() - 60) : m.start()]):
            add(_names(m, "a"), m, _role_en(m["role"].lower()), 0.85)
    arrow_guesses: set[str] = set()
    for m in _ARROW.finditer(text):
        a, b = _group(m, "a"), _group(m, "b")
        if a and b:
            # "train.tsv, sentence→label, acc 0.95": one item of a spec, a comma after it
            spec = (
                re.match(r"\s*,", text[m.end() :])
                and _SPEC_LEAD.search(text[: m.start()])
                # not "query → user_query, title → page_title": a word, then the name it has
                and not re.fullmatch(SPEC_HEAD, a, re.I)
                and (re.fullmatch(_CODE, a) or not re.fullmatch(_CODE, b))
            )
            if re.match(r"\s*(?:/|,|\||\bor\b)", text[m.end() :]) and not spec:
                continue  # "claim + evidence → SUPPORTS / REFUTES": the classes, no column
            # plain words around an arrow ("Wine reviews → points") are a guess at the columns
            sure = 0.85 if all(m[f"{g}q"] or re.fullmatch(_CODE, n) for g, n in
                               (("a", a), ("b", b))) else 0.6  # fmt: skip
            if sure < 0.85 and _ARROW_OF_COLUMNS.search(text[: m.start()]):
                sure = 0.85  # "列 title → cat1", "columns UserUtterance -> IntentName"
            elif sure < 0.85 and " " not in a + b and _SPEC_ITEM.match(text[m.end() :]):
                # not "score → grade": what a column holds, then its name
                if _SPEC_LEAD.search(text[: m.start()]) and not re.fullmatch(SPEC_HEAD, a, re.I):
                    sure = 0.8  # "…: description -> rent, data …": one item of a spec
            # "resume vs job_posting -> fit_score": two texts before the arrow
            other = re.search(rf"(?<![\w-])(?P<p>{_CODE}|[a-z]+)\s+(?:vs\.?|versus)\s+$",
                              text[: m.start()])  # fmt: skip
            texts = [other["p"], a] if other else [a]
            found.append(Mention(texts, m.start(), m.start("b_"), "text", sure, m[0]))
            found.append(Mention([b], m.start("b_"), m.end(), "label", sure, m[0]))
            arrow_guesses.add(m[0])
    for m in _CODE_PAIR.finditer(text):
        if re.search(rf"(?:{_CODE})\s*(?:,|，|、|/)\s*$", text[: m.start()]):
            continue  # "B2, C1, C2": the end of a list of labels
        if re.search(
            r"\b(?:labels?|classes|categories|values|tags)\s*(?:are\s*)?[:=：]?\s*$"
            r"|(?:标签|类别|取值)\s*(?:为|是|有)?\s*[:：]?\s*$",
            text[: m.start()],
            re.I,
        ):
            continue  # "labels A_better, B_better, tie": values, not two columns
        role = _role_en(_right(text, m.end()))
        add([m["a"], m["b"]], m, None if role == "label" else role, 0.75)
    for m in _BRACKETED.finditer(text):
        desc = m["desc"]
        zh = re.search(f"[{_CJK}]", desc[-2:]) is not None
        if m["aq"] is None and not zh and not re.fullmatch(_CODE, m["ab"] or ""):
            continue  # "(optional)": a plain word in brackets is no column
        if re.search(r"\b(?:in|a|an|the|of|about|say|e\.g|from|to)$", desc.strip(), re.I):
            continue
        role = _role_zh(desc) if zh else _role_en(desc)
        found.append(Mention(_names(m, "a"), m.start(), m.end(), role, 0.8 if role else 0.7, m[0]))
    for m in _E_NAME_THE_ROLE.finditer(text):
        add(_names(m, "a"), m, _role_en(m["role"]), 0.85)
    for m in _E_DESC_COLON_NAME.finditer(text):
        if re.search(
            r"\b(?:data|dataset|file|path|test|train|training|metric|budget|time)$", m["d"], re.I
        ):
            continue
        if re.search(r"[a-z]{2,}[^s]s$", m["d"], re.I) and not m[0].rstrip().endswith("`"):
            continue  # "labels: good, bad", "categories: …": a list of values, not a column
        if re.match(r"\s*[,，、/]\s*(?:['\"“‘]|[\w-]+\s*[,，、/])", text[m.end() :]):
            continue  # "urgency: 'urgent', 'normal'": the first of a list of values
        role = _role_en(m["d"])
        sure = m["aq"] is not None or re.fullmatch(_CODE, m["ab"] or "") or role is not None
        add(_names(m, "a"), m, role, 0.8 if sure else 0.65)
    for m in _NAME_BRACKET_ROLE.finditer(text):
        add(_names(m, "a"), m, _role_zh(m["role"]), 0.9)
    for m in _GIVEN_PAIR.finditer(text):
        names = _names(m, "ab")
        if any(m[f"{g}q"] or re.fullmatch(_CODE, n) for g, n in zip("ab", names, strict=False)):
            add(names, m, "text", 0.8)  # not "given the question and the answer"
    for m in _E_DESC_IS_NAME.finditer(text):
        if re.search(r"\b(?:class|category|value|label)$", m["d"], re.I) and " " in m["d"]:
            continue  # "positive class is 'relevant'": a class, not a column
        add(_names(m, "a"), m, _role_en(m["d"]), 0.85)
    for m in _BACKTICKED.finditer(text):
        add([m["ab"]], m, None, 0.6)
    for m in _BRACKET_PAIR.finditer(text):
        a, b = m["a"], m["b"]
        if re.match(r"\s*(?:rows?|pairs?|columns?|fields?)\b", text[m.end() :], re.I):
            found.append(Mention([a, b], m.start(), m.end(), "text", 0.8, m[0]))  # "(a, b) row"
        elif re.search(r"\bFILE\s*$", text[: m.start()]):
            found.append(Mention([a, b], m.start(), m.end(), None, 0.8, m[0]))  # "x.csv (a, b)"
        elif re.search(r"regression|classif|float|binary|multi|回归|分类", f"{a} {b}", re.I):
            continue  # "(float, regression)": the task, not two columns
        elif not (re.fullmatch(_CODE, a) and re.fullmatch(_CODE, b)):
            sure = 0.75 if pair_hint else 0.6  # two plain words: columns if two texts are compared
            found.append(Mention([a, b], m.start(), m.end(), None, sure, m[0], pair_only=True))
    bare = False
    for m in _BARE_LIST.finditer(text):
        quoted = re.split(r"\s*(?:,|/|;|\+|\band\b)\s*", m["names"])
        names = [n.strip("`'\"‘’“”") for n in quoted]
        after_file = m[0].lstrip().startswith("FILE")  # "x.csv, TicketA / TicketB, IsDup"
        camel = r"[a-z]\d|[a-z][A-Z]" if after_file else r"[a-z]\d"
        code_like = any("_" in n.strip("_") or re.search(camel, n) for n in names) or all(
            q[:1] in "`'\"‘“" and q[-1:] in "`'\"’”" for q in quoted
        )  # 'description' and 'topics'
        # "estimate the upvotes a post gets from its title. x.tsv, title / upvotes": plain words
        # the request used already name its columns
        echoed = after_file and all(
            re.search(rf"\b{re.escape(n)}\b", text[: m.start()], re.I) for n in names
        )
        if not (code_like or echoed):
            continue  # "helpful / unhelpful": plain words, more likely classes
        if any(re.fullmatch(rf"{_STOP}|FILE", n, re.I) for n in names):
            continue
        found.append(Mention(names, m.start("names"), m.end("names"), None, 0.7, m["names"]))
        bare = True
    if bare:  # the names themselves beat plain words around an arrow ("bios → similarity")
        found[:] = [m for m in found if not (m.evidence in arrow_guesses and m.strength < 0.7)]
    found += _spec_items(text)
    _chinese(text, found)
    for m in found:  # "column B, which is called 'response'": the name it is called by
        called = _CALLED.match(text, m.end)
        if called and len(m.names) == 1 and _names(called, "a"):
            m.names = _names(called, "a")
    _title_case_names(text, found)
    # a name is a word: punctuation between a key and its quoted value is none ('列": "')
    found = [m for m in found if all(re.search(r"\w", n) for n in m.names)]
    out = _named_roles(_merge(found))
    for a, b in zip(out, out[1:], strict=False):
        # "question 列和 answer 列是输入": the inputs named after the second are both texts
        if (
            a.role is None
            and b.role == "text"
            and len(a.names) == len(b.names) == 1
            and re.fullmatch(r"\s*(?:和|与|及|、|,|，|\band\b)\s*", text[a.end : b.start])
        ):
            a.role = "text"
    return out


# "column Notice Description, column Category", "is named Tweet Text and …": two capitalised
# words after the word for column or "named" are one name
_TITLE_NAME = re.compile(
    r"\b(?:column|field|named|called)\s+(?P<n>(?P<first>[A-Z][a-z]+) [A-Z][a-z]+)"
    r"(?=\s*(?:[,.;)]|\band\b|$))"
)


def _title_case_names(text: str, found: list[Mention]) -> None:
    """A mention of a capitalised word that goes on with a second one takes both."""
    for m in _TITLE_NAME.finditer(text):
        for mention in found:
            if mention.names == [m["first"]] and mention.start <= m.start("n") <= mention.end:
                mention.names = [m["n"]]
                mention.end = max(mention.end, m.end("n"))


#: a column named like a role holds it: "text", "label"
_NAMED_TEXT = frozenset("text texts sentence content input".split())
_NAMED_LABEL = frozenset("label labels target class category y tags gold_label".split())


def _named_roles(mentions: list[Mention]) -> list[Mention]:
    """Columns named like a role take it when the words give none ("columns: text, label")."""
    out: list[Mention] = []
    for m in mentions:
        if m.role is not None:
            out.append(m)
            continue
        roles = {n: _named_role(n) for n in m.names}
        if len(m.names) == 1:
            m.role = roles[m.names[0]]
            out.append(m)
            continue
        if any(r == "label" for r in roles.values()):  # "text, label": split the list
            for name in m.names:
                out.append(Mention([name], m.start, m.end, roles[name], m.strength, m.evidence))
            continue
        out.append(m)
    return out


def _named_role(name: str) -> str | None:
    low = name.lower()
    return "text" if low in _NAMED_TEXT else "label" if low in _NAMED_LABEL else None


def _values_of_named(text: str, match: re.Match[str]) -> bool:
    """ "conflict 列是 yes/no", "label 字段 phishing 或 legit": after a column's own name, 列是
    gives its values, not names."""
    owner = re.search(r"[A-Za-z_][\w.-]*\s*$", text[: match.start()])
    if owner is None:
        return False
    after = re.match(r"\s*(?:或者?|还是|/|／|\bor\b)", text[match.end() :])
    return after is not None or re.search(r"/|／|或", match["names"]) is not None


def _chinese(text: str, found: list[Mention]) -> None:
    if not re.search(f"[{_CJK}]", text):
        return
    cues: set[int] = set()
    for m in _Z_COL_THEN_NAMES.finditer(text):
        names = [n for n in _names(m, "abcde") if n.lower() not in NOT_NAMES_IN_ZH]
        if not names or _values_of_named(text, m):
            continue
        cues.add(m.end("cue"))
        role = _role_zh(_left_zh(text, m.start()))
        found.append(Mention(names, m.start(), m.end(), role, 0.9, m[0]))
    for m in _Z_NAMES_THEN_COL.finditer(text):
        if m.end("cue") in cues:
            continue
        names = [n for n in _names(m, "ab") if n.lower() not in NOT_NAMES_IN_ZH]
        if not names:
            continue
        role = _role_zh(m["pred"] or "", leftmost=True) or _role_zh(_left_zh(text, m.start()))
        found.append(Mention(names, m.start(), m.end(), role, 0.9, m[0]))
    for m in _Z_SCORE_NAME.finditer(text):
        if m["name"].lower() not in NOT_NAMES_IN_ZH:
            found.append(Mention([m["name"]], m.start(), m.end(), "label", 0.85, m[0]))
    for m in _Z_IN.finditer(text):
        names = [n for n in _names(m, "ab") if n.lower() not in NOT_NAMES_IN_ZH]
        if names:
            role = _role_zh(_left_zh(text, m.start()))
            found.append(Mention(names, m.start(), m.end(), role, 0.85, m[0]))
    for m in _Z_NAME_IS_ROLE.finditer(text):
        role = _role_zh(m["pred"])
        names = [n for n in _names(m, "a") if n.lower() not in NOT_NAMES_IN_ZH]
        if role and names:
            found.append(Mention(names, m.start(), m.end(), role, 0.9, m[0]))
    for m in _Z_NAMED.finditer(text):
        names = [n for n in _names(m, "a") if n.lower() not in NOT_NAMES_IN_ZH]
        if names:
            role = _role_zh(m["pred"] or "") or _role_zh(_left_zh(text, m.start()))
            found.append(Mention(names, m.start(), m.end(), role, 0.9, m[0]))
    for m in _Z_NAME_IS_DESC.finditer(text):
        names = [n for n in _names(m, "a") if n.lower() not in NOT_NAMES_IN_ZH]
        if names and not re.match(r"[否不]", m["pred"]):
            role = _role_zh(m["pred"])
            found.append(Mention(names, m.start(), m.end(), role, 0.8 if role else 0.7, m[0]))
    for m in _Z_DESC_THEN_NAME.finditer(text):
        names = [n for n in _names(m, "a") if n.lower() not in NOT_NAMES_IN_ZH]
        if names and not _joined_values(text, m.start("names"), m.end("names")):
            desc = _left_zh(text, m.start())
            role = _role_zh(desc)
            found.append(Mention(names, m.start(), m.end(), role, 0.85 if role else 0.6, m[0]))
    for m in _Z_SPACED.finditer(text):
        name = m["ab"]
        if name.lower() in NOT_NAMES_IN_ZH | {"vs", "or", "and"} or any(
            name in o.names for o in found
        ):
            continue
        if _joined_values(text, m.start("ab"), m.end("ab")):
            continue  # "标签为 human 和 ai": two values joined, not a column
        desc = _left_zh(text, m.start())
        role = _role_zh(desc)
        # after a word for a text (工单标题 ticket_title) the name is surely a column
        sure = 0.75 if role or re.search(_TEXTISH_ZH + r"\s*$", desc) else 0.55
        found.append(Mention([name], m.start(), m.end(), role, sure, m[0]))
    for m in _Z_NAME_BRACKET_DESC.finditer(text):
        if m["ab"].lower() in NOT_NAMES_IN_ZH or len(m["pred"]) > 14:
            continue
        role = _role_zh(m["pred"])
        found.append(Mention([m["ab"]], m.start(), m.end(), role, 0.8, m[0]))
    for m in [*_Z_CJK_NAME.finditer(text), *_Z_CJK_NAME_COL.finditer(text)]:
        role = _role_zh(_left_zh(text, m.start()))
        found.append(Mention([m["cjk"]], m.start("cjk"), m.end(), role, 0.8, m[0]))
    for m in _Z_COL_ARROW.finditer(text):
        found.append(Mention([m["a"]], m.start("a"), m.end("a"), "text", 0.9, m[0]))
        found.append(Mention([m["b"]], m.start("b"), m.end("b"), "label", 0.9, m[0]))
    for m in [*_Z_CJK_TWO_COLS.finditer(text), *_Z_QUOTED_NAMES.finditer(text)]:
        found.append(Mention([m["a"], m["b"]], m.start("a"), m.end("b"), None, 0.8, m[0]))
    for m in _Z_CJK_NAMES.finditer(text):
        role = _role_zh(_left_zh(text, m.start()))
        if m["c"]:  # 列 地址1、地址2、相似分: each its own column, roles from the task
            for g in "abc":
                found.append(Mention([m[g]], m.start(g), m.end(g), None, 0.85, m[0]))
            continue
        found.append(Mention([m["a"], m["b"]], m.start("a"), m.end(), role, 0.8, m[0]))
    for m in _Z_ROLE_CJK.finditer(text):
        role = _role_zh(m["role"])
        found.append(Mention([m["cjk"]], m.start("cjk"), m.end(), role, 0.8, m[0]))
    for m in _Z_CJK_ROLE_STATED.finditer(text):
        role = "label" if m["role"] == "要预测的" else _role_zh(m["role"])
        found.append(Mention([m["cjk"]], m.start("cjk"), m.end(), role, 0.85, m[0]))
    for m in _Z_PAIR_WHETHER.finditer(text):
        found.append(Mention(_names(m, "ab"), m.start(), m.end(), "text", 0.85, m[0]))
    for m in _Z_CJK_COL_PLUS.finditer(text):  # the input first, then what to predict
        found.append(Mention([m["a"]], m.start("a"), m.end("a"), "text", 0.8, m[0]))
        found.append(Mention([m["b"]], m.start("b"), m.end("b"), "label", 0.8, m[0]))
    for m in _Z_CJK_NAME_ROLE.finditer(text):
        role = _role_zh(m["role"])
        # "内容 (text)": the word in brackets is the role, not a column of its own
        inside = [f for f in found if f.names == [m["role"]] and f.start <= m.start("role") < f.end]
        found[:] = [f for f in found if f not in inside]
        found.append(Mention([m["cjk"]], m.start("cjk"), m.end(), role, 0.85, m[0]))


_JOIN_ZH = r"\s*(?:和|或|与|还是|、)\s*"
_VALUE_OPEN = re.compile(
    r"(?:标签|类别|取值|值|分为|分成|分到)\s*(?:为|是|有|用|只有)?\s*[:：]?\s*$"
)
_QWORD = r"(?:[`'\"“‘]?[A-Za-z][\w-]*[`'\"”’]?|[「『“‘][^」』”’\n]{1,16}[」』”’])"


def _joined_values(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is one of values a label word opens: 标签为 human 和 ai,
    标签只有「垃圾短信」和「正常短信」."""
    before = re.search(rf"((?:{_QWORD}{_JOIN_ZH})*)[`'\"“‘「『]?$", text[:start])
    after = re.match(rf"[`'\"”’」』]?{_JOIN_ZH}{_QWORD}", text[end:])
    lead = text[: before.start()] if before else text[:start]
    if not (after or (before and before.group(1))):
        return False
    return bool(_VALUE_OPEN.search(lead))


#: columns that hold ids, never the text or the label
_ID_NAMES = frozenset("id idx index uid uuid row_id doc_id key".split())


_PREDICT_FROM_CODE = re.compile(
    rf"\b(?:predict|estimate|forecast|infer)\b[^.;:]{{0,60}}?\bfrom\s+(?:the\s+)?"
    rf"(?P<t>{_CODE})(?![\w.-])",
    re.I,
)
_PREDICT_FROM = re.compile(
    rf"\b(?:predict|estimate|forecast|regress)\s+(?:the\s+)?['\"`]?(?P<l>{_IDENT})['\"`]?"
    # "regress 'severity' (1.0-10.0) from 'incident_report'": a range of values between
    r"(?:\s*[(（][^()（）\n]{1,20}[)）])?"
    rf"\s+(?:from|using|given)\s+(?:the\s+)?['\"`]?(?P<t>{_IDENT})['\"`]?"
    r"(?=\s*(?:[,;.]|$|\s+in\b|\s+(?:text|column|field)\b))",  # "from the admission_note text"
    re.I,
)


# "predict Reason (Compensation, Career Growth, …)", "gold_label in {entailment, neutral}": a
# capitalised or coded name, then its classes in brackets
_PREDICT_LISTED = re.compile(
    rf"(?:\b(?:predict|classify\s+by)\s+(?P<name>[A-Z][A-Za-z0-9_]+|{_CODE})\s*[(（]"
    rf"|(?P<set>{_CODE})\s+(?:in|∈)\s*\{{)[^)）}}]*[,，]",
)
# "train on body_text to predict level", "use the title column to predict category_l1"
_USE_TO_PREDICT = re.compile(
    rf"\b(?:(?:train(?:ed)?|fit|learn)\s+(?:it\s+)?(?:on|from)|use|using)\s+(?:the\s+)?"
    rf"[`'\"“‘]?(?P<t>{_IDENT})[`'\"”’]?(?:\s+{_COL_EN})?\s+to\s+(?:predict|estimate|classify)\s+"
    rf"(?:the\s+)?[`'\"“‘]?(?P<l>{_IDENT})[`'\"”’]?(?![\w-])",
    re.I,
)


# "预测得分 points（0-10）", "用 title 预测 cate。": a name after 预测 that ends its clause
_ZH_PREDICT_NAME = re.compile(
    rf"(?:预测|预估|估计)(?:的)?[{_CJK}]{{0,6}}?\s*[`'\"“‘「]?(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    rf"[`'\"”’」]?(?=\s*(?:[，,。；;（(]|$))"
)


def _use_to_predict(text: str, mentions: list[Mention]) -> None:
    """Names an "X to predict Y" phrase gives their roles, taken out of a list of columns."""
    for match in _USE_TO_PREDICT.finditer(text):
        for name, role in ((match["t"], "text"), (match["l"], "label")):
            for m in mentions:
                if len(m.names) > 1 and name in m.names:
                    m.names = [n for n in m.names if n != name]
            single = [m for m in mentions if m.names == [name]]
            for m in single:
                m.role, m.strength = role, max(m.strength, 0.85)
            if not single:
                mentions.append(Mention([name], match.start(), match.end(), role, 0.85, match[0]))
    mentions[:] = [m for m in mentions if m.names]


def verb_roles(text: str, mentions: list[Mention]) -> None:
    """Roles the verbs give names already mentioned: predict the rating from the comment.

    "predict X" makes X the label; "predict … from Y", "given Y", "根据 Y", "用 Y" make Y the
    text; "given A and B" names the two texts of a pair.
    """
    _use_to_predict(text, mentions)
    for match in _ZH_PREDICT_NAME.finditer(text):  # "预测得分 points（0-10）"
        name = match["name"]
        acronym = re.fullmatch(r"[A-Z]{2,5}", name)  # "预测点击率 CTR": the quantity's name
        spelt = [m for m in mentions if m.names == [name.lower()] and m.role is None]
        if acronym and spelt:  # … and its column "列 headline 与 ctr"
            spelt[0].role = "label"
        if (
            not acronym
            and name.lower() not in NOT_NAMES
            and not any(name in m.names for m in mentions)
        ):
            mentions.append(Mention([name], match.start(), match.end(), "label", 0.7, match[0]))
    for match in re.finditer(
        r"\b(?P<verb>predict|estimate|forecast|from|given|based on)\s+(?:the\s+)?"
        r"[`'\"“‘](?P<name>[A-Za-z_][\w.-]{0,40})[`'\"”’]",
        text,
        re.I,
    ):
        if not any(match["name"] in m.names for m in mentions):
            mentions.append(
                Mention([match["name"]], match.start(), match.end(), None, 0.7, match[0])
            )
    for match in _PREDICT_LISTED.finditer(text):  # "predict Reason (Compensation, Other)"
        name = match["name"] or match["set"]
        if not any(name in m.names for m in mentions):
            mentions.append(Mention([name], match.start(), match.end(), "label", 0.75, match[0]))
    for match in _PREDICT_FROM_CODE.finditer(text):  # "estimate the star rating from review_text"
        if not any(match["t"] in m.names for m in mentions):
            mentions.append(Mention([match["t"]], match.start("t"), match.end(), "text", 0.75,
                                    match[0]))  # fmt: skip
    for match in _PREDICT_FROM.finditer(text):  # "predict topic from message_text"
        label, source = match["l"], match["t"]
        if not (re.fullmatch(_CODE, label) or re.fullmatch(_CODE, source)):
            continue  # "predict sentiment from reviews": plain words may be no columns
        for name, role in ((label, "label"), (source, "text")):
            if not any(name in m.names for m in mentions):
                mentions.append(Mention([name], match.start(), match.end(), role, 0.8, match[0]))
    names = {n for m in mentions for n in m.names}
    if not names:
        return
    alt = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    det = r"(?:the\s+|a\s+|its\s+|their\s+)?"
    quote = r"[`'\"“‘]?"
    zh_from = rf"(?:根据|基于|(?<![{_CJK}])用(?!户)|(?<![{_CJK}])从(?!事|而|来))"
    hints: dict[str, str] = {}
    for role, pattern in (
        ("label", rf"\b(?:predict|estimate|forecast)\s+{det}(?:{_COL_EN}\s+)?{quote}({alt})\b"),
        ("text", rf"\b(?:predict|estimate|forecast|infer|guess|determine|tell)\b[^.;]{{0,60}}?"
                 rf"\bfrom\s+{det}(?:{_COL_EN}\s+)?{quote}({alt})\b"),
        ("text", rf"\b(?:given|based on)\s+{det}(?:{_COL_EN}\s+)?{quote}({alt})\b"),
        # "classify the tickets by the churn_risk column"
        ("label", rf"\b(?:classify|categori[sz]e|group|sort|bucket)\b[^.;]{{0,40}}?\bby\s+{det}"
                  rf"{quote}({alt})\b"),
        ("label", rf"(?:预测|估计)[^，。；;,：:]{{0,10}}?{quote}({alt})(?![A-Za-z0-9_])"),
        ("text", rf"{zh_from}[^，。；;,：:]{{0,10}}?{quote}({alt})(?![A-Za-z0-9_])"),
    ):  # fmt: skip
        for match in re.finditer(pattern, text, re.I):
            hints.setdefault(match.group(1), role)
    given = re.search(rf"\bgiven\s+{det}({alt})\s+and\s+{det}({alt})\b", text, re.I)
    if given:  # "given the title and abstract": the two texts of a pair
        pair = [given.group(1), given.group(2)]
        for m in mentions:
            if len(m.names) > 2 and set(pair) < set(m.names):
                m.names = [n for n in m.names if n not in pair]
        mentions.append(Mention(pair, given.start(), given.end(), "text", 0.85, given[0]))
        hints = {n: r for n, r in hints.items() if n not in pair}
    for m in mentions:
        if len(m.names) > 1 and any(n in hints for n in m.names):
            continue
        if len(m.names) == 1 and m.role is None and m.names[0] in hints:
            m.role = hints[m.names[0]]
            m.strength = max(m.strength, 0.75)  # the verb confirms a weakly read name
    lists = [m for m in mentions if len(m.names) > 2]
    for m in lists:  # "columns id, comment, rating": the roles the verbs give, ids left out
        for name in m.names:
            if name in hints:
                mentions.append(Mention([name], m.start, m.end, hints[name], m.strength * 0.9,
                                        m.evidence))  # fmt: skip
        if any(n in hints for n in m.names):
            m.names = [n for n in m.names if n not in hints and n.lower() not in _ID_NAMES]
    mentions[:] = [m for m in mentions if m.names]
    mentions.sort(key=lambda m: m.start)


def resolve_columns(
    mentions: list[Mention],
    pair: bool,
    header: Iterable[str] | None = None,
    classes: bool = False,
) -> ColumnWords:
    """Text and label columns from the mentions: stated roles first, then by position.

    ``classes``: the words list the classes; a lone column named without a role is then the
    text ("toxic or clean. chat.csv, column msg"), not what to predict.
    """
    if header is not None:
        mentions = _in_header(mentions, list(header))
    mentions = [m for m in mentions if pair or not m.pair_only]
    out = ColumnWords(mentions=mentions)
    label_m = _first(m for m in mentions if m.role == "label" and len(m.names) == 1)
    if label_m is None:  # "label columns: y" or a list that ends in the label
        label_m = _first(m for m in mentions if m.role == "label")
    label = label_m.names[-1] if label_m else None
    rest = [m for m in mentions if m is not label_m and m.role != "label"]
    rest = [_without(m, label) for m in rest]
    rest = [m for m in rest if m.names]
    if pair:
        _pair_texts(out, rest, label)
    else:
        _single_text(out, rest, label)
    if label_m is not None:
        out.label = label
        out.evidence["label"], out.confidence["label"] = label_m.evidence, label_m.strength
    elif out.label is None and _lone(rest) and not isinstance(out.text, list) and not classes:
        # one column named with no role: in practice the column to predict ("column 'stars'")
        m = rest[0]
        out.text = None
        out.evidence.pop("text", None)
        out.confidence.pop("text", None)
        out.label = m.names[0]
        out.evidence["label"], out.confidence["label"] = m.evidence, round(m.strength * 0.75, 3)
    elif out.label is None:
        # by position: the first name the text did not take is what to predict
        used = out.text if isinstance(out.text, list) else [out.text]
        spare = [m for m in rest if m.role is None and m.names[0] not in used]
        if spare:
            m = spare[0]
            out.label = m.names[0]
            out.evidence["label"] = m.evidence
            out.confidence["label"] = round(m.strength * 0.85, 3)
    if out.label is not None and out.text == out.label:
        out.text = None
    return out


#: role words a "role: name" line or an arrow uses ("text: body", "`msg` → text", "标签：tag")
_ROLE_WORDS = {
    **dict.fromkeys(
        "text texts input content sentence body x 文本 内容 正文 输入 句子".split(), "text"
    ),
    **dict.fromkeys(
        "label labels target class category tag tags y output 标签 类别 目标 分数 得分 "
        "输出".split(),
        "label",
    ),
}
_ROLE_ALT = "|".join(sorted(_ROLE_WORDS, key=len, reverse=True))
#: column words that are also plain nouns a column may be called ("abstract, fields")
_PLAIN_NOUNS = frozenset("fields field names name values".split())
#: role words that are rarely a column's own name (a column may be called text or label)
_ROLE_WORDS_ONLY = frozenset(
    "texts input content sentence labels class category tags output".split()
)
_NAME_OR_ZH = rf"[A-Za-z_][\w-]{{0,40}}(?:\.[\w-]+)*|[{_CJK}]{{1,8}}"
# "text: report_text | target: cost", "标签：issue_type" on its own line: a name alone after it
_ROLE_COLON = re.compile(
    rf"(?:^|(?<=[\s|;；,，。(（{{])|(?<=[\s{{,]\"))(?P<role>{_ROLE_ALT})\"?\s*"
    rf"[_\s]?(?P<col>col(?:umn)?s?|fields?|列|字段)?\"?\s*"
    # the name ends its field: a line end, or a separator before the next "key:" field
    # ("类别:a|b|c" is a list of classes, "text: body | target: y" two fields), or the end of
    # a JSON-like object ('{"text": "utterance", "label": "intent"}')
    rf"[:：=]\s*(?P<q>[`'\"“‘「])?(?P<name>{_NAME_OR_ZH})[`'\"”’」]?"
    # "文本列: 邮件内容 / 标签列: 是否垃圾 / …": after a column word, a spaced slash ends it too;
    # a quoted name ends at a full stop too: "field with labels: 'eurovoc'. f1_micro."
    rf"(?=\s*(?:$|\n|。|(?(q)\.(?:\s|$)|(?!))|[}})）]|[|;；,，]\s*[^|;；,，:：.。\n]{{1,24}}[:：]|(?(col)[/／]\s|(?!))))",
    re.I | re.M,
)
_ARROW_PAIR = re.compile(
    rf"(?P<qa>[`'\"“‘])?(?P<a>{_NAME_OR_ZH})[`'\"”’]?\s*(?:→|->|=>|⇒)\s*(?P<qb>[`'\"“‘])?"
    rf"(?P<b>{_NAME_OR_ZH})"
)
# "工单内容 列是文本": a Chinese name set apart by spaces before 列
_Z_SPACED_NAME_ROLE = re.compile(
    rf"(?:^|(?<=[\s的：:]))(?P<name>[{_CJK}]{{2,8}})\s+(?:列|字段)\s*(?:是|为|存|放)?\s*"
    rf"(?P<role>{_ROLE_ALT})"
)


# "target 列 logS", "text 字段为 review": a role word, the word for column, then the name
_ROLE_COL_NAME = re.compile(
    rf"(?:^|(?<=[\s，,。；;：:（(]))(?P<role>{_ROLE_ALT})\s*(?:列|字段)\s*(?:是|为|叫|名为)?\s*"
    rf"[`'\"“‘「]?(?P<name>[A-Za-z_][\w-]{{0,40}})[`'\"”’」]?(?![\w-])",
    re.I,
)
# "essay 列是作文正文，score 列是老师给的分数": a name, 列, a description ending in a role
_NAME_COL_IS_DESC = re.compile(
    rf"(?<![\w`'\"])(?P<name>[A-Za-z_][\w-]{{0,40}})\s*(?:列|字段)\s*(?:是|为|存的是|放的是|存|放)\s*"
    rf"[^，,。；;\s]{{0,8}}?(?P<role>{_ROLE_ALT})(?=\s*(?:[，,。；;（(]|$))",
    re.I,
)
# "label 取值 same / different", "y 的取值就 spam 和 ham": a column whose values are listed
_NAME_TAKES_VALUES = re.compile(
    r"(?<![\w`'\"])(?P<name>[A-Za-z_][\w-]{0,40})\s*(?:的)?\s*(?:取值|可能取值|值域)"
)
# "不用管 url 和 date 列", "ignore the id column": columns the user sets aside
_SET_ASIDE = re.compile(
    r"(?:不用管|不用|不要用|别用|忽略|无视|去掉|\bignore|\bdrop|\bexclude|\bskip|"
    r"\bdon't use|\bdo not use)\s*(?:the\s+)?$",
    re.I,
)


# "价格列 price_wan 不用管。", "（表里还有答案列 a，这次不用）", "an `age` column, ignore it."
_SET_ASIDE_AFTER = re.compile(
    r"[^。.;；\n（(]{0,16}?(?:这次不用|不用管|先别用|不用|别用|没关系|别当标签|"
    r"\bignore (?:it|that|this)|"
    r"\bskip (?:it|that)|\bnot needed|\b(?:is|are) irrelevant)\s*(?:[。.;；，,）)!！]|$)",
    re.I,
)


def set_aside(text: str, mentions: list[Mention]) -> None:
    """Drop the columns the words say to ignore ("不用管 url 和 date 列"), and two plain words
    that only describe a pair's sides when two column-like names say which columns hold them
    ("(question, answer) pairs … Columns q_body, a_body")."""
    mentions[:] = [
        m
        for m in mentions
        if not _SET_ASIDE.search(text[max(0, m.start - 12) : m.start])
        and not _SET_ASIDE_AFTER.match(text, m.end)
    ]
    code_pairs = [m for m in mentions if len(m.names) == 2 and all(map(_code_like, m.names))]
    if code_pairs:
        mentions[:] = [
            m
            for m in mentions
            if not (len(m.names) == 2 and not any(map(_code_like, m.names)) and m.role == "text")
        ]


def _code_like(name: str) -> bool:
    return bool(re.search(r"[_\d]", name))


# "match_score is the target", "body is the text"
_NAME_IS_ROLE = re.compile(
    r"(?<![\w`'\"])[`'\"“‘]?(?P<name>[A-Za-z_][\w-]{0,40})[`'\"”’]?\s+(?:is|are)\s+"
    r"(?:the\s+)?(?P<role>text|input|target|label|output)\b(?!\s+(?:col|column|field)s?\b)",
    re.I,
)
# "the text column will be advisory", "the label column is going to be called sev"
_FUTURE_ROLE = re.compile(
    r"\b(?P<role>text|label|target)\s+(?:col(?:umn)?|field)\s+(?:will be|would be|is going to be)"
    r"\s+(?:called\s+|named\s+)?[`'\"“‘]?(?P<name>[A-Za-z_][\w-]{0,40})",
    re.I,
)
# "total_minutes target", "review_body text": a column-like name, then its role
_NAME_THEN_ROLE = re.compile(
    r"(?<![\w`'\"])[`'\"“‘]?(?P<name>[A-Za-z_][\w-]*(?:_|\d)[\w-]*)[`'\"”’]?\s+"
    r"(?P<role>target|label|text|input)\b(?=\s*(?:[,.;，。；]|$))",
    re.I,
)
# "kcal is the number": a name said to be the value to predict
_NAME_IS_VALUE = re.compile(
    r"(?<![\w`'\"])[`'\"“‘]?(?P<name>[A-Za-z_][\w-]{0,40})[`'\"”’]?\s+(?:is|are)\s+the\s+"
    r"(?:number|value|score|rating|quantity)\b",
    re.I,
)
# "body has the message, is_spam has the label"
_NAME_HAS_ROLE = re.compile(
    r"(?<![\w`'\"])[`'\"“‘]?(?P<name>[A-Za-z_][\w-]{0,40})[`'\"”’]?\s+(?:has|holds|contains)\s+"
    r"the\s+(?P<role>label|target|text|message|texts|messages)\b",
    re.I,
)


_CODE_NAME = r"[`'\"“‘]?(?P<{g}>[A-Za-z_][\w-]*(?:_|\d)[\w-]*)[`'\"”’]?"
# "comment / mod_note -> same_violation": two texts and what they map to
_PAIR_ARROW = re.compile(
    rf"{_CODE_NAME.format(g='a')}\s*(?:/|,|&|\+|\band\b)\s*{_CODE_NAME.format(g='b')}\s*"
    rf"(?:→|->|=>|⇒)\s*{_CODE_NAME.format(g='c')}"
)
_PAIR_ARROW_LOOSE = re.compile(
    r"(?<![\w`'\"])(?P<a>[a-z][a-z_]*)\s*(?:/|&|\+)\s*(?P<b>[a-z][a-z0-9_]*)\s*(?:→|->|=>|⇒)\s*"
    r"(?P<c>[a-z][a-z0-9_]*)(?![\w])"
)
# "query + doc_snippet → classes": two column-like names added into one input
_PLUS_ARROW = re.compile(
    r"(?<![\w`'\"])(?P<qa>[`'\"])?(?P<a>[a-z][a-z0-9_]*)[`'\"]?\s*\+\s*(?P<qb>[`'\"])?"
    r"(?P<b>[a-z][a-z0-9_]*)[`'\"]?\s*(?:→|->|=>|⇒)"
)
# "compare name_crm1 with name_crm2": two column-like names set side by side
_COMPARE = re.compile(
    rf"\bcompare\s+(?:the\s+)?{_CODE_NAME.format(g='a')}\s+(?:with|to|and|against)\s+"
    rf"(?:the\s+)?{_CODE_NAME.format(g='b')}",
    re.I,
)
# "policy_text vs employee_question": two columns set against each other
_VALUES_LEAD = re.compile(
    r"(?:\blabels?|\bclasses|\bcategories|\btags|\bvalues|标签|类别)\s*(?:[:：=]|\bare\b)?\s*$",
    re.I,
)
_VS = re.compile(rf"{_CODE_NAME.format(g='a')}\s+(?:vs\.?|versus)\s+{_CODE_NAME.format(g='b')}")


# "menu.csv，dish_desc，kcal。", "ctr.csv: headline, ctr": bare names right after the data file
# (the rule parser has masked it to FILE), text first and what to predict last
_BARE_AFTER_FILE = re.compile(
    r"\bFILE\s*[,，:：;；]?\s*[(（]?\s*(?P<names>[A-Za-z_][A-Za-z0-9_]*(?:\s*[,，、]\s*[A-Za-z_][A-Za-z0-9_]*){1,2})"
    r"(?=\s*[)）]?\s*(?:[。.;；!！?？\n]|$|[,，]\s*(?:[^\sA-Za-z_]|[A-Za-z]+\s)))"
)


# "all.csv (text / label)": slash-joined names in brackets after the file, when they look like
# columns (a role word or a code-like name), not classes ("(pos/neg)")
_SLASHED_AFTER_FILE = re.compile(
    r"\bFILE\s*[(（]\s*(?P<names>[A-Za-z_][A-Za-z0-9_]*(?:\s*/\s*[A-Za-z_][A-Za-z0-9_]*){1,2})"
    r"\s*[)）]"
)
_COLUMN_LIKE = re.compile(r"text|label|target|score|y|.*[_\d].*", re.I)


def file_columns(text: str, mentions: list[Mention]) -> None:
    """Two or three bare names right after the data file are its columns (when nothing else
    names them): "a.csv，text，label", "pairs.tsv, q1, q2, score", "a.csv (text / label)"."""
    slashed = [
        m
        for m in _SLASHED_AFTER_FILE.finditer(text)
        if all(_COLUMN_LIKE.fullmatch(n.strip()) for n in m["names"].split("/"))
    ]
    for m in [*_BARE_AFTER_FILE.finditer(text), *slashed]:
        names = [n for n in re.split(r"\s*[,，、/]\s*", m["names"]) if n]
        if any((n.lower() in NOT_NAMES and n.lower() not in _PLAIN_NOUNS)
               or n.lower() in _ROLE_WORDS_ONLY for n in names):  # fmt: skip
            continue
        # a shorter reading of the same names ("press_a，press_b" of "…，press_b，sim") gives way
        shorter = [o for o in mentions if set(o.names) < set(names)]
        if any(n in o.names for n in names for o in mentions if o not in shorter):
            continue
        mentions[:] = [o for o in mentions if o not in shorter]
        mentions.append(Mention(names, m.start("names"), m.end("names"), None, 0.8, m["names"]))


def stated_roles(text: str, mentions: list[Mention]) -> None:
    """Roles said next to a name: "text: body" lines, arrows, "工单内容 列是文本".

    An arrow from a name to a role word gives the name that role ("`msg` → text"); one from a
    side word to a column-like name makes it a side of a pair ("query → user_query"). Other
    arrows ("text → emotion": input to output) are the column reader's.
    Mentions of a bare role word ("columns, label is_x": "label") are dropped when the words
    name the column they mean.
    """
    named = (m for m in _NAME_IS_ROLE.finditer(text) if re.search(r"[_\d`'\"]", m[0]))
    stated = [*_ROLE_COLON.finditer(text), *_ROLE_COL_NAME.finditer(text),
              *_NAME_COL_IS_DESC.finditer(text),
              *_Z_SPACED_NAME_ROLE.finditer(text), *named,
              *_FUTURE_ROLE.finditer(text), *_NAME_THEN_ROLE.finditer(text)]  # fmt: skip
    for m in stated:
        # "labels_col: tags": after the word for column, even a role word is the name
        named = "col" in m.re.groupindex and bool(m["col"])
        _give_role(mentions, m["name"], _ROLE_WORDS[m["role"].lower()], m, named)
    for m in _NAME_IS_VALUE.finditer(text):
        _give_role(mentions, m["name"], "label", m)
    for m in _NAME_TAKES_VALUES.finditer(text):  # a column may be called "label" itself
        _give_role(mentions, m["name"], "label", m, named=True)
    for m in _NAME_HAS_ROLE.finditer(text):  # "has the message": a text
        _give_role(mentions, m["name"], _ROLE_WORDS.get(m["role"].lower(), "text"), m)
    for m in _ARROW_PAIR.finditer(text):
        a, b = m["a"], m["b"]
        if b.lower() in _ROLE_WORDS:
            _give_role(mentions, a, _ROLE_WORDS[b.lower()], m)
            _drop_name(mentions, b)
        elif (
            re.fullmatch(_SIDE_EN, a, re.I)
            and (m["qb"] or re.search(r"[_\d]", b))
            and not _ARROW_OF_COLUMNS.search(text[: m.start()])
        ):
            _give_role(mentions, b, None, m)
            _drop_name(mentions, a)
            for found in mentions:
                if found.names == [b]:
                    found.side = a.lower()
    for m in [*_PAIR_ARROW.finditer(text), *_PAIR_ARROW_LOOSE.finditer(text)]:
        if any(n.lower() in NOT_NAMES for n in (m["a"], m["b"], m["c"])):
            continue
        for name in (m["a"], m["b"], m["c"]):
            _drop_name(mentions, name)
        mentions.append(Mention([m["a"], m["b"]], m.start(), m.end("b"), "text", 0.85, m[0]))
        mentions.append(Mention([m["c"]], m.start("c"), m.end(), "label", 0.85, m[0]))
    # "detect PII: contains_pii vs no_pii … text column raw_text": with the one text column
    # named outright, names set against each other are its classes
    one_text = any(o.role == "text" and len(o.names) == 1 and o.strength >= 0.9 for o in mentions)
    for m in _PLUS_ARROW.finditer(text):  # "query + doc_snippet → Relevant / Not Relevant"
        # plain words may describe the sides; quoted ones name columns
        code_like = _code_like(m["a"]) or _code_like(m["b"]) or (m["qa"] and m["qb"])
        if code_like and not any(n.lower() in NOT_NAMES for n in (m["a"], m["b"])):
            _two_texts(mentions, m, m.end("b"))
    for m in _COMPARE.finditer(text):
        _two_texts(mentions, m, m.end())
    for m in [] if one_text else _VS.finditer(text):
        if not _VALUES_LEAD.search(text[: m.start()]):  # 'Labels: "same" vs "different"'
            _two_texts(mentions, m, m.end())
    if any(m.strength >= 0.85 for m in mentions):
        # plain words around an arrow ("Invoice memos -> VAT rate bucket") describe the task;
        # once the words name columns outright, such guesses give way
        arrow = re.compile(r"→|->|=>|⇒")
        mentions[:] = [m for m in mentions if not (m.strength < 0.7 and arrow.search(m.evidence))]
    for m in list(mentions):
        word = m.names[0].lower() if len(m.names) == 1 else ""
        if word in _ROLE_WORDS and any(
            o is not m and re.match(rf"{word}\s+[`'\"“‘]?{re.escape(o.names[0])}", o.evidence, re.I)
            for o in mentions
        ):
            mentions.remove(m)  # "sent_1 / sent_2 columns, label is_paraphrase"


def _give_role(
    mentions: list[Mention],
    name: str,
    role: str | None,
    match: re.Match[str],
    named: bool = False,
) -> None:
    """Give ``name`` its ``role``, mentioning it if nothing does yet; ``named``: the words call
    it a column outright, so even a role word ("label", "tags") is its name."""
    if (name.lower() in _ROLE_WORDS and not named) or name == "FILE" or name.lower() in NOT_NAMES:
        return
    for m in mentions:
        if m.names == [name]:
            m.role = role or m.role
            m.strength = max(m.strength, 0.85)
            return
    for m in mentions:  # a list that holds it ("query, doc → a, b") keeps it
        if name in m.names and len(m.names) > 1:
            return
    mentions.append(Mention([name], match.start(), match.end(), role, 0.85, match[0]))


def _two_texts(mentions: list[Mention], match: re.Match[str], end: int) -> None:
    """The names ``a`` and ``b`` of ``match`` as a pair's two texts, unless already read so."""
    a, b = match["a"], match["b"]
    if not any(a in o.names and b in o.names for o in mentions):
        mentions.append(Mention([a, b], match.start(), end, "text", 0.85, match[0]))


def _drop_name(mentions: list[Mention], name: str) -> None:
    mentions[:] = [m for m in mentions if m.names != [name]]


# "first text_a, second text_b, similarity sim": a spec list, each item what a column holds,
# then its name (a side of a pair, or the score / label)
_SPEC_NAMED = re.compile(
    r"(?:^|(?<=[,;:(]))\s*(?:[a-z]+\s+){0,2}?(?P<head>" + SPEC_HEAD + r")"
    r"\s+[`'\"]?(?P<name>[A-Za-z_][A-Za-z0-9_]*)[`'\"]?(?=\s*(?:[,;)]|[.](?:\s|$)|$))",
    re.I,
)


def _spec_items(text: str) -> list[Mention]:
    """Columns of a spec list said as "what it holds, then its name", two or more in a row."""
    items = [
        m
        for m in _SPEC_NAMED.finditer(text)
        if m["name"].lower() not in NOT_NAMES and m["name"].lower() != m["head"].lower()
    ]
    lone = len(items) == 1 and re.fullmatch(SPEC_LABEL, items[0]["head"], re.I)
    if len(items) < 2 and not (lone and _code_like(items[0]["name"])):
        return []  # one item alone only as "score rel_score": a code-like name
    out = []
    for m in items:
        label = re.fullmatch(SPEC_LABEL, m["head"], re.I) is not None
        mention = Mention([m["name"]], m.start("head"), m.end(), "label" if label else "text",
                          0.85, m[0].strip())  # fmt: skip
        if not label:
            mention.side = m["head"].lower()
        out.append(mention)
    return out


#: words before a column that name one side of a pair ("query column q", "问题列 q")
_SIDE_EN = (
    r"query|question|answer|reply|response|document|doc|passage|premise|hypothesis|claim|title|"
    r"first(?:\s+\w+)?|second(?:\s+\w+)?|left|right|source|candidate|context|policy|"
    r"sentence\s*[12ab]|text\s*[12ab]"
)
_SIDE_ZH = (
    r"问题|答案|回答|回复|查询|文档|前提|假设|标题|原文|译文|第一|第二|"
    r"[^\s，,。；;：:]{1,6}?[12一二ab]"  # 描述1, 句子a
)
_SIDE_BEFORE = re.compile(
    rf"(?:\b(?P<en>{_SIDE_EN})\s+(?:(?:column|field|col)s?\s+|(?:is\s+)?in\s+|[:：=]\s*|→\s*)?"
    rf"|(?P<zh>{_SIDE_ZH})\s*(?:列|字段)?\s*(?:[:：是为在]\s*)?)[`'\"“‘「]?$",
    re.I,
)


def side_roles(text: str, mentions: list[Mention]) -> None:
    """Mark single names the words before them call one side of a pair ("query column q")."""
    for m in mentions:
        if len(m.names) != 1 or m.role == "label":
            continue
        at = text.find(m.names[0], m.start)
        found = _SIDE_BEFORE.search(text[max(0, at - 24) : at]) if at >= 0 else None
        if found:
            m.side = (found["en"] or found["zh"]).lower()


def pair_evidence(mentions: list[Mention]) -> tuple[bool, str | None]:
    """Whether the columns themselves say the task reads two texts, and the words that do."""
    label = _first(m for m in mentions if m.role == "label")
    label_name = label.names[-1] if label else None
    # "utterance_a, utterance_b", "reason_1 / reason_2": one stem, two numbered sides
    names_all = [n for m in mentions for n in m.names if n != label_name]
    for a, b in itertools.combinations(dict.fromkeys(names_all), 2):
        sa, sb = SIDE_SUFFIX.fullmatch(a), SIDE_SUFFIX.fullmatch(b)
        if sa and sb and sa["stem"] == sb["stem"] and sa["side"].lower() != sb["side"].lower():
            return True, f"{a} / {b}"
    sides = [m for m in mentions if m.side and m.names[0] != label_name]
    if len({m.side for m in sides}) >= 2 and len({m.names[0] for m in sides}) >= 2:
        return True, " / ".join(m.evidence for m in sides[:2])  # "query column q, doc column d"
    for m in mentions:
        names = [n for n in m.names if n != label_name and n.lower() not in _ID_NAMES]
        # two names read together are two texts when the label is named apart or they are
        # called texts ("columns post, topic" alone is a text and its label)
        apart = label is not None and label_name not in m.names
        if len(names) == 2 and not m.pair_only and (m.role == "text" or apart):
            return True, m.evidence
        if len(names) == 3 and not m.pair_only and label is None:
            return True, m.evidence  # "columns: a, b, score": two texts and what to predict
        later = [o for o in mentions if o.start > m.end and len(o.names) == 1
                 and o.strength >= 0.85 and o.names[0] not in names
                 and o.role != "text"]  # fmt: skip
        sure = m.role is None and m.strength >= 0.85 and not m.pair_only
        if len(names) == 2 and sure and later:
            return True, m.evidence  # "columns a and b, stance column stance"
    singles = [m for m in mentions if m.role in (None, "text") and len(m.names) == 1]
    distinct = {m.names[0] for m in singles if m.names[0] != label_name}
    explicit_text = [m for m in singles if m.role == "text"]
    if label is not None and len(distinct) >= 2 and len(explicit_text) != 1:
        return True, " / ".join(m.evidence for m in singles[:2])
    unknown = [m for m in singles if m.role is None and m.strength >= 0.8]
    if label is None and len({m.names[0] for m in unknown}) == 3 and not explicit_text:
        return True, " / ".join(
            m.evidence for m in unknown[:2]
        )  # 题目在 a 列，作文在 b 列，分在 c 列
    return False, None


# ------------------------------------------------------------------------ helpers
def _pair_texts(out: ColumnWords, rest: list[Mention], label: str | None) -> None:
    multi = _first(m for m in rest if len(m.names) >= 2)
    if multi is not None:
        names = multi.names[:2]
        out.text = names
        out.evidence["text"], out.confidence["text"] = multi.evidence, multi.strength
        if out.label is None and label is None:
            # "(question, answer) pair. question / answer / helpful_score": a longer list of
            # the same two texts ends in what to predict
            longer = _first(m for m in rest if len(m.names) == 3 and m.names[:2] == names)
            if longer is not None:
                out.label = longer.names[2]
                out.evidence["label"], out.confidence["label"] = longer.evidence, longer.strength
        return
    singles = [m for m in rest if m.role in ("text", None)]
    names = list(dict.fromkeys(m.names[0] for m in singles))
    if len(names) >= 2:
        first, second = (next(m for m in singles if m.names[0] == n) for n in names[:2])
        out.text = names[:2]
        out.evidence["text"] = f"{first.evidence} / {second.evidence}"
        out.confidence["text"] = round(min(first.strength, second.strength) * 0.9, 3)
        if label is None and len(names) >= 3:
            third = next(m for m in singles if m.names[0] == names[2])
            out.label = names[2]
            out.evidence["label"], out.confidence["label"] = third.evidence, third.strength * 0.8
    elif len(names) == 1:  # a pair task with one text named: too unsure to use as it is
        first = next(m for m in singles if m.names[0] == names[0])
        out.text = names[0]
        out.evidence["text"], out.confidence["text"] = first.evidence, 0.4


def _single_text(out: ColumnWords, rest: list[Mention], label: str | None) -> None:
    stated = _first(m for m in rest if m.role == "text")
    if stated is not None:
        out.text = stated.names[0]
        out.evidence["text"], out.confidence["text"] = stated.evidence, stated.strength
        return
    multi = _first(m for m in rest if len(m.names) >= 2)
    first = _first(m for m in rest if m.role is None)
    if first is None:
        return
    if multi is first and label is None:  # "fields comment and kind": the text, then the label
        out.text, out.label = multi.names[0], multi.names[-1]
        out.evidence["text"] = out.evidence["label"] = multi.evidence
        out.confidence["text"] = out.confidence["label"] = round(multi.strength * 0.85, 3)
        return
    out.text = first.names[0]
    out.evidence["text"] = first.evidence
    out.confidence["text"] = round(first.strength * 0.85, 3)


def _lone(rest: list[Mention]) -> bool:
    """One column named, with no role, by a phrase that surely names a column."""
    only = rest[0] if len(rest) == 1 else None
    return only is not None and only.role is None and len(only.names) == 1 and only.strength >= 0.7


def _without(m: Mention, name: str | None) -> Mention:
    if name is None or name not in m.names:
        return m
    names = [n for n in m.names if n != name]
    return Mention(names, m.start, m.end, m.role, m.strength, m.evidence, m.pair_only)


def _first(mentions: Iterable[Mention]) -> Mention | None:
    return next(iter(mentions), None)


def _merge(found: list[Mention]) -> list[Mention]:
    """One mention a name (the first place, the stated role), in the order of the text."""
    found.sort(key=lambda m: (m.start, -len(m.names)))
    out: list[Mention] = []
    for m in found:
        same = [o for o in out if o.names == m.names or (len(m.names) == 1 and m.names[0] in o.names
                and len(o.names) == 1)]  # fmt: skip
        if same:
            kept = same[0]
            if kept.role is None and m.role is not None:
                kept.role, kept.evidence = m.role, f"{kept.evidence} / {m.evidence}"
            kept.strength = max(kept.strength, m.strength)
            continue
        if any(
            set(m.names) <= set(o.names) and len(o.names) > 1 and o.start <= m.start < o.end
            for o in out
        ):
            continue  # "question1" inside the pair "question1 and question2"
        out.append(m)
    # a name stated with a role elsewhere takes it out of a pair that is not a pair of texts
    roles = {m.names[0]: m.role for m in out if len(m.names) == 1 and m.role}
    for m in out:
        if len(m.names) > 1 and any(roles.get(n) == "label" for n in m.names):
            m.names = [n for n in m.names if roles.get(n) != "label"]
    return [m for m in out if m.names]


def _in_header(mentions: list[Mention], header: list[str]) -> list[Mention]:
    """Mentions with the header's spelling of their names.

    A name the file lacks is dropped when only its place made it a candidate; one the words
    give a role stays, so that the check against the data asks which column was meant.
    """
    by_fold = {h.casefold(): h for h in header}
    out = []
    for m in mentions:
        names = [by_fold.get(n.casefold(), n) for n in m.names]
        known = [n for n in m.names if n.casefold() in by_fold]
        if len(known) == len(names):
            strength = min(1.0, m.strength + 0.05)
        elif m.role is not None and not m.pair_only:
            strength = m.strength
        else:
            names = [by_fold[n.casefold()] for n in known]
            strength = m.strength
        if names:
            out.append(Mention(names, m.start, m.end, m.role, strength, m.evidence, m.pair_only))
    return out


def _names(match: re.Match[str], groups: str) -> list[str]:
    names = [_group(match, g) for g in groups]
    return [n for n in names if n]


def _group(match: re.Match[str], g: str) -> str | None:
    try:
        value = match.group(f"{g}q") or match.group(f"{g}b")
    except IndexError:
        return None
    return value.strip() if value else None


def _clean(name: str) -> str | None:
    name = name.strip().strip(_QUOTE_CHARS).strip()
    if not name or name == "FILE" or len(name) > 40 or len(name.split()) > 3:
        return None
    if re.fullmatch(r"[\d.\-]+", name):
        return None
    return name


def _left(text: str, start: int) -> str:
    """The words before ``start`` back to the last boundary: what the mention describes."""
    before = text[max(0, start - 60) : start]
    parts = _BOUNDARY.split(before)
    return parts[-1] if parts else ""


def _right(text: str, end: int) -> str:
    """The predicate after a name: "holds the text", "is the label", "the category"."""
    match = re.match(
        rf"\s*(?:{_COL_EN}\s+)?(?:is|are|holds?|has|have|contains?|for|as|with|=|:)?\s*"
        # "'stars' column from the 'text' column": a preposition starts no predicate
        r"(?:(?:the|a|an|our|my|its|two)\s+)?(?!(?:from|using|by|into|onto)\b)"
        r"((?:(?!and\b|or\b)[\w'’-]+\s*){1,3})",
        text[end : end + 60],
        re.I,
    )
    if not match:
        return ""
    head = text[end : end + match.end()]
    return match.group(1) if not re.match(r"\s*[,;.)），；。]", head) else ""


def _left_zh(text: str, start: int) -> str:
    before = text[max(0, start - 16) : start]
    parts = _ZH_BOUNDARY.split(before.rstrip())
    return parts[-1] if parts else ""


def _role_en(words: str, leftmost: bool = False) -> str | None:
    tokens = re.findall(r"[a-z]+", words.lower())
    order = tokens if leftmost else list(reversed(tokens))
    for token in order:
        if token in TEXT_ROLE_EN:
            return "text"
        if token in LABEL_ROLE_EN:
            return "label"
    return None


def _role_zh(words: str, leftmost: bool = False) -> str | None:
    """The role a Chinese phrase names: the role word nearest the name it describes."""
    best: tuple[int, str] | None = None
    for role, vocab in (("text", TEXT_ROLE_ZH), ("label", LABEL_ROLE_ZH)):
        for word in vocab:
            at = words.find(word) if leftmost else words.rfind(word)
            if at >= 0 and (best is None or (at < best[0] if leftmost else at > best[0])):
                best = (at, role)
    if re.match(r"\s*是否", words):  # 是否匹配 matched: a yes-or-no to predict
        return "label"
    if best is None:  # "相关度 0-4 分在": a score
        return "label" if re.search(r"\d\s*分(?:在|为|是)?$", words.strip()) else _role_en(words)
    return best[1]
