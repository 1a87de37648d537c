"""Gazetteers the rule parser fills its slots from: role words, task words, quantities, names.

Each list is a closed class of words the descriptions use for one purpose, kept here so that the
column reader, the label-list reader and the task-type reader agree on them. English entries are
whole lower-case words; Chinese entries are matched as substrings of a phrase.
"""

from __future__ import annotations

import re

# ------------------------------------------------------------------ what a column holds
#: words naming the text a column holds ("text column", "the body holds the text", "文本列")
TEXT_ROLE_EN = frozenset(
    "text texts input inputs content contents sentence sentences document documents body".split()
)
#: words naming what to predict ("label column", "target in price", "类别列")
LABEL_ROLE_EN = frozenset(
    "label labels labeled labelled target targets class classes category categories tag tags "
    "output outcome score scores rating ratings annotation annotations gold".split()
)
TEXT_ROLE_ZH = ("文本", "内容", "正文", "句子", "输入", "文字", "语料")
LABEL_ROLE_ZH = (
    "标签", "类别", "类目", "目标", "分类", "标注", "分数", "得分", "评分", "打分", "类型", "输出",
    "意图", "情感", "情绪", "等级", "级别",
)  # fmt: skip

#: words that are never a column name in the places a name is read
NOT_NAMES = frozenset(
    "a an the this that these those it its is are was were be been has have had holds hold "
    "contains contain with without for from of to in on at by as and or but not no yes if then "
    "than so such each every all any some one two three column columns col cols field fields "
    "named called name names values plus file files data dataset is_the which what who where "
    "when how i we you "
    "they me my our your their please should must will would can could may might do does did "
    "under over into onto about after before within up down out there here also only just "
    "train training test testing use using used predict classify label_the treated treat "
    "considered regarded "
    # units and currencies ("cost in dollars") and metric names are never columns
    "dollars usd eur euros yuan rmb cents percent kwh km kg ms mb gb cpu gpu "
    "qwk kappa auc roc_auc precision recall "
    "rmse mae mse pearson spearman r2 hamming f1_samples f1_micro f1_macro f1_weighted "
    "log_loss subset_accuracy sts nli mnli applicable possible appropriate "
    # task words: "text classification" names the task, no column called "classification"
    "classification regression".split()
)
#: English words in Chinese descriptions that are metrics, units or jargon, never a column
NOT_NAMES_IN_ZH = frozenset(
    "f1 acc accuracy auc loss log logloss mb gb kb ms trial trials baseline model app bug "
    "latency epoch epochs gpu cpu todo api json csv tsv kwh rmse mae mse pearson spearman r2 "
    "qwk kappa p99 p95 "
    "hamming f1_samples f1_micro f1_macro f1_weighted log_loss subset_accuracy".split()
)

# ----------------------------------------------------------------------- task words
#: a text-pair task: two texts compared or joined
PAIR_CUES = [
    r"\bpairs?\b", r"\bduplicates?\b", r"\bparaphrases?\b", r"\bentail", r"\bpremise\b",
    r"\bhypothesis\b", r"\bnli\b", r"\bmnli\b", r"\bsts\b",
    r"\btwo\s+[\w-]+\s+(?:sentences|texts|questions|documents|descriptions|reviews|records|notes|"
    r"reports|abstracts|answers|claims|statements|profiles|resumes|articles|titles|passages|"
    r"headlines|posts|comments|tweets|messages|queries|emails|tickets|listings|utterances|"
    r"paragraphs|snippets|contracts|clauses|captions|summaries)\b",
    r"\bsame (?:thing|item|place|person|event|"
    r"meaning|question|product|entity)\b", r"\btwo (?:sentences|texts|questions|documents|"
    r"addresses|titles|passages|descriptions|reviews|records)\b", r"\bsimilarity between\b",
    r"\bfollows? (?:logically )?from\b", r"\bmatch(?:es)?\b(?! ?/)",
    r"每对", r"一对", r"句子对", r"文本对", r"句对", r"问题对", r"两句", r"两个句子",
    r"两段", r"两条", r"两个问题", r"两篇", r"两个文本", r"意思相同", r"是否相同",
    r"是否一致", r"是否等价", r"蕴含", r"是否相似", r"语义相似", r"是否重复", r"复述",
    r"同一(?:个|件|种)?", r"配对",
    r"两(?:个|份|套|段|篇|条|句|则|组)[^，。；;]{0,10}?(?:之间|相似|相同|一致|匹配|相关|是否|是不是)",
    r"匹配", r"对题", r"是否相关", r"相关性", r"同义", r"一起(?:看|输入|判断|送进|喂给)",
    r"是否对应", r"对应性", r"是否吻合",
    r"两(?:列|个字段)一起", r"\btoward(?:s)? the (?:topic|target|claim|question)\b",
    r"\b(?:answer(?:ing)?|answers) the question\b",
    r"原文[^，。；]{0,12}译文", r"\bsource\b[^.;]{0,30}\btranslation\b",
    # "Given a claim and an evidence sentence", "compare reference_answer with student_answer"
    r"\bgiven (?:a|an|the|two)\b[^.;?]{0,60}?\band (?:a|an|the|its|their|his|her)\b",
    r"\bcompare\s+[\w'-]+\s+(?:with|to|and|vs\.?|against)\s+[\w'-]+",
    # "症状描述和诊断是否吻合": two things asked about together
    r"[\u4e00-\u9fff]{2,8}(?:和|与|跟)[\u4e00-\u9fff]{2,10}?(?:之间)?(?:是否|是不是|能否|有没有)",
    # "(source sentence + MT output → score)": two inputs joined into one prediction
    r"[`'\"]?\b\w+(?: [A-Za-z]+)?[`'\"]?\s*\+\s*[`'\"]?\w+(?: [A-Za-z]+)?[`'\"]?\s*(?:→|->)",
]  # fmt: skip
#: several labels a row: multilabel
MULTILABEL_CUES = [
    r"multi[- ]?label", r"\bmultiple (?!choice)", r"\bseveral\b", r"\bmore than one\b",
    r"\bone or more\b", r"\b(?:every|all)\b[^.;?!]{0,50}?\b(?:that )?(?:appl(?:y|ies)|applicable|"
    r"relevant|discussed|mentioned|present|expressed|involved|contained|appearing|occurring|"
    r"mentions?|discuss(?:es)?|covers?|contains?|touch(?:es)? on|(?:it|they) (?:is|are) about)\b",
    r"\b(?:tag|label|mark|annotate)\b[^.;]{0,40}\bwith\s+(?:every|all)\b",
    r"\ball (?:the )?applicable\b", r"\bzero or more\b", r"\bany number of\b",
    r"\bsets? of (?:labels|tags|categories|topics)\b", r"\b(?:all|every) (?:labels|tags) that\b",
    r"\bany combination\b", r"\bmulti-?select\b", r"\bany subset of\b", r"\band/or\b",
    # "each one can be tagged with any of billing, login, …"
    r"\b(?:tag(?:ged)?|label(?:l?ed)?|mark(?:ed)?|annotated)\b[^.;]{0,20}?\bwith any\b",
    # "mark which aspects it talks about": every aspect that is there
    r"\bwhich \w+ (?:it|they|each \w+) (?:talks? about|mentions?|covers?|discuss(?:es)?)\b",
    r"[(（]\s*multi\s*[)）]",  # "plot → genres (multi)"
    r"\b(?:can|may) (?:have|get|carry) (?:several|multiple|many)\b",
    r"多标签", r"(?<![\d十百千])(?<![\d十百千]\s)多(?:个|种)",  # not "30 多个类" (30-odd)
    r"所有(?:相关|适用|涉及|符合|命中|提到|出现)",
    r"同时(?:属于|有|涉及|打|是|违反|命中|包含|具有|表达|提到|出现)", r"中的(?:几|多)个",
    r"多条规则", r"全部", r"所有适用", r"多选", r"不止一个", r"不只一个",
    r"一个或多个", r"一个以上", r"若干", r"好几(?:种|个|类|项)", r"全都",
    r"都要(?:找|标|识别|挑)出来",
]  # fmt: skip
#: a number to predict: regression (with no label list)
REGRESSION_CUES = [
    r"(?<!logistic )\bregression\b", r"\bregress(?:or|ors)?\b",
    r"\bbetween\s+-?\d+(?:\.\d+)?\s+and\s+-?\d+(?:\.\d+)?",
    r"\bhow (?:many|much|long|likely|severe|toxic|positive|similar|related|relevant|close)\b",
    r"\bnumeric(?:al)?\b", r"\ba float\b", r"[(（]\s*(?:float|real-valued|a number)\s*[)）]",
    r"\bcontinuous\b", r"\bscale\b",
    r"\bz-?scores?\b",
    r"\b(?:predict|estimate|forecast|guess|rate|score)(?:s|es)?\b[^.;?!]{0,60}?\b(?:price|prices|"
    r"amount|salary|"
    r"score|rating|number|count|level|grade|fraction|percentage|percent|share|duration|days|"
    r"hours|minutes|seconds|time|length|age|value|bmi|effort|expectation|revenue|cost|sales|"
    r"views|likes|votes|stars|citations|delay|distance|weight|height|temperature|probability|"
    r"income|return|returns|volume|size|similarity|relatedness|relevance)\b",
    # a graded relation of two texts: STS, "relatedness scores", "similarity score"
    r"\bsts(?:-?b)?\b", r"\bsemantic textual similarity\b", r"\brelatedness\b",
    r"\b(?:similarity|relevance|faithfulness|consistency|quality) scores?\b",
    r"相似度", r"相关度", r"(?:相关性|一致性|忠实度|满意度|质量)(?:分数|得分|分值|评分)",
    r"(?:分数|得分|分值)\s*(?:列|字段|在)", r"\bscore\s+(?:column|field)\b",
    r"回归", r"连续值", r"小数", r"打分", r"打个分", r"相似分", r"相似度(?:分数|得分|分值)",
    r"评分", r"(?<!做到)(?<!能到)(?<!达到)多少", r"估价",
    r"(?:预测|估计|估算|预估|估一下|估个)[^，。；;？?]{0,20}?(?:量|数|价|薪|工资|收入|租金|费用|"
    r"成本|时长|时间|得分|分数|分值|收益|比例|比率|概率|强度|程度|年龄|金额|销量|天数|温度|"
    r"距离|重量|高度|票房|评分)",
    r"(?:强度|程度|相似度|分数|得分|评分)[^，。；;]{0,12}?\d", r"满分", r"强度", r"程度",
    r"\d+\s*(?:表示|代表)\s*[^，,;；]{1,12}[，,;；]\s*\d+\s*(?:表示|代表)",
]  # fmt: skip
#: a numeric range as a regression target is described: (0-100), 0 到 1, from 1 to 5, 1~5
RANGE = re.compile(
    r"(?<![A-Za-z\d.])-?\d+(?:\.\d+)?\s*(?:-|–|—|~|～|到|至|to|\.\.)\s*-?\d+(?:\.\d+)?(?!\s*(?:ms|毫秒|MB|秒|分钟|"
    r"小时|min|trials|组|次|个|%))"
    r"|[\[(（]\s*-?\d+(?:\.\d+)?\s*[,，]\s*-?\d+(?:\.\d+)?\s*[\])）]",  # "in [0,1]"
    re.I,
)
#: "predict the X" where X names classes, not a quantity
CLASS_NOUNS = re.compile(
    r"\b(?:predict|estimate)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+|each\s+\w+'s\s+)?"
    r"(?:\w+\s+)?[`'\"‘“]?(?:category|categories|class|classes|label|labels|type|types|topic|topics|intent|"
    r"intents|sentiment|emotion|emotions|department|genre|language|author|stance|tag|tags|kind|"
    r"group|team|queue|whether|which|if|outcome|result|status)\b|(?:预测|判断)[^，。；;？?]{0,12}?"
    r"(?:类别|类目|类型|分类|标签|情感|情绪|意图|部门|主题|话题|语言|立场|是否|哪)",
    re.I,
)
#: a verb that asks for a value of each text (no label list: a number, unless the object is classes)
PREDICT = re.compile(r"\b(?:predict|estimate|forecast)\b|预测|估计|估算|预估", re.I)
#: a yes/no question about each text: "Is the review written in a formal register?"
YES_NO = re.compile(
    r"(?:^|[.!?]\s+)(?:is|are|does|do|did|was|were|has|have|can|will)\s+(?:the|this|these|that|"
    r"a|an|each|every|it|they)\b[^?.]{0,80}\?",
    re.I,
)
#: a classification task said in words (with or without the label list)
CLASSIFY = re.compile(
    r"classif|categori[sz]|\bsingle[- ]label\b|\bone (?:genre|category|class|label|topic|intent) "
    r"per\b|\blabel (?:each|every|the)\b|\bsort\b|\btag\b|"
    r"\bdetect|\bintent\b|"
    r"\bspam\b|\bsentiment\b|\bflag\b|\brecogni[sz]e\b|\bidentif|\bdecide\b|\bwhich\b|"
    r"\bwhether\b|\bstance\b|\blanguage (?:id|identification|detection)\b|\blangid\b|"
    r"\brout(?:e|es|ed|ing)\b|\btriag\w*|\bwhat (?:kind|type|sort) of\b|"
    r"(?:->|→)\s*(?:the\s+)?(?:category|class|label|intent|topic|type)\b|"
    r"分类|分成|分为|分到|分派|分流|归类|识别|判断|打标签|情感分析|区分|辨别|属于|哪",
    re.I,
)
#: where a sentence ends: a stop of either script, a semicolon or a line end (not "0.8")
SENTENCE_END = re.compile(r"[。！!？?\n;；]|[.](?:\s|$)")
#: a name that is one side of a pair: question1 / question2, text_a / text_b, s1 / s2
SIDE_SUFFIX = re.compile(r"(?P<stem>[A-Za-z][\w-]*?)[_-]?(?P<side>[12ab]|left|right)", re.I)


def two_sides(names: list[str]) -> bool:
    """Whether two of ``names`` are the numbered sides of one pair (question1, question2)."""
    sides = [SIDE_SUFFIX.fullmatch(n) for n in names]
    return any(
        a and b and a["stem"] == b["stem"] and a["side"].lower() != b["side"].lower()
        for i, a in enumerate(sides)
        for b in sides[i + 1 :]
    )


#: words that say what a column holds, before its name in a spec list ("first text_a, second
#: text_b, similarity sim"): a side of a pair, or the score / label
SPEC_LABEL = r"similarity|score|label|target|rating|relevance|coherence|grade|gold"
SPEC_HEAD = (
    r"first|second|source|translation|target text|context|response|question|answer|premise|"
    r"hypothesis|query|document|passage|claim|left|right|" + SPEC_LABEL
)
