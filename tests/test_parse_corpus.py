"""The rule parser on the parser corpus: task descriptions written apart from the rules.

The development half (tests/parser_corpus/dev.jsonl) is what the rules were developed on: every
stated field must come out right and no unstated one may be set. A second development set
(dev2.jsonl), written independently after the first round of rules, measured how they generalise
and was then developed on too: its known misses are listed below, each with why it is left, and
no other field may go wrong nor an unstated one be set. A third development set (dev3.jsonl:
chat messages, tickets, e-mails, notes) measured the rules again (91.2%) and was then developed
on with general rules only; it is held to the same standard, with its own list of known misses.
A fourth (dev4.jsonl: 200 descriptions over fifteen domains, every task type) measured them again
(92.9%) and was developed on the same way, as was a fifth (dev5.jsonl, 90.7% at first). The
earlier evaluation sets (eval.jsonl .. eval4.jsonl) each measured the rules once on unseen
phrasings; with the development sets they are now what the parser's learned stage is fitted on.
A sixth development set (dev6.jsonl, 240 descriptions built to vary phrasing, 90.7% for the
parser as it stood) and a seventh (dev7.jsonl, 240 written by hand over as many domains, 91.8%
at first) are fitted on and were developed on with general rules only.
The evaluation sets eval5.jsonl to eval10.jsonl, written apart from the parser
after that, are never read case by case; here only their aggregate accuracy is checked, so that
a regression shows without pointing at a case to tune on.
"""

import json
import math
import re
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from openautoglm.parse import ClarificationNeeded, ParseResult, parse_description
from openautoglm.parse.clauses import states_a_constraint
from openautoglm.parse.numbers import find_durations

CORPUS = Path(__file__).resolve().parent / "parser_corpus"
FIELDS = (
    "task_type", "dataset_path", "test_path", "text_column", "label_column", "labels", "metric",
    "time_budget_s", "max_trials", "target_score", "max_latency_ms", "max_model_mb",
)  # fmt: skip
#: the share of stated fields the evaluation half must keep: the measured level (1113/1160 =
#: 95.9% when the rules were last changed, after the dev5 round), so that a regression fails
EVAL_FLOOR = 0.958
#: the second evaluation set's share (first scored at 93.2% after the dev4 round; 1129/1198 =
#: 94.2% after the dev5 round)
EVAL2_FLOOR = 0.941
#: the third evaluation set's share, scored once after the dev5 round (1075/1177 = 91.3%);
#: 1070/1177 = 90.9% once a description with no task words left the task to the data
EVAL3_FLOOR = 0.909
#: the fourth (written line by line, no templates), first scored at 1018/1140 = 89.3%, then
#: 1015/1140 = 89.0% once a description with no task words left the task to the data
EVAL4_FLOOR = 0.890
#: the fifth, written apart from the parser after the learned stage was fitted on every earlier
#: set (the earlier evaluation sets included), scored once in aggregate: 1085/1158 = 93.7%
#: (the rules alone: 1070/1158 = 92.4%)
#: 1108/1158 = 95.7% after the dev6/dev7 rounds, 1112/1158 = 96.0% after the dev8/dev9 rounds,
#: 1113/1158 = 96.1% after the dev10 round, 1116/1158 = 96.4% after the dev11 round
EVAL5_FLOOR = 0.963
#: the sixth, written apart from the parser like the fifth and scored once, after the metric
#: names were bounded by ASCII letters rather than word boundaries: 1078/1165 = 92.5% (the
#: rules alone: 1059/1165 = 90.9%)
#: 1082/1165 = 92.9% after the dev6/dev7 rounds, 1084/1165 = 93.0% after the dev8/dev9 rounds,
#: 1086/1165 = 93.2% after the dev10 round, 1092/1165 = 93.7% after the dev11 round
EVAL6_FLOOR = 0.936
#: the seventh, written apart from the parser like the fifth and sixth and scored once on the
#: parser as it stood (a pair task's lone text asked rather than filled): 1105/1160 = 95.3%
#: (the rules alone: the same)
#: 1118/1160 = 96.4% after the dev6/dev7 rounds, 1131/1160 = 97.5% after the dev8/dev9 rounds,
#: 1130/1160 = 97.4% after the dev10 round, 1133/1160 = 97.7% after the dev11 round
EVAL7_FLOOR = 0.976
#: the eighth, written apart from the parser like the fifth to seventh and scored once, after
#: the learned stage was refitted with a sixth development set: 1074/1117 = 96.2%
#: 1082/1117 = 96.9% after the dev6/dev7 rounds, 1084/1117 = 97.0% after the dev8/dev9 rounds
EVAL8_FLOOR = 0.969
#: the ninth, written apart from the parser and scored once, after the rules were developed on
#: dev6 and dev7: 1233/1298 = 95.0% (eval5 to eval8 on that parser: 95.7%, 92.9%, 96.4%, 96.9%);
#: 1231/1298 = 94.8% after the dev8/dev9 rounds, 1233/1298 = 95.0% after the dev10 round,
#: 1238/1298 = 95.4% after the dev11 round, 1234/1298 = 95.1% after the dev13 round and refit
EVAL9_FLOOR = 0.950
#: the tenth, written apart from the parser and scored once, after a last round of English rules
#: from the development sets: 1254/1361 = 92.1% (zh 90.6%, en 93.7%); 1264/1361 = 92.9% after
#: the dev8/dev9 rounds, 1271/1361 = 93.4% after the dev10 round, 1270/1361 = 93.3% after dev11
EVAL10_FLOOR = 0.932
#: the eleventh, written apart from the parser (and from dev8, written at the same time from the
#: same brief) and scored once, after the dev8/dev9 rounds and the refit: 1268/1341 = 94.6%
#: (zh 94.7%, en 94.4%); 1271/1341 = 94.8% after the dev10 round, 1273/1341 = 94.9% after dev11
EVAL11_FLOOR = 0.948
#: the twelfth, written apart from the parser (and from dev10, written at the same time from the
#: same brief) and scored once, after the dev10 round and the refit: 1276/1339 = 95.3%
#: (zh 96.5%, en 94.1%); 1279/1339 = 95.5% after the dev11 round
EVAL12_FLOOR = 0.954
#: the thirteenth, written apart from the parser (and from dev11, written at the same time from
#: the same brief) and scored once, after the dev11 round and the refit: 1210/1273 = 95.1%
#: (zh 93.8%, en 96.2%); 1209/1273 = 95.0% after the dev12 round, 1211/1273 = 95.1% after dev13
EVAL13_FLOOR = 0.950
#: the fourteenth, written apart from the parser (and from dev12, written at the same time from
#: the same brief) and scored once, after the dev12 round and the refit: 1213/1266 = 95.8%
#: (zh 96.0%, en 95.6%; the rules as they were before the dev12 round: 1212/1266 = 95.7%);
#: 1218/1266 = 96.2% after the dev13 round
EVAL14_FLOOR = 0.962
#: the fifteenth, written apart from the parser (and from dev13, written at the same time from
#: the same brief) and scored once, after the dev13 round and the refit: 1426/1539 = 92.7%
#: (zh 91.5%, en 93.8%; the parser as it was before the dev13 round: 1420/1539 = 92.3%);
#: 1429/1539 = 92.9% after the dev14 round
EVAL15_FLOOR = 0.926
#: the sixteenth, written apart from the parser (and from dev14, written at the same time from
#: the same brief) and scored once, after the dev14 round and the refit: 1474/1560 = 94.5%
#: (zh 94.6%, en 94.4%; the parser as it was before the dev14 round: 1468/1560 = 94.1%);
#: 1483/1560 = 95.1% after the dev15 round
EVAL16_FLOOR = 0.950
#: the seventeenth, written apart from the parser (and from dev15, written at the same time from
#: the same brief) and scored once, after the dev15 round and the refit: 1382/1484 = 93.1%
#: (zh 93.6%, en 92.7%; before the dev15 round 1372/1484 = 92.5%, before dev14 92.0%);
#: 1386/1484 = 93.4% after the dev16 round
EVAL17_FLOOR = 0.933
#: the eighteenth, written apart from the parser (and from dev16, written at the same time from
#: the same brief) and scored once, after the dev16 round and the refit: 1520/1614 = 94.2%
#: (zh 96.5%, en 91.8%; before the dev16 round 1518/1614 = 94.1%, before dev14 93.1%)
EVAL18_FLOOR = 0.941
#: dev2's share of right stated fields when the rules were last changed (1347/1379 = 97.7%)
DEV2_FLOOR = 0.976
#: dev2's known misses ("id:field"), each idiosyncratic or beyond a general rule of the grammar
DEV2_KNOWN_MISSES = {
    "zh2-010:labels": "一类、二类、三类 read as counts: the count rule cannot tell them apart",
    "zh2-034:labels": "the values (A、B、C) are restated in brackets after the display names",
    "zh2-061:text_column": "判断 claim 和 evidence 的关系: a pair named only inside the question",
    "zh2-089:text_column": "判断 sent_a 是否能推出 sent_b: a pair named only inside the question",
    "zh2-091:label_column": "A 列和 B 列分别是 X 和 Y: roles given 'respectively'",
    "en2-008:text_column": "'premise and hypothesis columns plus gold_label': plus joins a third",
    "en2-008:label_column": "as above",
    "en2-008:labels": "as above: the values follow gold_label, read as a text",
    "en2-009:labels": "'X if …, Y if …, otherwise Z': each class in its own conditional clause",
    "en2-011:labels": "'or neither (neutral)': the class is the word in brackets",
    "en2-017:text_column": "roles described in brackets in free prose ('(the actual text)')",
    "en2-017:label_column": "as above",
    "en2-017:labels": "as above: a wrong label column hides the first class",
    "en2-021:label_column": "'several fields at once': fields as topics, not columns",
    "en2-021:labels": "as above",
    "en2-023:task_type": "'the sheet has a Text column': sheet read as a second text column",
    "en2-023:text_column": "as above",
    "en2-026:text_column": "misspelt column words (colum, labl colum)",
    "en2-026:label_column": "as above",
    "en2-040:label_column": "'answer in column entails': answer taken for a column name",
    "en2-047:labels": "classes only in brackets after prose: same product (match) or (no_match)",
    "en2-048:text_column": "'Column 'texto' has the review': the role in a plain noun",
    "en2-048:label_column": "as above",
    "en2-057:labels": "'Relevant or Not Relevant to a disaster': the last class runs into prose",
    "en2-059:labels": "'positive class is X, negative class is Y': one class per clause",
    "en2-061:task_type": "'the first text column is post, the second is reply': ordinals",
    "en2-061:text_column": "as above",
    "en2-067:labels": "'as Fraud if …, Legit otherwise': classes in conditional clauses",
    "en2-078:task_type": "'Query col: query, title col: product_title': role-then-name pairs",
    "en2-078:text_column": "as above (the arrow guess is kept under 0.8)",
    "en2-078:label_column": "as above",
    "en2-083:test_path": "'X for training and Y for evaluation' after 'Files:'",
    "en2-105:text_column": "'Wine reviews → points': plain words around an arrow (kept under 0.8)",
    "en2-106:labels": "quoted multi-word classes with 'for the' inside",
    "en2-107:text_column": "'utterances in swda.csv column 'utt'': the file between role and name",
    "en2-107:label_column": "as above",
}
#: dev3's share of right stated fields when the rules were last changed (1079/1119 = 96.4%)
DEV3_FLOOR = 0.964
#: dev3's known misses ("id:field"), each idiosyncratic or beyond a general rule of the grammar
DEV3_KNOWN_MISSES = {
    "zh3-025:task_type": "'A 列是描述，B 列是类型：…': a described column read as a second text",
    "zh3-025:text_column": "as above (asked)",
    "zh3-033:label_column": "'label 列是 X 或 Y': the values after 列是 read as the column",
    "zh3-033:labels": "as above",
    "zh3-046:text_column": "'（QE）' in brackets read as a column of the pair",
    "zh3-047:labels": "与 inside a class (与描述不符) read as a conjunction",
    "zh3-052:labels": "'打优先级 P0/P1/P2/P3': classes after a verb phrase with no trigger",
    "zh3-054:label_column": "'列名就是 text 和 label': names given in a 就是 clause",
    "zh3-058:text_column": "pandas code (df['comment'], y = df['is_ad']) in a notebook note",
    "zh3-058:label_column": "as above",
    "zh3-062:task_type": "'A 列是上文，B 列是回复，C 列是 yes/no 标签': roles as plain nouns",
    "zh3-062:text_column": "as above",
    "zh3-062:label_column": "as above",
    "zh3-062:labels": "as above: the values sit between the column and its role",
    "zh3-068:text_column": "'：a / b。' values before the columns read as the pair of texts",
    "zh3-068:labels": "as above",
    "zh3-080:labels": "a clause before the classes read as a list (the real one after '）：')",
    "zh3-090:label_column": "traditional characters (標籤欄位): the simplified gazetteer only",
    "zh3-094:task_type": "'分个类': a split verb phrase",
    "zh3-100:metric": "'情感二分类，指标F1': F1 glued to 指标 with no space",
    "en3-012:text_column": "'query + product_title -> …': a plain word in an arrow pair, asked",
    "en3-017:text_column": "'has 'text' (utterance) and 'category' (intent label)': notes as roles",
    "en3-017:label_column": "as above",
    "en3-019:task_type": "classes in a 'predict' clause, columns after 'Columns:' with a note",
    "en3-019:text_column": "as above",
    "en3-019:label_column": "as above",
    "en3-019:labels": "as above",
    "en3-021:label_column": "'-> text: headline, label: is_sarcastic' in a code comment",
    "en3-023:text_column": "'X' + 'Y' (label column): quoted names joined by +",
    "en3-023:label_column": "as above",
    "en3-054:label_column": "'quality score column wa': a multi-word description before column",
    "en3-066:label_column": "'item description' read as a column before the bare list",
    "en3-067:label_column": "'Labels: icd_chapters' read as a label list, not the label column",
    "en3-072:text_column": "'where body is the email': the role as a plain noun",
    "en3-076:text_column": "'has resume_text and dept (the label)': a pair split by a note",
    "en3-080:text_column": "misspelt column words (colum, lable)",
    "en3-080:labels": "'two classes pos and neg': classes after a count with no colon",
    "en3-083:label_column": "'labels families': 'labels' read as a list trigger",
    "en3-084:task_type": "'review, summary, consistent (true/false)': plain words, no snake_case",
    "en3-084:text_column": "as above",
    "en3-084:label_column": "as above",
    "en3-084:labels": "as above: the three names read as classes",
    "en3-087:text_column": "'FILE / FILE, abstract, fields': plain words after the files",
    "en3-087:label_column": "as above",
}
#: the target (issue 14): at least 95% of stated fields right on descriptions not developed on
EVAL_TARGET = 0.95
_FILE = re.compile(r"\.(?:csv|tsv|txt|jsonl?|parquet|xlsx?|gz|zip)\b|\bFILE\b", re.I)
_BUDGET = re.compile(  # a unit word of its own, not part of a code ("en-GB" is a locale)
    r"(?<![\w-])(?:minutes?|mins?|hours?|seconds?|secs?|ms|MB|GB|trials?|latency|budget)\b|分钟|小时|毫秒|"
    r"秒钟|兆|试验|延迟|预算",
    re.I,
)


def _cases(split: str) -> list[dict[str, Any]]:
    path = CORPUS / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@cache
def _parsed(split: str, tmp: str) -> list[tuple[dict[str, Any], ParseResult]]:
    """Each case with its parse by the entry the CLI uses (no data under ``tmp``)."""
    out = []
    for case in _cases(split):
        try:
            result = parse_description(case["text"], base_dir=tmp)
        except ClarificationNeeded as question:  # no data file named: the rest still counts
            assert question.partial is not None
            result = question.partial
        out.append((case, result))
    return out


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("no_data"))


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, list) or isinstance(got, list):
        return isinstance(got, list) and [str(x) for x in expected] == [str(x) for x in got]
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return isinstance(got, int | float) and math.isclose(expected, got, rel_tol=1e-6)
    return expected == got


def _read(result: ParseResult, name: str) -> Any:
    """The value the words gave a field (None for an unset field, a default or a question)."""
    item = result.fields.get(name)
    return None if item is None or item.source == "default" else item.value


def test_every_development_case_parses_with_its_stated_fields_and_nothing_else(
    empty_dir: str,
) -> None:
    wrong, spurious = {}, {}
    for case, result in _parsed("dev", empty_dir):
        for name in FIELDS:
            got = _read(result, name)
            if name in case["expect"] and not _same(case["expect"][name], got):
                wrong[f"{case['id']}:{name}"] = (case["expect"][name], got)
            elif name not in case["expect"] and got is not None:
                spurious[f"{case['id']}:{name}"] = got
    assert wrong == {} and spurious == {}


#: dev4's share of right stated fields when the rules were last changed (1150/1167 = 98.5%)
DEV4_FLOOR = 0.985
#: dev4's known misses ("id:field"), each idiosyncratic or beyond a general rule of the grammar
DEV4_KNOWN_MISSES = {
    "zh4-004:labels": "a 、 list after 比如 (an example) read with the words around it",
    "zh4-034:labels": "'给定问题和候选答案' read as two classes, not （相关/不相关）",
    "zh4-080:text_column": "'描述1 desc_1 描述2 desc_2': names after numbered nouns with no 列",
    "zh4-094:task_type": "'岗位匹配分数': 匹配 read as comparing two texts",
    "zh4-094:text_column": "as above (asked)",
    "en4-018:labels": "'Which of A, B or Needs Review should …': the last class cut by the verb",
    "en4-022:task_type": "no task words at all: the parse leaves the task to the data (task auto)",
    "en4-022:text_column": "a plain-word arrow ('transcripts -> reason') beats backticked names",
    "en4-022:label_column": "as above",
    "en4-025:task_type": "'answer in a': a one-letter column read as an article",
    "en4-025:text_column": "as above",
    "en4-025:labels": "as above: '(relevant / irrelevant)' after the label column stays unread",
    "en4-040:task_type": "snake_case classes (book_flight, book_hotel) read as two columns",
    "en4-040:text_column": "as above",
    "en4-040:labels": "as above",
    "en4-041:labels": "'…, several of them at a time, or none' ends the list with words",
    "en4-062:label_column": "\"labels 'hazards'\": a plural role word before a quoted name",
    "en4-064:text_column": "'score → grade': a role word left of an arrow read as a text",
    "en4-064:label_column": "as above: the plain-word arrow gives way to the named columns",
    "en4-084:labels": "a bare list sentence after the question, with no trigger word",
}


#: dev5's share of right stated fields when the rules were last changed (1075/1134 = 94.8%)
DEV5_FLOOR = 0.947
_AS_ABOVE = "as above"
#: dev5's known misses ("id:field"), each idiosyncratic or beyond a general rule of the grammar
DEV5_KNOWN_MISSES = {
    "zh6-006:text_column": "'列 comment → decision（…）': an arrow between two columns after 列",
    "zh6-006:label_column": _AS_ABOVE,
    "zh6-021:labels": "'之间是蕴含、矛盾还是中立': the first class glued to 之间是",
    "zh6-022:labels": "'过滤 spam/ham，': a slash pair after a verb, no label noun",
    "zh6-024:text_column": "'cc_text 是主诉，dept 是科室': roles given as plain nouns",
    "zh6-028:task_type": "no task words at all: the parse leaves the task to the data (task auto)",
    "zh6-058:task_type": "no task words at all: the parse leaves the task to the data (task auto)",
    "en6-028:task_type": "no task words at all: the parse leaves the task to the data (task auto)",
    "en6-057:task_type": "no task words at all: the parse leaves the task to the data (task auto)",
    "en6-078:task_type": "no task words at all: the parse leaves the task to the data (task auto)",
    "en6-096:task_type": "no task words at all: the parse leaves the task to the data (task auto)",
    "zh6-033:task_type": "English words in Chinese ('classifier', 'column') read as two columns",
    "zh6-033:text_column": _AS_ABOVE,
    "zh6-034:task_type": "'涉及的所有设备': 所有 + a noun, not a multilabel cue the gazetteer has",
    "zh6-034:text_column": "a quoted example utterance read as a column",
    "zh6-034:label_column": _AS_ABOVE,
    "zh6-037:label_column": "'点击率 CTR' (an acronym in the task) beats the named column ctr",
    "zh6-038:labels": "'二分类 好评/差评': a slash pair after the task word",
    "zh6-039:text_column": "a long chat message whose columns come after 文本是/标签是 clauses",
    "zh6-039:label_column": _AS_ABOVE,
    "zh6-040:label_column": "'标签 same_drug（true/false）': values in brackets after the column",
    "zh6-040:labels": "as above: the bracketed 'A vs B' read as the classes",
    "zh6-044:label_column": "'label 是 same/different': a column called label, read as a role word",
    "zh6-080:task_type": "'列 note、icd_desc': two columns joined by 、 after 列",
    "zh6-080:text_column": _AS_ABOVE,
    "zh6-080:label_column": _AS_ABOVE,
    "zh6-086:labels": "'学生答案和参考答案对比' read as two classes before '判断 正确 或 错误'",
    "zh6-094:labels": "'是 还是 不是': one-character classes joined by 还是",
    "zh6-097:labels": "percentages as classes (13%、9%) are read as numbers",
    "en6-004:task_type": "'estimates length of stay (in days)': a quantity phrase the cues lack",
    "en6-009:text_column": "'NGO field reports': 'field' before a word read as a column",
    "en6-009:label_column": _AS_ABOVE,
    "en6-010:task_type": "'has transcript (the segment) and chapter_title': a bracketed note",
    "en6-010:text_column": _AS_ABOVE,
    "en6-018:label_column": "'score in [0,1] called sts': the name given after 'called'",
    "en6-018:target_score": "'aim for 0.85' after the metric's sentence",
    "en6-021:text_column": "columns in brackets after descriptions '(criteria)', '(patient_note)'",
    "en6-022:text_column": "'body has the message' beside a label role: the role word message",
    "en6-024:labels": "'— Internal Medicine, …': the first class cut to one word",
    "en6-027:text_column": "'caught in machinery' read as 'in <column>'",
    "en6-027:label_column": _AS_ABOVE,
    "en6-027:labels": _AS_ABOVE,
    "en6-036:labels": "'with classes addressed / not_addressed': snake_case classes",
    "en6-040:labels": "'(generic vs brand)' in brackets read as the classes",
    "en6-044:label_column": "'label same/different': a column called label, read as a role word",
    "en6-050:labels": "'relevant or not_relevant' inside a question, snake_case class",
    "en6-059:text_column": "'clause_text is the clause': a plain noun as the role",
    "en6-060:text_column": "'file / review / aspects': slashes between the file and its columns",
    "en6-060:label_column": _AS_ABOVE,
    "en6-060:labels": "'(any number of them)' ends the list",
    "en6-066:text_column": "'findings_text has the report, findings_labels the tags'",
    "en6-066:label_column": _AS_ABOVE,
    "en6-083:labels": "'suitable / unsuitable.' a bare slash pair as its own sentence",
    "en6-085:labels": "'say correct or incorrect': classes after a verb",
    "en6-091:labels": "'an iOS or an Android issue': a noun after the last class",
    "en6-093:text_column": "'post_text + likes cols' inside a forwarded quote",
    "en6-093:label_column": _AS_ABOVE,
    "en6-096:labels": "percentages as classes (20%, 5%) are read as numbers",
    "en6-100:labels": "'into one of three buckets, \"bug\", …': the count phrase kept",
}


@pytest.mark.parametrize(
    ("split", "known_misses", "floor"),
    [("dev2", DEV2_KNOWN_MISSES, DEV2_FLOOR), ("dev3", DEV3_KNOWN_MISSES, DEV3_FLOOR),
     ("dev4", DEV4_KNOWN_MISSES, DEV4_FLOOR), ("dev5", DEV5_KNOWN_MISSES, DEV5_FLOOR)],
)  # fmt: skip
def test_a_later_development_set_misses_only_its_known_fields(
    empty_dir: str, split: str, known_misses: Collection[str], floor: float
) -> None:
    right = stated = 0
    wrong, spurious = {}, {}
    for case, result in _parsed(split, empty_dir):
        for name in FIELDS:
            got = _read(result, name)
            if name in case["expect"]:
                stated += 1
                if _same(case["expect"][name], got):
                    right += 1
                elif f"{case['id']}:{name}" not in known_misses:
                    wrong[f"{case['id']}:{name}"] = (case["expect"][name], got)
            elif got is not None:
                spurious[f"{case['id']}:{name}"] = got
    assert wrong == {} and spurious == {}
    assert right / stated >= floor, f"{right}/{stated} stated fields"


def _eval_accuracy(empty_dir: str, split: str = "eval") -> tuple[int, int]:
    """Right and stated fields over an evaluation set (the aggregate only: an evaluation set
    is not to be tuned on case by case)."""
    right = stated = 0
    for case, result in _parsed(split, empty_dir):
        for name, expected in case["expect"].items():
            stated += 1
            right += _same(expected, _read(result, name))
    return right, stated


def test_the_evaluation_half_keeps_its_accuracy_on_stated_fields(empty_dir: str) -> None:
    right, stated = _eval_accuracy(empty_dir)
    assert stated > 1000 and right / stated >= EVAL_FLOOR, f"{right}/{stated} stated fields"


@pytest.mark.parametrize(
    ("split", "floor"),
    [
        ("eval2", EVAL2_FLOOR),
        ("eval3", EVAL3_FLOOR),
        ("eval4", EVAL4_FLOOR),
        ("eval5", EVAL5_FLOOR),
        ("eval6", EVAL6_FLOOR),
        ("eval7", EVAL7_FLOOR),
        ("eval8", EVAL8_FLOOR),
        ("eval9", EVAL9_FLOOR),
        ("eval10", EVAL10_FLOOR),
        ("eval11", EVAL11_FLOOR),
        ("eval12", EVAL12_FLOOR),
        ("eval13", EVAL13_FLOOR),
        ("eval14", EVAL14_FLOOR),
        ("eval15", EVAL15_FLOOR),
        ("eval16", EVAL16_FLOOR),
        ("eval17", EVAL17_FLOOR),
        ("eval18", EVAL18_FLOOR),
    ],
)
def test_the_later_evaluation_sets_keep_their_accuracy(
    empty_dir: str, split: str, floor: float
) -> None:
    right, stated = _eval_accuracy(empty_dir, split)
    assert stated > 1000 and right / stated >= floor, f"{right}/{stated} stated fields"


#: the sixth to ninth development sets, developed on with general rules only (no list of known
#: misses), as scored when the rules were last changed: dev6 1274/1281 = 99.5%, dev7 1349/1358 =
#: 99.3%, dev8 1391/1393 = 99.9% (95.6% when first scored), dev9 1338/1364 = 98.1% (89.4% when
#: first scored; a set written to be harder: long messages, config snippets, corrections);
#: dev10 1438/1442 = 99.7% (94.0% when first scored) and dev11 1235/1241 = 99.5% (95.1% when
#: first scored), dev12 1451/1462 = 99.2% (93.3% when first scored), dev13 1469/1492 = 98.5%
#: (94.1% when first scored), dev14 1521/1533 = 99.2% (93.5% when first scored), dev15
#: 1473/1501 = 98.1% (94.1% when first scored), dev16 1497/1518 = 98.6% (95.8% when first
#: scored), each with the learned stage refitted on it
DEV6_FLOOR = 0.993
DEV7_FLOOR = 0.992
DEV8_FLOOR = 0.997
DEV9_FLOOR = 0.982
DEV10_FLOOR = 0.996
DEV11_FLOOR = 0.993
DEV12_FLOOR = 0.992
DEV13_FLOOR = 0.984
DEV14_FLOOR = 0.992
DEV15_FLOOR = 0.981
DEV16_FLOOR = 0.986


@pytest.mark.parametrize(
    ("split", "floor"),
    [
        ("dev6", DEV6_FLOOR),
        ("dev7", DEV7_FLOOR),
        ("dev8", DEV8_FLOOR),
        ("dev9", DEV9_FLOOR),
        ("dev10", DEV10_FLOOR),
        ("dev11", DEV11_FLOOR),
        ("dev12", DEV12_FLOOR),
        ("dev13", DEV13_FLOOR),
        ("dev14", DEV14_FLOOR),
        ("dev15", DEV15_FLOOR),
        ("dev16", DEV16_FLOOR),
    ],  # fmt: skip
)
def test_the_latest_development_sets_keep_their_accuracy(
    empty_dir: str, split: str, floor: float
) -> None:
    right, stated = _eval_accuracy(empty_dir, split)
    assert stated > 1000 and right / stated >= floor, f"{right}/{stated} stated fields"


def test_the_evaluation_half_reaches_the_target_accuracy(empty_dir: str) -> None:
    right, stated = _eval_accuracy(empty_dir)
    assert right / stated >= EVAL_TARGET, f"{right}/{stated} stated fields"


#: every held-out set together (eval5 to eval18, never developed on): 17836/18675 = 95.5% when
#: last scored (zh 95.8%, en 95.2%); the floor keeps it from falling back
HELD_OUT_FLOOR = 0.955


def test_the_held_out_sets_together_keep_their_accuracy(empty_dir: str) -> None:
    counts = [_eval_accuracy(empty_dir, f"eval{i}") for i in range(5, 19)]
    right, stated = sum(r for r, _ in counts), sum(s for _, s in counts)
    assert right / stated >= HELD_OUT_FLOOR, f"{right}/{stated} stated fields"


@pytest.mark.parametrize(
    "split",
    [
        "dev",
        "dev2",
        "dev3",
        "dev4",
        "dev5",
        "dev6",
        "dev7",
        "dev8",
        "dev9",
        "dev10",
        "dev11",
        "dev12",
        "dev13",
        "dev14",
        "dev15",
        "dev16",
        "eval",
        "eval2",
        "eval3",
        "eval4",
        "eval5",
        "eval6",
        "eval7",
        "eval8",
        "eval9",
        "eval10",
        "eval11",
        "eval12",
        "eval13",
        "eval14",
        "eval15",
        "eval16",
        "eval17",
        "eval18",
    ],  # fmt: skip
)
def test_no_label_is_a_setting_a_budget_or_a_file(split: str, empty_dir: str) -> None:
    bad = 0
    for _, result in _parsed(split, empty_dir):
        for label in _read(result, "labels") or []:
            bad += bool(
                states_a_constraint(label, strict=True)
                or find_durations(label)
                or _BUDGET.search(label)
                or _FILE.search(label)
            )
    assert bad == 0, f"{bad} labels state a setting, a budget or a file"
