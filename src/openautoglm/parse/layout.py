"""Pasted layouts written as the plain fields the rules read: markdown tables, ``key: value``
fields joined by spaced pipes, bullets, and a header line or sample row from the data file."""

from __future__ import annotations

import json
import re

# "labels: a, b • train: x.csv • text col: t": a bullet ends an item like a semicolon
_BULLET = re.compile(r"[•●▪·](?=\s)")
_TABLE_ROW = re.compile(r"^\s*\|(?P<cells>.+)\|\s*$")
_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PIPE = re.compile(r"\s\|\s")
_KEYED = re.compile(r"^\s*[^\s:：|]{1,12}\s*[:：]")
# the words before a line copied from the file: "文件头长这样：", "Here's the header of my file:"
_PASTE_CUE = re.compile(
    r"(?:header|first\s+(?:line|row)|sample\s+row|example\s+row|a\s+row|columns\s+are|"
    r"文件头|表头|第一行|列名|样例|示例|一行)[^\n]{0,40}$",
    re.I,
)
_CELL = re.compile(r"[\w\u4e00-\u9fff.-]{1,40}")
_INLINE_HEADER = re.compile(
    r"(?:header|表头|文件头|列名)\s*(?:is|是|为)?\s*[:：]\s*`?"
    r"(?P<cells>[\w\u4e00-\u9fff.-]+(?:\s*[,|\t]\s*[\w\u4e00-\u9fff.-]+){2,})`?",
    re.I,
)


def plain_fields(text: str) -> str:
    """``text`` with table rows, pipe-joined fields and bullets written as clauses.

    Example:
        >>> plain_fields("| 文本字段 | text |\\n| 标签字段 | urgency |")
        '文本字段：text；\\n标签字段：urgency；'
    """
    text = _BULLET.sub(";", text)
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if _TABLE_ROW.match(line)]
    if len(rows) >= 2:
        lines = _table_as_fields(lines)
    return "\n".join(_pipe_fields(line) for line in lines)


def _table_as_fields(lines: list[str]) -> list[str]:
    """Two-cell rows as "key：value；"; the header above a rule row and the rule row dropped."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if _RULE_ROW.match(line) and "|" in line:
            if out and _TABLE_ROW.match(lines[i - 1]):
                out.pop()  # the header ("| 项目 | 内容 |") names no setting
            continue
        row = _TABLE_ROW.match(line)
        cells = [c.strip() for c in row["cells"].split("|")] if row else []
        out.append(f"{cells[0]}：{cells[1]}；" if len(cells) == 2 else line)
    return out


def _pipe_fields(line: str) -> str:
    """ "文本: content | 标签: polarity | 取值 1,2": spaced pipes between ``key: value`` fields
    end each field; a list of classes joined by pipes ("labels: a | b | c") is left whole."""
    parts = _PIPE.split(line)
    if len(parts) < 3 or sum(bool(_KEYED.match(p)) for p in parts) < 2:
        return line
    end = "；" if re.search(r"[\u4e00-\u9fff]", line) else ";"
    return f"{end} ".join(p.strip() for p in parts)


def pasted_header(text: str) -> tuple[str, list[str] | None]:
    """``text`` without a header line or JSON sample row the user pasted, and its column names.

    Example:
        >>> pasted_header("文件头：\\nid,title,label\\n用 title 做文本")
        ('文件头：\\n\\n用 title 做文本', ['id', 'title', 'label'])
    """
    inline = _INLINE_HEADER.search(text)  # "header: `uid,channel,feedback`", "my header: a|b|c."
    names = _header_cells(inline["cells"], r"[,|\t]") if inline else None
    if inline and names:
        return text[: inline.start("cells")] + " " + text[inline.end("cells") :], names
    lines = text.split("\n")
    for i, line in enumerate(lines):
        before = lines[i - 1] if i else ""
        if not before.strip() and i >= 2:  # "header of my file:\n\nid\tcreated_at…"
            before = lines[i - 2]
        if not _PASTE_CUE.search(before):
            continue
        names = _header_cells(line, r"\t|,") or _sample_row_keys(line)
        if names:
            return "\n".join([*lines[:i], "", *lines[i + 1 :]]), names
    return text, None


def _header_cells(line: str, separator: str) -> list[str] | None:
    """The names of a header line cut at ``separator``, when there are three or more and every
    cell is one name."""
    cells = [c.strip() for c in re.split(separator, line.strip())]
    if len(cells) >= 3 and all(_CELL.fullmatch(c) for c in cells):
        return cells
    return None


def _sample_row_keys(line: str) -> list[str] | None:
    """The keys of a JSON object pasted as a sample row: the file's columns."""
    try:
        row = json.loads(line.strip())
    except ValueError:
        return None
    return [str(k) for k in row] if isinstance(row, dict) and len(row) >= 2 else None
